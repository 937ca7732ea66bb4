/*
 * l10n.h - languages as data: the message catalogues and the reader's
 * language.
 *
 * Every string shown to people is a message id looked up in one catalogue
 * per language, GNU gettext .po files in po/ (zh_CN.po, en.po, ug.po)
 * compiled into the binary by scripts/po2c.py (build/gen/catalogue.c).
 * The message id is what the code writes: page text in Chinese, the
 * source language (L(r, "全部实事")), error messages in English (the
 * format given to ss_err_set, see err.h). Every catalogue translates every
 * id, the source's own included; tests/cli/catalogue.sh fails on an id
 * without a translation in any catalogue, an id no code uses any more, or
 * a translation whose conversions ("%s", "%2$d") or markup differ from
 * its id's. Entries marked `#, fuzzy` (machine-made Uyghur awaiting a
 * native reviewer) are used like any other: a fuzzy translation beats
 * none.
 *
 * Contexts: the same id may need two translations ("地区" as a column
 * heading, "Place", and as a section title, "Places"); ss_trc takes the
 * .po file's msgctxt.
 *
 * Thread-safe: the catalogue is constant data.
 */
#ifndef SS_L10N_H
#define SS_L10N_H

#include <stddef.h>

#include "base/err.h"

enum ss_lang { SS_LANG_ZH = 0, SS_LANG_EN, SS_LANG_UG, SS_NLANGS };

/* msgid in lang: the catalogue's translation, or msgid itself when the
 * catalogue has none. The result is a format when msgid is one, with the
 * same conversions (possibly reordered, "%2$s"), so the compiler checks
 * the call's arguments against msgid. Never NULL. */
const char *ss_tr(enum ss_lang lang, const char *msgid) __attribute__((format_arg(2)));
/* The same for msgid in context ctx (the .po file's msgctxt). */
const char *ss_trc(enum ss_lang lang, const char *ctx, const char *msgid)
    __attribute__((format_arg(3)));

/* e written in lang into buf (cap bytes); returns buf. */
char *ss_err_text(const struct ss_err *e, enum ss_lang lang, char *buf, size_t cap);
/* Enough for any error's text. */
#define SS_ERR_TEXT 1024

/* What a language is called where: "zh", "en", "ug" in ?lang= and cookies;
 * "zh-CN", "en", "ug" in lang="" attributes; its own name ("中文",
 * "English", "ئۇيغۇرچە") on the switch to it. */
const char *ss_lang_code(enum ss_lang lang);
const char *ss_lang_tag(enum ss_lang lang);
const char *ss_lang_name(enum ss_lang lang);
/* 1 for a language written right to left (Uyghur's Arabic script). */
int ss_lang_rtl(enum ss_lang lang);

/* A language tag or code ("ug", "ug-CN", "ug-Arab", "zh-Hans-CN", "EN-gb",
 * a locale name like "zh_CN.UTF-8") as one of ours; -1 when none of ours
 * (and for "*", "C", "POSIX"). Only the primary subtag counts. */
int ss_lang_parse(const char *tag, size_t len);
/* The best of ours in an Accept-Language header (RFC 9110 q-values; the
 * first of equals); -1 when it names none of ours or is NULL. */
int ss_lang_accept(const char *header);
/* The CLI's language from the environment, as gettext reads it: the first
 * set of LC_ALL, LC_MESSAGES, LANG; Chinese for zh*, Uyghur for ug*,
 * English otherwise (unset, "C", "POSIX", any other language). */
enum ss_lang ss_lang_from_env(void);

#endif
