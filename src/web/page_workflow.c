/*
 * page_workflow.c - the reporter's console pages, server-rendered for a
 * phone first, with no script (the CSP forbids inline script, and none is
 * needed); the reviewer's inbox is page_inbox.c.
 *
 *   /console/report  the reporter's assignments for a period (by default
 *                    the one whose deadline is next, with a picker of the
 *                    plan's months): last approved value, this value
 *                    (numerator/denominator for rates, baseline for
 *                    changes), a note, a correction box, an evidence file;
 *                    "submit for review" or "save as drafts". A returned
 *                    report shows the reviewer's comment and earlier
 *                    returned versions. A refused row is shown again with
 *                    what was typed and why, so nothing typed is lost. The
 *                    same page downloads and uploads the period's ledger
 *                    (/console/ledger) and submits ticked drafts at once
 *                    (/console/submit).
 *
 * Errors are the core's, in the form's voice (core/report.h) and the page's
 * language (ss_err_text), naming the form's fields ("本期累计值：…",
 * "“更正”"), never the CLI's flags. Forms carry the session's
 * CSRF token in a hidden field; every decision is core/'s, as for the API.
 * The helpers both console files use are declared in workflow_web.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/workflow.h"
#include "web/render.h"
#include "web/workflow_web.h"

#define MAX_ROWS 400   /* assignments shown on one page */
#define MAX_MSGS 64    /* refusals shown after one post */
#define MAX_HISTORY 10 /* returned versions shown per report */

enum ss_voice ss_wf_voice(const struct ss_wreq *r)
{
    (void)r;
    return SS_VOICE_FORM;
}

void ss_wf_hidden(struct ss_buf *b, const char *name, const char *value)
{
    raw(b, "<input type=\"hidden\" name=\"");
    raw(b, name);
    raw(b, "\" value=\"");
    ss_attr(b, value);
    raw(b, "\">");
}

/* The session's CSRF token (ss_web_auth already checked the session). */
int ss_wf_session_csrf(struct ss_wreq *r, struct ss_user *u, char csrf[SS_TOKEN_HEX])
{
    return ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), u, csrf);
}

/* A report's state in words, for the row it belongs to. */
static const char *status_words(struct ss_wreq *r, const char *status)
{
    if (strcmp(status, "submitted") == 0)
        return L(r, "本期已提交，待上级审核");
    if (strcmp(status, "draft") == 0)
        return L(r, "本期有草稿，尚未提交");
    if (strcmp(status, "approved") == 0)
        return L(r, "本期已审核通过");
    if (strcmp(status, "returned") == 0)
        return L(r, "本期被退回，请修改后重新提交");
    return status;
}

/* The form field an error is about, as the page labels it. */
static const char *field_label(struct ss_wreq *r, const char *field)
{
    static const char *const names[][2] = {
        {"value", N_("本期累计值")},  {"numerator", N_("分子")}, {"denominator", N_("分母")},
        {"baseline", N_("上年基数")}, {"note", N_("说明")},      {"date", N_("填报期")},
        {"period", N_("填报期")},     {"file", N_("台账文件")},  {"encoding", N_("文件编码")},
        {"comment", N_("退回意见")},  {"target", N_("指标")},
    };
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(names); i++)
        if (strcmp(names[i][0], field) == 0)
            return ss_tr(r->lang, names[i][1]);
    return NULL;
}

/* "label: message" into out in the page's language, the label naming the
 * form's field. */
void ss_wf_labelled(struct ss_wreq *r, const struct ss_err *err, char *out, size_t cap)
{
    const char *label = field_label(r, err->field);
    char text[SS_ERR_TEXT];

    ss_err_text(err, r->lang, text, sizeof text);
    if (label)
        snprintf(out, cap, L(r, "%s：%s"), label, text);
    else
        snprintf(out, cap, "%s", text);
}

void ss_wf_notice(struct ss_buf *b, const char *notice)
{
    raw(b, "<p class=\"notice\" role=\"status\">");
    ss_html(b, notice);
    raw(b, "</p>\n");
}

void ss_wf_alert(struct ss_buf *b, const char *msg)
{
    raw(b, "<p class=\"form-error\" role=\"alert\">");
    ss_html(b, msg);
    raw(b, "</p>\n");
}

/* A report's values as people read them: "12", "9 / 10 = 90". */
void ss_wf_values(struct ss_buf *b, const struct ss_target *t, double v, double num, double den)
{
    if (t && t->kind == SS_KIND_RATE && !isnan(num)) {
        ss_num(b, num);
        raw(b, " / ");
        ss_num(b, den);
        if (den > 0) {
            raw(b, " = ");
            ss_num(b, 100.0 * num / den);
            raw(b, "%");
        }
    } else {
        ss_num(b, v);
        if (t && t->kind == SS_KIND_CHANGE && !isnan(den)) {
            raw(b, " / ");
            ss_num(b, den);
        }
    }
}

/* The versions of report id a reviewer returned, oldest first. */
void ss_wf_history(struct ss_wreq *r, struct ss_buf *b, const struct ss_target *t, int64_t id)
{
    struct ss_wf_revision *v = NULL;
    size_t n = 0, i;

    if (ss_store_wf_revisions(r->st, id, MAX_HISTORY, &v, &n) != SS_OK || n == 0) {
        ss_wf_revisions_free(v, n);
        return;
    }
    raw(b, "<div class=\"history\"><p>");
    raw(b, L(r, "此前退回的版本："));
    raw(b, "</p><ul>");
    for (i = 0; i < n; i++) {
        raw(b, "<li>");
        ss_wf_values(b, t, v[i].value, v[i].numerator, v[i].denominator);
        if (v[i].as_of != SS_NO_DATE) {
            raw(b, L(r, "（截至 "));
            ss_day(b, v[i].as_of);
            raw(b, L(r, "）"));
        }
        if (v[i].note && *v[i].note) {
            raw(b, L(r, "，说明："));
            ss_html(b, v[i].note);
        }
        raw(b, L(r, "。退回意见："));
        ss_html(b, v[i].comment ? v[i].comment : "—");
        if (v[i].reviewed_by) {
            raw(b, L(r, "（"));
            ss_html(b, v[i].reviewed_by);
            raw(b, L(r, "）"));
        }
        raw(b, "</li>");
    }
    raw(b, "</ul></div>\n");
    ss_wf_revisions_free(v, n);
}

static void num_input(struct ss_buf *b, const char *label, const char *name, long long tid,
                      const char *value)
{
    char id[48];

    snprintf(id, sizeof id, "%s_%lld", name, tid);
    raw(b, "<p><label for=\"");
    raw(b, id);
    raw(b, "\">");
    raw(b, label);
    raw(b, "</label><input type=\"text\" inputmode=\"decimal\" autocomplete=\"off\" id=\"");
    raw(b, id);
    raw(b, "\" name=\"");
    raw(b, id);
    raw(b, "\" value=\"");
    ss_attr(b, value ? value : "");
    raw(b, "\"></p>");
}

void ss_wf_console_links(struct ss_wreq *r, const struct ss_user *u)
{
    struct ss_buf *b = &r->resp->body;
    int report = u->role == SS_ROLE_REPORTER || u->role == SS_ROLE_ADMIN;
    int review = u->role == SS_ROLE_REVIEWER || u->role == SS_ROLE_ADMIN;
    /* supervision notices: clerks and supervisors */
    int notices = u->role != SS_ROLE_VIEWER && u->role != SS_ROLE_DEPUTY;

    if (!report && !review && !notices) {
        raw(b, "<p>");
        raw(b, L(r, "只读账号：可查看公开进展，不能填报或审核。"));
        raw(b, "</p>\n");
        return;
    }
    raw(b, "<nav aria-label=\"");
    raw(b, L(r, "工作台"));
    raw(b, "\"><ul class=\"console-links\">");
    if (report) {
        raw(b, "<li><a href=\"/console/report\">");
        raw(b, L(r, "我的填报任务"));
        raw(b, "</a></li>");
    }
    if (review) {
        raw(b, "<li><a href=\"/console/inbox\">");
        raw(b, L(r, "待我审核"));
        raw(b, "</a></li>");
    }
    if (review || u->role == SS_ROLE_SUPERVISOR) {
        raw(b, "<li><a href=\"/console/supervision\">");
        raw(b, L(r, "督查工作台"));
        raw(b, "</a></li>");
    }
    if (u->role == SS_ROLE_ADMIN || u->role == SS_ROLE_SUPERVISOR) {
        raw(b, "<li><a href=\"/console/ratings\">");
        raw(b, L(r, "满意度测评"));
        raw(b, "</a></li>");
    }
    if (notices) {
        raw(b, "<li><a href=\"/console/notices\">");
        raw(b, L(r, "督办单"));
        raw(b, "</a></li><li><a href=\"/console/messages\">");
        raw(b, L(r, "群众留言"));
        raw(b, "</a></li>");
    }
    if (u->role == SS_ROLE_DEPUTY) {
        raw(b, "<li><a href=\"/console/ballot\">");
        raw(b, L(r, "代表票决"));
        raw(b, "</a></li>");
    }
    if (u->role == SS_ROLE_ADMIN || u->role == SS_ROLE_SUPERVISOR) {
        raw(b, "<li><a href=\"/console/cycle\">");
        raw(b, L(r, "征集建议论证"));
        raw(b, "</a></li>");
    }
    if (u->role == SS_ROLE_ADMIN) {
        raw(b, "<li><a href=\"/console/users\">");
        raw(b, L(r, "账号管理"));
        raw(b, "</a></li><li><a href=\"/console/plan\">");
        raw(b, L(r, "计划设置（牵头单位、时序进度）"));
        raw(b, "</a></li><li><a href=\"/console/plans/new\">");
        raw(b, L(r, "导入计划（核对公告提取的草案）"));
        raw(b, "</a></li><li><a href=\"/console/translate\">");
        raw(b, L(r, "内容翻译"));
        raw(b, "</a></li>");
    }
    raw(b, "</ul></nav>\n");
}

/* ---- the reporter's page ------------------------------------------------------ */

/* Per-row outcome of a POST, to show again. */
struct row_msg {
    int64_t tid;
    const char *msg; /* error (escaped on output) or NULL */
};

/* What a POST leaves to show above the rows. */
struct page_msgs {
    const char *notice;         /* a status line, or NULL */
    const char *alert;          /* an error line, or NULL */
    const struct row_msg *rows; /* errors by target */
    size_t nrows;
    const struct ss_ledger_error *le; /* errors of an uploaded ledger */
    size_t nle;
};

/* <select> of the plan's months up to now, each with its due date. */
static void period_picker(struct ss_wreq *r, const struct ss_ledger *l, int deadline_day)
{
    struct ss_buf *b = &r->resp->body;
    int32_t today = ss_date_today(), s, e, last = r->plan->end;
    char p[8], d[11];

    if (last == SS_NO_DATE || today < last)
        last = today;
    raw(b, "<form class=\"stack picker\" method=\"get\" action=\"/console/report\"><p><label "
           "for=\"period\">");
    raw(b, L(r, "填报期"));
    raw(b, "</label><select id=\"period\" name=\"period\">");
    ss_period_fmt(r->plan->start, p);
    while (ss_period_parse(p, &s, &e) == SS_OK && s <= last) {
        raw(b, "<option value=\"");
        raw(b, p);
        raw(b, strcmp(p, l->period) == 0 ? "\" selected>" : "\">");
        raw(b, p);
        ss_date_fmt(ss_period_deadline(e, deadline_day), d);
        raw(b, L(r, "（截止 "));
        raw(b, d);
        raw(b, L(r, "）"));
        raw(b, "</option>");
        ss_period_fmt(e + 1, p);
    }
    raw(b, "</select></p><p><button class=\"secondary\" type=\"submit\">");
    raw(b, L(r, "查看该期"));
    raw(b, "</button></p></form>\n");
}

static void ledger_forms(struct ss_wreq *r, const struct ss_ledger *l, const char *csrf)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<section aria-labelledby=\"ledger\"><h2 id=\"ledger\">");
    raw(b, L(r, "台账（Excel）"));
    raw(b, "</h2>\n<p><a href=\"/api/v1/ledger.xlsx?period=");
    ss_attr(b, l->period);
    raw(b, "\">");
    raw(b, L(r, "下载本期台账"));
    raw(b, "</a></p>\n<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" "
           "action=\"/console/ledger\">");
    ss_wf_hidden(b, "csrf", csrf);
    ss_wf_hidden(b, "period", l->period);
    raw(b, "<p><label for=\"file\">");
    raw(b, L(r, "台账文件（.xlsx 或 CSV）"));
    raw(b, "</label><input type=\"file\" id=\"file\" name=\"file\" required accept=\".xlsx,.csv,"
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv\"></p>"
           "<p><label for=\"encoding\">");
    raw(b, L(r, "CSV 文件编码"));
    raw(b, "</label><select id=\"encoding\" name=\"encoding\"><option value=\"\" selected>");
    raw(b, L(r, "自动识别"));
    raw(b, "</option><option value=\"gb18030\">GB18030 / GBK</option>"
           "<option value=\"utf-8\">UTF-8</option></select></p>"
           "<p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"draft\">");
    raw(b, L(r, "上传为草稿"));
    raw(b, "</button> <button class=\"secondary\" type=\"submit\" name=\"action\" "
           "value=\"submit\">");
    raw(b, L(r, "上传并提交审核"));
    raw(b, "</button></p></form></section>\n");
}

/* The period's drafts, ticked, with one button to submit them all. */
static void drafts_form(struct ss_wreq *r, const struct ss_ledger *l, const char *csrf)
{
    struct ss_buf *b = &r->resp->body;
    size_t i, n = 0;
    char idbuf[24];

    for (i = 0; i < l->n && i < MAX_ROWS; i++)
        n += l->rows[i].pending_id && strcmp(l->rows[i].pending_status, "draft") == 0;
    if (!n)
        return;
    raw(b, "<section aria-labelledby=\"drafts\"><h2 id=\"drafts\">");
    raw(b, L(r, "本期草稿"));
    raw(b, "</h2>\n<form class=\"stack\" method=\"post\" action=\"/console/submit\">");
    ss_wf_hidden(b, "csrf", csrf);
    ss_wf_hidden(b, "period", l->period);
    raw(b, "<fieldset class=\"picks\"><legend>");
    raw(b, L(r, "勾选要提交审核的草稿"));
    raw(b, "</legend>");
    for (i = 0; i < l->n && i < MAX_ROWS; i++) {
        const struct ss_my_assignment *a = &l->rows[i];
        const struct ss_target *t = &r->plan->targets[l->ti[i]];

        if (!a->pending_id || strcmp(a->pending_status, "draft") != 0)
            continue;
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)a->pending_id);
        raw(b, "<p class=\"check\"><input type=\"checkbox\" name=\"id\" checked id=\"s");
        raw(b, idbuf);
        raw(b, "\" value=\"");
        raw(b, idbuf);
        raw(b, "\"><label for=\"s");
        raw(b, idbuf);
        raw(b, "\">");
        ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
        raw(b, " ");
        ss_wf_values(b, t, a->pending_value, a->pending_num, a->pending_den);
        raw(b, " ");
        ss_html(b, t->unit);
        raw(b, "</label></p>");
    }
    raw(b, "</fieldset><p><button type=\"submit\">");
    raw(b, L(r, "提交所选草稿"));
    raw(b, "</button></p></form></section>\n");
}

static void ledger_errors(struct ss_wreq *r, const struct page_msgs *m)
{
    struct ss_buf *b = &r->resp->body;
    char text[SS_ERR_TEXT];
    size_t i;

    if (!m->nle)
        return;
    raw(b, "<div class=\"form-error\" role=\"alert\"><p>");
    raw(b, L(r, "以下各行未保存，请修改台账后重新上传："));
    raw(b, "</p><ul>");
    for (i = 0; i < m->nle && i < 200; i++) {
        raw(b, "<li>");
        if (m->le[i].column[0]) /* a column letter, as core/ledger.c names it */
            ss_buf_printf(b, L(r, "第 %d 行 %s 列"), m->le[i].row, m->le[i].column);
        else
            ss_buf_printf(b, L(r, "第 %d 行"), m->le[i].row);
        raw(b, L(r, "："));
        ss_html(b, ss_err_text(&m->le[i].err, r->lang, text, sizeof text));
        raw(b, "</li>");
    }
    raw(b, "</ul></div>\n");
}

static void report_row(struct ss_wreq *r, const struct ss_my_assignment *a,
                       const struct ss_target *t, const char *msg)
{
    struct ss_buf *b = &r->resp->body;
    long long tid = (long long)t->id;
    char key[40], vbuf[64];
    const char *typed;

    raw(b, "<fieldset class=\"row\"><legend>");
    ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
    raw(b, "（");
    ss_html(b, t->unit);
    raw(b, "）</legend>\n<p>");
    raw(b, L(r, "任务值 "));
    ss_num(b, a->value);
    raw(b, " · ");
    raw(b, L(r, "上次审核值 "));
    ss_num(b, a->last);
    if (a->last_day != SS_NO_DATE) {
        raw(b, " (");
        ss_day(b, a->last_day);
        raw(b, ")");
    }
    raw(b, "</p>\n");
    if (a->pending_id) {
        raw(b, "<p class=\"state st-");
        ss_attr(b, a->pending_status);
        raw(b, "\">");
        ss_html(b, status_words(r, a->pending_status));
        raw(b, "</p>\n");
    }
    if (a->pending_comment && strcmp(a->pending_status, "returned") == 0) {
        raw(b, "<p>");
        raw(b, L(r, "退回意见："));
        ss_html(b, a->pending_comment);
        raw(b, "</p>\n");
    }
    if (a->pending_id)
        ss_wf_history(r, b, t, a->pending_id);
    if (msg)
        ss_wf_alert(b, msg);
#define TYPED(prefix, fallback)                                                                    \
    (snprintf(key, sizeof key, prefix "_%lld", tid),                                               \
     (typed = ss_http_field(r->http, key)) ? typed                                                 \
     : isnan(fallback)                     ? ""                                                    \
                                           : (snprintf(vbuf, sizeof vbuf, "%.15g", fallback), vbuf))
    if (t->kind == SS_KIND_RATE) {
        num_input(b, L(r, "分子"), "n", tid, TYPED("n", a->pending_num));
        num_input(b, L(r, "分母"), "d", tid, TYPED("d", a->pending_den));
    } else {
        num_input(b, L(r, "本期累计值"), "v", tid, TYPED("v", a->pending_value));
        if (t->kind == SS_KIND_CHANGE)
            num_input(b, L(r, "上年基数"), "d", tid, TYPED("d", a->pending_den));
    }
#undef TYPED
    snprintf(key, sizeof key, "note_%lld", tid);
    typed = ss_http_field(r->http, key);
    raw(b, "<p><label for=\"");
    raw(b, key);
    raw(b, "\">");
    raw(b, L(r, "说明"));
    raw(b, "</label><textarea id=\"");
    raw(b, key);
    raw(b, "\" name=\"");
    raw(b, key);
    raw(b, "\" rows=\"2\" maxlength=\"2000\">");
    ss_html(b, typed ? typed : a->pending_note ? a->pending_note : "");
    raw(b, "</textarea></p>");
    snprintf(key, sizeof key, "corr_%lld", tid);
    raw(b, "<p class=\"check\"><input type=\"checkbox\" value=\"1\" id=\"");
    raw(b, key);
    raw(b, "\" name=\"");
    raw(b, key);
    raw(b, ss_http_field(r->http, key) ? "\" checked>" : "\">");
    raw(b, "<label for=\"");
    raw(b, key);
    raw(b, "\">");
    raw(b, L(r, "更正（数值可低于上次，须在“说明”中写明原因）"));
    raw(b, "</label></p>");
    snprintf(key, sizeof key, "ev_%lld", tid);
    raw(b, "<p><label for=\"");
    raw(b, key);
    raw(b, "\">");
    raw(b, L(r, "佐证材料（照片或PDF，10MB以内）"));
    raw(b, "</label><input type=\"file\" id=\"");
    raw(b, key);
    raw(b, "\" name=\"");
    raw(b, key);
    raw(b, "\" accept=\"image/jpeg,image/png,image/webp,application/pdf\"></p>");
    raw(b, "</fieldset>\n");
}

static void report_page(struct ss_wreq *r, const struct ss_user *u, const char *csrf,
                        const char *period, const struct page_msgs *m)
{
    struct ss_buf *b = &r->resp->body;
    char text[SS_ERR_TEXT];
    struct ss_ledger l;
    struct ss_err err;
    char d[11];
    long org = ss_access_user_org(r->e, u);
    int deadline_day;
    size_t i, k;

    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "我的填报任务"));
    raw(b, "<h1>");
    raw(b, L(r, "我的填报任务"));
    raw(b, "</h1>\n");
    ss_err_clear(&err);
    if (u->role != SS_ROLE_REPORTER && u->role != SS_ROLE_ADMIN) {
        ss_wf_alert(b, m && m->alert ? m->alert : L(r, "只有填报员有填报任务。"));
        ss_page_end(r);
        return;
    }
    if (org < 0 ||
        ss_ledger_load(r->st, r->plan, ss_engine_org(r->e, org)->id, u->org, period, &l, &err)) {
        if (org >= 0 && strcmp(err.field, "period") == 0)
            snprintf(text, sizeof text, L(r, "填报期：“%.20s”不是计划内的月份（年-月）"),
                     period ? period : "");
        else if (org >= 0)
            ss_err_text(&err, r->lang, text, sizeof text);
        ss_wf_alert(b, org < 0 ? L(r, "账号的区划未知。") : text);
        raw(b, "<p><a href=\"/console/report\">");
        raw(b, L(r, "回到当前填报期"));
        raw(b, "</a></p>\n");
        ss_page_end(r);
        return;
    }
    deadline_day = ss_store_plan_deadline_day(r->st, r->plan->id);
    raw(b, "<p>");
    ss_content(r, "span", SS_TEXT_ORG, ss_engine_org(r->e, org)->code,
               ss_engine_org(r->e, org)->name);
    raw(b, " · ");
    raw(b, L(r, "填报期 "));
    ss_html(b, l.period);
    raw(b, " · ");
    raw(b, L(r, "截止 "));
    ss_date_fmt(l.deadline, d);
    ss_html(b, d);
    raw(b, "</p>\n");
    period_picker(r, &l, deadline_day);
    if (m && m->notice)
        ss_wf_notice(b, m->notice);
    if (m && m->alert)
        ss_wf_alert(b, m->alert);
    if (m)
        ledger_errors(r, m);
    if (l.n == 0) {
        raw(b, "<p>");
        raw(b, L(r, "本期没有分配给本单位的任务。"));
        raw(b, "</p>\n");
    } else {
        drafts_form(r, &l, csrf);
        raw(b, "<section aria-labelledby=\"fill\"><h2 id=\"fill\">");
        raw(b, L(r, "逐项填报"));
        raw(b, "</h2>\n<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" "
               "action=\"/console/report\">");
        ss_wf_hidden(b, "csrf", csrf);
        ss_wf_hidden(b, "period", l.period);
        for (i = 0; i < l.n && i < MAX_ROWS; i++) {
            const struct ss_target *t = &r->plan->targets[l.ti[i]];
            const char *msg = NULL;

            for (k = 0; m && k < m->nrows; k++)
                if (m->rows[k].tid == t->id)
                    msg = m->rows[k].msg;
            report_row(r, &l.rows[i], t, msg);
        }
        raw(b, "<p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"submit\">");
        raw(b, L(r, "提交审核"));
        raw(b, "</button> <button class=\"secondary\" type=\"submit\" name=\"action\" "
               "value=\"draft\">");
        raw(b, L(r, "存为草稿"));
        raw(b, "</button></p></form></section>\n");
        ledger_forms(r, &l, csrf);
    }
    raw(b, "<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_ledger_cleanup(&l);
    ss_page_end(r);
}

/* A count from the query, or -1. */
long ss_wf_count_arg(struct ss_wreq *r, const char *key)
{
    const char *s = ss_http_arg(r->http, key);
    long n;

    return s && ss_parse_long(s, &n) == 0 && n >= 0 ? n : -1;
}

void ss_page_report(struct ss_wreq *r)
{
    struct ss_user u;
    struct page_msgs m;
    char csrf[SS_TOKEN_HEX], notice[200];
    const char *as = ss_http_arg(r->http, "as");
    long saved = ss_wf_count_arg(r, "saved"), up = ss_wf_count_arg(r, "uploaded"),
         same = ss_wf_count_arg(r, "unchanged"), sub = ss_wf_count_arg(r, "submitted");
    int draft = as && strcmp(as, "draft") == 0;

    if (ss_web_auth(r, 0, &u) || ss_wf_session_csrf(r, &u, csrf))
        return;
    memset(&m, 0, sizeof m);
    if (saved == 0)
        snprintf(notice, sizeof notice, "%s", L(r, "没有填写数值，未保存任何条目。"));
    else if (saved > 0 && draft)
        snprintf(notice, sizeof notice, L(r, "已存为草稿 %ld 条，尚未提交。"), saved);
    else if (saved > 0)
        snprintf(notice, sizeof notice, L(r, "已保存并提交 %ld 条，等待上级审核。"), saved);
    else if (up >= 0)
        snprintf(notice, sizeof notice,
                 draft ? L(r, "台账已上传：%ld 条存为草稿，%ld 条与已有填报相同。")
                       : L(r, "台账已上传：%ld 条已提交审核，%ld 条与已有填报相同。"),
                 up, same < 0 ? 0 : same);
    else if (sub >= 0)
        snprintf(notice, sizeof notice, L(r, "已提交审核 %ld 条草稿。"), sub);
    m.notice = saved >= 0 || up >= 0 || sub >= 0 ? notice : NULL;
    report_page(r, &u, csrf, ss_http_arg(r->http, "period"), &m);
}

/* A form number: NAN when blank; -1 when not a number. */
static int form_num(const char *s, double *out)
{
    *out = NAN;
    if (!s || !*s)
        return 0;
    return ss_parse_double(s, out) ? -1 : 0;
}

void ss_page_report_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_ledger l;
    struct ss_err err;
    struct ss_store *st;
    struct row_msg msgs[MAX_MSGS];
    struct page_msgs m;
    char msgtext[MAX_MSGS][SS_ERR_TEXT + 64];
    char csrf[SS_TOKEN_HEX], date[11], url[128], period[8];
    const char *action = ss_http_field(r->http, "action");
    const char *status = action && strcmp(action, "draft") == 0 ? "draft" : "submitted";
    enum ss_voice v = ss_wf_voice(r);
    long org;
    size_t i, nmsgs = 0, saved = 0;

    if (ss_web_auth(r, 1, &u) || ss_wf_session_csrf(r, &u, csrf))
        return;
    org = ss_access_user_org(r->e, &u);
    st = ss_web_store_rw(r);
    ss_err_clear(&err);
    memset(&m, 0, sizeof m);
    if (org < 0 || !st ||
        ss_ledger_load(r->st, r->plan, ss_engine_org(r->e, org)->id, u.org,
                       ss_http_field(r->http, "period"), &l, &err)) {
        r->resp->status = 400;
        m.alert = L(r, "填报期无效，未保存任何条目。");
        report_page(r, &u, csrf, NULL, &m);
        return;
    }
    ss_date_fmt(l.day, date);
    for (i = 0; i < l.n && i < MAX_ROWS; i++) {
        const struct ss_target *t = &r->plan->targets[l.ti[i]];
        struct ss_report_req req;
        const struct ss_http_field *ev;
        char key[40], flags[SS_FLAGS_MAX];
        const char *sv, *sn, *sd;
        int64_t id;
        int bad;

        memset(&req, 0, sizeof req);
        snprintf(key, sizeof key, "v_%lld", (long long)t->id);
        sv = ss_http_field(r->http, key);
        snprintf(key, sizeof key, "n_%lld", (long long)t->id);
        sn = ss_http_field(r->http, key);
        snprintf(key, sizeof key, "d_%lld", (long long)t->id);
        sd = ss_http_field(r->http, key);
        snprintf(key, sizeof key, "note_%lld", (long long)t->id);
        req.note = ss_http_field(r->http, key);
        snprintf(key, sizeof key, "corr_%lld", (long long)t->id);
        req.correction = ss_http_field(r->http, key) != NULL;
        if ((!sv || !*sv) && (!sn || !*sn))
            continue; /* not filled in */
        req.target_id = t->id;
        req.org = u.org;
        req.date = date;
        req.status = status;
        req.period = l.period;
        req.voice = v;
        req.baseline = NAN;
        bad = form_num(sv, &req.value) | form_num(sn, &req.numerator) |
              form_num(sd, &req.denominator);
        if (t->kind == SS_KIND_CHANGE) {
            req.baseline = req.denominator;
            req.denominator = NAN;
        }
        ss_err_clear(&err);
        if (bad)
            ss_err_set(&err, SS_EINVAL, t->kind == SS_KIND_RATE ? "numerator" : "value", "%s",
                       L(r, "请填写数字。"));
        if (bad || ss_workflow_submit(st, r->e, &u, &req, &id, flags, NULL, &err)) {
            if (nmsgs < MAX_MSGS) {
                ss_wf_labelled(r, &err, msgtext[nmsgs], sizeof msgtext[0]);
                msgs[nmsgs].tid = t->id;
                msgs[nmsgs].msg = msgtext[nmsgs];
                nmsgs++;
            }
            continue;
        }
        saved++;
        snprintf(key, sizeof key, "ev_%lld", (long long)t->id);
        if ((ev = ss_http_file(r->http, key)) && ev->len &&
            ss_wf_evidence_save(r, st, &u, id, ev, v, &err) && nmsgs < MAX_MSGS) {
            char text[SS_ERR_TEXT];
            snprintf(msgtext[nmsgs], sizeof msgtext[0], L(r, "佐证材料：%s"),
                     ss_err_text(&err, r->lang, text, sizeof text));
            msgs[nmsgs].tid = t->id;
            msgs[nmsgs].msg = msgtext[nmsgs];
            nmsgs++;
        }
    }
    memcpy(period, l.period, sizeof period);
    ss_ledger_cleanup(&l);
    if (nmsgs == 0) {
        snprintf(url, sizeof url, "/console/report?period=%s&saved=%zu&as=%s", period, saved,
                 status);
        ss_http_redirect(r->resp, url);
        return;
    }
    r->resp->status = 400;
    m.notice = L(r, "部分条目未保存，请按提示修改。");
    m.rows = msgs;
    m.nrows = nmsgs;
    report_page(r, &u, csrf, period, &m);
}

void ss_page_ledger_post(struct ss_wreq *r)
{
    const struct ss_http_field *f;
    struct ss_user u;
    struct ss_sheet sh;
    struct ss_ledger_result res;
    struct ss_store *st;
    struct ss_err err;
    struct page_msgs m;
    enum ss_sheet_enc enc;
    enum ss_voice v = ss_wf_voice(r);
    const char *period = ss_http_field(r->http, "period");
    const char *action = ss_http_field(r->http, "action");
    const char *status = action && strcmp(action, "submit") == 0 ? "submitted" : "draft";
    char csrf[SS_TOKEN_HEX], url[160], notice[200], alert[SS_ERR_TEXT + 64];
    int busy;

    if (ss_web_auth(r, 1, &u) || ss_wf_session_csrf(r, &u, csrf))
        return;
    memset(&m, 0, sizeof m);
    ss_err_clear(&err);
    /* the role first: nobody else's upload is read at all */
    if (u.role != SS_ROLE_REPORTER && u.role != SS_ROLE_ADMIN) {
        r->resp->status = 403;
        m.alert = L(r, "只有填报员可以上传台账。");
        report_page(r, &u, csrf, NULL, &m);
        return;
    }
    if (ss_sheet_enc_parse(ss_http_field(r->http, "encoding"), &enc)) {
        r->resp->status = 400;
        m.alert = L(r, "文件编码：请选择自动识别、GB18030 或 UTF-8。");
        report_page(r, &u, csrf, period, &m);
        return;
    }
    if (!(f = ss_http_file(r->http, "file")) || f->len == 0) {
        r->resp->status = 400;
        m.alert = L(r, "台账文件：请选择要上传的文件。");
        report_page(r, &u, csrf, period, &m);
        return;
    }
    if (ss_wf_sheet_read(f->value, f->len, enc, &sh, &busy, &err)) {
        r->resp->status = busy ? 503 : 400;
        ss_wf_labelled(r, &err, alert, sizeof alert);
        m.alert = alert;
        report_page(r, &u, csrf, period, &m);
        return;
    }
    if (!(st = ss_web_store_rw(r))) {
        ss_sheet_free(&sh);
        r->resp->status = 500;
        m.alert = L(r, "数据库无法写入，未保存任何条目。");
        report_page(r, &u, csrf, period, &m);
        return;
    }
    if (ss_ledger_import(st, r->e, &u, &sh, period, status, v, &res, &err)) {
        ss_sheet_free(&sh);
        ss_ledger_result_cleanup(&res);
        r->resp->status = ss_web_status(r, &err);
        ss_wf_labelled(r, &err, alert, sizeof alert);
        m.alert = alert;
        report_page(r, &u, csrf, period, &m);
        return;
    }
    ss_sheet_free(&sh);
    if (res.nerrors == 0) {
        snprintf(url, sizeof url, "/console/report?period=%s&uploaded=%zu&unchanged=%zu&as=%s",
                 res.period, res.stored, res.unchanged, status);
        ss_ledger_result_cleanup(&res);
        ss_http_redirect(r->resp, url);
        return;
    }
    r->resp->status = 422;
    snprintf(notice, sizeof notice,
             L(r, "台账已读取：%zu 条已保存，%zu 条与已有填报相同，%zu 行有误。"), res.stored,
             res.unchanged, res.nerrors);
    m.notice = notice;
    m.le = res.errors;
    m.nle = res.nerrors < MAX_ROWS ? res.nerrors : MAX_ROWS;
    report_page(r, &u, csrf, res.period, &m);
    ss_ledger_result_cleanup(&res);
}

/* The ids of the ticked checkboxes ("id" fields) of the form, at most max. */
size_t ss_wf_ticked(struct ss_wreq *r, int64_t *ids, size_t max)
{
    size_t i, n = 0;

    for (i = 0; i < r->http->nfields && n < max; i++) {
        const struct ss_http_field *f = &r->http->fields[i];
        long id;

        if (!f->filename && strcmp(f->name, "id") == 0 && ss_parse_long(f->value, &id) == 0 &&
            id > 0)
            ids[n++] = id;
    }
    return n;
}

void ss_page_submit_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_store *st;
    struct ss_err err;
    struct page_msgs m;
    int64_t ids[MAX_ROWS];
    char csrf[SS_TOKEN_HEX], url[128], alert[1024];
    const char *period = ss_http_field(r->http, "period");
    size_t n, i, ok = 0, used = 0;
    int32_t a, b;

    if (ss_web_auth(r, 1, &u) || ss_wf_session_csrf(r, &u, csrf))
        return;
    memset(&m, 0, sizeof m);
    if (period && ss_period_parse(period, &a, &b))
        period = NULL;
    n = ss_wf_ticked(r, ids, MAX_ROWS);
    if (n == 0 || !(st = ss_web_store_rw(r))) {
        r->resp->status = 400;
        m.alert = L(r, "没有勾选任何草稿。");
        report_page(r, &u, csrf, period, &m);
        return;
    }
    alert[0] = '\0';
    for (i = 0; i < n; i++) {
        ss_err_clear(&err);
        if (ss_workflow_resubmit(st, r->e, &u, ids[i], ss_wf_voice(r), &err) == SS_OK) {
            ok++;
        } else if (used < sizeof alert - 1) {
            char text[SS_ERR_TEXT];
            int w = snprintf(alert + used, sizeof alert - used, "%s%s", used ? " " : "",
                             ss_err_text(&err, r->lang, text, sizeof text));
            used += w > 0 ? (size_t)w : 0;
            if (used >= sizeof alert)
                used = sizeof alert - 1;
        }
    }
    if (ok == n) {
        snprintf(url, sizeof url, "/console/report?period=%s&submitted=%zu", period ? period : "",
                 ok);
        ss_http_redirect(r->resp, period ? url : "/console/report");
        return;
    }
    r->resp->status = 409;
    m.alert = alert;
    report_page(r, &u, csrf, period, &m);
}
