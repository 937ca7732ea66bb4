/*
 * cmd_plan.c - `shishi plan show|activate`: look at the current (or the
 * draft) plan, and make a reviewed draft the current plan.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/plan_json.h"
#include "store/store.h"

static const char USAGE[] =
    "usage: shishi plan show [--draft | --id N] [--json] [--db FILE]\n"
    "       shishi plan activate [--id N] [--db FILE]\n"
    "       shishi plan target (set|add|split|merge|drop) ...   (see plan target --help)\n\n"
    "show      the current plan (or the newest draft, or plan N): projects and\n"
    "          targets with their source clauses, value, unit, op and kind.\n"
    "activate  make the newest draft (or plan N) the current plan; the plan it\n"
    "          replaces is archived.\n";

static void print_text(struct ss_buf *b, const struct ss_plan *p)
{
    size_t i, k;
    char d1[11], d2[11];

    ss_date_fmt(p->start, d1);
    ss_date_fmt(p->end, d2);
    ss_buf_printf(b, "%s  [plan %lld, %s]\n", p->title, (long long)p->id,
                  p->state == SS_PLAN_DRAFT ? "draft" : p->state == SS_PLAN_ACTIVE ? "active"
                                                                                   : "archived");
    ss_buf_printf(b, "issuer: %s · period %s to %s · thresholds yellow %g / red %g points\n",
                  p->issuer ? p->issuer : "-", d1, d2, p->yellow_pp, p->red_pp);
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        ss_buf_printf(b, "\n%d. %s  (lead: %s)\n", pr->no, pr->title, pr->lead_dept);
        for (k = 0; k < p->ntargets; k++) {
            const struct ss_target *t = &p->targets[k];
            if (t->project_no != pr->no)
                continue;
            ss_buf_printf(b, "  #%lld %s %s ", (long long)t->id, t->metric, ss_op_str(t->op));
            ss_buf_num(b, t->value, 4);
            ss_buf_printf(b, " %s  [%s]\n", t->unit, ss_kind_str(t->kind));
            if (t->parent_index >= 0)
                ss_buf_printf(b, "      (part of #%lld)\n",
                              (long long)p->targets[t->parent_index].id);
            ss_buf_printf(b, "      「%s」\n", t->text);
        }
    }
}

static int plan_show(int argc, char **argv)
{
    const char *db = NULL, *id = NULL;
    int json = 0, draft = 0, npos, rc;
    const char *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},     {"id", 1, &id, NULL},
                             {"json", 0, NULL, &json}, {"draft", 0, NULL, &draft},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_plan *p = NULL;
    struct ss_err err;
    struct ss_buf b;
    long plan_id = 0;

    if ((rc = cli_parse("plan show", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    ss_buf_init(&b, SS_MAX_OUTPUT);
    if (id && (ss_parse_long(id, &plan_id) || plan_id < 1)) {
        ss_err_set(&err, SS_EINVAL, "--id", "'%s' is not a plan id", id);
        return cli_fail("plan show", &err);
    }
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)))
        goto fail;
    if (draft) {
        plan_id = ss_store_plan_latest_draft(st);
        if (!plan_id) {
            rc = ss_err_set(&err, SS_ENOTFOUND, "--draft",
                            "there is no draft plan (shishi import FILE makes one)");
            goto fail;
        }
    }
    if ((rc = ss_store_plan_load(st, plan_id, &p, &err)))
        goto fail;
    if (json) {
        struct ss_json j;
        ss_json_init(&j, &b, 1);
        ss_plan_to_json(p, &j);
        ss_buf_putc(&b, '\n');
    } else {
        print_text(&b, p);
    }
    fwrite(b.data, 1, b.len, stdout);
    ss_buf_cleanup(&b);
    ss_plan_free(p);
    ss_store_close(st);
    return SS_EXIT_OK;
fail:
    ss_buf_cleanup(&b);
    ss_plan_free(p);
    ss_store_close(st);
    return cli_fail("plan show", &err);
}

static int plan_activate(int argc, char **argv)
{
    const char *db = NULL, *id = NULL;
    int npos, rc;
    const char *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL}, {"id", 1, &id, NULL}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_plan *draft = NULL, *current = NULL;
    struct ss_err err;
    long plan_id = 0;

    if ((rc = cli_parse("plan activate", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    if (id && (ss_parse_long(id, &plan_id) || plan_id < 1)) {
        ss_err_set(&err, SS_EINVAL, "--id", "'%s' is not a plan id", id);
        return cli_fail("plan activate", &err);
    }
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)))
        goto fail;
    if (!plan_id)
        plan_id = ss_store_plan_latest_draft(st);
    if (!plan_id) {
        rc = ss_err_set(&err, SS_ENOTFOUND, "--id", "there is no draft plan to activate");
        goto fail;
    }
    if ((rc = ss_store_plan_load(st, plan_id, &draft, &err)))
        goto fail;
    if (draft->state == SS_PLAN_ACTIVE) {
        rc = ss_err_set(&err, SS_ECONFLICT, "--id", "plan %ld is already active", plan_id);
        goto fail;
    }
    if (draft->ntargets == 0) {
        rc = ss_err_set(&err, SS_EINVAL, "--id", "plan %ld has no targets to track", plan_id);
        goto fail;
    }
    if (ss_store_begin(st)) {
        rc = ss_err_set(&err, SS_EDB, "db", "the database is busy; try again");
        goto fail;
    }
    /* The plan it replaces: the current plan of the same year, if any. */
    if (ss_store_plan_load(st, 0, &current, NULL) == SS_OK && current->year == draft->year &&
        (rc = ss_store_plan_set_state(st, current->id, SS_PLAN_ARCHIVED, &err))) {
        ss_store_rollback(st);
        goto fail;
    }
    if ((rc = ss_store_plan_set_state(st, plan_id, SS_PLAN_ACTIVE, &err)) ||
        (rc = ss_store_commit(st))) {
        ss_store_rollback(st);
        if (!err.code)
            ss_err_set(&err, SS_EDB, "db", "could not commit");
        goto fail;
    }
    printf("plan %ld \"%s\" is now the current plan (%zu targets)%s\n", plan_id, draft->title,
           draft->ntargets,
           current && current->year == draft->year ? "; the previous plan was archived" : "");
    ss_plan_free(draft);
    ss_plan_free(current);
    ss_store_close(st);
    return SS_EXIT_OK;
fail:
    ss_plan_free(draft);
    ss_plan_free(current);
    ss_store_close(st);
    return cli_fail("plan activate", &err);
}

int cmd_plan(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? SS_EXIT_USAGE : SS_EXIT_OK;
    }
    if (strcmp(argv[1], "target") != 0 && cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if (strcmp(argv[1], "target") == 0)
        return cmd_plan_target(argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return plan_show(argc - 1, argv + 1);
    if (strcmp(argv[1], "activate") == 0)
        return plan_activate(argc - 1, argv + 1);
    fprintf(stderr, "shishi plan: unknown subcommand '%s'\n%s", argv[1], USAGE);
    return SS_EXIT_USAGE;
}
