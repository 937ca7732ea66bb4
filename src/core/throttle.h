/*
 * throttle.h - how often one client may try one thing: at most `max`
 * attempts within a sliding window of `window` seconds, per key (a client
 * address, a user name), counted in the store.
 *
 * The count lives in the database, not in the process: every server
 * process sharing a database (several behind one PostgreSQL, later) sees
 * the same count, a restart forgets nothing, and a client cannot multiply
 * its allowance by reaching another process. An in-memory window per
 * process would have neither property, and would cost as much: a throttled
 * action is a write anyway. Counting and recording are one write
 * transaction (store/store_throttle.h), so parallel attempts cannot all
 * pass on one count.
 *
 * Using it for a write anyone may make without a session (a citizen's
 * message, a proposal): declare the rule once, and admit the client before
 * the write, on the write's own connection:
 *
 *     static const struct ss_throttle_rule MESSAGES = {
 *         .scope = "message.ip", .max = 10, .window = 3600,
 *         .what = SS_M("messages from this address")};
 *     ...
 *     if (ss_throttle_client(st, &MESSAGES, r->http->ip, &err)) {
 *         ss_web_error(r, &err); // 429 throttled, or 500
 *         return;
 *     }
 *
 * Every admitted attempt counts, whatever the write then does; an action
 * whose successes should not count (a sign-in) forgets its hit after the
 * success (ss_throttle_forget), or clears the key (ss_throttle_clear).
 * Behind a reverse proxy the client address is the proxy's X-Forwarded-For
 * (serve --trusted-proxy), so the proxy itself is not throttled for all.
 */
#ifndef SS_THROTTLE_H
#define SS_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* A limit. scope names what is limited and who by ("login.ip"): rules
 * with different scopes never share a count. what says it in a refusal:
 * "too many <what>: wait 3 minutes and try again"; a message id, marked
 * SS_M("...") so that the refusal is written in the reader's language. */
struct ss_throttle_rule {
    const char *scope;
    int max;    /* attempts allowed within the window (at least 1) */
    int window; /* seconds */
    const char *what;
};

/* A key under a rule: one count. */
struct ss_throttle_key {
    const struct ss_throttle_rule *rule;
    const char *key; /* at most SS_THROTTLE_KEY_MAX bytes (store_throttle.h) */
};

#define SS_THROTTLE_MAX_KEYS 4

/* What ss_throttle_check or ss_throttle_admit decided. */
struct ss_throttle_verdict {
    int refused;         /* 0 admitted; else 1 + the index of the key over its limit */
    int64_t retry_after; /* refused: seconds until one more attempt is allowed */
    int64_t hits[SS_THROTTLE_MAX_KEYS]; /* admitted: each key's recorded attempt */
};

/* Would an attempt of every key in k[0..n) be admitted at now? Read only,
 * for turning a refused client away before anything costly; the answer
 * may be out of date by the time of the write. SS_OK, SS_ETHROTTLED with v
 * and err set (the refusal, see ss_throttle_admit), or SS_EDB. */
int ss_throttle_check(struct ss_store *st, const struct ss_throttle_key *k, size_t n, int64_t now,
                      struct ss_throttle_verdict *v, struct ss_err *err);

/* Admit an attempt of every key in k[0..n) (at most SS_THROTTLE_MAX_KEYS)
 * at now: when each key has fewer than its rule's max attempts within its
 * window, record one per key (v->hits) and return SS_OK; else record
 * nothing and return SS_ETHROTTLED, with v->refused naming the key and
 * err "too many <what>: wait N minute(s) and try again" (field empty).
 * SS_EINVAL for a bad key, SS_EDB when the store fails. Runs its own
 * write transaction: call it before the write it guards, not inside it. */
int ss_throttle_admit(struct ss_store *st, const struct ss_throttle_key *k, size_t n, int64_t now,
                      struct ss_throttle_verdict *v, struct ss_err *err);

/* ss_throttle_admit of one key, client under rule, at the current time:
 * the entry point for an action anyone may take (see the top). */
int ss_throttle_client(struct ss_store *st, const struct ss_throttle_rule *rule, const char *client,
                       struct ss_err *err);

/* An admitted attempt (a v->hits id) no longer counts. */
int ss_throttle_forget(struct ss_store *st, int64_t hit, struct ss_err *err);
/* No attempt of key under rule counts any more (an unlock). */
int ss_throttle_clear(struct ss_store *st, const struct ss_throttle_rule *rule, const char *key,
                      struct ss_err *err);

/* Tests: ss_throttle_client's clock reads `now` (Unix seconds); 0 restores
 * the real one. */
void ss_throttle_set_clock(int64_t now);

#endif
