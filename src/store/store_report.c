/*
 * store_report.c - progress reports and assignments.
 *
 * An approved report never changes: it gets the next value of `seq`, the
 * approval order; the roll-up engine reads approved rows by seq and resumes
 * from the last one it saw, which is how a running server picks up what
 * another process approved. Reports not yet approved are the workflow's
 * (store_workflow.c): a draft or a returned report is replaced in place,
 * its earlier images kept by the audit log.
 *
 * Approval order (store.h), on both backends: every seq is taken as
 * max(seq) + 1 inside a write transaction, after the writers' lock that
 * transaction took at its begin (SQLite: BEGIN IMMEDIATE, the one write
 * lock; PostgreSQL: the advisory lock every write transaction takes first,
 * store.c, held to its commit and let go only once the commit is visible).
 * So writers that take seqs run one at a time, approvals commit in seq
 * order, and every committed state holds the seqs 1..max. A single
 * statement reads one committed state (PostgreSQL: each statement of a
 * read outside a transaction takes its own snapshot, READ COMMITTED), so
 * "approved after N" (ss_store_each_approved) is one statement. The full
 * load reads in parts, each at its own moment: it takes the high-water
 * mark with the row-id range in one statement first, and every part keeps
 * to seq <= that mark, so the parts together hold exactly the reports
 * approved up to it, whatever commits between their reads. (Without the
 * mark, a part reading late could see an approval that a part reading
 * early had missed, and the load would end past a report it never read.)
 * SQLite reads the parts in parallel, one connection each; PostgreSQL
 * reads them one after another on the caller's connection, each in slices
 * of at most SCAN_SLICE ids, so no result the driver buffers whole is
 * larger than a slice (the store keeps no password to open more
 * connections with).
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "store/store_int.h"

/* PostgreSQL: ids per statement of a full load's part (see the top). */
#define SCAN_SLICE 65536

int ss_store_report_insert(struct ss_store *st, const struct ss_report_in *r, int64_t *id,
                           struct ss_err *err)
{
    return store_reports_insert(st, r, NULL, 0, 1, id, err);
}

static void row_from_stmt(struct store_stmt *s, struct ss_report_row *o)
{
    o->id = store_col_int64(s, 0);
    o->target_id = store_col_int64(s, 1);
    o->org_id = store_col_int64(s, 2);
    o->seq = store_col_int64(s, 3);
    o->as_of = store_col_date(s, 4);
    o->a = store_col_double(s, 5);
    o->b = store_col_double(s, 6);
}

/* a = numerator when present (rates), else the value; b = denominator. */
#define REPORT_COLS                                                                                \
    "id, target_id, org_id, coalesce(seq, 0), as_of, "                                             \
    "coalesce(numerator, value, 0), coalesce(denominator, 0)"

int ss_store_report_around(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t date,
                           struct ss_report_row *before, int *has_before,
                           struct ss_report_row *after, int *has_after)
{
    struct store_stmt *s;
    int step;

    *has_before = *has_after = 0;
    /* the two neighbours, each by the (target, org, as_of) index, with
     * which one it is in a last column */
    s = store_prepare(st,
                      "SELECT * FROM (SELECT " REPORT_COLS ", 0 FROM report"
                      " WHERE target_id = ?1 AND org_id = ?2 AND as_of <= ?3"
                      " AND status = 'approved' ORDER BY as_of DESC, seq DESC LIMIT 1) AS b"
                      " UNION ALL "
                      "SELECT * FROM (SELECT " REPORT_COLS ", 1 FROM report"
                      " WHERE target_id = ?1 AND org_id = ?2 AND as_of > ?3"
                      " AND status = 'approved' ORDER BY as_of ASC, seq DESC LIMIT 1) AS a",
                      NULL);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    store_bind_date(s, 3, date);
    while ((step = store_step(s)) == STORE_ROW) {
        int later = store_col_int64(s, 7) != 0;
        row_from_stmt(s, later ? after : before);
        *(later ? has_after : has_before) = 1;
    }
    store_finalize(s);
    return step == STORE_DONE ? SS_OK : SS_EDB;
}

int ss_store_reports_approved_in(struct ss_store *st, const struct ss_store_cell *cells, size_t n,
                                 struct ss_report_row **out, size_t *nout)
{
    struct store_stmt *s;
    struct ss_buf q;
    size_t i, cap = 0;
    int step, rc = SS_OK;

    *out = NULL;
    *nout = 0;
    if (n == 0)
        return SS_OK;
    /* the cells as a VALUES list: column1 and column2 on both backends.
     * PostgreSQL: each cell's rows by a LATERAL subquery, whose ORDER BY
     * keeps the planner from flattening it into a join, so each is one
     * probe of report_approved; as a join, statistics older than the
     * day's approvals (a third of the table, at month end) make it hash
     * every approved report (measured: 5.4 ms against 0.5 for 24 cells of
     * 11,000 reports). SQLite's planner probes per row either way. */
    ss_buf_init(&q, 1024 + 48 * n);
    ss_buf_puts(&q, STORE_SQL(st,
                              "SELECT r.id, r.target_id, r.org_id, coalesce(r.seq, 0), r.as_of,"
                              " coalesce(r.numerator, r.value, 0), coalesce(r.denominator, 0)"
                              " FROM report r JOIN (VALUES ",
                              "SELECT r.id, r.target_id, r.org_id, coalesce(r.seq, 0), r.as_of,"
                              " coalesce(r.numerator, r.value, 0), coalesce(r.denominator, 0)"
                              " FROM (VALUES "));
    for (i = 0; i < n; i++)
        ss_buf_printf(
            &q, STORE_SQL(st, "%s(?%zu, ?%zu)", "%s(CAST(?%zu AS BIGINT), CAST(?%zu AS BIGINT))"),
            i ? ", " : "", 2 * i + 1, 2 * i + 2);
    ss_buf_puts(&q, STORE_SQL(st,
                              ") AS c ON r.target_id = c.column1 AND r.org_id = c.column2"
                              " WHERE r.status = 'approved'",
                              ") AS c CROSS JOIN LATERAL (SELECT * FROM report"
                              " WHERE target_id = c.column1 AND org_id = c.column2"
                              " AND status = 'approved' ORDER BY as_of, seq) r"));
    ss_buf_puts(&q, " ORDER BY r.target_id, r.org_id, r.as_of, r.seq");
    s = q.err ? NULL : store_prepare(st, q.data, NULL);
    ss_buf_cleanup(&q);
    if (!s)
        return SS_EDB;
    for (i = 0; i < n; i++) {
        store_bind_int64(s, (int)(2 * i + 1), cells[i].target_id);
        store_bind_int64(s, (int)(2 * i + 2), cells[i].org_id);
    }
    while ((step = store_step(s)) == STORE_ROW) {
        row_from_stmt(s, SS_PUSH(*out, *nout, cap));
    }
    if (step == STORE_FAIL) {
        rc = SS_EDB;
        free(*out);
        *out = NULL;
        *nout = 0;
    }
    store_finalize(s);
    return rc;
}

/* An incremental load reads in pages of this many, each by the seq index
 * (ORDER BY seq LIMIT): a plan of "seq > N" alone can take the whole table
 * when the statistics are older than the table's last rows. The page is
 * small because PostgreSQL, whose statistics guess a third of the table
 * above any N it has not seen, still scans and sorts the table when that
 * guess is below the LIMIT (measured: 4096 took a sequential scan of a
 * 15,000-row table, 3 ms; 256 the index, 0.4 ms). */
#define APPROVED_PAGE 256

int ss_store_each_approved(struct ss_store *st, int64_t plan_id, int64_t since_seq, ss_report_fn fn,
                           void *ctx)
{
    struct store_stmt *s;
    struct ss_report_row row;
    int rc = SS_OK, step, more = 1, paged = since_seq > 0;
    int64_t got;

    (void)plan_id; /* the engine drops rows of other plans' targets itself */
    /* A full load scans the table in storage order, which is much faster
     * than walking the seq index; the engine then keeps, per day, the row
     * with the highest seq. Incremental loads go in seq order, a page at a
     * time (each page goes on from the last seq the one before read: a
     * report committed meanwhile has a higher seq, so none is skipped). */
    s = store_prepare(st,
                      since_seq > 0 ? "SELECT " REPORT_COLS
                                      " FROM report WHERE seq > ?1 ORDER BY seq LIMIT ?2"
                                    : "SELECT " REPORT_COLS " FROM report WHERE seq > ?1",
                      NULL);
    if (!s)
        return SS_EDB;
    store_plan_each_run(s); /* an incremental load reads the table's last few */
    while (more && rc == SS_OK) {
        store_bind_int64(s, 1, since_seq);
        if (paged)
            store_bind_int64(s, 2, APPROVED_PAGE);
        got = 0;
        while ((step = store_step(s)) == STORE_ROW) {
            row_from_stmt(s, &row);
            got++;
            if (row.seq > since_seq)
                since_seq = row.seq;
            if ((rc = fn(ctx, &row)))
                break;
        }
        if (step == STORE_FAIL)
            rc = SS_EDB;
        more = paged && got == APPROVED_PAGE && step == STORE_DONE;
        store_reset(s);
    }
    store_finalize(s);
    return rc;
}

int64_t ss_store_report_max_seq(struct ss_store *st)
{
    return store_int64(st, "SELECT coalesce(max(seq), 0) FROM report", -1);
}

int ss_store_assign(struct ss_store *st, int64_t target_id, int64_t org_id, double value,
                    struct ss_err *err)
{
    struct store_stmt *s;
    int rc = SS_OK;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(
        st,
        "INSERT INTO assignment(target_id, org_id, value, created_by) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(target_id, org_id) WHERE dept_id IS NULL "
        "DO UPDATE SET value = excluded.value, created_by = excluded.created_by",
        err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    store_bind_double(s, 3, value);
    store_bind_text(s, 4, st->actor);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "saving the assignment");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_each_assignment(struct ss_store *st, int64_t plan_id, ss_assignment_fn fn, void *ctx)
{
    struct store_stmt *s;
    struct ss_assignment_row row;
    int rc = SS_OK, step;

    s = store_prepare(st,
                      "SELECT a.target_id, a.org_id, a.value FROM assignment a "
                      "JOIN target t ON t.id = a.target_id "
                      "WHERE t.plan_id = ?1 AND a.org_id IS NOT NULL",
                      NULL);
    if (!s)
        return SS_EDB;
    store_binary_results(s); /* an engine load's bulk read */
    store_bind_int64(s, 1, plan_id);
    while ((step = store_step(s)) == STORE_ROW) {
        row.target_id = store_col_int64(s, 0);
        row.org_id = store_col_int64(s, 1);
        row.value = store_col_double(s, 2);
        if ((rc = fn(ctx, &row)))
            break;
    }
    if (step == STORE_FAIL)
        rc = SS_EDB;
    store_finalize(s);
    return rc;
}

int store_reports_insert(struct ss_store *st, const struct ss_report_in *r,
                         const char *const *flags, int64_t user_id, size_t n, int64_t *ids,
                         struct ss_err *err)
{
    struct store_stmt *s = NULL;
    char now[21];
    int64_t seq = 0;
    size_t i;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    /* approval order: max(seq) read under the writers' lock this
     * transaction holds, then one more per approved row (read only when
     * a row is approved: a submission holds cells' locks, and no seq) */
    for (i = 0; i < n && strcmp(r[i].status, "approved") != 0; i++)
        ;
    if (i < n && (seq = ss_store_report_max_seq(st)) < 0) {
        rc = store_db_error(st, err, "reading the approval mark");
        goto fail;
    }
    store_now(now);
    s = store_prepare(st,
                      "INSERT INTO report(target_id, org_id, as_of, value, numerator, denominator,"
                      " note, status, seq, created_by, flags, user_id, reviewed_by, reviewed_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                      /* entered as approved: whoever entered it approved it, now */
                      " CASE WHEN CAST(?8 AS TEXT) = 'approved' THEN CAST(?10 AS TEXT) END,"
                      " CASE WHEN CAST(?8 AS TEXT) = 'approved' THEN CAST(?13 AS TEXT) END)"
                      " RETURNING id",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    for (i = 0; i < n; i++) {
        const struct ss_report_in *x = &r[i];
        store_reset(s); /* every parameter left unbound below is NULL */
        store_bind_int64(s, 1, x->target_id);
        store_bind_int64(s, 2, x->org_id);
        store_bind_date(s, 3, x->as_of);
        if (!isnan(x->value))
            store_bind_double(s, 4, x->value);
        if (!isnan(x->numerator))
            store_bind_double(s, 5, x->numerator);
        if (!isnan(x->denominator))
            store_bind_double(s, 6, x->denominator);
        store_bind_text(s, 7, x->note && *x->note ? x->note : NULL);
        store_bind_text(s, 8, x->status);
        if (strcmp(x->status, "approved") == 0) /* approval order */
            store_bind_int64(s, 9, ++seq);
        store_bind_text(s, 10, x->by);
        store_bind_text(s, 11, flags && flags[i] && *flags[i] ? flags[i] : NULL);
        if (user_id > 0)
            store_bind_int64(s, 12, user_id);
        store_bind_text(s, 13, now);
        if (store_step(s) != STORE_ROW) {
            struct ss_err db;
            store_db_error(st, &db, "the database refused it");
            rc = ss_err_set(err, SS_EDB, "report", "report %zu: %s", i + 1, ss_err_nest(&db));
            goto fail;
        }
        if (ids)
            ids[i] = store_col_int64(s, 0);
    }
    store_finalize(s);
    return store_tx_commit(st, err);
fail:
    store_finalize(s);
    store_tx_rollback(st);
    return rc;
}

int ss_store_report_insert_many(struct ss_store *st, const struct ss_report_in *r, size_t n,
                                struct ss_err *err)
{
    return store_reports_insert(st, r, NULL, 0, n, NULL, err);
}

/* The reference roll-up's units: sub, the root's subtree; anc, every unit
 * below the root with each of its ancestors up to the root. */
#define ROLLUP_TREE                                                                                \
    "WITH RECURSIVE root(id) AS (SELECT id FROM org_unit WHERE code = ?1),"                        \
    " sub(id) AS ("                                                                                \
    "  SELECT id FROM root"                                                                        \
    "  UNION ALL SELECT o.id FROM org_unit o JOIN sub ON o.parent_id = sub.id),"                   \
    " anc(org_id, anc_id) AS ("                                                                    \
    "  SELECT o.id, o.parent_id FROM sub JOIN org_unit o ON o.id = sub.id"                         \
    "  WHERE o.id NOT IN (SELECT id FROM root)"                                                    \
    "  UNION ALL SELECT anc.org_id, o.parent_id FROM anc JOIN org_unit o ON o.id = anc.anc_id"     \
    "  WHERE o.id NOT IN (SELECT id FROM root)),"

/* The reference roll-up's SQLite text (ss_store_sql_rollup). */
/* clang-format off */
static const char ROLLUP_LITE[] = ROLLUP_TREE
    " latest AS ("
    "  SELECT r.target_id, r.org_id, max(r.as_of) AS as_of FROM sub"
    "  JOIN report r ON r.org_id = sub.id"
    "  WHERE r.status = 'approved' AND r.as_of <= ?2"
    "  GROUP BY r.target_id, r.org_id),"
    " pick AS ("
    "  SELECT l.target_id, l.org_id, (SELECT max(x.seq) FROM report x"
    "   WHERE x.target_id = l.target_id AND x.org_id = l.org_id AND x.as_of = l.as_of"
    "   AND x.status = 'approved') AS seq"
    "  FROM latest l)"
    /* a unit's own report is its whole figure: a report counts unless a
     * unit above it (up to the root) has its own for the target */
    " SELECT p.target_id, sum(coalesce(r.numerator, r.value, 0)),"
    "  sum(coalesce(r.denominator, 0)), count(*)"
    " FROM pick p JOIN report r ON r.seq = p.seq"
    " WHERE NOT EXISTS (SELECT 1 FROM anc JOIN latest q ON q.org_id = anc.anc_id"
    "  AND q.target_id = p.target_id WHERE anc.org_id = p.org_id)"
    " GROUP BY p.target_id ORDER BY p.target_id";
/* clang-format on */

/* The same on PostgreSQL, which plans ROLLUP_LITE's correlated NOT EXISTS
 * over the CTEs as a subplan run for each picked report (a scan of `anc`
 * by `latest` per row: minutes at the nation) and its per-cell max(seq)
 * as one index probe per cell. Here the latest report of each cell is
 * DISTINCT ON (cell) ordered by as_of, then seq (the same pick), and the
 * cells below a unit with its own report (`covered`) are an anti join. */
static const char ROLLUP_PG[] = ROLLUP_TREE
    " latest AS ("
    "  SELECT DISTINCT ON (r.target_id, r.org_id) r.target_id, r.org_id, r.value,"
    "   r.numerator, r.denominator FROM sub JOIN report r ON r.org_id = sub.id"
    "  WHERE r.status = 'approved' AND r.as_of <= ?2"
    "  ORDER BY r.target_id, r.org_id, r.as_of DESC, r.seq DESC),"
    " covered AS ("
    "  SELECT DISTINCT anc.org_id, q.target_id FROM anc JOIN latest q ON q.org_id = anc.anc_id)"
    " SELECT p.target_id, sum(coalesce(p.numerator, p.value, 0)),"
    "  sum(coalesce(p.denominator, 0)), count(*)"
    " FROM latest p LEFT JOIN covered c ON c.org_id = p.org_id AND c.target_id = p.target_id"
    " WHERE c.org_id IS NULL"
    " GROUP BY p.target_id ORDER BY p.target_id";

int ss_store_sql_rollup(struct ss_store *st, const char *code, int32_t date, ss_sql_sum_fn fn,
                        void *ctx)
{
    struct store_stmt *s;
    struct ss_sql_sum row;
    int rc = SS_OK, step;

    s = store_prepare(st, STORE_SQL(st, ROLLUP_LITE, ROLLUP_PG), NULL);
    if (!s)
        return SS_EDB;
    store_bind_text(s, 1, code);
    store_bind_date(s, 2, date);
    while ((step = store_step(s)) == STORE_ROW) {
        row.target_id = store_col_int64(s, 0);
        row.a = store_col_double(s, 1);
        row.b = store_col_double(s, 2);
        row.reporters = store_col_int64(s, 3);
        if ((rc = fn(ctx, &row)))
            break;
    }
    if (step == STORE_FAIL)
        rc = SS_EDB;
    store_finalize(s);
    return rc;
}

/* The test hook (store_test.h): called around each part's read. */
static ss_test_scan_fn scan_hook;
static void *scan_hook_ctx;

void ss_store_test_scan_hook(ss_test_scan_fn fn, void *ctx)
{
    scan_hook = fn;
    scan_hook_ctx = ctx;
}

struct scan_job {
    struct ss_store *st; /* the connection to read with, or NULL: open one on path */
    const char *path;
    int part;
    int64_t lo, hi; /* row id range [lo, hi) */
    int64_t upto;   /* the high-water mark: seq <= upto */
    struct ss_report_row *rows;
    size_t n, cap;
    int rc;
};

/* Read the approved reports of ids [lo, hi) with seq <= j->upto into j's
 * rows; 0 or SS_EDB. */
static int scan_slice(struct ss_store *st, struct scan_job *j, int64_t lo, int64_t hi)
{
    /* SQLite: NOT INDEXED, a walk of the table's id range (the seq index
     * would visit rows in seq order, scattered over the file); PostgreSQL
     * picks its own plan, and has no such clause */
    struct store_stmt *s =
        store_prepare(st,
                      STORE_SQL(st,
                                "SELECT " REPORT_COLS " FROM report NOT INDEXED"
                                " WHERE id >= ?1 AND id < ?2 AND seq IS NOT NULL AND seq <= ?3",
                                "SELECT " REPORT_COLS " FROM report"
                                " WHERE id >= ?1 AND id < ?2 AND seq IS NOT NULL AND seq <= ?3"),
                      NULL);
    int step;

    if (!s)
        return SS_EDB;
    store_binary_results(s);
    store_bind_int64(s, 1, lo);
    store_bind_int64(s, 2, hi);
    store_bind_int64(s, 3, j->upto);
    while ((step = store_step(s)) == STORE_ROW) {
        row_from_stmt(s, SS_PUSH(j->rows, j->n, j->cap));
    }
    store_finalize(s);
    return step == STORE_DONE ? SS_OK : SS_EDB;
}

/* One part of a full load: its id range, on its own connection (SQLite,
 * a thread of its own) or the caller's (PostgreSQL, in slices). */
static void *scan_range(void *arg)
{
    struct scan_job *j = arg;
    struct ss_store *st = j->st;
    int64_t lo, slice;

    j->rc = SS_EDB;
    if (!st && ss_store_open(j->path, SS_STORE_READONLY, &st, NULL))
        return NULL;
    slice = store_backend(st) == STORE_PG ? SCAN_SLICE : j->hi - j->lo;
    if (scan_hook)
        scan_hook(scan_hook_ctx, j->part, 0);
    for (lo = j->lo; lo < j->hi; lo += slice)
        if (scan_slice(st, j, lo, j->hi - lo > slice ? lo + slice : j->hi))
            goto out;
    if (scan_hook)
        scan_hook(scan_hook_ctx, j->part, 1);
    j->rc = SS_OK;
out:
    if (st != j->st)
        ss_store_close(st);
    return NULL;
}

int ss_store_load_approved(struct ss_store *st, int threads, struct ss_report_row **out, size_t *n,
                           int64_t *upto, struct ss_err *err)
{
    struct scan_job jobs[8];
    pthread_t tid[8];
    struct store_stmt *s;
    int64_t lo = 0, hi = 0, mark = 0, step;
    size_t total = 0;
    int i, rc = SS_OK, pg = store_backend(st) == STORE_PG;

    *out = NULL;
    *n = 0;
    *upto = 0;
    if (threads < 1)
        threads = 1;
    if (threads > 8)
        threads = 8;
    /* the range and the mark of one committed state */
    s = store_prepare(st,
                      "SELECT coalesce(min(id), 0), coalesce(max(id), 0), coalesce(max(seq), 0)"
                      " FROM report",
                      err);
    if (!s)
        return SS_EDB;
    if (store_step(s) != STORE_ROW) {
        rc = store_db_error(st, err, "reading the reports' range");
        store_finalize(s);
        return rc;
    }
    lo = store_col_int64(s, 0);
    hi = store_col_int64(s, 1) + 1;
    mark = store_col_int64(s, 2);
    store_finalize(s);
    if (hi - lo < 100000 && !scan_hook) /* not worth a second part */
        threads = 1;
    step = (hi - lo) / threads + 1;
    memset(jobs, 0, sizeof jobs);
    for (i = 0; i < threads; i++) {
        jobs[i].st = pg ? st : NULL;
        jobs[i].path = st->path;
        jobs[i].part = i;
        jobs[i].upto = mark;
        jobs[i].lo = lo + step * i;
        jobs[i].hi = i == threads - 1 ? hi : lo + step * (i + 1);
        tid[i] = 0;
        if (i > 0 && !pg && pthread_create(&tid[i], NULL, scan_range, &jobs[i]) != 0)
            tid[i] = 0;
    }
    /* the parts without a thread of their own, in order, here */
    for (i = 0; i < threads; i++)
        if (!tid[i])
            scan_range(&jobs[i]);
    for (i = 1; i < threads; i++)
        if (tid[i])
            pthread_join(tid[i], NULL);
    for (i = 0; i < threads; i++) {
        if (jobs[i].rc)
            rc = ss_err_set(err, SS_EDB, "report", "cannot read the reports of %s", st->path);
        total += jobs[i].n;
    }
    if (!rc) {
        /* Reuse the first job's array for the whole result. */
        jobs[0].rows = ss_xrealloc(jobs[0].rows, (total + 1) * sizeof *jobs[0].rows);
        for (i = 1; i < threads; i++) {
            if (jobs[i].n) /* an empty part has no array */
                memcpy(jobs[0].rows + jobs[0].n, jobs[i].rows, jobs[i].n * sizeof *jobs[i].rows);
            jobs[0].n += jobs[i].n;
        }
        *out = jobs[0].rows;
        *n = total;
        *upto = mark;
        jobs[0].rows = NULL;
    }
    for (i = 0; i < threads; i++)
        free(jobs[i].rows);
    return rc;
}

int ss_store_snapshot_put(struct ss_store *st, int64_t plan_id, int64_t seq, const char *sig,
                          size_t n, const int64_t *target_ids, const void *const *blobs,
                          const size_t *lens, struct ss_err *err)
{
    struct store_stmt *s = NULL;
    size_t i;
    int rc;

    if ((rc = store_tx_own(st, err)))
        return rc;
    s = store_prepare(st, "DELETE FROM engine_snapshot WHERE plan_id = ?1", err);
    if (!s)
        goto fail;
    store_bind_int64(s, 1, plan_id);
    if (store_step(s) != STORE_DONE)
        goto fail;
    store_finalize(s);
    s = store_prepare(st,
                      "INSERT INTO engine_snapshot(plan_id, target_id, seq, sig, data) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
                      err);
    if (!s)
        goto fail;
    for (i = 0; i < n; i++) {
        store_reset(s);
        store_bind_int64(s, 1, plan_id);
        store_bind_int64(s, 2, target_ids[i]);
        store_bind_int64(s, 3, seq);
        store_bind_text(s, 4, sig);
        store_bind_blob(s, 5, blobs[i], lens[i]);
        if (store_step(s) != STORE_DONE)
            goto fail;
    }
    store_finalize(s);
    return store_tx_commit(st, err);
fail:
    rc = store_db_error(st, err, "saving the engine snapshot");
    store_finalize(s);
    store_tx_rollback(st);
    return rc;
}

int ss_store_snapshot_get(struct ss_store *st, int64_t plan_id, const char *sig, int64_t *seq,
                          size_t *n, ss_snapshot_fn fn, void *ctx)
{
    struct store_stmt *s;
    int rc = SS_ENOTFOUND, step;

    *n = 0;
    *seq = 0;
    s = store_prepare(st,
                      "SELECT target_id, seq, data FROM engine_snapshot "
                      "WHERE plan_id = ?1 AND sig = ?2 ORDER BY target_id",
                      NULL);
    if (!s)
        return SS_EDB;
    store_binary_results(s); /* the blobs as they are, not in hex */
    store_bind_int64(s, 1, plan_id);
    store_bind_text(s, 2, sig);
    while ((step = store_step(s)) == STORE_ROW) {
        int64_t sq = store_col_int64(s, 1);
        const void *blob;
        size_t len;

        if (*n && sq != *seq) { /* a torn snapshot cannot happen, but refuse one */
            rc = SS_ENOTFOUND;
            break;
        }
        *seq = sq;
        (*n)++;
        blob = store_col_blob(s, 2, &len);
        if ((rc = fn(ctx, store_col_int64(s, 0), blob, len)))
            break;
    }
    if (step == STORE_FAIL) /* a cache: a failed read is no snapshot */
        *n = 0;
    store_finalize(s);
    return *n ? rc : SS_ENOTFOUND;
}
