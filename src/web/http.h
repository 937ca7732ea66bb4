/*
 * http.h - the HTTP server core: libmicrohttpd behind a small interface.
 *
 * Its files (http_int.h lists them): http.c the libmicrohttpd glue,
 * http_blob.c cached blobs with gzip and ETags (http_blob.h),
 * http_parse.c the form, cookie and JSON-depth parsers (http_parse.h),
 * http_log.c the access log, http_guard.c who may connect and how long.
 *
 * The server runs libmicrohttpd's epoll thread pool. Each request reaches
 * one handler function with a struct ss_http_req (method, path, query,
 * headers, cookies) and fills a struct ss_http_resp: either a body it
 * rendered into resp->body, or a reference to a pre-encoded blob (a cached
 * response held in plain and gzip form with its ETag, see below).
 *
 * Request bodies: the core reads the whole body into memory before the
 * handler runs, up to SS_HTTP_MAX_BODY, or SS_HTTP_MAX_UPLOAD for
 * multipart/form-data (more is 413, refused before the handler sees it).
 * It parses application/x-www-form-urlencoded and multipart/form-data
 * bodies into fields and files (400 when malformed), and refuses JSON
 * bodies nested deeper than SS_MAX_JSON_DEPTH (400); the handler parses
 * JSON itself (jansson, see ss_api_json_body in web.h). The Cookie header
 * is parsed by the core too (ss_http_parse_cookies), not by libmicrohttpd.
 *
 * The core, not the handler, owns HTTP policy:
 *   - strictness (RFC 9112): 400 for a request with both Content-Length
 *     and Transfer-Encoding, a repeated framing header, a header name with
 *     whitespace or another character a name may not have (`Content-Length
 *     : 5` would otherwise pass as an unknown header and its body run as a
 *     second request), a NUL byte (or %00) in the request target, or an
 *     HTTP/1.1 request without Host; 501 for a Transfer-Encoding other than
 *     chunked; headers, bodies, connections and idle clients are bounded by
 *     base/limits.h;
 *   - connections (http_guard.c): the listening socket, connections per
 *     client address, trusted proxies, and a deadline for each request;
 *   - keep-alive: the handler runs on libmicrohttpd's second callback for a
 *     request (answering on the first makes it send Connection: close);
 *   - headers: the security headers (CSP without inline script, nosniff,
 *     no-referrer, frame denial), Vary, Cache-Control and ETag go on every
 *     response; If-None-Match answers 304; bodies of 1 KiB or more go out
 *     gzip'd when Accept-Encoding allows it;
 *   - an access log line per request on stderr, values escaped, buffered
 *     per thread and written out at least every quarter second and on stop.
 *
 * Threads: the handler runs on any of the pool's threads at once; it must
 * be thread-safe. Blobs are immutable and reference counted, so one blob
 * can be sent by many threads while the cache replaces it.
 */
#ifndef SS_WEB_HTTP_H
#define SS_WEB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "web/http_blob.h"
#include "web/http_parse.h"

struct ss_http_req {
    void *conn;         /* the libmicrohttpd connection (private to http.c) */
    const char *method; /* "GET", "HEAD", "POST", "PUT", "DELETE" ... */
    const char *path;   /* URL path, percent-decoded, without the query */
    const char *ctype;  /* Content-Type of the body, or NULL */
    const char *body;   /* the raw body, NUL-terminated (NULL when there is none) */
    size_t body_len;
    const struct ss_http_field *fields; /* parsed form body, in order */
    size_t nfields;
    const char *ip; /* the client's address: the peer's, or what X-Forwarded-For
                       says when the peer is a trusted proxy */
    int https;      /* 1 if the client came over HTTPS (X-Forwarded-Proto) */
    void *rc;       /* the request's context (private to http.c) */
};

/* Query argument, request header or cookie by name; NULL when absent. The
 * strings live until the response is queued. A request the server makes up
 * itself (conn NULL: web.c renders a cached page from its cache key alone)
 * has no query, headers or cookies: all three return NULL for it. */
const char *ss_http_arg(const struct ss_http_req *r, const char *key);
const char *ss_http_header(const struct ss_http_req *r, const char *name);
const char *ss_http_cookie(const struct ss_http_req *r, const char *name);
/* The first plain (non-file) form field called name, or NULL. */
const char *ss_http_field(const struct ss_http_req *r, const char *name);
/* The first uploaded file of the form field called name, or NULL. */
const struct ss_http_field *ss_http_file(const struct ss_http_req *r, const char *name);
/* 1 if the body's media type is `type` ("application/json"), parameters
 * (charset ...) and case ignored. */
int ss_http_body_is(const struct ss_http_req *r, const char *type);

#define SS_HTTP_MAX_COOKIES 4

struct ss_http_resp {
    int status;                /* 200 unless set */
    const char *ctype;         /* static string; default text/html */
    const char *cache_control; /* static string; default "no-cache" */
    const char *allow;         /* Allow header (405); must live until the handler returns */
    struct ss_buf body;        /* rendered body (capped at SS_MAX_OUTPUT) */
    struct ss_http_blob *blob; /* if set: a reference sent instead of body */
    int ncookies;
    char cookies[SS_HTTP_MAX_COOKIES][160]; /* Set-Cookie values */
    char location[512];                     /* Location header when not "" (redirects) */
    char disposition[256];                  /* Content-Disposition header when not "" */
    char etag[72];           /* when not "": the body's strong ETag, quoted, as the handler knows it
                                (a content hash); the body then goes out as it is, never gzip'd */
    long long last_modified; /* when > 0: Unix seconds of the body's last change, sent as
                                Last-Modified; a GET whose If-Modified-Since is at or after
                                it (and that has no If-None-Match) is answered 304 */
    /* if set: after(after_arg) runs on the same worker thread once the
     * response went out (or the client left), off the request's latency */
    void (*after)(void *arg);
    void *after_arg;
};

enum { SS_COOKIE_STRICT = 1, SS_COOKIE_SECURE = 2, SS_COOKIE_SCRIPT = 4 };

/* Add a Set-Cookie (name=value; Path=/; SameSite=Lax; HttpOnly, Max-Age).
 * name and value must be plain tokens. */
void ss_http_resp_cookie(struct ss_http_resp *r, const char *name, const char *value, long max_age);
/* The same with flags: SS_COOKIE_STRICT (SameSite=Strict instead of Lax),
 * SS_COOKIE_SECURE (Secure), SS_COOKIE_SCRIPT (no HttpOnly). max_age 0
 * deletes the cookie. */
void ss_http_resp_cookie_ex(struct ss_http_resp *r, const char *name, const char *value,
                            long max_age, int flags);
/* Answer 303 See Other to path (a local path starting with "/"). */
void ss_http_redirect(struct ss_http_resp *r, const char *path);

typedef void (*ss_http_handler)(void *ctx, const struct ss_http_req *req,
                                struct ss_http_resp *resp);
/* Decides on an upload (a multipart/form-data body, up to
 * SS_HTTP_MAX_UPLOAD) from its headers alone, before any of the body is
 * read: req has the method, path and Content-Type, and cookies and headers
 * can be looked up; it has no body. Returns 0 to read the body, or 401 or
 * 403 with *msg (a static sentence) to refuse it at once, unread. */
typedef int (*ss_http_gate)(void *ctx, const struct ss_http_req *req, const char **msg);

struct ss_http_server;

/* Who may connect and for how long; a zero or NULL field takes the
 * default from base/limits.h. */
struct ss_http_limits {
    unsigned per_ip;            /* connections at once from one client address
                                   (SS_HTTP_MAX_CONN_PER_IP; at most SS_HTTP_MAX_PER_IP) */
    unsigned request_timeout_s; /* a request's line, headers and body arrive within this
                                   (SS_HTTP_REQUEST_TIMEOUT_S), else the connection is closed */
    const char *const *trusted; /* reverse proxies, "ADDR" or "ADDR/PREFIX": their
                                   connections are not counted per address, and their
                                   X-Forwarded-For names the client (req->ip, the log) */
    size_t ntrusted;
};

/* Listen on "ADDR:PORT" ("127.0.0.1:8080", "[::1]:8080"; port 0 picks a free
 * one) with `threads` worker threads, calling h(ctx, ...) per request. A
 * port in use is refused (SS_EIO, the message names the port): the socket
 * never shares its port. lim may be NULL (the defaults). */
int ss_http_start(const char *listen, unsigned threads, const struct ss_http_limits *lim,
                  ss_http_handler h, void *ctx, struct ss_http_server **out, struct ss_err *err);
/* The same, with uploads let in by gate (may be NULL) first. */
int ss_http_start_gated(const char *listen, unsigned threads, const struct ss_http_limits *lim,
                        ss_http_handler h, ss_http_gate gate, void *ctx,
                        struct ss_http_server **out, struct ss_err *err);
/* Answering from another thread. A handler that would hold its worker
 * thread while it waits (a write waiting for the disk or for SQLite's write
 * lock) calls ss_http_defer(req) and returns without answering: the core
 * suspends the connection (nothing is read or sent, no timeout runs, the
 * other connections of that worker go on) and keeps req, the handler's resp
 * and every string they point to until the answer. Any thread then fills
 * resp as a handler would and calls ss_http_resume(req), once; the
 * connection's worker sends resp (and runs resp->after) as for any other
 * answer. Do not touch req or resp after ss_http_resume.
 * ss_http_defer returns 0 when deferred, -1 when it cannot be (the server is
 * stopping, or req is not a handler's): answer inline then. ss_http_stop
 * waits until every deferred request was resumed and its answer went out,
 * so the threads that resume them must run until it returns. */
int ss_http_defer(const struct ss_http_req *req);
void ss_http_resume(const struct ss_http_req *req);

/* The port actually bound. */
unsigned ss_http_port(const struct ss_http_server *s);
/* Stop accepting, finish in-flight requests (deferred ones included: it
 * waits for their ss_http_resume and their answers), free the server. */
void ss_http_stop(struct ss_http_server *s);

#endif
