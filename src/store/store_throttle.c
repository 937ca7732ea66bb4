/*
 * store_throttle.c - attempts counted per key (see store_throttle.h).
 *
 * One table, throttle_hit(scope, key, at, expires), indexed by (scope,
 * key, at) for counting and by expires for pruning. Times are stored as
 * UTC text like every other time in the store, which sorts like the time.
 *
 * Admitting is BEGIN IMMEDIATE (store_tx_begin): the count and the insert
 * hold the write lock together, so an admit in another thread or process
 * waits until this one's hits are in, and counts them. A PostgreSQL store
 * has to give the same guarantee (a lock per key, or SERIALIZABLE).
 */
#include "store/store_throttle.h"

#include <string.h>

#include "base/util.h"
#include "store/store_int.h"

#define TS(i) "strftime('%Y-%m-%dT%H:%M:%SZ', ?" #i ", 'unixepoch')"
#define PRUNE 32 /* expired hits deleted per admit, at most */

int ss_store_throttle_count(struct ss_store *st, const char *scope, const char *key, int64_t since,
                            int max, int *count, int64_t *oldest)
{
    sqlite3_stmt *s = store_lite_prepare(
        st,
        "WITH h AS (SELECT at FROM throttle_hit WHERE scope = ?1 AND key = ?2 AND at > " TS(
            3) " ORDER BY at DESC, id DESC LIMIT ?4) "
               "SELECT count(*), coalesce(CAST(strftime('%s', min(at)) AS INTEGER), 0) FROM h",
        NULL);
    int rc = SS_EDB;

    *count = 0;
    *oldest = 0;
    if (!s)
        return SS_EDB;
    sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, since);
    sqlite3_bind_int(s, 4, max);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *count = sqlite3_column_int(s, 0);
        *oldest = sqlite3_column_int64(s, 1);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

static int insert_hit(struct ss_store *st, const struct ss_store_throttle_key *k, int64_t now,
                      int64_t *id, struct ss_err *err)
{
    sqlite3_stmt *s = store_lite_prepare(
        st,
        "INSERT INTO throttle_hit(scope, key, at, expires) VALUES (?1, ?2, " TS(3) ", " TS(4) ")",
        err);
    int rc;

    if (!s)
        return SS_EDB;
    sqlite3_bind_text(s, 1, k->scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, k->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, k->expires);
    rc = sqlite3_step(s) == SQLITE_DONE ? SS_OK : store_db_error(st, err, "recording an attempt");
    if (!rc)
        *id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    return rc;
}

/* A few expired hits go, so the table holds about the live ones. */
static int prune(struct ss_store *st, int64_t now, struct ss_err *err)
{
    sqlite3_stmt *s = store_lite_prepare(st,
                                         "DELETE FROM throttle_hit WHERE id IN (SELECT id FROM "
                                         "throttle_hit WHERE expires <= " TS(1) " LIMIT ?2)",
                                         err);
    int rc;

    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int(s, 2, PRUNE);
    rc = sqlite3_step(s) == SQLITE_DONE ? SS_OK : store_db_error(st, err, "pruning attempts");
    sqlite3_finalize(s);
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
    sqlite3_stmt *s;
    int rc;

    if ((rc = store_tx_own(st, err)))
        return rc;
    if (!(s = store_lite_prepare(st, sql, err))) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    if (scope) {
        sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_int64(s, 1, id);
    }
    rc = sqlite3_step(s) == SQLITE_DONE ? SS_OK : store_db_error(st, err, "forgetting attempts");
    sqlite3_finalize(s);
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
