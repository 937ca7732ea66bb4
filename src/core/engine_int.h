/*
 * engine_int.h - the engine's private layout, shared by engine.c (building
 * and updating), pace.c (reading figures) and engine_check.c (the
 * invariant walk). Not for use outside src/core/engine*.c and
 * src/core/pace.c, but by tests/unit/test_engine.c, which damages an
 * engine to see the walk find it.
 */
#ifndef SS_ENGINE_INT_H
#define SS_ENGINE_INT_H

#include <stdint.h>

#include "core/engine.h"

/* One report of a cell: the cumulative values in effect from `day` on. */
struct point {
    int32_t day;  /* index from the plan's start */
    uint32_t seq; /* low bits of the approval seq (fills padding) */
    double a, b;
};

/* A change of a unit's effective value from `day` on. */
struct delta {
    int32_t day;
    int32_t n;
    double a, b;
};

/* A step of a unit's children's sums: from `day` on, until the next step,
 * the sum over its children c of E_c is (a, b), made by n reporting units
 * (a unit with its own report counts 1, else its children's count). */
struct step {
    int32_t day;
    int32_t n;
    double a, b; /* b: denominators / baselines, 0 for kinds without */
};

/*
 * A (target, org) cell. `pts` are this org's own reports, sorted by day,
 * one per day. A unit's figure as of day d is its *effective* value E(d):
 * its own latest report when it has one as of d, else the sum of its
 * children's effective values (PRODUCT.md: a unit's own report is its
 * whole figure; it is never added to its children's). `sub` holds that
 * children's sum as a step function over the days, sparse like the
 * points: one step on each day some strict descendant reported (its
 * days, sub_days: every such day, shadowed or not, so a step may repeat
 * the one before it), sorted by day, none before the first such day (the
 * sums are 0 there) and none at all until a descendant has reported.
 * Its fields are sub_a, sub_b and sub_n of a step. Reports come a few
 * times a year, so a unit has a few dozen steps where a dense array over
 * the period would hold every day: the price is an update that adds a
 * change to every later step, O(steps), paid once per report and ancestor.
 */
struct cell {
    struct point *pts;
    uint32_t npts, cap;
    struct step *sub;
    uint32_t nsub, subcap;
    double planned;   /* assigned share here, NAN if none */
    double plan_eff;  /* what is planned here: see plan_rollup() in engine.c */
    int32_t expect_n; /* units in the subtree that hold a share and have no
                         share below them: those that should report */
    int32_t org;      /* the org unit's index */
};

/*
 * One target's cells, sparse: a unit has a cell when it holds a share of
 * the target, has reported on it, or is an ancestor of such a unit (so a
 * cell's parent always has one, and a unit without a cell has nothing at
 * or below it: no share, no report, no figure). `v` holds them: after a
 * load in org order, in one block with every other target's (cells_pack
 * in engine.c: the prefetcher follows a unit's cells from target to
 * target), then a target that gets a new cell moves to an array of its
 * own, new cells at its end. at[org] is the index of org's cell in v, or -1
 * (NULL until the target's first cell). The index is 4 bytes a unit where
 * a cell is 56. An open-addressing table (16-32 bytes a cell) was as fast
 * in bench_core and smaller only where fewer than one unit in four to
 * eight has a cell: at township level (one in seven) 13 MB against the
 * index's 18 MB, of an engine of 260 MB; the index is the simpler. A unit gets
 * its cell with its ancestors' at once (cell_make in engine.c), so no
 * cell is made while a pointer to another is held across a loop up the
 * tree; making one may move every cell of the target.
 */
struct cells {
    struct cell *v;
    uint32_t n, cap;
    int32_t *at;
    int packed; /* v lies in the engine's cell block (see cells_pack) */
};

struct ss_engine {
    struct ss_plan *plan;
    int32_t ndays; /* days in the plan period */

    /* org tree, sorted by code */
    struct ss_org *orgs;
    size_t norgs;
    long *parent;      /* index or -1 */
    size_t *kid_start; /* children of i: kids[kid_start[i] .. kid_start[i+1]) */
    long *kids;
    int32_t *id_to_idx; /* by org id; -1 for holes */
    int64_t max_org_id;
    long top; /* the plan's top org unit, or -1 */

    int32_t *depth; /* per org: 0 at a root */
    int32_t max_depth;

    /* targets: cells[t] holds target t's cells (see struct cells) */
    struct cells *cells;
    struct cell *cell_block; /* every target's cells after a load, packed */
    int64_t *tid_sorted;     /* target ids sorted, with tidx_sorted their indexes */
    size_t *tidx_sorted;

    long *by_depth;     /* org indexes, deepest first */
    int32_t *nassigned; /* per target: how many units hold a share */

    int bulk;              /* during a full load: only own points are kept; finish_bulk
                              builds the children's sums bottom-up, see engine.c */
    struct delta *scratch; /* ndays + 2 point deltas for ss_engine_apply */
    int64_t last_seq;
    int64_t pinned;            /* the plan asked for at open; 0: the current one, followed */
    int64_t structure_version; /* the change counters (ss_store_counters) at load */
    int64_t assignment_version;
    struct ss_texts *texts; /* translations of plan content (core/translate.h) */
    int64_t texts_version;  /* ss_store_counters texts at their load */
    size_t bytes;
};

/* Target t's cell of org unit `org`, or NULL when the unit has none. */
const struct cell *ss_cell_find(const struct ss_engine *e, size_t t, long org);
/* What is planned at a unit without a cell of target t (plan_rollup's rule
 * for a unit with nothing at or below it). */
double ss_cell_plan_without(const struct ss_engine *e, size_t t, long org);
/* Value of a cell's own reports as of day index d (0 when none). */
int ss_cell_own_at(const struct cell *c, int32_t d, double *a, double *b);
/* The step of c's children's sums in effect on day index d: the last with
 * day <= d, or NULL when none (no descendant reported by then). */
const struct step *ss_cell_sub_at(const struct cell *c, int32_t d);
/* Is the target's kind a ratio (rate/change) that needs both sums? */
int ss_kind_is_ratio(enum ss_kind k);

#endif
