/*
 * store_throttle.c - attempts counted per key (see store_throttle.h), on
 * SQLite and PostgreSQL alike.
 *
 * One table, throttle_hit(scope, key, at, expires), indexed by (scope,
 * key, at) for counting and by expires for pruning. Times are stored as
 * UTC text like every other time in the store, which sorts like the time;
 * they are formatted and parsed in C (store_ts_fmt, store_ts_parse in
 * store_db.c), so neither backend's date functions are needed.
 *
 * Admitting counts and inserts inside one write transaction begun by
 * store_tx_own (or the caller's), which took the writers' lock at its
 * begin: BEGIN IMMEDIATE on SQLite, the advisory lock every write
 * transaction takes first on PostgreSQL (store.c), held to its commit. So
 * an admit in another thread, process or server waits until this one's
 * hits are committed, and its count (read after the lock: PostgreSQL's
 * READ COMMITTED gives each statement a snapshot taken when it runs)
 * includes them.
 */
#include "store/store_throttle.h"

#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/util.h"
#include "store/store_int.h"

#define PRUNE 32 /* expired hits deleted per admit, at most */

int ss_store_throttle_count(struct ss_store *st, const char *scope, const char *key, int64_t since,
                            int max, int *count, int64_t *oldest)
{
    struct store_stmt *s = store_prepare(st,
                                         "WITH h AS (SELECT at FROM throttle_hit WHERE scope = ?1"
                                         " AND key = ?2 AND at > ?3 ORDER BY at DESC, id DESC"
                                         " LIMIT ?4) SELECT count(*), min(at) FROM h",
                                         NULL);
    int rc = SS_EDB;

    *count = 0;
    *oldest = 0;
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, scope);
    store_bind_text(s, 2, key);
    store_bind_ts(s, 3, since);
    store_bind_int64(s, 4, max);
    if (store_step(s) == STORE_ROW) {
        *count = (int)store_col_int64(s, 0);
        *oldest = store_ts_parse(store_col_text(s, 1));
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

static int insert_hit(struct ss_store *st, const struct ss_store_throttle_key *k, int64_t now,
                      int64_t *id, struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st,
                                         "INSERT INTO throttle_hit(scope, key, at, expires)"
                                         " VALUES (?1, ?2, ?3, ?4) RETURNING id",
                                         err);
    int rc;

    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, k->scope);
    store_bind_text(s, 2, k->key);
    store_bind_ts(s, 3, now);
    store_bind_ts(s, 4, k->expires);
    rc = store_step(s) == STORE_ROW ? SS_OK : store_db_error(st, err, "recording an attempt");
    if (!rc)
        *id = store_col_int64(s, 0);
    store_finalize(s);
    return rc;
}

/* A few expired hits go, so the table holds about the live ones. */
static int prune(struct ss_store *st, int64_t now, struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st,
                                         "DELETE FROM throttle_hit WHERE id IN (SELECT id FROM "
                                         "throttle_hit WHERE expires <= ?1 LIMIT ?2)",
                                         err);
    int rc;

    if (!s)
        return SS_EDB;
    store_bind_ts(s, 1, now);
    store_bind_int64(s, 2, PRUNE);
    rc = store_step(s) == STORE_DONE ? SS_OK : store_db_error(st, err, "pruning attempts");
    store_finalize(s);
    return rc;
}

int ss_store_throttle_admit(struct ss_store *st, const struct ss_store_throttle_key *k, size_t n,
                            int64_t now, int *over, int64_t *oldest, int64_t *ids,
                            struct ss_err *err)
{
    size_t i;
    int rc, count;

    *over = -1;
    *oldest = 0;
    for (i = 0; i < n; i++)
        if (!k[i].scope || !k[i].key || strlen(k[i].scope) > SS_THROTTLE_KEY_MAX ||
            strlen(k[i].key) > SS_THROTTLE_KEY_MAX)
            return ss_err_set(err, SS_EINVAL, "key", "a throttle's scope and key are 1 to %d bytes",
                              SS_THROTTLE_KEY_MAX);
    /* the writers' lock: from here to the commit no other admit counts */
    if ((rc = store_tx_own(st, err)))
        return rc;
    for (i = 0; i < n; i++) {
        if ((rc = ss_store_throttle_count(st, k[i].scope, k[i].key, k[i].since, k[i].max, &count,
                                          oldest))) {
            ss_err_set(err, rc, "", "cannot count the attempts");
            goto fail;
        }
        if (count >= k[i].max) {
            *over = (int)i;
            /* nothing written: an outer transaction goes on as it was */
            if (st->tx_depth > 1)
                return store_tx_commit(st, err);
            store_tx_rollback(st);
            return SS_OK;
        }
    }
    *oldest = 0;
    for (i = 0; i < n; i++)
        if ((rc = insert_hit(st, &k[i], now, &ids[i], err)))
            goto fail;
    if ((rc = prune(st, now, err)))
        goto fail;
    return store_tx_commit(st, err);
fail:
    store_tx_rollback(st);
    return rc;
}

/* Run a DELETE with ?1 (id, or scope and ?2 key) in a transaction of its
 * own, or in the caller's. */
static int delete_hits(struct ss_store *st, const char *sql, int64_t id, const char *scope,
                       const char *key, struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_own(st, err)))
        return rc;
    if (!(s = store_prepare(st, sql, err))) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    if (scope) {
        store_bind_text(s, 1, scope);
        store_bind_text(s, 2, key);
    } else {
        store_bind_int64(s, 1, id);
    }
    rc = store_step(s) == STORE_DONE ? SS_OK : store_db_error(st, err, "forgetting attempts");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_throttle_forget(struct ss_store *st, int64_t id, struct ss_err *err)
{
    return delete_hits(st, "DELETE FROM throttle_hit WHERE id = ?1", id, NULL, NULL, err);
}

int ss_store_throttle_clear(struct ss_store *st, const char *scope, const char *key,
                            struct ss_err *err)
{
    return delete_hits(st, "DELETE FROM throttle_hit WHERE scope = ?1 AND key = ?2", 0, scope, key,
                       err);
}
