/*
 * rating.c - satisfaction ratings and closed surveys (see rating.h): the
 * rules, the signed cookie, the throttles, the codes.
 *
 * The cookie ss_rated_PERIOD is BITS "." MAC: BITS the projects rated in
 * the period as 32 hex digits (bit n - 1 for project n, a 128-bit map in
 * the order written), MAC the first 16 bytes of HMAC-SHA256 over
 * "shishi rated v1|PERIOD|BITS" in hex. Its MAC key is the store's
 * ss_store_seal_mac_key of COOKIE_CONTEXT, so no other MAC or digest
 * shares it and nobody without the audit key file can make one. The value
 * is one fixed length and a canonical spelling (lower-case hex), so a
 * cookie verifies byte for byte or not at all.
 *
 * The throttle's key for the open rating is the keyed digest (store_seal)
 * of "ADDRESS|PERIOD|PROJECT": the hits count an address's ratings of one
 * project without the address being stored, and they expire after
 * SS_RATING_WINDOW, longer than any period. Every hit stands for an
 * accepted rating: the cookie and the input are checked before the
 * admit, and a rating that then fails to store forgets its hit. A
 * read-only check turns a client at its limit away before the admit takes
 * the writers' lock.
 *
 * Codes are SS_SURVEY_CODE_LEN characters of Crockford's base32 (no I, L,
 * O, U), drawn by libsodium: 100 bits, so guessing one is hopeless and
 * the per-address throttle of misses only bounds the noise. They are read
 * in any case, with I and L as 1 and O as 0, dashes and spaces ignored.
 */
#include "core/rating.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/throttle.h"
#include "store/store_seal.h"

#define COOKIE_CONTEXT "shishi rating cookie v1"
#define CLIENT_CONTEXT "shishi rating clients v1"
#define CODE_CONTEXT "shishi survey codes v1"
#define BITS_HEX (SS_RATING_MAX_PROJECT / 4)
#define MAC_BYTES 16

static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static const struct ss_throttle_rule RATINGS = {.scope = "rating.client",
                                                .max = SS_RATING_PER_CLIENT,
                                                .window = (int)SS_RATING_WINDOW,
                                                .what = SS_M("ratings from this address")};
static const struct ss_throttle_rule CODE_MISSES = {.scope = "survey.code",
                                                    .max = SS_SURVEY_CODE_MISSES,
                                                    .window = 3600,
                                                    .what = SS_M("survey codes that do not work")};

void ss_rating_period_of(const struct ss_plan *p, char out[SS_PERIOD_MAX])
{
    snprintf(out, SS_PERIOD_MAX, "%04d", p->year);
}

static int digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int ss_rating_period_check(const char *s, struct ss_err *err)
{
    size_t n = s ? strlen(s) : 0;
    int ok = n >= 4 && digits(s, 4) && s[0] != '0';

    if (ok && n > 4) {
        ok = n == 7 && s[4] == '-' &&
             ((s[5] == 'H' && (s[6] == '1' || s[6] == '2')) ||
              (s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') ||
              (digits(s + 5, 2) && (s[5] - '0') * 10 + (s[6] - '0') >= 1 &&
               (s[5] - '0') * 10 + (s[6] - '0') <= 12));
    }
    if (!ok)
        return ss_err_set(err, SS_EINVAL, "period",
                          "period '%.20s' is not a year (2026), a half (2026-H1), a quarter "
                          "(2026-Q1) or a month (2026-01)",
                          s ? s : "");
    return SS_OK;
}

void ss_rating_cookie_name(const char *period, char out[SS_RATING_COOKIE_NAME])
{
    snprintf(out, SS_RATING_COOKIE_NAME, "ss_rated_%s", period);
}

/* ---- the cookie ------------------------------------------------------------- */

/* The bitmap's hex digits from value into bits; 0 when value is not
 * BITS "." MAC in the canonical spelling. */
static int cookie_parse(const char *value, unsigned char bits[BITS_HEX / 2])
{
    size_t i;

    if (!value || strlen(value) != BITS_HEX + 1 + 2 * MAC_BYTES || value[BITS_HEX] != '.')
        return 0;
    for (i = 0; i < BITS_HEX + 1 + 2 * MAC_BYTES; i++)
        if (i != BITS_HEX &&
            !((value[i] >= '0' && value[i] <= '9') || (value[i] >= 'a' && value[i] <= 'f')))
            return 0;
    return sodium_hex2bin(bits, BITS_HEX / 2, value, BITS_HEX, NULL, NULL, NULL) == 0;
}

static int bit_of(const unsigned char *bits, int no)
{
    return no >= 1 && no <= SS_RATING_MAX_PROJECT && (bits[(no - 1) / 8] >> ((no - 1) % 8)) & 1;
}

int ss_rating_cookie_lists(const char *value, int project_no)
{
    unsigned char bits[BITS_HEX / 2];

    return cookie_parse(value, bits) && bit_of(bits, project_no);
}

/* The MAC of the bitmap in hex (BITS_HEX digits at hexbits) for period. */
static int cookie_mac(struct ss_store *st, const char *period, const char *hexbits,
                      char out[2 * MAC_BYTES + 1], struct ss_err *err)
{
    unsigned char key[SS_SEAL_MAC_KEY], mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state h;
    int rc;

    if ((rc = ss_store_seal_mac_key(st, COOKIE_CONTEXT, key, err)))
        return rc;
    crypto_auth_hmacsha256_init(&h, key, sizeof key);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)"shishi rated v1|", 16);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)period, strlen(period));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)"|", 1);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)hexbits, BITS_HEX);
    crypto_auth_hmacsha256_final(&h, mac);
    sodium_memzero(key, sizeof key);
    sodium_memzero(&h, sizeof h);
    sodium_bin2hex(out, 2 * MAC_BYTES + 1, mac, MAC_BYTES);
    return SS_OK;
}

/* The cookie's bitmap into bits after its MAC verified (all zero when there
 * is no cookie); SS_EINVAL (field cookie) for one that does not verify. */
static int cookie_read(struct ss_store *st, const char *period, const char *value,
                       unsigned char bits[BITS_HEX / 2], struct ss_err *err)
{
    char mac[2 * MAC_BYTES + 1];
    int rc;

    memset(bits, 0, BITS_HEX / 2);
    if (!value || !*value)
        return SS_OK;
    if (cookie_parse(value, bits)) {
        if ((rc = cookie_mac(st, period, value, mac, err)))
            return rc;
        if (sodium_memcmp(mac, value + BITS_HEX + 1, 2 * MAC_BYTES) == 0)
            return SS_OK;
    }
    memset(bits, 0, BITS_HEX / 2);
    return ss_err_set(err, SS_EINVAL, "cookie",
                      "this browser's rating cookie (%s) was altered or not made by this site, "
                      "so it cannot show which projects were rated: clear it and rate again",
                      "ss_rated");
}

static int cookie_make(struct ss_store *st, const char *period,
                       const unsigned char bits[BITS_HEX / 2], char out[SS_RATING_COOKIE_MAX],
                       struct ss_err *err)
{
    int rc;

    sodium_bin2hex(out, BITS_HEX + 1, bits, BITS_HEX / 2);
    out[BITS_HEX] = '.';
    if ((rc = cookie_mac(st, period, out, out + BITS_HEX + 1, err)))
        out[0] = '\0';
    return rc;
}

/* ---- checks ------------------------------------------------------------------ */

static int check_score(int score, const char *comment, struct ss_err *err)
{
    size_t n = comment ? strlen(comment) : 0;

    if (score < 1 || score > SS_RATING_LEVELS)
        return ss_err_set(err, SS_EINVAL, "score",
                          "score must be a whole number from 1 (very dissatisfied) to 5 (very "
                          "satisfied)");
    if (n && !ss_utf8_valid(comment, n))
        return ss_err_set(err, SS_EINVAL, "comment", "the comment is not valid UTF-8 text");
    if (n > 4 * SS_MAX_RATING_COMMENT || ss_utf8_len(comment, n) > SS_MAX_RATING_COMMENT)
        return ss_err_set(err, SS_EINVAL, "comment",
                          "the comment has %zu characters: at most %d are kept",
                          ss_utf8_len(comment, n), SS_MAX_RATING_COMMENT);
    return SS_OK;
}

/* The keyed digest of a throttle's key text. */
static int client_key(struct ss_store *st, const char *text, char out[SS_SEAL_DIGEST_HEX],
                      struct ss_err *err)
{
    return ss_store_seal_digest(st, CLIENT_CONTEXT, text, out, err);
}

static void today(char out[11])
{
    ss_date_fmt(ss_date_today(), out);
}

/* ---- the open rating ---------------------------------------------------------- */

static int refuse_throttled(int project_no, const char *period, struct ss_err *err)
{
    return ss_err_set(err, SS_ETHROTTLED, "",
                      "%d ratings of project %d for %s came from this network address already, as "
                      "many as one address may give: another is not counted",
                      SS_RATING_PER_CLIENT, project_no, period);
}

int ss_rating_give(struct ss_store *st, const struct ss_rating_req *q, struct ss_rating_done *out,
                   struct ss_err *err)
{
    unsigned char bits[BITS_HEX / 2];
    char key[SS_SEAL_DIGEST_HEX], text[128], day[11];
    struct ss_throttle_key k = {&RATINGS, key};
    struct ss_throttle_verdict v;
    struct ss_rating_in in;
    int64_t now = (int64_t)time(NULL);
    size_t i;
    int rc, found = 0;

    memset(out, 0, sizeof *out);
    for (i = 0; i < q->plan->nprojects; i++)
        found |= q->plan->projects[i].no == q->project_no;
    if (!found)
        return ss_err_set(err, SS_ENOTFOUND, "project", "the plan has no project %d",
                          q->project_no);
    if (q->project_no > SS_RATING_MAX_PROJECT)
        return ss_err_set(err, SS_EINVAL, "project", "projects above %d cannot be rated",
                          SS_RATING_MAX_PROJECT);
    ss_rating_period_of(q->plan, out->period);
    if (q->period && strcmp(q->period, out->period) != 0)
        return ss_err_set(err, SS_EINVAL, "period", "ratings are open for %s only, not %.20s",
                          out->period, q->period);
    if ((rc = check_score(q->score, q->comment, err)))
        return rc;
    if ((rc = cookie_read(st, out->period, q->cookie, bits, err)))
        return rc;
    if (bit_of(bits, q->project_no))
        return ss_err_set(err, SS_ECONFLICT, "project",
                          "this browser rated project %d for %s already: one rating per person, "
                          "project and period",
                          q->project_no, out->period);
    snprintf(text, sizeof text, "%.64s|%s|%d", q->client ? q->client : "", out->period,
             q->project_no);
    if ((rc = client_key(st, text, key, err)))
        return rc;
    if ((rc = ss_throttle_check(st, &k, 1, now, &v, err)) ||
        (rc = ss_throttle_admit(st, &k, 1, now, &v, err)))
        return rc == SS_ETHROTTLED ? refuse_throttled(q->project_no, out->period, err) : rc;
    today(day);
    in = (struct ss_rating_in){.period = out->period,
                               .project_no = q->project_no,
                               .score = q->score,
                               .comment = q->comment,
                               .day = day};
    if ((rc = ss_store_begin(st, "public", err)) ||
        (rc = ss_store_rating_add(st, &in, NULL, err)) || (rc = ss_store_commit(st, err))) {
        ss_store_rollback(st);
        ss_throttle_forget(st, v.hits[0], NULL);
        return rc;
    }
    bits[(q->project_no - 1) / 8] |= (unsigned char)(1u << ((q->project_no - 1) % 8));
    ss_rating_cookie_name(out->period, out->cookie_name);
    /* the rating counts whatever happens to the cookie: without the key
     * file it would not have been stored (the digest needs it too) */
    cookie_make(st, out->period, bits, out->cookie, NULL);
    return SS_OK;
}

/* ---- closed surveys ------------------------------------------------------------ */

/* code normalised into out (SS_SURVEY_CODE_LEN characters); 0 when it
 * cannot be a code. */
static int code_norm(const char *code, char out[SS_SURVEY_CODE_LEN + 1])
{
    size_t n = 0;

    out[0] = '\0';
    for (; code && *code; code++) {
        char c = *code;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == 'I' || c == 'L')
            c = '1';
        else if (c == 'O')
            c = '0';
        if (n == SS_SURVEY_CODE_LEN || !strchr(CROCKFORD, c))
            return 0;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == SS_SURVEY_CODE_LEN;
}

static int code_digest(struct ss_store *st, const char *code, char out[SS_SEAL_DIGEST_HEX],
                       struct ss_err *err)
{
    char norm[SS_SURVEY_CODE_LEN + 1];

    if (!code_norm(code, norm))
        return ss_err_set(err, SS_ENOTFOUND, "code", "no survey has this code");
    return ss_store_seal_digest(st, CODE_CONTEXT, norm, out, err);
}

int ss_rating_survey_find(struct ss_store *st, const char *code, struct ss_survey *out, int *used,
                          struct ss_err *err)
{
    char d[SS_SEAL_DIGEST_HEX];
    int rc;

    if (!st)
        return ss_err_set(err, SS_EDB, "", "cannot read the surveys");
    if ((rc = code_digest(st, code, d, err)))
        return rc;
    rc = ss_store_survey_by_code(st, d, out, used);
    if (rc == SS_ENOTFOUND)
        return ss_err_set(err, SS_ENOTFOUND, "code", "no survey has this code");
    return rc ? ss_err_set(err, SS_EDB, "", "cannot read the surveys") : SS_OK;
}

int ss_rating_survey_give(struct ss_store *st, const char *code, int score, const char *comment,
                          const char *client, struct ss_survey *out, struct ss_err *err)
{
    char key[SS_SEAL_DIGEST_HEX], d[SS_SEAL_DIGEST_HEX], day[11], text[80];
    struct ss_throttle_key k = {&CODE_MISSES, key};
    struct ss_throttle_verdict v;
    struct ss_rating_in in;
    int64_t now = (int64_t)time(NULL);
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = check_score(score, comment, err)))
        return rc;
    snprintf(text, sizeof text, "%.64s|codes", client ? client : "");
    if ((rc = client_key(st, text, key, err)))
        return rc;
    /* every attempt is admitted first; one that works forgets its hit, so
     * only codes that do not work count against the address */
    if ((rc = ss_throttle_check(st, &k, 1, now, &v, err)) ||
        (rc = ss_throttle_admit(st, &k, 1, now, &v, err)))
        return rc;
    if ((rc = code_digest(st, code, d, err)))
        return rc;
    today(day);
    if ((rc = ss_store_begin(st, "survey", err)) || (rc = ss_store_survey_use(st, d, out, err)))
        goto fail;
    in = (struct ss_rating_in){.period = out->period,
                               .project_no = out->project_no,
                               .score = score,
                               .comment = comment,
                               .survey_id = out->id,
                               .day = day};
    if ((rc = ss_store_rating_add(st, &in, NULL, err)) || (rc = ss_store_commit(st, err)))
        goto fail;
    ss_throttle_forget(st, v.hits[0], NULL);
    return SS_OK;
fail:
    ss_store_rollback(st);
    return rc;
}

int ss_survey_create(struct ss_store *st, const struct ss_plan *plan, int project_no,
                     const char *period, const char *audience, size_t n, char ***codes, int64_t *id,
                     struct ss_err *err)
{
    struct ss_survey v = {0};
    char **c = NULL, **d = NULL;
    size_t i, j;
    int rc = SS_OK, a = ss_rating_source_parse(audience), found = 0;
    time_t now = time(NULL);
    struct tm tm;

    *codes = NULL;
    for (i = 0; i < plan->nprojects; i++)
        found |= plan->projects[i].no == project_no;
    if (!found)
        return ss_err_set(err, SS_ENOTFOUND, "project", "the plan has no project %d", project_no);
    if (a != SS_RATING_DEPUTIES && a != SS_RATING_STAFF)
        return ss_err_set(err, SS_EINVAL, "audience", "audience '%.20s' is not deputies or staff",
                          audience ? audience : "");
    if (period && (rc = ss_rating_period_check(period, err)))
        return rc;
    if (n < 1 || n > SS_SURVEY_MAX_CODES)
        return ss_err_set(err, SS_EINVAL, "codes", "a survey has 1 to %d codes, not %zu",
                          SS_SURVEY_MAX_CODES, n);
    if (period)
        snprintf(v.period, sizeof v.period, "%s", period);
    else
        ss_rating_period_of(plan, v.period);
    v.project_no = project_no;
    v.audience = (enum ss_rating_source)a;
    gmtime_r(&now, &tm);
    strftime(v.created_at, sizeof v.created_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    c = ss_xcalloc(n, sizeof *c);
    d = ss_xcalloc(n, sizeof *d);
    for (i = 0; i < n && !rc; i++) {
        c[i] = ss_xmalloc(SS_SURVEY_CODE_LEN + 1);
        d[i] = ss_xmalloc(SS_SEAL_DIGEST_HEX);
        for (j = 0; j < SS_SURVEY_CODE_LEN; j++)
            c[i][j] = CROCKFORD[randombytes_uniform(32)];
        c[i][SS_SURVEY_CODE_LEN] = '\0';
        rc = ss_store_seal_digest(st, CODE_CONTEXT, c[i], d[i], err);
    }
    if (!rc)
        rc = ss_store_survey_add(st, &v, (const char *const *)d, n, id, err);
    for (j = 0; j < n; j++)
        free(d[j]);
    free(d);
    if (rc) {
        for (j = 0; j < n; j++)
            free(c[j]);
        free(c);
        return rc;
    }
    *codes = c;
    return SS_OK;
}

/* ---- the summary ---------------------------------------------------------------- */

int ss_rating_summary(struct ss_store *st, int project_no, const char *period,
                      struct ss_satisfaction *out)
{
    int64_t counts[SS_RATING_NSOURCES][SS_RATING_LEVELS];
    struct ss_survey *sv = NULL;
    size_t nsv = 0, i;
    int rc, k;

    memset(out, 0, sizeof *out);
    snprintf(out->period, sizeof out->period, "%s", period);
    out->project_no = project_no;
    if (!st) /* a worker without its connection (web.c) */
        return SS_EDB;
    if ((rc = ss_store_rating_counts(st, period, project_no, counts, out->latest)) ||
        (rc = ss_store_surveys(st, period, project_no, &sv, &nsv)))
        return rc;
    for (k = 0; k < SS_RATING_NSOURCES; k++) {
        struct ss_satisfaction_part *p = &out->part[k];
        double sum = 0;
        for (i = 0; i < SS_RATING_LEVELS; i++) {
            p->dist[i] = counts[k][i];
            p->n += counts[k][i];
            sum += (double)(i + 1) * (double)counts[k][i];
        }
        p->mean = p->n ? sum / (double)p->n : NAN;
    }
    for (i = 0; i < nsv; i++) {
        out->part[sv[i].audience].codes += sv[i].codes;
        out->part[sv[i].audience].used += sv[i].used;
    }
    free(sv);
    return SS_OK;
}

static void part_json(struct ss_json *j, const struct ss_satisfaction_part *p, int closed)
{
    size_t i;

    ss_json_kint(j, "n", p->n);
    if (p->n)
        ss_json_knum(j, "mean", round(p->mean * 100) / 100);
    else
        ss_json_knull(j, "mean");
    ss_json_key(j, "distribution");
    ss_json_arr(j);
    for (i = 0; i < SS_RATING_LEVELS; i++)
        ss_json_int(j, p->dist[i]);
    ss_json_arr_end(j);
    if (closed) {
        ss_json_kint(j, "codes", p->codes);
        ss_json_kint(j, "used", p->used);
    }
}

void ss_satisfaction_json(struct ss_json *j, const struct ss_satisfaction *s, const char *as_of)
{
    int k;

    ss_json_obj(j);
    ss_json_kint(j, "project", s->project_no);
    ss_json_kstr(j, "period", s->period);
    part_json(j, &s->part[SS_RATING_OPEN], 0);
    ss_json_kstr(j, "as_of", as_of);
    ss_json_key(j, "closed");
    ss_json_obj(j);
    for (k = SS_RATING_DEPUTIES; k < SS_RATING_NSOURCES; k++) {
        ss_json_key(j, ss_rating_source_name((enum ss_rating_source)k));
        ss_json_obj(j);
        part_json(j, &s->part[k], 1);
        ss_json_obj_end(j);
    }
    ss_json_obj_end(j);
    ss_json_obj_end(j);
}
