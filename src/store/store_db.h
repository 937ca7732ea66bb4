/*
 * store_db.h - private to src/store/: one statement interface over the two
 * databases the store runs on, SQLite (the embedded default) and
 * PostgreSQL (through libpq). Every file of the store speaks SQL through
 * these calls and nothing else, so each store function is written once
 * and runs on both.
 *
 * SQL is written once, in the dialect both accept:
 *   - parameters are ?1, ?2 ... (or ?, numbered in order); the PostgreSQL
 *     driver rewrites them to $1, $2 ... outside string literals;
 *   - a new row's id comes back with RETURNING id (SQLite has it since
 *     3.35), never from a "last insert rowid";
 *   - upserts are INSERT ... ON CONFLICT (...) DO NOTHING / DO UPDATE SET
 *     col = excluded.col, never INSERT OR IGNORE / OR REPLACE;
 *   - times are computed in C and bound (store_now), not strftime('now');
 *   - no rowid, no sqlite_schema, no PRAGMA outside the SQLite driver;
 *     coalesce (not ifnull), CAST(x AS DOUBLE PRECISION) (not REAL);
 *   - a statement that cannot be written once chooses by backend with
 *     STORE_SQL(st, sqlite_sql, pg_sql), and says why in a comment.
 * Schema (DDL, triggers) is per backend: the migrations list carries both.
 *
 * Types: integers are 64-bit (BIGINT in PostgreSQL), reals double, text
 * UTF-8, blobs bytea. The PostgreSQL driver sends numbers with their type
 * (int8, float8) and text as untyped literals, so the server infers the
 * column's type; results come back as text and are parsed here.
 *
 * Errors: a failed prepare or step keeps the database's message on the
 * connection; store_db_error(st, err, "what was being done") writes it
 * into err as SS_EDB. store_db_failure(st) classifies the last failure
 * (a unique or check constraint, a lock timeout or serialization failure
 * worth retrying, anything else).
 *
 * Memory: a statement is owned by its caller until store_finalize (NULL is
 * fine). store_col_text's pointer is valid until the next step, reset or
 * finalize of that statement.
 */
#ifndef SS_STORE_DB_H
#define SS_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct ss_store;
struct store_stmt;

enum store_backend { STORE_SQLITE = 1, STORE_PG = 2 };

/* Which backend st runs on. */
enum store_backend store_backend(const struct ss_store *st);
#define STORE_SQL(st, sqlite_sql, pg_sql) (store_backend(st) == STORE_PG ? (pg_sql) : (sqlite_sql))

/* The outcome of store_step. */
enum { STORE_DONE = 0, STORE_ROW = 1, STORE_FAIL = -1 };

/* Prepare sql, or fill err (SS_EDB, with the database's message) and
 * return NULL. */
struct store_stmt *store_prepare(struct ss_store *st, const char *sql, struct ss_err *err);
/* Run or advance: STORE_ROW (a row is ready to read), STORE_DONE, or
 * STORE_FAIL (the message is kept for store_db_error). */
int store_step(struct store_stmt *s);
/* Ready to run again with new bindings (clears them all). */
void store_reset(struct store_stmt *s);
void store_finalize(struct store_stmt *s);
/* PostgreSQL: the statement's results come in binary (see store_db.c),
 * for reads of many rows; its columns read the same. Only integers,
 * reals, text and blobs read so (a numeric, a boolean or a date column
 * would not: cast them in the SQL). SQLite: nothing to do. */
void store_binary_results(struct store_stmt *s);
/* PostgreSQL: the statement is planned at each run for its values, never
 * prepared: for a range over a growing table ("seq > ?1", "id >= ?1 AND
 * hash IS NULL"), whose values are near its end, which a generic plan
 * cannot know (it reads a third of the table). Other statements are
 * prepared once per connection and PostgreSQL chooses, after five runs,
 * whether their generic plan is as good as their values' own. SQLite:
 * nothing to do. */
void store_plan_each_run(struct store_stmt *s);
/* Rows inserted, updated or deleted by the statement's last run. */
int64_t store_changes(struct store_stmt *s);

/* Bindings, 1-based. Text and blobs are copied. */
void store_bind_int64(struct store_stmt *s, int i, int64_t v);
void store_bind_double(struct store_stmt *s, int i, double v);
void store_bind_text(struct store_stmt *s, int i, const char *v); /* NULL binds NULL */
void store_bind_null(struct store_stmt *s, int i);
void store_bind_blob(struct store_stmt *s, int i, const void *p, size_t n);
/* A date (day number) as YYYY-MM-DD, or NULL for SS_NO_DATE. */
void store_bind_date(struct store_stmt *s, int i, int32_t day);

/* Columns of the current row, 0-based. A NULL reads as 0, 0.0, NULL. */
int store_col_null(struct store_stmt *s, int i);
int64_t store_col_int64(struct store_stmt *s, int i);
double store_col_double(struct store_stmt *s, int i);
const char *store_col_text(struct store_stmt *s, int i);
/* A blob's bytes and length; valid as store_col_text's pointer. */
const void *store_col_blob(struct store_stmt *s, int i, size_t *n);
/* Column as malloc'd string (NULL stays NULL). */
char *store_col_strdup(struct store_stmt *s, int i);
/* Column as a day number; SS_NO_DATE if NULL or malformed. */
int32_t store_col_date(struct store_stmt *s, int i);

/* Run sql, which takes no parameters and returns no rows (it may hold
 * several statements: DDL, a migration). */
int store_exec(struct ss_store *st, const char *sql, struct ss_err *err);
/* The first column of the first row of a parameterless query, or dflt
 * when there is no row, it is NULL or the query fails. */
int64_t store_int64(struct ss_store *st, const char *sql, int64_t dflt);

/* Fill err from the connection's last failure. Returns SS_EDB. */
int store_db_error(struct ss_store *st, struct ss_err *err, const char *what);
enum store_failure {
    STORE_FAIL_OTHER = 0,
    STORE_FAIL_CONSTRAINT, /* a unique, check, not-null or foreign key constraint */
    STORE_FAIL_BUSY,       /* a lock wait timed out, a deadlock, a serialization failure */
};
enum store_failure store_db_failure(const struct ss_store *st);

/* Now, UTC, as the store writes times: YYYY-MM-DDTHH:MM:SSZ. */
void store_now(char out[21]);
/* Unix seconds t in the same form (clamped to the years 0000..9999, which
 * the text holds); a stored time (YYYY-MM-DDTHH:MM:SS, then anything) as
 * Unix seconds, 0 for NULL or anything else (as SQLite's strftime('%s')
 * gave NULL); and a bind of t in that form. Times are formatted and parsed
 * in C, so neither backend's date functions are needed and both store the
 * same text. */
void store_ts_fmt(int64_t t, char out[21]);
int64_t store_ts_parse(const char *t);
void store_bind_ts(struct store_stmt *s, int i, int64_t t);

#endif
