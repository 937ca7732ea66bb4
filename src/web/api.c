/*
 * api.c - the JSON API, version 1 (see routes.c for the table and the
 * OpenAPI document generated from it).
 *
 * Every target object is written by ss_figure_json_members, the same
 * writer as `shishi status --json`, so the CLI and the API agree. Errors
 * go through ss_web_error (web_err.h): {"error":{"code","message","field"}}
 * with 400 (bad_parameter), 404 (unknown id or code) or 405 (method);
 * writes add 401/403 (ss_web_auth) and 415 (ss_api_json_body).
 */
#include <jansson.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "core/figure_json.h"
#include "web/page.h"
#include "web/routes.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* A parameter that does not read: 400 bad_parameter, naming it; msgid is
 * a message id (N_). */
static void bad_parameter(struct ss_wreq *r, const char *field, const char *msgid)
{
    struct ss_err err;

    ss_err_id(&err, SS_EINVAL, field, msgid);
    ss_web_error_code(r, "bad_parameter", &err);
}

/* Nothing has the id or code the URL gives: 404. */
static void not_found(struct ss_wreq *r, const char *field, const char *msgid)
{
    struct ss_err err;

    ss_err_id(&err, SS_ENOTFOUND, field, msgid);
    ss_web_error(r, &err);
}

struct json_t *ss_api_json_body(struct ss_wreq *r)
{
    struct ss_err err;
    json_error_t je;
    json_t *v;

    if (!ss_http_body_is(r->http, "application/json")) {
        ss_api_error(r, 415, "unsupported_media_type", "The body must be application/json.");
        return NULL;
    }
    v = json_loadb(r->http->body ? r->http->body : "", r->http->body_len, JSON_REJECT_DUPLICATES,
                   &je);
    if (!v) {
        ss_err_set(&err, SS_EINVAL, "", "The body is not valid JSON.");
        ss_web_error_code(r, "bad_json", &err);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        ss_err_set(&err, SS_EINVAL, "", "The body must be a JSON object.");
        ss_web_error_code(r, "bad_json", &err);
        return NULL;
    }
    return v;
}

int ss_api_str_member(struct ss_wreq *r, struct json_t *body, const char *name, const char **out)
{
    json_t *v = json_object_get(body, name);
    struct ss_err err;

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        ss_err_set(&err, SS_EINVAL, name, "%s must be a string", name);
        ss_web_error(r, &err);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

static void org_ref(struct ss_json *j, const struct ss_engine *e, long org)
{
    const struct ss_org *g;

    if (org < 0) {
        ss_json_null(j);
        return;
    }
    g = ss_engine_org(e, org);
    ss_json_obj(j);
    ss_json_kstr(j, "code", g->code);
    ss_json_kstr(j, "name", g->name);
    ss_json_kint(j, "level", g->level);
    ss_json_obj_end(j);
}

static void kdate(struct ss_json *j, const char *k, int32_t day)
{
    char d[11];

    ss_date_fmt(day, d);
    ss_json_kstr(j, k, d);
}

static void target_obj(struct ss_json *j, const struct ss_engine *e, size_t ti, long org,
                       int32_t day)
{
    struct ss_figure f;

    ss_engine_figure(e, ti, org, day, &f);
    ss_json_obj(j);
    ss_figure_json_members(j, e, ti, &f);
    ss_json_obj_end(j);
}

/* ?date= within the plan period, else today's day; -1 after an error.
 * The CLI's status --date says the same (base/date.h). */
static int read_date(struct ss_wreq *r, int32_t *day)
{
    const char *s = ss_http_arg(r->http, "date");
    struct ss_err err;

    *day = r->day;
    if (!s)
        return 0;
    ss_err_clear(&err);
    if (ss_date_read("date", s, day, &err) ||
        ss_date_within("date", *day, r->plan->start, r->plan->end, &err)) {
        ss_web_error_code(r, "bad_parameter", &err);
        return -1;
    }
    return 0;
}

static void begin_json(struct ss_wreq *r, struct ss_json *j)
{
    r->resp->ctype = JSON_TYPE;
    ss_json_init(j, &r->resp->body, 0);
}

void ss_api_plan(struct ss_wreq *r)
{
    const struct ss_plan *p = r->plan;
    long top = ss_engine_top_org(r->e);
    struct ss_json j;
    size_t i, k;

    begin_json(r, &j);
    ss_json_obj(&j);
    ss_json_key(&j, "plan");
    ss_json_obj(&j);
    ss_json_kint(&j, "id", p->id);
    ss_json_kstr(&j, "title", p->title);
    ss_json_kstr(&j, "issuer", p->issuer);
    ss_json_kint(&j, "year", p->year);
    kdate(&j, "start", p->start);
    kdate(&j, "end", p->end);
    ss_json_key(&j, "top_org");
    org_ref(&j, r->e, top);
    ss_json_obj_end(&j);
    kdate(&j, "as_of", r->day);
    {
        /* figures read from a hot standby say how far it had replayed */
        const char *replica = ss_web_replica_as_of(r->web);
        ss_json_key(&j, "replica_as_of");
        if (replica && *replica)
            ss_json_str(&j, replica);
        else
            ss_json_null(&j);
    }
    ss_json_key(&j, "projects");
    ss_json_arr(&j);
    for (i = 0; i < p->nprojects; i++) {
        const struct ss_project *pr = &p->projects[i];
        ss_json_obj(&j);
        ss_json_kint(&j, "no", pr->no);
        ss_json_kstr(&j, "title", pr->title);
        ss_json_kstr(&j, "lead_dept", pr->lead_dept);
        ss_json_key(&j, "targets");
        ss_json_arr(&j);
        for (k = 0; k < p->ntargets; k++)
            if (p->targets[k].project_no == pr->no)
                ss_json_int(&j, p->targets[k].id);
        ss_json_arr_end(&j);
        ss_json_obj_end(&j);
    }
    ss_json_arr_end(&j);
    ss_json_key(&j, "targets");
    ss_json_arr(&j);
    for (k = 0; k < p->ntargets; k++)
        target_obj(&j, r->e, k, top, r->day);
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}

void ss_api_target(struct ss_wreq *r)
{
    long ti, org;
    int32_t day, days[SS_WEB_MAX_SERIES];
    size_t n, i, nkids;
    const long *kids;
    const char *code = ss_http_arg(r->http, "org");
    struct ss_json j;
    long id;

    if (ss_parse_long(r->param, &id) != 0 || id <= 0) {
        bad_parameter(r, "id", N_("The target id must be a positive integer."));
        return;
    }
    if ((ti = ss_plan_target_index(r->plan, id)) < 0) {
        not_found(r, "id", N_("No target has this id in the current plan."));
        return;
    }
    if (code && (strlen(code) == 0 || strlen(code) > SS_MAX_ORG_CODE ||
                 strspn(code, "0123456789") != strlen(code))) {
        bad_parameter(r, "org", N_("org must be an org unit code (digits)."));
        return;
    }
    if ((org = ss_web_org_param(r, code)) < 0) {
        not_found(r, "org", N_("No org unit has this code."));
        return;
    }
    if (read_date(r, &day))
        return;
    begin_json(r, &j);
    ss_json_obj(&j);
    ss_json_key(&j, "target");
    target_obj(&j, r->e, (size_t)ti, org, day);
    ss_json_key(&j, "org");
    org_ref(&j, r->e, org);
    kdate(&j, "as_of", day);
    ss_json_key(&j, "series");
    ss_json_arr(&j);
    n = ss_web_series(r->plan, day, days);
    for (i = 0; i < n; i++) {
        struct ss_figure f;
        ss_engine_figure(r->e, (size_t)ti, org, days[i], &f);
        ss_json_obj(&j);
        kdate(&j, "date", days[i]);
        ss_json_knum(&j, "actual", f.actual);
        ss_json_knum(&j, "expected", f.expected);
        ss_json_knum(&j, "expected_value", f.expected_value);
        ss_json_knum(&j, "progress", f.progress);
        ss_json_kstr(&j, "status", ss_status_str(f.status));
        ss_json_obj_end(&j);
    }
    ss_json_arr_end(&j);
    ss_json_key(&j, "breakdown");
    ss_json_arr(&j);
    kids = ss_engine_org_children(r->e, org, &nkids);
    for (i = 0; i < nkids; i++) {
        ss_json_obj(&j);
        ss_json_key(&j, "org");
        org_ref(&j, r->e, kids[i]);
        ss_json_key(&j, "figures");
        target_obj(&j, r->e, (size_t)ti, kids[i], day);
        ss_json_obj_end(&j);
    }
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}

void ss_api_org(struct ss_wreq *r)
{
    const char *code = r->param;
    long org;
    int32_t day;
    size_t i, nkids;
    const long *kids;
    struct ss_json j;

    if (strlen(code) > SS_MAX_ORG_CODE || strspn(code, "0123456789") != strlen(code)) {
        bad_parameter(r, "code", N_("An org unit code is digits only."));
        return;
    }
    if ((org = ss_engine_org_find(r->e, code)) < 0) {
        not_found(r, "code", N_("No org unit has this code."));
        return;
    }
    if (read_date(r, &day))
        return;
    begin_json(r, &j);
    ss_json_obj(&j);
    ss_json_key(&j, "org");
    org_ref(&j, r->e, org);
    ss_json_key(&j, "parent");
    org_ref(&j, r->e, ss_engine_org_parent(r->e, org));
    ss_json_key(&j, "children");
    ss_json_arr(&j);
    kids = ss_engine_org_children(r->e, org, &nkids);
    for (i = 0; i < nkids; i++)
        org_ref(&j, r->e, kids[i]);
    ss_json_arr_end(&j);
    kdate(&j, "as_of", day);
    ss_json_key(&j, "targets");
    ss_json_arr(&j);
    for (i = 0; i < r->plan->ntargets; i++)
        target_obj(&j, r->e, i, org, day);
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}

void ss_api_openapi(struct ss_wreq *r)
{
    r->resp->ctype = JSON_TYPE;
    ss_web_openapi(&r->resp->body);
}
