/*
 * workflow_api.c - the reporting workflow over JSON: reports (submit,
 * approve, return, submit again), the reviewer's inbox, assignments, and a
 * reporter's assignments for a period.
 *
 * Every handler starts with ss_web_auth (401 without a session; writes
 * also need the CSRF token, 403), then leaves every decision to core/:
 * access (core/access.h), validation (core/report.h) and state
 * (store/store_workflow.h). Errors go through ss_web_error (web_err.h) and
 * carry the field they are about: {"error":{"code","message","field"}};
 * 400 bad input, 403 out of scope (and approving one's own report), 404
 * unknown report, 409 wrong state (a submitted report is not replaced).
 * Messages name JSON fields (SS_VOICE_API), never the CLI's flags.
 *
 * POST /api/v1/reports/approve {"ids":[…]} approves several at once, each
 * on its own: 200 when all were approved, 422 when any was not, with one
 * result per report saying why.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/access.h"
#include "core/assign.h"
#include "core/workflow.h"
#include "store/store_audit.h"
#include "store/store_workflow.h"
#include "web/web.h"
#include "web/workflow_web.h"

#define JSON_TYPE "application/json; charset=utf-8"

void ss_wf_flags_json(struct ss_json *j, const char *flags)
{
    const char *p = flags ? flags : "";

    ss_json_arr(j);
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n)
            ss_json_strn(j, p, n);
        p += n;
        p += *p == ',';
    }
    ss_json_arr_end(j);
}

/* The rw connection or a 500. */
static struct ss_store *rw(struct ss_wreq *r)
{
    struct ss_store *st = ss_web_store_rw(r);
    struct ss_err err;

    if (!st) {
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        ss_web_error(r, &err);
    }
    return st;
}

/* A number field: NAN when absent or null; -1 after a 400. */
static int num_field(struct ss_wreq *r, json_t *body, const char *name, double *out)
{
    json_t *v = json_object_get(body, name);
    struct ss_err err;

    *out = NAN;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v)) {
        ss_err_set(&err, SS_EINVAL, name, "%s must be a number", name);
        ss_web_error(r, &err);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int id_param(struct ss_wreq *r, int64_t *id)
{
    long v;

    if (ss_parse_long(r->param, &v) || v < 1) {
        struct ss_err err;

        ss_err_set(&err, SS_EINVAL, "id", "The report id must be a positive integer.");
        ss_web_error_code(r, "bad_parameter", &err);
        return -1;
    }
    *id = v;
    return 0;
}

static void begin(struct ss_wreq *r, struct ss_json *j, int status)
{
    r->resp->status = status;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(j, &r->resp->body, 0);
}

void ss_api_report_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_report_req req;
    struct ss_store *st;
    struct ss_err err;
    struct ss_json j;
    json_t *body, *v;
    struct ss_wf_report live;
    char flags[SS_FLAGS_MAX], today[11], status[12];
    int64_t id;
    int outcome = 0;

    if (ss_web_auth(r, 1, &u) || !(body = ss_api_json_body(r)))
        return;
    memset(&req, 0, sizeof req);
    ss_err_clear(&err);
    v = json_object_get(body, "target");
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        ss_err_set(&err, SS_EINVAL, "target", "target must be a target id (an integer)");
        ss_web_error(r, &err);
        goto out;
    }
    req.target_id = json_integer_value(v);
    if (ss_api_str_member(r, body, "org", &req.org) ||
        ss_api_str_member(r, body, "date", &req.date) ||
        ss_api_str_member(r, body, "note", &req.note) ||
        ss_api_str_member(r, body, "status", &req.status) ||
        num_field(r, body, "value", &req.value) ||
        num_field(r, body, "numerator", &req.numerator) ||
        num_field(r, body, "denominator", &req.denominator) ||
        num_field(r, body, "baseline", &req.baseline))
        goto out;
    if (!req.org)
        req.org = u.org;
    if (!req.date) {
        ss_date_fmt(ss_date_today(), today);
        req.date = today;
    }
    req.correction = json_is_true(json_object_get(body, "correction"));
    req.voice = SS_VOICE_API;
    if (!(st = rw(r)))
        goto out;
    if (ss_workflow_submit(st, r->e, &u, &req, &id, flags, &outcome, &err)) {
        ss_web_error(r, &err);
        goto out;
    }
    if (outcome == SS_WF_UNCHANGED && ss_store_wf_get(st, id, &live) == SS_OK) {
        snprintf(status, sizeof status, "%s", live.status); /* as it stays */
        ss_wf_report_cleanup(&live);
    } else {
        snprintf(status, sizeof status, "%s", req.status ? req.status : "submitted");
    }
    begin(r, &j, 201);
    ss_json_obj(&j);
    ss_json_kint(&j, "id", id);
    ss_json_kstr(&j, "status", status);
    ss_json_kstr(&j, "outcome", ss_workflow_outcome_str(outcome));
    ss_json_key(&j, "flags");
    ss_wf_flags_json(&j, flags);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
out:
    json_decref(body);
}

/* approve / return / submit share their shape. */
static void transition(struct ss_wreq *r, int which)
{
    static const char *const done[] = {"approved", "returned", "submitted"};
    struct ss_user u;
    struct ss_store *st;
    struct ss_err err;
    struct ss_json j;
    const char *comment = NULL;
    json_t *body = NULL;
    int64_t id;
    int rc;

    if (ss_web_auth(r, 1, &u) || id_param(r, &id))
        return;
    if (which == 1 || r->http->body_len) {
        if (!(body = ss_api_json_body(r)))
            return;
        if (ss_api_str_member(r, body, "comment", &comment))
            goto out;
    }
    if (!(st = rw(r)))
        goto out;
    ss_err_clear(&err);
    if (which == 0)
        rc = ss_workflow_approve(st, r->e, &u, id, SS_VOICE_API, &err);
    else if (which == 1)
        rc = ss_workflow_return(st, r->e, &u, id, comment, SS_VOICE_API, &err);
    else
        rc = ss_workflow_resubmit(st, r->e, &u, id, SS_VOICE_API, &err);
    if (rc) {
        ss_web_error(r, &err);
        goto out;
    }
    begin(r, &j, 200);
    ss_json_obj(&j);
    ss_json_kint(&j, "id", id);
    ss_json_kstr(&j, "status", done[which]);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
out:
    json_decref(body);
}

void ss_api_report_approve(struct ss_wreq *r)
{
    transition(r, 0);
}
void ss_api_report_return(struct ss_wreq *r)
{
    transition(r, 1);
}
void ss_api_report_submit(struct ss_wreq *r)
{
    transition(r, 2);
}

void ss_api_reports_approve(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_store *st;
    struct ss_err err;
    struct ss_json j;
    struct ss_wf_result *res = NULL;
    int64_t *ids = NULL;
    json_t *body, *arr, *v;
    size_t n, i, nres = 0, ok;

    if (ss_web_auth(r, 1, &u) || !(body = ss_api_json_body(r)))
        return;
    ss_err_clear(&err);
    arr = json_object_get(body, "ids");
    n = json_is_array(arr) ? json_array_size(arr) : 0;
    if (!json_is_array(arr) || n == 0 || n > SS_MAX_INBOX) {
        ss_err_set(&err, SS_EINVAL, "ids", "ids must be an array of 1 to %d report ids",
                   SS_MAX_INBOX);
        ss_web_error(r, &err);
        goto out;
    }
    ids = ss_xcalloc(n, sizeof *ids);
    json_array_foreach(arr, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
            ss_err_set(&err, SS_EINVAL, "ids", "ids[%zu] is not a report id (a positive integer)",
                       i);
            ss_web_error(r, &err);
            goto out;
        }
        ids[i] = json_integer_value(v);
    }
    if (!(st = rw(r)))
        goto out;
    res = ss_xcalloc(n, sizeof *res);
    ok = ss_workflow_approve_many(st, r->e, &u, ids, n, SS_VOICE_API, res, &nres);
    begin(r, &j, ok == nres ? 200 : 422);
    ss_json_obj(&j);
    ss_json_kint(&j, "approved", (long long)ok);
    ss_json_kint(&j, "failed", (long long)(nres - ok));
    ss_json_key(&j, "results");
    ss_json_arr(&j);
    for (i = 0; i < nres; i++) {
        ss_json_obj(&j);
        ss_json_kint(&j, "id", res[i].id);
        if (res[i].rc == SS_OK)
            ss_json_kstr(&j, "status", "approved");
        else
            ss_web_error_member(&j, r, &res[i].err);
        ss_json_obj_end(&j);
    }
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
out:
    free(ids);
    free(res);
    json_decref(body);
}

static void org_json(struct ss_json *j, const struct ss_engine *e, long org)
{
    const struct ss_org *g = org >= 0 ? ss_engine_org(e, org) : NULL;

    if (!g) {
        ss_json_null(j);
        return;
    }
    ss_json_obj(j);
    ss_json_kstr(j, "code", g->code);
    ss_json_kstr(j, "name", g->name);
    ss_json_obj_end(j);
}

void ss_wf_revisions_json(struct ss_json *j, struct ss_store *st, int64_t id)
{
    struct ss_wf_revision *v = NULL;
    size_t n = 0, i;
    char d[11];

    ss_json_arr(j);
    if (ss_store_wf_revisions(st, id, 20, &v, &n) == SS_OK)
        for (i = 0; i < n; i++) {
            ss_json_obj(j);
            ss_date_fmt(v[i].as_of, d);
            ss_json_kstr(j, "date", v[i].as_of == SS_NO_DATE ? NULL : d);
            ss_json_knum(j, "value", v[i].value);
            ss_json_knum(j, "numerator", v[i].numerator);
            ss_json_knum(j, "denominator", v[i].denominator);
            ss_json_kstr(j, "note", v[i].note);
            ss_json_kstr(j, "returned_by", v[i].reviewed_by);
            ss_json_kstr(j, "returned_at", v[i].at);
            ss_json_kstr(j, "comment", v[i].comment);
            ss_json_obj_end(j);
        }
    ss_wf_revisions_free(v, n);
    ss_json_arr_end(j);
}

/* The comparable level of a report's figures: a rate's percentage, else
 * the value (numerator a, denominator b as stored). */
static double level(const struct ss_target *t, double a, double b)
{
    if (t && t->kind == SS_KIND_RATE)
        return b > 0 ? 100.0 * a / b : NAN;
    return a;
}

void ss_wf_report_json(struct ss_json *j, const struct ss_wreq *r, const struct ss_wf_report *x)
{
    long ti = ss_plan_target_index(r->plan, x->target_id);
    const struct ss_target *t = ti >= 0 ? &r->plan->targets[ti] : NULL;
    double now = level(t, isnan(x->numerator) ? x->value : x->numerator, x->denominator);
    double last = level(t, x->last_a, x->last_b);
    char d[11];

    ss_json_obj(j);
    ss_json_kint(j, "id", x->id);
    ss_json_kint(j, "target", x->target_id);
    ss_json_kstr(j, "metric", ti >= 0 ? r->plan->targets[ti].metric : NULL);
    ss_json_kstr(j, "unit", ti >= 0 ? r->plan->targets[ti].unit : NULL);
    ss_json_key(j, "org");
    org_json(j, r->e, ss_engine_org_by_id(r->e, x->org_id));
    ss_date_fmt(x->as_of, d);
    ss_json_kstr(j, "date", d);
    ss_json_knum(j, "value", x->value);
    ss_json_knum(j, "numerator", x->numerator);
    ss_json_knum(j, "denominator", x->denominator);
    ss_json_kstr(j, "note", x->note);
    ss_json_kstr(j, "status", x->status);
    ss_json_key(j, "flags");
    ss_wf_flags_json(j, x->flags);
    ss_json_kstr(j, "created_by", x->created_by);
    ss_json_kstr(j, "created_at", x->created_at);
    ss_json_kstr(j, "review_comment", x->review_comment);
    ss_json_knum(j, "share", x->share);
    ss_json_knum(j, "last", last);
    if (x->last_day != SS_NO_DATE) {
        ss_date_fmt(x->last_day, d);
        ss_json_kstr(j, "last_date", d);
    } else {
        ss_json_knull(j, "last_date");
    }
    /* since the last approved value; from 0 when there is none (not for a rate) */
    ss_json_knum(j, "increase",
                 !isnan(last)                   ? now - last
                 : t && t->kind == SS_KIND_RATE ? NAN
                                                : now);
    ss_json_key(j, "history");
    ss_wf_revisions_json(j, r->st, x->id);
    ss_json_obj_end(j);
}

void ss_api_inbox(struct ss_wreq *r)
{
    struct ss_err err;
    struct ss_user u;
    struct ss_wf_report *list = NULL;
    struct ss_json j;
    size_t n = 0, i;
    long mine;

    if (ss_web_auth(r, 0, &u))
        return;
    ss_err_clear(&err);
    if (u.role != SS_ROLE_REVIEWER && u.role != SS_ROLE_ADMIN) {
        ss_err_set(&err, SS_EFORBIDDEN, "role", "Only reviewers have an inbox.");
        ss_web_error(r, &err);
        return;
    }
    mine = ss_access_user_org(r->e, &u);
    if (ss_store_wf_inbox(r->st, u.role == SS_ROLE_ADMIN ? 0 : ss_engine_org(r->e, mine)->id,
                          SS_MAX_INBOX, &list, &n)) {
        ss_err_set(&err, SS_EDB, "", "the inbox cannot be read");
        ss_web_error(r, &err);
        return;
    }
    begin(r, &j, 200);
    ss_json_obj(&j);
    ss_json_key(&j, "reports");
    ss_json_arr(&j);
    for (i = 0; i < n; i++) {
        ss_wf_report_json(&j, r, &list[i]);
        ss_wf_report_cleanup(&list[i]);
    }
    free(list);
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}

void ss_api_assign_post(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_assign_req req;
    struct ss_assign_result res;
    struct ss_store *st;
    struct ss_err err;
    struct ss_json j;
    json_t *body, *v;

    if (ss_web_auth(r, 1, &u) || !(body = ss_api_json_body(r)))
        return;
    memset(&req, 0, sizeof req);
    ss_err_clear(&err);
    v = json_object_get(body, "target");
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        ss_err_set(&err, SS_EINVAL, "target", "target must be a target id (an integer)");
        ss_web_error(r, &err);
        goto out;
    }
    req.target_id = json_integer_value(v);
    if (ss_api_str_member(r, body, "org", &req.org) ||
        ss_api_str_member(r, body, "dept", &req.dept) ||
        ss_api_str_member(r, body, "reason", &req.reason) ||
        num_field(r, body, "value", &req.value))
        goto out;
    req.force = json_is_true(json_object_get(body, "force"));
    if (!req.org == !req.dept) {
        ss_err_set(&err, SS_EINVAL, "org", "give either org (a unit code) or dept");
        ss_web_error(r, &err);
        goto out;
    }
    if (!(st = rw(r)))
        goto out;
    if (ss_assign(st, r->e, &u, &req, &res, &err)) {
        ss_web_error(r, &err);
        goto out;
    }
    begin(r, &j, 200);
    ss_json_obj(&j);
    ss_json_kint(&j, "target", req.target_id);
    ss_json_kstr(&j, req.org ? "org" : "dept", req.org ? req.org : req.dept);
    ss_json_knum(&j, "value", req.value);
    ss_json_knum(&j, "whole", res.whole);
    ss_json_knum(&j, "sum", res.sum);
    ss_json_kstr(&j, "warning", res.message[0] ? res.message : NULL);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
out:
    json_decref(body);
}

void ss_api_my_assignments(struct ss_wreq *r)
{
    struct ss_user u;
    struct ss_ledger l;
    struct ss_err err;
    struct ss_json j;
    char d[11];
    long org;
    size_t i;

    if (ss_web_auth(r, 0, &u))
        return;
    ss_err_clear(&err);
    if ((org = ss_access_user_org(r->e, &u)) < 0) {
        ss_err_set(&err, SS_EFORBIDDEN, "org", "The account's org unit is unknown.");
        ss_web_error(r, &err);
        return;
    }
    if (ss_ledger_load(r->st, r->plan, ss_engine_org(r->e, org)->id, u.org,
                       ss_http_arg(r->http, "period"), &l, &err)) {
        ss_web_error(r, &err);
        return;
    }
    begin(r, &j, 200);
    ss_json_obj(&j);
    ss_json_kstr(&j, "period", l.period);
    ss_json_key(&j, "org");
    org_json(&j, r->e, org);
    ss_date_fmt(l.day, d);
    ss_json_kstr(&j, "date", d);
    ss_date_fmt(l.deadline, d);
    ss_json_kstr(&j, "deadline", d);
    ss_json_key(&j, "assignments");
    ss_json_arr(&j);
    for (i = 0; i < l.n; i++) {
        const struct ss_my_assignment *a = &l.rows[i];
        const struct ss_target *t = &r->plan->targets[l.ti[i]];

        ss_json_obj(&j);
        ss_json_kint(&j, "target", t->id);
        ss_json_kint(&j, "project", t->project_no);
        ss_json_kstr(&j, "metric", t->metric);
        ss_json_kstr(&j, "unit", t->unit);
        ss_json_kstr(&j, "kind", ss_kind_str(t->kind));
        ss_json_knum(&j, "value", a->value);
        ss_json_knum(&j, "last", a->last);
        if (a->last_day != SS_NO_DATE) {
            ss_date_fmt(a->last_day, d);
            ss_json_kstr(&j, "last_date", d);
        } else {
            ss_json_knull(&j, "last_date");
        }
        ss_json_key(&j, "pending");
        if (a->pending_id) {
            ss_json_obj(&j);
            ss_json_kint(&j, "id", a->pending_id);
            ss_json_kstr(&j, "status", a->pending_status);
            ss_json_knum(&j, "value", a->pending_value);
            ss_json_knum(&j, "numerator", a->pending_num);
            ss_json_knum(&j, "denominator", a->pending_den);
            ss_json_kstr(&j, "note", a->pending_note);
            ss_json_kstr(&j, "review_comment", a->pending_comment);
            ss_json_key(&j, "history");
            ss_wf_revisions_json(&j, r->st, a->pending_id);
            ss_json_obj_end(&j);
        } else {
            ss_json_null(&j);
        }
        ss_json_obj_end(&j);
    }
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
    ss_ledger_cleanup(&l);
}
