/*
 * json.c - streaming JSON writer.
 *
 * Invariant: after ss_json_key the next call writes the value, and no comma
 * goes between them (`after_key`). Depth beyond SS_JSON_MAX_DEPTH sets the
 * buffer's sticky error rather than writing malformed output.
 */
#include "base/json.h"

#include <math.h>
#include <string.h>

#include "base/escape.h"
#include "base/util.h"

/* first[] byte values: bit 0 = no item yet at this level, bit 1 = after key */
#define FIRST 1u
#define AFTER_KEY 2u

void ss_json_init(struct ss_json *j, struct ss_buf *b, int pretty)
{
    j->b = b;
    j->depth = 0;
    j->pretty = pretty;
    memset(j->first, 0, sizeof j->first);
    j->first[0] = FIRST;
}

static void newline(struct ss_json *j)
{
    int i;

    if (!j->pretty)
        return;
    ss_buf_putc(j->b, '\n');
    for (i = 0; i < j->depth; i++)
        ss_buf_put(j->b, "  ", 2);
}

/* Called before any value or key. */
static void sep(struct ss_json *j)
{
    unsigned char *f = &j->first[j->depth];

    if (*f & AFTER_KEY) {
        *f &= (unsigned char)~AFTER_KEY;
        return;
    }
    if (!(*f & FIRST))
        ss_buf_putc(j->b, ',');
    *f &= (unsigned char)~FIRST;
    if (j->depth > 0)
        newline(j);
}

static void open(struct ss_json *j, char c)
{
    sep(j);
    ss_buf_putc(j->b, c);
    if (j->depth + 1 >= SS_JSON_MAX_DEPTH) {
        j->b->err = SS_EINVAL;
        return;
    }
    j->depth++;
    j->first[j->depth] = FIRST;
}

static void close_(struct ss_json *j, char c)
{
    int empty = j->first[j->depth] & FIRST;

    if (j->depth > 0)
        j->depth--;
    if (!empty)
        newline(j);
    ss_buf_putc(j->b, c);
}

void ss_json_obj(struct ss_json *j)
{
    open(j, '{');
}
void ss_json_obj_end(struct ss_json *j)
{
    close_(j, '}');
}
void ss_json_arr(struct ss_json *j)
{
    open(j, '[');
}
void ss_json_arr_end(struct ss_json *j)
{
    close_(j, ']');
}

void ss_json_key(struct ss_json *j, const char *k)
{
    sep(j);
    ss_buf_putc(j->b, '"');
    ss_esc_json(j->b, k, strlen(k));
    ss_buf_puts(j->b, j->pretty ? "\": " : "\":");
    j->first[j->depth] |= AFTER_KEY;
}

void ss_json_strn(struct ss_json *j, const char *s, size_t n)
{
    sep(j);
    ss_buf_putc(j->b, '"');
    ss_esc_json(j->b, s, n);
    ss_buf_putc(j->b, '"');
}

void ss_json_str(struct ss_json *j, const char *s)
{
    if (!s) {
        ss_json_null(j);
        return;
    }
    ss_json_strn(j, s, strlen(s));
}

void ss_json_num(struct ss_json *j, double v)
{
    if (!isfinite(v)) {
        ss_json_null(j);
        return;
    }
    sep(j);
    ss_buf_num(j->b, v, 6);
}

void ss_json_int(struct ss_json *j, long long v)
{
    sep(j);
    ss_buf_printf(j->b, "%lld", v);
}

void ss_json_bool(struct ss_json *j, int v)
{
    sep(j);
    ss_buf_puts(j->b, v ? "true" : "false");
}

void ss_json_null(struct ss_json *j)
{
    sep(j);
    ss_buf_puts(j->b, "null");
}

void ss_json_raw(struct ss_json *j, const char *s, size_t n)
{
    sep(j);
    ss_buf_put(j->b, s, n);
}

void ss_json_kstr(struct ss_json *j, const char *k, const char *s)
{
    ss_json_key(j, k);
    ss_json_str(j, s);
}

void ss_json_knum(struct ss_json *j, const char *k, double v)
{
    ss_json_key(j, k);
    ss_json_num(j, v);
}

void ss_json_kint(struct ss_json *j, const char *k, long long v)
{
    ss_json_key(j, k);
    ss_json_int(j, v);
}

void ss_json_kbool(struct ss_json *j, const char *k, int v)
{
    ss_json_key(j, k);
    ss_json_bool(j, v);
}

void ss_json_knull(struct ss_json *j, const char *k)
{
    ss_json_key(j, k);
    ss_json_null(j);
}
