/*
 * cmd_report.c - `shishi report add`: the administrator's way to record
 * progress. Its reports are recorded as approved (review comes with the
 * reporting workflow) and count at once in every ancestor's figures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/report.h"
#include "store/store.h"
#include "store/store_audit.h"

static const char USAGE[] =
    "usage: shishi report add --target ID --org CODE --date YYYY-MM-DD\n"
    "                         (--value V | --numerator N --denominator D | --value V --baseline "
    "B)\n"
    "                         [--note TEXT] [--correction] [--json] [--db FILE]\n\n"
    "Record the cumulative value of a target at an org unit as of a date.\n"
    "  counts and amounts: --value, the cumulative total so far (never lower than\n"
    "                      an earlier report unless --correction with a --note)\n"
    "  rates:              --numerator and --denominator (or --value as a percent)\n"
    "  changes:            --value (this year's level) and --baseline (last year's)\n"
    "Reports entered here are recorded as approved by the administrator.\n";

static int number_opt(const char *flag, const char *s, double *out, struct ss_err *err)
{
    *out = NAN;
    if (!s)
        return SS_OK;
    if (ss_parse_double(s, out))
        return ss_err_set(err, SS_EINVAL, flag, "'%s' is not a number", s);
    return SS_OK;
}

static int report_add(int argc, char **argv)
{
    const char *db = NULL, *target = NULL, *org = NULL, *date = NULL, *value = NULL, *num = NULL,
               *den = NULL, *base = NULL, *note = NULL;
    int json = 0, correction = 0, npos, rc;
    const char *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},           {"target", 1, &target, NULL},
                             {"org", 1, &org, NULL},         {"date", 1, &date, NULL},
                             {"value", 1, &value, NULL},     {"numerator", 1, &num, NULL},
                             {"denominator", 1, &den, NULL}, {"baseline", 1, &base, NULL},
                             {"note", 1, &note, NULL},       {"correction", 0, NULL, &correction},
                             {"json", 0, NULL, &json},       {NULL, 0, NULL, NULL}};
    struct ss_report_req req;
    struct ss_store *st = NULL;
    struct ss_err err;
    long tid;
    int64_t id;
    const char *user = getenv("USER");
    char by[96];

    if ((rc = cli_parse("report add", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    if (!target || !org || !date || (!value && !num)) {
        fprintf(stderr, "shishi report add: --target, --org, --date and a value are required\n%s",
                USAGE);
        return SS_EXIT_USAGE;
    }
    memset(&req, 0, sizeof req);
    if (ss_parse_long(target, &tid) || tid < 1) {
        ss_err_set(&err, SS_EINVAL, "--target", "'%s' is not a target id", target);
        return cli_fail("report add", &err);
    }
    if (number_opt("--value", value, &req.value, &err) ||
        number_opt("--numerator", num, &req.numerator, &err) ||
        number_opt("--denominator", den, &req.denominator, &err) ||
        number_opt("--baseline", base, &req.baseline, &err))
        return cli_fail("report add", &err);
    snprintf(by, sizeof by, "admin:%s", user && *user ? user : "cli");
    req.target_id = tid;
    req.org = org;
    req.date = date;
    req.note = note;
    req.correction = correction;
    req.status = "approved";
    req.by = by;
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)) ||
        (rc = ss_store_begin(st, by, &err)) ||
        (rc = cli_tx_end(st, ss_report_add(st, &req, &id, &err), &err))) {
        ss_store_close(st);
        return cli_fail("report add", &err);
    }
    ss_store_close(st);
    if (json) {
        struct ss_buf b;
        struct ss_json j;
        ss_buf_init(&b, 4096);
        ss_json_init(&j, &b, 0);
        ss_json_obj(&j);
        ss_json_kint(&j, "id", id);
        ss_json_kstr(&j, "status", "approved");
        ss_json_obj_end(&j);
        printf("%s\n", b.data);
        ss_buf_cleanup(&b);
    } else {
        printf("recorded report %lld: target %ld at %s as of %s (approved)\n", (long long)id, tid,
               org, date);
    }
    return SS_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? SS_EXIT_USAGE : SS_EXIT_OK;
    }
    if (strcmp(argv[1], "add") == 0)
        return report_add(argc - 1, argv + 1);
    fprintf(stderr, "shishi report: unknown subcommand '%s'\n%s", argv[1], USAGE);
    return SS_EXIT_USAGE;
}
