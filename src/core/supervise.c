/*
 * supervise.c - the supervision run (supervise.h).
 *
 * Reads: the plan's shares (store), the figures (engine), the open
 * notices (store). Writes only through the same store calls as a
 * supervisor's hand (store/store_notice.h), each change with its history
 * line and its ss_notice_event, inside the caller's transaction.
 */
#include "core/supervise.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/util.h"
#include "core/notice.h"
#include "core/remind.h"
#include "core/workflow.h"
#include "store/store_notice.h"
#include "store/store_workflow.h"

struct cell {
    int64_t target_id, org_id;
};

struct cells {
    struct cell *v;
    size_t n, cap;
};

static int collect(void *ctx, const struct ss_assignment_row *a)
{
    struct cells *c = ctx;

    if (!a->org_id)
        return 0; /* a department's share: no org unit to address */
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->v = ss_xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n].target_id = a->target_id;
    c->v[c->n].org_id = a->org_id;
    c->n++;
    return 0;
}

static void changed(struct ss_supervise_result *res, int64_t id)
{
    res->ids = ss_xrealloc(res->ids, (res->nids + 1) * sizeof *res->ids);
    res->ids[res->nids++] = id;
}

void ss_supervise_result_free(struct ss_supervise_result *res)
{
    free(res->ids);
    memset(res, 0, sizeof *res);
}

/* The period whose reports were due before day: its first and last day;
 * 0, or -1 when none within the plan has closed. */
static int closed_period(const struct ss_plan *p, int deadline_day, int32_t day, int32_t *start,
                         int32_t *end)
{
    int y, m, d, k;

    ss_civil_from_days(day, &y, &m, &d);
    for (k = 0; k < 3; k++) {
        /* the month before (y, m) */
        if (--m < 1) {
            m = 12;
            y--;
        }
        *start = ss_days_from_civil(y, m, 1);
        *end = ss_days_from_civil(y, m, ss_days_in_month(y, m));
        if (ss_period_deadline(*end, deadline_day) < day)
            break;
    }
    if (*end > p->end)
        *end = p->end;
    return k < 3 && *end >= p->start ? 0 : -1;
}

/* The figures that cause a notice, as the JSON object stored with it. */
static char *figures_json(const struct ss_figure *f, const struct ss_target *t)
{
    struct ss_buf b;
    struct ss_json j;
    char d[11];

    ss_buf_init(&b, 4096);
    ss_json_init(&j, &b, 0);
    ss_json_obj(&j);
    ss_json_knum(&j, "value", f->value);
    ss_json_knum(&j, "actual", f->actual);
    ss_json_kstr(&j, "unit", t->unit);
    ss_json_knum(&j, "expected_value", f->expected_value);
    ss_json_knum(&j, "expected", f->expected);
    ss_json_knum(&j, "progress", f->progress);
    ss_json_knum(&j, "time", f->time);
    ss_json_kstr(&j, "status", ss_status_str(f->status));
    ss_date_fmt(f->as_of, d);
    ss_json_kstr(&j, "as_of", d);
    if (f->last_report != SS_NO_DATE) {
        ss_date_fmt(f->last_report, d);
        ss_json_kstr(&j, "last_report", d);
    } else {
        ss_json_knull(&j, "last_report");
    }
    ss_json_obj_end(&j);
    return ss_buf_detach(&b, NULL);
}

/* The required action a run writes, by grade. */
static const char *action_for(enum ss_grade g)
{
    return g == SS_GRADE_BLUE ? "本期进度未按时报送，请立即报送并说明原因。"
           : g == SS_GRADE_YELLOW
               ? "进度滞后于时序进度，请说明原因，提出整改措施和完成时限。"
               : "进度严重滞后于时序进度，请主要负责同志督促，说明原因，提出整改措施和完成时限。";
}

/* The cell's grade at the period's close (SS_GRADE_NONE: on track). */
static int cell_grade(struct ss_store *st, const struct ss_engine *e, size_t ti, long org,
                      int64_t target_id, int64_t org_id, int32_t start, int32_t end,
                      struct ss_figure *f, enum ss_grade *g)
{
    int64_t reports;

    ss_engine_figure(e, ti, org, end, f);
    *g = f->status == SS_ST_SERIOUS   ? SS_GRADE_RED
         : f->status == SS_ST_LAGGING ? SS_GRADE_YELLOW
                                      : SS_GRADE_NONE;
    if (*g != SS_GRADE_NONE || (f->last_report != SS_NO_DATE && f->last_report >= start))
        return SS_OK;
    if ((reports = ss_store_notice_reports_in(st, target_id, org_id, start, end)) < 0)
        return SS_EDB;
    if (reports == 0)
        *g = SS_GRADE_BLUE;
    return SS_OK;
}

static int log_change(struct ss_store *st, struct ss_notice *n, const char *kind, const char *text,
                      int32_t day, struct ss_supervise_result *res, struct ss_err *err)
{
    int64_t to[2];
    size_t m = ss_notice_addressees(n, to);
    char d[11];
    int rc;

    ss_date_fmt(day, d);
    if ((rc = ss_store_notice_log(st, n->id, kind, n->grade, d, text, err)) ||
        (rc = ss_notice_event(st, n->id, kind, to, m, err)))
        return rc;
    changed(res, n->id);
    return SS_OK;
}

/* One cell: issue, raise, mark or unmark its notice. */
static int one_cell(struct ss_store *st, const struct ss_engine *e, const struct cell *c,
                    const char *period, int32_t start, int32_t end, int32_t day, const int days[3],
                    struct ss_supervise_result *res, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    long ti = ss_plan_target_index(p, c->target_id), org = ss_engine_org_by_id(e, c->org_id);
    struct ss_notice n;
    struct ss_figure f;
    enum ss_grade g, had;
    int open, rc;

    if (ti < 0 || org < 0)
        return SS_OK;
    if ((rc = cell_grade(st, e, (size_t)ti, org, c->target_id, c->org_id, start, end, &f, &g)))
        return ss_err_set(err, rc, "db", "the reports of the period cannot be read");
    res->cells++;
    if ((open = ss_store_notice_open(st, c->target_id, c->org_id, &n)) < 0)
        return ss_err_set(err, SS_EDB, "db", "the open notices cannot be read");
    if (!open) {
        int had_one;
        if (g == SS_GRADE_NONE)
            return SS_OK;
        if ((had_one = ss_store_notice_for_period(st, c->target_id, c->org_id, period)) < 0)
            return ss_err_set(err, SS_EDB, "db", "the notices cannot be read");
        if (had_one)
            return SS_OK; /* closed already for this period */
        memset(&n, 0, sizeof n);
        n.plan_id = p->id;
        snprintf(n.grade, sizeof n.grade, "%s", ss_grade_str(g));
        snprintf(n.status, sizeof n.status, "issued");
        snprintf(n.cause, sizeof n.cause, "%s", g == SS_GRADE_BLUE ? "missing" : "lagging");
        n.target_id = c->target_id;
        n.org_id = c->org_id;
        n.dept = p->targets[ti].dept ? ss_xstrdup(p->targets[ti].dept) : NULL;
        snprintf(n.period, sizeof n.period, "%s", period);
        ss_date_fmt(end, n.as_of);
        n.figures = figures_json(&f, &p->targets[ti]);
        n.action = ss_xstrdup(action_for(g));
        ss_date_fmt(day, n.issued_on);
        ss_date_fmt(day + days[g], n.deadline);
        n.issued_by = ss_xstrdup(ss_store_actor(st));
        if (!(rc = ss_store_notice_insert(st, &n, &n.id, &n.no, err)) &&
            !(rc = log_change(st, &n, SS_NOTICE_ISSUED, NULL, day, res, err)))
            res->issued++;
        ss_store_notice_cleanup(&n);
        return rc;
    }
    had = ss_grade_parse(n.grade);
    rc = SS_OK;
    if (g != SS_GRADE_NONE && g > had) {
        snprintf(n.grade, sizeof n.grade, "%s", ss_grade_str(g));
        free(n.figures);
        n.figures = figures_json(&f, &p->targets[ti]);
        ss_date_fmt(end, n.as_of);
        n.to_close = 0;
        if (!(rc = ss_store_notice_update(st, &n, err)) &&
            !(rc = log_change(st, &n, SS_NOTICE_RAISED, NULL, day, res, err)))
            res->raised++;
    } else if (g == SS_GRADE_NONE && !n.to_close && strcmp(n.cause, "manual") != 0) {
        n.to_close = 1;
        if (!(rc = ss_store_notice_update(st, &n, err)) &&
            !(rc = log_change(st, &n, SS_NOTICE_MARKED, NULL, day, res, err)))
            res->marked++;
    } else if (g != SS_GRADE_NONE && n.to_close) {
        n.to_close = 0;
        if (!(rc = ss_store_notice_update(st, &n, err)) &&
            !(rc = log_change(st, &n, SS_NOTICE_UNMARKED, NULL, day, res, err)))
            res->unmarked++;
    }
    ss_store_notice_cleanup(&n);
    return rc;
}

/* Unanswered notices past their deadline: a grade up, and one unit up. */
static int escalate(struct ss_store *st, const struct ss_engine *e, int32_t day, const int days[3],
                    struct ss_supervise_result *res, struct ss_err *err)
{
    struct ss_notice *list;
    size_t n, i;
    char today[11];
    int rc = SS_OK;

    if (ss_store_notice_list(st, ss_engine_plan(e)->id, "issued", &list, &n))
        return ss_err_set(err, SS_EDB, "db", "the open notices cannot be read");
    ss_date_fmt(day, today);
    for (i = n; i-- > 0 && !rc;) { /* oldest first */
        struct ss_notice *x = &list[i];
        enum ss_grade g = ss_grade_parse(x->grade);
        long up = ss_engine_org_by_id(e, x->escalated_org_id ? x->escalated_org_id : x->org_id);
        int32_t dl;

        if (ss_date_parse(x->deadline, &dl) || dl >= day)
            continue;
        if (g < SS_GRADE_RED)
            g++;
        snprintf(x->grade, sizeof x->grade, "%s", ss_grade_str(g));
        x->escalations++;
        if (up >= 0 && ss_engine_org_parent(e, up) >= 0)
            x->escalated_org_id = ss_engine_org(e, ss_engine_org_parent(e, up))->id;
        ss_date_fmt(day + days[g], x->deadline);
        if (!(rc = ss_store_notice_update(st, x, err)) &&
            !(rc = log_change(st, x, SS_NOTICE_ESCALATED, NULL, day, res, err)))
            res->escalated++;
    }
    ss_store_notices_free(list, n);
    return rc;
}

int ss_supervise_run(struct ss_store *st, const struct ss_engine *e, int32_t day,
                     struct ss_supervise_result *res, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    struct cells c = {0};
    int32_t start = 0, end = 0;
    int days[3], rc;
    size_t i;

    memset(res, 0, sizeof *res);
    if (!p)
        return ss_err_set(err, SS_ENOTFOUND, "plan", "there is no current plan");
    if ((rc = ss_store_begin(st, NULL, err)))
        return rc;
    if ((rc = ss_notice_days(st, p->id, days))) {
        rc = ss_err_set(err, SS_EDB, "db", "the notice deadlines cannot be read");
        goto out;
    }
    if (closed_period(p, ss_store_plan_deadline_day(st, p->id), day, &start, &end) == 0) {
        ss_period_fmt(end, res->period);
        if (ss_store_each_assignment(st, p->id, collect, &c)) {
            rc = ss_err_set(err, SS_EDB, "db", "the plan's shares cannot be read");
            goto out;
        }
        for (i = 0; i < c.n && !rc; i++)
            rc = one_cell(st, e, &c.v[i], res->period, start, end, day, days, res, err);
    }
    if (!rc)
        rc = escalate(st, e, day, days, res, err);
    if (!rc) {
        struct ss_remind_result rr;
        if (!(rc = ss_remind_run(st, e, day, res->period, &rr, err))) {
            memcpy(res->remind_period, rr.before_period, sizeof res->remind_period);
            res->reminded = rr.before;
            res->overdue = rr.overdue;
        }
    }
out:
    free(c.v);
    if (rc) {
        ss_store_rollback(st);
        ss_supervise_result_free(res);
        return rc;
    }
    return ss_store_commit(st, err);
}
