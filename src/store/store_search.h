/*
 * store_search.h - search over the plan's targets and the org units.
 *
 * A search is words (ss_search_parse). A target matches a word when the
 * word, or another word of its group in the embedded word list
 * (data/embed/search-words.tsv: 养老 also finds 护老, 适老, 老年), occurs
 * anywhere in the target's metric, its text, its project's title or the
 * name of its or its project's department; a target is found when every
 * word matches. Words of any length match inside longer text: Chinese has
 * no spaces between words, so 养老 must find 家庭养老床位 (a trigram index
 * cannot look up a word of fewer than three characters, so none is used:
 * a plan has a few hundred targets, and a scan of them takes well under a
 * millisecond).
 *
 * Org units are found by a part of their name, by their code, by the
 * start of a code (6501 also lists the counties 6501xx) or by the
 * six-digit form of a code (650100 is 6501).
 */
#ifndef SS_STORE_SEARCH_H
#define SS_STORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define SS_SEARCH_MAX_WORDS 8

/* The words of a search; pointers into the query string it was parsed from. */
struct ss_search {
    size_t n;
    const char *word[SS_SEARCH_MAX_WORDS];
    size_t len[SS_SEARCH_MAX_WORDS];
};

/* Split q into words at white space (ASCII and the ideographic space
 * U+3000) and at the punctuation people put between words (，、；。,;),
 * up to SS_SEARCH_MAX_WORDS. q longer than SS_MAX_NAME bytes or not UTF-8
 * is SS_EINVAL, naming field "q". */
int ss_search_parse(const char *q, struct ss_search *s, struct ss_err *err);

/* Targets of plan_id matching every word of s (see above), in plan order:
 * up to max ids into ids, their count into *n. No words: no targets. */
int ss_store_search_targets(struct ss_store *st, int64_t plan_id, const struct ss_search *s,
                            int64_t *ids, size_t max, size_t *n, struct ss_err *err);

/* Org units matching the one word (len bytes): the unit whose code it is
 * first, then by level and code. Up to max org ids into ids, count in *n. */
int ss_store_search_orgs(struct ss_store *st, const char *word, size_t len, int64_t *ids,
                         size_t max, size_t *n, struct ss_err *err);

#endif
