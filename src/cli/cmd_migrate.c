/*
 * cmd_migrate.c - `shishi migrate`: bring a database to this build's
 * schema, as an explicit step.
 *
 * A read-write open of an older database is refused (store.h), so an
 * upgrade of shishi never changes a database behind its owner's back: the
 * owner backs it up and runs this, or `serve`, which runs the same step at
 * start-up (and `init`, for the database it creates). The step is locked
 * and runs at most once per version however many processes try at once
 * (store_schema.c); it prints from which version to which.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "store/store.h"

static const char USAGE[] =
    "usage: shishi migrate [--db FILE] [--json]\n\n"
    "Bring the database to the schema this shishi needs, and say from which version to\n"
    "which. Commands that write refuse an older database until it is migrated; serve\n"
    "migrates at start-up. The step changes the database in place, in one transaction\n"
    "(all of it or nothing), and waits while another process migrates the same\n"
    "database. Back the database up first (shishi backup FILE).\n";

/* Open db to migrate; *from and *to the versions before and after. */
static int step(const char *db, int *from, int *to, struct ss_err *err)
{
    struct ss_store *st = NULL;
    int rc;

    *from = *to = 0;
    if ((rc = ss_store_open(db, SS_STORE_MIGRATE, &st, err)))
        return rc;
    ss_store_schema_step(st, from, to);
    ss_store_close(st);
    return SS_OK;
}

int cli_migrate(const char *db, const char *cmd, struct ss_err *err)
{
    int from, to, rc;

    if ((rc = step(db, &from, &to, err)))
        return rc;
    if (from != to)
        fprintf(stderr, "shishi %s: migrated %s from schema version %d to %d\n", cmd, db, from, to);
    return SS_OK;
}

int cmd_migrate(int argc, char **argv)
{
    const char *db = NULL, *pos[1];
    int json = 0, npos, rc, from, to;
    struct cli_opt opts[] = {{"db", 1, &db, NULL}, {"json", 0, NULL, &json}, {NULL, 0, NULL, NULL}};
    struct ss_err err;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("migrate", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    db = cli_db_path(db);
    if (step(db, &from, &to, &err))
        return cli_fail("migrate", &err);
    if (json) {
        struct ss_buf b;
        struct ss_json j;

        ss_buf_init(&b, 4096);
        ss_json_init(&j, &b, 0);
        ss_json_obj(&j);
        ss_json_kstr(&j, "db", db);
        ss_json_kint(&j, "from", from);
        ss_json_kint(&j, "to", to);
        ss_json_kbool(&j, "migrated", from != to);
        ss_json_obj_end(&j);
        printf("%s\n", b.data);
        ss_buf_cleanup(&b);
    } else if (from != to) {
        printf("migrated %s from schema version %d to %d\n", db, from, to);
    } else {
        printf("%s is at schema version %d, the one this shishi needs: nothing to do\n", db, to);
    }
    return SS_EXIT_OK;
}
