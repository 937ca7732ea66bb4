/*
 * term.h - terminal output helpers: display width of UTF-8 text (CJK
 * characters take two columns), padding and truncating to a width, and
 * colour only when stdout is a terminal and NO_COLOR is unset.
 */
#ifndef SS_TERM_H
#define SS_TERM_H

#include <stddef.h>

#include "base/buf.h"

int term_use_colour(void);
/* Columns the UTF-8 string occupies. */
size_t term_width(const char *s);
/* Append s cut to at most `cols` columns (with "…" when cut), padded with
 * spaces to exactly `cols` (left-aligned, or right-aligned if right). */
void term_cell(struct ss_buf *b, const char *s, size_t cols, int right);

#endif
