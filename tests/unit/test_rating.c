/*
 * test_rating.c - satisfaction ratings and closed surveys (core/rating.h,
 * store/store_rating.h) and the MAC key they sign cookies with
 * (store/store_seal.h), on SQLite and PostgreSQL (backend.h).
 *
 * The MAC key: stable for a context, another for another context, none
 * without the key file. Periods as written. The open rating: five from
 * one address, the sixth refused and not stored, another address apart;
 * the cookie an accepted rating sets refuses the browser that sends it,
 * lists every project rated, and one altered in any byte is refused; bad
 * scores and comments refused before anything is counted. Closed
 * surveys: codes that work once, in any case and with dashes; twelve
 * connections using one code at once, of which exactly one counts; no
 * code in the clear in the database. The summary by source, and the
 * audit log verifying after it all.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "backend.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/rating.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_rating.h"
#include "store/store_seal.h"
#include "txn.h"

struct fixture {
    struct testdb db;
    struct rawdb raw;
    struct ss_store *st;
    struct ss_plan plan;
    struct ss_project projects[3];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_err err;
    int i;

    testdb_make(&f->db, backend_pg(state), "rating");
    f->raw = testdb_raw(&f->db);
    assert_int_equal(ss_store_open(f->db.path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(ss_store_audit_key_ensure(f->st, NULL, &err), 0);
    /* what the rules read of a plan: its year and its projects' numbers */
    for (i = 0; i < 3; i++)
        f->projects[i].no = (int[]){1, 10, 128}[i];
    f->plan.year = 2026;
    f->plan.projects = f->projects;
    f->plan.nprojects = 3;
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

static long rows(struct fixture *f, const char *sql)
{
    return (long)rawdb_int(&f->raw, sql);
}

static void assert_verifies(struct ss_store *st)
{
    struct ss_audit_result r;
    struct ss_err err;

    assert_int_equal(ss_store_audit_verify(st, NULL, &r, &err), 0);
    if (r.bad_entry)
        fail_msg("%s", r.what);
}

/* ---- the MAC key and periods --------------------------------------------------- */

static void test_mac_key(void **state)
{
    struct fixture *f = *state;
    unsigned char a[SS_SEAL_MAC_KEY], b[SS_SEAL_MAC_KEY], c[SS_SEAL_MAC_KEY];
    struct ss_store *st;
    struct ss_err err;
    char path[TMPDB_PATH + 8], moved[TMPDB_PATH + 16];

    assert_int_equal(ss_store_seal_mac_key(f->st, "ctx one", a, &err), 0);
    assert_int_equal(ss_store_seal_mac_key(f->st, "ctx one", b, &err), 0);
    assert_int_equal(ss_store_seal_mac_key(f->st, "ctx two", c, &err), 0);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    /* another connection, which reads the key file itself, derives the same */
    assert_int_equal(ss_store_open(f->db.path, 0, &st, &err), 0);
    assert_int_equal(ss_store_seal_mac_key(st, "ctx one", b, &err), 0);
    assert_memory_equal(a, b, sizeof a);
    ss_store_close(st);
    /* without the key file: none */
    if (!f->db.pg) {
        snprintf(path, sizeof path, "%s.key", f->db.path);
        snprintf(moved, sizeof moved, "%s.moved", path);
        assert_int_equal(rename(path, moved), 0);
        assert_int_equal(ss_store_open(f->db.path, 0, &st, &err), 0);
        assert_int_equal(ss_store_seal_mac_key(st, "ctx one", b, &err), SS_EIO);
        assert_non_null(strstr(err.msg, "missing"));
        ss_store_close(st);
        assert_int_equal(rename(moved, path), 0);
    }
}

static void test_periods(void **state)
{
    static const char *const GOOD[] = {"2026",    "2026-H1", "2026-H2",
                                       "2026-Q4", "2026-01", "2026-12"};
    static const char *const BAD[] = {"",        "26",         "0202",     "2026-",
                                      "2026-H3", "2026-Q0",    "2026-13",  "2026-00",
                                      "2026-1",  "2026-01-01", "２０２６", "2026 "};
    struct ss_err err;
    size_t i;

    (void)state;
    for (i = 0; i < SS_ARRAY_LEN(GOOD); i++)
        assert_int_equal(ss_rating_period_check(GOOD[i], &err), 0);
    for (i = 0; i < SS_ARRAY_LEN(BAD); i++) {
        assert_int_equal(ss_rating_period_check(BAD[i], &err), SS_EINVAL);
        assert_string_equal(err.field, "period");
    }
}

/* ---- the open rating ------------------------------------------------------------- */

static int give(struct fixture *f, int project, int score, const char *comment, const char *client,
                const char *cookie, struct ss_rating_done *done, struct ss_err *err)
{
    struct ss_rating_req q = {.plan = &f->plan,
                              .project_no = project,
                              .score = score,
                              .comment = comment,
                              .client = client,
                              .cookie = cookie};

    return ss_rating_give(f->st, &q, done, err);
}

static void test_open_rating(void **state)
{
    struct fixture *f = *state;
    struct ss_rating_done d;
    struct ss_satisfaction s;
    struct ss_err err;
    int i;

    for (i = 1; i <= 5; i++)
        assert_int_equal(give(f, 10, i, NULL, "192.0.2.1", NULL, &d, &err), 0);
    assert_string_equal(d.period, "2026");
    assert_string_equal(d.cookie_name, "ss_rated_2026");
    assert_int_equal(give(f, 10, 5, NULL, "192.0.2.1", NULL, &d, &err), SS_ETHROTTLED);
    assert_non_null(strstr(err.msg, "5 ratings of project 10 for 2026"));
    assert_int_equal(give(f, 10, 4, "好", "192.0.2.2", NULL, &d, &err), 0);
    assert_int_equal(give(f, 1, 4, NULL, "192.0.2.1", NULL, &d, &err), 0);
    assert_int_equal(ss_rating_summary(f->st, 10, "2026", &s), 0);
    assert_int_equal(s.part[SS_RATING_OPEN].n, 6);
    assert_int_equal(s.part[SS_RATING_OPEN].dist[3], 2);
    assert_true(s.part[SS_RATING_OPEN].mean > 3.16 && s.part[SS_RATING_OPEN].mean < 3.17);
    assert_int_equal(s.part[SS_RATING_DEPUTIES].n, 0);
    assert_int_equal(rows(f, "SELECT count(*) FROM rating"), 7);
    /* nothing of the address is stored: the hits hold keyed digests */
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit WHERE key LIKE '%192.0.2%'"), 0);
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit WHERE scope = 'rating.client'"), 7);
    assert_verifies(f->st);
}

static void test_refusals(void **state)
{
    struct fixture *f = *state;
    char longer[4 * SS_MAX_RATING_COMMENT + 8];
    struct ss_rating_done d;
    struct ss_rating_req q = {.plan = &f->plan, .project_no = 10, .score = 3, .client = "x"};
    struct ss_err err;
    size_t i, n;

    assert_int_equal(give(f, 10, 0, NULL, "192.0.2.3", NULL, &d, &err), SS_EINVAL);
    assert_string_equal(err.field, "score");
    assert_int_equal(give(f, 10, 6, NULL, "192.0.2.3", NULL, &d, &err), SS_EINVAL);
    assert_int_equal(give(f, 2, 3, NULL, "192.0.2.3", NULL, &d, &err), SS_ENOTFOUND);
    assert_string_equal(err.field, "project");
    assert_int_equal(give(f, 10, 3, "\xff\xfe", "192.0.2.3", NULL, &d, &err), SS_EINVAL);
    assert_string_equal(err.field, "comment");
    for (i = 0, n = 0; i <= SS_MAX_RATING_COMMENT; i++) {
        const char *c = i % 2 ? "长" : "a";
        memcpy(longer + n, c, strlen(c) + 1);
        n += strlen(c);
        if (i == SS_MAX_RATING_COMMENT - 1)
            assert_int_equal(give(f, 10, 3, longer, "192.0.2.3", NULL, &d, &err), 0);
    }
    assert_int_equal(give(f, 10, 3, longer, "192.0.2.3", NULL, &d, &err), SS_EINVAL);
    assert_string_equal(err.field, "comment");
    q.period = "2025";
    assert_int_equal(ss_rating_give(f->st, &q, &d, &err), SS_EINVAL);
    assert_string_equal(err.field, "period");
    /* only the one accepted is stored or counted */
    assert_int_equal(rows(f, "SELECT count(*) FROM rating"), 1);
    assert_int_equal(rows(f, "SELECT count(*) FROM throttle_hit"), 1);
}

static void test_cookie(void **state)
{
    struct fixture *f = *state;
    struct ss_rating_done d, e;
    char bad[SS_RATING_COOKIE_MAX];
    struct ss_err err;
    size_t i, n;

    assert_int_equal(give(f, 10, 4, NULL, "192.0.2.4", NULL, &d, &err), 0);
    n = strlen(d.cookie);
    assert_int_equal(n, 65);
    assert_true(ss_rating_cookie_lists(d.cookie, 10));
    assert_false(ss_rating_cookie_lists(d.cookie, 1));
    /* the browser that sends it, from any address: refused */
    assert_int_equal(give(f, 10, 4, NULL, "192.0.2.5", d.cookie, &e, &err), SS_ECONFLICT);
    assert_string_equal(err.field, "project");
    /* another project: accepted, and the new cookie lists both */
    assert_int_equal(give(f, 128, 4, NULL, "192.0.2.5", d.cookie, &e, &err), 0);
    assert_true(ss_rating_cookie_lists(e.cookie, 10) && ss_rating_cookie_lists(e.cookie, 128));
    assert_int_equal(give(f, 128, 4, NULL, "192.0.2.6", e.cookie, &d, &err), SS_ECONFLICT);
    assert_int_equal(give(f, 10, 4, NULL, "192.0.2.6", e.cookie, &d, &err), SS_ECONFLICT);
    /* any byte changed: refused as altered, nothing stored */
    for (i = 0; i < n; i++) {
        memcpy(bad, e.cookie, n + 1);
        if (i == 32)
            bad[i] = '-';
        else
            bad[i] = bad[i] == '0' ? '1' : '0';
        assert_int_equal(give(f, 1, 4, NULL, "192.0.2.7", bad, &d, &err), SS_EINVAL);
        assert_string_equal(err.field, "cookie");
    }
    assert_int_equal(give(f, 1, 4, NULL, "192.0.2.7", "x", &d, &err), SS_EINVAL);
    assert_int_equal(rows(f, "SELECT count(*) FROM rating"), 2);
    /* no cookie, an empty one: a new browser */
    assert_int_equal(give(f, 1, 4, NULL, "192.0.2.7", "", &d, &err), 0);
}

/* ---- closed surveys ---------------------------------------------------------------- */

static char **make_survey(struct fixture *f, int project, const char *audience, size_t n)
{
    struct ss_err err;
    char **codes = NULL;
    int64_t id = 0;

    assert_int_equal(
        AS(f->st, "admin:test",
           ss_survey_create(f->st, &f->plan, project, NULL, audience, n, &codes, &id, &err)),
        0);
    assert_true(id > 0);
    return codes;
}

static void free_codes(char **codes, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(codes[i]);
    free(codes);
}

static void test_survey_once(void **state)
{
    struct fixture *f = *state;
    char **codes = make_survey(f, 10, "deputies", 4), spaced[64], sql[256];
    struct ss_satisfaction s;
    struct ss_survey sv;
    struct ss_err err;
    char **none = NULL;
    int64_t id;
    int used, i;
    size_t n;

    for (i = 0; i < 4; i++) {
        assert_int_equal(strlen(codes[i]), SS_SURVEY_CODE_LEN);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM survey_code WHERE digest LIKE '%%%s%%'",
                 codes[i]);
        assert_int_equal(rows(f, sql), 0);
    }
    assert_int_equal(rows(f, "SELECT count(*) FROM survey_code"), 4);
    assert_int_equal(ss_rating_survey_find(f->st, codes[0], &sv, &used, &err), 0);
    assert_int_equal(sv.project_no, 10);
    assert_string_equal(sv.period, "2026");
    assert_int_equal(sv.audience, SS_RATING_DEPUTIES);
    assert_false(used);
    assert_int_equal(ss_rating_survey_give(f->st, codes[0], 4, "<b>", "192.0.2.8", &sv, &err), 0);
    assert_int_equal(ss_rating_survey_give(f->st, codes[0], 4, NULL, "192.0.2.8", &sv, &err),
                     SS_ECONFLICT);
    assert_string_equal(err.field, "code");
    /* lower case, dashes, I for 1 and O for 0 read as the code */
    for (i = 0, n = 0; codes[1][i]; i++) {
        char c = codes[1][i];
        if (i && i % 5 == 0)
            spaced[n++] = '-';
        spaced[n++] = c == '1' ? 'I' : c == '0' ? 'o' : c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    spaced[n] = '\0';
    assert_int_equal(ss_rating_survey_give(f->st, spaced, 2, NULL, "192.0.2.8", &sv, &err), 0);
    assert_int_equal(ss_rating_survey_give(f->st, "NOPE", 2, NULL, "192.0.2.8", &sv, &err),
                     SS_ENOTFOUND);
    assert_int_equal(ss_rating_survey_give(f->st, codes[2], 9, NULL, "192.0.2.8", &sv, &err),
                     SS_EINVAL);
    /* a bad score spends no code */
    assert_int_equal(ss_rating_survey_find(f->st, codes[2], &sv, &used, &err), 0);
    assert_false(used);
    free_codes(codes, 4);
    codes = make_survey(f, 10, "staff", 2);
    assert_int_equal(ss_rating_survey_give(f->st, codes[0], 5, NULL, "192.0.2.9", &sv, &err), 0);
    free_codes(codes, 2);
    assert_int_equal(ss_rating_summary(f->st, 10, "2026", &s), 0);
    assert_int_equal(s.part[SS_RATING_OPEN].n, 0);
    assert_int_equal(s.part[SS_RATING_DEPUTIES].n, 2);
    assert_int_equal(s.part[SS_RATING_DEPUTIES].codes, 4);
    assert_int_equal(s.part[SS_RATING_DEPUTIES].used, 2);
    assert_int_equal(s.part[SS_RATING_STAFF].n, 1);
    assert_int_equal(s.part[SS_RATING_STAFF].dist[4], 1);
    /* refusals of create */
    assert_int_equal(
        AS(f->st, "admin:test",
           ss_survey_create(f->st, &f->plan, 2, NULL, "deputies", 3, &none, &id, &err)),
        SS_ENOTFOUND);
    assert_int_equal(AS(f->st, "admin:test",
                        ss_survey_create(f->st, &f->plan, 10, NULL, "public", 3, &none, &id, &err)),
                     SS_EINVAL);
    assert_int_equal(
        AS(f->st, "admin:test",
           ss_survey_create(f->st, &f->plan, 10, "2026-Q5", "staff", 3, &none, &id, &err)),
        SS_EINVAL);
    assert_int_equal(AS(f->st, "admin:test",
                        ss_survey_create(f->st, &f->plan, 10, NULL, "staff",
                                         SS_SURVEY_MAX_CODES + 1, &none, &id, &err)),
                     SS_EINVAL);
    assert_null(none);
    assert_int_equal(rows(f, "SELECT count(*) FROM survey"), 2);
    assert_verifies(f->st);
}

struct racer {
    const char *path;
    const char *code;
    int rc;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct ss_survey sv;
    struct ss_store *st;
    struct ss_err err;

    if (ss_store_open(r->path, 0, &st, &err)) {
        r->rc = 99;
        return NULL;
    }
    r->rc = ss_rating_survey_give(st, r->code, 3, NULL, "192.0.2.10", &sv, &err);
    ss_store_close(st);
    return NULL;
}

/* Each racer on its own connection, as several servers on one database:
 * the code's use is a compare-and-set under the writers' lock, so exactly
 * one counts and the others find it used. */
static void test_survey_race(void **state)
{
    struct fixture *f = *state;
    enum { N = 8 };
    char **codes = make_survey(f, 1, "deputies", 1);
    pthread_t t[N];
    struct racer r[N];
    int i, ok = 0, used = 0;

    for (i = 0; i < N; i++) {
        r[i] = (struct racer){f->db.path, codes[0], 0};
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    for (i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        ok += r[i].rc == SS_OK;
        used += r[i].rc == SS_ECONFLICT;
    }
    assert_int_equal(ok, 1);
    assert_int_equal(used, N - 1);
    assert_int_equal(rows(f, "SELECT count(*) FROM rating"), 1);
    assert_int_equal(rows(f, "SELECT count(*) FROM survey_code WHERE used = 1"), 1);
    free_codes(codes, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        ON_BOTH(test_mac_key, setup, teardown),     cmocka_unit_test(test_periods),
        ON_BOTH(test_open_rating, setup, teardown), ON_BOTH(test_refusals, setup, teardown),
        ON_BOTH(test_cookie, setup, teardown),      ON_BOTH(test_survey_once, setup, teardown),
        ON_BOTH(test_survey_race, setup, teardown),
    };

    return backend_run(tests);
}
