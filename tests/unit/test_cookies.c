/*
 * test_cookies.c - the Cookie header parser (ss_http_parse_cookies), which
 * ss_http_cookie reads every session, language and login cookie through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/limits.h"
#include "base/util.h"
#include "web/http.h"

/* The pairs of h as "name=value|name=value|", or "refused". */
static const char *pairs(const char *h, size_t len, char *out, size_t cap)
{
    struct ss_http_field *f;
    size_t n, i, o = 0;
    char *store;

    if (ss_http_parse_cookies(h, len, &f, &n, &store))
        return "refused";
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        assert_null(f[i].filename);
        assert_int_equal(strlen(f[i].value), f[i].len);
        o += (size_t)snprintf(out + o, cap - o, "%s=%s|", f[i].name, f[i].value);
        assert_true(o < cap);
    }
    free(f);
    free(store);
    return out;
}

#define PAIRS(h) pairs(h, sizeof h - 1, buf, sizeof buf)

static void test_pairs_in_order(void **state)
{
    char buf[256];

    (void)state;
    assert_string_equal(PAIRS("ss_session=abc; lang=en"), "ss_session=abc|lang=en|");
    assert_string_equal(PAIRS(""), "");
    assert_string_equal(PAIRS("a=1;b=2;;c=3;"), "a=1|b=2|c=3|");
    /* the first of a name comes first: ss_http_cookie returns it */
    assert_string_equal(PAIRS("s=first; s=second"), "s=first|s=second|");
    /* a value may hold "=" */
    assert_string_equal(PAIRS("t=YWJj=="), "t=YWJj==|");
}

static void test_lenient_as_browsers(void **state)
{
    char buf[256];

    (void)state;
    assert_string_equal(PAIRS("  sid = abc \t;\tlang=zh  "), "sid=abc|lang=zh|");
    assert_string_equal(PAIRS("q=\"quoted value\""), "q=quoted value|");
    assert_string_equal(PAIRS("q=\""), "q=\"|");
    assert_string_equal(PAIRS("flag; =orphan; x=; y=1"), "x=|y=1|");
    /* a NUL byte inside a name or a value: that pair is dropped */
    assert_string_equal(PAIRS("a=1\0x; b=2; c\0d=3"), "b=2|");
}

static long count(const char *h, size_t len)
{
    struct ss_http_field *f;
    size_t n;
    char *store;

    if (ss_http_parse_cookies(h, len, &f, &n, &store))
        return -1;
    free(f);
    free(store);
    return (long)n;
}

static void test_too_many_pairs(void **state)
{
    size_t n = SS_HTTP_MAX_FIELDS + 1, i, o = 0;
    char *h = malloc(n * 8 + 1);

    (void)state;
    for (i = 0; i < n; i++)
        o += (size_t)snprintf(h + o, 9, "k%04zu=v;", i);
    assert_int_equal(count(h, o), -1);
    assert_int_equal(count(h, o - 8), SS_HTTP_MAX_FIELDS);
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs_in_order),
        cmocka_unit_test(test_lenient_as_browsers),
        cmocka_unit_test(test_too_many_pairs),
    };
    return cmocka_run_group_tests_name("cookies", tests, NULL, NULL);
}
