/*
 * score.c - units' scores for a period (see score.h for the formula).
 * Pure over the engine's figures, completeness and the notices'
 * interface; the workbook is base/table.c's, as every table download's.
 */
#include "core/score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/limits.h"
#include "base/table.h"
#include "base/util.h"

const char *ss_score_component_str(int k)
{
    static const char *const names[SS_SC_COUNT] = {"progress", "on_time", "notices", "returned"};

    return (unsigned)k < SS_SC_COUNT ? names[k] : "?";
}

int ss_score_weights_parse(const char *s, struct ss_score_weights *w, struct ss_err *err)
{
    char part[32];
    const char *p = s ? s : "";
    double sum = 0;
    int k;

    for (k = 0; k < SS_SC_COUNT; k++) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof part || (k < SS_SC_COUNT - 1 && p[n] != ',') ||
            (k == SS_SC_COUNT - 1 && p[n] != '\0'))
            return ss_err_set(err, SS_EINVAL, "weights",
                              "'%.40s' is not four weights P,R,N,Q (e.g. 50,25,15,10)", s);
        memcpy(part, p, n);
        part[n] = '\0';
        if (ss_parse_double(part, &w->w[k]) || !(w->w[k] >= 0) || w->w[k] > 1000)
            return ss_err_set(err, SS_EINVAL, "weights",
                              "weight '%.30s' is not a number from 0 to 1000", part);
        sum += w->w[k];
        p += n + (p[n] == ',');
    }
    if (sum <= 0)
        return ss_err_set(err, SS_EINVAL, "weights", "the weights are all 0");
    return SS_OK;
}

/* A target's part of P at one figure, or NAN when the unit has no task. */
static double progress_points(const struct ss_figure *f)
{
    switch (f->status) {
    case SS_ST_NO_TASK:
    case SS_ST_UNASSIGNED:
        return NAN;
    case SS_ST_DONE:
        return 100;
    case SS_ST_NOT_REPORTED:
        return 0;
    default:
        break;
    }
    if (isnan(f->expected)) /* a level: judged against its target */
        return f->status == SS_ST_ON_TRACK ? 100 : f->status == SS_ST_LAGGING ? 50 : 0;
    if (f->expected <= 0)
        return 100;
    if (isnan(f->progress))
        return 0;
    return fmin(100, fmax(0, 100 * f->progress / f->expected));
}

static int score_unit(struct ss_store *st, const struct ss_engine *e,
                      const struct ss_completeness *c, const struct ss_score_weights *w,
                      int32_t day, long org, struct ss_score_row *row, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    const struct ss_cmpl_counts *cc = &c->tree[org];
    struct ss_notice_counts nc;
    double sum = 0, wsum = 0, acc = 0;
    size_t ti;
    int k, rc;

    memset(row, 0, sizeof *row);
    row->org = org;
    for (ti = 0; ti < p->ntargets; ti++) {
        struct ss_figure f;
        double v;
        ss_engine_figure(e, ti, org, day, &f);
        if (!isnan(v = progress_points(&f))) {
            acc += v;
            row->base[SS_SC_PROGRESS]++;
        }
    }
    row->c[SS_SC_PROGRESS] = row->base[SS_SC_PROGRESS] ? acc / row->base[SS_SC_PROGRESS] : NAN;
    row->base[SS_SC_ON_TIME] = cc->expected;
    row->c[SS_SC_ON_TIME] = ss_cmpl_on_time_rate(cc);
    if ((rc = ss_supervision_notice_counts(st, e, org, c->start, c->end, c->today, &nc, err)))
        return rc;
    row->base[SS_SC_NOTICES] = nc.due_in_period;
    row->c[SS_SC_NOTICES] = nc.due_in_period ? 100.0 * nc.answered_in_time / nc.due_in_period : NAN;
    row->base[SS_SC_RETURNED] = cc->handed_in;
    row->c[SS_SC_RETURNED] =
        cc->handed_in ? 100.0 * (1 - (double)cc->returned / cc->handed_in) : NAN;
    for (k = 0; k < SS_SC_COUNT; k++) {
        if (isnan(row->c[k]))
            continue;
        sum += w->w[k] * row->c[k];
        wsum += w->w[k];
    }
    row->score = wsum > 0 ? sum / wsum : NAN;
    return SS_OK;
}

static int by_score(const void *a, const void *b)
{
    const struct ss_score_row *x = a, *y = b;

    if (isnan(x->score) != isnan(y->score))
        return isnan(x->score) ? 1 : -1;
    if (!isnan(x->score) && x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->org < y->org ? -1 : x->org > y->org; /* org index: code order */
}

void ss_score_cleanup(struct ss_score *s)
{
    free(s->rows);
    memset(s, 0, sizeof *s);
}

int ss_score_compute(struct ss_store *st, const struct ss_engine *e,
                     const struct ss_completeness *c, const struct ss_score_weights *w,
                     struct ss_score *out, struct ss_err *err)
{
    const struct ss_plan *p = ss_engine_plan(e);
    const long *kids;
    size_t nk, i;
    int rc;

    memset(out, 0, sizeof *out);
    out->w = *w;
    out->day = c->end < c->today ? c->end : c->today;
    out->day = out->day < p->start ? p->start : out->day > p->end ? p->end : out->day;
    if ((rc = score_unit(st, e, c, w, out->day, c->org, &out->self, err)))
        return rc;
    kids = ss_engine_org_children(e, c->org, &nk);
    out->rows = ss_xcalloc(nk ? nk : 1, sizeof *out->rows);
    for (i = 0; i < nk; i++) {
        struct ss_score_row *row = &out->rows[out->n];
        if ((rc = score_unit(st, e, c, w, out->day, kids[i], row, err))) {
            ss_score_cleanup(out);
            return rc;
        }
        if (row->base[SS_SC_PROGRESS] || row->base[SS_SC_ON_TIME]) /* a task here */
            out->n++;
    }
    qsort(out->rows, out->n, sizeof *out->rows, by_score);
    for (i = 0; i < out->n; i++) {
        if (isnan(out->rows[i].score))
            break;
        out->rows[i].rank = i > 0 && out->rows[i].score == out->rows[i - 1].score
                                ? out->rows[i - 1].rank
                                : (int)i + 1;
    }
    return SS_OK;
}

static void row_json(struct ss_json *j, const struct ss_engine *e, const struct ss_score_row *r)
{
    const struct ss_org *o = ss_engine_org(e, r->org);
    int k;

    ss_json_obj(j);
    ss_json_key(j, "org");
    ss_json_obj(j);
    ss_json_kstr(j, "code", o->code);
    ss_json_kstr(j, "name", o->name);
    ss_json_kint(j, "level", o->level);
    ss_json_obj_end(j);
    if (r->rank)
        ss_json_kint(j, "rank", r->rank);
    else
        ss_json_knull(j, "rank");
    ss_json_knum(j, "score", r->score);
    ss_json_key(j, "components");
    ss_json_obj(j);
    for (k = 0; k < SS_SC_COUNT; k++) {
        ss_json_key(j, ss_score_component_str(k));
        ss_json_obj(j);
        ss_json_knum(j, "value", r->c[k]);
        ss_json_kint(j, "counted", r->base[k]);
        ss_json_obj_end(j);
    }
    ss_json_obj_end(j);
    ss_json_obj_end(j);
}

void ss_score_json(struct ss_json *j, const struct ss_engine *e, const struct ss_completeness *c,
                   const struct ss_score *s)
{
    char d[11];
    size_t i;
    int k;

    ss_json_obj(j);
    ss_json_kstr(j, "period", c->period);
    ss_date_fmt(s->day, d);
    ss_json_kstr(j, "as_of", d);
    ss_json_key(j, "weights");
    ss_json_obj(j);
    for (k = 0; k < SS_SC_COUNT; k++)
        ss_json_knum(j, ss_score_component_str(k), s->w.w[k]);
    ss_json_obj_end(j);
    ss_json_key(j, "self");
    row_json(j, e, &s->self);
    ss_json_key(j, "ranking");
    ss_json_arr(j);
    for (i = 0; i < s->n; i++)
        row_json(j, e, &s->rows[i]);
    ss_json_arr_end(j);
    ss_json_obj_end(j);
}

int ss_score_xlsx(const struct ss_engine *e, const struct ss_completeness *c,
                  const struct ss_score *s, char **data, size_t *len, struct ss_err *err)
{
    static const char *const HEAD[] = {"排名 rank",
                                       "代码 code",
                                       "单位 unit",
                                       "得分 score",
                                       "进度 progress",
                                       "按时填报 on time",
                                       "督办按时办复 notices",
                                       "退回 returned"};
    struct ss_table t;
    const struct ss_table *one[1] = {&t};
    size_t i;
    int k, rc;

    ss_table_init(&t, c->period);
    for (k = 0; k < (int)SS_ARRAY_LEN(HEAD); k++)
        ss_table_col(&t, HEAD[k],
                     k == 0  ? SS_TK_INT
                     : k < 3 ? SS_TK_TEXT
                             : SS_TK_NUM1,
                     0,
                     k == 2  ? 4.5
                     : k < 2 ? 1
                             : 2);
    for (i = 0; i < s->n; i++) {
        const struct ss_score_row *r = &s->rows[i];
        const struct ss_org *o = ss_engine_org(e, r->org);

        ss_table_num(&t, r->rank ? r->rank : NAN);
        ss_table_text(&t, o->code);
        ss_table_text(&t, o->name);
        ss_table_num(&t, r->score);
        for (k = 0; k < SS_SC_COUNT; k++)
            ss_table_num(&t, r->c[k]);
    }
    rc = ss_table_xlsx(one, 1, c->period, s->day, data, len, err);
    ss_table_cleanup(&t);
    return rc;
}
