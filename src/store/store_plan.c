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
    struct store_stmt *s = NULL;
    int64_t plan_id, *project_ids = NULL, *target_ids = NULL;
    size_t i, j;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st,
                      "INSERT INTO plan(title, issuer, year, period_start, period_end, published,"
                      " state, top_org, yellow_pp, red_pp)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
                      err);
    if (!s)
        goto db_fail;
    store_bind_text(s, 1, p->title);
    store_bind_text(s, 2, p->issuer);
    store_bind_int64(s, 3, p->year);
    store_bind_date(s, 4, p->start);
    store_bind_date(s, 5, p->end);
    store_bind_date(s, 6, p->published);
    store_bind_text(s, 7, state_str(p->state));
    store_bind_text(s, 8, p->top_org);
    store_bind_double(s, 9, p->yellow_pp);
    store_bind_double(s, 10, p->red_pp);
    if (store_step(s) != STORE_ROW)
        goto db_fail;
    plan_id = store_col_int64(s, 0);
    store_finalize(s);

    project_ids = ss_xcalloc(p->nprojects + 1, sizeof *project_ids);
    s = store_prepare(st,
                      "INSERT INTO project(plan_id, no, title, lead_dept_id)"
                      " VALUES (?1, ?2, ?3, ?4) RETURNING id",
                      err);
    if (!s)
        goto db_fail;
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        int64_t dept = store_department_id(st, pr->lead_dept, err);

        if (dept < 0) {
            rc = SS_EDB;
            goto fail;
        }
        store_reset(s);
        store_bind_int64(s, 1, plan_id);
        store_bind_int64(s, 2, pr->no);
        store_bind_text(s, 3, pr->title);
        if (dept)
            store_bind_int64(s, 4, dept);
        if (store_step(s) != STORE_ROW) {
            struct ss_err why;
            store_db_error(st, &why, "saving the plan");
            rc = ss_err_set(err, SS_EINVAL, "projects", "project %d cannot be stored: %s", pr->no,
                            ss_err_nest(&why));
            goto fail;
        }
        project_ids[i] = store_col_int64(s, 0);
    }
    store_finalize(s);

    target_ids = ss_xcalloc(p->ntargets + 1, sizeof *target_ids);
    s = store_prepare(st,
                      "INSERT INTO target(plan_id, project_id, seq, text, metric, value, unit, op,"
                      " kind, parent_id, dept_id, profile)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
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
        /* the reset clears every binding: the NULLs (no parent, department
         * or profile) are the ones left unbound */
        store_reset(s);
        store_bind_int64(s, 1, plan_id);
        store_bind_int64(s, 2, project);
        store_bind_int64(s, 3, t->seq);
        store_bind_text(s, 4, t->text ? t->text : "");
        store_bind_text(s, 5, t->metric ? t->metric : "");
        store_bind_double(s, 6, t->value);
        store_bind_text(s, 7, t->unit ? t->unit : "");
        store_bind_text(s, 8, ss_op_str(t->op));
        store_bind_text(s, 9, ss_kind_str(t->kind));
        if (t->parent_index >= 0)
            store_bind_int64(s, 10, target_ids[t->parent_index]);
        if (dept)
            store_bind_int64(s, 11, dept);
        ss_buf_init(&prof, 512);
        if (t->has_profile) {
            profile_format(t, &prof);
            store_bind_text(s, 12, prof.data);
        }
        ss_buf_cleanup(&prof);
        if (store_step(s) != STORE_ROW) {
            struct ss_err why;
            store_db_error(st, &why, "saving the plan");
            rc = ss_err_set(err, SS_EINVAL, "targets", "target %zu cannot be stored: %s", i + 1,
                            ss_err_nest(&why));
            goto fail;
        }
        target_ids[i] = store_col_int64(s, 0);
    }
    store_finalize(s);
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
    store_finalize(s);
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
    struct store_stmt *s = NULL;
    size_t cap;
    int step;

    *out = NULL;
    if (!plan_id)
        plan_id = current_plan_id(st);
    if (!plan_id)
        return ss_err_set(err, SS_ENOTFOUND, "plan",
                          "the database holds no active plan (shishi init creates the default)");
    s = store_prepare(st,
                      "SELECT id, title, issuer, year, period_start, period_end, published, state,"
                      " top_org, yellow_pp, red_pp FROM plan WHERE id = ?1",
                      err);
    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, plan_id);
    if ((step = store_step(s)) != STORE_ROW) {
        store_finalize(s);
        if (step == STORE_FAIL)
            return store_db_error(st, err, "reading the plan");
        return ss_err_set(err, SS_ENOTFOUND, "plan", "no plan with id %lld", (long long)plan_id);
    }
    p = ss_xcalloc(1, sizeof *p);
    p->id = store_col_int64(s, 0);
    p->title = store_col_strdup(s, 1);
    p->issuer = store_col_strdup(s, 2);
    p->year = (int)store_col_int64(s, 3);
    p->start = store_col_date(s, 4);
    p->end = store_col_date(s, 5);
    p->published = store_col_date(s, 6);
    p->state = state_parse(store_col_text(s, 7));
    p->top_org = store_col_strdup(s, 8);
    p->yellow_pp = store_col_double(s, 9);
    p->red_pp = store_col_double(s, 10);
    store_finalize(s);

    s = store_prepare(st,
                      "SELECT p.id, p.no, p.title, d.name FROM project p "
                      "LEFT JOIN department d ON d.id = p.lead_dept_id "
                      "WHERE p.plan_id = ?1 ORDER BY p.no",
                      err);
    if (!s)
        goto fail;
    store_bind_int64(s, 1, plan_id);
    cap = 0;
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_project *pr;
        pr = SS_PUSH(p->projects, p->nprojects, cap);
        pr->id = store_col_int64(s, 0);
        pr->no = (int)store_col_int64(s, 1);
        pr->title = store_col_strdup(s, 2);
        pr->lead_dept = store_col_strdup(s, 3);
        if (!pr->lead_dept)
            pr->lead_dept = ss_xstrdup("unknown");
    }
    if (step != STORE_DONE)
        goto db_fail;
    store_finalize(s);

    s = store_prepare(st,
                      "SELECT t.id, t.project_id, p.no, t.seq, t.text, t.metric, t.value, t.unit,"
                      " t.op, t.kind, coalesce(t.parent_id, 0), d.name, t.profile "
                      "FROM target t JOIN project p ON p.id = t.project_id "
                      "LEFT JOIN department d ON d.id = t.dept_id "
                      "WHERE t.plan_id = ?1 ORDER BY p.no, t.seq, t.id",
                      err);
    if (!s)
        goto fail;
    store_bind_int64(s, 1, plan_id);
    cap = 0;
    while ((step = store_step(s)) == STORE_ROW) {
        struct ss_target *t;
        const char *prof = store_col_text(s, 12);
        t = SS_PUSH(p->targets, p->ntargets, cap);
        t->id = store_col_int64(s, 0);
        t->project_id = store_col_int64(s, 1);
        t->project_no = (int)store_col_int64(s, 2);
        t->seq = (int)store_col_int64(s, 3);
        t->text = store_col_strdup(s, 4);
        t->metric = store_col_strdup(s, 5);
        t->value = store_col_double(s, 6);
        t->unit = store_col_strdup(s, 7);
        if (ss_op_parse(store_col_text(s, 8), &t->op))
            t->op = SS_OP_EQ;
        if (ss_kind_parse(store_col_text(s, 9), &t->kind))
            t->kind = SS_KIND_COUNT;
        t->parent_id = store_col_int64(s, 10);
        t->parent_index = -1;
        t->dept = store_col_strdup(s, 11);
        t->has_profile = prof && profile_parse(prof, t->profile) == 0;
    }
    if (step != STORE_DONE)
        goto db_fail;
    store_finalize(s);
    {
        size_t i;
        for (i = 0; i < p->ntargets; i++)
            if (p->targets[i].parent_id)
                p->targets[i].parent_index = ss_plan_target_index(p, p->targets[i].parent_id);
    }
    *out = p;
    return SS_OK;
db_fail:
    store_db_error(st, err, "reading the plan");
fail:
    store_finalize(s);
    ss_plan_free(p);
    return SS_EDB;
}

int ss_store_plan_set_state(struct ss_store *st, int64_t plan_id, enum ss_plan_state state,
                            struct ss_err *err)
{
    struct store_stmt *s;
    int rc;

    if ((rc = store_tx_join(st, err)))
        return rc;
    s = store_prepare(st, "UPDATE plan SET state = ?1 WHERE id = ?2", err);
    if (!s) {
        store_tx_rollback(st);
        return SS_EDB;
    }
    store_bind_text(s, 1, state_str(state));
    store_bind_int64(s, 2, plan_id);
    if (store_step(s) != STORE_DONE)
        rc = store_db_error(st, err, "changing the plan's state");
    else if (store_changes(s) == 0)
        rc = ss_err_set(err, SS_ENOTFOUND, "plan", "no plan with id %lld", (long long)plan_id);
    else
        rc = SS_OK;
    store_finalize(s);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}

/* ---- activation ------------------------------------------------------------ */

int64_t ss_store_plan_active_of_year(struct ss_store *st, int year)
{
    struct store_stmt *s = store_prepare(
        st, "SELECT id FROM plan WHERE state = 'active' AND year = ?1 ORDER BY id DESC LIMIT 1",
        NULL);
    int64_t id = 0;

    if (!s)
        return 0;
    store_bind_int64(s, 1, year);
    if (store_step(s) == STORE_ROW)
        id = store_col_int64(s, 0);
    store_finalize(s);
    return id;
}

int ss_store_target_usage(struct ss_store *st, int64_t target_id, int64_t *reports, int64_t *shares,
                          struct ss_err *err)
{
    struct store_stmt *s =
        store_prepare(st,
                      "SELECT (SELECT count(*) FROM report WHERE target_id = ?1),"
                      " (SELECT count(*) FROM assignment WHERE target_id = ?1)",
                      err);

    if (!s)
        return SS_EDB;
    store_bind_int64(s, 1, target_id);
    if (store_step(s) != STORE_ROW) {
        store_finalize(s);
        return store_db_error(st, err, "counting a target's reports");
    }
    *reports = store_col_int64(s, 0);
    *shares = store_col_int64(s, 1);
    store_finalize(s);
    return SS_OK;
}

/* Run s (bound) to completion and make it ready for the next bindings;
 * *changes (may be NULL) gets the rows it changed, *row (NULL for a
 * statement that returns none) the first column of the row it returns. */
static int run(struct ss_store *st, struct store_stmt *s, int64_t *changes, int64_t *row,
               struct ss_err *err)
{
    int step = store_step(s), rc = SS_OK;

    if (step == STORE_FAIL)
        rc = store_db_error(st, err, "activating the plan");
    else if (row && step != STORE_ROW) /* a copy of a target check_pair found */
        rc = ss_err_set(err, SS_EDB, "db", "%s: %s", "activating the plan",
                        "a target to carry over is gone");
    if (!rc && row)
        *row = store_col_int64(s, 0);
    if (!rc && changes)
        *changes = store_changes(s);
    store_reset(s);
    return rc;
}

/* 0 when target is one of plan's targets (q: its plan_id), else
 * SS_ECONFLICT naming it. */
static int check_pair(struct ss_store *st, struct store_stmt *q, int64_t target, int64_t plan,
                      struct ss_err *err)
{
    int step, in;

    store_bind_int64(q, 1, target);
    step = store_step(q);
    in = step == STORE_ROW && store_col_int64(q, 0) == plan;
    store_reset(q);
    if (step == STORE_FAIL)
        return store_db_error(st, err, "activating the plan");
    return in ? SS_OK
              : ss_err_set(err, SS_ECONFLICT, "target", "target #%lld is not in plan %lld",
                           (long long)target, (long long)plan);
}

int ss_store_plan_replace(struct ss_store *st, int64_t draft_id, int64_t old_id,
                          const struct ss_carry *c, size_t n, struct ss_err *err)
{
    enum { Q_PLAN, Q_STATE, Q_USED, Q_COPY, Q_ARCH_PARENT, Q_MOVE, Q_NEW_PARENT, Q_DELETE, NQ };
    static const char *const SQL[NQ] = {
        "SELECT plan_id FROM target WHERE id = ?1",
        "UPDATE plan SET state = ?2 WHERE id = ?1 AND state = ?3",
        "SELECT (SELECT count(*) FROM report WHERE target_id = ?1)"
        " + (SELECT count(*) FROM assignment WHERE target_id = ?1)",
        "INSERT INTO target(plan_id, project_id, seq, text, metric, value, unit, op, kind,"
        " parent_id, dept_id, profile) SELECT plan_id, project_id, seq, text, metric, value,"
        " unit, op, kind, parent_id, dept_id, profile FROM target WHERE id = ?1 RETURNING id",
        "UPDATE target SET parent_id = ?3 WHERE plan_id = ?1 AND parent_id = ?2",
        "UPDATE target SET (plan_id, project_id, seq, text, metric, value, unit, op, kind,"
        " parent_id, dept_id, profile) = (SELECT d.plan_id, d.project_id, d.seq, d.text,"
        " d.metric, d.value, d.unit, d.op, d.kind, d.parent_id,"
        " CASE WHEN ?4 <> 0 THEN o.dept_id ELSE d.dept_id END,"
        " CASE WHEN ?3 <> 0 THEN o.profile ELSE d.profile END"
        " FROM target d, target o WHERE d.id = ?2 AND o.id = ?1) WHERE id = ?1",
        "UPDATE target SET parent_id = ?3 WHERE plan_id = ?1 AND parent_id = ?2",
        "DELETE FROM target WHERE id = ?1",
    };
    struct store_stmt *q[NQ] = {NULL};
    int64_t *copy = NULL, changed, used;
    size_t i, k;
    int rc;

    if (n && !old_id)
        return ss_err_set(err, SS_EINVAL, "plan", "targets to carry over, but no plan to replace");
    if ((rc = store_tx_join(st, err)))
        return rc;
    for (k = 0; k < NQ; k++)
        if (!(q[k] = store_prepare(st, SQL[k], err))) {
            rc = SS_EDB;
            goto out;
        }
    /* The states first: a second activation of the same draft, or of a
     * plan replaced meanwhile, changes no row and is refused. */
    store_bind_int64(q[Q_STATE], 1, draft_id);
    store_bind_text(q[Q_STATE], 2, "active");
    store_bind_text(q[Q_STATE], 3, "draft");
    if ((rc = run(st, q[Q_STATE], &changed, NULL, err)))
        goto out;
    if (changed != 1) {
        rc = ss_err_set(err, SS_ECONFLICT, "plan", "plan %lld is not a draft", (long long)draft_id);
        goto out;
    }
    if (old_id) {
        store_bind_int64(q[Q_STATE], 1, old_id);
        store_bind_text(q[Q_STATE], 2, "archived");
        store_bind_text(q[Q_STATE], 3, "active");
        if ((rc = run(st, q[Q_STATE], &changed, NULL, err)))
            goto out;
        if (changed != 1) {
            rc =
                ss_err_set(err, SS_ECONFLICT, "plan", "plan %lld is not active", (long long)old_id);
            goto out;
        }
    }
    for (i = 0; i < n; i++) {
        if ((rc = check_pair(st, q[Q_PLAN], c[i].old_id, old_id, err)) ||
            (rc = check_pair(st, q[Q_PLAN], c[i].draft_id, draft_id, err)))
            goto out;
        /* A draft's targets carry nothing (reports count against active
         * plans only); if one did, deleting it would cascade. */
        store_bind_int64(q[Q_USED], 1, c[i].draft_id);
        if ((rc = run(st, q[Q_USED], NULL, &used, err)))
            goto out;
        if (used) {
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
        store_bind_int64(q[Q_COPY], 1, c[i].old_id);
        if ((rc = run(st, q[Q_COPY], NULL, &copy[i], err)))
            goto out;
    }
    for (i = 0; i < n; i++) {
        store_bind_int64(q[Q_ARCH_PARENT], 1, old_id);
        store_bind_int64(q[Q_ARCH_PARENT], 2, c[i].old_id);
        store_bind_int64(q[Q_ARCH_PARENT], 3, copy[i]);
        if ((rc = run(st, q[Q_ARCH_PARENT], NULL, NULL, err)))
            goto out;
    }
    /* The carried rows take the draft's content (parents still draft ids),
     * then every parent in the new plan that names a draft row names the
     * row that replaces it, and the draft rows go. */
    for (i = 0; i < n; i++) {
        store_bind_int64(q[Q_MOVE], 1, c[i].old_id);
        store_bind_int64(q[Q_MOVE], 2, c[i].draft_id);
        store_bind_int64(q[Q_MOVE], 3, c[i].keep_profile != 0);
        store_bind_int64(q[Q_MOVE], 4, c[i].keep_dept != 0);
        if ((rc = run(st, q[Q_MOVE], NULL, NULL, err)))
            goto out;
    }
    for (i = 0; i < n; i++) {
        store_bind_int64(q[Q_NEW_PARENT], 1, draft_id);
        store_bind_int64(q[Q_NEW_PARENT], 2, c[i].draft_id);
        store_bind_int64(q[Q_NEW_PARENT], 3, c[i].old_id);
        if ((rc = run(st, q[Q_NEW_PARENT], NULL, NULL, err)))
            goto out;
    }
    for (i = 0; i < n; i++) {
        store_bind_int64(q[Q_DELETE], 1, c[i].draft_id);
        if ((rc = run(st, q[Q_DELETE], NULL, NULL, err)))
            goto out;
    }
    rc = SS_OK;
out:
    for (k = 0; k < NQ; k++)
        store_finalize(q[k]);
    free(copy);
    if (rc) {
        store_tx_rollback(st);
        return rc;
    }
    return store_tx_commit(st, err);
}
