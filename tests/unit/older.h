/*
 * older.h - taking an SQLite database of this build back to an older
 * schema, for the tests that replay migrations from there (test_store,
 * test_throttle, test_workflow: each drops what the migrations after its
 * version made, then sets PRAGMA user_version).
 *
 * OLDER_UNDO_DELIVERY undoes the delivery migration (STORE_SCHEMA_OUTBOX):
 * its tables, and the account's email column, whose audit triggers name
 * it (the migration, run again, makes them again with it).
 * OLDER_UNDO_BULLETIN undoes the bulletin's (STORE_SCHEMA_BULLETIN),
 * OLDER_UNDO_NOTICES the supervision notices' (STORE_SCHEMA_NOTICES; the
 * roles' migration before it may run again: it rebuilds account alike).
 * OLDER_UNDO_SOURCES the imported announcements' (STORE_SCHEMA_SOURCES).
 * OLDER_UNDO_SUPERVISION_RULE a plan's reminder days and score weights
 * (STORE_SCHEMA_SUPERVISION_RULE).
 * OLDER_UNDO_RATINGS the satisfaction ratings' (STORE_SCHEMA_RATINGS).
 * OLDER_UNDO_FOLLOW the following's (STORE_SCHEMA_FOLLOW: subscriptions,
 * the status history, the outbox's sealed and headers columns).
 * OLDER_UNDO_CYCLE the yearly cycle's (STORE_SCHEMA_CYCLE).
 * OLDER_UNDO_MESSAGES the public's messages' (STORE_SCHEMA_MESSAGES).
 * OLDER_UNDO_NEWER: all of them, for going back to 10 or before.
 */
#ifndef SS_TEST_OLDER_H
#define SS_TEST_OLDER_H

#define OLDER_UNDO_DELIVERY                                                                        \
    "DROP TABLE outbox; DROP TABLE channel; DROP TRIGGER audit_account_ins; "                      \
    "DROP TRIGGER audit_account_upd; DROP TRIGGER audit_account_del; "                             \
    "ALTER TABLE account DROP COLUMN email;"
#define OLDER_UNDO_BULLETIN "DROP TABLE bulletin;"
#define OLDER_UNDO_NOTICES                                                                         \
    "DROP TABLE notice_evidence; DROP TABLE notice_event; DROP TABLE notice; "                     \
    "DROP TABLE notice_rule;"
#define OLDER_UNDO_SOURCES "DROP TABLE plan_source;"
#define OLDER_UNDO_SUPERVISION_RULE "DROP TABLE supervision_rule;"
#define OLDER_UNDO_RATINGS "DROP TABLE rating; DROP TABLE survey_code; DROP TABLE survey;"
#define OLDER_UNDO_FOLLOW                                                                          \
    "DROP TABLE status_change; DROP TABLE status_now; DROP TABLE subscription; "                   \
    "ALTER TABLE outbox DROP COLUMN headers; ALTER TABLE outbox DROP COLUMN sealed;"
#define OLDER_UNDO_CYCLE                                                                           \
    "DROP TABLE ballot; DROP TABLE cycle_voter; DROP TABLE candidate; DROP TABLE proposal; "       \
    "DROP TABLE cycle;"
#define OLDER_UNDO_MESSAGES "DROP TABLE message;"
#define OLDER_UNDO_NEWER                                                                           \
    OLDER_UNDO_MESSAGES OLDER_UNDO_CYCLE OLDER_UNDO_FOLLOW OLDER_UNDO_RATINGS                      \
        OLDER_UNDO_SUPERVISION_RULE OLDER_UNDO_SOURCES OLDER_UNDO_BULLETIN OLDER_UNDO_DELIVERY     \
            OLDER_UNDO_NOTICES

#endif
