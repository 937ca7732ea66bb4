/*
 * sheet.c - xlsx and CSV into rows of text cells (see sheet.h).
 *
 * xlsx: a zip holding XML parts. We read xl/sharedStrings.xml (the strings
 * cells point at by index) and xl/worksheets/sheet1.xml, each unzipped
 * into memory under SS_MAX_SHEET_XML (the size in the zip directory is not
 * trusted: reading stops at the cap), then parse them with expat, which
 * never fetches external entities and refuses entity expansion bombs.
 * Only the elements we need are looked at: <si>/<t> (rich-text runs
 * joined, phonetic <rPh> skipped) and <row r>/<c r t>/<v>/<is><t>.
 *
 * CSV: a UTF-8 BOM means UTF-8. Otherwise the whole file is read both
 * ways, as UTF-8 and as GB18030 (iconv; GB18030 is a superset of GBK and
 * GB2312, so every Chinese Excel's "CSV" is covered), and the reading that
 * is Chinese text wins (see sheet.h); the caller may instead name the
 * encoding. UTF-16 (Excel's "Unicode text") is refused with a hint.
 *
 * Every cell's text is counted into sheet->text as it is stored, against
 * SS_MAX_SHEET_TEXT: the bound is on what the sheet expands to, whatever
 * the sizes of the zip and its parts.
 */
#include "base/sheet.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "base/zipxml.h"

void ss_sheet_free(struct ss_sheet *s)
{
    size_t i, k;

    if (!s)
        return;
    for (i = 0; i < s->nrows; i++) {
        for (k = 0; k < s->rows[i].ncells; k++)
            free(s->rows[i].cells[k]);
        free(s->rows[i].cells);
    }
    free(s->rows);
    s->rows = NULL;
    s->nrows = 0;
    s->text = 0;
}

const char *ss_sheet_cell(const struct ss_sheet_row *r, size_t col)
{
    return col < r->ncells ? r->cells[col] : NULL;
}

void ss_sheet_col_name(size_t col, char out[4])
{
    if (col < 26) {
        out[0] = (char)('A' + col);
        out[1] = '\0';
    } else if (col < 26 * 27) {
        out[0] = (char)('A' + col / 26 - 1);
        out[1] = (char)('A' + col % 26);
        out[2] = '\0';
    } else {
        memcpy(out, "ZZZ", 4);
    }
}

/* Append a row (sheet row number rn) and return it. */
static struct ss_sheet_row *add_row(struct ss_sheet *s, size_t *cap, int rn)
{
    struct ss_sheet_row *r;

    r = SS_PUSH(s->rows, s->nrows, *cap);
    r->row = rn;
    r->ncells = 0;
    r->cells = NULL;
    return r;
}

#define CELL_COST 16 /* a cell's own bytes beyond its text, counted against the limit */

#define TOO_MUCH_TEXT                                                                              \
    "the sheet's cells hold more than %u MiB of text in all (a ledger needs far less; is one "     \
    "long text repeated in every cell?)"

/* Set cell col of r to a copy of text (n bytes, valid UTF-8 assumed),
 * counting it into s->text; -1 (nothing stored) past SS_MAX_SHEET_TEXT. */
static int set_cell(struct ss_sheet *s, struct ss_sheet_row *r, size_t col, const char *text,
                    size_t n)
{
    if (col >= SS_MAX_LEDGER_COLS)
        return 0;
    if (s->text + n + CELL_COST > SS_MAX_SHEET_TEXT)
        return -1;
    s->text += n + CELL_COST;
    if (col >= r->ncells) {
        r->cells = ss_xrealloc(r->cells, (col + 1) * sizeof *r->cells);
        memset(r->cells + r->ncells, 0, (col + 1 - r->ncells) * sizeof *r->cells);
        r->ncells = col + 1;
    }
    free(r->cells[col]);
    r->cells[col] = n ? ss_xstrndup(text, n) : NULL;
    return 0;
}

/* ---- xlsx ---------------------------------------------------------------------- */

struct xml_ctx {
    struct ss_xml x; /* first: the handlers' user data */
    /* shared strings */
    char **strs;
    size_t nstrs, cap_strs;
    int in_si, in_rph;
    /* sheet */
    struct ss_sheet *sheet;
    size_t cap_rows;
    struct ss_sheet_row *row;
    int next_row;
    long col, next_col;
    char ctype[12];
    int in_c;
    /* text being collected (<t> or <v>) */
    int collecting;
    struct ss_buf text;
};

static void xml_fail(struct xml_ctx *c, const char *msg)
{
    ss_xml_fail(&c->x, msg);
}

static void xml_too_much(struct xml_ctx *c)
{
    if (!c->x.rc)
        c->x.rc = ss_err_set(c->x.err, SS_EINVAL, "file", TOO_MUCH_TEXT, SS_MAX_SHEET_TEXT >> 20);
    XML_StopParser(c->x.p, XML_FALSE);
}

static void on_text(void *ud, const char *s, int n)
{
    struct xml_ctx *c = ud;

    if (!c->collecting)
        return;
    ss_buf_put(&c->text, s, (size_t)n);
    if (c->text.err)
        xml_fail(c, "a cell holds more text than a ledger allows");
}

static void ss_start(void *ud, const char *name, const char **atts)
{
    struct xml_ctx *c = ud;
    const char *n = ss_xml_local(name);

    (void)atts;
    if (strcmp(n, "si") == 0) {
        c->in_si = 1;
        ss_buf_reset(&c->text);
    } else if (strcmp(n, "rPh") == 0) {
        c->in_rph = 1;
    } else if (strcmp(n, "t") == 0 && c->in_si && !c->in_rph) {
        c->collecting = 1;
    }
}

static void ss_end(void *ud, const char *name)
{
    struct xml_ctx *c = ud;
    const char *n = ss_xml_local(name);

    if (strcmp(n, "t") == 0) {
        c->collecting = 0;
    } else if (strcmp(n, "rPh") == 0) {
        c->in_rph = 0;
    } else if (strcmp(n, "si") == 0 && c->in_si) {
        c->in_si = 0;
        if (c->nstrs >= 1000000) {
            xml_fail(c, "the workbook has too many strings");
            return;
        }
        if (c->nstrs == c->cap_strs) {
            c->cap_strs = c->cap_strs ? c->cap_strs * 2 : 256;
            c->strs = ss_xrealloc(c->strs, c->cap_strs * sizeof *c->strs);
        }
        c->strs[c->nstrs++] = ss_xstrndup(c->text.data ? c->text.data : "", c->text.len);
    }
}

/* "G7" -> column 6 (and the row, ignored); -1 when malformed. */
static long col_of_ref(const char *ref)
{
    long col = 0;
    int k = 0;

    while (*ref >= 'A' && *ref <= 'Z' && k < 3) {
        col = col * 26 + (*ref - 'A' + 1);
        ref++;
        k++;
    }
    if (k == 0 || (*ref < '0' || *ref > '9'))
        return -1;
    return col - 1;
}

static void sh_start(void *ud, const char *name, const char **atts)
{
    struct xml_ctx *c = ud;
    const char *n = ss_xml_local(name), *a;

    if (strcmp(n, "row") == 0) {
        long rn = c->next_row;
        if ((a = ss_xml_attr(atts, "r")) && (ss_parse_long(a, &rn) || rn < 1 || rn > 1048576)) {
            xml_fail(c, "a row of the sheet has a malformed number");
            return;
        }
        if (rn < c->next_row) {
            xml_fail(c, "the rows of the sheet are out of order");
            return;
        }
        if (c->sheet->nrows > SS_MAX_LEDGER_ROWS) {
            xml_fail(c, "the sheet has more rows than a ledger allows");
            return;
        }
        c->row = add_row(c->sheet, &c->cap_rows, (int)rn);
        c->next_row = (int)rn + 1;
        c->next_col = 0;
    } else if (strcmp(n, "c") == 0) {
        if (!c->row) {
            xml_fail(c, "a cell of the sheet is outside any row");
            return;
        }
        c->col = c->next_col;
        if ((a = ss_xml_attr(atts, "r")) && (c->col = col_of_ref(a)) < 0) {
            xml_fail(c, "a cell of the sheet has a malformed reference");
            return;
        }
        c->next_col = c->col + 1;
        a = ss_xml_attr(atts, "t");
        snprintf(c->ctype, sizeof c->ctype, "%s", a ? a : "n");
        c->in_c = 1;
        ss_buf_reset(&c->text);
    } else if (c->in_c && (strcmp(n, "v") == 0 || strcmp(n, "t") == 0)) {
        c->collecting = 1;
    }
}

static void sh_end(void *ud, const char *name)
{
    struct xml_ctx *c = ud;
    const char *n = ss_xml_local(name);
    const char *v;

    if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0) {
        c->collecting = 0;
    } else if (strcmp(n, "c") == 0 && c->in_c) {
        c->in_c = 0;
        v = c->text.data ? c->text.data : "";
        if (strcmp(c->ctype, "s") == 0) {
            long idx;
            if (ss_parse_long(v, &idx) || idx < 0 || (size_t)idx >= c->nstrs) {
                xml_fail(c, "a cell points at a shared string that does not exist");
                return;
            }
            if (set_cell(c->sheet, c->row, (size_t)c->col, c->strs[idx], strlen(c->strs[idx])))
                xml_too_much(c);
        } else if (strcmp(c->ctype, "b") == 0) {
            if (set_cell(c->sheet, c->row, (size_t)c->col, v[0] == '1' ? "TRUE" : "FALSE",
                         v[0] ? 4 + (v[0] != '1') : 0))
                xml_too_much(c);
        } else if (set_cell(c->sheet, c->row, (size_t)c->col, v, c->text.len)) {
            xml_too_much(c);
        }
    } else if (strcmp(n, "row") == 0) {
        c->row = NULL;
    }
}

static int parse_xml(struct xml_ctx *c, const char *data, size_t len, XML_StartElementHandler s,
                     XML_EndElementHandler e, const char *part)
{
    return ss_xml_parse(&c->x, data, len, s, e, on_text, part);
}

int ss_sheet_read_xlsx(const char *data, size_t len, struct ss_sheet *out, struct ss_err *err)
{
    return ss_sheet_read_xlsx_nth(data, len, 1, out, err);
}

int ss_sheet_read_xlsx_nth(const char *data, size_t len, int nth, struct ss_sheet *out,
                           struct ss_err *err)
{
    char name[48];
    struct xml_ctx c;
    struct ss_zip *z = NULL;
    char *part = NULL;
    size_t plen, i;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    out->format = "xlsx";
    c.x.err = err;
    c.sheet = out;
    c.next_row = 1;
    ss_buf_init(&c.text, SS_MAX_LEDGER_CELL);
    if ((rc = ss_zip_open(data, len, "xlsx", "workbook", &z, err)))
        goto out;
    rc = ss_zip_part(z, "xl/sharedStrings.xml", SS_MAX_SHEET_XML, &part, &plen, err);
    if (rc == SS_OK)
        rc = parse_xml(&c, part, plen, ss_start, ss_end, "xl/sharedStrings.xml");
    else if (rc == SS_ENOTFOUND)
        rc = SS_OK; /* a sheet of numbers only has no shared strings */
    free(part);
    part = NULL;
    if (rc)
        goto out;
    snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", nth);
    rc = ss_zip_part(z, name, SS_MAX_SHEET_XML, &part, &plen, err);
    if (rc == SS_ENOTFOUND && nth == 1)
        rc = ss_err_set(err, SS_EINVAL, "file",
                        "the workbook has no first worksheet "
                        "(xl/worksheets/sheet1.xml)");
    else if (rc == SS_ENOTFOUND)
        rc = ss_err_set(err, SS_EINVAL, "file", "the workbook has no worksheet %d", nth);
    if (!rc)
        rc = parse_xml(&c, part, plen, sh_start, sh_end, "the worksheet");
    free(part);
    if (!rc && out->nrows > SS_MAX_LEDGER_ROWS + 1)
        rc = ss_err_set(err, SS_EINVAL, "file", "the sheet has more than %d rows",
                        SS_MAX_LEDGER_ROWS);
out:
    ss_zip_close(z);
    for (i = 0; i < c.nstrs; i++)
        free(c.strs[i]);
    free(c.strs);
    ss_buf_cleanup(&c.text);
    if (rc)
        ss_sheet_free(out);
    return rc;
}

/* ---- CSV ------------------------------------------------------------------------ */

struct csv_ctx {
    struct ss_sheet *sheet;
    size_t cap;
    struct ss_sheet_row *row;
    size_t col;
    int rn;
    int last_term; /* the character that ended the last line */
    int rc;
    struct ss_err *err;
};

static void csv_field(void *s, size_t n, void *ud)
{
    struct csv_ctx *c = ud;

    if (c->rc)
        return;
    if (!c->row) {
        if (c->sheet->nrows > SS_MAX_LEDGER_ROWS) {
            c->rc = ss_err_set(c->err, SS_EINVAL, "file", "the file has more than %d rows",
                               SS_MAX_LEDGER_ROWS);
            return;
        }
        c->row = add_row(c->sheet, &c->cap, ++c->rn);
        c->col = 0;
    }
    if (n > SS_MAX_LEDGER_CELL) {
        c->rc = ss_err_set(c->err, SS_EINVAL, "file", "row %d: a cell is longer than %d bytes",
                           c->rn, SS_MAX_LEDGER_CELL);
        return;
    }
    if (set_cell(c->sheet, c->row, c->col++, s, n))
        c->rc = ss_err_set(c->err, SS_EINVAL, "file", "row %d: " TOO_MUCH_TEXT, c->rn,
                           SS_MAX_SHEET_TEXT >> 20);
}

static void csv_row(int ch, void *ud)
{
    struct csv_ctx *c = ud;

    /* Called at every line end (CSV_REPALL_NL): a blank line still counts
     * as a row the user sees, but the \n of a \r\n does not. */
    if (!c->row) {
        if (ch == '\n' && c->last_term == '\r') {
            c->last_term = 0;
            return;
        }
        if (ch != -1)
            ++c->rn;
    }
    c->last_term = ch;
    c->row = NULL;
}

/* Convert GB18030 to UTF-8 (malloc'd). */
static int from_gb18030(const char *in, size_t n, char **out, size_t *outlen)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    size_t cap = n * 2 + 16, left = cap;
    char *buf, *ip = (char *)(uintptr_t)in, *op;
    size_t ileft = n;

    if (cd == (iconv_t)-1)
        return SS_EIO;
    buf = ss_xmalloc(cap + 1);
    op = buf;
    if (iconv(cd, &ip, &ileft, &op, &left) == (size_t)-1) {
        iconv_close(cd);
        free(buf);
        return SS_EINVAL;
    }
    iconv_close(cd);
    *op = '\0';
    *out = buf;
    *outlen = (size_t)(op - buf);
    return SS_OK;
}

int ss_sheet_enc_parse(const char *s, enum ss_sheet_enc *out)
{
    *out = SS_SHEET_AUTO;
    if (!s || !*s || strcasecmp(s, "auto") == 0)
        return SS_OK;
    if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0) {
        *out = SS_SHEET_UTF8;
        return SS_OK;
    }
    if (strcasecmp(s, "gb18030") == 0 || strcasecmp(s, "gbk") == 0 ||
        strcasecmp(s, "gb2312") == 0) {
        *out = SS_SHEET_GB18030;
        return SS_OK;
    }
    return SS_EINVAL;
}

/* How Chinese a valid UTF-8 text reads: CJK ideographs, CJK and full-width
 * punctuation (cjk), against other characters beyond ASCII (odd): Latin
 * letters with accents, IPA, Greek or Cyrillic, CJK extensions and
 * private use are what GB18030 bytes look like when read as UTF-8, and
 * UTF-8 bytes when read as GB18030. General punctuation (“” — …) counts
 * for neither. */
struct script {
    size_t cjk, odd;
};

static void classify(const char *s, size_t n, struct script *sc)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    sc->cjk = sc->odd = 0;
    while (i < n) {
        size_t k = ss_utf8_seq(p + i, n - i);
        uint32_t cp;

        if (k <= 1) {
            i += 1;
            continue;
        }
        cp = k == 2   ? (uint32_t)(p[i] & 0x1F) << 6 | (p[i + 1] & 0x3F)
             : k == 3 ? (uint32_t)(p[i] & 0x0F) << 12 | (uint32_t)(p[i + 1] & 0x3F) << 6 |
                            (p[i + 2] & 0x3F)
                      : 0x10000;
        if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3000 && cp <= 0x303F) ||
            (cp >= 0xFF00 && cp <= 0xFFEF))
            sc->cjk++;
        else if (!(cp >= 0x2000 && cp <= 0x206F))
            sc->odd++;
        i += k;
    }
}

/* 1 when all of s is ASCII. */
static int ascii_only(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* Decode data as enc (or detect it) into UTF-8: *text points at data
 * itself or at *conv (malloc'd, caller frees). */
static int decode_csv(const char *data, size_t len, enum ss_sheet_enc enc, const char **text,
                      size_t *tlen, char **conv, const char **format, struct ss_err *err)
{
    int u8 = ss_utf8_valid(data, len), gb = 0, rc = SS_OK;
    size_t clen = 0;

    *conv = NULL;
    *text = data;
    *tlen = len;
    *format = "csv (UTF-8)";
    if (enc == SS_SHEET_UTF8) {
        if (!u8)
            return ss_err_set(err, SS_EINVAL, "encoding",
                              "the file is not valid UTF-8; choose GB18030 or let it be detected");
        return SS_OK;
    }
    if ((enc == SS_SHEET_AUTO && (!u8 || !ascii_only(data, len))) || enc == SS_SHEET_GB18030) {
        rc = from_gb18030(data, len, conv, &clen);
        if (rc == SS_EIO) {
            free(*conv);
            *conv = NULL;
            return ss_err_set(err, SS_EIO, "file", "GB18030 conversion is not available");
        }
        gb = rc == SS_OK && ss_utf8_valid(*conv, clen);
    }
    if (enc == SS_SHEET_GB18030 && !gb) {
        free(*conv);
        *conv = NULL;
        return ss_err_set(err, SS_EINVAL, "encoding",
                          "the file is not valid GB18030; choose UTF-8 or let it be detected");
    }
    if (gb && u8 && enc == SS_SHEET_AUTO) { /* both readings are valid: which is Chinese? */
        struct script a, b;
        classify(data, len, &a);
        classify(*conv, clen, &b);
        if (!(b.odd < a.odd || (b.odd == a.odd && a.cjk == 0 && b.cjk > 0)))
            gb = 0;
    }
    if (!gb && !u8) {
        free(*conv);
        *conv = NULL;
        return ss_err_set(err, SS_EINVAL, "file",
                          "the file is neither UTF-8 nor GB18030 text; save it as CSV or .xlsx");
    }
    if (!gb) {
        free(*conv);
        *conv = NULL;
        return SS_OK;
    }
    *text = *conv;
    *tlen = clen;
    *format = "csv (GB18030)";
    return SS_OK;
}

int ss_sheet_read_csv(const char *data, size_t len, enum ss_sheet_enc enc, struct ss_sheet *out,
                      struct ss_err *err)
{
    struct csv_parser p;
    struct csv_ctx c;
    char *conv = NULL;
    int rc = SS_OK;

    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    c.sheet = out;
    c.err = err;
    if (len > SS_HTTP_MAX_UPLOAD)
        return ss_err_set(err, SS_EINVAL, "file", "the file is larger than %u MiB",
                          SS_HTTP_MAX_UPLOAD >> 20);
    if (len >= 2 && (((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE) ||
                     ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF)))
        return ss_err_set(err, SS_EINVAL, "file",
                          "the file is UTF-16 (Excel's \"Unicode text\"); save it as CSV "
                          "(UTF-8 or the default Chinese encoding) or as .xlsx");
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 && enc != SS_SHEET_GB18030) {
        data += 3;
        len -= 3;
        enc = SS_SHEET_UTF8;
    }
    if ((rc = decode_csv(data, len, enc, &data, &len, &conv, &out->format, err)))
        return rc;
    if (memchr(data, '\0', len)) {
        free(conv);
        return ss_err_set(err, SS_EINVAL, "file", "the file holds NUL bytes: it is not CSV text");
    }
    if (csv_init(&p, CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
        free(conv);
        return ss_err_set(err, SS_EIO, "file", "out of memory for the CSV parser");
    }
    if (csv_parse(&p, data, len, csv_field, csv_row, &c) != len && !c.rc)
        c.rc = ss_err_set(err, SS_EINVAL, "file", "the CSV is malformed: %s",
                          csv_strerror(csv_error(&p)));
    if (!c.rc)
        csv_fini(&p, csv_field, csv_row, &c);
    csv_free(&p);
    free(conv);
    rc = c.rc;
    if (rc)
        ss_sheet_free(out);
    return rc;
}

int ss_sheet_read_as(const char *data, size_t len, enum ss_sheet_enc enc, struct ss_sheet *out,
                     struct ss_err *err)
{
    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
        return ss_sheet_read_xlsx(data, len, out, err);
    return ss_sheet_read_csv(data, len, enc, out, err);
}

int ss_sheet_read(const char *data, size_t len, struct ss_sheet *out, struct ss_err *err)
{
    return ss_sheet_read_as(data, len, SS_SHEET_AUTO, out, err);
}
