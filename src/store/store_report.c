/*
 * store_report.c - progress reports and assignments.
 *
 * Reports are append-only rows. An approved report gets the next value of
 * `seq`, the approval order; the roll-up engine reads approved rows by seq
 * and resumes from the last one it saw, which is how a running server
 * picks up what another process approved.
 */
#include <math.h>
#include <string.h>

#include "base/util.h"
#include "store/store_int.h"

int ss_store_report_insert(struct ss_store *st, const struct ss_report_in *r, int64_t *id,
                           struct ss_err *err)
{
    sqlite3_stmt *s;
    int approved = strcmp(r->status, "approved") == 0;
    int rc;

    s = store_prepare(st,
                      "INSERT INTO report(target_id, org_id, as_of, value, numerator, denominator,"
                      " note, status, seq, created_by) VALUES (?,?,?,?,?,?,?,?,"
                      " CASE WHEN ?9 THEN (SELECT coalesce(max(seq), 0) + 1 FROM report) END, ?10)",
                      err);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, r->target_id);
    sqlite3_bind_int64(s, 2, r->org_id);
    store_bind_date(s, 3, r->as_of);
    if (isnan(r->value))
        sqlite3_bind_null(s, 4);
    else
        sqlite3_bind_double(s, 4, r->value);
    if (isnan(r->numerator))
        sqlite3_bind_null(s, 5);
    else
        sqlite3_bind_double(s, 5, r->numerator);
    if (isnan(r->denominator))
        sqlite3_bind_null(s, 6);
    else
        sqlite3_bind_double(s, 6, r->denominator);
    store_bind_text(s, 7, r->note && *r->note ? r->note : NULL);
    sqlite3_bind_text(s, 8, r->status, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 9, approved);
    store_bind_text(s, 10, r->by);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = store_db_error(st, err, "saving the report");
    } else {
        *id = sqlite3_last_insert_rowid(st->db);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

static void row_from_stmt(sqlite3_stmt *s, struct ss_report_row *o)
{
    o->id = sqlite3_column_int64(s, 0);
    o->target_id = sqlite3_column_int64(s, 1);
    o->org_id = sqlite3_column_int64(s, 2);
    o->seq = sqlite3_column_int64(s, 3);
    o->as_of = store_col_date(s, 4);
    o->a = sqlite3_column_double(s, 5);
    o->b = sqlite3_column_double(s, 6);
}

/* a = numerator when present (rates), else the value; b = denominator. */
#define REPORT_COLS "id, target_id, org_id, coalesce(seq, 0), as_of, " \
                    "coalesce(numerator, value, 0), coalesce(denominator, 0)"

int ss_store_report_near(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t date,
                         int dir, struct ss_report_row *out)
{
    sqlite3_stmt *s;
    int rc = SS_ENOTFOUND;

    s = store_prepare(st,
                      dir < 0 ? "SELECT " REPORT_COLS " FROM report WHERE target_id = ? AND org_id = ?"
                                " AND as_of <= ? AND status = 'approved'"
                                " ORDER BY as_of DESC, seq DESC LIMIT 1"
                              : "SELECT " REPORT_COLS " FROM report WHERE target_id = ? AND org_id = ?"
                                " AND as_of > ? AND status = 'approved'"
                                " ORDER BY as_of ASC, seq DESC LIMIT 1",
                      NULL);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    sqlite3_bind_int64(s, 2, org_id);
    store_bind_date(s, 3, date);
    if (sqlite3_step(s) == SQLITE_ROW) {
        row_from_stmt(s, out);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int ss_store_each_approved(struct ss_store *st, int64_t plan_id, int64_t since_seq,
                           ss_report_fn fn, void *ctx)
{
    sqlite3_stmt *s;
    struct ss_report_row row;
    int rc = SS_OK, step;

    (void)plan_id; /* the engine drops rows of other plans' targets itself */
    s = store_prepare(st, "SELECT " REPORT_COLS " FROM report WHERE seq > ? ORDER BY seq", NULL);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, since_seq);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        row_from_stmt(s, &row);
        if ((rc = fn(ctx, &row)))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = SS_EDB;
    sqlite3_finalize(s);
    return rc;
}

int64_t ss_store_report_max_seq(struct ss_store *st)
{
    sqlite3_stmt *s = store_prepare(st, "SELECT coalesce(max(seq), 0) FROM report", NULL);
    int64_t v = 0;

    if (!s)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

int ss_store_assign(struct ss_store *st, int64_t target_id, int64_t org_id, double value,
                    struct ss_err *err)
{
    sqlite3_stmt *s;
    int rc = SS_OK;

    s = store_prepare(st,
                      "INSERT INTO assignment(target_id, org_id, value) VALUES (?,?,?) "
                      "ON CONFLICT(target_id, org_id) WHERE dept_id IS NULL "
                      "DO UPDATE SET value = excluded.value",
                      err);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    sqlite3_bind_int64(s, 2, org_id);
    sqlite3_bind_double(s, 3, value);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_db_error(st, err, "saving the assignment");
    sqlite3_finalize(s);
    return rc;
}

int ss_store_each_assignment(struct ss_store *st, int64_t plan_id, ss_assignment_fn fn,
                             void *ctx)
{
    sqlite3_stmt *s;
    struct ss_assignment_row row;
    int rc = SS_OK;

    s = store_prepare(st,
                      "SELECT a.target_id, a.org_id, a.value FROM assignment a "
                      "JOIN target t ON t.id = a.target_id "
                      "WHERE t.plan_id = ? AND a.org_id IS NOT NULL",
                      NULL);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, plan_id);
    while (sqlite3_step(s) == SQLITE_ROW) {
        row.target_id = sqlite3_column_int64(s, 0);
        row.org_id = sqlite3_column_int64(s, 1);
        row.value = sqlite3_column_double(s, 2);
        if ((rc = fn(ctx, &row)))
            break;
    }
    sqlite3_finalize(s);
    return rc;
}
