/*
 * store_audit.c - audit triggers, sealing, verification and backup
 * (see store_audit.h).
 *
 * One table, AUDITED below, lists each audited table with its columns. The
 * triggers of migration 2 and the row images verification recomputes are
 * both generated from it, so the two cannot disagree.
 *
 * Chain: hash(n) = SHA-256 over the fields of entry n joined by U+001F,
 * ending with hash(n-1) (the empty string for the first entry), in hex.
 */
#include "store/store_audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "store/store_int.h"

static const struct audited {
    const char *table;
    const char *cols;
} AUDITED[] = {
    {"org_unit", "id,code,name,level,parent_id"},
    {"department", "id,name"},
    {"plan", "id,title,issuer,year,period_start,period_end,published,state,top_org,yellow_pp,"
             "red_pp,deadline_day,created_at"},
    {"project", "id,plan_id,no,title,lead_dept_id"},
    {"target", "id,plan_id,project_id,seq,text,metric,value,unit,op,kind,parent_id,dept_id,"
               "profile"},
    {"assignment", "id,target_id,org_id,dept_id,value,reason,created_by,created_at"},
    {"report", "id,target_id,org_id,as_of,value,numerator,denominator,note,status,seq,"
               "created_by,created_at,reviewed_by,reviewed_at,review_comment,flags,user_id"},
    {"account", "id,name,role,org_id,dept_id,pw_hash,disabled,created_at"},
    {"evidence", "id,report_id,sha256,mime,size,name,created_at"},
};

/* json_object('c1', P.c1, 'c2', P.c2, ...) */
static void row_image(struct ss_buf *b, const char *cols, const char *prefix)
{
    const char *c = cols, *comma;

    ss_buf_puts(b, "json_object(");
    for (;;) {
        size_t n;
        comma = strchr(c, ',');
        n = comma ? (size_t)(comma - c) : strlen(c);
        ss_buf_printf(b, "'%.*s',%s.%.*s", (int)n, c, prefix, (int)n, c);
        if (!comma)
            break;
        ss_buf_putc(b, ',');
        c = comma + 1;
    }
    ss_buf_putc(b, ')');
}

void store_audit_triggers_sql(struct ss_buf *b)
{
    static const char *const ev[3][3] = {
        {"ins", "INSERT", "NEW"}, {"upd", "UPDATE", "NEW"}, {"del", "DELETE", "OLD"}};
    size_t i, k;

    for (i = 0; i < SS_ARRAY_LEN(AUDITED); i++)
        for (k = 0; k < 3; k++) {
            ss_buf_printf(b,
                          "CREATE TRIGGER audit_%s_%s AFTER %s ON %s BEGIN "
                          "INSERT INTO audit_log(action, tbl, row_id, row_json) VALUES "
                          "('%s', '%s', %s.id, ",
                          AUDITED[i].table, ev[k][0], ev[k][1], AUDITED[i].table,
                          k == 0 ? "insert" : k == 1 ? "update" : "delete", AUDITED[i].table,
                          ev[k][2]);
            row_image(b, AUDITED[i].cols, ev[k][2]);
            ss_buf_puts(b, "); END;\n");
        }
}

void ss_store_set_actor(struct ss_store *st, const char *actor)
{
    snprintf(st->actor, sizeof st->actor, "%s", actor && *actor ? actor : "system");
}

static void entry_hash(sqlite3_stmt *s, const char *actor, const char *prev, char out[65])
{
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    static const unsigned char SEP = 0x1f;
    int col;

    crypto_hash_sha256_init(&h);
    for (col = 0; col < 6; col++) { /* id, at, action, tbl, row_id, row_json */
        const unsigned char *t = sqlite3_column_text(s, col);
        if (t)
            crypto_hash_sha256_update(&h, t, (unsigned long long)sqlite3_column_bytes(s, col));
        crypto_hash_sha256_update(&h, &SEP, 1);
    }
    crypto_hash_sha256_update(&h, (const unsigned char *)actor, strlen(actor));
    crypto_hash_sha256_update(&h, &SEP, 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)prev, strlen(prev));
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(out, 65, d, sizeof d);
}

static int last_hash(struct ss_store *st, char out[65])
{
    sqlite3_stmt *s = store_prepare(
        st, "SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1", NULL);

    out[0] = '\0';
    if (!s)
        return SS_EDB;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, 65, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return SS_OK;
}

int store_audit_seal(struct ss_store *st, struct ss_err *err)
{
    sqlite3_stmt *s = NULL, *u = NULL;
    char prev[65], hash[65];
    int rc = SS_OK, step;

    if (ss_store_schema_version(st) < 2)
        return SS_OK;
    if ((rc = last_hash(st, prev)))
        return store_db_error(st, err, "reading the audit log");
    s = store_prepare(st,
                      "SELECT id, at, action, tbl, row_id, row_json FROM audit_log "
                      "WHERE hash IS NULL ORDER BY id",
                      err);
    u = store_prepare(st, "UPDATE audit_log SET actor = ?, prev = ?, hash = ? WHERE id = ?", err);
    if (!s || !u) {
        rc = SS_EDB;
        goto out;
    }
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        entry_hash(s, st->actor, prev, hash);
        sqlite3_reset(u);
        sqlite3_bind_text(u, 1, st->actor, -1, SQLITE_STATIC);
        sqlite3_bind_text(u, 2, prev, -1, SQLITE_STATIC);
        sqlite3_bind_text(u, 3, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(u, 4, sqlite3_column_int64(s, 0));
        if (sqlite3_step(u) != SQLITE_DONE) {
            rc = store_db_error(st, err, "sealing the audit log");
            goto out;
        }
        memcpy(prev, hash, sizeof prev);
    }
    if (step != SQLITE_DONE)
        rc = store_db_error(st, err, "sealing the audit log");
out:
    sqlite3_finalize(s);
    sqlite3_finalize(u);
    return rc;
}

int ss_store_audit_event(struct ss_store *st, const char *action, const char *detail_json,
                         struct ss_err *err)
{
    sqlite3_stmt *s;
    int rc;

    if ((rc = store_tx_begin(st, err)))
        return rc;
    s = store_prepare(st, "INSERT INTO audit_log(action, tbl, row_id, row_json) "
                          "VALUES (?, 'event', 0, json(?))", err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    sqlite3_bind_text(s, 1, action, -1, SQLITE_STATIC);
    store_bind_text(s, 2, detail_json ? detail_json : "{}");
    rc = sqlite3_step(s) == SQLITE_DONE ? SS_OK : store_db_error(st, err, "writing the audit log");
    sqlite3_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_audit_anchor_parse(const char *s, struct ss_audit_anchor *a, struct ss_err *err)
{
    const char *colon = s ? strchr(s, ':') : NULL;
    char num[24];
    long n;
    size_t i;

    memset(a, 0, sizeof *a);
    if (!colon || (size_t)(colon - s) >= sizeof num || strlen(colon + 1) != 64)
        return ss_err_set(err, SS_EINVAL, "anchor",
                          "an anchor is ENTRY:HASH (64 hex digits), not '%.80s'", s ? s : "");
    memcpy(num, s, (size_t)(colon - s));
    num[colon - s] = '\0';
    if (ss_parse_long(num, &n) || n <= 0)
        return ss_err_set(err, SS_EINVAL, "anchor",
                          "the anchor's entry '%s' is not a positive number", num);
    for (i = 0; i < 64; i++) {
        char c = colon[1 + i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return ss_err_set(err, SS_EINVAL, "anchor", "the anchor's hash is not hexadecimal");
        a->hash[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    }
    a->hash[64] = '\0';
    a->entry = n;
    return SS_OK;
}

static int verify_chain(struct ss_store *st, const struct ss_audit_anchor *anchor,
                        struct ss_audit_result *r)
{
    sqlite3_stmt *s = store_prepare(st,
                                    "SELECT id, at, action, tbl, row_id, row_json, actor, prev, "
                                    "hash FROM audit_log ORDER BY id",
                                    NULL);
    char prev[65] = "", hash[65];
    int step, anchored = 0;

    if (!s)
        return SS_EDB;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *actor = (const char *)sqlite3_column_text(s, 6);
        const char *p = (const char *)sqlite3_column_text(s, 7);
        const char *h = (const char *)sqlite3_column_text(s, 8);
        int64_t id = sqlite3_column_int64(s, 0);

        r->entries++;
        if (!h || !actor || !p) {
            r->bad_entry = id;
            snprintf(r->what, sizeof r->what,
                     "entry %lld was never sealed: it was written outside shishi", (long long)id);
            break;
        }
        entry_hash(s, actor, prev, hash);
        if (strcmp(p, prev) != 0) {
            r->bad_entry = id;
            snprintf(r->what, sizeof r->what,
                     "entry %lld does not follow the entry before it (one was removed or "
                     "reordered)", (long long)id);
            break;
        }
        if (strcmp(h, hash) != 0) {
            r->bad_entry = id;
            snprintf(r->what, sizeof r->what,
                     "entry %lld (%s %s %lld) was changed after it was written", (long long)id,
                     (const char *)sqlite3_column_text(s, 2),
                     (const char *)sqlite3_column_text(s, 3),
                     (long long)sqlite3_column_int64(s, 4));
            break;
        }
        if (anchor && id == anchor->entry) {
            anchored = 1;
            if (strcmp(hash, anchor->hash) != 0) {
                r->bad_entry = id;
                snprintf(r->what, sizeof r->what,
                         "entry %lld does not have the anchored hash: the log was rewritten at "
                         "or before it", (long long)id);
                break;
            }
        }
        memcpy(prev, hash, sizeof prev);
        r->head_entry = id;
        memcpy(r->head_hash, hash, sizeof r->head_hash);
    }
    sqlite3_finalize(s);
    if (anchor && !anchored && !r->bad_entry && (step == SQLITE_DONE)) {
        r->bad_entry = anchor->entry;
        snprintf(r->what, sizeof r->what,
                 "the anchored entry %lld is not in the log: entries were removed",
                 (long long)anchor->entry);
    }
    return step == SQLITE_ROW || step == SQLITE_DONE ? SS_OK : SS_EDB;
}

/* Compare one table with the log's last image of each of its rows. */
static int verify_table(struct ss_store *st, const struct audited *a, struct ss_audit_result *r)
{
    struct ss_buf q;
    sqlite3_stmt *s = NULL;
    int rc = SS_OK;

    ss_buf_init(&q, 1 << 16);
    /* rows whose image differs from the log's last image, or that the log
     * never saw, or last saw deleted */
    ss_buf_printf(&q,
                  "WITH last AS (SELECT tbl, row_id, max(id) AS id FROM audit_log "
                  " WHERE tbl = '%s' GROUP BY row_id) "
                  "SELECT t.id, l.id, a.action FROM %s t "
                  "LEFT JOIN last l ON l.row_id = t.id "
                  "LEFT JOIN audit_log a ON a.id = l.id "
                  "WHERE a.id IS NULL OR a.action = 'delete' OR a.row_json IS NOT ",
                  a->table, a->table);
    row_image(&q, a->cols, "t");
    ss_buf_puts(&q, " LIMIT 1");
    s = store_prepare(st, q.data, NULL);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        int64_t row = sqlite3_column_int64(s, 0), entry = sqlite3_column_int64(s, 1);
        r->bad_entry = entry ? entry : -1;
        if (!entry)
            snprintf(r->what, sizeof r->what,
                     "%s row %lld is in the database but not in the audit log: inserted "
                     "behind shishi's back", a->table, (long long)row);
        else
            snprintf(r->what, sizeof r->what,
                     "%s row %lld differs from its last audited image (entry %lld): changed "
                     "behind shishi's back", a->table, (long long)row, (long long)entry);
        goto out;
    }
    sqlite3_finalize(s);
    ss_buf_reset(&q);
    ss_buf_printf(&q,
                  "WITH last AS (SELECT row_id, max(id) AS id FROM audit_log "
                  " WHERE tbl = '%s' GROUP BY row_id) "
                  "SELECT l.row_id, l.id FROM last l JOIN audit_log a ON a.id = l.id "
                  "WHERE a.action != 'delete' AND NOT EXISTS "
                  "(SELECT 1 FROM %s t WHERE t.id = l.row_id) LIMIT 1",
                  a->table, a->table);
    s = store_prepare(st, q.data, NULL);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        r->bad_entry = sqlite3_column_int64(s, 1);
        snprintf(r->what, sizeof r->what,
                 "%s row %lld is missing, but the audit log never saw it deleted (entry %lld): "
                 "deleted behind shishi's back", a->table, (long long)sqlite3_column_int64(s, 0),
                 (long long)r->bad_entry);
    }
    {
        sqlite3_stmt *c;
        ss_buf_reset(&q);
        ss_buf_printf(&q, "SELECT count(*) FROM %s", a->table);
        c = store_prepare(st, q.data, NULL);
        if (c && sqlite3_step(c) == SQLITE_ROW)
            r->rows += sqlite3_column_int64(c, 0);
        sqlite3_finalize(c);
    }
out:
    sqlite3_finalize(s);
    ss_buf_cleanup(&q);
    return rc;
}

int ss_store_audit_verify(struct ss_store *st, const struct ss_audit_anchor *anchor,
                          struct ss_audit_result *r, struct ss_err *err)
{
    size_t i;

    memset(r, 0, sizeof *r);
    if (ss_store_schema_version(st) < 2)
        return ss_err_set(err, SS_EDB, "db", "this database has no audit log (schema too old)");
    if (verify_chain(st, anchor, r))
        return store_db_error(st, err, "reading the audit log");
    for (i = 0; i < SS_ARRAY_LEN(AUDITED) && !r->bad_entry; i++)
        if (verify_table(st, &AUDITED[i], r))
            return store_db_error(st, err, "comparing the audited tables");
    return SS_OK;
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
    if (rc != SQLITE_DONE)
        return ss_err_set(err, SS_EIO, "file", "restore from '%s' failed: %s", src,
                          sqlite3_errmsg(st->db));
    return SS_OK;
}

int ss_store_backup(struct ss_store *st, const char *dest, struct ss_err *err)
{
    sqlite3 *out = NULL;
    int rc;

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

int store_audit_backfill(struct ss_store *st, struct ss_err *err)
{
    struct ss_buf q;
    size_t i;
    int rc = SS_OK;

    ss_buf_init(&q, 1 << 16);
    for (i = 0; i < SS_ARRAY_LEN(AUDITED) && !rc; i++) {
        ss_buf_reset(&q);
        ss_buf_printf(&q,
                      "INSERT INTO audit_log(action, tbl, row_id, row_json) "
                      "SELECT 'insert', '%s', t.id, ",
                      AUDITED[i].table);
        row_image(&q, AUDITED[i].cols, "t");
        ss_buf_printf(&q, " FROM %s t ORDER BY t.id", AUDITED[i].table);
        rc = store_exec(st, q.data, err);
    }
    ss_buf_cleanup(&q);
    return rc;
}
