/*
 * pace.c - reading figures: actual against expected, status, projection.
 *
 * Expected progress follows the target's schedule: linear over the plan
 * period by default, or a monthly profile (cumulative share due by the end
 * of each month of the period, interpolated by day within the month).
 * Status compares progress with the due share in percentage points, with
 * the plan's yellow / red thresholds (PRODUCT.md, "How progress is
 * counted"). The projection extends the last 30 days' pace to the end of
 * the period, scaled by how much of the schedule those days covered.
 */
#include <math.h>
#include <string.h>

#include "base/date.h"
#include "core/engine_int.h"

#define PACE_WINDOW 30

const char *ss_status_str(enum ss_status s)
{
    static const char *const names[SS_ST_COUNT] = {
        "done",         "on_track",   "lagging", "seriously_lagging",
        "not_reported", "unassigned", "no_task"};
    return (unsigned)s < SS_ST_COUNT ? names[s] : "?";
}

const char *ss_status_label(enum ss_status s)
{
    static const char *const names[SS_ST_COUNT] = {"已完成", "正常推进", "滞后",      "严重滞后",
                                                   "未填报", "未分解",   "本级无任务"};
    return (unsigned)s < SS_ST_COUNT ? names[s] : "?";
}

int ss_status_colour(enum ss_status s)
{
    switch (s) {
    case SS_ST_DONE:
    case SS_ST_ON_TRACK:
        return 0;
    case SS_ST_LAGGING:
        return 1;
    case SS_ST_SERIOUS:
    case SS_ST_NOT_REPORTED:
        return 2;
    default:
        return 3;
    }
}

/* Share of the period elapsed at the end of day index d. */
static double linear_share(const struct ss_engine *e, int32_t d)
{
    if (d < 0)
        return 0;
    if (d >= e->ndays - 1)
        return 1;
    return (double)(d + 1) / e->ndays;
}

double ss_engine_due_share(const struct ss_engine *e, size_t ti, int32_t day)
{
    const struct ss_target *t = &e->plan->targets[ti];
    int32_t d = day - e->plan->start;
    int y0, m0, d0, y, m, dd, month;
    double before, at;

    if (!t->has_profile)
        return linear_share(e, d);
    if (d < 0)
        return 0;
    if (day >= e->plan->end)
        return 1;
    ss_civil_from_days(e->plan->start, &y0, &m0, &d0);
    ss_civil_from_days(day, &y, &m, &dd);
    month = (y - y0) * 12 + (m - m0);
    if (month >= 12)
        return 1;
    before = month > 0 ? t->profile[month - 1] : 0;
    at = t->profile[month];
    return before + (at - before) * dd / ss_days_in_month(y, m);
}

/* The effective sums of cell c as of day index d (see engine_int.h): the
 * unit's own latest report, else its children's sum. */
struct sums {
    double a, b; /* what the figure is made of */
    int reporters;
    int own;       /* a, b are the unit's own report */
    double ca, cb; /* the children's sum */
    int cn;        /* children's reporting units (0: none) */
    int32_t last;  /* latest report day in the subtree, or -1 */
};

static void sums_at(const struct cell *c, int32_t d, struct sums *s)
{
    const struct step *sub;
    double oa, ob;

    memset(s, 0, sizeof *s);
    s->last = -1;
    if (!c || d < 0)
        return;
    if ((sub = ss_cell_sub_at(c, d))) {
        s->ca = sub->a;
        s->cb = sub->b;
        s->cn = sub->n;
        s->last = sub->day;
    }
    s->own = ss_cell_own_at(c, d, &oa, &ob);
    if (s->own) {
        uint32_t lo = 0, hi = c->npts;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (c->pts[mid].day <= d)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (c->pts[lo - 1].day > s->last)
            s->last = c->pts[lo - 1].day;
        s->a = oa;
        s->b = ob;
        s->reporters = 1;
    } else {
        s->a = s->ca;
        s->b = s->cb;
        s->reporters = s->cn;
    }
}

static double actual_of(enum ss_kind k, double a, double b, int reporters)
{
    if (k == SS_KIND_MILESTONE) /* the average stage reached */
        return reporters > 0 ? a / reporters : 0;
    if (k == SS_KIND_RATE)
        return b > 0 ? a / b * 100 : NAN;
    if (k == SS_KIND_CHANGE)
        return b > 0 ? (a / b - 1) * 100 : NAN;
    return a;
}

static int is_level(enum ss_kind k)
{
    return k == SS_KIND_RATE || k == SS_KIND_CHANGE;
}

/* What is planned at a unit (engine.c, plan_rollup). */
static double planned_at(const struct ss_engine *e, size_t ti, const struct cell *c, long org)
{
    const struct ss_target *t = &e->plan->targets[ti];
    int additive = !ss_kind_is_ratio(t->kind) && t->kind != SS_KIND_MILESTONE;

    if (e->nassigned[ti])
        return c ? c->plan_eff : ss_cell_plan_without(e, ti, org);
    /* not broken down: the whole target at the top; levels hold everywhere */
    return org == e->top || !additive ? t->value : NAN;
}

/* A level (rate, change) against its target: met or not at the plan's
 * end; before it, at or beyond the target is on track, short of it
 * lagging, and short by more than red_pp points seriously lagging. */
static enum ss_status level_status(const struct ss_engine *e, const struct ss_target *t,
                                   const struct ss_figure *f, int32_t day)
{
    int ended = day >= e->plan->end;

    if (t->op == SS_OP_LE) {
        if (f->actual > f->value)
            return SS_ST_SERIOUS;
        return ended ? SS_ST_DONE : SS_ST_ON_TRACK;
    }
    if (f->actual >= f->value)
        return ended ? SS_ST_DONE : SS_ST_ON_TRACK;
    if (ended || f->value - f->actual > e->plan->red_pp)
        return SS_ST_SERIOUS;
    return SS_ST_LAGGING;
}

void ss_engine_figure(const struct ss_engine *e, size_t ti, long org, int32_t day,
                      struct ss_figure *f)
{
    const struct ss_target *t = &e->plan->targets[ti];
    const struct cell *c = ss_cell_find(e, ti, org);
    int32_t d = day - e->plan->start;
    double due;
    struct sums s;
    int additive = !ss_kind_is_ratio(t->kind) && t->kind != SS_KIND_MILESTONE;
    int level = is_level(t->kind);

    if (d >= e->ndays)
        d = e->ndays - 1;
    sums_at(c, d, &s);
    f->as_of = day;
    f->last_report = s.last >= 0 ? e->plan->start + s.last : SS_NO_DATE;
    f->numerator = s.a;
    f->denominator = s.b;
    f->reporters = s.reporters;
    f->own = s.own;
    f->actual = f->reporters ? actual_of(t->kind, s.a, s.b, f->reporters) : 0;
    f->children_reporters = s.cn;
    f->children = s.cn ? actual_of(t->kind, s.ca, s.cb, s.cn) : NAN;
    f->differs =
        s.own && s.cn && !(fabs(f->children - f->actual) <= 1e-9 * fmax(1, fabs(f->actual)));
    f->expected_reporters = c ? c->expect_n : 0;
    f->value = planned_at(e, ti, c, org);

    due = ss_engine_due_share(e, ti, day);
    f->time = linear_share(e, d) * 100;
    if (level) {
        f->expected = f->expected_value = f->progress = NAN;
    } else {
        f->expected = due * 100;
        f->expected_value = f->value * due;
        f->progress = f->value > 0 ? f->actual / f->value * 100 : NAN;
        if (isnan(f->actual))
            f->progress = NAN;
    }

    /* Projection: additive targets extend the recent pace; others hold. */
    f->projection = NAN;
    if (f->reporters && additive) {
        struct sums p;
        double due_then, dshare;
        int32_t back = d - PACE_WINDOW;

        sums_at(c, back, &p);
        due_then = ss_engine_due_share(e, ti, e->plan->start + back);
        dshare = due - due_then;
        if (dshare > 0.01)
            f->projection = s.a + (s.a - p.a) * (1 - due) / dshare;
        else if (due > 0)
            f->projection = s.a / due;
    } else if (f->reporters) {
        f->projection = f->actual;
    }

    if (!f->reporters) {
        f->status = isnan(f->value) ? SS_ST_NO_TASK : SS_ST_NOT_REPORTED;
    } else if (isnan(f->value) || isnan(f->actual)) {
        f->status = SS_ST_UNASSIGNED;
    } else if (level) {
        f->status = level_status(e, t, f, day);
    } else if (t->op == SS_OP_LE) {
        if (f->actual > f->value)
            f->status = SS_ST_SERIOUS;
        else
            f->status = day >= e->plan->end ? SS_ST_DONE : SS_ST_ON_TRACK;
    } else if (f->progress >= 100) {
        f->status = SS_ST_DONE;
    } else {
        double gap = f->expected - f->progress;
        f->status = gap > e->plan->red_pp      ? SS_ST_SERIOUS
                    : gap > e->plan->yellow_pp ? SS_ST_LAGGING
                                               : SS_ST_ON_TRACK;
    }
}
