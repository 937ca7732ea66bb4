/*
 * report.h - recording progress: validation, then one stored row.
 *
 * Everything is checked before anything is written, and each refusal
 * names the field, the value and the reason. Checks (PRODUCT.md and
 * issue 2, "Bad input"): the target is in the current plan; the org unit
 * exists; the date is inside the plan period and not in the future; counts
 * and amounts are >= 0; rates are 0-100 with numerator <= denominator;
 * cumulative values never go down (before or after neighbouring approved
 * reports) unless the report is marked as a correction with a note.
 *
 * Voices: the same refusal reads differently to whoever gets it. The CLI's
 * names its flags (--correction, --note), the JSON API's its fields
 * ("correction", "note"), the console's the form's fields (“更正”, “说明”),
 * never a flag. The language is not the voice's: errors are message ids
 * with arguments (base/err.h), written in the reader's language when they
 * are shown; a form field's label is an argument that is a message id
 * itself (SS_M), so it is translated with the sentence. err->field and
 * err->code are the same in every voice.
 */
#ifndef SS_REPORT_H
#define SS_REPORT_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* Who reads an error message (see the file comment). */
enum ss_voice { SS_VOICE_CLI = 0, SS_VOICE_API, SS_VOICE_FORM };

/* How the reader knows input `field` ("correction", "note", "baseline",
 * "value", "numerator", "denominator", "period", "file", "comment",
 * "encoding"): "--correction", "\"correction\"", or the form's label as a
 * message id for ss_err_set (SS_M("“Correction”"), which a Chinese page
 * writes “更正”). */
const char *ss_voice_field(enum ss_voice v, const char *field);

/* Where ss_report_check finds the approved reports next to a date (the
 * cumulative rule): the store (ss_store_report_around) unless a request
 * brings its own, as a batch of approvals does (core/workflow.c). */
typedef int (*ss_report_around_fn)(void *ctx, int64_t target_id, int64_t org_id, int32_t date,
                                   struct ss_report_row *before, int *has_before,
                                   struct ss_report_row *after, int *has_after);

struct ss_report_req {
    int64_t target_id;
    const char *org;    /* org unit code */
    int64_t org_id;     /* > 0: its id, known to the caller, so org is not looked up */
    const char *date;   /* YYYY-MM-DD */
    double value;       /* NAN when not given */
    double numerator;   /* NAN when not given */
    double denominator; /* NAN when not given */
    double baseline;    /* NAN when not given (change targets) */
    const char *note;
    int correction;     /* allows a lower cumulative value; needs a note */
    const char *status; /* "approved" from the administrator's CLI */
    const char *by;
    const char *period;         /* "YYYY-MM" for a period's form or ledger: the live report of
                                   the period is the one replaced (core/workflow.h); NULL: the date's */
    enum ss_voice voice;        /* who reads the errors (0: the CLI) */
    int review;                 /* checked again at approval: the advice is the reviewer's */
    ss_report_around_fn around; /* NULL: the store */
    void *around_ctx;
};

/* Validate without writing, against plan (NULL: the current plan, loaded
 * here). On success *in holds the row to store (its note and by point into
 * req) and *ti (may be NULL) the target's index in the plan. */
int ss_report_check(struct ss_store *st, const struct ss_plan *plan,
                    const struct ss_report_req *req, struct ss_report_in *in, long *ti,
                    struct ss_err *err);

/* Validate and store, inside the caller's transaction (begun with who
 * records it: store.h), so the check and the write see the same reports.
 * *id receives the report id. */
int ss_report_add(struct ss_store *st, const struct ss_report_req *req, int64_t *id,
                  struct ss_err *err);

#endif
