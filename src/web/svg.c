/*
 * svg.c - line and bar charts as SVG (see svg.h).
 *
 * Geometry: x in % of the chart's width, y in em of its text size, so
 * nothing is scaled after layout and text keeps the page's size. Numbers
 * are rounded to 0.01 so the markup stays small.
 *
 * Right to left (rtl = 1, Uyghur pages): time runs from the right and bars
 * grow from the right, as the text reads; every x is mirrored (X()), the
 * labels sit at the right edge, and the chart says direction="rtl" so
 * that text-anchor "start" is a label's right end.
 */
#include "web/svg.h"

#include <math.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "web/render.h"

/* series: the plot runs from PLOT_T to PLOT_B em; x from X0 to X0 + XW % */
#define PLOT_T 1.5
#define PLOT_B 12.5
#define SERIES_H 14.6
#define X0 2.0
#define XW 96.0
/* bars: one row is a label line and a bar under it */
#define ROW 2.7
#define BAR_Y 1.45
#define BAR_H 0.9

static void n2(struct ss_buf *b, double v)
{
    ss_buf_num(b, round(v * 100) / 100, 2);
}

/* x (in % of the width) as drawn: mirrored right to left. */
static double X(int rtl, double x)
{
    return rtl ? 100 - x : x;
}

static void esc(struct ss_buf *b, const char *s)
{
    ss_esc_html(b, s, strlen(s));
}

static void head(struct ss_buf *b, const char *cls, const char *id, const char *title,
                 const char *desc, double height_em, int rtl)
{
    ss_buf_printf(b, "<svg class=\"chart %s\" role=\"img\"%s width=\"100%%\" height=\"", cls,
                  rtl ? " direction=\"rtl\"" : "");
    n2(b, height_em);
    ss_buf_printf(b, "em\" aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">", id, id, id);
    esc(b, title);
    ss_buf_printf(b, "</title><desc id=\"%s-d\">", id);
    esc(b, desc);
    ss_buf_puts(b, "</desc>");
}

/* A round number >= v for the top of the axis. */
static double nice_max(double v)
{
    double p, f;

    if (!(v > 0))
        return 1;
    p = pow(10, floor(log10(v)));
    f = v / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

/* The top of a series' axis: the plan (or the due line's end), stretched for
 * actual values past it up to twice that; beyond, values are clipped. */
static double series_top(size_t n, const double *actual, const double *expected, double planned)
{
    double base = isnan(planned) ? 0 : planned, amax = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isnan(expected[i]))
            base = fmax(base, expected[i]);
        if (!isnan(actual[i]))
            amax = fmax(amax, actual[i]);
    }
    if (!(base > 0))
        return nice_max(amax);
    return nice_max(fmin(fmax(base, amax), 2 * base));
}

void ss_svg_series(struct ss_buf *b, const char *id, const char *title, const char *desc, size_t n,
                   const int32_t *days, const double *actual, const double *expected,
                   double planned, int32_t start, int32_t end, const char *legend_actual,
                   const char *legend_expected, int rtl)
{
    double top = series_top(n, actual, expected, planned);
    double span = end > start ? (double)(end - start) : 1;
    size_t i;
    int k, pen;

    head(b, "line", id, title, desc, SERIES_H, rtl);
    /* grid, each value written just above its line at the start (left, or
     * right to left the right) */
    for (k = 0; k <= 4; k++) {
        double y = PLOT_B - (PLOT_B - PLOT_T) * k / 4.0;
        ss_buf_puts(b, "<line class=\"grid\" x1=\"0\" x2=\"100%\" y1=\"");
        n2(b, y);
        ss_buf_puts(b, "em\" y2=\"");
        n2(b, y);
        ss_buf_puts(b, rtl ? "em\"/><text class=\"ax\" x=\"100%\" y=\""
                           : "em\"/><text class=\"ax\" x=\"0\" y=\"");
        n2(b, y - 0.3);
        ss_buf_puts(b, "em\">");
        ss_num(b, top * k / 4.0);
        ss_buf_puts(b, "</text>");
    }
    /* x labels: month ends of the period's year */
    {
        int y0, m0, d0;
        ss_civil_from_days(start, &y0, &m0, &d0);
        for (k = 1; k <= 12; k++) {
            int32_t day = ss_days_from_civil(y0, k, ss_days_in_month(y0, k));
            if (day < start || day > end)
                continue;
            ss_buf_puts(b, "<text class=\"ax\" text-anchor=\"middle\" x=\"");
            n2(b, X(rtl, X0 + XW * (double)(day - start) / span));
            ss_buf_puts(b, "%\" y=\"");
            n2(b, PLOT_B + 1.5);
            ss_buf_printf(b, "em\">%d</text>", k);
        }
    }
    /* the two lines, in a stretched 1000 x 1000 box over the plot */
    ss_buf_puts(b, "<svg x=\"0\" width=\"100%\" y=\"");
    n2(b, PLOT_T);
    ss_buf_puts(b, "em\" height=\"");
    n2(b, PLOT_B - PLOT_T);
    ss_buf_puts(b, "em\" viewBox=\"0 0 1000 1000\" preserveAspectRatio=\"none\" "
                   "overflow=\"visible\" aria-hidden=\"true\">");
    for (pen = 0; pen < 2; pen++) {
        const double *v = pen ? actual : expected;
        int open = 0;
        for (i = 0; i < n; i++) {
            if (isnan(v[i]))
                continue;
            if (!open) {
                ss_buf_printf(b, "<polyline class=\"%s\" points=\"", pen ? "l-actual" : "l-exp");
                open = 1;
            } else {
                ss_buf_putc(b, ' ');
            }
            n2(b, 10 * X(rtl, X0 + XW * (double)(days[i] - start) / span));
            ss_buf_putc(b, ',');
            n2(b, 1000 * (1 - fmin(v[i], top) / top));
        }
        if (open)
            ss_buf_puts(b, "\"/>");
    }
    ss_buf_puts(b, "</svg>");
    /* points: past the top of the axis, a larger hollow mark at the top */
    for (i = 0; i < n; i++) {
        int over;
        if (isnan(actual[i]))
            continue;
        over = actual[i] > top;
        ss_buf_printf(b, "<circle class=\"%s\" r=\"%s\" cx=\"", over ? "p-actual over" : "p-actual",
                      over ? "6" : "4");
        n2(b, X(rtl, X0 + XW * (double)(days[i] - start) / span));
        ss_buf_puts(b, "%\" cy=\"");
        n2(b, PLOT_B - (PLOT_B - PLOT_T) * fmin(actual[i], top) / top);
        ss_buf_puts(b, "em\"/>");
    }
    ss_buf_puts(b, "</svg><p class=\"legend\"><span class=\"key k-actual\"></span>");
    esc(b, legend_actual);
    ss_buf_puts(b, " <span class=\"key k-exp\"></span>");
    esc(b, legend_expected);
    ss_buf_puts(b, "</p>");
}

void ss_svg_bars(struct ss_buf *b, const char *id, const char *title, const char *desc, size_t n,
                 const char *const *labels, const double *progress, const double *expected,
                 const int *colour, int rtl)
{
    static const char *const cls[] = {"c-green", "c-yellow", "c-red", "c-grey"};
    size_t i;

    head(b, "bars", id, title, desc, ROW * (double)n + 0.4, rtl);
    for (i = 0; i < n; i++) {
        double y = 0.2 + ROW * (double)i;
        double p = isnan(progress[i]) ? 0 : fmax(0, fmin(100, progress[i]));
        int c = colour[i] >= 0 && colour[i] < 4 ? colour[i] : 3;

        /* the label at the start, the number at the end (text-anchor
         * follows the chart's direction) */
        ss_buf_printf(b, "<g><text class=\"ax\" x=\"%s\" y=\"", rtl ? "100%" : "0");
        n2(b, y + 1.1);
        ss_buf_puts(b, "em\">");
        esc(b, labels[i]);
        ss_buf_printf(b, "</text><text class=\"ax\" text-anchor=\"end\" x=\"%s\" y=\"",
                      rtl ? "0" : "100%");
        n2(b, y + 1.1);
        ss_buf_puts(b, "em\">");
        ss_pct(b, progress[i]);
        ss_buf_puts(b, "</text><rect class=\"pb-bg\" x=\"0\" width=\"100%\" y=\"");
        n2(b, y + BAR_Y);
        ss_buf_puts(b, "em\" height=\"");
        n2(b, BAR_H);
        ss_buf_printf(b, "em\"/><rect class=\"bar %s\" x=\"", cls[c]);
        n2(b, rtl ? 100 - p : 0);
        ss_buf_puts(b, "%\" width=\"");
        n2(b, p);
        ss_buf_puts(b, "%\" y=\"");
        n2(b, y + BAR_Y);
        ss_buf_puts(b, "em\" height=\"");
        n2(b, BAR_H);
        ss_buf_puts(b, "em\"/>");
        if (!isnan(progress[i]) && progress[i] > 100) {
            /* past the plan: a dark cap, taller than the bar, at its end */
            ss_buf_puts(b, rtl ? "<rect class=\"over\" x=\"0\" width=\"6\" y=\""
                               : "<rect class=\"over\" x=\"100%\" width=\"6\" "
                                 "transform=\"translate(-6 0)\" y=\"");
            n2(b, y + BAR_Y - 0.2);
            ss_buf_puts(b, "em\" height=\"");
            n2(b, BAR_H + 0.4);
            ss_buf_puts(b, "em\"/>");
        }
        if (!isnan(expected[i])) {
            ss_buf_puts(b,
                        "<rect class=\"pb-time\" width=\"2\" transform=\"translate(-1 0)\" x=\"");
            n2(b, X(rtl, fmax(0.3, fmin(99.7, expected[i]))));
            ss_buf_puts(b, "%\" y=\"");
            n2(b, y + BAR_Y - 0.15);
            ss_buf_puts(b, "em\" height=\"");
            n2(b, BAR_H + 0.3);
            ss_buf_puts(b, "em\"/>");
        }
        ss_buf_puts(b, "</g>");
    }
    ss_buf_puts(b, "</svg>");
}
