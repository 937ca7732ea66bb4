/*
 * cmd_channel.c - `shishi channel add|list|test`: where an org unit's
 * messages go besides its accounts' email (core/outbox.h).
 *
 * Adding a channel is an admin act, audited as admin:$USER. A robot's
 * secret is sealed before it is stored (store_outbox.h) and never printed;
 * `--secret -` reads it from standard input, out of `ps` and the shell's
 * history. `channel test` queues a test message to the channel alone and
 * sends it at once; one that fails stays queued and is retried like any
 * other.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/outbox.h"
#include "store/store.h"
#include "store/store_outbox.h"

static const char USAGE[] =
    "usage: shishi channel add --org CODE --kind email --to ADDRESS [--db FILE]\n"
    "       shishi channel add --org CODE --kind dingtalk|wecom --url URL [--secret S|-]\n"
    "       shishi channel list [--org CODE] [--json] [--db FILE]\n"
    "       shishi channel test ID [--smtp URL] [--from ADDRESS] [--json] [--db FILE]\n\n"
    "add   a channel of org unit CODE: an email address, or a group robot's webhook\n"
    "      (DingTalk signs with --secret, sealed before it is stored; - reads it from\n"
    "      standard input)\n"
    "list  every channel (of one unit with --org)\n"
    "test  send a test message to channel ID now (an email channel needs --smtp or\n"
    "      SHISHI_SMTP_URL); one that fails is retried by `shishi notify send`\n";

static void actor_name(char *by, size_t cap)
{
    const char *user = getenv("USER");

    snprintf(by, cap, "admin:%s", user && *user ? user : "cli");
}

/* --secret -: one line of standard input. */
static const char *secret_arg(const char *v, char *buf, size_t cap)
{
    size_t n;

    if (!v || strcmp(v, "-") != 0)
        return v;
    if (!fgets(buf, (int)cap, stdin))
        buf[0] = '\0';
    n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return buf;
}

static void print_channel(const struct ss_channel_rec *c, struct ss_json *j)
{
    if (j) {
        ss_json_obj(j);
        ss_json_kint(j, "id", c->id);
        ss_json_kstr(j, "org", c->org);
        ss_json_kstr(j, "kind", c->kind);
        ss_json_kstr(j, "address", c->address);
        ss_json_kbool(j, "signed", c->has_secret);
        ss_json_kstr(j, "created_by", c->created_by);
        ss_json_kstr(j, "created_at", c->created_at);
        ss_json_obj_end(j);
        return;
    }
    printf("%-5lld %-12s %-9s %s%s\n", (long long)c->id, c->org, c->kind, c->address,
           c->has_secret ? "  (signed)" : "");
}

static int channel_add(int argc, char **argv)
{
    const char *db = NULL, *org = NULL, *kind = NULL, *to = NULL, *url = NULL, *secret = NULL;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},     {"org", 1, &org, NULL},
                             {"kind", 1, &kind, NULL}, {"to", 1, &to, NULL},
                             {"url", 1, &url, NULL},   {"secret", 1, &secret, NULL},
                             {NULL, 0, NULL, NULL}};
    char by[160], buf[SS_CHANNEL_SECRET_MAX + 3];
    struct ss_channel_rec c;
    struct ss_store *st = NULL;
    struct ss_err err;
    int64_t id = 0;
    int npos, rc;

    if ((rc = cli_parse("channel add", argc, argv, opts, NULL, 0, &npos)))
        return rc;
    if (!org || !kind || (!to && !url)) {
        fprintf(stderr, "shishi channel add: %s\n",
                !org    ? "--org is missing: the org unit whose messages the channel carries"
                : !kind ? "--kind is missing: email, dingtalk or wecom"
                        : "--to ADDRESS (email) or --url URL (a robot's webhook) is missing");
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    secret = secret_arg(secret, buf, sizeof buf);
    actor_name(by, sizeof by);
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)) ||
        (rc = ss_store_begin(st, by, &err)) ||
        (rc = cli_tx_end(st, ss_outbox_channel_add(st, org, kind, to, url, secret, &id, &err),
                         &err)) ||
        (rc = ss_store_channel_get(st, id, &c, NULL, &err)))
        goto out;
    printf("added channel ");
    print_channel(&c, NULL);
out:
    sodium_memzero(buf, sizeof buf);
    ss_store_close(st);
    return rc ? cli_fail("channel add", &err) : SS_EXIT_OK;
}

struct list_ctx {
    struct ss_json *j;
};

static int list_one(void *ctx, const struct ss_channel_rec *c)
{
    print_channel(c, ((struct list_ctx *)ctx)->j);
    return 0;
}

static int channel_list(int argc, char **argv)
{
    const char *db = NULL, *org = NULL;
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"org", 1, &org, NULL},
                             {"json", 0, NULL, &json},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_org o = {0};
    struct ss_err err;
    struct ss_json j;
    struct list_ctx c = {NULL};
    struct ss_buf b;

    if ((rc = cli_parse("channel list", argc, argv, opts, NULL, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    if ((rc = ss_store_open(cli_db_path(db), SS_STORE_READONLY, &st, &err)))
        return cli_fail("channel list", &err);
    if (org && ss_store_org_get(st, org, &o) != SS_OK) {
        ss_store_close(st);
        ss_err_set(&err, SS_ENOTFOUND, "--org", "no org unit has the code '%.20s'", org);
        return cli_fail("channel list", &err);
    }
    free(o.name);
    ss_buf_init(&b, 64u << 20);
    if (json) {
        cli_json_list_open(&j, &b, "channels");
        c.j = &j;
    }
    rc = ss_store_channel_each(st, o.id, list_one, &c);
    ss_store_close(st);
    if (json)
        cli_json_list_close(&j, &b, !rc);
    ss_buf_cleanup(&b);
    if (rc) {
        ss_err_set(&err, SS_EDB, "", "cannot read the channels");
        return cli_fail("channel list", &err);
    }
    return SS_EXIT_OK;
}

static int channel_test(int argc, char **argv)
{
    const char *db = NULL, *smtp = NULL, *from = NULL, *pos[1];
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"smtp", 1, &smtp, NULL},
                             {"from", 1, &from, NULL},
                             {"json", 0, NULL, &json},
                             {NULL, 0, NULL, NULL}};
    char by[160], key[96], subject[128], text[512], when[24];
    struct ss_deliver_conf conf;
    struct ss_outbox_stats stats;
    struct ss_channel_rec c;
    struct ss_store *st = NULL;
    struct ss_err err;
    int64_t now, id = 0, msg = 0;
    long v;

    if ((rc = cli_parse("channel test", argc, argv, opts, pos, 1, &npos)))
        return rc;
    if (npos != 1 || ss_parse_long(pos[0], &v) != 0 || v < 1) {
        fprintf(stderr, "shishi channel test: ID is missing: a channel's id (channel list)\n");
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    id = v;
    ss_err_clear(&err);
    if ((rc = cli_deliver_conf(smtp, from, &conf, &err)))
        return cli_fail("channel test", &err);
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)) ||
        (rc = ss_store_channel_get(st, id, &c, NULL, &err)))
        goto out;
    if (strcmp(c.kind, "email") == 0 && !conf.smtp_url) {
        rc = ss_err_set(&err, SS_EINVAL, "--smtp",
                        "an email channel is tested through an SMTP server: --smtp URL or "
                        "SHISHI_SMTP_URL");
        goto out;
    }
    now = ss_outbox_clock();
    actor_name(by, sizeof by);
    /* a new event each time: a test is never a repeat of the last one */
    snprintf(key, sizeof key, "test:%lld:%lld:%08x", (long long)id, (long long)now,
             (unsigned)randombytes_random());
    snprintf(subject, sizeof subject, "shishi: test message to channel %lld", (long long)id);
    snprintf(text, sizeof text,
             "A test message from shishi to channel %lld (%s, org unit %s). Messages about "
             "supervision notices and reports of the unit will come this way.",
             (long long)id, c.kind, c.org);
    if ((rc = ss_store_begin(st, by, &err)) ||
        (rc =
             cli_tx_end(st, ss_outbox_put_channel(st, key, id, subject, text, &msg, &err), &err)) ||
        (rc = ss_outbox_send_id(st, &conf, now, msg, &stats, &err)))
        goto out;
    if (json) {
        struct ss_buf b;
        struct ss_json j;
        ss_buf_init(&b, 1u << 16);
        ss_json_init(&j, &b, 0);
        ss_json_obj(&j);
        ss_json_kint(&j, "channel", id);
        ss_json_kint(&j, "message", msg);
        ss_json_kbool(&j, "sent", stats.sent == 1);
        if (stats.sent != 1)
            ss_json_kstr(&j, "error", stats.last_error);
        ss_json_obj_end(&j);
        ss_buf_putc(&b, '\n');
        fwrite(b.data, 1, b.len, stdout);
        ss_buf_cleanup(&b);
    }
    if (stats.sent == 1) {
        if (!json)
            printf("sent a test message to channel %lld (message %lld)\n", (long long)id,
                   (long long)msg);
    } else {
        cli_time_text(now + ss_outbox_backoff(1), when);
        rc = ss_err_set(&err, SS_EIO, "",
                        "the test message did not go through: %s; it is "
                        "queued as message %lld and tried again from %s",
                        stats.last_error, (long long)msg, when);
    }
out:
    ss_store_close(st);
    return rc ? cli_fail("channel test", &err) : SS_EXIT_OK;
}

int cmd_channel(int argc, char **argv)
{
    static const struct cli_sub SUBS[] = {
        {"add", channel_add}, {"list", channel_list}, {"test", channel_test}, {NULL, NULL}};

    return cli_subcommand(USAGE, argc, argv, SUBS);
}
