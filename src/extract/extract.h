/*
 * extract.h - from a published announcement of livelihood commitments
 * (民生实事, Chinese text, possibly inside the noise of a web page) to a
 * plan: its title, issuer, year and date, its numbered projects, and the
 * quantified targets of each project.
 *
 * The output schema and the labelling rules are in docs/EXTRACTION.md of the
 * shared docs. The extractor knows the grammar of such texts (heading
 * markers, numerals, measure words, comparison words, what is not a target)
 * and nothing about any particular announcement.
 *
 * Input is UTF-8 or GB18030 (detected; UTF-16 with a BOM is accepted too).
 * Text with NUL bytes or bytes that are neither is refused with SS_EINVAL.
 *
 * Text in traditional script is converted to simplified (OpenCC) before it
 * is read; the plan's strings are then in simplified script, and the spans
 * below point into the text as written.
 *
 * Spans: plan->source is the text as read - decoded to UTF-8, HTML markup
 * stripped, otherwise untouched (no folding, no script conversion). Every
 * span [src_b, src_e) is a pair of byte offsets into it, on character
 * boundaries: what a review page shows and highlights.
 *
 * Ownership: ss_extract allocates the whole plan; every string in it belongs
 * to the plan and is released by ss_xplan_free. Nothing points into the
 * caller's input.
 */
#ifndef SS_EXTRACT_H
#define SS_EXTRACT_H

#include <stddef.h>

#include "base/err.h"
#include "base/json.h"
#include "base/limits.h"

struct ss_xtarget {
    char *text;          /* the clause stating the target, verbatim */
    char *metric;        /* what is counted, a short noun phrase */
    char *unit;          /* measure word after the number ("人" when none is written) */
    double value;        /* in base units: 47万 -> 470000, 90% -> 90 */
    char op[3];          /* ">=", "<=" or "=" */
    long parent;         /* index of the total within the project's targets, or -1 */
    size_t src_b, src_e; /* where text stands in plan->source */
};

struct ss_xproject {
    int no;      /* as numbered in the text, else 1, 2, ... in order */
    char *title; /* the item's heading; its whole text when it has none */
    size_t ntargets;
    struct ss_xtarget *targets;
    size_t src_b, src_e;     /* the item's text in plan->source (marker excluded) */
    size_t title_b, title_e; /* its title there */
};

/* A quantity of the body that was not taken as a target (a count of
 * places, a standard, a figure the rules left out): a missed target is
 * among these. */
struct ss_xnumber {
    double value;
    char *unit;          /* as for targets; "" when none is written */
    int project;         /* index into plan->projects of the item it sits in, or -1 */
    size_t src_b, src_e; /* the quantity in plan->source */
};

struct ss_xplan {
    char *title;     /* e.g. "自治区2026年十件民生实事"; "" when not found */
    char *issuer;    /* the signature line; "" when not found */
    char *published; /* YYYY-MM-DD, or NULL when no date was found */
    int year;        /* 0 when unknown */
    size_t nprojects;
    struct ss_xproject *projects;
    size_t nwarnings;
    char **warnings; /* sentences for a person, e.g. "no targets found" */
    int fallback;    /* 1: no list recognised, every paragraph stating a target is a project */
    int converted;   /* 1: the text was in traditional script and was converted */
    char *source;    /* the text as read; the spans point into it */
    size_t nsource;
    size_t nnumbers;
    struct ss_xnumber *numbers; /* in text order */
};

/*
 * Extract the plan from text[0..len). On success *out is a new plan (free it
 * with ss_xplan_free) and 0 is returned; a text without any target is not a
 * failure: it gives a plan with no projects and a warning. On failure
 * returns SS_EINVAL (text refused: binary, undecodable or too large) with
 * err filled in, and *out is NULL.
 */
int ss_extract(const char *text, size_t len, struct ss_xplan **out, struct ss_err *err);

void ss_xplan_free(struct ss_xplan *p);

/* Write the plan as {"plan":{...},"projects":[...]} (warnings are not part
 * of the schema and are left out). */
void ss_xplan_json(const struct ss_xplan *p, struct ss_json *j);

/* --- the source, for review (source.c) ------------------------------------ */

/* The text the plan's texts are quoted from: text[0..len) decoded to UTF-8
 * (HTML to text) as ss_extract reads it, before normalisation. *out (the
 * caller frees) of *n bytes; SS_EINVAL as ss_extract refuses. */
int ss_extract_source(const char *text, size_t len, char **out, size_t *n, struct ss_err *err);

/* A quantity written in the source. */
struct ss_xquantity {
    size_t b, e;                /* bytes [b, e) of the source: numeral, unit, op word */
    double value;               /* in base units, as a target's */
    char unit[SS_MAX_UNIT + 1]; /* the measure word written after it, "" when none */
    char op[3];                 /* from the words after it (以上, 余, 以内); else "=" */
};

/* Every quantity the number reader finds in the source s[0..n) (what
 * ss_extract_source returns), in order; *out (the caller frees) holds the
 * count returned. 0 for a text that does not decode to itself. */
size_t ss_extract_numbers(const char *s, size_t n, struct ss_xquantity **out);

#endif
