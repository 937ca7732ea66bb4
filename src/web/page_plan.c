/*
 * page_plan.c - the plan page (/), a project page (/projects/{no}), the
 * method page and the not-found page.
 *
 * All figures are at the plan's top org unit as of r->day. A project's
 * status is the worst of its targets' (so one red target shows), its
 * progress the mean of its targets' progress capped at 100%. A project
 * page ends with its satisfaction section and the method page with how
 * ratings are collected (page_rating.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "core/score.h"
#include "web/feed_web.h"
#include "web/figure_html.h"
#include "web/message_web.h"
#include "web/rating_web.h"
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
    struct ss_fig_counts counts;
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
        ss_fig_count(&s->counts, &f);
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

static void status_counts(struct ss_wreq *r, const struct proj_sum *s)
{
    struct ss_buf *b = &r->resp->body, t;

    ss_buf_init(&t, 1024);
    ss_fig_counts_text(&t, r->lang, &s->counts, 0);
    raw(b, "<p class=\"counts\">");
    ss_html(b, t.data);
    raw(b, "</p>");
    ss_buf_cleanup(&t);
}

/* "截至 D，共 N 项指标：已完成 0 项，…。" for the whole plan at its top unit. */
static void plan_summary_text(struct ss_wreq *r, struct ss_buf *t)
{
    struct ss_fig_counts c;
    size_t i;

    memset(&c, 0, sizeof c);
    for (i = 0; i < r->plan->ntargets; i++) {
        struct ss_figure f;
        ss_engine_figure(r->e, i, ss_engine_top_org(r->e), r->day, &f);
        ss_fig_count(&c, &f);
    }
    ss_buf_puts(t, L(r, "截至 "));
    ss_day(t, r->day);
    ss_buf_printf(t, L(r, "，共 %d 项指标："), c.total);
    ss_fig_counts_text(t, r->lang, &c, 1);
    ss_buf_puts(t, L(r, "。"));
}

/* The places right below the plan's top unit (prefectures of a region). */
static void places(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    size_t n, i;
    const long *kids = ss_engine_org_children(r->e, ss_engine_top_org(r->e), &n);

    if (!n)
        return;
    raw(b, "<section aria-labelledby=\"h-places\"><h2 id=\"h-places\">");
    raw(b, L(r, "各地进展"));
    raw(b, "</h2><ul class=\"places\">");
    for (i = 0; i < n; i++) {
        const struct ss_org *g = ss_engine_org(r->e, kids[i]);
        raw(b, "<li><a href=\"/orgs/");
        ss_attr(b, g->code);
        raw(b, "\">");
        ss_content(r, "span", SS_TEXT_ORG, g->code, g->name);
        raw(b, "</a></li>");
    }
    raw(b, "</ul></section>\n");
}

void ss_page_plan(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_plan *p = r->plan;
    size_t i;

    struct ss_buf sum, desc;

    ss_buf_init(&sum, 2048);
    ss_buf_init(&desc, 4096);
    plan_summary_text(r, &sum);
    ss_buf_puts(&desc, p->title);
    ss_buf_printf(&desc, L(r, "：%zu 件实事、%zu 项指标的进展，按项目和地区查看。"), p->nprojects,
                  p->ntargets);
    ss_buf_puts(&desc, sum.data ? sum.data : "");
    ss_page_begin_desc(r, ss_content_text_id(r, SS_TEXT_PLAN, p->id, p->title),
                       desc.err || !desc.data ? NULL : desc.data);
    raw(b, "<h1>");
    ss_content_id(r, "span", SS_TEXT_PLAN, p->id, p->title);
    raw(b, "</h1>\n");
    ss_as_of_line(r, r->day);
    raw(b, "<p class=\"lead\" id=\"summary\">");
    ss_html(b, sum.data ? sum.data : "");
    if (p->ntargets) {
        struct ss_figure f;
        ss_engine_figure(r->e, 0, ss_engine_top_org(r->e), r->day, &f);
        raw(b, L(r, "全年时间已过 "));
        ss_pct(b, f.time);
        raw(b, L(r, "。"));
    }
    raw(b, "</p>\n");
    ss_buf_cleanup(&sum);
    ss_buf_cleanup(&desc);
    places(r);
    raw(b, "<ol class=\"projects\">\n");
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        struct proj_sum s;
        size_t k;

        project_sum(r, pr->no, &s);
        ss_buf_printf(b, "<li class=\"project\"><h2><a href=\"/projects/%d\">", pr->no);
        ss_buf_printf(b, "<span class=\"no\">%d.</span> ", pr->no);
        ss_content_id(r, "span", SS_TEXT_PROJECT, pr->id, pr->title);
        raw(b, "</a></h2>\n<div class=\"sum\">");
        ss_status_badge(r, s.status);
        raw(b, "<span class=\"fig\">");
        raw(b, L(r, "平均完成 "));
        ss_pct(b, s.progress);
        raw(b, L(r, "，应完成 "));
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
            ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
            raw(b, "</a> <span class=\"fig\">");
            ss_fig_line(r, t, &f);
            raw(b, "</span> ");
            ss_status_badge(r, (int)f.status);
            raw(b, "</li>");
        }
        raw(b, "</ul></li>\n");
    }
    raw(b, "</ol>\n");
    ss_page_end(r);
}

void ss_page_project(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_plan *p = r->plan;
    const struct ss_project *pr = NULL;
    char ref[24];
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
    {
        struct ss_buf desc;
        int n = 0;
        for (i = 0; i < p->ntargets; i++)
            n += p->targets[i].project_no == pr->no;
        ss_buf_init(&desc, 2048);
        ss_buf_printf(&desc, L(r, "第%d件实事："), pr->no);
        ss_buf_puts(&desc, ss_content_text_id(r, SS_TEXT_PROJECT, pr->id, pr->title));
        ss_buf_printf(&desc, L(r, "。%d 项指标的计划、完成和进度"), n);
        if (pr->lead_dept && strcmp(pr->lead_dept, "unknown") != 0) {
            ss_buf_puts(&desc, L(r, "；牵头单位："));
            ss_buf_puts(&desc, pr->lead_dept);
        }
        ss_buf_puts(&desc, L(r, "。"));
        snprintf(ref, sizeof ref, "%d", pr->no);
        ss_feed_page_link(r, "projects", ref);
        ss_page_begin_desc(r, ss_content_text_id(r, SS_TEXT_PROJECT, pr->id, pr->title),
                           desc.err || !desc.data ? NULL : desc.data);
        ss_buf_cleanup(&desc);
    }
    raw(b, "<nav class=\"crumbs\" aria-label=\"");
    raw(b, L(r, "位置"));
    raw(b, "\"><a href=\"/\">");
    raw(b, L(r, "全部实事"));
    raw(b, "</a></nav>\n<h1>");
    ss_buf_printf(b, "%d. ", pr->no);
    ss_content_id(r, "span", SS_TEXT_PROJECT, pr->id, pr->title);
    raw(b, "</h1>\n");
    if (pr->lead_dept && strcmp(pr->lead_dept, "unknown") != 0) {
        raw(b, "<p>");
        raw(b, L(r, "牵头单位："));
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
        ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
        raw(b, "</a></h2>");
        ss_zh_open(r, "p");
        ss_html(b, t->text);
        ss_zh_close(r, "p");
        ss_progress_bar(r, f.progress, f.expected);
        ss_fig_cards(r, t, &f, 0);
        raw(b, "</section>\n");
    }
    ss_rating_section(r, pr);
    ss_feed_follow_box(r, "project", ref);
    ss_message_section(r, "project", 0, pr->no, -1);
    ss_page_end(r);
}

void ss_page_not_found(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;

    ss_buf_reset(b);
    r->resp->status = 404;
    ss_page_begin_desc(
        r, L(r, "未找到"),
        L(r, "没有这个页面。民生实事进展：年度民生实事各项指标、各地区的完成进度。"));
    raw(b, "<h1>");
    raw(b, L(r, "没有这个页面"));
    raw(b, "</h1><p><a href=\"/\">");
    raw(b, L(r, "回到全部实事"));
    raw(b, "</a></p>");
    ss_page_end(r);
}

/* The score's formula (core/score.h) and what counts as reported on time
 * (core/completeness.h), as the supervision office applies them. */
static void method_score(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    static const char *const items[] = {
        N_("按时填报：每项分解到单位的任务每月报送一次，报送期为次月截止日（默认每月5日）前；当月"
           "日期的填报在截止日当天或之前首次提交（或审核通过）即为按时，之后为逾期，截止日过后仍"
           "未提交为未报。填报率 = 已报 ÷ 应报，按时率 = 按时 ÷ 应报，逐级汇总。"),
        N_("进度得分：本单位有任务的各项指标在考核月末的完成进度与应完成进度之比（最高100分）的平"
           "均值；已完成计100分，未填报计0分；比率类指标正常推进计100分，滞后计50分，严重滞后计0"
           "分。"),
        N_("督办按时办复：当月到期的督办单中按期办复的比例。"),
        N_("退回：100分减去当月填报中被审核退回过的比例。"),
        N_("某一项没有可计的内容（如当月没有到期的督办单）时不计入，其权重由其他各项按比例分担。"),
    };
    struct ss_score_weights w;
    size_t i;

    raw(b, "<h2 id=\"score\">");
    raw(b, L(r, "考核得分怎么算"));
    raw(b, "</h2>\n<p>");
    ss_score_weights_of(r->st, r->plan->id, &w); /* the plan's own, or the defaults */
    ss_buf_printf(b,
                  L(r, "得分 = (进度得分×%g + 按时率×%g + 督办按时办复率×%g + 未被退回率×%g) ÷ "
                       "计入各项的权重之和，每项0至100分。"),
                  w.w[0], w.w[1], w.w[2], w.w[3]);
    raw(b, "</p>\n<ul class=\"prose\">");
    for (i = 0; i < SS_ARRAY_LEN(items); i++) {
        raw(b, "<li>");
        raw(b, ss_tr(r->lang, items[i]));
        raw(b, "</li>");
    }
    raw(b, "</ul>\n");
}

void ss_page_method(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    static const char *const items[] = {
        N_("人数、公里、场次、金额等可累加的指标：完成数是各责任单位最新一次审核通过的累计填报值之"
           "和；上级地区的数字是其所辖地州市、县市区之和。"),
        N_("本级填报即本级完成数：地州市（或负责全区的厅局）填报了本级数字、所辖县市区也填报时，以"
           "本级数字为准，下级合计作为核对数并列显示，两者不一致时提示审核人；两者绝不相加。再往上"
           "汇总时，该地州市只按本级数字计一次。"),
        N_("各地的计划数是分解给本地的任务数，未直接分解的取下级任务数之和。既无分解任务又无填报的"
           "地区显示“本级无任务”，不参加任何统计和排名；没有分解任务却有填报的，显示为“未分解”。"),
        N_("比率（如落实率90%"
           "）不能相加：每次填报包含分子和分母，汇总时分别求和再相除，并显示填报覆盖面（有分解任务"
           "的单位中已填报的个数）。比率是水平值，不是累计数：显示最新水平与目标值的对比，不折算为"
           "完成百分比；达到或超过目标为正常推进，未达到为滞后（差距超过红色预警线为严重滞后）；到"
           "计划期末，达到即已完成，未达到即严重滞后。"),
        N_("相对变化（如较上年增加5%"
           "）以上年基数为准；里程碑类指标（如推行“一件事”）按完成的阶段和佐证材料计。"),
        N_("“不少于”（≥）类指标达到或超过目标值即完成；“不超过”（≤）类指标不超过目标值即达标。"),
        N_("应完成（时序进度）按指标的进度安排计算：默认在全年内均匀推进，道路、管网等季节性工程按"
           "月度进度计划。"),
        N_("状态比较完成进度与应完成进度：已完成；正常推进；滞后（落后超过黄色预警线）；严重滞后（"
           "落后超过红色预警线）或未填报。年底预计按近期速度推算。"),
        N_("只有审核通过的填报计入公开数据；每次修改都记入审计日志。"),
    };
    size_t i;

    ss_page_begin_desc(r, L(r, "进度怎么算"),
                       L(r, "民生实事的完成数、完成进度、应完成进度和状态怎么算：累加、比率、"
                            "相对变化和里程碑类指标，只计审核通过的填报。"));
    raw(b, "<h1>");
    raw(b, L(r, "进度怎么算"));
    raw(b, "</h1>\n");
    raw(b, "<ul class=\"prose\">");
    for (i = 0; i < SS_ARRAY_LEN(items); i++) {
        raw(b, "<li>");
        raw(b, ss_tr(r->lang, items[i]));
        raw(b, "</li>");
    }
    raw(b, "</ul>\n");
    method_score(r);
    ss_rating_method(r);
    ss_as_of_line(r, r->day);
    ss_page_end(r);
}
