/*
 * err.h - errors that reach a person: what was wrong, where, and why.
 *
 * A function that can fail on user input takes a struct ss_err * and fills
 * it in; the CLI prints it, the web layer turns it into
 * {"error":{"code","message","field"}}. `field` names the input (a CLI flag,
 * a JSON field, "row 7, column C"); `msg` is a full sentence.
 */
#ifndef SS_ERR_H
#define SS_ERR_H

struct ss_err {
    int code;       /* SS_E* from util.h */
    char field[64]; /* where: field, flag or cell; may be empty */
    char msg[512];  /* why, in words */
};

void ss_err_clear(struct ss_err *e);
/* Sets e (if not NULL) and returns code, so callers can `return ss_err_set(...)`. */
int ss_err_set(struct ss_err *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *ss_err_code_name(int code);

#endif
