/*
 * store_outbox.h - delivery channels and the outbox, for core/outbox.c.
 *
 * A channel is where an org unit's messages go besides its accounts'
 * email: an email address, or a group robot's webhook (DingTalk, WeCom)
 * with the robot's secret. Channels are audited (an admin act) and their
 * writes join the caller's transaction, begun with the acting admin.
 *
 * The secret is never stored in the clear: it is sealed with
 * crypto_secretbox (XSalsa20-Poly1305) under a key derived from the audit
 * signing key's file (store_audit_key.c; BLAKE2b keyed with its seed over
 * a fixed context), which is kept outside the database. Whoever can read
 * the database but not the key file cannot read a secret; whoever can
 * read the key file can forge the log anyway. Without the key file a
 * secret can be neither sealed nor opened (SS_EIO naming the file).
 *
 * The outbox holds every message before it is sent: one row per (event
 * key, recipient), which the UNIQUE keeps to one, so an event put twice is
 * queued once. Its rows are bookkeeping, not the record (they derive from
 * audited events): queuing joins the caller's transaction (so a message
 * exists exactly when its event committed), claiming and marking begin
 * their own as the store's system actor when none is open.
 *
 * Claiming: ss_store_outbox_claim moves due rows from pending to sending
 * in one write transaction, compare-and-set on their status, and gives
 * each a lease (claimed_until). Write transactions run one at a time on
 * both backends (SQLite's lock; PostgreSQL's writers' advisory lock, see
 * store.h), so two senders, in one process or in several instances, never
 * claim one row. Marking (ss_store_outbox_mark) is compare-and-set on
 * sending: a sender whose lease ran out and whose row was claimed again
 * loses (SS_ECONFLICT). A row whose lease ran out (its sender died while
 * sending) is due again: delivery is at least once across such a crash,
 * exactly once otherwise.
 *
 * Times are Unix seconds from the caller (tests move the clock), stored
 * as YYYY-MM-DDTHH:MM:SSZ text.
 */
#ifndef SS_STORE_OUTBOX_H
#define SS_STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "store/store.h"

struct ss_channel_rec {
    int64_t id;
    int64_t org_id;
    char org[16];  /* the org unit's code */
    char kind[16]; /* "email", "dingtalk", "wecom" */
    char address[SS_CHANNEL_ADDRESS_MAX + 1];
    int has_secret;
    char created_by[128];
    char created_at[24];
};

/* Add a channel for org unit org_id (audited, by the transaction's
 * actor); secret (NULL or "" for none) is sealed. The caller checked kind
 * and address (core/outbox.c). *id receives the new id. SS_ENOTFOUND for
 * an unknown org unit, SS_EIO without the key file. */
int ss_store_channel_add(struct ss_store *st, int64_t org_id, const char *kind, const char *address,
                         const char *secret, int64_t *id, struct ss_err *err);
/* One channel; secret (may be NULL; at least SS_CHANNEL_SECRET_MAX + 1
 * bytes) receives its opened secret, "" when it has none. SS_ENOTFOUND. */
int ss_store_channel_get(struct ss_store *st, int64_t id, struct ss_channel_rec *out, char *secret,
                         struct ss_err *err);
/* Every channel, of org unit org_id (0: of all), by id; fn returning
 * non-zero stops the walk and is returned. */
typedef int (*ss_channel_fn)(void *ctx, const struct ss_channel_rec *c);
int ss_store_channel_each(struct ss_store *st, int64_t org_id, ss_channel_fn fn, void *ctx);

/* The accounts of org unit org_id that can be written to: enabled, with
 * an email address; fn gets each one's id, role and address. */
typedef int (*ss_mailbox_fn)(void *ctx, int64_t account_id, const char *role, const char *email);
int ss_store_account_mailboxes(struct ss_store *st, int64_t org_id, ss_mailbox_fn fn, void *ctx);

/* The sealing context (store_seal.h) of a citizen's contact: an outbox
 * row with sealed 1 holds its email address sealed under it. */
#define SS_OUTBOX_SEAL_CONTEXT "shishi contacts v1"

/* A message to queue. recipient says who, unique per event ("channel:7",
 * "account:12", "subscription:3"); kind and address where (the address as
 * of queuing; sealed 1: the address is sealed under SS_OUTBOX_SEAL_CONTEXT,
 * so the outbox holds no citizen's address in the clear); headers NULL, or
 * extra email header lines ("Name: value", one per line, checked by
 * core/outbox.c). */
struct ss_outbox_new {
    const char *event_key;
    const char *recipient;
    const char *kind;
    const char *address;
    int64_t org_id;
    int64_t channel_id; /* 0: none */
    int64_t account_id; /* 0: none */
    const char *subject;
    const char *text;
    int sealed;
    const char *headers;
};
/* Queue m at now, due at once, in the caller's transaction (SS_EINVAL,
 * field "actor", when none is open); nothing when (event_key, recipient)
 * is queued already. *id receives the row's id, new or not (may be NULL);
 * *added 1 when it is new (may be NULL). */
int ss_store_outbox_put(struct ss_store *st, const struct ss_outbox_new *m, int64_t now,
                        int64_t *id, int *added, struct ss_err *err);

/* A claimed message: what a sender needs. Strings are malloc'd; free the
 * array with ss_store_outbox_free. */
struct ss_outbox_msg {
    int64_t id;
    char *event_key;
    char *kind;
    char *address;
    int64_t channel_id;
    char *subject;
    char *text;
    char *headers; /* NULL: none */
    int sealed;    /* address is sealed (SS_OUTBOX_SEAL_CONTEXT) */
    int attempts;  /* including this one */
    char created_at[24];
};
/* Claim up to limit messages due at now (pending with next_attempt_at <=
 * now, or sending with a lease run out), oldest due first: each becomes
 * sending, leased until lease_until, its attempts counted. email 0 leaves
 * email messages alone (no SMTP server to send them with); only_id > 0
 * claims that message alone, if due. *out (caller frees with
 * ss_store_outbox_free) and *n receive them. */
int ss_store_outbox_claim(struct ss_store *st, int64_t now, int64_t lease_until, int email,
                          int64_t only_id, size_t limit, struct ss_outbox_msg **out, size_t *n,
                          struct ss_err *err);
void ss_store_outbox_free(struct ss_outbox_msg *m, size_t n);

enum ss_outbox_outcome { SS_OUTBOX_SENT, SS_OUTBOX_RETRY, SS_OUTBOX_FAILED };
/* The outcome of sending message id, claimed for its attempt number
 * `attempts`, at now: sent; retry (pending again, due at next_at, error
 * kept); failed (for good, error kept, next_attempt_at its last
 * attempt). Compare-and-set on the claim: SS_ECONFLICT when the message
 * is no longer this sender's (its lease ran out and another claimed it). */
int ss_store_outbox_mark(struct ss_store *st, int64_t id, int attempts,
                         enum ss_outbox_outcome outcome, int64_t now, int64_t next_at,
                         const char *error, struct ss_err *err);

/* One message's state, for the CLI and tests. */
struct ss_outbox_row {
    int64_t id;
    char event_key[SS_OUTBOX_KEY_MAX + 1];
    char recipient[64];
    char kind[16];
    char address[SS_CHANNEL_ADDRESS_MAX + 1];
    char status[16];
    int attempts;
    char next_attempt_at[24];
    char last_error[512];
    char created_at[24];
    char sent_at[24];
};
/* Every message, newest first, at most limit; status NULL: any. */
typedef int (*ss_outbox_fn)(void *ctx, const struct ss_outbox_row *r);
int ss_store_outbox_each(struct ss_store *st, const char *status, size_t limit, ss_outbox_fn fn,
                         void *ctx);

#endif
