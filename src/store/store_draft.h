/*
 * store_draft.h - the writes that change a plan: correcting a draft's
 * targets, the few things that may change on the active plan (a target's
 * schedule, a project's lead department), and the activation that makes a
 * draft current in place of the plan of the same year.
 *
 * The store stores; core decides (core/plan_edit.h, core/plan_change.h).
 * Which plan may change and how (a draft freely; of the active plan only
 * schedules and lead departments; an archived plan never), and what makes
 * a text, a value or a schedule acceptable, are core's rules, checked
 * inside the caller's transaction before it calls these. What the store
 * keeps here, whoever calls:
 *   - each edit runs in the caller's transaction (store.h) and lands whole
 *     or not at all; the audit triggers record it, and the structure
 *     counter a running engine watches moves, so figures follow a new
 *     schedule at once;
 *   - a project's order stays parents before parts (see store_draft.c), a
 *     target's parent is in the same project, and no target is left
 *     pointing at a dropped one;
 *   - the schema's constraints (foreign keys, op and kind values, unique
 *     project numbers) refuse what core let through by mistake.
 *
 * Return values: 0, or SS_ENOTFOUND (no such target, plan or project),
 * SS_EINVAL (no transaction open), SS_ECONFLICT (an activation's states
 * changed meanwhile), SS_EDB; err says which and why.
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
    int64_t project_id;
};
int ss_store_target_home(struct ss_store *st, int64_t target_id, struct ss_target_home *out,
                         struct ss_err *err);
/* A plan's state; SS_ENOTFOUND if there is no such plan. */
int ss_store_plan_state(struct ss_store *st, int64_t plan_id, enum ss_plan_state *state,
                        struct ss_err *err);

/* A correction of one target: NULL strings and clear set_* flags leave a
 * field as it is. dept "" removes the responsible department. set_profile
 * sets the schedule: profile (cumulative shares 0..1 by month end) when
 * has_profile, else linear. set_parent makes it a part of parent_id (0:
 * of none), which must be an earlier target of the same project
 * (SS_ECONFLICT otherwise, SS_ENOTFOUND when there is no such target). */
struct ss_target_edit {
    const char *text;
    const char *metric;
    const char *unit;
    const char *dept;
    int set_value, set_op, set_kind, set_profile, has_profile, set_parent;
    int64_t parent_id;
    double value;
    enum ss_op op;
    enum ss_kind kind;
    double profile[12];
};
int ss_store_target_update(struct ss_store *st, int64_t target_id, const struct ss_target_edit *e,
                           struct ss_err *err);

/* Set the lead department of project `project_no` of plan `plan_id`;
 * NULL, "" or "unknown" removes it. */
int ss_store_project_lead(struct ss_store *st, int64_t plan_id, int project_no, const char *dept,
                          struct ss_err *err);

/* Append a target to project `project_no` of plan `plan_id` (after
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

/* Merge target b into target a (of one project): a takes value and text
 * (core joins them), b is deleted and b's parts become a's parts. If a
 * was a part of b it takes b's parent. *moved (may be NULL) receives the
 * number of re-parented targets. */
int ss_store_target_merge(struct ss_store *st, int64_t a, int64_t b, double value, const char *text,
                          int *moved, struct ss_err *err);

/* Delete a target; its parts lose their parent (they stay as targets).
 * *orphaned (may be NULL) receives how many did. */
int ss_store_target_drop(struct ss_store *st, int64_t target_id, int *orphaned, struct ss_err *err);

/* The announcement plan `plan_id` was imported from, as the extractor read
 * it (extract.h: ss_extract_source), and the file's name ("" when pasted):
 * the review page shows the draft beside it. One per plan (put replaces
 * it), deleted with the plan; put runs in the caller's transaction and is
 * audited. get: both the caller's, or SS_ENOTFOUND (err untouched) when
 * the plan has none. */
int ss_store_plan_source_put(struct ss_store *st, int64_t plan_id, const char *name,
                             const char *text, struct ss_err *err);
int ss_store_plan_source_get(struct ss_store *st, int64_t plan_id, char **name, char **text,
                             struct ss_err *err);

/* --- activation (store_plan.c) ------------------------------------------ */

/* The active plan of `year` (the newest if several), or 0. */
int64_t ss_store_plan_active_of_year(struct ss_store *st, int year);

/* What hangs on a target: its reports (any status) and its shares
 * (assignments). */
int ss_store_target_usage(struct ss_store *st, int64_t target_id, int64_t *reports, int64_t *shares,
                          struct ss_err *err);

/* A target of the plan being replaced that a target of the draft takes
 * over: after the activation the draft's target has the old id. */
struct ss_carry {
    int64_t old_id;
    int64_t draft_id;
    int keep_profile; /* keep the old target's schedule, not the draft's */
    int keep_dept;    /* keep the old target's responsible department */
};

/* Make draft `draft_id` the active plan in place of active plan `old_id`
 * (0: none), carrying the n targets in c over, in one transaction (it
 * nests in the caller's):
 *   - the old plan is archived and the draft activated;
 *   - each carried old target row moves into the draft, taking the draft
 *     target's project, order, text, values, kind, department, schedule and
 *     (remapped) parent (its own schedule and department where keep_* say
 *     so); its reports and shares stay on it, so ids, links and figures
 *     carry over; the draft's own row is deleted;
 *   - the archived plan keeps a whole record: a copy (new id, no reports)
 *     of each carried target as it was, parents remapped to the copies;
 *     its uncarried targets stay as they were, with whatever hangs on them.
 * The states are compare-and-set: refused (SS_ECONFLICT) unless draft_id
 * is still a draft and old_id still active (a second activation of the
 * same draft loses), and every pair's targets in those plans. */
int ss_store_plan_replace(struct ss_store *st, int64_t draft_id, int64_t old_id,
                          const struct ss_carry *c, size_t n, struct ss_err *err);

#endif
