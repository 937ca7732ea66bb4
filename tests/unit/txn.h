/*
 * txn.h - a test's writes, each in a transaction begun with its actor, as
 * the CLI and the console make them (store.h: every write begins with the
 * acting user; a write outside a transaction is refused).
 *
 *   assert_int_equal(AS(st, "cli", ss_store_orgs_upsert(st, orgs, 2, &err)), 0);
 *
 * begins a transaction by "cli", runs the call, and commits when it
 * returned 0 (else rolls back), so the result is the call's, or the
 * commit's when that failed. A begin that fails gives SS_EDB without
 * running the call.
 */
#ifndef SS_TEST_TXN_H
#define SS_TEST_TXN_H

#include "base/util.h"
#include "store/store.h"

static inline int txn_end(struct ss_store *st, int rc)
{
    if (rc) {
        ss_store_rollback(st);
        return rc;
    }
    return ss_store_commit(st, NULL);
}

#define AS(st, actor, call) txn_end((st), ss_store_begin((st), (actor), NULL) ? SS_EDB : (call))

#endif
