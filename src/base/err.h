/*
 * err.h - errors that reach a person: what was wrong, where, and why.
 *
 * A function that can fail on user input takes a struct ss_err * and fills
 * it in; the CLI prints it, the web layer turns it into
 * {"error":{"code","message","field"}}. `field` names the input (a CLI flag,
 * a JSON field, "row 7, column C").
 *
 * An error is a message id and arguments, not a sentence: the format given
 * to ss_err_set is the message id (English, as the code writes it; the
 * catalogues in po/ translate it, see base/l10n.h), and each argument is
 * formatted on its own at set time and kept as text. The error is then
 * written in any reader's language (ss_err_text in l10n.h: the format's
 * translation with the same arguments, reordered by `%2$s` where a
 * language needs it). `msg` holds it in English, the ids' own language,
 * for logs and for code that has no reader.
 *
 * Two kinds of argument are not plain text:
 *   - SS_M("“Note”"): a message id itself (a form field's label, advice
 *     in the reader's words), translated when the error is written;
 *   - ss_err_nest(&inner): another error, written in the same language
 *     (e.g. "report 7 cannot be approved: %s").
 */
#ifndef SS_ERR_H
#define SS_ERR_H

#include <stddef.h>

/* Marks a message id passed as an argument (see the file comment). The
 * mark is a leading U+001F, which no plain argument keeps (control
 * characters in arguments are written as '?'). */
#define SS_M(msgid) ("\x1f" msgid)
/* Marks a literal as a message id looked up later by ss_tr (a table of
 * labels); expands to the literal. */
#define N_(msgid) msgid
/* The same for a message id in context ctx (looked up with ss_trc). */
#define NC_(ctx, msgid) msgid

enum { SS_ERR_MAX_ARGS = 10 }; /* arguments kept per message; more are dropped */

struct ss_err {
    int code;       /* SS_E* from util.h */
    char field[64]; /* where: field, flag or cell; may be empty */
    char msg[512];  /* why, in English (the message ids' language) */
    const char *id; /* the message id: the format as passed (a literal); NULL when none */
    /* the message as data: U+001D, id, then U+001E and each argument,
     * then U+001C (what ss_err_nest hands out); "" when none */
    char data[768];
};

void ss_err_clear(struct ss_err *e);
/* Sets e (if not NULL) and returns code, so callers can `return ss_err_set(...)`.
 * fmt is the message id: a literal the catalogues translate. */
int ss_err_set(struct ss_err *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* ss_err_set with a message id chosen at run time (marked N_ where it is
 * written) and no arguments. */
int ss_err_id(struct ss_err *e, int code, const char *field, const char *msgid);
/* e as an argument of another error's message ("%s"): the outer one is
 * then written with e in the same language. Valid while e is. */
const char *ss_err_nest(const struct ss_err *e);
const char *ss_err_code_name(int code);

/* Write e into out (at most cap bytes, always terminated) with each
 * message id, e's own and its SS_M arguments', passed through tr first
 * (tr NULL: as written, i.e. English). Returns out. l10n.h's ss_err_text
 * is this with a catalogue. */
typedef const char *(*ss_err_tr_fn)(void *ctx, const char *msgid);
char *ss_err_render(const struct ss_err *e, ss_err_tr_fn tr, void *ctx, char *out, size_t cap);

/* One printf conversion of a format: its text is fmt[0..len), it takes
 * argument `pos` (1-based, explicit "%2$s", else 0 = the next one), and
 * `conv` is its conversion character ('%' for "%%"). */
struct ss_fmt_spec {
    size_t len;
    int pos;
    char conv;
    char length[3]; /* "", "h", "hh", "l", "ll", "z", "j", "t", "L" */
    int star;       /* width or precision given as an argument ('*') */
};
/* Parse the conversion at fmt (which points at '%'); 0 when it is not one
 * this code writes (then treat the '%' as text). */
int ss_fmt_spec_parse(const char *fmt, struct ss_fmt_spec *out);

#endif
