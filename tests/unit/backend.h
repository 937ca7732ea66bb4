/*
 * backend.h - one test case on both backends: each case of a fixture runs
 * once on SQLite and once on PostgreSQL, its setup told which by cmocka's
 * pre-state, and the database it makes is a file or a fresh database on
 * the test cluster (pgtest.h), at the same f->path either way.
 *
 *   static int setup(void **state)
 *   {
 *       struct fixture *f = calloc(1, sizeof *f);
 *       testdb_make(&f->db, backend_pg(state), "store");   // f->db.path: file or URL
 *       ... ss_store_open(f->db.path, SS_STORE_CREATE, ...) ...
 *       *state = f;
 *   }
 *   teardown: ... ss_store_close; testdb_remove(&f->db);
 *
 *   const struct CMUnitTest tests[] = {
 *       ON_BOTH(test_x, setup, teardown),     // "test_x [sqlite]", "test_x [pg]"
 *       ON_SQLITE(test_y, setup, teardown),   // SQLite's alone (say why beside it)
 *   };
 *   return backend_run(tests);
 *
 * Without $SHISHI_TEST_PG (no cluster: a run outside make check) the [pg]
 * cases are filtered out and the run says so; with it, a database that
 * cannot be made ends the process (pgtest.h), so a PostgreSQL run never
 * turns into a SQLite one unnoticed.
 *
 * PostgreSQL has no file to keep the audit key beside: testdb_make names
 * one under $SHISHI_TMP (ss_store_audit_key_file), for every store the
 * process opens until testdb_remove; on SQLite it names none, and the key
 * is the file's own (PATH.key). The database as its holder sees it, past
 * the store, is testdb_raw(&f->db) (rawdb.h).
 */
#ifndef SS_TEST_BACKEND_H
#define SS_TEST_BACKEND_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pgtest.h"
#include "rawdb.h"
#include "store/store_audit.h"
#include "tmpdb.h"

struct testdb {
    int pg;                   /* 1: PostgreSQL */
    char path[TMPDB_PATH];    /* what --db names: the file, or the database's URL */
    char key[TMPDB_PATH + 8]; /* PostgreSQL: the audit key file named for it */
};

/* The pre-state a case's setup reads: which backend (0 SQLite, 1 PostgreSQL). */
static inline void *backend_state(int pg)
{
    static int which[2] = {0, 1};
    return &which[pg ? 1 : 0];
}

/* In a setup: 1 when the case is PostgreSQL's (the pre-state says so). */
static inline int backend_pg(void **state)
{
    return *state && *(const int *)*state;
}

#define BACKEND_CASE(test, setup, teardown, pg, label)                                             \
    {                                                                                              \
        .name = #test " [" label "]", .test_func = test, .setup_func = setup,                      \
        .teardown_func = teardown, .initial_state = backend_state(pg)                              \
    }
#define ON_SQLITE(test, setup, teardown) BACKEND_CASE(test, setup, teardown, 0, "sqlite")
#define ON_PG(test, setup, teardown) BACKEND_CASE(test, setup, teardown, 1, "pg")
#define ON_BOTH(test, setup, teardown)                                                             \
    ON_SQLITE(test, setup, teardown), ON_PG(test, setup, teardown)

/* A new database of the backend, named after name: a file name no file has
 * yet, or a fresh database on the cluster (and the key file named). Fails
 * the test when neither can be made. */
static inline void testdb_make(struct testdb *d, int pg, const char *name)
{
    memset(d, 0, sizeof *d);
    d->pg = pg;
    if (!pg) {
        if (tmpdb_name(d->path, name))
            fail_msg("no file name for a database under $SHISHI_TMP");
        ss_store_audit_key_file(NULL);
        return;
    }
    {
        const char *url = ss_test_pg_db();
        if (!url)
            fail_msg("a PostgreSQL case without $SHISHI_TEST_PG");
        if (snprintf(d->path, sizeof d->path, "%s", url) >= (int)sizeof d->path)
            fail_msg("the test database's URL is too long: %s", url);
    }
    if (tmpdb_name(d->key, "key"))
        fail_msg("no file name for the audit key under $SHISHI_TMP");
    ss_store_audit_key_file(d->key);
}

/* Remove what testdb_make made (the cluster's database is dropped at the
 * process's exit, pgtest.h). */
static inline void testdb_remove(struct testdb *d)
{
    if (d->pg) {
        unlink(d->key);
        ss_store_audit_key_file(NULL);
    } else {
        tmpdb_remove(d->path);
    }
}

/* The database past the store (rawdb.h: rawdb_int, rawdb_exec, ...). */
static inline struct rawdb testdb_raw(const struct testdb *d)
{
    struct rawdb r = {d->pg, d->path};
    return r;
}

/* The statement of the backend: SQL that differs between the two. */
#define BACKEND_SQL(d, lite, pg_sql) ((d)->pg ? (pg_sql) : (lite))

/* Run tests, the [pg] cases only when there is a cluster. */
#define backend_run(tests) backend_run_n(tests, sizeof(tests) / sizeof((tests)[0]))
static inline int backend_run_n(const struct CMUnitTest *tests, size_t n)
{
    const char *pg = getenv("SHISHI_TEST_PG");

    if (!pg || !*pg) {
        print_message("# the [pg] cases do not run: no PostgreSQL ($SHISHI_TEST_PG unset)\n");
        cmocka_set_skip_filter("* [pg]"); /* * and ? are its only wildcards */
    }
    return _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
}

#endif
