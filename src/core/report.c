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

const char *ss_voice_text(enum ss_voice v, const char *en, const char *zh)
{
    return SS_VT(v, en, zh);
}

const char *ss_voice_field(enum ss_voice v, const char *field)
{
    /* field, CLI, API, console (zh), console (en) */
    static const char *const names[][5] = {
        {"correction", "--correction", "\"correction\"", "“更正”", "“Correction”"},
        {"note", "--note", "\"note\"", "“说明”", "“Note”"},
        {"baseline", "--baseline", "\"baseline\"", "“上年基数”", "“Last year's level”"},
        {"value", "--value", "\"value\"", "“本期累计值”", "“Cumulative value now”"},
        {"numerator", "--numerator", "\"numerator\"", "“分子”", "“Numerator”"},
        {"denominator", "--denominator", "\"denominator\"", "“分母”", "“Denominator”"},
        {"period", "--period", "\"period\"", "“填报期”", "“Period”"},
        {"file", "FILE", "\"file\"", "“台账文件”", "“Ledger file”"},
        {"comment", "--comment", "\"comment\"", "“退回意见”", "“Reason for returning”"},
        {"encoding", "--encoding", "\"encoding\"", "“文件编码”", "“Encoding”"},
    };
    size_t i;
    int k = v == SS_VOICE_CLI ? 1 : v == SS_VOICE_API ? 2 : v == SS_VOICE_FORM_ZH ? 3 : 4;

    for (i = 0; i < SS_ARRAY_LEN(names); i++)
        if (strcmp(names[i][0], field) == 0)
            return names[i][k];
    return field;
}

/* How to correct a value that goes down, in the reader's words. */
static const char *correction_advice(const struct ss_report_req *req)
{
    if (req->review)
        return SS_VT(req->voice, "return it to the reporter, who can correct it with a note",
                     "请退回，由填报人按更正填报并写明原因");
    switch (req->voice) {
    case SS_VOICE_CLI:
        return "use --correction with a --note to correct an error";
    case SS_VOICE_API:
        return "send \"correction\": true with a \"note\" to correct an error";
    case SS_VOICE_FORM_ZH:
        return "如确需更正，请勾选“更正”并在“说明”中写明原因";
    default:
        return "to correct an error, tick “Correction” and say why in “Note”";
    }
}

static int check_number(double v, const char *field, enum ss_voice voice, struct ss_err *err)
{
    if (isnan(v))
        return ss_err_set(err, SS_EINVAL, field, "%s",
                          SS_VT(voice, "a value is required", "请填写数值"));
    if (!isfinite(v) || fabs(v) > 1e15)
        return ss_err_set(err, SS_EINVAL, field,
                          SS_VT(voice, "value %g is out of range", "数值 %g 超出范围"), v);
    if (v < 0)
        return ss_err_set(err, SS_EINVAL, field,
                          SS_VT(voice, "value %g is negative; progress is counted from 0",
                                "数值 %g 为负数；进度从 0 起算"),
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
    struct ss_report_row near;
    const struct ss_target *t;
    enum ss_voice v = req->voice;
    long ti;
    int32_t day, today;
    char d1[11], d2[11];
    int rc;

    memset(&in, 0, sizeof in);
    if (!plan) {
        if ((rc = ss_store_plan_load(st, 0, &loaded, err)))
            return rc;
        plan = loaded;
    }
    ti = ss_plan_target_index(plan, req->target_id);
    if (ti < 0) {
        rc = ss_err_set(err, SS_ENOTFOUND, "target",
                        SS_VT(v, "no target with id %lld in the current plan (%s)%s",
                              "当前计划中没有编号为 %lld 的指标（%s）%s"),
                        (long long)req->target_id, plan->title,
                        v == SS_VOICE_CLI ? "; see shishi plan show" : "");
        goto out;
    }
    t = &plan->targets[ti];
    if (!req->org || strlen(req->org) > SS_MAX_ORG_CODE ||
        ss_store_org_get(st, req->org, &org) != SS_OK) {
        rc = ss_err_set(err, SS_ENOTFOUND, "org",
                        SS_VT(v, "no org unit with code '%s'", "没有代码为“%s”的区划"),
                        req->org ? req->org : "");
        goto out;
    }
    if ((rc = ss_date_read("date", req->date, &day, err))) {
        if (v == SS_VOICE_FORM_ZH) /* the form's reader: in Chinese, no format jargon */
            ss_err_set(err, SS_EINVAL, "date", "“%s”不是有效的日期（年-月-日）",
                       req->date ? req->date : "");
        goto out;
    }
    if ((rc = ss_date_within("date", day, plan->start, plan->end, err))) {
        if (v == SS_VOICE_FORM_ZH) {
            ss_date_fmt(plan->start, d1);
            ss_date_fmt(plan->end, d2);
            ss_err_set(err, SS_EINVAL, "date", "%s 不在计划期 %s 至 %s 内", req->date, d1, d2);
        }
        goto out;
    }
    today = ss_date_today();
    if (day > today) {
        ss_date_fmt(today, d1);
        rc = ss_err_set(
            err, SS_EINVAL, "date",
            SS_VT(v, "%s is in the future (today is %s)", "%s 晚于今天（%s），不能提前填报"),
            req->date, d1);
        goto out;
    }
    if (req->note &&
        (strlen(req->note) > SS_MAX_NOTE || !ss_utf8_valid(req->note, strlen(req->note)))) {
        rc = ss_err_set(err, SS_EINVAL, "note",
                        SS_VT(v, "the note must be UTF-8 of at most %d bytes", "说明最多 %d 字节"),
                        SS_MAX_NOTE);
        goto out;
    }
    if (req->correction && (!req->note || !*req->note)) {
        rc = ss_err_set(
            err, SS_EINVAL, "note",
            SS_VT(v, "a correction needs a note saying why (%s)", "更正须在%s中写明原因"),
            ss_voice_field(v, "note"));
        goto out;
    }

    in.value = in.numerator = in.denominator = NAN;
    switch (t->kind) {
    case SS_KIND_RATE:
        if (!isnan(req->numerator) || !isnan(req->denominator)) {
            if ((rc = check_number(req->numerator, "numerator", v, err)) ||
                (rc = check_number(req->denominator, "denominator", v, err)))
                goto out;
            if (req->denominator <= 0) {
                rc = ss_err_set(err, SS_EINVAL, "denominator", "%s",
                                SS_VT(v, "the denominator must be above 0", "分母须大于 0"));
                goto out;
            }
            if (req->numerator > req->denominator) {
                rc = ss_err_set(
                    err, SS_EINVAL, "numerator",
                    SS_VT(v, "numerator %g is above its denominator %g", "分子 %g 大于分母 %g"),
                    req->numerator, req->denominator);
                goto out;
            }
            in.numerator = req->numerator;
            in.denominator = req->denominator;
        } else {
            if ((rc = check_number(req->value, "value", v, err)))
                goto out;
            if (req->value > 100) {
                rc = ss_err_set(err, SS_EINVAL, "value",
                                SS_VT(v, "rate %g%% is above 100%%", "比率 %g%% 超过 100%%"),
                                req->value);
                goto out;
            }
            in.numerator = req->value; /* a bare percent counts as n of 100 */
            in.denominator = 100;
        }
        in.value = in.numerator / in.denominator * 100;
        break;
    case SS_KIND_CHANGE:
        if ((rc = check_number(req->value, "value", v, err)) ||
            (rc = check_number(req->baseline, "baseline", v, err)))
            goto out;
        if (req->baseline <= 0) {
            rc = ss_err_set(err, SS_EINVAL, "baseline",
                            SS_VT(v,
                                  "a change target needs last year's level above 0 "
                                  "(%s)",
                                  "此类指标须在%s中填写大于 0 的上年水平"),
                            ss_voice_field(v, "baseline"));
            goto out;
        }
        in.value = req->value;
        in.denominator = req->baseline;
        break;
    default:
        if ((rc = check_number(req->value, "value", v, err)))
            goto out;
        if (t->kind == SS_KIND_MILESTONE && req->value > t->value) {
            rc = ss_err_set(
                err, SS_EINVAL, "value",
                SS_VT(v, "stage %g is beyond the last stage %g", "阶段 %g 超过最后阶段 %g"),
                req->value, t->value);
            goto out;
        }
        in.value = req->value;
        /* Cumulative values never go down without a correction. */
        if (!req->correction && ss_store_report_near(st, t->id, org.id, day, -1, &near) == SS_OK &&
            near.a > req->value) {
            ss_date_fmt(near.as_of, d1);
            rc = ss_err_set(err, SS_EINVAL, "value",
                            SS_VT(v,
                                  "%g is lower than %g approved as of %s; cumulative "
                                  "values only grow (%s)",
                                  "%1$g 低于截至 %3$s 已审核的 %2$g；累计值只增不减（%4$s）"),
                            req->value, near.a, d1, correction_advice(req));
            goto out;
        }
        if (!req->correction && ss_store_report_near(st, t->id, org.id, day, 1, &near) == SS_OK &&
            near.a < req->value) {
            ss_date_fmt(near.as_of, d1);
            rc = ss_err_set(err, SS_EINVAL, "value",
                            SS_VT(v,
                                  "%g is higher than %g approved later, as of %s; "
                                  "cumulative values only grow (%s)",
                                  "%1$g 高于此后截至 %3$s 已审核的 %2$g；累计值只增不减（%4$s）"),
                            req->value, near.a, d1, correction_advice(req));
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
