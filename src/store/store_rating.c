/*
 * store_rating.c - satisfaction ratings and closed surveys (see
 * store_rating.h), on SQLite and PostgreSQL alike.
 *
 * Tables (migration STORE_SCHEMA_RATINGS): rating(period, project_no,
 * score, comment, survey_id, created_on), survey(period, project_no,
 * audience, codes, created_by, created_at), survey_code(digest, survey_id,
 * used). A code is used by one UPDATE ... WHERE used = 0 RETURNING: under
 * the writers' lock of the caller's transaction (BEGIN IMMEDIATE on
 * SQLite, the advisory lock on PostgreSQL, store.c) no other use runs
 * between its read and its write, and a use that lost finds used = 1.
 */
#include "store/store_rating.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/store_int.h"

static const char *const SOURCES[SS_RATING_NSOURCES] = {"open", "deputies", "staff"};

const char *ss_rating_source_name(enum ss_rating_source s)
{
    return (unsigned)s < SS_RATING_NSOURCES ? SOURCES[s] : "open";
}

int ss_rating_source_parse(const char *s)
{
    int i;

    for (i = 0; s && i < SS_RATING_NSOURCES; i++)
        if (strcmp(s, SOURCES[i]) == 0)
            return i;
    return -1;
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

int ss_store_rating_add(struct ss_store *st, const struct ss_rating_in *in, int64_t *id,
                        struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO rating(period, project_no, score, comment, survey_id,"
                      " created_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_text(s, 1, in->period);
    store_bind_int64(s, 2, in->project_no);
    store_bind_int64(s, 3, in->score);
    store_bind_text(s, 4, in->comment && *in->comment ? in->comment : NULL);
    if (in->survey_id)
        store_bind_int64(s, 5, in->survey_id);
    else
        store_bind_null(s, 5);
    store_bind_text(s, 6, in->day);
    if (store_step(s) != STORE_ROW) {
        rc = store_db_error(st, err, "storing a rating");
        store_finalize(s);
        store_tx_rollback(st);
        return rc;
    }
    if (id)
        *id = store_col_int64(s, 0);
    store_finalize(s);
    return store_tx_commit(st, err);
}

int ss_store_rating_counts(struct ss_store *st, const char *period, int project_no,
                           int64_t counts[SS_RATING_NSOURCES][SS_RATING_LEVELS], char latest[11])
{
    struct store_stmt *s =
        store_prepare(st,
                      "SELECT coalesce(s.audience, 'open'), r.score, count(*), max(r.created_on)"
                      " FROM rating r LEFT JOIN survey s ON s.id = r.survey_id"
                      " WHERE r.period = ?1 AND r.project_no = ?2"
                      " GROUP BY coalesce(s.audience, 'open'), r.score",
                      NULL);
    int step;

    memset(counts, 0, sizeof(int64_t) * SS_RATING_NSOURCES * SS_RATING_LEVELS);
    if (latest)
        latest[0] = '\0';
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, period);
    store_bind_int64(s, 2, project_no);
    while ((step = store_step(s)) == STORE_ROW) {
        int src = ss_rating_source_parse(store_col_text(s, 0));
        int64_t score = store_col_int64(s, 1);
        const char *day = store_col_text(s, 3);

        if (src >= 0 && score >= 1 && score <= SS_RATING_LEVELS)
            counts[src][score - 1] = store_col_int64(s, 2);
        if (latest && day && strcmp(day, latest) > 0)
            copy(latest, 11, day);
    }
    store_finalize(s);
    return step == STORE_DONE ? SS_OK : SS_EDB;
}

int ss_store_rating_comments(struct ss_store *st, const char *period, int project_no, size_t max,
                             struct ss_rating_comment **out, size_t *n)
{
    struct store_stmt *s = store_prepare(
        st,
        "SELECT r.id, r.project_no, r.score, coalesce(s.audience, 'open'), r.created_on,"
        " r.comment FROM rating r LEFT JOIN survey s ON s.id = r.survey_id"
        " WHERE r.period = ?1 AND (?2 = 0 OR r.project_no = ?2) AND r.comment IS NOT NULL"
        " ORDER BY r.id DESC LIMIT ?3",
        NULL);
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, period);
    store_bind_int64(s, 2, project_no);
    store_bind_int64(s, 3, (int64_t)max);
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_rating_comment *c;
        int src = ss_rating_source_parse(store_col_text(s, 3));

        c = SS_PUSH(*out, *n, cap);
        c->id = store_col_int64(s, 0);
        c->project_no = (int)store_col_int64(s, 1);
        c->score = (int)store_col_int64(s, 2);
        c->source = src < 0 ? SS_RATING_OPEN : (enum ss_rating_source)src;
        copy(c->day, sizeof c->day, store_col_text(s, 4));
        c->comment = store_col_strdup(s, 5);
        if (!c->comment)
            c->comment = ss_xstrdup("");
    }
    store_finalize(s);
    if (step != STORE_DONE) {
        ss_store_rating_comments_free(*out, *n);
        *out = NULL;
        *n = 0;
        return SS_EDB;
    }
    return SS_OK;
}

void ss_store_rating_comments_free(struct ss_rating_comment *c, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(c[i].comment);
    free(c);
}

/* ---- surveys ------------------------------------------------------------------ */

#define SURVEY_COLS                                                                                \
    "v.id, v.period, v.project_no, v.audience, v.codes, v.created_by, v.created_at,"               \
    " (SELECT count(*) FROM survey_code u WHERE u.survey_id = v.id AND u.used = 1)"

static void survey_row(struct store_stmt *s, struct ss_survey *v)
{
    int a = ss_rating_source_parse(store_col_text(s, 3));

    memset(v, 0, sizeof *v);
    v->id = store_col_int64(s, 0);
    copy(v->period, sizeof v->period, store_col_text(s, 1));
    v->project_no = (int)store_col_int64(s, 2);
    v->audience = a == SS_RATING_STAFF ? SS_RATING_STAFF : SS_RATING_DEPUTIES;
    v->codes = store_col_int64(s, 4);
    copy(v->created_by, sizeof v->created_by, store_col_text(s, 5));
    copy(v->created_at, sizeof v->created_at, store_col_text(s, 6));
    v->used = store_col_int64(s, 7);
}

int ss_store_survey_add(struct ss_store *st, const struct ss_survey *v, const char *const *digests,
                        size_t n, int64_t *id, struct ss_err *err)
{
    struct store_stmt *s;
    size_t i;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO survey(period, project_no, audience, codes, created_by,"
                      " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                      err);
    if (!s)
        goto fail;
    store_bind_text(s, 1, v->period);
    store_bind_int64(s, 2, v->project_no);
    store_bind_text(s, 3, ss_rating_source_name(v->audience));
    store_bind_int64(s, 4, (int64_t)n);
    store_bind_text(s, 5, ss_store_actor(st));
    store_bind_text(s, 6, v->created_at);
    if (store_step(s) != STORE_ROW) {
        store_db_error(st, err, "storing a survey");
        store_finalize(s);
        goto fail;
    }
    *id = store_col_int64(s, 0);
    store_finalize(s);
    if (!(s = store_prepare(st, "INSERT INTO survey_code(digest, survey_id) VALUES (?1, ?2)", err)))
        goto fail;
    for (i = 0; i < n; i++) {
        store_bind_text(s, 1, digests[i]);
        store_bind_int64(s, 2, *id);
        if (store_step(s) != STORE_DONE) {
            store_db_error(st, err, "storing a survey's codes");
            store_finalize(s);
            goto fail;
        }
        store_reset(s);
    }
    store_finalize(s);
    return store_tx_commit(st, err);
fail:
    store_tx_rollback(st);
    return SS_EDB;
}

int ss_store_survey_by_code(struct ss_store *st, const char *digest, struct ss_survey *out,
                            int *used)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT " SURVEY_COLS ", c.used FROM survey_code c"
                                         " JOIN survey v ON v.id = c.survey_id WHERE c.digest = ?1",
                                         NULL);
    int step;

    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, digest);
    step = store_step(s);
    if (step == STORE_ROW) {
        survey_row(s, out);
        *used = store_col_int64(s, 8) != 0;
    }
    store_finalize(s);
    return step == STORE_ROW ? SS_OK : step == STORE_DONE ? SS_ENOTFOUND : SS_EDB;
}

int ss_store_survey_use(struct ss_store *st, const char *digest, struct ss_survey *out,
                        struct ss_err *err)
{
    struct store_stmt *s;
    int rc, step, used = 0;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "UPDATE survey_code SET used = 1 WHERE digest = ?1 AND used = 0"
                      " RETURNING survey_id",
                      err);
    if (!s)
        goto fail_db;
    store_bind_text(s, 1, digest);
    step = store_step(s);
    store_finalize(s);
    if (step == STORE_FAIL) {
        rc = store_db_error(st, err, "using a survey code");
        store_tx_rollback(st);
        return rc;
    }
    /* read after the write: inside this transaction the code is used now,
     * whether this use or an earlier one marked it */
    rc = ss_store_survey_by_code(st, digest, out, &used);
    if (rc == SS_ENOTFOUND) {
        store_tx_rollback(st);
        return ss_err_set(err, SS_ENOTFOUND, "code", "no survey has this code");
    }
    if (rc)
        goto fail_db;
    if (step == STORE_DONE) {
        store_tx_rollback(st);
        return ss_err_set(err, SS_ECONFLICT, "code", "this survey code was used already");
    }
    return store_tx_commit(st, err);
fail_db:
    store_tx_rollback(st);
    return ss_err_set(err, SS_EDB, "", "cannot read the survey's codes");
}

int ss_store_surveys(struct ss_store *st, const char *period, int project_no,
                     struct ss_survey **out, size_t *n)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT " SURVEY_COLS " FROM survey v"
                                         " WHERE (CAST(?1 AS TEXT) IS NULL OR v.period = ?1)"
                                         " AND (?2 = 0 OR v.project_no = ?2) ORDER BY v.id DESC",
                                         NULL);
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, period);
    store_bind_int64(s, 2, project_no);
    while ((step = store_step(s)) == STORE_ROW) {
        survey_row(s, SS_PUSH(*out, *n, cap));
    }
    store_finalize(s);
    if (step != STORE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return SS_EDB;
    }
    return SS_OK;
}
