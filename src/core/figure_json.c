/*
 * figure_json.c - a target and its figures as JSON members.
 *
 * Numbers that cannot be known (a share nobody assigned, a rate with no
 * denominator yet) are written as null, never as 0, so a reader can tell
 * "nothing" from "zero".
 */
#include "core/figure_json.h"

#include <math.h>

#include "base/date.h"

static void num_or_null(struct ss_json *j, const char *k, double v)
{
    ss_json_key(j, k);
    if (isnan(v))
        ss_json_null(j);
    else
        ss_json_num(j, round(v * 100) / 100);
}

void ss_figure_json_members(struct ss_json *j, const struct ss_engine *e, size_t ti,
                            const struct ss_figure *f)
{
    const struct ss_plan *p = ss_engine_plan(e);
    const struct ss_target *t = &p->targets[ti];
    char d[11];

    ss_json_kint(j, "id", t->id);
    ss_json_kint(j, "project", t->project_no);
    ss_json_kstr(j, "text", t->text);
    ss_json_kstr(j, "metric", t->metric);
    ss_json_knum(j, "value", t->value);
    ss_json_kstr(j, "unit", t->unit);
    ss_json_kstr(j, "op", ss_op_str(t->op));
    ss_json_kstr(j, "kind", ss_kind_str(t->kind));
    if (t->parent_index >= 0)
        ss_json_kint(j, "parent", p->targets[t->parent_index].id);
    else
        ss_json_knull(j, "parent");
    ss_json_kstr(j, "dept", t->dept);
    num_or_null(j, "org_value", f->value);
    num_or_null(j, "actual", f->actual);
    num_or_null(j, "expected", f->expected);
    num_or_null(j, "expected_value", f->expected_value);
    num_or_null(j, "progress", f->progress);
    num_or_null(j, "time", f->time);
    num_or_null(j, "projection", f->projection);
    ss_json_kstr(j, "status", ss_status_str(f->status));
    ss_json_kstr(j, "status_label", ss_status_label(f->status));
    ss_date_fmt(f->as_of, d);
    ss_json_kstr(j, "as_of", d);
    if (f->last_report != SS_NO_DATE) {
        ss_date_fmt(f->last_report, d);
        ss_json_kstr(j, "last_report", d);
    } else {
        ss_json_knull(j, "last_report");
    }
    ss_json_kint(j, "reporters", f->reporters);
    /* coverage: of the units holding a share below, how many reported */
    ss_json_key(j, "coverage");
    if (f->expected_reporters) {
        ss_json_obj(j);
        ss_json_kint(j, "reported", f->reporters);
        ss_json_kint(j, "expected", f->expected_reporters);
        ss_json_obj_end(j);
    } else {
        ss_json_null(j);
    }
    ss_json_kbool(j, "own", f->own);
    /* the children's sum beside a unit's own report, as a check */
    ss_json_key(j, "children");
    if (f->own && f->children_reporters) {
        ss_json_obj(j);
        num_or_null(j, "actual", f->children);
        ss_json_kint(j, "reporters", f->children_reporters);
        ss_json_kbool(j, "differs", f->differs);
        ss_json_obj_end(j);
    } else {
        ss_json_null(j);
    }
}
