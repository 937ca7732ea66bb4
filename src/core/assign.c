/*
 * assign.c - the share-sum check and storing a share (see assign.h).
 */
#include "core/assign.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "store/store_audit.h"
#include "store/store_workflow.h"

#define EPS 1e-9

/* Units in which a share may be a fraction: lengths, areas, volumes,
 * weights, power, money and percentages. Any other unit counts whole
 * things (people, households, schools, events), so a share in it is a
 * whole number. */
static int divisible_unit(const char *u)
{
    static const char *const cont[] = {
        "公里", "千米", "米",     "平方米", "平方公里", "平方千米", "立方米", "万立方米",
        "亩",   "万亩", "公顷",   "吨",     "万吨",     "蒸吨",     "千克",   "公斤",
        "千瓦", "兆瓦", "万千瓦", "千伏安", "兆伏安",   "千瓦时",   "元",     "万元",
        "亿元", "%",    "‰",      "km",     "m",        "t",        "kg",     "kW"};
    size_t i;

    if (!u || !*u)
        return 1; /* nothing to go by */
    for (i = 0; i < sizeof cont / sizeof cont[0]; i++)
        if (strcmp(u, cont[i]) == 0)
            return 1;
    return 0;
}

/* A share must be a figure the target can have: a rate is a percentage of
 * at most 100, a milestone a whole number of stages up to the target's, a
 * count of whole things a whole number. */
static int share_fits_kind(const struct ss_target *t, double v, struct ss_err *err)
{
    switch (t->kind) {
    case SS_KIND_RATE:
        if (v > 100)
            return ss_err_set(err, SS_EINVAL, "value",
                              "a share of a rate is a percentage from 0 to 100 (%g given)", v);
        break;
    case SS_KIND_CHANGE:
        if (v > 1000)
            return ss_err_set(err, SS_EINVAL, "value",
                              "a share of a change is a percentage of at most 1000 (%g given)", v);
        break;
    case SS_KIND_MILESTONE:
        if (v != floor(v) || v > t->value)
            return ss_err_set(err, SS_EINVAL, "value",
                              "a share of a milestone is a whole number of stages up to %g "
                              "(%g given)",
                              t->value, v);
        break;
    default:
        if (!divisible_unit(t->unit) && v != floor(v))
            return ss_err_set(err, SS_EINVAL, "value",
                              "a share counted in %s is a whole number (%g given)", t->unit, v);
    }
    return SS_OK;
}

/* The whole the share of org comes from, and the other shares of its
 * level. whole is NAN when the parent has no share yet. */
static int level_of(struct ss_store *st, const struct ss_plan *p, const struct ss_target *t,
                    const struct ss_org *org, double *whole, double *others, int *n)
{
    int rc;

    *whole = NAN;
    if (p->top_org && strcmp(org->code, p->top_org) == 0) {
        *whole = t->value;
        *others = 0;
        *n = 0;
        return SS_OK;
    }
    if ((rc = ss_store_assignment_children_sum(st, t->id, org->parent_id, org->id, others, n)))
        return rc;
    if (org->parent_id == 0) {
        *whole = t->value;
        return SS_OK;
    }
    if (ss_store_assignment_get(st, t->id, org->parent_id, whole) == SS_OK)
        return SS_OK;
    /* The parent has no share: the whole is the target's value when the
     * parent is the plan's top unit. */
    if (p->top_org) {
        struct ss_org top = {0};
        if (ss_store_org_get(st, p->top_org, &top) == SS_OK && top.id == org->parent_id)
            *whole = t->value;
        free(top.name);
    }
    return SS_OK;
}

int ss_assign(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
              const struct ss_assign_req *req, struct ss_assign_result *res, struct ss_err *err)
{
    struct ss_plan *loaded = NULL;
    const struct ss_plan *p;
    const struct ss_target *t;
    struct ss_org org = {0};
    double whole, others = 0;
    const char *dept = req->dept && *req->dept ? req->dept : NULL;
    long ti;
    int rc, n = 0, began = 0;

    memset(res, 0, sizeof *res);
    res->whole = NAN;
    if (e) {
        p = ss_engine_plan(e);
    } else {
        if ((rc = ss_store_plan_load(st, 0, &loaded, err)))
            return rc;
        p = loaded;
    }
    if ((ti = ss_plan_target_index(p, req->target_id)) < 0) {
        rc = ss_err_set(err, SS_ENOTFOUND, "target", "no target with id %lld in the current plan",
                        (long long)req->target_id);
        goto out;
    }
    t = &p->targets[ti];
    if (!dept && (!req->org || strlen(req->org) > SS_MAX_ORG_CODE ||
                  ss_store_org_get(st, req->org, &org) != SS_OK)) {
        rc = ss_err_set(err, SS_ENOTFOUND, "org", "no org unit with code '%s'",
                        req->org ? req->org : "");
        goto out;
    }
    if (dept && (strlen(dept) > SS_MAX_NAME || !ss_utf8_valid(dept, strlen(dept)))) {
        rc = ss_err_set(err, SS_EINVAL, "dept", "a department name is UTF-8 of at most %d bytes",
                        SS_MAX_NAME);
        goto out;
    }
    if (e && u && (rc = ss_access_assign(e, u, dept ? -1 : ss_engine_org_by_id(e, org.id), err)))
        goto out;
    if (isnan(req->value) || !isfinite(req->value) || req->value < 0 || req->value > 1e15) {
        rc = ss_err_set(err, SS_EINVAL, "value", "a share is a number of 0 or more");
        goto out;
    }
    if ((rc = share_fits_kind(t, req->value, err)))
        goto out;
    if (req->reason &&
        (strlen(req->reason) > SS_MAX_REASON || !ss_utf8_valid(req->reason, strlen(req->reason)))) {
        rc = ss_err_set(err, SS_EINVAL, "reason", "the reason is UTF-8 of at most %d bytes",
                        SS_MAX_REASON);
        goto out;
    }
    if (req->force && (!req->reason || !*req->reason)) {
        rc = ss_err_set(err, SS_EINVAL, "reason", "forcing a share over the whole needs a reason");
        goto out;
    }
    /* the sum checked and the share written in one transaction, the
     * user's (or, from the CLI, the caller's): no share written meanwhile
     * can make the check stale */
    if ((rc = ss_store_begin(st, u ? u->name : NULL, err)))
        goto out;
    began = 1;
    if (t->kind == SS_KIND_COUNT || t->kind == SS_KIND_AMOUNT) {
        if (dept) {
            whole = t->value;
            rc = ss_store_assignment_dept_sum(st, t->id, dept, &others, &n);
        } else {
            rc = level_of(st, p, t, &org, &whole, &others, &n);
        }
        if (rc)
            goto out;
        res->whole = whole;
        res->sum = others + req->value;
        res->siblings = n;
        if (isnan(whole)) {
            res->warning = 3;
            snprintf(res->message, sizeof res->message,
                     "the unit above has no share of this target yet, so the sum is not checked");
        } else if (res->sum > whole + EPS * (1 + fabs(whole))) {
            if (!req->force) {
                rc = ss_err_set(err, SS_ECONFLICT, "value",
                                "the shares would add up to %g, over the whole of %g by %g; "
                                "lower a share, or force it with a reason",
                                res->sum, whole, res->sum - whole);
                goto out;
            }
            res->warning = 2;
            snprintf(res->message, sizeof res->message,
                     "the shares add up to %g, over the whole of %g (forced: %s)", res->sum, whole,
                     req->reason);
        } else if (res->sum < whole - EPS * (1 + fabs(whole))) {
            res->warning = 1;
            snprintf(res->message, sizeof res->message,
                     "the shares add up to %g, short of the whole of %g by %g", res->sum, whole,
                     whole - res->sum);
        }
    }
    rc = ss_store_assign_set(st, t->id, org.id, dept, req->value, req->force ? req->reason : NULL,
                             err);
out:
    if (began)
        rc = rc ? (ss_store_rollback(st), rc) : ss_store_commit(st, err);
    free(org.name);
    ss_plan_free(loaded);
    return rc;
}
