/*
 * page_target.c - one target (/targets/{id}?org=CODE): its figures at an
 * org unit, progress over the months against the due line (chart + table)
 * and the breakdown by the unit's children (chart + table).
 *
 * The series is shared with the API: ss_web_series() gives the month ends
 * of the plan period up to the as-of day, and the day itself.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/util.h"
#include "web/figure_html.h"
#include "web/message_web.h"
#include "web/notice_web.h"
#include "web/page.h"
#include "web/render.h"
#include "web/svg.h"

size_t ss_web_series(const struct ss_plan *p, int32_t day, int32_t out[SS_WEB_MAX_SERIES])
{
    size_t n = 0;
    int y, m, d;
    int32_t t;

    if (p->start == SS_NO_DATE)
        return 0;
    ss_civil_from_days(p->start, &y, &m, &d);
    for (;;) {
        t = ss_days_from_civil(y, m, ss_days_in_month(y, m));
        if (t > day || n + 1 >= SS_WEB_MAX_SERIES)
            break;
        if (t >= p->start)
            out[n++] = t;
        if (++m > 12)
            m = 1, y++;
    }
    if (n == 0 || out[n - 1] != day)
        out[n++] = day;
    return n;
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
    if (level) {
        const char *heads[] = {L(r, "日期"), L(r, "状态"), L(r, "水平")};
        ss_table_open(r, "series", L(r, "逐月数据"), heads, SS_ARRAY_LEN(heads));
    } else {
        const char *heads[] = {L(r, "日期"), L(r, "状态"), L(r, "完成进度"), L(r, "累计完成"),
                               L(r, "应完成")};
        ss_table_open(r, "series", L(r, "逐月数据"), heads, SS_ARRAY_LEN(heads));
    }
    for (i = 0; i < n; i++) {
        raw(b, "<tr><th scope=\"row\" class=\"nw\">");
        ss_day(b, days[i]);
        raw(b, "</th><td>");
        ss_status_badge(r, (int)fs[i].status);
        if (level) {
            raw(b, "</td><td>");
            ss_fig_line(r, t, &fs[i]);
            raw(b, "</td></tr>");
            continue;
        }
        raw(b, "</td><td>");
        ss_pct(b, fs[i].progress);
        raw(b, "</td><td>");
        ss_num(b, fs[i].actual);
        raw(b, "</td><td>");
        ss_num(b, fs[i].expected_value);
        raw(b, "</td></tr>");
    }
    raw(b, "</tbody></table></div></section>\n");
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
    ss_fig_table_open(r, "break", L(r, "下级地区数据"), L(r, "地区"));
    for (i = 0; i < nkids; i++) {
        const struct ss_org *g = ss_engine_org(r->e, kids[i]);
        ss_buf_printf(b, "<tr><th scope=\"row\"><a href=\"/targets/%lld?org=", (long long)t->id);
        ss_attr(b, g->code);
        raw(b, "\">");
        ss_content(r, "span", SS_TEXT_ORG, g->code, g->name);
        raw(b, "</a></th>");
        ss_fig_cells(r, t, &fs[i]);
        raw(b, "</tr>");
    }
    raw(b, "</tbody></table></div></section>\n");
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
    ss_message_section(r, "target", t->id, 0, org);
    raw(b, "<p><a href=\"/orgs/");
    ss_attr(b, g->code);
    raw(b, "\">");
    raw(b, L(r, "查看本地区全部指标"));
    raw(b, "</a></p>");
    ss_page_end(r);
}
