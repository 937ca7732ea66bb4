/*
 * test_throttle.c - the per-client throttle (core/throttle.h) on its own:
 * the sliding window and what a refusal says, keys and scopes that never
 * share a count, several keys admitted all or none, a refusal that
 * records nothing, forgetting and clearing, expired attempts pruned, the
 * one-key entry point for public writes, and parallel attempts on
 * separate connections (as separate server processes would make them)
 * that cannot pass on one count. Then the login's throttle carried over
 * by migration 8 from a database of the previous schema.
 *
 * Clocks are passed in (or set with ss_throttle_set_clock): nothing here
 * waits or reads the time, except the upgrade, which SQL does.
 *
 * Every case runs on SQLite and on PostgreSQL (backend.h), the racers on
 * PostgreSQL in truly parallel transactions; but the upgrade, from a
 * schema (7) that exists only on SQLite (PostgreSQL's starts at 10).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "backend.h"
#include "base/util.h"
#include "core/auth.h"
#include "core/throttle.h"
#include "store/store.h"
#include "store/store_throttle.h"

#define T0 1780000000 /* 2026-05-28 */

static const struct ss_throttle_rule THREE = {
    .scope = "test.ip", .max = 3, .window = 600, .what = "tries from this address"};
static const struct ss_throttle_rule TWO = {
    .scope = "test.name", .max = 2, .window = 60, .what = "tries for this name"};

struct fixture {
    struct testdb db;
    struct rawdb raw; /* the database past the store */
    struct ss_store *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_err err;

    testdb_make(&f->db, backend_pg(state), "throttle");
    f->raw = testdb_raw(&f->db);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_throttle_set_clock(0);
    ss_store_close(f->st);
    testdb_remove(&f->db);
    free(f);
    return 0;
}

static long rows(struct fixture *f, const char *sql)
{
    return (long)rawdb_int(&f->raw, sql);
}

static int admit1(struct fixture *f, const struct ss_throttle_rule *rule, const char *key,
                  int64_t now, struct ss_throttle_verdict *v, struct ss_err *err)
{
    struct ss_throttle_key k = {rule, key};

    ss_err_clear(err);
    return ss_throttle_admit(f->st, &k, 1, now, v, err);
}

static void test_window(void **state)
{
    struct fixture *f = *state;
    struct ss_throttle_verdict v;
    struct ss_err err;
    int i;

    for (i = 0; i < 3; i++) {
        assert_int_equal(admit1(f, &THREE, "192.0.2.1", T0 + i * 100, &v, &err), SS_OK);
        assert_int_equal(v.refused, 0);
        assert_true(v.hits[0] > 0);
    }
    /* the fourth within the window: refused until the first leaves it */
    assert_int_equal(admit1(f, &THREE, "192.0.2.1", T0 + 250, &v, &err), SS_ETHROTTLED);
    assert_int_equal(err.code, SS_ETHROTTLED);
    assert_int_equal(v.refused, 1);
    assert_int_equal(v.retry_after, 350);
    assert_string_equal(err.msg, "too many tries from this address: wait 6 minutes and try again");
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit"), 3); /* nothing recorded */
    /* the window slides: at T0 + 600 the first is out, the next two are in */
    assert_int_equal(admit1(f, &THREE, "192.0.2.1", T0 + 599, &v, &err), SS_ETHROTTLED);
    assert_int_equal(v.retry_after, 1);
    assert_string_equal(err.msg, "too many tries from this address: wait a minute and try again");
    assert_int_equal(admit1(f, &THREE, "192.0.2.1", T0 + 600, &v, &err), SS_OK);
    assert_int_equal(admit1(f, &THREE, "192.0.2.1", T0 + 650, &v, &err), SS_ETHROTTLED);
    assert_int_equal(v.retry_after, 50); /* the one at T0 + 100 leaves at T0 + 700 */
}

static void test_keys_and_scopes_apart(void **state)
{
    struct fixture *f = *state;
    struct ss_throttle_verdict v;
    struct ss_err err;
    int i;

    for (i = 0; i < 3; i++)
        assert_int_equal(admit1(f, &THREE, "192.0.2.1", T0, &v, &err), SS_OK);
    assert_int_equal(admit1(f, &THREE, "192.0.2.1", T0, &v, &err), SS_ETHROTTLED);
    /* another address, and the same string under another rule, count apart */
    assert_int_equal(admit1(f, &THREE, "192.0.2.2", T0, &v, &err), SS_OK);
    assert_int_equal(admit1(f, &TWO, "192.0.2.1", T0, &v, &err), SS_OK);
}

static void test_all_or_none(void **state)
{
    struct fixture *f = *state;
    struct ss_throttle_key k[2] = {{&TWO, "alice"}, {&THREE, "192.0.2.1"}};
    struct ss_throttle_verdict v;
    struct ss_err err;

    ss_err_clear(&err);
    assert_int_equal(ss_throttle_admit(f->st, k, 2, T0, &v, &err), SS_OK);
    assert_true(v.hits[0] > 0 && v.hits[1] > 0 && v.hits[0] != v.hits[1]);
    assert_int_equal(ss_throttle_admit(f->st, k, 2, T0 + 1, &v, &err), SS_OK);
    /* the name is at its limit: the address gets no hit either */
    assert_int_equal(ss_throttle_admit(f->st, k, 2, T0 + 2, &v, &err), SS_ETHROTTLED);
    assert_int_equal(v.refused, 1);
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit WHERE scope = 'test.ip'"), 2);
    /* so the address still has its third attempt */
    assert_int_equal(admit1(f, &THREE, "192.0.2.1", T0 + 3, &v, &err), SS_OK);
    /* and the second key over its limit is named as the second */
    assert_int_equal(ss_throttle_admit(f->st, k, 2, T0 + 61 + 60, &v, &err), SS_ETHROTTLED);
    assert_int_equal(v.refused, 2);
}

static void test_check_reads_only(void **state)
{
    struct fixture *f = *state;
    struct ss_throttle_key k = {&TWO, "bob"};
    struct ss_throttle_verdict v;
    struct ss_err err;

    ss_err_clear(&err);
    assert_int_equal(ss_throttle_check(f->st, &k, 1, T0, &v, &err), SS_OK);
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit"), 0);
    assert_int_equal(admit1(f, &TWO, "bob", T0, &v, &err), SS_OK);
    assert_int_equal(admit1(f, &TWO, "bob", T0, &v, &err), SS_OK);
    assert_int_equal(ss_throttle_check(f->st, &k, 1, T0 + 10, &v, &err), SS_ETHROTTLED);
    assert_int_equal(v.refused, 1);
    assert_int_equal(v.retry_after, 50);
    assert_string_equal(err.msg, "too many tries for this name: wait a minute and try again");
    assert_int_equal(ss_throttle_check(f->st, &k, 1, T0 + 60, &v, &err), SS_OK);
}

static void test_forget_and_clear(void **state)
{
    struct fixture *f = *state;
    struct ss_throttle_verdict v;
    struct ss_err err;
    int64_t first;

    assert_int_equal(admit1(f, &TWO, "carol", T0, &v, &err), SS_OK);
    first = v.hits[0];
    assert_int_equal(admit1(f, &TWO, "carol", T0, &v, &err), SS_OK);
    assert_int_equal(admit1(f, &TWO, "carol", T0, &v, &err), SS_ETHROTTLED);
    /* a success that should not count: its hit goes */
    assert_int_equal(ss_throttle_forget(f->st, first, &err), SS_OK);
    assert_int_equal(admit1(f, &TWO, "carol", T0, &v, &err), SS_OK);
    assert_int_equal(admit1(f, &TWO, "carol", T0, &v, &err), SS_ETHROTTLED);
    /* an unlock: none counts; other keys keep theirs */
    assert_int_equal(admit1(f, &TWO, "dave", T0, &v, &err), SS_OK);
    assert_int_equal(ss_throttle_clear(f->st, &TWO, "carol", &err), SS_OK);
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit WHERE key = 'carol'"), 0);
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit WHERE key = 'dave'"), 1);
    assert_int_equal(admit1(f, &TWO, "carol", T0, &v, &err), SS_OK);
}

static void test_expired_pruned(void **state)
{
    struct fixture *f = *state;
    struct ss_throttle_verdict v;
    struct ss_err err;
    char key[32];
    int i;

    for (i = 0; i < 40; i++) {
        snprintf(key, sizeof key, "198.51.100.%d", i);
        assert_int_equal(admit1(f, &TWO, key, T0, &v, &err), SS_OK);
    }
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit"), 40);
    /* once their window is over, later attempts (of any key) delete them, a
     * few at a time */
    assert_int_equal(admit1(f, &THREE, "203.0.113.1", T0 + 60, &v, &err), SS_OK);
    assert_true(rows(f, "SELECT count(*) FROM throttle_hit") < 40);
    assert_int_equal(admit1(f, &THREE, "203.0.113.2", T0 + 61, &v, &err), SS_OK);
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit"), 2);
}

static void test_bad_keys(void **state)
{
    struct fixture *f = *state;
    struct ss_throttle_verdict v;
    struct ss_err err;
    char big[SS_THROTTLE_KEY_MAX + 2];

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(admit1(f, &TWO, big, T0, &v, &err), SS_EINVAL);
    assert_int_equal(admit1(f, &TWO, NULL, T0, &v, &err), SS_EINVAL);
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit"), 0);
}

static void test_client_entry(void **state)
{
    struct fixture *f = *state;
    struct ss_err err;

    ss_throttle_set_clock(T0);
    ss_err_clear(&err);
    assert_int_equal(ss_throttle_client(f->st, &TWO, "192.0.2.9", &err), SS_OK);
    assert_int_equal(ss_throttle_client(f->st, &TWO, "192.0.2.9", &err), SS_OK);
    assert_int_equal(ss_throttle_client(f->st, &TWO, "192.0.2.9", &err), SS_ETHROTTLED);
    assert_string_equal(err.field, "");
    ss_throttle_set_clock(T0 + 60);
    assert_int_equal(ss_throttle_client(f->st, &TWO, "192.0.2.9", &err), SS_OK);
}

struct racer {
    const char *path;
    int rc;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct ss_throttle_verdict v;
    struct ss_throttle_key k = {&THREE, "192.0.2.77"};
    struct ss_store *st;
    struct ss_err err;

    if (ss_store_open(r->path, 0, &st, &err)) {
        r->rc = 99;
        return NULL;
    }
    r->rc = ss_throttle_admit(st, &k, 1, T0, &v, &err);
    ss_store_close(st);
    return NULL;
}

/* Each racer on its own connection, as separate server processes on one
 * database: the count and the record are one transaction, so exactly
 * max pass. */
static void test_parallel(void **state)
{
    struct fixture *f = *state;
    enum { N = 12 };
    pthread_t t[N];
    struct racer r[N];
    int i, ok = 0, refused = 0;

    for (i = 0; i < N; i++) {
        r[i].path = f->db.path;
        r[i].rc = 0;
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    for (i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        ok += r[i].rc == SS_OK;
        refused += r[i].rc == SS_ETHROTTLED;
    }
    assert_int_equal(ok, THREE.max);
    assert_int_equal(refused, N - THREE.max);
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit"), THREE.max);
}

/* A database of the previous schema (7) whose name and address are
 * throttled by its login_attempt rows: after the upgrade they still are,
 * and failures before a success do not come back. */
static void test_login_upgrade(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], csrf[SS_TOKEN_HEX], sql[2048];
    struct ss_user u;
    struct ss_err err;
    size_t o = 0;
    int i;

    assert_int_equal(ss_store_schema_version(f->st), ss_store_schema_latest());
    ss_store_close(f->st);
    f->st = NULL;
    o += (size_t)snprintf(
        sql + o, sizeof sql - o,
        "DROP TABLE throttle_hit; DROP TABLE schema_migration; DROP TABLE translation;"
        "DROP TABLE plan_source;"
        "PRAGMA user_version = 7;"
        /* erin failed 5 times, then signed in: none counts */
        "INSERT INTO login_attempt(name, ip, ok, at) VALUES");
    for (i = 0; i < SS_LOGIN_MAX_FAILURES; i++)
        o += (size_t)snprintf(sql + o, sizeof sql - o,
                              " ('erin', '192.0.2.50', 0, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', "
                              "'now', '-300 seconds')),");
    o += (size_t)snprintf(sql + o, sizeof sql - o,
                          " ('erin', '192.0.2.50', 1, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', "
                          "'-200 seconds'));");
    /* frank failed 5 times a minute ago, from another address */
    o += (size_t)snprintf(sql + o, sizeof sql - o,
                          "INSERT INTO login_attempt(name, ip, ok, at) VALUES");
    for (i = 0; i < SS_LOGIN_MAX_FAILURES; i++)
        o += (size_t)snprintf(sql + o, sizeof sql - o,
                              "%s ('frank', '192.0.2.60', 0, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', "
                              "'now', '-60 seconds'))",
                              i ? "," : "");
    snprintf(sql + o, sizeof sql - o, ";");
    rawdb_exec(&f->raw, sql);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_MIGRATE, &f->st, &err), 0);
    assert_int_equal(ss_store_schema_version(f->st), ss_store_schema_latest());
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit WHERE scope = 'login.name'"),
                     SS_LOGIN_MAX_FAILURES);
    /* frank's name is still throttled (no account needed to be refused) */
    setenv("SHISHI_PWHASH_FAST", "1", 1);
    ss_err_clear(&err);
    assert_int_equal(
        ss_auth_login(f->st, "frank", "whatever1", "192.0.2.61", token, csrf, &u, &err),
        SS_EFORBIDDEN);
    assert_string_equal(err.field, SS_THROTTLED);
    /* erin's failures ended with her success: her name is free */
    ss_err_clear(&err);
    assert_int_equal(ss_auth_login(f->st, "erin", "whatever1", "192.0.2.62", token, csrf, &u, &err),
                     SS_EFORBIDDEN);
    assert_string_equal(err.field, "user"); /* a wrong password, not a throttle */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_window, setup, teardown),
        ON_BOTH(test_keys_and_scopes_apart, setup, teardown),
        ON_BOTH(test_all_or_none, setup, teardown),
        ON_BOTH(test_check_reads_only, setup, teardown),
        ON_BOTH(test_forget_and_clear, setup, teardown),
        ON_BOTH(test_expired_pruned, setup, teardown),
        ON_BOTH(test_bad_keys, setup, teardown),
        ON_BOTH(test_client_entry, setup, teardown),
        ON_BOTH(test_parallel, setup, teardown),
        /* schema 7 and its login_attempt rows are SQLite's alone */
        ON_SQLITE(test_login_upgrade, setup, teardown),
    };

    return backend_run(tests);
}
