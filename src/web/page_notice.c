/*
 * page_notice.c - supervision notices in the console (notice_web.h), and
 * their lines on the public target page.
 *
 * /console/notices lists the notices addressed to the units the user
 * sees. /console/notices/{id} shows one: the addressed unit's clerks get
 * the answer form, a supervisor of the unit the close and return forms.
 * Plain forms (POST, CSRF field), phone-first, no script: a refusal shows
 * the page again with the reason and what was typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/notice.h"
#include "store/store_notice.h"
#include "store/store_workflow.h"
#include "web/export.h"
#include "web/notice_web.h"
#include "web/render.h"
#include "web/web_err.h"
#include "web/workflow_web.h"

static const char *grade_text(const struct ss_wreq *r, const char *g)
{
    return strcmp(g, "red") == 0      ? L(r, "红色督办")
           : strcmp(g, "yellow") == 0 ? L(r, "黄色督办")
                                      : L(r, "蓝色督办");
}

static const char *status_text(const struct ss_wreq *r, const struct ss_notice *n)
{
    if (strcmp(n->status, "closed") == 0)
        return L(r, "已办结");
    if (strcmp(n->status, "answered") == 0)
        return L(r, "已答复，待核查");
    return n->to_close ? L(r, "已达序时进度，待销号") : L(r, "待答复");
}

static const char *org_name(const struct ss_wreq *r, int64_t id)
{
    long o = ss_engine_org_by_id(r->e, id);

    return o >= 0 ? ss_engine_org(r->e, o)->name : "";
}

static const char *metric(const struct ss_wreq *r, int64_t target_id)
{
    long ti = ss_plan_target_index(r->plan, target_id);

    return ti >= 0 ? r->plan->targets[ti].metric : "";
}

/* The notices the user sees: number (linking to it), grade, unit, target,
 * status and deadline; how many. */
static size_t notices_table(struct ss_wreq *r, const struct ss_user *u, struct ss_table *t)
{
    struct ss_notice *list = NULL;
    size_t n = 0, i, shown = 0;
    char num[64], href[48];

    ss_table_set_name(t, L(r, "督办单"), NULL);
    ss_table_col(t, L(r, "编号"), SS_TK_TEXT, SS_TH_ROWHEAD | SS_TH_NOWRAP, 3);
    ss_table_col(t, L(r, "等级"), SS_TK_TEXT, 0, 2);
    ss_table_col(t, L(r, "单位"), SS_TK_TEXT, 0, 3);
    ss_table_col(t, L(r, "指标"), SS_TK_TEXT, 0, 5);
    ss_table_col(t, L(r, "状态"), SS_TK_TEXT, 0, 3);
    ss_table_col(t, L(r, "答复期限"), SS_TK_TEXT, SS_TH_NOWRAP, 2);
    if (ss_store_notice_list(r->st, r->plan->id, NULL, &list, &n) != SS_OK)
        return 0;
    for (i = 0; i < n; i++) {
        const struct ss_notice *x = &list[i];
        long o = ss_engine_org_by_id(r->e, x->org_id);
        if (!ss_notice_visible(r->e, u, x))
            continue;
        shown++;
        ss_notice_number(x, num, sizeof num);
        snprintf(href, sizeof href, "/console/notices/%lld", (long long)x->id);
        ss_tcell_href(ss_table_text(t, num), href);
        ss_table_text(t, grade_text(r, x->grade));
        if (o >= 0)
            ss_export_content(r, t, SS_TEXT_ORG, ss_engine_org(r->e, o)->code,
                              ss_engine_org(r->e, o)->name);
        else
            ss_table_text(t, "");
        ss_export_content_id(r, t, SS_TEXT_TARGET, x->target_id, metric(r, x->target_id));
        ss_table_text(t, status_text(r, x));
        ss_table_text(t, x->deadline);
    }
    ss_store_notices_free(list, n);
    return shown;
}

int ss_export_notices(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap)
{
    struct ss_user u;

    if (ss_web_auth(r, 0, &u))
        return -1;
    notices_table(r, &u, t);
    snprintf(tag, cap, "%s", u.org);
    return 0;
}

void ss_page_notices(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_table t;
    struct ss_user u;

    if (ss_web_auth(r, 0, &u))
        return;
    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "督办单"));
    raw(b, "<h1>");
    raw(b, L(r, "督办单"));
    raw(b, "</h1>\n");
    ss_table_init(&t, "");
    if (notices_table(r, &u, &t)) {
        ss_export_table(r, "notices", &t, "/console/export/notices", "");
    } else {
        raw(b, "<p>");
        raw(b, L(r, "没有督办单。"));
        raw(b, "</p>\n");
    }
    ss_table_cleanup(&t);
    raw(b, "<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

static void field_line(struct ss_buf *b, const char *label, const char *value)
{
    raw(b, "<p><strong>");
    ss_html(b, label);
    raw(b, "</strong> ");
    ss_html(b, value ? value : "");
    raw(b, "</p>\n");
}

static void form_open(struct ss_buf *b, int64_t id, const char *csrf, const char *action)
{
    ss_buf_printf(b, "<form class=\"stack\" method=\"post\" action=\"/console/notices/%lld\">",
                  (long long)id);
    ss_wf_hidden(b, "csrf", csrf);
    ss_wf_hidden(b, "action", action);
}

static void textarea(struct ss_buf *b, const char *name, const char *label, const char *value,
                     int required)
{
    ss_buf_printf(b, "<p><label for=\"%s\">", name);
    ss_html(b, label);
    ss_buf_printf(b, "</label><textarea id=\"%s\" name=\"%s\" rows=\"4\"%s>", name, name,
                  required ? " required" : "");
    ss_html(b, value ? value : "");
    raw(b, "</textarea></p>");
}

/* The answer's files, each a download link (only those who see the
 * notice reach this page, and the download checks again). */
static void files_list(struct ss_wreq *r, int64_t id)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_notice_file *f = NULL;
    char href[96];
    size_t nf = 0, k;

    if (ss_store_notice_files(r->st, id, &f, &nf) || nf == 0) {
        ss_store_notice_files_free(f, nf);
        return;
    }
    raw(b, "<h2>");
    raw(b, L(r, "佐证材料"));
    raw(b, "</h2>\n<ul class=\"files\">");
    for (k = 0; k < nf; k++) {
        snprintf(href, sizeof href, SS_NOTICE_FILE_HREF, (long long)id, (long long)f[k].id);
        raw(b, "<li><a href=\"");
        ss_attr(b, href);
        raw(b, "\" download>");
        ss_html(b, f[k].name ? f[k].name : L(r, "附件"));
        raw(b, "</a> ");
        ss_buf_printf(b, "(%s, %lld KB, ", f[k].mime, (long long)((f[k].size + 1023) / 1024));
        ss_html(b, f[k].created_at);
        raw(b, ")</li>");
    }
    raw(b, "</ul>\n");
    ss_store_notice_files_free(f, nf);
}

static void notice_page(struct ss_wreq *r, const struct ss_user *u, const char *csrf, int64_t id,
                        const char *done, const char *alert)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_notice n;
    struct ss_notice_event *ev = NULL;
    size_t nev = 0, k;
    char num[64], line[256];
    int64_t to[2];
    size_t m;

    if (ss_store_notice_get(r->st, id, &n) || !ss_notice_visible(r->e, u, &n)) {
        struct ss_err err;
        ss_store_notice_cleanup(&n);
        ss_err_set(&err, SS_ENOTFOUND, "id", "no notice %lld", (long long)id);
        ss_web_error(r, &err);
        return;
    }
    r->resp->cache_control = "no-store";
    ss_notice_number(&n, num, sizeof num);
    ss_page_begin(r, num);
    raw(b, "<h1>");
    ss_html(b, num);
    raw(b, "</h1>\n");
    if (done)
        ss_wf_notice(b, done);
    if (alert)
        ss_wf_alert(b, alert);
    field_line(b, L(r, "等级："), grade_text(r, n.grade));
    field_line(b, L(r, "状态："), status_text(r, &n));
    field_line(b, L(r, "指标："), metric(r, n.target_id));
    m = ss_notice_addressees(&n, to);
    line[0] = '\0';
    for (k = 0; k < m; k++)
        snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s", k ? "、" : "",
                 org_name(r, to[k]));
    field_line(b, L(r, "督办对象："), line);
    if (n.dept)
        field_line(b, L(r, "责任单位："), n.dept);
    field_line(b, L(r, "督办事项："), n.action);
    if (n.figures) {
        snprintf(line, sizeof line, "%s (%s)", n.figures, n.as_of);
        field_line(b, L(r, "依据数据："), line);
    }
    field_line(b, L(r, "下发日期："), n.issued_on);
    field_line(b, L(r, "答复期限："), n.deadline);
    if (n.answered_on[0]) {
        field_line(b, L(r, "答复："), n.answer);
        if (n.measures)
            field_line(b, L(r, "整改措施："), n.measures);
        if (n.answer_due[0])
            field_line(b, L(r, "预计完成："), n.answer_due);
    }
    if (n.comment)
        field_line(b, L(r, "退回意见："), n.comment);
    files_list(r, n.id);
    if (strcmp(n.status, "issued") == 0 && ss_notice_may_answer(r->e, u, &n, NULL) == SS_OK) {
        raw(b, "<h2>");
        raw(b, L(r, "答复督办"));
        raw(b, "</h2>\n");
        form_open(b, n.id, csrf, "answer");
        textarea(b, "text", L(r, "落实情况"), ss_http_field(r->http, "text"), 1);
        textarea(b, "measures", L(r, "整改措施"), ss_http_field(r->http, "measures"), 0);
        raw(b, "<p><label for=\"due\">");
        raw(b, L(r, "预计完成日期"));
        raw(b, "</label><input id=\"due\" name=\"due\" type=\"date\" value=\"");
        ss_attr(b, ss_http_field(r->http, "due") ? ss_http_field(r->http, "due") : "");
        raw(b, "\"></p><p><button type=\"submit\">");
        raw(b, L(r, "提交答复"));
        raw(b, "</button></p></form>\n");
    }
    if (strcmp(n.status, "closed") != 0 &&
        ss_access_supervise(r->e, u, ss_engine_org_by_id(r->e, n.org_id), NULL) == SS_OK) {
        if (strcmp(n.status, "answered") == 0 || n.to_close) {
            form_open(b, n.id, csrf, "close");
            raw(b, "<p><button type=\"submit\">");
            raw(b, L(r, "核查通过，办结销号"));
            raw(b, "</button></p></form>\n");
        }
        if (strcmp(n.status, "answered") == 0) {
            form_open(b, n.id, csrf, "return");
            textarea(b, "comment", L(r, "退回意见"), ss_http_field(r->http, "comment"), 1);
            raw(b, "<p><button type=\"submit\">");
            raw(b, L(r, "退回重新答复"));
            raw(b, "</button></p></form>\n");
        }
    }
    if (ss_store_notice_events(r->st, n.id, &ev, &nev) == SS_OK && nev) {
        raw(b, "<h2>");
        raw(b, L(r, "办理记录"));
        raw(b, "</h2>\n<ol class=\"history\">");
        for (k = 0; k < nev; k++) {
            raw(b, "<li>");
            ss_html(b, ev[k].day);
            raw(b, " ");
            ss_html(b, ev[k].kind);
            raw(b, " ");
            ss_html(b, grade_text(r, ev[k].grade));
            if (ev[k].text) {
                raw(b, "：");
                ss_html(b, ev[k].text);
            }
            raw(b, "</li>");
        }
        raw(b, "</ol>\n");
    }
    ss_store_notice_events_free(ev, nev);
    ss_store_notice_cleanup(&n);
    raw(b, "<p><a href=\"/console/notices\">");
    raw(b, L(r, "返回督办单列表"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

static int page_id(struct ss_wreq *r, int64_t *id)
{
    long v;

    if (ss_parse_long(r->param, &v) || v < 1) {
        struct ss_err err;
        ss_err_set(&err, SS_ENOTFOUND, "id", "no such notice");
        ss_web_error(r, &err);
        return -1;
    }
    *id = v;
    return 0;
}

void ss_page_notice(struct ss_wreq *r)
{
    const char *done = ss_http_arg(r->http, "done");
    char csrf[SS_TOKEN_HEX];
    struct ss_user u;
    int64_t id;

    if (ss_web_auth(r, 0, &u) || ss_wf_session_csrf(r, &u, csrf) || page_id(r, &id))
        return;
    notice_page(r, &u, csrf, id,
                !done                         ? NULL
                : strcmp(done, "answer") == 0 ? L(r, "已提交答复。")
                : strcmp(done, "close") == 0  ? L(r, "已办结销号。")
                                              : L(r, "已退回。"),
                NULL);
}

/* The types an answer's file is kept with (ss_wf_evidence_keep), each
 * with the extension its download is named with. */
static const struct {
    const char *mime, *ext;
} FILE_TYPES[] = {
    {"application/pdf", "pdf"},
    {"image/png", "png"},
    {"image/webp", "webp"},
    {"image/jpeg", "jpg"},
    {"application/octet-stream", "bin"},
};

/* The entry of FILE_TYPES for mime (the last for any other). */
static size_t file_type(const char *mime)
{
    size_t k;

    for (k = 0; k + 1 < SS_ARRAY_LEN(FILE_TYPES); k++)
        if (strcmp(mime, FILE_TYPES[k].mime) == 0)
            break;
    return k;
}

void ss_page_notice_file(struct ss_wreq *r)
{
    const char *arg = ss_http_arg(r->http, "file");
    struct ss_notice_file *files = NULL, *f = NULL;
    char dir[SS_EVIDENCE_DIR_MAX], path[SS_EVIDENCE_DIR_MAX + 80], ascii[64];
    struct ss_notice n;
    struct ss_user u;
    struct ss_err err;
    size_t nf = 0, k, len = 0;
    char *data = NULL;
    int64_t id;
    long fid;

    if (ss_web_auth(r, 0, &u) || page_id(r, &id))
        return;
    ss_err_clear(&err);
    /* the same answer for a notice or a file this user may not see as for
     * none: nothing is told about another unit's notices */
    if (!arg || ss_parse_long(arg, &fid) || fid < 1 || ss_store_notice_get(r->st, id, &n)) {
        ss_err_set(&err, SS_ENOTFOUND, "file", "no such file");
        ss_web_error(r, &err);
        return;
    }
    if (ss_notice_visible(r->e, &u, &n) && ss_store_notice_files(r->st, id, &files, &nf) == SS_OK)
        for (k = 0; k < nf && !f; k++)
            if (files[k].id == fid)
                f = &files[k];
    ss_store_notice_cleanup(&n);
    if (!f) {
        ss_err_set(&err, SS_ENOTFOUND, "file", "no such file");
        ss_web_error(r, &err);
    } else if (ss_store_evidence_dir(r->st, dir, sizeof dir, &err) ||
               (snprintf(path, sizeof path, "%s/%s", dir, f->sha256),
                ss_read_file(path, SS_MAX_EVIDENCE, &data, &len))) {
        ss_err_set(&err, SS_EIO, "file", "the file cannot be read");
        ss_web_error(r, &err);
    } else {
        size_t t = file_type(f->mime);
        snprintf(ascii, sizeof ascii, "evidence-%lld.%s", (long long)f->id, FILE_TYPES[t].ext);
        ss_wf_disposition(r->resp, f->name ? f->name : ascii, ascii);
        r->resp->ctype = FILE_TYPES[t].mime; /* static: the response outlives the rows */
        r->resp->cache_control = "private, no-store";
        ss_buf_put(&r->resp->body, data, len);
        free(data);
    }
    ss_store_notice_files_free(files, nf);
}

void ss_page_notice_post(struct ss_wreq *r)
{
    const char *action = ss_http_field(r->http, "action");
    char csrf[SS_TOKEN_HEX], msg[SS_ERR_TEXT + 64], url[80];
    struct ss_store *st;
    struct ss_user u;
    struct ss_err err;
    int64_t id;
    int rc;

    if (ss_web_auth(r, 1, &u) || ss_wf_session_csrf(r, &u, csrf) || page_id(r, &id))
        return;
    ss_err_clear(&err);
    if (!action ||
        (strcmp(action, "answer") && strcmp(action, "close") && strcmp(action, "return"))) {
        r->resp->status = 400;
        notice_page(r, &u, csrf, id, NULL, L(r, "请求无效。"));
        return;
    }
    if (!(st = ss_web_store_rw(r))) {
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        ss_web_error(r, &err);
        return;
    }
    rc = strcmp(action, "answer") == 0
             ? ss_notice_answer(st, r->e, &u, id, ss_http_field(r->http, "text"),
                                ss_http_field(r->http, "measures"), ss_http_field(r->http, "due"),
                                ss_date_today(), &err)
         : strcmp(action, "close") == 0
             ? ss_notice_close(st, r->e, &u, id, ss_date_today(), &err)
             : ss_notice_return(st, r->e, &u, id, ss_http_field(r->http, "comment"),
                                ss_date_today(), &err);
    if (rc) {
        r->resp->status = ss_web_status(r, &err);
        ss_web_err_text(r, &err, msg, sizeof msg);
        notice_page(r, &u, csrf, id, NULL, msg);
        return;
    }
    snprintf(url, sizeof url, "/console/notices/%lld?done=%s", (long long)id, action);
    ss_http_redirect(r->resp, url);
}

/* An answer's summary: its first SUMMARY_BYTES at most, cut at a
 * character's start, with an ellipsis when cut. */
#define SUMMARY_BYTES 240
static void summary(struct ss_buf *b, const char *s)
{
    size_t n = strlen(s), cut = 0;

    if (n <= SUMMARY_BYTES) {
        ss_html(b, s);
        return;
    }
    while (cut < SUMMARY_BYTES) {
        size_t k = ss_utf8_seq((const unsigned char *)s + cut, n - cut);
        if (k == 0 || cut + k > SUMMARY_BYTES)
            break;
        cut += k;
    }
    {
        char *part = ss_xstrndup(s, cut);
        ss_html(b, part);
        free(part);
    }
    raw(b, "…");
}

void ss_notice_public_lines(struct ss_wreq *r, struct ss_buf *b, int64_t target_id, long org)
{
    struct ss_notice *list = NULL;
    size_t n = 0, i, shown = 0;
    char num[64];

    if (ss_store_notice_list(r->st, r->plan->id, NULL, &list, &n) != SS_OK)
        return;
    for (i = n; i-- > 0;) {
        const struct ss_notice *x = &list[i];
        long at = ss_engine_org_by_id(r->e, x->org_id);
        if (x->target_id != target_id || at < 0 ||
            (org >= 0 && !ss_engine_org_within(r->e, at, org)))
            continue;
        if (!shown++) {
            raw(b, "<section aria-labelledby=\"notices\"><h2 id=\"notices\">");
            raw(b, L(r, "督办情况"));
            raw(b, "</h2>\n<ul class=\"notices\">");
        }
        ss_notice_number(x, num, sizeof num);
        raw(b, "<li>");
        ss_html(b, num);
        raw(b, " ");
        ss_html(b, ss_engine_org(r->e, at)->name);
        raw(b, "：");
        ss_html(b, x->issued_on);
        raw(b, " ");
        raw(b, L(r, "下发"));
        if (x->answered_on[0]) {
            raw(b, "；");
            ss_html(b, x->answered_on);
            raw(b, " ");
            raw(b, L(r, "答复"));
            if (x->answer) {
                raw(b, "（");
                summary(b, x->answer);
                raw(b, "）");
            }
        }
        if (x->closed_on[0]) {
            raw(b, "；");
            ss_html(b, x->closed_on);
            raw(b, " ");
            raw(b, L(r, "办结"));
        }
        raw(b, "</li>\n");
    }
    if (shown)
        raw(b, "</ul></section>\n");
    ss_store_notices_free(list, n);
}
