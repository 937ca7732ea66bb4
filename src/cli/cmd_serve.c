/*
 * cmd_serve.c - `shishi serve`: the public progress portal and JSON API.
 *
 * The main thread blocks SIGINT and SIGTERM before the server starts (so
 * the worker threads inherit the mask), then waits for one of them in
 * sigwait and stops the server gracefully: in-flight requests finish, the
 * engine and connections are freed.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "web/http.h"
#include "web/web.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: shishi serve [--db FILE] [--listen ADDR:PORT] [--threads N]\n"
               "       shishi serve --openapi\n\n"
               "Serve the public progress pages and the JSON API (/api/v1/...).\n"
               "  --listen   address and port (default 127.0.0.1:8080; port 0 picks one)\n"
               "  --threads  worker threads (default: one per CPU)\n"
               "  --openapi  print the OpenAPI document of the API and exit\n"
               "Figures follow the database as it changes, also when another process\n"
               "writes it. SIGINT or SIGTERM stops the server.\n");
}

int cmd_serve(int argc, char **argv)
{
    const char *db = NULL, *listen = "127.0.0.1:8080", *threads_s = NULL;
    int openapi = 0, npos, rc, sig;
    const struct cli_opt opts[] = {
        {"db", 1, &db, NULL},
        {"listen", 1, &listen, NULL},
        {"threads", 1, &threads_s, NULL},
        {"openapi", 0, NULL, &openapi},
        {NULL, 0, NULL, NULL},
    };
    struct ss_http_server *srv = NULL;
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

    ss_err_clear(&err);
    if ((rc = ss_web_new(cli_db_path(db), &web, &err)))
        return cli_fail("serve", &err);

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if ((rc = ss_http_start_gated(listen, (unsigned)threads, ss_web_handle, ss_web_upload_gate, web,
                                  &srv, &err))) {
        ss_web_free(web);
        return cli_fail("serve", &err);
    }
    fprintf(stderr, "shishi serve: listening on %s (port %u, %ld threads)\n", listen,
            ss_http_port(srv), threads);
    fflush(stderr);
    sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "shishi serve: stopping (signal %d)\n", sig);
    ss_http_stop(srv);
    ss_web_free(web);
    return SS_EXIT_OK;
}
