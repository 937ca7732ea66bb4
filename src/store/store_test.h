/*
 * store_test.h - for tests only: what a test needs to play the next
 * release, or an unlucky moment, against the real store. Nothing in shishi
 * calls these; a program that never calls them runs exactly as if they did
 * not exist.
 *
 *   - ss_store_test_migration appends one migration to this process's
 *     schema, written as the next release would write it: its SQL, the
 *     tables it starts auditing and the columns it adds to audited tables.
 *     The store then runs it like any other (the migration step, the
 *     audit triggers made again, the verifier's columns per version), so a
 *     test can upgrade a database made by this release, or create one
 *     that starts at the new version, and check that the audit follows.
 *   - ss_store_test_exec runs one statement inside the open transaction:
 *     a write, by the transaction's actor, to a column or table no store
 *     function knows yet (the test migration's).
 *   - ss_store_test_scan_hook is called by each part of a parallel full
 *     load of the approved reports (ss_store_load_approved), just before
 *     it reads and just after; while it is set, the load is split into
 *     parts however few rows there are. A test can commit approvals between
 *     the parts' reads, the moment that would tear a load that had no
 *     high-water mark.
 */
#ifndef SS_STORE_TEST_H
#define SS_STORE_TEST_H

#include <stddef.h>

#include "base/err.h"
#include "store/store.h"

struct ss_test_audited_table {
    const char *table;
    const char *id;   /* its INTEGER PRIMARY KEY */
    const char *cols; /* the row image, comma-separated */
};
struct ss_test_audited_col {
    const char *table; /* an audited table */
    const char *col;   /* the column the migration adds */
    const char *dflt;  /* its DEFAULT, as an SQL literal */
};
struct ss_test_migration {
    const char *name;
    const char *sql;   /* the schema change */
    const char *after; /* data changes recorded by the new triggers; may be NULL */
    const struct ss_test_audited_table *tables;
    size_t ntables;
    const struct ss_test_audited_col *cols;
    size_t ncols;
    const char *pg_sql;   /* the same on PostgreSQL (NULL: nothing to do there) */
    const char *pg_after; /* may be NULL */
};

/* Append m as the next migration (the built-in ones' number + 1, which is
 * returned), or with m NULL remove it. m and what it points to must stay
 * valid while stores are open. Call it with no store open. */
int ss_store_test_migration(const struct ss_test_migration *m);

/* Cut the migrations this build knows at version v (a database made
 * then is one of the release at v, the test migration left out), or with
 * v 0 know them all again. Call it with no store open. */
void ss_store_test_schema_limit(int v);

/* Run sql (no result rows, no parameters) inside the open transaction. */
int ss_store_test_exec(struct ss_store *st, const char *sql, struct ss_err *err);

/* part: 0, 1, ... of the load; phase 0 before its read, 1 after. The hook
 * runs on the part's own thread. fn NULL removes it. */
typedef void (*ss_test_scan_fn)(void *ctx, int part, int phase);
void ss_store_test_scan_hook(ss_test_scan_fn fn, void *ctx);

#endif
