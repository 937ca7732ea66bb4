/*
 * store_account.c - accounts, sessions and login attempts (see
 * store_account.h).
 */
#include "store/store_account.h"

#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "store/store_int.h"

#define TS(i) "strftime('%Y-%m-%dT%H:%M:%SZ', ?" #i ", 'unixepoch')"

#define ACCOUNT_COLS                                                                               \
    "a.id, a.name, a.role, a.org_id, o.code, coalesce(d.name, ''), a.pw_hash, a.disabled, "        \
    "a.created_at FROM account a JOIN org_unit o ON o.id = a.org_id "                              \
    "LEFT JOIN department d ON d.id = a.dept_id"

static void copy_col(sqlite3_stmt *s, int i, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static void account_from_stmt(sqlite3_stmt *s, struct ss_account_rec *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(s, 0);
    copy_col(s, 1, a->name, sizeof a->name);
    copy_col(s, 2, a->role, sizeof a->role);
    a->org_id = sqlite3_column_int64(s, 3);
    copy_col(s, 4, a->org, sizeof a->org);
    copy_col(s, 5, a->dept, sizeof a->dept);
    copy_col(s, 6, a->pw_hash, sizeof a->pw_hash);
    a->disabled = sqlite3_column_int(s, 7);
    copy_col(s, 8, a->created_at, sizeof a->created_at);
}

/* id of the row whose `col` is val in `sql` (one parameter), 0 if none. */
static int64_t lookup_id(struct ss_store *st, const char *sql, const char *val)
{
    sqlite3_stmt *s = store_lite_prepare(st, sql, NULL);
    int64_t id = 0;

    if (!s)
        return -1;
    store_lite_bind_text(s, 1, val);
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return id;
}

int ss_store_account_add(struct ss_store *st, const char *name, const char *role,
                         const char *org_code, const char *dept, const char *pw_hash, int64_t *id,
                         struct ss_err *err)
{
    sqlite3_stmt *s = NULL;
    int64_t org_id, dept_id = 0;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    org_id = lookup_id(st, "SELECT id FROM org_unit WHERE code = ?", org_code);
    if (org_id <= 0) {
        rc = org_id < 0 ? store_db_error(st, err, "finding the org unit")
                        : ss_err_set(err, SS_ENOTFOUND, "--org", "no org unit has the code '%s'",
                                     org_code);
        goto out;
    }
    if (dept && *dept) {
        dept_id = lookup_id(st, "SELECT id FROM department WHERE name = ?", dept);
        if (dept_id <= 0) {
            rc = dept_id < 0 ? store_db_error(st, err, "finding the department")
                             : ss_err_set(err, SS_ENOTFOUND, "--dept",
                                          "no department is called '%s' (departments come "
                                          "from the plan)",
                                          dept);
            goto out;
        }
    }
    if (lookup_id(st, "SELECT id FROM account WHERE name = ?", name) > 0) {
        rc = ss_err_set(err, SS_ECONFLICT, "NAME", "an account called '%s' exists already", name);
        goto out;
    }
    s = store_lite_prepare(st,
                           "INSERT INTO account(name, role, org_id, dept_id, pw_hash) "
                           "VALUES (?, ?, ?, ?, ?)",
                           err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, org_id);
    if (dept_id)
        sqlite3_bind_int64(s, 4, dept_id);
    else
        sqlite3_bind_null(s, 4);
    sqlite3_bind_text(s, 5, pw_hash, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = store_db_error(st, err, "saving the account");
        goto out;
    }
    if (id)
        *id = sqlite3_last_insert_rowid(st->db);
out:
    sqlite3_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_account_get(struct ss_store *st, const char *name, struct ss_account_rec *out)
{
    sqlite3_stmt *s = store_lite_prepare(st, "SELECT " ACCOUNT_COLS " WHERE a.name = ?", NULL);
    int rc;

    if (!s)
        return SS_EDB;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        account_from_stmt(s, out);
        rc = SS_OK;
    } else {
        rc = rc == SQLITE_DONE ? SS_ENOTFOUND : SS_EDB;
    }
    sqlite3_finalize(s);
    return rc;
}

int ss_store_account_each(struct ss_store *st, ss_account_fn fn, void *ctx)
{
    sqlite3_stmt *s = store_lite_prepare(st, "SELECT " ACCOUNT_COLS " ORDER BY a.name", NULL);
    struct ss_account_rec a;
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        account_from_stmt(s, &a);
        if ((rc = fn(ctx, &a)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = SS_EDB;
    sqlite3_finalize(s);
    return rc;
}

/* count and earliest time of the latest `last` failures selected by
 * `where` (parameters ?1 the key, ?2 since, ?3 last) */
static int failures(struct ss_store *st, const char *sql, const char *key, int64_t since, int last,
                    int *count, int64_t *oldest)
{
    sqlite3_stmt *s = store_lite_prepare(st, sql, NULL);
    int rc = SS_EDB;

    *count = 0;
    *oldest = 0;
    if (!s)
        return SS_EDB;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, since);
    sqlite3_bind_int(s, 3, last);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *count = sqlite3_column_int(s, 0);
        *oldest = sqlite3_column_int64(s, 1);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

#define LATEST_FAILURES(COND)                                                                      \
    "WITH f AS (SELECT at FROM login_attempt WHERE " COND " AND ok = 0 AND at > " TS(              \
        2) " ORDER BY at DESC, id DESC LIMIT ?3) "                                                 \
           "SELECT count(*), coalesce(CAST(strftime('%s', min(at)) AS INTEGER), 0) FROM f"

int ss_store_login_failures(struct ss_store *st, const char *name, int64_t since, int last,
                            int *count, int64_t *oldest)
{
    /* failures in the window after the last success or unlock */
    return failures(st,
                    LATEST_FAILURES("name = ?1 AND id > coalesce((SELECT max(id) FROM "
                                    "login_attempt WHERE name = ?1 AND ok IN (1, 2)), 0)"),
                    name, since, last, count, oldest);
}

int ss_store_login_failures_ip(struct ss_store *st, const char *ip, int64_t since, int last,
                               int *count, int64_t *oldest)
{
    return failures(st, LATEST_FAILURES("ip = ?1"), ip, since, last, count, oldest);
}

static int insert_attempt(struct ss_store *st, const char *name, const char *ip, int ok,
                          int64_t now, int64_t *id, struct ss_err *err)
{
    sqlite3_stmt *s = store_lite_prepare(
        st, "INSERT INTO login_attempt(name, ip, ok, at) VALUES (?1, ?2, ?3, " TS(4) ")", err);
    int rc;

    if (!s)
        return SS_EDB;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    store_lite_bind_text(s, 2, ip);
    sqlite3_bind_int(s, 3, ok);
    sqlite3_bind_int64(s, 4, now);
    rc = sqlite3_step(s) == SQLITE_DONE ? SS_OK : store_db_error(st, err, "recording a login");
    if (!rc && id)
        *id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    return rc;
}

int ss_store_login_record(struct ss_store *st, const char *name, const char *ip, int ok,
                          int64_t now, struct ss_err *err)
{
    int rc;

    if ((rc = store_tx_own(st, err))) /* bookkeeping: the history of sign-ins */
        return rc;
    if ((rc = insert_attempt(st, name, ip, ok ? 1 : 0, now, NULL, err))) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

/* Run one statement with an int64 ?1 (and text ?2); SS_ENOTFOUND when it
 * changed no row and must_change. */
static int exec_id(struct ss_store *st, const char *sql, int64_t id, const char *text,
                   int must_change, const char *what, struct ss_err *err)
{
    sqlite3_stmt *s = store_lite_prepare(st, sql, err);
    int rc;

    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, id);
    if (text)
        sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? SS_OK : store_db_error(st, err, what);
    if (!rc && must_change && sqlite3_changes(st->db) == 0)
        rc = ss_err_set(err, SS_ENOTFOUND, "NAME", "no such account");
    sqlite3_finalize(s);
    return rc;
}

int ss_store_login_unlock(struct ss_store *st, const char *name, int64_t now, struct ss_err *err)
{
    return insert_attempt(st, name, NULL, 2, now, NULL, err);
}

int ss_store_account_sessions_end(struct ss_store *st, int64_t id, int *n, struct ss_err *err)
{
    int rc, changed = 0;

    if (n)
        *n = 0;
    if ((rc = store_tx_join(st, err)))
        return rc;
    rc = exec_id(st, "DELETE FROM session WHERE account_id = ?1", id, NULL, 0,
                 "ending the sessions", err);
    changed = rc ? 0 : sqlite3_changes(st->db);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    if ((rc = store_tx_commit(st, err)))
        return rc;
    if (n)
        *n = changed;
    return SS_OK;
}

/* One account change and, when end_sessions, the end of its sessions, in
 * one transaction. */
static int account_change(struct ss_store *st, const char *sql, int64_t id, const char *text,
                          int end_sessions, struct ss_err *err)
{
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    if ((rc = exec_id(st, sql, id, text, 1, "changing the account", err)) ||
        (end_sessions && (rc = ss_store_account_sessions_end(st, id, NULL, err)))) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_account_set_disabled(struct ss_store *st, int64_t id, int disabled, struct ss_err *err)
{
    return account_change(st,
                          disabled ? "UPDATE account SET disabled = 1 WHERE id = ?1"
                                   : "UPDATE account SET disabled = 0 WHERE id = ?1",
                          id, NULL, disabled, err);
}

int ss_store_account_set_password(struct ss_store *st, int64_t id, const char *pw_hash,
                                  struct ss_err *err)
{
    return account_change(st, "UPDATE account SET pw_hash = ?2 WHERE id = ?1", id, pw_hash, 1, err);
}

int ss_store_session_add(struct ss_store *st, const char *token_hash, int64_t account_id,
                         const char *csrf, int64_t expires, int64_t now, struct ss_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_lite_prepare(st, "DELETE FROM session WHERE expires_at <= " TS(1), err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    sqlite3_bind_int64(s, 1, now);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = store_db_error(st, err, "purging sessions");
        goto out;
    }
    sqlite3_finalize(s);
    s = store_lite_prepare(
        st,
        "INSERT INTO session(token_hash, account_id, csrf, created_at, expires_at) "
        "VALUES (?1, ?2, ?3, " TS(4) ", " TS(5) ")",
        err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, account_id);
    sqlite3_bind_text(s, 3, csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, expires);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_db_error(st, err, "opening a session");
out:
    sqlite3_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_session_get(struct ss_store *st, const char *token_hash, int64_t now,
                         struct ss_account_rec *out, char *csrf)
{
    sqlite3_stmt *s = store_lite_prepare(
        st,
        "SELECT " ACCOUNT_COLS ", session ss WHERE ss.account_id = a.id AND ss.token_hash = ?1"
        " AND ss.expires_at > " TS(2) " AND a.disabled = 0",
        NULL);
    sqlite3_stmt *c = NULL;
    int rc;

    if (!s)
        return SS_EDB;
    sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        return rc == SQLITE_DONE ? SS_ENOTFOUND : SS_EDB;
    }
    account_from_stmt(s, out);
    sqlite3_finalize(s);
    if (!csrf)
        return SS_OK;
    c = store_lite_prepare(st, "SELECT csrf FROM session WHERE token_hash = ?", NULL);
    if (!c)
        return SS_EDB;
    sqlite3_bind_text(c, 1, token_hash, -1, SQLITE_STATIC);
    rc = sqlite3_step(c) == SQLITE_ROW ? SS_OK : SS_ENOTFOUND;
    if (!rc)
        copy_col(c, 0, csrf, 65);
    sqlite3_finalize(c);
    return rc;
}

int ss_store_session_delete(struct ss_store *st, const char *token_hash)
{
    sqlite3_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, NULL)))
        return rc;
    if (!(s = store_lite_prepare(st, "DELETE FROM session WHERE token_hash = ?", NULL))) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? SS_OK : SS_EDB;
    if (!rc && sqlite3_changes(st->db) == 0)
        rc = SS_ENOTFOUND;
    sqlite3_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, NULL);
}
