/*
 * cookie_fuzz.c - libFuzzer target for the request header values the HTTP
 * core parses itself: the Cookie header (ss_http_parse_cookies, behind
 * every session, language and login cookie), and Accept-Encoding and
 * If-None-Match (ss_http_accepts_gzip, ss_http_etag_match) on the same
 * bytes. Cookie pairs come back in the parser's copy, NUL-terminated,
 * at most SS_HTTP_MAX_COOKIE_PAIRS of them, with non-empty names free of
 * surrounding blanks (a ";" or "=" inside double quotes stays in its pair,
 * as libmicrohttpd reads them).
 *
 *   make fuzz FUZZ=cookie            libFuzzer, from fuzz/corpus/cookie
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
    size_t n, i;
    char *store, *text;

    if (ss_http_parse_cookies((const char *)data, size, &f, &n, &store) == SS_OK) {
        FUZZ_ASSERT(n <= SS_HTTP_MAX_COOKIE_PAIRS);
        for (i = 0; i < n; i++) {
            size_t nl = strlen(f[i].name);
            FUZZ_ASSERT(nl > 0 && fuzz_inside(f[i].name, nl, store, size + 1));
            /* a ; or = inside double quotes is the pair's (as libmicrohttpd
             * reads them, see http_parse.c), so only blanks are checked */
            FUZZ_ASSERT(f[i].name[0] != ' ' && f[i].name[nl - 1] != ' ');
            FUZZ_ASSERT(fuzz_inside(f[i].value, f[i].len, store, size + 1));
            FUZZ_ASSERT(strlen(f[i].value) == f[i].len);
        }
        free(f);
        free(store);
    } else {
        FUZZ_ASSERT(f == NULL && n == 0 && store == NULL);
    }
    /* header values reach the core as C strings */
    text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    (void)ss_http_accepts_gzip(text);
    (void)ss_http_etag_match(text, "\"0123456789abcdef\"");
    (void)ss_http_etag_match("\"0123456789abcdef\"", text);
    free(text);
    return 0;
}
