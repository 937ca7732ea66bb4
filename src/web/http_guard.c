/*
 * http_guard.c - the listening socket, connections per client address,
 * the request deadline and trusted proxies (see http_guard.h).
 *
 * Addresses are kept as 16 bytes (IPv4 as IPv4-mapped IPv6), so one table
 * and one comparison serve both families. The per-address counts live in
 * an open-addressing table twice the size of the connection limit, so it
 * never fills; deletion shifts the following entries back, so a lookup
 * stops at the first empty slot.
 */
#define _GNU_SOURCE 1
#include "web/http_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/util.h"

#define NSLOTS (2 * SS_HTTP_MAX_CONN) /* a power of two above the connection limit */
#define WATCH_MS 200                  /* how often the watchdog looks */

struct net { /* a trusted proxy: address and prefix length */
    unsigned char a[16];
    unsigned bits;
};

struct gconn { /* one connection, listed from STARTED to CLOSED */
    struct gconn *prev, *next;
    int fd;
    int trusted;
    int cut;                     /* the watchdog shut it down */
    unsigned char key[16];       /* the peer's address */
    _Atomic int64_t deadline_ms; /* 0 while a request is being answered */
};

struct slot {
    unsigned char key[16];
    unsigned n; /* 0: empty */
};

struct ss_http_guard {
    unsigned per_ip;
    int64_t timeout_ms;
    struct net trusted[SS_HTTP_MAX_TRUSTED];
    size_t ntrusted;
    pthread_mutex_t mu; /* conns, slots, stopping */
    pthread_cond_t cv;
    struct gconn *conns;
    struct slot slots[NSLOTS];
    int stopping;
    pthread_t watchdog;
};

static int64_t now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- addresses ------------------------------------------------------------ */

/* sa as 16 bytes; 0, or -1 for a family that is not IP. */
static int addr_key(const struct sockaddr *sa, unsigned char key[16])
{
    if (sa && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        memset(key, 0, 10);
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &in->sin_addr, 4);
        return 0;
    }
    if (sa && sa->sa_family == AF_INET6) {
        memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
        return 0;
    }
    return -1;
}

/* A textual IPv4 or IPv6 address (no brackets, no port) as 16 bytes;
 * 1 if it is one, *v4 set for IPv4. */
static int parse_ip(const char *s, size_t n, unsigned char key[16], int *v4)
{
    char tmp[INET6_ADDRSTRLEN];
    struct in_addr a4;

    if (n == 0 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET, tmp, &a4) == 1) {
        memset(key, 0, 10);
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &a4, 4);
        *v4 = 1;
        return 1;
    }
    *v4 = 0;
    return inet_pton(AF_INET6, tmp, key) == 1;
}

static void key_text(const unsigned char key[16], char out[INET6_ADDRSTRLEN])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    if (memcmp(key, mapped, 12) == 0)
        inet_ntop(AF_INET, key + 12, out, INET6_ADDRSTRLEN);
    else
        inet_ntop(AF_INET6, key, out, INET6_ADDRSTRLEN);
}

static int in_net(const struct net *n, const unsigned char key[16])
{
    unsigned whole = n->bits / 8, rest = n->bits % 8;

    if (memcmp(n->a, key, whole) != 0)
        return 0;
    return rest == 0 || ((n->a[whole] ^ key[whole]) & (0xff00u >> rest) & 0xff) == 0;
}

static int trusted_key(const struct ss_http_guard *g, const unsigned char key[16])
{
    size_t i;

    for (i = 0; i < g->ntrusted; i++)
        if (in_net(&g->trusted[i], key))
            return 1;
    return 0;
}

/* "ADDR" or "ADDR/BITS" into n; 0 or -1. */
static int parse_net(const char *s, struct net *n)
{
    const char *slash = strchr(s, '/');
    size_t alen = slash ? (size_t)(slash - s) : strlen(s);
    int v4;
    long bits;

    if (!parse_ip(s, alen, n->a, &v4))
        return -1;
    n->bits = 128;
    if (slash) {
        if (ss_parse_long(slash + 1, &bits) || bits < 0 || bits > (v4 ? 32 : 128))
            return -1;
        n->bits = (unsigned)bits + (v4 ? 96 : 0);
    }
    return 0;
}

/* ---- counts per address ------------------------------------------------------ */

static size_t key_hash(const unsigned char key[16])
{
    uint64_t h = 1469598103934665603ull;
    int i;

    for (i = 0; i < 16; i++) {
        h ^= key[i];
        h *= 1099511628211ull;
    }
    return (size_t)(h & (NSLOTS - 1));
}

/* The slot of key, or the empty slot where it would go; g->mu held. */
static struct slot *slot_of(struct ss_http_guard *g, const unsigned char key[16])
{
    size_t i = key_hash(key);

    while (g->slots[i].n && memcmp(g->slots[i].key, key, 16) != 0)
        i = (i + 1) & (NSLOTS - 1);
    return &g->slots[i];
}

/* One connection of key less; g->mu held. */
static void slot_drop(struct ss_http_guard *g, const unsigned char key[16])
{
    struct slot *s = slot_of(g, key);
    size_t hole, i;

    if (!s->n || --s->n)
        return;
    /* backward-shift deletion: move up every later entry of the run that
     * may sit in the hole, so lookups still stop at the first empty slot */
    hole = (size_t)(s - g->slots);
    for (i = (hole + 1) & (NSLOTS - 1); g->slots[i].n; i = (i + 1) & (NSLOTS - 1)) {
        size_t home = key_hash(g->slots[i].key);
        if (((i - home) & (NSLOTS - 1)) >= ((i - hole) & (NSLOTS - 1))) {
            g->slots[hole] = g->slots[i];
            g->slots[i].n = 0;
            hole = i;
        }
    }
}

enum MHD_Result ss_http_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    struct ss_http_guard *g = cls;
    unsigned char key[16];
    unsigned n;

    (void)len;
    if (addr_key(addr, key) || trusted_key(g, key))
        return MHD_YES;
    pthread_mutex_lock(&g->mu);
    n = slot_of(g, key)->n;
    pthread_mutex_unlock(&g->mu);
    return n < g->per_ip ? MHD_YES : MHD_NO;
}

void ss_http_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct ss_http_guard *g = cls;
    struct gconn *gc = *socket_context;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ai =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        const union MHD_ConnectionInfo *fi =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct slot *s;

        gc = ss_xcalloc(1, sizeof *gc);
        gc->fd = fi ? fi->connect_fd : -1;
        if (addr_key(ai ? ai->client_addr : NULL, gc->key))
            gc->trusted = 1; /* not IP: nothing to count it by */
        else
            gc->trusted = trusted_key(g, gc->key);
        atomic_store(&gc->deadline_ms, now_ms() + g->timeout_ms);
        pthread_mutex_lock(&g->mu);
        if (!gc->trusted) {
            /* the accept check raced with other threads' accepts: the
             * count decides, and one over the limit is closed at once */
            s = slot_of(g, gc->key);
            if (!s->n)
                memcpy(s->key, gc->key, 16);
            if (++s->n > g->per_ip && gc->fd >= 0) {
                shutdown(gc->fd, SHUT_RDWR);
                gc->cut = 1;
            }
        }
        gc->next = g->conns;
        if (g->conns)
            g->conns->prev = gc;
        g->conns = gc;
        pthread_mutex_unlock(&g->mu);
        *socket_context = gc;
        return;
    }
    if (!gc)
        return;
    pthread_mutex_lock(&g->mu);
    if (gc->prev)
        gc->prev->next = gc->next;
    else
        g->conns = gc->next;
    if (gc->next)
        gc->next->prev = gc->prev;
    if (!gc->trusted)
        slot_drop(g, gc->key);
    pthread_mutex_unlock(&g->mu);
    free(gc);
    *socket_context = NULL;
}

static struct gconn *gconn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return ci ? ci->socket_context : NULL;
}

void ss_http_guard_arrived(struct MHD_Connection *c)
{
    struct gconn *gc = gconn_of(c);

    if (gc)
        atomic_store(&gc->deadline_ms, 0);
}

void ss_http_guard_next(struct ss_http_guard *g, struct MHD_Connection *c)
{
    struct gconn *gc = gconn_of(c);

    if (gc)
        atomic_store(&gc->deadline_ms, now_ms() + g->timeout_ms);
}

/* ---- the watchdog ------------------------------------------------------------- */

static void *watchdog(void *arg)
{
    struct ss_http_guard *g = arg;
    struct timespec until;
    struct gconn *gc;

    pthread_mutex_lock(&g->mu);
    while (!g->stopping) {
        int64_t now = now_ms();

        for (gc = g->conns; gc; gc = gc->next) {
            int64_t d = atomic_load(&gc->deadline_ms);
            if (d && now >= d && !gc->cut && gc->fd >= 0) {
                /* libmicrohttpd sees the end of the stream and closes it */
                shutdown(gc->fd, SHUT_RDWR);
                gc->cut = 1;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += WATCH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->cv, &g->mu, &until);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

struct ss_http_guard *ss_http_guard_new(const struct ss_http_limits *lim, struct ss_err *err)
{
    struct ss_http_guard *g;
    pthread_condattr_t ca;
    unsigned per_ip = lim && lim->per_ip ? lim->per_ip : SS_HTTP_MAX_CONN_PER_IP;
    unsigned timeout =
        lim && lim->request_timeout_s ? lim->request_timeout_s : SS_HTTP_REQUEST_TIMEOUT_S;
    size_t i, ntrusted = lim ? lim->ntrusted : 0;

    if (per_ip > SS_HTTP_MAX_PER_IP) {
        ss_err_set(err, SS_EINVAL, "--per-ip",
                   "%u connections per address leaves no room for other clients: at most %u "
                   "(of %u in all)",
                   per_ip, (unsigned)SS_HTTP_MAX_PER_IP, (unsigned)SS_HTTP_MAX_CONN);
        return NULL;
    }
    if (timeout > SS_HTTP_MAX_REQUEST_TIMEOUT_S) {
        ss_err_set(err, SS_EINVAL, "--request-timeout", "%u seconds is more than the most, %u",
                   timeout, (unsigned)SS_HTTP_MAX_REQUEST_TIMEOUT_S);
        return NULL;
    }
    if (ntrusted > SS_HTTP_MAX_TRUSTED) {
        ss_err_set(err, SS_EINVAL, "--trusted-proxy", "at most %u trusted proxies",
                   (unsigned)SS_HTTP_MAX_TRUSTED);
        return NULL;
    }
    g = ss_xcalloc(1, sizeof *g);
    for (i = 0; i < ntrusted; i++)
        if (parse_net(lim->trusted[i], &g->trusted[i])) {
            ss_err_set(err, SS_EINVAL, "--trusted-proxy",
                       "'%s' is not an IP address or ADDRESS/PREFIX-LENGTH", lim->trusted[i]);
            free(g);
            return NULL;
        }
    g->ntrusted = ntrusted;
    g->per_ip = per_ip;
    g->timeout_ms = (int64_t)timeout * 1000;
    pthread_mutex_init(&g->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&g->watchdog, NULL, watchdog, g) != 0) {
        fprintf(stderr, "shishi: cannot start the connection watchdog thread\n");
        abort();
    }
    return g;
}

void ss_http_guard_free(struct ss_http_guard *g)
{
    struct gconn *gc, *next;

    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    g->stopping = 1;
    pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->watchdog, NULL);
    for (gc = g->conns; gc; gc = next) { /* none once the daemon stopped */
        next = gc->next;
        free(gc);
    }
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

/* ---- the client behind a proxy ------------------------------------------------- */

/* One X-Forwarded-For element [s, e) as an address: "a.b.c.d",
 * "a.b.c.d:port", "v6" or "[v6]:port". */
static int xff_elem(const char *s, const char *e, unsigned char key[16])
{
    int v4;

    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (s < e && *s == '[') {
        const char *close = memchr(s, ']', (size_t)(e - s));
        return close && parse_ip(s + 1, (size_t)(close - s - 1), key, &v4);
    }
    if (parse_ip(s, (size_t)(e - s), key, &v4))
        return 1;
    /* IPv4 with a port */
    {
        const char *colon = memchr(s, ':', (size_t)(e - s));
        return colon && !memchr(colon + 1, ':', (size_t)(e - colon - 1)) &&
               parse_ip(s, (size_t)(colon - s), key, &v4) && v4;
    }
}

int ss_http_guard_proxied(const struct ss_http_guard *g, struct MHD_Connection *c)
{
    const struct gconn *gc = gconn_of(c);

    return gc && gc->trusted && g->ntrusted && trusted_key(g, gc->key);
}

void ss_http_guard_client(const struct ss_http_guard *g, struct MHD_Connection *c, const char *peer,
                          const char *xff, char out[INET6_ADDRSTRLEN])
{
    unsigned char key[16], found[16];
    const char *end;
    int have = 0;

    snprintf(out, INET6_ADDRSTRLEN, "%s", peer);
    if (!xff || !ss_http_guard_proxied(g, c))
        return;
    /* right to left: each proxy appends the address it was reached from */
    end = xff + strlen(xff);
    while (end > xff) {
        const char *start = end;
        while (start > xff && start[-1] != ',')
            start--;
        if (!xff_elem(start, end, key))
            break; /* garbage: trust nothing further left */
        memcpy(found, key, 16);
        have = 1;
        if (!trusted_key(g, key))
            break;
        end = start > xff ? start - 1 : xff;
    }
    if (have)
        key_text(found, out);
}

/* ---- the listening socket ------------------------------------------------------ */

int ss_http_guard_listen(const char *listen_at, int *fd_out, struct ss_err *err)
{
    char host[256];
    const char *colon, *port, *h = listen_at;
    size_t hlen;
    struct addrinfo hints, *ai = NULL;
    int rc, fd, one = 1, e;

    *fd_out = -1;
    if (listen_at[0] == '[') {
        const char *close = strchr(listen_at, ']');
        if (!close || close[1] != ':')
            return ss_err_set(err, SS_EINVAL, "--listen", "'%s' is not [ADDR]:PORT", listen_at);
        h = listen_at + 1;
        hlen = (size_t)(close - h);
        port = close + 2;
    } else {
        colon = strrchr(listen_at, ':');
        if (!colon)
            return ss_err_set(err, SS_EINVAL, "--listen", "'%s' is not ADDR:PORT", listen_at);
        hlen = (size_t)(colon - listen_at);
        port = colon + 1;
    }
    if (hlen == 0 || hlen >= sizeof host || !*port)
        return ss_err_set(err, SS_EINVAL, "--listen", "'%s' is not ADDR:PORT", listen_at);
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0 || !ai)
        return ss_err_set(err, SS_EINVAL, "--listen", "cannot use '%s': %s", listen_at,
                          gai_strerror(rc));
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        e = errno;
        freeaddrinfo(ai);
        return ss_err_set(err, SS_EIO, "--listen", "cannot open a socket for %s: %s", listen_at,
                          strerror(e));
    }
    /* SO_REUSEADDR lets a restarted server bind while its old connections
     * linger in TIME_WAIT; on Linux it never lets a second socket listen
     * on a port that has a listener (SO_REUSEPORT would, and is not set) */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
        e = errno;
        close(fd);
        freeaddrinfo(ai);
        if (e == EADDRINUSE)
            return ss_err_set(err, SS_EIO, "--listen",
                              "port %s on %s is already in use (another shishi serve, or "
                              "another server, listens there): stop it or choose another port",
                              port, host);
        return ss_err_set(err, SS_EIO, "--listen", "cannot listen on %s: %s", listen_at,
                          strerror(e));
    }
    freeaddrinfo(ai);
    *fd_out = fd;
    return SS_OK;
}
