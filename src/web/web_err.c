/*
 * web_err.c - errors to HTTP answers (see web_err.h): the table of
 * statuses, the one place an error becomes text, and the two bodies (API
 * JSON, an HTML page).
 *
 * Invariants:
 *   - the status of an error is a function of its code (and, for
 *     SS_ENOTFOUND, of whether the URL names the missing thing): no
 *     handler picks a status for an ss_err itself;
 *   - a failure of the store or the system (500) never shows its detail to
 *     the client, only to the server's log, escaped;
 *   - every value in a body is escaped for it (ss_json_*, ss_html).
 */
#include "web/web_err.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/l10n.h"
#include "base/util.h"
#include "web/render.h"
#include "web/routes.h"
#include "web/web.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* code -> status and the API's name for it */
static const struct {
    int code;
    int status;
    const char *name;
} STATUS[] = {
    {SS_EINVAL, 400, "bad_input"},     {SS_ENOTFOUND, 404, "not_found"},
    {SS_EUNAUTH, 401, "unauthorized"}, {SS_EFORBIDDEN, 403, "forbidden"},
    {SS_ECONFLICT, 409, "conflict"},   {SS_ETHROTTLED, 429, "throttled"},
    {SS_EBUSY, 503, "busy"},           {SS_EIO, 500, "internal"},
    {SS_EDB, 500, "internal"},
};

static int is_api(const struct ss_wreq *r)
{
    return strncmp(r->http->path, "/api/", 5) == 0;
}

/* 1 if field names something in the request's URL: one of the route's {param}s,
 * or a query argument the request has. */
static int names_url(const struct ss_wreq *r, const char *field)
{
    char param[SS_WEB_MAX_PARAM];
    const struct ss_route *rt;
    const char *brace;
    size_t n = strlen(field);

    if (n == 0 || ss_http_arg(r->http, field))
        return 1;
    rt = ss_route_match(r->http->path, param, sizeof param);
    for (brace = rt ? strchr(rt->path, '{') : NULL; brace; brace = strchr(brace + 1, '{'))
        if (strncmp(brace + 1, field, n) == 0 && brace[1 + n] == '}')
            return 1;
    return 0;
}

/* The table's row for code (the last one, internal, for a code it lacks). */
static size_t row_of(int code)
{
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(STATUS); i++)
        if (STATUS[i].code == code)
            return i;
    return SS_ARRAY_LEN(STATUS) - 1;
}

/* The row for err as the answer to r: a missing thing that a body field
 * names is bad input, not a missing page. */
static size_t row(const struct ss_wreq *r, const struct ss_err *err)
{
    if (err->code == SS_ENOTFOUND && !names_url(r, err->field))
        return row_of(SS_EINVAL);
    return row_of(err->code);
}

int ss_web_status(const struct ss_wreq *r, const struct ss_err *err)
{
    return STATUS[row(r, err)].status;
}

const char *ss_web_err_text(const struct ss_wreq *r, const struct ss_err *err, char *buf,
                            size_t cap)
{
    if (ss_web_status(r, err) >= 500 && err->code != SS_EBUSY)
        return L(r, "服务器出错，未作任何更改。");
    return ss_err_text(err, r->lang, buf, cap);
}

/* The detail of a 500, for the server's log. */
static void log_failure(const struct ss_wreq *r, const struct ss_err *err)
{
    struct ss_buf b;

    ss_buf_init(&b, 1024);
    ss_buf_puts(&b, "shishi serve: ");
    ss_esc_log(&b, r->http->method, strlen(r->http->method));
    ss_buf_putc(&b, ' ');
    ss_esc_log(&b, r->http->path, strlen(r->http->path));
    ss_buf_puts(&b, ": ");
    ss_buf_puts(&b, ss_err_code_name(err->code));
    if (err->field[0]) {
        ss_buf_puts(&b, " (");
        ss_esc_log(&b, err->field, strlen(err->field));
        ss_buf_putc(&b, ')');
    }
    ss_buf_puts(&b, ": ");
    ss_esc_log(&b, err->msg, strlen(err->msg));
    fprintf(stderr, "%s\n", b.data ? b.data : "shishi serve: a request failed");
    ss_buf_cleanup(&b);
}

static void member(struct ss_json *j, const struct ss_wreq *r, const char *code,
                   const struct ss_err *err)
{
    char text[SS_ERR_TEXT];

    ss_json_key(j, "error");
    ss_json_obj(j);
    ss_json_kstr(j, "code", code);
    ss_json_kstr(j, "message", ss_web_err_text(r, err, text, sizeof text));
    if (err->field[0])
        ss_json_kstr(j, "field", err->field);
    ss_json_obj_end(j);
}

void ss_web_error_member(struct ss_json *j, const struct ss_wreq *r, const struct ss_err *err)
{
    /* an item of a batch is named by its own id: missing is not_found */
    member(j, r, STATUS[row_of(err->code)].name, err);
}

/* A page of the site saying what went wrong, with a way back. */
static void error_page(struct ss_wreq *r, int status, const char *text)
{
    struct ss_buf *b = &r->resp->body;
    int console = strncmp(r->http->path, "/console", 8) == 0 ||
                  strcmp(r->http->path, "/logout") == 0 || strcmp(r->http->path, "/login") == 0;
    const char *title = status == 404 ? L(r, "未找到") : L(r, "无法完成");

    ss_page_begin(r, title);
    raw(b, "<h1>");
    raw(b, title);
    raw(b, "</h1>\n<p>");
    ss_html(b, text);
    raw(b, "</p>\n<p><a href=\"");
    raw(b, console ? "/console" : "/");
    raw(b, "\">");
    raw(b, console ? L(r, "返回工作台") : L(r, "回到全部实事"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

void ss_web_error_code(struct ss_wreq *r, const char *code, const struct ss_err *err)
{
    int status = ss_web_status(r, err);

    if (status >= 500 && err->code != SS_EBUSY)
        log_failure(r, err);
    ss_buf_reset(&r->resp->body);
    r->resp->status = status;
    r->resp->cache_control = "no-store";
    if (is_api(r)) {
        struct ss_json j;

        r->resp->ctype = JSON_TYPE;
        ss_json_init(&j, &r->resp->body, 0);
        ss_json_obj(&j);
        member(&j, r, code ? code : STATUS[row(r, err)].name, err);
        ss_json_obj_end(&j);
        ss_buf_putc(&r->resp->body, '\n');
    } else {
        char text[SS_ERR_TEXT];

        r->resp->ctype = NULL; /* text/html */
        error_page(r, status, ss_web_err_text(r, err, text, sizeof text));
    }
}

void ss_web_error(struct ss_wreq *r, const struct ss_err *err)
{
    ss_web_error_code(r, NULL, err);
}

void ss_api_error(struct ss_wreq *r, int status, const char *code, const char *msgid)
{
    struct ss_json j;

    ss_buf_reset(&r->resp->body);
    r->resp->status = status;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(&j, &r->resp->body, 0);
    ss_json_obj(&j);
    ss_json_key(&j, "error");
    ss_json_obj(&j);
    ss_json_kstr(&j, "code", code);
    ss_json_kstr(&j, "message", ss_tr(r->lang, msgid));
    ss_json_obj_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}
