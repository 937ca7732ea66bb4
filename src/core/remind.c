/*
 * remind.c - reminders and the messages of returned reports and answered
 * notices (remind.h).
 *
 * A reminder's key names the period, the kind and the unit, so each unit
 * is reminded once per period before the deadline and once after it,
 * however often the run looks; whether a run wrote anew is told by the
 * outbox's rows of the key before and after (store_remind.h).
 */
#include "core/remind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/completeness.h"
#include "core/notice.h"
#include "core/outbox.h"
#include "core/score.h"
#include "core/workflow.h"
#include "store/store_remind.h"
#include "store/store_workflow.h"

/* Room kept at the text's end for the count of targets left out. */
#define TAIL 200

int ss_sv_rule_get(struct ss_store *st, int64_t plan_id, struct ss_sv_rule *out)
{
    static const struct ss_sv_rule dflt = {SS_REMIND_DAYS, SS_SCORE_DEFAULT_WEIGHTS};

    return ss_store_sv_rule(st, plan_id, &dflt, out);
}

int ss_remind_days(struct ss_store *st, int64_t plan_id, int *days)
{
    struct ss_sv_rule r;
    int rc = ss_sv_rule_get(st, plan_id, &r);

    *days = r.remind_days;
    return rc;
}

int ss_remind_days_set(struct ss_store *st, int64_t plan_id, int days, struct ss_err *err)
{
    struct ss_sv_rule r;

    if (days < 0 || days > SS_REMIND_DAYS_MAX)
        return ss_err_set(err, SS_EINVAL, "days",
                          "days: %d is not a number of days before the deadline from 0 to %d", days,
                          SS_REMIND_DAYS_MAX);
    if (ss_sv_rule_get(st, plan_id, &r))
        return ss_err_set(err, SS_EDB, "db", "the plan's supervision settings cannot be read");
    r.remind_days = days;
    return ss_store_sv_rule_set(st, plan_id, &r, err);
}

/* ---- one unit up, and the people there ------------------------------------------ */

static int pick_role(void *ctx, int64_t account_id, const char *role)
{
    (void)account_id;
    return strcmp(role, ctx) == 0;
}

static int pick_account(void *ctx, int64_t account_id, const char *role)
{
    (void)role;
    return account_id == *(const int64_t *)ctx;
}

/* The message to the accounts of `role` at the units above org_id (and
 * at org_id itself when self): every level (all), or the nearest that has
 * one. */
static int put_up(struct ss_store *st, const char *key, int64_t org_id, int self, const char *role,
                  int all, const char *subject, const char *text, struct ss_err *err)
{
    int64_t at = self ? org_id : ss_store_org_parent(st, org_id);
    int depth, rc;

    for (depth = 0; at > 0 && depth < 16; depth++) {
        size_t found = 0;
        if ((rc = ss_outbox_put_accounts(st, key, at, pick_role, (void *)role, subject, text,
                                         &found, err)))
            return rc;
        if (found && !all)
            return SS_OK;
        at = ss_store_org_parent(st, at);
    }
    if (at < 0 && at != SS_ENOTFOUND)
        return ss_err_set(err, SS_EDB, "db", "the org units above %lld cannot be read",
                          (long long)org_id);
    return SS_OK;
}

int ss_remind_supervisors(struct ss_store *st, const char *event_key, int64_t org_id,
                          const char *subject, const char *text, struct ss_err *err)
{
    return put_up(st, event_key, org_id, 1, "supervisor", 1, subject, text, err);
}

/* ---- reminders ------------------------------------------------------------------- */

struct unit_msg {
    struct ss_buf subject, text;
    size_t n, shown;
};

static void msg_begin(struct unit_msg *m, const struct ss_org *o, const char *period, int32_t dl,
                      int overdue)
{
    char d[11];

    ss_date_fmt(dl, d);
    ss_buf_init(&m->subject, SS_OUTBOX_SUBJECT_MAX);
    ss_buf_init(&m->text, SS_OUTBOX_TEXT_MAX);
    m->n = m->shown = 0;
    ss_buf_puts(&m->subject, overdue ? "催报（逾期）：" : "催报：");
    ss_notice_put_clipped(&m->subject, o->name, 200);
    ss_buf_printf(&m->subject, " %s 进度%s", period, overdue ? "逾期未报送" : "尚未报送");
    ss_buf_printf(&m->text, "%s：%s 期进度报送截止日为 %s，", overdue ? "逾期未报" : "催报", period,
                  d);
    ss_buf_puts(&m->text, overdue ? "截止日已过，" : "");
    ss_notice_put_clipped(&m->text, o->name, 200);
    ss_buf_printf(&m->text, "（%s）以下任务%s：", o->code,
                  overdue ? "仍未报送，请立即报送并说明原因" : "尚未报送，请在截止日前报送");
}

static void msg_target(struct unit_msg *m, const struct ss_target *t)
{
    m->n++;
    if (m->text.len + 400 > SS_OUTBOX_TEXT_MAX - TAIL)
        return;
    ss_buf_printf(&m->text, "\n· 指标 %lld：", (long long)t->id);
    ss_notice_put_clipped(&m->text, t->text ? t->text : t->metric ? t->metric : "", 300);
    m->shown++;
}

static void msg_end(struct unit_msg *m)
{
    if (m->shown < m->n)
        ss_buf_printf(&m->text, "\n……另有 %zu 项", m->n - m->shown);
}

static void msg_cleanup(struct unit_msg *m)
{
    ss_buf_cleanup(&m->subject);
    ss_buf_cleanup(&m->text);
}

/* Queue unit o's reminder (and, overdue, its reviewer's); *added 1 when
 * a message was queued anew. */
static int send_unit(struct ss_store *st, const struct ss_org *o, const char *period,
                     const struct unit_msg *m, int overdue, int *added, struct ss_err *err)
{
    char key[SS_OUTBOX_KEY_MAX + 1];
    int64_t before, after;
    int rc;

    snprintf(key, sizeof key, "remind:%s:%s:%s", period, overdue ? "overdue" : "before", o->code);
    if ((before = ss_store_outbox_key_rows(st, key)) < 0)
        return ss_err_set(err, SS_EDB, "db", "the outbox cannot be read");
    if ((rc = ss_outbox_put(st, key, o->id, m->subject.data, m->text.data, err)) ||
        (overdue &&
         (rc = put_up(st, key, o->id, 0, "reviewer", 0, m->subject.data, m->text.data, err))))
        return rc;
    if ((after = ss_store_outbox_key_rows(st, key)) < 0)
        return ss_err_set(err, SS_EDB, "db", "the outbox cannot be read");
    *added = after > before;
    return SS_OK;
}

/* Every unit of the plan with a share in state `want` for period. */
static int remind_period(struct ss_store *st, const struct ss_engine *e, int32_t day,
                         const char *period, enum ss_cmpl_state want, size_t *count,
                         struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    struct ss_completeness c;
    size_t i = 0, j;
    int rc, overdue = want == SS_CMPL_MISSING;

    memset(&c, 0, sizeof c);
    if (ss_engine_top_org(e) < 0)
        return SS_OK; /* a plan without its issuing unit has no tree to remind */
    if ((rc = ss_completeness_load(st, e, period, ss_engine_top_org(e), day, &c, err)))
        goto out;
    while (i < c.nitems && !rc) {
        const struct ss_org *o = ss_engine_org(e, c.items[i].org);
        struct unit_msg m;
        int any = 0, added = 0;

        for (j = i; j < c.nitems && c.items[j].org == c.items[i].org; j++)
            any |= c.items[j].state == want;
        if (!any) {
            i = j;
            continue;
        }
        msg_begin(&m, o, period, c.deadline, overdue);
        for (; i < j; i++)
            if (c.items[i].state == want)
                msg_target(&m, &p->targets[c.items[i].ti]);
        msg_end(&m);
        if (m.subject.err || m.text.err)
            rc = ss_err_set(err, SS_EINVAL, "text", "a reminder is longer than a message may be");
        else if (!(rc = send_unit(st, o, period, &m, overdue, &added, err)))
            *count += (size_t)added;
        msg_cleanup(&m);
    }
out:
    ss_completeness_cleanup(&c);
    return rc;
}

/* 1 when the period of `day` (a day of it) lies within the plan. */
static int in_plan(const struct ss_plan *p, int32_t day, char period[8], int32_t *end)
{
    int32_t start;

    ss_period_fmt(day, period);
    ss_period_parse(period, &start, end);
    return *end >= p->start && start <= p->end;
}

int ss_remind_run(struct ss_store *st, const struct ss_engine *e, int32_t day, const char *closed,
                  struct ss_remind_result *res, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    int days, deadline_day, rc, k;

    memset(res, 0, sizeof *res);
    if ((rc = ss_remind_days(st, p->id, &days)))
        return ss_err_set(err, SS_EDB, "db", "the plan's remind days cannot be read");
    deadline_day = ss_store_plan_deadline_day(st, p->id);
    /* before: last month's deadline falls in this month, this month's in
     * the next; the first within its remind days is reminded */
    for (k = 0; days > 0 && k < 2 && !res->before_period[0]; k++) {
        char period[8];
        int32_t start, end, dl;
        int y, m, d;

        ss_civil_from_days(day, &y, &m, &d);
        start = k == 0 ? ss_days_from_civil(y, m, 1) - 1 : day;
        if (!in_plan(p, start, period, &end))
            continue;
        dl = ss_period_deadline(end, deadline_day);
        if (day > dl || day < dl - days)
            continue;
        snprintf(res->before_period, sizeof res->before_period, "%s", period);
        if ((rc = remind_period(st, e, day, period, SS_CMPL_PENDING, &res->before, err)))
            return rc;
    }
    if (closed && *closed)
        return remind_period(st, e, day, closed, SS_CMPL_MISSING, &res->overdue, err);
    return SS_OK;
}

/* ---- a returned report ------------------------------------------------------------ */

int ss_remind_returned(struct ss_store *st, const struct ss_engine *e, int64_t report_id,
                       struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    struct ss_wf_report r;
    struct ss_buf subject, text;
    char key[SS_OUTBOX_KEY_MAX + 1], d[11];
    int64_t n;
    long ti, org;
    int rc;

    if (ss_store_wf_get(st, report_id, &r) != SS_OK)
        return ss_err_set(err, SS_ENOTFOUND, "id", "no report with id %lld", (long long)report_id);
    if (!r.user_id) {
        ss_wf_report_cleanup(&r);
        return SS_OK; /* handed in by no account (the CLI's): nobody to tell */
    }
    snprintf(key, sizeof key, "report:%lld:returned:", (long long)report_id);
    if ((n = ss_store_outbox_keys_with(st, key)) < 0) {
        ss_wf_report_cleanup(&r);
        return ss_err_set(err, SS_EDB, "db", "the outbox cannot be read");
    }
    snprintf(key + strlen(key), sizeof key - strlen(key), "%lld", (long long)n + 1);
    ti = ss_plan_target_index(p, r.target_id);
    org = ss_engine_org_by_id(e, r.org_id);
    ss_date_fmt(r.as_of, d);
    ss_buf_init(&subject, SS_OUTBOX_SUBJECT_MAX);
    ss_buf_init(&text, SS_OUTBOX_TEXT_MAX);
    ss_buf_puts(&subject, "填报被退回：");
    ss_buf_printf(&text, "填报被退回：指标 %lld", (long long)r.target_id);
    if (ti >= 0) {
        ss_notice_put_clipped(&subject, p->targets[ti].text, SS_OUTBOX_SUBJECT_MAX - 40);
        ss_buf_puts(&text, "：");
        ss_notice_put_clipped(&text, p->targets[ti].text, 2000);
    }
    ss_buf_puts(&text, "\n单位：");
    ss_notice_put_clipped(&text, org >= 0 ? ss_engine_org(e, org)->name : r.org_code, 400);
    ss_buf_printf(&text, "\n截至日期：%s\n退回意见：", d);
    ss_notice_put_clipped(&text, r.review_comment ? r.review_comment : "", 3000);
    if (r.reviewed_by) {
        ss_buf_puts(&text, "\n审核人：");
        ss_notice_put_clipped(&text, r.reviewed_by, 200);
    }
    ss_buf_puts(&text, "\n请修改后重新提交。");
    rc = ss_outbox_put_accounts(st, key, r.org_id, pick_account, &r.user_id, subject.data,
                                text.data, NULL, err);
    ss_buf_cleanup(&subject);
    ss_buf_cleanup(&text);
    ss_wf_report_cleanup(&r);
    return rc;
}
