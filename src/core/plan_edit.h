/*
 * plan_edit.h - correcting a plan: the rules of what may change, and the
 * edits themselves (through store/store_draft.h, which only writes).
 *
 * An imported announcement becomes a draft plan; a person reviews it and
 * corrects what the extractor got wrong: a value or unit, a target it
 * missed, one it should have split or merged, one that is not a target at
 * all. Each function here is one such edit.
 *
 * The rules, checked before anything is written:
 *   - a draft plan changes freely; of the active plan only schedules and
 *     lead departments change (reports count against it, so its targets'
 *     values, units and ops are fixed: correct a draft and activate it); an
 *     archived plan never changes. A refused edit is SS_ECONFLICT and
 *     writes nothing;
 *   - every input is checked: a value finite and >= 0, text and metric
 *     non-empty UTF-8 within SS_MAX_TARGET_TEXT and SS_MAX_NAME, a unit
 *     within SS_MAX_UNIT, a schedule twelve non-decreasing shares ending at
 *     1, a split into 2 to SS_MAX_SPLIT parts; a merge only of two targets
 *     of one project counting in one unit, whose joined text fits. Errors
 *     name the field and say why.
 *
 * Transactions: each edit runs inside the caller's transaction, begun with
 * the acting user (store.h: ss_store_begin(st, actor, err) ...
 * ss_store_commit), so the audit log says who made it; the plan's state is
 * read and the edit written in that one transaction, so no activation in
 * between can slip past the rule. Without a transaction an edit is
 * refused (SS_EINVAL, field "actor"). A refused or failed edit rolls the
 * whole transaction back.
 *
 * Return values: 0, or SS_EINVAL (bad input), SS_ENOTFOUND (no such
 * target, plan or project), SS_ECONFLICT (the plan does not allow it, or
 * targets of different projects or units), SS_EDB; err says which and why.
 */
#ifndef SS_PLAN_EDIT_H
#define SS_PLAN_EDIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/model.h"
#include "store/store.h"
#include "store/store_draft.h"

/* Correct one target (struct ss_target_edit, store_draft.h). An edit that
 * sets only the schedule may be of an active plan's target; any other
 * field needs a draft. */
int ss_plan_target_update(struct ss_store *st, int64_t target_id, const struct ss_target_edit *e,
                          struct ss_err *err);

/* Set the lead department of project `project_no` of plan `plan_id` (a
 * draft or the active plan); NULL, "" or "unknown" removes it. */
int ss_plan_project_lead(struct ss_store *st, int64_t plan_id, int project_no, const char *dept,
                         struct ss_err *err);

/* Append a target to project `project_no` of draft plan `plan_id`, as
 * ss_store_target_add does. */
int ss_plan_target_add(struct ss_store *st, int64_t plan_id, int project_no,
                       const struct ss_target *t, int64_t *id, struct ss_err *err);

/* Split a draft's target into n parts, as ss_store_target_split does. */
int ss_plan_target_split(struct ss_store *st, int64_t target_id, const double *values,
                         const char *const *metrics, size_t n, int64_t *new_ids,
                         struct ss_err *err);

/* Merge draft target b into a (same project, same unit): a's value becomes
 * a + b, a's text "a；b"; see ss_store_target_merge. */
int ss_plan_target_merge(struct ss_store *st, int64_t a, int64_t b, int *moved, struct ss_err *err);

/* Delete a draft's target; its parts lose their parent. */
int ss_plan_target_drop(struct ss_store *st, int64_t target_id, int *orphaned, struct ss_err *err);

#endif
