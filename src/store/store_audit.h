/*
 * store_audit.h - the tamper-evident, signed audit log.
 *
 * Every insert, update and delete on an audited table (org units,
 * departments, plans, projects, targets, assignments, reports, accounts,
 * evidence, sessions) is recorded by a trigger, in the same transaction,
 * with the row's image as JSON. Before the transaction commits, the store
 * seals its new entries: each gets the transaction's actor (the one
 * ss_store_begin was given: store.h) and SHA-256 over the previous entry's
 * hash and its own fields, so the entries form a chain, and the last one
 * is signed (Ed25519) with the audit key, a file the database does not
 * hold. A signature covers, through the chain, every entry before it.
 *
 * Each audited table carries the migration that starts auditing it, and
 * each column added to one later the migration that adds it
 * (store_audit.c): those migrations make the table's triggers again, and
 * the verifier reads every entry with the columns of its time, so the
 * audit follows the schema as it grows.
 *
 * ss_store_audit_verify walks the chain, checks every signature, and then
 * compares every audited table with the last image the log holds of each
 * row, so a row changed, inserted or deleted behind shishi's back is found
 * even when the triggers were dropped; an entry written outside shishi is
 * never sealed, one edited afterwards no longer matches its hash, and one
 * sealed again by someone without the key carries no valid signature.
 *
 * The key: a file beside the database (DB.key) unless
 * ss_store_audit_key_file names another (on PostgreSQL, which has no file
 * to put it beside, it must be named). The first signed commit creates
 * it (mode 0600) if the log records no key yet, and appends an entry that
 * records the public key. From then on a write with the key file missing,
 * or holding another key, is refused: no lost key starts a new chain.
 */
#ifndef SS_STORE_AUDIT_H
#define SS_STORE_AUDIT_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* The file holding the audit signing key, for every store opened
 * afterwards in this process (NULL or "": DB.key beside each database).
 * Call it before opening stores; it is not synchronised. */
void ss_store_audit_key_file(const char *path);

/* Append an event that is not a row change (a login, a failed login, a
 * logout, an export) with a JSON detail object (NULL for none), in the
 * caller's transaction (refused when none is open), sealed with its
 * actor. */
int ss_store_audit_event(struct ss_store *st, const char *action, const char *detail_json,
                         struct ss_err *err);

struct ss_audit_result {
    int64_t entries;     /* entries checked */
    int64_t rows;        /* audited rows compared with their last image */
    int64_t bad_entry;   /* first entry that does not match, or 0 */
    int64_t head_entry;  /* the last entry, and its hash: publish them (a bulletin, */
    char head_hash[65];  /* a letter) and a later verify can be anchored to them */
    int64_t signed_from; /* the first entry signed (0: no entry is); entries before it
                            were written before signing began: chained, and covered by
                            the later signatures, but not signed when written */
    int64_t signatures;  /* signatures that verified */
    char public_key[65]; /* the key the log records, hex ("" when none) */
    char what[512];      /* what is wrong, in words ("" when all is well) */
};

/* An entry's hash as published earlier. Without one, someone who can write
 * the database file can cut entries off the end of the log (and the rows
 * they changed) and leave a chain that verifies; with one, the entry must
 * still be there with the same hash. */
struct ss_audit_anchor {
    int64_t entry;
    char hash[65];
};

/* What a verification is held against, from outside the database: an
 * anchor (entry 0: none) and the public key as published (hex; "": the
 * key the log records, which whoever rewrites the log can replace). */
struct ss_audit_expect {
    struct ss_audit_anchor anchor;
    char public_key[65];
};

/* Parse "ENTRY:HASH" (a positive entry number, 64 hex digits). */
int ss_audit_anchor_parse(const char *s, struct ss_audit_anchor *a, struct ss_err *err);
/* The chain's head as committed: the last sealed entry and its hash
 * (entry 0 and "" while the log is empty). Inside a write transaction it
 * is the head that transaction's entries will follow: what a bulletin
 * prints, so `audit verify --anchor` can later be held to it. */
int ss_store_audit_head(struct ss_store *st, struct ss_audit_anchor *out, struct ss_err *err);
/* Parse a public key (64 hex digits) into out, lower case. */
int ss_audit_public_key_parse(const char *s, char out[65], struct ss_err *err);

/* Walk the chain, checking each signature (against want->public_key when
 * given) and the anchor, then compare the tables. want may be NULL.
 * Returns 0 when the walk ran (look at r->bad_entry and r->what), <0 if it
 * could not run. Failures: an entry never sealed, changed, removed or out
 * of order; a signature that does not verify (named by its entry); entries
 * after signing began that no signature covers; a second signing key; no
 * signature at all when a public key is given; on PostgreSQL, entries a
 * transaction committed without sealing (bad_entry -1); a row that differs
 * from the log. */
int ss_store_audit_verify(struct ss_store *st, const struct ss_audit_expect *want,
                          struct ss_audit_result *r, struct ss_err *err);

struct ss_audit_key_info {
    char file[1024];     /* the key file this database signs with */
    char public_key[65]; /* hex: the key the log records, else the file's, else "" */
    int64_t entry;       /* the entry recording the key; 0: none yet */
    int64_t signed_from; /* the first entry signed; 0: none yet */
    int created;         /* (ensure) the key file was created just now */
};

/* The signing key as the log records it and the key file holds it;
 * reads only. Returns 0 when the key file is there and holds the recorded
 * key (or any key, while none is recorded); otherwise info is filled as
 * far as known and err says what is wrong: SS_ENOTFOUND no key file,
 * SS_ECONFLICT another key, SS_EIO unreadable or readable by others. */
int ss_store_audit_key_info(struct ss_store *st, struct ss_audit_key_info *info,
                            struct ss_err *err);
/* Make sure writes can be signed: read the key file, creating it when the
 * log records no key yet, and record the key in the log (one signed entry,
 * the store's own: no actor needed) if it is not yet. Refuses as writes do
 * when the file is missing or holds another key. info may be NULL. */
int ss_store_audit_key_ensure(struct ss_store *st, struct ss_audit_key_info *info,
                              struct ss_err *err);

/* Online backup to a new file (SQLite's backup API). On PostgreSQL both
 * refuse (SS_EINVAL), naming pg_dump and pg_basebackup. */
int ss_store_backup(struct ss_store *st, const char *dest, struct ss_err *err);
/* Replace this database's content with a backup's (checked to be a shishi
 * database first). Stop the server before restoring. The key file is not
 * part of the database: a backup is signed with the key of the database
 * it was taken from. */
int ss_store_restore(struct ss_store *st, const char *src, struct ss_err *err);

#endif
