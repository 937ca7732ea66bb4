/*
 * http_int.h - what the HTTP core's files share among themselves
 * (private to src/web/http*.c, as store_int.h is to src/store/).
 *
 *   http.c        libmicrohttpd glue: the request life, strictness checks,
 *                 deferred answers, the headers every answer carries
 *   http_blob.c   cached blobs: a body with its gzip form, ETags and
 *                 ready-made responses
 *   http_log.c    the access log
 *   http_parse.c  form bodies, cookies, JSON depth (public: http_parse.h)
 *   http_guard.c  the listening socket, connections per client, deadlines
 */
#ifndef SS_WEB_HTTP_INT_H
#define SS_WEB_HTTP_INT_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "web/http.h"

/* ---- http.c ---- */

/* The headers every answer carries: the security headers, Content-Type
 * and Vary (ctype may be NULL: neither), Cache-Control (NULL: no-cache),
 * ETag when etag is not NULL, and Content-Encoding: gzip when gz. */
void ss_http_headers(struct MHD_Response *r, const char *ctype, const char *cache_control,
                     const char *etag, int gz);

/* ---- http_blob.c ---- */

#define HTTP_GZIP_MIN 1024 /* smaller bodies are not worth compressing */
#define HTTP_ETAG 24       /* "\"%016llx\"" and its NUL */
#define HTTP_ETAG_GZ 28    /* "\"%016llx-gz9\"" and its NUL */

/* ETags of body and of its gzip form at level gzlevel (0: none). Two gzip
 * forms of one body differ in their bytes, so a fast one (below
 * SS_HTTP_GZIP_BEST) names its level: "…-gz1". */
void ss_http_etags(const char *body, size_t len, int gzlevel, char etag[HTTP_ETAG],
                   char etag_gz[HTTP_ETAG_GZ]);
/* in[0..n) gzip'd at level: a malloc'd buffer of *outlen bytes, or NULL. */
char *ss_http_gzip(const char *in, size_t n, int level, size_t *outlen);

/* The ready-made answer of b to a request that accepts gzip or not
 * (gzip_ok) and sent If-None-Match inm (may be NULL): 304 when it names
 * the ETag of what would be sent and b is a 200. *status and *bytes (the
 * body bytes) are set; the response stays b's. */
struct MHD_Response *ss_http_blob_answer(const struct ss_http_blob *b, int gzip_ok, const char *inm,
                                         int *status, size_t *bytes);
/* b's plain bytes and status, for an answer built per request (one that
 * sets cookies). */
const char *ss_http_blob_body(const struct ss_http_blob *b, size_t *len, int *status);
/* Add b's own content headers (Content-Type, Vary) to r. */
void ss_http_blob_content_headers(const struct ss_http_blob *b, struct MHD_Response *r);

/* ---- http_log.c ---- */

struct http_log;

/* Start the access log (and its flusher thread); aborts if it cannot. */
struct http_log *ss_http_log_new(void);
/* After the daemon stopped (no thread logs any more): the last lines
 * written out, everything freed. */
void ss_http_log_free(struct http_log *l);
/* One line: addr "METHOD path" status bytes time, on this thread's
 * buffer. us is the request's time in microseconds; aborted: the client
 * left before the answer was sent. */
void ss_http_log_request(struct http_log *l, const char *addr, const char *method, const char *path,
                         int status, size_t bytes, uint64_t us, int aborted);

#endif
