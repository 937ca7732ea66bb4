/*
 * test_audit_backends.c - the audit log on both backends (store/store_audit.c):
 * the same entries and the same verdicts on SQLite and on PostgreSQL.
 *
 *   - every audited table's inserts, updates and deletes are in the log,
 *     and the images hold the same columns and values on both backends;
 *   - verify finds a row changed behind shishi's back, an entry removed
 *     from the log, an entry edited; commits of more entries than the
 *     seal handles at once, a log longer than verify reads at once;
 *   - several connections committing audited writes at once (threads, one
 *     connection each) leave one chain: no fork (every entry follows the
 *     one before it), no gap (entries 1 to N, each sealed), one signature
 *     per commit, one record of the key though the first commits race to
 *     make it;
 *   - PostgreSQL: a write without an actor is refused by the triggers; a
 *     transaction that writes past shishi while shishi commits does not
 *     get its entries sealed by shishi's commits, and verify names them
 *     once it commits; backup and restore refuse, naming PostgreSQL's
 *     tools; the key file must be named.
 *
 * The PostgreSQL half runs when $SHISHI_TEST_PG names a server
 * (pgtest.h), and is skipped otherwise. Tampering goes past shishi
 * (rawdb.h).
 */
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */

#include "base/buf.h"
#include "base/util.h"
#include "rawdb.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_test.h"
#include "tmpdb.h"
#include "txn.h"

struct fixture {
    int pg;
    char path[TMPDB_PATH]; /* SQLite: the file */
    char url[1024];        /* PostgreSQL: the database */
    char key[TMPDB_PATH + 8];
    struct rawdb raw;
    struct ss_store *st;
};

#define Q(f, lite_sql, pg_sql) ((f)->pg ? (pg_sql) : (lite_sql))

static const char *where(const struct fixture *f)
{
    return f->pg ? f->url : f->path;
}

/* A new database of the backend, opened (created at the latest schema);
 * 0, or -1 when it is PostgreSQL's and no server is named. */
static int make_db(struct fixture *f, int pg)
{
    struct ss_err err;

    memset(f, 0, sizeof *f);
    f->pg = pg;
    if (tmpdb_name(f->path, "auditb"))
        return -1;
    snprintf(f->key, sizeof f->key, "%s.key", f->path);
    if (pg) {
        if (rawdb_new_pg(f->url, sizeof f->url))
            return -1;
        ss_store_audit_key_file(f->key);
    }
    f->raw.pg = pg;
    f->raw.where = where(f);
    if (ss_store_open(where(f), SS_STORE_CREATE, &f->st, &err))
        fail_msg("open %s: %s", where(f), err.msg);
    return 0;
}

static void drop_db(struct fixture *f)
{
    ss_store_close(f->st);
    f->st = NULL;
    tmpdb_remove(f->path);
    if (f->pg) {
        rawdb_drop(f->url);
        unlink(f->key);
        ss_store_audit_key_file(NULL);
    }
}

static int setup_on(void **state, int pg)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (make_db(f, pg)) {
        free(f);
        f = NULL;
    }
    *state = f;
    return 0;
}

static int setup_lite(void **state)
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

    if (f) {
        drop_db(f);
        free(f);
    }
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

/* A write through the store, in a transaction by actor. */
static void put(struct fixture *f, const char *actor, const char *sql)
{
    struct ss_err err;

    ss_err_clear(&err);
    if (AS(f->st, actor, ss_store_test_exec(f->st, sql, &err)))
        fail_msg("%s: %s", sql, err.msg);
}

/* Verify; want NULL: clean, else the finding must hold those words. r
 * (may be NULL) receives the result. */
static void expect_verify(struct fixture *f, const char *want, struct ss_audit_result *out)
{
    struct ss_audit_result r;
    struct ss_store *st;
    struct ss_err err;

    if (ss_store_open(where(f), SS_STORE_READONLY, &st, &err))
        fail_msg("open: %s", err.msg);
    assert_int_equal(ss_store_audit_verify(st, NULL, &r, &err), 0);
    ss_store_close(st);
    if (!want && r.bad_entry)
        fail_msg("expected a clean log: %s", r.what);
    if (want && (!r.bad_entry || !strstr(r.what, want)))
        fail_msg("expected \"%s\", got: %s", want, r.bad_entry ? r.what : "a clean log");
    if (out)
        *out = r;
}

/* ---- every audited table -------------------------------------------------------- */

static const char *const AUDITED[] = {"org_unit", "department",   "plan",           "project",
                                      "target",   "account",      "assignment",     "report",
                                      "evidence", "session",      "translation",    "notice_rule",
                                      "notice",   "notice_event", "notice_evidence"};

/* A row in each audited table, in SQL both backends read, parents first;
 * then a change to each, then their removal, children first. */
static const char *const INSERTS[] = {
    "INSERT INTO org_unit(code, name, level) VALUES ('99', '省', 1)",
    "INSERT INTO department(name) VALUES ('人社厅')",
    "INSERT INTO plan(title, year, period_start, period_end, state, top_org)"
    " VALUES ('计划', 2026, '2026-01-01', '2026-12-31', 'active', '99')",
    "INSERT INTO project(plan_id, no, title, lead_dept_id) SELECT p.id, 1, '项目', d.id"
    " FROM plan p, department d",
    "INSERT INTO target(plan_id, project_id, seq, text, metric, value, unit, op, kind, profile)"
    " SELECT plan_id, id, 1, '培训100人', '培训', 100.5, '人', '>=', 'count', NULL FROM project",
    "INSERT INTO account(name, role, org_id, pw_hash) SELECT 'alice', 'reporter', id, 'x'"
    " FROM org_unit",
    "INSERT INTO assignment(target_id, org_id, value, reason, created_by) SELECT t.id, o.id, 5,"
    " NULL, 'cli' FROM target t, org_unit o",
    "INSERT INTO report(target_id, org_id, as_of, value, status, created_by, user_id)"
    " SELECT t.id, o.id, '2026-03-01', 1.25, 'draft', 'alice', a.id"
    " FROM target t, org_unit o, account a",
    "INSERT INTO evidence(report_id, sha256, mime, size, name) SELECT id, 'ab', 'image/png', 1,"
    " '照片.png' FROM report",
    "INSERT INTO session(token_hash, account_id, csrf, created_at, expires_at)"
    " SELECT 'th', id, 'c', '2026-05-01T00:00:00Z', '2027-01-01T00:00:00Z' FROM account",
    "INSERT INTO translation(kind, ref, lang, text) VALUES ('plan', '1', 'en', 'Plan')",
    "INSERT INTO notice_rule(plan_id, blue_days, yellow_days, red_days) SELECT id, 3, 10, 5"
    " FROM plan",
    "INSERT INTO notice(plan_id, year, no, grade, status, cause, target_id, org_id, period, as_of,"
    " figures, action, issued_on, deadline, issued_by) SELECT t.plan_id, 2026, 1, 'red', 'issued',"
    " 'lagging', t.id, o.id, '2026-06', '2026-06-30', '{\"actual\":2}', '请说明原因',"
    " '2026-07-10', '2026-07-15', 'supervise' FROM target t, org_unit o",
    "INSERT INTO notice_event(notice_id, kind, grade, day, at, actor) SELECT id, 'issued', 'red',"
    " '2026-07-10', '2026-07-10T08:00:00Z', 'supervise' FROM notice",
    "INSERT INTO notice_evidence(notice_id, sha256, mime, size, name, created_at) SELECT id, 'ab',"
    " 'image/png', 1, '整改.png', '2026-07-11T08:00:00Z' FROM notice",
};
static const char *const UPDATES[] = {
    "UPDATE org_unit SET name = '新疆'",
    "UPDATE department SET name = '民政厅'",
    "UPDATE plan SET red_pp = 25",
    "UPDATE project SET title = '项目一'",
    "UPDATE target SET value = 120",
    "UPDATE account SET disabled = 1",
    "UPDATE assignment SET value = 6",
    "UPDATE report SET status = 'submitted'",
    "UPDATE evidence SET name = NULL",
    "UPDATE session SET expires_at = '2027-02-01T00:00:00Z'",
    "UPDATE translation SET text = 'The plan'",
    "UPDATE notice_rule SET red_days = 4",
    "UPDATE notice SET status = 'answered', answer = '已整改', answered_on = '2026-07-11'",
    "UPDATE notice_event SET text = '逾期'",
    "UPDATE notice_evidence SET name = NULL",
};

/* The row images of table's insert entries, as one JSON array text. */
static void images(struct fixture *f, const char *table, struct ss_buf *out)
{
    char sql[200];

    snprintf(sql, sizeof sql,
             "SELECT row_json FROM audit_log WHERE tbl = '%s' AND action = 'insert' ORDER BY id",
             table);
    rawdb_lines(&f->raw, sql, out);
}

/* 1 when two images hold the same columns and values (numbers compared
 * as numbers; times of day, written by each database's clock, left out). */
static int same_image(const char *a, const char *b, char *why, size_t cap)
{
    json_t *x = json_loads(a, 0, NULL), *y = json_loads(b, 0, NULL), *v;
    const char *k;
    int ok = x && y && json_object_size(x) == json_object_size(y);

    snprintf(why, cap, "%s vs %s", a, b);
    json_object_foreach(x, k, v)
    {
        json_t *w = json_object_get(y, k);
        if (!ok)
            break;
        if (strcmp(k, "created_at") == 0 || strcmp(k, "updated_at") == 0)
            ok = w != NULL;
        else if (json_is_number(v) && json_is_number(w))
            ok = json_number_value(v) == json_number_value(w);
        else
            ok = json_equal(v, w);
        if (!ok)
            snprintf(why, cap, "'%s' differs: %s vs %s", k, a, b);
    }
    json_decref(x);
    json_decref(y);
    return ok;
}

/* Write, change and remove a row of every audited table; each is in the
 * log three times, and the log verifies after each step. */
static void every_table(struct fixture *f)
{
    char sql[200];
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(INSERTS); i++)
        put(f, "clerk", INSERTS[i]);
    expect_verify(f, NULL, NULL);
    for (i = 0; i < SS_ARRAY_LEN(UPDATES); i++)
        put(f, "reviewer", UPDATES[i]);
    /* a session's CSRF token is not in its image, nor are its updates */
    put(f, "alice", "UPDATE session SET csrf = 'd'");
    expect_verify(f, NULL, NULL);
    for (i = SS_ARRAY_LEN(AUDITED); i-- > 0;) {
        snprintf(sql, sizeof sql, "DELETE FROM %s", AUDITED[i]);
        put(f, "admin", sql);
    }
    expect_verify(f, NULL, NULL);
    for (i = 0; i < SS_ARRAY_LEN(AUDITED); i++) {
        static const char *const ACT[][2] = {
            {"insert", "clerk"}, {"update", "reviewer"}, {"delete", "admin"}};
        size_t k;
        for (k = 0; k < 3; k++) {
            snprintf(sql, sizeof sql,
                     "SELECT count(*) FROM audit_log WHERE tbl = '%s' AND action = '%s' AND "
                     "actor = '%s'",
                     AUDITED[i], ACT[k][0], ACT[k][1]);
            if (rawdb_int(&f->raw, sql) != 1)
                fail_msg("%s: %lld %s entries by %s, not 1", AUDITED[i], rawdb_int(&f->raw, sql),
                         ACT[k][0], ACT[k][1]);
        }
    }
    /* no token in the log */
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_log WHERE row_json LIKE "
                                        "'%\"th\"%' OR row_json LIKE '%csrf%'"),
                     0);
}

static void test_every_table(void **state)
{
    every_table(ready(state));
}

/* The same writes on both backends give the same images. */
static void test_images_alike(void **state)
{
    struct fixture lite, pg;
    struct ss_buf a, b;
    char why[1024];
    size_t i;

    (void)state;
    assert_int_equal(make_db(&lite, 0), 0);
    if (make_db(&pg, 1)) {
        drop_db(&lite);
        print_message("# skipped: no PostgreSQL cluster ($SHISHI_TEST_PG)\n");
        skip();
    }
    every_table(&lite);
    every_table(&pg);
    ss_buf_init(&a, 1 << 16);
    ss_buf_init(&b, 1 << 16);
    for (i = 0; i < SS_ARRAY_LEN(AUDITED); i++) {
        ss_buf_reset(&a);
        ss_buf_reset(&b);
        images(&lite, AUDITED[i], &a);
        images(&pg, AUDITED[i], &b);
        a.data[a.len ? a.len - 1 : 0] = '\0'; /* one line each */
        b.data[b.len ? b.len - 1 : 0] = '\0';
        if (!same_image(a.data, b.data, why, sizeof why))
            fail_msg("%s: %s", AUDITED[i], why);
    }
    ss_buf_cleanup(&a);
    ss_buf_cleanup(&b);
    drop_db(&lite);
    drop_db(&pg);
}

/* ---- tampering -------------------------------------------------------------------- */

static void test_tamper(void **state)
{
    static const struct {
        const char *what, *lite, *pg, *found;
    } T[] = {
        {"a row changed with its trigger dropped",
         "DROP TRIGGER audit_department_upd; UPDATE department SET name = '改' WHERE id = 1",
         "DROP TRIGGER audit_department_upd ON department;"
         " UPDATE department SET name = '改' WHERE id = 1",
         "department row 1 differs from its last audited image"},
        {"an entry removed", "DELETE FROM audit_log WHERE id = 2",
         "DELETE FROM audit_log WHERE id = 2", "entry 3 does not follow the entry before it"},
        {"an entry edited",
         "UPDATE audit_log SET row_json = replace(row_json, '甲', '乙') WHERE id = 1",
         "UPDATE audit_log SET row_json = replace(row_json, '甲', '乙') WHERE id = 1",
         "entry 1 (insert department 1) was changed after it was written"},
        {"a row deleted with its trigger dropped",
         "DROP TRIGGER audit_department_del; DELETE FROM department WHERE id = 2",
         "DROP TRIGGER audit_department_del ON department; DELETE FROM department WHERE id = 2",
         "department row 2 is missing"},
    };
    struct fixture *f = ready(state);
    int pg = f->pg;
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(T); i++) {
        if (i) {
            drop_db(f);
            assert_int_equal(make_db(f, pg), 0);
        }
        put(f, "clerk", "INSERT INTO department(name) VALUES ('甲')");
        put(f, "clerk", "INSERT INTO department(name) VALUES ('乙')");
        put(f, "clerk", "UPDATE department SET name = '丙' WHERE id = 2");
        expect_verify(f, NULL, NULL);
        rawdb_exec(&f->raw, Q(f, T[i].lite, T[i].pg));
        expect_verify(f, T[i].found, NULL);
    }
}

/* Commits larger than the seal's batch, a log longer than verify's page:
 * sealed whole, walked whole, a change far down found. */
static void test_big_commits(void **state)
{
    struct fixture *f = ready(state);
    struct ss_audit_result r;

    put(f, "loader",
        "INSERT INTO department(name) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
        " SELECT i + 1 FROM n WHERE i < 1500) SELECT '部门' || i FROM n");
    put(f, "loader", "UPDATE department SET name = name || '处'");
    expect_verify(f, NULL, &r);
    assert_int_equal(r.entries, 3001); /* and the key's record */
    assert_int_equal(r.signatures, 2);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_log WHERE hash IS NULL"), 0);
    rawdb_exec(&f->raw,
               "UPDATE audit_log SET row_json = replace(row_json, '处', '科') WHERE id = 2600");
    expect_verify(f, "entry 2600 (update department", NULL);
}

/* ---- commits at once ----------------------------------------------------------------- */

#define WRITERS 3
#define COMMITS 40

struct writer {
    struct fixture *f;
    int no;
    char failed[600];
};

static void *write_many(void *arg)
{
    struct writer *w = arg;
    struct ss_store *st = NULL;
    struct ss_err err;
    char actor[16], sql[128];
    int i;

    snprintf(actor, sizeof actor, "writer%d", w->no);
    if (ss_store_open(where(w->f), 0, &st, &err)) {
        snprintf(w->failed, sizeof w->failed, "open: %s", err.msg);
        return NULL;
    }
    for (i = 0; i < COMMITS && !w->failed[0]; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO department(name) VALUES ('部门%d-%d')", w->no, i);
        ss_err_clear(&err);
        if (ss_store_begin(st, actor, &err) || ss_store_test_exec(st, sql, &err) ||
            ss_store_commit(st, &err)) {
            snprintf(w->failed, sizeof w->failed, "commit %d: %s", i, err.msg);
            ss_store_rollback(st);
        }
    }
    ss_store_close(st);
    return NULL;
}

static void test_commits_at_once(void **state)
{
    struct fixture *f = ready(state);
    struct writer w[WRITERS];
    pthread_t t[WRITERS];
    struct ss_audit_result r;
    int i;

    for (i = 0; i < WRITERS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].f = f;
        w[i].no = i;
        assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
    }
    for (i = 0; i < WRITERS; i++) {
        pthread_join(t[i], NULL);
        if (w[i].failed[0])
            fail_msg("writer %d: %s", i, w[i].failed);
    }
    expect_verify(f, NULL, &r);
    /* one entry per commit and the key's record: entries 1 to N, no gap */
    assert_int_equal(r.entries, WRITERS * COMMITS + 1);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_log"), WRITERS * COMMITS + 1);
    assert_int_equal(rawdb_int(&f->raw, "SELECT max(id) FROM audit_log"), WRITERS * COMMITS + 1);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(DISTINCT prev) FROM audit_log"),
                     WRITERS * COMMITS + 1);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_log WHERE action = "
                                        "'audit_key'"),
                     1);
    assert_int_equal(r.signatures, WRITERS * COMMITS);
    for (i = 0; i < WRITERS; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE actor = 'writer%d'", i);
        assert_true(rawdb_int(&f->raw, sql) >= COMMITS);
    }
    if (f->pg)
        assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_pending"), 0);
}

/* ---- PostgreSQL ------------------------------------------------------------------------ */

/* A write without an actor is refused by the triggers; one that names an
 * actor but commits past shishi is never sealed, and shishi's commits
 * before and after it do not seal it either. */
static void test_pg_past_shishi(void **state)
{
    struct fixture *f = ready(state);
    char msg[512];
    PGconn *c;
    PGresult *res;

    put(f, "clerk", "INSERT INTO department(name) VALUES ('甲')");
    assert_int_equal(rawdb_try(&f->raw, "UPDATE department SET name = '乙'", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "without an acting user"));
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM department WHERE name = '甲'"), 1);

    /* a transaction past shishi, open while shishi commits */
    assert_non_null(c = rawdb_conn(f->url));
    res = PQexec(c, "BEGIN; SELECT set_config('shishi.actor', 'intruder', true);"
                    " INSERT INTO department(name) VALUES ('暗')");
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    put(f, "clerk", "INSERT INTO department(name) VALUES ('明')");
    expect_verify(f, NULL, NULL);
    res = PQexec(c, "COMMIT");
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(c);
    expect_verify(f, "(insert department 2) was never sealed", NULL);
    put(f, "clerk", "INSERT INTO department(name) VALUES ('后')");
    expect_verify(f, "(insert department 2) was never sealed", NULL);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_pending"), 1);
    /* shishi's own entries stayed one chain */
    assert_int_equal(rawdb_int(&f->raw, "SELECT max(id) FROM audit_log"),
                     rawdb_int(&f->raw, "SELECT count(*) FROM audit_log"));
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_log WHERE row_json LIKE "
                                        "'%暗%'"),
                     0);
}

/* backup and restore name PostgreSQL's tools; the key file must be
 * named. */
static void test_pg_refusals(void **state)
{
    struct fixture *f = ready(state);
    struct ss_err err;
    char file[TMPDB_PATH];

    assert_int_equal(tmpdb_name(file, "backup"), 0);
    ss_err_clear(&err);
    assert_int_equal(ss_store_backup(f->st, file, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "pg_dump"));
    assert_int_equal(access(file, F_OK), -1);
    ss_err_clear(&err);
    assert_int_equal(ss_store_restore(f->st, file, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "pg_basebackup"));

    ss_store_audit_key_file(NULL);
    ss_err_clear(&err);
    assert_int_equal(ss_store_begin(f->st, "clerk", &err), 0);
    assert_int_equal(ss_store_test_exec(f->st, "INSERT INTO department(name) VALUES ('甲')", &err),
                     0);
    assert_int_equal(ss_store_commit(f->st, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "no file to keep its audit key beside"));
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM department"), 0);
    ss_store_audit_key_file(f->key);
}

#define BOTH(test)                                                                                 \
    cmocka_unit_test_setup_teardown(test, setup_lite, teardown),                                   \
        cmocka_unit_test_setup_teardown(test, setup_pg, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_every_table),
        cmocka_unit_test(test_images_alike),
        BOTH(test_tamper),
        BOTH(test_big_commits),
        BOTH(test_commits_at_once),
        cmocka_unit_test_setup_teardown(test_pg_past_shishi, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_pg_refusals, setup_pg, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
