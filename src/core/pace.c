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

#include "base/date.h"
#include "core/engine_int.h"

#define PACE_WINDOW 30

const char *ss_status_str(enum ss_status s)
{
    static const char *const names[] = {"done",         "on_track",    "lagging",
                                        "seriously_lagging", "not_reported", "unassigned"};
    return (unsigned)s < 6 ? names[s] : "?";
}

const char *ss_status_label(enum ss_status s)
{
    static const char *const names[] = {"已完成", "正常推进", "滞后", "严重滞后", "未填报", "未分解"};
    return (unsigned)s < 6 ? names[s] : "?";
}

int ss_status_colour(enum ss_status s)
{
    switch (s) {
    case SS_ST_DONE:
    case SS_ST_ON_TRACK: return 0;
    case SS_ST_LAGGING: return 1;
    case SS_ST_SERIOUS:
    case SS_ST_NOT_REPORTED: return 2;
    default: return 3;
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

/* Subtree sums of (a, b) as of day index d; *reporters and *last filled. */
static void sums_at(const struct ss_engine *e, const struct cell *c, int32_t d, double *a,
                    double *b, int *reporters, int32_t *last)
{
    double oa, ob;
    int own;

    *a = *b = 0;
    *reporters = 0;
    *last = -1;
    if (!c || d < 0)
        return;
    own = cell_own_at(c, d, &oa, &ob);
    if (own) {
        uint32_t lo = 0, hi = c->npts;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (c->pts[mid].day <= d)
                lo = mid + 1;
            else
                hi = mid;
        }
        *last = c->pts[lo - 1].day;
        *a = oa;
        *b = ob;
        *reporters = 1;
    }
    if (c->sub_a) {
        int32_t sl = bits_last(c->sub_days, d < e->ndays ? d : e->ndays - 1);
        *a += fen_sum(c->sub_a, e->ndays, d);
        if (c->sub_b)
            *b += fen_sum(c->sub_b, e->ndays, d);
        *reporters += fen_count(c->sub_n, e->ndays, d);
        if (sl > *last)
            *last = sl;
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

void ss_engine_figure(const struct ss_engine *e, size_t ti, long org, int32_t day,
                      struct ss_figure *f)
{
    const struct ss_target *t = &e->plan->targets[ti];
    const struct cell *c = e->cells[ti] && org >= 0 ? &e->cells[ti][org] : NULL;
    int32_t d = day - e->plan->start;
    double a, b, due;
    int32_t last;
    int additive = !kind_is_ratio(t->kind) && t->kind != SS_KIND_MILESTONE;

    if (d >= e->ndays)
        d = e->ndays - 1;
    sums_at(e, c, d, &a, &b, &f->reporters, &last);
    f->as_of = day;
    f->last_report = last >= 0 ? e->plan->start + last : SS_NO_DATE;
    f->numerator = a;
    f->denominator = b;
    f->actual = f->reporters ? actual_of(t->kind, a, b, f->reporters) : 0;

    /* What is planned here: an assigned share; else the whole value at the
     * plan's top unit; rates, changes and milestones hold everywhere. */
    if (c && !isnan(c->planned))
        f->value = c->planned;
    else if (org == e->top || !additive)
        f->value = t->value;
    else
        f->value = NAN;

    due = ss_engine_due_share(e, ti, day);
    f->time = linear_share(e, d) * 100;
    f->expected = due * 100;
    f->expected_value = f->value * due;
    f->progress = f->value > 0 ? f->actual / f->value * 100 : NAN;
    if (isnan(f->actual))
        f->progress = NAN;

    /* Projection: additive targets extend the recent pace; others hold. */
    f->projection = NAN;
    if (f->reporters && additive) {
        double pa, pb, due_then, dshare;
        int pr;
        int32_t pl;
        int32_t back = d - PACE_WINDOW;

        sums_at(e, c, back, &pa, &pb, &pr, &pl);
        due_then = ss_engine_due_share(e, ti, e->plan->start + back);
        dshare = due - due_then;
        if (dshare > 0.01)
            f->projection = a + (a - pa) * (1 - due) / dshare;
        else if (due > 0)
            f->projection = a / due;
    } else if (f->reporters) {
        f->projection = f->actual;
    }

    if (!f->reporters) {
        f->status = SS_ST_NOT_REPORTED;
    } else if (isnan(f->value) || isnan(f->actual)) {
        f->status = SS_ST_UNASSIGNED;
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
