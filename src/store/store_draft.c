/*
 * store_draft.c - edits of a draft plan's targets (store_draft.h).
 *
 * Every edit follows one shape: check the inputs, BEGIN IMMEDIATE, read the
 * target(s) and refuse unless their plan is a draft, write, COMMIT; any
 * error after BEGIN rolls back, so a refused or failed edit leaves the plan
 * exactly as it was.
 *
 * Order: a project's targets are ordered by (seq, id). Seq values need not
 * be consecutive; a split renumbers the project so that the new parts sit
 * right after the target they came from. Parents come before their parts,
 * which is what a plan's JSON form (parent = an earlier index) needs; a
 * merge keeps that by letting the merged target take the earlier of the
 * two places when the later one would otherwise precede its new parts.
 */
#include "store/store_draft.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "store/store_int.h"

static const char JOIN[] = "；";

struct row {
    int64_t id, plan_id, project_id, parent_id;
    int seq, project_no, active;
    double value;
    char *text, *unit;
};

static void row_cleanup(struct row *r)
{
    free(r->text);
    free(r->unit);
    memset(r, 0, sizeof *r);
}

static int check_text(const char *field, const char *s, size_t max, int required,
                      struct ss_err *err)
{
    size_t n;

    if (!s)
        return SS_OK;
    n = strlen(s);
    if (required && n == 0)
        return ss_err_set(err, SS_EINVAL, field, "must not be empty");
    if (n > max)
        return ss_err_set(err, SS_EINVAL, field, "is %zu bytes long; at most %zu are allowed", n,
                          max);
    if (!ss_utf8_valid(s, n))
        return ss_err_set(err, SS_EINVAL, field, "is not valid UTF-8");
    return SS_OK;
}

static int check_value(const char *field, double v, struct ss_err *err)
{
    if (!isfinite(v) || v < 0)
        return ss_err_set(err, SS_EINVAL, field, "'%g' is not a finite number >= 0", v);
    return SS_OK;
}

/* The invariant of a stored schedule (the rule with its reasons is core's,
 * core/plan_change.h): twelve cumulative shares in [0, 1], never going
 * down, the last 1. */
static int check_profile(const double p[12], struct ss_err *err)
{
    int m;

    for (m = 0; m < 12; m++)
        if (!isfinite(p[m]) || p[m] < 0 || p[m] > 1 || (m && p[m] < p[m - 1]))
            return ss_err_set(err, SS_EINVAL, "profile",
                              "month %d: a schedule is twelve cumulative shares from 0 to 1 that "
                              "never go down",
                              m + 1);
    if (p[11] != 1)
        return ss_err_set(err, SS_EINVAL, "profile", "month 12 must be 1 (all of it due)");
    return SS_OK;
}

static void profile_text(const double p[12], struct ss_buf *b)
{
    int m;

    for (m = 0; m < 12; m++) {
        if (m)
            ss_buf_putc(b, ',');
        ss_buf_num(b, p[m], 6);
    }
}

static int begin(struct ss_store *st, struct ss_err *err)
{
    if (store_tx_begin(st, NULL))
        return store_db_error(st, err, "starting the edit (is the database busy?)");
    return SS_OK;
}

static const char *state_name(const char *s)
{
    return s ? s : "?";
}

static int load_row_in(struct ss_store *st, int64_t id, struct row *r, int allow_active,
                       struct ss_err *err);

/* Read target id inside the transaction and refuse unless its plan is a
 * draft. */
static int load_row(struct ss_store *st, int64_t id, struct row *r, struct ss_err *err)
{
    return load_row_in(st, id, r, 0, err);
}

/* The same, also letting an active plan's target through when
 * allow_active (its schedule may change); r->active says which it was. */
static int load_row_in(struct ss_store *st, int64_t id, struct row *r, int allow_active,
                       struct ss_err *err)
{
    sqlite3_stmt *s;
    int rc = SS_OK;

    memset(r, 0, sizeof *r);
    s = store_prepare(st,
                      "SELECT t.id, t.plan_id, t.project_id, coalesce(t.parent_id, 0), t.seq,"
                      " pr.no, t.value, t.text, t.unit, p.state "
                      "FROM target t JOIN plan p ON p.id = t.plan_id "
                      "JOIN project pr ON pr.id = t.project_id WHERE t.id = ?",
                      err);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return ss_err_set(err, SS_ENOTFOUND, "target", "there is no target #%lld", (long long)id);
    }
    r->id = sqlite3_column_int64(s, 0);
    r->plan_id = sqlite3_column_int64(s, 1);
    r->project_id = sqlite3_column_int64(s, 2);
    r->parent_id = sqlite3_column_int64(s, 3);
    r->seq = sqlite3_column_int(s, 4);
    r->project_no = sqlite3_column_int(s, 5);
    r->value = sqlite3_column_double(s, 6);
    r->text = store_col_strdup(s, 7);
    r->unit = store_col_strdup(s, 8);
    if (!r->text)
        r->text = ss_xstrdup("");
    if (!r->unit)
        r->unit = ss_xstrdup("");
    {
        const char *state = (const char *)sqlite3_column_text(s, 9);
        r->active = state && strcmp(state, "active") == 0;
        if (!state || (strcmp(state, "draft") != 0 && !(allow_active && r->active)))
            rc = ss_err_set(err, SS_ECONFLICT, "target",
                            "only a draft plan can be edited: target #%lld belongs to plan "
                            "%lld, which is %s%s",
                            (long long)id, (long long)r->plan_id, state_name(state),
                            r->active ? " (of an active plan's targets only the schedule "
                                        "changes)"
                                      : "");
    }
    sqlite3_finalize(s);
    if (rc)
        row_cleanup(r);
    return rc;
}

/* Run s (parameters bound) to completion; *changes gets the row count. */
static int step_done(struct ss_store *st, sqlite3_stmt *s, int *changes, struct ss_err *err)
{
    if (sqlite3_step(s) != SQLITE_DONE)
        return store_db_error(st, err, "saving the edit");
    if (changes)
        *changes = sqlite3_changes(st->db);
    return SS_OK;
}

/* Run one statement whose only parameter is an id; *changes (may be NULL)
 * receives the rows it touched. */
static int run_with_id(struct ss_store *st, const char *sql, int64_t id, int *changes,
                       struct ss_err *err)
{
    sqlite3_stmt *s = store_prepare(st, sql, err);
    int rc;

    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, id);
    rc = step_done(st, s, changes, err);
    sqlite3_finalize(s);
    return rc;
}

static int commit(struct ss_store *st, struct ss_err *err)
{
    return store_tx_commit(st, err);
}

static void rollback(struct ss_store *st)
{
    store_tx_rollback(st);
}

int ss_store_target_home(struct ss_store *st, int64_t target_id, struct ss_target_home *out,
                         struct ss_err *err)
{
    sqlite3_stmt *s;
    int rc = SS_OK;

    s = store_prepare(st,
                      "SELECT t.plan_id, p.state, pr.no FROM target t "
                      "JOIN plan p ON p.id = t.plan_id JOIN project pr ON pr.id = t.project_id "
                      "WHERE t.id = ?",
                      err);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(s, 1);
        out->plan_id = sqlite3_column_int64(s, 0);
        out->state = !state                           ? SS_PLAN_ACTIVE
                     : strcmp(state, "draft") == 0    ? SS_PLAN_DRAFT
                     : strcmp(state, "archived") == 0 ? SS_PLAN_ARCHIVED
                                                      : SS_PLAN_ACTIVE;
        out->project_no = sqlite3_column_int(s, 2);
    } else {
        rc = ss_err_set(err, SS_ENOTFOUND, "target", "there is no target #%lld",
                        (long long)target_id);
    }
    sqlite3_finalize(s);
    return rc;
}

int ss_store_target_update(struct ss_store *st, int64_t target_id, const struct ss_target_edit *e,
                           struct ss_err *err)
{
    sqlite3_stmt *s = NULL;
    struct row r;
    struct ss_buf prof;
    int64_t dept = 0;
    int rc, only_schedule = e->set_profile && !e->text && !e->metric && !e->unit && !e->dept &&
                            !e->set_value && !e->set_op && !e->set_kind;

    memset(&r, 0, sizeof r);
    ss_buf_init(&prof, 256);
    if (e->set_profile && e->has_profile && (rc = check_profile(e->profile, err)))
        return rc;
    if ((rc = check_text("text", e->text, SS_MAX_TARGET_TEXT, 1, err)) ||
        (rc = check_text("metric", e->metric, SS_MAX_NAME, 1, err)) ||
        (rc = check_text("unit", e->unit, SS_MAX_UNIT, 0, err)) ||
        (rc = check_text("dept", e->dept, SS_MAX_NAME, 0, err)) ||
        (e->set_value && (rc = check_value("value", e->value, err))))
        return rc;
    if ((e->set_op && !strcmp(ss_op_str(e->op), "?")) ||
        (e->set_kind && !strcmp(ss_kind_str(e->kind), "?")))
        return ss_err_set(err, SS_EINVAL, e->set_op ? "op" : "kind", "is not a known value");
    if ((rc = begin(st, err)))
        return rc;
    if ((rc = load_row_in(st, target_id, &r, only_schedule, err)))
        goto fail;
    if (e->dept && (dept = store_department_id(st, e->dept, err)) < 0) {
        rc = SS_EDB;
        goto fail;
    }
    s = store_prepare(st,
                      "UPDATE target SET text = coalesce(?1, text), metric = coalesce(?2, metric),"
                      " unit = coalesce(?3, unit), value = CASE WHEN ?4 THEN ?5 ELSE value END,"
                      " op = coalesce(?6, op), kind = coalesce(?7, kind),"
                      " dept_id = CASE WHEN ?8 THEN ?9 ELSE dept_id END,"
                      " profile = CASE WHEN ?11 THEN ?12 ELSE profile END WHERE id = ?10",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    store_bind_text(s, 1, e->text);
    store_bind_text(s, 2, e->metric);
    store_bind_text(s, 3, e->unit);
    sqlite3_bind_int(s, 4, e->set_value != 0);
    sqlite3_bind_double(s, 5, e->set_value ? e->value : 0);
    store_bind_text(s, 6, e->set_op ? ss_op_str(e->op) : NULL);
    store_bind_text(s, 7, e->set_kind ? ss_kind_str(e->kind) : NULL);
    sqlite3_bind_int(s, 8, e->dept != NULL);
    if (dept > 0)
        sqlite3_bind_int64(s, 9, dept);
    else
        sqlite3_bind_null(s, 9);
    sqlite3_bind_int64(s, 10, target_id);
    sqlite3_bind_int(s, 11, e->set_profile != 0);
    if (e->set_profile && e->has_profile) {
        profile_text(e->profile, &prof);
        sqlite3_bind_text(s, 12, prof.data, (int)prof.len, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(s, 12);
    }
    if ((rc = step_done(st, s, NULL, err)) || (rc = commit(st, err)))
        goto fail;
    sqlite3_finalize(s);
    row_cleanup(&r);
    ss_buf_cleanup(&prof);
    return SS_OK;
fail:
    sqlite3_finalize(s);
    rollback(st);
    row_cleanup(&r);
    ss_buf_cleanup(&prof);
    return rc;
}

int ss_store_project_lead(struct ss_store *st, int64_t plan_id, int project_no, const char *dept,
                          struct ss_err *err)
{
    sqlite3_stmt *s = NULL;
    const char *state;
    int64_t project_id, dept_id = 0;
    int rc;

    if ((rc = check_text("lead_dept", dept, SS_MAX_NAME, 0, err)))
        return rc;
    if (dept && strcmp(dept, "unknown") == 0)
        dept = NULL; /* how a plan without one is written */
    if ((rc = begin(st, err)))
        return rc;
    s = store_prepare(st,
                      "SELECT p.state, pr.id FROM plan p LEFT JOIN project pr"
                      " ON pr.plan_id = p.id AND pr.no = ?2 WHERE p.id = ?1",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    sqlite3_bind_int64(s, 1, plan_id);
    sqlite3_bind_int(s, 2, project_no);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = ss_err_set(err, SS_ENOTFOUND, "plan", "there is no plan %lld", (long long)plan_id);
        goto fail;
    }
    state = (const char *)sqlite3_column_text(s, 0);
    if (!state || strcmp(state, "archived") == 0) {
        rc = ss_err_set(err, SS_ECONFLICT, "plan",
                        "plan %lld is archived: only a draft or the active plan changes",
                        (long long)plan_id);
        goto fail;
    }
    project_id = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    s = NULL;
    if (!project_id) {
        rc = ss_err_set(err, SS_ENOTFOUND, "project", "plan %lld has no project %d",
                        (long long)plan_id, project_no);
        goto fail;
    }
    if (dept && *dept && (dept_id = store_department_id(st, dept, err)) < 0) {
        rc = SS_EDB;
        goto fail;
    }
    s = store_prepare(st, "UPDATE project SET lead_dept_id = ? WHERE id = ?", err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    if (dept_id > 0)
        sqlite3_bind_int64(s, 1, dept_id);
    else
        sqlite3_bind_null(s, 1);
    sqlite3_bind_int64(s, 2, project_id);
    if ((rc = step_done(st, s, NULL, err)) || (rc = commit(st, err)))
        goto fail;
    sqlite3_finalize(s);
    return SS_OK;
fail:
    sqlite3_finalize(s);
    rollback(st);
    return rc;
}

int ss_store_target_add(struct ss_store *st, int64_t plan_id, int project_no,
                        const struct ss_target *t, int64_t *id, struct ss_err *err)
{
    sqlite3_stmt *s = NULL;
    int64_t project_id = 0, dept = 0;
    int seq = 0, rc;
    const char *metric = t->metric ? t->metric : t->text;

    if (!t->text)
        return ss_err_set(err, SS_EINVAL, "text", "is required");
    if ((rc = check_text("text", t->text, SS_MAX_TARGET_TEXT, 1, err)) ||
        (rc = check_text("metric", metric, SS_MAX_NAME, 1, err)) ||
        (rc = check_text("unit", t->unit, SS_MAX_UNIT, 0, err)) ||
        (rc = check_text("dept", t->dept, SS_MAX_NAME, 0, err)) ||
        (rc = check_value("value", t->value, err)))
        return rc;
    if (!strcmp(ss_op_str(t->op), "?") || !strcmp(ss_kind_str(t->kind), "?"))
        return ss_err_set(err, SS_EINVAL, "op", "op or kind is not a known value");
    if ((rc = begin(st, err)))
        return rc;
    s = store_prepare(st,
                      "SELECT p.state, pr.id, (SELECT coalesce(max(seq) + 1, 0) FROM target"
                      " WHERE project_id = pr.id) FROM plan p "
                      "LEFT JOIN project pr ON pr.plan_id = p.id AND pr.no = ?2 WHERE p.id = ?1",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    sqlite3_bind_int64(s, 1, plan_id);
    sqlite3_bind_int(s, 2, project_no);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = ss_err_set(err, SS_ENOTFOUND, "plan", "there is no plan %lld", (long long)plan_id);
        goto fail;
    }
    {
        const char *state = (const char *)sqlite3_column_text(s, 0);
        if (!state || strcmp(state, "draft") != 0) {
            rc = ss_err_set(err, SS_ECONFLICT, "plan",
                            "only a draft plan can be edited: plan %lld is %s", (long long)plan_id,
                            state_name(state));
            goto fail;
        }
    }
    project_id = sqlite3_column_int64(s, 1);
    seq = sqlite3_column_int(s, 2);
    sqlite3_finalize(s);
    s = NULL;
    if (!project_id) {
        rc = ss_err_set(err, SS_ENOTFOUND, "project", "plan %lld has no project %d",
                        (long long)plan_id, project_no);
        goto fail;
    }
    if (t->dept && (dept = store_department_id(st, t->dept, err)) < 0) {
        rc = SS_EDB;
        goto fail;
    }
    s = store_prepare(st,
                      "INSERT INTO target(plan_id, project_id, seq, text, metric, value, unit, op,"
                      " kind, dept_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    sqlite3_bind_int64(s, 1, plan_id);
    sqlite3_bind_int64(s, 2, project_id);
    sqlite3_bind_int(s, 3, seq);
    store_bind_text(s, 4, t->text);
    store_bind_text(s, 5, metric);
    sqlite3_bind_double(s, 6, t->value);
    store_bind_text(s, 7, t->unit ? t->unit : "");
    sqlite3_bind_text(s, 8, ss_op_str(t->op), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, ss_kind_str(t->kind), -1, SQLITE_STATIC);
    if (dept > 0)
        sqlite3_bind_int64(s, 10, dept);
    if ((rc = step_done(st, s, NULL, err)))
        goto fail;
    *id = sqlite3_last_insert_rowid(st->db);
    if ((rc = commit(st, err)))
        goto fail;
    sqlite3_finalize(s);
    return SS_OK;
fail:
    sqlite3_finalize(s);
    rollback(st);
    return rc;
}

/* Renumber the project's targets 0, 1, ... in (seq, id) order, leaving a
 * gap of `gap` places after target `after`. */
static int renumber(struct ss_store *st, int64_t project_id, int64_t after, int gap,
                    struct ss_err *err)
{
    sqlite3_stmt *sel, *upd = NULL;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0, i;
    int seq = 0, rc = SS_OK;

    sel = store_prepare(st, "SELECT id FROM target WHERE project_id = ? ORDER BY seq, id", err);
    if (!sel)
        return SS_EDB;
    sqlite3_bind_int64(sel, 1, project_id);
    while (sqlite3_step(sel) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            ids = ss_xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = sqlite3_column_int64(sel, 0);
    }
    sqlite3_finalize(sel);
    upd = store_prepare(st, "UPDATE target SET seq = ? WHERE id = ?", err);
    if (!upd) {
        rc = SS_EDB;
        goto out;
    }
    for (i = 0; i < n; i++) {
        sqlite3_reset(upd);
        sqlite3_bind_int(upd, 1, seq);
        sqlite3_bind_int64(upd, 2, ids[i]);
        if ((rc = step_done(st, upd, NULL, err)))
            goto out;
        seq += ids[i] == after ? 1 + gap : 1;
    }
out:
    sqlite3_finalize(upd);
    free(ids);
    return rc;
}

int ss_store_target_split(struct ss_store *st, int64_t target_id, const double *values,
                          const char *const *metrics, size_t n, int64_t *new_ids,
                          struct ss_err *err)
{
    sqlite3_stmt *s = NULL;
    struct row r;
    size_t i;
    int rc;

    memset(&r, 0, sizeof r);
    if (n < 2 || n > SS_MAX_SPLIT)
        return ss_err_set(err, SS_EINVAL, "values", "a split makes 2 to %d parts; %zu were given",
                          SS_MAX_SPLIT, n);
    for (i = 0; i < n; i++) {
        if (!metrics[i])
            return ss_err_set(err, SS_EINVAL, "metrics", "part %zu has no metric", i + 1);
        if ((rc = check_value("values", values[i], err)) ||
            (rc = check_text("metrics", metrics[i], SS_MAX_NAME, 1, err)))
            return rc;
    }
    if ((rc = begin(st, err)))
        return rc;
    if ((rc = load_row(st, target_id, &r, err)) ||
        (rc = renumber(st, r.project_id, target_id, (int)n - 1, err)))
        goto fail;
    s = store_prepare(st, "UPDATE target SET value = ?, metric = ? WHERE id = ?", err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    sqlite3_bind_double(s, 1, values[0]);
    store_bind_text(s, 2, metrics[0]);
    sqlite3_bind_int64(s, 3, target_id);
    if ((rc = step_done(st, s, NULL, err)))
        goto fail;
    sqlite3_finalize(s);
    s = store_prepare(st,
                      "INSERT INTO target(plan_id, project_id, seq, text, metric, value, unit, op,"
                      " kind, parent_id, dept_id, profile) SELECT plan_id, project_id, seq + ?1,"
                      " text, ?2, ?3, unit, op, kind, parent_id, dept_id, profile FROM target"
                      " WHERE id = ?4",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    for (i = 1; i < n; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int(s, 1, (int)i);
        store_bind_text(s, 2, metrics[i]);
        sqlite3_bind_double(s, 3, values[i]);
        sqlite3_bind_int64(s, 4, target_id);
        if ((rc = step_done(st, s, NULL, err)))
            goto fail;
        if (new_ids)
            new_ids[i - 1] = sqlite3_last_insert_rowid(st->db);
    }
    if ((rc = commit(st, err)))
        goto fail;
    sqlite3_finalize(s);
    row_cleanup(&r);
    return SS_OK;
fail:
    sqlite3_finalize(s);
    rollback(st);
    row_cleanup(&r);
    return rc;
}

/* 1 if target `id` has `anc` among its ancestors. */
static int descends_from(struct ss_store *st, int64_t id, int64_t anc)
{
    sqlite3_stmt *s =
        store_prepare(st, "SELECT coalesce(parent_id, 0) FROM target WHERE id = ?", NULL);
    int depth, found = 0;

    if (!s)
        return 0;
    /* Breakdowns are shallow; the bound only guards against a cycle. */
    for (depth = 0; depth < 64 && id && !found; depth++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, id);
        id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
        found = id == anc;
    }
    sqlite3_finalize(s);
    return found;
}

/* 1 if target x comes before target y in their project's order. */
static int precedes(const struct row *x, const struct row *y)
{
    return x->seq < y->seq || (x->seq == y->seq && x->id < y->id);
}

int ss_store_target_merge(struct ss_store *st, int64_t a, int64_t b, int *moved, struct ss_err *err)
{
    sqlite3_stmt *s = NULL;
    struct row ra, rb, rp;
    struct ss_buf text;
    int64_t parent;
    int seq, nmoved = 0, began = 0, rc;

    memset(&ra, 0, sizeof ra);
    memset(&rb, 0, sizeof rb);
    memset(&rp, 0, sizeof rp);
    ss_buf_init(&text, SS_MAX_TARGET_TEXT);
    if (a == b) {
        rc = ss_err_set(err, SS_EINVAL, "target", "cannot merge target #%lld with itself",
                        (long long)a);
        goto out;
    }
    if ((rc = begin(st, err)))
        goto out;
    began = 1;
    if ((rc = load_row(st, a, &ra, err)) || (rc = load_row(st, b, &rb, err)))
        goto out;
    if (ra.project_id != rb.project_id) {
        rc = ss_err_set(err, SS_ECONFLICT, "target",
                        "targets #%lld and #%lld are in different projects (%d and %d); only "
                        "targets of one project can be merged",
                        (long long)a, (long long)b, ra.project_no, rb.project_no);
        goto out;
    }
    if (strcmp(ra.unit, rb.unit) != 0) {
        rc = ss_err_set(err, SS_ECONFLICT, "unit",
                        "targets #%lld and #%lld count in different units ('%s' and '%s'); "
                        "correct one with plan target set --unit first",
                        (long long)a, (long long)b, ra.unit, rb.unit);
        goto out;
    }
    if (!isfinite(ra.value + rb.value)) {
        rc = ss_err_set(err, SS_EINVAL, "value", "the sum of the two values is too large");
        goto out;
    }
    ss_buf_puts(&text, ra.text);
    ss_buf_puts(&text, JOIN);
    ss_buf_puts(&text, rb.text);
    if (text.err || text.len > SS_MAX_TARGET_TEXT) {
        rc = ss_err_set(err, SS_EINVAL, "text",
                        "the joined text would be longer than %d bytes; shorten one with "
                        "plan target set --text first",
                        SS_MAX_TARGET_TEXT);
        goto out;
    }
    /* a inside b's breakdown: a leaves it (taking b's parent), else b's
     * parts would become a's and a would be its own ancestor. */
    parent = descends_from(st, a, b) ? rb.parent_id : ra.parent_id;
    /* a takes b's place when b comes first and has parts, so that the parts
     * still follow their parent; unless a's parent would then follow a. */
    seq = ra.seq;
    if (precedes(&rb, &ra)) {
        int keep = 0;
        if (parent) {
            if ((rc = load_row(st, parent, &rp, err)))
                goto out;
            keep = precedes(&rb, &rp);
        }
        if (!keep)
            seq = rb.seq;
    }
    s = store_prepare(st, "UPDATE target SET parent_id = ?1 WHERE parent_id = ?2 AND id != ?1",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    sqlite3_bind_int64(s, 1, a);
    sqlite3_bind_int64(s, 2, b);
    if ((rc = step_done(st, s, &nmoved, err)))
        goto out;
    sqlite3_finalize(s);
    s = store_prepare(st,
                      "UPDATE target SET value = ?1, text = ?2, parent_id = ?3, seq = ?4"
                      " WHERE id = ?5",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto out;
    }
    sqlite3_bind_double(s, 1, ra.value + rb.value);
    sqlite3_bind_text(s, 2, text.data, (int)text.len, SQLITE_STATIC);
    if (parent)
        sqlite3_bind_int64(s, 3, parent);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_int(s, 4, seq);
    sqlite3_bind_int64(s, 5, a);
    if ((rc = step_done(st, s, NULL, err)))
        goto out;
    sqlite3_finalize(s);
    s = NULL;
    if ((rc = run_with_id(st, "DELETE FROM target WHERE id = ?", b, NULL, err)) ||
        (rc = commit(st, err)))
        goto out;
    if (moved)
        *moved = nmoved;
out:
    if (rc && began)
        rollback(st);
    sqlite3_finalize(s);
    row_cleanup(&ra);
    row_cleanup(&rb);
    row_cleanup(&rp);
    ss_buf_cleanup(&text);
    return rc;
}

int ss_store_target_drop(struct ss_store *st, int64_t target_id, int *orphaned, struct ss_err *err)
{
    struct row r;
    int n = 0, rc;

    if ((rc = begin(st, err)))
        return rc;
    if ((rc = load_row(st, target_id, &r, err)) ||
        (rc = run_with_id(st, "UPDATE target SET parent_id = NULL WHERE parent_id = ?", target_id,
                          &n, err)) ||
        (rc = run_with_id(st, "DELETE FROM target WHERE id = ?", target_id, NULL, err)) ||
        (rc = commit(st, err))) {
        rollback(st);
        row_cleanup(&r);
        return rc;
    }
    row_cleanup(&r);
    if (orphaned)
        *orphaned = n;
    return SS_OK;
}
