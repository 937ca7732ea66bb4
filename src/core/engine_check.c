/*
 * engine_check.c - the engine's invariant walk (ss_engine_check), as
 * SQLite's integrity check walks its b-trees.
 *
 * What it checks is what engine.c's file-top comment promises, computed
 * again from the cells' own points, not by the code that maintains it:
 *   - the org tree: parents, children, depths and the deepest-first order agree,
 *     and every org id maps back to its index;
 *   - each target's cell table (struct cells): every cell found by its
 *     org unit and by no other, every slot pointing at the cell of its
 *     unit; the cells are exactly the units with the target's data (a
 *     share or a report) and their ancestors: no cell without data at or
 *     below it, none missing above a unit with data;
 *   - every cell's points and steps lie in the period, sorted by day, one
 *     a day, finite, with no second sum (b) for kinds that have none;
 *   - every cell's steps, read on every day, equal the sum over the
 *     unit's children c of E_c (E_c: c's own latest point from its first
 *     one on, before it c's own children's sum), and the count of
 *     reporting units likewise (1 for a unit with its own point); a unit
 *     none of whose descendants reported has no steps at all;
 *   - the steps' days (sub_days) are exactly the days a strict descendant
 *     reported on;
 *   - planned values and expected reporters follow plan_rollup's rule
 *     (engine.c), restated here: counts and amounts take the unit's share,
 *     else the whole target at the top, else the sum of the children's
 *     planned values; levels take the unit's share, else the nearest
 *     share above, else the target's value at the top, where shares lie
 *     below, or everywhere when nothing is assigned (where nothing is
 *     assigned, readers take the target's value as pace.c says, and the
 *     cells' plan_eff is not used: the figure's value is checked then).
 *
 * Cost: every cell of every target with data, every day, a prefix sum per
 * day: seconds at national scale, so it runs where tests run (the
 * sanitizer build, see engine.c) and on request, never in a release
 * server by default.
 *
 * Sums of doubles are compared with a tolerance scaled by the magnitudes
 * that went into them (the steps add the same values in another order);
 * counts and days must be equal.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/util.h"
#include "core/engine_int.h"

/* The children's sums of one unit for one target, per day, built up from
 * the children while the walk goes up the tree. */
struct acc {
    double *a, *b;
    int32_t *n;
    uint64_t *days;
};

static int fail(const struct ss_engine *e, struct ss_err *err, size_t t, long o, int32_t d,
                const char *fmt, double got, double want)
{
    char day[11] = "-";

    if (d >= 0)
        ss_date_fmt(e->plan->start + d, day);
    return ss_err_set(
        err, SS_EINVAL, "engine", "target %lld, org %s, day %s: %s: %.17g, expected %.17g",
        (long long)e->plan->targets[t].id, o >= 0 ? e->orgs[o].code : "-", day, fmt, got, want);
}

static int check_tree(const struct ss_engine *e, struct ss_err *err)
{
    size_t i, k, *pos = ss_xcalloc(e->norgs + 1, sizeof *pos);
    int rc = SS_OK;

    for (i = 0; i < e->norgs; i++)
        pos[e->by_depth[i]] = i + 1;
    for (i = 0; i < e->norgs && !rc; i++) {
        long p = e->parent[i];

        if (!pos[i])
            rc = ss_err_set(err, SS_EINVAL, "engine", "org %s is not in the depth order",
                            e->orgs[i].code);
        else if (e->orgs[i].id <= 0 || e->orgs[i].id > e->max_org_id ||
                 e->id_to_idx[e->orgs[i].id] != (int32_t)i)
            rc = ss_err_set(err, SS_EINVAL, "engine", "org %s: its id does not map back to it",
                            e->orgs[i].code);
        else if (p >= (long)e->norgs || (p >= 0 && e->orgs[p].id != e->orgs[i].parent_id))
            rc = ss_err_set(err, SS_EINVAL, "engine", "org %s: parent index is wrong",
                            e->orgs[i].code);
        else if (e->depth[i] != (p >= 0 ? e->depth[p] + 1 : 0) || e->depth[i] > e->max_depth)
            rc = ss_err_set(err, SS_EINVAL, "engine", "org %s is not in the depth order",
                            e->orgs[i].code); /* its depth: one below its parent's */
        else if (p >= 0 && pos[p] <= pos[i])
            rc = ss_err_set(err, SS_EINVAL, "engine",
                            "org %s is not before its parent in the deepest-first order",
                            e->orgs[i].code);
        for (k = e->kid_start[i]; !rc && k < e->kid_start[i + 1]; k++)
            if (e->kids[k] < 0 || e->parent[e->kids[k]] != (long)i)
                rc = ss_err_set(err, SS_EINVAL, "engine",
                                "org %s lists a child that is not its own", e->orgs[i].code);
    }
    if (!rc) {
        size_t roots = 0;
        for (i = 0; i < e->norgs; i++)
            roots += e->parent[i] < 0;
        if (e->kid_start[e->norgs] + roots != e->norgs)
            rc =
                ss_err_set(err, SS_EINVAL, "engine", "%zu children listed for %zu units, %zu roots",
                           e->kid_start[e->norgs], e->norgs, roots);
    }
    free(pos);
    return rc;
}

static int check_points(const struct ss_engine *e, size_t t, long o, const struct cell *c,
                        int ratio, double *mass, struct ss_err *err)
{
    uint32_t i;

    if (c->npts > c->cap)
        return fail(e, err, t, o, -1, "more points than room", c->npts, c->cap);
    for (i = 0; i < c->npts; i++) {
        const struct point *p = &c->pts[i];

        if (p->day < 0 || p->day >= e->ndays)
            return fail(e, err, t, o, -1, "a point's day lies outside the period", p->day,
                        e->ndays);
        if (i && p->day <= c->pts[i - 1].day)
            return fail(e, err, t, o, p->day, "points not sorted and unique by day", p->day,
                        c->pts[i - 1].day + 1);
        if (!isfinite(p->a) || !isfinite(p->b))
            return fail(e, err, t, o, p->day, "a point is not a finite number", p->a, 0);
        if (!ratio && p->b != 0)
            return fail(e, err, t, o, p->day, "a second sum on a kind without one", p->b, 0);
        if (e->last_seq >= 0 && e->last_seq <= UINT32_MAX && p->seq > (uint64_t)e->last_seq)
            return fail(e, err, t, o, p->day, "a point approved after the last seq applied", p->seq,
                        (double)e->last_seq);
        *mass += fabs(p->a) + fabs(p->b);
    }
    if (c->nsub > c->subcap)
        return fail(e, err, t, o, -1, "more steps than room", c->nsub, c->subcap);
    for (i = 0; i < c->nsub; i++) {
        const struct step *x = &c->sub[i];

        if (x->day < 0 || x->day >= e->ndays)
            return fail(e, err, t, o, -1, "a step's day lies outside the period", x->day, e->ndays);
        if (i && x->day <= c->sub[i - 1].day)
            return fail(e, err, t, o, x->day, "steps not sorted and unique by day", x->day,
                        c->sub[i - 1].day + 1);
        if (!isfinite(x->a) || !isfinite(x->b))
            return fail(e, err, t, o, x->day, "a step is not a finite number", x->a, 0);
        if (!ratio && x->b != 0)
            return fail(e, err, t, o, x->day, "a second sum on a kind without one", x->b, 0);
    }
    return SS_OK;
}

static void acc_free(struct acc *x)
{
    free(x->a);
    free(x->b);
    free(x->n);
    free(x->days);
    memset(x, 0, sizeof *x);
}

static void acc_make(const struct ss_engine *e, struct acc *x)
{
    size_t n = (size_t)e->ndays;

    if (x->a)
        return;
    x->a = ss_xcalloc(n, sizeof *x->a);
    x->b = ss_xcalloc(n, sizeof *x->b);
    x->n = ss_xcalloc(n, sizeof *x->n);
    x->days = ss_xcalloc((n + 63) / 64, sizeof *x->days);
}

/* What a unit without a cell reads as: nothing. */
static const struct cell NO_CELL = {.planned = NAN, .plan_eff = NAN, .org = -1};

static const struct cell *cell_of(const struct ss_engine *e, size_t t, long o)
{
    const struct cell *c = ss_cell_find(e, t, o);
    return c ? c : &NO_CELL;
}

/* Target t's cell table: index and cells agree, every cell is found by
 * its own unit, and the cells are the units with data and their ancestors. */
static int check_cells(const struct ss_engine *e, size_t t, struct ss_err *err)
{
    const struct cells *cs = &e->cells[t];
    char *below = NULL; /* per org: data at or below it */
    uint32_t k, used = 0;
    int rc = SS_OK;

    if (!cs->n)
        return SS_OK;
    if (cs->n > cs->cap || !cs->at)
        return fail(e, err, t, -1, -1, "cell table size (cells, room)", cs->n, cs->cap);
    for (size_t o = 0; o < e->norgs; o++) {
        if (cs->at[o] < 0)
            continue;
        used++;
        if ((uint32_t)cs->at[o] >= cs->n || cs->v[cs->at[o]].org != (int32_t)o)
            return fail(e, err, t, (long)o, -1, "the index points at another unit's cell",
                        cs->at[o], cs->n);
    }
    if (used != cs->n)
        return fail(e, err, t, -1, -1, "units indexed against cells", used, cs->n);
    for (k = 0; k < cs->n; k++) {
        const struct cell *c = &cs->v[k];
        long p;

        if (c->org < 0 || (size_t)c->org >= e->norgs)
            return fail(e, err, t, -1, -1, "a cell's org index", c->org, (double)e->norgs);
        if (ss_cell_find(e, t, c->org) != c)
            return fail(e, err, t, c->org, -1, "the cell is not found by its unit", 0, 1);
        p = e->parent[c->org];
        if (p >= 0 && !ss_cell_find(e, t, p))
            return fail(e, err, t, p, -1, "a unit below has a cell but this one has none", 0, 1);
    }
    below = ss_xcalloc(e->norgs + 1, 1);
    for (size_t i = 0; i < e->norgs; i++) { /* deepest first */
        long o = e->by_depth[i], p = e->parent[o];
        const struct cell *c = ss_cell_find(e, t, o);

        below[o] |= c && (!isnan(c->planned) || c->npts);
        if (c && !below[o]) {
            rc = fail(e, err, t, o, -1, "a cell with no share or report at or below it", 0, 1);
            break;
        }
        if (p >= 0)
            below[p] |= below[o];
    }
    free(below);
    return rc;
}

/* The steps of every unit against its children's effective values,
 * deepest units first, so a unit's children are summed before it. */
static int check_sums(const struct ss_engine *e, size_t t, double tol, struct ss_err *err)
{
    struct acc *acc = ss_xcalloc(e->norgs + 1, sizeof *acc);
    size_t k, nw = ((size_t)e->ndays + 63) / 64, w;
    uint64_t *days = ss_xcalloc(nw, sizeof *days); /* the unit's step days */
    int rc = SS_OK;

    for (k = 0; k < e->norgs && !rc; k++) {
        long o = e->by_depth[k], p = e->parent[o];
        const struct cell *c = cell_of(e, t, o);
        struct acc *kid = &acc[o];
        uint32_t next = 0, step = 0, i;
        double oa = 0, ob = 0;
        int own = 0;

        if (!c->nsub && kid->a)
            rc = fail(e, err, t, o, -1, "children reported but the unit has no steps", 0, 1);
        else if (c->nsub && !kid->a)
            rc = fail(e, err, t, o, -1, "steps but no child reported", 1, 0);
        memset(days, 0, nw * sizeof *days);
        for (i = 0; i < c->nsub; i++)
            days[c->sub[i].day / 64] |= 1ULL << (c->sub[i].day % 64);
        for (w = 0; !rc && w < nw; w++) {
            uint64_t have = days[w], want = kid->days ? kid->days[w] : 0;
            if (have != want) {
                int32_t d = (int32_t)(w * 64) + __builtin_ctzll(have ^ want);
                rc = fail(e, err, t, o, d, "sub_days bit", (double)(have >> (d % 64) & 1),
                          (double)(want >> (d % 64) & 1));
            }
        }
        if (!rc && p >= 0 && (c->npts || c->nsub))
            acc_make(e, &acc[p]);
        for (int32_t d = 0; !rc && d < e->ndays && (c->npts || c->nsub); d++) {
            double sa = 0, sb = 0;
            int32_t sn = 0;

            while (step < c->nsub && c->sub[step].day <= d)
                step++;
            if (c->nsub) {
                if (step) {
                    sa = c->sub[step - 1].a;
                    sb = c->sub[step - 1].b;
                    sn = c->sub[step - 1].n;
                }
                if (!(fabs(sa - kid->a[d]) <= tol))
                    rc = fail(e, err, t, o, d, "sub_a against the children's sum", sa, kid->a[d]);
                else if (!(fabs(sb - kid->b[d]) <= tol))
                    rc = fail(e, err, t, o, d, "sub_b against the children's sum", sb, kid->b[d]);
                else if (sn != kid->n[d])
                    rc = fail(e, err, t, o, d, "sub_n against the children's reporting units", sn,
                              kid->n[d]);
            }
            while (next < c->npts && c->pts[next].day <= d) {
                oa = c->pts[next].a;
                ob = c->pts[next].b;
                own = 1;
                next++;
            }
            if (rc || p < 0)
                continue;
            acc[p].a[d] += own ? oa : sa; /* E of this unit */
            acc[p].b[d] += own ? ob : sb;
            acc[p].n[d] += own ? 1 : sn;
        }
        if (!rc && p >= 0 && acc[p].days) {
            for (i = 0; i < c->npts; i++)
                acc[p].days[c->pts[i].day / 64] |= 1ULL << (c->pts[i].day % 64);
            for (w = 0; w < nw; w++)
                acc[p].days[w] |= days[w];
        }
        acc_free(kid);
    }
    for (k = 0; k < e->norgs; k++)
        acc_free(&acc[k]);
    free(acc);
    free(days);
    return rc;
}

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b || fabs(a - b) <= 1e-9 * fmax(1, fabs(b));
}

/* The nearest share at o or above it, NAN if none. */
static double share_above(const struct ss_engine *e, size_t t, long o)
{
    for (; o >= 0; o = e->parent[o])
        if (!isnan(cell_of(e, t, o)->planned))
            return cell_of(e, t, o)->planned;
    return NAN;
}

/* Planned values and expected reporters, restated (see the file-top
 * comment): a second computation to hold plan_rollup's against. */
static int check_plan(const struct ss_engine *e, size_t t, struct ss_err *err)
{
    const struct ss_target *tg = &e->plan->targets[t];
    int additive = !ss_kind_is_ratio(tg->kind) && tg->kind != SS_KIND_MILESTONE;
    double *eff = ss_xmalloc((e->norgs + 1) * sizeof *eff);
    int32_t *expect = ss_xcalloc(e->norgs + 1, sizeof *expect), assigned = 0;
    char *below = ss_xcalloc(e->norgs + 1, 1); /* a share strictly below */
    size_t k;
    int rc = SS_OK;

    for (k = 0; k < e->norgs; k++) {
        assigned += !isnan(cell_of(e, t, (long)k)->planned);
        eff[k] = NAN;
    }
    if (assigned != e->nassigned[t])
        rc = fail(e, err, t, -1, -1, "units holding a share", e->nassigned[t], assigned);
    for (k = 0; k < e->norgs; k++) { /* deepest first: children before parents */
        long o = e->by_depth[k], p = e->parent[o];
        double share = cell_of(e, t, o)->planned;
        int has = !isnan(share);

        expect[o] += has && !below[o];
        if (additive) {
            if (has)
                eff[o] = share;
            else if (o == e->top)
                eff[o] = tg->value;
        }
        if (p < 0)
            continue;
        expect[p] += expect[o];
        below[p] |= has || below[o];
        if (additive && !isnan(eff[o]) && isnan(cell_of(e, t, p)->planned) && p != e->top)
            eff[p] = (isnan(eff[p]) ? 0 : eff[p]) + eff[o];
    }
    for (k = 0; !rc && k < e->norgs; k++) {
        long o = (long)k;
        const struct cell *c = cell_of(e, t, o);
        struct ss_figure f;

        if (!additive) {
            eff[o] = share_above(e, t, o);
            if (isnan(eff[o]) && (o == e->top || expect[o] > 0 || !assigned))
                eff[o] = tg->value;
        }
        ss_engine_figure(e, t, o, e->plan->start, &f);
        if (expect[o] != c->expect_n)
            rc = fail(e, err, t, o, -1, "expected reporters", c->expect_n, expect[o]);
        else if (assigned && c != &NO_CELL && !same(c->plan_eff, eff[o]))
            rc = fail(e, err, t, o, -1, "planned value", c->plan_eff, eff[o]);
        else if (!same(f.value, eff[o]))
            rc = fail(e, err, t, o, -1, "planned value as read", f.value, eff[o]);
    }
    free(eff);
    free(expect);
    free(below);
    return rc;
}

int ss_engine_check(const struct ss_engine *e, struct ss_err *err)
{
    int32_t depth = 1;
    int rc;

    if (e->bulk)
        return ss_err_set(err, SS_EINVAL, "engine", "checked in the middle of a bulk load");
    if ((rc = check_tree(e, err)))
        return rc;
    for (size_t o = 0; o < e->norgs; o++) {
        int32_t d = 1;
        for (long a = e->parent[o]; a >= 0 && d <= (int32_t)e->norgs; a = e->parent[a])
            d++;
        if (d > depth)
            depth = d;
    }
    for (size_t t = 0; t < e->plan->ntargets; t++) {
        const struct cells *cs = &e->cells[t];
        int ratio = ss_kind_is_ratio(e->plan->targets[t].kind);
        double mass = 0;

        if (!cs->n) {
            if (e->nassigned[t])
                return fail(e, err, t, -1, -1, "shares counted on a target without cells",
                            e->nassigned[t], 0);
            continue;
        }
        if ((rc = check_cells(e, t, err)))
            return rc;
        for (uint32_t k = 0; k < cs->n; k++)
            if ((rc = check_points(e, t, cs->v[k].org, &cs->v[k], ratio, &mass, err)))
                return rc;
        /* each point reaches a tree as at most two deltas per level */
        if ((rc = check_sums(e, t, 1e-9 * (1 + 4 * depth * mass), err)) ||
            (rc = check_plan(e, t, err)))
            return rc;
    }
    return SS_OK;
}
