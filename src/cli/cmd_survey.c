/*
 * cmd_survey.c - `shishi survey create|list`: closed satisfaction surveys
 * of deputies or staff with one-time codes (core/rating.h).
 *
 * create makes the codes, writes them to --out (a new file, mode 0600,
 * never one that exists: the codes are nowhere else in the clear), and
 * only then commits the survey: a file that cannot be written leaves no
 * survey behind, a commit that fails removes the file. Audited as
 * admin:$USER.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/rating.h"
#include "store/store.h"
#include "store/store_rating.h"

static const char USAGE[] =
    "usage: shishi survey create --project N --codes N [--period P] [--audience deputies|staff]\n"
    "                            --out FILE [--base URL] [--db FILE]\n"
    "       shishi survey list [--period P] [--project N] [--json] [--db FILE]\n\n"
    "create  a closed survey of project N (default period: the plan's year; audience:\n"
    "        deputies) with N one-time codes, written to FILE (a new file; - for\n"
    "        standard output) as CSV: code,link (the link is /survey/CODE, after URL)\n"
    "list    the surveys with their codes used and their results per audience\n";

/* The codes as CSV into f; 0 or -1. */
static int write_codes(FILE *f, char **codes, size_t n, const char *base)
{
    size_t i;

    if (fputs("code,link\n", f) == EOF)
        return -1;
    for (i = 0; i < n; i++)
        if (fprintf(f, "%s,%s/survey/%s\n", codes[i], base ? base : "", codes[i]) < 0)
            return -1;
    return fflush(f) == 0 ? 0 : -1;
}

static FILE *open_new(const char *path)
{
    int fd;

    if (strcmp(path, "-") == 0)
        return stdout;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    return fd < 0 ? NULL : fdopen(fd, "w");
}

static int survey_create(int argc, char **argv)
{
    const char *db = NULL, *project = NULL, *period = NULL, *audience = "deputies", *ncodes = NULL,
               *out = NULL, *base = NULL;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},         {"project", 1, &project, NULL},
                             {"period", 1, &period, NULL}, {"audience", 1, &audience, NULL},
                             {"codes", 1, &ncodes, NULL},  {"out", 1, &out, NULL},
                             {"base", 1, &base, NULL},     {NULL, 0, NULL, NULL}};
    const char *user = getenv("USER");
    struct ss_store *st = NULL;
    struct ss_plan *plan = NULL;
    struct ss_err err;
    char by[160], **codes = NULL;
    long no, n;
    int64_t id = 0;
    size_t i, count = 0;
    int npos, rc;
    FILE *f = NULL;

    if ((rc = cli_parse("survey create", argc, argv, opts, NULL, 0, &npos)))
        return rc;
    if (!project || !ncodes || !out || ss_parse_long(project, &no) || ss_parse_long(ncodes, &n) ||
        n < 1) {
        fprintf(stderr, "shishi survey create: %s\n",
                !project  ? "--project is missing: the project's number"
                : !ncodes ? "--codes is missing: how many one-time codes to make"
                : !out    ? "--out is missing: the file the codes are written to"
                          : "--project and --codes take whole numbers");
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    snprintf(by, sizeof by, "admin:%s", user && *user ? user : "cli");
    ss_err_clear(&err);
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)) ||
        (rc = ss_store_plan_load(st, 0, &plan, &err)) || (rc = ss_store_begin(st, by, &err)) ||
        (rc = ss_survey_create(st, plan, (int)no, period, audience, (size_t)n, &codes, &id, &err)))
        goto fail;
    count = (size_t)n;
    if (!(f = open_new(out))) {
        rc = ss_err_set(&err, errno == EEXIST ? SS_EINVAL : SS_EIO, "--out",
                        errno == EEXIST ? "'%s' exists: the codes go to a new file"
                                        : "cannot create '%s'",
                        out);
        goto fail;
    }
    if (write_codes(f, codes, count, base) || (f != stdout && fclose(f) != 0)) {
        f = NULL;
        rc = ss_err_set(&err, SS_EIO, "--out", "cannot write the codes to '%s'", out);
        if (strcmp(out, "-") != 0)
            unlink(out);
        goto fail;
    }
    f = NULL;
    if ((rc = ss_store_commit(st, &err))) {
        if (strcmp(out, "-") != 0)
            unlink(out);
        goto fail;
    }
    fprintf(strcmp(out, "-") == 0 ? stderr : stdout,
            "survey %lld: project %ld, %zu codes for %s, written to %s\n", (long long)id, no, count,
            audience, out);
fail:
    if (f && f != stdout)
        fclose(f);
    if (rc)
        ss_store_rollback(st);
    for (i = 0; i < count; i++)
        free(codes[i]);
    free(codes);
    ss_plan_free(plan);
    ss_store_close(st);
    return rc ? cli_fail("survey create", &err) : SS_EXIT_OK;
}

static int survey_list(int argc, char **argv)
{
    const char *db = NULL, *period = NULL, *project = NULL;
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"period", 1, &period, NULL},
                             {"project", 1, &project, NULL},
                             {"json", 0, NULL, &json},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_survey *sv = NULL;
    struct ss_err err;
    struct ss_json j;
    struct ss_buf b;
    size_t n = 0, i;
    long no = 0;

    if ((rc = cli_parse("survey list", argc, argv, opts, NULL, 0, &npos)))
        return rc;
    if (project && ss_parse_long(project, &no)) {
        fprintf(stderr, "shishi survey list: --project takes a project's number\n");
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    if (period && ss_rating_period_check(period, &err))
        return cli_fail("survey list", &err);
    if ((rc = ss_store_open(cli_db_path(db), SS_STORE_READONLY, &st, &err)))
        return cli_fail("survey list", &err);
    if (ss_store_surveys(st, period, (int)no, &sv, &n)) {
        ss_store_close(st);
        ss_err_set(&err, SS_EDB, "", "cannot read the surveys");
        return cli_fail("survey list", &err);
    }
    ss_buf_init(&b, 16u << 20);
    if (json)
        cli_json_list_open(&j, &b, "surveys");
    for (i = 0; i < n; i++) {
        struct ss_satisfaction s;
        const struct ss_satisfaction_part *p;

        if (ss_rating_summary(st, sv[i].project_no, sv[i].period, &s))
            continue;
        p = &s.part[sv[i].audience];
        if (json) {
            ss_json_obj(&j);
            ss_json_kint(&j, "id", sv[i].id);
            ss_json_kint(&j, "project", sv[i].project_no);
            ss_json_kstr(&j, "period", sv[i].period);
            ss_json_kstr(&j, "audience", ss_rating_source_name(sv[i].audience));
            ss_json_kint(&j, "codes", sv[i].codes);
            ss_json_kint(&j, "used", sv[i].used);
            ss_json_kstr(&j, "created_by", sv[i].created_by);
            ss_json_kstr(&j, "created_at", sv[i].created_at);
            ss_json_kint(&j, "audience_n", p->n);
            if (p->n)
                ss_json_knum(&j, "audience_mean", round(p->mean * 100) / 100);
            else
                ss_json_knull(&j, "audience_mean");
            ss_json_obj_end(&j);
        } else {
            printf("%-5lld project %-3d %-8s %-9s %lld/%lld codes used", (long long)sv[i].id,
                   sv[i].project_no, sv[i].period, ss_rating_source_name(sv[i].audience),
                   (long long)sv[i].used, (long long)sv[i].codes);
            if (p->n)
                printf("  (%s: %lld ratings, mean %.2f)\n", ss_rating_source_name(sv[i].audience),
                       (long long)p->n, p->mean);
            else
                printf("\n");
        }
    }
    if (json)
        cli_json_list_close(&j, &b, 1);
    ss_buf_cleanup(&b);
    free(sv);
    ss_store_close(st);
    return SS_EXIT_OK;
}

int cmd_survey(int argc, char **argv)
{
    static const struct cli_sub SUBS[] = {
        {"create", survey_create}, {"list", survey_list}, {NULL, NULL}};

    return cli_subcommand(USAGE, argc, argv, SUBS);
}
