/*
 * store_completeness.c - the rows reporting completeness reads
 * (store_completeness.h). One text for both backends: the audit log's
 * row images are JSON text on both (SQLite's json_object writes no
 * spaces, PostgreSQL's jsonb writes '": "'), so the status is matched
 * with the spaces taken out. A value cannot fake the match: inside a JSON
 * string a quote is escaped, so '"status":"submitted"' appears only as
 * the member itself.
 */
#include "store/store_completeness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/model.h"
#include "store/store_db.h"
#include "store/store_int.h"

#define GROW(p, n, cap)                                                                            \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) ? (cap)*2 : 64;                                                          \
            (p) = ss_xrealloc((p), (cap) * sizeof *(p));                                           \
        }                                                                                          \
    } while (0)

int ss_store_cmpl_assignments(struct ss_store *st, int64_t plan_id, int32_t upto,
                              struct ss_cmpl_assignment **out, size_t *n, struct ss_err *err)
{
    struct store_stmt *s;
    size_t cap = 0;
    int rc = SS_OK, step;

    *out = NULL;
    *n = 0;
    s = store_prepare(st,
                      "SELECT a.target_id, a.org_id,"
                      " (SELECT max(r.as_of) FROM report r WHERE r.target_id = a.target_id"
                      "   AND r.org_id = a.org_id AND r.as_of <= ?2"
                      "   AND r.status IN ('submitted', 'approved'))"
                      " FROM assignment a JOIN target t ON t.id = a.target_id"
                      " WHERE t.plan_id = ?1 AND a.org_id IS NOT NULL AND a.dept_id IS NULL"
                      " ORDER BY a.target_id, a.org_id",
                      err);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    store_bind_date(s, 2, upto);
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_cmpl_assignment *a;

        GROW(*out, *n, cap);
        a = &(*out)[(*n)++];
        a->target_id = store_col_int64(s, 0);
        a->org_id = store_col_int64(s, 1);
        a->last_report = store_col_null(s, 2) ? SS_NO_DATE : store_col_date(s, 2);
    }
    if (step != STORE_DONE)
        rc = store_db_error(st, err, "reading the assignments");
    store_finalize(s);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* An audit entry of report r whose image holds status S. */
#define AUDIT_STATUS(S)                                                                            \
    "(l.tbl = 'report' AND l.row_id = r.id"                                                        \
    " AND replace(l.row_json, ' ', '') LIKE '%\"status\":\"" S "\"%')"

int ss_store_cmpl_reports(struct ss_store *st, int64_t plan_id, int32_t from, int32_t to,
                          struct ss_cmpl_report **out, size_t *n, struct ss_err *err)
{
    struct store_stmt *s;
    size_t cap = 0;
    int rc = SS_OK, step;

    *out = NULL;
    *n = 0;
    s = store_prepare(
        st,
        "SELECT r.id, r.target_id, r.org_id, r.as_of, r.status,"
        " coalesce((SELECT min(l.at) FROM audit_log l"
        "   WHERE " AUDIT_STATUS("submitted") " OR " AUDIT_STATUS(
            "approved") "),"
                        "  CASE WHEN r.status IN ('submitted', 'approved') THEN r.created_at END),"
                        " (SELECT count(*) FROM audit_log l WHERE " AUDIT_STATUS(
                            "returned") ")"
                                        " FROM report r JOIN target t ON t.id = r.target_id"
                                        " WHERE t.plan_id = ?1 AND r.as_of >= ?2 AND r.as_of <= ?3"
                                        " ORDER BY r.id",
        err);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    store_bind_date(s, 2, from);
    store_bind_date(s, 3, to);
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_cmpl_report *x;
        const char *v;

        GROW(*out, *n, cap);
        x = &(*out)[(*n)++];
        memset(x, 0, sizeof *x);
        x->id = store_col_int64(s, 0);
        x->target_id = store_col_int64(s, 1);
        x->org_id = store_col_int64(s, 2);
        x->as_of = store_col_date(s, 3);
        snprintf(x->status, sizeof x->status, "%s", (v = store_col_text(s, 4)) ? v : "");
        snprintf(x->handed_in, sizeof x->handed_in, "%s", (v = store_col_text(s, 5)) ? v : "");
        x->returned = store_col_int64(s, 6) > 0;
    }
    if (step != STORE_DONE)
        rc = store_db_error(st, err, "reading the period's reports");
    store_finalize(s);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
