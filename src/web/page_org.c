/*
 * page_org.c - one org unit (/orgs/{code}): every target as seen there and
 * its children ranked; and the search page (/search?q=).
 *
 * Search: each word is looked up as a place and in the targets; words that
 * name a place leave the target search (unless every word does), and the
 * targets found are then shown at the first such place.
 *
 * Ranking: a child's score is the mean, over the targets that have both a
 * progress and a due share there, of progress (capped at 100) minus due,
 * in points; children with no such target rank last.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/store_search.h"
#include "web/export.h"
#include "web/feed_web.h"
#include "web/figure_html.h"
#include "web/message_web.h"
#include "web/page.h"
#include "web/render.h"

static int valid_code(const char *s);

struct ranked {
    long org;
    double score;
    struct ss_fig_counts counts;
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

/* The children ranked: place, counts by status, the mean gap in points. */
static void ranking_table(struct ss_wreq *r, long org, struct ss_table *tb)
{
    size_t nkids, i, k;
    const long *kids = ss_engine_org_children(r->e, org, &nkids);
    struct ranked *rk;
    char head[256], href[64];

    ss_table_set_name(tb, L(r, "下级地区"), NULL);
    ss_table_col(tb, L(r, "名次"), SS_TK_INT, 0, 1);
    ss_table_col(tb, L(r, "地区"), SS_TK_TEXT, SS_TH_ROWHEAD, 4);
    /* the counts by status right after the place, so a phone shows them */
    snprintf(head, sizeof head, "%s%s%s", ss_status_text(r, SS_ST_SERIOUS), L(r, "、"),
             ss_status_text(r, SS_ST_NOT_REPORTED));
    ss_table_col(tb, head, SS_TK_INT, 0, 2);
    ss_table_col(tb, ss_status_text(r, SS_ST_LAGGING), SS_TK_INT, 0, 1);
    snprintf(head, sizeof head, "%s%s%s", ss_status_text(r, SS_ST_DONE), L(r, "、"),
             ss_status_text(r, SS_ST_ON_TRACK));
    ss_table_col(tb, head, SS_TK_INT, 0, 2);
    ss_table_col(tb, L(r, "进度差（百分点）"), SS_TK_NUM1, 0, 2);
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
            ss_fig_count(&rk[i].counts, &f);
            if (!isnan(f.progress) && !isnan(f.expected)) {
                sum += fmin(100, f.progress) - f.expected;
                n++;
            }
        }
        rk[i].score = n ? sum / n : NAN;
    }
    qsort(rk, nkids, sizeof *rk, by_score);
    for (i = 0; i < nkids; i++) {
        const struct ss_org *g = ss_engine_org(r->e, rk[i].org);
        ss_table_num(tb, (double)(i + 1));
        snprintf(href, sizeof href, "/orgs/%s", g->code);
        ss_tcell_href(ss_export_content(r, tb, SS_TEXT_ORG, g->code, g->name), href);
        ss_table_num(tb, rk[i].counts.n[SS_ST_SERIOUS] + rk[i].counts.n[SS_ST_NOT_REPORTED]);
        ss_table_num(tb, rk[i].counts.n[SS_ST_LAGGING]);
        ss_table_num(tb, rk[i].counts.n[SS_ST_DONE] + rk[i].counts.n[SS_ST_ON_TRACK]);
        ss_table_num(tb, isnan(rk[i].score) ? NAN : round(rk[i].score * 10) / 10);
    }
    free(rk);
}

/* Every target at the unit, linking to the target there. */
static void targets_table(struct ss_wreq *r, long org, const struct ss_figure *fs,
                          struct ss_table *tb)
{
    const struct ss_org *g = ss_engine_org(r->e, org);
    char href[64];
    size_t k;

    ss_table_set_name(tb, L(r, "各项指标在本地区的完成情况"), NULL);
    ss_fig_table_cols(r, tb, L(r, "指标"));
    for (k = 0; k < r->plan->ntargets; k++) {
        const struct ss_target *t = &r->plan->targets[k];
        struct ss_figure f;
        if (fs)
            f = fs[k];
        else
            ss_engine_figure(r->e, k, org, r->day, &f);
        snprintf(href, sizeof href, "/targets/%lld?org=%s", (long long)t->id, g->code);
        ss_tcell_href(ss_export_content_id(r, tb, SS_TEXT_TARGET, t->id, t->metric), href);
        ss_fig_table_cells(r, tb, t, &f);
    }
}

static void draw_table(struct ss_wreq *r, const char *id, long org, const struct ss_figure *fs,
                       const char *path)
{
    struct ss_table tb;
    char q[48];

    ss_table_init(&tb, "");
    if (fs)
        targets_table(r, org, fs, &tb);
    else
        ranking_table(r, org, &tb);
    snprintf(q, sizeof q, "org=%s", ss_engine_org(r->e, org)->code);
    ss_export_table(r, id, &tb, path, q);
    ss_table_cleanup(&tb);
}

static void rank_children(struct ss_wreq *r, long org)
{
    struct ss_buf *b = &r->resp->body;
    size_t nkids;

    ss_engine_org_children(r->e, org, &nkids);
    if (!nkids)
        return;
    raw(b, "<section aria-labelledby=\"h-kids\"><h2 id=\"h-kids\">");
    raw(b, L(r, "下级地区排名"));
    raw(b, "</h2><p>");
    raw(b, L(r, "按各指标完成进度与应完成进度之差的平均值排序（百分点）。"));
    raw(b, "</p>");
    draw_table(r, "kids", org, NULL, "/export/org-ranking");
    raw(b, "</section>\n");
}

/* ?org=CODE: the unit's index, or -1 after answering 404. */
static long org_arg(struct ss_wreq *r, char *tag, size_t cap)
{
    const char *code = ss_http_arg(r->http, "org");
    long org = code && valid_code(code) ? ss_engine_org_find(r->e, code) : -1;

    if (org < 0) {
        ss_page_not_found(r);
        return -1;
    }
    snprintf(tag, cap, "%s", code);
    return org;
}

int ss_export_org_targets(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap)
{
    long org = org_arg(r, tag, cap);

    if (org < 0)
        return -1;
    targets_table(r, org, NULL, t);
    return 0;
}

int ss_export_org_ranking(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap)
{
    long org = org_arg(r, tag, cap);

    if (org < 0)
        return -1;
    ranking_table(r, org, t);
    return 0;
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
    struct ss_fig_counts c;
    struct ss_figure *fs;
    size_t k;

    if (org < 0) {
        ss_page_not_found(r);
        return;
    }
    g = ss_engine_org(r->e, org);
    fs = ss_xcalloc(r->plan->ntargets ? r->plan->ntargets : 1, sizeof *fs);
    memset(&c, 0, sizeof c);
    for (k = 0; k < r->plan->ntargets; k++) {
        ss_engine_figure(r->e, k, org, r->day, &fs[k]);
        ss_fig_count(&c, &fs[k]);
    }
    {
        struct ss_buf desc;
        ss_buf_init(&desc, 2048);
        ss_buf_puts(&desc, ss_content_text(r, SS_TEXT_ORG, g->code, g->name));
        ss_buf_printf(&desc, L(r, "：%zu 项民生实事指标在本地区的完成情况和下级地区排名。截至 "),
                      r->plan->ntargets);
        ss_day(&desc, r->day);
        ss_buf_puts(&desc, L(r, "："));
        ss_fig_counts_text(&desc, r->lang, &c, 0);
        ss_buf_puts(&desc, L(r, "。"));
        ss_feed_page_link(r, "orgs", g->code);
        ss_page_begin_desc(r, ss_content_text(r, SS_TEXT_ORG, g->code, g->name),
                           desc.err || !desc.data ? NULL : desc.data);
        ss_buf_cleanup(&desc);
    }
    ss_org_crumbs(r, org, 0);
    raw(b, "<h1>");
    ss_content(r, "span", SS_TEXT_ORG, g->code, g->name);
    raw(b, "</h1>\n");
    ss_as_of_line(r, r->day);
    raw(b, "<section aria-labelledby=\"h-tg\"><h2 id=\"h-tg\">");
    raw(b, L(r, "本地区各项指标"));
    raw(b, "</h2>");
    draw_table(r, "tg", org, fs, "/export/org-targets");
    raw(b, "</section>\n");
    free(fs);
    rank_children(r, org);
    ss_feed_follow_box(r, "org", g->code);
    ss_message_section(r, "org", 0, 0, org);
    ss_page_end(r);
}

#define MAX_HITS 100
#define MAX_PLACES 20

struct found {
    long places[MAX_PLACES]; /* engine org indexes */
    size_t nplaces;
    int64_t ids[MAX_HITS]; /* target ids */
    size_t nids;
    long at; /* the place the targets are shown at, or -1 */
};

/* Places for every word, then targets for the words that are not places. */
static int search(struct ss_wreq *r, const char *q, struct found *fd, struct ss_err *err)
{
    struct ss_search s, tw;
    long top = ss_engine_top_org(r->e);
    size_t i, j, k;
    int rc;

    memset(fd, 0, sizeof *fd);
    fd->at = -1;
    if ((rc = ss_search_parse(q, &s, err)))
        return rc;
    if (!r->st)
        return ss_err_set(err, SS_EDB, "q", "search is not available right now");
    memset(&tw, 0, sizeof tw);
    for (i = 0; i < s.n; i++) {
        int64_t oids[MAX_PLACES];
        size_t no = 0, before = fd->nplaces;
        if ((rc = ss_store_search_orgs(r->st, s.word[i], s.len[i], oids, MAX_PLACES, &no, err)))
            return rc;
        for (j = 0; j < no; j++) {
            long o = ss_engine_org_by_id(r->e, oids[j]);
            int dup = 0;
            if (o < 0 || (top >= 0 && !ss_engine_org_within(r->e, o, top)))
                continue;
            for (k = 0; k < fd->nplaces; k++)
                dup |= fd->places[k] == o;
            if (!dup && fd->nplaces < MAX_PLACES)
                fd->places[fd->nplaces++] = o;
        }
        if (fd->nplaces > before) {
            if (fd->at < 0)
                fd->at = fd->places[before];
        } else {
            tw.word[tw.n] = s.word[i];
            tw.len[tw.n] = s.len[i];
            tw.n++;
        }
    }
    if (tw.n == 0) { /* every word names a place: still look for targets */
        tw = s;
        fd->at = -1;
    }
    return ss_store_search_targets(r->st, r->plan->id, &tw, fd->ids, MAX_HITS, &fd->nids, err);
}

static void place_hits(struct ss_wreq *r, const struct found *fd)
{
    struct ss_buf *b = &r->resp->body;
    size_t i;

    raw(b, "<section aria-labelledby=\"h-places\"><h2 id=\"h-places\">");
    raw(b, LC(r, "section", "地区"));
    raw(b, "</h2><ul class=\"hits\">");
    for (i = 0; i < fd->nplaces; i++) {
        const struct ss_org *g = ss_engine_org(r->e, fd->places[i]);
        long parent = ss_engine_org_parent(r->e, fd->places[i]);
        raw(b, "<li><a href=\"/orgs/");
        ss_attr(b, g->code);
        raw(b, "\">");
        ss_content(r, "span", SS_TEXT_ORG, g->code, g->name);
        raw(b, "</a> <span class=\"fig\">");
        ss_html(b, g->code);
        if (parent >= 0) {
            raw(b, " · ");
            ss_content(r, "span", SS_TEXT_ORG, ss_engine_org(r->e, parent)->code,
                       ss_engine_org(r->e, parent)->name);
        }
        raw(b, "</span></li>");
    }
    raw(b, "</ul></section>\n");
}

static void target_hits(struct ss_wreq *r, const struct found *fd)
{
    struct ss_buf *b = &r->resp->body;
    long at = fd->at >= 0 ? fd->at : ss_engine_top_org(r->e);
    size_t i;

    raw(b, "<section aria-labelledby=\"h-hits\"><h2 id=\"h-hits\">");
    raw(b, LC(r, "section", "指标"));
    if (fd->at >= 0) {
        raw(b, L(r, "（"));
        ss_content(r, "span", SS_TEXT_ORG, ss_engine_org(r->e, at)->code,
                   ss_engine_org(r->e, at)->name);
        raw(b, L(r, "）"));
    }
    raw(b, "</h2><ul class=\"hits\">");
    for (i = 0; i < fd->nids; i++) {
        long ti = ss_plan_target_index(r->plan, fd->ids[i]);
        const struct ss_target *t;
        struct ss_figure f;
        if (ti < 0)
            continue;
        t = &r->plan->targets[ti];
        ss_engine_figure(r->e, (size_t)ti, at, r->day, &f);
        ss_buf_printf(b, "<li><a href=\"/targets/%lld", (long long)t->id);
        if (fd->at >= 0) {
            raw(b, "?org=");
            ss_attr(b, ss_engine_org(r->e, at)->code);
        }
        raw(b, "\">");
        ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
        raw(b, "</a> ");
        ss_status_badge(r, (int)f.status);
        raw(b, " <span class=\"fig\">");
        ss_fig_line(r, t, &f);
        raw(b, "</span>");
        ss_zh_open(r, "p");
        ss_html(b, t->text);
        ss_zh_close(r, "p");
        raw(b, "</li>");
    }
    raw(b, "</ul></section>\n");
}

void ss_page_search(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    const char *q = ss_http_arg(r->http, "q");
    const char *name = L(r, "搜索指标和地区");
    struct found fd;
    struct ss_err err;
    char text[SS_ERR_TEXT];
    struct ss_buf desc;
    int rc = 0, asked = q && *q;

    ss_err_clear(&err);
    memset(&fd, 0, sizeof fd);
    if (asked)
        rc = search(r, q, &fd, &err);
    if (rc)
        r->resp->status = rc == SS_EINVAL ? 400 : 500;
    ss_buf_init(&desc, 2048);
    if (asked && !rc) {
        ss_buf_puts(&desc, L(r, "搜索“"));
        ss_buf_puts(&desc, q);
        ss_buf_printf(&desc, L(r, "”：找到 %zu 个地区、%zu 项民生实事指标。"), fd.nplaces, fd.nids);
    } else {
        ss_buf_puts(
            &desc,
            L(r, "按关键词（如“就业”“养老”）或地区名称、区划代码搜索民生实事的指标和地区。"));
    }
    ss_page_begin_desc(r, name, desc.err || !desc.data ? NULL : desc.data);
    ss_buf_cleanup(&desc);
    raw(b, "<h1>");
    raw(b, name);
    raw(b, "</h1>\n");
    if (!asked) {
        raw(b, "<p>");
        raw(b,
            L(r, "在页首搜索框输入关键词，如“就业”“养老”“管网”，或地区名称、区划代码，如“乌鲁木齐”“"
                 "6501”。"));
        raw(b, "</p>");
    } else if (rc) {
        raw(b, "<p role=\"alert\">");
        raw(b, L(r, "无法搜索："));
        ss_html(b, ss_err_text(&err, r->lang, text, sizeof text));
        raw(b, "</p>");
    } else {
        raw(b, "<p role=\"status\">");
        ss_buf_printf(b, L(r, "找到 %zu 个地区、%zu 项指标"), fd.nplaces, fd.nids);
        raw(b, "</p>");
        if (fd.nplaces)
            place_hits(r, &fd);
        if (fd.nids)
            target_hits(r, &fd);
    }
    ss_as_of_line(r, r->day);
    ss_page_end(r);
}
