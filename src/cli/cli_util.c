/*
 * cli_util.c - option parsing and error reporting shared by the commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/docx.h"
#include "base/l10n.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "store/store.h"
#include "store/store_audit.h"

const char *cli_db_path(const char *flag_value)
{
    const char *env;

    if (flag_value && *flag_value)
        return flag_value;
    env = getenv("SHISHI_DB");
    if (env && *env)
        return env;
    /* libpq's own variables name a PostgreSQL server: connect with them */
    if ((env = getenv("PGDATABASE")) && *env)
        return "postgresql://";
    if ((env = getenv("PGHOST")) && *env)
        return "postgresql://";
    return "shishi.db";
}

int cli_fail(const char *cmd, const struct ss_err *e)
{
    char text[SS_ERR_TEXT];

    /* in the user's language (LC_ALL, LC_MESSAGES, LANG; English by default) */
    ss_err_text(e, ss_lang_from_env(), text, sizeof text);
    if (e->field[0])
        fprintf(stderr, "shishi %s: %s: %s\n", cmd, e->field, text);
    else
        fprintf(stderr, "shishi %s: %s\n", cmd, text);
    switch (e->code) {
    case SS_ENOTFOUND:
        return SS_EXIT_NOTFOUND;
    case SS_EIO:
    case SS_EDB:
        return SS_EXIT_IO;
    default:
        return SS_EXIT_INPUT;
    }
}

int cli_tx_end(struct ss_store *st, int rc, struct ss_err *err)
{
    if (rc) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

int cli_wants_help(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

/* --audit-key FILE, which every command takes: the audit signing key for
 * the stores this process opens. The flag beats $SHISHI_AUDIT_KEY. */
static int audit_key_flag;

static void audit_key_env(void)
{
    const char *env = getenv("SHISHI_AUDIT_KEY");

    if (!audit_key_flag && env && *env)
        ss_store_audit_key_file(env);
}

int cli_parse(const char *cmd, int argc, char **argv, const struct cli_opt *opts, const char **pos,
              int maxpos, int *npos)
{
    static const struct cli_opt audit_key = {"audit-key", 1, NULL, NULL};
    const char *key = NULL;
    int i;

    audit_key_env();
    *npos = 0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct cli_opt *o;
        const char *eq;
        size_t nlen;

        if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0) {
            if (*npos >= maxpos) {
                fprintf(stderr, "shishi %s: unexpected argument '%s'\n", cmd, a);
                return SS_EXIT_USAGE;
            }
            pos[(*npos)++] = a;
            continue;
        }
        a += 2;
        eq = strchr(a, '=');
        nlen = eq ? (size_t)(eq - a) : strlen(a);
        for (o = opts; o->name; o++)
            if (strlen(o->name) == nlen && strncmp(o->name, a, nlen) == 0)
                break;
        if (!o->name && nlen == strlen(audit_key.name) && strncmp(a, audit_key.name, nlen) == 0)
            o = &audit_key;
        if (!o->name) {
            fprintf(stderr, "shishi %s: unknown option '--%.*s' (see shishi %s --help)\n", cmd,
                    (int)nlen, a, cmd);
            return SS_EXIT_USAGE;
        }
        if (!o->takes_value) {
            if (eq) {
                fprintf(stderr, "shishi %s: option '--%s' takes no value\n", cmd, o->name);
                return SS_EXIT_USAGE;
            }
            *o->flag = 1;
            continue;
        }
        if (!eq && i + 1 >= argc) {
            fprintf(stderr, "shishi %s: option '--%s' needs a value\n", cmd, o->name);
            return SS_EXIT_USAGE;
        }
        if (o == &audit_key)
            key = eq ? eq + 1 : argv[++i];
        else
            *o->value = eq ? eq + 1 : argv[++i];
    }
    if (key) {
        if (!*key) {
            fprintf(stderr, "shishi %s: option '--audit-key' needs a file name\n", cmd);
            return SS_EXIT_USAGE;
        }
        audit_key_flag = 1;
        ss_store_audit_key_file(key);
    }
    return 0;
}

int cli_read_announcement(const char *path, char **text, size_t *len, struct ss_err *err)
{
    struct ss_err inner;
    char *raw = NULL;
    size_t n = 0;
    int rc;

    *text = NULL;
    *len = 0;
    errno = 0;
    rc = ss_read_file(path, SS_MAX_DOCX, &raw, &n);
    if (rc == SS_EINVAL)
        return ss_err_set(err, SS_EINVAL, path, "larger than %u bytes", (unsigned)SS_MAX_DOCX);
    if (rc != SS_OK)
        return ss_err_set(err, SS_EIO, path, "cannot read the file: %s",
                          errno ? strerror(errno) : "read error");
    ss_err_clear(&inner);
    rc = ss_docx_or_text(raw, n, text, len, NULL, &inner);
    free(raw);
    if (rc)
        return ss_err_set(err, rc, path, "%s", ss_err_nest(&inner));
    return SS_OK;
}

int cli_write_file(const char *flag, const char *path, const char *data, size_t len,
                   struct ss_err *err)
{
    FILE *f = fopen(path, "wb");
    int bad;

    if (!f)
        return ss_err_set(err, SS_EIO, flag, "cannot write '%s'", path);
    bad = fwrite(data, 1, len, f) != len;
    bad |= fclose(f) != 0;
    return bad ? ss_err_set(err, SS_EIO, flag, "cannot write '%s'", path) : SS_OK;
}
