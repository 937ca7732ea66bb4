/*
 * message_api.c - the public's messages over JSON (message_web.h).
 *
 * Anyone: send (POST /api/v1/messages), read the published ones with
 * their answers (GET /api/v1/messages?target=|project=|org=), follow
 * one's own by its ticket and mark the answer. Staff (ss_web_auth, CSRF):
 * publish, hide, reply, and the queue of what they may act on. No answer
 * here ever holds a contact: core's JSON has none to write.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "base/json.h"
#include "base/util.h"
#include "core/access.h"
#include "core/message.h"
#include "web/message_web.h"
#include "web/web.h"
#include "web/web_err.h"

#define JSON_TYPE "application/json; charset=utf-8"

static void begin(struct ss_wreq *r, struct ss_json *j, int status)
{
    r->resp->status = status;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(j, &r->resp->body, 0);
}

/* Answer an error whose words are the message id msgid (N_). */
static void bad(struct ss_wreq *r, int code, const char *field, const char *msgid)
{
    struct ss_err err;

    ss_err_id(&err, code, field, msgid);
    ss_web_error(r, &err);
}

static struct ss_store *rw(struct ss_wreq *r)
{
    struct ss_store *st = ss_web_store_rw(r);

    if (!st)
        bad(r, SS_EIO, "", N_("the database cannot be opened for writing"));
    return st;
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

/* {"target": ID} | {"project": N} | {"org": "CODE"}, a target or project
 * with an optional "org" (the place): into in; -1 after a 400. */
static int about_member(struct ss_wreq *r, json_t *body, struct ss_message_in *in)
{
    json_t *a = json_object_get(body, "about");
    json_t *t = json_object_get(a, "target"), *p = json_object_get(a, "project"),
           *o = json_object_get(a, "org");

    if (!json_is_object(a) || (t && !json_is_integer(t)) || (p && !json_is_integer(p)) ||
        (o && !json_is_string(o)) || (t && p) || (!t && !p && !o)) {
        bad(r, SS_EINVAL, "about",
            N_("about must be {\"target\": ID}, {\"project\": N} or {\"org\": \"CODE\"}"));
        return -1;
    }
    in->about = t ? "target" : p ? "project" : "org";
    in->target_id = t ? json_integer_value(t) : 0;
    in->project_no = p && json_integer_value(p) > 0 && json_integer_value(p) < 1000
                         ? (int)json_integer_value(p)
                         : 0;
    in->org = o ? json_string_value(o) : NULL;
    return 0;
}

/* An answer that looks like a success and stores nothing (the honeypot). */
static void decoy(struct ss_wreq *r)
{
    char token[SS_TOKEN_HEX];
    struct ss_json j;

    ss_auth_random_token(token);
    token[SS_TICKET_LEN] = '\0';
    begin(r, &j, 201);
    ss_json_obj(&j);
    ss_json_kint(&j, "id", 0);
    ss_json_kstr(&j, "status", "received");
    ss_json_kstr(&j, "ticket", token);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}

void ss_api_message_post(struct ss_wreq *r)
{
    struct ss_message_in in;
    const char *trap;
    struct ss_store *st;
    struct ss_err err;
    struct ss_json j;
    char ticket[SS_TICKET_LEN + 1];
    json_t *body;
    int64_t id;

    if (!(body = ss_api_json_body(r)))
        return;
    memset(&in, 0, sizeof in);
    if (about_member(r, body, &in) || str_member(r, body, "kind", &in.kind) ||
        str_member(r, body, "text", &in.text) || str_member(r, body, "contact", &in.contact) ||
        str_member(r, body, "website", &trap))
        goto out;
    if (trap && *trap) {
        decoy(r);
        goto out;
    }
    ss_err_clear(&err);
    if (ss_message_check(r->e, &in, &err)) {
        ss_web_error(r, &err);
        goto out;
    }
    if (!(st = rw(r)))
        goto out;
    if (ss_message_post(st, r->e, &in, r->http->ip, (int64_t)time(NULL), &id, ticket, &err)) {
        ss_web_error(r, &err);
        goto out;
    }
    begin(r, &j, 201);
    ss_json_obj(&j);
    ss_json_kint(&j, "id", id);
    ss_json_kstr(&j, "status", "received");
    ss_json_kstr(&j, "ticket", ticket);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
out:
    json_decref(body);
}

int ss_message_collect(struct ss_wreq *r, const char *about, int64_t target_id, int project_no,
                       long org, struct ss_message **out, size_t *n, int *hidden)
{
    struct ss_store_message_filter f;
    struct ss_message *all = NULL;
    size_t nall = 0, i, k;

    memset(&f, 0, sizeof f);
    memset(hidden, 0, SS_MESSAGE_NREASONS * sizeof *hidden);
    *out = NULL;
    *n = 0;
    f.plan_id = r->plan->id;
    f.about = about;
    f.target_id = target_id;
    f.project_no = project_no;
    if (about && strcmp(about, "org") == 0)
        f.org_id = ss_engine_org(r->e, org)->id;
    if (ss_store_message_list(r->st, &f, &all, &nall))
        return SS_EDB;
    for (i = 0; i < nall; i++) {
        long at = ss_engine_org_by_id(r->e, all[i].org_id);
        int keep = strcmp(all[i].status, "published") == 0;
        if (at < 0 || (org >= 0 && !ss_engine_org_within(r->e, at, org)))
            keep = 0;
        else if (strcmp(all[i].status, "hidden") == 0)
            for (k = 0; k < SS_MESSAGE_NREASONS; k++)
                hidden[k] += strcmp(all[i].hide_reason, ss_message_reasons[k]) == 0;
        if (keep)
            all[(*n)++] = all[i];
        else
            ss_store_message_cleanup(&all[i]);
    }
    *out = all;
    return SS_OK;
}

void ss_api_messages(struct ss_wreq *r)
{
    const char *target = ss_http_arg(r->http, "target"), *project = ss_http_arg(r->http, "project"),
               *code = ss_http_arg(r->http, "org");
    struct ss_message *list;
    struct ss_err err;
    struct ss_json j;
    int hidden[SS_MESSAGE_NREASONS], total = 0;
    size_t n, i;
    long id = 0, org = -1;

    ss_err_clear(&err);
    if ((target && project) || (target && (ss_parse_long(target, &id) || id < 1)) ||
        (project && (ss_parse_long(project, &id) || id < 1 || id > 999))) {
        ss_err_set(&err, SS_EINVAL, target ? "target" : "project",
                   "ask for target=ID, project=N or org=CODE");
        ss_web_error_code(r, "bad_parameter", &err);
        return;
    }
    if (target && ss_plan_target_index(r->plan, id) < 0) {
        bad(r, SS_ENOTFOUND, "target", N_("no such target in the current plan"));
        return;
    }
    if (code && (org = ss_engine_org_find(r->e, code)) < 0) {
        bad(r, SS_ENOTFOUND, "org", N_("no such org unit"));
        return;
    }
    if (ss_message_collect(r,
                           target    ? "target"
                           : project ? "project"
                           : code    ? "org"
                                     : NULL,
                           target ? id : 0, project ? (int)id : 0, org, &list, &n, hidden)) {
        bad(r, SS_EDB, "", N_("the messages cannot be read"));
        return;
    }
    begin(r, &j, 200);
    ss_json_obj(&j);
    ss_json_key(&j, "messages");
    ss_json_arr(&j);
    for (i = 0; i < n; i++)
        ss_message_json(&j, r->e, &list[i], r->day, 0);
    ss_json_arr_end(&j);
    ss_json_key(&j, "hidden");
    ss_json_obj(&j);
    for (i = 0; i < SS_MESSAGE_NREASONS; i++) {
        ss_json_kint(&j, ss_message_reasons[i], hidden[i]);
        total += hidden[i];
    }
    ss_json_obj_end(&j);
    ss_json_kint(&j, "hidden_total", total);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
    ss_store_messages_free(list, n);
}

/* The message of the ticket in the path: 0, or -1 after a 404. */
static int by_ticket(struct ss_wreq *r, struct ss_store *st, struct ss_message *m)
{
    int rc = ss_message_by_ticket(st, r->param, m);

    if (rc)
        bad(r, rc == SS_ENOTFOUND ? SS_ENOTFOUND : SS_EDB, "ticket",
            N_("no message has this ticket"));
    return rc ? -1 : 0;
}

void ss_api_message_ticket(struct ss_wreq *r)
{
    struct ss_message m;
    struct ss_json j;

    if (by_ticket(r, r->st, &m))
        return;
    begin(r, &j, 200);
    ss_message_json(&j, r->e, &m, r->day, 0);
    ss_buf_putc(&r->resp->body, '\n');
    ss_store_message_cleanup(&m);
}

void ss_api_message_helpful(struct ss_wreq *r)
{
    struct ss_message m;
    struct ss_store *st;
    struct ss_err err;
    struct ss_json j;
    json_t *body, *v;

    if (!(body = ss_api_json_body(r)))
        return;
    v = json_object_get(body, "helpful");
    if (!json_is_boolean(v)) {
        bad(r, SS_EINVAL, "helpful", N_("helpful must be true or false"));
        goto out;
    }
    if (!(st = rw(r)))
        goto out;
    ss_err_clear(&err);
    if (ss_message_rate(st, r->param, json_is_true(v), &err)) {
        ss_web_error(r, &err);
        goto out;
    }
    if (by_ticket(r, st, &m))
        goto out;
    begin(r, &j, 200);
    ss_message_json(&j, r->e, &m, r->day, 0);
    ss_buf_putc(&r->resp->body, '\n');
    ss_store_message_cleanup(&m);
out:
    json_decref(body);
}

/* POST /api/v1/messages/{id}/publish, /hide or /reply: the path's last
 * segment says which. */
void ss_api_message_change(struct ss_wreq *r)
{
    const char *tail = strrchr(r->http->path, '/');
    char what = tail && strcmp(tail, "/hide") == 0    ? 'h'
                : tail && strcmp(tail, "/reply") == 0 ? 'r'
                                                      : 'p';
    const char *reason = NULL, *text = NULL;
    struct ss_message m;
    struct ss_store *st;
    struct ss_user u;
    struct ss_err err;
    struct ss_json j;
    json_t *body = NULL;
    long id;
    int rc;

    if (ss_web_auth(r, 1, &u))
        return;
    if (ss_parse_long(r->param, &id) || id < 1) {
        ss_err_set(&err, SS_EINVAL, "id", "The message id must be a positive integer.");
        ss_web_error_code(r, "bad_parameter", &err);
        return;
    }
    if (what != 'p' || r->http->body_len) {
        if (!(body = ss_api_json_body(r)))
            return;
        if (str_member(r, body, "reason", &reason) || str_member(r, body, "text", &text))
            goto out;
    }
    if (!(st = rw(r)))
        goto out;
    ss_err_clear(&err);
    rc = what == 'p'   ? ss_message_publish(st, r->e, &u, id, ss_date_today(), &err)
         : what == 'h' ? ss_message_hide(st, r->e, &u, id, reason, ss_date_today(), &err)
                       : ss_message_reply(st, r->e, &u, id, text, ss_date_today(), &err);
    if (rc) {
        ss_web_error(r, &err);
        goto out;
    }
    if (ss_store_message_get(st, id, &m)) {
        bad(r, SS_EDB, "", N_("the message cannot be read"));
        goto out;
    }
    begin(r, &j, 200);
    ss_message_json(&j, r->e, &m, r->day, SS_MESSAGE_STAFF);
    ss_buf_putc(&r->resp->body, '\n');
    ss_store_message_cleanup(&m);
out:
    json_decref(body);
}

void ss_api_messages_queue(struct ss_wreq *r)
{
    const char *status = ss_http_arg(r->http, "status");
    struct ss_store_message_filter f;
    struct ss_message *list = NULL;
    struct ss_user u;
    struct ss_json j;
    size_t n = 0, i;

    if (ss_web_auth(r, 0, &u))
        return;
    if (status && strcmp(status, "received") && strcmp(status, "published") &&
        strcmp(status, "hidden")) {
        struct ss_err err;
        ss_err_set(&err, SS_EINVAL, "status", "status must be received, published or hidden");
        ss_web_error_code(r, "bad_parameter", &err);
        return;
    }
    memset(&f, 0, sizeof f);
    f.plan_id = r->plan->id;
    f.status = status;
    if (ss_store_message_list(r->st, &f, &list, &n)) {
        bad(r, SS_EDB, "", N_("the messages cannot be read"));
        return;
    }
    begin(r, &j, 200);
    ss_json_obj(&j);
    ss_json_key(&j, "messages");
    ss_json_arr(&j);
    for (i = 0; i < n; i++)
        if (ss_message_staff_sees(r->e, &u, &list[i]))
            ss_message_json(&j, r->e, &list[i], r->day, SS_MESSAGE_STAFF);
    ss_json_arr_end(&j);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
    ss_store_messages_free(list, n);
}
