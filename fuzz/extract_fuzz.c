/*
 * extract_fuzz.c - libFuzzer target for the announcement extractor: any
 * bytes go through decoding, segmentation, target finding and the JSON
 * writer. The extractor must refuse or succeed, never crash or leak.
 *
 *   make fuzz FUZZ_TIME=180      (clang, -fsanitize=fuzzer,address,undefined)
 *   tests/fuzz/replay.sh         replays fuzz/corpus/extract with gcc + ASan
 */
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "extract/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ss_xplan *plan = NULL;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;

    if (ss_extract((const char *)data, size, &plan, &err) != 0)
        return 0;
    ss_buf_init(&b, SS_MAX_OUTPUT);
    ss_json_init(&j, &b, 1);
    ss_xplan_json(plan, &j);
    ss_buf_cleanup(&b);
    ss_xplan_free(plan);
    return 0;
}
