/*
 * test_engine.c - the live roll-up: sums up the tree, as-of dates, reports
 * arriving out of order, corrections, rates and changes, pace and status,
 * and refresh from another connection.
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

#include "base/date.h"
#include "base/util.h"
#include "core/engine.h"
#include "core/plan_json.h"
#include "core/report.h"
#include "store/store.h"
#include "tmpdb.h"

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
    char path[TMPDB_PATH];
    struct ss_store *st;
    int64_t tid[5];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_org_rec orgs[] = {
        {"99", "省", 1, NULL},         {"9901", "甲市", 2, "99"},   {"9902", "乙市", 2, "99"},
        {"990101", "甲一县", 3, "9901"}, {"990102", "甲二县", 3, "9901"},
        {"990201", "乙一县", 3, "9902"},
    };
    struct ss_plan *p = NULL;
    struct ss_err err;
    int64_t id;
    size_t i;

    assert_int_equal(tmpdb_name(f->path, "engine"), 0);
    assert_int_equal(ss_store_open(f->path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(ss_store_orgs_upsert(f->st, orgs, 6, &err), 0);
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(ss_store_plan_insert(f->st, p, &id, &err), 0);
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
    tmpdb_remove(f->path);
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
    return ss_report_add(f->st, &r, &id, &err);
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
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), SS_EINVAL); /* no note */
    r.note = "录入错误,更正";
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), 0);
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
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), 0);
    r.org = "990201";
    r.numerator = 10;
    r.denominator = 50;
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), 0);
    r.numerator = 60; /* above its denominator */
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), SS_EINVAL);
    assert_string_equal(err.field, "numerator");
    r.numerator = NAN;
    r.denominator = NAN;
    r.value = 101;
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), SS_EINVAL);

    memset(&r, 0, sizeof r);
    r.target_id = f->tid[2];
    r.org = "990102";
    r.date = "2026-06-30";
    r.numerator = r.denominator = NAN;
    r.status = "approved";
    r.value = 105;
    r.baseline = NAN;
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), SS_EINVAL); /* needs a baseline */
    r.baseline = 100;
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), 0);
    r.org = "990201";
    r.value = 330;
    r.baseline = 300;
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), 0);

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
    assert_int_equal(ss_store_open(f->path, 0, &other, &err), 0);
    memset(&r, 0, sizeof r);
    r.target_id = f->tid[0];
    r.org = "990201";
    r.date = "2026-08-01";
    r.value = 9;
    r.numerator = r.denominator = r.baseline = NAN;
    r.status = "approved";
    assert_int_equal(ss_report_add(other, &r, &id, &err), 0);
    r.status = "submitted"; /* not approved: must not count */
    r.value = 50;
    r.date = "2026-08-02";
    assert_int_equal(ss_report_add(other, &r, &id, &err), 0);
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
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), SS_EINVAL);
    assert_string_equal(err.field, "value");
    r.value = 1;
    r.org = "123456";
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), SS_ENOTFOUND);
    assert_string_equal(err.field, "org");
    r.org = "990101";
    r.date = "2027-01-01";
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), SS_EINVAL);
    assert_string_equal(err.field, "date");
    setenv("SHISHI_TODAY", "2026-04-01", 1);
    r.date = "2026-05-01";
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "future"));
    setenv("SHISHI_TODAY", "2026-12-31", 1);
    r.target_id = 999;
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), SS_ENOTFOUND);
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
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), 0);
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
    assert_int_equal(ss_report_add(f->st, &r, &id, &err), 0);

    assert_int_equal(ss_engine_open(f->st, 0, &a, &err), 0); /* from the snapshot */
    assert_int_equal(ss_store_snapshot_put(f->st, ss_engine_plan(a)->id, 0, "", 0, NULL, NULL,
                                           NULL, &err), 0);
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
    assert_true(actual(a, 0, "99", "2026-12-31") == 9 + 5 + 2 + 7);
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
    assert_int_equal(ss_store_open(f->path, 0, &other, &err), 0);
    assert_int_equal(ss_store_org_get(other, "9901", &o), 0);
    free(o.name);
    assert_int_equal(ss_store_assign(other, f->tid[0], o.id, 40, &err), 0);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    ss_engine_figure(e, 0, ss_engine_org_find(e, "9901"), D("2026-04-01"), &fig);
    assert_true(fig.value == 40);
    assert_true(fig.progress == 25);

    /* a second plan becomes current: the engine follows it */
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    free(p->title);
    p->title = strdup("第二个计划");
    assert_int_equal(ss_store_plan_insert(other, p, &id, &err), 0);
    ss_plan_free(p);
    ss_store_close(other);
    assert_int_equal(ss_engine_refresh(e, f->st), 1);
    assert_string_equal(ss_engine_plan(e)->title, "第二个计划");
    assert_true(actual(e, 0, "99", "2026-12-31") == 0);
    ss_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rollup_up_the_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order_and_correction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_and_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pace_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_le_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_sees_other_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_equals_full_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_sees_assignments_and_plans, setup, teardown),
    };
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
