/*
 * store_bulletin.h - published bulletins, kept unchanged (migration
 * STORE_SCHEMA_BULLETIN, store_schema.c).
 *
 * A publish stores the PDF and XLSX bytes in a new row with their SHA-256
 * and the audit head printed on the cover; a second publish of the same
 * period, place and language is the next version, never an update: the
 * table's triggers refuse every UPDATE and DELETE. The row is audited (its
 * image holds the hashes, not the bytes), so the publish is in the log.
 * The bytes live in the database (a blob), so every server of a
 * PostgreSQL database serves the same file with nothing beside it.
 */
#ifndef SS_STORE_BULLETIN_H
#define SS_STORE_BULLETIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

struct ss_bulletin_rec {
    int64_t id;
    char period[8];    /* YYYY-MM */
    char org_code[16]; /* the place */
    char lang[4];      /* zh, en, ug */
    int64_t version;   /* 1, 2, ... per (period, place, language) */
    char head[96];     /* the audit head on the cover, ENTRY:HASH */
    int64_t pages;
    char pdf_sha256[65];
    int64_t pdf_size;
    char xlsx_sha256[65];
    int64_t xlsx_size;
    char published_by[128];
    char published_at[21];
};

/* Store a publish in the caller's transaction (ss_store_begin; SS_EINVAL
 * without one): rec's period, org_code, lang, head and pages are given;
 * the version, hashes, sizes, actor, time and id are filled in. */
int ss_store_bulletin_add(struct ss_store *st, struct ss_bulletin_rec *rec, const char *pdf,
                          size_t pdf_len, const char *xlsx, size_t xlsx_len, struct ss_err *err);

/* Every published bulletin, newest first; *out is freed with free(). */
int ss_store_bulletin_list(struct ss_store *st, struct ss_bulletin_rec **out, size_t *n,
                           struct ss_err *err);

/* One bulletin's record, and its PDF (xlsx = 0) or XLSX bytes when data
 * is not NULL (*data malloc'd). SS_ENOTFOUND when there is no such id. */
int ss_store_bulletin_get(struct ss_store *st, int64_t id, int xlsx, struct ss_bulletin_rec *rec,
                          char **data, size_t *len, struct ss_err *err);

#endif
