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
 * bytes per cell, SS_MAX_SHEET_XML bytes of any unzipped part, and
 * SS_MAX_SHEET_TEXT bytes of cell text in all, counted as the cells hold
 * it: a shared string counts once per cell that uses it, so one long
 * string referenced by every cell (a few hundred KB of xlsx that would
 * expand to gigabytes) is refused at the limit. A file over any of them is
 * refused, never truncated. A malformed file is refused with a sentence
 * saying what is wrong, never half read.
 *
 * CSV encodings: UTF-8 (with or without a BOM) or GB18030 (a superset of
 * GBK and GB2312, what Chinese Excel saves), detected on the whole file.
 * Short GB18030 text can also be valid UTF-8 (说 is CB B5, U+02F5 in
 * UTF-8): when both readings are valid, the one that reads as Chinese text
 * wins (fewer characters outside CJK and ASCII; a tie goes to UTF-8 only
 * when its reading has CJK characters, else to GB18030). The caller may
 * also say which encoding the file is in.
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
    size_t text;        /* bytes of cell text held (see SS_MAX_SHEET_TEXT) */
};

/* A CSV's encoding: detected, or the user's choice. */
enum ss_sheet_enc { SS_SHEET_AUTO = 0, SS_SHEET_UTF8, SS_SHEET_GB18030 };
/* "utf-8" / "utf8", "gb18030" / "gbk" / "gb2312" (any case), NULL or "" /
 * "auto"; SS_EINVAL for anything else. */
int ss_sheet_enc_parse(const char *s, enum ss_sheet_enc *out);

/* Read data as xlsx when it starts like a zip file, else as CSV in the
 * detected encoding. */
int ss_sheet_read(const char *data, size_t len, struct ss_sheet *out, struct ss_err *err);
/* The same with a CSV's encoding chosen (xlsx declares its own). */
int ss_sheet_read_as(const char *data, size_t len, enum ss_sheet_enc enc, struct ss_sheet *out,
                     struct ss_err *err);
int ss_sheet_read_xlsx(const char *data, size_t len, struct ss_sheet *out, struct ss_err *err);
/* The same for the workbook's nth worksheet (1-based: xl/worksheets/sheetN.xml,
 * the order libxlsxwriter and Excel write them in). */
int ss_sheet_read_xlsx_nth(const char *data, size_t len, int nth, struct ss_sheet *out,
                           struct ss_err *err);
int ss_sheet_read_csv(const char *data, size_t len, enum ss_sheet_enc enc, struct ss_sheet *out,
                      struct ss_err *err);
void ss_sheet_free(struct ss_sheet *s);

/* The cell at col of a row, or NULL. */
const char *ss_sheet_cell(const struct ss_sheet_row *r, size_t col);
/* Column letters of a 0-based index ("A", "J", "AA") into out. */
void ss_sheet_col_name(size_t col, char out[4]);

#endif
