/*
 * cmd_serve.c - `shishi serve`: the public progress portal and JSON API.
 *
 * The main thread blocks SIGINT and SIGTERM before the server starts (so
 * the worker threads inherit the mask), then waits for one of them in
 * sigwait and stops the server gracefully: in-flight requests finish, the
 * engine and connections are freed.
 *
 * A port in use is refused (exit 4, the message names the port): two
 * servers on one port would each answer part of the requests from their
 * own database.
 *
 * A thread of its own runs the supervision run (core/supervise.h: notices
 * and reminders) once a day (--supervise-hour H, else $SHISHI_SUPERVISE_HOUR,
 * else 7; off: none), at the first check (every 30 seconds) on or after H
 * o'clock local time, as of today (SHISHI_TODAY honoured),
 * on a connection and engine of its own, audited as "supervise". The
 * run is idempotent, so several instances on one database, or a restart,
 * change nothing more the second time.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/auth.h"
#include "core/engine.h"
#include "core/follow.h"
#include "core/outbox.h"
#include "core/supervise.h"
#include "store/store.h"
#include "web/feed_web.h"
#include "web/http.h"
#include "web/web.h"

/* The daily supervision run's hour by default (--supervise-hour), local
 * time: before the office's morning. */
#define SUPERVISE_HOUR 7
/* The outbox's sender runs this often by default (--notify-every). */
#define NOTIFY_EVERY_S 60

static void usage(FILE *f)
{
    fprintf(f,
            "usage: shishi serve [--db FILE|URL] [--db-replica URL] [--listen ADDR:PORT]\n"
            "                    [--threads N] [--per-ip N] [--request-timeout S]\n"
            "                    [--trusted-proxy ADDR]... [--smtp URL] [--from ADDRESS]\n"
            "                    [--notify-every S] [--supervise-hour H|off]\n"
            "                    [--base-url URL] [--digest-hour H]\n"
            "       shishi serve --openapi\n\n"
            "Serve the public progress pages and the JSON API (/api/v1/...).\n"
            "  --db               an SQLite file, or a PostgreSQL URL (postgresql://...);\n"
            "                     any number of servers may serve one PostgreSQL database\n"
            "  --db-replica       a hot standby of that PostgreSQL database\n"
            "                     (also $SHISHI_DB_REPLICA): the figures are read from it,\n"
            "                     writes go to --db, and /api/v1/plan's replica_as_of says\n"
            "                     how far the standby had replayed\n"
            "  --listen           address and port (default 127.0.0.1:8080; port 0 picks\n"
            "                     one); a port in use is refused\n"
            "  --threads          worker threads (default: one per CPU)\n"
            "  --per-ip           connections at once from one client address (default %u,\n"
            "                     at most %u of the %u in all)\n"
            "  --request-timeout  seconds a request's line, headers and body may take to\n"
            "                     arrive (default %u); a slower client is disconnected\n"
            "  --trusted-proxy    a reverse proxy (ADDR or ADDR/PREFIX; repeat for more):\n"
            "                     its connections are not counted per address, and its\n"
            "                     X-Forwarded-For names the client for login throttling\n"
            "                     and the access log (nobody else's is believed)\n"
            "  --smtp             the SMTP server the outbox sends email through\n"
            "                     (also $SHISHI_SMTP_URL; smtp://HOST:PORT, STARTTLS when\n"
            "                     offered, or smtps://); --from (or $SHISHI_SMTP_FROM)\n"
            "                     the sender's address\n"
            "  --notify-every     seconds between the outbox's sends of what is due\n"
            "                     (default %u; 0: none, leave it to `shishi notify send`)\n"
            "  --supervise-hour   run the supervision check (shishi supervise run: notices\n"
            "                     and reminders) once a day, at H o'clock local time\n"
            "                     (0..23) or the first minute after it the server is up\n"
            "                     (default $SHISHI_SUPERVISE_HOUR, else %d; off: never,\n"
            "                     leave it to `shishi supervise run` from cron)\n"
            "  --base-url         the public URL shishi is reached at (also\n"
            "                     $SHISHI_BASE_URL; default http://LISTEN): links in\n"
            "                     feeds and emails, and the feeds' ids, start with it\n"
            "  --digest-hour      the UTC hour (0..23, default 0) from which the day's\n"
            "                     subscription digests go out; status changes are\n"
            "                     recorded every --notify-every seconds\n"

            "  --openapi          print the OpenAPI document of the API and exit\n"
            "Figures follow the database as it changes, also when another process\n"
            "writes it. SIGINT or SIGTERM stops the server.\n",
            (unsigned)SS_HTTP_MAX_CONN_PER_IP, (unsigned)SS_HTTP_MAX_PER_IP,
            (unsigned)SS_HTTP_MAX_CONN, (unsigned)SS_HTTP_REQUEST_TIMEOUT_S,
            (unsigned)NOTIFY_EVERY_S, SUPERVISE_HOUR);
}

/* Every --trusted-proxy value (the option parser keeps only the last). */
static int trusted_proxies(int argc, char **argv, const char **out, size_t *n)
{
    int i;

    *n = 0;
    for (i = 1; i < argc; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--trusted-proxy") == 0 && i + 1 < argc)
            v = argv[++i];
        else if (strncmp(argv[i], "--trusted-proxy=", 16) == 0)
            v = argv[i] + 16;
        else if (strncmp(argv[i], "--", 2) == 0 && strchr(argv[i], '=') == NULL && i + 1 < argc &&
                 strcmp(argv[i], "--openapi") != 0)
            i++; /* another option's value */
        if (!v)
            continue;
        if (*n >= SS_HTTP_MAX_TRUSTED) {
            fprintf(stderr, "shishi serve: --trusted-proxy: at most %u proxies\n",
                    (unsigned)SS_HTTP_MAX_TRUSTED);
            return SS_EXIT_USAGE;
        }
        out[(*n)++] = v;
    }
    return 0;
}

/* A number option in 1..max, or the default when absent. */
static int count_opt(const char *name, const char *s, long max, unsigned *out)
{
    long v;

    if (!s)
        return 0;
    if (ss_parse_long(s, &v) != 0 || v < 1 || v > max) {
        fprintf(stderr, "shishi serve: --%s must be a whole number from 1 to %ld, not '%s'\n", name,
                max, s);
        return SS_EXIT_USAGE;
    }
    *out = (unsigned)v;
    return 0;
}

/* The following's thread: every `every` seconds, on a connection and
 * engine of its own, records status changes (core/follow.h) and, from
 * the digest hour (UTC) on, queues the day's digests; both are
 * idempotent, so several instances may run it on one database. */
struct follow {
    const char *db;
    char base[256];
    unsigned every;
    int hour;
    int stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
};

static void follow_once(struct follow *f, struct ss_store **st, struct ss_engine **e)
{
    struct ss_digest_stats stats;
    struct ss_err err;
    int64_t now = ss_outbox_clock();
    size_t changes;
    int skipped, rc;

    ss_err_clear(&err);
    if (!*st && ss_store_open(f->db, 0, st, &err) != SS_OK)
        *st = NULL;
    if (*st && !*e && ss_engine_open(*st, 0, e, &err) != SS_OK)
        *e = NULL;
    if (*e && ss_engine_refresh(*e, *st) < 0) {
        ss_engine_free(*e);
        *e = NULL;
    }
    if (!*e) {
        fprintf(stderr, "shishi serve: following: %s\n", err.msg[0] ? err.msg : "no engine");
        return;
    }
    if ((int)((now % 86400) / 3600) >= f->hour)
        rc = ss_follow_digest_run(*st, *e, f->base, now, &stats, &err);
    else
        rc = ss_follow_record_status(*st, *e, (int32_t)(now / 86400), (int64_t)time(NULL), &changes,
                                     &skipped, &err);
    if (rc) {
        fprintf(stderr, "shishi serve: following: %s\n", err.msg);
        ss_engine_free(*e);
        ss_store_close(*st);
        *e = NULL;
        *st = NULL;
    }
    fflush(stderr);
}

static void *follow_main(void *arg)
{
    struct follow *f = arg;
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;

    pthread_mutex_lock(&f->mu);
    while (!f->stop) {
        struct timespec until;
        pthread_mutex_unlock(&f->mu);
        follow_once(f, &st, &e);
        pthread_mutex_lock(&f->mu);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += f->every;
        while (!f->stop && pthread_cond_timedwait(&f->cv, &f->mu, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&f->mu);
    ss_engine_free(e);
    ss_store_close(st);
    return NULL;
}

static void follow_stop(struct follow *f)
{
    pthread_mutex_lock(&f->mu);
    f->stop = 1;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
}

/* The daily supervision run's thread. */
struct daily {
    const char *db;
    int hour;
    int stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
};

/* One run as of today, on a connection and engine of its own. */
static void supervise_today(const char *db)
{
    struct ss_supervise_result res = {0};
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    struct ss_err err;
    char d[11];
    int32_t day = ss_date_today();

    ss_err_clear(&err);
    ss_date_fmt(day, d);
    if (ss_store_open(db, 0, &st, &err) || ss_engine_open(st, 0, &e, &err) ||
        ss_store_begin(st, "supervise", &err) ||
        cli_tx_end(st, ss_supervise_run(st, e, day, &res, &err), &err))
        fprintf(stderr, "shishi serve: the supervision run of %s failed: %s\n", d, err.msg);
    else
        fprintf(stderr,
                "shishi serve: supervision run of %s: %zu issued, %zu raised, %zu escalated, "
                "%zu marked for closing; %zu units reminded before the deadline, %zu after it\n",
                d, res.issued, res.raised, res.escalated, res.marked, res.reminded, res.overdue);
    fflush(stderr);
    ss_supervise_result_free(&res);
    ss_engine_free(e);
    ss_store_close(st);
}

static void *daily_main(void *arg)
{
    struct daily *d = arg;
    int32_t last = SS_NO_DATE;

    pthread_mutex_lock(&d->mu);
    while (!d->stop) {
        struct timespec until;
        struct tm tm;
        time_t now = time(NULL);
        int32_t today = ss_date_today();

        localtime_r(&now, &tm);
        if (today != last && tm.tm_hour >= d->hour) {
            last = today;
            pthread_mutex_unlock(&d->mu);
            supervise_today(d->db);
            pthread_mutex_lock(&d->mu);
            continue;
        }
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 30;
        while (!d->stop && pthread_cond_timedwait(&d->cv, &d->mu, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

static void daily_stop(struct daily *d)
{
    pthread_mutex_lock(&d->mu);
    d->stop = 1;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
}

int cmd_serve(int argc, char **argv)
{
    const char *db = NULL, *listen = "127.0.0.1:8080", *threads_s = NULL, *per_ip = NULL;
    const char *timeout = NULL, *proxy = NULL, *proxies[SS_HTTP_MAX_TRUSTED], *replica = NULL;
    const char *smtp = NULL, *from = NULL, *every_s = NULL;
    const char *hour = NULL, *base = NULL, *digest_hour = NULL;
    int openapi = 0, npos, rc, sig, following = 0;
    const struct cli_opt opts[] = {
        {"db", 1, &db, NULL},
        {"db-replica", 1, &replica, NULL},
        {"listen", 1, &listen, NULL},
        {"threads", 1, &threads_s, NULL},
        {"per-ip", 1, &per_ip, NULL},
        {"request-timeout", 1, &timeout, NULL},
        {"trusted-proxy", 1, &proxy, NULL},
        {"openapi", 0, NULL, &openapi},
        {"smtp", 1, &smtp, NULL},
        {"from", 1, &from, NULL},
        {"notify-every", 1, &every_s, NULL},
        {"supervise-hour", 1, &hour, NULL},
        {"base-url", 1, &base, NULL},
        {"digest-hour", 1, &digest_hour, NULL},
        {NULL, 0, NULL, NULL},
    };
    struct follow follow = {.hour = 0};
    char dflt_base[160];
    struct daily daily = {.hour = -1};
    struct ss_http_limits lim;
    struct ss_http_server *srv = NULL;
    struct ss_outbox_runner *outbox = NULL;
    struct ss_deliver_conf deliver;
    unsigned every = NOTIFY_EVERY_S;
    struct ss_web *web = NULL;
    struct ss_err err;
    sigset_t set;
    long threads;

    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("serve", argc, argv, opts, NULL, 0, &npos)))
        return rc;
    if (openapi) {
        struct ss_buf b;
        ss_buf_init(&b, SS_MAX_OUTPUT);
        ss_web_openapi(&b);
        fwrite(b.data, 1, b.len, stdout);
        ss_buf_cleanup(&b);
        return SS_EXIT_OK;
    }
    threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (threads_s && (ss_parse_long(threads_s, &threads) != 0 || threads < 1 || threads > 64)) {
        fprintf(stderr, "shishi serve: --threads must be 1..64\n");
        return SS_EXIT_USAGE;
    }
    if (threads < 1)
        threads = 1;
    daily.hour = SUPERVISE_HOUR;
    if (!hour && getenv("SHISHI_SUPERVISE_HOUR") && *getenv("SHISHI_SUPERVISE_HOUR"))
        hour = getenv("SHISHI_SUPERVISE_HOUR");
    if (hour && strcmp(hour, "off") == 0) {
        daily.hour = -1;
    } else if (hour) {
        long h;
        if (ss_parse_long(hour, &h) != 0 || h < 0 || h > 23) {
            fprintf(stderr,
                    "shishi serve: --supervise-hour must be an hour, 0..23, or off, not "
                    "'%.20s'\n",
                    hour);
            return SS_EXIT_USAGE;
        }
        daily.hour = (int)h;
    }
    memset(&lim, 0, sizeof lim);
    if ((rc = count_opt("per-ip", per_ip, SS_HTTP_MAX_PER_IP, &lim.per_ip)) ||
        (rc = count_opt("request-timeout", timeout, SS_HTTP_MAX_REQUEST_TIMEOUT_S,
                        &lim.request_timeout_s)) ||
        (rc = trusted_proxies(argc, argv, proxies, &lim.ntrusted)))
        return rc;
    lim.trusted = proxies;
    ss_err_clear(&err);
    if (every_s && strcmp(every_s, "0") == 0)
        every = 0;
    else if ((rc = count_opt("notify-every", every_s, 86400, &every)))
        return rc;
    if ((rc = cli_deliver_conf(smtp, from, &deliver, &err)))
        return cli_fail("serve", &err);
    snprintf(dflt_base, sizeof dflt_base, "http://%s", listen);
    if ((rc = ss_follow_base_url(base, dflt_base, follow.base, sizeof follow.base, &err)))
        return cli_fail("serve", &err);
    ss_feed_set_base_url(follow.base);
    if (digest_hour) {
        long h;
        if (ss_parse_long(digest_hour, &h) != 0 || h < 0 || h > 23) {
            fprintf(stderr, "shishi serve: --digest-hour must be an hour, 0..23\n");
            return SS_EXIT_USAGE;
        }
        follow.hour = (int)h;
    }
    /* password checks take about half the threads at most: the rest keep
     * answering while sign-ins queue */
    ss_auth_set_hash_slots((unsigned)(threads / 2));

    /* SIGINT and SIGTERM blocked before any thread starts (ss_web_new
     * starts the refresher, the lanes and the listener): every thread
     * inherits the mask, so the signal waits for sigwait below instead of
     * killing the process in whichever thread it lands on */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    ss_err_clear(&err);
    /* the migration step runs here, once, before any thread opens the
     * database: the connections the server opens then find it current */
    if ((rc = cli_migrate(cli_db_path(db), "serve", &err)) ||
        (rc = cli_audit_key_ready(cli_db_path(db), &err)) ||
        (rc = ss_web_new(cli_db_path(db), replica ? replica : getenv("SHISHI_DB_REPLICA"), &web,
                         &err)))
        return cli_fail("serve", &err);

    if ((rc = ss_http_start_gated(listen, (unsigned)threads, &lim, ss_web_handle,
                                  ss_web_upload_gate, web, &srv, &err))) {
        ss_web_free(web);
        return cli_fail("serve", &err);
    }
    /* the outbox's sender: its own thread and connection, stopped first */
    if (every && (rc = ss_outbox_runner_start(cli_db_path(db), &deliver, every, &outbox, &err))) {
        ss_http_stop(srv);
        ss_web_free(web);
        return cli_fail("serve", &err);
    }
    fprintf(stderr, "shishi serve: listening on %s (port %u, %ld threads)\n", listen,
            ss_http_port(srv), threads);
    fflush(stderr);
    if (daily.hour >= 0) {
        daily.db = cli_db_path(db);
        pthread_mutex_init(&daily.mu, NULL);
        pthread_cond_init(&daily.cv, NULL);
        if (pthread_create(&daily.thread, NULL, daily_main, &daily) != 0) {
            fprintf(stderr, "shishi serve: cannot start the daily supervision run\n");
            daily.hour = -1;
        }
    }
    if (every) {
        follow.db = cli_db_path(db);
        follow.every = every;
        pthread_mutex_init(&follow.mu, NULL);
        pthread_cond_init(&follow.cv, NULL);
        following = pthread_create(&follow.thread, NULL, follow_main, &follow) == 0;
        if (!following) {
            pthread_cond_destroy(&follow.cv);
            pthread_mutex_destroy(&follow.mu);
            fprintf(stderr, "shishi serve: cannot start the following's thread\n");
        }
    }
    sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "shishi serve: stopping (signal %d)\n", sig);
    if (following)
        follow_stop(&follow);
    ss_outbox_runner_stop(outbox);
    if (daily.hour >= 0) {
        daily_stop(&daily);
        pthread_cond_destroy(&daily.cv);
        pthread_mutex_destroy(&daily.mu);
    }
    ss_http_stop(srv);
    ss_web_free(web);
    return SS_EXIT_OK;
}
