/*
 * test_engine_diff.c - the engine against the store's plain SQL roll-up
 * (issue 10's differential test).
 *
 * Per seed: a random org tree of five levels under the plan's top unit
 * (and a second root the plan does not cover), a plan with a target of
 * every kind (count, amount, <= count, rate, change, milestone), and a
 * random stream of writes applied through the engine one at a time
 * (store, then ss_engine_refresh):
 *   - approved reports at any unit (leaves, their parents, the top), on
 *     any day, in no order, with values that go down as often as up
 *     (corrections), and second approvals of a day already reported
 *     (a correction of that day: the later approval stands);
 *   - live reports (draft, submitted, returned) that must not count;
 *   - shares assigned and changed at random units.
 * After every write the invariant walk passes (ss_engine_check). At
 * checkpoints every target at every unit on sampled days is compared with
 * ss_store_sql_rollup, figure by figure: numerator, denominator, reporting
 * units, the actual they make, the children's check figure and its units,
 * whether the unit's own report stands, whether the two differ, and the
 * latest report day (the last three from the test's own list of what it
 * approved). At the end a full load and a load from a snapshot taken half
 * way give the live engine's figures, field by field, on every fourth day.
 *
 * The whole test runs on SQLite and on PostgreSQL (backend.h): the engine
 * against each backend's own statement of the roll-up.
 *
 * SHISHI_DIFF_SEEDS=N runs N seeds (default 6) for a longer soak.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend.h"
#include "base/util.h"
#include "core/engine.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "txn.h"

static const char PLAN[] =
    "{\"plan\":{\"title\":\"差分测试\",\"year\":2026,\"top_org\":\"99\"},"
    "\"projects\":[{\"no\":1,\"title\":\"项目一\",\"targets\":["
    "{\"text\":\"新增就业1000人\",\"metric\":\"就业\",\"value\":1000,\"unit\":\"人\",\"op\":\">=\","
    " \"kind\":\"count\"},"
    "{\"text\":\"完成投资500万元\",\"metric\":\"投资\",\"value\":500,\"unit\":\"万元\",\"op\":\">="
    "\","
    " \"kind\":\"amount\"},"
    "{\"text\":\"事故控制在60起以内\",\"metric\":\"事故\",\"value\":60,\"unit\":\"起\",\"op\":\"<="
    "\","
    " \"kind\":\"count\", \"profile\":[0,0,0,0.1,0.3,0.5,0.7,0.9,1,1,1,1]},"
    "{\"text\":\"落实率90%以上\",\"metric\":\"落实率\",\"value\":90,\"unit\":\"%\",\"op\":\">=\","
    " \"kind\":\"rate\"},"
    "{\"text\":\"较上年增加5%\",\"metric\":\"增幅\",\"value\":5,\"unit\":\"%\",\"op\":\">=\","
    " \"kind\":\"change\"},"
    "{\"text\":\"推行一件事4个阶段\",\"metric\":\"一件事\",\"value\":4,\"unit\":\"阶段\","
    " \"op\":\">=\", \"kind\":\"milestone\"}"
    "]}]}";

enum { NT = 6, MAXORG = 80, STEPS = 160, NDAYS_SAMPLED = 9 };

/* What the test approved: its own list, for `own` and `last_report`. */
struct approved {
    int t;
    long org; /* engine index */
    int32_t day;
};

struct world {
    struct testdb db;
    struct ss_store *st;
    struct ss_engine *live;
    const struct ss_plan *plan;
    char codes[MAXORG][16];
    int64_t org_id[MAXORG];
    long idx[MAXORG]; /* engine index of codes[i] */
    size_t norg;
    struct approved *log;
    size_t nlog;
    uint32_t rng;
};

static uint32_t rnd(struct world *w, uint32_t n)
{
    w->rng = w->rng * 1103515245u + 12345u;
    return (w->rng >> 8) % n;
}

/* A random tree: 99 (top) > 2-3 prefectures > 1-3 counties > 0-2
 * townships > 0-2 villages, and a root 98 with one child beside it. */
static void make_tree(struct world *w)
{
    struct ss_org_rec recs[MAXORG];
    char names[MAXORG][24], parents[MAXORG][16];
    size_t n = 0, level_start = 0, level_end;
    static const int fan[][2] = {{2, 3}, {1, 3}, {0, 2}, {0, 2}};
    struct ss_err err;

    snprintf(w->codes[n++], sizeof w->codes[0], "99");
    for (int lv = 0; lv < 4; lv++) {
        level_end = n;
        for (size_t p = level_start; p < level_end; p++) {
            int k = fan[lv][0] + (int)rnd(w, (uint32_t)(fan[lv][1] - fan[lv][0] + 1));
            for (int c = 1; c <= k && n < MAXORG - 2; c++) {
                snprintf(w->codes[n], sizeof w->codes[n], "%s%02d", w->codes[p], c);
                snprintf(parents[n], sizeof parents[n], "%s", w->codes[p]);
                n++;
            }
        }
        level_start = level_end;
    }
    snprintf(w->codes[n++], sizeof w->codes[0], "98");
    snprintf(w->codes[n], sizeof w->codes[0], "9801");
    snprintf(parents[n++], sizeof parents[0], "98");
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "单位%s", w->codes[i]);
        recs[i].code = w->codes[i];
        recs[i].name = names[i];
        recs[i].level = (int)strlen(w->codes[i]) / 2;
        recs[i].parent_code = strlen(w->codes[i]) > 2 ? parents[i] : NULL;
    }
    w->norg = n;
    assert_int_equal(AS(w->st, "cli", ss_store_orgs_upsert(w->st, recs, n, &err)), 0);
}

static void open_world(struct world *w, int pg, uint32_t seed)
{
    struct ss_plan *p = NULL;
    struct ss_err err;
    int64_t id;

    memset(w, 0, sizeof *w);
    w->rng = seed;
    testdb_make(&w->db, pg, "diff");
    assert_int_equal(ss_store_open(w->db.path, SS_STORE_CREATE, &w->st, &err), 0);
    make_tree(w);
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(AS(w->st, "cli", ss_store_plan_insert(w->st, p, &id, &err)), 0);
    ss_plan_free(p);
    assert_int_equal(ss_engine_open(w->st, 0, &w->live, &err), 0);
    w->plan = ss_engine_plan(w->live);
    assert_int_equal(w->plan->ntargets, NT);
    for (size_t i = 0; i < w->norg; i++) {
        w->idx[i] = ss_engine_org_find(w->live, w->codes[i]);
        assert_true(w->idx[i] >= 0);
        w->org_id[i] = ss_engine_org(w->live, w->idx[i])->id;
    }
    w->log = calloc(STEPS + 1, sizeof *w->log);
}

static void close_world(struct world *w)
{
    ss_engine_free(w->live);
    ss_store_close(w->st);
    testdb_remove(&w->db);
    free(w->log);
}

static void check_live(struct world *w, const char *after, int step)
{
    struct ss_err err;

    assert_true(ss_engine_refresh(w->live, w->st) >= 0);
    w->plan = ss_engine_plan(w->live);
    if (ss_engine_check(w->live, &err))
        fail_msg("step %d, after %s: %s", step, after, err.msg);
}

/* One random write: mostly an approved report, else a live one or a share. */
static void step(struct world *w, int k, int32_t *live_day)
{
    const struct ss_target *tg;
    struct ss_report_in in;
    struct ss_err err;
    int64_t id;
    int t = (int)rnd(w, NT), roll = (int)rnd(w, 16);
    size_t o = rnd(w, (uint32_t)w->norg);
    int32_t day = (int32_t)rnd(w, 365);

    tg = &w->plan->targets[t];
    if (roll == 0) { /* a share */
        double v = tg->kind == SS_KIND_RATE ? 80 + rnd(w, 20) : 1 + rnd(w, 300);
        assert_int_equal(AS(w->st, "cli", ss_store_assign(w->st, tg->id, w->org_id[o], v, &err)),
                         0);
        check_live(w, "a share", k);
        return;
    }
    if (rnd(w, 4) == 0) /* the day of an earlier approval there, if any */
        for (size_t i = w->nlog; i-- > 0;)
            if (w->log[i].t == t && w->log[i].org == w->idx[o]) {
                day = w->log[i].day;
                break;
            }
    memset(&in, 0, sizeof in);
    in.target_id = tg->id;
    in.org_id = w->org_id[o];
    in.as_of = w->plan->start + day;
    in.status = "approved";
    in.by = "diff";
    in.numerator = in.denominator = NAN;
    switch (tg->kind) {
    case SS_KIND_RATE:
        in.denominator = 1 + rnd(w, 500);
        in.numerator = rnd(w, (uint32_t)in.denominator + 1);
        in.value = NAN;
        break;
    case SS_KIND_CHANGE:
        in.value = 50 + rnd(w, 100);
        in.denominator = 50 + rnd(w, 100);
        break;
    case SS_KIND_MILESTONE:
        in.value = rnd(w, 5);
        break;
    case SS_KIND_AMOUNT:
        in.value = rnd(w, 100000) / 100.0; /* 万元 to two places: not exact in binary */
        break;
    default:
        in.value = rnd(w, 200);
    }
    if (roll == 1 && !live_day[t * MAXORG + (int)o]) { /* a live report: counts nowhere */
        static const char *const live[] = {"draft", "submitted", "returned"};
        in.status = live[rnd(w, 3)];
        live_day[t * MAXORG + (int)o] = 1;
    }
    assert_int_equal(AS(w->st, "cli", ss_store_report_insert(w->st, &in, &id, &err)), 0);
    if (strcmp(in.status, "approved") == 0)
        w->log[w->nlog++] = (struct approved){t, w->idx[o], day};
    check_live(w, in.status, k);
}

struct sql_row {
    double a, b;
    int64_t n;
};

struct sql_at {
    const struct world *w;
    struct sql_row *row; /* [NT] */
};

static int sql_cb(void *ctx, const struct ss_sql_sum *s)
{
    struct sql_at *q = ctx;
    long t = ss_plan_target_index(q->w->plan, s->target_id);

    if (t >= 0) {
        q->row[t].a = s->a;
        q->row[t].b = s->b;
        q->row[t].n = s->reporters;
    }
    return 0;
}

/* What the sums make, as PRODUCT.md says: counts add, rates divide the
 * sums, changes compare summed levels with summed baselines, milestones
 * average the stage reached. */
static double figure_of(enum ss_kind k, double a, double b, int64_t n)
{
    if (n == 0)
        return 0;
    switch (k) {
    case SS_KIND_RATE:
        return b > 0 ? a / b * 100 : NAN;
    case SS_KIND_CHANGE:
        return b > 0 ? (a / b - 1) * 100 : NAN;
    case SS_KIND_MILESTONE:
        return a / (double)n;
    default:
        return a;
    }
}

static int near(double x, double y)
{
    if (isnan(x) || isnan(y))
        return isnan(x) && isnan(y);
    return fabs(x - y) <= 1e-7 * fmax(1, fmax(fabs(x), fabs(y)));
}

static int within(const struct world *w, long a, long b)
{
    return ss_engine_org_within(w->live, a, b);
}

/* Every target at every unit on `day` (index into the period) against SQL. */
static void compare_day(struct world *w, int32_t day, const char *when)
{
    static struct sql_row sql[MAXORG][NT];
    int32_t date = w->plan->start + day;

    for (size_t i = 0; i < w->norg; i++) {
        struct sql_at q = {w, sql[i]};
        memset(sql[i], 0, sizeof sql[i]);
        assert_int_equal(ss_store_sql_rollup(w->st, w->codes[i], date, sql_cb, &q), 0);
    }
    for (size_t i = 0; i < w->norg; i++)
        for (int t = 0; t < NT; t++) {
            enum ss_kind kind = w->plan->targets[t].kind;
            struct sql_row kids = {0, 0, 0};
            struct ss_figure f;
            int32_t last = -1;
            int own = 0, differs;
            double want;

            for (size_t c = 0; c < w->norg; c++)
                if (ss_engine_org_parent(w->live, w->idx[c]) == w->idx[i]) {
                    kids.a += sql[c][t].a;
                    kids.b += sql[c][t].b;
                    kids.n += sql[c][t].n;
                }
            for (size_t r = 0; r < w->nlog; r++)
                if (w->log[r].t == t && w->log[r].day <= day &&
                    within(w, w->log[r].org, w->idx[i])) {
                    own |= w->log[r].org == w->idx[i];
                    if (w->log[r].day > last)
                        last = w->log[r].day;
                }
            ss_engine_figure(w->live, (size_t)t, w->idx[i], date, &f);
            want = figure_of(kind, sql[i][t].a, sql[i][t].b, sql[i][t].n);
            differs = own && kids.n &&
                      !(fabs(figure_of(kind, kids.a, kids.b, kids.n) - want) <=
                        1e-9 * fmax(1, fabs(want)));
            if (!near(f.numerator, sql[i][t].a) || !near(f.denominator, sql[i][t].b) ||
                f.reporters != sql[i][t].n || !near(f.actual, want) || f.own != own ||
                f.children_reporters != kids.n ||
                !near(f.children, kids.n ? figure_of(kind, kids.a, kids.b, kids.n) : NAN) ||
                f.differs != differs ||
                f.last_report != (last >= 0 ? w->plan->start + last : SS_NO_DATE))
                fail_msg("%s, target %d (%s) at %s, day %d: engine %.10g/%.10g (%d) actual %.10g "
                         "own %d children %.10g (%d) differs %d last %d; SQL %.10g/%.10g (%lld) "
                         "actual %.10g own %d children %.10g (%lld) differs %d last %d",
                         when, t, ss_kind_str(kind), w->codes[i], day, f.numerator, f.denominator,
                         f.reporters, f.actual, f.own, f.children, f.children_reporters, f.differs,
                         f.last_report - w->plan->start, sql[i][t].a, sql[i][t].b,
                         (long long)sql[i][t].n, want, own, figure_of(kind, kids.a, kids.b, kids.n),
                         (long long)kids.n, differs, last);
        }
}

static void compare_sql(struct world *w, const char *when)
{
    int32_t days[NDAYS_SAMPLED] = {0, 364};

    for (int k = 2; k < NDAYS_SAMPLED; k++) /* days just reported on, and any */
        days[k] = w->nlog && k % 2 ? w->log[rnd(w, (uint32_t)w->nlog)].day : (int32_t)rnd(w, 365);
    for (int k = 0; k < NDAYS_SAMPLED; k++)
        compare_day(w, days[k], when);
}

/* The first field in which two figures differ, or NULL. */
static const char *figure_diff(const struct ss_figure *x, const struct ss_figure *y)
{
#define NEAR(f)                                                                                    \
    if (!near(x->f, y->f))                                                                         \
        return #f;
#define EQ(f)                                                                                      \
    if (x->f != y->f)                                                                              \
        return #f;
    NEAR(value)
    NEAR(actual)
    NEAR(numerator)
    NEAR(denominator)
    NEAR(expected_value)
    NEAR(expected)
    NEAR(progress)
    NEAR(time)
    NEAR(projection)
    NEAR(children)
    EQ(status)
    EQ(as_of)
    EQ(last_report)
    EQ(reporters)
    EQ(expected_reporters)
    EQ(own)
    EQ(children_reporters)
    EQ(differs)
#undef NEAR
#undef EQ
    return NULL;
}

static void test_engine_matches_sql(void **state)
{
    const char *env = getenv("SHISHI_DIFF_SEEDS");
    uint32_t seeds = env ? (uint32_t)strtoul(env, NULL, 10) : 6;
    int pg = backend_pg(state);

    setenv("SHISHI_TODAY", "2026-12-31", 1);
    for (uint32_t seed = 1; seed <= seeds; seed++) {
        struct world w;
        struct ss_engine *full, *snap, *half;
        struct ss_err err;
        static int32_t live_day[NT * MAXORG];
        char when[64];

        open_world(&w, pg, seed * 2654435761u);
        memset(live_day, 0, sizeof live_day);
        for (int k = 1; k <= STEPS; k++) {
            step(&w, k, live_day);
            if (k == STEPS / 2) {
                assert_int_equal(ss_engine_open(w.st, 0, &half, &err), 0);
                assert_int_equal(ss_engine_save_snapshot(half, w.st), 0);
                ss_engine_free(half);
            }
            if (k % (STEPS / 4) == 0) {
                snprintf(when, sizeof when, "seed %u, step %d", seed, k);
                compare_sql(&w, when);
            }
        }
        /* a load from the snapshot (and the reports after it), then a full load */
        assert_int_equal(ss_engine_open(w.st, 0, &snap, &err), 0);
        assert_int_equal(ss_store_snapshot_put(w.st, w.plan->id, 0, "", 0, NULL, NULL, NULL, &err),
                         0);
        assert_int_equal(ss_engine_open(w.st, 0, &full, &err), 0);
        for (size_t i = 0; i < w.norg; i++)
            for (int t = 0; t < NT; t++)
                for (int32_t day = 0; day < 365; day += 4) {
                    struct ss_figure a, b, c;
                    const char *df, *ds;
                    ss_engine_figure(w.live, (size_t)t, w.idx[i], w.plan->start + day, &a);
                    ss_engine_figure(full, (size_t)t, w.idx[i], w.plan->start + day, &b);
                    ss_engine_figure(snap, (size_t)t, w.idx[i], w.plan->start + day, &c);
                    df = figure_diff(&a, &b);
                    ds = figure_diff(&a, &c);
                    if (df || ds)
                        fail_msg("seed %u, target %d at %s, day %d: %s differs (live %g, %d "
                                 "reporting, %s; full %g, %d, %s; snapshot %g, %d, %s)",
                                 seed, t, w.codes[i], day, df ? df : ds, a.actual, a.reporters,
                                 ss_status_str(a.status), b.actual, b.reporters,
                                 ss_status_str(b.status), c.actual, c.reporters,
                                 ss_status_str(c.status));
                }
        assert_int_equal(ss_engine_check(full, &err), 0);
        assert_int_equal(ss_engine_check(snap, &err), 0);
        ss_engine_free(full);
        ss_engine_free(snap);
        close_world(&w);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_engine_matches_sql, NULL, NULL),
    };
    return backend_run(tests);
}
