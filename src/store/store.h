/*
 * store.h - the only door to the database.
 *
 * All SQL in shishi lives under src/store/. Callers see records
 * (store/model.h) and functions; they never see a statement. Today the
 * store is SQLite in WAL mode; PostgreSQL comes later behind this same
 * interface.
 *
 * Schema changes are numbered migrations (store_schema.c) applied at open,
 * so a database written by an older build opens in a newer one. Every
 * multi-row write runs in one transaction: it lands whole or not at all.
 *
 * Threading: one struct ss_store per thread (SQLite connections are not
 * shared). Memory: functions that return records say who frees them.
 */
#ifndef SS_STORE_H
#define SS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/model.h"

struct ss_store;

enum { SS_STORE_CREATE = 1, SS_STORE_READONLY = 2 };

int ss_store_open(const char *path, int flags, struct ss_store **out, struct ss_err *err);
void ss_store_close(struct ss_store *st);

/* Durability of this connection's commits. A read-write store starts
 * durable (1): a commit returns once it is on disk and survives a power
 * failure. 0 makes commits survive a crash of the process only (the disk
 * catches up at the next checkpoint or durable commit): for a benchmark,
 * or a loader that can be run again after a power failure. A loader that
 * writes in one transaction needs no such mode: its one commit costs one
 * sync either way. set returns 0 or SS_EDB; durable 1 or 0. */
int ss_store_set_durable(struct ss_store *st, int durable);
int ss_store_durable(struct ss_store *st);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int ss_store_begin(struct ss_store *st);
int ss_store_commit(struct ss_store *st);
void ss_store_rollback(struct ss_store *st);

/* A number that changes whenever the database changes, by this connection
 * or another process (SQLite's data_version plus this connection's change
 * count). Compare with the last value to know whether to reload. */
int64_t ss_store_data_version(struct ss_store *st);
/* Cheap probe for a running engine: the current plan's id (0 if none) and
 * two counters that move on every change to the plan structure (plans,
 * projects, targets, org units) and to assignments. */
int ss_store_versions(struct ss_store *st, int64_t *plan_id, int64_t *structure,
                      int64_t *assignments);

/* Schema version the database is at (number of migrations applied). */
int ss_store_schema_version(struct ss_store *st);

/* --- org units ------------------------------------------------------- */

struct ss_org_rec {
    const char *code;
    const char *name;
    int level;
    const char *parent_code; /* NULL or "" for a root */
};

/* Insert or update org units by code, in one transaction. Parents must
 * exist already or come earlier in recs. */
int ss_store_orgs_upsert(struct ss_store *st, const struct ss_org_rec *recs, size_t n,
                         struct ss_err *err);
/* All org units, ordered by code. Caller frees with ss_orgs_free. */
int ss_store_orgs_load(struct ss_store *st, struct ss_org **out, size_t *n);
/* One org unit by code; out->name is malloc'd (caller frees).
 * SS_ENOTFOUND if absent. */
int ss_store_org_get(struct ss_store *st, const char *code, struct ss_org *out);
int64_t ss_store_org_count(struct ss_store *st);

/* --- plans ----------------------------------------------------------- */

/* Insert a whole plan (projects, targets, parents by parent_index) in one
 * transaction; ids in p are ignored and *id receives the plan id. */
int ss_store_plan_insert(struct ss_store *st, const struct ss_plan *p, int64_t *id,
                         struct ss_err *err);
/* Load a plan with its projects and targets. plan_id 0 means the current
 * plan: the active plan with the latest year (then the latest id).
 * Caller frees with ss_plan_free. SS_ENOTFOUND if there is none. */
int ss_store_plan_load(struct ss_store *st, int64_t plan_id, struct ss_plan **out,
                       struct ss_err *err);
/* The newest draft plan's id, or 0. */
int64_t ss_store_plan_latest_draft(struct ss_store *st);
int ss_store_plan_set_state(struct ss_store *st, int64_t plan_id, enum ss_plan_state state,
                            struct ss_err *err);

/* --- reports --------------------------------------------------------- */

struct ss_report_in {
    int64_t target_id;
    int64_t org_id;
    int32_t as_of;
    double value;       /* cumulative value, or current value for change */
    double numerator;   /* rate only */
    double denominator; /* rate: denominator; change: baseline */
    const char *note;
    const char *status; /* "draft" "submitted" "approved" "returned" */
    const char *by;     /* who entered it */
};

/* Insert a report; an approved one gets the next approval seq.
 * *id receives the new id. */
int ss_store_report_insert(struct ss_store *st, const struct ss_report_in *r, int64_t *id,
                           struct ss_err *err);

/* Insert many reports in one transaction (all or none); approved ones get
 * consecutive seqs in array order. For bulk loads and ledger imports whose
 * rows are already validated. */
int ss_store_report_insert_many(struct ss_store *st, const struct ss_report_in *r, size_t n,
                                struct ss_err *err);

/* Reference roll-up in one SQL query (recursive org CTEs + GROUP BY): for
 * each target with approved reports in org `code`'s subtree as of `date`,
 * the sums of the latest values of the units whose report stands: a unit's
 * own report is its whole figure, so a report below a unit that has its own
 * is left out (PRODUCT.md). Used by the benchmark and the engine's tests to
 * check and time the engine against plain SQL. */
struct ss_sql_sum {
    int64_t target_id;
    double a, b;
    int64_t reporters;
};
typedef int (*ss_sql_sum_fn)(void *ctx, const struct ss_sql_sum *s);
int ss_store_sql_rollup(struct ss_store *st, const char *code, int32_t date, ss_sql_sum_fn fn,
                        void *ctx);

/* The approved report for (target, org) nearest to `date`: the latest with
 * as_of <= date (dir < 0) or the earliest with as_of > date (dir > 0).
 * SS_ENOTFOUND if none. */
int ss_store_report_near(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t date,
                         int dir, struct ss_report_row *out);

/* Call fn for every approved report of the plan with seq > since_seq: in
 * seq order when since_seq > 0, in storage order for a full load (0). fn returning non-zero stops
 * the walk and is returned. */
typedef int (*ss_report_fn)(void *ctx, const struct ss_report_row *r);
int ss_store_each_approved(struct ss_store *st, int64_t plan_id, int64_t since_seq, ss_report_fn fn,
                           void *ctx);
/* Every approved report, read by `threads` connections in parallel (each
 * scans a range of row ids), into one malloc'd array the caller frees.
 * Storage order, not seq order: a full load settles same-day duplicates by
 * seq itself. This is the engine's start-up path, where SQLite's per-row
 * decoding is most of the cost. */
int ss_store_load_approved(struct ss_store *st, int threads, struct ss_report_row **out, size_t *n,
                           struct ss_err *err);

/* Engine snapshots: per target of a plan, an opaque blob of its approved
 * report points as of approval seq `seq`, valid while `sig` (the engine's
 * description of the org tree and format) matches. A cache: losing it only
 * costs start-up time. put replaces the plan's snapshot in one transaction. */
int ss_store_snapshot_put(struct ss_store *st, int64_t plan_id, int64_t seq, const char *sig,
                          size_t n, const int64_t *target_ids, const void *const *blobs,
                          const size_t *lens, struct ss_err *err);
typedef int (*ss_snapshot_fn)(void *ctx, int64_t target_id, const void *blob, size_t len);
/* Calls fn per target blob; *seq receives the snapshot's seq and *n the
 * number of blobs. SS_ENOTFOUND when there is none with this sig. */
int ss_store_snapshot_get(struct ss_store *st, int64_t plan_id, const char *sig, int64_t *seq,
                          size_t *n, ss_snapshot_fn fn, void *ctx);

/* Highest approval seq so far (0 if none). */
int64_t ss_store_report_max_seq(struct ss_store *st);

/* --- assignments ----------------------------------------------------- */

int ss_store_assign(struct ss_store *st, int64_t target_id, int64_t org_id, double value,
                    struct ss_err *err);
struct ss_assignment_row {
    int64_t target_id;
    int64_t org_id;
    double value;
};
typedef int (*ss_assignment_fn)(void *ctx, const struct ss_assignment_row *a);
int ss_store_each_assignment(struct ss_store *st, int64_t plan_id, ss_assignment_fn fn, void *ctx);

/* --- meta ------------------------------------------------------------ */

/* Small key/value settings. *out is malloc'd (caller frees) or NULL. */
int ss_store_meta_get(struct ss_store *st, const char *key, char **out);
int ss_store_meta_set(struct ss_store *st, const char *key, const char *value);

#endif
