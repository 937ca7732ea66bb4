#!/bin/sh
# audit.sh - the audit log catches every change made behind shishi's back
# (row edited, inserted, deleted, log entry edited or removed, triggers
# dropped, entries sealed again the way the code documents it, the key
# replaced and the log re-signed), refuses to write without its key, says
# from which entry on an upgraded log is signed, and backup/restore
# round-trips. Tampering uses the sqlite3 shell and python, or psql, as
# someone with the database (but not the key file) would.
#
# On either backend (tests/run-all.sh, PG_SUITES). What is SQLite's own
# stays SQLite's, each part saying why: the key file beside the database
# (on PostgreSQL it is named, as here), the database of the build before
# signing (a schema-4 SQLite file), backup and restore (SQLite's online
# backup; on PostgreSQL both refuse, naming PostgreSQL's tools, and that
# is tested instead). PostgreSQL's own: a change without an actor is
# refused, and entries sealed by hand must first be moved out of
# audit_pending, as the seal does.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures/audit" && pwd)
export SHISHI_TODAY=2026-11-29
# A (the database) and its key file AKEY, B and BKEY another's: on SQLite
# the keys beside the files, as shishi finds them itself; a PostgreSQL
# database has none beside it, so A's is named by SHISHI_AUDIT_KEY and B's
# by --audit-key (given on both backends)
if pg; then
    AKEY=$T/a.key
    BKEY=$T/b.key
    SHISHI_AUDIT_KEY=$AKEY
    export SHISHI_AUDIT_KEY
else
    unset SHISHI_AUDIT_KEY
    AKEY=$T/a.db.key
    BKEY=$T/b.db.key
fi
# the statement that sets an actor by hand on PostgreSQL (its triggers
# refuse a change without one); SQLite's have no such check
if pg; then byhand="SELECT set_config('shishi.actor', 'intruder', true); "; else byhand=""; fi
# jsonset COLUMN KEY VALUE: the JSON text in COLUMN with KEY set to VALUE
jsonset() {
    if pg; then echo "jsonb_set($1::jsonb, '{$2}', '$3')::text"; else echo "json_set($1, '\$.$2', $3)"; fi
}

fresh() { # a new database A (DB too) with a few reports
    if pg; then
        A=$(testdb a) || return 1
    else
        A=$T/a.db
        rm -f "$A"*
    fi
    DB=$A
    rm -f "$AKEY"
    "$S" init --db "$A" > /dev/null &&
    "$S" report add --db "$A" --target 47 --org 650102 --date 2026-10-01 --value 10 > /dev/null &&
    "$S" report add --db "$A" --target 47 --org 650103 --date 2026-10-02 --value 5 > /dev/null &&
    "$S" report add --db "$A" --target 47 --org 650102 --date 2026-11-01 --value 12 > /dev/null
}
# tamper NAME SQL EXPECTED-WORDS: after SQL, verify must exit 1 and say the words
tamper() {
    fresh || { no "setup for $1"; return; }
    sqldo "$2" 2> "$T/sqlerr" || { no "$1: the database refused: $(cat "$T/sqlerr")"; return; }
    "$S" audit verify --db "$A" > "$T/out" 2> "$T/err"; rc=$?
    if [ $rc -eq 1 ] && grep -q "$3" "$T/err"; then ok "$1 is found: $(cat "$T/err")"
    else no "$1 (exit $rc): $(cat "$T/out" "$T/err")"; fi
}
# verify_fails NAME WORDS [ARGS]: verify must exit 1 and say the words
verify_fails() {
    name=$1; words=$2; shift 2
    "$S" audit verify --db "$A" "$@" > "$T/out" 2> "$T/err"; rc=$?
    if [ $rc -eq 1 ] && grep -q "$words" "$T/err"; then ok "$name: $(cat "$T/err")"
    else no "$name (exit $rc): $(cat "$T/out" "$T/err")"; fi
}
# reseal [--strip]: the chain sealed again from the first entry, the way
# store_audit.c documents it: SHA-256 over the fields joined by U+001F,
# then the actor and the previous hash. --strip first removes the
# signatures and the entry that records the key, so the log looks written
# before signing began. On PostgreSQL the entries left in audit_pending
# are first numbered into audit_log after its last, as the seal does.
cat > "$T/reseal.py" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
if '--strip' in sys.argv:
    db.execute("DELETE FROM audit_log WHERE action = 'audit_key'")
    db.execute("UPDATE audit_log SET sig = NULL")
prev = ''
for row in db.execute("SELECT id, at, action, tbl, row_id, row_json, coalesce(actor, 'cli') FROM audit_log ORDER BY id").fetchall():
    h = hashlib.sha256()
    for v in row[:6]:
        if v is not None:
            h.update(str(v).encode())
        h.update(b'\x1f')
    h.update(row[6].encode() + b'\x1f' + prev.encode())
    db.execute("UPDATE audit_log SET actor = ?, prev = ?, hash = ? WHERE id = ?", (row[6], prev, h.hexdigest(), row[0]))
    prev = h.hexdigest()
db.commit()
PY
cat > "$T/reseal.sql" <<'SQL'
INSERT INTO audit_log(id, at, action, tbl, row_id, row_json)
    SELECT (SELECT coalesce(max(id), 0) FROM audit_log) + row_number() OVER (ORDER BY id),
           at, action, tbl, row_id, row_json FROM audit_pending ORDER BY id;
DELETE FROM audit_pending;
DO $reseal$
DECLARE
    r record;
    before text := '';
    h text;
    sep text := chr(31);
BEGIN
    FOR r IN SELECT id, at, action, tbl, row_id, row_json, coalesce(actor, 'cli') AS who
             FROM audit_log ORDER BY id LOOP
        h := encode(sha256(convert_to(
                 r.id::text || sep || coalesce(r.at, '') || sep || coalesce(r.action, '') || sep ||
                 coalesce(r.tbl, '') || sep || coalesce(r.row_id::text, '') || sep ||
                 coalesce(r.row_json, '') || sep || r.who || sep || before, 'UTF8')), 'hex');
        UPDATE audit_log SET actor = r.who, prev = before, hash = h WHERE id = r.id;
        before := h;
    END LOOP;
END
$reseal$;
SQL
reseal() {
    if pg; then
        strip=""
        [ "${1:-}" = --strip ] &&
            strip="DELETE FROM audit_log WHERE action = 'audit_key'; UPDATE audit_log SET sig = NULL;"
        sqldo "$strip $(cat "$T/reseal.sql")"
    else
        python3 "$T/reseal.py" "$A" "$@"
    fi
}

fresh || no "setup"
"$S" audit verify --db "$A" > "$T/out" 2>&1 && grep -q "intact" "$T/out" \
    && grep -q "^signed: every entry from 1 on" "$T/out" \
    && ok "an untouched database verifies, signed from its first entry: $(cat "$T/out")" || no "clean verify: $(cat "$T/out")"
PK=$(sed -n 's/^public key: \([0-9a-f]*\).*/\1/p' "$T/out")
[ ${#PK} -eq 64 ] && ok "verify prints the public key: $PK" || no "no public key line: $(cat "$T/out")"
"$S" audit key --db "$A" > "$T/out" 2>&1 && grep -q "^public key: $PK" "$T/out" \
    && ok "audit key prints the same key" || no "audit key: $(cat "$T/out")"
case $(stat -c %a "$AKEY") in 600) ok "init made the key file (beside an SQLite database, else the one named), mode 600" ;;
    *) no "key file mode: $(ls -l "$AKEY" 2>&1)" ;; esac
SEED=$(sed -n '$p' "$AKEY")
if pg; then
    # the whole database as pg_dump writes it out
    "${SHISHI_PG_BIN:-/usr/lib/postgresql/15/bin}/pg_dump" -d "$A" > "$T/dump" || no "pg_dump"
    [ -s "$T/dump" ] && ! grep -q "$SEED" "$T/dump" && ok "the private key is not in the database" \
        || no "the private key is in the database (or it could not be dumped)"
else
    grep -q "$SEED" "$A" && no "the private key is in the database" \
        || ok "the private key is not in the database"
fi
"$S" audit verify --db "$A" --public-key "$PK" > "$T/out" 2>&1 && grep -q "the one you gave" "$T/out" \
    && ok "the log verifies against its published key" || no "verify --public-key: $(cat "$T/out")"
"$S" audit verify --db "$A" --public-key 12ab > /dev/null 2> "$T/err" \
    && no "a malformed public key is accepted" || ok "a malformed public key is refused: $(cat "$T/err")"

if pg; then
    # PostgreSQL's triggers refuse a change by nobody: without an actor
    # (shishi.actor, which shishi sets at BEGIN) nothing is written
    fresh
    sqldo "UPDATE report SET value = 99 WHERE id = 2" 2> "$T/sqlerr" && no "a change without an actor is written" \
        || { grep -q "without an acting user" "$T/sqlerr" && ok "a change without an actor is refused: $(cat "$T/sqlerr")" \
        || no "a change without an actor: $(cat "$T/sqlerr")"; }
    same "and the report is as it was" "$(sql "SELECT value FROM report WHERE id = 2")" 5
    "$S" audit verify --db "$A" > /dev/null 2>&1 && ok "the log is intact after the refusal" || no "verify after the refusal"
fi

tamper "a report's value edited" "${byhand}UPDATE report SET value = 99 WHERE id = 2" "entry"
tamper "a report edited with its trigger dropped" \
    "$(droptrigger audit_report_upd report); UPDATE report SET value = 99 WHERE id = 2" "report row 2 differs"
tamper "a report inserted with the triggers dropped" \
    "$(droptrigger audit_report_ins report); INSERT INTO report(target_id, org_id, as_of, value, status, seq) VALUES (47, 5, '2026-11-02', 500, 'approved', 99)" \
    "not in the audit log"
tamper "a report deleted with the triggers dropped" \
    "$(droptrigger audit_report_del report); DELETE FROM report WHERE id = 1" "deleted behind"
tamper "a target's value edited" "$(droptrigger audit_target_upd target); UPDATE target SET value = 1 WHERE id = 47" "target row 47"
tamper "an audit entry edited" "UPDATE audit_log SET row_json = replace(row_json, '10', '11') WHERE tbl = 'report' AND row_id = 1" "changed after it was written"
tamper "an audit entry removed" "DELETE FROM audit_log WHERE id = 10" "does not follow"
tamper "the log's tail and the row both rewritten" \
    "$(droptrigger audit_report_upd report); UPDATE report SET value = 1 WHERE id = 3; UPDATE audit_log SET row_json = $(jsonset row_json value 1.0) WHERE id = (SELECT max(id) FROM audit_log)" \
    "changed after it was written"
tamper "the last signature removed" "UPDATE audit_log SET sig = NULL WHERE id = (SELECT max(id) FROM audit_log)" "not signed"
tamper "a signature moved to another entry" \
    "UPDATE audit_log SET sig = (SELECT sig FROM audit_log WHERE id = 1) WHERE id = (SELECT max(id) FROM audit_log)" \
    "signature does not verify"

# A change made outside shishi (triggers intact) stays unsealed: a later
# write by shishi seals only its own entries.
fresh
sqldo "${byhand}UPDATE report SET value = 99 WHERE id = 2"
"$S" report add --db "$A" --target 47 --org 650102 --date 2026-11-03 --value 13 > /dev/null \
    || no "shishi's next write"
verify_fails "a change outside shishi is not sealed by shishi's next write" "never sealed"

# The forgery the code used to allow: change a row and seal its entry the
# way the code documents it. Without the key the new entry has no signature.
fresh
sqldo "${byhand}UPDATE report SET value = 99 WHERE id = 2"
reseal || no "resealing"
verify_fails "a row changed and its entry sealed the documented way" "not signed"

# A whole-chain rewrite: someone changes a report and its first log entry
# and recomputes every hash after it. The first signature after the change
# no longer verifies.
fresh
sqldo "$(droptrigger audit_report_upd report); UPDATE report SET value = 1 WHERE id = 1;
    UPDATE audit_log SET row_json = $(jsonset row_json value 1.0) WHERE id = (SELECT min(id) FROM audit_log WHERE tbl = 'report' AND row_id = 1)"
reseal || no "rewriting the chain"
verify_fails "a chain rewritten from a changed entry on" "signature does not verify"

# What signatures cannot show: the last commits cut off (their rows and
# entries removed) leave a log that ends at an earlier signed entry. The
# head published before catches it.
fresh
"$S" audit verify --db "$A" > "$T/out" 2>&1
HEAD=$(sed -n 's/^head: //p' "$T/out")
case $HEAD in [0-9]*:????????????????????????????????????????????????????????????????) ok "verify prints the head to publish: $HEAD" ;;
    *) no "no head line: $(cat "$T/out")" ;; esac
"$S" audit verify --db "$A" --anchor "$HEAD" > "$T/out" 2>&1 && grep -q "^anchored" "$T/out" \
    && ok "the untouched log verifies against its anchor" || no "anchored verify: $(cat "$T/out")"
sqldo "$(droptrigger audit_report_del report); DELETE FROM report WHERE id = 3;
    DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"
"$S" audit verify --db "$A" > "$T/out" 2>&1 \
    && ok "without an anchor the cut log verifies (the limit the anchor closes)" || no "the cut log: $(cat "$T/out")"
verify_fails "the cut log, against the anchor" "is not in the log" --anchor "$HEAD"
"$S" audit verify --db "$A" --anchor "1:nothex" > /dev/null 2> "$T/err" \
    && no "a malformed anchor is accepted" || ok "a malformed anchor is refused: $(cat "$T/err")"

# The key replaced: signatures and the key's entry stripped, the chain
# sealed again, then a write by shishi with a key of the forger's own. The
# log then verifies on its own (with another public key, signed from a late
# entry), but not against the published key. The row is changed with its
# trigger out of the way and the trigger back after (SQLite: dropped and
# made again, doing nothing; PostgreSQL: disabled and enabled).
fresh
PK=$("$S" audit key --db "$A" | sed -n 's/^public key: //p')
if pg; then
    sqldo "ALTER TABLE report DISABLE TRIGGER audit_report_upd; UPDATE report SET value = 1 WHERE id = 1;
        UPDATE audit_log SET row_json = $(jsonset row_json value 1.0) WHERE id = (SELECT min(id) FROM audit_log WHERE tbl = 'report' AND row_id = 1);
        ALTER TABLE report ENABLE TRIGGER audit_report_upd"
else
    sqldo "DROP TRIGGER audit_report_upd; UPDATE report SET value = 1 WHERE id = 1;
        UPDATE audit_log SET row_json = json_set(row_json, '\$.value', 1.0) WHERE id = (SELECT min(id) FROM audit_log WHERE tbl = 'report' AND row_id = 1);
        CREATE TRIGGER audit_report_upd AFTER UPDATE ON report BEGIN SELECT 1; END"
fi
reseal --strip || no "stripping the signatures"
verify_fails "a stripped log checked against the published key" "no entry of the log is signed" --public-key "$PK"
"$S" report add --db "$A" --audit-key "$T/forger.key" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null \
    || no "the forger's write"
"$S" audit verify --db "$A" > "$T/out" 2>&1 && ! grep -q "$PK" "$T/out" \
    && ok "re-signed with another key, the log verifies on its own (the limit the published key closes): $(grep '^public key' "$T/out")" \
    || no "the forger's log: $(cat "$T/out")"
verify_fails "a log re-signed with another key, against the published key" \
    "does not verify against the public key you gave" --public-key "$PK"

# Without its key nothing is written, and nothing changes.
fresh
"$S" status --db "$A" --json > "$T/s1"
mv "$AKEY" "$T/a.key.saved"
"$S" report add --db "$A" --target 47 --org 650103 --date 2026-11-03 --value 9 > "$T/out" 2> "$T/err"; rc=$?
[ $rc -eq 4 ] && grep -q "$(basename "$AKEY")' is missing" "$T/err" && grep -q "$PK\|[0-9a-f]\{64\}" "$T/err" \
    && ok "a write without the key file is refused: $(cat "$T/err")" || no "write without the key (exit $rc): $(cat "$T/out" "$T/err")"
[ ! -e "$AKEY" ] && ok "no new key was made in its place" || no "a new key file appeared"
"$S" audit key --db "$A" > "$T/out" 2> "$T/err" && no "audit key without its file exits 0" \
    || { grep -q "^public key" "$T/out" && ok "audit key still prints the recorded key and says the file is missing: $(cat "$T/err")" \
    || no "audit key without its file: $(cat "$T/out" "$T/err")"; }
if pg; then B=$(testdb b) || exit 1; else B=$T/b.db; rm -f "$B"*; fi
rm -f "$BKEY"
"$S" init --db "$B" --audit-key "$BKEY" > /dev/null
"$S" report add --db "$A" --audit-key "$BKEY" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null 2> "$T/err" \
    && no "another database's key is accepted" || { grep -q "is not the key this database" "$T/err" \
    && ok "another database's key is refused: $(cat "$T/err")" || no "another key: $(cat "$T/err")"; }
SHISHI_AUDIT_KEY="$BKEY" "$S" report add --db "$A" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null 2> "$T/err" \
    && no "SHISHI_AUDIT_KEY is not used" || { grep -q "$(basename "$BKEY")" "$T/err" && ok "SHISHI_AUDIT_KEY names the key" || no "env: $(cat "$T/err")"; }
cp "$T/a.key.saved" "$AKEY"; chmod 644 "$AKEY"
"$S" report add --db "$A" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null 2> "$T/err" \
    && no "a key readable by others is used" || { grep -q "can be read by other users" "$T/err" \
    && ok "a key readable by others is refused: $(cat "$T/err")" || no "mode 644: $(cat "$T/err")"; }
chmod 600 "$AKEY"; mv "$AKEY" "$T/a.key.other"
timeout 20 "$S" serve --db "$A" --listen 127.0.0.1:0 > "$T/out" 2> "$T/err"; rc=$?
[ $rc -eq 4 ] && grep -q "is missing" "$T/err" && ok "serve refuses to start without the key: $(cat "$T/err")" \
    || no "serve without the key (exit $rc): $(cat "$T/out" "$T/err")"
rm -f "$T/a.key.other"
"$S" status --db "$A" --json > "$T/s2"
cmp -s "$T/s1" "$T/s2" && "$S" audit verify --db "$A" > /dev/null 2>&1 \
    && ok "the refused writes changed nothing" || no "a refused write changed the database"
rm -f "$AKEY"; mv "$T/a.key.saved" "$AKEY"
"$S" report add --db "$A" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null \
    && "$S" audit verify --db "$A" > /dev/null 2>&1 && ok "with the key back, writes are signed again" || no "key restored"
SHISHI_AUDIT_KEY="$AKEY" "$S" report add --db "$B" --audit-key "$BKEY" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null \
    && ok "--audit-key overrides SHISHI_AUDIT_KEY" || no "--audit-key over the environment"

# A database from the build before signing (schema 4: init, an account, a
# sign-in, a report): it verifies as it is, is refused for writing until
# `shishi migrate` runs, then says where signing begins, audits its session
# without the token, and ends with the schema a new one has. SQLite only:
# the database is an SQLite file of that build (no PostgreSQL database is
# older than migration 10, which signs from its first entry).
if pg; then
    echo "# the schema-4 database: SQLite's only"
else
    rm -f "$T/old.db"* "$T/new.db"*
    gzip -dc "$FIX/v4.sql.gz" | sqlite3 "$T/old.db" || no "loading the schema-4 database"
    "$S" audit verify --db "$T/old.db" > "$T/out" 2>&1 && grep -q "^not signed: no entry is signed" "$T/out" \
        && [ "$(sqlite3 "$T/old.db" 'PRAGMA user_version')" = 4 ] && [ ! -f "$T/old.db.key" ] \
        && ok "an older database verifies as it is, without being migrated: $(head -1 "$T/out")" \
        || no "verify before migrating: $(cat "$T/out")"
    "$S" report add --db "$T/old.db" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null 2> "$T/err"; rc=$?
    [ $rc -eq 1 ] && grep -q "schema version 4 and this shishi needs" "$T/err" && grep -q "shishi migrate --db" "$T/err" \
        && [ "$(sqlite3 "$T/old.db" 'PRAGMA user_version')" = 4 ] \
        && ok "a write to an older database is refused, naming shishi migrate: $(cat "$T/err")" \
        || no "write before migrating (exit $rc): $(cat "$T/err")"
    "$S" migrate --db "$T/old.db" > "$T/out" 2>&1 && grep -q "from schema version 4 to " "$T/out" \
        && ok "migrate says from which version to which: $(cat "$T/out")" || no "migrate: $(cat "$T/out")"
    "$S" audit verify --db "$T/old.db" > "$T/out" 2>&1 && grep -q "before signing: entries 1 to 248 were written before signing began" "$T/out" \
        && grep -q "^signed: every entry from 249 on" "$T/out" \
        && ok "an upgraded log says from which entry on it is signed: $(cat "$T/out")" || no "upgraded verify: $(cat "$T/out")"
    [ -f "$T/old.db.key" ] && ok "the migration made the key at its first signed write" || no "no key for the upgraded database"
    TOKEN=$(sqlite3 "$T/old.db" "SELECT token_hash FROM session")
    CSRF=$(sqlite3 "$T/old.db" "SELECT csrf FROM session")
    sqlite3 "$T/old.db" "SELECT row_json FROM audit_log WHERE tbl = 'session'" > "$T/sess"
    grep -q '"account_id":1' "$T/sess" && ! grep -q "$TOKEN\|$CSRF\|token\|csrf" "$T/sess" \
        && ok "the open session is in the log without its token or CSRF token: $(cat "$T/sess")" \
        || no "session image: $(cat "$T/sess")"
    "$S" init --db "$T/new.db" > /dev/null
    Q="SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    sqlite3 "$T/old.db" "$Q" > "$T/old.schema"; sqlite3 "$T/new.db" "$Q" > "$T/new.schema"
    cmp -s "$T/old.schema" "$T/new.schema" && grep -q "audit_session_del" "$T/new.schema" \
        && ok "a fresh and an upgraded database have the same tables, indexes and triggers ($(grep -c '^trigger' "$T/new.schema") triggers)" \
        || no "schemas differ: $(diff "$T/old.schema" "$T/new.schema" | head -20)"
    for db in old new; do
        sqlite3 "$T/$db.db" "DROP TRIGGER audit_session_upd; UPDATE session SET expires_at = '2099-01-01T00:00:00Z'" 2>/dev/null
    done
    "$S" audit verify --db "$T/old.db" > /dev/null 2> "$T/err"
    [ $? -eq 1 ] && grep -q "session row 1 differs" "$T/err" && ok "a session extended behind shishi's back is found: $(cat "$T/err")" \
        || no "session tamper: $(cat "$T/err")"
fi

# Backup and restore round trip: SQLite's online backup. On PostgreSQL
# both refuse, naming its own tools, and change nothing.
fresh
if pg; then
    "$S" status --db "$A" --json > "$T/s1"
    "$S" backup "$T/b.db" --db "$A" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -ne 0 ] && grep -q "pg_dump" "$T/err" && [ ! -e "$T/b.db" ] \
        && ok "backup refuses, naming pg_dump, and writes no file: $(cat "$T/err")" || no "backup on PostgreSQL (exit $rc): $(cat "$T/err")"
    echo "not a backup" > "$T/junk.db"
    "$S" restore "$T/junk.db" --db "$A" > /dev/null 2> "$T/err"; rc=$?
    [ $rc -ne 0 ] && grep -q "pg_restore" "$T/err" \
        && ok "restore refuses, naming pg_restore: $(cat "$T/err")" || no "restore on PostgreSQL (exit $rc): $(cat "$T/err")"
    "$S" status --db "$A" --json > "$T/s2"
    cmp -s "$T/s1" "$T/s2" && "$S" audit verify --db "$A" > /dev/null 2>&1 \
        && ok "the refusals changed nothing" || no "a refused backup or restore changed the database"
else
    rm -f "$T/b.db"*
    "$S" backup "$T/b.db" --db "$A" > /dev/null && ok "backup" || no "backup"
    "$S" backup "$T/b.db" --db "$A" > /dev/null 2>&1 && no "backup over an existing file" || ok "backup refuses to overwrite"
    "$S" status --db "$A" --json > "$T/s1"
    "$S" report add --db "$A" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null
    "$S" restore "$T/b.db" --db "$A" > /dev/null && ok "restore" || no "restore"
    "$S" status --db "$A" --json > "$T/s2"
    cmp -s "$T/s1" "$T/s2" && ok "restored figures equal the backed-up ones" || no "restore round trip"
    "$S" audit verify --db "$A" > /dev/null 2>&1 && ok "the restored database verifies" || no "verify after restore"
    "$S" report add --db "$A" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null \
        && "$S" audit verify --db "$A" > /dev/null 2>&1 && ok "the restored database is written and signed with its key" || no "write after restore"
    # a file that is not a database: SQLite's
    echo "not a database" > "$T/junk.db"
    "$S" restore "$T/junk.db" --db "$A" > /dev/null 2>&1 && no "restore from junk" || ok "restore refuses a non-backup"
    "$S" audit verify --db "$A" > /dev/null 2>&1 && ok "a refused restore changed nothing" || no "verify after refused restore"
fi

finish audit
