/*
 * pgfresh.h - a fresh PostgreSQL database for a unit test, from
 * $SHISHI_TEST_PG (a postgresql:// URL of a server where the test may
 * create databases; unset: the PostgreSQL half of a test is skipped, and
 * says so). Until the shared fixture (pgtest.h) lands, the tests of the
 * schema and the audit log use this one.
 *
 *   char url[PGFRESH_URL];
 *   if (pgfresh_create(url, "audit") == 0) { ... ss_store_open(url, ...) ...;
 *                                           pgfresh_drop(url); }
 *
 * pgfresh_conn(url) opens a plain libpq connection to it, as someone
 * holding the database's credentials (not shishi) would.
 */
#ifndef SS_TEST_PGFRESH_H
#define SS_TEST_PGFRESH_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PGFRESH_URL 1024

/* The server's URL, or NULL when the tests run on SQLite alone. */
static inline const char *pgfresh_server(void)
{
    const char *u = getenv("SHISHI_TEST_PG");
    return u && (strncmp(u, "postgresql://", 13) == 0 || strncmp(u, "postgres://", 11) == 0) ? u
                                                                                             : NULL;
}

/* url with its database replaced by db, into out. */
static inline void pgfresh_url(const char *url, const char *db, char out[PGFRESH_URL])
{
    const char *auth = strstr(url, "://") + 3, *path = strchr(auth, '/'), *query;

    if (!path)
        path = auth + strcspn(auth, "?");
    query = strchr(path, '?');
    snprintf(out, PGFRESH_URL, "%.*s/%s%s", (int)(path - url), url, db, query ? query : "");
}

static inline void pgfresh_quiet(void *arg, const char *msg)
{
    (void)arg, (void)msg;
}

/* Run sql on the server's own database; 0 or -1 (the message on stderr). */
static inline int pgfresh_admin(const char *sql)
{
    PGconn *c = PQconnectdb(pgfresh_server());
    PGresult *r = NULL;
    int ok = PQstatus(c) == CONNECTION_OK;

    if (ok) {
        PQsetNoticeProcessor(c, pgfresh_quiet, NULL);
        r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    }
    if (!ok)
        fprintf(stderr, "pgfresh: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

/* A new, empty database named after the test: its URL in url. 0, or -1
 * when there is no server to use. */
static inline int pgfresh_create(char url[PGFRESH_URL], const char *name)
{
    static int n;
    char db[64], sql[128];

    if (!pgfresh_server())
        return -1;
    snprintf(db, sizeof db, "ss_%s_%ld_%d", name, (long)getpid(), n++);
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
    pgfresh_admin(sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
    if (pgfresh_admin(sql))
        return -1;
    pgfresh_url(pgfresh_server(), db, url);
    return 0;
}

static inline void pgfresh_drop(const char *url)
{
    const char *auth = strstr(url, "://") + 3, *path = strchr(auth, '/');
    char sql[128];

    if (!path)
        return;
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %.*s WITH (FORCE)",
             (int)strcspn(path + 1, "?"), path + 1);
    pgfresh_admin(sql);
}

/* A plain connection to the database at url (the caller PQfinish-es it). */
static inline PGconn *pgfresh_conn(const char *url)
{
    PGconn *c = PQconnectdb(url);

    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "pgfresh: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, pgfresh_quiet, NULL);
    return c;
}

#endif
