/*
 * docx.c - a Word document's text (see docx.h).
 *
 * A streaming walk of word/document.xml: text is collected only inside
 * <w:t> of the body; paragraph, row and cell ends decide the separators.
 * The output buffer is capped (SS_MAX_TEXT_FILE): a document that expands
 * past it stops the parse with a sentence.
 */
#include "base/docx.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "base/zipxml.h"

struct docx_ctx {
    struct ss_xml x; /* first: the handlers' user data */
    struct ss_buf out;
    int in_t;       /* inside <w:t> */
    int cell_depth; /* nesting of <w:tc> (tables in tables) */
    int cell_paras; /* paragraphs ended in the current cell */
    int row_cells;  /* cells ended in the current row */
    int line_open;  /* text written since the last line end */
};

static void put(struct docx_ctx *c, const char *s, size_t n)
{
    ss_buf_put(&c->out, s, n);
    if (c->out.err)
        ss_xml_fail(&c->x, "the document holds more text than an announcement may "
                           "(at most 8 MiB)");
}

static void end_line(struct docx_ctx *c)
{
    if (c->line_open)
        put(c, "\n", 1);
    c->line_open = 0;
}

static void on_start(void *ud, const char *name, const char **atts)
{
    struct docx_ctx *c = ud;
    const char *n = ss_xml_local(name);

    (void)atts;
    if (strcmp(n, "t") == 0) {
        c->in_t = 1;
    } else if (strcmp(n, "tab") == 0 && !c->in_t) {
        put(c, "\t", 1);
        c->line_open = 1;
    } else if ((strcmp(n, "br") == 0 || strcmp(n, "cr") == 0) && !c->in_t) {
        if (c->cell_depth)
            put(c, " ", 1);
        else
            end_line(c);
    } else if (strcmp(n, "tc") == 0) {
        if (c->cell_depth == 0 && c->row_cells > 0)
            put(c, "\t", 1);
        else if (c->cell_depth > 0) /* a table inside a cell: its cells, spaced */
            put(c, " ", 1);
        c->cell_depth++;
        c->cell_paras = 0;
    } else if (strcmp(n, "tr") == 0 && c->cell_depth == 0) {
        end_line(c);
        c->row_cells = 0;
    } else if (strcmp(n, "p") == 0 && c->cell_depth && c->cell_paras > 0) {
        put(c, " ", 1);
    }
}

static void on_end(void *ud, const char *name)
{
    struct docx_ctx *c = ud;
    const char *n = ss_xml_local(name);

    if (strcmp(n, "t") == 0) {
        c->in_t = 0;
    } else if (strcmp(n, "p") == 0) {
        if (c->cell_depth)
            c->cell_paras++;
        else
            end_line(c);
    } else if (strcmp(n, "tc") == 0 && c->cell_depth) {
        c->cell_depth--;
        if (c->cell_depth == 0)
            c->row_cells++;
        c->line_open = 1;
    } else if (strcmp(n, "tr") == 0 && c->cell_depth == 0) {
        end_line(c);
    }
}

static void on_text(void *ud, const char *s, int n)
{
    struct docx_ctx *c = ud;

    if (!c->in_t || n <= 0)
        return;
    put(c, s, (size_t)n);
    c->line_open = 1;
}

int ss_docx_sniff(const char *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

int ss_docx_text(const char *data, size_t len, char **out, size_t *len_out, struct ss_err *err)
{
    struct docx_ctx c;
    struct ss_zip *z = NULL;
    char *part = NULL;
    size_t plen = 0;
    int rc;

    *out = NULL;
    *len_out = 0;
    memset(&c, 0, sizeof c);
    c.x.err = err;
    ss_buf_init(&c.out, SS_MAX_TEXT_FILE);
    if (len > SS_MAX_DOCX) {
        rc = ss_err_set(err, SS_EINVAL, "file", "the document is larger than %u MiB",
                        SS_MAX_DOCX >> 20);
        goto out;
    }
    if ((rc = ss_zip_open(data, len, "docx", "document", &z, err)))
        goto out;
    rc = ss_zip_part(z, "word/document.xml", SS_MAX_DOCX_XML, &part, &plen, err);
    if (rc == SS_ENOTFOUND)
        rc = ss_err_set(err, SS_EINVAL, "file",
                        "the file is a zip but not a Word document (it has no "
                        "word/document.xml): save it as .docx, or paste its text");
    if (!rc)
        rc = ss_xml_parse(&c.x, part, plen, on_start, on_end, on_text, "word/document.xml");
    if (!rc) {
        end_line(&c);
        if (c.out.err)
            rc = c.x.rc;
    }
    if (!rc && !ss_utf8_valid(c.out.data ? c.out.data : "", c.out.len))
        rc = ss_err_set(err, SS_EINVAL, "file", "the document's text is not valid UTF-8");
    if (!rc) {
        *out = ss_buf_detach(&c.out, len_out);
        if (!*out)
            *out = ss_xstrdup("");
    }
out:
    free(part);
    ss_zip_close(z);
    ss_buf_cleanup(&c.out);
    return rc;
}

int ss_docx_or_text(const char *data, size_t len, char **out, size_t *len_out, int *was_docx,
                    struct ss_err *err)
{
    int docx = ss_docx_sniff(data, len);

    if (was_docx)
        *was_docx = docx;
    *out = NULL;
    *len_out = 0;
    if (docx)
        return ss_docx_text(data, len, out, len_out, err);
    if (len > SS_MAX_TEXT_FILE)
        return ss_err_set(err, SS_EINVAL, "file", "the text is larger than %u MiB",
                          SS_MAX_TEXT_FILE >> 20);
    *out = ss_xstrndup(data, len);
    *len_out = len;
    return SS_OK;
}
