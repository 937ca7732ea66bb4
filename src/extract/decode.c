/*
 * decode.c - from input bytes to the normalised UTF-8 the extractor reads.
 *
 * Steps: refuse what is not text (NUL bytes, many control characters);
 * decode (UTF-8 as is; UTF-16 with a BOM and GB18030 through iconv); strip
 * HTML markup when the input is a saved web page; then fold the characters
 * that matter for reading numbers and punctuation: full-width ASCII forms
 * (０-９, ，；：（）％) and the ideographic space become their ASCII
 * counterparts through utf8proc's compatibility mapping, line ends become
 * "\n", zero-width characters vanish. Nothing else is touched, so the
 * normalised text reads exactly like the source.
 *
 * Text in traditional script (mirrors, Hong Kong and Taiwan reposts: 萬 個
 * 於 戶 臺) is then converted to simplified with OpenCC's t2s (its hk2s
 * form, which also folds Hong Kong variants such as 衞), character for
 * character, so every rule reads one script; the plan's strings come out in
 * simplified script too, and the spans point into the original.
 *
 * Invariant: xdoc.map[i] is the offset in xdoc.orig of the character that
 * produced s[i], so a range of s can be quoted from the original verbatim
 * (in the script it was written in).
 */
#include <errno.h>
#include <iconv.h>
#include <opencc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "extract/xint.h"

/* Convert with iconv; 0 or SS_EINVAL, *bad = offset of the first bad byte. */
static int convert(const char *from, const char *in, size_t len, char **out, size_t *outlen,
                   size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", from);
    size_t cap = len * 2 + 16, il = len, ol;
    char *buf, *ip = (char *)in, *op;
    int rc = SS_EINVAL;

    *bad = 0;
    if (cd == (iconv_t)-1)
        return SS_EINVAL;
    buf = ss_xmalloc(cap + 1);
    op = buf;
    ol = cap;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
            continue;
        if (errno == E2BIG) {
            size_t used = (size_t)(op - buf);
            cap *= 2;
            buf = ss_xrealloc(buf, cap + 1);
            op = buf + used;
            ol = cap - used;
            continue;
        }
        *bad = (size_t)(ip - in);
        goto out;
    }
    *outlen = (size_t)(op - buf);
    buf[*outlen] = '\0';
    *out = buf;
    buf = NULL;
    rc = SS_OK;
out:
    free(buf);
    iconv_close(cd);
    return rc;
}

static int is_ctrl(unsigned char c)
{
    return (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v') || c == 0x7F;
}

/* Text, not data: a stray control character is tolerated, many are not. */
static int looks_binary(const char *s, size_t n)
{
    size_t i, ctrl = 0;

    for (i = 0; i < n; i++)
        ctrl += is_ctrl((unsigned char)s[i]);
    return ctrl > 8 && ctrl * 50 > n;
}

/* ---- HTML ---- */

static int ieq_prefix(const char *s, size_t n, const char *lit)
{
    size_t i, k = strlen(lit);

    if (k > n)
        return 0;
    for (i = 0; i < k; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return 0;
    }
    return 1;
}

static const char *find_ci(const char *s, size_t n, const char *lit)
{
    const char *p = s, *end = s + n;

    while ((p = memchr(p, lit[0], (size_t)(end - p))) != NULL) { /* lit starts with '<' */
        if (ieq_prefix(p, (size_t)(end - p), lit))
            return p;
        p++;
    }
    return NULL;
}

static int looks_html(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
    if (i < n && s[i] == '<' &&
        (ieq_prefix(s + i, n - i, "<!doctype") || ieq_prefix(s + i, n - i, "<html")))
        return 1;
    return find_ci(s, n, "<p>") || find_ci(s, n, "<br") || find_ci(s, n, "</p>") ||
           find_ci(s, n, "</div>");
}

static const struct {
    const char *name;
    const char *utf8;
} ENTITIES[] = {
    {"nbsp;", "\xC2\xA0"},
    {"amp;", "&"},
    {"lt;", "<"},
    {"gt;", ">"},
    {"quot;", "\""},
    {"apos;", "'"},
    {"ldquo;", "\xE2\x80\x9C"},
    {"rdquo;", "\xE2\x80\x9D"},
    {"mdash;", "\xE2\x80\x94"},
    {"hellip;", "\xE2\x80\xA6"},
    {"middot;", "\xC2\xB7"},
};

static void put_cp(struct ss_buf *b, uint32_t cp)
{
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t k;

    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    k = utf8proc_encode_char((utf8proc_int32_t)cp, tmp);
    ss_buf_put(b, (const char *)tmp, (size_t)k);
}

/* &...; at s[0]; returns bytes consumed (0: not an entity). */
static size_t entity(const char *s, size_t n, struct ss_buf *b)
{
    size_t i, k;
    uint32_t cp = 0;

    if (n > 2 && s[1] == '#') {
        int hex = n > 3 && (s[2] == 'x' || s[2] == 'X');
        for (i = hex ? 3 : 2; i < n && i < 12 && s[i] != ';'; i++) {
            char c = s[i];
            int d = (c >= '0' && c <= '9')        ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
            if (d < 0)
                return 0;
            cp = cp * (hex ? 16u : 10u) + (uint32_t)d;
        }
        if (i >= n || s[i] != ';' || i == (hex ? 3u : 2u))
            return 0;
        put_cp(b, cp);
        return i + 1;
    }
    for (k = 0; k < SS_ARRAY_LEN(ENTITIES); k++) {
        size_t len = strlen(ENTITIES[k].name);
        if (n > len && memcmp(s + 1, ENTITIES[k].name, len) == 0) {
            ss_buf_puts(b, ENTITIES[k].utf8);
            return len + 1;
        }
    }
    return 0;
}

static const char *const BLOCK_TAGS[] = {"p",  "br", "div",     "li",      "tr",    "h1",
                                         "h2", "h3", "h4",      "h5",      "h6",    "table",
                                         "ul", "ol", "section", "article", "title", NULL};

static int is_tag(const char *s, size_t i, size_t n, const char *name)
{
    size_t len = strlen(name);

    return ieq_prefix(s + i, n - i, name) &&
           (i + len >= n || s[i + len] == '>' || s[i + len] == ' ' || s[i + len] == '/');
}

/* A table cell starts: a tab after the row's earlier cells (the page's
 * indentation between them dropped), nothing before its first. */
static void cell(struct ss_buf *b, size_t row)
{
    if (row == (size_t)-1) { /* a cell outside any row */
        ss_buf_putc(b, '\n');
        return;
    }
    while (b->len > row && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n' ||
                            b->data[b->len - 1] == '\r' || b->data[b->len - 1] == '\t'))
        b->len--;
    if (b->len > row)
        ss_buf_putc(b, '\t');
}

/* Tag at s[0] == '<': returns bytes to skip; writes "\n" for block tags.
 * A table keeps its rows: <tr> starts a line (*row is where) and cells
 * are set off by tabs, which the extractor reads as a table's columns. */
static size_t tag(const char *s, size_t n, struct ss_buf *b, size_t *row)
{
    const char *end;
    size_t i = 1, k;
    int closing;

    if (ieq_prefix(s, n, "<!--")) {
        end = find_ci(s + 4, n - 4, "-->");
        return end ? (size_t)(end - s) + 3 : n;
    }
    closing = i < n && s[i] == '/';
    i += (size_t)closing;
    if (is_tag(s, i, n, "td") || is_tag(s, i, n, "th")) {
        if (!closing) /* a cell's end says nothing: the next cell or row does */
            cell(b, *row);
    } else if (is_tag(s, i, n, "tr") && !closing) {
        ss_buf_putc(b, '\n');
        *row = b->len;
    } else {
        if (closing && is_tag(s, i, n, "table"))
            *row = (size_t)-1;
        for (k = 0; BLOCK_TAGS[k]; k++)
            if (is_tag(s, i, n, BLOCK_TAGS[k])) {
                ss_buf_putc(b, '\n');
                break;
            }
    }
    end = memchr(s, '>', n);
    return end ? (size_t)(end - s) + 1 : n;
}

static char *strip_html(const char *s, size_t n, size_t *outlen)
{
    struct ss_buf b;
    size_t i = 0, run = 0, k, row = (size_t)-1;

    ss_buf_init(&b, n + 16);
    while (i < n) {
        if (s[i] == '<' && i + 1 < n &&
            (xis_alpha((unsigned char)s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!')) {
            ss_buf_put(&b, s + run, i - run);
            if (ieq_prefix(s + i, n - i, "<script") || ieq_prefix(s + i, n - i, "<style")) {
                const char *close = ieq_prefix(s + i, n - i, "<script") ? "</script" : "</style";
                const char *end = find_ci(s + i, n - i, close);
                i = end ? (size_t)(end - s) : n;
            }
            if (i < n)
                i += tag(s + i, n - i, &b, &row);
            run = i;
        } else if (s[i] == '&') {
            ss_buf_put(&b, s + run, i - run);
            run = i;
            k = entity(s + i, n - i, &b);
            i += k ? k : 1;
            if (k)
                run = i;
        } else {
            i++;
        }
    }
    ss_buf_put(&b, s + run, n - run);
    return ss_buf_detach(&b, outlen);
}

/* ---- normalisation ---- */

static int foldable(uint32_t cp)
{
    return (cp >= 0xFF01 && cp <= 0xFF5E) || cp == 0x3000 || cp == 0x00A0 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F;
}

static void normalise(struct xdoc *d)
{
    struct ss_buf b;
    size_t i = 0, cap = d->norig + 1, o;
    const char *s = d->orig;

    ss_buf_init(&b, d->norig + 16);
    d->map = ss_xmalloc(cap * sizeof *d->map);
    while (i < d->norig) {
        size_t len, before = b.len;
        uint32_t cp = xcp(s, i, d->norig, &len);

        if (cp == '\r') {
            ss_buf_putc(&b, '\n');
            if (i + 1 < d->norig && s[i + 1] == '\n')
                len = 2;
        } else if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF || cp == 0x2060 ||
                   cp == 0xAD) {
            /* invisible: dropped */
        } else if (cp < 0x80 && is_ctrl((unsigned char)cp)) {
            ss_buf_putc(&b, ' ');
        } else if (foldable(cp)) {
            utf8proc_int32_t dst[4];
            int last = 0;
            utf8proc_ssize_t k = utf8proc_decompose_char(
                (utf8proc_int32_t)cp, dst, 4, UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE, &last);
            put_cp(&b, k == 1 ? (uint32_t)dst[0] : cp);
        } else {
            ss_buf_put(&b, s + i, len);
        }
        if (b.len > cap - 1) {
            while (b.len > cap - 1)
                cap *= 2;
            d->map = ss_xrealloc(d->map, cap * sizeof *d->map);
        }
        for (o = before; o < b.len; o++)
            d->map[o] = i;
        i += len;
    }
    d->s = ss_buf_detach(&b, &d->n);
    if (!d->s)
        d->s = ss_xstrdup("");
    d->map[d->n] = d->norig;
}

/* ---- traditional script ---- */

/* Characters frequent in traditional-script prose that simplified text
 * never uses: a text with a few of them is converted. */
static const uint32_t TRAD[] = {
    /* sorted: bsearch */
    0x500B /* 個 */, 0x5011 /* 們 */, 0x52D5 /* 動 */, 0x52D9 /* 務 */, 0x5340 /* 區 */,
    0x54E1 /* 員 */, 0x570B /* 國 */, 0x5834 /* 場 */, 0x5B78 /* 學 */, 0x5BE6 /* 實 */,
    0x5C07 /* 將 */, 0x5C0D /* 對 */, 0x5EE3 /* 廣 */, 0x5F8C /* 後 */, 0x5F9E /* 從 */,
    0x61C9 /* 應 */, 0x6236 /* 戶 */, 0x6578 /* 數 */, 0x65BC /* 於 */, 0x6642 /* 時 */,
    0x6703 /* 會 */, 0x689D /* 條 */, 0x696D /* 業 */, 0x6A94 /* 檔 */, 0x70BA /* 為 */,
    0x71DF /* 營 */, 0x7232 /* 爲 */, 0x73FE /* 現 */, 0x74B0 /* 環 */, 0x7522 /* 產 */,
    0x7576 /* 當 */, 0x767C /* 發 */, 0x7D1A /* 級 */, 0x7D93 /* 經 */, 0x7DB2 /* 網 */,
    0x7DDA /* 線 */, 0x7E23 /* 縣 */, 0x7E3D /* 總 */, 0x81FA /* 臺 */, 0x8207 /* 與 */,
    0x842C /* 萬 */, 0x8655 /* 處 */, 0x885B /* 衛 */, 0x8A08 /* 計 */, 0x8A2D /* 設 */,
    0x8AAA /* 說 */, 0x8CC7 /* 資 */, 0x8ECA /* 車 */, 0x8FA6 /* 辦 */, 0x8FB2 /* 農 */,
    0x9019 /* 這 */, 0x9032 /* 進 */, 0x904E /* 過 */, 0x9084 /* 還 */, 0x9109 /* 鄉 */,
    0x91AB /* 醫 */, 0x93AE /* 鎮 */, 0x958B /* 開 */, 0x9593 /* 間 */, 0x95DC /* 關 */,
    0x96FB /* 電 */, 0x9805 /* 項 */, 0x990A /* 養 */, 0x9AD4 /* 體 */, 0x9EDE /* 點 */,
};

static int cmp_cp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

static int looks_traditional(const char *s, size_t n)
{
    size_t i, len, hits = 0;

    for (i = 0; i < n && hits < 3; i += len) {
        uint32_t c = xcp(s, i, n, &len);
        if (c >= 0x5000 && c <= 0x9FFF &&
            bsearch(&c, TRAD, SS_ARRAY_LEN(TRAD), sizeof TRAD[0], cmp_cp))
            hits++;
    }
    return hits >= 3;
}

/* One converter for the process: opening it reads the dictionaries. */
static pthread_once_t t2s_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t t2s_lock = PTHREAD_MUTEX_INITIALIZER;
static opencc_t t2s_cc = (opencc_t)-1;

/* hk2s is t2s with the Hong Kong variant forms (衞, 綫) folded first: on
 * other traditional text it gives what t2s gives. */
static void t2s_open(void)
{
    t2s_cc = opencc_open("hk2s.json");
    if (t2s_cc == (opencc_t)-1)
        t2s_cc = opencc_open("t2s.json");
}

/* s[0..n) converted, or NULL; the caller frees with free(). */
static char *t2s_run(const char *s, size_t n)
{
    char *out, *copy = NULL;

    pthread_mutex_lock(&t2s_lock);
    out = opencc_convert_utf8(t2s_cc, s, n);
    pthread_mutex_unlock(&t2s_lock);
    if (out) {
        copy = ss_utf8_valid(out, strlen(out)) ? ss_xstrdup(out) : NULL;
        opencc_convert_utf8_free(out);
    }
    return copy;
}

/* Append the conversion of s[b..e) to o and its map entries to map (the
 * source offset of each character of the result): character for character
 * when t2s keeps the count of characters, else one character at a time. */
static void t2s_span(const struct xdoc *d, size_t b, size_t e, struct ss_buf *o, size_t **map,
                     size_t *cap)
{
    char *c = t2s_run(d->s + b, e - b);
    size_t i, j, li, lj, before = o->len;

    if (c && xnchars(c, 0, strlen(c)) == xnchars(d->s, b, e)) {
        for (i = b, j = 0; i < e; i += li, j += lj) {
            xcp(d->s, i, e, &li);
            xcp(c, j, strlen(c), &lj);
            ss_buf_put(o, c + j, lj);
            while (o->len > *cap - 1) {
                *cap *= 2;
                *map = ss_xrealloc(*map, *cap * sizeof **map);
            }
            for (; before < o->len; before++)
                (*map)[before] = d->map[i];
        }
    } else if (e - b > 4) {
        for (i = b; i < e; i += li) {
            xcp(d->s, i, e, &li);
            t2s_span(d, i, i + li, o, map, cap);
        }
    } else { /* one character t2s would not keep as one: as written */
        ss_buf_put(o, d->s + b, e - b);
        while (o->len > *cap - 1) {
            *cap *= 2;
            *map = ss_xrealloc(*map, *cap * sizeof **map);
        }
        for (; before < o->len; before++)
            (*map)[before] = d->map[b];
    }
    free(c);
}

/* d->s in simplified script, d->map composed; 0 when t2s is unavailable. */
static int to_simplified(struct xdoc *d)
{
    struct ss_buf o;
    size_t cap = d->n + 16, *map, b = 0;

    pthread_once(&t2s_once, t2s_open);
    if (t2s_cc == (opencc_t)-1)
        return 0;
    ss_buf_init(&o, d->n * 2 + 16);
    map = ss_xmalloc(cap * sizeof *map);
    while (b < d->n) { /* line by line: a differing count costs one line */
        const char *nl = memchr(d->s + b, '\n', d->n - b);
        size_t e = nl ? (size_t)(nl - d->s) + 1 : d->n;
        t2s_span(d, b, e, &o, &map, &cap);
        b = e;
    }
    if (o.err) {
        ss_buf_cleanup(&o);
        free(map);
        return 0;
    }
    map[o.len] = d->map[d->n];
    free(d->s);
    free(d->map);
    d->s = ss_buf_detach(&o, &d->n);
    if (!d->s)
        d->s = ss_xstrdup("");
    d->map = map;
    return 1;
}

int ss_xdoc_load(struct xdoc *d, const char *text, size_t len, struct ss_err *err)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t bad = 0;
    int rc;

    memset(d, 0, sizeof *d);
    if (len > SS_MAX_TEXT_FILE)
        return ss_err_set(err, SS_EINVAL, "", "the text is larger than %u bytes",
                          (unsigned)SS_MAX_TEXT_FILE);
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        if (convert(u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE", text + 2, len - 2, &d->orig, &d->norig,
                    &bad))
            return ss_err_set(err, SS_EINVAL, "",
                              "the text has a UTF-16 mark but is not "
                              "valid UTF-16 (byte %zu)",
                              bad + 2);
    } else {
        if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
            text += 3;
            len -= 3;
        }
        if (memchr(text, '\0', len))
            return ss_err_set(err, SS_EINVAL, "",
                              "the input holds NUL bytes (byte %zu): "
                              "binary data, not text",
                              (size_t)((const char *)memchr(text, '\0', len) - text));
        if (ss_utf8_valid(text, len)) {
            d->orig = ss_xstrndup(text, len);
            d->norig = len;
        } else if (convert("GB18030", text, len, &d->orig, &d->norig, &bad) == SS_OK) {
            d->from_gb = 1;
        } else {
            return ss_err_set(err, SS_EINVAL, "",
                              "the input is neither UTF-8 nor GB18030 "
                              "text (undecodable byte at offset %zu)",
                              bad);
        }
    }
    if (memchr(d->orig, '\0', d->norig) || looks_binary(d->orig, d->norig)) {
        rc = ss_err_set(err, SS_EINVAL, "",
                        "the input holds control characters: binary "
                        "data, not text");
        ss_xdoc_cleanup(d);
        return rc;
    }
    if (looks_html(d->orig, d->norig)) {
        size_t n;
        char *plain = strip_html(d->orig, d->norig, &n);
        free(d->orig);
        d->orig = plain ? plain : ss_xstrdup("");
        d->norig = plain ? n : 0;
        d->from_html = 1;
    }
    normalise(d);
    if (looks_traditional(d->s, d->n))
        d->from_trad = to_simplified(d) ? 1 : -1;
    return SS_OK;
}

void ss_xdoc_cleanup(struct xdoc *d)
{
    free(d->s);
    free(d->orig);
    free(d->map);
    memset(d, 0, sizeof *d);
}

char *ss_xdoc_orig(const struct xdoc *d, size_t b, size_t e)
{
    size_t ob = d->map[b], oe = d->map[e];
    char *o, *c;

    if (oe < ob)
        oe = ob;
    o = ss_xstrndup(d->orig + ob, oe - ob);
    if (d->from_trad != 1 || !(c = t2s_run(o, oe - ob)))
        return o;
    free(o);
    return c;
}
