/*
 * store_search.h - full-text search over the plan's targets.
 *
 * The index is an FTS5 table with the trigram tokenizer, so Chinese text
 * (no spaces between words) matches on any substring of three or more
 * characters; shorter terms fall back to a LIKE scan of the same table.
 *
 * The index is a TEMP table of the connection, built on first use and
 * rebuilt when the targets change (a cheap signature query is compared on
 * each search). It needs no migration and works on read-only connections:
 * a server's per-thread connections each keep their own copy, which for a
 * plan of a few thousand targets costs a few milliseconds once.
 */
#ifndef SS_STORE_SEARCH_H
#define SS_STORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* Search the targets of plan_id for q (whitespace-separated terms, all must
 * match the target's text, metric or its project's title). Writes up to max
 * target ids into ids in rank order and their count into *n.
 * q longer than SS_MAX_NAME bytes or not UTF-8 is SS_EINVAL. */
int ss_store_search_targets(struct ss_store *st, int64_t plan_id, const char *q, int64_t *ids,
                            size_t max, size_t *n, struct ss_err *err);

#endif
