/*
 * cmd_completeness.c - `shishi completeness`: for a reporting period,
 * which assignments were reported on time, late, or are missing, and the
 * reporting rates rolled up the org tree (core/completeness.h), as a
 * table or as JSON (the API's shape). Also the opening both it and
 * `shishi score` share (cli_cmpl_open).
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
#include "core/completeness.h"
#include "store/store.h"
#include "store/store_workflow.h"

static const char USAGE[] =
    "usage: shishi completeness [--db FILE] [--period YYYY-MM] [--org CODE] [--json]\n\n"
    "Reporting completeness of a monthly period (default: the latest one whose deadline\n"
    "has passed) for an org unit and the units below it (default: the plan's issuing\n"
    "unit). Every share of a target given to a unit is due once a month: on_time when a\n"
    "report dated within the month was submitted or approved by the deadline (the plan's\n"
    "deadline day of the following month, compared by the day, UTC, it was first handed\n"
    "in), late when after it, missing when none came and the deadline has passed,\n"
    "pending before it. Reporting rate = reported / expected, on-time rate = on time /\n"
    "expected, per unit and rolled up; each row shows its last report date.\n";

int cli_cmpl_open(const char *cmd, const char *db, const char *period, const char *org,
                  struct cli_cmpl *o)
{
    struct ss_err err;
    const struct ss_plan *p;

    memset(o, 0, sizeof *o);
    ss_err_clear(&err);
    o->today = ss_date_today();
    if (ss_store_open(cli_db_path(db), 0, &o->st, &err) || ss_engine_open(o->st, 0, &o->e, &err))
        goto fail;
    p = ss_engine_plan(o->e);
    o->org = org ? ss_engine_org_find(o->e, org) : ss_engine_top_org(o->e);
    if (o->org < 0) {
        ss_err_set(&err, SS_ENOTFOUND, "--org", "no org unit with code '%s'",
                   org ? org : (p->top_org ? p->top_org : "(plan has none)"));
        goto fail;
    }
    if (period)
        snprintf(o->period, sizeof o->period, "%.7s", period);
    else
        ss_cmpl_period_chased(p, ss_store_plan_deadline_day(o->st, p->id), o->today, o->period);
    if (ss_completeness_load(o->st, o->e, period ? period : o->period, o->org, o->today, &o->c,
                             &err)) {
        if (strcmp(err.field, "period") == 0)
            snprintf(err.field, sizeof err.field, "--period");
        goto fail;
    }
    return SS_EXIT_OK;
fail:
    cli_cmpl_close(o);
    return cli_fail(cmd, &err);
}

void cli_cmpl_close(struct cli_cmpl *o)
{
    ss_completeness_cleanup(&o->c);
    ss_engine_free(o->e);
    ss_store_close(o->st);
    memset(o, 0, sizeof *o);
}

static void pct(struct ss_buf *b, double v)
{
    if (isnan(v))
        ss_buf_puts(b, "-");
    else
        ss_buf_printf(b, "%.1f%%", v);
}

static void counts_row(struct ss_buf *b, const char *code, const char *name,
                       const struct ss_cmpl_counts *c)
{
    struct ss_buf cell;
    char d[11] = "-";

    ss_buf_init(&cell, 64);
    ss_buf_puts(b, "  ");
    term_cell(b, code, 8, 0);
    ss_buf_putc(b, ' ');
    term_cell(b, name, 16, 0);
    ss_buf_printf(b, " %5d %5d %5d %5d %5d %5d ", c->expected, ss_cmpl_reported(c),
                  c->n[SS_CMPL_ON_TIME], c->n[SS_CMPL_LATE], c->n[SS_CMPL_MISSING],
                  c->n[SS_CMPL_PENDING]);
    pct(&cell, ss_cmpl_rate(c));
    term_cell(b, cell.data ? cell.data : "", 7, 1);
    ss_buf_putc(b, ' ');
    ss_buf_reset(&cell);
    pct(&cell, ss_cmpl_on_time_rate(c));
    term_cell(b, cell.data ? cell.data : "", 7, 1);
    if (c->last_report != SS_NO_DATE)
        ss_date_fmt(c->last_report, d);
    ss_buf_printf(b, "  %s\n", d);
    ss_buf_cleanup(&cell);
}

static void table(struct ss_buf *b, const struct ss_engine *e, const struct ss_completeness *c)
{
    const struct ss_plan *p = ss_engine_plan(e);
    const struct ss_org *o = ss_engine_org(e, c->org);
    const long *kids;
    size_t nk, i;
    char dl[11], td[11];

    ss_date_fmt(c->deadline, dl);
    ss_date_fmt(c->today, td);
    ss_buf_printf(b, "%s · %s · 填报期 period %s · 截止 deadline %s · 截至 as of %s\n\n", p->title,
                  o->name, c->period, dl, td);
    ss_buf_printf(b, "  %-8s %-16s %5s %5s %5s %5s %5s %5s %7s %7s  %s\n", "code", "unit", "due",
                  "in", "ontime", "late", "miss", "pend", "rate", "ontime%", "last report");
    counts_row(b, o->code, o->name, &c->tree[c->org]);
    kids = ss_engine_org_children(e, c->org, &nk);
    for (i = 0; i < nk; i++)
        if (c->tree[kids[i]].expected)
            counts_row(b, ss_engine_org(e, kids[i])->code, ss_engine_org(e, kids[i])->name,
                       &c->tree[kids[i]]);
    ss_buf_puts(b, "\n未报 missing:\n");
    for (i = 0; i < c->nitems; i++) {
        const struct ss_cmpl_item *it = &c->items[i];
        char d[11] = "-";
        if (it->state != SS_CMPL_MISSING)
            continue;
        if (it->last_report != SS_NO_DATE)
            ss_date_fmt(it->last_report, d);
        ss_buf_printf(b, "  %-8s %s · #%lld %s · last report %s\n", ss_engine_org(e, it->org)->code,
                      ss_engine_org(e, it->org)->name, (long long)p->targets[it->ti].id,
                      p->targets[it->ti].metric, d);
    }
}

int cmd_completeness(int argc, char **argv)
{
    const char *db = NULL, *period = NULL, *org = NULL;
    int json = 0, npos, rc;
    const char *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"period", 1, &period, NULL},
                             {"org", 1, &org, NULL},
                             {"json", 0, NULL, &json},
                             {NULL, 0, NULL, NULL}};
    struct cli_cmpl o;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("completeness", argc, argv, opts, pos, 0, &npos)))
        return rc;
    if ((rc = cli_cmpl_open("completeness", db, period, org, &o)))
        return rc;
    ss_buf_init(&b, SS_MAX_OUTPUT);
    if (json) {
        ss_json_init(&j, &b, 1);
        ss_completeness_json(&j, o.e, &o.c);
        ss_buf_putc(&b, '\n');
    } else {
        table(&b, o.e, &o.c);
    }
    if (b.err) {
        ss_err_set(&err, SS_EINVAL, "output", "the output exceeds its limit");
        rc = cli_fail("completeness", &err);
    } else {
        fwrite(b.data, 1, b.len, stdout);
    }
    ss_buf_cleanup(&b);
    cli_cmpl_close(&o);
    return rc;
}
