/*
 * test_workflow.c - the reporting workflow: access rules cell by cell,
 * share-sum checks, draft/submitted/approved/returned transitions (no
 * approving twice, none out of scope, only approved reports move the
 * figures), plausibility flags, and ledger row validation.
 *
 * Every case with a database runs on SQLite and on PostgreSQL (backend.h),
 * but the migration of a database from before migration 7, which exists
 * only on SQLite (PostgreSQL's schema starts at 10).
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */

#include "backend.h"
#include "base/date.h"
#include "base/l10n.h"
#include "base/sheet.h"
#include "base/util.h"
#include "core/access.h"
#include "core/assign.h"
#include "core/engine.h"
#include "core/ledger.h"
#include "core/plan_json.h"
#include "core/workflow.h"
#include "older.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_workflow.h"
#include "txn.h"

static const char PLAN[] =
    "{\"plan\":{\"title\":\"测试计划\",\"year\":2026,\"top_org\":\"99\"},"
    "\"projects\":[{\"no\":1,\"title\":\"项目一\",\"targets\":["
    "{\"text\":\"修路100公里\",\"metric\":\"修路\",\"value\":100,\"unit\":\"公里\",\"op\":\"=\"},"
    "{\"text\":\"落实率90%以上\",\"metric\":\"落实率\",\"value\":90,\"unit\":\"%\",\"op\":\">=\"},"
    "{\"text\":\"培训1000人\",\"metric\":\"培训\",\"value\":1000,\"unit\":\"人\",\"op\":\">=\","
    " \"dept\":\"人社厅\"}"
    "]}]}";

struct fixture {
    struct testdb db;
    struct ss_store *st;
    struct ss_engine *e;
    int64_t tid[3];
    struct ss_user admin, rev99, rev9901, rev9902, rep990101, rep990102, viewer, rep_dept, sup9901;
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

    testdb_make(&f->db, backend_pg(state), "workflow");
    setenv("SHISHI_TODAY", "2026-12-31", 1);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, 6, &err)), 0);
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_plan_insert(f->st, p, &id, &err)), 0);
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
    user(&f->sup9901, "sup9901", SS_ROLE_SUPERVISOR, "9901", NULL);
    user(&f->rep_dept, "repdept", SS_ROLE_REPORTER, "990101", "人社厅");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_engine_free(f->e);
    ss_store_close(f->st);
    testdb_remove(&f->db);
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
    /* a supervisor reads its subtree and manages notices there, but
     * enters, reviews and breaks down nothing */
    assert_int_equal(ss_access_report(f->e, &f->sup9901, 0, O(f, "9901"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_report(f->e, &f->sup9901, 0, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_review(f->e, &f->sup9901, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_assign(f->e, &f->sup9901, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_true(ss_access_see(f->e, &f->sup9901, O(f, "990101")));
    assert_true(ss_access_see(f->e, &f->sup9901, O(f, "9901")));
    assert_false(ss_access_see(f->e, &f->sup9901, O(f, "990201")));
    assert_int_equal(ss_access_supervise(f->e, &f->sup9901, O(f, "990101"), &err), 0);
    assert_int_equal(ss_access_supervise(f->e, &f->sup9901, O(f, "9901"), &err), 0);
    assert_int_equal(ss_access_supervise(f->e, &f->sup9901, O(f, "990201"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_supervise(f->e, &f->rev9901, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_supervise(f->e, &f->admin, O(f, "990201"), &err), 0);
    /* a notice is answered by its unit's reporter or reviewer */
    assert_int_equal(ss_access_answer(f->e, &f->rep990101, O(f, "990101"), &err), 0);
    assert_int_equal(ss_access_answer(f->e, &f->rep990101, O(f, "990102"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_answer(f->e, &f->rev9901, O(f, "9901"), &err), 0);
    assert_int_equal(ss_access_answer(f->e, &f->rev9901, O(f, "990101"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_answer(f->e, &f->sup9901, O(f, "9901"), &err), SS_EFORBIDDEN);
    assert_int_equal(ss_access_answer(f->e, &f->viewer, O(f, "99"), &err), SS_EFORBIDDEN);
    /* the public's messages: a moderator or supervisor in its subtree
     * publishes and hides; the unit's reporter or reviewer (of the
     * message's department, when scoped to one) replies */
    {
        struct ss_user mod;
        user(&mod, "mod9901", SS_ROLE_MODERATOR, "9901", NULL);
        assert_int_equal(ss_access_moderate(f->e, &mod, O(f, "990101"), &err), 0);
        assert_int_equal(ss_access_moderate(f->e, &mod, O(f, "9901"), &err), 0);
        assert_int_equal(ss_access_moderate(f->e, &mod, O(f, "990201"), &err), SS_EFORBIDDEN);
        assert_int_equal(ss_access_moderate(f->e, &f->sup9901, O(f, "990101"), &err), 0);
        assert_int_equal(ss_access_moderate(f->e, &f->rev9901, O(f, "990101"), &err),
                         SS_EFORBIDDEN);
        assert_int_equal(ss_access_moderate(f->e, &f->admin, O(f, "990201"), &err), 0);
        /* a moderator does nothing else */
        assert_int_equal(ss_access_supervise(f->e, &mod, O(f, "990101"), &err), SS_EFORBIDDEN);
        assert_int_equal(ss_access_review(f->e, &mod, O(f, "990101"), &err), SS_EFORBIDDEN);
        assert_int_equal(ss_access_report(f->e, &mod, 0, O(f, "9901"), &err), SS_EFORBIDDEN);
        assert_int_equal(ss_access_answer(f->e, &mod, O(f, "9901"), &err), SS_EFORBIDDEN);
        assert_int_equal(ss_access_reply(f->e, &mod, O(f, "9901"), NULL, &err), SS_EFORBIDDEN);
        assert_int_equal(ss_access_reply(f->e, &f->rep990101, O(f, "990101"), "交通厅", &err), 0);
        assert_int_equal(ss_access_reply(f->e, &f->rep990101, O(f, "990102"), NULL, &err),
                         SS_EFORBIDDEN);
        assert_int_equal(ss_access_reply(f->e, &f->rev9901, O(f, "9901"), NULL, &err), 0);
        assert_int_equal(ss_access_reply(f->e, &f->rep_dept, O(f, "990101"), "人社厅", &err), 0);
        assert_int_equal(ss_access_reply(f->e, &f->rep_dept, O(f, "990101"), "交通厅", &err),
                         SS_EFORBIDDEN);
        assert_int_equal(ss_access_reply(f->e, &f->sup9901, O(f, "9901"), NULL, &err),
                         SS_EFORBIDDEN);
        assert_int_equal(ss_access_reply(f->e, &f->admin, O(f, "990201"), "x", &err), 0);
    }
}

static int share(struct fixture *f, const struct ss_user *u, const char *org, double v, int force,
                 const char *reason, struct ss_assign_result *res)
{
    struct ss_assign_req req = {f->tid[0], org, NULL, v, force, reason};
    struct ss_err err;

    /* a user's share is in their own transaction; the CLI's in the one it
     * began */
    return u ? ss_assign(f->st, f->e, u, &req, res, &err)
             : AS(f->st, "cli", ss_assign(f->st, NULL, NULL, &req, res, &err));
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

    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, flags, NULL, &err), 0);
    assert_int_equal(ss_store_wf_get(f->st, id, &got), 0);
    assert_string_equal(got.status, "submitted");
    assert_int_equal(got.seq, 0);
    ss_wf_report_cleanup(&got);
    ss_engine_refresh(f->e, f->st);
    assert_true(actual(f, "990101") == 0 && actual(f, "99") == 0); /* not counted yet */

    /* out of scope: another county, the wrong prefecture, the reporter itself */
    r.org = "990102";
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id2, flags, NULL, &err),
                     SS_EFORBIDDEN);
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->viewer, &r, &id2, flags, NULL, &err),
                     SS_EFORBIDDEN);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9902, id, 0, &err), SS_EFORBIDDEN);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rep990101, id, 0, &err), SS_EFORBIDDEN);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, 9999, 0, &err), SS_ENOTFOUND);

    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, 0, &err), 0);
    assert_int_equal(ss_engine_refresh(f->e, f->st), 1);
    assert_true(fabs(actual(f, "990101") - 12) < 1e-9);
    assert_true(fabs(actual(f, "9901") - 12) < 1e-9);
    assert_true(fabs(actual(f, "99") - 12) < 1e-9);
    /* no approving twice, no returning an approved report */
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, 0, &err), SS_ECONFLICT);
    assert_int_equal(ss_workflow_return(f->st, f->e, &f->rev9901, id, "x", 0, &err), SS_ECONFLICT);

    /* a draft is not in the inbox and cannot be approved; submitted, it is */
    r = req_of(f, "990101", "2026-04-30", 20, "draft");
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id2, flags, NULL, &err),
                     0);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id2, 0, &err), SS_ECONFLICT);
    {
        struct ss_wf_report *in = NULL;
        size_t n = 0, i;
        assert_int_equal(ss_store_wf_inbox(f->st, 2, 100, &in, &n), 0); /* 9901 */
        assert_int_equal(n, 0);
        free(in);
        assert_int_equal(ss_workflow_resubmit(f->st, f->e, &f->rep990102, id2, 0, &err),
                         SS_EFORBIDDEN);
        assert_int_equal(ss_workflow_resubmit(f->st, f->e, &f->rep990101, id2, 0, &err), 0);
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
    assert_int_equal(ss_workflow_return(f->st, f->e, &f->rev9901, id2, "", 0, &err), SS_EINVAL);
    assert_int_equal(ss_workflow_return(f->st, f->e, &f->rev9901, id2, "附件缺失", 0, &err), 0);
    assert_int_equal(ss_store_wf_get(f->st, id2, &got), 0);
    assert_string_equal(got.status, "returned");
    assert_string_equal(got.review_comment, "附件缺失");
    ss_wf_report_cleanup(&got);
    ss_engine_refresh(f->e, f->st);
    assert_true(fabs(actual(f, "99") - 12) < 1e-9);
    assert_int_equal(ss_workflow_resubmit(f->st, f->e, &f->rep990101, id2, 0, &err), 0);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev99, id2, 0, &err), 0);
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

    int64_t first;
    int outcome;

    assert_int_equal(share(f, NULL, "990101", 10, 0, NULL, &res), 0);
    assert_int_equal(share(f, NULL, "990102", 100, 0, NULL, &res), 0);
    /* 31 > 3 x 10: flagged, not refused */
    r = req_of(f, "990101", "2026-01-31", 31, "draft");
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &first, flags, NULL, &err),
                     0);
    assert_string_equal(flags, "over_3x_share");
    /* 30 replaces the draft of the date, flags and all */
    r = req_of(f, "990101", "2026-01-31", 30, NULL);
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, flags, &outcome, &err),
                     0);
    assert_string_equal(flags, "");
    assert_int_equal(id, first);
    assert_int_equal(outcome, SS_WF_REPLACED);
    /* history 5, 10, 15 (largest step 5): +16 is a jump, +15 is not */
    for (i = 0; i < 3; i++) {
        r = req_of(f, "990102", days[i], vals[i], NULL);
        assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err),
                         0);
        assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, 0, &err), 0);
    }
    r = req_of(f, "990102", "2026-04-30", 31, "draft");
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err), 0);
    assert_string_equal(flags, "jump");
    r = req_of(f, "990102", "2026-04-30", 30, NULL);
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err), 0);
    assert_string_equal(flags, "");
    r.date = "2026-05-31";
    /* refusals: negative, lower than before, in the future, outside the plan */
    r.value = -1;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "value");
    r.value = 14;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    r.correction = 1;
    r.note = "二月多报";
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err), 0);
    setenv("SHISHI_TODAY", "2026-06-15", 1);
    r = req_of(f, "990102", "2026-06-30", 40, NULL);
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "date");
    setenv("SHISHI_TODAY", "2026-12-31", 1);
    r.date = "2027-01-31";
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    /* rates: 0..100, numerator <= denominator */
    r = req_of(f, "990102", "2026-03-31", NAN, NULL);
    r.target_id = f->tid[1];
    r.numerator = 11;
    r.denominator = 10;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "numerator");
    r.numerator = NAN;
    r.denominator = NAN;
    r.value = 101;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    r.value = 95;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err), 0);
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
        assert_int_equal(AS(f->st, "cli", ss_assign(f->st, NULL, NULL, &q, &res, &err)), 0);
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
    assert_int_equal(
        ss_ledger_import(f->st, f->e, &f->rep_dept, &sh, "2026-05", NULL, SS_VOICE_API, &lr, &err),
        0);
    /* the department-scoped reporter may only write the 培训 target */
    assert_int_equal(lr.stored, 1);
    ss_ledger_result_cleanup(&lr);
    assert_int_equal(
        ss_ledger_import(f->st, f->e, &f->rep990101, &sh, "2026-05", NULL, SS_VOICE_API, &lr, &err),
        0);
    assert_int_equal(lr.nerrors, 2);
    assert_int_equal(lr.errors[0].row, 3);
    assert_string_equal(lr.errors[0].column, "H");
    assert_string_equal(lr.errors[0].field, "numerator");
    assert_int_equal(lr.errors[1].row, 4);
    assert_string_equal(lr.errors[1].column, "G");
    /* row 2; the 培训 row (no department scope here) is the draft the
     * department's reporter stored just now, with the same values */
    assert_int_equal(lr.stored, 1);
    assert_int_equal(lr.unchanged, 1);
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
    assert_int_equal(
        ss_ledger_import(f->st, f->e, &f->viewer, &sh, "2026-05", NULL, SS_VOICE_API, &lr, &err),
        SS_EFORBIDDEN);
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
    {
        /* the period whose deadline is next, within the plan */
        struct ss_plan p;
        static const char *const cases[][2] = {
            {"2026-12-01", "2026-11"}, {"2026-12-05", "2026-11"}, {"2026-12-06", "2026-12"},
            {"2026-06-30", "2026-06"}, {"2026-01-03", "2026-01"}, {"2027-01-03", "2026-12"},
            {"2027-02-10", "2026-12"}, {"2025-11-20", "2026-01"},
        };
        size_t i;
        int32_t day;

        memset(&p, 0, sizeof p);
        ss_date_parse("2026-01-01", &p.start);
        ss_date_parse("2026-12-31", &p.end);
        for (i = 0; i < SS_ARRAY_LEN(cases); i++) {
            assert_int_equal(ss_date_parse(cases[i][0], &day), 0);
            ss_period_due(&p, 5, day, out);
            assert_string_equal(out, cases[i][1]);
        }
    }
}

/* ---- issue 9 ------------------------------------------------------------------ */

static int submit(struct fixture *f, const struct ss_user *u, const char *org, const char *date,
                  double v, int64_t *id, char flags[SS_FLAGS_MAX])
{
    struct ss_report_req r = req_of(f, org, date, v, NULL);
    struct ss_err err;

    return ss_workflow_submit(f->st, f->e, u, &r, id, flags, NULL, &err);
}

/* Approval checks again every rule checked at submission, against what is
 * approved by then: 150 then 10 must not make the figure fall to 10. */
static void test_approve_rechecks(void **state)
{
    struct fixture *f = *state;
    struct ss_err err;
    char flags[SS_FLAGS_MAX];
    int64_t a, b, c, d = 0, e;
    struct ss_report_req r;
    int rc;

    /* two dates: both pass at submission (nothing approved yet) */
    assert_int_equal(submit(f, &f->rep990101, "990101", "2026-06-20", 150, &a, flags), 0);
    assert_int_equal(submit(f, &f->rep990101, "990101", "2026-06-30", 10, &b, flags), 0);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, a, 0, &err), 0);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, b, 0, &err), SS_EINVAL);
    assert_string_equal(err.field, "value");
    ss_engine_refresh(f->e, f->st);
    assert_true(fabs(actual(f, "990101") - 150) < 1e-9);

    /* the same date: the second is refused at submission (one live report
     * per date) or at approval; either way the figure stays */
    assert_int_equal(submit(f, &f->rep990102, "990102", "2026-06-30", 150, &c, flags), 0);
    rc = submit(f, &f->rep990102, "990102", "2026-06-30", 10, &d, flags);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, c, 0, &err), 0);
    if (rc == 0)
        assert_int_not_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, d, 0, &err), 0);
    ss_engine_refresh(f->e, f->st);
    assert_true(fabs(actual(f, "990102") - 150) < 1e-9);

    /* a correction with its note is approved, lower or not */
    r = req_of(f, "990102", "2026-07-31", 100, NULL);
    r.correction = 1;
    r.note = "复核后更正：6月多报50";
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &e, flags, NULL, &err), 0);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, e, 0, &err), 0);
    ss_engine_refresh(f->e, f->st);
    assert_true(fabs(actual(f, "990102") - 100) < 1e-9);
}

/* Nobody approves a report they submitted, admins included. */
static void test_no_self_approval(void **state)
{
    struct fixture *f = *state;
    struct ss_err err;
    char flags[SS_FLAGS_MAX];
    int64_t id;

    assert_int_equal(submit(f, &f->admin, "990101", "2026-03-31", 7, &id, flags), 0);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->admin, id, 0, &err), SS_EFORBIDDEN);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, 0, &err), 0);
}

/* A report for a target the unit has no share of is flagged. */
static void test_no_share_flag(void **state)
{
    struct fixture *f = *state;
    struct ss_assign_result res;
    struct ss_report_req r;
    struct ss_err err;
    char flags[SS_FLAGS_MAX];
    int64_t id;

    assert_int_equal(submit(f, &f->rep990102, "990102", "2026-03-31", 5, &id, flags), 0);
    assert_non_null(strstr(flags, "no_share"));
    r = req_of(f, "990102", "2026-03-31", 80, NULL);
    r.target_id = f->tid[1]; /* a rate: flagged too */
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990102, &r, &id, flags, NULL, &err), 0);
    assert_non_null(strstr(flags, "no_share"));
    assert_int_equal(share(f, NULL, "990101", 10, 0, NULL, &res), 0);
    assert_int_equal(submit(f, &f->rep990101, "990101", "2026-03-31", 5, &id, flags), 0);
    assert_null(strstr(flags, "no_share"));
}

/* A CSV ledger for 990101: one row per target id with its value. */
static void ledger_csv(struct fixture *f, const char *period, double v, struct ss_sheet *sh)
{
    char csv[512];
    struct ss_err err;
    int n =
        snprintf(csv, sizeof csv,
                 "id,project,metric,unit,assigned,last,value,num,den,note%s%s\r\n"
                 "%lld,p,修路,公里,30,,%g,,,\r\n",
                 period ? ",填报期 period," : "", period ? period : "", (long long)f->tid[0], v);

    assert_int_equal(ss_sheet_read(csv, (size_t)n, sh, &err), 0);
}

static void import(struct fixture *f, const char *sheet_period, const char *period, double v,
                   struct ss_ledger_result *lr)
{
    struct ss_sheet sh;
    struct ss_err err;

    ledger_csv(f, sheet_period, v, &sh);
    assert_int_equal(
        ss_ledger_import(f->st, f->e, &f->rep990101, &sh, period, NULL, SS_VOICE_API, lr, &err), 0);
    ss_sheet_free(&sh);
}

static const char *status_of(struct fixture *f, int64_t id, double *value, char out[12])
{
    struct ss_wf_report got;

    out[0] = '\0';
    if (ss_store_wf_get(f->st, id, &got) == SS_OK) {
        snprintf(out, 12, "%s", got.status);
        if (value)
            *value = got.value;
    }
    ss_wf_report_cleanup(&got);
    return out;
}

/* One live report per (target, unit, date): a new upload replaces the
 * draft, a submitted report is not replaced, a returned one is corrected in
 * place. */
static void test_one_live_report(void **state)
{
    struct fixture *f = *state;
    struct ss_assign_result res;
    struct ss_ledger_result lr;
    struct ss_err err;
    int64_t a, b;
    double v = 0;
    char st1[12], st2[12];
    int drafts;

    assert_int_equal(share(f, NULL, "990101", 30, 0, NULL, &res), 0);
    import(f, NULL, "2026-05", 12, &lr);
    assert_int_equal(lr.stored, 1);
    a = lr.ids[0];
    ss_ledger_result_cleanup(&lr);
    import(f, NULL, "2026-05", 12, &lr);
    assert_int_equal(lr.nerrors, 0);
    b = lr.stored ? lr.ids[0] : a;
    ss_ledger_result_cleanup(&lr);
    drafts = strcmp(status_of(f, a, NULL, st1), "draft") == 0;
    if (b != a)
        drafts += strcmp(status_of(f, b, NULL, st2), "draft") == 0;
    assert_int_equal(drafts, 1);         /* one draft, not two */
    import(f, NULL, "2026-05", 14, &lr); /* a new value replaces the draft */
    assert_int_equal(lr.nerrors, 0);
    ss_ledger_result_cleanup(&lr);
    assert_string_equal(status_of(f, a, &v, st1), "draft");
    assert_true(fabs(v - 14) < 1e-9);

    /* submitted: an upload with another value is refused for that row */
    assert_int_equal(ss_workflow_resubmit(f->st, f->e, &f->rep990101, a, 0, &err), 0);
    import(f, NULL, "2026-05", 13, &lr);
    assert_int_equal(lr.nerrors, 1);
    assert_int_equal(lr.errors[0].row, 2);
    assert_int_equal(lr.stored, 0);
    ss_ledger_result_cleanup(&lr);
    assert_string_equal(status_of(f, a, &v, st1), "submitted");
    assert_true(fabs(v - 14) < 1e-9);
    /* the same sheet again is no error: nothing changes */
    import(f, NULL, "2026-05", 14, &lr);
    assert_int_equal(lr.nerrors, 0);
    ss_ledger_result_cleanup(&lr);
    assert_string_equal(status_of(f, a, NULL, st1), "submitted");

    /* returned: corrected in place */
    assert_int_equal(ss_workflow_return(f->st, f->e, &f->rev9901, a, "数字有误", 0, &err), 0);
    import(f, NULL, "2026-05", 11, &lr);
    assert_int_equal(lr.nerrors, 0);
    assert_int_equal(lr.stored, 1);
    assert_int_equal(lr.ids[0], a);
    ss_ledger_result_cleanup(&lr);
    assert_string_equal(status_of(f, a, &v, st1), "draft");
    assert_true(fabs(v - 11) < 1e-9);
}

/* The ledger carries its period: the sheet's period is used without
 * ?period; none at all, or two that differ, are errors. */
static void test_ledger_period(void **state)
{
    struct fixture *f = *state;
    struct ss_assign_result res;
    struct ss_ledger l;
    struct ss_sheet sh;
    struct ss_ledger_result lr;
    struct ss_wf_report got;
    struct ss_err err;
    char *data = NULL, d[11];
    size_t len = 0;

    assert_int_equal(share(f, NULL, "990101", 30, 0, NULL, &res), 0);
    assert_int_equal(ss_ledger_load(f->st, ss_engine_plan(f->e), 4, "990101", "2026-11", &l, &err),
                     0);
    assert_int_equal(ss_ledger_xlsx(&l, &data, &len, &err), 0);
    ss_ledger_cleanup(&l);
    assert_int_equal(ss_sheet_read(data, len, &sh, &err), 0);
    free(data);
    /* fill in G2 and upload without a period: November's last day */
    {
        struct ss_sheet_row *row = &sh.rows[1];
        assert_true(row->ncells > SS_LCOL_VALUE);
        free(row->cells[SS_LCOL_VALUE]);
        row->cells[SS_LCOL_VALUE] = strdup("9");
    }
    assert_int_equal(
        ss_ledger_import(f->st, f->e, &f->rep990101, &sh, NULL, NULL, SS_VOICE_API, &lr, &err), 0);
    assert_int_equal(lr.stored, 1);
    assert_int_equal(ss_store_wf_get(f->st, lr.ids[0], &got), 0);
    ss_date_fmt(got.as_of, d);
    assert_string_equal(d, "2026-11-30");
    ss_wf_report_cleanup(&got);
    ss_ledger_result_cleanup(&lr);
    /* ?period differs from the sheet's: an error naming both */
    assert_int_equal(
        ss_ledger_import(f->st, f->e, &f->rep990101, &sh, "2026-10", NULL, SS_VOICE_API, &lr, &err),
        SS_EINVAL);
    assert_string_equal(err.field, "period");
    assert_non_null(strstr(err.msg, "2026-10"));
    assert_non_null(strstr(err.msg, "2026-11"));
    ss_ledger_result_cleanup(&lr);
    ss_sheet_free(&sh);
    /* a sheet without a period and no ?period */
    ledger_csv(f, NULL, 5, &sh);
    assert_int_equal(
        ss_ledger_import(f->st, f->e, &f->rep990101, &sh, NULL, NULL, SS_VOICE_API, &lr, &err),
        SS_EINVAL);
    assert_string_equal(err.field, "period");
    ss_ledger_result_cleanup(&lr);
    ss_sheet_free(&sh);
    /* a CSV carrying its period, as a saved-as-CSV ledger does */
    ledger_csv(f, "2026-10", 5, &sh);
    assert_int_equal(
        ss_ledger_import(f->st, f->e, &f->rep990101, &sh, NULL, NULL, SS_VOICE_API, &lr, &err), 0);
    assert_int_equal(lr.stored, 1);
    assert_int_equal(ss_store_wf_get(f->st, lr.ids[0], &got), 0);
    ss_date_fmt(got.as_of, d);
    assert_string_equal(d, "2026-10-31");
    ss_wf_report_cleanup(&got);
    ss_ledger_result_cleanup(&lr);
    ss_sheet_free(&sh);
}

/* A database from before migration 7 with several live reports of one
 * (target, unit, date): the submitted one stays, the drafts go, their
 * evidence moves to it; then the store refuses a second live report. */
static void test_migration_one_live(void **state)
{
    struct fixture *f = *state;
    struct ss_wf_report got;
    struct ss_err err;
    struct rawdb raw = testdb_raw(&f->db);
    char sql[2048];
    int64_t kept;
    int latest = ss_store_schema_version(f->st), from, to;

    /* this test re-runs migrations 7, 8, 10 and 12 (their tables dropped
     * first), 9, which does nothing twice, and 11, which rebuilds account
     * again */
    assert_int_equal(latest, ss_store_schema_latest());
    snprintf(sql, sizeof sql,
             OLDER_UNDO_NEWER
             "DROP INDEX report_live;"
             "DROP TABLE throttle_hit;"
             "INSERT INTO report(target_id, org_id, as_of, value, status, created_by)"
             " VALUES (%lld, 4, '2026-05-31', 12, 'draft', 'a'),"
             " (%lld, 4, '2026-05-31', 150, 'submitted', 'b'),"
             " (%lld, 4, '2026-05-31', 10, 'draft', 'c'),"
             " (%lld, 4, '2026-05-31', 9, 'approved', 'd');"
             "INSERT INTO evidence(report_id, sha256, mime, size)"
             " SELECT id, 'x', 'application/pdf', 1 FROM report WHERE created_by IN ('a', 'c');"
             "DROP TABLE translation;"
             "DELETE FROM meta WHERE key = 'translation_version';"
             "PRAGMA user_version = 6;",
             (long long)f->tid[0], (long long)f->tid[0], (long long)f->tid[0],
             (long long)f->tid[0]);
    rawdb_exec(&raw, sql);
    ss_store_close(f->st);
    /* an older database is not migrated by an open to write: refused */
    assert_int_equal(ss_store_open(f->db.path, 0, &f->st, &err), SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "shishi migrate"));
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_MIGRATE, &f->st, &err), 0);
    ss_store_schema_step(f->st, &from, &to);
    assert_int_equal(from, 6);
    assert_int_equal(to, latest);
    assert_int_equal(ss_store_schema_version(f->st), latest);
    assert_int_equal(ss_store_wf_live(f->st, f->tid[0], 4, ss_engine_plan(f->e)->start,
                                      ss_engine_plan(f->e)->end, &got),
                     0);
    assert_string_equal(got.status, "submitted");
    assert_true(fabs(got.value - 150) < 1e-9);
    kept = got.id;
    ss_wf_report_cleanup(&got);
    assert_int_equal(ss_store_evidence_count(f->st, kept), 2);
    assert_int_equal(ss_store_wf_get(f->st, kept - 1, &got), SS_ENOTFOUND); /* draft a */
    assert_int_equal(ss_store_wf_get(f->st, kept + 2, &got), 0);            /* approved d */
    ss_wf_report_cleanup(&got);
    /* the index: a second live report of the date cannot be inserted */
    {
        struct ss_report_in in = {f->tid[0], 4, 0, 20, NAN, NAN, NULL, "draft", "x"};
        int64_t id;
        ss_date_parse("2026-05-31", &in.as_of);
        assert_int_equal(AS(f->st, "cli", ss_store_report_insert(f->st, &in, &id, &err)), SS_EDB);
    }
}

/* Returned versions are kept and shown: values and comments, oldest first,
 * the current state left out. */
static void test_revisions(void **state)
{
    struct fixture *f = *state;
    struct ss_wf_revision *v = NULL;
    struct ss_report_req r;
    struct ss_err err;
    char flags[SS_FLAGS_MAX];
    int64_t id, id2;
    size_t n = 0;
    int outcome;

    assert_int_equal(submit(f, &f->rep990101, "990101", "2026-05-31", 12, &id, flags), 0);
    assert_int_equal(ss_workflow_return(f->st, f->e, &f->rev9901, id, "少报了", 0, &err), 0);
    assert_int_equal(ss_store_wf_revisions(f->st, id, 10, &v, &n), 0);
    assert_int_equal(n, 0); /* returned now: that is its current state */
    ss_wf_revisions_free(v, n);
    r = req_of(f, "990101", "2026-05-31", 20, NULL);
    r.note = "补报高校毕业生";
    assert_int_equal(
        ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id2, flags, &outcome, &err), 0);
    assert_int_equal(id2, id);
    assert_int_equal(outcome, SS_WF_CORRECTED);
    assert_int_equal(ss_workflow_return(f->st, f->e, &f->rev9901, id, "缺佐证", 0, &err), 0);
    r.value = 21;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id2, flags, NULL, &err),
                     0);
    assert_int_equal(ss_store_wf_revisions(f->st, id, 10, &v, &n), 0);
    assert_int_equal(n, 2);
    assert_true(fabs(v[0].value - 12) < 1e-9);
    assert_string_equal(v[0].comment, "少报了");
    assert_string_equal(v[0].reviewed_by, "rev9901");
    assert_true(fabs(v[1].value - 20) < 1e-9);
    assert_string_equal(v[1].comment, "缺佐证");
    assert_string_equal(v[1].note, "补报高校毕业生");
    ss_wf_revisions_free(v, n);
    /* the corrected report waits again, its review cleared */
    {
        struct ss_wf_report got;
        assert_int_equal(ss_store_wf_get(f->st, id, &got), 0);
        assert_string_equal(got.status, "submitted");
        assert_null(got.review_comment);
        ss_wf_report_cleanup(&got);
    }
}

/* Several approved at once: each on its own, the oldest date first; the
 * ones that fail say why and change nothing. */
static void test_approve_many(void **state)
{
    struct fixture *f = *state;
    struct ss_wf_result res[5];
    struct ss_err err;
    char zh[SS_ERR_TEXT];
    char flags[SS_FLAGS_MAX];
    int64_t a, b, c, d, ids[5];
    size_t nres = 0, ok, i;
    struct rawdb raw = testdb_raw(&f->db);
    long long signed0;

    assert_int_equal(submit(f, &f->rep990101, "990101", "2026-06-30", 10, &a, flags), 0);
    assert_int_equal(submit(f, &f->rep990101, "990101", "2026-05-31", 150, &b, flags), 0);
    assert_int_equal(submit(f, &f->rep990102, "990102", "2026-05-31", 7, &c, flags), 0);
    assert_int_equal(submit(f, &f->admin, "990201", "2026-05-31", 3, &d, flags), 0);
    /* a (10 on 30 June) comes after b (150 on 31 May): b is approved
     * first, then a falls below it; d is out of rev9901's scope */
    ids[0] = a, ids[1] = b, ids[2] = c, ids[3] = d, ids[4] = a;
    signed0 = rawdb_int(&raw, "SELECT count(*) FROM audit_log WHERE sig IS NOT NULL");
    ok = ss_workflow_approve_many(f->st, f->e, &f->rev9901, ids, 5, 0, res, &nres);
    assert_int_equal(nres, 4);
    assert_int_equal(ok, 2);
    /* in one transaction: one commit signs the audit log once for both */
    assert_int_equal(rawdb_int(&raw, "SELECT count(*) FROM audit_log WHERE sig IS NOT NULL"),
                     signed0 + 1);
    for (i = 0; i < nres; i++) {
        if (res[i].id == b || res[i].id == c)
            assert_int_equal(res[i].rc, 0);
        else if (res[i].id == a)
            assert_int_equal(res[i].rc, SS_EINVAL);
        else
            assert_int_equal(res[i].rc, SS_EFORBIDDEN);
    }
    assert_int_equal(res[0].id == b || res[0].id == c, 1); /* 31 May before 30 June */
    ss_engine_refresh(f->e, f->st);
    assert_true(fabs(actual(f, "990101") - 150) < 1e-9);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, a, 0, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "150"));
    /* the same refusal on a Chinese page: the recheck's reason nested in the
     * approval's, both in Chinese, and the reviewer's advice, not a flag */
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, a, SS_VOICE_FORM, &err),
                     SS_EINVAL);
    ss_err_text(&err, SS_LANG_ZH, zh, sizeof zh);
    if (!strstr(zh, "号填报不能审核通过：") || !strstr(zh, "累计值只增不减") ||
        !strstr(zh, "请退回，由填报人按更正填报并写明原因") || strstr(zh, "--"))
        fail_msg("not Chinese throughout: %s", zh);
}

/* A report transaction (ss_store_begin_cells) holds its cells' locks,
 * not the writers' lock: on PostgreSQL another connection's writer
 * commits while it is open, and what it holds is one two-key advisory
 * lock per cell; an approval inside it is refused. On SQLite it is a
 * write transaction like any. */
static void test_cells_transaction(void **state)
{
    struct fixture *f = *state;
    struct ss_store_cell cells[3];
    struct ss_store *other;
    struct ss_err err;
    struct ss_wf_move m = {"submitted", "approved", "rev9901", NULL, NULL, 0, NULL};
    struct rawdb raw = testdb_raw(&f->db);
    char flags[SS_FLAGS_MAX];
    int64_t id;

    assert_int_equal(submit(f, &f->rep990101, "990101", "2026-05-31", 5, &id, flags), 0);
    cells[0].target_id = f->tid[0];
    cells[0].org_id = ss_engine_org(f->e, O(f, "990101"))->id;
    cells[1] = cells[0]; /* a repeat counts once */
    cells[2].target_id = f->tid[1];
    cells[2].org_id = cells[0].org_id;
    assert_int_equal(ss_store_begin_cells(f->st, "rep990101", cells, 3, &err), 0);
    assert_int_equal(ss_store_wf_move(f->st, id, &m, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "approval"));
    if (f->db.pg) {
        static const char mine[] = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                   " AND granted AND database = (SELECT oid FROM pg_database"
                                   " WHERE datname = current_database()) AND objsubid = ";
        char q[512];

        snprintf(q, sizeof q, "%s2", mine);
        assert_int_equal(rawdb_int(&raw, q), 2);
        snprintf(q, sizeof q, "%s1", mine);
        assert_int_equal(rawdb_int(&raw, q), 0);
        /* a writer on another connection takes the writers' lock at once */
        assert_int_equal(ss_store_open(f->db.path, 0, &other, &err), 0);
        assert_int_equal(ss_store_meta_set(other, "cells_test", "1"), 0);
        ss_store_close(other);
    }
    ss_store_rollback(f->st);
    /* the report stays as it was: submitted */
    {
        struct ss_wf_report got;
        assert_int_equal(ss_store_wf_get(f->st, id, &got), 0);
        assert_string_equal(got.status, "submitted");
        ss_wf_report_cleanup(&got);
    }
}

/* A move guarded by what was read (ss_wf_move.same, the batch's): it
 * happens only while the report's date and values are still those. */
static void test_move_if_same(void **state)
{
    struct fixture *f = *state;
    struct ss_wf_report got, other;
    struct ss_err err;
    char flags[SS_FLAGS_MAX];
    int64_t id;

    assert_int_equal(submit(f, &f->rep990101, "990101", "2026-05-31", 7, &id, flags), 0);
    assert_int_equal(ss_store_wf_get(f->st, id, &got), 0);
    other = got;
    other.value = 8; /* as if it had been corrected since it was read */
    {
        struct ss_wf_move m = {"submitted", "approved", "rev9901", NULL, NULL, 0, &other};
        assert_int_equal(ss_store_begin(f->st, "rev9901", &err), 0);
        assert_int_equal(ss_store_wf_move(f->st, id, &m, &err), SS_ECONFLICT);
        ss_store_rollback(f->st);
    }
    other = got;
    other.as_of = got.as_of - 1;
    {
        struct ss_wf_move m = {"submitted", "approved", "rev9901", NULL, NULL, 0, &other};
        assert_int_equal(ss_store_begin(f->st, "rev9901", &err), 0);
        assert_int_equal(ss_store_wf_move(f->st, id, &m, &err), SS_ECONFLICT);
        ss_store_rollback(f->st);
    }
    {
        struct ss_wf_move m = {"submitted", "approved", "rev9901", NULL, NULL, 0, &got};
        assert_int_equal(ss_store_begin(f->st, "rev9901", &err), 0);
        assert_int_equal(ss_store_wf_move(f->st, id, &m, &err), 0);
        assert_int_equal(ss_store_commit(f->st, &err), 0);
    }
    ss_wf_report_cleanup(&got);
    assert_int_equal(ss_store_wf_get(f->st, id, &got), 0);
    assert_string_equal(got.status, "approved");
    assert_true(got.seq > 0);
    ss_wf_report_cleanup(&got);
}

/* Clerks writing at once, each on its own connection, in report
 * transactions: RACERS threads store a draft ROUNDS times each, half of
 * them all on one cell and date (each replacing the last), the others on
 * cells of their own. Every write succeeds (two writers of a cell take
 * turns: without the cell's lock the second would find no live report,
 * insert, and hit the one-live-report index), one live report stays per
 * cell and date, and the audit log verifies. */
#define RACERS 6
#define ROUNDS 15
struct racer {
    const char *path;
    struct ss_wf_put put;
    int64_t user_id;
    int failures;
    char why[SS_ERR_TEXT];
};

static void *racer_main(void *arg)
{
    struct racer *x = arg;
    struct ss_store *st;
    struct ss_err err;
    int i, rc;

    if (ss_store_open(x->path, 0, &st, &err)) {
        x->failures = ROUNDS;
        snprintf(x->why, sizeof x->why, "%s", err.msg);
        return NULL;
    }
    for (i = 0; i < ROUNDS; i++) {
        struct ss_store_cell c = {x->put.in.target_id, x->put.in.org_id};
        struct ss_wf_put p = x->put;

        p.in.value = 10 + i;
        if (!(rc = ss_store_begin_cells(st, "rep990101", &c, 1, &err))) {
            rc = ss_workflow_put(st, &p, 1, x->user_id, &err);
            rc = rc ? (ss_store_rollback(st), rc) : ss_store_commit(st, &err);
        }
        if (rc) {
            x->failures++;
            snprintf(x->why, sizeof x->why, "%s", err.msg);
        }
    }
    ss_store_close(st);
    return NULL;
}

static void test_clerks_at_once(void **state)
{
    struct fixture *f = *state;
    struct racer x[RACERS];
    pthread_t t[RACERS];
    struct rawdb raw = testdb_raw(&f->db);
    struct ss_audit_result ar;
    struct ss_err err;
    int64_t org = ss_engine_org(f->e, O(f, "990101"))->id;
    int32_t day = ss_days_from_civil(2026, 5, 31);
    char q[256];
    int i;

    for (i = 0; i < RACERS; i++) {
        memset(&x[i], 0, sizeof x[i]);
        x[i].path = f->db.path;
        x[i].put.in.target_id = i % 2 ? f->tid[0] : f->tid[(i / 2) % 3];
        x[i].put.in.org_id = org;
        x[i].put.in.as_of = i % 2 ? day : day - 1 - i; /* odd: one cell and date */
        x[i].put.in.numerator = x[i].put.in.denominator = NAN;
        x[i].put.in.status = "draft";
        x[i].put.in.by = "rep990101";
        x[i].put.from = x[i].put.to = x[i].put.in.as_of;
    }
    for (i = 0; i < RACERS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, racer_main, &x[i]), 0);
    for (i = 0; i < RACERS; i++)
        pthread_join(t[i], NULL);
    for (i = 0; i < RACERS; i++)
        if (x[i].failures)
            fail_msg("racer %d: %d writes failed: %s", i, x[i].failures, x[i].why);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM report WHERE target_id = %lld AND org_id = %lld"
             " AND as_of = '2026-05-31'",
             (long long)f->tid[0], (long long)org);
    assert_int_equal(rawdb_int(&raw, q), 1);
    assert_int_equal(rawdb_int(&raw, "SELECT count(*) FROM report"), 1 + RACERS / 2);
    assert_int_equal(ss_store_audit_verify(f->st, NULL, &ar, &err), 0);
    assert_int_equal(ar.bad_entry, 0);
    assert_string_equal(ar.what, "");
}

/* The flags of a ledger's rows, from what was read once for the sheet
 * (struct ss_wf_known), are the flags read report by report: the unit's
 * share (none at 990102), and the last HISTORY approved values of more
 * than HISTORY, whose first step is far larger than the rest, so that a
 * window other than the last HISTORY judges a jump otherwise. */
static void test_flags_known(void **state)
{
    static const double tries[] = {25, 40, 45, 100, 1000};
    static const char *const orgs[] = {"990101", "990102"};
    struct fixture *f = *state;
    struct ss_assign_result res;
    struct ss_report_req r;
    struct ss_wf_known known;
    struct ss_store_cell cell;
    struct ss_report_in in;
    struct ss_err err;
    char a[SS_FLAGS_MAX], b[SS_FLAGS_MAX], date[24];
    int64_t id;
    size_t k, o;
    int d, jumps = 0;

    assert_int_equal(share(f, NULL, "990101", 10, 0, NULL, &res), 0);
    /* 30 approved in January: 0, then 11, 12, ... 39 */
    for (d = 1; d <= 30; d++) {
        snprintf(date, sizeof date, "2026-01-%02d", d);
        r = req_of(f, "990101", date, d == 1 ? 0 : d + 9, NULL);
        assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, a, NULL, &err), 0);
        assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, 0, &err), 0);
    }
    for (o = 0; o < 2; o++) {
        memset(&known, 0, sizeof known);
        cell.target_id = f->tid[0];
        cell.org_id = ss_engine_org(f->e, O(f, orgs[o]))->id;
        assert_int_equal(ss_wf_approved_read(f->st, &cell, 1, &known.approved), 0);
        assert_int_equal(ss_store_assignments_of(f->st, cell.org_id, &known.share, &known.nshare),
                         0);
        for (k = 0; k < SS_ARRAY_LEN(tries); k++) {
            memset(&in, 0, sizeof in);
            in.target_id = f->tid[0];
            in.org_id = cell.org_id;
            in.as_of = ss_days_from_civil(2026, 2, 28);
            in.value = tries[k];
            in.numerator = in.denominator = NAN;
            assert_int_equal(
                ss_workflow_flags(f->st, ss_engine_plan(f->e), 0, &in, NULL, 0, NULL, a), 0);
            assert_int_equal(
                ss_workflow_flags(f->st, ss_engine_plan(f->e), 0, &in, NULL, 0, &known, b), 0);
            assert_string_equal(a, b);
            jumps += strstr(a, "jump") != NULL;
        }
        ss_wf_approved_cleanup(&known.approved);
        free(known.share);
    }
    /* 45 is a jump after the last 24 (steps of 1), not after all 30 */
    assert_int_equal(jumps, 3);
}

/* A sheet's rows, one org unit and period: their live reports read at
 * once, the new ones inserted in one statement on PostgreSQL (whose array
 * literals carry the notes: quotes, backslashes, braces and commas come
 * back as written, an empty note as none), a draft replaced in place; a
 * second put of the same rows changes nothing; then the submitted ones
 * approved together, their seqs in order, and the log verifies. */
static void test_put_sheet(void **state)
{
    static const char *const notes[3] = {"a \"quoted\", back\\slash {x}, y", NULL, ""};
    struct fixture *f = *state;
    struct ss_wf_put rows[3];
    struct ss_wf_report got[3];
    const struct ss_wf_report *moves[3];
    struct ss_audit_result ar;
    struct ss_err err;
    int64_t org = ss_engine_org(f->e, O(f, "990101"))->id, ids[3], seq = 0;
    int32_t day = ss_days_from_civil(2026, 5, 31), from = ss_days_from_civil(2026, 5, 1);
    int found[3], i, round;

    for (round = 0; round < 2; round++) {
        memset(rows, 0, sizeof rows);
        for (i = 0; i < 3; i++) {
            rows[i].in.target_id = f->tid[i];
            rows[i].in.org_id = org;
            rows[i].in.as_of = day;
            rows[i].in.value = i == 1 ? 87.5 : 10 + i + 0.1;
            rows[i].in.numerator = i == 1 ? 87.5 : NAN;
            rows[i].in.denominator = i == 1 ? 100 : NAN;
            rows[i].in.note = notes[i];
            rows[i].in.status = "submitted";
            rows[i].in.by = "rep990101";
            rows[i].from = from;
            rows[i].to = day;
        }
        assert_int_equal(ss_store_begin(f->st, "rep990101", &err), 0);
        assert_int_equal(ss_workflow_put(f->st, rows, 3, 0, &err), 0);
        assert_int_equal(ss_store_commit(f->st, &err), 0);
        for (i = 0; i < 3; i++) {
            assert_true(rows[i].id > 0);
            assert_int_equal(rows[i].outcome, round ? SS_WF_UNCHANGED : SS_WF_INSERTED);
            if (round)
                assert_int_equal(rows[i].id, ids[i]);
            ids[i] = rows[i].id;
        }
    }
    assert_int_equal(ss_store_wf_get_many(f->st, ids, 3, got, found), 0);
    for (i = 0; i < 3; i++) {
        assert_true(found[i]);
        assert_int_equal(got[i].id, ids[i]);
        assert_string_equal(got[i].status, "submitted");
        assert_int_equal(got[i].as_of, day);
        assert_true(got[i].value == rows[i].in.value);
        if (notes[i] && *notes[i])
            assert_string_equal(got[i].note, notes[i]);
        else
            assert_null(got[i].note);
        moves[i] = &got[i];
    }
    assert_true(isnan(got[0].numerator) && got[1].numerator == 87.5 && got[1].denominator == 100);
    /* one changed since it was read: none is approved */
    got[2].value += 1;
    assert_int_equal(ss_store_begin(f->st, "rev9901", &err), 0);
    assert_int_equal(ss_store_wf_approve_all(f->st, moves, 3, "rev9901", &err), SS_ECONFLICT);
    assert_null(ss_store_actor(f->st));
    got[2].value -= 1;
    assert_int_equal(ss_store_begin(f->st, "rev9901", &err), 0);
    assert_int_equal(ss_store_wf_approve_all(f->st, moves, 3, "rev9901", &err), 0);
    assert_int_equal(ss_store_commit(f->st, &err), 0);
    for (i = 0; i < 3; i++)
        ss_wf_report_cleanup(&got[i]);
    assert_int_equal(ss_store_wf_get_many(f->st, ids, 3, got, found), 0);
    for (i = 0; i < 3; i++) {
        assert_string_equal(got[i].status, "approved");
        assert_string_equal(got[i].reviewed_by, "rev9901");
        if (i)
            assert_int_equal(got[i].seq, seq + 1);
        seq = got[i].seq;
        ss_wf_report_cleanup(&got[i]);
    }
    assert_int_equal(ss_store_audit_verify(f->st, NULL, &ar, &err), 0);
    assert_int_equal(ar.bad_entry, 0);
}

/* The console's voice: the form's fields, never a flag, in any language:
 * the error is a message id with arguments, written in the reader's. */
static void test_voices(void **state)
{
    struct fixture *f = *state;
    struct ss_report_req r;
    struct ss_err err;
    char flags[SS_FLAGS_MAX], zh[SS_ERR_TEXT], en[SS_ERR_TEXT], ug[SS_ERR_TEXT];
    int64_t id;

    assert_int_equal(submit(f, &f->rep990101, "990101", "2026-04-30", 40, &id, flags), 0);
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, 0, &err), 0);
    r = req_of(f, "990101", "2026-05-31", 30, NULL);
    r.voice = SS_VOICE_FORM;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "value");
    ss_err_text(&err, SS_LANG_ZH, zh, sizeof zh);
    assert_string_equal(zh, "30 低于截至 2026-04-30 已审核的 40；累计值只增不减"
                            "（如确需更正，请勾选“更正”并在“说明”中写明原因）");
    assert_null(strstr(zh, "--"));
    ss_err_text(&err, SS_LANG_EN, en, sizeof en);
    assert_non_null(strstr(en, "tick “Correction” and say why in “Note”"));
    assert_string_equal(en, err.msg);
    ss_err_text(&err, SS_LANG_UG, ug, sizeof ug);
    assert_non_null(strstr(ug, "«تۈزىتىش»"));
    assert_null(strstr(ug, "--"));
    r.voice = SS_VOICE_API;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    assert_non_null(strstr(err.msg, "\"correction\""));
    assert_null(strstr(err.msg, "--"));
    r.voice = SS_VOICE_CLI;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    assert_non_null(strstr(err.msg, "--correction"));
    /* the CLI's in Chinese still names its flags */
    assert_non_null(strstr(ss_err_text(&err, SS_LANG_ZH, zh, sizeof zh), "--correction"));
    r.voice = SS_VOICE_FORM;
    r.correction = 1;
    assert_int_equal(ss_workflow_submit(f->st, f->e, &f->rep990101, &r, &id, flags, NULL, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "note");
    assert_string_equal(ss_err_text(&err, SS_LANG_ZH, zh, sizeof zh), "更正须在“说明”中写明原因");
    /* access refusals are said again in the form's words */
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9902, id, SS_VOICE_FORM, &err),
                     SS_EFORBIDDEN);
    assert_non_null(strstr(ss_err_text(&err, SS_LANG_ZH, zh, sizeof zh), "无权审核"));
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, 99999, SS_VOICE_FORM, &err),
                     SS_ENOTFOUND);
    assert_string_equal(ss_err_text(&err, SS_LANG_ZH, zh, sizeof zh), "没有第 99999 号填报");
    assert_int_equal(ss_workflow_approve(f->st, f->e, &f->rev9901, id, SS_VOICE_FORM, &err),
                     SS_ECONFLICT);
    assert_non_null(strstr(ss_err_text(&err, SS_LANG_ZH, zh, sizeof zh), "已审核通过"));
}

/* Where evidence files go: beside the database file by default (a
 * PostgreSQL database has no file: refused, naming the variable); the
 * directory ss_store_evidence_dir_set names, else $SHISHI_EVIDENCE_DIR;
 * a database in no file has nothing to keep them beside either. */
static void test_evidence_dir(void **state)
{
    struct fixture *f = *state;
    struct ss_store *mem;
    struct ss_err err;
    char dir[SS_EVIDENCE_DIR_MAX], want[TMPDB_PATH + 16];

    unsetenv("SHISHI_EVIDENCE_DIR");
    ss_store_evidence_dir_set(NULL);
    if (f->db.pg) {
        assert_int_equal(ss_store_evidence_dir(f->st, dir, sizeof dir, &err), SS_EIO);
        assert_string_equal(err.field, "evidence-dir");
        assert_non_null(strstr(err.msg, "SHISHI_EVIDENCE_DIR"));
    } else {
        snprintf(want, sizeof want, "%s.evidence", f->db.path);
        assert_int_equal(ss_store_evidence_dir(f->st, dir, sizeof dir, &err), 0);
        assert_string_equal(dir, want);
    }
    setenv("SHISHI_EVIDENCE_DIR", "/srv/shishi/evidence", 1);
    assert_int_equal(ss_store_evidence_dir(f->st, dir, sizeof dir, &err), 0);
    assert_string_equal(dir, "/srv/shishi/evidence");
    ss_store_evidence_dir_set("/mnt/shared/evidence"); /* a flag beats the variable */
    assert_int_equal(ss_store_evidence_dir(f->st, dir, sizeof dir, &err), 0);
    assert_string_equal(dir, "/mnt/shared/evidence");
    assert_int_equal(ss_store_evidence_dir(f->st, dir, 8, &err), SS_EIO); /* does not fit */
    assert_string_equal(err.field, "evidence-dir");
    ss_store_evidence_dir_set("");
    unsetenv("SHISHI_EVIDENCE_DIR");

    assert_int_equal(ss_store_open(":memory:", SS_STORE_CREATE, &mem, &err), 0);
    assert_int_equal(ss_store_evidence_dir(mem, dir, sizeof dir, &err), SS_EIO);
    assert_string_equal(err.field, "evidence-dir");
    assert_non_null(strstr(err.msg, "SHISHI_EVIDENCE_DIR"));
    setenv("SHISHI_EVIDENCE_DIR", "/srv/shishi/evidence", 1);
    assert_int_equal(ss_store_evidence_dir(mem, dir, sizeof dir, &err), 0);
    assert_string_equal(dir, "/srv/shishi/evidence");
    unsetenv("SHISHI_EVIDENCE_DIR");
    ss_store_close(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_access_rules, setup, teardown),
        ON_BOTH(test_assign_sums, setup, teardown),
        ON_BOTH(test_transitions, setup, teardown),
        ON_BOTH(test_validation_and_flags, setup, teardown),
        ON_BOTH(test_ledger_round_trip, setup, teardown),
        cmocka_unit_test(test_periods),
        ON_BOTH(test_approve_rechecks, setup, teardown),
        ON_BOTH(test_no_self_approval, setup, teardown),
        ON_BOTH(test_no_share_flag, setup, teardown),
        ON_BOTH(test_one_live_report, setup, teardown),
        ON_BOTH(test_ledger_period, setup, teardown),
        /* a database from before migration 7 is SQLite's alone */
        ON_SQLITE(test_migration_one_live, setup, teardown),
        ON_BOTH(test_revisions, setup, teardown),
        ON_BOTH(test_approve_many, setup, teardown),
        ON_BOTH(test_cells_transaction, setup, teardown),
        ON_BOTH(test_move_if_same, setup, teardown),
        ON_BOTH(test_clerks_at_once, setup, teardown),
        ON_BOTH(test_put_sheet, setup, teardown),
        ON_BOTH(test_flags_known, setup, teardown),
        ON_BOTH(test_voices, setup, teardown),
        ON_BOTH(test_evidence_dir, setup, teardown),
    };

    return backend_run(tests);
}
