/*
 * rating.h - satisfaction ratings (满意度测评): the open rating anyone may
 * give a project once a period, and closed surveys of deputies and staff
 * with one-time codes.
 *
 * One rating per person per project and period is what the announcement
 * asks; without accounts nobody can promise it, so this says exactly what
 * is enforced (the project page and /about/method say the same):
 *   - a signed cookie: after a rating the browser holds ss_rated_PERIOD, a
 *     bitmap of the project numbers it rated in that period and an
 *     HMAC-SHA256 over it (a MAC key derived from the audit key file,
 *     store_seal.h). A browser that sends it cannot rate those projects
 *     again (409); one that sends an altered or forged cookie is refused
 *     (400: it cannot show what it rated). Clearing it is not detected;
 *   - a per-client throttle (core/throttle.h): at most SS_RATING_PER_CLIENT
 *     accepted ratings of one project and period from one client address
 *     (a household or an office behind one address shares them); the
 *     next is refused (429). Another address is counted apart.
 *   Not enforced: a person who clears the cookie and changes network can
 *   rate again. Nothing about the person is stored with a rating: the
 *   throttle's hits carry a keyed digest of (address, period, project),
 *   never the address, and expire; the rating row holds score, comment
 *   and day.
 *
 * Only accepted ratings count. Comments are stored and shown in the
 * console only (escaped), never on a public page or in the public API:
 * they are counted there, unless moderation publishes them one day.
 *
 * A closed survey (shishi survey create) makes n random one-time codes,
 * stored as keyed digests; /survey/CODE rates the survey's project once
 * with it (concurrent uses: one counts). Failed code attempts are
 * throttled per client address. Results are reported per audience,
 * apart from the open rating.
 *
 * Every function that writes runs its own transactions (the throttle's,
 * then the rating's by actor "public" or "survey"), except
 * ss_survey_create, which joins the caller's.
 */
#ifndef SS_RATING_H
#define SS_RATING_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "store/model.h"
#include "store/store.h"
#include "store/store_rating.h"

#define SS_RATING_PER_CLIENT 5          /* accepted ratings of a project and period per address */
#define SS_RATING_WINDOW (400L * 86400) /* seconds the throttle remembers them (> any period) */
#define SS_RATING_COOKIE_AGE (400L * 86400)
#define SS_RATING_MAX_PROJECT 128 /* project numbers a cookie's bitmap holds */
#define SS_RATING_COOKIE_MAX 72   /* a cookie's value with its NUL */
#define SS_RATING_COOKIE_NAME 32  /* a cookie's name with its NUL */
#define SS_SURVEY_MAX_CODES 2000  /* codes one survey may make */
#define SS_SURVEY_CODE_LEN 20     /* characters of a code (Crockford base32: 100 bits) */
#define SS_SURVEY_CODE_MISSES 10  /* unknown or used codes per address and hour */

/* The period a plan's ratings are given for: its year ("2026"). */
void ss_rating_period_of(const struct ss_plan *p, char out[SS_PERIOD_MAX]);
/* A period as written: a year YYYY, a half YYYY-H1/H2, a quarter YYYY-Q1..Q4
 * or a month YYYY-MM. SS_EINVAL (field "period") otherwise. */
int ss_rating_period_check(const char *s, struct ss_err *err);

/* The cookie of period: its name ("ss_rated_2026"). */
void ss_rating_cookie_name(const char *period, char out[SS_RATING_COOKIE_NAME]);
/* The projects a cookie says were rated, without checking its MAC: for a
 * page that only decides whether to show the form (no decision rests on
 * it). 1 when value lists project_no. */
int ss_rating_cookie_lists(const char *value, int project_no);

/* An open rating. */
struct ss_rating_req {
    const struct ss_plan *plan; /* the current plan: its projects and year */
    int project_no;
    const char *period;  /* NULL: the plan's year, the only one open */
    int score;           /* 1..5 */
    const char *comment; /* NULL or "": none; at most SS_MAX_RATING_COMMENT characters */
    const char *client;  /* the client's address */
    const char *cookie;  /* the request's ss_rated_PERIOD cookie, or NULL */
};
/* What an accepted rating sets: the cookie, name and value. */
struct ss_rating_done {
    char period[SS_PERIOD_MAX];
    char cookie_name[SS_RATING_COOKIE_NAME];
    char cookie[SS_RATING_COOKIE_MAX];
};
/* Give an open rating. SS_OK with out filled; SS_EINVAL (field project,
 * period, score, comment or cookie) for bad input or an altered cookie,
 * SS_ENOTFOUND (field project) for a project the plan does not have,
 * SS_ECONFLICT when the cookie says this browser rated the project in the
 * period, SS_ETHROTTLED when the address gave SS_RATING_PER_CLIENT of them
 * already, SS_EIO without the audit key, SS_EDB. */
int ss_rating_give(struct ss_store *st, const struct ss_rating_req *q, struct ss_rating_done *out,
                   struct ss_err *err);

/* A closed survey's rating with its code (any case; dashes and spaces
 * ignored). SS_OK with the survey in out; SS_EINVAL for a bad score or
 * comment, SS_ENOTFOUND (field code) for a code no survey has,
 * SS_ECONFLICT for a used one, SS_ETHROTTLED after SS_SURVEY_CODE_MISSES
 * of those within an hour from the address. */
int ss_rating_survey_give(struct ss_store *st, const char *code, int score, const char *comment,
                          const char *client, struct ss_survey *out, struct ss_err *err);
/* The survey of a code and whether it was used, for the survey's page.
 * SS_ENOTFOUND (field code) when no survey has it. Read only. */
int ss_rating_survey_find(struct ss_store *st, const char *code, struct ss_survey *out, int *used,
                          struct ss_err *err);

/* Make a closed survey of the plan's project project_no for period (NULL:
 * the plan's year) and audience ("deputies" or "staff") with n codes
 * (1..SS_SURVEY_MAX_CODES), in the caller's transaction; *codes receives
 * the n codes (the only time they exist in the clear: the caller prints
 * them and frees each and the array) and *id the survey's id. */
int ss_survey_create(struct ss_store *st, const struct ss_plan *plan, int project_no,
                     const char *period, const char *audience, size_t n, char ***codes, int64_t *id,
                     struct ss_err *err);

/* A project's satisfaction in a period: per source (open, deputies,
 * staff) the number of ratings, the distribution and the mean (NAN for
 * none), and per audience its surveys' codes and codes used. */
struct ss_satisfaction_part {
    int64_t n;
    double mean;
    int64_t dist[SS_RATING_LEVELS];
    int64_t codes, used; /* closed audiences: codes made, codes used */
};
struct ss_satisfaction {
    char period[SS_PERIOD_MAX];
    int project_no;
    struct ss_satisfaction_part part[SS_RATING_NSOURCES];
    char latest[11]; /* the latest day a counted rating was given ("" when none) */
};
int ss_rating_summary(struct ss_store *st, int project_no, const char *period,
                      struct ss_satisfaction *out);
/* The summary as the API's object: {"project","period","n","mean",
 * "distribution","as_of","closed":{"deputies":{...},"staff":{...}}};
 * as_of is the day the counts were read (YYYY-MM-DD). */
void ss_satisfaction_json(struct ss_json *j, const struct ss_satisfaction *s, const char *as_of);

#endif
