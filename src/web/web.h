/*
 * web.h - the public portal and JSON API: application state shared by the
 * pages (page_*.c) and the API (api.c), and the routes.
 *
 * State: one engine behind a pthread rwlock (pages and API hold the read
 * side while they render, ops while they validate and commit; refresh
 * takes the write side), one store connection used only for refresh and
 * for the cheap "did anything change?" check (at most once a millisecond:
 * the store's change counters, compared with the last reading), one
 * read-only connection per thread for search and
 * sessions, and one read-write connection per thread that writes.
 *
 * Threads: libmicrohttpd's workers answer reads only. State-changing
 * requests run on lanes of their own threads (writes, sign-ins), so a read
 * never waits behind a commit; a write is answered once the engine has it,
 * so the next read shows it. A refresher thread refreshes the engine when
 * writes are in flight. See web.c.
 *
 * Caching: `/` (per language and text size) and /api/v1/plan are kept as
 * pre-encoded blobs tagged with the figures generation and the day. A
 * cached page's bytes depend on its key alone (route, language, text
 * size): it is rendered from a request made of the key, never from the
 * request that missed, so no query, header or cookie reaches it. A refresh
 * that changes figures re-renders the pages being read, then publishes the
 * new generation. See web.c.
 */
#ifndef SS_WEB_H
#define SS_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/l10n.h"
#include "core/auth.h"
#include "core/engine.h"
#include "web/http.h"
#include "web/web_err.h"

struct ss_web;

/* Open the engine over the database at path and start the web state's
 * threads (lanes, refresher). */
int ss_web_new(const char *db_path, const char *replica, struct ss_web **out, struct ss_err *err);
/* With a replica (serve --db-replica): the standby's last replayed commit
 * as of the engine's last refresh, YYYY-MM-DDTHH:MM:SSZ ("" before it
 * replayed any); NULL without one. Read under the engine's lock. */
const char *ss_web_replica_as_of(const struct ss_web *w);
/* Stop the threads and free everything. Stop the HTTP server serving w
 * first (ss_http_stop): it waits for the lanes to answer what they hold. */
void ss_web_free(struct ss_web *w);
/* The request handler to pass to ss_http_start (ctx = the struct ss_web). */
void ss_web_handle(void *ctx, const struct ss_http_req *req, struct ss_http_resp *resp);
/* The upload gate to pass to ss_http_start_gated (ledger_api.c): an upload
 * (multipart body) to a write that needs a session is read only from a
 * signed-in reporter or admin, the only accounts any upload is for
 * (ledgers, evidence, the report form); anyone else is refused before the
 * body is read (401, 403). Other routes (the sign-in form) are left to
 * their handlers. */
int ss_web_upload_gate(void *ctx, const struct ss_http_req *req, const char **msg);
/* This worker thread's read-only store connection (NULL if it cannot be
 * opened), for code that runs outside a handler, like the upload gate. */
struct ss_store *ss_web_thread_store(struct ss_web *w);
/* Write the OpenAPI document (generated from the route table) into b. */
void ss_web_openapi(struct ss_buf *b);

#define SS_WEB_MAX_PARAM 64

/* One request as the pages and API see it. The engine is read-locked for
 * the whole of a handler. */
struct ss_wreq {
    struct ss_web *web;
    const struct ss_http_req *http;
    struct ss_http_resp *resp;
    const struct ss_engine *e;
    const struct ss_plan *plan;
    struct ss_store *st;          /* this thread's read-only connection */
    enum ss_lang lang;            /* the reader's (see web.c: read_prefs) */
    int care;                     /* large-text mode (关怀版) */
    int32_t day;                  /* the as-of day: today within the plan period */
    char param[SS_WEB_MAX_PARAM]; /* the {…} path segment, if the route has one */
    char feed[64]; /* the page's Atom feed ("/feeds/targets/47.atom"), or "": the head
                      names it (web/feed_web.h: ss_feed_page_link) */
};

/* Handlers (page_*.c, api.c). */
void ss_page_plan(struct ss_wreq *r);
void ss_page_project(struct ss_wreq *r);
void ss_page_target(struct ss_wreq *r);
void ss_page_org(struct ss_wreq *r);
void ss_page_search(struct ss_wreq *r);
void ss_page_method(struct ss_wreq *r);
void ss_page_not_found(struct ss_wreq *r);
/* page_bulletin.c: the published bulletins, and each one's PDF and XLSX */
void ss_page_bulletins(struct ss_wreq *r);
void ss_page_bulletin_file(struct ss_wreq *r);
void ss_api_plan(struct ss_wreq *r);
void ss_api_target(struct ss_wreq *r);
void ss_api_org(struct ss_wreq *r);
void ss_api_openapi(struct ss_wreq *r);
/* {"error":{"code","message"}} with status, for a refusal of the request's
 * form that no ss_err code stands for (415). msgid is a message id,
 * written in the request's language (r->lang). Every other error goes
 * through ss_web_error (web_err.h), which picks the status. */
void ss_api_error(struct ss_wreq *r, int status, const char *code, const char *msgid);
/* The request's JSON body as a jansson object (the caller json_decref's
 * it). NULL after answering 415 (not application/json) or 400 (malformed,
 * not an object); the core already refused bodies over SS_HTTP_MAX_BODY
 * (413) and deeper than SS_MAX_JSON_DEPTH (400). */
struct json_t *ss_api_json_body(struct ss_wreq *r);
/* The string member name of body into *out (NULL when absent or null): 0,
 * or -1 after answering 400 naming it when it is not a string. */
int ss_api_str_member(struct ss_wreq *r, struct json_t *body, const char *name, const char **out);

/* Sessions and accounts (auth_web.c, page_login.c). */
void ss_api_session_get(struct ss_wreq *r);
void ss_api_session_post(struct ss_wreq *r);
void ss_api_session_delete(struct ss_wreq *r);
void ss_page_login(struct ss_wreq *r);
void ss_page_login_post(struct ss_wreq *r);
void ss_page_logout_post(struct ss_wreq *r);
void ss_page_console(struct ss_wreq *r);
void ss_page_users(struct ss_wreq *r); /* page_users.c: an admin's accounts */
void ss_page_users_post(struct ss_wreq *r);

/* The signed-in user of this request, for any handler that needs one:
 *   - no valid session cookie (ss_session): answers 401 and returns
 *     SS_EFORBIDDEN (JSON {"error":{"code":"unauthorized",...}} under
 *     /api/, else a redirect to /login);
 *   - write = 1 (every POST, PUT, PATCH and DELETE): the X-CSRF-Token
 *     header, or else the form field `csrf`, must equal the session's CSRF
 *     token (constant time); when missing or wrong it answers 403
 *     {"error":{"code":"csrf",...}} and returns SS_EFORBIDDEN;
 *   - otherwise fills u and returns 0.
 * Write with ss_web_store_rw(r), inside ss_store_begin(st, u->name, err).
 * Usage: `struct ss_user u; if (ss_web_auth(r, 1, &u)) return;` */
int ss_web_auth(struct ss_wreq *r, int write, struct ss_user *u);
/* The session token cookie's name. */
#define SS_SESSION_COOKIE "ss_session"
/* Check credentials and open a session (ss_auth_login on this thread's
 * read-write connection, with the peer's address), setting the session
 * cookie on success. Errors as ss_auth_login's, with the code saying what
 * the web answers (web_err.h): SS_ETHROTTLED (field "user" when the name
 * is throttled, "" when the client address is), SS_EBUSY, SS_EUNAUTH
 * (wrong name or password, field "user"), SS_EDB. */
int ss_web_login(struct ss_wreq *r, const char *name, const char *password, struct ss_user *u,
                 char csrf[SS_TOKEN_HEX], struct ss_err *err);
/* Set the session cookie to token, or clear it (NULL). */
void ss_web_session_cookie(struct ss_wreq *r, const char *token);

/* This thread's read-write store connection, opened on first use;
 * NULL if it cannot be opened (answer 500). For handlers that write. Every
 * write runs in a transaction begun with the signed-in user
 * (ss_store_begin): the connection is reused by the thread's next request,
 * and nothing of this one's user stays on it (store.h). */
struct ss_store *ss_web_store_rw(struct ss_wreq *r);

/* Helpers shared by handlers (web.c). */
/* The reader's language. Pages: ?lang= (zh, en, ug), else the lang cookie,
 * else the best of Accept-Language, else Chinese. The API (its error
 * messages): ?lang=, else Accept-Language, else English; no cookie. */
enum ss_lang ss_web_lang(const struct ss_http_req *req);
/* The day the figures are for: today clamped to the plan period. */
int32_t ss_web_clamp_day(const struct ss_plan *p, int32_t day);

/* A past plan's engine for this request, kept between requests and
 * brought up to date (web.c, struct past); NULL and err set when it
 * cannot be built. Unless NULL, every other past-plan request waits until
 * ss_web_past_end, which the caller calls when it is done with it. */
const struct ss_engine *ss_web_past_begin(struct ss_wreq *r, int64_t plan_id, struct ss_err *err);
void ss_web_past_end(struct ss_wreq *r);
/* ETag of an embedded static asset ("/static/site.css"), for cache-busting
 * links; "" if unknown. */
const char *ss_web_asset_etag(const struct ss_web *w, const char *path);

#endif
