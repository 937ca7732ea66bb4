/*
 * throttle.c - per-client limits (see throttle.h): the rules and the
 * words, over the store's counts (store/store_throttle.h).
 *
 * A rule's window slides: an attempt is allowed while fewer than max
 * attempts lie within the last `window` seconds, and a refusal says how
 * long until the oldest of those leaves the window. Each hit carries its
 * own expiry (its time plus the window), so the store can drop old hits
 * without knowing any rule.
 */
#include "core/throttle.h"

#include <stdatomic.h>
#include <time.h>

#include "base/util.h"
#include "store/store_throttle.h"

static _Atomic int64_t fixed_clock;

void ss_throttle_set_clock(int64_t now)
{
    fixed_clock = now;
}

static int64_t now_s(void)
{
    int64_t t = fixed_clock;

    return t ? t : (int64_t)time(NULL);
}

/* The refusal of key i, whose earliest counted attempt was at oldest. */
static int refuse(const struct ss_throttle_key *k, size_t i, int64_t oldest, int64_t now,
                  struct ss_throttle_verdict *v, struct ss_err *err)
{
    int64_t wait = oldest + k[i].rule->window - now;
    long minutes = (long)((wait + 59) / 60);

    if (minutes < 1)
        minutes = 1;
    v->refused = (int)i + 1;
    v->retry_after = wait > 0 ? wait : 1;
    if (minutes == 1)
        return ss_err_set(err, SS_ETHROTTLED, "", "too many %s: wait a minute and try again",
                          k[i].rule->what);
    return ss_err_set(err, SS_ETHROTTLED, "", "too many %s: wait %ld minutes and try again",
                      k[i].rule->what, minutes);
}

static int bad_keys(const struct ss_throttle_key *k, size_t n, struct ss_err *err)
{
    size_t i;

    if (n > SS_THROTTLE_MAX_KEYS)
        return ss_err_set(err, SS_EINVAL, "key", "at most %d keys at once", SS_THROTTLE_MAX_KEYS);
    for (i = 0; i < n; i++)
        if (!k[i].key || !k[i].rule || k[i].rule->max < 1 || k[i].rule->window < 1)
            return ss_err_set(err, SS_EINVAL, "key", "a throttle needs a key and a rule");
    return SS_OK;
}

int ss_throttle_check(struct ss_store *st, const struct ss_throttle_key *k, size_t n, int64_t now,
                      struct ss_throttle_verdict *v, struct ss_err *err)
{
    size_t i;
    int rc, count;
    int64_t oldest;

    *v = (struct ss_throttle_verdict){0};
    if ((rc = bad_keys(k, n, err)))
        return rc;
    for (i = 0; i < n; i++) {
        if (ss_store_throttle_count(st, k[i].rule->scope, k[i].key, now - k[i].rule->window,
                                    k[i].rule->max, &count, &oldest))
            return ss_err_set(err, SS_EDB, "", "cannot count the attempts");
        if (count >= k[i].rule->max)
            return refuse(k, i, oldest, now, v, err);
    }
    return SS_OK;
}

int ss_throttle_admit(struct ss_store *st, const struct ss_throttle_key *k, size_t n, int64_t now,
                      struct ss_throttle_verdict *v, struct ss_err *err)
{
    struct ss_store_throttle_key sk[SS_THROTTLE_MAX_KEYS];
    size_t i;
    int rc, over;
    int64_t oldest;

    *v = (struct ss_throttle_verdict){0};
    if ((rc = bad_keys(k, n, err)))
        return rc;
    for (i = 0; i < n; i++) {
        sk[i].scope = k[i].rule->scope;
        sk[i].key = k[i].key;
        sk[i].since = now - k[i].rule->window;
        sk[i].max = k[i].rule->max;
        sk[i].expires = now + k[i].rule->window;
    }
    if ((rc = ss_store_throttle_admit(st, sk, n, now, &over, &oldest, v->hits, err)))
        return rc == SS_EINVAL ? rc
                               : ss_err_set(err, SS_EDB, "",
                                            "the attempt could not be "
                                            "recorded; try again");
    if (over >= 0)
        return refuse(k, (size_t)over, oldest, now, v, err);
    return SS_OK;
}

int ss_throttle_client(struct ss_store *st, const struct ss_throttle_rule *rule, const char *client,
                       struct ss_err *err)
{
    struct ss_throttle_key k = {rule, client};
    struct ss_throttle_verdict v;

    return ss_throttle_admit(st, &k, 1, now_s(), &v, err);
}

int ss_throttle_forget(struct ss_store *st, int64_t hit, struct ss_err *err)
{
    return ss_store_throttle_forget(st, hit, err);
}

int ss_throttle_clear(struct ss_store *st, const struct ss_throttle_rule *rule, const char *key,
                      struct ss_err *err)
{
    return ss_store_throttle_clear(st, rule->scope, key, err);
}
