/*
 * http_parse.c - form bodies, the Cookie header and JSON depth (see
 * http_parse.h).
 *
 * Invariants:
 *   - input is bytes with a length, never a C string: nothing reads past
 *     len, and a NUL in the input is data (a multipart file) or an error
 *     (a name), never an end;
 *   - each parser works on one malloc'd copy of its input (and one field
 *     array), writing NULs into the copy to end names and values, so the
 *     fields it hands out live exactly as long as that copy, and a
 *     failure frees both and leaves nothing behind;
 *   - counts are bounded before memory is: SS_HTTP_MAX_FIELDS fields of a
 *     form, SS_HTTP_MAX_COOKIE_PAIRS cookies, and the copy is the size of
 *     the input (the HTTP core caps that at SS_HTTP_MAX_BODY or
 *     SS_HTTP_MAX_UPLOAD, and headers at SS_HTTP_MAX_HEADER).
 */
#define _GNU_SOURCE 1 /* memmem */
#include "web/http_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/limits.h"
#include "base/util.h"

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

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

int ss_http_parse_cookies(const char *header, size_t len, struct ss_http_field **fields, size_t *n,
                          char **store)
{
    char *copy, *p, *end;
    size_t cap = 0;

    *fields = NULL;
    *n = 0;
    *store = NULL;
    if (memchr(header, '\0', len))
        return SS_EINVAL;
    copy = ss_xmalloc(len + 1);
    memcpy(copy, header, len);
    copy[len] = '\0';
    p = copy;
    end = copy + len;
    while (p < end) {
        char *pair = p, *stop = p, *eq = NULL, *name_end, *v, *v_end;
        int quoted = 0;
        struct ss_http_field *f;

        /* the pair runs to a ; or , outside double quotes */
        for (; stop < end && (quoted || (*stop != ';' && *stop != ',')); stop++) {
            if (*stop == '"')
                quoted = !quoted;
            else if (*stop == '=' && !eq && !quoted)
                eq = stop;
        }
        p = stop < end ? stop + 1 : end;
        *stop = '\0';
        while (pair < stop && blank(*pair))
            pair++;
        name_end = eq ? eq : stop;
        while (name_end > pair && blank(name_end[-1]))
            name_end--;
        if (name_end == pair)
            continue; /* no name: nothing to look it up by */
        if (*n >= SS_HTTP_MAX_COOKIE_PAIRS)
            goto bad;
        v = eq ? eq + 1 : stop;
        v_end = stop;
        while (v < v_end && blank(*v))
            v++;
        while (v_end > v && blank(v_end[-1]))
            v_end--;
        if (v_end - v >= 2 && v[0] == '"' && v_end[-1] == '"') {
            v++;
            v_end--;
        }
        *name_end = '\0';
        *v_end = '\0';
        f = add_field(fields, n, &cap);
        f->name = pair;
        f->value = v;
        f->len = (size_t)(v_end - v);
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
