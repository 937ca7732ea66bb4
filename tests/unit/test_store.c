/*
 * test_store.c - the store's contract (store/store.h):
 *
 *   - the acting user belongs to the transaction: two actors in turn on
 *     one connection are each audited as themselves, a write without a
 *     transaction is refused and writes nothing, another actor cannot
 *     write inside an open transaction, and a sign-in leaves nobody's name
 *     on the connection for the next write;
 *   - a status change is compare-and-set on the status the caller read,
 *     never of an approved report; which moves are allowed is core's;
 *   - the change counters move on what they count, from any connection,
 *     and stay put otherwise;
 *   - an older database is refused for writing, naming `shishi migrate`;
 *     the migration step says from which version to which, records what
 *     it ran, runs once when two connections try at once, and a newer
 *     database is refused.
 *
 * Every case runs on SQLite and on PostgreSQL (backend.h). The checks read
 * the database past the store, as its holder would (rawdb.h). An older
 * database is, on SQLite, the previous release's (schema 7: what
 * migrations 8 to 10 add taken away); on PostgreSQL, where no database
 * older than migration 10 exists, this release's opened by the next one
 * (migration 11 played by the store's test hook). The write lock the
 * migrators wait for is SQLite's own (BEGIN IMMEDIATE on another
 * connection), or PostgreSQL's writers' advisory lock held by another
 * session.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */

#include "backend.h"
#include "base/util.h"
#include "core/auth.h"
#include "core/plan_json.h"
#include "core/workflow.h"
#include "older.h"
#include "store/store.h"
#include "store/store_account.h"
#include "store/store_audit.h"
#include "store/store_int.h" /* STORE_PG_WRITERS_LOCK */
#include "store/store_test.h"
#include "store/store_workflow.h"
#include "txn.h"

static const char PLAN[] =
    "{\"plan\":{\"title\":\"计划\",\"year\":2026,\"top_org\":\"99\"},\"projects\":[{\"no\":1,"
    "\"title\":\"项目\",\"targets\":[{\"text\":\"培训100人\",\"metric\":\"培训\","
    "\"value\":100,\"unit\":\"人\",\"op\":\">=\"}]}]}";

struct fixture {
    struct testdb db;
    struct rawdb raw; /* the database past the store */
    struct ss_store *st;
    int64_t target, org;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_org_rec orgs[] = {{"99", "省", 1, NULL}, {"9901", "甲市", 2, "99"}};
    struct ss_plan *p;
    struct ss_org o;
    struct ss_err err;
    int64_t id;

    setenv("SHISHI_PWHASH_FAST", "1", 1);
    testdb_make(&f->db, backend_pg(state), "store");
    f->raw = testdb_raw(&f->db);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, 2, &err)), 0);
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_plan_insert(f->st, p, &id, &err)), 0);
    ss_plan_free(p);
    assert_int_equal(ss_store_plan_load(f->st, id, &p, &err), 0);
    f->target = p->targets[0].id;
    ss_plan_free(p);
    assert_int_equal(ss_store_org_get(f->st, "9901", &o), 0);
    f->org = o.id;
    free(o.name);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_store_close(f->st);
    ss_store_test_migration(NULL); /* the next release's, when a case played it */
    testdb_remove(&f->db);
    free(f);
    return 0;
}

/* ---- the database as its holder sees it ------------------------------------ */

/* The actor of the last audit entry on report `id`. */
static void report_actor(struct fixture *f, int64_t id, char *out, size_t cap)
{
    char sql[160];

    snprintf(sql, sizeof sql,
             "SELECT actor FROM audit_log WHERE tbl = 'report' AND row_id = %lld ORDER BY id DESC "
             "LIMIT 1",
             (long long)id);
    rawdb_text(&f->raw, sql, out, cap);
}

/* A submitted report of day `day` (one live report per date). */
static struct ss_report_in report_of(const struct fixture *f, int32_t day)
{
    struct ss_report_in r;

    memset(&r, 0, sizeof r);
    r.target_id = f->target;
    r.org_id = f->org;
    r.as_of = day;
    r.value = 10;
    r.numerator = r.denominator = NAN;
    r.status = "submitted";
    r.by = "clerk";
    return r;
}

/* ---- the actor ------------------------------------------------------------------ */

static void test_actor_per_transaction(void **state)
{
    struct fixture *f = *state;
    struct ss_report_in r;
    struct ss_err err;
    char actor[64], big[200];
    int64_t a, b, id;
    long long reports, entries;

    /* two actors in turn on one connection: each write is audited as its own */
    r = report_of(f, 20600);
    assert_int_equal(ss_store_begin(f->st, "alice", &err), 0);
    assert_string_equal(ss_store_actor(f->st), "alice");
    assert_int_equal(ss_store_report_insert(f->st, &r, &a, &err), 0);
    assert_int_equal(ss_store_commit(f->st, &err), 0);
    assert_null(ss_store_actor(f->st)); /* forgotten at commit */
    r = report_of(f, 20601);
    assert_int_equal(ss_store_begin(f->st, "bob", &err), 0);
    assert_int_equal(ss_store_report_insert(f->st, &r, &b, &err), 0);
    assert_int_equal(ss_store_commit(f->st, &err), 0);
    report_actor(f, a, actor, sizeof actor);
    assert_string_equal(actor, "alice");
    report_actor(f, b, actor, sizeof actor);
    assert_string_equal(actor, "bob");

    /* a write without begin: refused, and nothing is written */
    reports = rawdb_int(&f->raw, "SELECT count(*) FROM report");
    entries = rawdb_int(&f->raw, "SELECT count(*) FROM audit_log");
    r = report_of(f, 20602);
    ss_err_clear(&err);
    assert_int_equal(ss_store_report_insert(f->st, &r, &id, &err), SS_EINVAL);
    assert_string_equal(err.field, "actor");
    assert_non_null(strstr(err.msg, "nothing was written"));
    assert_int_equal(ss_store_audit_event(f->st, "export", NULL, &err), SS_EINVAL);
    assert_int_equal(ss_store_begin(f->st, NULL, &err), SS_EINVAL); /* nothing to join */
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM report"), reports);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_log"), entries);

    /* inside alice's transaction: alice (or NULL) joins, bob is refused */
    assert_int_equal(ss_store_begin(f->st, "alice", &err), 0);
    assert_int_equal(ss_store_begin(f->st, "alice", &err), 0);
    assert_int_equal(ss_store_begin(f->st, NULL, &err), 0);
    ss_err_clear(&err);
    assert_int_equal(ss_store_begin(f->st, "bob", &err), SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "'alice'"));
    assert_int_equal(ss_store_report_insert(f->st, &r, &id, &err), 0);
    assert_int_equal(ss_store_commit(f->st, &err), 0);
    assert_int_equal(ss_store_commit(f->st, &err), 0);
    assert_string_equal(ss_store_actor(f->st), "alice"); /* still open: one level left */
    assert_int_equal(ss_store_commit(f->st, &err), 0);
    assert_null(ss_store_actor(f->st));
    report_actor(f, id, actor, sizeof actor);
    assert_string_equal(actor, "alice");

    /* a rollback forgets the writes and the actor */
    reports = rawdb_int(&f->raw, "SELECT count(*) FROM report");
    r = report_of(f, 20603);
    assert_int_equal(ss_store_begin(f->st, "carol", &err), 0);
    assert_int_equal(ss_store_report_insert(f->st, &r, &id, &err), 0);
    ss_store_rollback(f->st);
    assert_null(ss_store_actor(f->st));
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM report"), reports);

    /* a failure inside rolls back the whole transaction, and its commit fails */
    assert_int_equal(ss_store_begin(f->st, "carol", &err), 0);
    assert_int_equal(ss_store_report_insert(f->st, &r, &id, &err), 0);
    r.as_of = 20600; /* a second live report of alice's date: refused by the schema */
    assert_int_equal(ss_store_report_insert(f->st, &r, &id, &err), SS_EDB);
    assert_null(ss_store_actor(f->st));
    assert_true(ss_store_commit(f->st, &err) != 0);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM report"), reports);

    /* actors that name nobody */
    assert_int_equal(ss_store_begin(f->st, "", &err), SS_EINVAL);
    assert_int_equal(ss_store_begin(f->st, "a\nb", &err), SS_EINVAL);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(ss_store_begin(f->st, big, &err), SS_EINVAL);
    assert_int_equal(ss_store_begin(f->st, "\xff\xfe", &err), SS_EINVAL);
    assert_null(ss_store_actor(f->st));
}

/* A sign-in on a pooled connection used to leave the user's name on it:
 * the next write, by whoever, was sealed with that name. */
static void test_login_leaves_no_actor(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], csrf[SS_TOKEN_HEX], actor[64];
    struct ss_report_in r;
    struct ss_user u;
    struct ss_err err;
    int64_t id;
    long long reports;

    assert_int_equal(
        AS(f->st, "cli",
           ss_auth_user_add(f->st, "alice", "reporter", "9901", NULL, "correct horse", NULL, &err)),
        0);
    assert_int_equal(
        ss_auth_login(f->st, "alice", "correct horse", "127.0.0.1", token, csrf, &u, &err), 0);
    assert_null(ss_store_actor(f->st));
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_log WHERE tbl = 'session' AND "
                                        "actor = 'alice'"),
                     1);
    /* the connection's next write is nobody's: refused */
    reports = rawdb_int(&f->raw, "SELECT count(*) FROM report");
    r = report_of(f, 20610);
    assert_int_equal(ss_store_report_insert(f->st, &r, &id, &err), SS_EINVAL);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM report"), reports);
    /* and a write begun by bob is bob's */
    assert_int_equal(AS(f->st, "bob", ss_store_report_insert(f->st, &r, &id, &err)), 0);
    report_actor(f, id, actor, sizeof actor);
    assert_string_equal(actor, "bob");
    /* a failed sign-in is nobody's either, and leaves nothing */
    assert_int_equal(
        ss_auth_login(f->st, "alice", "wrong horse", "127.0.0.1", token, csrf, &u, &err),
        SS_EFORBIDDEN);
    assert_null(ss_store_actor(f->st));
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM audit_log WHERE action = 'login' AND "
                                        "actor = 'anonymous'"),
                     1);
}

/* ---- compare-and-set ------------------------------------------------------------- */

/* The store changes a report's status only from the status its caller
 * read, and never an approved report's, whoever asks; which moves the
 * workflow allows is core's rule. */
static void test_status_compare_and_set(void **state)
{
    struct fixture *f = *state;
    struct ss_store *other;
    struct ss_report_in r;
    struct ss_wf_report got;
    struct ss_wf_move back = {"submitted", "returned", "rev1", "why", NULL, 0, NULL};
    struct ss_wf_move ok = {"submitted", "approved", "rev2", NULL, NULL, 0, NULL};
    struct ss_wf_move undo = {"approved", "draft", NULL, NULL, NULL, 0, NULL};
    struct ss_wf_move ghost = {"submitted", "approved", "rev1", NULL, NULL, 0, NULL};
    struct ss_err err;
    int64_t id;

    r = report_of(f, 20630);
    assert_int_equal(AS(f->st, "clerk", ss_store_report_insert(f->st, &r, &id, &err)), 0);
    assert_int_equal(ss_store_open(f->db.path, 0, &other, &err), 0);
    /* the second reviewer approves after the first read it as submitted */
    assert_int_equal(ss_store_wf_get(f->st, id, &got), 0);
    assert_string_equal(got.status, "submitted");
    ss_wf_report_cleanup(&got);
    assert_int_equal(AS(other, "rev2", ss_store_wf_move(other, id, &ok, &err)), 0);
    ss_err_clear(&err);
    assert_int_equal(AS(f->st, "rev1", ss_store_wf_move(f->st, id, &back, &err)), SS_ECONFLICT);
    assert_string_equal(err.field, "status");
    assert_non_null(strstr(err.msg, "approved by now"));
    assert_int_equal(ss_store_wf_get(f->st, id, &got), 0);
    assert_string_equal(got.status, "approved");
    assert_int_equal(got.seq, 1);
    assert_string_equal(got.reviewed_by, "rev2");
    ss_wf_report_cleanup(&got);
    /* an approved report never changes, even when asked from its state */
    ss_err_clear(&err);
    assert_int_equal(AS(f->st, "rev1", ss_store_wf_move(f->st, id, &undo, &err)), SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "never changes"));
    assert_int_equal(AS(f->st, "rev1", ss_store_wf_move(f->st, 9999, &ghost, &err)), SS_ENOTFOUND);
    assert_int_equal(ss_store_report_max_seq(f->st), 1);
    ss_store_close(other);
    /* the rule is core's */
    assert_true(ss_workflow_may_move("draft", "submitted"));
    assert_true(ss_workflow_may_move("returned", "submitted"));
    assert_true(ss_workflow_may_move("submitted", "approved"));
    assert_true(ss_workflow_may_move("submitted", "returned"));
    assert_false(ss_workflow_may_move("draft", "approved"));
    assert_false(ss_workflow_may_move("returned", "approved"));
    assert_false(ss_workflow_may_move("approved", "returned"));
    assert_false(ss_workflow_may_move("approved", "draft"));
    assert_false(ss_workflow_may_move("submitted", "submitted"));
}

/* ---- change counters ------------------------------------------------------------ */

static void test_counters(void **state)
{
    struct fixture *f = *state;
    struct ss_store *other;
    struct ss_store_counters c0, c;
    struct ss_org_rec org = {"9902", "乙市", 2, "99"};
    struct ss_report_in r;
    struct ss_err err;
    int64_t id;

    assert_int_equal(ss_store_open(f->db.path, 0, &other, &err), 0);
    assert_int_equal(ss_store_counters(f->st, &c0), 0);
    assert_true(c0.plan_id > 0);
    assert_int_equal(c0.approved, 0);

    /* what they do not count leaves them as they were: a submitted report,
     * a login attempt */
    r = report_of(f, 20620);
    assert_int_equal(AS(other, "bob", ss_store_report_insert(other, &r, &id, &err)), 0);
    assert_int_equal(ss_store_login_record(other, "nobody", "10.0.0.1", 0, 1780000000, &err), 0);
    assert_int_equal(ss_store_counters(f->st, &c), 0);
    assert_true(ss_store_counters_same(&c, &c0));

    /* another connection's org unit: the structure moves */
    assert_int_equal(AS(other, "cli", ss_store_orgs_upsert(other, &org, 1, &err)), 0);
    assert_int_equal(ss_store_counters(f->st, &c), 0);
    assert_true(c.structure != c0.structure);
    assert_true(c.assignments == c0.assignments && c.approved == c0.approved);
    assert_false(ss_store_counters_same(&c, &c0));
    c0 = c;
    /* a share: the assignments move */
    assert_int_equal(AS(other, "cli", ss_store_assign(other, f->target, f->org, 50, &err)), 0);
    assert_int_equal(ss_store_counters(f->st, &c), 0);
    assert_true(c.assignments != c0.assignments && c.structure == c0.structure);
    c0 = c;
    /* an approval: the high-water mark is its seq */
    r = report_of(f, 20621);
    r.status = "approved";
    assert_int_equal(AS(other, "bob", ss_store_report_insert(other, &r, &id, &err)), 0);
    assert_int_equal(ss_store_counters(f->st, &c), 0);
    assert_int_equal(c.approved, 1);
    assert_int_equal(c.approved, ss_store_report_max_seq(f->st));
    assert_true(c.structure == c0.structure && c.assignments == c0.assignments);
    ss_store_close(other);
}

/* ---- the schema ------------------------------------------------------------------ */

/* PostgreSQL's older database: this release's, opened by a build that
 * knows the next release's migration too (store_test.h). */
static const struct ss_test_migration NEXT = {
    .name = "a table of the next release",
    .sql = "CREATE TABLE IF NOT EXISTS next_release (id INTEGER PRIMARY KEY);",
    .pg_sql = "CREATE TABLE IF NOT EXISTS next_release (id BIGINT PRIMARY KEY);",
};

/* Make the database (closed) older than this build's schema, and return
 * its version: SQLite the previous release's (7: what migrations 8 to 10
 * and 12 add taken away; 11 rebuilds account again); PostgreSQL, where none older than 10 exists,
 * this one's with migration 11 appended to the build's. */
static int make_older(struct fixture *f)
{
    if (f->db.pg) {
        int latest = ss_store_schema_latest();
        assert_int_equal(ss_store_test_migration(&NEXT), latest + 1);
        return latest;
    }
    rawdb_exec(&f->raw, OLDER_UNDO_NEWER "DROP TABLE schema_migration; DROP TABLE throttle_hit; "
                                         "DROP TABLE translation; PRAGMA user_version = 7;");
    return 7;
}

/* The version the database says it is at, read past the store. */
static long long raw_version(struct fixture *f)
{
    return rawdb_int(&f->raw,
                     BACKEND_SQL(&f->db, "PRAGMA user_version",
                                 "SELECT coalesce(max(version), 0) FROM schema_migration"));
}

/* Make the database claim a version (99) newer than any build knows, or
 * with newer 0 go back to this build's. */
static void claim_newer(struct fixture *f, int newer)
{
    char sql[160];

    if (f->db.pg)
        snprintf(sql, sizeof sql,
                 newer ? "INSERT INTO schema_migration(version, name, sha256) VALUES (99, "
                         "'from the future', '')"
                       : "DELETE FROM schema_migration WHERE version = 99");
    else
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
                 newer ? 99 : ss_store_schema_latest());
    rawdb_exec(&f->raw, sql);
}

static void test_schema_open(void **state)
{
    struct fixture *f = *state;
    struct ss_store *st = NULL;
    struct ss_plan *p;
    struct ss_err err;
    char want[96];
    int from, to, old, latest = ss_store_schema_latest();

    assert_true(latest >=
                STORE_SCHEMA_BULLETIN); /* the migrations of supervision, delivery, bulletins */
    assert_int_equal(ss_store_schema_version(f->st), latest);
    ss_store_schema_step(f->st, &from, &to); /* created just now */
    assert_int_equal(from, 0);
    assert_int_equal(to, latest);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM schema_migration WHERE applied_at "
                                        "IS NOT NULL AND length(sha256) = 64"),
                     latest);
    ss_store_close(f->st);
    f->st = NULL;
    old = make_older(f);
    latest = ss_store_schema_latest();
    assert_true(old < latest);

    /* an older database: refused for writing, read as it is */
    ss_err_clear(&err);
    assert_int_equal(ss_store_open(f->db.path, 0, &st, &err), SS_ECONFLICT);
    assert_null(st);
    snprintf(want, sizeof want, "schema version %d and this shishi needs", old);
    assert_non_null(strstr(err.msg, want));
    assert_non_null(strstr(err.msg, "shishi migrate --db"));
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &st, &err), SS_ECONFLICT);
    assert_int_equal(raw_version(f), old);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_READONLY, &st, &err), 0);
    assert_int_equal(ss_store_plan_load(st, 0, &p, &err), 0);
    ss_plan_free(p);
    ss_store_close(st);

    /* the step: from the old version to the latest, recorded */
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_MIGRATE, &f->st, &err), 0);
    ss_store_schema_step(f->st, &from, &to);
    assert_int_equal(from, old);
    assert_int_equal(to, latest);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM schema_migration"), latest);
    /* SQLite's versions up to 7 ran before the record began: when is not
     * known; PostgreSQL's all ran with it */
    snprintf(want, sizeof want,
             "SELECT count(*) FROM schema_migration WHERE applied_at IS NULL AND version <= %d",
             old);
    assert_int_equal(rawdb_int(&f->raw, want), f->db.pg ? 0 : old);
    snprintf(want, sizeof want,
             "SELECT count(*) FROM schema_migration WHERE applied_at IS NOT NULL AND version = %d",
             old + 1);
    assert_int_equal(rawdb_int(&f->raw, want), 1);
    /* again: nothing to do */
    ss_store_close(f->st);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_MIGRATE, &f->st, &err), 0);
    ss_store_schema_step(f->st, &from, &to);
    assert_int_equal(from, latest);
    assert_int_equal(to, latest);
    ss_store_close(f->st);
    f->st = NULL;

    /* a newer database is refused, for reading too */
    claim_newer(f, 1);
    ss_err_clear(&err);
    assert_int_equal(ss_store_open(f->db.path, 0, &st, &err), SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "newer than this build knows"));
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_READONLY, &st, &err), SS_ECONFLICT);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_MIGRATE, &st, &err), SS_ECONFLICT);
    claim_newer(f, 0);
    assert_int_equal(ss_store_open(f->db.path, 0, &f->st, &err), 0);
}

struct migrator {
    const char *path;
    int rc, from, to;
};

static void *migrate_main(void *arg)
{
    struct migrator *m = arg;
    struct ss_store *st = NULL;
    struct ss_err err;

    m->rc = ss_store_open(m->path, SS_STORE_MIGRATE, &st, &err);
    if (!m->rc)
        ss_store_schema_step(st, &m->from, &m->to);
    ss_store_close(st);
    return NULL;
}

/* The writers' lock, held by a connection past the store. */
struct hold {
    sqlite3 *lite;
    PGconn *pg;
};

static void hold_take(struct fixture *f, struct hold *h)
{
    char sql[96];
    PGresult *r;

    memset(h, 0, sizeof *h);
    if (!f->db.pg) {
        assert_int_equal(sqlite3_open(f->db.path, &h->lite), SQLITE_OK);
        assert_int_equal(sqlite3_exec(h->lite, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
        return;
    }
    assert_non_null(h->pg = pgtest_connect(f->db.path));
    snprintf(sql, sizeof sql, "SELECT pg_advisory_lock(%lld)", (long long)STORE_PG_WRITERS_LOCK);
    r = PQexec(h->pg, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
}

/* Wait for n connections to be waiting for the lock (PostgreSQL says so;
 * SQLite does not: there, give them the time to get there). */
static void hold_wait_for(struct fixture *f, int n)
{
    int tries, waiting = 0;

    if (!f->db.pg) {
        usleep(300 * 1000); /* both are waiting for the lock by now, or soon */
        return;
    }
    for (tries = 0; tries < 400 && waiting < n; tries++) {
        usleep(10000);
        waiting = (int)rawdb_int(&f->raw, "SELECT count(*) FROM pg_locks l JOIN pg_database d"
                                          " ON d.oid = l.database WHERE l.locktype = 'advisory'"
                                          " AND NOT l.granted AND d.datname = current_database()");
    }
    assert_int_equal(waiting, n);
}

static void hold_release(struct hold *h)
{
    if (h->lite) {
        assert_int_equal(sqlite3_exec(h->lite, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(h->lite);
    }
    PQfinish(h->pg); /* lets go of the lock */
}

/* Two connections migrate at once while a third holds the write lock:
 * both wait for it, one migrates, the other finds nothing to do. */
static void test_migrate_at_once(void **state)
{
    struct fixture *f = *state;
    struct migrator m[2];
    pthread_t t[2];
    struct hold hold;
    struct ss_err err;
    int i, old, latest;

    ss_store_close(f->st);
    f->st = NULL;
    old = make_older(f);
    latest = ss_store_schema_latest();
    hold_take(f, &hold);
    for (i = 0; i < 2; i++) {
        m[i].path = f->db.path;
        m[i].rc = -99;
        m[i].from = m[i].to = -1;
        assert_int_equal(pthread_create(&t[i], NULL, migrate_main, &m[i]), 0);
    }
    hold_wait_for(f, 2);
    hold_release(&hold);
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (i = 0; i < 2; i++) {
        assert_int_equal(m[i].rc, 0);
        assert_int_equal(m[i].to, latest);
    }
    /* whichever came first migrated; the other saw the latest version */
    assert_true((m[0].from == old) != (m[1].from == old));
    assert_true(m[0].from == latest || m[1].from == latest);
    assert_int_equal(rawdb_int(&f->raw, "SELECT count(*) FROM schema_migration"), latest);
    assert_int_equal(raw_version(f), latest);
    assert_int_equal(ss_store_open(f->db.path, 0, &f->st, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_actor_per_transaction, setup, teardown),
        ON_BOTH(test_login_leaves_no_actor, setup, teardown),
        ON_BOTH(test_status_compare_and_set, setup, teardown),
        ON_BOTH(test_counters, setup, teardown),
        ON_BOTH(test_schema_open, setup, teardown),
        ON_BOTH(test_migrate_at_once, setup, teardown),
    };
    return backend_run(tests);
}
