/*
 * workflow.h - reports on their way to the public figures: draft ->
 * submitted -> approved, or returned with a comment.
 *
 * Only approved reports count (the engine reads rows with a seq, and a seq
 * is given only by approval). Each step checks access (core/access.h)
 * first, then validates (core/report.h: types and ranges, rates, dates,
 * cumulative values), then writes through the store, which refuses
 * transitions from the wrong state. The acting user becomes the store's
 * audit actor for the write.
 *
 * Plausibility: a report that jumps beyond a plausible bound is FLAGGED,
 * not refused, and the reviewer sees the flags:
 *   "over_3x_share"  the cumulative value is more than 3x the unit's share;
 *   "jump"           the increase since the last approved report is more
 *                    than 3x the largest increase between the unit's earlier
 *                    reports (when it has at least 3).
 * Flags apply to counts and amounts; rates, changes and milestones have
 * their own range checks.
 *
 * Periods are calendar months "YYYY-MM"; a period's reports are due on the
 * plan's deadline day of the following month.
 */
#ifndef SS_WORKFLOW_H
#define SS_WORKFLOW_H

#include <stdint.h>

#include "base/err.h"
#include "core/auth.h"
#include "core/engine.h"
#include "core/report.h"
#include "store/store.h"

#define SS_FLAGS_MAX 64

/* Flags of a validated report (see above) into out ("" for none). */
int ss_workflow_flags(struct ss_store *st, const struct ss_plan *plan, long ti,
                      const struct ss_report_in *in, char out[SS_FLAGS_MAX]);

/* A reporter's report: access, validation, flags, then one row with
 * status "draft" or "submitted" (req->status; default submitted). */
int ss_workflow_submit(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       const struct ss_report_req *req, int64_t *id, char flags[SS_FLAGS_MAX],
                       struct ss_err *err);
/* Submit a draft or a returned report again (its own reporter or an admin). */
int ss_workflow_resubmit(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                         int64_t id, struct ss_err *err);
/* The level above approves (the report then counts) or returns it. */
int ss_workflow_approve(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                        int64_t id, struct ss_err *err);
int ss_workflow_return(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       int64_t id, const char *comment, struct ss_err *err);

/* "YYYY-MM" -> first and last day of the month. */
int ss_period_parse(const char *s, int32_t *start, int32_t *end);
/* The period holding day, as "YYYY-MM". */
void ss_period_fmt(int32_t day, char out[8]);
/* The day a period's reports are due: deadline_day of the next month. */
int32_t ss_period_deadline(int32_t end, int deadline_day);
/* The date a report for the period is dated: its last day, or today when
 * the period is still running. */
int32_t ss_period_report_day(int32_t start, int32_t end);

#endif
