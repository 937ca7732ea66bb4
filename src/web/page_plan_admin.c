/*
 * page_plan_admin.c - /console/plan: an admin sets each project's lead
 * department (牵头单位) and each target's schedule (时序进度: the cumulative
 * % due by each month's end), on the current plan or on a draft (?plan=N).
 * The same edits as `shishi plan project set` and `plan target set
 * --schedule`, through the same store functions, so the same rules hold:
 * only these two things change on the active plan, never anything on an
 * archived one, each change is one audited transaction, and the engine
 * rebuilds its figures on the next request.
 *
 * One small form per project and per target (a phone shows one at a time;
 * a refused one comes back with what was typed and why, next to its field,
 * in the page's language). Every form carries the session's CSRF token;
 * only an admin whose org unit holds the plan's top org unit may write
 * (core/plan_change.h), and the POST checks that before reading a field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/plan_change.h"
#include "core/plan_edit.h"
#include "store/store_audit.h"
#include "store/store_draft.h"
#include "web/plan_admin_web.h"
#include "web/render.h"

/* A refused form, shown again: which row, what was typed, why. */
struct note {
    int project_no;    /* the lead department form of this project, or 0 */
    int64_t target_id; /* the schedule form of this target, or 0 */
    const char *typed;
    const char *msg; /* in the page's language */
};

static void hidden(struct ss_buf *b, const char *name, const char *value)
{
    raw(b, "<input type=\"hidden\" name=\"");
    raw(b, name);
    raw(b, "\" value=\"");
    ss_attr(b, value);
    raw(b, "\">");
}

/* A bad schedule in the page's language, naming the form's field. */
static void schedule_words(struct ss_wreq *r, const struct ss_schedule_err *e, char *out,
                           size_t cap)
{
    static const char *const MONTH[12] = {N_("1月"), N_("2月"),  N_("3月"),  N_("4月"),
                                          N_("5月"), N_("6月"),  N_("7月"),  N_("8月"),
                                          N_("9月"), N_("10月"), N_("11月"), N_("12月")};
    const char *m = e->month >= 1 && e->month <= 12 ? ss_tr(r->lang, MONTH[e->month - 1]) : "?";

    switch (e->problem) {
    case SS_SCHEDULE_COUNT:
        snprintf(out, cap,
                 L(r, "时序进度：填写了%"
                      "zu个数，应为12个，即每月末累计应完成的百分比（留空为全年均匀推进）。"),
                 e->count);
        break;
    case SS_SCHEDULE_NOT_NUMBER:
        snprintf(out, cap, L(r, "时序进度：%s的“%s”不是数字。"), m, e->text);
        break;
    case SS_SCHEDULE_RANGE:
        snprintf(out, cap, L(r, "时序进度：%s为%g，应在0到100之间。"), m, e->value);
        break;
    case SS_SCHEDULE_DECREASE:
        snprintf(out, cap, L(r, "时序进度：%s为%g，小于上月的%g；累计比例不能下降。"), m, e->value,
                 e->previous);
        break;
    default:
        snprintf(out, cap, L(r, "时序进度：12月为%g；年底应全部完成，即100。"), e->value);
        break;
    }
}
struct ss_plan *ss_plan_admin_load(struct ss_wreq *r, const struct ss_user *u, const char *id,
                                   const char *title, int archived)
{
    struct ss_plan *p = NULL;
    struct ss_err err;
    long n = 0;

    ss_err_clear(&err);
    if (u->role != SS_ROLE_ADMIN) {
        ss_page_refusal(r, title, 403, L(r, "只有管理员可以修改计划。"));
        return NULL;
    }
    if (id && *id && (ss_parse_long(id, &n) || n < 1)) {
        ss_page_refusal(r, title, 400, L(r, "计划编号无效。"));
        return NULL;
    }
    if (ss_store_plan_load(r->st, n, &p, &err)) {
        ss_page_refusal(r, title, 404, L(r, "没有这个计划。"));
        return NULL;
    }
    if (!archived && p->state == SS_PLAN_ARCHIVED) {
        ss_page_refusal(r, title, 409, L(r, "这个计划已归档，不再修改。"));
        ss_plan_free(p);
        return NULL;
    }
    if (ss_plan_may_change(r->e, u, p, &err)) {
        ss_page_refusal(r, title, 403, L(r, "本账号的区划不包含该计划的发布单位，不能修改。"));
        ss_plan_free(p);
        return NULL;
    }
    return p;
}

static void field_error(struct ss_buf *b, const char *id, const struct note *n)
{
    raw(b, "<p class=\"form-error\" role=\"alert\" id=\"err-");
    raw(b, id);
    raw(b, "\">");
    ss_html(b, n->msg);
    raw(b, "</p>");
}

static void render(struct ss_wreq *r, const char *csrf, const struct ss_plan *p,
                   const struct note *note, const char *notice)
{
    struct ss_buf *b = &r->resp->body;
    char id[32], pid[24];
    size_t i, k;
    int64_t other = p->state == SS_PLAN_DRAFT ? 0 : ss_store_plan_latest_draft(r->st);

    r->resp->cache_control = "no-store";
    snprintf(pid, sizeof pid, "%lld", (long long)p->id);
    ss_page_begin(r, L(r, "计划设置"));
    raw(b, "<h1>");
    raw(b, L(r, "计划设置"));
    raw(b, "</h1>\n<p>");
    ss_content_id(r, "span", SS_TEXT_PLAN, p->id, p->title);
    ss_buf_printf(b, " · %d · ", p->year);
    raw(b, p->state == SS_PLAN_DRAFT ? L(r, "草案（尚未启用）") : L(r, "现行计划"));
    raw(b, "</p>\n");
    if (p->state == SS_PLAN_DRAFT)
        ss_buf_printf(b, "<p><a href=\"/console/plan\">%s</a></p>\n", L(r, "查看现行计划"));
    else if (other)
        ss_buf_printf(b, "<p><a href=\"/console/plan?plan=%lld\">%s</a></p>\n", (long long)other,
                      L(r, "查看待启用的草案"));
    if (notice) {
        raw(b, "<p class=\"notice\" role=\"status\">");
        ss_html(b, notice);
        raw(b, "</p>\n");
    }

    raw(b, "<section aria-labelledby=\"leads\"><h2 id=\"leads\">");
    raw(b, L(r, "牵头单位"));
    raw(b, "</h2>\n<p>");
    raw(b, L(r, "每个项目的牵头单位；留空表示未定。"));
    raw(b, "</p>\n");
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        const struct note *n = note && note->project_no == pr->no ? note : NULL;
        const char *value = n                                       ? n->typed
                            : strcmp(pr->lead_dept, "unknown") == 0 ? ""
                                                                    : pr->lead_dept;
        char no[16];

        snprintf(id, sizeof id, "p%d", pr->no);
        snprintf(no, sizeof no, "%d", pr->no);
        raw(b, "<form class=\"stack\" method=\"post\" action=\"/console/plan\" id=\"");
        raw(b, id);
        raw(b, "\">");
        hidden(b, "csrf", csrf);
        hidden(b, "plan", pid);
        hidden(b, "action", "lead");
        hidden(b, "no", no);
        raw(b, "<p><label for=\"lead-");
        raw(b, no);
        raw(b, "\">");
        ss_buf_printf(b, "%d. ", pr->no);
        ss_content_id(r, "span", SS_TEXT_PROJECT, pr->id, pr->title);
        raw(b, "</label><input type=\"text\" name=\"lead\" id=\"lead-");
        raw(b, no);
        ss_buf_printf(b, "\" maxlength=\"%d\" autocomplete=\"off\" value=\"", SS_MAX_NAME);
        ss_attr(b, value ? value : "");
        raw(b, "\"");
        if (n)
            ss_buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"err-%s\"", id);
        raw(b, "></p>");
        if (n)
            field_error(b, id, n);
        raw(b, "<p><button type=\"submit\">");
        raw(b, L(r, "保存"));
        raw(b, "</button></p></form>\n");
    }
    raw(b, "</section>\n<section aria-labelledby=\"schedules\"><h2 id=\"schedules\">");
    raw(b, L(r, "时序进度"));
    raw(b, "</h2>\n<p>");
    raw(b, L(r, "每月末累计应完成的百分比：12个数，用逗号分隔，逐月不下降，12月为100，例如户外工程 "
                "0,0,0,10,25,40,55,70,85,100,100,"
                "100。留空为全年均匀推进。现行计划的修改立即生效，并记入审计日志。"));
    raw(b, "</p>\n");
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];

        raw(b, "<h3>");
        ss_buf_printf(b, "%d. ", pr->no);
        ss_content_id(r, "span", SS_TEXT_PROJECT, pr->id, pr->title);
        raw(b, "</h3>\n");
        for (k = 0; k < p->ntargets; k++) {
            const struct ss_target *t = &p->targets[k];
            const struct note *n = note && note->target_id == t->id ? note : NULL;
            struct ss_buf sched;
            char tid[24];

            if (t->project_no != pr->no)
                continue;
            snprintf(tid, sizeof tid, "%lld", (long long)t->id);
            snprintf(id, sizeof id, "t%lld", (long long)t->id);
            ss_buf_init(&sched, 256);
            if (t->has_profile)
                ss_schedule_format(t->profile, &sched);
            raw(b, "<form class=\"stack\" method=\"post\" action=\"/console/plan\" id=\"");
            raw(b, id);
            raw(b, "\">");
            hidden(b, "csrf", csrf);
            hidden(b, "plan", pid);
            hidden(b, "action", "schedule");
            hidden(b, "target", tid);
            raw(b, "<p><label for=\"s-");
            raw(b, tid);
            raw(b, "\">#");
            raw(b, tid);
            raw(b, " ");
            ss_content_id(r, "span", SS_TEXT_TARGET, t->id, t->metric);
            raw(b, " (");
            ss_num(b, t->value);
            raw(b, " ");
            ss_html(b, t->unit);
            raw(b, ")</label><input type=\"text\" name=\"schedule\" id=\"s-");
            raw(b, tid);
            ss_buf_printf(b,
                          "\" maxlength=\"%d\" autocomplete=\"off\" spellcheck=\"false\" "
                          "placeholder=\"",
                          SS_MAX_SCHEDULE);
            raw(b, L(r, "留空：全年均匀"));
            raw(b, "\" value=\"");
            ss_attr(b, n ? n->typed : sched.data ? sched.data : "");
            raw(b, "\"");
            if (n)
                ss_buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"err-%s\"", id);
            raw(b, "></p>");
            if (n)
                field_error(b, id, n);
            raw(b, "<p><button type=\"submit\">");
            raw(b, L(r, "保存"));
            raw(b, "</button></p></form>\n");
            ss_buf_cleanup(&sched);
        }
    }
    raw(b, "</section>\n<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

void ss_page_plan_admin(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_plan *p;
    char csrf[SS_TOKEN_HEX], notice[160];
    const char *saved = ss_http_arg(r->http, "saved");
    const char *no = ss_http_arg(r->http, "no"), *target = ss_http_arg(r->http, "target");
    long n = 0;

    if (ss_web_auth(r, 0, &u) ||
        ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), &u, csrf))
        return;
    if (!(p = ss_plan_admin_load(r, &u, ss_http_arg(r->http, "plan"), L(r, "计划设置"), 0)))
        return;
    notice[0] = '\0';
    if (saved && strcmp(saved, "lead") == 0 && no && !ss_parse_long(no, &n))
        snprintf(notice, sizeof notice, L(r, "已保存项目%ld的牵头单位。"), n);
    else if (saved && strcmp(saved, "schedule") == 0 && target && !ss_parse_long(target, &n))
        snprintf(notice, sizeof notice, L(r, "已保存指标 #%ld 的时序进度。"), n);
    render(r, csrf, p, NULL, notice[0] ? notice : NULL);
    ss_plan_free(p);
}

/* Set project `no`'s lead department; 0, or the words of the refusal. */
static int save_lead(struct ss_wreq *r, struct ss_store *st, const struct ss_plan *p,
                     const char *no_s, const char *lead, struct note *n, char *msg, size_t cap)
{
    struct ss_err err;
    long no = 0;
    size_t i;

    ss_err_clear(&err);
    if (!no_s || ss_parse_long(no_s, &no))
        no = 0;
    for (i = 0; i < p->nprojects && p->projects[i].no != no; i++)
        ;
    if (i == p->nprojects) {
        snprintf(msg, cap, "%s", L(r, "没有这个项目。"));
        return 404;
    }
    n->project_no = (int)no;
    n->typed = lead ? lead : "";
    n->msg = msg;
    if (!lead || strlen(lead) > SS_MAX_NAME || !ss_utf8_valid(lead, strlen(lead))) {
        snprintf(msg, cap, L(r, "牵头单位：最多%d字节的文字。"), SS_MAX_NAME);
        return 400;
    }
    if (ss_plan_project_lead(st, p->id, (int)no, lead, &err)) {
        snprintf(msg, cap, "%s",
                 err.code == SS_ECONFLICT ? L(r, "这个计划已不能修改。")
                                          : L(r, "未能保存，请重试。"));
        return err.code == SS_ECONFLICT ? 409 : 500;
    }
    return 0;
}

/* Set a target's schedule; 0, or the words of the refusal. */
static int save_schedule(struct ss_wreq *r, struct ss_store *st, const struct ss_plan *p,
                         const char *tid_s, const char *typed, struct note *n, char *msg,
                         size_t cap)
{
    struct ss_target_edit e;
    struct ss_schedule_err se;
    struct ss_err err;
    long tid = 0;

    ss_err_clear(&err);
    memset(&e, 0, sizeof e);
    if (!tid_s || ss_parse_long(tid_s, &tid) || ss_plan_target_index(p, tid) < 0) {
        snprintf(msg, cap, "%s", L(r, "这个计划没有这个指标。"));
        return 404;
    }
    n->target_id = tid;
    n->typed = typed ? typed : "";
    n->msg = msg;
    if (!typed || strlen(typed) > SS_MAX_SCHEDULE) {
        snprintf(msg, cap, L(r, "时序进度：最多%d个字符。"), SS_MAX_SCHEDULE);
        return 400;
    }
    if (ss_schedule_parse(typed, e.profile, &e.has_profile, &se)) {
        schedule_words(r, &se, msg, cap);
        return 400;
    }
    e.set_profile = 1;
    if (ss_plan_target_update(st, tid, &e, &err)) {
        snprintf(msg, cap, "%s",
                 err.code == SS_ECONFLICT ? L(r, "这个计划已不能修改。")
                                          : L(r, "未能保存，请重试。"));
        return err.code == SS_ECONFLICT ? 409 : 500;
    }
    return 0;
}

void ss_page_plan_admin_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_plan *p;
    struct ss_store *st;
    struct note note;
    char csrf[SS_TOKEN_HEX], msg[512], url[160];
    const char *action = ss_http_field(r->http, "action");
    int status;

    if (ss_web_auth(r, 1, &u) ||
        ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), &u, csrf))
        return;
    if (!(p = ss_plan_admin_load(r, &u, ss_http_field(r->http, "plan"), L(r, "计划设置"), 0)))
        return;
    if (!(st = ss_web_store_rw(r))) {
        ss_page_refusal(r, L(r, "计划设置"), 500, L(r, "数据库无法写入。"));
        ss_plan_free(p);
        return;
    }
    if (ss_store_begin(st, u.name, NULL)) {
        ss_page_refusal(r, L(r, "计划设置"), 500, L(r, "数据库无法写入。"));
        ss_plan_free(p);
        return;
    }
    memset(&note, 0, sizeof note);
    msg[0] = '\0';
    if (action && strcmp(action, "lead") == 0)
        status = save_lead(r, st, p, ss_http_field(r->http, "no"), ss_http_field(r->http, "lead"),
                           &note, msg, sizeof msg);
    else if (action && strcmp(action, "schedule") == 0)
        status = save_schedule(r, st, p, ss_http_field(r->http, "target"),
                               ss_http_field(r->http, "schedule"), &note, msg, sizeof msg);
    else {
        snprintf(msg, sizeof msg, "%s", L(r, "请求无效。"));
        status = 400;
    }
    if (status)
        ss_store_rollback(st);
    else if (ss_store_commit(st, NULL)) {
        snprintf(msg, sizeof msg, "%s", L(r, "未能保存，请重试。"));
        status = 500;
    }
    if (status == 0) {
        if (note.project_no)
            snprintf(url, sizeof url, "/console/plan?plan=%lld&saved=lead&no=%d#p%d",
                     (long long)p->id, note.project_no, note.project_no);
        else
            snprintf(url, sizeof url, "/console/plan?plan=%lld&saved=schedule&target=%lld#t%lld",
                     (long long)p->id, (long long)note.target_id, (long long)note.target_id);
        ss_http_redirect(r->resp, url);
    } else if (note.msg) {
        r->resp->status = status;
        render(r, csrf, p, &note, L(r, "未保存，请按提示修改。"));
    } else {
        ss_page_refusal(r, L(r, "计划设置"), status, msg);
    }
    ss_plan_free(p);
}
