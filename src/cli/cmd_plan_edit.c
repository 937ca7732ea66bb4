/*
 * cmd_plan_edit.c - `shishi plan target set|add|split|merge|drop` and
 * `shishi plan project set`: correct the targets of a draft plan (one made
 * by `shishi import`) before it is activated, and set the two things that
 * may also change on the active plan: a target's schedule and a project's
 * lead department.
 *
 * Every flag is checked here first, and errors name the flag and its value;
 * the store then checks again, refuses what the plan's state does not allow
 * (store/store_draft.h), and makes each edit in one transaction, audited.
 * Each command prints what it changed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/plan_change.h"
#include "core/plan_edit.h"
#include "core/plan_json.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_draft.h"

static const char USAGE[] =
    "usage: shishi plan target set ID [--value V] [--unit U] [--op OP] [--metric M]\n"
    "                              [--text T] [--kind K] [--dept D] [--parent ID]\n"
    "                              [--schedule S] [--db FILE]\n"
    "       shishi plan target add --project N --text T --value V [--unit U] [--op OP]\n"
    "                              [--metric M] [--kind K] [--plan ID] [--db FILE]\n"
    "       shishi plan target split ID --values V1,V2[,...] --metrics M1,M2[,...] [--db FILE]\n"
    "       shishi plan target merge ID1 ID2 [--db FILE]\n"
    "       shishi plan target drop ID [--db FILE]\n\n"
    "Correct a draft plan's targets (shishi plan show --draft lists them with\n"
    "their ids). Only a draft plan can be edited, except for a target's schedule\n"
    "(set --schedule), which may also change on the active plan; each edit is\n"
    "saved whole or not at all. OP is >=, <= or =; K is count, amount, rate,\n"
    "change or milestone. shishi plan target COMMAND --help says more about each.\n";

static const char USAGE_SET[] =
    "usage: shishi plan target set ID [--value V] [--unit U] [--op OP] [--metric M]\n"
    "                              [--text T] [--kind K] [--dept D] [--parent ID]\n"
    "                              [--schedule S] [--db FILE]\n\n"
    "Correct target ID of a draft plan: its value (a number >= 0), unit, op\n"
    "(>=, <= or =), metric (what is counted), source text, kind (count, amount,\n"
    "rate, change, milestone) or responsible department (\"\" removes it).\n\n"
    "  --parent ID    make it a part of the total ID, an earlier target of the\n"
    "                 same project (0: a target of its own)\n\n"
    "  --schedule S   when it is due: twelve cumulative percentages, the share of\n"
    "                 the value due by the end of each month, never going down,\n"
    "                 the last 100 (e.g. 0,0,0,10,25,40,55,70,85,100,100,100 for\n"
    "                 outdoor works); 'linear' (the default) spreads it evenly.\n"
    "                 The schedule may also change on the active plan: that is a\n"
    "                 plan change, in the audit log, and status and the server's\n"
    "                 figures follow it at once.\n\n"
    "Prints each field that changed, old -> new.\n";

static const char USAGE_PROJECT[] =
    "usage: shishi plan project set N --lead-dept NAME [--plan ID | --draft] [--db FILE]\n\n"
    "Set the lead department (牵头单位) of project N of the current plan (or of\n"
    "plan ID, or of the newest draft). NAME \"\" removes it. The current plan may\n"
    "change this way too; the change is in the audit log.\n";

static const char USAGE_ADD[] =
    "usage: shishi plan target add --project N --text T --value V [--unit U] [--op OP]\n"
    "                              [--metric M] [--kind K] [--plan ID] [--db FILE]\n\n"
    "Add a target the extractor missed to project N of the newest draft plan\n"
    "(or plan ID), after the project's last target. Defaults: op =, metric the\n"
    "text, no unit, kind guessed from unit and text.\n";

static const char USAGE_SPLIT[] =
    "usage: shishi plan target split ID --values V1,V2[,...] --metrics M1,M2[,...]\n"
    "                                [--db FILE]\n\n"
    "Split target ID into parts: ID keeps the first value and metric; each\n"
    "further pair becomes a new target right after it, with the same project,\n"
    "text, unit, op and kind. Both lists are separated by ASCII commas and must\n"
    "have the same length (2 or more).\n";

static const char USAGE_MERGE[] =
    "usage: shishi plan target merge ID1 ID2 [--db FILE]\n\n"
    "Merge ID2 into ID1 (same project and unit): ID1's value becomes the sum,\n"
    "the texts are joined with \"；\", ID2 is dropped and its parts become ID1's.\n";

static const char USAGE_DROP[] =
    "usage: shishi plan target drop ID [--db FILE]\n\n"
    "Drop target ID (not a target after all). Targets that were its parts stay,\n"
    "without a parent.\n";

/* --- flag checks: each names the flag and its value -------------------- */

static int parse_id(const char *flag, const char *s, int64_t *out, struct ss_err *err)
{
    long v;

    if (ss_parse_long(s, &v) || v < 1)
        return ss_err_set(err, SS_EINVAL, flag, "'%s' is not a target id", s);
    *out = v;
    return SS_OK;
}

static int parse_value(const char *flag, const char *s, double *out, struct ss_err *err)
{
    if (ss_parse_double(s, out) || !isfinite(*out) || *out < 0)
        return ss_err_set(err, SS_EINVAL, flag, "'%s' is not a number >= 0", s);
    return SS_OK;
}

static int check_str(const char *flag, const char *s, size_t max, int required, struct ss_err *err)
{
    size_t n;

    if (!s)
        return SS_OK;
    n = strlen(s);
    if (!ss_utf8_valid(s, n))
        return ss_err_set(err, SS_EINVAL, flag, "the value is not valid UTF-8");
    if (required && n == 0)
        return ss_err_set(err, SS_EINVAL, flag, "must not be empty");
    if (n > max)
        return ss_err_set(err, SS_EINVAL, flag, "'%.40s...' is %zu bytes long; at most %zu", s, n,
                          max);
    return SS_OK;
}

static int parse_op(const char *s, enum ss_op *out, struct ss_err *err)
{
    if (ss_op_parse(s, out))
        return ss_err_set(err, SS_EINVAL, "--op", "'%s' is not one of >=, <=, =", s);
    return SS_OK;
}

static int parse_kind(const char *s, enum ss_kind *out, struct ss_err *err)
{
    if (ss_kind_parse(s, out))
        return ss_err_set(err, SS_EINVAL, "--kind",
                          "'%s' is not one of count, amount, rate, change, milestone", s);
    return SS_OK;
}

/* Split "a,b,c" on ASCII commas into a malloc'd copy and pointers into it. */
static int split_list(const char *flag, const char *s, char **copy, char ***parts, size_t *n,
                      struct ss_err *err)
{
    size_t cap = 1, i;
    const char *q;
    char *p;

    for (q = s; *q; q++)
        cap += *q == ',';
    if (cap > SS_MAX_SPLIT)
        return ss_err_set(err, SS_EINVAL, flag, "at most %d parts", SS_MAX_SPLIT);
    *copy = ss_xstrdup(s);
    *parts = ss_xcalloc(cap, sizeof **parts);
    *n = 0;
    for (p = *copy;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        (*parts)[(*n)++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    for (i = 0; i < *n; i++)
        if (!*(*parts)[i])
            return ss_err_set(err, SS_EINVAL, flag, "'%s': part %zu is empty", s, i + 1);
    return SS_OK;
}

/* --- shared steps ------------------------------------------------------ */

/* Begin the edit's transaction by who runs the command (the audit log's
 * actor). The store is closed on every way out, which rolls back what was
 * not committed. */
static int begin(struct ss_store *st, struct ss_err *err)
{
    const char *user = getenv("USER");
    char by[96];

    snprintf(by, sizeof by, "admin:%s", user && *user ? user : "cli");
    return ss_store_begin(st, by, err);
}

/* Open the store and load the plan holding target id; *t points into it.
 * The plan must be a draft; active_ok lets the active plan through too
 * (for the schedule), `flag` naming what the refusal is about. */
static int open_target_in(const char *db, int64_t id, int active_ok, const char *flag,
                          struct ss_store **st, struct ss_plan **p, const struct ss_target **t,
                          struct ss_err *err)
{
    struct ss_target_home home;
    long i;
    int rc;

    if ((rc = ss_store_open(cli_db_path(db), 0, st, err)) || (rc = begin(*st, err)))
        return rc;
    if ((rc = ss_store_target_home(*st, id, &home, err)))
        return rc;
    if (home.state == SS_PLAN_ACTIVE && !active_ok && flag)
        return ss_err_set(err, SS_ECONFLICT, flag,
                          "only a draft plan can be edited: target #%lld belongs to plan %lld, "
                          "which is active; of the active plan only --schedule changes (correct "
                          "a draft and activate it for the rest)",
                          (long long)id, (long long)home.plan_id);
    if (home.state != SS_PLAN_DRAFT && !(home.state == SS_PLAN_ACTIVE && active_ok))
        return ss_err_set(err, SS_ECONFLICT, "ID",
                          "only a draft plan can be edited: target #%lld belongs to plan %lld, "
                          "which is %s",
                          (long long)id, (long long)home.plan_id,
                          home.state == SS_PLAN_ACTIVE ? "active" : "archived");
    if ((rc = ss_store_plan_load(*st, home.plan_id, p, err)))
        return rc;
    i = ss_plan_target_index(*p, id);
    if (i < 0)
        return ss_err_set(err, SS_ENOTFOUND, "ID", "there is no target #%lld", (long long)id);
    *t = &(*p)->targets[i];
    return SS_OK;
}

static int open_target(const char *db, int64_t id, struct ss_store **st, struct ss_plan **p,
                       const struct ss_target **t, struct ss_err *err)
{
    return open_target_in(db, id, 0, NULL, st, p, t, err);
}

static void put_target(struct ss_buf *b, const struct ss_target *t)
{
    ss_buf_printf(b, "%s %s ", t->metric, ss_op_str(t->op));
    ss_buf_num(b, t->value, 4);
    ss_buf_printf(b, " %s [%s]", t->unit, ss_kind_str(t->kind));
}

static void put_change(struct ss_buf *b, const char *field, const char *from, const char *to)
{
    if (to && strcmp(from ? from : "", to) != 0)
        ss_buf_printf(b, "  %s: %s -> %s\n", field, from && *from ? from : "(none)",
                      *to ? to : "(none)");
}

static int finish(const char *cmd, struct ss_buf *out, struct ss_err *err, struct ss_plan *p,
                  struct ss_store *st)
{
    int rc = SS_EXIT_OK;

    if (err->code)
        rc = cli_fail(cmd, err);
    else
        fwrite(out->data, 1, out->len, stdout);
    ss_buf_cleanup(out);
    ss_plan_free(p);
    ss_store_close(st);
    return rc;
}

/* --help, then the options: -1 to go on, else the exit status to return. */
static int parse_args(const char *cmd, const char *usage, int argc, char **argv,
                      const struct cli_opt *opts, const char **pos, int maxpos, int *npos)
{
    int rc;

    if (cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse(cmd, argc, argv, opts, pos, maxpos, npos)))
        return rc;
    return -1;
}

/* A call missing what it needs: say what, then the usage. */
static int usage_error(const char *cmd, const char *what, const char *usage)
{
    fprintf(stderr, "shishi %s: %s\n%s", cmd, what, usage);
    return SS_EXIT_USAGE;
}

/* --- the commands ------------------------------------------------------ */

static int target_set(int argc, char **argv)
{
    const char *db = NULL, *value = NULL, *unit = NULL, *op = NULL, *metric = NULL, *text = NULL,
               *kind = NULL, *dept = NULL, *schedule = NULL, *parent = NULL;
    const struct cli_opt opts[] = {{"db", 1, &db, NULL},
                                   {"value", 1, &value, NULL},
                                   {"unit", 1, &unit, NULL},
                                   {"op", 1, &op, NULL},
                                   {"metric", 1, &metric, NULL},
                                   {"text", 1, &text, NULL},
                                   {"kind", 1, &kind, NULL},
                                   {"dept", 1, &dept, NULL},
                                   {"schedule", 1, &schedule, NULL},
                                   {"parent", 1, &parent, NULL},
                                   {NULL, 0, NULL, NULL}};
    const char *draft_flag, *pos[1];
    struct ss_schedule_err se;
    struct ss_target_edit e;
    struct ss_store *st = NULL;
    struct ss_plan *p = NULL;
    const struct ss_target *t = NULL;
    struct ss_err err;
    struct ss_buf out;
    int64_t id = 0;
    int npos, rc;

    if ((rc = parse_args("plan target set", USAGE_SET, argc, argv, opts, pos, 1, &npos)) >= 0)
        return rc;
    /* the first flag that needs a draft, to name in a refusal */
    draft_flag = value    ? "--value"
                 : unit   ? "--unit"
                 : op     ? "--op"
                 : metric ? "--metric"
                 : text   ? "--text"
                 : kind   ? "--kind"
                 : dept   ? "--dept"
                 : parent ? "--parent"
                          : NULL;
    if (npos != 1 || !(draft_flag || schedule))
        return usage_error("plan target set", "which target, and what to change?", USAGE_SET);
    ss_err_clear(&err);
    ss_buf_init(&out, SS_MAX_OUTPUT);
    memset(&e, 0, sizeof e);
    e.text = text;
    e.metric = metric;
    e.unit = unit;
    e.dept = dept;
    e.set_value = value != NULL;
    e.set_op = op != NULL;
    e.set_kind = kind != NULL;
    e.set_parent = parent != NULL;
    if (parent && strcmp(parent, "0") != 0 && parse_id("--parent", parent, &e.parent_id, &err))
        goto out;
    if (parse_id("ID", pos[0], &id, &err) ||
        (value && parse_value("--value", value, &e.value, &err)) ||
        (op && parse_op(op, &e.op, &err)) || (kind && parse_kind(kind, &e.kind, &err)) ||
        check_str("--text", text, SS_MAX_TARGET_TEXT, 1, &err) ||
        check_str("--metric", metric, SS_MAX_NAME, 1, &err) ||
        check_str("--unit", unit, SS_MAX_UNIT, 0, &err) ||
        check_str("--dept", dept, SS_MAX_NAME, 0, &err))
        goto out;
    if (schedule) {
        if (ss_schedule_parse(schedule, e.profile, &e.has_profile, &se)) {
            ss_schedule_err_set(&se, "--schedule", &err);
            goto out;
        }
        e.set_profile = 1;
    }
    if (open_target_in(db, id, !draft_flag, draft_flag, &st, &p, &t, &err) ||
        cli_tx_end(st, ss_plan_target_update(st, id, &e, &err), &err))
        goto out;
    ss_buf_printf(&out, "target #%lld (project %d) corrected:\n", (long long)id, t->project_no);
    if (value && e.value != t->value) {
        ss_buf_puts(&out, "  value: ");
        ss_buf_num(&out, t->value, 6);
        ss_buf_puts(&out, " -> ");
        ss_buf_num(&out, e.value, 6);
        ss_buf_putc(&out, '\n');
    }
    put_change(&out, "unit", t->unit, unit);
    put_change(&out, "op", ss_op_str(t->op), op ? ss_op_str(e.op) : NULL);
    put_change(&out, "kind", ss_kind_str(t->kind), kind ? ss_kind_str(e.kind) : NULL);
    put_change(&out, "metric", t->metric, metric);
    put_change(&out, "text", t->text, text);
    put_change(&out, "dept", t->dept, dept);
    if (parent) {
        char was[24], now[24];
        snprintf(was, sizeof was, "%lld", (long long)t->parent_id);
        snprintf(now, sizeof now, "%lld", (long long)e.parent_id);
        put_change(&out, "parent", t->parent_id ? was : "none", e.parent_id ? now : "none");
    }
    if (schedule) {
        struct ss_buf was, now;
        ss_buf_init(&was, 256);
        ss_buf_init(&now, 256);
        if (t->has_profile)
            ss_schedule_format(t->profile, &was);
        if (e.has_profile)
            ss_schedule_format(e.profile, &now);
        put_change(&out, "schedule (% due by each month's end)", was.data ? was.data : "linear",
                   now.data ? now.data : "linear");
        ss_buf_cleanup(&was);
        ss_buf_cleanup(&now);
    }
    if (!strchr(out.data, '\n') || !strchr(strchr(out.data, '\n') + 1, ':'))
        ss_buf_puts(&out, "  (nothing changed: the values given are the ones it had)\n");
    else if (p->state == SS_PLAN_ACTIVE)
        ss_buf_printf(&out,
                      "  plan %lld is the active plan: its figures follow the new schedule from "
                      "now on; the change is in the audit log\n",
                      (long long)p->id);
out:
    return finish("plan target set", &out, &err, p, st);
}

static int target_add(int argc, char **argv)
{
    const char *db = NULL, *project = NULL, *text = NULL, *value = NULL, *unit = NULL, *op = NULL,
               *metric = NULL, *kind = NULL, *plan = NULL;
    const struct cli_opt opts[] = {{"db", 1, &db, NULL},         {"project", 1, &project, NULL},
                                   {"text", 1, &text, NULL},     {"value", 1, &value, NULL},
                                   {"unit", 1, &unit, NULL},     {"op", 1, &op, NULL},
                                   {"metric", 1, &metric, NULL}, {"kind", 1, &kind, NULL},
                                   {"plan", 1, &plan, NULL},     {NULL, 0, NULL, NULL}};
    const char *pos[1];
    struct ss_target t;
    struct ss_store *st = NULL;
    struct ss_err err;
    struct ss_buf out;
    int64_t plan_id = 0, id = 0;
    long no = 0;
    int npos, rc;

    if ((rc = parse_args("plan target add", USAGE_ADD, argc, argv, opts, pos, 0, &npos)) >= 0)
        return rc;
    if (!project || !text || !value)
        return usage_error("plan target add", "--project, --text and --value are required",
                           USAGE_ADD);
    ss_err_clear(&err);
    ss_buf_init(&out, SS_MAX_OUTPUT);
    memset(&t, 0, sizeof t);
    t.op = SS_OP_EQ;
    t.text = (char *)text;
    t.metric = (char *)(metric ? metric : text);
    t.unit = (char *)(unit ? unit : "");
    if (ss_parse_long(project, &no) || no < 1 || no > 10000) {
        ss_err_set(&err, SS_EINVAL, "--project", "'%s' is not a project number", project);
        goto out;
    }
    if ((plan && parse_id("--plan", plan, &plan_id, &err)) ||
        parse_value("--value", value, &t.value, &err) || (op && parse_op(op, &t.op, &err)) ||
        check_str("--text", text, SS_MAX_TARGET_TEXT, 1, &err) ||
        check_str("--metric", metric, SS_MAX_NAME, 1, &err) ||
        check_str("--unit", unit, SS_MAX_UNIT, 0, &err))
        goto out;
    if (kind) {
        if (parse_kind(kind, &t.kind, &err))
            goto out;
    } else {
        t.kind = ss_kind_guess(t.unit, t.text);
    }
    if (ss_store_open(cli_db_path(db), 0, &st, &err) || begin(st, &err))
        goto out;
    if (!plan_id && !(plan_id = ss_store_plan_latest_draft(st))) {
        ss_err_set(&err, SS_ENOTFOUND, "--plan",
                   "there is no draft plan (shishi import FILE makes one)");
        goto out;
    }
    if (cli_tx_end(st, ss_plan_target_add(st, plan_id, (int)no, &t, &id, &err), &err))
        goto out;
    t.id = id;
    ss_buf_printf(&out, "added target #%lld to project %ld of plan %lld: ", (long long)id, no,
                  (long long)plan_id);
    put_target(&out, &t);
    ss_buf_putc(&out, '\n');
out:
    return finish("plan target add", &out, &err, NULL, st);
}

static int target_split(int argc, char **argv)
{
    const char *db = NULL, *values = NULL, *metrics = NULL;
    const struct cli_opt opts[] = {{"db", 1, &db, NULL},
                                   {"values", 1, &values, NULL},
                                   {"metrics", 1, &metrics, NULL},
                                   {NULL, 0, NULL, NULL}};
    const char *pos[1];
    struct ss_store *st = NULL;
    struct ss_plan *p = NULL;
    const struct ss_target *t = NULL;
    struct ss_err err;
    struct ss_buf out;
    char *vcopy = NULL, *mcopy = NULL, **vparts = NULL, **mparts = NULL;
    double *v = NULL;
    int64_t id = 0, *ids = NULL;
    size_t nv = 0, nm = 0, i;
    int npos, rc;

    if ((rc = parse_args("plan target split", USAGE_SPLIT, argc, argv, opts, pos, 1, &npos)) >= 0)
        return rc;
    if (npos != 1 || !values || !metrics)
        return usage_error("plan target split", "ID, --values and --metrics are required",
                           USAGE_SPLIT);
    ss_err_clear(&err);
    ss_buf_init(&out, SS_MAX_OUTPUT);
    if (parse_id("ID", pos[0], &id, &err) ||
        split_list("--values", values, &vcopy, &vparts, &nv, &err) ||
        split_list("--metrics", metrics, &mcopy, &mparts, &nm, &err))
        goto out;
    if (nv < 2) {
        ss_err_set(&err, SS_EINVAL, "--values", "'%s': a split needs 2 or more values", values);
        goto out;
    }
    if (nv != nm) {
        ss_err_set(&err, SS_EINVAL, "--metrics",
                   "%zu metrics for %zu values; give one metric per value", nm, nv);
        goto out;
    }
    v = ss_xcalloc(nv, sizeof *v);
    ids = ss_xcalloc(nv, sizeof *ids);
    for (i = 0; i < nv; i++)
        if (parse_value("--values", vparts[i], &v[i], &err) ||
            check_str("--metrics", mparts[i], SS_MAX_NAME, 1, &err))
            goto out;
    if (open_target(db, id, &st, &p, &t, &err) ||
        cli_tx_end(st, ss_plan_target_split(st, id, v, (const char *const *)mparts, nv, ids, &err),
                   &err))
        goto out;
    ss_buf_printf(&out, "target #%lld (project %d) split in %zu:\n  #%lld ", (long long)id,
                  t->project_no, nv, (long long)id);
    ss_buf_printf(&out, "%s ", t->metric);
    ss_buf_num(&out, t->value, 6);
    ss_buf_printf(&out, " -> %s ", mparts[0]);
    ss_buf_num(&out, v[0], 6);
    ss_buf_printf(&out, " %s\n", t->unit);
    for (i = 1; i < nv; i++) {
        ss_buf_printf(&out, "  #%lld (new) %s %s ", (long long)ids[i - 1], mparts[i],
                      ss_op_str(t->op));
        ss_buf_num(&out, v[i], 6);
        ss_buf_printf(&out, " %s\n", t->unit);
    }
out:
    free(vcopy);
    free(mcopy);
    free(vparts);
    free(mparts);
    free(v);
    free(ids);
    return finish("plan target split", &out, &err, p, st);
}

static int target_merge(int argc, char **argv)
{
    const char *db = NULL;
    const struct cli_opt opts[] = {{"db", 1, &db, NULL}, {NULL, 0, NULL, NULL}};
    const char *pos[2];
    struct ss_store *st = NULL;
    struct ss_plan *p = NULL;
    const struct ss_target *ta = NULL;
    struct ss_err err;
    struct ss_buf out;
    int64_t a = 0, b = 0;
    long ib;
    int npos, rc, moved = 0;

    if ((rc = parse_args("plan target merge", USAGE_MERGE, argc, argv, opts, pos, 2, &npos)) >= 0)
        return rc;
    if (npos != 2)
        return usage_error("plan target merge", "which two targets?", USAGE_MERGE);
    ss_err_clear(&err);
    ss_buf_init(&out, SS_MAX_OUTPUT);
    if (parse_id("ID1", pos[0], &a, &err) || parse_id("ID2", pos[1], &b, &err))
        goto out;
    if (open_target(db, a, &st, &p, &ta, &err))
        goto out;
    ib = ss_plan_target_index(p, b);
    if (cli_tx_end(st, ss_plan_target_merge(st, a, b, &moved, &err), &err))
        goto out;
    /* Merge succeeded, so b was in a's project (and plan): ib >= 0. */
    ss_buf_printf(&out, "merged target #%lld into #%lld (project %d):\n  value: ", (long long)b,
                  (long long)a, ta->project_no);
    ss_buf_num(&out, ta->value, 6);
    ss_buf_puts(&out, " + ");
    ss_buf_num(&out, ib >= 0 ? p->targets[ib].value : 0, 6);
    ss_buf_puts(&out, " -> ");
    ss_buf_num(&out, ta->value + (ib >= 0 ? p->targets[ib].value : 0), 6);
    ss_buf_printf(&out, " %s\n  text: %s；%s\n  #%lld dropped", ta->unit, ta->text,
                  ib >= 0 ? p->targets[ib].text : "", (long long)b);
    if (moved)
        ss_buf_printf(&out, "; %d of its parts now belong to #%lld", moved, (long long)a);
    ss_buf_putc(&out, '\n');
out:
    return finish("plan target merge", &out, &err, p, st);
}

static int target_drop(int argc, char **argv)
{
    const char *db = NULL;
    const struct cli_opt opts[] = {{"db", 1, &db, NULL}, {NULL, 0, NULL, NULL}};
    const char *pos[1];
    struct ss_store *st = NULL;
    struct ss_plan *p = NULL;
    const struct ss_target *t = NULL;
    struct ss_err err;
    struct ss_buf out;
    int64_t id = 0;
    int npos, rc, orphans = 0;

    if ((rc = parse_args("plan target drop", USAGE_DROP, argc, argv, opts, pos, 1, &npos)) >= 0)
        return rc;
    if (npos != 1)
        return usage_error("plan target drop", "which target?", USAGE_DROP);
    ss_err_clear(&err);
    ss_buf_init(&out, SS_MAX_OUTPUT);
    if (parse_id("ID", pos[0], &id, &err) || open_target(db, id, &st, &p, &t, &err) ||
        cli_tx_end(st, ss_plan_target_drop(st, id, &orphans, &err), &err))
        goto out;
    ss_buf_printf(&out, "dropped target #%lld from project %d: ", (long long)id, t->project_no);
    put_target(&out, t);
    ss_buf_putc(&out, '\n');
    if (orphans)
        ss_buf_printf(&out, "  %d of its parts are now targets without a parent\n", orphans);
out:
    return finish("plan target drop", &out, &err, p, st);
}

static int project_set(int argc, char **argv)
{
    const char *db = NULL, *lead = NULL, *plan = NULL;
    int draft = 0, npos, rc;
    const struct cli_opt opts[] = {{"db", 1, &db, NULL},
                                   {"lead-dept", 1, &lead, NULL},
                                   {"plan", 1, &plan, NULL},
                                   {"draft", 0, NULL, &draft},
                                   {NULL, 0, NULL, NULL}};
    const char *pos[1];
    struct ss_store *st = NULL;
    struct ss_plan *p = NULL;
    struct ss_err err;
    struct ss_buf out;
    int64_t plan_id = 0;
    size_t i;
    long no = 0;

    if ((rc = parse_args("plan project set", USAGE_PROJECT, argc, argv, opts, pos, 1, &npos)) >= 0)
        return rc;
    if (npos != 1 || !lead)
        return usage_error("plan project set", "which project, and which lead department?",
                           USAGE_PROJECT);
    if (plan && draft)
        return usage_error("plan project set", "--plan or --draft, not both", USAGE_PROJECT);
    ss_err_clear(&err);
    ss_buf_init(&out, SS_MAX_OUTPUT);
    if (ss_parse_long(pos[0], &no) || no < 1 || no > 10000) {
        ss_err_set(&err, SS_EINVAL, "N", "'%s' is not a project number", pos[0]);
        goto out;
    }
    if ((plan && parse_id("--plan", plan, &plan_id, &err)) ||
        check_str("--lead-dept", lead, SS_MAX_NAME, 0, &err))
        goto out;
    if (ss_store_open(cli_db_path(db), 0, &st, &err) || begin(st, &err))
        goto out;
    if (draft && !(plan_id = ss_store_plan_latest_draft(st))) {
        ss_err_set(&err, SS_ENOTFOUND, "--draft",
                   "there is no draft plan (shishi import FILE makes one)");
        goto out;
    }
    if (ss_store_plan_load(st, plan_id, &p, &err))
        goto out;
    for (i = 0; i < p->nprojects && p->projects[i].no != no; i++)
        ;
    if (i == p->nprojects) {
        ss_err_set(&err, SS_ENOTFOUND, "N", "plan %lld has no project %ld (plan show lists them)",
                   (long long)p->id, no);
        goto out;
    }
    if (cli_tx_end(st, ss_plan_project_lead(st, p->id, (int)no, lead, &err), &err))
        goto out;
    ss_buf_printf(&out, "project %ld of plan %lld (%s) corrected:\n", no, (long long)p->id,
                  p->state == SS_PLAN_DRAFT ? "draft" : "active");
    put_change(&out, "lead department",
               strcmp(p->projects[i].lead_dept, "unknown") == 0 ? "" : p->projects[i].lead_dept,
               strcmp(lead, "unknown") == 0 ? "" : lead);
    if (!strchr(strchr(out.data, '\n') + 1, ':'))
        ss_buf_puts(&out, "  (nothing changed: it had this lead department)\n");
out:
    return finish("plan project set", &out, &err, p, st);
}

int cmd_plan_project(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(USAGE_PROJECT, argc < 2 ? stderr : stdout);
        return argc < 2 ? SS_EXIT_USAGE : SS_EXIT_OK;
    }
    if (strcmp(argv[1], "set") == 0)
        return project_set(argc - 1, argv + 1);
    fprintf(stderr, "shishi plan project: unknown subcommand '%s'\n%s", argv[1], USAGE_PROJECT);
    return SS_EXIT_USAGE;
}

int cmd_plan_target(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } SUBS[] = {{"set", target_set},
                {"add", target_add},
                {"split", target_split},
                {"merge", target_merge},
                {"drop", target_drop}};
    size_t i;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? SS_EXIT_USAGE : SS_EXIT_OK;
    }
    for (i = 0; i < SS_ARRAY_LEN(SUBS); i++)
        if (strcmp(argv[1], SUBS[i].name) == 0)
            return SUBS[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "shishi plan target: unknown subcommand '%s'\n%s", argv[1], USAGE);
    return SS_EXIT_USAGE;
}
