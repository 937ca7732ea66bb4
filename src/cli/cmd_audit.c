/*
 * cmd_audit.c - `shishi audit verify|key`, `shishi backup FILE` and
 * `shishi restore FILE`: checking the tamper-evident log and its
 * signatures, showing the signing key, and copying the database safely
 * while it is in use.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "store/store.h"
#include "store/store_audit.h"

static const char AUDIT_USAGE[] =
    "usage: shishi audit verify [--db FILE] [--json] [--anchor ENTRY:HASH] [--public-key HEX]\n"
    "       shishi audit key [--db FILE] [--json]\n\n"
    "verify  walk the audit log's hash chain, check every entry's signature, and\n"
    "        compare every audited table (plans, targets, org units, assignments,\n"
    "        reports, accounts, evidence, sessions) with the last image the log\n"
    "        holds of each row. Exit 0 when everything matches; exit 1 naming the\n"
    "        first entry or row that does not.\n"
    "key     print the public key the log is signed with, and check the key file.\n\n"
    "Each commit's last entry is signed (Ed25519) with the audit key, a file\n"
    "the database does not hold (--audit-key FILE, else $SHISHI_AUDIT_KEY,\n"
    "else the database's path with .key added). Publish the public key\n"
    "somewhere the database cannot reach (a bulletin, a letter): --public-key\n"
    "HEX checks the log against it, so a log re-signed with another key fails.\n"
    "The last line gives the head of the chain (entry and hash); publish it\n"
    "too, and --anchor ENTRY:HASH later finds entries cut off the end.\n";

static const char BACKUP_USAGE[] =
    "usage: shishi backup FILE [--db FILE]\n"
    "       shishi restore FILE [--db FILE]\n\n"
    "backup   copy the database to FILE with SQLite's online backup API (safe while\n"
    "         the server runs); FILE must not exist. The audit key is not in the\n"
    "         database: keep a copy of it apart (without it nothing can be written)\n"
    "restore  replace the database's content with FILE's (stop the server first)\n";

static void print_verified(const struct ss_audit_result *r, const struct ss_audit_expect *want)
{
    printf("audit log intact: %lld entries chained, %lld rows match their last image\n",
           (long long)r->entries, (long long)r->rows);
    if (!r->signed_from)
        printf("not signed: no entry is signed (the log was written before signing began); "
               "the chain alone vouches for it\n");
    else {
        printf("signed: every entry from %lld on (%lld signature%s verified)\n",
               (long long)r->signed_from, (long long)r->signatures, r->signatures == 1 ? "" : "s");
        if (r->signed_from > 1)
            printf("before signing: entries 1 to %lld were written before signing began: "
                   "chained, and no one without the key can change them since, but they "
                   "were not signed when written\n",
                   (long long)r->signed_from - 1);
        printf("public key: %s (%s)\n", r->public_key,
               want->public_key[0] ? "the one you gave"
                                   : "compare it with the published one, or pass --public-key");
    }
    if (want->anchor.entry)
        printf("anchored: entry %lld still has the published hash\n",
               (long long)want->anchor.entry);
    printf("head: %lld:%s\n", (long long)r->head_entry, r->head_hash);
}

static int audit_verify(int argc, char **argv)
{
    const char *db = NULL, *anchor_arg = NULL, *key_arg = NULL, *pos[1];
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"json", 0, NULL, &json},
                             {"anchor", 1, &anchor_arg, NULL},
                             {"public-key", 1, &key_arg, NULL},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_audit_expect want;
    struct ss_audit_result r;
    struct ss_err err;

    if ((rc = cli_parse("audit verify", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    memset(&want, 0, sizeof want);
    if ((anchor_arg && ss_audit_anchor_parse(anchor_arg, &want.anchor, &err)) ||
        (key_arg && ss_audit_public_key_parse(key_arg, want.public_key, &err)))
        return cli_fail("audit verify", &err);
    /* reads only: an older database verifies as it is, before a migration
     * as well as after */
    if (ss_store_open(cli_db_path(db), SS_STORE_READONLY, &st, &err) ||
        ss_store_audit_verify(st, &want, &r, &err)) {
        ss_store_close(st);
        return cli_fail("audit verify", &err);
    }
    ss_store_close(st);
    if (json)
        printf("{\"ok\":%s,\"entries\":%lld,\"rows\":%lld,\"bad_entry\":%lld,"
               "\"anchored\":%s,\"signed_from\":%lld,\"signatures\":%lld,"
               "\"public_key\":\"%s\",\"key_given\":%s,\"head\":\"%lld:%s\"}\n",
               r.bad_entry ? "false" : "true", (long long)r.entries, (long long)r.rows,
               (long long)r.bad_entry, anchor_arg ? "true" : "false", (long long)r.signed_from,
               (long long)r.signatures, r.public_key, key_arg ? "true" : "false",
               (long long)r.head_entry, r.head_hash);
    if (r.bad_entry) {
        fprintf(stderr, "shishi audit verify: %s\n", r.what);
        return SS_EXIT_INPUT;
    }
    if (!json)
        print_verified(&r, &want);
    return SS_EXIT_OK;
}

static int audit_key(int argc, char **argv)
{
    const char *db = NULL, *pos[1];
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL}, {"json", 0, NULL, &json}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_audit_key_info info;
    struct ss_err err, problem;

    if ((rc = cli_parse("audit key", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    ss_err_clear(&problem);
    if (ss_store_open(cli_db_path(db), 0, &st, &err))
        return cli_fail("audit key", &err);
    rc = ss_store_audit_key_info(st, &info, &problem);
    /* no key recorded yet: make one now, so it can be published before the
     * first write */
    if (!info.entry && (rc == SS_OK || rc == SS_ENOTFOUND)) {
        ss_err_clear(&problem);
        rc = ss_store_audit_key_ensure(st, &info, &problem);
    }
    ss_store_close(st);
    if (json) {
        struct ss_buf b;
        struct ss_json j;
        ss_buf_init(&b, 1 << 14);
        ss_json_init(&j, &b, 0);
        ss_json_obj(&j);
        ss_json_kstr(&j, "public_key", info.public_key);
        ss_json_kint(&j, "entry", info.entry);
        ss_json_kint(&j, "signed_from", info.signed_from);
        ss_json_kstr(&j, "key_file", info.file);
        ss_json_kbool(&j, "key_file_ok", rc == SS_OK);
        ss_json_kbool(&j, "created", info.created);
        ss_json_obj_end(&j);
        ss_buf_putc(&b, '\n');
        fwrite(b.data, 1, b.len, stdout);
        ss_buf_cleanup(&b);
    } else if (info.public_key[0]) {
        printf("public key: %s\n", info.public_key);
        if (info.entry)
            printf("recorded: entry %lld; signs every entry from %lld on\n", (long long)info.entry,
                   (long long)info.signed_from);
        printf("key file: %s%s\n", info.file,
               rc             ? ""
               : info.created ? " (created now: keep a copy apart from the database)"
                              : "");
    }
    return rc ? cli_fail("audit key", &problem) : SS_EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
    int help = cli_wants_help(argc, argv);

    if (argc >= 2 && !help && strcmp(argv[1], "verify") == 0)
        return audit_verify(argc - 1, argv + 1);
    if (argc >= 2 && !help && strcmp(argv[1], "key") == 0)
        return audit_key(argc - 1, argv + 1);
    fputs(AUDIT_USAGE, help ? stdout : stderr);
    return help ? SS_EXIT_OK : SS_EXIT_USAGE;
}

int cli_audit_key_ready(const char *db, struct ss_err *err)
{
    struct ss_store *st = NULL;
    int rc;

    if ((rc = ss_store_open(db, 0, &st, err)) == SS_OK)
        rc = ss_store_audit_key_ensure(st, NULL, err);
    ss_store_close(st);
    return rc;
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
    if (ss_store_open(cli_db_path(db), restore ? SS_STORE_CREATE : SS_STORE_READONLY, &st, &err) ||
        (restore ? ss_store_restore(st, pos[0], &err) : ss_store_backup(st, pos[0], &err))) {
        ss_store_close(st);
        return cli_fail(name, &err);
    }
    if (restore && ss_store_schema_version(st) < ss_store_schema_latest())
        fprintf(stderr,
                "shishi restore: the backup is at schema version %d; run shishi migrate --db %s "
                "before writing to it\n",
                ss_store_schema_version(st), cli_db_path(db));
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
