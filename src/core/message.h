/*
 * message.h - the public's messages (意见建议): a suggestion, complaint or
 * question about a project, a target or a place, sent by anyone without
 * an account, moderated, sent to the responsible unit, answered in
 * public, and rated by its writer.
 *
 * States:
 *   received  -> published (a moderator or supervisor of the place;
 *                ss_message_publish): it is shown in public, queued in the
 *                outbox to the responsible unit, and due to be answered
 *                within ss_message_days() working days
 *             -> hidden, with a reason from ss_message_reasons (the public
 *                sees how many, by reason; never the text)
 *   published -> hidden (the same, when it should not have been shown)
 *   published, answered (ss_message_reply: once, by the unit) -> the
 *                writer marks the answer helpful or not (ss_message_rate)
 * Who answers (the "responsible unit"): the org unit the message is about
 * or was sent from (a target's message from /targets/47?org=650102 goes
 * to 650102; without a place, to the plan's top unit), and the target's
 * lead department, or the project's; a message about a place goes to
 * that unit. Its reporters and reviewers reply (core/access.h
 * ss_access_reply); an account scoped to a department only for that
 * department's messages.
 *
 * Attention of the supervision office (ss_message_attention): published,
 * unanswered past the deadline; or a complaint whose answer the writer
 * marked not helpful. A supervisor may turn one about a target into a
 * supervision notice (ss_message_to_notice; core/notice.h).
 *
 * Privacy: the writer is known only by the ticket (random, 128 bits; the
 * store keeps its SHA-256) and, if they left one, a contact: a phone
 * number or an email address, checked, then sealed under the key outside
 * the database (store_seal.h, context SS_MESSAGE_CONTEXT) with a keyed
 * digest for the per-contact throttle. Nothing here ever writes a contact
 * into JSON, a page or the audit log.
 *
 * Abuse: a throttle per client address and one per contact
 * (core/throttle.h), the text's length (SS_MAX_MESSAGE), and duplicates:
 * the same text about the same thing within SS_MESSAGE_DUP_WINDOW is
 * refused (SS_ECONFLICT). The honeypot is the web's (message_web.h).
 *
 * Every change is one transaction by the acting user (u), or, with u NULL
 * (the CLI), joins the caller's transaction begun with its actor. A
 * citizen's writes are by SS_MESSAGE_ANONYMOUS.
 */
#ifndef SS_MESSAGE_H
#define SS_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/json.h"
#include "core/auth.h"
#include "core/engine.h"
#include "core/throttle.h"
#include "store/store.h"
#include "store/store_message.h"

#define SS_MESSAGE_CONTEXT "shishi contacts v1" /* store_seal.h context of contacts */
#define SS_MESSAGE_ANONYMOUS "anonymous"        /* the actor of what a citizen sends */
#define SS_MESSAGE_DAYS 15                      /* working days to answer, by default */
#define SS_MESSAGE_DAYS_MAX 90                  /* SHISHI_MESSAGE_DAYS at most */
#define SS_MESSAGE_DUP_WINDOW (24 * 3600)       /* seconds a text counts as a duplicate */
#define SS_TICKET_LEN 32                        /* hex digits of a ticket */

/* The reasons a message is hidden, in the order the public page counts
 * them (NULL-terminated). */
extern const char *const ss_message_reasons[];
#define SS_MESSAGE_NREASONS 6

/* The throttles: per client address, per contact. */
extern const struct ss_throttle_rule ss_message_per_client;
extern const struct ss_throttle_rule ss_message_per_contact;

/* Working days to answer a published message: SHISHI_MESSAGE_DAYS
 * (1..SS_MESSAGE_DAYS_MAX) when set, else SS_MESSAGE_DAYS. */
int ss_message_days(void);

/* What a citizen sends. about: "target" (target_id; org: the place it was
 * seen at, optional), "project" (project_no; org optional) or "org" (org
 * required). contact and the photo may be NULL. */
struct ss_message_in {
    const char *about;
    int64_t target_id;
    int project_no;
    const char *org;
    const char *kind; /* suggestion, complaint, question */
    const char *text;
    const char *contact;
    const char *photo_sha256, *photo_mime; /* kept already (evidence directory) */
};

/* Check in against the plan (e) without writing: 0, or SS_EINVAL /
 * SS_ENOTFOUND with err naming the field ("about", "kind", "text",
 * "contact"). */
int ss_message_check(const struct ss_engine *e, const struct ss_message_in *in, struct ss_err *err);

/* Receive a message from client (its address; NULL: no client throttle,
 * the CLI) at now (Unix seconds): checked, both throttles admitted (their
 * own transaction, before the write: SS_ETHROTTLED), duplicates refused
 * (SS_ECONFLICT), the contact sealed, stored as received in a transaction
 * by SS_MESSAGE_ANONYMOUS. *id and ticket (SS_TICKET_LEN hex digits and a
 * NUL) receive it. */
int ss_message_post(struct ss_store *st, const struct ss_engine *e, const struct ss_message_in *in,
                    const char *client, int64_t now, int64_t *id, char ticket[SS_TICKET_LEN + 1],
                    struct ss_err *err);

/* The message whose ticket this is: 0, SS_ENOTFOUND (also for a ticket
 * that is not SS_TICKET_LEN hex digits), SS_EDB. */
int ss_message_by_ticket(struct ss_store *st, const char *ticket, struct ss_message *out);

/* Publish a received message on day (u: a moderator or supervisor of its
 * place, or an admin; NULL: the CLI): its deadline is day plus
 * ss_message_days() working days, and the responsible unit is told
 * (outbox, event "message:ID:published"). SS_ECONFLICT unless received. */
int ss_message_publish(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       int64_t id, int32_t day, struct ss_err *err);
/* Hide a received or published message for reason (ss_message_reasons). */
int ss_message_hide(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                    int64_t id, const char *reason, int32_t day, struct ss_err *err);
/* The responsible unit's public answer (once; SS_MAX_REPLY bytes) to a
 * published message (u: ss_access_reply; NULL: the CLI). */
int ss_message_reply(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     int64_t id, const char *text, int32_t day, struct ss_err *err);
/* The writer (by ticket) marks the answer helpful (1) or not (0); again
 * changes the mark. SS_ECONFLICT while there is no answer. */
int ss_message_rate(struct ss_store *st, const char *ticket, int helpful, struct ss_err *err);

/* 1 when m needs the supervision office's attention on day: published
 * and unanswered past its deadline, or a complaint whose answer was
 * marked not helpful; and not yet a notice. */
int ss_message_attention(const struct ss_message *m, int32_t day);
/* A supervisor (u; NULL: the CLI) turns message id, about a target, into
 * a supervision notice to its unit with the message's text as the
 * required action; *notice receives the notice's id. */
int ss_message_to_notice(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                         int64_t id, int32_t day, int64_t *notice, struct ss_err *err);

/* 1 if u may moderate m, 1 if u may reply to m (no error). */
int ss_message_may_moderate(const struct ss_engine *e, const struct ss_user *u,
                            const struct ss_message *m);
int ss_message_may_reply(const struct ss_engine *e, const struct ss_user *u,
                         const struct ss_message *m);

/* 1 if staff u reads m (the queue, the CSV): it may moderate it, or m is
 * published and u may reply to it. A unit never reads what is not
 * published yet. */
int ss_message_staff_sees(const struct ss_engine *e, const struct ss_user *u,
                          const struct ss_message *m);

/* m as JSON. SS_MESSAGE_STAFF adds what only staff read (who moderated
 * and replied, whether a contact was left, the deadline's state); never
 * the contact itself. */
#define SS_MESSAGE_STAFF 1
void ss_message_json(struct ss_json *j, const struct ss_engine *e, const struct ss_message *m,
                     int32_t day, int flags);

#endif
