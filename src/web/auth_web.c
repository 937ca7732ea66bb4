/*
 * auth_web.c - sessions over HTTP: the session cookie, the CSRF check
 * every state-changing handler makes (ss_web_auth), and /api/v1/session.
 *
 * The cookie ss_session holds the session token: HttpOnly (no script reads
 * it), SameSite=Strict (no other site's page sends it), Path=/, Max-Age of
 * the session's life, and Secure when the request came over HTTPS (as a
 * reverse proxy says with X-Forwarded-Proto). The CSRF token is returned
 * in the login answer and by GET /api/v1/session; a client echoes it in
 * X-CSRF-Token (or a form's csrf field) on every write. SameSite already
 * keeps other sites' requests cookie-less; the token is the second lock
 * for browsers or proxies that do not honour it.
 */
#include <jansson.h>
#include <string.h>

#include "base/json.h"
#include "base/util.h"
#include "web/render.h"
#include "web/web.h"

#define JSON_TYPE "application/json; charset=utf-8"

static int is_api(const struct ss_wreq *r)
{
    return strncmp(r->http->path, "/api/", 5) == 0;
}

/* The session behind the request's cookie, with its CSRF token. */
static int current(struct ss_wreq *r, struct ss_user *u, char csrf[SS_TOKEN_HEX])
{
    const char *tok = ss_http_cookie(r->http, SS_SESSION_COOKIE);

    if (!tok || !r->st)
        return SS_ENOTFOUND;
    return ss_auth_session(r->st, tok, u, csrf);
}

/* An HTML refusal with the page frame; why is a message id (N_). */
static void html_refusal(struct ss_wreq *r, int status, const char *why)
{
    struct ss_buf *b = &r->resp->body;

    ss_buf_reset(b);
    r->resp->status = status;
    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "无法完成"));
    raw(b, "<h1>");
    raw(b, L(r, "无法完成"));
    raw(b, "</h1>\n<p>");
    raw(b, ss_tr(r->lang, why));
    raw(b, "</p>\n<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

int ss_web_auth(struct ss_wreq *r, int write, struct ss_user *u)
{
    char csrf[SS_TOKEN_HEX];
    const char *sent;

    memset(u, 0, sizeof *u);
    if (current(r, u, csrf)) {
        if (is_api(r))
            ss_api_error(r, 401, "unauthorized", "Sign in first (POST /api/v1/session).");
        else
            ss_http_redirect(r->resp, "/login");
        r->resp->cache_control = "no-store";
        return SS_EFORBIDDEN;
    }
    if (!write)
        return SS_OK;
    sent = ss_http_header(r->http, "X-CSRF-Token");
    if (!sent)
        sent = ss_http_field(r->http, "csrf");
    if (!ss_auth_token_equal(sent, csrf)) {
        if (is_api(r))
            ss_api_error(r, 403, "csrf",
                         "The X-CSRF-Token header is missing or does not match the session.");
        else
            html_refusal(r, 403, N_("表单已过期，请返回重新提交。"));
        return SS_EFORBIDDEN;
    }
    return SS_OK;
}

static void user_json(struct ss_json *j, const struct ss_user *u)
{
    ss_json_key(j, "user");
    ss_json_obj(j);
    ss_json_kstr(j, "name", u->name);
    ss_json_kstr(j, "role", ss_role_str(u->role));
    ss_json_kstr(j, "org", u->org);
    ss_json_kstr(j, "dept", u->dept);
    ss_json_obj_end(j);
}

static void session_json(struct ss_wreq *r, const struct ss_user *u, const char *csrf)
{
    struct ss_json j;

    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(&j, &r->resp->body, 0);
    ss_json_obj(&j);
    user_json(&j, u);
    ss_json_kstr(&j, "csrf", csrf);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}

void ss_web_session_cookie(struct ss_wreq *r, const char *token)
{
    int flags = SS_COOKIE_STRICT | (r->http->https ? SS_COOKIE_SECURE : 0);

    if (token)
        ss_http_resp_cookie_ex(r->resp, SS_SESSION_COOKIE, token, SS_SESSION_SECONDS, flags);
    else
        ss_http_resp_cookie_ex(r->resp, SS_SESSION_COOKIE, "", 0, flags);
}

int ss_web_login(struct ss_wreq *r, const char *name, const char *password, struct ss_user *u,
                 char csrf[SS_TOKEN_HEX], struct ss_err *err)
{
    struct ss_store *st = ss_web_store_rw(r);
    char token[SS_TOKEN_HEX];
    int rc;

    if (!st)
        return ss_err_set(err, SS_EDB, "", "the database cannot be written");
    rc = ss_auth_login(st, name, password, r->http->ip, token, csrf, u, err);
    if (rc == 0)
        ss_web_session_cookie(r, token);
    return rc;
}

void ss_api_session_get(struct ss_wreq *r)
{
    struct ss_user u;
    char csrf[SS_TOKEN_HEX];

    if (current(r, &u, csrf)) {
        ss_api_error(r, 401, "unauthorized", "Not signed in.");
        return;
    }
    session_json(r, &u, csrf);
}

void ss_api_session_post(struct ss_wreq *r)
{
    json_t *body = ss_api_json_body(r);
    const char *name, *password;
    struct ss_user u;
    struct ss_err err;
    char csrf[SS_TOKEN_HEX];

    if (!body)
        return;
    name = json_string_value(json_object_get(body, "user"));
    password = json_string_value(json_object_get(body, "password"));
    if (!name || !password) {
        ss_api_error(r, 400, "bad_request", "user and password must be strings.");
        goto out;
    }
    ss_err_clear(&err);
    if (ss_web_login(r, name, password, &u, csrf, &err)) {
        if (err.code == SS_EFORBIDDEN &&
            (strcmp(err.field, SS_THROTTLED) == 0 || strcmp(err.field, SS_THROTTLED_CLIENT) == 0))
            ss_api_err(r, 429, "throttled", &err);
        else if (err.code == SS_EFORBIDDEN && strcmp(err.field, SS_LOGIN_BUSY) == 0)
            ss_api_err(r, 503, "busy", &err);
        else if (err.code == SS_EFORBIDDEN)
            ss_api_error(r, 401, "bad_credentials", "Wrong user name or password.");
        else
            ss_api_error(r, 500, "internal", "The sign-in could not be saved; try again.");
        goto out;
    }
    session_json(r, &u, csrf);
out:
    json_decref(body);
}

void ss_api_session_delete(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_store *st;

    if (ss_web_auth(r, 1, &u))
        return;
    st = ss_web_store_rw(r);
    if (!st || ss_auth_logout(st, ss_http_cookie(r->http, SS_SESSION_COOKIE))) {
        ss_api_error(r, 500, "internal", "The session could not be ended; try again.");
        return;
    }
    ss_web_session_cookie(r, NULL);
    r->resp->status = 204;
    r->resp->cache_control = "no-store";
}
