/*
 * test_search.c - search over targets and org units (store/store_search.h),
 * as the portal's /search runs it: a word of any length inside longer
 * Chinese text, related words, ASCII letters in either case, LIKE's
 * wildcards taken literally, every word required, no match across two
 * parts of a target's text, plan order with ties by id, and the limit;
 * org units by name, by code first, by the start of a code and by the
 * six-digit form of a code, the exact code first whatever its level.
 *
 * These are the promises both backends keep: the statements differ from
 * SQLite's habits where PostgreSQL's differ (LIKE's case, NULL ordering),
 * and every case runs on each (backend.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "backend.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "store/store_search.h"
#include "txn.h"

/* Two projects whose titles hold none of the words searched. Project 1
 * (lead 人社厅): four targets, the last two sharing a place in the order
 * (seq 2, set below); project 2: two targets, one of them 民政厅's. */
static const char PLAN[] =
    "{\"plan\":{\"title\":\"民生实事\",\"year\":2026},"
    "\"projects\":[{\"no\":1,\"title\":\"增收与环境\",\"lead_dept\":\"人社厅\",\"targets\":["
    "{\"text\":\"城镇新增就业47万人以上\",\"metric\":\"城镇新增就业\",\"value\":470000,"
    "\"unit\":\"人\"},"
    "{\"text\":\"PM2.5平均浓度下降5微克\",\"metric\":\"PM2.5浓度\",\"value\":5,\"unit\":\"微克\"},"
    "{\"text\":\"农村供水覆盖率达到100%\",\"metric\":\"供水覆盖\",\"value\":100,\"unit\":\"%\"},"
    "{\"text\":\"培训技能人才2万人次\",\"metric\":\"技能培训\",\"value\":20000,\"unit\":\"人次\"}"
    "]},"
    "{\"no\":2,\"title\":\"社会服务\",\"targets\":["
    "{\"text\":\"新增家庭养老床位1000张\",\"metric\":\"家庭养老床位\",\"value\":1000,"
    "\"unit\":\"张\",\"dept\":\"民政厅\"},"
    "{\"text\":\"建设老年食堂50个\",\"metric\":\"食堂\",\"value\":50,\"unit\":\"个\"}]}]}";

static const struct ss_org_rec ORGS[] = {
    {.code = "65", .name = "新疆维吾尔自治区", .level = 1, .parent_code = NULL},
    {.code = "6501", .name = "乌鲁木齐市", .level = 2, .parent_code = "65"},
    {.code = "650102", .name = "天山区", .level = 3, .parent_code = "6501"},
    {.code = "650103", .name = "沙依巴克区", .level = 3, .parent_code = "6501"},
    {.code = "650121", .name = "乌鲁木齐县", .level = 3, .parent_code = "6501"},
    {.code = "6502", .name = "克拉玛依市", .level = 2, .parent_code = "65"},
    {.code = "650202", .name = "独山子区", .level = 3, .parent_code = "6502"},
};
#define NORGS (sizeof ORGS / sizeof ORGS[0])

struct fixture {
    struct testdb db;
    struct ss_store *st;
    int64_t plan;
    int64_t t[6];       /* the targets in the plan's order */
    int64_t org[NORGS]; /* ORGS' ids */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_plan *p = NULL;
    struct ss_err err;
    size_t i;

    testdb_make(&f->db, backend_pg(state), "search");
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, ORGS, NORGS, &err)), 0);
    for (i = 0; i < NORGS; i++) {
        struct ss_org o;
        assert_int_equal(ss_store_org_get(f->st, ORGS[i].code, &o), 0);
        f->org[i] = o.id;
        free(o.name);
    }
    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    assert_int_equal(p->ntargets, 6);
    p->targets[3].seq = p->targets[2].seq; /* a tie, ordered by id */
    assert_int_equal(AS(f->st, "cli", ss_store_plan_insert(f->st, p, &f->plan, &err)), 0);
    ss_plan_free(p);
    assert_int_equal(ss_store_plan_load(f->st, f->plan, &p, &err), 0);
    for (i = 0; i < 6; i++)
        f->t[i] = p->targets[i].id;
    assert_true(f->t[2] < f->t[3]);
    ss_plan_free(p);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_store_close(f->st);
    testdb_remove(&f->db);
    free(f);
    return 0;
}

/* The targets q finds (at most max), as indexes into f->t, in order,
 * terminated by -1. */
static void targets(struct fixture *f, const char *q, size_t max, const int *want)
{
    struct ss_search s;
    struct ss_err err;
    int64_t ids[8];
    size_t n = 99, i, k;

    assert_int_equal(ss_search_parse(q, &s, &err), 0);
    assert_int_equal(ss_store_search_targets(f->st, f->plan, &s, ids, max, &n, &err), 0);
    for (k = 0; want[k] >= 0; k++)
        ;
    if (n != k)
        fail_msg("'%s': %zu targets found, %zu expected", q, n, k);
    for (i = 0; i < n; i++)
        if (ids[i] != f->t[want[i]])
            fail_msg("'%s': hit %zu is target #%lld, expected #%lld", q, i, (long long)ids[i],
                     (long long)f->t[want[i]]);
}

static void test_targets_words(void **state)
{
    struct fixture *f = *state;

    /* two characters inside longer text, in metric or text */
    targets(f, "就业", 8, (const int[]){0, -1});
    targets(f, "床位", 8, (const int[]){4, -1});
    /* a related word: 养老 also finds 老年 */
    targets(f, "养老", 8, (const int[]){4, 5, -1});
    /* a department: the target's own, or its project's lead */
    targets(f, "民政厅", 8, (const int[]){4, -1});
    targets(f, "人社厅", 8, (const int[]){0, 1, 2, 3, -1});
    /* every word must match */
    targets(f, "就业 47万", 8, (const int[]){0, -1});
    targets(f, "就业，zzz", 8, (const int[]){-1});
    /* nothing to search for finds nothing */
    targets(f, "　", 8, (const int[]){-1});
}

static void test_targets_ascii_case(void **state)
{
    struct fixture *f = *state;

    targets(f, "PM2.5", 8, (const int[]){1, -1});
    targets(f, "pm2.5", 8, (const int[]){1, -1});
    targets(f, "Pm2.5浓度", 8, (const int[]){1, -1});
}

static void test_targets_wildcards(void **state)
{
    struct fixture *f = *state;

    /* % and _ are themselves, not LIKE's wildcards; so is the escape */
    targets(f, "100%", 8, (const int[]){2, -1});
    targets(f, "%", 8, (const int[]){2, -1});
    targets(f, "_", 8, (const int[]){-1});
    targets(f, "\\", 8, (const int[]){-1});
}

static void test_targets_parts_apart(void **state)
{
    struct fixture *f = *state;

    /* metric 食堂, then text 建设…: no word spans the two */
    targets(f, "食堂建设", 8, (const int[]){-1});
    targets(f, "食堂", 8, (const int[]){5, -1});
}

static void test_targets_order_and_limit(void **state)
{
    struct fixture *f = *state;

    /* plan order: project, place, then id where two share a place */
    targets(f, "人", 8, (const int[]){0, 1, 2, 3, -1});
    targets(f, "人", 2, (const int[]){0, 1, -1});
    targets(f, "人", 3, (const int[]){0, 1, 2, -1});
}

/* The org units word finds (at most max), as indexes into ORGS, in order,
 * terminated by -1. */
static void orgs(struct fixture *f, const char *word, size_t max, const int *want)
{
    struct ss_err err;
    int64_t ids[16];
    size_t n = 99, i, k;

    assert_int_equal(ss_store_search_orgs(f->st, word, strlen(word), ids, max, &n, &err), 0);
    for (k = 0; want[k] >= 0; k++)
        ;
    if (n != k)
        fail_msg("'%s': %zu org units found, %zu expected", word, n, k);
    for (i = 0; i < n; i++)
        if (ids[i] != f->org[want[i]])
            fail_msg("'%s': hit %zu is org #%lld, expected %s", word, i, (long long)ids[i],
                     ORGS[want[i]].code);
}

static void test_orgs(void **state)
{
    struct fixture *f = *state;

    /* by name: by level, then code */
    orgs(f, "乌鲁木齐", 16, (const int[]){1, 4, -1});
    orgs(f, "区", 16, (const int[]){0, 2, 3, 6, -1});
    /* a code first, then the codes it starts, by level and code (the
     * exact match is a prefecture, the others counties: it leads however
     * the database sorts a comparison that is NULL) */
    orgs(f, "6501", 16, (const int[]){1, 2, 3, 4, -1});
    orgs(f, "65", 16, (const int[]){0, 1, 5, 2, 3, 4, 6, -1});
    orgs(f, "650102", 16, (const int[]){2, -1});
    /* the six-digit form of a code: 650100 is 6501, and leads */
    orgs(f, "650100", 16, (const int[]){1, -1});
    orgs(f, "650200", 16, (const int[]){5, -1});
    /* the limit keeps the first */
    orgs(f, "6501", 2, (const int[]){1, 2, -1});
    /* a wildcard is itself */
    orgs(f, "%", 16, (const int[]){-1});
    orgs(f, "9999", 16, (const int[]){-1});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_targets_words, setup, teardown),
        ON_BOTH(test_targets_ascii_case, setup, teardown),
        ON_BOTH(test_targets_wildcards, setup, teardown),
        ON_BOTH(test_targets_parts_apart, setup, teardown),
        ON_BOTH(test_targets_order_and_limit, setup, teardown),
        ON_BOTH(test_orgs, setup, teardown),
    };
    return backend_run(tests);
}
