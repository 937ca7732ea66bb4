/*
 * page_supervision.c - the supervision office's console (督查室): reporting
 * completeness (/console/completeness, its CSV, GET /api/v1/completeness),
 * the units' scores (/console/score, its .xlsx) and the morning page
 * (/console/supervision, with its lists at /console/supervision/list).
 *
 * Staff only: completeness per unit, scores and the morning page are
 * internal figures, read by those ss_access_supervision lets (an admin, a
 * reviewer within its subtree; the supervisor role joins there), for the
 * unit ?org=CODE (default: the user's own) and the units below it. The
 * period is ?period=YYYY-MM, default the latest whose deadline passed.
 * Server-rendered, no script, phone first: every figure is a table or a
 * list of links, and every number on the morning page links to its list.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/json.h"
#include "base/util.h"
#include "core/access.h"
#include "core/completeness.h"
#include "core/score.h"
#include "core/workflow.h"
#include "store/store_workflow.h"
#include "web/export.h"
#include "web/message_web.h"
#include "web/render.h"
#include "web/supervision_web.h"
#include "web/workflow_web.h"

#define JSON_TYPE "application/json; charset=utf-8"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* A request's user, unit and period, checked. */
struct sv {
    struct ss_user u;
    long org;
    char period[8];
};

/* Sign-in, ?org= (default the user's unit), access, ?period= (default the
 * period chased): 0, or -1 after answering. */
static int sv_open(struct ss_wreq *r, struct sv *x)
{
    const char *code = ss_http_arg(r->http, "org"), *period = ss_http_arg(r->http, "period");
    struct ss_err err;

    if (ss_web_auth(r, 0, &x->u))
        return -1;
    ss_err_clear(&err);
    if (code && *code) {
        if ((x->org = ss_engine_org_find(r->e, code)) < 0) {
            ss_err_set(&err, SS_ENOTFOUND, "org", "no org unit with code '%.20s'", code);
            goto fail;
        }
    } else if ((x->org = ss_access_user_org(r->e, &x->u)) < 0) {
        x->org = ss_engine_top_org(r->e);
    }
    if (ss_access_supervision(r->e, &x->u, x->org, &err))
        goto fail;
    if (period && *period)
        snprintf(x->period, sizeof x->period, "%.7s", period);
    else
        ss_cmpl_period_chased(r->plan, ss_store_plan_deadline_day(r->st, r->plan->id),
                              ss_date_today(), x->period);
    if (period && strlen(period) != 7) {
        ss_err_set(&err, SS_EINVAL, "period", "'%.20s' is not a month YYYY-MM", period);
        goto fail;
    }
    return 0;
fail:
    ss_web_error(r, &err);
    return -1;
}

/* sv_open, then the period's completeness: 0, or -1 after answering. */
static int sv_load(struct ss_wreq *r, struct sv *x, struct ss_completeness *c)
{
    struct ss_err err;

    memset(c, 0, sizeof *c);
    if (sv_open(r, x))
        return -1;
    ss_err_clear(&err);
    if (ss_completeness_load(r->st, r->e, x->period, x->org, ss_date_today(), c, &err)) {
        ss_completeness_cleanup(c);
        ss_web_error(r, &err);
        return -1;
    }
    return 0;
}

void ss_api_completeness(struct ss_wreq *r)
{
    struct ss_completeness c;
    struct ss_json j;
    struct sv x;

    if (sv_load(r, &x, &c))
        return;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(&j, &r->resp->body, 0);
    ss_completeness_json(&j, r->e, &c);
    ss_buf_putc(&r->resp->body, '\n');
    ss_completeness_cleanup(&c);
}

/* ---- shared pieces of the pages ------------------------------------------------- */

static void org_name(struct ss_wreq *r, long o)
{
    const struct ss_org *x = ss_engine_org(r->e, o);

    ss_content(r, "span", SS_TEXT_ORG, x->code, x->name);
}

/* href="path?org=CODE&period=P" (the value escaped for an attribute). */
static void link_open(struct ss_wreq *r, const char *path, long o, const char *period)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<a href=\"");
    raw(b, path);
    raw(b, "?org=");
    ss_attr(b, ss_engine_org(r->e, o)->code);
    if (period) {
        raw(b, "&amp;period=");
        ss_attr(b, period);
    }
    raw(b, "\">");
}

/* The period picker: a GET form of the plan's months, for path. */
static void period_form(struct ss_wreq *r, const char *path, long o, const char *period)
{
    struct ss_buf *b = &r->resp->body;
    int32_t d;
    char m[8];

    raw(b, "<form class=\"stack\" method=\"get\" action=\"");
    raw(b, path);
    raw(b, "\"><input type=\"hidden\" name=\"org\" value=\"");
    ss_attr(b, ss_engine_org(r->e, o)->code);
    raw(b, "\"><p><label for=\"period\">");
    raw(b, L(r, "填报期"));
    raw(b, "</label><select id=\"period\" name=\"period\">");
    for (d = r->plan->start; d <= r->plan->end;) {
        int32_t s, e;
        ss_period_fmt(d, m);
        raw(b, "<option value=\"");
        raw(b, m);
        raw(b, strcmp(m, period) == 0 ? "\" selected>" : "\">");
        raw(b, m);
        raw(b, "</option>");
        if (ss_period_parse(m, &s, &e))
            break;
        d = e + 1;
    }
    raw(b, "</select></p><p><button type=\"submit\">");
    raw(b, L(r, "查看"));
    raw(b, "</button></p></form>\n");
}

/* The page's frame, its heading, and "<p>unit · period" left open. */
static void page_head(struct ss_wreq *r, const char *title, long o, const char *period)
{
    struct ss_buf *b = &r->resp->body;

    r->resp->cache_control = "no-store";
    ss_page_begin(r, title);
    raw(b, "<h1>");
    raw(b, title);
    raw(b, "</h1>\n<p>");
    org_name(r, o);
    raw(b, " · ");
    raw(b, L(r, "填报期"));
    raw(b, " ");
    raw(b, period);
}

static void back_links(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<p><a href=\"/console/supervision\">");
    raw(b, L(r, "督查工作台"));
    raw(b, "</a> · <a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
}

/* The counts columns after the first (a unit or a department). */
static void counts_cols(struct ss_wreq *r, struct ss_table *t, const char *first)
{
    ss_table_col(t, first, SS_TK_TEXT, SS_TH_ROWHEAD, 4);
    ss_table_col(t, L(r, "应报"), SS_TK_INT, 0, 1);
    ss_table_col(t, L(r, "已报"), SS_TK_INT, 0, 1);
    ss_table_col(t, L(r, "按时"), SS_TK_INT, 0, 1);
    ss_table_col(t, L(r, "逾期报送"), SS_TK_INT, 0, 1);
    ss_table_col(t, L(r, "未报"), SS_TK_INT, 0, 1);
    ss_table_col(t, L(r, "填报率"), SS_TK_PCT, 0, 1);
    ss_table_col(t, L(r, "按时率"), SS_TK_PCT, 0, 1);
    ss_table_col(t, L(r, "最近填报"), SS_TK_TEXT, SS_TH_NOWRAP, 2);
}

static void counts_cells(struct ss_wreq *r, struct ss_table *t, const struct ss_cmpl_counts *c)
{
    char d[11];

    ss_table_num(t, c->expected);
    ss_table_num(t, ss_cmpl_reported(c));
    ss_table_num(t, c->n[SS_CMPL_ON_TIME]);
    ss_table_num(t, c->n[SS_CMPL_LATE]);
    ss_table_num(t, c->n[SS_CMPL_MISSING]);
    ss_table_num(t, ss_cmpl_rate(c));
    ss_table_num(t, ss_cmpl_on_time_rate(c));
    if (c->last_report == SS_NO_DATE) {
        ss_table_text(t, L(r, "无"));
    } else {
        ss_date_fmt(c->last_report, d);
        ss_table_text(t, d);
    }
}

/* "path?org=CODE&period=P" */
static void org_href(struct ss_wreq *r, char *out, size_t cap, const char *path, long o,
                     const char *period)
{
    snprintf(out, cap, "%s?org=%s&period=%s", path, ss_engine_org(r->e, o)->code, period);
}

static void org_cell(struct ss_wreq *r, struct ss_table *t, long o)
{
    const struct ss_org *g = ss_engine_org(r->e, o);

    ss_export_content(r, t, SS_TEXT_ORG, g->code, g->name);
}

static const char *state_text(struct ss_wreq *r, enum ss_cmpl_state s)
{
    switch (s) {
    case SS_CMPL_ON_TIME:
        return L(r, "按时");
    case SS_CMPL_LATE:
        return L(r, "逾期报送");
    case SS_CMPL_MISSING:
        return L(r, "未报");
    default:
        return L(r, "待报");
    }
}

/* ---- the completeness page's tables ---------------------------------------------------- */

static void cmpl_units(struct ss_wreq *r, long org, const struct ss_completeness *c,
                       struct ss_table *t)
{
    const long *kids;
    size_t nk, i;
    char href[96];

    ss_table_set_name(t, L(r, "下级单位（含其所辖）"), NULL);
    counts_cols(r, t, L(r, "单位"));
    kids = ss_engine_org_children(r->e, org, &nk);
    for (i = 0; i < nk; i++) {
        if (!c->tree[kids[i]].expected)
            continue;
        org_href(r, href, sizeof href, "/console/completeness", kids[i], c->period);
        org_cell(r, t, kids[i]);
        ss_tcell_href(&t->cells[t->ncells - 1], href);
        counts_cells(r, t, &c->tree[kids[i]]);
    }
}

/* The assignments missing or pending; returns how many. */
static size_t cmpl_missing(struct ss_wreq *r, const struct ss_completeness *c, struct ss_table *t)
{
    size_t i, n = 0;
    char href[96], d[11];

    ss_table_set_name(t, L(r, "未报清单"), NULL);
    ss_table_col(t, L(r, "单位"), SS_TK_TEXT, SS_TH_ROWHEAD, 4);
    ss_table_col(t, L(r, "指标"), SS_TK_TEXT, 0, 5);
    ss_table_col(t, L(r, "状态"), SS_TK_TEXT, 0, 1);
    ss_table_col(t, L(r, "最近填报"), SS_TK_TEXT, SS_TH_NOWRAP, 2);
    for (i = 0; i < c->nitems; i++) {
        const struct ss_cmpl_item *it = &c->items[i];
        const struct ss_target *tg = &r->plan->targets[it->ti];
        if (it->state != SS_CMPL_MISSING && it->state != SS_CMPL_PENDING)
            continue;
        n++;
        org_cell(r, t, it->org);
        snprintf(href, sizeof href, "/targets/%lld?org=%s", (long long)tg->id,
                 ss_engine_org(r->e, it->org)->code);
        ss_tcell_href(ss_export_content_id(r, t, SS_TEXT_TARGET, tg->id, tg->metric), href);
        ss_table_text(t, state_text(r, it->state));
        if (it->last_report == SS_NO_DATE) {
            ss_table_text(t, L(r, "从未填报"));
        } else {
            ss_date_fmt(it->last_report, d);
            ss_table_text(t, d);
        }
    }
    return n;
}

static void cmpl_depts(struct ss_wreq *r, const struct ss_completeness *c, struct ss_table *t)
{
    size_t i;

    ss_table_set_name(t, L(r, "按责任单位"), NULL);
    counts_cols(r, t, L(r, "责任单位"));
    for (i = 0; i < c->ndepts; i++) {
        if (c->depts[i].dept)
            ss_table_text(t, c->depts[i].dept)->zh = r->lang != SS_LANG_ZH;
        else
            ss_table_text(t, L(r, "未指定"));
        counts_cells(r, t, &c->depts[i].c);
    }
}

enum { CMPL_UNITS, CMPL_MISSING, CMPL_DEPTS };

static size_t cmpl_table(struct ss_wreq *r, int which, long org, const struct ss_completeness *c,
                         struct ss_table *t)
{
    switch (which) {
    case CMPL_UNITS:
        cmpl_units(r, org, c, t);
        return 0;
    case CMPL_MISSING:
        return cmpl_missing(r, c, t);
    default:
        cmpl_depts(r, c, t);
        return 0;
    }
}

/* One of the completeness page's tables, drawn with its downloads; the
 * rows it has. */
static size_t cmpl_draw(struct ss_wreq *r, const char *id, int which, long org,
                        const struct ss_completeness *c, const char *path)
{
    struct ss_table t;
    char q[64];
    size_t n;

    ss_table_init(&t, "");
    n = cmpl_table(r, which, org, c, &t);
    snprintf(q, sizeof q, "org=%s&period=%s", ss_engine_org(r->e, org)->code, c->period);
    ss_export_table(r, id, &t, path, q);
    ss_table_cleanup(&t);
    return n;
}

static int cmpl_export(struct ss_wreq *r, int which, struct ss_table *t, char *tag, size_t cap)
{
    struct ss_completeness c;
    struct sv x;

    if (sv_load(r, &x, &c))
        return -1;
    cmpl_table(r, which, x.org, &c, t);
    snprintf(tag, cap, "%s-%s", ss_engine_org(r->e, x.org)->code, c.period);
    ss_completeness_cleanup(&c);
    return 0;
}

int ss_export_cmpl_units(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap)
{
    return cmpl_export(r, CMPL_UNITS, t, tag, cap);
}

int ss_export_cmpl_missing(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap)
{
    return cmpl_export(r, CMPL_MISSING, t, tag, cap);
}

int ss_export_cmpl_depts(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap)
{
    return cmpl_export(r, CMPL_DEPTS, t, tag, cap);
}

/* ---- /console/completeness --------------------------------------------------------- */

void ss_page_completeness(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_completeness c;
    const struct ss_cmpl_counts *t;
    struct sv x;

    if (sv_load(r, &x, &c))
        return;
    r->resp->cache_control = "no-store";
    t = &c.tree[x.org];
    page_head(r, L(r, "填报完整性"), x.org, c.period);
    raw(b, " · ");
    raw(b, L(r, "报送截止"));
    raw(b, " <time datetime=\"");
    ss_day(b, c.deadline);
    raw(b, "\">");
    ss_day(b, c.deadline);
    raw(b, "</time></p>\n");
    period_form(r, "/console/completeness", x.org, c.period);
    raw(b, "<dl class=\"facts\"><dt>");
    raw(b, L(r, "应报"));
    ss_buf_printf(b, "</dt><dd>%d</dd><dt>", t->expected);
    raw(b, L(r, "已报"));
    ss_buf_printf(b, "</dt><dd>%d</dd><dt>", ss_cmpl_reported(t));
    raw(b, L(r, "按时"));
    ss_buf_printf(b, "</dt><dd>%d</dd><dt>", t->n[SS_CMPL_ON_TIME]);
    raw(b, L(r, "逾期报送"));
    ss_buf_printf(b, "</dt><dd>%d</dd><dt>", t->n[SS_CMPL_LATE]);
    raw(b, L(r, "未报"));
    ss_buf_printf(b, "</dt><dd>%d</dd><dt>", t->n[SS_CMPL_MISSING]);
    raw(b, L(r, "待报"));
    ss_buf_printf(b, "</dt><dd>%d</dd><dt>", t->n[SS_CMPL_PENDING]);
    raw(b, L(r, "填报率"));
    raw(b, "</dt><dd>");
    ss_pct(b, ss_cmpl_rate(t));
    raw(b, "</dd><dt>");
    raw(b, L(r, "按时率"));
    raw(b, "</dt><dd>");
    ss_pct(b, ss_cmpl_on_time_rate(t));
    raw(b, "</dd></dl>\n<p>");
    link_open(r, "/console/completeness.csv", x.org, c.period);
    raw(b, L(r, "下载明细（CSV）"));
    raw(b, "</a></p>\n");
    cmpl_draw(r, "units", CMPL_UNITS, x.org, &c, "/console/export/completeness-units");
    if (!cmpl_draw(r, "missing", CMPL_MISSING, x.org, &c, "/console/export/completeness-missing")) {
        raw(b, "<p>");
        raw(b, L(r, "本期没有未报的任务。"));
        raw(b, "</p>\n");
    }
    cmpl_draw(r, "depts", CMPL_DEPTS, x.org, &c, "/console/export/completeness-depts");
    back_links(r);
    ss_page_end(r);
    ss_completeness_cleanup(&c);
}

static void csv_cell(struct ss_buf *b, const char *s, int last)
{
    ss_esc_csv(b, s ? s : "", s ? strlen(s) : 0);
    ss_buf_puts(b, last ? "\r\n" : ",");
}

void ss_page_completeness_csv(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_completeness c;
    struct sv x;
    char utf8[64], ascii[64], d[11], id[24];
    size_t i;

    if (sv_load(r, &x, &c))
        return;
    r->resp->ctype = "text/csv; charset=utf-8";
    r->resp->cache_control = "no-store";
    snprintf(utf8, sizeof utf8, "填报完整性-%s-%s.csv", ss_engine_org(r->e, x.org)->code, c.period);
    snprintf(ascii, sizeof ascii, "completeness-%s-%s.csv", ss_engine_org(r->e, x.org)->code,
             c.period);
    ss_wf_disposition(r->resp, utf8, ascii);
    raw(b, "\xEF\xBB\xBF"); /* a BOM: Excel then reads the file as UTF-8 */
    raw(b, "org,org_name,target,metric,dept,state,report_date,handed_in,last_report\r\n");
    for (i = 0; i < c.nitems; i++) {
        const struct ss_cmpl_item *it = &c.items[i];
        const struct ss_target *t = &r->plan->targets[it->ti];
        const struct ss_org *o = ss_engine_org(r->e, it->org);

        csv_cell(b, o->code, 0);
        csv_cell(b, o->name, 0);
        snprintf(id, sizeof id, "%lld", (long long)t->id);
        csv_cell(b, id, 0);
        csv_cell(b, t->metric, 0);
        csv_cell(b, t->dept, 0);
        csv_cell(b, ss_cmpl_state_str(it->state), 0);
        d[0] = '\0';
        if (it->report_id)
            ss_date_fmt(it->report_as_of, d);
        csv_cell(b, d, 0);
        csv_cell(b, it->handed_in, 0);
        d[0] = '\0';
        if (it->last_report != SS_NO_DATE)
            ss_date_fmt(it->last_report, d);
        csv_cell(b, d, 1);
    }
    ss_completeness_cleanup(&c);
}

/* ---- /console/score ------------------------------------------------------------------ */

/* sv_load and the scores with the default weights: 0, or -1 after answering. */
static int score_load(struct ss_wreq *r, struct sv *x, struct ss_completeness *c,
                      struct ss_score *s)
{
    struct ss_score_weights w;
    struct ss_err err;

    memset(s, 0, sizeof *s);
    if (sv_load(r, x, c))
        return -1;
    ss_err_clear(&err);
    if ((ss_score_weights_of(r->st, r->plan->id, &w) &&
         ss_err_set(&err, SS_EDB, "", "the plan's score weights cannot be read")) ||
        ss_score_compute(r->st, r->e, c, &w, s, &err)) {
        ss_completeness_cleanup(c);
        ss_web_error(r, &err);
        return -1;
    }
    return 0;
}

/* The ranking: rank, unit, score and its parts. */
static void score_table(struct ss_wreq *r, const struct ss_completeness *c,
                        const struct ss_score *s, struct ss_table *t)
{
    size_t i;
    int k;
    char href[96];

    ss_table_set_name(t, L(r, "下级单位得分"), NULL);
    ss_table_col(t, L(r, "排名"), SS_TK_INT, 0, 1);
    ss_table_col(t, L(r, "单位"), SS_TK_TEXT, SS_TH_ROWHEAD, 4);
    ss_table_col(t, L(r, "得分"), SS_TK_NUM1, 0, 1);
    ss_table_col(t, L(r, "进度"), SS_TK_NUM1, 0, 1);
    ss_table_col(t, L(r, "按时填报"), SS_TK_NUM1, 0, 1);
    ss_table_col(t, L(r, "督办按时办复"), SS_TK_NUM1, 0, 2);
    ss_table_col(t, L(r, "退回"), SS_TK_NUM1, 0, 1);
    for (i = 0; i < s->n; i++) {
        const struct ss_score_row *row = &s->rows[i];
        ss_table_num(t, row->rank ? row->rank : NAN);
        org_href(r, href, sizeof href, "/console/score", row->org, c->period);
        org_cell(r, t, row->org);
        ss_tcell_href(&t->cells[t->ncells - 1], href);
        ss_table_num(t, row->score);
        for (k = 0; k < SS_SC_COUNT; k++)
            ss_table_num(t, row->c[k]);
    }
}

int ss_export_score(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap)
{
    struct ss_completeness c;
    struct ss_score s;
    struct sv x;

    if (score_load(r, &x, &c, &s))
        return -1;
    score_table(r, &c, &s, t);
    snprintf(tag, cap, "%s-%s", ss_engine_org(r->e, x.org)->code, c.period);
    ss_score_cleanup(&s);
    ss_completeness_cleanup(&c);
    return 0;
}

void ss_page_score(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_completeness c;
    struct ss_score s;
    struct sv x;

    if (score_load(r, &x, &c, &s))
        return;
    r->resp->cache_control = "no-store";
    page_head(r, L(r, "考核排名"), x.org, c.period);
    raw(b, "</p>\n");
    period_form(r, "/console/score", x.org, c.period);
    raw(b, "<p>");
    ss_buf_printf(b,
                  L(r, "得分 = 进度×%g + 按时填报×%g + 督办按时办复×%g + 未被退回×%g，"
                       "除以计入部分的权重之和（算法见"),
                  s.w.w[0], s.w.w[1], s.w.w[2], s.w.w[3]);
    raw(b, "<a href=\"/about/method#score\">");
    raw(b, L(r, "进度怎么算"));
    raw(b, "</a>");
    raw(b, L(r, "）。"));
    raw(b, "</p>\n");
    {
        struct ss_table t;
        char q[64];
        ss_table_init(&t, "");
        score_table(r, &c, &s, &t);
        snprintf(q, sizeof q, "org=%s&period=%s", ss_engine_org(r->e, x.org)->code, c.period);
        ss_export_table(r, "ranking", &t, "/console/export/score", q);
        ss_table_cleanup(&t);
    }
    raw(b, "<p>");
    raw(b, L(r, "“—”表示该项没有可计的内容，不计入得分。督办单功能接入前，督办按时办复一项不计。"));
    raw(b, "</p>\n");
    back_links(r);
    ss_page_end(r);
    ss_score_cleanup(&s);
    ss_completeness_cleanup(&c);
}

void ss_page_score_xlsx(struct ss_wreq *r)
{
    struct ss_completeness c;
    struct ss_score s;
    struct ss_err err;
    struct sv x;
    char *data = NULL, utf8[64], ascii[64];
    size_t len = 0;

    if (score_load(r, &x, &c, &s))
        return;
    ss_err_clear(&err);
    if (ss_score_xlsx(r->e, &c, &s, &data, &len, &err)) {
        ss_web_error(r, &err);
    } else {
        snprintf(utf8, sizeof utf8, "考核-%s-%s.xlsx", ss_engine_org(r->e, x.org)->code, c.period);
        snprintf(ascii, sizeof ascii, "score-%s-%s.xlsx", ss_engine_org(r->e, x.org)->code,
                 c.period);
        ss_wf_disposition(r->resp, utf8, ascii);
        r->resp->ctype = XLSX_TYPE;
        r->resp->cache_control = "no-store";
        ss_buf_put(&r->resp->body, data, len);
    }
    free(data);
    ss_score_cleanup(&s);
    ss_completeness_cleanup(&c);
}

/* ---- the morning page: /console/supervision ------------------------------------- */

enum { SV_YELLOW = 1, SV_RED = 2 };

/* Targets of project no (0: every project) whose status at org on day is
 * of colour (SV_YELLOW, SV_RED); with since != SS_NO_DATE only those that
 * were not of that colour on since. */
static int count_colour(const struct ss_wreq *r, long org, int no, int32_t day, int colour,
                        int32_t since)
{
    size_t ti;
    int n = 0;

    for (ti = 0; ti < r->plan->ntargets; ti++) {
        struct ss_figure f, g;
        if (no && r->plan->targets[ti].project_no != no)
            continue;
        ss_engine_figure(r->e, ti, org, day, &f);
        if (ss_status_colour(f.status) != colour)
            continue;
        if (since != SS_NO_DATE) {
            ss_engine_figure(r->e, ti, org, since, &g);
            if (ss_status_colour(g.status) == colour)
                continue;
        }
        n++;
    }
    return n;
}

/* A count linking to its list. */
static void list_link(struct ss_wreq *r, long org, int no, int colour, int32_t day, int32_t since,
                      int n)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<a href=\"/console/supervision/list?org=");
    ss_attr(b, ss_engine_org(r->e, org)->code);
    raw(b, colour == SV_RED ? "&amp;colour=red" : "&amp;colour=yellow");
    if (no)
        ss_buf_printf(b, "&amp;project=%d", no);
    raw(b, "&amp;date=");
    ss_day(b, day);
    if (since != SS_NO_DATE) {
        raw(b, "&amp;since=");
        ss_day(b, since);
    }
    ss_buf_printf(b, "\">%d</a>", n);
}

static void section_open(struct ss_wreq *r, const char *id, const char *title)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<section aria-labelledby=\"");
    raw(b, id);
    raw(b, "\"><h2 id=\"");
    raw(b, id);
    raw(b, "\">");
    raw(b, title);
    raw(b, "</h2>\n");
}

static void lights(struct ss_wreq *r, long org, int32_t day)
{
    struct ss_buf *b = &r->resp->body;
    const char *h1[] = {L(r, "项目"), L(r, "红灯"), L(r, "黄灯")};
    const char *h2[] = {L(r, "地区"), L(r, "红灯"), L(r, "黄灯")};
    const long *kids;
    size_t nk, i;

    section_open(r, "lights", L(r, "红黄灯"));
    ss_table_open(r, "by-project", L(r, "按项目"), h1, SS_ARRAY_LEN(h1));
    for (i = 0; i < r->plan->nprojects; i++) {
        const struct ss_project *p = &r->plan->projects[i];
        raw(b, "<tr><th scope=\"row\">");
        ss_content_id(r, "span", SS_TEXT_PROJECT, p->id, p->title);
        raw(b, "</th><td>");
        list_link(r, org, p->no, SV_RED, day, SS_NO_DATE,
                  count_colour(r, org, p->no, day, SV_RED, SS_NO_DATE));
        raw(b, "</td><td>");
        list_link(r, org, p->no, SV_YELLOW, day, SS_NO_DATE,
                  count_colour(r, org, p->no, day, SV_YELLOW, SS_NO_DATE));
        raw(b, "</td></tr>");
    }
    raw(b, "</tbody></table></div>\n");
    kids = ss_engine_org_children(r->e, org, &nk);
    if (nk) {
        ss_table_open(r, "by-place", L(r, "按地区"), h2, SS_ARRAY_LEN(h2));
        for (i = 0; i < nk; i++) {
            raw(b, "<tr><th scope=\"row\">");
            org_name(r, kids[i]);
            raw(b, "</th><td>");
            list_link(r, kids[i], 0, SV_RED, day, SS_NO_DATE,
                      count_colour(r, kids[i], 0, day, SV_RED, SS_NO_DATE));
            raw(b, "</td><td>");
            list_link(r, kids[i], 0, SV_YELLOW, day, SS_NO_DATE,
                      count_colour(r, kids[i], 0, day, SV_YELLOW, SS_NO_DATE));
            raw(b, "</td></tr>");
        }
        raw(b, "</tbody></table></div>\n");
    }
    raw(b, "</section>\n");
}

static void not_reported(struct ss_wreq *r, long org, const struct ss_completeness *c)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_cmpl_counts *t = &c->tree[org];
    size_t i, units = 0;

    section_open(r, "missing", L(r, "未报"));
    for (i = 0; i < c->norgs; i++)
        units += c->own[i].n[SS_CMPL_MISSING] > 0 && ss_engine_org_within(r->e, (long)i, org);
    raw(b, "<p>");
    raw(b, L(r, "填报期"));
    raw(b, " ");
    raw(b, c->period);
    raw(b, L(r, "（报送截止 "));
    ss_day(b, c->deadline);
    raw(b, L(r, "）"));
    raw(b, "</p>\n<dl class=\"facts\"><dt>");
    raw(b, L(r, "未报任务"));
    raw(b, "</dt><dd>");
    link_open(r, "/console/completeness", org, c->period);
    ss_buf_printf(b, "%d</a></dd><dt>", t->n[SS_CMPL_MISSING]);
    raw(b, L(r, "未报单位"));
    raw(b, "</dt><dd>");
    link_open(r, "/console/completeness", org, c->period);
    ss_buf_printf(b, "%zu</a></dd><dt>", units);
    raw(b, L(r, "逾期报送"));
    raw(b, "</dt><dd>");
    link_open(r, "/console/completeness", org, c->period);
    ss_buf_printf(b, "%d</a></dd><dt>", t->n[SS_CMPL_LATE]);
    raw(b, L(r, "按时率"));
    raw(b, "</dt><dd>");
    ss_pct(b, ss_cmpl_on_time_rate(t));
    raw(b, "</dd></dl>\n");
    if (units) {
        raw(b, "<ul>");
        for (i = 0; i < c->norgs; i++) {
            if (!c->own[i].n[SS_CMPL_MISSING] || !ss_engine_org_within(r->e, (long)i, org))
                continue;
            raw(b, "<li>");
            link_open(r, "/console/completeness", (long)i, c->period);
            org_name(r, (long)i);
            raw(b, "</a> ");
            ss_buf_printf(b, L(r, "%d 项未报"), c->own[i].n[SS_CMPL_MISSING]);
            raw(b, "</li>");
        }
        raw(b, "</ul>\n");
    }
    raw(b, "</section>\n");
}

/* The notices' counts (completeness.h's interface), each linking to the
 * notices' list (/console/notices, built with the notices). */
static void notices(struct ss_wreq *r, long org, const struct ss_completeness *c)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_notice_counts nc;
    struct ss_err err;
    static const char *const status[] = {"overdue", "due_week", "answered"};
    const char *labels[] = {L(r, "逾期未办复"), L(r, "本周到期"), L(r, "已办复待核查")};
    int n[3];
    size_t i;

    ss_err_clear(&err);
    section_open(r, "notices", L(r, "督办单"));
    if (ss_supervision_notice_counts(r->st, r->e, org, c->start, c->end, c->today, &nc, &err)) {
        raw(b, "<p>");
        raw(b, L(r, "督办单暂时无法读取。"));
        raw(b, "</p></section>\n");
        return;
    }
    n[0] = nc.overdue;
    n[1] = nc.due_week;
    n[2] = nc.answered;
    raw(b, "<dl class=\"facts\">");
    for (i = 0; i < 3; i++) {
        raw(b, "<dt>");
        raw(b, labels[i]);
        raw(b, "</dt><dd><a href=\"/console/notices?status=");
        raw(b, status[i]);
        raw(b, "&amp;org=");
        ss_attr(b, ss_engine_org(r->e, org)->code);
        ss_buf_printf(b, "\">%d</a></dd>", n[i]);
    }
    raw(b, "</dl></section>\n");
}

static void changes(struct ss_wreq *r, long org, int32_t day)
{
    struct ss_buf *b = &r->resp->body;
    const char *heads[] = {L(r, "状态"), L(r, "现在"), L(r, "上月末"), L(r, "新增")};
    int y, m, d, k;
    int32_t before;

    ss_civil_from_days(day, &y, &m, &d);
    before = ss_days_from_civil(y, m, 1) - 1; /* the end of last month */
    if (before < r->plan->start)
        before = r->plan->start;
    section_open(r, "changes", L(r, "较上月"));
    ss_table_open(r, "change", L(r, "红黄灯变化"), heads, SS_ARRAY_LEN(heads));
    for (k = SV_RED; k >= SV_YELLOW; k--) {
        raw(b, "<tr><th scope=\"row\">");
        raw(b, k == SV_RED ? L(r, "红灯") : L(r, "黄灯"));
        raw(b, "</th><td>");
        list_link(r, org, 0, k, day, SS_NO_DATE, count_colour(r, org, 0, day, k, SS_NO_DATE));
        raw(b, "</td><td>");
        list_link(r, org, 0, k, before, SS_NO_DATE, count_colour(r, org, 0, before, k, SS_NO_DATE));
        raw(b, "</td><td>");
        list_link(r, org, 0, k, day, before, count_colour(r, org, 0, day, k, before));
        raw(b, "</td></tr>");
    }
    raw(b, "</tbody></table></div>\n<p>");
    raw(b, L(r, "上月末："));
    ss_day(b, before);
    raw(b, "</p></section>\n");
}

void ss_page_supervision(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_completeness c;
    struct sv x;

    if (sv_load(r, &x, &c))
        return;
    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "督查工作台"));
    raw(b, "<h1>");
    raw(b, L(r, "督查工作台"));
    raw(b, "</h1>\n<p>");
    org_name(r, x.org);
    raw(b, "</p>\n<nav aria-label=\"");
    raw(b, L(r, "督查工作台"));
    raw(b, "\"><ul class=\"console-links\"><li>");
    link_open(r, "/console/completeness", x.org, c.period);
    raw(b, L(r, "填报完整性"));
    raw(b, "</a></li><li>");
    link_open(r, "/console/score", x.org, c.period);
    raw(b, L(r, "考核排名"));
    raw(b, "</a></li></ul></nav>\n");
    lights(r, x.org, r->day);
    not_reported(r, x.org, &c);
    notices(r, x.org, &c);
    ss_message_supervision(r, &x.u, x.org);
    changes(r, x.org, r->day);
    ss_as_of_line(r, r->day);
    raw(b, "<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
    ss_completeness_cleanup(&c);
}

/* A date argument within the plan, or dflt. */
static int32_t date_arg(const struct ss_wreq *r, const char *key, int32_t dflt)
{
    const char *s = ss_http_arg(r->http, key);
    int32_t d;

    if (!s || ss_date_parse(s, &d) || d < r->plan->start || d > r->plan->end)
        return dflt;
    return d;
}

void ss_page_supervision_list(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    const char *heads[] = {L(r, "指标"), L(r, "状态"), L(r, "完成进度"), L(r, "应完成")};
    const char *colour = ss_http_arg(r->http, "colour"), *project = ss_http_arg(r->http, "project");
    int32_t day = date_arg(r, "date", r->day), since = date_arg(r, "since", SS_NO_DATE);
    int want = colour && strcmp(colour, "yellow") == 0 ? SV_YELLOW : SV_RED;
    long no = 0;
    size_t ti, n = 0;
    struct sv x;

    if (sv_open(r, &x))
        return;
    if (project && (ss_parse_long(project, &no) || no < 0))
        no = 0;
    r->resp->cache_control = "no-store";
    ss_page_begin(r, want == SV_RED ? L(r, "红灯指标") : L(r, "黄灯指标"));
    raw(b, "<h1>");
    raw(b, want == SV_RED ? L(r, "红灯指标") : L(r, "黄灯指标"));
    raw(b, "</h1>\n<p>");
    org_name(r, x.org);
    raw(b, " · ");
    raw(b, L(r, "截至"));
    raw(b, " ");
    ss_day(b, day);
    if (since != SS_NO_DATE) {
        raw(b, " · ");
        raw(b, L(r, "新增自"));
        raw(b, " ");
        ss_day(b, since);
    }
    raw(b, "</p>\n");
    ss_table_open(r, "list", L(r, "指标"), heads, SS_ARRAY_LEN(heads));
    for (ti = 0; ti < r->plan->ntargets; ti++) {
        const struct ss_target *t = &r->plan->targets[ti];
        struct ss_figure f, g;
        if (no && t->project_no != no)
            continue;
        ss_engine_figure(r->e, ti, x.org, day, &f);
        if (ss_status_colour(f.status) != want)
            continue;
        if (since != SS_NO_DATE) {
            ss_engine_figure(r->e, ti, x.org, since, &g);
            if (ss_status_colour(g.status) == want)
                continue;
        }
        n++;
        ss_buf_printf(b, "<tr><th scope=\"row\"><a href=\"/targets/%lld?org=", (long long)t->id);
        ss_attr(b, ss_engine_org(r->e, x.org)->code);
        raw(b, "\">");
        ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
        raw(b, "</a></th><td>");
        ss_status_badge(r, (int)f.status);
        raw(b, "</td><td>");
        ss_pct(b, f.progress);
        raw(b, "</td><td>");
        ss_pct(b, f.expected);
        raw(b, "</td></tr>");
    }
    raw(b, "</tbody></table></div>\n<p>");
    ss_buf_printf(b, L(r, "共 %zu 项。"), n);
    raw(b, "</p>\n");
    back_links(r);
    ss_page_end(r);
}
