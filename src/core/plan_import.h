/*
 * plan_import.h - from an announcement's extraction to a draft plan: what
 * `shishi import` (cli/cmd_import.c) and the console's review page
 * (web/page_plan_new.c) both do, in one place, so that both paths give the
 * same plan.
 *
 * The draft: the plan's title (else "<year>年民生实事"), issuer and date as
 * extracted, the calendar year as its period, thresholds yellow 10 / red
 * 30 points; each target's metric (else its text), unit, value, op
 * (unknown ops read as =), kind guessed from unit and wording
 * (ss_kind_guess) and parent (project-relative, only an earlier target,
 * made plan-wide). The top org unit is left to the caller.
 *
 * The top org unit from the issuer: drop the longest office suffix
 * (人民政府, 政府办公厅, ...), then match an org unit's name, walking down the
 * tree for names like 乌鲁木齐市天山区.
 */
#ifndef SS_PLAN_IMPORT_H
#define SS_PLAN_IMPORT_H

#include "base/buf.h"
#include "extract/extract.h"
#include "store/model.h"
#include "store/store.h"

/* The draft plan of x for `year` (the caller's: ss_plan_free). */
struct ss_plan *ss_plan_from_extract(const struct ss_xplan *x, int year);

/* The code of the org unit the issuer names into *out (the caller
 * frees), or SS_ENOTFOUND with *out NULL and why (English, for a
 * person) saying what to do: no issuer, no divisions loaded, none or
 * several matching. */
int ss_plan_top_org_guess(struct ss_store *st, const char *issuer, char **out, struct ss_buf *why);

/* Store draft p and the announcement it was read from (text[0..len) as
 * handed over, kept as the extractor reads it: ss_extract_source; NULL
 * for a plan from JSON, which has none) under `name`, in the caller's
 * transaction (begun with who imports), so both land or neither. *id
 * receives the plan's id. */
int ss_plan_import_store(struct ss_store *st, struct ss_plan *p, const char *name, const char *text,
                         size_t len, int64_t *id, struct ss_err *err);

#endif
