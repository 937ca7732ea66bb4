/*
 * test_sheet.c - reading spreadsheets (base/sheet.c): CSV in UTF-8 and
 * GB18030 (also GB18030 whose bytes happen to be valid UTF-8, and the
 * encoding the user chose), a UTF-8 BOM, blank lines, broken zips and
 * UTF-16, and a sheet bomb (one long shared string in every cell) refused
 * at the expanded-text limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <cmocka.h> /* after the headers it needs */

#include "base/sheet.h"
#include "base/util.h"
#include "tmpdb.h"

static void test_sheet_formats(void **state)
{
    /* 修路 in GB18030, and no BOM */
    static const char gb[] = "id,\xd0\xde\xc2\xb7\r\n1,\xd0\xde\xc2\xb7\r\n";
    static const char bom[] = "\xEF\xBB\xBF"
                              "a,b\n\n3,4\n";
    static const char bad_zip[] = "PK\x03\x04garbage that is not a zip at all";
    struct ss_sheet sh;
    struct ss_err err;

    (void)state;
    assert_int_equal(ss_sheet_read(gb, sizeof gb - 1, &sh, &err), 0);
    assert_string_equal(sh.format, "csv (GB18030)");
    assert_string_equal(ss_sheet_cell(&sh.rows[1], 1), "修路");
    ss_sheet_free(&sh);
    assert_int_equal(ss_sheet_read(bom, sizeof bom - 1, &sh, &err), 0);
    assert_string_equal(ss_sheet_cell(&sh.rows[0], 0), "a");
    assert_int_equal(sh.rows[1].row, 3); /* the blank line still counts */
    ss_sheet_free(&sh);
    assert_int_equal(ss_sheet_read(bad_zip, sizeof bad_zip - 1, &sh, &err), SS_EINVAL);
    assert_string_equal(err.field, "file");
    assert_int_equal(ss_sheet_read("\xFF\xFEh\0i\0", 6, &sh, &err), SS_EINVAL);
}

/* One long shared string referenced by every cell: the expanded text is
 * bounded, not only the zip's and the XML's sizes. */
static void test_sheet_bomb(void **state)
{
    char path[TMPDB_PATH], *big, *data = NULL;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    struct ss_sheet sh;
    struct ss_err err;
    size_t len = 0;
    int r, c;

    (void)state;
    assert_int_equal(tmpdb_name(path, "bomb"), 0);
    big = malloc(4001);
    memset(big, 'x', 4000);
    big[4000] = '\0';
    wb = workbook_new(path);
    ws = workbook_add_worksheet(wb, NULL);
    for (r = 0; r < 1200; r++)
        for (c = 0; c < 5; c++)
            worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, big, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    free(big);
    assert_int_equal(ss_read_file(path, 1u << 26, &data, &len), 0);
    unlink(path);
    assert_true(len < 200000); /* small on disk, 24 MB expanded */
    assert_int_equal(ss_sheet_read(data, len, &sh, &err), SS_EINVAL);
    assert_string_equal(err.field, "file");
    assert_non_null(strstr(err.msg, "MiB"));
    free(data);
}

/* GB18030 whose bytes are also valid UTF-8 (为什么说专业: CE AA CA B2 C3 B4
 * CB B5 D7 A8 D2 B5) is read as GB18030: the UTF-8 reading is not Chinese. */
static void test_sheet_gb18030_ambiguous(void **state)
{
    static const char gb[] = "id,note\r\n1,\xCE\xAA\xCA\xB2\xC3\xB4\xCB\xB5\xD7\xA8\xD2\xB5\r\n";
    static const char u8[] = "id,note\r\n1,中文说明\r\n";
    struct ss_sheet sh;
    struct ss_err err;

    (void)state;
    assert_int_equal(ss_sheet_read(gb, sizeof gb - 1, &sh, &err), 0);
    assert_string_equal(sh.format, "csv (GB18030)");
    assert_string_equal(ss_sheet_cell(&sh.rows[1], 1), "为什么说专业");
    ss_sheet_free(&sh);
    assert_int_equal(ss_sheet_read(u8, sizeof u8 - 1, &sh, &err), 0);
    assert_string_equal(sh.format, "csv (UTF-8)");
    assert_string_equal(ss_sheet_cell(&sh.rows[1], 1), "中文说明");
    ss_sheet_free(&sh);
}

/* The user may say which encoding a CSV is in. */
static void test_sheet_encoding_choice(void **state)
{
    static const char gb[] = "id,note\r\n1,\xCB\xB5\r\n";
    static const char bad[] = "id,note\r\n1,\xFF\xFE\xFD\r\n";
    struct ss_sheet sh;
    struct ss_err err;
    enum ss_sheet_enc enc;

    (void)state;
    assert_int_equal(ss_sheet_read_as(gb, sizeof gb - 1, SS_SHEET_UTF8, &sh, &err), 0);
    assert_string_equal(sh.format, "csv (UTF-8)");
    assert_string_equal(ss_sheet_cell(&sh.rows[1], 1), "\xCB\xB5");
    ss_sheet_free(&sh);
    assert_int_equal(ss_sheet_read_as(gb, sizeof gb - 1, SS_SHEET_GB18030, &sh, &err), 0);
    assert_string_equal(ss_sheet_cell(&sh.rows[1], 1), "说");
    ss_sheet_free(&sh);
    assert_int_equal(ss_sheet_read_as(bad, sizeof bad - 1, SS_SHEET_UTF8, &sh, &err), SS_EINVAL);
    assert_string_equal(err.field, "encoding");
    assert_int_equal(ss_sheet_read_as("id\r\n1,\xFF\r\n", 8, SS_SHEET_GB18030, &sh, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "encoding");
    assert_int_equal(ss_sheet_enc_parse("GBK", &enc), 0);
    assert_int_equal(enc, SS_SHEET_GB18030);
    assert_int_equal(ss_sheet_enc_parse("utf-8", &enc), 0);
    assert_int_equal(enc, SS_SHEET_UTF8);
    assert_int_equal(ss_sheet_enc_parse("latin1", &enc), SS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sheet_formats),
        cmocka_unit_test(test_sheet_bomb),
        cmocka_unit_test(test_sheet_gb18030_ambiguous),
        cmocka_unit_test(test_sheet_encoding_choice),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
