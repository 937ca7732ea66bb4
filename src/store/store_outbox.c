/*
 * store_outbox.c - delivery channels, their sealed secrets, and the
 * outbox (see store_outbox.h), on SQLite and PostgreSQL alike.
 *
 * Every statement is one text for both backends. The claim is one
 * UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING, which both run;
 * it needs no FOR UPDATE SKIP LOCKED on PostgreSQL because every write
 * transaction there holds the writers' advisory lock (store.c), so claims
 * run one at a time as on SQLite, and each sees the one before it.
 *
 * A robot's secret is sealed (store_seal.h) under SECRET_CONTEXT's key.
 */
#include "store/store_outbox.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "store/store_db.h"
#include "store/store_int.h"
#include "store/store_seal.h"

#define SECRET_CONTEXT "shishi channel secrets v1"

/* Unix seconds as the store writes times. */
static void ts_text(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || !strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 21, "1970-01-01T00:00:00Z");
}

static void bind_time(struct store_stmt *s, int i, int64_t t)
{
    char ts[21];

    ts_text(t, ts);
    store_bind_text(s, i, ts);
}

static void copy_text(struct store_stmt *s, int i, char *out, size_t cap)
{
    const char *t = store_col_text(s, i);

    snprintf(out, cap, "%s", t ? t : "");
}

/* ---- channels -------------------------------------------------------------- */

/* channel's sealed secret opened into out (SS_CHANNEL_SECRET_MAX + 1 bytes). */
static int open_secret(struct ss_store *st, int64_t channel, const char *sealed, char *out,
                       struct ss_err *err)
{
    char *text = NULL;
    int rc = ss_store_unseal(st, SECRET_CONTEXT, sealed, &text, err);

    out[0] = '\0';
    if (rc == SS_OK && strlen(text) > SS_CHANNEL_SECRET_MAX)
        rc = ss_err_set(err, SS_EIO, "secret", "the secret of channel %lld cannot be read",
                        (long long)channel);
    else if (rc == SS_OK)
        memcpy(out, text, strlen(text) + 1);
    if (text) {
        sodium_memzero(text, strlen(text));
        free(text);
    }
    return rc;
}

int ss_store_channel_add(struct ss_store *st, int64_t org_id, const char *kind, const char *address,
                         const char *secret, int64_t *id, struct ss_err *err)
{
    struct store_stmt *s = NULL;
    char *sealed = NULL, now[21];
    const char *actor = ss_store_actor(st);
    int rc, step;

    if ((rc = store_tx_join(st, err)))
        return rc;
    if (secret && *secret && (rc = ss_store_seal(st, SECRET_CONTEXT, secret, &sealed, err)))
        goto out;
    if (!(s = store_prepare(st, "SELECT 1 FROM org_unit WHERE id = ?1", err))) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_int64(s, 1, org_id);
    if ((step = store_step(s)) != STORE_ROW) {
        rc = step == STORE_DONE ? ss_err_set(err, SS_ENOTFOUND, "org", "no such org unit")
                                : store_db_error(st, err, "finding the org unit");
        goto out;
    }
    store_finalize(s);
    s = store_prepare(st,
                      "INSERT INTO channel(org_id, kind, address, secret, created_by, created_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    store_now(now);
    store_bind_int64(s, 1, org_id);
    store_bind_text(s, 2, kind);
    store_bind_text(s, 3, address);
    store_bind_text(s, 4, sealed);
    store_bind_text(s, 5, actor);
    store_bind_text(s, 6, now);
    if (store_step(s) != STORE_ROW) {
        rc = store_db_error(st, err, "saving the channel");
        goto out;
    }
    if (id)
        *id = store_col_int64(s, 0);
out:
    store_finalize(s);
    free(sealed);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

#define CHANNEL_COLS                                                                               \
    "c.id, c.org_id, o.code, c.kind, c.address, c.secret, coalesce(c.created_by, ''), "            \
    "c.created_at FROM channel c JOIN org_unit o ON o.id = c.org_id"

static void channel_from_stmt(struct store_stmt *s, struct ss_channel_rec *c)
{
    memset(c, 0, sizeof *c);
    c->id = store_col_int64(s, 0);
    c->org_id = store_col_int64(s, 1);
    copy_text(s, 2, c->org, sizeof c->org);
    copy_text(s, 3, c->kind, sizeof c->kind);
    copy_text(s, 4, c->address, sizeof c->address);
    c->has_secret = !store_col_null(s, 5);
    copy_text(s, 6, c->created_by, sizeof c->created_by);
    copy_text(s, 7, c->created_at, sizeof c->created_at);
}

int ss_store_channel_get(struct ss_store *st, int64_t id, struct ss_channel_rec *out, char *secret,
                         struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st, "SELECT " CHANNEL_COLS " WHERE c.id = ?1", err);
    int rc = SS_OK, step;

    if (secret)
        secret[0] = '\0';
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, id);
    if ((step = store_step(s)) == STORE_ROW) {
        channel_from_stmt(s, out);
        if (secret && out->has_secret)
            rc = open_secret(st, id, store_col_text(s, 5), secret, err);
    } else {
        rc = step == STORE_DONE
                 ? ss_err_set(err, SS_ENOTFOUND, "ID", "no channel has the id %lld", (long long)id)
                 : store_db_error(st, err, "reading the channel");
    }
    store_finalize(s);
    return rc;
}

int ss_store_channel_each(struct ss_store *st, int64_t org_id, ss_channel_fn fn, void *ctx)
{
    struct store_stmt *s = store_prepare(
        st, "SELECT " CHANNEL_COLS " WHERE ?1 = 0 OR c.org_id = ?1 ORDER BY c.id", NULL);
    struct ss_channel_rec c;
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, org_id);
    while ((step = store_step(s)) == STORE_ROW) {
        channel_from_stmt(s, &c);
        if ((rc = fn(ctx, &c)))
            break;
    }
    if (!rc && step != STORE_DONE)
        rc = SS_EDB;
    store_finalize(s);
    return rc;
}

int ss_store_account_mailboxes(struct ss_store *st, int64_t org_id, ss_mailbox_fn fn, void *ctx)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT id, role, email FROM account WHERE org_id = ?1 "
                                         "AND disabled = 0 AND email IS NOT NULL AND email <> '' "
                                         "ORDER BY id",
                                         NULL);
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, org_id);
    while ((step = store_step(s)) == STORE_ROW)
        if ((rc = fn(ctx, store_col_int64(s, 0), store_col_text(s, 1), store_col_text(s, 2))))
            break;
    if (!rc && step != STORE_DONE)
        rc = SS_EDB;
    store_finalize(s);
    return rc;
}

/* ---- the outbox ------------------------------------------------------------ */

static void bind_id_or_null(struct store_stmt *s, int i, int64_t id)
{
    if (id > 0)
        store_bind_int64(s, i, id);
    else
        store_bind_null(s, i);
}

int ss_store_outbox_put(struct ss_store *st, const struct ss_outbox_new *m, int64_t now,
                        int64_t *id, int *added, struct ss_err *err)
{
    struct store_stmt *s = NULL;
    int rc, step;

    if (added)
        *added = 0;
    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO outbox(event_key, recipient, kind, address, org_id, channel_id, "
                      "account_id, subject, text, next_attempt_at, created_at, sealed, headers) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12) "
                      "ON CONFLICT (event_key, recipient) DO NOTHING RETURNING id",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_text(s, 1, m->event_key);
    store_bind_text(s, 2, m->recipient);
    store_bind_text(s, 3, m->kind);
    store_bind_text(s, 4, m->address);
    store_bind_int64(s, 5, m->org_id);
    bind_id_or_null(s, 6, m->channel_id);
    bind_id_or_null(s, 7, m->account_id);
    store_bind_text(s, 8, m->subject);
    store_bind_text(s, 9, m->text);
    bind_time(s, 10, now);
    store_bind_int64(s, 11, m->sealed ? 1 : 0);
    store_bind_text(s, 12, m->headers);
    if ((step = store_step(s)) == STORE_ROW) {
        if (id)
            *id = store_col_int64(s, 0);
        if (added)
            *added = 1;
    } else if (step == STORE_DONE) {
        /* queued before: its id */
        store_finalize(s);
        s = store_prepare(st, "SELECT id FROM outbox WHERE event_key = ?1 AND recipient = ?2", err);
        if (!s) {
            rc = SS_EDB;
            goto out;
        }
        store_bind_text(s, 1, m->event_key);
        store_bind_text(s, 2, m->recipient);
        if (store_step(s) != STORE_ROW) {
            rc = store_db_error(st, err, "finding the queued message");
            goto out;
        }
        if (id)
            *id = store_col_int64(s, 0);
    } else {
        rc = store_db_error(st, err, "queuing a message");
    }
out:
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

void ss_store_outbox_free(struct ss_outbox_msg *m, size_t n)
{
    size_t i;

    for (i = 0; m && i < n; i++) {
        free(m[i].event_key);
        free(m[i].kind);
        free(m[i].address);
        free(m[i].subject);
        free(m[i].text);
        free(m[i].headers);
    }
    free(m);
}

/* The messages due at ?1 (pending and due, or sending with a lease run
 * out), email ones only when ?3 is 1, all or message ?4; ?2 the new
 * lease (named in both statements, so that they take the same
 * parameters), ?5 how many at most. */
#define DUE                                                                                        \
    "((status = 'pending' AND next_attempt_at <= ?1) OR "                                          \
    "(status = 'sending' AND claimed_until <= ?1)) "                                               \
    "AND (?3 = 1 OR kind <> 'email') AND (?4 = 0 OR id = ?4) AND ?2 <> ''"

static void bind_due(struct store_stmt *s, int64_t now, int64_t lease_until, int email,
                     int64_t only_id, size_t limit)
{
    bind_time(s, 1, now);
    bind_time(s, 2, lease_until);
    store_bind_int64(s, 3, email ? 1 : 0);
    store_bind_int64(s, 4, only_id > 0 ? only_id : 0);
    store_bind_int64(s, 5, (int64_t)limit);
}

int ss_store_outbox_claim(struct ss_store *st, int64_t now, int64_t lease_until, int email,
                          int64_t only_id, size_t limit, struct ss_outbox_msg **out, size_t *n,
                          struct ss_err *err)
{
    struct store_stmt *s = NULL;
    struct ss_outbox_msg *m = NULL;
    size_t cap = 0, got = 0;
    int rc, step;

    *out = NULL;
    *n = 0;
    /* a read first: a sender with nothing due takes no write lock (every
     * instance asks every minute) */
    if (!(s = store_prepare(st, "SELECT id FROM outbox WHERE " DUE " LIMIT ?5", err)))
        return SS_EDB;
    bind_due(s, now, lease_until, email, only_id, limit);
    step = store_step(s);
    store_finalize(s);
    if (step == STORE_FAIL)
        return store_db_error(st, err, "finding due messages");
    if (step == STORE_DONE)
        return SS_OK;
    if ((rc = store_tx_own(st, err)))
        return rc;
    s = store_prepare(st,
                      "UPDATE outbox SET status = 'sending', claimed_until = ?2, "
                      "attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox WHERE " DUE
                      " ORDER BY next_attempt_at, id LIMIT ?5) "
                      "RETURNING id, event_key, kind, address, channel_id, subject, text, "
                      "attempts, created_at, sealed, headers",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    bind_due(s, now, lease_until, email, only_id, limit);
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_outbox_msg *x;
        x = SS_PUSH(m, got, cap);
        x->id = store_col_int64(s, 0);
        x->event_key = store_col_strdup(s, 1);
        x->kind = store_col_strdup(s, 2);
        x->address = store_col_strdup(s, 3);
        x->channel_id = store_col_int64(s, 4);
        x->subject = store_col_strdup(s, 5);
        x->text = store_col_strdup(s, 6);
        x->attempts = (int)store_col_int64(s, 7);
        copy_text(s, 8, x->created_at, sizeof x->created_at);
        x->sealed = store_col_int64(s, 9) != 0;
        x->headers = store_col_null(s, 10) ? NULL : store_col_strdup(s, 10);
    }
    if (step != STORE_DONE)
        rc = store_db_error(st, err, "claiming messages");
out:
    store_finalize(s);
    if (rc) {
        ss_store_outbox_free(m, got);
        store_tx_rollback(st);
        return rc;
    }
    if ((rc = store_tx_commit(st, err))) {
        ss_store_outbox_free(m, got);
        return rc;
    }
    *out = m;
    *n = got;
    return SS_OK;
}

int ss_store_outbox_mark(struct ss_store *st, int64_t id, int attempts,
                         enum ss_outbox_outcome outcome, int64_t now, int64_t next_at,
                         const char *error, struct ss_err *err)
{
    /* ?1 the message, ?4 the attempt it was claimed for, ?2 now or when it
     * is due again, ?3 the error */
    static const char *const SQL[] = {
        [SS_OUTBOX_SENT] = "UPDATE outbox SET status = 'sent', sent_at = ?2, claimed_until = NULL, "
                           "last_error = ?3 WHERE id = ?1 AND status = 'sending' AND attempts = ?4",
        [SS_OUTBOX_RETRY] = "UPDATE outbox SET status = 'pending', next_attempt_at = ?2, "
                            "claimed_until = NULL, last_error = ?3 "
                            "WHERE id = ?1 AND status = 'sending' AND attempts = ?4",
        [SS_OUTBOX_FAILED] = "UPDATE outbox SET status = 'failed', claimed_until = NULL, "
                             "next_attempt_at = ?2, last_error = ?3 "
                             "WHERE id = ?1 AND status = 'sending' AND attempts = ?4",
    };
    struct store_stmt *s = NULL;
    int rc;

    if ((rc = store_tx_own(st, err)))
        return rc;
    if (!(s = store_prepare(st, SQL[outcome], err))) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_int64(s, 1, id);
    bind_time(s, 2, outcome == SS_OUTBOX_RETRY ? next_at : now);
    store_bind_text(s, 3, outcome == SS_OUTBOX_SENT ? NULL : error ? error : "");
    store_bind_int64(s, 4, attempts);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "recording a delivery");
    else if (store_changes(s) != 1)
        rc = ss_err_set(err, SS_ECONFLICT, "",
                        "message %lld is no longer being sent by this sender", (long long)id);
out:
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_outbox_each(struct ss_store *st, const char *status, size_t limit, ss_outbox_fn fn,
                         void *ctx)
{
    struct store_stmt *s = store_prepare(
        st,
        "SELECT id, event_key, recipient, kind, address, status, attempts, next_attempt_at, "
        "coalesce(last_error, ''), created_at, coalesce(sent_at, '') FROM outbox "
        "WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1 ORDER BY id DESC LIMIT ?2",
        NULL);
    struct ss_outbox_row r;
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, status);
    store_bind_int64(s, 2, (int64_t)limit);
    while ((step = store_step(s)) == STORE_ROW) {
        memset(&r, 0, sizeof r);
        r.id = store_col_int64(s, 0);
        copy_text(s, 1, r.event_key, sizeof r.event_key);
        copy_text(s, 2, r.recipient, sizeof r.recipient);
        copy_text(s, 3, r.kind, sizeof r.kind);
        copy_text(s, 4, r.address, sizeof r.address);
        copy_text(s, 5, r.status, sizeof r.status);
        r.attempts = (int)store_col_int64(s, 6);
        copy_text(s, 7, r.next_attempt_at, sizeof r.next_attempt_at);
        copy_text(s, 8, r.last_error, sizeof r.last_error);
        copy_text(s, 9, r.created_at, sizeof r.created_at);
        copy_text(s, 10, r.sent_at, sizeof r.sent_at);
        if ((rc = fn(ctx, &r)))
            break;
    }
    if (!rc && step != STORE_DONE)
        rc = SS_EDB;
    store_finalize(s);
    return rc;
}
