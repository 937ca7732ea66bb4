/*
 * multipart_fuzz.c - libFuzzer target for upload bodies
 * (multipart/form-data, ss_http_parse_multipart). The input's first line
 * is the Content-Type header (which carries the boundary) and the rest the
 * body; an input without a newline is a body under the boundary "b". The
 * parser refuses or returns parts whose name, file name, type and value
 * all lie inside its copy, NUL-terminated, a file name without any path.
 *
 *   make fuzz FUZZ=multipart         libFuzzer, from fuzz/corpus/multipart
 *   tests/fuzz/replay.sh             the committed corpus under ASan + UBSan
 */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "fuzz.h"
#include "web/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data, *nl = memchr(in, '\n', size), *body = in;
    char ctype[512] = "multipart/form-data; boundary=b";
    struct ss_http_field *f;
    struct ss_http_req req;
    size_t n, i, len = size, cap;
    char *store;

    if (nl) {
        size_t cl = (size_t)(nl - in);
        if (cl >= sizeof ctype || memchr(in, '\0', cl))
            return 0; /* a header value is a C string of bounded length */
        memcpy(ctype, in, cl);
        ctype[cl] = '\0';
        body = nl + 1;
        len = size - cl - 1;
    }
    cap = len + 3; /* the parser's copy: CRLF, the body, NUL */
    if (ss_http_parse_multipart(ctype, body, len, &f, &n, &store) != SS_OK) {
        FUZZ_ASSERT(f == NULL && n == 0 && store == NULL);
        return 0;
    }
    FUZZ_ASSERT(n <= SS_HTTP_MAX_FIELDS);
    for (i = 0; i < n; i++) {
        FUZZ_ASSERT(f[i].name && fuzz_inside(f[i].name, strlen(f[i].name), store, cap));
        FUZZ_ASSERT(fuzz_inside(f[i].value, f[i].len, store, cap));
        FUZZ_ASSERT(f[i].value[f[i].len] == '\0');
        if (f[i].filename) {
            FUZZ_ASSERT(fuzz_inside(f[i].filename, strlen(f[i].filename), store, cap));
            FUZZ_ASSERT(!strchr(f[i].filename, '/') && !strchr(f[i].filename, '\\'));
        }
        if (f[i].ctype)
            FUZZ_ASSERT(fuzz_inside(f[i].ctype, strlen(f[i].ctype), store, cap));
    }
    memset(&req, 0, sizeof req);
    req.fields = f;
    req.nfields = n;
    for (i = 0; i < n; i++)
        if (f[i].filename)
            FUZZ_ASSERT(ss_http_file(&req, f[i].name) != NULL);
        else
            FUZZ_ASSERT(ss_http_field(&req, f[i].name) != NULL);
    free(f);
    free(store);
    return 0;
}
