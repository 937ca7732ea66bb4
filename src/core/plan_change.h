/*
 * plan_change.h - changing a plan once it exists: the rule a target's
 * schedule follows, and activating a draft in place of the current plan of
 * the same year without losing what was reported against it.
 *
 * Schedules. A target is due evenly over the plan period unless it has a
 * monthly profile: for each month, the cumulative share of the value due
 * by that month's end. People write it in percent ("0,0,0,10,25,40,55,70,
 * 85,100,100,100"); it is stored as shares 0..1. The rule: twelve values,
 * each a number from 0 to 100, never going down, the twelfth 100. A bad
 * schedule is described by what is wrong and at which month
 * (struct ss_schedule_err), so the CLI and the console can each say it in
 * their words and languages.
 *
 * Activation. A re-imported plan of the same year replaces the current one;
 * its targets take over the ids of the current plan's targets they match,
 * with their reports and shares, so links and figures survive. A draft
 * target matches a current target when they are the only pair left with,
 * in this order of passes:
 *   1. the same project number, the same text and the same metric;
 *   2. the same project number and the same text;
 *   3. the same metric, unit and op (in any project).
 * A key that several targets share on either side matches nothing in that
 * pass (the next pass may still pair them). Texts, metrics and units are
 * compared byte for byte. A current target with no match is left behind
 * with the archived plan; when reports or shares hang on it, activation is
 * refused unless forced. What the draft does not say is kept: a carried
 * target the draft gives no schedule (or no responsible department) keeps
 * the current one's, and a draft project without a lead department takes
 * that of the current plan's project with the same number and title (an
 * announcement names neither; the office sets them). See
 * docs/plan-lifecycle.md.
 */
#ifndef SS_PLAN_CHANGE_H
#define SS_PLAN_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "core/auth.h"
#include "core/engine.h"
#include "store/model.h"
#include "store/store.h"

/* --- schedules ---------------------------------------------------------- */

enum ss_schedule_problem {
    SS_SCHEDULE_OK = 0,
    SS_SCHEDULE_COUNT,      /* count values given, not 12 */
    SS_SCHEDULE_NOT_NUMBER, /* month's element (text) is not a number */
    SS_SCHEDULE_RANGE,      /* month's value is below 0 or above 100 */
    SS_SCHEDULE_DECREASE,   /* month's value is less than the month before's */
    SS_SCHEDULE_LAST        /* the twelfth value is not 100 */
};

struct ss_schedule_err {
    enum ss_schedule_problem problem;
    int month;       /* 1..12: the bad element */
    size_t count;    /* values given (SS_SCHEDULE_COUNT) */
    double value;    /* the month's value, in percent */
    double previous; /* the month before's (SS_SCHEDULE_DECREASE) */
    char text[24];   /* the element as written (SS_SCHEDULE_NOT_NUMBER), cut short */
};

/* Parse a schedule as people write it: "linear" (or "") for none, else
 * twelve percentages separated by commas (ASCII or ，), each optionally
 * followed by %, blanks ignored. Returns 0 with *has_profile and share[]
 * (0..1) set, or SS_EINVAL with e saying what is wrong. */
int ss_schedule_parse(const char *s, double share[12], int *has_profile, struct ss_schedule_err *e);
/* Check twelve shares 0..1 (as plan JSON gives them) by the same rule;
 * e's values are then in percent. */
int ss_schedule_check(const double share[12], struct ss_schedule_err *e);
/* e in English, for err (field as given): "month 6 (June) is 30, less than
 * month 5's 40: the shares are cumulative, so they never go down". */
int ss_schedule_err_set(const struct ss_schedule_err *e, const char *field, struct ss_err *err);
/* A schedule in percent, "0,0,0,10,...,100", for printing and forms. */
void ss_schedule_format(const double share[12], struct ss_buf *b);
/* English month names, 1..12. */
const char *ss_month_name(int month);

/* Whether u may change plan p (its schedules, lead departments): an admin
 * whose org unit is the plan's top org unit or contains it; for a plan
 * without a top org unit, an admin at a root. 0, or SS_EFORBIDDEN with err
 * saying why. */
int ss_plan_may_change(const struct ss_engine *e, const struct ss_user *u, const struct ss_plan *p,
                       struct ss_err *err);

/* --- activation --------------------------------------------------------- */

enum ss_match_by {
    SS_MATCH_NONE = 0,
    SS_MATCH_TEXT_METRIC = 1, /* pass 1 */
    SS_MATCH_TEXT = 2,        /* pass 2 */
    SS_MATCH_METRIC = 3       /* pass 3: metric, unit and op */
};
/* "text+metric", "text", "metric+unit+op", "none". */
const char *ss_match_by_str(enum ss_match_by by);

/* The pairing of a draft's targets (index d) with the current plan's
 * (index c): old_of[d] = c or -1, by[d] how, new_of[c] = d or -1. */
struct ss_plan_match {
    long *old_of;
    enum ss_match_by *by;
    long *new_of;
};
void ss_plan_match(const struct ss_plan *current, const struct ss_plan *draft,
                   struct ss_plan_match *m);
void ss_plan_match_cleanup(struct ss_plan_match *m);

enum { SS_KEPT_PROFILE = 1, SS_KEPT_DEPT = 2 };

/* What an activation did, or would have done when it was refused. */
struct ss_activation {
    int done;                 /* 1: activated */
    int forced;               /* 1: --force let reports or shares be left behind */
    struct ss_plan *draft;    /* the draft as it was (its ids before) */
    struct ss_plan *replaced; /* the plan it replaces (same year), or NULL */
    struct ss_plan_match match;
    int64_t *final_id;         /* per draft target: its id in the activated plan */
    unsigned char *kept;       /* per draft target: SS_KEPT_* taken from the replaced plan */
    unsigned char *lead_kept;  /* per draft project: 1 if its lead department was kept */
    int64_t *reports, *shares; /* per replaced target: what hangs on it */
    int64_t reports_carried, shares_carried, reports_left, shares_left;
    size_t carried, added, left, left_with_data;
};
void ss_activation_cleanup(struct ss_activation *a);

/* Make plan `plan_id` (a draft; 0: the newest draft) the current plan, in
 * place of the active plan of its year, carrying matched targets over
 * (above). Inside the caller's transaction, begun with who activates
 * (store.h), audited: the row changes through the store's triggers, and
 * an event "plan_activate" listing the pairs and what was left. Refuses with SS_ECONFLICT, writing
 * nothing, when a target left behind has reports or shares and force is 0; `a` is filled in either
 * case (a->done says which) so the caller can say what was or would have
 * been carried and left. The caller cleans a up. */
int ss_plan_activate(struct ss_store *st, int64_t plan_id, int force, struct ss_activation *a,
                     struct ss_err *err);

#endif
