/*
 * store_message.h - the public's messages (意见建议) as stored. What may
 * be sent, who may publish, hide or reply, and what a refusal says are
 * core's (core/message.h); here are rows.
 *
 * The table comes from migration STORE_SCHEMA_MESSAGES (store_schema.c),
 * audited (store_audit.c) without the ticket's hash, the sealed contact
 * and its digest. Every write joins the caller's transaction, begun with
 * the acting user, or "anonymous" for what a citizen sends (store.h):
 * SS_EINVAL without one.
 *
 * What callers may rely on:
 *   - a message is found by its ticket only through the ticket's SHA-256
 *     (ticket_hash, unique): the ticket itself is never stored;
 *   - the contact is stored only as the caller hands it over (sealed,
 *     store_seal.h) and is never read back by these functions but
 *     ss_store_message_contact;
 *   - the lists are in id order (oldest first) and hold at most
 *     SS_MESSAGE_LIST_MAX rows.
 */
#ifndef SS_STORE_MESSAGE_H
#define SS_STORE_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define SS_MESSAGE_LIST_MAX 1000 /* rows one list reads */

/* A message row. Text fields are malloc'd (NULL when empty); dates
 * "YYYY-MM-DD", "" when none. ss_store_message_cleanup frees them. */
struct ss_message {
    int64_t id;
    int64_t plan_id;
    char about[8]; /* target, project, org */
    int64_t target_id;
    int project_no;
    int64_t org_id; /* the place: where it was sent from, and who answers */
    char kind[12];  /* suggestion, complaint, question */
    char *text;
    char photo_sha256[65]; /* "" when none */
    char photo_mime[16];
    char status[12];      /* received, published, hidden */
    char hide_reason[16]; /* "" unless hidden */
    char *dept;           /* the responsible department, NULL when none */
    char received_at[21]; /* YYYY-MM-DDTHH:MM:SSZ */
    char received_on[11];
    char moderated_on[11];
    char *moderated_by;
    char deadline[11]; /* the reply is due by then (published ones) */
    char *reply;
    char replied_on[11];
    char *replied_by;
    int helpful; /* the writer's mark of the reply: -1 none, 0 not helpful, 1 helpful */
    int64_t notice_id;
    int has_contact;
};

void ss_store_message_cleanup(struct ss_message *m);
void ss_store_messages_free(struct ss_message *list, size_t n);

/* What a new row holds besides m's fields (m's id, status, moderation and
 * reply are ignored: it is received). */
struct ss_store_message_keys {
    const char *ticket_hash;    /* SHA-256 of the ticket, hex */
    const char *contact;        /* sealed, or NULL */
    const char *contact_digest; /* its keyed digest, or NULL */
    const char *text_digest;    /* keyed digest of what it is about and its text */
};

/* Insert m as received; *id receives its id. */
int ss_store_message_insert(struct ss_store *st, const struct ss_message *m,
                            const struct ss_store_message_keys *k, int64_t *id, struct ss_err *err);
/* Write m's status, hide_reason, moderation, deadline, reply, helpful and
 * notice_id to its row, compare-and-set on the status the caller read
 * (was): SS_ECONFLICT when it changed meanwhile, SS_ENOTFOUND when there
 * is no row. */
int ss_store_message_update(struct ss_store *st, const struct ss_message *m, const char *was,
                            struct ss_err *err);

/* Read one by id, or by the hash of its ticket: 0, SS_ENOTFOUND, SS_EDB. */
int ss_store_message_get(struct ss_store *st, int64_t id, struct ss_message *out);
int ss_store_message_by_ticket(struct ss_store *st, const char *ticket_hash,
                               struct ss_message *out);
/* Messages with text_digest received after since (YYYY-MM-DDTHH:MM:SSZ):
 * the count, or <0 on error. */
int64_t ss_store_message_dups(struct ss_store *st, const char *text_digest, const char *since);

/* What a list asks for: status NULL for any; about NULL for anything,
 * else "target" (target_id, and org_id when > 0), "project" (project_no)
 * or "org" (org_id). */
struct ss_store_message_filter {
    int64_t plan_id;
    const char *status;
    const char *about;
    int64_t target_id;
    int project_no;
    int64_t org_id;
};
/* The messages f asks for, oldest first (at most SS_MESSAGE_LIST_MAX);
 * *out is malloc'd (ss_store_messages_free). */
int ss_store_message_list(struct ss_store *st, const struct ss_store_message_filter *f,
                          struct ss_message **out, size_t *n);

/* The sealed contact of message id into *sealed (malloc'd; NULL when it
 * left none). For staff who must write back; core unseals it. */
int ss_store_message_contact(struct ss_store *st, int64_t id, char **sealed);

#endif
