/*
 * docx_fuzz.c - libFuzzer target for the Word reader (base/docx.c): the
 * .docx announcements an admin uploads at /console/plans/new and that
 * `shishi extract` and `import` read. The input decides the path:
 *   - "PK..." is a document as uploaded: ss_docx_text (a zip: libzip, then
 *     word/document.xml through expat);
 *   - "<..." is word/document.xml itself: the target zips it (stored) and
 *     reads the document, so the fuzzer mutates XML rather than deflate
 *     streams and CRCs;
 *   - anything else goes through ss_docx_or_text as any upload does.
 * A read document keeps what docx.h promises: valid UTF-8 without NUL of
 * at most SS_MAX_TEXT_FILE bytes, *len its length; a refused one leaves
 * *out NULL and says why (err.msg not empty). The text then goes to the
 * extractor, as the page sends it.
 *
 *   make fuzz FUZZ=docx             libFuzzer, from fuzz/corpus/docx
 *   tests/fuzz/replay.sh            the committed corpus under ASan + UBSan
 */
#include <string.h>
#include <zip.h>

#include "base/docx.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "extract/extract.h"
#include "fuzz.h"

static void check(int rc, char *out, size_t len, const struct ss_err *err)
{
    struct ss_xplan *x = NULL;
    struct ss_err e2;

    if (rc != SS_OK) {
        FUZZ_ASSERT(out == NULL && err->msg[0]);
        return;
    }
    FUZZ_ASSERT(out != NULL && strlen(out) == len);
    FUZZ_ASSERT(len <= SS_MAX_TEXT_FILE && ss_utf8_valid(out, len));
    if (ss_extract(out, len, &x, &e2) == SS_OK)
        ss_xplan_free(x);
    free(out);
}

/* word/document.xml zipped (stored) into a document; *out is malloc'd. */
static void zip_document(const char *xml, size_t n, char **out, size_t *outlen)
{
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, NULL), *part;
    zip_stat_t st;
    zip_t *z;
    zip_int64_t idx;

    if (!src || !(z = zip_open_from_source(src, ZIP_TRUNCATE, NULL)))
        abort();
    zip_source_keep(src);
    if (!(part = zip_source_buffer(z, xml, n, 0)) ||
        (idx = zip_file_add(z, "word/document.xml", part, 0)) < 0)
        abort();
    zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    if (zip_close(z) < 0 || zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0)
        abort();
    *outlen = (size_t)st.size;
    *out = ss_xmalloc(*outlen + 1);
    if (zip_source_read(src, *out, *outlen) != (zip_int64_t)*outlen)
        abort();
    zip_source_close(src);
    zip_source_free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct ss_err err;
    char *out = NULL, *doc;
    size_t len = 0, dlen;
    int rc;

    ss_err_clear(&err);
    if (size >= 1 && in[0] == '<') {
        zip_document(in, size, &doc, &dlen);
        rc = ss_docx_text(doc, dlen, &out, &len, &err);
        free(doc);
    } else if (ss_docx_sniff(in, size)) {
        rc = ss_docx_text(in, size, &out, &len, &err);
    } else {
        int was = 1;
        rc = ss_docx_or_text(in, size, &out, &len, &was, &err);
        FUZZ_ASSERT(!was);
        if (rc == SS_OK) { /* the bytes as they are, which need not be text */
            FUZZ_ASSERT(len == size && memcmp(out, in, size) == 0);
            free(out);
            return 0;
        }
    }
    check(rc, out, len, &err);
    return 0;
}
