/*
 * store_backup.c - `shishi backup` and `restore` (store_audit.h): SQLite's
 * online backup API, so the one file of SQLite code outside its driver.
 *
 * PostgreSQL has its own tools, made for a running cluster and its
 * standbys: both refuse there, naming them (docs/deploy.md). The audit
 * log travels with the data either way; the key file never does.
 */
#include <sqlite3.h>
#include <stdio.h>

#include "base/util.h"
#include "store/store_audit.h"
#include "store/store_db.h"
#include "store/store_int.h"

/* The refusal on PostgreSQL. */
static int not_here(const char *what, struct ss_err *err)
{
    return ss_err_set(err, SS_EINVAL, "db",
                      "shishi %s copies SQLite databases; on PostgreSQL use its own tools: "
                      "pg_dump and pg_restore for a copy of the data, pg_basebackup for the "
                      "whole cluster (docs/deploy.md)",
                      what);
}

/* Copy database `from` into `to` with the online backup API. */
static int copy_db(sqlite3 *to, sqlite3 *from)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    int rc;

    if (!b)
        return SQLITE_ERROR;
    do {
        rc = sqlite3_backup_step(b, 4096);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    return rc;
}

int ss_store_restore(struct ss_store *st, const char *src, struct ss_err *err)
{
    sqlite3 *in = NULL;
    sqlite3_stmt *s = NULL;
    int rc, ok;

    if (store_backend(st) != STORE_SQLITE)
        return not_here("restore", err);
    if (sqlite3_open_v2(src, &in, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = ss_err_set(err, SS_EIO, "file", "cannot open '%s'", src);
        sqlite3_close(in);
        return rc;
    }
    /* Refuse what is not a shishi database before overwriting anything. */
    ok = sqlite3_prepare_v2(in, "SELECT count(*) FROM plan", -1, &s, NULL) == SQLITE_OK &&
         sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    if (!ok) {
        sqlite3_close(in);
        return ss_err_set(err, SS_EINVAL, "file", "'%s' is not a shishi backup", src);
    }
    rc = copy_db(st->db, in);
    sqlite3_close(in);
    store_audit_close(st); /* the restored log may record another key */
    if (rc != SQLITE_DONE)
        return ss_err_set(err, SS_EIO, "file", "restore from '%s' failed: %s", src,
                          sqlite3_errmsg(st->db));
    return SS_OK;
}

int ss_store_backup(struct ss_store *st, const char *dest, struct ss_err *err)
{
    sqlite3 *out = NULL;
    int rc;

    if (store_backend(st) != STORE_SQLITE)
        return not_here("backup", err);
    if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = ss_err_set(err, SS_EIO, "file", "cannot create '%s': %s", dest,
                        out ? sqlite3_errmsg(out) : "out of memory");
        sqlite3_close(out);
        return rc;
    }
    rc = copy_db(out, st->db);
    if (rc != SQLITE_DONE) {
        ss_err_set(err, SS_EIO, "file", "backup to '%s' failed: %s", dest, sqlite3_errmsg(out));
        sqlite3_close(out);
        return SS_EIO;
    }
    sqlite3_close(out);
    return SS_OK;
}
