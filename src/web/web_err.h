/*
 * web_err.h - the one way an error reaches a client: a struct ss_err in,
 * an HTTP status from one table, and a body in the reader's form.
 *
 * The status comes from err->code alone (web_err.c's table):
 *
 *   SS_EINVAL      400 bad_input      the input is wrong (what, where, why)
 *   SS_ENOTFOUND   404 not_found      the thing the URL names does not exist;
 *                  400 bad_input      one the body names does not (a JSON
 *                                     member or form field: err->field is
 *                                     neither the route's {param} nor a
 *                                     query argument of the request); in a
 *                                     batch's results, an item's own id is
 *                                     not_found
 *   SS_EUNAUTH     401 unauthorized   no session, or wrong credentials
 *   SS_EFORBIDDEN  403 forbidden      outside the user's scope
 *   SS_ECONFLICT   409 conflict       contradicts the stored state
 *   SS_ETHROTTLED  429 throttled      too many attempts: wait
 *   SS_EBUSY       503 busy           the server is busy: retry soon
 *   SS_EIO, SS_EDB 500 internal       never the detail (it goes to the log)
 *
 * 422 is not an error: it answers a batch (a ledger, approve-many) whose
 * body lists each item's result, some of them errors (ss_web_error_member).
 *
 * The body: under /api/ {"error":{"code","message","field"}} (field only
 * when err names one; code is the table's name unless the caller gives a
 * finer one, like bad_parameter or csrf, which never changes the status);
 * elsewhere a page of the site saying what went wrong. A form that can be
 * filled in again is not an error page: its handler re-shows the form with
 * ss_web_err_text next to the field, and the status ss_web_status.
 *
 * Text: ss_web_err_text is the one place an error becomes words for a
 * reader (the page's language goes in there).
 */
#ifndef SS_WEB_ERR_H
#define SS_WEB_ERR_H

#include <stddef.h>

#include "base/err.h"
#include "base/json.h"

struct ss_wreq;

/* The HTTP status for err (the table above). */
int ss_web_status(const struct ss_wreq *r, const struct ss_err *err);
/* What the reader is told, in the request's language (r->lang): err's
 * message written into buf (cap bytes, SS_ERR_TEXT is enough), or for a
 * store or system failure (500) a sentence that gives nothing of the
 * server away (static). */
const char *ss_web_err_text(const struct ss_wreq *r, const struct ss_err *err, char *buf,
                            size_t cap);

/* Answer err: replaces whatever body was written, sets the status,
 * Cache-Control no-store, and the body (JSON under /api/, else a page). A
 * 500 is also written to the server's log with its detail. */
void ss_web_error(struct ss_wreq *r, const struct ss_err *err);
/* The same with the API's error code given (NULL: the table's). */
void ss_web_error_code(struct ss_wreq *r, const char *code, const struct ss_err *err);
/* "error": {"code","message","field"} as a member of the object j is in:
 * one item's error in a batch's results. */
void ss_web_error_member(struct ss_json *j, const struct ss_wreq *r, const struct ss_err *err);

#endif
