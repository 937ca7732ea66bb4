/*
 * assign.h - breaking a target down (任务分解): shares of a target's value
 * given to org units or to departments.
 *
 * The shares of one level must add up to the whole they come from: the
 * parent unit's share, or the target's value when the parent is the plan's
 * top unit (or the share goes to a department). A new share that leaves
 * the sum short is kept with a warning; one that takes it over the whole is
 * refused, unless forced with a reason, which is stored with the share and
 * in the audit log. Rates, changes and milestones are not summed: each unit
 * gets the same kind of figure, so their shares are kept as given.
 *
 * A share must fit its target's kind and unit: a rate's is a percentage of
 * at most 100, a milestone's a whole number of stages up to the target's,
 * and a count of whole things (人, 户, 所 ...: any unit that is not a
 * length, area, volume, weight, power, money or percentage) a whole number.
 */
#ifndef SS_ASSIGN_H
#define SS_ASSIGN_H

#include <stdint.h>

#include "base/err.h"
#include "core/auth.h"
#include "core/engine.h"
#include "store/store.h"

struct ss_assign_req {
    int64_t target_id;
    const char *org;  /* org unit code, or NULL with dept */
    const char *dept; /* department name, or NULL */
    double value;
    int force;          /* allow the sum to exceed the whole */
    const char *reason; /* required with force */
};

struct ss_assign_result {
    double whole;      /* what the level's shares should add up to; NAN if unknown */
    double sum;        /* the level's shares with this one */
    int siblings;      /* other shares of the level */
    int warning;       /* 1: short of the whole, 2: over it (forced), 3: no whole known */
    char message[256]; /* the warning in words, "" when none */
};

/* Check and store one share, the check and the write in one transaction
 * begun with u's name. e and u may be NULL (the administrator's CLI): no
 * access check then, and the caller's transaction (begun with its actor)
 * is joined. With them, the access rules apply (core/access.h). Over the
 * whole without force: SS_ECONFLICT. */
int ss_assign(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
              const struct ss_assign_req *req, struct ss_assign_result *res, struct ss_err *err);

#endif
