/*
 * store_audit.c - audit triggers, sealing, signing, verification and backup
 * (see store_audit.h).
 *
 * Two lists below say what is audited, per migration. AUDITED: each
 * audited table, its row image as of the migration that starts auditing it
 * (`since`). AUDITED_COLS: each column a later migration adds to an
 * audited table's image, with that migration and the column's DEFAULT. The
 * image of table T at schema version v is T's columns followed by the
 * columns added to it up to v. A migration that starts auditing T creates
 * T's three triggers from the image as of it and logs one insert entry per
 * row T already holds; a migration that adds a column to T drops T's
 * triggers and makes them again with the new image (store_audit_migrate,
 * run by the migration step between the migration's sql and its `after`).
 * A fresh database and an upgraded one run the same migrations, so they
 * end with the same triggers, byte for byte.
 *
 * Verification follows the versions too: the table is compared with each
 * row's last entry, where an entry written before a column was added
 * carries no such key, and the row must then still hold the column's
 * DEFAULT (what ALTER TABLE gave every row); a migration that sets other
 * values does so in its `after`, whose changes the new triggers log. An
 * entry's own keys say which columns it was written with; it cannot lie
 * about them, since it is sealed. (PostgreSQL: the same lists make plpgsql
 * trigger functions, to_jsonb of the image's columns, and the same
 * comparison with jsonb.)
 *
 * Chain: hash(n) = SHA-256 over the fields of entry n joined by U+001F,
 * ending with hash(n-1) (the empty string for the first entry), in hex.
 *
 * Signatures (from migration STORE_SCHEMA_SIGNED on): each commit's seal
 * signs the hash of the commit's last entry with Ed25519,
 * sig = Sign(private key, "shishi audit v1" U+001F hash), in hex. Through
 * the chain that hash covers every entry before it, so one signature per
 * commit covers all of them. The private key is a file beside the
 * database, never in it (store_audit_key.c); the first signed commit
 * appends an entry (action 'audit_key') that records the public key and
 * the first entry it signs. From that entry on, the log must end with a
 * signed entry and every signature must verify.
 */
#include "store/store_audit.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "store/store_int.h"

static const struct store_audited AUDITED[] = {
    {"org_unit", 2, "id", 0, "id,code,name,level,parent_id"},
    {"department", 2, "id", 0, "id,name"},
    {"plan", 2, "id", 0,
     "id,title,issuer,year,period_start,period_end,published,state,top_org,yellow_pp,"
     "red_pp,deadline_day,created_at"},
    {"project", 2, "id", 0, "id,plan_id,no,title,lead_dept_id"},
    {"target", 2, "id", 0,
     "id,plan_id,project_id,seq,text,metric,value,unit,op,kind,parent_id,dept_id,"
     "profile"},
    {"assignment", 2, "id", 0, "id,target_id,org_id,dept_id,value,reason,created_by,created_at"},
    {"report", 2, "id", 0,
     "id,target_id,org_id,as_of,value,numerator,denominator,note,status,seq,"
     "created_by,created_at,reviewed_by,reviewed_at,review_comment,flags,user_id"},
    {"account", 2, "id", 0, "id,name,role,org_id,dept_id,pw_hash,disabled,created_at"},
    {"evidence", 2, "id", 0, "id,report_id,sha256,mime,size,name,created_at"},
    /* A session row is a sign-in; its deletion a sign-out or an expiry. The
     * token's hash (the table's key) and the CSRF token stay out of the
     * image, so the log holds nothing that opens a session; the row is
     * known by its rowid. */
    {"session", STORE_SCHEMA_SIGNED, "rowid", 1, "account_id,created_at,expires_at"},
    /* translations of plan content, like the plan content itself */
    {"translation", STORE_SCHEMA_TRANSLATIONS, "id", 0,
     "id,kind,ref,lang,text,updated_by,updated_at"},
};

/* Columns added to audited tables after their `since`, oldest first: none
 * yet (every column of the tables above was there when auditing began).
 * The next migration that adds one appends {table, migration, column,
 * DEFAULT} here; the list ends with the NULL entry. */
static const struct store_audited_col AUDITED_COLS[] = {
    {NULL, 0, NULL, NULL},
};

/* The i-th audited table: the built-in ones, then a test migration's
 * (store_test.h). 0 past the last. */
static int audited_at(size_t i, struct store_audited *out)
{
    const struct ss_test_migration *t;
    int version;

    if (i < SS_ARRAY_LEN(AUDITED)) {
        *out = AUDITED[i];
        return 1;
    }
    i -= SS_ARRAY_LEN(AUDITED);
    if (!(t = store_test_extra(&version)) || i >= t->ntables)
        return 0;
    out->table = t->tables[i].table;
    out->since = version;
    out->id = t->tables[i].id;
    out->update_of = 0;
    out->cols = t->tables[i].cols;
    return 1;
}

/* The i-th added column, built-in then a test migration's. 0 past the last. */
static int added_at(size_t i, struct store_audited_col *out)
{
    const struct ss_test_migration *t;
    size_t n = SS_ARRAY_LEN(AUDITED_COLS) - 1;
    int version;

    if (i < n) {
        *out = AUDITED_COLS[i];
        return 1;
    }
    i -= n;
    if (!(t = store_test_extra(&version)) || i >= t->ncols)
        return 0;
    out->table = t->cols[i].table;
    out->since = version;
    out->col = t->cols[i].col;
    out->dflt = t->cols[i].dflt;
    return 1;
}

/* The image of table a as of schema version `version`, into b: its
 * columns, then those added up to that version. */
static void cols_at(const struct store_audited *a, int version, struct ss_buf *b)
{
    struct store_audited_col c;
    size_t i;

    ss_buf_puts(b, a->cols);
    for (i = 0; added_at(i, &c); i++)
        if (strcmp(c.table, a->table) == 0 && c.since <= version)
            ss_buf_printf(b, ",%s", c.col);
}

#define SIG_DOMAIN "shishi audit v1\x1f"
#define SIG_DOMAIN_LEN (sizeof SIG_DOMAIN - 1)
#define PK_HEX (2 * crypto_sign_PUBLICKEYBYTES + 1)
#define SIG_HEX (2 * crypto_sign_BYTES + 1)

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

/* The three triggers of table a, with the image cols; drop: drop the
 * table's triggers first (a migration that adds a column makes them
 * again). Tables audited since migration 2 keep the exact text that
 * migration always produced. */
static void triggers_sql(struct ss_buf *b, const struct store_audited *a, const char *cols,
                         int drop)
{
    static const char *const ev[3][3] = {
        {"ins", "INSERT", "NEW"}, {"upd", "UPDATE", "NEW"}, {"del", "DELETE", "OLD"}};
    size_t k;

    for (k = 0; drop && k < 3; k++)
        ss_buf_printf(b, "DROP TRIGGER IF EXISTS audit_%s_%s;\n", a->table, ev[k][0]);
    for (k = 0; k < 3; k++) {
        ss_buf_printf(b, "CREATE TRIGGER audit_%s_%s AFTER %s ", a->table, ev[k][0], ev[k][1]);
        if (k == 1 && a->update_of)
            ss_buf_printf(b, "OF %s ", cols);
        ss_buf_printf(b,
                      "ON %s BEGIN "
                      "INSERT INTO audit_log(action, tbl, row_id, row_json) VALUES "
                      "('%s', '%s', %s.%s, ",
                      a->table,
                      k == 0   ? "insert"
                      : k == 1 ? "update"
                               : "delete",
                      a->table, ev[k][2], a->id);
        row_image(b, cols, ev[k][2]);
        ss_buf_puts(b, "); END;\n");
    }
}

/* One insert entry per existing row of the table. */
static int backfill(struct ss_store *st, const struct store_audited *a, const char *cols,
                    struct ss_err *err)
{
    struct ss_buf q;
    int rc;

    ss_buf_init(&q, 1 << 16);
    ss_buf_printf(&q,
                  "INSERT INTO audit_log(action, tbl, row_id, row_json) "
                  "SELECT 'insert', '%s', t.%s, ",
                  a->table, a->id);
    row_image(&q, cols, "t");
    ss_buf_printf(&q, " FROM %s t ORDER BY t.%s", a->table, a->id);
    rc = q.err ? ss_err_set(err, SS_EDB, "db", "audit backfill too long")
               : store_exec(st, q.data, err);
    ss_buf_cleanup(&q);
    return rc;
}

/* 1 if migration `version` adds a column to audited table a. */
static int adds_to(const struct store_audited *a, int version)
{
    struct store_audited_col c;
    size_t i;

    for (i = 0; added_at(i, &c); i++)
        if (c.since == version && strcmp(c.table, a->table) == 0)
            return 1;
    return 0;
}

int store_audit_check_lists(struct ss_err *err)
{
    struct store_audited_col c;
    struct store_audited a;
    size_t i, k;

    for (i = 0; added_at(i, &c); i++) {
        for (k = 0; audited_at(k, &a) && strcmp(a.table, c.table) != 0; k++)
            ;
        if (!audited_at(k, &a) || c.since <= a.since)
            return ss_err_set(err, SS_EDB, "db",
                              "the audit lists name column %s.%s (migration %d), but %s is not "
                              "audited before that migration",
                              c.table, c.col, c.since, c.table);
    }
    return SS_OK;
}

int store_audit_migrate(struct ss_store *st, int version, struct ss_err *err)
{
    struct ss_buf b, cols;
    struct store_audited a;
    size_t i;
    int rc = SS_OK;

    ss_buf_init(&b, 1 << 20);
    ss_buf_init(&cols, 1 << 14);
    for (i = 0; audited_at(i, &a); i++)
        if (a.since == version || (a.since < version && adds_to(&a, version))) {
            ss_buf_reset(&cols);
            cols_at(&a, version, &cols);
            triggers_sql(&b, &a, cols.data, a.since < version);
        }
    if (b.len)
        rc = b.err || cols.err ? ss_err_set(err, SS_EDB, "db", "audit triggers too long")
                               : store_exec(st, b.data, err);
    for (i = 0; audited_at(i, &a) && !rc; i++)
        if (a.since == version) {
            ss_buf_reset(&cols);
            cols_at(&a, version, &cols);
            rc = backfill(st, &a, cols.data, err);
        }
    ss_buf_cleanup(&cols);
    ss_buf_cleanup(&b);
    return rc;
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

/* 0 and the key in pk if hex is 64 hex digits, else -1. */
static int pk_from_hex(const char *hex, unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
    size_t n = 0;

    if (!hex || strlen(hex) != 2 * crypto_sign_PUBLICKEYBYTES)
        return -1;
    return sodium_hex2bin(pk, crypto_sign_PUBLICKEYBYTES, hex, strlen(hex), NULL, &n, NULL) == 0 &&
                   n == crypto_sign_PUBLICKEYBYTES
               ? 0
               : -1;
}

static void pk_to_hex(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char out[PK_HEX])
{
    sodium_bin2hex(out, PK_HEX, pk, crypto_sign_PUBLICKEYBYTES);
}

/* The signed message: the domain, then the entry's hash in hex. */
static void sig_message(const char hash[65], unsigned char m[SIG_DOMAIN_LEN + 64])
{
    memcpy(m, SIG_DOMAIN, SIG_DOMAIN_LEN);
    memcpy(m + SIG_DOMAIN_LEN, hash, 64);
}

/* 1 if sighex is a valid signature of the entry hash under pk. */
static int sig_ok(const char *sighex, const char hash[65],
                  const unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
    unsigned char sig[crypto_sign_BYTES], m[SIG_DOMAIN_LEN + 64];
    size_t n = 0;

    if (!sighex || strlen(sighex) != 2 * crypto_sign_BYTES ||
        sodium_hex2bin(sig, sizeof sig, sighex, strlen(sighex), NULL, &n, NULL) != 0 ||
        n != sizeof sig)
        return 0;
    sig_message(hash, m);
    return crypto_sign_verify_detached(sig, m, sizeof m, pk) == 0;
}

/* ---- the signing key (the file: store_audit_key.c) ----------------------- */

/* The log's audit_key entry (sealed, or written by the open transaction
 * when in_tx): 1 with its key, entry and first signed entry; 0 when there
 * is none; -1 on error or when it cannot be read. */
static int logged_key(struct ss_store *st, int in_tx, unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                      int64_t *entry, int64_t *from)
{
    sqlite3_stmt *s = store_prepare(
        st,
        "SELECT id, json_extract(row_json, '$.public_key'), "
        "json_extract(row_json, '$.signed_from') FROM audit_log "
        "WHERE action = 'audit_key' AND tbl = 'event' AND (hash IS NOT NULL OR id >= ?) "
        "ORDER BY id LIMIT 1",
        NULL);
    int rc = 0, step;

    *entry = *from = 0;
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, in_tx ? st->seal_from : INT64_MAX);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *entry = sqlite3_column_int64(s, 0);
        *from = sqlite3_column_int64(s, 2);
        rc = pk_from_hex((const char *)sqlite3_column_text(s, 1), pk) == 0 ? 1 : -1;
    } else if (step != SQLITE_DONE) {
        rc = -1;
    }
    sqlite3_finalize(s);
    return rc;
}

/* Inside a transaction: make st->key the key the log is signed with,
 * reading (or, while the log records none, creating) the key file.
 * *logged: the log, or the open transaction, records a key already. */
static int key_ready(struct ss_store *st, int *logged, struct ss_err *err)
{
    struct store_audit_key k;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char path[STORE_KEY_PATH_MAX], a[PK_HEX], b[PK_HEX];
    int64_t entry, from;
    int has, rc;

    *logged = 0;
    if (st->key && st->key->recorded) {
        *logged = 1;
        return SS_OK;
    }
    if ((has = logged_key(st, 1, pk, &entry, &from)) < 0)
        return ss_err_set(err, SS_EDB, "db", "the audit log's key entry cannot be read");
    if ((rc = store_audit_key_path(st, path, err)))
        return rc;
    memset(&k, 0, sizeof k);
    if (st->key) {
        k = *st->key;
    } else {
        if (sodium_init() < 0)
            return ss_err_set(err, SS_EIO, "audit-key", "libsodium could not be initialised");
        rc = store_audit_key_read(path, &k, err);
        if (rc == SS_ENOTFOUND && has) {
            pk_to_hex(pk, a);
            return ss_err_set(err, SS_EIO, "audit-key",
                              "the audit key '%s' is missing, and this database's log is signed "
                              "with the key %s from entry %lld on: shishi writes nothing "
                              "without it. Put the file back from its copy, or name it with "
                              "--audit-key FILE or SHISHI_AUDIT_KEY",
                              path, a, (long long)from);
        }
        if (rc == SS_ENOTFOUND && (rc = store_audit_key_create(path, &k, err)) == SS_OK)
            k.created = 1;
        else if (rc == SS_ECONFLICT)
            rc = store_audit_key_read(path, &k, err);
        if (rc)
            goto out;
    }
    if (has && sodium_memcmp(k.pk, pk, sizeof pk) != 0) {
        pk_to_hex(k.pk, a);
        pk_to_hex(pk, b);
        rc = ss_err_set(err, SS_ECONFLICT, "audit-key",
                        "the audit key '%s' (public key %s) is not the key this database's log "
                        "is signed with (%s, from entry %lld on): name the right file with "
                        "--audit-key FILE or SHISHI_AUDIT_KEY",
                        path, a, b, (long long)from);
        goto out;
    }
    /* only a committed entry settles it: this transaction may roll back */
    k.recorded = has && entry < st->seal_from;
    if (!st->key)
        st->key = ss_xmalloc(sizeof *st->key);
    *st->key = k;
    *logged = has;
out:
    sodium_memzero(&k, sizeof k);
    return rc;
}

/* Append the entry that records the key and where signing begins: the
 * first entry of this transaction. */
static int record_key(struct ss_store *st, struct ss_err *err)
{
    sqlite3_stmt *s = store_prepare(st,
                                    "INSERT INTO audit_log(action, tbl, row_id, row_json) VALUES "
                                    "('audit_key', 'event', 0, "
                                    "json_object('public_key', ?1, 'signed_from', ?2))",
                                    err);
    char hex[PK_HEX];
    int rc;

    if (!s)
        return SS_EDB;
    pk_to_hex(st->key->pk, hex);
    sqlite3_bind_text(s, 1, hex, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, st->seal_from);
    rc =
        sqlite3_step(s) == SQLITE_DONE ? SS_OK : store_db_error(st, err, "recording the audit key");
    sqlite3_finalize(s);
    return rc;
}

void store_audit_close(struct ss_store *st)
{
    if (!st->key)
        return;
    sodium_memzero(st->key, sizeof *st->key);
    free(st->key);
    st->key = NULL;
}

/* ---- sealing ------------------------------------------------------------ */

int store_audit_begin(struct ss_store *st, struct ss_err *err)
{
    st->seal_from = 1;
    if (ss_store_schema_version(st) < 2)
        return SS_OK;
    st->seal_from = store_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM audit_log", -1);
    return st->seal_from > 0 ? SS_OK : store_db_error(st, err, "reading the audit log");
}

static int last_hash(struct ss_store *st, char out[65])
{
    sqlite3_stmt *s = store_prepare(
        st, "SELECT hash FROM audit_log WHERE id < ? AND hash IS NOT NULL ORDER BY id DESC LIMIT 1",
        NULL);

    out[0] = '\0';
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, st->seal_from);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, 65, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return SS_OK;
}

/* Sign entry `id` (whose hash is `hash`) with the connection's key. */
static int sign_entry(struct ss_store *st, int64_t id, const char hash[65], struct ss_err *err)
{
    unsigned char sig[crypto_sign_BYTES], m[SIG_DOMAIN_LEN + 64];
    char hex[SIG_HEX];
    sqlite3_stmt *s;
    int rc;

    sig_message(hash, m);
    crypto_sign_detached(sig, NULL, m, sizeof m, st->key->sk);
    sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
    if (!(s = store_prepare(st, "UPDATE audit_log SET sig = ? WHERE id = ?", err)))
        return SS_EDB;
    sqlite3_bind_text(s, 1, hex, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, id);
    rc = sqlite3_step(s) == SQLITE_DONE ? SS_OK : store_db_error(st, err, "signing the audit log");
    sqlite3_finalize(s);
    return rc;
}

int store_audit_seal(struct ss_store *st, struct ss_err *err)
{
    sqlite3_stmt *s = NULL, *u = NULL;
    char prev[65], hash[65];
    int version = ss_store_schema_version(st), signing = version >= STORE_SCHEMA_SIGNED;
    int rc = SS_OK, step, logged;
    int64_t last = 0;
    sqlite3_stmt *q;

    if (version < 2)
        return SS_OK;
    /* nothing written: nothing to seal, and no key needed */
    if (!(q = store_prepare(st, "SELECT 1 FROM audit_log WHERE id >= ? AND hash IS NULL LIMIT 1",
                            err)))
        return SS_EDB;
    sqlite3_bind_int64(q, 1, st->seal_from);
    step = sqlite3_step(q);
    sqlite3_finalize(q);
    if (step == SQLITE_DONE)
        return SS_OK;
    if (step != SQLITE_ROW)
        return store_db_error(st, err, "reading the audit log");
    if (signing && ((rc = key_ready(st, &logged, err)) || (!logged && (rc = record_key(st, err)))))
        return rc;
    if ((rc = last_hash(st, prev)))
        return store_db_error(st, err, "reading the audit log");
    s = store_prepare(st,
                      "SELECT id, at, action, tbl, row_id, row_json FROM audit_log "
                      "WHERE id >= ? AND hash IS NULL ORDER BY id",
                      err);
    u = store_prepare(st, "UPDATE audit_log SET actor = ?, prev = ?, hash = ? WHERE id = ?", err);
    if (!s || !u) {
        rc = SS_EDB;
        goto out;
    }
    sqlite3_bind_int64(s, 1, st->seal_from);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        entry_hash(s, st->actor, prev, hash);
        last = sqlite3_column_int64(s, 0);
        sqlite3_reset(u);
        sqlite3_bind_text(u, 1, st->actor, -1, SQLITE_STATIC);
        sqlite3_bind_text(u, 2, prev, -1, SQLITE_STATIC);
        sqlite3_bind_text(u, 3, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(u, 4, last);
        if (sqlite3_step(u) != SQLITE_DONE) {
            rc = store_db_error(st, err, "sealing the audit log");
            goto out;
        }
        memcpy(prev, hash, sizeof prev);
    }
    if (step != SQLITE_DONE)
        rc = store_db_error(st, err, "sealing the audit log");
    else if (signing && last)
        rc = sign_entry(st, last, prev, err);
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

    if (strcmp(action, "audit_key") == 0) /* the store's own */
        return ss_err_set(err, SS_EINVAL, "action", "'audit_key' is not an event to log");
    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO audit_log(action, tbl, row_id, row_json) "
                      "VALUES (?, 'event', 0, json(?))",
                      err);
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

int ss_audit_public_key_parse(const char *s, char out[65], struct ss_err *err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];

    if (pk_from_hex(s, pk) != 0)
        return ss_err_set(err, SS_EINVAL, "public-key",
                          "a public key is 64 hex digits (as shishi audit key prints it), not "
                          "'%.80s'",
                          s ? s : "");
    pk_to_hex(pk, out);
    return SS_OK;
}

/* Record the first problem of a verification. Returns 1. */
static int found(struct ss_audit_result *r, int64_t entry, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int found(struct ss_audit_result *r, int64_t entry, const char *fmt, ...)
{
    va_list ap;

    r->bad_entry = entry;
    va_start(ap, fmt);
    vsnprintf(r->what, sizeof r->what, fmt, ap);
    va_end(ap);
    return 1;
}

/* The signature walk's state. */
struct signing {
    int given; /* a public key to check against */
    unsigned char want[crypto_sign_PUBLICKEYBYTES];
    int logged; /* the log recorded its key */
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    int64_t key_entry;
    int64_t covered; /* the last entry a signature covers so far */
};

/* An audit_key entry (its public key and first signed entry in columns 10
 * and 11): the first sets the key; a later one with another key is a
 * failure (a key is never replaced). Returns 1 on a problem. */
static int walk_key_entry(sqlite3_stmt *s, int64_t id, struct signing *g, struct ss_audit_result *r)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    int64_t first = sqlite3_column_int64(s, 11);
    char a[PK_HEX], b[PK_HEX];

    if (pk_from_hex((const char *)sqlite3_column_text(s, 10), pk) != 0 ||
        sqlite3_column_type(s, 11) != SQLITE_INTEGER || first < 1 || first > id)
        return found(r, id, "entry %lld should record the signing key, but it cannot be read",
                     (long long)id);
    if (g->logged) {
        if (sodium_memcmp(pk, g->pk, sizeof pk) == 0)
            return 0;
        pk_to_hex(pk, a);
        pk_to_hex(g->pk, b);
        return found(r, id,
                     "entry %lld records another signing key (%s) after entry %lld recorded %s: "
                     "a key is never replaced, so the log was altered",
                     (long long)id, a, (long long)g->key_entry, b);
    }
    g->logged = 1;
    memcpy(g->pk, pk, sizeof pk);
    g->key_entry = id;
    r->signed_from = first;
    pk_to_hex(pk, r->public_key);
    return 0;
}

/* A signed entry: the signature must verify, under the given key if there
 * is one. Returns 1 on a problem. */
static int walk_signature(const char *sig, const char hash[65], int64_t id, struct signing *g,
                          struct ss_audit_result *r)
{
    if (!g->logged)
        return found(r, id,
                     "entry %lld carries a signature, but no signing key is recorded before it: "
                     "the log was altered",
                     (long long)id);
    if (!sig_ok(sig, hash, g->given ? g->want : g->pk)) {
        if (g->given && sodium_memcmp(g->want, g->pk, sizeof g->pk) != 0)
            return found(r, id,
                         "entry %lld: its signature does not verify against the public key you "
                         "gave; the log records another key (%s, entry %lld): the key was "
                         "replaced and the log signed again",
                         (long long)id, r->public_key, (long long)g->key_entry);
        if (g->covered + 1 == id)
            return found(r, id,
                         "entry %lld: its signature does not verify: the entry was changed, or "
                         "sealed again without the key",
                         (long long)id);
        return found(r, id,
                     "entry %lld: its signature does not verify (it seals entries %lld to %lld): "
                     "they were changed, or sealed again without the key",
                     (long long)id, (long long)g->covered + 1, (long long)id);
    }
    r->signatures++;
    g->covered = id;
    return 0;
}

#define KEY_ENTRY "action = 'audit_key' AND tbl = 'event' AND json_valid(row_json)"

static int verify_chain(struct ss_store *st, const struct ss_audit_expect *want,
                        struct ss_audit_result *r)
{
    /* columns 10 and 11: what an audit_key entry records */
    sqlite3_stmt *s = store_prepare(
        st,
        ss_store_schema_version(st) >= STORE_SCHEMA_SIGNED
            ? "SELECT id, at, action, tbl, row_id, row_json, actor, prev, hash, sig, "
              "CASE WHEN " KEY_ENTRY " THEN json_extract(row_json, '$.public_key') END, "
              "CASE WHEN " KEY_ENTRY " THEN json_extract(row_json, '$.signed_from') END "
              "FROM audit_log ORDER BY id"
            : "SELECT id, at, action, tbl, row_id, row_json, actor, prev, hash, NULL, NULL, NULL "
              "FROM audit_log ORDER BY id",
        NULL);
    const struct ss_audit_anchor *anchor = want && want->anchor.entry ? &want->anchor : NULL;
    struct signing g;
    char prev[65] = "", hash[65];
    int step = SQLITE_DONE, anchored = 0, bad = 0;
    int64_t first = 0;

    if (!s)
        return SS_EDB;
    memset(&g, 0, sizeof g);
    if (want && want->public_key[0] && pk_from_hex(want->public_key, g.want) == 0)
        g.given = 1;
    while (!bad && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *action = (const char *)sqlite3_column_text(s, 2);
        const char *tbl = (const char *)sqlite3_column_text(s, 3);
        const char *actor = (const char *)sqlite3_column_text(s, 6);
        const char *p = (const char *)sqlite3_column_text(s, 7);
        const char *h = (const char *)sqlite3_column_text(s, 8);
        const char *sig = (const char *)sqlite3_column_text(s, 9);
        int64_t id = sqlite3_column_int64(s, 0);

        r->entries++;
        if (!first)
            first = id;
        if (anchor && id == anchor->entry)
            anchored = 1;
        if (!h || !actor || !p) {
            bad = found(r, id, "entry %lld was never sealed: it was written outside shishi",
                        (long long)id);
            break;
        }
        entry_hash(s, actor, prev, hash);
        if (strcmp(p, prev) != 0)
            bad = found(r, id,
                        "entry %lld does not follow the entry before it (one was removed or "
                        "reordered)",
                        (long long)id);
        else if (strcmp(h, hash) != 0)
            bad = found(r, id, "entry %lld (%s %s %lld) was changed after it was written",
                        (long long)id, action, tbl, (long long)sqlite3_column_int64(s, 4));
        else if (anchor && id == anchor->entry && strcmp(hash, anchor->hash) != 0)
            bad = found(r, id,
                        "entry %lld does not have the anchored hash: the log was rewritten at "
                        "or before it",
                        (long long)id);
        else if (strcmp(tbl, "event") == 0 && strcmp(action, "audit_key") == 0)
            bad = walk_key_entry(s, id, &g, r);
        if (!bad && sig)
            bad = walk_signature(sig, hash, id, &g, r);
        if (bad)
            break;
        memcpy(prev, hash, sizeof prev);
        r->head_entry = id;
        memcpy(r->head_hash, hash, sizeof r->head_hash);
    }
    sqlite3_finalize(s);
    if (bad)
        return SS_OK;
    if (step != SQLITE_DONE)
        return SS_EDB;
    if (anchor && !anchored)
        found(r, anchor->entry, "the anchored entry %lld is not in the log: entries were removed",
              (long long)anchor->entry);
    else if (g.logged && g.covered == r->head_entry - 1)
        found(r, r->head_entry,
              "entry %lld is not signed, though signing began at entry %lld: it was written, or "
              "sealed again, without the key",
              (long long)r->head_entry, (long long)r->signed_from);
    else if (g.logged && g.covered < r->head_entry)
        found(r, g.covered + 1,
              "entries %lld to %lld are not signed, though signing began at entry %lld: they "
              "were written, or sealed again, without the key",
              (long long)g.covered + 1, (long long)r->head_entry, (long long)r->signed_from);
    else if (g.given && !g.logged)
        found(r, first ? first : -1,
              "no entry of the log is signed, but a public key was given: its signatures were "
              "removed, or it was written before signing began");
    return SS_OK;
}

/* The log's last image of a row, as the table's image at `version` reads
 * it: an entry written before a column was added lacks its key, and the
 * row then holds the column's DEFAULT. */
static void logged_image(struct ss_buf *q, const struct store_audited *a, int version)
{
    struct store_audited_col c;
    size_t i;
    int n = 0;

    for (i = 0; added_at(i, &c); i++)
        if (strcmp(c.table, a->table) == 0 && c.since <= version)
            ss_buf_printf(q, "%s'$.%s', %s", n++ ? ", " : "json_insert(a.row_json, ", c.col,
                          c.dflt);
    ss_buf_puts(q, n ? ")" : "a.row_json");
}

/* Compare one table with the log's last image of each of its rows. */
static int verify_table(struct ss_store *st, const struct store_audited *a, int version,
                        struct ss_audit_result *r)
{
    struct ss_buf q, cols;
    sqlite3_stmt *s = NULL;
    int rc = SS_OK;

    ss_buf_init(&q, 1 << 16);
    ss_buf_init(&cols, 1 << 14);
    cols_at(a, version, &cols);
    /* rows whose image differs from the log's last image, or that the log
     * never saw, or last saw deleted */
    ss_buf_printf(&q,
                  "WITH last AS (SELECT tbl, row_id, max(id) AS id FROM audit_log "
                  " WHERE tbl = '%s' GROUP BY row_id) "
                  "SELECT t.%s, l.id, a.action FROM %s t "
                  "LEFT JOIN last l ON l.row_id = t.%s "
                  "LEFT JOIN audit_log a ON a.id = l.id "
                  "WHERE a.id IS NULL OR a.action = 'delete' OR ",
                  a->table, a->id, a->table, a->id);
    logged_image(&q, a, version);
    ss_buf_puts(&q, " IS NOT ");
    row_image(&q, cols.data, "t");
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
                     "behind shishi's back",
                     a->table, (long long)row);
        else
            snprintf(r->what, sizeof r->what,
                     "%s row %lld differs from its last audited image (entry %lld): changed "
                     "behind shishi's back",
                     a->table, (long long)row, (long long)entry);
        goto out;
    }
    sqlite3_finalize(s);
    ss_buf_reset(&q);
    ss_buf_printf(&q,
                  "WITH last AS (SELECT row_id, max(id) AS id FROM audit_log "
                  " WHERE tbl = '%s' GROUP BY row_id) "
                  "SELECT l.row_id, l.id FROM last l JOIN audit_log a ON a.id = l.id "
                  "WHERE a.action != 'delete' AND NOT EXISTS "
                  "(SELECT 1 FROM %s t WHERE t.%s = l.row_id) LIMIT 1",
                  a->table, a->table, a->id);
    s = store_prepare(st, q.data, NULL);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        r->bad_entry = sqlite3_column_int64(s, 1);
        snprintf(r->what, sizeof r->what,
                 "%s row %lld is missing, but the audit log never saw it deleted (entry %lld): "
                 "deleted behind shishi's back",
                 a->table, (long long)sqlite3_column_int64(s, 0), (long long)r->bad_entry);
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
    ss_buf_cleanup(&cols);
    return rc;
}

int ss_store_audit_verify(struct ss_store *st, const struct ss_audit_expect *want,
                          struct ss_audit_result *r, struct ss_err *err)
{
    int version = ss_store_schema_version(st), own = sqlite3_get_autocommit(st->db), rc = SS_OK;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    struct store_audited a;
    size_t i;

    memset(r, 0, sizeof *r);
    if (version < 2)
        return ss_err_set(err, SS_EDB, "db", "this database has no audit log (schema too old)");
    if (want && want->public_key[0] && pk_from_hex(want->public_key, pk) != 0)
        return ss_err_set(err, SS_EINVAL, "public-key", "the public key is not 64 hex digits");
    /* one read transaction: the chain and the tables as of one moment */
    if (own && store_exec(st, "BEGIN", err))
        return SS_EDB;
    if (verify_chain(st, want, r))
        rc = store_db_error(st, err, "reading the audit log");
    for (i = 0; !rc && !r->bad_entry && audited_at(i, &a); i++)
        if (a.since <= version && verify_table(st, &a, version, r))
            rc = store_db_error(st, err, "comparing the audited tables");
    if (own)
        store_exec(st, "COMMIT", NULL);
    return rc;
}

/* ---- the key, as a command shows it ------------------------------------- */

int ss_store_audit_key_info(struct ss_store *st, struct ss_audit_key_info *info, struct ss_err *err)
{
    struct store_audit_key k;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    int has, rc;

    memset(info, 0, sizeof *info);
    if ((rc = store_audit_key_path(st, info->file, err)))
        return rc;
    if (ss_store_schema_version(st) < STORE_SCHEMA_SIGNED)
        return ss_err_set(err, SS_EDB, "db",
                          "this database predates signing: open it once with this shishi");
    if ((has = logged_key(st, 0, pk, &info->entry, &info->signed_from)) < 0)
        return ss_err_set(err, SS_EDB, "db", "the audit log's key entry cannot be read");
    if (has)
        pk_to_hex(pk, info->public_key);
    else
        info->entry = info->signed_from = 0;
    if (sodium_init() < 0)
        return ss_err_set(err, SS_EIO, "audit-key", "libsodium could not be initialised");
    memset(&k, 0, sizeof k);
    rc = store_audit_key_read(info->file, &k, err);
    if (rc == SS_ENOTFOUND)
        rc = ss_err_set(err, SS_ENOTFOUND, "audit-key",
                        has ? "the key file '%s' is missing: shishi writes nothing to this "
                              "database until it is back"
                            : "the key file '%s' does not exist yet: the first write creates it",
                        info->file);
    else if (!rc && !has)
        pk_to_hex(k.pk, info->public_key);
    else if (!rc && sodium_memcmp(k.pk, pk, sizeof pk) != 0)
        rc = ss_err_set(err, SS_ECONFLICT, "audit-key",
                        "the key file '%s' holds another key than the one the log records",
                        info->file);
    sodium_memzero(&k, sizeof k);
    return rc;
}

int ss_store_audit_key_ensure(struct ss_store *st, struct ss_audit_key_info *info,
                              struct ss_err *err)
{
    int rc, logged;

    if (ss_store_schema_version(st) < STORE_SCHEMA_SIGNED)
        return ss_err_set(err, SS_EDB, "db", "this database cannot be signed (read-only?)");
    if ((rc = store_tx_own(st, err)))
        return rc;
    if ((rc = key_ready(st, &logged, err)) || (!logged && (rc = record_key(st, err)))) {
        store_tx_rollback(st);
        return rc;
    }
    if ((rc = store_tx_commit(st, err)))
        return rc;
    if (!info)
        return SS_OK;
    rc = ss_store_audit_key_info(st, info, err);
    info->created = st->key->created;
    return rc;
}

/* ---- backup and restore ------------------------------------------------- */

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
