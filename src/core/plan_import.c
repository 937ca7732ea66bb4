/*
 * plan_import.c - a draft plan from an extraction, and the issuing
 * government's org unit guessed from the issuer's name: the steps `shishi
 * import` and the console's /console/plans/new share, so the two make the
 * same draft of the same announcement (see plan_import.h).
 */
#include "core/plan_import.h"

#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/util.h"
#include "core/plan_json.h"
#include "store/store_draft.h"

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* The place an issuer names: "新疆维吾尔自治区人民政府" -> "新疆维吾尔自治区".
 * Strips the longest office suffix, once; returns the length kept. */
static size_t issuer_place(const char *issuer)
{
    static const char *const SUFFIXES[] = {
        "人民政府办公厅", "人民政府办公室", "政府办公厅", "政府办公室", "人民政府", "行政公署",
        "管理委员会",     "管委会",         "办公厅",     "办公室",     "政府",
    };
    size_t n = strlen(issuer), i;

    while (n && (issuer[n - 1] == ' ' || issuer[n - 1] == '\t'))
        n--;
    for (i = 0; i < SS_ARRAY_LEN(SUFFIXES); i++) /* longest first */
        if (ends_with(issuer, n, SUFFIXES[i]))
            return n - strlen(SUFFIXES[i]);
    return n;
}

/* Among orgs with parent `parent` (0: any), the one whose name equals
 * place[0..n) (*exact = 1) or is the longest prefix of it. Ambiguous
 * exact matches give -2; no match -1. */
static long org_match(const struct ss_org *orgs, size_t norgs, int64_t parent, const char *place,
                      size_t n, int *exact)
{
    long best = -1;
    size_t i, best_len = 0;
    int nexact = 0;

    *exact = 0;
    for (i = 0; i < norgs; i++) {
        size_t k = orgs[i].name ? strlen(orgs[i].name) : 0;
        if (!k || k > n || (parent && orgs[i].parent_id != parent) ||
            memcmp(orgs[i].name, place, k) != 0)
            continue;
        if (k == n) {
            nexact++;
            best = (long)i;
            best_len = n;
            *exact = 1;
        } else if (!*exact && k > best_len) {
            best = (long)i;
            best_len = k;
        }
    }
    return nexact > 1 ? -2 : best;
}

/* The draft plan of an extraction (top_org left to the caller). */
struct ss_plan *ss_plan_from_extract(const struct ss_xplan *x, int year)
{
    struct ss_plan *p = ss_xcalloc(1, sizeof *p);
    size_t i, j, total = 0;

    for (i = 0; i < x->nprojects; i++)
        total += x->projects[i].ntargets;
    p->year = year;
    p->start = ss_days_from_civil(year, 1, 1);
    p->end = ss_days_from_civil(year, 12, 31);
    if (!x->published || ss_date_parse(x->published, &p->published))
        p->published = SS_NO_DATE;
    if (x->title && *x->title) {
        p->title = ss_xstrdup(x->title);
    } else {
        struct ss_buf b;
        ss_buf_init(&b, 64);
        ss_buf_printf(&b, "%d年民生实事", year);
        p->title = ss_buf_detach(&b, NULL);
    }
    p->issuer = x->issuer && *x->issuer ? ss_xstrdup(x->issuer) : NULL;
    p->state = SS_PLAN_DRAFT;
    p->yellow_pp = 10;
    p->red_pp = 30;
    p->projects = ss_xcalloc(x->nprojects + 1, sizeof *p->projects);
    p->targets = ss_xcalloc(total + 1, sizeof *p->targets);
    for (i = 0; i < x->nprojects; i++) {
        const struct ss_xproject *xp = &x->projects[i];
        size_t first = p->ntargets;

        p->projects[p->nprojects].no = xp->no;
        p->projects[p->nprojects].title = ss_xstrdup(xp->title ? xp->title : "");
        p->nprojects++;
        for (j = 0; j < xp->ntargets; j++) {
            const struct ss_xtarget *xt = &xp->targets[j];
            struct ss_target *t = &p->targets[p->ntargets++];

            t->project_no = xp->no;
            t->seq = (int)j;
            t->text = ss_xstrdup(xt->text ? xt->text : "");
            t->metric = ss_xstrdup(xt->metric && *xt->metric ? xt->metric : t->text);
            t->unit = ss_xstrdup(xt->unit ? xt->unit : "");
            t->value = xt->value;
            if (ss_op_parse(xt->op, &t->op))
                t->op = SS_OP_EQ;
            t->kind = ss_kind_guess(t->unit, t->text);
            /* Project-relative parent -> plan-wide index; only earlier ones. */
            t->parent_index =
                xt->parent >= 0 && (size_t)xt->parent < j ? (long)(first + (size_t)xt->parent) : -1;
        }
    }
    return p;
}

int ss_plan_top_org_guess(struct ss_store *st, const char *issuer, char **out, struct ss_buf *why)
{
    struct ss_org *orgs = NULL;
    size_t norgs = 0, n, off = 0;
    long at = -1, found = -1;
    char *code = NULL;
    int exact = 0, depth;

    *out = NULL;
    if (!issuer || !*issuer) {
        ss_buf_puts(why, "the plan names no issuer, so it has no top org unit; "
                         "import again with --top-org CODE");
        goto out;
    }
    if (ss_store_orgs_load(st, &orgs, &norgs) || norgs == 0) {
        ss_buf_puts(why, "no divisions are loaded, so the plan has no top org unit "
                         "(shishi divisions load, then import again with --top-org CODE)");
        goto out;
    }
    n = issuer_place(issuer);
    /* Walk down: 乌鲁木齐市天山区 matches 乌鲁木齐市, then its child 天山区. */
    for (depth = 0; depth < 6 && off < n; depth++) {
        at = org_match(orgs, norgs, found >= 0 ? orgs[found].id : 0, issuer + off, n - off, &exact);
        if (at == -2 && found < 0) {
            found = -2;
            break;
        }
        if (at < 0)
            break;
        found = at;
        off += strlen(orgs[at].name);
        if (exact)
            break;
    }
    if (found == -2) {
        ss_buf_printf(why,
                      "several org units are named like the issuer \"%s\"; the plan has no top "
                      "org unit: import again with --top-org CODE",
                      issuer);
    } else if (found < 0) {
        ss_buf_printf(why,
                      "no org unit matches the issuer \"%s\"; the plan has no top org unit: "
                      "import again with --top-org CODE",
                      issuer);
    } else {
        code = ss_xstrdup(orgs[found].code);
    }
out:
    ss_orgs_free(orgs, norgs);
    *out = code;
    return code ? SS_OK : SS_ENOTFOUND;
}

int ss_plan_import_store(struct ss_store *st, struct ss_plan *p, const char *name, const char *text,
                         size_t len, int64_t *id, struct ss_err *err)
{
    char *src = NULL;
    size_t n = 0;
    int rc;

    if (text && (rc = ss_extract_source(text, len, &src, &n, err)))
        return rc;
    if ((rc = ss_store_begin(st, NULL, err))) {
        free(src);
        return rc;
    }
    rc = ss_store_plan_insert(st, p, id, err);
    if (!rc && src)
        rc = ss_store_plan_source_put(st, *id, name, src, err);
    free(src);
    if (rc) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}
