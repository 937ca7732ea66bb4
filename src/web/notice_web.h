/*
 * notice_web.h - supervision notices over HTTP: the JSON API
 * (notice_api.c), the console's pages (page_notice.c) and the public
 * target page's lines (page_target.c). Routes in routes.c.
 */
#ifndef SS_NOTICE_WEB_H
#define SS_NOTICE_WEB_H

#include "base/buf.h"
#include "web/web.h"

/* JSON API */
void ss_api_notices(struct ss_wreq *r);
void ss_api_notice_get(struct ss_wreq *r);
void ss_api_notice_post(struct ss_wreq *r);
void ss_api_notice_answer(struct ss_wreq *r);
void ss_api_notice_close(struct ss_wreq *r);
void ss_api_notice_return(struct ss_wreq *r);
void ss_api_notice_evidence(struct ss_wreq *r);

/* Console pages */
void ss_page_notices(struct ss_wreq *r);
void ss_page_notice(struct ss_wreq *r);
void ss_page_notice_post(struct ss_wreq *r);
/* /console/notices/{id}/evidence?file=ID: one file of the answer, to
 * those who see the notice (404 to anyone else, as for no file). */
void ss_page_notice_file(struct ss_wreq *r);

/* The public target page's section on the target's notices at org (an
 * engine index): issued, answered and closed, with dates and the
 * answer's summary, never an official's name. Nothing when none. */
void ss_notice_public_lines(struct ss_wreq *r, struct ss_buf *b, int64_t target_id, long org);

#endif
