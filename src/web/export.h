/*
 * export.h - the pages' tables and their downloads, from one column list.
 *
 * A page builds each of its data tables as a struct ss_table (base/table.h)
 * in a function of its own, then draws it with ss_export_table, which puts
 * the CSV and Excel links beside it. The download routes call the same
 * function and write the same struct as CSV or XLSX, so the file has the
 * page's columns, headings and language (the request's, as for the page:
 * ?lang=, the cookie, Accept-Language; the links carry the page's).
 *
 *   GET /export/NAME.csv|.xlsx?…          the public pages' tables
 *   GET /console/export/NAME.csv|.xlsx?…  the console's, behind the same
 *                                         sign-in and access check as the
 *                                         page they are on
 *
 * Each NAME is a row of the registry in export.c: its builder reads the
 * same query the page reads (target=, org=, period=) and answers a
 * refusal itself, as the page would.
 */
#ifndef SS_WEB_EXPORT_H
#define SS_WEB_EXPORT_H

#include <stddef.h>

#include "base/table.h"
#include "core/translate.h"
#include "web/web.h"

/* A builder: fills t (initialised by the caller) from the request's query,
 * and names the download: tag receives what tells one file of the table
 * from another ("12-6501", "6501-2026-06"). 0, or -1 after answering (404,
 * 401, 403 as the page does). */
typedef int (*ss_export_build_fn)(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);

/* Draw t as the page's data table (the scrollable region labelled by its
 * caption, the heads, the rows), then, when path is given ("/export/
 * target-breakdown"), the links to its CSV and Excel downloads with query
 * ("target=12&org=6501", plain codes and dates; the page's language is
 * added). id names the caption ("cap-" is prefixed). */
void ss_export_table(struct ss_wreq *r, const char *id, const struct ss_table *t, const char *path,
                     const char *query);

/* Cells the pages share: plan content in the page's language (the
 * translation of kind/ref, else the Chinese marked zh), and a status (its
 * words; the page draws the badge). */
struct ss_tcell *ss_export_content(struct ss_wreq *r, struct ss_table *t, enum ss_text_kind kind,
                                   const char *ref, const char *zh);
struct ss_tcell *ss_export_content_id(struct ss_wreq *r, struct ss_table *t, enum ss_text_kind kind,
                                      int64_t id, const char *zh);
struct ss_tcell *ss_export_status(struct ss_wreq *r, struct ss_table *t, int status);

/* The routes' handlers (routes.c). */
void ss_page_export(struct ss_wreq *r);
void ss_page_console_export(struct ss_wreq *r);

/* /print.css: the printed pages' running foot with the as-of day
 * (page_print.c). */
void ss_page_print_css(struct ss_wreq *r);

/* The open-data downloads (opendata_api.c, core/opendata.h). */
void ss_api_plan_csv(struct ss_wreq *r);
void ss_api_opendata_zip(struct ss_wreq *r);

/* The builders, each beside the page that draws the table. */
int ss_export_target_series(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);
int ss_export_target_breakdown(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);
int ss_export_org_targets(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);
int ss_export_org_ranking(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);
int ss_export_cmpl_units(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);
int ss_export_cmpl_missing(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);
int ss_export_cmpl_depts(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);
int ss_export_score(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);
int ss_export_notices(struct ss_wreq *r, struct ss_table *t, char *tag, size_t cap);

#endif
