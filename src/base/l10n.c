/*
 * l10n.c - catalogue lookups and the reader's language (l10n.h).
 *
 * The catalogue is build/gen/catalogue.c, made by scripts/po2c.py from
 * the .po files in po/: every key (the msgid, or msgctxt U+0004 msgid) with its text in
 * each language (NULL where a catalogue lacks it), and an open-addressing
 * table of the keys by FNV-1a hash, so a lookup hashes the id once and
 * compares one string.
 */
#include "base/l10n.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* build/gen/catalogue.c */
extern const char *const ss_cat_key[];
extern const char *const ss_cat_text[][SS_NLANGS];
extern const int32_t ss_cat_slot[];
extern const uint32_t ss_cat_mask;

static uint32_t fnv1a(uint32_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The entry of key (ctx may be NULL), or -1. */
static int32_t find(const char *ctx, const char *id)
{
    uint32_t h = 2166136261u, i;

    if (ctx) {
        h = fnv1a(h, ctx);
        h = (h ^ 4u) * 16777619u;
    }
    h = fnv1a(h, id);
    for (i = h & ss_cat_mask;; i = (i + 1) & ss_cat_mask) {
        int32_t k = ss_cat_slot[i];
        const char *key;
        size_t n;

        if (k < 0)
            return -1;
        key = ss_cat_key[k];
        if (ctx) {
            n = strlen(ctx);
            if (strncmp(key, ctx, n) != 0 || key[n] != '\4' || strcmp(key + n + 1, id) != 0)
                continue;
        } else if (strcmp(key, id) != 0) {
            continue;
        }
        return k;
    }
}

static const char *lookup(enum ss_lang lang, const char *ctx, const char *msgid)
{
    int32_t k;

    if ((unsigned)lang >= SS_NLANGS || !msgid)
        return msgid ? msgid : "";
    k = find(ctx, msgid);
    return k >= 0 && ss_cat_text[k][lang] ? ss_cat_text[k][lang] : msgid;
}

const char *ss_tr(enum ss_lang lang, const char *msgid)
{
    return lookup(lang, NULL, msgid);
}

const char *ss_trc(enum ss_lang lang, const char *ctx, const char *msgid)
{
    return lookup(lang, ctx, msgid);
}

static const char *err_tr(void *ctx, const char *msgid)
{
    return ss_tr(*(const enum ss_lang *)ctx, msgid);
}

char *ss_err_text(const struct ss_err *e, enum ss_lang lang, char *buf, size_t cap)
{
    return ss_err_render(e, err_tr, &lang, buf, cap);
}

/* ---- languages ------------------------------------------------------------------ */

static const struct {
    const char *code, *tag, *name;
    int rtl;
} LANGS[SS_NLANGS] = {
    [SS_LANG_ZH] = {"zh", "zh-CN", "中文", 0},
    [SS_LANG_EN] = {"en", "en", "English", 0},
    [SS_LANG_UG] = {"ug", "ug", "ئۇيغۇرچە", 1},
};

const char *ss_lang_code(enum ss_lang lang)
{
    return LANGS[(unsigned)lang < SS_NLANGS ? lang : SS_LANG_ZH].code;
}

const char *ss_lang_tag(enum ss_lang lang)
{
    return LANGS[(unsigned)lang < SS_NLANGS ? lang : SS_LANG_ZH].tag;
}

const char *ss_lang_name(enum ss_lang lang)
{
    return LANGS[(unsigned)lang < SS_NLANGS ? lang : SS_LANG_ZH].name;
}

int ss_lang_rtl(enum ss_lang lang)
{
    return (unsigned)lang < SS_NLANGS && LANGS[lang].rtl;
}

int ss_lang_parse(const char *tag, size_t len)
{
    size_t n = 0, i;

    if (!tag)
        return -1;
    /* the primary subtag: letters up to '-', '_', '.' or '@' */
    while (n < len && ((tag[n] >= 'a' && tag[n] <= 'z') || (tag[n] >= 'A' && tag[n] <= 'Z')))
        n++;
    if (n != len && n < len && !strchr("-_.@", tag[n]))
        return -1;
    for (i = 0; i < SS_NLANGS; i++)
        if (n == strlen(LANGS[i].code) && strncasecmp(tag, LANGS[i].code, n) == 0)
            return (int)i;
    return -1;
}

/* A q-value ("q=0.8") as thousandths; -1 when malformed. */
static int qvalue(const char *s, size_t n)
{
    int q = 0, digits = 0;
    size_t i = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i + 2 > n || (s[i] != 'q' && s[i] != 'Q') || s[i + 1] != '=')
        return -1;
    i += 2;
    if (i < n && s[i] == '1') {
        for (i++; i < n && (s[i] == '.' || s[i] == '0'); i++)
            ;
        return i == n ? 1000 : -1;
    }
    if (i >= n || s[i] != '0')
        return -1;
    i++;
    if (i < n && s[i] == '.')
        for (i++; i < n && digits < 3 && s[i] >= '0' && s[i] <= '9'; i++, digits++)
            q = q * 10 + (s[i] - '0');
    while (digits < 3)
        q *= 10, digits++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i == n ? q : -1;
}

int ss_lang_accept(const char *header)
{
    const char *p = header;
    int best = -1, best_q = 0;

    if (!header)
        return -1;
    while (*p) {
        const char *end = strchr(p, ','), *semi;
        size_t n;
        int lang, q = 1000;

        if (!end)
            end = p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        semi = memchr(p, ';', (size_t)(end - p));
        n = (size_t)((semi ? semi : end) - p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (semi)
            q = qvalue(semi + 1, (size_t)(end - semi - 1));
        lang = ss_lang_parse(p, n);
        if (lang >= 0 && q > best_q) {
            best = lang;
            best_q = q;
        }
        p = *end ? end + 1 : end;
    }
    return best;
}

enum ss_lang ss_lang_from_env(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    size_t i;

    for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        int lang;

        if (!v || !*v)
            continue;
        lang = ss_lang_parse(v, strlen(v));
        return lang == SS_LANG_ZH || lang == SS_LANG_UG ? (enum ss_lang)lang : SS_LANG_EN;
    }
    return SS_LANG_EN;
}
