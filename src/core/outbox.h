/*
 * outbox.h - messages to people about events (a notice issued, escalated,
 * answered or returned; a reminder), stored before they are sent, sent
 * by a background thread of `shishi serve` or by `shishi notify send`,
 * retried with back-off, marked failed after a limit, and never queued
 * twice for one event and recipient.
 *
 * Queuing (ss_outbox_put) runs inside the caller's write transaction, the
 * one that records the event: the messages exist exactly when the event
 * committed, and a rolled-back event leaves none. The event key names the
 * event once and for all ("notice:17:issued", "notice:17:escalated:2",
 * "reminder:2026-07:650102"): putting the same key again queues nothing
 * for a recipient that has it, so a check run twice, or a retried
 * request, sends nothing twice.
 *
 * Recipients of a unit's event: every channel of the org unit (its email
 * addresses and group robots), and every enabled account of the unit with
 * an email address whose role is reporter or reviewer (the people who see
 * a unit's notices and answer them; admins, viewers and other units'
 * supervisors are not written to). A unit with none gets no message.
 *
 * Sending (ss_outbox_send) claims due messages (store_outbox.h: one
 * sender per message, across processes and instances), sends each
 * (core/deliver.h), and records the outcome: sent; or retried after
 * 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h; failed for good after the
 * eighth failed attempt, its last error kept. The clock is the caller's
 * (now, Unix seconds), so tests move it instead of waiting.
 *
 * Errors: 0 or a negative SS_E*, err saying what and where (the field
 * names the input).
 */
#ifndef SS_OUTBOX_H
#define SS_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/deliver.h"
#include "store/store.h"

/* Attempts before a message is failed for good. */
#define SS_OUTBOX_MAX_ATTEMPTS 8

/* Queue a message about event_key to every recipient of org unit org_id
 * (see above), in the caller's transaction (SS_EINVAL, field "actor",
 * when none is open). subject (one line, at most SS_OUTBOX_SUBJECT_MAX
 * bytes) and text (SS_OUTBOX_TEXT_MAX) are UTF-8; event_key printable
 * ASCII, at most SS_OUTBOX_KEY_MAX bytes. 0 also when the unit has no
 * recipient, or every recipient has the event already. */
int ss_outbox_put(struct ss_store *st, const char *event_key, int64_t org_id, const char *subject,
                  const char *text, struct ss_err *err);
/* The same to some accounts of org unit org_id alone (not its channels):
 * those with an email address for which pick(ctx, account_id, role)
 * returns 1 (a reviewer of the unit above, the supervisors of a scope,
 * one reporter). *found (may be NULL) receives how many were picked,
 * queued now or before. */
typedef int (*ss_outbox_pick_fn)(void *ctx, int64_t account_id, const char *role);
int ss_outbox_put_accounts(struct ss_store *st, const char *event_key, int64_t org_id,
                           ss_outbox_pick_fn pick, void *pick_ctx, const char *subject,
                           const char *text, size_t *found, struct ss_err *err);
/* The same to one channel alone (channel test); *id receives the
 * message's id (may be NULL). SS_ENOTFOUND for an unknown channel. */
int ss_outbox_put_channel(struct ss_store *st, const char *event_key, int64_t channel_id,
                          const char *subject, const char *text, int64_t *id, struct ss_err *err);

/* Queue an email to one citizen (a subscriber), in the caller's
 * transaction: recipient names them for good ("subscription:3"), sealed
 * is their address sealed under SS_OUTBOX_SEAL_CONTEXT (store_outbox.h;
 * the outbox never holds it in the clear: the sender opens it), org_id
 * the unit the message is about, headers NULL or extra header lines
 * (ss_outbox_check_headers). Queued once per (event_key, recipient). */
int ss_outbox_put_sealed(struct ss_store *st, const char *event_key, const char *recipient,
                         int64_t org_id, const char *sealed, const char *subject, const char *text,
                         const char *headers, struct ss_err *err);
/* 0 when h is header lines shishi may send: "Name: value" lines of
 * printable ASCII, a name of letters, digits and '-', at most
 * SS_OUTBOX_HEADERS_MAX bytes in all; else SS_EINVAL (field "headers"). */
#define SS_OUTBOX_HEADERS_MAX 1024
int ss_outbox_check_headers(const char *h, struct ss_err *err);

/* Add a channel to org unit org_code, in the caller's transaction
 * (audited): kind "email" with to (an address), or "dingtalk" / "wecom"
 * with url (http:// or https://) and, for DingTalk, an optional signing
 * secret. Checked first, each refusal naming the flag. */
int ss_outbox_channel_add(struct ss_store *st, const char *org_code, const char *kind,
                          const char *to, const char *url, const char *secret, int64_t *id,
                          struct ss_err *err);
/* 0 when addr is an email address shishi will write to (one @, no
 * spaces, quotes, angle brackets or control characters, at most 254
 * bytes), else SS_EINVAL naming field. */
int ss_outbox_check_email(const char *field, const char *addr, struct ss_err *err);

/* What one send did. */
struct ss_outbox_stats {
    int sent;
    int retried; /* failed this time, due again later */
    int failed;  /* failed for good */
    char last_error[512];
};
/* Send up to limit messages due at now (email only with conf->smtp_url).
 * 0 however the deliveries went (stats says), or an error of the store. */
int ss_outbox_send(struct ss_store *st, const struct ss_deliver_conf *conf, int64_t now,
                   size_t limit, struct ss_outbox_stats *stats, struct ss_err *err);
/* Send message id now if it is due (channel test). */
int ss_outbox_send_id(struct ss_store *st, const struct ss_deliver_conf *conf, int64_t now,
                      int64_t id, struct ss_outbox_stats *stats, struct ss_err *err);
/* Seconds until the next attempt after `attempts` failed ones; 0 when the
 * message is failed for good. */
int64_t ss_outbox_backoff(int attempts);

/* The outbox's clock: $SHISHI_NOW (Unix seconds, or YYYY-MM-DDTHH:MM:SSZ)
 * when set, else the system's. ss_outbox_parse_time reads either form
 * (SS_EINVAL naming field). */
int64_t ss_outbox_clock(void);
int ss_outbox_parse_time(const char *field, const char *s, int64_t *out, struct ss_err *err);

/* A thread that sends due messages every `every_s` seconds over its own
 * connection to db (shishi serve). start copies conf; stop wakes the
 * thread, waits for the send under way (each transfer has its timeout),
 * and frees it. */
struct ss_outbox_runner;
int ss_outbox_runner_start(const char *db, const struct ss_deliver_conf *conf, unsigned every_s,
                           struct ss_outbox_runner **out, struct ss_err *err);
void ss_outbox_runner_stop(struct ss_outbox_runner *r);

#endif
