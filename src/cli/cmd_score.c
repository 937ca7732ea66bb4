/*
 * cmd_score.c - `shishi score`: each unit's score for a period from the
 * published formula (core/score.h), ranked, as a table or JSON; --xlsx
 * FILE writes the ranking as a workbook.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/term.h"
#include "core/score.h"
#include "store/store.h"

static const char USAGE[] =
    "usage: shishi score [--db FILE] [--period YYYY-MM] [--org CODE] [--weights W]\n"
    "                    [--json] [--xlsx FILE]\n"
    "       shishi score weights [--set progress=P,on_time=R,notices=N,returned=Q] [--json]\n\n"
    "Scores of an org unit's children (default: the plan's issuing unit's) for a monthly\n"
    "period (default: the latest one whose deadline has passed), ranked:\n"
    "  score = (P*progress + R*on_time + N*notices + Q*returned) / (P + R + N + Q)\n"
    "progress: progress against time of the unit's targets as of the period's end;\n"
    "on_time: the on-time reporting rate (see `shishi completeness`); notices: notices\n"
    "answered in time; returned: 100 less the share of the period's reports a reviewer\n"
    "returned. A part with nothing to count is left out.\n"
    "The weights are the plan's, whole points summing to 100 (default " SS_SCORE_WEIGHTS "):\n"
    "`score weights` shows them, `--set` changes any of them (audited); `--weights`\n"
    "computes one ranking with others (P,R,N,Q or the named form) without storing them.\n";

static void cell(struct ss_buf *b, double v, size_t w)
{
    char s[16] = "-";

    if (!isnan(v))
        snprintf(s, sizeof s, "%.1f", v);
    term_cell(b, s, w, 1);
}

static void row_text(struct ss_buf *b, const struct ss_engine *e, const struct ss_score_row *r)
{
    const struct ss_org *o = ss_engine_org(e, r->org);
    char rank[8] = "-";
    int k;

    if (r->rank)
        snprintf(rank, sizeof rank, "%d", r->rank);
    ss_buf_puts(b, "  ");
    term_cell(b, rank, 4, 1);
    ss_buf_putc(b, ' ');
    term_cell(b, o->code, 8, 0);
    ss_buf_putc(b, ' ');
    term_cell(b, o->name, 16, 0);
    cell(b, r->score, 7);
    for (k = 0; k < SS_SC_COUNT; k++)
        cell(b, r->c[k], 9);
    ss_buf_putc(b, '\n');
}

/* `score weights [--set W]`: the plan's weights, shown or changed. */
static int weights_cmd(const char *db, const char *set, int json)
{
    struct ss_score_weights w, now;
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    struct ss_err err;
    const char *user = getenv("USER");
    char by[96];
    int64_t plan;
    int rc = SS_EXIT_OK;

    ss_err_clear(&err);
    if (ss_store_open(cli_db_path(db), 0, &st, &err) || ss_engine_open(st, 0, &e, &err))
        goto fail;
    plan = ss_engine_plan(e)->id;
    if (ss_score_weights_of(st, plan, &now)) {
        ss_err_set(&err, SS_EDB, "db", "the plan's score weights cannot be read");
        goto fail;
    }
    w = now;
    if (set) {
        snprintf(by, sizeof by, "admin:%s", user && *user ? user : "cli");
        if (ss_score_weights_read(set, &now, &w, &err)) {
            snprintf(err.field, sizeof err.field, "--set");
            goto fail;
        }
        if (ss_store_begin(st, by, &err) ||
            cli_tx_end(st, ss_score_weights_set(st, plan, &w, &err), &err))
            goto fail;
    }
    if (json)
        printf("{\"progress\":%g,\"on_time\":%g,\"notices\":%g,\"returned\":%g}\n", w.w[0], w.w[1],
               w.w[2], w.w[3]);
    else
        printf("score weights: progress %g, on_time %g, notices %g, returned %g\n", w.w[0], w.w[1],
               w.w[2], w.w[3]);
    goto out;
fail:
    rc = cli_fail("score", &err);
out:
    ss_engine_free(e);
    ss_store_close(st);
    return rc;
}

int cmd_score(int argc, char **argv)
{
    const char *db = NULL, *period = NULL, *org = NULL, *weights = NULL, *xlsx = NULL, *set = NULL;
    int json = 0, npos, rc;
    const char *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},     {"period", 1, &period, NULL},
                             {"org", 1, &org, NULL},   {"weights", 1, &weights, NULL},
                             {"xlsx", 1, &xlsx, NULL}, {"json", 0, NULL, &json},
                             {"set", 1, &set, NULL},   {NULL, 0, NULL, NULL}};
    struct ss_score_weights w;
    struct ss_score s;
    struct cli_cmpl o;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;
    size_t i;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("score", argc, argv, opts, pos, 1, &npos)))
        return rc;
    if (npos == 1 && strcmp(pos[0], "weights") == 0)
        return weights_cmd(db, set, json);
    if (npos || set) {
        fprintf(stderr, "shishi score: %s\n%s",
                npos ? "the only subcommand is weights" : "--set belongs to `score weights`",
                USAGE);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    if ((rc = cli_cmpl_open("score", db, period, org, &o)))
        return rc;
    if (weights ? ss_score_weights_parse(weights, &w, &err)
                : ss_score_weights_of(o.st, ss_engine_plan(o.e)->id, &w) &&
                      ss_err_set(&err, SS_EDB, "db", "the plan's score weights cannot be read")) {
        if (weights)
            snprintf(err.field, sizeof err.field, "--weights");
        cli_cmpl_close(&o);
        return cli_fail("score", &err);
    }
    if (ss_score_compute(o.st, o.e, &o.c, &w, &s, &err)) {
        rc = cli_fail("score", &err);
        cli_cmpl_close(&o);
        return rc;
    }
    if (xlsx) {
        char *data;
        size_t len;
        FILE *f;
        if (ss_score_xlsx(o.e, &o.c, &s, &data, &len, &err)) {
            rc = cli_fail("score", &err);
        } else {
            if (!(f = fopen(xlsx, "wb")) || fwrite(data, 1, len, f) != len) {
                ss_err_set(&err, SS_EIO, "--xlsx", "cannot write '%.200s'", xlsx);
                rc = cli_fail("score", &err);
            }
            if (f && fclose(f) && !rc) {
                ss_err_set(&err, SS_EIO, "--xlsx", "cannot write '%.200s'", xlsx);
                rc = cli_fail("score", &err);
            }
            free(data);
        }
        if (rc || !json) {
            ss_score_cleanup(&s);
            cli_cmpl_close(&o);
            return rc;
        }
    }
    ss_buf_init(&b, SS_MAX_OUTPUT);
    if (json) {
        ss_json_init(&j, &b, 1);
        ss_score_json(&j, o.e, &o.c, &s);
        ss_buf_putc(&b, '\n');
    } else {
        ss_buf_printf(&b, "%s · 填报期 period %s · weights %g,%g,%g,%g\n\n",
                      ss_engine_org(o.e, o.org)->name, o.c.period, w.w[0], w.w[1], w.w[2], w.w[3]);
        ss_buf_printf(&b, "  %4s %-8s %-16s %7s %9s %9s %9s %9s\n", "rank", "code", "unit", "score",
                      "progress", "on_time", "notices", "returned");
        for (i = 0; i < s.n; i++)
            row_text(&b, o.e, &s.rows[i]);
        ss_buf_puts(&b, "\n");
        row_text(&b, o.e, &s.self);
    }
    if (b.err) {
        ss_err_set(&err, SS_EINVAL, "output", "the output exceeds its limit");
        rc = cli_fail("score", &err);
    } else {
        fwrite(b.data, 1, b.len, stdout);
    }
    ss_buf_cleanup(&b);
    ss_score_cleanup(&s);
    cli_cmpl_close(&o);
    return rc;
}
