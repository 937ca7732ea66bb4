/*
 * bulletin.c - the bulletin's sections, written into the document model
 * (bulletin.h); bulletin_pdf.c and bulletin_xlsx.c render it.
 *
 * Every figure is ss_engine_figure's for (target, place, the period's last
 * day), the same the API and the pages print, formatted by render.c's
 * ss_num / ss_pct. "Not reported" on the cover is the engine's status:
 * nothing approved in the place's subtree by the day. Reporting
 * completeness proper (on time, late, missing for the period) is issue
 * 12's module: its rows join ss_bulletin_sec_completeness at merge.
 */
#include "web/bulletin.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/util.h"
#include "core/translate.h"
#include "core/workflow.h"
#include "web/render.h"
#include "web/svg.h"

#define TEXT_MAX (1u << 20)

/* ---- the model ---- */

static struct ss_bblock *add(struct ss_bdoc *d, enum ss_bblock_kind kind, const char *text)
{
    struct ss_bblock *b;

    b = SS_PUSH(d->blocks, d->n, d->cap);
    b->kind = kind;
    b->text = text ? ss_xstrdup(text) : NULL;
    return b;
}

static void addf(struct ss_bdoc *d, enum ss_bblock_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void addf(struct ss_bdoc *d, enum ss_bblock_kind kind, const char *fmt, ...)
{
    struct ss_buf b;
    va_list ap;

    ss_buf_init(&b, TEXT_MAX);
    va_start(ap, fmt);
    ss_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    add(d, kind, b.data ? b.data : "");
    ss_buf_cleanup(&b);
}

/* A table of ncols columns: heads and kinds in column order, widths
 * relative. Rows are added with row_* below. */
static struct ss_btable *table(struct ss_bdoc *d, const char *sheet, size_t ncols,
                               const char *const *heads, const enum ss_bcol *kinds,
                               const double *widths)
{
    struct ss_btable *t = ss_xcalloc(1, sizeof *t);
    size_t i;

    t->sheet = ss_xstrdup(sheet);
    t->ncols = ncols;
    t->heads = ss_xcalloc(ncols, sizeof *t->heads);
    t->kinds = ss_xcalloc(ncols, sizeof *t->kinds);
    t->widths = ss_xcalloc(ncols, sizeof *t->widths);
    for (i = 0; i < ncols; i++) {
        t->heads[i] = ss_xstrdup(heads[i]);
        t->kinds[i] = kinds[i];
        t->widths[i] = widths[i];
    }
    add(d, SS_BB_TABLE, NULL)->t = t;
    return t;
}

/* The next cell of the table, row by row (a new row when the last is full). */
static struct ss_bcell *cell(struct ss_btable *t)
{
    if (t->filled == t->nrows * t->ncols) {
        t->cells = ss_xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof *t->cells);
        memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof *t->cells);
        t->nrows++;
    }
    return &t->cells[t->filled++];
}

static void cell_text(struct ss_btable *t, const char *s)
{
    struct ss_bcell *c = cell(t);
    c->text = ss_xstrdup(s && *s ? s : "—");
    c->num = NAN;
}

static void cell_num(struct ss_btable *t, double v)
{
    struct ss_bcell *c = cell(t);
    struct ss_buf b;

    ss_buf_init(&b, 64);
    ss_num(&b, v);
    c->text = ss_xstrdup(b.data ? b.data : "—");
    c->num = v;
    ss_buf_cleanup(&b);
}

static void cell_pct(struct ss_btable *t, double v)
{
    struct ss_bcell *c = cell(t);
    struct ss_buf b;

    ss_buf_init(&b, 64);
    ss_pct(&b, v);
    c->text = ss_xstrdup(b.data ? b.data : "—");
    c->num = isnan(v) ? NAN : round(v * 10) / 10;
    ss_buf_cleanup(&b);
}

static void cell_int(struct ss_btable *t, long v)
{
    cell_num(t, (double)v);
}

void ss_bdoc_cleanup(struct ss_bdoc *d)
{
    size_t i, k;

    for (i = 0; i < d->n; i++) {
        struct ss_btable *t = d->blocks[i].t;
        free(d->blocks[i].text);
        if (!t)
            continue;
        for (k = 0; k < t->ncols; k++)
            free(t->heads[k]);
        for (k = 0; k < t->nrows * t->ncols; k++)
            free(t->cells[k].text);
        free(t->heads);
        free(t->kinds);
        free(t->widths);
        free(t->cells);
        free(t->sheet);
        free(t);
    }
    free(d->blocks);
    free(d->title);
    free(d->running);
    free(d->head);
    memset(d, 0, sizeof *d);
}

/* ---- context ---- */

int ss_bulletin_ctx_init(struct ss_bulletin_ctx *c, const struct ss_engine *e, const char *period,
                         const char *org, enum ss_lang lang, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    int32_t start, end;

    memset(c, 0, sizeof *c);
    if (!period || ss_period_parse(period, &start, &end))
        return ss_err_set(err, SS_EINVAL, "--period", "'%s' is not a month YYYY-MM",
                          period ? period : "");
    if (end < p->start || start > p->end)
        return ss_err_set(err, SS_EINVAL, "--period", "%s is outside the plan's period", period);
    c->org = org ? ss_engine_org_find(e, org) : ss_engine_top_org(e);
    if (c->org < 0)
        return ss_err_set(err, SS_ENOTFOUND, "--org", "no org unit with code '%s'",
                          org ? org : "(plan has none)");
    c->e = e;
    c->plan = p;
    c->start = start < p->start ? p->start : start;
    c->as_of = end > p->end ? p->end : end;
    c->prev = start - 1 >= p->start ? start - 1 : SS_NO_DATE;
    ss_period_fmt(start, c->period);
    c->lang = lang;
    return SS_OK;
}

static const char *project_title(const struct ss_bulletin_ctx *c, const struct ss_project *pr)
{
    const char *s = ss_texts_get_id(ss_engine_texts(c->e), SS_TEXT_PROJECT, pr->id, c->lang);
    return s ? s : pr->title;
}

static const char *target_title(const struct ss_bulletin_ctx *c, const struct ss_target *t)
{
    const char *s = ss_texts_get_id(ss_engine_texts(c->e), SS_TEXT_TARGET, t->id, c->lang);
    return s ? s : t->metric;
}

static const char *org_name(const struct ss_bulletin_ctx *c, long oi)
{
    const struct ss_org *o = ss_engine_org(c->e, oi);
    const char *s = ss_texts_get(ss_engine_texts(c->e), SS_TEXT_ORG, o->code, c->lang);
    return s ? s : o->name;
}

static const char *plan_title(const struct ss_bulletin_ctx *c)
{
    char id[24];
    const char *s;

    snprintf(id, sizeof id, "%lld", (long long)c->plan->id);
    s = ss_texts_get(ss_engine_texts(c->e), SS_TEXT_PLAN, id, c->lang);
    return s ? s : c->plan->title;
}

/* ---- sections ---- */

static void count_statuses(const struct ss_bulletin_ctx *c, int32_t day, int counts[SS_ST_COUNT])
{
    size_t k;

    memset(counts, 0, SS_ST_COUNT * sizeof *counts);
    for (k = 0; k < c->plan->ntargets; k++) {
        struct ss_figure f;
        ss_engine_figure(c->e, k, c->org, day, &f);
        counts[f.status]++;
    }
}

void ss_bulletin_sec_cover(struct ss_bdoc *d, const struct ss_bulletin_ctx *c)
{
    static const int SHOWN[] = {SS_ST_DONE, SS_ST_ON_TRACK, SS_ST_LAGGING, SS_ST_SERIOUS,
                                SS_ST_NOT_REPORTED};
    const char *heads[] = {ss_tr(c->lang, "状态"), ss_tr(c->lang, "本月"), ss_tr(c->lang, "上月"),
                           ss_tr(c->lang, "变化")};
    const enum ss_bcol kinds[] = {SS_BC_TEXT, SS_BC_NUM, SS_BC_NUM, SS_BC_NUM};
    const double widths[] = {3, 1, 1, 1};
    int now[SS_ST_COUNT], before[SS_ST_COUNT];
    struct ss_btable *t;
    char day[11];
    size_t i;

    ss_date_fmt(c->as_of, day);
    add(d, SS_BB_TITLE, d->title);
    addf(d, SS_BB_PARA, "%s", org_name(c, c->org));
    addf(d, SS_BB_PARA, ss_tr(c->lang, "截至 %s"), day);
    addf(d, SS_BB_HEADING, "%s", ss_tr(c->lang, "本月概况"));
    count_statuses(c, c->as_of, now);
    if (c->prev != SS_NO_DATE)
        count_statuses(c, c->prev, before);
    t = table(d, ss_tr(c->lang, "概况"), 4, heads, kinds, widths);
    for (i = 0; i < SS_ARRAY_LEN(SHOWN); i++) {
        int s = SHOWN[i];
        cell_text(t, ss_status_text_lang(c->lang, s));
        cell_int(t, now[s]);
        if (c->prev == SS_NO_DATE) {
            cell_text(t, NULL);
            cell_text(t, NULL);
        } else {
            cell_int(t, before[s]);
            cell_int(t, now[s] - before[s]);
        }
    }
    addf(d, SS_BB_PARA, ss_tr(c->lang, "共 %zu 个指标，%zu 项实事。"), c->plan->ntargets,
         c->plan->nprojects);
    if (d->head && *d->head) {
        addf(d, SS_BB_HEADING, "%s", ss_tr(c->lang, "审计日志"));
        addf(d, SS_BB_PARA, ss_tr(c->lang, "发布时审计链头：%s"), d->head);
        addf(d, SS_BB_NOTE,
             ss_tr(c->lang, "持有本通报者可核验日志此后未被改写：shishi audit verify --anchor %s"),
             d->head);
    }
    addf(d, SS_BB_NOTE,
         ss_tr(c->lang,
               "方法：完成进度 = 完成值 ÷ 目标值；时序进度按指标的进度安排计算。落后时序进度 "
               "%g 个百分点以上为滞后，%g 个百分点以上为严重滞后；只计已审核通过的填报。"),
         c->plan->yellow_pp, c->plan->red_pp);
}

static void project_chart(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                          const struct ss_project *pr, const size_t *idx, size_t n,
                          const struct ss_figure *figs)
{
    const char **labels = ss_xcalloc(n ? n : 1, sizeof *labels);
    double *progress = ss_xcalloc(n ? n : 1, sizeof *progress);
    double *expected = ss_xcalloc(n ? n : 1, sizeof *expected);
    int *colour = ss_xcalloc(n ? n : 1, sizeof *colour);
    struct ss_buf b;
    struct ss_bblock *blk;
    char id[32];
    size_t i;

    for (i = 0; i < n; i++) {
        labels[i] = target_title(c, &c->plan->targets[idx[i]]);
        progress[i] = figs[i].progress;
        expected[i] = figs[i].expected;
        colour[i] = ss_status_colour(figs[i].status);
    }
    snprintf(id, sizeof id, "p%d", pr->no);
    ss_buf_init(&b, TEXT_MAX);
    ss_svg_bars(&b, id, ss_tr(c->lang, "各指标完成进度"), project_title(c, pr), n, labels, progress,
                expected, colour, ss_lang_rtl(c->lang));
    blk = add(d, SS_BB_CHART, b.data ? b.data : "");
    blk->height_em = 2.7 * (double)n + 0.4; /* svg.c's bars: ROW em a row */
    ss_buf_cleanup(&b);
    free(labels);
    free(progress);
    free(expected);
    free(colour);
}

void ss_bulletin_sec_projects(struct ss_bdoc *d, const struct ss_bulletin_ctx *c)
{
    const char *heads[] = {
        ss_tr(c->lang, "编号"),     ss_tr(c->lang, "指标"),   ss_tr(c->lang, "单位"),
        ss_tr(c->lang, "目标值"),   ss_tr(c->lang, "完成值"), ss_tr(c->lang, "完成进度"),
        ss_tr(c->lang, "时序进度"), ss_tr(c->lang, "状态"),   ss_tr(c->lang, "年底预计")};
    const enum ss_bcol kinds[] = {SS_BC_NUM, SS_BC_TEXT, SS_BC_TEXT, SS_BC_NUM, SS_BC_NUM,
                                  SS_BC_PCT, SS_BC_PCT,  SS_BC_TEXT, SS_BC_NUM};
    const double widths[] = {0.7, 3.2, 1, 1.4, 1.4, 1.1, 1.1, 1.3, 1.4};
    const struct ss_plan *p = c->plan;
    size_t *idx = ss_xcalloc(p->ntargets ? p->ntargets : 1, sizeof *idx);
    struct ss_figure *figs = ss_xcalloc(p->ntargets ? p->ntargets : 1, sizeof *figs);
    size_t i, k, n;

    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        struct ss_btable *t;
        char sheet[32];

        add(d, SS_BB_PAGE, NULL);
        addf(d, SS_BB_HEADING, "%d. %s", pr->no, project_title(c, pr));
        if (pr->lead_dept && strcmp(pr->lead_dept, "unknown") != 0)
            addf(d, SS_BB_PARA, ss_tr(c->lang, "牵头单位：%s"), pr->lead_dept);
        snprintf(sheet, sizeof sheet, "%s %d", ss_tr(c->lang, "实事"), pr->no);
        t = table(d, sheet, SS_ARRAY_LEN(heads), heads, kinds, widths);
        for (k = n = 0; k < p->ntargets; k++) {
            const struct ss_target *tg = &p->targets[k];
            struct ss_figure *f = &figs[n];
            if (tg->project_no != pr->no)
                continue;
            ss_engine_figure(c->e, k, c->org, c->as_of, f);
            idx[n++] = k;
            cell_int(t, (long)tg->id);
            cell_text(t, target_title(c, tg));
            cell_text(t, tg->unit);
            cell_num(t, f->value);
            cell_num(t, f->reporters ? f->actual : NAN);
            cell_pct(t, f->progress);
            cell_pct(t, f->expected);
            cell_text(t, ss_status_text_lang(c->lang, f->status));
            cell_num(t, f->projection);
        }
        project_chart(d, c, pr, idx, n, figs);
    }
    free(idx);
    free(figs);
}

struct lag {
    size_t ti;
    long org;
    struct ss_figure f;
};

static int lag_cmp(const void *a, const void *b)
{
    const struct lag *x = a, *y = b;
    double gx = x->f.expected - x->f.progress, gy = y->f.expected - y->f.progress;

    if (x->f.status != y->f.status)
        return x->f.status == SS_ST_SERIOUS ? -1 : 1;
    if (gx != gy)
        return gx > gy ? -1 : 1;
    if (x->ti != y->ti)
        return x->ti < y->ti ? -1 : 1;
    return x->org < y->org ? -1 : x->org > y->org;
}

void ss_bulletin_sec_lagging(struct ss_bdoc *d, const struct ss_bulletin_ctx *c)
{
    const char *heads[] = {ss_tr(c->lang, "编号"),     ss_tr(c->lang, "指标"),
                           ss_tr(c->lang, "地区"),     ss_tr(c->lang, "责任单位"),
                           ss_tr(c->lang, "完成进度"), ss_tr(c->lang, "时序进度"),
                           ss_tr(c->lang, "状态")};
    const enum ss_bcol kinds[] = {SS_BC_NUM, SS_BC_TEXT, SS_BC_TEXT, SS_BC_TEXT,
                                  SS_BC_PCT, SS_BC_PCT,  SS_BC_TEXT};
    const double widths[] = {0.7, 3, 1.8, 2, 1.1, 1.1, 1.3};
    size_t norgs = ss_engine_org_count(c->e), n = 0, cap = 0, k, i;
    struct lag *rows = NULL;
    struct ss_btable *t;
    long o;

    for (k = 0; k < c->plan->ntargets; k++)
        for (o = 0; o < (long)norgs; o++) {
            struct ss_figure f;
            if (!ss_engine_org_within(c->e, o, c->org))
                continue;
            ss_engine_figure(c->e, k, o, c->as_of, &f);
            if (f.status != SS_ST_LAGGING && f.status != SS_ST_SERIOUS)
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                rows = ss_xrealloc(rows, cap * sizeof *rows);
            }
            rows[n].ti = k;
            rows[n].org = o;
            rows[n++].f = f;
        }
    if (n)
        qsort(rows, n, sizeof *rows, lag_cmp);
    add(d, SS_BB_PAGE, NULL);
    addf(d, SS_BB_HEADING, "%s", ss_tr(c->lang, "滞后清单"));
    t = table(d, ss_tr(c->lang, "滞后清单"), SS_ARRAY_LEN(heads), heads, kinds, widths);
    for (i = 0; i < n; i++) {
        const struct ss_target *tg = &c->plan->targets[rows[i].ti];
        cell_int(t, (long)tg->id);
        cell_text(t, target_title(c, tg));
        cell_text(t, org_name(c, rows[i].org));
        cell_text(t, tg->dept);
        cell_pct(t, rows[i].f.progress);
        cell_pct(t, rows[i].f.expected);
        cell_text(t, ss_status_text_lang(c->lang, rows[i].f.status));
    }
    if (!n)
        addf(d, SS_BB_PARA, "%s", ss_tr(c->lang, "本月没有滞后的指标。"));
    free(rows);
}

/* A section of another module's rows: its heading, its table (the sheet
 * too), and "—" when it has none. */
static struct ss_btable *rows_section(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                                      const char *heading, size_t ncols, const char *const *heads,
                                      const enum ss_bcol *kinds, const double *widths, size_t n)
{
    struct ss_btable *t;

    addf(d, SS_BB_HEADING, "%s", heading);
    t = table(d, heading, ncols, heads, kinds, widths);
    if (!n)
        add(d, SS_BB_PARA, "—");
    (void)c;
    return t;
}

void ss_bulletin_sec_completeness(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                                  const struct ss_bulletin_completeness_row *rows, size_t n)
{
    const char *heads[] = {ss_tr(c->lang, "地区"), ss_tr(c->lang, "应报"), ss_tr(c->lang, "按时"),
                           ss_tr(c->lang, "逾期"), ss_tr(c->lang, "未报")};
    const enum ss_bcol kinds[] = {SS_BC_TEXT, SS_BC_NUM, SS_BC_NUM, SS_BC_NUM, SS_BC_NUM};
    const double widths[] = {3, 1, 1, 1, 1};
    struct ss_btable *t;
    size_t i;

    add(d, SS_BB_PAGE, NULL);
    t = rows_section(d, c, ss_tr(c->lang, "填报完整性"), SS_ARRAY_LEN(heads), heads, kinds, widths,
                     n);
    for (i = 0; i < n; i++) {
        cell_text(t, rows[i].org_name);
        cell_int(t, rows[i].expected);
        cell_int(t, rows[i].on_time);
        cell_int(t, rows[i].late);
        cell_int(t, rows[i].missing);
    }
}

void ss_bulletin_sec_notices(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                             const struct ss_bulletin_notice_row *rows, size_t n)
{
    const char *heads[] = {ss_tr(c->lang, "类别"), ss_tr(c->lang, "已发"), ss_tr(c->lang, "已答复"),
                           ss_tr(c->lang, "已办结"), ss_tr(c->lang, "逾期")};
    const enum ss_bcol kinds[] = {SS_BC_TEXT, SS_BC_NUM, SS_BC_NUM, SS_BC_NUM, SS_BC_NUM};
    const double widths[] = {3, 1, 1, 1, 1};
    struct ss_btable *t;
    size_t i;

    t = rows_section(d, c, ss_tr(c->lang, "督办情况"), SS_ARRAY_LEN(heads), heads, kinds, widths,
                     n);
    for (i = 0; i < n; i++) {
        cell_text(t, rows[i].label);
        cell_int(t, rows[i].issued);
        cell_int(t, rows[i].answered);
        cell_int(t, rows[i].closed);
        cell_int(t, rows[i].overdue);
    }
}

void ss_bulletin_sec_scores(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                            const struct ss_bulletin_score_row *rows, size_t n)
{
    const char *heads[] = {ss_tr(c->lang, "名次"), ss_tr(c->lang, "地区"), ss_tr(c->lang, "得分")};
    const enum ss_bcol kinds[] = {SS_BC_NUM, SS_BC_TEXT, SS_BC_NUM};
    const double widths[] = {1, 3, 1};
    struct ss_btable *t;
    size_t i;

    t = rows_section(d, c, ss_tr(c->lang, "考核排名"), SS_ARRAY_LEN(heads), heads, kinds, widths,
                     n);
    for (i = 0; i < n; i++) {
        cell_int(t, rows[i].rank);
        cell_text(t, rows[i].org_name);
        cell_num(t, rows[i].score);
    }
}

void ss_bulletin_build(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                       const struct ss_bulletin_extra *extra)
{
    static const struct ss_bulletin_extra none;
    struct ss_buf b;
    char day[11];

    if (!extra)
        extra = &none;
    memset(d, 0, sizeof *d);
    d->lang = c->lang;
    d->as_of = c->as_of;
    d->head = ss_xstrdup(c->head ? c->head : "");
    ss_date_fmt(c->as_of, day);
    ss_buf_init(&b, TEXT_MAX);
    ss_buf_printf(&b, ss_tr(c->lang, "%s 进展通报（%s）"), plan_title(c), c->period);
    d->title = ss_xstrdup(b.data ? b.data : "");
    ss_buf_reset(&b);
    ss_buf_printf(&b, ss_tr(c->lang, "%s · %s · 截至 %s"), d->title, org_name(c, c->org), day);
    d->running = ss_xstrdup(b.data ? b.data : "");
    ss_buf_cleanup(&b);

    ss_bulletin_sec_cover(d, c);
    ss_bulletin_sec_projects(d, c);
    ss_bulletin_sec_lagging(d, c);
    ss_bulletin_sec_completeness(d, c, extra->completeness, extra->ncompleteness);
    ss_bulletin_sec_notices(d, c, extra->notices, extra->nnotices);
    ss_bulletin_sec_scores(d, c, extra->scores, extra->nscores);
}
