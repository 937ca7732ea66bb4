/*
 * bulletin_xlsx.c - every table of the bulletin's document model as a
 * sheet of one workbook, written by base/table.c's workbook code (the one
 * every table download shares): the heads in a frozen first row with a
 * filter, numbers as numbers (grouped, up to two decimals), percentages
 * as numbers in % with one decimal, text as text; "—" in a number column
 * stays an empty cell. A sheet's name is its table's, cut to Excel's 31
 * characters and kept unique.
 */
#include "web/bulletin.h"

#include <stdlib.h>

#include "base/table.h"
#include "base/util.h"

int ss_bulletin_xlsx(const struct ss_bdoc *d, char **out, size_t *len, struct ss_err *err)
{
    struct ss_table *ts = ss_xcalloc(d->n ? d->n : 1, sizeof *ts);
    const struct ss_table **view = ss_xcalloc(d->n ? d->n : 1, sizeof *view);
    size_t i, c, n = 0;
    int rc;

    for (i = 0; i < d->n; i++) {
        const struct ss_btable *t = d->blocks[i].t;
        struct ss_table *x = &ts[n];

        if (d->blocks[i].kind != SS_BB_TABLE || !t->ncols)
            continue;
        ss_table_init(x, t->sheet);
        for (c = 0; c < t->ncols && c < SS_TABLE_MAX_COLS; c++)
            ss_table_col(x, t->heads[c],
                         t->kinds[c] == SS_BC_PCT   ? SS_TK_PCT
                         : t->kinds[c] == SS_BC_NUM ? SS_TK_NUM
                                                    : SS_TK_TEXT,
                         0, t->widths[c]);
        for (c = 0; c < t->nrows * t->ncols; c++)
            if (c % t->ncols < SS_TABLE_MAX_COLS)
                ss_table_cell(x, t->cells[c].text, t->cells[c].num);
        view[n++] = x;
    }
    /* the as-of day, not the clock: the same figures, the same bytes */
    rc = ss_table_xlsx(view, n, d->title, d->as_of, out, len, err);
    for (i = 0; i < n; i++)
        ss_table_cleanup(&ts[i]);
    free(ts);
    free(view);
    return rc;
}
