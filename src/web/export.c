/*
 * export.c - a page's table drawn from its struct ss_table, and the same
 * struct as a CSV or XLSX download (export.h).
 *
 * The registry below names every table that can be downloaded; a name is
 * public (/export/…) or the console's (/console/export/…, where the
 * builder signs the user in and checks access as its page does). The
 * files are written by base/table.c (formula-looking text defused, XLSX
 * text always strings).
 */
#include "web/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "web/render.h"
#include "web/workflow_web.h"

#define CSV_TYPE "text/csv; charset=utf-8"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

struct table_def {
    const char *name;
    int console;
    ss_export_build_fn build;
};

static const struct table_def TABLES[] = {
    {"target-series", 0, ss_export_target_series},
    {"target-breakdown", 0, ss_export_target_breakdown},
    {"org-targets", 0, ss_export_org_targets},
    {"org-ranking", 0, ss_export_org_ranking},
    {"completeness-units", 1, ss_export_cmpl_units},
    {"completeness-missing", 1, ss_export_cmpl_missing},
    {"completeness-depts", 1, ss_export_cmpl_depts},
    {"score", 1, ss_export_score},
    {"notices", 1, ss_export_notices},
};

/* ---- cells ------------------------------------------------------------------------ */

struct ss_tcell *ss_export_content(struct ss_wreq *r, struct ss_table *t, enum ss_text_kind kind,
                                   const char *ref, const char *zh)
{
    const char *s = ss_content_text(r, kind, ref, zh);
    struct ss_tcell *c = ss_table_text(t, s);

    c->zh = s == zh && r->lang != SS_LANG_ZH;
    return c;
}

struct ss_tcell *ss_export_content_id(struct ss_wreq *r, struct ss_table *t, enum ss_text_kind kind,
                                      int64_t id, const char *zh)
{
    const char *s = ss_content_text_id(r, kind, id, zh);
    struct ss_tcell *c = ss_table_text(t, s);

    c->zh = s == zh && r->lang != SS_LANG_ZH;
    return c;
}

struct ss_tcell *ss_export_status(struct ss_wreq *r, struct ss_table *t, int status)
{
    return ss_table_cell(t, ss_status_text(r, status), status);
}

/* ---- the page's table ------------------------------------------------------------- */

static void unit_html(struct ss_wreq *r, const char *unit)
{
    struct ss_buf *b = &r->resp->body;

    if (!unit)
        return;
    if (!ss_table_tight_unit(unit))
        ss_buf_putc(b, ' ');
    ss_zh_open(r, "span"); /* units are the plan's words */
    ss_html(b, unit);
    ss_zh_close(r, "span");
}

static void cell_body(struct ss_wreq *r, const struct ss_tcol *col, const struct ss_tcell *c)
{
    struct ss_buf *b = &r->resp->body;

    if (col->html & SS_TH_STATUS) {
        ss_status_badge(r, (int)c->num);
        return;
    }
    switch (col->kind) {
    case SS_TK_TEXT:
        if (!c->text) {
            raw(b, "—");
            return;
        }
        if (c->zh)
            ss_zh_open(r, "span");
        ss_html(b, c->text);
        if (c->zh)
            ss_zh_close(r, "span");
        unit_html(r, c->unit);
        return;
    case SS_TK_NUM:
    case SS_TK_REAL:
        ss_num(b, c->num);
        break;
    case SS_TK_PCT:
        ss_pct(b, c->num);
        return;
    case SS_TK_NUM1:
        if (isnan(c->num))
            raw(b, "—");
        else
            ss_buf_printf(b, "%.1f", c->num);
        break;
    case SS_TK_INT:
        if (isnan(c->num))
            raw(b, "—");
        else
            ss_buf_printf(b, "%.0f", c->num);
        break;
    }
    if (!isnan(c->num))
        unit_html(r, c->unit);
}

static void cell_html(struct ss_wreq *r, const struct ss_tcol *col, const struct ss_tcell *c)
{
    struct ss_buf *b = &r->resp->body;
    const char *tag = col->html & SS_TH_ROWHEAD ? "th" : "td";

    ss_buf_printf(b, "<%s%s%s>", tag, col->html & SS_TH_ROWHEAD ? " scope=\"row\"" : "",
                  col->html & SS_TH_NOWRAP ? " class=\"nw\"" : "");
    if (c->href) {
        raw(b, "<a href=\"");
        ss_attr(b, c->href);
        raw(b, "\">");
    }
    cell_body(r, col, c);
    if (c->href)
        raw(b, "</a>");
    ss_buf_printf(b, "</%s>", tag);
}

static void link(struct ss_wreq *r, const char *path, const char *ext, const char *query,
                 const char *label)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<a href=\"");
    ss_attr(b, path);
    raw(b, ext);
    raw(b, "?");
    if (query && *query) {
        ss_attr(b, query);
        raw(b, "&amp;");
    }
    raw(b, "lang=");
    raw(b, ss_lang_code(r->lang));
    raw(b, "\" download>");
    raw(b, label);
    raw(b, "</a>");
}

void ss_export_table(struct ss_wreq *r, const char *id, const struct ss_table *t, const char *path,
                     const char *query)
{
    struct ss_buf *b = &r->resp->body;
    const char *heads[SS_TABLE_MAX_COLS];
    size_t i, k, nrows = ss_table_rows(t);

    for (k = 0; k < t->ncols; k++)
        heads[k] = t->cols[k].head;
    ss_table_open(r, id, t->caption ? t->caption : t->name, heads, t->ncols);
    for (i = 0; i < nrows; i++) {
        raw(b, "<tr>");
        for (k = 0; k < t->ncols; k++)
            cell_html(r, &t->cols[k], ss_table_at(t, i, k));
        raw(b, "</tr>");
    }
    raw(b, "</tbody></table></div>\n");
    if (!path)
        return;
    /* the downloads right under their table, named after it for a screen reader */
    raw(b, "<p class=\"downloads\" aria-describedby=\"cap-");
    ss_attr(b, id);
    raw(b, "\">");
    raw(b, L(r, "下载本表："));
    link(r, path, ".csv", query, "CSV");
    raw(b, " · ");
    link(r, path, ".xlsx", query, "Excel");
    raw(b, "</p>\n");
}

/* ---- the downloads ------------------------------------------------------------------ */

static void send(struct ss_wreq *r, const struct ss_table *t, const char *name, int xlsx,
                 const char *tag)
{
    char utf8[320], ascii[160];
    const char *ext = xlsx ? "xlsx" : "csv";
    const char *caption = t->caption ? t->caption : t->name;

    snprintf(ascii, sizeof ascii, "%s%s%s.%s", name, *tag ? "-" : "", tag, ext);
    snprintf(utf8, sizeof utf8, "%.160s%s%s.%s", caption, *tag ? "-" : "", tag, ext);
    r->resp->cache_control = "no-store";
    if (xlsx) {
        const struct ss_table *one[1] = {t};
        struct ss_err err;
        char *data = NULL;
        size_t len = 0;

        ss_err_clear(&err);
        if (ss_table_xlsx(one, 1, caption, r->day, &data, &len, &err)) {
            ss_web_error(r, &err);
            return;
        }
        r->resp->ctype = XLSX_TYPE;
        ss_buf_put(&r->resp->body, data, len);
        free(data);
    } else {
        r->resp->ctype = CSV_TYPE;
        ss_table_csv(&r->resp->body, t);
    }
    ss_wf_disposition(r->resp, utf8, ascii);
}

static void serve(struct ss_wreq *r, int console)
{
    const char *dot = strrchr(r->param, '.');
    size_t i, n = dot ? (size_t)(dot - r->param) : 0;
    int xlsx = dot && strcmp(dot, ".xlsx") == 0;
    char tag[96] = "";

    if (!dot || (!xlsx && strcmp(dot, ".csv") != 0)) {
        ss_page_not_found(r);
        return;
    }
    for (i = 0; i < SS_ARRAY_LEN(TABLES); i++) {
        struct ss_table t;
        if (TABLES[i].console != console || strlen(TABLES[i].name) != n ||
            strncmp(TABLES[i].name, r->param, n) != 0)
            continue;
        ss_table_init(&t, "");
        if (TABLES[i].build(r, &t, tag, sizeof tag) == 0)
            send(r, &t, TABLES[i].name, xlsx, tag);
        ss_table_cleanup(&t);
        return;
    }
    ss_page_not_found(r);
}

void ss_page_export(struct ss_wreq *r)
{
    serve(r, 0);
}

void ss_page_console_export(struct ss_wreq *r)
{
    serve(r, 1);
}
