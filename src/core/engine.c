/*
 * engine.c - building and updating the live roll-up (see engine.h).
 *
 * The rule (PRODUCT.md): a unit's figure as of day d is its effective
 * value E(d) = its own latest report as of d when it has one, else the sum
 * of its children's effective values. A unit's own report is its whole
 * figure; where its children also report, their sum is kept beside it as a
 * check and the two are never added.
 *
 * Invariants:
 *   - for every cell, pts is sorted by day with at most one point per day;
 *   - for every org A, A's steps (sub) hold exactly the sum over A's
 *     children c of E_c (values, denominators, reporting units), where E_c
 *     follows c's own points from c's first own report on and c's own
 *     children's sum before it;
 *   - A has a step on exactly the days a strict descendant reported;
 *   - a target's cells are the units with a share or a report and their
 *     ancestors (struct cells in engine_int.h);
 *   - last_seq is the highest approval seq applied; every approved report
 *     with seq <= last_seq of this plan's targets has been applied once.
 *
 * Reports arrive by approval order, not by day, so a report may land
 * between two existing ones. Applying one computes how E of its own unit
 * changes, as a short list of point deltas ("from day x on, add v"), and
 * hands the list up the tree: each ancestor adds it to its steps and
 * passes on only the part before its own first report (E of a unit with
 * its own report no longer follows its children), closed by one
 * compensating delta at that first report. A later report of a unit that
 * already reports is two deltas (its day, and the next point's); a unit's
 * first own report over children that already reported replaces their sum
 * up to the next own point, one delta per day their sum changed on.
 *
 * A full load (millions of rows) runs in bulk mode: the rows only fill
 * the cells' own points, in storage order, so two approved rows for the
 * same day are settled by seq (the later approval wins). finish_bulk then
 * walks each target's cells deepest level first, adds each unit's E as
 * plain per-day deltas into its parent's steps, and turns every unit's
 * steps into running sums once its children are in: linear in the number
 * of points and steps (but for sorting each unit's few days).
 *
 * ss_engine_check (engine_check.c) walks these invariants; the sanitizer
 * build runs it after every open and every refresh that changed figures
 * (check_or_abort below), so every test that drives the engine checks them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"
#include "base/util.h"
#include "core/engine_int.h"
#include "core/translate.h"
#include "store/store_translation.h"

static void *track(struct ss_engine *e, void *p, size_t n)
{
    e->bytes += n;
    return p;
}

int ss_kind_is_ratio(enum ss_kind k)
{
    return k == SS_KIND_RATE || k == SS_KIND_CHANGE;
}

/* ---- a unit's children's sums: steps over the days (struct step) ---- */

/* Index of c's first step with day >= d (nsub when none). */
static uint32_t step_lower(const struct cell *c, int32_t d)
{
    uint32_t lo = 0, hi = c->nsub;

    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (c->sub[mid].day < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct step *ss_cell_sub_at(const struct cell *c, int32_t d)
{
    uint32_t i = d < INT32_MAX ? step_lower(c, d + 1) : c->nsub;

    return i ? &c->sub[i - 1] : NULL;
}

/* c's step on day d, made if it has none: a new step starts as the sums
 * in effect before it, or at 0 in bulk (steps hold per-day changes until
 * finish_bulk adds them up). Returns its index. */
static uint32_t step_make(struct ss_engine *e, struct cell *c, int32_t d, int bulk)
{
    uint32_t i = step_lower(c, d);

    if (i < c->nsub && c->sub[i].day == d)
        return i;
    if (c->nsub == c->subcap) {
        uint32_t cap = c->subcap ? c->subcap * 2 : 4;
        c->sub = ss_xrealloc(c->sub, cap * sizeof *c->sub);
        e->bytes += (cap - c->subcap) * sizeof *c->sub;
        c->subcap = cap;
    }
    memmove(c->sub + i + 1, c->sub + i, (c->nsub - i) * sizeof *c->sub);
    c->nsub++;
    if (i && !bulk)
        c->sub[i] = c->sub[i - 1];
    else
        memset(&c->sub[i], 0, sizeof c->sub[i]);
    c->sub[i].day = d;
    return i;
}

/* From day x->day on, add the change x to c's children's sums. */
static void step_add(struct ss_engine *e, struct cell *c, const struct delta *x)
{
    for (uint32_t i = step_make(e, c, x->day, 0); i < c->nsub; i++) {
        c->sub[i].a += x->a;
        c->sub[i].b += x->b;
        c->sub[i].n += x->n;
    }
}

/* ---- cells ---- */

int ss_cell_own_at(const struct cell *c, int32_t d, double *a, double *b)
{
    uint32_t lo = 0, hi = c->npts;

    /* first point with day > d */
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (c->pts[mid].day <= d)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) {
        *a = *b = 0;
        return 0;
    }
    *a = c->pts[lo - 1].a;
    *b = c->pts[lo - 1].b;
    return 1;
}

/* ---- a target's cells: the table by org (see struct cells) ---- */

const struct cell *ss_cell_find(const struct ss_engine *e, size_t t, long org)
{
    const struct cells *cs = &e->cells[t];

    if (!cs->at || org < 0 || (size_t)org >= e->norgs || cs->at[org] < 0)
        return NULL;
    return &cs->v[cs->at[org]];
}

static struct cell *cell_find(struct ss_engine *e, size_t t, long org)
{
    return (struct cell *)ss_cell_find(e, t, org);
}

/* A new empty cell for org, which has none yet. */
static void cell_add(struct ss_engine *e, size_t t, long org)
{
    struct cells *cs = &e->cells[t];
    struct cell *c;

    if (!cs->at) {
        cs->at =
            track(e, ss_xmalloc((e->norgs + 1) * sizeof *cs->at), (e->norgs + 1) * sizeof *cs->at);
        for (size_t o = 0; o < e->norgs; o++)
            cs->at[o] = -1;
    }
    if (cs->n == cs->cap) {
        uint32_t cap = cs->cap ? cs->cap * 2 : 16;
        if (cs->packed) { /* out of the block, into an array of its own */
            struct cell *v = ss_xmalloc(cap * sizeof *v);
            memcpy(v, cs->v, cs->n * sizeof *v);
            e->bytes += cs->cap * sizeof *v; /* its slice of the block stays */
            cs->v = v;
            cs->packed = 0;
        } else {
            cs->v = ss_xrealloc(cs->v, cap * sizeof *cs->v);
        }
        e->bytes += (cap - cs->cap) * sizeof *cs->v;
        cs->cap = cap;
    }
    c = &cs->v[cs->n++];
    memset(c, 0, sizeof *c);
    c->org = (int32_t)org;
    c->planned = NAN;
    /* made after plan_rollup (a report, or an ancestor's): nothing planned
     * at or below it, so what plan_rollup gives a unit without a cell */
    c->plan_eff = ss_cell_plan_without(e, t, org);
    cs->at[org] = (int32_t)(cs->n - 1);
}

/*
 * Target t's cell of org, made (with every ancestor's that is missing)
 * if it has none. The pointer holds until the next cell is made.
 */
static struct cell *cell_make(struct ss_engine *e, size_t t, long org)
{
    struct cell *c = cell_find(e, t, org);

    if (c)
        return c;
    /* an ancestor with a cell has every ancestor of its own with one */
    for (long a = org; a >= 0 && !cell_find(e, t, a); a = e->parent[a])
        cell_add(e, t, a);
    return cell_find(e, t, org);
}

/* Target t's cells, deepest units first (so children before their
 * parents): their indexes in cs->v, which the caller frees. */
static uint32_t *cells_deepest_first(const struct ss_engine *e, const struct cells *cs)
{
    size_t *at = ss_xcalloc((size_t)e->max_depth + 2, sizeof *at);
    uint32_t *order = ss_xmalloc((cs->n + 1) * sizeof *order), k;

    for (k = 0; k < cs->n; k++)
        at[e->max_depth - e->depth[cs->v[k].org] + 1]++;
    for (int32_t d = 1; d <= e->max_depth + 1; d++)
        at[d] += at[d - 1];
    for (k = 0; k < cs->n; k++)
        order[at[e->max_depth - e->depth[cs->v[k].org]]++] = k;
    free(at);
    return order;
}

static void cell_free(struct cell *c)
{
    free(c->pts);
    free(c->sub);
}

static long target_index(const struct ss_engine *e, int64_t id)
{
    size_t lo = 0, hi = e->plan->ntargets;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e->tid_sorted[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < e->plan->ntargets && e->tid_sorted[lo] == id)
        return (long)e->tidx_sorted[lo];
    return -1;
}

long ss_engine_org_by_id(const struct ss_engine *e, int64_t id)
{
    if (id <= 0 || id > e->max_org_id)
        return -1;
    return e->id_to_idx[id];
}

static size_t push(struct delta *out, size_t n, int32_t day, double a, double b, int32_t cnt)
{
    if (a == 0 && b == 0 && cnt == 0)
        return n;
    out[n].day = day;
    out[n].a = a;
    out[n].b = b;
    out[n].n = cnt;
    return n + 1;
}

/*
 * How E of cell c changes when its first own point becomes (a, b) at day d,
 * replacing its children's sum on [d, end): one delta at d, one at each day
 * the children's sum changed on inside the range, one closing at `end`
 * (unless end is past the period). Written to out (ndays + 2 entries).
 */
static size_t first_own_change(const struct ss_engine *e, const struct cell *c, int32_t d,
                               int32_t end, double a, double b, struct delta *out)
{
    const struct step *at = ss_cell_sub_at(c, d);
    double sa = at ? at->a : 0, sb = at ? at->b : 0;
    int32_t sn = at ? at->n : 0;
    size_t n = push(out, 0, d, a - sa, b - sb, 1 - sn);

    for (uint32_t i = step_lower(c, d + 1); i < c->nsub && c->sub[i].day < end; i++) {
        const struct step *x = &c->sub[i];
        n = push(out, n, x->day, -(x->a - sa), -(x->b - sb), -(x->n - sn));
        sa = x->a;
        sb = x->b;
        sn = x->n;
    }
    if (end < e->ndays)
        n = push(out, n, end, -(a - sa), -(b - sb), -(1 - sn));
    return n;
}

int ss_engine_apply(struct ss_engine *e, const struct ss_report_row *r)
{
    long t = target_index(e, r->target_id), org = ss_engine_org_by_id(e, r->org_id);
    int ratio;
    struct cell *c;
    uint32_t pos, lo, hi;
    double pa = 0, pb = 0, na, nb;
    int32_t d, next = -1, old_first;
    int replaced = 0;
    size_t nd = 0;

    if (r->seq > e->last_seq)
        e->last_seq = r->seq;
    if (t < 0 || org < 0 || r->as_of == SS_NO_DATE)
        return 0; /* another plan's target, or an org unit not loaded */
    ratio = ss_kind_is_ratio(e->plan->targets[t].kind);
    d = r->as_of - e->plan->start;
    if (d < 0)
        d = 0;
    if (d >= e->ndays)
        d = e->ndays - 1;
    c = cell_make(e, (size_t)t, org); /* and its ancestors': none is made below */
    old_first = c->npts ? c->pts[0].day : -1;

    lo = 0;
    hi = c->npts;
    while (lo < hi) { /* first point with day >= d */
        uint32_t mid = (lo + hi) / 2;
        if (c->pts[mid].day < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    pos = lo;
    if (pos < c->npts && c->pts[pos].day == d) {
        if (e->bulk && c->pts[pos].seq > (uint32_t)r->seq)
            return 0; /* an earlier approval of the same day: superseded */
        replaced = 1;
        pa = c->pts[pos].a;
        pb = c->pts[pos].b;
        if (pos + 1 < c->npts)
            next = c->pts[pos + 1].day;
    } else {
        if (pos > 0) {
            pa = c->pts[pos - 1].a;
            pb = c->pts[pos - 1].b;
        }
        if (pos < c->npts)
            next = c->pts[pos].day;
    }
    na = r->a;
    nb = ratio ? r->b : 0;
    if (!e->bulk) { /* E of this unit: how it moves (before the point changes) */
        if (old_first >= 0 && d >= old_first) {
            nd = push(e->scratch, nd, d, na - pa, nb - pb, 0);
            if (next >= 0)
                nd = push(e->scratch, nd, next, -(na - pa), -(nb - pb), 0);
        } else {
            nd = first_own_change(e, c, d, old_first >= 0 ? old_first : e->ndays, na, nb,
                                  e->scratch);
        }
    }
    if (!replaced) {
        if (c->npts == c->cap) {
            uint32_t cap = c->cap ? c->cap * 2 : 4;
            c->pts = ss_xrealloc(c->pts, cap * sizeof *c->pts);
            e->bytes += (cap - c->cap) * sizeof *c->pts;
            c->cap = cap;
        }
        memmove(c->pts + pos + 1, c->pts + pos, (c->npts - pos) * sizeof *c->pts);
        c->npts++;
    }
    c->pts[pos].day = d;
    c->pts[pos].seq = (uint32_t)r->seq;
    c->pts[pos].a = na;
    c->pts[pos].b = nb;
    if (e->bulk)
        return 0;

    for (long anc = e->parent[org]; anc >= 0; anc = e->parent[anc]) {
        struct cell *ac = cell_find(e, (size_t)t, anc);
        size_t i, kept = 0;
        double ka = 0, kb = 0;
        int32_t kn = 0, first = ac->npts ? ac->pts[0].day : INT32_MAX;

        step_make(e, ac, d, 0); /* a day a descendant reported on */
        for (i = 0; i < nd; i++) {
            const struct delta *x = &e->scratch[i];
            step_add(e, ac, x);
            if (x->day < first) { /* E of anc follows its children only here */
                e->scratch[kept++] = *x;
                ka += x->a;
                kb += x->b;
                kn += x->n;
            }
        }
        nd = kept;
        if (first != INT32_MAX)
            nd = push(e->scratch, nd, first, -ka, -kb, -kn);
    }
    return 0;
}

static int apply_cb(void *ctx, const struct ss_report_row *r)
{
    return ss_engine_apply(ctx, r);
}

static int assign_cb(void *ctx, const struct ss_assignment_row *a)
{
    struct ss_engine *e = ctx;
    long t = target_index(e, a->target_id), org = ss_engine_org_by_id(e, a->org_id);

    if (t >= 0 && org >= 0)
        cell_make(e, (size_t)t, org)->planned = a->value;
    return 0;
}

static int cmp_org_code(const void *a, const void *b)
{
    return strcmp(((const struct ss_org *)a)->code, ((const struct ss_org *)b)->code);
}

static void build_tree(struct ss_engine *e)
{
    size_t i, n = e->norgs;
    size_t *fill;

    qsort(e->orgs, n, sizeof *e->orgs, cmp_org_code);
    e->max_org_id = 0;
    for (i = 0; i < n; i++)
        if (e->orgs[i].id > e->max_org_id)
            e->max_org_id = e->orgs[i].id;
    e->id_to_idx = track(e, ss_xmalloc((size_t)(e->max_org_id + 1) * sizeof(int32_t)),
                         (size_t)(e->max_org_id + 1) * sizeof(int32_t));
    for (i = 0; i <= (size_t)e->max_org_id; i++)
        e->id_to_idx[i] = -1;
    for (i = 0; i < n; i++)
        e->id_to_idx[e->orgs[i].id] = (int32_t)i;
    e->parent = track(e, ss_xmalloc((n + 1) * sizeof(long)), (n + 1) * sizeof(long));
    e->kid_start = track(e, ss_xcalloc(n + 2, sizeof(size_t)), (n + 2) * sizeof(size_t));
    e->kids = track(e, ss_xmalloc((n + 1) * sizeof(long)), (n + 1) * sizeof(long));
    for (i = 0; i < n; i++) {
        e->parent[i] = ss_engine_org_by_id(e, e->orgs[i].parent_id);
        if (e->parent[i] >= 0)
            e->kid_start[e->parent[i] + 1]++;
    }
    for (i = 0; i < n; i++)
        e->kid_start[i + 1] += e->kid_start[i];
    fill = ss_xcalloc(n + 1, sizeof *fill);
    for (i = 0; i < n; i++) /* in code order, so children come out sorted */
        if (e->parent[i] >= 0) {
            long p = e->parent[i];
            e->kids[e->kid_start[p] + fill[p]++] = (long)i;
        }
    free(fill);

    /* deepest first: counting sort by depth */
    {
        int32_t *depth = track(e, ss_xcalloc(n + 1, sizeof *depth), (n + 1) * sizeof *depth);
        int32_t maxd = 0;
        size_t *at;

        for (i = 0; i < n; i++) {
            for (long a = e->parent[i]; a >= 0 && depth[i] <= (int32_t)n; a = e->parent[a])
                depth[i]++;
            if (depth[i] > maxd)
                maxd = depth[i];
        }
        at = ss_xcalloc((size_t)maxd + 2, sizeof *at);
        for (i = 0; i < n; i++)
            at[maxd - depth[i] + 1]++;
        for (int32_t k = 1; k <= maxd + 1; k++)
            at[k] += at[k - 1];
        e->by_depth = track(e, ss_xmalloc((n + 1) * sizeof(long)), (n + 1) * sizeof(long));
        for (i = 0; i < n; i++)
            e->by_depth[at[maxd - depth[i]]++] = (long)i;
        free(at);
        e->depth = depth;
        e->max_depth = maxd;
    }
}

static int cmp_i64_pair(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void build_targets(struct ss_engine *e)
{
    size_t n = e->plan->ntargets, i;
    int64_t *pairs = ss_xmalloc((n + 1) * 2 * sizeof(int64_t));

    for (i = 0; i < n; i++) {
        pairs[2 * i] = e->plan->targets[i].id;
        pairs[2 * i + 1] = (int64_t)i;
    }
    qsort(pairs, n, 2 * sizeof(int64_t), cmp_i64_pair);
    e->tid_sorted = track(e, ss_xmalloc((n + 1) * sizeof(int64_t)), (n + 1) * sizeof(int64_t));
    e->tidx_sorted = track(e, ss_xmalloc((n + 1) * sizeof(size_t)), (n + 1) * sizeof(size_t));
    for (i = 0; i < n; i++) {
        e->tid_sorted[i] = pairs[2 * i];
        e->tidx_sorted[i] = (size_t)pairs[2 * i + 1];
    }
    free(pairs);
    e->cells = track(e, ss_xcalloc(n + 1, sizeof(struct cells)), (n + 1) * sizeof(struct cells));
    e->nassigned = track(e, ss_xcalloc(n + 1, sizeof(int32_t)), (n + 1) * sizeof(int32_t));
    e->scratch = track(e, ss_xmalloc(((size_t)e->ndays + 2) * sizeof(struct delta)),
                       ((size_t)e->ndays + 2) * sizeof(struct delta));
}

/*
 * What is planned at each unit, from the assigned shares (cell.planned):
 *   - counts and amounts: the unit's own share; else the sum of its
 *     children's planned values where any has one; at the plan's top unit
 *     without a share, the whole target; else nothing (NAN);
 *   - rates, changes and milestones are levels: the unit's own share; else
 *     that of its nearest ancestor holding one; else the target's value at
 *     the top, at units with shares below them, and everywhere when the
 *     target is not broken down at all; else nothing.
 * expect_n counts the units expected to report: those holding a share with
 * no share below them.
 */
static void plan_rollup(struct ss_engine *e)
{
    for (size_t t = 0; t < e->plan->ntargets; t++) {
        const struct ss_target *tg = &e->plan->targets[t];
        int additive = !ss_kind_is_ratio(tg->kind) && tg->kind != SS_KIND_MILESTONE;
        struct cells *cs = &e->cells[t];
        uint32_t *order, k;

        e->nassigned[t] = 0;
        if (!cs->n)
            continue;
        for (k = 0; k < cs->n; k++) {
            cs->v[k].expect_n = 0;
            cs->v[k].plan_eff = NAN;
            e->nassigned[t] += !isnan(cs->v[k].planned);
        }
        order = cells_deepest_first(e, cs);
        for (k = 0; k < cs->n; k++) { /* bottom-up */
            struct cell *c = &cs->v[order[k]], *pc;
            long o = c->org, p = e->parent[o];

            if (!isnan(c->planned)) {
                c->plan_eff = c->planned;
                if (!c->expect_n)
                    c->expect_n = 1;
            } else if (o == e->top && additive) {
                c->plan_eff = tg->value;
            }
            if (p >= 0 && (pc = cell_find(e, t, p))) { /* it has one: see struct cells */
                pc->expect_n += c->expect_n;
                if (additive && !isnan(c->plan_eff) && isnan(pc->planned) && p != e->top)
                    pc->plan_eff = (isnan(pc->plan_eff) ? 0 : pc->plan_eff) + c->plan_eff;
            }
        }
        if (!additive) {
            for (k = cs->n; k-- > 0;) { /* top-down: a share holds below */
                struct cell *c = &cs->v[order[k]], *pc;
                long p = e->parent[c->org];
                if (isnan(c->planned) && p >= 0 && (pc = cell_find(e, t, p)))
                    c->plan_eff = pc->plan_eff;
            }
            for (k = 0; k < cs->n; k++) {
                struct cell *c = &cs->v[k];
                if (isnan(c->plan_eff) && (c->org == e->top || c->expect_n || !e->nassigned[t]))
                    c->plan_eff = tg->value;
            }
        }
        free(order);
    }
}

double ss_cell_plan_without(const struct ss_engine *e, size_t t, long org)
{
    const struct ss_target *tg = &e->plan->targets[t];
    int additive = !ss_kind_is_ratio(tg->kind) && tg->kind != SS_KIND_MILESTONE;

    /* no share here or below, so no expected reporter: counts have no plan
     * (but the top's whole target); a level holds the nearest share above */
    if (!additive && e->nassigned[t])
        for (long a = org >= 0 ? e->parent[org] : -1; a >= 0; a = e->parent[a]) {
            const struct cell *c = ss_cell_find(e, t, a);
            if (c && !isnan(c->planned))
                return c->planned;
        }
    return org == e->top || (!additive && !e->nassigned[t]) ? tg->value : NAN;
}

/* After the shares changed: drop the cells of units left with nothing at
 * or below them (a share gone), so that every cell has data (struct cells). */
static void cells_prune(struct ss_engine *e, size_t t)
{
    struct cells *cs = &e->cells[t];
    uint32_t *order = cells_deepest_first(e, cs), k, n = 0;
    char *keep = ss_xcalloc(cs->n + 1, 1);

    for (k = 0; k < cs->n; k++) {
        const struct cell *c = &cs->v[order[k]], *pc;
        long p = e->parent[c->org];

        keep[order[k]] |= !isnan(c->planned) || c->npts || c->nsub;
        if (keep[order[k]] && p >= 0 && (pc = ss_cell_find(e, t, p)))
            keep[pc - cs->v] = 1;
    }
    for (k = 0; k < cs->n; k++) {
        cs->at[cs->v[k].org] = -1;
        if (keep[k])
            cs->v[n++] = cs->v[k];
        else
            cell_free(&cs->v[k]);
    }
    cs->n = n;
    for (k = 0; k < n; k++)
        cs->at[cs->v[k].org] = (int32_t)k;
    free(keep);
    free(order);
}

static void engine_clear(struct ss_engine *e)
{
    size_t t;
    uint32_t k;

    if (e->cells && e->plan)
        for (t = 0; t < e->plan->ntargets; t++) {
            for (k = 0; k < e->cells[t].n; k++)
                cell_free(&e->cells[t].v[k]);
            if (!e->cells[t].packed)
                free(e->cells[t].v);
            free(e->cells[t].at);
        }
    free(e->cells);
    free(e->cell_block);
    free(e->depth);
    free(e->tid_sorted);
    free(e->tidx_sorted);
    free(e->parent);
    free(e->kid_start);
    free(e->kids);
    free(e->id_to_idx);
    free(e->by_depth);
    free(e->nassigned);
    free(e->scratch);
    ss_texts_free(e->texts);
    ss_orgs_free(e->orgs, e->norgs);
    ss_plan_free(e->plan);
    memset(e, 0, sizeof *e);
}

static int cmp_cell_org(const void *a, const void *b)
{
    const struct cell *x = a, *y = b;
    return x->org < y->org ? -1 : x->org > y->org;
}

/*
 * After a load: every target's cells in one block, target after target,
 * each target's in org order. Reading one unit's figures for every target
 * (a unit's page, the plan) then steps through memory at a steady stride
 * where every unit has a cell, which the prefetcher follows, as it did
 * the dense arrays; apart, each target's array lies somewhere else, and
 * reads at the national dataset's counties took twice as long.
 */
static void cells_pack(struct ss_engine *e)
{
    struct cell *old = e->cell_block;
    size_t t, total = 0, off = 0;

    for (t = 0; t < e->plan->ntargets; t++)
        total += e->cells[t].n;
    if (!total)
        return;
    e->cell_block = ss_xmalloc(total * sizeof *e->cell_block);
    for (t = 0; t < e->plan->ntargets; t++) {
        struct cells *cs = &e->cells[t];

        if (!cs->n)
            continue;
        qsort(cs->v, cs->n, sizeof *cs->v, cmp_cell_org);
        memcpy(e->cell_block + off, cs->v, cs->n * sizeof *cs->v);
        if (!cs->packed)
            free(cs->v);
        e->bytes -= (cs->cap - cs->n) * sizeof *cs->v;
        cs->v = e->cell_block + off;
        cs->cap = cs->n;
        cs->packed = 1;
        for (uint32_t k = 0; k < cs->n; k++)
            cs->at[cs->v[k].org] = (int32_t)k;
        off += cs->n;
    }
    free(old);
}

/*
 * Bulk build: cells hold only their own points. Deepest units first: add
 * up the unit's steps (its children are all in), add its E as per-day
 * changes into its parent's steps, and fit its arrays to their size.
 */
static void finish_bulk(struct ss_engine *e)
{
    size_t t;
    uint32_t k, i;

    for (t = 0; t < e->plan->ntargets; t++) {
        struct cells *cs = &e->cells[t];
        uint32_t *order;

        if (!cs->n)
            continue;
        order = cells_deepest_first(e, cs);
        for (k = 0; k < cs->n; k++) {
            struct cell *c = &cs->v[order[k]], *pc;
            long p = e->parent[c->org];
            int32_t first = c->npts ? c->pts[0].day : e->ndays, sn = 0;
            double sa = 0, sb = 0;

            for (i = 1; i < c->nsub; i++) {
                c->sub[i].a += c->sub[i - 1].a;
                c->sub[i].b += c->sub[i - 1].b;
                c->sub[i].n += c->sub[i - 1].n;
            }
            if (p >= 0 && (c->npts || c->nsub) && (pc = cell_find(e, t, p))) {
                for (i = 0; i < c->nsub; i++) { /* before its first report: its children */
                    const struct step *x = &c->sub[i];
                    uint32_t j = step_make(e, pc, x->day, 1);
                    if (x->day >= first)
                        continue; /* a day only: its own report stands */
                    pc->sub[j].a += x->a - sa;
                    pc->sub[j].b += x->b - sb;
                    pc->sub[j].n += x->n - sn;
                    sa = x->a;
                    sb = x->b;
                    sn = x->n;
                }
                for (i = 0; i < c->npts; i++) { /* from it on: its own */
                    uint32_t j = step_make(e, pc, c->pts[i].day, 1);
                    pc->sub[j].a += c->pts[i].a - (i ? c->pts[i - 1].a : sa);
                    pc->sub[j].b += c->pts[i].b - (i ? c->pts[i - 1].b : sb);
                    if (i == 0)
                        pc->sub[j].n += 1 - sn;
                }
            }
            if (c->cap > c->npts && c->npts) { /* the load is done with this unit */
                c->pts = ss_xrealloc(c->pts, c->npts * sizeof *c->pts);
                e->bytes -= (c->cap - c->npts) * sizeof *c->pts;
                c->cap = c->npts;
            }
            if (c->subcap > c->nsub && c->nsub) {
                c->sub = ss_xrealloc(c->sub, c->nsub * sizeof *c->sub);
                e->bytes -= (c->subcap - c->nsub) * sizeof *c->sub;
                c->subcap = c->nsub;
            }
        }
        free(order);
    }
    cells_pack(e);
}

/* What a snapshot must have been taken over to be usable here: the format,
 * the plan and its period, and the org tree (ids and parents). */
static void engine_sig(const struct ss_engine *e, char *out, size_t cap)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over (id, parent id) */
    size_t i;

    for (i = 0; i < e->norgs; i++) {
        uint64_t v[2] = {(uint64_t)e->orgs[i].id, (uint64_t)e->orgs[i].parent_id};
        const unsigned char *b = (const unsigned char *)v;
        for (size_t k = 0; k < sizeof v; k++)
            h = (h ^ b[k]) * 1099511628211ULL;
    }
    snprintf(out, cap, "v1:%zu:%u:%lld:%d:%d:%zu:%llx", sizeof(struct point),
             (unsigned)(*(const unsigned char *)&(uint16_t){1}), (long long)e->plan->id,
             (int)e->plan->start, (int)e->ndays, e->norgs, (unsigned long long)h);
}

/* Snapshot blob of one target: records of
 *   int64 org id, uint32 npts, uint32 0, npts x struct point. */
static int snapshot_cb(void *ctx, int64_t target_id, const void *blob, size_t len)
{
    struct ss_engine *e = ctx;
    const unsigned char *p = blob;
    long t = target_index(e, target_id);
    size_t off = 0;

    if (t < 0)
        return SS_EINVAL;
    while (off < len) {
        int64_t org_id;
        uint32_t npts;
        long org;
        struct cell *c;

        if (len - off < 16)
            return SS_EINVAL;
        memcpy(&org_id, p + off, 8);
        memcpy(&npts, p + off + 8, 4);
        off += 16;
        org = ss_engine_org_by_id(e, org_id);
        if (org < 0 || npts == 0 || (len - off) / sizeof(struct point) < npts)
            return SS_EINVAL;
        c = cell_make(e, (size_t)t, org);
        if (c->npts)
            return SS_EINVAL;
        c->pts = ss_xmalloc(npts * sizeof *c->pts);
        memcpy(c->pts, p + off, npts * sizeof *c->pts);
        c->npts = c->cap = npts;
        e->bytes += npts * sizeof *c->pts;
        off += npts * sizeof *c->pts;
        for (uint32_t i = 0; i < npts; i++)
            if (c->pts[i].day < 0 || c->pts[i].day >= e->ndays ||
                (i && c->pts[i].day <= c->pts[i - 1].day))
                return SS_EINVAL;
    }
    return SS_OK;
}

static void snapshot_save(struct ss_engine *e, struct ss_store *st, const char *sig)
{
    size_t nt = e->plan->ntargets, t, o, k = 0;
    int64_t *ids = ss_xcalloc(nt + 1, sizeof *ids);
    void **blobs = ss_xcalloc(nt + 1, sizeof *blobs);
    size_t *lens = ss_xcalloc(nt + 1, sizeof *lens);

    for (t = 0; t < nt; t++) {
        const struct cells *cs = &e->cells[t];
        size_t len = 0, off = 0;
        unsigned char *b;
        for (o = 0; o < cs->n; o++)
            if (cs->v[o].npts)
                len += 16 + cs->v[o].npts * sizeof(struct point);
        if (!len)
            continue;
        b = ss_xmalloc(len);
        for (o = 0; o < cs->n; o++) {
            const struct cell *c = &cs->v[o];
            uint32_t zero = 0;
            if (!c->npts)
                continue;
            memcpy(b + off, &e->orgs[c->org].id, 8);
            memcpy(b + off + 8, &c->npts, 4);
            memcpy(b + off + 12, &zero, 4);
            memcpy(b + off + 16, c->pts, c->npts * sizeof(struct point));
            off += 16 + c->npts * sizeof(struct point);
        }
        ids[k] = e->plan->targets[t].id;
        blobs[k] = b;
        lens[k++] = len;
    }
    /* Best effort: a read-only file or a busy writer just means no cache. */
    ss_store_snapshot_put(st, e->plan->id, e->last_seq, sig, k, ids, (const void *const *)blobs,
                          lens, NULL);
    for (t = 0; t < k; t++)
        free(blobs[t]);
    free(blobs);
    free(ids);
    free(lens);
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Full load. use_snapshot: start from the stored snapshot when it fits
 * (SS_ECONFLICT if it turned out unusable: the caller clears and retries
 * without). A load that took long leaves a fresh snapshot behind. */
static int engine_load(struct ss_engine *e, struct ss_store *st, int64_t plan_id, int use_snapshot,
                       struct ss_err *err)
{
    char sig[160];
    int64_t snap_seq = 0;
    size_t nsnap = 0, n = 0, i;
    double t0 = mono_ms();
    int rc;

    {
        struct ss_store_counters c;
        if ((rc = ss_store_counters(st, &c)))
            return ss_err_set(err, rc, "db", "cannot read the change counters");
        e->structure_version = c.structure;
        e->assignment_version = c.assignments;
        e->texts_version = c.texts;
    }
    if ((rc = ss_store_plan_load(st, plan_id, &e->plan, err)))
        return rc;
    if ((rc = ss_texts_load(st, &e->texts, err)))
        return rc;
    if (e->plan->start == SS_NO_DATE || e->plan->end == SS_NO_DATE || e->plan->end < e->plan->start)
        return ss_err_set(err, SS_EINVAL, "plan", "the plan has no valid period");
    e->ndays = e->plan->end - e->plan->start + 1;
    if ((rc = ss_store_orgs_load(st, &e->orgs, &e->norgs)))
        return ss_err_set(err, rc, "org_unit", "cannot read the org units");
    e->bytes += e->norgs * sizeof(struct ss_org);
    build_tree(e);
    build_targets(e);
    e->top = e->plan->top_org ? ss_engine_org_find(e, e->plan->top_org) : -1;
    if ((rc = ss_store_each_assignment(st, e->plan->id, assign_cb, e)))
        return ss_err_set(err, rc, "assignment", "cannot read the assignments");
    plan_rollup(e);
    engine_sig(e, sig, sizeof sig);

    e->bulk = 1;
    if (use_snapshot) {
        rc = ss_store_snapshot_get(st, e->plan->id, sig, &snap_seq, &nsnap, snapshot_cb, e);
        if (rc == SS_OK && snap_seq <= ss_store_report_max_seq(st)) {
            e->bulk = 0;
            e->last_seq = snap_seq;
            finish_bulk(e);
            return ss_store_each_approved(st, e->plan->id, snap_seq, apply_cb, e)
                       ? ss_err_set(err, SS_EDB, "report", "cannot read the reports")
                       : SS_OK;
        }
        if (rc != SS_ENOTFOUND) {
            e->bulk = 0;
            return SS_ECONFLICT;
        }
    }
    {
        struct ss_report_row *rows;
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        int64_t upto;

        if ((rc = ss_store_load_approved(st, ncpu > 1 ? (int)ncpu : 1, &rows, &n, &upto, err))) {
            e->bulk = 0;
            return rc;
        }
        for (i = 0; i < n; i++)
            ss_engine_apply(e, &rows[i]);
        free(rows);
        if (upto > e->last_seq) /* every report up to the load's mark is in */
            e->last_seq = upto;
    }
    e->bulk = 0;
    finish_bulk(e);
    if (n > 100000 && mono_ms() - t0 > 200)
        snapshot_save(e, st, sig);
    return SS_OK;
}

int ss_engine_save_snapshot(struct ss_engine *e, struct ss_store *st)
{
    char sig[160];

    engine_sig(e, sig, sizeof sig);
    snapshot_save(e, st, sig);
    return SS_OK;
}

static int engine_load_any(struct ss_engine *e, struct ss_store *st, int64_t plan_id,
                           struct ss_err *err)
{
    int rc = engine_load(e, st, plan_id, 1, err);

    if (rc == SS_ECONFLICT) { /* an unusable snapshot: start again without */
        engine_clear(e);
        rc = engine_load(e, st, plan_id, 0, err);
    }
    return rc;
}

/* The invariant walk after a load or refresh, where it is wanted (see
 * ss_engine_check in engine.h): a broken invariant stops the program
 * there, like an assert, with what is wrong. */
static void check_or_abort(const struct ss_engine *e, const char *after)
{
    const char *env = getenv("SHISHI_CHECK");
    struct ss_err err;
#ifdef SS_CHECK
    int want = !env || strcmp(env, "0") != 0;
#else
    int want = env && *env && strcmp(env, "0") != 0;
#endif

    if (want && ss_engine_check(e, &err)) {
        fprintf(stderr, "shishi: engine invariant broken after %s: %s\n", after, err.msg);
        abort();
    }
}

int ss_engine_open(struct ss_store *st, int64_t plan_id, struct ss_engine **out, struct ss_err *err)
{
    struct ss_engine *e = ss_xcalloc(1, sizeof *e);
    int rc = engine_load_any(e, st, plan_id, err);

    e->pinned = plan_id;
    if (rc) {
        ss_engine_free(e);
        *out = NULL;
        return rc;
    }
    check_or_abort(e, "open");
    *out = e;
    return SS_OK;
}

void ss_engine_free(struct ss_engine *e)
{
    if (!e)
        return;
    engine_clear(e);
    free(e);
}

int ss_engine_refresh(struct ss_engine *e, struct ss_store *st)
{
    struct ss_store_counters c;
    int64_t plan_id, structure, assignments, seq;
    int rc;

    if ((rc = ss_store_counters(st, &c)))
        return rc;
    plan_id = e->pinned ? e->pinned : c.plan_id;
    structure = c.structure;
    assignments = c.assignments;
    seq = c.approved;
    if (plan_id == e->plan->id && structure == e->structure_version &&
        assignments == e->assignment_version && seq == e->last_seq && c.texts == e->texts_version)
        return 0;
    /* A different current plan, or a changed structure: rebuild. So does a
     * lower approval seq (a restored backup). */
    if (plan_id != e->plan->id || structure != e->structure_version || seq < e->last_seq) {
        struct ss_engine fresh;
        memset(&fresh, 0, sizeof fresh);
        if ((rc = engine_load_any(&fresh, st, e->pinned, NULL))) {
            engine_clear(&fresh);
            return rc;
        }
        fresh.pinned = e->pinned;
        engine_clear(e);
        *e = fresh;
        check_or_abort(e, "a rebuild");
        return 1;
    }
    if (c.texts != e->texts_version) {
        struct ss_texts *t;
        if ((rc = ss_texts_load(st, &t, NULL)))
            return rc;
        ss_texts_free(e->texts);
        e->texts = t;
        e->texts_version = c.texts;
    }
    if (assignments != e->assignment_version) {
        size_t t;
        for (t = 0; t < e->plan->ntargets; t++)
            for (uint32_t k = 0; k < e->cells[t].n; k++)
                e->cells[t].v[k].planned = NAN;
        if ((rc = ss_store_each_assignment(st, e->plan->id, assign_cb, e)))
            return rc;
        for (t = 0; t < e->plan->ntargets; t++)
            cells_prune(e, t);
        plan_rollup(e);
        e->assignment_version = assignments;
    }
    if ((rc = ss_store_each_approved(st, e->plan->id, e->last_seq, apply_cb, e)))
        return rc;
    check_or_abort(e, "a refresh");
    return 1;
}

const struct ss_plan *ss_engine_plan(const struct ss_engine *e)
{
    return e->plan;
}

const struct ss_texts *ss_engine_texts(const struct ss_engine *e)
{
    return e->texts;
}

size_t ss_engine_org_count(const struct ss_engine *e)
{
    return e->norgs;
}

long ss_engine_org_find(const struct ss_engine *e, const char *code)
{
    size_t lo = 0, hi = e->norgs;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(e->orgs[mid].code, code);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const struct ss_org *ss_engine_org(const struct ss_engine *e, long idx)
{
    return idx >= 0 && (size_t)idx < e->norgs ? &e->orgs[idx] : NULL;
}

long ss_engine_org_parent(const struct ss_engine *e, long idx)
{
    return idx >= 0 && (size_t)idx < e->norgs ? e->parent[idx] : -1;
}

const long *ss_engine_org_children(const struct ss_engine *e, long idx, size_t *n)
{
    if (idx < 0 || (size_t)idx >= e->norgs) {
        *n = 0;
        return NULL;
    }
    *n = e->kid_start[idx + 1] - e->kid_start[idx];
    return e->kids + e->kid_start[idx];
}

long ss_engine_top_org(const struct ss_engine *e)
{
    return e->top;
}

int ss_engine_org_within(const struct ss_engine *e, long a, long b)
{
    for (; a >= 0; a = e->parent[a])
        if (a == b)
            return 1;
    return 0;
}

size_t ss_engine_memory(const struct ss_engine *e)
{
    return e->bytes + sizeof *e;
}

int64_t ss_engine_seq(const struct ss_engine *e)
{
    return e->last_seq;
}
