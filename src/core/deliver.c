/*
 * deliver.c - one message over one channel with libcurl (see deliver.h).
 *
 * libcurl is initialised once per process (pthread_once), before the
 * first transfer; every transfer is its own easy handle, with
 * CURLOPT_NOSIGNAL (the server's threads own the signals), timeouts, and
 * only its kind's protocols, so a channel URL of file:// or a redirect to
 * one never reads anything. What the other side answered is read into a
 * capped buffer (REPLY_MAX): a robot's answer is a few dozen bytes.
 */
#include "core/deliver.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "base/escape.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"

#define REPLY_MAX (64u << 10)
#define MESSAGE_MAX (1u << 20)
#define WECOM_CONTENT_MAX 4096
/* bytes of UTF-8 per RFC 2047 encoded-word: base64 of 45 bytes is 60
 * characters, which with =?UTF-8?B? and ?= stays within 75 */
#define WORD_BYTES 45

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

static void curl_start(void)
{
    curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

/* ---- pieces ----------------------------------------------------------------- */

void ss_deliver_dingtalk_sign(const char *secret, int64_t ts_ms, char out[SS_DINGTALK_SIGN_MAX])
{
    static const char HEX[] = "0123456789ABCDEF";
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char b64[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    crypto_auth_hmacsha256_state h;
    char msg[32];
    size_t i, o = 0;
    int n = snprintf(msg, sizeof msg, "%lld\n", (long long)ts_ms);

    crypto_auth_hmacsha256_init(&h, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)msg, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_final(&h, mac);
    sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
    /* base64's + / = are the only characters a query needs escaped */
    for (i = 0; b64[i] && o + 4 < SS_DINGTALK_SIGN_MAX; i++) {
        if (b64[i] == '+' || b64[i] == '/' || b64[i] == '=') {
            out[o++] = '%';
            out[o++] = HEX[(unsigned char)b64[i] >> 4];
            out[o++] = HEX[(unsigned char)b64[i] & 15];
        } else {
            out[o++] = b64[i];
        }
    }
    out[o] = '\0';
    sodium_memzero(&h, sizeof h);
}

/* s with every control character (line breaks too) as a space, for a
 * header. malloc'd. */
static char *one_line(const char *s)
{
    char *t = ss_xstrdup(s ? s : ""), *p;

    for (p = t; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return t;
}

static void put_base64(struct ss_buf *b, const unsigned char *p, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *t = ss_xmalloc(cap);

    sodium_bin2base64(t, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
    ss_buf_puts(b, t);
    free(t);
}

/* A header's text: as it is when printable ASCII, else RFC 2047
 * encoded-words of whole characters, folded one per line. */
static void put_header_text(struct ss_buf *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i, start, seq;
    int ascii = 1;

    for (i = 0; i < n; i++)
        if (u[i] >= 0x80)
            ascii = 0;
    if (ascii) {
        ss_buf_puts(b, s);
        return;
    }
    for (start = 0; start < n;) {
        i = start;
        while (i < n) {
            seq = ss_utf8_seq(u + i, n - i);
            if (!seq)
                seq = 1; /* checked as UTF-8 before it was queued; stay safe */
            if (i + seq - start > WORD_BYTES)
                break;
            i += seq;
        }
        if (start)
            ss_buf_puts(b, "\r\n ");
        ss_buf_puts(b, "=?UTF-8?B?");
        put_base64(b, u + start, i - start);
        ss_buf_puts(b, "?=");
        start = i;
    }
}

/* The domain of an address, for the Message-ID. */
static const char *domain_of(const char *addr)
{
    const char *at = strrchr(addr, '@');

    return at && at[1] ? at + 1 : "localhost";
}

/* The message's own header lines, each "Name: value" of printable ASCII
 * (a line with anything else, which could end the header or start
 * another, is dropped; core/outbox.c refuses such lines before they are
 * queued), with CRLF. */
static void put_extra_headers(struct ss_buf *b, const char *h)
{
    while (h && *h) {
        size_t n = strcspn(h, "\n"), i;
        int ok = n > 0 && memchr(h, ':', n) != NULL && h[0] != ' ';

        for (i = 0; i < n && ok; i++)
            ok = (unsigned char)h[i] >= ' ' && (unsigned char)h[i] < 0x7f;
        if (ok) {
            ss_buf_put(b, h, n);
            ss_buf_puts(b, "\r\n");
        }
        h += n;
        if (*h == '\n')
            h++;
    }
}

void ss_deliver_email_text(const struct ss_deliver_conf *c, const struct ss_deliver_msg *m,
                           int64_t now, struct ss_buf *b)
{
    static const char *const DAY[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const MON[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const char *from = c->from && *c->from ? c->from : SS_DELIVER_FROM_DEFAULT;
    unsigned char tag[8];
    char taghex[2 * sizeof tag + 1], *subject = one_line(m->subject);
    const char *key = m->event_key ? m->event_key : "";
    time_t t = (time_t)now;
    struct tm tm;
    size_t i, n, len;

    gmtime_r(&t, &tm);
    crypto_generichash(tag, sizeof tag, (const unsigned char *)key, strlen(key), NULL, 0);
    sodium_bin2hex(taghex, sizeof taghex, tag, sizeof tag);
    ss_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", DAY[tm.tm_wday % 7],
                  tm.tm_mday, MON[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    ss_buf_printf(b, "From: <%s>\r\nTo: <%s>\r\nSubject: ", from, m->address);
    put_header_text(b, subject);
    ss_buf_printf(b,
                  "\r\nMessage-ID: <shishi.%lld.%s@%s>\r\nMIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n",
                  (long long)m->id, taghex, domain_of(from));
    put_extra_headers(b, m->headers);
    ss_buf_puts(b, "\r\n");
    /* the body in lines of 76 base64 characters (57 bytes each) */
    len = strlen(m->text);
    for (i = 0; i < len; i += n) {
        n = len - i < 57 ? len - i : 57;
        put_base64(b, (const unsigned char *)m->text + i, n);
        ss_buf_puts(b, "\r\n");
    }
    free(subject);
}

/* The first at most max bytes of s, cut at a character boundary. */
static size_t cut_utf8(const char *s, size_t max)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, seq;

    while (i < n) {
        seq = ss_utf8_seq(u + i, n - i);
        if (!seq)
            seq = 1;
        if (i + seq > max)
            break;
        i += seq;
    }
    return i;
}

void ss_deliver_robot_json(const struct ss_deliver_msg *m, struct ss_buf *b)
{
    struct ss_buf t;
    struct ss_json j;
    char *subject = one_line(m->subject);

    ss_buf_init(&t, MESSAGE_MAX);
    ss_json_init(&j, b, 0);
    ss_json_obj(&j);
    ss_json_kstr(&j, "msgtype", "markdown");
    ss_json_key(&j, "markdown");
    ss_json_obj(&j);
    if (strcmp(m->kind, "wecom") == 0) {
        ss_buf_printf(&t, "**%s**\n\n%s", subject, m->text);
        ss_json_key(&j, "content");
        ss_json_strn(&j, t.data ? t.data : "", t.data ? cut_utf8(t.data, WECOM_CONTENT_MAX) : 0);
    } else {
        ss_buf_printf(&t, "#### %s\n\n%s", subject, m->text);
        ss_json_kstr(&j, "title", subject);
        ss_json_kstr(&j, "text", t.data ? t.data : "");
    }
    ss_json_obj_end(&j);
    ss_json_obj_end(&j);
    ss_buf_cleanup(&t);
    free(subject);
}

int ss_deliver_robot_reply(const char *body, size_t n, struct ss_err *err)
{
    json_t *o = json_loadb(body ? body : "", n, 0, NULL), *code, *msg;
    int rc = SS_OK;

    code = json_is_object(o) ? json_object_get(o, "errcode") : NULL;
    msg = json_is_object(o) ? json_object_get(o, "errmsg") : NULL;
    if (!json_is_integer(code))
        rc = ss_err_set(err, SS_EIO, "", "the robot's answer is not JSON with an errcode: %.200s",
                        body ? body : "");
    else if (json_integer_value(code) != 0)
        rc = ss_err_set(err, SS_EIO, "", "the robot refused the message: errcode %lld, %.200s",
                        (long long)json_integer_value(code),
                        json_is_string(msg) ? json_string_value(msg) : "");
    json_decref(o);
    return rc;
}

/* ---- transfers -------------------------------------------------------------- */

struct upload {
    const char *p;
    size_t left;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *ctx)
{
    struct upload *u = ctx;
    size_t n = size * nmemb < u->left ? size * nmemb : u->left;

    memcpy(ptr, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *ctx)
{
    ss_buf_put(ctx, ptr, size * nmemb);
    return size * nmemb;
}

/* A handle with what every transfer needs. */
static CURL *easy(const struct ss_deliver_conf *c, const char *protocols, char *errbuf,
                  struct ss_err *err)
{
    CURL *h;

    pthread_once(&curl_once, curl_start);
    if (!curl_ready || !(h = curl_easy_init())) {
        ss_err_set(err, SS_EIO, "", "libcurl could not be initialised");
        return NULL;
    }
    errbuf[0] = '\0';
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)SS_DELIVER_CONNECT_S);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s > 0 ? c->timeout_s : SS_DELIVER_TIMEOUT_S);
    return h;
}

static int transfer_failed(CURLcode rc, const char *errbuf, const char *where, struct ss_err *err)
{
    return ss_err_set(err, SS_EIO, "", "%s: %s", where,
                      errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

static int send_email(const struct ss_deliver_conf *c, const struct ss_deliver_msg *m,
                      struct ss_err *err)
{
    const char *from = c->from && *c->from ? c->from : SS_DELIVER_FROM_DEFAULT;
    char errbuf[CURL_ERROR_SIZE], addr[SS_CHANNEL_ADDRESS_MAX + 3];
    struct curl_slist *rcpt = NULL;
    struct upload up;
    struct ss_buf b;
    CURLcode crc;
    CURL *h;
    int rc = SS_OK;

    if (!c->smtp_url || !*c->smtp_url)
        return ss_err_set(err, SS_EINVAL, "smtp",
                          "no SMTP server to send email with (--smtp URL or SHISHI_SMTP_URL)");
    if (!(h = easy(c, "smtp,smtps", errbuf, err)))
        return SS_EIO;
    ss_buf_init(&b, MESSAGE_MAX);
    ss_deliver_email_text(c, m, (int64_t)time(NULL), &b);
    up.p = b.data;
    up.left = b.len;
    snprintf(addr, sizeof addr, "<%s>", m->address);
    rcpt = curl_slist_append(rcpt, addr);
    snprintf(addr, sizeof addr, "<%s>", from);
    curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    if (b.err)
        rc = ss_err_set(err, SS_EINVAL, "", "the message is too long to send");
    else if ((crc = curl_easy_perform(h)) != CURLE_OK)
        rc = transfer_failed(crc, errbuf, "the SMTP server", err);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    ss_buf_cleanup(&b);
    return rc;
}

/* The robot's URL: the channel's, with timestamp and sign for a DingTalk
 * robot with a secret. */
static void robot_url(const struct ss_deliver_msg *m, struct ss_buf *u)
{
    char sign[SS_DINGTALK_SIGN_MAX];
    struct timeval tv;
    int64_t ms;

    ss_buf_puts(u, m->address);
    if (strcmp(m->kind, "dingtalk") != 0 || !m->secret || !*m->secret)
        return;
    gettimeofday(&tv, NULL);
    ms = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
    ss_deliver_dingtalk_sign(m->secret, ms, sign);
    ss_buf_printf(u, "%ctimestamp=%lld&sign=%s", strchr(m->address, '?') ? '&' : '?', (long long)ms,
                  sign);
}

static int send_robot(const struct ss_deliver_conf *c, const struct ss_deliver_msg *m,
                      struct ss_err *err)
{
    char errbuf[CURL_ERROR_SIZE];
    struct curl_slist *hdr = NULL;
    struct ss_buf body, url, reply;
    CURLcode crc;
    long status = 0;
    CURL *h;
    int rc = SS_OK;

    if (!(h = easy(c, "http,https", errbuf, err)))
        return SS_EIO;
    ss_buf_init(&body, MESSAGE_MAX);
    ss_buf_init(&url, 4096);
    ss_buf_init(&reply, REPLY_MAX);
    ss_deliver_robot_json(m, &body);
    robot_url(m, &url);
    hdr = curl_slist_append(hdr, "Content-Type: application/json; charset=utf-8");
    curl_easy_setopt(h, CURLOPT_URL, url.data ? url.data : "");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data ? body.data : "");
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body.len);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
    if (body.err || url.err)
        rc = ss_err_set(err, SS_EINVAL, "", "the message is too long to send");
    else if ((crc = curl_easy_perform(h)) != CURLE_OK)
        rc = transfer_failed(crc, errbuf, "the robot", err);
    else if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status), status < 200 || status > 299)
        rc = ss_err_set(err, SS_EIO, "", "the robot answered HTTP %ld", status);
    else
        rc = ss_deliver_robot_reply(reply.data, reply.len, err);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    ss_buf_cleanup(&body);
    ss_buf_cleanup(&url);
    ss_buf_cleanup(&reply);
    return rc;
}

int ss_deliver_send(const struct ss_deliver_conf *c, const struct ss_deliver_msg *m,
                    struct ss_err *err)
{
    if (strcmp(m->kind, "email") == 0)
        return send_email(c, m, err);
    if (strcmp(m->kind, "dingtalk") == 0 || strcmp(m->kind, "wecom") == 0)
        return send_robot(c, m, err);
    return ss_err_set(err, SS_EINVAL, "kind", "'%s' is not a kind of channel", m->kind);
}
