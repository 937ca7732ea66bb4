/*
 * score.h - a unit's score for a reporting period (考核), from a published
 * formula (/about/method says the same):
 *
 *   score = sum(w_k * C_k) / sum(w_k), over the components C_k (0..100)
 *           that have anything to count at the unit:
 *   P progress against time: the mean over the targets with a task at the
 *     unit (its own figure, rolled up: engine.h) as of the period's end (or
 *     today, if sooner) of: 100 when done; for running totals
 *     min(100, 100 * progress / expected) (100 when nothing is due yet);
 *     for levels (rates, changes) 100 on track, 50 lagging, 0 otherwise;
 *     0 when not reported;
 *   R on-time reporting: the subtree's on-time rate of the period
 *     (core/completeness.h);
 *   N notices answered in time: answered by their deadline / due within the
 *     period, in %; counted from notices (completeness.h's interface): until
 *     notices are merged there are none, so N is left out and its weight
 *     counts for nothing;
 *   Q reports returned: 100 * (1 - returned / handed in) over the subtree's
 *     reports of the period, returned meaning a reviewer returned it at
 *     least once.
 * A component with nothing to count (no target with a task, nothing
 * expected, no notice due, no report handed in) is left out and the other
 * weights share its part; a unit with none has no score (NAN, null).
 *
 * Weights: whole points summing to 100, per plan (`shishi score weights
 * --set`, stored by migration 16: store/store_remind.h); P 50, R 25, N 15,
 * Q 10 where a plan sets none (SS_SCORE_WEIGHTS); `shishi score --weights`
 * computes with others without storing them.
 */
#ifndef SS_SCORE_H
#define SS_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "core/completeness.h"
#include "core/engine.h"

#define SS_SCORE_WEIGHTS "50,25,15,10"
/* The same as an initialiser of int[SS_SC_COUNT] (core/remind.c's rule). */
#define SS_SCORE_DEFAULT_WEIGHTS                                                                   \
    {                                                                                              \
        50, 25, 15, 10                                                                             \
    }

enum { SS_SC_PROGRESS = 0, SS_SC_ON_TIME = 1, SS_SC_NOTICES = 2, SS_SC_RETURNED = 3 };
#define SS_SC_COUNT 4

struct ss_score_weights {
    double w[SS_SC_COUNT];
};

/* Weights as a supervision office writes them: "progress=P,on_time=R,
 * notices=N,returned=Q" (any of them; the others stay as in base), or
 * "P,R,N,Q" (all four); whole points 0..100 that sum to 100. SS_EINVAL,
 * field "weights", the message naming the part and the value. */
int ss_score_weights_read(const char *s, const struct ss_score_weights *base,
                          struct ss_score_weights *w, struct ss_err *err);
/* The same over the defaults (SS_SCORE_DEFAULT_WEIGHTS). */
int ss_score_weights_parse(const char *s, struct ss_score_weights *w, struct ss_err *err);
/* The plan's weights (its setting, migration 16, or the defaults). */
int ss_score_weights_of(struct ss_store *st, int64_t plan_id, struct ss_score_weights *w);
/* Store them as the plan's (checked again: whole points summing to
 * 100), in the caller's transaction; audited. */
int ss_score_weights_set(struct ss_store *st, int64_t plan_id, const struct ss_score_weights *w,
                         struct ss_err *err);
/* "progress", "on_time", "notices", "returned". */
const char *ss_score_component_str(int k);

struct ss_score_row {
    long org;              /* engine org index */
    double score;          /* 0..100, NAN when nothing counts */
    double c[SS_SC_COUNT]; /* the components, NAN when left out */
    int base[SS_SC_COUNT]; /* what each counted: targets, assignments due,
                              notices due, reports handed in */
    int rank;              /* 1 = best; equal scores share a rank; 0 unranked */
};

struct ss_score {
    int32_t day; /* the figures' day */
    struct ss_score_weights w;
    struct ss_score_row self;  /* the unit asked for */
    struct ss_score_row *rows; /* its children with a task, ranked */
    size_t n;
};

/* Scores of completeness c's unit and of its children as of the period's
 * end (today, if sooner; within the plan). The caller frees with
 * ss_score_cleanup. */
int ss_score_compute(struct ss_store *st, const struct ss_engine *e,
                     const struct ss_completeness *c, const struct ss_score_weights *w,
                     struct ss_score *out, struct ss_err *err);
void ss_score_cleanup(struct ss_score *s);

/* The one JSON shape of the CLI (and any API): period, as_of, weights, org,
 * self, ranking. */
void ss_score_json(struct ss_json *j, const struct ss_engine *e, const struct ss_completeness *c,
                   const struct ss_score *s);

/* The ranking as an .xlsx workbook (malloc'ed into *data; the caller frees). */
int ss_score_xlsx(const struct ss_engine *e, const struct ss_completeness *c,
                  const struct ss_score *s, char **data, size_t *len, struct ss_err *err);

#endif
