/*
 * store_follow.h - following a commitment: what its feed shows (approved
 * reports that changed a figure, status changes, notices issued or
 * closed), the status history, and email subscriptions. For core/follow.c.
 *
 * A scope is what a feed covers: the current plan's targets (plan_id),
 * narrowed to one target, one project, and/or an org unit's subtree
 * (the unit and every unit below it, found in SQL by a recursive walk
 * down org_unit.parent_id). Zero fields do not narrow.
 *
 * Entries come newest first (by time, then id), at most `limit`, and
 * only those at or after `since` (YYYY-MM-DDTHH:MM:SSZ, inclusive: times
 * are whole seconds, and the caller drops the entries of that second it
 * had; NULL: all), so a digest asks for what came since the last one.
 *
 * Subscriptions hold no address in the clear: `email` is sealed
 * (store_seal.h, SS_OUTBOX_SEAL_CONTEXT), `email_digest` its keyed digest,
 * the tokens kept as keyed digests (the caller digests a token before it
 * asks). Writes join the caller's transaction; none is audited (a
 * citizen's bookkeeping, erased when they leave: ss_store_sub_end clears
 * the sealed address).
 */
#ifndef SS_STORE_FOLLOW_H
#define SS_STORE_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

struct ss_feed_scope {
    int64_t plan_id;
    int64_t target_id;  /* 0: every target */
    int64_t project_id; /* 0: every project */
    int64_t org_id;     /* 0: every org unit; else its subtree */
};

/* An approved report whose figure differs from the unit's previous
 * approved report of the target (by approval order), or its first. */
struct ss_feed_report {
    int64_t id, target_id, org_id;
    char as_of[11];
    double value, numerator, denominator; /* NAN when not given */
    double prev_value;                    /* the previous report's value, NAN for none */
    char at[24];                          /* when it was approved */
};
typedef int (*ss_feed_report_fn)(void *ctx, const struct ss_feed_report *r);
int ss_store_feed_reports(struct ss_store *st, const struct ss_feed_scope *sc, const char *since,
                          size_t limit, ss_feed_report_fn fn, void *ctx);

/* A recorded status change of a target at an org unit. */
struct ss_feed_status {
    int64_t id, target_id, org_id;
    char day[11];
    char at[24];
    char from[24], to[24]; /* ss_status_str's names */
};
typedef int (*ss_feed_status_fn)(void *ctx, const struct ss_feed_status *s);
int ss_store_feed_statuses(struct ss_store *st, const struct ss_feed_scope *sc, const char *since,
                           size_t limit, ss_feed_status_fn fn, void *ctx);

/* A notice issued or closed (a notice_event of that kind). */
struct ss_feed_notice {
    int64_t event_id, notice_id, target_id, org_id;
    int year, no;
    char kind[16];  /* "issued" or "closed" */
    char grade[16]; /* blue, yellow, red */
    char day[11];
    char at[24];
};
typedef int (*ss_feed_notice_fn)(void *ctx, const struct ss_feed_notice *n);
int ss_store_feed_notices(struct ss_store *st, const struct ss_feed_scope *sc, const char *since,
                          size_t limit, ss_feed_notice_fn fn, void *ctx);

/* A published message (store_message.h) that its unit answered. Text
 * fields malloc'd, freed after fn returns. */
struct ss_feed_message {
    int64_t id, target_id, org_id; /* target_id 0 unless about a target */
    int project_no;                /* 0 unless about a project */
    char about[8];                 /* target, project, org */
    char kind[12];
    char at[24]; /* when it was answered */
    char *text, *reply;
};
typedef int (*ss_feed_message_fn)(void *ctx, const struct ss_feed_message *m);
int ss_store_feed_messages(struct ss_store *st, const struct ss_feed_scope *sc, const char *since,
                           size_t limit, ss_feed_message_fn fn, void *ctx);

/* ---- the status history ----------------------------------------------------- */

/* The (seq, day) plan_id's statuses were last recorded with (a meta
 * row): *seq 0 and day "" when never; and setting it (caller's
 * transaction). */
int ss_store_status_mark(struct ss_store *st, int64_t plan_id, int64_t *seq, char day[11],
                         struct ss_err *err);
int ss_store_status_mark_set(struct ss_store *st, int64_t plan_id, int64_t seq, const char *day,
                             struct ss_err *err);
/* Every recorded status of plan_id's targets. */
typedef int (*ss_status_now_fn)(void *ctx, int64_t target_id, int64_t org_id, const char *status);
int ss_store_status_each(struct ss_store *st, int64_t plan_id, ss_status_now_fn fn, void *ctx);
/* Record (target, org)'s status as of day, with the approval high-water
 * mark seq it was computed from, at `at`; when from is not NULL (a known
 * status that differs) also a status_change row. Joins the caller's
 * transaction. */
int ss_store_status_put(struct ss_store *st, int64_t target_id, int64_t org_id, const char *from,
                        const char *to, const char *day, int64_t seq, const char *at,
                        struct ss_err *err);

/* ---- subscriptions ---------------------------------------------------------- */

/* A digest's cursor: YYYY-MM-DDTHH:MM:SSZ, then " kind/id" for each entry
 * of that second a digest held. */
#define SS_SUB_CURSOR_MAX 1024

struct ss_sub_rec {
    int64_t id;
    char about_kind[16]; /* target, project, org */
    char about_ref[24];  /* the target id, project number or org code */
    int64_t org_id;      /* the unit its messages are about */
    char *email;         /* sealed ("" once ended); malloc'd */
    char *unsub_token;   /* sealed; malloc'd */
    char lang[8];
    char status[16]; /* pending, confirmed, ended */
    char digest_day[11];
    char digest_until[SS_SUB_CURSOR_MAX]; /* the time, then the ids of that second sent */
};
void ss_sub_rec_cleanup(struct ss_sub_rec *r);

/* A request to subscribe. Every string given; tokens as their digests. */
struct ss_sub_new {
    const char *about_kind, *about_ref;
    int64_t org_id;
    const char *email, *email_digest; /* sealed, and its keyed digest */
    const char *lang;
    const char *confirm_digest;
    const char *unsub_digest, *unsub_token; /* digest, and the token sealed */
};
/* Subscribe n's address to n's subject at now (caller's transaction):
 * new, or pending again (new confirmation token, address sealed anew), or
 * ended and now pending again with new tokens: *id receives it and *ask 1
 * (a confirmation is to be sent). Already confirmed: *id, *ask 0. */
int ss_store_sub_request(struct ss_store *st, const struct ss_sub_new *n, const char *now,
                         int64_t *id, int *ask, struct ss_err *err);
/* The subscription whose confirmation token has digest d (pending), or
 * whose unsubscribe token has it (confirm 0; any status). SS_ENOTFOUND. */
int ss_store_sub_find(struct ss_store *st, int confirm, const char *d, struct ss_sub_rec *out,
                      struct ss_err *err);
/* Confirm the pending subscription of confirmation digest d at now: its
 * digests start from now. SS_ENOTFOUND when none is pending with it. */
int ss_store_sub_confirm(struct ss_store *st, const char *d, const char *now, int64_t *id,
                         struct ss_err *err);
/* End the subscription of unsubscribe digest d at now, erasing its
 * address; 0 also when it had ended (*ended 0 then). SS_ENOTFOUND. */
int ss_store_sub_end(struct ss_store *st, const char *d, const char *now, int *ended,
                     struct ss_err *err);
/* Every confirmed subscription without a digest on day (by id). */
typedef int (*ss_sub_fn)(void *ctx, const struct ss_sub_rec *r);
int ss_store_sub_each_due(struct ss_store *st, const char *day, ss_sub_fn fn, void *ctx);
/* Claim day's digest of subscription id, covering up to until
 * (compare-and-set on its digest day, caller's transaction): *won 1 when
 * this call took it, 0 when it was taken already (another instance). */
int ss_store_sub_digested(struct ss_store *st, int64_t id, const char *day, const char *until,
                          int *won, struct ss_err *err);

#endif
