/*
 * test_outbox.c - the outbox (core/outbox.h, store/store_outbox.h) and the
 * pieces of delivery that need no network (core/deliver.h).
 *
 * Delivery pieces: DingTalk's sign against vectors computed by another
 * implementation (Python's hmac, base64 and urllib.parse.quote_plus,
 * printed below beside each), an email's encoded Subject read back, a
 * robot's answers.
 *
 * The outbox, on SQLite and PostgreSQL (backend.h): who an event goes to
 * and that putting it again queues nothing; a put outside a transaction
 * refused; a sealed secret that opens, and that is not stored in the
 * clear; two connections that never claim one message, and a sender whose
 * lease ran out losing its mark; the back-off schedule against a receiver
 * that refuses connections (a loopback port nobody listens on), with the
 * clock moved, never waited for, to the message failed for good.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */

#include "backend.h"
#include "base/buf.h"
#include "base/util.h"
#include "core/deliver.h"
#include "core/outbox.h"
#include "store/store.h"
#include "store/store_account.h"
#include "store/store_outbox.h"
#include "store/store_seal.h"
#include "txn.h"

#define T0 1780000000 /* 2026-05-28T20:26:40Z */

/* ---- delivery pieces ------------------------------------------------------- */

static void test_dingtalk_sign(void **state)
{
    /* python3: hmac.new(s, f"{ts}\n{s}", sha256) -> b64encode -> quote_plus */
    static const struct {
        const char *secret;
        int64_t ts;
        const char *sign;
    } V[] = {
        {"SEC0123456789abcdef", 1700000000000LL,
         "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"},
        {"SECx", 1, "7wsRCQGrqU21fxn1E7zFiUDn2VqRguKM%2B2Kg2yBdS8E%3D"},
    };
    char out[SS_DINGTALK_SIGN_MAX];
    size_t i;

    (void)state;
    for (i = 0; i < SS_ARRAY_LEN(V); i++) {
        ss_deliver_dingtalk_sign(V[i].secret, V[i].ts, out);
        assert_string_equal(out, V[i].sign);
    }
}

/* The Subject header of an email, its encoded-words decoded. */
static void subject_of(const char *mail, char *out, size_t cap)
{
    const char *p = strstr(mail, "\r\nSubject: "), *end;
    size_t o = 0, n;

    assert_non_null(p);
    p += 11;
    end = strstr(p, "\r\nMessage-ID:");
    assert_non_null(end);
    while (p < end) {
        const char *w = strstr(p, "=?UTF-8?B?"), *q;
        assert_true(w == p); /* nothing but encoded-words, folded */
        q = strstr(w + 10, "?=");
        assert_non_null(q);
        assert_true(q + 2 - w <= 75); /* RFC 2047's limit per word */
        assert_int_equal(sodium_base642bin((unsigned char *)out + o, cap - o - 1, w + 10,
                                           (size_t)(q - w - 10), NULL, &n, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        o += n;
        p = q + 2;
        if (strncmp(p, "\r\n ", 3) == 0)
            p += 3;
    }
    out[o] = '\0';
}

static void test_email_text(void **state)
{
    const char *subj =
        "督办〔2026〕3号：农村公路 7000 公里（天山区）进度严重滞后，请于7月20日前答复";
    struct ss_deliver_conf c = {.from = "duban@xj.example.org"};
    struct ss_deliver_msg m = {.id = 42,
                               .event_key = "notice:3:issued",
                               .kind = "email",
                               .address = "clerk@example.org",
                               .subject = subj,
                               .text = "正文\n第二行"};
    struct ss_buf b;
    char got[512];

    (void)state;
    ss_buf_init(&b, 1u << 20);
    ss_deliver_email_text(&c, &m, T0, &b);
    assert_int_equal(b.err, 0);
    assert_non_null(strstr(b.data, "Date: Thu, 28 May 2026 20:26:40 +0000\r\n"));
    assert_non_null(strstr(b.data, "\r\nFrom: <duban@xj.example.org>\r\nTo: <clerk@example.org>"));
    assert_non_null(strstr(b.data, "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
    assert_non_null(strstr(b.data, "Message-ID: <shishi.42."));
    assert_non_null(strstr(b.data, "@xj.example.org>\r\n"));
    /* the body: base64 of the text */
    assert_non_null(strstr(b.data, "\r\n\r\n5q2j5paHCuesrOS6jOihjA==\r\n"));
    subject_of(b.data, got, sizeof got);
    assert_string_equal(got, subj);
    /* a line break in a subject cannot start a header */
    ss_buf_reset(&b);
    m.subject = "plain\r\nBcc: everyone@example.org";
    ss_deliver_email_text(&c, &m, T0, &b);
    assert_null(strstr(b.data, "\r\nBcc:"));
    assert_non_null(strstr(b.data, "\r\nSubject: plain  Bcc: everyone@example.org\r\n"));
    ss_buf_cleanup(&b);
}

static int reply(const char *body, struct ss_err *err)
{
    return ss_deliver_robot_reply(body, strlen(body), err);
}

static void test_robot(void **state)
{
    struct ss_deliver_msg m = {.kind = "dingtalk", .subject = "标题\"", .text = "正文 <b>"};
    struct ss_err err;
    struct ss_buf b;

    (void)state;
    ss_buf_init(&b, 1u << 20);
    ss_deliver_robot_json(&m, &b);
    assert_string_equal(b.data, "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"标题\\\"\","
                                "\"text\":\"#### 标题\\\"\\n\\n正文 \\u003cb>\"}}");
    ss_buf_reset(&b);
    m.kind = "wecom";
    ss_deliver_robot_json(&m, &b);
    assert_string_equal(b.data, "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":"
                                "\"**标题\\\"**\\n\\n正文 \\u003cb>\"}}");
    ss_buf_cleanup(&b);
    assert_int_equal(reply("{\"errcode\":0,\"errmsg\":\"ok\"}", &err), 0);
    assert_int_equal(reply("{\"errcode\":310000,\"errmsg\":\"sign not match\"}", &err), SS_EIO);
    assert_non_null(strstr(err.msg, "errcode 310000, sign not match"));
    assert_int_equal(reply("ok", &err), SS_EIO);
    assert_int_equal(reply("{}", &err), SS_EIO);
    assert_int_equal(reply("{\"errcode\":\"0\"}", &err), SS_EIO);
}

static void test_backoff_schedule(void **state)
{
    static const int64_t WANT[] = {60, 300, 1800, 7200, 21600, 43200, 86400, 0};
    size_t i;

    (void)state;
    for (i = 0; i < SS_ARRAY_LEN(WANT); i++)
        assert_int_equal(ss_outbox_backoff((int)i + 1), WANT[i]);
    assert_int_equal(SS_OUTBOX_MAX_ATTEMPTS, 8);
}

/* ---- the outbox, on both backends ------------------------------------------ */

struct fixture {
    struct testdb db;
    struct rawdb raw;
    struct ss_store *st;
    int64_t unit, other;        /* org ids of 650102 and 650103 */
    int64_t reporter, reviewer; /* accounts of 650102 with an email address */
    char url[64];               /* a loopback URL nobody listens on */
};

static int64_t account(struct fixture *f, const char *name, const char *role, const char *org,
                       const char *email)
{
    struct ss_err err;
    int64_t id = 0;

    assert_int_equal(
        AS(f->st, "cli",
           ss_store_account_add(f->st, name, role, org, NULL, "$argon2id$x", &id, &err)),
        0);
    if (email)
        assert_int_equal(AS(f->st, "cli", ss_store_account_set_email(f->st, id, email, &err)), 0);
    return id;
}

/* A loopback port that refuses connections: bound, never listened on. */
static void dead_url(struct fixture *f)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd); /* the port is free again: a connection to it is refused */
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%u/robot/send?access_token=t",
             (unsigned)ntohs(a.sin_port));
}

static int setup(void **state)
{
    static const struct ss_org_rec orgs[] = {
        {"65", "新疆维吾尔自治区", 1, NULL},
        {"6501", "乌鲁木齐市", 2, "65"},
        {"650102", "天山区", 3, "6501"},
        {"650103", "沙依巴克区", 3, "6501"},
    };
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_org o;
    struct ss_err err;

    testdb_make(&f->db, backend_pg(state), "outbox");
    setenv("SHISHI_NOW", "1780000000", 1); /* T0: the outbox's clock when it queues */
    f->raw = testdb_raw(&f->db);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, 4, &err)), 0);
    assert_int_equal(ss_store_org_get(f->st, "650102", &o), 0);
    f->unit = o.id;
    free(o.name);
    assert_int_equal(ss_store_org_get(f->st, "650103", &o), 0);
    f->other = o.id;
    free(o.name);
    f->reporter = account(f, "clerk", "reporter", "650102", "clerk@example.org");
    f->reviewer = account(f, "checker", "reviewer", "650102", "checker@example.org");
    account(f, "reader", "viewer", "650102", "reader@example.org"); /* not written to */
    account(f, "quiet", "reporter", "650102", NULL);                /* no address */
    account(f, "next", "reporter", "650103", "next@example.org");   /* another unit */
    assert_int_equal(
        AS(f->st, "cli",
           ss_store_account_set_disabled(
               f->st, account(f, "gone", "reviewer", "650102", "gone@example.org"), 1, &err)),
        0);
    dead_url(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_store_close(f->st);
    testdb_remove(&f->db);
    free(f);
    return 0;
}

static int64_t add_channel(struct fixture *f, const char *org, const char *kind, const char *to,
                           const char *url, const char *secret)
{
    struct ss_err err;
    int64_t id = 0;

    assert_int_equal(AS(f->st, "admin:test",
                        ss_outbox_channel_add(f->st, org, kind, to, url, secret, &id, &err)),
                     0);
    return id;
}

static long count(struct fixture *f, const char *sql)
{
    return (long)rawdb_int(&f->raw, sql);
}

static void test_put_once(void **state)
{
    struct fixture *f = *state;
    struct ss_err err;
    char sql[256];

    add_channel(f, "650102", "dingtalk", NULL, f->url, "SECabc");
    add_channel(f, "650102", "email", "office@example.org", NULL, NULL);
    add_channel(f, "650103", "wecom", NULL, "https://qyapi.example.org/send?key=k", NULL);
    /* outside a transaction: refused, nothing queued */
    assert_int_equal(ss_outbox_put(f->st, "notice:1:issued", f->unit, "督办", "正文", &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "actor");
    assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
    /* two channels, the reporter and the reviewer with addresses */
    assert_int_equal(
        AS(f->st, "sup",
           ss_outbox_put(f->st, "notice:1:issued", f->unit, "督办〔2026〕1号", "正文", &err)),
        0);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 4);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE recipient IN ('account:%lld', 'account:%lld') "
             "AND kind = 'email' AND status = 'pending'",
             (long long)f->reporter, (long long)f->reviewer);
    assert_int_equal(count(f, sql), 2);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE address IN "
                              "('reader@example.org', 'gone@example.org', 'next@example.org')"),
                     0);
    /* the same event again: nothing new; another event: four more */
    assert_int_equal(
        AS(f->st, "sup",
           ss_outbox_put(f->st, "notice:1:issued", f->unit, "督办〔2026〕1号", "正文", &err)),
        0);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 4);
    assert_int_equal(AS(f->st, "sup",
                        ss_outbox_put(f->st, "notice:1:escalated:1", f->unit,
                                      "督办〔2026〕1号 升级", "正文", &err)),
                     0);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 8);
    /* a rolled-back event leaves no message */
    assert_int_equal(ss_store_begin(f->st, "sup", &err), 0);
    assert_int_equal(ss_outbox_put(f->st, "notice:2:issued", f->unit, "s", "t", &err), 0);
    ss_store_rollback(f->st);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE event_key = 'notice:2:issued'"),
                     0);
    /* bad input names its field */
    assert_int_equal(AS(f->st, "sup", ss_outbox_put(f->st, "has space", f->unit, "s", "t", &err)),
                     SS_EINVAL);
    assert_string_equal(err.field, "event_key");
    assert_int_equal(AS(f->st, "sup", ss_outbox_put(f->st, "k", f->unit, "", "t", &err)),
                     SS_EINVAL);
    assert_string_equal(err.field, "subject");
    assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 8);
}

/* store_seal.h: what is sealed opens under its own context only, two
 * seals of one text differ, a digest is stable per context, a damaged
 * value and an overlong text are refused. */
static void test_seal(void **state)
{
    struct fixture *f = *state;
    char *a = NULL, *b = NULL, *open = NULL, d1[SS_SEAL_DIGEST_HEX], d2[SS_SEAL_DIGEST_HEX],
         d3[SS_SEAL_DIGEST_HEX], *big;
    struct ss_err err;

    assert_int_equal(ss_store_seal(f->st, "ctx one", "13800138000", &a, &err), 0);
    assert_int_equal(ss_store_seal(f->st, "ctx one", "13800138000", &b, &err), 0);
    assert_null(strstr(a, "13800138000"));
    assert_string_not_equal(a, b); /* a fresh nonce each time */
    assert_int_equal(ss_store_unseal(f->st, "ctx one", a, &open, &err), 0);
    assert_string_equal(open, "13800138000");
    free(open);
    assert_int_equal(ss_store_unseal(f->st, "ctx two", a, &open, &err), SS_EIO);
    assert_null(open);
    a[strlen(a) - 3] = a[strlen(a) - 3] == 'A' ? 'B' : 'A';
    assert_int_equal(ss_store_unseal(f->st, "ctx one", a, &open, &err), SS_EIO);
    assert_int_equal(ss_store_unseal(f->st, "ctx one", "plain", &open, &err), SS_EIO);
    assert_int_equal(ss_store_seal_digest(f->st, "ctx one", "a@b.cn", d1, &err), 0);
    assert_int_equal(ss_store_seal_digest(f->st, "ctx one", "a@b.cn", d2, &err), 0);
    assert_int_equal(ss_store_seal_digest(f->st, "ctx two", "a@b.cn", d3, &err), 0);
    assert_string_equal(d1, d2);
    assert_string_not_equal(d1, d3);
    assert_int_equal(strlen(d1), 64);
    big = calloc(SS_SEAL_MAX + 2, 1);
    memset(big, 'x', SS_SEAL_MAX + 1);
    assert_int_equal(ss_store_seal(f->st, "ctx one", big, &open, &err), SS_EINVAL);
    big[SS_SEAL_MAX] = '\0';
    assert_int_equal(ss_store_seal(f->st, "ctx one", big, &open, &err), 0);
    free(open);
    assert_int_equal(ss_store_unseal(f->st, "ctx one", a, &open, &err), SS_EIO);
    free(big);
    free(a);
    free(b);
}

static void test_channels(void **state)
{
    struct fixture *f = *state;
    char secret[SS_CHANNEL_SECRET_MAX + 1], stored[512];
    struct ss_channel_rec c;
    struct ss_err err;
    int64_t id;

    id = add_channel(f, "650102", "dingtalk", NULL, f->url, "SECtopsecret42");
    assert_int_equal(ss_store_channel_get(f->st, id, &c, secret, &err), 0);
    assert_string_equal(secret, "SECtopsecret42");
    assert_true(c.has_secret);
    assert_string_equal(c.created_by, "admin:test");
    rawdb_text(&f->raw, "SELECT secret FROM channel", stored, sizeof stored);
    assert_null(strstr(stored, "SECtopsecret42"));
    assert_int_equal(strncmp(stored, "v1:", 3), 0);
    /* audited: the channel's insert is in the log */
    assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE tbl = 'channel'"), 1);
    /* refusals, each naming its flag, nothing stored */
    assert_int_equal(
        AS(f->st, "admin:test",
           ss_outbox_channel_add(f->st, "650102", "fax", NULL, f->url, NULL, &id, &err)),
        SS_EINVAL);
    assert_string_equal(err.field, "--kind");
    assert_int_equal(
        AS(f->st, "admin:test",
           ss_outbox_channel_add(f->st, "650102", "email", "no-at-sign", NULL, NULL, &id, &err)),
        SS_EINVAL);
    assert_string_equal(err.field, "--to");
    assert_int_equal(AS(f->st, "admin:test",
                        ss_outbox_channel_add(f->st, "650102", "wecom", NULL, "file:///etc/passwd",
                                              NULL, &id, &err)),
                     SS_EINVAL);
    assert_string_equal(err.field, "--url");
    assert_int_equal(
        AS(f->st, "admin:test",
           ss_outbox_channel_add(f->st, "999999", "wecom", NULL, f->url, NULL, &id, &err)),
        SS_ENOTFOUND);
    assert_string_equal(err.field, "--org");
    assert_int_equal(count(f, "SELECT count(*) FROM channel"), 1);
}

static void test_claim_once(void **state)
{
    struct fixture *f = *state;
    struct ss_store *other;
    struct ss_outbox_msg *a, *b;
    struct ss_err err;
    size_t na, nb;

    add_channel(f, "650103", "wecom", NULL, f->url, NULL);
    add_channel(f, "650103", "dingtalk", NULL, f->url, NULL);
    assert_int_equal(AS(f->st, "sup", ss_outbox_put(f->st, "e:1", f->other, "s", "t", &err)), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 3); /* and next@ */
    assert_int_equal(ss_store_open(f->db.path, 0, &other, &err), 0);
    /* without email: the two robot messages; the other connection finds none */
    assert_int_equal(ss_store_outbox_claim(f->st, T0 + 10, T0 + 610, 0, 0, 10, &a, &na, &err), 0);
    assert_int_equal(na, 2);
    assert_int_equal(ss_store_outbox_claim(other, T0 + 10, T0 + 610, 0, 0, 10, &b, &nb, &err), 0);
    assert_int_equal(nb, 0);
    ss_store_outbox_free(b, nb);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE status = 'sending'"), 2);
    /* the first sender's lease runs out: the other claims them again */
    assert_int_equal(ss_store_outbox_claim(other, T0 + 611, T0 + 1211, 0, 0, 10, &b, &nb, &err), 0);
    assert_int_equal(nb, 2);
    assert_int_equal(b[0].attempts, 2);
    /* and the first sender's mark loses; the second's wins */
    assert_int_equal(ss_store_outbox_mark(f->st, a[0].id, a[0].attempts, SS_OUTBOX_SENT, T0 + 612,
                                          0, NULL, &err),
                     SS_ECONFLICT);
    assert_int_equal(ss_store_outbox_mark(other, b[0].id, b[0].attempts, SS_OUTBOX_SENT, T0 + 612,
                                          0, NULL, &err),
                     0);
    assert_int_equal(ss_store_outbox_mark(other, b[0].id, b[0].attempts, SS_OUTBOX_SENT, T0 + 613,
                                          0, NULL, &err),
                     SS_ECONFLICT);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE status = 'sent'"), 1);
    /* with email: the one left */
    ss_store_outbox_free(a, na);
    assert_int_equal(ss_store_outbox_claim(f->st, T0 + 612, T0 + 1212, 1, 0, 10, &a, &na, &err), 0);
    assert_int_equal(na, 1);
    assert_string_equal(a[0].kind, "email");
    assert_string_equal(a[0].address, "next@example.org");
    ss_store_outbox_free(a, na);
    ss_store_outbox_free(b, nb);
    ss_store_close(other);
}

/* Unix seconds as the store writes them. */
static void stored_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void test_backoff(void **state)
{
    static const int64_t WAIT[] = {60, 300, 1800, 7200, 21600, 43200, 86400};
    struct fixture *f = *state;
    struct ss_deliver_conf conf = {.timeout_s = 5};
    struct ss_outbox_stats stats;
    struct ss_err err;
    int64_t now = T0;
    char due[32], want[32];
    size_t i;

    add_channel(f, "650103", "dingtalk", NULL, f->url, "SECdead");
    assert_int_equal(AS(f->st, "sup", ss_outbox_put(f->st, "e:2", f->other, "s", "t", &err)), 0);
    for (i = 0; i < SS_ARRAY_LEN(WAIT); i++) {
        assert_int_equal(ss_outbox_send(f->st, &conf, now, 100, &stats, &err), 0);
        assert_int_equal(stats.retried, 1);
        assert_int_equal(stats.sent + stats.failed, 0);
        assert_int_equal(count(f, "SELECT attempts FROM outbox WHERE kind = 'dingtalk'"),
                         (long)i + 1);
        /* due again after the wait, and not a second before */
        rawdb_text(&f->raw, "SELECT next_attempt_at FROM outbox WHERE kind = 'dingtalk'", due,
                   sizeof due);
        stored_time(now + WAIT[i], want);
        assert_string_equal(due, want);
        assert_int_equal(ss_outbox_send(f->st, &conf, now + WAIT[i] - 1, 100, &stats, &err), 0);
        assert_int_equal(stats.retried + stats.sent + stats.failed, 0);
        now += WAIT[i];
    }
    assert_int_equal(ss_outbox_send(f->st, &conf, now, 100, &stats, &err), 0);
    assert_int_equal(stats.failed, 1);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE status = 'failed' AND "
                              "attempts = 8 AND last_error LIKE 'the robot: %'"),
                     1);
    /* failed for good: never tried again */
    assert_int_equal(ss_outbox_send(f->st, &conf, now + 10 * 86400, 100, &stats, &err), 0);
    assert_int_equal(stats.retried + stats.sent + stats.failed, 0);
    /* the email to next@ waited: no SMTP server was given */
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'email' AND "
                              "status = 'pending' AND attempts = 0"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dingtalk_sign),
        cmocka_unit_test(test_email_text),
        cmocka_unit_test(test_robot),
        cmocka_unit_test(test_backoff_schedule),
        ON_BOTH(test_put_once, setup, teardown),
        ON_BOTH(test_channels, setup, teardown),
        ON_BOTH(test_seal, setup, teardown),
        ON_BOTH(test_claim_once, setup, teardown),
        ON_BOTH(test_backoff, setup, teardown),
    };
    return backend_run(tests);
}
