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
static const char *op_words(int lang, enum ss_op op)
{
    switch (op) {
    case SS_OP_GE:
        return lang == SS_LANG_EN ? "at least " : "不少于 ";
    case SS_OP_LE:
        return lang == SS_LANG_EN ? "at most " : "不超过 ";
    default:
        return "";
    }
}

static int tight_unit(const char *unit)
{
    return unit && strcmp(unit, "%") == 0;
}

void ss_fig_planned_text(struct ss_buf *b, int lang, enum ss_op op, double value, const char *unit)
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
    card(r, T(r, "计划", "Planned"));
    if (f->status == SS_ST_NO_TASK)
        raw(b, T(r, "本级无任务", "No task here"));
    else
        ss_fig_planned(r, t, f->value);
    raw(b, "</dd></div>");
    if (is_level(t)) { /* a level: where it stands, not a share of the target */
        card(r, T(r, "当前水平", "Level now"));
        reached(r, t, f);
        raw(b, "</dd></div>");
    } else {
        card(r, T(r, "完成", "Reached"));
        ss_num(b, f->actual); /* the unit is the planned value's, just before */
        raw(b, "</dd></div>");
        card(r, T(r, "完成进度", "Progress"));
        ss_pct(b, f->progress);
        raw(b, "</dd></div>");
        card(r, T(r, "应完成（时序进度）", "Due by now"));
        ss_pct(b, f->expected);
        raw(b, "</dd></div>");
        card(r, T(r, "按当前速度年底可达", "Year-end at this pace"));
        ss_num(b, f->projection);
        raw(b, "</dd></div>");
    }
    if (f->own && f->children_reporters) { /* the check beside an own report */
        card(r, T(r, "下级合计（核对）", "Places below, summed (check)"));
        if (is_level(t))
            value_unit(r, f->children, t->unit);
        else
            ss_num(b, f->children);
        if (f->differs)
            raw(b, T(r, " <span class=\"warn\">与本级填报不一致</span>",
                     " <span class=\"warn\">differs from this unit's own report</span>"));
        raw(b, "</dd></div>");
    }
    if (f->expected_reporters) {
        card(r, T(r, "已填报单位", "Units reporting"));
        ss_buf_printf(b, "%d / %d", f->reporters, f->expected_reporters);
        raw(b, "</dd></div>");
    }
    card(r, T(r, "状态", "Status"));
    ss_status_badge(r, (int)f->status);
    raw(b, "</dd></div>");
    if (with_last) {
        card(r, T(r, "最近填报", "Last report"));
        ss_day(b, f->last_report);
        raw(b, "</dd></div>");
    }
    raw(b, "</dl>\n");
}

void ss_fig_table_open(struct ss_wreq *r, const char *id, const char *caption,
                       const char *first_head)
{
    const char *heads[] = {first_head,
                           T(r, "状态", "Status"),
                           T(r, "完成进度", "Progress"),
                           T(r, "应完成", "Due"),
                           T(r, "完成", "Reached"),
                           T(r, "计划", "Planned")};

    ss_table_open(r, id, caption, heads, sizeof heads / sizeof heads[0]);
}

void ss_fig_cells(struct ss_wreq *r, const struct ss_target *t, const struct ss_figure *f)
{
    struct ss_buf *b = &r->resp->body;

    raw(b, "<td>");
    ss_status_badge(r, (int)f->status);
    raw(b, "</td><td>");
    ss_pct(b, f->progress);
    raw(b, "</td><td>");
    ss_pct(b, f->expected);
    raw(b, "</td><td>");
    reached(r, t, f);
    raw(b, "</td><td>");
    if (f->status == SS_ST_NO_TASK)
        raw(b, T(r, "本级无任务", "No task here"));
    else
        ss_fig_planned(r, t, f->value);
    raw(b, "</td>");
}

void ss_fig_sentence_text(struct ss_buf *b, int lang, const struct ss_target *t, const char *place,
                          const struct ss_figure *f)
{
    int en = lang == SS_LANG_EN;

    ss_buf_puts(b, t->metric);
    if (place) {
        ss_buf_puts(b, en ? " (" : "（");
        ss_buf_puts(b, place);
        ss_buf_puts(b, en ? ")" : "）");
    }
    ss_buf_puts(b, en ? ": planned " : "：计划");
    ss_fig_planned_text(b, lang, t->op, f->value, t->unit);
    ss_buf_puts(b, en ? ", reached " : "，完成 ");
    ss_num(b, f->actual);
    ss_buf_puts(b, en ? ", progress " : "，完成进度 ");
    ss_pct(b, f->progress);
    ss_buf_puts(b, en ? ", due " : "，应完成 ");
    ss_pct(b, f->expected);
    ss_buf_puts(b, en ? ": " : "，");
    ss_buf_puts(b, ss_status_text_lang(lang, (int)f->status));
    ss_buf_puts(b, en ? "." : "。");
}

void ss_fig_count(struct ss_fig_counts *c, const struct ss_figure *f)
{
    unsigned st = (unsigned)f->status;

    if (f->status == SS_ST_NO_TASK)
        return; /* no task here: counts nowhere */
    c->n[st < SS_FIG_NSTATUS ? st : SS_FIG_NSTATUS - 1]++;
    c->total++;
}

void ss_fig_counts_text(struct ss_buf *b, int lang, const struct ss_fig_counts *c, int all)
{
    int k, first = 1, en = lang == SS_LANG_EN;

    for (k = 0; k < SS_FIG_NSTATUS; k++) {
        const char *label = ss_status_text_lang(lang, k);
        /* the main five always in the summary; the rest only when they occur */
        if (!c->n[k] && (!all || k > SS_ST_NOT_REPORTED))
            continue;
        if (!strcmp(label, "?"))
            continue;
        if (!first)
            ss_buf_puts(b, en ? ", " : "，");
        first = 0;
        if (en) {
            ss_buf_printf(b, "%d ", c->n[k]);
            /* in a sentence: "2 seriously lagging" */
            if (*label >= 'A' && *label <= 'Z')
                ss_buf_putc(b, (char)(*label - 'A' + 'a')), label++;
            ss_buf_puts(b, label);
        } else {
            ss_buf_printf(b, "%s %d 项", label, c->n[k]);
        }
    }
}
