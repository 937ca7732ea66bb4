/*
 * store_bulletin.c - published bulletins (store_bulletin.h).
 *
 * The version is max + 1 read inside the write transaction, which holds
 * the writers' lock on both backends, so two publishes cannot take the
 * same number; UNIQUE (period, org_code, lang, version) says so too.
 */
#include "store/store_bulletin.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/store_int.h"

#define COLS                                                                                       \
    "id, period, org_code, lang, version, head, pages, pdf_sha256, pdf_size, xlsx_sha256,"         \
    " xlsx_size, coalesce(published_by, ''), published_at"

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static void read_rec(struct store_stmt *s, struct ss_bulletin_rec *r)
{
    memset(r, 0, sizeof *r);
    r->id = store_col_int64(s, 0);
    copy(r->period, sizeof r->period, store_col_text(s, 1));
    copy(r->org_code, sizeof r->org_code, store_col_text(s, 2));
    copy(r->lang, sizeof r->lang, store_col_text(s, 3));
    r->version = store_col_int64(s, 4);
    copy(r->head, sizeof r->head, store_col_text(s, 5));
    r->pages = store_col_int64(s, 6);
    copy(r->pdf_sha256, sizeof r->pdf_sha256, store_col_text(s, 7));
    r->pdf_size = store_col_int64(s, 8);
    copy(r->xlsx_sha256, sizeof r->xlsx_sha256, store_col_text(s, 9));
    r->xlsx_size = store_col_int64(s, 10);
    copy(r->published_by, sizeof r->published_by, store_col_text(s, 11));
    copy(r->published_at, sizeof r->published_at, store_col_text(s, 12));
}

int ss_store_bulletin_add(struct ss_store *st, struct ss_bulletin_rec *rec, const char *pdf,
                          size_t pdf_len, const char *xlsx, size_t xlsx_len, struct ss_err *err)
{
    struct store_stmt *s = NULL;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "SELECT coalesce(max(version), 0) + 1 FROM bulletin"
                      " WHERE period = ?1 AND org_code = ?2 AND lang = ?3",
                      err);
    if (!s)
        goto fail_db;
    store_bind_text(s, 1, rec->period);
    store_bind_text(s, 2, rec->org_code);
    store_bind_text(s, 3, rec->lang);
    if (store_step(s) != STORE_ROW)
        goto fail_step;
    rec->version = store_col_int64(s, 0);
    store_finalize(s);
    sha256_hex(pdf, pdf_len, rec->pdf_sha256);
    sha256_hex(xlsx, xlsx_len, rec->xlsx_sha256);
    rec->pdf_size = (int64_t)pdf_len;
    rec->xlsx_size = (int64_t)xlsx_len;
    copy(rec->published_by, sizeof rec->published_by, ss_store_actor(st));
    store_now(rec->published_at);
    s = store_prepare(st,
                      "INSERT INTO bulletin(period, org_code, lang, version, head, pages,"
                      " pdf_sha256, pdf_size, xlsx_sha256, xlsx_size, published_by, published_at,"
                      " pdf, xlsx) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                      " ?14) RETURNING id",
                      err);
    if (!s)
        goto fail_db;
    store_bind_text(s, 1, rec->period);
    store_bind_text(s, 2, rec->org_code);
    store_bind_text(s, 3, rec->lang);
    store_bind_int64(s, 4, rec->version);
    store_bind_text(s, 5, rec->head);
    store_bind_int64(s, 6, rec->pages);
    store_bind_text(s, 7, rec->pdf_sha256);
    store_bind_int64(s, 8, rec->pdf_size);
    store_bind_text(s, 9, rec->xlsx_sha256);
    store_bind_int64(s, 10, rec->xlsx_size);
    store_bind_text(s, 11, rec->published_by);
    store_bind_text(s, 12, rec->published_at);
    store_bind_blob(s, 13, pdf, pdf_len);
    store_bind_blob(s, 14, xlsx, xlsx_len);
    if (store_step(s) != STORE_ROW)
        goto fail_step;
    rec->id = store_col_int64(s, 0);
    store_finalize(s);
    return store_tx_commit(st, err);
fail_step:
    rc = store_db_error(st, err, "storing a bulletin");
    store_finalize(s);
    store_tx_rollback(st);
    return rc;
fail_db:
    store_tx_rollback(st);
    return SS_EDB;
}

int ss_store_bulletin_list(struct ss_store *st, struct ss_bulletin_rec **out, size_t *n,
                           struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st, "SELECT " COLS " FROM bulletin ORDER BY id DESC", err);
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (!s)
        return SS_EDB;
    while ((step = store_step(s)) == STORE_ROW) {
        read_rec(s, SS_PUSH(*out, *n, cap));
    }
    store_finalize(s);
    if (step != STORE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return store_db_error(st, err, "reading bulletins");
    }
    return SS_OK;
}

int ss_store_bulletin_get(struct ss_store *st, int64_t id, int xlsx, struct ss_bulletin_rec *rec,
                          char **data, size_t *len, struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st,
                                         xlsx ? "SELECT " COLS ", xlsx FROM bulletin WHERE id = ?1"
                                              : "SELECT " COLS ", pdf FROM bulletin WHERE id = ?1",
                                         err);
    int step;

    if (data) {
        *data = NULL;
        *len = 0;
    }
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, id);
    step = store_step(s);
    if (step == STORE_ROW) {
        read_rec(s, rec);
        if (data) {
            size_t n = 0;
            const void *p = store_col_blob(s, 13, &n);
            *data = ss_xmalloc(n ? n : 1);
            if (n)
                memcpy(*data, p, n);
            *len = n;
        }
    }
    store_finalize(s);
    if (step == STORE_DONE)
        return ss_err_set(err, SS_ENOTFOUND, "id", "no bulletin %lld", (long long)id);
    return step == STORE_ROW ? SS_OK : store_db_error(st, err, "reading a bulletin");
}
