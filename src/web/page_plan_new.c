/*
 * page_plan_new.c - /console/plans/new: an admin hands over an announcement
 * (pasted text or HTML, or an uploaded .txt, .html or .docx) and reviews
 * the draft extracted from it against the text, then activates it.
 *
 * The same steps as the CLI, through the same functions, so the same plan
 * comes out: the text is read as `shishi import` reads a file
 * (base/docx.h, then extract.h), made a draft by core/plan_import.c and
 * stored with its source (store_draft.h: plan_source); every correction
 * is one core/plan_edit.h call (set, add, split, merge, drop, as `plan
 * target ...`), and activate is core/plan_change.h's ss_plan_activate, as
 * `plan activate`. Each write is one transaction begun with the signed-in
 * admin, so the audit log says who did it. Only a draft is reviewed here;
 * only an admin whose unit contains the plan's issuer may open or change
 * it (ss_plan_admin_load); a new draft is checked the same way before it
 * is stored. Every form carries the session's CSRF token.
 *
 * The review (?plan=N): the source on one side, each target's clause
 * marked in it and linked both ways; the draft on the other, one small
 * form per target. The numbers the number reader sees in the source that
 * no target's clause covers are listed, each with an "add as target"
 * button that sends the number's offsets: the clause around it becomes
 * the new target's text, its value, unit and op the reader's. A general
 * form takes a clause's text (or its start/end offsets) for anything
 * else. Everything works without JavaScript (the site ships none); a
 * phone shows source, numbers and draft one after another, a wide screen
 * source and draft side by side (site.css: .review).
 *
 * Clauses are found in the source by their text (the extractor quotes
 * them verbatim from this very text, extract.h); a clause edited by hand
 * or not found is said to be so rather than marked.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/docx.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/plan_change.h"
#include "core/plan_edit.h"
#include "core/plan_import.h"
#include "core/plan_json.h"
#include "extract/extract.h"
#include "store/store_draft.h"
#include "web/plan_admin_web.h"
#include "web/render.h"
#include "web/web_err.h"

#define PATH "/console/plans/new"
#define MAX_LISTED 300 /* numbers listed as not taken, at most */

/* What the review shows: the draft, its source, where each clause is. */
struct review {
    struct ss_plan *p;
    char *name, *src; /* the source (NULL when the plan has none) */
    size_t nsrc;
    long *at;      /* per target: offset of its clause in src, or -1 */
    size_t *end;   /* per target: end of its clause */
    long *mark_of; /* per target: the target whose mark covers its clause, or -1 */
    struct ss_xquantity *nums;
    size_t nnums;
};

static void review_free(struct review *v)
{
    ss_plan_free(v->p);
    free(v->name);
    free(v->src);
    free(v->at);
    free(v->end);
    free(v->mark_of);
    free(v->nums);
}

static void hidden_field(struct ss_buf *b, const char *name, const char *value)
{
    raw(b, "<input type=\"hidden\" name=\"");
    raw(b, name);
    raw(b, "\" value=\"");
    ss_attr(b, value);
    raw(b, "\">");
}

/* The form's opening: POST to this page with the CSRF token, the plan and
 * the action. */
static void form_open(struct ss_buf *b, const char *cls, const char *csrf, int64_t plan,
                      const char *action)
{
    char pid[24];

    snprintf(pid, sizeof pid, "%lld", (long long)plan);
    raw(b, "<form class=\"");
    raw(b, cls);
    raw(b, "\" method=\"post\" action=\"" PATH "\">");
    hidden_field(b, "csrf", csrf);
    if (plan)
        hidden_field(b, "plan", pid);
    hidden_field(b, "action", action);
}

static void notice(struct ss_buf *b, const char *msg, int alert)
{
    raw(b,
        alert ? "<p class=\"form-error\" role=\"alert\">" : "<p class=\"notice\" role=\"status\">");
    ss_html(b, msg);
    raw(b, "</p>\n");
}

/* ---- the form that starts a review -------------------------------------------- */

static void render_start(struct ss_wreq *r, const char *csrf, const char *typed, const char *msg)
{
    struct ss_buf *b = &r->resp->body;
    int64_t draft = ss_store_plan_latest_draft(r->st);

    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "导入计划"));
    raw(b, "<h1>");
    raw(b, L(r, "导入计划"));
    raw(b, "</h1>\n<p>");
    raw(b, L(r, "粘贴或上传政府发布的民生实事公告（文本、网页或Word "
                ".docx），系统提取出计划草案，再与原文逐条核对后启用。"));
    raw(b, "</p>\n");
    if (msg)
        notice(b, msg, 1);
    if (draft)
        ss_buf_printf(b, "<p><a href=\"" PATH "?plan=%lld\">%s</a></p>\n", (long long)draft,
                      L(r, "继续核对待启用的草案"));
    raw(b, "<form class=\"stack\" method=\"post\" action=\"" PATH
           "\" enctype=\"multipart/form-data\">");
    hidden_field(b, "csrf", csrf);
    hidden_field(b, "action", "import");
    raw(b, "<p><label for=\"text\">");
    raw(b, L(r, "公告全文"));
    raw(b, "</label><textarea name=\"text\" id=\"text\" rows=\"12\" lang=\"zh-CN\">");
    ss_html(b, typed ? typed : "");
    raw(b, "</textarea></p>\n<p><label for=\"file\">");
    raw(b, L(r, "或上传文件（.txt、.html、.docx）"));
    raw(b, "</label><input type=\"file\" name=\"file\" id=\"file\" "
           "accept=\".txt,.htm,.html,.docx,text/plain,text/html,application/"
           "vnd.openxmlformats-officedocument.wordprocessingml.document\"></p>\n<p><label "
           "for=\"year\">");
    raw(b, L(r, "年度（原文未写明年度时填写）"));
    raw(b, "</label><input type=\"text\" name=\"year\" id=\"year\" inputmode=\"numeric\" "
           "maxlength=\"4\" autocomplete=\"off\"></p>\n<p><button type=\"submit\">");
    raw(b, L(r, "提取草案"));
    raw(b, "</button></p></form>\n<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

/* ---- finding the clauses -------------------------------------------------------- */

/* 1 if target k's mark, set before i's, runs over the start of i's clause. */
static int covers(const struct review *v, size_t k, size_t i)
{
    long bk = v->at[k], bi = v->at[i];

    if (k == i || bk < 0 || v->mark_of[k] != (long)k)
        return 0;
    return (bk < bi || (bk == bi && k < i)) && v->end[k] > (size_t)bi;
}

static void locate(struct review *v)
{
    const struct ss_plan *p = v->p;
    size_t i, k, from = 0;

    v->at = ss_xcalloc(p->ntargets + 1, sizeof *v->at);
    v->end = ss_xcalloc(p->ntargets + 1, sizeof *v->end);
    v->mark_of = ss_xcalloc(p->ntargets + 1, sizeof *v->mark_of);
    for (i = 0; i < p->ntargets; i++) {
        const char *t = p->targets[i].text, *hit = NULL;

        v->at[i] = v->mark_of[i] = -1;
        if (!v->src || !t || !*t)
            continue;
        /* in reading order: after the last clause found, else anywhere */
        if (!(hit = strstr(v->src + from, t)))
            hit = strstr(v->src, t);
        if (!hit)
            continue;
        v->at[i] = hit - v->src;
        v->end[i] = (size_t)v->at[i] + strlen(t);
        from = (size_t)v->at[i];
    }
    /* a clause inside (or overlapping) one marked before it is shown by that mark */
    for (i = 0; i < p->ntargets; i++) {
        if (v->at[i] < 0)
            continue;
        v->mark_of[i] = (long)i;
        for (k = 0; k < p->ntargets; k++)
            if (covers(v, k, i)) {
                v->mark_of[i] = (long)k;
                break;
            }
    }
    if (v->src)
        v->nnums = ss_extract_numbers(v->src, v->nsrc, &v->nums);
}

/* 1 if src[b, e) lies in some target's clause. */
static int taken(const struct review *v, size_t b, size_t e)
{
    size_t i;

    for (i = 0; i < v->p->ntargets; i++)
        if (v->at[i] >= 0 && (size_t)v->at[i] < e && v->end[i] > b)
            return 1;
    return 0;
}

static int is_delim(const char *s, size_t i, size_t n, size_t *len)
{
    static const char *const D[] = {"，", "、", "。", "；", "：", "！", "？",
                                    ",",  ";",  ":",  "\n", "\t", "\r"};
    size_t k, l;

    for (k = 0; k < SS_ARRAY_LEN(D); k++) {
        l = strlen(D[k]);
        if (i + l <= n && memcmp(s + i, D[k], l) == 0) {
            *len = l;
            return 1;
        }
    }
    return 0;
}

/* The clause around src[b, e): from after the delimiter before b to the
 * delimiter after e, within SS_MAX_TARGET_TEXT. */
static void clause_around(const char *s, size_t n, size_t b, size_t e, size_t *cb, size_t *ce)
{
    size_t i = b, l;

    while (i > 0 && b - i < SS_MAX_TARGET_TEXT / 2) {
        size_t j = i - 1;
        while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
            j--;
        if (is_delim(s, j, n, &l))
            break;
        i = j;
    }
    *cb = i;
    i = e;
    while (i < n && i - *cb < SS_MAX_TARGET_TEXT - 4 && !is_delim(s, i, n, &l)) {
        size_t k = ss_utf8_seq((const unsigned char *)s + i, n - i);
        i += k ? k : 1;
    }
    *ce = i > n ? n : i;
}

/* ---- the review ------------------------------------------------------------------ */

static void source_html(struct ss_wreq *r, const struct review *v)
{
    struct ss_buf *b = &r->resp->body;
    size_t pos = 0, i;

    raw(b, "<div class=\"source\" lang=\"zh-CN\" tabindex=\"0\" aria-labelledby=\"src-h\">");
    for (;;) {
        long next = -1;
        for (i = 0; i < v->p->ntargets; i++)
            if (v->mark_of[i] == (long)i && (size_t)v->at[i] >= pos &&
                (next < 0 || v->at[i] < v->at[next]))
                next = (long)i;
        if (next < 0)
            break;
        ss_esc_html(b, v->src + pos, (size_t)v->at[next] - pos);
        ss_buf_printf(b, "<a class=\"clause\" id=\"src-%lld\" href=\"#t-%lld\"><mark>",
                      (long long)v->p->targets[next].id, (long long)v->p->targets[next].id);
        ss_esc_html(b, v->src + v->at[next], v->end[next] - (size_t)v->at[next]);
        raw(b, "</mark></a>");
        pos = v->end[next];
    }
    ss_esc_html(b, v->src + pos, v->nsrc - pos);
    raw(b, "</div>\n");
}

/* The project a number most likely belongs to: that of the last clause
 * found before it, else the first project. */
static int project_near(const struct review *v, size_t at)
{
    size_t i;
    long best = -1;

    for (i = 0; i < v->p->ntargets; i++)
        if (v->at[i] >= 0 && (size_t)v->at[i] <= at && (best < 0 || v->at[i] >= v->at[best]))
            best = (long)i;
    return best >= 0 ? v->p->targets[best].project_no : v->p->nprojects ? v->p->projects[0].no : 0;
}

static void project_select(struct ss_wreq *r, const struct ss_plan *p, const char *id, int chosen)
{
    struct ss_buf *b = &r->resp->body;
    size_t i;

    ss_buf_printf(b, "<label for=\"%s\">%s</label><select name=\"project\" id=\"%s\">", id,
                  L(r, "项目"), id);
    for (i = 0; i < p->nprojects; i++) {
        ss_buf_printf(b, "<option value=\"%d\"%s>%d. ", p->projects[i].no,
                      p->projects[i].no == chosen ? " selected" : "", p->projects[i].no);
        ss_html(b, p->projects[i].title);
        raw(b, "</option>");
    }
    raw(b, "</select>");
}

static void numbers_html(struct ss_wreq *r, const struct review *v, const char *csrf)
{
    struct ss_buf *b = &r->resp->body;
    size_t i, listed = 0;

    raw(b, "<section aria-labelledby=\"nums-h\" class=\"review-numbers\"><h2 id=\"nums-h\">");
    raw(b, L(r, "未被采用的数字"));
    raw(b, "</h2>\n<p>");
    raw(b, L(r, "原文中这些数字没有对应的指标。若其中有漏提的指标，点它的“添加”按钮即可（加到最近的"
                "项目；其他项目用下面的表单）。"));
    raw(b, "</p>\n<ul class=\"numbers\">");
    for (i = 0; i < v->nnums && listed < MAX_LISTED; i++) {
        const struct ss_xquantity *x = &v->nums[i];
        size_t cb, ce;
        int no;

        if (taken(v, x->b, x->e))
            continue;
        listed++;
        clause_around(v->src, v->nsrc, x->b, x->e, &cb, &ce);
        raw(b, "<li>");
        form_open(b, "number", csrf, v->p->id, "add");
        ss_buf_printf(b, "<input type=\"hidden\" name=\"start\" value=\"%zu\">", x->b);
        ss_buf_printf(b, "<input type=\"hidden\" name=\"end\" value=\"%zu\">", x->e);
        raw(b, "<p lang=\"zh-CN\">");
        ss_esc_html(b, v->src + cb, x->b - cb);
        raw(b, "<strong>");
        ss_esc_html(b, v->src + x->b, x->e - x->b);
        raw(b, "</strong>");
        ss_esc_html(b, v->src + x->e, ce - x->e);
        no = project_near(v, x->b);
        ss_buf_printf(b, "</p><p><input type=\"hidden\" name=\"project\" value=\"%d\">", no);
        raw(b, "<button type=\"submit\">");
        ss_buf_printf(b, L(r, "添加为项目%d的指标"), no);
        raw(b, "</button></p></form></li>\n");
    }
    raw(b, "</ul>\n");
    if (listed == 0) {
        raw(b, "<p>");
        raw(b, L(r, "原文中的数字都已对应到指标。"));
        raw(b, "</p>\n");
    }
    /* anything else: a clause by its text, or by its offsets */
    raw(b, "<h3 id=\"add-h\">");
    raw(b, L(r, "按原文添加指标"));
    raw(b, "</h3>\n");
    form_open(b, "stack", csrf, v->p->id, "add");
    raw(b, "<p>");
    project_select(r, v->p, "add-project", v->p->nprojects ? v->p->projects[0].no : 0);
    raw(b, "</p><p><label for=\"add-text\">");
    raw(b, L(r, "原文语句（从左侧原文复制）"));
    ss_buf_printf(b,
                  "</label><textarea name=\"text\" id=\"add-text\" rows=\"2\" maxlength=\"%d\" "
                  "lang=\"zh-CN\"></textarea></p><p><label for=\"add-start\">",
                  SS_MAX_TARGET_TEXT);
    raw(b, L(r, "或原文位置：起"));
    raw(b, "</label><input type=\"text\" name=\"start\" id=\"add-start\" inputmode=\"numeric\" "
           "size=\"8\" autocomplete=\"off\"> <label for=\"add-end\">");
    raw(b, L(r, "止"));
    raw(b, "</label><input type=\"text\" name=\"end\" id=\"add-end\" inputmode=\"numeric\" "
           "size=\"8\" autocomplete=\"off\"></p><p><label for=\"add-value\">");
    raw(b, L(r, "目标值（留空则从语句中读取）"));
    raw(b, "</label><input type=\"text\" name=\"value\" id=\"add-value\" inputmode=\"decimal\" "
           "autocomplete=\"off\"></p><p><button type=\"submit\">");
    raw(b, L(r, "添加指标"));
    raw(b, "</button></p></form>\n</section>\n");
}

static void op_select(struct ss_wreq *r, const char *id, enum ss_op op)
{
    struct ss_buf *b = &r->resp->body;
    static const enum ss_op OPS[] = {SS_OP_GE, SS_OP_EQ, SS_OP_LE};
    const char *words[3];
    size_t i;

    words[0] = L(r, "不少于 (>=)");
    words[1] = L(r, "等于 (=)");
    words[2] = L(r, "不超过 (<=)");
    ss_buf_printf(b, "<label for=\"%s\">%s</label><select name=\"op\" id=\"%s\">", id, L(r, "比较"),
                  id);
    for (i = 0; i < 3; i++) {
        ss_buf_printf(b, "<option value=\"%s\"%s>", ss_op_str(OPS[i]),
                      OPS[i] == op ? " selected" : "");
        ss_html(b, words[i]);
        raw(b, "</option>");
    }
    raw(b, "</select>");
}

static void kind_select(struct ss_wreq *r, const char *id, enum ss_kind kind)
{
    struct ss_buf *b = &r->resp->body;
    const char *words[5];
    int k;

    words[0] = L(r, "数量（可累加）");
    words[1] = L(r, "金额");
    words[2] = L(r, "比率");
    words[3] = L(r, "增幅");
    words[4] = L(r, "节点（阶段）");
    ss_buf_printf(b, "<label for=\"%s\">%s</label><select name=\"kind\" id=\"%s\">", id,
                  L(r, "类型"), id);
    for (k = SS_KIND_COUNT; k <= SS_KIND_MILESTONE; k++) {
        ss_buf_printf(b, "<option value=\"%s\"%s>", ss_kind_str((enum ss_kind)k),
                      k == (int)kind ? " selected" : "");
        ss_html(b, words[k]);
        raw(b, "</option>");
    }
    raw(b, "</select>");
}

/* The parent choices: none, or an earlier target of the same project. */
static void parent_select(struct ss_wreq *r, const struct ss_plan *p, size_t i, const char *id)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_target *t = &p->targets[i];
    size_t k;

    ss_buf_printf(b, "<label for=\"%s\">%s</label><select name=\"parent\" id=\"%s\">", id,
                  L(r, "所属总指标"), id);
    ss_buf_printf(b, "<option value=\"0\"%s>%s</option>", t->parent_id ? "" : " selected",
                  L(r, "无（独立指标）"));
    for (k = 0; k < i; k++) {
        if (p->targets[k].project_no != t->project_no)
            continue;
        ss_buf_printf(b, "<option value=\"%lld\"%s>#%lld ", (long long)p->targets[k].id,
                      p->targets[k].id == t->parent_id ? " selected" : "",
                      (long long)p->targets[k].id);
        ss_html(b, p->targets[k].metric);
        raw(b, "</option>");
    }
    raw(b, "</select>");
}

static void target_html(struct ss_wreq *r, const struct review *v, size_t i, const char *csrf)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_plan *p = v->p;
    const struct ss_target *t = &p->targets[i];
    long long id = (long long)t->id;
    char fid[48], tid[24];
    size_t k;
    int others = 0;

    snprintf(tid, sizeof tid, "%lld", id);
    ss_buf_printf(b, "<article class=\"target\" id=\"t-%lld\" aria-labelledby=\"th-%lld\">", id,
                  id);
    ss_buf_printf(b, "<h4 id=\"th-%lld\">#%lld ", id, id);
    ss_zh_open(r, "span");
    ss_html(b, t->metric);
    ss_zh_close(r, "span");
    raw(b, "</h4>\n<p>");
    if (v->mark_of[i] >= 0) {
        ss_buf_printf(b, "<a href=\"#src-%lld\">", (long long)p->targets[v->mark_of[i]].id);
        raw(b, L(r, "原文"));
        raw(b, "</a>: ");
    } else {
        raw(b, "<em>");
        raw(b, L(r, "原文中未找到这句"));
        raw(b, "</em>: ");
    }
    ss_zh_open(r, "span");
    ss_html(b, t->text);
    ss_zh_close(r, "span");
    raw(b, "</p>\n");

    form_open(b, "stack edit", csrf, p->id, "set");
    hidden_field(b, "target", tid);
    snprintf(fid, sizeof fid, "m-%lld", id);
    ss_buf_printf(b,
                  "<p><label for=\"%s\">%s</label><input type=\"text\" name=\"metric\" "
                  "id=\"%s\" maxlength=\"%d\" autocomplete=\"off\" lang=\"zh-CN\" value=\"",
                  fid, L(r, "指标名称"), fid, SS_MAX_NAME);
    ss_attr(b, t->metric);
    snprintf(fid, sizeof fid, "v-%lld", id);
    ss_buf_printf(b,
                  "\"></p><p><label for=\"%s\">%s</label><input type=\"text\" name=\"value\" "
                  "id=\"%s\" inputmode=\"decimal\" autocomplete=\"off\" value=\"",
                  fid, L(r, "目标值"), fid);
    ss_buf_num(b, t->value, 6);
    snprintf(fid, sizeof fid, "u-%lld", id);
    ss_buf_printf(b,
                  "\"></p><p><label for=\"%s\">%s</label><input type=\"text\" name=\"unit\" "
                  "id=\"%s\" maxlength=\"%d\" autocomplete=\"off\" lang=\"zh-CN\" value=\"",
                  fid, L(r, "单位"), fid, SS_MAX_UNIT);
    ss_attr(b, t->unit);
    raw(b, "\"></p><p>");
    snprintf(fid, sizeof fid, "o-%lld", id);
    op_select(r, fid, t->op);
    raw(b, "</p><p>");
    snprintf(fid, sizeof fid, "k-%lld", id);
    kind_select(r, fid, t->kind);
    raw(b, "</p><p>");
    snprintf(fid, sizeof fid, "p-%lld", id);
    parent_select(r, p, i, fid);
    raw(b, "</p><p><button type=\"submit\">");
    raw(b, L(r, "保存"));
    raw(b, "</button></p></form>\n<details><summary>");
    raw(b, L(r, "拆分、合并或删除"));
    raw(b, "</summary>\n");

    form_open(b, "stack", csrf, p->id, "split");
    hidden_field(b, "target", tid);
    snprintf(fid, sizeof fid, "s-%lld", id);
    ss_buf_printf(b,
                  "<p><label for=\"%s\">%s</label><input type=\"text\" name=\"values\" "
                  "id=\"%s\" autocomplete=\"off\" placeholder=\"",
                  fid, L(r, "拆分为几个目标值（用逗号分隔）"), fid);
    ss_buf_num(b, t->value / 2, 6);
    raw(b, ",");
    ss_buf_num(b, t->value - t->value / 2, 6);
    raw(b, "\"></p><p><button type=\"submit\">");
    raw(b, L(r, "拆分"));
    raw(b, "</button></p></form>\n");

    for (k = 0; k < p->ntargets; k++)
        others += k != i && p->targets[k].project_no == t->project_no;
    if (others) {
        form_open(b, "stack", csrf, p->id, "merge");
        hidden_field(b, "target", tid);
        snprintf(fid, sizeof fid, "g-%lld", id);
        ss_buf_printf(b, "<p><label for=\"%s\">%s</label><select name=\"with\" id=\"%s\">", fid,
                      L(r, "并入本指标的指标"), fid);
        for (k = 0; k < p->ntargets; k++) {
            if (k == i || p->targets[k].project_no != t->project_no)
                continue;
            ss_buf_printf(b, "<option value=\"%lld\">#%lld ", (long long)p->targets[k].id,
                          (long long)p->targets[k].id);
            ss_html(b, p->targets[k].metric);
            raw(b, "</option>");
        }
        raw(b, "</select></p><p><button type=\"submit\">");
        raw(b, L(r, "合并"));
        raw(b, "</button></p></form>\n");
    }
    form_open(b, "stack", csrf, p->id, "drop");
    hidden_field(b, "target", tid);
    raw(b, "<p><button type=\"submit\" class=\"danger\">");
    raw(b, L(r, "删除这个指标"));
    raw(b, "</button></p></form>\n</details></article>\n");
}

static void render_review(struct ss_wreq *r, const char *csrf, struct review *v, const char *msg,
                          int alert, int offer_force)
{
    struct ss_buf *b = &r->resp->body;
    const struct ss_plan *p = v->p;
    size_t i, k;

    r->resp->cache_control = "no-store";
    ss_page_begin(r, L(r, "核对计划草案"));
    raw(b, "<h1>");
    raw(b, L(r, "核对计划草案"));
    raw(b, "</h1>\n<p>");
    ss_zh_open(r, "span");
    ss_html(b, p->title);
    ss_zh_close(r, "span");
    ss_buf_printf(b, " · %d · ", p->year);
    ss_buf_printf(b, L(r, "%zu个项目，%zu个指标"), p->nprojects, p->ntargets);
    raw(b, "</p>\n");
    if (msg)
        notice(b, msg, alert);
    raw(b, "<div class=\"review\">\n<section aria-labelledby=\"src-h\" class=\"review-source\">"
           "<h2 id=\"src-h\">");
    raw(b, L(r, "原文"));
    raw(b, "</h2>\n");
    if (v->src) {
        if (v->name && *v->name) {
            raw(b, "<p>");
            ss_html(b, v->name);
            raw(b, "</p>\n");
        }
        source_html(r, v);
    } else {
        raw(b, "<p>");
        raw(b, L(r, "这个草案没有保存原文（不是从公告导入的）。"));
        raw(b, "</p>\n");
    }
    raw(b, "</section>\n<section aria-labelledby=\"draft-h\" class=\"review-draft\"><h2 "
           "id=\"draft-h\">");
    raw(b, L(r, "提取的草案"));
    raw(b, "</h2>\n");
    for (i = 0; i < p->nprojects; i++) {
        ss_buf_printf(b, "<h3>%d. ", p->projects[i].no);
        ss_zh_open(r, "span");
        ss_html(b, p->projects[i].title);
        ss_zh_close(r, "span");
        raw(b, "</h3>\n");
        for (k = 0; k < p->ntargets; k++)
            if (p->targets[k].project_no == p->projects[i].no)
                target_html(r, v, k, csrf);
    }
    raw(b, "</section>\n</div>\n");
    if (v->src)
        numbers_html(r, v, csrf);
    raw(b, "<section aria-labelledby=\"act-h\"><h2 id=\"act-h\">");
    raw(b, L(r, "启用"));
    raw(b, "</h2>\n<p>");
    raw(b,
        L(r, "核对无误后启用：草案成为现行计划，同年度的现行计划归档，能对应上的指标保留原有的填报"
             "和分解。"));
    raw(b, "</p>\n");
    form_open(b, "stack", csrf, p->id, "activate");
    if (offer_force) {
        raw(b, "<p><input type=\"checkbox\" name=\"force\" value=\"1\" id=\"force\"> <label "
               "for=\"force\">");
        raw(b, L(r, "仍然启用：未对应上的指标的填报和分解留在归档计划中"));
        raw(b, "</label></p>");
    }
    raw(b, "<p><button type=\"submit\">");
    raw(b, L(r, "启用这个计划"));
    raw(b, "</button></p></form>\n</section>\n<p><a href=\"/console\">");
    raw(b, L(r, "返回工作台"));
    raw(b, "</a></p>\n");
    ss_page_end(r);
}

/* Load plan `id` (a draft the admin may change) with its source; 0, or the
 * page was answered with a refusal. */
static int review_load(struct ss_wreq *r, struct ss_store *st, const struct ss_user *u,
                       const char *id, struct review *v)
{
    struct ss_err err;

    memset(v, 0, sizeof *v);
    if (!id || !*id) {
        ss_page_refusal(r, L(r, "核对计划草案"), 400, L(r, "计划编号无效。"));
        return -1;
    }
    if (!(v->p = ss_plan_admin_load(r, u, id, L(r, "核对计划草案"), 0)))
        return -1;
    if (v->p->state != SS_PLAN_DRAFT) {
        ss_page_refusal(r, L(r, "核对计划草案"), 409,
                        L(r, "这个计划已经启用，不再是草案；现行计划在“计划设置”中修改。"));
        review_free(v);
        return -1;
    }
    ss_err_clear(&err);
    if (ss_store_plan_source_get(st, v->p->id, &v->name, &v->src, &err) == SS_OK)
        v->nsrc = strlen(v->src);
    locate(v);
    return 0;
}

void ss_page_plan_new(struct ss_wreq *r)
{
    struct ss_user u;
    struct review v;
    char csrf[SS_TOKEN_HEX], msg[200];
    const char *plan = ss_http_arg(r->http, "plan"), *done = ss_http_arg(r->http, "done");

    if (ss_web_auth(r, 0, &u) ||
        ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), &u, csrf))
        return;
    if (u.role != SS_ROLE_ADMIN) {
        ss_page_refusal(r, L(r, "导入计划"), 403, L(r, "只有管理员可以修改计划。"));
        return;
    }
    if (!plan) {
        render_start(r, csrf, NULL, NULL);
        return;
    }
    if (review_load(r, r->st, &u, plan, &v))
        return;
    msg[0] = '\0';
    if (done && strcmp(done, "import") == 0)
        snprintf(msg, sizeof msg, "%s", L(r, "已提取草案，请与原文逐条核对。"));
    else if (done)
        snprintf(msg, sizeof msg, "%s", L(r, "已保存。"));
    render_review(r, csrf, &v, msg[0] ? msg : NULL, 0, 0);
    review_free(&v);
}

/* ---- writes --------------------------------------------------------------------- */

static int parse_id(const char *s, int64_t *out)
{
    long n;

    if (!s || ss_parse_long(s, &n) || n < 1)
        return -1;
    *out = n;
    return 0;
}

static int parse_value(const char *s, double *out)
{
    char *end;

    if (!s || !*s || strlen(s) > 40)
        return -1;
    *out = strtod(s, &end);
    return *end || !isfinite(*out) ? -1 : 0;
}

/* Read the announcement of the form into a new draft; 0 and *id, or the
 * words of the refusal in msg and an HTTP status. */
static int import_text(struct ss_wreq *r, struct ss_store *st, const struct ss_user *u, int64_t *id,
                       char *msg, size_t cap)
{
    const struct ss_http_field *f = ss_http_file(r->http, "file");
    const char *text = ss_http_field(r->http, "text"), *year_s = ss_http_field(r->http, "year");
    const char *name = "";
    struct ss_xplan *x = NULL;
    struct ss_plan *p = NULL;
    struct ss_buf why;
    struct ss_err err;
    char *data = NULL, *code = NULL;
    size_t len = 0, i;
    long year = 0;
    int rc = 0;

    ss_err_clear(&err);
    ss_buf_init(&why, 1024);
    if (year_s && *year_s && (ss_parse_long(year_s, &year) || year < 1949 || year > 2200)) {
        snprintf(msg, cap, "%s", L(r, "年度应为四位数字，例如2026。"));
        rc = 400;
        goto out;
    }
    if (f && f->len > 0) {
        name = f->filename ? f->filename : "";
        if (f->len > SS_MAX_DOCX) {
            snprintf(msg, cap, L(r, "文件超过%u MiB。"), SS_MAX_DOCX >> 20);
            rc = 413;
            goto out;
        }
        rc = ss_docx_or_text(f->value, f->len, &data, &len, NULL, &err);
    } else if (text && *text) {
        rc = ss_docx_or_text(text, strlen(text), &data, &len, NULL, &err);
    } else {
        snprintf(msg, cap, "%s", L(r, "请粘贴公告全文或上传文件。"));
        rc = 400;
        goto out;
    }
    if (rc || ss_extract(data, len, &x, &err)) {
        ss_web_err_text(r, &err, msg, cap);
        rc = 400;
        goto out;
    }
    for (i = 0; i < x->nprojects && x->projects[i].ntargets == 0; i++)
        ;
    if (i == x->nprojects) {
        snprintf(msg, cap, "%s", L(r, "没有在这段文字中找到任何指标，未保存草案。"));
        rc = 400;
        goto out;
    }
    if (x->year)
        year = x->year;
    if (!year) {
        snprintf(msg, cap, "%s", L(r, "原文没有写明年度，请填写年度。"));
        rc = 400;
        goto out;
    }
    p = ss_plan_from_extract(x, (int)year);
    if (ss_plan_top_org_guess(st, p->issuer, &code, &why) == SS_OK)
        p->top_org = code;
    if (ss_plan_may_change(r->e, u, p, &err)) {
        snprintf(msg, cap, "%s", L(r, "本账号的区划不包含该计划的发布单位，不能导入。"));
        rc = 403;
        goto out;
    }
    if (ss_store_begin(st, u->name, &err) ||
        ss_plan_import_store(st, p, name, data, len, id, &err) || ss_store_commit(st, &err)) {
        ss_store_rollback(st);
        ss_web_err_text(r, &err, msg, cap);
        rc = ss_web_status(r, &err);
        goto out;
    }
out:
    ss_buf_cleanup(&why);
    ss_xplan_free(x);
    ss_plan_free(p);
    free(data);
    return rc;
}

/* The target of a form, which must be plan p's; its index or -1. */
static long form_target(struct ss_wreq *r, const struct ss_plan *p, const char *field)
{
    int64_t id;

    if (parse_id(ss_http_field(r->http, field), &id))
        return -1;
    return ss_plan_target_index(p, id);
}

static int do_set(struct ss_wreq *r, struct ss_store *st, const struct ss_plan *p, long i,
                  struct ss_err *err)
{
    struct ss_target_edit e;
    const char *value = ss_http_field(r->http, "value"), *op = ss_http_field(r->http, "op"),
               *kind = ss_http_field(r->http, "kind"), *parent = ss_http_field(r->http, "parent");

    memset(&e, 0, sizeof e);
    e.metric = ss_http_field(r->http, "metric");
    e.unit = ss_http_field(r->http, "unit");
    if (value) {
        if (parse_value(value, &e.value))
            return ss_err_set(err, SS_EINVAL, "value", "'%s' is not a number", value);
        e.set_value = 1;
    }
    if (op) {
        if (ss_op_parse(op, &e.op))
            return ss_err_set(err, SS_EINVAL, "op", "must be one of >=, <=, =");
        e.set_op = 1;
    }
    if (kind) {
        if (ss_kind_parse(kind, &e.kind))
            return ss_err_set(err, SS_EINVAL, "kind",
                              "must be count, amount, rate, change or milestone");
        e.set_kind = 1;
    }
    if (parent) {
        int64_t pid = 0;
        if (strcmp(parent, "0") != 0 && parse_id(parent, &pid))
            return ss_err_set(err, SS_EINVAL, "parent", "'%s' is not a target id", parent);
        e.set_parent = 1;
        e.parent_id = pid;
    }
    return ss_plan_target_update(st, p->targets[i].id, &e, err);
}

/* The text, value, unit and op of a target added from the source (start,
 * end: a number's or a clause's offsets) or from a clause's text. */
static int do_add(struct ss_wreq *r, struct ss_store *st, const struct review *v, int64_t *id,
                  struct ss_err *err)
{
    const char *text = ss_http_field(r->http, "text"), *start = ss_http_field(r->http, "start"),
               *end = ss_http_field(r->http, "end"), *value = ss_http_field(r->http, "value"),
               *proj = ss_http_field(r->http, "project");
    struct ss_target t;
    struct ss_xquantity *nums = NULL;
    char *clause = NULL, *metric = NULL;
    size_t nn = 0, k, m = 0, kk, cb = 0;
    long no = 0, sb = -1, se = -1;
    int rc;

    memset(&t, 0, sizeof t);
    if (!proj || ss_parse_long(proj, &no))
        return ss_err_set(err, SS_EINVAL, "project", "choose the project");
    if (start && *start && end && *end && (!text || !*text)) {
        size_t ce;
        if (!v->src)
            return ss_err_set(err, SS_EINVAL, "start", "the draft has no source text");
        if (ss_parse_long(start, &sb) || ss_parse_long(end, &se) || sb < 0 || se <= sb ||
            (size_t)se > v->nsrc || se - sb > SS_MAX_TARGET_TEXT ||
            ((unsigned char)v->src[sb] & 0xC0) == 0x80 ||
            ((size_t)se < v->nsrc && ((unsigned char)v->src[se] & 0xC0) == 0x80))
            return ss_err_set(err, SS_EINVAL, "start",
                              "start %s and end %s are not a passage of the source", start, end);
        clause_around(v->src, v->nsrc, (size_t)sb, (size_t)se, &cb, &ce);
        clause = ss_xstrndup(v->src + cb, ce - cb);
    } else if (text && *text) {
        clause = ss_xstrdup(text);
    } else {
        return ss_err_set(err, SS_EINVAL, "text", "give the clause's text or its offsets");
    }
    /* value, unit and op: the number read at start, else the clause's first */
    nn = ss_extract_numbers(clause, strlen(clause), &nums);
    k = 0;
    if (sb >= 0)
        for (k = 0; k < nn && nums[k].b != (size_t)sb - cb; k++)
            ;
    if (k >= nn && !value) {
        rc = ss_err_set(err, SS_EINVAL, "value", "no number in the clause: give the value");
        goto out;
    }
    t.text = clause;
    if (value && *value) {
        if (parse_value(value, &t.value)) {
            rc = ss_err_set(err, SS_EINVAL, "value", "'%s' is not a number", value);
            goto out;
        }
    } else if (k < nn) {
        t.value = nums[k].value;
    } else {
        rc = ss_err_set(err, SS_EINVAL, "value", "no number in the clause: give the value");
        goto out;
    }
    t.unit = k < nn ? nums[k].unit : "";
    if (k >= nn || ss_op_parse(nums[k].op, &t.op))
        t.op = SS_OP_EQ;
    /* the metric: the clause, cut at a character to what a metric holds */
    kk = strlen(clause);
    while (m < kk) {
        size_t l = ss_utf8_seq((const unsigned char *)clause + m, kk - m);
        if (!l || m + l > SS_MAX_NAME)
            break;
        m += l;
    }
    metric = ss_xstrndup(clause, m);
    t.metric = metric;
    t.kind = ss_kind_guess(t.unit, t.text);
    rc = ss_plan_target_add(st, v->p->id, (int)no, &t, id, err);
out:
    free(nums);
    free(clause);
    free(metric);
    return rc;
}

static int do_split(struct ss_wreq *r, struct ss_store *st, const struct ss_plan *p, long i,
                    struct ss_err *err)
{
    const char *values = ss_http_field(r->http, "values"), *c;
    double v[SS_MAX_SPLIT];
    const char *metrics[SS_MAX_SPLIT];
    char buf[1024], *save = NULL, *tok;
    size_t n = 0, k = 0;

    if (!values || strlen(values) >= sizeof buf)
        return ss_err_set(err, SS_EINVAL, "values", "give the parts' values, separated by commas");
    /* the separators people type: , ， 、 and spaces, all as "," */
    for (c = values; *c;) {
        if (strncmp(c, "，", 3) == 0 || strncmp(c, "、", 3) == 0) {
            buf[k++] = ',';
            c += 3;
        } else {
            buf[k++] = *c++;
        }
    }
    buf[k] = '\0';
    for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (n == SS_MAX_SPLIT || parse_value(tok, &v[n]))
            return ss_err_set(err, SS_EINVAL, "values", "'%s' is not a number", tok);
        metrics[n++] = p->targets[i].metric;
    }
    return ss_plan_target_split(st, p->targets[i].id, v, metrics, n, NULL, err);
}

void ss_page_plan_new_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_store *st;
    struct review v;
    struct ss_err err;
    struct ss_activation a;
    char csrf[SS_TOKEN_HEX], msg[SS_ERR_TEXT], url[200];
    const char *action = ss_http_field(r->http, "action");
    int64_t id = 0;
    long i = -1;
    int rc = 0, activate = 0;

    if (ss_web_auth(r, 1, &u) ||
        ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), &u, csrf))
        return;
    if (u.role != SS_ROLE_ADMIN) {
        ss_page_refusal(r, L(r, "导入计划"), 403, L(r, "只有管理员可以修改计划。"));
        return;
    }
    if (!(st = ss_web_store_rw(r))) {
        ss_page_refusal(r, L(r, "导入计划"), 500, L(r, "数据库无法写入。"));
        return;
    }
    if (!action || strcmp(action, "import") == 0) {
        int status = import_text(r, st, &u, &id, msg, sizeof msg);
        if (status) {
            const char *typed = ss_http_field(r->http, "text");
            r->resp->status = status;
            render_start(r, csrf, typed && strlen(typed) <= SS_MAX_TEXT_FILE ? typed : NULL, msg);
            return;
        }
        snprintf(url, sizeof url, PATH "?plan=%lld&done=import", (long long)id);
        ss_http_redirect(r->resp, url);
        return;
    }
    /* every other action edits a draft this admin may change */
    if (review_load(r, st, &u, ss_http_field(r->http, "plan"), &v))
        return;
    ss_err_clear(&err);
    memset(&a, 0, sizeof a);
    if (ss_store_begin(st, u.name, &err)) {
        ss_page_refusal(r, L(r, "核对计划草案"), 500, L(r, "数据库无法写入。"));
        review_free(&v);
        return;
    }
    if (strcmp(action, "add") == 0) {
        rc = do_add(r, st, &v, &id, &err);
    } else if (strcmp(action, "activate") == 0) {
        const char *force = ss_http_field(r->http, "force");
        activate = 1;
        rc = ss_plan_activate(st, v.p->id, force && strcmp(force, "1") == 0, &a, &err);
    } else if (strcmp(action, "set") == 0 || strcmp(action, "split") == 0 ||
               strcmp(action, "merge") == 0 || strcmp(action, "drop") == 0) {
        if ((i = form_target(r, v.p, "target")) < 0) {
            rc = ss_err_set(&err, SS_ENOTFOUND, "target", "the draft has no such target");
        } else if (strcmp(action, "set") == 0) {
            rc = do_set(r, st, v.p, i, &err);
        } else if (strcmp(action, "split") == 0) {
            rc = do_split(r, st, v.p, i, &err);
        } else if (strcmp(action, "merge") == 0) {
            long j = form_target(r, v.p, "with");
            rc = j < 0
                     ? ss_err_set(&err, SS_ENOTFOUND, "with", "the draft has no such target")
                     : ss_plan_target_merge(st, v.p->targets[i].id, v.p->targets[j].id, NULL, &err);
        } else {
            rc = ss_plan_target_drop(st, v.p->targets[i].id, NULL, &err);
        }
        id = i >= 0 ? v.p->targets[i].id : 0;
    } else {
        rc = ss_err_set(&err, SS_EINVAL, "action", "unknown action");
    }
    if (rc)
        ss_store_rollback(st);
    else
        rc = ss_store_commit(st, &err);
    if (rc) {
        ss_web_err_text(r, &err, msg, sizeof msg);
        r->resp->status = ss_web_status(r, &err);
        render_review(r, csrf, &v, msg, 1, activate && a.left_with_data > 0 && !a.done);
    } else if (activate) {
        ss_http_redirect(r->resp, "/console/plan?saved=activate");
    } else {
        if (strcmp(action, "drop") == 0 || !id)
            snprintf(url, sizeof url, PATH "?plan=%lld&done=%s#draft-h", (long long)v.p->id,
                     action);
        else
            snprintf(url, sizeof url, PATH "?plan=%lld&done=%s#t-%lld", (long long)v.p->id, action,
                     (long long)id);
        ss_http_redirect(r->resp, url);
    }
    ss_activation_cleanup(&a);
    review_free(&v);
}
