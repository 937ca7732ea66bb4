/*
 * store_follow.c - the feeds' entries, the status history and the email
 * subscriptions (see store_follow.h), one text for both backends.
 *
 * Scope: ?1 the plan, ?2 a target (0: all), ?3 an org unit whose subtree
 * counts (0: all), ?4 a project (0: all), ?5 since (NULL: all), ?6 the
 * limit. Every feed statement names all six, so PostgreSQL knows each
 * one's type. The subtree is a recursive CTE down org_unit.parent_id
 * (its index), empty when ?3 is 0.
 *
 * "Changes a figure": the report's value, numerator or denominator
 * differs from the unit's previous approved report of the target in
 * approval order (LAG over seq), or there is none before it. A report
 * that repeats the last figure says nothing new and makes no entry.
 */
#include "store/store_follow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/store_db.h"
#include "store/store_int.h"

#define SUBTREE                                                                                    \
    "WITH RECURSIVE sub(id) AS (SELECT id FROM org_unit WHERE id = ?3 UNION ALL "                  \
    "SELECT o.id FROM org_unit o JOIN sub ON o.parent_id = sub.id) "
/* the scope over a row with target T and org unit O, t the target row */
#define SCOPE(T, O)                                                                                \
    "t.plan_id = ?1 AND (?2 = 0 OR " T " = ?2) AND (?4 = 0 OR t.project_id = ?4) AND "             \
    "(?3 = 0 OR " O " IN (SELECT id FROM sub))"
#define SINCE(AT) "(CAST(?5 AS TEXT) IS NULL OR " AT " >= ?5)"

static void copy_text(struct store_stmt *s, int i, char *out, size_t cap)
{
    const char *t = store_col_text(s, i);

    snprintf(out, cap, "%s", t ? t : "");
}

static double col_num(struct store_stmt *s, int i)
{
    return store_col_null(s, i) ? NAN : store_col_double(s, i);
}

/* Run s (bound) expecting no rows; its changes into *changes (may be NULL). */
static int run_done(struct ss_store *st, struct store_stmt *s, const char *what, int64_t *changes,
                    struct ss_err *err)
{
    int rc = SS_OK;

    if (!s)
        return SS_EDB;
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, what);
    else if (changes)
        *changes = store_changes(s);
    store_finalize(s);
    return rc;
}

static int tx_end(struct ss_store *st, int rc, struct ss_err *err)
{
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

static struct store_stmt *feed_prepare(struct ss_store *st, const char *sql,
                                       const struct ss_feed_scope *sc, const char *since,
                                       size_t limit)
{
    struct store_stmt *s = store_prepare(st, sql, NULL);

    if (!s)
        return NULL;
    store_bind_int64(s, 1, sc->plan_id);
    store_bind_int64(s, 2, sc->target_id);
    store_bind_int64(s, 3, sc->org_id);
    store_bind_int64(s, 4, sc->project_id);
    store_bind_text(s, 5, since);
    store_bind_int64(s, 6, (int64_t)limit);
    return s;
}

/* Step s to its end, fn(row) for each: fn's non-zero ends the walk. */
#define FEED_WALK(s, row, fill, fn, ctx)                                                           \
    do {                                                                                           \
        int step_;                                                                                 \
        if (!(s))                                                                                  \
            return SS_EDB;                                                                         \
        while ((step_ = store_step(s)) == STORE_ROW) {                                             \
            memset(&(row), 0, sizeof(row));                                                        \
            fill;                                                                                  \
            if ((rc = (fn)((ctx), &(row))))                                                        \
                break;                                                                             \
        }                                                                                          \
        if (!rc && step_ != STORE_DONE)                                                            \
            rc = SS_EDB;                                                                           \
        store_finalize(s);                                                                         \
    } while (0)

static void report_fill(struct store_stmt *s, struct ss_feed_report *r)
{
    r->id = store_col_int64(s, 0);
    r->target_id = store_col_int64(s, 1);
    r->org_id = store_col_int64(s, 2);
    copy_text(s, 3, r->as_of, sizeof r->as_of);
    r->value = col_num(s, 4);
    r->numerator = col_num(s, 5);
    r->denominator = col_num(s, 6);
    r->prev_value = col_num(s, 7);
    copy_text(s, 8, r->at, sizeof r->at);
}

int ss_store_feed_reports(struct ss_store *st, const struct ss_feed_scope *sc, const char *since,
                          size_t limit, ss_feed_report_fn fn, void *ctx)
{
    static const char SQL[] =
        SUBTREE ", x AS (SELECT r.id, r.target_id, r.org_id, r.as_of, r.value, r.numerator, "
                "r.denominator, coalesce(r.reviewed_at, r.created_at) AS tm, "
                "LAG(r.id) OVER w AS prev_id, LAG(r.value) OVER w AS pv, "
                "LAG(r.numerator) OVER w AS pn, LAG(r.denominator) OVER w AS pd "
                "FROM report r JOIN target t ON t.id = r.target_id "
                "WHERE r.status = 'approved' AND " SCOPE(
                    "r.target_id",
                    "r.org_id") " "
                                "WINDOW w AS (PARTITION BY r.target_id, r.org_id ORDER BY r.seq)) "
                                "SELECT id, target_id, org_id, as_of, value, numerator, "
                                "denominator, pv, tm FROM x "
                                "WHERE (prev_id IS NULL OR coalesce(value, -1e300) <> coalesce(pv, "
                                "-1e300) OR "
                                "coalesce(numerator, -1e300) <> coalesce(pn, -1e300) OR "
                                "coalesce(denominator, -1e300) <> coalesce(pd, -1e300)) AND " SINCE(
                                    "tm") " "
                                          "ORDER BY tm DESC, id DESC LIMIT ?6";
    struct store_stmt *s = feed_prepare(st, SQL, sc, since, limit);
    struct ss_feed_report r;
    int rc = SS_OK;

    FEED_WALK(s, r, report_fill(s, &r), fn, ctx);
    return rc;
}

static void status_fill(struct store_stmt *s, struct ss_feed_status *r)
{
    r->id = store_col_int64(s, 0);
    r->target_id = store_col_int64(s, 1);
    r->org_id = store_col_int64(s, 2);
    copy_text(s, 3, r->day, sizeof r->day);
    copy_text(s, 4, r->at, sizeof r->at);
    copy_text(s, 5, r->from, sizeof r->from);
    copy_text(s, 6, r->to, sizeof r->to);
}

int ss_store_feed_statuses(struct ss_store *st, const struct ss_feed_scope *sc, const char *since,
                           size_t limit, ss_feed_status_fn fn, void *ctx)
{
    static const char SQL[] = SUBTREE
        "SELECT s.id, s.target_id, s.org_id, s.day, s.at, s.from_status, s.to_status "
        "FROM status_change s JOIN target t ON t.id = s.target_id "
        "WHERE " SCOPE("s.target_id",
                       "s.org_id") " AND " SINCE("s.at") " "
                                                         "ORDER BY s.at DESC, s.id DESC LIMIT ?6";
    struct store_stmt *s = feed_prepare(st, SQL, sc, since, limit);
    struct ss_feed_status r;
    int rc = SS_OK;

    FEED_WALK(s, r, status_fill(s, &r), fn, ctx);
    return rc;
}

static void notice_fill(struct store_stmt *s, struct ss_feed_notice *r)
{
    r->event_id = store_col_int64(s, 0);
    r->notice_id = store_col_int64(s, 1);
    r->target_id = store_col_int64(s, 2);
    r->org_id = store_col_int64(s, 3);
    r->year = (int)store_col_int64(s, 4);
    r->no = (int)store_col_int64(s, 5);
    copy_text(s, 6, r->kind, sizeof r->kind);
    copy_text(s, 7, r->grade, sizeof r->grade);
    copy_text(s, 8, r->day, sizeof r->day);
    copy_text(s, 9, r->at, sizeof r->at);
}

int ss_store_feed_notices(struct ss_store *st, const struct ss_feed_scope *sc, const char *since,
                          size_t limit, ss_feed_notice_fn fn, void *ctx)
{
    static const char SQL[] = SUBTREE
        "SELECT e.id, n.id, n.target_id, n.org_id, n.year, n.no, e.kind, e.grade, e.day, "
        "e.at FROM notice_event e JOIN notice n ON n.id = e.notice_id "
        "JOIN target t ON t.id = n.target_id "
        "WHERE e.kind IN ('issued', 'closed') AND " SCOPE("n.target_id", "n.org_id") " AND " SINCE(
            "e.at") " ORDER BY e.at DESC, e.id DESC LIMIT ?6";
    struct store_stmt *s = feed_prepare(st, SQL, sc, since, limit);
    struct ss_feed_notice r;
    int rc = SS_OK;

    FEED_WALK(s, r, notice_fill(s, &r), fn, ctx);
    return rc;
}

static void message_fill(struct store_stmt *s, struct ss_feed_message *m)
{
    const char *t;

    m->id = store_col_int64(s, 0);
    m->target_id = store_col_null(s, 1) ? 0 : store_col_int64(s, 1);
    m->org_id = store_col_int64(s, 2);
    m->project_no = store_col_null(s, 3) ? 0 : (int)store_col_int64(s, 3);
    copy_text(s, 4, m->about, sizeof m->about);
    copy_text(s, 5, m->kind, sizeof m->kind);
    copy_text(s, 6, m->at, sizeof m->at);
    t = store_col_text(s, 7);
    m->text = ss_xstrdup(t ? t : "");
    t = store_col_text(s, 8);
    m->reply = ss_xstrdup(t ? t : "");
}

static int message_call(ss_feed_message_fn fn, void *ctx, struct ss_feed_message *m)
{
    int rc = fn(ctx, m);

    free(m->text);
    free(m->reply);
    return rc;
}

int ss_store_feed_messages(struct ss_store *st, const struct ss_feed_scope *sc, const char *since,
                           size_t limit, ss_feed_message_fn fn, void *ctx)
{
    /* a project's feed: messages about it (by number) or about its targets */
    static const char SQL[] =
        SUBTREE "SELECT m.id, m.target_id, m.org_id, m.project_no, m.about, m.kind, m.replied_at, "
                "m.text, m.reply FROM message m LEFT JOIN target t ON t.id = m.target_id "
                "WHERE m.plan_id = ?1 AND m.status = 'published' AND m.reply IS NOT NULL "
                "AND m.replied_at IS NOT NULL AND (?2 = 0 OR m.target_id = ?2) "
                "AND (?4 = 0 OR t.project_id = ?4 OR m.project_no = "
                "(SELECT no FROM project WHERE id = ?4)) "
                "AND (?3 = 0 OR m.org_id IN (SELECT id FROM sub)) AND " SINCE(
                    "m.replied_at") " ORDER BY m.replied_at DESC, m.id DESC LIMIT ?6";
    struct store_stmt *s = feed_prepare(st, SQL, sc, since, limit);
    struct ss_feed_message m;
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    while ((step = store_step(s)) == STORE_ROW) {
        memset(&m, 0, sizeof m);
        message_fill(s, &m);
        if ((rc = message_call(fn, ctx, &m)))
            break;
    }
    if (!rc && step != STORE_DONE)
        rc = SS_EDB;
    store_finalize(s);
    return rc;
}

/* ---- the status history ----------------------------------------------------- */

/* meta key of plan_id's mark */
static void mark_key(int64_t plan_id, char out[48])
{
    snprintf(out, 48, "follow.status_mark.%lld", (long long)plan_id);
}

int ss_store_status_mark(struct ss_store *st, int64_t plan_id, int64_t *seq, char day[11],
                         struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st, "SELECT value FROM meta WHERE key = ?1", err);
    char key[48];
    long long v;
    int rc = SS_OK, step;

    *seq = 0;
    day[0] = '\0';
    if (!s)
        return SS_EDB;
    mark_key(plan_id, key);
    store_bind_text(s, 1, key);
    if ((step = store_step(s)) == STORE_ROW) {
        const char *t = store_col_text(s, 0);
        char d[11];
        if (t && sscanf(t, "%lld %10s", &v, d) == 2) {
            *seq = (int64_t)v;
            memcpy(day, d, 11);
        }
    } else if (step != STORE_DONE) {
        rc = store_db_error(st, err, "reading the status history");
    }
    store_finalize(s);
    return rc;
}

int ss_store_status_mark_set(struct ss_store *st, int64_t plan_id, int64_t seq, const char *day,
                             struct ss_err *err)
{
    struct store_stmt *s;
    char key[48], value[48];
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    mark_key(plan_id, key);
    snprintf(value, sizeof value, "%lld %.10s", (long long)seq, day);
    s = store_prepare(st,
                      "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                      err);
    if (s) {
        store_bind_text(s, 1, key);
        store_bind_text(s, 2, value);
    }
    rc = run_done(st, s, "recording the status mark", NULL, err);
    return tx_end(st, rc, err);
}

int ss_store_status_each(struct ss_store *st, int64_t plan_id, ss_status_now_fn fn, void *ctx)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT n.target_id, n.org_id, n.status FROM status_now n "
                                         "JOIN target t ON t.id = n.target_id WHERE t.plan_id = ?1",
                                         NULL);
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    while ((step = store_step(s)) == STORE_ROW)
        if ((rc = fn(ctx, store_col_int64(s, 0), store_col_int64(s, 1), store_col_text(s, 2))))
            break;
    if (!rc && step != STORE_DONE)
        rc = SS_EDB;
    store_finalize(s);
    return rc;
}

int ss_store_status_put(struct ss_store *st, int64_t target_id, int64_t org_id, const char *from,
                        const char *to, const char *day, int64_t seq, const char *at,
                        struct ss_err *err)
{
    struct store_stmt *s = NULL;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO status_now(target_id, org_id, status, day, seq) "
                      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (target_id, org_id) DO UPDATE "
                      "SET status = excluded.status, day = excluded.day, seq = excluded.seq",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    store_bind_text(s, 3, to);
    store_bind_text(s, 4, day);
    store_bind_int64(s, 5, seq);
    if (store_step(s) != STORE_DONE) {
        rc = store_db_error(st, err, "recording a status");
        goto out;
    }
    store_finalize(s);
    s = NULL;
    if (!from)
        goto out;
    s = store_prepare(st,
                      "INSERT INTO status_change(target_id, org_id, day, at, from_status, "
                      "to_status, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    store_bind_text(s, 3, day);
    store_bind_text(s, 4, at);
    store_bind_text(s, 5, from);
    store_bind_text(s, 6, to);
    store_bind_int64(s, 7, seq);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "recording a status change");
out:
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

/* ---- subscriptions ---------------------------------------------------------- */

void ss_sub_rec_cleanup(struct ss_sub_rec *r)
{
    free(r->email);
    free(r->unsub_token);
    memset(r, 0, sizeof *r);
}

#define SUB_COLS                                                                                   \
    "id, about_kind, about_ref, org_id, email, unsub_token, lang, status, "                        \
    "coalesce(digest_day, ''), coalesce(digest_until, created_at) FROM subscription"

static void sub_fill(struct store_stmt *s, struct ss_sub_rec *r)
{
    memset(r, 0, sizeof *r);
    r->id = store_col_int64(s, 0);
    copy_text(s, 1, r->about_kind, sizeof r->about_kind);
    copy_text(s, 2, r->about_ref, sizeof r->about_ref);
    r->org_id = store_col_int64(s, 3);
    r->email = ss_xstrdup(store_col_text(s, 4) ? store_col_text(s, 4) : "");
    r->unsub_token = ss_xstrdup(store_col_text(s, 5) ? store_col_text(s, 5) : "");
    copy_text(s, 6, r->lang, sizeof r->lang);
    copy_text(s, 7, r->status, sizeof r->status);
    copy_text(s, 8, r->digest_day, sizeof r->digest_day);
    copy_text(s, 9, r->digest_until, sizeof r->digest_until);
}

int ss_store_sub_request(struct ss_store *st, const struct ss_sub_new *n, const char *now,
                         int64_t *id, int *ask, struct ss_err *err)
{
    struct store_stmt *s;
    char status[16] = "";
    int rc, step;

    *id = 0;
    *ask = 0;
    if ((rc = store_tx_join(st, err)))
        return rc;
    /* a read first: a failed INSERT would end a PostgreSQL transaction */
    s = store_prepare(st,
                      "SELECT id, status FROM subscription WHERE email_digest = ?1 AND "
                      "about_kind = ?2 AND about_ref = ?3",
                      err);
    if (!s)
        return tx_end(st, SS_EDB, err);
    store_bind_text(s, 1, n->email_digest);
    store_bind_text(s, 2, n->about_kind);
    store_bind_text(s, 3, n->about_ref);
    if ((step = store_step(s)) == STORE_ROW) {
        *id = store_col_int64(s, 0);
        copy_text(s, 1, status, sizeof status);
    } else if (step != STORE_DONE) {
        rc = store_db_error(st, err, "finding the subscription");
    }
    store_finalize(s);
    if (rc)
        return tx_end(st, rc, err);
    if (strcmp(status, "confirmed") == 0)
        return tx_end(st, SS_OK, err);
    *ask = 1;
    if (*id == 0) {
        s = store_prepare(st,
                          "INSERT INTO subscription(about_kind, about_ref, org_id, email, "
                          "email_digest, lang, status, confirm_digest, unsub_digest, unsub_token, "
                          "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?9, ?10) "
                          "RETURNING id",
                          err);
        if (!s)
            return tx_end(st, SS_EDB, err);
        store_bind_text(s, 1, n->about_kind);
        store_bind_text(s, 2, n->about_ref);
        store_bind_int64(s, 3, n->org_id);
        store_bind_text(s, 4, n->email);
        store_bind_text(s, 5, n->email_digest);
        store_bind_text(s, 6, n->lang);
        store_bind_text(s, 7, n->confirm_digest);
        store_bind_text(s, 8, n->unsub_digest);
        store_bind_text(s, 9, n->unsub_token);
        store_bind_text(s, 10, now);
        if (store_step(s) == STORE_ROW)
            *id = store_col_int64(s, 0);
        else
            rc = store_db_error(st, err, "saving the subscription");
        store_finalize(s);
        return tx_end(st, rc, err);
    }
    /* pending again, or ended and back: new tokens, the address sealed anew */
    s = store_prepare(st,
                      "UPDATE subscription SET status = 'pending', email = ?2, lang = ?3, "
                      "confirm_digest = ?4, unsub_digest = ?5, unsub_token = ?6, ended_at = NULL, "
                      "org_id = ?7 WHERE id = ?1",
                      err);
    if (s) {
        store_bind_int64(s, 1, *id);
        store_bind_text(s, 2, n->email);
        store_bind_text(s, 3, n->lang);
        store_bind_text(s, 4, n->confirm_digest);
        store_bind_text(s, 5, n->unsub_digest);
        store_bind_text(s, 6, n->unsub_token);
        store_bind_int64(s, 7, n->org_id);
    }
    rc = run_done(st, s, "renewing the subscription", NULL, err);
    return tx_end(st, rc, err);
}

int ss_store_sub_find(struct ss_store *st, int confirm, const char *d, struct ss_sub_rec *out,
                      struct ss_err *err)
{
    struct store_stmt *s = store_prepare(
        st,
        confirm ? "SELECT " SUB_COLS " WHERE confirm_digest = ?1 AND status = 'pending'"
                : "SELECT " SUB_COLS " WHERE unsub_digest = ?1",
        err);
    int rc = SS_OK, step;

    memset(out, 0, sizeof *out);
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, d);
    if ((step = store_step(s)) == STORE_ROW)
        sub_fill(s, out);
    else
        rc = step == STORE_DONE
                 ? ss_err_set(err, SS_ENOTFOUND, "token", "this link is not (or no longer) valid")
                 : store_db_error(st, err, "finding the subscription");
    store_finalize(s);
    return rc;
}

int ss_store_sub_confirm(struct ss_store *st, const char *d, const char *now, int64_t *id,
                         struct ss_err *err)
{
    struct store_stmt *s;
    int rc, step;

    *id = 0;
    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "UPDATE subscription SET status = 'confirmed', confirmed_at = ?2, "
                      "confirm_digest = NULL, digest_until = ?2 "
                      "WHERE confirm_digest = ?1 AND status = 'pending' RETURNING id",
                      err);
    if (!s)
        return tx_end(st, SS_EDB, err);
    store_bind_text(s, 1, d);
    store_bind_text(s, 2, now);
    if ((step = store_step(s)) == STORE_ROW)
        *id = store_col_int64(s, 0);
    else
        rc = step == STORE_DONE
                 ? ss_err_set(err, SS_ENOTFOUND, "token", "this link is not (or no longer) valid")
                 : store_db_error(st, err, "confirming the subscription");
    store_finalize(s);
    return tx_end(st, rc, err);
}

int ss_store_sub_end(struct ss_store *st, const char *d, const char *now, int *ended,
                     struct ss_err *err)
{
    struct ss_sub_rec r;
    struct store_stmt *s;
    int64_t n = 0;
    int rc;

    *ended = 0;
    if ((rc = store_tx_join(st, err)))
        return rc;
    if ((rc = ss_store_sub_find(st, 0, d, &r, err)))
        return tx_end(st, rc, err);
    ss_sub_rec_cleanup(&r);
    s = store_prepare(st,
                      "UPDATE subscription SET status = 'ended', email = '', ended_at = ?2, "
                      "confirm_digest = NULL WHERE unsub_digest = ?1 AND status <> 'ended'",
                      err);
    if (s) {
        store_bind_text(s, 1, d);
        store_bind_text(s, 2, now);
    }
    rc = run_done(st, s, "ending the subscription", &n, err);
    *ended = n == 1;
    return tx_end(st, rc, err);
}

int ss_store_sub_each_due(struct ss_store *st, const char *day, ss_sub_fn fn, void *ctx)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT " SUB_COLS " WHERE status = 'confirmed' AND "
                                         "(digest_day IS NULL OR digest_day < ?1) ORDER BY id",
                                         NULL);
    struct ss_sub_rec r;
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, day);
    while ((step = store_step(s)) == STORE_ROW) {
        sub_fill(s, &r);
        rc = fn(ctx, &r);
        ss_sub_rec_cleanup(&r);
        if (rc)
            break;
    }
    if (!rc && step != STORE_DONE)
        rc = SS_EDB;
    store_finalize(s);
    return rc;
}

int ss_store_sub_digested(struct ss_store *st, int64_t id, const char *day, const char *until,
                          int *won, struct ss_err *err)
{
    struct store_stmt *s;
    int64_t n = 0;
    int rc;

    *won = 0;
    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "UPDATE subscription SET digest_day = ?2, digest_until = ?3 "
                      "WHERE id = ?1 AND status = 'confirmed' AND "
                      "(digest_day IS NULL OR digest_day < ?2)",
                      err);
    if (s) {
        store_bind_int64(s, 1, id);
        store_bind_text(s, 2, day);
        store_bind_text(s, 3, until);
    }
    rc = run_done(st, s, "recording a digest", &n, err);
    *won = n == 1;
    return tx_end(st, rc, err);
}
