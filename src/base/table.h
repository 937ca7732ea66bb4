/*
 * table.h - a table of data (a heading and a kind per column, rows of
 * cells) and its downloads: CSV and XLSX. The pages draw their tables
 * from the same struct (web/export.h), so what a user sees on screen and
 * what they download come from one column list and cannot drift.
 *
 * A cell holds the text as shown and, in a number column, the number
 * behind it (NAN: none, shown as "—" on a page, an empty cell in a file).
 * unit, href and zh are for the page (web/export.c); the files take the
 * text and the number only (a text cell's unit is appended to its text).
 *
 * CSV (RFC 4180): UTF-8 with a BOM (Excel reads it as UTF-8 then), CRLF
 * line ends, cells quoted when they hold , " CR or LF. XLSX: one sheet per
 * table, the heads in a frozen first row with a filter, numbers as
 * numbers (grouped, one decimal, a % format). In both, a text a
 * spreadsheet could run as a formula (ss_esc_formula_risky: = + - @ tab
 * CR first) gets a leading apostrophe, and XLSX text is always written
 * as a string, never a formula.
 *
 * Memory: the table owns copies of every string it is given;
 * ss_table_cleanup frees them.
 */
#ifndef SS_TABLE_H
#define SS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

/* What a column holds. */
enum ss_tkind {
    SS_TK_TEXT = 0, /* text */
    SS_TK_NUM,      /* a number, up to two decimals, thousands grouped */
    SS_TK_NUM1,     /* a number with one decimal (scores, points) */
    SS_TK_PCT,      /* a percentage: the number is in %, one decimal */
    SS_TK_INT,      /* a whole number (ranks, counts) */
    SS_TK_REAL      /* a number kept exactly in the files (data: open data) */
};

/* How the page draws a column (web/export.c); the files ignore it. */
enum {
    SS_TH_ROWHEAD = 1, /* the row's heading cell (<th scope="row">) */
    SS_TH_STATUS = 2,  /* the number is a status: drawn as its badge */
    SS_TH_NOWRAP = 4   /* kept on one line (dates) */
};

#define SS_TABLE_MAX_COLS 16

struct ss_tcol {
    char *head;
    enum ss_tkind kind;
    int html;     /* SS_TH_* */
    double width; /* relative width in the sheet (1: a short column) */
};

struct ss_tcell {
    char *text; /* as shown; NULL: none ("—" on a page) */
    double num; /* a number column's value; NAN none */
    char *unit; /* after the text or number ("470,000 人", "90%") */
    char *href; /* the page links the cell here */
    int zh;     /* the text is plan content in Chinese on a page in another language */
};

struct ss_table {
    char *name;    /* the sheet's name (a table's caption) */
    char *caption; /* NULL: the name */
    size_t ncols;
    struct ss_tcol cols[SS_TABLE_MAX_COLS];
    size_t ncells, cap; /* cells written so far, row by row */
    struct ss_tcell *cells;
};

void ss_table_init(struct ss_table *t, const char *name);
void ss_table_cleanup(struct ss_table *t);
/* The sheet's name (and, NULL for the same, the page's caption). */
void ss_table_set_name(struct ss_table *t, const char *name, const char *caption);
/* A column (before any cell). */
void ss_table_col(struct ss_table *t, const char *head, enum ss_tkind kind, int html, double width);
/* The next cell, in row order: text (copied, NULL none) and number. The
 * cell is the table's, to add a unit, link or zh mark to with the
 * setters below until the next cell is added. */
struct ss_tcell *ss_table_cell(struct ss_table *t, const char *text, double num);
struct ss_tcell *ss_table_text(struct ss_table *t, const char *text);
struct ss_tcell *ss_table_num(struct ss_table *t, double num);
void ss_tcell_unit(struct ss_tcell *c, const char *unit);
void ss_tcell_href(struct ss_tcell *c, const char *href);
/* Rows so far (complete ones). */
size_t ss_table_rows(const struct ss_table *t);
const struct ss_tcell *ss_table_at(const struct ss_table *t, size_t row, size_t col);

/* A unit written right after its number ("%") rather than after a space. */
int ss_table_tight_unit(const char *unit);

/* The table as CSV into b: BOM, heads, rows. */
void ss_table_csv(struct ss_buf *b, const struct ss_table *t);
/* The tables as one workbook, a sheet each; *out is malloc'd (the
 * caller frees). title and created (a day number, not the clock: the same
 * data gives the same bytes) go into its properties. SS_EIO when
 * libxlsxwriter fails. */
int ss_table_xlsx(const struct ss_table *const *ts, size_t n, const char *title, int32_t created,
                  char **out, size_t *len, struct ss_err *err);

#endif
