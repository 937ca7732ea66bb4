/*
 * test_table.c - base/table.c: a table as CSV (RFC 4180, the BOM, CRLF,
 * quoting, numbers by column kind, units after text) and as XLSX read back
 * by base/sheet.c; in both, text a spreadsheet could run as a formula
 * (= + - @ tab CR first) gets an apostrophe and a number never does.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/sheet.h"
#include "base/table.h"
#include "base/util.h"

static const char *const RISKY[] = {
    "=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\r=1", "=cmd|' /C calc'!A0"};
static const char *const SAFE[] = {"", "abc", "-5", "-5.25", "5-1", "城镇新增就业", "—"};

static void test_formula_risky(void **state)
{
    struct ss_buf b;
    size_t i;
    (void)state;

    for (i = 0; i < SS_ARRAY_LEN(RISKY); i++)
        assert_true(ss_esc_formula_risky(RISKY[i], strlen(RISKY[i])));
    for (i = 0; i < SS_ARRAY_LEN(SAFE); i++)
        assert_false(ss_esc_formula_risky(SAFE[i], strlen(SAFE[i])));
    ss_buf_init(&b, 100);
    ss_esc_csv(&b, "\r=1", 3); /* a carriage return first: quoted and defused */
    assert_string_equal(b.data, "\"'\r=1\"");
    ss_buf_cleanup(&b);
}

/* A small table of every kind, with the awkward texts. */
static void fill(struct ss_table *t)
{
    ss_table_init(t, "城镇/就业:表");
    ss_table_col(t, "地区", SS_TK_TEXT, SS_TH_ROWHEAD, 4);
    ss_table_col(t, "计划", SS_TK_TEXT, 0, 2);
    ss_table_col(t, "完成", SS_TK_NUM, 0, 1);
    ss_table_col(t, "进度", SS_TK_PCT, 0, 1);
    ss_table_col(t, "名次", SS_TK_INT, 0, 1);
    ss_table_col(t, "值", SS_TK_REAL, 0, 1);
    ss_table_text(t, "=cmd|' /C calc'!A0");
    ss_tcell_unit(ss_table_text(t, "不少于 470,000"), "人");
    ss_table_num(t, 1234.567);
    ss_table_num(t, 21.28);
    ss_table_num(t, 3);
    ss_table_num(t, -0.125);
    ss_table_text(t, "a \"quoted\"\nline");
    ss_tcell_unit(ss_table_text(t, "90"), "%");
    ss_table_num(t, NAN);
    ss_table_num(t, NAN);
    ss_table_num(t, NAN);
    ss_table_num(t, 470000);
}

static void test_csv(void **state)
{
    struct ss_table t;
    struct ss_buf b;
    (void)state;

    fill(&t);
    assert_int_equal(ss_table_rows(&t), 2);
    ss_buf_init(&b, 10000);
    ss_table_csv(&b, &t);
    assert_string_equal(b.data,
                        "\xEF\xBB\xBF"
                        "地区,计划,完成,进度,名次,值\r\n"
                        "\"'=cmd|' /C calc'!A0\",\"不少于 470,000 人\",1235,21.3,3,-0.125\r\n"
                        "\"a \"\"quoted\"\"\nline\",90%,,,,470000\r\n");
    ss_buf_cleanup(&b);
    ss_table_cleanup(&t);
}

static void test_xlsx_reads_back(void **state)
{
    struct ss_table t;
    const struct ss_table *one[1];
    struct ss_sheet s;
    struct ss_err err;
    char *data = NULL;
    size_t len = 0;
    (void)state;

    fill(&t);
    one[0] = &t;
    ss_err_clear(&err);
    assert_int_equal(ss_table_xlsx(one, 1, "标题", 20000, &data, &len, &err), SS_OK);
    assert_true(len > 100 && memcmp(data, "PK", 2) == 0);
    assert_int_equal(ss_sheet_read_xlsx(data, len, &s, &err), SS_OK);
    assert_int_equal(s.nrows, 3);
    assert_string_equal(ss_sheet_cell(&s.rows[0], 0), "地区");
    assert_string_equal(ss_sheet_cell(&s.rows[0], 5), "值");
    /* text as a string with its apostrophe, never a formula */
    assert_string_equal(ss_sheet_cell(&s.rows[1], 0), "'=cmd|' /C calc'!A0");
    assert_string_equal(ss_sheet_cell(&s.rows[1], 1), "不少于 470,000 人");
    /* numbers as numbers, exactly; the format only rounds what is shown */
    assert_string_equal(ss_sheet_cell(&s.rows[1], 2), "1234.567");
    assert_string_equal(ss_sheet_cell(&s.rows[1], 3), "21.28");
    assert_string_equal(ss_sheet_cell(&s.rows[1], 4), "3");
    assert_string_equal(ss_sheet_cell(&s.rows[1], 5), "-0.125");
    assert_string_equal(ss_sheet_cell(&s.rows[2], 0), "a \"quoted\"\nline");
    assert_string_equal(ss_sheet_cell(&s.rows[2], 1), "90%");
    assert_null(ss_sheet_cell(&s.rows[2], 2)); /* none: an empty cell */
    assert_string_equal(ss_sheet_cell(&s.rows[2], 5), "470000");
    ss_sheet_free(&s);
    free(data);
    ss_table_cleanup(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_risky),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_xlsx_reads_back),
    };
    return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
