/*
 * store_int.h - private to src/store/: the connection and statement
 * helpers shared by the store's files. Nothing outside src/store/ includes
 * this header, so no SQL type leaks past the store.
 */
#ifndef SS_STORE_INT_H
#define SS_STORE_INT_H

#include <sqlite3.h>

#include "base/err.h"
#include "store/store.h"

struct store_audit_key;

struct ss_store {
    sqlite3 *db;
    char *path;
    int tx_depth;                /* nesting of store_tx_begin */
    char actor[128];             /* who the writes are by, for the audit log */
    sqlite3_stmt *dv;            /* PRAGMA data_version, prepared once */
    int64_t seal_from;           /* the first audit entry the open transaction may write */
    struct store_audit_key *key; /* the audit signing key, read at the first signed
                                    commit (store_audit.c) */
};

/* The migration that signs the audit log's seals and adds sessions to the
 * audited tables (store_schema.c, store_audit.c). */
#define STORE_SCHEMA_SIGNED 6

/* Transactions nest: only the outermost begin/commit reach SQLite, and the
 * outermost commit seals the audit log first. A rollback at any depth rolls
 * back the whole transaction. Every write path of the store goes through
 * these (never a literal BEGIN or COMMIT), so every commit seals its audit
 * entries. */
int store_tx_begin(struct ss_store *st, struct ss_err *err);
int store_tx_commit(struct ss_store *st, struct ss_err *err);
void store_tx_rollback(struct ss_store *st);

/* Insert reports in one transaction (store_report.c): approved ones get
 * consecutive seqs; flags[i] (may be NULL) and user_id (0: none) are stored
 * with each; ids (may be NULL) receive the new ids. */
int store_reports_insert(struct ss_store *st, const struct ss_report_in *r,
                         const char *const *flags, int64_t user_id, size_t n, int64_t *ids,
                         struct ss_err *err);

/* Audit (store_audit.c). store_tx_begin calls store_audit_begin when the
 * outermost transaction starts (it notes where the transaction's entries
 * begin); store_tx_commit calls store_audit_seal before COMMIT: it seals
 * the transaction's entries, and signs the last one. Entries written before
 * the transaction began and never sealed (written outside shishi) are left
 * unsealed, for verification to find. */
int store_audit_begin(struct ss_store *st, struct ss_err *err);
int store_audit_seal(struct ss_store *st, struct ss_err *err);
/* After migration `version` ran (inside its transaction): the audit
 * triggers of the tables that migration starts auditing, and one insert
 * entry per row they already hold. */
int store_audit_migrate(struct ss_store *st, int version, struct ss_err *err);
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

/* Prepare sql or fill err (with the SQLite message) and return NULL. */
sqlite3_stmt *store_prepare(struct ss_store *st, const char *sql, struct ss_err *err);
/* The first column of the first row of a parameterless query, or dflt
 * when there is no row or the query fails. */
int64_t store_int64(struct ss_store *st, const char *sql, int64_t dflt);
/* Run a statement with no result rows and no parameters. */
int store_exec(struct ss_store *st, const char *sql, struct ss_err *err);
/* Bind a string or NULL. */
void store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Bind a date (day number) as YYYY-MM-DD, or NULL for SS_NO_DATE. */
void store_bind_date(sqlite3_stmt *s, int i, int32_t day);
/* Column as malloc'd string (NULL stays NULL). */
char *store_col_strdup(sqlite3_stmt *s, int i);
/* Column as a day number; SS_NO_DATE if NULL or malformed. */
int32_t store_col_date(sqlite3_stmt *s, int i);
/* Fill err from the connection's last error. Returns SS_EDB. */
int store_db_error(struct ss_store *st, struct ss_err *err, const char *what);
/* Look up or create a department by name; 0 for NULL/empty name. */
int64_t store_department_id(struct ss_store *st, const char *name, struct ss_err *err);

/* Migrations (store_schema.c). */
int store_migrate(struct ss_store *st, struct ss_err *err);

#endif
