/*
 * term.c - display widths and padded cells for terminal tables.
 */
#include "cli/term.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

int term_use_colour(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(1) && !(nc && *nc);
}

/* Width of the code point at s; *len receives its byte length. */
static int cp_width(const char *s, size_t n, size_t *len)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);

    if (k <= 0) {
        *len = 1;
        return 1;
    }
    *len = (size_t)k;
    return utf8proc_charwidth(cp);
}

size_t term_width(const char *s)
{
    size_t n = strlen(s), i = 0, w = 0, len;

    while (i < n) {
        w += (size_t)cp_width(s + i, n - i, &len);
        i += len;
    }
    return w;
}

void term_cell(struct ss_buf *b, const char *s, size_t cols, int right)
{
    size_t n = strlen(s), i = 0, w = 0, len, total = term_width(s), used;
    int cw;

    if (total <= cols) {
        if (right)
            for (used = total; used < cols; used++)
                ss_buf_putc(b, ' ');
        ss_buf_puts(b, s);
        if (!right)
            for (used = total; used < cols; used++)
                ss_buf_putc(b, ' ');
        return;
    }
    while (i < n) {
        cw = cp_width(s + i, n - i, &len);
        if (w + (size_t)cw + 1 > cols)
            break;
        ss_buf_put(b, s + i, len);
        w += (size_t)cw;
        i += len;
    }
    ss_buf_puts(b, "…");
    for (w += 1; w < cols; w++)
        ss_buf_putc(b, ' ');
}
