/*
 * page_login.c - the console's door: the sign-in page (/login), sign-out
 * (POST /logout) and the console's landing page (/console).
 *
 * Login CSRF: SameSite=Strict keeps the session cookie away from other
 * sites' requests, but a sign-in form posted from another site could
 * still sign a person in as someone else (the attacker's account). So the
 * sign-in form carries a pre-session token: GET /login sets it in the
 * cookie ss_login (HttpOnly, SameSite=Strict, one hour) and in a hidden
 * field, and POST /login accepts only when the two match; another site's
 * form cannot read the field nor send the cookie. The core also refuses a
 * POST whose Origin names another site.
 *
 * Pages are server-rendered without script (the CSP forbids inline
 * script); each form has labels, the errors are announced (role=alert),
 * and everything works on a phone.
 */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/engine.h"
#include "web/render.h"
#include "web/web.h"
#include "web/workflow_web.h"

#define LOGIN_COOKIE "ss_login"
#define LOGIN_COOKIE_AGE 3600

static const char *role_text(const struct ss_wreq *r, enum ss_role role)
{
    static const char *const names[] = {N_("管理员"), N_("审核员"),   N_("填报员"),    N_("查看者"),
                                        N_("督查员"), N_("人大代表"), N_("留言审核员")};

    if ((unsigned)role >= SS_ARRAY_LEN(names))
        role = SS_ROLE_VIEWER;
    return ss_tr(r->lang, names[role]);
}

static void hidden_csrf(struct ss_buf *b, const char *csrf)
{
    raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    ss_attr(b, csrf);
    raw(b, "\">");
}

/* The sign-in form; error (plain text) is shown above it when not NULL. */
static void login_form(struct ss_wreq *r, const char *form_token, const char *name,
                       const char *error)
{
    struct ss_buf *b = &r->resp->body;

    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "登录"));
    raw(b, "<h1>");
    raw(b, L(r, "工作人员登录"));
    raw(b, "</h1>\n<p>");
    raw(b, L(r, "供承担民生实事任务的单位填报进度、审核和督办使用。公众查看进展无需登录。"));
    raw(b, "</p>\n");
    if (error) {
        raw(b, "<p class=\"form-error\" role=\"alert\" id=\"login-error\">");
        ss_html(b, error);
        raw(b, "</p>\n");
    }
    raw(b, "<form class=\"stack\" method=\"post\" action=\"/login\">");
    hidden_csrf(b, form_token);
    raw(b, "<p><label for=\"user\">");
    raw(b, L(r, "用户名"));
    raw(b, "</label><input id=\"user\" name=\"user\" type=\"text\" required maxlength=\"63\" "
           "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\"");
    if (error)
        raw(b, " aria-describedby=\"login-error\"");
    if (name) {
        raw(b, " value=\"");
        ss_attr(b, name);
        raw(b, "\"");
    }
    raw(b, "></p>\n<p><label for=\"password\">");
    raw(b, L(r, "密码"));
    raw(b, "</label><input id=\"password\" name=\"password\" type=\"password\" required "
           "maxlength=\"128\" autocomplete=\"current-password\"></p>\n<p><button "
           "type=\"submit\">");
    raw(b, L(r, "登录"));
    raw(b, "</button></p></form>\n");
    ss_page_end(r);
}

void ss_page_login(struct ss_wreq *r)
{
    struct ss_user u;
    char token[SS_TOKEN_HEX];

    if (ss_http_cookie(r->http, SS_SESSION_COOKIE) &&
        ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), &u, NULL) == 0) {
        ss_http_redirect(r->resp, "/console");
        return;
    }
    ss_auth_random_token(token);
    ss_http_resp_cookie_ex(r->resp, LOGIN_COOKIE, token, LOGIN_COOKIE_AGE,
                           SS_COOKIE_STRICT | (r->http->https ? SS_COOKIE_SECURE : 0));
    login_form(r, token, NULL, NULL);
}

/* What the sign-in form says for a refused sign-in (ss_web_login's err). */
static const char *login_error(const struct ss_wreq *r, const struct ss_err *err)
{
    switch (err->code) {
    case SS_ETHROTTLED:
        return err->field[0] ? L(r, "该用户名连续登录失败次数过多，请 15 分钟后再试。")
                             : L(r, "从您的网络登录失败次数过多，请 15 分钟后再试。");
    case SS_EBUSY:
        return L(r, "服务器正忙，请稍后再试。");
    case SS_EUNAUTH:
        return L(r, "用户名或密码不正确。");
    default:
        return L(r, "暂时无法登录，请稍后再试。");
    }
}

void ss_page_login_post(struct ss_wreq *r)
{
    const char *cookie = ss_http_cookie(r->http, LOGIN_COOKIE);
    const char *sent = ss_http_field(r->http, "csrf");
    const char *name = ss_http_field(r->http, "user");
    const char *password = ss_http_field(r->http, "password");
    struct ss_user u;
    struct ss_err err;
    char csrf[SS_TOKEN_HEX];

    if (!ss_auth_token_equal(cookie, sent)) {
        /* a stale or foreign form: start again with a fresh token */
        char token[SS_TOKEN_HEX];
        ss_auth_random_token(token);
        ss_http_resp_cookie_ex(r->resp, LOGIN_COOKIE, token, LOGIN_COOKIE_AGE,
                               SS_COOKIE_STRICT | (r->http->https ? SS_COOKIE_SECURE : 0));
        r->resp->status = 403;
        login_form(r, token, NULL, L(r, "登录表单已过期，请重新输入。"));
        return;
    }
    if (!name || !password || !*name || !*password) {
        r->resp->status = 400;
        login_form(r, cookie, name, L(r, "请输入用户名和密码。"));
        return;
    }
    ss_err_clear(&err);
    if (ss_web_login(r, name, password, &u, csrf, &err)) {
        r->resp->status = ss_web_status(r, &err);
        login_form(r, cookie, name, login_error(r, &err));
        return;
    }
    ss_http_resp_cookie_ex(r->resp, LOGIN_COOKIE, "", 0, SS_COOKIE_STRICT);
    ss_http_redirect(r->resp, "/console");
}

void ss_page_logout_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_store *st;

    if (ss_web_auth(r, 1, &u))
        return;
    st = ss_web_store_rw(r);
    if (st)
        ss_auth_logout(st, ss_http_cookie(r->http, SS_SESSION_COOKIE));
    ss_web_session_cookie(r, NULL);
    ss_http_redirect(r->resp, "/");
}

void ss_page_console(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_user u;
    char csrf[SS_TOKEN_HEX];
    long org;

    if (ss_web_auth(r, 0, &u))
        return;
    if (ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), &u, csrf)) {
        ss_http_redirect(r->resp, "/login");
        return;
    }
    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "工作台"));
    raw(b, "<h1>");
    raw(b, L(r, "工作台"));
    raw(b, "</h1>\n<section aria-labelledby=\"me\"><h2 id=\"me\">");
    raw(b, L(r, "当前账号"));
    raw(b, "</h2>\n<dl class=\"me\"><dt>");
    raw(b, L(r, "用户名"));
    raw(b, "</dt><dd>");
    ss_html(b, u.name);
    raw(b, "</dd><dt>");
    raw(b, L(r, "角色"));
    raw(b, "</dt><dd>");
    raw(b, role_text(r, u.role));
    raw(b, "</dd><dt>");
    raw(b, L(r, "所属区划"));
    raw(b, "</dt><dd>");
    org = ss_engine_org_find(r->e, u.org);
    if (org >= 0) {
        raw(b, "<a href=\"/orgs/");
        ss_attr(b, u.org);
        raw(b, "\">");
        ss_content(r, "span", SS_TEXT_ORG, ss_engine_org(r->e, org)->code,
                   ss_engine_org(r->e, org)->name);
        raw(b, "</a> (");
        ss_html(b, u.org);
        raw(b, ")");
    } else {
        ss_html(b, u.org);
    }
    raw(b, "</dd>");
    if (u.dept[0]) {
        raw(b, "<dt>");
        raw(b, L(r, "部门"));
        raw(b, "</dt><dd>");
        ss_zh_open(r, "span");
        ss_html(b, u.dept);
        ss_zh_close(r, "span");
        raw(b, "</dd>");
    }
    raw(b, "</dl></section>\n");
    ss_wf_console_links(r, &u); /* by role: a reporter sees no reviewer links */
    raw(b, "<form class=\"stack\" method=\"post\" action=\"/logout\">");
    hidden_csrf(b, csrf);
    raw(b, "<p><button type=\"submit\">");
    raw(b, L(r, "退出登录"));
    raw(b, "</button></p></form>\n");
    ss_page_end(r);
}
