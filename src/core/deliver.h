/*
 * deliver.h - sending one message over one channel, with libcurl: email
 * over SMTP, a DingTalk group robot, a WeCom group robot. The outbox
 * (core/outbox.h) decides what to send when; this module only sends, and
 * says whether it worked.
 *
 * Every transfer has a connect timeout and a whole-transfer timeout, and
 * only the protocols of its kind (smtp/smtps, http/https; no redirects).
 * A transfer counts as sent only when the other side said so: the SMTP
 * server accepted the DATA; the robot answered 2xx with a JSON body whose
 * errcode is 0. Anything else is an error (err says what, in English in
 * err->msg for the outbox's last_error) and the outbox retries.
 *
 * Email: an RFC 5322 message, Date, From, To, Subject (RFC 2047
 * encoded-words, UTF-8, base64, when it is not plain ASCII), Message-ID
 * (the same for every attempt of one outbox row, so a receiver can drop a
 * repeat), MIME-Version, Content-Type text/plain; charset=utf-8 and the
 * body in base64. STARTTLS whenever the server offers it (CURLUSESSL_TRY);
 * smtps:// for TLS from the start; user and password in the URL.
 *
 * DingTalk: a markdown message (title and text). With a secret the URL
 * gets timestamp (milliseconds, the real clock: the robot refuses one more
 * than an hour off) and sign = URL-encoded base64 of HMAC-SHA256 keyed
 * with the secret over "timestamp\nsecret". WeCom: a markdown message
 * (content, cut to the robot's 4096 bytes at a character boundary).
 * JSON is written with base/json.h.
 */
#ifndef SS_DELIVER_H
#define SS_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define SS_DELIVER_FROM_DEFAULT "shishi@localhost"
#define SS_DELIVER_TIMEOUT_S 30 /* one whole transfer */
#define SS_DELIVER_CONNECT_S 10 /* its connection */

struct ss_deliver_conf {
    const char *smtp_url; /* smtp://host:port or smtps://...; NULL or "": no email */
    const char *from;     /* the sender's address; NULL: SS_DELIVER_FROM_DEFAULT */
    long timeout_s;       /* 0: SS_DELIVER_TIMEOUT_S */
};

struct ss_deliver_msg {
    int64_t id;            /* the outbox row (the email's Message-ID) */
    const char *event_key; /* likewise */
    const char *kind;      /* "email", "dingtalk", "wecom" */
    const char *address;   /* the email address or the webhook URL */
    const char *secret;    /* DingTalk's signing secret, NULL or "" for none */
    const char *subject;
    const char *text;
    const char *headers; /* email: extra header lines ("Name: value", one per line,
                            printable ASCII, checked by ss_outbox_check_headers), or NULL */
};

/* Send m now: 0 once the other side accepted it, else SS_EIO (it did not
 * answer, or refused) or SS_EINVAL (nothing to send it with: no SMTP
 * server for an email, an unknown kind), err saying why. */
int ss_deliver_send(const struct ss_deliver_conf *c, const struct ss_deliver_msg *m,
                    struct ss_err *err);

/* DingTalk's sign for secret at ts_ms, URL-encoded, into out (at least
 * SS_DINGTALK_SIGN_MAX bytes). */
#define SS_DINGTALK_SIGN_MAX 64
void ss_deliver_dingtalk_sign(const char *secret, int64_t ts_ms, char out[SS_DINGTALK_SIGN_MAX]);

/* The email message of m as sent at now (Unix seconds), CRLF line ends,
 * into b. */
void ss_deliver_email_text(const struct ss_deliver_conf *c, const struct ss_deliver_msg *m,
                           int64_t now, struct ss_buf *b);
/* A robot's JSON body for m into b. */
void ss_deliver_robot_json(const struct ss_deliver_msg *m, struct ss_buf *b);
/* A robot's answer: 0 when it is JSON with errcode 0, else SS_EIO. */
int ss_deliver_robot_reply(const char *body, size_t n, struct ss_err *err);

#endif
