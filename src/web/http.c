/*
 * http.c - libmicrohttpd glue: the life of a request, the strictness
 * checks, the headers of every answer, and answers deferred to another
 * thread. The rest of the HTTP core is beside it (http_int.h): cached
 * blobs (http_blob.c), the access log (http_log.c), the body, form and
 * cookie parsers (http_parse.c), and who may connect (http_guard.c).
 *
 * Request life: libmicrohttpd calls on_uri() when the request line has
 * arrived, then on_request() several times per request, then
 * on_completed(). on_uri() makes the request context (struct reqctx);
 * the first on_request() only runs the strictness checks (answering then
 * would make libmicrohttpd close the connection), later ones collect the
 * body, and the last one runs the handler after the body was parsed.
 * on_completed() writes the access log line, runs the handler's
 * after-response work (resp->after) and frees the context.
 *
 * Invariants:
 *   - the context is the request's one allocation and is freed once, in
 *     on_completed (a finished context of the usual size is kept as the
 *     thread's spare for its next request instead): req, resp, the body,
 *     the parsed fields and cookies all live in it or hang off it, so
 *     every string a handler is given lives until the answer went out;
 *   - a request is answered at most once: rc->status is 0 until then, and
 *     once it is set the rest of the body is drained, not read;
 *   - nothing reaches a handler that the core refuses: framing (RFC 9112),
 *     sizes (base/limits.h), malformed form bodies, JSON deeper than
 *     SS_MAX_JSON_DEPTH, uploads the gate turns away;
 *   - a deferred request (ss_http_defer) is counted until on_completed, and
 *     ss_http_stop waits for the count to reach zero before it stops the
 *     daemon: an answer given on another thread is always delivered, and
 *     libmicrohttpd is never stopped with a connection still suspended.
 *
 * Cost of a cached answer: the blob's responses are queued as they are,
 * so what is left per request is libmicrohttpd's (it zeroes a
 * connection's memory pool after every request: the pool is sized to the
 * header limit, not more) and the access log (buffered per thread).
 *
 * Bodies: every call with upload data appends to the context's body
 * buffer, capped at the limit the first call chose from the Content-Type
 * (multipart: SS_HTTP_MAX_UPLOAD, else SS_HTTP_MAX_BODY); the last call
 * parses form bodies and checks JSON depth before the handler runs.
 * Cookies are parsed (ss_http_parse_cookies, the first Cookie header) on
 * the first ss_http_cookie of the request, by us rather than by
 * libmicrohttpd, so what a cookie reads as does not change with the
 * library's version.
 *
 * Deferred answers (ss_http_defer/ss_http_resume): the request and the
 * handler's response live in the context, not on the worker's stack, so a
 * handler can suspend the connection (MHD_suspend_connection) and leave
 * both to another thread. That thread marks the context answered and
 * resumes the connection; libmicrohttpd then calls on_request again on
 * the connection's own worker, which sends the response like any other.
 */
#include "web/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "web/http_guard.h"
#include "web/http_int.h"

#define RC_PATH 256 /* contexts for paths up to this long are reused */
#define CSP                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

struct ss_http_server {
    struct MHD_Daemon *d;
    struct ss_http_guard *guard; /* listening socket, connections, deadlines */
    struct http_log *log;
    ss_http_handler handler;
    ss_http_gate gate; /* uploads pass it before their body is read; may be NULL */
    void *ctx;
    unsigned port;
    pthread_key_t spare;      /* a worker's finished context, for its next request */
    pthread_mutex_t defer_mu; /* guards ndeferred and defer_closed */
    pthread_cond_t defer_cv;  /* ndeferred reached 0 */
    unsigned ndeferred;       /* deferred requests not completed yet */
    int defer_closed;         /* stopping: no more deferrals */
};

enum { DEFER_NONE = 0, DEFER_WAIT = 1, DEFER_DONE = 2 };

struct reqctx {
    struct ss_http_server *srv;
    struct timespec t0;
    int status;     /* 0 until answered */
    size_t bytes;   /* body bytes queued */
    size_t body_in; /* request body bytes received */
    size_t limit;   /* most body bytes accepted */
    struct ss_buf body;
    struct ss_http_field *fields;
    size_t nfields;
    char *fstore;                  /* parsed copy the fields point into */
    struct ss_http_field *cookies; /* parsed on the first ss_http_cookie */
    size_t ncookies;
    char *cstore;
    int cookies_read;
    /* request headers the core reads, found by the one scan of them in
     * check_request (first values, but the last X-Forwarded-For: the
     * nearest proxy's; they live in libmicrohttpd's pool) */
    const char *ctype, *clen, *ae, *inm, *ims, *xfp, *te, *xff, *cookie;
    const char *raw_end;      /* end of the raw request target in the request line */
    int started;              /* on_request has seen the request */
    int nul;                  /* the raw target has %00 */
    void (*after)(void *arg); /* the handler's after-response work */
    void *after_arg;
    atomic_int deferred;      /* DEFER_*: set by the handler's thread, then by the resuming one */
    int was_deferred;         /* counted in ndeferred until on_completed */
    struct ss_http_req req;   /* what the handler is given; lives as long as the context */
    struct ss_http_resp resp; /* what it fills, on its thread or on a deferring one */
    char method[12];
    char addr[INET6_ADDRSTRLEN]; /* the peer, "" until looked up */
    size_t path_cap;             /* room in path[] */
    char path[];                 /* copy of the URL path, for the log */
};

/* ---- request accessors ------------------------------------------------------ */

const char *ss_http_arg(const struct ss_http_req *r, const char *key)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key) : NULL;
}

const char *ss_http_header(const struct ss_http_req *r, const char *name)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

/* Cookies come from our own parser (ss_http_parse_cookies, fuzzed), not
 * libmicrohttpd's: the first Cookie header, parsed once per request on
 * the first look-up; the first pair of a name wins. A header the parser
 * refuses gives no cookies. */
const char *ss_http_cookie(const struct ss_http_req *r, const char *name)
{
    struct reqctx *rc = r->rc;
    size_t i;

    if (!r->conn || !rc)
        return NULL;
    if (!rc->cookies_read) {
        rc->cookies_read = 1;
        if (rc->cookie && ss_http_parse_cookies(rc->cookie, strlen(rc->cookie), &rc->cookies,
                                                &rc->ncookies, &rc->cstore) != SS_OK)
            rc->ncookies = 0; /* a header that does not parse: no cookies */
    }
    for (i = 0; i < rc->ncookies; i++)
        if (strcmp(rc->cookies[i].name, name) == 0)
            return rc->cookies[i].value;
    return NULL;
}

const char *ss_http_field(const struct ss_http_req *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nfields; i++)
        if (!r->fields[i].filename && strcmp(r->fields[i].name, name) == 0)
            return r->fields[i].value;
    return NULL;
}

const struct ss_http_field *ss_http_file(const struct ss_http_req *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nfields; i++)
        if (r->fields[i].filename && strcmp(r->fields[i].name, name) == 0)
            return &r->fields[i];
    return NULL;
}

static int ctype_is(const char *ct, const char *type)
{
    size_t n = strlen(type);

    if (!ct)
        return 0;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return strncasecmp(ct, type, n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

int ss_http_body_is(const struct ss_http_req *r, const char *type)
{
    return ctype_is(r->ctype, type);
}

void ss_http_resp_cookie_ex(struct ss_http_resp *r, const char *name, const char *value,
                            long max_age, int flags)
{
    if (r->ncookies >= SS_HTTP_MAX_COOKIES)
        return;
    snprintf(r->cookies[r->ncookies++], sizeof r->cookies[0],
             "%s=%s; Path=/; Max-Age=%ld; SameSite=%s%s%s", name, value, max_age,
             (flags & SS_COOKIE_STRICT) ? "Strict" : "Lax",
             (flags & SS_COOKIE_SCRIPT) ? "" : "; HttpOnly",
             (flags & SS_COOKIE_SECURE) ? "; Secure" : "");
}

void ss_http_resp_cookie(struct ss_http_resp *r, const char *name, const char *value, long max_age)
{
    ss_http_resp_cookie_ex(r, name, value, max_age, 0);
}

void ss_http_redirect(struct ss_http_resp *r, const char *path)
{
    /* local paths only: "//host" would leave the site */
    if (path[0] != '/' || path[1] == '/' || path[1] == '\\')
        path = "/";
    r->status = 303;
    snprintf(r->location, sizeof r->location, "%s", path);
}

void ss_http_headers(struct MHD_Response *r, const char *ctype, const char *cache_control,
                     const char *etag, int gz)
{
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    if (ctype) {
        MHD_add_response_header(r, "Content-Type", ctype);
        /* pages and the API's messages are in the reader's language */
        if (strncmp(ctype, "text/html", 9) == 0)
            MHD_add_response_header(r, "Vary", "Accept-Encoding, Accept-Language, Cookie");
        else if (strncmp(ctype, "application/json", 16) == 0)
            MHD_add_response_header(r, "Vary", "Accept-Encoding, Accept-Language");
        else
            MHD_add_response_header(r, "Vary", "Accept-Encoding");
        if (strncmp(ctype, "application/json", 16) == 0)
            MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
    }
    MHD_add_response_header(r, "Cache-Control", cache_control ? cache_control : "no-cache");
    if (etag)
        MHD_add_response_header(r, "ETag", etag);
    if (gz)
        MHD_add_response_header(r, "Content-Encoding", "gzip");
}

/* ---- answering ---------------------------------------------------------------- */

static int is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0;
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct reqctx *rc, int status,
                             struct MHD_Response *r, size_t bytes)
{
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)status, r);

    if (rc) {
        rc->status = status;
        rc->bytes = bytes;
    }
    return ok;
}

/* A refusal from the core itself (before any handler ran). */
static enum MHD_Result refuse(struct MHD_Connection *conn, struct reqctx *rc, int status,
                              const char *code, const char *msg)
{
    struct ss_buf b;
    struct MHD_Response *r;
    enum MHD_Result ok;
    int api = rc && is_api(rc->path);
    size_t len;
    char *data;

    ss_buf_init(&b, 4096);
    if (api) {
        ss_buf_puts(&b, "{\"error\":{\"code\":\"");
        ss_esc_json(&b, code, strlen(code));
        ss_buf_puts(&b, "\",\"message\":\"");
        ss_esc_json(&b, msg, strlen(msg));
        ss_buf_puts(&b, "\"}}\n");
    } else {
        ss_buf_puts(&b, msg);
        ss_buf_putc(&b, '\n');
    }
    data = ss_buf_detach(&b, &len);
    r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (status == 431) {
        /* the request filled most of the connection's memory: the fewest
         * headers, or libmicrohttpd cannot build them and just hangs up */
        MHD_add_response_header(r, "Content-Type",
                                api ? "application/json; charset=utf-8"
                                    : "text/plain; charset=utf-8");
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    } else {
        ss_http_headers(r, api ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
                        "no-store", NULL, 0);
    }
    MHD_add_response_header(r, "Connection", "close");
    ok = queue(conn, rc, status, r, len);
    MHD_destroy_response(r);
    ss_http_guard_arrived(conn); /* answered: the rest is libmicrohttpd's closing */
    return ok;
}

struct hdrscan {
    size_t bytes;
    int host, clen, te, badname;
    struct reqctx *rc; /* gets the first value of the headers it keeps */
};

/* 1 if key is a field name: one or more tchar (RFC 9110 5.1). libmicrohttpd
 * keeps whatever precedes the colon, so `Content-Length : 5` arrives as a
 * header called "Content-Length " that it does not frame the body by. */
static int field_name_ok(const char *key)
{
    const unsigned char *p = (const unsigned char *)key;

    if (!*p)
        return 0;
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("!#$%&'*+-.^_`|~", *p)))
            return 0;
    return 1;
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct hdrscan *s = cls;

    (void)kind;
    s->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
    if (!field_name_ok(key))
        s->badname++;
    else if (strcasecmp(key, "Host") == 0)
        s->host++;
    else if (strcasecmp(key, "Content-Length") == 0 && s->clen++ == 0)
        s->rc->clen = value;
    else if (strcasecmp(key, "Transfer-Encoding") == 0 && s->te++ == 0)
        s->rc->te = value;
    else if (strcasecmp(key, "X-Forwarded-For") == 0)
        s->rc->xff = value;
    else if (strcasecmp(key, "Content-Type") == 0 && !s->rc->ctype)
        s->rc->ctype = value;
    else if (strcasecmp(key, "Accept-Encoding") == 0 && !s->rc->ae)
        s->rc->ae = value;
    else if (strcasecmp(key, "If-None-Match") == 0 && !s->rc->inm)
        s->rc->inm = value;
    else if (strcasecmp(key, "If-Modified-Since") == 0 && !s->rc->ims)
        s->rc->ims = value;
    else if (strcasecmp(key, "X-Forwarded-Proto") == 0 && !s->rc->xfp)
        s->rc->xfp = value;
    else if (strcasecmp(key, "Cookie") == 0 && !s->rc->cookie)
        s->rc->cookie = value;
    return MHD_YES;
}

/* Strictness checks on a new request: 0 if fine, else refused. */
static int check_request(struct MHD_Connection *conn, const char *version, struct reqctx *rc,
                         enum MHD_Result *res)
{
    struct hdrscan s = {0, 0, 0, 0, 0, rc};
    const char *cl;
    long n;

    MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_header, &s);
    if (s.bytes > SS_HTTP_MAX_HEADER) {
        *res = refuse(conn, rc, 431, "headers_too_large", "Request headers are too large.");
        return -1;
    }
    /* a NUL in the target: libmicrohttpd decodes %00 and stops the path
     * there, and a raw NUL ends the target it hands over early (the
     * version then does not follow the target's end) */
    if (rc->nul ||
        (rc->raw_end && version[0] && (uintptr_t)version != (uintptr_t)rc->raw_end + 1)) {
        *res = refuse(conn, rc, 400, "bad_request", "The request target has a NUL byte.");
        return -1;
    }
    if (s.badname) {
        *res = refuse(conn, rc, 400, "bad_request",
                      "A header name has whitespace or a character a field name may not have "
                      "(nothing may stand between a name and its colon).");
        return -1;
    }
    if (s.clen && s.te) {
        *res = refuse(conn, rc, 400, "bad_request",
                      "Content-Length and Transfer-Encoding together are refused.");
        return -1;
    }
    if (s.clen > 1 || s.te > 1 || s.host > 1) {
        *res = refuse(conn, rc, 400, "bad_request", "A framing header is repeated.");
        return -1;
    }
    if (s.host == 0 && strcmp(version, MHD_HTTP_VERSION_1_0) != 0) {
        *res = refuse(conn, rc, 400, "bad_request", "HTTP/1.1 requests need a Host header.");
        return -1;
    }
    /* libmicrohttpd decodes chunked alone; any other coding would leave it
     * waiting for a body it cannot delimit */
    if (rc->te && strcasecmp(rc->te, "chunked") != 0) {
        *res = refuse(conn, rc, 501, "not_implemented",
                      "Only the chunked Transfer-Encoding is supported.");
        return -1;
    }
    rc->limit = ctype_is(rc->ctype, "multipart/form-data") ? SS_HTTP_MAX_UPLOAD : SS_HTTP_MAX_BODY;
    cl = rc->clen;
    if (cl && (ss_parse_long(cl, &n) != 0 || n < 0)) {
        *res = refuse(conn, rc, 400, "bad_request", "Content-Length is not a number.");
        return -1;
    }
    if (cl && (unsigned long)n > rc->limit) {
        *res = refuse(conn, rc, 413, "too_large", "The request body is too large.");
        return -1;
    }
    return 0;
}

/* An HTTP date (RFC 9110 IMF-fixdate) as Unix seconds, -1 when it is
 * not one. */
static long long http_date(const char *s)
{
    static const char MON[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char mon[4], gmt[4];
    const char *m;
    int d, y, h, mi, sec;

    if (!s || strlen(s) != 29 ||
        sscanf(s + 5, "%2d %3s %4d %2d:%2d:%2d %3s", &d, mon, &y, &h, &mi, &sec, gmt) != 7 ||
        strcmp(gmt, "GMT") != 0 || !(m = strstr(MON, mon)) || (m - MON) % 3)
        return -1;
    return (long long)ss_days_from_civil(y, (int)(m - MON) / 3 + 1, d) * 86400 + h * 3600 +
           mi * 60 + sec;
}

/* 1 when a 200 with last_modified may be a 304 by If-Modified-Since
 * (only without If-None-Match, which RFC 9110 puts first). */
static int not_modified_since(const struct reqctx *rc, long long last_modified)
{
    long long since;

    if (last_modified <= 0 || rc->inm || !rc->ims)
        return 0;
    since = http_date(rc->ims);
    return since >= 0 && since >= last_modified;
}

/* Send what the handler produced. */
static enum MHD_Result send_resp(struct MHD_Connection *conn, struct reqctx *rc,
                                 struct ss_http_resp *resp)
{
    const char *ae = rc->ae, *inm = rc->inm;
    int gz_ok = ae && ss_http_accepts_gzip(ae);
    struct MHD_Response *r;
    enum MHD_Result ok;
    size_t len;
    int i, status;

    if (resp->blob && resp->ncookies == 0) {
        /* the fast path: ready-made responses, nothing built per request */
        r = ss_http_blob_answer(resp->blob, gz_ok, inm, &status, &len);
        return queue(conn, rc, status, r, len);
    }

    {
        const char *body;
        char *gzdata = NULL, *owned = NULL;
        size_t gzlen = 0;
        char etag[HTTP_ETAG], etag_gz[HTTP_ETAG_GZ];
        const char *tag = etag;
        int gz;

        status = resp->status ? resp->status : 200;
        if (resp->blob) {
            body = ss_http_blob_body(resp->blob, &len, &status);
        } else {
            if (resp->body.err) {
                status = 500;
                ss_buf_reset(&resp->body);
                ss_buf_puts(&resp->body, "response too large\n");
                resp->ctype = "text/plain; charset=utf-8";
            }
            body = resp->body.data ? resp->body.data : "";
            len = resp->body.len;
        }
        ss_http_etags(body, len, SS_HTTP_GZIP_BEST, etag, etag_gz);
        if (!resp->blob && resp->etag[0]) { /* the handler's own, e.g. a content hash */
            tag = resp->etag;
            gz_ok = 0;
        }
        if (len >= HTTP_GZIP_MIN && gz_ok) {
            gzdata = ss_http_gzip(body, len, 5, &gzlen);
            if (gzdata && gzlen >= len) {
                free(gzdata);
                gzdata = NULL;
            }
        }
        gz = gzdata != NULL;
        if (status == 200 && ((inm && ss_http_etag_match(inm, gz ? etag_gz : tag)) ||
                              not_modified_since(rc, resp->last_modified))) {
            free(gzdata);
            r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
            ss_http_headers(r, resp->ctype ? resp->ctype : "text/html; charset=utf-8",
                            resp->cache_control, gz ? etag_gz : tag, 0);
            status = 304;
            len = 0;
        } else {
            if (gz) {
                r = MHD_create_response_from_buffer(gzlen, gzdata, MHD_RESPMEM_MUST_FREE);
                len = gzlen;
            } else if (resp->blob) {
                r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
                                                    MHD_RESPMEM_MUST_COPY);
            } else {
                owned = ss_buf_detach(&resp->body, &len);
                r = MHD_create_response_from_buffer(len, owned, MHD_RESPMEM_MUST_FREE);
            }
            ss_http_headers(
                r, resp->blob ? NULL : (resp->ctype ? resp->ctype : "text/html; charset=utf-8"),
                resp->cache_control, status == 200 ? (gz ? etag_gz : tag) : NULL, gz);
            if (resp->blob)
                ss_http_blob_content_headers(resp->blob, r);
        }
    }
    if (resp->allow)
        MHD_add_response_header(r, "Allow", resp->allow);
    for (i = 0; i < resp->ncookies; i++)
        MHD_add_response_header(r, "Set-Cookie", resp->cookies[i]);
    if (resp->location[0])
        MHD_add_response_header(r, "Location", resp->location);
    if (resp->disposition[0])
        MHD_add_response_header(r, "Content-Disposition", resp->disposition);
    if (resp->last_modified > 0 && (status == 200 || status == 304)) {
        time_t t = (time_t)resp->last_modified;
        struct tm tm;
        char date[40];
        if (gmtime_r(&t, &tm) && strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm))
            MHD_add_response_header(r, "Last-Modified", date);
    }
    ok = queue(conn, rc, status, r, len);
    MHD_destroy_response(r);
    return ok;
}

/* The peer's address as text: IPv4 by hand (inet_ntop formats it with
 * sprintf, a visible cost per request), IPv6 by inet_ntop, else "-". */
static void peer_addr(struct MHD_Connection *conn, char addr[INET6_ADDRSTRLEN])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (sa && sa->sa_family == AF_INET) {
        const unsigned char *a =
            (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
        char *p = addr;
        int i;

        for (i = 0; i < 4; i++) {
            if (i)
                *p++ = '.';
            if (a[i] >= 100)
                *p++ = (char)('0' + a[i] / 100);
            if (a[i] >= 10)
                *p++ = (char)('0' + a[i] / 10 % 10);
            *p++ = (char)('0' + a[i] % 10);
        }
        *p = '\0';
        return;
    }
    if (sa && sa->sa_family == AF_INET6 &&
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr,
                  INET6_ADDRSTRLEN))
        return;
    memcpy(addr, "-", 2);
}

/* Fill the body part of req: raw bytes, and fields for form bodies.
 * Returns 0, or -1 after refusing a malformed body. */
static int read_body(struct MHD_Connection *conn, struct reqctx *rc, struct ss_http_req *req,
                     enum MHD_Result *res)
{
    req->ctype = rc->ctype;
    if (rc->body.err) { /* cannot happen below the limit; be safe */
        *res = refuse(conn, rc, 413, "too_large", "The request body is too large.");
        return -1;
    }
    if (rc->body_in == 0)
        return 0;
    req->body = rc->body.data;
    req->body_len = rc->body.len;
    if (ctype_is(req->ctype, "application/x-www-form-urlencoded")) {
        if (ss_http_parse_urlencoded(req->body, req->body_len, &rc->fields, &rc->nfields,
                                     &rc->fstore)) {
            *res = refuse(conn, rc, 400, "bad_body", "The form body is malformed.");
            return -1;
        }
    } else if (ctype_is(req->ctype, "multipart/form-data")) {
        if (ss_http_parse_multipart(req->ctype, req->body, req->body_len, &rc->fields, &rc->nfields,
                                    &rc->fstore)) {
            *res = refuse(conn, rc, 400, "bad_body", "The multipart body is malformed.");
            return -1;
        }
    } else if (ctype_is(req->ctype, "application/json")) {
        if (ss_http_json_depth(req->body, req->body_len, SS_MAX_JSON_DEPTH) > SS_MAX_JSON_DEPTH) {
            *res = refuse(conn, rc, 400, "bad_json", "The JSON body is nested too deeply.");
            return -1;
        }
    }
    req->fields = rc->fields;
    req->nfields = rc->nfields;
    return 0;
}

/* libmicrohttpd's URI log callback: the request line has arrived, before
 * headers. The request context is made here, so that the raw target can
 * be checked (on_request only sees it percent-decoded, cut at a NUL). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct ss_http_server *s = cls;
    size_t n = uri ? strnlen(uri, 2048) : 0, cap = n < RC_PATH ? RC_PATH : n + 1, plen;
    struct reqctx *rc = cap == RC_PATH ? pthread_getspecific(s->spare) : NULL;

    (void)conn;
    if (rc) {
        pthread_setspecific(s->spare, NULL);
        memset(rc, 0, sizeof *rc + RC_PATH);
    } else {
        rc = ss_xcalloc(1, sizeof *rc + cap);
    }
    rc->path_cap = cap;
    rc->srv = s;
    atomic_init(&rc->deferred, DEFER_NONE);
    clock_gettime(CLOCK_MONOTONIC, &rc->t0);
    memcpy(rc->method, "-", 2);
    if (uri) {
        const char *p;
        for (p = uri; (p = strchr(p, '%')) != NULL; p++)
            if (p[1] == '0' && p[2] == '0')
                rc->nul = 1;
        rc->raw_end = uri + strlen(uri);
        /* the raw path, for the log of a request refused before on_request */
        plen = strcspn(uri, "?");
        memcpy(rc->path, uri, plen < cap ? plen : cap - 1);
    }
    rc->limit = SS_HTTP_MAX_BODY;
    ss_buf_init(&rc->body, SS_HTTP_MAX_UPLOAD);
    return rc;
}

/* Send what the handler put in rc->resp; the context takes over the
 * after-response work, the response's buffers are dropped. */
static enum MHD_Result answer(struct MHD_Connection *conn, struct reqctx *rc)
{
    enum MHD_Result res = send_resp(conn, rc, &rc->resp);

    rc->after = rc->resp.after;
    rc->after_arg = rc->resp.after_arg;
    ss_http_blob_unref(rc->resp.blob);
    rc->resp.blob = NULL;
    ss_buf_cleanup(&rc->resp.body);
    return res;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct ss_http_server *s = cls;
    struct reqctx *rc = *con_cls;
    struct ss_http_req *req;
    struct ss_http_resp *resp;
    enum MHD_Result res;
    char peer[INET6_ADDRSTRLEN];

    if (!rc) /* cannot happen: on_uri made it */
        return MHD_NO;
    if (!rc->started) {
        size_t n = strnlen(url, rc->path_cap - 1);

        rc->started = 1;
        memset(rc->path, 0, rc->path_cap);
        memcpy(rc->path, url, n);
        memset(rc->method, 0, sizeof rc->method);
        memcpy(rc->method, method, strnlen(method, sizeof rc->method - 1));
        if (check_request(conn, version, rc, &res))
            return res;
        if (s->gate && ctype_is(rc->ctype, "multipart/form-data")) {
            /* an upload: who sends it is decided before a byte of it is read */
            const char *msg = "Refused.";
            struct ss_http_req greq;
            int st;

            memset(&greq, 0, sizeof greq);
            greq.conn = conn;
            greq.rc = rc;
            greq.method = method;
            greq.path = url;
            greq.ctype = rc->ctype;
            greq.rc = rc;
            if ((st = s->gate(s->ctx, &greq, &msg)))
                return refuse(conn, rc, st, st == 401 ? "unauthorized" : "forbidden", msg);
        }
        return MHD_YES; /* answer on the next call: keeps the connection alive */
    }
    switch (atomic_load(&rc->deferred)) {
    case DEFER_DONE: /* resumed: another thread filled rc->resp */
        atomic_store(&rc->deferred, DEFER_NONE);
        return answer(conn, rc);
    case DEFER_WAIT: /* cannot happen: a suspended connection gets no calls */
        return MHD_YES;
    default:
        break;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;

        *upload_data_size = 0;
        if (rc->status) /* refused already: drain */
            return MHD_YES;
        rc->body_in += n;
        if (rc->body_in > rc->limit)
            return refuse(conn, rc, 413, "too_large", "The request body is too large.");
        ss_buf_put(&rc->body, upload_data, n);
        return MHD_YES;
    }
    if (rc->status)
        return MHD_YES;

    ss_http_guard_arrived(conn);
    req = &rc->req;
    resp = &rc->resp;
    memset(req, 0, sizeof *req);
    req->conn = conn;
    req->rc = rc;
    req->method = method;
    req->path = url;
    if (read_body(conn, rc, req, &res))
        return res;
    peer_addr(conn, peer);
    ss_http_guard_client(s->guard, conn, peer, rc->xff, rc->addr);
    req->ip = rc->addr;
    /* https only as a trusted proxy says: anyone else's header is theirs */
    req->https =
        rc->xfp && strcasecmp(rc->xfp, "https") == 0 && ss_http_guard_proxied(s->guard, conn);
    memset(resp, 0, sizeof *resp);
    ss_buf_init(&resp->body, SS_MAX_OUTPUT);
    s->handler(s->ctx, req, resp);
    if (atomic_load(&rc->deferred) != DEFER_NONE)
        return MHD_YES; /* another thread answers; req and resp are its own now */
    return answer(conn, rc);
}

int ss_http_defer(const struct ss_http_req *req)
{
    struct reqctx *rc = req->rc;
    struct ss_http_server *s;

    if (!rc || !req->conn || atomic_load(&rc->deferred) != DEFER_NONE)
        return -1;
    s = rc->srv;
    pthread_mutex_lock(&s->defer_mu);
    if (s->defer_closed) {
        pthread_mutex_unlock(&s->defer_mu);
        return -1;
    }
    s->ndeferred++;
    pthread_mutex_unlock(&s->defer_mu);
    rc->was_deferred = 1;
    atomic_store(&rc->deferred, DEFER_WAIT);
    MHD_suspend_connection(req->conn);
    return 0;
}

void ss_http_resume(const struct ss_http_req *req)
{
    struct reqctx *rc = req->rc;
    struct MHD_Connection *conn = req->conn;

    /* the worker may free rc as soon as the connection is resumed */
    atomic_store(&rc->deferred, DEFER_DONE);
    MHD_resume_connection(conn);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct ss_http_server *s = cls;
    struct reqctx *rc = *con_cls;
    struct timespec t1;
    uint64_t us;

    if (!rc)
        return;
    *con_cls = NULL;
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        ss_http_guard_next(s->guard, conn);
    if (atomic_load(&rc->deferred) == DEFER_DONE) { /* closed before it was sent */
        ss_http_blob_unref(rc->resp.blob);
        ss_buf_cleanup(&rc->resp.body);
    }
    if (rc->was_deferred) { /* its answer went out (or the client left): stop may go on */
        pthread_mutex_lock(&s->defer_mu);
        if (--s->ndeferred == 0)
            pthread_cond_broadcast(&s->defer_cv);
        pthread_mutex_unlock(&s->defer_mu);
    }
    if (!rc->addr[0])
        peer_addr(conn, rc->addr);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    us = (uint64_t)((t1.tv_sec - rc->t0.tv_sec) * 1000000000LL + (t1.tv_nsec - rc->t0.tv_nsec)) /
         1000;
    ss_http_log_request(s->log, rc->addr, rc->method, rc->path, rc->status, rc->bytes, us,
                        toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
    if (rc->after)
        rc->after(rc->after_arg);
    ss_buf_cleanup(&rc->body);
    free(rc->fields);
    free(rc->fstore);
    free(rc->cookies);
    free(rc->cstore);
    if (rc->path_cap == RC_PATH && !pthread_getspecific(s->spare))
        pthread_setspecific(s->spare, rc);
    else
        free(rc);
}

/* ---- start and stop ------------------------------------------------------------- */

int ss_http_start(const char *listen, unsigned threads, const struct ss_http_limits *lim,
                  ss_http_handler h, void *ctx, struct ss_http_server **out, struct ss_err *err)
{
    return ss_http_start_gated(listen, threads, lim, h, NULL, ctx, out, err);
}

int ss_http_start_gated(const char *listen, unsigned threads, const struct ss_http_limits *lim,
                        ss_http_handler h, ss_http_gate gate, void *ctx,
                        struct ss_http_server **out, struct ss_err *err)
{
    struct ss_http_server *s;
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof ss;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TURBO |
                     MHD_ALLOW_SUSPEND_RESUME;
    struct ss_http_guard *g;
    int rc, fd;

    *out = NULL;
    if (!(g = ss_http_guard_new(lim, err)))
        return SS_EINVAL;
    if ((rc = ss_http_guard_listen(listen, &fd, err))) {
        ss_http_guard_free(g);
        return rc;
    }
    if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0 && ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (threads < 1)
        threads = 1;
    s = ss_xcalloc(1, sizeof *s);
    s->handler = h;
    s->gate = gate;
    s->ctx = ctx;
    s->guard = g;
    if (ss.ss_family == AF_INET)
        s->port = ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
    else if (ss.ss_family == AF_INET6)
        s->port = ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
    pthread_mutex_init(&s->defer_mu, NULL);
    pthread_cond_init(&s->defer_cv, NULL);
    /* a worker's spare context is freed when the worker ends (the daemon
     * joins its threads on stop) */
    if (pthread_key_create(&s->spare, free) != 0) {
        fprintf(stderr, "shishi: cannot make a thread key\n");
        abort();
    }
    s->log = ss_http_log_new();
    /* the memory limit: libmicrohttpd lets the request grow to half of it
     * and needs the rest for header records and the response headers, so
     * three times the header block we accept leaves room to answer 431
     * (it clears the whole pool after every request, so no bigger).
     * Connections per address are the guard's (the accept policy and the
     * connection notifications), not libmicrohttpd's, which cannot exempt
     * a trusted proxy. */
    s->d = MHD_start_daemon(flags, 0, ss_http_guard_accept, g, on_request, s,
                            MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, threads,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)SS_HTTP_MAX_CONN,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SS_HTTP_TIMEOUT_S,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(3 * SS_HTTP_MAX_HEADER),
                            MHD_OPTION_STRICT_FOR_CLIENT, 0, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                            MHD_OPTION_NOTIFY_CONNECTION, ss_http_guard_notify, g,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->d) {
        /* libmicrohttpd may or may not have closed fd on its way out: a
         * failing start ends the process, so the descriptor is left */
        ss_http_log_free(s->log);
        pthread_key_delete(s->spare);
        ss_http_guard_free(g);
        pthread_cond_destroy(&s->defer_cv);
        pthread_mutex_destroy(&s->defer_mu);
        free(s);
        return ss_err_set(err, SS_EIO, "--listen", "cannot serve on %s", listen);
    }
    *out = s;
    return 0;
}

unsigned ss_http_port(const struct ss_http_server *s)
{
    return s->port;
}

void ss_http_stop(struct ss_http_server *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->defer_mu);
    s->defer_closed = 1;
    while (s->ndeferred)
        pthread_cond_wait(&s->defer_cv, &s->defer_mu);
    pthread_mutex_unlock(&s->defer_mu);
    MHD_stop_daemon(s->d); /* closes the listening socket; its threads end */
    ss_http_log_free(s->log);
    pthread_key_delete(s->spare);
    ss_http_guard_free(s->guard);
    pthread_cond_destroy(&s->defer_cv);
    pthread_mutex_destroy(&s->defer_mu);
    free(s);
}
