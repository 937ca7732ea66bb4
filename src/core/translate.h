/*
 * translate.h - translations of plan content: the plan's title, the
 * projects' and targets' titles (a target's metric, its short name) and the
 * org units' names, in English and Uyghur. Chinese is the content itself;
 * a page shows the translation where there is one, else the Chinese
 * marked lang="zh-CN". A target's source clause is a quotation of the
 * announcement and stays Chinese.
 *
 * An admin writes them as a two-column sheet (`shishi plan translate`, the
 * console's /console/translate): column A the id, column B the text (empty
 * removes the translation). Ids:
 *   plan          the plan's title
 *   project:N     the title of the plan's project number N
 *   target:ID     the title of target ID (as `plan show` lists it)
 *   org:CODE      the name of org unit CODE
 * A first row whose column A reads "id" is a header; further columns are
 * ignored (the template puts the Chinese there, for the translator). Every
 * row is checked before anything is stored, and the rows are stored in one
 * transaction, audited; a sheet with any error stores nothing.
 */
#ifndef SS_TRANSLATE_H
#define SS_TRANSLATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/l10n.h"
#include "base/sheet.h"
#include "store/store.h"

enum ss_text_kind { SS_TEXT_PLAN = 0, SS_TEXT_PROJECT, SS_TEXT_TARGET, SS_TEXT_ORG };
/* "plan", "project", "target", "org": the store's kind */
const char *ss_text_kind_str(enum ss_text_kind k);

/* The stored translations in memory, for lookups (the engine keeps one). */
struct ss_texts;
/* Load them all; *out is freed with ss_texts_free. */
int ss_texts_load(struct ss_store *st, struct ss_texts **out, struct ss_err *err);
void ss_texts_free(struct ss_texts *t);
/* The translation of (kind, ref) in lang, or NULL when there is none (or t
 * is NULL, or lang is Chinese). ref: the decimal id, or the org's code. */
const char *ss_texts_get(const struct ss_texts *t, enum ss_text_kind kind, const char *ref,
                         enum ss_lang lang);
const char *ss_texts_get_id(const struct ss_texts *t, enum ss_text_kind kind, int64_t id,
                            enum ss_lang lang);
size_t ss_texts_count(const struct ss_texts *t);

/* One translation to store, checked. text points into the caller's data. */
struct ss_text_row {
    enum ss_text_kind kind;
    char ref[24];
    const char *text; /* "" removes */
};

/* Read id (as the sheet writes it, see above) against plan: out's kind and
 * ref. SS_EINVAL or SS_ENOTFOUND naming the id otherwise. */
int ss_text_ref(struct ss_store *st, const struct ss_plan *plan, const char *id,
                struct ss_text_row *out, struct ss_err *err);
/* A translation's text: UTF-8, no control characters, at most
 * SS_MAX_TRANSLATION bytes ("" is allowed: it removes). */
int ss_text_check(const char *text, struct ss_err *err);

/* The languages content is translated into: English, Uyghur; SS_EINVAL
 * for Chinese (the content's own) or anything else, naming field. */
int ss_text_lang(const char *code, const char *field, enum ss_lang *out, struct ss_err *err);

struct ss_text_error {
    int row;        /* the sheet's row */
    char column[4]; /* "A" the id, "B" the text */
    struct ss_err err;
};

struct ss_translate_result {
    size_t rows;    /* rows read (not counting a header or blank rows) */
    size_t changed; /* translations added, replaced or removed */
    struct ss_text_error *errors;
    size_t nerrors; /* all of them; at most SS_TRANSLATE_ERRORS are listed */
};
#define SS_TRANSLATE_ERRORS 100
void ss_translate_result_cleanup(struct ss_translate_result *r);

/* Check every row of sheet for lang against plan; when none is wrong,
 * store them all in one transaction by `by`. 0 when the sheet was read
 * (look at res->nerrors: nothing was stored if there are any), <0 when it
 * could not be stored (err). */
int ss_translate_sheet(struct ss_store *st, const struct ss_plan *plan, enum ss_lang lang,
                       const struct ss_sheet *sheet, const char *by,
                       struct ss_translate_result *res, struct ss_err *err);
/* Store checked rows in one transaction by `by`; *changed (may be NULL)
 * counts the translations that changed. */
int ss_translate_put(struct ss_store *st, enum ss_lang lang, const struct ss_text_row *rows,
                     size_t n, const char *by, size_t *changed, struct ss_err *err);

#endif
