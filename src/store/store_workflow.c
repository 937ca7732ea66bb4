/*
 * store_workflow.c - SQL of the reporting workflow (see store_workflow.h).
 *
 * Status changes are single UPDATE statements guarded by the status the
 * caller read (WHERE status = ?): compare-and-set. When no row changed,
 * the report either does not exist or is in another state by now, and we
 * say which. That keeps "no approving twice" true even for two reviewers
 * clicking at once, on SQLite (where the write lock already orders them)
 * and on PostgreSQL under READ COMMITTED (where the UPDATE re-reads the
 * row it waited for). Which changes are allowed is core/workflow.c's.
 */
#include "store/store_workflow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/store_int.h"

static double col_num(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static void col_copy(sqlite3_stmt *s, int i, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

/* ---- assignments ------------------------------------------------------------ */

int ss_store_assign_set(struct ss_store *st, int64_t target_id, int64_t org_id, const char *dept,
                        double value, const char *reason, struct ss_err *err)
{
    sqlite3_stmt *s = NULL;
    int64_t dept_id = 0;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    if (dept && *dept) {
        if ((dept_id = store_department_id(st, dept, err)) <= 0) {
            rc = SS_EDB;
            goto fail;
        }
        s = store_lite_prepare(
            st,
            "INSERT INTO assignment(target_id, dept_id, value, reason, created_by)"
            " VALUES (?1,?2,?3,?4,?5) ON CONFLICT(target_id, dept_id) WHERE org_id"
            " IS NULL DO UPDATE SET value = excluded.value, reason = excluded.reason,"
            " created_by = excluded.created_by",
            err);
    } else {
        s = store_lite_prepare(
            st,
            "INSERT INTO assignment(target_id, org_id, value, reason, created_by)"
            " VALUES (?1,?2,?3,?4,?5) ON CONFLICT(target_id, org_id) WHERE dept_id"
            " IS NULL DO UPDATE SET value = excluded.value, reason = excluded.reason,"
            " created_by = excluded.created_by",
            err);
    }
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    sqlite3_bind_int64(s, 1, target_id);
    sqlite3_bind_int64(s, 2, dept_id ? dept_id : org_id);
    sqlite3_bind_double(s, 3, value);
    store_lite_bind_text(s, 4, reason && *reason ? reason : NULL);
    sqlite3_bind_text(s, 5, st->actor, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = store_db_error(st, err, "saving the assignment");
        goto fail;
    }
    sqlite3_finalize(s);
    return store_tx_commit(st, err);
fail:
    sqlite3_finalize(s);
    store_tx_rollback(st);
    return rc;
}

int ss_store_assignment_get(struct ss_store *st, int64_t target_id, int64_t org_id, double *value)
{
    sqlite3_stmt *s = store_lite_prepare(st,
                                         "SELECT value FROM assignment WHERE target_id = ? AND"
                                         " org_id = ? AND dept_id IS NULL",
                                         NULL);
    int rc = SS_ENOTFOUND;

    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    sqlite3_bind_int64(s, 2, org_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *value = sqlite3_column_double(s, 0);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int ss_store_assignment_dept_get(struct ss_store *st, int64_t target_id, const char *dept,
                                 double *value)
{
    sqlite3_stmt *s = store_lite_prepare(st,
                                         "SELECT a.value FROM assignment a JOIN department d ON"
                                         " d.id = a.dept_id WHERE a.target_id = ? AND d.name = ?"
                                         " AND a.org_id IS NULL",
                                         NULL);
    int rc = SS_ENOTFOUND;

    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    store_lite_bind_text(s, 2, dept);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *value = sqlite3_column_double(s, 0);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

static int sum_query(sqlite3_stmt *s, double *sum, int *n)
{
    int rc = SS_EDB;

    if (sqlite3_step(s) == SQLITE_ROW) {
        *sum = sqlite3_column_double(s, 0);
        *n = sqlite3_column_int(s, 1);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int ss_store_assignment_children_sum(struct ss_store *st, int64_t target_id, int64_t parent_id,
                                     int64_t except_org, double *sum, int *n)
{
    sqlite3_stmt *s =
        store_lite_prepare(st,
                           "SELECT coalesce(sum(a.value), 0), count(*) FROM assignment a"
                           " JOIN org_unit o ON o.id = a.org_id WHERE a.target_id = ?1"
                           " AND a.dept_id IS NULL AND coalesce(o.parent_id, 0) = ?2"
                           " AND o.id <> ?3",
                           NULL);

    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    sqlite3_bind_int64(s, 2, parent_id);
    sqlite3_bind_int64(s, 3, except_org);
    return sum_query(s, sum, n);
}

int ss_store_assignment_dept_sum(struct ss_store *st, int64_t target_id, const char *except,
                                 double *sum, int *n)
{
    sqlite3_stmt *s =
        store_lite_prepare(st,
                           "SELECT coalesce(sum(a.value), 0), count(*) FROM assignment a"
                           " JOIN department d ON d.id = a.dept_id WHERE a.target_id = ?1"
                           " AND a.org_id IS NULL AND d.name <> coalesce(?2, '')",
                           NULL);

    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    store_lite_bind_text(s, 2, except);
    return sum_query(s, sum, n);
}

void ss_my_assignments_free(struct ss_my_assignment *a, size_t n)
{
    size_t i;

    for (i = 0; a && i < n; i++) {
        free(a[i].pending_note);
        free(a[i].pending_comment);
    }
    free(a);
}

int ss_store_my_assignments(struct ss_store *st, int64_t plan_id, int64_t org_id, int32_t start,
                            int32_t end, struct ss_my_assignment **out, size_t *n)
{
    sqlite3_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    s = store_lite_prepare(
        st,
        "SELECT a.target_id, a.value,"
        " l.value, l.denominator, l.as_of, p.id, p.status, p.value, p.numerator, p.denominator, "
        "p.note,"
        " p.review_comment"
        " FROM assignment a JOIN target t ON t.id = a.target_id"
        " LEFT JOIN report l ON l.id = (SELECT x.id FROM report x WHERE x.target_id = a.target_id"
        "   AND x.org_id = a.org_id AND x.status = 'approved' AND x.as_of <= ?3"
        "   ORDER BY x.as_of DESC, x.seq DESC LIMIT 1)"
        " LEFT JOIN report p ON p.id = (SELECT y.id FROM report y WHERE y.target_id = a.target_id"
        "   AND y.org_id = a.org_id AND y.status <> 'approved' AND y.as_of BETWEEN ?4 AND ?3"
        "   ORDER BY y.as_of DESC, y.id DESC LIMIT 1)"
        " WHERE t.plan_id = ?1 AND a.org_id = ?2 AND a.dept_id IS NULL"
        " ORDER BY t.project_id, t.seq",
        NULL);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, plan_id);
    sqlite3_bind_int64(s, 2, org_id);
    store_lite_bind_date(s, 3, end);
    store_lite_bind_date(s, 4, start);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct ss_my_assignment *m;

        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = ss_xrealloc(*out, cap * sizeof **out);
        }
        m = &(*out)[(*n)++];
        memset(m, 0, sizeof *m);
        m->target_id = sqlite3_column_int64(s, 0);
        m->value = sqlite3_column_double(s, 1);
        m->last = col_num(s, 2);
        m->last_b = col_num(s, 3);
        m->last_day = store_lite_col_date(s, 4);
        m->pending_id = sqlite3_column_int64(s, 5);
        col_copy(s, 6, m->pending_status, sizeof m->pending_status);
        m->pending_value = col_num(s, 7);
        m->pending_num = col_num(s, 8);
        m->pending_den = col_num(s, 9);
        m->pending_note = store_lite_col_strdup(s, 10);
        m->pending_comment = store_lite_col_strdup(s, 11);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        ss_my_assignments_free(*out, *n);
        *out = NULL;
        *n = 0;
        return SS_EDB;
    }
    return SS_OK;
}

int ss_store_plan_deadline_day(struct ss_store *st, int64_t plan_id)
{
    sqlite3_stmt *s = store_lite_prepare(st, "SELECT deadline_day FROM plan WHERE id = ?", NULL);
    int d = 5;

    if (!s)
        return d;
    sqlite3_bind_int64(s, 1, plan_id);
    if (sqlite3_step(s) == SQLITE_ROW)
        d = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return d;
}

/* ---- reports ------------------------------------------------------------------ */

void ss_wf_report_cleanup(struct ss_wf_report *r)
{
    free(r->note);
    free(r->flags);
    free(r->created_by);
    free(r->created_at);
    free(r->reviewed_by);
    free(r->review_comment);
    memset(r, 0, sizeof *r);
}

#define WF_COLS                                                                                    \
    "r.id, r.target_id, r.org_id, coalesce(r.seq, 0), coalesce(r.user_id, 0), o.code, r.as_of,"    \
    " r.value, r.numerator, r.denominator, r.status, r.note, r.flags, r.created_by,"               \
    " r.created_at, r.reviewed_by, r.review_comment"

static void wf_from_stmt(sqlite3_stmt *s, struct ss_wf_report *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(s, 0);
    o->target_id = sqlite3_column_int64(s, 1);
    o->org_id = sqlite3_column_int64(s, 2);
    o->seq = sqlite3_column_int64(s, 3);
    o->user_id = sqlite3_column_int64(s, 4);
    col_copy(s, 5, o->org_code, sizeof o->org_code);
    o->as_of = store_lite_col_date(s, 6);
    o->value = col_num(s, 7);
    o->numerator = col_num(s, 8);
    o->denominator = col_num(s, 9);
    col_copy(s, 10, o->status, sizeof o->status);
    o->note = store_lite_col_strdup(s, 11);
    o->flags = store_lite_col_strdup(s, 12);
    o->created_by = store_lite_col_strdup(s, 13);
    o->created_at = store_lite_col_strdup(s, 14);
    o->reviewed_by = store_lite_col_strdup(s, 15);
    o->review_comment = store_lite_col_strdup(s, 16);
    o->share = o->last_a = o->last_b = NAN;
    o->last_day = SS_NO_DATE;
}

int ss_store_wf_get(struct ss_store *st, int64_t id, struct ss_wf_report *out)
{
    sqlite3_stmt *s = store_lite_prepare(st,
                                         "SELECT " WF_COLS " FROM report r JOIN org_unit o ON"
                                         " o.id = r.org_id WHERE r.id = ?",
                                         NULL);
    int rc = SS_ENOTFOUND;

    memset(out, 0, sizeof *out);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        wf_from_stmt(s, out);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int ss_store_wf_live(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t from,
                     int32_t to, struct ss_wf_report *out)
{
    sqlite3_stmt *s = store_lite_prepare(st,
                                         "SELECT " WF_COLS " FROM report r JOIN org_unit o ON"
                                         " o.id = r.org_id WHERE r.target_id = ?1 AND r.org_id = ?2"
                                         " AND r.status <> 'approved' AND r.as_of BETWEEN ?3 AND ?4"
                                         " ORDER BY r.as_of DESC, r.id DESC LIMIT 1",
                                         NULL);
    int rc = SS_ENOTFOUND;

    memset(out, 0, sizeof *out);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    sqlite3_bind_int64(s, 2, org_id);
    store_lite_bind_date(s, 3, from);
    store_lite_bind_date(s, 4, to);
    if (sqlite3_step(s) == SQLITE_ROW) {
        wf_from_stmt(s, out);
        rc = SS_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

static void bind_num(sqlite3_stmt *s, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_double(s, i, v);
}

int ss_store_wf_insert(struct ss_store *st, struct ss_wf_put *p, int64_t user_id,
                       struct ss_err *err)
{
    const char *fl = p->flags;

    if (strcmp(p->in.status, "draft") != 0 && strcmp(p->in.status, "submitted") != 0)
        return ss_err_set(err, SS_EINVAL, "status", "a new report is a draft or submitted");
    return store_reports_insert(st, &p->in, &fl, user_id, 1, &p->id, err);
}

int ss_store_wf_replace(struct ss_store *st, int64_t id, const char *from,
                        const struct ss_wf_put *p, int64_t user_id, int clear_review,
                        struct ss_err *err)
{
    const struct ss_report_in *x = &p->in;
    sqlite3_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_lite_prepare(
        st,
        "UPDATE report SET as_of = ?2, value = ?3, numerator = ?4, denominator = ?5,"
        " note = ?6, status = ?7, flags = ?8, created_by = coalesce(?9, created_by),"
        " user_id = coalesce(?10, user_id),"
        " reviewed_by = CASE WHEN ?12 THEN NULL ELSE reviewed_by END,"
        " reviewed_at = CASE WHEN ?12 THEN NULL ELSE reviewed_at END,"
        " review_comment = CASE WHEN ?12 THEN NULL ELSE review_comment END"
        " WHERE id = ?1 AND status = ?11 AND status <> 'approved'",
        err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    sqlite3_bind_int64(s, 1, id);
    store_lite_bind_date(s, 2, x->as_of);
    bind_num(s, 3, x->value);
    bind_num(s, 4, x->numerator);
    bind_num(s, 5, x->denominator);
    store_lite_bind_text(s, 6, x->note && *x->note ? x->note : NULL);
    store_lite_bind_text(s, 7, x->status);
    store_lite_bind_text(s, 8, p->flags && *p->flags ? p->flags : NULL);
    store_lite_bind_text(s, 9, x->by);
    if (user_id > 0)
        sqlite3_bind_int64(s, 10, user_id);
    store_lite_bind_text(s, 11, from);
    sqlite3_bind_int(s, 12, clear_review != 0);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_db_error(st, err, "replacing the report");
    else if (sqlite3_changes(st->db) != 1)
        rc =
            ss_err_set(err, SS_ECONFLICT, "report", "report %lld changed meanwhile", (long long)id);
    sqlite3_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_wf_move(struct ss_store *st, int64_t id, const struct ss_wf_move *m,
                     struct ss_err *err)
{
    sqlite3_stmt *s;
    int rc;

    if (m->from && strcmp(m->from, "approved") == 0) /* the engine counts it as it is */
        return ss_err_set(err, SS_ECONFLICT, "status",
                          "report %lld is approved: an approved report never changes",
                          (long long)id);
    if ((rc = store_tx_join(st, err)))
        return rc;
    /* an approval's seq: max + 1 under the write lock this transaction
     * holds (store.h, approval order) */
    s = store_lite_prepare(st,
                           "UPDATE report SET status = ?3,"
                           " reviewed_by = coalesce(?4, reviewed_by),"
                           " reviewed_at = CASE WHEN ?4 IS NOT NULL"
                           "  THEN strftime('%Y-%m-%dT%H:%M:%SZ','now') ELSE reviewed_at END,"
                           " review_comment = coalesce(?5, review_comment),"
                           " created_by = coalesce(?6, created_by),"
                           " user_id = coalesce(?7, user_id),"
                           " seq = CASE WHEN ?3 = 'approved'"
                           "  THEN (SELECT coalesce(max(seq), 0) + 1 FROM report) ELSE seq END"
                           " WHERE id = ?1 AND status = ?2",
                           err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    sqlite3_bind_int64(s, 1, id);
    store_lite_bind_text(s, 2, m->from);
    store_lite_bind_text(s, 3, m->to);
    store_lite_bind_text(s, 4, m->reviewer);
    store_lite_bind_text(s, 5, m->comment);
    store_lite_bind_text(s, 6, m->by);
    if (m->user_id > 0)
        sqlite3_bind_int64(s, 7, m->user_id);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = store_db_error(st, err, "changing the report's status");
    } else if (sqlite3_changes(st->db) != 1) {
        struct ss_wf_report r;
        if (ss_store_wf_get(st, id, &r) != SS_OK) {
            rc = ss_err_set(err, SS_ENOTFOUND, "id", "no report with id %lld", (long long)id);
        } else {
            rc = ss_err_set(err, SS_ECONFLICT, "status",
                            "report %lld is %s by now, not %s: it changed meanwhile", (long long)id,
                            r.status, m->from ? m->from : "?");
            ss_wf_report_cleanup(&r);
        }
    }
    sqlite3_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

void ss_wf_revisions_free(struct ss_wf_revision *v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++) {
        free(v[i].note);
        free(v[i].reviewed_by);
        free(v[i].comment);
    }
    free(v);
}

int ss_store_wf_revisions(struct ss_store *st, int64_t id, size_t max, struct ss_wf_revision **out,
                          size_t *n)
{
    struct ss_wf_report cur;
    sqlite3_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (ss_store_wf_get(st, id, &cur) != SS_OK)
        return SS_ENOTFOUND;
    /* Each return is one update of the row, its image with status
     * 'returned': the values the reviewer saw and why it went back. */
    s = store_lite_prepare(
        st,
        "SELECT a.at, json_extract(a.row_json, '$.as_of'),"
        " json_extract(a.row_json, '$.value'), json_extract(a.row_json, '$.numerator'),"
        " json_extract(a.row_json, '$.denominator'), json_extract(a.row_json, '$.note'),"
        " json_extract(a.row_json, '$.reviewed_by'),"
        " json_extract(a.row_json, '$.review_comment')"
        " FROM audit_log a WHERE a.tbl = 'report' AND a.row_id = ?1"
        " AND a.action = 'update'"
        " AND json_extract(a.row_json, '$.status') = 'returned' ORDER BY a.id",
        NULL);
    if (!s) {
        ss_wf_report_cleanup(&cur);
        return SS_EDB;
    }
    sqlite3_bind_int64(s, 1, id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct ss_wf_revision *v;

        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *out = ss_xrealloc(*out, cap * sizeof **out);
        }
        v = &(*out)[(*n)++];
        memset(v, 0, sizeof *v);
        col_copy(s, 0, v->at, sizeof v->at);
        v->as_of = store_lite_col_date(s, 1);
        v->value = col_num(s, 2);
        v->numerator = col_num(s, 3);
        v->denominator = col_num(s, 4);
        v->note = store_lite_col_strdup(s, 5);
        v->reviewed_by = store_lite_col_strdup(s, 6);
        v->comment = store_lite_col_strdup(s, 7);
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        ss_wf_revisions_free(*out, *n);
        *out = NULL;
        *n = 0;
        ss_wf_report_cleanup(&cur);
        return SS_EDB;
    }
    if (*n && strcmp(cur.status, "returned") == 0) { /* the last one is its current state */
        (*n)--;
        free((*out)[*n].note);
        free((*out)[*n].reviewed_by);
        free((*out)[*n].comment);
    }
    while (*n > max) { /* keep the newest */
        free((*out)[0].note);
        free((*out)[0].reviewed_by);
        free((*out)[0].comment);
        memmove(*out, *out + 1, (*n - 1) * sizeof **out);
        (*n)--;
    }
    ss_wf_report_cleanup(&cur);
    return SS_OK;
}

int ss_store_wf_inbox(struct ss_store *st, int64_t org_id, size_t max, struct ss_wf_report **out,
                      size_t *n)
{
    sqlite3_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    s = store_lite_prepare(
        st,
        "WITH RECURSIVE sub(id) AS ("
        "  SELECT id FROM org_unit WHERE parent_id = ?1"
        "  UNION ALL SELECT o.id FROM org_unit o JOIN sub ON o.parent_id = sub.id)"
        " SELECT " WF_COLS ","
        "  (SELECT a.value FROM assignment a WHERE a.target_id = r.target_id"
        "   AND a.org_id = r.org_id AND a.dept_id IS NULL),"
        "  coalesce(l.numerator, l.value), l.denominator, l.as_of"
        " FROM report r JOIN org_unit o ON o.id = r.org_id"
        " LEFT JOIN report l ON l.id = (SELECT x.id FROM report x"
        "  WHERE x.target_id = r.target_id AND x.org_id = r.org_id"
        "  AND x.status = 'approved' AND x.as_of <= r.as_of"
        "  ORDER BY x.as_of DESC, x.seq DESC LIMIT 1)"
        " WHERE r.status = 'submitted'"
        "  AND (?1 = 0 OR r.org_id IN (SELECT id FROM sub))"
        " ORDER BY r.created_at, r.id LIMIT ?2",
        NULL);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, org_id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = ss_xrealloc(*out, cap * sizeof **out);
        }
        wf_from_stmt(s, &(*out)[*n]);
        (*out)[*n].share = col_num(s, 17);
        (*out)[*n].last_a = col_num(s, 18);
        (*out)[*n].last_b = col_num(s, 19);
        (*out)[*n].last_day = store_lite_col_date(s, 20);
        (*n)++;
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        size_t i;
        for (i = 0; i < *n; i++)
            ss_wf_report_cleanup(&(*out)[i]);
        free(*out);
        *out = NULL;
        *n = 0;
        return SS_EDB;
    }
    return SS_OK;
}

int ss_store_wf_history(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t before,
                        double *vals, size_t max, size_t *n)
{
    sqlite3_stmt *s =
        store_lite_prepare(st,
                           "SELECT value FROM (SELECT as_of, seq, coalesce(numerator,"
                           " value, 0) AS value FROM report WHERE target_id = ? AND"
                           " org_id = ? AND status = 'approved' AND as_of < ?"
                           " ORDER BY as_of DESC, seq DESC LIMIT ?) ORDER BY as_of, seq",
                           NULL);

    *n = 0;
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    sqlite3_bind_int64(s, 2, org_id);
    store_lite_bind_date(s, 3, before);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)max);
    while (*n < max && sqlite3_step(s) == SQLITE_ROW)
        vals[(*n)++] = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return SS_OK;
}

/* ---- evidence ----------------------------------------------------------------- */

int ss_store_evidence_add(struct ss_store *st, int64_t report_id, const char *sha256,
                          const char *mime, int64_t size, const char *name, struct ss_err *err)
{
    sqlite3_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_lite_prepare(st,
                           "INSERT INTO evidence(report_id, sha256, mime, size, name)"
                           " VALUES (?,?,?,?,?)",
                           err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    sqlite3_bind_int64(s, 1, report_id);
    sqlite3_bind_text(s, 2, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, mime, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, size);
    store_lite_bind_text(s, 5, name);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_db_error(st, err, "saving the evidence record");
    sqlite3_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int64_t ss_store_evidence_count(struct ss_store *st, int64_t report_id)
{
    sqlite3_stmt *s =
        store_lite_prepare(st, "SELECT count(*) FROM evidence WHERE report_id = ?", NULL);
    int64_t v = 0;

    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, report_id);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

const char *ss_store_wf_path(const struct ss_store *st)
{
    return st->path;
}
