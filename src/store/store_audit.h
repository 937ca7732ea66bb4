/*
 * store_audit.h - the tamper-evident audit log.
 *
 * Every insert, update and delete on an audited table (org units,
 * departments, plans, projects, targets, assignments, reports, users,
 * evidence) is recorded by a trigger, in the same transaction, with the
 * row's full image as JSON. Before the transaction commits, the store seals
 * the new entries: each gets the acting user and SHA-256 over the previous
 * entry's hash and its own fields, so the entries form a chain.
 *
 * ss_store_audit_verify walks the chain and then compares every audited
 * table with the last image the log holds of each row, so a row changed,
 * inserted or deleted behind shishi's back is found even when the triggers
 * were dropped; an entry written outside shishi is never sealed, and one
 * edited afterwards no longer matches its hash.
 */
#ifndef SS_STORE_AUDIT_H
#define SS_STORE_AUDIT_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* Who the following writes on this connection are done by (copied);
 * "system" until set. */
void ss_store_set_actor(struct ss_store *st, const char *actor);

/* Append an event that is not a row change (a login, a failed login, a
 * logout, an export) with a JSON detail object (NULL for none). Sealed with
 * the transaction it is part of (its own if none is open). */
int ss_store_audit_event(struct ss_store *st, const char *action, const char *detail_json,
                         struct ss_err *err);

struct ss_audit_result {
    int64_t entries;     /* entries checked */
    int64_t rows;        /* audited rows compared with their last image */
    int64_t bad_entry;   /* first entry that does not match, or 0 */
    char what[256];      /* what is wrong, in words ("" when all is well) */
};

/* Walk the chain and compare the tables. Returns 0 when the walk ran
 * (look at r->bad_entry and r->what), <0 if it could not run. */
int ss_store_audit_verify(struct ss_store *st, struct ss_audit_result *r, struct ss_err *err);

/* Online backup to a new file (SQLite's backup API). */
int ss_store_backup(struct ss_store *st, const char *dest, struct ss_err *err);
/* Replace this database's content with a backup's (checked to be a shishi
 * database first). Stop the server before restoring. */
int ss_store_restore(struct ss_store *st, const char *src, struct ss_err *err);

#endif
