/*
 * http_parse.h - the parsers of what a client sends in a request's
 * headers and body: form bodies (application/x-www-form-urlencoded and
 * multipart/form-data), the Cookie header, and the nesting depth of a
 * JSON body.
 *
 * Each is a plain function of bytes: no server, no connection, no global
 * state, only src/base underneath, so a fuzz target or a unit test calls
 * it exactly as the HTTP core does (http.c). The HTTP core runs them on
 * every request that carries such input, before any handler sees it:
 * a form body that does not parse is answered 400, a JSON body deeper
 * than SS_MAX_JSON_DEPTH 400, and a Cookie header that does not parse
 * counts as no cookies.
 *
 * Output: the three field parsers write into a malloc'd copy of the input
 * (*store, the caller frees) and a malloc'd array (*fields, the caller
 * frees) whose strings point into that copy; both are NULL, and *n 0,
 * after an error. Every value is NUL-terminated, but a file of a multipart
 * body may itself hold NUL bytes: use len.
 */
#ifndef SS_WEB_HTTP_PARSE_H
#define SS_WEB_HTTP_PARSE_H

#include <stddef.h>

/* A field of a form body or a cookie: a plain field (filename NULL) or an
 * uploaded file of a multipart body. */
struct ss_http_field {
    const char *name;
    const char *value;
    size_t len;
    const char *filename; /* multipart file: the client's name, without any path */
    const char *ctype;    /* multipart part's Content-Type, or NULL */
};

/* Cookies in one Cookie header, at most (more is an error). */
#define SS_HTTP_MAX_COOKIE_PAIRS 64

/* application/x-www-form-urlencoded: `a=1&b=x+y&c=%41`. + is a space, %XX
 * a byte; a pair without = has an empty value; empty pairs are skipped.
 * Returns 0, or SS_EINVAL for a bad %-escape, a NUL byte in a name, or
 * more than SS_HTTP_MAX_FIELDS fields. */
int ss_http_parse_urlencoded(const char *body, size_t len, struct ss_http_field **fields, size_t *n,
                             char **store);

/* multipart/form-data (RFC 7578). ctype is the Content-Type header, which
 * carries the boundary (1 to 70 characters). Every part needs a
 * Content-Disposition with a name; a filename (its last path segment is
 * kept) makes it a file. The preamble before the first delimiter and the
 * epilogue after the close delimiter are ignored. Returns 0, or SS_EINVAL
 * for a missing boundary, a part without a name, a body that ends before
 * the close delimiter, or more than SS_HTTP_MAX_FIELDS parts. */
int ss_http_parse_multipart(const char *ctype, const char *body, size_t len,
                            struct ss_http_field **fields, size_t *n, char **store);

/* A Cookie header's value: `a=1; b="two"; c`. Pairs end at ; or , (outside
 * double quotes); blanks around names and values are dropped, one pair of
 * double quotes around a value is removed, a pair without = is a name with
 * an empty value, and a pair with an empty name is skipped. Names are kept
 * as sent and in order, so a repeated name has several fields (the first
 * is the one ss_http_cookie answers). Returns 0, or SS_EINVAL for more
 * than SS_HTTP_MAX_COOKIE_PAIRS pairs or a NUL byte. */
int ss_http_parse_cookies(const char *header, size_t len, struct ss_http_field **fields, size_t *n,
                          char **store);

/* Nesting depth of the JSON text s[0..n): brackets outside strings, so it
 * never fails; counting stops past max + 1. */
int ss_http_json_depth(const char *s, size_t n, int max);

#endif
