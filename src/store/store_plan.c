/*
 * store_plan.c - plans, their projects and targets.
 *
 * A plan is written whole in one transaction and read whole: plans are
 * small (tens of targets), and the core works on the complete record.
 * A target's monthly profile is stored as twelve comma-separated shares.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "store/store_draft.h"
#include "store/store_int.h"

static const char *state_str(enum ss_plan_state s)
{
    return s == SS_PLAN_DRAFT ? "draft" : s == SS_PLAN_ARCHIVED ? "archived" : "active";
}

static enum ss_plan_state state_parse(const char *s)
{
    if (s && strcmp(s, "draft") == 0)
        return SS_PLAN_DRAFT;
    if (s && strcmp(s, "archived") == 0)
        return SS_PLAN_ARCHIVED;
    return SS_PLAN_ACTIVE;
}

static void profile_format(const struct ss_target *t, struct ss_buf *b)
{
    int m;

    for (m = 0; m < 12; m++) {
        if (m)
            ss_buf_putc(b, ',');
        ss_buf_num(b, t->profile[m], 6);
    }
}

static int profile_parse(const char *s, double out[12])
{
    int m;
    char *end;

    for (m = 0; m < 12; m++) {
        out[m] = strtod(s, &end);
        if (end == s || !isfinite(out[m]))
            return -1;
        s = end;
        if (m < 11) {
            if (*s != ',')
                return -1;
            s++;
        }
    }
    return *s ? -1 : 0;
}

int ss_store_plan_insert(struct ss_store *st, const struct ss_plan *p, int64_t *id,
                         struct ss_err *err)
{
    sqlite3_stmt *s = NULL;
    int64_t plan_id, *project_ids = NULL, *target_ids = NULL;
    size_t i, j;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_lite_prepare(
        st,
        "INSERT INTO plan(title, issuer, year, period_start, period_end, published,"
        " state, top_org, yellow_pp, red_pp) VALUES (?,?,?,?,?,?,?,?,?,?)",
        err);
    if (!s)
        goto db_fail;
    store_lite_bind_text(s, 1, p->title);
    store_lite_bind_text(s, 2, p->issuer);
    sqlite3_bind_int(s, 3, p->year);
    store_lite_bind_date(s, 4, p->start);
    store_lite_bind_date(s, 5, p->end);
    store_lite_bind_date(s, 6, p->published);
    sqlite3_bind_text(s, 7, state_str(p->state), -1, SQLITE_STATIC);
    store_lite_bind_text(s, 8, p->top_org);
    sqlite3_bind_double(s, 9, p->yellow_pp);
    sqlite3_bind_double(s, 10, p->red_pp);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto db_fail;
    plan_id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);

    project_ids = ss_xcalloc(p->nprojects + 1, sizeof *project_ids);
    s = store_lite_prepare(
        st, "INSERT INTO project(plan_id, no, title, lead_dept_id) VALUES (?,?,?,?)", err);
    if (!s)
        goto db_fail;
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        int64_t dept = store_department_id(st, pr->lead_dept, err);

        if (dept < 0) {
            rc = SS_EDB;
            goto fail;
        }
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, plan_id);
        sqlite3_bind_int(s, 2, pr->no);
        store_lite_bind_text(s, 3, pr->title);
        if (dept)
            sqlite3_bind_int64(s, 4, dept);
        else
            sqlite3_bind_null(s, 4);
        if (sqlite3_step(s) != SQLITE_DONE) {
            rc = ss_err_set(err, SS_EINVAL, "projects", "project %d cannot be stored: %s", pr->no,
                            sqlite3_errmsg(st->db));
            goto fail;
        }
        project_ids[i] = sqlite3_last_insert_rowid(st->db);
    }
    sqlite3_finalize(s);

    target_ids = ss_xcalloc(p->ntargets + 1, sizeof *target_ids);
    s = store_lite_prepare(
        st,
        "INSERT INTO target(plan_id, project_id, seq, text, metric, value, unit, op,"
        " kind, parent_id, dept_id, profile) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        err);
    if (!s)
        goto db_fail;
    for (i = 0; i < p->ntargets; i++) {
        const struct ss_target *t = &p->targets[i];
        int64_t project = 0, dept;
        struct ss_buf prof;

        for (j = 0; j < p->nprojects; j++)
            if (p->projects[j].no == t->project_no)
                project = project_ids[j];
        if (!project) {
            rc = ss_err_set(err, SS_EINVAL, "targets",
                            "target %zu names project %d, which the plan lacks", i + 1,
                            t->project_no);
            goto fail;
        }
        if (t->parent_index >= (long)i) {
            rc = ss_err_set(err, SS_EINVAL, "parent", "target %zu: its parent must come before it",
                            i + 1);
            goto fail;
        }
        dept = store_department_id(st, t->dept, err);
        if (dept < 0) {
            rc = SS_EDB;
            goto fail;
        }
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        sqlite3_bind_int64(s, 1, plan_id);
        sqlite3_bind_int64(s, 2, project);
        sqlite3_bind_int(s, 3, t->seq);
        store_lite_bind_text(s, 4, t->text ? t->text : "");
        store_lite_bind_text(s, 5, t->metric ? t->metric : "");
        sqlite3_bind_double(s, 6, t->value);
        store_lite_bind_text(s, 7, t->unit ? t->unit : "");
        sqlite3_bind_text(s, 8, ss_op_str(t->op), -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 9, ss_kind_str(t->kind), -1, SQLITE_STATIC);
        if (t->parent_index >= 0)
            sqlite3_bind_int64(s, 10, target_ids[t->parent_index]);
        if (dept)
            sqlite3_bind_int64(s, 11, dept);
        ss_buf_init(&prof, 512);
        if (t->has_profile) {
            profile_format(t, &prof);
            sqlite3_bind_text(s, 12, prof.data, (int)prof.len, SQLITE_TRANSIENT);
        }
        ss_buf_cleanup(&prof);
        if (sqlite3_step(s) != SQLITE_DONE) {
            rc = ss_err_set(err, SS_EINVAL, "targets", "target %zu cannot be stored: %s", i + 1,
                            sqlite3_errmsg(st->db));
            goto fail;
        }
        target_ids[i] = sqlite3_last_insert_rowid(st->db);
    }
    sqlite3_finalize(s);
    s = NULL;
    if ((rc = store_tx_commit(st, err)))
        goto fail;
    *id = plan_id;
    free(project_ids);
    free(target_ids);
    return SS_OK;
db_fail:
    rc = store_db_error(st, err, "saving the plan");
fail:
    sqlite3_finalize(s);
    store_tx_rollback(st);
    free(project_ids);
    free(target_ids);
    return rc;
}

static int64_t current_plan_id(struct ss_store *st)
{
    return store_int64(st,
                       "SELECT id FROM plan WHERE state = 'active' "
                       "ORDER BY year DESC, id DESC LIMIT 1",
                       0);
}

int64_t ss_store_plan_latest_draft(struct ss_store *st)
{
    return store_int64(st, "SELECT id FROM plan WHERE state = 'draft' ORDER BY id DESC LIMIT 1", 0);
}

int ss_store_plan_load(struct ss_store *st, int64_t plan_id, struct ss_plan **out,
                       struct ss_err *err)
{
    struct ss_plan *p = NULL;
    sqlite3_stmt *s = NULL;
    size_t cap;
    int rc = SS_OK;

    *out = NULL;
    if (!plan_id)
        plan_id = current_plan_id(st);
    if (!plan_id)
        return ss_err_set(err, SS_ENOTFOUND, "plan",
                          "the database holds no active plan (shishi init creates the default)");
    s = store_lite_prepare(
        st,
        "SELECT id, title, issuer, year, period_start, period_end, published, state,"
        " top_org, yellow_pp, red_pp FROM plan WHERE id = ?",
        err);
    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, plan_id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return ss_err_set(err, SS_ENOTFOUND, "plan", "no plan with id %lld", (long long)plan_id);
    }
    p = ss_xcalloc(1, sizeof *p);
    p->id = sqlite3_column_int64(s, 0);
    p->title = store_lite_col_strdup(s, 1);
    p->issuer = store_lite_col_strdup(s, 2);
    p->year = sqlite3_column_int(s, 3);
    p->start = store_lite_col_date(s, 4);
    p->end = store_lite_col_date(s, 5);
    p->published = store_lite_col_date(s, 6);
    p->state = state_parse((const char *)sqlite3_column_text(s, 7));
    p->top_org = store_lite_col_strdup(s, 8);
    p->yellow_pp = sqlite3_column_double(s, 9);
    p->red_pp = sqlite3_column_double(s, 10);
    sqlite3_finalize(s);

    s = store_lite_prepare(st,
                           "SELECT p.id, p.no, p.title, d.name FROM project p "
                           "LEFT JOIN department d ON d.id = p.lead_dept_id "
                           "WHERE p.plan_id = ? ORDER BY p.no",
                           err);
    if (!s)
        goto db_fail;
    sqlite3_bind_int64(s, 1, plan_id);
    cap = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        struct ss_project *pr;
        if (p->nprojects == cap) {
            cap = cap ? cap * 2 : 16;
            p->projects = ss_xrealloc(p->projects, cap * sizeof *p->projects);
        }
        pr = &p->projects[p->nprojects++];
        pr->id = sqlite3_column_int64(s, 0);
        pr->no = sqlite3_column_int(s, 1);
        pr->title = store_lite_col_strdup(s, 2);
        pr->lead_dept = store_lite_col_strdup(s, 3);
        if (!pr->lead_dept)
            pr->lead_dept = ss_xstrdup("unknown");
    }
    sqlite3_finalize(s);

    s = store_lite_prepare(
        st,
        "SELECT t.id, t.project_id, p.no, t.seq, t.text, t.metric, t.value, t.unit,"
        " t.op, t.kind, coalesce(t.parent_id, 0), d.name, t.profile "
        "FROM target t JOIN project p ON p.id = t.project_id "
        "LEFT JOIN department d ON d.id = t.dept_id "
        "WHERE t.plan_id = ? ORDER BY p.no, t.seq, t.id",
        err);
    if (!s)
        goto db_fail;
    sqlite3_bind_int64(s, 1, plan_id);
    cap = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        struct ss_target *t;
        const char *prof = (const char *)sqlite3_column_text(s, 12);
        if (p->ntargets == cap) {
            cap = cap ? cap * 2 : 64;
            p->targets = ss_xrealloc(p->targets, cap * sizeof *p->targets);
        }
        t = &p->targets[p->ntargets++];
        memset(t, 0, sizeof *t);
        t->id = sqlite3_column_int64(s, 0);
        t->project_id = sqlite3_column_int64(s, 1);
        t->project_no = sqlite3_column_int(s, 2);
        t->seq = sqlite3_column_int(s, 3);
        t->text = store_lite_col_strdup(s, 4);
        t->metric = store_lite_col_strdup(s, 5);
        t->value = sqlite3_column_double(s, 6);
        t->unit = store_lite_col_strdup(s, 7);
        if (ss_op_parse((const char *)sqlite3_column_text(s, 8), &t->op))
            t->op = SS_OP_EQ;
        if (ss_kind_parse((const char *)sqlite3_column_text(s, 9), &t->kind))
            t->kind = SS_KIND_COUNT;
        t->parent_id = sqlite3_column_int64(s, 10);
        t->parent_index = -1;
        t->dept = store_lite_col_strdup(s, 11);
        t->has_profile = prof && profile_parse(prof, t->profile) == 0;
    }
    sqlite3_finalize(s);
    {
        size_t i;
        for (i = 0; i < p->ntargets; i++)
            if (p->targets[i].parent_id)
                p->targets[i].parent_index = ss_plan_target_index(p, p->targets[i].parent_id);
    }
    *out = p;
    return rc;
db_fail:
    ss_plan_free(p);
    return SS_EDB;
}

int ss_store_plan_set_state(struct ss_store *st, int64_t plan_id, enum ss_plan_state state,
                            struct ss_err *err)
{
    sqlite3_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_lite_prepare(st, "UPDATE plan SET state = ? WHERE id = ?", err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    sqlite3_bind_text(s, 1, state_str(state), -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, plan_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_db_error(st, err, "changing the plan's state");
    else if (sqlite3_changes(st->db) == 0)
        rc = ss_err_set(err, SS_ENOTFOUND, "plan", "no plan with id %lld", (long long)plan_id);
    else
        rc = SS_OK;
    sqlite3_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

/* ---- activation ------------------------------------------------------------ */

int64_t ss_store_plan_active_of_year(struct ss_store *st, int year)
{
    sqlite3_stmt *s = store_lite_prepare(
        st, "SELECT id FROM plan WHERE state = 'active' AND year = ? ORDER BY id DESC LIMIT 1",
        NULL);
    int64_t id = 0;

    if (!s)
        return 0;
    sqlite3_bind_int(s, 1, year);
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return id;
}

int ss_store_target_usage(struct ss_store *st, int64_t target_id, int64_t *reports, int64_t *shares,
                          struct ss_err *err)
{
    sqlite3_stmt *s =
        store_lite_prepare(st,
                           "SELECT (SELECT count(*) FROM report WHERE target_id = ?1),"
                           " (SELECT count(*) FROM assignment WHERE target_id = ?1)",
                           err);

    if (!s)
        return SS_EDB;
    sqlite3_bind_int64(s, 1, target_id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return store_db_error(st, err, "counting a target's reports");
    }
    *reports = sqlite3_column_int64(s, 0);
    *shares = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    return SS_OK;
}

/* Run s (bound) to completion. */
static int run(struct ss_store *st, sqlite3_stmt *s, struct ss_err *err)
{
    if (sqlite3_step(s) != SQLITE_DONE)
        return store_db_error(st, err, "activating the plan");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return SS_OK;
}

/* 0 when target is one of plan's targets (q: its plan_id), else
 * SS_ECONFLICT naming it. */
static int check_pair(sqlite3_stmt *q, int64_t target, int64_t plan, struct ss_err *err)
{
    int in;

    sqlite3_bind_int64(q, 1, target);
    in = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int64(q, 0) == plan;
    sqlite3_reset(q);
    return in ? SS_OK
              : ss_err_set(err, SS_ECONFLICT, "target", "target #%lld is not in plan %lld",
                           (long long)target, (long long)plan);
}

int ss_store_plan_replace(struct ss_store *st, int64_t draft_id, int64_t old_id,
                          const struct ss_carry *c, size_t n, struct ss_err *err)
{
    enum { Q_PLAN, Q_STATE, Q_USED, Q_COPY, Q_ARCH_PARENT, Q_MOVE, Q_NEW_PARENT, Q_DELETE, NQ };
    static const char *const SQL[NQ] = {
        "SELECT plan_id FROM target WHERE id = ?",
        "UPDATE plan SET state = ?2 WHERE id = ?1 AND state = ?3",
        "SELECT (SELECT count(*) FROM report WHERE target_id = ?1)"
        " + (SELECT count(*) FROM assignment WHERE target_id = ?1)",
        "INSERT INTO target(plan_id, project_id, seq, text, metric, value, unit, op, kind,"
        " parent_id, dept_id, profile) SELECT plan_id, project_id, seq, text, metric, value,"
        " unit, op, kind, parent_id, dept_id, profile FROM target WHERE id = ?",
        "UPDATE target SET parent_id = ?3 WHERE plan_id = ?1 AND parent_id = ?2",
        "UPDATE target SET (plan_id, project_id, seq, text, metric, value, unit, op, kind,"
        " parent_id, dept_id, profile) = (SELECT d.plan_id, d.project_id, d.seq, d.text,"
        " d.metric, d.value, d.unit, d.op, d.kind, d.parent_id,"
        " CASE WHEN ?4 THEN o.dept_id ELSE d.dept_id END,"
        " CASE WHEN ?3 THEN o.profile ELSE d.profile END"
        " FROM target d, target o WHERE d.id = ?2 AND o.id = ?1) WHERE id = ?1",
        "UPDATE target SET parent_id = ?3 WHERE plan_id = ?1 AND parent_id = ?2",
        "DELETE FROM target WHERE id = ?",
    };
    sqlite3_stmt *q[NQ] = {NULL};
    int64_t *copy = NULL;
    size_t i, k;
    int rc;

    if (n && !old_id)
        return ss_err_set(err, SS_EINVAL, "plan", "targets to carry over, but no plan to replace");
    if ((rc = store_tx_join(st, err)))
        return rc;
    for (k = 0; k < NQ; k++)
        if (!(q[k] = store_lite_prepare(st, SQL[k], err))) {
            rc = SS_EDB;
            goto out;
        }
    /* The states first: a second activation of the same draft, or of a
     * plan replaced meanwhile, changes no row and is refused. */
    sqlite3_bind_int64(q[Q_STATE], 1, draft_id);
    sqlite3_bind_text(q[Q_STATE], 2, "active", -1, SQLITE_STATIC);
    sqlite3_bind_text(q[Q_STATE], 3, "draft", -1, SQLITE_STATIC);
    if ((rc = run(st, q[Q_STATE], err)))
        goto out;
    if (sqlite3_changes(st->db) != 1) {
        rc = ss_err_set(err, SS_ECONFLICT, "plan", "plan %lld is not a draft", (long long)draft_id);
        goto out;
    }
    if (old_id) {
        sqlite3_bind_int64(q[Q_STATE], 1, old_id);
        sqlite3_bind_text(q[Q_STATE], 2, "archived", -1, SQLITE_STATIC);
        sqlite3_bind_text(q[Q_STATE], 3, "active", -1, SQLITE_STATIC);
        if ((rc = run(st, q[Q_STATE], err)))
            goto out;
        if (sqlite3_changes(st->db) != 1) {
            rc =
                ss_err_set(err, SS_ECONFLICT, "plan", "plan %lld is not active", (long long)old_id);
            goto out;
        }
    }
    for (i = 0; i < n; i++) {
        if ((rc = check_pair(q[Q_PLAN], c[i].old_id, old_id, err)) ||
            (rc = check_pair(q[Q_PLAN], c[i].draft_id, draft_id, err)))
            goto out;
        /* A draft's targets carry nothing (reports count against active
         * plans only); if one did, deleting it would cascade. */
        sqlite3_bind_int64(q[Q_USED], 1, c[i].draft_id);
        k = sqlite3_step(q[Q_USED]) == SQLITE_ROW ? (size_t)sqlite3_column_int64(q[Q_USED], 0) : 1;
        sqlite3_reset(q[Q_USED]);
        if (k) {
            rc = ss_err_set(err, SS_ECONFLICT, "target",
                            "draft target #%lld has reports or shares of its own",
                            (long long)c[i].draft_id);
            goto out;
        }
    }
    /* The archived plan's record: a copy of each carried target, then every
     * parent there that pointed at a carried target points at its copy. */
    copy = ss_xcalloc(n + 1, sizeof *copy);
    for (i = 0; i < n; i++) {
        sqlite3_bind_int64(q[Q_COPY], 1, c[i].old_id);
        if ((rc = run(st, q[Q_COPY], err)))
            goto out;
        copy[i] = sqlite3_last_insert_rowid(st->db);
    }
    for (i = 0; i < n; i++) {
        sqlite3_bind_int64(q[Q_ARCH_PARENT], 1, old_id);
        sqlite3_bind_int64(q[Q_ARCH_PARENT], 2, c[i].old_id);
        sqlite3_bind_int64(q[Q_ARCH_PARENT], 3, copy[i]);
        if ((rc = run(st, q[Q_ARCH_PARENT], err)))
            goto out;
    }
    /* The carried rows take the draft's content (parents still draft ids),
     * then every parent in the new plan that names a draft row names the
     * row that replaces it, and the draft rows go. */
    for (i = 0; i < n; i++) {
        sqlite3_bind_int64(q[Q_MOVE], 1, c[i].old_id);
        sqlite3_bind_int64(q[Q_MOVE], 2, c[i].draft_id);
        sqlite3_bind_int(q[Q_MOVE], 3, c[i].keep_profile != 0);
        sqlite3_bind_int(q[Q_MOVE], 4, c[i].keep_dept != 0);
        if ((rc = run(st, q[Q_MOVE], err)))
            goto out;
    }
    for (i = 0; i < n; i++) {
        sqlite3_bind_int64(q[Q_NEW_PARENT], 1, draft_id);
        sqlite3_bind_int64(q[Q_NEW_PARENT], 2, c[i].draft_id);
        sqlite3_bind_int64(q[Q_NEW_PARENT], 3, c[i].old_id);
        if ((rc = run(st, q[Q_NEW_PARENT], err)))
            goto out;
    }
    for (i = 0; i < n; i++) {
        sqlite3_bind_int64(q[Q_DELETE], 1, c[i].draft_id);
        if ((rc = run(st, q[Q_DELETE], err)))
            goto out;
    }
    rc = SS_OK;
out:
    for (k = 0; k < NQ; k++)
        sqlite3_finalize(q[k]);
    free(copy);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}
