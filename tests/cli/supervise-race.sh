#!/bin/sh
# supervise-race.sh - the supervision run is idempotent under concurrency,
# on either backend (PG_SUITES): several instances of `serve` on one
# database each run it daily, so two runs may start at once. Two `shishi
# supervise run` started together on one database must leave exactly what
# one run leaves on a twin: one notice per (target, org unit), one outbox
# row per (event, recipient), the same reminders; and the audit log
# verifies.
. "$(dirname "$0")/lib.sh"
A=$(testdb race) || exit 1
B=$(testdb twin) || exit 1
export SHISHI_PWHASH_FAST=1 SHISHI_TODAY=2026-07-10
setup() {
    "$S" init --db "$1" > /dev/null || { no "init $1"; return; }
    for t in 47 48 49; do
        for o in 6501 650102 650103 650104 6502; do
            "$S" assign --db "$1" --target $t --org $o --value 100 > /dev/null 2>&1
        done
    done
    for o in 650102 6502; do
        echo "password-of-c$o" | "$S" user add "c$o" --db "$1" --role reporter --org $o \
            --email "c$o@example.org" > /dev/null
    done
    echo "password-of-rev" | "$S" user add rev --db "$1" --role reviewer --org 6501 \
        --email rev@example.org > /dev/null
    "$S" report add --db "$1" --target 47 --org 650102 --date 2026-06-30 --value 2 > /dev/null
}
setup "$A"
setup "$B"

"$S" supervise run --db "$A" --json > "$T/a1" 2> "$T/e1" &
p1=$!
"$S" supervise run --db "$A" --json > "$T/a2" 2> "$T/e2" &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
same "both runs at once succeed" "$r1 $r2" "0 0"
cat "$T/e1" "$T/e2"
expect 0 "one run on the twin" "$S" supervise run --db "$B" --json

DB=$A
dup_notices=$(sql "SELECT count(*) FROM (SELECT target_id, org_id FROM notice GROUP BY target_id, org_id HAVING count(*) > 1) x")
na=$(sql "SELECT count(*) FROM notice")
oa=$(sql "SELECT count(*) FROM outbox")
dup_rows=$(sql "SELECT count(*) FROM (SELECT event_key, recipient FROM outbox GROUP BY event_key, recipient HAVING count(*) > 1) x")
ka=$(sql "SELECT count(DISTINCT event_key) FROM outbox")
DB=$B
nb=$(sql "SELECT count(*) FROM notice")
ob=$(sql "SELECT count(*) FROM outbox")
kb=$(sql "SELECT count(DISTINCT event_key) FROM outbox")
same "no (target, org unit) has two notices" "$dup_notices" 0
same "no (event, recipient) has two rows" "$dup_rows" 0
same "as many notices as one run makes" "$na" "$nb"
same "as many messages as one run queues" "$oa" "$ob"
same "as many events" "$ka" "$kb"
if [ "$nb" -gt 0 ] && [ "$ob" -gt 0 ]; then ok "the run had work to do ($nb notices, $ob messages)"; else no "the twin's run issued nothing"; fi
issued=$(python3 -c "import json; print(sum(json.load(open(f))['issued'] for f in ['$T/a1', '$T/a2']))")
same "the notices were issued by one of the two runs" "$issued" "$nb"
expect 0 "audit verify" "$S" audit verify --db "$A"
finish supervise-race
