/*
 * test_pgtest.c - the unit tests' PostgreSQL databases (pgtest.h):
 *
 *   - no SHISHI_TEST_PG, no database: NULL;
 *   - two calls give two databases, each reachable at its URL, apart (a
 *     table made in one is not in the other);
 *   - a process's databases are dropped when it exits, and a forked
 *     child's exit drops its own, not its parent's;
 *   - a SHISHI_TEST_PG that reaches no cluster ends the process with 1,
 *     not NULL (which would run the test on SQLite alone).
 *
 * The last two need the cluster make check starts and skip without it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pgtest.h"

/* The first column of the first row of sql run at url, or "" (malloc'd). */
static char *query(const char *url, const char *sql, const char *param)
{
    PGconn *c = PQconnectdb(url);
    PGresult *r;
    char *v;

    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "query: %s: %s", url, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    r = PQexecParams(c, sql, param ? 1 : 0, NULL, param ? &param : NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "query: %s: %s", sql, PQerrorMessage(c));
        v = NULL;
    } else {
        v = strdup(PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
    }
    PQclear(r);
    PQfinish(c);
    return v;
}

static void test_unset_gives_null(void **state)
{
    const char *was = getenv("SHISHI_TEST_PG");
    char *keep = was ? strdup(was) : NULL;

    (void)state;
    unsetenv("SHISHI_TEST_PG");
    assert_null(ss_test_pg_db());
    setenv("SHISHI_TEST_PG", "", 1);
    assert_null(ss_test_pg_db());
    if (keep)
        setenv("SHISHI_TEST_PG", keep, 1);
    else
        unsetenv("SHISHI_TEST_PG");
    free(keep);
}

static void test_two_databases(void **state)
{
    const char *a, *b;
    char *na, *nb, *made, *seen;

    (void)state;
    if (!getenv("SHISHI_TEST_PG"))
        skip();
    a = ss_test_pg_db();
    b = ss_test_pg_db();
    assert_non_null(a);
    assert_non_null(b);
    assert_string_not_equal(a, b);
    na = query(a, "SELECT current_database()", NULL);
    nb = query(b, "SELECT current_database()", NULL);
    assert_non_null(na);
    assert_non_null(nb);
    assert_string_not_equal(na, nb);
    assert_non_null(strstr(a, na)); /* each URL names its database */
    assert_non_null(strstr(b, nb));
    made = query(a, "CREATE TABLE t (x int)", NULL);
    assert_non_null(made);
    seen = query(b, "SELECT to_regclass('t') IS NULL", NULL);
    assert_non_null(seen);
    assert_string_equal(seen, "t");
    free(na);
    free(nb);
    free(made);
    free(seen);
}

static void test_dropped_at_exit(void **state)
{
    const char *mine, *maint = getenv("SHISHI_TEST_PG");
    char name[64] = "", *n, *gone, *kept;
    int fd[2], status;
    pid_t pid;

    (void)state;
    if (!maint)
        skip();
    mine = ss_test_pg_db();
    assert_int_equal(pipe(fd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const char *url = ss_test_pg_db();
        char *cn = query(url, "SELECT current_database()", NULL);
        ssize_t w = cn ? write(fd[1], cn, strlen(cn)) : -1;

        free(cn);
        exit(w > 0 ? 0 : 1); /* exit, not _exit: the handler runs */
    }
    close(fd[1]);
    assert_true(read(fd[0], name, sizeof name - 1) > 0);
    close(fd[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_non_null(strstr(name, "ss_test_"));
    gone = query(maint, "SELECT count(*) FROM pg_database WHERE datname = $1", name);
    assert_non_null(gone);
    assert_string_equal(gone, "0"); /* the child's, dropped at its exit */
    n = query(mine, "SELECT current_database()", NULL);
    assert_non_null(n);
    kept = query(maint, "SELECT count(*) FROM pg_database WHERE datname = $1", n);
    assert_non_null(kept);
    assert_string_equal(kept, "1"); /* the parent's, still there */
    free(gone);
    free(n);
    free(kept);
}

static void test_unreachable_exits(void **state)
{
    int status;
    pid_t pid;

    (void)state;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* a socket directory nobody has: the connection fails */
        setenv("SHISHI_TEST_PG", "postgresql:///postgres?host=/nonexistent-pgtest&port=1", 1);
        ss_test_pg_db();
        _exit(0); /* not reached */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unset_gives_null),
        cmocka_unit_test(test_two_databases),
        cmocka_unit_test(test_dropped_at_exit),
        cmocka_unit_test(test_unreachable_exits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
