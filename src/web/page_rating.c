/*
 * page_rating.c - satisfaction ratings for people (rating_web.h): the
 * project page's section, its form, a closed survey's page, the console's
 * results and comments, and what /about/method says about them.
 *
 * Plain forms without script, phone-first (large radio targets in a
 * fieldset, labels, the error announced with role=alert). The project
 * page posts to /projects/{no}/rating, which answers 303 back to the
 * section (?rated=1) or shows the form again with the reason; a survey's
 * page posts to itself. Anonymous forms carry no CSRF token: there is no
 * session for another site to ride, and a POST another site's page makes
 * carries its Origin and is refused before any handler (web.c).
 *
 * Comments are never on a public page: the console lists them (admins and
 * the issuing government's supervisors), escaped as every visitor's text
 * is. The distribution is a bar chart (svg.c: each bar the score's share
 * of all ratings) with the same numbers in a table beside it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/rating.h"
#include "web/rating_web.h"
#include "web/render.h"
#include "web/svg.h"
#include "web/web.h"
#include "web/web_err.h"

#define CONSOLE_COMMENTS 200 /* comments the console lists at once */

static const char *const LEVELS[SS_RATING_LEVELS] = {N_("很不满意"), N_("不满意"), N_("一般"),
                                                     N_("满意"), N_("很满意")};

static const struct ss_project *project_of(const struct ss_plan *p, const char *param)
{
    long no;
    size_t i;

    if (ss_parse_long(param, &no) != 0)
        return NULL;
    for (i = 0; i < p->nprojects; i++)
        if (p->projects[i].no == no)
            return &p->projects[i];
    return NULL;
}

/* A mean as people read it (up to 2 decimals). */
static void mean_text(double mean, char out[16])
{
    struct ss_buf t;

    ss_buf_init(&t, 16);
    ss_buf_num(&t, round(mean * 100) / 100, 2);
    snprintf(out, 16, "%s", t.data && !t.err ? t.data : "");
    ss_buf_cleanup(&t);
}

/* "N 份，平均 X 分" or "尚无评价". */
static void part_line(struct ss_wreq *r, const struct ss_satisfaction_part *p)
{
    struct ss_buf *b = &r->resp->body;
    char mean[16];

    if (!p->n) {
        raw(b, L(r, "尚无评价。"));
        return;
    }
    mean_text(p->mean, mean);
    ss_buf_printf(b, L(r, "共 %lld 份评价，平均 %s 分（满分 5 分）。"), (long long)p->n, mean);
}

/* The distribution: the chart (when there is any rating) and the table. */
static void distribution(struct ss_wreq *r, const char *id, const char *caption,
                         const struct ss_satisfaction_part *p)
{
    const char *heads[3];
    struct ss_buf *b = &r->resp->body;
    const char *labels[SS_RATING_LEVELS];
    double share[SS_RATING_LEVELS], none[SS_RATING_LEVELS];
    int colour[SS_RATING_LEVELS];
    char lab[SS_RATING_LEVELS][96];
    int i;

    for (i = SS_RATING_LEVELS - 1; i >= 0; i--) {
        int k = SS_RATING_LEVELS - 1 - i; /* 5 first, as people read a scale */
        snprintf(lab[k], sizeof lab[k], "%d %s", i + 1, ss_tr(r->lang, LEVELS[i]));
        labels[k] = lab[k];
        share[k] = p->n ? 100.0 * (double)p->dist[i] / (double)p->n : 0;
        none[k] = NAN;
        colour[k] = 3;
    }
    if (p->n) {
        char desc[256];
        snprintf(desc, sizeof desc, L(r, "%lld 份评价中各评分所占比例。"), (long long)p->n);
        ss_svg_bars(b, id, caption, desc, SS_RATING_LEVELS, labels, share, none, colour,
                    ss_lang_rtl(r->lang));
    }
    heads[0] = L(r, "评分");
    heads[1] = L(r, "份数");
    heads[2] = L(r, "占比");
    ss_table_open(r, id, caption, heads, 3);
    for (i = 0; i < SS_RATING_LEVELS; i++) {
        raw(b, "<tr><th scope=\"row\">");
        ss_html(b, labels[i]);
        ss_buf_printf(b, "</th><td class=\"num\">%lld</td><td class=\"num\">",
                      (long long)p->dist[SS_RATING_LEVELS - 1 - i]);
        if (p->n)
            ss_pct(b, share[i]);
        else
            raw(b, "—");
        raw(b, "</td></tr>");
    }
    ss_buf_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"num\">%lld</td><td></td></tr>",
                  L(r, "合计"), (long long)p->n);
    raw(b, "</tbody></table></div>\n");
}

/* The form's fields: five levels and a comment. action: where it posts;
 * score and comment: what to show again after a refusal (0, NULL: none);
 * error: the refusal, or NULL. */
static void rating_form(struct ss_wreq *r, const char *action, int score, const char *comment,
                        const char *error)
{
    struct ss_buf *b = &r->resp->body;
    int i;

    if (error) {
        raw(b, "<p class=\"form-error\" role=\"alert\" id=\"rate-error\">");
        ss_html(b, error);
        raw(b, "</p>\n");
    }
    raw(b, "<form class=\"stack\" method=\"post\" action=\"");
    ss_attr(b, action);
    raw(b, "\"><fieldset class=\"picks\"");
    if (error)
        raw(b, " aria-describedby=\"rate-error\"");
    raw(b, "><legend>");
    raw(b, L(r, "您对这件实事的满意程度"));
    raw(b, "</legend>");
    for (i = SS_RATING_LEVELS; i >= 1; i--) {
        ss_buf_printf(b,
                      "<p class=\"check\"><input type=\"radio\" id=\"score-%d\" name=\"score\" "
                      "value=\"%d\" required%s><label for=\"score-%d\">%d %s</label></p>",
                      i, i, score == i ? " checked" : "", i, i, ss_tr(r->lang, LEVELS[i - 1]));
    }
    raw(b, "</fieldset><p><label for=\"comment\">");
    raw(b, L(r, "意见（可不填）"));
    ss_buf_printf(b,
                  "</label><textarea id=\"comment\" name=\"comment\" rows=\"3\" maxlength=\"%d\" "
                  "aria-describedby=\"comment-note\">",
                  SS_MAX_RATING_COMMENT);
    if (comment)
        ss_html(b, comment);
    raw(b, "</textarea></p><p id=\"comment-note\" class=\"asof\">");
    ss_buf_printf(b, L(r, "最多 %d 字。意见不公开显示，只计入条数，由工作人员查看。"),
                  SS_MAX_RATING_COMMENT);
    raw(b, "</p><p><button type=\"submit\">");
    raw(b, L(r, "提交评价"));
    raw(b, "</button></p></form>\n");
}

/* What the one-rating rule enforces and what it does not, in one
 * sentence for the project page and the method page alike. */
static void enforced(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;

    ss_buf_printf(b,
                  L(r, "每人对每件实事每年度评价一次。系统做到的：评价后本浏览器保存一个由服务器"
                       "签名的 Cookie，同一浏览器再评同一件实事会被拒绝，改动过的 Cookie 也会被"
                       "拒绝；同一网络地址对同一件实事每年度最多计入 %d 份评价（共用一个地址的家"
                       "庭或单位共用这 %d 份）。系统做不到的：清除 Cookie 并更换网络的人可以再次"
                       "评价。评价不记录您的身份、网络地址或 Cookie，只计入被接受的评价。"),
                  SS_RATING_PER_CLIENT, SS_RATING_PER_CLIENT);
}

static void rules(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<p>");
    enforced(r);
    raw(b, " <a href=\"/about/method#satisfaction\">");
    raw(b, L(r, "测评方法"));
    raw(b, "</a></p>\n");
}

/* A closed audience's results, when it has a survey. */
static void closed_part(struct ss_wreq *r, const struct ss_satisfaction *s, int k)
{
    const struct ss_satisfaction_part *p = &s->part[k];
    struct ss_buf *b = &r->resp->body;
    const char *title = k == SS_RATING_DEPUTIES ? L(r, "人大代表测评") : L(r, "工作人员测评");

    if (!p->codes)
        return;
    ss_buf_printf(b, "<h3 id=\"sat-%s\">", ss_rating_source_name((enum ss_rating_source)k));
    ss_html(b, title);
    raw(b, "</h3>\n<p>");
    ss_buf_printf(b, L(r, "凭一次性测评码评价，共发放 %lld 个，已使用 %lld 个。"),
                  (long long)p->codes, (long long)p->used);
    part_line(r, p);
    raw(b, "</p>\n");
    distribution(r, k == SS_RATING_DEPUTIES ? "sat-dep" : "sat-staff", title, p);
}

static void section(struct ss_wreq *r, const struct ss_project *pr, int score, const char *comment,
                    const char *error)
{
    struct ss_buf *b = &r->resp->body;
    char year[SS_PERIOD_MAX], name[SS_RATING_COOKIE_NAME], action[48];
    struct ss_satisfaction s;
    const char *rated = ss_http_arg(r->http, "rated");

    ss_rating_period_of(r->plan, year);
    raw(b, "<section id=\"satisfaction\" aria-labelledby=\"sat-h\"><h2 id=\"sat-h\">");
    raw(b, L(r, "满意度测评"));
    raw(b, "</h2>\n");
    if (rated && strcmp(rated, "1") == 0 && !error) {
        raw(b, "<p class=\"notice\" role=\"status\">");
        raw(b, L(r, "感谢您的评价，已经计入。"));
        raw(b, "</p>\n");
    }
    if (ss_rating_summary(r->st, pr->no, year, &s)) {
        raw(b, "<p>");
        raw(b, L(r, "暂时无法读取评价结果。"));
        raw(b, "</p></section>\n");
        return;
    }
    raw(b, "<h3 id=\"sat-open\">");
    ss_buf_printf(b, L(r, "%s年度公众评价"), year);
    raw(b, "</h3>\n<p>");
    part_line(r, &s.part[SS_RATING_OPEN]);
    raw(b, "</p>\n");
    distribution(r, "sat-pub", L(r, "公众评价分布"), &s.part[SS_RATING_OPEN]);
    closed_part(r, &s, SS_RATING_DEPUTIES);
    closed_part(r, &s, SS_RATING_STAFF);
    raw(b, "<h3 id=\"sat-form\">");
    raw(b, L(r, "我来评价"));
    raw(b, "</h3>\n");
    ss_rating_cookie_name(year, name);
    /* display only: the POST checks the cookie's MAC */
    if (!error && ss_rating_cookie_lists(ss_http_cookie(r->http, name), pr->no)) {
        raw(b, "<p>");
        ss_buf_printf(b, L(r, "本浏览器已经评价过这件实事（%s年度）。"), year);
        raw(b, "</p>\n");
    } else {
        snprintf(action, sizeof action, "/projects/%d/rating", pr->no);
        rating_form(r, action, score, comment, error);
    }
    rules(r);
    raw(b, "</section>\n");
}

void ss_rating_section(struct ss_wreq *r, const struct ss_project *pr)
{
    section(r, pr, 0, NULL, NULL);
}

/* The form's score field: 1..5, or 0. */
static int form_score(struct ss_wreq *r)
{
    const char *v = ss_http_field(r->http, "score");
    long n;

    return v && ss_parse_long(v, &n) == 0 && n >= 1 && n <= SS_RATING_LEVELS ? (int)n : 0;
}

/* A page that shows a refused form again: the project's title, then the
 * section with the reason. */
static void refused_page(struct ss_wreq *r, const struct ss_project *pr, const struct ss_err *err)
{
    char msg[SS_ERR_TEXT + 64];
    struct ss_buf *b = &r->resp->body;
    const char *text = ss_web_err_text(r, err, msg, sizeof msg);

    ss_buf_reset(b);
    r->resp->status = ss_web_status(r, err);
    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "满意度测评"));
    raw(b, "<nav class=\"crumbs\" aria-label=\"");
    raw(b, L(r, "位置"));
    ss_buf_printf(b, "\"><a href=\"/\">%s</a> › <a href=\"/projects/%d\">", L(r, "全部实事"),
                  pr->no);
    ss_content_id(r, "span", SS_TEXT_PROJECT, pr->id, pr->title);
    raw(b, "</a></nav>\n<h1>");
    ss_buf_printf(b, "%d. ", pr->no);
    ss_content_id(r, "span", SS_TEXT_PROJECT, pr->id, pr->title);
    raw(b, "</h1>\n");
    section(r, pr, form_score(r), ss_http_field(r->http, "comment"), text);
    ss_page_end(r);
}

void ss_page_rating_post(struct ss_wreq *r)
{
    const struct ss_project *pr = project_of(r->plan, r->param);
    char year[SS_PERIOD_MAX], name[SS_RATING_COOKIE_NAME], to[64];
    struct ss_rating_done done;
    struct ss_rating_req q;
    struct ss_store *st;
    struct ss_err err;

    if (!pr) {
        ss_page_not_found(r);
        return;
    }
    ss_err_clear(&err);
    if (!(st = ss_web_store_rw(r))) {
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        refused_page(r, pr, &err);
        return;
    }
    ss_rating_period_of(r->plan, year);
    ss_rating_cookie_name(year, name);
    q = (struct ss_rating_req){.plan = r->plan,
                               .project_no = pr->no,
                               .score = form_score(r),
                               .comment = ss_http_field(r->http, "comment"),
                               .client = r->http->ip,
                               .cookie = ss_http_cookie(r->http, name)};
    if (ss_rating_give(st, &q, &done, &err)) {
        refused_page(r, pr, &err);
        return;
    }
    ss_rating_set_cookie(r, done.cookie_name, done.cookie);
    snprintf(to, sizeof to, "/projects/%d?rated=1#satisfaction", pr->no);
    ss_http_redirect(r->resp, to);
}

/* ---- closed surveys ------------------------------------------------------------ */

static void survey_page(struct ss_wreq *r, int score, const char *comment, const char *error)
{
    struct ss_buf *b = &r->resp->body;
    const char *done = ss_http_arg(r->http, "done");
    const struct ss_project *pr = NULL;
    struct ss_survey sv;
    struct ss_err err;
    char action[SS_WEB_MAX_PARAM + 16];
    size_t i;
    int used = 0;

    r->resp->cache_control = "no-store";
    if (ss_rating_survey_find(r->st, r->param, &sv, &used, &err)) {
        ss_buf_reset(b);
        r->resp->status = ss_web_status(r, &err);
        ss_page_begin(r, L(r, "满意度测评"));
        raw(b, "<h1>");
        raw(b, L(r, "满意度测评"));
        raw(b, "</h1>\n<p class=\"form-error\" role=\"alert\">");
        raw(b, err.code == SS_ENOTFOUND ? L(r, "这个测评码无效，请核对链接。")
                                        : L(r, "暂时无法读取测评，请稍后再试。"));
        raw(b, "</p>\n");
        ss_page_end(r);
        return;
    }
    for (i = 0; i < r->plan->nprojects; i++)
        if (r->plan->projects[i].no == sv.project_no)
            pr = &r->plan->projects[i];
    ss_buf_reset(b);
    if (error)
        r->resp->status = 400;
    ss_page_begin(r,
                  sv.audience == SS_RATING_DEPUTIES ? L(r, "人大代表测评") : L(r, "工作人员测评"));
    raw(b, "<h1>");
    raw(b, sv.audience == SS_RATING_DEPUTIES ? L(r, "人大代表测评") : L(r, "工作人员测评"));
    raw(b, "</h1>\n<p>");
    ss_buf_printf(b, L(r, "第%d件实事"), sv.project_no);
    if (pr) {
        raw(b, "：<a href=\"/projects/");
        ss_buf_printf(b, "%d\">", pr->no);
        ss_content_id(r, "span", SS_TEXT_PROJECT, pr->id, pr->title);
        raw(b, "</a>");
    }
    raw(b, L(r, "。"));
    ss_buf_printf(b, L(r, "测评期：%s。"), sv.period);
    raw(b, "</p>\n");
    if (used) {
        raw(b, done && strcmp(done, "1") == 0 ? "<p class=\"notice\" role=\"status\">"
                                              : "<p class=\"form-error\" role=\"alert\">");
        raw(b, done && strcmp(done, "1") == 0 ? L(r, "感谢您的评价，已经计入。这个测评码已用过。")
                                              : L(r, "这个测评码已经用过，每个码只能评价一次。"));
        raw(b, "</p>\n");
    } else {
        snprintf(action, sizeof action, "/survey/%s", r->param);
        raw(b, "<p>");
        raw(b, L(r, "这个链接里的测评码只能用一次，不记录您是谁；结果与公众评价分开统计和公布。"));
        raw(b, "</p>\n");
        rating_form(r, action, score, comment, error);
    }
    ss_page_end(r);
}

void ss_page_survey(struct ss_wreq *r)
{
    survey_page(r, 0, NULL, NULL);
}

void ss_page_survey_post(struct ss_wreq *r)
{
    char msg[SS_ERR_TEXT + 64], to[SS_WEB_MAX_PARAM + 16];
    struct ss_survey sv;
    struct ss_store *st;
    struct ss_err err;

    ss_err_clear(&err);
    if (!(st = ss_web_store_rw(r))) {
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        ss_web_error(r, &err);
        return;
    }
    if (ss_rating_survey_give(st, r->param, form_score(r), ss_http_field(r->http, "comment"),
                              r->http->ip, &sv, &err)) {
        if (err.code != SS_EINVAL) {
            /* the code is unknown or used, or the address is throttled:
             * nothing to fill in again */
            ss_web_error(r, &err);
            return;
        }
        survey_page(r, form_score(r), ss_http_field(r->http, "comment"),
                    ss_web_err_text(r, &err, msg, sizeof msg));
        return;
    }
    snprintf(to, sizeof to, "/survey/%s?done=1", r->param);
    ss_http_redirect(r->resp, to);
}

/* ---- the console ------------------------------------------------------------------ */

static void console_row(struct ss_wreq *r, const struct ss_project *pr,
                        const struct ss_satisfaction *s)
{
    struct ss_buf *b = &r->resp->body;
    int k;

    ss_buf_printf(b, "<tr><th scope=\"row\"><a href=\"/console/ratings?project=%d\">%d. ", pr->no,
                  pr->no);
    ss_content_id(r, "span", SS_TEXT_PROJECT, pr->id, pr->title);
    raw(b, "</a></th>");
    for (k = 0; k < SS_RATING_NSOURCES; k++) {
        const struct ss_satisfaction_part *p = &s->part[k];
        ss_buf_printf(b, "<td class=\"num\">%lld", (long long)p->n);
        if (k != SS_RATING_OPEN)
            ss_buf_printf(b, " / %lld", (long long)p->codes);
        raw(b, "</td><td class=\"num\">");
        if (p->n)
            ss_buf_num(b, round(p->mean * 100) / 100, 2);
        else
            raw(b, "—");
        raw(b, "</td>");
    }
    raw(b, "</tr>");
}

void ss_page_ratings(struct ss_wreq *r)
{
    const char *heads[7];
    const char *only = ss_http_arg(r->http, "project");
    struct ss_buf *b = &r->resp->body;
    struct ss_rating_comment *c = NULL;
    char year[SS_PERIOD_MAX];
    struct ss_user u;
    struct ss_err err;
    size_t i, n = 0;
    long pick = 0;

    if (ss_web_auth(r, 0, &u))
        return;
    if (ss_access_supervise(r->e, &u, ss_engine_top_org(r->e), &err)) {
        ss_page_refusal(r, L(r, "满意度测评"), 403,
                        L(r, "只有管理员和本级督查员可以查看满意度测评的结果和意见。"));
        return;
    }
    if (only && (ss_parse_long(only, &pick) || !project_of(r->plan, only)))
        pick = 0;
    ss_rating_period_of(r->plan, year);
    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "满意度测评"));
    raw(b, "<h1>");
    raw(b, L(r, "满意度测评"));
    raw(b, "</h1>\n<p>");
    ss_buf_printf(b, L(r, "%s年度。份数为被接受的评价；测评码一栏为“已收回 / 已发放”。"), year);
    raw(b, "</p>\n");
    heads[0] = L(r, "实事");
    heads[1] = L(r, "公众（份）");
    heads[2] = L(r, "公众平均分");
    heads[3] = L(r, "人大代表（份 / 码）");
    heads[4] = L(r, "人大代表平均分");
    heads[5] = L(r, "工作人员（份 / 码）");
    heads[6] = L(r, "工作人员平均分");
    ss_table_open(r, "ratings", L(r, "各件实事的满意度"), heads, 7);
    for (i = 0; i < r->plan->nprojects; i++) {
        struct ss_satisfaction s;
        if (ss_rating_summary(r->st, r->plan->projects[i].no, year, &s) == 0)
            console_row(r, &r->plan->projects[i], &s);
    }
    raw(b, "</tbody></table></div>\n<h2 id=\"comments\">");
    raw(b, L(r, "评价意见"));
    raw(b, "</h2>\n<p>");
    raw(b, L(r, "意见由公众填写，不公开显示；以下按原文显示（已转义），最新的在前。"));
    if (pick)
        ss_buf_printf(b, L(r, "只显示第%ld件实事。"), pick);
    raw(b, "</p>\n");
    if (ss_store_rating_comments(r->st, year, (int)pick, CONSOLE_COMMENTS, &c, &n) == 0 && n) {
        heads[0] = L(r, "日期");
        heads[1] = L(r, "实事");
        heads[2] = L(r, "来源");
        heads[3] = L(r, "评分");
        heads[4] = L(r, "意见");
        ss_table_open(r, "comments", L(r, "评价意见"), heads, 5);
        for (i = 0; i < n; i++) {
            raw(b, "<tr><td>");
            ss_html(b, c[i].day);
            ss_buf_printf(b, "</td><td class=\"num\">%d</td><td>", c[i].project_no);
            raw(b, c[i].source == SS_RATING_OPEN       ? L(r, "公众")
                   : c[i].source == SS_RATING_DEPUTIES ? L(r, "人大代表")
                                                       : L(r, "工作人员"));
            ss_buf_printf(b, "</td><td class=\"num\">%d</td><td class=\"comment\">", c[i].score);
            ss_html(b, c[i].comment);
            raw(b, "</td></tr>");
        }
        raw(b, "</tbody></table></div>\n");
    } else {
        raw(b, "<p>");
        raw(b, L(r, "还没有意见。"));
        raw(b, "</p>\n");
    }
    ss_store_rating_comments_free(c, n);
    ss_page_end(r);
}

/* ---- /about/method ------------------------------------------------------------------ */

void ss_rating_method(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<h2 id=\"satisfaction\">");
    raw(b, L(r, "满意度测评怎么做"));
    raw(b, "</h2>\n<ul class=\"prose\"><li>");
    raw(b, L(r, "每件实事的页面上，任何人无需登录即可按五级评分（很满意、满意、一般、不满意、很不"
                "满意）评价，可附意见；评价按计划年度统计，公布份数、平均分和各级分布。"));
    raw(b, "</li><li>");
    enforced(r);
    raw(b, "</li><li>");
    raw(b, L(r, "意见不公开显示，只计入条数，由管理员和督查员在工作台查看。"));
    raw(b, "</li><li>");
    raw(b, L(r, "人大代表和工作人员的测评用一次性测评码：每个码只能评价一次，码只以加密摘要保存，"
                "不记录是谁评的；其结果与公众评价分开统计和公布。"));
    raw(b, "</li></ul>\n");
}
