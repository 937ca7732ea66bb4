/*
 * store_notice.h - supervision notices (督办单) as stored: the notice, its
 * history, and a plan's deadlines by grade. The rules (who may, which
 * state follows which, when a run issues or escalates) are core's
 * (core/notice.h, core/supervise.h); here are rows.
 *
 * Tables from migration 12 (store_schema.c), audited (store_audit.c).
 * Every write joins the caller's transaction, begun with the acting user
 * (ss_store_begin): SS_EINVAL without one.
 *
 * Invariants the store keeps on its own:
 *   - one open (issued or answered) notice per (target, org unit): the
 *     partial unique index notice_open; an insert that would break it is
 *     SS_ECONFLICT, checked before the write (a failed statement ends a
 *     PostgreSQL transaction);
 *   - numbers per plan and year: ss_store_notice_insert gives max + 1
 *     under the writers' lock both backends take (UNIQUE (plan_id, year,
 *     no) as well).
 */
#ifndef SS_STORE_NOTICE_H
#define SS_STORE_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* A notice row. Text fields are malloc'd (NULL when empty), dates
 * "YYYY-MM-DD" ("" when none). ss_store_notice_cleanup frees them. */
struct ss_notice {
    int64_t id;
    int64_t plan_id;
    int year, no;
    char grade[8];   /* blue, yellow, red */
    char status[12]; /* issued, answered, closed */
    char cause[12];  /* lagging, missing, manual */
    int64_t target_id;
    int64_t org_id;
    int64_t escalated_org_id; /* 0: addressed to org_id alone */
    int escalations;
    char *dept;
    char period[8]; /* "YYYY-MM" a run issued it for; "" by hand */
    char as_of[11]; /* the figures' day */
    char *figures;  /* JSON object of the figures that caused it, or NULL */
    char *action;   /* the required action */
    char issued_on[11];
    char deadline[11];
    char *issued_by;
    int to_close; /* 1: marked for closing, the figure is back on track */
    char *answer, *measures;
    char answer_due[11];
    char answered_on[11];
    char *answered_by;
    char closed_on[11];
    char *closed_by;
    char *comment; /* the last return's */
};

struct ss_notice_event {
    int64_t id;
    char kind[12]; /* issued raised escalated answered returned closed marked unmarked */
    char grade[8];
    char day[11];
    char at[21];
    char *actor;
    char *text;
};

void ss_store_notice_cleanup(struct ss_notice *n);
void ss_store_notice_events_free(struct ss_notice_event *ev, size_t n);

/* Insert n (its id, no and year ignored; year is issued_on's): *id and
 * *no receive the new id and number. SS_ECONFLICT when the cell has an
 * open notice. */
int ss_store_notice_insert(struct ss_store *st, const struct ss_notice *n, int64_t *id, int *no,
                           struct ss_err *err);
/* Write n's changeable fields (grade, status, escalation, deadline,
 * to_close, the answer, closing, comment, figures, as_of) to its row.
 * SS_ENOTFOUND when there is none. */
int ss_store_notice_update(struct ss_store *st, const struct ss_notice *n, struct ss_err *err);
/* Append to notice id's history, by the transaction's actor. */
int ss_store_notice_log(struct ss_store *st, int64_t id, const char *kind, const char *grade,
                        const char *day, const char *text, struct ss_err *err);

/* Read one: 0, SS_ENOTFOUND, or SS_EDB. */
int ss_store_notice_get(struct ss_store *st, int64_t id, struct ss_notice *out);
/* The open notice of (target, org): 1 and *out, 0 when none, <0 on error. */
int ss_store_notice_open(struct ss_store *st, int64_t target_id, int64_t org_id,
                         struct ss_notice *out);
/* 1 when (target, org) has a notice (any state) for period, 0 if not,
 * <0 on error. */
int ss_store_notice_for_period(struct ss_store *st, int64_t target_id, int64_t org_id,
                               const char *period);
/* Every notice of plan_id, newest first; status NULL: all, else that
 * one. *out is malloc'd (ss_store_notices_free). */
int ss_store_notice_list(struct ss_store *st, int64_t plan_id, const char *status,
                         struct ss_notice **out, size_t *n);
void ss_store_notices_free(struct ss_notice *list, size_t n);
/* What a message about notice id names: its target's text and the org
 * unit's name (malloc'd; the caller frees), and how many history lines
 * it has (the event's number, for an outbox key). 0, or SS_ENOTFOUND /
 * SS_EDB. */
int ss_store_notice_about(struct ss_store *st, int64_t id, char **target, char **org,
                          int64_t *events);
/* Notice id's history, oldest first. */
int ss_store_notice_events(struct ss_store *st, int64_t id, struct ss_notice_event **out,
                           size_t *n);

/* A plan's deadlines in days by grade (blue, yellow, red): its row, or
 * dflt when it has none. */
int ss_store_notice_rule(struct ss_store *st, int64_t plan_id, const int dflt[3], int days[3]);
/* Set them (each 1..90, checked by the caller). */
int ss_store_notice_rule_set(struct ss_store *st, int64_t plan_id, const int days[3],
                             struct ss_err *err);

/* A file of notice id's answer, kept by content (sha256 hex) in the
 * evidence directory (store_workflow.h), by the transaction's actor. */
int ss_store_notice_evidence_add(struct ss_store *st, int64_t id, const char *sha256,
                                 const char *mime, int64_t size, const char *name,
                                 struct ss_err *err);
/* One file of an answer, as stored. */
struct ss_notice_file {
    int64_t id;
    char sha256[65];
    char mime[64];
    int64_t size;
    char *name; /* the name it was sent with, or NULL */
    char created_at[24];
};
/* Notice id's files, oldest first; *out is malloc'd
 * (ss_store_notice_files_free). 0 or SS_EDB. */
int ss_store_notice_files(struct ss_store *st, int64_t id, struct ss_notice_file **out, size_t *n);
void ss_store_notice_files_free(struct ss_notice_file *f, size_t n);
/* The number of notice id's files. */
int64_t ss_store_notice_evidence_count(struct ss_store *st, int64_t id);

/* Reports of (target, org) dated start..end (inclusive) that are
 * submitted or approved: the count, or <0 on error. */
int64_t ss_store_notice_reports_in(struct ss_store *st, int64_t target_id, int64_t org_id,
                                   int32_t start, int32_t end);

#endif
