/*
 * bulletin_pdf.c - the bulletin's document model as an A4 PDF.
 *
 * pango lays every text out (line breaks, Chinese, Uyghur's right-to-left
 * Arabic script, font fallback through fontconfig), cairo writes the PDF
 * with the fonts embedded as subsets, and librsvg draws the charts from
 * the very SVG bytes svg.c writes for the pages, styled by a stylesheet
 * with the site's colours (the pages' CSS uses custom properties, which
 * librsvg does not read).
 *
 * Two passes: the first lays out without drawing and counts the pages, so
 * the second can print "page N of M" on each. Both use the same font
 * options (no hinting of metrics), so their line breaks agree.
 *
 * Deterministic: the PDF's creation date is the bulletin's as-of day, so
 * the same figures give the same bytes.
 */
#include "web/bulletin.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <librsvg/rsvg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/limits.h"
#include "base/util.h"

/* cairo 1.16 leaks two small arrays when a PDF surface is finished (in
 * its font subsetting): not ours to free, so the sanitizer build does not
 * count what cairo allocates while finishing (lsan_interface.h). */
#if defined(__SANITIZE_ADDRESS__)
#define HAS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAS_ASAN 1
#endif
#endif
#ifdef HAS_ASAN
#include <sanitizer/lsan_interface.h>
#define CAIRO_LEAKS_BEGIN() __lsan_disable()
#define CAIRO_LEAKS_END() __lsan_enable()
#else
#define CAIRO_LEAKS_BEGIN() ((void)0)
#define CAIRO_LEAKS_END() ((void)0)
#endif

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define MARGIN_X 48.0
#define MARGIN_TOP 60.0
#define MARGIN_BOTTOM 56.0
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define BOTTOM (PAGE_H - MARGIN_BOTTOM)
#define CELL_PAD 3.0
#define CHART_PX 9.0 /* the charts' text size: their em */

static const char CHART_CSS[] =
    "svg{font-family:\"Noto Sans CJK SC\",\"Noto Naskh Arabic\",sans-serif;font-size:9px}"
    ".ax{fill:#4a4a4a}.grid{stroke:#e0e0e0;stroke-width:1}"
    ".pb-bg{fill:#e3e7ed}.pb-time{fill:#1a1a1a;stroke:#fff;stroke-width:1}"
    ".c-green{fill:#1b7a3a}.c-yellow{fill:#f2b300}.c-red{fill:#b3261e}.c-grey{fill:#5f6368}"
    ".over{fill:#1a1a1a}.p-actual{fill:#0b57a4}"
    ".l-actual{fill:none;stroke:#0b57a4;stroke-width:3}"
    ".l-exp{fill:none;stroke:#1a1a1a;stroke-width:2;stroke-dasharray:6 4}";

struct pdf {
    cairo_t *cr;
    PangoContext *pc;
    const struct ss_bdoc *d;
    int draw; /* 0: the counting pass */
    int page, pages;
    double y;
    int rtl;
    const char *family;
    int failed; /* a chart librsvg could not read */
};

static PangoLayout *layout(struct pdf *p, const char *text, double size, int bold, double width)
{
    PangoLayout *l = pango_layout_new(p->pc);
    PangoFontDescription *fd = pango_font_description_from_string(p->family);

    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, p->rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    pango_layout_set_auto_dir(l, FALSE); /* the document's direction, not each text's */
    pango_context_set_base_dir(p->pc, p->rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
    pango_layout_context_changed(l);
    pango_layout_set_text(l, text, -1);
    return l;
}

static double height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void show(struct pdf *p, PangoLayout *l, double x, double y, double grey)
{
    if (!p->draw)
        return;
    cairo_set_source_rgb(p->cr, grey, grey, grey);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, l);
}

/* The running line and the page number, then the cursor at the top. */
static void page_open(struct pdf *p)
{
    p->page++;
    p->y = MARGIN_TOP;
    if (p->draw) {
        PangoLayout *l = layout(p, p->d->running, 7.5, 0, CONTENT_W);
        struct ss_buf b;
        show(p, l, MARGIN_X, 28, 0.35);
        g_object_unref(l);
        ss_buf_init(&b, 256);
        ss_buf_printf(&b, ss_tr(p->d->lang, "第 %d 页，共 %d 页"), p->page, p->pages);
        l = layout(p, b.data ? b.data : "", 7.5, 0, CONTENT_W);
        pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
        show(p, l, MARGIN_X, PAGE_H - 36, 0.35);
        g_object_unref(l);
        ss_buf_cleanup(&b);
        cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
        cairo_set_line_width(p->cr, 0.5);
        cairo_move_to(p->cr, MARGIN_X, 42);
        cairo_line_to(p->cr, PAGE_W - MARGIN_X, 42);
        cairo_stroke(p->cr);
    }
}

static void page_break(struct pdf *p)
{
    if (p->draw)
        cairo_show_page(p->cr);
    page_open(p);
}

/* Room for h more points on this page, else a new one. */
static void need(struct pdf *p, double h)
{
    if (p->y + h > BOTTOM && p->y > MARGIN_TOP)
        page_break(p);
}

static void text_block(struct pdf *p, const char *text, double size, int bold, double grey,
                       double before, double after)
{
    PangoLayout *l = layout(p, text, size, bold, CONTENT_W);
    double h = height(l);

    need(p, before + h);
    p->y += before;
    show(p, l, MARGIN_X, p->y, grey);
    p->y += h + after;
    g_object_unref(l);
}

/* x of a column's left edge: mirrored right to left. */
static double col_x(const struct pdf *p, double x, double w)
{
    return p->rtl ? MARGIN_X + CONTENT_W - (x - MARGIN_X) - w : x;
}

/* One row of cells (heads when head): texts[i * stride] is column i's. */
static void row(struct pdf *p, const struct ss_btable *t, const double *w, char *const *texts,
                size_t stride, int head)
{
    PangoLayout *ls[32];
    double h = 0, x = MARGIN_X;
    size_t i, n = t->ncols < 32 ? t->ncols : 32;

    for (i = 0; i < n; i++) {
        const char *s = *(char *const *)((const char *)texts + i * stride);
        ls[i] = layout(p, s ? s : "", 7.5, head, w[i] - 2 * CELL_PAD);
        if (!head && t->kinds[i] != SS_BC_TEXT)
            pango_layout_set_alignment(ls[i], p->rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
        h = fmax(h, height(ls[i]));
    }
    h += 2 * CELL_PAD;
    if (p->y + h > BOTTOM && p->y > MARGIN_TOP) {
        page_break(p); /* a row is never cut; the heads start the new page */
        if (!head)
            row(p, t, w, t->heads, sizeof *t->heads, 1);
    }
    if (p->draw && head) {
        cairo_set_source_rgb(p->cr, 0.953, 0.961, 0.973);
        cairo_rectangle(p->cr, MARGIN_X, p->y, CONTENT_W, h);
        cairo_fill(p->cr);
    }
    for (i = 0; i < n; i++) {
        show(p, ls[i], col_x(p, x, w[i]) + CELL_PAD, p->y + CELL_PAD, 0.1);
        x += w[i];
        g_object_unref(ls[i]);
    }
    if (p->draw) {
        cairo_set_source_rgb(p->cr, 0.816, 0.816, 0.816);
        cairo_set_line_width(p->cr, 0.5);
        cairo_move_to(p->cr, MARGIN_X, p->y + h);
        cairo_line_to(p->cr, MARGIN_X + CONTENT_W, p->y + h);
        cairo_stroke(p->cr);
    }
    p->y += h;
}

static void table_block(struct pdf *p, const struct ss_btable *t)
{
    double w[32], sum = 0;
    size_t i, n = t->ncols < 32 ? t->ncols : 32;

    for (i = 0; i < n; i++)
        sum += t->widths[i];
    for (i = 0; i < n; i++)
        w[i] = CONTENT_W * t->widths[i] / sum;
    need(p, 40); /* the heads and a row together */
    row(p, t, w, t->heads, sizeof *t->heads, 1);
    for (i = 0; i < t->nrows; i++)
        row(p, t, w, &t->cells[i * t->ncols].text, sizeof *t->cells, 0);
    p->y += 8;
}

/* The chart's SVG as a document librsvg reads: the inline <svg> of the
 * page with the SVG namespace, without the HTML legend that follows it. */
static void chart_block(struct pdf *p, const struct ss_bblock *b)
{
    const char *svg = b->text, *end = strstr(svg, "</svg><p");
    size_t len = end ? (size_t)(end - svg) + 6 : strlen(svg);
    double h = b->height_em * CHART_PX;
    struct ss_buf doc;
    RsvgHandle *rh;
    GError *ge = NULL;

    need(p, h + 6);
    if (p->draw && strncmp(svg, "<svg", 4) == 0) {
        ss_buf_init(&doc, SS_MAX_OUTPUT);
        ss_buf_puts(&doc, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
        ss_buf_put(&doc, svg + 4, len - 4);
        rh = rsvg_handle_new_from_data((const guint8 *)doc.data, doc.len, &ge);
        if (rh &&
            rsvg_handle_set_stylesheet(rh, (const guint8 *)CHART_CSS, strlen(CHART_CSS), &ge)) {
            RsvgRectangle vp = {MARGIN_X, p->y, CONTENT_W, h};
            if (!rsvg_handle_render_document(rh, p->cr, &vp, &ge))
                p->failed = 1;
        } else {
            p->failed = 1;
        }
        if (ge)
            g_error_free(ge);
        if (rh)
            g_object_unref(rh);
        ss_buf_cleanup(&doc);
    }
    p->y += h + 6;
}

static void run(struct pdf *p)
{
    size_t i;

    p->page = 0;
    page_open(p);
    for (i = 0; i < p->d->n; i++) {
        const struct ss_bblock *b = &p->d->blocks[i];
        switch (b->kind) {
        case SS_BB_TITLE:
            text_block(p, b->text, 20, 1, 0.05, 40, 12);
            break;
        case SS_BB_HEADING:
            need(p, 80); /* a heading keeps to what follows it */
            text_block(p, b->text, 13, 1, 0.05, 10, 6);
            break;
        case SS_BB_PARA:
            text_block(p, b->text, 9.5, 0, 0.1, 0, 5);
            break;
        case SS_BB_NOTE:
            text_block(p, b->text, 7.5, 0, 0.3, 4, 4);
            break;
        case SS_BB_TABLE:
            table_block(p, b->t);
            break;
        case SS_BB_CHART:
            chart_block(p, b);
            break;
        case SS_BB_PAGE:
            if (p->y > MARGIN_TOP)
                page_break(p);
            break;
        }
    }
    if (p->draw)
        cairo_show_page(p->cr);
}

static cairo_status_t put(void *closure, const unsigned char *data, unsigned int len)
{
    struct ss_buf *b = closure;

    ss_buf_put(b, (const char *)data, len);
    return b->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* A pango context on cr with the options both passes share. */
static PangoContext *context(cairo_t *cr)
{
    PangoContext *pc = pango_cairo_create_context(cr);
    cairo_font_options_t *fo = cairo_font_options_create();

    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pc, fo);
    pango_cairo_context_set_resolution(pc, 72);
    cairo_font_options_destroy(fo);
    return pc;
}

int ss_bulletin_pdf(const struct ss_bdoc *d, char **out, size_t *len, int *pages,
                    struct ss_err *err)
{
    struct pdf p;
    struct ss_buf b;
    cairo_surface_t *s;
    cairo_status_t cs;
    char day[11], date[32];

    *out = NULL;
    *len = 0;
    memset(&p, 0, sizeof p);
    p.d = d;
    p.rtl = ss_lang_rtl(d->lang);
    p.family = p.rtl ? "Noto Naskh Arabic, Noto Sans CJK SC" : "Noto Sans CJK SC";

    /* pass 1: count the pages */
    s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    p.cr = cairo_create(s);
    p.pc = context(p.cr);
    run(&p);
    p.pages = p.page;
    g_object_unref(p.pc);
    cairo_destroy(p.cr);
    cairo_surface_destroy(s);

    /* pass 2: draw */
    ss_buf_init(&b, SS_MAX_OUTPUT);
    s = cairo_pdf_surface_create_for_stream(put, &b, PAGE_W, PAGE_H);
    ss_date_fmt(d->as_of, day);
    snprintf(date, sizeof date, "%sT00:00:00Z", day);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title ? d->title : "");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "shishi");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
    p.cr = cairo_create(s);
    p.pc = context(p.cr);
    p.draw = 1;
    run(&p);
    g_object_unref(p.pc);
    cairo_destroy(p.cr);
    CAIRO_LEAKS_BEGIN();
    cairo_surface_finish(s);
    CAIRO_LEAKS_END();
    cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (cs != CAIRO_STATUS_SUCCESS || b.err || p.failed) {
        ss_buf_cleanup(&b);
        return ss_err_set(err, SS_EIO, "pdf", "cannot write the bulletin's PDF: %s",
                          p.failed ? "a chart could not be drawn" : cairo_status_to_string(cs));
    }
    if (pages)
        *pages = p.pages;
    *out = ss_buf_detach(&b, len);
    return SS_OK;
}

void ss_bulletin_fonts_done(void)
{
    /* the default font map is librsvg's (and ours through
     * pango_cairo_create_context); then cairo's font caches, then
     * fontconfig's, which the first two held on to */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}
