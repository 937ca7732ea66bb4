/*
 * cmd_import.c - `shishi import FILE|-`: read a plan into a draft, to be
 * reviewed (plan show --draft), corrected (plan target ...) and activated
 * (plan activate).
 *
 * FILE is either a published announcement (any text `shishi extract`
 * reads) or a plan as JSON (what `shishi extract` prints, perhaps
 * corrected by hand, or what `plan show --json` prints; docs/plan-
 * schema.md). Which one is decided by the first character: JSON starts with
 * { (or a list, which is refused as not a plan), an announcement never
 * does. Reading JSON as text once stored 51 projects titled "text".
 *
 * The plan's year is the one the text or JSON names, else --year; without
 * either nothing is stored. The issuing government's org unit is
 * --top-org, else the JSON's plan.top_org, else guessed from the issuer's
 * name by a generic rule (drop the trailing 人民政府 / 政府 / 办公厅 ...,
 * then match an org unit's name, walking down the tree for names like
 * 乌鲁木齐市天山区); when nothing matches it stays empty with a warning. A
 * plan without any target is refused: there would be nothing to review.
 */
#include <errno.h>
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
#include "core/plan_import.h"
#include "core/plan_json.h"
#include "extract/extract.h"
#include "store/store.h"

static const char USAGE[] =
    "usage: shishi import FILE|- [--db FILE] [--year Y] [--top-org CODE] [--json]\n\n"
    "Store a plan as a draft to review. FILE (- is stdin) is either\n"
    "  - a published announcement of livelihood commitments (any text `shishi\n"
    "    extract` reads: UTF-8 or GB18030, a copied web page), or\n"
    "  - the plan as JSON: what `shishi extract FILE > plan.json` prints, after\n"
    "    any correction by hand, or what `shishi plan show --json` prints\n"
    "    (schema: docs/plan-schema.md).\n"
    "JSON is recognised by its first character ({); everything else is read as\n"
    "an announcement. Each target's kind is guessed from its unit and wording\n"
    "unless the JSON gives it; the period is the calendar year unless the JSON\n"
    "gives one; thresholds are yellow 10 / red 30 points.\n\n"
    "  --year Y         the plan's year when the text or JSON does not name one\n"
    "  --top-org CODE   the issuing government's org unit (default: the JSON's\n"
    "                   plan.top_org, else guessed from the issuer's name among\n"
    "                   the loaded divisions)\n"
    "  --json           print {\"plan_id\",\"input\",\"projects\",\"targets\",\n"
    "                   \"top_org\",\"year\",\"warnings\"}; input is \"json\" or \"text\"\n\n"
    "Then: review with `shishi plan show --draft`, correct with `shishi plan\n"
    "target set|add|split|merge|drop`, and make it current with `shishi plan activate`.\n\n"
    "Exit status: 0 ok, 1 refused (not text, JSON that is not a plan, no targets,\n"
    "no year), 2 usage, 3 --top-org unknown, 4 the file or database cannot be read.\n";

/* Warnings: the extractor's and this command's own. */
struct notes {
    size_t n, cap;
    char **v;
};

static void note_add(struct notes *w, const char *s)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 8;
        w->v = ss_xrealloc(w->v, w->cap * sizeof *w->v);
    }
    w->v[w->n++] = ss_xstrdup(s);
}

static void notes_free(struct notes *w)
{
    size_t i;

    for (i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
}

/* Guess the top org's code from the issuer; NULL and a note when none. */
static char *guess_top_org(struct ss_store *st, const char *issuer, struct notes *w)
{
    struct ss_buf why;
    char *code = NULL;

    ss_buf_init(&why, 1024);
    if (ss_plan_top_org_guess(st, issuer, &code, &why) != SS_OK && why.data)
        note_add(w, why.data);
    ss_buf_cleanup(&why);
    return code;
}

static void print_json(int64_t id, const char *input, const struct ss_plan *p,
                       const struct notes *w)
{
    struct ss_buf b;
    struct ss_json j;
    size_t i;

    ss_buf_init(&b, SS_MAX_OUTPUT);
    ss_json_init(&j, &b, 0);
    ss_json_obj(&j);
    ss_json_kint(&j, "plan_id", id);
    ss_json_kstr(&j, "input", input);
    ss_json_kint(&j, "projects", (long long)p->nprojects);
    ss_json_kint(&j, "targets", (long long)p->ntargets);
    ss_json_kstr(&j, "top_org", p->top_org);
    ss_json_kint(&j, "year", p->year);
    ss_json_key(&j, "warnings");
    ss_json_arr(&j);
    for (i = 0; i < w->n; i++)
        ss_json_str(&j, w->v[i]);
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&b, '\n');
    fwrite(b.data, 1, b.len, stdout);
    ss_buf_cleanup(&b);
}

static void print_text(struct ss_store *st, int64_t id, const char *input, const struct ss_plan *p,
                       const char *path, const struct notes *w, const char *db)
{
    struct ss_org org;
    size_t i;

    memset(&org, 0, sizeof org);
    for (i = 0; i < w->n; i++)
        fprintf(stderr, "shishi import: %s: warning: %s\n", path, w->v[i]);
    if (p->top_org)
        ss_store_org_get(st, p->top_org, &org);
    printf("imported draft plan %lld \"%s\" (%d, top org %s%s%s) from %s: %zu projects, %zu "
           "targets\n",
           (long long)id, p->title, p->year, p->top_org ? p->top_org : "none", org.name ? " " : "",
           org.name ? org.name : "", strcmp(input, "json") == 0 ? "plan JSON" : "the announcement",
           p->nprojects, p->ntargets);
    free(org.name);
    printf("next:\n"
           "  review:   shishi plan show --draft%s%s\n"
           "  correct:  shishi plan target set|add|split|merge|drop ...%s%s"
           "   (shishi plan target --help)\n"
           "  activate: shishi plan activate%s%s\n",
           db ? " --db " : "", db ? db : "", db ? " --db " : "", db ? db : "", db ? " --db " : "",
           db ? db : "");
}

/* Prefix err's message with where it came from: "FILE: FIELD: message". */
static void err_at(struct ss_err *err, const char *path)
{
    struct ss_err inner = *err;

    if (inner.field[0] && strcmp(inner.field, "json") != 0)
        ss_err_set(err, inner.code ? inner.code : SS_EINVAL, path, "%s: %s", inner.field,
                   ss_err_nest(&inner));
    else
        snprintf(err->field, sizeof err->field, "%s", path);
    if (!err->code)
        err->code = SS_EINVAL;
}

/* The plan JSON in text: a draft of year --year when it names none. */
static int read_json(const char *text, size_t len, const char *path, long year, int year_given,
                     struct ss_plan **p, struct notes *w, struct ss_err *err)
{
    struct ss_buf msg;
    int json_year = 0;

    if (ss_plan_import_json(text, len, (int)year, &json_year, p, err)) {
        if (strcmp(err->field, "plan.year") == 0 && !year_given)
            return ss_err_set(err, SS_EINVAL, "--year",
                              "%s: the plan names no year (plan.year is null): pass the plan's "
                              "year with --year Y",
                              path);
        err_at(err, path);
        return err->code;
    }
    if (year_given && json_year && json_year != year) {
        ss_buf_init(&msg, 256);
        ss_buf_printf(&msg, "the JSON names the year %d; --year %ld was ignored", json_year, year);
        note_add(w, msg.data);
        ss_buf_cleanup(&msg);
    }
    return SS_OK;
}

/* The announcement in text, through the extractor. */
static int read_text(const char *text, size_t len, const char *path, long year, int year_given,
                     struct ss_plan **p, struct notes *w, struct ss_err *err)
{
    struct ss_xplan *x = NULL;
    struct ss_buf msg;
    size_t i;

    if (ss_extract(text, len, &x, err) != SS_OK) {
        if (!err->field[0])
            err_at(err, path);
        if (!err->code)
            err->code = SS_EINVAL;
        return err->code;
    }
    for (i = 0; i < x->nwarnings; i++)
        note_add(w, x->warnings[i]);
    for (i = 0; i < x->nprojects && x->projects[i].ntargets == 0; i++)
        ;
    if (i == x->nprojects) { /* nothing to review: say so before asking for a year */
        ss_xplan_free(x);
        *p = ss_xcalloc(1, sizeof **p);
        return SS_OK;
    }
    if (x->year) {
        if (year_given && year != x->year) {
            ss_buf_init(&msg, 256);
            ss_buf_printf(&msg, "the text names the year %d; --year %ld was ignored", x->year,
                          year);
            note_add(w, msg.data);
            ss_buf_cleanup(&msg);
        }
        year = x->year;
    }
    if (!year) {
        ss_xplan_free(x);
        return ss_err_set(err, SS_EINVAL, "--year",
                          "the text names no year: pass the plan's year with --year Y");
    }
    *p = ss_plan_from_extract(x, (int)year);
    ss_xplan_free(x);
    return SS_OK;
}

/* The name the source is kept under: the file's, without its directory
 * ("" for stdin). */
static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return strcmp(path, "-") == 0 ? "" : slash ? slash + 1 : path;
}

int cmd_import(int argc, char **argv)
{
    const char *db = NULL, *year_s = NULL, *top = NULL, *path, *input;
    const char *pos[1];
    int npos = 0, json = 0, rc;
    const struct cli_opt opts[] = {{"db", 1, &db, NULL},
                                   {"year", 1, &year_s, NULL},
                                   {"top-org", 1, &top, NULL},
                                   {"json", 0, NULL, &json},
                                   {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_plan *p = NULL;
    struct ss_err err;
    struct ss_org org;
    struct notes w = {0, 0, NULL};
    char *text = NULL;
    size_t len = 0, i;
    long year = 0;
    int64_t id = 0;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("import", argc, argv, opts, pos, 1, &npos)))
        return rc;
    if (npos != 1) {
        fprintf(stderr, "shishi import: which file? (shishi import FILE, - for stdin)\n");
        return SS_EXIT_USAGE;
    }
    path = pos[0];
    ss_err_clear(&err);
    memset(&org, 0, sizeof org);
    if (year_s && (ss_parse_long(year_s, &year) || year < 1949 || year > 2200)) {
        ss_err_set(&err, SS_EINVAL, "--year", "'%s' is not a year such as 2026", year_s);
        goto out;
    }
    if (top &&
        (!*top || strlen(top) > SS_MAX_ORG_CODE || strspn(top, "0123456789") != strlen(top))) {
        ss_err_set(&err, SS_EINVAL, "--top-org", "'%s' is not an org unit code (digits, e.g. 65)",
                   top);
        goto out;
    }
    if (cli_read_announcement(path, &text, &len, &err))
        goto out;
    input = ss_plan_json_sniff(text, len) ? "json" : "text";
    if (strcmp(input, "json") == 0 ? read_json(text, len, path, year, year_s != NULL, &p, &w, &err)
                                   : read_text(text, len, path, year, year_s != NULL, &p, &w, &err))
        goto out;
    if (p->ntargets == 0) {
        for (i = 0; i < w.n; i++)
            fprintf(stderr, "shishi import: %s: warning: %s\n", path, w.v[i]);
        ss_err_set(&err, SS_EINVAL, path,
                   "no targets found, so there is nothing to review; no plan was stored");
        goto out;
    }
    if (ss_store_open(cli_db_path(db), 0, &st, &err)) {
        if (!err.code)
            err.code = SS_EIO;
        goto out;
    }
    if (top || p->top_org) {
        const char *code = top ? top : p->top_org;
        rc = ss_store_org_get(st, code, &org);
        if (rc == SS_ENOTFOUND) {
            if (top)
                ss_err_set(&err, SS_ENOTFOUND, "--top-org",
                           "there is no org unit %s (shishi divisions list shows them)", code);
            else
                ss_err_set(&err, SS_ENOTFOUND, path,
                           "plan.top_org: there is no org unit %s (shishi divisions list shows "
                           "them; --top-org CODE overrides it)",
                           code);
            goto out;
        }
        if (rc) {
            ss_err_set(&err, SS_EDB, "db", "could not read org unit %s", code);
            goto out;
        }
        free(p->top_org);
        p->top_org = ss_xstrdup(org.code);
    } else {
        p->top_org = guess_top_org(st, p->issuer, &w);
    }
    if (ss_store_begin(st, "system", &err) ||
        cli_tx_end(st,
                   ss_plan_import_store(st, p, file_name(path),
                                        strcmp(input, "text") == 0 ? text : NULL, len, &id, &err),
                   &err)) {
        if (!err.code)
            err.code = SS_EDB;
        goto out;
    }
    if (json)
        print_json(id, input, p, &w);
    else
        print_text(st, id, input, p, path, &w, db);
out:
    /* Every failure above filled err (codes are negative). */
    rc = err.code ? cli_fail("import", &err) : SS_EXIT_OK;
    free(org.name);
    free(text);
    notes_free(&w);
    ss_plan_free(p);
    ss_store_close(st);
    return rc;
}
