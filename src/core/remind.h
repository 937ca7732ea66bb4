/*
 * remind.h - reminders (催报) and the messages of single events that go
 * to people other than a notice's addressees: a returned report to its
 * reporter, an answered notice to the supervisors of its scope. All are
 * queued in the outbox (core/outbox.h) inside the event's transaction,
 * with stable event keys, so a run or a request repeated queues nothing
 * twice.
 *
 * Reminders, made by the supervision run (core/supervise.h) as of day D:
 *   - before the deadline: for a period whose reporting deadline (the
 *     plan's deadline day of the next month) is D or within the plan's
 *     remind days after D, every assigned unit with a share still
 *     pending (no report dated in the period handed in:
 *     core/completeness.h) gets one message naming the period, the
 *     deadline and the targets: key "remind:YYYY-MM:before:CODE";
 *   - after it: for the last period whose deadline has passed, every
 *     unit with a share missing gets one (key "remind:YYYY-MM:overdue:
 *     CODE"), and so does its reviewer: the reviewers of the nearest unit
 *     above it that has one with an email address (the level above
 *     reviews the level below).
 * Remind days 0 leaves out the reminders before the deadline.
 *
 * Recipients are the outbox's: a unit's channels and its reporters' and
 * reviewers' email; a reviewer, a supervisor or a reporter alone by their
 * account's email (ss_outbox_put_accounts).
 */
#ifndef SS_REMIND_H
#define SS_REMIND_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/engine.h"
#include "store/store.h"
#include "store/store_remind.h"

#define SS_REMIND_DAYS 3
#define SS_REMIND_DAYS_MAX 28

/* The plan's supervision settings (store_remind.h), or the defaults:
 * SS_REMIND_DAYS, and core/score.h's SS_SCORE_DEFAULT_WEIGHTS. */
int ss_sv_rule_get(struct ss_store *st, int64_t plan_id, struct ss_sv_rule *out);

/* The plan's remind days (its setting, or SS_REMIND_DAYS). */
int ss_remind_days(struct ss_store *st, int64_t plan_id, int *days);
/* Set them (0..SS_REMIND_DAYS_MAX; SS_EINVAL naming field "days" and the
 * value), in the caller's transaction. */
int ss_remind_days_set(struct ss_store *st, int64_t plan_id, int days, struct ss_err *err);

struct ss_remind_result {
    char before_period[8]; /* the period reminded before its deadline, "" none */
    size_t before;         /* units written to anew before the deadline */
    size_t overdue;        /* ... after it (each with its reviewer) */
};

/* The reminders as of day; closed: the last period whose deadline has
 * passed ("YYYY-MM", or "" for none). Joins the caller's transaction. */
int ss_remind_run(struct ss_store *st, const struct ss_engine *e, int32_t day, const char *closed,
                  struct ss_remind_result *res, struct ss_err *err);

/* Report id was just returned (inside the return's transaction): a
 * message to the account that handed it in, with the reviewer's comment.
 * Each return is its own event ("report:ID:returned:N"). */
int ss_remind_returned(struct ss_store *st, const struct ss_engine *e, int64_t report_id,
                       struct ss_err *err);

/* The message key/subject/text to the supervisors of org unit org_id's
 * scope: every enabled supervisor account with an email address at the
 * unit or a unit above it (whose subtree holds it). */
int ss_remind_supervisors(struct ss_store *st, const char *event_key, int64_t org_id,
                          const char *subject, const char *text, struct ss_err *err);

#endif
