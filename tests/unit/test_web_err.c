/*
 * test_web_err.c - the one error writer (web/web_err.h): each code's
 * status from the table, the rule that a missing thing is 404 only when
 * the URL names it, the API's JSON body (code, message, field), a finer
 * code that keeps the table's status, and a 500 that tells the client
 * nothing of the server.
 *
 * Requests are made up (no connection): ss_http_arg answers NULL for
 * them, so the query plays no part here; the API tests cover it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <cmocka.h> /* after the headers it needs */

#include "base/err.h"
#include "base/limits.h"
#include "base/util.h"
#include "web/web.h"
#include "web/web_err.h"

struct fake {
    struct ss_http_req http;
    struct ss_http_resp resp;
    struct ss_wreq r;
};

static void fake_init(struct fake *f, const char *method, const char *path)
{
    memset(f, 0, sizeof *f);
    f->http.method = method;
    f->http.path = path;
    ss_buf_init(&f->resp.body, SS_MAX_OUTPUT);
    f->r.http = &f->http;
    f->r.resp = &f->resp;
    f->r.lang = SS_LANG_EN;
}

static int status_of(const char *path, int code, const char *field)
{
    struct fake f;
    struct ss_err err;
    int st;

    fake_init(&f, "POST", path);
    ss_err_set(&err, code, field, "x");
    st = ss_web_status(&f.r, &err);
    ss_buf_cleanup(&f.resp.body);
    return st;
}

static void test_status_table(void **state)
{
    (void)state;
    assert_int_equal(status_of("/api/v1/reports", SS_EINVAL, "value"), 400);
    assert_int_equal(status_of("/api/v1/reports", SS_EUNAUTH, ""), 401);
    assert_int_equal(status_of("/api/v1/reports", SS_EFORBIDDEN, "org"), 403);
    assert_int_equal(status_of("/api/v1/reports", SS_ECONFLICT, "id"), 409);
    assert_int_equal(status_of("/api/v1/reports", SS_ETHROTTLED, ""), 429);
    assert_int_equal(status_of("/api/v1/reports", SS_EBUSY, "file"), 503);
    assert_int_equal(status_of("/api/v1/reports", SS_EIO, ""), 500);
    assert_int_equal(status_of("/api/v1/reports", SS_EDB, ""), 500);
    assert_int_equal(status_of("/api/v1/reports", -99, ""), 500); /* a code it lacks */
}

static void test_not_found_names_the_url(void **state)
{
    (void)state;
    /* the route's {param}: the thing the URL names */
    assert_int_equal(status_of("/api/v1/reports/7/approve", SS_ENOTFOUND, "id"), 404);
    assert_int_equal(status_of("/api/v1/orgs/99", SS_ENOTFOUND, "code"), 404);
    /* nothing in particular (no such route) */
    assert_int_equal(status_of("/api/v1/nothing", SS_ENOTFOUND, ""), 404);
    /* a body member naming what does not exist is bad input */
    assert_int_equal(status_of("/api/v1/reports", SS_ENOTFOUND, "target"), 400);
    assert_int_equal(status_of("/api/v1/reports", SS_ENOTFOUND, "id"), 400);
    assert_int_equal(status_of("/api/v1/reports/7/approve", SS_ENOTFOUND, "target"), 400);
    /* a prefix of the {param}'s name is not its name */
    assert_int_equal(status_of("/api/v1/orgs/99", SS_ENOTFOUND, "co"), 400);
}

/* The body of an API error as JSON (the caller json_decref's it). */
static json_t *answer(const char *path, const char *code, int err_code, const char *field,
                      const char *msg, int *status)
{
    struct fake f;
    struct ss_err err;
    json_error_t je;
    json_t *v;

    fake_init(&f, "POST", path);
    ss_buf_puts(&f.resp.body, "something the handler wrote first");
    ss_err_set(&err, err_code, field, "%s", msg);
    ss_web_error_code(&f.r, code, &err);
    *status = f.resp.status;
    assert_string_equal(f.resp.cache_control, "no-store");
    assert_non_null(strstr(f.resp.ctype, "application/json"));
    v = json_loadb(f.resp.body.data, f.resp.body.len, 0, &je);
    assert_non_null(v);
    ss_buf_cleanup(&f.resp.body);
    return v;
}

static const char *member(json_t *v, const char *key)
{
    return json_string_value(json_object_get(json_object_get(v, "error"), key));
}

static void test_api_body(void **state)
{
    json_t *v;
    int status;

    (void)state;
    v = answer("/api/v1/reports", NULL, SS_EINVAL, "value", "value must be a number", &status);
    assert_int_equal(status, 400);
    assert_string_equal(member(v, "code"), "bad_input");
    assert_string_equal(member(v, "message"), "value must be a number");
    assert_string_equal(member(v, "field"), "value");
    json_decref(v);
    /* a finer code, the table's status; no field when it names none */
    v = answer("/api/v1/session", "csrf", SS_EFORBIDDEN, "", "no token", &status);
    assert_int_equal(status, 403);
    assert_string_equal(member(v, "code"), "csrf");
    assert_null(json_object_get(json_object_get(v, "error"), "field"));
    json_decref(v);
    v = answer("/api/v1/session", NULL, SS_ETHROTTLED, "", "wait 3 minutes", &status);
    assert_int_equal(status, 429);
    assert_string_equal(member(v, "code"), "throttled");
    assert_string_equal(member(v, "message"), "wait 3 minutes");
    json_decref(v);
    v = answer("/api/v1/ledger", NULL, SS_EBUSY, "file", "other ledgers are being read", &status);
    assert_int_equal(status, 503);
    assert_string_equal(member(v, "code"), "busy");
    assert_string_equal(member(v, "message"), "other ledgers are being read");
    json_decref(v);
}

static void test_failure_says_nothing(void **state)
{
    json_t *v;
    int status;

    (void)state;
    v = answer("/api/v1/reports", NULL, SS_EDB, "", "disk I/O error at /srv/shishi.db", &status);
    assert_int_equal(status, 500);
    assert_string_equal(member(v, "code"), "internal");
    assert_null(strstr(member(v, "message"), "/srv"));
    assert_string_equal(member(v, "message"), "The store failed; nothing was changed.");
    json_decref(v);
}

static void test_batch_member(void **state)
{
    struct fake f;
    struct ss_err err;
    struct ss_buf b;
    struct ss_json j;

    (void)state;
    fake_init(&f, "POST", "/api/v1/reports/approve");
    ss_buf_init(&b, 4096);
    ss_json_init(&j, &b, 0);
    ss_json_obj(&j);
    /* a batch's item is named by its own id: missing is not_found */
    ss_err_set(&err, SS_ENOTFOUND, "id", "no report 9");
    ss_web_error_member(&j, &f.r, &err);
    ss_json_obj_end(&j);
    assert_string_equal(b.data, "{\"error\":{\"code\":\"not_found\",\"message\":\"no report 9\","
                                "\"field\":\"id\"}}");
    ss_buf_cleanup(&b);
    ss_buf_cleanup(&f.resp.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_table), cmocka_unit_test(test_not_found_names_the_url),
        cmocka_unit_test(test_api_body),     cmocka_unit_test(test_failure_says_nothing),
        cmocka_unit_test(test_batch_member),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
