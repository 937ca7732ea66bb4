/*
 * bare_mhd.c - the floor for `make bench`: libmicrohttpd answering fixed
 * bytes from memory with nothing else (no routing, no access log, no
 * security headers, no cache look-up). bench/http.sh runs it beside
 * `shishi serve` and nginx, so the figures say how much of the distance
 * to nginx is the library's and how much is shishi's own work.
 *
 *   bare_mhd PORT URL=FILE:CONTENT-TYPE ...
 *
 * Same daemon set-up as shishi serve: epoll, thread pool of 2, turbo,
 * answered on the second callback so keep-alive holds. Not part of the
 * product; built by `make bench` only.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_URLS 8

struct page {
    const char *url;
    struct MHD_Response *resp;
};

static struct page pages[MAX_URLS];
static int npages;

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    int i;

    (void)cls, (void)method, (void)version, (void)upload, (void)upload_size;
    if (!*state) { /* first callback: headers only; answer on the next one */
        *state = conn;
        return MHD_YES;
    }
    for (i = 0; i < npages; i++)
        if (strcmp(pages[i].url, url) == 0)
            return MHD_queue_response(conn, MHD_HTTP_OK, pages[i].resp);
    return MHD_NO;
}

/* "URL=FILE:TYPE" -> a page whose bytes stay in memory until exit. */
static int add_page(char *spec)
{
    char *eq = strchr(spec, '='), *colon, *body;
    FILE *f;
    long n;

    if (!eq || !(colon = strchr(eq, ':')) || npages == MAX_URLS)
        return -1;
    *eq = *colon = '\0';
    if (!(f = fopen(eq + 1, "rb")))
        return -1;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(body = malloc((size_t)n + 1)) || fread(body, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        return -1;
    }
    fclose(f);
    pages[npages].url = spec;
    pages[npages].resp = MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(pages[npages].resp, "Content-Type", colon + 1);
    npages++;
    return 0;
}

int main(int argc, char **argv)
{
    struct MHD_Daemon *d;
    struct sockaddr_in sa;
    sigset_t set;
    int i, sig;
    char *end;
    long port;

    if (argc < 3 || (port = strtol(argv[1], &end, 10)) < 1 || port > 65535 || *end) {
        fprintf(stderr, "usage: bare_mhd PORT URL=FILE:CONTENT-TYPE ...\n");
        return 2;
    }
    for (i = 2; i < argc; i++)
        if (add_page(argv[i])) {
            fprintf(stderr, "bare_mhd: bad page %s\n", argv[i]);
            return 2;
        }
    memset(&sa, 0, sizeof sa); /* loopback only */
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the daemon's threads inherit it */
    d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO, 0, NULL, NULL, answer, NULL,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
                         2u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bare_mhd: cannot listen on port %s\n", argv[1]);
        return 1;
    }
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
