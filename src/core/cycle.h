/*
 * cycle.h - one year's whole cycle (民生实事票决制): the public proposes
 * next year's projects (征集), staff triage them into candidates (论证),
 * the deputies vote (票决), and the passed candidates become the year's
 * draft plan.
 *
 * Windows are dates, inclusive: a proposal is taken while today is within
 * the proposal window of some year, a ballot while today is within that
 * year's voting window; the result is public once the voting window has
 * closed (today after its last day).
 *
 * Triage (merge, promote, decline) is the supervision office's: an admin,
 * or a supervisor in whose subtree the cycle's org unit lies
 * (ss_access_supervise). Merging resolves: a proposal merged into one that
 * was itself merged is merged into that one's target, and whatever was
 * merged into the proposal follows it, so every merged proposal points at
 * one that is not merged (no chains, no cycles). Candidates are fixed once
 * the voting window has opened.
 *
 * The vote. Only deputies of the cycle's own org unit vote
 * (ss_access_vote); a ballot chooses 1..seats distinct candidates of the
 * year. What is stored: that the deputy voted (audited), and apart from
 * it the ballot under the digest of a random receipt code that only the
 * deputy is given, with no voter and no time (store_cycle.h). With the
 * receipt anyone may read the ballot's choices, to check it was counted.
 *
 * The result: per candidate its votes; turnout = ballots / deputies. A
 * candidate passes when its votes exceed pass_share (default 1/2) of all
 * deputies, and it ranks within the seats: where candidates with equal
 * votes straddle the last seat, none of them passes and the tie is
 * reported (never broken silently).
 *
 * Return values: 0, or SS_EINVAL (input, with the field), SS_ENOTFOUND,
 * SS_EFORBIDDEN (who, or a closed window: the message names the window),
 * SS_ECONFLICT (state), SS_ETHROTTLED, SS_EDB.
 */
#ifndef SS_CYCLE_H
#define SS_CYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "core/auth.h"
#include "core/engine.h"
#include "store/store.h"
#include "store/store_cycle.h"

#define SS_CYCLE_CONTEXT "shishi contacts v1" /* the sealing context of contacts */
#define SS_RECEIPT_HEX 33                     /* a receipt code: 32 hex digits and a NUL */
#define SS_CYCLE_MAX_SEATS 100
#define SS_PROPOSAL_TITLE_MAX 200 /* bytes */
#define SS_PROPOSAL_TEXT_MAX 4000
#define SS_PROPOSAL_FIELD_MAX 200 /* where, for whom, contact */
#define SS_PROPOSAL_REASON_MAX 1000

/* Open (or move) year's proposal window [from, to] ("YYYY-MM-DD"), or its
 * voting window with seats (1..SS_CYCLE_MAX_SEATS) and pass share (0 <
 * share < 1; pass_share <= 0 keeps the year's, else 0.5). org: the
 * congress's org unit code (NULL: the year's, else the plan's top unit).
 * In the caller's transaction. */
int ss_cycle_open(struct ss_store *st, const struct ss_engine *e, int year, const char *from,
                  const char *to, const char *org, const char *by, struct ss_err *err);
int ss_cycle_vote_window(struct ss_store *st, const struct ss_engine *e, int year, const char *from,
                         const char *to, int seats, double pass_share, const char *by,
                         struct ss_err *err);

/* A proposal as posted. org: the org unit code it is about; place,
 * for_whom and contact may be NULL. */
struct ss_proposal_in {
    const char *title, *text, *org, *place, *for_whom, *contact;
};
/* Take a proposal while a proposal window holds today (else SS_EFORBIDDEN
 * naming the window, field "window"); the contact sealed. Its own
 * transaction, as "public". *year receives the cycle's year. */
int ss_cycle_propose(struct ss_store *st, const struct ss_engine *e,
                     const struct ss_proposal_in *in, int32_t today, int64_t *id, int *year,
                     struct ss_err *err);

/* Triage, each in its own transaction begun with u. */
int ss_cycle_promote(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t proposal, double cost, const char *department, const char *note,
                     int32_t today, int64_t *candidate, struct ss_err *err);
/* *into_final receives the proposal it ends up merged into. */
int ss_cycle_merge(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                   int64_t proposal, int64_t into, int64_t *into_final, struct ss_err *err);
int ss_cycle_decline(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t proposal, const char *reason, struct ss_err *err);

/* Cast u's ballot of year: choices[0..n) candidate ids. receipt receives
 * the code (shown once, never stored). Its own transaction, as u. */
int ss_cycle_cast(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u, int year,
                  const int64_t *choices, size_t n, int32_t today, char receipt[SS_RECEIPT_HEX],
                  struct ss_err *err);
/* The choices of the ballot with this receipt (ascending; *choices the
 * caller's), SS_ENOTFOUND when none (or a malformed code). */
int ss_cycle_receipt(struct ss_store *st, int year, const char *receipt, int64_t **choices,
                     size_t *n, struct ss_err *err);

struct ss_cycle_tally {
    int64_t id;
    char *title, *department;
    int64_t votes;
    int passed, tied; /* tied: at the cut, in result.tie */
};
struct ss_cycle_result {
    struct ss_cycle_row cycle;
    int64_t deputies, ballots, voters;
    double turnout;   /* ballots / deputies, 0 with none */
    double threshold; /* votes must exceed this */
    size_t n;
    struct ss_cycle_tally *c; /* by votes, then id */
    int64_t tie_votes;        /* 0: no tie at the cut */
    int tie_seats;            /* seats left for the tied ones */
};
/* year's result (SS_EFORBIDDEN, field "window", before its voting window
 * closed, unless early: the CLI's own look). ss_cycle_result_cleanup. */
int ss_cycle_result(struct ss_store *st, int year, int32_t today, int early,
                    struct ss_cycle_result *r, struct ss_err *err);
void ss_cycle_result_cleanup(struct ss_cycle_result *r);
/* {"year","deputies","ballots","turnout","seats","pass_share","candidates":[...],"ties":...} */
void ss_cycle_result_json(struct ss_json *j, const struct ss_cycle_result *r);

/* Seal year's ballots after its window (store_cycle.h). In the caller's
 * transaction. */
int ss_cycle_seal(struct ss_store *st, int year, int32_t today, const char *by, int64_t *count,
                  struct ss_err *err);

/* Make the passed candidates year's draft plan: a project each, in rank
 * order, its title and lead department the candidate's, its targets those
 * the extractor reads in the candidate's text. In the caller's
 * transaction. SS_ECONFLICT when the year's draft was adopted already. */
int ss_cycle_adopt(struct ss_store *st, int year, int32_t today, int64_t *plan_id, size_t *projects,
                   size_t *targets, struct ss_err *err);

/* The window as words for a refusal or a page: "2027-01-05 to 2027-01-20". */
void ss_cycle_window_text(int32_t from, int32_t to, char out[32]);

/* A proposal as JSON (public fields only) / a candidate. */
void ss_proposal_json(struct ss_json *j, const struct ss_proposal_row *p);
void ss_candidate_json(struct ss_json *j, const struct ss_candidate_row *c);

#endif
