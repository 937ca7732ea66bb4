/*
 * plan_json.c - reading a plan from JSON (jansson) and writing it back.
 *
 * Everything is validated before anything is returned, so a caller that
 * stores the result never stores half a plan.
 */
#include "core/plan_json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/plan_change.h"

enum ss_kind ss_kind_guess(const char *unit, const char *text)
{
    static const char *const change_words[] = {"较上年", "比上年", "同比", "增加", "增长",
                                               "新增",   "提高",   "下降", "减少", "提升"};
    size_t i, ul = unit ? strlen(unit) : 0;

    if (unit && strcmp(unit, "%") == 0) {
        for (i = 0; text && i < SS_ARRAY_LEN(change_words); i++)
            if (strstr(text, change_words[i]))
                return SS_KIND_CHANGE;
        return SS_KIND_RATE;
    }
    if (ul >= 3 && strcmp(unit + ul - 3, "元") == 0)
        return SS_KIND_AMOUNT;
    return SS_KIND_COUNT;
}

/* A number as the writer keeps it (ss_json_num: six decimals), so that a
 * plan read is the plan written back: a threshold of 0.0000001 reads as
 * 0 and is refused now, rather than stored and written as a 0 that no
 * longer reads (found by fuzzing the round trip). */
static double as_written(double v)
{
    struct ss_buf b;
    double r;

    ss_buf_init(&b, 64);
    ss_buf_num(&b, v, 6);
    r = b.data ? strtod(b.data, NULL) : v;
    ss_buf_cleanup(&b);
    return r;
}

/* Copy a string field; absent is fine unless required. */
static int get_str(json_t *obj, const char *key, int required, size_t max, char **out,
                   const char *path, struct ss_err *err)
{
    json_t *v = json_object_get(obj, key);
    const char *s;

    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return ss_err_set(err, SS_EINVAL, path, "'%s' is missing", key);
        return SS_OK;
    }
    if (!json_is_string(v))
        return ss_err_set(err, SS_EINVAL, path, "'%s' must be a string", key);
    s = json_string_value(v);
    if (strlen(s) > max || !ss_utf8_valid(s, strlen(s)))
        return ss_err_set(err, SS_EINVAL, path, "'%s' is longer than %zu bytes or not UTF-8", key,
                          max);
    if (required && !*s)
        return ss_err_set(err, SS_EINVAL, path, "'%s' is empty", key);
    *out = ss_xstrdup(s);
    return SS_OK;
}

static int get_date(json_t *obj, const char *key, int32_t *out, const char *path,
                    struct ss_err *err)
{
    json_t *v = json_object_get(obj, key);

    *out = SS_NO_DATE;
    if (!v || json_is_null(v))
        return SS_OK;
    if (!json_is_string(v))
        return ss_err_set(err, SS_EINVAL, path, "'%s' must be a date YYYY-MM-DD", key);
    if (ss_date_read(path, json_string_value(v), out, err)) {
        struct ss_err inner;
        if (!err)
            return SS_EINVAL;
        inner = *err;
        return ss_err_set(err, SS_EINVAL, path, "'%s': %s", key, ss_err_nest(&inner));
    }
    return SS_OK;
}

static int parse_target(json_t *jt, struct ss_target *t, size_t first, size_t count,
                        const char *path, struct ss_err *err)
{
    json_t *v;
    char *s = NULL;
    int rc;

    t->parent_index = -1;
    if (!json_is_object(jt))
        return ss_err_set(err, SS_EINVAL, path, "a target must be an object");
    if ((rc = get_str(jt, "text", 1, SS_MAX_TARGET_TEXT, &t->text, path, err)) ||
        (rc = get_str(jt, "metric", 0, SS_MAX_NAME, &t->metric, path, err)) ||
        (rc = get_str(jt, "unit", 0, SS_MAX_UNIT, &t->unit, path, err)) ||
        (rc = get_str(jt, "dept", 0, SS_MAX_NAME, &t->dept, path, err)))
        return rc;
    if (!t->metric) { /* the text stands in, cut to what a metric may hold (at
                          a character), so the plan written back reads again */
        size_t n = 0, k;
        while (t->text[n] &&
               (k = ss_utf8_seq((const unsigned char *)t->text + n, strlen(t->text + n))) &&
               n + k <= SS_MAX_NAME)
            n += k;
        t->metric = ss_xstrndup(t->text, n);
    }
    if (!t->unit)
        t->unit = ss_xstrdup("");
    v = json_object_get(jt, "value");
    if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0)
        return ss_err_set(err, SS_EINVAL, path, "'value' must be a number >= 0");
    t->value = as_written(json_number_value(v));
    v = json_object_get(jt, "op");
    if (!v)
        t->op = SS_OP_EQ;
    else if (!json_is_string(v) || ss_op_parse(json_string_value(v), &t->op))
        return ss_err_set(err, SS_EINVAL, path, "'op' must be one of >=, <=, =");
    if ((rc = get_str(jt, "kind", 0, 16, &s, path, err)))
        return rc;
    if (!s) {
        t->kind = ss_kind_guess(t->unit, t->text);
    } else if (ss_kind_parse(s, &t->kind)) {
        free(s);
        return ss_err_set(err, SS_EINVAL, path,
                          "'kind' must be count, amount, rate, change or milestone");
    }
    free(s);
    v = json_object_get(jt, "parent");
    if (v && !json_is_null(v)) {
        json_int_t pi = json_is_integer(v) ? json_integer_value(v) : -1;
        if (pi < 0 || (size_t)pi >= count)
            return ss_err_set(err, SS_EINVAL, path,
                              "'parent' must be the index of an earlier target of the project");
        t->parent_index = (long)(first + (size_t)pi);
    }
    v = json_object_get(jt, "profile");
    if (v && !json_is_null(v)) {
        struct ss_schedule_err se;
        size_t m;
        if (!json_is_array(v) || json_array_size(v) != 12)
            return ss_err_set(err, SS_EINVAL, path,
                              "'profile' must list 12 monthly shares (cumulative, 0 to 1)");
        for (m = 0; m < 12; m++) {
            json_t *x = json_array_get(v, m);
            if (!json_is_number(x))
                return ss_err_set(err, SS_EINVAL, path, "'profile' month %zu is not a number",
                                  m + 1);
            t->profile[m] = as_written(json_number_value(x));
        }
        /* the same rule as --schedule, which speaks percent: say it in shares */
        if (ss_schedule_check(t->profile, &se))
            return ss_err_set(err, SS_EINVAL, path,
                              "'profile' month %d (%s) is %g: a schedule is twelve cumulative "
                              "shares from 0 to 1 that never go down and end at 1",
                              se.month, ss_month_name(se.month), t->profile[se.month - 1]);
        t->has_profile = 1;
    }
    return SS_OK;
}

/* The shape every plan JSON has: an object with a "plan" object and a
 * "projects" list. Anything else is named for what it is. */
static int check_shape(json_t *root, struct ss_err *err)
{
    static const char WANT[] = "a plan is {\"plan\": {...}, \"projects\": [...]} as `shishi "
                               "extract` prints it (docs/plan-schema.md)";
    json_t *jp = json_object_get(root, "plan"), *projects = json_object_get(root, "projects");
    struct ss_buf keys;
    const char *k;
    json_t *v;
    int rc, n = 0;

    if (!json_is_object(root))
        return ss_err_set(err, SS_EINVAL, "json", "the JSON is %s, not an object: %s",
                          json_is_array(root) ? "a list" : "a single value", WANT);
    if (jp && !json_is_object(jp))
        return ss_err_set(err, SS_EINVAL, "plan", "'plan' must be an object: %s", WANT);
    if (projects && !json_is_array(projects))
        return ss_err_set(err, SS_EINVAL, "projects", "'projects' must be a list: %s", WANT);
    if (jp && projects)
        return SS_OK;
    ss_buf_init(&keys, 256);
    json_object_foreach(root, k, v)
    {
        (void)v;
        if (n++ < 8)
            ss_buf_printf(&keys, "%s\"%.40s\"", n > 1 ? ", " : "", k);
    }
    if (n > 8)
        ss_buf_puts(&keys, ", ...");
    rc = ss_err_set(err, SS_EINVAL, "json", "this JSON is not a plan: it has no %s (%s %s); %s",
                    !jp && !projects ? "\"plan\" object and no \"projects\" list"
                    : !jp            ? "\"plan\" object"
                                     : "\"projects\" list",
                    n ? "its keys are" : "it is", n ? keys.data : "empty", WANT);
    ss_buf_cleanup(&keys);
    return rc;
}

int ss_plan_json_sniff(const char *text, size_t len)
{
    size_t i = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    json_t *v;

    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    if (i < len && text[i] == '{')
        return 1;
    if (i >= len || text[i] != '[') /* "[2026-02-09] ..." may begin a text: JSON only if it is */
        return 0;
    v = json_loadb(text + i, len - i, 0, NULL);
    json_decref(v);
    return v != NULL;
}

/* Both readers. import: the plan a person hands to `shishi import` (title
 * and year may be missing, the year then being year_default; the result is
 * a draft); else the strict form of a tracked plan. */
static int plan_parse(const char *text, size_t len, int import, int year_default, int *json_year,
                      struct ss_plan **out, struct ss_err *err)
{
    json_error_t jerr;
    json_t *root, *jp, *projects, *v;
    struct ss_plan *p = ss_xcalloc(1, sizeof *p);
    size_t i, j, total = 0;
    char path[96];
    int rc;

    *out = NULL;
    if (json_year)
        *json_year = 0;
    /* A UTF-8 byte order mark (editors on Windows write one) is not JSON. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        ss_plan_free(p);
        return ss_err_set(err, SS_EINVAL, "json", "line %d, column %d: %s", jerr.line, jerr.column,
                          jerr.text);
    }
    if ((rc = check_shape(root, err)))
        goto fail;
    jp = json_object_get(root, "plan");
    projects = json_object_get(root, "projects");
    if ((rc = get_str(jp, "title", !import, SS_MAX_NAME, &p->title, "plan", err)) ||
        (rc = get_str(jp, "issuer", 0, SS_MAX_NAME, &p->issuer, "plan", err)) ||
        (rc = get_str(jp, "top_org", 0, SS_MAX_ORG_CODE, &p->top_org, "plan", err)) ||
        (rc = get_date(jp, "published", &p->published, "plan", err)) ||
        (rc = get_date(jp, "period_start", &p->start, "plan", err)) ||
        (rc = get_date(jp, "period_end", &p->end, "plan", err)))
        goto fail;
    v = json_object_get(jp, "year");
    if (import && (!v || json_is_null(v)) && year_default) {
        p->year = year_default;
    } else if (import && (!v || json_is_null(v))) {
        rc = ss_err_set(err, SS_EINVAL, "plan.year", "the plan names no year");
        goto fail;
    } else if (!json_is_integer(v) || json_integer_value(v) < 1949 ||
               json_integer_value(v) > 2200) {
        rc = ss_err_set(err, SS_EINVAL, "plan.year", "'year' must be a year such as 2026");
        goto fail;
    } else {
        p->year = (int)json_integer_value(v);
        if (json_year)
            *json_year = p->year;
    }
    if (import && (!p->title || !*p->title)) {
        struct ss_buf b;
        free(p->title);
        ss_buf_init(&b, 64);
        ss_buf_printf(&b, "%d年民生实事", p->year);
        p->title = ss_buf_detach(&b, NULL);
    }
    if (p->issuer && !*p->issuer) {
        free(p->issuer);
        p->issuer = NULL;
    }
    if (p->top_org && !*p->top_org) {
        free(p->top_org);
        p->top_org = NULL;
    }
    if (p->start == SS_NO_DATE)
        p->start = ss_days_from_civil(p->year, 1, 1);
    if (p->end == SS_NO_DATE)
        p->end = ss_days_from_civil(p->year, 12, 31);
    if (p->end < p->start || p->end - p->start > 3 * 366) {
        rc = ss_err_set(err, SS_EINVAL, "plan.period_end",
                        "the period must end after it starts and last at most three years");
        goto fail;
    }
    v = json_object_get(jp, "yellow_pp");
    p->yellow_pp = json_is_number(v) ? as_written(json_number_value(v)) : 10;
    v = json_object_get(jp, "red_pp");
    p->red_pp = json_is_number(v) ? as_written(json_number_value(v)) : 30;
    if (!(p->yellow_pp > 0 && p->red_pp > p->yellow_pp && p->red_pp <= 100)) {
        rc = ss_err_set(err, SS_EINVAL, "plan.red_pp",
                        "thresholds must satisfy 0 < yellow_pp < red_pp <= 100");
        goto fail;
    }
    p->state = import ? SS_PLAN_DRAFT : SS_PLAN_ACTIVE;

    p->nprojects = json_array_size(projects);
    p->projects = ss_xcalloc(p->nprojects + 1, sizeof *p->projects);
    for (i = 0; i < p->nprojects; i++) {
        json_t *pr = json_array_get(projects, i), *ts;
        snprintf(path, sizeof path, "projects[%zu]", i);
        if (!json_is_object(pr)) {
            rc = ss_err_set(err, SS_EINVAL, path, "a project must be an object");
            goto fail;
        }
        v = json_object_get(pr, "no");
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 10000) {
            rc = ss_err_set(err, SS_EINVAL, path, "'no' must be a positive whole number");
            goto fail;
        }
        p->projects[i].no = (int)json_integer_value(v);
        for (j = 0; j < i; j++)
            if (p->projects[j].no == p->projects[i].no) {
                rc = ss_err_set(err, SS_EINVAL, path, "project number %d appears twice",
                                p->projects[i].no);
                goto fail;
            }
        if ((rc = get_str(pr, "title", !import, SS_MAX_TARGET_TEXT, &p->projects[i].title, path,
                          err)) ||
            (rc = get_str(pr, "lead_dept", 0, SS_MAX_NAME, &p->projects[i].lead_dept, path, err)))
            goto fail;
        if (!p->projects[i].title)
            p->projects[i].title = ss_xstrdup("");
        if (p->projects[i].lead_dept && strcmp(p->projects[i].lead_dept, "unknown") == 0) {
            free(p->projects[i].lead_dept);
            p->projects[i].lead_dept = NULL;
        }
        ts = json_object_get(pr, "targets");
        if (ts && !json_is_array(ts)) {
            rc = ss_err_set(err, SS_EINVAL, path, "'targets' must be a list");
            goto fail;
        }
        total += json_array_size(ts);
    }
    p->targets = ss_xcalloc(total + 1, sizeof *p->targets);
    for (i = 0; i < p->nprojects; i++) {
        json_t *ts = json_object_get(json_array_get(projects, i), "targets");
        size_t first = p->ntargets, n = json_array_size(ts);
        for (j = 0; j < n; j++) {
            struct ss_target *t = &p->targets[p->ntargets++];
            snprintf(path, sizeof path, "projects[%zu].targets[%zu]", i, j);
            t->project_no = p->projects[i].no;
            t->seq = (int)j;
            if ((rc = parse_target(json_array_get(ts, j), t, first, j, path, err)))
                goto fail;
        }
    }
    json_decref(root);
    *out = p;
    return SS_OK;
fail:
    json_decref(root);
    ss_plan_free(p);
    return rc;
}

int ss_plan_from_json(const char *text, size_t len, struct ss_plan **out, struct ss_err *err)
{
    return plan_parse(text, len, 0, 0, NULL, out, err);
}

int ss_plan_import_json(const char *text, size_t len, int year_default, int *json_year,
                        struct ss_plan **out, struct ss_err *err)
{
    return plan_parse(text, len, 1, year_default, json_year, out, err);
}

void ss_plan_to_json(const struct ss_plan *p, struct ss_json *j)
{
    char d[11];
    size_t i, k;

    ss_json_obj(j);
    ss_json_key(j, "plan");
    ss_json_obj(j);
    ss_json_kint(j, "id", p->id);
    ss_json_kstr(j, "title", p->title);
    ss_json_kstr(j, "issuer", p->issuer);
    ss_json_kint(j, "year", p->year);
    if (p->published != SS_NO_DATE) {
        ss_date_fmt(p->published, d);
        ss_json_kstr(j, "published", d);
    } else {
        ss_json_knull(j, "published");
    }
    ss_date_fmt(p->start, d);
    ss_json_kstr(j, "period_start", d);
    ss_date_fmt(p->end, d);
    ss_json_kstr(j, "period_end", d);
    ss_json_kstr(j, "state",
                 p->state == SS_PLAN_DRAFT      ? "draft"
                 : p->state == SS_PLAN_ARCHIVED ? "archived"
                                                : "active");
    ss_json_kstr(j, "top_org", p->top_org);
    ss_json_knum(j, "yellow_pp", p->yellow_pp);
    ss_json_knum(j, "red_pp", p->red_pp);
    ss_json_obj_end(j);
    ss_json_key(j, "projects");
    ss_json_arr(j);
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        long first = -1;
        ss_json_obj(j);
        ss_json_kint(j, "no", pr->no);
        ss_json_kstr(j, "title", pr->title);
        ss_json_kstr(j, "lead_dept", pr->lead_dept ? pr->lead_dept : "unknown");
        ss_json_key(j, "targets");
        ss_json_arr(j);
        for (k = 0; k < p->ntargets; k++) {
            const struct ss_target *t = &p->targets[k];
            if (t->project_no != pr->no)
                continue;
            if (first < 0)
                first = (long)k;
            ss_json_obj(j);
            ss_json_kint(j, "id", t->id);
            ss_json_kstr(j, "text", t->text);
            ss_json_kstr(j, "metric", t->metric);
            ss_json_knum(j, "value", t->value);
            ss_json_kstr(j, "unit", t->unit);
            ss_json_kstr(j, "op", ss_op_str(t->op));
            ss_json_kstr(j, "kind", ss_kind_str(t->kind));
            if (t->parent_index >= 0)
                ss_json_kint(j, "parent", t->parent_index - first);
            ss_json_kstr(j, "dept", t->dept);
            if (t->has_profile) {
                int m;
                ss_json_key(j, "profile");
                ss_json_arr(j);
                for (m = 0; m < 12; m++)
                    ss_json_num(j, t->profile[m]);
                ss_json_arr_end(j);
            }
            ss_json_obj_end(j);
        }
        ss_json_arr_end(j);
        ss_json_obj_end(j);
    }
    ss_json_arr_end(j);
    ss_json_obj_end(j);
}
