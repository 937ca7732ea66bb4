/*
 * cycle_api.c - the yearly cycle over JSON (cycle_web.h, core/cycle.h).
 *
 * Anyone may post a proposal (no session: throttled per client address,
 * refused outside the proposal window with 403 naming it) and read the
 * proposals, a ballot by its receipt, and the result once the vote has
 * closed. Triage needs an admin or a supervisor of the cycle's unit; a
 * ballot a deputy of it (ss_web_auth first: 401, CSRF 403).
 *
 * Secrecy: the ballot handler writes no log line of its own, and the
 * access log writes a receipt's path without the code (http_log.c).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"
#include "base/util.h"
#include "core/cycle.h"
#include "store/store_cycle.h"
#include "web/cycle_web.h"
#include "web/web.h"
#include "web/web_err.h"

#define JSON_TYPE "application/json; charset=utf-8"

const struct ss_throttle_rule ss_proposal_rule = {
    .scope = "proposal.ip", .max = 30, .window = 3600, .what = SS_M("proposals from this address")};

static void begin(struct ss_wreq *r, struct ss_json *j, int status)
{
    r->resp->status = status;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(j, &r->resp->body, 0);
}

static void end(struct ss_wreq *r)
{
    ss_buf_putc(&r->resp->body, '\n');
}

static void fail(struct ss_wreq *r, int code, const char *field, const char *msg)
{
    struct ss_err err;

    ss_err_set(&err, code, field, "%s", msg);
    ss_web_error(r, &err);
}

static struct ss_store *rw(struct ss_wreq *r)
{
    struct ss_store *st = ss_web_store_rw(r);

    if (!st)
        fail(r, SS_EIO, "", "the database cannot be opened for writing");
    return st;
}

int ss_cycle_year_of(struct ss_wreq *r, const char *arg)
{
    int year = 0, next = 0;
    int *years = NULL;
    size_t n = 0;
    long v;

    if (arg)
        return ss_parse_long(arg, &v) || v < 2000 || v > 2200 ? -1 : (int)v;
    if (ss_store_cycle_proposing(r->st, ss_date_today(), &year, &next) == SS_OK && year)
        return year;
    if (ss_store_cycle_years(r->st, &years, &n) == SS_OK && n)
        year = years[0];
    free(years);
    return year;
}

/* The {year} path segment (the part before a '/'), or -1 after a 400. */
static int year_param(struct ss_wreq *r)
{
    char y[8];
    size_t n = strcspn(r->param, "/");
    long v;

    if (n >= sizeof y)
        n = sizeof y - 1;
    memcpy(y, r->param, n);
    y[n] = '\0';
    if (ss_parse_long(y, &v) || v < 1 || v > 999999) {
        struct ss_err err;

        ss_err_set(&err, SS_EINVAL, "year", "The year must be a plan year, like 2027.");
        ss_web_error_code(r, "bad_parameter", &err);
        return -1;
    }
    return (int)v;
}

static int64_t id_param(struct ss_wreq *r)
{
    long v;

    if (ss_parse_long(r->param, &v) || v < 1) {
        struct ss_err err;

        ss_err_set(&err, SS_EINVAL, "id", "The proposal id must be a positive integer.");
        ss_web_error_code(r, "bad_parameter", &err);
        return 0;
    }
    return v;
}

/* A string member: NULL when absent or null; -1 after a 400. */
static int str_member(struct ss_wreq *r, json_t *body, const char *name, const char **out)
{
    json_t *v = json_object_get(body, name);

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        struct ss_err err;

        ss_err_set(&err, SS_EINVAL, name, "%s must be a string", name);
        ss_web_error(r, &err);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

void ss_api_proposals(struct ss_wreq *r)
{
    struct ss_proposal_row *p = NULL;
    struct ss_json j;
    size_t n = 0, i;
    int year = ss_cycle_year_of(r, ss_http_arg(r->http, "year"));

    if (year < 0) {
        struct ss_err err;

        ss_err_set(&err, SS_EINVAL, "year", "The year must be a plan year, like 2027.");
        ss_web_error_code(r, "bad_parameter", &err);
        return;
    }
    if (year && ss_store_proposals(r->st, year, &p, &n)) {
        fail(r, SS_EDB, "", "the proposals cannot be read");
        return;
    }
    begin(r, &j, 200);
    ss_json_obj(&j);
    if (year)
        ss_json_kint(&j, "year", year);
    else
        ss_json_knull(&j, "year");
    ss_json_key(&j, "proposals");
    ss_json_arr(&j);
    for (i = 0; i < n; i++)
        ss_proposal_json(&j, &p[i]);
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    end(r);
    ss_store_proposals_free(p, n);
}

int ss_cycle_web_propose(struct ss_wreq *r, const struct ss_proposal_in *in, int64_t *id, int *year,
                         struct ss_err *err)
{
    struct ss_store *st = ss_web_store_rw(r);

    if (!st)
        return ss_err_set(err, SS_EIO, "", "the database cannot be opened for writing");
    if (ss_throttle_client(st, &ss_proposal_rule, r->http->ip, err))
        return err->code;
    return ss_cycle_propose(st, r->e, in, ss_date_today(), id, year, err);
}

void ss_api_proposal_post(struct ss_wreq *r)
{
    struct ss_proposal_in in;
    struct ss_err err;
    struct ss_json j;
    json_t *body;
    int64_t id;
    int year;

    if (!(body = ss_api_json_body(r)))
        return;
    memset(&in, 0, sizeof in);
    if (str_member(r, body, "title", &in.title) || str_member(r, body, "text", &in.text) ||
        str_member(r, body, "org", &in.org) || str_member(r, body, "where", &in.place) ||
        str_member(r, body, "for_whom", &in.for_whom) ||
        str_member(r, body, "contact", &in.contact))
        goto out;
    ss_err_clear(&err);
    if (ss_cycle_web_propose(r, &in, &id, &year, &err)) {
        ss_web_error(r, &err);
        goto out;
    }
    begin(r, &j, 201);
    ss_json_obj(&j);
    ss_json_kint(&j, "id", id);
    ss_json_kint(&j, "year", year);
    ss_json_kstr(&j, "status", "new");
    ss_json_obj_end(&j);
    end(r);
out:
    json_decref(body);
}

/* promote, merge, decline: what = 'p', 'm', 'd' */
static void triage(struct ss_wreq *r, char what)
{
    const char *dept = NULL, *note = NULL, *reason = NULL;
    struct ss_store *st;
    struct ss_user u;
    struct ss_err err;
    struct ss_json j;
    json_t *body, *v;
    int64_t id, out = 0;
    double cost = 0;
    int rc;

    if (ss_web_auth(r, 1, &u) || !(id = id_param(r)) || !(body = ss_api_json_body(r)))
        return;
    ss_err_clear(&err);
    if (what == 'p') {
        v = json_object_get(body, "cost");
        if (!json_is_number(v)) {
            fail(r, SS_EINVAL, "cost", "cost must be a number of yuan");
            goto out;
        }
        cost = json_number_value(v);
        if (str_member(r, body, "department", &dept) || str_member(r, body, "note", &note))
            goto out;
    } else if (what == 'm') {
        v = json_object_get(body, "into");
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
            fail(r, SS_EINVAL, "into", "into must be a proposal id (an integer)");
            goto out;
        }
    } else if (str_member(r, body, "reason", &reason)) {
        goto out;
    }
    if (!(st = rw(r)))
        goto out;
    rc = what == 'p'
             ? ss_cycle_promote(st, r->e, &u, id, cost, dept, note, ss_date_today(), &out, &err)
         : what == 'm'
             ? ss_cycle_merge(st, r->e, &u, id, json_integer_value(json_object_get(body, "into")),
                              &out, &err)
             : ss_cycle_decline(st, r->e, &u, id, reason, &err);
    if (rc) {
        ss_web_error(r, &err);
        goto out;
    }
    begin(r, &j, what == 'p' ? 201 : 200);
    ss_json_obj(&j);
    ss_json_kint(&j, "id", id);
    if (what == 'p') {
        ss_json_kstr(&j, "status", "promoted");
        ss_json_kint(&j, "candidate", out);
    } else if (what == 'm') {
        ss_json_kstr(&j, "status", "merged");
        ss_json_kint(&j, "merged_into", out);
    } else {
        ss_json_kstr(&j, "status", "declined");
    }
    ss_json_obj_end(&j);
    end(r);
out:
    json_decref(body);
}

void ss_api_proposal_promote(struct ss_wreq *r)
{
    triage(r, 'p');
}

void ss_api_proposal_merge(struct ss_wreq *r)
{
    triage(r, 'm');
}

void ss_api_proposal_decline(struct ss_wreq *r)
{
    triage(r, 'd');
}

void ss_api_ballot_post(struct ss_wreq *r)
{
    char receipt[SS_RECEIPT_HEX];
    int64_t ids[SS_CYCLE_MAX_SEATS + 1];
    struct ss_store *st;
    struct ss_user u;
    struct ss_err err;
    struct ss_json j;
    json_t *body, *v, *c;
    size_t n, i;
    int year;

    if (ss_web_auth(r, 1, &u) || (year = year_param(r)) < 0 || !(body = ss_api_json_body(r)))
        return;
    v = json_object_get(body, "choices");
    if (!json_is_array(v)) {
        fail(r, SS_EINVAL, "choices", "choices must be a list of candidate ids");
        goto out;
    }
    n = json_array_size(v);
    if (n > SS_CYCLE_MAX_SEATS) {
        fail(r, SS_EINVAL, "choices", "a ballot chooses at most as many as there are seats");
        goto out;
    }
    json_array_foreach(v, i, c)
    {
        if (!json_is_integer(c) || json_integer_value(c) < 1) {
            fail(r, SS_EINVAL, "choices", "choices must be a list of candidate ids");
            goto out;
        }
        ids[i] = json_integer_value(c);
    }
    if (!(st = rw(r)))
        goto out;
    ss_err_clear(&err);
    if (ss_cycle_cast(st, r->e, &u, year, ids, n, ss_date_today(), receipt, &err)) {
        ss_web_error(r, &err);
        goto out;
    }
    begin(r, &j, 201);
    ss_json_obj(&j);
    ss_json_kint(&j, "year", year);
    ss_json_kstr(&j, "receipt", receipt);
    ss_json_obj_end(&j);
    end(r);
    sodium_memzero(receipt, sizeof receipt);
out:
    json_decref(body);
}

void ss_api_receipt(struct ss_wreq *r)
{
    const char *slash = strchr(r->param, '/');
    int64_t *choices = NULL;
    struct ss_err err;
    struct ss_json j;
    size_t n = 0, i;
    int year;

    if ((year = year_param(r)) < 0)
        return;
    ss_err_clear(&err);
    if (ss_cycle_receipt(r->st, year, slash ? slash + 1 : "", &choices, &n, &err)) {
        ss_web_error(r, &err);
        return;
    }
    begin(r, &j, 200);
    ss_json_obj(&j);
    ss_json_kint(&j, "year", year);
    ss_json_key(&j, "choices");
    ss_json_arr(&j);
    for (i = 0; i < n; i++)
        ss_json_int(&j, choices[i]);
    ss_json_arr_end(&j);
    ss_json_kbool(&j, "counted", 1);
    ss_json_obj_end(&j);
    end(r);
    free(choices);
}

void ss_api_result(struct ss_wreq *r)
{
    struct ss_cycle_result res;
    struct ss_err err;
    struct ss_json j;
    int year;

    if ((year = year_param(r)) < 0)
        return;
    ss_err_clear(&err);
    if (ss_cycle_result(r->st, year, ss_date_today(), 0, &res, &err)) {
        ss_web_error(r, &err);
        return;
    }
    begin(r, &j, 200);
    ss_cycle_result_json(&j, &res);
    end(r);
    ss_cycle_result_cleanup(&res);
}
