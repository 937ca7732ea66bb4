/*
 * segment.c - finding the announcement in a page and cutting its list into
 * items.
 *
 * An announcement reads: title (…关于发布…民生实事的公告), an intro
 * (…实施以下十件民生实事:), the list, a closing paragraph (…对以上十件民生实事
 * 跟踪督办…), 特此公告, the issuer and the date. Around it a web page puts
 * navigation, share buttons and related headlines.
 *
 * The list is found by its heading markers. Every marker of every style
 * (1. 1、 一、 (一) (1) 1) ① 第一件 一是) at a line start, or after ; 。 : inside
 * a line, is collected; for each style the chains 1, 2, 3, … are followed,
 * and the chain kept is the one as long as the count the text states
 * (十件), else the longest. Sub-lists inside items use another style or
 * restart at 1, so they lose. Without markers, the lines after the intro are
 * the items (one per line), or the intro's own paragraph is, split at ;.
 *
 * The last item ends where the closing begins: a line that refers to the
 * list as a whole (以上…实事), 特此…, a request for public supervision, page
 * furniture (相关推荐, 责任编辑 …), a signature or a date.
 */
#include <stdlib.h>

#include "base/util.h"
#include "extract/xint.h"

enum style {
    ST_ARABIC,   /* 1. 1、 */
    ST_CN_DUN,   /* 一、 */
    ST_CN_PAREN, /* (一) */
    ST_AR_PAREN, /* (1) */
    ST_AR_HALF,  /* 1) */
    ST_AR_SPACE, /* "1 新建…" at a line start (tables copied as text) */
    ST_CIRCLED,  /* ① */
    ST_DI,       /* 第一件 第一项 第一, */
    ST_SHI,      /* 一是 */
    ST_COUNT
};

struct marker {
    int style, value;
    size_t pos, content;
    size_t line;
    int line_start;
    int weak; /* "9.12345…": a marker only where the chain expects 9 */
};

struct markers {
    struct marker *v;
    size_t n, cap;
};

static const char *const CN_SMALL = "一二三四五六七八九十";

/* ---- lines ---- */

static size_t split_lines(const char *s, size_t n, struct xline **out)
{
    size_t i = 0, nl = 0, cap = 64;
    struct xline *v = ss_xmalloc(cap * sizeof *v);

    while (i <= n) {
        size_t b = i, e;
        const char *nlp = memchr(s + i, '\n', n - i);
        e = nlp ? (size_t)(nlp - s) : n;
        i = e + 1;
        while (b < e) {
            size_t len;
            uint32_t c = xcp(s, b, e, &len);
            if (!xis_space(c))
                break;
            b += len;
        }
        while (e > b && xis_space((unsigned char)s[e - 1]))
            e--;
        if (nl == cap) {
            cap *= 2;
            v = ss_xrealloc(v, cap * sizeof *v);
        }
        v[nl].b = b;
        v[nl].e = e;
        nl++;
        if (!nlp)
            break;
    }
    *out = v;
    return nl;
}

/* ---- small numerals in markers ---- */

/* 一 .. 九十九 at i; returns its value (1..99) and *len, or 0. */
static int cn_small(const char *s, size_t i, size_t end, size_t *len)
{
    size_t j = i, n;
    double v;

    while (j < end && j - i < 9) {
        const char *p = CN_SMALL;
        int hit = 0;
        for (; *p; p += 3)
            if (j + 3 <= end && memcmp(s + j, p, 3) == 0)
                hit = 1;
        if (!hit)
            break;
        j += 3;
    }
    if (j == i)
        return 0;
    v = ss_xnum_chinese(s, i, j);
    n = j - i;
    if (v < 1 || v > 99)
        return 0;
    *len = n;
    return (int)v;
}

static int ar_small(const char *s, size_t i, size_t end, size_t *len)
{
    size_t j = i;
    int v = 0;

    while (j < end && j - i < 2 && xis_digit((unsigned char)s[j]))
        v = v * 10 + (s[j++] - '0');
    if (j == i || (j < end && xis_digit((unsigned char)s[j])) || v < 1)
        return 0;
    *len = j - i;
    return v;
}

/* A heading marker at s[i]; fills m (style, value, content). */
static int marker_at(const char *s, size_t i, size_t end, struct marker *m)
{
    size_t n, k, len;
    int v;
    uint32_t c;

    m->pos = i;
    m->weak = 0;
    if ((v = ar_small(s, i, end, &n))) {
        k = i + n;
        m->weak = 0;
        if ((len = xat(s, k, end, "、")) || (k < end && s[k] == '.' && (len = 1))) {
            m->style = ST_ARABIC;
            m->value = v;
            m->content = k + len;
            m->weak = s[k] == '.' && k + 1 < end && xis_digit((unsigned char)s[k + 1]);
            return 1;
        }
        if (k < end && (s[k] == ' ' || s[k] == '\t') && k + 1 < end && s[k + 1] != ' ' &&
            !xis_digit((unsigned char)s[k + 1])) {
            size_t l2;
            if (xis_cjk(xcp(s, k + 1, end, &l2))) {
                m->style = ST_AR_SPACE;
                m->value = v;
                m->content = k + 1;
                return 1;
            }
        }
        if (k < end && s[k] == ')') {
            m->style = ST_AR_HALF;
            m->value = v;
            m->content = k + 1;
            return 1;
        }
        return 0;
    }
    if (i < end && s[i] == '(') {
        if ((v = ar_small(s, i + 1, end, &n)) && i + 1 + n < end && s[i + 1 + n] == ')') {
            m->style = ST_AR_PAREN;
            m->value = v;
            m->content = i + 2 + n;
            return 1;
        }
        if ((v = cn_small(s, i + 1, end, &n)) && i + 1 + n < end && s[i + 1 + n] == ')') {
            m->style = ST_CN_PAREN;
            m->value = v;
            m->content = i + 2 + n;
            return 1;
        }
        return 0;
    }
    c = xcp(s, i, end, &len);
    if (c >= 0x2460 && c <= 0x2473) {
        m->style = ST_CIRCLED;
        m->value = (int)(c - 0x2460) + 1;
        m->content = i + len;
        return 1;
    }
    if ((len = xat(s, i, end, "第"))) {
        k = i + len;
        if (!(v = cn_small(s, k, end, &n)) && !(v = ar_small(s, k, end, &n)))
            return 0;
        k += n;
        if ((len = xat(s, k, end, "件")) || (len = xat(s, k, end, "项")))
            k += len;
        else if (!(k < end && (s[k] == ',' || s[k] == ':' || xat(s, k, end, "、"))))
            return 0;
        m->style = ST_DI;
        m->value = v;
        m->content = k;
        return 1;
    }
    if ((v = cn_small(s, i, end, &n))) {
        k = i + n;
        if ((len = xat(s, k, end, "、")) ||
            (k < end && s[k] == '.' && !(k + 1 < end && xis_digit((unsigned char)s[k + 1])) &&
             (len = 1))) {
            m->style = ST_CN_DUN;
        } else if ((len = xat(s, k, end, "是")) && !xat(s, k + len, end, "否")) {
            m->style = ST_SHI;
        } else {
            return 0;
        }
        m->value = v;
        m->content = k + len;
        return 1;
    }
    return 0;
}

static void add_marker(struct markers *ms, const struct marker *m)
{
    if (ms->n == ms->cap) {
        ms->cap = ms->cap ? ms->cap * 2 : 32;
        ms->v = ss_xrealloc(ms->v, ms->cap * sizeof *ms->v);
    }
    ms->v[ms->n++] = *m;
}

/* Skip spaces and one punctuation mark after a marker. */
static size_t skip_after_marker(const char *s, size_t i, size_t end)
{
    size_t n;

    while (i < end && s[i] == ' ')
        i++;
    if (i < end && (s[i] == ':' || s[i] == ',' || s[i] == '.'))
        i++;
    else if ((n = xat(s, i, end, "、")))
        i += n;
    while (i < end && s[i] == ' ')
        i++;
    return i;
}

static void collect_markers(const char *s, const struct xline *lines, size_t from, size_t to,
                            struct markers *ms)
{
    size_t l, i, len;
    struct marker m;

    for (l = from; l < to; l++) {
        size_t b = lines[l].b, e = lines[l].e;
        if (b < e && marker_at(s, b, e, &m)) {
            m.line = l;
            m.line_start = 1;
            m.content = skip_after_marker(s, m.content, e);
            add_marker(ms, &m);
        }
        for (i = b; i < e; i += len) {
            uint32_t c = xcp(s, i, e, &len);
            size_t j;
            if (!(c == ';' || c == 0x3002 || c == ':' || c == ','))
                continue;
            j = i + len;
            while (j < e && s[j] == ' ')
                j++;
            if (j < e && marker_at(s, j, e, &m) && m.style != ST_AR_SPACE && !m.weak &&
                (c != ',' || m.style == ST_SHI)) {
                m.line = l;
                m.line_start = 0;
                m.content = skip_after_marker(s, m.content, e);
                add_marker(ms, &m);
            }
        }
    }
}

/* ---- end of the list ---- */

static int refers_to_list(const char *s, size_t b, size_t e)
{
    static const char *const HEAD[] = {"以上", "上述", NULL};
    static const char *const NOUN[] = {"实事", "项目", "工程", "事项", "民生", NULL};
    size_t i, n, len;

    for (i = b; i < e; i += len) {
        xcp(s, i, e, &len);
        if (!(n = xat_any(s, i, e, HEAD)))
            continue;
        {
            size_t j = i + n, k;
            for (k = 0; k < 6 && j < e && !xat_any(s, j, e, NOUN); k++) {
                size_t l2;
                uint32_t c = xcp(s, j, e, &l2);
                if (!xis_cjk(c) && !xis_digit(c))
                    break;
                j += l2;
            }
            if (j < e && xat_any(s, j, e, NOUN))
                return 1;
        }
    }
    return 0;
}

static int is_end_line(const char *s, size_t b, size_t e)
{
    static const char *const JUNK[] = {
        "特此",     "相关",   "热点",   "推荐",      "责任编辑", "编辑",     "来源",
        "特别声明", "声明",   "版权",   "Copyright", "分享",     "扫一扫",   "打印",
        "关闭",     "上一篇", "下一篇", "返回",      "附件",     "延伸阅读", "原标题",
        "网友评论", "评论",   "【相关", "阅读",      "点击",     NULL};

    if (b >= e)
        return 0;
    if (xat_any(s, b, e, JUNK))
        return 1;
    /* the closing paragraph speaks of the list as a whole and of the public,
     * and quantifies nothing */
    if (!xhas_digit(s, b, e) &&
        (refers_to_list(s, b, e) || xhas(s, b, e, "社会各界") ||
         (xhas(s, b, e, "监督") &&
          (xhas(s, b, e, "欢迎") || xhas(s, b, e, "希望") || xhas(s, b, e, "接受")))))
        return 1;
    return ss_xis_date_line(s, b, e) || ss_xis_signature(s, b, e);
}

/* ---- items ---- */

static void add_item(struct xseg *seg, size_t *cap, int no, size_t b, size_t e, const char *s)
{
    while (b < e && (s[b] == ' ' || s[b] == '\n'))
        b++;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\n'))
        e--;
    if (b >= e)
        return;
    if (seg->nitems == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        seg->items = ss_xrealloc(seg->items, *cap * sizeof *seg->items);
    }
    seg->items[seg->nitems].no = no;
    seg->items[seg->nitems].b = b;
    seg->items[seg->nitems].e = e;
    seg->nitems++;
}

/* The item's heading: its first line when it has several, else its first
 * sentence when that states no target, else the whole item. */
static void item_title(const char *s, struct xitem *it)
{
    const char *nl = memchr(s + it->b, '\n', it->e - it->b);
    size_t b = it->b, e = it->e, i, len, hb, he;

    b += xbullet(s, b, e);
    if (xbracket_head(s, b, e, &hb, &he)) { /* ● 【托育】新增…: the heading */
        it->hb = hb;
        it->he = he;
        return;
    }
    for (i = b; i < e; i += len) { /* 教育方面，新建…: a short lead naming the field */
        uint32_t c = xcp(s, i, e, &len);
        if (c == ',' || c == 0x3002 || c == '\n' || c == ';')
            break;
    }
    if (i < e && s[i] == ',' && xnchars(s, b, i) <= 8 &&
        (xbefore(s, b, i, "方面") || xbefore(s, b, i, "领域"))) {
        it->hb = b;
        it->he = i;
        return;
    }

    if (nl) {
        e = (size_t)(nl - s);
    } else {
        for (i = b; i < e; i += len) {
            uint32_t c = xcp(s, i, e, &len);
            if (c == 0x3002 || c == ':' || c == '\t') /* 。 : or a table's next cell */
                break;
        }
        if (i < e && xnchars(s, b, i) <= 40 && ss_xtargets_count(s, b, i) == 0)
            e = i;
    }
    for (;;) {
        size_t p = xprev(s, b, e);
        uint32_t c = e > b ? xcp(s, p, e, &len) : 0;
        if (e > b && (c == 0x3002 || c == ';' || c == ',' || c == ':' || c == ' ' || c == '\t'))
            e = p;
        else
            break;
    }
    it->hb = b;
    it->he = e;
}

/* Items of the chain cur[0..len) that state at least one target: the list
 * of commitments is where the numbers are. */
static size_t chain_targets(const char *s, const struct xline *lines, const struct markers *ms,
                            const size_t *cur, size_t len)
{
    size_t k, n = 0;

    for (k = 0; k < len; k++) {
        const struct marker *m = &ms->v[cur[k]];
        size_t e = k + 1 < len ? ms->v[cur[k + 1]].pos : lines[m->line].e;
        if (e > m->content + 3000)
            e = m->content + 3000;
        if (e > m->content && ss_xtargets_count(s, m->content, e) > 0)
            n++;
    }
    return n;
}

/* Follow the chain 1, 2, 3, … of marker a's style; fills cur, returns its
 * length. A restart at 1 ends it. */
static size_t follow_chain(const struct markers *ms, size_t a, size_t *cur, size_t *starts)
{
    size_t j, len = 1;
    int st = ms->v[a].style;

    cur[0] = a;
    *starts = ms->v[a].line_start;
    for (j = a + 1; j < ms->n; j++) {
        if (ms->v[j].style != st)
            continue;
        if (ms->v[j].value == (int)len + 1) {
            cur[len++] = j;
            *starts += ms->v[j].line_start;
        } else if (ms->v[j].value == 1 && !ms->v[j].weak) {
            break;
        }
    }
    return len;
}

/* Best chain of markers; returns its length and fills idx (indexes into ms).
 * Ranking: as long as the stated count, then longest, then the one whose
 * items carry targets (a few ties only), then line-start markers, then the
 * earliest. */
static size_t best_chain(const char *s, const struct xline *lines, const struct markers *ms,
                         int want, size_t **idx)
{
    size_t a, best = 0, bstarts = 0, btargets = 0, ties = 0;
    int bfit = 0;
    size_t *cur = ss_xmalloc((ms->n + 1) * sizeof *cur);

    *idx = ss_xmalloc((ms->n + 1) * sizeof **idx);
    for (a = 0; a < ms->n; a++) {
        size_t len, starts, tg = 0;
        int fit, better;
        if (ms->v[a].value != 1 || ms->v[a].weak)
            continue;
        len = follow_chain(ms, a, cur, &starts);
        if (len < 2)
            continue;
        fit = want > 0 && len == (size_t)want;
        if (best && fit == bfit && len == best) {
            if (ties++ > 8)
                continue;
            tg = chain_targets(s, lines, ms, cur, len);
            if (btargets == (size_t)-1)
                btargets = chain_targets(s, lines, ms, *idx, best);
            better = tg != btargets ? tg > btargets : starts > bstarts;
        } else {
            better = !best || (fit != bfit ? fit : len > best);
            tg = (size_t)-1;
        }
        if (better) {
            best = len;
            bfit = fit;
            bstarts = starts;
            btargets = tg;
            memcpy(*idx, cur, len * sizeof *cur);
        }
    }
    free(cur);
    return best;
}

static size_t item_of(const struct xseg *seg, size_t pos)
{
    size_t k;

    for (k = 0; k < seg->nitems; k++)
        if (pos >= seg->items[k].b && pos < seg->items[k].e)
            return k;
    return (size_t)-1;
}

/* Category headings (一、养老托育 between items 3 and 4 of a list numbered
 * 1-12) are a chain of another style whose markers sit in different items:
 * each one ends the item it sits in. Sub-lists stay inside one item. */
static void cut_categories(struct xseg *seg, const struct markers *ms, int style)
{
    size_t a, k, len, starts;
    size_t *cur = ss_xmalloc((ms->n + 1) * sizeof *cur);

    for (a = 0; a < ms->n; a++) {
        size_t first_item = (size_t)-1;
        int spread = 0;
        if (ms->v[a].style == style || ms->v[a].value != 1 || ms->v[a].weak || !ms->v[a].line_start)
            continue;
        len = follow_chain(ms, a, cur, &starts);
        if (len < 2)
            continue;
        for (k = 0; k < len; k++) {
            size_t it = item_of(seg, ms->v[cur[k]].pos);
            if (it == (size_t)-1)
                continue;
            if (first_item == (size_t)-1)
                first_item = it;
            else if (it != first_item)
                spread = 1;
        }
        if (!spread)
            continue;
        for (k = 0; k < len; k++) {
            size_t it = item_of(seg, ms->v[cur[k]].pos);
            if (it != (size_t)-1 && ms->v[cur[k]].line_start &&
                ms->v[cur[k]].pos > seg->items[it].b)
                seg->items[it].e = ms->v[cur[k]].pos;
        }
    }
    free(cur);
}

/* End of the last item: its line, and the lines after it that continue it. */
static size_t last_item_end(const char *s, const struct xline *lines, size_t l, size_t stop,
                            int style)
{
    size_t end = lines[l].e;
    struct marker m;

    for (l = l + 1; l < stop; l++) {
        size_t b = lines[l].b, e = lines[l].e;
        int is_marker;
        if (b >= e)
            continue;
        if (is_end_line(s, b, e))
            break;
        is_marker = marker_at(s, b, e, &m);
        if (xnchars(s, b, e) < 12 && !xhas_clause_punct(s, b, e) && !is_marker)
            break;
        /* the next section of the document (三、保障措施) or the same
         * numbering starting over: the list is done */
        if (is_marker &&
            ((m.style == ST_CN_DUN && style != ST_CN_DUN) || (m.style == style && m.value == 1)))
            break;
        end = e;
    }
    return end;
}

static void split_inline(const char *s, size_t b, size_t e, int want, struct xseg *seg, size_t *cap)
{
    size_t i, start = b, len = 1, parts = 1;
    uint32_t sep = ';';
    int no = 1;

    for (i = b; i < e; i += len)
        parts += xcp(s, i, e, &len) == ';';
    if (parts < 2 && want > 1)
        sep = 0x3002;
    for (i = b; i <= e; i += len) {
        uint32_t c = i < e ? xcp(s, i, e, &len) : 0;
        if (i == e)
            len = 1;
        if (i == e || c == sep) {
            size_t before = seg->nitems;
            add_item(seg, cap, no, start, i < e ? i : e, s);
            if (seg->nitems > before)
                no++;
            start = i + (i < e ? len : 0);
        }
    }
}

/* ---- lists without markers ---- */

/* Words that open a list: …主要包括：, …具体如下, …包括, …分别是. */
static const char *const OPENERS[] = {"主要包括", "具体包括", "包括", "主要有", "分别是", "分别为",
                                      "具体是",   "具体为",   "如下", "以下",   NULL};

/* Where the list starts inside the line s[b..e) after an opener word and
 * its punctuation (: , or 、), or 0 when the line has no opener. */
static size_t opener_end(const char *s, size_t b, size_t e)
{
    size_t i, n, len, at = 0;

    for (i = b; i < e; i += len) {
        xcp(s, i, e, &len);
        if ((n = xat_any(s, i, e, OPENERS))) {
            size_t j = i + n;
            while (j < e && s[j] == ' ')
                j++;
            if (j < e && (s[j] == ':' || s[j] == ','))
                j++;
            at = j;
            len = n;
        }
    }
    return at;
}

/* A line that introduces the list below it: an opener word, a trailing
 * colon, or a colon standing alone. */
static int is_intro(const char *s, size_t b, size_t e)
{
    if (b >= e)
        return 0;
    return s[e - 1] == ':' || (opener_end(s, b, e) && !xhas_digit(s, opener_end(s, b, e), e));
}

/* A heading standing on its own line: 2 in brackets (【托育服务】), 1 short
 * with no clause punctuation and no target (稳岗就业), else 0. */
static int is_heading_line(const char *s, size_t b, size_t e)
{
    size_t hb, he;

    b += xbullet(s, b, e);
    if (b < e && xbracket_head(s, b, e, &hb, &he) == e - b)
        return 2;
    return b < e && xnchars(s, b, e) <= 16 && !xhas_clause_punct(s, b, e) &&
           ss_xtargets_count(s, b, e) == 0;
}

/* A closing remark after a list of lines: a request to those who carry it
 * out (请各牵头单位…, 各地要…), stating no figure. */
static int is_closing_remark(const char *s, size_t b, size_t e)
{
    static const char *const LEAD[] = {"请", "望", "各", "希望", "以上", "上述", NULL};

    return b < e && xat_any(s, b, e, LEAD) && !xhas_digit(s, b, e) &&
           ss_xtargets_count(s, b, e) == 0;
}

/* Items one per line in lines[first..last): a heading line with the
 * content lines under it is one item; a closing remark after the last
 * item is not one. */
static void line_items(const char *s, const struct xline *lines, size_t first, size_t last,
                       struct xseg *seg, size_t *cap)
{
    size_t l, heads = 0, lines_n = 0, strong = 0;
    int kind = 1;

    for (l = first; l < last; l++)
        if (lines[l].b < lines[l].e)
            strong += is_heading_line(s, lines[l].b, lines[l].e) == 2;
    if (strong >= 2) /* bracketed headings: a short plain line is content */
        kind = 2;
    for (l = first; l < last; l++)
        if (lines[l].b < lines[l].e) {
            lines_n++;
            heads += is_heading_line(s, lines[l].b, lines[l].e) >= kind;
        }
    while (last > first && (lines[last - 1].b >= lines[last - 1].e ||
                            is_closing_remark(s, lines[last - 1].b, lines[last - 1].e)))
        last--;
    if (heads >= 2 && heads * 2 <= lines_n + 1) {
        size_t ib = (size_t)-1, ie = 0;
        for (l = first; l < last; l++) {
            if (lines[l].b >= lines[l].e)
                continue;
            if (is_heading_line(s, lines[l].b, lines[l].e) >= kind && ib != (size_t)-1 &&
                ie > lines[ib].e) {
                add_item(seg, cap, (int)seg->nitems + 1, lines[ib].b, ie, s);
                ib = (size_t)-1;
            }
            if (ib == (size_t)-1)
                ib = l;
            ie = lines[l].e;
        }
        if (ib != (size_t)-1)
            add_item(seg, cap, (int)seg->nitems + 1, lines[ib].b, ie, s);
        return;
    }
    for (l = first; l < last; l++)
        if (lines[l].b < lines[l].e && !(lines[l].e - lines[l].b == 1 && s[lines[l].b] == ':'))
            add_item(seg, cap, (int)seg->nitems + 1, lines[l].b, lines[l].e, s);
}

/* The lines that state a target, each one an item: the fallback when no
 * list is recognised. */
static void every_paragraph(const char *s, const struct xline *lines, size_t from, size_t stop,
                            struct xseg *seg, size_t *cap)
{
    size_t l;

    seg->nitems = 0;
    seg->fallback = 1;
    seg->numbered = 0;
    for (l = from; l < stop; l++) {
        size_t b = lines[l].b, e = lines[l].e;
        if (b >= e)
            continue;
        if (seg->nitems && is_end_line(s, b, e))
            break;
        if (ss_xtargets_count(s, b, e) > 0)
            add_item(seg, cap, (int)seg->nitems + 1, b, e, s);
    }
}

static void unnumbered(const char *s, const struct xline *lines, size_t from, size_t stop, int want,
                       struct xseg *seg, size_t *cap)
{
    size_t l, intro = (size_t)-1, first_t = (size_t)-1, i, len, at;

    for (l = from; l < stop && first_t == (size_t)-1; l++)
        if (lines[l].b < lines[l].e && ss_xtargets_count(s, lines[l].b, lines[l].e) > 0)
            first_t = l;
    if (first_t == (size_t)-1)
        return;
    /* the nearest intro above the first target - an opener, or the
     * sentence stating the count (…将集中办好十项民生实事。); a heading
     * line between (稳岗就业 above its content) is part of the list */
    for (l = first_t; l > from && intro == (size_t)-1;) {
        l--;
        if (is_intro(s, lines[l].b, lines[l].e) ||
            (want > 0 && ss_xstated_count(s, lines[l].b, lines[l].e) == want))
            intro = l;
    }
    if (intro == (size_t)-1 && (at = opener_end(s, lines[first_t].b, lines[first_t].e)) &&
        ss_xtargets_count(s, at, lines[first_t].e) > 0) {
        /* …项目包括,A;B;C: the list runs on in the opener's own line */
        split_inline(s, at, lines[first_t].e, want, seg, cap);
        return;
    }
    if (intro == (size_t)-1) {
        every_paragraph(s, lines, from, stop, seg, cap);
        return;
    }
    {
        size_t b = lines[intro].b, e = lines[intro].e, colon = 0;
        for (i = b; i < e; i += len)
            if (xcp(s, i, e, &len) == ':')
                colon = i + 1;
        if (colon && xnchars(s, colon, e) > 10) {
            split_inline(s, colon, e, want, seg, cap);
            return;
        }
    }
    {
        size_t first = intro + 1, last = first, taken = 0;
        for (l = first; l < stop; l++) {
            if (lines[l].b >= lines[l].e)
                continue;
            if (is_end_line(s, lines[l].b, lines[l].e) || (want > 0 && taken == (size_t)want))
                break;
            if (!(lines[l].e - lines[l].b == 1 && s[lines[l].b] == ':'))
                taken++;
            last = l + 1;
        }
        if (taken == 1) {
            for (l = first; l < last; l++)
                if (lines[l].b < lines[l].e)
                    split_inline(s, lines[l].b, lines[l].e, want, seg, cap);
            return;
        }
        line_items(s, lines, first, last, seg, cap);
    }
}

/* ---- items as quoted phrases ---- */

/* …推进“新建12所幼儿园”、“改造30公里管网”等十件实事: two or more quoted
 * phrases in a row (joined by 、 , 和 及 以及 or nothing), each stating a
 * target, are the items. Quoted names without a figure (“双百”) are not. */
static int quoted_items(const char *s, const struct xline *lines, size_t from, size_t stop,
                        struct xseg *seg, size_t *cap)
{
    static const char *const JOIN[] = {"、", ",", "和", "及", "以及", " ", NULL};
    size_t l;

    for (l = from; l < stop; l++) {
        size_t b = lines[l].b, e = lines[l].e, i = b, len, n;
        size_t qb[64], qe[64], nq = 0;
        while (i < e) {
            uint32_t c = xcp(s, i, e, &len);
            size_t j, cl = 0;
            if (c != 0x201C) {
                i += len;
                continue;
            }
            for (j = i + len; j < e; j += cl)
                if (xcp(s, j, e, &cl) == 0x201D || xcp(s, j, e, &cl) == 0x201C)
                    break;
            if (j >= e || xcp(s, j, e, &cl) != 0x201D)
                break;
            if (ss_xtargets_count(s, i + len, j) == 0) {
                if (nq >= 2)
                    break;
                nq = 0;
                i = j + cl;
                continue;
            }
            if (nq && qe[nq - 1] + 3 != i) { /* not next to the previous one */
                size_t k = qe[nq - 1] + 3;
                while (k < i && (n = xat_any(s, k, i, JOIN)))
                    k += n;
                if (k != i) {
                    if (nq >= 2)
                        break;
                    nq = 0;
                }
            }
            if (nq < 64) {
                qb[nq] = i + len;
                qe[nq] = j;
                nq++;
            }
            i = j + cl;
        }
        if (nq >= 2) {
            size_t k;
            seg->nitems = 0;
            for (k = 0; k < nq; k++)
                add_item(seg, cap, (int)k + 1, qb[k], qe[k], s);
            return 1;
        }
    }
    return 0;
}

/* 1 if some item states a target (most often the first does). */
static int items_have_targets(const char *s, const struct xseg *seg)
{
    size_t k;

    for (k = 0; k < seg->nitems; k++)
        if (ss_xtargets_count(s, seg->items[k].b, seg->items[k].e) > 0)
            return 1;
    return 0;
}

void ss_xseg_find(const char *s, size_t n, struct xseg *seg)
{
    struct xline *lines = NULL;
    struct markers ms = {NULL, 0, 0};
    size_t nl, l, title = (size_t)-1, from = 0, stop, cap = 0, *idx = NULL, nchain, k;
    size_t list_end = 0;

    memset(seg, 0, sizeof *seg);
    nl = split_lines(s, n, &lines);
    title = ss_xfind_title_line(s, lines, 0, nl);
    if (title != (size_t)-1) {
        from = title + 1;
        ss_xplan_title(s, lines[title].b, lines[title].e, &seg->title_b, &seg->title_e);
        seg->stated_count = ss_xstated_count(s, lines[title].b, lines[title].e);
    }
    for (stop = from; stop < nl; stop++)
        if (xat(s, lines[stop].b, lines[stop].e, "特此"))
            break;
    if (!seg->stated_count) {
        for (l = from; l < stop && l < from + 12; l++) {
            if ((seg->stated_count = ss_xstated_count(s, lines[l].b, lines[l].e)))
                break;
        }
    }
    collect_markers(s, lines, from, stop, &ms);
    nchain = best_chain(s, lines, &ms, seg->stated_count, &idx);
    if (nchain >= 2 && title != (size_t)-1) {
        /* a headline above the real title (a sidebar): take the title
         * nearest above the list */
        size_t first_line = ms.v[idx[0]].line, t = title, c;
        while ((c = ss_xfind_title_line(s, lines, t + 1, first_line)) != (size_t)-1 &&
               xhas(s, lines[c].b, lines[c].e, "关于"))
            t = c;
        if (t != title) {
            title = t;
            from = t + 1;
            ss_xplan_title(s, lines[t].b, lines[t].e, &seg->title_b, &seg->title_e);
        }
    }
    if (nchain >= 2) {
        seg->numbered = 1;
        for (k = 0; k < nchain; k++) {
            const struct marker *m = &ms.v[idx[k]];
            /* a chain inside one paragraph (…三个原则：一是…二是…三是…)
             * ends with that paragraph */
            size_t e = k + 1 < nchain ? ms.v[idx[k + 1]].pos
                       : m->line == ms.v[idx[0]].line
                           ? lines[m->line].e
                           : last_item_end(s, lines, m->line, stop, m->style);
            add_item(seg, &cap, m->value, m->content, e, s);
            list_end = e;
        }
        cut_categories(seg, &ms, ms.v[idx[0]].style);
        for (k = 0; k < seg->nitems; k++) {
            struct xitem *it = &seg->items[k];
            while (it->e > it->b && (s[it->e - 1] == ' ' || s[it->e - 1] == '\n'))
                it->e--;
        }
    } else if (!quoted_items(s, lines, from, stop, seg, &cap)) {
        unnumbered(s, lines, from, stop, seg->stated_count, seg, &cap);
    }
    if (seg->nitems && !items_have_targets(s, seg))
        every_paragraph(s, lines, from, stop, seg, &cap);
    if (!seg->numbered && seg->nitems)
        list_end = seg->items[seg->nitems - 1].e;
    for (k = 0; k < seg->nitems; k++)
        item_title(s, &seg->items[k]);
    /* year: the title's, else the intro's */
    if (seg->title_e > seg->title_b)
        seg->year = ss_xfind_year(s, seg->title_b, seg->title_e);
    if (!seg->year && seg->nitems)
        seg->year = ss_xfind_year(s, lines[from < nl ? from : 0].b, seg->items[0].b);
    if (list_end) {
        for (l = 0; l < nl && lines[l].e < list_end; l++)
            ;
        ss_xsignature(s, lines, nl, l + 1 < nl ? l + 1 : nl, seg);
    }
    if (!seg->published[0] && seg->nitems == 0)
        ss_xsignature(s, lines, nl, from, seg);
    if (!seg->published[0] && seg->nitems) {
        /* a news page: the date under its headline */
        int y, mo, d;
        size_t db, de;
        for (l = title != (size_t)-1 ? title : 0; l < nl && lines[l].b < seg->items[0].b; l++)
            if (ss_xfind_date(s, lines[l].b, lines[l].e, &y, &mo, &d, &db, &de)) {
                struct ss_buf buf;
                ss_buf_init(&buf, 16);
                ss_buf_printf(&buf, "%04d-%02d-%02d", y, mo, d);
                if (!buf.err && buf.len == 10)
                    memcpy(seg->published, buf.data, 11);
                ss_buf_cleanup(&buf);
                break;
            }
    }
    if (!seg->year && seg->published[0])
        seg->year = (seg->published[0] - '0') * 1000 + (seg->published[1] - '0') * 100 +
                    (seg->published[2] - '0') * 10 + (seg->published[3] - '0');
    if (seg->issuer_e <= seg->issuer_b && title != (size_t)-1) {
        /* 自治区人民政府关于…: the issuer named in the title */
        size_t b = lines[title].b, e = lines[title].e, i;
        for (i = b; i + 6 <= e; i++)
            if (xat(s, i, e, "关于")) {
                if (ss_xis_signature(s, b, i)) {
                    seg->issuer_b = b;
                    seg->issuer_e = i;
                }
                break;
            }
    }
    if (seg->issuer_e <= seg->issuer_b && title != (size_t)-1) {
        /* a letterhead: the issuer on its own line just above the title */
        for (l = title; l > 0 && title - l < 3;) {
            l--;
            if (ss_xis_signature(s, lines[l].b, lines[l].e)) {
                seg->issuer_b = lines[l].b;
                seg->issuer_e = lines[l].e;
                break;
            }
        }
    }
    free(idx);
    free(ms.v);
    free(lines);
}

void ss_xseg_cleanup(struct xseg *seg)
{
    free(seg->items);
    memset(seg, 0, sizeof *seg);
}
