/*
 * store_draft.h - correcting a draft plan's targets before it is activated.
 *
 * An imported announcement becomes a draft plan (state SS_PLAN_DRAFT); a
 * person reviews it and corrects what the extractor got wrong: a value or
 * unit, a target it missed, one it should have split or merged, one that is
 * not a target at all. Each function here is one such edit.
 *
 * Invariants every edit keeps:
 *   - only a draft plan changes: an edit of a target of an active or
 *     archived plan is refused with SS_ECONFLICT and nothing is written
 *     (reports count against active plans, so their targets are fixed);
 *   - each edit runs in one transaction (BEGIN IMMEDIATE ... COMMIT): it
 *     lands whole or, on any error, not at all;
 *   - every input is checked before the first write (value finite and
 *     >= 0, text and metric non-empty UTF-8 within SS_MAX_TARGET_TEXT and
 *     SS_MAX_NAME); errors name the field and say why;
 *   - a target's parent is in the same project; no target is left pointing
 *     at a dropped one.
 *
 * Return values: 0, or SS_EINVAL (bad input), SS_ENOTFOUND (no such target
 * or project), SS_ECONFLICT (not a draft, or targets of different
 * projects/units), SS_EDB; err says which and why.
 */
#ifndef SS_STORE_DRAFT_H
#define SS_STORE_DRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "store/model.h"
#include "store/store.h"

/* Where a target lives. SS_ENOTFOUND if there is no target with this id. */
struct ss_target_home {
    int64_t plan_id;
    enum ss_plan_state state;
    int project_no;
};
int ss_store_target_home(struct ss_store *st, int64_t target_id, struct ss_target_home *out,
                         struct ss_err *err);

/* A correction of one target: NULL strings and clear set_* flags leave a
 * field as it is. dept "" removes the responsible department. */
struct ss_target_edit {
    const char *text;
    const char *metric;
    const char *unit;
    const char *dept;
    int set_value, set_op, set_kind;
    double value;
    enum ss_op op;
    enum ss_kind kind;
};
int ss_store_target_update(struct ss_store *st, int64_t target_id, const struct ss_target_edit *e,
                           struct ss_err *err);

/* Append a target to project `project_no` of draft plan `plan_id` (after
 * the project's last target). Uses t's text, metric (NULL: the text),
 * unit (NULL: ""), value, op, kind and dept; ids, seq and parent are
 * ignored. *id receives the new target's id. */
int ss_store_target_add(struct ss_store *st, int64_t plan_id, int project_no,
                        const struct ss_target *t, int64_t *id, struct ss_err *err);

/* Split a target into n >= 2 parts: the target keeps values[0] and
 * metrics[0]; parts 1..n-1 are new targets with the same project, text,
 * unit, op, kind, department, parent and schedule, placed right after it
 * in the project's order. new_ids (n - 1 slots, may be NULL) receives
 * their ids. */
int ss_store_target_split(struct ss_store *st, int64_t target_id, const double *values,
                          const char *const *metrics, size_t n, int64_t *new_ids,
                          struct ss_err *err);

/* Merge target b into target a (same project, same unit): a's value
 * becomes a + b, a's text becomes "a；b", b is deleted and b's parts
 * become a's parts. If a was a part of b it takes b's parent. *moved (may
 * be NULL) receives the number of re-parented targets. */
int ss_store_target_merge(struct ss_store *st, int64_t a, int64_t b, int *moved,
                          struct ss_err *err);

/* Delete a target; its parts lose their parent (they stay as targets).
 * *orphaned (may be NULL) receives how many did. */
int ss_store_target_drop(struct ss_store *st, int64_t target_id, int *orphaned, struct ss_err *err);

#endif
