/*
 * plan_json_fuzz.c - libFuzzer target for plan JSON (core/plan_json.c):
 * what `shishi import` reads from a person and the console takes. Both
 * readers (ss_plan_from_json, the tracked form; ss_plan_import_json, a
 * draft with defaults) refuse or return a plan; a returned plan written
 * back (ss_plan_to_json, what `plan show --json` prints) reads back as
 * the same plan by the same reader (`import` reads what `plan show --json`
 * prints): the same strings, and the same numbers exactly (the readers
 * keep a number as the writer will print it, to six decimals).
 *
 *   make fuzz FUZZ=plan_json         libFuzzer, from fuzz/corpus/plan_json
 *   tests/fuzz/replay.sh             the committed corpus under ASan + UBSan
 */
#include <math.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/plan_json.h"
#include "fuzz.h"

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_num(double a, double b)
{
    return a == b; /* the readers keep numbers as the writer prints them */
}

static void same_plan(const struct ss_plan *a, const struct ss_plan *b)
{
    size_t i;

    FUZZ_ASSERT(same_str(a->title, b->title) && same_str(a->issuer, b->issuer));
    FUZZ_ASSERT(same_str(a->top_org, b->top_org));
    FUZZ_ASSERT(a->year == b->year && a->start == b->start && a->end == b->end);
    FUZZ_ASSERT(a->published == b->published);
    FUZZ_ASSERT(same_num(a->yellow_pp, b->yellow_pp) && same_num(a->red_pp, b->red_pp));
    FUZZ_ASSERT(a->nprojects == b->nprojects && a->ntargets == b->ntargets);
    for (i = 0; i < a->nprojects; i++) {
        FUZZ_ASSERT(a->projects[i].no == b->projects[i].no);
        FUZZ_ASSERT(same_str(a->projects[i].title, b->projects[i].title));
        FUZZ_ASSERT(same_str(a->projects[i].lead_dept, b->projects[i].lead_dept));
    }
    for (i = 0; i < a->ntargets; i++) {
        const struct ss_target *x = &a->targets[i], *y = &b->targets[i];
        FUZZ_ASSERT(x->project_no == y->project_no && x->seq == y->seq);
        FUZZ_ASSERT(same_str(x->text, y->text) && same_str(x->metric, y->metric));
        FUZZ_ASSERT(same_str(x->unit, y->unit) && same_str(x->dept, y->dept));
        FUZZ_ASSERT(same_num(x->value, y->value));
        FUZZ_ASSERT(x->op == y->op && x->kind == y->kind);
        FUZZ_ASSERT(x->parent_index == y->parent_index);
        FUZZ_ASSERT(x->has_profile == y->has_profile);
        for (int m = 0; x->has_profile && m < 12; m++)
            FUZZ_ASSERT(same_num(x->profile[m], y->profile[m]));
    }
}

/* p written as JSON and read back by the reader that made it. */
static void round_trip(const struct ss_plan *p, int import)
{
    struct ss_plan *q = NULL;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;

    ss_buf_init(&b, SS_MAX_OUTPUT);
    ss_json_init(&j, &b, 0);
    ss_plan_to_json(p, &j);
    FUZZ_ASSERT(!b.err);
    if ((import ? ss_plan_import_json(b.data, b.len, 0, NULL, &q, &err)
                : ss_plan_from_json(b.data, b.len, &q, &err)) != SS_OK) {
        fprintf(stderr, "written back, the plan does not read: %s: %s\n%s\n", err.field, err.msg,
                b.data);
        FUZZ_ASSERT(!"a written plan reads back");
    }
    same_plan(p, q);
    ss_plan_free(q);
    ss_buf_cleanup(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct ss_plan *p = NULL;
    struct ss_err err;
    int year;

    (void)ss_plan_json_sniff(text, size);
    if (ss_plan_from_json(text, size, &p, &err) == SS_OK) {
        round_trip(p, 0);
        ss_plan_free(p);
    } else {
        FUZZ_ASSERT(p == NULL && err.msg[0]);
    }
    if (ss_plan_import_json(text, size, 2026, &year, &p, &err) == SS_OK) {
        FUZZ_ASSERT(p->state == SS_PLAN_DRAFT && p->title && p->title[0]);
        round_trip(p, 1);
        ss_plan_free(p);
    } else {
        FUZZ_ASSERT(p == NULL && err.msg[0]);
    }
    return 0;
}
