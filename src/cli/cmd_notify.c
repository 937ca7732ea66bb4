/*
 * cmd_notify.c - `shishi notify send|list`: the outbox from the command
 * line (core/outbox.h). `notify send` sends what is due, for cron, where
 * no `shishi serve` sends it; several may run at once, on one database or
 * beside servers, and each message is still sent once (the claim,
 * store_outbox.h). `--now` (or SHISHI_NOW) sets the outbox's clock, so a
 * test can move past a back-off instead of waiting for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/engine.h"
#include "core/follow.h"
#include "core/outbox.h"
#include "store/store.h"
#include "store/store_outbox.h"

static const char USAGE[] =
    "usage: shishi notify send [--smtp URL] [--from ADDRESS] [--now T] [--limit N] [--json]\n"
    "       shishi notify list [--status pending|sending|sent|failed] [--limit N] [--json]\n"
    "       shishi notify digest [--base-url URL] [--now T] [--json]\n\n"
    "send  send the messages that are due (email through --smtp URL, else\n"
    "      $SHISHI_SMTP_URL, e.g. smtp://127.0.0.1:2525; without one, email waits);\n"
    "      a failed delivery is tried again after 1, 5, 30 min, 2, 6, 12, 24 h, and\n"
    "      given up after 8 attempts. --from (or $SHISHI_SMTP_FROM) is the sender\n"
    "      (default " SS_DELIVER_FROM_DEFAULT "); --now T (Unix seconds or\n"
    "      YYYY-MM-DDTHH:MM:SSZ, also $SHISHI_NOW) the time to send as of\n"
    "list  the latest messages with their state (default 50)\n"
    "digest  record the status changes as of today, then queue today's digest\n"
    "      email of every confirmed subscriber with news since their last one (at\n"
    "      most one a day each; run it from cron, then notify send). Links start\n"
    "      with --base-url (or $SHISHI_BASE_URL, default http://localhost:8080)\n";

static int notify_digest(int argc, char **argv)
{
    const char *db = NULL, *now_s = NULL, *base = NULL;
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"now", 1, &now_s, NULL},
                             {"base-url", 1, &base, NULL},
                             {"json", 0, NULL, &json},
                             {NULL, 0, NULL, NULL}};
    struct ss_digest_stats stats;
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    struct ss_err err;
    char url[256];
    int64_t now;

    if ((rc = cli_parse("notify digest", argc, argv, opts, NULL, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    now = ss_outbox_clock();
    if ((now_s && (rc = ss_outbox_parse_time("--now", now_s, &now, &err))) ||
        (rc = ss_follow_base_url(base, "http://localhost:8080", url, sizeof url, &err)) ||
        (rc = ss_store_open(cli_db_path(db), 0, &st, &err)) ||
        (rc = ss_engine_open(st, 0, &e, &err)) ||
        (rc = ss_follow_digest_run(st, e, url, now, &stats, &err)))
        goto out;
    if (json)
        printf("{\"statuses\":%zu,\"queued\":%zu,\"empty\":%zu,\"failed\":%zu}\n", stats.statuses,
               stats.queued, stats.empty, stats.failed);
    else
        printf("%zu status changes recorded, %zu digests queued, %zu with nothing new, %zu "
               "failed\n",
               stats.statuses, stats.queued, stats.empty, stats.failed);
out:
    ss_engine_free(e);
    ss_store_close(st);
    return rc ? cli_fail("notify digest", &err) : SS_EXIT_OK;
}

void cli_time_text(int64_t t, char out[24])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || !strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 24, "?");
}

int cli_deliver_conf(const char *smtp, const char *from, struct ss_deliver_conf *conf,
                     struct ss_err *err)
{
    memset(conf, 0, sizeof *conf);
    if (!smtp || !*smtp)
        smtp = getenv("SHISHI_SMTP_URL");
    if (!from || !*from)
        from = getenv("SHISHI_SMTP_FROM");
    if (smtp && *smtp) {
        if (strncmp(smtp, "smtp://", 7) != 0 && strncmp(smtp, "smtps://", 8) != 0)
            return ss_err_set(err, SS_EINVAL, "--smtp",
                              "'%.80s' is not an SMTP server: smtp://HOST:PORT or smtps://...",
                              smtp);
        conf->smtp_url = smtp;
    }
    if (from && *from) {
        int rc = ss_outbox_check_email("--from", from, err);
        if (rc)
            return rc;
        conf->from = from;
    }
    return SS_OK;
}

static int limit_opt(const char *s, size_t dflt, size_t *out, struct ss_err *err)
{
    long v;

    *out = dflt;
    if (!s)
        return SS_OK;
    if (ss_parse_long(s, &v) != 0 || v < 1 || v > 100000)
        return ss_err_set(err, SS_EINVAL, "--limit",
                          "--limit is a whole number from 1 to 100000, "
                          "not '%.20s'",
                          s);
    *out = (size_t)v;
    return SS_OK;
}

static int notify_send(int argc, char **argv)
{
    const char *db = NULL, *smtp = NULL, *from = NULL, *now_s = NULL, *limit_s = NULL;
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},         {"smtp", 1, &smtp, NULL},
                             {"from", 1, &from, NULL},     {"now", 1, &now_s, NULL},
                             {"limit", 1, &limit_s, NULL}, {"json", 0, NULL, &json},
                             {NULL, 0, NULL, NULL}};
    struct ss_deliver_conf conf;
    struct ss_outbox_stats stats;
    struct ss_store *st = NULL;
    struct ss_err err;
    int64_t now;
    size_t limit;

    if ((rc = cli_parse("notify send", argc, argv, opts, NULL, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    now = ss_outbox_clock();
    if ((rc = cli_deliver_conf(smtp, from, &conf, &err)) ||
        (now_s && (rc = ss_outbox_parse_time("--now", now_s, &now, &err))) ||
        (rc = limit_opt(limit_s, 1000, &limit, &err)) ||
        (rc = ss_store_open(cli_db_path(db), 0, &st, &err)) ||
        (rc = ss_outbox_send(st, &conf, now, limit, &stats, &err)))
        goto out;
    if (json) {
        struct ss_buf b;
        struct ss_json j;
        ss_buf_init(&b, 1u << 16);
        ss_json_init(&j, &b, 0);
        ss_json_obj(&j);
        ss_json_kint(&j, "sent", stats.sent);
        ss_json_kint(&j, "retry", stats.retried);
        ss_json_kint(&j, "failed", stats.failed);
        ss_json_kstr(&j, "last_error", stats.last_error);
        ss_json_obj_end(&j);
        ss_buf_putc(&b, '\n');
        fwrite(b.data, 1, b.len, stdout);
        ss_buf_cleanup(&b);
    } else {
        printf("%d sent, %d to retry, %d failed%s%s\n", stats.sent, stats.retried, stats.failed,
               stats.last_error[0] ? "; last error: " : "", stats.last_error);
    }
out:
    ss_store_close(st);
    return rc ? cli_fail("notify send", &err) : SS_EXIT_OK;
}

static int list_one(void *ctx, const struct ss_outbox_row *r)
{
    struct ss_json *j = ctx;

    if (!j) {
        printf("%-6lld %-8s %-9s %-28s %-22s %d %s\n", (long long)r->id, r->status, r->kind,
               r->event_key, r->recipient, r->attempts, r->last_error);
        return 0;
    }
    ss_json_obj(j);
    ss_json_kint(j, "id", r->id);
    ss_json_kstr(j, "event_key", r->event_key);
    ss_json_kstr(j, "recipient", r->recipient);
    ss_json_kstr(j, "kind", r->kind);
    ss_json_kstr(j, "address", r->address);
    ss_json_kstr(j, "status", r->status);
    ss_json_kint(j, "attempts", r->attempts);
    ss_json_kstr(j, "next_attempt_at", r->next_attempt_at);
    ss_json_kstr(j, "last_error", r->last_error);
    ss_json_kstr(j, "created_at", r->created_at);
    ss_json_kstr(j, "sent_at", r->sent_at[0] ? r->sent_at : NULL);
    ss_json_obj_end(j);
    return 0;
}

static int notify_list(int argc, char **argv)
{
    const char *db = NULL, *status = NULL, *limit_s = NULL;
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"status", 1, &status, NULL},
                             {"limit", 1, &limit_s, NULL},
                             {"json", 0, NULL, &json},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_err err;
    struct ss_json j;
    struct ss_buf b;
    size_t limit;

    if ((rc = cli_parse("notify list", argc, argv, opts, NULL, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    if (status && strcmp(status, "pending") != 0 && strcmp(status, "sending") != 0 &&
        strcmp(status, "sent") != 0 && strcmp(status, "failed") != 0) {
        ss_err_set(&err, SS_EINVAL, "--status",
                   "'%.20s' is not a state: pending, sending, sent or failed", status);
        return cli_fail("notify list", &err);
    }
    if ((rc = limit_opt(limit_s, 50, &limit, &err)) ||
        (rc = ss_store_open(cli_db_path(db), SS_STORE_READONLY, &st, &err)))
        return cli_fail("notify list", &err);
    ss_buf_init(&b, 64u << 20);
    if (json)
        cli_json_list_open(&j, &b, "messages");
    rc = ss_store_outbox_each(st, status, limit, list_one, json ? &j : NULL);
    ss_store_close(st);
    if (json)
        cli_json_list_close(&j, &b, !rc);
    ss_buf_cleanup(&b);
    if (rc) {
        ss_err_set(&err, SS_EDB, "", "cannot read the outbox");
        return cli_fail("notify list", &err);
    }
    return SS_EXIT_OK;
}

int cli_subcommand(const char *usage, int argc, char **argv, const struct cli_sub *subs)
{
    const struct cli_sub *c;

    if (argc < 2 || cli_wants_help(argc, argv)) {
        int help = cli_wants_help(argc, argv);
        fputs(usage, help ? stdout : stderr);
        return help ? SS_EXIT_OK : SS_EXIT_USAGE;
    }
    for (c = subs; c->name; c++)
        if (strcmp(argv[1], c->name) == 0)
            return c->fn(argc - 1, argv + 1);
    fputs(usage, stderr);
    return SS_EXIT_USAGE;
}

void cli_json_list_open(struct ss_json *j, struct ss_buf *b, const char *key)
{
    ss_json_init(j, b, 0);
    ss_json_obj(j);
    ss_json_key(j, key);
    ss_json_arr(j);
}

void cli_json_list_close(struct ss_json *j, struct ss_buf *b, int ok)
{
    ss_json_arr_end(j);
    ss_json_obj_end(j);
    ss_buf_putc(b, '\n');
    if (ok && b->data && !b->err)
        fwrite(b->data, 1, b->len, stdout);
}

int cmd_notify(int argc, char **argv)
{
    static const struct cli_sub SUBS[] = {
        {"send", notify_send}, {"list", notify_list}, {"digest", notify_digest}, {NULL, NULL}};

    return cli_subcommand(USAGE, argc, argv, SUBS);
}
