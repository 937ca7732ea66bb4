/*
 * report.c - validating and storing one progress report (see report.h).
 */
#include "core/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"

const char *ss_voice_field(enum ss_voice v, const char *field)
{
    /* field, CLI, API, the form's label (a message id) */
    static const char *const names[][4] = {
        {"correction", "--correction", "\"correction\"", SS_M("“Correction”")},
        {"note", "--note", "\"note\"", SS_M("“Note”")},
        {"baseline", "--baseline", "\"baseline\"", SS_M("“Last year's level”")},
        {"value", "--value", "\"value\"", SS_M("“Cumulative value now”")},
        {"numerator", "--numerator", "\"numerator\"", SS_M("“Numerator”")},
        {"denominator", "--denominator", "\"denominator\"", SS_M("“Denominator”")},
        {"period", "--period", "\"period\"", SS_M("“Period”")},
        {"file", "FILE", "\"file\"", SS_M("“Ledger file”")},
        {"comment", "--comment", "\"comment\"", SS_M("“Reason for returning”")},
        {"encoding", "--encoding", "\"encoding\"", SS_M("“Encoding”")},
    };
    size_t i;
    int k = v == SS_VOICE_CLI ? 1 : v == SS_VOICE_API ? 2 : 3;

    for (i = 0; i < SS_ARRAY_LEN(names); i++)
        if (strcmp(names[i][0], field) == 0)
            return names[i][k];
    return field;
}

/* How to correct a value that goes down, in the reader's words (a message
 * id, for "%s"). */
static const char *correction_advice(const struct ss_report_req *req)
{
    if (req->review)
        return SS_M("return it to the reporter, who can correct it with a note");
    switch (req->voice) {
    case SS_VOICE_CLI:
        return SS_M("use --correction with a --note to correct an error");
    case SS_VOICE_API:
        return SS_M("send \"correction\": true with a \"note\" to correct an error");
    default:
        return SS_M("to correct an error, tick “Correction” and say why in “Note”");
    }
}

static int check_number(double v, const char *field, struct ss_err *err)
{
    if (isnan(v))
        return ss_err_set(err, SS_EINVAL, field, "a value is required");
    if (!isfinite(v) || fabs(v) > 1e15)
        return ss_err_set(err, SS_EINVAL, field, "value %g is out of range", v);
    if (v < 0)
        return ss_err_set(err, SS_EINVAL, field, "value %g is negative; progress is counted from 0",
                          v);
    return SS_OK;
}

int ss_report_check(struct ss_store *st, const struct ss_plan *plan_in,
                    const struct ss_report_req *req, struct ss_report_in *out, long *ti_out,
                    struct ss_err *err)
{
    struct ss_plan *loaded = NULL;
    const struct ss_plan *plan = plan_in;
    struct ss_org org = {0};
    struct ss_report_in in;
    struct ss_report_row near, later;
    const struct ss_target *t;
    enum ss_voice v = req->voice;
    long ti;
    int32_t day, today;
    char d1[11], d2[11];
    int rc, has_near = 0, has_later = 0;

    memset(&in, 0, sizeof in);
    if (!plan) {
        if ((rc = ss_store_plan_load(st, 0, &loaded, err)))
            return rc;
        plan = loaded;
    }
    ti = ss_plan_target_index(plan, req->target_id);
    if (ti < 0) {
        if (v == SS_VOICE_CLI)
            rc = ss_err_set(err, SS_ENOTFOUND, "target",
                            "no target with id %lld in the current plan (%s); see shishi plan show",
                            (long long)req->target_id, plan->title);
        else
            rc = ss_err_set(err, SS_ENOTFOUND, "target",
                            "no target with id %lld in the current plan (%s)",
                            (long long)req->target_id, plan->title);
        goto out;
    }
    t = &plan->targets[ti];
    if (req->org_id > 0) {
        org.id = req->org_id; /* known to the caller (a stored report's) */
    } else if (!req->org || strlen(req->org) > SS_MAX_ORG_CODE ||
               ss_store_org_get(st, req->org, &org) != SS_OK) {
        rc = ss_err_set(err, SS_ENOTFOUND, "org", "no org unit with code '%s'",
                        req->org ? req->org : "");
        goto out;
    }
    if ((rc = ss_date_read("date", req->date, &day, err))) {
        if (v == SS_VOICE_FORM) /* the form's reader: no format jargon */
            ss_err_set(err, SS_EINVAL, "date", "“%s” is not a date (year-month-day)",
                       req->date ? req->date : "");
        goto out;
    }
    if ((rc = ss_date_within("date", day, plan->start, plan->end, err))) {
        if (v == SS_VOICE_FORM) {
            ss_date_fmt(plan->start, d1);
            ss_date_fmt(plan->end, d2);
            ss_err_set(err, SS_EINVAL, "date", "%s is outside the plan's period, %s to %s",
                       req->date, d1, d2);
        }
        goto out;
    }
    today = ss_date_today();
    if (day > today) {
        ss_date_fmt(today, d1);
        rc = ss_err_set(err, SS_EINVAL, "date", "%s is in the future (today is %s)", req->date, d1);
        goto out;
    }
    if (req->note &&
        (strlen(req->note) > SS_MAX_NOTE || !ss_utf8_valid(req->note, strlen(req->note)))) {
        rc = ss_err_set(err, SS_EINVAL, "note", "the note must be UTF-8 of at most %d bytes",
                        SS_MAX_NOTE);
        goto out;
    }
    if (req->correction && (!req->note || !*req->note)) {
        rc = ss_err_set(err, SS_EINVAL, "note", "a correction needs a note saying why (%s)",
                        ss_voice_field(v, "note"));
        goto out;
    }

    in.value = in.numerator = in.denominator = NAN;
    switch (t->kind) {
    case SS_KIND_RATE:
        if (!isnan(req->numerator) || !isnan(req->denominator)) {
            if ((rc = check_number(req->numerator, "numerator", err)) ||
                (rc = check_number(req->denominator, "denominator", err)))
                goto out;
            if (req->denominator <= 0) {
                rc = ss_err_set(err, SS_EINVAL, "denominator", "the denominator must be above 0");
                goto out;
            }
            if (req->numerator > req->denominator) {
                rc = ss_err_set(err, SS_EINVAL, "numerator",
                                "numerator %g is above its denominator %g", req->numerator,
                                req->denominator);
                goto out;
            }
            in.numerator = req->numerator;
            in.denominator = req->denominator;
        } else {
            if ((rc = check_number(req->value, "value", err)))
                goto out;
            if (req->value > 100) {
                rc = ss_err_set(err, SS_EINVAL, "value", "rate %g%% is above 100%%", req->value);
                goto out;
            }
            in.numerator = req->value; /* a bare percent counts as n of 100 */
            in.denominator = 100;
        }
        in.value = in.numerator / in.denominator * 100;
        break;
    case SS_KIND_CHANGE:
        if ((rc = check_number(req->value, "value", err)) ||
            (rc = check_number(req->baseline, "baseline", err)))
            goto out;
        if (req->baseline <= 0) {
            rc = ss_err_set(err, SS_EINVAL, "baseline",
                            "a change target needs last year's level above 0 (%s)",
                            ss_voice_field(v, "baseline"));
            goto out;
        }
        in.value = req->value;
        in.denominator = req->baseline;
        break;
    default:
        if ((rc = check_number(req->value, "value", err)))
            goto out;
        if (t->kind == SS_KIND_MILESTONE && req->value > t->value) {
            rc = ss_err_set(err, SS_EINVAL, "value", "stage %g is beyond the last stage %g",
                            req->value, t->value);
            goto out;
        }
        in.value = req->value;
        /* Cumulative values never go down without a correction. */
        if (!req->correction &&
            (req->around ? req->around(req->around_ctx, t->id, org.id, day, &near, &has_near,
                                       &later, &has_later)
                         : ss_store_report_around(st, t->id, org.id, day, &near, &has_near, &later,
                                                  &has_later)) != SS_OK) {
            rc = ss_err_set(err, SS_EDB, "db", "cannot read the approved reports of the unit");
            goto out;
        }
        if (!req->correction && has_near && near.a > req->value) {
            ss_date_fmt(near.as_of, d1);
            rc = ss_err_set(err, SS_EINVAL, "value",
                            "%g is lower than %g approved as of %s; cumulative values only grow "
                            "(%s)",
                            req->value, near.a, d1, correction_advice(req));
            goto out;
        }
        if (!req->correction && has_later && later.a < req->value) {
            ss_date_fmt(later.as_of, d1);
            rc = ss_err_set(err, SS_EINVAL, "value",
                            "%g is higher than %g approved later, as of %s; cumulative values "
                            "only grow (%s)",
                            req->value, later.a, d1, correction_advice(req));
            goto out;
        }
    }
    in.target_id = t->id;
    in.org_id = org.id;
    in.as_of = day;
    in.note = req->note;
    in.status = req->status ? req->status : "submitted";
    in.by = req->by;
    *out = in;
    if (ti_out)
        *ti_out = ti;
    rc = SS_OK;
out:
    free(org.name);
    ss_plan_free(loaded);
    return rc;
}

int ss_report_add(struct ss_store *st, const struct ss_report_req *req, int64_t *id,
                  struct ss_err *err)
{
    struct ss_report_in in;
    int rc;

    /* checked against what is stored, and written, in one transaction */
    if ((rc = ss_store_begin(st, NULL, err)))
        return rc;
    if ((rc = ss_report_check(st, NULL, req, &in, NULL, err)) ||
        (rc = ss_store_report_insert(st, &in, id, err))) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}
