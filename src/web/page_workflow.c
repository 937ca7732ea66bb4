/*
 * page_workflow.c - the console pages of the reporting workflow, server-
 * rendered for a phone first, with no script (the CSP forbids inline
 * script, and none is needed):
 *
 *   /console/report  the reporter's assignments for the period: last
 *                    approved value, this value (numerator/denominator for
 *                    rates, baseline for changes), a note, an evidence file;
 *                    "submit for review" or "save as drafts". A refused row
 *                    is shown again with what was typed and why, so nothing
 *                    typed is lost.
 *   /console/inbox   the reviewer's inbox: each submitted report with its
 *                    flags in words, approve, or return with a comment.
 *
 * Forms carry the session's CSRF token in a hidden field; every decision
 * is core/'s, as for the JSON API.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/workflow.h"
#include "web/render.h"
#include "web/workflow_web.h"

#define MAX_ROWS 400 /* assignments shown on one page */

static void hidden(struct ss_buf *b, const char *name, const char *value)
{
    raw(b, "<input type=\"hidden\" name=\"");
    raw(b, name);
    raw(b, "\" value=\"");
    ss_attr(b, value);
    raw(b, "\">");
}

/* The session's CSRF token (ss_web_auth already checked the session). */
static int session_csrf(struct ss_wreq *r, struct ss_user *u, char csrf[SS_TOKEN_HEX])
{
    return ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), u, csrf);
}

/* A report's state in words, for the row it belongs to. */
static const char *status_words(struct ss_wreq *r, const char *status)
{
    if (strcmp(status, "submitted") == 0)
        return T(r, "本期已提交，待上级审核", "Submitted this period, awaiting review");
    if (strcmp(status, "draft") == 0)
        return T(r, "本期有草稿，尚未提交", "A draft this period, not yet submitted");
    if (strcmp(status, "approved") == 0)
        return T(r, "本期已审核通过", "Approved this period");
    if (strcmp(status, "returned") == 0)
        return T(r, "本期被退回，请修改后重新提交", "Returned this period: correct and resubmit");
    return status;
}

static void notice_p(struct ss_buf *b, const char *notice)
{
    raw(b, "<p class=\"notice\" role=\"status\">");
    ss_html(b, notice);
    raw(b, "</p>\n");
}

static void flag_words(struct ss_wreq *r, struct ss_buf *b, const char *flags)
{
    const char *p = flags ? flags : "";

    while (*p) {
        size_t n = strcspn(p, ",");
        raw(b, "<li class=\"flag\">");
        if (n == 13 && strncmp(p, "over_3x_share", 13) == 0)
            raw(b, T(r, "累计值超过任务值的3倍", "More than 3x the unit's share"));
        else if (n == 4 && strncmp(p, "jump", 4) == 0)
            raw(b,
                T(r, "增幅超过以往最大月增幅的3倍", "A jump over 3x the largest earlier increase"));
        else
            ss_esc_html(b, p, n);
        raw(b, "</li>");
        p += n;
        p += *p == ',';
    }
}

static void num_input(struct ss_buf *b, const char *label, const char *name, long long tid,
                      const char *value)
{
    char id[48];

    snprintf(id, sizeof id, "%s_%lld", name, tid);
    raw(b, "<p><label for=\"");
    raw(b, id);
    raw(b, "\">");
    raw(b, label);
    raw(b, "</label><input type=\"text\" inputmode=\"decimal\" autocomplete=\"off\" id=\"");
    raw(b, id);
    raw(b, "\" name=\"");
    raw(b, id);
    raw(b, "\" value=\"");
    ss_attr(b, value ? value : "");
    raw(b, "\"></p>");
}

/* Per-row outcome of a POST, to show again. */
struct row_msg {
    int64_t tid;
    const char *msg; /* error (escaped on output) or NULL */
};

static void report_page(struct ss_wreq *r, const struct ss_user *u, const char *csrf,
                        const char *period, const struct row_msg *msgs, size_t nmsgs,
                        const char *notice)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_ledger l;
    struct ss_err err;
    char d[11];
    long org = ss_access_user_org(r->e, u);
    size_t i, k;

    r->resp->cache_control = "no-store";
    ss_page_begin(r, T(r, "我的填报任务", "My assignments"));
    raw(b, "<h1>");
    raw(b, T(r, "我的填报任务", "My assignments"));
    raw(b, "</h1>\n");
    ss_err_clear(&err);
    if (org < 0 ||
        ss_ledger_load(r->st, r->plan, ss_engine_org(r->e, org)->id, u->org, period, &l, &err)) {
        raw(b, "<p role=\"alert\">");
        ss_html(b,
                org < 0 ? T(r, "账号的区划未知。", "The account's org unit is unknown.") : err.msg);
        raw(b, "</p>\n");
        ss_page_end(r);
        return;
    }
    raw(b, "<p>");
    ss_zh_open(r, "span");
    ss_html(b, ss_engine_org(r->e, org)->name);
    ss_zh_close(r, "span");
    raw(b, " · ");
    raw(b, T(r, "填报期 ", "Period "));
    ss_html(b, l.period);
    raw(b, " · ");
    raw(b, T(r, "截止 ", "Due "));
    ss_date_fmt(l.deadline, d);
    ss_html(b, d);
    raw(b, "</p>\n<p><a href=\"/api/v1/ledger.xlsx?period=");
    ss_attr(b, l.period);
    raw(b, "\">");
    raw(b, T(r, "下载本期台账（Excel）", "Download the period's ledger (Excel)"));
    raw(b, "</a></p>\n");
    if (notice)
        notice_p(b, notice);
    if (l.n == 0) {
        raw(b, "<p>");
        raw(b,
            T(r, "本期没有分配给本单位的任务。", "No assignments for this unit in this period."));
        raw(b, "</p>\n");
    } else {
        raw(b, "<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" "
               "action=\"/console/report\">");
        hidden(b, "csrf", csrf);
        hidden(b, "period", l.period);
        for (i = 0; i < l.n && i < MAX_ROWS; i++) {
            const struct ss_my_assignment *a = &l.rows[i];
            const struct ss_target *t = &r->plan->targets[l.ti[i]];
            long long tid = (long long)t->id;
            char key[40], vbuf[64];
            const char *msg = NULL, *typed;

            for (k = 0; k < nmsgs; k++)
                if (msgs[k].tid == t->id)
                    msg = msgs[k].msg;
            raw(b, "<fieldset class=\"row\"><legend>");
            ss_zh_open(r, "span");
            ss_html(b, t->metric);
            ss_zh_close(r, "span");
            raw(b, "（");
            ss_html(b, t->unit);
            raw(b, "）</legend>\n<p>");
            raw(b, T(r, "任务值 ", "Share "));
            ss_num(b, a->value);
            raw(b, " · ");
            raw(b, T(r, "上次审核值 ", "Last approved "));
            ss_num(b, a->last);
            if (a->last_day != SS_NO_DATE) {
                raw(b, " (");
                ss_day(b, a->last_day);
                raw(b, ")");
            }
            raw(b, "</p>\n");
            if (a->pending_id) {
                raw(b, "<p class=\"state st-");
                ss_attr(b, a->pending_status);
                raw(b, "\">");
                ss_html(b, status_words(r, a->pending_status));
                raw(b, "</p>\n");
            }
            if (a->pending_comment && strcmp(a->pending_status, "returned") == 0) {
                raw(b, "<p>");
                raw(b, T(r, "退回意见：", "Returned: "));
                ss_html(b, a->pending_comment);
                raw(b, "</p>\n");
            }
            if (msg) {
                raw(b, "<p class=\"form-error\" role=\"alert\">");
                ss_html(b, msg);
                raw(b, "</p>\n");
            }
#define TYPED(prefix, fallback)                                                                    \
    (snprintf(key, sizeof key, prefix "_%lld", tid),                                               \
     (typed = ss_http_field(r->http, key)) ? typed                                                 \
     : isnan(fallback)                     ? ""                                                    \
                                           : (snprintf(vbuf, sizeof vbuf, "%.15g", fallback), vbuf))
            if (t->kind == SS_KIND_RATE) {
                num_input(b, T(r, "分子", "Numerator"), "n", tid, TYPED("n", a->pending_num));
                num_input(b, T(r, "分母", "Denominator"), "d", tid, TYPED("d", a->pending_den));
            } else {
                num_input(b, T(r, "本期累计值", "Cumulative value now"), "v", tid,
                          TYPED("v", a->pending_value));
                if (t->kind == SS_KIND_CHANGE)
                    num_input(b, T(r, "上年基数", "Last year's level"), "d", tid,
                              TYPED("d", a->pending_den));
            }
#undef TYPED
            snprintf(key, sizeof key, "note_%lld", tid);
            typed = ss_http_field(r->http, key);
            raw(b, "<p><label for=\"");
            raw(b, key);
            raw(b, "\">");
            raw(b, T(r, "说明", "Note"));
            raw(b, "</label><textarea id=\"");
            raw(b, key);
            raw(b, "\" name=\"");
            raw(b, key);
            raw(b, "\" rows=\"2\" maxlength=\"2000\">");
            ss_html(b, typed ? typed : a->pending_note ? a->pending_note : "");
            raw(b, "</textarea></p>");
            snprintf(key, sizeof key, "ev_%lld", tid);
            raw(b, "<p><label for=\"");
            raw(b, key);
            raw(b, "\">");
            raw(b, T(r, "佐证材料（照片或PDF，10MB以内）", "Evidence (photo or PDF, up to 10 MB)"));
            raw(b, "</label><input type=\"file\" id=\"");
            raw(b, key);
            raw(b, "\" name=\"");
            raw(b, key);
            raw(b, "\" accept=\"image/jpeg,image/png,image/webp,application/pdf\"></p>");
            raw(b, "</fieldset>\n");
        }
        raw(b, "<p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"submit\">");
        raw(b, T(r, "提交审核", "Submit for review"));
        raw(b, "</button> <button class=\"secondary\" type=\"submit\" name=\"action\" "
               "value=\"draft\">");
        raw(b, T(r, "存为草稿", "Save as drafts"));
        raw(b, "</button></p></form>\n");
    }
    raw(b, "<p><a href=\"/console\">");
    raw(b, T(r, "返回工作台", "Back to the console"));
    raw(b, "</a></p>\n");
    ss_ledger_cleanup(&l);
    ss_page_end(r);
}

void ss_page_report(struct ss_wreq *r)
{
    struct ss_user u;
    char csrf[SS_TOKEN_HEX];
    const char *saved = ss_http_arg(r->http, "saved"), *as = ss_http_arg(r->http, "as");
    char notice[128];
    long n = 0;

    if (ss_web_auth(r, 0, &u) || session_csrf(r, &u, csrf))
        return;
    if (saved && (ss_parse_long(saved, &n) || n < 0))
        n = 0;
    if (saved && n == 0)
        snprintf(notice, sizeof notice, "%s",
                 T(r, "没有填写数值，未保存任何条目。", "No value was filled in: nothing saved."));
    else if (saved && as && strcmp(as, "draft") == 0)
        snprintf(notice, sizeof notice,
                 T(r, "已存为草稿 %ld 条，尚未提交。", "Saved %ld as drafts, not yet submitted."),
                 n);
    else if (saved)
        snprintf(notice, sizeof notice,
                 T(r, "已保存并提交 %ld 条，等待上级审核。", "Saved and submitted %ld for review."),
                 n);
    report_page(r, &u, csrf, ss_http_arg(r->http, "period"), NULL, 0, saved ? notice : NULL);
}

/* A form number: NAN when blank; -1 when not a number. */
static int form_num(const char *s, double *out)
{
    *out = NAN;
    if (!s || !*s)
        return 0;
    return ss_parse_double(s, out) ? -1 : 0;
}

void ss_page_report_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_ledger l;
    struct ss_err err;
    struct ss_store *st;
    struct row_msg msgs[MAX_ROWS];
    char msgtext[64][sizeof(((struct ss_err *)0)->msg)];
    char csrf[SS_TOKEN_HEX], date[11], url[96];
    const char *period = ss_http_field(r->http, "period");
    const char *action = ss_http_field(r->http, "action");
    const char *status = action && strcmp(action, "draft") == 0 ? "draft" : "submitted";
    long org;
    size_t i, nmsgs = 0, saved = 0;

    if (ss_web_auth(r, 1, &u) || session_csrf(r, &u, csrf))
        return;
    org = ss_access_user_org(r->e, &u);
    st = ss_web_store_rw(r);
    ss_err_clear(&err);
    if (org < 0 || !st ||
        ss_ledger_load(r->st, r->plan, ss_engine_org(r->e, org)->id, u.org, period, &l, &err)) {
        r->resp->status = 400;
        report_page(r, &u, csrf, period, NULL, 0, err.msg[0] ? err.msg : "refused");
        return;
    }
    ss_date_fmt(l.day, date);
    for (i = 0; i < l.n && i < MAX_ROWS; i++) {
        const struct ss_target *t = &r->plan->targets[l.ti[i]];
        struct ss_report_req req;
        const struct ss_http_field *ev;
        char key[40], flags[SS_FLAGS_MAX];
        const char *sv, *sn, *sd;
        int64_t id;
        int bad;

        memset(&req, 0, sizeof req);
        snprintf(key, sizeof key, "v_%lld", (long long)t->id);
        sv = ss_http_field(r->http, key);
        snprintf(key, sizeof key, "n_%lld", (long long)t->id);
        sn = ss_http_field(r->http, key);
        snprintf(key, sizeof key, "d_%lld", (long long)t->id);
        sd = ss_http_field(r->http, key);
        snprintf(key, sizeof key, "note_%lld", (long long)t->id);
        req.note = ss_http_field(r->http, key);
        if ((!sv || !*sv) && (!sn || !*sn))
            continue; /* not filled in */
        req.target_id = t->id;
        req.org = u.org;
        req.date = date;
        req.status = status;
        req.baseline = NAN;
        bad = form_num(sv, &req.value) | form_num(sn, &req.numerator) |
              form_num(sd, &req.denominator);
        if (t->kind == SS_KIND_CHANGE) {
            req.baseline = req.denominator;
            req.denominator = NAN;
        }
        ss_err_clear(&err);
        if (bad)
            ss_err_set(&err, SS_EINVAL, "value", "%s", T(r, "请填写数字。", "Enter a number."));
        if (bad || ss_workflow_submit(st, r->e, &u, &req, &id, flags, &err)) {
            if (nmsgs < SS_ARRAY_LEN(msgtext)) {
                snprintf(msgtext[nmsgs], sizeof msgtext[0], "%s", err.msg);
                msgs[nmsgs].tid = t->id;
                msgs[nmsgs].msg = msgtext[nmsgs];
                nmsgs++;
            }
            continue;
        }
        saved++;
        snprintf(key, sizeof key, "ev_%lld", (long long)t->id);
        if ((ev = ss_http_file(r->http, key)) && ev->len &&
            ss_wf_evidence_save(r, st, &u, id, ev, &err) && nmsgs < SS_ARRAY_LEN(msgtext)) {
            snprintf(msgtext[nmsgs], sizeof msgtext[0], "%s", err.msg);
            msgs[nmsgs].tid = t->id;
            msgs[nmsgs].msg = msgtext[nmsgs];
            nmsgs++;
        }
    }
    if (nmsgs == 0) {
        snprintf(url, sizeof url, "/console/report?period=%s&saved=%zu&as=%s", l.period, saved,
                 status);
        ss_ledger_cleanup(&l);
        ss_http_redirect(r->resp, url);
        return;
    }
    snprintf(url, sizeof url, "%s", l.period);
    ss_ledger_cleanup(&l);
    r->resp->status = 400;
    report_page(r, &u, csrf, url, msgs, nmsgs,
                T(r, "部分条目未保存，请按提示修改。", "Some rows were not saved: see below."));
}

/* ---- inbox ------------------------------------------------------------------------ */

static void inbox_page(struct ss_wreq *r, const struct ss_user *u, const char *csrf,
                       const char *notice)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_wf_report *list = NULL;
    size_t n = 0, i;
    long mine = ss_access_user_org(r->e, u);
    char idbuf[24];

    r->resp->cache_control = "no-store";
    ss_page_begin(r, T(r, "待我审核", "Inbox"));
    raw(b, "<h1>");
    raw(b, T(r, "待我审核", "Inbox"));
    raw(b, "</h1>\n");
    if (notice)
        notice_p(b, notice);
    if ((u->role != SS_ROLE_REVIEWER && u->role != SS_ROLE_ADMIN) || mine < 0 ||
        ss_store_wf_inbox(r->st, u->role == SS_ROLE_ADMIN ? 0 : ss_engine_org(r->e, mine)->id,
                          SS_MAX_INBOX, &list, &n)) {
        raw(b, "<p>");
        raw(b, T(r, "只有审核员有待审核列表。", "Only reviewers have an inbox."));
        raw(b, "</p>\n");
    } else if (n == 0) {
        raw(b, "<p>");
        raw(b, T(r, "没有待审核的填报。", "Nothing waits for review."));
        raw(b, "</p>\n");
    } else {
        raw(b, "<p>");
        ss_buf_printf(b, T(r, "共 %zu 条待审核，最早提交的在前。", "%zu waiting, oldest first."),
                      n);
        raw(b, "</p>\n");
    }
    for (i = 0; i < n; i++) {
        const struct ss_wf_report *x = &list[i];
        long ti = ss_plan_target_index(r->plan, x->target_id);
        long org = ss_engine_org_by_id(r->e, x->org_id);
        int64_t nev;

        snprintf(idbuf, sizeof idbuf, "%lld", (long long)x->id);
        raw(b, "<article class=\"inbox-item\" aria-labelledby=\"r");
        raw(b, idbuf);
        raw(b, "\"><h2 id=\"r");
        raw(b, idbuf);
        raw(b, "\">");
        ss_zh_open(r, "span");
        if (org >= 0)
            ss_html(b, ss_engine_org(r->e, org)->name);
        raw(b, " · ");
        if (ti >= 0)
            ss_html(b, r->plan->targets[ti].metric);
        ss_zh_close(r, "span");
        raw(b, "</h2>\n<p class=\"value\">");
        if (!isnan(x->numerator) && ti >= 0 && r->plan->targets[ti].kind == SS_KIND_RATE) {
            ss_num(b, x->numerator);
            raw(b, " / ");
            ss_num(b, x->denominator);
            if (x->denominator > 0) {
                raw(b, " = ");
                ss_num(b, 100.0 * x->numerator / x->denominator);
            }
        } else {
            ss_num(b, x->value);
        }
        if (ti >= 0) {
            raw(b, " ");
            ss_html(b, r->plan->targets[ti].unit);
        }
        raw(b, "</p>\n<dl class=\"facts\"><dt>");
        raw(b, T(r, "截至", "As of"));
        raw(b, "</dt><dd>");
        ss_day(b, x->as_of);
        raw(b, "</dd><dt>");
        raw(b, T(r, "填报人", "Reported by"));
        raw(b, "</dt><dd>");
        ss_html(b, x->created_by ? x->created_by : "—");
        raw(b, "</dd>");
        if (x->note && *x->note) {
            raw(b, "<dt>");
            raw(b, T(r, "说明", "Note"));
            raw(b, "</dt><dd>");
            ss_html(b, x->note);
            raw(b, "</dd>");
        }
        raw(b, "<dt>");
        raw(b, T(r, "佐证材料", "Evidence"));
        raw(b, "</dt><dd>");
        nev = ss_store_evidence_count(r->st, x->id);
        if (nev < 0)
            raw(b, "—");
        else
            ss_buf_printf(b, T(r, "%lld 份", "%lld file(s)"), (long long)nev);
        raw(b, "</dd></dl>\n");
        if (x->flags && *x->flags) {
            raw(b, "<div class=\"flags\"><p id=\"f");
            raw(b, idbuf);
            raw(b, "\">");
            raw(b, T(r, "请留意：", "Check:"));
            raw(b, "</p><ul aria-labelledby=\"f");
            raw(b, idbuf);
            raw(b, "\">");
            flag_words(r, b, x->flags);
            raw(b, "</ul></div>\n");
        }
        raw(b, "<form class=\"stack\" method=\"post\" action=\"/console/inbox\">");
        hidden(b, "csrf", csrf);
        hidden(b, "id", idbuf);
        raw(b, "<p><button type=\"submit\" name=\"action\" value=\"approve\">");
        raw(b, T(r, "审核通过", "Approve"));
        raw(b, "</button></p></form>\n<form class=\"stack\" method=\"post\" "
               "action=\"/console/inbox\">");
        hidden(b, "csrf", csrf);
        hidden(b, "id", idbuf);
        raw(b, "<p><label for=\"c");
        raw(b, idbuf);
        raw(b, "\">");
        raw(b, T(r, "退回意见", "Reason for returning"));
        raw(b, "</label><textarea id=\"c");
        raw(b, idbuf);
        raw(b, "\" name=\"comment\" rows=\"2\" required maxlength=\"2000\"></textarea></p>"
               "<p><button class=\"secondary\" type=\"submit\" name=\"action\" "
               "value=\"return\">");
        raw(b, T(r, "退回", "Return"));
        raw(b, "</button></p></form></article>\n");
    }
    for (i = 0; i < n; i++)
        ss_wf_report_cleanup(&list[i]);
    free(list);
    raw(b, "<p><a href=\"/console\">");
    raw(b, T(r, "返回工作台", "Back to the console"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

void ss_page_inbox(struct ss_wreq *r)
{
    struct ss_user u;
    char csrf[SS_TOKEN_HEX];
    const char *done = ss_http_arg(r->http, "done");

    if (ss_web_auth(r, 0, &u) || session_csrf(r, &u, csrf))
        return;
    inbox_page(r, &u, csrf,
               done && strcmp(done, "approved") == 0   ? T(r, "已审核通过。", "Approved.")
               : done && strcmp(done, "returned") == 0 ? T(r, "已退回。", "Returned.")
                                                       : NULL);
}

void ss_page_inbox_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_store *st;
    struct ss_err err;
    char csrf[SS_TOKEN_HEX];
    const char *ids = ss_http_field(r->http, "id"), *action = ss_http_field(r->http, "action");
    long id;
    int rc, ret;

    if (ss_web_auth(r, 1, &u) || session_csrf(r, &u, csrf))
        return;
    ss_err_clear(&err);
    ret = action && strcmp(action, "return") == 0;
    if (!ids || ss_parse_long(ids, &id) || id < 1 || !(st = ss_web_store_rw(r))) {
        r->resp->status = 400;
        inbox_page(r, &u, csrf, T(r, "请求无效。", "The request is malformed."));
        return;
    }
    rc = ret ? ss_workflow_return(st, r->e, &u, id, ss_http_field(r->http, "comment"), &err)
             : ss_workflow_approve(st, r->e, &u, id, &err);
    if (rc) {
        r->resp->status = rc == SS_EFORBIDDEN ? 403 : rc == SS_ECONFLICT ? 409 : 400;
        inbox_page(r, &u, csrf, err.msg);
        return;
    }
    ss_http_redirect(r->resp,
                     ret ? "/console/inbox?done=returned" : "/console/inbox?done=approved");
}
