/*
 * ledger.h - the reporting ledger (台账): a reporter's assignments for one
 * monthly period, out as .xlsx and back in as .xlsx or CSV.
 *
 * Columns (A..J), one row per assignment after a header row:
 *   A target id (hidden and locked)   F last approved value
 *   B project                         G this value
 *   C metric                          H numerator (rates)
 *   D unit                            I denominator (rates) / baseline (changes)
 *   E assigned value                  J note
 * Only G..J are unlocked in the written sheet. The header row also says
 * the sheet's period: K1 "填报期 period", L1 "2026-11" (locked). A cell
 * survives what a clerk does to a sheet (Excel's "save as CSV" keeps it,
 * where document properties and sheet names are lost), so the upload reads
 * the period from there (ss_ledger_sheet_period).
 *
 * Import validates EVERY row before writing anything, with the same
 * checks as a single report (core/report.h) plus the access rules, and
 * reports each error with its row, column and field. Rows that pass are
 * stored as DRAFTS (the reporter then submits them), all in one
 * transaction; a row with any error is left out whole, never half applied.
 * Rows with G, H and I all blank are skipped as not filled in. A row
 * replaces the period's live report of its target (core/workflow.h): a
 * draft is replaced, a returned report corrected in place, a submitted one
 * kept (the row is an error unless it holds the same values); uploading
 * the same sheet twice leaves one report per target.
 */
#ifndef SS_LEDGER_H
#define SS_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/sheet.h"
#include "core/auth.h"
#include "core/engine.h"
#include "core/report.h"
#include "store/store.h"
#include "store/store_workflow.h"

enum {
    SS_LCOL_ID = 0,
    SS_LCOL_PROJECT,
    SS_LCOL_METRIC,
    SS_LCOL_UNIT,
    SS_LCOL_ASSIGNED,
    SS_LCOL_LAST,
    SS_LCOL_VALUE,
    SS_LCOL_NUM,
    SS_LCOL_DEN,
    SS_LCOL_NOTE,
    SS_LCOL_COUNT,
    SS_LCOL_PERIOD_LABEL = SS_LCOL_COUNT, /* K1 */
    SS_LCOL_PERIOD                        /* L1 */
};
#define SS_LEDGER_PERIOD_LABEL "填报期 period"

/* A period's ledger for one org unit: the assignments (store rows) with the
 * plan's targets they refer to. */
struct ss_ledger {
    const struct ss_plan *plan; /* borrowed */
    char org[16];
    char period[8];
    int32_t start, end, day, deadline; /* period, report date, due date */
    struct ss_my_assignment *rows;
    long *ti; /* target index of each row */
    size_t n;
};

/* The ledger of org unit org_id (code org_code) for period "YYYY-MM", or,
 * when period is NULL or "", the period whose deadline is next
 * (ss_period_due). */
int ss_ledger_load(struct ss_store *st, const struct ss_plan *plan, int64_t org_id,
                   const char *org_code, const char *period, struct ss_ledger *out,
                   struct ss_err *err);
void ss_ledger_cleanup(struct ss_ledger *l);

/* Write the ledger as .xlsx into *data (malloc'd, caller frees). */
int ss_ledger_xlsx(const struct ss_ledger *l, char **data, size_t *len, struct ss_err *err);
/* The file's name: "台账-650102-2026-11.xlsx" and its ASCII form
 * "ledger-650102-2026-11.xlsx". */
void ss_ledger_filename(const struct ss_ledger *l, char utf8[64], char ascii[64]);

/* The period a sheet says it is for (the cell right of a header-row cell
 * starting "填报期" or "period"), into out. SS_ENOTFOUND when the sheet
 * does not say; SS_EINVAL when the cell is not a month YYYY-MM. */
int ss_ledger_sheet_period(const struct ss_sheet *sheet, char out[8]);

struct ss_ledger_error {
    int row;
    char column[4];
    char field[32];
    struct ss_err err; /* why, in voice v (write it with ss_err_text) */
};

struct ss_ledger_result {
    char period[8];   /* the period the rows were stored for */
    size_t stored;    /* rows stored (new, replacing a draft, correcting a returned report) */
    size_t unchanged; /* rows whose report already holds their values */
    size_t skipped;   /* rows not filled in */
    int64_t *ids;     /* ids of the stored reports */
    struct ss_ledger_error *errors;
    size_t nerrors;
};
void ss_ledger_result_cleanup(struct ss_ledger_result *r);

/* Validate every row of sheet for user u's org unit, then store the valid
 * ones (status "draft" or "submitted") in one transaction. The period is
 * the sheet's own (ss_ledger_sheet_period); `period` (may be NULL) is the
 * one the user chose: it must agree with the sheet's, and is used when the
 * sheet says none; neither is an error (field "period"). Errors are in
 * voice v. Returns 0 when the import ran (look at res->nerrors), <0 when
 * nothing could be read or written (err says why). */
int ss_ledger_import(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     const struct ss_sheet *sheet, const char *period, const char *status,
                     enum ss_voice v, struct ss_ledger_result *res, struct ss_err *err);

#endif
