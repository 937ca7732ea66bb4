/*
 * cmd_plan_translate.c - `shishi plan translate --lang en|ug FILE`: an
 * admin's translations of the plan's title, the projects' and targets'
 * titles and the org units' names, from a two-column sheet (xlsx or CSV)
 * of id and text (core/translate.h); and `--template`, the sheet to fill
 * in: every id with its current translation and the Chinese beside it.
 *
 * Every row is checked first; one bad row stores nothing, and each is
 * named with its row and column. The rows are stored in one audited
 * transaction; a running server shows them at its next request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/escape.h"
#include "base/l10n.h"
#include "base/limits.h"
#include "base/sheet.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/translate.h"
#include "store/store.h"

static const char USAGE[] =
    "usage: shishi plan translate --lang en|ug [--id N | --draft] [--encoding E] FILE [--db FILE]\n"
    "       shishi plan translate --lang en|ug [--id N | --draft] --template [--db FILE]\n\n"
    "Translations of the plan's content into English or Uyghur, shown on the\n"
    "pages in that language (the Chinese is shown where there is none). FILE\n"
    "is a sheet (.xlsx, or CSV in UTF-8 or GB18030; --encoding utf-8|gb18030\n"
    "to say which) of two columns: the id and the text. Ids:\n"
    "  plan          the plan's title\n"
    "  project:N     the title of project N\n"
    "  target:ID     the title of target ID (plan show lists the ids)\n"
    "  org:CODE      the name of org unit CODE\n"
    "An empty text removes a translation; a first row reading \"id\" is a\n"
    "header; other columns are ignored. Every row is checked before anything\n"
    "is stored, and nothing is stored when a row is wrong.\n"
    "--template prints that sheet as CSV: every id of the plan and of the org\n"
    "units under its issuer, the current translation, and the Chinese.\n"
    "The plan is the current one, or --id N, or the newest --draft.\n";

static void csv_row(struct ss_buf *b, const char *id, const char *text, const char *zh)
{
    ss_esc_csv(b, id, strlen(id));
    ss_buf_putc(b, ',');
    if (text)
        ss_esc_csv(b, text, strlen(text));
    ss_buf_putc(b, ',');
    ss_esc_csv(b, zh ? zh : "", zh ? strlen(zh) : 0);
    ss_buf_puts(b, "\r\n");
}

/* 1 if org i is the top unit (code top) or below it. */
static int under(const struct ss_org *orgs, size_t n, size_t i, const char *top)
{
    size_t hops, k;

    if (!top)
        return 1;
    for (hops = 0; hops < 16; hops++) {
        if (strcmp(orgs[i].code, top) == 0)
            return 1;
        for (k = 0; k < n && orgs[k].id != orgs[i].parent_id; k++)
            ;
        if (k == n)
            return 0;
        i = k;
    }
    return 0;
}

static int template(struct ss_store *st, const struct ss_plan *p, enum ss_lang lang,
                    struct ss_err *err)
{
    struct ss_texts *t = NULL;
    struct ss_org *orgs = NULL;
    struct ss_buf b;
    size_t norgs = 0, i, k;
    char id[48];
    int rc;

    if ((rc = ss_texts_load(st, &t, err)))
        return rc;
    if ((rc = ss_store_orgs_load(st, &orgs, &norgs))) {
        ss_texts_free(t);
        return ss_err_set(err, rc, "db", "cannot read the org units");
    }
    ss_buf_init(&b, SS_MAX_OUTPUT);
    csv_row(&b, "id", "text", "中文");
    csv_row(&b, "plan", ss_texts_get_id(t, SS_TEXT_PLAN, p->id, lang), p->title);
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        snprintf(id, sizeof id, "project:%d", pr->no);
        csv_row(&b, id, ss_texts_get_id(t, SS_TEXT_PROJECT, pr->id, lang), pr->title);
        for (k = 0; k < p->ntargets; k++) {
            const struct ss_target *x = &p->targets[k];
            if (x->project_no != pr->no)
                continue;
            snprintf(id, sizeof id, "target:%lld", (long long)x->id);
            csv_row(&b, id, ss_texts_get_id(t, SS_TEXT_TARGET, x->id, lang), x->metric);
        }
    }
    for (i = 0; i < norgs; i++) {
        if (!under(orgs, norgs, i, p->top_org))
            continue;
        snprintf(id, sizeof id, "org:%s", orgs[i].code);
        csv_row(&b, id, ss_texts_get(t, SS_TEXT_ORG, orgs[i].code, lang), orgs[i].name);
    }
    if (b.err)
        rc = ss_err_set(err, SS_EINVAL, "--template", "the output exceeds its limit");
    else
        fwrite(b.data, 1, b.len, stdout);
    ss_buf_cleanup(&b);
    ss_orgs_free(orgs, norgs);
    ss_texts_free(t);
    return rc;
}

int cmd_plan_translate(int argc, char **argv)
{
    const char *db = NULL, *id = NULL, *lang_s = NULL, *enc_s = NULL, *pos[1] = {NULL};
    int draft = 0, tmpl = 0, npos = 0, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},       {"id", 1, &id, NULL},
                             {"lang", 1, &lang_s, NULL}, {"encoding", 1, &enc_s, NULL},
                             {"draft", 0, NULL, &draft}, {"template", 0, NULL, &tmpl},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_plan *p = NULL;
    struct ss_sheet sheet;
    struct ss_translate_result res;
    struct ss_err err;
    enum ss_sheet_enc enc;
    enum ss_lang lang;
    char *data = NULL, by[96];
    const char *user = getenv("USER");
    size_t len = 0, i;
    long plan_id = 0;

    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if ((rc = cli_parse("plan translate", argc, argv, opts, pos, 1, &npos)))
        return rc;
    memset(&sheet, 0, sizeof sheet);
    memset(&res, 0, sizeof res);
    ss_err_clear(&err);
    if (!lang_s || (npos != 1 && !tmpl) || (npos && tmpl) || (id && draft)) {
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    if (ss_text_lang(lang_s, "--lang", &lang, &err))
        return cli_fail("plan translate", &err);
    if (ss_sheet_enc_parse(enc_s, &enc)) {
        ss_err_set(&err, SS_EINVAL, "--encoding", "encoding is utf-8 or gb18030 (or left out)");
        return cli_fail("plan translate", &err);
    }
    if (id && (ss_parse_long(id, &plan_id) || plan_id < 1)) {
        ss_err_set(&err, SS_EINVAL, "--id", "'%s' is not a plan id", id);
        return cli_fail("plan translate", &err);
    }
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)))
        goto fail;
    if (draft && !(plan_id = ss_store_plan_latest_draft(st))) {
        rc = ss_err_set(&err, SS_ENOTFOUND, "--draft",
                        "there is no draft plan (shishi import FILE makes one)");
        goto fail;
    }
    if ((rc = ss_store_plan_load(st, plan_id, &p, &err)))
        goto fail;
    if (tmpl) {
        if ((rc = template(st, p, lang, &err)))
            goto fail;
        goto done;
    }
    rc = ss_read_file(pos[0], SS_HTTP_MAX_UPLOAD, &data, &len);
    if (rc) {
        rc = rc == SS_EINVAL ? ss_err_set(&err, SS_EINVAL, pos[0], "the file is larger than %u MiB",
                                          SS_HTTP_MAX_UPLOAD >> 20)
                             : ss_err_set(&err, SS_EIO, pos[0], "cannot read '%s'", pos[0]);
        goto fail;
    }
    if ((rc = ss_sheet_read_as(data, len, enc, &sheet, &err))) {
        if (!err.field[0] || strcmp(err.field, "file") == 0)
            snprintf(err.field, sizeof err.field, "%s", pos[0]);
        goto fail;
    }
    if ((rc = cli_audit_key_ready(cli_db_path(db), &err)))
        goto fail;
    snprintf(by, sizeof by, "admin:%s", user && *user ? user : "cli");
    if ((rc = ss_translate_sheet(st, p, lang, &sheet, by, &res, &err)))
        goto fail;
    if (res.nerrors) { /* each row's, in the user's language; then what it means */
        char text[SS_ERR_TEXT], where[64];
        enum ss_lang ul = ss_lang_from_env();
        for (i = 0; i < res.nerrors && i < SS_TRANSLATE_ERRORS; i++) {
            snprintf(where, sizeof where, ss_tr(ul, "row %d, column %s"), res.errors[i].row,
                     res.errors[i].column);
            fprintf(stderr, "shishi plan translate: %s: %s\n", where,
                    ss_err_text(&res.errors[i].err, ul, text, sizeof text));
        }
        fprintf(stderr, "shishi plan translate: ");
        fprintf(stderr, ss_tr(ul, "rows with errors: %zu; nothing was stored"), res.nerrors);
        fputc('\n', stderr);
        goto rows;
    }
    printf("plan %lld, %s: %zu rows read, %zu translations changed\n", (long long)p->id,
           ss_lang_code(lang), res.rows, res.changed);
done:
    ss_translate_result_cleanup(&res);
    ss_sheet_free(&sheet);
    free(data);
    ss_plan_free(p);
    ss_store_close(st);
    return SS_EXIT_OK;
rows:
    ss_translate_result_cleanup(&res);
    ss_sheet_free(&sheet);
    free(data);
    ss_plan_free(p);
    ss_store_close(st);
    return SS_EXIT_INPUT;
fail:
    ss_translate_result_cleanup(&res);
    ss_sheet_free(&sheet);
    free(data);
    ss_plan_free(p);
    ss_store_close(st);
    return cli_fail("plan translate", &err);
}
