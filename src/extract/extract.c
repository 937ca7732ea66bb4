/*
 * extract.c - the extractor's entry point: decode, segment, find targets,
 * and build the public plan (which owns copies of everything it shows, taken
 * from the original text so quotes are verbatim).
 */
#include "extract/extract.h"

#include <stdlib.h>
#include <string.h>

#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "extract/xint.h"

static void warn(struct ss_xplan *p, const char *msg)
{
    p->warnings = ss_xrealloc(p->warnings, (p->nwarnings + 1) * sizeof *p->warnings);
    p->warnings[p->nwarnings++] = ss_xstrdup(msg);
}

static char *quote(const struct xdoc *d, size_t b, size_t e)
{
    return e > b ? ss_xdoc_orig(d, b, e) : ss_xstrdup("");
}

/* s cut in place to at most max bytes, at a character: the limits the plan
 * JSON readers hold each field to, so `shishi import` reads what `shishi
 * extract` prints (a metric of 300 bytes was refused: found by fuzzing). */
static char *capped(char *s, size_t max)
{
    size_t n = 0, k, len = strlen(s);

    if (len <= max)
        return s;
    while (n < len && (k = ss_utf8_seq((const unsigned char *)s + n, len - n)) && n + k <= max)
        n += k;
    s[n] = '\0';
    return s;
}

/* Spans of the quantities taken as targets, to leave them out of the
 * plan's list of other numbers. */
struct taken {
    size_t *b, *e;
    size_t n, cap;
};

static void take(struct taken *tk, size_t b, size_t e)
{
    if (tk->n == tk->cap) {
        tk->cap = tk->cap ? tk->cap * 2 : 32;
        tk->b = ss_xrealloc(tk->b, tk->cap * sizeof *tk->b);
        tk->e = ss_xrealloc(tk->e, tk->cap * sizeof *tk->e);
    }
    tk->b[tk->n] = b;
    tk->e[tk->n++] = e;
}

static int was_taken(const struct taken *tk, size_t b)
{
    size_t i;

    for (i = 0; i < tk->n; i++)
        if (b >= tk->b[i] && b < tk->e[i])
            return 1;
    return 0;
}

static void fill_project(const struct xdoc *d, const struct xitem *it, struct ss_xproject *pr,
                         struct taken *tk)
{
    struct xtgts t;
    size_t i;

    memset(&t, 0, sizeof t);
    pr->no = it->no;
    pr->src_b = d->map[it->b];
    pr->src_e = d->map[it->e];
    pr->title_b = d->map[it->hb];
    pr->title_e = d->map[it->he];
    pr->title = capped(quote(d, it->hb, it->he), SS_MAX_TARGET_TEXT);
    ss_xtargets_find(d->s, it->b, it->e, &t);
    pr->ntargets = t.n;
    pr->targets = ss_xcalloc(t.n ? t.n : 1, sizeof *pr->targets);
    for (i = 0; i < t.n; i++) {
        struct ss_xtarget *x = &pr->targets[i];
        x->text = capped(quote(d, t.v[i].tb, t.v[i].te), SS_MAX_TARGET_TEXT);
        x->metric = capped(quote(d, t.v[i].mb, t.v[i].me), SS_MAX_NAME);
        x->unit = capped(t.v[i].unit, SS_MAX_UNIT);
        t.v[i].unit = NULL;
        x->value = t.v[i].q.value;
        memcpy(x->op, t.v[i].op, sizeof x->op);
        x->parent = t.v[i].parent;
        x->src_b = d->map[t.v[i].tb];
        x->src_e = d->map[t.v[i].te];
        take(tk, t.v[i].q.nb, t.v[i].q.e);
    }
    ss_xtgts_cleanup(&t);
}

/* A page of figures is listed as far as a person would read it. */
#define MAX_NUMBERS 2000

/* Every other quantity with a unit or a 万/亿 in the text: what a reviewer
 * scans for a missed target. */
static void other_numbers(const struct xdoc *d, const struct xseg *seg, const struct taken *tk,
                          struct ss_xplan *p)
{
    size_t i = 0, len, cap = 0, k;
    const char *s = d->s;

    while (i < d->n) {
        struct xqty q;
        uint32_t prev = i ? xcp(s, xprev(s, 0, i), i, &len) : 0;
        if (!ss_xnum_starts(s, i, d->n) || xis_digit(prev) ||
            (xat(s, i, d->n, "一") && !ss_xnum_starts(s, i + 3, d->n) &&
             !xat(s, i + 3, d->n, "百") && !xat(s, i + 3, d->n, "千") &&
             !xat(s, i + 3, d->n, "万") && !xat(s, i + 3, d->n, "亿"))) { /* a lone 一 */
            xcp(s, i, d->n, &len);
            i += len;
            continue;
        }
        if (!ss_xqty_read(s, i, d->n, &q)) {
            i = q.ne > i ? q.ne : i + 1;
            continue;
        }
        if (q.value > 0 && !q.single_yi && (q.ue > q.ub || q.mult || q.percent) &&
            !was_taken(tk, q.nb) && p->nnumbers < MAX_NUMBERS) {
            struct ss_xnumber *x;
            x = SS_PUSH(p->numbers, p->nnumbers, cap);
            x->value = q.value;
            x->unit = q.ue > q.ub ? capped(quote(d, q.ub, q.ue), SS_MAX_UNIT)
                                  : ss_xstrdup(q.percent ? "%" : "");
            x->project = -1;
            for (k = 0; k < seg->nitems; k++)
                if (q.nb >= seg->items[k].b && q.nb < seg->items[k].e)
                    x->project = (int)k;
            x->src_b = d->map[q.b];
            x->src_e = d->map[q.e];
        }
        i = q.e > i ? q.e : i + 1;
    }
}

static void free_projects(struct ss_xplan *p)
{
    size_t i, k;

    for (i = 0; i < p->nprojects; i++) {
        struct ss_xproject *pr = &p->projects[i];
        for (k = 0; k < pr->ntargets; k++) {
            free(pr->targets[k].text);
            free(pr->targets[k].metric);
            free(pr->targets[k].unit);
        }
        free(pr->targets);
        free(pr->title);
    }
    free(p->projects);
    p->projects = NULL;
    p->nprojects = 0;
}

int ss_extract(const char *text, size_t len, struct ss_xplan **out, struct ss_err *err)
{
    struct xdoc d;
    struct xseg seg;
    struct ss_xplan *p;
    struct taken tk = {NULL, NULL, 0, 0};
    size_t i, total = 0;
    int rc;

    *out = NULL;
    if ((rc = ss_xdoc_load(&d, text, len, err)) != SS_OK)
        return rc;
    ss_xseg_find(d.s, d.n, &seg);
    p = ss_xcalloc(1, sizeof *p);
    p->title = capped(quote(&d, seg.title_b, seg.title_e), SS_MAX_NAME);
    p->issuer = capped(quote(&d, seg.issuer_b, seg.issuer_e), SS_MAX_NAME);
    p->published = seg.published[0] ? ss_xstrdup(seg.published) : NULL;
    p->year = seg.year;
    p->nprojects = seg.nitems;
    p->projects = ss_xcalloc(seg.nitems ? seg.nitems : 1, sizeof *p->projects);
    for (i = 0; i < seg.nitems; i++) {
        fill_project(&d, &seg.items[i], &p->projects[i], &tk);
        total += p->projects[i].ntargets;
    }
    p->fallback = seg.fallback && total > 0;
    p->converted = d.from_trad == 1;
    if (d.from_trad == -1)
        warn(p, "the text is in traditional script and could not be converted (OpenCC)");
    if (p->fallback)
        warn(p, "no list of projects recognised: every paragraph that states a target "
                "is taken as a project");
    other_numbers(&d, &seg, &tk, p);
    free(tk.b);
    free(tk.e);
    if (total == 0) {
        free_projects(p);
        warn(p, seg.nitems ? "no quantified targets found in the list: the plan is empty"
                           : "no list of projects and no targets found: the plan is empty");
    } else {
        if (!p->published)
            warn(p, "no publication date found");
        if (!p->year)
            warn(p, "no year found");
    }
    ss_xseg_cleanup(&seg);
    p->source = d.orig; /* the plan keeps the text its spans point into */
    p->nsource = d.norig;
    d.orig = NULL;
    ss_xdoc_cleanup(&d);
    *out = p;
    return SS_OK;
}

void ss_xplan_free(struct ss_xplan *p)
{
    size_t i;

    if (!p)
        return;
    free_projects(p);
    for (i = 0; i < p->nwarnings; i++)
        free(p->warnings[i]);
    free(p->warnings);
    for (i = 0; i < p->nnumbers; i++)
        free(p->numbers[i].unit);
    free(p->numbers);
    free(p->source);
    free(p->title);
    free(p->issuer);
    free(p->published);
    free(p);
}

void ss_xplan_json(const struct ss_xplan *p, struct ss_json *j)
{
    size_t i, k;

    ss_json_obj(j);
    ss_json_key(j, "plan");
    ss_json_obj(j);
    ss_json_kstr(j, "title", p->title);
    ss_json_kstr(j, "issuer", p->issuer);
    if (p->year)
        ss_json_kint(j, "year", p->year);
    else
        ss_json_knull(j, "year");
    ss_json_kstr(j, "published", p->published);
    ss_json_obj_end(j);
    ss_json_key(j, "projects");
    ss_json_arr(j);
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_xproject *pr = &p->projects[i];
        ss_json_obj(j);
        ss_json_kint(j, "no", pr->no);
        ss_json_kstr(j, "title", pr->title);
        ss_json_key(j, "targets");
        ss_json_arr(j);
        for (k = 0; k < pr->ntargets; k++) {
            const struct ss_xtarget *t = &pr->targets[k];
            ss_json_obj(j);
            ss_json_kstr(j, "text", t->text);
            ss_json_kstr(j, "metric", t->metric);
            ss_json_knum(j, "value", t->value);
            ss_json_kstr(j, "unit", t->unit);
            ss_json_kstr(j, "op", t->op);
            if (t->parent >= 0)
                ss_json_kint(j, "parent", t->parent);
            ss_json_obj_end(j);
        }
        ss_json_arr_end(j);
        ss_json_obj_end(j);
    }
    ss_json_arr_end(j);
    ss_json_obj_end(j);
}
