/*
 * notice_api.c - supervision notices over JSON (notice_web.h).
 *
 * As every handler: ss_web_auth first (401 without a session; writes
 * also need the CSRF token, 403), then core/notice.h decides: who may
 * (403), what state allows it (409), what is wrong with the input (400,
 * with the field). Reading lists the notices addressed to units the user
 * sees (core/access.h); another unit's notice is 403.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"
#include "base/util.h"
#include "core/access.h"
#include "core/notice.h"
#include "store/store_notice.h"
#include "web/notice_web.h"
#include "web/web.h"
#include "web/web_err.h"
#include "web/workflow_web.h"

#define JSON_TYPE "application/json; charset=utf-8"

static void begin(struct ss_wreq *r, struct ss_json *j, int status)
{
    r->resp->status = status;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(j, &r->resp->body, 0);
}

static int id_param(struct ss_wreq *r, int64_t *id)
{
    long v;

    if (ss_parse_long(r->param, &v) || v < 1) {
        struct ss_err err;

        ss_err_set(&err, SS_EINVAL, "id", "The notice id must be a positive integer.");
        ss_web_error_code(r, "bad_parameter", &err);
        return -1;
    }
    *id = v;
    return 0;
}

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

/* Notice id with its history as the response, from st (the connection
 * that wrote it, or the read one). */
static void reply(struct ss_wreq *r, struct ss_store *st, int64_t id, int status)
{
    struct ss_notice n;
    struct ss_notice_event *ev = NULL;
    struct ss_notice_file *files = NULL;
    struct ss_err err;
    struct ss_json j;
    size_t nev = 0, nfiles = 0;

    if (ss_store_notice_get(st, id, &n)) {
        ss_err_set(&err, SS_ENOTFOUND, "id", "no notice %lld", (long long)id);
        ss_web_error(r, &err);
        return;
    }
    if (ss_store_notice_events(st, id, &ev, &nev) ||
        ss_store_notice_files(st, id, &files, &nfiles)) {
        ss_store_notice_events_free(ev, nev);
        ss_store_notice_cleanup(&n);
        ss_err_set(&err, SS_EDB, "", "the notice's history cannot be read");
        ss_web_error(r, &err);
        return;
    }
    begin(r, &j, status);
    ss_notice_json(&j, r->e, &n, ev, nev, files, nfiles, SS_NOTICE_HISTORY);
    ss_buf_putc(&r->resp->body, '\n');
    ss_store_notice_events_free(ev, nev);
    ss_store_notice_files_free(files, nfiles);
    ss_store_notice_cleanup(&n);
}

void ss_api_notices(struct ss_wreq *r)
{
    const char *status = ss_http_arg(r->http, "status"), *org = ss_http_arg(r->http, "org");
    struct ss_notice *list = NULL;
    struct ss_user u;
    struct ss_err err;
    struct ss_json j;
    size_t n = 0, i;
    long within = -1;

    if (ss_web_auth(r, 0, &u))
        return;
    ss_err_clear(&err);
    if (status && strcmp(status, "issued") && strcmp(status, "answered") &&
        strcmp(status, "closed")) {
        ss_err_set(&err, SS_EINVAL, "status", "status must be issued, answered or closed");
        ss_web_error_code(r, "bad_parameter", &err);
        return;
    }
    if (org && (within = ss_engine_org_find(r->e, org)) < 0) {
        ss_err_set(&err, SS_ENOTFOUND, "org", "no org unit %s", org);
        ss_web_error(r, &err);
        return;
    }
    if (ss_store_notice_list(r->st, r->plan->id, status, &list, &n)) {
        ss_err_set(&err, SS_EDB, "", "the notices cannot be read");
        ss_web_error(r, &err);
        return;
    }
    begin(r, &j, 200);
    ss_json_obj(&j);
    ss_json_key(&j, "notices");
    ss_json_arr(&j);
    for (i = 0; i < n; i++) {
        int64_t to[2];
        size_t k, m = ss_notice_addressees(&list[i], to), in = within < 0;

        for (k = 0; k < m && !in; k++)
            in = ss_engine_org_within(r->e, ss_engine_org_by_id(r->e, to[k]), within);
        if (in && ss_notice_visible(r->e, &u, &list[i]))
            ss_notice_json(&j, r->e, &list[i], NULL, 0, NULL, 0, 0);
    }
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
    ss_store_notices_free(list, n);
}

void ss_api_notice_get(struct ss_wreq *r)
{
    struct ss_notice n;
    struct ss_user u;
    struct ss_err err;
    int64_t id;
    int rc;

    if (ss_web_auth(r, 0, &u) || id_param(r, &id))
        return;
    if ((rc = ss_store_notice_get(r->st, id, &n))) {
        ss_err_set(&err, rc, "id", "no notice %lld", (long long)id);
        ss_web_error(r, &err);
        return;
    }
    if (!ss_notice_visible(r->e, &u, &n)) {
        ss_err_set(&err, SS_EFORBIDDEN, "id", "notice %lld is addressed to a unit outside %s",
                   (long long)id, u.org);
        ss_web_error(r, &err);
    } else {
        reply(r, r->st, id, 200);
    }
    ss_store_notice_cleanup(&n);
}

void ss_api_notice_post(struct ss_wreq *r)
{
    const char *org, *text, *grade;
    struct ss_store *st;
    struct ss_user u;
    struct ss_err err;
    json_t *body, *v;
    enum ss_grade g = SS_GRADE_NONE;
    int64_t id;

    if (ss_web_auth(r, 1, &u) || !(body = ss_api_json_body(r)))
        return;
    ss_err_clear(&err);
    v = json_object_get(body, "target");
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        ss_err_set(&err, SS_EINVAL, "target", "target must be a target id (an integer)");
        ss_web_error(r, &err);
        goto out;
    }
    if (ss_api_str_member(r, body, "org", &org) || ss_api_str_member(r, body, "text", &text) ||
        ss_api_str_member(r, body, "grade", &grade))
        goto out;
    if (grade && (g = ss_grade_parse(grade)) == SS_GRADE_NONE) {
        ss_err_set(&err, SS_EINVAL, "grade", "grade must be blue, yellow or red");
        ss_web_error(r, &err);
        goto out;
    }
    if (!(st = rw(r)))
        goto out;
    if (ss_notice_issue(st, r->e, &u, json_integer_value(v), org, text, g, ss_date_today(), &id,
                        &err))
        ss_web_error(r, &err);
    else
        reply(r, st, id, 201);
out:
    json_decref(body);
}

/* answer, close or return: what = 'a', 'c', 'r' */
static void change(struct ss_wreq *r, char what)
{
    const char *text = NULL, *measures = NULL, *due = NULL, *comment = NULL;
    struct ss_store *st;
    struct ss_user u;
    struct ss_err err;
    json_t *body = NULL;
    int64_t id;
    int rc;

    if (ss_web_auth(r, 1, &u) || id_param(r, &id))
        return;
    if (what != 'c' || r->http->body_len) {
        if (!(body = ss_api_json_body(r)))
            return;
        if (ss_api_str_member(r, body, "text", &text) ||
            ss_api_str_member(r, body, "measures", &measures) ||
            ss_api_str_member(r, body, "due", &due) ||
            ss_api_str_member(r, body, "comment", &comment))
            goto out;
    }
    if (!(st = rw(r)))
        goto out;
    ss_err_clear(&err);
    rc = what == 'a'
             ? ss_notice_answer(st, r->e, &u, id, text, measures, due, ss_date_today(), &err)
         : what == 'c' ? ss_notice_close(st, r->e, &u, id, ss_date_today(), &err)
                       : ss_notice_return(st, r->e, &u, id, comment, ss_date_today(), &err);
    if (rc)
        ss_web_error(r, &err);
    else
        reply(r, st, id, 200);
out:
    json_decref(body);
}

void ss_api_notice_answer(struct ss_wreq *r)
{
    change(r, 'a');
}

void ss_api_notice_close(struct ss_wreq *r)
{
    change(r, 'c');
}

void ss_api_notice_return(struct ss_wreq *r)
{
    change(r, 'r');
}

void ss_api_notice_evidence(struct ss_wreq *r)
{
    const struct ss_http_field *f;
    struct ss_store *st;
    struct ss_user u;
    struct ss_err err;
    struct ss_json j;
    struct ss_notice n;
    char hex[65];
    const char *mime = NULL;
    int64_t id;
    int rc;

    if (ss_web_auth(r, 1, &u) || id_param(r, &id))
        return;
    ss_err_clear(&err);
    if (!(f = ss_http_file(r->http, "file"))) {
        ss_err_set(&err, SS_EINVAL, "file", "send the file as the multipart field \"file\"");
        ss_web_error(r, &err);
        return;
    }
    if (!(st = rw(r)))
        return;
    /* who may, before the file is kept; the write checks again */
    if ((rc = ss_store_notice_get(st, id, &n))) {
        ss_err_set(&err, rc, "id", "no notice %lld", (long long)id);
        ss_web_error(r, &err);
        return;
    }
    rc = ss_notice_may_answer(r->e, &u, &n, &err);
    ss_store_notice_cleanup(&n);
    if (rc || ss_wf_evidence_keep(st, f, hex, &mime, &err) ||
        ss_notice_evidence(st, r->e, &u, id, hex, mime, (int64_t)f->len,
                           f->filename && *f->filename ? f->filename : NULL, &err)) {
        ss_web_error(r, &err);
        return;
    }
    begin(r, &j, 201);
    ss_json_obj(&j);
    ss_json_kint(&j, "notice", id);
    ss_json_kint(&j, "files", ss_store_notice_evidence_count(st, id));
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}
