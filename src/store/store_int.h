/*
 * store_int.h - private to src/store/: the connection, transactions, the
 * schema's tables and the statement helpers shared by the store's files.
 * Nothing outside src/store/ includes this header, so no SQL type leaks
 * past the store.
 */
#ifndef SS_STORE_INT_H
#define SS_STORE_INT_H

#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/err.h"
#include "store/store.h"
#include "store/store_db.h"
#include "store/store_test.h"

struct store_audit_key;

/* How long a write waits for another writer's lock before SS_EDB. */
#define STORE_BUSY_MS 5000
#define STORE_BUSY_MS_TEXT "5000" /* the same, for PostgreSQL's lock_timeout */
/* PostgreSQL: the advisory lock every write transaction takes first
 * (store.c), shishi's own key ("shishi" in ASCII). */
#define STORE_PG_WRITERS_LOCK 0x736869736869LL
/* PostgreSQL: the channel every write transaction notifies at its commit
 * (store.c), which serving instances listen on (ss_store_listen). */
#define STORE_PG_CHANNEL "shishi_changes"

/* The actor of the store's own bookkeeping (migrations, the audit key's
 * record, engine snapshots, login attempts): what no person does. */
#define STORE_SYSTEM "system"
#define STORE_ACTOR_MAX 128

struct ss_store {
    sqlite3 *db;                     /* SQLite: the connection (NULL on PostgreSQL) */
    PGconn *pg;                      /* PostgreSQL: the connection (NULL on SQLite) */
    char errmsg[512];                /* PostgreSQL: the last failure's message */
    char sqlstate[6];                /* and its SQLSTATE */
    char *path;                      /* the file, or the connection URL (password removed) */
    int tx_depth;                    /* nesting of the open transaction; 0: none */
    int tx_cells;                    /* the open transaction was begun for report cells
                                        (ss_store_begin_cells): it approves nothing (on
                                        PostgreSQL it holds cell locks, not the writers') */
    char actor[STORE_ACTOR_MAX];     /* who the open transaction is by ("" when none is open) */
    struct store_stmt *counters;     /* ss_store_counters' query, prepared once */
    int64_t seal_from;               /* the first audit entry the open transaction may write */
    int step_from, step_to;          /* what the open's migration step did (ss_store_schema_step) */
    struct store_audit_key *key;     /* the audit signing key, read at the first signed
                                        commit (store_audit.c) */
    struct store_prepared *prepared; /* PostgreSQL: the statements prepared on this
                                        connection (store_db.c), NULL before the first */
    unsigned nprepared;
    unsigned prepared_gen; /* in their names: bumped each time they are forgotten */
    int schema_is_latest;  /* PostgreSQL: the schema was read at this build's latest */
};

/* PostgreSQL: forget the statements prepared on st's connection (and
 * deallocate them when it is alive): after a migration changed the tables
 * they read, or a reconnection lost them (store_db.c). */
void store_db_forget_prepared(struct ss_store *st);

/* The migration that signs the audit log's seals and adds sessions to the
 * audited tables (store_schema.c, store_audit.c). */
#define STORE_SCHEMA_SIGNED 6
/* The migration from which each applied migration is recorded in the
 * schema_migration table (store_schema.c). */
#define STORE_SCHEMA_RECORDED 9
/* The migration that makes the translation table (store_translation.c). */
#define STORE_SCHEMA_TRANSLATIONS 10
/* PostgreSQL's migration 1 makes the schema as of this migration, and its
 * migrations 2 to it do nothing (store_schema.c): no PostgreSQL database
 * older than this exists. Every migration after it carries both dialects. */
#define STORE_SCHEMA_PG_BASE 10
/* The migration that widens account.role to the supervision roles. */
#define STORE_SCHEMA_ROLES 11
/* The migration that makes the supervision notices' tables (store_notice.c). */
#define STORE_SCHEMA_NOTICES 12
/* The migration that makes the delivery channels and the outbox and gives
 * accounts an email address (store_outbox.c). */
#define STORE_SCHEMA_OUTBOX 13
/* The migration that makes the bulletin table (store_bulletin.c). */
#define STORE_SCHEMA_BULLETIN 14
/* The migration that keeps the announcement a plan was imported from. */
#define STORE_SCHEMA_SOURCES 15
/* The migration that keeps a plan's reminder days and score weights
 * (store_remind.c). */
#define STORE_SCHEMA_SUPERVISION_RULE 16
/* The migration that makes the satisfaction ratings and closed surveys
 * (store_rating.c). */
#define STORE_SCHEMA_RATINGS 17
/* The migration that makes subscriptions and the status history, and lets
 * the outbox address a sealed email (store_follow.c). */
#define STORE_SCHEMA_FOLLOW 18
/* The migration that makes the yearly cycle's tables: proposals,
 * candidates, voters and ballots (store_cycle.c). */
#define STORE_SCHEMA_CYCLE 19
/* The migration that makes the public's messages (store_message.c). */
#define STORE_SCHEMA_MESSAGES 20
/* The migration that adds report_approved, a cell's approved reports by
 * date (ss_store_reports_approved_in, ss_store_report_around). */
#define STORE_SCHEMA_APPROVED_CELL 21

/* Transactions (store.c). They nest: only the outermost begin and commit
 * reach SQLite, and the outermost commit seals the audit log first. A
 * rollback at any depth rolls back the whole transaction and forgets its
 * actor. Every write path of the store goes through these (never a
 * literal BEGIN or COMMIT), so every commit seals its audit entries with
 * the actor the transaction was begun with.
 *   store_tx_join: for writes a person makes (every audited table): join
 *     the caller's transaction; SS_EINVAL (field "actor") when none is
 *     open, so no row is written by nobody, or by a connection's earlier
 *     user;
 *   store_tx_own: for the store's own bookkeeping (nothing a person does,
 *     nothing audited but the key's record): join the open transaction, or
 *     begin one as STORE_SYSTEM;
 *   store_tx_begin_as: begin (or join, when the actor is the same) a
 *     transaction by actor; exclusive: BEGIN EXCLUSIVE (the migration step)
 *     rather than IMMEDIATE on SQLite (on PostgreSQL every write
 *     transaction takes the writers' lock, see store.c). SS_ECONFLICT when
 *     a transaction by another actor is open. */
int store_tx_join(struct ss_store *st, struct ss_err *err);
int store_tx_own(struct ss_store *st, struct ss_err *err);
int store_tx_begin_as(struct ss_store *st, const char *actor, int exclusive, struct ss_err *err);
/* store_tx_begin_as for ss_store_begin_cells: on PostgreSQL the n cells'
 * locks instead of the writers' lock. */
int store_tx_begin_cells(struct ss_store *st, const char *actor, const struct ss_store_cell *cells,
                         size_t n, struct ss_err *err);
int store_tx_commit(struct ss_store *st, struct ss_err *err);
void store_tx_rollback(struct ss_store *st);

/* Insert reports in one transaction (store_report.c): approved ones get
 * consecutive seqs; flags[i] (may be NULL) and user_id (0: none) are stored
 * with each; ids (may be NULL) receive the new ids. */
int store_reports_insert(struct ss_store *st, const struct ss_report_in *r,
                         const char *const *flags, int64_t user_id, size_t n, int64_t *ids,
                         struct ss_err *err);

/* ---- the schema (store_schema.c) ------------------------------------------ */

/* One migration: sql runs first (the schema change, and data changes to
 * tables whose audited columns it does not change), then the audit
 * triggers of the tables it starts auditing or adds columns to are made
 * again (store_audit_migrate), then `after` (may be NULL): data changes
 * that the new triggers record with the new columns. pg_sql and pg_after
 * are the same in PostgreSQL's dialect; NULL pg_sql: nothing to do there
 * (only migrations 2 to STORE_SCHEMA_PG_BASE). */
struct store_migration {
    const char *name; /* what it does, recorded in schema_migration */
    const char *sql;
    const char *after;
    const char *pg_sql;
    const char *pg_after;
    /* SQLite: the audited table the migration rebuilds (a CHECK or a
     * column's type cannot be altered there: the official 12-step
     * procedure makes the new table, copies the rows, drops the old one and
     * renames the new), NULL when none. The step runs with foreign keys
     * off around it and checks them before its commit; the drop took the
     * table's audit triggers with it, so store_audit_migrate makes them
     * again with the same image. */
    const char *rebuilds;
};

/* The migrations this build knows: 1 .. store_schema_latest(). */
int store_schema_latest(void);
const struct store_migration *store_schema_migration(int version);
/* The migration step (see store_schema.c): under an exclusive lock, read
 * the version again and apply the missing migrations in one transaction.
 * *from and *to receive the versions before and after. */
int store_migrate(struct ss_store *st, int *from, int *to, struct ss_err *err);

/* The test hooks (store_test.h): the appended migration and the version
 * it has (store_schema.c), NULL when none; the scan hook
 * (store_report.c). */
const struct ss_test_migration *store_test_extra(int *version);

/* ---- the audit log (store_audit.c) ---------------------------------------- */

/* An audited table: its row image as of the migration that starts
 * auditing it. */
struct store_audited {
    const char *table;
    int since;        /* the migration that starts auditing the table */
    const char *id;   /* the row's identity: its INTEGER PRIMARY KEY, or rowid */
    int update_of;    /* 1: updates of other columns are not audited (and stay
                         out of the image), e.g. what a table records per request */
    const char *cols; /* the row image, as of `since` */
    /* the identity on PostgreSQL, which has no rowid (NULL: id) */
    const char *pg_id;
};
/* A column a later migration adds to an audited table's image. Entries
 * written before it carry no such key; for them the verifier expects the
 * column to hold dflt, the value ALTER TABLE ... ADD COLUMN gave every row
 * then (an SQL literal: the column's DEFAULT). */
struct store_audited_col {
    const char *table;
    int since; /* the migration that adds it (after the table's own since) */
    const char *col;
    const char *dflt;
};

/* Audit hooks. store_tx_* call store_audit_begin when the outermost
 * transaction starts (it notes where the transaction's entries begin) and
 * store_audit_seal before COMMIT: it seals the transaction's entries with
 * st->actor, and signs the last one. Entries written before the
 * transaction began and never sealed (written outside shishi) are left
 * unsealed, for verification to find. */
int store_audit_begin(struct ss_store *st, struct ss_err *err);
int store_audit_seal(struct ss_store *st, struct ss_err *err);
/* After migration `version`'s sql ran (inside its transaction): the audit
 * triggers of the tables it starts auditing, with one insert entry per row
 * they already hold, and the triggers, made again with the new image, of
 * the audited tables it adds columns to. */
int store_audit_migrate(struct ss_store *st, int version, struct ss_err *err);
/* The lists' own rules, checked before a migration step: every added
 * column belongs to an audited table and comes after the migration that
 * starts auditing it. SS_EDB saying which when not. */
int store_audit_check_lists(struct ss_err *err);
/* Wipe and free the connection's signing key (ss_store_close). */
void store_audit_close(struct ss_store *st);

/* The audit signing key and its file (store_audit_key.c). */
#define STORE_KEY_PATH_MAX 1024
struct store_audit_key {
    unsigned char pk[32]; /* Ed25519 public key */
    unsigned char sk[64]; /* and secret key (seed and public key) */
    int recorded;         /* a committed entry of the log records this key */
    int created;          /* this connection created the key file */
};
/* The key file of st: the one ss_store_audit_key_file named, else the
 * database's path with ".key" added. */
int store_audit_key_path(const struct ss_store *st, char out[STORE_KEY_PATH_MAX],
                         struct ss_err *err);
/* Read the key file: 0, SS_ENOTFOUND when there is none, or an error
 * saying what is wrong with it (not a file, readable by others, no key). */
int store_audit_key_read(const char *path, struct store_audit_key *k, struct ss_err *err);
/* Create a key file with a new key: 0, SS_ECONFLICT if a file appeared
 * there meanwhile, or an error. Call sodium_init first. */
int store_audit_key_create(const char *path, struct store_audit_key *k, struct ss_err *err);

/* ---- statements (store_db.h) ---------------------------------------------- */

/* Look up or create a department by name; 0 for NULL/empty name. */
int64_t store_department_id(struct ss_store *st, const char *name, struct ss_err *err);

#endif
