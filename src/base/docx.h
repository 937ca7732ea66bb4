/*
 * docx.h - the text of a Word document (.docx): word/document.xml read
 * with libzip and expat (base/zipxml.h), as an announcement circulated as
 * a Word file reaches the extractor.
 *
 * What comes out is UTF-8 text, one line per paragraph (<w:p>); a table
 * row (<w:tr>) is one line with its cells separated by tabs, the shape
 * the extractor gives an HTML table's rows (extract/decode.c), so a
 * clause never runs from one column into the next; paragraphs inside one
 * cell are joined by a space. <w:tab/> is a tab, <w:br/> and <w:cr/> a
 * line break. Deleted text of tracked changes (<w:delText>), field codes
 * (<w:instrText>) and everything outside the body's text runs are left
 * out.
 *
 * Limits (base/limits.h): the file at most SS_MAX_DOCX bytes, the XML part
 * at most SS_MAX_DOCX_XML unzipped, the text at most SS_MAX_TEXT_FILE; a
 * document over any of them, not a zip, without word/document.xml or not
 * well-formed is refused (SS_EINVAL, field "file", a sentence saying
 * what is wrong), never half read.
 */
#ifndef SS_DOCX_H
#define SS_DOCX_H

#include <stddef.h>

#include "base/err.h"

/* 1 if data starts like a zip file (a .docx or .xlsx). */
int ss_docx_sniff(const char *data, size_t len);

/* The document's text into *out (NUL-terminated, the caller frees), *len
 * bytes. On failure *out is NULL. */
int ss_docx_text(const char *data, size_t len, char **out, size_t *len_out, struct ss_err *err);

/* An announcement as a person hands it over: the text of a .docx (told by
 * its first bytes), else a copy of the bytes as they are (text or HTML,
 * which the extractor decodes). *out is the caller's; *was_docx (may be
 * NULL) says which. Text over SS_MAX_TEXT_FILE is refused (SS_EINVAL). */
int ss_docx_or_text(const char *data, size_t len, char **out, size_t *len_out, int *was_docx,
                    struct ss_err *err);

#endif
