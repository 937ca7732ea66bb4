/*
 * http.c - libmicrohttpd glue: strict request checks, keep-alive, headers,
 * ETag and gzip, blobs, and the access log.
 *
 * Request life: libmicrohttpd calls on_request() several times per
 * request. The first call only allocates the request context (struct
 * reqctx) and runs the strictness checks; answering then would make
 * libmicrohttpd close the connection, so a good request is answered on a
 * later call, after any body was drained. on_completed() writes the access
 * log line and frees the context: the context is the request's one
 * allocation, freed once.
 *
 * Blobs hold libmicrohttpd responses built once; libmicrohttpd counts its
 * own references to a response, so a blob can be dropped by the cache
 * while a slow client is still being sent its bytes.
 */
#define _GNU_SOURCE 1 /* memmem */
#include "web/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
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

#define GZIP_MIN 1024 /* smaller bodies are not worth compressing */
#define CSP                                                                                   \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "         \
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

struct ss_http_server {
    struct MHD_Daemon *d;
    ss_http_handler handler;
    void *ctx;
    unsigned port;
};

struct ss_http_blob {
    atomic_int refs;
    int status;
    char *body; /* owned by `plain` (freed with it) */
    size_t len, gzlen;
    char etag[24], etag_gz[28];
    struct MHD_Response *plain, *gz, *nm, *nm_gz; /* gz, nm_gz may be NULL */
};

struct reqctx {
    struct timespec t0;
    int status;     /* 0 until answered */
    size_t bytes;   /* body bytes queued */
    size_t body_in; /* request body bytes drained */
    char method[12];
    char path[]; /* copy of the URL path, for the log */
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

static void make_etags(const char *body, size_t len, char etag[24], char etag_gz[28])
{
    uint64_t h = fnv1a(body, len);

    snprintf(etag, 24, "\"%016llx\"", (unsigned long long)h);
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
        if (strncmp(p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' ||
                                            p[elen] == ' ' || p[elen] == '\t'))
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
        if (strncmp(ctype, "text/html", 9) == 0)
            MHD_add_response_header(r, "Vary", "Accept-Encoding, Cookie");
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

struct ss_http_blob *ss_http_blob_new(int status, const char *ctype, const char *cache_control,
                                      char *body, size_t len)
{
    struct ss_http_blob *b = ss_xcalloc(1, sizeof *b);
    char *gz = NULL;

    atomic_init(&b->refs, 1);
    b->status = status;
    b->body = body;
    b->len = len;
    make_etags(body, len, b->etag, b->etag_gz);
    b->plain = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!b->plain) {
        fprintf(stderr, "shishi: out of memory (response)\n");
        abort();
    }
    add_headers(b->plain, ctype, cache_control, b->etag, 0);
    if (len >= GZIP_MIN)
        gz = gzip_bytes(body, len, 6, &b->gzlen);
    if (gz && b->gzlen < len) {
        b->gz = MHD_create_response_from_buffer(b->gzlen, gz, MHD_RESPMEM_MUST_FREE);
        add_headers(b->gz, ctype, cache_control, b->etag_gz, 0);
        MHD_add_response_header(b->gz, "Content-Encoding", "gzip");
        b->nm_gz = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        add_headers(b->nm_gz, ctype, cache_control, b->etag_gz, 0);
    } else {
        free(gz);
        b->gzlen = 0;
    }
    b->nm = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    add_headers(b->nm, ctype, cache_control, b->etag, 0);
    return b;
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

const char *ss_http_blob_etag(const struct ss_http_blob *b) { return b->etag; }
size_t ss_http_blob_len(const struct ss_http_blob *b) { return b->len; }
size_t ss_http_blob_gzip_len(const struct ss_http_blob *b) { return b->gzlen; }

/* ---- request accessors ------------------------------------------------------ */

const char *ss_http_arg(const struct ss_http_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *ss_http_header(const struct ss_http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *ss_http_cookie(const struct ss_http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

void ss_http_resp_cookie(struct ss_http_resp *r, const char *name, const char *value,
                         long max_age)
{
    if (r->ncookies >= SS_HTTP_MAX_COOKIES)
        return;
    snprintf(r->cookies[r->ncookies++], sizeof r->cookies[0],
             "%s=%s; Path=/; Max-Age=%ld; SameSite=Lax; HttpOnly", name, value, max_age);
}

/* ---- answering ---------------------------------------------------------------- */

static int is_api(const char *path) { return strncmp(path, "/api/", 5) == 0; }

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
    add_headers(r, api ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
                "no-store", NULL, 0);
    MHD_add_response_header(r, "Connection", "close");
    ok = queue(conn, rc, status, r, len);
    MHD_destroy_response(r);
    return ok;
}

struct hdrscan {
    size_t bytes;
    int host, clen, te;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct hdrscan *s = cls;

    (void)kind;
    s->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
    if (strcasecmp(key, "Host") == 0)
        s->host++;
    else if (strcasecmp(key, "Content-Length") == 0)
        s->clen++;
    else if (strcasecmp(key, "Transfer-Encoding") == 0)
        s->te++;
    return MHD_YES;
}

/* Strictness checks on a new request: 0 if fine, else refused. */
static int check_request(struct MHD_Connection *conn, const char *version, struct reqctx *rc,
                         enum MHD_Result *res)
{
    struct hdrscan s = {0, 0, 0, 0};
    const char *cl;
    long n;

    MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_header, &s);
    if (s.bytes > SS_HTTP_MAX_HEADER) {
        *res = refuse(conn, rc, 431, "headers_too_large", "Request headers are too large.");
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
    cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (cl && (ss_parse_long(cl, &n) != 0 || n < 0)) {
        *res = refuse(conn, rc, 400, "bad_request", "Content-Length is not a number.");
        return -1;
    }
    if (cl && (unsigned long)n > SS_HTTP_MAX_BODY) {
        *res = refuse(conn, rc, 413, "too_large", "The request body is too large.");
        return -1;
    }
    return 0;
}

/* Send what the handler produced. */
static enum MHD_Result send_resp(struct MHD_Connection *conn, struct reqctx *rc,
                                 struct ss_http_resp *resp)
{
    const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
    const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
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
        make_etags(body, len, etag, etag_gz);
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
            add_headers(r, resp->blob ? NULL : (resp->ctype ? resp->ctype
                                                            : "text/html; charset=utf-8"),
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
    ok = queue(conn, rc, status, r, len);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct ss_http_server *s = cls;
    struct reqctx *rc = *con_cls;
    struct ss_http_req req;
    struct ss_http_resp resp;
    enum MHD_Result res;

    (void)upload_data;
    if (!rc) {
        size_t n = strnlen(url, 2048);

        rc = ss_xcalloc(1, sizeof *rc + n + 1);
        clock_gettime(CLOCK_MONOTONIC, &rc->t0);
        memcpy(rc->path, url, n);
        snprintf(rc->method, sizeof rc->method, "%s", method);
        *con_cls = rc;
        if (check_request(conn, version, rc, &res))
            return res;
        return MHD_YES; /* answer on the next call: keeps the connection alive */
    }
    if (*upload_data_size) {
        /* no route takes a body: drain it within the limit */
        rc->body_in += *upload_data_size;
        *upload_data_size = 0;
        if (rc->body_in > SS_HTTP_MAX_BODY && !rc->status)
            return refuse(conn, rc, 413, "too_large", "The request body is too large.");
        return MHD_YES;
    }
    if (rc->status)
        return MHD_YES;

    req.conn = conn;
    req.method = method;
    req.path = url;
    memset(&resp, 0, sizeof resp);
    ss_buf_init(&resp.body, SS_MAX_OUTPUT);
    s->handler(s->ctx, &req, &resp);
    res = send_resp(conn, rc, &resp);
    ss_http_blob_unref(resp.blob);
    ss_buf_cleanup(&resp.body);
    return res;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct reqctx *rc = *con_cls;
    const union MHD_ConnectionInfo *ci;
    char addr[INET6_ADDRSTRLEN] = "-";
    struct timespec t1;
    struct ss_buf b;
    char line[1024];
    double ms;

    (void)cls;
    if (!rc)
        return;
    *con_cls = NULL;
    ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
                      sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                      addr, sizeof addr);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double)(t1.tv_sec - rc->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - rc->t0.tv_nsec) / 1e6;
    /* one write per line, so lines from many threads never interleave */
    ss_buf_init(&b, sizeof line - 1);
    ss_buf_puts(&b, addr);
    ss_buf_puts(&b, " \"");
    ss_esc_log(&b, rc->method, strlen(rc->method));
    ss_buf_putc(&b, ' ');
    ss_esc_log(&b, rc->path, strlen(rc->path));
    ss_buf_printf(&b, "\" %d %zu %.3fms%s\n", rc->status, rc->bytes, ms,
                  toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    if (b.err) { /* cut, but still one line */
        b.err = 0;
        b.len = b.len > 2 ? b.len - 2 : 0;
        ss_buf_puts(&b, "\n");
    }
    if (b.data && write(STDERR_FILENO, b.data, b.len) < 0) {
        /* nowhere to report a failing log */
    }
    ss_buf_cleanup(&b);
    free(rc);
}

/* ---- start and stop ------------------------------------------------------------- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sslen,
                        struct ss_err *err)
{
    char host[256];
    const char *colon, *port, *h = listen;
    size_t hlen;
    struct addrinfo hints, *ai = NULL;
    int rc;

    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':')
            return ss_err_set(err, SS_EINVAL, "--listen", "'%s' is not [ADDR]:PORT", listen);
        h = listen + 1;
        hlen = (size_t)(close - h);
        port = close + 2;
    } else {
        colon = strrchr(listen, ':');
        if (!colon)
            return ss_err_set(err, SS_EINVAL, "--listen", "'%s' is not ADDR:PORT", listen);
        hlen = (size_t)(colon - listen);
        port = colon + 1;
    }
    if (hlen == 0 || hlen >= sizeof host || !*port)
        return ss_err_set(err, SS_EINVAL, "--listen", "'%s' is not ADDR:PORT", listen);
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0 || !ai)
        return ss_err_set(err, SS_EINVAL, "--listen", "cannot use '%s': %s", listen,
                          gai_strerror(rc));
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *sslen = ai->ai_addrlen;
    freeaddrinfo(ai);
    return 0;
}

int ss_http_start(const char *listen, unsigned threads, ss_http_handler h, void *ctx,
                  struct ss_http_server **out, struct ss_err *err)
{
    struct ss_http_server *s;
    struct sockaddr_storage ss;
    socklen_t sslen;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    const union MHD_DaemonInfo *di;
    int rc;

    *out = NULL;
    rc = parse_listen(listen, &ss, &sslen, err);
    if (rc)
        return rc;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (threads < 1)
        threads = 1;
    s = ss_xcalloc(1, sizeof *s);
    s->handler = h;
    s->ctx = ctx;
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)SS_HTTP_MAX_CONN, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)SS_HTTP_MAX_CONN_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)SS_HTTP_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(2 * SS_HTTP_MAX_HEADER + 8192), MHD_OPTION_STRICT_FOR_CLIENT, 0,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_END);
    if (!s->d) {
        free(s);
        return ss_err_set(err, SS_EIO, "--listen", "cannot listen on %s", listen);
    }
    di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : 0;
    *out = s;
    return 0;
}

unsigned ss_http_port(const struct ss_http_server *s) { return s->port; }

void ss_http_stop(struct ss_http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    free(s);
}
