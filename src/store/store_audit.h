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
    int64_t head_entry;  /* the last entry, and its hash: publish them (a bulletin, */
    char head_hash[65];  /* a letter) and a later verify can be anchored to them */
    char what[256];      /* what is wrong, in words ("" when all is well) */
};

/* An entry's hash as published earlier. Without one, someone who can write
 * the database file and recomputes every hash from the first entry they
 * change onwards leaves a chain that verifies; with one, the entry must
 * still be there with the same hash, so nothing up to it was rewritten. */
struct ss_audit_anchor {
    int64_t entry;
    char hash[65];
};

/* Parse "ENTRY:HASH" (a positive entry number, 64 hex digits). */
int ss_audit_anchor_parse(const char *s, struct ss_audit_anchor *a, struct ss_err *err);

/* Walk the chain (checking the anchor when one is given) and compare the
 * tables. Returns 0 when the walk ran (look at r->bad_entry and r->what),
 * <0 if it could not run. */
int ss_store_audit_verify(struct ss_store *st, const struct ss_audit_anchor *anchor,
                          struct ss_audit_result *r, struct ss_err *err);

/* Online backup to a new file (SQLite's backup API). */
int ss_store_backup(struct ss_store *st, const char *dest, struct ss_err *err);
/* Replace this database's content with a backup's (checked to be a shishi
 * database first). Stop the server before restoring. */
int ss_store_restore(struct ss_store *st, const char *src, struct ss_err *err);

#endif
