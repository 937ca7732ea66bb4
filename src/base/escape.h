/*
 * escape.h - one escaping function per output context.
 *
 * Every string that leaves shishi goes through exactly one of these for the
 * place it lands. Invalid UTF-8 is replaced by U+FFFD everywhere, so no
 * output ever carries bytes a browser or a spreadsheet could misread.
 */
#ifndef SS_ESCAPE_H
#define SS_ESCAPE_H

#include <stddef.h>

#include "base/buf.h"

/* HTML text content: & < > " ' escaped. */
void ss_esc_html(struct ss_buf *b, const char *s, size_t n);
/* HTML attribute value (always double-quoted by the caller). */
void ss_esc_attr(struct ss_buf *b, const char *s, size_t n);
/* XML 1.0 text or attribute value (Atom feeds): & < > " ' escaped, and
 * what XML 1.0 cannot hold at all (C0 controls but tab, LF and CR;
 * U+FFFE, U+FFFF) replaced by U+FFFD, as invalid UTF-8 is. */
void ss_esc_xml(struct ss_buf *b, const char *s, size_t n);
/* JSON string body, without the surrounding quotes. Escapes "<" and
 * U+2028/2029 too, so JSON can sit inside HTML safely. */
void ss_esc_json(struct ss_buf *b, const char *s, size_t n);
/* One CSV cell, quoted when needed; a cell ss_esc_formula_risky finds is
 * defused with a leading apostrophe so a spreadsheet never runs it as a
 * formula. */
void ss_esc_csv(struct ss_buf *b, const char *s, size_t n);
/* 1 if a spreadsheet could read the text as a formula: it starts with
 * = + - @, a tab or a carriage return (a plain negative number like -5
 * is data and is not). Spreadsheet writers (CSV and XLSX, base/table.c)
 * put an apostrophe before such a cell. */
int ss_esc_formula_risky(const char *s, size_t n);
/* A value in a log line: control characters and quotes escaped. */
void ss_esc_log(struct ss_buf *b, const char *s, size_t n);

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
size_t ss_utf8_seq(const unsigned char *s, size_t n);
/* 1 if all of s is valid UTF-8. */
int ss_utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 (invalid bytes count one each). */
size_t ss_utf8_len(const char *s, size_t n);

#endif
