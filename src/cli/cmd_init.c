/*
 * cmd_init.c - `shishi init`: a database holding the default plan (the
 * seed announcement's ten projects and 51 targets) and the default
 * region's divisions, both embedded in the binary, and its audit key.
 *
 * The audit key is made (or, if the file exists already, taken) and
 * recorded in the log before anything else is written, so the log is
 * signed from its first entry; init prints the public key to publish.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/divisions.h"
#include "core/plan_json.h"
#include "embedded.h"
#include "store/store.h"
#include "store/store_audit.h"

static const char USAGE[] =
    "usage: shishi init [--db FILE] [--audit-key FILE]\n\n"
    "Create a database holding the default plan (the 2026 ten livelihood projects\n"
    "of the default region, 51 targets) and the region's divisions (GB/T 2260).\n"
    "Refuses to touch a database that already holds a plan.\n\n"
    "The audit log is signed with a key kept outside the database: FILE, else\n"
    "$SHISHI_AUDIT_KEY, else the database's path with .key added. init creates\n"
    "it (readable by you alone) unless it exists, and prints its public key:\n"
    "publish that, and keep a copy of the key file apart from the database.\n";

static const struct ss_embedded_file *embedded(const char *name)
{
    size_t i;

    for (i = 0; i < ss_embedded_count; i++)
        if (strcmp(ss_embedded[i].name, name) == 0)
            return &ss_embedded[i];
    return NULL;
}

int cmd_init(int argc, char **argv)
{
    const char *db = NULL;
    const char *pos[1];
    int npos, rc, existed;
    struct cli_opt opts[] = {{"db", 1, &db, NULL}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_plan *plan = NULL, *have = NULL;
    const struct ss_embedded_file *f;
    struct ss_audit_key_info key;
    struct ss_err err;
    int64_t plan_id;

    memset(&key, 0, sizeof key);
    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("init", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    db = cli_db_path(db);
    existed = access(db, F_OK) == 0;
    /* a new database gets the schema here; an older one is migrated (the
     * step init runs, as migrate does) and then refused for holding a plan */
    if (ss_store_open(db, SS_STORE_CREATE | SS_STORE_MIGRATE, &st, &err))
        return cli_fail("init", &err);
    {
        int from, to;
        ss_store_schema_step(st, &from, &to);
        if (from && from != to)
            fprintf(stderr, "shishi init: migrated %s from schema version %d to %d\n", db, from,
                    to);
    }
    if (ss_store_plan_load(st, 0, &have, NULL) == SS_OK) {
        ss_err_set(&err, SS_ECONFLICT, "db", "%s already holds a plan (%s); no plan was added", db,
                   have->title);
        ss_plan_free(have);
        rc = cli_fail("init", &err);
        goto out;
    }
    if (ss_store_audit_key_ensure(st, &key, &err)) {
        rc = cli_fail("init", &err);
        goto out;
    }
    f = embedded("plan-default.json");
    if (!f) {
        ss_err_set(&err, SS_EIO, "plan", "this build carries no default plan");
        rc = cli_fail("init", &err);
        goto out;
    }
    if ((rc = ss_plan_from_json((const char *)f->data, f->len, &plan, &err)) ||
        (rc = ss_store_begin(st, "system", &err))) {
        rc = cli_fail("init", &err);
        goto out;
    }
    if ((rc = ss_divisions_load_default(st, &err)) == SS_OK)
        rc = ss_store_plan_insert(st, plan, &plan_id, &err);
    if (cli_tx_end(st, rc, &err)) {
        rc = cli_fail("init", &err);
        goto out;
    }
    printf("initialised %s: plan \"%s\" (%zu projects, %zu targets), %lld org units\n", db,
           plan->title, plan->nprojects, plan->ntargets, (long long)ss_store_org_count(st));
    printf("audit key: %s (%s); public key %s: publish it\n", key.file,
           key.created ? "created: keep a copy apart from the database" : "the file there",
           key.public_key);
    rc = SS_EXIT_OK;
out:
    ss_plan_free(plan);
    ss_store_close(st);
    if (rc && !existed) {
        char side[1024];
        unlink(db); /* leave nothing half-made behind */
        snprintf(side, sizeof side, "%s-wal", db);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", db);
        unlink(side);
        if (key.created)
            unlink(key.file);
    }
    return rc;
}
