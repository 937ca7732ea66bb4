/*
 * http.c - libmicrohttpd glue: strict request checks, keep-alive, headers,
 * ETag and gzip, blobs, and the access log.
 *
 * Request life: libmicrohttpd calls on_request() several times per
 * request. The first call only allocates the request context (struct
 * reqctx) and runs the strictness checks; answering then would make
 * libmicrohttpd close the connection, so a good request is answered on a
 * later call, after any body was drained. on_completed() writes the access
 * log line, runs the handler's after-response work (resp->after) and frees
 * the context: the context is the request's one allocation, freed once.
 *
 * Cost of a cached answer: the blob's responses are queued as they are, so
 * what is left per request is libmicrohttpd's (it zeroes a connection's
 * memory pool after every request: the pool is sized to the header limit,
 * not more) and the access log (buffered per thread, see below).
 *
 * Bodies: every call with upload data appends to the context's body buffer,
 * capped at the limit the first call chose from the Content-Type
 * (multipart: SS_HTTP_MAX_UPLOAD, else SS_HTTP_MAX_BODY); the last call
 * parses form bodies and checks JSON depth before the handler runs. The
 * body, its parsed copy and the field array belong to the context and are
 * freed with it.
 *
 * Blobs hold libmicrohttpd responses built once; libmicrohttpd counts its
 * own references to a response, so a blob can be dropped by the cache
 * while a slow client is still being sent its bytes.
 *
 * Deferred answers (ss_http_defer/ss_http_resume): the request and the
 * handler's response live in the context, not on the worker's stack, so a
 * handler can suspend the connection (MHD_suspend_connection) and leave
 * both to another thread. That thread marks the context answered and
 * resumes the connection; libmicrohttpd then calls on_request again on the
 * connection's own worker, which sends the response like any other. The
 * server counts the deferred requests until they complete (on_completed:
 * the answer went out, or the client left): ss_http_stop refuses new
 * deferrals and waits for the count to reach zero before it stops the
 * daemon, so a write answered on another thread is delivered, and
 * libmicrohttpd is never stopped with a connection still suspended.
 */
#define _GNU_SOURCE 1 /* memmem */
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
#include <zlib.h>

#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "web/http_guard.h"

#define GZIP_MIN 1024       /* smaller bodies are not worth compressing */
#define LOG_BUF (32u << 10) /* access log bytes buffered per worker thread */
#define LOG_LINE 1024       /* longest access log line (cut beyond) */
#define LOG_FLUSH_MS 250    /* buffered lines reach the log within this */
#define RC_PATH 256         /* contexts for paths up to this long are reused */
#define CSP                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/* A worker thread's own state, made on its first request and freed on
 * stop: its access log buffer (whole lines only, written out when the next
 * line would not fit, by the flusher thread at least every LOG_FLUSH_MS,
 * and on stop) and a spare request context. */
struct worker {
    pthread_mutex_t mu; /* owner appends, flusher writes */
    struct worker *next;
    struct ss_buf line;   /* the owner's scratch for one line, reused */
    struct reqctx *spare; /* a finished context for the next request (owner only) */
    size_t len;
    char data[LOG_BUF];
};

struct ss_http_server {
    struct MHD_Daemon *d;
    struct ss_http_guard *guard; /* listening socket, connections, deadlines */
    ss_http_handler handler;
    ss_http_gate gate; /* uploads pass it before their body is read; may be NULL */
    void *ctx;
    unsigned port;
    uint64_t id;            /* tells this server's thread buffers from an earlier server's */
    pthread_mutex_t log_mu; /* guards logs and stopping */
    pthread_cond_t log_cv;
    struct worker *logs;
    int stopping;
    pthread_t flusher;
    pthread_mutex_t defer_mu; /* guards ndeferred and defer_closed */
    pthread_cond_t defer_cv;  /* ndeferred reached 0 */
    unsigned ndeferred;       /* deferred requests not completed yet */
    int defer_closed;         /* stopping: no more deferrals */
};

struct ss_http_blob {
    atomic_int refs;
    int status;
    int gzlevel;                       /* 0 when there is no gzip form */
    const char *ctype, *cache_control; /* static strings */
    char *body;                        /* owned by `plain` (freed with it) */
    size_t len, gzlen;
    uint64_t gz_ns; /* time spent compressing */
    char etag[24], etag_gz[28];
    struct MHD_Response *plain, *gz, *nm, *nm_gz; /* gz, nm_gz may be NULL */
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
    char *fstore; /* parsed copy the fields point into */
    /* request headers the core reads, found by the one scan of them in
     * check_request (first values, but the last X-Forwarded-For: the
     * nearest proxy's; they live in libmicrohttpd's pool) */
    const char *ctype, *clen, *ae, *inm, *xfp, *te, *xff;
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

/* ---- small helpers ------------------------------------------------------ */

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* ETags of body and of its gzip form. Two gzip forms of one body differ
 * in their bytes, so a fast one (level < SS_HTTP_GZIP_BEST) names its
 * level: "…-gz1". */
static void make_etags(const char *body, size_t len, int gzlevel, char etag[24], char etag_gz[28])
{
    uint64_t h = fnv1a(body, len);

    snprintf(etag, 24, "\"%016llx\"", (unsigned long long)h);
    if (gzlevel > 0 && gzlevel < SS_HTTP_GZIP_BEST)
        snprintf(etag_gz, 28, "\"%016llx-gz%d\"", (unsigned long long)h, gzlevel);
    else
        snprintf(etag_gz, 28, "\"%016llx-gz\"", (unsigned long long)h);
}

/* gzip in[0..n) at `level`; returns a malloc'd buffer or NULL. */
static char *gzip_bytes(const char *in, size_t n, int level, size_t *outlen)
{
    z_stream z;
    char *out;
    uLong cap;

    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    cap = deflateBound(&z, (uLong)n) + 32;
    out = ss_xmalloc(cap);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        free(out);
        return NULL;
    }
    *outlen = z.total_out;
    deflateEnd(&z);
    return out;
}

int ss_http_accepts_gzip(const char *ae)
{
    const char *p = ae;

    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *tok = p, *semi;
        size_t tlen;

        while (n && (*tok == ' ' || *tok == '\t'))
            tok++, n--;
        semi = memchr(tok, ';', n);
        tlen = semi ? (size_t)(semi - tok) : n;
        while (tlen && (tok[tlen - 1] == ' ' || tok[tlen - 1] == '\t'))
            tlen--;
        if ((tlen == 4 && strncasecmp(tok, "gzip", 4) == 0) || (tlen == 1 && tok[0] == '*')) {
            /* q=0 (0, 0.0, 0.00 ...) refuses the coding */
            const char *q = semi ? memmem(semi, n - (size_t)(semi - tok), "q=", 2) : NULL;
            if (!q)
                return 1;
            q += 2;
            if (*q != '0')
                return 1;
            for (q++; *q == '.' || *q == '0'; q++)
                ;
            if (*q >= '1' && *q <= '9')
                return 1;
            return 0;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

int ss_http_etag_match(const char *inm, const char *etag)
{
    size_t elen = strlen(etag);
    const char *p = inm;

    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (strncmp(p, etag, elen) == 0 &&
            (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' ' || p[elen] == '\t'))
            return 1;
        p = strchr(p, ',');
    }
    return 0;
}

static void add_headers(struct MHD_Response *r, const char *ctype, const char *cache_control,
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

/* ---- blobs ---------------------------------------------------------------- */

static uint64_t mono_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

struct ss_http_blob *ss_http_blob_new_level(int status, const char *ctype,
                                            const char *cache_control, char *body, size_t len,
                                            int level)
{
    struct ss_http_blob *b = ss_xcalloc(1, sizeof *b);
    char *gz = NULL;

    atomic_init(&b->refs, 1);
    b->status = status;
    b->ctype = ctype;
    b->cache_control = cache_control;
    b->body = body;
    b->len = len;
    if (level < SS_HTTP_GZIP_FAST || level > 9)
        level = SS_HTTP_GZIP_BEST;
    b->plain = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!b->plain) {
        fprintf(stderr, "shishi: out of memory (response)\n");
        abort();
    }
    if (len >= GZIP_MIN) {
        uint64_t t0 = mono_ns();
        gz = gzip_bytes(body, len, level, &b->gzlen);
        b->gz_ns = mono_ns() - t0;
    }
    if (gz && b->gzlen < len) {
        b->gzlevel = level;
        make_etags(body, len, level, b->etag, b->etag_gz);
        b->gz = MHD_create_response_from_buffer(b->gzlen, gz, MHD_RESPMEM_MUST_FREE);
        add_headers(b->gz, ctype, cache_control, b->etag_gz, 0);
        MHD_add_response_header(b->gz, "Content-Encoding", "gzip");
        b->nm_gz = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        add_headers(b->nm_gz, ctype, cache_control, b->etag_gz, 0);
    } else {
        free(gz);
        b->gzlen = 0;
        make_etags(body, len, 0, b->etag, b->etag_gz);
    }
    add_headers(b->plain, ctype, cache_control, b->etag, 0);
    b->nm = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    add_headers(b->nm, ctype, cache_control, b->etag, 0);
    return b;
}

struct ss_http_blob *ss_http_blob_new(int status, const char *ctype, const char *cache_control,
                                      char *body, size_t len)
{
    return ss_http_blob_new_level(status, ctype, cache_control, body, len, SS_HTTP_GZIP_BEST);
}

struct ss_http_blob *ss_http_blob_recompress(const struct ss_http_blob *b)
{
    char *copy;

    if (b->gzlevel == 0 || b->gzlevel >= SS_HTTP_GZIP_BEST)
        return NULL;
    copy = ss_xmalloc(b->len + 1);
    memcpy(copy, b->body, b->len);
    copy[b->len] = '\0';
    return ss_http_blob_new_level(b->status, b->ctype, b->cache_control, copy, b->len,
                                  SS_HTTP_GZIP_BEST);
}

struct ss_http_blob *ss_http_blob_ref(struct ss_http_blob *b)
{
    atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
    return b;
}

void ss_http_blob_unref(struct ss_http_blob *b)
{
    if (!b || atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) != 1)
        return;
    MHD_destroy_response(b->plain);
    if (b->gz)
        MHD_destroy_response(b->gz);
    if (b->nm_gz)
        MHD_destroy_response(b->nm_gz);
    MHD_destroy_response(b->nm);
    free(b);
}

const char *ss_http_blob_etag(const struct ss_http_blob *b)
{
    return b->etag;
}
size_t ss_http_blob_len(const struct ss_http_blob *b)
{
    return b->len;
}
size_t ss_http_blob_gzip_len(const struct ss_http_blob *b)
{
    return b->gzlen;
}
int ss_http_blob_gzip_level(const struct ss_http_blob *b)
{
    return b->gzlevel;
}
uint64_t ss_http_blob_gzip_ns(const struct ss_http_blob *b)
{
    return b->gz_ns;
}

/* ---- request accessors ------------------------------------------------------ */

const char *ss_http_arg(const struct ss_http_req *r, const char *key)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key) : NULL;
}

const char *ss_http_header(const struct ss_http_req *r, const char *name)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *ss_http_cookie(const struct ss_http_req *r, const char *name)
{
    return r->conn ? MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name) : NULL;
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
        add_headers(r, api ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
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
    else if (strcasecmp(key, "X-Forwarded-Proto") == 0 && !s->rc->xfp)
        s->rc->xfp = value;
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
        struct ss_http_blob *b = resp->blob;
        int gz = gz_ok && b->gz;

        if (inm && b->status == 200 && ss_http_etag_match(inm, gz ? b->etag_gz : b->etag))
            return queue(conn, rc, 304, gz ? b->nm_gz : b->nm, 0);
        return queue(conn, rc, b->status, gz ? b->gz : b->plain, gz ? b->gzlen : b->len);
    }

    {
        const char *body;
        char *gzdata = NULL, *owned = NULL;
        size_t gzlen = 0;
        char etag[24], etag_gz[28];
        int gz;

        status = resp->status ? resp->status : 200;
        if (resp->blob) {
            body = resp->blob->body;
            len = resp->blob->len;
            status = resp->blob->status;
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
        make_etags(body, len, SS_HTTP_GZIP_BEST, etag, etag_gz);
        if (len >= GZIP_MIN && gz_ok) {
            gzdata = gzip_bytes(body, len, 5, &gzlen);
            if (gzdata && gzlen >= len) {
                free(gzdata);
                gzdata = NULL;
            }
        }
        gz = gzdata != NULL;
        if (status == 200 && inm && ss_http_etag_match(inm, gz ? etag_gz : etag)) {
            free(gzdata);
            r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
            add_headers(r, resp->ctype ? resp->ctype : "text/html; charset=utf-8",
                        resp->cache_control, gz ? etag_gz : etag, 0);
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
            add_headers(
                r, resp->blob ? NULL : (resp->ctype ? resp->ctype : "text/html; charset=utf-8"),
                resp->cache_control, status == 200 ? (gz ? etag_gz : etag) : NULL, gz);
            if (resp->blob) {
                /* the blob's own content headers */
                const char *ct = MHD_get_response_header(resp->blob->plain, "Content-Type");
                const char *vary = MHD_get_response_header(resp->blob->plain, "Vary");
                if (ct)
                    MHD_add_response_header(r, "Content-Type", ct);
                if (vary)
                    MHD_add_response_header(r, "Vary", vary);
            }
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
    const char *xfp = rc->xfp;

    req->ctype = rc->ctype;
    req->https = xfp && strcasecmp(xfp, "https") == 0;
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

/* ---- access log ------------------------------------------------------------------
 *
 * One line per request: peer "METHOD path" status bytes time, values
 * escaped. A write(2) per line cost as much as the rest of a cached answer,
 * so each worker thread appends whole lines to its own buffer and the
 * buffer goes out in one write when full, from the flusher thread every
 * LOG_FLUSH_MS, and on ss_http_stop. Lines never interleave; lines from
 * different threads may come out of time order, by up to LOG_FLUSH_MS.
 */

static atomic_uint_fast64_t server_ids;

static _Thread_local struct {
    uint64_t server; /* id of the server lb belongs to */
    struct worker *lb;
} tlog;

static void log_out(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0)
            return; /* nowhere to report a failing log */
        p += w;
        n -= (size_t)w;
    }
}

/* Write out lb's lines; lb->mu held. */
static void log_drain(struct worker *lb)
{
    log_out(lb->data, lb->len);
    lb->len = 0;
}

/* This thread's buffer for server s, made and listed on first use. */
static struct worker *worker_of(struct ss_http_server *s)
{
    struct worker *lb;

    if (tlog.server == s->id)
        return tlog.lb;
    lb = ss_xcalloc(1, sizeof *lb);
    pthread_mutex_init(&lb->mu, NULL);
    ss_buf_init(&lb->line, LOG_LINE - 1);
    pthread_mutex_lock(&s->log_mu);
    lb->next = s->logs;
    s->logs = lb;
    pthread_mutex_unlock(&s->log_mu);
    tlog.server = s->id;
    tlog.lb = lb;
    return lb;
}

/* Decimal digits of v into b. */
static void put_u64(struct ss_buf *b, uint64_t v)
{
    char d[24];
    size_t i = sizeof d;

    do
        d[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    ss_buf_put(b, d + i, sizeof d - i);
}

static void log_request(struct ss_http_server *s, const struct reqctx *rc, uint64_t us, int aborted)
{
    struct worker *lb = worker_of(s);
    struct ss_buf *b = &lb->line;
    char frac[4];

    ss_buf_reset(b);
    ss_buf_puts(b, rc->addr);
    ss_buf_puts(b, " \"");
    ss_esc_log(b, rc->method, strlen(rc->method));
    ss_buf_putc(b, ' ');
    ss_esc_log(b, rc->path, strlen(rc->path));
    ss_buf_puts(b, "\" ");
    put_u64(b, (uint64_t)rc->status);
    ss_buf_putc(b, ' ');
    put_u64(b, rc->bytes);
    ss_buf_putc(b, ' ');
    put_u64(b, us / 1000);
    frac[0] = '.';
    frac[1] = (char)('0' + us / 100 % 10);
    frac[2] = (char)('0' + us / 10 % 10);
    frac[3] = (char)('0' + us % 10);
    ss_buf_put(b, frac, 4);
    ss_buf_puts(b, aborted ? "ms aborted\n" : "ms\n");
    if (b->err) { /* cut, but still one line */
        b->err = 0;
        b->len = b->len > 2 ? b->len - 2 : 0;
        ss_buf_puts(b, "\n");
    }
    if (!b->data)
        return;
    pthread_mutex_lock(&lb->mu);
    if (lb->len + b->len > sizeof lb->data)
        log_drain(lb);
    memcpy(lb->data + lb->len, b->data, b->len);
    lb->len += b->len;
    pthread_mutex_unlock(&lb->mu);
}

/* Write out every thread's buffer; s->log_mu held. */
static void log_flush_all(struct ss_http_server *s)
{
    struct worker *lb;

    for (lb = s->logs; lb; lb = lb->next) {
        pthread_mutex_lock(&lb->mu);
        if (lb->len)
            log_drain(lb);
        pthread_mutex_unlock(&lb->mu);
    }
}

static void *log_flusher(void *arg)
{
    struct ss_http_server *s = arg;
    struct timespec until;

    pthread_mutex_lock(&s->log_mu);
    while (!s->stopping) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += LOG_FLUSH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->log_cv, &s->log_mu, &until);
        log_flush_all(s);
    }
    pthread_mutex_unlock(&s->log_mu);
    return NULL;
}

static void log_start(struct ss_http_server *s)
{
    pthread_condattr_t ca;

    s->id = atomic_fetch_add(&server_ids, 1) + 1;
    pthread_mutex_init(&s->log_mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->log_cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->flusher, NULL, log_flusher, s) != 0) {
        fprintf(stderr, "shishi: cannot start the access log thread\n");
        abort();
    }
}

/* After the daemon stopped: the last lines out, the buffers freed. */
static void log_stop(struct ss_http_server *s)
{
    struct worker *lb, *next;

    pthread_mutex_lock(&s->log_mu);
    s->stopping = 1;
    pthread_cond_signal(&s->log_cv);
    pthread_mutex_unlock(&s->log_mu);
    pthread_join(s->flusher, NULL);
    log_flush_all(s);
    for (lb = s->logs; lb; lb = next) {
        next = lb->next;
        free(lb->spare);
        ss_buf_cleanup(&lb->line);
        pthread_mutex_destroy(&lb->mu);
        free(lb);
    }
    pthread_cond_destroy(&s->log_cv);
    pthread_mutex_destroy(&s->log_mu);
}

/* libmicrohttpd's URI log callback: the request line has arrived, before
 * headers. The request context is made here, so that the raw target can
 * be checked (on_request only sees it percent-decoded, cut at a NUL). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct ss_http_server *s = cls;
    struct worker *wk = worker_of(s);
    size_t n = uri ? strnlen(uri, 2048) : 0, cap = n < RC_PATH ? RC_PATH : n + 1, plen;
    struct reqctx *rc;

    (void)conn;
    if (cap == RC_PATH && wk->spare) {
        rc = wk->spare;
        wk->spare = NULL;
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
            greq.method = method;
            greq.path = url;
            greq.ctype = rc->ctype;
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
    struct reqctx *rc = *con_cls;
    struct worker *wk;
    struct timespec t1;
    uint64_t us;

    if (!rc)
        return;
    *con_cls = NULL;
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        ss_http_guard_next(((struct ss_http_server *)cls)->guard, conn);
    if (atomic_load(&rc->deferred) == DEFER_DONE) { /* closed before it was sent */
        ss_http_blob_unref(rc->resp.blob);
        ss_buf_cleanup(&rc->resp.body);
    }
    if (rc->was_deferred) { /* its answer went out (or the client left): stop may go on */
        struct ss_http_server *s = cls;

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
    log_request(cls, rc, us, toe != MHD_REQUEST_TERMINATED_COMPLETED_OK);
    if (rc->after)
        rc->after(rc->after_arg);
    ss_buf_cleanup(&rc->body);
    free(rc->fields);
    free(rc->fstore);
    wk = worker_of(cls);
    if (rc->path_cap == RC_PATH && !wk->spare)
        wk->spare = rc;
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
    log_start(s);
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
        log_stop(s);
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
    MHD_stop_daemon(s->d); /* closes the listening socket */
    log_stop(s);
    ss_http_guard_free(s->guard);
    pthread_cond_destroy(&s->defer_cv);
    pthread_mutex_destroy(&s->defer_mu);
    free(s);
}

/* ---- body parsers ---------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode s in place (+ is a space, %XX a byte); returns the new length,
 * or (size_t)-1 for a bad escape. */
static size_t url_decode(char *s, size_t n)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            s[o++] = ' ';
        } else if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return (size_t)-1;
            hi = hexval((unsigned char)s[i + 1]);
            lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return (size_t)-1;
            s[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = '\0';
    return o;
}

static struct ss_http_field *add_field(struct ss_http_field **fields, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *fields = ss_xrealloc(*fields, *cap * sizeof **fields);
    }
    memset(&(*fields)[*n], 0, sizeof **fields);
    return &(*fields)[(*n)++];
}

int ss_http_parse_urlencoded(const char *body, size_t len, struct ss_http_field **fields, size_t *n,
                             char **store)
{
    char *copy = ss_xmalloc(len + 1), *p, *end;
    size_t cap = 0;

    memcpy(copy, body, len);
    copy[len] = '\0';
    *fields = NULL;
    *n = 0;
    p = copy;
    end = copy + len;
    while (p < end) {
        char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
        size_t plen, klen, vlen;
        struct ss_http_field *f;

        if (!amp)
            amp = end;
        *amp = '\0';
        plen = (size_t)(amp - p);
        if (plen) {
            if (*n >= SS_HTTP_MAX_FIELDS)
                goto bad;
            eq = memchr(p, '=', plen);
            klen = eq ? (size_t)(eq - p) : plen;
            if ((klen = url_decode(p, klen)) == (size_t)-1)
                goto bad;
            f = add_field(fields, n, &cap);
            f->name = p;
            if (eq) {
                vlen = (size_t)(amp - eq - 1);
                if ((vlen = url_decode(eq + 1, vlen)) == (size_t)-1)
                    goto bad;
                f->value = eq + 1;
                f->len = vlen;
            } else {
                f->value = amp; /* the NUL just written */
                f->len = 0;
            }
            if (strlen(f->name) != klen) /* a NUL byte in a name */
                goto bad;
        }
        p = amp + 1;
    }
    *store = copy;
    return SS_OK;
bad:
    free(copy);
    free(*fields);
    *fields = NULL;
    *n = 0;
    *store = NULL;
    return SS_EINVAL;
}

/* The value of parameter `key` in a header value like
 * `form-data; name="a"; filename="b.xlsx"` (quoted or a token), copied
 * into out; 0 if found. */
static int header_param(const char *h, const char *hend, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = h;

    while (p < hend) {
        const char *semi = memchr(p, ';', (size_t)(hend - p));
        const char *q;
        if (!semi)
            return -1;
        p = semi + 1;
        while (p < hend && (*p == ' ' || *p == '\t'))
            p++;
        if ((size_t)(hend - p) <= klen || strncasecmp(p, key, klen) != 0 || p[klen] != '=')
            continue;
        p += klen + 1;
        if (p < hend && *p == '"') {
            q = memchr(p + 1, '"', (size_t)(hend - p - 1));
            if (!q)
                return -1;
            p++;
        } else {
            q = p;
            while (q < hend && *q != ';' && *q != ' ' && *q != '\t')
                q++;
        }
        if ((size_t)(q - p) >= cap)
            return -1;
        memcpy(out, p, (size_t)(q - p));
        out[q - p] = '\0';
        return 0;
    }
    return -1;
}

/* Parse the headers of one part, [h, hend): name, filename, type. Writes
 * NULs into the copy. Returns 0 or -1. */
static int part_headers(char *h, char *hend, struct ss_http_field *f)
{
    char *line = h;

    while (line < hend) {
        char *eol = memmem(line, (size_t)(hend - line), "\r\n", 2);
        char *colon;
        if (!eol)
            eol = hend;
        colon = memchr(line, ':', (size_t)(eol - line));
        if (colon) {
            char *v = colon + 1;
            size_t nlen = (size_t)(colon - line);
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            if (nlen == 19 && strncasecmp(line, "Content-Disposition", 19) == 0) {
                /* name and filename are copied over the header value, which
                 * is longer than either */
                char name[256], file[256];
                size_t room = (size_t)(eol - v);
                if (header_param(v, eol, "name", name, sizeof name))
                    return -1;
                if (header_param(v, eol, "filename", file, sizeof file) == 0) {
                    const char *base = file, *s;
                    for (s = file; *s; s++)
                        if (*s == '/' || *s == '\\')
                            base = s + 1;
                    if (strlen(name) + strlen(base) + 2 > room)
                        return -1;
                    memcpy(v, name, strlen(name) + 1);
                    f->name = v;
                    memmove(v + strlen(name) + 1, base, strlen(base) + 1);
                    f->filename = v + strlen(name) + 1;
                } else {
                    if (strlen(name) + 1 > room)
                        return -1;
                    memcpy(v, name, strlen(name) + 1);
                    f->name = v;
                }
            } else if (nlen == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
                *eol = '\0';
                f->ctype = v;
            }
        }
        line = eol + 2;
    }
    return f->name ? 0 : -1;
}

int ss_http_parse_multipart(const char *ctype, const char *body, size_t len,
                            struct ss_http_field **fields, size_t *n, char **store)
{
    char bnd[80], delim[84];
    size_t dlen, cap = 0;
    char *copy = NULL, *p, *end;

    *fields = NULL;
    *n = 0;
    *store = NULL;
    if (!ctype || header_param(ctype, ctype + strlen(ctype), "boundary", bnd, sizeof bnd - 4) ||
        !bnd[0] || strlen(bnd) > 70)
        return SS_EINVAL;
    dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", bnd);
    copy = ss_xmalloc(len + 3);
    /* a leading CRLF lets the first delimiter match like the others */
    copy[0] = '\r';
    copy[1] = '\n';
    memcpy(copy + 2, body, len);
    copy[len + 2] = '\0';
    end = copy + len + 2;
    p = memmem(copy, len + 2, delim, dlen);
    if (!p)
        goto bad;
    p += dlen;
    for (;;) {
        char *hend, *next;
        struct ss_http_field *f;

        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; /* the close delimiter; the epilogue is ignored */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            goto bad;
        p += 2;
        hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hend && end - p >= 2 && p[0] == '\r' && p[1] == '\n')
            hend = p - 2; /* no headers at all */
        if (!hend)
            goto bad;
        next = memmem(hend + 4, (size_t)(end - hend - 4), delim, dlen);
        if (!next)
            goto bad;
        if (*n >= SS_HTTP_MAX_FIELDS)
            goto bad;
        f = add_field(fields, n, &cap);
        if (hend < p || part_headers(p, hend, f))
            goto bad;
        f->value = hend + 4;
        f->len = (size_t)(next - hend - 4);
        *next = '\0'; /* over the delimiter's CR */
        p = next + dlen;
    }
    *store = copy;
    return SS_OK;
bad:
    free(copy);
    free(*fields);
    *fields = NULL;
    *n = 0;
    return SS_EINVAL;
}

int ss_http_json_depth(const char *s, size_t n, int max)
{
    int depth = 0, most = 0, in_str = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > most && (most = depth) > max)
                return most;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return most;
}
