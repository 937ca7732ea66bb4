/*
 * test_l10n.c - errors as message ids with arguments (base/err.c), written
 * in any language; catalogue lookups, language tags, Accept-Language and
 * the CLI's locale (base/l10n.c).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/l10n.h"
#include "base/util.h"

/* A tiny catalogue of its own, so these tests do not depend on po/. */
static const char *test_tr(void *ctx, const char *msgid)
{
    static const char *const pairs[][2] = {
        {"value %g is lower than %g approved as of %s (%s)", "%3$s 已审核 %2$g，%1$g 更低（%4$s）"},
        {"“Note”", "“说明”"},
        {"report %lld cannot be approved: %s", "第 %lld 号填报不能审核通过：%s"},
        {"no org unit with code '%s'", "没有代码为“%s”的区划"},
        {"rate %g%% is above 100%%", "比率 %g%% 超过 100%%"},
    };
    size_t i;

    (void)ctx;
    for (i = 0; i < SS_ARRAY_LEN(pairs); i++)
        if (strcmp(pairs[i][0], msgid) == 0)
            return pairs[i][1];
    return msgid;
}

static void test_err_keeps_id_and_arguments(void **state)
{
    struct ss_err e, outer;
    char buf[SS_ERR_TEXT];
    (void)state;

    ss_err_clear(&e);
    assert_int_equal(ss_err_set(&e, SS_EINVAL, "value",
                                "value %g is lower than %g approved as of %s (%s)", 8.0, 10.5,
                                "2026-11-01", SS_M("“Note”")),
                     SS_EINVAL);
    assert_string_equal(e.field, "value");
    assert_string_equal(e.id, "value %g is lower than %g approved as of %s (%s)");
    /* English: the id itself, the marked argument as written */
    assert_string_equal(e.msg, "value 8 is lower than 10.5 approved as of 2026-11-01 (“Note”)");
    /* another language: reordered, the field's label translated too */
    ss_err_render(&e, test_tr, NULL, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-01 已审核 10.5，8 更低（“说明”）");

    /* a nested error is written in the outer one's language */
    ss_err_set(&outer, SS_EINVAL, e.field, "report %lld cannot be approved: %s", 7LL,
               ss_err_nest(&e));
    assert_string_equal(outer.msg, "report 7 cannot be approved: value 8 is lower than 10.5 "
                                   "approved as of 2026-11-01 (“Note”)");
    ss_err_render(&outer, test_tr, NULL, buf, sizeof buf);
    assert_string_equal(buf, "第 7 号填报不能审核通过：2026-11-01 已审核 10.5，8 更低（“说明”）");

    /* %% stays a percent sign in both */
    ss_err_set(&e, SS_EINVAL, "value", "rate %g%% is above 100%%", 120.0);
    assert_string_equal(e.msg, "rate 120% is above 100%");
    assert_string_equal(ss_err_render(&e, test_tr, NULL, buf, sizeof buf), "比率 120% 超过 100%");
}

static void test_err_arguments_are_text(void **state)
{
    struct ss_err e;
    char buf[SS_ERR_TEXT], big[2000];
    (void)state;

    /* a value that carries the data's marks cannot forge structure */
    ss_err_set(&e, SS_ENOTFOUND, "org", "no org unit with code '%s'",
               "65\x1e\x1d"
               "x\x1c");
    assert_string_equal(e.msg, "no org unit with code '65??x?'");
    assert_string_equal(ss_err_render(&e, test_tr, NULL, buf, sizeof buf),
                        "没有代码为“65??x?”的区划");
    /* precision and widths as the code wrote them; no cut UTF-8 */
    ss_err_set(&e, SS_EINVAL, "x", "'%.4s' and %5d and %.*s", "说明说明", 42, 2, "abcdef");
    assert_string_equal(e.msg, "'说' and    42 and ab");
    /* long arguments are cut, the message still reads */
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ss_err_set(&e, SS_EINVAL, "x", "no org unit with code '%s'", big);
    assert_true(strlen(e.msg) < sizeof e.msg);
    assert_memory_equal(e.msg, "no org unit with code 'aaa", 26);
    /* a run-time id with no arguments */
    ss_err_id(&e, SS_EFORBIDDEN, "report", N_("“Note”"));
    assert_string_equal(e.msg, "“Note”");
    assert_string_equal(ss_err_render(&e, test_tr, NULL, buf, sizeof buf), "“说明”");
    /* numbers of every length modifier */
    ss_err_set(&e, SS_EINVAL, "x", "%d %ld %lld %zu %u %x %c %.1f %s", -1, 2L, 3LL, (size_t)4, 5u,
               255u, 'z', 0.25, "ok");
    assert_string_equal(e.msg, "-1 2 3 4 5 ff z 0.2 ok");
    /* a cleared error writes nothing; NULL errors are allowed */
    ss_err_clear(&e);
    assert_string_equal(ss_err_render(&e, test_tr, NULL, buf, sizeof buf), "");
    assert_int_equal(ss_err_set(NULL, SS_EIO, "x", "%s", "y"), SS_EIO);
}

static void test_fmt_spec(void **state)
{
    struct ss_fmt_spec s;
    (void)state;

    assert_true(ss_fmt_spec_parse("%2$lld rest", &s));
    assert_int_equal(s.pos, 2);
    assert_int_equal(s.conv, 'd');
    assert_string_equal(s.length, "ll");
    assert_int_equal(s.len, 6);
    assert_true(ss_fmt_spec_parse("%.*s", &s));
    assert_int_equal(s.star, 1);
    assert_true(ss_fmt_spec_parse("%%", &s));
    assert_int_equal(s.conv, '%');
    assert_false(ss_fmt_spec_parse("% 完成", &s));
}

static void test_langs(void **state)
{
    (void)state;

    assert_int_equal(ss_lang_parse("ug", 2), SS_LANG_UG);
    assert_int_equal(ss_lang_parse("ug-Arab-CN", 10), SS_LANG_UG);
    assert_int_equal(ss_lang_parse("zh_CN.UTF-8", 11), SS_LANG_ZH);
    assert_int_equal(ss_lang_parse("EN-gb", 5), SS_LANG_EN);
    assert_int_equal(ss_lang_parse("*", 1), -1);
    assert_int_equal(ss_lang_parse("C", 1), -1);
    assert_int_equal(ss_lang_parse("english", 7), -1);
    assert_int_equal(ss_lang_parse("uga", 3), -1);

    assert_int_equal(ss_lang_accept("ug"), SS_LANG_UG);
    assert_int_equal(ss_lang_accept("fr-FR, en;q=0.5, ug;q=0.8"), SS_LANG_UG);
    assert_int_equal(ss_lang_accept("en-US,en;q=0.9,zh-CN;q=0.8"), SS_LANG_EN);
    assert_int_equal(ss_lang_accept("zh-CN;q=0.8, en;q=0.8"), SS_LANG_ZH); /* first of equals */
    assert_int_equal(ss_lang_accept("ug;q=0, en;q=0.1"), SS_LANG_EN);      /* q=0: not wanted */
    assert_int_equal(ss_lang_accept("ug;q=2, fr"), -1);                    /* malformed q */
    assert_int_equal(ss_lang_accept("*"), -1);
    assert_int_equal(ss_lang_accept(""), -1);
    assert_int_equal(ss_lang_accept(NULL), -1);

    assert_string_equal(ss_lang_tag(SS_LANG_ZH), "zh-CN");
    assert_string_equal(ss_lang_code(SS_LANG_UG), "ug");
    assert_true(ss_lang_rtl(SS_LANG_UG));
    assert_false(ss_lang_rtl(SS_LANG_EN));
}

static void test_locale(void **state)
{
    (void)state;

    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    assert_int_equal(ss_lang_from_env(), SS_LANG_EN);
    setenv("LANG", "zh_CN.UTF-8", 1);
    assert_int_equal(ss_lang_from_env(), SS_LANG_ZH);
    setenv("LC_MESSAGES", "ug_CN.UTF-8", 1);
    assert_int_equal(ss_lang_from_env(), SS_LANG_UG);
    setenv("LC_ALL", "C.UTF-8", 1);
    assert_int_equal(ss_lang_from_env(), SS_LANG_EN);
    setenv("LC_ALL", "", 1); /* empty: not set */
    assert_int_equal(ss_lang_from_env(), SS_LANG_UG);
    setenv("LC_MESSAGES", "fr_FR.UTF-8", 1);
    assert_int_equal(ss_lang_from_env(), SS_LANG_EN);
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_keeps_id_and_arguments),
        cmocka_unit_test(test_err_arguments_are_text),
        cmocka_unit_test(test_fmt_spec),
        cmocka_unit_test(test_langs),
        cmocka_unit_test(test_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
