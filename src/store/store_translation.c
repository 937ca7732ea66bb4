/*
 * store_translation.c - translations of plan content (store_translation.h).
 *
 * The table comes from migration 10 (store_schema.c) with its change
 * counter, meta 'translation_version' (ss_store_counters' texts), kept by
 * triggers; its audit
 * triggers come from store_audit.c's list.
 */
#include "store/store_translation.h"

#include <string.h>

#include "base/util.h"
#include "store/store_int.h"

int ss_store_translations_put(struct ss_store *st, const char *lang,
                              const struct ss_store_text *rows, size_t n, size_t *changed,
                              struct ss_err *err)
{
    struct store_stmt *put = NULL, *del = NULL;
    char now[21];
    size_t i, count = 0;
    int rc;

    if (changed)
        *changed = 0;
    if ((rc = store_tx_join(st, err)))
        return rc;
    /* An equal text is no change: the update's WHERE leaves the row (and
     * its audit entry and the texts counter) alone and counts 0. */
    put = store_prepare(st,
                        "INSERT INTO translation(kind, ref, lang, text, updated_by, updated_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                        " ON CONFLICT (kind, ref, lang) DO UPDATE SET text = excluded.text,"
                        "  updated_by = excluded.updated_by, updated_at = excluded.updated_at"
                        " WHERE translation.text <> excluded.text",
                        err);
    del = store_prepare(st, "DELETE FROM translation WHERE kind = ?1 AND ref = ?2 AND lang = ?3",
                        err);
    if (!put || !del) {
        rc = SS_EDB;
        goto fail;
    }
    store_now(now);
    for (i = 0; i < n; i++) {
        struct store_stmt *s = rows[i].text && *rows[i].text ? put : del;

        store_reset(s);
        store_bind_text(s, 1, rows[i].kind);
        store_bind_text(s, 2, rows[i].ref);
        store_bind_text(s, 3, lang);
        if (s == put) {
            store_bind_text(s, 4, rows[i].text);
            store_bind_text(s, 5, st->actor[0] ? st->actor : NULL);
            store_bind_text(s, 6, now);
        }
        if (store_step(s) != STORE_DONE) {
            rc = store_db_error(st, err, "storing a translation");
            goto fail;
        }
        count += store_changes(s) > 0;
    }
    store_finalize(put);
    store_finalize(del);
    if ((rc = store_tx_commit(st, err)))
        return rc;
    if (changed)
        *changed = count;
    return SS_OK;
fail:
    store_finalize(put);
    store_finalize(del);
    store_tx_rollback(st);
    return rc;
}

int ss_store_translations_each(struct ss_store *st, ss_store_text_cb cb, void *ctx,
                               struct ss_err *err)
{
    struct store_stmt *s;
    int rc = SS_OK, step;

    /* a database not migrated yet (opened read-only) has none */
    if (ss_store_schema_version(st) < STORE_SCHEMA_TRANSLATIONS)
        return SS_OK;
    s = store_prepare(st, "SELECT kind, ref, lang, text FROM translation ORDER BY kind, ref, lang",
                      err);
    if (!s)
        return SS_EDB;
    while ((step = store_step(s)) == STORE_ROW) {
        rc = cb(ctx, store_col_text(s, 0), store_col_text(s, 1), store_col_text(s, 2),
                store_col_text(s, 3));
        if (rc)
            break;
    }
    if (!rc && step != STORE_DONE)
        rc = store_db_error(st, err, "reading the translations");
    store_finalize(s);
    return rc;
}
