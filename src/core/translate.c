/*
 * translate.c - translations of plan content (translate.h).
 *
 * In memory they are one array sorted by (kind, ref, lang), the order the
 * store hands them out in; a lookup is a binary search.
 */
#include "core/translate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "store/store_audit.h"
#include "store/store_translation.h"

static const char *const KINDS[] = {"plan", "project", "target", "org"};

const char *ss_text_kind_str(enum ss_text_kind k)
{
    return (unsigned)k < SS_ARRAY_LEN(KINDS) ? KINDS[k] : "?";
}

struct text {
    char *kind, *ref, *lang, *text;
};

struct ss_texts {
    struct text *v;
    size_t n, cap;
};

static int keep(void *ctx, const char *kind, const char *ref, const char *lang, const char *text)
{
    struct ss_texts *t = ctx;

    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->v = ss_xrealloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n].kind = ss_xstrdup(kind ? kind : "");
    t->v[t->n].ref = ss_xstrdup(ref ? ref : "");
    t->v[t->n].lang = ss_xstrdup(lang ? lang : "");
    t->v[t->n].text = ss_xstrdup(text ? text : "");
    t->n++;
    return 0;
}

static int cmp_key(const char *kind, const char *ref, const char *lang, const struct text *x)
{
    int c = strcmp(kind, x->kind);

    if (!c)
        c = strcmp(ref, x->ref);
    if (!c)
        c = strcmp(lang, x->lang);
    return c;
}

static int by_key(const void *a, const void *b)
{
    const struct text *x = a, *y = b;

    return cmp_key(x->kind, x->ref, x->lang, y);
}

int ss_texts_load(struct ss_store *st, struct ss_texts **out, struct ss_err *err)
{
    struct ss_texts *t = ss_xcalloc(1, sizeof *t);
    int rc = ss_store_translations_each(st, keep, t, err);

    if (rc) {
        ss_texts_free(t);
        *out = NULL;
        return rc;
    }
    /* the store's order is SQL's; sort again so the search never depends on it */
    if (t->n)
        qsort(t->v, t->n, sizeof *t->v, by_key);
    *out = t;
    return SS_OK;
}

void ss_texts_free(struct ss_texts *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->n; i++) {
        free(t->v[i].kind);
        free(t->v[i].ref);
        free(t->v[i].lang);
        free(t->v[i].text);
    }
    free(t->v);
    free(t);
}

size_t ss_texts_count(const struct ss_texts *t)
{
    return t ? t->n : 0;
}

const char *ss_texts_get(const struct ss_texts *t, enum ss_text_kind kind, const char *ref,
                         enum ss_lang lang)
{
    const char *k = ss_text_kind_str(kind), *l = ss_lang_code(lang);
    size_t lo = 0, hi;

    if (!t || !ref || lang == SS_LANG_ZH || (unsigned)lang >= SS_NLANGS)
        return NULL;
    hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_key(k, ref, l, &t->v[mid]);
        if (c == 0)
            return t->v[mid].text;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *ss_texts_get_id(const struct ss_texts *t, enum ss_text_kind kind, int64_t id,
                            enum ss_lang lang)
{
    char ref[24];

    snprintf(ref, sizeof ref, "%lld", (long long)id);
    return ss_texts_get(t, kind, ref, lang);
}

/* ---- checking ------------------------------------------------------------------ */

int ss_text_lang(const char *code, const char *field, enum ss_lang *out, struct ss_err *err)
{
    int k = code ? ss_lang_parse(code, strlen(code)) : -1;

    if (k == SS_LANG_EN || k == SS_LANG_UG) {
        *out = (enum ss_lang)k;
        return SS_OK;
    }
    return ss_err_set(err, SS_EINVAL, field,
                      "'%.20s' is not a language content is translated into: en or ug",
                      code ? code : "");
}

/* s without its leading and trailing blanks, into out (cap bytes). */
static void trim(const char *s, char *out, size_t cap)
{
    size_t n;

    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* "prefix:" at the start of id (any case): the rest, or NULL. */
static const char *after(const char *id, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncasecmp(id, prefix, n) == 0 ? id + n : NULL;
}

int ss_text_ref(struct ss_store *st, const struct ss_plan *plan, const char *id_in,
                struct ss_text_row *out, struct ss_err *err)
{
    char id[64];
    const char *rest;
    long n;
    size_t i;

    memset(out, 0, sizeof *out);
    trim(id_in ? id_in : "", id, sizeof id);
    if (strcasecmp(id, "plan") == 0) {
        out->kind = SS_TEXT_PLAN;
        snprintf(out->ref, sizeof out->ref, "%lld", (long long)plan->id);
        return SS_OK;
    }
    if ((rest = after(id, "project:")) && ss_parse_long(rest, &n) == 0) {
        for (i = 0; i < plan->nprojects; i++)
            if (plan->projects[i].no == n) {
                out->kind = SS_TEXT_PROJECT;
                snprintf(out->ref, sizeof out->ref, "%lld", (long long)plan->projects[i].id);
                return SS_OK;
            }
        return ss_err_set(err, SS_ENOTFOUND, "id", "plan %lld has no project %ld",
                          (long long)plan->id, n);
    }
    if ((rest = after(id, "target:")) && ss_parse_long(rest, &n) == 0) {
        if (ss_plan_target_index(plan, n) < 0)
            return ss_err_set(err, SS_ENOTFOUND, "id", "target #%lld is not in plan %lld",
                              (long long)n, (long long)plan->id);
        out->kind = SS_TEXT_TARGET;
        snprintf(out->ref, sizeof out->ref, "%ld", n);
        return SS_OK;
    }
    if ((rest = after(id, "org:")) && *rest) {
        struct ss_org org;
        size_t k;

        for (k = 0; rest[k]; k++)
            if (!isdigit((unsigned char)rest[k]))
                break;
        if (rest[k] || k > SS_MAX_ORG_CODE || ss_store_org_get(st, rest, &org) != SS_OK)
            return ss_err_set(err, SS_ENOTFOUND, "id", "no org unit has the code '%s'", rest);
        free(org.name);
        out->kind = SS_TEXT_ORG;
        snprintf(out->ref, sizeof out->ref, "%.*s", (int)k, rest); /* k <= SS_MAX_ORG_CODE */
        return SS_OK;
    }
    return ss_err_set(err, SS_EINVAL, "id",
                      "'%.40s' is not an id of the form plan, project:N, target:ID or org:CODE",
                      id);
}

int ss_text_check(const char *text, struct ss_err *err)
{
    size_t n = text ? strlen(text) : 0, i;

    if (n > SS_MAX_TRANSLATION)
        return ss_err_set(err, SS_EINVAL, "text", "the text is %zu bytes long; at most %d", n,
                          SS_MAX_TRANSLATION);
    if (n && !ss_utf8_valid(text, n))
        return ss_err_set(err, SS_EINVAL, "text", "the text is not valid UTF-8");
    for (i = 0; i < n; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            return ss_err_set(err, SS_EINVAL, "text",
                              "the text holds a control character (a line break?) at byte %zu",
                              i + 1);
    return SS_OK;
}

/* ---- storing ------------------------------------------------------------------- */

void ss_translate_result_cleanup(struct ss_translate_result *r)
{
    free(r->errors);
    memset(r, 0, sizeof *r);
}

static void row_error(struct ss_translate_result *res, int row, const char *column,
                      const struct ss_err *why)
{
    struct ss_text_error *e;

    if (res->nerrors++ >= SS_TRANSLATE_ERRORS)
        return;
    res->errors = ss_xrealloc(res->errors, res->nerrors * sizeof *res->errors);
    e = &res->errors[res->nerrors - 1];
    e->row = row;
    snprintf(e->column, sizeof e->column, "%s", column);
    e->err = *why;
}

int ss_translate_put(struct ss_store *st, enum ss_lang lang, const struct ss_text_row *rows,
                     size_t n, const char *by, size_t *changed, struct ss_err *err)
{
    struct ss_store_text *v = ss_xcalloc(n + 1, sizeof *v);
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        v[i].kind = ss_text_kind_str(rows[i].kind);
        v[i].ref = rows[i].ref;
        v[i].text = rows[i].text ? rows[i].text : "";
    }
    if (!(rc = ss_store_begin(st, by, err))) {
        if ((rc = ss_store_translations_put(st, ss_lang_code(lang), v, n, changed, err)))
            ss_store_rollback(st);
        else
            rc = ss_store_commit(st, err);
    }
    free(v);
    return rc;
}

int ss_translate_sheet(struct ss_store *st, const struct ss_plan *plan, enum ss_lang lang,
                       const struct ss_sheet *sheet, const char *by,
                       struct ss_translate_result *res, struct ss_err *err)
{
    struct ss_text_row *rows = ss_xcalloc(sheet->nrows + 1, sizeof *rows);
    char **texts = ss_xcalloc(sheet->nrows + 1, sizeof *texts);
    int *line = ss_xcalloc(sheet->nrows + 1, sizeof *line);
    size_t i, k, n = 0;
    int rc = SS_OK;

    memset(res, 0, sizeof *res);
    if (sheet->nrows > SS_MAX_TRANSLATION_ROWS) {
        rc = ss_err_set(err, SS_EINVAL, "file", "the sheet has more than %d rows",
                        SS_MAX_TRANSLATION_ROWS);
        goto out;
    }
    for (i = 0; i < sheet->nrows; i++) {
        const struct ss_sheet_row *row = &sheet->rows[i];
        const char *a = ss_sheet_cell(row, 0), *b = ss_sheet_cell(row, 1);
        char id[64], *text;
        struct ss_err why;

        ss_err_clear(&why);
        trim(a ? a : "", id, sizeof id);
        if (i == 0 && strcasecmp(id, "id") == 0)
            continue; /* the header */
        text = ss_xmalloc(strlen(b ? b : "") + 1);
        trim(b ? b : "", text, strlen(b ? b : "") + 1);
        if (!*id) {
            if (*text) {
                ss_err_set(&why, SS_EINVAL, "id", "the row has a text but no id");
                row_error(res, row->row, "A", &why);
            }
            free(text);
            continue;
        }
        res->rows++;
        if (ss_text_ref(st, plan, id, &rows[n], &why)) {
            row_error(res, row->row, "A", &why);
            free(text);
            continue;
        }
        if (ss_text_check(text, &why)) {
            row_error(res, row->row, "B", &why);
            free(text);
            continue;
        }
        for (k = 0; k < n; k++)
            if (rows[k].kind == rows[n].kind && strcmp(rows[k].ref, rows[n].ref) == 0)
                break;
        if (k < n) {
            ss_err_set(&why, SS_EINVAL, "id", "%s is on row %d too; keep one row", id, line[k]);
            row_error(res, row->row, "A", &why);
            free(text);
            continue;
        }
        rows[n].text = texts[n] = text;
        line[n] = row->row;
        n++;
    }
    if (!res->nerrors && n)
        rc = ss_translate_put(st, lang, rows, n, by, &res->changed, err);
out:
    for (i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(rows);
    free(line);
    return rc;
}
