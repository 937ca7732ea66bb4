/*
 * store_workflow.c - SQL of the reporting workflow (see store_workflow.h).
 *
 * Status changes are single UPDATE statements guarded by the status the
 * caller read (WHERE status = ?): compare-and-set. When no row changed,
 * the report either does not exist or is in another state by now, and we
 * say which. That keeps "no approving twice" true even for two reviewers
 * clicking at once: every write transaction takes the writers' lock at
 * its begin (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock,
 * store.c), which orders them, and under PostgreSQL's READ COMMITTED each
 * UPDATE reads the row as committed when it runs, after that lock. Which
 * changes are allowed is core/workflow.c's.
 *
 * Times written here (reviewed_at) are taken in C (store_now) and bound,
 * so both backends write the same text. A report's earlier images are the
 * audit log's JSON: the one statement that reads into it is written per
 * backend (json_extract, ->>).
 *
 * Evidence files live outside the database, in one directory per
 * deployment (ss_store_evidence_dir): beside an SQLite file by default; a
 * PostgreSQL database has no file, so its servers must be told where.
 */
#include "store/store_workflow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/util.h"
#include "store/store_int.h"

static double col_num(struct store_stmt *s, int i)
{
    return store_col_null(s, i) ? NAN : store_col_double(s, i);
}

static void col_copy(struct store_stmt *s, int i, char *out, size_t cap)
{
    const char *t = store_col_text(s, i);

    snprintf(out, cap, "%s", t ? t : "");
}

/* ---- assignments ------------------------------------------------------------ */

int ss_store_assign_set(struct ss_store *st, int64_t target_id, int64_t org_id, const char *dept,
                        double value, const char *reason, struct ss_err *err)
{
    struct store_stmt *s = NULL;
    int64_t dept_id = 0;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    if (dept && *dept) {
        if ((dept_id = store_department_id(st, dept, err)) <= 0) {
            rc = SS_EDB;
            goto fail;
        }
        s = store_prepare(st,
                          "INSERT INTO assignment(target_id, dept_id, value, reason, created_by)"
                          " VALUES (?1,?2,?3,?4,?5) ON CONFLICT(target_id, dept_id) WHERE org_id"
                          " IS NULL DO UPDATE SET value = excluded.value, reason = excluded.reason,"
                          " created_by = excluded.created_by",
                          err);
    } else {
        s = store_prepare(st,
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
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, dept_id ? dept_id : org_id);
    store_bind_double(s, 3, value);
    store_bind_text(s, 4, reason && *reason ? reason : NULL);
    store_bind_text(s, 5, st->actor);
    if (store_step(s) != STORE_DONE) {
        rc = store_db_error(st, err, "saving the assignment");
        goto fail;
    }
    store_finalize(s);
    return store_tx_commit(st, err);
fail:
    store_finalize(s);
    store_tx_rollback(st);
    return rc;
}

int ss_store_assignment_get(struct ss_store *st, int64_t target_id, int64_t org_id, double *value)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT value FROM assignment WHERE target_id = ?1 AND"
                                         " org_id = ?2 AND dept_id IS NULL",
                                         NULL);
    int rc = SS_ENOTFOUND;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    if (store_step(s) == STORE_ROW) {
        *value = store_col_double(s, 0);
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

int ss_store_assignments_of(struct ss_store *st, int64_t org_id, struct ss_assignment_row **out,
                            size_t *n)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT target_id, value FROM assignment WHERE"
                                         " org_id = ?1 AND dept_id IS NULL ORDER BY target_id",
                                         NULL);
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, org_id);
    while ((step = store_step(s)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            *out = ss_xrealloc(*out, cap * sizeof **out);
        }
        (*out)[*n].target_id = store_col_int64(s, 0);
        (*out)[*n].org_id = org_id;
        (*out)[(*n)++].value = store_col_double(s, 1);
    }
    store_finalize(s);
    if (step == STORE_DONE)
        return SS_OK;
    free(*out);
    *out = NULL;
    *n = 0;
    return SS_EDB;
}

int ss_store_assignment_dept_get(struct ss_store *st, int64_t target_id, const char *dept,
                                 double *value)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT a.value FROM assignment a JOIN department d ON"
                                         " d.id = a.dept_id WHERE a.target_id = ?1 AND d.name = ?2"
                                         " AND a.org_id IS NULL",
                                         NULL);
    int rc = SS_ENOTFOUND;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_text(s, 2, dept);
    if (store_step(s) == STORE_ROW) {
        *value = store_col_double(s, 0);
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

static int sum_query(struct store_stmt *s, double *sum, int *n)
{
    int rc = SS_EDB;

    if (store_step(s) == STORE_ROW) {
        *sum = store_col_double(s, 0);
        *n = (int)store_col_int64(s, 1);
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

int ss_store_assignment_children_sum(struct ss_store *st, int64_t target_id, int64_t parent_id,
                                     int64_t except_org, double *sum, int *n)
{
    struct store_stmt *s =
        store_prepare(st,
                      "SELECT coalesce(sum(a.value), 0), count(*) FROM assignment a"
                      " JOIN org_unit o ON o.id = a.org_id WHERE a.target_id = ?1"
                      " AND a.dept_id IS NULL AND coalesce(o.parent_id, 0) = ?2"
                      " AND o.id <> ?3",
                      NULL);

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, parent_id);
    store_bind_int64(s, 3, except_org);
    return sum_query(s, sum, n);
}

int ss_store_assignment_dept_sum(struct ss_store *st, int64_t target_id, const char *except,
                                 double *sum, int *n)
{
    struct store_stmt *s =
        store_prepare(st,
                      "SELECT coalesce(sum(a.value), 0), count(*) FROM assignment a"
                      " JOIN department d ON d.id = a.dept_id WHERE a.target_id = ?1"
                      " AND a.org_id IS NULL AND d.name <> coalesce(CAST(?2 AS TEXT), '')",
                      NULL);

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_text(s, 2, except);
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
    struct store_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    s = store_prepare(
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
    store_bind_int64(s, 1, plan_id);
    store_bind_int64(s, 2, org_id);
    store_bind_date(s, 3, end);
    store_bind_date(s, 4, start);
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_my_assignment *m;

        m = SS_PUSH(*out, *n, cap);
        m->target_id = store_col_int64(s, 0);
        m->value = store_col_double(s, 1);
        m->last = col_num(s, 2);
        m->last_b = col_num(s, 3);
        m->last_day = store_col_date(s, 4);
        m->pending_id = store_col_int64(s, 5);
        col_copy(s, 6, m->pending_status, sizeof m->pending_status);
        m->pending_value = col_num(s, 7);
        m->pending_num = col_num(s, 8);
        m->pending_den = col_num(s, 9);
        m->pending_note = store_col_strdup(s, 10);
        m->pending_comment = store_col_strdup(s, 11);
    }
    store_finalize(s);
    if (step != STORE_DONE) {
        ss_my_assignments_free(*out, *n);
        *out = NULL;
        *n = 0;
        return SS_EDB;
    }
    return SS_OK;
}

int ss_store_plan_deadline_day(struct ss_store *st, int64_t plan_id)
{
    struct store_stmt *s = store_prepare(st, "SELECT deadline_day FROM plan WHERE id = ?1", NULL);
    int d = 5;

    if (!s)
        return d;
    store_bind_int64(s, 1, plan_id);
    if (store_step(s) == STORE_ROW)
        d = (int)store_col_int64(s, 0);
    store_finalize(s);
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

static void wf_from_stmt(struct store_stmt *s, struct ss_wf_report *o)
{
    memset(o, 0, sizeof *o);
    o->id = store_col_int64(s, 0);
    o->target_id = store_col_int64(s, 1);
    o->org_id = store_col_int64(s, 2);
    o->seq = store_col_int64(s, 3);
    o->user_id = store_col_int64(s, 4);
    col_copy(s, 5, o->org_code, sizeof o->org_code);
    o->as_of = store_col_date(s, 6);
    o->value = col_num(s, 7);
    o->numerator = col_num(s, 8);
    o->denominator = col_num(s, 9);
    col_copy(s, 10, o->status, sizeof o->status);
    o->note = store_col_strdup(s, 11);
    o->flags = store_col_strdup(s, 12);
    o->created_by = store_col_strdup(s, 13);
    o->created_at = store_col_strdup(s, 14);
    o->reviewed_by = store_col_strdup(s, 15);
    o->review_comment = store_col_strdup(s, 16);
    o->share = o->last_a = o->last_b = NAN;
    o->last_day = SS_NO_DATE;
}

int ss_store_wf_get(struct ss_store *st, int64_t id, struct ss_wf_report *out)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT " WF_COLS " FROM report r JOIN org_unit o ON"
                                         " o.id = r.org_id WHERE r.id = ?1",
                                         NULL);
    int rc = SS_ENOTFOUND;

    memset(out, 0, sizeof *out);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, id);
    if (store_step(s) == STORE_ROW) {
        wf_from_stmt(s, out);
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

int ss_store_wf_get_many(struct ss_store *st, const int64_t *ids, size_t n,
                         struct ss_wf_report *out, int *found)
{
    struct store_stmt *s;
    struct ss_buf list;
    size_t i, k;
    int step, pg = store_backend(st) == STORE_PG;

    memset(out, 0, n * sizeof *out);
    memset(found, 0, n * sizeof *found);
    if (n == 0)
        return SS_OK;
    /* the ids as one parameter: an array on PostgreSQL, a JSON array for
     * SQLite's json_each */
    ss_buf_init(&list, 24 * n + 2);
    ss_buf_putc(&list, pg ? '{' : '[');
    for (i = 0; i < n; i++)
        ss_buf_printf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
    ss_buf_putc(&list, pg ? '}' : ']');
    s = list.err
            ? NULL
            : store_prepare(st,
                            STORE_SQL(st,
                                      "SELECT " WF_COLS " FROM report r JOIN org_unit o ON"
                                      " o.id = r.org_id WHERE r.id IN"
                                      " (SELECT value FROM json_each(?1))",
                                      "SELECT " WF_COLS " FROM report r JOIN org_unit o ON"
                                      " o.id = r.org_id WHERE r.id = ANY(CAST(?1 AS bigint[]))"),
                            NULL);
    if (!s) {
        ss_buf_cleanup(&list);
        return SS_EDB;
    }
    store_bind_text(s, 1, list.data);
    while ((step = store_step(s)) == STORE_ROW) {
        int64_t id = store_col_int64(s, 0);
        /* each id once, at its first place (a repeated id is the caller's) */
        for (k = 0; k < n && (ids[k] != id || found[k]); k++)
            ;
        if (k < n) {
            wf_from_stmt(s, &out[k]);
            found[k] = 1;
        }
    }
    store_finalize(s);
    ss_buf_cleanup(&list);
    if (step == STORE_DONE)
        return SS_OK;
    for (i = 0; i < n; i++)
        if (found[i])
            ss_wf_report_cleanup(&out[i]);
    memset(found, 0, n * sizeof *found);
    return SS_EDB;
}

int ss_store_wf_live(struct ss_store *st, int64_t target_id, int64_t org_id, int32_t from,
                     int32_t to, struct ss_wf_report *out)
{
    struct store_stmt *s = store_prepare(st,
                                         "SELECT " WF_COLS " FROM report r JOIN org_unit o ON"
                                         " o.id = r.org_id WHERE r.target_id = ?1 AND r.org_id = ?2"
                                         " AND r.status <> 'approved' AND r.as_of BETWEEN ?3 AND ?4"
                                         " ORDER BY r.as_of DESC, r.id DESC LIMIT 1",
                                         NULL);
    int rc = SS_ENOTFOUND;

    memset(out, 0, sizeof *out);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    store_bind_date(s, 3, from);
    store_bind_date(s, 4, to);
    if (store_step(s) == STORE_ROW) {
        wf_from_stmt(s, out);
        rc = SS_OK;
    }
    store_finalize(s);
    return rc;
}

int ss_store_wf_live_of(struct ss_store *st, int64_t org_id, int32_t from, int32_t to,
                        struct ss_wf_report **out, size_t *n)
{
    /* report_live holds the unit's live reports, which are few: the
     * latest of each target by row_number, on both backends */
    struct store_stmt *s = store_prepare(
        st,
        "SELECT * FROM (SELECT " WF_COLS ", row_number() OVER (PARTITION BY r.target_id"
        " ORDER BY r.as_of DESC, r.id DESC) AS k FROM report r JOIN org_unit o ON"
        " o.id = r.org_id WHERE r.org_id = ?1 AND r.status <> 'approved'"
        " AND r.as_of BETWEEN ?2 AND ?3) x WHERE k = 1 ORDER BY 2",
        NULL);
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, org_id);
    store_bind_date(s, 2, from);
    store_bind_date(s, 3, to);
    while ((step = store_step(s)) == STORE_ROW) {
        wf_from_stmt(s, SS_PUSH(*out, *n, cap));
    }
    store_finalize(s);
    if (step == STORE_DONE)
        return SS_OK;
    while (*n)
        ss_wf_report_cleanup(&(*out)[--*n]);
    free(*out);
    *out = NULL;
    return SS_EDB;
}

static void bind_num(struct store_stmt *s, int i, double v)
{
    if (isnan(v))
        store_bind_null(s, i);
    else
        store_bind_double(s, i, v);
}

int ss_store_wf_insert(struct ss_store *st, struct ss_wf_put *p, int64_t user_id,
                       struct ss_err *err)
{
    const char *fl = p->flags;

    if (strcmp(p->in.status, "draft") != 0 && strcmp(p->in.status, "submitted") != 0)
        return ss_err_set(err, SS_EINVAL, "status", "a new report is a draft or submitted");
    return store_reports_insert(st, &p->in, &fl, user_id, 1, &p->id, err);
}

/* Append text t to the PostgreSQL array literal b as one element: NULL
 * for NULL (or, when empty_null, ""), else quoted, with backslash and "
 * escaped. */
static void text_elem(struct ss_buf *b, const char *t, int empty_null)
{
    if (b->len > 1)
        ss_buf_putc(b, ',');
    if (!t || (empty_null && !*t)) {
        ss_buf_puts(b, "NULL");
        return;
    }
    ss_buf_putc(b, '"');
    for (; *t; t++) {
        if (*t == '"' || *t == '\\')
            ss_buf_putc(b, '\\');
        ss_buf_putc(b, *t);
    }
    ss_buf_putc(b, '"');
}

/* Append double v to b as an array element: NULL for NaN. */
static void num_elem(struct ss_buf *b, double v)
{
    if (b->len > 1)
        ss_buf_putc(b, ',');
    if (isnan(v))
        ss_buf_puts(b, "NULL");
    else
        ss_buf_printf(b, "%.17g", v);
}

/* The columns of ss_store_wf_insert_many, one array each. */
enum {
    INS_TARGET,
    INS_ORG,
    INS_DATE,
    INS_VALUE,
    INS_NUM,
    INS_DEN,
    INS_NOTE,
    INS_STATUS,
    INS_FLAGS,
    INS_BY,
    INS_COLS
};

int ss_store_wf_insert_many(struct ss_store *st, struct ss_wf_put *const *p, size_t n,
                            int64_t user_id, struct ss_err *err)
{
    struct ss_buf a[INS_COLS];
    struct store_stmt *s;
    char day[11];
    size_t i, k, got = 0;
    int rc = SS_OK, c, step, bad = 0;

    for (i = 0; i < n; i++)
        if (strcmp(p[i]->in.status, "draft") != 0 && strcmp(p[i]->in.status, "submitted") != 0)
            return ss_err_set(err, SS_EINVAL, "status", "a new report is a draft or submitted");
    if (store_backend(st) == STORE_SQLITE || n < 2) {
        for (i = 0; i < n && !rc; i++)
            rc = ss_store_wf_insert(st, p[i], user_id, err);
        return rc;
    }
    if ((rc = store_tx_join(st, err)))
        return rc;
    for (c = 0; c < INS_COLS; c++) {
        size_t cap = 64 * n + 8; /* numbers, dates, statuses */
        for (i = 0; c >= INS_NOTE && c != INS_STATUS && i < n; i++) {
            const char *t = c == INS_NOTE ? p[i]->in.note : c == INS_BY ? p[i]->in.by : p[i]->flags;
            cap += t ? 2 * strlen(t) : 0; /* each byte escaped, at worst */
        }
        ss_buf_init(&a[c], cap);
        ss_buf_putc(&a[c], '{');
    }
    for (i = 0; i < n; i++) {
        const struct ss_report_in *x = &p[i]->in;
        if (a[INS_TARGET].len > 1) {
            ss_buf_putc(&a[INS_TARGET], ',');
            ss_buf_putc(&a[INS_ORG], ',');
        }
        ss_buf_printf(&a[INS_TARGET], "%lld", (long long)x->target_id);
        ss_buf_printf(&a[INS_ORG], "%lld", (long long)x->org_id);
        ss_date_fmt(x->as_of, day);
        text_elem(&a[INS_DATE], day, 0);
        num_elem(&a[INS_VALUE], x->value);
        num_elem(&a[INS_NUM], x->numerator);
        num_elem(&a[INS_DEN], x->denominator);
        text_elem(&a[INS_NOTE], x->note, 1);
        text_elem(&a[INS_STATUS], x->status, 0);
        text_elem(&a[INS_FLAGS], p[i]->flags, 1);
        text_elem(&a[INS_BY], x->by, 0);
    }
    for (c = 0; c < INS_COLS; c++) {
        ss_buf_putc(&a[c], '}');
        bad |= a[c].err;
    }
    s = bad ? NULL
            : store_prepare(
                  st,
                  "INSERT INTO report(target_id, org_id, as_of, value, numerator, denominator,"
                  " note, status, flags, created_by, user_id)"
                  " SELECT * , CAST(?11 AS bigint) FROM unnest(CAST(?1 AS bigint[]),"
                  " CAST(?2 AS bigint[]), CAST(?3 AS text[]), CAST(?4 AS double precision[]),"
                  " CAST(?5 AS double precision[]), CAST(?6 AS double precision[]),"
                  " CAST(?7 AS text[]), CAST(?8 AS text[]), CAST(?9 AS text[]),"
                  " CAST(?10 AS text[])) RETURNING id, target_id, org_id, as_of",
                  err);
    if (!s) {
        for (c = 0; c < INS_COLS; c++)
            ss_buf_cleanup(&a[c]);
        store_tx_rollback(st);
        return bad ? ss_err_set(err, SS_EINVAL, "report", "the reports are too long to store")
                   : SS_EDB;
    }
    for (c = 0; c < INS_COLS; c++)
        store_bind_text(s, c + 1, a[c].data);
    if (user_id > 0)
        store_bind_int64(s, 11, user_id);
    /* each row's id: by its (target, unit, date), one live report each */
    while ((step = store_step(s)) == STORE_ROW) {
        int64_t t = store_col_int64(s, 1), o = store_col_int64(s, 2);
        int32_t d = 0;
        if (ss_date_parse(store_col_text(s, 3), &d))
            continue;
        for (k = 0; k < n; k++)
            if (p[k]->in.target_id == t && p[k]->in.org_id == o && p[k]->in.as_of == d) {
                p[k]->id = store_col_int64(s, 0);
                got++;
                break;
            }
    }
    if (step != STORE_DONE)
        rc = store_db_error(st, err, "storing the reports");
    else if (got != n)
        rc = ss_err_set(err, SS_EDB, "report", "%zu of %zu reports were stored", got, n);
    store_finalize(s);
    for (c = 0; c < INS_COLS; c++)
        ss_buf_cleanup(&a[c]);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_wf_replace(struct ss_store *st, int64_t id, const char *from,
                        const struct ss_wf_put *p, int64_t user_id, int clear_review,
                        struct ss_err *err)
{
    const struct ss_report_in *x = &p->in;
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "UPDATE report SET as_of = ?2, value = ?3, numerator = ?4, denominator = ?5,"
                      " note = ?6, status = ?7, flags = ?8, created_by = coalesce(?9, created_by),"
                      " user_id = coalesce(?10, user_id),"
                      " reviewed_by = CASE WHEN ?12 = 1 THEN NULL ELSE reviewed_by END,"
                      " reviewed_at = CASE WHEN ?12 = 1 THEN NULL ELSE reviewed_at END,"
                      " review_comment = CASE WHEN ?12 = 1 THEN NULL ELSE review_comment END"
                      " WHERE id = ?1 AND status = ?11 AND status <> 'approved'",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, id);
    store_bind_date(s, 2, x->as_of);
    bind_num(s, 3, x->value);
    bind_num(s, 4, x->numerator);
    bind_num(s, 5, x->denominator);
    store_bind_text(s, 6, x->note && *x->note ? x->note : NULL);
    store_bind_text(s, 7, x->status);
    store_bind_text(s, 8, p->flags && *p->flags ? p->flags : NULL);
    store_bind_text(s, 9, x->by);
    if (user_id > 0)
        store_bind_int64(s, 10, user_id);
    store_bind_text(s, 11, from);
    store_bind_int64(s, 12, clear_review != 0);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "replacing the report");
    else if (store_changes(s) != 1)
        rc =
            ss_err_set(err, SS_ECONFLICT, "report", "report %lld changed meanwhile", (long long)id);
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_wf_move(struct ss_store *st, int64_t id, const struct ss_wf_move *m,
                     struct ss_err *err)
{
    struct store_stmt *s;
    char now[21];
    int rc;

    if (m->from && strcmp(m->from, "approved") == 0) /* the engine counts it as it is */
        return ss_err_set(err, SS_ECONFLICT, "status",
                          "report %lld is approved: an approved report never changes",
                          (long long)id);
    if (st->tx_cells && strcmp(m->to, "approved") == 0) /* its seq needs the writers' lock */
        return ss_err_set(err, SS_EINVAL, "status",
                          "an approval cannot be made in a transaction of report cells");
    if ((rc = store_tx_join(st, err)))
        return rc;
    /* an approval's seq: max + 1 read after the writers' lock this
     * transaction took at its begin, held to its commit (store.h, approval
     * order; SQLite: BEGIN IMMEDIATE; PostgreSQL: the advisory lock of
     * store.c, let go only once the commit is visible). The statement's
     * own snapshot is taken after that lock, so it sees every approval
     * committed before. */
    store_now(now);
#define MOVE_SQL                                                                                   \
    "UPDATE report SET status = ?3,"                                                               \
    " reviewed_by = coalesce(?4, reviewed_by),"                                                    \
    " reviewed_at = CASE WHEN CAST(?4 AS TEXT) IS NOT NULL"                                        \
    "  THEN CAST(?8 AS TEXT) ELSE reviewed_at END,"                                                \
    " review_comment = coalesce(?5, review_comment),"                                              \
    " created_by = coalesce(?6, created_by),"                                                      \
    " user_id = coalesce(?7, user_id),"                                                            \
    " seq = CASE WHEN CAST(?3 AS TEXT) = 'approved'"                                               \
    "  THEN (SELECT coalesce(max(seq), 0) + 1 FROM report) ELSE seq END"                           \
    " WHERE id = ?1 AND status = ?2"
#define SAME(IS)                                                                                   \
    " AND as_of = ?9 AND value " IS " ?10 AND numerator " IS " ?11 AND denominator " IS " ?12"
    s = store_prepare(
        st,
        !m->same ? MOVE_SQL
                 : STORE_SQL(st, MOVE_SQL SAME("IS"), MOVE_SQL SAME("IS NOT DISTINCT FROM")),
        err);
#undef SAME
#undef MOVE_SQL
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, m->from);
    store_bind_text(s, 3, m->to);
    store_bind_text(s, 4, m->reviewer);
    store_bind_text(s, 5, m->comment);
    store_bind_text(s, 6, m->by);
    if (m->user_id > 0)
        store_bind_int64(s, 7, m->user_id);
    store_bind_text(s, 8, now);
    if (m->same) {
        store_bind_date(s, 9, m->same->as_of);
        bind_num(s, 10, m->same->value);
        bind_num(s, 11, m->same->numerator);
        bind_num(s, 12, m->same->denominator);
    }
    if (store_step(s) != STORE_DONE) {
        rc = store_db_error(st, err, "changing the report's status");
    } else if (store_changes(s) != 1) {
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
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_wf_approve_all(struct ss_store *st, const struct ss_wf_report *const *r, size_t n,
                            const char *reviewer, struct ss_err *err)
{
    struct ss_buf ids, dates, val, num, den;
    struct store_stmt *s;
    char now[21], day[11];
    size_t i;
    int rc = SS_OK;

    if (st->tx_cells)
        return ss_err_set(err, SS_EINVAL, "status",
                          "an approval cannot be made in a transaction of report cells");
    if (store_backend(st) == STORE_SQLITE) { /* in process: a statement each costs little */
        for (i = 0; i < n && !rc; i++) {
            struct ss_wf_move m = {"submitted", "approved", reviewer, NULL, NULL, 0, r[i]};
            rc = ss_store_wf_move(st, r[i]->id, &m, err);
        }
        return rc;
    }
    if (n == 0)
        return SS_OK;
    if ((rc = store_tx_join(st, err)))
        return rc;
    store_now(now);
    ss_buf_init(&ids, 24 * n + 2);
    ss_buf_init(&dates, 12 * n + 2);
    ss_buf_init(&val, 32 * n + 2); /* %.17g: at most 24 bytes, and a comma */
    ss_buf_init(&num, 32 * n + 2);
    ss_buf_init(&den, 32 * n + 2);
    ss_buf_putc(&ids, '{');
    ss_buf_putc(&dates, '{');
    ss_buf_putc(&val, '{');
    ss_buf_putc(&num, '{');
    ss_buf_putc(&den, '{');
    for (i = 0; i < n; i++) {
        ss_date_fmt(r[i]->as_of, day);
        ss_buf_printf(&ids, "%s%lld", i ? "," : "", (long long)r[i]->id);
        ss_buf_printf(&dates, "%s%s", i ? "," : "", day);
        num_elem(&val, r[i]->value);
        num_elem(&num, r[i]->numerator);
        num_elem(&den, r[i]->denominator);
    }
    ss_buf_putc(&ids, '}');
    ss_buf_putc(&dates, '}');
    ss_buf_putc(&val, '}');
    ss_buf_putc(&num, '}');
    ss_buf_putc(&den, '}');
    /* the seqs: max + 1, + 2, ... in the order given, the max read once
     * (an InitPlan) under the writers' lock, as ss_store_wf_move reads it */
    s = store_prepare(st,
                      "UPDATE report AS r SET status = 'approved', reviewed_by = ?1,"
                      " reviewed_at = ?2, seq = (SELECT coalesce(max(seq), 0) FROM report) + v.k"
                      " FROM unnest(CAST(?3 AS bigint[]), CAST(?4 AS text[]),"
                      " CAST(?5 AS double precision[]), CAST(?6 AS double precision[]),"
                      " CAST(?7 AS double precision[]))"
                      " WITH ORDINALITY AS v(id, as_of, value, numerator, denominator, k)"
                      " WHERE r.id = v.id AND r.status = 'submitted' AND r.as_of = v.as_of"
                      " AND r.value IS NOT DISTINCT FROM v.value"
                      " AND r.numerator IS NOT DISTINCT FROM v.numerator"
                      " AND r.denominator IS NOT DISTINCT FROM v.denominator",
                      err);
    if (s) {
        store_bind_text(s, 1, reviewer);
        store_bind_text(s, 2, now);
        store_bind_text(s, 3, ids.data);
        store_bind_text(s, 4, dates.data);
        store_bind_text(s, 5, val.data);
        store_bind_text(s, 6, num.data);
        store_bind_text(s, 7, den.data);
        if (ids.err || dates.err || val.err || num.err || den.err)
            rc = ss_err_set(err, SS_EINVAL, "report", "the reports' values did not fit");
        else if (store_step(s) != STORE_DONE)
            rc = store_db_error(st, err, "approving the reports");
        else if (store_changes(s) != (int64_t)n)
            rc =
                ss_err_set(err, SS_ECONFLICT, "status", "%lld of the %zu reports changed meanwhile",
                           (long long)n - (long long)store_changes(s), n);
        store_finalize(s);
    } else {
        rc = SS_EDB;
    }
    ss_buf_cleanup(&ids);
    ss_buf_cleanup(&dates);
    ss_buf_cleanup(&val);
    ss_buf_cleanup(&num);
    ss_buf_cleanup(&den);
    if (rc) { /* as ss_store_wf_move: the transaction is gone with it */
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
    struct store_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (ss_store_wf_get(st, id, &cur) != SS_OK)
        return SS_ENOTFOUND;
    /* Each return is one update of the row, its image with status
     * 'returned': the values the reviewer saw and why it went back. */
    /* The image is JSON text: SQLite reads it with json_extract, PostgreSQL
     * with ->> on it as jsonb (a number comes back as its text, which
     * store_col_double reads) */
    s = store_prepare(
        st,
        STORE_SQL(st,
                  "SELECT a.at, json_extract(a.row_json, '$.as_of'),"
                  " json_extract(a.row_json, '$.value'), json_extract(a.row_json, '$.numerator'),"
                  " json_extract(a.row_json, '$.denominator'), json_extract(a.row_json, '$.note'),"
                  " json_extract(a.row_json, '$.reviewed_by'),"
                  " json_extract(a.row_json, '$.review_comment')"
                  " FROM audit_log a WHERE a.tbl = 'report' AND a.row_id = ?1"
                  " AND a.action = 'update'"
                  " AND json_extract(a.row_json, '$.status') = 'returned' ORDER BY a.id",
                  "SELECT a.at, j ->> 'as_of', j ->> 'value', j ->> 'numerator',"
                  " j ->> 'denominator', j ->> 'note', j ->> 'reviewed_by', j ->> 'review_comment'"
                  " FROM audit_log a CROSS JOIN LATERAL (SELECT CAST(a.row_json AS jsonb) AS j) i"
                  " WHERE a.tbl = 'report' AND a.row_id = ?1 AND a.action = 'update'"
                  " AND (j ->> 'status') = 'returned' ORDER BY a.id"),
        NULL);
    if (!s) {
        ss_wf_report_cleanup(&cur);
        return SS_EDB;
    }
    store_bind_int64(s, 1, id);
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_wf_revision *v;

        v = SS_PUSH(*out, *n, cap);
        col_copy(s, 0, v->at, sizeof v->at);
        v->as_of = store_col_date(s, 1);
        v->value = col_num(s, 2);
        v->numerator = col_num(s, 3);
        v->denominator = col_num(s, 4);
        v->note = store_col_strdup(s, 5);
        v->reviewed_by = store_col_strdup(s, 6);
        v->comment = store_col_strdup(s, 7);
    }
    store_finalize(s);
    if (step != STORE_DONE) {
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
    struct store_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    s = store_prepare(st,
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
    store_bind_int64(s, 1, org_id);
    store_bind_int64(s, 2, (int64_t)max);
    while ((step = store_step(s)) == STORE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = ss_xrealloc(*out, cap * sizeof **out);
        }
        wf_from_stmt(s, &(*out)[*n]);
        (*out)[*n].share = col_num(s, 17);
        (*out)[*n].last_a = col_num(s, 18);
        (*out)[*n].last_b = col_num(s, 19);
        (*out)[*n].last_day = store_col_date(s, 20);
        (*n)++;
    }
    store_finalize(s);
    if (step != STORE_DONE) {
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
    struct store_stmt *s =
        store_prepare(st,
                      "SELECT value FROM (SELECT as_of, seq, coalesce(numerator,"
                      " value, 0) AS value FROM report WHERE target_id = ?1 AND"
                      " org_id = ?2 AND status = 'approved' AND as_of < ?3"
                      " ORDER BY as_of DESC, seq DESC LIMIT ?4) h ORDER BY as_of, seq",
                      NULL);

    *n = 0;
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    store_bind_date(s, 3, before);
    store_bind_int64(s, 4, (int64_t)max);
    while (*n < max && store_step(s) == STORE_ROW)
        vals[(*n)++] = store_col_double(s, 0);
    store_finalize(s);
    return SS_OK;
}

/* ---- evidence ----------------------------------------------------------------- */

int ss_store_evidence_add(struct ss_store *st, int64_t report_id, const char *sha256,
                          const char *mime, int64_t size, const char *name, struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO evidence(report_id, sha256, mime, size, name)"
                      " VALUES (?1, ?2, ?3, ?4, ?5)",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, report_id);
    store_bind_text(s, 2, sha256);
    store_bind_text(s, 3, mime);
    store_bind_int64(s, 4, size);
    store_bind_text(s, 5, name);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "saving the evidence record");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int64_t ss_store_evidence_count(struct ss_store *st, int64_t report_id)
{
    struct store_stmt *s =
        store_prepare(st, "SELECT count(*) FROM evidence WHERE report_id = ?1", NULL);
    int64_t v = 0;

    if (!s)
        return -1;
    store_bind_int64(s, 1, report_id);
    if (store_step(s) == STORE_ROW)
        v = store_col_int64(s, 0);
    store_finalize(s);
    return v;
}

const char *ss_store_wf_path(const struct ss_store *st)
{
    return st->path;
}

/* The directory ss_store_evidence_dir_set named, "" for none. */
static char evidence_dir_setting[SS_EVIDENCE_DIR_MAX];

void ss_store_evidence_dir_set(const char *dir)
{
    snprintf(evidence_dir_setting, sizeof evidence_dir_setting, "%s", dir ? dir : "");
}

int ss_store_evidence_dir(const struct ss_store *st, char *out, size_t cap, struct ss_err *err)
{
    const char *env = getenv("SHISHI_EVIDENCE_DIR");
    int n;

    if (evidence_dir_setting[0])
        n = snprintf(out, cap, "%s", evidence_dir_setting);
    else if (env && *env)
        n = snprintf(out, cap, "%s", env);
    else if (store_backend(st) == STORE_PG || !st->path[0] || strcmp(st->path, ":memory:") == 0 ||
             strncmp(st->path, "file:", 5) == 0)
        /* a server's database, or none in a file: nothing to keep them beside */
        return ss_err_set(err, SS_EIO, "evidence-dir",
                          "this database has no file to keep evidence files beside: name their "
                          "directory (SHISHI_EVIDENCE_DIR)");
    else
        n = snprintf(out, cap, "%s.evidence", st->path);
    if (n < 0 || (size_t)n >= cap)
        return ss_err_set(err, SS_EIO, "evidence-dir", "the evidence directory's path is too long");
    return SS_OK;
}
