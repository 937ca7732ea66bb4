/*
 * test_store_schema.c - audit per table (store/store_audit.c,
 * store/store_schema.c): the next release's migration, played by the
 * store's test hook (store/store_test.h), adds an audited table (notice)
 * and a column to an audited table (report.channel), as a real one would
 * be written. Applied
 *   - to a fresh database (created at the new version), and
 *   - to a database made by the previous release (schema 7: the fixture
 *     tests/fixtures/audit/v7.sql.gz with its key, made by that build's
 *     `init`, `user add`, two `report add` and an `assign`),
 * each verifies clean, the two end with the same triggers, and every kind
 * of tampering with the new table and the new column is found: a row
 * changed, inserted or deleted behind shishi's back, a change left
 * unsealed. The previous release's entries carry no `channel`: the
 * verifier reads them with the columns of their time.
 *
 * Tampering uses SQLite directly, as someone holding the file would.
 */
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>
#include <cmocka.h> /* after the headers it needs */

#include "base/buf.h"
#include "base/util.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_test.h"
#include "tmpdb.h"
#include "txn.h"

#define FIXTURES "tests/fixtures/audit"

static const struct ss_test_audited_table NOTICE[] = {
    {"notice", "id", "id,org_id,title,state"},
};
static const struct ss_test_audited_col CHANNEL[] = {
    {"report", "channel", "'cli'"},
};
/* Migration 9 as the next release might write it: supervision notices,
 * and where a report came from. Its `after` sets values the new triggers
 * must log with the new column. */
static const struct ss_test_migration NEXT = {
    "supervision notices; where a report came from",
    "CREATE TABLE IF NOT EXISTS notice ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER REFERENCES org_unit(id),"
    "  title TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'open');"
    "ALTER TABLE report ADD COLUMN channel TEXT NOT NULL DEFAULT 'cli';",
    "INSERT INTO notice(org_id, title) SELECT id, '督办：' || name FROM org_unit"
    " WHERE level = 2 ORDER BY id LIMIT 2;"
    "UPDATE report SET channel = 'console' WHERE id = (SELECT min(id) FROM report);",
    NOTICE,
    1,
    CHANNEL,
    1,
};

static const char PLAN[] =
    "{\"plan\":{\"title\":\"计划\",\"year\":2026,\"top_org\":\"99\"},\"projects\":[{\"no\":1,"
    "\"title\":\"项目\",\"targets\":[{\"text\":\"培训100人\",\"metric\":\"培训\","
    "\"value\":100,\"unit\":\"人\",\"op\":\">=\"}]}]}";

struct fixture {
    char path[TMPDB_PATH];
    struct ss_store *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    assert_int_equal(tmpdb_name(f->path, "schema"), 0);
    assert_int_equal(ss_store_test_migration(&NEXT), ss_store_schema_latest() + 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_store_close(f->st);
    tmpdb_remove(f->path);
    ss_store_test_migration(NULL);
    free(f);
    return 0;
}

/* ---- the file as its holder sees it ---------------------------------------- */

static long long raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s;
    long long v = -1;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_close(db);
}

/* The audit triggers of the new table and the altered one, as text. */
static void triggers(const char *path, struct ss_buf *out)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name, sql FROM sqlite_schema WHERE type = "
                                        "'trigger' AND tbl_name IN ('report', 'notice') "
                                        "ORDER BY name",
                                        -1, &s, NULL),
                     SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW)
        ss_buf_printf(out, "%s: %s\n", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1));
    sqlite3_finalize(s);
    sqlite3_close(db);
}

/* ---- the two databases ------------------------------------------------------- */

/* A database created at the new version, with rows written through the
 * store: two reports (one of them later sent by the console) and a
 * notice. */
static void make_fresh(struct fixture *f)
{
    struct ss_org_rec orgs[] = {{"99", "省", 1, NULL}, {"9901", "甲市", 2, "99"}};
    struct ss_report_in r;
    struct ss_plan *p;
    struct ss_org o;
    struct ss_err err;
    int64_t id;
    int from, to;

    tmpdb_remove(f->path);
    assert_int_equal(ss_store_open(f->path, SS_STORE_CREATE, &f->st, &err), 0);
    ss_store_schema_step(f->st, &from, &to);
    assert_int_equal(to, ss_store_schema_latest());
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, 2, &err)), 0);
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_plan_insert(f->st, p, &id, &err)), 0);
    ss_plan_free(p);
    assert_int_equal(ss_store_plan_load(f->st, id, &p, &err), 0);
    assert_int_equal(ss_store_org_get(f->st, "9901", &o), 0);
    memset(&r, 0, sizeof r);
    r.target_id = p->targets[0].id;
    r.org_id = o.id;
    r.as_of = p->start + 30;
    r.value = 10;
    r.numerator = r.denominator = NAN;
    r.status = "approved";
    r.by = "cli";
    free(o.name);
    ss_plan_free(p);
    assert_int_equal(AS(f->st, "cli", ss_store_report_insert(f->st, &r, &id, &err)), 0);
    r.as_of += 30;
    r.value = 20;
    assert_int_equal(AS(f->st, "cli", ss_store_report_insert(f->st, &r, &id, &err)), 0);
    /* what the next release's store functions would do */
    assert_int_equal(
        AS(f->st, "clerk",
           ss_store_test_exec(f->st, "UPDATE report SET channel = 'console' WHERE id = 2", &err)),
        0);
    assert_int_equal(
        AS(f->st, "admin",
           ss_store_test_exec(f->st, "INSERT INTO notice(org_id, title) VALUES (2, '请报进度')",
                              &err)),
        0);
    ss_store_close(f->st);
    f->st = NULL;
}

/* Copy file from to to (mode 0600). */
static void copy_file(const char *from, const char *to)
{
    char buf[4096];
    int in = open(from, O_RDONLY), out;
    ssize_t n;

    assert_true(in >= 0);
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(out >= 0);
    while ((n = read(in, buf, sizeof buf)) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    close(in);
    assert_int_equal(fchmod(out, 0600), 0);
    close(out);
}

/* The previous release's database, as its build left it, with its key. */
static void load_v7(struct fixture *f)
{
    struct ss_buf sql;
    char chunk[8192], key[TMPDB_PATH + 8];
    gzFile gz;
    int n;

    tmpdb_remove(f->path);
    ss_buf_init(&sql, 8u << 20);
    assert_non_null(gz = gzopen(FIXTURES "/v7.sql.gz", "rb"));
    while ((n = gzread(gz, chunk, sizeof chunk)) > 0)
        ss_buf_put(&sql, chunk, (size_t)n);
    gzclose(gz);
    assert_false(sql.err);
    raw_exec(f->path, sql.data);
    ss_buf_cleanup(&sql);
    snprintf(key, sizeof key, "%s.key", f->path);
    copy_file(FIXTURES "/v7.key", key);
    assert_int_equal(raw_int(f->path, "PRAGMA user_version"), 7);
}

/* Upgrade the previous release's database: refused for writing until
 * migrated, then from 7 to 9 in one step. */
static void make_upgraded(struct fixture *f)
{
    struct ss_err err;
    int from, to;

    load_v7(f);
    assert_int_equal(ss_store_open(f->path, 0, &f->st, &err), SS_ECONFLICT);
    assert_int_equal(ss_store_open(f->path, SS_STORE_MIGRATE, &f->st, &err), 0);
    ss_store_schema_step(f->st, &from, &to);
    assert_int_equal(from, 7);
    assert_int_equal(to, ss_store_schema_latest());
    ss_store_close(f->st);
    f->st = NULL;
}

/* Verify; want NULL: clean, else the finding must hold those words. */
static void expect_verify(struct fixture *f, const char *want)
{
    struct ss_audit_result r;
    struct ss_store *st;
    struct ss_err err;

    assert_int_equal(ss_store_open(f->path, SS_STORE_READONLY, &st, &err), 0);
    assert_int_equal(ss_store_audit_verify(st, NULL, &r, &err), 0);
    ss_store_close(st);
    if (!want && r.bad_entry)
        fail_msg("expected a clean log: %s", r.what);
    if (want && (!r.bad_entry || !strstr(r.what, want)))
        fail_msg("expected \"%s\", got: %s", want, r.bad_entry ? r.what : "a clean log");
}

/* Each tampering on a database made again by make(); verify finds it.
 * new_report was logged with the new column; old_report, when not 0,
 * only before the column existed. */
static void tamper_all(struct fixture *f, void (*make)(struct fixture *), int64_t new_report,
                       int64_t old_report)
{
    /* a report's: the row's id follows sql; found is then "report row ID
     * differs" or "never sealed" */
    static const struct {
        const char *sql, *found;
        int report;
    } T[] = {
        {"DROP TRIGGER audit_notice_upd; UPDATE notice SET title = '已办结' WHERE id = 1",
         "notice row 1 differs from its last audited image", 0},
        {"DROP TRIGGER audit_notice_ins; INSERT INTO notice(org_id, title) VALUES (1, '假的')",
         "is in the database but not in the audit log", 0},
        {"DROP TRIGGER audit_notice_del; DELETE FROM notice WHERE id = 1",
         "notice row 1 is missing", 0},
        {"UPDATE notice SET state = 'closed' WHERE id = 1", "was never sealed", 0},
        {"UPDATE report SET channel = 'sms' WHERE id = ", "was never sealed", 1},
        {"DROP TRIGGER audit_report_upd; UPDATE report SET channel = 'sms' WHERE id = ", NULL, 1},
    };
    char sql[200], found[80];
    size_t i;
    int k;

    for (k = 0; k < 2; k++) {
        int64_t row = k ? old_report : new_report;
        for (i = 0; row && i < SS_ARRAY_LEN(T); i++) {
            if (k && !T[i].report)
                continue; /* the notice's once is enough */
            snprintf(sql, sizeof sql, "%s%s", T[i].sql, "");
            if (T[i].report)
                snprintf(sql, sizeof sql, "%s%lld", T[i].sql, (long long)row);
            if (T[i].found)
                snprintf(found, sizeof found, "%s", T[i].found);
            else
                snprintf(found, sizeof found, "report row %lld differs", (long long)row);
            make(f);
            expect_verify(f, NULL);
            raw_exec(f->path, sql);
            expect_verify(f, found);
        }
    }
}

/* ---- the tests ---------------------------------------------------------------- */

static void test_fresh(void **state)
{
    struct fixture *f = *state;
    struct ss_buf b;

    make_fresh(f);
    expect_verify(f, NULL);
    /* the report triggers carry the new column, the notice has its own */
    ss_buf_init(&b, 1 << 16);
    triggers(f->path, &b);
    assert_non_null(strstr(b.data, "audit_report_upd: "));
    assert_non_null(strstr(b.data, "'channel',NEW.channel"));
    assert_non_null(strstr(b.data, "audit_notice_ins: "));
    ss_buf_cleanup(&b);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM audit_log WHERE tbl = 'report' AND "
                                      "json_extract(row_json, '$.channel') = 'console'"),
                     1);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM schema_migration WHERE version = 10 "
                                      "AND applied_at IS NOT NULL"),
                     1);
    /* a fresh database has no report older than the column */
    tamper_all(f, make_fresh, 2, 0);
}

static void test_upgraded(void **state)
{
    struct fixture *f = *state;
    struct ss_buf up, fresh;

    /* before migrating, the previous release's database verifies as it
     * is: the verifier reads it with the columns of schema 7 */
    load_v7(f);
    expect_verify(f, NULL);
    make_upgraded(f);
    expect_verify(f, NULL);
    /* report 1 was sent again by the migration's after: logged with the
     * column; report 2 was not: its last image is the previous release's */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM audit_log WHERE tbl = 'report' AND "
                                      "row_id = 1 AND json_extract(row_json, '$.channel') = "
                                      "'console'"),
                     1);
    assert_int_equal(raw_int(f->path, "SELECT json_type(row_json, '$.channel') IS NULL FROM "
                                      "audit_log WHERE tbl = 'report' AND row_id = 2 ORDER BY "
                                      "id DESC LIMIT 1"),
                     1);
    /* the notices the migration made are in the log */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM audit_log WHERE tbl = 'notice'"), 2);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM schema_migration"),
                     ss_store_schema_latest());
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM schema_migration WHERE applied_at IS "
                                      "NOT NULL"),
                     4); /* 8, 9 and 10, and the test's */
    /* the same triggers as a database created at the new version */
    ss_buf_init(&up, 1 << 16);
    ss_buf_init(&fresh, 1 << 16);
    triggers(f->path, &up);
    make_fresh(f);
    triggers(f->path, &fresh);
    assert_string_equal(up.data, fresh.data);
    ss_buf_cleanup(&up);
    ss_buf_cleanup(&fresh);
    /* report 1 was logged with the column; report 2 only by the previous
     * release: tampering with the new column is found on both */
    tamper_all(f, make_upgraded, 1, 2);
}

/* A migration whose lists name a column of a table that is not audited
 * is refused whole: a mistake in the lists never half-migrates. */
static void test_lists_checked(void **state)
{
    static const struct ss_test_audited_col BAD[] = {{"meta", "note", "NULL"}};
    static const struct ss_test_migration WRONG = {"a column on an unaudited table",
                                                   "ALTER TABLE meta ADD COLUMN note TEXT;",
                                                   NULL,
                                                   NULL,
                                                   0,
                                                   BAD,
                                                   1};
    struct fixture *f = *state;
    struct ss_err err;

    load_v7(f);
    ss_store_test_migration(&WRONG);
    ss_err_clear(&err);
    assert_int_equal(ss_store_open(f->path, SS_STORE_MIGRATE, &f->st, &err), SS_EDB);
    assert_non_null(strstr(err.msg, "migration 11"));
    assert_non_null(strstr(err.msg, "meta is not audited"));
    assert_int_equal(raw_int(f->path, "PRAGMA user_version"), 7); /* nothing changed */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                                      "'schema_migration'"),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgraded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists_checked, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
