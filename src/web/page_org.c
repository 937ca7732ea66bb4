/*
 * page_org.c - one org unit (/orgs/{code}): every target as seen there and
 * its children ranked; and the search page (/search?q=).
 *
 * Ranking: a child's score is the mean, over the targets that have both a
 * progress and a due share there, of progress (capped at 100) minus due,
 * in points; children with no such target rank last.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/store_search.h"
#include "web/page.h"
#include "web/render.h"

struct ranked {
    long org;
    double score;
    int counts[SS_ST_COUNT];
};

static int by_score(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (isnan(x->score) != isnan(y->score))
        return isnan(x->score) ? 1 : -1;
    if (!isnan(x->score) && x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->org < y->org ? -1 : x->org > y->org;
}

static void rank_children(struct ss_wreq *r, long org)
{
    struct ss_buf *b = &r->resp->body;
    size_t nkids, i, k;
    const long *kids = ss_engine_org_children(r->e, org, &nkids);
    struct ranked *rk;

    if (!nkids)
        return;
    rk = ss_xcalloc(nkids, sizeof *rk);
    for (i = 0; i < nkids; i++) {
        double sum = 0;
        int n = 0;
        rk[i].org = kids[i];
        for (k = 0; k < r->plan->ntargets; k++) {
            struct ss_figure f;
            ss_engine_figure(r->e, k, kids[i], r->day, &f);
            rk[i].counts[f.status]++;
            if (!isnan(f.progress) && !isnan(f.expected)) {
                sum += fmin(100, f.progress) - f.expected;
                n++;
            }
        }
        rk[i].score = n ? sum / n : NAN;
    }
    qsort(rk, nkids, sizeof *rk, by_score);
    raw(b, "<section aria-labelledby=\"h-kids\"><h2 id=\"h-kids\">");
    raw(b, T(r, "下级地区排名", "Places below, ranked"));
    raw(b, "</h2><p>");
    raw(b, T(r, "按各指标完成进度与应完成进度之差的平均值排序（百分点）。",
             "Ranked by the mean gap between progress and what is due, in points."));
    raw(b, "</p><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\""
           "cap-kids\"><table><caption id=\"cap-kids\">");
    raw(b, T(r, "下级地区", "Places below"));
    raw(b, "</caption><thead><tr><th scope=\"col\">");
    raw(b, T(r, "名次", "Rank"));
    raw(b, "</th><th scope=\"col\">");
    raw(b, T(r, "地区", "Place"));
    raw(b, "</th><th scope=\"col\">");
    raw(b, T(r, "进度差（百分点）", "Gap (points)"));
    raw(b, "</th><th scope=\"col\">");
    ss_html(b, ss_status_text(r, SS_ST_DONE));
    raw(b, "/");
    ss_html(b, ss_status_text(r, SS_ST_ON_TRACK));
    raw(b, "</th><th scope=\"col\">");
    ss_html(b, ss_status_text(r, SS_ST_LAGGING));
    raw(b, "</th><th scope=\"col\">");
    ss_html(b, ss_status_text(r, SS_ST_SERIOUS));
    raw(b, "/");
    ss_html(b, ss_status_text(r, SS_ST_NOT_REPORTED));
    raw(b, "</th></tr></thead><tbody>");
    for (i = 0; i < nkids; i++) {
        const struct ss_org *g = ss_engine_org(r->e, rk[i].org);
        ss_buf_printf(b, "<tr><td>%zu</td><th scope=\"row\"><a href=\"/orgs/", i + 1);
        ss_attr(b, g->code);
        raw(b, "\">");
        ss_zh_open(r, "span");
        ss_html(b, g->name);
        ss_zh_close(r, "span");
        raw(b, "</a></th><td>");
        if (isnan(rk[i].score))
            raw(b, "—");
        else
            ss_buf_num(b, round(rk[i].score * 10) / 10, 1);
        ss_buf_printf(b, "</td><td>%d</td><td>%d</td><td>%d</td></tr>",
                      rk[i].counts[SS_ST_DONE] + rk[i].counts[SS_ST_ON_TRACK],
                      rk[i].counts[SS_ST_LAGGING],
                      rk[i].counts[SS_ST_SERIOUS] + rk[i].counts[SS_ST_NOT_REPORTED]);
    }
    raw(b, "</tbody></table></div></section>\n");
    free(rk);
}

static int valid_code(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > SS_MAX_ORG_CODE)
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

void ss_page_org(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    long org = valid_code(r->param) ? ss_engine_org_find(r->e, r->param) : -1;
    const struct ss_org *g;
    long parent;
    size_t k;

    if (org < 0) {
        ss_page_not_found(r);
        return;
    }
    g = ss_engine_org(r->e, org);
    parent = ss_engine_org_parent(r->e, org);
    ss_page_begin(r, g->name);
    raw(b, "<nav class=\"crumbs\" aria-label=\"");
    raw(b, T(r, "位置", "Breadcrumb"));
    raw(b, "\"><ol><li><a href=\"/\">");
    raw(b, T(r, "全部实事", "All projects"));
    raw(b, "</a></li>");
    if (parent >= 0) {
        const struct ss_org *pg = ss_engine_org(r->e, parent);
        raw(b, "<li><a href=\"/orgs/");
        ss_attr(b, pg->code);
        raw(b, "\">");
        ss_zh_open(r, "span");
        ss_html(b, pg->name);
        ss_zh_close(r, "span");
        raw(b, "</a></li>");
    }
    raw(b, "</ol></nav>\n<h1>");
    ss_zh_open(r, "span");
    ss_html(b, g->name);
    ss_zh_close(r, "span");
    raw(b, "</h1>\n");
    ss_as_of_line(r, r->day);
    raw(b, "<section aria-labelledby=\"h-tg\"><h2 id=\"h-tg\">");
    raw(b, T(r, "本地区各项指标", "Every target here"));
    raw(b, "</h2>");
    {
        const char *heads[] = {T(r, "指标", "Target"),       T(r, "分解任务", "Assigned"),
                               T(r, "完成", "Reached"),      T(r, "完成进度", "Progress"),
                               T(r, "应完成", "Due"),        T(r, "状态", "Status")};
        ss_table_open(r, "tg", T(r, "各项指标在本地区的完成情况", "Targets in this place"),
                      heads, SS_ARRAY_LEN(heads));
    }
    for (k = 0; k < r->plan->ntargets; k++) {
        const struct ss_target *t = &r->plan->targets[k];
        struct ss_figure f;
        ss_engine_figure(r->e, k, org, r->day, &f);
        ss_buf_printf(b, "<tr><th scope=\"row\"><a href=\"/targets/%lld?org=", (long long)t->id);
        ss_attr(b, g->code);
        raw(b, "\">");
        ss_zh_open(r, "span");
        ss_html(b, t->metric);
        ss_zh_close(r, "span");
        raw(b, "</a></th><td>");
        ss_num(b, f.value);
        raw(b, " ");
        ss_zh_open(r, "span");
        ss_html(b, t->unit);
        ss_zh_close(r, "span");
        raw(b, "</td><td>");
        ss_num(b, f.actual);
        raw(b, "</td><td>");
        ss_pct(b, f.progress);
        raw(b, "</td><td>");
        ss_pct(b, f.expected);
        raw(b, "</td><td>");
        ss_status_badge(r, (int)f.status);
        raw(b, "</td></tr>");
    }
    raw(b, "</tbody></table></div></section>\n");
    rank_children(r, org);
    ss_page_end(r);
}

#define MAX_HITS 100

void ss_page_search(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    const char *q = ss_http_arg(r->http, "q");
    int64_t ids[MAX_HITS];
    size_t n = 0, i;
    struct ss_err err;
    int rc = 0;

    ss_err_clear(&err);
    if (q && *q) {
        if (!r->st)
            rc = ss_err_set(&err, SS_EDB, "q", "search is not available right now");
        else
            rc = ss_store_search_targets(r->st, r->plan->id, q, ids, MAX_HITS, &n, &err);
    }
    if (rc)
        r->resp->status = rc == SS_EINVAL ? 400 : 500;
    ss_page_begin(r, T(r, "搜索指标", "Search targets"));
    raw(b, "<h1>");
    raw(b, T(r, "搜索指标", "Search targets"));
    raw(b, "</h1>\n");
    if (!q || !*q) {
        raw(b, "<p>");
        raw(b, T(r, "在页首搜索框输入关键词，如“就业”“养老”“管网”。",
                 "Type words in the search box above, e.g. 就业 (jobs), 养老 (elderly care)."));
        raw(b, "</p>");
    } else if (rc) {
        raw(b, "<p role=\"alert\">");
        raw(b, T(r, "无法搜索：", "Cannot search: "));
        ss_html(b, err.msg);
        raw(b, "</p>");
    } else {
        raw(b, "<p role=\"status\">");
        ss_buf_printf(b, T(r, "找到 %zu 项指标", "%zu targets found"), n);
        raw(b, "</p><ul class=\"hits\">");
        for (i = 0; i < n; i++) {
            long ti = ss_plan_target_index(r->plan, ids[i]);
            const struct ss_target *t;
            struct ss_figure f;
            if (ti < 0)
                continue;
            t = &r->plan->targets[ti];
            ss_engine_figure(r->e, (size_t)ti, ss_engine_top_org(r->e), r->day, &f);
            ss_buf_printf(b, "<li><a href=\"/targets/%lld\">", (long long)t->id);
            ss_zh_open(r, "span");
            ss_html(b, t->metric);
            ss_zh_close(r, "span");
            raw(b, "</a> ");
            ss_status_badge(r, (int)f.status);
            raw(b, " <span class=\"fig\">");
            ss_pct(b, f.progress);
            raw(b, "</span>");
            ss_zh_open(r, "p");
            ss_html(b, t->text);
            ss_zh_close(r, "p");
            raw(b, "</li>");
        }
        raw(b, "</ul>");
    }
    ss_as_of_line(r, r->day);
    ss_page_end(r);
}
