/*
 * cmd_user.c - `shishi user add|list|disable|enable|reset-password|unlock`:
 * the accounts of the console.
 *
 * A password is read from standard input, one line, never from the
 * command line (where `ps` and shell history would show it); on a terminal
 * echo is turned off while it is typed. Every change is made by the actor
 * "cli" in the audit log.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/auth.h"
#include "core/outbox.h"
#include "store/store.h"
#include "store/store_account.h"
#include "store/store_audit.h"

static const char USAGE[] =
    "usage: shishi user add NAME --role ROLE --org CODE [--dept DEPT] [--email ADDRESS]\n"
    "       shishi user list [--json] [--db FILE]\n"
    "       shishi user set-email NAME ADDRESS|\"\" [--db FILE]\n"
    "       shishi user disable|enable|reset-password|unlock NAME [--db FILE]\n\n"
    "add             create an account; the password is read from standard input\n"
    "                (one line, 8 to 128 bytes), e.g. from a terminal prompt or a pipe\n"
    "                ROLE is admin, reviewer, reporter, viewer, supervisor, deputy\n"
    "                or moderator; CODE the org unit the account acts for (GB/T 2260);\n"
    "                DEPT a department of the plan.\n"
    "                NAME is stored in Unicode NFKC form; invisible or direction\n"
    "                characters, mixed look-alike alphabets and names that read like\n"
    "                an existing one are refused\n"
    "                ADDRESS receives the unit's notices and reminders (reporters\n"
    "                and reviewers; see shishi notify)\n"
    "list            every account with its role and scope\n"
    "set-email       the account's email address (\"\" removes it)\n"
    "disable         the account can no longer sign in; its sessions end\n"
    "enable          it can sign in again\n"
    "reset-password  a new password from standard input; all its sessions end\n"
    "unlock          its failed sign-ins no longer throttle the name\n";

/* Read one line from stdin into pw (without the newline); echo off on a
 * terminal. Returns the length, or -1 when the line is too long or
 * missing. */
static long read_password(char *pw, size_t cap)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO);
    size_t n;

    if (tty) {
        fputs("password: ", stderr);
        fflush(stderr);
        if (tcgetattr(STDIN_FILENO, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        } else {
            tty = 0;
        }
    }
    if (!fgets(pw, (int)cap, stdin))
        pw[0] = '\0';
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    n = strlen(pw);
    if (n && pw[n - 1] == '\n')
        pw[--n] = '\0';
    else if (n == cap - 1)
        return -1; /* no newline within the buffer: too long */
    if (n && pw[n - 1] == '\r')
        pw[--n] = '\0';
    return (long)n;
}

static void print_account(struct ss_store *st, const struct ss_account_rec *a, int json,
                          struct ss_json *j)
{
    char email[256];

    ss_store_account_email(st, a->id, email, sizeof email);
    if (json) {
        ss_json_obj(j);
        ss_json_kint(j, "id", a->id);
        ss_json_kstr(j, "name", a->name);
        ss_json_kstr(j, "role", a->role);
        ss_json_kstr(j, "org", a->org);
        ss_json_kstr(j, "dept", a->dept);
        ss_json_kstr(j, "email", email[0] ? email : NULL);
        ss_json_kbool(j, "disabled", a->disabled);
        ss_json_kstr(j, "created_at", a->created_at);
        ss_json_obj_end(j);
        return;
    }
    printf("%-20s %-9s %-12s %s%s%s%s\n", a->name, a->role, a->org, a->dept[0] ? a->dept : "-",
           email[0] ? "  " : "", email, a->disabled ? "  (disabled)" : "");
}

static int user_add(int argc, char **argv)
{
    const char *db = NULL, *role = NULL, *org = NULL, *dept = NULL, *email = NULL, *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},       {"role", 1, &role, NULL},
                             {"org", 1, &org, NULL},     {"dept", 1, &dept, NULL},
                             {"email", 1, &email, NULL}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_account_rec a;
    struct ss_err err;
    char pw[SS_PASSWORD_MAX + 3], name[SS_NAME_MAX + 1];
    int64_t id = 0;
    long n;
    int npos, rc;

    if ((rc = cli_parse("user add", argc, argv, opts, pos, 1, &npos)))
        return rc;
    if (npos != 1 || !role || !org) {
        fprintf(stderr, "shishi user add: %s\n",
                npos != 1 ? "NAME is missing: the new account's user name"
                : !role   ? "--role is missing: admin, reviewer, reporter, viewer, supervisor, "
                            "deputy or moderator"
                          : "--org is missing: the code of the org unit the account acts "
                            "for (GB/T 2260, e.g. --org 650102)");
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    if (email && (rc = ss_outbox_check_email("--email", email, &err)))
        return cli_fail("user add", &err);
    n = read_password(pw, sizeof pw);
    if (n < 0 || n > SS_PASSWORD_MAX || n < SS_PASSWORD_MIN) {
        memset(pw, 0, sizeof pw);
        ss_err_set(&err, SS_EINVAL, "password",
                   n <= 0 ? "no password on standard input (one line, %d to %d bytes)"
                          : "a password is %d to %d bytes long",
                   SS_PASSWORD_MIN, SS_PASSWORD_MAX);
        return cli_fail("user add", &err);
    }
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)))
        goto out;
    if ((rc = ss_store_begin(st, "cli", &err)))
        goto out;
    rc = ss_auth_user_add(st, pos[0], role, org, dept, pw, &id, &err);
    if (!rc && email)
        rc = ss_store_account_set_email(st, id, email, &err);
    if ((rc = cli_tx_end(st, rc, &err)))
        goto out;
    if ((rc = ss_auth_name_normalize(pos[0], name, &err)) ||
        (rc = ss_store_account_get(st, name, &a))) {
        ss_err_set(&err, rc, "", "the new account cannot be read back");
        goto out;
    }
    printf("added ");
    print_account(st, &a, 0, NULL);
out:
    memset(pw, 0, sizeof pw);
    ss_store_close(st);
    return rc ? cli_fail("user add", &err) : SS_EXIT_OK;
}

struct list_ctx {
    struct ss_store *st;
    int json;
    struct ss_json j;
};

static int list_one(void *ctx, const struct ss_account_rec *a)
{
    struct list_ctx *c = ctx;

    print_account(c->st, a, c->json, &c->j);
    return 0;
}

static int user_list(int argc, char **argv)
{
    const char *db = NULL;
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL}, {"json", 0, NULL, &json}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_err err;
    struct list_ctx c;
    struct ss_buf b;

    if ((rc = cli_parse("user list", argc, argv, opts, NULL, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    if ((rc = ss_store_open(cli_db_path(db), SS_STORE_READONLY, &st, &err)))
        return cli_fail("user list", &err);
    memset(&c, 0, sizeof c);
    c.st = st;
    c.json = json;
    ss_buf_init(&b, 64u << 20);
    if (json) {
        ss_json_init(&c.j, &b, 0);
        ss_json_obj(&c.j);
        ss_json_key(&c.j, "users");
        ss_json_arr(&c.j);
    }
    rc = ss_store_account_each(st, list_one, &c);
    ss_store_close(st);
    if (json) {
        ss_json_arr_end(&c.j);
        ss_json_obj_end(&c.j);
        ss_buf_putc(&b, '\n');
        if (!rc && b.data)
            fwrite(b.data, 1, b.len, stdout);
    }
    ss_buf_cleanup(&b);
    if (rc) {
        ss_err_set(&err, SS_EDB, "", "cannot read the accounts");
        return cli_fail("user list", &err);
    }
    return SS_EXIT_OK;
}

enum { DISABLE, ENABLE, RESET, UNLOCK };

/* user disable|enable|reset-password|unlock NAME */
static int user_change(int argc, char **argv, int what)
{
    static const char *const cmds[] = {"user disable", "user enable", "user reset-password",
                                       "user unlock"};
    static const char *const done[] = {"disabled (its sessions ended)", "enabled",
                                       "has a new password (its sessions ended)",
                                       "unlocked (its failed sign-ins no longer count)"};
    const char *cmd = cmds[what], *db = NULL, *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_err err;
    char pw[SS_PASSWORD_MAX + 3];
    long n = 0;
    int npos, rc;

    if ((rc = cli_parse(cmd, argc, argv, opts, pos, 1, &npos)))
        return rc;
    if (npos != 1) {
        fprintf(stderr, "shishi %s: NAME is missing: the account's user name\n", cmd);
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    memset(pw, 0, sizeof pw);
    if (what == RESET) {
        n = read_password(pw, sizeof pw);
        if (n < SS_PASSWORD_MIN || n > SS_PASSWORD_MAX) {
            memset(pw, 0, sizeof pw);
            ss_err_set(&err, SS_EINVAL, "password",
                       n <= 0 ? "no password on standard input (one line, %d to %d bytes)"
                              : "a password is %d to %d bytes long",
                       SS_PASSWORD_MIN, SS_PASSWORD_MAX);
            return cli_fail(cmd, &err);
        }
    }
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)))
        goto out;
    if ((rc = ss_store_begin(st, "cli", &err)))
        goto out;
    if (what == DISABLE || what == ENABLE)
        rc = ss_auth_user_set_disabled(st, pos[0], what == DISABLE, &err);
    else if (what == RESET)
        rc = ss_auth_user_set_password(st, pos[0], pw, &err);
    else
        rc = ss_auth_user_unlock(st, pos[0], &err);
    rc = cli_tx_end(st, rc, &err);
    if (!rc)
        printf("%s %s\n", pos[0], done[what]);
out:
    memset(pw, 0, sizeof pw);
    ss_store_close(st);
    return rc ? cli_fail(cmd, &err) : SS_EXIT_OK;
}

/* user set-email NAME ADDRESS */
static int user_set_email(int argc, char **argv)
{
    const char *db = NULL, *pos[2];
    struct cli_opt opts[] = {{"db", 1, &db, NULL}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_account_rec a;
    struct ss_err err;
    char name[SS_NAME_MAX + 1];
    int npos, rc;

    if ((rc = cli_parse("user set-email", argc, argv, opts, pos, 2, &npos)))
        return rc;
    if (npos != 2) {
        fprintf(stderr, "shishi user set-email: %s\n",
                npos < 1 ? "NAME is missing: the account's user name"
                         : "ADDRESS is missing: the email address (\"\" removes it)");
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    if ((pos[1][0] && (rc = ss_outbox_check_email("ADDRESS", pos[1], &err))) ||
        (rc = ss_auth_name_normalize(pos[0], name, &err)) ||
        (rc = ss_store_open(cli_db_path(db), 0, &st, &err)))
        goto out;
    if (ss_store_account_get(st, name, &a) != SS_OK) {
        rc = ss_err_set(&err, SS_ENOTFOUND, "NAME", "no such account");
        goto out;
    }
    if ((rc = ss_store_begin(st, "cli", &err)) ||
        (rc = cli_tx_end(st, ss_store_account_set_email(st, a.id, pos[1], &err), &err)))
        goto out;
    printf(pos[1][0] ? "%s receives email at %s\n" : "%s receives no email%s\n", a.name, pos[1]);
out:
    ss_store_close(st);
    return rc ? cli_fail("user set-email", &err) : SS_EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        int help = cli_wants_help(argc, argv);
        fputs(USAGE, help ? stdout : stderr);
        return help ? SS_EXIT_OK : SS_EXIT_USAGE;
    }
    if (strcmp(argv[1], "add") == 0)
        return user_add(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return user_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "set-email") == 0)
        return user_set_email(argc - 1, argv + 1);
    if (strcmp(argv[1], "disable") == 0)
        return user_change(argc - 1, argv + 1, DISABLE);
    if (strcmp(argv[1], "enable") == 0)
        return user_change(argc - 1, argv + 1, ENABLE);
    if (strcmp(argv[1], "reset-password") == 0)
        return user_change(argc - 1, argv + 1, RESET);
    if (strcmp(argv[1], "unlock") == 0)
        return user_change(argc - 1, argv + 1, UNLOCK);
    fputs(USAGE, stderr);
    return SS_EXIT_USAGE;
}
