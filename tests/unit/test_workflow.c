/*
 * test_workflow.c - the reporting workflow: access rules cell by cell,
 * share-sum checks, draft/submitted/approved/returned transitions (no
 * approving twice, none out of scope, only approved reports move the
 * figures), plausibility flags, and ledger row validation.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */

#include "base/date.h"
#include "base/sheet.h"
#include "base/util.h"
#include "core/access.h"
#include "core/assign.h"
#include "core/engine.h"
#include "core/ledger.h"
#include "core/plan_json.h"
#include "core/workflow.h"
#include "store/store.h"
#include "store/store_workflow.h"
#include "tmpdb.h"

static const char PLAN[] =
    "{\"plan\":{\"title\":\"测试计划\",\"year\":2026,\"top_org\":\"99\"},"
    "\"projects\":[{\"no\":1,\"title\":\"项目一\",\"targets\":["
    "{\"text\":\"修路100公里\",\"metric\":\"修路\",\"value\":100,\"unit\":\"公里\",\"op\":\"=\"},"
    "{\"text\":\"落实率90%以上\",\"metric\":\"落实率\",\"value\":90,\"unit\":\"%\",\"op\":\">=\"},"
    "{\"text\":\"培训1000人\",\"metric\":\"培训\",\"value\":1000,\"unit\":\"人\",\"op\":\">=\","
    " \"dept\":\"人社厅\"}"
    "]}]}";

struct fixture {
    char path[TMPDB_PATH];
    struct ss_store *st;
    struct ss_engine *e;
    int64_t tid[3];
    struct ss_user admin, rev99, rev9901, rev9902, rep990101, rep990102, viewer, rep_dept;
};

static void user(struct ss_user *u, const char *name, enum ss_role role, const char *org,
                 const char *dept)
{
    memset(u, 0, sizeof *u);
    snprintf(u->name, sizeof u->name, "%s", name);
    u->role = role;
    snprintf(u->org, sizeof u->org, "%s", org);
    snprintf(u->dept, sizeof u->dept, "%s", dept ? dept : "");
}

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

    assert_int_equal(tmpdb_name(f->path, "workflow"), 0);
    setenv("SHISHI_TODAY", "2026-12-31", 1);
    assert_int_equal(ss_store_open(f->path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(ss_store_orgs_upsert(f->st, orgs, 6, &err), 0);
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(ss_store_plan_insert(f->st, p, &id, &err), 0);
    ss_plan_free(p);
    assert_int_equal(ss_engine_open(f->st, 0, &f->e, &err), 0);
    p = (struct ss_plan *)ss_engine_plan(f->e);
    for (i = 0; i < 3; i++)
        f->tid[i] = p->targets[i].id;
    user(&f->admin, "admin", SS_ROLE_ADMIN, "99", NULL);
    user(&f->rev99, "rev99", SS_ROLE_REVIEWER, "99", NULL);
    user(&f->rev9901, "rev9901", SS_ROLE_REVIEWER, "9901", NULL);
    user(&f->rev9902, "rev9902", SS_ROLE_REVIEWER, "9902", NULL);
    user(&f->rep990101, "rep990101", SS_ROLE_REPORTER, "990101", NULL);
    user(&f->rep990102, "rep990102", SS_ROLE_REPORTER, "990102", NULL);
    user(&f->viewer, "viewer", SS_ROLE_VIEWER, "99", NULL);
    user(&f->rep_dept, "repdept", SS_ROLE_REPORTER, "990101", "人社厅");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_engine_free(f->e);
    ss_store_close(f->st);
    tmpdb_remove(f->path);
    free(f);
    return 0;
}

static long O(struct fixture *f, const char *code)
{
    long i = ss_engine_org_find(f->e, code);
    assert_true(i >= 0);
    return i;
}

static void test_access_rules(void **state)
{
    struct fixture *f = *state;
    struct ss_err err;

    /* reporters: own unit only; department-scoped: own department's targets */
    assert_int_equal(ss_access_report(f->e, &f->rep990101, 0, O(f, "990101"), &err), 0);
    assert_int_equal(ss_access_report(f->e, &f->rep990101, 0, O(f, "990102"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_report(f->e, &f->rep990101, 0, O(f, "9901"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_report(f->e, &f->rep_dept, 2, O(f, "990101"), &err), 0);
    assert_int_equal(ss_access_report(f->e, &f->rep_dept, 0, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_report(f->e, &f->rev9901, 0, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_report(f->e, &f->viewer, 0, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_report(f->e, &f->admin, 0, O(f, "990201"), &err), 0);
    /* reviewers: strictly inside their subtree */
    assert_int_equal(ss_access_review(f->e, &f->rev9901, O(f, "990101"), &err), 0);
    assert_int_equal(ss_access_review(f->e, &f->rev9901, O(f, "9901"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_review(f->e, &f->rev9901, O(f, "990201"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_review(f->e, &f->rev99, O(f, "990201"), &err), 0);
    assert_int_equal(ss_access_review(f->e, &f->rev99, O(f, "99"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_review(f->e, &f->rep990101, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_review(f->e, &f->viewer, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_review(f->e, &f->admin, O(f, "99"), &err), 0);
    /* shares: admin anywhere, a reviewer for its unit's children */
    assert_int_equal(ss_access_assign(f->e, &f->rev9901, O(f, "990101"), &err), 0);
    assert_int_equal(ss_access_assign(f->e, &f->rev9901, O(f, "9901"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_assign(f->e, &f->rev99, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_assign(f->e, &f->rev9902, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_assign(f->e, &f->rep990101, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_assign(f->e, &f->admin, O(f, "9901"), &err), 0);
    assert_int_equal(ss_access_assign(f->e, &f->rev9901, -1, &err), SS_EFORBIDDEN);
}

static int share(struct fixture *f, const struct ss_user *u, const char *org, double v, int force,
                 const char *reason, struct ss_assign_result *res)
{
    struct ss_assign_req req = {f->tid[0], org, NULL, v, force, reason};
    struct ss_err err;

    return ss_assign(f->st, u ? f->e : NULL, u, &req, res, &err);
}

static void test_assign_sums(void **state)
{
    struct fixture *f = *state;
    struct ss_assign_result res;
    double v;

    assert_int_equal(share(f, &f->admin, "9901", 60, 0, NULL, &res), 0);
    assert_int_equal(res.warning, 1); /* 60 of 100: short */
    assert_int_equal(share(f, &f->admin, "9902", 40, 0, NULL, &res), 0);
    assert_int_equal(res.warning, 0);
    assert_true(fabs(res.sum - 100) < 1e-9);
    /* raising 9902 to 50 would make 110 > 100 */
    assert_int_equal(share(f, &f->admin, "9902", 50, 0, NULL, &res), SS_ECONFLICT);
    assert_int_equal(share(f, &f->admin, "9902", 50, 1, NULL, &res), SS_EINVAL);
    assert_int_equal(ss_store_assignment_get(f->st, f->tid[0], 3, &v), 0); /* 9902 has id 3 */
    assert_true(fabs(v - 40) < 1e-9);
    assert_int_equal(share(f, &f->admin, "9902", 50, 1, "乙市多承担", &res), 0);
    assert_int_equal(res.warning, 2);
    /* the counties of 9901 share its 60; its reviewer sets them */
    assert_int_equal(share(f, &f->rev9901, "990101", 40, 0, NULL, &res), 0);
    assert_true(fabs(res.whole - 60) < 1e-9);
    assert_int_equal(res.warning, 1);
    assert_int_equal(share(f, &f->rev9901, "990102", 30, 0, NULL, &res), SS_ECONFLICT);
    assert_int_equal(share(f, &f->rev9901, "990102", 20, 0, NULL, &res), 0);
    assert_int_equal(res.warning, 0);
    assert_int_equal(share(f, &f->rev9902, "990102", 20, 0, NULL, &res), SS_EFORBIDDEN);
    /* the CLI's path: no user, no access check */
    assert_int_equal(share(f, NULL, "990201", 10, 0, NULL, &res), 0);
    assert_true(fabs(res.whole - 50) < 1e-9);
}

static struct ss_report_req req_of(struct fixture *f, const char *org, const char *date, double v,
                                   const char *status)
{
    struct ss_report_req r;

    memset(&r, 0, sizeof r);
    r.target_id = f->tid[0];
    r.org = org;
    r.date = date;
    r.value = v;
    r.numerator = r.denominator = r.baseline = NAN;
    r.status = status;
    return r;
}

static double actual(struct fixture *f, const char *org)
{
    struct ss_figure fig;

    ss_engine_figure(f->e, 0, O(f, org), ss_date_today(), &fig);
    return fig.actual;
}

static void test_transitions(void **state)
{
    struct fixture *f = *state;
    struct ss_report_req r = req_of(f, "990101", "2026-03-31", 12, NULL);
    struct ss_wf_report got;
    struct ss_err err;
    char flags[SS_FLAGS_MAX];
    int64_t id, id2;

    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, flags, &err), 0);
    assert_int_equal(ss_store_wf_get(f->st, id, &got), 0);
    assert_string_equal(got.status, "submitted");
    assert_int_equal(got.seq, 0);
    ss_wf_report_cleanup(&got);
    ss_engine_refresh(f->e, f->st);
    assert_true(actual(f, "990101") == 0 && actual(f, "99") == 0); /* not counted yet */

    /* out of scope: another county, the wrong prefecture, the reporter itself */
    r.org = "990102";
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id2, flags, &err),
                     SS_EFORBIDDEN);
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->viewer, &r, &id2, flags, &err),
                     SS_EFORBIDDEN);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9902, id, &err), SS_EFORBIDDEN);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rep990101, id, &err), SS_EFORBIDDEN);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, 9999, &err), SS_ENOTFOUND);

    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, &err), 0);
    assert_int_equal(ss_engine_refresh(f->e, f->st), 1);
    assert_true(fabs(actual(f, "990101") - 12) < 1e-9);
    assert_true(fabs(actual(f, "9901") - 12) < 1e-9);
    assert_true(fabs(actual(f, "99") - 12) < 1e-9);
    /* no approving twice, no returning an approved report */
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, &err), SS_ECONFLICT);
    assert_int_equal(ss_workflow_return(f->st, f->e, &f->rev9901, id, "x", &err), SS_ECONFLICT);

    /* a draft is not in the inbox and cannot be approved; submitted, it is */
    r = req_of(f, "990101", "2026-04-30", 20, "draft");
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id2, flags, &err), 0);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id2, &err), SS_ECONFLICT);
    {
        struct ss_wf_report *in = NULL;
        size_t n = 0, i;
        assert_int_equal(ss_store_wf_inbox(f->st, 2, 100, &in, &n), 0); /* 9901 */
        assert_int_equal(n, 0);
        free(in);
        assert_int_equal(ss_workflow_resubmit(f->st, f->e, &f->rep990102, id2, &err),
                         SS_EFORBIDDEN);
        assert_int_equal(ss_workflow_resubmit(f->st, f->e, &f->rep990101, id2, &err), 0);
        assert_int_equal(ss_store_wf_inbox(f->st, 2, 100, &in, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(in[0].id, id2);
        for (i = 0; i < n; i++)
            ss_wf_report_cleanup(&in[i]);
        free(in);
        assert_int_equal(ss_store_wf_inbox(f->st, 3, 100, &in, &n), 0); /* 9902: nothing */
        assert_int_equal(n, 0);
        free(in);
    }
    /* returning needs a comment; a returned report can be submitted again */
    assert_int_equal(ss_workflow_return(f->st, f->e, &f->rev9901, id2, "", &err), SS_EINVAL);
    assert_int_equal(ss_workflow_return(f->st, f->e, &f->rev9901, id2, "附件缺失", &err), 0);
    assert_int_equal(ss_store_wf_get(f->st, id2, &got), 0);
    assert_string_equal(got.status, "returned");
    assert_string_equal(got.review_comment, "附件缺失");
    ss_wf_report_cleanup(&got);
    ss_engine_refresh(f->e, f->st);
    assert_true(fabs(actual(f, "99") - 12) < 1e-9);
    assert_int_equal(ss_workflow_resubmit(f->st, f->e, &f->rep990101, id2, &err), 0);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev99, id2, &err), 0);
    ss_engine_refresh(f->e, f->st);
    assert_true(fabs(actual(f, "99") - 20) < 1e-9);
}

static void test_validation_and_flags(void **state)
{
    struct fixture *f = *state;
    struct ss_assign_result res;
    struct ss_report_req r;
    struct ss_err err;
    char flags[SS_FLAGS_MAX];
    static const char *const days[] = {"2026-01-31", "2026-02-28", "2026-03-31"};
    static const double vals[] = {5, 10, 15};
    int64_t id;
    size_t i;

    assert_int_equal(share(f, NULL, "990101", 10, 0, NULL, &res), 0);
    /* 31 > 3 x 10: flagged, not refused */
    r = req_of(f, "990101", "2026-01-31", 31, NULL);
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, flags, &err), 0);
    assert_string_equal(flags, "over_3x_share");
    r.value = 30;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, flags, &err), 0);
    assert_string_equal(flags, "");
    /* history 5, 10, 15 (largest step 5): +16 is a jump, +15 is not */
    for (i = 0; i < 3; i++) {
        r = req_of(f, "990102", days[i], vals[i], NULL);
        assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err), 0);
        assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, &err), 0);
    }
    r = req_of(f, "990102", "2026-04-30", 31, NULL);
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err), 0);
    assert_string_equal(flags, "jump");
    r.value = 30;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err), 0);
    assert_string_equal(flags, "");
    /* refusals: negative, lower than before, in the future, outside the plan */
    r.value = -1;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "value");
    r.value = 14;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err),
                     SS_EINVAL);
    r.correction = 1;
    r.note = "二月多报";
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err), 0);
    setenv("SHISHI_TODAY", "2026-06-15", 1);
    r = req_of(f, "990102", "2026-06-30", 40, NULL);
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "date");
    setenv("SHISHI_TODAY", "2026-12-31", 1);
    r.date = "2027-01-31";
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err),
                     SS_EINVAL);
    /* rates: 0..100, numerator <= denominator */
    r = req_of(f, "990102", "2026-03-31", NAN, NULL);
    r.target_id = f->tid[1];
    r.numerator = 11;
    r.denominator = 10;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "numerator");
    r.numerator = NAN;
    r.denominator = NAN;
    r.value = 101;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err),
                     SS_EINVAL);
    r.value = 95;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, &err), 0);
}

static void test_ledger_round_trip(void **state)
{
    struct fixture *f = *state;
    struct ss_assign_result res;
    struct ss_ledger l;
    struct ss_sheet sh;
    struct ss_ledger_result lr;
    struct ss_err err;
    char *data = NULL;
    size_t len = 0;

    assert_int_equal(share(f, NULL, "9901", 60, 0, NULL, &res), 0);
    assert_int_equal(share(f, NULL, "990101", 30, 0, NULL, &res), 0);
    {
        struct ss_assign_req q = {f->tid[1], "990101", NULL, 90, 0, NULL};
        assert_int_equal(ss_assign(f->st, NULL, NULL, &q, &res, &err), 0);
    }
    assert_int_equal(ss_ledger_load(f->st, ss_engine_plan(f->e), 4, "990101", "2026-05", &l, &err),
                     0);
    assert_int_equal(l.n, 2);
    assert_int_equal(ss_ledger_xlsx(&l, &data, &len, &err), 0);
    ss_ledger_cleanup(&l);
    assert_true(len > 100 && memcmp(data, "PK", 2) == 0);
    assert_int_equal(ss_sheet_read(data, len, &sh, &err), 0);
    free(data);
    assert_string_equal(sh.format, "xlsx");
    assert_int_equal(sh.nrows, 3);
    assert_int_equal(sh.rows[1].row, 2);
    assert_string_equal(ss_sheet_cell(&sh.rows[1], SS_LCOL_METRIC), "修路");
    assert_string_equal(ss_sheet_cell(&sh.rows[1], SS_LCOL_ASSIGNED), "30");
    assert_null(ss_sheet_cell(&sh.rows[1], SS_LCOL_VALUE));
    ss_sheet_free(&sh);

    /* a CSV with a good row, a bad number, a rate over its denominator,
     * an unfilled row and a target of another department */
    {
        char csv[1024];
        int n = snprintf(csv, sizeof csv,
                         "id,project,metric,unit,assigned,last,value,num,den,note\r\n"
                         "%lld,p,修路,公里,30,,\"1,2\",,,好\r\n"
                         "%lld,p,落实率,%%,90,,,9,8,\r\n"
                         "%lld,p,修路,公里,30,,abc,,,\r\n"
                         "%lld,p,x,x,1,,,,,\r\n"
                         "%lld,p,培训,人,1,,5,,,\r\n",
                         (long long)f->tid[0], (long long)f->tid[1], (long long)f->tid[0],
                         (long long)f->tid[0], (long long)f->tid[2]);
        assert_int_equal(ss_sheet_read(csv, (size_t)n, &sh, &err), 0);
    }
    assert_int_equal(ss_ledger_import(f->st, f->e, &f->rep_dept, &sh, "2026-05", NULL, &lr, &err),
                     0);
    /* the department-scoped reporter may only write the 培训 target */
    assert_int_equal(lr.stored, 1);
    ss_ledger_result_cleanup(&lr);
    assert_int_equal(ss_ledger_import(f->st, f->e, &f->rep990101, &sh, "2026-05", NULL, &lr, &err),
                     0);
    assert_int_equal(lr.nerrors, 2);
    assert_int_equal(lr.errors[0].row, 3);
    assert_string_equal(lr.errors[0].column, "H");
    assert_string_equal(lr.errors[0].field, "numerator");
    assert_int_equal(lr.errors[1].row, 4);
    assert_string_equal(lr.errors[1].column, "G");
    assert_int_equal(lr.stored, 2); /* row 2 and the 培训 row (no department scope) */
    assert_int_equal(lr.skipped, 1);
    {
        struct ss_wf_report got;
        assert_int_equal(ss_store_wf_get(f->st, lr.ids[0], &got), 0);
        assert_string_equal(got.status, "draft");
        assert_true(fabs(got.value - 12) < 1e-9);
        ss_wf_report_cleanup(&got);
    }
    ss_ledger_result_cleanup(&lr);
    ss_sheet_free(&sh);
    /* a viewer cannot import at all */
    memset(&sh, 0, sizeof sh);
    assert_int_equal(ss_ledger_import(f->st, f->e, &f->viewer, &sh, "2026-05", NULL, &lr, &err),
                     SS_EFORBIDDEN);
}

static void test_sheet_formats(void **state)
{
    /* 修路 in GB18030, and no BOM */
    static const char gb[] = "id,\xd0\xde\xc2\xb7\r\n1,\xd0\xde\xc2\xb7\r\n";
    static const char bom[] = "\xEF\xBB\xBF"
                              "a,b\n\n3,4\n";
    static const char bad_zip[] = "PK\x03\x04garbage that is not a zip at all";
    struct ss_sheet sh;
    struct ss_err err;

    (void)state;
    assert_int_equal(ss_sheet_read(gb, sizeof gb - 1, &sh, &err), 0);
    assert_string_equal(sh.format, "csv (GB18030)");
    assert_string_equal(ss_sheet_cell(&sh.rows[1], 1), "修路");
    ss_sheet_free(&sh);
    assert_int_equal(ss_sheet_read(bom, sizeof bom - 1, &sh, &err), 0);
    assert_string_equal(ss_sheet_cell(&sh.rows[0], 0), "a");
    assert_int_equal(sh.rows[1].row, 3); /* the blank line still counts */
    ss_sheet_free(&sh);
    assert_int_equal(ss_sheet_read(bad_zip, sizeof bad_zip - 1, &sh, &err), SS_EINVAL);
    assert_string_equal(err.field, "file");
    assert_int_equal(ss_sheet_read("\xFF\xFEh\0i\0", 6, &sh, &err), SS_EINVAL);
}

static void test_periods(void **state)
{
    int32_t a, b;
    char out[8];

    (void)state;
    assert_int_equal(ss_period_parse("2026-02", &a, &b), 0);
    assert_int_equal(b - a, 27);
    ss_period_fmt(b, out);
    assert_string_equal(out, "2026-02");
    assert_int_equal(ss_period_parse("2026-13", &a, &b), SS_EINVAL);
    assert_int_equal(ss_period_parse("2026-2", &a, &b), SS_EINVAL);
    assert_int_equal(ss_period_parse(NULL, &a, &b), SS_EINVAL);
    assert_int_equal(ss_period_deadline(b, 5), b + 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_access_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assign_sums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transitions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation_and_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_round_trip, setup, teardown),
        cmocka_unit_test(test_sheet_formats),
        cmocka_unit_test(test_periods),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
