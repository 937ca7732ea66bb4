/*
 * cmd_audit.c - `shishi audit verify`, `shishi backup FILE` and
 * `shishi restore FILE`: checking the tamper-evident log, and copying the
 * database safely while it is in use.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "store/store.h"
#include "store/store_audit.h"

static const char AUDIT_USAGE[] =
    "usage: shishi audit verify [--db FILE] [--json] [--anchor ENTRY:HASH]\n\n"
    "Walk the audit log's hash chain and compare every audited table (plans,\n"
    "targets, org units, assignments, reports, accounts, evidence) with the last\n"
    "image the log holds of each row. Exit 0 with the count when everything\n"
    "matches; exit 1 naming the first entry or row that does not.\n\n"
    "The last line gives the head of the chain (entry and hash). Publish it\n"
    "somewhere the database cannot reach (a bulletin, a letter); later,\n"
    "--anchor ENTRY:HASH also checks that the entry still has that hash, so a\n"
    "log rewritten from end to end with fresh hashes is found too.\n";

static const char BACKUP_USAGE[] =
    "usage: shishi backup FILE [--db FILE]\n"
    "       shishi restore FILE [--db FILE]\n\n"
    "backup   copy the database to FILE with SQLite's online backup API (safe while\n"
    "         the server runs); FILE must not exist\n"
    "restore  replace the database's content with FILE's (stop the server first)\n";

int cmd_audit(int argc, char **argv)
{
    const char *db = NULL, *anchor_arg = NULL, *pos[1];
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"json", 0, NULL, &json},
                             {"anchor", 1, &anchor_arg, NULL},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_audit_anchor anchor;
    struct ss_audit_result r;
    struct ss_err err;

    if (argc < 2 || cli_wants_help(argc, argv) || strcmp(argv[1], "verify") != 0) {
        int help = cli_wants_help(argc, argv);
        fputs(AUDIT_USAGE, help ? stdout : stderr);
        return help ? SS_EXIT_OK : SS_EXIT_USAGE;
    }
    if ((rc = cli_parse("audit verify", argc - 1, argv + 1, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    if (anchor_arg && ss_audit_anchor_parse(anchor_arg, &anchor, &err))
        return cli_fail("audit verify", &err);
    if (ss_store_open(cli_db_path(db), 0, &st, &err) ||
        ss_store_audit_verify(st, anchor_arg ? &anchor : NULL, &r, &err)) {
        ss_store_close(st);
        return cli_fail("audit verify", &err);
    }
    ss_store_close(st);
    if (json)
        printf("{\"ok\":%s,\"entries\":%lld,\"rows\":%lld,\"bad_entry\":%lld,"
               "\"anchored\":%s,\"head\":\"%lld:%s\"}\n",
               r.bad_entry ? "false" : "true", (long long)r.entries, (long long)r.rows,
               (long long)r.bad_entry, anchor_arg ? "true" : "false", (long long)r.head_entry,
               r.head_hash);
    if (r.bad_entry) {
        fprintf(stderr, "shishi audit verify: %s\n", r.what);
        return SS_EXIT_INPUT;
    }
    if (!json) {
        printf("audit log intact: %lld entries chained, %lld rows match their last image\n",
               (long long)r.entries, (long long)r.rows);
        if (anchor_arg)
            printf("anchored: entry %lld still has the published hash\n",
                   (long long)anchor.entry);
        printf("head: %lld:%s\n", (long long)r.head_entry, r.head_hash);
    }
    return SS_EXIT_OK;
}

static int copy_cmd(int argc, char **argv, int restore)
{
    const char *db = NULL, *pos[1];
    const char *name = restore ? "restore" : "backup";
    int npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_err err;

    if (cli_wants_help(argc, argv)) {
        fputs(BACKUP_USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse(name, argc, argv, opts, pos, 1, &npos)))
        return rc;
    if (npos != 1) {
        fputs(BACKUP_USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    if (!restore && access(pos[0], F_OK) == 0) {
        ss_err_set(&err, SS_ECONFLICT, "FILE", "'%s' exists; choose a new file", pos[0]);
        return cli_fail(name, &err);
    }
    if (restore && access(pos[0], R_OK) != 0) {
        ss_err_set(&err, SS_EIO, "FILE", "cannot read '%s'", pos[0]);
        return cli_fail(name, &err);
    }
    if (ss_store_open(cli_db_path(db), restore ? SS_STORE_CREATE : 0, &st, &err) ||
        (restore ? ss_store_restore(st, pos[0], &err) : ss_store_backup(st, pos[0], &err))) {
        ss_store_close(st);
        return cli_fail(name, &err);
    }
    ss_store_close(st);
    printf("%s: %s %s %s\n", name, cli_db_path(db), restore ? "restored from" : "copied to",
           pos[0]);
    return SS_EXIT_OK;
}

int cmd_backup(int argc, char **argv)
{
    return copy_cmd(argc, argv, 0);
}

int cmd_restore(int argc, char **argv)
{
    return copy_cmd(argc, argv, 1);
}
