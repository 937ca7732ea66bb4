/*
 * follow.h - following a commitment (关注): the feed of a target, a
 * project or a place, the status history it draws on, and email digests
 * of it to subscribers who confirmed (double opt-in).
 *
 * A feed is a list of sources, one function per kind of entry (follow.c:
 * SOURCES): approved reports that changed a figure, status changes,
 * notices issued or closed; answered messages join as one more function.
 * Each source gives its latest entries in the subject's scope; the feed
 * is their union, newest first, cut to the limit. An entry's id is its
 * row's kind and id ("report/12"), the same in every feed, on every
 * instance and at every request (web/feed_web.c makes it a tag: URI).
 *
 * Status changes are recorded, not derived: a status depends on the day
 * (time runs on while nothing is reported) and on reports approved later
 * for earlier dates, so replaying history would move past entries. The
 * record step (ss_follow_record_status) computes every followed cell's
 * status (each target at the plan's top unit and at every unit holding a
 * share of it) as of a day with an engine, compares it with the last one
 * recorded, and writes each change, in one write transaction. It refuses
 * to go back: when the engine has seen fewer approvals (a lower
 * high-water seq) or an earlier day than the last record, it records
 * nothing, so two instances with engines of different freshness cannot
 * flap a status to and fro; run twice on the same data it writes nothing
 * more. It runs before every digest run (serve's background thread,
 * `shishi notify digest`).
 *
 * Subscriptions: ss_follow_subscribe seals the address (store_seal.h),
 * throttles per client and per address, and queues a confirmation link
 * through the outbox in the same transaction; nothing is sent to the
 * subject's feed until the link's page is answered with a POST
 * (ss_follow_confirm: a GET alone, which link scanners make, confirms
 * nothing). A digest (ss_follow_digest_run) goes at most once a day per
 * subscriber: the day is claimed compare-and-set in the transaction that
 * queues it, under the event key "digest:ID:DAY", so a second run, or
 * another instance, queues nothing. It carries the entries since the last
 * digest and List-Unsubscribe / List-Unsubscribe-Post (RFC 8058) headers
 * to a one-click unsubscribe URL.
 */
#ifndef SS_FOLLOW_H
#define SS_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/l10n.h"
#include "core/engine.h"
#include "store/store.h"
#include "store/store_follow.h"

#define SS_FEED_LIMIT 50       /* entries in a feed */
#define SS_DIGEST_LIMIT 30     /* entries in one digest email */
#define SS_FOLLOW_TOKEN_HEX 33 /* a token (16 random bytes) in hex, with its NUL */

/* What is followed: a target, a project or an org unit, resolved against
 * the engine's current plan. */
struct ss_follow_subject {
    char kind[16]; /* "target", "project", "org" */
    char ref[24];  /* the target id, the project number, the org code */
    struct ss_feed_scope scope;
    long org;      /* the engine's index of the unit (the plan's top for a target or project) */
    long target;   /* the target's index (kind target), else -1 */
    long project;  /* the project's index (kind project), else -1 */
    char path[64]; /* its page: "/targets/47", "/projects/3", "/orgs/6501" */
    char feed[64]; /* its feed: "/feeds/targets/47.atom" ... */
};
/* Resolve kind and ref (SS_EINVAL naming field "about" for a kind it
 * does not know, SS_ENOTFOUND for a target, project or unit the plan
 * does not have). */
int ss_follow_subject(const struct ss_engine *e, const char *kind, const char *ref,
                      struct ss_follow_subject *out, struct ss_err *err);
/* The subject's title in lang (plain text, plan content in Chinese). */
void ss_follow_title(const struct ss_engine *e, const struct ss_follow_subject *s,
                     enum ss_lang lang, char *out, size_t cap);

struct ss_feed_entry {
    char id[48];      /* "report/12", "status/3", "notice-event/9" */
    char updated[24]; /* YYYY-MM-DDTHH:MM:SSZ */
    char *title;      /* plain text, malloc'd */
    char *text;       /* plain text, malloc'd */
    char path[96];    /* the page it is about ("/targets/47?org=650102") */
    int64_t row;      /* the row's id, the order of entries of one time and kind */
};
struct ss_feed {
    struct ss_feed_entry *v;
    size_t n, cap;
};
void ss_feed_free(struct ss_feed *f);

/* The subject's entries after since (NULL: all), newest first, at most
 * limit, written in lang, into *out (caller frees with ss_feed_free). */
int ss_follow_entries(struct ss_store *st, const struct ss_engine *e,
                      const struct ss_follow_subject *s, enum ss_lang lang, const char *since,
                      size_t limit, struct ss_feed *out, struct ss_err *err);

/* Record every followed cell's status as of day (see above) at `at`
 * (Unix seconds: the real clock, which the feeds' times are), in a write transaction of its own by
 * "follow". *changes receives the number of changes written, *skipped 1 when the engine was behind
 * the record (nothing written). */
int ss_follow_record_status(struct ss_store *st, const struct ss_engine *e, int32_t day, int64_t at,
                            size_t *changes, int *skipped, struct ss_err *err);

/* ---- subscriptions ---------------------------------------------------------- */

/* The public URL shishi is reached at, for links in emails and feeds:
 * base (--base-url), else $SHISHI_BASE_URL, else dflt; checked: http:// or
 * https://, printable ASCII, no query, fragment, quote or angle bracket;
 * a trailing '/' dropped. SS_EINVAL naming "--base-url". */
int ss_follow_base_url(const char *base, const char *dflt, char *out, size_t cap,
                       struct ss_err *err);

/* Subscribe email to s, for client (its address), writing in lang:
 * throttled per client and per address (SS_ETHROTTLED), the address
 * checked (SS_EINVAL, field "email"), sealed, and a confirmation link
 * (base_url + /subscriptions/confirm/TOKEN) queued in the same
 * transaction (by "subscriber"). A confirmed address is not written to
 * again, and the answer is the same either way (no one learns from it
 * whether an address follows something). */
int ss_follow_subscribe(struct ss_store *st, const struct ss_engine *e,
                        const struct ss_follow_subject *s, const char *email, enum ss_lang lang,
                        const char *client, const char *base_url, struct ss_err *err);
/* The subject of a pending subscription's confirmation token (confirm 1),
 * or of any subscription's unsubscribe token (confirm 0), for their pages
 * (no address in it); SS_ENOTFOUND. */
int ss_follow_token(struct ss_store *st, int confirm, const char *token, char kind[16],
                    char ref[24], struct ss_err *err);
/* Confirm by token (a POST); SS_ENOTFOUND when no pending one has it. */
int ss_follow_confirm(struct ss_store *st, const char *token, struct ss_err *err);
/* End the subscription of an unsubscribe token (the one-click POST): its
 * address is erased. 0 also when it had ended; SS_ENOTFOUND. */
int ss_follow_unsubscribe(struct ss_store *st, const char *token, struct ss_err *err);
/* Throttle a token page's POST from client (SS_ETHROTTLED). */
int ss_follow_throttle_token(struct ss_store *st, const char *client, struct ss_err *err);

struct ss_digest_stats {
    size_t statuses; /* status changes recorded first */
    size_t queued;   /* digests queued */
    size_t empty;    /* subscribers with nothing new */
    size_t failed;   /* digests that could not be written (the others still went) */
};
/* Record statuses as of now's day, then queue the day's digest of every
 * confirmed subscriber with something new since their last one (see
 * above). now: Unix seconds (the outbox's clock, which tests move): it
 * names the day; the entries' times, and "since the last one", are the
 * real clock's, at which reports are approved. */
int ss_follow_digest_run(struct ss_store *st, const struct ss_engine *e, const char *base_url,
                         int64_t now, struct ss_digest_stats *stats, struct ss_err *err);

#endif
