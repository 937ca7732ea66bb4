/*
 * store_workflow.h - the reporting workflow's rows: assignments with their
 * reasons, reports moving draft -> submitted -> approved (or returned),
 * the reviewer's inbox, a reporter's assignments for a period, and
 * evidence files.
 *
 * Invariants kept here, in SQL, so no caller can break them:
 *   - a report is approved only from 'submitted', and approval gives it the
 *     next seq in the same statement (the roll-up engine counts rows with a
 *     seq and nothing else);
 *   - a report is returned only from 'submitted', and only with a comment;
 *   - a report is submitted only from 'draft' or 'returned'.
 * A transition from any other state is SS_ECONFLICT and changes nothing.
 * Every write is audited by the store's triggers; call ss_store_set_actor
 * first.
 */
#ifndef SS_STORE_WORKFLOW_H
#define SS_STORE_WORKFLOW_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* --- assignments ----------------------------------------------------- */

/* Set (insert or replace) the share of target given to org_id (dept NULL)
 * or to department `dept` (org_id 0). reason may be NULL. */
int ss_store_assign_set(struct ss_store *st, int64_t target_id, int64_t org_id, const char *dept,
                        double value, const char *reason, struct ss_err *err);
/* The share of target at org_id; SS_ENOTFOUND if none. */
int ss_store_assignment_get(struct ss_store *st, int64_t target_id, int64_t org_id, double *value);
/* Sum and count of the shares of target given to the children of
 * parent_id (0: org units without a parent), leaving out except_org. */
int ss_store_assignment_children_sum(struct ss_store *st, int64_t target_id, int64_t parent_id,
                                     int64_t except_org, double *sum, int *n);
/* Sum and count of the shares given to departments, leaving out except. */
int ss_store_assignment_dept_sum(struct ss_store *st, int64_t target_id, const char *except,
                                 double *sum, int *n);

/* One assignment of an org unit, for the reporter's period view. */
struct ss_my_assignment {
    int64_t target_id;
    double value;       /* assigned share */
    double last;        /* latest approved value as of the period's end; NAN if none */
    double last_b;      /* its denominator/baseline, NAN if none */
    int32_t last_day;   /* SS_NO_DATE if none */
    int64_t pending_id; /* this period's draft/submitted/returned report, or 0 */
    char pending_status[12];
    double pending_value, pending_num, pending_den; /* NAN when NULL */
    char *pending_note;                             /* malloc'd or NULL */
    char *pending_comment; /* the reviewer's comment on a returned report */
};
/* The org unit's assignments in plan_id, with the last approved value as
 * of `end` and the newest unapproved report dated in [start, end].
 * *out is malloc'd; free with ss_my_assignments_free. */
int ss_store_my_assignments(struct ss_store *st, int64_t plan_id, int64_t org_id, int32_t start,
                            int32_t end, struct ss_my_assignment **out, size_t *n);
void ss_my_assignments_free(struct ss_my_assignment *a, size_t n);

/* Day of the month reports for the previous month are due (1..28). */
int ss_store_plan_deadline_day(struct ss_store *st, int64_t plan_id);

/* --- reports --------------------------------------------------------- */

/* Insert reports with the workflow's extra columns (user id, flags), all in
 * one transaction: every row or none. flags[i] may be NULL. ids (may be
 * NULL) receives the new ids. Status must not be "approved" (use
 * ss_store_report_insert for the administrator's path). */
int ss_store_wf_insert(struct ss_store *st, const struct ss_report_in *r, const char *const *flags,
                       int64_t user_id, size_t n, int64_t *ids, struct ss_err *err);

/* A report with everything the workflow shows. Strings are malloc'd: free
 * with ss_wf_report_cleanup. Numbers are NAN when NULL. */
struct ss_wf_report {
    int64_t id, target_id, org_id, seq, user_id;
    char org_code[16];
    int32_t as_of;
    double value, numerator, denominator;
    char status[12];
    char *note, *flags, *created_by, *created_at, *reviewed_by, *review_comment;
};
void ss_wf_report_cleanup(struct ss_wf_report *r);
int ss_store_wf_get(struct ss_store *st, int64_t id, struct ss_wf_report *out);

/* Transitions (see the file comment). by names the reviewer. */
int ss_store_wf_approve(struct ss_store *st, int64_t id, const char *by, struct ss_err *err);
int ss_store_wf_return(struct ss_store *st, int64_t id, const char *by, const char *comment,
                       struct ss_err *err);
int ss_store_wf_submit(struct ss_store *st, int64_t id, struct ss_err *err);

/* Submitted reports of org units strictly inside org_id's subtree (all
 * org units when org_id is 0), oldest first, at most max. *out is malloc'd:
 * free each with ss_wf_report_cleanup, then the array. */
int ss_store_wf_inbox(struct ss_store *st, int64_t org_id, size_t max, struct ss_wf_report **out,
                      size_t *n);

/* Approved cumulative values of (target, org) dated before `before`,
 * oldest first, at most max: for the plausibility flags. */
int ss_store_wf_history(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t before,
                        double *vals, size_t max, size_t *n);

/* --- evidence -------------------------------------------------------- */

int ss_store_evidence_add(struct ss_store *st, int64_t report_id, const char *sha256,
                          const char *mime, int64_t size, const char *name, struct ss_err *err);
/* The database file's path (evidence lives next to it). */
const char *ss_store_wf_path(const struct ss_store *st);
/* Number of evidence files of a report. */
int64_t ss_store_evidence_count(struct ss_store *st, int64_t report_id);

#endif
