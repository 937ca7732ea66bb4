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

static void fill_project(const struct xdoc *d, const struct xitem *it, struct ss_xproject *pr)
{
    struct xtgts t;
    size_t i;

    memset(&t, 0, sizeof t);
    pr->no = it->no;
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
    }
    ss_xtgts_cleanup(&t);
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
        fill_project(&d, &seg.items[i], &p->projects[i]);
        total += p->projects[i].ntargets;
    }
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
