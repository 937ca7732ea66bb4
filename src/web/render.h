/*
 * render.h - the HTML template layer: page frame, escaping shorthands,
 * numbers, status badges and small progress bars.
 *
 * Every string from data goes through ss_html() (text) or ss_attr() (attribute
 * value); raw() is the visible mark of pre-escaped markup. The UI's words
 * come from the message catalogues (base/l10n.h): L(r, "全部实事") is the
 * page's language's translation of a Chinese message id, LC(r, ctx, id)
 * the same in a msgctxt. Catalogue text is trusted markup like the code's
 * own literals (tests/cli/catalogue.sh holds every translation to its
 * id's markup). Plan content (titles, target text, org names) stays in
 * Chinese and is marked lang="zh-CN" on other pages.
 *
 * CSP forbids inline style and script, so nothing here writes a style
 * attribute: sizes are SVG attributes, colours CSS classes.
 */
#ifndef SS_WEB_RENDER_H
#define SS_WEB_RENDER_H

#include <stddef.h>

#include "base/buf.h"
#include "base/l10n.h"
#include "core/translate.h"
#include "web/web.h"

#define L(r, msgid) ss_tr((r)->lang, msgid)
#define LC(r, ctx, msgid) ss_trc((r)->lang, ctx, msgid)

struct ss_buf;

void ss_html(struct ss_buf *b, const char *s); /* HTML text */
void ss_attr(struct ss_buf *b, const char *s); /* HTML attribute value */
#define raw(b, s) ss_buf_puts((b), (s))

/* A number as people read it (up to 2 decimals); "—" when unknown. */
void ss_num(struct ss_buf *b, double v);
/* A percentage with one decimal and "%"; "—" when unknown. */
void ss_pct(struct ss_buf *b, double v);
/* YYYY-MM-DD */
void ss_day(struct ss_buf *b, int32_t day);

/* Open the page: doctype, head, skip link, header with language and text
 * size switches and the search form, then <main>. title and desc are plain
 * text; desc is the page's meta description (what a search engine or a
 * shared link shows), NULL for one made from the title. */
void ss_page_begin_desc(struct ss_wreq *r, const char *title, const char *desc);
/* ss_page_begin_desc with a description made from the title. */
void ss_page_begin(struct ss_wreq *r, const char *title);
/* Close <main>, write the footer with "as of" and the method link. */
void ss_page_end(struct ss_wreq *r);

/* A console page that refuses: the status, `title` as its heading, msg
 * (plain text) in an alert, and a link back to the console; not cached. */
void ss_page_refusal(struct ss_wreq *r, const char *title, int status, const char *msg);

/* Status: a coloured dot (aria-hidden) and the label in words. */
void ss_status_badge(struct ss_wreq *r, int status);
const char *ss_status_text(const struct ss_wreq *r, int status);
/* The same for a language; "?" for a status it does not know. */
const char *ss_status_text_lang(enum ss_lang lang, int status);
/* The label inside a sentence ("2 seriously lagging": lower case in English). */
const char *ss_status_text_in_sentence(enum ss_lang lang, int status);
/* A small SVG bar: progress filled, a tick at the time line (expected). */
void ss_progress_bar(struct ss_wreq *r, double progress, double expected);
/* Opening tag for plan content: <span lang="zh-CN"> on pages not in Chinese
 * (with dir="ltr" on right-to-left ones). */
void ss_zh_open(struct ss_wreq *r, const char *tag);
void ss_zh_close(struct ss_wreq *r, const char *tag);
/* Plan content in the page's language: the translation of (kind, ref)
 * (core/translate.h: the plan's title, a project's or target's title, an
 * org unit's name) where an admin entered one, else zh, the Chinese, in
 * <tag lang="zh-CN"> as ss_zh_open writes it. ref: the decimal id, or the
 * org unit's code. */
void ss_content(struct ss_wreq *r, const char *tag, enum ss_text_kind kind, const char *ref,
                const char *zh);
void ss_content_id(struct ss_wreq *r, const char *tag, enum ss_text_kind kind, int64_t id,
                   const char *zh);
/* The same as plain text (titles, descriptions, chart labels). */
const char *ss_content_text(const struct ss_wreq *r, enum ss_text_kind kind, const char *ref,
                            const char *zh);
const char *ss_content_text_id(const struct ss_wreq *r, enum ss_text_kind kind, int64_t id,
                               const char *zh);
/* "数据截至 …" line with the link to the method page. */
void ss_as_of_line(struct ss_wreq *r, int32_t day);

/* Open a data table the accessible way every page uses: a scrollable,
 * focusable region labelled by the table's caption, then the column
 * headings (already in the page's language), up to the opening <tbody>.
 * id names the caption ("cap-" is prefixed). */
void ss_table_open(struct ss_wreq *r, const char *id, const char *caption, const char *const *heads,
                   size_t nheads);
/* Breadcrumb: all projects, then every unit from the top of the tree down
 * to org (the current page, aria-current). Each unit links to its page, or
 * with target_id > 0 to that target seen there. */
void ss_org_crumbs(struct ss_wreq *r, long org, long long target_id);
/* Link to the current path with the known query (org, date, q) and one
 * key=value replaced (for the language and text size switches). */
void ss_self_link(struct ss_wreq *r, const char *key, const char *value);

#endif
