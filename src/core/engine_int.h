/*
 * engine_int.h - the engine's private layout, shared by engine.c (building
 * and updating) and pace.c (reading figures). Not for use outside
 * src/core/engine*.c and src/core/pace.c.
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

/*
 * A (target, org) cell. `pts` are this org's own reports, sorted by day,
 * one per day. The sub_* fields cover strict descendants only and exist
 * once any descendant has reported:
 *   sub_a / sub_b  Fenwick trees of deltas: prefix(d) = their sum as of d
 *   sub_n          Fenwick tree of first-report days: reporters as of d
 *   sub_days       bitset of days on which some descendant reported
 */
struct cell {
    struct point *pts;
    uint32_t npts, cap;
    double *sub_a, *sub_b;
    int32_t *sub_n;
    uint64_t *sub_days;
    double planned; /* assigned share here, NAN if none */
};

struct ss_engine {
    struct ss_plan *plan;
    int32_t ndays; /* days in the plan period */

    /* org tree, sorted by code */
    struct ss_org *orgs;
    size_t norgs;
    long *parent;       /* index or -1 */
    size_t *kid_start;  /* children of i: kids[kid_start[i] .. kid_start[i+1]) */
    long *kids;
    int32_t *id_to_idx; /* by org id; -1 for holes */
    int64_t max_org_id;
    long top;           /* the plan's top org unit, or -1 */

    /* targets: cells[t] is NULL until target t has data */
    struct cell **cells;
    int64_t *tid_sorted; /* target ids sorted, with tidx_sorted their indexes */
    size_t *tidx_sorted;

    int bulk; /* during a full load: sub_* hold raw deltas, see engine.c */
    int64_t last_seq;
    int64_t generation;
    int64_t structure_version;  /* ss_store_versions at load */
    int64_t assignment_version;
    size_t bytes;
};

/* Value of a cell's own reports as of day index d (0 when none). */
int cell_own_at(const struct cell *c, int32_t d, double *a, double *b);
/* Prefix sums of a Fenwick tree of n days over [0, d]. */
double fen_sum(const double *f, int32_t n, int32_t d);
int32_t fen_count(const int32_t *f, int32_t n, int32_t d);
/* Highest set day <= d in a bitset, or -1. */
int32_t bits_last(const uint64_t *bits, int32_t d);
/* Is the target's kind a ratio (rate/change) that needs both sums? */
int kind_is_ratio(enum ss_kind k);

#endif
