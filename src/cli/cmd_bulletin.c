/*
 * cmd_bulletin.c - `shishi bulletin`: the month's bulletin (进展通报) as
 * PDF or XLSX, `bulletin publish` to keep it unchanged with the audit
 * head on its cover, `bulletin list` of the published ones.
 *
 * The sections of other modules (reporting completeness, supervision
 * notices, unit scores: issue 12) get their rows through
 * struct ss_bulletin_extra (web/bulletin.h), filled by extra() from the
 * completeness, score and notice modules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/json.h"
#include "base/l10n.h"
#include "base/limits.h"
#include "base/sheet.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/completeness.h"
#include "core/engine.h"
#include "core/score.h"
#include "store/store.h"
#include "store/store_audit.h"
#include "store/store_bulletin.h"
#include "store/store_notice.h"
#include "web/bulletin.h"

static const char USAGE[] =
    "usage: shishi bulletin --period YYYY-MM [--org CODE] [--lang zh|en|ug] [--format pdf|xlsx]\n"
    "                       --out FILE [--db FILE]\n"
    "       shishi bulletin publish --period YYYY-MM [--org CODE] [--lang zh|en|ug] [--json]\n"
    "       shishi bulletin list [--json]\n"
    "       shishi bulletin get ID [--format pdf|xlsx] --out FILE\n"
    "       shishi bulletin sheet FILE.xlsx [--nth N]\n\n"
    "The month's bulletin (进展通报) of the current plan at an org unit (default:\n"
    "the plan's issuing unit), with the figures as of the month's last day: a cover\n"
    "with the counts by status against last month, a page per project with its\n"
    "targets and chart, the lagging list, reporting completeness, notices, scores.\n"
    "A4 PDF (fonts embedded) or an XLSX workbook of the same tables; Chinese unless\n"
    "--lang says otherwise.\n"
    "publish  render both, print the audit chain's head on the cover, and keep them\n"
    "         unchanged in the database (a second publish is a new version); served\n"
    "         at /bulletins. `shishi audit verify --anchor HEAD` checks the log against\n"
    "         the head a printed bulletin carries.\n"
    "get      write a published bulletin's PDF or XLSX, as stored, to FILE\n"
    "sheet    print worksheet N (default 1) of a workbook as JSON rows of text\n"
    "         cells, read by shishi's own sheet reader (to check a bulletin's XLSX)\n";

/* The rows of the sections other modules give: reporting completeness
 * and scores of the place's children (core/completeness.c, score.c), and
 * the place's supervision notices by grade (core/notice.h), all for the
 * bulletin's period. */
#define SS_BULLETIN_MAX_ROWS 256 /* places and scores a section lists */

struct extra_rows {
    struct ss_bulletin_extra x;
    struct ss_bulletin_completeness_row cm[SS_BULLETIN_MAX_ROWS];
    struct ss_bulletin_notice_row nt[3];
    struct ss_bulletin_score_row sc[SS_BULLETIN_MAX_ROWS];
};

static int extra(struct ss_store *st, const struct ss_bulletin_ctx *c, struct extra_rows *r,
                 struct ss_err *err)
{
    static const char *const GRADES[3] = {"red", "yellow", "blue"};
    struct ss_completeness cm;
    struct ss_score_weights w;
    struct ss_score sc;
    struct ss_notice *list = NULL;
    const long *kids;
    size_t nk, i, n = 0;
    int rc;

    memset(r, 0, sizeof *r);
    memset(&sc, 0, sizeof sc);
    if ((rc = ss_completeness_load(st, c->e, c->period, c->org, ss_date_today(), &cm, err))) {
        ss_completeness_cleanup(&cm);
        return rc;
    }
    kids = ss_engine_org_children(c->e, c->org, &nk);
    for (i = 0; i < nk && r->x.ncompleteness < SS_BULLETIN_MAX_ROWS; i++) {
        const struct ss_cmpl_counts *t = &cm.tree[kids[i]];
        const struct ss_org *o = ss_engine_org(c->e, kids[i]);
        struct ss_bulletin_completeness_row *row = &r->cm[r->x.ncompleteness];

        if (t->expected == 0)
            continue;
        row->org_code = o->code;
        row->org_name = o->name;
        row->expected = t->expected;
        row->on_time = t->n[SS_CMPL_ON_TIME];
        row->late = t->n[SS_CMPL_LATE];
        row->missing = t->n[SS_CMPL_MISSING];
        r->x.ncompleteness++;
    }
    r->x.completeness = r->cm;
    ss_score_weights_of(st, ss_engine_plan(c->e)->id, &w);
    if ((rc = ss_score_compute(st, c->e, &cm, &w, &sc, err)) == SS_OK) {
        for (i = 0; i < sc.n && r->x.nscores < SS_BULLETIN_MAX_ROWS; i++) {
            const struct ss_org *o = ss_engine_org(c->e, sc.rows[i].org);

            if (sc.rows[i].rank == 0)
                continue;
            r->sc[r->x.nscores].org_code = o->code;
            r->sc[r->x.nscores].org_name = o->name;
            r->sc[r->x.nscores].score = sc.rows[i].score;
            r->sc[r->x.nscores].rank = sc.rows[i].rank;
            r->x.nscores++;
        }
        r->x.scores = r->sc;
    }
    ss_score_cleanup(&sc);
    ss_completeness_cleanup(&cm);
    if (rc)
        return rc;
    /* notices of the place and below whose period is the bulletin's (or,
     * issued by hand, whose issue day falls in it), by grade */
    if (ss_store_notice_list(st, c->plan->id, NULL, &list, &n))
        return ss_err_set(err, SS_EDB, "db", "cannot read the notices");
    for (i = 0; i < 3; i++)
        r->nt[i].label = GRADES[i];
    for (i = 0; i < n; i++) {
        const struct ss_notice *nt = &list[i];
        long at = ss_engine_org_by_id(c->e, nt->org_id);
        int32_t issued = SS_NO_DATE, deadline = SS_NO_DATE;
        size_t g;

        if (at < 0 || !ss_engine_org_within(c->e, at, c->org))
            continue;
        ss_date_parse(nt->issued_on, &issued);
        if (strcmp(nt->period, c->period) != 0 && (issued < c->start || issued > c->as_of))
            continue;
        for (g = 0; g < 3 && strcmp(GRADES[g], nt->grade) != 0; g++)
            ;
        if (g == 3)
            continue;
        r->nt[g].issued++;
        r->nt[g].answered += strcmp(nt->status, "answered") == 0;
        r->nt[g].closed += strcmp(nt->status, "closed") == 0;
        if (strcmp(nt->status, "issued") == 0 && !ss_date_parse(nt->deadline, &deadline) &&
            deadline < ss_date_today())
            r->nt[g].overdue++;
    }
    ss_store_notices_free(list, n);
    r->x.notices = r->nt;
    r->x.nnotices = 3;
    return SS_OK;
}

static int lang_arg(const char *s, enum ss_lang *out, struct ss_err *err)
{
    int l = s ? ss_lang_parse(s, strlen(s)) : SS_LANG_ZH;

    if (l < 0)
        return ss_err_set(err, SS_EINVAL, "--lang", "'%s' is not zh, en or ug", s);
    *out = (enum ss_lang)l;
    return SS_OK;
}

/* The document of (period, org, lang) with head on its cover (NULL:
 * none). */
static int build(struct ss_store *st, const struct ss_engine *e, const char *period,
                 const char *org, enum ss_lang lang, const char *head, struct ss_bdoc *d,
                 struct ss_err *err)
{
    struct ss_bulletin_ctx c;
    struct extra_rows *x;
    int rc;

    if ((rc = ss_bulletin_ctx_init(&c, e, period, org, lang, err)))
        return rc;
    c.head = head;
    x = ss_xcalloc(1, sizeof *x);
    if ((rc = extra(st, &c, x, err)) == SS_OK)
        ss_bulletin_build(d, &c, &x->x);
    free(x);
    return rc;
}

static int render(int argc, char **argv)
{
    const char *db = NULL, *period = NULL, *org = NULL, *lang_s = NULL, *format = "pdf",
               *out = NULL, *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},         {"period", 1, &period, NULL},
                             {"org", 1, &org, NULL},       {"lang", 1, &lang_s, NULL},
                             {"format", 1, &format, NULL}, {"out", 1, &out, NULL},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    struct ss_bdoc d;
    struct ss_err err;
    enum ss_lang lang = SS_LANG_ZH;
    char *data = NULL;
    size_t len = 0;
    int npos, rc, xlsx;

    if ((rc = cli_parse("bulletin", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    memset(&d, 0, sizeof d);
    if (!period || !out) {
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    if (strcmp(format, "pdf") != 0 && strcmp(format, "xlsx") != 0) {
        ss_err_set(&err, SS_EINVAL, "--format", "'%s' is not pdf or xlsx", format);
        return cli_fail("bulletin", &err);
    }
    xlsx = format[0] == 'x';
    if (lang_arg(lang_s, &lang, &err))
        return cli_fail("bulletin", &err);
    if ((rc = ss_store_open(cli_db_path(db), SS_STORE_READONLY, &st, &err)) ||
        (rc = ss_engine_open(st, 0, &e, &err)) ||
        (rc = build(st, e, period, org, lang, NULL, &d, &err)) ||
        (rc = xlsx ? ss_bulletin_xlsx(&d, &data, &len, &err)
                   : ss_bulletin_pdf(&d, &data, &len, NULL, &err)) ||
        (rc = cli_write_file("--out", out, data, len, &err)))
        rc = cli_fail("bulletin", &err);
    ss_bdoc_cleanup(&d);
    free(data);
    ss_engine_free(e);
    ss_store_close(st);
    ss_bulletin_fonts_done();
    return rc;
}

static void print_rec(const struct ss_bulletin_rec *r, struct ss_json *j)
{
    ss_json_obj(j);
    ss_json_kint(j, "id", r->id);
    ss_json_kstr(j, "period", r->period);
    ss_json_kstr(j, "org", r->org_code);
    ss_json_kstr(j, "lang", r->lang);
    ss_json_kint(j, "version", r->version);
    ss_json_kstr(j, "head", r->head);
    ss_json_kint(j, "pages", r->pages);
    ss_json_kstr(j, "pdf_sha256", r->pdf_sha256);
    ss_json_kint(j, "pdf_size", r->pdf_size);
    ss_json_kstr(j, "xlsx_sha256", r->xlsx_sha256);
    ss_json_kint(j, "xlsx_size", r->xlsx_size);
    ss_json_kstr(j, "published_by", r->published_by);
    ss_json_kstr(j, "published_at", r->published_at);
    ss_json_obj_end(j);
}

/* The head, the rendering and the row in one write transaction: the head
 * printed is the one the bulletin's own audit entry follows. */
static int publish_in(struct ss_store *st, struct ss_engine *e, const char *period, const char *org,
                      enum ss_lang lang, struct ss_bulletin_rec *rec, struct ss_err *err)
{
    struct ss_audit_anchor head;
    struct ss_bdoc d;
    char *pdf = NULL, *xlsx = NULL, headtxt[96];
    size_t pdf_len = 0, xlsx_len = 0;
    int rc, pages = 0;

    memset(&d, 0, sizeof d);
    if ((rc = ss_store_begin(st, "cli", err)))
        return rc;
    if (ss_engine_refresh(e, st) < 0) {
        rc = ss_err_set(err, SS_EDB, "db", "cannot read the figures");
        goto out;
    }
    if ((rc = ss_store_audit_head(st, &head, err)))
        goto out;
    snprintf(headtxt, sizeof headtxt, "%lld:%s", (long long)head.entry, head.hash);
    if ((rc = build(st, e, period, org, lang, head.entry ? headtxt : NULL, &d, err)) ||
        (rc = ss_bulletin_pdf(&d, &pdf, &pdf_len, &pages, err)) ||
        (rc = ss_bulletin_xlsx(&d, &xlsx, &xlsx_len, err)))
        goto out;
    memset(rec, 0, sizeof *rec);
    snprintf(rec->period, sizeof rec->period, "%.7s", period);
    snprintf(rec->org_code, sizeof rec->org_code, "%s",
             ss_engine_org(e, org ? ss_engine_org_find(e, org) : ss_engine_top_org(e))->code);
    snprintf(rec->lang, sizeof rec->lang, "%s", ss_lang_code(lang));
    snprintf(rec->head, sizeof rec->head, "%s", head.entry ? headtxt : "");
    rec->pages = pages;
    rc = ss_store_bulletin_add(st, rec, pdf, pdf_len, xlsx, xlsx_len, err);
out:
    rc = cli_tx_end(st, rc, err);
    ss_bdoc_cleanup(&d);
    free(pdf);
    free(xlsx);
    return rc;
}

static int publish(int argc, char **argv)
{
    const char *db = NULL, *period = NULL, *org = NULL, *lang_s = NULL, *pos[1];
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL},     {"period", 1, &period, NULL},
                             {"org", 1, &org, NULL},   {"lang", 1, &lang_s, NULL},
                             {"json", 0, NULL, &json}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_engine *e = NULL;
    struct ss_bulletin_rec rec;
    struct ss_err err;
    enum ss_lang lang = SS_LANG_ZH;

    if ((rc = cli_parse("bulletin publish", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    if (!period) {
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    if (lang_arg(lang_s, &lang, &err))
        return cli_fail("bulletin publish", &err);
    if ((rc = ss_store_open(cli_db_path(db), 0, &st, &err)) ||
        (rc = ss_engine_open(st, 0, &e, &err)) ||
        (rc = publish_in(st, e, period, org, lang, &rec, &err))) {
        rc = cli_fail("bulletin publish", &err);
    } else if (json) {
        struct ss_buf b;
        struct ss_json j;
        ss_buf_init(&b, 1 << 16);
        ss_json_init(&j, &b, 0);
        print_rec(&rec, &j);
        ss_buf_putc(&b, '\n');
        fwrite(b.data, 1, b.len, stdout);
        ss_buf_cleanup(&b);
    } else {
        printf("published bulletin %lld: %s %s %s version %lld, %lld pages\n", (long long)rec.id,
               rec.period, rec.org_code, rec.lang, (long long)rec.version, (long long)rec.pages);
        printf("pdf: sha256 %s (%lld bytes)\nxlsx: sha256 %s (%lld bytes)\nhead: %s\n",
               rec.pdf_sha256, (long long)rec.pdf_size, rec.xlsx_sha256, (long long)rec.xlsx_size,
               rec.head);
    }
    ss_engine_free(e);
    ss_store_close(st);
    ss_bulletin_fonts_done();
    return rc;
}

static int list(int argc, char **argv)
{
    const char *db = NULL, *pos[1];
    int json = 0, npos, rc;
    struct cli_opt opts[] = {{"db", 1, &db, NULL}, {"json", 0, NULL, &json}, {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_bulletin_rec *recs = NULL;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;
    size_t n = 0, i;

    if ((rc = cli_parse("bulletin list", argc, argv, opts, pos, 0, &npos)))
        return rc;
    ss_err_clear(&err);
    if (ss_store_open(cli_db_path(db), SS_STORE_READONLY, &st, &err) ||
        ss_store_bulletin_list(st, &recs, &n, &err)) {
        ss_store_close(st);
        return cli_fail("bulletin list", &err);
    }
    ss_store_close(st);
    ss_buf_init(&b, 1 << 24);
    if (json) {
        ss_json_init(&j, &b, 0);
        ss_json_arr(&j);
        for (i = 0; i < n; i++)
            print_rec(&recs[i], &j);
        ss_json_arr_end(&j);
        ss_buf_putc(&b, '\n');
    } else {
        for (i = 0; i < n; i++)
            ss_buf_printf(&b, "%lld  %s %s %s v%lld  %s  %s\n", (long long)recs[i].id,
                          recs[i].period, recs[i].org_code, recs[i].lang,
                          (long long)recs[i].version, recs[i].published_at, recs[i].pdf_sha256);
    }
    fwrite(b.data ? b.data : "", 1, b.len, stdout);
    ss_buf_cleanup(&b);
    free(recs);
    return SS_EXIT_OK;
}

static int get(int argc, char **argv)
{
    const char *db = NULL, *format = "pdf", *out = NULL, *pos[1];
    struct cli_opt opts[] = {{"db", 1, &db, NULL},
                             {"format", 1, &format, NULL},
                             {"out", 1, &out, NULL},
                             {NULL, 0, NULL, NULL}};
    struct ss_store *st = NULL;
    struct ss_bulletin_rec rec;
    struct ss_err err;
    char *data = NULL;
    size_t len = 0;
    long id;
    int npos, rc;

    if ((rc = cli_parse("bulletin get", argc, argv, opts, pos, 1, &npos)))
        return rc;
    ss_err_clear(&err);
    if (npos != 1 || !out) {
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    if (ss_parse_long(pos[0], &id) || id < 1) {
        ss_err_set(&err, SS_EINVAL, "ID", "'%s' is not a bulletin id", pos[0]);
        return cli_fail("bulletin get", &err);
    }
    if (strcmp(format, "pdf") != 0 && strcmp(format, "xlsx") != 0) {
        ss_err_set(&err, SS_EINVAL, "--format", "'%s' is not pdf or xlsx", format);
        return cli_fail("bulletin get", &err);
    }
    if ((rc = ss_store_open(cli_db_path(db), SS_STORE_READONLY, &st, &err)) ||
        (rc = ss_store_bulletin_get(st, id, format[0] == 'x', &rec, &data, &len, &err)) ||
        (rc = cli_write_file("--out", out, data, len, &err)))
        rc = cli_fail("bulletin get", &err);
    free(data);
    ss_store_close(st);
    return rc;
}

static int sheet(int argc, char **argv)
{
    const char *nth_s = "1", *pos[1];
    struct cli_opt opts[] = {{"nth", 1, &nth_s, NULL}, {NULL, 0, NULL, NULL}};
    struct ss_sheet sh;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;
    char *data = NULL;
    size_t len = 0, i, k;
    long nth;
    int npos, rc;

    if ((rc = cli_parse("bulletin sheet", argc, argv, opts, pos, 1, &npos)))
        return rc;
    ss_err_clear(&err);
    if (npos != 1) {
        fputs(USAGE, stderr);
        return SS_EXIT_USAGE;
    }
    if (ss_parse_long(nth_s, &nth) || nth < 1 || nth > 1000) {
        ss_err_set(&err, SS_EINVAL, "--nth", "'%s' is not a worksheet number", nth_s);
        return cli_fail("bulletin sheet", &err);
    }
    if (ss_read_file(pos[0], SS_MAX_OUTPUT, &data, &len)) {
        ss_err_set(&err, SS_EIO, "FILE", "cannot read '%s'", pos[0]);
        return cli_fail("bulletin sheet", &err);
    }
    rc = ss_sheet_read_xlsx_nth(data, len, (int)nth, &sh, &err);
    free(data);
    if (rc)
        return cli_fail("bulletin sheet", &err);
    ss_buf_init(&b, SS_MAX_OUTPUT);
    ss_json_init(&j, &b, 0);
    ss_json_arr(&j);
    for (i = 0; i < sh.nrows; i++) {
        ss_json_arr(&j);
        for (k = 0; k < sh.rows[i].ncells; k++)
            ss_json_str(&j, sh.rows[i].cells[k] ? sh.rows[i].cells[k] : "");
        ss_json_arr_end(&j);
    }
    ss_json_arr_end(&j);
    ss_buf_putc(&b, '\n');
    fwrite(b.data, 1, b.len, stdout);
    ss_buf_cleanup(&b);
    ss_sheet_free(&sh);
    return SS_EXIT_OK;
}

int cmd_bulletin(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return SS_EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "publish") == 0)
        return publish(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return list(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "get") == 0)
        return get(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "sheet") == 0)
        return sheet(argc - 1, argv + 1);
    return render(argc, argv);
}
