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
 * Only G..J are unlocked in the written sheet.
 *
 * Import validates EVERY row before writing anything, with the same
 * checks as a single report (core/report.h) plus the access rules, and
 * reports each error with its row, column and field. Rows that pass are
 * stored as DRAFTS (the reporter then submits them), all in one
 * transaction; a row with any error is left out whole, never half applied.
 * Rows with G, H and I all blank are skipped as not filled in.
 */
#ifndef SS_LEDGER_H
#define SS_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/sheet.h"
#include "core/auth.h"
#include "core/engine.h"
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
    SS_LCOL_COUNT
};

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

int ss_ledger_load(struct ss_store *st, const struct ss_plan *plan, int64_t org_id,
                   const char *org_code, const char *period, struct ss_ledger *out,
                   struct ss_err *err);
void ss_ledger_cleanup(struct ss_ledger *l);

/* Write the ledger as .xlsx into *data (malloc'd, caller frees). */
int ss_ledger_xlsx(const struct ss_ledger *l, char **data, size_t *len, struct ss_err *err);

struct ss_ledger_error {
    int row;
    char column[4];
    char field[32];
    char message[300];
};

struct ss_ledger_result {
    size_t stored;  /* rows stored as drafts */
    size_t skipped; /* rows not filled in */
    int64_t *ids;   /* ids of the stored reports */
    struct ss_ledger_error *errors;
    size_t nerrors;
};
void ss_ledger_result_cleanup(struct ss_ledger_result *r);

/* Validate every row of sheet for user u's org unit and the period, then
 * store the valid ones (status "draft" or "submitted") in one
 * transaction. Returns 0 when the import ran (look at res->nerrors), <0 when
 * nothing could be read or written (err says why). */
int ss_ledger_import(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     const struct ss_sheet *sheet, const char *period, const char *status,
                     struct ss_ledger_result *res, struct ss_err *err);

#endif
