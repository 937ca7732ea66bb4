/*
 * cmd_supervise.c - `shishi supervise run`: the supervision run of
 * core/supervise.h as of a day (default today; SHISHI_TODAY honoured),
 * in one transaction audited as "supervise:$USER". `shishi serve` runs
 * the same once a day (--supervise-hour).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/engine.h"
#include "core/remind.h"
#include "core/supervise.h"
#include "store/store.h"

static const char USAGE[] =
    "usage: shishi supervise run [--date YYYY-MM-DD] [--json] [--db FILE]\n"
    "       shishi supervise remind [--days N] [--json] [--db FILE]\n\n"
    "Look at every assigned target and org unit as of the date (default today)\n"
    "against time progress at the last period whose reports are due, and issue,\n"
    "raise, mark for closing or escalate the supervision notices (督办单):\n"
    "blue for a missing report, yellow and red by the plan's thresholds. A\n"
    "second run as of the same day changes nothing.\n"
    "It also sends the reminders (催报): N days before a period's reporting\n"
    "deadline to every unit that has not reported, after it to them and their\n"
    "reviewer, each once. `remind` shows the plan's N (default 3), `--days`\n"
    "sets it (0 to 28; 0: none before the deadline).\n";

/* `supervise remind [--days N]`. */
static int remind_cmd(const char *db, const char *days, int json)
{
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    struct ss_err err;
    const char *user = getenv("USER");
    char by[96];
    int64_t plan;
    long v;
    int n, rc = SS_EXIT_OK;

    ss_err_clear(&err);
    if (ss_store_open(cli_db_path(db), 0, &st, &err) || ss_engine_open(st, 0, &e, &err))
        goto fail;
    plan = ss_engine_plan(e)->id;
    if (days) {
        snprintf(by, sizeof by, "admin:%s", user && *user ? user : "cli");
        if (ss_parse_long(days, &v) || v < 0 || v > SS_REMIND_DAYS_MAX) {
            ss_err_set(&err, SS_EINVAL, "--days",
                       "'%.20s' is not a number of days before the deadline from 0 to %d", days,
                       SS_REMIND_DAYS_MAX);
            goto fail;
        }
        if (ss_store_begin(st, by, &err) ||
            cli_tx_end(st, ss_remind_days_set(st, plan, (int)v, &err), &err))
            goto fail;
    }
    if (ss_remind_days(st, plan, &n)) {
        ss_err_set(&err, SS_EDB, "db", "the plan's remind days cannot be read");
        goto fail;
    }
    if (json)
        printf("{\"days\":%d}\n", n);
    else
        printf("reminders go out %d days before a period's deadline%s\n", n,
               n ? "" : " (none before it)");
    goto out;
fail:
    rc = cli_fail("supervise", &err);
out:
    ss_engine_free(e);
    ss_store_close(st);
    return rc;
}

int cmd_supervise(int argc, char **argv)
{
    const char *db = NULL, *date = NULL, *days = NULL;
    int json = 0, npos, rc;
    const char *pos[1] = {NULL};
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"date", 1, &date, NULL},
                             {"days", 1, &days, NULL},
                             {"json", 0, NULL, &json},
                             {NULL, 0, NULL, NULL}};
    struct ss_supervise_result res;
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    struct ss_err err;
    const char *user = getenv("USER");
    char by[96];
    int32_t day;
    size_t i;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("supervise", argc, argv, opts, pos, 1, &npos)))
        return rc;
    if (npos == 1 && strcmp(pos[0], "remind") == 0)
        return remind_cmd(db, days, json);
    if (npos != 1 || strcmp(pos[0], "run") != 0 || days) {
        fprintf(stderr, "shishi supervise: say run or remind\n%s", USAGE);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    day = ss_date_today();
    if (date && ss_date_read("--date", date, &day, &err))
        return cli_fail("supervise", &err);
    snprintf(by, sizeof by, "supervise:%s", user && *user ? user : "cli");
    if (ss_store_open(cli_db_path(db), 0, &st, &err) || ss_engine_open(st, 0, &e, &err) ||
        ss_store_begin(st, by, &err) ||
        cli_tx_end(st, ss_supervise_run(st, e, day, &res, &err), &err)) {
        ss_engine_free(e);
        ss_store_close(st);
        return cli_fail("supervise", &err);
    }
    if (json) {
        printf("{\"period\":");
        if (res.period[0])
            printf("\"%s\"", res.period);
        else
            printf("null");
        printf(",\"cells\":%zu,\"issued\":%zu,\"raised\":%zu,\"escalated\":%zu,\"marked\":%zu,"
               "\"unmarked\":%zu,\"notices\":[",
               res.cells, res.issued, res.raised, res.escalated, res.marked, res.unmarked);
        for (i = 0; i < res.nids; i++)
            printf("%s%lld", i ? "," : "", (long long)res.ids[i]);
        printf("],\"reminders\":{\"period\":");
        if (res.remind_period[0])
            printf("\"%s\"", res.remind_period);
        else
            printf("null");
        printf(",\"before\":%zu,\"overdue\":%zu}}\n", res.reminded, res.overdue);
    } else {
        printf("period %s: %zu cells; %zu issued, %zu raised, %zu escalated, %zu marked for "
               "closing, %zu unmarked\n",
               res.period[0] ? res.period : "(none closed yet)", res.cells, res.issued, res.raised,
               res.escalated, res.marked, res.unmarked);
        printf("reminders: %zu units before the deadline%s%s, %zu overdue (with their "
               "reviewers)\n",
               res.reminded, res.remind_period[0] ? " of " : "", res.remind_period, res.overdue);
    }
    ss_supervise_result_free(&res);
    ss_engine_free(e);
    ss_store_close(st);
    return SS_EXIT_OK;
}
