/*
 * buf.h - the one string builder: capped, growable, with a sticky error.
 *
 * Every piece of JSON, HTML, CSV and SVG that shishi writes goes through a
 * struct ss_buf. Appends past the cap set the sticky error and are dropped;
 * the caller checks b->err once at the end instead of after every append
 * (the sqlite3_str idea). The data is always NUL-terminated.
 *
 * Ownership: the buffer owns data; ss_buf_cleanup frees it, ss_buf_detach
 * hands it to the caller.
 */
#ifndef SS_BUF_H
#define SS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct ss_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len */
    int err;    /* sticky: SS_EINVAL once the cap was hit */
};

void ss_buf_init(struct ss_buf *b, size_t max);
void ss_buf_cleanup(struct ss_buf *b);
void ss_buf_reset(struct ss_buf *b);
void ss_buf_put(struct ss_buf *b, const char *s, size_t n);
void ss_buf_puts(struct ss_buf *b, const char *s);
void ss_buf_putc(struct ss_buf *b, char c);
void ss_buf_printf(struct ss_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ss_buf_vprintf(struct ss_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Append a number the way people read it: integers without ".0", others
 * with up to `prec` decimals and no trailing zeros. */
void ss_buf_num(struct ss_buf *b, double v, int prec);
/* Returns the data (caller frees) and leaves b empty. */
char *ss_buf_detach(struct ss_buf *b, size_t *len);

#endif
