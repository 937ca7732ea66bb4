/*
 * cmd_export.c - `shishi export opendata|plan`: the open-data files the
 * server gives at /api/v1/opendata.zip and /api/v1/plan.csv
 * (core/opendata.h), as of a day within the plan (default today,
 * SHISHI_TODAY honoured), written to a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/limits.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/opendata.h"

static const char USAGE[] =
    "usage: shishi export opendata [--db FILE] [--date YYYY-MM-DD] --out FILE.zip\n"
    "       shishi export plan [--db FILE] --out FILE.csv\n\n"
    "opendata: a zip of plan.csv, figures.csv (every target at every place with a task or a\n"
    "report, at each month's end up to the day), bulletins.csv and the published bulletins,\n"
    "and dictionary.csv describing every file's columns in Chinese and English; the same\n"
    "bytes as GET /api/v1/opendata.zip on that day.\n"
    "plan: the current plan as CSV, as GET /api/v1/plan.csv.\n";

static int run(const char *what, int argc, char **argv)
{
    const char *db = NULL, *date = NULL, *out = NULL, *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"date", 1, &date, NULL},
                             {"out", 1, &out, NULL},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    const struct ss_plan *p;
    struct ss_err err;
    struct ss_buf b;
    char *data = NULL;
    size_t len = 0;
    int32_t day = ss_date_today();
    int npos, rc;

    if ((rc = cli_parse("export", argc, argv, opts, pos, 0, &npos)))
        return rc;
    if (!out) {
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    if (date && ss_date_read("--date", date, &day, &err))
        return cli_fail("export", &err);
    if ((rc = ss_store_open(cli_db_path(db), SS_STORE_READONLY, &st, &err)) ||
        (rc = ss_engine_open(st, 0, &e, &err))) {
        rc = cli_fail("export", &err);
        goto out;
    }
    p = ss_engine_plan(e);
    if (date && ss_date_within("--date", day, p->start, p->end, &err)) {
        rc = cli_fail("export", &err);
        goto out;
    }
    day = day < p->start ? p->start : day > p->end ? p->end : day;
    if (strcmp(what, "plan") == 0) {
        ss_buf_init(&b, SS_MAX_OUTPUT);
        ss_opendata_plan_csv(e, &b);
        data = ss_buf_detach(&b, &len);
    } else if ((rc = ss_opendata_zip(st, e, day, &data, &len, &err))) {
        rc = cli_fail("export", &err);
        goto out;
    }
    if (cli_write_file("--out", out, data, len, &err))
        rc = cli_fail("export", &err);
out:
    free(data);
    ss_engine_free(e);
    ss_store_close(st);
    return rc;
}

static int cmd_opendata(int argc, char **argv)
{
    return run("opendata", argc, argv);
}

static int cmd_plan_csv(int argc, char **argv)
{
    return run("plan", argc, argv);
}

int cmd_export(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"opendata", cmd_opendata}, {"plan", cmd_plan_csv}, {NULL, NULL}};

    return cli_subcommand(USAGE, argc, argv, subs);
}
