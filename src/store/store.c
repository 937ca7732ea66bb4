/*
 * store.c - opening the database, transactions, and statement helpers.
 *
 * The connection runs in WAL mode with foreign keys on and a busy timeout,
 * so a CLI process and a running server can write the same file: readers
 * never block, writers queue for up to SS_BUSY_MS.
 *
 * Durability: a read-write connection commits with synchronous=FULL, so
 * COMMIT returns only after the write-ahead log is on disk, and a write
 * that was acknowledged (a 201, "recorded report 7") survives a power
 * failure, not only a crash of the process. (NORMAL, SQLite's usual WAL
 * setting, syncs only at checkpoints: the last commits before a power
 * failure can vanish.) ss_store_set_durable(st, 0) is for measurement and
 * for loaders whose work can be run again; see store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/date.h"
#include "base/util.h"
#include "store/store_int.h"

#define SS_BUSY_MS 5000

int store_db_error(struct ss_store *st, struct ss_err *err, const char *what)
{
    return ss_err_set(err, SS_EDB, "db", "%s: %s", what, sqlite3_errmsg(st->db));
}

sqlite3_stmt *store_prepare(struct ss_store *st, const char *sql, struct ss_err *err)
{
    sqlite3_stmt *s = NULL;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        store_db_error(st, err, "preparing a statement");
        sqlite3_finalize(s);
        return NULL;
    }
    return s;
}

int64_t store_int64(struct ss_store *st, const char *sql, int64_t dflt)
{
    sqlite3_stmt *s = store_prepare(st, sql, NULL);
    int64_t v = dflt;

    if (!s)
        return dflt;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

int store_tx_begin(struct ss_store *st, struct ss_err *err)
{
    if (st->tx_depth == 0 && sqlite3_get_autocommit(st->db)) {
        char *msg = NULL;
        if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK) {
            ss_err_set(err, SS_EDB, "db", "%s", msg ? msg : sqlite3_errmsg(st->db));
            sqlite3_free(msg);
            return SS_EDB;
        }
    }
    if (st->tx_depth++ == 0 && store_audit_begin(st, err)) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    return SS_OK;
}

int store_tx_commit(struct ss_store *st, struct ss_err *err)
{
    char *msg = NULL;
    int rc;

    if (st->tx_depth > 1) {
        st->tx_depth--;
        return SS_OK;
    }
    st->tx_depth = 0;
    if (sqlite3_get_autocommit(st->db))
        return ss_err_set(err, SS_EDB, "db", "no transaction to commit (it was rolled back)");
    if ((rc = store_audit_seal(st, err))) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
        ss_err_set(err, SS_EDB, "db", "%s", msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return SS_EDB;
    }
    return SS_OK;
}

void store_tx_rollback(struct ss_store *st)
{
    st->tx_depth = 0;
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_exec(struct ss_store *st, const char *sql, struct ss_err *err)
{
    char *msg = NULL;

    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        ss_err_set(err, SS_EDB, "db", "%s", msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return SS_EDB;
    }
    return SS_OK;
}

void store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

void store_bind_date(sqlite3_stmt *s, int i, int32_t day)
{
    char d[11];

    if (day == SS_NO_DATE) {
        sqlite3_bind_null(s, i);
        return;
    }
    ss_date_fmt(day, d);
    sqlite3_bind_text(s, i, d, 10, SQLITE_TRANSIENT);
}

char *store_col_strdup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? ss_xstrdup((const char *)t) : NULL;
}

int32_t store_col_date(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    int32_t d;

    if (!t || ss_date_parse(t, &d) != SS_OK)
        return SS_NO_DATE;
    return d;
}

int ss_store_open(const char *path, int flags, struct ss_store **out, struct ss_err *err)
{
    struct ss_store *st;
    int oflags = SQLITE_OPEN_NOMUTEX;
    int rc;

    *out = NULL;
    if (!(flags & SS_STORE_CREATE) && access(path, F_OK) != 0)
        return ss_err_set(err, SS_ENOTFOUND, "db",
                          "no database at '%s' (create one with: shishi init --db %s)", path, path);
    oflags |= (flags & SS_STORE_READONLY) ? SQLITE_OPEN_READONLY
                                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    st = ss_xcalloc(1, sizeof *st);
    st->path = ss_xstrdup(path);
    snprintf(st->actor, sizeof st->actor, "system");
    if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
        rc = ss_err_set(err, SS_EIO, "db", "cannot open '%s': %s", path,
                        st->db ? sqlite3_errmsg(st->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(st->db, SS_BUSY_MS);
    sqlite3_extended_result_codes(st->db, 1);
    if (!(flags & SS_STORE_READONLY) && (rc = store_exec(st, "PRAGMA journal_mode=WAL", err)))
        goto fail;
    if ((rc = store_exec(st, "PRAGMA foreign_keys=ON", err)) ||
        (!(flags & SS_STORE_READONLY) && (rc = store_exec(st, "PRAGMA synchronous=FULL", err))))
        goto fail;
    /* Refuse what is not a database before touching it. */
    if ((rc = store_exec(st, "SELECT count(*) FROM sqlite_schema", NULL))) {
        rc = ss_err_set(err, SS_EIO, "db", "'%s' is not a readable SQLite database", path);
        goto fail;
    }
    if (!(flags & SS_STORE_READONLY) && (rc = store_migrate(st, err)))
        goto fail;
    *out = st;
    return SS_OK;
fail:
    ss_store_close(st);
    return rc;
}

void ss_store_close(struct ss_store *st)
{
    if (!st)
        return;
    store_audit_close(st);
    sqlite3_finalize(st->dv);
    sqlite3_close_v2(st->db);
    free(st->path);
    free(st);
}

int ss_store_set_durable(struct ss_store *st, int durable)
{
    return store_exec(st, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", NULL);
}

int ss_store_durable(struct ss_store *st)
{
    /* 2 is FULL, 3 EXTRA: both sync the log at every commit */
    return store_int64(st, "PRAGMA synchronous", 0) >= 2;
}

int ss_store_begin(struct ss_store *st)
{
    return store_tx_begin(st, NULL);
}

int ss_store_commit(struct ss_store *st)
{
    return store_tx_commit(st, NULL);
}

void ss_store_rollback(struct ss_store *st)
{
    store_tx_rollback(st);
}

int64_t ss_store_data_version(struct ss_store *st)
{
    int64_t v = -1;

    if (!st->dv && !(st->dv = store_prepare(st, "PRAGMA data_version", NULL)))
        return -1;
    if (sqlite3_step(st->dv) == SQLITE_ROW)
        v = sqlite3_column_int64(st->dv, 0);
    sqlite3_reset(st->dv);
    /* data_version moves on other connections' commits only; adding this
     * connection's own change count makes one number that moves on both. */
    return v + (int64_t)sqlite3_total_changes64(st->db);
}

int ss_store_versions(struct ss_store *st, int64_t *plan_id, int64_t *structure,
                      int64_t *assignments)
{
    sqlite3_stmt *s = store_prepare(
        st,
        "SELECT (SELECT id FROM plan WHERE state = 'active' ORDER BY year DESC, id DESC LIMIT 1),"
        " (SELECT value FROM meta WHERE key = 'structure_version'),"
        " (SELECT value FROM meta WHERE key = 'assignment_version')",
        NULL);
    int rc = SS_EDB;

    *plan_id = *structure = *assignments = 0;
    if (!s)
        return SS_EDB;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *plan_id = sqlite3_column_int64(s, 0);
        *structure = sqlite3_column_int64(s, 1);
        *assignments = sqlite3_column_int64(s, 2);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int ss_store_meta_get(struct ss_store *st, const char *key, char **out)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT value FROM meta WHERE key = ?", NULL);

    *out = NULL;
    if (!s)
        return SS_EDB;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = store_col_strdup(s, 0);
    sqlite3_finalize(s);
    return SS_OK;
}

int ss_store_meta_set(struct ss_store *st, const char *key, const char *value)
{
    sqlite3_stmt *s = store_prepare(st,
                                    "INSERT INTO meta(key, value) VALUES (?, ?) "
                                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                    NULL);
    int rc;

    if (!s)
        return SS_EDB;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? SS_OK : SS_EDB;
    sqlite3_finalize(s);
    return rc;
}

int64_t store_department_id(struct ss_store *st, const char *name, struct ss_err *err)
{
    sqlite3_stmt *s;
    int64_t id = 0;

    if (!name || !*name)
        return 0;
    s = store_prepare(st,
                      "INSERT INTO department(name) VALUES (?) "
                      "ON CONFLICT(name) DO UPDATE SET name = excluded.name "
                      "RETURNING id",
                      err);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    else
        id = store_db_error(st, err, "saving a department");
    sqlite3_finalize(s);
    return id;
}
