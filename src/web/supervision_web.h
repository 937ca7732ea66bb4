/*
 * supervision_web.h - the supervision office's pages and API
 * (page_supervision.c): reporting completeness, scores, and the morning
 * page. Routes in routes.c. Every handler asks core's one access rule,
 * ss_access_supervision (core/completeness.h).
 */
#ifndef SS_SUPERVISION_WEB_H
#define SS_SUPERVISION_WEB_H

#include "web/web.h"

void ss_api_completeness(struct ss_wreq *r);      /* GET /api/v1/completeness */
void ss_page_completeness(struct ss_wreq *r);     /* /console/completeness */
void ss_page_completeness_csv(struct ss_wreq *r); /* /console/completeness.csv */
void ss_page_score(struct ss_wreq *r);            /* /console/score */
void ss_page_score_xlsx(struct ss_wreq *r);       /* /console/score.xlsx */
void ss_page_supervision(struct ss_wreq *r);      /* /console/supervision */
void ss_page_supervision_list(struct ss_wreq *r); /* /console/supervision/list */

#endif
