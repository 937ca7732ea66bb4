/*
 * figure_html.h - one place that writes a target's figures for people: the
 * HTML counterpart of core/figure_json.h, used by every public page.
 *
 * A planned value reads as people write it: "不少于 470,000 人" / "at least
 * 470,000 人" (>=), "不超过 5%" / "at most 5%" (<=), "600,000 人次" (=). The
 * API keeps op as data (">=", "<=", "="); only these functions turn it into
 * words. Cards, table cells and list lines of a figure all come from here,
 * so a change to what a figure shows (rates as levels, "no task here", a
 * unit's own report beside its children's sum) is made once.
 *
 * The *_text functions write plain text (for meta descriptions: the caller
 * escapes it); the others write escaped HTML into the page, with plan
 * content (units) marked lang="zh-CN" on English pages.
 */
#ifndef SS_WEB_FIGURE_HTML_H
#define SS_WEB_FIGURE_HTML_H

#include "base/table.h"
#include "core/engine.h"
#include "web/web.h"

/* Room for every status the engine has, and a few it may add. */
#define SS_FIG_NSTATUS 8

/* A rate or a change: a level shown against its target, never as a share of
 * it (core/engine.h): no progress, due or projection. */
int ss_fig_is_level(const struct ss_target *t);

/* The planned value with its comparison and unit, plain text in lang
 * (SS_LANG_*); value NAN writes "—". */
void ss_fig_planned_text(struct ss_buf *b, enum ss_lang lang, enum ss_op op, double value,
                         const char *unit);
/* The same into the page (t's op and unit, value at the org unit shown). */
void ss_fig_planned(struct ss_wreq *r, const struct ss_target *t, double value);
/* One line for lists: "100,000 / 不少于 470,000 人 · 21.3%". */
void ss_fig_line(struct ss_wreq *r, const struct ss_target *t, const struct ss_figure *f);
/* The figure as cards (<dl class="figs">): planned, reached, progress, due,
 * year-end projection, status and, if with_last, the last report's day. */
void ss_fig_cards(struct ss_wreq *r, const struct ss_target *t, const struct ss_figure *f,
                  int with_last);

/* A table of figures, one row per target or place (base/table.h, drawn by
 * web/export.c): the first column's heading (the row's heading) followed
 * by the figure columns (status second, so it stays in view on a phone). */
void ss_fig_table_cols(struct ss_wreq *r, struct ss_table *t, const char *first_head);
/* The figure cells of one row after its first, matching ss_fig_table_cols. */
void ss_fig_table_cells(struct ss_wreq *r, struct ss_table *t, const struct ss_target *tg,
                        const struct ss_figure *f);

/* A sentence about the figure, plain text: "城镇新增就业（新疆维吾尔自治区）：
 * 计划不少于 470,000 人，完成 100,000，完成进度 21.3%，严重滞后。" */
void ss_fig_sentence_text(struct ss_buf *b, enum ss_lang lang, const struct ss_target *t,
                          const char *place, const struct ss_figure *f);

/* Targets counted by status. */
struct ss_fig_counts {
    int n[SS_FIG_NSTATUS];
    int total;
};
void ss_fig_count(struct ss_fig_counts *c, const struct ss_figure *f);
/* "已完成 0 项，正常推进 1 项，…" / "0 done, 1 on track, …", plain text.
 * all: every main status even at zero (the plan's summary); else only those
 * that occur. */
void ss_fig_counts_text(struct ss_buf *b, enum ss_lang lang, const struct ss_fig_counts *c,
                        int all);

#endif
