/*
 * test_auth.c - accounts and sessions (core/auth.h) and the HTTP body
 * parsers the login form and uploads go through (web/http.h).
 *
 * The clock is moved with ss_auth_set_clock, so throttling and expiry are
 * tested without waiting; SHISHI_PWHASH_FAST keeps argon2id cheap under the
 * sanitizers. The only SQL here reads the tables past the store (rawdb.h),
 * to show that they never hold a token and to count what was written.
 *
 * Every case with a database runs on SQLite and on PostgreSQL (backend.h).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h> /* the time format the store keeps to: SQLite's strftime's */
#include <cmocka.h>  /* after the headers it needs */

#include "backend.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/auth.h"
#include "store/store.h"
#include "store/store_account.h"
#include "store/store_audit.h"
#include "txn.h"
#include "web/http.h"

#define T0 1780000000 /* 2026-05-28 */

struct fixture {
    struct testdb db;
    struct rawdb raw; /* the database past the store */
    struct ss_store *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_org_rec orgs[] = {
        {"99", "省", 1, NULL}, {"9901", "甲市", 2, "99"}, {"990101", "甲一县", 3, "9901"}};
    struct ss_err err;

    setenv("SHISHI_PWHASH_FAST", "1", 1);
    testdb_make(&f->db, backend_pg(state), "auth");
    f->raw = testdb_raw(&f->db);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, 3, &err)), 0);
    assert_int_equal(AS(f->st, "cli",
                        ss_auth_user_add(f->st, "alice", "reporter", "990101", NULL,
                                         "correct horse", NULL, &err)),
                     0);
    ss_auth_set_clock(T0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_auth_set_clock(0);
    ss_store_close(f->st);
    testdb_remove(&f->db);
    free(f);
    return 0;
}

static int login(struct fixture *f, const char *name, const char *pw, char token[SS_TOKEN_HEX],
                 struct ss_err *err)
{
    char csrf[SS_TOKEN_HEX];
    struct ss_user u;

    ss_err_clear(err);
    return ss_auth_login(f->st, name, pw, "127.0.0.1", token, csrf, &u, err);
}

static void test_login_and_session(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], csrf[SS_TOKEN_HEX], csrf2[SS_TOKEN_HEX];
    struct ss_user u, v;
    struct ss_err err;

    assert_int_equal(ss_auth_login(f->st, "alice", "correct horse", NULL, token, csrf, &u, &err),
                     0);
    assert_int_equal(strlen(token), 64);
    assert_int_equal(strlen(csrf), 64);
    assert_string_not_equal(token, csrf);
    assert_string_equal(u.name, "alice");
    assert_int_equal(u.role, SS_ROLE_REPORTER);
    assert_string_equal(u.org, "990101");
    assert_string_equal(u.dept, "");
    assert_int_equal(ss_auth_session(f->st, token, &v, csrf2), 0);
    assert_string_equal(v.name, "alice");
    assert_int_equal(v.id, u.id);
    assert_string_equal(csrf2, csrf);
    /* a second login is a second session */
    {
        char t2[SS_TOKEN_HEX];
        assert_int_equal(login(f, "alice", "correct horse", t2, &err), 0);
        assert_string_not_equal(t2, token);
        assert_int_equal(ss_auth_session(f->st, t2, &v, NULL), 0);
    }
    /* garbage tokens */
    assert_int_equal(ss_auth_session(f->st, "", &v, NULL), SS_ENOTFOUND);
    assert_int_equal(ss_auth_session(f->st, NULL, &v, NULL), SS_ENOTFOUND);
    token[0] = token[0] == 'a' ? 'b' : 'a';
    assert_int_equal(ss_auth_session(f->st, token, &v, NULL), SS_ENOTFOUND);
}

static void test_token_not_stored(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], pw[256];
    struct ss_err err;
    struct ss_buf b;

    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    /* one session, and what it holds is not the token */
    ss_buf_init(&b, 1 << 12);
    rawdb_lines(&f->raw, "SELECT token_hash FROM session", &b);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM session"), 1);
    assert_true(b.len > 1);
    assert_null(strstr(b.data, token));
    ss_buf_cleanup(&b);
    rawdb_text(&f->raw, "SELECT pw_hash FROM account", pw, sizeof pw);
    assert_true(strncmp(pw, "$argon2id$", 10) == 0);
}

static void test_wrong_password(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], msg_known[512];
    struct ss_err err;

    assert_int_equal(login(f, "alice", "wrong horse", token, &err), SS_EFORBIDDEN);
    assert_string_equal(token, "");
    assert_string_equal(err.field, "user");
    snprintf(msg_known, sizeof msg_known, "%s", err.msg);
    /* an unknown name gets the very same answer */
    assert_int_equal(login(f, "mallory", "wrong horse", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.msg, msg_known);
    assert_int_equal(login(f, "", "x", token, &err), SS_EFORBIDDEN);
    assert_int_equal(login(f, "alice", "", token, &err), SS_EFORBIDDEN);
}

static void test_throttle(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX];
    struct ss_err err;
    struct ss_audit_result ar;
    int i;

    /* a success clears earlier failures */
    for (i = 0; i < SS_LOGIN_MAX_FAILURES - 1; i++)
        assert_int_equal(login(f, "alice", "nope nope", token, &err), SS_EFORBIDDEN);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    for (i = 0; i < SS_LOGIN_MAX_FAILURES; i++) {
        ss_auth_set_clock(T0 + 10 + i);
        assert_int_equal(login(f, "alice", "nope nope", token, &err), SS_EFORBIDDEN);
        assert_string_equal(err.field, "user");
    }
    /* now even the right password is refused, with a wait in the message */
    ss_auth_set_clock(T0 + 60);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.field, SS_THROTTLED);
    assert_non_null(strstr(err.msg, "wait 15 minutes"));
    assert_string_equal(token, "");
    /* other names are not affected */
    assert_int_equal(login(f, "bob", "nope nope", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.field, "user");
    /* refused attempts do not extend the lock */
    ss_auth_set_clock(T0 + 10 + SS_LOGIN_WINDOW - 1);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.field, SS_THROTTLED);
    ss_auth_set_clock(T0 + 10 + SS_LOGIN_WINDOW);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    /* every admitted attempt is in the audit log, and the chain holds */
    assert_int_equal(ss_store_audit_verify(f->st, NULL, &ar, &err), 0);
    assert_int_equal(ar.bad_entry, 0);
}

/* rows of a table, read behind the store's back */
static long count_rows(struct fixture *f, const char *sql)
{
    return (long)rawdb_int(&f->raw, sql);
}

/* t as SQLite's strftime('%Y-%m-%dT%H:%M:%SZ', t, 'unixepoch') writes it. */
static void sqlite_time(int64_t t, char *out, size_t cap)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;

    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?1, 'unixepoch')",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 1, t);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(out, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
}

/* Times are written as SQLite's strftime(..., 'unixepoch') writes them
 * (the store formats them in C for both backends: the text SQLite makes
 * of the time is looked for in the database of either), and read back to
 * the second: around the epoch, day and leap-year edges, and the last
 * second the text form holds. */
static void test_times_as_sqlite(void **state)
{
    static const int64_t times[] = {-1,
                                    0,
                                    1,
                                    59,
                                    86399,
                                    86400,
                                    951782400 /* 2000-02-29 */,
                                    951868800 - 1,
                                    T0,
                                    T0 + 3661,
                                    4102444800 /* 2100-01-01 */,
                                    253402300799 /* 9999-12-31T23:59:59Z */};
    struct fixture *f = *state;
    struct ss_err err;
    char sql[256], at[32];
    int64_t oldest;
    size_t i;
    int count;

    for (i = 0; i < SS_ARRAY_LEN(times); i++)
        assert_int_equal(ss_store_login_record(f->st, "timer", "10.0.0.9", 0, times[i], &err), 0);
    for (i = 0; i < SS_ARRAY_LEN(times); i++) {
        sqlite_time(times[i], at, sizeof at);
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM login_attempt WHERE name = 'timer' AND at = '%s'", at);
        assert_int_equal(count_rows(f, sql), 1);
        /* the earliest failure after times[i] - 1 is times[i] itself */
        assert_int_equal(
            ss_store_login_failures(f->st, "timer", times[i] - 1, 100, &count, &oldest), 0);
        assert_int_equal(oldest, times[i]);
        assert_int_equal(count, (int)(SS_ARRAY_LEN(times) - i));
        assert_int_equal(
            ss_store_login_failures_ip(f->st, "10.0.0.9", times[i] - 1, 100, &count, &oldest), 0);
        assert_int_equal(oldest, times[i]);
    }
    /* an unlock clears the name's failures, not the address's */
    assert_int_equal(AS(f->st, "cli", ss_store_login_unlock(f->st, "timer", T0, &err)), 0);
    assert_int_equal(ss_store_login_failures(f->st, "timer", -10, 100, &count, &oldest), 0);
    assert_int_equal(count, 0);
    assert_int_equal(oldest, 0);
    assert_int_equal(ss_store_login_failures_ip(f->st, "10.0.0.9", -10, 3, &count, &oldest), 0);
    assert_int_equal(count, 3); /* the latest 3, the earliest of them T0 + 3661 */
    assert_int_equal(oldest, T0 + 3661);
}

struct racer {
    const char *path;
    const char *pw;
    int rc;
    char field[64];
};

static void *race_login(void *arg)
{
    struct racer *r = arg;
    struct ss_store *st;
    struct ss_err err;
    struct ss_user u;
    char token[SS_TOKEN_HEX], csrf[SS_TOKEN_HEX];

    ss_err_clear(&err);
    if (ss_store_open(r->path, 0, &st, &err)) {
        r->rc = 99;
        return NULL;
    }
    r->rc = ss_auth_login(st, "alice", r->pw, "192.0.2.1", token, csrf, &u, &err);
    snprintf(r->field, sizeof r->field, "%s", err.field);
    ss_store_close(st);
    return NULL;
}

/* Parallel wrong passwords: before, each read the count before any was
 * recorded, and 17 of 20 got a password check where 5 are allowed. */
static void test_throttle_race(void **state)
{
    struct fixture *f = *state;
    enum { N = 16 };
    pthread_t t[N];
    struct racer r[N];
    int i, failed = 0, throttled = 0, count;
    int64_t oldest;

    ss_auth_set_hash_slots(N); /* the count alone must hold them back */
    for (i = 0; i < N; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].path = f->db.path;
        r[i].pw = "wrong horse";
        assert_int_equal(pthread_create(&t[i], NULL, race_login, &r[i]), 0);
    }
    for (i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(r[i].rc, SS_EFORBIDDEN);
        if (strcmp(r[i].field, "user") == 0)
            failed++;
        else if (strcmp(r[i].field, SS_THROTTLED) == 0)
            throttled++;
    }
    ss_auth_set_hash_slots(SS_LOGIN_HASH_SLOTS);
    assert_int_equal(failed, SS_LOGIN_MAX_FAILURES);
    assert_int_equal(throttled, N - SS_LOGIN_MAX_FAILURES);
    assert_int_equal(
        ss_store_login_failures(f->st, "alice", T0 - SS_LOGIN_WINDOW, 100, &count, &oldest), 0);
    assert_int_equal(count, SS_LOGIN_MAX_FAILURES);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM login_attempt"), SS_LOGIN_MAX_FAILURES);
}

/* One client trying many names is throttled as a client; the names it
 * tried are not, and other clients sign in. */
static void test_throttle_client(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], csrf[SS_TOKEN_HEX], name[32];
    struct ss_user u;
    struct ss_err err;
    long rows, entries;
    int i;

    for (i = 0; i < SS_LOGIN_MAX_FAILURES_IP; i++) {
        snprintf(name, sizeof name, "guess%d", i);
        ss_err_clear(&err);
        assert_int_equal(
            ss_auth_login(f->st, name, "wrong horse", "192.0.2.7", token, csrf, &u, &err),
            SS_EFORBIDDEN);
        assert_string_equal(err.field, "user");
    }
    rows = count_rows(f, "SELECT count(*) FROM login_attempt");
    entries = count_rows(f, "SELECT count(*) FROM audit_log");
    /* over the limit: refused before anything is written, for any name,
     * even with the right password */
    for (i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "other%d", i);
        ss_err_clear(&err);
        assert_int_equal(
            ss_auth_login(f->st, name, "wrong horse", "192.0.2.7", token, csrf, &u, &err),
            SS_EFORBIDDEN);
        assert_string_equal(err.field, SS_THROTTLED_CLIENT);
        assert_non_null(strstr(err.msg, "from this address"));
    }
    assert_int_equal(
        ss_auth_login(f->st, "alice", "correct horse", "192.0.2.7", token, csrf, &u, &err),
        SS_EFORBIDDEN);
    assert_string_equal(err.field, SS_THROTTLED_CLIENT);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM login_attempt"), rows);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_log"), entries);
    /* another client */
    assert_int_equal(
        ss_auth_login(f->st, "alice", "correct horse", "192.0.2.8", token, csrf, &u, &err), 0);
    /* a throttled name writes nothing more either */
    for (i = 0; i < SS_LOGIN_MAX_FAILURES; i++)
        assert_int_equal(login(f, "alice", "nope nope", token, &err), SS_EFORBIDDEN);
    rows = count_rows(f, "SELECT count(*) FROM login_attempt");
    entries = count_rows(f, "SELECT count(*) FROM audit_log");
    for (i = 0; i < 10; i++) {
        assert_int_equal(login(f, "alice", "nope nope", token, &err), SS_EFORBIDDEN);
        assert_string_equal(err.field, SS_THROTTLED);
    }
    assert_int_equal(count_rows(f, "SELECT count(*) FROM login_attempt"), rows);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_log"), entries);
    /* the window passes */
    ss_auth_set_clock(T0 + SS_LOGIN_WINDOW + 1);
    ss_err_clear(&err);
    assert_int_equal(
        ss_auth_login(f->st, "guess0", "wrong horse", "192.0.2.7", token, csrf, &u, &err),
        SS_EFORBIDDEN);
    assert_string_equal(err.field, "user");
}

struct slow {
    const char *path;
    volatile int done;
    int rc;
};

static void *slow_login(void *arg)
{
    struct slow *sl = arg;
    struct ss_store *st;
    struct ss_err err;
    struct ss_user u;
    char token[SS_TOKEN_HEX], csrf[SS_TOKEN_HEX];

    if (ss_store_open(sl->path, 0, &st, &err) == 0) {
        sl->rc = ss_auth_login(st, "slow", "the slow one", "192.0.2.9", token, csrf, &u, &err);
        ss_store_close(st);
    }
    sl->done = 1;
    return NULL;
}

/* With every password-check slot taken, a login is answered at once as
 * busy, and writes nothing. */
static void test_busy(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX];
    struct ss_err err;
    int tries, busy = 0;
    long rows;

    /* an account whose check takes a while: the production cost */
    unsetenv("SHISHI_PWHASH_FAST");
    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "slow", "viewer", "99", NULL, "the slow one", NULL, &err)),
        0);
    setenv("SHISHI_PWHASH_FAST", "1", 1);
    ss_auth_set_hash_slots(1);
    for (tries = 0; tries < 5 && !busy; tries++) {
        struct slow sl = {f->db.path, 0, 0};
        pthread_t t;

        assert_int_equal(pthread_create(&t, NULL, slow_login, &sl), 0);
        while (!sl.done && ss_auth_hashing() == 0)
            ;
        /* alice's rows only: the slow login's own row may land meanwhile */
        rows = count_rows(f, "SELECT count(*) FROM login_attempt WHERE name = 'alice'");
        if (!sl.done && login(f, "alice", "correct horse", token, &err) == SS_EFORBIDDEN &&
            strcmp(err.field, SS_LOGIN_BUSY) == 0) {
            busy = 1;
            assert_string_equal(token, "");
            assert_int_equal(
                count_rows(f, "SELECT count(*) FROM login_attempt WHERE name = 'alice'"), rows);
        }
        pthread_join(t, NULL);
        assert_int_equal(sl.rc, 0);
    }
    assert_true(busy);
    /* the slot is free again */
    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
}

/* the actor of the latest audit entry on the account table */
static void last_account_actor(struct fixture *f, char *out, size_t cap)
{
    rawdb_text(&f->raw,
               "SELECT actor FROM audit_log WHERE tbl = 'account' ORDER BY id DESC LIMIT 1", out,
               cap);
}

static void test_admin_changes(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], other[SS_TOKEN_HEX], actor[64];
    struct ss_user u;
    struct ss_err err;
    struct ss_audit_result ar;
    int i;

    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    assert_int_equal(login(f, "alice", "correct horse", other, &err), 0);
    /* disabled: every session ends, and the right password is refused */
    assert_int_equal(AS(f->st, "root-admin", ss_auth_user_set_disabled(f->st, "alice", 1, &err)),
                     0);
    last_account_actor(f, actor, sizeof actor);
    assert_string_equal(actor, "root-admin");
    assert_int_equal(ss_auth_session(f->st, token, &u, NULL), SS_ENOTFOUND);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM session"), 0);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.field, "user");
    /* enabled again */
    assert_int_equal(AS(f->st, "cli", ss_auth_user_set_disabled(f->st, "alice", 0, &err)), 0);
    last_account_actor(f, actor, sizeof actor);
    assert_string_equal(actor, "cli");
    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    /* a new password: the old one and every session are gone */
    assert_int_equal(AS(f->st, "cli", ss_auth_user_set_password(f->st, "alice", "short", &err)),
                     SS_EINVAL);
    assert_string_equal(err.field, "password");
    assert_int_equal(
        AS(f->st, "cli", ss_auth_user_set_password(f->st, "alice", "battery staple", &err)), 0);
    assert_int_equal(ss_auth_session(f->st, token, &u, NULL), SS_ENOTFOUND);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), SS_EFORBIDDEN);
    assert_int_equal(login(f, "alice", "battery staple", token, &err), 0);
    /* unlock: a throttled name signs in at once */
    for (i = 0; i < SS_LOGIN_MAX_FAILURES; i++)
        assert_int_equal(login(f, "alice", "nope nope", token, &err), SS_EFORBIDDEN);
    assert_int_equal(login(f, "alice", "battery staple", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.field, SS_THROTTLED);
    assert_int_equal(AS(f->st, "cli", ss_auth_user_unlock(f->st, "alice", &err)), 0);
    assert_int_equal(login(f, "alice", "battery staple", token, &err), 0);
    /* unknown names */
    assert_int_equal(AS(f->st, "cli", ss_auth_user_set_disabled(f->st, "nobody", 1, &err)),
                     SS_ENOTFOUND);
    assert_string_equal(err.field, "NAME");
    assert_non_null(strstr(err.msg, "'nobody'"));
    assert_int_equal(AS(f->st, "cli", ss_auth_user_unlock(f->st, "nobody", &err)), SS_ENOTFOUND);
    assert_int_equal(
        AS(f->st, "cli", ss_auth_user_set_password(f->st, "nobody", "long enough", &err)),
        SS_ENOTFOUND);
    assert_int_equal(ss_store_audit_verify(f->st, NULL, &ar, &err), 0);
    assert_int_equal(ar.bad_entry, 0);
}

static void test_name_rules(void **state)
{
    struct fixture *f = *state;
    char out[SS_NAME_MAX + 1], token[SS_TOKEN_HEX];
    struct ss_err err;
    static const struct {
        const char *name;
        const char *says; /* in the message */
    } bad[] = {
        {"ali\xe2\x80\x8b"
         "ce",
         "U+200B ZERO WIDTH SPACE at character 4"},
        {"\xe2\x80\xae"
         "ecila",
         "U+202E RIGHT-TO-LEFT OVERRIDE at character 1"},
        {"bob\xe2\x81\xa6", "U+2066 LEFT-TO-RIGHT ISOLATE at character 4"},
        {"a\xe2\x80\x8d"
         "b",
         "U+200D ZERO WIDTH JOINER at character 2"},
        {"\xef\xbb\xbf"
         "bob",
         "U+FEFF ZERO WIDTH NO-BREAK SPACE at character 1"},
        {"bo\xc2\xad"
         "b",
         "U+00AD SOFT HYPHEN at character 3"},
        {"\xe3\x85\xa4", "U+3164 HANGUL FILLER at character 1"},
        {"\xd0\xb0lice", "'l' at character 2 is a Latin letter, but U+0430 at character 1 is "
                         "Cyrillic"},
        {"p\xce\xbfst", "is a Greek letter"},
        {"a\xcc\xb6"
         "lice",
         "U+0336 on 'a' (character 2 of the normalised name)"},
        {"tab\there", "at character 4"},
        {"\xe5\xbc\xa0\xe3\x80\x80\xe4\xb8\x89",
         "U+3000 IDEOGRAPHIC SPACE at character 2 (it reads as"},
        {"\xee\x80\x80x", "private-use"},
        {"a<b", "quotes, backslashes and <>&"},
        {"\xff", "not UTF-8 at byte 1"},
        {"", "empty"},
    };
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(bad); i++) {
        ss_err_clear(&err);
        assert_int_equal(ss_auth_name_normalize(bad[i].name, out, &err), SS_EINVAL);
        assert_string_equal(err.field, "NAME");
        if (!strstr(err.msg, bad[i].says))
            fail_msg("name %zu: '%s' does not say '%s'", i, err.msg, bad[i].says);
        /* user add refuses them the same way, and stores nothing */
        assert_int_equal(AS(f->st, "cli",
                            ss_auth_user_add(f->st, bad[i].name, "viewer", "99", NULL,
                                             "long enough", NULL, &err)),
                         SS_EINVAL);
    }
    assert_int_equal(count_rows(f, "SELECT count(*) FROM account"), 1);
    /* what is fine: Chinese, digits, marks that belong to the letter */
    assert_int_equal(ss_auth_name_normalize("\xe5\xa4\xa9\xe5\xb1\xb1\xe5\x8c\xba-01", out, &err),
                     0);
    /* a mark that composes with its letter is that letter */
    assert_int_equal(ss_auth_name_normalize("Jose\xcc\x81", out, &err), 0);
    assert_string_equal(out, "Jos\xc3\xa9");
    assert_int_equal(ss_auth_name_normalize("Jos\xc3\xa9", out, &err), 0);
    /* fullwidth letters are the ASCII ones */
    assert_int_equal(ss_auth_name_normalize("\xef\xbd\x82\xef\xbd\x8f\xef\xbd\x82", out, &err), 0);
    assert_string_equal(out, "bob");
    assert_int_equal(AS(f->st, "cli",
                        ss_auth_user_add(f->st, "\xef\xbd\x82\xef\xbd\x8f\xef\xbd\x82", "viewer",
                                         "99", NULL, "long enough", NULL, &err)),
                     0);
    assert_int_equal(login(f, "bob", "long enough", token, &err), 0);
    assert_int_equal(login(f, "\xef\xbd\x82\xef\xbd\x8f\xef\xbd\x82", "long enough", token, &err),
                     0);
    /* names that read like an existing one */
    for (i = 0; i < 4; i++) {
        static const char *const alike[] = {"Alice", "aIice", "a1ice", "B0B"};
        assert_int_equal(
            AS(f->st, "cli",
               ss_auth_user_add(f->st, alike[i], "viewer", "99", NULL, "long enough", NULL, &err)),
            SS_ECONFLICT);
        assert_string_equal(err.field, "NAME");
        assert_non_null(strstr(err.msg, "reads like the existing account"));
    }
    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "alicia", "viewer", "99", NULL, "long enough", NULL, &err)),
        0);
}

static void test_expiry(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX];
    struct ss_user u;
    struct ss_err err;

    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    ss_auth_set_clock(T0 + SS_SESSION_SECONDS - 1);
    assert_int_equal(ss_auth_session(f->st, token, &u, NULL), 0);
    ss_auth_set_clock(T0 + SS_SESSION_SECONDS);
    assert_int_equal(ss_auth_session(f->st, token, &u, NULL), SS_ENOTFOUND);
    assert_int_equal(ss_auth_logout(f->st, token), SS_ENOTFOUND);
}

static void test_logout(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], other[SS_TOKEN_HEX];
    struct ss_user u;
    struct ss_err err;

    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    assert_int_equal(login(f, "alice", "correct horse", other, &err), 0);
    assert_int_equal(ss_auth_logout(f->st, token), 0);
    assert_int_equal(ss_auth_session(f->st, token, &u, NULL), SS_ENOTFOUND);
    assert_int_equal(ss_auth_logout(f->st, token), SS_ENOTFOUND);
    assert_int_equal(ss_auth_session(f->st, other, &u, NULL), 0); /* only that session */
    assert_int_equal(ss_auth_logout(f->st, "not a token"), SS_ENOTFOUND);
}

static void test_user_add(void **state)
{
    struct fixture *f = *state;
    struct ss_account_rec a;
    struct ss_err err;
    int64_t id = 0;

    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "bob", "reviewer", "9901", NULL, "1234567", NULL, &err)),
        SS_EINVAL);
    assert_string_equal(err.field, "password");
    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "bob", "boss", "9901", NULL, "12345678", NULL, &err)),
        SS_EINVAL);
    assert_string_equal(err.field, "--role");
    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "bob", "reviewer", "77", NULL, "12345678", NULL, &err)),
        SS_ENOTFOUND);
    assert_string_equal(err.field, "--org");
    assert_int_equal(AS(f->st, "cli",
                        ss_auth_user_add(f->st, "bob", "reviewer", "9901", "没有的部门", "12345678",
                                         NULL, &err)),
                     SS_ENOTFOUND);
    assert_string_equal(err.field, "--dept");
    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "b ob", "reviewer", "9901", NULL, "12345678", NULL, &err)),
        SS_EINVAL);
    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "alice", "reviewer", "9901", NULL, "12345678", NULL, &err)),
        SS_ECONFLICT);
    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "审核员甲", "reviewer", "9901", NULL, "12345678", &id, &err)),
        0);
    assert_true(id > 0);
    assert_int_equal(ss_store_account_get(f->st, "审核员甲", &a), 0);
    assert_string_equal(a.role, "reviewer");
    assert_string_equal(a.org, "9901");
}

static void test_token_equal(void **state)
{
    (void)state;
    assert_true(ss_auth_token_equal("abc", "abc"));
    assert_false(ss_auth_token_equal("abc", "abd"));
    assert_false(ss_auth_token_equal("abc", "abcd"));
    assert_false(ss_auth_token_equal("", ""));
    assert_false(ss_auth_token_equal(NULL, "abc"));
    assert_false(ss_auth_token_equal("abc", NULL));
}

static void test_roles(void **state)
{
    enum ss_role r;

    (void)state;
    assert_int_equal(ss_role_parse("admin", &r), 0);
    assert_int_equal(r, SS_ROLE_ADMIN);
    assert_string_equal(ss_role_str(SS_ROLE_VIEWER), "viewer");
    assert_int_equal(ss_role_parse("Admin", &r), SS_EINVAL);
    assert_int_equal(ss_role_parse(NULL, &r), SS_EINVAL);
    assert_int_equal(ss_role_parse("supervisor", &r), 0);
    assert_int_equal(r, SS_ROLE_SUPERVISOR);
    assert_string_equal(ss_role_str(SS_ROLE_SUPERVISOR), "supervisor");
    /* deputies vote (core/cycle.h), moderators moderate (core/message.h) */
    assert_int_equal(ss_role_parse("deputy", &r), 0);
    assert_int_equal(r, SS_ROLE_DEPUTY);
    assert_string_equal(ss_role_str(SS_ROLE_DEPUTY), "deputy");
    assert_int_equal(ss_role_parse("moderator", &r), 0);
    assert_int_equal(r, SS_ROLE_MODERATOR);
    assert_string_equal(ss_role_str(SS_ROLE_MODERATOR), "moderator");
    assert_int_equal(ss_role_parse("clerk", &r), SS_EINVAL);
}

/* ---- body parsers ---- */

static void test_urlencoded(void **state)
{
    static const char body[] = "user=%E5%BC%A0+san&password=a%26b%3Dc&empty=&flag&=x";
    struct ss_http_field *fl;
    size_t n;
    char *store;

    (void)state;
    assert_int_equal(ss_http_parse_urlencoded(body, sizeof body - 1, &fl, &n, &store), 0);
    assert_int_equal(n, 5);
    assert_string_equal(fl[0].name, "user");
    assert_string_equal(fl[0].value, "张 san");
    assert_string_equal(fl[1].value, "a&b=c");
    assert_string_equal(fl[2].name, "empty");
    assert_int_equal(fl[2].len, 0);
    assert_string_equal(fl[3].name, "flag");
    assert_string_equal(fl[3].value, "");
    assert_null(fl[0].filename);
    free(fl);
    free(store);
    assert_int_equal(ss_http_parse_urlencoded("a=%4", 4, &fl, &n, &store), SS_EINVAL);
    assert_int_equal(ss_http_parse_urlencoded("a=%zz", 5, &fl, &n, &store), SS_EINVAL);
    assert_int_equal(ss_http_parse_urlencoded("a%00b=1", 7, &fl, &n, &store), SS_EINVAL);
    assert_int_equal(ss_http_parse_urlencoded("", 0, &fl, &n, &store), 0);
    assert_int_equal(n, 0);
    free(fl);
    free(store);
}

static void test_multipart(void **state)
{
    static const char ct[] = "multipart/form-data; boundary=----XyZ";
    static const char body[] =
        "preamble\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
        "第一行\r\nsecond line\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\dir\\\\台账.csv\"\r\n"
        "Content-Type: text/csv\r\n\r\n"
        "a,b\r\n\0\x01,2\r\n"
        "------XyZ--\r\nepilogue";
    struct ss_http_field *fl;
    size_t n;
    char *store;

    (void)state;
    assert_int_equal(ss_http_parse_multipart(ct, body, sizeof body - 1, &fl, &n, &store), 0);
    assert_int_equal(n, 2);
    assert_string_equal(fl[0].name, "note");
    assert_string_equal(fl[0].value, "第一行\r\nsecond line");
    assert_null(fl[0].filename);
    assert_string_equal(fl[1].name, "file");
    assert_string_equal(fl[1].filename, "台账.csv");
    assert_string_equal(fl[1].ctype, "text/csv");
    assert_int_equal(fl[1].len, 9); /* the CRLF before a delimiter is the delimiter's */
    assert_memory_equal(fl[1].value, "a,b\r\n\0\x01,2", 9);
    free(fl);
    free(store);
    /* no boundary, no closing delimiter, a part without a name */
    assert_int_equal(
        ss_http_parse_multipart("multipart/form-data", body, sizeof body - 1, &fl, &n, &store),
        SS_EINVAL);
    assert_int_equal(ss_http_parse_multipart(ct, body, 60, &fl, &n, &store), SS_EINVAL);
    {
        static const char noname[] = "------XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n"
                                     "------XyZ--\r\n";
        assert_int_equal(ss_http_parse_multipart(ct, noname, sizeof noname - 1, &fl, &n, &store),
                         SS_EINVAL);
    }
}

static void test_json_depth(void **state)
{
    (void)state;
    assert_int_equal(ss_http_json_depth("{\"a\":[1,{\"b\":2}]}", 17, 16), 3);
    assert_int_equal(ss_http_json_depth("\"[[[[\"", 6, 16), 0);
    assert_int_equal(ss_http_json_depth("[\"\\\"[[\"]", 8, 16), 1);
    assert_true(ss_http_json_depth("[[[[[[[[[[[[[[[[[[[[[[[[", 24, SS_MAX_JSON_DEPTH) >
                SS_MAX_JSON_DEPTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_login_and_session, setup, teardown),
        ON_BOTH(test_token_not_stored, setup, teardown),
        ON_BOTH(test_wrong_password, setup, teardown),
        ON_BOTH(test_throttle, setup, teardown),
        ON_BOTH(test_expiry, setup, teardown),
        ON_BOTH(test_logout, setup, teardown),
        ON_BOTH(test_user_add, setup, teardown),
        ON_BOTH(test_throttle_race, setup, teardown),
        ON_BOTH(test_times_as_sqlite, setup, teardown),
        ON_BOTH(test_throttle_client, setup, teardown),
        ON_BOTH(test_busy, setup, teardown),
        ON_BOTH(test_admin_changes, setup, teardown),
        ON_BOTH(test_name_rules, setup, teardown),
        cmocka_unit_test(test_token_equal),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_urlencoded),
        cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_json_depth),
    };
    return backend_run(tests);
}
