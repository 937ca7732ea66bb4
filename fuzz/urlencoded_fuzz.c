/*
 * urlencoded_fuzz.c - libFuzzer target for form bodies
 * (application/x-www-form-urlencoded, ss_http_parse_urlencoded): any bytes
 * are refused or parsed into fields whose names and values are
 * NUL-terminated strings inside the parser's copy, a value's length is its
 * string's, and no name hides a NUL. Then the field look-ups run over them.
 *
 *   make fuzz FUZZ=urlencoded        libFuzzer, from fuzz/corpus/urlencoded
 *   tests/fuzz/replay.sh             the committed corpus under ASan + UBSan
 */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "fuzz.h"
#include "web/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ss_http_field *f;
    struct ss_http_req req;
    size_t n, i;
    char *store;

    if (ss_http_parse_urlencoded((const char *)data, size, &f, &n, &store) != SS_OK) {
        FUZZ_ASSERT(f == NULL && n == 0 && store == NULL);
        return 0;
    }
    FUZZ_ASSERT(n <= SS_HTTP_MAX_FIELDS);
    for (i = 0; i < n; i++) {
        FUZZ_ASSERT(fuzz_inside(f[i].name, strlen(f[i].name), store, size + 1));
        FUZZ_ASSERT(fuzz_inside(f[i].value, f[i].len, store, size + 1));
        FUZZ_ASSERT(f[i].value[f[i].len] == '\0');
        FUZZ_ASSERT(f[i].filename == NULL && f[i].ctype == NULL);
    }
    memset(&req, 0, sizeof req);
    req.fields = f;
    req.nfields = n;
    if (n) {
        FUZZ_ASSERT(ss_http_field(&req, f[0].name) == f[0].value);
        FUZZ_ASSERT(ss_http_file(&req, f[0].name) == NULL);
    }
    free(f);
    free(store);
    return 0;
}
