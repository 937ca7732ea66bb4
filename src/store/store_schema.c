/*
 * store_schema.c - the schema as numbered migrations.
 *
 * MIGRATIONS[i] takes a database from version i to i+1 (PRAGMA
 * user_version). Open applies the missing ones in one transaction each, so a
 * database from an older build opens in a newer one. Never edit a migration
 * that has shipped: append a new one.
 *
 * Conventions: dates are TEXT 'YYYY-MM-DD', timestamps TEXT ISO-8601 UTC;
 * no SQLite-only types, so the same DDL ports to PostgreSQL.
 */
#include <stdio.h>

#include "base/util.h"
#include "store/store_int.h"

/* The migrations read as the SQL they run: */
/* clang-format off */
/* Three triggers that count every change to table T in meta key K. */
#define VERSION_TRIGGER(T, K, EV, NAME)                                                         \
    "CREATE TRIGGER version_" T "_" NAME " AFTER " EV " ON " T " BEGIN "                          \
    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = '" K "'; END;"
#define VERSION_TRIGGERS(T, K)                                                                  \
    VERSION_TRIGGER(T, K, "INSERT", "ins")                                                      \
    VERSION_TRIGGER(T, K, "UPDATE", "upd") VERSION_TRIGGER(T, K, "DELETE", "del")

static const char *const MIGRATIONS[] = {
    /* 1: plans, targets, org units, assignments, reports */
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
    "CREATE INDEX report_org ON report(org_id, target_id, as_of);",

    /* 2: accounts, sessions, review, evidence, and the audit log (the
     * triggers of the tables audited from here on are generated from
     * store_audit.c's table list and run after it, see store_migrate) */
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
    "CREATE INDEX audit_row ON audit_log(tbl, row_id, id);",

    /* 3: the engine's start-up snapshot (derived data, not audited) */
    "CREATE TABLE engine_snapshot ("
    "  plan_id INTEGER NOT NULL,"
    "  target_id INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  sig TEXT NOT NULL,"
    "  data BLOB NOT NULL,"
    "  PRIMARY KEY (plan_id, target_id));",

    /* 4: change counters, so a running engine knows cheaply whether the
     * plan's structure or its breakdown changed (see ss_store_versions) */
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('structure_version', '0'),"
    "  ('assignment_version', '0');"
    VERSION_TRIGGERS("plan", "structure_version")
    VERSION_TRIGGERS("project", "structure_version")
    VERSION_TRIGGERS("target", "structure_version")
    VERSION_TRIGGERS("org_unit", "structure_version")
    VERSION_TRIGGERS("assignment", "assignment_version"),

    /* 5: failed logins counted per client address as well as per name
     * (core/auth.c throttles both) */
    "CREATE INDEX login_attempt_ip ON login_attempt(ip, at);",
    /* 6 (STORE_SCHEMA_SIGNED): every seal signed with the audit key
     * (Ed25519, the key in a file beside the database, see store_audit.c):
     * the signature of each commit's last entry, and an index to find the
     * entry that records the key. Sessions join the audited tables (their
     * triggers come from store_audit.c's table list, see store_migrate). */
    "ALTER TABLE audit_log ADD COLUMN sig TEXT;"
    "CREATE INDEX audit_key ON audit_log(id)"
    "  WHERE action = 'audit_key';",
    /* 7: one live (draft, submitted or returned) report per (target, org
     * unit, date). An older database may hold several: the most advanced
     * one stays (submitted, then returned, then draft; the newest among
     * equals), the others' evidence moves to it, and they are deleted (the
     * audit log keeps their rows). */
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
    "  WHERE status <> 'approved';",
    /* 8: translations of plan content (the plan's title, projects' and
     * targets' titles, org units' names) entered by an admin, one per
     * (kind, ref, language); ref is the plan, project or target id, or the
     * org unit's code. Audited (store_audit.c), and counted, so a running
     * engine reloads them (store_translation.c). */
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
    VERSION_TRIGGERS("translation", "translation_version"),
};
/* clang-format on */

_Static_assert(SS_ARRAY_LEN(MIGRATIONS) >= STORE_SCHEMA_SIGNED,
               "STORE_SCHEMA_SIGNED names a migration that exists");

int store_migrate(struct ss_store *st, struct ss_err *err)
{
    sqlite3_stmt *s;
    int version, i, rc;

    s = store_prepare(st, "PRAGMA user_version", err);
    if (!s)
        return SS_EDB;
    version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    if (version > (int)SS_ARRAY_LEN(MIGRATIONS))
        return ss_err_set(err, SS_EDB, "db",
                          "the database is at schema version %d, newer than this build "
                          "knows (%d): use a newer shishi",
                          version, (int)SS_ARRAY_LEN(MIGRATIONS));
    for (i = version; i < (int)SS_ARRAY_LEN(MIGRATIONS); i++) {
        char pragma[64];

        if ((rc = store_tx_begin(st, err)))
            return rc;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
        /* a migration that starts auditing a table also needs its triggers
         * and the entries of the rows it already holds */
        if ((rc = store_exec(st, MIGRATIONS[i], err)) || (rc = store_exec(st, pragma, err)) ||
            (rc = store_audit_migrate(st, i + 1, err))) {
            store_tx_rollback(st);
            return rc;
        }
        if ((rc = store_tx_commit(st, err)))
            return rc;
    }
    return SS_OK;
}

int ss_store_schema_version(struct ss_store *st)
{
    return (int)store_int64(st, "PRAGMA user_version", -1);
}
