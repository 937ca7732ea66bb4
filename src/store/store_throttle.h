/*
 * store_throttle.h - attempts counted per key, for core/throttle.c.
 *
 * A hit is one attempt by one key (a client address, a user name) at one
 * thing (its scope: "login.name", "login.ip" ...), at a time, kept until
 * it expires. The store counts hits and records them; what the limits are
 * and what a refusal says is core's.
 *
 * What callers may rely on:
 *   - ss_store_throttle_admit counts and records in one write transaction
 *     that every other admit on the same database waits for, whichever
 *     process or connection it comes from: parallel attempts cannot all
 *     pass on one count, and every server sharing the database shares it;
 *   - a refused admit records nothing;
 *   - hits are not audited (they are not part of the record) and expired
 *     hits are deleted a few at a time by later admits;
 *   - times are Unix seconds from the caller, so tests can move the clock.
 */
#ifndef SS_STORE_THROTTLE_H
#define SS_STORE_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define SS_THROTTLE_KEY_MAX 256 /* bytes in a scope or a key */

/* One key to count and, when admitted, to record. */
struct ss_store_throttle_key {
    const char *scope;
    const char *key;
    int64_t since;   /* hits after this count */
    int max;         /* this many counted hits refuse the next */
    int64_t expires; /* when the hit recorded now stops mattering */
};

/* The count for one key: hits of (scope, key) after since, up to the
 * latest max of them (*count), and the time of the earliest of those
 * (*oldest; 0 if none). Read only. */
int ss_store_throttle_count(struct ss_store *st, const char *scope, const char *key, int64_t since,
                            int max, int *count, int64_t *oldest);

/* Count every key of k[0..n) and, when each has fewer than its max, record
 * one hit per key at now and set ids[i] to each hit's id; else record
 * nothing and set *over to the index of the first key at its max, and
 * *oldest to the earliest hit it counted. *over is -1 when admitted.
 * Returns 0 either way, SS_EINVAL for a scope or key over
 * SS_THROTTLE_KEY_MAX, SS_EDB when the store fails. */
int ss_store_throttle_admit(struct ss_store *st, const struct ss_store_throttle_key *k, size_t n,
                            int64_t now, int *over, int64_t *oldest, int64_t *ids,
                            struct ss_err *err);

/* The hit id no longer counts (deleted; nothing when it is gone). */
int ss_store_throttle_forget(struct ss_store *st, int64_t id, struct ss_err *err);
/* No hit of (scope, key) counts any more. */
int ss_store_throttle_clear(struct ss_store *st, const char *scope, const char *key,
                            struct ss_err *err);

#endif
