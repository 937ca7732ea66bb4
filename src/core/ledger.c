/*
 * ledger.c - the period ledger out (.xlsx via libxlsxwriter) and in (every
 * row validated, valid rows stored in one transaction). See ledger.h.
 *
 * libxlsxwriter writes to a file, so the workbook goes to a private temp
 * file (mkstemp under $TMPDIR) that is read back and removed at once.
 */
#include "core/ledger.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/date.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/report.h"
#include "core/workflow.h"
#include "store/store_audit.h"

#define MAX_ERRORS 1000 /* listed per import; the count goes on */

void ss_ledger_cleanup(struct ss_ledger *l)
{
    ss_my_assignments_free(l->rows, l->n);
    free(l->ti);
    memset(l, 0, sizeof *l);
}

int ss_ledger_load(struct ss_store *st, const struct ss_plan *plan, int64_t org_id,
                   const char *org_code, const char *period, struct ss_ledger *out,
                   struct ss_err *err)
{
    size_t i, k;
    int rc;

    memset(out, 0, sizeof *out);
    out->plan = plan;
    snprintf(out->org, sizeof out->org, "%s", org_code);
    if (period && *period) {
        if (ss_period_parse(period, &out->start, &out->end))
            return ss_err_set(err, SS_EINVAL, "period", "'%s' is not a month YYYY-MM", period);
    } else {
        char p[8];
        ss_period_due(plan, ss_store_plan_deadline_day(st, plan->id), ss_date_today(), p);
        ss_period_parse(p, &out->start, &out->end);
    }
    ss_period_fmt(out->start, out->period);
    if (out->end < plan->start || out->start > plan->end)
        return ss_err_set(err, SS_EINVAL, "period", "%s is outside the plan's period", out->period);
    out->day = ss_period_report_day(out->start, out->end);
    out->deadline = ss_period_deadline(out->end, ss_store_plan_deadline_day(st, plan->id));
    if ((rc = ss_store_my_assignments(st, plan->id, org_id, out->start, out->end, &out->rows,
                                      &out->n)))
        return ss_err_set(err, rc, "db", "cannot read the assignments");
    out->ti = ss_xcalloc(out->n + 1, sizeof *out->ti);
    for (i = k = 0; i < out->n; i++) {
        long t = ss_plan_target_index(plan, out->rows[i].target_id);
        if (t < 0) /* not in this plan: drop (keep the owned strings freed) */
            continue;
        if (k != i) {
            struct ss_my_assignment tmp = out->rows[k];
            out->rows[k] = out->rows[i];
            out->rows[i] = tmp;
        }
        out->ti[k++] = t;
    }
    for (i = k; i < out->n; i++) {
        free(out->rows[i].pending_note);
        free(out->rows[i].pending_comment);
        out->rows[i].pending_note = out->rows[i].pending_comment = NULL;
    }
    out->n = k;
    return SS_OK;
}

/* ---- out: xlsx ------------------------------------------------------------------ */

static const char *const HEADERS[SS_LCOL_COUNT] = {
    "指标ID target id",      "项目 project",
    "指标 metric",           "单位 unit",
    "任务值 assigned",       "上次审核值 last approved",
    "本期累计值 this value", "分子 numerator",
    "分母/基数 denominator", "说明 note"};

static void num_or_blank(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f)
{
    if (isnan(v))
        worksheet_write_blank(ws, r, c, f);
    else
        worksheet_write_number(ws, r, c, v, f);
}

int ss_ledger_xlsx(const struct ss_ledger *l, char **data, size_t *len, struct ss_err *err)
{
    const char *tmp = getenv("TMPDIR");
    char path[512];
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *head, *open;
    lxw_row_col_options hidden = {1, 0, 0};
    lxw_error xe;
    size_t i;
    int fd, rc;

    *data = NULL;
    *len = 0;
    snprintf(path, sizeof path, "%s/shishi-ledger-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if ((fd = mkstemp(path)) < 0)
        return ss_err_set(err, SS_EIO, "file", "cannot create a temporary file for the ledger");
    close(fd);
    if (!(wb = workbook_new(path))) {
        unlink(path);
        return ss_err_set(err, SS_EIO, "file", "cannot start the workbook");
    }
    ws = workbook_add_worksheet(wb, l->period);
    head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    open = workbook_add_format(wb);
    format_set_unlocked(open);
    format_set_bg_color(open, 0xFFF8DC);
    worksheet_set_column_opt(ws, 0, 0, 10, NULL, &hidden);
    worksheet_set_column(ws, 1, 1, 28, NULL);
    worksheet_set_column(ws, 2, 2, 20, NULL);
    worksheet_set_column(ws, 3, 8, 12, NULL);
    worksheet_set_column(ws, 9, 9, 36, NULL);
    worksheet_set_column(ws, SS_LCOL_PERIOD_LABEL, SS_LCOL_PERIOD, 14, NULL);
    for (i = 0; i < SS_LCOL_COUNT; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, HEADERS[i], head);
    worksheet_write_string(ws, 0, SS_LCOL_PERIOD_LABEL, SS_LEDGER_PERIOD_LABEL, head);
    worksheet_write_string(ws, 0, SS_LCOL_PERIOD, l->period, head);
    for (i = 0; i < l->n; i++) {
        const struct ss_my_assignment *a = &l->rows[i];
        const struct ss_target *t = &l->plan->targets[l->ti[i]];
        const char *project = "";
        lxw_row_t r = (lxw_row_t)(i + 1);
        size_t k;

        for (k = 0; k < l->plan->nprojects; k++)
            if (l->plan->projects[k].no == t->project_no)
                project = l->plan->projects[k].title;
        worksheet_write_number(ws, r, SS_LCOL_ID, (double)t->id, NULL);
        worksheet_write_string(ws, r, SS_LCOL_PROJECT, project, NULL);
        worksheet_write_string(ws, r, SS_LCOL_METRIC, t->metric, NULL);
        worksheet_write_string(ws, r, SS_LCOL_UNIT, t->unit, NULL);
        worksheet_write_number(ws, r, SS_LCOL_ASSIGNED, a->value, NULL);
        num_or_blank(ws, r, SS_LCOL_LAST, a->last, NULL);
        if (a->pending_id && t->kind != SS_KIND_RATE) {
            num_or_blank(ws, r, SS_LCOL_VALUE, a->pending_value, open);
            worksheet_write_blank(ws, r, SS_LCOL_NUM, open);
            num_or_blank(ws, r, SS_LCOL_DEN, a->pending_den, open);
        } else if (a->pending_id) {
            worksheet_write_blank(ws, r, SS_LCOL_VALUE, open);
            num_or_blank(ws, r, SS_LCOL_NUM, a->pending_num, open);
            num_or_blank(ws, r, SS_LCOL_DEN, a->pending_den, open);
        } else {
            worksheet_write_blank(ws, r, SS_LCOL_VALUE, open);
            worksheet_write_blank(ws, r, SS_LCOL_NUM, open);
            worksheet_write_blank(ws, r, SS_LCOL_DEN, open);
        }
        if (a->pending_note)
            worksheet_write_string(ws, r, SS_LCOL_NOTE, a->pending_note, open);
        else
            worksheet_write_blank(ws, r, SS_LCOL_NOTE, open);
    }
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_protect(ws, NULL, NULL);
    xe = workbook_close(wb);
    if (xe != LXW_NO_ERROR) {
        unlink(path);
        return ss_err_set(err, SS_EIO, "file", "cannot write the workbook: %s", lxw_strerror(xe));
    }
    rc = ss_read_file(path, SS_HTTP_MAX_UPLOAD, data, len);
    unlink(path);
    if (rc)
        return ss_err_set(err, SS_EIO, "file", "cannot read the workbook back");
    return SS_OK;
}

void ss_ledger_filename(const struct ss_ledger *l, char utf8[64], char ascii[64])
{
    snprintf(utf8, 64, "台账-%s-%s.xlsx", l->org, l->period);
    snprintf(ascii, 64, "ledger-%s-%s.xlsx", l->org, l->period);
}

/* ---- in: validate and store ---------------------------------------------------- */

void ss_ledger_result_cleanup(struct ss_ledger_result *r)
{
    free(r->ids);
    free(r->errors);
    memset(r, 0, sizeof *r);
}

static void row_error(struct ss_ledger_result *res, int row, int col, const char *field,
                      const struct ss_err *why)
{
    struct ss_ledger_error *e;

    if (res->nerrors >= MAX_ERRORS) {
        res->nerrors++;
        return;
    }
    res->errors = ss_xrealloc(res->errors, (res->nerrors + 1) * sizeof *res->errors);
    e = &res->errors[res->nerrors++];
    e->row = row;
    if (col >= 0)
        ss_sheet_col_name((size_t)col, e->column);
    else
        e->column[0] = '\0';
    snprintf(e->field, sizeof e->field, "%s", field);
    e->err = *why;
}

/* The column of a validation error's field. */
static int col_of_field(const char *field)
{
    if (strcmp(field, "value") == 0)
        return SS_LCOL_VALUE;
    if (strcmp(field, "numerator") == 0)
        return SS_LCOL_NUM;
    if (strcmp(field, "denominator") == 0 || strcmp(field, "baseline") == 0)
        return SS_LCOL_DEN;
    if (strcmp(field, "note") == 0)
        return SS_LCOL_NOTE;
    if (strcmp(field, "target") == 0 || strcmp(field, "org") == 0)
        return SS_LCOL_ID;
    return -1;
}

static int blank(const char *s)
{
    return !s || s[strspn(s, " \t\r\n")] == '\0';
}

/* A number as people type it: spaces and thousands commas allowed. NAN
 * for a blank cell; -1 when it is not a number. */
static int cell_number(const char *s, double *out)
{
    char buf[64];
    size_t n = 0;

    *out = NAN;
    if (blank(s))
        return 0;
    for (; *s && n < sizeof buf - 1; s++)
        if (*s != ' ' && *s != ',' && *s != '\t' && *s != '\r' && *s != '\n')
            buf[n++] = *s;
    if (*s)
        return -1;
    buf[n] = '\0';
    return ss_parse_double(buf, out) ? -1 : 0;
}

/* s without leading and trailing blanks, into out (at most cap - 1 bytes). */
static void trimmed(const char *s, char *out, size_t cap)
{
    size_t n;

    s += strspn(s, " \t\r\n");
    n = strlen(s);
    while (n && strchr(" \t\r\n", s[n - 1]))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

int ss_ledger_sheet_period(const struct ss_sheet *sheet, char out[8])
{
    const struct ss_sheet_row *row;
    size_t k;
    char cell[64];
    int32_t a, b;

    out[0] = '\0';
    if (!sheet->nrows)
        return SS_ENOTFOUND;
    row = &sheet->rows[0];
    for (k = 0; k + 1 < row->ncells; k++) {
        const char *c = row->cells[k];
        if (!c)
            continue;
        trimmed(c, cell, sizeof cell);
        if (strncmp(cell, "填报期", strlen("填报期")) != 0 && strncasecmp(cell, "period", 6) != 0)
            continue;
        trimmed(row->cells[k + 1] ? row->cells[k + 1] : "", cell, sizeof cell);
        if (ss_period_parse(cell, &a, &b))
            return SS_EINVAL;
        memcpy(out, cell, 8);
        return SS_OK;
    }
    return SS_ENOTFOUND;
}

struct pending {
    struct ss_wf_put *rows;
    char (*flags)[SS_FLAGS_MAX];
    int *line; /* the sheet row of each */
    int64_t *tids;
    size_t n;
    /* what every row's checks read, read once for the sheet: the unit's
     * approved reports of the plan's targets and its shares, its live
     * reports of the period (sorted by target) */
    struct ss_wf_known known;
    struct ss_wf_report *live;
    size_t nlive;
};

/* The live report of target tid in p, or NULL. */
static const struct ss_wf_report *live_of(const struct pending *p, int64_t tid)
{
    size_t i;

    for (i = 0; i < p->nlive; i++)
        if (p->live[i].target_id == tid)
            return &p->live[i];
    return NULL;
}

/* Read what the rows of org unit org_id's sheet of [from, to] are checked
 * against (struct pending). SS_OK or SS_EDB, err saying so. */
static int pending_read(struct ss_store *st, const struct ss_plan *plan, int64_t org_id,
                        int32_t from, int32_t to, struct pending *p, struct ss_err *err)
{
    struct ss_store_cell *cells = ss_xcalloc(plan->ntargets + 1, sizeof *cells);
    size_t i;
    int rc;

    for (i = 0; i < plan->ntargets; i++) {
        cells[i].target_id = plan->targets[i].id;
        cells[i].org_id = org_id;
    }
    rc = ss_wf_approved_read(st, cells, plan->ntargets, &p->known.approved);
    free(cells);
    if (rc || ss_store_assignments_of(st, org_id, &p->known.share, &p->known.nshare) ||
        ss_store_wf_live_of(st, org_id, from, to, &p->live, &p->nlive))
        return ss_err_set(err, SS_EDB, "db", "cannot read the unit's reports");
    return SS_OK;
}

/* Validate one row; on success append it to p. */
static void import_row(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       long org, const char *date, int32_t from, int32_t to, const char *status,
                       enum ss_voice v, const struct ss_sheet_row *row, struct pending *p,
                       struct ss_ledger_result *res)
{
    static const int numcols[3] = {SS_LCOL_VALUE, SS_LCOL_NUM, SS_LCOL_DEN};
    static const char *const numfields[3] = {"value", "numerator", "denominator"};
    const struct ss_plan *plan = ss_engine_plan(e);
    const char *idc = ss_sheet_cell(row, SS_LCOL_ID);
    double nums[3];
    struct ss_report_req req;
    struct ss_report_in in;
    struct ss_err err;
    long tid, ti;
    size_t k;
    int bad = 0, filled = 0;

    ss_err_clear(&err);
    for (k = 0; k < 3; k++) {
        const char *c = ss_sheet_cell(row, (size_t)numcols[k]);
        if (cell_number(c, &nums[k])) {
            ss_err_set(&err, SS_EINVAL, numfields[k], "'%.60s' is not a number", c);
            row_error(res, row->row, numcols[k], numfields[k], &err);
            bad = 1;
        }
        filled |= !blank(c);
    }
    if (blank(idc)) {
        if (filled) {
            ss_err_set(&err, SS_EINVAL, "target", "the row has values but no target id");
            row_error(res, row->row, SS_LCOL_ID, "target", &err);
        } else {
            res->skipped++;
        }
        return;
    }
    if (ss_parse_long(idc, &tid) || tid < 1) {
        double d;
        if (ss_parse_double(idc, &d) == 0 && d >= 1 && d == floor(d) && d < 1e15) {
            tid = (long)d; /* Excel may store 12 as 12.0 */
        } else {
            ss_err_set(&err, SS_EINVAL, "target", "'%.60s' is not a target id", idc);
            row_error(res, row->row, SS_LCOL_ID, "target", &err);
            return;
        }
    }
    if (!filled) {
        res->skipped++;
        return;
    }
    if (bad)
        return;
    for (k = 0; k < p->n; k++)
        if (p->tids[k] == tid) {
            ss_err_set(&err, SS_EINVAL, "target",
                       "this target appears twice in the ledger; keep one row");
            row_error(res, row->row, SS_LCOL_ID, "target", &err);
            return;
        }
    if ((ti = ss_plan_target_index(plan, tid)) < 0) {
        ss_err_set(&err, SS_ENOTFOUND, "target", "no target with id %ld in the current plan", tid);
        row_error(res, row->row, SS_LCOL_ID, "target", &err);
        return;
    }
    ss_err_clear(&err);
    if (ss_access_report(e, u, (size_t)ti, org, &err)) {
        if (v == SS_VOICE_FORM)
            ss_err_id(&err, err.code, err.field, N_("this account may not report this target"));
        row_error(res, row->row, SS_LCOL_ID, err.field, &err);
        return;
    }
    memset(&req, 0, sizeof req);
    req.target_id = tid;
    req.org = ss_engine_org(e, org)->code;
    req.org_id = ss_engine_org(e, org)->id;
    req.around = ss_wf_approved_around;
    req.around_ctx = &p->known.approved;
    req.date = date;
    req.value = nums[0];
    req.numerator = req.denominator = req.baseline = NAN;
    if (plan->targets[ti].kind == SS_KIND_RATE) {
        req.numerator = nums[1];
        req.denominator = nums[2];
    } else if (plan->targets[ti].kind == SS_KIND_CHANGE) {
        req.baseline = nums[2];
    }
    req.note = ss_sheet_cell(row, SS_LCOL_NOTE);
    req.status = status;
    req.by = u->name;
    req.voice = v;
    if (ss_report_check(st, plan, &req, &in, &ti, &err) ||
        ss_workflow_replaceable_of(live_of(p, tid), &in, &err)) {
        row_error(res, row->row, col_of_field(err.field), err.field, &err);
        return;
    }
    p->rows = ss_xrealloc(p->rows, (p->n + 1) * sizeof *p->rows);
    p->flags = ss_xrealloc(p->flags, (p->n + 1) * sizeof *p->flags);
    p->tids = ss_xrealloc(p->tids, (p->n + 1) * sizeof *p->tids);
    p->line = ss_xrealloc(p->line, (p->n + 1) * sizeof *p->line);
    memset(&p->rows[p->n], 0, sizeof p->rows[p->n]);
    p->rows[p->n].in = in;
    p->rows[p->n].from = from;
    p->rows[p->n].to = to;
    p->tids[p->n] = tid;
    p->line[p->n] = row->row;
    if (ss_workflow_flags(st, plan, ti, &in, u->dept, 0, &p->known, p->flags[p->n]))
        p->flags[p->n][0] = '\0';
    ss_workflow_flag_children(e, ti, &in, p->flags[p->n]);
    p->n++;
}

/* The period to store the rows for: the sheet's, the user's, or an error. */
static int which_period(const struct ss_sheet *sheet, const char *asked, enum ss_voice v,
                        char out[8], struct ss_err *err)
{
    char own[8];
    int32_t a, b;
    int rc = ss_ledger_sheet_period(sheet, own);

    if (asked && *asked && ss_period_parse(asked, &a, &b))
        return ss_err_set(err, SS_EINVAL, "period", "'%s' is not a month YYYY-MM", asked);
    if (rc == SS_EINVAL)
        return ss_err_set(err, SS_EINVAL, "period",
                          "the sheet's period cell (right of \"%s\" in the first row) is not a "
                          "month YYYY-MM",
                          SS_LEDGER_PERIOD_LABEL);
    if (rc == SS_OK && asked && *asked && strcmp(own, asked) != 0)
        return ss_err_set(err, SS_EINVAL, "period",
                          "the sheet is the ledger of %s, but the period chosen is %s: upload it "
                          "for %s, or download the ledger of %s",
                          own, asked, own, asked);
    if (rc == SS_OK) {
        memcpy(out, own, 8);
        return SS_OK;
    }
    if (asked && *asked) {
        memcpy(out, asked, 8);
        return SS_OK;
    }
    return ss_err_set(err, SS_EINVAL, "period",
                      "the sheet does not say which month it is for (the downloaded ledger has it "
                      "right of \"%s\" in the first row): choose the period (%s)",
                      SS_LEDGER_PERIOD_LABEL,
                      v == SS_VOICE_API ? "?period=YYYY-MM" : ss_voice_field(v, "period"));
}

int ss_ledger_import(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                     const struct ss_sheet *sheet, const char *period, const char *status,
                     enum ss_voice v, struct ss_ledger_result *res, struct ss_err *err)
{
    struct pending p;
    int32_t start, end;
    char date[11], pr[8];
    long org;
    size_t i;
    int rc = SS_OK;

    memset(res, 0, sizeof *res);
    memset(&p, 0, sizeof p);
    if (!status)
        status = "draft";
    if (u->role != SS_ROLE_REPORTER && u->role != SS_ROLE_ADMIN)
        return ss_err_set(err, SS_EFORBIDDEN, "role", "only reporters upload ledgers");
    if ((org = ss_access_user_org(e, u)) < 0)
        return ss_err_set(err, SS_EFORBIDDEN, "org", "the account's org unit is unknown");
    if ((rc = which_period(sheet, period, v, pr, err)))
        return rc;
    ss_period_parse(pr, &start, &end);
    if (start > ss_date_today())
        return ss_err_set(err, SS_EINVAL, "period", "%s has not started yet", pr);
    memcpy(res->period, pr, 8);
    ss_date_fmt(ss_period_report_day(start, end), date);
    if ((rc = pending_read(st, ss_engine_plan(e), ss_engine_org(e, org)->id, start, end, &p, err)))
        goto out;
    for (i = 0; i < sheet->nrows; i++) {
        const struct ss_sheet_row *row = &sheet->rows[i];
        const char *idc = ss_sheet_cell(row, SS_LCOL_ID);
        long dummy;
        double dd;

        /* the header: a first row whose id cell is not a number */
        if (i == 0 && !blank(idc) && ss_parse_long(idc, &dummy) && ss_parse_double(idc, &dd))
            continue;
        import_row(st, e, u, org, date, start, end, status, v, row, &p, res);
    }
    if (p.n) {
        struct ss_store_cell *cells = ss_xcalloc(p.n, sizeof *cells);

        for (i = 0; i < p.n; i++) {
            p.rows[i].flags = p.flags[i];
            cells[i].target_id = p.rows[i].in.target_id;
            cells[i].org_id = p.rows[i].in.org_id;
        }
        rc = ss_store_begin_cells(st, u->name, cells, p.n, err);
        free(cells);
        if (!rc) {
            rc = ss_workflow_put(st, p.rows, p.n, u->id, err);
            rc = rc ? (ss_store_rollback(st), rc) : ss_store_commit(st, err);
        }
        if (rc == SS_ECONFLICT) /* a report was submitted meanwhile: say which row */
            for (i = 0; i < p.n; i++)
                if (ss_workflow_replaceable(st, &p.rows[i].in, start, end, v, err)) {
                    struct ss_err why = *err;
                    ss_err_set(err, SS_ECONFLICT, "report", "row %d: %s", p.line[i],
                               ss_err_nest(&why));
                    break;
                }
        if (!rc) {
            res->ids = ss_xcalloc(p.n, sizeof *res->ids);
            for (i = 0; i < p.n; i++) {
                if (p.rows[i].outcome == SS_WF_UNCHANGED)
                    res->unchanged++;
                else
                    res->ids[res->stored++] = p.rows[i].id;
            }
        }
    }
out:
    free(p.rows);
    free(p.flags);
    free(p.tids);
    free(p.line);
    ss_wf_approved_cleanup(&p.known.approved);
    free(p.known.share);
    for (i = 0; i < p.nlive; i++)
        ss_wf_report_cleanup(&p.live[i]);
    free(p.live);
    return rc;
}
