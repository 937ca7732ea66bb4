/*
 * rawdb.h - a database as someone holding it sees it, past shishi: the
 * SQLite file with sqlite3, or the PostgreSQL database (a test database of
 * pgtest.h) with libpq and its credentials. Tests tamper and look through
 * these; shishi itself only through its store.
 *
 *   struct rawdb db = {.pg = 0, .where = path};   or {.pg = 1, .where = url}
 *   rawdb_exec(&db, "DROP TRIGGER ...");          fails the test on an error
 *   rawdb_try(&db, sql, msg, sizeof msg);          0, or -1 with the message
 *   rawdb_int(&db, "SELECT count(*) FROM ...");    -1 when there is no row
 *   rawdb_lines(&db, sql, &buf);                   the first column of every row
 *   rawdb_new_pg(url, cap)                         a fresh PostgreSQL database
 *   rawdb_conn(url), rawdb_drop(url)               a plain connection; drop a
 *                                                  test database before the
 *                                                  process ends (pgtest.h
 *                                                  drops the rest at exit)
 * (fail_msg is cmocka's: include cmocka.h first.)
 */
#ifndef SS_TEST_RAWDB_H
#define SS_TEST_RAWDB_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "pgtest.h"

static inline void rawdb_quiet(void *arg, const char *msg)
{
    (void)arg, (void)msg;
}

/* A plain connection to the database at url (the caller PQfinish-es it),
 * or NULL with the reason on stderr. */
static inline PGconn *rawdb_conn(const char *url)
{
    PGconn *c = PQconnectdb(url);

    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "rawdb: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, rawdb_quiet, NULL);
    return c;
}

/* Drop the test database at url now (one of pgtest.h's: its name is
 * ss_test_PID_N, no outside text), so a test that makes many keeps the
 * cluster small. */
static inline void rawdb_drop(const char *url)
{
    const char *name = strstr(url, "/ss_test_");
    PGconn *c = getenv("SHISHI_TEST_PG") ? rawdb_conn(getenv("SHISHI_TEST_PG")) : NULL;
    char sql[160];

    if (c && name) {
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %.*s WITH (FORCE)",
                 (int)strcspn(name + 1, "?"), name + 1);
        PQclear(PQexec(c, sql));
    }
    PQfinish(c);
}

/* A new test database (pgtest.h), its URL into url: 0, or -1 when this
 * run has no cluster. */
static inline int rawdb_new_pg(char *url, size_t cap)
{
    const char *u = ss_test_pg_db();

    if (!u)
        return -1;
    snprintf(url, cap, "%s", u);
    return 0;
}

struct rawdb {
    int pg; /* 1: PostgreSQL, where is its URL; 0: SQLite, where is the file */
    const char *where;
};

/* Run sql (several statements may be given); 0, or -1 with the message. */
static inline int rawdb_try(const struct rawdb *db, const char *sql, char *msg, size_t cap)
{
    int rc = 0;

    if (msg && cap)
        msg[0] = '\0';
    if (db->pg) {
        PGconn *c = rawdb_conn(db->where);
        PGresult *r = c ? PQexec(c, sql) : NULL;
        ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
            rc = -1;
            if (msg)
                snprintf(msg, cap, "%s", c ? PQerrorMessage(c) : "no connection");
        }
        PQclear(r);
        PQfinish(c);
    } else {
        sqlite3 *d = NULL;
        char *e = NULL;
        if (sqlite3_open(db->where, &d) != SQLITE_OK ||
            (sqlite3_busy_timeout(d, 5000), sqlite3_exec(d, sql, NULL, NULL, &e)) != SQLITE_OK) {
            rc = -1;
            if (msg)
                snprintf(msg, cap, "%s", e ? e : sqlite3_errmsg(d));
        }
        sqlite3_free(e);
        sqlite3_close(d);
    }
    return rc;
}

static inline void rawdb_exec(const struct rawdb *db, const char *sql)
{
    char msg[512];

    if (rawdb_try(db, sql, msg, sizeof msg))
        fail_msg("%s: %s", sql, msg);
}

/* The first column of the first row of sql, as text into out ("" when
 * there is no row or it is NULL). */
static inline void rawdb_text(const struct rawdb *db, const char *sql, char *out, size_t cap)
{
    out[0] = '\0';
    if (db->pg) {
        PGconn *c = rawdb_conn(db->where);
        PGresult *r = c ? PQexec(c, sql) : NULL;
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
            fail_msg("%s: %s", sql, c ? PQerrorMessage(c) : "no connection");
        if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
            snprintf(out, cap, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
        PQfinish(c);
    } else {
        sqlite3 *d = NULL;
        sqlite3_stmt *s = NULL;
        if (sqlite3_open(db->where, &d) != SQLITE_OK ||
            sqlite3_prepare_v2(d, sql, -1, &s, NULL) != SQLITE_OK)
            fail_msg("%s: %s", sql, sqlite3_errmsg(d));
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
            snprintf(out, cap, "%s", (const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        sqlite3_close(d);
    }
}

static inline long long rawdb_int(const struct rawdb *db, const char *sql)
{
    char t[64];

    rawdb_text(db, sql, t, sizeof t);
    return t[0] ? strtoll(t, NULL, 10) : -1;
}

/* Every row of sql, its first column, one a line, into b. */
static inline void rawdb_lines(const struct rawdb *db, const char *sql, struct ss_buf *b)
{
    if (db->pg) {
        PGconn *c = rawdb_conn(db->where);
        PGresult *r = c ? PQexec(c, sql) : NULL;
        int i;
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
            fail_msg("%s: %s", sql, c ? PQerrorMessage(c) : "no connection");
        for (i = 0; i < PQntuples(r); i++)
            ss_buf_printf(b, "%s\n", PQgetvalue(r, i, 0));
        PQclear(r);
        PQfinish(c);
    } else {
        sqlite3 *d = NULL;
        sqlite3_stmt *s = NULL;
        if (sqlite3_open(db->where, &d) != SQLITE_OK ||
            sqlite3_prepare_v2(d, sql, -1, &s, NULL) != SQLITE_OK)
            fail_msg("%s: %s", sql, sqlite3_errmsg(d));
        while (sqlite3_step(s) == SQLITE_ROW)
            ss_buf_printf(b, "%s\n", (const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        sqlite3_close(d);
    }
}

#endif
