/*
 * page_message.c - the public's messages on pages (message_web.h): the
 * section and the phone-first form under every project, target and
 * place, the form's post, the writer's ticket page (/messages/{ticket})
 * with the answer and the helpful mark, a published message's photo, the
 * console's queue (/console/messages) and the supervision page's section.
 *
 * No script anywhere: plain forms, labels, errors announced (role=alert),
 * a form that fails is shown again with what was typed. Every text a
 * visitor sent goes through ss_html (or ss_attr): a message holding
 * <script> or =HYPERLINK(...) reads as those characters. The contact is
 * never read back on any page.
 *
 * The form cookie (see message_web.h): ss_form, signed, SameSite=Strict,
 * set by the page that shows a form unless it has one; a post without a
 * valid one is refused (403, the form shown again with what was typed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/message.h"
#include "store/store_seal.h"
#include "store/store_workflow.h"
#include "web/message_web.h"
#include "web/render.h"
#include "web/workflow_web.h"

#define FORM_COOKIE "ss_form"
#define FORM_COOKIE_AGE (24 * 3600)

static const char *kind_text(const struct ss_wreq *r, const char *kind)
{
    if (strcmp(kind, "complaint") == 0)
        return L(r, "投诉");
    if (strcmp(kind, "question") == 0)
        return L(r, "咨询");
    return L(r, "建议");
}

static const char *reason_text(const struct ss_wreq *r, const char *reason)
{
    static const char *const words[] = {N_("辱骂或人身攻击"), N_("含他人隐私"), N_("广告"),
                                        N_("与民生实事无关"), N_("重复"),       N_("违法内容")};
    size_t i;

    for (i = 0; i < SS_MESSAGE_NREASONS; i++)
        if (strcmp(reason, ss_message_reasons[i]) == 0)
            return ss_tr(r->lang, words[i]);
    return reason;
}

static const char *status_text(const struct ss_wreq *r, const char *status)
{
    if (strcmp(status, "published") == 0)
        return L(r, "已公开");
    if (strcmp(status, "hidden") == 0)
        return L(r, "未公开");
    return L(r, "已收到，待审核");
}

/* The form cookie: a nonce (16 hex digits) and the first 32 hex digits
 * of its keyed digest (store_seal.h, FORM_CONTEXT), so only a cookie this
 * site issued counts. It is SameSite=Strict: a form another site's page
 * posts arrives without it. The page's bytes do not depend on it (no
 * hidden field), so pages stay the same for everyone (ETags, gzip). */
#define FORM_CONTEXT "shishi form cookie v1"
#define FORM_NONCE 16
#define FORM_MAC 32

/* 1 when value is a cookie this site issued. */
static int form_cookie_valid(struct ss_wreq *r, const char *value)
{
    char nonce[FORM_NONCE + 1], mac[SS_SEAL_DIGEST_HEX];
    struct ss_err err;

    if (!value || strlen(value) != FORM_NONCE + FORM_MAC)
        return 0;
    memcpy(nonce, value, FORM_NONCE);
    nonce[FORM_NONCE] = '\0';
    if (ss_store_seal_digest(r->st, FORM_CONTEXT, nonce, mac, &err))
        return 0;
    mac[FORM_MAC] = '\0';
    return ss_auth_token_equal(mac, value + FORM_NONCE);
}

/* Set the form cookie unless the request carries a valid one. */
static void form_cookie(struct ss_wreq *r)
{
    char token[SS_TOKEN_HEX], mac[SS_SEAL_DIGEST_HEX], value[FORM_NONCE + FORM_MAC + 1];
    struct ss_err err;

    if (form_cookie_valid(r, ss_http_cookie(r->http, FORM_COOKIE)))
        return;
    ss_auth_random_token(token);
    token[FORM_NONCE] = '\0';
    if (ss_store_seal_digest(r->st, FORM_CONTEXT, token, mac, &err))
        return; /* no key: the post will say the form expired */
    memcpy(value, token, FORM_NONCE);
    memcpy(value + FORM_NONCE, mac, FORM_MAC);
    value[FORM_NONCE + FORM_MAC] = '\0';
    ss_http_resp_cookie_ex(r->resp, FORM_COOKIE, value, FORM_COOKIE_AGE,
                           SS_COOKIE_STRICT | (r->http->https ? SS_COOKIE_SECURE : 0));
}

static int form_token_ok(struct ss_wreq *r)
{
    return form_cookie_valid(r, ss_http_cookie(r->http, FORM_COOKIE));
}

/* What was typed into a form that failed, to show it again. */
struct typed {
    const char *kind, *text, *contact, *error;
};

/* The form to send a message about (about, target_id, project_no) at
 * org code (may be NULL). */
static void message_form(struct ss_wreq *r, const char *about, int64_t target_id, int project_no,
                         const char *code, const struct typed *t)
{
    static const char *const kinds[] = {"suggestion", "complaint", "question"};
    struct ss_buf *b = &r->resp->body;
    char num[24];
    size_t i;

    form_cookie(r);
    raw(b, "<form class=\"stack message-form\" method=\"post\" action=\"/messages\" "
           "enctype=\"multipart/form-data\" aria-labelledby=\"h-msg-form\">");
    raw(b, "<h3 id=\"h-msg-form\">");
    raw(b, L(r, "我要留言"));
    raw(b, "</h3>");
    if (t && t->error) {
        raw(b, "<p class=\"form-error\" role=\"alert\" id=\"msg-error\">");
        ss_html(b, t->error);
        raw(b, "</p>");
    }
    ss_wf_hidden(b, "about", about);
    if (target_id) {
        snprintf(num, sizeof num, "%lld", (long long)target_id);
        ss_wf_hidden(b, "target", num);
    }
    if (project_no) {
        snprintf(num, sizeof num, "%d", project_no);
        ss_wf_hidden(b, "project", num);
    }
    if (code)
        ss_wf_hidden(b, "org", code);
    raw(b, "<fieldset><legend>");
    raw(b, L(r, "类别"));
    raw(b, "</legend>");
    for (i = 0; i < SS_ARRAY_LEN(kinds); i++) {
        int on = t && t->kind ? strcmp(t->kind, kinds[i]) == 0 : i == 0;
        ss_buf_printf(
            b, "<label class=\"choice\"><input type=\"radio\" name=\"kind\" value=\"%s\"%s> ",
            kinds[i], on ? " checked" : "");
        raw(b, kind_text(r, kinds[i]));
        raw(b, "</label> ");
    }
    raw(b, "</fieldset><p><label for=\"msg-text\">");
    raw(b, L(r, "留言内容"));
    ss_buf_printf(b,
                  "</label><textarea id=\"msg-text\" name=\"text\" rows=\"5\" required "
                  "maxlength=\"%d\"%s>",
                  SS_MAX_MESSAGE / 3, t && t->error ? " aria-describedby=\"msg-error\"" : "");
    if (t && t->text)
        ss_html(b, t->text);
    raw(b, "</textarea></p><p><label for=\"msg-contact\">");
    raw(b, L(r, "联系方式（选填：手机号或电子邮箱）"));
    ss_buf_printf(b,
                  "</label><input id=\"msg-contact\" name=\"contact\" type=\"text\" "
                  "maxlength=\"%d\" autocomplete=\"tel\" aria-describedby=\"msg-contact-note\"",
                  SS_MAX_CONTACT);
    if (t && t->contact) {
        raw(b, " value=\"");
        ss_attr(b, t->contact);
        raw(b, "\"");
    }
    raw(b, "></p><p class=\"note\" id=\"msg-contact-note\">");
    raw(b, L(r, "联系方式只供工作人员回访，加密保存，任何公开页面都不显示。"));
    raw(b, "</p><p><label for=\"msg-photo\">");
    raw(b, L(r, "照片（选填：JPEG 或 PNG，5 MB 以内，审核公开后可见）"));
    raw(b, "</label><input id=\"msg-photo\" name=\"photo\" type=\"file\" "
           "accept=\"image/jpeg,image/png\"></p>");
    /* the honeypot: people never see it (CSS), robots fill it in */
    raw(b, "<div class=\"hp\" aria-hidden=\"true\"><label for=\"msg-website\">");
    raw(b, L(r, "请勿填写此项"));
    raw(b, "</label><input id=\"msg-website\" name=\"website\" type=\"text\" tabindex=\"-1\" "
           "autocomplete=\"off\"></div>");
    raw(b, "<p><button type=\"submit\">");
    raw(b, L(r, "提交留言"));
    raw(b, "</button></p><p class=\"note\">");
    raw(b, L(r, "无需登录。留言经审核后公开，由责任单位公开答复；提交后您会得到一个查询链接。"
                "本表单只接受本站页面设置的表单 Cookie（一天后失效，不识别个人），"
                "同一网络和同一联系方式每小时、每天的留言条数有限，相同内容一天内只收一次。"));
    raw(b, "</p></form>\n");
}

static void photo_line(struct ss_wreq *r, const struct ss_message *m)
{
    struct ss_buf *b = &r->resp->body;

    if (!m->photo_sha256[0])
        return;
    ss_buf_printf(b, "<p><img class=\"msg-photo\" src=\"/messages/photos/%lld\" alt=\"",
                  (long long)m->id);
    raw(b, L(r, "留言所附照片"));
    raw(b, "\" loading=\"lazy\"></p>");
}

/* One message with its answer, for the public. */
static void message_item(struct ss_wreq *r, const struct ss_message *m)
{
    struct ss_buf *b = &r->resp->body;
    long at = ss_engine_org_by_id(r->e, m->org_id);

    ss_buf_printf(b, "<li class=\"message\" id=\"m%lld\"><p class=\"msg-meta\">", (long long)m->id);
    raw(b, kind_text(r, m->kind));
    raw(b, " · ");
    ss_html(b, m->moderated_on[0] ? m->moderated_on : m->received_on);
    if (at >= 0) {
        raw(b, " · ");
        ss_content(r, "span", SS_TEXT_ORG, ss_engine_org(r->e, at)->code,
                   ss_engine_org(r->e, at)->name);
    }
    raw(b, "</p><p class=\"msg-text\">");
    ss_html(b, m->text);
    raw(b, "</p>");
    if (strcmp(m->status, "published") == 0)
        photo_line(r, m);
    if (m->reply) {
        raw(b, "<div class=\"msg-reply\"><p class=\"msg-meta\">");
        raw(b, L(r, "答复"));
        raw(b, " · ");
        if (at >= 0)
            ss_content(r, "span", SS_TEXT_ORG, ss_engine_org(r->e, at)->code,
                       ss_engine_org(r->e, at)->name);
        raw(b, " · ");
        ss_html(b, m->replied_on);
        if (m->helpful >= 0) {
            raw(b, " · ");
            raw(b, m->helpful ? L(r, "留言人认为有帮助") : L(r, "留言人认为没有帮助"));
        }
        raw(b, "</p><p class=\"msg-text\">");
        ss_html(b, m->reply);
        raw(b, "</p></div>");
    } else if (m->deadline[0]) {
        raw(b, "<p class=\"msg-meta\">");
        raw(b, L(r, "待答复，答复期限"));
        raw(b, " ");
        ss_html(b, m->deadline);
        raw(b, "</p>");
    }
    raw(b, "</li>\n");
}

void ss_message_section(struct ss_wreq *r, const char *about, int64_t target_id, int project_no,
                        long org)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_message *list = NULL;
    int hidden_n[SS_MESSAGE_NREASONS], total = 0, k;
    size_t n = 0, i;
    const char *code = org >= 0 && (strcmp(about, "org") == 0 || org != ss_engine_top_org(r->e))
                           ? ss_engine_org(r->e, org)->code
                           : NULL;

    if (ss_message_collect(r, about, target_id, project_no, org, &list, &n, hidden_n))
        n = 0;
    raw(b, "<section aria-labelledby=\"h-messages\" class=\"messages\"><h2 id=\"h-messages\">");
    raw(b, L(r, "群众意见建议"));
    raw(b, "</h2>\n");
    if (n) {
        raw(b, "<ul class=\"message-list\">");
        for (i = 0; i < n; i++)
            message_item(r, &list[i]);
        raw(b, "</ul>\n");
    } else {
        raw(b, "<p>");
        raw(b, L(r, "还没有公开的留言。"));
        raw(b, "</p>\n");
    }
    for (k = 0; k < SS_MESSAGE_NREASONS; k++)
        total += hidden_n[k];
    if (total) {
        raw(b, "<p class=\"note\">");
        ss_buf_printf(b, L(r, "另有 %d 条留言经审核未公开："), total);
        for (k = 0; k < SS_MESSAGE_NREASONS; k++)
            if (hidden_n[k]) {
                raw(b, reason_text(r, ss_message_reasons[k]));
                ss_buf_printf(b, " %d；", hidden_n[k]);
            }
        raw(b, "</p>\n");
    }
    message_form(r, about, target_id, project_no, code, NULL);
    raw(b, "</section>\n");
    ss_store_messages_free(list, n);
}

/* ---- the form's post ----------------------------------------------------------- */

/* The page a refused form comes back on: the error, the form filled in. */
static void form_again(struct ss_wreq *r, const struct ss_message_in *in, int status,
                       const char *error)
{
    struct typed t = {in->kind, in->text, in->contact, error};
    long org = in->org ? ss_engine_org_find(r->e, in->org) : -1;

    r->resp->status = status;
    r->resp->cache_control = "no-store";
    ss_buf_reset(&r->resp->body);
    ss_page_begin(r, L(r, "留言未能提交"));
    raw(&r->resp->body, "<h1>");
    raw(&r->resp->body, L(r, "留言未能提交"));
    raw(&r->resp->body, "</h1>\n");
    message_form(r, in->about ? in->about : "target", in->target_id, in->project_no,
                 org >= 0 ? ss_engine_org(r->e, org)->code : NULL, &t);
    ss_page_end(r);
}

static const char *sniff_photo(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    return NULL;
}

void ss_page_message_post(struct ss_wreq *r)
{
    const struct ss_http_field *photo = ss_http_file(r->http, "photo");
    const char *trap = ss_http_field(r->http, "website");
    const char *target = ss_http_field(r->http, "target"),
               *project = ss_http_field(r->http, "project");
    struct ss_message_in in;
    struct ss_store *st;
    struct ss_err err;
    char ticket[SS_TICKET_LEN + 1], path[80], hex[65], msg[1024];
    struct ss_throttle_verdict verdict;
    const char *mime = NULL;
    long v;
    int64_t id;

    memset(&in, 0, sizeof in);
    in.about = ss_http_field(r->http, "about");
    in.target_id = target && ss_parse_long(target, &v) == 0 ? v : 0;
    in.project_no = project && ss_parse_long(project, &v) == 0 && v > 0 && v < 1000 ? (int)v : 0;
    in.org = ss_http_field(r->http, "org");
    in.kind = ss_http_field(r->http, "kind");
    in.text = ss_http_field(r->http, "text");
    in.contact = ss_http_field(r->http, "contact");
    if (!form_token_ok(r)) {
        form_again(r, &in, 403, L(r, "表单已过期，请重新提交。"));
        return;
    }
    if (trap && *trap) {
        char token[SS_TOKEN_HEX];
        ss_auth_random_token(token);
        token[SS_TICKET_LEN] = '\0';
        snprintf(path, sizeof path, "/messages/%s", token);
        ss_http_redirect(r->resp, path);
        return;
    }
    ss_err_clear(&err);
    if (photo && photo->len) {
        if (photo->len > SS_MAX_PHOTO ||
            !(mime = sniff_photo((const unsigned char *)photo->value, photo->len))) {
            form_again(r, &in, 400, L(r, "照片须为 JPEG 或 PNG，5 MB 以内。"));
            return;
        }
    }
    if (ss_message_check(r->e, &in, &err)) {
        form_again(r, &in, ss_web_status(r, &err), ss_web_err_text(r, &err, msg, sizeof msg));
        return;
    }
    if (!(st = ss_web_store_rw(r))) {
        form_again(r, &in, 500, L(r, "暂时无法提交，请稍后再试。"));
        return;
    }
    /* a refused client keeps no file: asked before the photo is kept
     * (ss_message_post admits the attempt itself) */
    if (mime &&
        (ss_throttle_check(st, &(struct ss_throttle_key){&ss_message_per_client, r->http->ip}, 1,
                           (int64_t)time(NULL), &verdict, &err) ||
         ss_wf_evidence_keep(st, photo, hex, &mime, &err))) {
        form_again(r, &in, ss_web_status(r, &err), ss_web_err_text(r, &err, msg, sizeof msg));
        return;
    }
    in.photo_sha256 = mime ? hex : NULL;
    in.photo_mime = mime;
    if (ss_message_post(st, r->e, &in, r->http->ip, (int64_t)time(NULL), &id, ticket, &err)) {
        form_again(r, &in, ss_web_status(r, &err), ss_web_err_text(r, &err, msg, sizeof msg));
        return;
    }
    snprintf(path, sizeof path, "/messages/%s", ticket);
    ss_http_redirect(r->resp, path);
}

/* ---- the writer's page --------------------------------------------------------- */

void ss_page_message_ticket(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_message m;

    if (ss_message_by_ticket(r->st, r->param, &m)) {
        ss_page_not_found(r);
        return;
    }
    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "我的留言"));
    raw(b, "<h1>");
    raw(b, L(r, "我的留言"));
    raw(b, "</h1>\n<p>");
    raw(b, L(r, "请保存本页链接：凭它查看办理情况和答复，无需账号。"));
    raw(b, "</p>\n<dl class=\"facts\"><dt>");
    raw(b, L(r, "状态"));
    raw(b, "</dt><dd>");
    raw(b, status_text(r, m.status));
    if (m.hide_reason[0]) {
        raw(b, L(r, "："));
        raw(b, reason_text(r, m.hide_reason));
    }
    raw(b, "</dd><dt>");
    raw(b, L(r, "类别"));
    raw(b, "</dt><dd>");
    raw(b, kind_text(r, m.kind));
    raw(b, "</dd><dt>");
    raw(b, L(r, "收到日期"));
    raw(b, "</dt><dd>");
    ss_html(b, m.received_on);
    raw(b, "</dd></dl>\n<ul class=\"message-list\">");
    message_item(r, &m);
    raw(b, "</ul>\n");
    if (m.reply && strcmp(m.status, "published") == 0) {
        form_cookie(r);
        raw(b, "<form class=\"stack\" method=\"post\" action=\"/messages/");
        ss_attr(b, r->param);
        raw(b, "\"><fieldset><legend>");
        raw(b, L(r, "这个答复对您有帮助吗？"));
        raw(b, "</legend>");
        raw(b, "<button type=\"submit\" name=\"helpful\" value=\"1\">");
        raw(b, L(r, "有帮助"));
        raw(b, "</button> <button type=\"submit\" name=\"helpful\" value=\"0\">");
        raw(b, L(r, "没有帮助"));
        raw(b, "</button></fieldset></form>\n");
    }
    ss_page_end(r);
    ss_store_message_cleanup(&m);
}

void ss_page_message_rate(struct ss_wreq *r)
{
    const char *h = ss_http_field(r->http, "helpful");
    struct ss_store *st;
    struct ss_err err;
    char path[80];

    if (!form_token_ok(r)) {
        ss_page_refusal(r, L(r, "我的留言"), 403, L(r, "表单已过期，请重新提交。"));
        return;
    }
    if (!h || (strcmp(h, "0") && strcmp(h, "1"))) {
        ss_page_refusal(r, L(r, "我的留言"), 400, L(r, "请选择有帮助或没有帮助。"));
        return;
    }
    ss_err_clear(&err);
    if (!(st = ss_web_store_rw(r)) || ss_message_rate(st, r->param, h[0] == '1', &err)) {
        if (!st)
            ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        ss_web_error(r, &err);
        return;
    }
    snprintf(path, sizeof path, "/messages/%s", r->param);
    ss_http_redirect(r->resp, path);
}

void ss_page_message_photo(struct ss_wreq *r)
{
    struct ss_message m;
    struct ss_err err;
    char dir[SS_EVIDENCE_DIR_MAX], path[SS_EVIDENCE_DIR_MAX + 80], buf[16384];
    struct ss_user u;
    long id;
    size_t k;
    int shown = 0;
    FILE *f;

    if (ss_parse_long(r->param, &id) || id < 1 || ss_store_message_get(r->st, id, &m)) {
        ss_page_not_found(r);
        return;
    }
    /* a published message's photo for anyone, another's for the staff who
     * may moderate it; only as the image type sniffed */
    if (strcmp(m.status, "published") == 0) {
        shown = 1;
    } else if (ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), &u, NULL) ==
               SS_OK) {
        shown = ss_message_may_moderate(r->e, &u, &m);
    }
    if (!shown || !m.photo_sha256[0] ||
        (strcmp(m.photo_mime, "image/jpeg") && strcmp(m.photo_mime, "image/png")) ||
        ss_store_evidence_dir(r->st, dir, sizeof dir, &err) ||
        snprintf(path, sizeof path, "%s/%s", dir, m.photo_sha256) >= (int)sizeof path ||
        !(f = fopen(path, "rb"))) {
        ss_store_message_cleanup(&m);
        ss_page_not_found(r);
        return;
    }
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        ss_buf_put(&r->resp->body, buf, k);
    fclose(f);
    r->resp->ctype = strcmp(m.photo_mime, "image/png") == 0 ? "image/png" : "image/jpeg";
    r->resp->cache_control =
        strcmp(m.status, "published") == 0 ? "public, max-age=86400" : "no-store";
    snprintf(r->resp->disposition, sizeof r->resp->disposition, "inline; filename=\"%lld.%s\"",
             (long long)id, strcmp(m.photo_mime, "image/png") == 0 ? "png" : "jpg");
    snprintf(r->resp->etag, sizeof r->resp->etag, "\"%s\"", m.photo_sha256);
    ss_store_message_cleanup(&m);
}

/* ---- the console ---------------------------------------------------------------- */

static void about_link(struct ss_wreq *r, const struct ss_message *m)
{
    struct ss_buf *b = &r->resp->body;
    long at = ss_engine_org_by_id(r->e, m->org_id);
    const char *code = at >= 0 ? ss_engine_org(r->e, at)->code : "";

    if (m->target_id) {
        long ti = ss_plan_target_index(r->plan, m->target_id);
        ss_buf_printf(b, "<a href=\"/targets/%lld?org=", (long long)m->target_id);
        ss_attr(b, code);
        raw(b, "\">");
        if (ti >= 0)
            ss_content_id(r, "span", SS_TEXT_TARGET, m->target_id, r->plan->targets[ti].metric);
        raw(b, "</a>");
    } else if (m->project_no) {
        ss_buf_printf(b, "<a href=\"/projects/%d\">", m->project_no);
        ss_buf_printf(b, L(r, "第%d件实事"), m->project_no);
        raw(b, "</a>");
    } else if (at >= 0) {
        raw(b, "<a href=\"/orgs/");
        ss_attr(b, code);
        raw(b, "\">");
        ss_content(r, "span", SS_TEXT_ORG, code, ss_engine_org(r->e, at)->name);
        raw(b, "</a>");
    }
}

static void console_form_open(struct ss_wreq *r, const char *csrf, int64_t id, const char *action)
{
    struct ss_buf *b = &r->resp->body;
    char num[24];

    raw(b, "<form class=\"inline\" method=\"post\" action=\"/console/messages\">");
    ss_wf_hidden(b, "csrf", csrf);
    snprintf(num, sizeof num, "%lld", (long long)id);
    ss_wf_hidden(b, "id", num);
    ss_wf_hidden(b, "action", action);
}

/* One message in the queue with the forms u may use on it. */
static void queue_item(struct ss_wreq *r, const struct ss_user *u, const char *csrf,
                       const struct ss_message *m)
{
    struct ss_buf *b = &r->resp->body;
    int mod = ss_message_may_moderate(r->e, u, m), rep = ss_message_may_reply(r->e, u, m);
    size_t k;

    ss_buf_printf(b, "<li class=\"message\" id=\"q%lld\"><p class=\"msg-meta\">#%lld · ",
                  (long long)m->id, (long long)m->id);
    raw(b, kind_text(r, m->kind));
    raw(b, " · ");
    raw(b, status_text(r, m->status));
    raw(b, " · ");
    ss_html(b, m->received_on);
    raw(b, " · ");
    about_link(r, m);
    if (m->dept) {
        raw(b, " · ");
        ss_zh_open(r, "span");
        ss_html(b, m->dept);
        ss_zh_close(r, "span");
    }
    raw(b, "</p><p class=\"msg-text\">");
    ss_html(b, m->text);
    raw(b, "</p>");
    photo_line(r, m);
    if (mod && strcmp(m->status, "received") == 0) {
        console_form_open(r, csrf, m->id, "publish");
        raw(b, "<button type=\"submit\">");
        raw(b, L(r, "公开"));
        raw(b, "</button></form>");
    }
    if (mod && strcmp(m->status, "hidden") != 0) {
        console_form_open(r, csrf, m->id, "hide");
        ss_buf_printf(b, "<label for=\"reason-%lld\">", (long long)m->id);
        raw(b, L(r, "不公开的理由"));
        ss_buf_printf(b, "</label><select id=\"reason-%lld\" name=\"reason\">", (long long)m->id);
        for (k = 0; k < SS_MESSAGE_NREASONS; k++) {
            ss_buf_printf(b, "<option value=\"%s\">", ss_message_reasons[k]);
            raw(b, reason_text(r, ss_message_reasons[k]));
            raw(b, "</option>");
        }
        raw(b, "</select> <button type=\"submit\">");
        raw(b, L(r, "不公开"));
        raw(b, "</button></form>");
    }
    if (rep && strcmp(m->status, "published") == 0 && !m->reply) {
        console_form_open(r, csrf, m->id, "reply");
        ss_buf_printf(b, "<label for=\"reply-%lld\">", (long long)m->id);
        raw(b, L(r, "公开答复"));
        ss_buf_printf(b,
                      "</label><textarea id=\"reply-%lld\" name=\"text\" rows=\"3\" required "
                      "maxlength=\"%d\"></textarea> <button type=\"submit\">",
                      (long long)m->id, SS_MAX_REPLY / 3);
        raw(b, L(r, "答复"));
        raw(b, "</button></form>");
    }
    if (m->reply) {
        raw(b, "<div class=\"msg-reply\"><p class=\"msg-meta\">");
        raw(b, L(r, "答复"));
        raw(b, " · ");
        ss_html(b, m->replied_on);
        raw(b, "</p><p class=\"msg-text\">");
        ss_html(b, m->reply);
        raw(b, "</p></div>");
    }
    raw(b, "</li>\n");
}

void ss_page_messages_console(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_store_message_filter f;
    struct ss_message *list = NULL;
    struct ss_user u;
    char csrf[SS_TOKEN_HEX];
    size_t n = 0, i, shown = 0;
    const char *done = ss_http_arg(r->http, "done");

    if (ss_web_auth(r, 0, &u) || ss_wf_session_csrf(r, &u, csrf))
        return;
    r->resp->cache_control = "no-store";
    memset(&f, 0, sizeof f);
    f.plan_id = r->plan->id;
    ss_store_message_list(r->st, &f, &list, &n);
    ss_page_begin(r, L(r, "群众留言"));
    raw(b, "<h1>");
    raw(b, L(r, "群众留言"));
    raw(b, "</h1>\n");
    if (done && *done) {
        raw(b, "<p role=\"status\">");
        raw(b, L(r, "已保存。"));
        raw(b, "</p>\n");
    }
    raw(b, "<p>");
    raw(b,
        L(r,
          "留言审核员和督查员审核本辖区的新留言；责任单位的填报员和审核员公开答复已公开的留言。"));
    raw(b, "</p>\n<ul class=\"message-list\">");
    for (i = 0; i < n; i++) {
        const struct ss_message *m = &list[i];
        int mod = ss_message_may_moderate(r->e, &u, m);
        int rep = strcmp(m->status, "published") == 0 && ss_message_may_reply(r->e, &u, m);
        /* moderators: what waits for them; units: what waits for an answer */
        if ((mod && strcmp(m->status, "received") == 0) || (rep && !m->reply)) {
            queue_item(r, &u, csrf, m);
            shown++;
        }
    }
    raw(b, "</ul>\n");
    if (!shown) {
        raw(b, "<p>");
        raw(b, L(r, "没有待处理的留言。"));
        raw(b, "</p>\n");
    }
    raw(b, "<p><a href=\"/console/messages.csv\">");
    raw(b, L(r, "下载留言（CSV）"));
    raw(b, "</a></p>\n");
    raw(b, "<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
    ss_store_messages_free(list, n);
}

void ss_page_messages_console_post(struct ss_wreq *r)
{
    const char *action = ss_http_field(r->http, "action"), *sid = ss_http_field(r->http, "id");
    struct ss_store *st;
    struct ss_user u;
    struct ss_err err;
    int64_t notice = 0;
    long id;
    int rc;

    if (ss_web_auth(r, 1, &u))
        return;
    ss_err_clear(&err);
    if (!sid || ss_parse_long(sid, &id) || id < 1 || !action) {
        ss_err_set(&err, SS_EINVAL, "id", "The message id must be a positive integer.");
        ss_web_error(r, &err);
        return;
    }
    if (!(st = ss_web_store_rw(r))) {
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        ss_web_error(r, &err);
        return;
    }
    if (strcmp(action, "publish") == 0)
        rc = ss_message_publish(st, r->e, &u, id, ss_date_today(), &err);
    else if (strcmp(action, "hide") == 0)
        rc = ss_message_hide(st, r->e, &u, id, ss_http_field(r->http, "reason"), ss_date_today(),
                             &err);
    else if (strcmp(action, "reply") == 0)
        rc = ss_message_reply(st, r->e, &u, id, ss_http_field(r->http, "text"), ss_date_today(),
                              &err);
    else if (strcmp(action, "notice") == 0)
        rc = ss_message_to_notice(st, r->e, &u, id, ss_date_today(), &notice, &err);
    else
        rc = ss_err_set(&err, SS_EINVAL, "action", "action must be publish, hide, reply or notice");
    if (rc) {
        ss_web_error(r, &err);
        return;
    }
    if (notice) {
        char path[64];
        snprintf(path, sizeof path, "/console/notices/%lld", (long long)notice);
        ss_http_redirect(r->resp, path);
        return;
    }
    ss_http_redirect(r->resp, "/console/messages?done=1");
}

/* A CSV cell: formulas made text (ss_esc_csv), then the separator. */
static void csv_cell(struct ss_buf *b, const char *s, int last)
{
    ss_esc_csv(b, s ? s : "", s ? strlen(s) : 0);
    ss_buf_puts(b, last ? "\r\n" : ",");
}

void ss_page_messages_csv(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_store_message_filter f;
    struct ss_message *list = NULL;
    struct ss_user u;
    size_t n = 0, i;
    char num[24];

    if (ss_web_auth(r, 0, &u))
        return;
    memset(&f, 0, sizeof f);
    f.plan_id = r->plan->id;
    if (ss_store_message_list(r->st, &f, &list, &n)) {
        struct ss_err err;
        ss_err_set(&err, SS_EDB, "", "the messages cannot be read");
        ss_web_error(r, &err);
        return;
    }
    r->resp->ctype = "text/csv; charset=utf-8";
    r->resp->cache_control = "no-store";
    ss_wf_disposition(r->resp, "群众留言.csv", "messages.csv");
    raw(b, "\xEF\xBB\xBF"); /* a BOM: Excel then reads the file as UTF-8 */
    raw(b, "id,kind,status,hidden_reason,received_on,target,project,org,org_name,department,"
           "text,published_on,deadline,reply,replied_on,helpful,notice\r\n");
    for (i = 0; i < n; i++) {
        const struct ss_message *m = &list[i];
        long at = ss_engine_org_by_id(r->e, m->org_id);
        /* the units' staff read what they may answer, moderators what
         * they may moderate; never a contact */
        if (!ss_message_staff_sees(r->e, &u, m))
            continue;
        snprintf(num, sizeof num, "%lld", (long long)m->id);
        csv_cell(b, num, 0);
        csv_cell(b, m->kind, 0);
        csv_cell(b, m->status, 0);
        csv_cell(b, m->hide_reason, 0);
        csv_cell(b, m->received_on, 0);
        snprintf(num, sizeof num, "%lld", (long long)m->target_id);
        csv_cell(b, m->target_id ? num : "", 0);
        snprintf(num, sizeof num, "%d", m->project_no);
        csv_cell(b, m->project_no ? num : "", 0);
        csv_cell(b, at >= 0 ? ss_engine_org(r->e, at)->code : "", 0);
        csv_cell(b, at >= 0 ? ss_engine_org(r->e, at)->name : "", 0);
        csv_cell(b, m->dept, 0);
        csv_cell(b, m->text, 0);
        csv_cell(b, strcmp(m->status, "published") == 0 ? m->moderated_on : "", 0);
        csv_cell(b, m->deadline, 0);
        csv_cell(b, m->reply, 0);
        csv_cell(b, m->replied_on, 0);
        csv_cell(b, m->helpful < 0 ? "" : m->helpful ? "yes" : "no", 0);
        snprintf(num, sizeof num, "%lld", (long long)m->notice_id);
        csv_cell(b, m->notice_id ? num : "", 1);
    }
    ss_store_messages_free(list, n);
}

/* ---- the supervision page --------------------------------------------------------- */

void ss_message_supervision(struct ss_wreq *r, const struct ss_user *u, long org)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_store_message_filter f;
    struct ss_message *list = NULL;
    struct ss_user me;
    char csrf[SS_TOKEN_HEX];
    size_t n = 0, i, shown = 0;

    memset(&f, 0, sizeof f);
    f.plan_id = r->plan->id;
    f.status = "published";
    me = *u;
    if (ss_wf_session_csrf(r, &me, csrf))
        return;
    raw(b, "<section aria-labelledby=\"h-sv-messages\"><h2 id=\"h-sv-messages\">");
    raw(b, L(r, "群众留言"));
    raw(b, "</h2>\n<p>");
    ss_buf_printf(b, L(r, "逾期未答复（%d 个工作日）的留言，以及答复被留言人评为没有帮助的投诉。"),
                  ss_message_days());
    raw(b, "</p>\n");
    if (ss_store_message_list(r->st, &f, &list, &n) == SS_OK)
        for (i = 0; i < n; i++) {
            const struct ss_message *m = &list[i];
            long at = ss_engine_org_by_id(r->e, m->org_id);
            if (at < 0 || !ss_engine_org_within(r->e, at, org) ||
                !ss_message_attention(m, ss_date_today()))
                continue;
            if (!shown++)
                raw(b, "<ul class=\"message-list\">");
            ss_buf_printf(b, "<li class=\"message\"><p class=\"msg-meta\">#%lld · ",
                          (long long)m->id);
            raw(b, kind_text(r, m->kind));
            raw(b, " · ");
            about_link(r, m);
            raw(b, " · ");
            raw(b, m->reply ? L(r, "答复被评为没有帮助") : L(r, "逾期未答复，期限"));
            if (!m->reply) {
                raw(b, " ");
                ss_html(b, m->deadline);
            }
            raw(b, "</p><p class=\"msg-text\">");
            ss_html(b, m->text);
            raw(b, "</p>");
            if (m->target_id && ss_access_supervise(r->e, u, at, NULL) == SS_OK) {
                console_form_open(r, csrf, m->id, "notice");
                raw(b, "<button type=\"submit\">");
                raw(b, L(r, "转为督办单"));
                raw(b, "</button></form>");
            }
            raw(b, "</li>\n");
        }
    if (shown)
        raw(b, "</ul>\n");
    else {
        raw(b, "<p>");
        raw(b, L(r, "没有需要督办的留言。"));
        raw(b, "</p>\n");
    }
    raw(b, "</section>\n");
    ss_store_messages_free(list, n);
}
