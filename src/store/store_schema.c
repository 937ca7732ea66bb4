/*
 * store_schema.c - the schema as numbered migrations, and the step that
 * applies them.
 *
 * MIGRATIONS[i] takes a database from version i to i+1 (SQLite: PRAGMA
 * user_version). Never edit a migration that has shipped: append a new
 * one. A migration that starts auditing a table, or adds a column to an
 * audited one, says so in store_audit.c's lists (the table's or column's
 * `since`); the step then makes that table's triggers again with the
 * image as of the new version, between the migration's sql and its
 * `after` (see struct store_migration), and the verifier reads older
 * entries with the columns they were written with.
 *
 * The step (store_migrate) is explicit: a read-write open of an older
 * database refuses (store.c) unless the caller opens it to migrate (shishi
 * migrate, init, serve at start-up). It is locked and runs at most once
 * per version: BEGIN EXCLUSIVE first, then the version is read again
 * inside the lock, and every missing migration runs in that one
 * transaction, which records each version it applied in schema_migration
 * (from migration 8 on: its name, the SHA-256 of its text and when) and
 * commits with the new version. Two processes migrating at once: the
 * second waits for the lock (up to MIGRATE_WAIT_MS), then finds nothing to
 * do; a step that fails leaves the database as it was. New migrations
 * also use IF NOT EXISTS where the statement allows, so running one again
 * by hand is harmless.
 *   PostgreSQL (plan): the same step in one transaction (its DDL is
 *   transactional), serialised by pg_advisory_xact_lock on a key of its
 *   own taken first; the version is max(version) of schema_migration, read
 *   after the lock. Servers starting at once wait on the lock; an older
 *   server refuses a database newer than it knows.
 *
 * Conventions: dates are TEXT 'YYYY-MM-DD', timestamps TEXT ISO-8601 UTC;
 * no SQLite-only types, so the same DDL ports to PostgreSQL.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "store/store_int.h"
#include "store/store_test.h"

/* How long the step waits for another process's migration (or any long
 * write) to let go of the lock. */
#define MIGRATE_WAIT_MS (10 * 60 * 1000)

/* The migrations read as the SQL they run: */
/* clang-format off */
/* Three triggers that count every change to table T in meta key K. */
#define VERSION_TRIGGER(T, K, EV, NAME)                                                         \
    "CREATE TRIGGER version_" T "_" NAME " AFTER " EV " ON " T " BEGIN "                          \
    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = '" K "'; END;"
#define VERSION_TRIGGERS(T, K)                                                                  \
    VERSION_TRIGGER(T, K, "INSERT", "ins")                                                      \
    VERSION_TRIGGER(T, K, "UPDATE", "upd") VERSION_TRIGGER(T, K, "DELETE", "del")

static const struct store_migration MIGRATIONS[] = {
    /* 1 */
    {"plans, targets, org units, assignments, reports",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE org_unit ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 5),"
    "  parent_id INTEGER REFERENCES org_unit(id));"
    "CREATE INDEX org_unit_parent ON org_unit(parent_id);"
    "CREATE TABLE department ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE plan ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  issuer TEXT,"
    "  year INTEGER NOT NULL,"
    "  period_start TEXT NOT NULL,"
    "  period_end TEXT NOT NULL,"
    "  published TEXT,"
    "  state TEXT NOT NULL CHECK (state IN ('active','draft','archived')),"
    "  top_org TEXT,"
    "  yellow_pp REAL NOT NULL DEFAULT 10,"
    "  red_pp REAL NOT NULL DEFAULT 30,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE project ("
    "  id INTEGER PRIMARY KEY,"
    "  plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,"
    "  no INTEGER NOT NULL,"
    "  title TEXT NOT NULL,"
    "  lead_dept_id INTEGER REFERENCES department(id),"
    "  UNIQUE (plan_id, no));"
    "CREATE TABLE target ("
    "  id INTEGER PRIMARY KEY,"
    "  plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,"
    "  project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  metric TEXT NOT NULL,"
    "  value REAL NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  op TEXT NOT NULL CHECK (op IN ('>=','<=','=')),"
    "  kind TEXT NOT NULL CHECK (kind IN ('count','amount','rate','change','milestone')),"
    "  parent_id INTEGER REFERENCES target(id),"
    "  dept_id INTEGER REFERENCES department(id),"
    "  profile TEXT);"
    "CREATE INDEX target_project ON target(project_id, seq);"
    "CREATE INDEX target_plan ON target(plan_id);"
    "CREATE TABLE assignment ("
    "  id INTEGER PRIMARY KEY,"
    "  target_id INTEGER NOT NULL REFERENCES target(id) ON DELETE CASCADE,"
    "  org_id INTEGER REFERENCES org_unit(id),"
    "  dept_id INTEGER REFERENCES department(id),"
    "  value REAL NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE UNIQUE INDEX assignment_org ON assignment(target_id, org_id) WHERE dept_id IS NULL;"
    "CREATE UNIQUE INDEX assignment_dept ON assignment(target_id, dept_id) WHERE org_id IS NULL;"
    "CREATE TABLE report ("
    "  id INTEGER PRIMARY KEY,"
    "  target_id INTEGER NOT NULL REFERENCES target(id) ON DELETE CASCADE,"
    "  org_id INTEGER NOT NULL REFERENCES org_unit(id),"
    "  as_of TEXT NOT NULL,"
    "  value REAL,"
    "  numerator REAL,"
    "  denominator REAL,"
    "  note TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('draft','submitted','approved','returned')),"
    "  seq INTEGER UNIQUE,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE INDEX report_cell ON report(target_id, org_id, as_of);"
    "CREATE INDEX report_org ON report(org_id, target_id, as_of);", NULL},

    /* 2: accounts, sessions, review, evidence, and the audit log (the
     * triggers of the tables audited from here on are generated from
     * store_audit.c's table list and run after it, see store_migrate) */
    {"accounts, sessions, review, evidence, the audit log",
    "ALTER TABLE plan ADD COLUMN deadline_day INTEGER NOT NULL DEFAULT 5"
    "  CHECK (deadline_day BETWEEN 1 AND 28);"
    "CREATE TABLE account ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','reviewer','reporter','viewer')),"
    "  org_id INTEGER NOT NULL REFERENCES org_unit(id),"
    "  dept_id INTEGER REFERENCES department(id),"
    "  pw_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE session ("
    "  token_hash TEXT PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  expires_at TEXT NOT NULL);"
    "CREATE TABLE login_attempt ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  ip TEXT,"
    "  ok INTEGER NOT NULL,"
    "  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE INDEX login_attempt_name ON login_attempt(name, at);"
    "ALTER TABLE report ADD COLUMN reviewed_by TEXT;"
    "ALTER TABLE report ADD COLUMN reviewed_at TEXT;"
    "ALTER TABLE report ADD COLUMN review_comment TEXT;"
    "ALTER TABLE report ADD COLUMN flags TEXT;"
    "ALTER TABLE report ADD COLUMN user_id INTEGER REFERENCES account(id);"
    "CREATE INDEX report_status ON report(status, org_id);"
    "ALTER TABLE assignment ADD COLUMN reason TEXT;"
    "ALTER TABLE assignment ADD COLUMN created_by TEXT;"
    "CREATE TABLE evidence ("
    "  id INTEGER PRIMARY KEY,"
    "  report_id INTEGER NOT NULL REFERENCES report(id),"
    "  sha256 TEXT NOT NULL,"
    "  mime TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  name TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE INDEX evidence_report ON evidence(report_id);"
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    "  actor TEXT,"
    "  action TEXT NOT NULL,"
    "  tbl TEXT NOT NULL,"
    "  row_id INTEGER NOT NULL,"
    "  row_json TEXT,"
    "  prev TEXT,"
    "  hash TEXT);"
    "CREATE INDEX audit_row ON audit_log(tbl, row_id, id);", NULL},

    /* 3: the engine's start-up snapshot (derived data, not audited) */
    {"the engine's start-up snapshot",
    "CREATE TABLE engine_snapshot ("
    "  plan_id INTEGER NOT NULL,"
    "  target_id INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  sig TEXT NOT NULL,"
    "  data BLOB NOT NULL,"
    "  PRIMARY KEY (plan_id, target_id));", NULL},

    /* 4: change counters, so a running engine knows cheaply whether the
     * plan's structure or its breakdown changed (see ss_store_counters) */
    {"change counters",
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('structure_version', '0'),"
    "  ('assignment_version', '0');"
    VERSION_TRIGGERS("plan", "structure_version")
    VERSION_TRIGGERS("project", "structure_version")
    VERSION_TRIGGERS("target", "structure_version")
    VERSION_TRIGGERS("org_unit", "structure_version")
    VERSION_TRIGGERS("assignment", "assignment_version"), NULL},

    /* 5: failed logins counted per client address as well as per name
     * (core/auth.c throttles both) */
    {"login attempts by client address",
    "CREATE INDEX login_attempt_ip ON login_attempt(ip, at);", NULL},
    /* 6 (STORE_SCHEMA_SIGNED): every seal signed with the audit key
     * (Ed25519, the key in a file beside the database, see store_audit.c):
     * the signature of each commit's last entry, and an index to find the
     * entry that records the key. Sessions join the audited tables (their
     * triggers come from store_audit.c's table list, see store_migrate). */
    {"signed audit seals, sessions audited",
    "ALTER TABLE audit_log ADD COLUMN sig TEXT;"
    "CREATE INDEX audit_key ON audit_log(id)"
    "  WHERE action = 'audit_key';", NULL},
    /* 7: one live (draft, submitted or returned) report per (target, org
     * unit, date). An older database may hold several: the most advanced
     * one stays (submitted, then returned, then draft; the newest among
     * equals), the others' evidence moves to it, and they are deleted (the
     * audit log keeps their rows). */
    {"one live report per target, unit and date",
    "CREATE TEMP TABLE live_rank AS SELECT id, target_id, org_id, as_of,"
    "  row_number() OVER (PARTITION BY target_id, org_id, as_of ORDER BY"
    "   CASE status WHEN 'submitted' THEN 0 WHEN 'returned' THEN 1 ELSE 2 END, id DESC) AS rk"
    "  FROM report WHERE status <> 'approved';"
    "UPDATE evidence SET report_id = (SELECT k.id FROM live_rank l JOIN live_rank k"
    "  ON k.target_id = l.target_id AND k.org_id = l.org_id AND k.as_of = l.as_of AND k.rk = 1"
    "  WHERE l.id = evidence.report_id)"
    " WHERE report_id IN (SELECT id FROM live_rank WHERE rk > 1);"
    "DELETE FROM report WHERE id IN (SELECT id FROM live_rank WHERE rk > 1);"
    "DROP TABLE live_rank;"
    "CREATE UNIQUE INDEX report_live ON report(target_id, org_id, as_of)"
    "  WHERE status <> 'approved';", NULL},
    /* 8: attempts counted per client (or name) for any throttled action
     * (core/throttle.c; store_throttle.c), not audited. The login throttle
     * moves here: the failures that count now (the name's since its last
     * success or unlock, the address's; a 900-second window, as
     * SS_LOGIN_WINDOW) are carried over, so an upgrade lets nobody off.
     * login_attempt stays the history of sign-ins. */
    {"per-client throttle counts",
    "CREATE TABLE throttle_hit ("
    "  id INTEGER PRIMARY KEY,"
    "  scope TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  expires TEXT NOT NULL);"
    "CREATE INDEX throttle_hit_key ON throttle_hit(scope, key, at);"
    "CREATE INDEX throttle_hit_expires ON throttle_hit(expires);"
    "INSERT INTO throttle_hit(scope, key, at, expires)"
    "  SELECT 'login.name', name, at, strftime('%Y-%m-%dT%H:%M:%SZ', at, '+900 seconds')"
    "  FROM login_attempt a WHERE ok = 0"
    "   AND at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-900 seconds')"
    "   AND id > coalesce((SELECT max(id) FROM login_attempt b"
    "    WHERE b.name = a.name AND b.ok IN (1, 2)), 0)"
    "  ORDER BY id;"
    "INSERT INTO throttle_hit(scope, key, at, expires)"
    "  SELECT 'login.ip', ip, at, strftime('%Y-%m-%dT%H:%M:%SZ', at, '+900 seconds')"
    "  FROM login_attempt WHERE ok = 0 AND ip IS NOT NULL"
    "   AND at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-900 seconds')"
    "  ORDER BY id;", NULL},
    /* 9 (STORE_SCHEMA_RECORDED): the record of what ran. One row per
     * migration applied: its name, the SHA-256 of its text (sql, then a
     * U+001F, then after), and when (NULL for those applied before this
     * record was kept). The step fills it (store_migrate). */
    {"the record of applied migrations",
    "CREATE TABLE IF NOT EXISTS schema_migration ("
    "  version INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  applied_at TEXT);", NULL},
    /* 10: translations of plan content (the plan's title, projects' and
     * targets' titles, org units' names) entered by an admin, one per
     * (kind, ref, language); ref is the plan, project or target id, or the
     * org unit's code. Audited (store_audit.c), and counted, so a running
     * engine reloads them (store_translation.c). */
    {"translations of plan content",
    "CREATE TABLE translation ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('plan','project','target','org')),"
    "  ref TEXT NOT NULL,"
    "  lang TEXT NOT NULL CHECK (lang IN ('en','ug')),"
    "  text TEXT NOT NULL,"
    "  updated_by TEXT,"
    "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  UNIQUE (kind, ref, lang));"
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('translation_version', '0');"
    VERSION_TRIGGERS("translation", "translation_version"), NULL},
};
/* clang-format on */

_Static_assert(SS_ARRAY_LEN(MIGRATIONS) >= STORE_SCHEMA_RECORDED &&
                   STORE_SCHEMA_RECORDED > STORE_SCHEMA_SIGNED,
               "STORE_SCHEMA_SIGNED and STORE_SCHEMA_RECORDED name migrations that exist");

#define BUILT_IN ((int)SS_ARRAY_LEN(MIGRATIONS))

/* A test's migration after the built-in ones (store_test.h), or none. */
static const struct ss_test_migration *test_migration;
static struct store_migration test_step;

int ss_store_test_migration(const struct ss_test_migration *m)
{
    test_migration = m;
    if (m) {
        test_step.name = m->name;
        test_step.sql = m->sql;
        test_step.after = m->after;
    }
    return BUILT_IN + 1;
}

const struct ss_test_migration *store_test_extra(int *version)
{
    *version = BUILT_IN + 1;
    return test_migration;
}

int store_schema_latest(void)
{
    return BUILT_IN + (test_migration != NULL);
}

int ss_store_schema_latest(void)
{
    return store_schema_latest();
}

const struct store_migration *store_schema_migration(int version)
{
    if (version >= 1 && version <= BUILT_IN)
        return &MIGRATIONS[version - 1];
    return version == BUILT_IN + 1 && test_migration ? &test_step : NULL;
}

static int set_version(struct ss_store *st, int version, struct ss_err *err)
{
    char pragma[64];

    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version);
    return store_exec(st, pragma, err);
}

/* Record versions 1..to in schema_migration; those up to `applied_before`
 * ran before this step, when and how is not known to this build beyond
 * their text (applied_at NULL). */
static int record(struct ss_store *st, int applied_before, int to, struct ss_err *err)
{
    sqlite3_stmt *s = store_lite_prepare(
        st,
        "INSERT INTO schema_migration(version, name, sha256, applied_at) VALUES (?1, ?2, ?3,"
        " CASE WHEN ?4 THEN strftime('%Y-%m-%dT%H:%M:%SZ','now') END)"
        " ON CONFLICT(version) DO NOTHING",
        err);
    int v, rc = SS_OK;

    if (!s)
        return SS_EDB;
    if (sodium_init() < 0) {
        sqlite3_finalize(s);
        return ss_err_set(err, SS_EIO, "db", "libsodium could not be initialised");
    }
    for (v = 1; v <= to && !rc; v++) {
        const struct store_migration *m = store_schema_migration(v);
        crypto_hash_sha256_state h;
        unsigned char d[crypto_hash_sha256_BYTES];
        char hex[2 * crypto_hash_sha256_BYTES + 1];
        static const unsigned char SEP = 0x1f;

        crypto_hash_sha256_init(&h);
        crypto_hash_sha256_update(&h, (const unsigned char *)m->sql, strlen(m->sql));
        crypto_hash_sha256_update(&h, &SEP, 1);
        if (m->after)
            crypto_hash_sha256_update(&h, (const unsigned char *)m->after, strlen(m->after));
        crypto_hash_sha256_final(&h, d);
        sodium_bin2hex(hex, sizeof hex, d, sizeof d);
        sqlite3_reset(s);
        sqlite3_bind_int(s, 1, v);
        sqlite3_bind_text(s, 2, m->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 4, v > applied_before);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_db_error(st, err, "recording the migrations");
    }
    sqlite3_finalize(s);
    return rc;
}

int store_migrate(struct ss_store *st, int *from, int *to, struct ss_err *err)
{
    int version, latest = store_schema_latest(), v, rc;

    *from = *to = ss_store_schema_version(st);
    if (st->tx_depth)
        return ss_err_set(err, SS_ECONFLICT, "db", "a migration runs in a transaction of its own");
    /* wait as long as another migration may take, then read again */
    sqlite3_busy_timeout(st->db, MIGRATE_WAIT_MS);
    rc = store_tx_begin_as(st, STORE_SYSTEM, 1, err);
    sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
    if (rc)
        return rc;
    *from = *to = version = ss_store_schema_version(st);
    if (version < 0 || version > latest) {
        store_tx_rollback(st);
        return version < 0 ? store_db_error(st, err, "reading the schema version")
                           : ss_err_set(err, SS_ECONFLICT, "db",
                                        "the database is at schema version %d, newer than this "
                                        "build knows (%d): use a newer shishi",
                                        version, latest);
    }
    if (version == latest) /* another process was first, or nothing to do */
        return store_tx_commit(st, err);
    if ((rc = store_audit_check_lists(err))) {
        store_tx_rollback(st);
        return rc;
    }
    for (v = version + 1; v <= latest; v++) {
        const struct store_migration *m = store_schema_migration(v);

        if ((rc = store_exec(st, m->sql, err)) || (rc = set_version(st, v, err)) ||
            (rc = store_audit_migrate(st, v, err)) ||
            (m->after && (rc = store_exec(st, m->after, err)))) {
            char what[sizeof err->msg];
            if (err) {
                snprintf(what, sizeof what, "%s", err->msg);
                ss_err_set(err, rc, "db", "migration %d (%s) failed; nothing changed: %.400s", v,
                           m->name, what);
            }
            store_tx_rollback(st);
            return rc;
        }
    }
    if ((rc = record(st, version, latest, err))) {
        store_tx_rollback(st);
        return rc;
    }
    if ((rc = store_tx_commit(st, err)))
        return rc;
    *to = latest;
    return SS_OK;
}

int ss_store_schema_version(struct ss_store *st)
{
    return (int)store_int64(st, "PRAGMA user_version", -1);
}
