/*
 * store_cycle.h - the yearly cycle's rows: a year's windows and rules, the
 * public's proposals, the candidates promoted from them, the deputies who
 * voted and the ballots they cast.
 *
 * The store stores; core/cycle.h decides (who may, which window is open,
 * what a ballot may hold). What the store keeps, whoever calls:
 *   - every write joins the caller's transaction (store.h), begun with who
 *     acts ("public" for an anonymous proposal);
 *   - a proposal's contact is stored only sealed (the caller seals it:
 *     store_seal.h), and no read here returns it;
 *   - a ballot is written with no voter, no time and a random key (the
 *     digest of its receipt), in the same transaction as the row that
 *     says its deputy voted; the second ballot of a deputy changes nothing
 *     (SS_ECONFLICT), however many connections try at once.
 *
 * Return values: 0, or SS_ENOTFOUND, SS_ECONFLICT, SS_EINVAL (no
 * transaction open), SS_EDB; err says which and why.
 */
#ifndef SS_STORE_CYCLE_H
#define SS_STORE_CYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define SS_CYCLE_DIGEST_HEX 65 /* a SHA-256 or BLAKE2b-256 in hex, with its NUL */

/* One year's cycle. Dates are day numbers, SS_NO_DATE when not set. */
struct ss_cycle_row {
    int year;
    int64_t org_id; /* the congress's org unit */
    char org[16];   /* its code (read only) */
    int32_t propose_from, propose_to;
    int32_t vote_from, vote_to;
    int seats;               /* N: choices a ballot may hold, places to fill */
    double pass_share;       /* a candidate passes above this share of all deputies */
    int64_t sealed_ballots;  /* -1 until sealed */
    int64_t sealed_deputies; /* -1 until sealed */
    char sealed_digest[SS_CYCLE_DIGEST_HEX]; /* "" until sealed */
    int64_t plan_id;                         /* the draft adopted from it, 0 none */
};

int ss_store_cycle_get(struct ss_store *st, int year, struct ss_cycle_row *out);
/* Insert or update the row of c->year: org, windows, seats, pass share. */
int ss_store_cycle_put(struct ss_store *st, const struct ss_cycle_row *c, const char *by,
                       struct ss_err *err);
/* The year whose proposal window holds day, the latest when several do; 0
 * when none. The next window to open after day, if none holds it, in
 * *next_year (0 when none). */
int ss_store_cycle_proposing(struct ss_store *st, int32_t day, int *year, int *next_year);
/* The years that have a cycle, newest first (*out the caller's). */
int ss_store_cycle_years(struct ss_store *st, int **out, size_t *n);
/* The plan of year to show: its active plan, else its newest archived
 * one; 0 when it has none. */
int64_t ss_store_cycle_plan_of_year(struct ss_store *st, int year);
int ss_store_cycle_set_plan(struct ss_store *st, int year, int64_t plan_id, struct ss_err *err);

enum ss_proposal_status {
    SS_PROPOSAL_NEW = 0,
    SS_PROPOSAL_MERGED,
    SS_PROPOSAL_PROMOTED,
    SS_PROPOSAL_DECLINED
};
const char *ss_proposal_status_str(enum ss_proposal_status s); /* "new", "merged", ... */

/* A proposal as the public sees it (never its contact). Strings are the
 * row's: ss_store_proposals_free / ss_store_proposal_cleanup. */
struct ss_proposal_row {
    int64_t id;
    int year;
    char *title, *text, *place, *for_whom, *reason;
    int64_t org_id;
    char org[16];
    enum ss_proposal_status status;
    int64_t merged_into; /* 0 unless merged */
    int64_t candidate;   /* the candidate made of it, 0 none */
    int32_t created_on;
};

/* A new proposal of p->year (status new); contact_sealed may be NULL. */
int ss_store_proposal_add(struct ss_store *st, const struct ss_proposal_row *p,
                          const char *contact_sealed, int64_t *id, struct ss_err *err);
int ss_store_proposal_get(struct ss_store *st, int64_t id, struct ss_proposal_row *out);
void ss_store_proposal_cleanup(struct ss_proposal_row *p);
/* A year's proposals by id. */
int ss_store_proposals(struct ss_store *st, int year, struct ss_proposal_row **out, size_t *n);
void ss_store_proposals_free(struct ss_proposal_row *p, size_t n);
/* Set a proposal's outcome (reason may be NULL; into 0 unless merged),
 * only while its status is still `from` (SS_ECONFLICT otherwise). */
int ss_store_proposal_decide(struct ss_store *st, int64_t id, enum ss_proposal_status from,
                             enum ss_proposal_status to, int64_t into, const char *reason,
                             const char *by, struct ss_err *err);
/* Every proposal merged into `from` is merged into `to` instead. */
int ss_store_proposal_repoint(struct ss_store *st, int64_t from, int64_t to, struct ss_err *err);

struct ss_candidate_row {
    int64_t id;
    int year;
    int64_t proposal_id;
    char *title, *text, *department, *note;
    double cost;
};
int ss_store_candidate_add(struct ss_store *st, const struct ss_candidate_row *c, const char *by,
                           int64_t *id, struct ss_err *err);
/* A year's candidates by id. */
int ss_store_candidates(struct ss_store *st, int year, struct ss_candidate_row **out, size_t *n);
void ss_store_candidates_free(struct ss_candidate_row *c, size_t n);

/* Enabled deputy accounts of org unit org_id: all the deputies. */
int64_t ss_store_deputies(struct ss_store *st, int64_t org_id);
/* Deputies who voted in year's cycle. */
int64_t ss_store_voters(struct ss_store *st, int year);
/* 1 if account voted in year's cycle, else 0. */
int ss_store_voted(struct ss_store *st, int year, int64_t account_id);

/* Record that account voted in year's cycle and, in the same
 * transaction, the ballot under key id (the digest of its receipt) with
 * its choices ("3,7,12", ascending). SS_ECONFLICT when the account has
 * voted already (nothing written). */
int ss_store_ballot_cast(struct ss_store *st, int year, int64_t account_id, const char *id,
                         const char *choices, struct ss_err *err);
/* The choices of ballot id of year into *choices (the caller frees);
 * SS_ENOTFOUND when there is none. */
int ss_store_ballot_get(struct ss_store *st, int year, const char *id, char **choices);
/* Each ballot of year, by key: fn(ctx, id, choices); fn's non-zero stops. */
int ss_store_ballots_each(struct ss_store *st, int year,
                          int (*fn)(void *ctx, const char *id, const char *choices), void *ctx);
/* Close year's ballots: write them again in the order of their keys (so
 * no trace of the order they came in is left in the table's storage,
 * see store_cycle.c), and record their count, the deputies and their
 * digest in the cycle row, audited. */
int ss_store_ballots_seal(struct ss_store *st, int year, int64_t deputies, const char *by,
                          int64_t *count, char digest[SS_CYCLE_DIGEST_HEX], struct ss_err *err);

#endif
