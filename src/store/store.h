/*
 * store.h - the contract between shishi and its database.
 *
 * All SQL lives under src/store/. Callers see records (store/model.h) and
 * functions, never a statement, a connection handle or a backend's words.
 * This header says what a caller may rely on whatever the backend: SQLite
 * today (store.c says how it keeps each promise), PostgreSQL in the next
 * issue behind the same functions (the plan is written beside each promise
 * here and in store.c, store_schema.c and store_audit.c).
 *
 * Connections and threads. A struct ss_store is one connection to the
 * database. One thread uses it at a time; it may pass from thread to
 * thread between transactions (a pool), never during one. Nothing about a
 * person stays on it between transactions: the acting user is given when
 * a transaction begins and forgotten when it ends, so a pooled connection
 * never writes one person's name into another's audit entries.
 *
 * Transactions. Every write runs inside a transaction begun with its
 * acting user: ss_store_begin(st, actor, err) ... ss_store_commit. Store
 * functions that write (and core functions built on them) join the
 * caller's transaction, and refuse, writing nothing, when none is open
 * (SS_EINVAL, field "actor"). The only writes that need no actor are the
 * store's own bookkeeping, which no person does and the audit log does not
 * attribute to anyone: migrations, engine snapshots, login attempts, the
 * record of the audit key; those begin their own transaction when none is
 * open. Transactions nest: a begin inside an open transaction with the
 * same actor (or NULL) joins it, one with another actor is refused
 * (SS_ECONFLICT); only the outermost commit commits. A failure inside, or
 * a rollback at any depth, rolls back the whole transaction: the caller
 * then rolls back too (a no-op), and a commit after it fails. Inside a
 * write transaction a caller sees its own writes, and what it read stays
 * true until it commits: read, decide, write, and the decision holds
 * against every other writer (SQLite: one writer at a time, the lock taken
 * at begin; PostgreSQL: the store functions that decide on what they read
 * take row locks or compare-and-set, as each says). A read outside a
 * transaction sees one committed state per call.
 *
 * Audit. Every insert, update and delete of an audited table is recorded
 * in the same transaction (store_audit.h), and the outermost commit seals
 * the entries with the transaction's actor. (PostgreSQL: the actor in a
 * transaction-local setting, SET LOCAL, which the triggers read and the
 * seal signs; a write without it raises in the trigger.)
 *
 * Change counters. ss_store_counters reads, as of one committed state,
 * numbers that move whenever a committed change touches what they count,
 * whoever made it (this connection, another, another process): the plan's
 * structure (plans, projects, targets, org units), the assignments, the
 * approval high-water mark. Compare them with the values last read to know
 * cheaply whether to read again. Only "equal" or "not equal" means
 * anything: a counter may go back (a restored backup). (PostgreSQL may
 * also LISTEN for a NOTIFY its triggers send, to learn of a change without
 * asking; the counters stay the answer to "has anything changed since".)
 *
 * Approval order: the invariant the engine's refresh relies on. Approval
 * gives a report the next approval number, its seq; an approved report
 * never changes. The approved reports visible to any read are exactly
 * those with seq <= the high-water mark the same read sees
 * (counters.approved, ss_store_report_max_seq): a report that commits
 * later always has a higher seq than any mark already seen. So reading
 * "the reports approved after N" (ss_store_each_approved) from the last
 * seq read never skips one, however many approvers commit at once.
 *   SQLite keeps it with one writer at a time: the seq is max(seq) + 1
 *   taken inside the write transaction, after its lock, so approvals
 *   commit in seq order.
 *   PostgreSQL keeps it the same way: every write transaction that may
 *   approve takes one transaction-level advisory lock
 *   (STORE_PG_WRITERS_LOCK) right after its BEGIN and holds it to its
 *   commit; a lock is released only after its commit is visible, so
 *   max(seq) + 1 read under it is higher than every committed seq and
 *   approvals commit in seq order; readers need nothing. A report
 *   transaction (ss_store_begin_cells: a month's ledger, a report
 *   submitted) approves nothing and takes its cells' locks instead, so
 *   clerks' submissions run at once, beside each other and beside the
 *   approvals. (Refused for now: a sequence, with readers taking only seqs
 *   below a mark that waits for approvals in flight, from pg_snapshot_xmin
 *   and each approval's xid8: parallel writers, but every read computes a
 *   mark. The ingest benchmark says what the one lock costs.)
 *
 * Schema. A database carries its schema version; this build knows 1 to
 * its latest. A read-write open of an older database is refused
 * (SS_ECONFLICT, naming `shishi migrate`) unless it is opened to migrate
 * (SS_STORE_MIGRATE), and never migrated silently; a new, empty database
 * opened with SS_STORE_CREATE gets the schema at once. The migration step
 * is explicit, locked and recorded (store_schema.c). A newer database than
 * this build knows is refused, for reading too.
 *
 * Memory: functions that return records say who frees them; strings
 * passed in are copied or used only during the call.
 *
 * Errors: 0, or a negative SS_E* (base/util.h), with err (when given)
 * saying what and where:
 *   SS_EINVAL     the caller's input, or a write outside a transaction;
 *   SS_ENOTFOUND  a named row (or the database) does not exist;
 *   SS_ECONFLICT  the stored state forbids it: a row that changed meanwhile
 *                 (a compare-and-set that lost), a schema this build cannot
 *                 use as it is, another actor's open transaction;
 *   SS_EDB        the database failed, stayed busy (try again), or refused
 *                 a write by an integrity constraint (unique, foreign key,
 *                 check): the last line of defence behind core's rules;
 *   SS_EIO        a file could not be opened, read or written.
 * A failed write changes nothing.
 */
#ifndef SS_STORE_H
#define SS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/model.h"

struct ss_store;

enum {
    SS_STORE_CREATE = 1,   /* create the database when there is none; a new one gets the schema */
    SS_STORE_READONLY = 2, /* reads only: any schema version this build knows */
    SS_STORE_MIGRATE = 4   /* run the migration step at open (shishi migrate, init, serve) */
};

/* Open the database at path (SQLite: a file). Refuses an older schema for
 * writing unless flags has SS_STORE_MIGRATE (see "Schema" above);
 * SS_ENOTFOUND when there is no database and no SS_STORE_CREATE. */
int ss_store_open(const char *path, int flags, struct ss_store **out, struct ss_err *err);
/* 1 when db names a PostgreSQL database (postgresql://... or
 * postgres://...), which ss_store_open connects to with libpq; anything
 * else is an SQLite file. */
int ss_store_is_url(const char *db);
void ss_store_close(struct ss_store *st);

/* What the open's migration step did: the schema version before and
 * after (equal when there was nothing to do, or no step ran). */
void ss_store_schema_step(const struct ss_store *st, int *from, int *to);
/* Schema version the database is at, and the latest this build knows. */
int ss_store_schema_version(struct ss_store *st);
int ss_store_schema_latest(void);

/* Durability of this connection's commits. A read-write store starts
 * durable (1): a commit returns once it is on disk and survives a power
 * failure. 0 makes commits survive a crash of the process only (the disk
 * catches up later): for a benchmark, or a loader that can be run again
 * after a power failure. A loader that writes in one transaction needs no
 * such mode: its one commit costs one sync either way. (PostgreSQL:
 * synchronous_commit.) set returns 0 or SS_EDB; durable 1 or 0. */
int ss_store_set_durable(struct ss_store *st, int durable);
int ss_store_durable(struct ss_store *st);

/* Begin a write transaction by actor (a person's account name, or what
 * the process acts as: "cli", "system"), at most 127 bytes; actor NULL
 * joins the open transaction. See "Transactions" above: SS_EINVAL for a
 * missing or bad actor, or NULL with none open; SS_ECONFLICT when one by
 * another actor is open; SS_EDB when the database stays busy. commit
 * seals the audit entries and commits the outermost transaction (inner
 * ones just return); a failed commit rolled back. rollback ends the whole
 * transaction at any depth. */
int ss_store_begin(struct ss_store *st, const char *actor, struct ss_err *err);
/* A report's cell: its target and org unit. */
struct ss_store_cell {
    int64_t target_id, org_id;
};
/* Begin a write transaction by actor, as ss_store_begin, that writes the
 * reports of the n cells and nothing else, and approves none: drafts and
 * submitted reports, new, replaced or corrected (a month's ledger, one
 * report). PostgreSQL: it takes a lock per cell, not the writers' lock, so
 * writers of other cells run at once; two writers of one cell take turns,
 * and the one-live-report-per-date rule reads what the other committed.
 * Its audit entries are sealed at its commit under the seal's own lock, as
 * every transaction's; an approval in it is refused (SS_EINVAL): the
 * approval order needs the writers' lock (see "Approval order"). SQLite:
 * ss_store_begin. Inside an open transaction it joins (cells ignored). */
int ss_store_begin_cells(struct ss_store *st, const char *actor, const struct ss_store_cell *cells,
                         size_t n, struct ss_err *err);
int ss_store_commit(struct ss_store *st, struct ss_err *err);
void ss_store_rollback(struct ss_store *st);
/* The open transaction's actor, or NULL when none is open. */
const char *ss_store_actor(const struct ss_store *st);

/* The change counters (see above), as of one committed state. */
struct ss_store_counters {
    int64_t plan_id;     /* the current plan: the active one of the latest year (0: none) */
    int64_t structure;   /* moves on every change to plans, projects, targets, org units */
    int64_t assignments; /* moves on every change to assignments */
    int64_t approved;    /* the approval high-water mark (0: no report approved) */
    int64_t texts;       /* moves on every change to translations of content */
};
int ss_store_counters(struct ss_store *st, struct ss_store_counters *out);
/* 1 when a and b are the same reading. */
static inline int ss_store_counters_same(const struct ss_store_counters *a,
                                         const struct ss_store_counters *b)
{
    return a->plan_id == b->plan_id && a->structure == b->structure &&
           a->assignments == b->assignments && a->approved == b->approved && a->texts == b->texts;
}

/* Hearing of other processes' commits (PostgreSQL: LISTEN/NOTIFY; every
 * write transaction notifies at its commit). ss_store_listen: 1 when st
 * now hears them, 0 on a backend that cannot (SQLite: poll the counters),
 * -1 on failure (err says why). ss_store_wait_change, on a connection
 * that listens and is used for nothing else meanwhile: 1 when one or more
 * commits were heard (all of them are consumed), 0 when timeout_ms passed
 * without, -1 when the connection failed (open a new one). */
int ss_store_listen(struct ss_store *st, struct ss_err *err);
int ss_store_wait_change(struct ss_store *st, int timeout_ms);

/* Reading from a hot standby (PostgreSQL streaming replication).
 * ss_store_wal_position: on a primary, how far its log is written; on a
 * standby, how far it has replayed its primary's (bytes from the log's
 * start; 0 and SS_OK on SQLite, which has no standby). ss_store_replay_time:
 * a standby's last replayed commit as YYYY-MM-DDTHH:MM:SSZ ("" when it has
 * replayed none, or on a primary or SQLite). */
int ss_store_wal_position(struct ss_store *st, uint64_t *pos);
int ss_store_replay_time(struct ss_store *st, char out[21]);

/* Every function below that writes joins the caller's transaction (see
 * "Transactions"), unless it says otherwise; "in one transaction" means it
 * lands whole or not at all, inside the caller's. */

/* --- org units ------------------------------------------------------- */

struct ss_org_rec {
    const char *code;
    const char *name;
    int level;
    const char *parent_code; /* NULL or "" for a root */
};

/* Insert or update org units by code, in one transaction. Parents must
 * exist already or come earlier in recs (SS_EINVAL naming the unit). */
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
/* Set a plan's state as it is; SS_ENOTFOUND if there is no such plan.
 * Which changes are allowed is core's (core/plan_change.h). */
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

/* The approved reports for (target, org) nearest to `date`, in one read:
 * the latest with as_of <= date into *before and the earliest with as_of
 * > date into *after; each flag (*has_before, *has_after) says whether
 * there is one. SS_OK, or SS_EDB. */
int ss_store_report_around(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t date,
                           struct ss_report_row *before, int *has_before,
                           struct ss_report_row *after, int *has_after);
/* Every approved report of the n cells (struct ss_store_cell, below), in
 * one read, ordered by target, org unit, date and seq: what
 * ss_store_report_around would find in any of them, for a batch of
 * approvals to check in memory under the writers' lock, which keeps the
 * approved set as it is until the batch commits. *out: the caller frees
 * it. SS_OK or SS_EDB. */
struct ss_store_cell;
int ss_store_reports_approved_in(struct ss_store *st, const struct ss_store_cell *cells, size_t n,
                                 struct ss_report_row **out, size_t *nout);

/* "The reports approved after since_seq": call fn for every approved
 * report with seq > since_seq, as of one committed state, in seq order
 * when since_seq > 0 (in storage order when 0). By the approval order
 * invariant (above) the walk sees every report approved up to the highest
 * seq it passes to fn, so the next walk goes on from there and misses
 * none. plan_id is a hint: rows of other plans' targets may come too. fn
 * returning non-zero stops the walk and is returned. */
typedef int (*ss_report_fn)(void *ctx, const struct ss_report_row *r);
int ss_store_each_approved(struct ss_store *st, int64_t plan_id, int64_t since_seq, ss_report_fn fn,
                           void *ctx);
/* Every approved report with seq <= the high-water mark read when the load
 * begins (*upto receives it), read by up to `threads` connections in
 * parallel, into one malloc'd array the caller frees. The parts read at
 * different moments, but each keeps to the one mark, so the rows are
 * exactly the reports approved up to *upto however many approvals commit
 * meanwhile (those come after it: read them with ss_store_each_approved
 * from *upto). Storage order, not seq order: a full load settles same-day
 * duplicates by seq itself. This is the engine's start-up path, where
 * per-row decoding is most of the cost. */
int ss_store_load_approved(struct ss_store *st, int threads, struct ss_report_row **out, size_t *n,
                           int64_t *upto, struct ss_err *err);

/* Engine snapshots: per target of a plan, an opaque blob of its approved
 * report points as of approval seq `seq`, valid while `sig` (the engine's
 * description of the org tree and format) matches. A cache: losing it only
 * costs start-up time. put replaces the plan's snapshot in one transaction;
 * it is the store's own bookkeeping (no actor needed). */
int ss_store_snapshot_put(struct ss_store *st, int64_t plan_id, int64_t seq, const char *sig,
                          size_t n, const int64_t *target_ids, const void *const *blobs,
                          const size_t *lens, struct ss_err *err);
typedef int (*ss_snapshot_fn)(void *ctx, int64_t target_id, const void *blob, size_t len);
/* Calls fn per target blob; *seq receives the snapshot's seq and *n the
 * number of blobs. SS_ENOTFOUND when there is none with this sig. */
int ss_store_snapshot_get(struct ss_store *st, int64_t plan_id, const char *sig, int64_t *seq,
                          size_t *n, ss_snapshot_fn fn, void *ctx);

/* The approval high-water mark (counters.approved): the highest seq so
 * far, 0 if none. */
int64_t ss_store_report_max_seq(struct ss_store *st);

/* --- assignments ----------------------------------------------------- */

/* Set target's share at org unit org_id, by the transaction's actor. */
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

/* Small key/value settings, not audited (set is bookkeeping: no actor
 * needed). *out is malloc'd (caller frees) or NULL. */
int ss_store_meta_get(struct ss_store *st, const char *key, char **out);
int ss_store_meta_set(struct ss_store *st, const char *key, const char *value);

#endif
