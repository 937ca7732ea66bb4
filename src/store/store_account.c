/*
 * store_account.c - accounts, sessions and login attempts (see
 * store_account.h), on SQLite and PostgreSQL alike.
 *
 * Times come from the caller as Unix seconds and are stored as UTC text,
 * YYYY-MM-DDTHH:MM:SSZ, which sorts like the time: this file formats and
 * parses them in C (ts_fmt, ts_parse), so neither backend's date
 * functions are needed and both store the same text. A new row's id comes
 * back with RETURNING id.
 */
#include "store/store_account.h"

#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/util.h"
#include "store/store_int.h"

#define ACCOUNT_COLS                                                                               \
    "a.id, a.name, a.role, a.org_id, o.code, coalesce(d.name, ''), a.pw_hash, a.disabled, "        \
    "a.created_at FROM account a JOIN org_unit o ON o.id = a.org_id "                              \
    "LEFT JOIN department d ON d.id = a.dept_id"

static void copy_col(struct store_stmt *s, int i, char *out, size_t cap)
{
    const char *t = store_col_text(s, i);

    snprintf(out, cap, "%s", t ? t : "");
}

static void account_from_stmt(struct store_stmt *s, struct ss_account_rec *a)
{
    memset(a, 0, sizeof *a);
    a->id = store_col_int64(s, 0);
    copy_col(s, 1, a->name, sizeof a->name);
    copy_col(s, 2, a->role, sizeof a->role);
    a->org_id = store_col_int64(s, 3);
    copy_col(s, 4, a->org, sizeof a->org);
    copy_col(s, 5, a->dept, sizeof a->dept);
    copy_col(s, 6, a->pw_hash, sizeof a->pw_hash);
    a->disabled = (int)store_col_int64(s, 7);
    copy_col(s, 8, a->created_at, sizeof a->created_at);
}

/* id of the row whose `col` is val in `sql` (one parameter), 0 if none,
 * -1 when the statement fails. */
static int64_t lookup_id(struct ss_store *st, const char *sql, const char *val)
{
    struct store_stmt *s = store_prepare(st, sql, NULL);
    int64_t id = 0;
    int step;

    if (!s)
        return -1;
    store_bind_text(s, 1, val);
    if ((step = store_step(s)) == STORE_ROW)
        id = store_col_int64(s, 0);
    else if (step == STORE_FAIL)
        id = -1;
    store_finalize(s);
    return id;
}

int ss_store_account_add(struct ss_store *st, const char *name, const char *role,
                         const char *org_code, const char *dept, const char *pw_hash, int64_t *id,
                         struct ss_err *err)
{
    struct store_stmt *s = NULL;
    int64_t org_id, dept_id = 0, dup;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    org_id = lookup_id(st, "SELECT id FROM org_unit WHERE code = ?1", org_code);
    if (org_id <= 0) {
        rc = org_id < 0 ? store_db_error(st, err, "finding the org unit")
                        : ss_err_set(err, SS_ENOTFOUND, "--org", "no org unit has the code '%s'",
                                     org_code);
        goto out;
    }
    if (dept && *dept) {
        dept_id = lookup_id(st, "SELECT id FROM department WHERE name = ?1", dept);
        if (dept_id <= 0) {
            rc = dept_id < 0 ? store_db_error(st, err, "finding the department")
                             : ss_err_set(err, SS_ENOTFOUND, "--dept",
                                          "no department is called '%s' (departments come "
                                          "from the plan)",
                                          dept);
            goto out;
        }
    }
    /* checked before the insert: on PostgreSQL a unique violation would
     * abort the caller's transaction */
    if ((dup = lookup_id(st, "SELECT id FROM account WHERE name = ?1", name)) != 0) {
        rc = dup < 0 ? store_db_error(st, err, "finding the account")
                     : ss_err_set(err, SS_ECONFLICT, "NAME",
                                  "an account called '%s' exists already", name);
        goto out;
    }
    s = store_prepare(st,
                      "INSERT INTO account(name, role, org_id, dept_id, pw_hash) "
                      "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, role);
    store_bind_int64(s, 3, org_id);
    if (dept_id)
        store_bind_int64(s, 4, dept_id);
    else
        store_bind_null(s, 4);
    store_bind_text(s, 5, pw_hash);
    if (store_step(s) != STORE_ROW) {
        rc = store_db_error(st, err, "saving the account");
        goto out;
    }
    if (id)
        *id = store_col_int64(s, 0);
out:
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_account_get(struct ss_store *st, const char *name, struct ss_account_rec *out)
{
    struct store_stmt *s = store_prepare(st, "SELECT " ACCOUNT_COLS " WHERE a.name = ?1", NULL);
    int rc;

    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, name);
    rc = store_step(s);
    if (rc == STORE_ROW) {
        account_from_stmt(s, out);
        rc = SS_OK;
    } else {
        rc = rc == STORE_DONE ? SS_ENOTFOUND : SS_EDB;
    }
    store_finalize(s);
    return rc;
}

int ss_store_account_each(struct ss_store *st, ss_account_fn fn, void *ctx)
{
    struct store_stmt *s = store_prepare(st, "SELECT " ACCOUNT_COLS " ORDER BY a.name", NULL);
    struct ss_account_rec a;
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    while ((step = store_step(s)) == STORE_ROW) {
        account_from_stmt(s, &a);
        if ((rc = fn(ctx, &a)))
            break;
    }
    if (!rc && step != STORE_DONE)
        rc = SS_EDB;
    store_finalize(s);
    return rc;
}

/* count and earliest time of the latest `last` failures selected by
 * `where` (parameters ?1 the key, ?2 since, ?3 last) */
static int failures(struct ss_store *st, const char *sql, const char *key, int64_t since, int last,
                    int *count, int64_t *oldest)
{
    struct store_stmt *s = store_prepare(st, sql, NULL);
    int rc = SS_EDB;

    *count = 0;
    *oldest = 0;
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, key);
    store_bind_ts(s, 2, since);
    store_bind_int64(s, 3, last);
    if (store_step(s) == STORE_ROW) {
        *count = (int)store_col_int64(s, 0);
        *oldest = store_ts_parse(store_col_text(s, 1));
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

#define LATEST_FAILURES(COND)                                                                      \
    "WITH f AS (SELECT at FROM login_attempt WHERE " COND " AND ok = 0 AND at > ?2"                \
    " ORDER BY at DESC, id DESC LIMIT ?3) "                                                        \
    "SELECT count(*), min(at) FROM f"

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
                          int64_t now, struct ss_err *err)
{
    struct store_stmt *s = store_prepare(
        st, "INSERT INTO login_attempt(name, ip, ok, at) VALUES (?1, ?2, ?3, ?4)", err);
    int rc;

    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, ip);
    store_bind_int64(s, 3, ok);
    store_bind_ts(s, 4, now);
    rc = store_step(s) == STORE_DONE ? SS_OK : store_db_error(st, err, "recording a login");
    store_finalize(s);
    return rc;
}

/* An attempt's row in a transaction of its own, or in the caller's:
 * bookkeeping, the history of sign-ins. */
static int record_attempt(struct ss_store *st, const char *name, const char *ip, int ok,
                          int64_t now, struct ss_err *err)
{
    int rc;

    if ((rc = store_tx_own(st, err)))
        return rc;
    if ((rc = insert_attempt(st, name, ip, ok, now, err))) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_login_record(struct ss_store *st, const char *name, const char *ip, int ok,
                          int64_t now, struct ss_err *err)
{
    return record_attempt(st, name, ip, ok ? 1 : 0, now, err);
}

/* Run one statement with an int64 ?1 (and text ?2); *changed (may be NULL)
 * receives the rows it changed; SS_ENOTFOUND when it changed none and
 * must_change. */
static int exec_id(struct ss_store *st, const char *sql, int64_t id, const char *text,
                   int must_change, int64_t *changed, const char *what, struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st, sql, err);
    int rc;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, id);
    if (text)
        store_bind_text(s, 2, text);
    rc = store_step(s) == STORE_DONE ? SS_OK : store_db_error(st, err, what);
    if (!rc && changed)
        *changed = store_changes(s);
    if (!rc && must_change && store_changes(s) == 0)
        rc = ss_err_set(err, SS_ENOTFOUND, "NAME", "no such account");
    store_finalize(s);
    return rc;
}

int ss_store_login_unlock(struct ss_store *st, const char *name, int64_t now, struct ss_err *err)
{
    return record_attempt(st, name, NULL, 2, now, err);
}

int ss_store_account_sessions_end(struct ss_store *st, int64_t id, int *n, struct ss_err *err)
{
    int64_t changed = 0;
    int rc;

    if (n)
        *n = 0;
    if ((rc = store_tx_join(st, err)))
        return rc;
    if ((rc = exec_id(st, "DELETE FROM session WHERE account_id = ?1", id, NULL, 0, &changed,
                      "ending the sessions", err))) {
        store_tx_rollback(st);
        return rc;
    }
    if ((rc = store_tx_commit(st, err)))
        return rc;
    if (n)
        *n = (int)changed;
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
    if ((rc = exec_id(st, sql, id, text, 1, NULL, "changing the account", err)) ||
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

int ss_store_account_set_email(struct ss_store *st, int64_t id, const char *email,
                               struct ss_err *err)
{
    if (!email || !*email)
        return account_change(st, "UPDATE account SET email = NULL WHERE id = ?1", id, NULL, 0,
                              err);
    return account_change(st, "UPDATE account SET email = ?2 WHERE id = ?1", id, email, 0, err);
}

void ss_store_account_email(struct ss_store *st, int64_t id, char *out, size_t cap)
{
    struct store_stmt *s = store_prepare(st, "SELECT email FROM account WHERE id = ?1", NULL);

    out[0] = '\0';
    if (!s)
        return;
    store_bind_int64(s, 1, id);
    if (store_step(s) == STORE_ROW)
        copy_col(s, 0, out, cap);
    store_finalize(s);
}

int ss_store_session_add(struct ss_store *st, const char *token_hash, int64_t account_id,
                         const char *csrf, int64_t expires, int64_t now, struct ss_err *err)
{
    struct store_stmt *s = NULL;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st, "DELETE FROM session WHERE expires_at <= ?1", err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_ts(s, 1, now);
    if (store_step(s) != STORE_DONE) {
        rc = store_db_error(st, err, "purging sessions");
        goto out;
    }
    store_finalize(s);
    s = store_prepare(st,
                      "INSERT INTO session(token_hash, account_id, csrf, created_at, expires_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    store_bind_text(s, 1, token_hash);
    store_bind_int64(s, 2, account_id);
    store_bind_text(s, 3, csrf);
    store_bind_ts(s, 4, now);
    store_bind_ts(s, 5, expires);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "opening a session");
out:
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_session_get(struct ss_store *st, const char *token_hash, int64_t now,
                         struct ss_account_rec *out, char *csrf)
{
    struct store_stmt *s = store_prepare(
        st,
        "SELECT " ACCOUNT_COLS ", session ss WHERE ss.account_id = a.id AND ss.token_hash = ?1"
        " AND ss.expires_at > ?2 AND a.disabled = 0",
        NULL);
    struct store_stmt *c = NULL;
    int rc;

    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, token_hash);
    store_bind_ts(s, 2, now);
    rc = store_step(s);
    if (rc != STORE_ROW) {
        store_finalize(s);
        return rc == STORE_DONE ? SS_ENOTFOUND : SS_EDB;
    }
    account_from_stmt(s, out);
    store_finalize(s);
    if (!csrf)
        return SS_OK;
    c = store_prepare(st, "SELECT csrf FROM session WHERE token_hash = ?1", NULL);
    if (!c)
        return SS_EDB;
    store_bind_text(c, 1, token_hash);
    rc = store_step(c) == STORE_ROW ? SS_OK : SS_ENOTFOUND;
    if (!rc)
        copy_col(c, 0, csrf, 65);
    store_finalize(c);
    return rc;
}

int ss_store_session_delete(struct ss_store *st, const char *token_hash)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, NULL)))
        return rc;
    if (!(s = store_prepare(st, "DELETE FROM session WHERE token_hash = ?1", NULL))) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_text(s, 1, token_hash);
    rc = store_step(s) == STORE_DONE ? SS_OK : SS_EDB;
    if (!rc && store_changes(s) == 0)
        rc = SS_ENOTFOUND;
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, NULL);
}
