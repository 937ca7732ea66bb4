/*
 * store_rating.h - satisfaction ratings (满意度测评) and closed surveys,
 * for core/rating.c.
 *
 * A rating is a score 1..5 and an optional comment, for a project by its
 * number and a period ("2026", the plan year): the open rating anyone
 * gives, or one given with a closed survey's one-time code (survey_id). A
 * rating holds nothing about who gave it: no address, no cookie, no code,
 * and its day only. What keeps one rating per person is core's (the
 * throttle's hits, the signed cookie), not a column here.
 *
 * A survey (deputies or staff) is a project, a period and n codes, each
 * stored only as its keyed digest (store_seal.h). A code is used at most
 * once: ss_store_survey_use sets used from 0 to 1 by compare-and-set in
 * the caller's write transaction, so of two uses at once one finds it
 * unused and the other finds it used (both backends serialise writers).
 *
 * What callers may rely on:
 *   - writes join the caller's transaction (store.h) and are audited
 *     (rating, survey; a code's digest and use are not: store_schema.c);
 *   - counts read one committed state, by source: the open rating, then
 *     each audience (enum ss_rating_source);
 *   - texts given are copied; records returned are the caller's to free
 *     with the function named beside them.
 */
#ifndef SS_STORE_RATING_H
#define SS_STORE_RATING_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define SS_RATING_LEVELS 5
#define SS_PERIOD_MAX 16    /* bytes in a period with its NUL ("2026", "2026-H1") */
#define SS_SURVEY_DIGEST 65 /* a code's digest in hex, with its NUL */

/* Where a rating came from: the open rating, or a closed survey's audience. */
enum ss_rating_source {
    SS_RATING_OPEN = 0,
    SS_RATING_DEPUTIES,
    SS_RATING_STAFF,
    SS_RATING_NSOURCES
};

/* "open", "deputies", "staff"; and back (-1: none of them). */
const char *ss_rating_source_name(enum ss_rating_source s);
int ss_rating_source_parse(const char *s);

/* A rating to store. comment NULL or "": none. */
struct ss_rating_in {
    const char *period;
    int project_no;
    int score; /* 1..SS_RATING_LEVELS */
    const char *comment;
    int64_t survey_id; /* 0: the open rating */
    const char *day;   /* YYYY-MM-DD, the day it was given */
};

/* Insert a rating; *id (may be NULL) receives its id. Joins the caller's
 * transaction. SS_EDB when the store refuses (a score out of range). */
int ss_store_rating_add(struct ss_store *st, const struct ss_rating_in *in, int64_t *id,
                        struct ss_err *err);

/* The counts of each score (index score - 1) of project_no in period, by
 * source, and the latest day any of them was given (latest, "" when none;
 * may be NULL). Read only. */
int ss_store_rating_counts(struct ss_store *st, const char *period, int project_no,
                           int64_t counts[SS_RATING_NSOURCES][SS_RATING_LEVELS], char latest[11]);

/* A rating with its comment, for the console. */
struct ss_rating_comment {
    int64_t id;
    int project_no;
    int score;
    enum ss_rating_source source;
    char day[11];
    char *comment; /* never NULL here: only ratings with a comment are listed */
};
/* The newest ratings with a comment in period (of project_no; 0: every
 * project), at most max of them, newest first. Free with
 * ss_store_rating_comments_free. */
int ss_store_rating_comments(struct ss_store *st, const char *period, int project_no, size_t max,
                             struct ss_rating_comment **out, size_t *n);
void ss_store_rating_comments_free(struct ss_rating_comment *c, size_t n);

/* A closed survey. */
struct ss_survey {
    int64_t id;
    char period[SS_PERIOD_MAX];
    int project_no;
    enum ss_rating_source audience; /* SS_RATING_DEPUTIES or SS_RATING_STAFF */
    int64_t codes, used;
    char created_by[128];
    char created_at[21];
};

/* Insert a survey and its codes' digests (n of them) in the caller's
 * transaction; *id receives its id. created_at: YYYY-MM-DDTHH:MM:SSZ. */
int ss_store_survey_add(struct ss_store *st, const struct ss_survey *s, const char *const *digests,
                        size_t n, int64_t *id, struct ss_err *err);
/* The survey of the code whose digest is given, and whether the code was
 * used (*used). SS_ENOTFOUND when no code has it. Read only. */
int ss_store_survey_by_code(struct ss_store *st, const char *digest, struct ss_survey *out,
                            int *used);
/* Use the code: in the caller's write transaction, mark it used when it is
 * not yet (compare-and-set) and fill out with its survey. SS_ENOTFOUND
 * when no code has the digest, SS_ECONFLICT when it was used already. */
int ss_store_survey_use(struct ss_store *st, const char *digest, struct ss_survey *out,
                        struct ss_err *err);
/* The surveys of period (NULL: every period) and project_no (0: all),
 * newest first, with their codes used. Free with free(). */
int ss_store_surveys(struct ss_store *st, const char *period, int project_no,
                     struct ss_survey **out, size_t *n);

#endif
