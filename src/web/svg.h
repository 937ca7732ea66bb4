/*
 * svg.h - charts as inline SVG, written in C into the page buffer.
 *
 * Each chart is role="img" with a <title> and a <desc> (aria-labelledby
 * both); the page puts the same numbers in a table beside it, so the chart
 * is never the only way to read them. Colours come from CSS classes (CSP:
 * no inline style); text is escaped.
 *
 * Charts are not scaled as pictures: there is no viewBox on the chart, so
 * its text is the page's text size (at least 12 px, larger in large-text
 * mode), widths are percentages of the page and heights are in em, so the
 * chart grows with the text. Only the lines of a series sit in an inner,
 * stretched viewBox, drawn with strokes that do not stretch.
 *
 * Direction: rtl = 1 (a right-to-left page) mirrors a chart: time runs
 * from the right, bars grow from the right, labels start at the right.
 *
 * Scale: a chart's full length is the plan (100% of a share, the planned
 * value), never the largest figure, so one outlier cannot make every other
 * bar look empty. What goes past the plan is drawn to the edge with a mark,
 * and its number is written out.
 */
#ifndef SS_WEB_SVG_H
#define SS_WEB_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Progress over time: `actual` as a line with points, `expected` (the due
 * line) dashed; x is days[i] within [start, end]; NAN values are skipped.
 * The axis runs to the planned value (NAN when there is none: the largest
 * figure); actual values past it extend the axis up to twice the plan, and
 * beyond that are drawn at the top with a mark. A legend in HTML follows
 * the chart. id must be unique on the page (used for title/desc ids). */
void ss_svg_series(struct ss_buf *b, const char *id, const char *title, const char *desc, size_t n,
                   const int32_t *days, const double *actual, const double *expected,
                   double planned, int32_t start, int32_t end, const char *legend_actual,
                   const char *legend_expected, int rtl);

/* Horizontal bars, one per label, each on its own line under its label:
 * progress[i] in % of that row's plan, drawn up to 100% (past it: a full
 * bar with a dark end mark, class "over"), a tick at expected[i];
 * colour[i] 0 green, 1 yellow, 2 red, 3 grey. */
void ss_svg_bars(struct ss_buf *b, const char *id, const char *title, const char *desc, size_t n,
                 const char *const *labels, const double *progress, const double *expected,
                 const int *colour, int rtl);

#endif
