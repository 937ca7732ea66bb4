/*
 * page_cycle.c - the yearly cycle's pages (cycle_web.h):
 *   /proposals            the public's form (phone first, no script) and
 *                         every proposal of the year with its outcome;
 *   /cycles/{year}/result the vote's result, once the vote has closed;
 *   /plans/{year}         a year's plan with its final figures, for years
 *                         that are not the current one;
 *   /console/cycle        triage: merge, promote, decline (an admin or a
 *                         supervisor of the cycle's unit).
 *
 * The form has a honeypot: a field people do not see or reach (class hp,
 * out of view, aria-hidden, no tab stop) that only a form-filling robot
 * fills; such a post is answered as if taken and stores nothing. Posts
 * are throttled per client address like the API's (cycle_api.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/cycle.h"
#include "core/rating.h"
#include "store/store_bulletin.h"
#include "store/store_cycle.h"
#include "web/cycle_web.h"
#include "web/figure_html.h"
#include "web/render.h"
#include "web/web.h"
#include "web/web_err.h"

static const char *status_text(struct ss_wreq *r, enum ss_proposal_status s)
{
    switch (s) {
    case SS_PROPOSAL_MERGED:
        return L(r, "已合并");
    case SS_PROPOSAL_PROMOTED:
        return L(r, "列为候选项目");
    case SS_PROPOSAL_DECLINED:
        return L(r, "未采纳");
    default:
        return L(r, "待论证");
    }
}

static void window_line(struct ss_wreq *r, const char *label, int32_t from, int32_t to)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<p>");
    raw(b, label);
    raw(b, " ");
    if (from == SS_NO_DATE) {
        raw(b, L(r, "未定"));
    } else {
        ss_day(b, from);
        raw(b, " – ");
        ss_day(b, to);
    }
    raw(b, "</p>\n");
}

static void field(struct ss_buf *b, const char *id, const char *label, const char *hint,
                  const char *value, int area, int required, int max)
{
    ss_buf_printf(b, "<p><label for=\"%s\">", id);
    raw(b, label);
    raw(b, "</label>");
    if (hint) {
        ss_buf_printf(b, "<span class=\"hint\" id=\"%s-hint\">", id);
        raw(b, hint);
        raw(b, "</span>");
    }
    if (area) {
        ss_buf_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"6\" maxlength=\"%d\"%s%s>", id, id,
                      max, required ? " required" : "", "");
        ss_html(b, value ? value : "");
        raw(b, "</textarea>");
    } else {
        ss_buf_printf(b, "<input id=\"%s\" name=\"%s\" maxlength=\"%d\"%s", id, id, max,
                      required ? " required" : "");
        if (hint)
            ss_buf_printf(b, " aria-describedby=\"%s-hint\"", id);
        raw(b, " value=\"");
        ss_attr(b, value ? value : "");
        raw(b, "\">");
    }
    raw(b, "</p>\n");
}

static void proposal_list(struct ss_wreq *r, int year)
{
    static const char *heads[4];
    struct ss_buf *b = &r->resp->body;
    struct ss_proposal_row *p = NULL;
    size_t n = 0, i;
    char cap[96];

    heads[0] = L(r, "编号");
    heads[1] = L(r, "建议");
    heads[2] = L(r, "地区");
    heads[3] = L(r, "结果");
    if (ss_store_proposals(r->st, year, &p, &n) || n == 0) {
        raw(b, "<p>");
        raw(b, L(r, "还没有收到建议。"));
        raw(b, "</p>\n");
        ss_store_proposals_free(p, n);
        return;
    }
    snprintf(cap, sizeof cap, L(r, "%d年收到的建议及处理结果"), year);
    ss_table_open(r, "proposals", cap, heads, 4);
    for (i = 0; i < n; i++) {
        long o = ss_engine_org_find(r->e, p[i].org);

        ss_buf_printf(b, "<tr id=\"p%lld\"><td>%lld</td><td lang=\"zh-CN\">", (long long)p[i].id,
                      (long long)p[i].id);
        ss_html(b, p[i].title);
        raw(b, "</td><td lang=\"zh-CN\">");
        ss_html(b, o >= 0 ? ss_engine_org(r->e, o)->name : p[i].org);
        raw(b, "</td><td>");
        raw(b, status_text(r, p[i].status));
        if (p[i].merged_into)
            ss_buf_printf(b, " <a href=\"#p%lld\">#%lld</a>", (long long)p[i].merged_into,
                          (long long)p[i].merged_into);
        if (p[i].reason) {
            raw(b, L(r, "：理由 "));
            raw(b, "<span lang=\"zh-CN\">");
            ss_html(b, p[i].reason);
            raw(b, "</span>");
        }
        raw(b, "</td></tr>\n");
    }
    raw(b, "</tbody></table></div>\n");
    ss_store_proposals_free(p, n);
}

/* The page: the window, the form (with what was typed and the error after
 * a refused post), the list. */
static void proposals_page(struct ss_wreq *r, const struct ss_proposal_in *in, const char *error,
                           int64_t sent)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_cycle_row c;
    int year = ss_cycle_year_of(r, NULL), open = 0, next = 0, now = 0;

    memset(&c, 0, sizeof c);
    ss_store_cycle_proposing(r->st, ss_date_today(), &now, &next);
    open = now != 0;
    ss_page_begin(r, L(r, "征集明年的民生实事"));
    raw(b, "<h1>");
    raw(b, L(r, "征集明年的民生实事"));
    raw(b, "</h1>\n");
    if (sent > 0) {
        raw(b, "<p class=\"notice\" role=\"status\">");
        ss_buf_printf(b, L(r, "已收到您的建议（编号 %lld），处理结果将在本页公布。"),
                      (long long)sent);
        raw(b, "</p>\n");
    }
    if (year > 0 && ss_store_cycle_get(r->st, year, &c) == SS_OK) {
        window_line(r, L(r, "征集时间："), c.propose_from, c.propose_to);
        window_line(r, L(r, "代表票决："), c.vote_from, c.vote_to);
        if (c.vote_from != SS_NO_DATE && ss_date_today() > c.vote_to)
            ss_buf_printf(b, "<p><a href=\"/cycles/%d/result\">%s</a></p>\n", year,
                          L(r, "查看票决结果"));
    }
    if (!open) {
        raw(b, "<p>");
        raw(b, L(r, "现在不在征集时间内。"));
        raw(b, "</p>\n");
    } else {
        raw(b, "<h2>");
        raw(b, L(r, "提出建议"));
        raw(b, "</h2>\n");
        if (error) {
            raw(b, "<p class=\"form-error\" role=\"alert\">");
            ss_html(b, error);
            raw(b, "</p>\n");
        }
        raw(b, "<form class=\"stack\" method=\"post\" action=\"/proposals\">\n");
        field(b, "title", L(r, "项目名称"), NULL, in ? in->title : NULL, 0, 1,
              SS_PROPOSAL_TITLE_MAX);
        field(b, "text", L(r, "要做什么"), NULL, in ? in->text : NULL, 1, 1, SS_PROPOSAL_TEXT_MAX);
        field(b, "org", L(r, "地区代码"), L(r, "如 650102（天山区）"), in ? in->org : NULL, 0, 1,
              SS_MAX_ORG_CODE);
        field(b, "where", L(r, "具体地点"), NULL, in ? in->place : NULL, 0, 0,
              SS_PROPOSAL_FIELD_MAX);
        field(b, "for_whom", L(r, "惠及哪些人"), NULL, in ? in->for_whom : NULL, 0, 0,
              SS_PROPOSAL_FIELD_MAX);
        field(b, "contact", L(r, "联系方式（选填）"), L(r, "加密保存，不公开"),
              in ? in->contact : NULL, 0, 0, SS_PROPOSAL_FIELD_MAX);
        raw(b, "<p class=\"hp\" aria-hidden=\"true\"><label for=\"website\">Website</label>"
               "<input id=\"website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\">"
               "</p>\n<p><button type=\"submit\">");
        raw(b, L(r, "提交建议"));
        raw(b, "</button></p>\n</form>\n");
    }
    if (year > 0) {
        raw(b, "<h2>");
        raw(b, L(r, "处理结果"));
        raw(b, "</h2>\n");
        proposal_list(r, year);
    }
    ss_page_end(r);
}

void ss_page_proposals(struct ss_wreq *r)
{
    const char *sent = ss_http_arg(r->http, "sent");
    long v = 0;

    r->resp->cache_control = "no-store";
    if (sent && ss_parse_long(sent, &v))
        v = 0;
    proposals_page(r, NULL, NULL, v);
}

void ss_page_proposal_post(struct ss_wreq *r)
{
    struct ss_proposal_in in;
    const char *hp = ss_http_field(r->http, "website");
    char buf[SS_ERR_TEXT], loc[64];
    struct ss_err err;
    int64_t id = 0;
    int year;

    memset(&in, 0, sizeof in);
    in.title = ss_http_field(r->http, "title");
    in.text = ss_http_field(r->http, "text");
    in.org = ss_http_field(r->http, "org");
    in.place = ss_http_field(r->http, "where");
    in.for_whom = ss_http_field(r->http, "for_whom");
    in.contact = ss_http_field(r->http, "contact");
    if (hp && *hp) { /* a robot: answered as if taken, nothing stored */
        ss_http_redirect(r->resp, "/proposals?sent=0");
        return;
    }
    ss_err_clear(&err);
    if (ss_cycle_web_propose(r, &in, &id, &year, &err)) {
        r->resp->status = ss_web_status(r, &err);
        r->resp->cache_control = "no-store";
        proposals_page(r, &in, ss_web_err_text(r, &err, buf, sizeof buf), 0);
        return;
    }
    snprintf(loc, sizeof loc, "/proposals?sent=%lld", (long long)id);
    ss_http_redirect(r->resp, loc);
}

/* ---- the result ----------------------------------------------------------- */

static int path_year(struct ss_wreq *r)
{
    long v;

    return ss_parse_long(r->param, &v) || v < 2000 || v > 2200 ? 0 : (int)v;
}

void ss_page_result(struct ss_wreq *r)
{
    static const char *heads[4];
    struct ss_buf *b = &r->resp->body;
    struct ss_cycle_result res;
    struct ss_err err;
    char title[96];
    size_t i;
    int year = path_year(r);

    ss_err_clear(&err);
    if (!year) {
        ss_page_not_found(r);
        return;
    }
    if (ss_cycle_result(r->st, year, ss_date_today(), 0, &res, &err)) {
        ss_web_error(r, &err);
        return;
    }
    heads[0] = L(r, "候选项目");
    heads[1] = L(r, "牵头单位");
    heads[2] = L(r, "得票");
    heads[3] = L(r, "结果");
    snprintf(title, sizeof title, L(r, "%d年民生实事代表票决结果"), year);
    ss_page_begin(r, title);
    raw(b, "<h1>");
    ss_html(b, title);
    raw(b, "</h1>\n<p class=\"lead\">");
    ss_buf_printf(b, L(r, "代表 %lld 名，投票 %lld 张，投票率 "), (long long)res.deputies,
                  (long long)res.ballots);
    ss_pct(b, res.turnout * 100);
    ss_buf_printf(b, L(r, "；%d 个名额，得票超过全体代表的 "), res.cycle.seats);
    ss_pct(b, res.cycle.pass_share * 100);
    raw(b, L(r, " 为通过。"));
    raw(b, "</p>\n");
    ss_table_open(r, "result", title, heads, 4);
    for (i = 0; i < res.n; i++) {
        raw(b, "<tr><td lang=\"zh-CN\">");
        ss_html(b, res.c[i].title);
        raw(b, "</td><td lang=\"zh-CN\">");
        ss_html(b, res.c[i].department);
        ss_buf_printf(b, "</td><td>%lld</td><td>", (long long)res.c[i].votes);
        raw(b, res.c[i].passed ? L(r, "通过")
               : res.c[i].tied ? L(r, "票数相同，待定")
                               : L(r, "未通过"));
        raw(b, "</td></tr>\n");
    }
    raw(b, "</tbody></table></div>\n");
    if (res.tie_votes) {
        raw(b, "<p role=\"note\">");
        ss_buf_printf(b, L(r, "有候选项目以 %lld 票并列争夺最后 %d 个名额，未作裁决。"),
                      (long long)res.tie_votes, res.tie_seats);
        raw(b, "</p>\n");
    }
    if (res.cycle.sealed_digest[0]) {
        raw(b, "<p>");
        raw(b, L(r, "选票已封存，摘要："));
        raw(b, " <code>");
        ss_html(b, res.cycle.sealed_digest);
        raw(b, "</code></p>\n");
    }
    raw(b, "<p><a href=\"/proposals\">");
    raw(b, L(r, "查看全部建议"));
    raw(b, "</a></p>\n");
    ss_cycle_result_cleanup(&res);
    ss_page_end(r);
}

/* ---- past years ----------------------------------------------------------- */

static int64_t plan_of_year(struct ss_wreq *r, int year)
{
    return ss_store_cycle_plan_of_year(r->st, year);
}

/* A past year's satisfaction of project no: the public's and the
 * deputies' ratings of that year, apart (core/rating.h), and the API's
 * link for the distribution. */
static void year_satisfaction(struct ss_wreq *r, int no, int year)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_satisfaction s;
    char period[SS_PERIOD_MAX];
    int k;

    snprintf(period, sizeof period, "%d", year);
    if (ss_rating_summary(r->st, no, period, &s))
        return;
    raw(b, "<p class=\"counts\">");
    for (k = 0; k <= SS_RATING_DEPUTIES; k++) {
        const struct ss_satisfaction_part *pt = &s.part[k];

        if (k)
            raw(b, " · ");
        raw(b, k == SS_RATING_OPEN ? L(r, "群众满意度") : L(r, "人大代表测评"));
        raw(b, L(r, "："));
        if (pt->n == 0) {
            raw(b, L(r, "无评价"));
            continue;
        }
        ss_buf_printf(b, L(r, "%lld 份，平均 %.1f 分（满分 5 分）"), (long long)pt->n, pt->mean);
    }
    ss_buf_printf(b, " <a href=\"/api/v1/projects/%d/satisfaction?period=%d\">", no, year);
    raw(b, L(r, "分布（JSON）"));
    raw(b, "</a></p>\n");
}

static void plan_body(struct ss_wreq *r, int year)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_plan *p = r->plan;
    struct ss_bulletin_rec *bl = NULL;
    struct ss_err err;
    size_t i, k, nb = 0, shown = 0;
    char y[8];

    ss_page_begin(r, p->title);
    raw(b, "<h1>");
    ss_content_id(r, "span", SS_TEXT_PLAN, p->id, p->title);
    raw(b, "</h1>\n<p class=\"lead\">");
    raw(b, L(r, "往年计划：以下为该年度的最终数据。"));
    raw(b, " <a href=\"/\">");
    raw(b, L(r, "查看当前计划"));
    raw(b, "</a></p>\n");
    ss_as_of_line(r, r->day);
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];

        ss_buf_printf(b, "<h2><span class=\"no\">%d.</span> ", pr->no);
        ss_content_id(r, "span", SS_TEXT_PROJECT, pr->id, pr->title);
        raw(b, "</h2>\n");
        year_satisfaction(r, pr->no, year);
        raw(b, "<ul class=\"targets\">");
        for (k = 0; k < p->ntargets; k++) {
            const struct ss_target *t = &p->targets[k];
            struct ss_figure f;

            if (t->project_no != pr->no)
                continue;
            ss_engine_figure(r->e, k, ss_engine_top_org(r->e), r->day, &f);
            raw(b, "<li>");
            ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
            raw(b, " <span class=\"fig\">");
            ss_fig_line(r, t, &f);
            raw(b, "</span> ");
            ss_status_badge(r, (int)f.status);
            raw(b, "</li>");
        }
        raw(b, "</ul>\n");
    }
    raw(b, "<h2>");
    raw(b, L(r, "进展通报"));
    raw(b, "</h2>\n<ul>");
    snprintf(y, sizeof y, "%d-", year);
    if (ss_store_bulletin_list(r->st, &bl, &nb, &err) == SS_OK)
        for (i = 0; i < nb; i++)
            if (strncmp(bl[i].period, y, strlen(y)) == 0) {
                ss_buf_printf(b, "<li><a href=\"/bulletins/%lld.pdf\">", (long long)bl[i].id);
                ss_html(b, bl[i].period);
                raw(b, " ");
                ss_html(b, bl[i].org_code);
                raw(b, " (");
                ss_html(b, bl[i].lang);
                raw(b, ")</a></li>");
                shown++;
            }
    free(bl);
    if (!shown) {
        raw(b, "<li>");
        raw(b, L(r, "该年度没有发布通报。"));
        raw(b, "</li>");
    }
    raw(b, "</ul>\n");
    ss_page_end(r);
}

void ss_page_plan_year(struct ss_wreq *r)
{
    const struct ss_engine *e;
    struct ss_wreq past;
    struct ss_err err;
    int year = path_year(r);
    int64_t id;

    if (!year || !(id = plan_of_year(r, year))) {
        ss_page_not_found(r);
        return;
    }
    if (id == r->plan->id) {
        ss_page_plan(r);
        return;
    }
    /* A past year's own engine, kept by the server between visits: figures
     * as of the end of its period (ss_web_clamp_day). */
    if (!(e = ss_web_past_begin(r, id, &err))) {
        ss_web_error(r, &err);
        return;
    }
    past = *r;
    past.e = e;
    past.plan = ss_engine_plan(e);
    past.day = ss_web_clamp_day(past.plan, ss_date_today());
    plan_body(&past, year);
    ss_web_past_end(r);
}

/* ---- the console's triage ------------------------------------------------- */

/* The signed-in triager of year's cycle and the CSRF token; otherwise
 * answered (login, or 403). */
static int triager(struct ss_wreq *r, int write, int year, struct ss_user *u,
                   char csrf[SS_TOKEN_HEX], struct ss_cycle_row *c)
{
    struct ss_err err;

    if (ss_web_auth(r, write, u))
        return -1;
    if (ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), u, csrf)) {
        ss_http_redirect(r->resp, "/login");
        return -1;
    }
    ss_err_clear(&err);
    if (year <= 0 || ss_store_cycle_get(r->st, year, c)) {
        ss_err_set(&err, SS_ENOTFOUND, "year", "no cycle for %d", year);
        ss_web_error(r, &err);
        return -1;
    }
    if (ss_access_supervise(r->e, u, ss_engine_org_by_id(r->e, c->org_id), &err)) {
        ss_web_error(r, &err);
        return -1;
    }
    return 0;
}

static void small_form(struct ss_buf *b, const char *csrf, int year, int64_t id, const char *act)
{
    raw(b, "<form class=\"inline\" method=\"post\" action=\"/console/cycle\">"
           "<input type=\"hidden\" name=\"csrf\" value=\"");
    ss_attr(b, csrf);
    ss_buf_printf(b,
                  "\"><input type=\"hidden\" name=\"year\" value=\"%d\"><input type=\"hidden\" "
                  "name=\"id\" value=\"%lld\"><input type=\"hidden\" name=\"action\" value=\"%s\">",
                  year, (long long)id, act);
}

static void labelled(struct ss_buf *b, const char *name, int64_t id, const char *label, int req)
{
    ss_buf_printf(b, "<label for=\"%s-%lld\">", name, (long long)id);
    raw(b, label);
    ss_buf_printf(b, "</label> <input id=\"%s-%lld\" name=\"%s\"%s> ", name, (long long)id, name,
                  req ? " required" : "");
}

static void console_page(struct ss_wreq *r, int year, const char *csrf, const char *msg, int bad)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_proposal_row *p = NULL;
    size_t n = 0, i;
    char title[96];

    r->resp->cache_control = "no-store";
    snprintf(title, sizeof title, L(r, "%d年民生实事建议论证"), year);
    ss_page_begin(r, title);
    raw(b, "<h1>");
    ss_html(b, title);
    raw(b, "</h1>\n");
    if (msg) {
        raw(b, bad ? "<p class=\"form-error\" role=\"alert\">"
                   : "<p class=\"notice\" role=\"status\">");
        ss_html(b, msg);
        raw(b, "</p>\n");
    }
    ss_store_proposals(r->st, year, &p, &n);
    for (i = 0; i < n; i++) {
        ss_buf_printf(b,
                      "<section class=\"card\" aria-labelledby=\"h%lld\"><h2 id=\"h%lld\">#%lld ",
                      (long long)p[i].id, (long long)p[i].id, (long long)p[i].id);
        raw(b, "<span lang=\"zh-CN\">");
        ss_html(b, p[i].title);
        raw(b, "</span></h2><p lang=\"zh-CN\">");
        ss_html(b, p[i].text);
        raw(b, "</p><p>");
        raw(b, status_text(r, p[i].status));
        if (p[i].merged_into)
            ss_buf_printf(b, " #%lld", (long long)p[i].merged_into);
        if (p[i].candidate)
            ss_buf_printf(b, " (%s %lld)", L(r, "候选项目"), (long long)p[i].candidate);
        raw(b, "</p>\n");
        if (p[i].status == SS_PROPOSAL_NEW) {
            small_form(b, csrf, year, p[i].id, "promote");
            labelled(b, "cost", p[i].id, L(r, "估算费用（元）"), 1);
            labelled(b, "department", p[i].id, L(r, "牵头单位"), 1);
            labelled(b, "note", p[i].id, L(r, "论证意见"), 0);
            raw(b, "<button type=\"submit\">");
            raw(b, L(r, "列为候选项目"));
            raw(b, "</button></form>\n");
            small_form(b, csrf, year, p[i].id, "merge");
            labelled(b, "into", p[i].id, L(r, "合并到编号"), 1);
            raw(b, "<button type=\"submit\">");
            raw(b, L(r, "合并"));
            raw(b, "</button></form>\n");
            small_form(b, csrf, year, p[i].id, "decline");
            labelled(b, "reason", p[i].id, L(r, "不采纳的理由"), 1);
            raw(b, "<button type=\"submit\">");
            raw(b, L(r, "不采纳"));
            raw(b, "</button></form>\n");
        }
        raw(b, "</section>\n");
    }
    if (!n) {
        raw(b, "<p>");
        raw(b, L(r, "还没有收到建议。"));
        raw(b, "</p>\n");
    }
    ss_store_proposals_free(p, n);
    ss_page_end(r);
}

void ss_page_cycle_console(struct ss_wreq *r)
{
    char csrf[SS_TOKEN_HEX];
    struct ss_cycle_row c;
    struct ss_user u;
    int year = ss_cycle_year_of(r, ss_http_arg(r->http, "year"));

    if (triager(r, 0, year, &u, csrf, &c))
        return;
    console_page(r, year, csrf, ss_http_arg(r->http, "done") ? L(r, "已保存。") : NULL, 0);
}

void ss_page_cycle_console_post(struct ss_wreq *r)
{
    const char *act = ss_http_field(r->http, "action"), *ids = ss_http_field(r->http, "id");
    char csrf[SS_TOKEN_HEX], buf[SS_ERR_TEXT], loc[64];
    struct ss_cycle_row c;
    struct ss_store *st;
    struct ss_user u;
    struct ss_err err;
    double cost = -1;
    long id = 0, into = 0;
    int64_t out;
    int year = ss_cycle_year_of(r, ss_http_field(r->http, "year")), rc;

    if (triager(r, 1, year, &u, csrf, &c))
        return;
    ss_err_clear(&err);
    if (!act || !ids || ss_parse_long(ids, &id) || id < 1) {
        r->resp->status = 400;
        console_page(r, year, csrf, L(r, "请求无效。"), 1);
        return;
    }
    if (!(st = ss_web_store_rw(r))) {
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        ss_web_error(r, &err);
        return;
    }
    if (!strcmp(act, "promote")) {
        const char *cs = ss_http_field(r->http, "cost");

        if (!cs || ss_parse_double(cs, &cost))
            cost = -1;
        rc = ss_cycle_promote(st, r->e, &u, id, cost, ss_http_field(r->http, "department"),
                              ss_http_field(r->http, "note"), ss_date_today(), &out, &err);
    } else if (!strcmp(act, "merge")) {
        const char *is = ss_http_field(r->http, "into");

        if (!is || ss_parse_long(is, &into))
            into = 0;
        rc = ss_cycle_merge(st, r->e, &u, id, into, &out, &err);
    } else if (!strcmp(act, "decline")) {
        rc = ss_cycle_decline(st, r->e, &u, id, ss_http_field(r->http, "reason"), &err);
    } else {
        rc = ss_err_set(&err, SS_EINVAL, "action", "say promote, merge or decline");
    }
    if (rc) {
        r->resp->status = ss_web_status(r, &err);
        console_page(r, year, csrf, ss_web_err_text(r, &err, buf, sizeof buf), 1);
        return;
    }
    snprintf(loc, sizeof loc, "/console/cycle?year=%d&done=1#h%ld", year, id);
    ss_http_redirect(r->resp, loc);
}
