/*
 * sheet.h - reading a spreadsheet into rows of text cells: .xlsx (the
 * first worksheet and the shared strings, read with libzip and expat) or
 * CSV (libcsv) in UTF-8 or GB18030, as Excel in China saves it.
 *
 * Every cell comes out as valid UTF-8 text (numbers as Excel stored them,
 * "12.5"); the caller decides what a cell means. Row numbers are the
 * sheet's own (1-based, as Excel shows them), so errors can name the row
 * the user sees. Columns are 0-based (0 = "A").
 *
 * Limits (base/limits.h): at most SS_MAX_LEDGER_ROWS rows after the
 * header, SS_MAX_LEDGER_COLS columns (more are ignored), SS_MAX_LEDGER_CELL
 * bytes per cell, SS_MAX_SHEET_XML bytes of any unzipped part; a file over
 * any of them is refused, never truncated. A malformed file is refused
 * with a sentence saying what is wrong, never half read.
 */
#ifndef SS_SHEET_H
#define SS_SHEET_H

#include <stddef.h>

#include "base/err.h"

struct ss_sheet_row {
    int row;       /* sheet row number, 1-based */
    size_t ncells; /* cells[0 .. ncells-1]; NULL for an empty cell */
    char **cells;
};

struct ss_sheet {
    struct ss_sheet_row *rows; /* in sheet order; empty rows may be absent */
    size_t nrows;
    const char *format; /* "xlsx", "csv (UTF-8)", "csv (GB18030)" */
};

/* Read data as xlsx when it starts like a zip file, else as CSV. */
int ss_sheet_read(const char *data, size_t len, struct ss_sheet *out, struct ss_err *err);
int ss_sheet_read_xlsx(const char *data, size_t len, struct ss_sheet *out, struct ss_err *err);
int ss_sheet_read_csv(const char *data, size_t len, struct ss_sheet *out, struct ss_err *err);
void ss_sheet_free(struct ss_sheet *s);

/* The cell at col of a row, or NULL. */
const char *ss_sheet_cell(const struct ss_sheet_row *r, size_t col);
/* Column letters of a 0-based index ("A", "J", "AA") into out. */
void ss_sheet_col_name(size_t col, char out[4]);

#endif
