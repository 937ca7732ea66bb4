/*
 * http_blob.h - cached blobs: an immutable response prepared once (its
 * bytes, their gzip form, the ETags and ready-made libmicrohttpd
 * responses for 200, gzip and 304) and sent by any number of threads at
 * once; and the rules for gzip and ETags that every answer follows.
 *
 * A handler sends a blob by putting a reference in resp->blob (see
 * http.h); a cache replaces a blob, never edits one. Blobs are reference
 * counted: the last ss_http_blob_unref frees it, and what is still being
 * sent stays alive until it went out.
 */
#ifndef SS_WEB_HTTP_BLOB_H
#define SS_WEB_HTTP_BLOB_H

#include <stddef.h>
#include <stdint.h>

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

/* zlib levels: FAST for a blob a request is waiting for (a cache miss),
 * BEST (what ss_http_blob_new uses) once nobody waits. */
#define SS_HTTP_GZIP_FAST 1
#define SS_HTTP_GZIP_BEST 6
/* ss_http_blob_new with its gzip form at `level`. The gzip ETag of a fast
 * level names the level, so a recompressed blob has a different one. */
struct ss_http_blob *ss_http_blob_new_level(int status, const char *ctype,
                                            const char *cache_control, char *body, size_t len,
                                            int level);
/* A new blob (one reference) with b's bytes, its gzip form at
 * SS_HTTP_GZIP_BEST; NULL when b's already is (or b has none). */
struct ss_http_blob *ss_http_blob_recompress(const struct ss_http_blob *b);
/* The gzip level of b (0: no gzip form) and the time compressing took. */
int ss_http_blob_gzip_level(const struct ss_http_blob *b);
uint64_t ss_http_blob_gzip_ns(const struct ss_http_blob *b);

/* 1 if the Accept-Encoding value allows gzip (a "gzip" or "*" coding
 * without q=0). Exposed for tests. */
int ss_http_accepts_gzip(const char *accept_encoding);
/* 1 if the If-None-Match value lists etag (or is "*"); weak prefixes are
 * ignored, as RFC 9110 asks for If-None-Match. */
int ss_http_etag_match(const char *if_none_match, const char *etag);

#endif
