/*
 * store_search.c - FTS5 (trigram) search over targets, as a per-connection
 * TEMP index (see store_search.h for why TEMP).
 *
 * Invariant: temp.target_fts holds one row per target (rowid = target id)
 * whenever temp.target_fts_sig holds the signature of the target and
 * project tables it was built from. A search first compares signatures and
 * rebuilds on a mismatch, in one transaction of the temp schema.
 *
 * SQL is built from fixed fragments only; every term is a bound parameter.
 */
#include "store/store_search.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "store/store_int.h"

#define MAX_TERMS 8

static const char SIG_SQL[] =
    "SELECT count(*) || ':' || ifnull(max(t.id), 0) || ':' ||"
    " total(length(t.text) + length(t.metric) + length(p.title)) || ':' ||"
    " ifnull(sum(t.id * 31 + p.id), 0)"
    " FROM target t JOIN project p ON p.id = t.project_id";

/* Build or rebuild the temp index when the targets changed. */
static int ensure_index(struct ss_store *st, struct ss_err *err)
{
    sqlite3_stmt *s;
    char *sig = NULL, *old = NULL;
    int rc;

    if ((rc = store_exec(st,
                         "CREATE VIRTUAL TABLE IF NOT EXISTS temp.target_fts USING fts5("
                         "text, metric, title, plan_id UNINDEXED, tokenize = 'trigram');"
                         "CREATE TABLE IF NOT EXISTS temp.target_fts_sig (sig TEXT);",
                         err)))
        return rc;
    if (!(s = store_prepare(st, SIG_SQL, err)))
        return SS_EDB;
    if (sqlite3_step(s) == SQLITE_ROW)
        sig = store_col_strdup(s, 0);
    sqlite3_finalize(s);
    if (!(s = store_prepare(st, "SELECT sig FROM temp.target_fts_sig", err))) {
        rc = SS_EDB;
        goto out;
    }
    if (sqlite3_step(s) == SQLITE_ROW)
        old = store_col_strdup(s, 0);
    sqlite3_finalize(s);
    if (sig && old && strcmp(sig, old) == 0)
        goto out;
    if ((rc = store_exec(st, "SAVEPOINT fts", err)))
        goto out;
    rc = store_exec(st,
                    "DELETE FROM temp.target_fts; DELETE FROM temp.target_fts_sig;"
                    "INSERT INTO temp.target_fts (rowid, text, metric, title, plan_id)"
                    " SELECT t.id, t.text, t.metric, p.title, t.plan_id"
                    " FROM target t JOIN project p ON p.id = t.project_id",
                    err);
    if (!rc) {
        s = store_prepare(st, "INSERT INTO temp.target_fts_sig (sig) VALUES (?)", err);
        if (!s) {
            rc = SS_EDB;
        } else {
            store_bind_text(s, 1, sig ? sig : "");
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = store_db_error(st, err, "indexing targets");
            sqlite3_finalize(s);
        }
    }
    if (rc)
        store_exec(st, "ROLLBACK TO fts; RELEASE fts", NULL);
    else
        rc = store_exec(st, "RELEASE fts", err);
out:
    free(sig);
    free(old);
    return rc;
}

/* Split q on ASCII whitespace into at most MAX_TERMS terms. */
static size_t split_terms(const char *q, const char *start[], size_t len[])
{
    size_t n = 0;
    const char *p = q;

    while (*p && n < MAX_TERMS) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        start[n] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        len[n] = (size_t)(p - start[n]);
        n++;
    }
    return n;
}

int ss_store_search_targets(struct ss_store *st, int64_t plan_id, const char *q, int64_t *ids,
                            size_t max, size_t *n, struct ss_err *err)
{
    const char *tstart[MAX_TERMS];
    size_t tlen[MAX_TERMS], nterms, i;
    int short_term = 0, rc = SS_OK;
    struct ss_buf sql, arg;
    sqlite3_stmt *s = NULL;

    *n = 0;
    if (strlen(q) > SS_MAX_NAME)
        return ss_err_set(err, SS_EINVAL, "q", "the search is longer than %d bytes",
                          SS_MAX_NAME);
    if (!ss_utf8_valid(q, strlen(q)))
        return ss_err_set(err, SS_EINVAL, "q", "the search is not valid UTF-8");
    nterms = split_terms(q, tstart, tlen);
    if (nterms == 0 || max == 0)
        return SS_OK;
    if ((rc = ensure_index(st, err)))
        return rc;
    for (i = 0; i < nterms; i++)
        if (ss_utf8_len(tstart[i], tlen[i]) < 3)
            short_term = 1;

    ss_buf_init(&sql, 4096);
    ss_buf_init(&arg, SS_MAX_NAME * 2 + 16);
    ss_buf_puts(&sql, "SELECT rowid FROM temp.target_fts WHERE plan_id = ?1");
    if (!short_term) {
        /* trigram MATCH: each term a quoted phrase, all required */
        ss_buf_puts(&sql, " AND target_fts MATCH ?2 ORDER BY rank LIMIT ?3");
        for (i = 0; i < nterms; i++) {
            size_t k;
            ss_buf_puts(&arg, i ? " \"" : "\"");
            for (k = 0; k < tlen[i]; k++) {
                if (tstart[i][k] == '"')
                    ss_buf_putc(&arg, '"');
                ss_buf_putc(&arg, tstart[i][k]);
            }
            ss_buf_putc(&arg, '"');
        }
    } else {
        for (i = 0; i < nterms; i++)
            ss_buf_printf(&sql,
                          " AND (text LIKE ?%zu ESCAPE '\\' OR metric LIKE ?%zu ESCAPE '\\'"
                          " OR title LIKE ?%zu ESCAPE '\\')",
                          i + 3, i + 3, i + 3);
        ss_buf_puts(&sql, " ORDER BY rowid LIMIT ?2");
    }
    if (sql.err || arg.err) {
        rc = ss_err_set(err, SS_EINVAL, "q", "the search is too long");
        goto out;
    }
    if (!(s = store_prepare(st, sql.data, err))) {
        rc = SS_EDB;
        goto out;
    }
    sqlite3_bind_int64(s, 1, plan_id);
    if (!short_term) {
        sqlite3_bind_text(s, 2, arg.data, (int)arg.len, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
    } else {
        sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
        for (i = 0; i < nterms; i++) {
            size_t k;
            ss_buf_reset(&arg);
            ss_buf_putc(&arg, '%');
            for (k = 0; k < tlen[i]; k++) {
                char c = tstart[i][k];
                if (c == '%' || c == '_' || c == '\\')
                    ss_buf_putc(&arg, '\\');
                ss_buf_putc(&arg, c);
            }
            ss_buf_putc(&arg, '%');
            sqlite3_bind_text(s, (int)i + 3, arg.data, (int)arg.len, SQLITE_TRANSIENT);
        }
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < max)
        ids[(*n)++] = sqlite3_column_int64(s, 0);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        rc = store_db_error(st, err, "searching targets");
    else
        rc = SS_OK;
out:
    sqlite3_finalize(s);
    ss_buf_cleanup(&sql);
    ss_buf_cleanup(&arg);
    return rc;
}
