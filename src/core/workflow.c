/*
 * workflow.c - the review workflow and plausibility flags (see workflow.h).
 *
 * Messages come in the reader's voice (core/report.h): the API's naming
 * JSON fields, the console's naming the form's fields. core/access.c and
 * the store speak to the API and the CLI; for the console their refusals
 * are said again here in the form's words, keeping the code and the field.
 *
 * The rules live here, the rows in the store: which status a report may
 * move to (MOVES), and what a new report does to the live one of its date
 * (ss_workflow_put). Each step reads, decides and writes inside one
 * transaction begun with the acting user; the store's writes are
 * compare-and-set on the status read, so a report that changed meanwhile
 * (another reviewer was first) is refused, not overwritten.
 */
#include "core/workflow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/escape.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/remind.h"
#include "store/store_audit.h"
#include "store/store_workflow.h"

#define HISTORY 24       /* earlier reports looked at for the jump flag */
#define APPROVE_BATCH 64 /* approvals in one transaction (the writers' lock held so long) */
/* The console's words for a review out of the reviewer's scope. */
static const char *const REVIEW_DENIED =
    N_("this account may not review this unit's reports (only those of the units below it)");

static void add_flag(char out[SS_FLAGS_MAX], const char *f)
{
    size_t n = strlen(out);

    snprintf(out + n, SS_FLAGS_MAX - n, "%s%s", n ? "," : "", f);
}

/* 1 if the comma-separated list flags holds flag. */
static int has_flag(const char *flags, const char *flag)
{
    size_t n = strlen(flag);
    const char *p = flags;

    while (p && *p) {
        size_t k = strcspn(p, ",");
        if (k == n && strncmp(p, flag, n) == 0)
            return 1;
        p += k;
        p += *p == ',';
    }
    return 0;
}

/* The values of the last max approved reports of in's cell before its
 * date, oldest first, from known (as ss_store_wf_history reads them). */
static size_t known_history(const struct ss_wf_approved *known, const struct ss_report_in *in,
                            double *vals, size_t max)
{
    const struct ss_report_row *r = known->row;
    size_t i, n = 0, first = 0;

    /* the cell's rows are sorted by date and seq: those before the date
     * are a run, whose last max are the history */
    for (i = 0; i < known->n; i++)
        if (r[i].target_id == in->target_id && r[i].org_id == in->org_id &&
            r[i].as_of < in->as_of) {
            if (n == 0)
                first = i;
            n++;
        }
    if (n > max) {
        first += n - max;
        n = max;
    }
    for (i = 0; i < n; i++)
        vals[i] = r[first + i].a;
    return n;
}

int ss_workflow_flags(struct ss_store *st, const struct ss_plan *plan, long ti,
                      const struct ss_report_in *in, const char *dept, int correction,
                      const struct ss_wf_known *known, char out[SS_FLAGS_MAX])
{
    const struct ss_target *t = &plan->targets[ti];
    double share = 0, dshare, hist[HISTORY], maxinc = 0;
    size_t n = 0, i;
    int own;

    out[0] = '\0';
    if (correction)
        add_flag(out, "correction");
    if (known) {
        for (i = 0; i < known->nshare && known->share[i].target_id != in->target_id; i++)
            ;
        own = i < known->nshare;
        if (own)
            share = known->share[i].value;
    } else {
        own = ss_store_assignment_get(st, in->target_id, in->org_id, &share) == SS_OK;
    }
    if (!own &&
        !(dept && *dept && ss_store_assignment_dept_get(st, in->target_id, dept, &dshare) == SS_OK))
        add_flag(out, "no_share");
    if (t->kind != SS_KIND_COUNT && t->kind != SS_KIND_AMOUNT)
        return SS_OK;
    if (own && share > 0 && in->value > 3 * share)
        add_flag(out, "over_3x_share");
    if (known)
        n = known_history(&known->approved, in, hist, HISTORY);
    else if (ss_store_wf_history(st, in->target_id, in->org_id, in->as_of, hist, HISTORY, &n))
        return SS_EDB;
    if (n >= 3) {
        for (i = 1; i < n; i++)
            if (hist[i] - hist[i - 1] > maxinc)
                maxinc = hist[i] - hist[i - 1];
        if (in->value - hist[n - 1] > 3 * maxinc && in->value > hist[n - 1])
            add_flag(out, "jump");
    }
    return SS_OK;
}

void ss_workflow_flag_children(const struct ss_engine *e, long ti, const struct ss_report_in *in,
                               char out[SS_FLAGS_MAX])
{
    const struct ss_target *t;
    struct ss_figure f;
    long org;
    double v;

    if (!e || ti < 0 || (org = ss_engine_org_by_id(e, in->org_id)) < 0)
        return;
    t = &ss_engine_plan(e)->targets[ti];
    ss_engine_figure(e, (size_t)ti, org, in->as_of, &f);
    if (!f.children_reporters || isnan(f.children))
        return; /* nobody below has reported: nothing to check against */
    if (t->kind == SS_KIND_RATE)
        v = in->denominator > 0 ? in->numerator / in->denominator * 100 : NAN;
    else if (t->kind == SS_KIND_CHANGE)
        v = in->denominator > 0 ? (in->value / in->denominator - 1) * 100 : NAN;
    else
        v = in->value;
    if (!isnan(v) && !(fabs(v - f.children) <= 1e-9 * fmax(1, fabs(v))))
        add_flag(out, "children_differ");
}

/* ---- voices ------------------------------------------------------------------- */

/* A report's status as the console says it (a message id, for "%s"). */
static const char *status_words(const char *status)
{
    if (strcmp(status, "draft") == 0)
        return SS_M("a draft");
    if (strcmp(status, "submitted") == 0)
        return SS_M("waiting for review");
    if (strcmp(status, "approved") == 0)
        return SS_M("approved already");
    if (strcmp(status, "returned") == 0)
        return SS_M("returned to its reporter");
    return status;
}

/* A refusal from core/access.c, said again in the form's words for the
 * console; why is a message id (N_). */
static int access_voice(int rc, enum ss_voice v, struct ss_err *err, const char *why)
{
    if (rc && v == SS_VOICE_FORM && err)
        ss_err_id(err, err->code, err->field, why);
    return rc;
}

/* A transition refused by the store because of the report's state, said
 * again for the console; verb and from are message ids (SS_M). */
static int state_voice(int rc, struct ss_store *st, int64_t id, const char *verb, const char *from,
                       enum ss_voice v, struct ss_err *err)
{
    struct ss_wf_report r;

    if (rc != SS_ECONFLICT || v != SS_VOICE_FORM || strcmp(err->field, "status") != 0)
        return rc;
    if (ss_store_wf_get(st, id, &r) == SS_OK) {
        ss_err_set(err, rc, "status", "report %lld is %s: only a report %s can be %s",
                   (long long)id, status_words(r.status), from, verb);
        ss_wf_report_cleanup(&r);
    }
    return rc;
}

static int not_found(int64_t id, struct ss_err *err)
{
    return ss_err_set(err, SS_ENOTFOUND, "id", "no report with id %lld", (long long)id);
}

/* ---- moves ------------------------------------------------------------------- */

/* The workflow's status changes: a report moves only along these. */
static const struct {
    const char *from, *to;
} MOVES[] = {
    {"draft", "submitted"},
    {"returned", "submitted"},
    {"submitted", "approved"},
    {"submitted", "returned"},
};

int ss_workflow_may_move(const char *from, const char *to)
{
    size_t i;

    for (i = 0; from && to && i < SS_ARRAY_LEN(MOVES); i++)
        if (strcmp(MOVES[i].from, from) == 0 && strcmp(MOVES[i].to, to) == 0)
            return 1;
    return 0;
}

/* Move report id to m->to, inside the open transaction: read it, refuse a
 * move MOVES does not allow ("report 7 is approved; only a submitted
 * report can be returned": from_words, verb), then compare-and-set from
 * the status read. */
static int move_from(struct ss_store *st, int64_t id, const char *from, struct ss_wf_move *m,
                     const char *verb, const char *from_words, struct ss_err *err)
{
    struct ss_wf_report r;
    int rc;

    if (!ss_workflow_may_move(from, m->to))
        return ss_err_set(err, SS_ECONFLICT, "status",
                          "report %lld is %s; only a %s report can be %s", (long long)id, from,
                          from_words, verb);
    m->from = from;
    rc = ss_store_wf_move(st, id, m, err);
    m->from = NULL;
    /* changed meanwhile into a state it cannot move from: say so as above */
    if (rc == SS_ECONFLICT && ss_store_wf_get(st, id, &r) == SS_OK) {
        if (!ss_workflow_may_move(r.status, m->to))
            ss_err_set(err, SS_ECONFLICT, "status", "report %lld is %s; only a %s report can be %s",
                       (long long)id, r.status, from_words, verb);
        ss_wf_report_cleanup(&r);
    }
    return rc;
}

/* Move report id as move_from does, from the status it has now. */
static int move(struct ss_store *st, int64_t id, struct ss_wf_move *m, const char *verb,
                const char *from_words, struct ss_err *err)
{
    struct ss_wf_report r;
    char from[12];

    if (ss_store_wf_get(st, id, &r) != SS_OK)
        return ss_err_set(err, SS_ENOTFOUND, "id", "no report with id %lld", (long long)id);
    snprintf(from, sizeof from, "%s", r.status);
    ss_wf_report_cleanup(&r);
    return move_from(st, id, from, m, verb, from_words, err);
}

/* Commit the transaction begun for a step, or roll it back. */
static int finish(struct ss_store *st, int rc, struct ss_err *err)
{
    if (rc) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, err);
}

/* ---- submitting ------------------------------------------------------------------ */

const char *ss_workflow_outcome_str(int outcome)
{
    switch (outcome) {
    case SS_WF_REPLACED:
        return "replaced";
    case SS_WF_CORRECTED:
        return "corrected";
    case SS_WF_UNCHANGED:
        return "unchanged";
    default:
        return "inserted";
    }
}

static int same_num(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

int ss_workflow_replaceable_of(const struct ss_wf_report *live, const struct ss_report_in *in,
                               struct ss_err *err)
{
    char d[11];

    if (!live || strcmp(live->status, "submitted") != 0 ||
        (same_num(live->value, in->value) && same_num(live->numerator, in->numerator) &&
         same_num(live->denominator, in->denominator) &&
         strcmp(live->note ? live->note : "", in->note ? in->note : "") == 0))
        return SS_OK;
    ss_date_fmt(live->as_of, d);
    return ss_err_set(err, SS_ECONFLICT, "report",
                      "report %lld (%g as of %s) is submitted and waits for review: it is not "
                      "replaced. Ask the reviewer to return it, then correct it",
                      (long long)live->id, isnan(live->numerator) ? live->value : live->numerator,
                      d);
}

int ss_workflow_replaceable(struct ss_store *st, const struct ss_report_in *in, int32_t from,
                            int32_t to, enum ss_voice v, struct ss_err *err)
{
    struct ss_wf_report live;
    int rc;

    (void)v; /* one message for every reader: it names no field */
    if (ss_store_wf_live(st, in->target_id, in->org_id, from, to, &live) != SS_OK)
        return SS_OK;
    rc = ss_workflow_replaceable_of(&live, in, err);
    ss_wf_report_cleanup(&live);
    return rc;
}

/* The live report holds the values (and note) of x. */
static int same_values(const struct ss_wf_report *r, const struct ss_report_in *x)
{
    const char *n1 = r->note ? r->note : "", *n2 = x->note ? x->note : "";

    return same_num(r->value, x->value) && same_num(r->numerator, x->numerator) &&
           same_num(r->denominator, x->denominator) && strcmp(n1, n2) == 0;
}

/* 1 when rows are of one org unit and one period, each of its own target:
 * their live reports are read at once (ss_store_wf_live_of) and the new
 * ones inserted at once (ss_store_wf_insert_many), as a ledger's are. */
static int one_sheet(const struct ss_wf_put *rows, size_t n)
{
    size_t i, k;

    if (n < 2)
        return 0;
    for (i = 1; i < n; i++)
        if (rows[i].in.org_id != rows[0].in.org_id || rows[i].from != rows[0].from ||
            rows[i].to != rows[0].to)
            return 0;
    for (i = 1; i < n; i++)
        for (k = 0; k < i; k++)
            if (rows[k].in.target_id == rows[i].in.target_id)
                return 0;
    return 1;
}

int ss_workflow_put(struct ss_store *st, struct ss_wf_put *rows, size_t n, int64_t user_id,
                    struct ss_err *err)
{
    struct ss_wf_report *lives = NULL;
    struct ss_wf_put **ins = NULL;
    size_t i, k, nlives = 0, nins = 0;
    int rc, sheet = one_sheet(rows, n);

    for (i = 0; i < n; i++)
        if (strcmp(rows[i].in.status, "draft") != 0 && strcmp(rows[i].in.status, "submitted") != 0)
            return ss_err_set(err, SS_EINVAL, "status", "a new report is a draft or submitted");
    if ((rc = ss_store_begin(st, NULL, err)))
        return rc;
    if (sheet) {
        ins = ss_xcalloc(n, sizeof *ins);
        if (ss_store_wf_live_of(st, rows[0].in.org_id, rows[0].from, rows[0].to, &lives, &nlives))
            rc = ss_err_set(err, SS_EDB, "db", "cannot read the live reports");
    }
    for (i = 0; i < n && !rc; i++) {
        struct ss_wf_put *p = &rows[i];
        struct ss_wf_report own, *live = NULL;

        p->id = 0;
        p->outcome = 0;
        if (sheet) {
            for (k = 0; k < nlives && lives[k].target_id != p->in.target_id; k++)
                ;
            live = k < nlives ? &lives[k] : NULL;
        } else if ((rc = ss_store_wf_live(st, p->in.target_id, p->in.org_id, p->from, p->to,
                                          &own)) == SS_OK) {
            live = &own;
        } else if (rc != SS_ENOTFOUND) {
            rc = ss_err_set(err, SS_EDB, "db", "cannot read the live report");
            break;
        }
        rc = SS_OK;
        if (!live) { /* new: a sheet's all at once, below */
            p->outcome = SS_WF_INSERTED;
            if (sheet)
                ins[nins++] = p;
            else
                rc = ss_store_wf_insert(st, p, user_id, err);
            continue;
        }
        p->id = live->id;
        if (strcmp(live->status, "submitted") == 0) {
            /* a submitted report is never replaced: the reviewer must see
             * the values they approve */
            if (same_values(live, &p->in))
                p->outcome = SS_WF_UNCHANGED;
            else
                rc = ss_err_set(err, SS_ECONFLICT, "report",
                                "row %zu: report %lld of this date is submitted and waits for "
                                "review; it is not replaced",
                                i + 1, (long long)live->id);
        } else if (strcmp(live->status, "draft") == 0 && same_values(live, &p->in) &&
                   live->as_of == p->in.as_of && strcmp(p->in.status, "draft") == 0) {
            p->outcome = SS_WF_UNCHANGED;
        } else {
            int returned = strcmp(live->status, "returned") == 0;
            p->outcome = returned ? SS_WF_CORRECTED : SS_WF_REPLACED;
            rc = ss_store_wf_replace(st, live->id, live->status, p, user_id, returned, err);
        }
        if (live == &own)
            ss_wf_report_cleanup(&own);
    }
    if (!rc && nins)
        rc = ss_store_wf_insert_many(st, ins, nins, user_id, err);
    for (k = 0; k < nlives; k++)
        ss_wf_report_cleanup(&lives[k]);
    free(lives);
    free(ins);
    return finish(st, rc, err);
}

int ss_workflow_submit(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       const struct ss_report_req *req, int64_t *id, char flags[SS_FLAGS_MAX],
                       int *outcome, struct ss_err *err)
{
    const struct ss_plan *plan = ss_engine_plan(e);
    struct ss_report_req r = *req;
    struct ss_wf_put put;
    enum ss_voice v = req->voice;
    long ti = ss_plan_target_index(plan, req->target_id);
    long org = req->org ? ss_engine_org_find(e, req->org) : -1;
    static const char *const deny = N_("this account may not report for this unit or target");
    int rc;

    flags[0] = '\0';
    if (outcome)
        *outcome = 0;
    if (!r.status)
        r.status = "submitted";
    if (strcmp(r.status, "draft") != 0 && strcmp(r.status, "submitted") != 0)
        return ss_err_set(err, SS_EINVAL, "status", "a new report is a draft or submitted");
    /* Scope first, so nobody learns about rows outside theirs from errors. */
    if (u->role != SS_ROLE_ADMIN &&
        (u->role != SS_ROLE_REPORTER || org < 0 || org != ss_access_user_org(e, u)))
        return access_voice(ss_access_report(e, u, 0, org, err), v, err, deny);
    if (ti >= 0 && (rc = access_voice(ss_access_report(e, u, (size_t)ti, org, err), v, err, deny)))
        return rc;
    r.by = u->name;
    memset(&put, 0, sizeof put);
    if ((rc = ss_report_check(st, plan, &r, &put.in, &ti, err)))
        return rc;
    put.from = put.to = put.in.as_of;
    if (r.period) {
        int32_t ps, pe;
        if (ss_period_parse(r.period, &ps, &pe) || put.in.as_of < ps || put.in.as_of > pe)
            return ss_err_set(err, SS_EINVAL, "period",
                              "'%s' is not the month of the report's date", r.period);
        put.from = ps;
        put.to = pe;
    }
    if ((rc = ss_workflow_replaceable(st, &put.in, put.from, put.to, v, err)))
        return rc;
    if ((rc = ss_workflow_flags(st, plan, ti, &put.in, u->dept, r.correction, NULL, flags)))
        return ss_err_set(err, rc, "report", "cannot read the unit's earlier reports");
    ss_workflow_flag_children(e, ti, &put.in, flags);
    put.flags = flags;
    if ((rc = ss_store_begin_cells(
             st, u->name, &(struct ss_store_cell){put.in.target_id, put.in.org_id}, 1, err)) ||
        (rc = finish(st, ss_workflow_put(st, &put, 1, u->id, err), err))) {
        /* submitted meanwhile: say so in the reader's words */
        if (rc == SS_ECONFLICT)
            ss_workflow_replaceable(st, &put.in, put.from, put.to, v, err);
        return rc;
    }
    *id = put.id;
    if (outcome)
        *outcome = put.outcome;
    return SS_OK;
}

/* Load report id and its org index; SS_ENOTFOUND with err set if absent. */
static int load(struct ss_store *st, const struct ss_engine *e, int64_t id, struct ss_wf_report *r,
                long *org, struct ss_err *err)
{
    *org = -1;
    if (ss_store_wf_get(st, id, r) != SS_OK)
        return not_found(id, err);
    *org = ss_engine_org_by_id(e, r->org_id);
    return SS_OK;
}

int ss_workflow_resubmit(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                         int64_t id, enum ss_voice v, struct ss_err *err)
{
    struct ss_wf_report r;
    long org, ti;
    int rc;

    if ((rc = load(st, e, id, &r, &org, err)))
        return rc;
    ti = ss_plan_target_index(ss_engine_plan(e), r.target_id);
    rc = ss_access_report(e, u, ti < 0 ? (size_t)-1 : (size_t)ti, org, err);
    ss_wf_report_cleanup(&r);
    if (access_voice(rc, v, err, N_("this account may not submit this report")))
        return rc;
    {
        struct ss_wf_move m = {NULL, "submitted", NULL, NULL, u->name, u->id, NULL};
        if (!(rc = ss_store_begin(st, u->name, err)))
            rc = finish(st, move(st, id, &m, "submitted", "draft or returned", err), err);
    }
    return state_voice(rc, st, id, SS_M("submitted for review"),
                       SS_M("that is a draft or returned"), v, err);
}

/* ---- reviewing ------------------------------------------------------------------ */

int ss_workflow_may_approve(const struct ss_user *u, const struct ss_wf_report *r)
{
    if (u->id > 0 && r->user_id == u->id)
        return 0;
    return !(r->created_by && strcmp(r->created_by, u->name) == 0);
}

int ss_wf_approved_read(struct ss_store *st, const struct ss_store_cell *cells, size_t n,
                        struct ss_wf_approved *a)
{
    memset(a, 0, sizeof *a);
    a->next_seq = INT64_MAX / 2;
    if (ss_store_reports_approved_in(st, cells, n, &a->row, &a->n) != SS_OK)
        return SS_EDB;
    a->cap = a->n;
    return SS_OK;
}

void ss_wf_approved_cleanup(struct ss_wf_approved *a)
{
    free(a->row);
    memset(a, 0, sizeof *a);
}

int ss_wf_approved_around(void *ctx, int64_t target_id, int64_t org_id, int32_t day,
                          struct ss_report_row *before, int *has_before,
                          struct ss_report_row *after, int *has_after)
{
    const struct ss_wf_approved *a = ctx;
    size_t i;

    *has_before = *has_after = 0;
    for (i = 0; i < a->n; i++) {
        const struct ss_report_row *x = &a->row[i];

        if (x->target_id != target_id || x->org_id != org_id)
            continue;
        /* as the store's: the latest on or before the day, the earliest
         * after it, the highest seq among those of one date */
        if (x->as_of <= day) {
            if (!*has_before || x->as_of > before->as_of ||
                (x->as_of == before->as_of && x->seq > before->seq)) {
                *before = *x;
                *has_before = 1;
            }
        } else if (!*has_after || x->as_of < after->as_of ||
                   (x->as_of == after->as_of && x->seq > after->seq)) {
            *after = *x;
            *has_after = 1;
        }
    }
    return SS_OK;
}

static void set_add(struct ss_wf_approved *a, const struct ss_wf_report *r)
{
    struct ss_report_row *x;

    x = SS_PUSH(a->row, a->n, a->cap);
    x->id = r->id;
    x->target_id = r->target_id;
    x->org_id = r->org_id;
    x->seq = a->next_seq++;
    x->as_of = r->as_of;
    /* the store's coalesce(numerator, value, 0) and coalesce(denominator, 0) */
    x->a = !isnan(r->numerator) ? r->numerator : !isnan(r->value) ? r->value : 0;
    x->b = !isnan(r->denominator) ? r->denominator : 0;
}

static int recheck(struct ss_store *st, const struct ss_engine *e, const struct ss_wf_report *r,
                   struct ss_wf_approved *set, enum ss_voice v, struct ss_err *err)
{
    const struct ss_plan *plan = ss_engine_plan(e);
    struct ss_report_req req;
    struct ss_report_in in;
    long ti = ss_plan_target_index(plan, r->target_id);
    char date[11];

    memset(&req, 0, sizeof req);
    req.target_id = r->target_id;
    req.org = r->org_code;
    req.org_id = r->org_id;
    ss_date_fmt(r->as_of, date);
    req.date = date;
    req.value = req.numerator = req.denominator = req.baseline = NAN;
    if (ti >= 0 && plan->targets[ti].kind == SS_KIND_RATE) {
        req.numerator = r->numerator;
        req.denominator = r->denominator;
    } else if (ti >= 0 && plan->targets[ti].kind == SS_KIND_CHANGE) {
        req.value = r->value;
        req.baseline = r->denominator;
    } else {
        req.value = r->value;
    }
    req.note = r->note;
    req.correction = has_flag(r->flags, "correction");
    req.voice = v;
    req.review = 1;
    if (set) {
        req.around = ss_wf_approved_around;
        req.around_ctx = set;
    }
    return ss_report_check(st, plan, &req, &in, NULL, err);
}

/* Who may approve report r (at org, its engine index): its reviewer's
 * scope, never its own reporter. */
static int approve_may_report(const struct ss_engine *e, const struct ss_user *u,
                              const struct ss_wf_report *r, long org, enum ss_voice v,
                              struct ss_err *err)
{
    int rc;

    if ((rc = access_voice(ss_access_review(e, u, org, err), v, err, REVIEW_DENIED)))
        return rc;
    if (!ss_workflow_may_approve(u, r))
        return ss_err_set(err, SS_EFORBIDDEN, "report",
                          "report %lld was submitted by %s: another reviewer approves it",
                          (long long)r->id, u->name);
    return SS_OK;
}

/* approve_may_report of report id, read. */
static int approve_may(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       int64_t id, enum ss_voice v, struct ss_err *err)
{
    struct ss_wf_report r;
    long org;
    int rc;

    if ((rc = load(st, e, id, &r, &org, err)))
        return rc;
    rc = approve_may_report(e, u, &r, org, v, err);
    ss_wf_report_cleanup(&r);
    return rc;
}

/* The recheck of submitted report r before its approval, against the
 * approved reports of set when given (else the store's). */
static int approve_check(struct ss_store *st, const struct ss_engine *e,
                         const struct ss_wf_report *r, struct ss_wf_approved *set, enum ss_voice v,
                         struct ss_err *err)
{
    struct ss_err why;
    int rc;

    if (strcmp(r->status, "submitted") != 0 || !(rc = recheck(st, e, r, set, v, &why)))
        return SS_OK;
    return ss_err_set(err, rc, why.field, "report %lld cannot be approved: %s", (long long)r->id,
                      ss_err_nest(&why));
}

/* The approval of report id inside the caller's transaction: the recheck
 * and the move, so that nothing approved in between can make the check
 * stale. A refusal writes nothing and leaves the transaction open; only a
 * failed write of the store ends it (ss_store_actor is then NULL). */
static int approve_step(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                        int64_t id, const struct ss_wf_report *known, struct ss_wf_approved *set,
                        enum ss_voice v, struct ss_err *err)
{
    struct ss_wf_report read;
    const struct ss_wf_report *r = known;
    char from[12];
    int rc;

    /* known: read before the transaction; the move then happens only if
     * the report's date and values are still those checked (a report
     * returned, corrected and submitted again meanwhile is refused, and
     * the batch approves each again on its own) */
    if (!known) {
        if (ss_store_wf_get(st, id, &read) != SS_OK)
            return not_found(id, err);
        r = &read;
    }
    if ((rc = approve_check(st, e, r, set, v, err))) {
        if (!known)
            ss_wf_report_cleanup(&read);
        return rc;
    }
    snprintf(from, sizeof from, "%s", r->status);
    if (!known)
        ss_wf_report_cleanup(&read);
    {
        struct ss_wf_move m = {NULL, "approved", u->name, NULL, NULL, 0, known};
        if ((rc = move_from(st, id, from, &m, "approved", "submitted", err)))
            return state_voice(rc, st, id, SS_M("approved"), SS_M("waiting for review"), v, err);
    }
    if (set && known)
        set_add(set, known);
    return SS_OK;
}

int ss_workflow_approve(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                        int64_t id, enum ss_voice v, struct ss_err *err)
{
    int rc;

    if ((rc = approve_may(st, e, u, id, v, err)))
        return rc;
    if ((rc = ss_store_begin(st, u->name, err)))
        return ss_err_set(err, rc, "db", "the store is busy; try again");
    if ((rc = approve_step(st, e, u, id, NULL, NULL, v, err))) {
        ss_store_rollback(st);
        return rc;
    }
    if ((rc = ss_store_commit(st, err)))
        return ss_err_set(err, rc, "db", "the approval could not be saved; nothing changed");
    return SS_OK;
}

struct order {
    int64_t id;
    int32_t as_of;
    int rc; /* -1: may be approved (r as read); else why not, err saying so */
    struct ss_err err;
    struct ss_wf_report r; /* when rc is -1 */
};

static int by_date(const void *a, const void *b)
{
    const struct order *x = a, *y = b;

    if (x->as_of != y->as_of)
        return x->as_of < y->as_of ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Approve the n reports of o, in that order, in one transaction: each is
 * checked on its own as ss_workflow_approve checks it, and one refused
 * leaves the others approved, so the results are those of approving them one
 * at a time, with one commit (and, on PostgreSQL, one turn of the writers'
 * lock and one statement for all the moves: ss_store_wf_approve_all) for
 * them all. When the store itself fails inside (a report changed
 * by another reviewer meanwhile, a lost connection), the transaction is gone
 * with what it had written, and each is approved again on its own. Returns
 * how many were approved. */
static size_t approve_batch(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                            const struct order *o, size_t n, enum ss_voice v,
                            struct ss_wf_result *res)
{
    struct ss_wf_approved set = {NULL, 0, 0, INT64_MAX / 2};
    struct ss_store_cell *cells = ss_xcalloc(n, sizeof *cells);
    const struct ss_wf_report **moves = ss_xcalloc(n, sizeof *moves);
    struct ss_err err;
    size_t i, k = 0, m = 0, ok = 0;
    int broken = n < 2 || ss_store_begin(st, u->name, &err) != SS_OK;

    /* the cells' approved reports, once, under the writers' lock */
    for (i = 0; i < n; i++)
        if (o[i].rc == -1) {
            cells[k].target_id = o[i].r.target_id;
            cells[k++].org_id = o[i].r.org_id;
        }
    if (!broken && ss_wf_approved_read(st, cells, k, &set) != SS_OK)
        broken = 1;
    free(cells);
    for (i = 0; i < n && !broken; i++) {
        res[i].id = o[i].id;
        ss_err_clear(&res[i].err);
        if (o[i].rc != -1) { /* refused before: who may approve never changes */
            res[i].rc = o[i].rc;
            res[i].err = o[i].err;
            continue;
        }
        if (strcmp(o[i].r.status, "submitted") != 0) { /* refused: nothing written */
            res[i].rc = approve_step(st, e, u, o[i].id, &o[i].r, &set, v, &res[i].err);
            broken = res[i].rc == SS_EDB || !ss_store_actor(st);
            continue;
        }
        /* checked against the set, which then holds it: the moves, made
         * together below, are those that passed, in this order */
        if ((res[i].rc = approve_check(st, e, &o[i].r, &set, v, &res[i].err)) == SS_OK) {
            set_add(&set, &o[i].r);
            moves[m++] = &o[i].r;
            ok++;
        }
        broken = res[i].rc == SS_EDB || !ss_store_actor(st);
    }
    ss_wf_approved_cleanup(&set);
    /* all in one statement; one that changed meanwhile ends the transaction */
    if (!broken && m && ss_store_wf_approve_all(st, moves, m, u->name, &err) != SS_OK)
        broken = 1;
    free(moves);
    if (!broken && ss_store_commit(st, &err) == SS_OK)
        return ok;
    ss_store_rollback(st); /* nothing of it stays: again, one by one */
    for (ok = 0, i = 0; i < n; i++) {
        res[i].id = o[i].id;
        ss_err_clear(&res[i].err);
        res[i].rc = ss_workflow_approve(st, e, u, o[i].id, v, &res[i].err);
        ok += res[i].rc == SS_OK;
    }
    return ok;
}

size_t ss_workflow_approve_many(struct ss_store *st, const struct ss_engine *e,
                                const struct ss_user *u, const int64_t *ids, size_t n,
                                enum ss_voice v, struct ss_wf_result *res, size_t *nres)
{
    struct order *o = ss_xcalloc(n + 1, sizeof *o);
    int64_t *uniq = ss_xcalloc(n + 1, sizeof *uniq);
    struct ss_wf_report *read = ss_xcalloc(n + 1, sizeof *read);
    int *found = ss_xcalloc(n + 1, sizeof *found);
    size_t i, k, m = 0, ok = 0;

    for (i = 0; i < n; i++) {
        for (k = 0; k < m && uniq[k] != ids[i]; k++)
            ;
        if (k == m) /* else repeated */
            uniq[m++] = ids[i];
    }
    /* all read in one statement (or, when that fails, one by one) */
    if (ss_store_wf_get_many(st, uniq, m, read, found) != SS_OK)
        for (i = 0; i < m; i++)
            found[i] = ss_store_wf_get(st, uniq[i], &read[i]) == SS_OK;
    for (i = 0; i < m; i++) {
        struct ss_wf_report *r = &read[i];

        o[i].id = uniq[i];
        o[i].as_of = INT32_MIN; /* unknown ids first: they fail at once */
        ss_err_clear(&o[i].err);
        if (found[i]) {
            o[i].as_of = r->as_of;
            o[i].rc = approve_may_report(e, u, r, ss_engine_org_by_id(e, r->org_id), v, &o[i].err);
            if (o[i].rc == SS_OK) {
                o[i].rc = -1;
                o[i].r = *r; /* kept for the batch; cleaned up below */
            } else {
                ss_wf_report_cleanup(r);
            }
        } else {
            o[i].rc = not_found(uniq[i], &o[i].err);
        }
    }
    free(uniq);
    free(read);
    free(found);
    qsort(o, m, sizeof *o, by_date);
    for (i = 0; i < m; i += k) {
        k = m - i < APPROVE_BATCH ? m - i : APPROVE_BATCH;
        ok += approve_batch(st, e, u, o + i, k, v, res + i);
    }
    for (i = 0; i < m; i++)
        if (o[i].rc == -1)
            ss_wf_report_cleanup(&o[i].r);
    free(o);
    *nres = m;
    return ok;
}

int ss_workflow_return(struct ss_store *st, const struct ss_engine *e, const struct ss_user *u,
                       int64_t id, const char *comment, enum ss_voice v, struct ss_err *err)
{
    struct ss_wf_report r;
    long org;
    int rc;

    if ((rc = load(st, e, id, &r, &org, err)))
        return rc;
    ss_wf_report_cleanup(&r);
    if ((rc = access_voice(ss_access_review(e, u, org, err), v, err, REVIEW_DENIED)))
        return rc;
    if (!comment || !*comment)
        return ss_err_set(err, SS_EINVAL, "comment",
                          "a returned report needs a comment saying why (%s)",
                          ss_voice_field(v, "comment"));
    if (strlen(comment) > SS_MAX_COMMENT || !ss_utf8_valid(comment, strlen(comment)))
        return ss_err_set(err, SS_EINVAL, "comment",
                          "the comment must be UTF-8 of at most %d bytes", SS_MAX_COMMENT);
    {
        struct ss_wf_move m = {NULL, "returned", u->name, comment, NULL, 0, NULL};
        if (!(rc = ss_store_begin(st, u->name, err))) {
            rc = move(st, id, &m, "returned", "submitted", err);
            /* its reporter hears of it, in the same transaction */
            if (!rc)
                rc = ss_remind_returned(st, e, id, err);
            rc = finish(st, rc, err);
        }
    }
    return state_voice(rc, st, id, SS_M("returned"), SS_M("waiting for review"), v, err);
}

/* ---- periods ------------------------------------------------------------------- */

int ss_period_parse(const char *s, int32_t *start, int32_t *end)
{
    int y, m;

    if (!s || strlen(s) != 7 || s[4] != '-' || strspn(s, "0123456789") != 4 ||
        strspn(s + 5, "0123456789") != 2)
        return SS_EINVAL;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    if (y < 1900 || m < 1 || m > 12)
        return SS_EINVAL;
    *start = ss_days_from_civil(y, m, 1);
    *end = ss_days_from_civil(y, m, ss_days_in_month(y, m));
    return SS_OK;
}

void ss_period_fmt(int32_t day, char out[8])
{
    char d[11];

    ss_date_fmt(day, d); /* YYYY-MM-DD: the period is its first 7 bytes */
    memcpy(out, d, 7);
    out[7] = '\0';
}

int32_t ss_period_deadline(int32_t end, int deadline_day)
{
    return end + (deadline_day < 1 ? 1 : deadline_day > 28 ? 28 : deadline_day);
}

int32_t ss_period_report_day(int32_t start, int32_t end)
{
    int32_t today = ss_date_today();

    (void)start;
    return today < end ? today : end;
}

void ss_period_due(const struct ss_plan *p, int deadline_day, int32_t today, char out[8])
{
    int32_t s, e, ps, pe, pick;
    char cur[8], prev[8];

    ss_period_fmt(today, cur);
    ss_period_parse(cur, &s, &e);
    ss_period_fmt(s - 1, prev);
    ss_period_parse(prev, &ps, &pe);
    pick = today <= ss_period_deadline(pe, deadline_day) ? ps : s;
    if (p->start != SS_NO_DATE && pick < p->start) {
        ss_period_fmt(pick, cur);
        ss_period_parse(cur, &s, &e);
        if (e < p->start)
            pick = p->start;
    }
    if (p->end != SS_NO_DATE && pick > p->end)
        pick = p->end;
    ss_period_fmt(pick, out);
}
