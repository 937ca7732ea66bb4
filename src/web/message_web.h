/*
 * message_web.h - the public's messages over HTTP: the JSON API
 * (message_api.c), the public pages' section and form, the writer's
 * ticket page, the photo, the console's queue and the supervision page's
 * section (page_message.c). Routes in routes.c; the rules are
 * core/message.h's.
 *
 * Forgery (CSRF) for writes anyone may make without a session:
 *   - the JSON API takes only application/json (ss_api_json_body: 415
 *     otherwise). A page of another site can send that type only through
 *     script, and script gets a cross-site request only after a CORS
 *     preflight, which shishi never grants; the core also refuses a
 *     write whose Origin names another site (web.c);
 *   - the pages' form (no script) needs the form cookie: the page sets
 *     ss_form (a nonce and its keyed digest, so only one this site issued
 *     counts; HttpOnly, SameSite=Strict, a day) and a post is taken only
 *     with a valid one. A form another site's page posts arrives without
 *     it (SameSite=Strict). No hidden field: the page is the same bytes
 *     for everyone. The page says so under the form.
 *   - the honeypot: a field (JSON member or form field "website") people
 *     never see or fill. When it holds anything the answer looks like a
 *     success (201 with a ticket that opens nothing, or the form's
 *     redirect) and nothing is stored, so a robot learns nothing.
 */
#ifndef SS_MESSAGE_WEB_H
#define SS_MESSAGE_WEB_H

#include <stdint.h>

#include "web/web.h"

/* JSON API */
void ss_api_messages(struct ss_wreq *r);        /* GET /api/v1/messages */
void ss_api_message_post(struct ss_wreq *r);    /* POST /api/v1/messages */
void ss_api_message_ticket(struct ss_wreq *r);  /* GET /api/v1/tickets/{t} */
void ss_api_message_helpful(struct ss_wreq *r); /* POST /api/v1/tickets/{t}/helpful */
/* POST /api/v1/messages/{id}/publish, /hide and /reply: the path says which */
void ss_api_message_change(struct ss_wreq *r);
void ss_api_messages_queue(struct ss_wreq *r); /* GET /api/v1/messages/queue */

/* Pages */
void ss_page_message_post(struct ss_wreq *r);     /* POST /messages (the form) */
void ss_page_message_ticket(struct ss_wreq *r);   /* GET /messages/{ticket} */
void ss_page_message_rate(struct ss_wreq *r);     /* POST /messages/{ticket} */
void ss_page_message_photo(struct ss_wreq *r);    /* GET /messages/photos/{id} */
void ss_page_messages_console(struct ss_wreq *r); /* GET /console/messages */
void ss_page_messages_console_post(struct ss_wreq *r);
/* GET /console/messages.csv: what the user may moderate or answer, every
 * state, as CSV (formulas made text, ss_esc_csv); never a contact. */
void ss_page_messages_csv(struct ss_wreq *r);

/* The public pages' section: the published messages about (about,
 * target_id, project_no) seen at org (an engine index; for a target, the
 * messages sent from org or below), each with its answer, how many were
 * hidden by reason, and the form to send one. */
void ss_message_section(struct ss_wreq *r, const char *about, int64_t target_id, int project_no,
                        long org);

/* The section's and the list API's messages: the published ones about
 * (about, target_id, project_no) at org or below (org -1: anywhere; for
 * about "org", the messages about org itself; about NULL: every one), oldest first, into *out
 * (ss_store_messages_free), and how many were hidden by reason (in
 * ss_message_reasons' order). 0 or SS_EDB. */
struct ss_message;
int ss_message_collect(struct ss_wreq *r, const char *about, int64_t target_id, int project_no,
                       long org, struct ss_message **out, size_t *n, int *hidden);

/* The supervision page's section: messages in org's subtree unanswered
 * past their deadline, and complaints whose answer was marked not
 * helpful; a supervisor may make each (about a target) a notice. */
void ss_message_supervision(struct ss_wreq *r, const struct ss_user *u, long org);

#endif
