/*
 * auth_web.c - sessions over HTTP: the session cookie, the CSRF check
 * every state-changing handler makes (ss_web_auth), and /api/v1/session.
 *
 * The cookie ss_session holds the session token: HttpOnly (no script reads
 * it), SameSite=Strict (no other site's page sends it), Path=/, Max-Age of
 * the session's life, and Secure when the request came over HTTPS (as a
 * trusted reverse proxy, --trusted-proxy, says with X-Forwarded-Proto). The CSRF token is returned
 * in the login answer and by GET /api/v1/session; a client echoes it in
 * X-CSRF-Token (or a form's csrf field) on every write. SameSite already
 * keeps other sites' requests cookie-less; the token is the second lock
 * for browsers or proxies that do not honour it.
 */
#include <jansson.h>
#include <stdio.h>
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

int ss_web_auth(struct ss_wreq *r, int write, struct ss_user *u)
{
    struct ss_err err;
    char csrf[SS_TOKEN_HEX];
    const char *sent;

    memset(u, 0, sizeof *u);
    if (current(r, u, csrf)) {
        if (is_api(r)) {
            ss_err_set(&err, SS_EUNAUTH, "", "Sign in first (POST /api/v1/session).");
            ss_web_error(r, &err);
        } else {
            ss_http_redirect(r->resp, "/login");
        }
        r->resp->cache_control = "no-store";
        return SS_EFORBIDDEN;
    }
    if (!write)
        return SS_OK;
    sent = ss_http_header(r->http, "X-CSRF-Token");
    if (!sent)
        sent = ss_http_field(r->http, "csrf");
    if (!ss_auth_token_equal(sent, csrf)) {
        ss_err_id(&err, SS_EFORBIDDEN, "csrf",
                  is_api(r)
                      ? N_("The X-CSRF-Token header is missing or does not match the session.")
                      : N_("表单已过期，请返回重新提交。"));
        ss_web_error_code(r, "csrf", &err);
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

/* err as code, about field; returns code. */
static int recode(struct ss_err *err, int code, const char *field)
{
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field);
    return code;
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
    if (rc == 0) {
        ss_web_session_cookie(r, token);
        return SS_OK;
    }
    /* ss_auth_login refuses with SS_EFORBIDDEN and says why in err->field;
     * the web answers each reason with its own status (web_err.h) */
    if (rc != SS_EFORBIDDEN)
        return rc;
    if (strcmp(err->field, SS_THROTTLED) == 0)
        return recode(err, SS_ETHROTTLED, "user");
    if (strcmp(err->field, SS_THROTTLED_CLIENT) == 0)
        return recode(err, SS_ETHROTTLED, "");
    if (strcmp(err->field, SS_LOGIN_BUSY) == 0)
        return recode(err, SS_EBUSY, "");
    return recode(err, SS_EUNAUTH, "user");
}

void ss_api_session_get(struct ss_wreq *r)
{
    struct ss_user u;
    char csrf[SS_TOKEN_HEX];

    if (current(r, &u, csrf)) {
        struct ss_err err;

        ss_err_set(&err, SS_EUNAUTH, "", "Not signed in.");
        ss_web_error(r, &err);
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
    ss_err_clear(&err);
    if (!name || !password) {
        ss_err_set(&err, SS_EINVAL, name ? "password" : "user",
                   "user and password must be strings.");
        ss_web_error_code(r, "bad_request", &err);
        goto out;
    }
    if (ss_web_login(r, name, password, &u, csrf, &err)) {
        ss_web_error_code(r, err.code == SS_EUNAUTH ? "bad_credentials" : NULL, &err);
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
        struct ss_err err;

        ss_err_set(&err, SS_EDB, "", "the session could not be ended");
        ss_web_error(r, &err);
        return;
    }
    ss_web_session_cookie(r, NULL);
    r->resp->status = 204;
    r->resp->cache_control = "no-store";
}
