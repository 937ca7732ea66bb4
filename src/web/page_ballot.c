/*
 * page_ballot.c - the deputies' vote on pages (cycle_web.h):
 *   /console/ballot          a deputy's ballot: the candidates with what
 *                            triage found (cost, lead department, note),
 *                            a box each, at most the seats; cast once, and
 *                            the receipt shown that once (never stored);
 *   /cycles/{year}/receipt   anyone with a receipt checks that its ballot
 *                            is among those counted, and what it chose.
 *
 * Phone first and without script: the seat limit is said beside the boxes
 * and checked by the core (ss_cycle_cast), which refuses a ballot with too
 * many, a second ballot, or one outside the window, each in words. The
 * receipt travels only in the POST's answer and in the check's query,
 * which the access log never writes (http_log.c logs paths); both answers
 * are no-store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/date.h"
#include "base/util.h"
#include "core/access.h"
#include "core/cycle.h"
#include "store/store_cycle.h"
#include "web/cycle_web.h"
#include "web/render.h"
#include "web/web.h"
#include "web/web_err.h"

/* The year of ?year= (or the field), else the cycle whose vote is open
 * today, else the newest; 0 when there is none, -1 when malformed. */
static int ballot_year(struct ss_wreq *r, const char *arg)
{
    int32_t today = ss_date_today();
    struct ss_cycle_row c;
    int *years = NULL, year = 0;
    size_t n = 0, i;

    if (arg)
        return ss_cycle_year_of(r, arg);
    if (ss_store_cycle_years(r->st, &years, &n) == SS_OK) {
        for (i = 0; i < n && !year; i++)
            if (ss_store_cycle_get(r->st, years[i], &c) == SS_OK && c.vote_from != SS_NO_DATE &&
                c.vote_from <= today && today <= c.vote_to)
                year = years[i];
        if (!year && n)
            year = years[0];
    }
    free(years);
    return year;
}

static void window_words(struct ss_wreq *r, const struct ss_cycle_row *c)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<p>");
    raw(b, L(r, "代表票决："));
    raw(b, " ");
    if (c->vote_from == SS_NO_DATE) {
        raw(b, L(r, "未定"));
    } else {
        ss_day(b, c->vote_from);
        raw(b, " – ");
        ss_day(b, c->vote_to);
    }
    raw(b, "</p>\n");
}

static void receipt_form(struct ss_wreq *r, int year)
{
    struct ss_buf *b = &r->resp->body;

    ss_buf_printf(b, "<form method=\"get\" action=\"/cycles/%d/receipt\">", year);
    raw(b, "<p><label for=\"code\">");
    raw(b, L(r, "回执码"));
    raw(b, "</label> <input id=\"code\" name=\"code\" autocomplete=\"off\" spellcheck=\"false\" "
           "maxlength=\"64\" required> <button type=\"submit\">");
    raw(b, L(r, "核对"));
    raw(b, "</button></p></form>\n");
}

/* The ballot page of year for deputy u: the form, or why there is none;
 * msg (an error) above it. */
static void ballot_page(struct ss_wreq *r, const struct ss_user *u, int year,
                        const struct ss_cycle_row *c, const char *csrf, const char *msg)
{
    struct ss_buf *b = &r->resp->body;
    struct ss_candidate_row *cand = NULL;
    int32_t today = ss_date_today();
    size_t n = 0, i;
    char title[96];

    r->resp->cache_control = "no-store";
    snprintf(title, sizeof title, L(r, "%d年民生实事项目代表票决"), year);
    ss_page_begin(r, title);
    raw(b, "<h1>");
    ss_html(b, title);
    raw(b, "</h1>\n");
    window_words(r, c);
    if (msg) {
        raw(b, "<p class=\"form-error\" role=\"alert\">");
        ss_html(b, msg);
        raw(b, "</p>\n");
    }
    if (ss_store_voted(r->st, year, u->id) > 0) {
        raw(b, "<p class=\"notice\" role=\"status\">");
        raw(b, L(r, "您已投票。选票不记名；凭投票时拿到的回执码可以核对选票已计入。"));
        raw(b, "</p>\n");
        receipt_form(r, year);
        goto out;
    }
    if (c->vote_from == SS_NO_DATE || today < c->vote_from) {
        raw(b, "<p>");
        raw(b, L(r, "投票尚未开始。"));
        raw(b, "</p>\n");
        goto out;
    }
    if (today > c->vote_to) {
        raw(b, "<p>");
        raw(b, L(r, "投票已经结束。"));
        ss_buf_printf(b, " <a href=\"/cycles/%d/result\">", year);
        raw(b, L(r, "查看票决结果"));
        raw(b, "</a></p>\n");
        goto out;
    }
    ss_store_candidates(r->st, year, &cand, &n);
    if (!n) {
        raw(b, "<p>");
        raw(b, L(r, "还没有候选项目。"));
        raw(b, "</p>\n");
        goto out;
    }
    raw(b, "<form method=\"post\" action=\"/console/ballot\"><input type=\"hidden\" name=\"csrf\" "
           "value=\"");
    ss_attr(b, csrf);
    ss_buf_printf(b, "\"><input type=\"hidden\" name=\"year\" value=\"%d\">", year);
    raw(b, "<fieldset><legend>");
    ss_buf_printf(b, L(r, "从 %zu 个候选项目中最多选 %d 个"), n, c->seats);
    raw(b, "</legend>\n");
    for (i = 0; i < n; i++) {
        raw(b, "<div class=\"card\">");
        ss_buf_printf(b, "<input type=\"checkbox\" id=\"c%lld\" name=\"choice\" value=\"%lld\"> ",
                      (long long)cand[i].id, (long long)cand[i].id);
        ss_buf_printf(b, "<label for=\"c%lld\" lang=\"zh-CN\">", (long long)cand[i].id);
        ss_html(b, cand[i].title);
        raw(b, "</label>");
        if (cand[i].text && *cand[i].text) {
            raw(b, "<p lang=\"zh-CN\">");
            ss_html(b, cand[i].text);
            raw(b, "</p>");
        }
        raw(b, "<p class=\"counts\">");
        if (cand[i].department && *cand[i].department) {
            raw(b, L(r, "牵头单位"));
            raw(b, L(r, "："));
            raw(b, "<span lang=\"zh-CN\">");
            ss_html(b, cand[i].department);
            raw(b, "</span>");
        }
        if (cand[i].cost >= 0) {
            raw(b, " · ");
            raw(b, L(r, "估算费用（元）"));
            raw(b, L(r, "："));
            ss_buf_printf(b, "%.0f", cand[i].cost);
        }
        raw(b, "</p>");
        if (cand[i].note && *cand[i].note) {
            raw(b, "<p lang=\"zh-CN\">");
            ss_html(b, cand[i].note);
            raw(b, "</p>");
        }
        raw(b, "</div>\n");
    }
    raw(b, "</fieldset><p>");
    raw(b, L(r, "选票不记名：系统只记录您已投票，不记录您选了什么。投票后只能看到一次回执码，"
                "请抄下或截图，用它核对选票已计入。每位代表只能投一次。"));
    raw(b, "</p><p><button type=\"submit\">");
    raw(b, L(r, "投票"));
    raw(b, "</button></p></form>\n");
out:
    ss_store_candidates_free(cand, n);
    ss_page_end(r);
}

/* The signed-in deputy, the CSRF token and year's cycle; otherwise
 * answered (the login, or the error). */
static int deputy(struct ss_wreq *r, int write, const char *arg, struct ss_user *u,
                  char csrf[SS_TOKEN_HEX], int *year, struct ss_cycle_row *c)
{
    struct ss_err err;

    if (ss_web_auth(r, write, u))
        return -1;
    if (ss_auth_session(r->st, ss_http_cookie(r->http, SS_SESSION_COOKIE), u, csrf)) {
        ss_http_redirect(r->resp, "/login");
        return -1;
    }
    ss_err_clear(&err);
    *year = ballot_year(r, arg);
    if (*year <= 0 || ss_store_cycle_get(r->st, *year, c)) {
        ss_err_set(&err, SS_ENOTFOUND, "year", "no cycle for %d", *year > 0 ? *year : 0);
        ss_web_error(r, &err);
        return -1;
    }
    if (ss_access_vote(r->e, u, ss_engine_org_by_id(r->e, c->org_id), &err)) {
        ss_web_error(r, &err);
        return -1;
    }
    return 0;
}

void ss_page_ballot(struct ss_wreq *r)
{
    char csrf[SS_TOKEN_HEX];
    struct ss_cycle_row c;
    struct ss_user u;
    int year;

    if (deputy(r, 0, ss_http_arg(r->http, "year"), &u, csrf, &year, &c))
        return;
    ballot_page(r, &u, year, &c, csrf, NULL);
}

void ss_page_ballot_post(struct ss_wreq *r)
{
    int64_t ids[SS_CYCLE_MAX_SEATS];
    char csrf[SS_TOKEN_HEX], receipt[SS_RECEIPT_HEX], msg[SS_ERR_TEXT], title[96];
    struct ss_buf *b = &r->resp->body;
    struct ss_cycle_row c;
    struct ss_store *st = NULL;
    struct ss_user u;
    struct ss_err err;
    size_t n = 0, i;
    int year;

    if (deputy(r, 1, ss_http_field(r->http, "year"), &u, csrf, &year, &c))
        return;
    ss_err_clear(&err);
    for (i = 0; i < r->http->nfields && !err.code; i++) {
        const struct ss_http_field *f = &r->http->fields[i];
        long id;

        if (f->filename || strcmp(f->name, "choice") != 0)
            continue;
        if (ss_parse_long(f->value, &id) || id < 1)
            ss_err_set(&err, SS_EINVAL, "choices", "'%.20s' is not a candidate", f->value);
        else if (n == SS_CYCLE_MAX_SEATS || n == (size_t)c.seats)
            ss_err_set(&err, SS_EINVAL, "choices", "a ballot chooses at most %d", c.seats);
        else
            ids[n++] = id;
    }
    if (!err.code && !(st = ss_web_store_rw(r)))
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
    if (!err.code)
        ss_cycle_cast(st, r->e, &u, year, ids, n, ss_date_today(), receipt, &err);
    if (err.code) {
        r->resp->status = ss_web_status(r, &err);
        ballot_page(r, &u, year, &c, csrf, ss_web_err_text(r, &err, msg, sizeof msg));
        return;
    }
    /* the receipt, this once: never stored, never in a URL or a log */
    r->resp->status = 201;
    r->resp->cache_control = "no-store";
    snprintf(title, sizeof title, L(r, "%d年民生实事项目代表票决"), year);
    ss_page_begin(r, title);
    raw(b, "<h1>");
    ss_html(b, title);
    raw(b, "</h1>\n<p class=\"notice\" role=\"status\">");
    raw(b, L(r, "投票成功。您的回执码（只显示这一次，请抄下或截图）："));
    raw(b, "</p>\n<p><code class=\"receipt\">");
    ss_html(b, receipt);
    raw(b, "</code></p>\n<p>");
    raw(b, L(r, "凭回执码可以核对您的选票已计入、所选内容无误；回执码不能证明是谁投的票。"));
    raw(b, "</p>\n");
    receipt_form(r, year);
    ss_page_end(r);
    sodium_memzero(receipt, sizeof receipt);
}

void ss_page_receipt(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    const char *code = ss_http_arg(r->http, "code");
    struct ss_candidate_row *cand = NULL;
    int64_t *choices = NULL;
    struct ss_err err;
    size_t n = 0, nc = 0, i, k;
    char title[96];
    long y;
    int year;

    if (ss_parse_long(r->param, &y) || y < 2000 || y > 2200) {
        ss_page_not_found(r);
        return;
    }
    year = (int)y;
    r->resp->cache_control = "no-store";
    snprintf(title, sizeof title, L(r, "%d年代表票决：核对回执"), year);
    ss_page_begin(r, title);
    raw(b, "<h1>");
    ss_html(b, title);
    raw(b, "</h1>\n");
    ss_err_clear(&err);
    if (code && *code) {
        if (ss_cycle_receipt(r->st, year, code, &choices, &n, &err)) {
            r->resp->status = 404;
            raw(b, "<p class=\"form-error\" role=\"alert\">");
            raw(b, L(r, "没有找到这个回执码对应的选票。请检查是否抄错。"));
            raw(b, "</p>\n");
        } else {
            raw(b, "<p class=\"notice\" role=\"status\">");
            raw(b, L(r, "这张选票已计入。所选候选项目："));
            raw(b, "</p>\n<ul>");
            ss_store_candidates(r->st, year, &cand, &nc);
            for (i = 0; i < n; i++) {
                for (k = 0; k < nc && cand[k].id != choices[i]; k++)
                    ;
                raw(b, "<li lang=\"zh-CN\">");
                if (k < nc)
                    ss_html(b, cand[k].title);
                else
                    ss_buf_printf(b, "#%lld", (long long)choices[i]);
                raw(b, "</li>");
            }
            raw(b, "</ul>\n");
            ss_store_candidates_free(cand, nc);
            free(choices);
        }
    }
    receipt_form(r, year);
    ss_page_end(r);
}
