/*
 * workflow.h - reports on their way to the public figures: draft ->
 * submitted -> approved, or returned with a comment.
 *
 * Only approved reports count (the engine reads rows with a seq, and a seq
 * is given only by approval). Each step checks access (core/access.h)
 * first, then validates (core/report.h: types and ranges, rates, dates,
 * cumulative values), then begins a transaction with the acting user (the
 * audit log's actor for the write: store.h), checks the move against the
 * report's state and writes through the store, whose writes compare and
 * set the status read. The moves: draft or returned -> submitted;
 * submitted -> approved or returned (with a comment). A move from any
 * other state is SS_ECONFLICT (field "status") and changes nothing.
 *
 * One live report per (target, unit, date) (issue 9). A live report is a
 * draft, a submitted or a returned one. A new report for the same target
 * and unit replaces the live one of its date, or, when it is a period's
 * entry (the console's form, a ledger), the live one of its period:
 *   - a draft is replaced in place (same id);
 *   - a returned report is corrected in place (same id); the version the
 *     reviewer returned, with the comment, stays in the audit log and is
 *     shown to the reporter and the reviewer (ss_store_wf_revisions);
 *   - a submitted report is NOT replaced: the new report is refused
 *     (SS_ECONFLICT, field "report") with a sentence saying why and what to
 *     do (ask the reviewer to return it), unless it holds the same values,
 *     which is no change at all. Refusing, rather than withdrawing and
 *     replacing, keeps a reviewer from approving values they never saw.
 *
 * Approval checks again every rule checked at submission (core/report.h),
 * against what is approved by then, inside the approval's transaction: a
 * value lower than one approved before it is refused unless it was
 * submitted as a correction with a note. A report is never approved by the
 * person who submitted it, admins included.
 *
 * Flags: a report that looks implausible is FLAGGED, not refused, and the
 * reviewer sees the flags:
 *   "correction"     submitted as a correction (a lower value, with a note);
 *   "no_share"       the unit (or the reporter's department) has no share
 *                    of the target;
 *   "over_3x_share"  the cumulative value is more than 3x the unit's share;
 *   "jump"           the increase since the last approved report is more
 *                    than 3x the largest increase between the unit's earlier
 *                    reports (when it has at least 3).
 * The last two apply to counts and amounts; rates, changes and milestones
 * have their own range checks.
 *
 * Periods are calendar months "YYYY-MM"; a period's reports are due on the
 * plan's deadline day of the following month (ss_period_deadline).
 */
#ifndef SS_WORKFLOW_H
#define SS_WORKFLOW_H

#include <stdint.h>

#include "base/err.h"
#include "core/auth.h"
#include "core/engine.h"
#include "core/report.h"
#include "store/store.h"
#include "store/store_workflow.h"

#define SS_FLAGS_MAX 64

/* The approved reports of some cells, read once, for the checks of many
 * reports with no read each: a batch of approvals (which adds its own as
 * it makes them), a ledger's rows. ss_wf_approved_around answers as
 * ss_store_report_around would (a request's around, core/report.h, with
 * the set as its context); ss_workflow_flags reads a report's history
 * from it. Rows sorted by target, org unit, date and seq as read. */
struct ss_wf_approved {
    struct ss_report_row *row;
    size_t n, cap;
    int64_t next_seq; /* a batch's approvals: numbered after every stored one */
};
/* Read the approved reports of the n cells into *a (its own; cleaned up
 * by ss_wf_approved_cleanup). SS_OK or SS_EDB. */
int ss_wf_approved_read(struct ss_store *st, const struct ss_store_cell *cells, size_t n,
                        struct ss_wf_approved *a);
void ss_wf_approved_cleanup(struct ss_wf_approved *a);
int ss_wf_approved_around(void *ctx, int64_t target_id, int64_t org_id, int32_t day,
                          struct ss_report_row *before, int *has_before,
                          struct ss_report_row *after, int *has_after);

/* What the flags of many reports of one org unit read, read once for them
 * all (a ledger's rows): the approved reports of their cells, and the
 * unit's own shares (ss_store_assignments_of). */
struct ss_wf_known {
    struct ss_wf_approved approved;
    struct ss_assignment_row *share;
    size_t nshare;
};

/* Flags of a validated report (see above) into out ("" for none). dept is
 * the reporter's department (NULL or "" for none). known: what in's unit
 * has, read before (NULL: read from the store here). */
int ss_workflow_flags(struct ss_store *st, const struct ss_plan *plan, long ti,
                      const struct ss_report_in *in, const char *dept, int correction,
                      const struct ss_wf_known *known, char out[SS_FLAGS_MAX]);

/* Adds "children_differ" to out when the unit's children have approved
 * reports as of in's date whose sum (as the same figure) differs from in:
 * the unit's own report stands, and its reviewer should know that the
 * places below say otherwise (PRODUCT.md). e may be NULL (no flag). */
void ss_workflow_flag_children(const struct ss_engine *e, long ti, const struct ss_report_in *in,
                               char out[SS_FLAGS_MAX]);

/* A reporter's report: access, validation, flags, then one live report
 * with status "draft" or "submitted" (req->status; default submitted),
 * replacing the live one as the file comment says. *outcome (may be NULL)
 * receives SS_WF_INSERTED, _REPLACED, _CORRECTED or _UNCHANGED. */
int ss_workflow_submit(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       const struct ss_report_req *req, int64_t *id, char flags[SS_FLAGS_MAX],
                       int *outcome, struct ss_err *err);
/* 1 when the workflow lets a report move from status `from` to `to`. */
int ss_workflow_may_move(const char *from, const char *to);

/* Put rows (struct ss_wf_put, store/store_workflow.h) inside the caller's
 * transaction, every row or none. Per row: no live report -> insert; a
 * draft -> replaced in place (unchanged when values, note, date and status
 * are the same); a returned report -> corrected in place, its review
 * cleared (the audit log keeps the returned version); a submitted report
 * -> unchanged when it holds the same values and note, else SS_ECONFLICT
 * (field "report", nothing stored): a submitted report is never replaced.
 * rows[i].id and .outcome receive what happened. The rows are validated
 * already (ss_report_check); this is the replacing rule alone. */
int ss_workflow_put(struct ss_store *st, struct ss_wf_put *rows, size_t n, int64_t user_id,
                    struct ss_err *err);

/* SS_ECONFLICT (err says why, in voice v) when a report `in` would replace
 * a submitted report of [from, to] with other values; else 0. For callers
 * that check many rows before writing them (the ledger). */
int ss_workflow_replaceable(struct ss_store *st, const struct ss_report_in *in, int32_t from,
                            int32_t to, enum ss_voice v, struct ss_err *err);
/* The same against live, the live report of in's cell in [from, to] read
 * before (ss_store_wf_live_of), NULL when there is none. */
int ss_workflow_replaceable_of(const struct ss_wf_report *live, const struct ss_report_in *in,
                               struct ss_err *err);
/* "inserted", "replaced", "corrected", "unchanged". */
const char *ss_workflow_outcome_str(int outcome);

/* Submit a draft or a returned report again (its own reporter or an
 * admin), who becomes its reporter. */
int ss_workflow_resubmit(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                         int64_t id, enum ss_voice v, struct ss_err *err);
/* The level above approves (the report then counts) or returns it. */
int ss_workflow_approve(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                        int64_t id, enum ss_voice v, struct ss_err *err);
int ss_workflow_return(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       int64_t id, const char *comment, enum ss_voice v, struct ss_err *err);
/* 0 when u submitted report r (and so may not approve it), else 1. */
int ss_workflow_may_approve(const struct ss_user *u, const struct ss_wf_report *r);

/* One approval of a batch. */
struct ss_wf_result {
    int64_t id;
    int rc; /* 0: approved */
    struct ss_err err;
};
/* Approve each of ids[0..n) on its own (every check, its own transaction),
 * oldest date first so that each is checked against those approved before
 * it; repeated ids count once. res (n entries) receives one result per
 * distinct id in the order they were tried; *nres their number. Returns
 * the number approved. */
size_t ss_workflow_approve_many(struct ss_store *st, const struct ss_engine *e,
                                const struct ss_user *u, const int64_t *ids, size_t n,
                                enum ss_voice v, struct ss_wf_result *res, size_t *nres);

/* "YYYY-MM" -> first and last day of the month. */
int ss_period_parse(const char *s, int32_t *start, int32_t *end);
/* The period holding day, as "YYYY-MM". */
void ss_period_fmt(int32_t day, char out[8]);
/* The day a period's reports are due: deadline_day of the next month. */
int32_t ss_period_deadline(int32_t end, int deadline_day);
/* The date a report for the period is dated: its last day, or today when
 * the period is still running. */
int32_t ss_period_report_day(int32_t start, int32_t end);
/* The period whose deadline is next on `today`: the previous month while
 * its deadline has not passed (on 1 December, November, due 5 December),
 * else the current month; within the plan's period. */
void ss_period_due(const struct ss_plan *p, int deadline_day, int32_t today, char out[8]);

#endif
