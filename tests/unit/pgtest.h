/*
 * pgtest.h - a fresh PostgreSQL database for a unit test, when the run has
 * a cluster: tests/run-all.sh starts one (tests/pg/cluster.sh) and sets
 * SHISHI_TEST_PG to the conninfo URL of its maintenance database.
 *
 *   const char *url = ss_test_pg_db();
 *   if (!url)
 *       skip(); // no cluster: this run is SQLite's alone
 *
 * Each call CREATEs a DATABASE of a new name (ss_test_PID_N) and returns
 * its URL: SHISHI_TEST_PG with the database replaced. A URL stays valid to
 * the end of the process. At exit the process drops the databases it made
 * (WITH (FORCE): a connection a failed test left open keeps none) and frees
 * their URLs; a forked child's exit drops only the child's own.
 *
 * Each database made is said on stderr ("pgtest: database NAME on the test
 * cluster"): the line by which tests/run-all.sh labels the binary's run
 * [sqlite+pg]. NULL when SHISHI_TEST_PG is unset or empty. When it is set and no
 * database can be made, the test cannot run as asked: the reason goes to
 * stderr and the process exits 1, so a PostgreSQL run never quietly turns
 * into a SQLite one.
 */
#ifndef SS_TEST_PGTEST_H
#define SS_TEST_PGTEST_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PGTEST_MAX 256 /* databases one test process may make */

struct pgtest_db {
    char name[64];
    char *url;
    pid_t owner; /* the process that made it, the one to drop it */
};

struct pgtest_state {
    int registered; /* the exit handler */
    int n;
    struct pgtest_db db[PGTEST_MAX];
};

static inline struct pgtest_state *pgtest_state(void)
{
    static struct pgtest_state s;
    return &s;
}

static inline void pgtest_fail(const char *what, const char *detail)
{
    fprintf(stderr, "pgtest: %s (SHISHI_TEST_PG=%s): %s\n", what, getenv("SHISHI_TEST_PG"),
            detail ? detail : "");
    exit(1);
}

/* A connection to the maintenance database; exits on failure. */
static inline PGconn *pgtest_connect(const char *maint)
{
    PGconn *c = PQconnectdb(maint);

    if (PQstatus(c) != CONNECTION_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        PQfinish(c);
        pgtest_fail("cannot connect to the test cluster", msg);
    }
    return c;
}

/*
 * maint with its database (the URL's path: from the / after the hosts to
 * '?' or the end) replaced by name; malloc'd. NULL when maint is no URL.
 */
static inline char *pgtest_url(const char *maint, const char *name)
{
    const char *path, *rest;
    size_t len;
    char *url;

    if (!strncmp(maint, "postgresql://", 13))
        path = maint + 13;
    else if (!strncmp(maint, "postgres://", 11))
        path = maint + 11;
    else
        return NULL;
    if (!(path = strchr(path, '/')))
        return NULL;
    path++;
    rest = path + strcspn(path, "?");
    len = (size_t)(path - maint) + strlen(name) + strlen(rest) + 1;
    if (!(url = malloc(len)))
        abort();
    snprintf(url, len, "%.*s%s%s", (int)(path - maint), maint, name, rest);
    return url;
}

static inline void pgtest_drop_all(void)
{
    struct pgtest_state *s = pgtest_state();
    const char *maint = getenv("SHISHI_TEST_PG");
    PGconn *c = NULL;
    int i;

    for (i = 0; i < s->n; i++) {
        if (s->db[i].owner == getpid() && maint && *maint) {
            char sql[128];
            PGresult *r;

            if (!c)
                c = PQconnectdb(maint);
            /* the name is ours (ss_test_PID_N): no outside text in it */
            snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", s->db[i].name);
            r = PQexec(c, sql);
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
                fprintf(stderr, "pgtest: could not drop %s: %s", s->db[i].name, PQerrorMessage(c));
            PQclear(r);
        }
        free(s->db[i].url);
    }
    s->n = 0;
    if (c)
        PQfinish(c);
}

static inline const char *ss_test_pg_db(void)
{
    struct pgtest_state *s = pgtest_state();
    const char *maint = getenv("SHISHI_TEST_PG");
    static int seq; /* this process's databases so far, for their names */
    struct pgtest_db *d;
    PGconn *c;
    char *probe;

    if (!maint || !*maint)
        return NULL;
    if (!(probe = pgtest_url(maint, "x")))
        pgtest_fail("not a conninfo URL with a database (postgresql://…/DB…)", "");
    free(probe);
    if (s->n == PGTEST_MAX)
        pgtest_fail("too many test databases in one process", "raise PGTEST_MAX");
    d = &s->db[s->n];
    c = pgtest_connect(maint);
    for (;;) {
        char sql[128];
        PGresult *r;
        const char *state;

        snprintf(d->name, sizeof d->name, "ss_test_%ld_%d", (long)getpid(), ++seq);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", d->name);
        r = PQexec(c, sql);
        if (PQresultStatus(r) == PGRES_COMMAND_OK) {
            PQclear(r);
            break;
        }
        state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (state && !strcmp(state, "42P04")) { /* left by a process of our pid: next name */
            PQclear(r);
            continue;
        }
        {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
            PQclear(r);
            PQfinish(c);
            pgtest_fail("CREATE DATABASE failed", msg);
        }
    }
    PQfinish(c);
    /* tests/run-all.sh reads this line to say the binary ran on PostgreSQL too */
    fprintf(stderr, "pgtest: database %s on the test cluster\n", d->name);
    d->url = pgtest_url(maint, d->name);
    d->owner = getpid();
    s->n++;
    if (!s->registered) {
        atexit(pgtest_drop_all);
        s->registered = 1;
    }
    return d->url;
}

#endif
