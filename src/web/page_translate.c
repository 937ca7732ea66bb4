/*
 * page_translate.c - /console/translate: an admin's translations of the
 * plan's content into English or Uyghur (?to=en|ug; ?plan=N for a draft):
 * the plan's title, every project's and target's title, and the names of
 * the org units in the admin's own subtree (core/translate.h). The same
 * checks as `shishi plan translate`, and the same store function: every
 * field is checked before anything is stored, one audited transaction
 * stores them all, and a refused form comes back with what was typed and
 * why next to each field, in the page's language.
 *
 * Only an admin whose unit holds the plan's top unit (core/plan_change.h)
 * translates its content; an org unit's name only inside the admin's
 * unit. The POST checks both before it reads a field. Each input says the
 * language it is in (lang, dir), each label the Chinese it translates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/plan_change.h"
#include "core/translate.h"
#include "store/store_audit.h"
#include "web/plan_admin_web.h"
#include "web/render.h"

#define MAX_FIELDS 4000 /* translations on one form */

/* A field of a refused form: its id, what was typed, and why it was
 * refused ("" when it was not), in the page's language. */
struct field_note {
    const char *id;
    const char *typed;
    char msg[SS_ERR_TEXT];
};

struct notes {
    struct field_note *v;
    size_t n, bad;
};

/* The language translated into: ?to= (or the form's), else the page's
 * when it is not Chinese, else English. */
static enum ss_lang target_lang(struct ss_wreq *r, const char *to)
{
    enum ss_lang l;

    if (to && ss_text_lang(to, "to", &l, NULL) == SS_OK)
        return l;
    return r->lang == SS_LANG_ZH ? SS_LANG_EN : r->lang;
}
static const struct field_note *note_of(const struct notes *ns, const char *id)
{
    size_t i;

    for (i = 0; ns && i < ns->n; i++)
        if (strcmp(ns->v[i].id, id) == 0)
            return &ns->v[i];
    return NULL;
}

/* "t-plan", "t-target-47": an element id from a sheet id. */
static void elem_id(const char *id, char *out, size_t cap)
{
    size_t i, k = 0;

    k += (size_t)snprintf(out, cap, "t-");
    for (i = 0; id[i] && k + 1 < cap; i++)
        out[k++] = id[i] == ':' ? '-' : id[i];
    out[k] = '\0';
}

/* One labelled input: id (as a sheet says it), the Chinese it translates
 * (label: kind, ref for the label's own translation is not shown), its
 * current translation. */
static void input(struct ss_wreq *r, enum ss_lang to, const char *id, const char *prefix,
                  const char *zh, const char *current, const struct notes *ns)
{
    struct ss_buf *b = &r->resp->body;
    const struct field_note *n = note_of(ns, id);
    char eid[64];

    elem_id(id, eid, sizeof eid);
    raw(b, "<p><label for=\"");
    raw(b, eid);
    raw(b, "\">");
    if (prefix)
        ss_html(b, prefix);
    raw(b, "<span lang=\"zh-CN\"");
    if (ss_lang_rtl(r->lang))
        raw(b, " dir=\"ltr\"");
    raw(b, ">");
    ss_html(b, zh);
    raw(b, "</span></label><input type=\"text\" id=\"");
    raw(b, eid);
    raw(b, "\" name=\"t:");
    ss_attr(b, id);
    ss_buf_printf(b, "\" lang=\"%s\" dir=\"%s\" maxlength=\"%d\" autocomplete=\"off\" value=\"",
                  ss_lang_tag(to), ss_lang_rtl(to) ? "rtl" : "ltr", SS_MAX_TRANSLATION);
    ss_attr(b, n ? n->typed : current ? current : "");
    raw(b, "\"");
    if (n && n->msg[0])
        ss_buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"e%s\"", eid);
    raw(b, "></p>");
    if (n && n->msg[0]) {
        ss_buf_printf(b, "<p class=\"form-error\" role=\"alert\" id=\"e%s\">", eid);
        ss_html(b, n->msg);
        raw(b, "</p>");
    }
    raw(b, "\n");
}

/* The org units u may name: its own unit and those below it. */
static int org_in_scope(struct ss_wreq *r, const struct ss_user *u, long org)
{
    long mine = ss_access_user_org(r->e, u);

    return org >= 0 && mine >= 0 && ss_engine_org_within(r->e, org, mine);
}

static void render(struct ss_wreq *r, const struct ss_user *u, const char *csrf,
                   const struct ss_plan *p, enum ss_lang to, const struct notes *ns,
                   const char *notice)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_texts *tx = ss_engine_texts(r->e);
    char id[48], pid[24], prefix[32];
    size_t i, k, norgs = ss_engine_org_count(r->e);
    int l;

    r->resp->cache_control = "no-store";
    snprintf(pid, sizeof pid, "%lld", (long long)p->id);
    ss_page_begin(r, L(r, "内容翻译"));
    raw(b, "<h1>");
    raw(b, L(r, "内容翻译"));
    raw(b, "</h1>\n<p>");
    raw(b, L(r, "计划、项目和指标的标题及地区名称的译文。没有译文的，页面显示中文原文。"));
    raw(b, "</p>\n<nav aria-label=\"");
    raw(b, L(r, "译成"));
    raw(b, "\"><ul class=\"console-links\">");
    for (l = 0; l < SS_NLANGS; l++) {
        if (l == SS_LANG_ZH)
            continue;
        raw(b, "<li><a href=\"/console/translate?plan=");
        raw(b, pid);
        raw(b, "&amp;to=");
        raw(b, ss_lang_code((enum ss_lang)l));
        raw(b, "\"");
        if (l == (int)to)
            raw(b, " aria-current=\"page\"");
        ss_buf_printf(b, " lang=\"%s\" hreflang=\"%s\" dir=\"%s\">", ss_lang_tag((enum ss_lang)l),
                      ss_lang_tag((enum ss_lang)l), ss_lang_rtl((enum ss_lang)l) ? "rtl" : "ltr");
        ss_html(b, ss_lang_name((enum ss_lang)l));
        raw(b, "</a></li>");
    }
    raw(b, "</ul></nav>\n");
    if (notice) {
        raw(b, ns && ns->bad ? "<p class=\"form-error\" role=\"alert\">"
                             : "<p class=\"notice\" role=\"status\">");
        ss_html(b, notice);
        raw(b, "</p>\n");
    }
    raw(b, "<form class=\"stack\" method=\"post\" action=\"/console/translate\">");
    raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    ss_attr(b, csrf);
    raw(b, "\"><input type=\"hidden\" name=\"plan\" value=\"");
    raw(b, pid);
    raw(b, "\"><input type=\"hidden\" name=\"to\" value=\"");
    raw(b, ss_lang_code(to));
    raw(b, "\">\n<fieldset class=\"picks\"><legend>");
    raw(b, L(r, "计划"));
    raw(b, "</legend>\n");
    input(r, to, "plan", NULL, p->title, ss_texts_get_id(tx, SS_TEXT_PLAN, p->id, to), ns);
    raw(b, "</fieldset>\n");
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];

        raw(b, "<fieldset class=\"picks\"><legend>");
        ss_buf_printf(b, L(r, "第%d件实事"), pr->no);
        raw(b, "</legend>\n");
        snprintf(id, sizeof id, "project:%d", pr->no);
        input(r, to, id, NULL, pr->title, ss_texts_get_id(tx, SS_TEXT_PROJECT, pr->id, to), ns);
        for (k = 0; k < p->ntargets; k++) {
            const struct ss_target *t = &p->targets[k];
            if (t->project_no != pr->no)
                continue;
            snprintf(id, sizeof id, "target:%lld", (long long)t->id);
            snprintf(prefix, sizeof prefix, "#%lld ", (long long)t->id);
            input(r, to, id, prefix, t->metric, ss_texts_get_id(tx, SS_TEXT_TARGET, t->id, to), ns);
        }
        raw(b, "</fieldset>\n");
    }
    raw(b, "<fieldset class=\"picks\"><legend>");
    raw(b, LC(r, "section", "地区"));
    raw(b, "</legend>\n");
    for (i = 0; i < norgs; i++) {
        const struct ss_org *g = ss_engine_org(r->e, (long)i);
        if (!org_in_scope(r, u, (long)i))
            continue;
        snprintf(id, sizeof id, "org:%s", g->code);
        snprintf(prefix, sizeof prefix, "%s ", g->code);
        input(r, to, id, prefix, g->name, ss_texts_get(tx, SS_TEXT_ORG, g->code, to), ns);
    }
    raw(b, "</fieldset>\n<p><button type=\"submit\">");
    raw(b, L(r, "保存"));
    raw(b, "</button></p></form>\n<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

static int session_csrf(struct ss_wreq *r, struct ss_user *u, char csrf[SS_TOKEN_HEX])
{
    return ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), u, csrf);
}

void ss_page_translate(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_plan *p;
    char csrf[SS_TOKEN_HEX], notice[160];
    long saved = -1;
    const char *s = ss_http_arg(r->http, "saved");

    if (ss_web_auth(r, 0, &u) || session_csrf(r, &u, csrf))
        return;
    if (!(p = ss_plan_admin_load(r, &u, ss_http_arg(r->http, "plan"), L(r, "内容翻译"), 1)))
        return;
    if (s && ss_parse_long(s, &saved))
        saved = -1;
    if (saved >= 0)
        snprintf(notice, sizeof notice, L(r, "已保存：%ld 条译文有变化。"), saved);
    render(r, &u, csrf, p, target_lang(r, ss_http_arg(r->http, "to")), NULL,
           saved >= 0 ? notice : NULL);
    ss_plan_free(p);
}

void ss_page_translate_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_plan *p;
    struct ss_store *st;
    struct ss_text_row *rows;
    struct notes ns = {0};
    struct ss_err err;
    char csrf[SS_TOKEN_HEX], url[160];
    enum ss_lang to;
    size_t i, n = 0, changed = 0;

    if (ss_web_auth(r, 1, &u) || session_csrf(r, &u, csrf))
        return;
    if (!(p = ss_plan_admin_load(r, &u, ss_http_field(r->http, "plan"), L(r, "内容翻译"), 1)))
        return;
    to = target_lang(r, ss_http_field(r->http, "to"));
    rows = ss_xcalloc(r->http->nfields + 1, sizeof *rows);
    ns.v = ss_xcalloc(r->http->nfields + 1, sizeof *ns.v);
    for (i = 0; i < r->http->nfields && n < MAX_FIELDS; i++) {
        const struct ss_http_field *f = &r->http->fields[i];
        const char *id = strncmp(f->name, "t:", 2) == 0 ? f->name + 2 : NULL;
        struct field_note *note = &ns.v[ns.n];

        if (!id || f->filename)
            continue;
        note->id = id;
        note->typed = f->value;
        note->msg[0] = '\0';
        ns.n++;
        ss_err_clear(&err);
        if (ss_text_ref(r->st, p, id, &rows[n], &err) == SS_OK && rows[n].kind == SS_TEXT_ORG &&
            !org_in_scope(r, &u, ss_engine_org_find(r->e, rows[n].ref)))
            ss_err_set(&err, SS_EFORBIDDEN, "id",
                       "org unit %s is outside this account's unit: its name is not yours to "
                       "translate",
                       rows[n].ref);
        if (!err.code)
            ss_text_check(f->value, &err);
        if (err.code) {
            ss_err_text(&err, r->lang, note->msg, sizeof note->msg);
            ns.bad++;
            continue;
        }
        rows[n++].text = f->value;
    }
    if (ns.bad) {
        r->resp->status = 400;
        render(r, &u, csrf, p, to, &ns, L(r, "未保存，请按提示修改。"));
        goto out;
    }
    if (!(st = ss_web_store_rw(r))) {
        ss_page_refusal(r, L(r, "内容翻译"), 500, L(r, "数据库无法写入。"));
        goto out;
    }
    ss_err_clear(&err);
    if (n && ss_translate_put(st, to, rows, n, u.name, &changed, &err)) {
        ss_page_refusal(r, L(r, "内容翻译"), 500, L(r, "未能保存，请重试。"));
        goto out;
    }
    snprintf(url, sizeof url, "/console/translate?plan=%lld&to=%s&saved=%zu", (long long)p->id,
             ss_lang_code(to), changed);
    ss_http_redirect(r->resp, url);
out:
    free(rows);
    free(ns.v);
    ss_plan_free(p);
}
