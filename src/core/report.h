/*
 * report.h - recording progress: validation, then one stored row.
 *
 * Everything is checked before anything is written, and each refusal
 * names the field, the value and the reason. Checks (PRODUCT.md and
 * issue 2, "Bad input"): the target is in the current plan; the org unit
 * exists; the date is inside the plan period and not in the future; counts
 * and amounts are >= 0; rates are 0-100 with numerator <= denominator;
 * cumulative values never go down (before or after neighbouring reports)
 * unless the report is marked as a correction with a note.
 */
#ifndef SS_REPORT_H
#define SS_REPORT_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

struct ss_report_req {
    int64_t target_id;
    const char *org;      /* org unit code */
    const char *date;     /* YYYY-MM-DD */
    double value;         /* NAN when not given */
    double numerator;     /* NAN when not given */
    double denominator;   /* NAN when not given */
    double baseline;      /* NAN when not given (change targets) */
    const char *note;
    int correction;       /* allows a lower cumulative value; needs a note */
    const char *status;   /* "approved" from the administrator's CLI */
    const char *by;
};

/* Validate without writing, against plan (NULL: the current plan, loaded
 * here). On success *in holds the row to store (its note and by point into
 * req) and *ti (may be NULL) the target's index in the plan. */
int ss_report_check(struct ss_store *st, const struct ss_plan *plan,
                    const struct ss_report_req *req, struct ss_report_in *in, long *ti,
                    struct ss_err *err);

/* Validate and store. *id receives the report id. */
int ss_report_add(struct ss_store *st, const struct ss_report_req *req, int64_t *id,
                  struct ss_err *err);

#endif
