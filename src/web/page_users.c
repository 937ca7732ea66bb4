/*
 * page_users.c - /console/users: an administrator's accounts.
 *
 * An admin sees every account of its own org unit and the units below it
 * and may disable or enable one, reset its password (all its sessions
 * end) or unlock it (its failed sign-ins no longer throttle the name).
 * Accounts elsewhere are neither listed nor touched, and an admin does not
 * act on its own account here (it could lock itself out). The rules are
 * core's (ss_auth_may_manage, ss_auth_user_*); this file renders and
 * checks the form.
 *
 * Each action is its own small form with the session's CSRF token; the
 * POST answers 303 back to the list with what was done (a refusal is the
 * list again, with the reason announced). The store's actor is the admin,
 * so the audit log names who did it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "core/auth.h"
#include "store/store_account.h"
#include "store/store_audit.h"
#include "web/render.h"
#include "web/web.h"

#define MAX_LISTED 2000 /* accounts on one page */

static const char *role_words(const struct ss_wreq *r, const char *role)
{
    if (strcmp(role, "admin") == 0)
        return L(r, "管理员");
    if (strcmp(role, "reviewer") == 0)
        return L(r, "审核员");
    if (strcmp(role, "reporter") == 0)
        return L(r, "填报员");
    return L(r, "查看者");
}

struct listing {
    struct ss_wreq *r;
    const struct ss_user *admin;
    const char *csrf;
    int64_t now_window; /* failures after this count towards the throttle */
    int shown;
};

static void action_form(struct ss_buf *b, const char *csrf, const char *name, const char *action,
                        const char *label)
{
    raw(b, "<form method=\"post\" action=\"/console/users\">"
           "<input type=\"hidden\" name=\"csrf\" value=\"");
    ss_attr(b, csrf);
    raw(b, "\"><input type=\"hidden\" name=\"user\" value=\"");
    ss_attr(b, name);
    raw(b, "\"><input type=\"hidden\" name=\"action\" value=\"");
    raw(b, action);
    raw(b, "\"><button type=\"submit\">");
    raw(b, label);
    raw(b, "</button></form>");
}

static int list_one(void *ctx, const struct ss_account_rec *a)
{
    struct listing *l = ctx;
    struct ss_wreq *r = l->r;
    struct ss_buf *b = &r->resp->body;
    long org = ss_engine_org_find(r->e, a->org);
    int self = a->id == l->admin->id, count = 0;
    int64_t oldest;

    if (!self && !ss_auth_may_manage(r->e, l->admin, a->org, a->id))
        return 0;
    if (++l->shown > MAX_LISTED)
        return 1;
    ss_store_login_failures(r->st, a->name, l->now_window, SS_LOGIN_MAX_FAILURES, &count, &oldest);
    raw(b, "<tr><th scope=\"row\">");
    ss_html(b, a->name);
    if (self)
        raw(b, L(r, "（本人）"));
    raw(b, "</th><td>");
    raw(b, role_words(r, a->role));
    raw(b, "</td><td>");
    if (org >= 0) {
        ss_content(r, "span", SS_TEXT_ORG, ss_engine_org(r->e, org)->code,
                   ss_engine_org(r->e, org)->name);
        raw(b, " ");
    }
    raw(b, "(");
    ss_html(b, a->org);
    raw(b, ")");
    if (a->dept[0]) {
        raw(b, " · ");
        ss_zh_open(r, "span");
        ss_html(b, a->dept);
        ss_zh_close(r, "span");
    }
    raw(b, "</td><td>");
    raw(b, a->disabled ? L(r, "已停用") : L(r, "正常"));
    if (count >= SS_LOGIN_MAX_FAILURES)
        raw(b, L(r, "，登录已锁定"));
    raw(b, "</td><td>");
    if (!self) {
        if (a->disabled)
            action_form(b, l->csrf, a->name, "enable", L(r, "启用"));
        else
            action_form(b, l->csrf, a->name, "disable", L(r, "停用"));
        if (count >= SS_LOGIN_MAX_FAILURES)
            action_form(b, l->csrf, a->name, "unlock", L(r, "解除锁定"));
        raw(b, "<form method=\"post\" action=\"/console/users\">"
               "<input type=\"hidden\" name=\"csrf\" value=\"");
        ss_attr(b, l->csrf);
        raw(b, "\"><input type=\"hidden\" name=\"user\" value=\"");
        ss_attr(b, a->name);
        raw(b, "\"><input type=\"hidden\" name=\"action\" value=\"reset\"><label>");
        raw(b, L(r, "新密码"));
        raw(b, " <input type=\"password\" name=\"password\" required minlength=\"8\" "
               "maxlength=\"128\" autocomplete=\"new-password\"></label> <button "
               "type=\"submit\">");
        raw(b, L(r, "重置密码"));
        raw(b, "</button></form>");
    }
    raw(b, "</td></tr>\n");
    return 0;
}

static void users_page(struct ss_wreq *r, const struct ss_user *u, const char *csrf,
                       const char *notice, int alert)
{
    struct ss_buf *b = &r->resp->body;
    const char *heads[] = {L(r, "用户名"), L(r, "角色"), L(r, "所属区划"), L(r, "状态"),
                           L(r, "操作")};
    struct listing l = {r, u, csrf, 0, 0};
    int64_t now = (int64_t)time(NULL);

    l.now_window = now - SS_LOGIN_WINDOW;
    ss_buf_reset(b);
    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "账号管理"));
    raw(b, "<h1>");
    raw(b, L(r, "账号管理"));
    raw(b, "</h1>\n<p>");
    raw(b, L(r, "本单位及下级单位的账号。停用账号或重置密码会立即结束其全部会话；解除锁定后，"
                "该用户名此前的登录失败不再计数。"));
    raw(b, "</p>\n");
    if (notice) {
        raw(b, alert ? "<p class=\"form-error\" role=\"alert\">"
                     : "<p class=\"notice\" role=\"status\">");
        ss_html(b, notice);
        raw(b, "</p>\n");
    }
    ss_table_open(r, "users", L(r, "账号"), heads, SS_ARRAY_LEN(heads));
    if (ss_store_account_each(r->st, list_one, &l) == 1)
        raw(b, "<tr><td colspan=\"5\">…</td></tr>");
    raw(b, "</tbody></table></div>\n<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

/* The signed-in admin and the session's CSRF token; otherwise answered. */
static int admin_of(struct ss_wreq *r, int write, struct ss_user *u, char csrf[SS_TOKEN_HEX])
{
    struct ss_buf *b = &r->resp->body;

    if (ss_web_auth(r, write, u))
        return -1;
    if (ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), u, csrf)) {
        ss_http_redirect(r->resp, "/login");
        return -1;
    }
    if (u->role == SS_ROLE_ADMIN)
        return 0;
    r->resp->status = 403;
    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "无法完成"));
    raw(b, "<h1>");
    raw(b, L(r, "无法完成"));
    raw(b, "</h1>\n<p>");
    raw(b, L(r, "只有管理员可以管理账号。"));
    raw(b, "</p>\n<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
    return -1;
}

void ss_page_users(struct ss_wreq *r)
{
    struct ss_user u;
    char csrf[SS_TOKEN_HEX];
    const char *done = ss_http_arg(r->http, "done"), *notice = NULL;

    if (admin_of(r, 0, &u, csrf))
        return;
    if (done && strcmp(done, "disabled") == 0)
        notice = L(r, "账号已停用，其会话已全部结束。");
    else if (done && strcmp(done, "enabled") == 0)
        notice = L(r, "账号已启用。");
    else if (done && strcmp(done, "reset") == 0)
        notice = L(r, "密码已重置，其会话已全部结束。");
    else if (done && strcmp(done, "unlocked") == 0)
        notice = L(r, "已解除锁定。");
    users_page(r, &u, csrf, notice, 0);
}

void ss_page_users_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_account_rec a;
    struct ss_store *st;
    struct ss_err err;
    char csrf[SS_TOKEN_HEX];
    const char *name = ss_http_field(r->http, "user"), *action = ss_http_field(r->http, "action");
    const char *done;
    char to[64];
    int rc;

    memset(&a, 0, sizeof a);
    if (admin_of(r, 1, &u, csrf))
        return;
    ss_err_clear(&err);
    if (!name || !action || !(st = ss_web_store_rw(r))) {
        r->resp->status = 400;
        users_page(r, &u, csrf, L(r, "请求无效。"), 1);
        return;
    }
    /* an account outside the admin's subtree is answered as if unknown */
    rc = ss_store_account_get(st, name, &a);
    if (rc == 0 && a.id == u.id) {
        r->resp->status = 403;
        users_page(r, &u, csrf, L(r, "不能在此更改自己的账号。"), 1);
        return;
    }
    if (rc != 0 || !ss_auth_may_manage(r->e, &u, a.org, a.id)) {
        r->resp->status = 404;
        users_page(r, &u, csrf, L(r, "没有这个账号，或不在您的管辖范围内。"), 1);
        return;
    }
    if ((rc = ss_store_begin(st, u.name, &err))) {
        r->resp->status = 500;
        users_page(r, &u, csrf, L(r, "未能保存，请重试。"), 1);
        return;
    }
    if (strcmp(action, "disable") == 0) {
        rc = ss_auth_user_set_disabled(st, a.name, 1, &err);
        done = "disabled";
    } else if (strcmp(action, "enable") == 0) {
        rc = ss_auth_user_set_disabled(st, a.name, 0, &err);
        done = "enabled";
    } else if (strcmp(action, "unlock") == 0) {
        rc = ss_auth_user_unlock(st, a.name, &err);
        done = "unlocked";
    } else if (strcmp(action, "reset") == 0) {
        rc = ss_auth_user_set_password(st, a.name, ss_http_field(r->http, "password"), &err);
        done = "reset";
    } else {
        ss_store_rollback(st);
        r->resp->status = 400;
        users_page(r, &u, csrf, L(r, "请求无效。"), 1);
        return;
    }
    if (rc)
        ss_store_rollback(st);
    else
        rc = ss_store_commit(st, &err);
    if (rc) {
        r->resp->status = rc == SS_EINVAL ? 422 : rc == SS_ENOTFOUND ? 404 : 500;
        users_page(
            r, &u, csrf,
            rc == SS_EINVAL ? L(r, "新密码须为 8 到 128 个字节。") : L(r, "未能保存，请重试。"), 1);
        return;
    }
    snprintf(to, sizeof to, "/console/users?done=%s", done);
    ss_http_redirect(r->resp, to);
}
