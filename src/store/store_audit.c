/*
 * store_audit.c - audit triggers, sealing, signing and verification (see
 * store_audit.h), on SQLite and on PostgreSQL.
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
 * A migration that rebuilds T on SQLite (its `rebuilds`, store_int.h:
 * the 12-step ALTER, whose DROP TABLE takes T's triggers along) makes
 * them again with T's image, unchanged, and logs nothing.
 * A fresh database and an upgraded one run the same migrations, so they
 * end with the same triggers, byte for byte.
 *   PostgreSQL: its migration 1 is the schema as of STORE_SCHEMA_PG_BASE
 *   (store_schema.c), so there migration 1 makes the triggers of every
 *   table audited by then, with the image as of that version, and
 *   migrations 2 to STORE_SCHEMA_PG_BASE make none; from the next one on,
 *   both backends follow the lists alike. A table's triggers there are
 *   one plpgsql function, audit_T(), and the three triggers audit_T_ins,
 *   _upd, _del (SQLite's names), statement triggers over the transition
 *   table since migration STORE_SCHEMA_APPROVED_CELL (an UPDATE OF a
 *   column list stays a row trigger); the image is jsonb_build_object of
 *   the same columns, stored as its text.
 *
 * Verification follows the versions too: the table is compared with each
 * row's last entry, where an entry written before a column was added
 * carries no such key, and the row must then still hold the column's
 * DEFAULT (what ALTER TABLE gave every row); a migration that sets other
 * values does so in its `after`, whose changes the new triggers log. An
 * entry's own keys say which columns it was written with; it cannot lie
 * about them, since it is sealed. (SQLite compares the JSON texts, which
 * json_object writes the same way each time; PostgreSQL compares jsonb
 * values.)
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
 *
 * Sealing, and the invariant behind it: the log is one chain, in commit
 * order, with no fork and no gap. Every entry n > 1 has prev = hash(n-1),
 * and n - 1 committed before n or with it.
 *   SQLite keeps it with its one writer: the triggers write into audit_log
 *   directly, numbered by INTEGER PRIMARY KEY, and no other transaction
 *   can write between a transaction's begin (store_audit_begin notes its
 *   first entry) and its commit.
 *   PostgreSQL runs transactions at once. Their triggers write into
 *   audit_pending, each row marked with its transaction (xact); nothing
 *   there is numbered yet. At commit the seal takes a transaction-level
 *   advisory lock (SEAL_LOCK) in a statement of its own, then reads
 *   max(id) of audit_log in the next statement, which in READ COMMITTED
 *   sees every transaction that sealed before (the lock is released only
 *   after its holder's commit is visible), moves its own pending entries
 *   into audit_log numbered from there, chains, signs and commits, still
 *   holding the lock. So entries are numbered at seal time in commit
 *   order, each seal starts from the committed head, and the next waits
 *   for it. Should a transaction read an older snapshot (REPEATABLE READ),
 *   its numbers collide with the committed ones on audit_log's primary key
 *   and its commit fails: never a fork. Pending rows of a transaction that
 *   committed without sealing (written outside shishi) stay in
 *   audit_pending, and verification names them. The triggers refuse to
 *   write when the transaction carries no actor (shishi.actor, set at
 *   BEGIN by store.c), so nothing is written by nobody.
 */
#include "store/store_audit.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "store/store_db.h"
#include "store/store_int.h"

/* PostgreSQL: the transaction-level advisory lock a seal takes, shishi's
 * own key ("shishia" in ASCII; store_int.h has the writers' lock, store_schema.c
 * the migration step's). */
#define SEAL_LOCK 0x73686973686961LL

/* clang-format off */
static const struct store_audited AUDITED[] = {
    {.table = "org_unit", .since = 2, .id = "id", .cols = "id,code,name,level,parent_id"},
    {.table = "department", .since = 2, .id = "id", .cols = "id,name"},
    {.table = "plan", .since = 2, .id = "id",
     .cols = "id,title,issuer,year,period_start,period_end,published,state,top_org,yellow_pp,"
             "red_pp,deadline_day,created_at"},
    {.table = "project", .since = 2, .id = "id", .cols = "id,plan_id,no,title,lead_dept_id"},
    {.table = "target", .since = 2, .id = "id",
     .cols = "id,plan_id,project_id,seq,text,metric,value,unit,op,kind,parent_id,dept_id,"
             "profile"},
    {.table = "assignment", .since = 2, .id = "id",
     .cols = "id,target_id,org_id,dept_id,value,reason,created_by,created_at"},
    {.table = "report", .since = 2, .id = "id",
     .cols = "id,target_id,org_id,as_of,value,numerator,denominator,note,status,seq,"
             "created_by,created_at,reviewed_by,reviewed_at,review_comment,flags,user_id"},
    {.table = "account", .since = 2, .id = "id",
     .cols = "id,name,role,org_id,dept_id,pw_hash,disabled,created_at"},
    {.table = "evidence", .since = 2, .id = "id",
     .cols = "id,report_id,sha256,mime,size,name,created_at"},
    /* A session row is a sign-in; its deletion a sign-out or an expiry. The
     * token's hash (the table's key) and the CSRF token stay out of the
     * image, so the log holds nothing that opens a session; the row is
     * known by its rowid (PostgreSQL, which has none: its id column). */
    {.table = "session", .since = STORE_SCHEMA_SIGNED, .id = "rowid", .update_of = 1,
     .cols = "account_id,created_at,expires_at", .pg_id = "id"},
    /* translations of plan content, like the plan content itself */
    {.table = "translation", .since = STORE_SCHEMA_TRANSLATIONS, .id = "id",
     .cols = "id,kind,ref,lang,text,updated_by,updated_at"},
    /* delivery channels: an admin act; the secret is in the image sealed
     * (store_outbox.c), as it is in the row */
    {.table = "channel", .since = STORE_SCHEMA_OUTBOX, .id = "id",
     .cols = "id,org_id,kind,address,secret,created_by,created_at"},
    /* published bulletins: the bytes stay out of the image, their hashes
     * are in it (store_bulletin.c) */
    {.table = "bulletin", .since = STORE_SCHEMA_BULLETIN, .id = "id",
     .cols = "id,period,org_code,lang,version,head,pages,pdf_sha256,pdf_size,xlsx_sha256,"
             "xlsx_size,published_by,published_at"},
    /* supervision notices, their history, their answers' files, and a
     * plan's deadlines by grade (store_notice.c) */
    {.table = "notice", .since = STORE_SCHEMA_NOTICES, .id = "id",
     .cols = "id,plan_id,year,no,grade,status,cause,target_id,org_id,escalated_org_id,"
             "escalations,dept,period,as_of,figures,action,issued_on,deadline,issued_by,to_close,"
             "answer,measures,answer_due,answered_on,answered_by,closed_on,closed_by,comment"},
    {.table = "notice_event", .since = STORE_SCHEMA_NOTICES, .id = "id",
     .cols = "id,notice_id,kind,grade,day,at,actor,text"},
    {.table = "notice_evidence", .since = STORE_SCHEMA_NOTICES, .id = "id",
     .cols = "id,notice_id,sha256,mime,size,name,created_at"},
    {.table = "notice_rule", .since = STORE_SCHEMA_NOTICES, .id = "plan_id",
     .cols = "plan_id,blue_days,yellow_days,red_days,updated_by,updated_at"},
    /* the announcement a plan was imported from (store_draft.c) */
    {.table = "plan_source", .since = STORE_SCHEMA_SOURCES, .id = "plan_id",
     .cols = "plan_id,name,text,created_by,created_at"},
    /* a plan's reminder days and score weights (store_remind.c) */
    {.table = "supervision_rule", .since = STORE_SCHEMA_SUPERVISION_RULE, .id = "plan_id",
     .cols = "plan_id,remind_days,w_progress,w_on_time,w_notices,w_returned,updated_by,"
             "updated_at"},
    /* satisfaction ratings and closed surveys (store_rating.c); a
     * survey's codes are not audited (store_schema.c says why) */
    {.table = "survey", .since = STORE_SCHEMA_RATINGS, .id = "id",
     .cols = "id,period,project_no,audience,codes,created_by,created_at"},
    {.table = "rating", .since = STORE_SCHEMA_RATINGS, .id = "id",
     .cols = "id,period,project_no,score,comment,survey_id,created_on"},
    /* the yearly cycle (store_cycle.c): a proposal without its sealed
     * contact; that a deputy voted, never how: the ballot table is not
     * audited row by row, its count and digest are sealed into the cycle
     * row at close (ARCHITECTURE.md, "The vote's secrecy") */
    {.table = "cycle", .since = STORE_SCHEMA_CYCLE, .id = "year",
     .cols = "year,org_id,propose_from,propose_to,vote_from,vote_to,seats,pass_share,"
             "sealed_ballots,sealed_deputies,sealed_digest,plan_id,updated_by,updated_at"},
    {.table = "proposal", .since = STORE_SCHEMA_CYCLE, .id = "id",
     .cols = "id,year,title,text,org_id,place,for_whom,status,merged_into,reason,created_on,"
             "decided_by,decided_at"},
    {.table = "candidate", .since = STORE_SCHEMA_CYCLE, .id = "id",
     .cols = "id,year,proposal_id,title,text,cost,department,note,created_by,created_at"},
    {.table = "cycle_voter", .since = STORE_SCHEMA_CYCLE, .id = "id",
     .cols = "id,year,account_id"},
    /* the public's messages (store_message.c): the record of what was
     * sent and what staff did with it; never the ticket's hash, the
     * sealed contact or its digest */
    {.table = "message", .since = STORE_SCHEMA_MESSAGES, .id = "id",
     .cols = "id,plan_id,about,target_id,project_no,org_id,kind,text,photo_sha256,photo_mime,"
             "status,hide_reason,dept,received_at,received_on,moderated_on,moderated_by,deadline,"
             "reply,replied_on,replied_by,helpful,notice_id"},
};
/* clang-format on */

/* Columns added to audited tables after their `since`, oldest first.
 * A migration that adds one appends {table, migration, column, DEFAULT}
 * here; the list ends with the NULL entry. The DEFAULT is an SQL literal
 * both dialects read alike ('text', a number, NULL). */
static const struct store_audited_col AUDITED_COLS[] = {
    {"account", STORE_SCHEMA_OUTBOX, "email", "NULL"},
    {NULL, 0, NULL, NULL},
};

static int is_pg(const struct ss_store *st)
{
    return store_backend(st) == STORE_PG;
}

/* 1 when a database at schema `version` has what migration m made. On
 * PostgreSQL migration 1 made everything up to STORE_SCHEMA_PG_BASE. */
static int schema_has(const struct ss_store *st, int version, int m)
{
    if (is_pg(st) && version >= 1 && m <= STORE_SCHEMA_PG_BASE)
        return 1;
    return version >= m;
}

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
    memset(out, 0, sizeof *out);
    out->table = t->tables[i].table;
    out->since = version;
    out->id = t->tables[i].id;
    out->cols = t->tables[i].cols;
    return 1;
}

/* The row identity of table a on st's backend. */
static const char *ident(const struct ss_store *st, const struct store_audited *a)
{
    return is_pg(st) && a->pg_id ? a->pg_id : a->id;
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

/* PostgreSQL functions take at most 100 arguments: an image of more
 * columns is several jsonb_build_object joined by ||. */
#define PG_PAIRS 40

/* The row image of the columns cols of row P: SQLite json_object('c1',
 * P.c1, ...); PostgreSQL (jsonb_build_object('c1', P.c1, ...) || ...). */
static void row_image(struct ss_buf *b, int pg, const char *cols, const char *prefix)
{
    const char *c = cols, *comma;
    int n = 0;

    ss_buf_puts(b, pg ? "(jsonb_build_object(" : "json_object(");
    for (;;) {
        size_t len;
        comma = strchr(c, ',');
        len = comma ? (size_t)(comma - c) : strlen(c);
        ss_buf_printf(b, "'%.*s',%s.%.*s", (int)len, c, prefix, (int)len, c);
        if (!comma)
            break;
        ss_buf_puts(b, pg && ++n % PG_PAIRS == 0 ? ") || jsonb_build_object(" : ",");
        c = comma + 1;
    }
    ss_buf_puts(b, pg ? "))" : ")");
}

/* The three triggers of table a, with the image cols; drop: drop the
 * table's triggers first (a migration that adds a column makes them
 * again). SQLite: tables audited since migration 2 keep the exact text
 * that migration always produced. */
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
        row_image(b, 0, cols, ev[k][2]);
        ss_buf_puts(b, "); END;\n");
    }
}

/* PostgreSQL: the table's trigger function and its three triggers. They
 * are statement triggers over the statement's transition table (one
 * INSERT ... SELECT of the images per statement, where a row trigger runs
 * one INSERT per row: a ledger's 24 rows, a batch's 24 approvals), but for
 * an UPDATE OF a column list (session), which PostgreSQL allows only per
 * row. The function refuses a change made without an actor (a statement
 * that changed no row changed nothing, and passes). */
static void pg_triggers_sql(struct ss_buf *b, const struct store_audited *a, const char *id,
                            const char *cols, int drop)
{
    static const char *const ev[3][3] = {
        {"ins", "INSERT", "NEW"}, {"upd", "UPDATE", "NEW"}, {"del", "DELETE", "OLD"}};
    size_t k;

    for (k = 0; drop && k < 3; k++)
        ss_buf_printf(b, "DROP TRIGGER IF EXISTS audit_%s_%s ON %s;\n", a->table, ev[k][0],
                      a->table);
    ss_buf_printf(b,
                  "CREATE OR REPLACE FUNCTION audit_%s() RETURNS trigger LANGUAGE plpgsql AS "
                  "$audit$\nDECLARE r %s; n bigint := 1;\nBEGIN\n"
                  "  IF TG_LEVEL = 'ROW' THEN\n"
                  "    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;\n"
                  "    INSERT INTO audit_pending(action, tbl, row_id, row_json) VALUES "
                  "(lower(TG_OP), '%s', r.%s, CAST(",
                  a->table, a->table, a->table, id);
    row_image(b, 1, cols, "r");
    ss_buf_printf(b,
                  " AS text));\n"
                  "  ELSIF TG_OP = 'DELETE' THEN\n"
                  "    INSERT INTO audit_pending(action, tbl, row_id, row_json) SELECT 'delete',"
                  " '%s', t.%s, CAST(",
                  a->table, id);
    row_image(b, 1, cols, "t");
    ss_buf_printf(
        b,
        " AS text) FROM audit_old t ORDER BY t.%s;\n"
        "    GET DIAGNOSTICS n = ROW_COUNT;\n"
        "  ELSE\n"
        "    INSERT INTO audit_pending(action, tbl, row_id, row_json) SELECT lower(TG_OP),"
        " '%s', t.%s, CAST(",
        id, a->table, id);
    row_image(b, 1, cols, "t");
    ss_buf_printf(b,
                  " AS text) FROM audit_new t ORDER BY t.%s;\n"
                  "    GET DIAGNOSTICS n = ROW_COUNT;\n"
                  "  END IF;\n"
                  "  IF n > 0 AND coalesce(current_setting('shishi.actor', true), '') = '' THEN\n"
                  "    RAISE EXCEPTION 'shishi: %% on %s without an acting user (shishi.actor "
                  "is not set): nothing is written by nobody', TG_OP;\n"
                  "  END IF;\n"
                  "  RETURN NULL;\nEND\n$audit$;\n",
                  id, a->table);
    for (k = 0; k < 3; k++) {
        int row = k == 1 && a->update_of;
        ss_buf_printf(b, "CREATE TRIGGER audit_%s_%s AFTER %s ", a->table, ev[k][0], ev[k][1]);
        if (row)
            ss_buf_printf(b, "OF %s ", cols);
        ss_buf_printf(b, "ON %s ", a->table);
        if (row)
            ss_buf_puts(b, "FOR EACH ROW");
        else
            ss_buf_printf(b, "REFERENCING %s TABLE AS audit_%s FOR EACH STATEMENT", ev[k][2],
                          k == 2 ? "old" : "new");
        ss_buf_printf(b, " EXECUTE FUNCTION audit_%s();\n", a->table);
    }
}

/* One insert entry per existing row of the table. */
static int backfill(struct ss_store *st, const struct store_audited *a, const char *cols,
                    struct ss_err *err)
{
    struct ss_buf q;
    int rc, pg = is_pg(st);

    ss_buf_init(&q, 1 << 16);
    ss_buf_printf(&q,
                  "INSERT INTO %s(action, tbl, row_id, row_json) "
                  "SELECT 'insert', '%s', t.%s, ",
                  pg ? "audit_pending" : "audit_log", a->table, ident(st, a));
    if (pg)
        ss_buf_puts(&q, "CAST(");
    row_image(&q, pg, cols, "t");
    if (pg)
        ss_buf_puts(&q, " AS text)");
    ss_buf_printf(&q, " FROM %s t ORDER BY t.%s", a->table, ident(st, a));
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

/* 1 if migration `version` rebuilds audited table a on st's backend
 * (SQLite's 12-step ALTER, store_int.h): dropping the old table dropped
 * its triggers, which are made again with the unchanged image (no
 * backfill: the rows are the same rows). */
static int rebuilt(const struct ss_store *st, const struct store_audited *a, int version)
{
    const struct store_migration *m = store_schema_migration(version);

    return !is_pg(st) && m && m->rebuilds && strcmp(m->rebuilds, a->table) == 0;
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
    int rc = SS_OK, pg = is_pg(st), image = version;

    /* PostgreSQL's migration 1 is the schema as of its base version */
    if (pg && version > 1 && version <= STORE_SCHEMA_PG_BASE)
        return SS_OK;
    if (pg && version == 1)
        image = STORE_SCHEMA_PG_BASE;
    ss_buf_init(&b, 1 << 20);
    ss_buf_init(&cols, 1 << 14);
    for (i = 0; audited_at(i, &a); i++) {
        int starts = image == version ? a.since == version : a.since <= image;
        /* PostgreSQL's triggers became statement triggers at
         * STORE_SCHEMA_APPROVED_CELL: every table's are made again then */
        int again = pg && version == STORE_SCHEMA_APPROVED_CELL;
        if (starts ||
            (a.since < version && (again || adds_to(&a, version) || rebuilt(st, &a, version)))) {
            ss_buf_reset(&cols);
            cols_at(&a, image, &cols);
            if (pg)
                pg_triggers_sql(&b, &a, ident(st, &a), cols.data, !starts);
            else
                triggers_sql(&b, &a, cols.data, !starts);
        }
    }
    if (b.len)
        rc = b.err || cols.err ? ss_err_set(err, SS_EDB, "db", "audit triggers too long")
                               : store_exec(st, b.data, err);
    for (i = 0; audited_at(i, &a) && !rc; i++)
        if (image == version ? a.since == version : a.since <= image) {
            ss_buf_reset(&cols);
            cols_at(&a, image, &cols);
            rc = backfill(st, &a, cols.data, err);
        }
    ss_buf_cleanup(&cols);
    ss_buf_cleanup(&b);
    return rc;
}

/* The hash of the entry whose id, at, action, tbl, row_id and row_json,
 * as text, are f[0..5] (NULL for SQL NULL), sealed by actor after prev. */
static void entry_hash_of(const char *const f[6], const char *actor, const char *prev, char out[65])
{
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    static const unsigned char SEP = 0x1f;
    int col;

    crypto_hash_sha256_init(&h);
    for (col = 0; col < 6; col++) {
        if (f[col])
            crypto_hash_sha256_update(&h, (const unsigned char *)f[col], strlen(f[col]));
        crypto_hash_sha256_update(&h, &SEP, 1);
    }
    crypto_hash_sha256_update(&h, (const unsigned char *)actor, strlen(actor));
    crypto_hash_sha256_update(&h, &SEP, 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)prev, strlen(prev));
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(out, 65, d, sizeof d);
}

/* entry_hash_of the row s is on: id, at, action, tbl, row_id, row_json. */
static void entry_hash(struct store_stmt *s, const char *actor, const char *prev, char out[65])
{
    const char *f[6];
    int col;

    for (col = 0; col < 6; col++)
        f[col] = store_col_text(s, col);
    entry_hash_of(f, actor, prev, out);
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

/* What an audit_key entry records, {"public_key":HEX,"signed_from":N}: 0
 * with the key and the first signed entry, -1 when row_json is not that. */
static int key_entry_read(const char *row_json, unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                          int64_t *from)
{
    json_t *o = row_json ? json_loads(row_json, 0, NULL) : NULL;
    json_t *k = json_object_get(o, "public_key"), *f = json_object_get(o, "signed_from");
    int rc = -1;

    *from = 0;
    if (json_is_string(k) && json_is_integer(f) && pk_from_hex(json_string_value(k), pk) == 0) {
        *from = (int64_t)json_integer_value(f);
        rc = 0;
    }
    json_decref(o);
    return rc;
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
    struct store_stmt *s = store_prepare(
        st,
        "SELECT id, row_json FROM audit_log "
        "WHERE action = 'audit_key' AND tbl = 'event' AND (hash IS NOT NULL OR id >= ?1) "
        "ORDER BY id LIMIT 1",
        NULL);
    int rc = 0, step;

    *entry = *from = 0;
    if (!s)
        return -1;
    store_bind_int64(s, 1, in_tx ? st->seal_from : INT64_MAX);
    step = store_step(s);
    if (step == STORE_ROW) {
        *entry = store_col_int64(s, 0);
        rc = key_entry_read(store_col_text(s, 1), pk, from) == 0 ? 1 : -1;
    } else if (step != STORE_DONE) {
        rc = -1;
    }
    store_finalize(s);
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

/* Append an entry of this transaction that is not a row change (the
 * triggers write those): into audit_log on SQLite, audit_pending on
 * PostgreSQL, numbered when sealed. row_json is valid JSON text, written
 * as PostgreSQL's jsonb writes it there. */
static int append_event(struct ss_store *st, const char *action, const char *row_json,
                        struct ss_err *err)
{
    struct store_stmt *s =
        store_prepare(st,
                      STORE_SQL(st,
                                "INSERT INTO audit_log(action, tbl, row_id, row_json) "
                                "VALUES (?1, 'event', 0, json(?2))",
                                "INSERT INTO audit_pending(action, tbl, row_id, row_json) "
                                "VALUES (?1, 'event', 0, CAST(CAST(?2 AS jsonb) AS text))"),
                      err);
    int rc;

    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, action);
    store_bind_text(s, 2, row_json);
    rc = store_step(s) == STORE_DONE ? SS_OK : store_db_error(st, err, "writing the audit log");
    store_finalize(s);
    return rc;
}

/* Append the entry that records the key and where signing begins: the
 * first entry of this transaction. */
static int record_key(struct ss_store *st, struct ss_err *err)
{
    char hex[PK_HEX], json[PK_HEX + 64];

    pk_to_hex(st->key->pk, hex);
    snprintf(json, sizeof json, "{\"public_key\":\"%s\",\"signed_from\":%lld}", hex,
             (long long)st->seal_from);
    return append_event(st, "audit_key", json, err);
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
    /* PostgreSQL: known once the seal holds its lock (pg_seal_lock) */
    st->seal_from = 0;
    if (is_pg(st))
        return SS_OK;
    st->seal_from = 1;
    if (ss_store_schema_version(st) < 2)
        return SS_OK;
    st->seal_from = store_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM audit_log", -1);
    return st->seal_from > 0 ? SS_OK : store_db_error(st, err, "reading the audit log");
}

/* PostgreSQL: wait for the seal's lock, held to the commit. */
static int pg_seal_take(struct ss_store *st, struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st, "SELECT pg_advisory_xact_lock(?1)", err);
    int rc;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, SEAL_LOCK);
    rc = store_step(s) == STORE_ROW ? SS_OK : store_db_error(st, err, "locking the audit log");
    store_finalize(s);
    return rc;
}

/* PostgreSQL: take the seal's lock (once per transaction), then, in a
 * statement of its own (a snapshot taken after the lock), the entry this
 * transaction's entries are numbered from. */
static int pg_seal_lock(struct ss_store *st, struct ss_err *err)
{
    int rc;

    if (st->seal_from > 0)
        return SS_OK;
    if ((rc = pg_seal_take(st, err)))
        return rc;
    st->seal_from = store_int64(st, "SELECT coalesce(max(id), 0) + 1 FROM audit_log", -1);
    return st->seal_from > 0 ? SS_OK : store_db_error(st, err, "reading the audit log");
}

/* PostgreSQL, under the seal's lock: this transaction's pending entries
 * into audit_log, numbered after its last entry in the order written. */
static int pg_number(struct ss_store *st, struct ss_err *err)
{
    return store_exec(st,
                      "WITH moved AS (DELETE FROM audit_pending"
                      " WHERE xact = pg_current_xact_id_if_assigned()"
                      " RETURNING id, at, action, tbl, row_id, row_json)"
                      " INSERT INTO audit_log(id, at, action, tbl, row_id, row_json)"
                      " SELECT (SELECT coalesce(max(id), 0) FROM audit_log)"
                      " + row_number() OVER (ORDER BY m.id), m.at, m.action, m.tbl, m.row_id,"
                      " m.row_json FROM moved m ORDER BY m.id",
                      err);
}

/* 1 when the open transaction wrote entries not sealed yet, 0 when not,
 * <0 on error. */
static int unsealed(struct ss_store *st)
{
    struct store_stmt *q = store_prepare(
        st,
        STORE_SQL(st, "SELECT 1 FROM audit_log WHERE id >= ?1 AND hash IS NULL LIMIT 1",
                  "SELECT 1 FROM audit_pending WHERE xact = pg_current_xact_id_if_assigned()"
                  " LIMIT 1"),
        NULL);
    int step;

    if (!q)
        return SS_EDB;
    if (!is_pg(st))
        store_bind_int64(q, 1, st->seal_from);
    step = store_step(q);
    store_finalize(q);
    return step == STORE_ROW ? 1 : step == STORE_DONE ? 0 : SS_EDB;
}

/* The hash of the last sealed entry before this transaction's. */
static int last_hash(struct ss_store *st, char out[65])
{
    struct store_stmt *s = store_prepare(
        st,
        "SELECT hash FROM audit_log WHERE id < ?1 AND hash IS NOT NULL ORDER BY id DESC LIMIT 1",
        NULL);
    int step;

    out[0] = '\0';
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, st->seal_from);
    step = store_step(s);
    if (step == STORE_ROW && store_col_text(s, 0))
        snprintf(out, 65, "%s", store_col_text(s, 0));
    store_finalize(s);
    return step == STORE_FAIL ? SS_EDB : SS_OK;
}

/* Sign entry `id` (whose hash is `hash`) with the connection's key. */
static int sign_entry(struct ss_store *st, int64_t id, const char hash[65], struct ss_err *err)
{
    unsigned char sig[crypto_sign_BYTES], m[SIG_DOMAIN_LEN + 64];
    char hex[SIG_HEX];
    struct store_stmt *s;
    int rc;

    sig_message(hash, m);
    crypto_sign_detached(sig, NULL, m, sizeof m, st->key->sk);
    sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
    if (!(s = store_prepare(st, "UPDATE audit_log SET sig = ?1 WHERE id = ?2", err)))
        return SS_EDB;
    store_bind_text(s, 1, hex);
    store_bind_int64(s, 2, id);
    rc = store_step(s) == STORE_DONE ? SS_OK : store_db_error(st, err, "signing the audit log");
    store_finalize(s);
    return rc;
}

/* Entries sealed per round trip: how many are read at once, and on
 * PostgreSQL written back in one statement. */
#define SEAL_BATCH 256

/* Write the seals of a batch back: n entries, ids[i] with prev[i] and
 * hash[i]. SQLite: one UPDATE per entry (in process, cheap); PostgreSQL:
 * one UPDATE ... FROM (VALUES ...) for the batch. */
static int seal_write(struct ss_store *st, size_t n, const int64_t *ids, char (*prev)[65],
                      char (*hash)[65], struct ss_err *err)
{
    struct store_stmt *u;
    struct ss_buf q;
    size_t i;
    int rc = SS_OK;

    if (!n)
        return SS_OK;
    if (!is_pg(st)) {
        if (!(u = store_prepare(
                  st, "UPDATE audit_log SET actor = ?1, prev = ?2, hash = ?3 WHERE id = ?4", err)))
            return SS_EDB;
        for (i = 0; i < n && !rc; i++) {
            store_reset(u);
            store_bind_text(u, 1, st->actor);
            store_bind_text(u, 2, prev[i]);
            store_bind_text(u, 3, hash[i]);
            store_bind_int64(u, 4, ids[i]);
            if (store_step(u) != STORE_DONE)
                rc = store_db_error(st, err, "sealing the audit log");
        }
        store_finalize(u);
        return rc;
    }
    ss_buf_init(&q, 1 << 20);
    ss_buf_puts(&q,
                "UPDATE audit_log AS a SET actor = ?1, prev = v.prev, hash = v.hash FROM (VALUES ");
    for (i = 0; i < n; i++)
        ss_buf_printf(&q, "%s(CAST(?%zu AS BIGINT), CAST(?%zu AS TEXT), CAST(?%zu AS TEXT))",
                      i ? ", " : "", 2 + 3 * i, 3 + 3 * i, 4 + 3 * i);
    ss_buf_puts(&q, ") AS v(id, prev, hash) WHERE a.id = v.id");
    u = q.err ? NULL : store_prepare(st, q.data, err);
    ss_buf_cleanup(&q);
    if (!u)
        return SS_EDB;
    store_bind_text(u, 1, st->actor);
    for (i = 0; i < n; i++) {
        store_bind_int64(u, (int)(2 + 3 * i), ids[i]);
        store_bind_text(u, (int)(3 + 3 * i), prev[i]);
        store_bind_text(u, (int)(4 + 3 * i), hash[i]);
    }
    if (store_step(u) != STORE_DONE || store_changes(u) != (int64_t)n)
        rc = store_db_error(st, err, "sealing the audit log");
    store_finalize(u);
    return rc;
}

/* Chain this transaction's entries (from st->seal_from on) after prev,
 * with the transaction's actor. *last receives the last one's id, prev
 * its hash. */
static int chain(struct ss_store *st, char prev[65], int64_t *last, struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT id, at, action, tbl, row_id, row_json FROM "
                                         "audit_log WHERE id >= ?1 AND id > ?2 AND hash IS NULL "
                                         "ORDER BY id LIMIT ?3",
                                         err);
    int rc = SS_OK, step = STORE_DONE;
    size_t n;

    if (!s)
        return SS_EDB;
    store_plan_each_run(s); /* the rows to seal are the table's last */
    do {
        int64_t batch_ids[SEAL_BATCH];
        char batch_prev[SEAL_BATCH][65], batch_hash[SEAL_BATCH][65];

        store_reset(s);
        store_bind_int64(s, 1, st->seal_from);
        store_bind_int64(s, 2, *last);
        store_bind_int64(s, 3, SEAL_BATCH);
        for (n = 0; n < SEAL_BATCH && (step = store_step(s)) == STORE_ROW; n++) {
            batch_ids[n] = store_col_int64(s, 0);
            memcpy(batch_prev[n], prev, 65);
            entry_hash(s, st->actor, prev, batch_hash[n]);
            memcpy(prev, batch_hash[n], 65);
        }
        if (step == STORE_FAIL) {
            rc = store_db_error(st, err, "sealing the audit log");
            break;
        }
        if (n)
            *last = batch_ids[n - 1];
        rc = seal_write(st, n, batch_ids, batch_prev, batch_hash, err);
    } while (!rc && n == SEAL_BATCH);
    store_finalize(s);
    return rc;
}

/* PostgreSQL, pg_seal_fast's: the seal's lock, then, in one statement of
 * its own (a snapshot taken after the lock), the entry this transaction's
 * are numbered from and the hash of the last sealed one before them
 * (prev; "" when none is). */
static int pg_seal_head(struct ss_store *st, char prev[65], struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = pg_seal_take(st, err)))
        return rc;
    if (!(s = store_prepare(st,
                            "SELECT coalesce(max(id), 0) + 1, (SELECT hash FROM audit_log"
                            " WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1) FROM audit_log",
                            err)))
        return SS_EDB;
    prev[0] = '\0';
    if (store_step(s) == STORE_ROW) {
        st->seal_from = store_col_int64(s, 0);
        if (store_col_text(s, 1))
            snprintf(prev, 65, "%s", store_col_text(s, 1));
    } else {
        rc = store_db_error(st, err, "reading the audit log");
    }
    store_finalize(s);
    return rc;
}

/* The pending entries one fast seal takes at most: a transaction with
 * more (an import, a restore) is sealed by pg_number and chain, in
 * batches, not held in memory at once. */
#define FAST_SEAL_MAX 256

/* This transaction's pending entries, for pg_seal_fast. */
struct pending {
    size_t n;
    int64_t pid[FAST_SEAL_MAX];
    char *f[FAST_SEAL_MAX][6]; /* at, action, tbl, row_id, row_json (f[k][0]: the id, later) */
};

static void pending_cleanup(struct pending *p)
{
    size_t i;
    int c;

    for (i = 0; i < p->n; i++)
        for (c = 0; c < 6; c++)
            free(p->f[i][c]);
    p->n = 0;
}

/* Read this transaction's pending entries in order: SS_OK, SS_ENOTFOUND
 * when there are more than FAST_SEAL_MAX, SS_EDB. */
static int pending_read(struct ss_store *st, struct pending *p)
{
    struct store_stmt *s =
        store_prepare(st,
                      "SELECT id, at, action, tbl, row_id, row_json FROM audit_pending"
                      " WHERE xact = pg_current_xact_id_if_assigned() ORDER BY id LIMIT ?1",
                      NULL);
    int step, c;

    p->n = 0;
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, FAST_SEAL_MAX + 1);
    while ((step = store_step(s)) == STORE_ROW && p->n < FAST_SEAL_MAX) {
        p->pid[p->n] = store_col_int64(s, 0);
        p->f[p->n][0] = NULL;
        for (c = 1; c < 6; c++)
            p->f[p->n][c] = store_col_text(s, c) ? ss_xstrdup(store_col_text(s, c)) : NULL;
        p->n++;
    }
    store_finalize(s);
    if (step == STORE_ROW) /* one more than fits */
        return SS_ENOTFOUND;
    return step == STORE_DONE ? SS_OK : SS_EDB;
}

/* PostgreSQL, when the key is settled (or nothing is signed): the seal in
 * three statements under the seal's lock, none of them an UPDATE. The
 * pending entries are read before the lock (they are this transaction's
 * own); under it, the last entry and its hash (pg_seal_head); then each is hashed here,
 * numbered after it, and moved into audit_log with its hash and (the last
 * one) its signature by one INSERT ... SELECT from the DELETE. Where
 * pg_number and chain write each entry twice (numbered, then sealed),
 * this writes it once. SS_ENOTFOUND when the transaction has more entries
 * than FAST_SEAL_MAX: nothing done, the caller seals as before. */
static int pg_seal_fast(struct ss_store *st, int signing, struct ss_err *err)
{
    struct pending *p = ss_xcalloc(1, sizeof *p);
    struct ss_buf ids, nids, prevs, hashes, sigs;
    struct store_stmt *s;
    char prev[65], hash[65], num[24];
    int64_t last = 0;
    size_t i;
    int rc;

    if ((rc = pending_read(st, p)) || p->n == 0) {
        if (rc == SS_EDB)
            rc = store_db_error(st, err, "reading the audit log");
        goto out;
    }
    if ((rc = pg_seal_head(st, prev, err)))
        goto out;
    ss_buf_init(&ids, 24 * p->n + 2);
    ss_buf_init(&nids, 24 * p->n + 2);
    ss_buf_init(&prevs, 68 * p->n + 2);
    ss_buf_init(&hashes, 68 * p->n + 2);
    ss_buf_init(&sigs, SIG_HEX * p->n + 8 * p->n + 2);
    ss_buf_puts(&ids, "{");
    ss_buf_puts(&nids, "{");
    ss_buf_puts(&prevs, "{");
    ss_buf_puts(&hashes, "{");
    ss_buf_puts(&sigs, "{");
    for (i = 0; i < p->n; i++) {
        const char *sep = i ? "," : "";
        last = st->seal_from + (int64_t)i;
        snprintf(num, sizeof num, "%lld", (long long)last);
        p->f[i][0] = ss_xstrdup(num);
        entry_hash_of((const char *const *)p->f[i], st->actor, prev, hash);
        ss_buf_printf(&ids, "%s%lld", sep, (long long)p->pid[i]);
        ss_buf_printf(&nids, "%s%s", sep, num);
        ss_buf_printf(&prevs, "%s%s", sep, *prev ? prev : "\"\"");
        ss_buf_printf(&hashes, "%s%s", sep, hash);
        if (signing && i + 1 == p->n) {
            unsigned char sig[crypto_sign_BYTES], m[SIG_DOMAIN_LEN + 64];
            char hex[SIG_HEX];
            sig_message(hash, m);
            crypto_sign_detached(sig, NULL, m, sizeof m, st->key->sk);
            sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
            ss_buf_printf(&sigs, "%s%s", sep, hex);
        } else {
            ss_buf_printf(&sigs, "%sNULL", sep);
        }
        memcpy(prev, hash, 65);
    }
    ss_buf_puts(&ids, "}");
    ss_buf_puts(&nids, "}");
    ss_buf_puts(&prevs, "}");
    ss_buf_puts(&hashes, "}");
    ss_buf_puts(&sigs, "}");
    s = store_prepare(
        st,
        "WITH moved AS (DELETE FROM audit_pending WHERE xact = pg_current_xact_id_if_assigned()"
        " RETURNING id, at, action, tbl, row_id, row_json),"
        " put AS (INSERT INTO audit_log(id, at, actor, action, tbl, row_id, row_json, prev, hash,"
        " sig) SELECT v.nid, m.at, ?1, m.action, m.tbl, m.row_id, m.row_json, v.prev, v.hash,"
        " v.sig FROM moved m JOIN unnest(CAST(?2 AS bigint[]), CAST(?3 AS bigint[]),"
        " CAST(?4 AS text[]), CAST(?5 AS text[]), CAST(?6 AS text[])) AS v(pid, nid, prev, hash,"
        " sig) ON v.pid = m.id RETURNING 1)"
        " SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM put)",
        err);
    rc = SS_EDB;
    if (s && !ids.err && !nids.err && !prevs.err && !hashes.err && !sigs.err) {
        store_bind_text(s, 1, st->actor);
        store_bind_text(s, 2, ids.data);
        store_bind_text(s, 3, nids.data);
        store_bind_text(s, 4, prevs.data);
        store_bind_text(s, 5, hashes.data);
        store_bind_text(s, 6, sigs.data);
        /* every entry read is moved, and none other: else nothing stays */
        if (store_step(s) != STORE_ROW)
            rc = store_db_error(st, err, "sealing the audit log");
        else if (store_col_int64(s, 0) != (int64_t)p->n || store_col_int64(s, 1) != (int64_t)p->n)
            rc = ss_err_set(err, SS_EDB, "db",
                            "the audit log could not be sealed: its entries changed meanwhile");
        else
            rc = SS_OK;
    }
    store_finalize(s);
    ss_buf_cleanup(&ids);
    ss_buf_cleanup(&nids);
    ss_buf_cleanup(&prevs);
    ss_buf_cleanup(&hashes);
    ss_buf_cleanup(&sigs);
out:
    pending_cleanup(p);
    free(p);
    return rc;
}

int store_audit_seal(struct ss_store *st, struct ss_err *err)
{
    char prev[65];
    int version = ss_store_schema_version(st), pg = is_pg(st);
    int signing = schema_has(st, version, STORE_SCHEMA_SIGNED);
    int rc = SS_OK, logged, any;
    int64_t last = 0;

    if (!schema_has(st, version, 2))
        return SS_OK;
    if (pg && (!signing || (st->key && st->key->recorded)) &&
        (rc = pg_seal_fast(st, signing, err)) != SS_ENOTFOUND)
        return rc;
    /* nothing written: nothing to seal, and no key needed */
    if ((any = unsealed(st)) < 0)
        return store_db_error(st, err, "reading the audit log");
    if (!any)
        return SS_OK;
    if (pg && ((rc = pg_seal_lock(st, err)) || (rc = pg_number(st, err))))
        return rc;
    /* the key's record, when this commit is the first signed one (on
     * PostgreSQL numbered after the transaction's other entries) */
    if (signing && ((rc = key_ready(st, &logged, err)) ||
                    (!logged && ((rc = record_key(st, err)) || (pg && (rc = pg_number(st, err)))))))
        return rc;
    if ((rc = last_hash(st, prev)))
        return store_db_error(st, err, "reading the audit log");
    if ((rc = chain(st, prev, &last, err)))
        return rc;
    if (signing && last)
        rc = sign_entry(st, last, prev, err);
    return rc;
}

int ss_store_audit_event(struct ss_store *st, const char *action, const char *detail_json,
                         struct ss_err *err)
{
    int rc;

    if (strcmp(action, "audit_key") == 0) /* the store's own */
        return ss_err_set(err, SS_EINVAL, "action", "'audit_key' is not an event to log");
    if ((rc = store_tx_join(st, err)))
        return rc;
    if ((rc = append_event(st, action, detail_json ? detail_json : "{}", err))) {
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

int ss_store_audit_head(struct ss_store *st, struct ss_audit_anchor *out, struct ss_err *err)
{
    struct store_stmt *s = store_prepare(
        st, "SELECT id, hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1", err);
    int step;

    memset(out, 0, sizeof *out);
    if (!s)
        return SS_EDB;
    step = store_step(s);
    if (step == STORE_ROW && store_col_text(s, 1)) {
        out->entry = store_col_int64(s, 0);
        snprintf(out->hash, sizeof out->hash, "%s", store_col_text(s, 1));
    }
    store_finalize(s);
    return step == STORE_FAIL ? store_db_error(st, err, "reading the audit head") : SS_OK;
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

/* An audit_key entry (row_json: its public key and first signed entry):
 * the first sets the key; a later one with another key is a failure (a
 * key is never replaced). Returns 1 on a problem. */
static int walk_key_entry(const char *row_json, int64_t id, struct signing *g,
                          struct ss_audit_result *r)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    int64_t first;
    char a[PK_HEX], b[PK_HEX];

    if (key_entry_read(row_json, pk, &first) != 0 || first < 1 || first > id)
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

/* The chain's walk: one entry (the current row of s) after prev. Returns
 * 1 on a problem. */
static int walk_entry(struct store_stmt *s, const struct ss_audit_anchor *anchor, char prev[65],
                      struct signing *g, struct ss_audit_result *r)
{
    const char *action = store_col_text(s, 2), *tbl = store_col_text(s, 3);
    const char *actor = store_col_text(s, 6), *p = store_col_text(s, 7);
    const char *h = store_col_text(s, 8), *sig = store_col_text(s, 9);
    int64_t id = store_col_int64(s, 0);
    char hash[65];
    int bad = 0;

    if (!h || !actor || !p)
        return found(r, id, "entry %lld was never sealed: it was written outside shishi",
                     (long long)id);
    entry_hash(s, actor, prev, hash);
    if (strcmp(p, prev) != 0)
        bad = found(r, id,
                    "entry %lld does not follow the entry before it (one was removed or "
                    "reordered)",
                    (long long)id);
    else if (strcmp(h, hash) != 0)
        bad =
            found(r, id, "entry %lld (%s %s %lld) was changed after it was written", (long long)id,
                  action ? action : "", tbl ? tbl : "", (long long)store_col_int64(s, 4));
    else if (anchor && id == anchor->entry && strcmp(hash, anchor->hash) != 0)
        bad = found(r, id,
                    "entry %lld does not have the anchored hash: the log was rewritten at "
                    "or before it",
                    (long long)id);
    else if (tbl && action && strcmp(tbl, "event") == 0 && strcmp(action, "audit_key") == 0)
        bad = walk_key_entry(store_col_text(s, 5), id, g, r);
    if (!bad && sig)
        bad = walk_signature(sig, hash, id, g, r);
    if (bad)
        return 1;
    memcpy(prev, hash, 65);
    r->head_entry = id;
    memcpy(r->head_hash, hash, sizeof r->head_hash);
    return 0;
}

/* Entries read per round trip while walking the chain. */
#define WALK_PAGE 2048

static int verify_chain(struct ss_store *st, int version, const struct ss_audit_expect *want,
                        struct ss_audit_result *r)
{
    struct store_stmt *s =
        store_prepare(st,
                      schema_has(st, version, STORE_SCHEMA_SIGNED)
                          ? "SELECT id, at, action, tbl, row_id, row_json, actor, prev, hash, sig "
                            "FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2"
                          : "SELECT id, at, action, tbl, row_id, row_json, actor, prev, hash, NULL "
                            "FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2",
                      NULL);
    const struct ss_audit_anchor *anchor = want && want->anchor.entry ? &want->anchor : NULL;
    struct signing g;
    char prev[65] = "";
    int step = STORE_DONE, anchored = 0, bad = 0, n;
    int64_t first = 0, after = 0;

    if (!s)
        return SS_EDB;
    memset(&g, 0, sizeof g);
    if (want && want->public_key[0] && pk_from_hex(want->public_key, g.want) == 0)
        g.given = 1;
    do {
        store_reset(s);
        store_bind_int64(s, 1, after);
        store_bind_int64(s, 2, WALK_PAGE);
        for (n = 0; !bad && (step = store_step(s)) == STORE_ROW; n++) {
            int64_t id = store_col_int64(s, 0);
            r->entries++;
            if (!first)
                first = id;
            if (anchor && id == anchor->entry)
                anchored = 1;
            bad = walk_entry(s, anchor, prev, &g, r);
            after = id;
        }
    } while (!bad && step == STORE_DONE && n == WALK_PAGE);
    store_finalize(s);
    if (bad)
        return SS_OK;
    if (step != STORE_DONE)
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

/* PostgreSQL: entries left in audit_pending were written by a transaction
 * that committed without sealing them (outside shishi). */
static int verify_pending(struct ss_store *st, struct ss_audit_result *r)
{
    struct store_stmt *s = store_prepare(
        st, "SELECT action, tbl, row_id FROM audit_pending ORDER BY id LIMIT 1", NULL);
    int step;

    if (!s)
        return SS_EDB;
    if ((step = store_step(s)) == STORE_ROW)
        found(r, -1,
              "an entry (%s %s %lld) was never sealed: it was written outside shishi, by a "
              "transaction that committed without its seal",
              store_col_text(s, 0), store_col_text(s, 1), (long long)store_col_int64(s, 2));
    store_finalize(s);
    return step == STORE_FAIL ? SS_EDB : SS_OK;
}

/* The log's last image of a row, as the table's image at `version` reads
 * it: an entry written before a column was added lacks its key, and the
 * row then holds the column's DEFAULT. */
static void logged_image(struct ss_buf *q, int pg, const struct store_audited *a, int version)
{
    struct store_audited_col c;
    size_t i;
    int n = 0;

    for (i = 0; added_at(i, &c); i++)
        if (strcmp(c.table, a->table) == 0 && c.since <= version) {
            if (pg)
                ss_buf_printf(q, "%s'%s', %s", n++ ? ", " : "(jsonb_build_object(", c.col, c.dflt);
            else
                ss_buf_printf(q, "%s'$.%s', %s", n++ ? ", " : "json_insert(a.row_json, ", c.col,
                              c.dflt);
        }
    if (pg)
        ss_buf_puts(q, n ? ") || CAST(a.row_json AS jsonb))" : "CAST(a.row_json AS jsonb)");
    else
        ss_buf_puts(q, n ? ")" : "a.row_json");
}

/* Compare one table with the log's last image of each of its rows. */
static int verify_table(struct ss_store *st, const struct store_audited *a, int version,
                        struct ss_audit_result *r)
{
    struct ss_buf q, cols;
    struct store_stmt *s = NULL;
    const char *id = ident(st, a);
    int rc = SS_OK, pg = is_pg(st), step;

    ss_buf_init(&q, 1 << 16);
    ss_buf_init(&cols, 1 << 14);
    cols_at(a, version, &cols);
    /* rows whose image differs from the log's last image, or that the log
     * never saw, or last saw deleted */
    ss_buf_printf(&q,
                  "WITH last AS (SELECT row_id, max(id) AS id FROM audit_log "
                  " WHERE tbl = '%s' GROUP BY row_id) "
                  "SELECT t.%s, l.id, a.action FROM %s t "
                  "LEFT JOIN last l ON l.row_id = t.%s "
                  "LEFT JOIN audit_log a ON a.id = l.id "
                  "WHERE a.id IS NULL OR a.action = 'delete' OR ",
                  a->table, id, a->table, id);
    logged_image(&q, pg, a, version);
    ss_buf_puts(&q, pg ? " IS DISTINCT FROM " : " IS NOT ");
    row_image(&q, pg, cols.data, "t");
    ss_buf_puts(&q, " LIMIT 1");
    if (q.err || !(s = store_prepare(st, q.data, NULL))) {
        rc = SS_EDB;
        goto out;
    }
    if ((step = store_step(s)) == STORE_ROW) {
        int64_t row = store_col_int64(s, 0), entry = store_col_int64(s, 1);
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
    if (step == STORE_FAIL) {
        rc = SS_EDB;
        goto out;
    }
    store_finalize(s);
    ss_buf_reset(&q);
    ss_buf_printf(&q,
                  "WITH last AS (SELECT row_id, max(id) AS id FROM audit_log "
                  " WHERE tbl = '%s' GROUP BY row_id) "
                  "SELECT l.row_id, l.id FROM last l JOIN audit_log a ON a.id = l.id "
                  "WHERE a.action <> 'delete' AND NOT EXISTS "
                  "(SELECT 1 FROM %s t WHERE t.%s = l.row_id) LIMIT 1",
                  a->table, a->table, id);
    if (q.err || !(s = store_prepare(st, q.data, NULL))) {
        rc = SS_EDB;
        goto out;
    }
    if ((step = store_step(s)) == STORE_ROW) {
        r->bad_entry = store_col_int64(s, 1);
        snprintf(r->what, sizeof r->what,
                 "%s row %lld is missing, but the audit log never saw it deleted (entry %lld): "
                 "deleted behind shishi's back",
                 a->table, (long long)store_col_int64(s, 0), (long long)r->bad_entry);
    } else if (step == STORE_FAIL) {
        rc = SS_EDB;
        goto out;
    }
    store_finalize(s);
    ss_buf_reset(&q);
    ss_buf_printf(&q, "SELECT count(*) FROM %s", a->table);
    s = q.err ? NULL : store_prepare(st, q.data, NULL);
    if (s && store_step(s) == STORE_ROW)
        r->rows += store_col_int64(s, 0);
    else
        rc = SS_EDB;
out:
    store_finalize(s);
    ss_buf_cleanup(&q);
    ss_buf_cleanup(&cols);
    return rc;
}

int ss_store_audit_verify(struct ss_store *st, const struct ss_audit_expect *want,
                          struct ss_audit_result *r, struct ss_err *err)
{
    int version = ss_store_schema_version(st), own = st->tx_depth == 0, rc = SS_OK;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    struct store_audited a;
    size_t i;

    memset(r, 0, sizeof *r);
    if (!schema_has(st, version, 2))
        return ss_err_set(err, SS_EDB, "db", "this database has no audit log (schema too old)");
    if (want && want->public_key[0] && pk_from_hex(want->public_key, pk) != 0)
        return ss_err_set(err, SS_EINVAL, "public-key", "the public key is not 64 hex digits");
    /* one read transaction: the chain and the tables as of one moment
     * (PostgreSQL: one snapshot for all its statements) */
    if (own &&
        store_exec(st, STORE_SQL(st, "BEGIN", "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
                   err))
        return SS_EDB;
    if (verify_chain(st, version, want, r) || (is_pg(st) && !r->bad_entry && verify_pending(st, r)))
        rc = store_db_error(st, err, "reading the audit log");
    for (i = 0; !rc && !r->bad_entry && audited_at(i, &a); i++)
        if (schema_has(st, version, a.since) && verify_table(st, &a, version, r))
            rc = store_db_error(st, err, "comparing the audited tables");
    if (own)
        store_exec(st, rc ? "ROLLBACK" : "COMMIT", NULL);
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
    if (!schema_has(st, ss_store_schema_version(st), STORE_SCHEMA_SIGNED))
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

    if (!schema_has(st, ss_store_schema_version(st), STORE_SCHEMA_SIGNED))
        return ss_err_set(err, SS_EDB, "db", "this database cannot be signed (read-only?)");
    if ((rc = store_tx_own(st, err)))
        return rc;
    /* PostgreSQL: the entry recording the key is numbered under the seal's
     * lock, taken now so that signed_from is this transaction's first */
    if ((is_pg(st) && (rc = pg_seal_lock(st, err))) || (rc = key_ready(st, &logged, err)) ||
        (!logged && (rc = record_key(st, err)))) {
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
