/*
 * notice.h - supervision notices (督办单): issued by a supervision run
 * (core/supervise.h) or by a supervisor's hand, answered by the addressed
 * unit, closed by a supervisor after checking, or returned to the unit.
 *
 * A notice is addressed to an org unit (its reporters and reviewers see
 * and answer it) and, once escalated, to an ancestor as well (one level
 * up per escalation). Numbers run per plan and year: 督办〔2026〕N号.
 *
 * States:
 *   issued   -> answered (the unit's answer: text, measures, expected
 *               date; ss_notice_answer)
 *   answered -> closed (a supervisor, after checking; ss_notice_close)
 *            -> issued (returned with a comment; ss_notice_return)
 *   issued, marked for closing (the figure is back on track) -> closed
 * One open (issued or answered) notice per (target, org unit), kept by
 * core and by the store (store/store_notice.h).
 *
 * Grades: blue (a report missing after the period's deadline), yellow
 * (lagging beyond the plan's yellow threshold), red (beyond the red one).
 * The deadline to answer is the issuing day plus the plan's days for the
 * grade (ss_notice_days; defaults SS_NOTICE_DAYS).
 *
 * Every change is one transaction by the acting user (u), or, with u
 * NULL (the CLI, a supervision run), joins the caller's transaction begun
 * with its actor; each appends to the notice's history and calls
 * ss_notice_event, where the outbox enqueues its messages.
 */
#ifndef SS_NOTICE_H
#define SS_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "core/auth.h"
#include "core/engine.h"
#include "store/store.h"
#include "store/store_notice.h"

enum ss_grade { SS_GRADE_NONE = -1, SS_GRADE_BLUE = 0, SS_GRADE_YELLOW = 1, SS_GRADE_RED = 2 };

/* Days to answer by grade (blue, yellow, red) when a plan sets none. */
#define SS_NOTICE_DAYS                                                                             \
    {                                                                                              \
        3, 10, 5                                                                                   \
    }
#define SS_NOTICE_DAYS_MAX 90

const char *ss_grade_str(enum ss_grade g);   /* "blue", "yellow", "red"; "" for none */
enum ss_grade ss_grade_parse(const char *s); /* SS_GRADE_NONE when unknown */

/* The history's and the outbox's event kinds. */
#define SS_NOTICE_ISSUED "issued"
#define SS_NOTICE_RAISED "raised"
#define SS_NOTICE_ESCALATED "escalated"
#define SS_NOTICE_ANSWERED "answered"
#define SS_NOTICE_RETURNED "returned"
#define SS_NOTICE_CLOSED "closed"
#define SS_NOTICE_MARKED "marked"
#define SS_NOTICE_UNMARKED "unmarked"

/* The hook for delivery: called inside the transaction that made the
 * event, with the notice, its kind (SS_NOTICE_*) and the org units (ids)
 * to address. 0, or an error that rolls the change back. */
int ss_notice_event(struct ss_store *st, int64_t notice_id, const char *kind,
                    const int64_t *org_ids, size_t n, struct ss_err *err);

/* "督办〔2026〕7号" into out. */
void ss_notice_number(const struct ss_notice *n, char *out, size_t cap);

/* The plan's days to answer by grade (its setting, or the defaults). */
int ss_notice_days(struct ss_store *st, int64_t plan_id, int days[3]);
/* Set them (each 1..SS_NOTICE_DAYS_MAX): in the caller's transaction. */
int ss_notice_days_set(struct ss_store *st, int64_t plan_id, const int days[3], struct ss_err *err);

/* A notice by hand: target id, org unit code, the required action (text),
 * grade (SS_GRADE_NONE: yellow), issued on `day`. u: a supervisor whose
 * subtree holds the unit (or an admin); NULL: the CLI. *id receives it.
 * SS_ECONFLICT when the cell has an open notice. */
int ss_notice_issue(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                    int64_t target_id, const char *org_code, const char *text, enum ss_grade grade,
                    int32_t day, int64_t *id, struct ss_err *err);
/* The addressed unit's answer (a reporter or reviewer of it, or an
 * admin; NULL: the CLI): text (required), measures and due ("YYYY-MM-DD",
 * may be NULL). SS_ECONFLICT unless the notice is issued. */
int ss_notice_answer(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t id, const char *text, const char *measures, const char *due,
                     int32_t day, struct ss_err *err);
/* A supervisor closes an answered notice, or one marked for closing. */
int ss_notice_close(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                    int64_t id, int32_t day, struct ss_err *err);
/* A supervisor returns an answered notice with a comment: issued again. */
int ss_notice_return(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t id, const char *comment, int32_t day, struct ss_err *err);

/* A file of the answer (kept already by content: sha256 hex, mime, size,
 * the name it was sent with), by a clerk of an addressed unit (or an
 * admin) while the notice is open. */
int ss_notice_evidence(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       int64_t id, const char *sha256, const char *mime, int64_t size,
                       const char *name, struct ss_err *err);

/* 0 if u may answer notice n (a reporter or reviewer of a unit it is
 * addressed to, or an admin), else SS_EFORBIDDEN with err (may be NULL). */
int ss_notice_may_answer(const struct ss_engine *e, const struct ss_user *u,
                         const struct ss_notice *n, struct ss_err *err);

/* 1 if u may read notice n: it is addressed to a unit u sees
 * (core/access.h ss_access_see). */
int ss_notice_visible(const struct ss_engine *e, const struct ss_user *u,
                      const struct ss_notice *n);

/* Notice n as JSON. flags: SS_NOTICE_HISTORY writes its history (ev,
 * nev) and its answer's files (files, nfiles: "evidence", each with the
 * console's download link, SS_NOTICE_FILE_HREF); SS_NOTICE_PUBLIC leaves
 * out every official's name, the figures, the history and the files. */
#define SS_NOTICE_HISTORY 1
#define SS_NOTICE_PUBLIC 2
void ss_notice_json(struct ss_json *j, const struct ss_engine *e, const struct ss_notice *n,
                    const struct ss_notice_event *ev, size_t nev,
                    const struct ss_notice_file *files, size_t nfiles, int flags);
/* Where a file of an answer is downloaded, for those who see the notice:
 * the notice's id, the file's. */
#define SS_NOTICE_FILE_HREF "/console/notices/%lld/evidence?file=%lld"

/* s into b, cut to at most max bytes at a character's start (the
 * messages' parts, core/remind.c too). */
void ss_notice_put_clipped(struct ss_buf *b, const char *s, size_t max);

/* Shared with supervise.c: the addressees of n (org ids, at most 2). */
size_t ss_notice_addressees(const struct ss_notice *n, int64_t out[2]);

#endif
