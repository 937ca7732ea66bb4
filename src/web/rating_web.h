/*
 * rating_web.h - satisfaction ratings on the web (rating_api.c,
 * page_rating.c): the JSON API, the project page's section and its no-JS
 * form, the closed survey's page, the console's results and comments,
 * and the method page's paragraph. Routes in routes.c; the rules are
 * core/rating.h's.
 */
#ifndef SS_RATING_WEB_H
#define SS_RATING_WEB_H

#include "store/model.h"
#include "web/web.h"

void ss_api_rating_post(struct ss_wreq *r);  /* POST /api/v1/ratings */
void ss_api_satisfaction(struct ss_wreq *r); /* GET /api/v1/projects/{no}/satisfaction */
void ss_page_rating_post(struct ss_wreq *r); /* POST /projects/{no}/rating (form) */
void ss_page_survey(struct ss_wreq *r);      /* GET /survey/{code} */
void ss_page_survey_post(struct ss_wreq *r); /* POST /survey/{code} (form) */
void ss_page_ratings(struct ss_wreq *r);     /* GET /console/ratings */

/* The project page's section: the plan year's results (open, then each
 * closed survey's), the form unless this browser's cookie lists the
 * project, and what is enforced. */
void ss_rating_section(struct ss_wreq *r, const struct ss_project *pr);
/* /about/method's section: how ratings are collected and counted. */
void ss_rating_method(struct ss_wreq *r);
/* Set the cookie an accepted rating leaves (name, value). */
void ss_rating_set_cookie(struct ss_wreq *r, const char *name, const char *value);

#endif
