/*
 * meta.c - the plan's own facts: its title (from the heading 关于发布…民生实事
 * 的公告), the count it states (十件), its year, the issuer (the signature
 * line) and the date (2026年2月9日, 二〇二五年二月十八日, 2025-01-10).
 */
#include <stdlib.h>

#include "base/date.h"
#include "base/util.h"
#include "extract/xint.h"

int ss_xis_signature(const char *s, size_t b, size_t e)
{
    static const char *const ORG[] = {"政府", "委员会", "办公室", "办公厅", "常委会", "人大",
                                      "政协", "局",     "厅",     "委",     "办",     NULL};
    size_t k;

    if (b >= e || xnchars(s, b, e) > 30 || xhas_digit(s, b, e) || xhas_clause_punct(s, b, e))
        return 0;
    for (k = 0; ORG[k]; k++)
        if (xbefore(s, b, e, ORG[k]))
            return 1;
    return 0;
}

int ss_xis_date_line(const char *s, size_t b, size_t e)
{
    int y, mo, d;
    size_t db, de;

    if (!ss_xfind_date(s, b, e, &y, &mo, &d, &db, &de))
        return 0;
    return xnchars(s, b, db) + xnchars(s, de, e) <= 2;
}

/* ---- dates ---- */

/* A numeral at i: Arabic digits or Chinese (二〇二六, 十二); value and end. */
static int date_num(const char *s, size_t i, size_t e, int *v, size_t *end)
{
    size_t j = i;
    static const char *const CN[] = {"〇", "零", "一", "二", "三", "四", "五",
                                     "六", "七", "八", "九", "十", NULL};
    double d;

    if (i < e && xis_digit((unsigned char)s[i])) {
        int x = 0;
        while (j < e && xis_digit((unsigned char)s[j]) && j - i < 4)
            x = x * 10 + (s[j++] - '0');
        *v = x;
        *end = j;
        return 1;
    }
    while (j < e && j - i < 18 && xat_any(s, j, e, CN))
        j += 3;
    if (j == i || (d = ss_xnum_chinese(s, i, j)) < 0)
        return 0;
    *v = (int)d;
    *end = j;
    return 1;
}

int ss_xfind_date(const char *s, size_t b, size_t e, int *y, int *mo, int *d, size_t *db,
                  size_t *de)
{
    size_t i, len;

    for (i = b; i < e; i += len) {
        size_t j, k;
        int yy, mm, dd;
        xcp(s, i, e, &len);
        if (!date_num(s, i, e, &yy, &j) || yy < 1990 || yy > 2100)
            continue;
        if ((k = xat(s, j, e, "年"))) {
            j += k;
            if (!date_num(s, j, e, &mm, &j) || !(k = xat(s, j, e, "月")))
                continue;
            j += k;
            if (!date_num(s, j, e, &dd, &j) ||
                !((k = xat(s, j, e, "日")) || (k = xat(s, j, e, "号"))))
                continue;
            j += k;
        } else if (j < e && (s[j] == '-' || s[j] == '/' || s[j] == '.')) {
            char sep = s[j];
            if (!date_num(s, j + 1, e, &mm, &j) || j >= e || s[j] != sep ||
                !date_num(s, j + 1, e, &dd, &j))
                continue;
        } else {
            continue;
        }
        if (mm < 1 || mm > 12 || dd < 1 || dd > ss_days_in_month(yy, mm))
            continue; /* 二月三十日 is no date (found by fuzzing: import refused it) */
        *y = yy;
        *mo = mm;
        *d = dd;
        *db = i;
        *de = j;
        return 1;
    }
    return 0;
}

/* First year (19xx/20xx followed by 年) in s[b..e), or 0. */
int ss_xfind_year(const char *s, size_t b, size_t e)
{
    size_t i, j, len;
    int v;

    for (i = b; i < e; i += len) {
        xcp(s, i, e, &len);
        if (date_num(s, i, e, &v, &j) && v >= 1990 && v <= 2100 && xat(s, j, e, "年"))
            return v;
    }
    return 0;
}

/* ---- the plan's title ---- */

/* A site's headline bracket 【权威发布】, 「聚焦两会」 … at s[b]: the index of
 * the pair in OPEN/CLOSE and the position after its close, or -1. */
static const uint32_t HB_OPEN[] = {0x3010 /* 【 */, 0x300C /* 「 */, 0x300E /* 『 */,
                                   0x3014 /* 〔 */, 0x3016 /* 〖 */, '['};
static const uint32_t HB_CLOSE[] = {0x3011, 0x300D, 0x300F, 0x3015, 0x3017, ']'};

static int headline_bracket(const char *s, size_t b, size_t e, size_t *after)
{
    size_t len, i, n = 0;
    uint32_t c = b < e ? xcp(s, b, e, &len) : 0;
    int k;

    for (k = 0; k < (int)SS_ARRAY_LEN(HB_OPEN); k++)
        if (c == HB_OPEN[k])
            break;
    if (k == (int)SS_ARRAY_LEN(HB_OPEN))
        return -1;
    for (i = b + len; i < e && n < 40; i += len, n++)
        if (xcp(s, i, e, &len) == HB_CLOSE[k]) {
            *after = i + len;
            return k;
        }
    return -1;
}

/* The headline without the site's brackets: a kicker in front (【权威发布】X)
 * goes, a headline wholly in brackets (「X」) loses them. */
static void strip_brackets(const char *s, size_t *b, size_t *e)
{
    size_t after, len;

    while (*b < *e && headline_bracket(s, *b, *e, &after) >= 0) {
        if (after < *e) {
            *b = after;
        } else {
            xcp(s, *b, *e, &len);
            *b += len;
            *e = xprev(s, *b, *e);
        }
        while (*b < *e && s[*b] == ' ')
            (*b)++;
    }
}

void ss_xplan_title(const char *s, size_t b, size_t e, size_t *tb, size_t *te)
{
    size_t j;

    strip_brackets(s, &b, &e);
    for (j = b; j < e; j++)
        if ((s[j] == '!' || s[j] == ':' || s[j] == '?') && !xhas(s, b, j, "关于"))
            b = j + 1;
    while (b < e && s[b] == ' ')
        b++;
    static const char *const VERBS[] = {"发布", "公布", "印发", "下达", "实施", "做好",
                                        "办好", "确定", "公开", "推进", "征集", NULL};
    static const char *const TAILS[] = {"的公告", "的通知", "的决定", "的意见", "的通告", "的报告",
                                        "的函",   "的批复", "的公示", "公示",   "公告",   "通知",
                                        "通告",   "公布",   "出炉",   "发布",   NULL};
    size_t i, n, k;

    for (i = b; i + 6 <= e; i++)
        if (xat(s, i, e, "关于")) {
            b = i + 6;
            break;
        }
    for (;;) {
        if ((n = xat_any(s, b, e, VERBS)))
            b += n;
        else if ((n = xat(s, b, e, "《")) || (n = xat(s, b, e, "“")))
            b += n;
        else
            break;
    }
    for (;;) {
        int cut = 0;
        for (k = 0; TAILS[k] && !cut; k++)
            if ((n = xbefore(s, b, e, TAILS[k]))) {
                e -= n;
                cut = 1;
            }
        if (!cut && ((n = xbefore(s, b, e, "》")) || (n = xbefore(s, b, e, "”"))))
            e -= n, cut = 1;
        if (!cut)
            break;
    }
    *tb = b;
    *te = e;
}

size_t ss_xfind_title_line(const char *s, const struct xline *lines, size_t from, size_t nl)
{
    size_t l;

    for (l = from; l < nl; l++) {
        size_t b = lines[l].b, e = lines[l].e;
        if (b < e && xhas(s, b, e, "关于") && xnchars(s, b, e) <= 100 &&
            !xhas(s, b, e, "\xE3\x80\x82") &&
            (xhas(s, b, e, "实事") || xhas(s, b, e, "民生") || xhas(s, b, e, "项目") ||
             xhas(s, b, e, "工程")))
            return l;
    }
    for (l = from; l < nl && from == 0; l++) {
        size_t b = lines[l].b, e = lines[l].e;
        if (b < e && (xhas(s, b, e, "实事") || xhas(s, b, e, "民生工程")) &&
            xnchars(s, b, e) <= 50 && !xhas(s, b, e, "\xE3\x80\x82") && !xhas(s, b, e, ";") &&
            !xhas(s, b, e, ","))
            return l;
    }
    return (size_t)-1;
}

/* "十件民生实事" / "10项民生实事" in s[b..e): the count, or 0. */
int ss_xstated_count(const char *s, size_t b, size_t e)
{
    static const char *const NOUN[] = {"实事", "民生", "工程", "项目", NULL};
    size_t i, len;

    for (i = b; i < e; i += len) {
        struct xqty q;
        xcp(s, i, e, &len);
        if (!ss_xnum_starts(s, i, e))
            continue;
        if (!ss_xqty_read(s, i, e, &q)) {
            if (q.ne > i)
                len = q.ne - i;
            continue;
        }
        if (q.value >= 1 && q.value <= 99 && q.value == (int)q.value) {
            size_t j = q.ue > q.ub ? q.ue : q.ne, k;
            int unit_ok = xat(s, q.ub, q.ue, "件") || xat(s, q.ub, q.ue, "项") ||
                          (q.ue - q.ub == 3 && xat(s, q.ub, q.ue, "个")) ||
                          (q.ue == q.ub && xat(s, j, e, "大"));
            if (q.ue == q.ub && xat(s, j, e, "大"))
                j += 3;
            /* 民生实事项目8项: the noun comes first */
            if ((xat(s, q.ub, q.ue, "件") || xat(s, q.ub, q.ue, "项")) && q.b >= b + 6 &&
                (xbefore(s, b, q.b, "实事") || xbefore(s, b, q.b, "项目") ||
                 xbefore(s, b, q.b, "工程")))
                return (int)q.value;
            for (k = 0; unit_ok && k < 4 && j < e; k++) {
                if (xat_any(s, j, e, NOUN))
                    return (int)q.value;
                xcp(s, j, e, &len);
                j += len;
            }
        }
        if (q.ne > i)
            len = q.ne - i;
    }
    return 0;
}

/* Issuer and date: the signature and date lines after the list. */
void ss_xsignature(const char *s, const struct xline *lines, size_t nl, size_t from,
                   struct xseg *seg)
{
    size_t l, seen = 0, prev = (size_t)-1, sig = (size_t)-1;
    int y, mo, d;
    size_t db, de;

    for (l = from; l < nl && seen < 12; l++) {
        size_t b = lines[l].b, e = lines[l].e;
        if (b >= e)
            continue;
        seen++;
        if (ss_xfind_date(s, b, e, &y, &mo, &d, &db, &de) &&
            (ss_xis_date_line(s, b, e) || (db > b && ss_xis_signature(s, b, db)))) {
            struct ss_buf buf;
            ss_buf_init(&buf, 16);
            ss_buf_printf(&buf, "%04d-%02d-%02d", y, mo, d);
            if (!buf.err && buf.len == 10)
                memcpy(seg->published, buf.data, 11);
            ss_buf_cleanup(&buf);
            if (db > b && ss_xis_signature(s, b, db)) {
                seg->issuer_b = b;
                seg->issuer_e = db;
                while (seg->issuer_e > b && s[seg->issuer_e - 1] == ' ')
                    seg->issuer_e--;
            } else if (prev != (size_t)-1) {
                seg->issuer_b = lines[prev].b;
                seg->issuer_e = lines[prev].e;
            }
            return;
        }
        if (xnchars(s, b, e) <= 40 && !xhas_clause_punct(s, b, e) && !xat(s, b, e, "特此") &&
            !xat(s, b, e, "("))
            prev = l;
        else
            prev = (size_t)-1;
        if (sig == (size_t)-1 && ss_xis_signature(s, b, e))
            sig = l;
    }
    /* signed but not dated */
    if (sig != (size_t)-1) {
        seg->issuer_b = lines[sig].b;
        seg->issuer_e = lines[sig].e;
    }
}
