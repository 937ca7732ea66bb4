/*
 * http_blob.c - cached blobs: a response prepared once and sent many
 * times, and the ETag and gzip rules every answer follows.
 *
 * A blob is a body with its gzip form (when that is smaller and the body
 * at least HTTP_GZIP_MIN bytes), their ETags, and four libmicrohttpd
 * responses built once with all their headers: 200 plain, 200 gzip, and
 * 304 for each. Answering from a blob queues one of them as it is:
 * nothing is built, copied or compressed per request.
 *
 * Invariants:
 *   - a blob never changes after ss_http_blob_new*: threads share it
 *     without locks, and a cache replaces a blob, never edits it;
 *   - the blob lives while anyone holds a reference (refs), and each of
 *     its responses while libmicrohttpd still sends it (libmicrohttpd
 *     counts its own references), so a cache may drop a blob while a
 *     slow client is still being sent its bytes;
 *   - an ETag is a hash of the bytes sent: the plain form's of the body,
 *     the gzip form's of the body and the level ("-gz" at
 *     SS_HTTP_GZIP_BEST, "-gzN" below), so a client never gets a 304 for
 *     bytes other than the ones it holds.
 * The ETag is FNV-1a, 64 bits: it tells versions of our own pages apart,
 * it is not a defence against anyone forging a collision.
 */
#define _GNU_SOURCE 1 /* memmem */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "base/util.h"
#include "web/http_int.h"

struct ss_http_blob {
    atomic_int refs;
    int status;
    int gzlevel;                       /* 0 when there is no gzip form */
    const char *ctype, *cache_control; /* static strings */
    char *body;                        /* owned by `plain` (freed with it) */
    size_t len, gzlen;
    uint64_t gz_ns; /* time spent compressing */
    char etag[HTTP_ETAG], etag_gz[HTTP_ETAG_GZ];
    struct MHD_Response *plain, *gz, *nm, *nm_gz; /* gz, nm_gz may be NULL */
};

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

void ss_http_etags(const char *body, size_t len, int gzlevel, char etag[HTTP_ETAG],
                   char etag_gz[HTTP_ETAG_GZ])
{
    uint64_t h = fnv1a(body, len);

    snprintf(etag, HTTP_ETAG, "\"%016llx\"", (unsigned long long)h);
    if (gzlevel > 0 && gzlevel < SS_HTTP_GZIP_BEST)
        snprintf(etag_gz, HTTP_ETAG_GZ, "\"%016llx-gz%d\"", (unsigned long long)h, gzlevel);
    else
        snprintf(etag_gz, HTTP_ETAG_GZ, "\"%016llx-gz\"", (unsigned long long)h);
}

char *ss_http_gzip(const char *in, size_t n, int level, size_t *outlen)
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
    if (len >= HTTP_GZIP_MIN) {
        uint64_t t0 = mono_ns();
        gz = ss_http_gzip(body, len, level, &b->gzlen);
        b->gz_ns = mono_ns() - t0;
    }
    if (gz && b->gzlen < len) {
        b->gzlevel = level;
        ss_http_etags(body, len, level, b->etag, b->etag_gz);
        b->gz = MHD_create_response_from_buffer(b->gzlen, gz, MHD_RESPMEM_MUST_FREE);
        ss_http_headers(b->gz, ctype, cache_control, b->etag_gz, 0);
        MHD_add_response_header(b->gz, "Content-Encoding", "gzip");
        b->nm_gz = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        ss_http_headers(b->nm_gz, ctype, cache_control, b->etag_gz, 0);
    } else {
        free(gz);
        b->gzlen = 0;
        ss_http_etags(body, len, 0, b->etag, b->etag_gz);
    }
    ss_http_headers(b->plain, ctype, cache_control, b->etag, 0);
    b->nm = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    ss_http_headers(b->nm, ctype, cache_control, b->etag, 0);
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

struct MHD_Response *ss_http_blob_answer(const struct ss_http_blob *b, int gzip_ok, const char *inm,
                                         int *status, size_t *bytes)
{
    int gz = gzip_ok && b->gz;

    if (inm && b->status == 200 && ss_http_etag_match(inm, gz ? b->etag_gz : b->etag)) {
        *status = 304;
        *bytes = 0;
        return gz ? b->nm_gz : b->nm;
    }
    *status = b->status;
    *bytes = gz ? b->gzlen : b->len;
    return gz ? b->gz : b->plain;
}

const char *ss_http_blob_body(const struct ss_http_blob *b, size_t *len, int *status)
{
    *len = b->len;
    *status = b->status;
    return b->body;
}

void ss_http_blob_content_headers(const struct ss_http_blob *b, struct MHD_Response *r)
{
    const char *ct = MHD_get_response_header(b->plain, "Content-Type");
    const char *vary = MHD_get_response_header(b->plain, "Vary");

    if (ct)
        MHD_add_response_header(r, "Content-Type", ct);
    if (vary)
        MHD_add_response_header(r, "Vary", vary);
}
