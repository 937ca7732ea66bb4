/*
 * opendata.h - the plan and its figures for a government's open-data
 * portal: GET /api/v1/plan.csv, GET /api/v1/opendata.zip and `shishi
 * export opendata`.
 *
 * The zip holds:
 *   plan.csv         every target of the current plan with its project
 *   figures.csv      every target at every place of the plan's tree that
 *                    has a task or a report there, at each month's end of
 *                    the plan period up to the day (and the day itself)
 *   bulletins.csv    the published bulletins, and the files themselves
 *                    under bulletins/ (as stored: unchanged since publish)
 *   dictionary.csv   each file's columns: name, type, and what it holds in
 *                    Chinese and in English
 * The columns of every CSV come from one list per file (opendata.c), which
 * writes both the file's heading row and its lines of the dictionary, so
 * the two cannot disagree. Column names are stable, machine-readable
 * words (the figures' are the API's JSON names); the figures are the
 * engine's, approved reports only, as the API shows them. The CSVs are
 * base/table.c's (UTF-8 with BOM, RFC 4180, formula-looking text defused).
 *
 * Identical data gives identical bytes: the zip's times are the day's.
 */
#ifndef SS_CORE_OPENDATA_H
#define SS_CORE_OPENDATA_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "core/engine.h"
#include "store/store.h"

/* The month ends of p's period up to day, then day itself (the pages'
 * series, figures.csv's months): at most cap days into out; returns n. */
size_t ss_plan_month_ends(const struct ss_plan *p, int32_t day, int32_t *out, size_t cap);

/* plan.csv into b. */
void ss_opendata_plan_csv(const struct ss_engine *e, struct ss_buf *b);
/* figures.csv as of day into b. */
void ss_opendata_figures_csv(const struct ss_engine *e, int32_t day, struct ss_buf *b);
/* The whole zip as of day (*out malloc'd, the caller frees). SS_EDB when
 * the bulletins cannot be read, SS_EIO when libzip fails, SS_EINVAL when a
 * part exceeds its limit. */
int ss_opendata_zip(struct ss_store *st, const struct ss_engine *e, int32_t day, char **out,
                    size_t *len, struct ss_err *err);

#endif
