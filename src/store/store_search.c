/*
 * store_search.c - search over targets and org units (see store_search.h).
 *
 * A target's searchable text is its metric, text, project title and
 * department names joined by newlines (a word never holds a newline, so no
 * match spans two of them). Each word becomes a group of LIKE patterns,
 * the word and its related words from the embedded list; the groups are
 * ANDed. SQL is built from fixed fragments only; every word is a bound
 * parameter with LIKE's wildcards escaped.
 *
 * The SQL runs on SQLite and PostgreSQL alike (store_db.h). LIKE is
 * case-sensitive on PostgreSQL and ASCII case-insensitive on SQLite, so
 * both sides are lower()ed: "pm2.5" finds "PM2.5" on both (PostgreSQL's
 * lower() also folds non-ASCII letters, which SQLite's leaves as they
 * are; Chinese has no case). A comparison that may be NULL is never
 * sorted on: NULLs sort first in SQLite and last in PostgreSQL.
 */
#include "store/store_search.h"

#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "embedded.h"
#include "store/store_int.h"

#define WORDS_FILE "search-words.tsv"
#define MAX_ALTS 24 /* a word and its related words */

struct alts {
    size_t n;
    const char *s[MAX_ALTS];
    size_t len[MAX_ALTS];
};

/* The parts of hay are joined by a newline written as a literal, which both
 * backends read (SQLite's char(10) is chr(10) in PostgreSQL). Ties of
 * (no, seq) go by id, the plan's order (store_plan.c). */
static const char TARGET_SQL[] = "SELECT id FROM (SELECT t.id, p.no, t.seq,"
                                 " lower(t.metric || '\n' || t.text || '\n' || p.title || '\n' ||"
                                 " coalesce(td.name, '') || '\n' || coalesce(pd.name, '')) AS hay"
                                 " FROM target t JOIN project p ON p.id = t.project_id"
                                 " LEFT JOIN department td ON td.id = t.dept_id"
                                 " LEFT JOIN department pd ON pd.id = p.lead_dept_id"
                                 " WHERE t.plan_id = ?1) AS h WHERE 1 = 1";

/* ?2 and ?3 (the code and its short form) may be NULL: the exact match is
 * sorted first by a CASE that is never NULL. */
static const char ORG_SQL[] =
    "SELECT id FROM org_unit"
    " WHERE lower(name) LIKE lower(?1) ESCAPE '\\' OR code = ?2 OR code = ?3 OR code LIKE ?4"
    " ORDER BY CASE WHEN code = ?2 OR code = ?3 THEN 0 ELSE 1 END, level, code LIMIT ?5";

/* Length of the separator at p (white space or 、，；。 , ;), or 0. */
static size_t separator(const char *p)
{
    static const char *const wide[] = {"\xe3\x80\x80", "，", "、", "；", "。"};
    size_t i;

    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',' || *p == ';')
        return 1;
    for (i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (strncmp(p, wide[i], strlen(wide[i])) == 0)
            return strlen(wide[i]);
    return 0;
}

int ss_search_parse(const char *q, struct ss_search *s, struct ss_err *err)
{
    const char *p = q;
    size_t k;

    memset(s, 0, sizeof *s);
    if (strlen(q) > SS_MAX_NAME)
        return ss_err_set(err, SS_EINVAL, "q", "the search is longer than %d bytes", SS_MAX_NAME);
    if (!ss_utf8_valid(q, strlen(q)))
        return ss_err_set(err, SS_EINVAL, "q", "the search is not valid UTF-8");
    while (*p && s->n < SS_SEARCH_MAX_WORDS) {
        while ((k = separator(p)) > 0)
            p += k;
        if (!*p)
            break;
        s->word[s->n] = p;
        while (*p && !separator(p))
            p++;
        s->len[s->n] = (size_t)(p - s->word[s->n]);
        s->n++;
    }
    return SS_OK;
}

static void alt_add(struct alts *a, const char *w, size_t len)
{
    size_t i;

    for (i = 0; i < a->n; i++)
        if (a->len[i] == len && memcmp(a->s[i], w, len) == 0)
            return;
    if (a->n < MAX_ALTS) {
        a->s[a->n] = w;
        a->len[a->n] = len;
        a->n++;
    }
}

static const struct ss_embedded_file *words_file(void)
{
    size_t i;

    for (i = 0; i < ss_embedded_count; i++)
        if (strcmp(ss_embedded[i].name, WORDS_FILE) == 0)
            return &ss_embedded[i];
    return NULL;
}

/* The word itself, then every word of each group of the list it is in. */
static void related(const char *w, size_t len, struct alts *a)
{
    const struct ss_embedded_file *f = words_file();
    const char *p, *end, *line, *eol;

    a->n = 0;
    alt_add(a, w, len);
    if (!f)
        return;
    p = (const char *)f->data;
    end = p + f->len;
    for (line = p; line < end; line = eol + 1) {
        const char *q, *ws;
        int hit = 0;

        eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        if (*line == '#')
            continue;
        for (q = line; q < eol && !hit;) {
            while (q < eol && (*q == '\t' || *q == ' ' || *q == '\r'))
                q++;
            for (ws = q; q < eol && *q != '\t' && *q != ' ' && *q != '\r'; q++)
                ;
            hit = (size_t)(q - ws) == len && len && memcmp(ws, w, len) == 0;
        }
        for (q = line; hit && q < eol;) {
            while (q < eol && (*q == '\t' || *q == ' ' || *q == '\r'))
                q++;
            for (ws = q; q < eol && *q != '\t' && *q != ' ' && *q != '\r'; q++)
                ;
            if (q > ws)
                alt_add(a, ws, (size_t)(q - ws));
        }
    }
}

/* %word% with LIKE's wildcards and the escape character escaped. */
static void like_pattern(struct ss_buf *b, const char *w, size_t len)
{
    size_t k;

    ss_buf_reset(b);
    ss_buf_putc(b, '%');
    for (k = 0; k < len; k++) {
        if (w[k] == '%' || w[k] == '_' || w[k] == '\\')
            ss_buf_putc(b, '\\');
        ss_buf_putc(b, w[k]);
    }
    ss_buf_putc(b, '%');
}

int ss_store_search_targets(struct ss_store *st, int64_t plan_id, const struct ss_search *s,
                            int64_t *ids, size_t max, size_t *n, struct ss_err *err)
{
    struct alts alts[SS_SEARCH_MAX_WORDS];
    struct ss_buf sql, pat;
    struct store_stmt *stmt = NULL;
    size_t i, k;
    int rc = SS_OK, param = 3, step;

    *n = 0;
    if (s->n == 0 || max == 0)
        return SS_OK;
    ss_buf_init(&sql, 16384);
    ss_buf_init(&pat, SS_MAX_NAME * 2 + 8);
    ss_buf_puts(&sql, TARGET_SQL);
    for (i = 0; i < s->n; i++) {
        related(s->word[i], s->len[i], &alts[i]);
        ss_buf_puts(&sql, " AND (");
        for (k = 0; k < alts[i].n; k++)
            ss_buf_printf(&sql, "%shay LIKE lower(?%d) ESCAPE '\\'", k ? " OR " : "", param++);
        ss_buf_puts(&sql, ")");
    }
    ss_buf_puts(&sql, " ORDER BY no, seq, id LIMIT ?2");
    if (sql.err) {
        rc = ss_err_set(err, SS_EINVAL, "q", "the search has too many words");
        goto out;
    }
    if (!(stmt = store_prepare(st, sql.data, err))) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_int64(stmt, 1, plan_id);
    store_bind_int64(stmt, 2, (int64_t)max);
    param = 3;
    for (i = 0; i < s->n; i++)
        for (k = 0; k < alts[i].n; k++) {
            like_pattern(&pat, alts[i].s[k], alts[i].len[k]);
            store_bind_text(stmt, param++, pat.data);
        }
    while ((step = store_step(stmt)) == STORE_ROW && *n < max)
        ids[(*n)++] = store_col_int64(stmt, 0);
    rc = step == STORE_FAIL ? store_db_error(st, err, "searching targets") : SS_OK;
out:
    store_finalize(stmt);
    ss_buf_cleanup(&sql);
    ss_buf_cleanup(&pat);
    return rc;
}

static int all_digits(const char *w, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (w[i] < '0' || w[i] > '9')
            return 0;
    return len > 0;
}

int ss_store_search_orgs(struct ss_store *st, const char *word, size_t len, int64_t *ids,
                         size_t max, size_t *n, struct ss_err *err)
{
    char code[SS_MAX_ORG_CODE + 2], shortened[SS_MAX_ORG_CODE + 2];
    struct ss_buf pat;
    struct store_stmt *s;
    int rc, step, digits = all_digits(word, len) && len <= SS_MAX_ORG_CODE;

    *n = 0;
    if (len == 0 || max == 0)
        return SS_OK;
    if (!(s = store_prepare(st, ORG_SQL, err)))
        return SS_EDB;
    ss_buf_init(&pat, SS_MAX_NAME * 2 + 8);
    like_pattern(&pat, word, len);
    store_bind_text(s, 1, pat.data);
    if (digits) {
        size_t l = len;
        memcpy(code, word, len);
        code[len] = '\0';
        store_bind_text(s, 2, code);
        /* GB/T 2260 writes every code with six digits: 650100 is 6501 */
        while (l > 2 && l % 2 == 0 && code[l - 1] == '0' && code[l - 2] == '0')
            l -= 2;
        memcpy(shortened, code, l);
        shortened[l] = '\0';
        if (l < len)
            store_bind_text(s, 3, shortened);
        code[len] = '%';
        code[len + 1] = '\0';
        store_bind_text(s, 4, code);
    }
    store_bind_int64(s, 5, (int64_t)max);
    while ((step = store_step(s)) == STORE_ROW && *n < max)
        ids[(*n)++] = store_col_int64(s, 0);
    rc = step == STORE_FAIL ? store_db_error(st, err, "searching org units") : SS_OK;
    store_finalize(s);
    ss_buf_cleanup(&pat);
    return rc;
}
