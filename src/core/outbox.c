/*
 * outbox.c - queuing messages for an event's recipients, and sending the
 * due ones with back-off (see outbox.h). The SQL is store_outbox.c's; the
 * transfers deliver.c's.
 *
 * A send claims a few messages at a time (BATCH) with a lease of LEASE_S,
 * far longer than BATCH transfers at their timeout, so a lease runs out
 * only when its sender died; the message is then due again (at least once
 * across a crash, see store_outbox.h).
 */
#include "core/outbox.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/util.h"
#include "store/store_outbox.h"
#include "store/store_seal.h"

#define BATCH 8
#define LEASE_S 600

/* seconds after the n-th failed attempt (n = 1 ...) */
static const int64_t BACKOFF[SS_OUTBOX_MAX_ATTEMPTS - 1] = {
    60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600, 12 * 3600, 24 * 3600,
};

int64_t ss_outbox_backoff(int attempts)
{
    if (attempts < 1)
        return BACKOFF[0];
    if (attempts >= SS_OUTBOX_MAX_ATTEMPTS)
        return 0;
    return BACKOFF[attempts - 1];
}

/* ---- the clock -------------------------------------------------------------- */

int ss_outbox_parse_time(const char *field, const char *s, int64_t *out, struct ss_err *err)
{
    char day[11];
    int32_t d;
    long v;
    int h, m, sec;

    if (s && ss_parse_long(s, &v) == 0 && v > 0) {
        *out = v;
        return SS_OK;
    }
    if (s && strlen(s) == 20 && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z' &&
        sscanf(s + 11, "%2d:%2d:%2d", &h, &m, &sec) == 3 && h >= 0 && h < 24 && m >= 0 && m < 60 &&
        sec >= 0 && sec < 60) {
        memcpy(day, s, 10);
        day[10] = '\0';
        if (ss_date_parse(day, &d) == SS_OK) {
            *out = (int64_t)d * 86400 + h * 3600 + m * 60 + sec;
            return SS_OK;
        }
    }
    return ss_err_set(err, SS_EINVAL, field,
                      "'%.40s' is not a time: Unix seconds or YYYY-MM-DDTHH:MM:SSZ (UTC)",
                      s ? s : "");
}

int64_t ss_outbox_clock(void)
{
    const char *env = getenv("SHISHI_NOW");
    int64_t t;

    if (env && *env && ss_outbox_parse_time("SHISHI_NOW", env, &t, NULL) == SS_OK)
        return t;
    return (int64_t)time(NULL);
}

/* ---- checks ----------------------------------------------------------------- */

/* 1 when s is printable ASCII without spaces (URLs, secrets, event keys). */
static int plain_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

int ss_outbox_check_email(const char *field, const char *addr, struct ss_err *err)
{
    const char *at = addr ? strchr(addr, '@') : NULL, *p;
    size_t n = addr ? strlen(addr) : 0;

    if (!n)
        return ss_err_set(err, SS_EINVAL, field, "an email address is missing");
    if (n > 254)
        return ss_err_set(err, SS_EINVAL, field, "an email address is at most 254 bytes");
    for (p = addr; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("<>()[]\\,;:\"", *p))
            return ss_err_set(err, SS_EINVAL, field,
                              "'%.80s' is not an email address shishi writes to: it holds '%c'",
                              addr, (unsigned char)*p < 0x7f && *p > ' ' ? *p : '?');
    if (!at || at == addr || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
        at[1] == '.' || addr[n - 1] == '.')
        return ss_err_set(err, SS_EINVAL, field,
                          "'%.80s' is not an email address (name@example.org)", addr);
    return SS_OK;
}

static int check_url(const char *url, struct ss_err *err)
{
    if (!url || !*url)
        return ss_err_set(err, SS_EINVAL, "--url", "a robot's webhook URL is missing");
    if (strlen(url) > SS_CHANNEL_ADDRESS_MAX)
        return ss_err_set(err, SS_EINVAL, "--url", "a webhook URL is at most %d bytes",
                          SS_CHANNEL_ADDRESS_MAX);
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return ss_err_set(err, SS_EINVAL, "--url",
                          "'%.80s' is not a webhook URL: it starts with https:// (or http://)",
                          url);
    if (!plain_ascii(url))
        return ss_err_set(err, SS_EINVAL, "--url",
                          "a webhook URL holds no spaces, control or non-ASCII characters");
    return SS_OK;
}

static int check_secret(const char *secret, struct ss_err *err)
{
    if (strlen(secret) > SS_CHANNEL_SECRET_MAX)
        return ss_err_set(err, SS_EINVAL, "--secret", "a secret is at most %d bytes",
                          SS_CHANNEL_SECRET_MAX);
    if (!plain_ascii(secret))
        return ss_err_set(err, SS_EINVAL, "--secret",
                          "a secret holds no spaces, control or non-ASCII characters");
    return SS_OK;
}

static int check_message(const char *event_key, const char *subject, const char *text,
                         struct ss_err *err)
{
    if (!event_key || !*event_key || strlen(event_key) > SS_OUTBOX_KEY_MAX)
        return ss_err_set(err, SS_EINVAL, "event_key", "an event key is 1 to %d bytes",
                          SS_OUTBOX_KEY_MAX);
    if (!plain_ascii(event_key))
        return ss_err_set(err, SS_EINVAL, "event_key",
                          "an event key is printable ASCII without spaces");
    if (!subject || !*subject || strlen(subject) > SS_OUTBOX_SUBJECT_MAX ||
        !ss_utf8_valid(subject, strlen(subject)))
        return ss_err_set(err, SS_EINVAL, "subject", "a subject is 1 to %d bytes of UTF-8",
                          SS_OUTBOX_SUBJECT_MAX);
    if (!text || strlen(text) > SS_OUTBOX_TEXT_MAX || !ss_utf8_valid(text, strlen(text)))
        return ss_err_set(err, SS_EINVAL, "text", "a message's text is at most %d bytes of UTF-8",
                          SS_OUTBOX_TEXT_MAX);
    return SS_OK;
}

int ss_outbox_channel_add(struct ss_store *st, const char *org_code, const char *kind,
                          const char *to, const char *url, const char *secret, int64_t *id,
                          struct ss_err *err)
{
    struct ss_org org;
    int rc, email = kind && strcmp(kind, "email") == 0;

    if (!kind || (!email && strcmp(kind, "dingtalk") != 0 && strcmp(kind, "wecom") != 0))
        return ss_err_set(err, SS_EINVAL, "--kind",
                          "'%.40s' is not a kind of channel: email, "
                          "dingtalk or wecom",
                          kind ? kind : "");
    if (email && (url || secret))
        return ss_err_set(err, SS_EINVAL, url ? "--url" : "--secret",
                          "an email channel takes --to ADDRESS, not a URL or a secret");
    if (!email && to)
        return ss_err_set(err, SS_EINVAL, "--to", "a robot channel takes --url URL, not --to");
    if (secret && strcmp(kind, "dingtalk") != 0)
        return ss_err_set(err, SS_EINVAL, "--secret", "only a DingTalk robot signs with a secret");
    if ((rc = email ? ss_outbox_check_email("--to", to, err) : check_url(url, err)) ||
        (secret && (rc = check_secret(secret, err))))
        return rc;
    memset(&org, 0, sizeof org);
    if (!org_code || ss_store_org_get(st, org_code, &org) != SS_OK)
        return ss_err_set(err, SS_ENOTFOUND, "--org", "no org unit has the code '%.20s'",
                          org_code ? org_code : "");
    free(org.name);
    return ss_store_channel_add(st, org.id, kind, email ? to : url, secret, id, err);
}

/* ---- queuing ---------------------------------------------------------------- */

struct put_ctx {
    struct ss_store *st;
    struct ss_outbox_new m;
    int64_t now;
    struct ss_err *err;
};

static int put_one(struct put_ctx *c, const char *recipient, const char *kind, const char *address,
                   int64_t channel_id, int64_t account_id, int64_t *id)
{
    c->m.recipient = recipient;
    c->m.kind = kind;
    c->m.address = address;
    c->m.channel_id = channel_id;
    c->m.account_id = account_id;
    return ss_store_outbox_put(c->st, &c->m, c->now, id, NULL, c->err);
}

static int put_channel(void *ctx, const struct ss_channel_rec *ch)
{
    char who[32];

    snprintf(who, sizeof who, "channel:%lld", (long long)ch->id);
    return put_one(ctx, who, ch->kind, ch->address, ch->id, 0, NULL);
}

static int put_mailbox(void *ctx, int64_t account_id, const char *role, const char *email)
{
    char who[32];

    if (strcmp(role, "reporter") != 0 && strcmp(role, "reviewer") != 0)
        return 0;
    snprintf(who, sizeof who, "account:%lld", (long long)account_id);
    return put_one(ctx, who, "email", email, 0, account_id, NULL);
}

static void put_init(struct put_ctx *c, struct ss_store *st, const char *event_key, int64_t org_id,
                     const char *subject, const char *text, struct ss_err *err)
{
    memset(c, 0, sizeof *c);
    c->st = st;
    c->m.event_key = event_key;
    c->m.org_id = org_id;
    c->m.subject = subject;
    c->m.text = text;
    c->now = ss_outbox_clock();
    c->err = err;
}

/* A walk's failure: its callback's error (err set), or the store's. */
static int walk_failed(int rc, struct ss_err *err, const char *msgid)
{
    if (err && !err->code)
        ss_err_id(err, SS_EDB, "", msgid);
    return rc;
}

/* What every put checks first: a transaction open, the message valid. */
static int check_put(struct ss_store *st, const char *event_key, const char *subject,
                     const char *text, struct ss_err *err)
{
    int rc;

    if (!ss_store_actor(st))
        return ss_err_set(err, SS_EINVAL, "actor",
                          "messages are queued inside the transaction "
                          "of their event");
    if ((rc = check_message(event_key, subject, text, err)))
        return rc;
    if (err)
        ss_err_clear(err);
    return SS_OK;
}

int ss_outbox_put(struct ss_store *st, const char *event_key, int64_t org_id, const char *subject,
                  const char *text, struct ss_err *err)
{
    struct put_ctx c;
    int rc;

    if ((rc = check_put(st, event_key, subject, text, err)))
        return rc;
    put_init(&c, st, event_key, org_id, subject, text, err);
    if ((rc = ss_store_channel_each(st, org_id, put_channel, &c)))
        return walk_failed(rc, err, N_("cannot read the channels"));
    if ((rc = ss_store_account_mailboxes(st, org_id, put_mailbox, &c)))
        return walk_failed(rc, err, N_("cannot read the accounts' email addresses"));
    return SS_OK;
}

struct pick_ctx {
    struct put_ctx put;
    ss_outbox_pick_fn pick;
    void *ctx;
    size_t found;
};

static int put_picked(void *ctx, int64_t account_id, const char *role, const char *email)
{
    struct pick_ctx *c = ctx;
    char who[32];

    if (!c->pick(c->ctx, account_id, role))
        return 0;
    c->found++;
    snprintf(who, sizeof who, "account:%lld", (long long)account_id);
    return put_one(&c->put, who, "email", email, 0, account_id, NULL);
}

int ss_outbox_put_accounts(struct ss_store *st, const char *event_key, int64_t org_id,
                           ss_outbox_pick_fn pick, void *pick_ctx, const char *subject,
                           const char *text, size_t *found, struct ss_err *err)
{
    struct pick_ctx c;
    int rc;

    if (found)
        *found = 0;
    if ((rc = check_put(st, event_key, subject, text, err)))
        return rc;
    put_init(&c.put, st, event_key, org_id, subject, text, err);
    c.pick = pick;
    c.ctx = pick_ctx;
    c.found = 0;
    if ((rc = ss_store_account_mailboxes(st, org_id, put_picked, &c)))
        return walk_failed(rc, err, N_("cannot read the accounts' email addresses"));
    if (found)
        *found = c.found;
    return SS_OK;
}

int ss_outbox_put_channel(struct ss_store *st, const char *event_key, int64_t channel_id,
                          const char *subject, const char *text, int64_t *id, struct ss_err *err)
{
    struct ss_channel_rec ch;
    struct put_ctx c;
    char who[32];
    int rc;

    if ((rc = check_message(event_key, subject, text, err)) ||
        (rc = ss_store_channel_get(st, channel_id, &ch, NULL, err)))
        return rc;
    put_init(&c, st, event_key, ch.org_id, subject, text, err);
    snprintf(who, sizeof who, "channel:%lld", (long long)ch.id);
    return put_one(&c, who, ch.kind, ch.address, ch.id, 0, id);
}

int ss_outbox_check_headers(const char *h, struct ss_err *err)
{
    const char *p = h;

    if (strlen(h) > SS_OUTBOX_HEADERS_MAX)
        return ss_err_set(err, SS_EINVAL, "headers", "extra headers are at most %d bytes",
                          SS_OUTBOX_HEADERS_MAX);
    while (*p) {
        size_t n = strcspn(p, "\n"), name = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                      "abcdefghijklmnopqrstuvwxyz0123456789-");
        size_t i;

        if (name == 0 || name >= n || p[name] != ':')
            return ss_err_set(err, SS_EINVAL, "headers", "a header line is 'Name: value'");
        for (i = 0; i < n; i++)
            if ((unsigned char)p[i] < ' ' || (unsigned char)p[i] >= 0x7f)
                return ss_err_set(err, SS_EINVAL, "headers",
                                  "a header line is printable ASCII on one line");
        p += n;
        if (*p == '\n')
            p++;
    }
    return SS_OK;
}

int ss_outbox_put_sealed(struct ss_store *st, const char *event_key, const char *recipient,
                         int64_t org_id, const char *sealed, const char *subject, const char *text,
                         const char *headers, struct ss_err *err)
{
    struct put_ctx c;
    int rc;

    if (!ss_store_actor(st))
        return ss_err_set(err, SS_EINVAL, "actor",
                          "messages are queued inside the transaction "
                          "of their event");
    if ((rc = check_message(event_key, subject, text, err)) ||
        (headers && (rc = ss_outbox_check_headers(headers, err))))
        return rc;
    if (!recipient || !*recipient || strlen(recipient) >= 64 || !plain_ascii(recipient) ||
        !sealed || !*sealed || strlen(sealed) > SS_CHANNEL_ADDRESS_MAX)
        return ss_err_set(err, SS_EINVAL, "recipient",
                          "a sealed recipient needs its name and "
                          "address");
    put_init(&c, st, event_key, org_id, subject, text, err);
    c.m.sealed = 1;
    c.m.headers = headers;
    return put_one(&c, recipient, "email", sealed, 0, 0, NULL);
}

/* ---- sending ---------------------------------------------------------------- */

/* Send one claimed message and record what came of it. */
static int send_one(struct ss_store *st, const struct ss_deliver_conf *conf, int64_t now,
                    const struct ss_outbox_msg *m, struct ss_outbox_stats *stats,
                    struct ss_err *err)
{
    char secret[SS_CHANNEL_SECRET_MAX + 1] = "";
    struct ss_deliver_msg d = {.id = m->id,
                               .event_key = m->event_key,
                               .kind = m->kind,
                               .address = m->address,
                               .secret = secret,
                               .subject = m->subject,
                               .text = m->text,
                               .headers = m->headers};
    struct ss_channel_rec ch;
    struct ss_err e;
    char *opened = NULL;
    int64_t wait;
    int rc;

    ss_err_clear(&e);
    rc = m->channel_id > 0 ? ss_store_channel_get(st, m->channel_id, &ch, secret, &e) : SS_OK;
    if (rc == SS_ENOTFOUND) /* the channel was removed: send to where it pointed */
        rc = SS_OK;
    /* a citizen's address is opened only for the transfer */
    if (!rc && m->sealed &&
        !(rc = ss_store_unseal(st, SS_OUTBOX_SEAL_CONTEXT, m->address, &opened, &e)))
        d.address = opened;
    if (!rc)
        rc = ss_deliver_send(conf, &d, &e);
    sodium_memzero(secret, sizeof secret);
    if (opened) {
        sodium_memzero(opened, strlen(opened));
        free(opened);
    }
    if (!rc) {
        stats->sent++;
        return ss_store_outbox_mark(st, m->id, m->attempts, SS_OUTBOX_SENT, now, 0, NULL, err);
    }
    snprintf(stats->last_error, sizeof stats->last_error, "%s", e.msg);
    wait = ss_outbox_backoff(m->attempts);
    if (wait > 0) {
        stats->retried++;
        return ss_store_outbox_mark(st, m->id, m->attempts, SS_OUTBOX_RETRY, now, now + wait, e.msg,
                                    err);
    }
    stats->failed++;
    return ss_store_outbox_mark(st, m->id, m->attempts, SS_OUTBOX_FAILED, now, 0, e.msg, err);
}

static int send_due(struct ss_store *st, const struct ss_deliver_conf *conf, int64_t now,
                    size_t limit, int64_t only, struct ss_outbox_stats *stats, struct ss_err *err)
{
    int email = conf->smtp_url && *conf->smtp_url;
    struct ss_outbox_msg *m;
    size_t n, i, done = 0;
    int rc = SS_OK;

    memset(stats, 0, sizeof *stats);
    while (done < limit) {
        size_t want = limit - done < BATCH ? limit - done : BATCH;
        if ((rc = ss_store_outbox_claim(st, now, now + LEASE_S, email || only > 0, only, want, &m,
                                        &n, err)))
            return rc;
        for (i = 0; i < n && !rc; i++)
            rc = send_one(st, conf, now, &m[i], stats, err);
        ss_store_outbox_free(m, n);
        /* a lost claim (ECONFLICT) is another sender's message now */
        if (rc && rc != SS_ECONFLICT)
            return rc;
        rc = SS_OK;
        done += n;
        if (n < want || only > 0)
            break;
    }
    return rc;
}

int ss_outbox_send(struct ss_store *st, const struct ss_deliver_conf *conf, int64_t now,
                   size_t limit, struct ss_outbox_stats *stats, struct ss_err *err)
{
    return send_due(st, conf, now, limit, 0, stats, err);
}

int ss_outbox_send_id(struct ss_store *st, const struct ss_deliver_conf *conf, int64_t now,
                      int64_t id, struct ss_outbox_stats *stats, struct ss_err *err)
{
    return send_due(st, conf, now, 1, id > 0 ? id : -1, stats, err);
}

/* ---- the background sender ------------------------------------------------- */

struct ss_outbox_runner {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    unsigned every_s;
    char *db, *smtp, *from;
    struct ss_deliver_conf conf;
};

static void *runner_main(void *arg)
{
    struct ss_outbox_runner *r = arg;
    struct ss_outbox_stats stats;
    struct ss_store *st = NULL;
    struct ss_err err;
    struct timespec until;

    for (;;) {
        ss_err_clear(&err);
        if (!st && ss_store_open(r->db, 0, &st, &err) != SS_OK) {
            fprintf(stderr, "shishi serve: outbox: %s\n", err.msg);
            st = NULL;
        }
        if (st && ss_outbox_send(st, &r->conf, ss_outbox_clock(), 1000, &stats, &err) != SS_OK) {
            fprintf(stderr, "shishi serve: outbox: %s\n", err.msg);
            ss_store_close(st); /* a new connection next time */
            st = NULL;
        } else if (st && (stats.sent || stats.retried || stats.failed)) {
            fprintf(stderr, "shishi serve: outbox: %d sent, %d to retry, %d failed%s%s\n",
                    stats.sent, stats.retried, stats.failed, stats.last_error[0] ? ": " : "",
                    stats.last_error);
        }
        pthread_mutex_lock(&r->mu);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += r->every_s;
        while (!r->stop && pthread_cond_timedwait(&r->cv, &r->mu, &until) == 0)
            ;
        if (r->stop) {
            pthread_mutex_unlock(&r->mu);
            break;
        }
        pthread_mutex_unlock(&r->mu);
    }
    ss_store_close(st);
    return NULL;
}

int ss_outbox_runner_start(const char *db, const struct ss_deliver_conf *conf, unsigned every_s,
                           struct ss_outbox_runner **out, struct ss_err *err)
{
    struct ss_outbox_runner *r = ss_xcalloc(1, sizeof *r);

    r->every_s = every_s ? every_s : 1;
    r->db = ss_xstrdup(db);
    r->smtp = conf->smtp_url ? ss_xstrdup(conf->smtp_url) : NULL;
    r->from = conf->from ? ss_xstrdup(conf->from) : NULL;
    r->conf = *conf;
    r->conf.smtp_url = r->smtp;
    r->conf.from = r->from;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    if (pthread_create(&r->thread, NULL, runner_main, r) != 0) {
        pthread_mutex_destroy(&r->mu);
        pthread_cond_destroy(&r->cv);
        free(r->db);
        free(r->smtp);
        free(r->from);
        free(r);
        return ss_err_set(err, SS_EIO, "", "cannot start the outbox's sender");
    }
    *out = r;
    return SS_OK;
}

void ss_outbox_runner_stop(struct ss_outbox_runner *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stop = 1;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    free(r->db);
    free(r->smtp);
    free(r->from);
    free(r);
}
