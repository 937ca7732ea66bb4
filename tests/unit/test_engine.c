/*
 * test_engine.c - the live roll-up: sums up the tree, as-of dates, reports
 * arriving out of order, corrections, rates and changes, pace and status,
 * refresh from another connection, and the invariant walk finding each
 * kind of damage. (test_engine_diff.c holds the randomized differential
 * test against the store's SQL roll-up.)
 *
 * Every case runs on SQLite and on PostgreSQL (backend.h): the engine
 * loads, refreshes and snapshots through the store on either.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend.h"
#include "base/date.h"
#include "base/util.h"
#include "core/engine.h"
#include "core/engine_int.h"
#include "core/plan_json.h"
#include "core/report.h"
#include "store/store.h"
#include "txn.h"

static const char PLAN[] =
    "{\"plan\":{\"title\":\"测试计划\",\"year\":2026,\"top_org\":\"99\"},"
    "\"projects\":[{\"no\":1,\"title\":\"项目一\",\"targets\":["
    "{\"text\":\"修路100公里\",\"metric\":\"修路\",\"value\":100,\"unit\":\"公里\",\"op\":\"=\"},"
    "{\"text\":\"落实率90%以上\",\"metric\":\"落实率\",\"value\":90,\"unit\":\"%\",\"op\":\">=\"},"
    "{\"text\":\"较上年增加5%\",\"metric\":\"增幅\",\"value\":5,\"unit\":\"%\",\"op\":\">=\"},"
    "{\"text\":\"控制在10起以内\",\"metric\":\"事故\",\"value\":10,\"unit\":\"起\",\"op\":\"<=\"},"
    "{\"text\":\"建桥12座\",\"metric\":\"建桥\",\"value\":12,\"unit\":\"座\",\"op\":\"=\","
    " \"profile\":[0,0,0,0.1,0.3,0.5,0.7,0.9,1,1,1,1]}"
    "]}]}";

struct fixture {
    struct testdb db;
    struct ss_store *st;
    int64_t tid[5];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_org_rec orgs[] = {
        {"99", "省", 1, NULL},           {"9901", "甲市", 2, "99"},
        {"9902", "乙市", 2, "99"},       {"990101", "甲一县", 3, "9901"},
        {"990102", "甲二县", 3, "9901"}, {"990201", "乙一县", 3, "9902"},
    };
    struct ss_plan *p = NULL;
    struct ss_err err;
    int64_t id;
    size_t i;

    testdb_make(&f->db, backend_pg(state), "engine");
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, 6, &err)), 0);
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_plan_insert(f->st, p, &id, &err)), 0);
    ss_plan_free(p);
    assert_int_equal(ss_store_plan_load(f->st, 0, &p, &err), 0);
    for (i = 0; i < 5; i++)
        f->tid[i] = p->targets[i].id;
    assert_int_equal(p->targets[1].kind, SS_KIND_RATE);
    assert_int_equal(p->targets[2].kind, SS_KIND_CHANGE);
    ss_plan_free(p);
    setenv("SHISHI_TODAY", "2026-12-31", 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_store_close(f->st);
    testdb_remove(&f->db);
    free(f);
    return 0;
}

static int add(struct fixture *f, int t, const char *org, const char *date, double v)
{
    struct ss_report_req r;
    struct ss_err err;
    int64_t id;

    memset(&r, 0, sizeof r);
    r.target_id = f->tid[t];
    r.org = org;
    r.date = date;
    r.value = v;
    r.numerator = r.denominator = r.baseline = NAN;
    r.status = "approved";
    return AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err));
}

static int32_t D(const char *s)
{
    int32_t d = 0;
    assert_int_equal(ss_date_parse(s, &d), 0);
    return d;
}

static double actual(struct ss_engine *e, int t, const char *org, const char *date)
{
    struct ss_figure fig;
    ss_engine_figure(e, (size_t)t, ss_engine_org_find(e, org), D(date), &fig);
    return fig.actual;
}

static void test_rollup_up_the_tree(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;

    assert_int_equal(add(f, 0, "990101", "2026-03-31", 10), 0);
    assert_int_equal(add(f, 0, "990102", "2026-04-30", 5), 0);
    assert_int_equal(add(f, 0, "990201", "2026-05-31", 7), 0);
    assert_int_equal(add(f, 0, "990101", "2026-06-30", 20), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    assert_true(actual(e, 0, "9901", "2026-12-31") == 25);
    assert_true(actual(e, 0, "99", "2026-12-31") == 32);
    /* as of a past date only what was reported by then counts */
    assert_true(actual(e, 0, "99", "2026-03-30") == 0);
    assert_true(actual(e, 0, "99", "2026-03-31") == 10);
    assert_true(actual(e, 0, "99", "2026-05-31") == 22);
    assert_true(actual(e, 0, "990101", "2026-05-31") == 10);
    assert_true(actual(e, 0, "9902", "2026-04-30") == 0);
    ss_engine_free(e);
}

static void test_out_of_order_and_correction(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;
    struct ss_report_req r;
    int64_t id;
    struct ss_figure fig;

    assert_int_equal(add(f, 0, "990101", "2026-06-30", 20), 0);
    assert_int_equal(add(f, 0, "990101", "2026-03-31", 10), 0); /* arrives later */
    /* lower than the earlier report, or higher than the later one: refused */
    assert_int_equal(add(f, 0, "990101", "2026-07-31", 15), SS_EINVAL);
    assert_int_equal(add(f, 0, "990101", "2026-04-30", 25), SS_EINVAL);
    assert_int_equal(add(f, 0, "990101", "2026-04-30", 12), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    assert_true(actual(e, 0, "99", "2026-04-29") == 10);
    assert_true(actual(e, 0, "99", "2026-04-30") == 12);
    assert_true(actual(e, 0, "99", "2026-07-01") == 20);
    ss_engine_figure(e, 0, ss_engine_org_find(e, "99"), D("2026-07-01"), &fig);
    assert_int_equal(fig.reporters, 1);
    assert_int_equal(fig.last_report, D("2026-06-30"));
    /* a correction replaces the same day's value, with a note */
    memset(&r, 0, sizeof r);
    r.target_id = f->tid[0];
    r.org = "990101";
    r.date = "2026-06-30";
    r.value = 18;
    r.numerator = r.denominator = r.baseline = NAN;
    r.status = "approved";
    r.correction = 1;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)),
                     SS_EINVAL); /* no note */
    r.note = "录入错误,更正";
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_true(actual(e, 0, "99", "2026-07-01") == 18);
    assert_true(actual(e, 0, "9901", "2026-06-29") == 12);
    assert_int_equal(ss_engine_refresh(e, f->st), 0); /* nothing new */
    ss_engine_free(e);
}

static void test_rate_and_change(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;
    struct ss_report_req r;
    int64_t id;
    struct ss_figure fig;

    memset(&r, 0, sizeof r);
    r.target_id = f->tid[1];
    r.org = "990101";
    r.date = "2026-06-30";
    r.value = r.baseline = NAN;
    r.status = "approved";
    r.numerator = 90;
    r.denominator = 100;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);
    r.org = "990201";
    r.numerator = 10;
    r.denominator = 50;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);
    r.numerator = 60; /* above its denominator */
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), SS_EINVAL);
    assert_string_equal(err.field, "numerator");
    r.numerator = NAN;
    r.denominator = NAN;
    r.value = 101;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), SS_EINVAL);

    memset(&r, 0, sizeof r);
    r.target_id = f->tid[2];
    r.org = "990102";
    r.date = "2026-06-30";
    r.numerator = r.denominator = NAN;
    r.status = "approved";
    r.value = 105;
    r.baseline = NAN;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)),
                     SS_EINVAL); /* needs a baseline */
    r.baseline = 100;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);
    r.org = "990201";
    r.value = 330;
    r.baseline = 300;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);

    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    /* rates divide the sums: (90 + 10) / (100 + 50) */
    ss_engine_figure(e, 1, ss_engine_org_find(e, "99"), D("2026-07-01"), &fig);
    assert_true(fabs(fig.actual - 100.0 / 150 * 100) < 1e-9);
    assert_true(fig.value == 90); /* a rate's target holds at every level */
    ss_engine_figure(e, 1, ss_engine_org_find(e, "9901"), D("2026-07-01"), &fig);
    assert_true(fabs(fig.actual - 90) < 1e-9);
    /* changes compare summed levels: (105 + 330) / (100 + 300) - 1 */
    ss_engine_figure(e, 2, ss_engine_org_find(e, "99"), D("2026-07-01"), &fig);
    assert_true(fabs(fig.actual - 8.75) < 1e-9);
    /* a change is a level: beyond its target it is on track, and done only
     * at the plan's end; never a share of the target */
    assert_int_equal(fig.status, SS_ST_ON_TRACK);
    assert_true(isnan(fig.progress) && isnan(fig.expected));
    ss_engine_figure(e, 2, ss_engine_org_find(e, "99"), D("2026-12-31"), &fig);
    assert_int_equal(fig.status, SS_ST_DONE);
    ss_engine_free(e);
}

static void test_pace_and_status(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;
    struct ss_figure fig;
    long top;

    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    top = ss_engine_top_org(e);
    ss_engine_figure(e, 0, top, D("2026-07-02"), &fig);
    assert_int_equal(fig.status, SS_ST_NOT_REPORTED);
    assert_true(fabs(fig.expected - 183.0 / 365 * 100) < 1e-9);
    ss_engine_free(e);

    assert_int_equal(add(f, 0, "990101", "2026-06-02", 30), 0);
    assert_int_equal(add(f, 0, "990101", "2026-07-02", 45), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    ss_engine_figure(e, 0, top, D("2026-07-02"), &fig);
    /* 45% done against ~50% due: within 10 points */
    assert_int_equal(fig.status, SS_ST_ON_TRACK);
    assert_true(fig.progress == 45);
    /* 15 in the last 30 days; the rest of the year at that pace */
    assert_true(fig.projection > 45 + 15 * 5 && fig.projection < 45 + 15 * 6.5);
    ss_engine_figure(e, 0, top, D("2026-09-30"), &fig);
    assert_int_equal(fig.status, SS_ST_LAGGING); /* 45 against 75 due: 30 points */
    ss_engine_figure(e, 0, top, D("2026-12-31"), &fig);
    assert_int_equal(fig.status, SS_ST_SERIOUS);
    /* a prefecture without a share: figures, but no judgement */
    ss_engine_figure(e, 0, ss_engine_org_find(e, "9901"), D("2026-07-02"), &fig);
    assert_true(fig.actual == 45);
    assert_true(isnan(fig.value));
    assert_int_equal(fig.status, SS_ST_UNASSIGNED);
    ss_engine_free(e);

    /* the monthly profile: nothing due before April for the bridges */
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    assert_true(ss_engine_due_share(e, 4, D("2026-03-31")) == 0);
    assert_true(fabs(ss_engine_due_share(e, 4, D("2026-04-30")) - 0.1) < 1e-9);
    assert_true(fabs(ss_engine_due_share(e, 4, D("2026-05-15")) - (0.1 + 0.2 * 15 / 31)) < 1e-9);
    assert_true(ss_engine_due_share(e, 4, D("2026-09-30")) == 1);
    ss_engine_free(e);
}

static void test_le_target(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;
    struct ss_figure fig;

    assert_int_equal(add(f, 3, "990101", "2026-05-01", 4), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    ss_engine_figure(e, 3, ss_engine_top_org(e), D("2026-06-01"), &fig);
    assert_int_equal(fig.status, SS_ST_ON_TRACK);
    ss_engine_free(e);
    assert_int_equal(add(f, 3, "990201", "2026-05-01", 7), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    ss_engine_figure(e, 3, ss_engine_top_org(e), D("2026-06-01"), &fig);
    assert_int_equal(fig.status, SS_ST_SERIOUS); /* 11 > 10: breached */
    ss_engine_free(e);
}

static void test_refresh_sees_other_connection(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_store *other;
    struct ss_err err;
    struct ss_report_req r;
    int64_t id;

    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 0);
    assert_int_equal(ss_store_open(f->db.path, 0, &other, &err), 0);
    memset(&r, 0, sizeof r);
    r.target_id = f->tid[0];
    r.org = "990201";
    r.date = "2026-08-01";
    r.value = 9;
    r.numerator = r.denominator = r.baseline = NAN;
    r.status = "approved";
    assert_int_equal(AS(other, "cli", ss_report_add(other, &r, &id, &err)), 0);
    r.status = "submitted"; /* not approved: must not count */
    r.value = 50;
    r.date = "2026-08-02";
    assert_int_equal(AS(other, "cli", ss_report_add(other, &r, &id, &err)), 0);
    ss_store_close(other);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_true(actual(e, 0, "99", "2026-12-31") == 9);
    assert_true(actual(e, 0, "9902", "2026-12-31") == 9);
    ss_engine_free(e);
}

static void test_bad_input_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct ss_err err;
    struct ss_report_req r;
    int64_t id;

    memset(&r, 0, sizeof r);
    r.target_id = f->tid[0];
    r.org = "990101";
    r.date = "2026-05-01";
    r.value = -1;
    r.numerator = r.denominator = r.baseline = NAN;
    r.status = "approved";
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), SS_EINVAL);
    assert_string_equal(err.field, "value");
    r.value = 1;
    r.org = "123456";
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), SS_ENOTFOUND);
    assert_string_equal(err.field, "org");
    r.org = "990101";
    r.date = "2027-01-01";
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), SS_EINVAL);
    assert_string_equal(err.field, "date");
    setenv("SHISHI_TODAY", "2026-04-01", 1);
    r.date = "2026-05-01";
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), SS_EINVAL);
    assert_non_null(strstr(err.msg, "future"));
    setenv("SHISHI_TODAY", "2026-12-31", 1);
    r.target_id = 999;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), SS_ENOTFOUND);
    assert_int_equal(ss_store_report_max_seq(f->st), 0);
}

/* Figures from a snapshot (plus reports approved after it) equal the
 * figures of a full load, for every target, org unit and month end. */
static void test_snapshot_equals_full_load(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *a, *b;
    struct ss_err err;
    struct ss_report_req r;
    int64_t id;
    size_t t;
    long o;
    int m;

    assert_int_equal(add(f, 0, "990101", "2026-03-31", 10), 0);
    assert_int_equal(add(f, 0, "990102", "2026-04-30", 5), 0);
    assert_int_equal(add(f, 0, "99", "2026-04-30", 2), 0);
    memset(&r, 0, sizeof r);
    r.target_id = f->tid[1];
    r.org = "990201";
    r.date = "2026-06-30";
    r.value = r.baseline = NAN;
    r.numerator = 40;
    r.denominator = 50;
    r.status = "approved";
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &a, &err), 0);
    assert_int_equal(ss_engine_save_snapshot(a, f->st), 0);
    ss_engine_free(a);
    /* after the snapshot: a new report and a same-day correction */
    assert_int_equal(add(f, 0, "990201", "2026-05-31", 7), 0);
    r.target_id = f->tid[0];
    r.org = "990101";
    r.date = "2026-03-31";
    r.value = 9;
    r.numerator = r.denominator = NAN;
    r.correction = 1;
    r.note = "更正";
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);

    assert_int_equal(ss_engine_open(f->st, 0, &a, &err), 0); /* from the snapshot */
    assert_int_equal(
        ss_store_snapshot_put(f->st, ss_engine_plan(a)->id, 0, "", 0, NULL, NULL, NULL, &err), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &b, &err), 0); /* full load */
    for (t = 0; t < ss_engine_plan(a)->ntargets; t++)
        for (o = 0; o < (long)ss_engine_org_count(a); o++)
            for (m = 1; m <= 12; m++) {
                struct ss_figure fa, fb;
                int32_t day = ss_days_from_civil(2026, m, 28);
                ss_engine_figure(a, t, o, day, &fa);
                ss_engine_figure(b, t, o, day, &fb);
                assert_true(fa.numerator == fb.numerator);
                assert_true(fa.denominator == fb.denominator);
                assert_int_equal(fa.reporters, fb.reporters);
                assert_int_equal(fa.last_report, fb.last_report);
                assert_int_equal(fa.status, fb.status);
            }
    /* 99's own report stands; its children's sum is beside it, not added */
    assert_true(actual(a, 0, "99", "2026-12-31") == 2);
    {
        struct ss_figure fig;
        ss_engine_figure(a, 0, ss_engine_org_find(a, "99"), D("2026-12-31"), &fig);
        assert_true(fig.own && fig.children == 9 + 5 + 7 && fig.differs);
        assert_int_equal(fig.children_reporters, 3);
    }
    ss_engine_free(a);
    ss_engine_free(b);
}

/* A share assigned while the engine runs shows at the next refresh, and a
 * new current plan rebuilds the engine. */
static void test_refresh_sees_assignments_and_plans(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_store *other;
    struct ss_plan *p = NULL;
    struct ss_figure fig;
    struct ss_err err;
    struct ss_org o;
    int64_t id;

    assert_int_equal(add(f, 0, "9901", "2026-03-31", 10), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    ss_engine_figure(e, 0, ss_engine_org_find(e, "9901"), D("2026-04-01"), &fig);
    assert_true(isnan(fig.value));
    assert_int_equal(ss_store_open(f->db.path, 0, &other, &err), 0);
    assert_int_equal(ss_store_org_get(other, "9901", &o), 0);
    free(o.name);
    assert_int_equal(AS(other, "cli", ss_store_assign(other, f->tid[0], o.id, 40, &err)), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    ss_engine_figure(e, 0, ss_engine_org_find(e, "9901"), D("2026-04-01"), &fig);
    assert_true(fig.value == 40);
    assert_true(fig.progress == 25);

    /* a second plan becomes current: the engine follows it */
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    free(p->title);
    p->title = strdup("第二个计划");
    assert_int_equal(AS(other, "cli", ss_store_plan_insert(other, p, &id, &err)), 0);
    ss_plan_free(p);
    ss_store_close(other);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_string_equal(ss_engine_plan(e)->title, "第二个计划");
    assert_true(actual(e, 0, "99", "2026-12-31") == 0);
    ss_engine_free(e);
}

/* Issue 9: a unit's own report is its whole figure. Counties of 9901
 * report 40,450; 9901 itself reports 50,000: 9901 shows 50,000 (not
 * 90,450) with 40,450 beside it as a check, and 99 adds 50,000 once. A
 * report at the top changes no prefecture's or county's figure. */
static void test_own_report_stands(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;
    struct ss_figure fig;

    assert_int_equal(add(f, 0, "990101", "2026-06-30", 30000), 0);
    assert_int_equal(add(f, 0, "990102", "2026-06-30", 10450), 0);
    assert_int_equal(add(f, 0, "990201", "2026-06-30", 700), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0); /* before 9901's own */
    assert_true(actual(e, 0, "9901", "2026-07-01") == 40450);
    assert_true(actual(e, 0, "99", "2026-07-01") == 41150);
    assert_int_equal(add(f, 0, "9901", "2026-06-30", 50000), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    for (int pass = 0; pass < 2; pass++) { /* applied live, then loaded whole */
        ss_engine_figure(e, 0, ss_engine_org_find(e, "9901"), D("2026-07-01"), &fig);
        assert_true(fig.actual == 50000);
        assert_true(fig.own && fig.children == 40450 && fig.differs);
        assert_int_equal(fig.reporters, 1);
        assert_int_equal(fig.children_reporters, 2);
        assert_true(actual(e, 0, "99", "2026-07-01") == 50700);
        ss_engine_figure(e, 0, ss_engine_org_find(e, "99"), D("2026-07-01"), &fig);
        assert_int_equal(fig.reporters, 2);
        assert_false(fig.own);
        assert_false(fig.differs);
        assert_true(actual(e, 0, "990101", "2026-07-01") == 30000);
        ss_engine_free(e);
        assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    }
    /* a region-wide report at the top: the top's own figure, nobody else's */
    assert_int_equal(add(f, 0, "99", "2026-08-31", 60000), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_true(actual(e, 0, "99", "2026-09-01") == 60000);
    assert_true(actual(e, 0, "99", "2026-08-30") == 50700);
    assert_true(actual(e, 0, "9901", "2026-09-01") == 50000);
    assert_true(actual(e, 0, "9902", "2026-09-01") == 700);
    assert_true(actual(e, 0, "990201", "2026-09-01") == 700);
    /* same figures agree when they match: no flag */
    ss_engine_figure(e, 0, ss_engine_org_find(e, "9902"), D("2026-09-01"), &fig);
    assert_false(fig.own);
    ss_engine_free(e);
}

/* The own report stands from its date on; before it, the children's sum. */
static void test_own_report_from_its_date(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;

    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    assert_int_equal(add(f, 0, "990101", "2026-03-31", 10), 0);
    assert_int_equal(add(f, 0, "990101", "2026-09-30", 40), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_int_equal(add(f, 0, "9901", "2026-06-30", 25), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_int_equal(add(f, 0, "990102", "2026-04-30", 3), 0); /* before 9901's own */
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_true(actual(e, 0, "9901", "2026-03-31") == 10);
    assert_true(actual(e, 0, "9901", "2026-05-01") == 13);
    assert_true(actual(e, 0, "9901", "2026-06-30") == 25);
    assert_true(actual(e, 0, "9901", "2026-10-01") == 25); /* 40 + 3 is only the check */
    assert_true(actual(e, 0, "99", "2026-05-01") == 13);
    assert_true(actual(e, 0, "99", "2026-10-01") == 25);
    /* an earlier own report moves where the own figure starts */
    assert_int_equal(add(f, 0, "9901", "2026-04-15", 11), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_true(actual(e, 0, "99", "2026-04-14") == 10);
    assert_true(actual(e, 0, "99", "2026-05-01") == 11);
    assert_true(actual(e, 0, "99", "2026-07-01") == 25);
    ss_engine_free(e);
}

/* The reference: E(u, d) = own latest as of d, else the children's sum. */
struct ref_rep {
    long org;
    int32_t day;
    double a, b;
};

static void ref_eff(const struct ss_engine *e, const struct ref_rep *r, size_t n, long org,
                    int32_t day, double *a, double *b, int *cnt)
{
    int32_t best = -1;
    size_t i, nk;
    const long *kids;

    *a = *b = 0;
    *cnt = 0;
    for (i = 0; i < n; i++)
        if (r[i].org == org && r[i].day <= day && r[i].day > best) {
            best = r[i].day;
            *a = r[i].a;
            *b = r[i].b;
            *cnt = 1;
        }
    if (best >= 0)
        return;
    kids = ss_engine_org_children(e, org, &nk);
    for (i = 0; i < nk; i++) {
        double ka, kb;
        int kc;
        ref_eff(e, r, n, kids[i], day, &ka, &kb, &kc);
        *a += ka;
        *b += kb;
        *cnt += kc;
    }
}

struct sql_pick {
    int64_t target_id;
    struct ss_sql_sum got;
    int found;
};

static int sql_pick_cb(void *ctx, const struct ss_sql_sum *s)
{
    struct sql_pick *p = ctx;
    if (s->target_id == p->target_id) {
        p->got = *s;
        p->found = 1;
    }
    return 0;
}

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Reports at random units (leaves and their parents alike), approved in a
 * random order: the live engine, a full load and a load from a snapshot
 * taken half way all agree with the reference on every unit and day. */
static void test_random_order_matches_reference(void **state)
{
    struct fixture *f = *state;
    struct ss_org_rec more[] = {
        {"990103", "甲三县", 3, "9901"},     {"990202", "乙二县", 3, "9902"},
        {"9903", "丙市", 2, "99"},           {"990301", "丙一县", 3, "9903"},
        {"99030101", "丙一乡", 4, "990301"}, {"99030102", "丙二乡", 4, "990301"},
    };
    static const char *const codes[] = {"99",     "9901",   "9902",     "9903",
                                        "990101", "990102", "990103",   "990201",
                                        "990202", "990301", "99030101", "99030102"};
    enum { NC = sizeof codes / sizeof codes[0], PER = 4 };
    struct ss_err err;

    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, more, 6, &err)), 0);
    for (uint32_t seed = 1; seed <= 6; seed++) {
        struct ss_engine *live, *full, *snap;
        struct ss_report_in in[NC * PER];
        struct ref_rep ref[NC * PER];
        int64_t org_id[NC];
        size_t n = 0, i;
        uint32_t s = seed;
        int ti = seed % 2 ? 0 : 1; /* a count, or a rate */

        /* a fresh plan per seed, so no report of another seed counts */
        {
            struct ss_plan *p = NULL;
            int64_t id;
            assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
            assert_int_equal(AS(f->st, "cli", ss_store_plan_insert(f->st, p, &id, &err)), 0);
            ss_plan_free(p);
        }
        assert_int_equal(ss_engine_open(f->st, 0, &live, &err), 0);
        for (i = 0; i < NC; i++)
            org_id[i] = ss_engine_org(live, ss_engine_org_find(live, codes[i]))->id;
        for (i = 0; i < NC; i++) {
            int k, npts = (int)(rnd(&s) % (PER + 1));
            int32_t day = 0;
            double v = 0, den = 0;
            if (rnd(&s) % 3 == 0)
                npts = 0; /* some units never report */
            for (k = 0; k < npts; k++) {
                day += 1 + (int32_t)(rnd(&s) % 80);
                v += rnd(&s) % 50;
                den += 50 + rnd(&s) % 50;
                if (day > 364)
                    break;
                memset(&in[n], 0, sizeof in[n]);
                in[n].target_id = ss_engine_plan(live)->targets[ti].id;
                in[n].org_id = org_id[i];
                in[n].as_of = ss_engine_plan(live)->start + day;
                in[n].status = "approved";
                in[n].by = "test";
                if (ti == 1) {
                    in[n].value = NAN;
                    in[n].numerator = v < den ? v : den;
                    in[n].denominator = den;
                } else {
                    in[n].value = v;
                    in[n].numerator = in[n].denominator = NAN;
                }
                ref[n].org = ss_engine_org_find(live, codes[i]);
                ref[n].day = day;
                ref[n].a = ti == 1 ? in[n].numerator : v;
                ref[n].b = ti == 1 ? den : 0;
                n++;
            }
        }
        for (i = n; i > 1; i--) { /* approval order: shuffled */
            size_t j = rnd(&s) % i;
            struct ss_report_in t = in[i - 1];
            struct ref_rep u = ref[i - 1];
            in[i - 1] = in[j];
            in[j] = t;
            ref[i - 1] = ref[j];
            ref[j] = u;
        }
        for (i = 0; i < n; i++) {
            assert_int_equal(AS(f->st, "cli", ss_store_report_insert_many(f->st, &in[i], 1, &err)),
                             0);
            assert_true(ss_engine_refresh(live, f->st) >= 0);
            if (i == n / 2) {
                struct ss_engine *half;
                assert_int_equal(ss_engine_open(f->st, 0, &half, &err), 0);
                assert_int_equal(ss_engine_save_snapshot(half, f->st), 0);
                ss_engine_free(half);
            }
        }
        assert_int_equal(ss_engine_open(f->st, 0, &snap, &err), 0);
        assert_int_equal(ss_store_snapshot_put(f->st, ss_engine_plan(snap)->id, 0, "", 0, NULL,
                                               NULL, NULL, &err),
                         0);
        assert_int_equal(ss_engine_open(f->st, 0, &full, &err), 0);
        for (i = 0; i < NC; i++) {
            long o = ss_engine_org_find(live, codes[i]);
            for (int32_t day = 0; day < 365; day += 3) {
                struct ss_engine *es[3] = {live, full, snap};
                double ra, rb;
                int rc;
                ref_eff(live, ref, n, o, day, &ra, &rb, &rc);
                if (day % 30 == 0) { /* the benchmark's SQL says the same */
                    struct sql_pick q = {ss_engine_plan(live)->targets[ti].id, {0, 0, 0, 0}, 0};
                    assert_int_equal(ss_store_sql_rollup(f->st, codes[i],
                                                         ss_engine_plan(live)->start + day,
                                                         sql_pick_cb, &q),
                                     0);
                    if (fabs(q.got.a - ra) > 1e-6 || fabs(q.got.b - rb) > 1e-6 ||
                        q.got.reporters != rc)
                        fail_msg("seed %u SQL at %s day %d: %g/%g (%lld) want %g/%g (%d)", seed,
                                 codes[i], day, q.got.a, q.got.b, (long long)q.got.reporters, ra,
                                 rb, rc);
                }
                for (int k = 0; k < 3; k++) {
                    struct ss_figure fg;
                    ss_engine_figure(es[k], (size_t)ti, o, ss_engine_plan(live)->start + day, &fg);
                    if (fabs(fg.numerator - ra) > 1e-6 || fabs(fg.denominator - rb) > 1e-6 ||
                        fg.reporters != rc)
                        fail_msg("seed %u engine %d at %s day %d: %g/%g (%d) want %g/%g (%d)", seed,
                                 k, codes[i], day, fg.numerator, fg.denominator, fg.reporters, ra,
                                 rb, rc);
                }
            }
        }
        ss_engine_free(live);
        ss_engine_free(full);
        ss_engine_free(snap);
    }
}

/* Rates are levels (issue 9): 85% against ">= 90%" on 31 December is not
 * met, whatever share of 90 it is; before the end it is lagging, and a
 * level at or beyond the target is on track until the end, then done. */
static void test_rate_is_a_level(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;
    struct ss_report_req r;
    struct ss_figure fig;
    int64_t id;
    long top;

    memset(&r, 0, sizeof r);
    r.target_id = f->tid[1];
    r.org = "99";
    r.date = "2026-12-31";
    r.value = r.baseline = NAN;
    r.status = "approved";
    r.numerator = 85;
    r.denominator = 100;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    top = ss_engine_top_org(e);
    ss_engine_figure(e, 1, top, D("2026-12-31"), &fig);
    assert_true(fabs(fig.actual - 85) < 1e-9);
    assert_true(fig.status != SS_ST_ON_TRACK && fig.status != SS_ST_DONE);
    assert_int_equal(fig.status, SS_ST_SERIOUS);
    assert_true(isnan(fig.progress));
    assert_true(isnan(fig.expected) && isnan(fig.expected_value));
    ss_engine_free(e);

    r.date = "2026-06-30";
    r.numerator = 80;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);
    r.date = "2026-09-30";
    r.numerator = 93;
    assert_int_equal(AS(f->st, "cli", ss_report_add(f->st, &r, &id, &err)), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    ss_engine_figure(e, 1, top, D("2026-07-01"), &fig);
    assert_int_equal(fig.status, SS_ST_LAGGING); /* 80 < 90, 10 points short */
    ss_engine_figure(e, 1, top, D("2026-10-01"), &fig);
    assert_int_equal(fig.status, SS_ST_ON_TRACK); /* at the level, not yet the end */
    ss_engine_figure(e, 1, top, D("2026-12-31"), &fig);
    assert_int_equal(fig.status, SS_ST_SERIOUS); /* fell back to 85: not met */
    ss_engine_free(e);
}

static int share(struct fixture *f, int t, const char *code, double v)
{
    struct ss_org o;
    struct ss_err err;
    int rc;

    if ((rc = ss_store_org_get(f->st, code, &o)))
        return rc;
    free(o.name);
    return AS(f->st, "cli", ss_store_assign(f->st, f->tid[t], o.id, v, &err));
}

/* Places with no share (issue 9): a target assigned only to the south
 * shows "no task here" in the north, not the region's plan; a county with
 * no share of an assigned prefecture has none of its own either. Planned
 * values add up from the counties' shares; levels hold below a share. */
static void test_no_task_here(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;
    struct ss_figure fig;

    assert_int_equal(share(f, 0, "9902", 60), 0);
    assert_int_equal(share(f, 1, "990201", 95), 0);
    assert_int_equal(share(f, 1, "990101", 92), 0);
    assert_int_equal(share(f, 3, "990101", 4), 0);
    assert_int_equal(share(f, 3, "990102", 3), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
#define FIG(t, code) ss_engine_figure(e, t, ss_engine_org_find(e, code), D("2026-07-01"), &fig)
    FIG(0, "9901");
    assert_true(isnan(fig.value));
    assert_int_equal(fig.status, SS_ST_NO_TASK);
    FIG(0, "990101");
    assert_int_equal(fig.status, SS_ST_NO_TASK);
    FIG(0, "9902");
    assert_true(fig.value == 60);
    assert_int_equal(fig.status, SS_ST_NOT_REPORTED);
    FIG(0, "99");
    assert_true(fig.value == 100);
    /* counts: a prefecture's plan is its counties' shares */
    FIG(3, "9901");
    assert_true(fig.value == 7);
    assert_int_equal(fig.expected_reporters, 2);
    FIG(3, "9902");
    assert_int_equal(fig.status, SS_ST_NO_TASK);
    /* rates: a share holds below it; coverage counts the units with one */
    FIG(1, "9902");
    assert_true(fig.value == 90); /* a share below it: the target's level */
    FIG(1, "99");
    assert_int_equal(fig.expected_reporters, 2);
    FIG(1, "9901");
    assert_true(fig.value == 90);
    FIG(1, "990102");
    assert_int_equal(fig.status, SS_ST_NO_TASK);
    FIG(1, "990201");
    assert_true(fig.value == 95);
    ss_engine_free(e);
    /* a report where there is no share: unassigned, not hidden */
    assert_int_equal(add(f, 0, "990101", "2026-06-30", 5), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    FIG(0, "9901");
    assert_int_equal(fig.status, SS_ST_UNASSIGNED);
    FIG(0, "99");
    assert_true(fig.actual == 5);
#undef FIG
    ss_engine_free(e);
}

/* The invariant walk passes a sound engine and names each kind of damage:
 * points out of order, a children's-sum tree off by one on some day, a
 * lost day bit, a planned value or an expected count that plan_rollup's
 * rule does not give. Each damage is undone before the next. */
static void test_check_finds_damage(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;
    struct cell *c;
    long pref, top, county;
    double keep;
    int32_t kept_n;

    assert_int_equal(share(f, 0, "990101", 30), 0);
    assert_int_equal(share(f, 1, "9901", 95), 0);
    assert_int_equal(add(f, 0, "990101", "2026-03-31", 10), 0);
    assert_int_equal(add(f, 0, "990101", "2026-06-30", 20), 0);
    assert_int_equal(add(f, 0, "990102", "2026-04-30", 5), 0);
    assert_int_equal(add(f, 0, "9901", "2026-05-31", 40), 0);
    assert_int_equal(add(f, 1, "990101", "2026-05-31", 93), 0); /* a cell below the share */
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    assert_int_equal(ss_engine_check(e, &err), 0);
    county = ss_engine_org_find(e, "990101");
    pref = ss_engine_org_find(e, "9901");
    top = ss_engine_org_find(e, "99");

    c = (struct cell *)ss_cell_find(e, 0, county); /* two points: swap them */
    {
        struct point p = c->pts[0];
        c->pts[0] = c->pts[1];
        c->pts[1] = p;
        assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
        assert_non_null(strstr(err.msg, "sorted and unique by day"));
        assert_non_null(strstr(err.msg, "990101"));
        c->pts[1] = c->pts[0];
        c->pts[0] = p;
    }
    c = (struct cell *)ss_cell_find(e, 0, pref); /* its children's sum, one more from some day on */
    assert_int_equal(c->nsub, 3);                /* 03-31, 04-30, 06-30 */
    c->sub[2].a += 1;
    assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "sub_a against the children's sum"));
    assert_non_null(strstr(err.msg, "org 9901"));
    c->sub[2].a -= 1;
    assert_int_equal(ss_engine_check(e, &err), 0);
    c->sub[0].n += 1;
    assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "reporting units"));
    c->sub[0].n -= 1;
    c = (struct cell *)ss_cell_find(e, 0, top); /* the day 990102 reported on, 2026-04-30 */
    {
        int32_t d = D("2026-04-30") - ss_engine_plan(e)->start;
        struct step *x = (struct step *)ss_cell_sub_at(c, d);
        assert_true(x && x->day == d && x + 1 < c->sub + c->nsub && x[1].day > d + 1);
        x->day = d + 1; /* a day off: 04-30 lost, 05-01 that nobody reported on */
        assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
        assert_non_null(strstr(err.msg, "sub_days"));
        assert_non_null(strstr(err.msg, "2026-04-30"));
        x->day = d;
    }
    c = (struct cell *)ss_cell_find(e, 0, pref); /* a count's plan: its county's share, 30 */
    keep = c->plan_eff;
    assert_true(keep == 30);
    c->plan_eff = 31;
    assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "planned value"));
    c->plan_eff = keep;
    c = (struct cell *)ss_cell_find(e, 1, county); /* a rate's level holds below the share */
    assert_true(c->plan_eff == 95);
    c->plan_eff = 90;
    assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "planned value"));
    c->plan_eff = 95;
    c = (struct cell *)ss_cell_find(e, 1, top);
    kept_n = c->expect_n;
    c->expect_n = 2;
    assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "expected reporters"));
    c->expect_n = kept_n;
    assert_int_equal(ss_engine_check(e, &err), 0);
    ss_engine_free(e);
}

/* Issue 11: cells are sparse. A unit has a cell when it holds a share, has
 * reported, or lies above one that has; the others have none, read as
 * nothing, and a level still holds the share above them. The walk names
 * an index pointing at another unit's cell, a cell with nothing at or
 * below it, and a unit with a cell below it but none of its own. */
static void test_cells_are_sparse(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct ss_err err;
    struct ss_figure fig;
    struct cell *c, *pc;
    int32_t *at, kept;
    long county, pref, other, top;
    uint32_t npts;

    assert_int_equal(share(f, 0, "990101", 30), 0);
    assert_int_equal(share(f, 1, "9901", 95), 0);
    assert_int_equal(add(f, 0, "990101", "2026-03-31", 10), 0);
    assert_int_equal(add(f, 1, "990102", "2026-05-31", 93), 0);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    assert_int_equal(ss_engine_check(e, &err), 0);
    county = ss_engine_org_find(e, "990101");
    pref = ss_engine_org_find(e, "9901");
    other = ss_engine_org_find(e, "990201");
    top = ss_engine_org_find(e, "99");
    /* target 0: the county with its share and report, and its ancestors */
    assert_int_equal(e->cells[0].n, 3);
    assert_non_null(ss_cell_find(e, 0, county));
    assert_non_null(ss_cell_find(e, 0, pref));
    assert_non_null(ss_cell_find(e, 0, top));
    assert_null(ss_cell_find(e, 0, other));
    assert_null(ss_cell_find(e, 0, ss_engine_org_find(e, "9902")));
    assert_int_equal(e->cells[2].n, 0); /* nothing for the change target */
    assert_int_equal(e->cells[3].n, 0);
    /* a unit without a cell: nothing reported, no task; a level holds the
     * share above it */
    ss_engine_figure(e, 0, other, D("2026-07-01"), &fig);
    assert_int_equal(fig.reporters, 0);
    assert_int_equal(fig.status, SS_ST_NO_TASK);
    assert_null(ss_cell_find(e, 1, county));
    ss_engine_figure(e, 1, county, D("2026-07-01"), &fig);
    assert_true(fig.value == 95);
    assert_int_equal(fig.status, SS_ST_NOT_REPORTED);
    ss_engine_figure(e, 1, other, D("2026-07-01"), &fig);
    assert_int_equal(fig.status, SS_ST_NO_TASK);
    /* a report where there was no cell makes one, with its plan */
    assert_int_equal(add(f, 1, "990101", "2026-06-30", 96), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_non_null(c = (struct cell *)ss_cell_find(e, 1, county));
    assert_true(c->plan_eff == 95);
    ss_engine_figure(e, 1, county, D("2026-07-01"), &fig);
    assert_int_equal(fig.status, SS_ST_ON_TRACK);

    /* the index pointing at another unit's cell */
    at = e->cells[0].at;
    kept = at[pref];
    at[pref] = at[county];
    assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "another unit's cell"));
    at[pref] = kept;
    /* a cell left with nothing at or below it */
    c = (struct cell *)ss_cell_find(e, 0, county);
    npts = c->npts;
    c->npts = 0;
    c->planned = NAN;
    assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "no share or report at or below it"));
    assert_non_null(strstr(err.msg, "990101"));
    c->npts = npts;
    c->planned = 30;
    assert_int_equal(ss_engine_check(e, &err), 0);
    /* the prefecture's cell moved to a unit without data: 9901 has none
     * while its county has one */
    pc = (struct cell *)ss_cell_find(e, 0, pref);
    other = ss_engine_org_find(e, "9902");
    pc->org = (int32_t)other;
    at[other] = at[pref];
    at[pref] = -1;
    assert_int_equal(ss_engine_check(e, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "a unit below has a cell but this one has none"));
    assert_non_null(strstr(err.msg, "org 9901"));
    pc->org = (int32_t)pref;
    at[pref] = at[other];
    at[other] = -1;
    assert_int_equal(ss_engine_check(e, &err), 0);
    ss_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_rollup_up_the_tree, setup, teardown),
        ON_BOTH(test_out_of_order_and_correction, setup, teardown),
        ON_BOTH(test_rate_and_change, setup, teardown),
        ON_BOTH(test_pace_and_status, setup, teardown),
        ON_BOTH(test_le_target, setup, teardown),
        ON_BOTH(test_refresh_sees_other_connection, setup, teardown),
        ON_BOTH(test_bad_input_changes_nothing, setup, teardown),
        ON_BOTH(test_snapshot_equals_full_load, setup, teardown),
        ON_BOTH(test_refresh_sees_assignments_and_plans, setup, teardown),
        ON_BOTH(test_own_report_stands, setup, teardown),
        ON_BOTH(test_own_report_from_its_date, setup, teardown),
        ON_BOTH(test_random_order_matches_reference, setup, teardown),
        ON_BOTH(test_rate_is_a_level, setup, teardown),
        ON_BOTH(test_no_task_here, setup, teardown),
        ON_BOTH(test_check_finds_damage, setup, teardown),
        ON_BOTH(test_cells_are_sparse, setup, teardown),
    };
    return backend_run(tests);
}
