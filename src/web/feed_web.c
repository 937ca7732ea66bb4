/*
 * feed_web.c - the Atom feeds (RFC 4287) and the subscription pages and
 * API (feed_web.h), over core/follow.h.
 *
 * A feed is written whole per request from the store's rows (its entries
 * are few: SS_FEED_LIMIT), escaped for XML by base/escape.c's ss_esc_xml
 * wherever a text or a URL goes. Its bytes depend on the URL alone (the
 * language comes from ?lang=, never from headers or cookies), so the
 * core's ETag (a hash of the body), gzip and 304 apply as to every page,
 * and Last-Modified is the newest entry's time.
 *
 * Ids are tag: URIs (RFC 4151): tag:HOST,YEAR:KIND/ID, HOST the public
 * base URL's host, YEAR the plan's, KIND/ID the entry's row (follow.h):
 * the same in every feed that holds the entry, on every instance serving
 * the deployment and at every request.
 *
 * Subscriptions: anonymous. The API and the follow box's form answer the
 * same whatever the address's state (202, "check your mail"), so neither
 * tells whether an address follows anything. The confirmation link's GET
 * shows a button; only its POST confirms. The unsubscribe URL takes a
 * POST with no session or CSRF token (RFC 8058 one-click): its token,
 * 128 random bits, is the credential.
 */
#include "web/feed_web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/json.h"
#include "base/util.h"
#include "core/follow.h"
#include "web/render.h"
#include "web/web_err.h"

#define ATOM_TYPE "application/atom+xml; charset=utf-8"
#define JSON_TYPE "application/json; charset=utf-8"

static char base_url[256] = "http://localhost";

void ss_feed_set_base_url(const char *base)
{
    if (base && *base)
        snprintf(base_url, sizeof base_url, "%s", base);
}

const char *ss_feed_base_url(void)
{
    return base_url;
}

static void xml(struct ss_buf *b, const char *s)
{
    ss_esc_xml(b, s, strlen(s));
}

/* The host of the base URL (no scheme, user, port or path), for tag: ids. */
static void tag_host(char *out, size_t cap)
{
    const char *h = strstr(base_url, "://"), *at;
    size_t n;

    h = h ? h + 3 : base_url;
    n = strcspn(h, "/:");
    at = memchr(h, '@', n);
    if (at) {
        h = at + 1;
        n = strcspn(h, "/:");
    }
    snprintf(out, cap, "%.*s", (int)n, n ? h : "localhost");
}

/* Unix seconds of a stored time, 0 when it is not one. */
static long long ts_seconds(const char *t)
{
    int y, mo, d, h, mi, sec;

    if (strlen(t) != 20 || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &sec) != 6)
        return 0;
    return (long long)ss_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
}

static void write_feed(struct ss_wreq *r, const struct ss_follow_subject *s, enum ss_lang lang,
                       int lang_given, const struct ss_feed *f)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_plan *p = r->plan;
    char host[128], tag[192], title[512], updated[24];
    size_t i;

    tag_host(host, sizeof host);
    snprintf(tag, sizeof tag, "tag:%s,%d:", host, p->year);
    ss_follow_title(r->e, s, lang, title, sizeof title);
    /* no entry yet: the plan period's first moment, the same every time */
    if (f->n)
        snprintf(updated, sizeof updated, "%s", f->v[0].updated);
    else {
        char d[11];
        ss_date_fmt(p->start, d);
        snprintf(updated, sizeof updated, "%sT00:00:00Z", d);
    }
    raw(b,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
        "xml:lang=\"");
    raw(b, ss_lang_tag(lang));
    raw(b, "\">\n<id>");
    xml(b, tag);
    raw(b, "feed");
    xml(b, s->feed + strlen("/feeds"));
    raw(b, "</id>\n<title>");
    xml(b, title);
    raw(b, "</title>\n<subtitle>");
    xml(b, p->title);
    raw(b, "</subtitle>\n<updated>");
    xml(b, updated);
    raw(b, "</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    xml(b, base_url);
    xml(b, s->feed);
    if (lang_given) {
        raw(b, "?lang=");
        raw(b, ss_lang_code(lang));
    }
    raw(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    xml(b, base_url);
    xml(b, s->path);
    raw(b, "\"/>\n<author><name>");
    xml(b, p->issuer && *p->issuer ? p->issuer : L(r, "民生实事进展"));
    raw(b, "</name></author>\n<generator>shishi</generator>\n");
    for (i = 0; i < f->n; i++) {
        const struct ss_feed_entry *x = &f->v[i];
        raw(b, "<entry>\n<id>");
        xml(b, tag);
        xml(b, x->id);
        raw(b, "</id>\n<title>");
        xml(b, x->title);
        raw(b, "</title>\n<updated>");
        xml(b, x->updated);
        raw(b, "</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        xml(b, base_url);
        xml(b, x->path);
        raw(b, "\"/>\n<content type=\"text\">");
        xml(b, x->text);
        raw(b, "</content>\n</entry>\n");
    }
    raw(b, "</feed>\n");
    r->resp->ctype = ATOM_TYPE;
    r->resp->cache_control = "public, max-age=60";
    r->resp->last_modified = ts_seconds(updated);
}

static void feed(struct ss_wreq *r, const char *kind)
{
    char ref[SS_WEB_MAX_PARAM];
    const char *dot = strrchr(r->param, '.'), *q = ss_http_arg(r->http, "lang");
    int lang = q ? ss_lang_parse(q, strlen(q)) : -1;
    struct ss_follow_subject s;
    struct ss_feed f = {0};
    struct ss_err err;

    ss_err_clear(&err);
    if (!dot || strcmp(dot, ".atom") != 0 || dot == r->param) {
        ss_page_not_found(r);
        return;
    }
    snprintf(ref, sizeof ref, "%.*s", (int)(dot - r->param), r->param);
    if (ss_follow_subject(r->e, kind, ref, &s, &err)) {
        ss_page_not_found(r);
        return;
    }
    if (ss_follow_entries(r->st, r->e, &s, lang >= 0 ? (enum ss_lang)lang : SS_LANG_ZH, NULL,
                          SS_FEED_LIMIT, &f, &err)) {
        ss_web_error(r, &err);
        return;
    }
    write_feed(r, &s, lang >= 0 ? (enum ss_lang)lang : SS_LANG_ZH, lang >= 0, &f);
    ss_feed_free(&f);
}

void ss_page_feed_target(struct ss_wreq *r)
{
    feed(r, "target");
}

void ss_page_feed_project(struct ss_wreq *r)
{
    feed(r, "project");
}

void ss_page_feed_org(struct ss_wreq *r)
{
    feed(r, "org");
}

/* ---- links on the pages ----------------------------------------------------- */

void ss_feed_page_link(struct ss_wreq *r, const char *kind, const char *ref)
{
    snprintf(r->feed, sizeof r->feed, "/feeds/%s/%s.atom", kind, ref);
}

void ss_feed_follow_box(struct ss_wreq *r, const char *about_kind, const char *ref)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<section class=\"follow\" aria-labelledby=\"follow-h\"><h2 id=\"follow-h\">");
    raw(b, L(r, "关注"));
    raw(b, "</h2>\n<p><a href=\"");
    ss_attr(b, r->feed);
    raw(b, "\" type=\"application/atom+xml\">");
    raw(b, L(r, "订阅源（Atom）"));
    raw(b, "</a></p>\n<form class=\"stack\" method=\"post\" action=\"/subscriptions\">"
           "<input type=\"hidden\" name=\"kind\" value=\"");
    ss_attr(b, about_kind);
    raw(b, "\"><input type=\"hidden\" name=\"ref\" value=\"");
    ss_attr(b, ref);
    raw(b, "\"><label for=\"follow-email\">");
    raw(b, L(r, "每天最多一封摘要邮件，发到："));
    raw(b, "</label><input id=\"follow-email\" name=\"email\" type=\"email\" "
           "autocomplete=\"email\" required maxlength=\"254\"><button type=\"submit\">");
    raw(b, L(r, "邮件关注"));
    raw(b, "</button></form>\n<p class=\"note\">");
    raw(b, L(r, "我们先发一封确认邮件；确认后才会发送摘要。邮箱地址加密保存，不会公开；每封邮件都可"
                "一键退订。"));
    raw(b, "</p></section>\n");
}

/* ---- subscribing ------------------------------------------------------------ */

static int subscribe(struct ss_wreq *r, const char *email, const char *kind, const char *ref,
                     struct ss_err *err)
{
    struct ss_follow_subject s;
    struct ss_store *st;
    int rc;

    if ((rc = ss_follow_subject(r->e, kind, ref, &s, err)))
        return rc;
    if (!(st = ss_web_store_rw(r)))
        return ss_err_set(err, SS_EDB, "", "cannot open the database");
    return ss_follow_subscribe(st, r->e, &s, email, r->lang, r->http->ip, base_url, err);
}

/* about {"target": N} | {"project": N} | {"org": "CODE"} into kind, ref. */
static int about_of(json_t *about, const char **kind, char ref[24], struct ss_err *err)
{
    static const char *const KINDS[] = {"target", "project", "org"};
    json_t *v = NULL;
    size_t i;

    *kind = NULL;
    if (!json_is_object(about) || json_object_size(about) != 1)
        return ss_err_set(
            err, SS_EINVAL, "about",
            "about is one of {\"target\": ID}, {\"project\": N}, {\"org\": \"CODE\"}");
    for (i = 0; i < SS_ARRAY_LEN(KINDS) && !*kind; i++)
        if ((v = json_object_get(about, KINDS[i])))
            *kind = KINDS[i];
    if (*kind && strcmp(*kind, "org") == 0 && json_is_string(v) && json_string_length(v) < 16) {
        snprintf(ref, 24, "%s", json_string_value(v));
        return SS_OK;
    }
    if (*kind && strcmp(*kind, "org") != 0 && json_is_integer(v) && json_integer_value(v) > 0) {
        snprintf(ref, 24, "%lld", (long long)json_integer_value(v));
        return SS_OK;
    }
    return ss_err_set(err, SS_EINVAL, "about",
                      "about is one of {\"target\": ID}, {\"project\": N}, {\"org\": \"CODE\"}");
}

void ss_api_subscription_post(struct ss_wreq *r)
{
    json_t *body = ss_api_json_body(r), *email;
    const char *kind;
    char ref[24];
    struct ss_err err;
    struct ss_json j;

    if (!body)
        return;
    ss_err_clear(&err);
    email = json_object_get(body, "email");
    if (!json_is_string(email))
        ss_err_set(&err, SS_EINVAL, "email", "email must be a string");
    else if (!about_of(json_object_get(body, "about"), &kind, ref, &err))
        subscribe(r, json_string_value(email), kind, ref, &err);
    json_decref(body);
    if (err.code) {
        ss_web_error(r, &err);
        return;
    }
    r->resp->status = 202;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(&j, &r->resp->body, 0);
    ss_json_obj(&j);
    ss_json_kstr(&j, "status", "pending");
    ss_json_kstr(
        &j, "message",
        L(r, "如果这个地址可以接收，我们已发出确认邮件；按邮件里的链接确认后才会收到摘要。"));
    ss_json_obj_end(&j);
}

/* A small page: heading and a paragraph (plain text). */
static void notice_page(struct ss_wreq *r, int status, const char *title, const char *text)
{
    struct ss_buf *b = &r->resp->body;

    r->resp->status = status;
    r->resp->cache_control = "no-store";
    ss_page_begin(r, title);
    raw(b, "<h1>");
    ss_html(b, title);
    raw(b, "</h1>\n<p>");
    ss_html(b, text);
    raw(b, "</p>\n");
    ss_page_end(r);
}

static void refused(struct ss_wreq *r, const struct ss_err *err)
{
    char buf[512];

    notice_page(r, ss_web_status(r, err), L(r, "没有办成"),
                ss_web_err_text(r, err, buf, sizeof buf));
}

void ss_page_subscription_post(struct ss_wreq *r)
{
    const char *email = ss_http_field(r->http, "email"), *kind = ss_http_field(r->http, "kind");
    const char *ref = ss_http_field(r->http, "ref");
    struct ss_err err;

    ss_err_clear(&err);
    if (subscribe(r, email ? email : "", kind ? kind : "", ref ? ref : "", &err)) {
        refused(r, &err);
        return;
    }
    notice_page(
        r, 200, L(r, "请查收确认邮件"),
        L(r, "如果这个地址可以接收，我们已发出确认邮件；按邮件里的链接确认后才会收到摘要。"));
}

/* A token page's form: one button posting back to the same URL. */
static void token_form(struct ss_wreq *r, const char *what, const char *title, const char *text,
                       const char *button)
{
    struct ss_buf *b = &r->resp->body;

    r->resp->cache_control = "no-store";
    ss_page_begin(r, title);
    raw(b, "<h1>");
    ss_html(b, title);
    raw(b, "</h1>\n<p>");
    ss_html(b, text);
    raw(b, "</p>\n<form method=\"post\" action=\"/subscriptions/");
    raw(b, what);
    raw(b, "/");
    ss_attr(b, r->param);
    raw(b, "\"><button type=\"submit\">");
    ss_html(b, button);
    raw(b, "</button></form>\n");
    ss_page_end(r);
}

void ss_page_sub_confirm(struct ss_wreq *r)
{
    struct ss_follow_subject s;
    char kind[16], ref[24], title[512], text[768];
    struct ss_err err;

    ss_err_clear(&err);
    if (ss_follow_token(r->st, 1, r->param, kind, ref, &err) ||
        ss_follow_subject(r->e, kind, ref, &s, &err)) {
        refused(r, &err);
        return;
    }
    ss_follow_title(r->e, &s, r->lang, title, sizeof title);
    snprintf(text, sizeof text,
             L(r, "确认后，每天最多收到一封“%s”的进展摘要邮件，可随时一键退订。"), title);
    token_form(r, "confirm", L(r, "确认关注"), text, L(r, "确认关注"));
}

/* A token POST: throttled per client, then fn. */
static void token_post(struct ss_wreq *r,
                       int (*fn)(struct ss_store *, const char *, struct ss_err *),
                       const char *title, const char *text)
{
    struct ss_store *st = ss_web_store_rw(r);
    struct ss_err err;

    ss_err_clear(&err);
    if (!st)
        ss_err_set(&err, SS_EDB, "", "cannot open the database");
    else if (!ss_follow_throttle_token(st, r->http->ip, &err))
        fn(st, r->param, &err);
    if (err.code) {
        refused(r, &err);
        return;
    }
    notice_page(r, 200, title, text);
}

void ss_page_sub_confirm_post(struct ss_wreq *r)
{
    token_post(r, ss_follow_confirm, L(r, "已确认关注"),
               L(r, "以后有新进展时，每天最多发一封摘要邮件。每封邮件都带有退订链接。"));
}

void ss_page_sub_unsub(struct ss_wreq *r)
{
    char kind[16], ref[24];
    struct ss_err err;

    ss_err_clear(&err);
    if (ss_follow_token(r->st, 0, r->param, kind, ref, &err)) {
        refused(r, &err);
        return;
    }
    token_form(r, "unsubscribe", L(r, "退订"),
               L(r, "退订后不再收到这项关注的摘要邮件，邮箱地址随即删除。"), L(r, "退订"));
}

void ss_page_sub_unsub_post(struct ss_wreq *r)
{
    token_post(r, ss_follow_unsubscribe, L(r, "已退订"),
               L(r, "不会再收到这项关注的邮件，邮箱地址已删除。"));
}
