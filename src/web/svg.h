/*
 * svg.h - charts as inline SVG, written in C into the page buffer.
 *
 * Each chart is role="img" with a <title> and a <desc> (aria-labelledby
 * both); the page puts the same numbers in a table beside it, so the chart
 * is never the only way to read them. Colours come from CSS classes (CSP:
 * no inline style); text is escaped.
 */
#ifndef SS_WEB_SVG_H
#define SS_WEB_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Progress over time: `actual` as a line with points, `expected` (the due
 * line) dashed; x is days[i] within [start, end]; NAN values are skipped.
 * id must be unique on the page (used for title/desc ids). */
void ss_svg_series(struct ss_buf *b, const char *id, const char *title, const char *desc,
                   size_t n, const int32_t *days, const double *actual, const double *expected,
                   int32_t start, int32_t end, const char *legend_actual,
                   const char *legend_expected);

/* Horizontal bars: progress[i] in % per label, a tick at expected[i]. */
void ss_svg_bars(struct ss_buf *b, const char *id, const char *title, const char *desc,
                 size_t n, const char *const *labels, const double *progress,
                 const double *expected, const int *colour);

#endif
