/*
 * render.c - page frame and small HTML pieces shared by the pages.
 */
#include "web/render.h"

#include <math.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "core/engine.h"

void ss_html(struct ss_buf *b, const char *s)
{
    if (s)
        ss_esc_html(b, s, strlen(s));
}

void ss_attr(struct ss_buf *b, const char *s)
{
    if (s)
        ss_esc_attr(b, s, strlen(s));
}

void ss_num(struct ss_buf *b, double v)
{
    char tmp[64];
    struct ss_buf t;
    size_t i, int_len, lead;

    if (isnan(v)) {
        raw(b, "—");
        return;
    }
    /* big numbers to the unit, small ones to 2 decimals; thousands grouped */
    v = fabs(v) >= 1000 ? round(v) : round(v * 100) / 100;
    ss_buf_init(&t, sizeof tmp);
    ss_buf_num(&t, v, 2);
    if (t.err || !t.data) {
        ss_buf_cleanup(&t);
        return;
    }
    lead = t.data[0] == '-';
    int_len = strcspn(t.data + lead, ".");
    if (lead)
        ss_buf_putc(b, '-');
    for (i = 0; i < int_len; i++) {
        if (i && (int_len - i) % 3 == 0)
            ss_buf_putc(b, ',');
        ss_buf_putc(b, t.data[lead + i]);
    }
    ss_buf_puts(b, t.data + lead + int_len);
    ss_buf_cleanup(&t);
}

void ss_pct(struct ss_buf *b, double v)
{
    if (isnan(v)) {
        raw(b, "—");
        return;
    }
    ss_buf_num(b, round(v * 10) / 10, 1);
    ss_buf_putc(b, '%');
}

void ss_day(struct ss_buf *b, int32_t day)
{
    char d[11];

    if (day == SS_NO_DATE) {
        raw(b, "—");
        return;
    }
    ss_date_fmt(day, d);
    ss_buf_puts(b, d);
}

const char *ss_status_text_lang(int lang, int status)
{
    static const char *const en[SS_ST_COUNT] = {
        "Done",         "On track",   "Lagging",     "Seriously lagging",
        "Not reported", "Unassigned", "No task here"};

    if (lang == SS_LANG_EN)
        return (unsigned)status < SS_ST_COUNT ? en[status] : "?";
    return ss_status_label((enum ss_status)status);
}

const char *ss_status_text(const struct ss_wreq *r, int status)
{
    return ss_status_text_lang(r->lang, status);
}

void ss_status_badge(struct ss_wreq *r, int status)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<span class=\"st st-");
    raw(b, ss_status_str((enum ss_status)status));
    raw(b, "\"><span class=\"dot\" aria-hidden=\"true\"></span>");
    ss_html(b, ss_status_text(r, status));
    raw(b, "</span>");
}

void ss_progress_bar(struct ss_wreq *r, double progress, double expected)
{
    struct ss_buf *b = &r->resp->body;
    double p = isnan(progress) ? 0 : fmax(0, fmin(100, progress));

    /* decorative: the same numbers are written out beside it. The bar is the
     * plan: past 100% it stays full and ends in a dark cap. */
    raw(b, "<svg class=\"pbar\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" "
           "aria-hidden=\"true\" focusable=\"false\"><rect class=\"pb-bg\" width=\"100\" "
           "height=\"8\"/><rect class=\"pb-fill\" height=\"8\" width=\"");
    ss_buf_num(b, round(p * 10) / 10, 1);
    raw(b, "\"/>");
    if (!isnan(expected)) {
        double x = fmax(0, fmin(100, expected));
        raw(b, "<rect class=\"pb-time\" y=\"0\" height=\"8\" width=\"1\" x=\"");
        ss_buf_num(b, round(fmax(0, x - 0.5) * 10) / 10, 1);
        raw(b, "\"/>");
    }
    if (!isnan(progress) && progress > 100)
        raw(b, "<rect class=\"pb-over\" x=\"97\" width=\"3\" height=\"8\"/>");
    raw(b, "</svg>");
}

void ss_zh_open(struct ss_wreq *r, const char *tag)
{
    struct ss_buf *b = &r->resp->body;

    ss_buf_printf(b, "<%s%s>", tag, r->lang == SS_LANG_EN ? " lang=\"zh-CN\"" : "");
}

void ss_zh_close(struct ss_wreq *r, const char *tag)
{
    ss_buf_printf(&r->resp->body, "</%s>", tag);
}

void ss_org_crumbs(struct ss_wreq *r, long org, long long target_id)
{
    struct ss_buf *b = &r->resp->body;
    long chain[16], top = ss_engine_top_org(r->e), o = org;
    int n = 0, i;

    while (o >= 0 && n < (int)(sizeof chain / sizeof chain[0])) {
        chain[n++] = o;
        if (o == top)
            break;
        o = ss_engine_org_parent(r->e, o);
    }
    raw(b, "<nav class=\"crumbs\" aria-label=\"");
    raw(b, target_id > 0 ? T(r, "地区", "Place") : T(r, "位置", "Breadcrumb"));
    raw(b, "\"><ol><li><a href=\"/\">");
    raw(b, T(r, "全部实事", "All projects"));
    raw(b, "</a></li>");
    for (i = n - 1; i >= 0; i--) {
        const struct ss_org *g = ss_engine_org(r->e, chain[i]);
        raw(b, "<li>");
        if (i == 0) {
            raw(b, "<span aria-current=\"page\">");
        } else {
            if (target_id > 0)
                ss_buf_printf(b, "<a href=\"/targets/%lld?org=", target_id);
            else
                raw(b, "<a href=\"/orgs/");
            ss_attr(b, g->code);
            raw(b, "\">");
        }
        ss_zh_open(r, "span");
        ss_html(b, g->name);
        ss_zh_close(r, "span");
        raw(b, i == 0 ? "</span></li>" : "</a></li>");
    }
    raw(b, "</ol></nav>\n");
}

void ss_self_link(struct ss_wreq *r, const char *key, const char *value)
{
    static const char *const keep[] = {"org", "date", "q"};
    struct ss_buf *b = &r->resp->body;
    size_t i;

    ss_attr(b, r->http->path);
    ss_buf_putc(b, '?');
    for (i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const char *v = ss_http_arg(r->http, keep[i]);
        if (v && *v && strcmp(keep[i], key) != 0) {
            raw(b, keep[i]);
            ss_buf_putc(b, '=');
            /* attribute-escaped; query values are plain codes, dates and words */
            for (; *v; v++) {
                unsigned char c = (unsigned char)*v;
                if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '-' || c == '_' || c == '.')
                    ss_buf_putc(b, (char)c);
                else
                    ss_buf_printf(b, "%%%02X", c);
            }
            raw(b, "&amp;");
        }
    }
    raw(b, key);
    ss_buf_putc(b, '=');
    raw(b, value);
}

void ss_table_open(struct ss_wreq *r, const char *id, const char *caption, const char *const *heads,
                   size_t nheads)
{
    struct ss_buf *b = &r->resp->body;
    size_t i;

    raw(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"cap-");
    ss_attr(b, id);
    raw(b, "\"><table><caption id=\"cap-");
    ss_attr(b, id);
    raw(b, "\">");
    ss_html(b, caption);
    raw(b, "</caption><thead><tr>");
    for (i = 0; i < nheads; i++) {
        raw(b, "<th scope=\"col\">");
        ss_html(b, heads[i]);
        raw(b, "</th>");
    }
    raw(b, "</tr></thead><tbody>");
}

void ss_as_of_line(struct ss_wreq *r, int32_t day)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<p class=\"asof\">");
    raw(b, T(r, "数据截至 ", "Figures as of "));
    raw(b, "<time datetime=\"");
    ss_day(b, day);
    raw(b, "\">");
    ss_day(b, day);
    raw(b, "</time>");
    raw(b, T(r, "，仅计审核通过的填报。", ", approved reports only. "));
    raw(b, "<a href=\"/about/method\">");
    raw(b, T(r, "进度怎么算", "How progress is counted"));
    raw(b, "</a></p>\n");
}

void ss_page_begin(struct ss_wreq *r, const char *title)
{
    ss_page_begin_desc(r, title, NULL);
}

void ss_page_begin_desc(struct ss_wreq *r, const char *title, const char *desc)
{
    struct ss_buf *b = &r->resp->body;
    const char *site = T(r, "民生实事进展", "Livelihood Commitments Progress");

    raw(b, "<!doctype html>\n<html lang=\"");
    raw(b, T(r, "zh-CN", "en"));
    raw(b, "\"");
    if (r->care)
        raw(b, " class=\"care\"");
    raw(b, "><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta name=\"color-scheme\" content=\"light\"><meta name=\"description\" "
           "content=\"");
    if (desc) {
        ss_attr(b, desc);
    } else {
        ss_attr(b, title);
        raw(b, T(r, "——民生实事进展：年度民生实事各项指标、各地区的完成进度。",
                 " — Livelihood Commitments Progress: how far each of the year's "
                 "promised targets has come, by project and by place."));
    }
    raw(b, "\"><title>");
    ss_html(b, title);
    raw(b, " · ");
    raw(b, site);
    raw(b, "</title><link rel=\"stylesheet\" href=\"/static/site.css?v=");
    {
        const char *etag = ss_web_asset_etag(r->web, "/static/site.css");
        for (; *etag; etag++)
            if (*etag != '"')
                ss_buf_putc(b, *etag);
    }
    raw(b, "\"><link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">"
           "</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
    raw(b, T(r, "跳到正文", "Skip to content"));
    raw(b, "</a>\n<header class=\"site\"><div class=\"wrap\">"
           "<a class=\"brand\" href=\"/\">");
    raw(b, site);
    raw(b, "</a>\n<nav class=\"prefs\" aria-label=\"");
    raw(b, T(r, "语言与字号", "Language and text size"));
    raw(b, "\"><ul><li>");
    if (r->lang == SS_LANG_EN) {
        raw(b, "<a lang=\"zh-CN\" hreflang=\"zh-CN\" href=\"");
        ss_self_link(r, "lang", "zh");
        raw(b, "\">中文</a>");
    } else {
        raw(b, "<a lang=\"en\" hreflang=\"en\" href=\"");
        ss_self_link(r, "lang", "en");
        raw(b, "\">English</a>");
    }
    raw(b, "</li><li><a href=\"");
    ss_self_link(r, "care", r->care ? "0" : "1");
    raw(b, "\">");
    if (r->care)
        raw(b, T(r, "标准字号", "Standard text"));
    else
        raw(b, T(r, "大字版（关怀版）", "Large text"));
    raw(b, "</a></li></ul></nav>\n<form class=\"search\" role=\"search\" action=\"/search\" "
           "method=\"get\"><label for=\"q\">");
    raw(b, T(r, "搜索指标和地区", "Search targets and places"));
    raw(b, "</label><input id=\"q\" name=\"q\" type=\"search\" maxlength=\"100\"");
    {
        const char *q = strcmp(r->http->path, "/search") == 0 ? ss_http_arg(r->http, "q") : NULL;
        if (q) {
            raw(b, " value=\"");
            ss_attr(b, q);
            raw(b, "\"");
        }
    }
    raw(b, "><button type=\"submit\">");
    raw(b, T(r, "搜索", "Search"));
    raw(b, "</button></form></div></header>\n<main id=\"main\" tabindex=\"-1\"><div "
           "class=\"wrap\">\n");
}

void ss_page_end(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "</div></main>\n<footer class=\"site\"><div class=\"wrap\"><p>");
    if (r->plan) {
        ss_zh_open(r, "span");
        ss_html(b, r->plan->issuer);
        ss_zh_close(r, "span");
        raw(b, " · ");
    }
    raw(b, T(r, "数据截至 ", "Figures as of "));
    ss_day(b, r->day);
    raw(b, " · <a href=\"/about/method\">");
    raw(b, T(r, "计算方法", "Method"));
    raw(b, "</a> · <a href=\"/api/v1/plan\">");
    raw(b, T(r, "开放数据（JSON）", "Open data (JSON)"));
    raw(b, "</a></p></div></footer>\n</body></html>\n");
}
