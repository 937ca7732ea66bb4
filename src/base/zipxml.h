/*
 * zipxml.h - what the Office readers share: an in-memory zip, one part of
 * it unzipped under a cap, and an expat parse that a handler can stop
 * with a sentence. sheet.c reads .xlsx with them, docx.c .docx.
 *
 * The zip directory's sizes are not trusted: a part is read until it ends
 * or the caller's cap is passed (then refused, never truncated). expat
 * never fetches external entities, and parameter entities are off.
 * Errors are on field "file" and name the part.
 */
#ifndef SS_ZIPXML_H
#define SS_ZIPXML_H

#include <expat.h>
#include <stddef.h>

#include "base/err.h"

struct ss_zip;

/* Open data[0..len) (not copied: it must outlive the zip) as a zip; kind
 * and noun say what it should be in messages ("xlsx", "workbook"). More
 * than SS_HTTP_MAX_UPLOAD bytes or a damaged zip is SS_EINVAL. */
int ss_zip_open(const char *data, size_t len, const char *kind, const char *noun,
                struct ss_zip **out, struct ss_err *err);
void ss_zip_close(struct ss_zip *z);
/* Unzip part `name` into *out (NUL-terminated, the caller frees) of *len
 * bytes, at most max; SS_ENOTFOUND (err untouched) when there is no such
 * part, SS_EINVAL when it is larger or corrupt. */
int ss_zip_part(struct ss_zip *z, const char *name, size_t max, char **out, size_t *len,
                struct ss_err *err);

/* An XML parse: embed it first in the handlers' context, whose address is
 * the handlers' user data. */
struct ss_xml {
    XML_Parser p;
    struct ss_err *err;
    int rc; /* the first failure; a handler sets it with ss_xml_fail */
};

/* Record msg as the failure (the first one wins) and stop the parse. */
void ss_xml_fail(struct ss_xml *x, const char *msg);
/* Local name of a possibly prefixed element or attribute ("w:p" -> "p"). */
const char *ss_xml_local(const char *name);
/* The value of attribute `name` (local name) in atts, or NULL. */
const char *ss_xml_attr(const char **atts, const char *name);
/* Parse data with the handlers (text may be NULL); x->rc, or SS_EINVAL
 * naming `part` when it is not well-formed XML. */
int ss_xml_parse(struct ss_xml *x, const char *data, size_t len, XML_StartElementHandler start,
                 XML_EndElementHandler end, XML_CharacterDataHandler text, const char *part);

#endif
