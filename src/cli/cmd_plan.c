/*
 * cmd_plan.c - `shishi plan show|activate`: look at the current (or the
 * draft) plan, and make a reviewed draft the current plan.
 *
 * Activation of a draft of the same year as the current plan carries the
 * current plan's targets over where they match (core/plan_change.h): the
 * draft's targets take over their ids, reports and shares. It prints what
 * was carried, what is new and what was left behind, and refuses when
 * reports or shares would be left behind, unless --force.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/plan_change.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "store/store_audit.h"

static const char USAGE[] =
    "usage: shishi plan show [--draft | --id N] [--json] [--db FILE]\n"
    "       shishi plan activate [--id N] [--force] [--json] [--db FILE]\n"
    "       shishi plan target (set|add|split|merge|drop) ...   (see plan target --help)\n"
    "       shishi plan project set N --lead-dept NAME ...      (see plan project --help)\n"
    "       shishi plan translate --lang en|ug FILE ...         (see plan translate --help)\n\n"
    "show      the current plan (or the newest draft, or plan N): projects and\n"
    "          targets with their source clauses, value, unit, op, kind and\n"
    "          schedule.\n"
    "activate  make the newest draft (or plan N) the current plan; the plan of\n"
    "          the same year it replaces is archived. Its targets that the\n"
    "          draft's match keep their ids, reports and shares (match: the same\n"
    "          project and text, or the same metric, unit and op; see\n"
    "          docs/plan-lifecycle.md). Prints what was carried over, what is\n"
    "          new and what was left behind. Refused, changing nothing, when a\n"
    "          target left behind has reports or shares, unless --force, which\n"
    "          leaves them with the archived plan (no longer counted) and says\n"
    "          which. --json prints the same as JSON.\n";

static void print_text(struct ss_buf *b, const struct ss_plan *p)
{
    size_t i, k;
    char d1[11], d2[11];

    ss_date_fmt(p->start, d1);
    ss_date_fmt(p->end, d2);
    ss_buf_printf(b, "%s  [plan %lld, %s]\n", p->title, (long long)p->id,
                  p->state == SS_PLAN_DRAFT    ? "draft"
                  : p->state == SS_PLAN_ACTIVE ? "active"
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
            if (t->has_profile) {
                ss_buf_puts(b, "      schedule (% due by month end): ");
                ss_schedule_format(t->profile, b);
                ss_buf_putc(b, '\n');
            }
        }
    }
}

static int plan_show(int argc, char **argv)
{
    const char *db = NULL, *id = NULL;
    int json = 0, draft = 0, npos, rc;
    const char *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"id", 1, &id, NULL},
                             {"json", 0, NULL, &json},
                             {"draft", 0, NULL, &draft},
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

/* "s" unless n is 1: "1 report", "2 reports". */
static const char *plural(long long n)
{
    return n == 1 ? "" : "s";
}

/* One target in the activation's report: id, project, metric. */
static void put_target(struct ss_buf *b, int64_t id, const struct ss_target *t)
{
    ss_buf_printf(b, "  #%lld project %d %s %s ", (long long)id, t->project_no, t->metric,
                  ss_op_str(t->op));
    ss_buf_num(b, t->value, 4);
    ss_buf_printf(b, " %s", t->unit);
}

/* What differs between a carried target and the draft's: "value 470000 ->
 * 480000; unit 人 -> 万人". Empty when nothing. */
static void put_changes(struct ss_buf *b, const struct ss_target *o, const struct ss_target *n,
                        unsigned kept)
{
    const char *sep = "";

    if (o->value != n->value) {
        ss_buf_puts(b, "value ");
        ss_buf_num(b, o->value, 4);
        ss_buf_puts(b, " -> ");
        ss_buf_num(b, n->value, 4);
        sep = "; ";
    }
#define CHANGE(name, a, b_)                                                                        \
    if (strcmp((a) ? (a) : "", (b_) ? (b_) : "") != 0) {                                           \
        ss_buf_printf(b, "%s" name " %s -> %s", sep, (a) ? (a) : "", (b_) ? (b_) : "");            \
        sep = "; ";                                                                                \
    }
    CHANGE("unit", o->unit, n->unit)
    CHANGE("op", ss_op_str(o->op), ss_op_str(n->op))
    CHANGE("kind", ss_kind_str(o->kind), ss_kind_str(n->kind))
    CHANGE("metric", o->metric, n->metric)
    if (!(kept & SS_KEPT_DEPT))
        CHANGE("dept", o->dept, n->dept)
#undef CHANGE
    if (strcmp(o->text, n->text) != 0) {
        ss_buf_printf(b, "%stext changed", sep);
        sep = "; ";
    }
    if (kept & SS_KEPT_PROFILE)
        ss_buf_printf(b, "%sthe draft has no schedule: it keeps its own", sep);
    else if (o->has_profile != n->has_profile ||
             (o->has_profile && memcmp(o->profile, n->profile, sizeof o->profile) != 0))
        ss_buf_printf(b, "%sschedule %s", sep, n->has_profile ? "changed" : "now linear");
}

static void activation_text(struct ss_buf *b, const struct ss_activation *a)
{
    const struct ss_plan *d = a->draft, *o = a->replaced;
    struct ss_buf ch;
    size_t i, k0;

    ss_buf_init(&ch, 4096);
    if (a->done)
        ss_buf_printf(b, "plan %lld \"%s\" is now the current plan (%zu target%s)",
                      (long long)d->id, d->title, d->ntargets, plural((long long)d->ntargets));
    else
        ss_buf_printf(b, "plan %lld \"%s\" was not activated", (long long)d->id, d->title);
    if (!o) {
        ss_buf_puts(b, a->done ? "; no plan of its year was active, so nothing was carried over\n"
                               : "\n");
        ss_buf_cleanup(&ch);
        return;
    }
    ss_buf_printf(b, "%s plan %lld \"%s\"%s\n", a->done ? "; it replaces" : "; it would replace",
                  (long long)o->id, o->title, a->done ? ", now archived" : "");
    ss_buf_printf(b,
                  "%s over: %zu target%s keep%s %s id%s, with %lld report%s and %lld share%s "
                  "(matched by text, or by metric, unit and op)\n",
                  a->done ? "carried" : "would carry", a->carried, plural((long long)a->carried),
                  a->carried == 1 ? "s" : "", a->carried == 1 ? "its" : "their",
                  plural((long long)a->carried), (long long)a->reports_carried,
                  plural(a->reports_carried), (long long)a->shares_carried,
                  plural(a->shares_carried));
    for (i = 0; i < d->ntargets; i++) {
        long k = a->match.old_of[i];
        if (k < 0)
            continue;
        ss_buf_reset(&ch);
        put_changes(&ch, &o->targets[k], &d->targets[i], a->kept[i]);
        if (!ch.len)
            continue;
        put_target(b, o->targets[k].id, &d->targets[i]);
        ss_buf_printf(b, ": %s (matched by %s)\n", ch.data, ss_match_by_str(a->match.by[i]));
    }
    for (i = 0, k0 = 0; i < d->nprojects; i++)
        if (a->lead_kept[i])
            ss_buf_printf(b, "%s%d", k0++ ? ", " : "lead departments kept for projects ",
                          d->projects[i].no);
    if (k0)
        ss_buf_puts(b, " (the draft names none)\n");
    if (a->added) {
        ss_buf_printf(b, "new: %zu target%s with no match in plan %lld\n", a->added,
                      a->added == 1 ? "" : "s", (long long)o->id);
        for (i = 0; i < d->ntargets; i++)
            if (a->match.old_of[i] < 0) {
                put_target(b, a->final_id[i], &d->targets[i]);
                ss_buf_putc(b, '\n');
            }
    }
    if (a->left) {
        ss_buf_printf(b,
                      "%s: %zu target%s of plan %lld match%s nothing in plan %lld and stay%s "
                      "with the archived plan, no longer counted\n",
                      a->done ? "dropped" : "would be dropped", a->left, a->left == 1 ? "" : "s",
                      (long long)o->id, a->left == 1 ? "es" : "", (long long)d->id,
                      a->left == 1 ? "s" : "");
        for (i = 0; i < o->ntargets; i++)
            if (a->match.new_of[i] < 0) {
                put_target(b, o->targets[i].id, &o->targets[i]);
                if (a->reports[i] || a->shares[i])
                    ss_buf_printf(b, ": %lld report%s and %lld share%s %s\n",
                                  (long long)a->reports[i], plural(a->reports[i]),
                                  (long long)a->shares[i], plural(a->shares[i]),
                                  a->done ? "dropped (--force)" : "would be dropped");
                else
                    ss_buf_puts(b, ": no reports or shares\n");
            }
    }
    ss_buf_cleanup(&ch);
}

static void activation_json(struct ss_buf *b, const struct ss_activation *a)
{
    const struct ss_plan *d = a->draft, *o = a->replaced;
    struct ss_json j;
    size_t i;

    ss_json_init(&j, b, 1);
    ss_json_obj(&j);
    ss_json_kbool(&j, "activated", a->done);
    ss_json_kint(&j, "plan_id", d->id);
    if (o)
        ss_json_kint(&j, "replaced", o->id);
    else
        ss_json_knull(&j, "replaced");
    ss_json_kint(&j, "targets", (long long)d->ntargets);
    ss_json_kbool(&j, "forced", a->forced);
    ss_json_kint(&j, "reports_carried", a->reports_carried);
    ss_json_kint(&j, "shares_carried", a->shares_carried);
    ss_json_kint(&j, "reports_dropped", a->reports_left);
    ss_json_kint(&j, "shares_dropped", a->shares_left);
    ss_json_key(&j, "carried");
    ss_json_arr(&j);
    for (i = 0; o && i < d->ntargets; i++) {
        long k = a->match.old_of[i];
        struct ss_buf ch;
        if (k < 0)
            continue;
        ss_buf_init(&ch, 4096);
        put_changes(&ch, &o->targets[k], &d->targets[i], a->kept[i]);
        ss_json_obj(&j);
        ss_json_kint(&j, "id", o->targets[k].id);
        ss_json_kint(&j, "draft_id", d->targets[i].id);
        ss_json_kint(&j, "project", d->targets[i].project_no);
        ss_json_kstr(&j, "metric", d->targets[i].metric);
        ss_json_kstr(&j, "matched_by", ss_match_by_str(a->match.by[i]));
        ss_json_kint(&j, "reports", a->reports[k]);
        ss_json_kint(&j, "shares", a->shares[k]);
        ss_json_kstr(&j, "changes", ch.len ? ch.data : NULL);
        ss_json_obj_end(&j);
        ss_buf_cleanup(&ch);
    }
    ss_json_arr_end(&j);
    ss_json_key(&j, "new");
    ss_json_arr(&j);
    for (i = 0; i < d->ntargets; i++)
        if (!o || a->match.old_of[i] < 0) {
            ss_json_obj(&j);
            ss_json_kint(&j, "id", a->final_id[i]);
            ss_json_kint(&j, "project", d->targets[i].project_no);
            ss_json_kstr(&j, "metric", d->targets[i].metric);
            ss_json_obj_end(&j);
        }
    ss_json_arr_end(&j);
    ss_json_key(&j, "dropped");
    ss_json_arr(&j);
    for (i = 0; o && i < o->ntargets; i++)
        if (a->match.new_of[i] < 0) {
            ss_json_obj(&j);
            ss_json_kint(&j, "id", o->targets[i].id);
            ss_json_kint(&j, "project", o->targets[i].project_no);
            ss_json_kstr(&j, "metric", o->targets[i].metric);
            ss_json_kstr(&j, "text", o->targets[i].text);
            ss_json_kint(&j, "reports", a->reports[i]);
            ss_json_kint(&j, "shares", a->shares[i]);
            ss_json_obj_end(&j);
        }
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(b, '\n');
}

static int plan_activate(int argc, char **argv)
{
    const char *db = NULL, *id = NULL;
    const char *user = getenv("USER");
    int npos, rc, force = 0, json = 0;
    const char *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"id", 1, &id, NULL},
                             {"force", 0, NULL, &force},
                             {"json", 0, NULL, &json},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_activation a;
    struct ss_err err;
    struct ss_buf b;
    char by[96];
    long plan_id = 0;

    if ((rc = cli_parse("plan activate", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    memset(&a, 0, sizeof a);
    if (id && (ss_parse_long(id, &plan_id) || plan_id < 1)) {
        ss_err_set(&err, SS_EINVAL, "--id", "'%s' is not a plan id", id);
        return cli_fail("plan activate", &err);
    }
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err))) {
        ss_store_close(st);
        return cli_fail("plan activate", &err);
    }
    snprintf(by, sizeof by, "admin:%s", user && *user ? user : "cli");
    if (!(rc = ss_store_begin(st, by, &err)))
        rc = cli_tx_end(st, ss_plan_activate(st, plan_id, force, &a, &err), &err);
    ss_buf_init(&b, SS_MAX_OUTPUT);
    if (a.draft && a.final_id) { /* what was, or would have been, done */
        if (json)
            activation_json(&b, &a);
        else
            activation_text(&b, &a);
        fwrite(b.data, 1, b.len, rc ? (json ? stdout : stderr) : stdout);
    }
    ss_buf_cleanup(&b);
    ss_activation_cleanup(&a);
    ss_store_close(st);
    if (rc) {
        if (strcmp(err.field, "plan") == 0)
            snprintf(err.field, sizeof err.field, "%s", id ? "--id" : "plan");
        return cli_fail("plan activate", &err);
    }
    return SS_EXIT_OK;
}

int cmd_plan(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? SS_EXIT_USAGE : SS_EXIT_OK;
    }
    if (strcmp(argv[1], "target") != 0 && strcmp(argv[1], "project") != 0 &&
        strcmp(argv[1], "translate") != 0 && cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if (strcmp(argv[1], "target") == 0)
        return cmd_plan_target(argc - 1, argv + 1);
    if (strcmp(argv[1], "project") == 0)
        return cmd_plan_project(argc - 1, argv + 1);
    if (strcmp(argv[1], "translate") == 0)
        return cmd_plan_translate(argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return plan_show(argc - 1, argv + 1);
    if (strcmp(argv[1], "activate") == 0)
        return plan_activate(argc - 1, argv + 1);
    fprintf(stderr, "shishi plan: unknown subcommand '%s'\n%s", argv[1], USAGE);
    return SS_EXIT_USAGE;
}
