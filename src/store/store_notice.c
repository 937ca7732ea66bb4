/*
 * store_notice.c - supervision notices as rows (store_notice.h).
 *
 * The tables come from migration 12 (store_schema.c); their audit
 * triggers from store_audit.c's list. A database opened read-only before
 * its migration has no notices: the readers answer none.
 */
#include "store/store_notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/store_db.h"
#include "store/store_int.h"

#define COLS                                                                                       \
    "id, plan_id, year, no, grade, status, cause, target_id, org_id, escalated_org_id,"            \
    " escalations, dept, period, as_of, figures, action, issued_on, deadline, issued_by,"          \
    " to_close, answer, measures, answer_due, answered_on, answered_by, closed_on, closed_by,"     \
    " comment"

static void text_to(struct store_stmt *s, int i, char *out, size_t cap)
{
    const char *t = store_col_text(s, i);

    snprintf(out, cap, "%s", t ? t : "");
}

static void row_read(struct store_stmt *s, struct ss_notice *n)
{
    memset(n, 0, sizeof *n);
    n->id = store_col_int64(s, 0);
    n->plan_id = store_col_int64(s, 1);
    n->year = (int)store_col_int64(s, 2);
    n->no = (int)store_col_int64(s, 3);
    text_to(s, 4, n->grade, sizeof n->grade);
    text_to(s, 5, n->status, sizeof n->status);
    text_to(s, 6, n->cause, sizeof n->cause);
    n->target_id = store_col_int64(s, 7);
    n->org_id = store_col_int64(s, 8);
    n->escalated_org_id = store_col_null(s, 9) ? 0 : store_col_int64(s, 9);
    n->escalations = (int)store_col_int64(s, 10);
    n->dept = store_col_strdup(s, 11);
    text_to(s, 12, n->period, sizeof n->period);
    text_to(s, 13, n->as_of, sizeof n->as_of);
    n->figures = store_col_strdup(s, 14);
    n->action = store_col_strdup(s, 15);
    text_to(s, 16, n->issued_on, sizeof n->issued_on);
    text_to(s, 17, n->deadline, sizeof n->deadline);
    n->issued_by = store_col_strdup(s, 18);
    n->to_close = (int)store_col_int64(s, 19);
    n->answer = store_col_strdup(s, 20);
    n->measures = store_col_strdup(s, 21);
    text_to(s, 22, n->answer_due, sizeof n->answer_due);
    text_to(s, 23, n->answered_on, sizeof n->answered_on);
    n->answered_by = store_col_strdup(s, 24);
    text_to(s, 25, n->closed_on, sizeof n->closed_on);
    n->closed_by = store_col_strdup(s, 26);
    n->comment = store_col_strdup(s, 27);
}

void ss_store_notice_cleanup(struct ss_notice *n)
{
    free(n->dept);
    free(n->figures);
    free(n->action);
    free(n->issued_by);
    free(n->answer);
    free(n->measures);
    free(n->answered_by);
    free(n->closed_by);
    free(n->comment);
    memset(n, 0, sizeof *n);
}

void ss_store_notices_free(struct ss_notice *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        ss_store_notice_cleanup(&list[i]);
    free(list);
}

void ss_store_notice_events_free(struct ss_notice_event *ev, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(ev[i].actor);
        free(ev[i].text);
    }
    free(ev);
}

static int has_tables(struct ss_store *st)
{
    return ss_store_schema_version(st) >= STORE_SCHEMA_NOTICES;
}

/* "" as NULL, for the optional text columns. */
static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

/* The year of a "YYYY-MM-DD" date. */
static int year_of(const char *d)
{
    int y = 0, i;

    for (i = 0; i < 4 && d[i] >= '0' && d[i] <= '9'; i++)
        y = 10 * y + (d[i] - '0');
    return y;
}

int ss_store_notice_insert(struct ss_store *st, const struct ss_notice *n, int64_t *id, int *no,
                           struct ss_err *err)
{
    struct store_stmt *s = NULL;
    int rc, year = year_of(n->issued_on);
    int64_t next;

    if ((rc = store_tx_join(st, err)))
        return rc;
    /* checked first: on PostgreSQL a unique violation would end the
     * caller's transaction */
    if (!(s = store_prepare(st,
                            "SELECT count(*) FROM notice WHERE target_id = ?1 AND org_id = ?2"
                            " AND status <> 'closed'",
                            err)))
        goto fail_db;
    store_bind_int64(s, 1, n->target_id);
    store_bind_int64(s, 2, n->org_id);
    if (store_step(s) != STORE_ROW)
        goto fail_db;
    if (store_col_int64(s, 0) > 0) {
        rc = ss_err_set(err, SS_ECONFLICT, "target",
                        "target %lld already has an open notice at this org unit: one open "
                        "notice per target and unit",
                        (long long)n->target_id);
        goto fail;
    }
    store_finalize(s);
    /* the writers' lock is held (BEGIN IMMEDIATE; PostgreSQL's advisory
     * lock): max + 1 cannot race */
    if (!(s = store_prepare(st,
                            "SELECT coalesce(max(no), 0) + 1 FROM notice WHERE plan_id = ?1 AND"
                            " year = ?2",
                            err)))
        goto fail_db;
    store_bind_int64(s, 1, n->plan_id);
    store_bind_int64(s, 2, year);
    if (store_step(s) != STORE_ROW)
        goto fail_db;
    next = store_col_int64(s, 0);
    store_finalize(s);
    s = store_prepare(st,
                      "INSERT INTO notice(plan_id, year, no, grade, status, cause, target_id,"
                      " org_id, escalated_org_id, escalations, dept, period, as_of, figures,"
                      " action, issued_on, deadline, issued_by, to_close) VALUES (?1, ?2, ?3, ?4,"
                      " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
                      " RETURNING id",
                      err);
    if (!s)
        goto fail_db;
    store_bind_int64(s, 1, n->plan_id);
    store_bind_int64(s, 2, year);
    store_bind_int64(s, 3, next);
    store_bind_text(s, 4, n->grade);
    store_bind_text(s, 5, n->status);
    store_bind_text(s, 6, n->cause);
    store_bind_int64(s, 7, n->target_id);
    store_bind_int64(s, 8, n->org_id);
    if (n->escalated_org_id)
        store_bind_int64(s, 9, n->escalated_org_id);
    else
        store_bind_null(s, 9);
    store_bind_int64(s, 10, n->escalations);
    store_bind_text(s, 11, opt(n->dept));
    store_bind_text(s, 12, opt(n->period));
    store_bind_text(s, 13, opt(n->as_of));
    store_bind_text(s, 14, opt(n->figures));
    store_bind_text(s, 15, n->action ? n->action : "");
    store_bind_text(s, 16, n->issued_on);
    store_bind_text(s, 17, n->deadline);
    store_bind_text(s, 18, n->issued_by ? n->issued_by : st->actor);
    store_bind_int64(s, 19, n->to_close);
    if (store_step(s) != STORE_ROW)
        goto fail_db;
    *id = store_col_int64(s, 0);
    *no = (int)next;
    store_finalize(s);
    return store_tx_commit(st, err);
fail_db:
    rc = store_db_error(st, err, "storing the notice");
fail:
    store_finalize(s);
    store_tx_rollback(st);
    return rc;
}

int ss_store_notice_update(struct ss_store *st, const struct ss_notice *n, struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "UPDATE notice SET grade = ?2, status = ?3, escalated_org_id = ?4,"
                      " escalations = ?5, deadline = ?6, to_close = ?7, answer = ?8,"
                      " measures = ?9, answer_due = ?10, answered_on = ?11, answered_by = ?12,"
                      " closed_on = ?13, closed_by = ?14, comment = ?15, figures = ?16,"
                      " as_of = ?17 WHERE id = ?1",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, n->id);
    store_bind_text(s, 2, n->grade);
    store_bind_text(s, 3, n->status);
    if (n->escalated_org_id)
        store_bind_int64(s, 4, n->escalated_org_id);
    else
        store_bind_null(s, 4);
    store_bind_int64(s, 5, n->escalations);
    store_bind_text(s, 6, n->deadline);
    store_bind_int64(s, 7, n->to_close);
    store_bind_text(s, 8, opt(n->answer));
    store_bind_text(s, 9, opt(n->measures));
    store_bind_text(s, 10, opt(n->answer_due));
    store_bind_text(s, 11, opt(n->answered_on));
    store_bind_text(s, 12, opt(n->answered_by));
    store_bind_text(s, 13, opt(n->closed_on));
    store_bind_text(s, 14, opt(n->closed_by));
    store_bind_text(s, 15, opt(n->comment));
    store_bind_text(s, 16, opt(n->figures));
    store_bind_text(s, 17, opt(n->as_of));
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "updating the notice");
    else if (store_changes(s) == 0)
        rc = ss_err_set(err, SS_ENOTFOUND, "id", "no notice %lld", (long long)n->id);
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_notice_log(struct ss_store *st, int64_t id, const char *kind, const char *grade,
                        const char *day, const char *text, struct ss_err *err)
{
    struct store_stmt *s;
    char now[21];
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO notice_event(notice_id, kind, grade, day, at, actor, text)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_now(now);
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, kind);
    store_bind_text(s, 3, grade);
    store_bind_text(s, 4, day);
    store_bind_text(s, 5, now);
    store_bind_text(s, 6, st->actor);
    store_bind_text(s, 7, opt(text));
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "recording the notice's history");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

/* One notice by the statement s (its parameters bound): 1, 0, or <0. */
static int read_one(struct store_stmt *s, struct ss_notice *out)
{
    int step = store_step(s), rc;

    if (step == STORE_ROW) {
        row_read(s, out);
        rc = 1;
    } else {
        rc = step == STORE_DONE ? 0 : SS_EDB;
    }
    store_finalize(s);
    return rc;
}

int ss_store_notice_get(struct ss_store *st, int64_t id, struct ss_notice *out)
{
    struct store_stmt *s;
    int rc;

    memset(out, 0, sizeof *out);
    if (!has_tables(st))
        return SS_ENOTFOUND;
    if (!(s = store_prepare(st, "SELECT " COLS " FROM notice WHERE id = ?1", NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, id);
    rc = read_one(s, out);
    return rc == 1 ? SS_OK : rc == 0 ? SS_ENOTFOUND : rc;
}

int ss_store_notice_open(struct ss_store *st, int64_t target_id, int64_t org_id,
                         struct ss_notice *out)
{
    struct store_stmt *s;

    memset(out, 0, sizeof *out);
    if (!has_tables(st))
        return 0;
    if (!(s = store_prepare(st,
                            "SELECT " COLS " FROM notice WHERE target_id = ?1 AND org_id = ?2"
                            " AND status <> 'closed'",
                            NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    return read_one(s, out);
}

int ss_store_notice_for_period(struct ss_store *st, int64_t target_id, int64_t org_id,
                               const char *period)
{
    struct store_stmt *s;
    int rc;

    if (!(s = store_prepare(st,
                            "SELECT count(*) FROM notice WHERE target_id = ?1 AND org_id = ?2"
                            " AND period = ?3",
                            NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    store_bind_text(s, 3, period);
    rc = store_step(s) == STORE_ROW ? store_col_int64(s, 0) > 0 : SS_EDB;
    store_finalize(s);
    return rc;
}

int ss_store_notice_list(struct ss_store *st, int64_t plan_id, const char *status,
                         struct ss_notice **out, size_t *n)
{
    struct store_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (!has_tables(st))
        return SS_OK;
    if (!(s = store_prepare(st,
                            "SELECT " COLS " FROM notice WHERE plan_id = ?1"
                            " AND (CAST(?2 AS TEXT) IS NULL OR status = ?2) ORDER BY id DESC",
                            NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    store_bind_text(s, 2, status);
    while ((step = store_step(s)) == STORE_ROW) {
        row_read(s, SS_PUSH(*out, *n, cap));
    }
    store_finalize(s);
    if (step != STORE_DONE) {
        ss_store_notices_free(*out, *n);
        *out = NULL;
        *n = 0;
        return SS_EDB;
    }
    return SS_OK;
}

int ss_store_notice_events(struct ss_store *st, int64_t id, struct ss_notice_event **out, size_t *n)
{
    struct store_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (!has_tables(st))
        return SS_OK;
    if (!(s = store_prepare(st,
                            "SELECT id, kind, grade, day, at, actor, text FROM notice_event"
                            " WHERE notice_id = ?1 ORDER BY id",
                            NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, id);
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_notice_event *e;
        e = SS_PUSH(*out, *n, cap);
        e->id = store_col_int64(s, 0);
        text_to(s, 1, e->kind, sizeof e->kind);
        text_to(s, 2, e->grade, sizeof e->grade);
        text_to(s, 3, e->day, sizeof e->day);
        text_to(s, 4, e->at, sizeof e->at);
        e->actor = store_col_strdup(s, 5);
        e->text = store_col_strdup(s, 6);
    }
    store_finalize(s);
    if (step != STORE_DONE) {
        ss_store_notice_events_free(*out, *n);
        *out = NULL;
        *n = 0;
        return SS_EDB;
    }
    return SS_OK;
}

int ss_store_notice_rule(struct ss_store *st, int64_t plan_id, const int dflt[3], int days[3])
{
    struct store_stmt *s;
    int step, k;

    for (k = 0; k < 3; k++)
        days[k] = dflt[k];
    if (!has_tables(st))
        return SS_OK;
    if (!(s = store_prepare(st,
                            "SELECT blue_days, yellow_days, red_days FROM notice_rule"
                            " WHERE plan_id = ?1",
                            NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    step = store_step(s);
    if (step == STORE_ROW)
        for (k = 0; k < 3; k++)
            days[k] = (int)store_col_int64(s, k);
    store_finalize(s);
    return step == STORE_ROW || step == STORE_DONE ? SS_OK : SS_EDB;
}

int ss_store_notice_rule_set(struct ss_store *st, int64_t plan_id, const int days[3],
                             struct ss_err *err)
{
    struct store_stmt *s;
    char now[21];
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO notice_rule(plan_id, blue_days, yellow_days, red_days,"
                      " updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                      " ON CONFLICT (plan_id) DO UPDATE SET blue_days = excluded.blue_days,"
                      " yellow_days = excluded.yellow_days, red_days = excluded.red_days,"
                      " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_now(now);
    store_bind_int64(s, 1, plan_id);
    store_bind_int64(s, 2, days[0]);
    store_bind_int64(s, 3, days[1]);
    store_bind_int64(s, 4, days[2]);
    store_bind_text(s, 5, st->actor);
    store_bind_text(s, 6, now);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "storing the notice deadlines");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int64_t ss_store_notice_reports_in(struct ss_store *st, int64_t target_id, int64_t org_id,
                                   int32_t start, int32_t end)
{
    struct store_stmt *s;
    int64_t n;

    if (!(s = store_prepare(st,
                            "SELECT count(*) FROM report WHERE target_id = ?1 AND org_id = ?2"
                            " AND as_of >= ?3 AND as_of <= ?4"
                            " AND status IN ('submitted', 'approved')",
                            NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    store_bind_int64(s, 2, org_id);
    store_bind_date(s, 3, start);
    store_bind_date(s, 4, end);
    n = store_step(s) == STORE_ROW ? store_col_int64(s, 0) : SS_EDB;
    store_finalize(s);
    return n;
}

int ss_store_notice_evidence_add(struct ss_store *st, int64_t id, const char *sha256,
                                 const char *mime, int64_t size, const char *name,
                                 struct ss_err *err)
{
    struct store_stmt *s;
    char now[21];
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO notice_evidence(notice_id, sha256, mime, size, name, created_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                      err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_now(now);
    store_bind_int64(s, 1, id);
    store_bind_text(s, 2, sha256);
    store_bind_text(s, 3, mime);
    store_bind_int64(s, 4, size);
    store_bind_text(s, 5, opt(name));
    store_bind_text(s, 6, now);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "storing the notice's evidence");
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

int ss_store_notice_about(struct ss_store *st, int64_t id, char **target, char **org,
                          int64_t *events)
{
    struct store_stmt *s;
    int rc = SS_ENOTFOUND;

    *target = *org = NULL;
    *events = 0;
    if (!(s = store_prepare(st,
                            "SELECT t.text, o.name, (SELECT count(*) FROM notice_event e"
                            " WHERE e.notice_id = n.id) FROM notice n"
                            " JOIN target t ON t.id = n.target_id"
                            " JOIN org_unit o ON o.id = n.org_id WHERE n.id = ?1",
                            NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, id);
    switch (store_step(s)) {
    case STORE_ROW:
        *target = store_col_strdup(s, 0);
        *org = store_col_strdup(s, 1);
        *events = store_col_int64(s, 2);
        rc = SS_OK;
        break;
    case STORE_DONE:
        break;
    default:
        rc = SS_EDB;
    }
    store_finalize(s);
    return rc;
}

int64_t ss_store_notice_evidence_count(struct ss_store *st, int64_t id)
{
    struct store_stmt *s;
    int64_t n;

    if (!has_tables(st))
        return 0;
    if (!(s = store_prepare(st, "SELECT count(*) FROM notice_evidence WHERE notice_id = ?1", NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, id);
    n = store_step(s) == STORE_ROW ? store_col_int64(s, 0) : SS_EDB;
    store_finalize(s);
    return n;
}

void ss_store_notice_files_free(struct ss_notice_file *f, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(f[i].name);
    free(f);
}

int ss_store_notice_files(struct ss_store *st, int64_t id, struct ss_notice_file **out, size_t *n)
{
    struct store_stmt *s;
    size_t cap = 0;
    int step;

    *out = NULL;
    *n = 0;
    if (!has_tables(st))
        return SS_OK;
    if (!(s = store_prepare(st,
                            "SELECT id, sha256, mime, size, name, created_at FROM notice_evidence"
                            " WHERE notice_id = ?1 ORDER BY id",
                            NULL)))
        return SS_EDB;
    store_bind_int64(s, 1, id);
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_notice_file *f;
        f = SS_PUSH(*out, *n, cap);
        f->id = store_col_int64(s, 0);
        text_to(s, 1, f->sha256, sizeof f->sha256);
        text_to(s, 2, f->mime, sizeof f->mime);
        f->size = store_col_int64(s, 3);
        f->name = store_col_strdup(s, 4);
        text_to(s, 5, f->created_at, sizeof f->created_at);
    }
    store_finalize(s);
    if (step != STORE_DONE) {
        ss_store_notice_files_free(*out, *n);
        *out = NULL;
        *n = 0;
        return SS_EDB;
    }
    return SS_OK;
}
