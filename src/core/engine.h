/*
 * engine.h - the live roll-up and pace engine.
 *
 * The engine holds the current plan, the org tree and every approved
 * report in memory, arranged so that the figures of any target at any org
 * unit as of any day of the plan come out in microseconds:
 *
 *   - each (target, org) cell keeps its own reports as a sorted step
 *     function (latest cumulative value as of a day);
 *   - each cell that has reporting descendants keeps their sum the same
 *     way, one step per day any of them reported on, so the subtree's sum
 *     as of day d is one binary search;
 *   - a target has cells only for the units with a share or a report and
 *     the units above them: a unit without a cell has nothing to show.
 *
 * A new approved report changes its own cell and adds its delta to each
 * ancestor's later steps: every ancestor's figures move at once, with no
 * batch job. ss_engine_refresh pulls reports approved since the last seq,
 * so a server sees what another process wrote.
 *
 * Thread safety: none inside; the server wraps the engine in a rwlock
 * (readers call figure functions, refresh takes the write side).
 *
 * Memory: the engine owns everything it returns pointers to; those stay
 * valid until the next refresh that reloads the plan, or ss_engine_free.
 */
#ifndef SS_ENGINE_H
#define SS_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/model.h"
#include "store/store.h"

struct ss_texts;

struct ss_engine;

enum ss_status {
    SS_ST_DONE = 0, /* met (>=) or kept to the end (<=) */
    SS_ST_ON_TRACK = 1,
    SS_ST_LAGGING = 2,      /* yellow: more than yellow_pp behind time */
    SS_ST_SERIOUS = 3,      /* red: more than red_pp behind time, or <= breached */
    SS_ST_NOT_REPORTED = 4, /* red: nothing reported in this subtree yet */
    SS_ST_UNASSIGNED = 5,   /* reported, but this unit has no planned share */
    SS_ST_NO_TASK = 6       /* no share here and nothing reported: no task here;
                               counts nowhere (summaries, rankings) */
};
#define SS_ST_COUNT 7

const char *ss_status_str(enum ss_status s);   /* "done", "on_track", ... */
const char *ss_status_label(enum ss_status s); /* Chinese label */
int ss_status_colour(enum ss_status s);        /* 0 green, 1 yellow, 2 red, 3 grey */

/*
 * The figures of one target at one org unit as of one day.
 *
 * A unit's own report is its whole figure (`own`): where its children
 * report too, their sum is in `children` as a check, never added. Counts,
 * amounts and milestones are running totals, judged against the share due
 * by the date. Rates and changes are levels: `progress`, `expected` and
 * `expected_value` are NAN for them; a level at or beyond its target is on
 * track, and met (done) or not (seriously lagging) at the plan's end.
 */
struct ss_figure {
    double value;     /* planned value here (NAN when this unit has no task) */
    double actual;    /* cumulative / rate / change reached here */
    double numerator; /* rate & change: sums behind `actual` */
    double denominator;
    double expected_value; /* value * due share (NAN when value is, and for levels) */
    double expected;       /* share of the value due by the date, in % (NAN for levels) */
    double progress;       /* actual / value in % (NAN when value is, and for levels) */
    double time;           /* share of the plan period elapsed, in % */
    double projection;     /* year-end value at the recent pace (NAN if none) */
    enum ss_status status;
    int32_t as_of;          /* the day the figures are for */
    int32_t last_report;    /* latest report day in the subtree, or SS_NO_DATE */
    int reporters;          /* units whose reports make `actual` (1 when `own`) */
    int expected_reporters; /* units below holding a share (0: none assigned) */
    int own;                /* 1: this unit's own report stands */
    double children;        /* the children's sum as the same figure, NAN if none */
    int children_reporters;
    int differs; /* own and children both reported and disagree */
};

/* Build an engine for plan_id (0: the current plan) from the store. An
 * engine opened for a plan of its own keeps to it through refreshes; one
 * opened for the current plan follows the store to whichever plan is
 * current. */
int ss_engine_open(struct ss_store *st, int64_t plan_id, struct ss_engine **out,
                   struct ss_err *err);
void ss_engine_free(struct ss_engine *e);

/* Apply reports approved since the last refresh. Cheap when nothing
 * changed (one reading of the change counters); a changed structure, or
 * another current plan (for an engine that follows it), rebuilds. Returns 1
 * if figures changed, 0 if not, <0 on error. */
int ss_engine_refresh(struct ss_engine *e, struct ss_store *st);

const struct ss_plan *ss_engine_plan(const struct ss_engine *e);
/* The translations of the plan's content and the org units' names
 * (core/translate.h), as of the last load or refresh; owned by the engine. */
const struct ss_texts *ss_engine_texts(const struct ss_engine *e);

/* Org units: index-based, 0 .. ss_engine_org_count()-1. */
size_t ss_engine_org_count(const struct ss_engine *e);
long ss_engine_org_find(const struct ss_engine *e, const char *code); /* -1 if unknown */
long ss_engine_org_by_id(const struct ss_engine *e, int64_t id);      /* -1 if unknown */
const struct ss_org *ss_engine_org(const struct ss_engine *e, long idx);
long ss_engine_org_parent(const struct ss_engine *e, long idx); /* -1 at a root */
/* Children of idx in code order; *n receives the count. */
const long *ss_engine_org_children(const struct ss_engine *e, long idx, size_t *n);
/* The plan's top org unit (its issuer), or -1 if not loaded. */
long ss_engine_top_org(const struct ss_engine *e);
/* 1 if org `a` is `b` or inside b's subtree. */
int ss_engine_org_within(const struct ss_engine *e, long a, long b);

/* Figures of target ti (index in plan->targets) at org idx as of day. */
void ss_engine_figure(const struct ss_engine *e, size_t ti, long org, int32_t day,
                      struct ss_figure *out);

/* The highest approval seq applied: every approved report of the plan up
 * to it is in the figures (core/follow.c compares records with it). */
int64_t ss_engine_seq(const struct ss_engine *e);

/* Share of the target due by `day` (0..1) per its schedule. */
double ss_engine_due_share(const struct ss_engine *e, size_t ti, int32_t day);

/* Apply one report row (already stored) to the in-memory figures. Used by
 * refresh and by bulk loaders; exposed for tests. */
int ss_engine_apply(struct ss_engine *e, const struct ss_report_row *r);

/* Store a start-up snapshot of the engine's report points (best effort).
 * A full load of many reports does this by itself; opening then starts
 * from the snapshot and reads only reports approved after it. */
int ss_engine_save_snapshot(struct ss_engine *e, struct ss_store *st);

/*
 * The invariant walk (engine_check.c): each target's cells exactly the
 * units with a share or a report and their ancestors, each found by its
 * unit; every cell's points and steps sorted and unique by day within the
 * period; every children's sum equal, on every day, to the sum of the
 * children's effective values (and their reporting units); its steps'
 * days exactly the days descendants reported on; planned values and
 * expected reporters as plan_rollup's rule says, with or without a cell;
 * the org tree's indexes consistent. 0, or SS_EINVAL with err naming the
 * target, org unit, day and figure that is wrong. A pass over every cell
 * and day: built with SS_CHECK (the sanitizer build), or with SHISHI_CHECK
 * set in the environment ("0" turns it off), every open and every refresh
 * that changed figures runs it and aborts with its message on a failure.
 */
int ss_engine_check(const struct ss_engine *e, struct ss_err *err);

/* Bytes the engine holds (for the benchmark). */
size_t ss_engine_memory(const struct ss_engine *e);

#endif
