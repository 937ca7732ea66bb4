/*
 * extract_fuzz.c - libFuzzer target for the announcement extractor: any
 * bytes go through decoding, segmentation, target finding and the JSON
 * writer. The extractor must refuse or succeed, never crash or leak; and
 * what it prints, `shishi import` reads (README: "plan JSON (what extract
 * ... prints)"): the JSON of every extracted plan is a plan to
 * ss_plan_import_json, with as many projects and targets. Every span the
 * plan gives (what the review page highlights) lies inside plan->source,
 * in order, on character boundaries.
 *
 *   make fuzz FUZZ=extract           libFuzzer, from fuzz/corpus/extract
 *   tests/fuzz/replay.sh             the committed corpus under ASan + UBSan
 */
#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/plan_json.h"
#include "extract/extract.h"
#include "fuzz.h"

/* [b, e) a span of the source: in range, ordered, on character starts. */
static int good_span(const struct ss_xplan *x, size_t b, size_t e)
{
    return b <= e && e <= x->nsource && (b == x->nsource || (x->source[b] & 0xC0) != 0x80) &&
           (e == x->nsource || (x->source[e] & 0xC0) != 0x80);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ss_xplan *plan = NULL;
    struct ss_plan *p = NULL;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;
    size_t i, nt = 0;

    if (ss_extract((const char *)data, size, &plan, &err) != 0) {
        FUZZ_ASSERT(plan == NULL);
        return 0;
    }
    ss_buf_init(&b, SS_MAX_OUTPUT);
    ss_json_init(&j, &b, 1);
    ss_xplan_json(plan, &j);
    FUZZ_ASSERT(!b.err);
    if (ss_plan_import_json(b.data, b.len, 2026, NULL, &p, &err) != SS_OK) {
        fprintf(stderr, "import refuses what extract printed: %s: %s\n%s\n", err.field, err.msg,
                b.data);
        FUZZ_ASSERT(!"import reads what extract prints");
    }
    for (i = 0; i < plan->nprojects; i++) {
        const struct ss_xproject *pr = &plan->projects[i];
        size_t k;
        FUZZ_ASSERT(good_span(plan, pr->src_b, pr->src_e));
        FUZZ_ASSERT(good_span(plan, pr->title_b, pr->title_e));
        for (k = 0; k < pr->ntargets; k++)
            FUZZ_ASSERT(good_span(plan, pr->targets[k].src_b, pr->targets[k].src_e));
        nt += pr->ntargets;
    }
    for (i = 0; i < plan->nnumbers; i++)
        FUZZ_ASSERT(good_span(plan, plan->numbers[i].src_b, plan->numbers[i].src_e) &&
                    plan->numbers[i].project < (int)plan->nprojects);
    FUZZ_ASSERT(p->nprojects == plan->nprojects && p->ntargets == nt);
    ss_plan_free(p);
    ss_buf_cleanup(&b);
    ss_xplan_free(plan);
    return 0;
}
