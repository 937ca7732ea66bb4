/*
 * supervise.h - the supervision run (`shishi supervise run`, and `serve`
 * once a day): from the engine's figures to notices (core/notice.h).
 *
 * As of day D the run looks at the latest period (calendar month) whose
 * reports were due before D (the plan's deadline day of the next month,
 * core/workflow.h ss_period_deadline), and at every (target, org unit)
 * with a share of a target (dept shares aside):
 *   - the grade of the cell at the period's close: red when the engine
 *     says seriously lagging against time progress (the plan's red_pp),
 *     yellow when lagging (yellow_pp), blue when the unit's subtree has
 *     no report dated in the period (none approved, and none submitted
 *     at the unit itself);
 *   - no open notice and none for that period yet: a notice of that
 *     grade is issued, with the figures and their as-of day, deadline
 *     D + the plan's days for the grade;
 *   - an open notice of a lower grade: raised to the new grade;
 *   - an open notice (not one by hand) whose cell has no grade any more:
 *     marked for closing (a supervisor closes it); a grade again: unmarked.
 * Then every issued (unanswered) notice whose deadline is before D is
 * escalated: one grade up (red stays red), addressed also to the next
 * unit up, and given a new deadline from D.
 *
 * Then the reminders (催报, core/remind.h): before a period's reporting
 * deadline to the units that have not reported, after it to them and
 * their reviewer, each queued once per (period, unit) in the outbox.
 *
 * Idempotent: a second run as of the same day finds every cell's notice
 * as the first left it, and changes nothing. The run joins the caller's
 * transaction (begun with its actor, e.g. "supervise"), so one run is
 * one commit.
 */
#ifndef SS_SUPERVISE_H
#define SS_SUPERVISE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/engine.h"
#include "store/store.h"

struct ss_supervise_result {
    char period[8]; /* the period looked at, "" when none has closed yet */
    size_t cells;   /* (target, org unit) cells looked at */
    size_t issued;  /* notices issued */
    size_t raised;  /* open notices given a higher grade */
    size_t escalated;
    size_t marked; /* marked for closing */
    size_t unmarked;
    char remind_period[8]; /* the period reminded before its deadline, "" none */
    size_t reminded;       /* units reminded anew before the deadline */
    size_t overdue;        /* units (and their reviewers) reminded anew after it */
    int64_t *ids;          /* the notices changed, in order (malloc'd; ss_supervise_result_free) */
    size_t nids;
};

/* 0 with res filled (free it with ss_supervise_result_free), or an error
 * with err set, nothing changed and nothing in res to free. */
int ss_supervise_run(struct ss_store *st, const struct ss_engine *e, int32_t day,
                     struct ss_supervise_result *res, struct ss_err *err);
void ss_supervise_result_free(struct ss_supervise_result *res);

#endif
