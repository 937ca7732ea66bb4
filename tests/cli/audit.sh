#!/bin/sh
# audit.sh - the audit log catches every change made behind shishi's back
# (row edited, inserted, deleted, log entry edited or removed, triggers
# dropped, entries sealed again the way the code documents it, the key
# replaced and the log re-signed), refuses to write without its key, says
# from which entry on an upgraded log is signed, and backup/restore
# round-trips. Tampering uses the sqlite3 shell and python, as someone with
# the database file (but not the key file) would. With $SHISHI_TEST_PG the
# same tampering with psql on PostgreSQL, found the same way, and backup,
# restore and a write without an actor or a key file refused there.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures/audit" && pwd)
export SHISHI_TODAY=2026-11-29
unset SHISHI_AUDIT_KEY

fresh() { # a database with a few reports
    rm -f "$T/a.db"*
    "$S" init --db "$T/a.db" > /dev/null &&
    "$S" report add --db "$T/a.db" --target 47 --org 650102 --date 2026-10-01 --value 10 > /dev/null &&
    "$S" report add --db "$T/a.db" --target 47 --org 650103 --date 2026-10-02 --value 5 > /dev/null &&
    "$S" report add --db "$T/a.db" --target 47 --org 650102 --date 2026-11-01 --value 12 > /dev/null
}
# tamper NAME SQL EXPECTED-WORDS: after SQL, verify must exit 1 and say the words
tamper() {
    fresh || { no "setup for $1"; return; }
    sqlite3 "$T/a.db" "$2" 2> "$T/sqlerr" || { no "$1: sqlite3 refused: $(cat "$T/sqlerr")"; return; }
    "$S" audit verify --db "$T/a.db" > "$T/out" 2> "$T/err"; rc=$?
    if [ $rc -eq 1 ] && grep -q "$3" "$T/err"; then ok "$1 is found: $(cat "$T/err")"
    else no "$1 (exit $rc): $(cat "$T/out" "$T/err")"; fi
}
# verify_fails NAME WORDS [ARGS]: verify must exit 1 and say the words
verify_fails() {
    name=$1; words=$2; shift 2
    "$S" audit verify --db "$T/a.db" "$@" > "$T/out" 2> "$T/err"; rc=$?
    if [ $rc -eq 1 ] && grep -q "$words" "$T/err"; then ok "$name: $(cat "$T/err")"
    else no "$name (exit $rc): $(cat "$T/out" "$T/err")"; fi
}
# The chain sealed again from the first entry, the way store_audit.c
# documents it: SHA-256 over the fields joined by U+001F, then the actor and
# the previous hash. --strip first removes the signatures and the entry that
# records the key, so the log looks written before signing began.
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

fresh || no "setup"
"$S" audit verify --db "$T/a.db" > "$T/out" 2>&1 && grep -q "intact" "$T/out" \
    && grep -q "^signed: every entry from 1 on" "$T/out" \
    && ok "an untouched database verifies, signed from its first entry: $(cat "$T/out")" || no "clean verify: $(cat "$T/out")"
PK=$(sed -n 's/^public key: \([0-9a-f]*\).*/\1/p' "$T/out")
[ ${#PK} -eq 64 ] && ok "verify prints the public key: $PK" || no "no public key line: $(cat "$T/out")"
"$S" audit key --db "$T/a.db" > "$T/out" 2>&1 && grep -q "^public key: $PK" "$T/out" \
    && ok "audit key prints the same key" || no "audit key: $(cat "$T/out")"
case $(stat -c %a "$T/a.db.key") in 600) ok "init made the key file beside the database, mode 600" ;;
    *) no "key file mode: $(ls -l "$T/a.db.key" 2>&1)" ;; esac
grep -q "$(sed -n '$p' "$T/a.db.key")" "$T/a.db" && no "the private key is in the database" \
    || ok "the private key is not in the database"
"$S" audit verify --db "$T/a.db" --public-key "$PK" > "$T/out" 2>&1 && grep -q "the one you gave" "$T/out" \
    && ok "the log verifies against its published key" || no "verify --public-key: $(cat "$T/out")"
"$S" audit verify --db "$T/a.db" --public-key 12ab > /dev/null 2> "$T/err" \
    && no "a malformed public key is accepted" || ok "a malformed public key is refused: $(cat "$T/err")"

tamper "a report's value edited" "UPDATE report SET value = 99 WHERE id = 2" "entry"
tamper "a report edited with its trigger dropped" \
    "DROP TRIGGER audit_report_upd; UPDATE report SET value = 99 WHERE id = 2" "report row 2 differs"
tamper "a report inserted with the triggers dropped" \
    "DROP TRIGGER audit_report_ins; INSERT INTO report(target_id, org_id, as_of, value, status, seq) VALUES (47, 5, '2026-11-02', 500, 'approved', 99)" \
    "not in the audit log"
tamper "a report deleted with the triggers dropped" \
    "DROP TRIGGER audit_report_del; DELETE FROM report WHERE id = 1" "deleted behind"
tamper "a target's value edited" "DROP TRIGGER audit_target_upd; UPDATE target SET value = 1 WHERE id = 47" "target row 47"
tamper "an audit entry edited" "UPDATE audit_log SET row_json = replace(row_json, '10', '11') WHERE tbl = 'report' AND row_id = 1" "changed after it was written"
tamper "an audit entry removed" "DELETE FROM audit_log WHERE id = 10" "does not follow"
tamper "the log's tail and the row both rewritten" \
    "DROP TRIGGER audit_report_upd; UPDATE report SET value = 1 WHERE id = 3; UPDATE audit_log SET row_json = json_set(row_json, '\$.value', 1.0) WHERE id = (SELECT max(id) FROM audit_log)" \
    "changed after it was written"
tamper "the last signature removed" "UPDATE audit_log SET sig = NULL WHERE id = (SELECT max(id) FROM audit_log)" "not signed"
tamper "a signature moved to another entry" \
    "UPDATE audit_log SET sig = (SELECT sig FROM audit_log WHERE id = 1) WHERE id = (SELECT max(id) FROM audit_log)" \
    "signature does not verify"

# A change made outside shishi (triggers intact) stays unsealed: a later
# write by shishi seals only its own entries.
fresh
sqlite3 "$T/a.db" "UPDATE report SET value = 99 WHERE id = 2"
"$S" report add --db "$T/a.db" --target 47 --org 650102 --date 2026-11-03 --value 13 > /dev/null \
    || no "shishi's next write"
verify_fails "a change outside shishi is not sealed by shishi's next write" "never sealed"

# The forgery the code used to allow: change a row and seal its entry the
# way the code documents it. Without the key the new entry has no signature.
fresh
sqlite3 "$T/a.db" "UPDATE report SET value = 99 WHERE id = 2"
python3 "$T/reseal.py" "$T/a.db" || no "resealing"
verify_fails "a row changed and its entry sealed the documented way" "not signed"

# A whole-chain rewrite: someone changes a report and its first log entry
# and recomputes every hash after it. The first signature after the change
# no longer verifies.
fresh
sqlite3 "$T/a.db" "DROP TRIGGER audit_report_upd; UPDATE report SET value = 1 WHERE id = 1;
    UPDATE audit_log SET row_json = json_set(row_json, '\$.value', 1.0) WHERE id = (SELECT min(id) FROM audit_log WHERE tbl = 'report' AND row_id = 1)"
python3 "$T/reseal.py" "$T/a.db" || no "rewriting the chain"
verify_fails "a chain rewritten from a changed entry on" "signature does not verify"

# What signatures cannot show: the last commits cut off (their rows and
# entries removed) leave a log that ends at an earlier signed entry. The
# head published before catches it.
fresh
"$S" audit verify --db "$T/a.db" > "$T/out" 2>&1
HEAD=$(sed -n 's/^head: //p' "$T/out")
case $HEAD in [0-9]*:????????????????????????????????????????????????????????????????) ok "verify prints the head to publish: $HEAD" ;;
    *) no "no head line: $(cat "$T/out")" ;; esac
"$S" audit verify --db "$T/a.db" --anchor "$HEAD" > "$T/out" 2>&1 && grep -q "^anchored" "$T/out" \
    && ok "the untouched log verifies against its anchor" || no "anchored verify: $(cat "$T/out")"
sqlite3 "$T/a.db" "DROP TRIGGER audit_report_del; DELETE FROM report WHERE id = 3;
    DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"
"$S" audit verify --db "$T/a.db" > "$T/out" 2>&1 \
    && ok "without an anchor the cut log verifies (the limit the anchor closes)" || no "the cut log: $(cat "$T/out")"
verify_fails "the cut log, against the anchor" "is not in the log" --anchor "$HEAD"
"$S" audit verify --db "$T/a.db" --anchor "1:nothex" > /dev/null 2> "$T/err" \
    && no "a malformed anchor is accepted" || ok "a malformed anchor is refused: $(cat "$T/err")"

# The key replaced: signatures and the key's entry stripped, the chain
# sealed again, then a write by shishi with a key of the forger's own. The
# log then verifies on its own (with another public key, signed from a late
# entry), but not against the published key.
fresh
PK=$("$S" audit key --db "$T/a.db" | sed -n 's/^public key: //p')
sqlite3 "$T/a.db" "DROP TRIGGER audit_report_upd; UPDATE report SET value = 1 WHERE id = 1;
    UPDATE audit_log SET row_json = json_set(row_json, '\$.value', 1.0) WHERE id = (SELECT min(id) FROM audit_log WHERE tbl = 'report' AND row_id = 1);
    CREATE TRIGGER audit_report_upd AFTER UPDATE ON report BEGIN SELECT 1; END"
python3 "$T/reseal.py" "$T/a.db" --strip || no "stripping the signatures"
verify_fails "a stripped log checked against the published key" "no entry of the log is signed" --public-key "$PK"
"$S" report add --db "$T/a.db" --audit-key "$T/forger.key" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null \
    || no "the forger's write"
"$S" audit verify --db "$T/a.db" > "$T/out" 2>&1 && ! grep -q "$PK" "$T/out" \
    && ok "re-signed with another key, the log verifies on its own (the limit the published key closes): $(grep '^public key' "$T/out")" \
    || no "the forger's log: $(cat "$T/out")"
verify_fails "a log re-signed with another key, against the published key" \
    "does not verify against the public key you gave" --public-key "$PK"

# Without its key nothing is written, and nothing changes.
fresh
"$S" status --db "$T/a.db" --json > "$T/s1"
mv "$T/a.db.key" "$T/a.key.saved"
"$S" report add --db "$T/a.db" --target 47 --org 650103 --date 2026-11-03 --value 9 > "$T/out" 2> "$T/err"; rc=$?
[ $rc -eq 4 ] && grep -q "a.db.key' is missing" "$T/err" && grep -q "$PK\|[0-9a-f]\{64\}" "$T/err" \
    && ok "a write without the key file is refused: $(cat "$T/err")" || no "write without the key (exit $rc): $(cat "$T/out" "$T/err")"
[ ! -e "$T/a.db.key" ] && ok "no new key was made in its place" || no "a new key file appeared"
"$S" audit key --db "$T/a.db" > "$T/out" 2> "$T/err" && no "audit key without its file exits 0" \
    || { grep -q "^public key" "$T/out" && ok "audit key still prints the recorded key and says the file is missing: $(cat "$T/err")" \
    || no "audit key without its file: $(cat "$T/out" "$T/err")"; }
rm -f "$T/b.db"*
"$S" init --db "$T/b.db" > /dev/null
"$S" report add --db "$T/a.db" --audit-key "$T/b.db.key" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null 2> "$T/err" \
    && no "another database's key is accepted" || { grep -q "is not the key this database" "$T/err" \
    && ok "another database's key is refused: $(cat "$T/err")" || no "another key: $(cat "$T/err")"; }
SHISHI_AUDIT_KEY="$T/b.db.key" "$S" report add --db "$T/a.db" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null 2> "$T/err" \
    && no "SHISHI_AUDIT_KEY is not used" || { grep -q "b.db.key" "$T/err" && ok "SHISHI_AUDIT_KEY names the key" || no "env: $(cat "$T/err")"; }
cp "$T/a.key.saved" "$T/a.db.key"; chmod 644 "$T/a.db.key"
"$S" report add --db "$T/a.db" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null 2> "$T/err" \
    && no "a key readable by others is used" || { grep -q "can be read by other users" "$T/err" \
    && ok "a key readable by others is refused: $(cat "$T/err")" || no "mode 644: $(cat "$T/err")"; }
chmod 600 "$T/a.db.key"; mv "$T/a.db.key" "$T/a.key.other"
timeout 20 "$S" serve --db "$T/a.db" --listen 127.0.0.1:0 > "$T/out" 2> "$T/err"; rc=$?
[ $rc -eq 4 ] && grep -q "is missing" "$T/err" && ok "serve refuses to start without the key: $(cat "$T/err")" \
    || no "serve without the key (exit $rc): $(cat "$T/out" "$T/err")"
rm -f "$T/a.key.other"
"$S" status --db "$T/a.db" --json > "$T/s2"
cmp -s "$T/s1" "$T/s2" && "$S" audit verify --db "$T/a.db" > /dev/null 2>&1 \
    && ok "the refused writes changed nothing" || no "a refused write changed the database"
rm -f "$T/a.db.key"; mv "$T/a.key.saved" "$T/a.db.key"
"$S" report add --db "$T/a.db" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null \
    && "$S" audit verify --db "$T/a.db" > /dev/null 2>&1 && ok "with the key back, writes are signed again" || no "key restored"
SHISHI_AUDIT_KEY="$T/a.db.key" "$S" report add --db "$T/b.db" --audit-key "$T/b.db.key" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null \
    && ok "--audit-key overrides SHISHI_AUDIT_KEY" || no "--audit-key over the environment"

# A database from the build before signing (schema 4: init, an account, a
# sign-in, a report): it verifies as it is, is refused for writing until
# `shishi migrate` runs, then says where signing begins, audits its session
# without the token, and ends with the schema a new one has.
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

# Backup and restore round trip.
fresh
rm -f "$T/b.db"*
"$S" backup "$T/b.db" --db "$T/a.db" > /dev/null && ok "backup" || no "backup"
"$S" backup "$T/b.db" --db "$T/a.db" > /dev/null 2>&1 && no "backup over an existing file" || ok "backup refuses to overwrite"
"$S" status --db "$T/a.db" --json > "$T/s1"
"$S" report add --db "$T/a.db" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null
"$S" restore "$T/b.db" --db "$T/a.db" > /dev/null && ok "restore" || no "restore"
"$S" status --db "$T/a.db" --json > "$T/s2"
cmp -s "$T/s1" "$T/s2" && ok "restored figures equal the backed-up ones" || no "restore round trip"
"$S" audit verify --db "$T/a.db" > /dev/null 2>&1 && ok "the restored database verifies" || no "verify after restore"
"$S" report add --db "$T/a.db" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null \
    && "$S" audit verify --db "$T/a.db" > /dev/null 2>&1 && ok "the restored database is written and signed with its key" || no "write after restore"
echo "not a database" > "$T/junk.db"
"$S" restore "$T/junk.db" --db "$T/a.db" > /dev/null 2>&1 && no "restore from junk" || ok "restore refuses a non-backup"
"$S" audit verify --db "$T/a.db" > /dev/null 2>&1 && ok "a refused restore changed nothing" || no "verify after refused restore"

# PostgreSQL ($SHISHI_TEST_PG names the test cluster): the same log, the
# same verdicts. Tampering with psql, as someone holding the database's
# credentials would; the key file must be named there.
if [ -n "${SHISHI_TEST_PG:-}" ]; then
    K="$T/pg.key"
    pgfresh() { # a PostgreSQL database with a few reports, its URL in $PGURL
        PGURL=$(sh "$(dirname "$0")/../pg/newdb.sh" audit) &&
        "$S" init --db "$PGURL" --audit-key "$K" > /dev/null &&
        "$S" report add --db "$PGURL" --audit-key "$K" --target 47 --org 650102 --date 2026-10-01 --value 10 > /dev/null &&
        "$S" report add --db "$PGURL" --audit-key "$K" --target 47 --org 650103 --date 2026-10-02 --value 5 > /dev/null &&
        "$S" report add --db "$PGURL" --audit-key "$K" --target 47 --org 650102 --date 2026-11-01 --value 12 > /dev/null
    }
    pgtamper() { # NAME SQL EXPECTED-WORDS
        rm -f "$K"
        pgfresh || { no "PostgreSQL: setup for $1"; return; }
        psql -qX "$PGURL" -v ON_ERROR_STOP=1 -c "$2" > /dev/null 2> "$T/sqlerr" || { no "PostgreSQL: $1: psql refused: $(cat "$T/sqlerr")"; return; }
        "$S" audit verify --db "$PGURL" > "$T/out" 2> "$T/err"; rc=$?
        if [ $rc -eq 1 ] && grep -q "$3" "$T/err"; then ok "PostgreSQL: $1 is found: $(cat "$T/err")"
        else no "PostgreSQL: $1 (exit $rc): $(cat "$T/out" "$T/err")"; fi
    }
    rm -f "$K"
    pgfresh || no "PostgreSQL: setup"
    "$S" audit verify --db "$PGURL" > "$T/out" 2>&1 && grep -q "intact" "$T/out" \
        && grep -q "^signed: every entry from 1 on" "$T/out" \
        && ok "PostgreSQL: an untouched database verifies, signed from its first entry: $(head -1 "$T/out")" \
        || no "PostgreSQL: clean verify: $(cat "$T/out")"
    psql -qX "$PGURL" -c "UPDATE report SET value = 99 WHERE id = 2" > /dev/null 2> "$T/err" \
        && no "PostgreSQL: a write without an actor is accepted" \
        || { grep -q "without an acting user" "$T/err" && ok "PostgreSQL: a write without an actor is refused: $(head -1 "$T/err")" \
            || no "PostgreSQL: refused, but why: $(cat "$T/err")"; }
    "$S" report add --db "$PGURL" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null 2> "$T/err" \
        && no "PostgreSQL: a write without a named key file" \
        || { grep -q "no file to keep its audit key beside" "$T/err" && ok "PostgreSQL: the key file must be named: $(cat "$T/err")" \
            || no "PostgreSQL: without --audit-key: $(cat "$T/err")"; }
    "$S" backup "$T/pg-copy.db" --db "$PGURL" > /dev/null 2> "$T/err"
    [ $? -ne 0 ] && grep -q "pg_dump" "$T/err" && [ ! -e "$T/pg-copy.db" ] \
        && ok "PostgreSQL: backup refuses, naming its tools: $(cat "$T/err")" || no "PostgreSQL backup: $(cat "$T/err")"
    "$S" restore "$T/b.db" --db "$PGURL" > /dev/null 2> "$T/err"
    [ $? -ne 0 ] && grep -q "pg_basebackup" "$T/err" && "$S" audit verify --db "$PGURL" > /dev/null 2>&1 \
        && ok "PostgreSQL: restore refuses, changing nothing" || no "PostgreSQL restore: $(cat "$T/err")"

    pgtamper "a report edited with its trigger dropped" \
        "DROP TRIGGER audit_report_upd ON report; UPDATE report SET value = 99 WHERE id = 2" "report row 2 differs"
    pgtamper "a report inserted with the triggers dropped" \
        "DROP TRIGGER audit_report_ins ON report; INSERT INTO report(target_id, org_id, as_of, value, status, seq) VALUES (47, 5, '2026-11-02', 500, 'approved', 99)" \
        "not in the audit log"
    pgtamper "a report deleted with the triggers dropped" \
        "DROP TRIGGER audit_report_del ON report; DELETE FROM report WHERE id = 1" "deleted behind"
    pgtamper "an audit entry edited" \
        "UPDATE audit_log SET row_json = replace(row_json, '10', '11') WHERE tbl = 'report' AND row_id = 1" \
        "changed after it was written"
    pgtamper "an audit entry removed" "DELETE FROM audit_log WHERE id = 10" "does not follow"
    pgtamper "the last signature removed" "UPDATE audit_log SET sig = NULL WHERE id = (SELECT max(id) FROM audit_log)" \
        "not signed"
    pgtamper "a signature moved to another entry" \
        "UPDATE audit_log SET sig = (SELECT sig FROM audit_log WHERE id = 1) WHERE id = (SELECT max(id) FROM audit_log)" \
        "signature does not verify"

    # A change made past shishi with an actor named by hand: its entry
    # waits unsealed, and shishi's next write seals only its own.
    rm -f "$K"
    pgfresh || no "PostgreSQL: setup"
    psql -qX "$PGURL" -c "BEGIN; SET LOCAL shishi.actor = 'cli'; UPDATE report SET value = 99 WHERE id = 2; COMMIT" > /dev/null \
        || no "PostgreSQL: a write with a hand-named actor"
    "$S" report add --db "$PGURL" --audit-key "$K" --target 47 --org 650102 --date 2026-11-03 --value 13 > /dev/null \
        || no "PostgreSQL: shishi's next write"
    "$S" audit verify --db "$PGURL" > "$T/out" 2> "$T/err"
    [ $? -eq 1 ] && grep -q "never sealed" "$T/err" \
        && ok "PostgreSQL: a change past shishi is not sealed by shishi's next write: $(cat "$T/err")" \
        || no "PostgreSQL: a change past shishi: $(cat "$T/out" "$T/err")"
else
    echo "# PostgreSQL part skipped: no \$SHISHI_TEST_PG"
fi

finish
