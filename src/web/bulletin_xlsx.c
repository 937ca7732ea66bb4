/*
 * bulletin_xlsx.c - every table of the bulletin's document model as a
 * sheet of one workbook (libxlsxwriter): the heads in a frozen first row
 * with a filter, numbers as numbers (grouped, up to two decimals),
 * percentages as numbers in % with one decimal, text as text; "—" stays
 * an empty cell. A sheet's name is its table's, cut to Excel's 31
 * characters and kept unique.
 *
 * libxlsxwriter writes to a file: the workbook goes to a private temporary
 * file, read back and removed (as core/ledger.c does).
 */
#include "web/bulletin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/limits.h"
#include "base/util.h"

/* Excel's rule: at most 31 characters, none of []:*?/\ ; counted here in
 * UTF-8 characters, cut at a character's start. */
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
    if (k) /* a second table of the same name */
        snprintf(out + n, 128 - n, " %zu", k + 1);
}

int ss_bulletin_xlsx(const struct ss_bdoc *d, char **out, size_t *len, struct ss_err *err)
{
    const char *tmp = getenv("TMPDIR");
    char path[512], name[128];
    lxw_workbook *wb;
    lxw_format *head, *num, *pct;
    lxw_error xe;
    size_t i, r, c, nsheets = 0;
    int fd, rc;

    *out = NULL;
    *len = 0;
    snprintf(path, sizeof path, "%s/shishi-bulletin-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if ((fd = mkstemp(path)) < 0)
        return ss_err_set(err, SS_EIO, "file", "cannot create a temporary file for the workbook");
    close(fd);
    if (!(wb = workbook_new(path))) {
        unlink(path);
        return ss_err_set(err, SS_EIO, "file", "cannot start the workbook");
    }
    {
        /* the as-of day, not the clock: the same figures, the same bytes */
        lxw_doc_properties props;
        memset(&props, 0, sizeof props);
        props.title = d->title;
        props.created = (time_t)d->as_of * 86400;
        workbook_set_properties(wb, &props);
    }
    head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xF3F5F8);
    num = workbook_add_format(wb);
    format_set_num_format(num, "#,##0.##");
    pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.0\"%\"");
    for (i = 0; i < d->n; i++) {
        const struct ss_btable *t = d->blocks[i].t;
        lxw_worksheet *ws;
        size_t k, same = 0;

        if (d->blocks[i].kind != SS_BB_TABLE || !t->ncols)
            continue;
        for (k = 0; k < i; k++)
            same +=
                d->blocks[k].kind == SS_BB_TABLE && strcmp(d->blocks[k].t->sheet, t->sheet) == 0;
        sheet_name(t->sheet, same, name);
        if (!(ws = workbook_add_worksheet(wb, name)))
            break;
        nsheets++;
        for (c = 0; c < t->ncols; c++) {
            worksheet_write_string(ws, 0, (lxw_col_t)c, t->heads[c], head);
            worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 6 + 4 * t->widths[c], NULL);
        }
        for (r = 0; r < t->nrows; r++)
            for (c = 0; c < t->ncols; c++) {
                const struct ss_bcell *cl = &t->cells[r * t->ncols + c];
                lxw_row_t row = (lxw_row_t)(r + 1);
                if (t->kinds[c] == SS_BC_TEXT)
                    worksheet_write_string(ws, row, (lxw_col_t)c, cl->text, NULL);
                else if (!isnan(cl->num))
                    worksheet_write_number(ws, row, (lxw_col_t)c, cl->num,
                                           t->kinds[c] == SS_BC_PCT ? pct : num);
            }
        worksheet_freeze_panes(ws, 1, 0);
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->nrows, (lxw_col_t)(t->ncols - 1));
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
