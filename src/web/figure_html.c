/*
 * figure_html.c - a target's figures as people read them (figure_html.h).
 *
 * Numbers go through ss_num (grouped thousands, up to 2 decimals); a unit
 * of "%" is written against its number ("90%"), any other after a space
 * ("470,000 人"), which is how the announcements print them.
 */
#include "web/figure_html.h"

#include <math.h>
#include <string.h>

#include "base/escape.h"
#include "web/render.h"

/* The words before a planned value, or "" for "=". */
static const char *op_words(enum ss_lang lang, enum ss_op op)
{
    switch (op) {
    case SS_OP_GE:
        return ss_tr(lang, "不少于 ");
    case SS_OP_LE:
        return ss_tr(lang, "不超过 ");
    default:
        return "";
    }
}

#define tight_unit ss_table_tight_unit

void ss_fig_planned_text(struct ss_buf *b, enum ss_lang lang, enum ss_op op, double value,
                         const char *unit)
{
    if (isnan(value)) {
        ss_buf_puts(b, "—");
        return;
    }
    ss_buf_puts(b, op_words(lang, op));
    ss_num(b, value);
    if (unit && *unit) {
        if (!tight_unit(unit))
            ss_buf_putc(b, ' ');
        ss_buf_puts(b, unit);
    }
}

/* number and unit into the page, the unit marked as Chinese plan content */
static void value_unit(struct ss_wreq *r, double v, const char *unit)
{
    struct ss_buf *b = &r->resp->body;

    ss_num(b, v);
    if (isnan(v) || !unit || !*unit)
        return;
    if (!tight_unit(unit))
        ss_buf_putc(b, ' ');
    ss_zh_open(r, "span");
    ss_html(b, unit);
    ss_zh_close(r, "span");
}

void ss_fig_planned(struct ss_wreq *r, const struct ss_target *t, double value)
{
    if (!isnan(value))
        raw(&r->resp->body, op_words(r->lang, t->op));
    value_unit(r, value, t->unit);
}

int ss_fig_is_level(const struct ss_target *t)
{
    return t->kind == SS_KIND_RATE || t->kind == SS_KIND_CHANGE;
}
#define is_level ss_fig_is_level

/* What was reached: a level with its unit ("85%"), a running total bare
 * (its unit is the planned value's, just beside it). */
static void reached(struct ss_wreq *r, const struct ss_target *t, const struct ss_figure *f)
{
    if (!f->reporters && is_level(t)) {
        raw(&r->resp->body, "—");
        return;
    }
    if (is_level(t))
        value_unit(r, f->actual, t->unit);
    else
        ss_num(&r->resp->body, f->actual);
}

void ss_fig_line(struct ss_wreq *r, const struct ss_target *t, const struct ss_figure *f)
{
    struct ss_buf *b = &r->resp->body;

    reached(r, t, f);
    if (isnan(f->value))
        return; /* no share here: nothing to measure against */
    raw(b, " / ");
    ss_fig_planned(r, t, f->value);
    if (isnan(f->progress))
        return;
    raw(b, " · ");
    ss_pct(b, f->progress);
}

static void card(struct ss_wreq *r, const char *label)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<div><dt>");
    raw(b, label);
    raw(b, "</dt><dd>");
}

void ss_fig_cards(struct ss_wreq *r, const struct ss_target *t, const struct ss_figure *f,
                  int with_last)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<dl class=\"figs\">");
    card(r, L(r, "计划"));
    if (f->status == SS_ST_NO_TASK)
        raw(b, L(r, "本级无任务"));
    else
        ss_fig_planned(r, t, f->value);
    raw(b, "</dd></div>");
    if (is_level(t)) { /* a level: where it stands, not a share of the target */
        card(r, L(r, "当前水平"));
        reached(r, t, f);
        raw(b, "</dd></div>");
    } else {
        card(r, L(r, "完成"));
        ss_num(b, f->actual); /* the unit is the planned value's, just before */
        raw(b, "</dd></div>");
        card(r, L(r, "完成进度"));
        ss_pct(b, f->progress);
        raw(b, "</dd></div>");
        card(r, L(r, "应完成（时序进度）"));
        ss_pct(b, f->expected);
        raw(b, "</dd></div>");
        card(r, L(r, "按当前速度年底可达"));
        ss_num(b, f->projection);
        raw(b, "</dd></div>");
    }
    if (f->own && f->children_reporters) { /* the check beside an own report */
        card(r, L(r, "下级合计（核对）"));
        if (is_level(t))
            value_unit(r, f->children, t->unit);
        else
            ss_num(b, f->children);
        if (f->differs)
            raw(b, L(r, " <span class=\"warn\">与本级填报不一致</span>"));
        raw(b, "</dd></div>");
    }
    if (f->expected_reporters) {
        card(r, L(r, "已填报单位"));
        ss_buf_printf(b, "%d / %d", f->reporters, f->expected_reporters);
        raw(b, "</dd></div>");
    }
    card(r, L(r, "状态"));
    ss_status_badge(r, (int)f->status);
    raw(b, "</dd></div>");
    if (with_last) {
        card(r, L(r, "最近填报"));
        ss_day(b, f->last_report);
        raw(b, "</dd></div>");
    }
    raw(b, "</dl>\n");
}

void ss_fig_table_cols(struct ss_wreq *r, struct ss_table *t, const char *first_head)
{
    ss_table_col(t, first_head, SS_TK_TEXT, SS_TH_ROWHEAD, 4);
    ss_table_col(t, L(r, "状态"), SS_TK_TEXT, SS_TH_STATUS, 2);
    ss_table_col(t, L(r, "完成进度"), SS_TK_PCT, 0, 1);
    ss_table_col(t, L(r, "应完成"), SS_TK_PCT, 0, 1);
    ss_table_col(t, L(r, "完成"), SS_TK_NUM, 0, 2);
    ss_table_col(t, L(r, "计划"), SS_TK_TEXT, 0, 3);
}

void ss_fig_table_cells(struct ss_wreq *r, struct ss_table *t, const struct ss_target *tg,
                        const struct ss_figure *f)
{
    struct ss_tcell *c;
    struct ss_buf planned;

    ss_table_cell(t, ss_status_text(r, (int)f->status), (double)f->status);
    ss_table_num(t, f->progress);
    ss_table_num(t, f->expected);
    /* what was reached: a level with its unit, a running total bare (its
     * unit is the planned value's, beside it); a level nobody reported: none */
    c = ss_table_num(t, !f->reporters && is_level(tg) ? NAN : f->actual);
    if (is_level(tg))
        ss_tcell_unit(c, tg->unit);
    if (f->status == SS_ST_NO_TASK) {
        ss_table_text(t, L(r, "本级无任务"));
        return;
    }
    ss_buf_init(&planned, 256);
    ss_fig_planned_text(&planned, r->lang, tg->op, f->value, NULL);
    c = ss_table_text(t, planned.data ? planned.data : "—");
    if (!isnan(f->value))
        ss_tcell_unit(c, tg->unit);
    ss_buf_cleanup(&planned);
}

void ss_fig_sentence_text(struct ss_buf *b, enum ss_lang lang, const struct ss_target *t,
                          const char *place, const struct ss_figure *f)
{
    struct ss_buf planned, reached, progress, due;

    ss_buf_init(&planned, 128);
    ss_buf_init(&reached, 64);
    ss_buf_init(&progress, 32);
    ss_buf_init(&due, 32);
    ss_fig_planned_text(&planned, lang, t->op, f->value, t->unit);
    ss_num(&reached, f->actual);
    ss_pct(&progress, f->progress);
    ss_pct(&due, f->expected);
#define S(x) ((x).data ? (x).data : "")
    if (place)
        ss_buf_printf(b, ss_tr(lang, "%s（%s）：计划%s，完成 %s，完成进度 %s，应完成 %s，%s。"),
                      t->metric, place, S(planned), S(reached), S(progress), S(due),
                      ss_status_text_lang(lang, (int)f->status));
    else
        ss_buf_printf(b, ss_tr(lang, "%s：计划%s，完成 %s，完成进度 %s，应完成 %s，%s。"),
                      t->metric, S(planned), S(reached), S(progress), S(due),
                      ss_status_text_lang(lang, (int)f->status));
#undef S
    ss_buf_cleanup(&planned);
    ss_buf_cleanup(&reached);
    ss_buf_cleanup(&progress);
    ss_buf_cleanup(&due);
}

void ss_fig_count(struct ss_fig_counts *c, const struct ss_figure *f)
{
    unsigned st = (unsigned)f->status;

    if (f->status == SS_ST_NO_TASK)
        return; /* no task here: counts nowhere */
    c->n[st < SS_FIG_NSTATUS ? st : SS_FIG_NSTATUS - 1]++;
    c->total++;
}

void ss_fig_counts_text(struct ss_buf *b, enum ss_lang lang, const struct ss_fig_counts *c, int all)
{
    int k, first = 1;

    for (k = 0; k < SS_FIG_NSTATUS; k++) {
        const char *label = ss_status_text_in_sentence(lang, k);
        /* the main five always in the summary; the rest only when they occur */
        if (!c->n[k] && (!all || k > SS_ST_NOT_REPORTED))
            continue;
        if (!strcmp(label, "?"))
            continue;
        if (!first)
            ss_buf_puts(b, ss_tr(lang, "，"));
        first = 0;
        /* "严重滞后 2 项", "2 seriously lagging" */
        ss_buf_printf(b, ss_tr(lang, "%s %d 项"), label, c->n[k]);
    }
}
