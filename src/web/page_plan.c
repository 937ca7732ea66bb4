/*
 * page_plan.c - the plan page (/), a project page (/projects/{no}), the
 * method page and the not-found page.
 *
 * All figures are at the plan's top org unit as of r->day. A project's
 * status is the worst of its targets' (so one red target shows), its
 * progress the mean of its targets' progress capped at 100%.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "web/render.h"

/* Order of concern: higher is worse. */
static int concern(int st)
{
    static const int rank[SS_ST_COUNT] = {0, 1, 2, 4, 3, -1, -2};
    return (unsigned)st < SS_ST_COUNT ? rank[st] : -2;
}

struct proj_sum {
    int status;
    double progress, expected;
    int counts[SS_ST_COUNT];
    int ntargets;
};

static void project_sum(struct ss_wreq *r, int no, struct proj_sum *s)
{
    size_t i;
    double sp = 0, se = 0;
    int np = 0, ne = 0;

    memset(s, 0, sizeof *s);
    s->status = SS_ST_NO_TASK;
    for (i = 0; i < r->plan->ntargets; i++) {
        struct ss_figure f;
        if (r->plan->targets[i].project_no != no)
            continue;
        ss_engine_figure(r->e, i, ss_engine_top_org(r->e), r->day, &f);
        s->ntargets++;
        s->counts[f.status]++;
        if (concern((int)f.status) > concern(s->status))
            s->status = (int)f.status;
        if (!isnan(f.progress))
            sp += fmin(100, f.progress), np++;
        if (!isnan(f.expected))
            se += f.expected, ne++;
    }
    s->progress = np ? sp / np : NAN;
    s->expected = ne ? se / ne : NAN;
}

/* "actual / value unit" */
static void amount(struct ss_wreq *r, const struct ss_target *t, const struct ss_figure *f)
{
    struct ss_buf *b = &r->resp->body;

    ss_num(b, f->actual);
    raw(b, " / ");
    ss_num(b, isnan(f->value) ? t->value : f->value);
    raw(b, " ");
    ss_zh_open(r, "span");
    ss_html(b, t->unit);
    ss_zh_close(r, "span");
}

static void status_counts(struct ss_wreq *r, const struct proj_sum *s)
{
    struct ss_buf *b = &r->resp->body;
    int k, first = 1;

    raw(b, "<p class=\"counts\">");
    for (k = 0; k < SS_ST_COUNT; k++) {
        if (!s->counts[k] || k == SS_ST_NO_TASK)
            continue;
        if (!first)
            raw(b, T(r, "，", ", "));
        first = 0;
        ss_html(b, ss_status_text(r, k));
        raw(b, " ");
        ss_buf_printf(b, "%d", s->counts[k]);
    }
    raw(b, "</p>");
}

void ss_page_plan(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_plan *p = r->plan;
    size_t i;

    ss_page_begin(r, p->title);
    raw(b, "<h1>");
    ss_zh_open(r, "span");
    ss_html(b, p->title);
    ss_zh_close(r, "span");
    raw(b, "</h1>\n");
    ss_as_of_line(r, r->day);
    {
        struct ss_figure f;
        if (p->ntargets) {
            ss_engine_figure(r->e, 0, ss_engine_top_org(r->e), r->day, &f);
            raw(b, "<p class=\"lead\">");
            raw(b, T(r, "全年时间已过 ", "Share of the year elapsed: "));
            ss_pct(b, f.time);
            ss_buf_printf(b, T(r, "。共 %zu 件实事、%zu 项指标。",
                               ". %zu projects, %zu targets."),
                          p->nprojects, p->ntargets);
            raw(b, "</p>\n");
        }
    }
    raw(b, "<ol class=\"projects\">\n");
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        struct proj_sum s;
        size_t k;

        project_sum(r, pr->no, &s);
        ss_buf_printf(b, "<li class=\"project\"><h2><a href=\"/projects/%d\">", pr->no);
        ss_buf_printf(b, "<span class=\"no\">%d.</span> ", pr->no);
        ss_zh_open(r, "span");
        ss_html(b, pr->title);
        ss_zh_close(r, "span");
        raw(b, "</a></h2>\n<div class=\"sum\">");
        ss_status_badge(r, s.status);
        raw(b, "<span class=\"fig\">");
        raw(b, T(r, "平均完成 ", "mean progress "));
        ss_pct(b, s.progress);
        raw(b, T(r, "，应完成 ", ", due "));
        ss_pct(b, s.expected);
        raw(b, "</span>");
        ss_progress_bar(r, s.progress, s.expected);
        raw(b, "</div>");
        status_counts(r, &s);
        raw(b, "<ul class=\"targets\">");
        for (k = 0; k < p->ntargets; k++) {
            const struct ss_target *t = &p->targets[k];
            struct ss_figure f;
            if (t->project_no != pr->no)
                continue;
            ss_engine_figure(r->e, k, ss_engine_top_org(r->e), r->day, &f);
            ss_buf_printf(b, "<li><a href=\"/targets/%lld\">", (long long)t->id);
            ss_zh_open(r, "span");
            ss_html(b, t->metric);
            ss_zh_close(r, "span");
            raw(b, "</a> <span class=\"fig\">");
            amount(r, t, &f);
            raw(b, " · ");
            ss_pct(b, f.progress);
            raw(b, "</span> ");
            ss_status_badge(r, (int)f.status);
            raw(b, "</li>");
        }
        raw(b, "</ul></li>\n");
    }
    raw(b, "</ol>\n");
    ss_page_end(r);
}

static void figure_rows(struct ss_wreq *r, const struct ss_target *t, const struct ss_figure *f)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<dl class=\"figs\"><div><dt>");
    raw(b, T(r, "计划", "Planned"));
    raw(b, "</dt><dd>");
    ss_buf_puts(b, ss_op_str(t->op));
    raw(b, " ");
    ss_num(b, isnan(f->value) ? t->value : f->value);
    raw(b, " ");
    ss_html(b, t->unit);
    raw(b, "</dd></div><div><dt>");
    raw(b, T(r, "完成", "Reached"));
    raw(b, "</dt><dd>");
    ss_num(b, f->actual);
    raw(b, "</dd></div><div><dt>");
    raw(b, T(r, "完成进度", "Progress"));
    raw(b, "</dt><dd>");
    ss_pct(b, f->progress);
    raw(b, "</dd></div><div><dt>");
    raw(b, T(r, "应完成（时序进度）", "Due by now"));
    raw(b, "</dt><dd>");
    ss_pct(b, f->expected);
    raw(b, "</dd></div><div><dt>");
    raw(b, T(r, "按当前速度年底可达", "Year-end at this pace"));
    raw(b, "</dt><dd>");
    ss_num(b, f->projection);
    raw(b, "</dd></div><div><dt>");
    raw(b, T(r, "状态", "Status"));
    raw(b, "</dt><dd>");
    ss_status_badge(r, (int)f->status);
    raw(b, "</dd></div></dl>");
}

void ss_page_project(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_plan *p = r->plan;
    const struct ss_project *pr = NULL;
    long no;
    size_t i;

    if (ss_parse_long(r->param, &no) == 0)
        for (i = 0; i < p->nprojects; i++)
            if (p->projects[i].no == no)
                pr = &p->projects[i];
    if (!pr) {
        ss_page_not_found(r);
        return;
    }
    ss_page_begin(r, pr->title);
    raw(b, "<nav class=\"crumbs\" aria-label=\"");
    raw(b, T(r, "位置", "Breadcrumb"));
    raw(b, "\"><a href=\"/\">");
    raw(b, T(r, "全部实事", "All projects"));
    raw(b, "</a></nav>\n<h1>");
    ss_buf_printf(b, "%d. ", pr->no);
    ss_zh_open(r, "span");
    ss_html(b, pr->title);
    ss_zh_close(r, "span");
    raw(b, "</h1>\n");
    if (pr->lead_dept && strcmp(pr->lead_dept, "unknown") != 0) {
        raw(b, "<p>");
        raw(b, T(r, "牵头单位：", "Lead department: "));
        ss_zh_open(r, "span");
        ss_html(b, pr->lead_dept);
        ss_zh_close(r, "span");
        raw(b, "</p>\n");
    }
    ss_as_of_line(r, r->day);
    for (i = 0; i < p->ntargets; i++) {
        const struct ss_target *t = &p->targets[i];
        struct ss_figure f;
        if (t->project_no != pr->no)
            continue;
        ss_engine_figure(r->e, i, ss_engine_top_org(r->e), r->day, &f);
        raw(b, "<section class=\"target\"><h2>");
        ss_buf_printf(b, "<a href=\"/targets/%lld\">", (long long)t->id);
        ss_zh_open(r, "span");
        ss_html(b, t->metric);
        ss_zh_close(r, "span");
        raw(b, "</a></h2>");
        ss_zh_open(r, "p");
        ss_html(b, t->text);
        ss_zh_close(r, "p");
        ss_progress_bar(r, f.progress, f.expected);
        figure_rows(r, t, &f);
        raw(b, "</section>\n");
    }
    ss_page_end(r);
}

void ss_page_not_found(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;

    ss_buf_reset(b);
    r->resp->status = 404;
    ss_page_begin(r, T(r, "未找到", "Not found"));
    raw(b, "<h1>");
    raw(b, T(r, "没有这个页面", "There is no such page"));
    raw(b, "</h1><p><a href=\"/\">");
    raw(b, T(r, "回到全部实事", "Back to all projects"));
    raw(b, "</a></p>");
    ss_page_end(r);
}

void ss_page_method(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;

    ss_page_begin(r, T(r, "进度怎么算", "How progress is counted"));
    raw(b, "<h1>");
    raw(b, T(r, "进度怎么算", "How progress is counted"));
    raw(b, "</h1>\n");
    if (r->lang == SS_LANG_EN) {
        raw(b,
            "<ul class=\"prose\">"
            "<li>Counts and amounts (people, km, events …) add up: a target's actual is the "
            "sum of the latest approved cumulative values reported by the units it was "
            "assigned to; a region's figure is the sum of its prefectures and counties.</li>"
            "<li>A unit's own report is its whole figure. Where a prefecture (or a department "
            "for the whole region) reports its own figure and its counties report too, the "
            "prefecture's own figure stands and the counties' sum is shown beside it as a "
            "check, flagged to its reviewer when the two differ; the two are never added. "
            "Above it, the prefecture counts once, with its own figure.</li>"
            "<li>What is planned at a place is its assigned share, or the sum of the shares "
            "of the places below it. A place with no share and no report has no task for that "
            "target (“no task here”) and counts in no summary or ranking; a report from a "
            "place with no share is shown as unassigned.</li>"
            "<li>Rates (e.g. 90% placement) do not add up: each report carries a numerator and "
            "a denominator, and a roll-up divides the sums, with its coverage (how many of the "
            "places holding a share have reported). A rate is a level, not a running total: "
            "the latest level is shown against the target, never as a share of it; at or "
            "beyond the target it is on track, short of it lagging (seriously, when short by "
            "more than the red threshold), and at the plan's end it is met (done) or not "
            "(seriously lagging).</li>"
            "<li>Relative changes (e.g. 5% more than last year) are measured against the "
            "baseline; milestones are stages reached, with evidence.</li>"
            "<li>“≥” targets are met at or above the value; “≤” targets while at or "
            "below it.</li>"
            "<li>Due by now (time progress) follows the target's schedule: linear over the "
            "plan year by default, or a monthly profile for seasonal work such as roads and "
            "pipes.</li>"
            "<li>Status compares progress with what is due: done; on track; lagging (more "
            "than the plan's yellow threshold behind); seriously lagging (beyond the red "
            "threshold) or not reported. The year-end projection extends the recent pace.</li>"
            "<li>Only approved reports count; every change is kept in an audit log.</li>"
            "</ul>\n");
    } else {
        raw(b,
            "<ul class=\"prose\">"
            "<li>人数、公里、场次、金额等可累加的指标：完成数是各责任单位最新一次审核通过的"
            "累计填报值之和；上级地区的数字是其所辖地州市、县市区之和。</li>"
            "<li>本级填报即本级完成数：地州市（或负责全区的厅局）填报了本级数字、所辖县市区"
            "也填报时，以本级数字为准，下级合计作为核对数并列显示，两者不一致时提示审核人；"
            "两者绝不相加。再往上汇总时，该地州市只按本级数字计一次。</li>"
            "<li>各地的计划数是分解给本地的任务数，未直接分解的取下级任务数之和。既无分解任务"
            "又无填报的地区显示“本级无任务”，不参加任何统计和排名；没有分解任务却有填报的，"
            "显示为“未分解”。</li>"
            "<li>比率（如落实率90%）不能相加：每次填报包含分子和分母，汇总时分别求和再相除，"
            "并显示填报覆盖面（有分解任务的单位中已填报的个数）。比率是水平值，不是累计数："
            "显示最新水平与目标值的对比，不折算为完成百分比；达到或超过目标为正常推进，"
            "未达到为滞后（差距超过红色预警线为严重滞后）；到计划期末，达到即已完成，"
            "未达到即严重滞后。</li>"
            "<li>相对变化（如较上年增加5%）以上年基数为准；里程碑类指标（如推行“一件事”）"
            "按完成的阶段和佐证材料计。</li>"
            "<li>“≥”类指标达到或超过目标值即完成；“≤”类指标不超过目标值即达标。</li>"
            "<li>应完成（时序进度）按指标的进度安排计算：默认在全年内均匀推进，"
            "道路、管网等季节性工程按月度进度计划。</li>"
            "<li>状态比较完成进度与应完成进度：已完成；正常推进；滞后（落后超过黄色预警线）；"
            "严重滞后（落后超过红色预警线）或未填报。年底预计按近期速度推算。</li>"
            "<li>只有审核通过的填报计入公开数据；每次修改都记入审计日志。</li>"
            "</ul>\n");
    }
    ss_as_of_line(r, r->day);
    ss_page_end(r);
}
