/*
 * escape.c - context-specific escaping and UTF-8 checks.
 */
#include "base/escape.h"

#include <stdio.h>
#include <string.h>

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

size_t ss_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len, i;
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    return len;
}

int ss_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;

    while (i < n) {
        k = ss_utf8_seq(p + i, n - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

size_t ss_utf8_len(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k, count = 0;

    while (i < n) {
        k = ss_utf8_seq(p + i, n - i);
        i += k ? k : 1;
        count++;
    }
    return count;
}

/* Walk s; for each code point call out the replacement from `map`, or copy
 * it. Returns nothing: errors live in the buffer. */
typedef const char *(*esc_fn)(unsigned char c, char tmp[8]);

static void escape_with(struct ss_buf *b, const char *s, size_t n, esc_fn fn)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0, k;
    char tmp[8];
    const char *rep;

    while (i < n) {
        if (p[i] < 0x80) {
            rep = fn(p[i], tmp);
            if (rep) {
                ss_buf_put(b, s + run, i - run);
                ss_buf_puts(b, rep);
                run = ++i;
            } else {
                i++;
            }
            continue;
        }
        k = ss_utf8_seq(p + i, n - i);
        if (!k) {
            ss_buf_put(b, s + run, i - run);
            ss_buf_puts(b, REPLACEMENT);
            run = ++i;
            continue;
        }
        i += k;
    }
    ss_buf_put(b, s + run, n - run);
}

static const char *html_map(unsigned char c, char tmp[8])
{
    (void)tmp;
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    case 0:
        return "";
    default:
        return NULL;
    }
}

void ss_esc_html(struct ss_buf *b, const char *s, size_t n)
{
    escape_with(b, s, n, html_map);
}

void ss_esc_attr(struct ss_buf *b, const char *s, size_t n)
{
    escape_with(b, s, n, html_map);
}

static const char *xml_map(unsigned char c, char tmp[8])
{
    if (c < ' ' && c != '\t' && c != '\n' && c != '\r')
        return REPLACEMENT;
    return html_map(c, tmp);
}

void ss_esc_xml(struct ss_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, from = 0;

    /* U+FFFE and U+FFFF (EF BF BE, EF BF BF) are valid UTF-8 but not XML:
     * the text between them goes through the map */
    for (; i + 2 < n; i++) {
        if (p[i] == 0xEF && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF)) {
            escape_with(b, s + from, i - from, xml_map);
            ss_buf_puts(b, REPLACEMENT);
            from = i + 3;
            i += 2;
        }
    }
    escape_with(b, s + from, n - from, xml_map);
}

static const char *json_map(unsigned char c, char tmp[8])
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    case '<':
        return "\\u003c";
    default:
        if (c < 0x20 || c == 0x7F) {
            snprintf(tmp, 8, "\\u%04x", c);
            return tmp;
        }
        return NULL;
    }
}

void ss_esc_json(struct ss_buf *b, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    const unsigned char *p = (const unsigned char *)s;

    /* U+2028 / U+2029 are valid JSON but break JavaScript string literals. */
    while (i + 2 < n) {
        if (p[i] == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
            escape_with(b, s + run, i - run, json_map);
            ss_buf_puts(b, p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
            i += 3;
            run = i;
        } else {
            i++;
        }
    }
    escape_with(b, s + run, n - run, json_map);
}

static const char *csv_map(unsigned char c, char tmp[8])
{
    (void)tmp;
    return c == 0 ? "" : NULL;
}

static const char *csv_quoted_map(unsigned char c, char tmp[8])
{
    (void)tmp;
    return c == '"' ? "\"\"" : c == 0 ? "" : NULL;
}

int ss_esc_formula_risky(const char *s, size_t n)
{
    size_t i;

    if (!n || !s[0] || !strchr("=+-@\t\r", s[0]))
        return 0;
    if (s[0] == '-' && n > 1) { /* a number like -5 is data, not a formula */
        for (i = 1; i < n; i++)
            if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
                return 1;
        return 0;
    }
    return 1;
}

void ss_esc_csv(struct ss_buf *b, const char *s, size_t n)
{
    size_t i;
    int quote = 0;

    for (i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (ss_esc_formula_risky(s, n))
        quote = 2;
    if (!quote) {
        escape_with(b, s, n, csv_map);
        return;
    }
    ss_buf_putc(b, '"');
    if (quote == 2)
        ss_buf_putc(b, '\'');
    escape_with(b, s, n, csv_quoted_map);
    ss_buf_putc(b, '"');
}

static const char *log_map(unsigned char c, char tmp[8])
{
    if (c == '"' || c == '\\' || c < 0x20 || c == 0x7F) {
        snprintf(tmp, 8, "\\x%02x", c);
        return tmp;
    }
    return NULL;
}

void ss_esc_log(struct ss_buf *b, const char *s, size_t n)
{
    escape_with(b, s, n, log_map);
}
