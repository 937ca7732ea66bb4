/*
 * workflow.c - the review workflow and plausibility flags (see workflow.h).
 */
#include "core/workflow.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "store/store_audit.h"
#include "store/store_workflow.h"

#define HISTORY 24 /* earlier reports looked at for the jump flag */

static void add_flag(char out[SS_FLAGS_MAX], const char *f)
{
    size_t n = strlen(out);

    snprintf(out + n, SS_FLAGS_MAX - n, "%s%s", n ? "," : "", f);
}

int ss_workflow_flags(struct ss_store *st, const struct ss_plan *plan, long ti,
                      const struct ss_report_in *in, char out[SS_FLAGS_MAX])
{
    const struct ss_target *t = &plan->targets[ti];
    double share, hist[HISTORY], maxinc = 0;
    size_t n = 0, i;

    out[0] = '\0';
    if (t->kind != SS_KIND_COUNT && t->kind != SS_KIND_AMOUNT)
        return SS_OK;
    if (ss_store_assignment_get(st, in->target_id, in->org_id, &share) == SS_OK && share > 0 &&
        in->value > 3 * share)
        add_flag(out, "over_3x_share");
    if (ss_store_wf_history(st, in->target_id, in->org_id, in->as_of, hist, HISTORY, &n))
        return SS_EDB;
    if (n >= 3) {
        for (i = 1; i < n; i++)
            if (hist[i] - hist[i - 1] > maxinc)
                maxinc = hist[i] - hist[i - 1];
        if (in->value - hist[n - 1] > 3 * maxinc && in->value > hist[n - 1])
            add_flag(out, "jump");
    }
    return SS_OK;
}

int ss_workflow_submit(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       const struct ss_report_req *req, int64_t *id, char flags[SS_FLAGS_MAX],
                       struct ss_err *err)
{
    const struct ss_plan *plan = ss_engine_plan(e);
    struct ss_report_req r = *req;
    struct ss_report_in in;
    const char *fl[1];
    long ti = ss_plan_target_index(plan, req->target_id);
    long org = req->org ? ss_engine_org_find(e, req->org) : -1;
    int rc;

    flags[0] = '\0';
    if (!r.status)
        r.status = "submitted";
    if (strcmp(r.status, "draft") != 0 && strcmp(r.status, "submitted") != 0)
        return ss_err_set(err, SS_EINVAL, "status", "a new report is a draft or submitted");
    /* Scope first, so nobody learns about rows outside theirs from errors. */
    if (u->role != SS_ROLE_ADMIN &&
        (u->role != SS_ROLE_REPORTER || org < 0 || org != ss_access_user_org(e, u)))
        return ss_access_report(e, u, 0, org, err);
    if (ti >= 0 && (rc = ss_access_report(e, u, (size_t)ti, org, err)))
        return rc;
    r.by = u->name;
    if ((rc = ss_report_check(st, plan, &r, &in, &ti, err)))
        return rc;
    if ((rc = ss_workflow_flags(st, plan, ti, &in, flags)))
        return ss_err_set(err, rc, "report", "cannot read the unit's earlier reports");
    fl[0] = flags;
    ss_store_set_actor(st, u->name);
    return ss_store_wf_insert(st, &in, fl, u->id, 1, id, err);
}

/* Load report id and its org index; SS_ENOTFOUND with err set if absent. */
static int load(struct ss_store *st, const struct ss_engine *e, int64_t id, struct ss_wf_report *r,
                long *org, struct ss_err *err)
{
    *org = -1;
    if (ss_store_wf_get(st, id, r) != SS_OK)
        return ss_err_set(err, SS_ENOTFOUND, "id", "no report with id %lld", (long long)id);
    *org = ss_engine_org_by_id(e, r->org_id);
    return SS_OK;
}

int ss_workflow_resubmit(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                         int64_t id, struct ss_err *err)
{
    struct ss_wf_report r;
    long org, ti;
    int rc;

    if ((rc = load(st, e, id, &r, &org, err)))
        return rc;
    ti = ss_plan_target_index(ss_engine_plan(e), r.target_id);
    rc = ss_access_report(e, u, ti < 0 ? (size_t)-1 : (size_t)ti, org, err);
    ss_wf_report_cleanup(&r);
    if (rc)
        return rc;
    ss_store_set_actor(st, u->name);
    return ss_store_wf_submit(st, id, err);
}

int ss_workflow_approve(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                        int64_t id, struct ss_err *err)
{
    struct ss_wf_report r;
    long org;
    int rc;

    if ((rc = load(st, e, id, &r, &org, err)))
        return rc;
    ss_wf_report_cleanup(&r);
    if ((rc = ss_access_review(e, u, org, err)))
        return rc;
    ss_store_set_actor(st, u->name);
    return ss_store_wf_approve(st, id, u->name, err);
}

int ss_workflow_return(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       int64_t id, const char *comment, struct ss_err *err)
{
    struct ss_wf_report r;
    long org;
    int rc;

    if ((rc = load(st, e, id, &r, &org, err)))
        return rc;
    ss_wf_report_cleanup(&r);
    if ((rc = ss_access_review(e, u, org, err)))
        return rc;
    if (!comment || !*comment)
        return ss_err_set(err, SS_EINVAL, "comment",
                          "a returned report needs a comment saying why");
    if (strlen(comment) > SS_MAX_COMMENT || !ss_utf8_valid(comment, strlen(comment)))
        return ss_err_set(err, SS_EINVAL, "comment",
                          "the comment must be UTF-8 of at most %d bytes", SS_MAX_COMMENT);
    ss_store_set_actor(st, u->name);
    return ss_store_wf_return(st, id, u->name, comment, err);
}

/* ---- periods ------------------------------------------------------------------- */

int ss_period_parse(const char *s, int32_t *start, int32_t *end)
{
    int y, m;

    if (!s || strlen(s) != 7 || s[4] != '-' || strspn(s, "0123456789") != 4 ||
        strspn(s + 5, "0123456789") != 2)
        return SS_EINVAL;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    if (y < 1900 || m < 1 || m > 12)
        return SS_EINVAL;
    *start = ss_days_from_civil(y, m, 1);
    *end = ss_days_from_civil(y, m, ss_days_in_month(y, m));
    return SS_OK;
}

void ss_period_fmt(int32_t day, char out[8])
{
    char d[11];

    ss_date_fmt(day, d); /* YYYY-MM-DD: the period is its first 7 bytes */
    memcpy(out, d, 7);
    out[7] = '\0';
}

int32_t ss_period_deadline(int32_t end, int deadline_day)
{
    return end + (deadline_day < 1 ? 1 : deadline_day > 28 ? 28 : deadline_day);
}

int32_t ss_period_report_day(int32_t start, int32_t end)
{
    int32_t today = ss_date_today();

    (void)start;
    return today < end ? today : end;
}
