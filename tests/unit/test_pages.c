/*
 * test_pages.c - what the public pages write about a figure, and how a
 * search is cut into words: a planned value as people write it for every
 * comparison and language (including "<=", which the default plan lacks),
 * the status summary line, and the separators of Chinese input.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/util.h"
#include "store/store_search.h"
#include "web/figure_html.h"

static void planned(int lang, enum ss_op op, double v, const char *unit, const char *want)
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
