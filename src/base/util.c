/*
 * util.c - abort-on-OOM allocation, strict number parsing, file reading.
 */
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "shishi: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ss_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *ss_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *ss_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void *ss_grow(void *arr, size_t n, size_t *cap, size_t size)
{
    char *v = arr;

    if (n >= *cap) {
        size_t c = *cap ? 2 * *cap : 16;
        if (c <= n || c > SIZE_MAX / size)
            oom(SIZE_MAX);
        v = ss_xrealloc(v, c * size);
        *cap = c;
    }
    memset(v + n * size, 0, size);
    return v;
}

char *ss_xstrdup(const char *s)
{
    return ss_xstrndup(s, strlen(s));
}

char *ss_xstrndup(const char *s, size_t n)
{
    char *p = ss_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int ss_parse_double(const char *s, double *out)
{
    char *end;
    double v;

    if (!s || !*s)
        return SS_EINVAL;
    /* strtod accepts leading blanks, hex and "nan"/"inf": refuse them. */
    if (!(*s == '-' || *s == '+' || *s == '.' || (*s >= '0' && *s <= '9')))
        return SS_EINVAL;
    if (strchr(s, 'x') || strchr(s, 'X'))
        return SS_EINVAL;
    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || !isfinite(v))
        return SS_EINVAL;
    *out = v;
    return SS_OK;
}

int ss_parse_long(const char *s, long *out)
{
    char *end;
    long v;

    if (!s || !*s || !(*s == '-' || (*s >= '0' && *s <= '9')))
        return SS_EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end)
        return SS_EINVAL;
    *out = v;
    return SS_OK;
}

int ss_read_file(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = SS_EIO;

    f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return SS_EIO;
    for (;;) {
        size_t got;
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 65536;
            buf = ss_xrealloc(buf, cap + 1);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            rc = SS_EINVAL;
            goto out;
        }
        if (got == 0)
            break;
    }
    if (ferror(f))
        goto out;
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
    rc = SS_OK;
out:
    free(buf);
    if (f != stdin)
        fclose(f);
    return rc;
}
