/*
 * test_http_parse.c - the Cookie header parser (web/http_parse.h), which
 * the HTTP core now runs itself instead of libmicrohttpd: the readings the
 * server relies on (ss_session, lang, care), quoting, blanks, separators,
 * and the limits. The form parsers are tested in test_auth.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "base/util.h"
#include "web/http_parse.h"

struct parsed {
    struct ss_http_field *f;
    size_t n;
    char *store;
};

static int parse(const char *s, struct parsed *p)
{
    return ss_http_parse_cookies(s, strlen(s), &p->f, &p->n, &p->store);
}

static void done(struct parsed *p)
{
    free(p->f);
    free(p->store);
}

static void expect_pair(const struct parsed *p, size_t i, const char *name, const char *value)
{
    assert_true(i < p->n);
    assert_string_equal(p->f[i].name, name);
    assert_string_equal(p->f[i].value, value);
    assert_int_equal(p->f[i].len, strlen(value));
    assert_null(p->f[i].filename);
}

static void test_cookie_pairs(void **state)
{
    struct parsed p;

    (void)state;
    assert_int_equal(parse("ss_session=ab12; lang=en; care=1", &p), SS_OK);
    assert_int_equal(p.n, 3);
    expect_pair(&p, 0, "ss_session", "ab12");
    expect_pair(&p, 1, "lang", "en");
    expect_pair(&p, 2, "care", "1");
    done(&p);
    /* blanks around names and values, and tabs, are dropped; a comma
     * separates as a semicolon does (RFC 2109 clients) */
    assert_int_equal(parse("  lang = en \t;\tcare=1 , x=y", &p), SS_OK);
    assert_int_equal(p.n, 3);
    expect_pair(&p, 0, "lang", "en");
    expect_pair(&p, 1, "care", "1");
    expect_pair(&p, 2, "x", "y");
    done(&p);
}

static void test_cookie_quotes(void **state)
{
    struct parsed p;

    (void)state;
    /* one pair of quotes goes; ; and , inside quotes stay in the value */
    assert_int_equal(parse("a=\"one; two, three\"; b=\"\"; c=\"", &p), SS_OK);
    assert_int_equal(p.n, 3);
    expect_pair(&p, 0, "a", "one; two, three");
    expect_pair(&p, 1, "b", "");
    expect_pair(&p, 2, "c", "\""); /* a lone quote is a value, not a pair of quotes */
    done(&p);
    /* = inside a value is the value's */
    assert_int_equal(parse("t=a=b==", &p), SS_OK);
    assert_int_equal(p.n, 1);
    expect_pair(&p, 0, "t", "a=b==");
    done(&p);
}

static void test_cookie_odd(void **state)
{
    struct parsed p;

    (void)state;
    /* a name without = has an empty value; empty pairs and empty names
     * are skipped; repeated names are all kept, in order */
    assert_int_equal(parse(";; flag; =orphan; a=1; a=2;", &p), SS_OK);
    assert_int_equal(p.n, 3);
    expect_pair(&p, 0, "flag", "");
    expect_pair(&p, 1, "a", "1");
    expect_pair(&p, 2, "a", "2");
    done(&p);
    assert_int_equal(parse("", &p), SS_OK);
    assert_int_equal(p.n, 0);
    done(&p);
    assert_int_equal(parse("   ", &p), SS_OK);
    assert_int_equal(p.n, 0);
    done(&p);
}

static void test_cookie_limits(void **state)
{
    char big[SS_HTTP_MAX_COOKIE_PAIRS * 8 + 16];
    struct parsed p;
    size_t o = 0;
    int i;

    (void)state;
    for (i = 0; i < SS_HTTP_MAX_COOKIE_PAIRS; i++)
        o += (size_t)snprintf(big + o, sizeof big - o, "c%d=1;", i);
    assert_int_equal(parse(big, &p), SS_OK);
    assert_int_equal(p.n, SS_HTTP_MAX_COOKIE_PAIRS);
    done(&p);
    snprintf(big + o, sizeof big - o, "one=more");
    assert_int_equal(parse(big, &p), SS_EINVAL);
    assert_null(p.f);
    assert_null(p.store);
    assert_int_equal(p.n, 0);
    /* a NUL byte is refused, not taken for the end */
    assert_int_equal(ss_http_parse_cookies("a=1\0b=2", 7, &p.f, &p.n, &p.store), SS_EINVAL);
    assert_null(p.f);
    /* bytes after len are never read */
    assert_int_equal(ss_http_parse_cookies("a=12345", 3, &p.f, &p.n, &p.store), SS_OK);
    assert_int_equal(p.n, 1);
    expect_pair(&p, 0, "a", "1");
    done(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cookie_pairs),
        cmocka_unit_test(test_cookie_quotes),
        cmocka_unit_test(test_cookie_odd),
        cmocka_unit_test(test_cookie_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
