/*
 * test_pages.c - what the public pages write about a figure, and how a
 * search is cut into words: a planned value as people write it for every
 * comparison and language (including "<=", which the default plan lacks),
 * the status summary line, and the separators of Chinese input; the
 * catalogue's words in the three languages; charts mirrored right to left.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/l10n.h"
#include "base/limits.h"
#include "base/util.h"
#include "store/store_search.h"
#include "web/figure_html.h"
#include "web/svg.h"

static void planned(enum ss_lang lang, enum ss_op op, double v, const char *unit, const char *want)
{
    struct ss_buf b;

    ss_buf_init(&b, 256);
    ss_fig_planned_text(&b, lang, op, v, unit);
    assert_string_equal(b.data, want);
    ss_buf_cleanup(&b);
}

static void test_planned_reads_as_written(void **state)
{
    (void)state;
    planned(SS_LANG_ZH, SS_OP_GE, 470000, "人", "不少于 470,000 人");
    planned(SS_LANG_EN, SS_OP_GE, 470000, "人", "at least 470,000 人");
    planned(SS_LANG_ZH, SS_OP_LE, 5, "%", "不超过 5%");
    planned(SS_LANG_EN, SS_OP_LE, 2.5, "%", "at most 2.5%");
    planned(SS_LANG_ZH, SS_OP_EQ, 600000, "人次", "600,000 人次");
    planned(SS_LANG_EN, SS_OP_EQ, 1900, "公里", "1,900 公里");
    planned(SS_LANG_ZH, SS_OP_GE, 90, "%", "不少于 90%");
    planned(SS_LANG_EN, SS_OP_GE, NAN, "人", "—");
    planned(SS_LANG_EN, SS_OP_EQ, 4, "", "4");
    planned(SS_LANG_UG, SS_OP_GE, 470000, "人", "كەم بولمىسۇن 470,000 人");
}

static void test_counts_line(void **state)
{
    struct ss_fig_counts c;
    struct ss_figure f;
    struct ss_buf b;
    (void)state;

    memset(&c, 0, sizeof c);
    memset(&f, 0, sizeof f);
    f.status = SS_ST_SERIOUS;
    ss_fig_count(&c, &f);
    ss_fig_count(&c, &f);
    f.status = SS_ST_ON_TRACK;
    ss_fig_count(&c, &f);
    f.status = (enum ss_status)40; /* a status this build does not know is still counted */
    ss_fig_count(&c, &f);
    assert_int_equal(c.total, 4);
    ss_buf_init(&b, 1024);
    ss_fig_counts_text(&b, SS_LANG_ZH, &c, 1);
    assert_string_equal(b.data,
                        "已完成 0 项，正常推进 1 项，滞后 0 项，严重滞后 2 项，未填报 0 项");
    ss_buf_reset(&b);
    ss_fig_counts_text(&b, SS_LANG_EN, &c, 0);
    assert_string_equal(b.data, "1 on track, 2 seriously lagging");
    ss_buf_reset(&b);
    ss_fig_counts_text(&b, SS_LANG_UG, &c, 0);
    assert_string_equal(b.data,
                        "1 كۆرسەتكۈچ نورمال ئىلگىرىلەۋاتقان، 2 كۆرسەتكۈچ ئېغىر ئارقىدا قالغان");
    ss_buf_cleanup(&b);
}

/* The catalogue in the binary: a page id in each language, a context, an
 * id no catalogue has (itself), formats with their arguments reordered. */
static void test_catalogue(void **state)
{
    char out[64];
    (void)state;

    assert_string_equal(ss_tr(SS_LANG_ZH, "全部实事"), "全部实事");
    assert_string_equal(ss_tr(SS_LANG_EN, "全部实事"), "All projects");
    assert_string_equal(ss_tr(SS_LANG_UG, "全部实事"), "بارلىق ئەمەلىي ئىشلار");
    assert_string_equal(ss_tr(SS_LANG_EN, "地区"), "Place");
    assert_string_equal(ss_trc(SS_LANG_EN, "section", "地区"), "Places");
    assert_string_equal(ss_trc(SS_LANG_EN, "nowhere", "地区"), "地区");
    assert_string_equal(ss_tr(SS_LANG_UG, "no such id, anywhere"), "no such id, anywhere");
    assert_string_equal(ss_tr((enum ss_lang)7, "全部实事"), "全部实事");
    snprintf(out, sizeof out, ss_tr(SS_LANG_EN, "%s %d 项"), "on track", 3);
    assert_string_equal(out, "3 on track");
}

/* Count the occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;

    for (; (hay = strstr(hay, needle)); hay++)
        n++;
    return n;
}

static void test_charts_mirror_right_to_left(void **state)
{
    static const char *const labels[] = {"乌鲁木齐市", "克拉玛依市"};
    static const double progress[] = {40, 150}, expected[] = {75, 75};
    static const int colour[] = {2, 0};
    static const int32_t days[] = {20454, 20485};
    static const double actual[] = {10, 20}, due[] = {5, 25};
    struct ss_buf b;
    (void)state;

    ss_buf_init(&b, 1 << 16);
    ss_svg_bars(&b, "b", "t", "d", 2, labels, progress, expected, colour, 0);
    assert_false(strstr(b.data, "direction="));
    assert_true(strstr(b.data, "<rect class=\"bar c-red\" x=\"0%\" width=\"40%\""));
    assert_true(
        strstr(b.data, "class=\"pb-time\" width=\"2\" transform=\"translate(-1 0)\" x=\"75%\""));
    assert_int_equal(count(b.data, "<text class=\"ax\" x=\"0\""), 2); /* labels at the left */
    ss_buf_reset(&b);
    ss_svg_bars(&b, "b", "t", "d", 2, labels, progress, expected, colour, 1);
    assert_true(strstr(b.data, "direction=\"rtl\""));
    /* 40% grows from the right: it starts at 60% */
    assert_true(strstr(b.data, "<rect class=\"bar c-red\" x=\"60%\" width=\"40%\""));
    assert_true(
        strstr(b.data, "class=\"pb-time\" width=\"2\" transform=\"translate(-1 0)\" x=\"25%\""));
    assert_int_equal(count(b.data, "<text class=\"ax\" x=\"100%\""), 2); /* labels at the right */
    assert_true(strstr(
        b.data, "<rect class=\"over\" x=\"0\"")); /* past the plan: the cap at the left end */
    ss_buf_reset(&b);
    /* time from the right: the plan's first day at the right edge */
    ss_svg_series(&b, "s", "t", "d", 2, days, actual, due, 30, 20454, 20818, "a", "e", 0);
    assert_true(strstr(b.data, "cx=\"2%\""));
    ss_buf_reset(&b);
    ss_svg_series(&b, "s", "t", "d", 2, days, actual, due, 30, 20454, 20818, "a", "e", 1);
    assert_true(strstr(b.data, "cx=\"98%\""));
    assert_false(strstr(b.data, "cx=\"2%\""));
    ss_buf_cleanup(&b);
}

static void test_search_words(void **state)
{
    struct ss_search s;
    struct ss_err err;
    char longq[SS_MAX_NAME + 2];
    (void)state;

    assert_int_equal(ss_search_parse("  养老　床位，就业、培训;ODR ", &s, &err), 0);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.len[0], strlen("养老"));
    assert_memory_equal(s.word[1], "床位", strlen("床位"));
    assert_memory_equal(s.word[3], "培训", s.len[3]);
    assert_memory_equal(s.word[4], "ODR", s.len[4]);
    assert_int_equal(ss_search_parse("　，", &s, &err), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(ss_search_parse("\xff\xfe", &s, &err), SS_EINVAL);
    assert_string_equal(err.field, "q");
    memset(longq, 'x', sizeof longq - 1);
    longq[sizeof longq - 1] = '\0';
    assert_int_equal(ss_search_parse(longq, &s, &err), SS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planned_reads_as_written),
        cmocka_unit_test(test_counts_line),
        cmocka_unit_test(test_search_words),
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_charts_mirror_right_to_left),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
