/*
 * plan_change.c - schedules and activation (see plan_change.h for the
 * rules; docs/plan-lifecycle.md for people).
 *
 * Activation reads both plans and counts what hangs on each target inside
 * the transaction that then writes, so no report can slip in between the
 * check that nothing is lost and the switch (BEGIN IMMEDIATE holds the
 * write lock from the first read).
 */
#include "core/plan_change.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "core/access.h"
#include "store/store_audit.h"
#include "store/store_draft.h"

/* ---- schedules ------------------------------------------------------------ */

const char *ss_month_name(int month)
{
    static const char *const NAMES[12] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

    return month >= 1 && month <= 12 ? NAMES[month - 1] : "?";
}

/* The rule, on percentages. */
static int check_percent(const double v[12], struct ss_schedule_err *e)
{
    int m;

    for (m = 0; m < 12; m++) {
        e->month = m + 1;
        e->value = v[m];
        if (!isfinite(v[m]) || v[m] < 0 || v[m] > 100) {
            e->problem = SS_SCHEDULE_RANGE;
            return SS_EINVAL;
        }
        if (m && v[m] < v[m - 1]) {
            e->problem = SS_SCHEDULE_DECREASE;
            e->previous = v[m - 1];
            return SS_EINVAL;
        }
    }
    if (v[11] != 100) {
        e->problem = SS_SCHEDULE_LAST;
        return SS_EINVAL;
    }
    e->problem = SS_SCHEDULE_OK;
    e->month = 0;
    return SS_OK;
}

int ss_schedule_check(const double share[12], struct ss_schedule_err *e)
{
    double v[12];
    int m;

    memset(e, 0, sizeof *e);
    for (m = 0; m < 12; m++)
        v[m] = share[m] == 1 ? 100 : share[m] * 100;
    return check_percent(v, e);
}

/* Skip blanks (ASCII and the ideographic space). */
static const char *skip_blank(const char *p)
{
    for (;;) {
        if (*p == ' ' || *p == '\t')
            p++;
        else if (strncmp(p, "\xE3\x80\x80", 3) == 0)
            p += 3;
        else
            return p;
    }
}

int ss_schedule_parse(const char *s, double share[12], int *has_profile, struct ss_schedule_err *e)
{
    double v[12];
    const char *p = s ? skip_blank(s) : "";
    size_t n = 0;
    int m;

    memset(e, 0, sizeof *e);
    *has_profile = 0;
    if (!*p || strcmp(p, "linear") == 0)
        return SS_OK;
    for (;;) {
        const char *end = p + strcspn(p, ",");
        const char *cn = strstr(p, "\xEF\xBC\x8C"); /* ， */
        char num[32];
        size_t len;

        if (cn && cn < end)
            end = cn;
        len = (size_t)(end - p);
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len && p[len - 1] == '%')
            len--;
        n++;
        if (n <= 12) {
            if (len == 0 || len >= sizeof num) {
                v[n - 1] = NAN;
            } else {
                memcpy(num, p, len);
                num[len] = '\0';
                if (ss_parse_double(num, &v[n - 1]))
                    v[n - 1] = NAN;
            }
            if (isnan(v[n - 1])) {
                e->problem = SS_SCHEDULE_NOT_NUMBER;
                e->month = (int)n;
                snprintf(e->text, sizeof e->text, "%.*s", (int)(len < 20 ? len : 20), p);
                return SS_EINVAL;
            }
        }
        if (!*end)
            break;
        p = skip_blank(end + (*end == ',' ? 1 : 3));
    }
    if (n != 12) {
        e->problem = SS_SCHEDULE_COUNT;
        e->count = n;
        return SS_EINVAL;
    }
    if (check_percent(v, e))
        return SS_EINVAL;
    for (m = 0; m < 12; m++)
        share[m] = v[m] == 100 ? 1 : v[m] / 100;
    *has_profile = 1;
    return SS_OK;
}

int ss_schedule_err_set(const struct ss_schedule_err *e, const char *field, struct ss_err *err)
{
    struct ss_buf a, b;
    int rc;

    ss_buf_init(&a, 64);
    ss_buf_init(&b, 64);
    ss_buf_num(&a, e->value, 4);
    ss_buf_num(&b, e->previous, 4);
    switch (e->problem) {
    case SS_SCHEDULE_OK:
        rc = SS_OK;
        break;
    case SS_SCHEDULE_COUNT:
        rc = ss_err_set(err, SS_EINVAL, field,
                        "%zu values given; a schedule has 12, one per month (the cumulative %% due "
                        "by each month's end), or is 'linear'",
                        e->count);
        break;
    case SS_SCHEDULE_NOT_NUMBER:
        rc = ss_err_set(err, SS_EINVAL, field, "month %d (%s): '%s' is not a number", e->month,
                        ss_month_name(e->month), e->text);
        break;
    case SS_SCHEDULE_RANGE:
        rc = ss_err_set(err, SS_EINVAL, field,
                        "month %d (%s) is %s; a share due is from 0 to 100 (%%)", e->month,
                        ss_month_name(e->month), a.data ? a.data : "?");
        break;
    case SS_SCHEDULE_DECREASE:
        rc = ss_err_set(err, SS_EINVAL, field,
                        "month %d (%s) is %s, less than month %d's %s: the shares are cumulative, "
                        "so they never go down",
                        e->month, ss_month_name(e->month), a.data, e->month - 1, b.data);
        break;
    default:
        rc = ss_err_set(err, SS_EINVAL, field,
                        "month 12 (December) is %s; by the end of the year all of it is due, so "
                        "the last value is 100",
                        a.data);
        break;
    }
    ss_buf_cleanup(&a);
    ss_buf_cleanup(&b);
    return rc;
}

void ss_schedule_format(const double share[12], struct ss_buf *b)
{
    int m;

    for (m = 0; m < 12; m++) {
        if (m)
            ss_buf_putc(b, ',');
        ss_buf_num(b, share[m] * 100, 4);
    }
}

/* ---- who may change a plan ------------------------------------------------ */

int ss_plan_may_change(const struct ss_engine *e, const struct ss_user *u, const struct ss_plan *p,
                       struct ss_err *err)
{
    long mine = ss_access_user_org(e, u), top = -1;

    if (u->role != SS_ROLE_ADMIN)
        return ss_err_set(err, SS_EFORBIDDEN, "role",
                          "only an admin changes the plan; %s is not one", u->name);
    if (p->top_org)
        top = ss_engine_org_find(e, p->top_org);
    if (mine >= 0 &&
        (top >= 0 ? ss_engine_org_within(e, top, mine) : ss_engine_org_parent(e, mine) < 0))
        return SS_OK;
    return ss_err_set(err, SS_EFORBIDDEN, "org",
                      "admin %s of %s may not change plan %lld, issued at %s", u->name, u->org,
                      (long long)p->id, p->top_org ? p->top_org : SS_M("no org unit"));
}

/* ---- matching ------------------------------------------------------------- */

const char *ss_match_by_str(enum ss_match_by by)
{
    switch (by) {
    case SS_MATCH_TEXT_METRIC:
        return "text+metric";
    case SS_MATCH_TEXT:
        return "text";
    case SS_MATCH_METRIC:
        return "metric+unit+op";
    default:
        return "none";
    }
}

static int streq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Whether a and b share the key of pass `pass`. */
static int same_key(int pass, const struct ss_target *a, const struct ss_target *b)
{
    switch (pass) {
    case SS_MATCH_TEXT_METRIC:
        return a->project_no == b->project_no && streq(a->text, b->text) &&
               streq(a->metric, b->metric);
    case SS_MATCH_TEXT:
        return a->project_no == b->project_no && streq(a->text, b->text);
    default:
        return a->op == b->op && streq(a->metric, b->metric) && streq(a->unit, b->unit);
    }
}

void ss_plan_match(const struct ss_plan *cur, const struct ss_plan *draft, struct ss_plan_match *m)
{
    size_t d, c, k;
    int pass;

    m->old_of = ss_xcalloc(draft->ntargets + 1, sizeof *m->old_of);
    m->by = ss_xcalloc(draft->ntargets + 1, sizeof *m->by);
    m->new_of = ss_xcalloc(cur->ntargets + 1, sizeof *m->new_of);
    for (d = 0; d < draft->ntargets; d++)
        m->old_of[d] = -1;
    for (c = 0; c < cur->ntargets; c++)
        m->new_of[c] = -1;
    for (pass = SS_MATCH_TEXT_METRIC; pass <= SS_MATCH_METRIC; pass++)
        for (d = 0; d < draft->ntargets; d++) {
            const struct ss_target *t = &draft->targets[d];
            long only = -1;
            size_t n = 0;

            if (m->old_of[d] >= 0)
                continue;
            for (c = 0; c < cur->ntargets && n < 2; c++)
                if (m->new_of[c] < 0 && same_key(pass, t, &cur->targets[c])) {
                    only = (long)c;
                    n++;
                }
            if (n != 1)
                continue;
            /* unique on the draft's side too */
            for (k = 0, n = 0; k < draft->ntargets && n < 2; k++)
                if (m->old_of[k] < 0 && same_key(pass, &draft->targets[k], &cur->targets[only]))
                    n++;
            if (n != 1)
                continue;
            m->old_of[d] = only;
            m->by[d] = (enum ss_match_by)pass;
            m->new_of[only] = (long)d;
        }
}

void ss_plan_match_cleanup(struct ss_plan_match *m)
{
    free(m->old_of);
    free(m->by);
    free(m->new_of);
    memset(m, 0, sizeof *m);
}

/* ---- activation ----------------------------------------------------------- */

void ss_activation_cleanup(struct ss_activation *a)
{
    ss_plan_free(a->draft);
    ss_plan_free(a->replaced);
    ss_plan_match_cleanup(&a->match);
    free(a->final_id);
    free(a->kept);
    free(a->lead_kept);
    free(a->reports);
    free(a->shares);
    memset(a, 0, sizeof *a);
}

/* The audit event: which pairs were carried and what was left. */
static int audit_event(struct ss_store *st, const struct ss_activation *a, struct ss_err *err)
{
    struct ss_buf b;
    struct ss_json j;
    size_t d, c;
    int rc;

    ss_buf_init(&b, 1u << 20);
    ss_json_init(&j, &b, 0);
    ss_json_obj(&j);
    ss_json_kint(&j, "plan", a->draft->id);
    if (a->replaced)
        ss_json_kint(&j, "replaced", a->replaced->id);
    else
        ss_json_knull(&j, "replaced");
    ss_json_kbool(&j, "forced", a->forced);
    ss_json_key(&j, "carried");
    ss_json_arr(&j);
    for (d = 0; d < a->draft->ntargets; d++)
        if (a->replaced && a->match.old_of[d] >= 0) {
            ss_json_obj(&j);
            ss_json_kint(&j, "id", a->replaced->targets[a->match.old_of[d]].id);
            ss_json_kint(&j, "draft_id", a->draft->targets[d].id);
            ss_json_kstr(&j, "by", ss_match_by_str(a->match.by[d]));
            ss_json_obj_end(&j);
        }
    ss_json_arr_end(&j);
    ss_json_key(&j, "left");
    ss_json_arr(&j);
    for (c = 0; a->replaced && c < a->replaced->ntargets; c++)
        if (a->match.new_of[c] < 0) {
            ss_json_obj(&j);
            ss_json_kint(&j, "id", a->replaced->targets[c].id);
            ss_json_kint(&j, "reports", a->reports[c]);
            ss_json_kint(&j, "shares", a->shares[c]);
            ss_json_obj_end(&j);
        }
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    rc = b.err ? ss_err_set(err, SS_EINVAL, "plan", "the plan is too large to audit")
               : ss_store_audit_event(st, "plan_activate", b.data, err);
    ss_buf_cleanup(&b);
    return rc;
}

int ss_plan_activate(struct ss_store *st, int64_t plan_id, int force, struct ss_activation *a,
                     struct ss_err *err)
{
    struct ss_carry *carry = NULL;
    int64_t replaced_id;
    size_t d, c, n = 0;
    int rc;

    memset(a, 0, sizeof *a);
    if ((rc = ss_store_begin(st, NULL, err))) /* the caller's, begun with who activates */
        return rc;
    if (!plan_id && !(plan_id = ss_store_plan_latest_draft(st))) {
        rc = ss_err_set(err, SS_ENOTFOUND, "plan", "there is no draft plan to activate");
        goto fail;
    }
    if ((rc = ss_store_plan_load(st, plan_id, &a->draft, err)))
        goto fail;
    if (a->draft->state != SS_PLAN_DRAFT) {
        rc = ss_err_set(err, SS_ECONFLICT, "plan",
                        a->draft->state == SS_PLAN_ACTIVE
                            ? "plan %lld is already active"
                            : "plan %lld is archived: import it again (plan show --id N --json > "
                              "p.json; import p.json) to make a draft of it",
                        (long long)plan_id);
        goto fail;
    }
    if (a->draft->ntargets == 0) {
        rc = ss_err_set(err, SS_EINVAL, "plan", "plan %lld has no targets to track",
                        (long long)plan_id);
        goto fail;
    }
    replaced_id = ss_store_plan_active_of_year(st, a->draft->year);
    if (replaced_id && (rc = ss_store_plan_load(st, replaced_id, &a->replaced, err)))
        goto fail;
    a->final_id = ss_xcalloc(a->draft->ntargets + 1, sizeof *a->final_id);
    if (a->replaced) {
        ss_plan_match(a->replaced, a->draft, &a->match);
        a->reports = ss_xcalloc(a->replaced->ntargets + 1, sizeof *a->reports);
        a->shares = ss_xcalloc(a->replaced->ntargets + 1, sizeof *a->shares);
        for (c = 0; c < a->replaced->ntargets; c++) {
            if ((rc = ss_store_target_usage(st, a->replaced->targets[c].id, &a->reports[c],
                                            &a->shares[c], err)))
                goto fail;
            if (a->match.new_of[c] >= 0) {
                a->reports_carried += a->reports[c];
                a->shares_carried += a->shares[c];
                a->carried++;
            } else {
                a->reports_left += a->reports[c];
                a->shares_left += a->shares[c];
                a->left++;
                a->left_with_data += a->reports[c] || a->shares[c];
            }
        }
    }
    a->kept = ss_xcalloc(a->draft->ntargets + 1, 1);
    a->lead_kept = ss_xcalloc(a->draft->nprojects + 1, 1);
    for (d = 0; d < a->draft->ntargets; d++) {
        long o = a->replaced ? a->match.old_of[d] : -1;
        const struct ss_target *t = &a->draft->targets[d];
        a->final_id[d] = o >= 0 ? a->replaced->targets[o].id : t->id;
        a->added += o < 0;
        if (o >= 0 && !t->has_profile && a->replaced->targets[o].has_profile)
            a->kept[d] |= SS_KEPT_PROFILE;
        if (o >= 0 && !t->dept && a->replaced->targets[o].dept)
            a->kept[d] |= SS_KEPT_DEPT;
    }
    for (d = 0; a->replaced && d < a->draft->nprojects; d++) {
        const struct ss_project *p = &a->draft->projects[d];
        for (c = 0; c < a->replaced->nprojects; c++) {
            const struct ss_project *q = &a->replaced->projects[c];
            if (q->no == p->no && streq(q->title, p->title) && streq(p->lead_dept, "unknown") &&
                !streq(q->lead_dept, "unknown"))
                a->lead_kept[d] = 1;
        }
    }
    if (a->left_with_data && !force) {
        if (a->left_with_data == 1)
            rc = ss_err_set(err, SS_ECONFLICT, "plan",
                            "1 target of plan %lld with reports or shares (reports: %lld, "
                            "shares: %lld) matches nothing in plan %lld, so it would no longer "
                            "count; correct the draft so that it does match, or activate with "
                            "--force to leave it with the archived plan",
                            (long long)a->replaced->id, (long long)a->reports_left,
                            (long long)a->shares_left, (long long)plan_id);
        else
            rc = ss_err_set(err, SS_ECONFLICT, "plan",
                            "%zu targets of plan %lld with reports or shares (reports: %lld, "
                            "shares: %lld) match nothing in plan %lld, so they would no longer "
                            "count; correct the draft so that they do match, or activate with "
                            "--force to leave them with the archived plan",
                            a->left_with_data, (long long)a->replaced->id,
                            (long long)a->reports_left, (long long)a->shares_left,
                            (long long)plan_id);
        goto fail;
    }
    a->forced = a->left_with_data > 0;
    carry = ss_xcalloc(a->draft->ntargets + 1, sizeof *carry);
    for (d = 0; d < a->draft->ntargets; d++)
        if (a->replaced && a->match.old_of[d] >= 0) {
            carry[n].old_id = a->replaced->targets[a->match.old_of[d]].id;
            carry[n].draft_id = a->draft->targets[d].id;
            carry[n].keep_profile = (a->kept[d] & SS_KEPT_PROFILE) != 0;
            carry[n].keep_dept = (a->kept[d] & SS_KEPT_DEPT) != 0;
            n++;
        }
    if ((rc = ss_store_plan_replace(st, plan_id, a->replaced ? a->replaced->id : 0, carry, n, err)))
        goto fail;
    for (d = 0; d < a->draft->nprojects; d++)
        for (c = 0; a->lead_kept[d] && c < a->replaced->nprojects; c++)
            if (a->replaced->projects[c].no == a->draft->projects[d].no &&
                (rc = ss_store_project_lead(st, plan_id, a->draft->projects[d].no,
                                            a->replaced->projects[c].lead_dept, err)))
                goto fail;
    if ((rc = audit_event(st, a, err)))
        goto fail;
    if (ss_store_commit(st, err)) {
        rc = ss_err_set(err, SS_EDB, "db", "could not commit the activation");
        goto fail;
    }
    free(carry);
    a->done = 1;
    return SS_OK;
fail:
    ss_store_rollback(st);
    free(carry);
    return rc;
}
