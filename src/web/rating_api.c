/*
 * rating_api.c - satisfaction ratings over JSON (rating_web.h).
 *
 * POST /api/v1/ratings takes no session: anyone may rate. A body with
 * "code" is a closed survey's rating (the code names the project), any
 * other the open rating of "project" in the plan's year; core/rating.h
 * decides, and refusals keep its codes' statuses: 400 (the field named),
 * 404, 409 (this browser rated it), 429 (this address gave its share). A
 * JSON POST from another site's page cannot be made without a preflight,
 * which this server never grants, and one with another site's Origin is
 * refused before any handler (web.c).
 *
 * GET /api/v1/projects/{no}/satisfaction counts the accepted ratings of
 * a period (default the plan year): the open rating's n, mean and
 * distribution, and each closed audience's apart. Comments are never in
 * it.
 */
#include <jansson.h>
#include <string.h>

#include "base/date.h"
#include "base/json.h"
#include "base/util.h"
#include "core/rating.h"
#include "web/rating_web.h"
#include "web/web.h"
#include "web/web_err.h"

#define JSON_TYPE "application/json; charset=utf-8"

void ss_rating_set_cookie(struct ss_wreq *r, const char *name, const char *value)
{
    if (name[0] && value[0])
        ss_http_resp_cookie_ex(r->resp, name, value, SS_RATING_COOKIE_AGE,
                               r->http->https ? SS_COOKIE_SECURE : 0);
}

/* An integer member, or -1 after a 400; absent: *out = missing. */
static int int_member(struct ss_wreq *r, json_t *body, const char *name, long missing, long *out)
{
    json_t *v = json_object_get(body, name);
    struct ss_err err;

    *out = missing;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < -1000000 ||
        json_integer_value(v) > 1000000) {
        ss_err_set(&err, SS_EINVAL, name, "%s must be a whole number", name);
        ss_web_error(r, &err);
        return -1;
    }
    *out = (long)json_integer_value(v);
    return 0;
}

static void accepted(struct ss_wreq *r, int project, const char *period, int score,
                     const char *source)
{
    struct ss_json j;

    r->resp->status = 201;
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(&j, &r->resp->body, 0);
    ss_json_obj(&j);
    ss_json_kstr(&j, "status", "accepted");
    ss_json_kint(&j, "project", project);
    ss_json_kstr(&j, "period", period);
    ss_json_kint(&j, "score", score);
    ss_json_kstr(&j, "source", source);
    ss_json_obj_end(&j);
    ss_buf_putc(&r->resp->body, '\n');
}

void ss_api_rating_post(struct ss_wreq *r)
{
    const char *comment, *code, *period;
    struct ss_store *st;
    struct ss_err err;
    json_t *body;
    long project, score;

    if (!(body = ss_api_json_body(r)))
        return;
    ss_err_clear(&err);
    if (int_member(r, body, "project", 0, &project) || int_member(r, body, "score", 0, &score) ||
        ss_api_str_member(r, body, "comment", &comment) ||
        ss_api_str_member(r, body, "code", &code) || ss_api_str_member(r, body, "period", &period))
        goto out;
    if (!(st = ss_web_store_rw(r))) {
        ss_err_set(&err, SS_EIO, "", "the database cannot be opened for writing");
        ss_web_error(r, &err);
        goto out;
    }
    if (code) {
        struct ss_survey sv;

        int used;

        /* a project named beside the code must be the code's, checked
         * before the code is spent */
        if (project && ss_rating_survey_find(st, code, &sv, &used, &err) == 0 &&
            project != sv.project_no)
            ss_err_set(&err, SS_EINVAL, "project", "the code is for project %d, not %ld",
                       sv.project_no, project);
        else /* an unknown code is the give's to refuse: it counts the miss */
            ss_err_clear(&err);
        if (!err.code)
            ss_rating_survey_give(st, code, (int)score, comment, r->http->ip, &sv, &err);
        if (err.code)
            ss_web_error(r, &err);
        else
            accepted(r, sv.project_no, sv.period, (int)score, ss_rating_source_name(sv.audience));
    } else {
        char name[SS_RATING_COOKIE_NAME], year[SS_PERIOD_MAX];
        struct ss_rating_req q = {.plan = r->plan,
                                  .project_no = (int)project,
                                  .period = period,
                                  .score = (int)score,
                                  .comment = comment,
                                  .client = r->http->ip};
        struct ss_rating_done done;

        if (!project) {
            ss_err_set(&err, SS_EINVAL, "project", "project is missing: the project's number");
            ss_web_error(r, &err);
            goto out;
        }
        ss_rating_period_of(r->plan, year);
        ss_rating_cookie_name(year, name);
        q.cookie = ss_http_cookie(r->http, name);
        if (ss_rating_give(st, &q, &done, &err)) {
            ss_web_error(r, &err);
            goto out;
        }
        ss_rating_set_cookie(r, done.cookie_name, done.cookie);
        accepted(r, (int)project, done.period, (int)score, "open");
    }
out:
    json_decref(body);
}

void ss_api_satisfaction(struct ss_wreq *r)
{
    const char *period = ss_http_arg(r->http, "period");
    char year[SS_PERIOD_MAX], today[11];
    struct ss_satisfaction s;
    struct ss_err err;
    struct ss_json j;
    long no;
    size_t i;
    int found = 0;

    ss_err_clear(&err);
    /* the current plan's projects; a past period (a period named) may
     * have had others, so there any number a rating can carry is read */
    if (ss_parse_long(r->param, &no) == 0)
        for (i = 0; i < r->plan->nprojects; i++)
            found |= r->plan->projects[i].no == no;
    if (period && !found)
        found = no >= 1 && no <= SS_RATING_MAX_PROJECT;
    if (!found) {
        ss_err_set(&err, SS_ENOTFOUND, "no", "the plan has no project %.20s", r->param);
        ss_web_error(r, &err);
        return;
    }
    if (period && ss_rating_period_check(period, &err)) {
        ss_web_error_code(r, "bad_parameter", &err);
        return;
    }
    ss_rating_period_of(r->plan, year);
    if (ss_rating_summary(r->st, (int)no, period ? period : year, &s)) {
        ss_err_set(&err, SS_EDB, "", "the ratings cannot be read");
        ss_web_error(r, &err);
        return;
    }
    ss_date_fmt(ss_date_today(), today);
    r->resp->ctype = JSON_TYPE;
    r->resp->cache_control = "no-store";
    ss_json_init(&j, &r->resp->body, 0);
    ss_satisfaction_json(&j, &s, today);
    ss_buf_putc(&r->resp->body, '\n');
}
