/*
 * test_store_draft.c - editing a draft plan's targets (store/store_draft.h):
 * set, add, split, merge and drop do what they say and keep order and
 * parents sound; bad input, unknown ids and plans that are not drafts are
 * refused; and a failed edit, even one that fails half-way through its
 * writes, leaves the plan exactly as it was.
 *
 * The half-way failures are injected with a SQLite trigger installed over
 * a second connection: the only SQL outside src/store/, and only in a test.
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
#include <sqlite3.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "store/store_draft.h"
#include "tmpdb.h"

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
    char path[TMPDB_PATH];
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
    assert_int_equal(ss_store_plan_insert(st, p, &id, &err), 0);
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

    assert_int_equal(tmpdb_name(f->path, "draft"), 0);
    assert_int_equal(ss_store_open(f->path, SS_STORE_CREATE, &f->st, &err), 0);
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
    tmpdb_remove(f->path);
    free(f);
    return 0;
}

/* Install (or with sql NULL, remove) a fault trigger over a second connection. */
static void fault(struct fixture *f, const char *sql)
{
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql ? sql : "DROP TRIGGER IF EXISTS fault", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
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
    assert_int_equal(ss_store_target_update(f->st, f->t[3], &e, &err), 0);
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
    assert_int_equal(ss_store_target_update(f->st, f->t[3], &e, &err), 0);
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
    assert_int_equal(ss_store_target_update(f->st, f->t[0], &e, &err), SS_EINVAL);
    assert_string_equal(err.field, "value");
    e.value = NAN;
    assert_int_equal(ss_store_target_update(f->st, f->t[0], &e, &err), SS_EINVAL);
    e.value = INFINITY;
    assert_int_equal(ss_store_target_update(f->st, f->t[0], &e, &err), SS_EINVAL);
    memset(&e, 0, sizeof e);
    e.text = "";
    assert_int_equal(ss_store_target_update(f->st, f->t[0], &e, &err), SS_EINVAL);
    assert_string_equal(err.field, "text");
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    e.text = big;
    assert_int_equal(ss_store_target_update(f->st, f->t[0], &e, &err), SS_EINVAL);
    memset(&e, 0, sizeof e);
    e.metric = "a\xff";
    assert_int_equal(ss_store_target_update(f->st, f->t[0], &e, &err), SS_EINVAL);
    assert_string_equal(err.field, "metric");
    memset(&e, 0, sizeof e);
    e.set_op = 1;
    e.op = (enum ss_op)7;
    assert_int_equal(ss_store_target_update(f->st, f->t[0], &e, &err), SS_EINVAL);
    memset(&e, 0, sizeof e);
    e.set_value = 1;
    e.value = 1;
    assert_int_equal(ss_store_target_update(f->st, 99999, &e, &err), SS_ENOTFOUND);
    assert_int_equal(ss_store_target_update(f->st, f->active_t0, &e, &err), SS_ECONFLICT);
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
    assert_int_equal(ss_store_target_add(f->st, f->draft, 1, &t, &id, &err), 0);
    assert_int_equal(ss_store_target_add(f->st, f->draft, 2, &t, &id2, &err), 0);
    p = load(f);
    assert_int_equal(p->ntargets, 7);
    assert_true(p->targets[4].id == id); /* last of project 1 */
    assert_int_equal(p->targets[4].project_no, 1);
    assert_string_equal(p->targets[4].metric, "新建公园2个"); /* metric defaults to text */
    assert_int_equal(p->targets[4].parent_index, -1);
    assert_true(p->targets[6].id == id2);
    ss_plan_free(p);

    before = snapshot(f);
    assert_int_equal(ss_store_target_add(f->st, f->draft, 9, &t, &id, &err), SS_ENOTFOUND);
    assert_string_equal(err.field, "project");
    assert_int_equal(ss_store_target_add(f->st, 99999, 1, &t, &id, &err), SS_ENOTFOUND);
    assert_int_equal(ss_store_target_add(f->st, f->active, 1, &t, &id, &err), SS_ECONFLICT);
    t.value = -2;
    assert_int_equal(ss_store_target_add(f->st, f->draft, 1, &t, &id, &err), SS_EINVAL);
    t.value = 2;
    t.text = NULL;
    assert_int_equal(ss_store_target_add(f->st, f->draft, 1, &t, &id, &err), SS_EINVAL);
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
    assert_int_equal(ss_store_target_split(f->st, f->t[1], v, m, 3, ids, &err), 0);
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

    assert_int_equal(ss_store_target_split(f->st, f->t[3], v, m, 2, NULL, &err), SS_EINVAL);
    assert_int_equal(ss_store_target_split(f->st, f->t[3], ok, m, 1, NULL, &err), SS_EINVAL);
    assert_int_equal(ss_store_target_split(f->st, f->t[3], ok, empty, 2, NULL, &err), SS_EINVAL);
    assert_int_equal(ss_store_target_split(f->st, 99999, ok, m, 2, NULL, &err), SS_ENOTFOUND);
    assert_int_equal(ss_store_target_split(f->st, f->active_t0, ok, m, 2, NULL, &err),
                     SS_ECONFLICT);
    /* Fails at the insert, after renumbering and updating: all rolled back. */
    fault(f, "CREATE TRIGGER fault BEFORE INSERT ON target BEGIN SELECT RAISE(ABORT, 'x'); END");
    assert_int_equal(ss_store_target_split(f->st, f->t[1], ok, m, 2, NULL, &err), SS_EDB);
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

    assert_int_equal(ss_store_target_merge(f->st, f->t[1], f->t[2], &moved, &err), 0);
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
    assert_int_equal(ss_store_target_merge(f->st, f->t[1], f->t[0], &moved, &err), 0);
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
    assert_int_equal(ss_store_target_merge(f->st, f->t[0], f->t[4], NULL, &err), SS_ECONFLICT);
    assert_non_null(strstr(err.msg, "different projects"));
    assert_int_equal(ss_store_target_merge(f->st, f->t[0], f->t[3], NULL, &err), SS_ECONFLICT);
    assert_string_equal(err.field, "unit");
    assert_int_equal(ss_store_target_merge(f->st, f->t[0], f->t[0], NULL, &err), SS_EINVAL);
    assert_int_equal(ss_store_target_merge(f->st, f->t[0], 99999, NULL, &err), SS_ENOTFOUND);
    assert_int_equal(ss_store_target_merge(f->st, f->active_t0, f->t[0], NULL, &err), SS_ECONFLICT);
    /* Fails at the delete, after updating both: all rolled back. */
    fault(f, "CREATE TRIGGER fault BEFORE DELETE ON target BEGIN SELECT RAISE(ABORT, 'x'); END");
    assert_int_equal(ss_store_target_merge(f->st, f->t[1], f->t[0], NULL, &err), SS_EDB);
    fault(f, NULL);
    assert_unchanged(f, before);
    free(before);

    /* Joined text over the limit. */
    memset(longtext, 'x', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    memset(&e, 0, sizeof e);
    e.text = longtext;
    assert_int_equal(ss_store_target_update(f->st, f->t[1], &e, &err), 0);
    assert_int_equal(ss_store_target_update(f->st, f->t[2], &e, &err), 0);
    before = snapshot(f);
    assert_int_equal(ss_store_target_merge(f->st, f->t[1], f->t[2], NULL, &err), SS_EINVAL);
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

    assert_int_equal(ss_store_target_drop(f->st, f->active_t0, NULL, &err), SS_ECONFLICT);
    assert_int_equal(ss_store_target_drop(f->st, 99999, NULL, &err), SS_ENOTFOUND);
    fault(f, "CREATE TRIGGER fault BEFORE DELETE ON target BEGIN SELECT RAISE(ABORT, 'x'); END");
    assert_int_equal(ss_store_target_drop(f->st, f->t[0], NULL, &err), SS_EDB);
    fault(f, NULL);
    assert_unchanged(f, before);
    free(before);

    assert_int_equal(ss_store_target_drop(f->st, f->t[0], &orphaned, &err), 0);
    assert_int_equal(orphaned, 2);
    p = load(f);
    assert_int_equal(p->ntargets, 4);
    assert_int_equal(find(p, f->t[1])->parent_index, -1);
    assert_int_equal(find(p, f->t[2])->parent_index, -1);
    ss_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_home, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_siblings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_part_into_total, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drop, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
