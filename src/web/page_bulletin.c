/*
 * page_bulletin.c - /bulletins, the published bulletins (public, no
 * sign-in), and /bulletins/{id}.pdf and .xlsx, their files.
 *
 * A published bulletin never changes (store_bulletin.h), so its files are
 * served with their SHA-256 as a strong ETag and cached for a year; the
 * bytes are checked against the recorded hash before they go out, and a
 * mismatch is an error, never a silently different file. The list is
 * cacheable for a few minutes (a new publish shows after that at most).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/util.h"
#include "store/store_bulletin.h"
#include "web/render.h"
#include "web/web.h"

#define PDF_TYPE "application/pdf"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static void size_kb(struct ss_buf *b, int64_t bytes)
{
    ss_buf_printf(b, "%lld KB", (long long)((bytes + 1023) / 1024));
}

void ss_page_bulletins(struct ss_wreq *r)
{
    struct ss_buf *b = &r->resp->body;
    const char *heads[] = {L(r, "月份"), L(r, "地区"),     L(r, "语言"),
                           L(r, "版本"), L(r, "发布时间"), L(r, "下载")};
    struct ss_bulletin_rec *recs = NULL;
    struct ss_err err;
    size_t n = 0, i;

    ss_err_clear(&err);
    if (ss_store_bulletin_list(r->st, &recs, &n, &err)) {
        ss_web_error(r, &err);
        return;
    }
    ss_page_begin_desc(r, L(r, "进展通报"),
                       L(r, "每月发布的民生实事进展通报（PDF 和 Excel），发布后不再改动。"));
    raw(b, "<h1>");
    ss_html(b, L(r, "进展通报"));
    raw(b, "</h1>\n<p>");
    ss_html(b, L(r, "每份通报发布后不再改动；封面印有发布时的审计链头，可用 shishi audit verify "
                    "--anchor 核验日志此后未被改写。"));
    raw(b, "</p>\n");
    if (!n) {
        raw(b, "<p>");
        ss_html(b, L(r, "尚未发布通报。"));
        raw(b, "</p>\n");
    } else {
        ss_table_open(r, "bulletins", L(r, "已发布的通报"), heads, SS_ARRAY_LEN(heads));
        for (i = 0; i < n; i++) {
            const struct ss_bulletin_rec *x = &recs[i];
            long oi = ss_engine_org_find(r->e, x->org_code);
            int lang = ss_lang_parse(x->lang, strlen(x->lang));

            raw(b, "<tr><td>");
            ss_html(b, x->period);
            raw(b, "</td><td>");
            if (oi >= 0)
                ss_content(r, "span", SS_TEXT_ORG, x->org_code, ss_engine_org(r->e, oi)->name);
            else
                ss_html(b, x->org_code);
            raw(b, "</td><td>");
            ss_html(b, lang >= 0 ? ss_lang_name((enum ss_lang)lang) : x->lang);
            ss_buf_printf(b, "</td><td>%lld</td><td>", (long long)x->version);
            ss_html(b, x->published_at);
            ss_buf_printf(b, "</td><td><a href=\"/bulletins/%lld.pdf\">PDF</a> (",
                          (long long)x->id);
            size_kb(b, x->pdf_size);
            ss_buf_printf(b, ") · <a href=\"/bulletins/%lld.xlsx\">Excel</a> (", (long long)x->id);
            size_kb(b, x->xlsx_size);
            raw(b, ")</td></tr>\n");
        }
        raw(b, "</tbody></table></div>\n");
    }
    free(recs);
    ss_page_end(r);
    r->resp->cache_control = "public, max-age=300";
}

void ss_page_bulletin_file(struct ss_wreq *r)
{
    const char *dot = strrchr(r->param, '.');
    struct ss_bulletin_rec rec;
    struct ss_err err;
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[65], num[24], name[96];
    char *data = NULL;
    size_t len = 0;
    long id;
    int xlsx;

    ss_err_clear(&err);
    if (!dot || (size_t)(dot - r->param) >= sizeof num ||
        (strcmp(dot, ".pdf") != 0 && strcmp(dot, ".xlsx") != 0)) {
        ss_page_not_found(r);
        return;
    }
    memcpy(num, r->param, (size_t)(dot - r->param));
    num[dot - r->param] = '\0';
    if (ss_parse_long(num, &id) || id < 1) {
        ss_page_not_found(r);
        return;
    }
    xlsx = dot[1] == 'x';
    if (ss_store_bulletin_get(r->st, id, xlsx, &rec, &data, &len, &err)) {
        if (err.code == SS_ENOTFOUND)
            ss_page_not_found(r);
        else
            ss_web_error(r, &err);
        return;
    }
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if (strcmp(hex, xlsx ? rec.xlsx_sha256 : rec.pdf_sha256) != 0) {
        free(data);
        ss_err_set(&err, SS_EIO, "bulletin", "bulletin %ld's bytes do not match their hash", id);
        ss_web_error(r, &err);
        return;
    }
    snprintf(name, sizeof name, "bulletin-%s-%s-%s-v%lld.%s", rec.period, rec.org_code, rec.lang,
             (long long)rec.version, xlsx ? "xlsx" : "pdf");
    snprintf(r->resp->disposition, sizeof r->resp->disposition, "%s; filename=\"%s\"",
             xlsx ? "attachment" : "inline", name);
    snprintf(r->resp->etag, sizeof r->resp->etag, "\"%s\"", hex);
    r->resp->ctype = xlsx ? XLSX_TYPE : PDF_TYPE;
    r->resp->cache_control = "public, max-age=31536000, immutable";
    ss_buf_put(&r->resp->body, data, len);
    free(data);
}
