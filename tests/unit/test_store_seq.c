/*
 * test_store_seq.c - the approval order (store/store.h): the approved
 * reports any read sees are exactly those up to the high-water mark it
 * sees, so a refresh that goes on from the last seq never skips one.
 *
 *   - a full load read in parts at different moments, with approvals
 *     committed between the parts' reads (the store's test hook puts them
 *     exactly there): the load holds every report up to its mark and none
 *     after it, and a refresh from the mark brings the rest;
 *   - approvers in threads and in processes commit at once while an engine
 *     on its own connection refreshes over and over: after every refresh
 *     every report approved before it began is counted, and at the end
 *     every report is, once.
 *
 * Each report is a county's only one, of value 1, so the province's figure
 * counts the reports the engine holds.
 *
 * Every case runs on SQLite (one writer at a time) and on PostgreSQL
 * (backend.h), where the approvers' transactions truly overlap and the
 * order rests on the writers' advisory lock taken before max(seq) + 1.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend.h"
#include "base/date.h"
#include "base/util.h"
#include "core/engine.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "store/store_test.h"
#include "store/store_workflow.h"
#include "txn.h"

#define UNITS 240 /* counties, one report each */

static const char PLAN[] =
    "{\"plan\":{\"title\":\"计划\",\"year\":2026,\"top_org\":\"99\"},\"projects\":[{\"no\":1,"
    "\"title\":\"项目\",\"targets\":[{\"text\":\"培训1000人\",\"metric\":\"培训\","
    "\"value\":1000,\"unit\":\"人\",\"op\":\">=\"}]}]}";

struct fixture {
    struct testdb db;
    struct ss_store *st;
    int64_t target;
    int32_t day;
    int64_t report[UNITS]; /* the submitted reports, by unit */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_org_rec orgs[UNITS + 1];
    char codes[UNITS][16], names[UNITS][16];
    struct ss_report_in r[UNITS];
    struct ss_org *o;
    struct ss_plan *p;
    struct ss_err err;
    size_t n, i, k = 0;
    int64_t id;

    testdb_make(&f->db, backend_pg(state), "seq");
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(ss_store_set_durable(f->st, 0), 0);
    orgs[0] = (struct ss_org_rec){"99", "省", 1, NULL};
    for (i = 0; i < UNITS; i++) {
        snprintf(codes[i], sizeof codes[i], "99%04zu", i + 1);
        snprintf(names[i], sizeof names[i], "县%zu", i + 1);
        orgs[i + 1] = (struct ss_org_rec){codes[i], names[i], 3, "99"};
    }
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, UNITS + 1, &err)), 0);
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_plan_insert(f->st, p, &id, &err)), 0);
    ss_plan_free(p);
    assert_int_equal(ss_store_plan_load(f->st, id, &p, &err), 0);
    f->target = p->targets[0].id;
    f->day = p->start + 100;
    ss_plan_free(p);
    assert_int_equal(ss_store_orgs_load(f->st, &o, &n), 0);
    memset(r, 0, sizeof r);
    for (i = 0; i < n; i++) {
        if (o[i].level != 3)
            continue;
        r[k].target_id = f->target;
        r[k].org_id = o[i].id;
        r[k].as_of = f->day;
        r[k].value = 1;
        r[k].numerator = r[k].denominator = NAN;
        r[k].status = "submitted";
        r[k].by = "clerk";
        k++;
    }
    ss_orgs_free(o, n);
    assert_int_equal(k, UNITS);
    for (i = 0; i < UNITS; i++)
        assert_int_equal(
            AS(f->st, "clerk", ss_store_report_insert(f->st, &r[i], &f->report[i], &err)), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_store_test_scan_hook(NULL, NULL);
    ss_store_close(f->st);
    testdb_remove(&f->db);
    free(f);
    return 0;
}

/* Approve report id on st, by reviewer `by`. */
static int approve(struct ss_store *st, int64_t id, const char *by)
{
    struct ss_wf_move m = {"submitted", "approved", by, NULL, NULL, 0, NULL};
    struct ss_err err;

    return AS(st, by, ss_store_wf_move(st, id, &m, &err));
}

/* The province's figure as of the reports' day: the reports counted. */
static double counted(const struct fixture *f, const struct ss_engine *e)
{
    struct ss_figure fig;

    ss_engine_figure(e, 0, ss_engine_org_find(e, "99"), f->day, &fig);
    return isnan(fig.actual) ? 0 : fig.actual;
}

/* ---- a load read in parts ------------------------------------------------- */

struct tear {
    struct fixture *f;
    struct ss_store *other;
    atomic_int first_done;
    int approved;
};

/* Part 1, about to read: wait for part 0 to have read, then approve a
 * report part 0 has passed (the lowest id) and then one part 1 will read
 * (the highest). Without a mark, part 1 would see the second and not the
 * first, and the load would end past a report it never read. */
static void tear_hook(void *ctx, int part, int phase)
{
    struct tear *t = ctx;

    if (part == 0 && phase == 1)
        atomic_store(&t->first_done, 1);
    if (part != 1 || phase != 0)
        return;
    while (!atomic_load(&t->first_done))
        usleep(1000);
    t->approved = approve(t->other, t->f->report[0], "rev") == 0 &&
                  approve(t->other, t->f->report[UNITS - 1], "rev") == 0;
}

static void test_parts_keep_to_one_mark(void **state)
{
    struct fixture *f = *state;
    struct ss_report_row *rows;
    struct tear t;
    struct ss_err err;
    size_t n, i, k;
    int64_t upto;

    /* half of the reports approved before the load */
    for (i = 1; i < UNITS / 2; i++)
        assert_int_equal(approve(f->st, f->report[i], "rev"), 0);
    memset(&t, 0, sizeof t);
    t.f = f;
    assert_int_equal(ss_store_open(f->db.path, 0, &t.other, &err), 0);
    ss_store_test_scan_hook(tear_hook, &t);
    assert_int_equal(ss_store_load_approved(f->st, 2, &rows, &n, &upto, &err), 0);
    ss_store_test_scan_hook(NULL, NULL);
    assert_true(t.approved); /* the hook ran, between the parts */
    /* exactly the reports approved up to the mark: 1..upto, each once */
    assert_int_equal(upto, UNITS / 2 - 1);
    assert_int_equal(n, (size_t)upto);
    for (i = 0; i < n; i++) {
        assert_true(rows[i].seq >= 1 && rows[i].seq <= upto);
        for (k = 0; k < i; k++)
            assert_true(rows[k].seq != rows[i].seq);
    }
    free(rows);
    /* the two approved meanwhile come after the mark */
    assert_int_equal(ss_store_report_max_seq(f->st), upto + 2);
    ss_store_close(t.other);
}

/* The same through the engine: a full load while approvals commit between
 * its parts, then a refresh, counts every approved report. */
static void test_engine_load_then_refresh(void **state)
{
    struct fixture *f = *state;
    struct ss_engine *e;
    struct tear t;
    struct ss_err err;
    size_t i;

    for (i = 1; i < UNITS / 2; i++)
        assert_int_equal(approve(f->st, f->report[i], "rev"), 0);
    memset(&t, 0, sizeof t);
    t.f = f;
    assert_int_equal(ss_store_open(f->db.path, 0, &t.other, &err), 0);
    ss_store_test_scan_hook(tear_hook, &t);
    assert_int_equal(ss_engine_open(f->st, 0, &e, &err), 0);
    ss_store_test_scan_hook(NULL, NULL);
    assert_true(ss_engine_refresh(e, f->st) >= 0);
    assert_true(fabs(counted(f, e) - (UNITS / 2 - 1 + 2 * t.approved)) < 1e-9);
    ss_engine_free(e);
    ss_store_close(t.other);
}

/* ---- approvers at once, and a refreshing engine ------------------------------ */

#define PROCS 2
#define THREADS 2
#define WORKERS (PROCS + THREADS)

struct approver {
    struct fixture *f;
    int which; /* approves reports which, which + WORKERS, ... */
    int rc;
};

static int approve_share(struct fixture *f, int which)
{
    struct ss_store *st = NULL;
    struct ss_err err;
    char by[16];
    int i, rc = 0;

    snprintf(by, sizeof by, "rev%d", which);
    if (ss_store_open(f->db.path, 0, &st, &err))
        return -1;
    ss_store_set_durable(st, 0);
    for (i = which; i < UNITS && !rc; i += WORKERS)
        rc = approve(st, f->report[i], by);
    ss_store_close(st);
    return rc;
}

static void *approver_main(void *arg)
{
    struct approver *a = arg;

    a->rc = approve_share(a->f, a->which);
    return NULL;
}

struct refresher {
    struct fixture *f;
    atomic_int stop;
    int refreshes, bad;
    double last;
};

/* Refresh again and again; after each, every report approved before the
 * refresh began (its mark read first) must be counted. Once told to stop
 * (every approver has finished), one refresh more, which must count all. */
static void *refresher_main(void *arg)
{
    struct refresher *r = arg;
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    struct ss_err err;

    if (ss_store_open(r->f->db.path, 0, &st, &err) || ss_engine_open(st, 0, &e, &err)) {
        r->bad = -1;
        goto out;
    }
    for (;;) {
        int last_round = atomic_load(&r->stop);
        int64_t before = ss_store_report_max_seq(st);
        if (ss_engine_refresh(e, st) < 0) {
            r->bad = -2;
            break;
        }
        r->last = counted(r->f, e);
        r->refreshes++;
        if (r->last < (double)before || r->last > UNITS) {
            r->bad = 1; /* a report committed before the refresh is missing */
            break;
        }
        if (last_round)
            break;
        usleep(200); /* leave the cores to the approvers */
    }
out:
    ss_engine_free(e);
    ss_store_close(st);
    return NULL;
}

static void test_approvers_at_once(void **state)
{
    struct fixture *f = *state;
    struct approver a[THREADS];
    struct refresher rf;
    pthread_t at[THREADS], rt;
    pid_t pid[PROCS];
    int go[2], i, status[PROCS];
    char c = 'g';

    /* the processes first (fork before any thread), held until all start */
    assert_int_equal(pipe(go), 0);
    for (i = 0; i < PROCS; i++) {
        pid[i] = fork();
        assert_true(pid[i] >= 0);
        if (pid[i] == 0) {
            char b;
            close(go[1]);
            if (read(go[0], &b, 1) != 1)
                _exit(3);
            _exit(approve_share(f, i) ? 1 : 0);
        }
    }
    close(go[0]);
    memset(&rf, 0, sizeof rf);
    rf.f = f;
    assert_int_equal(pthread_create(&rt, NULL, refresher_main, &rf), 0);
    for (i = 0; i < THREADS; i++) {
        a[i].f = f;
        a[i].which = PROCS + i;
        a[i].rc = -1;
        assert_int_equal(pthread_create(&at[i], NULL, approver_main, &a[i]), 0);
    }
    for (i = 0; i < PROCS; i++)
        assert_int_equal(write(go[1], &c, 1), 1);
    close(go[1]);
    /* every thread and process done before any verdict: a failed assert
     * must not leave them running on the fixture */
    for (i = 0; i < THREADS; i++)
        pthread_join(at[i], NULL);
    for (i = 0; i < PROCS; i++)
        if (waitpid(pid[i], &status[i], 0) != pid[i])
            status[i] = -1;
    atomic_store(&rf.stop, 1);
    pthread_join(rt, NULL);
    for (i = 0; i < THREADS; i++)
        assert_int_equal(a[i].rc, 0);
    for (i = 0; i < PROCS; i++) {
        assert_true(status[i] != -1 && WIFEXITED(status[i]));
        assert_int_equal(WEXITSTATUS(status[i]), 0);
    }
    assert_int_equal(rf.bad, 0);
    assert_true(rf.refreshes > 0);
    /* every report, once */
    assert_true(fabs(rf.last - UNITS) < 1e-9);
    assert_int_equal(ss_store_report_max_seq(f->st), UNITS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_parts_keep_to_one_mark, setup, teardown),
        ON_BOTH(test_engine_load_then_refresh, setup, teardown),
        ON_BOTH(test_approvers_at_once, setup, teardown),
    };
    return backend_run(tests);
}
