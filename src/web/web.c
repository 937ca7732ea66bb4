/*
 * web.c - routes, the shared engine and its freshness, and the cache.
 *
 * Freshness: before a request touches figures, the refresh connection is
 * asked for its data_version, at most once a millisecond for the whole
 * server (the check is a statement, about as costly as the rest of a
 * cached answer, and a CLI write followed by a request takes far longer
 * than a millisecond). The first thread due takes check_mu (trylock: the
 * others go on meanwhile); when the version moved it takes the engine's
 * write lock and calls ss_engine_refresh; a refresh that changed figures
 * bumps `gen`, which stales every cache slot at once.
 *
 * Writes: a handler that writes (login, reports) asks for this thread's
 * read-write connection (ss_web_store_rw), opened on first use; SQLite's
 * WAL and busy timeout queue the writers. A write moves data_version, and
 * a write request clears the last check's time, so the very next request
 * refreshes the engine.
 *
 * Methods: GET and HEAD run the route's fn; POST, PUT, PATCH and DELETE run
 * the route's matching op, never cached. A state-changing request that
 * carries an Origin header from another site is refused (403) before any
 * handler runs; authentication and CSRF are the handler's (ss_web_auth).
 *
 * Cache slots hold a blob, the generation and the day it was rendered for.
 * A slot is read under its mutex only long enough to take a reference; a
 * stale slot is re-rendered under the engine's read lock (gen cannot move
 * while that lock is held, so the blob is tagged with the right one). The
 * client waiting for a re-render gets gzip at the fast level; once its
 * answer went out, slot_recompress swaps in the same bytes compressed at
 * the best level. Each miss logs its cost: refresh, render, gzip, total.
 */
#include "web/web.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/date.h"
#include "base/util.h"
#include "embedded.h"
#include "store/store.h"
#include "web/routes.h"

#define MAX_THREAD_STORES 256
#define FRESH_NS 1000000ull /* re-check data_version at most this often per thread */
#define COOKIE_AGE (365L * 86400)

enum { SLOT_HOME = 0, SLOT_PLAN = 4, NSLOTS = 5 };

struct slot {
    pthread_mutex_t mu;
    struct ss_http_blob *blob;
    uint64_t gen;
    int32_t day;
};

struct asset {
    const char *path; /* "/static/site.css" */
    struct ss_http_blob *blob;
};

struct ss_web {
    char *db_path;
    struct ss_engine *engine;
    pthread_rwlock_t lock;
    pthread_mutex_t check_mu;    /* one thread at a time checks and refreshes */
    struct ss_store *refresh_st; /* used under check_mu only */
    int64_t dv;                  /* refresh_st's data_version when last checked */
    atomic_uint_fast64_t checked_ns; /* when last checked; 0: check on the next request */
    atomic_int_fast32_t today;       /* ss_date_today() as of that check */
    atomic_uint_fast64_t gen;
    pthread_mutex_t stores_mu;
    struct ss_store *stores[MAX_THREAD_STORES]; /* read-only and read-write, to close */
    size_t nstores;
    struct slot slots[NSLOTS];
    struct asset assets[8];
    size_t nassets;
    char asset_path[8][64];
};

struct tls {
    struct ss_web *w;
    struct ss_store *st;
    struct ss_store *rw;  /* opened on first write */
    uint64_t refresh_ns; /* this request's engine refresh, for the miss log */
};

static _Thread_local struct tls tls;

static uint64_t now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int32_t ss_web_clamp_day(const struct ss_plan *p, int32_t day)
{
    if (p->start != SS_NO_DATE && day < p->start)
        return p->start;
    if (p->end != SS_NO_DATE && day > p->end)
        return p->end;
    return day;
}

/* ---- set-up ---------------------------------------------------------------- */

static const char *asset_type(const char *name)
{
    const char *dot = strrchr(name, '.');

    if (!dot)
        return NULL;
    if (strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (strcmp(dot, ".svg") == 0)
        return "image/svg+xml";
    return NULL; /* other embedded data (plans, divisions) is not served */
}

static void load_assets(struct ss_web *w)
{
    size_t i;

    for (i = 0; i < ss_embedded_count && w->nassets < SS_ARRAY_LEN(w->assets); i++) {
        const struct ss_embedded_file *f = &ss_embedded[i];
        const char *ct = asset_type(f->name);
        char *copy;

        if (!ct)
            continue;
        copy = ss_xmalloc(f->len + 1);
        memcpy(copy, f->data, f->len);
        snprintf(w->asset_path[w->nassets], sizeof w->asset_path[0], "/static/%s", f->name);
        w->assets[w->nassets].path = w->asset_path[w->nassets];
        w->assets[w->nassets].blob =
            ss_http_blob_new(200, ct, "public, max-age=86400", copy, f->len);
        w->nassets++;
    }
}

const char *ss_web_asset_etag(const struct ss_web *w, const char *path)
{
    size_t i;

    for (i = 0; i < w->nassets; i++)
        if (strcmp(w->assets[i].path, path) == 0)
            return ss_http_blob_etag(w->assets[i].blob);
    return "";
}

int ss_web_new(const char *db_path, struct ss_web **out, struct ss_err *err)
{
    struct ss_web *w = ss_xcalloc(1, sizeof *w);
    int rc, i;

    *out = NULL;
    w->db_path = ss_xstrdup(db_path);
    pthread_rwlock_init(&w->lock, NULL);
    pthread_mutex_init(&w->stores_mu, NULL);
    pthread_mutex_init(&w->check_mu, NULL);
    w->dv = -2;
    for (i = 0; i < NSLOTS; i++)
        pthread_mutex_init(&w->slots[i].mu, NULL);
    atomic_init(&w->gen, 1);
    atomic_init(&w->checked_ns, 0);
    atomic_init(&w->today, ss_date_today());
    if ((rc = ss_store_open(db_path, 0, &w->refresh_st, err)))
        goto fail;
    if ((rc = ss_engine_open(w->refresh_st, 0, &w->engine, err)))
        goto fail;
    load_assets(w);
    *out = w;
    return 0;
fail:
    ss_web_free(w);
    return rc;
}

void ss_web_free(struct ss_web *w)
{
    size_t i;

    if (!w)
        return;
    for (i = 0; i < NSLOTS; i++) {
        ss_http_blob_unref(w->slots[i].blob);
        pthread_mutex_destroy(&w->slots[i].mu);
    }
    for (i = 0; i < w->nassets; i++)
        ss_http_blob_unref(w->assets[i].blob);
    for (i = 0; i < w->nstores; i++)
        ss_store_close(w->stores[i]);
    ss_engine_free(w->engine);
    ss_store_close(w->refresh_st);
    pthread_rwlock_destroy(&w->lock);
    pthread_mutex_destroy(&w->stores_mu);
    pthread_mutex_destroy(&w->check_mu);
    free(w->db_path);
    free(w);
}

/* ---- freshness ---------------------------------------------------------------- */

/* This thread's connection, opened on first use. NULL if it cannot open. */
static struct ss_store *thread_store(struct ss_web *w)
{
    struct ss_err err;

    if (tls.w == w && tls.st)
        return tls.st;
    memset(&tls, 0, sizeof tls);
    tls.w = w;
    pthread_mutex_lock(&w->stores_mu);
    if (w->nstores < MAX_THREAD_STORES &&
        ss_store_open(w->db_path, SS_STORE_READONLY, &tls.st, &err) == 0)
        w->stores[w->nstores++] = tls.st;
    else
        fprintf(stderr, "shishi serve: cannot open a connection for a worker thread\n");
    pthread_mutex_unlock(&w->stores_mu);
    return tls.st;
}

struct ss_store *ss_web_thread_store(struct ss_web *w)
{
    return thread_store(w);
}

struct ss_store *ss_web_store_rw(struct ss_wreq *r)
{
    struct ss_web *w = r->web;
    struct ss_err err;

    if (tls.w != w)
        return NULL;
    if (tls.rw)
        return tls.rw;
    pthread_mutex_lock(&w->stores_mu);
    if (w->nstores < MAX_THREAD_STORES &&
        ss_store_open(w->db_path, 0, &tls.rw, &err) == 0)
        w->stores[w->nstores++] = tls.rw;
    else
        fprintf(stderr, "shishi serve: cannot open a read-write connection for a worker thread\n");
    pthread_mutex_unlock(&w->stores_mu);
    return tls.rw;
}

/* Bring the engine up to date if the database moved; returns today. At
 * most one check a millisecond for the whole server, by whichever thread
 * comes first; the others go on with the figures as they are meanwhile. */
static int32_t freshen(struct ss_web *w)
{
    uint64_t now = now_ns(), last = atomic_load_explicit(&w->checked_ns, memory_order_relaxed);
    int64_t dv;
    int32_t today;

    tls.refresh_ns = 0;
    if ((last && now - last < FRESH_NS) || pthread_mutex_trylock(&w->check_mu) != 0)
        return (int32_t)atomic_load_explicit(&w->today, memory_order_relaxed);
    last = atomic_load_explicit(&w->checked_ns, memory_order_relaxed);
    if (last && now - last < FRESH_NS) { /* checked while we were getting here */
        pthread_mutex_unlock(&w->check_mu);
        return (int32_t)atomic_load_explicit(&w->today, memory_order_relaxed);
    }
    today = ss_date_today();
    atomic_store_explicit(&w->today, today, memory_order_relaxed);
    dv = ss_store_data_version(w->refresh_st);
    if (dv != w->dv) {
        int rc;

        w->dv = dv;
        pthread_rwlock_wrlock(&w->lock);
        rc = ss_engine_refresh(w->engine, w->refresh_st);
        if (rc > 0)
            atomic_fetch_add(&w->gen, 1);
        else if (rc < 0)
            fprintf(stderr, "shishi serve: refresh failed (%d); serving the last figures\n",
                    rc);
        pthread_rwlock_unlock(&w->lock);
        tls.refresh_ns = now_ns() - now;
    }
    atomic_store_explicit(&w->checked_ns, now, memory_order_relaxed);
    pthread_mutex_unlock(&w->check_mu);
    return today;
}

/* ---- dispatch ------------------------------------------------------------------- */

/* The methods a route answers, as an Allow header value. */
static const char *route_allow(const struct ss_route *rt)
{
    static _Thread_local char allow[64];
    struct ss_buf b;
    size_t i;

    if (!rt)
        return "GET, HEAD";
    ss_buf_init(&b, sizeof allow - 1);
    if (rt->fn)
        ss_buf_puts(&b, "GET, HEAD");
    for (i = 0; i < SS_ROUTE_MAX_OPS && rt->ops[i].method; i++) {
        if (b.len)
            ss_buf_puts(&b, ", ");
        ss_buf_puts(&b, rt->ops[i].method);
    }
    snprintf(allow, sizeof allow, "%s", b.data ? b.data : "");
    ss_buf_cleanup(&b);
    return allow;
}

static void not_allowed(struct ss_http_resp *resp, int api, const struct ss_route *rt)
{
    const char *allow = route_allow(rt);

    resp->status = 405;
    resp->allow = allow;
    resp->cache_control = "no-store";
    if (api) {
        resp->ctype = "application/json; charset=utf-8";
        ss_buf_puts(&resp->body, "{\"error\":{\"code\":\"method_not_allowed\","
                                 "\"message\":\"Only ");
        ss_buf_puts(&resp->body, allow);
        ss_buf_puts(&resp->body, " are allowed here.\"}}\n");
    } else {
        resp->ctype = "text/plain; charset=utf-8";
        ss_buf_puts(&resp->body, "Method not allowed: use ");
        ss_buf_puts(&resp->body, allow);
        ss_buf_puts(&resp->body, ".\n");
    }
}

/* A state-changing request from another site's page: its Origin (when the
 * browser sent one) must name this host. */
static int cross_origin(const struct ss_http_req *req)
{
    const char *origin = ss_http_header(req, "Origin");
    const char *host = ss_http_header(req, "Host");
    const char *p;

    /* "null" is what a browser sends under Referrer-Policy: no-referrer
     * (ours): it says nothing, so the session's SameSite cookie and CSRF
     * token decide */
    if (!origin || strcmp(origin, "null") == 0)
        return 0;
    if (!host)
        return 1;
    if (strncmp(origin, "http://", 7) == 0)
        p = origin + 7;
    else if (strncmp(origin, "https://", 8) == 0)
        p = origin + 8;
    else
        return 1;
    return strcasecmp(p, host) != 0;
}

/* The op of rt for a state-changing method, or NULL. */
static const struct ss_route_op *route_op(const struct ss_route *rt, const char *method)
{
    size_t i;

    for (i = 0; rt && i < SS_ROUTE_MAX_OPS && rt->ops[i].method; i++)
        if (strcmp(rt->ops[i].method, method) == 0)
            return &rt->ops[i];
    return NULL;
}

/* Language and text size: ?lang= / ?care= set them (and a cookie), else the
 * cookies, else Chinese at normal size. */
static void read_prefs(const struct ss_http_req *req, struct ss_http_resp *resp, int *lang,
                       int *care)
{
    const char *q = ss_http_arg(req, "lang"), *c;

    if (q && (strcmp(q, "en") == 0 || strcmp(q, "zh") == 0)) {
        *lang = strcmp(q, "en") == 0 ? SS_LANG_EN : SS_LANG_ZH;
        ss_http_resp_cookie(resp, "lang", q, COOKIE_AGE);
    } else {
        c = ss_http_cookie(req, "lang");
        *lang = c && strcmp(c, "en") == 0 ? SS_LANG_EN : SS_LANG_ZH;
    }
    q = ss_http_arg(req, "care");
    if (q && (strcmp(q, "1") == 0 || strcmp(q, "0") == 0)) {
        *care = q[0] == '1';
        ss_http_resp_cookie(resp, "care", q, COOKIE_AGE);
    } else {
        c = ss_http_cookie(req, "care");
        *care = c && strcmp(c, "1") == 0;
    }
}

/* Look up a fresh cached blob (a new reference) or NULL. */
static struct ss_http_blob *slot_get(struct ss_web *w, int k, int32_t day)
{
    struct slot *s = &w->slots[k];
    struct ss_http_blob *b = NULL;
    uint64_t gen = atomic_load(&w->gen);

    pthread_mutex_lock(&s->mu);
    if (s->blob && s->gen == gen && s->day == day)
        b = ss_http_blob_ref(s->blob);
    pthread_mutex_unlock(&s->mu);
    return b;
}

/* After the answer to a miss went out: the slot's blob, compressed fast
 * while the client waited, again at the best level (if it is still the
 * slot's blob; a newer one replaced it otherwise). */
static void slot_recompress(void *arg)
{
    struct slot *s = arg;
    struct ss_http_blob *b = NULL, *better, *old = NULL;

    pthread_mutex_lock(&s->mu);
    if (s->blob)
        b = ss_http_blob_ref(s->blob);
    pthread_mutex_unlock(&s->mu);
    if (!b)
        return;
    better = ss_http_blob_recompress(b);
    if (better) {
        pthread_mutex_lock(&s->mu);
        if (s->blob == b) {
            old = s->blob;
            s->blob = better; /* our reference goes to the slot */
            better = NULL;
        }
        pthread_mutex_unlock(&s->mu);
    }
    ss_http_blob_unref(better);
    ss_http_blob_unref(old);
    ss_http_blob_unref(b);
}

static void slot_put(struct ss_web *w, int k, struct ss_http_blob *b, uint64_t gen, int32_t day)
{
    struct slot *s = &w->slots[k];
    struct ss_http_blob *old;

    pthread_mutex_lock(&s->mu);
    old = s->blob;
    s->blob = ss_http_blob_ref(b);
    s->gen = gen;
    s->day = day;
    pthread_mutex_unlock(&s->mu);
    ss_http_blob_unref(old);
}

/* One line per cache miss: what the re-render cost, part by part (the
 * engine refresh only if this request made it). */
static void miss_log(const struct ss_http_req *req, uint64_t refresh_ns, uint64_t render_ns,
                     const struct ss_http_blob *b, uint64_t total_ns)
{
    fprintf(stderr,
            "shishi serve: cache miss %s: refresh %.3f ms, render %.3f ms, gzip %.3f ms "
            "(level %d, %zu -> %zu bytes), total %.3f ms\n",
            req->path, (double)refresh_ns / 1e6, (double)render_ns / 1e6,
            (double)ss_http_blob_gzip_ns(b) / 1e6, ss_http_blob_gzip_level(b),
            ss_http_blob_len(b), ss_http_blob_gzip_len(b), (double)total_ns / 1e6);
}

void ss_web_handle(void *ctx, const struct ss_http_req *req, struct ss_http_resp *resp)
{
    struct ss_web *w = ctx;
    const struct ss_route *rt;
    const struct ss_route_op *op = NULL;
    struct ss_wreq r;
    int slot = -1, api = strncmp(req->path, "/api/", 5) == 0;
    int get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    int32_t today;
    uint64_t t_render;
    size_t i;

    memset(&r, 0, sizeof r);
    rt = ss_route_match(req->path, r.param, sizeof r.param);
    if (!get) {
        op = route_op(rt, req->method);
        if (!op) {
            not_allowed(resp, api, rt);
            return;
        }
        if (cross_origin(req)) {
            resp->status = 403;
            resp->cache_control = "no-store";
            resp->ctype = api ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
            ss_buf_puts(&resp->body,
                        api ? "{\"error\":{\"code\":\"cross_origin\",\"message\":"
                              "\"Requests from another site's pages are refused.\"}}\n"
                            : "Requests from another site's pages are refused.\n");
            return;
        }
    } else if (rt && !rt->fn) {
        not_allowed(resp, api, rt);
        return;
    }
    for (i = 0; get && i < w->nassets; i++)
        if (strcmp(req->path, w->assets[i].path) == 0 ||
            (strcmp(req->path, "/favicon.ico") == 0 &&
             strcmp(w->assets[i].path, "/static/favicon.svg") == 0)) {
            resp->blob = ss_http_blob_ref(w->assets[i].blob);
            return;
        }

    r.web = w;
    r.http = req;
    r.resp = resp;
    read_prefs(req, resp, &r.lang, &r.care);
    r.st = thread_store(w);
    today = freshen(w);
    if (!get)
        ; /* never cached */
    else if (rt && rt->cache == SS_CACHE_HOME)
        slot = SLOT_HOME + r.lang * 2 + r.care;
    else if (rt && rt->cache == SS_CACHE_PLAN)
        slot = SLOT_PLAN;

    if (slot >= 0) {
        /* slots are tagged with today itself: the clamped day follows from
         * it and the plan, and a new plan bumps gen */
        struct ss_http_blob *b = slot_get(w, slot, today);
        if (b) {
            resp->blob = b;
            return;
        }
    }

    pthread_rwlock_rdlock(&w->lock);
    t_render = now_ns();
    r.e = w->engine;
    r.plan = ss_engine_plan(w->engine);
    r.day = ss_web_clamp_day(r.plan, today);
    if (!rt) {
        if (api)
            ss_api_error(&r, 404, "not_found", "No such API route.");
        else
            ss_page_not_found(&r);
    } else {
        (op ? op->fn : rt->fn)(&r);
    }
    if (op) /* a write: the next request checks the database at once */
        atomic_store(&w->checked_ns, 0);
    if (slot >= 0 && (resp->status == 0 || resp->status == 200) && !resp->body.err) {
        uint64_t gen = atomic_load(&w->gen), t1 = now_ns(), t2;
        size_t len;
        char *data = ss_buf_detach(&resp->body, &len);
        struct ss_http_blob *b =
            ss_http_blob_new_level(200, resp->ctype ? resp->ctype : "text/html; charset=utf-8",
                                   "no-cache", data, len, SS_HTTP_GZIP_FAST);

        slot_put(w, slot, b, gen, today);
        resp->blob = b; /* our reference goes to the response */
        resp->after = slot_recompress;
        resp->after_arg = &w->slots[slot];
        t2 = now_ns();
        miss_log(req, tls.refresh_ns, t1 - t_render, b, t2 - t_render + tls.refresh_ns);
    }
    pthread_rwlock_unlock(&w->lock);
}
