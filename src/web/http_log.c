/*
 * http_log.c - the access log: one line per request on stderr,
 *
 *     ADDR "METHOD PATH" STATUS BYTES 1.234ms[ aborted]
 *
 * with method and path escaped for a log (ss_esc_log: no line breaks or
 * control bytes get through, so a request cannot forge a line). A path
 * that carries a secret is logged without it (log_path): a closed survey's
 * one-time code (/survey/CODE is logged /survey/-), which would otherwise
 * tie an address and a time to the code, and the code to its rating; a
 * ballot receipt (/receipts/-).
 *
 * A write(2) per line cost as much as the rest of a cached answer, so each
 * thread appends whole lines to a buffer of its own and the buffer goes
 * out in one write: when the next line would not fit, from the flusher
 * thread every LOG_FLUSH_MS, and when the log is freed.
 *
 * Invariants:
 *   - a line is written whole or not at all: lines never interleave, and a
 *     line longer than LOG_LINE is cut but still ends in a newline;
 *   - a thread's buffer is appended to by that thread only, under its own
 *     mutex, which the flusher takes to write it out: appending never
 *     waits for another thread's lines, only for its own buffer's write;
 *   - buffers belong to one log (its id): a thread that served an earlier
 *     server gets a new buffer for the next one, and the old one was
 *     freed with its log;
 *   - lines of different threads may come out of time order, by up to
 *     LOG_FLUSH_MS.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/util.h"
#include "web/http_int.h"

#define LOG_BUF (32u << 10) /* bytes buffered per thread */
#define LOG_LINE 1024       /* longest line (cut beyond) */
#define LOG_FLUSH_MS 250    /* buffered lines reach the log within this */

/* A thread's buffer: whole lines only. */
struct tbuf {
    pthread_mutex_t mu; /* the owner appends, the flusher writes out */
    struct tbuf *next;
    struct ss_buf line; /* the owner's scratch for one line, reused */
    size_t len;
    char data[LOG_BUF];
};

struct http_log {
    uint64_t id;        /* tells this log's thread buffers from an earlier log's */
    pthread_mutex_t mu; /* guards bufs and stopping */
    pthread_cond_t cv;  /* wakes the flusher to stop */
    struct tbuf *bufs;
    int stopping;
    pthread_t flusher;
};

static atomic_uint_fast64_t log_ids;

static _Thread_local struct {
    uint64_t log; /* id of the log tb belongs to */
    struct tbuf *tb;
} tlog;

static void log_out(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0)
            return; /* nowhere to report a failing log */
        p += w;
        n -= (size_t)w;
    }
}

/* Write out tb's lines; tb->mu held. */
static void drain(struct tbuf *tb)
{
    log_out(tb->data, tb->len);
    tb->len = 0;
}

/* This thread's buffer for l, made and listed on first use. */
static struct tbuf *thread_buf(struct http_log *l)
{
    struct tbuf *tb;

    if (tlog.log == l->id)
        return tlog.tb;
    tb = ss_xcalloc(1, sizeof *tb);
    pthread_mutex_init(&tb->mu, NULL);
    ss_buf_init(&tb->line, LOG_LINE - 1);
    pthread_mutex_lock(&l->mu);
    tb->next = l->bufs;
    l->bufs = tb;
    pthread_mutex_unlock(&l->mu);
    tlog.log = l->id;
    tlog.tb = tb;
    return tb;
}

/* Decimal digits of v into b. */
static void put_u64(struct ss_buf *b, uint64_t v)
{
    char d[24];
    size_t i = sizeof d;

    do
        d[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    ss_buf_put(b, d + i, sizeof d - i);
}

/* The path as logged: a ballot receipt's code (…/receipts/CODE) is
 * written as "-", so the log never ties a client address to a ballot
 * (core/cycle.h). */
static void log_path(struct ss_buf *b, const char *path)
{
    const char *r = strstr(path, "/receipts/");

    if (strncmp(path, "/survey/", 8) == 0) {
        ss_esc_log(b, "/survey/-", 9);
        return;
    }
    if (!r) {
        ss_esc_log(b, path, strlen(path));
        return;
    }
    ss_esc_log(b, path, (size_t)(r - path) + 10);
    ss_buf_putc(b, '-');
}

void ss_http_log_request(struct http_log *l, const char *addr, const char *method, const char *path,
                         int status, size_t bytes, uint64_t us, int aborted)
{
    struct tbuf *tb = thread_buf(l);
    struct ss_buf *b = &tb->line;
    char frac[4];

    ss_buf_reset(b);
    ss_buf_puts(b, addr);
    ss_buf_puts(b, " \"");
    ss_esc_log(b, method, strlen(method));
    ss_buf_putc(b, ' ');
    log_path(b, path);
    ss_buf_puts(b, "\" ");
    put_u64(b, (uint64_t)status);
    ss_buf_putc(b, ' ');
    put_u64(b, bytes);
    ss_buf_putc(b, ' ');
    put_u64(b, us / 1000);
    frac[0] = '.';
    frac[1] = (char)('0' + us / 100 % 10);
    frac[2] = (char)('0' + us / 10 % 10);
    frac[3] = (char)('0' + us % 10);
    ss_buf_put(b, frac, 4);
    ss_buf_puts(b, aborted ? "ms aborted\n" : "ms\n");
    if (b->err) { /* cut, but still one line */
        b->err = 0;
        b->len = b->len > 2 ? b->len - 2 : 0;
        ss_buf_puts(b, "\n");
    }
    if (!b->data)
        return;
    pthread_mutex_lock(&tb->mu);
    if (tb->len + b->len > sizeof tb->data)
        drain(tb);
    memcpy(tb->data + tb->len, b->data, b->len);
    tb->len += b->len;
    pthread_mutex_unlock(&tb->mu);
}

/* Write out every thread's buffer; l->mu held. */
static void flush_all(struct http_log *l)
{
    struct tbuf *tb;

    for (tb = l->bufs; tb; tb = tb->next) {
        pthread_mutex_lock(&tb->mu);
        if (tb->len)
            drain(tb);
        pthread_mutex_unlock(&tb->mu);
    }
}

static void *flusher(void *arg)
{
    struct http_log *l = arg;
    struct timespec until;

    pthread_mutex_lock(&l->mu);
    while (!l->stopping) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += LOG_FLUSH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&l->cv, &l->mu, &until);
        flush_all(l);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

struct http_log *ss_http_log_new(void)
{
    struct http_log *l = ss_xcalloc(1, sizeof *l);
    pthread_condattr_t ca;

    l->id = atomic_fetch_add(&log_ids, 1) + 1;
    pthread_mutex_init(&l->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&l->flusher, NULL, flusher, l) != 0) {
        fprintf(stderr, "shishi: cannot start the access log thread\n");
        abort();
    }
    return l;
}

void ss_http_log_free(struct http_log *l)
{
    struct tbuf *tb, *next;

    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    l->stopping = 1;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->flusher, NULL);
    flush_all(l);
    for (tb = l->bufs; tb; tb = next) {
        next = tb->next;
        ss_buf_cleanup(&tb->line);
        pthread_mutex_destroy(&tb->mu);
        free(tb);
    }
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    free(l);
}
