/*
 * cycle_web.h - the yearly cycle over HTTP: the JSON API (cycle_api.c)
 * and the pages (page_cycle.c): the public's proposal form and list, the
 * result, past years' plans, and the console's triage page; the deputies'
 * ballot and the receipt check (page_ballot.c). Routes in routes.c.
 */
#ifndef SS_CYCLE_WEB_H
#define SS_CYCLE_WEB_H

#include "core/cycle.h"
#include "core/throttle.h"
#include "web/web.h"

/* JSON API */
void ss_api_proposals(struct ss_wreq *r);
void ss_api_proposal_post(struct ss_wreq *r);
void ss_api_proposal_promote(struct ss_wreq *r);
void ss_api_proposal_merge(struct ss_wreq *r);
void ss_api_proposal_decline(struct ss_wreq *r);
void ss_api_ballot_post(struct ss_wreq *r);
void ss_api_receipt(struct ss_wreq *r);
void ss_api_result(struct ss_wreq *r);

/* Pages */
void ss_page_proposals(struct ss_wreq *r);
void ss_page_proposal_post(struct ss_wreq *r);
void ss_page_result(struct ss_wreq *r);
void ss_page_plan_year(struct ss_wreq *r);
void ss_page_cycle_console(struct ss_wreq *r);
void ss_page_cycle_console_post(struct ss_wreq *r);
void ss_page_ballot(struct ss_wreq *r); /* page_ballot.c */
void ss_page_ballot_post(struct ss_wreq *r);
void ss_page_receipt(struct ss_wreq *r);

/* The rule for anonymous proposals: per client address (core/throttle.h). */
extern const struct ss_throttle_rule ss_proposal_rule;

/* The year a request names (?year=, else the open proposal window's, else
 * the newest cycle's); 0 when there is none. */
int ss_cycle_year_of(struct ss_wreq *r, const char *arg);

/* A proposal posted by the form or the API: the throttle, then the core.
 * 0 with *id and *year, or an error in err. */
int ss_cycle_web_propose(struct ss_wreq *r, const struct ss_proposal_in *in, int64_t *id, int *year,
                         struct ss_err *err);

#endif
