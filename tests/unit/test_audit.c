/*
 * test_audit.c - the signed audit log (store/store_audit.h) and durable
 * commits (store/store.h).
 *
 *   - sign-ins, sign-outs and expiries are in the log, with their actor and
 *     without the session's tokens, and a request that only reads its
 *     session adds nothing;
 *   - a forger who can write the database file but has not the key,
 *     replaces the recorded public key with one of their own and re-signs
 *     every seal as the code documents it: the log verifies on its own
 *     terms, but not against the published key, and shishi refuses to
 *     write to it;
 *   - a commit reaches the disk before it returns: a SQLite VFS that wraps
 *     the default one counts the syncs of the write-ahead log.
 *
 * The first three run on SQLite and, when the run has a cluster
 * (pgtest.h), on PostgreSQL; durable commits are SQLite's (its VFS).
 * The forger and the checks go past shishi (rawdb.h), as someone holding
 * the file or the database's credentials would; shishi itself only
 * through its store and core.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>
#include <cmocka.h> /* after the headers it needs */

#include "base/util.h"
#include "core/auth.h"
#include "core/plan_json.h"
#include "rawdb.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "tmpdb.h"
#include "txn.h"

#define T0 1780000000 /* 2026-05-28 */

struct fixture {
    int pg;
    char path[TMPDB_PATH]; /* SQLite: the file */
    char url[1024];        /* PostgreSQL: the database */
    char key[TMPDB_PATH + 8];
    struct rawdb raw;
    struct ss_store *st;
};

static const char *where(const struct fixture *f)
{
    return f->pg ? f->url : f->path;
}

static int setup_on(void **state, int pg)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_org_rec orgs[] = {{"99", "省", 1, NULL}, {"9901", "甲市", 2, "99"}};
    struct ss_err err;

    setenv("SHISHI_PWHASH_FAST", "1", 1);
    f->pg = pg;
    assert_int_equal(tmpdb_name(f->path, "audit"), 0);
    snprintf(f->key, sizeof f->key, "%s.key", f->path);
    if (pg) {
        if (rawdb_new_pg(f->url, sizeof f->url)) {
            free(f);
            *state = NULL;
            return 0;
        }
        ss_store_audit_key_file(f->key);
    }
    f->raw.pg = pg;
    f->raw.where = where(f);
    assert_int_equal(ss_store_open(where(f), SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, 2, &err)), 0);
    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "alice", "reporter", "9901", NULL, "correct horse", NULL, &err)),
        0);
    ss_auth_set_clock(T0);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_on(state, 0);
}

static int setup_pg(void **state)
{
    return setup_on(state, 1);
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_auth_set_clock(0);
    if (!f)
        return 0;
    ss_store_close(f->st);
    tmpdb_remove(f->path);
    if (f->pg) {
        unlink(f->key);
        ss_store_audit_key_file(NULL);
    }
    free(f);
    return 0;
}

static struct fixture *ready(void **state)
{
    if (!*state) {
        print_message("# skipped: no PostgreSQL cluster ($SHISHI_TEST_PG)\n");
        skip();
    }
    return *state;
}

/* ---- looking at the database as its holder would ---------------------------- */

static long long raw_int(struct fixture *f, const char *sql)
{
    return rawdb_int(&f->raw, sql);
}

static void raw_text(struct fixture *f, const char *sql, char *out, size_t cap)
{
    rawdb_text(&f->raw, sql, out, cap);
}

static int login(struct fixture *f, char token[SS_TOKEN_HEX])
{
    char csrf[SS_TOKEN_HEX];
    struct ss_user u;
    struct ss_err err;

    return ss_auth_login(f->st, "alice", "correct horse", "127.0.0.1", token, csrf, &u, &err);
}

static void assert_verifies(struct ss_store *st)
{
    struct ss_audit_result r;
    struct ss_err err;

    assert_int_equal(ss_store_audit_verify(st, NULL, &r, &err), 0);
    if (r.bad_entry)
        fail_msg("%s", r.what);
    assert_int_equal(r.signed_from, 1);
}

/* ---- sessions -------------------------------------------------------------- */

#define SESSION_ENTRIES(action)                                                                    \
    raw_int(f, "SELECT count(*) FROM audit_log WHERE tbl = 'session' AND action = '" action        \
               "' AND actor = 'alice'")

static void test_sessions_audited(void **state)
{
    struct fixture *f = ready(state);
    char token[SS_TOKEN_HEX], token2[SS_TOKEN_HEX], csrf[SS_TOKEN_HEX], hash[80], image[512];
    struct ss_user u;
    long long entries;
    int i;

    /* sign-in: a session entry by the user, holding neither token */
    assert_int_equal(login(f, token), 0);
    assert_int_equal(SESSION_ENTRIES("insert"), 1);
    raw_text(f, "SELECT token_hash FROM session", hash, sizeof hash);
    raw_text(f, "SELECT row_json FROM audit_log WHERE tbl = 'session'", image, sizeof image);
    assert_int_equal(strlen(hash), 64);
    assert_null(strstr(image, hash));
    assert_null(strstr(image, token));
    assert_null(strstr(image, "csrf"));
    assert_non_null(strstr(image, f->pg ? "\"account_id\": 1" : "\"account_id\":1"));

    /* requests that only use the session add nothing */
    entries = raw_int(f, "SELECT count(*) FROM audit_log");
    for (i = 0; i < 20; i++)
        assert_int_equal(ss_auth_session(f->st, token, &u, csrf), 0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM audit_log"), entries);

    /* sign-out: the session's deletion, by the user */
    assert_int_equal(ss_auth_logout(f->st, token), 0);
    assert_int_equal(SESSION_ENTRIES("delete"), 1);

    /* expiry: purged at the next sign-in, and the purge is in the log */
    assert_int_equal(login(f, token), 0);
    ss_auth_set_clock(T0 + SS_SESSION_SECONDS + 60);
    assert_int_equal(login(f, token2), 0);
    assert_int_equal(SESSION_ENTRIES("delete"), 2);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM session"), 1);
    assert_verifies(f->st);
}

/* The account's row as created is in the log, with who created it. */
static void test_account_by_actor(void **state)
{
    struct fixture *f = ready(state);

    assert_int_equal(raw_int(f, f->pg ? "SELECT count(*) FROM audit_log WHERE tbl = 'account' AND "
                                        "action = 'insert' AND actor = 'cli' AND "
                                        "CAST(row_json AS jsonb) ->> 'role' = 'reporter'"
                                      : "SELECT count(*) FROM audit_log WHERE tbl = 'account' AND "
                                        "action = 'insert' AND actor = 'cli' AND row_json LIKE "
                                        "'%\"role\":\"reporter\"%'"),
                     1);
    assert_verifies(f->st);
}

/* ---- a forger with the file and a key of their own ------------------------ */

/* An entry's hash and signature as store_audit.c documents them: SHA-256
 * over id, at, action, tbl, row_id, row_json and the actor joined by
 * U+001F, then the previous hash; the signature over the domain and the
 * hash. */
static void forged_seal(const char *const cols[7], const char *prev, const unsigned char sk[64],
                        char hash[65], char sighex[129])
{
    crypto_hash_sha256_state h;
    unsigned char d[32], sig[64], m[16 + 64];
    const unsigned char SEP = 0x1f;
    int col;

    crypto_hash_sha256_init(&h);
    for (col = 0; col < 7; col++) {
        if (cols[col])
            crypto_hash_sha256_update(&h, (const unsigned char *)cols[col], strlen(cols[col]));
        crypto_hash_sha256_update(&h, &SEP, 1);
    }
    crypto_hash_sha256_update(&h, (const unsigned char *)prev, strlen(prev));
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hash, 65, d, sizeof d);
    memcpy(m, "shishi audit v1\x1f", 16);
    memcpy(m + 16, hash, 64);
    crypto_sign_detached(sig, NULL, m, sizeof m, sk);
    sodium_bin2hex(sighex, 129, sig, sizeof sig);
}

/* Seal every entry again as store_audit.c documents it, with the forger's
 * key recorded and signing what shishi had signed: SQLite. */
static void forge_lite(const char *path, const unsigned char pk[32], const unsigned char sk[64])
{
    sqlite3 *db = NULL;
    sqlite3_stmt *row, *upd;
    char pkhex[65], prev[65] = "", hash[65], sighex[129];
    long long id = 0;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sodium_bin2hex(pkhex, sizeof pkhex, pk, 32);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE audit_log SET row_json = json_set(row_json, "
                                        "'$.public_key', ?) WHERE action = 'audit_key'",
                                        -1, &upd, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(upd, 1, pkhex, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(upd), SQLITE_DONE);
    sqlite3_finalize(upd);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT id, at, action, tbl, row_id, row_json, actor "
                                        "FROM audit_log WHERE id > ? ORDER BY id LIMIT 1",
                                        -1, &row, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE audit_log SET prev = ?, hash = ?, "
                                        "sig = CASE WHEN sig IS NOT NULL THEN ? END WHERE id = ?",
                                        -1, &upd, NULL),
                     SQLITE_OK);
    for (;;) {
        const char *cols[7];
        int col;

        sqlite3_reset(row);
        sqlite3_bind_int64(row, 1, id);
        if (sqlite3_step(row) != SQLITE_ROW)
            break;
        id = sqlite3_column_int64(row, 0);
        for (col = 0; col < 7; col++)
            cols[col] = (const char *)sqlite3_column_text(row, col);
        forged_seal(cols, prev, sk, hash, sighex);
        sqlite3_reset(upd);
        sqlite3_bind_text(upd, 1, prev, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(upd, 2, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(upd, 3, sighex, -1, SQLITE_STATIC);
        sqlite3_bind_int64(upd, 4, id);
        assert_int_equal(sqlite3_step(upd), SQLITE_DONE);
        memcpy(prev, hash, sizeof prev);
    }
    sqlite3_finalize(row);
    sqlite3_finalize(upd);
    sqlite3_close(db);
}

/* The same on PostgreSQL, with the database's credentials. */
static void forge_pg(const char *url, const unsigned char pk[32], const unsigned char sk[64])
{
    PGconn *c = rawdb_conn(url);
    PGresult *rows, *r;
    char pkhex[65], prev[65] = "", hash[65], sighex[129], id[24];
    const char *params[4];
    int i, col;

    assert_non_null(c);
    sodium_bin2hex(pkhex, sizeof pkhex, pk, 32);
    params[0] = pkhex;
    r = PQexecParams(c,
                     "UPDATE audit_log SET row_json = CAST(jsonb_set(CAST(row_json AS jsonb),"
                     " '{public_key}', to_jsonb(CAST($1 AS text))) AS text)"
                     " WHERE action = 'audit_key'",
                     1, NULL, params, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    rows = PQexec(c, "SELECT id, at, action, tbl, row_id, row_json, actor FROM audit_log"
                     " ORDER BY id");
    assert_int_equal(PQresultStatus(rows), PGRES_TUPLES_OK);
    for (i = 0; i < PQntuples(rows); i++) {
        const char *cols[7];
        for (col = 0; col < 7; col++)
            cols[col] = PQgetisnull(rows, i, col) ? NULL : PQgetvalue(rows, i, col);
        forged_seal(cols, prev, sk, hash, sighex);
        snprintf(id, sizeof id, "%s", cols[0]);
        params[0] = prev;
        params[1] = hash;
        params[2] = sighex;
        params[3] = id;
        r = PQexecParams(
            c,
            "UPDATE audit_log SET prev = $1, hash = $2,"
            " sig = CASE WHEN sig IS NOT NULL THEN $3 END WHERE id = CAST($4 AS BIGINT)",
            4, NULL, params, NULL, NULL, 0);
        assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
        PQclear(r);
        memcpy(prev, hash, sizeof prev);
    }
    PQclear(rows);
    PQfinish(c);
}

static void test_forged_key(void **state)
{
    struct fixture *f = ready(state);
    struct ss_audit_key_info info;
    struct ss_audit_expect want;
    struct ss_audit_result r;
    struct ss_err err;
    unsigned char pk[32], sk[64];
    char token[SS_TOKEN_HEX], pkhex[65];

    assert_int_equal(login(f, token), 0);
    assert_int_equal(ss_store_audit_key_info(f->st, &info, &err), 0);
    assert_int_equal(info.signed_from, 1); /* recorded as the first commit's last entry */
    assert_true(info.entry > 1);
    memset(&want, 0, sizeof want);
    memcpy(want.public_key, info.public_key, sizeof want.public_key);
    assert_int_equal(ss_store_audit_verify(f->st, &want, &r, &err), 0);
    assert_int_equal(r.bad_entry, 0);
    assert_true(r.signatures >= 3);

    /* the forger changes the account's role in the row and in the log */
    ss_store_close(f->st);
    f->st = NULL;
    assert_int_equal(sodium_init() >= 0, 1);
    crypto_sign_keypair(pk, sk);
    sodium_bin2hex(pkhex, sizeof pkhex, pk, 32);
    rawdb_exec(&f->raw, f->pg ? "UPDATE audit_log SET row_json = CAST(jsonb_set(CAST(row_json AS "
                                "jsonb), '{role}', '\"admin\"') AS text) WHERE tbl = 'account' AND "
                                "action = 'insert'"
                              : "UPDATE audit_log SET row_json = json_set(row_json, '$.role', "
                                "'admin') WHERE tbl = 'account' AND action = 'insert'");
    rawdb_exec(&f->raw, f->pg ? "DROP TRIGGER audit_account_upd ON account"
                              : "DROP TRIGGER audit_account_upd");
    rawdb_exec(&f->raw, "UPDATE account SET role = 'admin' WHERE name = 'alice'");
    if (f->pg)
        forge_pg(f->url, pk, sk);
    else
        forge_lite(f->path, pk, sk);

    assert_int_equal(ss_store_open(where(f), 0, &f->st, &err), 0);
    /* on its own terms the forged log holds: the limit of a key it records */
    assert_int_equal(ss_store_audit_verify(f->st, NULL, &r, &err), 0);
    if (r.bad_entry)
        fail_msg("the forgery did not reproduce the chain: %s", r.what);
    assert_string_equal(r.public_key, pkhex);
    /* against the published key it fails, at the first signed entry */
    assert_int_equal(ss_store_audit_verify(f->st, &want, &r, &err), 0);
    assert_int_equal(r.bad_entry, info.entry);
    assert_non_null(strstr(r.what, "does not verify against the public key you gave"));
    /* and shishi, holding the real key, writes nothing to it */
    ss_err_clear(&err);
    assert_int_equal(ss_store_begin(f->st, "cli", &err), 0);
    assert_int_equal(ss_store_audit_event(f->st, "export", NULL, &err), 0);
    assert_int_equal(ss_store_commit(f->st, &err), SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "is not the key this database's log is signed with"));
    sodium_memzero(sk, sizeof sk);
}

/* ---- durable commits -------------------------------------------------------- */

/* A VFS over the default one that counts syncs of write-ahead logs. */
struct cfile {
    sqlite3_file base;
    sqlite3_file *real;
    int wal;
};

static sqlite3_vfs *dflt;
static sqlite3_vfs counting;
static int wal_syncs;

#define REAL(f) (((struct cfile *)(f))->real)

static int c_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int c_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}
static int c_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}
static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int c_sync(sqlite3_file *f, int flags)
{
    if (((struct cfile *)f)->wal)
        wal_syncs++;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int c_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int c_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int c_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int c_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int c_fcntl(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int c_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int c_caps(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int c_shm_map(sqlite3_file *f, int i, int sz, int ext, void volatile **p)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, ext, p);
}
static int c_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void c_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int c_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int c_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, p);
}
static int c_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods COUNTING_IO = {
    3,          c_close,       c_read,      c_write, c_truncate, c_sync, c_size,
    c_lock,     c_unlock,      c_reserved,  c_fcntl, c_sector,   c_caps, c_shm_map,
    c_shm_lock, c_shm_barrier, c_shm_unmap, c_fetch, c_unfetch};

static int c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    struct cfile *c = (struct cfile *)f;
    int rc;

    (void)vfs;
    c->real = (sqlite3_file *)(c + 1);
    c->wal = (flags & SQLITE_OPEN_WAL) != 0;
    rc = dflt->xOpen(dflt, name, c->real, flags, out);
    f->pMethods = rc == SQLITE_OK && c->real->pMethods ? &COUNTING_IO : NULL;
    return rc;
}

static int setup_counting(void **state)
{
    dflt = sqlite3_vfs_find(NULL);
    counting = *dflt;
    counting.zName = "counting";
    counting.szOsFile = (int)sizeof(struct cfile) + dflt->szOsFile;
    counting.xOpen = c_open;
    counting.pNext = NULL;
    assert_int_equal(sqlite3_vfs_register(&counting, 1), SQLITE_OK);
    return setup(state);
}

static int teardown_counting(void **state)
{
    teardown(state);
    sqlite3_vfs_unregister(&counting);
    sqlite3_vfs_register(dflt, 1);
    return 0;
}

static void test_durable_commit(void **state)
{
    static const char PLAN[] =
        "{\"plan\":{\"title\":\"计划\",\"year\":2026,\"top_org\":\"99\"},\"projects\":[{\"no\":1,"
        "\"title\":\"项目\",\"targets\":[{\"text\":\"培训100人\",\"metric\":\"培训\","
        "\"value\":100,\"unit\":\"人\",\"op\":\">=\"}]}]}";
    struct fixture *f = *state;
    struct ss_plan *p;
    struct ss_report_in r;
    struct ss_org org;
    struct ss_err err;
    int64_t plan_id, id;
    int before;

    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_plan_insert(f->st, p, &plan_id, &err)), 0);
    ss_plan_free(p);
    assert_int_equal(ss_store_plan_load(f->st, plan_id, &p, &err), 0);
    assert_int_equal(ss_store_org_get(f->st, "9901", &org), 0);
    memset(&r, 0, sizeof r);
    r.target_id = p->targets[0].id;
    r.org_id = org.id;
    r.as_of = 20600; /* a day number; the store does not judge it */
    r.value = 10;
    r.numerator = r.denominator = NAN;
    r.status = "submitted";
    r.by = "alice";
    free(org.name);
    ss_plan_free(p);

    /* a read-write store is durable: the commit synced the log */
    assert_int_equal(ss_store_durable(f->st), 1);
    before = wal_syncs;
    assert_int_equal(AS(f->st, "cli", ss_store_report_insert(f->st, &r, &id, &err)), 0);
    assert_true(wal_syncs > before);

    /* the measured, non-durable mode does not (what NORMAL did always) */
    assert_int_equal(ss_store_set_durable(f->st, 0), 0);
    assert_int_equal(ss_store_durable(f->st), 0);
    before = wal_syncs;
    r.value = 11;
    r.as_of++; /* one live report per (target, unit, date) */
    assert_int_equal(AS(f->st, "cli", ss_store_report_insert(f->st, &r, &id, &err)), 0);
    assert_int_equal(wal_syncs, before);
    assert_int_equal(ss_store_set_durable(f->st, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sessions_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_audited, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_account_by_actor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_account_by_actor, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_forged_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_key, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_durable_commit, setup_counting, teardown_counting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
