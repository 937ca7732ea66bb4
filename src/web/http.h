/*
 * http.h - the HTTP server core: libmicrohttpd behind a small interface.
 *
 * The server runs libmicrohttpd's epoll thread pool. Each request reaches
 * one handler function with a struct ss_http_req (method, path, query,
 * headers, cookies) and fills a struct ss_http_resp: either a body it
 * rendered into resp->body, or a reference to a pre-encoded blob (a cached
 * response held in plain and gzip form with its ETag, see below).
 *
 * The core, not the handler, owns HTTP policy:
 *   - strictness: a request with both Content-Length and Transfer-Encoding,
 *     or an HTTP/1.1 request without Host, is refused with 400; headers,
 *     bodies, connections and idle clients are bounded by base/limits.h;
 *   - keep-alive: the handler runs on libmicrohttpd's second callback for a
 *     request (answering on the first makes it send Connection: close);
 *   - headers: the security headers (CSP without inline script, nosniff,
 *     no-referrer, frame denial), Vary, Cache-Control and ETag go on every
 *     response; If-None-Match answers 304; bodies of 1 KiB or more go out
 *     gzip'd when Accept-Encoding allows it;
 *   - an access log line per request on stderr, values escaped.
 *
 * Threads: the handler runs on any of the pool's threads at once; it must
 * be thread-safe. Blobs are immutable and reference counted, so one blob
 * can be sent by many threads while the cache replaces it.
 */
#ifndef SS_WEB_HTTP_H
#define SS_WEB_HTTP_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* An immutable response prepared once: its bytes, their gzip form, the
 * ETag and ready-made libmicrohttpd responses for 200, gzip and 304. */
struct ss_http_blob;

/* Build a blob from body (malloc'd; the blob takes ownership). The caller
 * holds one reference. ctype and cache_control must be static strings. */
struct ss_http_blob *ss_http_blob_new(int status, const char *ctype, const char *cache_control,
                                      char *body, size_t len);
struct ss_http_blob *ss_http_blob_ref(struct ss_http_blob *b);
void ss_http_blob_unref(struct ss_http_blob *b);
const char *ss_http_blob_etag(const struct ss_http_blob *b);
size_t ss_http_blob_len(const struct ss_http_blob *b);
size_t ss_http_blob_gzip_len(const struct ss_http_blob *b);

struct ss_http_req {
    void *conn;         /* the libmicrohttpd connection (private to http.c) */
    const char *method; /* "GET", "HEAD", ... */
    const char *path;   /* URL path, percent-decoded, without the query */
};

/* Query argument, request header or cookie by name; NULL when absent. The
 * strings live until the response is queued. */
const char *ss_http_arg(const struct ss_http_req *r, const char *key);
const char *ss_http_header(const struct ss_http_req *r, const char *name);
const char *ss_http_cookie(const struct ss_http_req *r, const char *name);

#define SS_HTTP_MAX_COOKIES 2

struct ss_http_resp {
    int status;                /* 200 unless set */
    const char *ctype;         /* static string; default text/html */
    const char *cache_control; /* static string; default "no-cache" */
    const char *allow;         /* static string: Allow header (405) */
    struct ss_buf body;        /* rendered body (capped at SS_MAX_OUTPUT) */
    struct ss_http_blob *blob; /* if set: a reference sent instead of body */
    int ncookies;
    char cookies[SS_HTTP_MAX_COOKIES][96]; /* Set-Cookie values */
};

/* Add a Set-Cookie (name=value; Path=/; SameSite=Lax; HttpOnly, Max-Age).
 * name and value must be plain tokens. */
void ss_http_resp_cookie(struct ss_http_resp *r, const char *name, const char *value,
                         long max_age);

typedef void (*ss_http_handler)(void *ctx, const struct ss_http_req *req,
                                struct ss_http_resp *resp);

struct ss_http_server;

/* Listen on "ADDR:PORT" ("127.0.0.1:8080", "[::1]:8080"; port 0 picks a free
 * one) with `threads` worker threads, calling h(ctx, ...) per request. */
int ss_http_start(const char *listen, unsigned threads, ss_http_handler h, void *ctx,
                  struct ss_http_server **out, struct ss_err *err);
/* The port actually bound. */
unsigned ss_http_port(const struct ss_http_server *s);
/* Stop accepting, finish in-flight requests, free the server. */
void ss_http_stop(struct ss_http_server *s);

/* 1 if the Accept-Encoding value allows gzip (a "gzip" or "*" coding
 * without q=0). Exposed for tests. */
int ss_http_accepts_gzip(const char *accept_encoding);
/* 1 if the If-None-Match value lists etag (or is "*"); weak prefixes are
 * ignored, as RFC 9110 asks for If-None-Match. */
int ss_http_etag_match(const char *if_none_match, const char *etag);

#endif
