/*
 * completeness.c - reporting completeness (see completeness.h): the
 * store's plan-wide rows (store_completeness.h), judged against the
 * period's deadline and rolled up the engine's org tree.
 *
 * Two reads whatever the number of units; each assignment then finds its
 * reports by a binary search over the period's reports sorted by (target,
 * unit), and adds itself to its unit and every unit above it: linear in
 * the assignments times the tree's depth.
 */
#include "core/completeness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/util.h"
#include "core/access.h"
#include "core/workflow.h"
#include "store/store_completeness.h"
#include "store/store_notice.h"
#include "store/store_workflow.h"

const char *ss_cmpl_state_str(enum ss_cmpl_state s)
{
    static const char *const names[SS_CMPL_STATES] = {"on_time", "late", "missing", "pending"};

    return (unsigned)s < SS_CMPL_STATES ? names[s] : "?";
}

int ss_cmpl_reported(const struct ss_cmpl_counts *c)
{
    return c->n[SS_CMPL_ON_TIME] + c->n[SS_CMPL_LATE];
}

double ss_cmpl_rate(const struct ss_cmpl_counts *c)
{
    return c->expected ? 100.0 * ss_cmpl_reported(c) / c->expected : NAN;
}

double ss_cmpl_on_time_rate(const struct ss_cmpl_counts *c)
{
    return c->expected ? 100.0 * c->n[SS_CMPL_ON_TIME] / c->expected : NAN;
}

void ss_completeness_cleanup(struct ss_completeness *c)
{
    free(c->own);
    free(c->tree);
    free(c->items);
    free(c->depts);
    memset(c, 0, sizeof *c);
}

void ss_cmpl_period_chased(const struct ss_plan *p, int deadline_day, int32_t today, char out[8])
{
    int32_t start, end;

    /* the month before today's, or the one before it while its deadline
     * has not passed; then kept to the plan's months */
    ss_period_fmt(today, out);
    ss_period_parse(out, &start, &end);
    ss_period_fmt(start - 1, out);
    ss_period_parse(out, &start, &end);
    if (today <= ss_period_deadline(end, deadline_day))
        ss_period_fmt(start - 1, out);
    ss_period_parse(out, &start, &end);
    if (end < p->start)
        ss_period_fmt(p->start, out);
    else if (start > p->end)
        ss_period_fmt(p->end, out);
}

static int by_cell(const void *a, const void *b)
{
    const struct ss_cmpl_report *x = a, *y = b;

    if (x->target_id != y->target_id)
        return x->target_id < y->target_id ? -1 : 1;
    if (x->org_id != y->org_id)
        return x->org_id < y->org_id ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The first report of (target, org) in rows sorted by_cell, or n. */
static size_t first_of(const struct ss_cmpl_report *rows, size_t n, int64_t target, int64_t org)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct ss_cmpl_report *m = &rows[mid];
        if (m->target_id < target || (m->target_id == target && m->org_id < org))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int standing(const struct ss_cmpl_report *x)
{
    return strcmp(x->status, "submitted") == 0 || strcmp(x->status, "approved") == 0;
}

/* The day a report was handed in, from its UTC time, or SS_NO_DATE. */
static int32_t handed_day(const char *at)
{
    char d[11];
    int32_t day;

    if (strlen(at) < 10)
        return SS_NO_DATE;
    memcpy(d, at, 10);
    d[10] = '\0';
    return ss_date_parse(d, &day) == SS_OK ? day : SS_NO_DATE;
}

static void count_into(struct ss_cmpl_counts *c, enum ss_cmpl_state s, int32_t last)
{
    c->expected++;
    c->n[s]++;
    if (last != SS_NO_DATE && (c->last_report == SS_NO_DATE || last > c->last_report))
        c->last_report = last;
}

static void add_dept(struct ss_completeness *c, const char *dept, enum ss_cmpl_state s,
                     int32_t last, size_t *cap)
{
    size_t i;

    for (i = 0; i < c->ndepts; i++)
        if ((!dept && !c->depts[i].dept) ||
            (dept && c->depts[i].dept && strcmp(dept, c->depts[i].dept) == 0))
            break;
    if (i == c->ndepts) {
        if (c->ndepts == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            c->depts = ss_xrealloc(c->depts, *cap * sizeof *c->depts);
        }
        memset(&c->depts[i], 0, sizeof c->depts[i]);
        c->depts[i].dept = dept;
        c->depts[i].c.last_report = SS_NO_DATE;
        c->ndepts++;
    }
    count_into(&c->depts[i].c, s, last);
}

/* The engine's org indexes follow the units' codes (the store reads them
 * in code order), so by index is by code. */
static int by_item(const void *a, const void *b)
{
    const struct ss_cmpl_item *x = a, *y = b;

    if (x->org != y->org)
        return x->org < y->org ? -1 : 1;
    return x->ti < y->ti ? -1 : x->ti > y->ti;
}

int ss_completeness_load(struct ss_store *st, const struct ss_engine *e, const char *period,
                         long org, int32_t today, struct ss_completeness *c, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    struct ss_cmpl_assignment *as = NULL;
    struct ss_cmpl_report *rs = NULL;
    size_t na = 0, nr = 0, i, cap = 0, dcap = 0;
    int rc;

    memset(c, 0, sizeof *c);
    if (!period || ss_period_parse(period, &c->start, &c->end))
        return ss_err_set(err, SS_EINVAL, "period", "'%.20s' is not a month YYYY-MM",
                          period ? period : "");
    if (c->end < p->start || c->start > p->end) {
        char a[11], b[11];
        ss_date_fmt(p->start, a);
        ss_date_fmt(p->end, b);
        return ss_err_set(err, SS_EINVAL, "period", "%s lies outside the plan period %s to %s",
                          period, a, b);
    }
    if (org < 0 || (size_t)org >= ss_engine_org_count(e))
        return ss_err_set(err, SS_ENOTFOUND, "org", "no such org unit");
    memcpy(c->period, period, 8);
    c->deadline = ss_period_deadline(c->end, ss_store_plan_deadline_day(st, p->id));
    c->today = today;
    c->org = org;
    c->norgs = ss_engine_org_count(e);
    c->own = ss_xcalloc(c->norgs, sizeof *c->own);
    c->tree = ss_xcalloc(c->norgs, sizeof *c->tree);
    for (i = 0; i < c->norgs; i++)
        c->own[i].last_report = c->tree[i].last_report = SS_NO_DATE;
    if ((rc = ss_store_cmpl_assignments(st, p->id, c->end, &as, &na, err)) ||
        (rc = ss_store_cmpl_reports(st, p->id, c->start, c->end, &rs, &nr, err)))
        goto out;
    if (nr)
        qsort(rs, nr, sizeof *rs, by_cell);
    for (i = 0; i < na; i++) {
        long o = ss_engine_org_by_id(e, as[i].org_id), up;
        long ti = ss_plan_target_index(p, as[i].target_id);
        int32_t best = SS_NO_DATE;
        size_t k = first_of(rs, nr, as[i].target_id, as[i].org_id), hit = nr;
        struct ss_cmpl_item *it;
        enum ss_cmpl_state s;

        if (o < 0 || ti < 0)
            continue;
        for (; k < nr && rs[k].target_id == as[i].target_id && rs[k].org_id == as[i].org_id; k++) {
            int32_t d = handed_day(rs[k].handed_in);
            if (!standing(&rs[k]) || d == SS_NO_DATE)
                continue;
            if (best == SS_NO_DATE || d < best) {
                best = d;
                hit = k;
            }
        }
        s = best != SS_NO_DATE    ? (best <= c->deadline ? SS_CMPL_ON_TIME : SS_CMPL_LATE)
            : today > c->deadline ? SS_CMPL_MISSING
                                  : SS_CMPL_PENDING;
        count_into(&c->own[o], s, as[i].last_report);
        for (up = o; up >= 0; up = ss_engine_org_parent(e, up))
            count_into(&c->tree[up], s, as[i].last_report);
        if (!ss_engine_org_within(e, o, org))
            continue;
        add_dept(c, p->targets[ti].dept, s, as[i].last_report, &dcap);
        it = SS_PUSH(c->items, c->nitems, cap);
        it->ti = (size_t)ti;
        it->org = o;
        it->state = s;
        it->last_report = as[i].last_report;
        if (hit < nr) {
            it->report_id = rs[hit].id;
            it->report_as_of = rs[hit].as_of;
            memcpy(it->handed_in, rs[hit].handed_in, sizeof it->handed_in);
        }
    }
    /* handed in and returned, over every report of the period (the score's) */
    for (i = 0; i < nr; i++) {
        long o = ss_engine_org_by_id(e, rs[i].org_id), up;

        if (o < 0 || !rs[i].handed_in[0])
            continue;
        for (up = o; up >= 0; up = ss_engine_org_parent(e, up)) {
            c->tree[up].handed_in++;
            c->tree[up].returned += rs[i].returned;
        }
        c->own[o].handed_in++;
        c->own[o].returned += rs[i].returned;
    }
    if (c->nitems) /* qsort of NULL, 0 is undefined */
        qsort(c->items, c->nitems, sizeof *c->items, by_item);
out:
    free(as);
    free(rs);
    return rc;
}

/* ---- JSON: one shape for the CLI and the API ----------------------------------- */

static void date_or_null(struct ss_json *j, const char *k, int32_t day)
{
    char d[11];

    if (day == SS_NO_DATE) {
        ss_json_knull(j, k);
        return;
    }
    ss_date_fmt(day, d);
    ss_json_kstr(j, k, d);
}

static void org_ref(struct ss_json *j, const struct ss_engine *e, long o)
{
    const struct ss_org *x = ss_engine_org(e, o);

    ss_json_obj(j);
    ss_json_kstr(j, "code", x->code);
    ss_json_kstr(j, "name", x->name);
    ss_json_kint(j, "level", x->level);
    ss_json_obj_end(j);
}

static void counts_json(struct ss_json *j, const struct ss_cmpl_counts *c)
{
    ss_json_kint(j, "expected", c->expected);
    ss_json_kint(j, "reported", ss_cmpl_reported(c));
    ss_json_kint(j, "on_time", c->n[SS_CMPL_ON_TIME]);
    ss_json_kint(j, "late", c->n[SS_CMPL_LATE]);
    ss_json_kint(j, "missing", c->n[SS_CMPL_MISSING]);
    ss_json_kint(j, "pending", c->n[SS_CMPL_PENDING]);
    ss_json_knum(j, "reporting_rate", ss_cmpl_rate(c));
    ss_json_knum(j, "on_time_rate", ss_cmpl_on_time_rate(c));
    date_or_null(j, "last_report", c->last_report);
}

/* The worst state among a unit's own assignments: missing, pending, late,
 * on time. */
static enum ss_cmpl_state unit_state(const struct ss_cmpl_counts *c)
{
    return c->n[SS_CMPL_MISSING]   ? SS_CMPL_MISSING
           : c->n[SS_CMPL_PENDING] ? SS_CMPL_PENDING
           : c->n[SS_CMPL_LATE]    ? SS_CMPL_LATE
                                   : SS_CMPL_ON_TIME;
}

void ss_completeness_json(struct ss_json *j, const struct ss_engine *e,
                          const struct ss_completeness *c)
{
    const struct ss_plan *p = ss_engine_plan(e);
    const long *kids;
    size_t nk, i;
    char d[11];

    ss_json_obj(j);
    ss_json_kstr(j, "period", c->period);
    ss_date_fmt(c->deadline, d);
    ss_json_kstr(j, "deadline", d);
    ss_date_fmt(c->today, d);
    ss_json_kstr(j, "as_of", d);
    ss_json_key(j, "org");
    org_ref(j, e, c->org);
    ss_json_key(j, "totals");
    ss_json_obj(j);
    counts_json(j, &c->tree[c->org]);
    ss_json_obj_end(j);
    ss_json_key(j, "children");
    ss_json_arr(j);
    kids = ss_engine_org_children(e, c->org, &nk);
    for (i = 0; i < nk; i++) {
        if (!c->tree[kids[i]].expected)
            continue;
        ss_json_obj(j);
        ss_json_key(j, "org");
        org_ref(j, e, kids[i]);
        counts_json(j, &c->tree[kids[i]]);
        ss_json_obj_end(j);
    }
    ss_json_arr_end(j);
    ss_json_key(j, "units");
    ss_json_arr(j);
    for (i = 0; i < c->norgs; i++) {
        if (!c->own[i].expected || !ss_engine_org_within(e, (long)i, c->org))
            continue;
        ss_json_obj(j);
        ss_json_key(j, "org");
        org_ref(j, e, (long)i);
        ss_json_kstr(j, "state", ss_cmpl_state_str(unit_state(&c->own[i])));
        counts_json(j, &c->own[i]);
        ss_json_obj_end(j);
    }
    ss_json_arr_end(j);
    ss_json_key(j, "departments");
    ss_json_arr(j);
    for (i = 0; i < c->ndepts; i++) {
        ss_json_obj(j);
        ss_json_kstr(j, "dept", c->depts[i].dept);
        counts_json(j, &c->depts[i].c);
        ss_json_obj_end(j);
    }
    ss_json_arr_end(j);
    ss_json_key(j, "assignments");
    ss_json_arr(j);
    for (i = 0; i < c->nitems; i++) {
        const struct ss_cmpl_item *it = &c->items[i];
        const struct ss_target *t = &p->targets[it->ti];

        ss_json_obj(j);
        ss_json_kint(j, "target", t->id);
        ss_json_kstr(j, "metric", t->metric);
        ss_json_kstr(j, "dept", t->dept);
        ss_json_key(j, "org");
        org_ref(j, e, it->org);
        ss_json_kstr(j, "state", ss_cmpl_state_str(it->state));
        if (it->report_id) {
            ss_json_kint(j, "report", it->report_id);
            date_or_null(j, "report_date", it->report_as_of);
            ss_json_kstr(j, "handed_in", it->handed_in);
        } else {
            ss_json_knull(j, "report");
            ss_json_knull(j, "report_date");
            ss_json_knull(j, "handed_in");
        }
        date_or_null(j, "last_report", it->last_report);
        ss_json_obj_end(j);
    }
    ss_json_arr_end(j);
    ss_json_obj_end(j);
}

/* ---- who may read them, and the notices' interface ------------------------------ */

int ss_access_supervision(const struct ss_engine *e, const struct ss_user *u, long org,
                          struct ss_err *err)
{
    long mine;

    if (u->role == SS_ROLE_ADMIN)
        return SS_OK;
    /* a reviewer or the supervision office: within its own subtree */
    mine = ss_access_user_org(e, u);
    if ((u->role == SS_ROLE_REVIEWER || u->role == SS_ROLE_SUPERVISOR) && org >= 0 && mine >= 0 &&
        ss_engine_org_within(e, org, mine))
        return SS_OK;
    return ss_err_set(err, SS_EFORBIDDEN, "org",
                      "%s may read the supervision figures of its own unit and the units below "
                      "it only, and only as a reviewer, a supervisor or an administrator",
                      u->name);
}

int ss_supervision_notice_counts(struct ss_store *st, const struct ss_engine *e, long org,
                                 int32_t from, int32_t to, int32_t today,
                                 struct ss_notice_counts *out, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    struct ss_notice *list = NULL;
    size_t n = 0, i;

    memset(out, 0, sizeof *out);
    if (!p || org < 0)
        return SS_OK;
    if (ss_store_notice_list(st, p->id, NULL, &list, &n))
        return ss_err_set(err, SS_EDB, "db", "cannot read the notices");
    for (i = 0; i < n; i++) {
        const struct ss_notice *nt = &list[i];
        long at = ss_engine_org_by_id(e, nt->org_id);
        int32_t deadline = SS_NO_DATE, answered = SS_NO_DATE;
        int open = strcmp(nt->status, "closed") != 0;

        if (at < 0 || !ss_engine_org_within(e, at, org))
            continue;
        if (*nt->deadline)
            ss_date_parse(nt->deadline, &deadline);
        if (*nt->answered_on)
            ss_date_parse(nt->answered_on, &answered);
        if (strcmp(nt->status, "answered") == 0)
            out->answered++;
        if (open && strcmp(nt->status, "issued") == 0 && deadline != SS_NO_DATE) {
            if (deadline < today)
                out->overdue++;
            else if (deadline <= today + 7)
                out->due_week++;
        }
        if (deadline != SS_NO_DATE && deadline >= from && deadline <= to) {
            out->due_in_period++;
            if (answered != SS_NO_DATE && answered <= deadline)
                out->answered_in_time++;
        }
    }
    ss_store_notices_free(list, n);
    return SS_OK;
}
