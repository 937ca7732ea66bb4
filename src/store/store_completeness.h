/*
 * store_completeness.h - what reporting completeness (core/completeness.h)
 * reads: the plan's assignments to org units, each with its last report
 * date up to a day, and the reports of a period with the moment each was
 * first handed in and whether a reviewer ever returned it.
 *
 * The moment a report was handed in is not a column: a report is created
 * as a draft or as submitted, and a draft submitted later keeps its
 * created_at. It is read from the audit log, where every change of a
 * report row is kept with its time: the first entry whose row image holds
 * status "submitted" or "approved" (the CLI's reports are stored approved
 * at once). A report with no such entry (a database from before auditing
 * began) falls back to its created_at. Likewise "returned" is any entry
 * holding status "returned", as a correction in place clears the review
 * from the row itself. Both are read per report through the audit log's
 * (tbl, row_id) index, in the same statement as the reports.
 *
 * Plan-wide: the caller (core) keeps the rows of the org subtree it wants;
 * two statements whatever the number of units.
 */
#ifndef SS_STORE_COMPLETENESS_H
#define SS_STORE_COMPLETENESS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* One share of a target given to an org unit. */
struct ss_cmpl_assignment {
    int64_t target_id;
    int64_t org_id;
    int32_t last_report; /* latest as_of of its submitted or approved reports up
                            to the day asked, or SS_NO_DATE */
};

/* One report dated within the period. */
struct ss_cmpl_report {
    int64_t id;
    int64_t target_id;
    int64_t org_id;
    int32_t as_of;
    char status[12];    /* draft, submitted, approved, returned */
    char handed_in[32]; /* UTC time first submitted or approved ("" if never) */
    int returned;       /* 1 when a reviewer ever returned it */
};

/* The plan's assignments to org units (not departments), by target and
 * unit; last_report up to day `upto`. *out is malloc'ed (the caller frees
 * it), *n its length. */
int ss_store_cmpl_assignments(struct ss_store *st, int64_t plan_id, int32_t upto,
                              struct ss_cmpl_assignment **out, size_t *n, struct ss_err *err);

/* The plan's reports dated from..to (inclusive), every status, by id.
 * *out is malloc'ed, *n its length. */
int ss_store_cmpl_reports(struct ss_store *st, int64_t plan_id, int32_t from, int32_t to,
                          struct ss_cmpl_report **out, size_t *n, struct ss_err *err);

#endif
