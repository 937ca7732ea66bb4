/*
 * page_print.c - /print.css: the printed page's running foot, written per
 * language and day. site.css's @media print lays the page out for paper;
 * what it cannot say is the day, and the as-of day must be on every sheet
 * a page prints to. An element fixed at the foot of the page repeats on
 * every sheet but covers the content's last lines there, so the foot goes
 * into the page's bottom margin instead, as @page margin boxes: the
 * issuer and "数据截至 D" at the left, "page / pages" at the right.
 *
 * Every page links it with media="print" and its language and day in the
 * query, so a cache keeps one copy per language and day; the text comes
 * from the request's own language and day, never from the query.
 */
#include <stdio.h>

#include "base/date.h"
#include "web/export.h"
#include "web/render.h"

/* s as the body of a CSS string: " \ and control characters escaped. */
static void css_string(struct ss_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\' || c < 0x20 || c == 0x7F)
            ss_buf_printf(b, "\\%X ", c);
        else
            ss_buf_putc(b, (char)c);
    }
}

void ss_page_print_css(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    char d[11];

    ss_date_fmt(r->day, d);
    r->resp->ctype = "text/css; charset=utf-8";
    r->resp->cache_control = "public, max-age=3600";
    raw(b, "@media print{@page{@bottom-left{content:\"");
    if (r->plan) {
        css_string(b, r->plan->issuer);
        raw(b, " \\B7  ");
    }
    css_string(b, L(r, "数据截至 "));
    css_string(b, d);
    raw(b, "\";font-size:8pt;color:#000}@bottom-right{content:counter(page) \" / \" "
           "counter(pages);font-size:8pt;color:#000}}}\n");
}
