/*
 * err.c - user-facing error values: a message id and its arguments (err.h).
 *
 * e->data is the message as data, "\x1d" id ("\x1e" arg)* "\x1c", where
 * an argument is plain text (its control characters U+001C..U+001F written
 * as '?'), "\x1f" and a message id (SS_M), or a whole nested message (the
 * data of another error, ss_err_nest). Arguments are formatted one by one
 * with their own conversion ("%.60s", "%g", "%lld") when the error is
 * set, so a translation only places them.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

#define MSG_START '\x1d'
#define ARG_SEP '\x1e'
#define MSG_END '\x1c'
#define ID_MARK '\x1f'
#define MAX_DEPTH 4

void ss_err_clear(struct ss_err *e)
{
    if (!e)
        return;
    e->code = 0;
    e->field[0] = '\0';
    e->msg[0] = '\0';
    e->id = NULL;
    e->data[0] = '\0';
}

int ss_fmt_spec_parse(const char *fmt, struct ss_fmt_spec *out)
{
    const char *p = fmt + 1;
    size_t n;

    memset(out, 0, sizeof *out);
    if (*p == '%') {
        out->len = 2;
        out->conv = '%';
        return 1;
    }
    /* argument position "%2$" */
    if (*p >= '1' && *p <= '9') {
        const char *q = p;
        int pos = 0;
        while (*q >= '0' && *q <= '9' && pos < 100)
            pos = pos * 10 + (*q++ - '0');
        if (*q == '$') {
            out->pos = pos;
            p = q + 1;
        }
    }
    while (*p && strchr("-+ #0'", *p))
        p++;
    if (*p == '*')
        out->star++, p++;
    else
        while (*p >= '0' && *p <= '9')
            p++;
    if (*p == '.') {
        p++;
        if (*p == '*')
            out->star++, p++;
        else
            while (*p >= '0' && *p <= '9')
                p++;
    }
    n = 0;
    while (n < 2 && *p && strchr("hlzjtL", *p)) {
        out->length[n++] = *p++;
        if (n == 1 && *p != out->length[0])
            break;
    }
    if (!*p || !strchr("diouxXcseEfFgGaAp", *p))
        return 0;
    out->conv = *p;
    out->len = (size_t)(p + 1 - fmt);
    return 1;
}

/* Back off a cut-off UTF-8 sequence at the end of s[0..len). */
static size_t utf8_whole(const char *s, size_t len)
{
    size_t i = len, back = 0;

    while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--, back++;
    if (i > 0 && ((unsigned char)s[i - 1] & 0x80)) {
        unsigned char lead = (unsigned char)s[i - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (back + 1 < need)
            return i - 1;
    }
    return len;
}

/* Formatting one argument with the conversion the code wrote: the format
 * is built here from a literal one, which the compiler checked. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#define ONE(type)                                                                                  \
    do {                                                                                           \
        type v_ = va_arg(*ap, type);                                                               \
        if (s->star == 0)                                                                          \
            snprintf(out, cap, spec, v_);                                                          \
        else if (s->star == 1)                                                                     \
            snprintf(out, cap, spec, w[0], v_);                                                    \
        else                                                                                       \
            snprintf(out, cap, spec, w[0], w[1], v_);                                              \
    } while (0)

/* Format the next argument of *ap for conversion s (text fmt[0..s->len))
 * into out. Strings are returned through *str instead, unformatted, when
 * they carry a mark (a message id or a nested message). */
static void format_one(const char *fmt, const struct ss_fmt_spec *s, va_list *ap, char *out,
                       size_t cap, const char **str)
{
    char spec[32];
    int w[2] = {0, 0}, k;
    const char *l = s->length;
    size_t n = s->len;

    *str = NULL;
    out[0] = '\0';
    for (k = 0; k < s->star && k < 2; k++)
        w[k] = va_arg(*ap, int);
    /* the conversion without its "n$" */
    if (s->pos) {
        const char *d = strchr(fmt, '$');
        spec[0] = '%';
        n = s->len - (size_t)(d + 1 - fmt);
        if (n + 2 > sizeof spec)
            n = sizeof spec - 2;
        memcpy(spec + 1, d + 1, n);
        spec[n + 1] = '\0';
    } else {
        if (n + 1 > sizeof spec)
            n = sizeof spec - 1;
        memcpy(spec, fmt, n);
        spec[n] = '\0';
    }
    switch (s->conv) {
    case 'd':
    case 'i':
        if (!strcmp(l, "ll"))
            ONE(long long);
        else if (!strcmp(l, "l"))
            ONE(long);
        else if (!strcmp(l, "z") || !strcmp(l, "t"))
            ONE(ptrdiff_t);
        else if (!strcmp(l, "j"))
            ONE(intmax_t);
        else
            ONE(int);
        break;
    case 'o':
    case 'u':
    case 'x':
    case 'X':
        if (!strcmp(l, "ll"))
            ONE(unsigned long long);
        else if (!strcmp(l, "l"))
            ONE(unsigned long);
        else if (!strcmp(l, "z") || !strcmp(l, "t"))
            ONE(size_t);
        else if (!strcmp(l, "j"))
            ONE(uintmax_t);
        else
            ONE(unsigned);
        break;
    case 'c':
        ONE(int);
        break;
    case 'p':
        ONE(void *);
        break;
    case 's': {
        const char *v = va_arg(*ap, const char *);
        if (!v)
            v = "(null)";
        if (*v == MSG_START || *v == ID_MARK) {
            *str = v;
            return;
        }
        if (s->star == 0)
            snprintf(out, cap, spec, v);
        else if (s->star == 1)
            snprintf(out, cap, spec, w[0], v);
        else
            snprintf(out, cap, spec, w[0], w[1], v);
        if (strchr(spec, '.')) /* a precision may have cut a character */
            out[utf8_whole(out, strlen(out))] = '\0';
        break;
    }
    default:
        if (!strcmp(l, "L"))
            ONE(long double);
        else
            ONE(double);
        break;
    }
}
#undef ONE
#pragma GCC diagnostic pop

/* Append s[0..n) to d (cap bytes, used *len); 0 if it did not fit. */
static int put(char *d, size_t cap, size_t *len, const char *s, size_t n)
{
    if (*len + n + 1 > cap)
        return 0;
    memcpy(d + *len, s, n);
    *len += n;
    d[*len] = '\0';
    return 1;
}

/* The extent of one nested message at s (which starts with MSG_START):
 * its length up to and including its MSG_END, or 0 when malformed. */
static size_t nested_len(const char *s)
{
    size_t i = 1;
    int depth = 1;

    for (; s[i]; i++) {
        if (s[i] == MSG_START)
            depth++;
        else if (s[i] == MSG_END && --depth == 0)
            return i + 1;
    }
    return 0;
}

struct out {
    char *d;
    size_t cap, len;
};

static void out_put(struct out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap)
        n = o->cap > o->len + 1 ? utf8_whole(s, o->cap - o->len - 1) : 0;
    memcpy(o->d + o->len, s, n);
    o->len += n;
    o->d[o->len] = '\0';
}

static void render(const char *m, size_t mlen, ss_err_tr_fn tr, void *ctx, struct out *o,
                   int depth);

/* A format whose arguments come in order ("%2$s" in a message id would
 * need them read out of order) and that holds none of the data's marks. */
static int plain_id(const char *fmt)
{
    const char *p;

    for (p = fmt; *p; p++) {
        struct ss_fmt_spec s;
        if (*p >= MSG_END && *p <= ID_MARK)
            return 0;
        if (*p == '%' && ss_fmt_spec_parse(p, &s)) {
            if (s.pos)
                return 0;
            p += s.len - 1;
        }
    }
    return 1;
}

int ss_err_set(struct ss_err *e, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    const char *p;
    size_t len = 0;
    int nargs = 0;

    if (!e)
        return code;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    e->id = fmt;
    e->data[0] = MSG_START;
    e->data[1] = '\0';
    len = 1;
    if (!plain_id(fmt) || !put(e->data, sizeof e->data - 64, &len, fmt, strlen(fmt))) {
        /* not a message id this code can keep as data: the English only */
        e->data[0] = '\0';
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        return code;
    }
    va_start(ap, fmt);
    for (p = fmt; *p; p++) {
        struct ss_fmt_spec s;
        char one[512];
        const char *str;
        size_t n;

        if (*p != '%' || !ss_fmt_spec_parse(p, &s))
            continue;
        p += s.len - 1;
        if (s.conv == '%')
            continue;
        if (++nargs > SS_ERR_MAX_ARGS)
            break;
        format_one(p - (s.len - 1), &s, &ap, one, sizeof one, &str);
        put(e->data, sizeof e->data, &len, (const char[]){ARG_SEP}, 1);
        if (str && *str == MSG_START && (n = nested_len(str)) &&
            put(e->data, sizeof e->data, &len, str, n))
            continue;
        if (str && *str == ID_MARK && put(e->data, sizeof e->data, &len, str, strlen(str)))
            continue;
        if (str) { /* a mark that did not fit: its text, in English */
            struct out o = {one, sizeof one, 0};
            one[0] = '\0';
            if (*str == ID_MARK)
                out_put(&o, str + 1, strlen(str + 1));
            else if ((n = nested_len(str)))
                render(str, n, NULL, NULL, &o, 1);
        }
        for (n = 0; one[n]; n++)
            if (one[n] >= MSG_END && one[n] <= ID_MARK)
                one[n] = '?';
        n = strlen(one);
        if (len + n + 2 > sizeof e->data) /* keep room for the end */
            n = utf8_whole(one, sizeof e->data > len + 2 ? sizeof e->data - len - 2 : 0);
        put(e->data, sizeof e->data, &len, one, n);
    }
    va_end(ap);
    if (len + 2 > sizeof e->data)
        len = sizeof e->data - 2;
    e->data[len++] = MSG_END;
    e->data[len] = '\0';
    ss_err_render(e, NULL, NULL, e->msg, sizeof e->msg);
    return code;
}

int ss_err_id(struct ss_err *e, int code, const char *field, const char *msgid)
{
    size_t len = 1;

    if (!e)
        return code;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    e->id = msgid;
    e->data[0] = MSG_START;
    e->data[1] = '\0';
    put(e->data, sizeof e->data - 1, &len, msgid, strlen(msgid));
    e->data[len++] = MSG_END;
    e->data[len] = '\0';
    ss_err_render(e, NULL, NULL, e->msg, sizeof e->msg);
    return code;
}

const char *ss_err_nest(const struct ss_err *e)
{
    return e->data[0] == MSG_START ? e->data : e->msg;
}

/* ---- writing a message in a language ---------------------------------------- */

/* One argument, m[0..n): plain text, a marked id, or a nested message. */
static void render_arg(const char *m, size_t n, ss_err_tr_fn tr, void *ctx, struct out *o,
                       int depth)
{
    if (n && *m == ID_MARK) {
        char id[512];
        const char *t;
        size_t k = n - 1 < sizeof id - 1 ? n - 1 : sizeof id - 1;
        memcpy(id, m + 1, k);
        id[k] = '\0';
        t = tr ? tr(ctx, id) : id;
        out_put(o, t, strlen(t));
    } else if (n && *m == MSG_START) {
        if (depth < MAX_DEPTH)
            render(m, n, tr, ctx, o, depth + 1);
    } else {
        out_put(o, m, n);
    }
}

/* The message m[0..mlen) ("\x1d" id args "\x1c"), its id through tr. */
static void render(const char *m, size_t mlen, ss_err_tr_fn tr, void *ctx, struct out *o, int depth)
{
    const char *arg[SS_ERR_MAX_ARGS];
    size_t alen[SS_ERR_MAX_ARGS], i = 1, nargs = 0, idlen;
    char id[512];
    const char *f;
    int seq = 0;

    /* the id */
    while (i < mlen && m[i] != ARG_SEP && m[i] != MSG_END)
        i++;
    idlen = i - 1 < sizeof id - 1 ? i - 1 : sizeof id - 1;
    memcpy(id, m + 1, idlen);
    id[idlen] = '\0';
    /* the arguments: plain text runs to the next separator; a nested
     * message to its own end */
    while (i < mlen && m[i] == ARG_SEP && nargs < SS_ERR_MAX_ARGS) {
        size_t start = ++i;
        if (i < mlen && m[i] == MSG_START) {
            size_t n = nested_len(m + i);
            i += n ? n : mlen - i;
        } else {
            while (i < mlen && m[i] != ARG_SEP && m[i] != MSG_END)
                i++;
        }
        arg[nargs] = m + start;
        alen[nargs++] = i - start;
    }
    f = tr ? tr(ctx, id) : id;
    while (*f) {
        struct ss_fmt_spec s;
        const char *pct = strchr(f, '%');
        int k;

        if (!pct) {
            out_put(o, f, strlen(f));
            break;
        }
        out_put(o, f, (size_t)(pct - f));
        if (!ss_fmt_spec_parse(pct, &s)) {
            out_put(o, "%", 1);
            f = pct + 1;
            continue;
        }
        f = pct + s.len;
        if (s.conv == '%') {
            out_put(o, "%", 1);
            continue;
        }
        k = s.pos ? s.pos : ++seq;
        if (k >= 1 && (size_t)k <= nargs)
            render_arg(arg[k - 1], alen[k - 1], tr, ctx, o, depth);
    }
}

char *ss_err_render(const struct ss_err *e, ss_err_tr_fn tr, void *ctx, char *out, size_t cap)
{
    struct out o = {out, cap, 0};

    if (!cap || (e->data[0] != MSG_START && e->msg == out))
        return out;
    out[0] = '\0';
    if (e->data[0] == MSG_START)
        render(e->data, strlen(e->data), tr, ctx, &o, 0);
    else
        out_put(&o, e->msg, strlen(e->msg));
    return out;
}

const char *ss_err_code_name(int code)
{
    switch (code) {
    case SS_OK:
        return "ok";
    case SS_EINVAL:
        return "invalid";
    case SS_ENOTFOUND:
        return "not_found";
    case SS_ECONFLICT:
        return "conflict";
    case SS_EIO:
        return "io";
    case SS_EDB:
        return "store";
    case SS_EFORBIDDEN:
        return "forbidden";
    case SS_EUNAUTH:
        return "unauthorized";
    case SS_ETHROTTLED:
        return "throttled";
    case SS_EBUSY:
        return "busy";
    default:
        return "error";
    }
}
