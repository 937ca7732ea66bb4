/*
 * svg.c - line and bar charts as SVG (see svg.h).
 *
 * Geometry is in a fixed viewBox and scales with the page width; numbers
 * are rounded to 0.1 so the markup stays small.
 */
#include "web/svg.h"

#include <math.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"

#define W 640.0
#define H 280.0
#define PAD_L 56.0
#define PAD_R 16.0
#define PAD_T 16.0
#define PAD_B 40.0

static void n1(struct ss_buf *b, double v) { ss_buf_num(b, round(v * 10) / 10, 1); }

static void esc(struct ss_buf *b, const char *s) { ss_esc_html(b, s, strlen(s)); }

static void head(struct ss_buf *b, const char *id, const char *title, const char *desc,
                 double w, double hgt)
{
    ss_buf_printf(b, "<svg class=\"chart %s\" role=\"img\" viewBox=\"0 0 ", w < W ? "bars" : "line");
    n1(b, w);
    ss_buf_putc(b, ' ');
    n1(b, hgt);
    ss_buf_printf(b, "\" aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">", id, id, id);
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

void ss_svg_series(struct ss_buf *b, const char *id, const char *title, const char *desc,
                   size_t n, const int32_t *days, const double *actual, const double *expected,
                   int32_t start, int32_t end, const char *legend_actual,
                   const char *legend_expected)
{
    double top = 0, span = end > start ? (double)(end - start) : 1;
    size_t i;
    int k, pen;

    for (i = 0; i < n; i++) {
        if (!isnan(actual[i]))
            top = fmax(top, actual[i]);
        if (!isnan(expected[i]))
            top = fmax(top, expected[i]);
    }
    top = nice_max(top);
    head(b, id, title, desc, W, H);
    /* grid and y labels */
    for (k = 0; k <= 4; k++) {
        double y = PAD_T + (H - PAD_T - PAD_B) * (1 - k / 4.0);
        ss_buf_puts(b, "<line class=\"grid\" x1=\"");
        n1(b, PAD_L);
        ss_buf_puts(b, "\" x2=\"");
        n1(b, W - PAD_R);
        ss_buf_puts(b, "\" y1=\"");
        n1(b, y);
        ss_buf_puts(b, "\" y2=\"");
        n1(b, y);
        ss_buf_puts(b, "\"/><text class=\"ax\" text-anchor=\"end\" x=\"");
        n1(b, PAD_L - 6);
        ss_buf_puts(b, "\" y=\"");
        n1(b, y + 4);
        ss_buf_puts(b, "\">");
        ss_buf_num(b, top * k / 4.0, 2);
        ss_buf_puts(b, "</text>");
    }
    /* x labels: months 1..12 of the period's year */
    {
        int y0, m0, d0;
        ss_civil_from_days(start, &y0, &m0, &d0);
        for (k = 1; k <= 12; k++) {
            int32_t day = ss_days_from_civil(y0, k, ss_days_in_month(y0, k));
            double x;
            if (day < start || day > end)
                continue;
            x = PAD_L + (W - PAD_L - PAD_R) * (double)(day - start) / span;
            ss_buf_puts(b, "<text class=\"ax\" text-anchor=\"middle\" x=\"");
            n1(b, x);
            ss_buf_puts(b, "\" y=\"");
            n1(b, H - PAD_B + 18);
            ss_buf_printf(b, "\">%d</text>", k);
        }
    }
    /* the two lines */
    for (pen = 0; pen < 2; pen++) {
        const double *v = pen ? actual : expected;
        int open = 0;
        for (i = 0; i < n; i++) {
            double x, y;
            if (isnan(v[i]))
                continue;
            x = PAD_L + (W - PAD_L - PAD_R) * (double)(days[i] - start) / span;
            y = PAD_T + (H - PAD_T - PAD_B) * (1 - v[i] / top);
            if (!open) {
                ss_buf_printf(b, "<polyline class=\"%s\" points=\"", pen ? "l-actual" : "l-exp");
                open = 1;
            } else {
                ss_buf_putc(b, ' ');
            }
            n1(b, x);
            ss_buf_putc(b, ',');
            n1(b, y);
        }
        if (open)
            ss_buf_puts(b, "\"/>");
    }
    for (i = 0; i < n; i++) {
        if (isnan(actual[i]))
            continue;
        ss_buf_puts(b, "<circle class=\"p-actual\" r=\"3.5\" cx=\"");
        n1(b, PAD_L + (W - PAD_L - PAD_R) * (double)(days[i] - start) / span);
        ss_buf_puts(b, "\" cy=\"");
        n1(b, PAD_T + (H - PAD_T - PAD_B) * (1 - actual[i] / top));
        ss_buf_puts(b, "\"/>");
    }
    /* legend */
    ss_buf_puts(b, "<line class=\"l-actual\" x1=\"64\" x2=\"88\" y1=\"270\" y2=\"270\"/>"
                   "<text class=\"ax\" x=\"94\" y=\"274\">");
    esc(b, legend_actual);
    ss_buf_puts(b, "</text><line class=\"l-exp\" x1=\"300\" x2=\"324\" y1=\"270\" y2=\"270\"/>"
                   "<text class=\"ax\" x=\"330\" y=\"274\">");
    esc(b, legend_expected);
    ss_buf_puts(b, "</text></svg>");
}

void ss_svg_bars(struct ss_buf *b, const char *id, const char *title, const char *desc,
                 size_t n, const char *const *labels, const double *progress,
                 const double *expected, const int *colour)
{
    static const char *const cls[] = {"c-green", "c-yellow", "c-red", "c-grey"};
    const double bw = 440, row = 24, label_w = 150, bar_w = bw - label_w - 56;
    double top = 100, hgt = PAD_T + row * (double)n + 8;
    size_t i;

    for (i = 0; i < n; i++)
        if (!isnan(progress[i]))
            top = fmax(top, progress[i]);
    top = fmin(nice_max(top), 1000);
    head(b, id, title, desc, bw, hgt);
    for (i = 0; i < n; i++) {
        double y = PAD_T + row * (double)i;
        double p = isnan(progress[i]) ? 0 : fmax(0, fmin(top, progress[i]));
        int c = colour[i] >= 0 && colour[i] < 4 ? colour[i] : 3;

        ss_buf_puts(b, "<text class=\"ax\" text-anchor=\"end\" x=\"");
        n1(b, label_w - 8);
        ss_buf_puts(b, "\" y=\"");
        n1(b, y + 15);
        ss_buf_puts(b, "\">");
        esc(b, labels[i]);
        ss_buf_puts(b, "</text><rect class=\"pb-bg\" x=\"");
        n1(b, label_w);
        ss_buf_puts(b, "\" y=\"");
        n1(b, y + 4);
        ss_buf_puts(b, "\" height=\"16\" width=\"");
        n1(b, bar_w);
        ss_buf_printf(b, "\"/><rect class=\"%s\" x=\"", cls[c]);
        n1(b, label_w);
        ss_buf_puts(b, "\" y=\"");
        n1(b, y + 4);
        ss_buf_puts(b, "\" height=\"16\" width=\"");
        n1(b, bar_w * p / top);
        ss_buf_puts(b, "\"/>");
        if (!isnan(expected[i])) {
            ss_buf_puts(b, "<rect class=\"pb-time\" width=\"2\" height=\"22\" x=\"");
            n1(b, label_w + bar_w * fmax(0, fmin(top, expected[i])) / top - 1);
            ss_buf_puts(b, "\" y=\"");
            n1(b, y + 1);
            ss_buf_puts(b, "\"/>");
        }
        ss_buf_puts(b, "<text class=\"ax\" x=\"");
        n1(b, label_w + bar_w + 6);
        ss_buf_puts(b, "\" y=\"");
        n1(b, y + 17);
        ss_buf_puts(b, "\">");
        if (isnan(progress[i]))
            ss_buf_puts(b, "—");
        else {
            ss_buf_num(b, round(progress[i] * 10) / 10, 1);
            ss_buf_putc(b, '%');
        }
        ss_buf_puts(b, "</text>");
    }
    ss_buf_puts(b, "</svg>");
}
