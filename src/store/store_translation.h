/*
 * store_translation.h - translations of plan content: the plan's title,
 * projects' and targets' titles, org units' names, entered by an admin
 * (`shishi plan translate`, /console/translate). One text per (kind, ref,
 * language), where kind is "plan", "project", "target" or "org", ref the
 * plan, project or target id in decimal or the org unit's code, and the
 * language "en" or "ug" (Chinese is the content itself). The table is
 * audited like the content it translates; what a kind and ref mean, and
 * whether they exist, is core/'s to check (core/translate.h).
 */
#ifndef SS_STORE_TRANSLATION_H
#define SS_STORE_TRANSLATION_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

struct ss_store_text {
    const char *kind; /* "plan", "project", "target", "org" */
    const char *ref;
    const char *text; /* "" removes the translation */
};

/* Store rows for lang ("en" or "ug") in one transaction, by the store's
 * actor (ss_store_begin): each text replaces the one there, an empty
 * one removes it. *changed (may be NULL) counts the rows that changed
 * (added, replaced or removed; a text equal to the stored one is no
 * change). Nothing is stored when any row fails. */
int ss_store_translations_put(struct ss_store *st, const char *lang,
                              const struct ss_store_text *rows, size_t n, size_t *changed,
                              struct ss_err *err);

/* Call cb for each stored translation, in (kind, ref, lang) order; a
 * nonzero return from cb stops and is returned. */
typedef int (*ss_store_text_cb)(void *ctx, const char *kind, const char *ref, const char *lang,
                                const char *text);
int ss_store_translations_each(struct ss_store *st, ss_store_text_cb cb, void *ctx,
                               struct ss_err *err);

/* Changes to translations move ss_store_counters' texts counter. */

#endif
