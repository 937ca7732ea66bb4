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
#include "core/remind.h"

const char *ss_score_component_str(int k)
{
    static const char *const names[SS_SC_COUNT] = {"progress", "on_time", "notices", "returned"};

    return (unsigned)k < SS_SC_COUNT ? names[k] : "?";
}

/* The part named by the n bytes at s, or -1 ("ontime" reads as on_time). */
static int part_named(const char *s, size_t n)
{
    int k;

    for (k = 0; k < SS_SC_COUNT; k++)
        if (strlen(ss_score_component_str(k)) == n && memcmp(s, ss_score_component_str(k), n) == 0)
            return k;
    return n == 6 && memcmp(s, "ontime", 6) == 0 ? SS_SC_ON_TIME : -1;
}

int ss_score_weights_read(const char *s, const struct ss_score_weights *base,
                          struct ss_score_weights *w, struct ss_err *err)
{
    const char *p = s ? s : "";
    char part[32];
    double sum = 0;
    long v;
    int k, i = 0, named = strchr(p, '=') != NULL;

    *w = *base;
    while (*p || i == 0) {
        size_t n = strcspn(p, ","), eq;
        const char *name = ss_score_component_str(i);

        if (n == 0 || n >= sizeof part || i >= (named ? 8 : SS_SC_COUNT))
            return ss_err_set(err, SS_EINVAL, "weights",
                              "'%.60s' is not the score's weights: progress=P,on_time=R,"
                              "notices=N,returned=Q (or P,R,N,Q), whole points summing to 100",
                              s ? s : "");
        memcpy(part, p, n);
        part[n] = '\0';
        k = i;
        if (named) {
            eq = strcspn(part, "=");
            if (part[eq] != '=' || (k = part_named(part, eq)) < 0)
                return ss_err_set(err, SS_EINVAL, "weights",
                                  "'%.*s' is not a part of the score: progress, on_time, notices "
                                  "or returned",
                                  (int)eq, part);
            name = ss_score_component_str(k);
            memmove(part, part + eq + 1, n - eq);
        }
        if (ss_parse_long(part, &v) || v < 0 || v > 100)
            return ss_err_set(err, SS_EINVAL, "weights",
                              "%s: '%s' is not a whole number of points from 0 to 100", name, part);
        w->w[k] = (double)v;
        i++;
        p += n + (p[n] == ',');
    }
    if (!named && i != SS_SC_COUNT)
        return ss_err_set(err, SS_EINVAL, "weights",
                          "'%.60s' is %d weights, not four: P,R,N,Q (progress, on_time, "
                          "notices, returned)",
                          s, i);
    for (k = 0; k < SS_SC_COUNT; k++)
        sum += w->w[k];
    if (sum != 100)
        return ss_err_set(err, SS_EINVAL, "weights",
                          "the weights sum to %g (progress %g + on_time %g + notices %g + "
                          "returned %g), not 100",
                          sum, w->w[0], w->w[1], w->w[2], w->w[3]);
    return SS_OK;
}

int ss_score_weights_parse(const char *s, struct ss_score_weights *w, struct ss_err *err)
{
    static const int dflt[SS_SC_COUNT] = SS_SCORE_DEFAULT_WEIGHTS;
    struct ss_score_weights base;
    int k;

    for (k = 0; k < SS_SC_COUNT; k++)
        base.w[k] = dflt[k];
    return ss_score_weights_read(s, &base, w, err);
}

int ss_score_weights_of(struct ss_store *st, int64_t plan_id, struct ss_score_weights *w)
{
    struct ss_sv_rule r;
    int k, rc = ss_sv_rule_get(st, plan_id, &r);

    for (k = 0; k < SS_SC_COUNT; k++)
        w->w[k] = r.w[k];
    return rc;
}

int ss_score_weights_set(struct ss_store *st, int64_t plan_id, const struct ss_score_weights *w,
                         struct ss_err *err)
{
    struct ss_sv_rule r;
    double sum = 0;
    int k;

    for (k = 0; k < SS_SC_COUNT; k++) {
        if (!(w->w[k] >= 0 && w->w[k] <= 100) || w->w[k] != (int)w->w[k])
            return ss_err_set(err, SS_EINVAL, "weights",
                              "%s: %g is not a whole number of points from 0 to 100",
                              ss_score_component_str(k), w->w[k]);
        sum += w->w[k];
    }
    if (sum != 100)
        return ss_err_set(err, SS_EINVAL, "weights", "the weights sum to %g, not 100", sum);
    if (ss_sv_rule_get(st, plan_id, &r))
        return ss_err_set(err, SS_EDB, "db", "the plan's supervision settings cannot be read");
    for (k = 0; k < SS_SC_COUNT; k++)
        r.w[k] = (int)w->w[k];
    return ss_store_sv_rule_set(st, plan_id, &r, err);
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
