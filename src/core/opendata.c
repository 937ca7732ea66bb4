/*
 * opendata.c - plan.csv, figures.csv, bulletins.csv and the dictionary,
 * zipped with the published bulletins (opendata.h).
 *
 * Each file is a list of columns (struct od_col): the name in the heading
 * row, the kind the table writer needs, the type and the two descriptions
 * the dictionary prints. A file's rows are written in the list's order by
 * its own function; the dictionary walks the same lists.
 */
#include "core/opendata.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "base/date.h"
#include "base/limits.h"
#include "base/table.h"
#include "base/util.h"
#include "store/store_bulletin.h"

struct od_col {
    const char *name;
    enum ss_tkind kind;
    const char *type; /* text, integer, number, date, month */
    const char *zh, *en;
};

static const struct od_col PLAN_COLS[] = {
    {"project_no", SS_TK_INT, "integer", "项目序号", "Project number (1, 2, …)"},
    {"project", SS_TK_TEXT, "text", "项目名称", "Project title"},
    {"lead_department", SS_TK_TEXT, "text", "牵头单位",
     "The project's lead department (unknown when the announcement names none)"},
    {"target_id", SS_TK_INT, "integer", "指标编号",
     "Target id, as in /api/v1/targets/{id} and figures.csv"},
    {"metric", SS_TK_TEXT, "text", "指标名称", "What the target counts"},
    {"text", SS_TK_TEXT, "text", "公告原文", "The announcement's clause, verbatim"},
    {"value", SS_TK_REAL, "number", "计划数", "The planned value for the whole plan"},
    {"unit", SS_TK_TEXT, "text", "计量单位", "The value's unit"},
    {"comparator", SS_TK_TEXT, "text", "比较方式（ge 不少于，le 不超过，eq 等于）",
     "ge: met at or above the value (the API's op >=), le: met while at or below it (<=), "
     "eq: met at it (=); words, as a spreadsheet reads a leading = as a formula"},
    {"kind", SS_TK_TEXT, "text", "指标类型",
     "count or amount (adds up), rate (divides sums), change (against a baseline), "
     "milestone"},
    {"department", SS_TK_TEXT, "text", "责任单位",
     "The target's responsible department (empty: the project's lead department)"},
    {"parent_target_id", SS_TK_INT, "integer", "所属总指标编号",
     "The target this one is a part of (empty: none)"},
};

static const struct od_col FIGURE_COLS[] = {
    {"org_code", SS_TK_TEXT, "text", "区划代码", "The place's code (GB/T 2260)"},
    {"org_name", SS_TK_TEXT, "text", "地区名称", "The place's name"},
    {"parent_code", SS_TK_TEXT, "text", "上级区划代码",
     "The code of the place it belongs to (empty: the plan's top)"},
    {"target_id", SS_TK_INT, "integer", "指标编号", "The target, as in plan.csv"},
    {"month", SS_TK_TEXT, "month", "月份", "The month, YYYY-MM"},
    {"as_of", SS_TK_TEXT, "date", "数据截至",
     "The day the figures are for: the month's last day, or the export's day"},
    {"status", SS_TK_TEXT, "text", "状态",
     "done, on_track, lagging, seriously_lagging, not_reported, unassigned or no_task"},
    {"org_value", SS_TK_REAL, "number", "本地区计划数",
     "The planned value at the place: its share, or the sum of the shares below it"},
    {"actual", SS_TK_REAL, "number", "完成数",
     "Reached: the cumulative value, or the level of a rate or change"},
    {"expected_value", SS_TK_REAL, "number", "应完成数",
     "What is due by the day at the target's schedule (empty for levels)"},
    {"expected", SS_TK_REAL, "number", "应完成进度（%）",
     "The share of the value due by the day, in % (empty for levels)"},
    {"progress", SS_TK_REAL, "number", "完成进度（%）", "actual / value, in % (empty for levels)"},
    {"projection", SS_TK_REAL, "number", "年底预计",
     "The year-end value at the last 30 days' pace (empty: none)"},
    {"reporters", SS_TK_INT, "integer", "已填报单位数", "Units whose reports make actual"},
    {"expected_reporters", SS_TK_INT, "integer", "应填报单位数",
     "Units below holding a share of the target"},
    {"last_report", SS_TK_TEXT, "date", "最近填报日期", "The latest approved report's day"},
};

static const struct od_col BULLETIN_COLS[] = {
    {"id", SS_TK_INT, "integer", "通报编号", "The bulletin's id, as in /bulletins/{id}.pdf"},
    {"period", SS_TK_TEXT, "month", "通报月份", "The month it reports, YYYY-MM"},
    {"org_code", SS_TK_TEXT, "text", "区划代码", "The place it is of"},
    {"lang", SS_TK_TEXT, "text", "语言", "zh, en or ug"},
    {"version", SS_TK_INT, "integer", "版本", "1, 2, … for the same month, place and language"},
    {"audit_head", SS_TK_TEXT, "text", "审计链头",
     "The audit chain's head printed on its cover (ENTRY:HASH): shishi audit verify "
     "--anchor checks it"},
    {"pages", SS_TK_INT, "integer", "页数", "The PDF's pages"},
    {"pdf", SS_TK_TEXT, "text", "PDF 文件", "The PDF's name in this zip"},
    {"pdf_sha256", SS_TK_TEXT, "text", "PDF 的 SHA-256", "The PDF's SHA-256, as published"},
    {"xlsx", SS_TK_TEXT, "text", "XLSX 文件", "The workbook's name in this zip"},
    {"xlsx_sha256", SS_TK_TEXT, "text", "XLSX 的 SHA-256", "The workbook's SHA-256, as published"},
    {"published_at", SS_TK_TEXT, "date", "发布时间", "When it was published (UTC)"},
};

static const struct od_col DICT_COLS[] = {
    {"file", SS_TK_TEXT, "text", "文件", "The file in this zip"},
    {"column", SS_TK_TEXT, "text", "列名", "The column's name in the file's first row"},
    {"type", SS_TK_TEXT, "text", "类型", "text, integer, number, date (YYYY-MM-DD) or month"},
    {"description_zh", SS_TK_TEXT, "text", "说明（中文）", "What the column holds, in Chinese"},
    {"description_en", SS_TK_TEXT, "text", "说明（英文）", "What the column holds, in English"},
};

struct od_file {
    const char *name;
    const struct od_col *cols;
    size_t ncols;
};

static const struct od_file FILES[] = {
    {"plan.csv", PLAN_COLS, SS_ARRAY_LEN(PLAN_COLS)},
    {"figures.csv", FIGURE_COLS, SS_ARRAY_LEN(FIGURE_COLS)},
    {"bulletins.csv", BULLETIN_COLS, SS_ARRAY_LEN(BULLETIN_COLS)},
    {"dictionary.csv", DICT_COLS, SS_ARRAY_LEN(DICT_COLS)},
};

static void cols(struct ss_table *t, const struct od_col *c, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        ss_table_col(t, c[i].name, c[i].kind, 0, 1);
}

static void day_cell(struct ss_table *t, int32_t day)
{
    char d[11];

    if (day == SS_NO_DATE) {
        ss_table_text(t, NULL);
        return;
    }
    ss_date_fmt(day, d);
    ss_table_text(t, d);
}

void ss_opendata_plan_csv(const struct ss_engine *e, struct ss_buf *b)
{
    const struct ss_plan *p = ss_engine_plan(e);
    struct ss_table t;
    size_t i, k;

    ss_table_init(&t, "plan");
    cols(&t, PLAN_COLS, SS_ARRAY_LEN(PLAN_COLS));
    for (i = 0; i < p->ntargets; i++) {
        const struct ss_target *g = &p->targets[i];
        const struct ss_project *pr = NULL;
        for (k = 0; k < p->nprojects; k++)
            if (p->projects[k].id == g->project_id)
                pr = &p->projects[k];
        ss_table_num(&t, g->project_no);
        ss_table_text(&t, pr ? pr->title : NULL);
        ss_table_text(&t, pr ? pr->lead_dept : NULL);
        ss_table_num(&t, (double)g->id);
        ss_table_text(&t, g->metric);
        ss_table_text(&t, g->text);
        ss_table_num(&t, g->value);
        ss_table_text(&t, g->unit);
        ss_table_text(&t, g->op == SS_OP_GE ? "ge" : g->op == SS_OP_LE ? "le" : "eq");
        ss_table_text(&t, ss_kind_str(g->kind));
        ss_table_text(&t, g->dept);
        ss_table_num(&t, g->parent_id ? (double)g->parent_id : NAN);
    }
    ss_table_csv(b, &t);
    ss_table_cleanup(&t);
}

size_t ss_plan_month_ends(const struct ss_plan *p, int32_t day, int32_t *out, size_t cap)
{
    size_t n = 0;
    int y, m, d;
    int32_t t;

    if (p->start == SS_NO_DATE || cap < 2)
        return 0;
    ss_civil_from_days(p->start, &y, &m, &d);
    for (;;) {
        t = ss_days_from_civil(y, m, ss_days_in_month(y, m));
        if (t > day || n + 1 >= cap)
            break;
        if (t >= p->start)
            out[n++] = t;
        if (++m > 12)
            m = 1, y++;
    }
    if (n == 0 || out[n - 1] != day)
        out[n++] = day;
    return n;
}

void ss_opendata_figures_csv(const struct ss_engine *e, int32_t day, struct ss_buf *b)
{
    const struct ss_plan *p = ss_engine_plan(e);
    long top = ss_engine_top_org(e), o;
    long norgs = (long)ss_engine_org_count(e);
    int32_t days[40];
    size_t nd = ss_plan_month_ends(p, day, days, SS_ARRAY_LEN(days)), i, ti;
    struct ss_table t;
    char month[11];

    ss_table_init(&t, "figures");
    cols(&t, FIGURE_COLS, SS_ARRAY_LEN(FIGURE_COLS));
    for (o = 0; o < norgs; o++) {
        const struct ss_org *g = ss_engine_org(e, o);
        long parent = ss_engine_org_parent(e, o);
        if (top < 0 || !ss_engine_org_within(e, o, top))
            continue;
        for (ti = 0; ti < p->ntargets; ti++)
            for (i = 0; i < nd; i++) {
                struct ss_figure f;
                ss_engine_figure(e, ti, o, days[i], &f);
                if (f.status == SS_ST_NO_TASK && !f.reporters)
                    continue; /* nothing to say of this place */
                ss_table_text(&t, g->code);
                ss_table_text(&t, g->name);
                ss_table_text(&t, o != top && parent >= 0 ? ss_engine_org(e, parent)->code : NULL);
                ss_table_num(&t, (double)p->targets[ti].id);
                ss_date_fmt(days[i], month);
                month[7] = '\0';
                ss_table_text(&t, month);
                day_cell(&t, days[i]);
                ss_table_text(&t, ss_status_str(f.status));
                ss_table_num(&t, f.value);
                ss_table_num(&t, f.actual);
                ss_table_num(&t, f.expected_value);
                ss_table_num(&t, f.expected);
                ss_table_num(&t, f.progress);
                ss_table_num(&t, f.projection);
                ss_table_num(&t, f.reporters);
                ss_table_num(&t, f.expected_reporters);
                day_cell(&t, f.last_report);
            }
    }
    ss_table_csv(b, &t);
    ss_table_cleanup(&t);
}

static void dictionary_csv(struct ss_buf *b)
{
    struct ss_table t;
    size_t i, k;

    ss_table_init(&t, "dictionary");
    cols(&t, DICT_COLS, SS_ARRAY_LEN(DICT_COLS));
    for (i = 0; i < SS_ARRAY_LEN(FILES); i++)
        for (k = 0; k < FILES[i].ncols; k++) {
            const struct od_col *c = &FILES[i].cols[k];
            ss_table_text(&t, FILES[i].name);
            ss_table_text(&t, c->name);
            ss_table_text(&t, c->type);
            ss_table_text(&t, c->zh);
            ss_table_text(&t, c->en);
        }
    ss_table_text(&t, "bulletins/*.pdf, bulletins/*.xlsx");
    ss_table_text(&t, NULL);
    ss_table_text(&t, NULL);
    ss_table_text(&t, "已发布的月度进展通报原件（发布后不再改变），见 bulletins.csv");
    ss_table_text(&t, "The published monthly bulletins as published (never changed since), "
                      "listed in bulletins.csv");
    ss_table_csv(b, &t);
    ss_table_cleanup(&t);
}

/* ---- the zip ------------------------------------------------------------------------- */

#define MAX_PARTS 512

struct parts {
    char *name[MAX_PARTS];
    char *data[MAX_PARTS];
    size_t len[MAX_PARTS];
    size_t n;
};

static void part(struct parts *p, const char *name, char *data, size_t len)
{
    if (p->n >= MAX_PARTS) {
        free(data);
        return;
    }
    p->name[p->n] = ss_xstrdup(name);
    p->data[p->n] = data;
    p->len[p->n++] = len;
}

static void part_buf(struct parts *p, const char *name, struct ss_buf *b)
{
    size_t len;
    char *data = ss_buf_detach(b, &len);

    part(p, name, data, len);
}

static void bulletin_file(char *out, size_t cap, const struct ss_bulletin_rec *r, const char *ext)
{
    snprintf(out, cap, "bulletins/%s-%s-%s-v%lld.%s", r->period, r->org_code, r->lang,
             (long long)r->version, ext);
}

/* bulletins.csv and the files. */
static int bulletins(struct ss_store *st, struct parts *p, struct ss_err *err)
{
    struct ss_bulletin_rec *list = NULL, rec;
    struct ss_table t;
    struct ss_buf b;
    size_t n = 0, i;
    char name[128];
    int rc, x;

    if ((rc = ss_store_bulletin_list(st, &list, &n, err)))
        return rc;
    ss_table_init(&t, "bulletins");
    cols(&t, BULLETIN_COLS, SS_ARRAY_LEN(BULLETIN_COLS));
    for (i = 0; i < n && !rc; i++) {
        const struct ss_bulletin_rec *r = &list[n - 1 - i]; /* oldest first */
        ss_table_num(&t, (double)r->id);
        ss_table_text(&t, r->period);
        ss_table_text(&t, r->org_code);
        ss_table_text(&t, r->lang);
        ss_table_num(&t, (double)r->version);
        ss_table_text(&t, r->head);
        ss_table_num(&t, (double)r->pages);
        bulletin_file(name, sizeof name, r, "pdf");
        ss_table_text(&t, name);
        ss_table_text(&t, r->pdf_sha256);
        bulletin_file(name, sizeof name, r, "xlsx");
        ss_table_text(&t, name);
        ss_table_text(&t, r->xlsx_sha256);
        ss_table_text(&t, r->published_at);
        for (x = 0; x < 2 && !rc; x++) {
            char *data = NULL;
            size_t len = 0;
            if ((rc = ss_store_bulletin_get(st, r->id, x, &rec, &data, &len, err)))
                break;
            bulletin_file(name, sizeof name, r, x ? "xlsx" : "pdf");
            part(p, name, data, len);
        }
    }
    free(list);
    if (!rc) {
        ss_buf_init(&b, SS_MAX_OUTPUT);
        ss_table_csv(&b, &t);
        part_buf(p, "bulletins.csv", &b);
        ss_buf_cleanup(&b);
    }
    ss_table_cleanup(&t);
    return rc;
}

/* The parts as a zip in memory, every entry dated day. */
static int zip_parts(const struct parts *p, int32_t day, char **out, size_t *len,
                     struct ss_err *err)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;
    zip_stat_t zs;
    size_t i;
    time_t when = (time_t)day * 86400 + 12 * 3600; /* noon: the same day in any zone */

    zip_error_init(&ze);
    if (!(src = zip_source_buffer_create(NULL, 0, 0, &ze)))
        goto fail;
    if (!(za = zip_open_from_source(src, ZIP_TRUNCATE, &ze))) {
        zip_source_free(src);
        goto fail;
    }
    zip_source_keep(src);
    for (i = 0; i < p->n; i++) {
        zip_source_t *s = zip_source_buffer(za, p->data[i], p->len[i], 0);
        zip_int64_t idx = s ? zip_file_add(za, p->name[i], s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (s)
                zip_source_free(s);
            zip_discard(za);
            zip_source_free(src);
            return ss_err_set(err, SS_EIO, "zip", "cannot add '%s' to the zip", p->name[i]);
        }
        zip_file_set_mtime(za, (zip_uint64_t)idx, when, 0);
    }
    if (zip_close(za) < 0) {
        zip_discard(za);
        zip_source_free(src);
        return ss_err_set(err, SS_EIO, "zip", "cannot write the zip");
    }
    if (zip_source_stat(src, &zs) < 0 || zs.size > SS_MAX_OUTPUT || zip_source_open(src) < 0) {
        zip_source_free(src);
        return ss_err_set(err, SS_EIO, "zip", "cannot read the zip back");
    }
    *out = ss_xmalloc(zs.size ? zs.size : 1);
    *len = (size_t)zs.size;
    if (zip_source_read(src, *out, zs.size) != (zip_int64_t)zs.size) {
        zip_source_close(src);
        zip_source_free(src);
        free(*out);
        *out = NULL;
        return ss_err_set(err, SS_EIO, "zip", "cannot read the zip back");
    }
    zip_source_close(src);
    zip_source_free(src);
    return SS_OK;
fail:
    zip_error_fini(&ze);
    return ss_err_set(err, SS_EIO, "zip", "cannot start the zip");
}

int ss_opendata_zip(struct ss_store *st, const struct ss_engine *e, int32_t day, char **out,
                    size_t *len, struct ss_err *err)
{
    struct parts *p = ss_xcalloc(1, sizeof *p);
    struct ss_buf b;
    size_t i;
    int rc = SS_OK;

    *out = NULL;
    *len = 0;
    ss_buf_init(&b, SS_MAX_OUTPUT);
    ss_opendata_plan_csv(e, &b);
    part_buf(p, "plan.csv", &b);
    ss_opendata_figures_csv(e, day, &b);
    if (b.err)
        rc = ss_err_set(err, SS_EINVAL, "figures.csv", "the figures exceed the output's limit");
    part_buf(p, "figures.csv", &b);
    if (!rc)
        rc = bulletins(st, p, err);
    dictionary_csv(&b);
    part_buf(p, "dictionary.csv", &b);
    ss_buf_cleanup(&b);
    if (!rc)
        rc = zip_parts(p, day, out, len, err);
    for (i = 0; i < p->n; i++) {
        free(p->name[i]);
        free(p->data[i]);
    }
    free(p);
    return rc;
}
