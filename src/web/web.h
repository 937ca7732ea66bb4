/*
 * web.h - the public portal and JSON API: application state shared by the
 * pages (page_*.c) and the API (api.c), and the routes.
 *
 * State: one engine behind a pthread rwlock (pages and API hold the read
 * side while they render; refresh takes the write side), one store
 * connection used only for refresh (the engine remembers that connection's
 * data_version, so it must always see the same one), and one read-only
 * connection per worker thread for search and for the cheap "did anything
 * change?" check made before each request.
 *
 * Caching: `/` (per language and text size) and /api/v1/plan are kept as
 * pre-encoded blobs tagged with the figures generation and the day; a
 * refresh that changes figures bumps the generation, so the next request
 * re-renders. See web.c.
 */
#ifndef SS_WEB_H
#define SS_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "core/engine.h"
#include "web/http.h"

struct ss_web;

/* Open the engine over the database at path. */
int ss_web_new(const char *db_path, struct ss_web **out, struct ss_err *err);
void ss_web_free(struct ss_web *w);
/* The request handler to pass to ss_http_start (ctx = the struct ss_web). */
void ss_web_handle(void *ctx, const struct ss_http_req *req, struct ss_http_resp *resp);
/* Write the OpenAPI document (generated from the route table) into b. */
void ss_web_openapi(struct ss_buf *b);

enum { SS_LANG_ZH = 0, SS_LANG_EN = 1 };

#define SS_WEB_MAX_PARAM 64

/* One request as the pages and API see it. The engine is read-locked for
 * the whole of a handler. */
struct ss_wreq {
    struct ss_web *web;
    const struct ss_http_req *http;
    struct ss_http_resp *resp;
    const struct ss_engine *e;
    const struct ss_plan *plan;
    struct ss_store *st; /* this thread's read-only connection */
    int lang;            /* SS_LANG_* */
    int care;            /* large-text mode (关怀版) */
    int32_t day;         /* the as-of day: today within the plan period */
    char param[SS_WEB_MAX_PARAM]; /* the {…} path segment, if the route has one */
};

/* Handlers (page_*.c, api.c). */
void ss_page_plan(struct ss_wreq *r);
void ss_page_project(struct ss_wreq *r);
void ss_page_target(struct ss_wreq *r);
void ss_page_org(struct ss_wreq *r);
void ss_page_search(struct ss_wreq *r);
void ss_page_method(struct ss_wreq *r);
void ss_page_not_found(struct ss_wreq *r);
void ss_api_plan(struct ss_wreq *r);
void ss_api_target(struct ss_wreq *r);
void ss_api_org(struct ss_wreq *r);
void ss_api_openapi(struct ss_wreq *r);
/* {"error":{"code","message"}} with status. */
void ss_api_error(struct ss_wreq *r, int status, const char *code, const char *msg);

/* Helpers shared by handlers (web.c). */
/* The day the figures are for: today clamped to the plan period. */
int32_t ss_web_clamp_day(const struct ss_plan *p, int32_t day);
/* ETag of an embedded static asset ("/static/site.css"), for cache-busting
 * links; "" if unknown. */
const char *ss_web_asset_etag(const struct ss_web *w, const char *path);

#endif
