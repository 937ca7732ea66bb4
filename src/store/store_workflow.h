/*
 * store_workflow.h - the reporting workflow's rows: assignments with their
 * reasons, reports moving draft -> submitted -> approved (or returned),
 * the reviewer's inbox, a reporter's assignments for a period, and
 * evidence files.
 *
 * The store stores; core decides (core/workflow.c): which status a report
 * may move to from which, that a return needs a comment, and what a new
 * report does to the live one of its date (insert, replace a draft,
 * correct a returned one, never replace a submitted one) are core's rules,
 * decided inside the caller's transaction on what it read. What the store
 * keeps, whoever calls:
 *   - every status change and replacement is compare-and-set on the status
 *     the caller read: when the report is in another state by now (another
 *     reviewer was first), it is SS_ECONFLICT and nothing changes;
 *   - approval gives the report the next seq in the same statement (the
 *     approval order of store.h; the engine counts rows with a seq and
 *     nothing else), and an approved report is never replaced;
 *   - at most one LIVE report (draft, submitted or returned) per (target,
 *     org unit, date): a unique index (migration 7), the last line of
 *     defence behind core's replacing.
 * A report's earlier states are the audit log's images of its row; the
 * versions a reviewer returned are read back from there
 * (ss_store_wf_revisions), so the history shown is the audited one.
 * Every write joins the caller's transaction, begun with the acting user
 * (store.h), and is audited by the store's triggers.
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
/* ss_store_assignment_get of every target at org_id at once: *out, a
 * malloc'd array of *n (the caller frees it), sorted by target. SS_OK or
 * SS_EDB. */
int ss_store_assignments_of(struct ss_store *st, int64_t org_id, struct ss_assignment_row **out,
                            size_t *n);
/* Sum and count of the shares of target given to the children of
 * parent_id (0: org units without a parent), leaving out except_org. */
int ss_store_assignment_children_sum(struct ss_store *st, int64_t target_id, int64_t parent_id,
                                     int64_t except_org, double *sum, int *n);
/* The share of target given to department `dept`; SS_ENOTFOUND if none. */
int ss_store_assignment_dept_get(struct ss_store *st, int64_t target_id, const char *dept,
                                 double *value);
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
 * of `end` and the period's live report (the latest dated in [start, end],
 * the one a period's entry replaces).
 * *out is malloc'd; free with ss_my_assignments_free. */
int ss_store_my_assignments(struct ss_store *st, int64_t plan_id, int64_t org_id, int32_t start,
                            int32_t end, struct ss_my_assignment **out, size_t *n);
void ss_my_assignments_free(struct ss_my_assignment *a, size_t n);

/* Day of the month reports for the previous month are due (1..28). */
int ss_store_plan_deadline_day(struct ss_store *st, int64_t plan_id);

/* --- reports --------------------------------------------------------- */

/* What a put (core's ss_workflow_put) did with a row. */
enum ss_wf_outcome {
    SS_WF_INSERTED = 1, /* no live report: a new one */
    SS_WF_REPLACED,     /* a draft's values replaced in place (same id) */
    SS_WF_CORRECTED,    /* a returned report corrected in place (same id) */
    SS_WF_UNCHANGED     /* the live report already holds these values: nothing written */
};

/* One report to put: in.status is "draft" or "submitted". The live report
 * it replaces is the latest one of (target, org) dated in [from, to] (a
 * period's, or from = to = in.as_of): core/workflow.h. */
struct ss_wf_put {
    struct ss_report_in in;
    const char *flags; /* "a,b" or NULL */
    int32_t from, to;
    int64_t id;  /* out: the report's id */
    int outcome; /* out: SS_WF_* */
};

/* Insert p as a new live report with the workflow's columns (flags, user
 * id, reporter); p->id receives its id. SS_EINVAL unless p->in.status is
 * "draft" or "submitted"; a second live report of the same (target, unit,
 * date) is refused by the schema (SS_EDB). */
int ss_store_wf_insert(struct ss_store *st, struct ss_wf_put *p, int64_t user_id,
                       struct ss_err *err);
/* ss_store_wf_insert of the n rows p[0..n-1], of n different (target,
 * unit, date): on PostgreSQL in one statement, on SQLite one each. Every
 * row or none: a failure rolls the transaction back. */
int ss_store_wf_insert_many(struct ss_store *st, struct ss_wf_put *const *p, size_t n,
                            int64_t user_id, struct ss_err *err);
/* Replace the values of live report id in place (same id), compare-and-set
 * on its status `from` (never an approved one): its date, values, note,
 * status (p->in.status), flags, reporter and user id; clear_review clears
 * its review too (reviewer, time, comment: a returned report corrected is
 * waiting again; its returned version stays in the audit log).
 * SS_ECONFLICT (field "report") when it is no longer `from`. */
int ss_store_wf_replace(struct ss_store *st, int64_t id, const char *from,
                        const struct ss_wf_put *p, int64_t user_id, int clear_review,
                        struct ss_err *err);

/* A report with everything the workflow shows. Strings are malloc'd: free
 * with ss_wf_report_cleanup. Numbers are NAN when NULL. share, last_* are
 * filled by the inbox only (NAN / SS_NO_DATE elsewhere). */
struct ss_wf_report {
    int64_t id, target_id, org_id, seq, user_id;
    char org_code[16];
    int32_t as_of;
    double value, numerator, denominator;
    char status[12];
    char *note, *flags, *created_by, *created_at, *reviewed_by, *review_comment;
    double share;          /* the unit's share of the target, NAN if none */
    double last_a, last_b; /* latest approved value (numerator) and denominator as of
                              as_of, NAN if none */
    int32_t last_day;      /* its date, SS_NO_DATE if none */
};
void ss_wf_report_cleanup(struct ss_wf_report *r);
int ss_store_wf_get(struct ss_store *st, int64_t id, struct ss_wf_report *out);
/* ss_store_wf_get of the n ids in one statement: out[i] for ids[i], with
 * found[i] 1 when it exists (0 and out[i] zeroed when not). SS_OK or
 * SS_EDB (nothing then to clean up). */
int ss_store_wf_get_many(struct ss_store *st, const int64_t *ids, size_t n,
                         struct ss_wf_report *out, int *found);
/* The live report of (target, org) dated in [from, to], the latest if
 * several; SS_ENOTFOUND if none. */
int ss_store_wf_live(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t from,
                     int32_t to, struct ss_wf_report *out);
/* The same for every target of org unit org_id at once: each target's
 * live report dated in [from, to] (the latest if several) into *out, a
 * malloc'd array of *n, sorted by target (free each with
 * ss_wf_report_cleanup, then the array). SS_OK or SS_EDB. */
int ss_store_wf_live_of(struct ss_store *st, int64_t org_id, int32_t from, int32_t to,
                        struct ss_wf_report **out, size_t *n);

/* A status change, compare-and-set: from the status the caller read to
 * another. NULL fields (0 for user_id) keep the column as it is. */
struct ss_wf_move {
    const char *from, *to;
    const char *reviewer; /* reviewed_by; reviewed_at becomes now */
    const char *comment;  /* review_comment */
    const char *by;       /* created_by: the reporter who vouches for it (a submission) */
    int64_t user_id;      /* user_id: the same, as an account */
    const struct ss_wf_report *same; /* when set: moved only if its date and values are
                                        still these (read before, outside the transaction) */
};
/* Move report id from m->from to m->to in one statement. Moving to
 * "approved" gives it the next approval seq in the same statement (store.h:
 * approval order: max(seq) + 1 under the writers' lock the transaction
 * took at its begin, on either backend). SS_ENOTFOUND (field "id") when there is no such report,
 * SS_ECONFLICT (field "status") when it is no longer m->from, or m->from
 * is "approved" (an approved report never changes, whoever asks); nothing
 * changes then. Which moves are allowed is core's (core/workflow.h). */
int ss_store_wf_move(struct ss_store *st, int64_t id, const struct ss_wf_move *m,
                     struct ss_err *err);

/* Approve the n submitted reports r[0..n-1] by reviewer, in that order
 * (their approval seqs follow each other in it), each only if its date and
 * values are still those in r[i]: on PostgreSQL in one statement, on
 * SQLite one ss_store_wf_move each. Needs a transaction of the writers'
 * lock (not of cells). SS_OK when all n moved; SS_ECONFLICT (field
 * "status") when one did not, as returned, changed or gone meanwhile, and
 * then, as after any failure of ss_store_wf_move, the whole transaction is
 * rolled back (ss_store_actor is NULL). */
int ss_store_wf_approve_all(struct ss_store *st, const struct ss_wf_report *const *r, size_t n,
                            const char *reviewer, struct ss_err *err);

/* A version of a report that a reviewer returned: its values then and why
 * it was returned. Strings malloc'd; free the array with
 * ss_wf_revisions_free. */
struct ss_wf_revision {
    char at[32]; /* when it was returned (UTC, ISO 8601) */
    int32_t as_of;
    double value, numerator, denominator; /* NAN when NULL */
    char *note, *reviewed_by, *comment;
};
/* The returned versions of report id, oldest first, leaving out the
 * report's current state; at most max. */
int ss_store_wf_revisions(struct ss_store *st, int64_t id, size_t max, struct ss_wf_revision **out,
                          size_t *n);
void ss_wf_revisions_free(struct ss_wf_revision *v, size_t n);

/* Submitted reports of org units strictly inside org_id's subtree (all
 * org units when org_id is 0), oldest first, at most max, with the unit's
 * share and last approved value. *out is malloc'd: free each with
 * ss_wf_report_cleanup, then the array. */
int ss_store_wf_inbox(struct ss_store *st, int64_t org_id, size_t max, struct ss_wf_report **out,
                      size_t *n);

/* Approved cumulative values of (target, org) dated before `before`,
 * oldest first, at most max: for the plausibility flags. */
int ss_store_wf_history(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t before,
                        double *vals, size_t max, size_t *n);

/* --- evidence -------------------------------------------------------- */

int ss_store_evidence_add(struct ss_store *st, int64_t report_id, const char *sha256,
                          const char *mime, int64_t size, const char *name, struct ss_err *err);
/* The database as the store names it in messages: SQLite's file, or
 * PostgreSQL's URL without its password. Not a place to keep files: see
 * ss_store_evidence_dir. */
const char *ss_store_wf_path(const struct ss_store *st);

/* Where evidence files are kept. Every process that stores them names one
 * directory, shared by all the servers that share the database:
 *   1. the one ss_store_evidence_dir_set named (a command's flag), else
 *   2. $SHISHI_EVIDENCE_DIR, else
 *   3. SQLite: beside the database file, its path with ".evidence" added.
 * A PostgreSQL database (or an SQLite one in no file) has nothing to keep
 * them beside: without 1 or 2, ss_store_evidence_dir refuses (SS_EIO,
 * field "evidence-dir", naming SHISHI_EVIDENCE_DIR), so an upload is
 * refused whole rather than stored where another server cannot find it.
 * The directory is not created here. */
#define SS_EVIDENCE_DIR_MAX 1024
/* For every store this process opens; NULL or "" goes back to the default. */
void ss_store_evidence_dir_set(const char *dir);
/* st's evidence directory into out (cap bytes); 0, or SS_EIO as above, or
 * when it does not fit. */
int ss_store_evidence_dir(const struct ss_store *st, char *out, size_t cap, struct ss_err *err);
/* Number of evidence files of a report. */
int64_t ss_store_evidence_count(struct ss_store *st, int64_t report_id);

#endif
