/*
 * source.c - the source side of the review screen (extract.h): the text
 * the targets are quoted from, and every quantity written in it, so a
 * person can see which ones no target took.
 *
 * Both go through the same decoding and number reader as ss_extract, so
 * what the page offers as "a number no target took" is a number the
 * extractor itself can read (numbers.c), with the value and unit it would
 * give. Offsets are bytes of the source text as ss_extract_source returns
 * it (the decoded, unnormalised text the target texts are quoted from),
 * mapped back through the normalisation (xdoc.map).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "extract/extract.h"
#include "extract/xint.h"

int ss_extract_source(const char *text, size_t len, char **out, size_t *n, struct ss_err *err)
{
    struct xdoc d;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = ss_xdoc_load(&d, text, len, err)))
        return rc;
    *out = d.orig;
    *n = d.norig;
    d.orig = NULL;
    ss_xdoc_cleanup(&d);
    return SS_OK;
}

size_t ss_extract_numbers(const char *s, size_t n, struct ss_xquantity **out)
{
    struct ss_err err;
    struct xdoc d;
    size_t i, len, count = 0, cap = 0;
    struct ss_xquantity *v = NULL;

    *out = NULL;
    ss_err_clear(&err);
    if (ss_xdoc_load(&d, s, n, &err))
        return 0;
    /* offsets are the caller's only when the text decodes to itself */
    if (d.norig != n || memcmp(d.orig, s, n) != 0) {
        ss_xdoc_cleanup(&d);
        return 0;
    }
    for (i = 0; i < d.n;) {
        struct xqty q;

        if (!ss_xnum_starts(d.s, i, d.n)) {
            len = ss_utf8_seq((const unsigned char *)d.s + i, d.n - i);
            i += len ? len : 1;
            continue;
        }
        memset(&q, 0, sizeof q);
        if (ss_xqty_read(d.s, i, d.n, &q) && q.e > q.b) {
            struct ss_xquantity *x;
            size_t ul = q.ue > q.ub ? q.ue - q.ub : 0;

            x = SS_PUSH(v, count, cap);
            x->b = d.map[q.b];
            x->e = d.map[q.e];
            x->value = q.value;
            if (ul > SS_MAX_UNIT)
                ul = 0;
            memcpy(x->unit, d.s + q.ub, ul);
            x->unit[ul] = '\0';
            snprintf(x->op, sizeof x->op, "%s",
                     q.post_op == 2               ? "<="
                     : q.post_op == 1 || q.approx ? ">="
                                                  : "=");
        }
        i = q.e > i ? q.e : q.ne > i ? q.ne : i + 1;
    }
    ss_xdoc_cleanup(&d);
    *out = v;
    return count;
}
