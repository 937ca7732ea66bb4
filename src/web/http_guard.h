/*
 * http_guard.h - who may connect to the HTTP server, and for how long
 * (private to src/web/http.c).
 *
 * The guard owns three things libmicrohttpd does not do the way shishi
 * needs:
 *   - the listening socket: bound here without SO_REUSEPORT, so a second
 *     server on a port in use fails at once instead of sharing the port
 *     (the kernel would hand connections to both, each with its own
 *     database);
 *   - connections per client address: counted here (libmicrohttpd's own
 *     per-IP limit cannot exempt a reverse proxy, which carries everyone),
 *     checked when a connection is accepted and made exact when it starts;
 *   - the request deadline: a request's line, headers and body must have
 *     arrived within the deadline of the moment the connection was ready
 *     for it (accepted, or the previous answer sent). libmicrohttpd's own
 *     timeout restarts on every byte, so one header line every few seconds
 *     kept a connection for ever; a watchdog thread shuts down the socket
 *     of a connection past its deadline, and libmicrohttpd then closes it.
 *
 * Trusted proxies: connections from these addresses are not counted per
 * address (they carry many clients), and their X-Forwarded-For names the
 * client the server throttles and logs.
 *
 * Threads: the accept and connection callbacks run on libmicrohttpd's
 * threads, the watchdog on its own; one mutex guards the connection list
 * and the counts. A socket is shut down only under that mutex and only
 * while its connection is listed, and libmicrohttpd unlists a connection
 * (the CLOSED notification) before it closes the socket, so the watchdog
 * never touches a descriptor that was closed and reused.
 */
#ifndef SS_WEB_HTTP_GUARD_H
#define SS_WEB_HTTP_GUARD_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <sys/socket.h>

#include "base/err.h"
#include "web/http.h"

struct ss_http_guard;

/* A guard for the limits (defaults filled in for zeros); NULL after err
 * names a bad limit or trusted proxy. Starts the watchdog thread. */
struct ss_http_guard *ss_http_guard_new(const struct ss_http_limits *lim, struct ss_err *err);
/* After the daemon stopped: the watchdog stopped, everything freed. */
void ss_http_guard_free(struct ss_http_guard *g);

/* Bind and listen on listen ("ADDR:PORT", "[ADDR]:PORT"): *fd receives
 * the non-blocking socket for MHD_OPTION_LISTEN_SOCKET. An address in use
 * is an error that names the port. */
int ss_http_guard_listen(const char *listen, int *fd, struct ss_err *err);

/* libmicrohttpd callbacks (cls is the guard). */
enum MHD_Result ss_http_guard_accept(void *cls, const struct sockaddr *addr, socklen_t len);
void ss_http_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code);

/* The request on c has fully arrived (or was refused): its deadline no
 * longer runs. */
void ss_http_guard_arrived(struct MHD_Connection *c);
/* The answer on c went out: the next request's deadline starts now. */
void ss_http_guard_next(struct ss_http_guard *g, struct MHD_Connection *c);

/* Whether the peer of c is a trusted proxy (--trusted-proxy): only its
 * X-Forwarded-For and X-Forwarded-Proto are believed. */
int ss_http_guard_proxied(const struct ss_http_guard *g, struct MHD_Connection *c);
/* The client of a request: the peer's address (peer, text), or, when the
 * peer is a trusted proxy and xff (the last X-Forwarded-For value, may be
 * NULL) names one, the address nearest to us in xff that is not itself a
 * trusted proxy. Writes it into out. */
void ss_http_guard_client(const struct ss_http_guard *g, struct MHD_Connection *c, const char *peer,
                          const char *xff, char out[INET6_ADDRSTRLEN]);

#endif
