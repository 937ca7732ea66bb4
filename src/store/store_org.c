/*
 * store_org.c - org units (administrative divisions, GB/T 2260 codes).
 */
#include <string.h>

#include "base/util.h"
#include "store/store_int.h"

int ss_store_orgs_upsert(struct ss_store *st, const struct ss_org_rec *recs, size_t n,
                         struct ss_err *err)
{
    struct store_stmt *s = NULL, *chk = NULL;
    size_t i;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO org_unit(code, name, level, parent_id) "
                      "VALUES (?1, ?2, ?3, (SELECT id FROM org_unit WHERE code = ?4)) "
                      "ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
                      "level = excluded.level, parent_id = excluded.parent_id",
                      err);
    chk = store_prepare(st, "SELECT 1 FROM org_unit WHERE code = ?1", err);
    if (!s || !chk) {
        rc = SS_EDB;
        goto fail;
    }
    for (i = 0; i < n; i++) {
        const struct ss_org_rec *r = &recs[i];
        int has_parent = r->parent_code && *r->parent_code;

        if (has_parent) {
            /* The parent subquery would yield NULL for an unknown parent:
             * refuse instead of storing an orphan. */
            int found;
            store_reset(chk);
            store_bind_text(chk, 1, r->parent_code);
            found = store_step(chk) == STORE_ROW;
            if (!found) {
                rc = ss_err_set(err, SS_EINVAL, "parent",
                                "org unit %s names parent %s, which is not loaded", r->code,
                                r->parent_code);
                goto fail;
            }
        }
        store_reset(s);
        store_bind_text(s, 1, r->code);
        store_bind_text(s, 2, r->name);
        store_bind_int64(s, 3, r->level);
        store_bind_text(s, 4, has_parent ? r->parent_code : NULL);
        if (store_step(s) != STORE_DONE) {
            struct ss_err why;
            store_db_error(st, &why, "storing it");
            rc = ss_err_set(err, SS_EDB, "code", "org unit %s: %s", r->code, ss_err_nest(&why));
            goto fail;
        }
    }
    store_finalize(s);
    store_finalize(chk);
    return store_tx_commit(st, err);
fail:
    store_finalize(s);
    store_finalize(chk);
    store_tx_rollback(st);
    return rc;
}

static void org_from_row(struct store_stmt *s, struct ss_org *o)
{
    const char *code = store_col_text(s, 1);

    o->id = store_col_int64(s, 0);
    memset(o->code, 0, sizeof o->code);
    if (code)
        memcpy(o->code, code, strnlen(code, sizeof o->code - 1));
    o->name = store_col_strdup(s, 2);
    o->level = (int)store_col_int64(s, 3);
    o->parent_id = store_col_int64(s, 4);
}

int ss_store_orgs_load(struct ss_store *st, struct ss_org **out, size_t *n)
{
    struct store_stmt *s;
    struct ss_org *v = NULL;
    size_t len = 0, cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    s = store_prepare(st,
                      "SELECT id, code, name, level, coalesce(parent_id, 0) "
                      "FROM org_unit ORDER BY code",
                      NULL);
    if (!s)
        return SS_EDB;
    while ((step = store_step(s)) == STORE_ROW) {
        org_from_row(s, SS_PUSH(v, len, cap));
    }
    store_finalize(s);
    if (step != STORE_DONE) { /* not a shorter tree: none */
        ss_orgs_free(v, len);
        return SS_EDB;
    }
    *out = v;
    *n = len;
    return SS_OK;
}

int ss_store_org_get(struct ss_store *st, const char *code, struct ss_org *out)
{
    struct store_stmt *s;
    int rc = SS_ENOTFOUND, step;

    s = store_prepare(st,
                      "SELECT id, code, name, level, coalesce(parent_id, 0) "
                      "FROM org_unit WHERE code = ?1",
                      NULL);
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, code);
    step = store_step(s);
    if (step == STORE_ROW) {
        org_from_row(s, out);
        rc = SS_OK;
    } else if (step == STORE_FAIL) {
        rc = SS_EDB;
    }
    store_finalize(s);
    return rc;
}

int64_t ss_store_org_count(struct ss_store *st)
{
    return store_int64(st, "SELECT count(*) FROM org_unit", -1);
}
