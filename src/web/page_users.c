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
        return T(r, "管理员", "Administrator");
    if (strcmp(role, "reviewer") == 0)
        return T(r, "审核员", "Reviewer");
    if (strcmp(role, "reporter") == 0)
        return T(r, "填报员", "Reporter");
    return T(r, "查看者", "Viewer");
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
        raw(b, T(r, "（本人）", " (you)"));
    raw(b, "</th><td>");
    raw(b, role_words(r, a->role));
    raw(b, "</td><td>");
    if (org >= 0) {
        ss_zh_open(r, "span");
        ss_html(b, ss_engine_org(r->e, org)->name);
        ss_zh_close(r, "span");
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
    raw(b, a->disabled ? T(r, "已停用", "Disabled") : T(r, "正常", "Active"));
    if (count >= SS_LOGIN_MAX_FAILURES)
        raw(b, T(r, "，登录已锁定", ", sign-in locked"));
    raw(b, "</td><td>");
    if (!self) {
        if (a->disabled)
            action_form(b, l->csrf, a->name, "enable", T(r, "启用", "Enable"));
        else
            action_form(b, l->csrf, a->name, "disable", T(r, "停用", "Disable"));
        if (count >= SS_LOGIN_MAX_FAILURES)
            action_form(b, l->csrf, a->name, "unlock", T(r, "解除锁定", "Unlock"));
        raw(b, "<form method=\"post\" action=\"/console/users\">"
               "<input type=\"hidden\" name=\"csrf\" value=\"");
        ss_attr(b, l->csrf);
        raw(b, "\"><input type=\"hidden\" name=\"user\" value=\"");
        ss_attr(b, a->name);
        raw(b, "\"><input type=\"hidden\" name=\"action\" value=\"reset\"><label>");
        raw(b, T(r, "新密码", "New password"));
        raw(b, " <input type=\"password\" name=\"password\" required minlength=\"8\" "
               "maxlength=\"128\" autocomplete=\"new-password\"></label> <button "
               "type=\"submit\">");
        raw(b, T(r, "重置密码", "Reset password"));
        raw(b, "</button></form>");
    }
    raw(b, "</td></tr>\n");
    return 0;
}

static void users_page(struct ss_wreq *r, const struct ss_user *u, const char *csrf,
                       const char *notice, int alert)
{
    struct ss_buf *b = &r->resp->body;
    const char *heads[] = {T(r, "用户名", "User name"), T(r, "角色", "Role"),
                           T(r, "所属区划", "Org unit"), T(r, "状态", "State"),
                           T(r, "操作", "Actions")};
    struct listing l = {r, u, csrf, 0, 0};
    int64_t now = (int64_t)time(NULL);

    l.now_window = now - SS_LOGIN_WINDOW;
    ss_buf_reset(b);
    r->resp->cache_control = "no-store";
    ss_page_begin(r, T(r, "账号管理", "Accounts"));
    raw(b, "<h1>");
    raw(b, T(r, "账号管理", "Accounts"));
    raw(b, "</h1>\n<p>");
    raw(b, T(r,
             "本单位及下级单位的账号。停用账号或重置密码会立即结束其全部会话；解除锁定后，"
             "该用户名此前的登录失败不再计数。",
             "Accounts of your unit and the units below it. Disabling an account or resetting "
             "its password ends all its sessions at once; unlocking it clears its failed "
             "sign-ins."));
    raw(b, "</p>\n");
    if (notice) {
        raw(b, alert ? "<p class=\"form-error\" role=\"alert\">"
                     : "<p class=\"notice\" role=\"status\">");
        ss_html(b, notice);
        raw(b, "</p>\n");
    }
    ss_table_open(r, "users", T(r, "账号", "Accounts"), heads, SS_ARRAY_LEN(heads));
    if (ss_store_account_each(r->st, list_one, &l) == 1)
        raw(b, "<tr><td colspan=\"5\">…</td></tr>");
    raw(b, "</tbody></table></div>\n<p><a href=\"/console\">");
    raw(b, T(r, "返回工作台", "Back to the console"));
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
    ss_page_begin(r, T(r, "无法完成", "Refused"));
    raw(b, "<h1>");
    raw(b, T(r, "无法完成", "Refused"));
    raw(b, "</h1>\n<p>");
    raw(b, T(r, "只有管理员可以管理账号。", "Only an administrator manages accounts."));
    raw(b, "</p>\n<p><a href=\"/console\">");
    raw(b, T(r, "返回工作台", "Back to the console"));
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
        notice =
            T(r, "账号已停用，其会话已全部结束。", "The account is disabled; its sessions ended.");
    else if (done && strcmp(done, "enabled") == 0)
        notice = T(r, "账号已启用。", "The account is enabled.");
    else if (done && strcmp(done, "reset") == 0)
        notice = T(r, "密码已重置，其会话已全部结束。",
                   "The password is reset; the account's sessions ended.");
    else if (done && strcmp(done, "unlocked") == 0)
        notice = T(r, "已解除锁定。", "The account is unlocked.");
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
        users_page(r, &u, csrf, T(r, "请求无效。", "The request is malformed."), 1);
        return;
    }
    /* an account outside the admin's subtree is answered as if unknown */
    rc = ss_store_account_get(st, name, &a);
    if (rc == 0 && a.id == u.id) {
        r->resp->status = 403;
        users_page(r, &u, csrf,
                   T(r, "不能在此更改自己的账号。", "You cannot change your own account here."), 1);
        return;
    }
    if (rc != 0 || !ss_auth_may_manage(r->e, &u, a.org, a.id)) {
        r->resp->status = 404;
        users_page(
            r, &u, csrf,
            T(r, "没有这个账号，或不在您的管辖范围内。", "No such account within your scope."), 1);
        return;
    }
    if ((rc = ss_store_begin(st, u.name, &err))) {
        r->resp->status = 500;
        users_page(r, &u, csrf, T(r, "未能保存，请重试。", "It could not be saved: try again."), 1);
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
        users_page(r, &u, csrf, T(r, "请求无效。", "The request is malformed."), 1);
        return;
    }
    if (rc)
        ss_store_rollback(st);
    else
        rc = ss_store_commit(st, &err);
    if (rc) {
        r->resp->status = rc == SS_EINVAL ? 422 : rc == SS_ENOTFOUND ? 404 : 500;
        users_page(r, &u, csrf,
                   rc == SS_EINVAL
                       ? T(r, "新密码须为 8 到 128 个字节。",
                           "The new password must be 8 to 128 bytes long.")
                       : T(r, "未能保存，请重试。", "It could not be saved: try again."),
                   1);
        return;
    }
    snprintf(to, sizeof to, "/console/users?done=%s", done);
    ss_http_redirect(r->resp, to);
}
