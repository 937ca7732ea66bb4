/*
 * web.c - routes, the shared engine and its freshness, the cache, and the
 * threads that keep writes away from reads.
 *
 * Threads. libmicrohttpd's workers (`serve --threads`) answer reads: a
 * cached page in microseconds, a render in about a millisecond. Nothing
 * that waits for the disk or for SQLite's write lock runs on them: every
 * state-changing request (POST, PUT, PATCH, DELETE) is deferred
 * (ss_http_defer: the connection is suspended, the worker goes on with its
 * other connections) to a lane of threads of its own, which runs the
 * route's op and answers (ss_http_resume). Two lanes: sign-ins (an argon2id
 * hash is tens of milliseconds of CPU; a burst of them must not hold up
 * reports) and every other write (SQLite takes one writer at a time, so a
 * few threads keep the write lock busy; more would only queue in SQLite's
 * busy handler, which sleeps). A lane thread runs the op as a worker would:
 * under the engine's read lock, with its own read-write connection, at a
 * lower priority (BACKGROUND_NICE), so that on busy cores a worker with a
 * read to answer runs first. When the server is stopping (deferral
 * refused), the op runs on the worker.
 *
 * Freshness. Before a request touches figures, the refresh connection is
 * asked for the store's change counters (store.h), at most once a
 * millisecond for the whole
 * server, by whichever thread is due (trylock on check_mu: the others go on
 * meanwhile). When it moved, the engine must be refreshed under its write
 * lock, which waits for every op in flight (ops hold the read lock through
 * their commit). A worker never waits for that: it refreshes only if no op
 * is in flight and the write lock is free at once (trywrlock: a CLI write
 * on an idle server shows on the very next request), and otherwise hands
 * the refresh to the refresher thread and answers with the figures it has. A lane thread
 * takes a ticket after its op's commit, before it lets go of the read
 * lock, and answers once a refresh covered it: the refresher counts the
 * tickets when it holds the write lock, so one refresh covers every op
 * that was in flight, and a write is in the figures by the time it is
 * acknowledged. A refresh that changed the figures bumps `egen`; the
 * refresher renders again the slots that were read, then publishes `gen`,
 * which stales every other slot at once.
 *
 * Methods: GET and HEAD run the route's get; POST, PUT, PATCH and DELETE run
 * the route's matching op, never cached. A state-changing request that
 * carries an Origin header from another site is refused (403) before any
 * handler runs; authentication and CSRF are the handler's (ss_web_auth).
 *
 * Cache. A slot's bytes are a function of its key alone: the route, the
 * language and the text size, plus the figures generation and the day it
 * was rendered for. There is a slot of / for every language and text size
 * (home_slot; the count follows SS_NLANGS). So that nothing else a request carries can reach them
 * (a query like /?q=…&org=… would otherwise end up in the links of the page
 * served to everyone), a slot is never rendered from the request that
 * missed: it is rendered from a request made of the key (the route's path,
 * no query, headers or cookies), and the page served is the same whatever
 * else the request asked. A slot is read under its mutex only long enough
 * to take a reference; a stale slot is re-rendered under the engine's read
 * lock (egen cannot move while that lock is held, so the blob is tagged
 * with the right one). The client waiting for a re-render gets gzip at the fast
 * level; once its answer went out, slot_recompress swaps in the same bytes
 * compressed at the best level. Each miss logs its cost: refresh, render,
 * gzip, total.
 */
#include "web/web.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "embedded.h"
#include "store/store.h"
#include "web/routes.h"

#define MAX_THREAD_STORES 256
#define NPAST 2             /* past plans' engines kept (see struct past) */
#define FRESH_NS 1000000ull /* re-check the change counters at most this often */
#define COOKIE_AGE (365L * 86400)
#define WRITE_THREADS 2  /* the write lane's threads (see the file-top comment) */
#define SIGNIN_THREADS 2 /* the sign-in lane's */
#define LANE_MAX 4
#define BACKGROUND_NICE 10 /* lane threads, below the workers (nice values) */

/* The cache's slots: /api/v1/plan, one for all, and / for each language
 * and text size (home_slot). NSLOTS grows with SS_NLANGS; the refresher
 * keeps the slots it rendered as the bits of an unsigned. */
enum { NCARE = 2, SLOT_PLAN = 0, SLOT_HOME = 1, NSLOTS = SLOT_HOME + SS_NLANGS * NCARE };
_Static_assert(NSLOTS <= 32, "the refresher's rendered slots fit in an unsigned");
enum { LANE_WRITE = 0, LANE_SIGNIN = 1, NLANES = 2 };

/* A cached response. Its key: rt (the route), lang and care, fixed at
 * set-up, plus gen and day, the figures and the day it was rendered for. */
struct slot {
    pthread_mutex_t mu;
    struct ss_http_blob *blob;
    uint64_t gen;
    int32_t day;
    const struct ss_route *rt;
    enum ss_lang lang;
    int care;
    atomic_int read; /* served since its last render: the refresher renders it again */
};

struct asset {
    const char *path; /* "/static/site.css" */
    struct ss_http_blob *blob;
};

/* A deferred op, owned by its lane until it is answered. req and resp are
 * the suspended request's (http.c keeps them until ss_http_resume). */
struct job {
    struct job *next;
    const struct ss_http_req *req;
    struct ss_http_resp *resp;
    const struct ss_route_op *op;
    char param[SS_WEB_MAX_PARAM];
};

/* A past plan's engine (/plans/{year}), kept between visits: building one
 * reads every report of that plan (seconds and a few hundred MB for a
 * national plan), which no citizen's page view may cost. NPAST of them at
 * most, the least recently used given up for another; each refreshed on
 * every visit (one reading of the change counters when nothing moved), so
 * a late approval for a past year shows at once. */
struct past {
    struct ss_engine *e; /* NULL: free */
    uint64_t used;       /* w->past_clock at its last visit */
};

/* A queue of jobs and the threads that run them, first come first served. */
struct lane {
    struct ss_web *w;
    int refresh; /* 1: a job waits for the refresh after it before it is answered */
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a job came, or stop */
    struct job *head, *tail;
    int stop;
    unsigned nthreads;
    pthread_t threads[LANE_MAX];
};

struct ss_web {
    char *db_path;
    /* --db-replica: the hot standby the engine reads from (NULL: db_path);
     * write_pos is the primary's log position after the last write op,
     * which a refresh waits for the standby to replay (refresh_blocking);
     * replica_as_of its last replayed commit at the last refresh (under
     * the engine's lock) */
    char *replica_path;
    atomic_uint_fast64_t write_pos;
    char replica_as_of[21];
    struct ss_engine *engine;
    pthread_rwlock_t lock;
    pthread_mutex_t check_mu;        /* one thread at a time checks and refreshes */
    struct ss_store *refresh_st;     /* used under check_mu only */
    struct ss_store_counters seen;   /* refresh_st's change counters when last checked */
    atomic_uint_fast64_t checked_ns; /* when last checked; 0: check on the next request */
    atomic_int_fast32_t today;       /* ss_date_today() as of that check */
    atomic_uint_fast64_t egen; /* the engine's figures: bumped by a refresh that changed them */
    atomic_uint_fast64_t gen;  /* published: a slot rendered from gen or later is fresh */
    atomic_int inflight;       /* deferred ops not answered yet */
    /* the refresher: ref_asked counts the refreshes asked for (tickets),
     * ref_done the ones covered by a finished refresh; ref_poke asks for
     * one without a ticket (a worker found the write lock busy) */
    pthread_mutex_t ref_mu;
    pthread_cond_t ref_cv;   /* wakes the refresher */
    pthread_cond_t ref_idle; /* a refresh finished */
    uint64_t ref_asked, ref_done;
    int ref_poke, ref_stop, ref_running;
    pthread_t refresher;
    /* PostgreSQL: hears other instances' commits (listener_main) */
    pthread_t listener;
    int listening;          /* the listener thread runs */
    atomic_int foreign;     /* another process committed: not yet checked for */
    atomic_int bringing;    /* check_mu's holder is checking for such a commit */
    atomic_int listen_stop; /* asks it to end */
    struct lane lanes[NLANES];
    pthread_mutex_t stores_mu;
    struct ss_store *stores[MAX_THREAD_STORES]; /* read-only and read-write, to close */
    size_t nstores;
    struct slot slots[NSLOTS];
    /* past plans: past_mu is held from ss_web_past_begin to its _end */
    pthread_mutex_t past_mu;
    struct past past[NPAST];
    uint64_t past_clock;
    struct asset assets[8];
    size_t nassets;
    char asset_path[8][64];
};

struct tls {
    struct ss_web *w;
    struct ss_store *st;
    struct ss_store *rw; /* opened on first write */
    uint64_t refresh_ns; /* this request's engine refresh, for the miss log */
};

static _Thread_local struct tls tls;

/* The slot of / in lang at text size care. */
static int home_slot(enum ss_lang lang, int care)
{
    return SLOT_HOME + ((unsigned)lang < SS_NLANGS ? (int)lang : 0) * NCARE + (care ? 1 : 0);
}

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

/* ---- past plans ------------------------------------------------------------ */

const struct ss_engine *ss_web_past_begin(struct ss_wreq *r, int64_t plan_id, struct ss_err *err)
{
    struct ss_web *w = r->web;
    struct past *p = NULL, *lru = &w->past[0];
    int rc, i;

    pthread_mutex_lock(&w->past_mu);
    for (i = 0; i < NPAST && !p; i++) { /* a free one was never used: 0 */
        struct past *x = &w->past[i];
        if (x->e && ss_engine_plan(x->e)->id == plan_id)
            p = x;
        else if (x->used < lru->used)
            lru = x;
    }
    if (!p) {
        p = lru;
        ss_engine_free(p->e);
        p->e = NULL;
        p->used = 0;
        if (ss_engine_open(r->st, plan_id, &p->e, err)) {
            pthread_mutex_unlock(&w->past_mu);
            return NULL;
        }
    } else if ((rc = ss_engine_refresh(p->e, r->st)) < 0) {
        fprintf(stderr,
                "shishi serve: refresh of plan %lld failed (%d); serving the last figures\n",
                (long long)plan_id, rc);
    }
    p->used = ++w->past_clock;
    return p->e;
}

void ss_web_past_end(struct ss_wreq *r)
{
    pthread_mutex_unlock(&r->web->past_mu);
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

static void *refresher_main(void *arg);
static void *lane_main(void *arg);
static void *listener_main(void *arg);

/* Run this thread BACKGROUND_NICE below the server's priority: when the
 * cores are busy, a worker that has a read to answer is scheduled before a
 * lane thread (which still gets its share). On Linux the nice value is per
 * thread. The refresher keeps the server's: it holds the engine's write
 * lock and check_mu, which must not wait for a core. So do the lanes on
 * PostgreSQL: there a lane thread holds the database's locks (the
 * writers', its cells', the seal's) between its statements, which every
 * instance's writers wait for, and a lowered priority stretched each of
 * those waits by the cores' queue (its work is the server's, not its
 * own: it mostly waits for its answers). */
static void lower_priority(void)
{
    id_t tid = (id_t)syscall(SYS_gettid);
    int nice;

    errno = 0;
    nice = getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        nice = nice + BACKGROUND_NICE > 19 ? 19 : nice + BACKGROUND_NICE;
    if (errno != 0 || setpriority(PRIO_PROCESS, tid, nice) != 0)
        fprintf(stderr, "shishi serve: cannot lower a background thread's priority\n");
}

static struct ss_http_blob *slot_render(struct ss_web *w, int k, int32_t today,
                                        struct ss_http_resp *resp);
static void slot_recompress(void *arg);

/* Start the refresher and the lanes' threads; -1 if a thread cannot start. */
static int threads_start(struct ss_web *w)
{
    static const unsigned nthreads[NLANES] = {WRITE_THREADS, SIGNIN_THREADS};
    size_t i;
    unsigned k;

    if (pthread_create(&w->refresher, NULL, refresher_main, w) != 0)
        return -1;
    w->ref_running = 1;
    if (ss_store_is_url(w->db_path)) {
        if (pthread_create(&w->listener, NULL, listener_main, w) != 0)
            return -1;
        w->listening = 1;
    }
    for (i = 0; i < NLANES; i++) {
        struct lane *l = &w->lanes[i];

        for (k = 0; k < nthreads[i] && k < LANE_MAX; k++) {
            if (pthread_create(&l->threads[k], NULL, lane_main, l) != 0)
                return -1;
            l->nthreads++;
        }
    }
    return 0;
}

/* Join the lanes' threads (each runs what is left in its queue first),
 * then the refresher. */
static void threads_stop(struct ss_web *w)
{
    size_t i;
    unsigned k;

    for (i = 0; i < NLANES; i++) {
        struct lane *l = &w->lanes[i];

        pthread_mutex_lock(&l->mu);
        l->stop = 1;
        pthread_cond_broadcast(&l->cv);
        pthread_mutex_unlock(&l->mu);
        for (k = 0; k < l->nthreads; k++)
            pthread_join(l->threads[k], NULL);
        l->nthreads = 0;
    }
    if (w->listening) {
        atomic_store(&w->listen_stop, 1);
        pthread_join(w->listener, NULL);
        w->listening = 0;
    }
    if (w->ref_running) {
        pthread_mutex_lock(&w->ref_mu);
        w->ref_stop = 1;
        pthread_cond_signal(&w->ref_cv);
        pthread_mutex_unlock(&w->ref_mu);
        pthread_join(w->refresher, NULL);
        w->ref_running = 0;
    }
}

int ss_web_new(const char *db_path, const char *replica, struct ss_web **out, struct ss_err *err)
{
    struct ss_web *w = ss_xcalloc(1, sizeof *w);
    int rc, i;

    *out = NULL;
    w->db_path = ss_xstrdup(db_path);
    w->replica_path = replica && *replica ? ss_xstrdup(replica) : NULL;
    pthread_rwlock_init(&w->lock, NULL);
    pthread_mutex_init(&w->stores_mu, NULL);
    pthread_mutex_init(&w->check_mu, NULL);
    pthread_mutex_init(&w->past_mu, NULL);
    pthread_mutex_init(&w->ref_mu, NULL);
    pthread_cond_init(&w->ref_cv, NULL);
    pthread_cond_init(&w->ref_idle, NULL);
    w->seen.plan_id = -1; /* no reading yet: the first check refreshes */
    for (i = 0; i < NSLOTS; i++)
        pthread_mutex_init(&w->slots[i].mu, NULL);
    for (i = 0; i < NLANES; i++) {
        w->lanes[i].w = w;
        w->lanes[i].refresh = i == LANE_WRITE;
        pthread_mutex_init(&w->lanes[i].mu, NULL);
        pthread_cond_init(&w->lanes[i].cv, NULL);
    }
    atomic_init(&w->egen, 1);
    atomic_init(&w->gen, 1);
    atomic_init(&w->inflight, 0);
    for (i = 0; i < (int)ss_nroutes; i++) {
        const struct ss_route *rt = &ss_routes[i];
        int k;

        if (rt->cache == SS_CACHE_PLAN)
            w->slots[SLOT_PLAN].rt = rt;
        for (k = 0; rt->cache == SS_CACHE_HOME && k < SS_NLANGS * NCARE; k++) {
            struct slot *sl = &w->slots[home_slot((enum ss_lang)(k / NCARE), k % NCARE)];
            sl->rt = rt;
            sl->lang = (enum ss_lang)(k / NCARE);
            sl->care = k % NCARE;
        }
    }
    atomic_init(&w->checked_ns, 0);
    atomic_init(&w->today, ss_date_today());
    if ((rc = w->replica_path
                  ? ss_store_open(w->replica_path, SS_STORE_READONLY, &w->refresh_st, err)
                  : ss_store_open(db_path, 0, &w->refresh_st, err)))
        goto fail;
    if (w->replica_path)
        ss_store_replay_time(w->refresh_st, w->replica_as_of);
    if ((rc = ss_engine_open(w->refresh_st, 0, &w->engine, err)))
        goto fail;
    load_assets(w);
    if (threads_start(w)) {
        rc = ss_err_set(err, SS_EIO, "serve", "cannot start the server's threads");
        goto fail;
    }
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
    threads_stop(w);
    for (i = 0; i < NLANES; i++) {
        pthread_mutex_destroy(&w->lanes[i].mu);
        pthread_cond_destroy(&w->lanes[i].cv);
    }
    for (i = 0; i < NSLOTS; i++) {
        ss_http_blob_unref(w->slots[i].blob);
        pthread_mutex_destroy(&w->slots[i].mu);
    }
    for (i = 0; i < w->nassets; i++)
        ss_http_blob_unref(w->assets[i].blob);
    for (i = 0; i < w->nstores; i++)
        ss_store_close(w->stores[i]);
    ss_engine_free(w->engine);
    for (i = 0; i < NPAST; i++)
        ss_engine_free(w->past[i].e);
    pthread_mutex_destroy(&w->past_mu);
    ss_store_close(w->refresh_st);
    pthread_rwlock_destroy(&w->lock);
    pthread_mutex_destroy(&w->stores_mu);
    pthread_mutex_destroy(&w->check_mu);
    pthread_mutex_destroy(&w->ref_mu);
    pthread_cond_destroy(&w->ref_cv);
    pthread_cond_destroy(&w->ref_idle);
    free(w->db_path);
    free(w->replica_path);
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
    if (w->nstores < MAX_THREAD_STORES && ss_store_open(w->db_path, 0, &tls.rw, &err) == 0)
        w->stores[w->nstores++] = tls.rw;
    else
        fprintf(stderr, "shishi serve: cannot open a read-write connection for a worker thread\n");
    pthread_mutex_unlock(&w->stores_mu);
    return tls.rw;
}

/* Refresh the engine; the caller holds check_mu and the engine's write
 * lock. 1 if the figures changed (egen moved). */
static int engine_refresh(struct ss_web *w)
{
    int rc = ss_engine_refresh(w->engine, w->refresh_st);

    if (rc > 0)
        atomic_fetch_add(&w->egen, 1);
    else if (rc < 0)
        fprintf(stderr, "shishi serve: refresh failed (%d); serving the last figures\n", rc);
    return rc > 0;
}

/* Ask the refresher for a refresh, without waiting for it. */
static void refresher_poke(struct ss_web *w)
{
    pthread_mutex_lock(&w->ref_mu);
    w->ref_poke = 1;
    pthread_cond_signal(&w->ref_cv);
    pthread_mutex_unlock(&w->ref_mu);
}

/* Bring the engine up to date if the database moved; returns today. At
 * most one check a millisecond for the whole server, by whichever thread
 * comes first; the others go on with the figures as they are meanwhile.
 * Never waits, and leaves the refresh to the refresher when ops are in
 * flight (theirs will follow them anyway) or hold the engine (its write
 * lock is not free at once): this request has the figures as they are. A
 * refresh made here is published at once; the request re-renders what it
 * needs. */
static int32_t freshen(struct ss_web *w)
{
    uint64_t now = now_ns(), last = atomic_load_explicit(&w->checked_ns, memory_order_relaxed);
    struct ss_store_counters c;
    int32_t today;

    tls.refresh_ns = 0;
    if (last && now - last < FRESH_NS)
        return (int32_t)atomic_load_explicit(&w->today, memory_order_relaxed);
    if (pthread_mutex_trylock(&w->check_mu) != 0) {
        if (!atomic_load(&w->foreign) && !atomic_load(&w->bringing))
            return (int32_t)atomic_load_explicit(&w->today, memory_order_relaxed);
        /* another process's commit, heard by the listener, is being
         * brought in by whoever holds check_mu: wait for it rather than
         * answer from before it (one refresh at most) */
        pthread_mutex_lock(&w->check_mu);
    }
    last = atomic_load_explicit(&w->checked_ns, memory_order_relaxed);
    if (last && now - last < FRESH_NS) { /* checked while we were getting here */
        pthread_mutex_unlock(&w->check_mu);
        return (int32_t)atomic_load_explicit(&w->today, memory_order_relaxed);
    }
    today = ss_date_today();
    atomic_store_explicit(&w->today, today, memory_order_relaxed);
    if (atomic_exchange(&w->foreign, 0))
        atomic_store(&w->bringing, 1);
    if (ss_store_counters(w->refresh_st, &c) || !ss_store_counters_same(&c, &w->seen)) {
        if (atomic_load(&w->inflight) == 0 && pthread_rwlock_trywrlock(&w->lock) == 0) {
            w->seen = c;
            engine_refresh(w);
            pthread_rwlock_unlock(&w->lock);
            atomic_store(&w->gen, atomic_load(&w->egen));
            tls.refresh_ns = now_ns() - now;
        } else {
            refresher_poke(w);
        }
    }
    atomic_store_explicit(&w->checked_ns, now, memory_order_relaxed);
    atomic_store(&w->bringing, 0);
    pthread_mutex_unlock(&w->check_mu);
    return today;
}

/* The refresher's refresh: waits for check_mu and the write lock, then
 * covers every ticket asked by then (*upto): an op takes its ticket after
 * its commit and before it lets go of the read lock, so all of them are in
 * the database this reads. When the figures changed, the slots read since
 * their last render are rendered again before the new figures are
 * published (until then readers get the previous ones, which no
 * acknowledged write is missing from), so readers of a busy page do not
 * re-render it themselves. Returns the slots it rendered, as bits. */
/* With a standby: wait (up to REPLICA_WAIT_MS) until it has replayed the
 * last write op's commit, then note its as-of time. A standby further
 * behind than that is read as it is: the figures say how old they are. */
#define REPLICA_WAIT_MS 2000
static void replica_catch_up(struct ss_web *w)
{
    uint64_t want = atomic_load(&w->write_pos), pos = 0;
    int waited = 0;

    while (want && !ss_store_wal_position(w->refresh_st, &pos) && pos < want &&
           waited < REPLICA_WAIT_MS) {
        usleep(2000);
        waited += 2;
    }
    ss_store_replay_time(w->refresh_st, w->replica_as_of);
}

const char *ss_web_replica_as_of(const struct ss_web *w)
{
    return w->replica_path ? w->replica_as_of : NULL;
}

static unsigned refresh_blocking(struct ss_web *w, uint64_t *upto)
{
    unsigned rendered = 0;
    struct ss_store_counters c;
    int32_t today = ss_date_today();
    int k, changed = 0;

    pthread_mutex_lock(&w->check_mu);
    pthread_rwlock_wrlock(&w->lock);
    pthread_mutex_lock(&w->ref_mu);
    *upto = w->ref_asked;
    w->ref_poke = 0;
    pthread_mutex_unlock(&w->ref_mu);
    atomic_store_explicit(&w->today, today, memory_order_relaxed);
    if (w->replica_path)
        replica_catch_up(w);
    /* a request that finds check_mu held waits while a foreign commit is
     * brought in (refresh_if_moved), rather than answer from before it */
    if (atomic_exchange(&w->foreign, 0))
        atomic_store(&w->bringing, 1);
    if (ss_store_counters(w->refresh_st, &c) || !ss_store_counters_same(&c, &w->seen)) {
        w->seen = c;
        changed = engine_refresh(w);
    }
    pthread_rwlock_unlock(&w->lock);
    if (changed) {
        tls.refresh_ns = 0;
        for (k = 0; k < NSLOTS; k++) {
            struct slot *sl = &w->slots[k];
            struct ss_http_blob *b;

            if (!sl->rt || !atomic_load(&sl->read))
                continue;
            atomic_store(&sl->read, 0);
            if ((b = slot_render(w, k, today, NULL)))
                rendered |= 1u << k;
            ss_http_blob_unref(b);
        }
        atomic_store(&w->gen, atomic_load(&w->egen));
    }
    atomic_store_explicit(&w->checked_ns, now_ns(), memory_order_relaxed);
    atomic_store(&w->bringing, 0);
    pthread_mutex_unlock(&w->check_mu);
    return rendered;
}

/* The refresher thread: one refresh at a time, each for every ticket
 * asked before it holds the engine (see refresh_blocking). */
/* Several instances on one PostgreSQL: a commit made through another
 * instance (or the CLI) is heard here (LISTEN/NOTIFY, store.h): the next
 * request checks the counters at once, and when none comes within
 * LISTEN_IDLE_MS the refresher brings the engine and the read pages up to
 * date before anyone asks. Requests still check the counters themselves
 * (refresh_if_moved), so a lost connection or a missed notification
 * costs nothing but this head start; the listener reconnects every
 * LISTEN_RETRY_MS meanwhile. */
#define LISTEN_WAIT_MS 500
#define LISTEN_RETRY_MS 1000
#define LISTEN_IDLE_MS 50

static void *listener_main(void *arg)
{
    struct ss_web *w = arg;
    struct ss_store *st = NULL;
    struct ss_err err;

    while (!atomic_load(&w->listen_stop)) {
        int rc;

        if (!st) {
            ss_err_clear(&err);
            if (ss_store_open(w->db_path, SS_STORE_READONLY, &st, &err) ||
                ss_store_listen(st, &err) != 1) {
                fprintf(stderr, "shishi serve: cannot listen for other instances' changes: %s\n",
                        err.msg);
                ss_store_close(st);
                st = NULL;
                usleep(LISTEN_RETRY_MS * 1000);
                continue;
            }
            refresher_poke(w); /* what was missed while not listening */
        }
        rc = ss_store_wait_change(st, LISTEN_WAIT_MS);
        if (rc == 1) {
            atomic_store(&w->foreign, 1);
            /* the next request checks at once and refreshes itself, as for
             * a write by another process on SQLite; when none comes soon,
             * the refresher does it, so the pages are warm for the next */
            atomic_store(&w->checked_ns, 0);
            usleep(LISTEN_IDLE_MS * 1000);
            if (atomic_load(&w->checked_ns) == 0)
                refresher_poke(w);
        } else if (rc < 0) {
            ss_store_close(st);
            st = NULL;
        }
    }
    ss_store_close(st);
    return NULL;
}

static void *refresher_main(void *arg)
{
    struct ss_web *w = arg;
    uint64_t upto;
    unsigned rendered;
    int k;

    pthread_mutex_lock(&w->ref_mu);
    for (;;) {
        while (!w->ref_stop && !w->ref_poke && w->ref_done == w->ref_asked)
            pthread_cond_wait(&w->ref_cv, &w->ref_mu);
        if (w->ref_stop)
            break;
        pthread_mutex_unlock(&w->ref_mu);
        rendered = refresh_blocking(w, &upto);
        pthread_mutex_lock(&w->ref_mu);
        w->ref_done = upto;
        pthread_cond_broadcast(&w->ref_idle);
        if (rendered) { /* the best gzip, once nobody waits */
            pthread_mutex_unlock(&w->ref_mu);
            for (k = 0; k < NSLOTS; k++)
                if (rendered & (1u << k))
                    slot_recompress(&w->slots[k]);
            pthread_mutex_lock(&w->ref_mu);
        }
    }
    w->ref_done = w->ref_asked; /* nobody waits by now (lanes stop first); be safe */
    pthread_cond_broadcast(&w->ref_idle);
    pthread_mutex_unlock(&w->ref_mu);
    return NULL;
}

/* A ticket for the next refresh: take it after a commit, before letting
 * go of the engine's read lock. */
static uint64_t refresh_ticket(struct ss_web *w)
{
    uint64_t ticket;

    pthread_mutex_lock(&w->ref_mu);
    ticket = ++w->ref_asked;
    pthread_cond_signal(&w->ref_cv);
    pthread_mutex_unlock(&w->ref_mu);
    return ticket;
}

/* Wait until a refresh covered the ticket: what this thread committed
 * before it took the ticket is then in the figures. */
static void refresh_wait(struct ss_web *w, uint64_t ticket)
{
    pthread_mutex_lock(&w->ref_mu);
    while (w->ref_done < ticket && !w->ref_stop)
        pthread_cond_wait(&w->ref_idle, &w->ref_mu);
    pthread_mutex_unlock(&w->ref_mu);
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
    if (rt->get)
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

static void not_allowed(const struct ss_http_req *req, struct ss_http_resp *resp, int api,
                        const struct ss_route *rt)
{
    const char *allow = route_allow(rt);
    enum ss_lang lang = ss_web_lang(req);
    char msg[256];

    resp->status = 405;
    resp->allow = allow;
    resp->cache_control = "no-store";
    if (api) {
        resp->ctype = "application/json; charset=utf-8";
        snprintf(msg, sizeof msg, ss_tr(lang, "Only %s are allowed here."), allow);
        ss_buf_puts(&resp->body, "{\"error\":{\"code\":\"method_not_allowed\","
                                 "\"message\":\"");
        ss_esc_json(&resp->body, msg, strlen(msg));
        ss_buf_puts(&resp->body, "\"}}\n");
    } else {
        resp->ctype = "text/plain; charset=utf-8";
        ss_buf_printf(&resp->body, ss_tr(lang, "Method not allowed: use %s."), allow);
        ss_buf_puts(&resp->body, "\n");
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

/* One of our language codes exactly ("zh", "en", "ug"), or -1. */
static int lang_code(const char *s)
{
    int k;

    for (k = 0; s && k < SS_NLANGS; k++)
        if (strcmp(s, ss_lang_code((enum ss_lang)k)) == 0)
            return k;
    return -1;
}

/* Language (ss_web_lang; ?lang= on a page also sets the cookie) and text
 * size (?care=, which sets the care cookie, else that cookie). */
enum ss_lang ss_web_lang(const struct ss_http_req *req)
{
    int api = strncmp(req->path, "/api/", 5) == 0, k;

    if ((k = lang_code(ss_http_arg(req, "lang"))) < 0 &&
        (api || (k = lang_code(ss_http_cookie(req, "lang"))) < 0))
        k = ss_lang_accept(ss_http_header(req, "Accept-Language"));
    return k >= 0 ? (enum ss_lang)k : api ? SS_LANG_EN : SS_LANG_ZH;
}

static void read_prefs(const struct ss_http_req *req, struct ss_http_resp *resp, enum ss_lang *lang,
                       int *care)
{
    const char *q = ss_http_arg(req, "lang"), *c;

    *lang = ss_web_lang(req);
    if (lang_code(q) >= 0 && strncmp(req->path, "/api/", 5) != 0)
        ss_http_resp_cookie(resp, "lang", q, COOKIE_AGE);
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

    if (!atomic_load_explicit(&s->read, memory_order_relaxed)) /* a load only, once set */
        atomic_store_explicit(&s->read, 1, memory_order_relaxed);
    pthread_mutex_lock(&s->mu);
    if (s->blob && s->gen >= gen && s->day == day)
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

/* One line per render of a slot: what it cost, part by part. A miss is a
 * request's own re-render (with the engine refresh if this request made
 * it); a re-render is the refresher's, after a write changed the figures. */
static void miss_log(const char *what, const char *path, uint64_t refresh_ns, uint64_t render_ns,
                     const struct ss_http_blob *b, uint64_t total_ns)
{
    fprintf(stderr,
            "shishi serve: cache %s %s: refresh %.3f ms, render %.3f ms, gzip %.3f ms "
            "(level %d, %zu -> %zu bytes), total %.3f ms\n",
            what, path, (double)refresh_ns / 1e6, (double)render_ns / 1e6,
            (double)ss_http_blob_gzip_ns(b) / 1e6, ss_http_blob_gzip_level(b), ss_http_blob_len(b),
            ss_http_blob_gzip_len(b), (double)total_ns / 1e6);
}

/* Render slot k from its key alone (route, lang, care, today) and put it in
 * the slot: the handler is given a request with the route's path and
 * nothing else, so no query, header or cookie of the request that missed
 * can reach the bytes served to everyone. Returns a new reference, or NULL
 * when the render did not give a 200 (the request is then rendered
 * uncached). resp: the request that missed, which gets the after-work (the
 * best-level gzip); NULL for the refresher, which does that itself. */
static struct ss_http_blob *slot_render(struct ss_web *w, int k, int32_t today,
                                        struct ss_http_resp *resp)
{
    struct slot *sl = &w->slots[k];
    struct ss_http_req key;
    struct ss_http_resp out;
    struct ss_wreq r;
    struct ss_http_blob *b = NULL;
    uint64_t t0, t1;

    memset(&key, 0, sizeof key);
    key.method = "GET";
    key.path = sl->rt->path; /* cached routes have no {param} */
    key.ip = "-";
    memset(&out, 0, sizeof out);
    ss_buf_init(&out.body, SS_MAX_OUTPUT);
    memset(&r, 0, sizeof r);
    r.web = w;
    r.http = &key;
    r.resp = &out;
    r.lang = sl->lang;
    r.care = sl->care;
    r.st = thread_store(w);
    pthread_rwlock_rdlock(&w->lock);
    t0 = now_ns();
    r.e = w->engine;
    r.plan = ss_engine_plan(w->engine);
    r.day = ss_web_clamp_day(r.plan, today);
    sl->rt->get(&r);
    if ((out.status == 0 || out.status == 200) && !out.body.err) {
        uint64_t gen = atomic_load(&w->egen); /* cannot move while the read lock is held */
        size_t len;
        char *data = ss_buf_detach(&out.body, &len);

        t1 = now_ns();
        b = ss_http_blob_new_level(200, out.ctype ? out.ctype : "text/html; charset=utf-8",
                                   "no-cache", data, len, SS_HTTP_GZIP_FAST);
        slot_put(w, k, b, gen, today);
        if (resp) {
            resp->after = slot_recompress;
            resp->after_arg = sl;
        }
        miss_log(resp ? "miss" : "re-render", key.path, tls.refresh_ns, t1 - t0, b,
                 now_ns() - t0 + tls.refresh_ns);
    }
    pthread_rwlock_unlock(&w->lock);
    ss_buf_cleanup(&out.body);
    return b;
}

/* Run a state-changing op as the handler of req, on this thread; with
 * ticket, take a refresh ticket for it (refresh_ticket). */
/* After a write op, with a standby to read from: the primary's log
 * position, which the refresh that covers the op waits for the standby to
 * replay, so the write is in the figures when it is acknowledged. */
static void note_write_pos(struct ss_web *w)
{
    uint64_t pos, seen;

    if (!tls.rw || ss_store_wal_position(tls.rw, &pos))
        return;
    seen = atomic_load(&w->write_pos);
    while (pos > seen && !atomic_compare_exchange_weak(&w->write_pos, &seen, pos))
        ;
}

static void run_op(struct ss_web *w, const struct ss_http_req *req, struct ss_http_resp *resp,
                   const struct ss_route_op *op, const char *param, uint64_t *ticket)
{
    struct ss_wreq r;
    int32_t today;

    memset(&r, 0, sizeof r);
    r.web = w;
    r.http = req;
    r.resp = resp;
    snprintf(r.param, sizeof r.param, "%s", param);
    read_prefs(req, resp, &r.lang, &r.care);
    r.st = thread_store(w);
    today = freshen(w);
    pthread_rwlock_rdlock(&w->lock);
    r.e = w->engine;
    r.plan = ss_engine_plan(w->engine);
    r.day = ss_web_clamp_day(r.plan, today);
    op->run(&r);
    if (ticket && w->replica_path)
        note_write_pos(w);
    if (ticket)
        *ticket = refresh_ticket(w);
    pthread_rwlock_unlock(&w->lock);
    atomic_store(&w->checked_ns, 0); /* the next request checks the database at once */
}

/* A lane's thread: run its jobs in order; a write is answered once the
 * figures include it. */
static void *lane_main(void *arg)
{
    struct lane *l = arg;
    struct job *j;
    uint64_t ticket = 0;

    if (!ss_store_is_url(l->w->db_path))
        lower_priority();

    for (;;) {
        pthread_mutex_lock(&l->mu);
        while (!l->head && !l->stop)
            pthread_cond_wait(&l->cv, &l->mu);
        j = l->head;
        if (j && !(l->head = j->next))
            l->tail = NULL;
        pthread_mutex_unlock(&l->mu);
        if (!j)
            return NULL; /* stopped, nothing left */
        run_op(l->w, j->req, j->resp, j->op, j->param, l->refresh ? &ticket : NULL);
        if (l->refresh)
            refresh_wait(l->w, ticket);
        atomic_fetch_sub(&l->w->inflight, 1);
        ss_http_resume(j->req);
        free(j);
    }
}

/* Hand op to its lane: ops that need a session (writes) to the write lane,
 * the others (signing in) to the sign-in lane. -1 if it cannot be deferred
 * (the server is stopping): run it here then. */
static int defer_op(struct ss_web *w, const struct ss_http_req *req, struct ss_http_resp *resp,
                    const struct ss_route_op *op, const char *param)
{
    struct lane *l = &w->lanes[op->auth ? LANE_WRITE : LANE_SIGNIN];
    struct job *j;

    if (!l->nthreads || ss_http_defer(req))
        return -1;
    atomic_fetch_add(&w->inflight, 1);
    j = ss_xcalloc(1, sizeof *j);
    j->req = req;
    j->resp = resp;
    j->op = op;
    snprintf(j->param, sizeof j->param, "%s", param);
    pthread_mutex_lock(&l->mu);
    if (l->tail)
        l->tail->next = j;
    else
        l->head = j;
    l->tail = j;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
    return 0;
}

void ss_web_handle(void *ctx, const struct ss_http_req *req, struct ss_http_resp *resp)
{
    struct ss_web *w = ctx;
    const struct ss_route *rt;
    const struct ss_route_op *op = NULL;
    struct ss_wreq r;
    int api = strncmp(req->path, "/api/", 5) == 0;
    int get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    int32_t today;
    size_t i;

    memset(&r, 0, sizeof r);
    rt = ss_route_match(req->path, r.param, sizeof r.param);
    if (!get) {
        op = route_op(rt, req->method);
        if (!op) {
            not_allowed(req, resp, api, rt);
            return;
        }
        if (cross_origin(req)) {
            const char *msg =
                ss_tr(ss_web_lang(req), "Requests from another site's pages are refused.");
            resp->status = 403;
            resp->cache_control = "no-store";
            resp->ctype = api ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
            if (api) {
                ss_buf_puts(&resp->body, "{\"error\":{\"code\":\"cross_origin\",\"message\":\"");
                ss_esc_json(&resp->body, msg, strlen(msg));
                ss_buf_puts(&resp->body, "\"}}\n");
            } else {
                ss_buf_puts(&resp->body, msg);
                ss_buf_putc(&resp->body, '\n');
            }
            return;
        }
        if (defer_op(w, req, resp, op, r.param) != 0)
            run_op(w, req, resp, op, r.param, NULL);
        return;
    }
    if (rt && !rt->get) {
        not_allowed(req, resp, api, rt);
        return;
    }
    for (i = 0; i < w->nassets; i++)
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
    if (rt && rt->cache != SS_CACHE_NONE) {
        /* the key: /api/v1/plan is one page for all, / one per language
         * and text size; slots are tagged with today itself (the clamped
         * day follows from it and the plan, and a new plan bumps gen) */
        int k = rt->cache == SS_CACHE_HOME ? home_slot(r.lang, r.care) : SLOT_PLAN;
        struct ss_http_blob *b = slot_get(w, k, today);

        if (!b)
            b = slot_render(w, k, today, resp);
        if (b) {
            resp->blob = b;
            return;
        }
    }

    pthread_rwlock_rdlock(&w->lock);
    r.e = w->engine;
    r.plan = ss_engine_plan(w->engine);
    r.day = ss_web_clamp_day(r.plan, today);
    if (!rt) {
        struct ss_err err;

        ss_err_set(&err, SS_ENOTFOUND, "", "No such API route.");
        if (api)
            ss_web_error(&r, &err);
        else
            ss_page_not_found(&r);
    } else {
        rt->get(&r);
    }
    pthread_rwlock_unlock(&w->lock);
}
