/*
 * bulletin.h - the monthly bulletin (进展通报): one document model, written
 * by sections, rendered to PDF (bulletin_pdf.c: pango lays the text out,
 * cairo writes the PDF, librsvg draws the same SVG charts the pages show)
 * and to XLSX (bulletin_xlsx.c: every table of the document, a sheet each).
 *
 * A bulletin is a list of blocks (titles, paragraphs, tables, charts, page
 * breaks) built by section functions, each taking the bulletin's context
 * (engine, org unit, period, language) and appending to the document:
 * cover, one page per project, the lagging list, completeness, notices,
 * scores. The figures are the engine's (ss_engine_figure), as the API and
 * the pages show them; nothing here computes progress.
 *
 * The sections whose data comes from other modules (reporting
 * completeness, supervision notices, unit scores) take rows in the structs
 * below, filled by the caller; a section with no rows says "—" and never
 * invents any. ss_bulletin_build takes them in struct ss_bulletin_extra.
 *
 * Identical input gives identical bytes: no clock is read here (the PDF's
 * dates are the as-of day), so one period published twice with nothing
 * changed in between gives the same hashes.
 */
#ifndef SS_WEB_BULLETIN_H
#define SS_WEB_BULLETIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/l10n.h"
#include "core/engine.h"

/* ---- the document model ---- */

enum ss_bblock_kind {
    SS_BB_TITLE = 0, /* the document's title (cover) */
    SS_BB_HEADING,   /* a section's heading */
    SS_BB_PARA,      /* a paragraph */
    SS_BB_NOTE,      /* small print: the method, sources */
    SS_BB_TABLE,     /* a table (also a sheet of the XLSX) */
    SS_BB_CHART,     /* an SVG chart (svg.c's bytes) */
    SS_BB_PAGE       /* start a new page */
};

/* How a column's cells are written in a sheet: text, a number, a
 * percentage (the cell holds the value in %, shown with one decimal). */
enum ss_bcol { SS_BC_TEXT = 0, SS_BC_NUM, SS_BC_PCT };

struct ss_bcell {
    char *text; /* as printed ("—" for none) */
    double num; /* the number behind it (NAN for text or none) */
};

struct ss_btable {
    char *sheet; /* the sheet's name (unique within a document) */
    size_t ncols;
    char **heads;
    enum ss_bcol *kinds;
    double *widths; /* relative column widths on the page */
    size_t nrows;
    struct ss_bcell *cells; /* nrows * ncols, row by row */
    size_t filled;          /* cells written so far */
};

struct ss_bblock {
    enum ss_bblock_kind kind;
    char *text;          /* TITLE, HEADING, PARA, NOTE; CHART: the SVG */
    struct ss_btable *t; /* TABLE */
    double height_em;    /* CHART: its height in em of the chart's text */
};

struct ss_bdoc {
    size_t n, cap;
    struct ss_bblock *blocks;
    char *title;   /* on every page with the as-of */
    char *running; /* the line on every page: title · place · as of D */
    char *head;    /* the audit head printed on the cover ("" none) */
    enum ss_lang lang;
    int32_t as_of;
};

void ss_bdoc_cleanup(struct ss_bdoc *d);

/* ---- rows the other modules give (filled at merge: see cmd_bulletin.c) ---- */

/* Reporting completeness of one place for the period (issue 12's module). */
struct ss_bulletin_completeness_row {
    const char *org_code, *org_name;
    int expected; /* assignments due to report */
    int on_time, late, missing;
};

/* Supervision notices of one grade (or one place) for the period. */
struct ss_bulletin_notice_row {
    const char *label; /* grade or place */
    int issued, answered, closed, overdue;
};

/* One unit's score and rank for the period. */
struct ss_bulletin_score_row {
    const char *org_code, *org_name;
    double score;
    int rank;
};

struct ss_bulletin_extra {
    const struct ss_bulletin_completeness_row *completeness;
    size_t ncompleteness;
    const struct ss_bulletin_notice_row *notices;
    size_t nnotices;
    const struct ss_bulletin_score_row *scores;
    size_t nscores;
};

/* ---- building ---- */

/* What a bulletin is of. */
struct ss_bulletin_ctx {
    const struct ss_engine *e;
    const struct ss_plan *plan;
    long org;          /* engine index of the place */
    int32_t start;     /* the period's first day */
    int32_t as_of;     /* its last day, within the plan period */
    int32_t prev;      /* the previous period's last day (SS_NO_DATE: none in the plan) */
    char period[8];    /* YYYY-MM */
    enum ss_lang lang; /* the document's */
    const char *head;  /* the audit head to print (ENTRY:HASH), or NULL */
};

/* Resolve period (YYYY-MM) and org (a code; NULL: the plan's top unit) into
 * c. The period must overlap the plan's. SS_EINVAL / SS_ENOTFOUND naming
 * --period or --org. */
int ss_bulletin_ctx_init(struct ss_bulletin_ctx *c, const struct ss_engine *e, const char *period,
                         const char *org, enum ss_lang lang, struct ss_err *err);

/* The sections, in the bulletin's order; each appends its blocks. */
void ss_bulletin_sec_cover(struct ss_bdoc *d, const struct ss_bulletin_ctx *c);
void ss_bulletin_sec_projects(struct ss_bdoc *d, const struct ss_bulletin_ctx *c);
void ss_bulletin_sec_lagging(struct ss_bdoc *d, const struct ss_bulletin_ctx *c);
void ss_bulletin_sec_completeness(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                                  const struct ss_bulletin_completeness_row *rows, size_t n);
void ss_bulletin_sec_notices(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                             const struct ss_bulletin_notice_row *rows, size_t n);
void ss_bulletin_sec_scores(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                            const struct ss_bulletin_score_row *rows, size_t n);

/* The whole bulletin into d (initialised here; ss_bdoc_cleanup frees it).
 * extra may be NULL (every section of other modules empty). */
void ss_bulletin_build(struct ss_bdoc *d, const struct ss_bulletin_ctx *c,
                       const struct ss_bulletin_extra *extra);

/* ---- rendering ---- */

/* The document as PDF (A4) / XLSX; *out is malloc'd (the caller frees).
 * SS_EIO when cairo, librsvg or libxlsxwriter fail. *pages (may be NULL)
 * receives the PDF's page count. */
int ss_bulletin_pdf(const struct ss_bdoc *d, char **out, size_t *len, int *pages,
                    struct ss_err *err);
int ss_bulletin_xlsx(const struct ss_bdoc *d, char **out, size_t *len, struct ss_err *err);
/* Free the font libraries' process-wide caches (pango's default font map,
 * cairo's, fontconfig's), so a leak checker sees only what is ours. Once,
 * after a process's last ss_bulletin_pdf (the CLI's; a server keeps them). */
void ss_bulletin_fonts_done(void);

#endif
