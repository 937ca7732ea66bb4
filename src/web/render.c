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

/* The statuses' labels, as message ids (core's Chinese labels). */
static const char *const STATUS_IDS[SS_ST_COUNT] = {N_("已完成"),    N_("正常推进"), N_("滞后"),
                                                    N_("严重滞后"),  N_("未填报"),   N_("未分解"),
                                                    N_("本级无任务")};

const char *ss_status_text_lang(enum ss_lang lang, int status)
{
    return (unsigned)status < SS_ST_COUNT ? ss_tr(lang, STATUS_IDS[status]) : "?";
}

const char *ss_status_text_in_sentence(enum ss_lang lang, int status)
{
    static const char *const ids[SS_ST_COUNT] = {
        NC_("in a sentence", "已完成"),    NC_("in a sentence", "正常推进"),
        NC_("in a sentence", "滞后"),      NC_("in a sentence", "严重滞后"),
        NC_("in a sentence", "未填报"),    NC_("in a sentence", "未分解"),
        NC_("in a sentence", "本级无任务")};

    return (unsigned)status < SS_ST_COUNT ? ss_trc(lang, "in a sentence", ids[status]) : "?";
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
    int rtl = ss_lang_rtl(r->lang);

    /* decorative: the same numbers are written out beside it. The bar is the
     * plan: past 100% it stays full and ends in a dark cap. Right to left,
     * it grows from the right. */
    raw(b, "<svg class=\"pbar\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" "
           "aria-hidden=\"true\" focusable=\"false\"><rect class=\"pb-bg\" width=\"100\" "
           "height=\"8\"/><rect class=\"pb-fill\" height=\"8\" ");
    if (rtl) {
        raw(b, "x=\"");
        ss_buf_num(b, round((100 - p) * 10) / 10, 1);
        raw(b, "\" ");
    }
    raw(b, "width=\"");
    ss_buf_num(b, round(p * 10) / 10, 1);
    raw(b, "\"/>");
    if (!isnan(expected)) {
        double x = fmax(0, fmin(100, expected));
        raw(b, "<rect class=\"pb-time\" y=\"0\" height=\"8\" width=\"1\" x=\"");
        x = fmax(0, x - 0.5);
        ss_buf_num(b, round((rtl ? 99 - x : x) * 10) / 10, 1);
        raw(b, "\"/>");
    }
    if (!isnan(progress) && progress > 100)
        raw(b, rtl ? "<rect class=\"pb-over\" x=\"0\" width=\"3\" height=\"8\"/>"
                   : "<rect class=\"pb-over\" x=\"97\" width=\"3\" height=\"8\"/>");
    raw(b, "</svg>");
}

void ss_zh_open(struct ss_wreq *r, const char *tag)
{
    struct ss_buf *b = &r->resp->body;

    ss_buf_printf(b, "<%s%s%s>", tag, r->lang != SS_LANG_ZH ? " lang=\"zh-CN\"" : "",
                  ss_lang_rtl(r->lang) ? " dir=\"ltr\"" : "");
}

void ss_zh_close(struct ss_wreq *r, const char *tag)
{
    ss_buf_printf(&r->resp->body, "</%s>", tag);
}

const char *ss_content_text(const struct ss_wreq *r, enum ss_text_kind kind, const char *ref,
                            const char *zh)
{
    const char *t = r->e ? ss_texts_get(ss_engine_texts(r->e), kind, ref, r->lang) : NULL;

    return t ? t : zh;
}

const char *ss_content_text_id(const struct ss_wreq *r, enum ss_text_kind kind, int64_t id,
                               const char *zh)
{
    const char *t = r->e ? ss_texts_get_id(ss_engine_texts(r->e), kind, id, r->lang) : NULL;

    return t ? t : zh;
}

/* t: the translation, or NULL for the Chinese */
static void content(struct ss_wreq *r, const char *tag, const char *t, const char *zh)
{
    struct ss_buf *b = &r->resp->body;

    if (t) { /* in the page's language: no lang of its own */
        ss_buf_printf(b, "<%s>", tag);
        ss_html(b, t);
        ss_buf_printf(b, "</%s>", tag);
        return;
    }
    ss_zh_open(r, tag);
    ss_html(b, zh);
    ss_zh_close(r, tag);
}

void ss_content(struct ss_wreq *r, const char *tag, enum ss_text_kind kind, const char *ref,
                const char *zh)
{
    content(r, tag, r->e ? ss_texts_get(ss_engine_texts(r->e), kind, ref, r->lang) : NULL, zh);
}

void ss_content_id(struct ss_wreq *r, const char *tag, enum ss_text_kind kind, int64_t id,
                   const char *zh)
{
    content(r, tag, r->e ? ss_texts_get_id(ss_engine_texts(r->e), kind, id, r->lang) : NULL, zh);
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
    raw(b, target_id > 0 ? L(r, "地区") : L(r, "位置"));
    raw(b, "\"><ol><li><a href=\"/\">");
    raw(b, L(r, "全部实事"));
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
        ss_content(r, "span", SS_TEXT_ORG, g->code, g->name);
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
    raw(b, L(r, "数据截至 "));
    raw(b, "<time datetime=\"");
    ss_day(b, day);
    raw(b, "\">");
    ss_day(b, day);
    raw(b, "</time>");
    raw(b, L(r, "，仅计审核通过的填报。"));
    raw(b, "<a href=\"/about/method\">");
    raw(b, L(r, "进度怎么算"));
    raw(b, "</a></p>\n");
}

/* A link to the page in each other language, named in its own language
 * (and script direction). */
static void lang_switch(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    int k;

    for (k = 0; k < SS_NLANGS; k++) {
        enum ss_lang l = (enum ss_lang)k;
        if (l == r->lang)
            continue;
        raw(b, "<li><a lang=\"");
        raw(b, ss_lang_tag(l));
        raw(b, "\" hreflang=\"");
        raw(b, ss_lang_tag(l));
        raw(b, ss_lang_rtl(l) ? "\" dir=\"rtl\" href=\"" : "\" dir=\"ltr\" href=\"");
        ss_self_link(r, "lang", ss_lang_code(l));
        raw(b, "\">");
        ss_html(b, ss_lang_name(l));
        raw(b, "</a></li>");
    }
}

void ss_page_begin(struct ss_wreq *r, const char *title)
{
    ss_page_begin_desc(r, title, NULL);
}

void ss_page_begin_desc(struct ss_wreq *r, const char *title, const char *desc)
{
    struct ss_buf *b = &r->resp->body;
    const char *site = L(r, "民生实事进展");

    raw(b, "<!doctype html>\n<html lang=\"");
    raw(b, ss_lang_tag(r->lang));
    raw(b, ss_lang_rtl(r->lang) ? "\" dir=\"rtl\"" : "\" dir=\"ltr\"");
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
        raw(b, L(r, "——民生实事进展：年度民生实事各项指标、各地区的完成进度。"));
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
    /* the as-of day on every printed sheet (page_print.c) */
    raw(b, "\"><link rel=\"stylesheet\" media=\"print\" href=\"/print.css?lang=");
    raw(b, ss_lang_code(r->lang));
    raw(b, "&amp;day=");
    ss_day(b, r->day);
    raw(b, "\"><link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">");
    if (r->feed[0]) {
        raw(b, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
        ss_attr(b, title);
        raw(b, "\" href=\"");
        ss_attr(b, r->feed);
        raw(b, "\">");
    }
    raw(b, "</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
    raw(b, L(r, "跳到正文"));
    raw(b, "</a>\n<header class=\"site\"><div class=\"wrap\">"
           "<a class=\"brand\" href=\"/\">");
    raw(b, site);
    raw(b, "</a>\n<nav class=\"prefs\" aria-label=\"");
    raw(b, L(r, "语言与字号"));
    raw(b, "\"><ul>");
    lang_switch(r);
    raw(b, "<li><a href=\"");
    ss_self_link(r, "care", r->care ? "0" : "1");
    raw(b, "\">");
    if (r->care)
        raw(b, L(r, "标准字号"));
    else
        raw(b, L(r, "大字版（关怀版）"));
    raw(b, "</a></li></ul></nav>\n<form class=\"search\" role=\"search\" action=\"/search\" "
           "method=\"get\"><label for=\"q\">");
    raw(b, L(r, "搜索指标和地区"));
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
    raw(b, L(r, "搜索"));
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
    raw(b, L(r, "数据截至 "));
    ss_day(b, r->day);
    raw(b, " · <a href=\"/about/method\">");
    raw(b, L(r, "计算方法"));
    raw(b, "</a> · <a href=\"/api/v1/plan\">");
    raw(b, L(r, "开放数据（JSON）"));
    raw(b, "</a></p></div></footer>\n</body></html>\n");
}

void ss_page_refusal(struct ss_wreq *r, const char *title, int status, const char *msg)
{
    struct ss_buf *b = &r->resp->body;

    ss_buf_reset(b);
    r->resp->status = status;
    r->resp->cache_control = "no-store";
    ss_page_begin(r, title);
    raw(b, "<h1>");
    ss_html(b, title);
    raw(b, "</h1>\n<p role=\"alert\">");
    ss_html(b, msg);
    raw(b, "</p>\n<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}
