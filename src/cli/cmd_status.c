/*
 * cmd_status.c - `shishi status`: every target's progress against time,
 * as a table a supervisor reads, or as JSON for scripts.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/term.h"
#include "core/engine.h"
#include "core/figure_json.h"
#include "store/store.h"

static const char USAGE[] =
    "usage: shishi status [--db FILE] [--date YYYY-MM-DD] [--org CODE] [--project N] [--json]\n\n"
    "Progress of every target of the current plan as seen at an org unit (default:\n"
    "the plan's issuing unit) as of a date within the plan period (default: today,\n"
    "or the period's first or last day when today lies outside it): % done against % of\n"
    "time due, status and the year-end projection at the recent pace.\n"
    "Status: done, on_track, lagging (yellow: more than the plan's yellow threshold\n"
    "behind time), seriously_lagging (red), not_reported (red), unassigned (reported\n"
    "here, but this unit has no planned share), no_task (no share here and nothing\n"
    "reported). A unit's own report is its whole figure; its children's sum is shown\n"
    "beside it when they report too. Rates and changes are levels: shown against\n"
    "their target, met or not at the plan's end, never as a share of it.\n";

static const char *const COLOUR[] = {"\033[32m", "\033[33m", "\033[31m", "\033[90m"};

static void fmt_num(struct ss_buf *b, double v)
{
    if (isnan(v))
        ss_buf_puts(b, "-");
    else
        ss_buf_num(b, v, fabs(v) < 100 ? 1 : 0);
}

static void bar(struct ss_buf *b, double progress, double expected)
{
    const int W = 20;
    int fill = isnan(progress) ? 0 : (int)lround(fmin(progress, 100) / 100 * W);
    int mark = isnan(expected) ? 0 : (int)lround(fmin(expected, 100) / 100 * W);
    int i;

    ss_buf_putc(b, '[');
    for (i = 0; i < W; i++)
        ss_buf_puts(b, i < fill ? "#" : (i == mark - 1 && mark > fill) ? "|" : ".");
    ss_buf_putc(b, ']');
}

static void table_row(struct ss_buf *b, const struct ss_engine *e, size_t ti,
                      const struct ss_figure *f, int colour)
{
    const struct ss_target *t = &ss_engine_plan(e)->targets[ti];
    struct ss_buf cell;
    char id[24];

    ss_buf_init(&cell, 256);
    snprintf(id, sizeof id, "%lld", (long long)t->id);
    ss_buf_puts(b, "  ");
    term_cell(b, id, 4, 1);
    ss_buf_putc(b, ' ');
    term_cell(b, t->metric, 26, 0);
    ss_buf_putc(b, ' ');
    if (isnan(f->expected) && t->kind == SS_KIND_RATE) /* a level on the 0-100% scale */
        bar(b, f->reporters ? f->actual : NAN, isnan(f->value) ? NAN : f->value);
    else
        bar(b, f->progress, f->expected);
    ss_buf_putc(b, ' ');
    fmt_num(&cell, f->progress);
    if (!isnan(f->progress))
        ss_buf_putc(&cell, '%');
    term_cell(b, cell.data ? cell.data : "", 6, 1);
    ss_buf_reset(&cell);
    fmt_num(&cell, f->expected);
    if (!isnan(f->expected))
        ss_buf_putc(&cell, '%');
    term_cell(b, cell.data, 6, 1);
    ss_buf_puts(b, "  ");
    if (colour)
        ss_buf_puts(b, COLOUR[ss_status_colour(f->status)]);
    term_cell(b, ss_status_label(f->status), 8, 0);
    if (colour)
        ss_buf_puts(b, "\033[0m");
    ss_buf_putc(b, ' ');
    ss_buf_reset(&cell);
    fmt_num(&cell, f->reporters ? f->actual : NAN);
    ss_buf_putc(&cell, '/');
    fmt_num(&cell, f->value); /* no task here: no plan either */
    ss_buf_puts(&cell, t->unit);
    if (f->differs) { /* the unit's own figure, and its children's beside it */
        ss_buf_puts(&cell, " (");
        fmt_num(&cell, f->children);
        ss_buf_puts(&cell, "↓)");
    }
    term_cell(b, cell.data, 22, 0);
    ss_buf_putc(b, ' ');
    ss_buf_reset(&cell);
    fmt_num(&cell, f->projection);
    term_cell(b, cell.data, 10, 1);
    ss_buf_putc(b, '\n');
    ss_buf_cleanup(&cell);
}

int cmd_status(int argc, char **argv)
{
    const char *db = NULL, *date = NULL, *org = NULL, *project = NULL;
    int json = 0, npos, rc;
    const char *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},     {"date", 1, &date, NULL},
                             {"org", 1, &org, NULL},   {"project", 1, &project, NULL},
                             {"json", 0, NULL, &json}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    const struct ss_plan *p;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;
    int32_t day;
    long oi, project_no = 0;
    size_t i, k;
    int counts[SS_ST_COUNT] = {0};
    char d[11];

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("status", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    ss_buf_init(&b, SS_MAX_OUTPUT);
    if (date && ss_date_read("--date", date, &day, &err))
        return cli_fail("status", &err);
    if (project && (ss_parse_long(project, &project_no) || project_no < 1)) {
        ss_err_set(&err, SS_EINVAL, "--project", "'%s' is not a project number", project);
        return cli_fail("status", &err);
    }
    if (ss_store_open(cli_db_path(db), 0, &st, &err) || ss_engine_open(st, 0, &e, &err)) {
        rc = cli_fail("status", &err);
        goto out;
    }
    p = ss_engine_plan(e);
    /* As the API: a date asked for lies in the plan period; today is
     * clamped to it. */
    if (date && ss_date_within("--date", day, p->start, p->end, &err)) {
        rc = cli_fail("status", &err);
        goto out;
    }
    if (!date) {
        day = ss_date_today();
        day = day < p->start ? p->start : day > p->end ? p->end : day;
    }
    oi = org ? ss_engine_org_find(e, org) : ss_engine_top_org(e);
    if (oi < 0) {
        ss_err_set(&err, SS_ENOTFOUND, "--org", "no org unit with code '%s'",
                   org ? org : (p->top_org ? p->top_org : "(plan has none)"));
        rc = cli_fail("status", &err);
        goto out;
    }
    if (project_no) {
        for (i = 0; i < p->nprojects && p->projects[i].no != project_no; i++)
            ;
        if (i == p->nprojects) {
            ss_err_set(&err, SS_ENOTFOUND, "--project", "the plan has no project %ld", project_no);
            rc = cli_fail("status", &err);
            goto out;
        }
    }
    ss_date_fmt(day, d);
    if (json) {
        const struct ss_org *o = ss_engine_org(e, oi);
        ss_json_init(&j, &b, 1);
        ss_json_obj(&j);
        ss_json_key(&j, "plan");
        ss_json_obj(&j);
        ss_json_kint(&j, "id", p->id);
        ss_json_kstr(&j, "title", p->title);
        ss_json_kstr(&j, "issuer", p->issuer);
        ss_json_kint(&j, "year", p->year);
        ss_json_obj_end(&j);
        ss_json_key(&j, "org");
        ss_json_obj(&j);
        ss_json_kstr(&j, "code", o->code);
        ss_json_kstr(&j, "name", o->name);
        ss_json_kint(&j, "level", o->level);
        ss_json_obj_end(&j);
        ss_json_kstr(&j, "as_of", d);
        ss_json_key(&j, "projects");
        ss_json_arr(&j);
    } else {
        const struct ss_org *o = ss_engine_org(e, oi);
        ss_buf_printf(&b, "%s · %s · 截至 %s\n", p->title, o->name, d);
        ss_buf_printf(&b, "  %4s %-26s %-22s %6s %6s  %-8s %-22s %10s\n", "ID", "指标 metric",
                      "progress 完成进度", "done", "due", "status", "actual/plan", "projected");
    }
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        if (project_no && pr->no != project_no)
            continue;
        if (json) {
            ss_json_obj(&j);
            ss_json_kint(&j, "no", pr->no);
            ss_json_kstr(&j, "title", pr->title);
            ss_json_kstr(&j, "lead_dept", pr->lead_dept);
            ss_json_key(&j, "targets");
            ss_json_arr(&j);
        } else {
            ss_buf_printf(&b, "\n%d. %s\n", pr->no, pr->title);
        }
        for (k = 0; k < p->ntargets; k++) {
            struct ss_figure f;
            if (p->targets[k].project_no != pr->no)
                continue;
            ss_engine_figure(e, k, oi, day, &f);
            counts[f.status]++;
            if (json) {
                ss_json_obj(&j);
                ss_figure_json_members(&j, e, k, &f);
                ss_json_obj_end(&j);
            } else {
                table_row(&b, e, k, &f, term_use_colour());
            }
        }
        if (json) {
            ss_json_arr_end(&j);
            ss_json_obj_end(&j);
        }
    }
    if (json) {
        ss_json_arr_end(&j);
        ss_json_key(&j, "summary");
        ss_json_obj(&j);
        for (i = 0; i < SS_ST_COUNT; i++)
            ss_json_kint(&j, ss_status_str((enum ss_status)i), counts[i]);
        ss_json_obj_end(&j);
        ss_json_obj_end(&j);
        ss_buf_putc(&b, '\n');
    } else {
        ss_buf_printf(
            &b,
            "\n%d 已完成 done · %d 正常 on track · %d 滞后 lagging · %d 严重滞后 "
            "seriously lagging · %d 未填报 not reported · %d 未分解 unassigned · %d 本级无任务 "
            "no task here\n",
            counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6]);
    }
    if (b.err) {
        ss_err_set(&err, SS_EINVAL, "output", "the output exceeds its limit");
        rc = cli_fail("status", &err);
        goto out;
    }
    fwrite(b.data, 1, b.len, stdout);
    rc = SS_EXIT_OK;
out:
    ss_buf_cleanup(&b);
    ss_engine_free(e);
    ss_store_close(st);
    return rc;
}
