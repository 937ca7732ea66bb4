/*
 * buf.c - capped string builder with a sticky error.
 */
#include "base/buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void ss_buf_init(struct ss_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->err = 0;
}

void ss_buf_cleanup(struct ss_buf *b)
{
    free(b->data);
    ss_buf_init(b, b->max);
}

void ss_buf_reset(struct ss_buf *b)
{
    b->len = 0;
    b->err = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Make room for n more bytes plus the terminator; 0 if it fits the cap. */
static int reserve(struct ss_buf *b, size_t n)
{
    size_t need;

    if (b->err)
        return -1;
    if (n > b->max - b->len) {
        b->err = SS_EINVAL;
        return -1;
    }
    need = b->len + n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < need)
            cap *= 2;
        b->data = ss_xrealloc(b->data, cap);
        b->cap = cap;
    }
    return 0;
}

void ss_buf_put(struct ss_buf *b, const char *s, size_t n)
{
    if (reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ss_buf_puts(struct ss_buf *b, const char *s)
{
    ss_buf_put(b, s, strlen(s));
}

void ss_buf_putc(struct ss_buf *b, char c)
{
    ss_buf_put(b, &c, 1);
}

void ss_buf_vprintf(struct ss_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void ss_buf_printf(struct ss_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ss_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void ss_buf_num(struct ss_buf *b, double v, int prec)
{
    char tmp[64];
    int n;

    if (!isfinite(v)) {
        ss_buf_puts(b, "0");
        return;
    }
    if (fabs(v) < 9.007199254740992e15 && v == floor(v)) {
        n = snprintf(tmp, sizeof tmp, "%.0f", v);
    } else if (fabs(v) >= 9.007199254740992e15) {
        /* Whole, but "%.0f" would spell out up to 309 digits (past tmp) that
         * JSON readers refuse as too big an integer: the shortest exponent
         * form that reads back as v (found by fuzzing plan JSON). */
        for (int p = 15; p <= 17; p++) {
            n = snprintf(tmp, sizeof tmp, "%.*g", p, v);
            if (strtod(tmp, NULL) == v)
                break;
        }
    } else {
        n = snprintf(tmp, sizeof tmp, "%.*f", prec, v);
        if (strchr(tmp, '.')) {
            while (n > 0 && tmp[n - 1] == '0')
                tmp[--n] = '\0';
            if (n > 0 && tmp[n - 1] == '.')
                tmp[--n] = '\0';
        }
        if (strcmp(tmp, "-0") == 0)
            n = snprintf(tmp, sizeof tmp, "0");
    }
    ss_buf_put(b, tmp, (size_t)n);
}

char *ss_buf_detach(struct ss_buf *b, size_t *len)
{
    char *p = b->data ? b->data : ss_xstrdup("");
    if (len)
        *len = b->len;
    ss_buf_init(b, b->max);
    return p;
}
