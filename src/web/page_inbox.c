/*
 * page_inbox.c - the reviewer's inbox (/console/inbox), split from
 * page_workflow.c: each submitted report of the units below with the
 * unit's share, its last approved value and the increase, its flags in
 * words and its earlier returned versions; approve one, tick several and
 * approve them at once (each checked on its own by core/workflow.c, the
 * failures listed with why), or return one with a comment. A report the
 * reviewer submitted has no approve button: someone else approves it.
 * Server-rendered, no script; the ticks belong to one form by the form
 * attribute, so each report keeps its own approve and return forms.
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

static void flag_words(struct ss_wreq *r, struct ss_buf *b, const char *flags)
{
    const char *p = flags ? flags : "";

    while (*p) {
        size_t n = strcspn(p, ",");
        raw(b, "<li class=\"flag\">");
        if (n == 13 && strncmp(p, "over_3x_share", 13) == 0)
            raw(b, L(r, "累计值超过任务值的3倍"));
        else if (n == 4 && strncmp(p, "jump", 4) == 0)
            raw(b, L(r, "增幅超过以往最大月增幅的3倍"));
        else if (n == 8 && strncmp(p, "no_share", 8) == 0)
            raw(b, L(r, "该单位没有此指标的任务（未分解到本单位）"));
        else if (n == 15 && strncmp(p, "children_differ", 15) == 0)
            raw(b, L(r, "与下级单位已审核的合计数不一致（以本级填报为准，下级合计仅作核对）"));
        else if (n == 10 && strncmp(p, "correction", 10) == 0)
            raw(b, L(r, "更正：数值可低于此前，原因见说明"));
        else
            ss_esc_html(b, p, n);
        raw(b, "</li>");
        p += n;
        p += *p == ',';
    }
}

static void inbox_item(struct ss_wreq *r, const struct ss_user *u, const char *csrf,
                       const struct ss_wf_report *x)
{
    struct ss_buf *b = &r->resp->body;
    long ti = ss_plan_target_index(r->plan, x->target_id);
    long org = ss_engine_org_by_id(r->e, x->org_id);
    const struct ss_target *t = ti >= 0 ? &r->plan->targets[ti] : NULL;
    int rate = t && t->kind == SS_KIND_RATE;
    double now =
        rate ? (x->denominator > 0 ? 100.0 * x->numerator / x->denominator : NAN) : x->value;
    double last = rate ? (x->last_b > 0 ? 100.0 * x->last_a / x->last_b : NAN) : x->last_a;
    char idbuf[24];
    int64_t nev;

    snprintf(idbuf, sizeof idbuf, "%lld", (long long)x->id);
    raw(b, "<article class=\"inbox-item\" aria-labelledby=\"r");
    raw(b, idbuf);
    raw(b, "\"><h2 id=\"r");
    raw(b, idbuf);
    raw(b, "\">");
    if (org >= 0)
        ss_content(r, "span", SS_TEXT_ORG, ss_engine_org(r->e, org)->code,
                   ss_engine_org(r->e, org)->name);
    raw(b, " · ");
    if (t)
        ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
    raw(b, "</h2>\n<p class=\"value\">");
    ss_wf_values(b, t, x->value, x->numerator, x->denominator);
    if (t) {
        raw(b, " ");
        ss_html(b, t->unit);
    }
    raw(b, "</p>\n<dl class=\"facts\"><dt>");
    raw(b, L(r, "截至"));
    raw(b, "</dt><dd>");
    ss_day(b, x->as_of);
    raw(b, "</dd><dt>");
    raw(b, L(r, "任务值"));
    raw(b, "</dt><dd>");
    if (isnan(x->share))
        raw(b, L(r, "无（未分解到本单位）"));
    else
        ss_num(b, x->share);
    raw(b, "</dd><dt>");
    raw(b, L(r, "上次审核值"));
    raw(b, "</dt><dd>");
    if (isnan(last)) {
        raw(b, L(r, "无"));
    } else {
        ss_num(b, last);
        raw(b, rate ? "%" : "");
        raw(b, L(r, "（截至 "));
        ss_day(b, x->last_day);
        raw(b, L(r, "）"));
    }
    raw(b, "</dd><dt>");
    raw(b, rate ? L(r, "变化") : L(r, "本次增加"));
    raw(b, "</dt><dd>");
    if (!isnan(now) && (!isnan(last) || !rate)) {
        double inc = now - (isnan(last) ? 0 : last);
        if (inc > 0)
            raw(b, "+");
        ss_num(b, inc);
        raw(b, rate ? L(r, " 个百分点") : "");
    } else {
        raw(b, "—");
    }
    raw(b, "</dd><dt>");
    raw(b, L(r, "填报人"));
    raw(b, "</dt><dd>");
    ss_html(b, x->created_by ? x->created_by : "—");
    raw(b, "</dd>");
    if (x->note && *x->note) {
        raw(b, "<dt>");
        raw(b, L(r, "说明"));
        raw(b, "</dt><dd>");
        ss_html(b, x->note);
        raw(b, "</dd>");
    }
    raw(b, "<dt>");
    raw(b, L(r, "佐证材料"));
    raw(b, "</dt><dd>");
    nev = ss_store_evidence_count(r->st, x->id);
    if (nev < 0)
        raw(b, "—");
    else
        ss_buf_printf(b, L(r, "%lld 份"), (long long)nev);
    raw(b, "</dd></dl>\n");
    if (x->flags && *x->flags) {
        raw(b, "<div class=\"flags\"><p id=\"f");
        raw(b, idbuf);
        raw(b, "\">");
        raw(b, L(r, "请留意："));
        raw(b, "</p><ul aria-labelledby=\"f");
        raw(b, idbuf);
        raw(b, "\">");
        flag_words(r, b, x->flags);
        raw(b, "</ul></div>\n");
    }
    ss_wf_history(r, b, t, x->id);
    if (!ss_workflow_may_approve(u, x)) {
        raw(b, "<p class=\"state\">");
        raw(b, L(r, "这份填报由您本人提交，须由其他审核人审核。"));
        raw(b, "</p></article>\n");
        return;
    }
    raw(b, "<p class=\"check\"><input type=\"checkbox\" form=\"approve-many\" name=\"id\" id=\"p");
    raw(b, idbuf);
    raw(b, "\" value=\"");
    raw(b, idbuf);
    raw(b, "\"><label for=\"p");
    raw(b, idbuf);
    raw(b, "\">");
    raw(b, L(r, "选中，批量审核通过"));
    raw(b, "</label></p>\n<form class=\"stack\" method=\"post\" action=\"/console/inbox\">");
    ss_wf_hidden(b, "csrf", csrf);
    ss_wf_hidden(b, "id", idbuf);
    raw(b, "<p><button type=\"submit\" name=\"action\" value=\"approve\">");
    raw(b, L(r, "审核通过"));
    raw(b, "</button></p></form>\n<form class=\"stack\" method=\"post\" "
           "action=\"/console/inbox\">");
    ss_wf_hidden(b, "csrf", csrf);
    ss_wf_hidden(b, "id", idbuf);
    raw(b, "<p><label for=\"c");
    raw(b, idbuf);
    raw(b, "\">");
    raw(b, L(r, "退回意见"));
    raw(b, "</label><textarea id=\"c");
    raw(b, idbuf);
    raw(b, "\" name=\"comment\" rows=\"2\" required maxlength=\"2000\"></textarea></p>"
           "<p><button class=\"secondary\" type=\"submit\" name=\"action\" "
           "value=\"return\">");
    raw(b, L(r, "退回"));
    raw(b, "</button></p></form></article>\n");
}

/* The outcome of a batch approval: which were approved, which not and why. */
static void batch_results(struct ss_wreq *r, const struct ss_wf_result *res, size_t n)
{
    struct ss_buf *b = &r->resp->body;
    char text[SS_ERR_TEXT];
    size_t i, ok = 0;

    for (i = 0; i < n; i++)
        ok += res[i].rc == SS_OK;
    raw(b, "<div class=\"form-error\" role=\"alert\"><p>");
    ss_buf_printf(b, L(r, "已审核通过 %zu 条；%zu 条未通过："), ok, n - ok);
    raw(b, "</p><ul>");
    for (i = 0; i < n; i++) {
        if (res[i].rc == SS_OK)
            continue;
        raw(b, "<li>");
        ss_buf_printf(b, L(r, "第 %lld 号："), (long long)res[i].id);
        ss_html(b, ss_err_text(&res[i].err, r->lang, text, sizeof text));
        raw(b, "</li>");
    }
    raw(b, "</ul></div>\n");
}

static void inbox_page(struct ss_wreq *r, const struct ss_user *u, const char *csrf,
                       const char *notice, const char *alert, const struct ss_wf_result *res,
                       size_t nres)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_wf_report *list = NULL;
    size_t n = 0, i, mine_n = 0;
    long mine = ss_access_user_org(r->e, u);

    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "待我审核"));
    raw(b, "<h1>");
    raw(b, L(r, "待我审核"));
    raw(b, "</h1>\n");
    if (notice)
        ss_wf_notice(b, notice);
    if (alert)
        ss_wf_alert(b, alert);
    if (nres)
        batch_results(r, res, nres);
    if ((u->role != SS_ROLE_REVIEWER && u->role != SS_ROLE_ADMIN) || mine < 0 ||
        ss_store_wf_inbox(r->st, u->role == SS_ROLE_ADMIN ? 0 : ss_engine_org(r->e, mine)->id,
                          SS_MAX_INBOX, &list, &n)) {
        raw(b, "<p>");
        raw(b, L(r, "只有审核员有待审核列表。"));
        raw(b, "</p>\n");
    } else if (n == 0) {
        raw(b, "<p>");
        raw(b, L(r, "没有待审核的填报。"));
        raw(b, "</p>\n");
    } else {
        raw(b, "<p>");
        ss_buf_printf(b, L(r, "共 %zu 条待审核，最早提交的在前。"), n);
        raw(b, "</p>\n");
    }
    for (i = 0; i < n; i++) {
        inbox_item(r, u, csrf, &list[i]);
        mine_n += !ss_workflow_may_approve(u, &list[i]);
    }
    if (n > mine_n) {
        raw(b, "<form class=\"stack\" id=\"approve-many\" method=\"post\" "
               "action=\"/console/inbox\">");
        ss_wf_hidden(b, "csrf", csrf);
        raw(b, "<p><button type=\"submit\" name=\"action\" value=\"approve_many\">");
        raw(b, L(r, "批量审核通过所选"));
        raw(b, "</button></p></form>\n");
    }
    for (i = 0; i < n; i++)
        ss_wf_report_cleanup(&list[i]);
    free(list);
    raw(b, "<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

void ss_page_inbox(struct ss_wreq *r)
{
    struct ss_user u;
    char csrf[SS_TOKEN_HEX], notice[96];
    const char *done = ss_http_arg(r->http, "done");
    long n = ss_wf_count_arg(r, "n");

    if (ss_web_auth(r, 0, &u) || ss_wf_session_csrf(r, &u, csrf))
        return;
    if (done && strcmp(done, "approved") == 0 && n > 0)
        snprintf(notice, sizeof notice, L(r, "已审核通过 %ld 条。"), n);
    else if (done && strcmp(done, "approved") == 0)
        snprintf(notice, sizeof notice, "%s", L(r, "已审核通过。"));
    else if (done && strcmp(done, "returned") == 0)
        snprintf(notice, sizeof notice, "%s", L(r, "已退回。"));
    inbox_page(r, &u, csrf, done ? notice : NULL, NULL, NULL, 0);
}

void ss_page_inbox_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_store *st;
    struct ss_err err;
    char csrf[SS_TOKEN_HEX], msg[SS_ERR_TEXT + 64], url[64];
    const char *ids = ss_http_field(r->http, "id"), *action = ss_http_field(r->http, "action");
    enum ss_voice v = ss_wf_voice(r);
    long id;
    int rc, ret;

    if (ss_web_auth(r, 1, &u) || ss_wf_session_csrf(r, &u, csrf))
        return;
    ss_err_clear(&err);
    if (action && strcmp(action, "approve_many") == 0) {
        int64_t many[SS_MAX_INBOX];
        struct ss_wf_result *res;
        size_t n = ss_wf_ticked(r, many, SS_MAX_INBOX), nres = 0, ok;

        if (n == 0 || !(st = ss_web_store_rw(r))) {
            r->resp->status = 400;
            inbox_page(r, &u, csrf, NULL, L(r, "没有勾选任何填报。"), NULL, 0);
            return;
        }
        res = ss_xcalloc(n, sizeof *res);
        ok = ss_workflow_approve_many(st, r->e, &u, many, n, v, res, &nres);
        if (ok == nres) {
            snprintf(url, sizeof url, "/console/inbox?done=approved&n=%zu", ok);
            free(res);
            ss_http_redirect(r->resp, url);
            return;
        }
        r->resp->status = 422;
        inbox_page(r, &u, csrf, NULL, NULL, res, nres);
        free(res);
        return;
    }
    ret = action && strcmp(action, "return") == 0;
    if (!ids || ss_parse_long(ids, &id) || id < 1 || !(st = ss_web_store_rw(r))) {
        r->resp->status = 400;
        inbox_page(r, &u, csrf, NULL, L(r, "请求无效。"), NULL, 0);
        return;
    }
    rc = ret ? ss_workflow_return(st, r->e, &u, id, ss_http_field(r->http, "comment"), v, &err)
             : ss_workflow_approve(st, r->e, &u, id, v, &err);
    if (rc) {
        r->resp->status = ss_web_status(r, &err);
        if (strcmp(err.field, "comment") == 0)
            ss_wf_labelled(r, &err, msg, sizeof msg);
        else
            ss_err_text(&err, r->lang, msg, sizeof msg);
        inbox_page(r, &u, csrf, NULL, msg, NULL, 0);
        return;
    }
    ss_http_redirect(r->resp,
                     ret ? "/console/inbox?done=returned" : "/console/inbox?done=approved");
}
