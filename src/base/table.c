/*
 * table.c - a table's cells, and the table as CSV and as an XLSX sheet
 * (table.h). The workbook code is the one every XLSX download of shishi
 * other than the ledger goes through (the pages' tables, the bulletin):
 * libxlsxwriter writes to a file, so the workbook goes to a private
 * temporary file, read back and removed.
 */
#include "base/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"

void ss_table_init(struct ss_table *t, const char *name)
{
    memset(t, 0, sizeof *t);
    t->name = ss_xstrdup(name ? name : "");
}

void ss_table_cleanup(struct ss_table *t)
{
    size_t i;

    for (i = 0; i < t->ncols; i++)
        free(t->cols[i].head);
    for (i = 0; i < t->ncells; i++) {
        free(t->cells[i].text);
        free(t->cells[i].unit);
        free(t->cells[i].href);
    }
    free(t->cells);
    free(t->name);
    free(t->caption);
    memset(t, 0, sizeof *t);
}

void ss_table_set_name(struct ss_table *t, const char *name, const char *caption)
{
    free(t->name);
    free(t->caption);
    t->name = ss_xstrdup(name ? name : "");
    t->caption = caption ? ss_xstrdup(caption) : NULL;
}

void ss_table_col(struct ss_table *t, const char *head, enum ss_tkind kind, int html, double width)
{
    struct ss_tcol *c;

    if (t->ncols >= SS_TABLE_MAX_COLS || t->ncells) {
        fprintf(stderr, "shishi: table '%s': column '%s' past the table's start\n", t->name, head);
        abort(); /* a programming error: every column list is fixed in the code */
    }
    c = &t->cols[t->ncols++];
    c->head = ss_xstrdup(head ? head : "");
    c->kind = kind;
    c->html = html;
    c->width = width > 0 ? width : 1;
}

struct ss_tcell *ss_table_cell(struct ss_table *t, const char *text, double num)
{
    struct ss_tcell *c;

    c = SS_PUSH(t->cells, t->ncells, t->cap);
    c->text = text ? ss_xstrdup(text) : NULL;
    c->num = num;
    return c;
}

struct ss_tcell *ss_table_text(struct ss_table *t, const char *text)
{
    return ss_table_cell(t, text, NAN);
}

struct ss_tcell *ss_table_num(struct ss_table *t, double num)
{
    return ss_table_cell(t, NULL, num);
}

void ss_tcell_unit(struct ss_tcell *c, const char *unit)
{
    free(c->unit);
    c->unit = unit && *unit ? ss_xstrdup(unit) : NULL;
}

void ss_tcell_href(struct ss_tcell *c, const char *href)
{
    free(c->href);
    c->href = href ? ss_xstrdup(href) : NULL;
}

size_t ss_table_rows(const struct ss_table *t)
{
    return t->ncols ? t->ncells / t->ncols : 0;
}

const struct ss_tcell *ss_table_at(const struct ss_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->ncols + col];
}

int ss_table_tight_unit(const char *unit)
{
    return unit && strcmp(unit, "%") == 0;
}

/* ---- CSV ---------------------------------------------------------------------------- */

/* A text cell's text with its unit, as shown ("" for none). */
static void cell_text(struct ss_buf *b, const struct ss_tcell *c)
{
    if (!c->text)
        return;
    ss_buf_puts(b, c->text);
    if (c->unit) {
        if (!ss_table_tight_unit(c->unit))
            ss_buf_putc(b, ' ');
        ss_buf_puts(b, c->unit);
    }
}

static void csv_text(struct ss_buf *b, const char *s, size_t n)
{
    ss_esc_csv(b, s, n); /* quoted when needed, a formula defused */
}

/* A number as a spreadsheet reads it: no grouping, the column's decimals. */
static void csv_num(struct ss_buf *b, enum ss_tkind kind, double v)
{
    if (isnan(v))
        return;
    switch (kind) {
    case SS_TK_INT:
        ss_buf_num(b, round(v), 0);
        break;
    case SS_TK_NUM1:
    case SS_TK_PCT:
        ss_buf_num(b, round(v * 10) / 10, 1);
        break;
    case SS_TK_REAL:
        ss_buf_num(b, v, 6);
        break;
    default:
        ss_buf_num(b, fabs(v) >= 1000 ? round(v) : round(v * 100) / 100, 2);
    }
}

void ss_table_csv(struct ss_buf *b, const struct ss_table *t)
{
    struct ss_buf cell;
    size_t r, c, nrows = ss_table_rows(t);

    ss_buf_puts(b, "\xEF\xBB\xBF"); /* a BOM: Excel then reads the file as UTF-8 */
    for (c = 0; c < t->ncols; c++) {
        if (c)
            ss_buf_putc(b, ',');
        csv_text(b, t->cols[c].head, strlen(t->cols[c].head));
    }
    ss_buf_puts(b, "\r\n");
    ss_buf_init(&cell, SS_MAX_OUTPUT);
    for (r = 0; r < nrows; r++) {
        for (c = 0; c < t->ncols; c++) {
            const struct ss_tcell *x = ss_table_at(t, r, c);
            if (c)
                ss_buf_putc(b, ',');
            if (t->cols[c].kind != SS_TK_TEXT) {
                csv_num(b, t->cols[c].kind, x->num);
                continue;
            }
            ss_buf_reset(&cell);
            cell_text(&cell, x);
            csv_text(b, cell.data ? cell.data : "", cell.len);
        }
        ss_buf_puts(b, "\r\n");
    }
    ss_buf_cleanup(&cell);
}

/* ---- XLSX --------------------------------------------------------------------------- */

/* Excel's rule: at most 31 characters, none of []:*?/\ ; counted here in
 * UTF-8 characters, cut at a character's start, k > 0 numbering a second
 * sheet of the same name. */
static void sheet_name(const char *name, size_t k, char out[128])
{
    size_t n = 0, chars = 0;
    const char *s;

    for (s = name; *s && n < 100; s++) {
        if ((*s & 0xC0) != 0x80 && ++chars > 27)
            break;
        out[n++] = strchr("[]:*?/\\", *s) ? '_' : *s;
    }
    out[n] = '\0';
    if (!n)
        snprintf(out, 128, "Sheet");
    if (k)
        snprintf(out + strlen(out), 128 - strlen(out), " %zu", k + 1);
}

struct formats {
    lxw_format *head, *num, *num1, *pct, *intf;
};

static lxw_format *num_format(const struct formats *f, enum ss_tkind kind)
{
    switch (kind) {
    case SS_TK_NUM1:
        return f->num1;
    case SS_TK_PCT:
        return f->pct;
    case SS_TK_INT:
        return f->intf;
    default:
        return f->num;
    }
}

static void write_sheet(lxw_worksheet *ws, const struct ss_table *t, const struct formats *f)
{
    struct ss_buf cell, safe;
    size_t r, c, nrows = ss_table_rows(t);

    ss_buf_init(&cell, SS_MAX_OUTPUT);
    ss_buf_init(&safe, SS_MAX_OUTPUT);
    for (c = 0; c < t->ncols; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, t->cols[c].head, f->head);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 6 + 4 * t->cols[c].width, NULL);
    }
    for (r = 0; r < nrows; r++)
        for (c = 0; c < t->ncols; c++) {
            const struct ss_tcell *x = ss_table_at(t, r, c);
            lxw_row_t row = (lxw_row_t)(r + 1);
            if (t->cols[c].kind != SS_TK_TEXT) {
                if (!isnan(x->num))
                    worksheet_write_number(ws, row, (lxw_col_t)c, x->num,
                                           num_format(f, t->cols[c].kind));
                continue;
            }
            ss_buf_reset(&cell);
            cell_text(&cell, x);
            if (!cell.len)
                continue;
            ss_buf_reset(&safe);
            if (ss_esc_formula_risky(cell.data, cell.len))
                ss_buf_putc(&safe, '\'');
            ss_buf_put(&safe, cell.data, cell.len);
            /* a string, never a formula, whatever it starts with */
            worksheet_write_string(ws, row, (lxw_col_t)c, safe.data, NULL);
        }
    worksheet_freeze_panes(ws, 1, 0);
    if (t->ncols)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows, (lxw_col_t)(t->ncols - 1));
    ss_buf_cleanup(&cell);
    ss_buf_cleanup(&safe);
}

int ss_table_xlsx(const struct ss_table *const *ts, size_t n, const char *title, int32_t created,
                  char **out, size_t *len, struct ss_err *err)
{
    const char *tmp = getenv("TMPDIR");
    char path[512], name[128];
    lxw_workbook *wb;
    lxw_doc_properties props;
    struct formats f;
    lxw_error xe;
    size_t i, k, nsheets = 0;
    int fd, rc;

    *out = NULL;
    *len = 0;
    snprintf(path, sizeof path, "%s/shishi-sheet-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if ((fd = mkstemp(path)) < 0)
        return ss_err_set(err, SS_EIO, "file", "cannot create a temporary file for the workbook");
    close(fd);
    if (!(wb = workbook_new(path))) {
        unlink(path);
        return ss_err_set(err, SS_EIO, "file", "cannot start the workbook");
    }
    memset(&props, 0, sizeof props);
    props.title = ss_xstrdup(title ? title : ""); /* the library copies it */
    props.created = (time_t)created * 86400;
    workbook_set_properties(wb, &props);
    free(props.title);
    f.head = workbook_add_format(wb);
    format_set_bold(f.head);
    format_set_bg_color(f.head, 0xF3F5F8);
    f.num = workbook_add_format(wb);
    format_set_num_format(f.num, "#,##0.##");
    f.num1 = workbook_add_format(wb);
    format_set_num_format(f.num1, "0.0");
    f.pct = workbook_add_format(wb);
    format_set_num_format(f.pct, "0.0\"%\"");
    f.intf = workbook_add_format(wb);
    format_set_num_format(f.intf, "0");
    for (i = 0; i < n; i++) {
        lxw_worksheet *ws;
        size_t same = 0;

        if (!ts[i]->ncols)
            continue;
        for (k = 0; k < i; k++)
            same += ts[k]->ncols && strcmp(ts[k]->name, ts[i]->name) == 0;
        sheet_name(ts[i]->name, same, name);
        if (!(ws = workbook_add_worksheet(wb, name)))
            break;
        nsheets++;
        write_sheet(ws, ts[i], &f);
    }
    if (!nsheets) /* a workbook needs a sheet */
        workbook_add_worksheet(wb, NULL);
    xe = workbook_close(wb);
    if (xe != LXW_NO_ERROR) {
        unlink(path);
        return ss_err_set(err, SS_EIO, "file", "cannot write the workbook: %s", lxw_strerror(xe));
    }
    rc = ss_read_file(path, SS_MAX_OUTPUT, out, len);
    unlink(path);
    if (rc)
        return ss_err_set(err, SS_EIO, "file", "cannot read the workbook back");
    return SS_OK;
}
