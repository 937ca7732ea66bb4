/*
 * cmd_notice.c - `shishi notice`: the supervision office's notices
 * (督办单, core/notice.h) from the command line.
 *
 * The CLI acts as the supervision office itself (as `assign` acts as the
 * administrator): its writes are not scoped, and are audited under
 * "supervisor:$USER". Reading lists every notice of the current plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/engine.h"
#include "core/notice.h"
#include "store/store.h"
#include "store/store_notice.h"

static const char USAGE[] =
    "usage: shishi notice list [--status issued|answered|closed] [--org CODE] [--json]\n"
    "       shishi notice show ID [--json]\n"
    "       shishi notice issue --target ID --org CODE --text T [--grade blue|yellow|red]\n"
    "       shishi notice close ID\n"
    "       shishi notice return ID --comment T\n"
    "       shishi notice days [--blue N --yellow N --red N] [--json]\n"
    "       (each with [--db FILE])\n\n"
    "list    the current plan's notices, newest first; --org: those addressed to\n"
    "        the unit or a unit below it\n"
    "show    one notice with its figures, answer and history\n"
    "issue   a notice by hand (grade yellow unless given), the required action T\n"
    "close   close an answered notice (or one marked for closing) after checking\n"
    "return  send an answered notice back to the unit with a comment\n"
    "days    the days to answer by grade (blue, yellow, red), or set them\n\n"
    "Notices are issued, raised and escalated by `shishi supervise run`.\n"
    "Writes are audited as supervisor:$USER.\n";

struct ctx {
    struct ss_store *st;
    struct ss_engine *e;
    char by[96];
};

static int open_ctx(struct ctx *c, const char *db, struct ss_err *err)
{
    const char *user = getenv("USER");

    memset(c, 0, sizeof *c);
    snprintf(c->by, sizeof c->by, "supervisor:%s", user && *user ? user : "cli");
    if (ss_store_open(cli_db_path(db), 0, &c->st, err))
        return -1;
    return ss_engine_open(c->st, 0, &c->e, err) ? -1 : 0;
}

static void close_ctx(struct ctx *c)
{
    ss_engine_free(c->e);
    ss_store_close(c->st);
}

static int64_t parse_id(const char *s, struct ss_err *err)
{
    long v;

    if (!s || ss_parse_long(s, &v) || v < 1) {
        ss_err_set(err, SS_EINVAL, "ID", "'%s' is not a notice id", s ? s : "");
        return 0;
    }
    return v;
}

/* 1 if n is addressed to org index `within` or a unit below it. */
static int addressed_within(const struct ss_engine *e, const struct ss_notice *n, long within)
{
    int64_t to[2];
    size_t k, m = ss_notice_addressees(n, to);

    for (k = 0; k < m; k++)
        if (ss_engine_org_within(e, ss_engine_org_by_id(e, to[k]), within))
            return 1;
    return 0;
}

static void print_line(const struct ss_engine *e, const struct ss_notice *n)
{
    long o = ss_engine_org_by_id(e, n->org_id);
    char num[64];

    ss_notice_number(n, num, sizeof num);
    printf("%-6lld %s  %-6s %-8s target %lld  %s %s  deadline %s%s\n", (long long)n->id, num,
           n->grade, n->status, (long long)n->target_id, o >= 0 ? ss_engine_org(e, o)->code : "?",
           o >= 0 ? ss_engine_org(e, o)->name : "", n->deadline,
           n->to_close ? "  (marked for closing)" : "");
}

static int do_list(struct ctx *c, const char *status, const char *org, int json)
{
    struct ss_notice *list = NULL;
    struct ss_err err;
    size_t n = 0, i;
    long within = -1;
    struct ss_buf b;
    struct ss_json j;

    ss_err_clear(&err);
    if (status && strcmp(status, "issued") && strcmp(status, "answered") &&
        strcmp(status, "closed")) {
        ss_err_set(&err, SS_EINVAL, "--status", "'%s' is not issued, answered or closed", status);
        return cli_fail("notice", &err);
    }
    if (org && (within = ss_engine_org_find(c->e, org)) < 0) {
        ss_err_set(&err, SS_ENOTFOUND, "--org", "no org unit %s", org);
        return cli_fail("notice", &err);
    }
    if (ss_store_notice_list(c->st, ss_engine_plan(c->e)->id, status, &list, &n)) {
        ss_err_set(&err, SS_EDB, "db", "the notices cannot be read");
        return cli_fail("notice", &err);
    }
    ss_buf_init(&b, 64u << 20);
    ss_json_init(&j, &b, 0);
    ss_json_obj(&j);
    ss_json_key(&j, "notices");
    ss_json_arr(&j);
    for (i = 0; i < n; i++) {
        if (within >= 0 && !addressed_within(c->e, &list[i], within))
            continue;
        if (json)
            ss_notice_json(&j, c->e, &list[i], NULL, 0, NULL, 0, 0);
        else
            print_line(c->e, &list[i]);
    }
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    if (json)
        printf("%s\n", b.data);
    ss_buf_cleanup(&b);
    ss_store_notices_free(list, n);
    return SS_EXIT_OK;
}

static int do_show(struct ctx *c, int64_t id, int json)
{
    struct ss_notice n;
    struct ss_notice_event *ev = NULL;
    struct ss_notice_file *files = NULL;
    struct ss_err err;
    size_t nev = 0, nfiles = 0, k;
    struct ss_buf b;
    struct ss_json j;
    int rc = ss_store_notice_get(c->st, id, &n);

    ss_err_clear(&err);
    if (rc) {
        ss_err_set(&err, rc, "ID", rc == SS_ENOTFOUND ? "no notice %lld" : "notice %lld unreadable",
                   (long long)id);
        return cli_fail("notice", &err);
    }
    if (ss_store_notice_events(c->st, id, &ev, &nev) ||
        ss_store_notice_files(c->st, id, &files, &nfiles)) {
        ss_store_notice_events_free(ev, nev);
        ss_store_notice_cleanup(&n);
        ss_err_set(&err, SS_EDB, "db", "the notice's history cannot be read");
        return cli_fail("notice", &err);
    }
    if (json) {
        ss_buf_init(&b, 16u << 20);
        ss_json_init(&j, &b, 0);
        ss_notice_json(&j, c->e, &n, ev, nev, files, nfiles, SS_NOTICE_HISTORY);
        printf("%s\n", b.data);
        ss_buf_cleanup(&b);
    } else {
        print_line(c->e, &n);
        printf("  action: %s\n", n.action ? n.action : "");
        if (n.figures)
            printf("  figures as of %s: %s\n", n.as_of, n.figures);
        if (n.answered_on[0])
            printf("  answered %s: %s%s%s\n", n.answered_on, n.answer ? n.answer : "",
                   n.measures ? "; measures: " : "", n.measures ? n.measures : "");
        if (n.comment)
            printf("  returned: %s\n", n.comment);
        for (k = 0; k < nev; k++)
            printf("  %s %-9s %-6s %s%s%s\n", ev[k].day, ev[k].kind, ev[k].grade,
                   ev[k].actor ? ev[k].actor : "", ev[k].text ? ": " : "",
                   ev[k].text ? ev[k].text : "");
        for (k = 0; k < nfiles; k++)
            printf("  evidence %lld: %s (%s, %lld bytes, sha256 %s, %s)\n", (long long)files[k].id,
                   files[k].name ? files[k].name : "(no name)", files[k].mime,
                   (long long)files[k].size, files[k].sha256, files[k].created_at);
    }
    ss_store_notice_events_free(ev, nev);
    ss_store_notice_files_free(files, nfiles);
    ss_store_notice_cleanup(&n);
    return SS_EXIT_OK;
}

/* Run a write in a transaction by the CLI's supervisor. */
static int write_as(struct ctx *c, int rc_of_call, struct ss_err *err)
{
    return cli_tx_end(c->st, rc_of_call, err);
}

static int days_cmd(struct ctx *c, const char *blue, const char *yellow, const char *red, int json)
{
    const char *v[3] = {blue, yellow, red};
    static const char *const flag[3] = {"--blue", "--yellow", "--red"};
    int64_t plan = ss_engine_plan(c->e)->id;
    struct ss_err err;
    int days[3], k, rc;

    ss_err_clear(&err);
    if (ss_notice_days(c->st, plan, days)) {
        ss_err_set(&err, SS_EDB, "db", "the notice deadlines cannot be read");
        return cli_fail("notice", &err);
    }
    if (blue || yellow || red) {
        for (k = 0; k < 3; k++) {
            long d;
            if (!v[k])
                continue;
            if (ss_parse_long(v[k], &d) || d < 1 || d > SS_NOTICE_DAYS_MAX) {
                ss_err_set(&err, SS_EINVAL, flag[k], "'%s' is not a number of days from 1 to %d",
                           v[k], SS_NOTICE_DAYS_MAX);
                return cli_fail("notice", &err);
            }
            days[k] = (int)d;
        }
        if ((rc = ss_store_begin(c->st, c->by, &err)) ||
            (rc = write_as(c, ss_notice_days_set(c->st, plan, days, &err), &err)))
            return cli_fail("notice", &err);
    }
    if (json)
        printf("{\"blue\":%d,\"yellow\":%d,\"red\":%d}\n", days[0], days[1], days[2]);
    else
        printf("days to answer: blue %d, yellow %d, red %d\n", days[0], days[1], days[2]);
    return SS_EXIT_OK;
}

int cmd_notice(int argc, char **argv)
{
    const char *db = NULL, *status = NULL, *org = NULL, *target = NULL, *text = NULL,
               *comment = NULL, *grade = NULL, *blue = NULL, *yellow = NULL, *red = NULL;
    int json = 0, npos, rc;
    const char *pos[2] = {NULL, NULL};
    struct cli_opt opts[] = {
        {"db", 1, &db, NULL},           {"status", 1, &status, NULL}, {"org", 1, &org, NULL},
        {"target", 1, &target, NULL},   {"text", 1, &text, NULL},     {"grade", 1, &grade, NULL},
        {"comment", 1, &comment, NULL}, {"blue", 1, &blue, NULL},     {"yellow", 1, &yellow, NULL},
        {"red", 1, &red, NULL},         {"json", 0, NULL, &json},     {NULL, 0, NULL, NULL}};
    struct ss_err err;
    struct ctx c;
    int64_t id = 0;
    const char *sub;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("notice", argc, argv, opts, pos, 2, &npos)))
        return rc;
    sub = npos > 0 ? pos[0] : NULL;
    if (!sub || (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "issue") &&
                 strcmp(sub, "close") && strcmp(sub, "return") && strcmp(sub, "days"))) {
        fprintf(stderr, "shishi notice: say list, show, issue, close, return or days\n%s", USAGE);
        return SS_EXIT_USAGE;
    }
    ss_err_clear(&err);
    if (!strcmp(sub, "show") || !strcmp(sub, "close") || !strcmp(sub, "return")) {
        if (!(id = parse_id(npos > 1 ? pos[1] : NULL, &err)))
            return cli_fail("notice", &err);
    }
    if (!strcmp(sub, "issue") && (!target || !org || !text)) {
        fprintf(stderr, "shishi notice issue: --target, --org and --text are required\n");
        return SS_EXIT_USAGE;
    }
    if (!strcmp(sub, "return") && !comment) {
        fprintf(stderr, "shishi notice return: --comment is required\n");
        return SS_EXIT_USAGE;
    }
    if (open_ctx(&c, db, &err)) {
        close_ctx(&c);
        return cli_fail("notice", &err);
    }
    if (!strcmp(sub, "list")) {
        rc = do_list(&c, status, org, json);
    } else if (!strcmp(sub, "show")) {
        rc = do_show(&c, id, json);
    } else if (!strcmp(sub, "days")) {
        rc = days_cmd(&c, blue, yellow, red, json);
    } else {
        int32_t today = ss_date_today();
        long tid = 0;
        int64_t made = 0;
        enum ss_grade g = grade ? ss_grade_parse(grade) : SS_GRADE_NONE;

        if (!strcmp(sub, "issue") && (ss_parse_long(target, &tid) || tid < 1))
            rc = ss_err_set(&err, SS_EINVAL, "--target", "'%s' is not a target id", target);
        else if (grade && g == SS_GRADE_NONE)
            rc = ss_err_set(&err, SS_EINVAL, "--grade", "'%s' is not blue, yellow or red", grade);
        else if (!(rc = ss_store_begin(c.st, c.by, &err)))
            rc = write_as(&c,
                          !strcmp(sub, "issue") ? ss_notice_issue(c.st, c.e, NULL, tid, org, text,
                                                                  g, today, &made, &err)
                          : !strcmp(sub, "close")
                              ? ss_notice_close(c.st, c.e, NULL, id, today, &err)
                              : ss_notice_return(c.st, c.e, NULL, id, comment, today, &err),
                          &err);
        if (rc)
            rc = cli_fail("notice", &err);
        else if (!strcmp(sub, "issue"))
            rc = do_show(&c, made, json);
        else
            rc = do_show(&c, id, json);
    }
    close_ctx(&c);
    return rc;
}
