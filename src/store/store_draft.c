/*
 * store_draft.c - the writes of a plan's corrections (store_draft.h).
 *
 * Every edit follows one shape: join the caller's transaction, read the
 * rows it moves, write, and commit (the caller's outermost commit is the
 * one that counts); any error rolls the whole transaction back, so a
 * failed edit leaves the plan exactly as it was. Which edits a plan
 * allows (drafts only, the active plan's schedules and lead departments),
 * and what makes a text or a value acceptable, is core's
 * (core/plan_edit.c), decided inside the same transaction before it calls
 * these.
 *
 * Order: a project's targets are ordered by (seq, id). Seq values need not
 * be consecutive; a split renumbers the project so that the new parts sit
 * right after the target they came from. Parents come before their parts,
 * which is what a plan's JSON form (parent = an earlier index) needs; a
 * merge keeps that by letting the merged target take the earlier of the
 * two places when the later one would otherwise precede its new parts.
 */
#include "store/store_draft.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "store/store_int.h"

/* Where a target sits in its project's order. */
struct row {
    int64_t id, plan_id, project_id, parent_id;
    int seq;
};

static void profile_text(const double p[12], struct ss_buf *b)
{
    int m;

    for (m = 0; m < 12; m++) {
        if (m)
            ss_buf_putc(b, ',');
        ss_buf_num(b, p[m], 6);
    }
}

/* Run s (parameters bound) to completion; *changes gets the row count. */
static int step_done(struct ss_store *st, struct store_stmt *s, int *changes, struct ss_err *err)
{
    if (store_step(s) != STORE_DONE)
        return store_db_error(st, err, "saving the edit");
    if (changes)
        *changes = (int)store_changes(s);
    return SS_OK;
}

/* Run an INSERT ... RETURNING id (parameters bound); *id gets the new id. */
static int step_id(struct ss_store *st, struct store_stmt *s, int64_t *id, struct ss_err *err)
{
    if (store_step(s) != STORE_ROW)
        return store_db_error(st, err, "saving the edit");
    *id = store_col_int64(s, 0);
    return SS_OK;
}

/* Run one statement whose only parameter is an id; *changes (may be NULL)
 * receives the rows it touched. */
static int run_with_id(struct ss_store *st, const char *sql, int64_t id, int *changes,
                       struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st, sql, err);
    int rc;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, id);
    rc = step_done(st, s, changes, err);
    store_finalize(s);
    return rc;
}

static int begin(struct ss_store *st, struct ss_err *err)
{
    return store_tx_join(st, err);
}

static int commit(struct ss_store *st, struct ss_err *err)
{
    return store_tx_commit(st, err);
}

static void rollback(struct ss_store *st)
{
    store_tx_rollback(st);
}

/* Read target id's place; SS_ENOTFOUND if there is none. */
static int load_row(struct ss_store *st, int64_t id, struct row *r, struct ss_err *err)
{
    struct store_stmt *s;
    int rc = SS_OK, step;

    memset(r, 0, sizeof *r);
    s = store_prepare(st,
                      "SELECT id, plan_id, project_id, coalesce(parent_id, 0), seq FROM target"
                      " WHERE id = ?1",
                      err);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, id);
    if ((step = store_step(s)) == STORE_ROW) {
        r->id = store_col_int64(s, 0);
        r->plan_id = store_col_int64(s, 1);
        r->project_id = store_col_int64(s, 2);
        r->parent_id = store_col_int64(s, 3);
        r->seq = (int)store_col_int64(s, 4);
    } else if (step == STORE_FAIL) {
        rc = store_db_error(st, err, "reading a target");
    } else {
        rc = ss_err_set(err, SS_ENOTFOUND, "target", "there is no target #%lld", (long long)id);
    }
    store_finalize(s);
    return rc;
}

int ss_store_target_home(struct ss_store *st, int64_t target_id, struct ss_target_home *out,
                         struct ss_err *err)
{
    struct store_stmt *s;
    int rc = SS_OK, step;

    memset(out, 0, sizeof *out);
    s = store_prepare(st,
                      "SELECT t.plan_id, p.state, pr.no, t.project_id FROM target t "
                      "JOIN plan p ON p.id = t.plan_id JOIN project pr ON pr.id = t.project_id "
                      "WHERE t.id = ?1",
                      err);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    if ((step = store_step(s)) == STORE_ROW) {
        const char *state = store_col_text(s, 1);
        out->plan_id = store_col_int64(s, 0);
        out->state = !state                           ? SS_PLAN_ACTIVE
                     : strcmp(state, "draft") == 0    ? SS_PLAN_DRAFT
                     : strcmp(state, "archived") == 0 ? SS_PLAN_ARCHIVED
                                                      : SS_PLAN_ACTIVE;
        out->project_no = (int)store_col_int64(s, 2);
        out->project_id = store_col_int64(s, 3);
    } else if (step == STORE_FAIL) {
        rc = store_db_error(st, err, "reading a target");
    } else {
        rc = ss_err_set(err, SS_ENOTFOUND, "target", "there is no target #%lld",
                        (long long)target_id);
    }
    store_finalize(s);
    return rc;
}

int ss_store_plan_state(struct ss_store *st, int64_t plan_id, enum ss_plan_state *state,
                        struct ss_err *err)
{
    struct store_stmt *s = store_prepare(st, "SELECT state FROM plan WHERE id = ?1", err);
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    if ((step = store_step(s)) == STORE_ROW) {
        const char *t = store_col_text(s, 0);
        *state = t && strcmp(t, "draft") == 0      ? SS_PLAN_DRAFT
                 : t && strcmp(t, "archived") == 0 ? SS_PLAN_ARCHIVED
                                                   : SS_PLAN_ACTIVE;
    } else if (step == STORE_FAIL) {
        rc = store_db_error(st, err, "reading a plan");
    } else {
        rc = ss_err_set(err, SS_ENOTFOUND, "plan", "there is no plan %lld", (long long)plan_id);
    }
    store_finalize(s);
    return rc;
}

static int precedes(const struct row *x, const struct row *y);

/* Make target r a part of target parent (0: of none). The parent must be
 * an earlier target of the same project, so parents stay before their
 * parts and no breakdown can loop back on itself. */
static int set_parent(struct ss_store *st, const struct row *r, int64_t parent, struct ss_err *err)
{
    struct store_stmt *s;
    struct row pr;
    int rc;

    if (parent) {
        if ((rc = load_row(st, parent, &pr, err)))
            return rc == SS_ENOTFOUND ? ss_err_set(err, SS_ENOTFOUND, "parent",
                                                   "there is no target #%lld", (long long)parent)
                                      : rc;
        if (pr.project_id != r->project_id)
            return ss_err_set(err, SS_ECONFLICT, "parent",
                              "target #%lld is in another project than #%lld; a total and its "
                              "parts are in one project",
                              (long long)parent, (long long)r->id);
        if (!precedes(&pr, r))
            return ss_err_set(err, SS_ECONFLICT, "parent",
                              "target #%lld comes after #%lld (or is it); a total comes before "
                              "its parts",
                              (long long)parent, (long long)r->id);
    }
    if (!(s = store_prepare(st, "UPDATE target SET parent_id = ?1 WHERE id = ?2", err)))
        return SS_EDB;
    if (parent)
        store_bind_int64(s, 1, parent);
    else
        store_bind_null(s, 1);
    store_bind_int64(s, 2, r->id);
    rc = step_done(st, s, NULL, err);
    store_finalize(s);
    return rc;
}

int ss_store_target_update(struct ss_store *st, int64_t target_id, const struct ss_target_edit *e,
                           struct ss_err *err)
{
    struct store_stmt *s = NULL;
    struct row r;
    struct ss_buf prof;
    int64_t dept = 0;
    int rc;

    ss_buf_init(&prof, 256);
    if ((rc = begin(st, err)))
        goto out;
    if ((rc = load_row(st, target_id, &r, err)))
        goto fail;
    if (e->dept && (dept = store_department_id(st, e->dept, err)) < 0) {
        rc = SS_EDB;
        goto fail;
    }
    /* the flags are integers: compared, for PostgreSQL's CASE wants a boolean */
    s = store_prepare(
        st,
        "UPDATE target SET text = coalesce(?1, text), metric = coalesce(?2, metric),"
        " unit = coalesce(?3, unit), value = CASE WHEN ?4 <> 0 THEN ?5 ELSE value END,"
        " op = coalesce(?6, op), kind = coalesce(?7, kind),"
        " dept_id = CASE WHEN ?8 <> 0 THEN ?9 ELSE dept_id END,"
        " profile = CASE WHEN ?11 <> 0 THEN ?12 ELSE profile END WHERE id = ?10",
        err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    store_bind_text(s, 1, e->text);
    store_bind_text(s, 2, e->metric);
    store_bind_text(s, 3, e->unit);
    store_bind_int64(s, 4, e->set_value != 0);
    store_bind_double(s, 5, e->set_value ? e->value : 0);
    store_bind_text(s, 6, e->set_op ? ss_op_str(e->op) : NULL);
    store_bind_text(s, 7, e->set_kind ? ss_kind_str(e->kind) : NULL);
    store_bind_int64(s, 8, e->dept != NULL);
    if (dept > 0)
        store_bind_int64(s, 9, dept);
    else
        store_bind_null(s, 9);
    store_bind_int64(s, 10, target_id);
    store_bind_int64(s, 11, e->set_profile != 0);
    if (e->set_profile && e->has_profile) {
        profile_text(e->profile, &prof);
        store_bind_text(s, 12, prof.data);
    } else {
        store_bind_null(s, 12);
    }
    if ((rc = step_done(st, s, NULL, err)) ||
        (e->set_parent && (rc = set_parent(st, &r, e->parent_id, err))) || (rc = commit(st, err)))
        goto fail;
    goto out;
fail:
    rollback(st);
out:
    store_finalize(s);
    ss_buf_cleanup(&prof);
    return rc;
}

/* The id of project `no` of plan_id: SS_ENOTFOUND naming the plan or the
 * project when there is none. */
static int project_of(struct ss_store *st, int64_t plan_id, int no, int64_t *project_id,
                      int *next_seq, struct ss_err *err)
{
    struct store_stmt *s =
        store_prepare(st,
                      "SELECT pr.id, (SELECT coalesce(max(seq) + 1, 0) FROM target"
                      " WHERE project_id = pr.id) FROM plan p LEFT JOIN project pr"
                      " ON pr.plan_id = p.id AND pr.no = ?2 WHERE p.id = ?1",
                      err);
    int rc = SS_OK, step;

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    store_bind_int64(s, 2, no);
    if ((step = store_step(s)) == STORE_FAIL)
        rc = store_db_error(st, err, "reading a project");
    else if (step != STORE_ROW)
        rc = ss_err_set(err, SS_ENOTFOUND, "plan", "there is no plan %lld", (long long)plan_id);
    else if (!(*project_id = store_col_int64(s, 0)))
        rc = ss_err_set(err, SS_ENOTFOUND, "project", "plan %lld has no project %d",
                        (long long)plan_id, no);
    else if (next_seq)
        *next_seq = (int)store_col_int64(s, 1);
    store_finalize(s);
    return rc;
}

int ss_store_project_lead(struct ss_store *st, int64_t plan_id, int project_no, const char *dept,
                          struct ss_err *err)
{
    struct store_stmt *s = NULL;
    int64_t project_id, dept_id = 0;
    int rc;

    if (dept && strcmp(dept, "unknown") == 0)
        dept = NULL; /* how a plan without one is written */
    if ((rc = begin(st, err)))
        return rc;
    if ((rc = project_of(st, plan_id, project_no, &project_id, NULL, err)))
        goto fail;
    if (dept && *dept && (dept_id = store_department_id(st, dept, err)) < 0) {
        rc = SS_EDB;
        goto fail;
    }
    s = store_prepare(st, "UPDATE project SET lead_dept_id = ?1 WHERE id = ?2", err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    if (dept_id > 0)
        store_bind_int64(s, 1, dept_id);
    else
        store_bind_null(s, 1);
    store_bind_int64(s, 2, project_id);
    if ((rc = step_done(st, s, NULL, err)) || (rc = commit(st, err)))
        goto fail;
    store_finalize(s);
    return SS_OK;
fail:
    store_finalize(s);
    rollback(st);
    return rc;
}

int ss_store_target_add(struct ss_store *st, int64_t plan_id, int project_no,
                        const struct ss_target *t, int64_t *id, struct ss_err *err)
{
    struct store_stmt *s = NULL;
    int64_t project_id = 0, dept = 0;
    int seq = 0, rc;
    const char *metric = t->metric ? t->metric : t->text;

    if ((rc = begin(st, err)))
        return rc;
    if ((rc = project_of(st, plan_id, project_no, &project_id, &seq, err)))
        goto fail;
    if (t->dept && (dept = store_department_id(st, t->dept, err)) < 0) {
        rc = SS_EDB;
        goto fail;
    }
    s = store_prepare(
        st,
        "INSERT INTO target(plan_id, project_id, seq, text, metric, value, unit, op,"
        " kind, dept_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    store_bind_int64(s, 1, plan_id);
    store_bind_int64(s, 2, project_id);
    store_bind_int64(s, 3, seq);
    store_bind_text(s, 4, t->text);
    store_bind_text(s, 5, metric);
    store_bind_double(s, 6, t->value);
    store_bind_text(s, 7, t->unit ? t->unit : "");
    store_bind_text(s, 8, ss_op_str(t->op));
    store_bind_text(s, 9, ss_kind_str(t->kind));
    if (dept > 0)
        store_bind_int64(s, 10, dept);
    if ((rc = step_id(st, s, id, err)) || (rc = commit(st, err)))
        goto fail;
    store_finalize(s);
    return SS_OK;
fail:
    store_finalize(s);
    rollback(st);
    return rc;
}

/* Renumber the project's targets 0, 1, ... in (seq, id) order, leaving a
 * gap of `gap` places after target `after`. */
static int renumber(struct ss_store *st, int64_t project_id, int64_t after, int gap,
                    struct ss_err *err)
{
    struct store_stmt *sel, *upd = NULL;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0, i;
    int seq = 0, rc = SS_OK, step;

    sel = store_prepare(st, "SELECT id FROM target WHERE project_id = ?1 ORDER BY seq, id", err);
    if (!sel)
        return SS_EDB;
    store_bind_int64(sel, 1, project_id);
    while ((step = store_step(sel)) == STORE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            ids = ss_xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = store_col_int64(sel, 0);
    }
    if (step != STORE_DONE)
        rc = store_db_error(st, err, "reading the project's order");
    store_finalize(sel);
    if (rc)
        goto out;
    upd = store_prepare(st, "UPDATE target SET seq = ?1 WHERE id = ?2", err);
    if (!upd) {
        rc = SS_EDB;
        goto out;
    }
    for (i = 0; i < n; i++) {
        store_reset(upd);
        store_bind_int64(upd, 1, seq);
        store_bind_int64(upd, 2, ids[i]);
        if ((rc = step_done(st, upd, NULL, err)))
            goto out;
        seq += ids[i] == after ? 1 + gap : 1;
    }
out:
    store_finalize(upd);
    free(ids);
    return rc;
}

int ss_store_target_split(struct ss_store *st, int64_t target_id, const double *values,
                          const char *const *metrics, size_t n, int64_t *new_ids,
                          struct ss_err *err)
{
    struct store_stmt *s = NULL;
    struct row r;
    size_t i;
    int64_t part = 0;
    int rc;

    if ((rc = begin(st, err)))
        return rc;
    if ((rc = load_row(st, target_id, &r, err)) ||
        (rc = renumber(st, r.project_id, target_id, (int)n - 1, err)))
        goto fail;
    s = store_prepare(st, "UPDATE target SET value = ?1, metric = ?2 WHERE id = ?3", err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    store_bind_double(s, 1, values[0]);
    store_bind_text(s, 2, metrics[0]);
    store_bind_int64(s, 3, target_id);
    if ((rc = step_done(st, s, NULL, err)))
        goto fail;
    store_finalize(s);
    s = store_prepare(st,
                      "INSERT INTO target(plan_id, project_id, seq, text, metric, value, unit, op,"
                      " kind, parent_id, dept_id, profile) SELECT plan_id, project_id, seq + ?1,"
                      " text, ?2, ?3, unit, op, kind, parent_id, dept_id, profile FROM target"
                      " WHERE id = ?4 RETURNING id",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    for (i = 1; i < n; i++) {
        store_reset(s);
        store_bind_int64(s, 1, (int64_t)i);
        store_bind_text(s, 2, metrics[i]);
        store_bind_double(s, 3, values[i]);
        store_bind_int64(s, 4, target_id);
        if ((rc = step_id(st, s, &part, err)))
            goto fail;
        if (new_ids)
            new_ids[i - 1] = part;
    }
    if ((rc = commit(st, err)))
        goto fail;
    store_finalize(s);
    return SS_OK;
fail:
    store_finalize(s);
    rollback(st);
    return rc;
}

/* 1 if target `id` has `anc` among its ancestors. */
static int descends_from(struct ss_store *st, int64_t id, int64_t anc)
{
    struct store_stmt *s =
        store_prepare(st, "SELECT coalesce(parent_id, 0) FROM target WHERE id = ?1", NULL);
    int depth, found = 0;

    if (!s)
        return 0;
    /* Breakdowns are shallow; the bound only guards against a cycle. */
    for (depth = 0; depth < 64 && id && !found; depth++) {
        store_reset(s);
        store_bind_int64(s, 1, id);
        id = store_step(s) == STORE_ROW ? store_col_int64(s, 0) : 0;
        found = id == anc;
    }
    store_finalize(s);
    return found;
}

/* 1 if target x comes before target y in their project's order. */
static int precedes(const struct row *x, const struct row *y)
{
    return x->seq < y->seq || (x->seq == y->seq && x->id < y->id);
}

int ss_store_target_merge(struct ss_store *st, int64_t a, int64_t b, double value, const char *text,
                          int *moved, struct ss_err *err)
{
    struct store_stmt *s = NULL;
    struct row ra, rb, rp;
    int64_t parent;
    int seq, nmoved = 0, rc;

    if ((rc = begin(st, err)))
        return rc;
    if ((rc = load_row(st, a, &ra, err)) || (rc = load_row(st, b, &rb, err)))
        goto fail;
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
                goto fail;
            keep = precedes(&rb, &rp);
        }
        if (!keep)
            seq = rb.seq;
    }
    s = store_prepare(st, "UPDATE target SET parent_id = ?1 WHERE parent_id = ?2 AND id <> ?1",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    store_bind_int64(s, 1, a);
    store_bind_int64(s, 2, b);
    if ((rc = step_done(st, s, &nmoved, err)))
        goto fail;
    store_finalize(s);
    s = store_prepare(st,
                      "UPDATE target SET value = ?1, text = ?2, parent_id = ?3, seq = ?4"
                      " WHERE id = ?5",
                      err);
    if (!s) {
        rc = SS_EDB;
        goto fail;
    }
    store_bind_double(s, 1, value);
    store_bind_text(s, 2, text);
    if (parent)
        store_bind_int64(s, 3, parent);
    else
        store_bind_null(s, 3);
    store_bind_int64(s, 4, seq);
    store_bind_int64(s, 5, a);
    if ((rc = step_done(st, s, NULL, err)))
        goto fail;
    store_finalize(s);
    s = NULL;
    if ((rc = run_with_id(st, "DELETE FROM target WHERE id = ?1", b, NULL, err)) ||
        (rc = commit(st, err)))
        goto fail;
    if (moved)
        *moved = nmoved;
    return SS_OK;
fail:
    store_finalize(s);
    rollback(st);
    return rc;
}

int ss_store_target_drop(struct ss_store *st, int64_t target_id, int *orphaned, struct ss_err *err)
{
    struct row r;
    int n = 0, rc;

    if ((rc = begin(st, err)))
        return rc;
    if ((rc = load_row(st, target_id, &r, err)) ||
        (rc = run_with_id(st, "UPDATE target SET parent_id = NULL WHERE parent_id = ?1", target_id,
                          &n, err)) ||
        (rc = run_with_id(st, "DELETE FROM target WHERE id = ?1", target_id, NULL, err)) ||
        (rc = commit(st, err))) {
        rollback(st);
        return rc;
    }
    if (orphaned)
        *orphaned = n;
    return SS_OK;
}

/* --- the announcement a plan was imported from -------------------------- */

int ss_store_plan_source_put(struct ss_store *st, int64_t plan_id, const char *name,
                             const char *text, struct ss_err *err)
{
    struct store_stmt *s;
    char now[21];
    int rc;

    if ((rc = begin(st, err)))
        return rc;
    store_now(now);
    s = store_prepare(st,
                      "INSERT INTO plan_source(plan_id, name, text, created_by, created_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (plan_id) DO UPDATE SET"
                      " name = excluded.name, text = excluded.text,"
                      " created_by = excluded.created_by, created_at = excluded.created_at",
                      err);
    if (!s) {
        rollback(st);
        return SS_EDB;
    }
    store_bind_int64(s, 1, plan_id);
    store_bind_text(s, 2, name ? name : "");
    store_bind_text(s, 3, text);
    store_bind_text(s, 4, st->actor[0] ? st->actor : NULL);
    store_bind_text(s, 5, now);
    if ((rc = step_done(st, s, NULL, err)) || (rc = commit(st, err))) {
        store_finalize(s);
        rollback(st);
        return rc;
    }
    store_finalize(s);
    return SS_OK;
}

int ss_store_plan_source_get(struct ss_store *st, int64_t plan_id, char **name, char **text,
                             struct ss_err *err)
{
    struct store_stmt *s;
    int rc = SS_OK, step;

    *name = *text = NULL;
    s = store_prepare(st, "SELECT name, text FROM plan_source WHERE plan_id = ?1", err);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    if ((step = store_step(s)) == STORE_ROW) {
        *name = ss_xstrdup(store_col_text(s, 0) ? store_col_text(s, 0) : "");
        *text = ss_xstrdup(store_col_text(s, 1) ? store_col_text(s, 1) : "");
    } else if (step == STORE_FAIL) {
        rc = store_db_error(st, err, "reading the plan's announcement");
    } else {
        rc = SS_ENOTFOUND;
    }
    store_finalize(s);
    return rc;
}
