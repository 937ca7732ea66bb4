/*
 * page_target.c - one target (/targets/{id}?org=CODE): its figures at an
 * org unit, progress over the months against the due line (chart + table)
 * and the breakdown by the unit's children (chart + table).
 *
 * The series is shared with the API: ss_web_series() gives the month ends
 * of the plan period up to the as-of day, and the day itself.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/util.h"
#include "core/opendata.h"
#include "web/export.h"
#include "web/feed_web.h"
#include "web/figure_html.h"
#include "web/message_web.h"
#include "web/notice_web.h"
#include "web/page.h"
#include "web/render.h"
#include "web/svg.h"

size_t ss_web_series(const struct ss_plan *p, int32_t day, int32_t out[SS_WEB_MAX_SERIES])
{
    return ss_plan_month_ends(p, day, out, SS_WEB_MAX_SERIES);
}

long ss_web_target_param(struct ss_wreq *r)
{
    long id;

    if (ss_parse_long(r->param, &id) != 0 || id <= 0)
        return -1;
    return ss_plan_target_index(r->plan, id);
}

long ss_web_org_param(struct ss_wreq *r, const char *code)
{
    if (!code || !*code)
        return ss_engine_top_org(r->e);
    return ss_engine_org_find(r->e, code);
}

/* The months' table: the day, the status and, for a running total, the
 * progress, the cumulative actual and what is due; for a level, the level. */
static void series_table(struct ss_wreq *r, size_t ti, long org, struct ss_table *tb)
{
    int32_t days[SS_WEB_MAX_SERIES];
    size_t n = ss_web_series(r->plan, r->day, days), i;
    const struct ss_target *t = &r->plan->targets[ti];
    int level = ss_fig_is_level(t);
    char d[11];

    ss_table_set_name(tb, L(r, "逐月数据"), NULL);
    ss_table_col(tb, L(r, "日期"), SS_TK_TEXT, SS_TH_ROWHEAD | SS_TH_NOWRAP, 2);
    ss_table_col(tb, L(r, "状态"), SS_TK_TEXT, SS_TH_STATUS, 2);
    if (level) {
        ss_table_col(tb, L(r, "水平"), SS_TK_NUM, 0, 2);
    } else {
        ss_table_col(tb, L(r, "完成进度"), SS_TK_PCT, 0, 1);
        ss_table_col(tb, L(r, "累计完成"), SS_TK_NUM, 0, 2);
        ss_table_col(tb, L(r, "应完成"), SS_TK_NUM, 0, 2);
    }
    for (i = 0; i < n; i++) {
        struct ss_figure f;
        ss_engine_figure(r->e, ti, org, days[i], &f);
        ss_date_fmt(days[i], d);
        ss_table_text(tb, d);
        ss_export_status(r, tb, (int)f.status);
        if (level) {
            ss_tcell_unit(ss_table_num(tb, f.reporters ? f.actual : NAN), t->unit);
            continue;
        }
        ss_table_num(tb, f.progress);
        ss_table_num(tb, f.actual);
        ss_table_num(tb, f.expected_value);
    }
}

/* A table of the target at org, drawn with its download links. */
static void draw_table(struct ss_wreq *r, const char *id,
                       void (*build)(struct ss_wreq *, size_t, long, struct ss_table *), size_t ti,
                       long org, const char *path)
{
    struct ss_table tb;
    char q[64];

    ss_table_init(&tb, "");
    build(r, ti, org, &tb);
    snprintf(q, sizeof q, "target=%lld&org=%s", (long long)r->plan->targets[ti].id,
             ss_engine_org(r->e, org)->code);
    ss_export_table(r, id, &tb, path, q);
    ss_table_cleanup(&tb);
}

static void series_section(struct ss_wreq *r, size_t ti, long org)
{
    struct ss_buf *b = &r->resp->body;
    int32_t days[SS_WEB_MAX_SERIES];
    double act[SS_WEB_MAX_SERIES], due[SS_WEB_MAX_SERIES];
    struct ss_figure fs[SS_WEB_MAX_SERIES];
    size_t n = ss_web_series(r->plan, r->day, days), i;
    const struct ss_target *t = &r->plan->targets[ti];
    struct ss_buf desc;
    int level = ss_fig_is_level(t);

    for (i = 0; i < n; i++) {
        ss_engine_figure(r->e, ti, org, days[i], &fs[i]);
        act[i] = level && !fs[i].reporters ? NAN : fs[i].actual;
        due[i] = fs[i].expected_value; /* NAN for a level: no due line */
    }
    raw(b, "<section aria-labelledby=\"h-series\"><h2 id=\"h-series\">");
    raw(b, L(r, "逐月进度与应完成线"));
    raw(b, "</h2><div class=\"chart-wrap\">");
    ss_buf_init(&desc, 1024);
    if (level)
        ss_buf_puts(&desc, L(r, "实线为各月末的水平（不是累计数），纵轴到目标值为止；单位："));
    else
        ss_buf_puts(&desc,
                    L(r, "实线为累计完成，虚线为按进度安排应完成的数量，纵轴到计划数为止；单位："));
    ss_buf_puts(&desc, t->unit);
    ss_buf_puts(&desc, L(r, "。数据见下表。"));
    ss_svg_series(b, "series", L(r, "逐月完成情况"), desc.data ? desc.data : "", n, days, act, due,
                  n ? fs[n - 1].value : NAN, r->plan->start, r->plan->end,
                  level ? L(r, "水平") : L(r, "累计完成"), L(r, "应完成"), ss_lang_rtl(r->lang));
    ss_buf_cleanup(&desc);
    raw(b, "</div>");
    draw_table(r, "series", series_table, ti, org, "/export/target-series");
    raw(b, "</section>\n");
}

/* The children's figures: one row per child unit, linking to the target there. */
static void breakdown_table(struct ss_wreq *r, size_t ti, long org, struct ss_table *tb)
{
    size_t nkids, i;
    const long *kids = ss_engine_org_children(r->e, org, &nkids);
    const struct ss_target *t = &r->plan->targets[ti];
    char href[64];

    ss_table_set_name(tb, L(r, "下级地区数据"), NULL);
    ss_fig_table_cols(r, tb, L(r, "地区"));
    for (i = 0; i < nkids; i++) {
        const struct ss_org *g = ss_engine_org(r->e, kids[i]);
        struct ss_figure f;
        ss_engine_figure(r->e, ti, kids[i], r->day, &f);
        snprintf(href, sizeof href, "/targets/%lld?org=%s", (long long)t->id, g->code);
        ss_tcell_href(ss_export_content(r, tb, SS_TEXT_ORG, g->code, g->name), href);
        ss_fig_table_cells(r, tb, t, &f);
    }
}

/* ?target=ID&org=CODE as the page reads its own: the target's index and
 * the unit's, or -1 after answering 404. */
static int target_args(struct ss_wreq *r, long *ti, long *org, char *tag, size_t cap)
{
    long id;
    const char *s = ss_http_arg(r->http, "target");

    *ti = s && ss_parse_long(s, &id) == 0 && id > 0 ? ss_plan_target_index(r->plan, id) : -1;
    *org = *ti >= 0 ? ss_web_org_param(r, ss_http_arg(r->http, "org")) : -1;
    if (*ti < 0 || *org < 0) {
        ss_page_not_found(r);
        return -1;
    }
    snprintf(tag, cap, "%lld-%s", (long long)r->plan->targets[*ti].id,
             ss_engine_org(r->e, *org)->code);
    return 0;
}

static int target_export(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap,
                         void (*build)(struct ss_wreq *, size_t, long, struct ss_table *))
{
    long ti, org;

    if (target_args(r, &ti, &org, tag, cap))
        return -1;
    build(r, (size_t)ti, org, t);
    return 0;
}

int ss_export_target_series(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap)
{
    return target_export(r, t, tag, cap, series_table);
}

int ss_export_target_breakdown(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap)
{
    return target_export(r, t, tag, cap, breakdown_table);
}

static void breakdown_section(struct ss_wreq *r, size_t ti, long org)
{
    struct ss_buf *b = &r->resp->body;
    size_t nkids, i;
    const long *kids = ss_engine_org_children(r->e, org, &nkids);
    const struct ss_target *t = &r->plan->targets[ti];
    const char **labels;
    double *prog, *due;
    int *col;
    struct ss_figure *fs;
    int level = ss_fig_is_level(t);

    if (!nkids)
        return;
    labels = ss_xcalloc(nkids, sizeof *labels);
    prog = ss_xcalloc(nkids, sizeof *prog);
    due = ss_xcalloc(nkids, sizeof *due);
    col = ss_xcalloc(nkids, sizeof *col);
    fs = ss_xcalloc(nkids, sizeof *fs);
    for (i = 0; i < nkids; i++) {
        ss_engine_figure(r->e, ti, kids[i], r->day, &fs[i]);
        labels[i] = ss_content_text(r, SS_TEXT_ORG, ss_engine_org(r->e, kids[i])->code,
                                    ss_engine_org(r->e, kids[i])->name);
        /* a level on the 0-100 scale with its target as the tick; a running
         * total as a share of the place's plan with what is due */
        prog[i] = level ? (fs[i].reporters ? fs[i].actual : NAN) : fs[i].progress;
        due[i] = level ? fs[i].value : fs[i].expected;
        col[i] = ss_status_colour(fs[i].status);
    }
    raw(b, "<section aria-labelledby=\"h-break\"><h2 id=\"h-break\">");
    raw(b, L(r, "下级地区完成情况"));
    raw(b, "</h2><div class=\"chart-wrap\">");
    ss_svg_bars(b, "bars", L(r, "下级地区完成进度"),
                level
                    ? L(r, "每条为一个下级地区的当前水平（百分比），竖线为其目标水平；数据见下表。")
                    : L(r, "每条为一个下级地区相对其分解任务的完成进度，满条为 100%，超过 100% "
                           "的在末端加深色标记，数字为实际进度；竖线为应完成进度；数据见下表。"),
                nkids, labels, prog, due, col, ss_lang_rtl(r->lang));
    raw(b, "</div>");
    draw_table(r, "break", breakdown_table, ti, org, "/export/target-breakdown");
    raw(b, "</section>\n");
    free(labels);
    free(prog);
    free(due);
    free(col);
    free(fs);
}

void ss_page_target(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    long ti = ss_web_target_param(r);
    long org;
    const struct ss_target *t;
    const struct ss_org *g;
    struct ss_figure f;
    char ref[24];

    org = ti >= 0 ? ss_web_org_param(r, ss_http_arg(r->http, "org")) : -1;
    if (ti < 0 || org < 0) {
        ss_page_not_found(r);
        return;
    }
    t = &r->plan->targets[ti];
    g = ss_engine_org(r->e, org);
    ss_engine_figure(r->e, (size_t)ti, org, r->day, &f);
    {
        struct ss_buf desc;
        ss_buf_init(&desc, 2048);
        ss_fig_sentence_text(&desc, r->lang, t, ss_content_text(r, SS_TEXT_ORG, g->code, g->name),
                             &f);
        ss_buf_puts(&desc, L(r, "逐月进度与下级地区完成情况。"));
        snprintf(ref, sizeof ref, "%lld", (long long)t->id);
        ss_feed_page_link(r, "targets", ref);
        ss_page_begin_desc(r, ss_content_text_id(r, SS_TEXT_TARGET, t->id, t->metric),
                           desc.err || !desc.data ? NULL : desc.data);
        ss_buf_cleanup(&desc);
    }
    ss_org_crumbs(r, org, (long long)t->id);
    raw(b, "<h1>");
    ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
    raw(b, " <small>");
    ss_content(r, "span", SS_TEXT_ORG, g->code, g->name);
    raw(b, "</small></h1>\n<p class=\"src\">");
    ss_buf_printf(b, "<a href=\"/projects/%d\">", t->project_no);
    ss_buf_printf(b, L(r, "第%d件实事"), t->project_no);
    raw(b, "</a>");
    raw(b, L(r, "："));
    ss_zh_open(r, "span");
    ss_html(b, t->text);
    ss_zh_close(r, "span");
    raw(b, "</p>\n");
    ss_as_of_line(r, r->day);
    ss_progress_bar(r, f.progress, f.expected);
    ss_fig_cards(r, t, &f, 1);
    series_section(r, (size_t)ti, org);
    breakdown_section(r, (size_t)ti, org);
    ss_notice_public_lines(r, b, t->id, org);
    ss_feed_follow_box(r, "target", ref);
    ss_message_section(r, "target", t->id, 0, org);
    raw(b, "<p><a href=\"/orgs/");
    ss_attr(b, g->code);
    raw(b, "\">");
    raw(b, L(r, "查看本地区全部指标"));
    raw(b, "</a></p>");
    ss_page_end(r);
}
