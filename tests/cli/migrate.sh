#!/bin/sh
# migrate.sh - migrations are an explicit, locked step: `shishi migrate`
# says from which version to which and does nothing twice; a write to an
# older database is refused, naming it; two processes migrating the same
# database at once (while a third holds the write lock) both succeed and
# the migrations run once; serve migrates at start-up; init migrates the
# database it is given. The databases of earlier releases are the fixtures
# tests/fixtures/audit/v4.sql.gz (before signing) and v7.sql.gz (the
# previous release, with its key v7.key: a test key, nothing else's).
#
# On either backend (tests/run-all.sh, PG_SUITES). The fixtures are SQLite
# files, and their parts SQLite's; PostgreSQL has no database older than
# migration 10 but the empty one, at version 0, so there its parts take a
# fresh database from testdb: refused for writing, migrated, made the
# schema init makes; the step twice at once; serve's step at start-up.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures/audit" && pwd)
export SHISHI_TODAY=2026-11-29
unset SHISHI_DB
# on SQLite each database's key is beside it; on PostgreSQL lib.sh names one
pg || unset SHISHI_AUDIT_KEY
Q="SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
v4() { rm -f "$T/$1"*; gzip -dc "$FIX/v4.sql.gz" | sqlite3 "$T/$1"; }
v7() { rm -f "$T/$1"*; gzip -dc "$FIX/v7.sql.gz" | sqlite3 "$T/$1"; cp "$FIX/v7.key" "$T/$1.key"; chmod 600 "$T/$1.key"; }
# version: the schema version of $DB, as the store reads it (SQLite: PRAGMA
# user_version; PostgreSQL: the record, none at 0)
version() {
    if pg; then
        [ "$(sql "SELECT to_regclass('schema_migration') IS NULL")" = t ] && echo 0 ||
            sql "SELECT coalesce(max(version), 0) FROM schema_migration"
    else
        sql "PRAGMA user_version"
    fi
}
# the schema of $DB as text: SQLite's schema table, pg_dump's DDL (less
# the \restrict lines, whose key is new each time)
schema() {
    if pg; then
        "${SHISHI_PG_BIN:-/usr/lib/postgresql/15/bin}/pg_dump" --schema-only -d "$DB" | grep -v '^\\\(un\)\{0,1\}restrict '
    else
        sqlite3 "$DB" "$Q"
    fi
}

NEW=$(testdb new) || exit 1
DB=$NEW
"$S" init --db "$NEW" > /dev/null || no "init"
LATEST=$(version)
case $LATEST in [1-9]*) ok "a new database is at schema version $LATEST" ;; *) no "the schema version of a new one: '$LATEST'" ;; esac
schema > "$T/new.schema"

"$S" migrate --help | grep -q "usage: shishi migrate" && ok "migrate --help" || no "migrate --help"
if pg; then
    # a database the server lacks: shishi cannot connect (exit 4), and makes none
    "$S" migrate --db "$(nodb)" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -eq 4 ] && grep -q 'database "no_such_database" does not exist' "$T/err" \
        && ok "migrate makes no database: $(cat "$T/err")" || no "migrate of nothing (exit $rc): $(cat "$T/err")"
else
    "$S" migrate --db "$(nodb)" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -eq 3 ] && grep -q "no database at" "$T/err" && [ ! -e "$(nodb)" ] \
        && ok "migrate makes no database: $(cat "$T/err")" || no "migrate of nothing (exit $rc): $(cat "$T/err")"
fi
"$S" migrate --db "$NEW" > "$T/out" 2>&1 && grep -q "at schema version $LATEST, the one this shishi needs: nothing to do" "$T/out" \
    && ok "a current database: $(cat "$T/out")" || no "migrate a current database: $(cat "$T/out")"
"$S" migrate --db "$NEW" --json > "$T/out" 2>&1 && grep -q "\"from\":$LATEST,\"to\":$LATEST,\"migrated\":false" "$T/out" \
    && ok "migrate --json: $(cat "$T/out")" || no "migrate --json: $(cat "$T/out")"

if ! pg; then
    # an empty file (made by a typo'd touch, or a failed copy): named empty,
    # pointing at init, and given no table
    : > "$T/empty.db"
    "$S" status --db "$T/empty.db" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -eq 1 ] && grep -q "is empty: run \`shishi init --db" "$T/err" \
        && [ "$(DB=$T/empty.db sql "SELECT count(*) FROM sqlite_schema")" = 0 ] \
        && ok "an empty SQLite file is named empty, pointing at init" \
        || no "status on an empty file (exit $rc): $(cat "$T/err")"
fi

if pg; then
    # PostgreSQL's older database, the empty one (version 0): refused for
    # writing (nothing changes), migrated by the step, recorded, with the
    # schema init makes; then init adds the plan, writes are signed, and a
    # row changed behind shishi's back is found
    OLD=$(testdb old) || exit 1
    DB=$OLD
    "$S" status --db "$OLD" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -eq 1 ] && grep -q "is empty: run \`shishi init --db .* (or \`shishi migrate --db" "$T/err" \
        && [ "$(version)" = 0 ] \
        && ok "a command that writes refuses an empty database, naming init and migrate: $(cat "$T/err")" \
        || no "status on an empty database (exit $rc): $(cat "$T/err")"
    "$S" migrate --db "$OLD" --json > "$T/out" 2>&1 && grep -q "\"from\":0,\"to\":$LATEST,\"migrated\":true" "$T/out" \
        && ok "migrate from version 0: $(cat "$T/out")" || no "migrate from 0: $(cat "$T/out")"
    [ "$(sql "SELECT count(*) FROM schema_migration WHERE applied_at IS NOT NULL")" = "$LATEST" ] \
        && [ "$(sql "SELECT count(DISTINCT version) FROM schema_migration")" = "$LATEST" ] \
        && ok "what ran is recorded: versions 1 to $LATEST, each with its time" \
        || no "schema_migration: $(sql "SELECT count(*) FROM schema_migration")"
    schema > "$T/old.schema"
    cmp -s "$T/old.schema" "$T/new.schema" && ok "the migrated database has the schema a new one has" \
        || no "schemas differ: $(diff "$T/old.schema" "$T/new.schema" | head -10)"
    "$S" audit verify --db "$OLD" > "$T/out" 2>&1 && grep -q intact "$T/out" \
        && ok "the migrated log verifies: $(head -1 "$T/out")" || no "verify after migrating: $(cat "$T/out")"
    "$S" init --db "$OLD" > /dev/null 2> "$T/err" && "$S" report add --db "$OLD" --target 47 --org 650104 --date 2026-11-03 --value 9 > /dev/null \
        && "$S" audit verify --db "$OLD" > /dev/null 2>&1 && ok "init adds the plan, and it takes signed writes" \
        || no "init and a write after migrating: $(cat "$T/err")"
    sqldo "$(droptrigger audit_report_upd report); UPDATE report SET value = 99 WHERE id = 1"
    "$S" audit verify --db "$OLD" > /dev/null 2> "$T/err"
    [ $? -eq 1 ] && grep -q "report row 1 differs" "$T/err" \
        && ok "a report changed after the migration is found: $(cat "$T/err")" \
        || no "tamper after migrating: $(cat "$T/err")"
else
    # The previous release's database: refused for writing (nothing changes),
    # read as it is, migrated by the step, recorded.
    v7 old7.db
    "$S" status --db "$T/old7.db" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -eq 1 ] && grep -q "schema version 7 and this shishi needs $LATEST: run \`shishi migrate --db" "$T/err" \
        && [ "$(sqlite3 "$T/old7.db" 'PRAGMA user_version')" = 7 ] \
        && ok "a command that writes refuses an older database, naming migrate: $(cat "$T/err")" \
        || no "status on an older database (exit $rc): $(cat "$T/err")"
    "$S" divisions list --db "$T/old7.db" > /dev/null 2>&1 && ok "reading an older database works as it is" \
        || no "divisions list on an older database"
    "$S" migrate --db "$T/old7.db" --json > "$T/out" 2>&1 && grep -q "\"from\":7,\"to\":$LATEST,\"migrated\":true" "$T/out" \
        && ok "migrate from the previous release: $(cat "$T/out")" || no "migrate v7: $(cat "$T/out")"
    [ "$(sqlite3 "$T/old7.db" "SELECT count(*) FROM schema_migration WHERE applied_at IS NULL")" = 7 ] \
        && [ "$(sqlite3 "$T/old7.db" "SELECT count(*) FROM schema_migration WHERE applied_at IS NOT NULL")" = $((LATEST - 7)) ] \
        && ok "what ran is recorded: versions 1 to 7 as found, the rest with their time" \
        || no "schema_migration: $(sqlite3 "$T/old7.db" 'SELECT * FROM schema_migration')"
    sqlite3 "$T/old7.db" "$Q" > "$T/old7.schema"
    cmp -s "$T/old7.schema" "$T/new.schema" && ok "the migrated database has the schema a new one has" \
        || no "schemas differ: $(diff "$T/old7.schema" "$T/new.schema" | head -10)"
    "$S" audit verify --db "$T/old7.db" > "$T/out" 2>&1 && grep -q "^signed: every entry from 1 on" "$T/out" \
        && ok "the migrated log verifies: $(head -1 "$T/out")" || no "verify after migrating: $(cat "$T/out")"
    "$S" report add --db "$T/old7.db" --target 47 --org 650104 --date 2026-11-03 --value 9 > /dev/null \
        && "$S" audit verify --db "$T/old7.db" > /dev/null 2>&1 && ok "and takes signed writes" || no "write after migrating"
    sqlite3 "$T/old7.db" "DROP TRIGGER audit_report_upd; UPDATE report SET value = 99 WHERE id = 2"
    "$S" audit verify --db "$T/old7.db" > /dev/null 2> "$T/err"
    [ $? -eq 1 ] && grep -q "report row 2 differs" "$T/err" \
        && ok "a report of the previous release changed after the migration is found: $(cat "$T/err")" \
        || no "tamper after migrating: $(cat "$T/err")"

    # Two migrations at once, while a third process holds the write lock: both
    # wait for it, one migrates, the other finds nothing to do. Migration 5 of
    # a schema-4 database cannot run twice (CREATE INDEX): run twice it fails.
    v4 race.db
    sqlite3 "$T/race.db" "PRAGMA journal_mode=WAL" > /dev/null # as every database shishi wrote is
    cat > "$T/hold.py" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(1.5)
db.execute("ROLLBACK")
PY
    rm -f "$T/held"
    python3 "$T/hold.py" "$T/race.db" "$T/held" & hold=$!
    while [ ! -e "$T/held" ]; do sleep 0.05; done
    "$S" migrate --db "$T/race.db" > "$T/m1" 2>&1 & p1=$!
    "$S" migrate --db "$T/race.db" > "$T/m2" 2>&1 & p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    wait $hold
    [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && ok "two migrations at once both succeed" \
        || no "migrations at once (exit $r1, $r2): $(cat "$T/m1" "$T/m2")"
    [ "$(cat "$T/m1" "$T/m2" | grep -c "from schema version 4 to $LATEST")" = 1 ] \
        && [ "$(cat "$T/m1" "$T/m2" | grep -c "nothing to do")" = 1 ] \
        && ok "one migrated, the other found nothing to do: $(cat "$T/m1" "$T/m2" | tr '\n' ' ')" \
        || no "who migrated: $(cat "$T/m1" "$T/m2")"
    sqlite3 "$T/race.db" "$Q" > "$T/race.schema"
    cmp -s "$T/race.schema" "$T/new.schema" && "$S" audit verify --db "$T/race.db" > /dev/null 2>&1 \
        && ok "the raced database has the new schema and verifies" \
        || no "after the race: $(diff "$T/race.schema" "$T/new.schema" | head -5)"
fi

if pg; then
    # serve runs the step at start-up: on an empty database it makes the
    # schema, then finds no plan to serve (init makes one)
    SRV=$(testdb serve) || exit 1
    DB=$SRV
    timeout 60 "$S" serve --db "$SRV" --listen 127.0.0.1:0 --threads 1 > "$T/out" 2> "$T/err"; rc=$?
    [ $rc -eq 3 ] && grep -q "shishi serve: migrated $SRV from schema version 0 to $LATEST" "$T/err" \
        && grep -q "shishi init" "$T/err" && [ "$(version)" = "$LATEST" ] \
        && ok "serve migrates at start-up: $(tr '\n' ' ' < "$T/err")" || no "serve on an empty database (exit $rc): $(cat "$T/err")"
else
    # serve runs the step at start-up, once, before its threads open the
    # database; init migrates the database it is given before refusing it.
    v7 serve.db
    "$S" serve --db "$T/serve.db" --listen 127.0.0.1:0 --threads 1 > "$T/out" 2> "$T/err" & spid=$!
    i=0; while [ $i -lt 200 ] && ! grep -q "listening on" "$T/err"; do sleep 0.1; i=$((i + 1)); done
    kill $spid 2>/dev/null; wait $spid 2>/dev/null
    grep -q "shishi serve: migrated $T/serve.db from schema version 7 to $LATEST" "$T/err" && grep -q "listening on" "$T/err" \
        && ok "serve migrates at start-up: $(grep migrated "$T/err")" || no "serve on an older database: $(cat "$T/err")"
    v7 init.db
    "$S" init --db "$T/init.db" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -eq 1 ] && grep -q "from schema version 7 to $LATEST" "$T/err" && grep -q "already holds a plan" "$T/err" \
        && [ "$(sqlite3 "$T/init.db" 'PRAGMA user_version')" = "$LATEST" ] \
        && ok "init migrates the database it is given, then refuses to add a plan: $(tr '\n' ' ' < "$T/err")" \
        || no "init on an older database (exit $rc): $(cat "$T/err")"
fi

# PostgreSQL: two `shishi migrate` at once on a new database, serialised
# by the step's advisory lock: one makes the schema, the other finds
# nothing to do, and the log verifies; backup refuses, naming its tools.
if pg; then
    PGURL=$(testdb race) || exit 1
    DB=$PGURL
    "$S" migrate --db "$PGURL" > "$T/p1" 2>&1 & p1=$!
    "$S" migrate --db "$PGURL" > "$T/p2" 2>&1 & p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$(cat "$T/p1" "$T/p2" | grep -c "from schema version 0 to $LATEST")" = 1 ] \
        && [ "$(cat "$T/p1" "$T/p2" | grep -c "nothing to do")" = 1 ] \
        && ok "PostgreSQL: two migrations at once, one made the schema: $(cat "$T/p1" "$T/p2" | tr '\n' ' ')" \
        || no "PostgreSQL migrations at once (exit $r1, $r2): $(cat "$T/p1" "$T/p2")"
    [ "$(sql 'SELECT count(*) FROM schema_migration')" = "$LATEST" ] \
        && ok "PostgreSQL: each migration recorded once" || no "PostgreSQL schema_migration"
    "$S" audit verify --db "$PGURL" > "$T/out" 2>&1 && grep -q intact "$T/out" \
        && ok "PostgreSQL: the new log verifies" || no "PostgreSQL verify: $(cat "$T/out")"

    # ... and while a third holds the writers' lock (as any write does)
    # for longer than a writer waits for it (STORE_BUSY_MS, 5 s): the step
    # waits as long as for another step (MIGRATE_WAIT_MS), as on SQLite
    HELD=$(testdb held) || exit 1
    DB=$HELD
    rm -f "$T/held"
    printf '%s\n' "BEGIN;" "SELECT pg_advisory_xact_lock(126892282964073);" "\\! touch '$T/held'" \
        "SELECT pg_sleep(6);" "COMMIT;" | psql -X -q -v ON_ERROR_STOP=1 -d "$HELD" > /dev/null & hold=$!
    i=0; while [ $i -lt 200 ] && [ ! -e "$T/held" ]; do sleep 0.05; i=$((i + 1)); done
    [ -e "$T/held" ] || no "the writers' lock (126892282964073, STORE_PG_WRITERS_LOCK in store_int.h) held"
    "$S" migrate --db "$HELD" > "$T/p1" 2>&1 & p1=$!
    "$S" migrate --db "$HELD" > "$T/p2" 2>&1 & p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    wait $hold
    [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$(cat "$T/p1" "$T/p2" | grep -c "from schema version 0 to $LATEST")" = 1 ] \
        && [ "$(cat "$T/p1" "$T/p2" | grep -c "nothing to do")" = 1 ] \
        && ok "PostgreSQL: two migrations behind a long write both wait, one made the schema: $(cat "$T/p1" "$T/p2" | tr '\n' ' ')" \
        || no "PostgreSQL migrations behind a long write (exit $r1, $r2): $(cat "$T/p1" "$T/p2")"
    "$S" audit verify --db "$HELD" > "$T/out" 2>&1 && grep -q intact "$T/out" && [ "$(version)" = "$LATEST" ] \
        && ok "PostgreSQL: the database migrated behind the long write verifies" || no "PostgreSQL verify: $(cat "$T/out")"
    "$S" backup "$T/pg-copy.db" --db "$PGURL" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -ne 0 ] && grep -q "pg_dump" "$T/err" && [ ! -e "$T/pg-copy.db" ] \
        && ok "PostgreSQL: backup refuses, naming its tools: $(cat "$T/err")" \
        || no "PostgreSQL backup (exit $rc): $(cat "$T/err")"
fi

finish migrate
