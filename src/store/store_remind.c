/*
 * store_remind.c - a plan's reminder days and score weights, and the
 * outbox counts the reminders need (store_remind.h).
 */
#include "store/store_remind.h"

#include <string.h>

#include "base/util.h"
#include "store/store_db.h"
#include "store/store_int.h"

int ss_store_sv_rule(struct ss_store *st, int64_t plan_id, const struct ss_sv_rule *dflt,
                     struct ss_sv_rule *out)
{
    struct store_stmt *s;
    int step, k;

    *out = *dflt;
    if (ss_store_schema_version(st) < STORE_SCHEMA_SUPERVISION_RULE)
        return SS_OK;
    if (!(s = store_prepare(st,
                            "SELECT remind_days, w_progress, w_on_time, w_notices, w_returned"
                            " FROM supervision_rule WHERE plan_id = ?1",
                            NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    if ((step = store_step(s)) == STORE_ROW) {
        out->remind_days = (int)store_col_int64(s, 0);
        for (k = 0; k < SS_SV_WEIGHTS; k++)
            out->w[k] = (int)store_col_int64(s, 1 + k);
    }
    store_finalize(s);
    return step == STORE_ROW || step == STORE_DONE ? SS_OK : SS_EDB;
}

int ss_store_sv_rule_set(struct ss_store *st, int64_t plan_id, const struct ss_sv_rule *r,
                         struct ss_err *err)
{
    struct store_stmt *s;
    char now[21];
    int rc, k;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO supervision_rule(plan_id, remind_days, w_progress, w_on_time,"
                      " w_notices, w_returned, updated_by, updated_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                      " ON CONFLICT (plan_id) DO UPDATE SET remind_days = excluded.remind_days,"
                      " w_progress = excluded.w_progress, w_on_time = excluded.w_on_time,"
                      " w_notices = excluded.w_notices, w_returned = excluded.w_returned,"
                      " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_now(now);
    store_bind_int64(s, 1, plan_id);
    store_bind_int64(s, 2, r->remind_days);
    for (k = 0; k < SS_SV_WEIGHTS; k++)
        store_bind_int64(s, 3 + k, r->w[k]);
    store_bind_text(s, 7, st->actor);
    store_bind_text(s, 8, now);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "storing the plan's supervision settings");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

/* The count of one statement of one text parameter. */
static int64_t count_of(struct ss_store *st, const char *sql, const char *arg)
{
    struct store_stmt *s;
    int64_t n;

    if (ss_store_schema_version(st) < STORE_SCHEMA_OUTBOX)
        return 0;
    if (!(s = store_prepare(st, sql, NULL)))
        return SS_EDB;
    store_bind_text(s, 1, arg);
    n = store_step(s) == STORE_ROW ? store_col_int64(s, 0) : SS_EDB;
    store_finalize(s);
    return n;
}

int64_t ss_store_outbox_key_rows(struct ss_store *st, const char *key)
{
    return count_of(st, "SELECT count(*) FROM outbox WHERE event_key = ?1", key);
}

int64_t ss_store_outbox_keys_with(struct ss_store *st, const char *prefix)
{
    return count_of(st,
                    "SELECT count(DISTINCT event_key) FROM outbox"
                    " WHERE substr(event_key, 1, length(CAST(?1 AS TEXT))) = ?1",
                    prefix);
}

int64_t ss_store_org_parent(struct ss_store *st, int64_t org_id)
{
    struct store_stmt *s;
    int64_t parent;
    int step;

    if (!(s = store_prepare(st, "SELECT parent_id FROM org_unit WHERE id = ?1", NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, org_id);
    step = store_step(s);
    parent = step == STORE_ROW    ? (store_col_null(s, 0) ? 0 : store_col_int64(s, 0))
             : step == STORE_DONE ? SS_ENOTFOUND
                                  : SS_EDB;
    store_finalize(s);
    return parent;
}
