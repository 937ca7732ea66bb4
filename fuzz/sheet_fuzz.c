/*
 * sheet_fuzz.c - libFuzzer target for the ledger reader (base/sheet.c):
 * the .xlsx and CSV files clerks upload. The input decides the path:
 *   - "PK..." is a workbook as uploaded: ss_sheet_read (a zip: libzip,
 *     then the shared strings and the first sheet through expat);
 *   - "<..." is the two XML parts themselves, the shared strings and the
 *     sheet, split at the second "<?xml" (or the sheet alone): the target
 *     zips them (stored, uncompressed) and reads the workbook, so the
 *     fuzzer mutates XML rather than deflate streams and CRCs;
 *   - anything else is CSV, read as detected, as UTF-8 and as GB18030.
 * A read sheet keeps the limits sheet.h promises: rows in increasing sheet
 * order, at most SS_MAX_LEDGER_COLS cells a row, each cell valid UTF-8 of
 * at most SS_MAX_LEDGER_CELL bytes, the text counted within
 * SS_MAX_SHEET_TEXT. A refused one leaves nothing behind.
 *
 *   make fuzz FUZZ=sheet             libFuzzer, from fuzz/corpus/sheet
 *   tests/fuzz/replay.sh             the committed corpus under ASan + UBSan
 */
#define _GNU_SOURCE 1 /* memmem */
#include <string.h>
#include <zip.h>

#include "base/escape.h"
#include "base/limits.h"
#include "base/sheet.h"
#include "base/util.h"
#include "fuzz.h"

static void check(int rc, struct ss_sheet *s)
{
    size_t i, k, text = 0;

    if (rc != SS_OK) {
        FUZZ_ASSERT(s->rows == NULL && s->nrows == 0);
        return;
    }
    FUZZ_ASSERT(s->format != NULL);
    FUZZ_ASSERT(s->nrows <= SS_MAX_LEDGER_ROWS + 1);
    for (i = 0; i < s->nrows; i++) {
        const struct ss_sheet_row *r = &s->rows[i];
        FUZZ_ASSERT(r->row >= 1 && (i == 0 || r->row > s->rows[i - 1].row));
        FUZZ_ASSERT(r->ncells <= SS_MAX_LEDGER_COLS);
        for (k = 0; k < r->ncells; k++) {
            const char *c = ss_sheet_cell(r, k);
            size_t n = c ? strlen(c) : 0;
            FUZZ_ASSERT(!c || (n > 0 && n <= SS_MAX_LEDGER_CELL && ss_utf8_valid(c, n)));
            text += n;
        }
    }
    FUZZ_ASSERT(text <= s->text && s->text <= SS_MAX_SHEET_TEXT);
    ss_sheet_free(s);
}

/* Zip the XML parts (stored) into a workbook; *out is malloc'd. */
static int zip_parts(const char *ss, size_t sslen, const char *sheet, size_t shlen, char **out,
                     size_t *outlen)
{
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, NULL), *part;
    zip_stat_t st;
    zip_t *z;
    zip_int64_t idx;

    *out = NULL;
    if (!src || !(z = zip_open_from_source(src, ZIP_TRUNCATE, NULL)))
        abort();
    zip_source_keep(src);
    if (ss) {
        if (!(part = zip_source_buffer(z, ss, sslen, 0)) ||
            (idx = zip_file_add(z, "xl/sharedStrings.xml", part, 0)) < 0)
            abort();
        zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    }
    if (!(part = zip_source_buffer(z, sheet, shlen, 0)) ||
        (idx = zip_file_add(z, "xl/worksheets/sheet1.xml", part, 0)) < 0)
        abort();
    zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    if (zip_close(z) < 0)
        abort();
    if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0)
        abort();
    *outlen = (size_t)st.size;
    *out = ss_xmalloc(*outlen + 1);
    if (zip_source_read(src, *out, *outlen) != (zip_int64_t)*outlen)
        abort();
    zip_source_close(src);
    zip_source_free(src);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct ss_sheet s;
    struct ss_err err;

    if (size >= 2 && in[0] == 'P' && in[1] == 'K') {
        check(ss_sheet_read(in, size, &s, &err), &s);
    } else if (size >= 1 && in[0] == '<') {
        const char *second = size > 5 ? memmem(in + 1, size - 1, "<?xml", 5) : NULL;
        char *book;
        size_t blen;

        if (second)
            zip_parts(in, (size_t)(second - in), second, size - (size_t)(second - in), &book,
                      &blen);
        else
            zip_parts(NULL, 0, in, size, &book, &blen);
        check(ss_sheet_read_xlsx(book, blen, &s, &err), &s);
        free(book);
    } else {
        check(ss_sheet_read(in, size, &s, &err), &s);
        check(ss_sheet_read_as(in, size, SS_SHEET_UTF8, &s, &err), &s);
        check(ss_sheet_read_as(in, size, SS_SHEET_GB18030, &s, &err), &s);
    }
    return 0;
}
