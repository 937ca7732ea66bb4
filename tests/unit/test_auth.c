/*
 * test_auth.c - accounts and sessions (core/auth.h) and the HTTP body
 * parsers the login form and uploads go through (web/http.h).
 *
 * The clock is moved with ss_auth_set_clock, so throttling and expiry are
 * tested without waiting; SHISHI_PWHASH_FAST keeps argon2id cheap under the
 * sanitizers. The only SQL here reads the session table, to show that it
 * never holds a token.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h> /* after the headers it needs */
#include <sqlite3.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/auth.h"
#include "store/store.h"
#include "store/store_account.h"
#include "store/store_audit.h"
#include "web/http.h"
#include "tmpdb.h"

#define T0 1780000000 /* 2026-05-28 */

struct fixture {
    char path[TMPDB_PATH];
    struct ss_store *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct ss_org_rec orgs[] = {
        {"99", "省", 1, NULL}, {"9901", "甲市", 2, "99"}, {"990101", "甲一县", 3, "9901"}};
    struct ss_err err;

    setenv("SHISHI_PWHASH_FAST", "1", 1);
    assert_int_equal(tmpdb_name(f->path, "auth"), 0);
    assert_int_equal(ss_store_open(f->path, SS_STORE_CREATE, &f->st, &err), 0);
    assert_int_equal(ss_store_orgs_upsert(f->st, orgs, 3, &err), 0);
    assert_int_equal(
        ss_auth_user_add(f->st, "alice", "reporter", "990101", NULL, "correct horse", NULL, &err),
        0);
    ss_auth_set_clock(T0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    ss_auth_set_clock(0);
    ss_store_close(f->st);
    tmpdb_remove(f->path);
    free(f);
    return 0;
}

static int login(struct fixture *f, const char *name, const char *pw, char token[SS_TOKEN_HEX],
                 struct ss_err *err)
{
    char csrf[SS_TOKEN_HEX];
    struct ss_user u;

    ss_err_clear(err);
    return ss_auth_login(f->st, name, pw, "127.0.0.1", token, csrf, &u, err);
}

static void test_login_and_session(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], csrf[SS_TOKEN_HEX], csrf2[SS_TOKEN_HEX];
    struct ss_user u, v;
    struct ss_err err;

    assert_int_equal(ss_auth_login(f->st, "alice", "correct horse", NULL, token, csrf, &u, &err),
                     0);
    assert_int_equal(strlen(token), 64);
    assert_int_equal(strlen(csrf), 64);
    assert_string_not_equal(token, csrf);
    assert_string_equal(u.name, "alice");
    assert_int_equal(u.role, SS_ROLE_REPORTER);
    assert_string_equal(u.org, "990101");
    assert_string_equal(u.dept, "");
    assert_int_equal(ss_auth_session(f->st, token, &v, csrf2), 0);
    assert_string_equal(v.name, "alice");
    assert_int_equal(v.id, u.id);
    assert_string_equal(csrf2, csrf);
    /* a second login is a second session */
    {
        char t2[SS_TOKEN_HEX];
        assert_int_equal(login(f, "alice", "correct horse", t2, &err), 0);
        assert_string_not_equal(t2, token);
        assert_int_equal(ss_auth_session(f->st, t2, &v, NULL), 0);
    }
    /* garbage tokens */
    assert_int_equal(ss_auth_session(f->st, "", &v, NULL), SS_ENOTFOUND);
    assert_int_equal(ss_auth_session(f->st, NULL, &v, NULL), SS_ENOTFOUND);
    token[0] = token[0] == 'a' ? 'b' : 'a';
    assert_int_equal(ss_auth_session(f->st, token, &v, NULL), SS_ENOTFOUND);
}

static void test_token_not_stored(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX];
    struct ss_err err;
    sqlite3 *db;
    sqlite3_stmt *s;
    int n = 0;

    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT token_hash FROM session", -1, &s, NULL),
                     SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        assert_string_not_equal((const char *)sqlite3_column_text(s, 0), token);
        n++;
    }
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT pw_hash FROM account", -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_true(strncmp((const char *)sqlite3_column_text(s, 0), "$argon2id$", 10) == 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    assert_int_equal(n, 1);
}

static void test_wrong_password(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], msg_known[512];
    struct ss_err err;

    assert_int_equal(login(f, "alice", "wrong horse", token, &err), SS_EFORBIDDEN);
    assert_string_equal(token, "");
    assert_string_equal(err.field, "user");
    snprintf(msg_known, sizeof msg_known, "%s", err.msg);
    /* an unknown name gets the very same answer */
    assert_int_equal(login(f, "mallory", "wrong horse", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.msg, msg_known);
    assert_int_equal(login(f, "", "x", token, &err), SS_EFORBIDDEN);
    assert_int_equal(login(f, "alice", "", token, &err), SS_EFORBIDDEN);
}

static void test_throttle(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX];
    struct ss_err err;
    struct ss_audit_result ar;
    int i;

    /* a success clears earlier failures */
    for (i = 0; i < SS_LOGIN_MAX_FAILURES - 1; i++)
        assert_int_equal(login(f, "alice", "nope nope", token, &err), SS_EFORBIDDEN);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    for (i = 0; i < SS_LOGIN_MAX_FAILURES; i++) {
        ss_auth_set_clock(T0 + 10 + i);
        assert_int_equal(login(f, "alice", "nope nope", token, &err), SS_EFORBIDDEN);
        assert_string_equal(err.field, "user");
    }
    /* now even the right password is refused, with a wait in the message */
    ss_auth_set_clock(T0 + 60);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.field, SS_THROTTLED);
    assert_non_null(strstr(err.msg, "wait 15 minutes"));
    assert_string_equal(token, "");
    /* other names are not affected */
    assert_int_equal(login(f, "bob", "nope nope", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.field, "user");
    /* refused attempts do not extend the lock */
    ss_auth_set_clock(T0 + 10 + SS_LOGIN_WINDOW - 1);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), SS_EFORBIDDEN);
    assert_string_equal(err.field, SS_THROTTLED);
    ss_auth_set_clock(T0 + 10 + SS_LOGIN_WINDOW);
    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    /* every attempt is in the audit log, and the chain holds */
    assert_int_equal(ss_store_audit_verify(f->st, NULL, &ar, &err), 0);
    assert_int_equal(ar.bad_entry, 0);
}

static void test_expiry(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX];
    struct ss_user u;
    struct ss_err err;

    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    ss_auth_set_clock(T0 + SS_SESSION_SECONDS - 1);
    assert_int_equal(ss_auth_session(f->st, token, &u, NULL), 0);
    ss_auth_set_clock(T0 + SS_SESSION_SECONDS);
    assert_int_equal(ss_auth_session(f->st, token, &u, NULL), SS_ENOTFOUND);
    assert_int_equal(ss_auth_logout(f->st, token), SS_ENOTFOUND);
}

static void test_logout(void **state)
{
    struct fixture *f = *state;
    char token[SS_TOKEN_HEX], other[SS_TOKEN_HEX];
    struct ss_user u;
    struct ss_err err;

    assert_int_equal(login(f, "alice", "correct horse", token, &err), 0);
    assert_int_equal(login(f, "alice", "correct horse", other, &err), 0);
    assert_int_equal(ss_auth_logout(f->st, token), 0);
    assert_int_equal(ss_auth_session(f->st, token, &u, NULL), SS_ENOTFOUND);
    assert_int_equal(ss_auth_logout(f->st, token), SS_ENOTFOUND);
    assert_int_equal(ss_auth_session(f->st, other, &u, NULL), 0); /* only that session */
    assert_int_equal(ss_auth_logout(f->st, "not a token"), SS_ENOTFOUND);
}

static void test_user_add(void **state)
{
    struct fixture *f = *state;
    struct ss_account_rec a;
    struct ss_err err;
    int64_t id = 0;

    assert_int_equal(
        ss_auth_user_add(f->st, "bob", "reviewer", "9901", NULL, "1234567", NULL, &err), SS_EINVAL);
    assert_string_equal(err.field, "password");
    assert_int_equal(ss_auth_user_add(f->st, "bob", "boss", "9901", NULL, "12345678", NULL, &err),
                     SS_EINVAL);
    assert_string_equal(err.field, "--role");
    assert_int_equal(ss_auth_user_add(f->st, "bob", "reviewer", "77", NULL, "12345678", NULL, &err),
                     SS_ENOTFOUND);
    assert_string_equal(err.field, "--org");
    assert_int_equal(
        ss_auth_user_add(f->st, "bob", "reviewer", "9901", "没有的部门", "12345678", NULL, &err),
        SS_ENOTFOUND);
    assert_string_equal(err.field, "--dept");
    assert_int_equal(
        ss_auth_user_add(f->st, "b ob", "reviewer", "9901", NULL, "12345678", NULL, &err),
        SS_EINVAL);
    assert_int_equal(
        ss_auth_user_add(f->st, "alice", "reviewer", "9901", NULL, "12345678", NULL, &err),
        SS_ECONFLICT);
    assert_int_equal(
        ss_auth_user_add(f->st, "审核员甲", "reviewer", "9901", NULL, "12345678", &id, &err), 0);
    assert_true(id > 0);
    assert_int_equal(ss_store_account_get(f->st, "审核员甲", &a), 0);
    assert_string_equal(a.role, "reviewer");
    assert_string_equal(a.org, "9901");
}

static void test_token_equal(void **state)
{
    (void)state;
    assert_true(ss_auth_token_equal("abc", "abc"));
    assert_false(ss_auth_token_equal("abc", "abd"));
    assert_false(ss_auth_token_equal("abc", "abcd"));
    assert_false(ss_auth_token_equal("", ""));
    assert_false(ss_auth_token_equal(NULL, "abc"));
    assert_false(ss_auth_token_equal("abc", NULL));
}

static void test_roles(void **state)
{
    enum ss_role r;

    (void)state;
    assert_int_equal(ss_role_parse("admin", &r), 0);
    assert_int_equal(r, SS_ROLE_ADMIN);
    assert_string_equal(ss_role_str(SS_ROLE_VIEWER), "viewer");
    assert_int_equal(ss_role_parse("Admin", &r), SS_EINVAL);
    assert_int_equal(ss_role_parse(NULL, &r), SS_EINVAL);
}

/* ---- body parsers ---- */

static void test_urlencoded(void **state)
{
    static const char body[] = "user=%E5%BC%A0+san&password=a%26b%3Dc&empty=&flag&=x";
    struct ss_http_field *fl;
    size_t n;
    char *store;

    (void)state;
    assert_int_equal(ss_http_parse_urlencoded(body, sizeof body - 1, &fl, &n, &store), 0);
    assert_int_equal(n, 5);
    assert_string_equal(fl[0].name, "user");
    assert_string_equal(fl[0].value, "张 san");
    assert_string_equal(fl[1].value, "a&b=c");
    assert_string_equal(fl[2].name, "empty");
    assert_int_equal(fl[2].len, 0);
    assert_string_equal(fl[3].name, "flag");
    assert_string_equal(fl[3].value, "");
    assert_null(fl[0].filename);
    free(fl);
    free(store);
    assert_int_equal(ss_http_parse_urlencoded("a=%4", 4, &fl, &n, &store), SS_EINVAL);
    assert_int_equal(ss_http_parse_urlencoded("a=%zz", 5, &fl, &n, &store), SS_EINVAL);
    assert_int_equal(ss_http_parse_urlencoded("a%00b=1", 7, &fl, &n, &store), SS_EINVAL);
    assert_int_equal(ss_http_parse_urlencoded("", 0, &fl, &n, &store), 0);
    assert_int_equal(n, 0);
    free(fl);
    free(store);
}

static void test_multipart(void **state)
{
    static const char ct[] = "multipart/form-data; boundary=----XyZ";
    static const char body[] =
        "preamble\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
        "第一行\r\nsecond line\r\n"
        "------XyZ\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\dir\\\\台账.csv\"\r\n"
        "Content-Type: text/csv\r\n\r\n"
        "a,b\r\n\0\x01,2\r\n"
        "------XyZ--\r\nepilogue";
    struct ss_http_field *fl;
    size_t n;
    char *store;

    (void)state;
    assert_int_equal(ss_http_parse_multipart(ct, body, sizeof body - 1, &fl, &n, &store), 0);
    assert_int_equal(n, 2);
    assert_string_equal(fl[0].name, "note");
    assert_string_equal(fl[0].value, "第一行\r\nsecond line");
    assert_null(fl[0].filename);
    assert_string_equal(fl[1].name, "file");
    assert_string_equal(fl[1].filename, "台账.csv");
    assert_string_equal(fl[1].ctype, "text/csv");
    assert_int_equal(fl[1].len, 9); /* the CRLF before a delimiter is the delimiter's */
    assert_memory_equal(fl[1].value, "a,b\r\n\0\x01,2", 9);
    free(fl);
    free(store);
    /* no boundary, no closing delimiter, a part without a name */
    assert_int_equal(
        ss_http_parse_multipart("multipart/form-data", body, sizeof body - 1, &fl, &n, &store),
        SS_EINVAL);
    assert_int_equal(ss_http_parse_multipart(ct, body, 60, &fl, &n, &store), SS_EINVAL);
    {
        static const char noname[] = "------XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n"
                                     "------XyZ--\r\n";
        assert_int_equal(ss_http_parse_multipart(ct, noname, sizeof noname - 1, &fl, &n, &store),
                         SS_EINVAL);
    }
}

static void test_json_depth(void **state)
{
    (void)state;
    assert_int_equal(ss_http_json_depth("{\"a\":[1,{\"b\":2}]}", 17, 16), 3);
    assert_int_equal(ss_http_json_depth("\"[[[[\"", 6, 16), 0);
    assert_int_equal(ss_http_json_depth("[\"\\\"[[\"]", 8, 16), 1);
    assert_true(ss_http_json_depth("[[[[[[[[[[[[[[[[[[[[[[[[", 24, SS_MAX_JSON_DEPTH) >
                SS_MAX_JSON_DEPTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_login_and_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_not_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_add, setup, teardown),
        cmocka_unit_test(test_token_equal),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_urlencoded),
        cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_json_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
