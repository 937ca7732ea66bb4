/*
 * store_message.c - the public's messages as rows (store_message.h).
 *
 * The table comes from migration STORE_SCHEMA_MESSAGES (store_schema.c);
 * its audit triggers from store_audit.c's list. A database opened
 * read-only before its migration has no messages: the readers answer
 * none.
 */
#include "store/store_message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/store_db.h"
#include "store/store_int.h"

#define COLS                                                                                       \
    "id, plan_id, about, target_id, project_no, org_id, kind, text, photo_sha256, photo_mime,"     \
    " status, hide_reason, dept, received_at, received_on, moderated_on, moderated_by,"            \
    " deadline, reply, replied_on, replied_by, helpful, notice_id, contact IS NOT NULL"

static void text_to(struct store_stmt *s, int i, char *out, size_t cap)
{
    const char *t = store_col_text(s, i);

    snprintf(out, cap, "%s", t ? t : "");
}

static void row_read(struct store_stmt *s, struct ss_message *m)
{
    memset(m, 0, sizeof *m);
    m->id = store_col_int64(s, 0);
    m->plan_id = store_col_int64(s, 1);
    text_to(s, 2, m->about, sizeof m->about);
    m->target_id = store_col_null(s, 3) ? 0 : store_col_int64(s, 3);
    m->project_no = store_col_null(s, 4) ? 0 : (int)store_col_int64(s, 4);
    m->org_id = store_col_int64(s, 5);
    text_to(s, 6, m->kind, sizeof m->kind);
    m->text = store_col_strdup(s, 7);
    text_to(s, 8, m->photo_sha256, sizeof m->photo_sha256);
    text_to(s, 9, m->photo_mime, sizeof m->photo_mime);
    text_to(s, 10, m->status, sizeof m->status);
    text_to(s, 11, m->hide_reason, sizeof m->hide_reason);
    m->dept = store_col_strdup(s, 12);
    text_to(s, 13, m->received_at, sizeof m->received_at);
    text_to(s, 14, m->received_on, sizeof m->received_on);
    text_to(s, 15, m->moderated_on, sizeof m->moderated_on);
    m->moderated_by = store_col_strdup(s, 16);
    text_to(s, 17, m->deadline, sizeof m->deadline);
    m->reply = store_col_strdup(s, 18);
    text_to(s, 19, m->replied_on, sizeof m->replied_on);
    m->replied_by = store_col_strdup(s, 20);
    m->helpful = store_col_null(s, 21) ? -1 : (int)store_col_int64(s, 21);
    m->notice_id = store_col_null(s, 22) ? 0 : store_col_int64(s, 22);
    m->has_contact = store_col_int64(s, 23) != 0;
}

void ss_store_message_cleanup(struct ss_message *m)
{
    free(m->text);
    free(m->dept);
    free(m->moderated_by);
    free(m->reply);
    free(m->replied_by);
    memset(m, 0, sizeof *m);
}

void ss_store_messages_free(struct ss_message *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        ss_store_message_cleanup(&list[i]);
    free(list);
}

static int has_table(struct ss_store *st)
{
    return ss_store_schema_version(st) >= STORE_SCHEMA_MESSAGES;
}

/* "" as NULL, for the optional columns. */
static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

static void bind_id(struct store_stmt *s, int i, int64_t v)
{
    if (v > 0)
        store_bind_int64(s, i, v);
    else
        store_bind_null(s, i);
}

int ss_store_message_insert(struct ss_store *st, const struct ss_message *m,
                            const struct ss_store_message_keys *k, int64_t *id, struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO message(ticket_hash, plan_id, about, target_id, project_no,"
                      " org_id, kind, text, contact, contact_digest, text_digest, photo_sha256,"
                      " photo_mime, status, dept, received_at, received_on) VALUES (?1, ?2, ?3,"
                      " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'received', ?14, ?15, ?16)"
                      " RETURNING id",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_text(s, 1, k->ticket_hash);
    store_bind_int64(s, 2, m->plan_id);
    store_bind_text(s, 3, m->about);
    bind_id(s, 4, m->target_id);
    bind_id(s, 5, m->project_no);
    store_bind_int64(s, 6, m->org_id);
    store_bind_text(s, 7, m->kind);
    store_bind_text(s, 8, m->text ? m->text : "");
    store_bind_text(s, 9, opt(k->contact));
    store_bind_text(s, 10, opt(k->contact_digest));
    store_bind_text(s, 11, k->text_digest);
    store_bind_text(s, 12, opt(m->photo_sha256));
    store_bind_text(s, 13, opt(m->photo_mime));
    store_bind_text(s, 14, opt(m->dept));
    store_bind_text(s, 15, m->received_at);
    store_bind_text(s, 16, m->received_on);
    if (store_step(s) != STORE_ROW) {
        rc = store_db_error(st, err, "storing the message");
        store_finalize(s);
        store_tx_rollback(st);
        return rc;
    }
    *id = store_col_int64(s, 0);
    store_finalize(s);
    return store_tx_commit(st, err);
}

int ss_store_message_update(struct ss_store *st, const struct ss_message *m, const char *was,
                            struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "UPDATE message SET status = ?2, hide_reason = ?3, moderated_on = ?4,"
                      " moderated_by = ?5, deadline = ?6, reply = ?7, replied_on = ?8,"
                      " replied_by = ?9, helpful = ?10, notice_id = ?11,"
                      " replied_at = CASE WHEN replied_at IS NULL AND CAST(?7 AS TEXT) IS NOT NULL"
                      " THEN CAST(?13 AS TEXT) ELSE replied_at END"
                      " WHERE id = ?1 AND status = ?12",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, m->id);
    store_bind_text(s, 2, m->status);
    store_bind_text(s, 3, opt(m->hide_reason));
    store_bind_text(s, 4, opt(m->moderated_on));
    store_bind_text(s, 5, opt(m->moderated_by));
    store_bind_text(s, 6, opt(m->deadline));
    store_bind_text(s, 7, opt(m->reply));
    store_bind_text(s, 8, opt(m->replied_on));
    store_bind_text(s, 9, opt(m->replied_by));
    if (m->helpful >= 0)
        store_bind_int64(s, 10, m->helpful);
    else
        store_bind_null(s, 10);
    bind_id(s, 11, m->notice_id);
    {
        char now[21];
        store_now(now); /* when the reply was written: the feeds' time of it */
        store_bind_text(s, 13, now);
    }
    store_bind_text(s, 12, was);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "updating the message");
    else if (store_changes(s) == 0)
        rc = ss_err_set(err, SS_ECONFLICT, "id", "message %lld changed meanwhile: read it again",
                        (long long)m->id);
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

/* One row by a column's value: 0, SS_ENOTFOUND or SS_EDB. */
static int get_by(struct ss_store *st, const char *sql, int64_t id, const char *text,
                  struct ss_message *out)
{
    struct store_stmt *s;
    int rc;

    memset(out, 0, sizeof *out);
    if (!has_table(st))
        return SS_ENOTFOUND;
    if (!(s = store_prepare(st, sql, NULL)))
        return SS_EDB;
    if (text)
        store_bind_text(s, 1, text);
    else
        store_bind_int64(s, 1, id);
    rc = store_step(s);
    if (rc == STORE_ROW)
        row_read(s, out);
    store_finalize(s);
    return rc == STORE_ROW ? 0 : rc == STORE_DONE ? SS_ENOTFOUND : SS_EDB;
}

int ss_store_message_get(struct ss_store *st, int64_t id, struct ss_message *out)
{
    return get_by(st, "SELECT " COLS " FROM message WHERE id = ?1", id, NULL, out);
}

int ss_store_message_by_ticket(struct ss_store *st, const char *ticket_hash, struct ss_message *out)
{
    return get_by(st, "SELECT " COLS " FROM message WHERE ticket_hash = ?1", 0, ticket_hash, out);
}

int64_t ss_store_message_dups(struct ss_store *st, const char *text_digest, const char *since)
{
    struct store_stmt *s;
    int64_t n = -1;

    if (!has_table(st))
        return 0;
    if (!(s = store_prepare(st,
                            "SELECT count(*) FROM message WHERE text_digest = ?1 AND"
                            " received_at > ?2",
                            NULL)))
        return -1;
    store_bind_text(s, 1, text_digest);
    store_bind_text(s, 2, since);
    if (store_step(s) == STORE_ROW)
        n = store_col_int64(s, 0);
    store_finalize(s);
    return n;
}

int ss_store_message_list(struct ss_store *st, const struct ss_store_message_filter *f,
                          struct ss_message **out, size_t *n)
{
    struct store_stmt *s;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (!has_table(st))
        return 0;
    /* one text for every filter: an unset part binds NULL and matches all */
    s = store_prepare(st,
                      "SELECT " COLS " FROM message WHERE plan_id = ?1"
                      " AND (CAST(?2 AS TEXT) IS NULL OR status = ?2)"
                      " AND (CAST(?3 AS TEXT) IS NULL OR about = ?3)"
                      " AND (CAST(?4 AS BIGINT) IS NULL OR target_id = ?4)"
                      " AND (CAST(?5 AS BIGINT) IS NULL OR project_no = ?5)"
                      " AND (CAST(?6 AS BIGINT) IS NULL OR org_id = ?6)"
                      " ORDER BY id LIMIT ?7",
                      NULL);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, f->plan_id);
    store_bind_text(s, 2, opt(f->status));
    store_bind_text(s, 3, opt(f->about));
    bind_id(s, 4, f->target_id);
    bind_id(s, 5, f->project_no);
    bind_id(s, 6, f->org_id);
    store_bind_int64(s, 7, SS_MESSAGE_LIST_MAX);
    while ((rc = store_step(s)) == STORE_ROW) {
        row_read(s, SS_PUSH(*out, *n, cap));
    }
    store_finalize(s);
    if (rc != STORE_DONE) {
        ss_store_messages_free(*out, *n);
        *out = NULL;
        *n = 0;
        return SS_EDB;
    }
    return 0;
}

int ss_store_message_contact(struct ss_store *st, int64_t id, char **sealed)
{
    struct store_stmt *s;
    int rc;

    *sealed = NULL;
    if (!has_table(st))
        return SS_ENOTFOUND;
    if (!(s = store_prepare(st, "SELECT contact FROM message WHERE id = ?1", NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, id);
    rc = store_step(s);
    if (rc == STORE_ROW)
        *sealed = store_col_strdup(s, 0);
    store_finalize(s);
    return rc == STORE_ROW ? 0 : rc == STORE_DONE ? SS_ENOTFOUND : SS_EDB;
}
