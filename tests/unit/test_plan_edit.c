/*
 * test_plan_edit.c - changing plans (core/plan_edit.h and the writes of
 * store/store_draft.h under it, core/plan_change.h): each edit in a
 * transaction begun with its actor; set, add, split, merge and drop do
 * what they say and keep
 * order and parents sound; bad input, unknown ids and plans that are not
 * drafts are refused; a failed edit, even one that fails half-way through
 * its writes, leaves the plan exactly as it was. Schedules and lead
 * departments change on a draft and on the active plan, never on an
 * archived one, and a bad schedule names the month. Activation pairs
 * targets by the documented passes, keeps ids, reports and shares, keeps
 * the archived plan whole, refuses to leave reports behind unless forced,
 * and rolls back whole.
 *
 * The half-way failures are injected with a trigger (SQLite's RAISE,
 * PostgreSQL's plpgsql RAISE EXCEPTION) installed over a second connection
 * past the store (rawdb.h): the only SQL outside src/store/, and only in a
 * test. Every case with a database runs on SQLite and on PostgreSQL
 * (backend.h).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */

#include "backend.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/plan_change.h"
#include "core/plan_edit.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "store/store_draft.h"
#include "txn.h"

/* Project 1: a total with two parts, then a count; project 2: one target. */
static const char PLAN[] =
    "{\"plan\":{\"title\":\"草案\",\"year\":2026},"
    "\"projects\":[{\"no\":1,\"title\":\"管网\",\"targets\":["
    "{\"text\":\"改造管网100公里\",\"metric\":\"管网\",\"value\":100,\"unit\":\"公里\",\"op\":\"="
    "\"},"
    "{\"text\":\"供热管网40公里\",\"metric\":\"供热\",\"value\":40,\"unit\":\"公里\",\"parent\":0},"
    "{\"text\":\"燃气管网60公里\",\"metric\":\"燃气\",\"value\":60,\"unit\":\"公里\",\"parent\":0},"
    "{\"text\":\"新建学校5所\",\"metric\":\"学校\",\"value\":5,\"unit\":\"所\",\"op\":\">=\"}]},"
    "{\"no\":2,\"title\":\"医疗\",\"targets\":["
    "{\"text\":\"新建医院3家\",\"metric\":\"医院\",\"value\":3,\"unit\":\"家\"}]}]}";

struct fixture {
    struct testdb db;
    struct rawdb raw; /* the database past the store */
    struct ss_store *st;
    int64_t draft, active;
    int64_t t[5];      /* the draft's targets in order */
    int64_t active_t0; /* a target of the active plan */
};

static int64_t insert(struct ss_store *st, enum ss_plan_state state)
{
    struct ss_plan *p = NULL;
    struct ss_err err;
    int64_t id = 0;

    assert_int_equal(ss_plan_from_json(PLAN, sizeof PLAN - 1, &p, &err), 0);
    p->state = state;
    assert_int_equal(AS(st, "cli", ss_store_plan_insert(st, p, &id, &err)), 0);
    ss_plan_free(p);
    return id;
}

static struct ss_plan *load(struct fixture *f)
{
    struct ss_plan *p = NULL;
    struct ss_err err;

    assert_int_equal(ss_store_plan_load(f->st, f->draft, &p, &err), 0);
    return p;
}

/* The draft as JSON (ids, values, texts, parents, order): for "unchanged". */
static char *snapshot(struct fixture *f)
{
    struct ss_plan *p = load(f);
    struct ss_buf b;
    struct ss_json j;
    char *s;

    ss_buf_init(&b, SS_MAX_OUTPUT);
    ss_json_init(&j, &b, 0);
    ss_plan_to_json(p, &j);
    ss_plan_free(p);
    s = ss_buf_detach(&b, NULL);
    return s;
}

static void assert_unchanged(struct fixture *f, const char *before)
{
    char *now = snapshot(f);
    assert_string_equal(before, now);
    free(now);
}

static const struct ss_target *find(const struct ss_plan *p, int64_t id)
{
    long i = ss_plan_target_index(p, id);
    assert_true(i >= 0);
    return &p->targets[i];
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_plan *p;
    struct ss_err err;
    size_t i;

    testdb_make(&f->db, backend_pg(state), "draft");
    f->raw = testdb_raw(&f->db);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    f->active = insert(f->st, SS_PLAN_ACTIVE);
    f->draft = insert(f->st, SS_PLAN_DRAFT);
    p = load(f);
    assert_int_equal(p->ntargets, 5);
    for (i = 0; i < 5; i++)
        f->t[i] = p->targets[i].id;
    assert_int_equal(p->targets[1].parent_index, 0);
    ss_plan_free(p);
    assert_int_equal(ss_store_plan_load(f->st, f->active, &p, &err), 0);
    f->active_t0 = p->targets[0].id;
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

/* Install over a second connection a trigger that fails every `event`
 * ("INSERT", "DELETE") on target, or with event NULL remove it. */
static void fault(struct fixture *f, const char *event)
{
    char sql[512];

    if (!event)
        snprintf(sql, sizeof sql, "%s",
                 BACKEND_SQL(&f->db, "DROP TRIGGER IF EXISTS fault",
                             "DROP TRIGGER IF EXISTS fault ON target;"
                             " DROP FUNCTION IF EXISTS fault()"));
    else if (f->db.pg)
        snprintf(sql, sizeof sql,
                 "CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS"
                 " $$BEGIN RAISE EXCEPTION 'x'; END$$;"
                 " CREATE TRIGGER fault BEFORE %s ON target FOR EACH ROW EXECUTE FUNCTION fault()",
                 event);
    else
        snprintf(sql, sizeof sql,
                 "CREATE TRIGGER fault BEFORE %s ON target BEGIN SELECT RAISE(ABORT, 'x'); END",
                 event);
    rawdb_exec(&f->raw, sql);
}

static void test_home(void **state)
{
    struct fixture *f = *state;
    struct ss_target_home h;
    struct ss_err err;

    assert_int_equal(ss_store_target_home(f->st, f->t[4], &h, &err), 0);
    assert_true(h.plan_id == f->draft);
    assert_int_equal(h.state, SS_PLAN_DRAFT);
    assert_int_equal(h.project_no, 2);
    assert_int_equal(ss_store_target_home(f->st, f->active_t0, &h, &err), 0);
    assert_int_equal(h.state, SS_PLAN_ACTIVE);
    assert_int_equal(ss_store_target_home(f->st, 99999, &h, &err), SS_ENOTFOUND);
}

static void test_update(void **state)
{
    struct fixture *f = *state;
    struct ss_target_edit e;
    struct ss_plan *p;
    const struct ss_target *t;
    struct ss_err err;

    memset(&e, 0, sizeof e);
    e.set_value = 1;
    e.value = 6;
    e.unit = "座";
    e.set_op = 1;
    e.op = SS_OP_LE;
    e.set_kind = 1;
    e.kind = SS_KIND_MILESTONE;
    e.dept = "教育厅";
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[3], &e, &err)), 0);
    p = load(f);
    t = find(p, f->t[3]);
    assert_true(t->value == 6);
    assert_string_equal(t->unit, "座");
    assert_int_equal(t->op, SS_OP_LE);
    assert_int_equal(t->kind, SS_KIND_MILESTONE);
    assert_string_equal(t->dept, "教育厅");
    assert_string_equal(t->metric, "学校"); /* untouched */
    assert_string_equal(t->text, "新建学校5所");
    ss_plan_free(p);

    memset(&e, 0, sizeof e);
    e.metric = "新建学校";
    e.text = "新建中小学校6所";
    e.dept = ""; /* removes it */
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[3], &e, &err)), 0);
    p = load(f);
    t = find(p, f->t[3]);
    assert_string_equal(t->metric, "新建学校");
    assert_string_equal(t->text, "新建中小学校6所");
    assert_null(t->dept);
    assert_true(t->value == 6);
    ss_plan_free(p);
}

static void test_update_refused(void **state)
{
    struct fixture *f = *state;
    struct ss_target_edit e;
    struct ss_err err;
    char *before = snapshot(f), big[SS_MAX_TARGET_TEXT + 2];

    memset(&e, 0, sizeof e);
    e.set_value = 1;
    e.value = -1;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)),
                     SS_EINVAL);
    assert_string_equal(err.field, "value");
    e.value = NAN;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)),
                     SS_EINVAL);
    e.value = INFINITY;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)),
                     SS_EINVAL);
    memset(&e, 0, sizeof e);
    e.text = "";
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)),
                     SS_EINVAL);
    assert_string_equal(err.field, "text");
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    e.text = big;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)),
                     SS_EINVAL);
    memset(&e, 0, sizeof e);
    e.metric = "a\xff";
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)),
                     SS_EINVAL);
    assert_string_equal(err.field, "metric");
    memset(&e, 0, sizeof e);
    e.set_op = 1;
    e.op = (enum ss_op)7;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)),
                     SS_EINVAL);
    memset(&e, 0, sizeof e);
    e.set_value = 1;
    e.value = 1;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, 99999, &e, &err)),
                     SS_ENOTFOUND);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->active_t0, &e, &err)),
                     SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "only a draft plan can be edited"));
    assert_unchanged(f, before);
    free(before);
}

static void test_add(void **state)
{
    struct fixture *f = *state;
    struct ss_target t;
    struct ss_plan *p;
    struct ss_err err;
    int64_t id = 0, id2 = 0;
    char *before;

    memset(&t, 0, sizeof t);
    t.text = "新建公园2个";
    t.value = 2;
    t.unit = "个";
    t.op = SS_OP_GE;
    t.kind = SS_KIND_COUNT;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_add(f->st, f->draft, 1, &t, &id, &err)), 0);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_add(f->st, f->draft, 2, &t, &id2, &err)), 0);
    p = load(f);
    assert_int_equal(p->ntargets, 7);
    assert_true(p->targets[4].id == id); /* last of project 1 */
    assert_int_equal(p->targets[4].project_no, 1);
    assert_string_equal(p->targets[4].metric, "新建公园2个"); /* metric defaults to text */
    assert_int_equal(p->targets[4].parent_index, -1);
    assert_true(p->targets[6].id == id2);
    ss_plan_free(p);

    before = snapshot(f);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_add(f->st, f->draft, 9, &t, &id, &err)),
                     SS_ENOTFOUND);
    assert_string_equal(err.field, "project");
    assert_int_equal(AS(f->st, "admin", ss_plan_target_add(f->st, 99999, 1, &t, &id, &err)),
                     SS_ENOTFOUND);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_add(f->st, f->active, 1, &t, &id, &err)),
                     SS_ECONFLICT);
    t.value = -2;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_add(f->st, f->draft, 1, &t, &id, &err)),
                     SS_EINVAL);
    t.value = 2;
    t.text = NULL;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_add(f->st, f->draft, 1, &t, &id, &err)),
                     SS_EINVAL);
    assert_unchanged(f, before);
    free(before);
}

static void test_split(void **state)
{
    struct fixture *f = *state;
    const double v[] = {10, 20, 10};
    const char *const m[] = {"供热一期", "供热二期", "供热三期"};
    struct ss_plan *p;
    struct ss_err err;
    int64_t ids[2] = {0, 0};

    /* Split a part: its pieces stay parts of the same total, right after it. */
    assert_int_equal(AS(f->st, "admin", ss_plan_target_split(f->st, f->t[1], v, m, 3, ids, &err)),
                     0);
    p = load(f);
    assert_int_equal(p->ntargets, 7);
    assert_true(p->targets[1].id == f->t[1]);
    assert_true(p->targets[2].id == ids[0]);
    assert_true(p->targets[3].id == ids[1]);
    assert_true(p->targets[4].id == f->t[2]);
    assert_true(p->targets[5].id == f->t[3]);
    assert_true(p->targets[1].value == 10 && p->targets[2].value == 20 &&
                p->targets[3].value == 10);
    assert_string_equal(p->targets[1].metric, "供热一期");
    assert_string_equal(p->targets[3].metric, "供热三期");
    assert_string_equal(p->targets[2].text, "供热管网40公里");
    assert_string_equal(p->targets[2].unit, "公里");
    assert_int_equal(p->targets[2].op, p->targets[1].op);
    assert_int_equal(p->targets[2].parent_index, 0);
    assert_int_equal(p->targets[3].parent_index, 0);
    ss_plan_free(p);
}

static void test_split_refused(void **state)
{
    struct fixture *f = *state;
    const double v[] = {10, NAN};
    const double ok[] = {3, 2};
    const char *const m[] = {"甲", "乙"};
    const char *const empty[] = {"甲", ""};
    struct ss_err err;
    char *before = snapshot(f);

    assert_int_equal(AS(f->st, "admin", ss_plan_target_split(f->st, f->t[3], v, m, 2, NULL, &err)),
                     SS_EINVAL);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_split(f->st, f->t[3], ok, m, 1, NULL, &err)),
                     SS_EINVAL);
    assert_int_equal(
        AS(f->st, "admin", ss_plan_target_split(f->st, f->t[3], ok, empty, 2, NULL, &err)),
        SS_EINVAL);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_split(f->st, 99999, ok, m, 2, NULL, &err)),
                     SS_ENOTFOUND);
    assert_int_equal(
        AS(f->st, "admin", ss_plan_target_split(f->st, f->active_t0, ok, m, 2, NULL, &err)),
        SS_ECONFLICT);
    /* Fails at the insert, after renumbering and updating: all rolled back. */
    fault(f, "INSERT");
    assert_int_equal(AS(f->st, "admin", ss_plan_target_split(f->st, f->t[1], ok, m, 2, NULL, &err)),
                     SS_EDB);
    fault(f, NULL);
    assert_unchanged(f, before);
    free(before);
}

static void test_merge_siblings(void **state)
{
    struct fixture *f = *state;
    struct ss_plan *p;
    const struct ss_target *t;
    struct ss_err err;
    int moved = -1;

    assert_int_equal(
        AS(f->st, "admin", ss_plan_target_merge(f->st, f->t[1], f->t[2], &moved, &err)), 0);
    assert_int_equal(moved, 0);
    p = load(f);
    assert_int_equal(p->ntargets, 4);
    assert_int_equal(ss_plan_target_index(p, f->t[2]), -1);
    t = find(p, f->t[1]);
    assert_true(t->value == 100);
    assert_string_equal(t->text, "供热管网40公里；燃气管网60公里");
    assert_int_equal(t->parent_index, 0);
    ss_plan_free(p);
}

static void test_merge_part_into_total(void **state)
{
    struct fixture *f = *state;
    struct ss_plan *p;
    const struct ss_target *a, *c;
    struct ss_err err;
    int moved = -1;

    /* Merge the total (b, first) into its part a: a leaves the breakdown,
     * takes the total's place, and the other part becomes a's. */
    assert_int_equal(
        AS(f->st, "admin", ss_plan_target_merge(f->st, f->t[1], f->t[0], &moved, &err)), 0);
    assert_int_equal(moved, 1);
    p = load(f);
    assert_int_equal(p->ntargets, 4);
    assert_true(p->targets[0].id == f->t[1]);
    a = find(p, f->t[1]);
    c = find(p, f->t[2]);
    assert_int_equal(a->parent_index, -1);
    assert_true(p->targets[c->parent_index].id == f->t[1]);
    assert_true(a->value == 140);
    ss_plan_free(p);
}

static void test_merge_refused(void **state)
{
    struct fixture *f = *state;
    struct ss_target_edit e;
    struct ss_err err;
    char *before, longtext[601];

    before = snapshot(f);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_merge(f->st, f->t[0], f->t[4], NULL, &err)),
                     SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "different projects"));
    assert_int_equal(AS(f->st, "admin", ss_plan_target_merge(f->st, f->t[0], f->t[3], NULL, &err)),
                     SS_ECONFLICT);
    assert_string_equal(err.field, "unit");
    assert_int_equal(AS(f->st, "admin", ss_plan_target_merge(f->st, f->t[0], f->t[0], NULL, &err)),
                     SS_EINVAL);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_merge(f->st, f->t[0], 99999, NULL, &err)),
                     SS_ENOTFOUND);
    assert_int_equal(
        AS(f->st, "admin", ss_plan_target_merge(f->st, f->active_t0, f->t[0], NULL, &err)),
        SS_ECONFLICT);
    /* Fails at the delete, after updating both: all rolled back. */
    fault(f, "DELETE");
    assert_int_equal(AS(f->st, "admin", ss_plan_target_merge(f->st, f->t[1], f->t[0], NULL, &err)),
                     SS_EDB);
    fault(f, NULL);
    assert_unchanged(f, before);
    free(before);

    /* Joined text over the limit. */
    memset(longtext, 'x', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    memset(&e, 0, sizeof e);
    e.text = longtext;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[1], &e, &err)), 0);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[2], &e, &err)), 0);
    before = snapshot(f);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_merge(f->st, f->t[1], f->t[2], NULL, &err)),
                     SS_EINVAL);
    assert_string_equal(err.field, "text");
    assert_unchanged(f, before);
    free(before);
}

static void test_drop(void **state)
{
    struct fixture *f = *state;
    struct ss_plan *p;
    struct ss_err err;
    int orphaned = -1;
    char *before = snapshot(f);

    assert_int_equal(AS(f->st, "admin", ss_plan_target_drop(f->st, f->active_t0, NULL, &err)),
                     SS_ECONFLICT);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_drop(f->st, 99999, NULL, &err)),
                     SS_ENOTFOUND);
    fault(f, "DELETE");
    assert_int_equal(AS(f->st, "admin", ss_plan_target_drop(f->st, f->t[0], NULL, &err)), SS_EDB);
    fault(f, NULL);
    assert_unchanged(f, before);
    free(before);

    assert_int_equal(AS(f->st, "admin", ss_plan_target_drop(f->st, f->t[0], &orphaned, &err)), 0);
    assert_int_equal(orphaned, 2);
    p = load(f);
    assert_int_equal(p->ntargets, 4);
    assert_int_equal(find(p, f->t[1])->parent_index, -1);
    assert_int_equal(find(p, f->t[2])->parent_index, -1);
    ss_plan_free(p);
}

/* ---- schedules and lead departments --------------------------------------- */

static void test_schedule_parse(void **state)
{
    double sh[12];
    int has = -1;
    struct ss_schedule_err e;
    struct ss_err err;
    struct ss_buf b;
    (void)state;

    assert_int_equal(ss_schedule_parse("0,0,0,10,25,40,55,70,85,100,100,100", sh, &has, &e), 0);
    assert_int_equal(has, 1);
    assert_true(sh[3] == 0.1 && sh[9] == 1 && sh[11] == 1);
    ss_buf_init(&b, 256);
    ss_schedule_format(sh, &b);
    assert_string_equal(b.data, "0,0,0,10,25,40,55,70,85,100,100,100");
    ss_buf_cleanup(&b);
    /* blanks, % signs and full-width commas as people type them */
    assert_int_equal(ss_schedule_parse(" 0%, 0 ,0，10%，20,30,40,50,60,70,80,100%", sh, &has, &e),
                     0);
    assert_true(sh[3] == 0.1 && sh[10] == 0.8);
    assert_int_equal(ss_schedule_parse("linear", sh, &has, &e), 0);
    assert_int_equal(has, 0);
    assert_int_equal(ss_schedule_parse("", sh, &has, &e), 0);
    assert_int_equal(has, 0);

    assert_int_equal(ss_schedule_parse("0,10,20", sh, &has, &e), SS_EINVAL);
    assert_int_equal(e.problem, SS_SCHEDULE_COUNT);
    assert_int_equal(e.count, 3);
    assert_int_equal(ss_schedule_parse("0,0,0,0,0,0,0,0,0,0,0,100,100", sh, &has, &e), SS_EINVAL);
    assert_int_equal(e.count, 13);
    assert_int_equal(ss_schedule_parse("0,0,0,0,x5,0,0,0,0,0,0,100", sh, &has, &e), SS_EINVAL);
    assert_int_equal(e.problem, SS_SCHEDULE_NOT_NUMBER);
    assert_int_equal(e.month, 5);
    assert_string_equal(e.text, "x5");
    assert_int_equal(ss_schedule_parse("0,0,0,0,,0,0,0,0,0,0,100", sh, &has, &e), SS_EINVAL);
    assert_int_equal(e.month, 5);
    assert_int_equal(ss_schedule_parse("0,0,120,0,0,0,0,0,0,0,0,100", sh, &has, &e), SS_EINVAL);
    assert_int_equal(e.problem, SS_SCHEDULE_RANGE);
    assert_int_equal(e.month, 3);
    assert_int_equal(ss_schedule_parse("0,0,0,10,40,30,55,70,85,100,100,100", sh, &has, &e),
                     SS_EINVAL);
    assert_int_equal(e.problem, SS_SCHEDULE_DECREASE);
    assert_int_equal(e.month, 6);
    assert_true(e.value == 30 && e.previous == 40);
    ss_err_clear(&err);
    ss_schedule_err_set(&e, "--schedule", &err);
    assert_string_equal(err.field, "--schedule");
    assert_non_null(strstr(err.msg, "month 6 (June) is 30, less than month 5's 40"));
    assert_int_equal(ss_schedule_parse("0,0,0,10,25,40,55,70,85,90,90,90", sh, &has, &e),
                     SS_EINVAL);
    assert_int_equal(e.problem, SS_SCHEDULE_LAST);
    assert_int_equal(e.month, 12);
    /* shares (plan JSON) by the same rule */
    {
        double ok[12] = {0, 0, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1};
        double bad[12] = {0, 0, 0, 0.1, 0.05, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1};
        assert_int_equal(ss_schedule_check(ok, &e), 0);
        assert_int_equal(ss_schedule_check(bad, &e), SS_EINVAL);
        assert_int_equal(e.month, 5);
    }
}

static void test_schedule_on_plans(void **state)
{
    struct fixture *f = *state;
    struct ss_target_edit e;
    struct ss_plan *p;
    struct ss_err err;
    struct ss_schedule_err se;
    struct ss_store_counters c0, c;

    memset(&e, 0, sizeof e);
    e.set_profile = 1;
    assert_int_equal(
        ss_schedule_parse("0,0,0,10,25,40,55,70,85,100,100,100", e.profile, &e.has_profile, &se),
        0);
    /* a draft's target and the active plan's: both take a schedule */
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)), 0);
    assert_int_equal(ss_store_counters(f->st, &c0), 0);
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->active_t0, &e, &err)), 0);
    assert_int_equal(ss_store_counters(f->st, &c), 0);
    assert_true(c.structure != c0.structure); /* a running engine sees it and rebuilds */
    assert_int_equal(ss_store_plan_load(f->st, f->active, &p, &err), 0);
    assert_int_equal(p->targets[0].has_profile, 1);
    assert_true(p->targets[0].profile[3] == 0.1 && p->targets[0].profile[11] == 1);
    ss_plan_free(p);
    /* back to linear */
    e.has_profile = 0;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->active_t0, &e, &err)), 0);
    assert_int_equal(ss_store_plan_load(f->st, f->active, &p, &err), 0);
    assert_int_equal(p->targets[0].has_profile, 0);
    ss_plan_free(p);
    /* but nothing else changes on the active plan, and a bad schedule nowhere */
    e.has_profile = 1;
    e.set_value = 1;
    e.value = 7;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->active_t0, &e, &err)),
                     SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "only the schedule"));
    memset(&e, 0, sizeof e);
    e.set_profile = e.has_profile = 1;
    e.profile[11] = 0.9;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)),
                     SS_EINVAL);
    assert_string_equal(err.field, "profile");
    assert_int_equal(ss_store_plan_load(f->st, f->active, &p, &err), 0);
    assert_true(p->targets[0].value == 100 && !p->targets[0].has_profile);
    ss_plan_free(p);
    /* an archived plan's target: refused */
    assert_int_equal(
        AS(f->st, "cli", ss_store_plan_set_state(f->st, f->active, SS_PLAN_ARCHIVED, &err)), 0);
    e.profile[11] = 1;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->active_t0, &e, &err)),
                     SS_ECONFLICT);
}

static void test_project_lead(void **state)
{
    struct fixture *f = *state;
    struct ss_plan *p;
    struct ss_err err;

    assert_int_equal(
        AS(f->st, "admin", ss_plan_project_lead(f->st, f->draft, 1, "住房城乡建设厅", &err)), 0);
    assert_int_equal(
        AS(f->st, "admin", ss_plan_project_lead(f->st, f->active, 2, "卫生健康委", &err)), 0);
    p = load(f);
    assert_string_equal(p->projects[0].lead_dept, "住房城乡建设厅");
    ss_plan_free(p);
    assert_int_equal(ss_store_plan_load(f->st, f->active, &p, &err), 0);
    assert_string_equal(p->projects[1].lead_dept, "卫生健康委");
    ss_plan_free(p);
    assert_int_equal(AS(f->st, "admin", ss_plan_project_lead(f->st, f->active, 2, "", &err)), 0);
    assert_int_equal(ss_store_plan_load(f->st, f->active, &p, &err), 0);
    assert_string_equal(p->projects[1].lead_dept, "unknown");
    ss_plan_free(p);
    assert_int_equal(AS(f->st, "admin", ss_plan_project_lead(f->st, f->draft, 9, "x", &err)),
                     SS_ENOTFOUND);
    assert_int_equal(AS(f->st, "admin", ss_plan_project_lead(f->st, 999, 1, "x", &err)),
                     SS_ENOTFOUND);
    assert_int_equal(AS(f->st, "admin", ss_plan_project_lead(f->st, f->draft, 1, "a\xff", &err)),
                     SS_EINVAL);
    assert_int_equal(
        AS(f->st, "cli", ss_store_plan_set_state(f->st, f->active, SS_PLAN_ARCHIVED, &err)), 0);
    assert_int_equal(AS(f->st, "admin", ss_plan_project_lead(f->st, f->active, 1, "x", &err)),
                     SS_ECONFLICT);
}

/* ---- matching and activation ---------------------------------------------- */

static void set_target(struct ss_target *t, int project, const char *text, const char *metric,
                       const char *unit, enum ss_op op)
{
    memset(t, 0, sizeof *t);
    t->project_no = project;
    t->text = (char *)text;
    t->metric = (char *)metric;
    t->unit = (char *)unit;
    t->op = op;
    t->parent_index = -1;
}

static void test_match_passes(void **state)
{
    struct ss_target cur_t[6], new_t[6];
    struct ss_plan cur, draft;
    struct ss_plan_match m;
    (void)state;

    memset(&cur, 0, sizeof cur);
    memset(&draft, 0, sizeof draft);
    /* current: a split (same text, two metrics), a plain one, one matched
     * by metric only (its text reworded, moved to project 3), two alike
     * by metric (ambiguous), one with no counterpart */
    set_target(&cur_t[0], 1, "管网100公里", "供热", "公里", SS_OP_EQ);
    set_target(&cur_t[1], 1, "管网100公里", "燃气", "公里", SS_OP_EQ);
    set_target(&cur_t[2], 1, "就业47万人", "就业", "人", SS_OP_GE);
    set_target(&cur_t[3], 2, "新建学校5所", "学校", "所", SS_OP_GE);
    set_target(&cur_t[4], 2, "医院甲3家", "医院", "家", SS_OP_EQ);
    set_target(&cur_t[5], 2, "医院乙4家", "医院", "家", SS_OP_EQ);
    set_target(&new_t[0], 1, "管网100公里", "燃气", "公里", SS_OP_EQ);
    set_target(&new_t[1], 1, "管网100公里", "供热管网", "公里", SS_OP_EQ);
    set_target(&new_t[2], 1, "就业47万人", "城镇新增就业", "万人", SS_OP_GE);
    set_target(&new_t[3], 3, "新建中小学校5所", "学校", "所", SS_OP_GE);
    set_target(&new_t[4], 2, "医院丙3家", "医院", "家", SS_OP_EQ);
    set_target(&new_t[5], 2, "医院丁4家", "医院", "家", SS_OP_EQ);
    cur.targets = cur_t;
    cur.ntargets = 6;
    draft.targets = new_t;
    draft.ntargets = 6;
    ss_plan_match(&cur, &draft, &m);
    assert_int_equal(m.old_of[0], 1); /* pass 1: text and metric */
    assert_int_equal(m.by[0], SS_MATCH_TEXT_METRIC);
    assert_int_equal(m.old_of[1], 0); /* pass 2: the one left with that text */
    assert_int_equal(m.by[1], SS_MATCH_TEXT);
    assert_int_equal(m.old_of[2], 2); /* pass 2, though metric and unit changed */
    assert_int_equal(m.by[2], SS_MATCH_TEXT);
    assert_int_equal(m.old_of[3], 3); /* pass 3, across projects */
    assert_int_equal(m.by[3], SS_MATCH_METRIC);
    assert_int_equal(m.old_of[4], -1); /* 医院 家 = twice on each side */
    assert_int_equal(m.old_of[5], -1);
    assert_int_equal(m.new_of[4], -1);
    assert_int_equal(m.new_of[1], 0);
    assert_string_equal(ss_match_by_str(m.by[3]), "metric+unit+op");
    ss_plan_match_cleanup(&m);
}

/* Two org units, a report and a share on each of the active plan's first
 * and last targets. */
static int64_t put_data(struct fixture *f, const struct ss_plan *p)
{
    const struct ss_org_rec orgs[] = {{"65", "自治区", 1, NULL}, {"6501", "乌鲁木齐市", 2, "65"}};
    struct ss_report_in r;
    struct ss_org o;
    struct ss_err err;
    int64_t id;
    size_t k;

    assert_int_equal(AS(f->st, "cli", ss_store_orgs_upsert(f->st, orgs, 2, &err)), 0);
    assert_int_equal(ss_store_org_get(f->st, "6501", &o), 0);
    free(o.name);
    for (k = 0; k < 5; k += 4) {
        memset(&r, 0, sizeof r);
        r.target_id = p->targets[k].id;
        r.org_id = o.id;
        r.as_of = ss_days_from_civil(2026, 3, 31);
        r.value = 7;
        r.numerator = r.denominator = NAN;
        r.status = "approved";
        r.by = "test";
        assert_int_equal(AS(f->st, "cli", ss_store_report_insert(f->st, &r, &id, &err)), 0);
        assert_int_equal(AS(f->st, "cli", ss_store_assign(f->st, p->targets[k].id, o.id, 50, &err)),
                         0);
    }
    return o.id;
}

static int64_t count(struct fixture *f, const char *sql)
{
    return rawdb_int(&f->raw, sql);
}

static void test_activate_carries(void **state)
{
    struct fixture *f = *state;
    struct ss_plan *old, *now, *arch;
    struct ss_activation a;
    struct ss_target_edit e;
    struct ss_err err;
    size_t i;

    assert_int_equal(ss_store_plan_load(f->st, f->active, &old, &err), 0);
    put_data(f, old);
    /* the draft corrects a value; the old plan has a schedule the draft lacks */
    memset(&e, 0, sizeof e);
    e.set_value = 1;
    e.value = 120;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, f->t[0], &e, &err)), 0);
    memset(&e, 0, sizeof e);
    e.set_profile = e.has_profile = 1;
    for (i = 0; i < 12; i++)
        e.profile[i] = i < 11 ? 0.05 * (double)i : 1;
    assert_int_equal(AS(f->st, "admin", ss_plan_target_update(f->st, old->targets[1].id, &e, &err)),
                     0);

    assert_int_equal(AS(f->st, "cli", ss_plan_activate(f->st, f->draft, 0, &a, &err)), 0);
    assert_int_equal(a.done, 1);
    assert_int_equal(a.carried, 5);
    assert_int_equal(a.left, 0);
    assert_int_equal(a.added, 0);
    assert_int_equal(a.reports_carried, 2);
    assert_int_equal(a.shares_carried, 2);
    assert_int_equal(a.kept[1], SS_KEPT_PROFILE);
    ss_activation_cleanup(&a);

    /* the draft is the current plan, under the old ids, with the draft's content */
    assert_int_equal(ss_store_plan_load(f->st, 0, &now, &err), 0);
    assert_true(now->id == f->draft);
    assert_int_equal(now->ntargets, 5);
    for (i = 0; i < 5; i++) {
        assert_true(now->targets[i].id == old->targets[i].id);
        assert_string_equal(now->targets[i].text, old->targets[i].text);
    }
    assert_true(now->targets[0].value == 120);
    assert_int_equal(now->targets[1].parent_index, 0);
    assert_int_equal(now->targets[2].parent_index, 0);
    assert_int_equal(now->targets[1].has_profile, 1); /* kept */
    assert_true(now->targets[1].profile[10] == 0.5);
    /* reports and shares still on those ids, no draft row left behind */
    assert_int_equal(count(f, "SELECT count(*) FROM report r JOIN target t ON t.id = r.target_id"
                              " WHERE t.plan_id = (SELECT id FROM plan WHERE state = 'active')"),
                     2);
    assert_int_equal(count(f, "SELECT count(*) FROM assignment"), 2);
    assert_int_equal(count(f, "SELECT count(*) FROM target WHERE plan_id = (SELECT id FROM plan"
                              " WHERE state = 'active')"),
                     5);
    /* the archived plan is whole: five copies with parents among them */
    assert_int_equal(ss_store_plan_load(f->st, f->active, &arch, &err), 0);
    assert_int_equal(arch->state, SS_PLAN_ARCHIVED);
    assert_int_equal(arch->ntargets, 5);
    assert_true(arch->targets[0].value == 100);
    assert_int_equal(arch->targets[1].parent_index, 0);
    for (i = 0; i < 5; i++)
        assert_true(ss_plan_target_index(now, arch->targets[i].id) < 0);
    /* audited: the event names the pairs */
    assert_int_equal(
        count(f, BACKEND_SQL(&f->db,
                             "SELECT count(*) FROM audit_log WHERE action = 'plan_activate'"
                             " AND json_array_length(row_json, '$.carried') = 5",
                             "SELECT count(*) FROM audit_log WHERE action = 'plan_activate'"
                             " AND json_array_length(CAST(row_json AS json) -> 'carried') = 5")),
        1);
    ss_plan_free(arch);
    ss_plan_free(now);
    ss_plan_free(old);
}

static void test_activate_refuses_loss(void **state)
{
    struct fixture *f = *state;
    struct ss_plan *old, *p;
    struct ss_activation a;
    struct ss_err err;
    char *before;
    int64_t reports0;

    assert_int_equal(ss_store_plan_load(f->st, f->active, &old, &err), 0);
    put_data(f, old);
    /* the draft loses project 2's target, which has a report and a share */
    assert_int_equal(AS(f->st, "admin", ss_plan_target_drop(f->st, f->t[4], NULL, &err)), 0);
    before = snapshot(f);
    reports0 = count(f, "SELECT count(*) FROM audit_log");
    assert_int_equal(AS(f->st, "cli", ss_plan_activate(f->st, f->draft, 0, &a, &err)),
                     SS_ECONFLICT);
    assert_int_equal(a.done, 0);
    assert_int_equal(a.left, 1);
    assert_int_equal(a.left_with_data, 1);
    assert_int_equal(a.reports_left, 1);
    assert_int_equal(a.shares_left, 1);
    assert_non_null(strstr(err.msg, "--force"));
    ss_activation_cleanup(&a);
    assert_unchanged(f, before);
    assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), reports0);
    assert_int_equal(ss_store_plan_load(f->st, 0, &p, &err), 0);
    assert_true(p->id == f->active);
    ss_plan_free(p);

    /* a failure half-way through the writes rolls everything back */
    fault(f, "DELETE");
    assert_int_equal(AS(f->st, "cli", ss_plan_activate(f->st, f->draft, 1, &a, &err)), SS_EDB);
    ss_activation_cleanup(&a);
    fault(f, NULL);
    assert_unchanged(f, before);
    assert_int_equal(ss_store_plan_load(f->st, 0, &p, &err), 0);
    assert_true(p->id == f->active && p->ntargets == 5);
    ss_plan_free(p);

    /* forced: the left target stays with the archived plan, report and all */
    assert_int_equal(AS(f->st, "cli", ss_plan_activate(f->st, f->draft, 1, &a, &err)), 0);
    assert_int_equal(a.forced, 1);
    ss_activation_cleanup(&a);
    assert_int_equal(ss_store_plan_load(f->st, f->active, &p, &err), 0);
    assert_int_equal(p->ntargets, 5);
    assert_true(ss_plan_target_index(p, old->targets[4].id) >= 0);
    ss_plan_free(p);
    assert_int_equal(count(f, "SELECT count(*) FROM report"), 2);
    /* a plan once active or archived is not activated again */
    assert_int_equal(AS(f->st, "cli", ss_plan_activate(f->st, f->draft, 0, &a, &err)),
                     SS_ECONFLICT);
    ss_activation_cleanup(&a);
    assert_int_equal(AS(f->st, "cli", ss_plan_activate(f->st, f->active, 0, &a, &err)),
                     SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "archived"));
    ss_activation_cleanup(&a);
    free(before);
    ss_plan_free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_home, setup, teardown),
        ON_BOTH(test_update, setup, teardown),
        ON_BOTH(test_update_refused, setup, teardown),
        ON_BOTH(test_add, setup, teardown),
        ON_BOTH(test_split, setup, teardown),
        ON_BOTH(test_split_refused, setup, teardown),
        ON_BOTH(test_merge_siblings, setup, teardown),
        ON_BOTH(test_merge_part_into_total, setup, teardown),
        ON_BOTH(test_merge_refused, setup, teardown),
        ON_BOTH(test_drop, setup, teardown),
        cmocka_unit_test(test_schedule_parse),
        ON_BOTH(test_schedule_on_plans, setup, teardown),
        ON_BOTH(test_project_lead, setup, teardown),
        cmocka_unit_test(test_match_passes),
        ON_BOTH(test_activate_carries, setup, teardown),
        ON_BOTH(test_activate_refuses_loss, setup, teardown),
    };
    return backend_run(tests);
}
