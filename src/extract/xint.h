/*
 * xint.h - internals shared by the extractor's files; not part of the API.
 *
 * The pipeline: decode.c turns the input bytes into normalised UTF-8 (a
 * struct xdoc, which remembers where each byte came from so target texts can
 * be quoted verbatim); segment.c finds the announcement in it and cuts the
 * list into items; numbers.c reads one quantity (numeral, 万/亿, 余/多, unit);
 * targets.c decides which quantities of an item are targets; extract.c ties
 * them together and owns the public plan.
 *
 * All positions are byte offsets into xdoc.s and always sit on UTF-8
 * character boundaries. Ranges are half-open [b, e).
 */
#ifndef SS_XINT_H
#define SS_XINT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"

struct xdoc {
    char *s; /* normalised UTF-8, NUL-terminated */
    size_t n;
    char *orig; /* decoded UTF-8 before normalisation */
    size_t norig;
    size_t *map; /* map[i]: offset in orig of s[i]; map[n] == norig */
    int from_gb; /* decoded from GB18030 */
    int from_html;
    int from_trad; /* 1 converted from traditional script; -1 it was, but OpenCC failed */
};

/* decode.c */
int ss_xdoc_load(struct xdoc *d, const char *text, size_t len, struct ss_err *err);
void ss_xdoc_cleanup(struct xdoc *d);
/* Copy of the original text behind s[b..e) (caller frees), as written but
 * in simplified script when the text was converted. */
char *ss_xdoc_orig(const struct xdoc *d, size_t b, size_t e);

/* numbers.c: one quantity as written. */
struct xqty {
    size_t b, e;   /* the whole quantity: numeral .. unit .. trailing op word */
    size_t nb, ne; /* the numeral alone */
    size_t ub, ue; /* the unit; ub == ue when none is written */
    double value;  /* multiplied out */
    int chinese;   /* numeral in Chinese characters */
    int single_yi; /* the numeral is the lone character 一 */
    int mult;      /* a 万/亿/千/百 multiplier was written (or inside a Chinese numeral) */
    int approx;    /* 余 or 多 was written: "at least" */
    int time_unit; /* the unit is a duration (分钟, 天, ...) */
    int percent;   /* unit is % or ‰ */
    int post_op;   /* 1 ">=", 2 "<=", 0 none (以上/以下/以内 after the unit) */
    int free_unit; /* the unit is not a known measure word but the text after the number */
};

/* 1 if a numeral (Arabic, full-width already folded, or Chinese) starts at i. */
int ss_xnum_starts(const char *s, size_t i, size_t end);
/* Read the quantity whose numeral starts at i. Returns 1 and fills q, or 0
 * when there is no numeral at i; q->ne is then still the end of whatever
 * numeral-like run was seen (so the caller can skip it). */
int ss_xqty_read(const char *s, size_t i, size_t end, struct xqty *q);
/* Parse a Chinese numeral s[b..e) (一 十五 两千 三百六十 二〇二六). -1 if not one. */
double ss_xnum_chinese(const char *s, size_t b, size_t e);
/* Round away binary noise from 1.2 * 10000 and the like. */
double ss_xnum_tidy(double v);

/* targets.c */
struct xtgt {
    size_t cb;     /* start of its clause (targets sharing it share cb) */
    size_t tb, te; /* the text that states it */
    size_t mb, me; /* metric */
    struct xqty q;
    char op[3];
    long parent;
    char *unit; /* owned */
};

struct xtgts {
    struct xtgt *v;
    size_t n, cap;
};

/* Find the targets of the item s[b..e), appending to out. */
void ss_xtargets_find(const char *s, size_t b, size_t e, struct xtgts *out);
void ss_xtgts_cleanup(struct xtgts *t);
/* Number of targets in s[b..e) (used to tell a heading from a sentence). */
size_t ss_xtargets_count(const char *s, size_t b, size_t e);

/* A line of the text, trimmed of spaces at both ends. */
struct xline {
    size_t b, e;
};

/* segment.c */
struct xitem {
    int no;
    size_t b, e;   /* the item's text, marker excluded */
    size_t hb, he; /* its title */
};

struct xseg {
    struct xitem *items;
    size_t nitems;
    size_t title_b, title_e; /* the plan title, trimmed; equal when none */
    size_t issuer_b, issuer_e;
    int year;
    char published[11]; /* YYYY-MM-DD or "" */
    int stated_count;   /* "十件" in the title or intro, 0 when not stated */
    int numbered;       /* the list had heading markers */
    int fallback;       /* no list recognised: every paragraph with a target is an item */
};

void ss_xseg_find(const char *s, size_t n, struct xseg *seg);
void ss_xseg_cleanup(struct xseg *seg);

/* meta.c: the plan's own facts */
/* A date in s[b..e): fills y/mo/d and its extent; 0 when none. */
int ss_xfind_date(const char *s, size_t b, size_t e, int *y, int *mo, int *d, size_t *db,
                  size_t *de);
/* The first year (2026年) in s[b..e), or 0. */
int ss_xfind_year(const char *s, size_t b, size_t e);
/* A line that is only a date (allowing brackets). */
int ss_xis_date_line(const char *s, size_t b, size_t e);
/* A short line naming an organisation (…人民政府, …委员会). */
int ss_xis_signature(const char *s, size_t b, size_t e);
/* The plan title inside a heading line: 关于发布X的公告 -> X. */
void ss_xplan_title(const char *s, size_t b, size_t e, size_t *tb, size_t *te);
/* The heading line among lines[from..nl), or (size_t)-1. */
size_t ss_xfind_title_line(const char *s, const struct xline *lines, size_t from, size_t nl);
/* The count of projects stated in s[b..e) (十件民生实事), or 0. */
int ss_xstated_count(const char *s, size_t b, size_t e);
/* Issuer and date from the signature block after lines[from]. */
void ss_xsignature(const char *s, const struct xline *lines, size_t nl, size_t from,
                   struct xseg *seg);

/* ---- small UTF-8 helpers, shared by the files above ---- */

/* Decode the code point at s[i] (valid UTF-8 assumed); *len gets its size. */
static inline uint32_t xcp(const char *s, size_t i, size_t end, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t n = end - i;

    if (n == 0) {
        *len = 0;
        return 0;
    }
    if (u[0] < 0x80 || n < 2) {
        *len = 1;
        return u[0];
    }
    if (u[0] < 0xE0) {
        *len = 2;
        return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    }
    if (u[0] < 0xF0 || n < 4) {
        if (n < 3) {
            *len = 1;
            return u[0];
        }
        *len = 3;
        return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    }
    *len = 4;
    return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
           ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
}

/* Start of the character before position i (i > lo). */
static inline size_t xprev(const char *s, size_t lo, size_t i)
{
    if (i <= lo)
        return lo;
    i--;
    while (i > lo && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* Length of lit if s[i..end) starts with it, else 0. */
static inline size_t xat(const char *s, size_t i, size_t end, const char *lit)
{
    size_t n = strlen(lit);

    return (n <= end - i && memcmp(s + i, lit, n) == 0) ? n : 0;
}

/* Length of lit if s[lo..i) ends with it, else 0. */
static inline size_t xbefore(const char *s, size_t lo, size_t i, const char *lit)
{
    size_t n = strlen(lit);

    return (n <= i - lo && memcmp(s + i - n, lit, n) == 0) ? n : 0;
}

/* Longest entry of a NULL-terminated list that s[i..end) starts with. */
static inline size_t xat_any(const char *s, size_t i, size_t end, const char *const *list)
{
    size_t best = 0, n;

    if (i >= end)
        return 0;
    for (; *list; list++) /* the first byte rules most entries out */
        if ((*list)[0] == s[i] && (n = xat(s, i, end, *list)) > best)
            best = n;
    return best;
}

/* 1 if s[b..e) contains lit. */
static inline int xhas(const char *s, size_t b, size_t e, const char *lit)
{
    size_t n = strlen(lit), i;

    for (i = b; i + n <= e; i++)
        if (memcmp(s + i, lit, n) == 0)
            return 1;
    return 0;
}

static inline int xis_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static inline int xis_alpha(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int xis_cjk(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

/* Clause boundaries: , ; : ! ? 。 and line ends (full-width forms are
 * folded to ASCII by decode.c). */
static inline int xis_clause_end(uint32_t c)
{
    return c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n' ||
           c == '\t' /* a table's cells, copied as text */ || c == 0x3002 /* 。 */;
}

static inline int xis_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* A bullet (● ■ ◆ ★ • …) and the spaces after it at s[b], or 0. */
static inline size_t xbullet(const char *s, size_t b, size_t e)
{
    static const uint32_t B[] = {0x25CF, 0x25CB, 0x25A0, 0x25A1, 0x25C6, 0x25C7,
                                 0x25B2, 0x25B3, 0x25BA, 0x25B6, 0x2022, 0x00B7,
                                 0x2605, 0x2606, 0x203B, 0x2714, 0x221A};
    size_t len, i, k;
    uint32_t c;

    if (b >= e)
        return 0;
    c = xcp(s, b, e, &len);
    for (k = 0; k < sizeof B / sizeof B[0]; k++)
        if (c == B[k])
            break;
    if (k == sizeof B / sizeof B[0])
        return 0;
    for (i = b + len; i < e && (s[i] == ' ' || s[i] == '\t'); i++)
        ;
    return i - b;
}

/* A bracketed heading 【托育】 at s[b] (at most 12 characters inside): its
 * length with the brackets, the inside in [*hb, *he); else 0. */
static inline size_t xbracket_head(const char *s, size_t b, size_t e, size_t *hb, size_t *he)
{
    size_t i, len, open, n = 0;

    if (b >= e || xcp(s, b, e, &open) != 0x3010 /* 【 */)
        return 0;
    for (i = b + open; i < e && n <= 12; i += len, n++)
        if (xcp(s, i, e, &len) == 0x3011 /* 】 */) {
            *hb = b + open;
            *he = i;
            for (i += len; i < e && s[i] == ' '; i++)
                ;
            return i - b;
        }
    return 0;
}

/* Number of characters in s[b..e). */
static inline size_t xnchars(const char *s, size_t b, size_t e)
{
    size_t n = 0, len;

    while (b < e) {
        xcp(s, b, e, &len);
        b += len;
        n++;
    }
    return n;
}

static inline int xhas_clause_punct(const char *s, size_t b, size_t e)
{
    size_t len;

    while (b < e) {
        uint32_t c = xcp(s, b, e, &len);
        if (xis_clause_end(c) || c == 0x3001 /* 、 */)
            return 1;
        b += len;
    }
    return 0;
}

static inline int xhas_digit(const char *s, size_t b, size_t e)
{
    for (; b < e; b++)
        if (xis_digit((unsigned char)s[b]))
            return 1;
    return 0;
}

#endif
