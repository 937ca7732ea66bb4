/*
 * plan_edit.c - the rules of correcting a plan (see plan_edit.h), applied
 * before the store writes (store_draft.c).
 *
 * Every edit follows one shape: check the inputs, join the caller's
 * transaction, read where the target lives and refuse unless its plan
 * allows the edit, then let the store write; any error after the join
 * rolls the transaction back, so a refused edit leaves the plan exactly as
 * it was.
 */
#include "core/plan_edit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"

static const char JOIN[] = "；";

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

/* A stored schedule (the rule with its reasons for people is
 * core/plan_change.h's): twelve cumulative shares in [0, 1], never going
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

static const char *state_name(enum ss_plan_state s)
{
    return s == SS_PLAN_DRAFT ? "draft" : s == SS_PLAN_ARCHIVED ? "archived" : "active";
}

static int join(struct ss_store *st, struct ss_err *err)
{
    return ss_store_begin(st, NULL, err);
}

/* Where target id lives, refusing unless its plan is a draft (or, when
 * allow_active, the active plan: its schedule may change). */
static int home_of(struct ss_store *st, int64_t id, int allow_active, struct ss_target_home *h,
                   struct ss_err *err)
{
    int rc = ss_store_target_home(st, id, h, err);

    if (rc)
        return rc;
    if (h->state == SS_PLAN_DRAFT || (allow_active && h->state == SS_PLAN_ACTIVE))
        return SS_OK;
    return ss_err_set(err, SS_ECONFLICT, "target",
                      "only a draft plan can be edited: target #%lld belongs to plan %lld, "
                      "which is %s%s",
                      (long long)id, (long long)h->plan_id, state_name(h->state),
                      h->state == SS_PLAN_ACTIVE ? " (of an active plan's targets only the "
                                                   "schedule changes)"
                                                 : "");
}

/* Commit the edit's part of the transaction, or roll it all back. */
static int done(struct ss_store *st, int rc, struct ss_err *err)
{
    if (rc) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

int ss_plan_target_update(struct ss_store *st, int64_t target_id, const struct ss_target_edit *e,
                          struct ss_err *err)
{
    struct ss_target_home h;
    int rc, only_schedule = e->set_profile && !e->text && !e->metric && !e->unit && !e->dept &&
                            !e->set_value && !e->set_op && !e->set_kind && !e->set_parent;

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
    if ((rc = join(st, err)))
        return rc;
    if (!(rc = home_of(st, target_id, only_schedule, &h, err)))
        rc = ss_store_target_update(st, target_id, e, err);
    return done(st, rc, err);
}

int ss_plan_project_lead(struct ss_store *st, int64_t plan_id, int project_no, const char *dept,
                         struct ss_err *err)
{
    enum ss_plan_state state;
    int rc;

    if ((rc = check_text("lead_dept", dept, SS_MAX_NAME, 0, err)))
        return rc;
    if ((rc = join(st, err)))
        return rc;
    if (!(rc = ss_store_plan_state(st, plan_id, &state, err)) && state == SS_PLAN_ARCHIVED)
        rc = ss_err_set(err, SS_ECONFLICT, "plan",
                        "plan %lld is archived: only a draft or the active plan changes",
                        (long long)plan_id);
    if (!rc)
        rc = ss_store_project_lead(st, plan_id, project_no, dept, err);
    return done(st, rc, err);
}

int ss_plan_target_add(struct ss_store *st, int64_t plan_id, int project_no,
                       const struct ss_target *t, int64_t *id, struct ss_err *err)
{
    enum ss_plan_state state;
    const char *metric = t->metric ? t->metric : t->text;
    int rc;

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
    if ((rc = join(st, err)))
        return rc;
    if (!(rc = ss_store_plan_state(st, plan_id, &state, err)) && state != SS_PLAN_DRAFT)
        rc = ss_err_set(err, SS_ECONFLICT, "plan",
                        "only a draft plan can be edited: plan %lld is %s", (long long)plan_id,
                        state_name(state));
    if (!rc)
        rc = ss_store_target_add(st, plan_id, project_no, t, id, err);
    return done(st, rc, err);
}

int ss_plan_target_split(struct ss_store *st, int64_t target_id, const double *values,
                         const char *const *metrics, size_t n, int64_t *new_ids, struct ss_err *err)
{
    struct ss_target_home h;
    size_t i;
    int rc;

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
    if ((rc = join(st, err)))
        return rc;
    if (!(rc = home_of(st, target_id, 0, &h, err)))
        rc = ss_store_target_split(st, target_id, values, metrics, n, new_ids, err);
    return done(st, rc, err);
}

/* Target id of plan p, or NULL. */
static const struct ss_target *target_in(const struct ss_plan *p, int64_t id)
{
    long i = ss_plan_target_index(p, id);

    return i >= 0 ? &p->targets[i] : NULL;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

int ss_plan_target_merge(struct ss_store *st, int64_t a, int64_t b, int *moved, struct ss_err *err)
{
    struct ss_target_home ha, hb;
    struct ss_plan *p = NULL;
    const struct ss_target *ta, *tb;
    struct ss_buf text;
    int rc;

    if (a == b)
        return ss_err_set(err, SS_EINVAL, "target", "cannot merge target #%lld with itself",
                          (long long)a);
    if ((rc = join(st, err)))
        return rc;
    ss_buf_init(&text, SS_MAX_TARGET_TEXT);
    if ((rc = home_of(st, a, 0, &ha, err)) || (rc = home_of(st, b, 0, &hb, err)))
        goto out;
    if (ha.project_id != hb.project_id) {
        rc = ss_err_set(err, SS_ECONFLICT, "target",
                        "targets #%lld and #%lld are in different projects (%d and %d); only "
                        "targets of one project can be merged",
                        (long long)a, (long long)b, ha.project_no, hb.project_no);
        goto out;
    }
    if ((rc = ss_store_plan_load(st, ha.plan_id, &p, err)))
        goto out;
    if (!(ta = target_in(p, a)) || !(tb = target_in(p, b))) {
        rc = ss_err_set(err, SS_ENOTFOUND, "target", "there is no target #%lld",
                        (long long)(ta ? b : a));
        goto out;
    }
    if (strcmp(or_empty(ta->unit), or_empty(tb->unit)) != 0) {
        rc = ss_err_set(err, SS_ECONFLICT, "unit",
                        "targets #%lld and #%lld count in different units ('%s' and '%s'); "
                        "correct one with plan target set --unit first",
                        (long long)a, (long long)b, or_empty(ta->unit), or_empty(tb->unit));
        goto out;
    }
    if (!isfinite(ta->value + tb->value)) {
        rc = ss_err_set(err, SS_EINVAL, "value", "the sum of the two values is too large");
        goto out;
    }
    ss_buf_puts(&text, or_empty(ta->text));
    ss_buf_puts(&text, JOIN);
    ss_buf_puts(&text, or_empty(tb->text));
    if (text.err || text.len > SS_MAX_TARGET_TEXT) {
        rc = ss_err_set(err, SS_EINVAL, "text",
                        "the joined text would be longer than %d bytes; shorten one with "
                        "plan target set --text first",
                        SS_MAX_TARGET_TEXT);
        goto out;
    }
    rc = ss_store_target_merge(st, a, b, ta->value + tb->value, text.data, moved, err);
out:
    ss_plan_free(p);
    ss_buf_cleanup(&text);
    return done(st, rc, err);
}

int ss_plan_target_drop(struct ss_store *st, int64_t target_id, int *orphaned, struct ss_err *err)
{
    struct ss_target_home h;
    int rc;

    if ((rc = join(st, err)))
        return rc;
    if (!(rc = home_of(st, target_id, 0, &h, err)))
        rc = ss_store_target_drop(st, target_id, orphaned, err);
    return done(st, rc, err);
}
