/*
 * store_remind.h - a plan's supervision settings besides the notices'
 * deadlines (store_notice.h's notice_rule): the days before a period's
 * reporting deadline the reminders (催报) go out, and the score's weights
 * (core/score.h); and what the reminders ask of the outbox's rows. The
 * rules (ranges, the sum of 100) are core's (core/remind.h, core/score.h).
 *
 * The table comes from migration 16 (STORE_SCHEMA_SUPERVISION_RULE),
 * audited (store_audit.c). A database before it has no row: the readers
 * answer the defaults they are given.
 */
#ifndef SS_STORE_REMIND_H
#define SS_STORE_REMIND_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* Weights in points, in core/score.h's order: progress, on time, notices
 * answered in time, reports not returned. */
#define SS_SV_WEIGHTS 4

struct ss_sv_rule {
    int remind_days;
    int w[SS_SV_WEIGHTS];
};

/* Plan plan_id's settings, or dflt where it has none. 0 or SS_EDB. */
int ss_store_sv_rule(struct ss_store *st, int64_t plan_id, const struct ss_sv_rule *dflt,
                     struct ss_sv_rule *out);
/* Store them (checked by the caller; the table's CHECKs refuse what core
 * would), in the caller's transaction, by its actor. */
int ss_store_sv_rule_set(struct ss_store *st, int64_t plan_id, const struct ss_sv_rule *r,
                         struct ss_err *err);

/* The outbox's rows of event key `key`: the count, or <0 on error. */
int64_t ss_store_outbox_key_rows(struct ss_store *st, const char *key);
/* The distinct event keys of the outbox that start with prefix: the
 * count, or <0 on error (the number of an event of one kind, e.g. the
 * returns of one report, so the next is keyed anew). */
int64_t ss_store_outbox_keys_with(struct ss_store *st, const char *prefix);

/* The parent of org unit org_id: its id, 0 for a root, <0 on error
 * (SS_ENOTFOUND for no such unit). */
int64_t ss_store_org_parent(struct ss_store *st, int64_t org_id);

#endif
