#!/bin/sh
# audit.sh - the audit log catches every change made behind shishi's back
# (row edited, inserted, deleted, log entry edited or removed, triggers
# dropped), and backup/restore round-trips. Tampering uses the sqlite3 shell,
# as someone with the database file would.
set -u
S=${SHISHI:-build/shishi}
T=${SHISHI_TMP:-$(mktemp -d)}/audit
mkdir -p "$T"
export SHISHI_TODAY=2026-11-29
fails=0
ok() { echo "ok - $*"; }
no() { echo "not ok - $*"; fails=$((fails + 1)); }

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

fresh || no "setup"
"$S" audit verify --db "$T/a.db" > "$T/out" 2>&1 && grep -q "intact" "$T/out" \
    && ok "an untouched database verifies: $(cat "$T/out")" || no "clean verify: $(cat "$T/out")"

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

# A whole-chain rewrite: someone who changes a report and its log entry and
# recomputes every hash after it leaves a chain that verifies on its own;
# the head published before the rewrite catches it.
fresh
"$S" audit verify --db "$T/a.db" > "$T/out" 2>&1
HEAD=$(sed -n 's/^head: //p' "$T/out")
case $HEAD in [0-9]*:????????????????????????????????????????????????????????????????) ok "verify prints the head to publish: $HEAD" ;;
    *) no "no head line: $(cat "$T/out")" ;; esac
"$S" audit verify --db "$T/a.db" --anchor "$HEAD" > "$T/out" 2>&1 && grep -q "^anchored" "$T/out" \
    && ok "the untouched log verifies against its anchor" || no "anchored verify: $(cat "$T/out")"
python3 - "$T/a.db" <<'PY' || no "rewriting the chain"
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER audit_report_upd; UPDATE report SET value = 1 WHERE id = 1;")
first = db.execute("SELECT min(id) FROM audit_log WHERE tbl = 'report' AND row_id = 1").fetchone()[0]
db.execute("UPDATE audit_log SET row_json = json_set(row_json, '$.value', 1.0) WHERE id = ?", (first,))
prev = ''
for row in db.execute("SELECT id, at, action, tbl, row_id, row_json, actor FROM audit_log ORDER BY id").fetchall():
    h = hashlib.sha256()
    for v in row[:6]:
        if v is not None:
            h.update(str(v).encode())
        h.update(b'\x1f')
    h.update(row[6].encode() + b'\x1f' + prev.encode())
    db.execute("UPDATE audit_log SET prev = ?, hash = ? WHERE id = ?", (prev, h.hexdigest(), row[0]))
    prev = h.hexdigest()
db.commit()
PY
"$S" audit verify --db "$T/a.db" > "$T/out" 2>&1 && ok "without an anchor the rewritten chain verifies (the limit the anchor closes)" \
    || no "the rewrite script did not reproduce the chain: $(cat "$T/out")"
"$S" audit verify --db "$T/a.db" --anchor "$HEAD" > "$T/out" 2> "$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "anchored hash" "$T/err" && ok "with the anchor the rewrite is found: $(cat "$T/err")" \
    || no "anchored verify after a rewrite (exit $rc): $(cat "$T/out" "$T/err")"
"$S" audit verify --db "$T/a.db" --anchor "1:nothex" > /dev/null 2> "$T/err" \
    && no "a malformed anchor is accepted" || ok "a malformed anchor is refused: $(cat "$T/err")"

# Backup and restore round trip.
fresh
"$S" backup "$T/b.db" --db "$T/a.db" > /dev/null && ok "backup" || no "backup"
"$S" backup "$T/b.db" --db "$T/a.db" > /dev/null 2>&1 && no "backup over an existing file" || ok "backup refuses to overwrite"
"$S" status --db "$T/a.db" --json > "$T/s1"
"$S" report add --db "$T/a.db" --target 47 --org 650103 --date 2026-11-03 --value 9 > /dev/null
"$S" restore "$T/b.db" --db "$T/a.db" > /dev/null && ok "restore" || no "restore"
"$S" status --db "$T/a.db" --json > "$T/s2"
cmp -s "$T/s1" "$T/s2" && ok "restored figures equal the backed-up ones" || no "restore round trip"
"$S" audit verify --db "$T/a.db" > /dev/null 2>&1 && ok "the restored database verifies" || no "verify after restore"
echo "not a database" > "$T/junk.db"
"$S" restore "$T/junk.db" --db "$T/a.db" > /dev/null 2>&1 && no "restore from junk" || ok "restore refuses a non-backup"
"$S" audit verify --db "$T/a.db" > /dev/null 2>&1 && ok "a refused restore changed nothing" || no "verify after refused restore"

echo "# $fails failed"
[ "$fails" -eq 0 ]
