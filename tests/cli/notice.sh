#!/bin/sh
# notice.sh - the supervision role and notices from the command line:
# `user add --role supervisor`, `shishi supervise run` (the acceptance
# scenario of issue 12 literally: the default plan, target 47 assigned
# 500 to 6501 and 100 to 650102, an approved 2 at 650102 as of June 30,
# SHISHI_TODAY=2026-07-10: a red notice with its figures; a second run
# adds none; unanswered past its deadline it is escalated and addressed
# to 6501 too), `shishi notice list|show|issue|close|return|days`, bad
# input refused with nothing changed, and every change in a verified
# audit log. On either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb n) || exit 1
export SHISHI_TODAY=2026-07-10 SHISHI_PWHASH_FAST=1

"$S" init --db "$DB" > /dev/null || { echo "not ok - init"; exit 1; }
run "$S" assign --db "$DB" --target 47 --org 6501 --value 500
run "$S" assign --db "$DB" --target 47 --org 650102 --value 100
echo 'a long password' | "$S" user add du --role supervisor --org 65 --db "$DB" > "$T/out" 2> "$T/err" \
    && ok "user add --role supervisor" || { no "user add --role supervisor"; cat "$T/err"; }
same "the account is a supervisor" "$(sql "SELECT role FROM account WHERE name = 'du'")" supervisor
echo 'a long password' | "$S" user add dep --role mayor --org 65 --db "$DB" > "$T/out" 2> "$T/err"
same "a role shishi does not know is refused" "$?" 1
errhas "supervisor, deputy or moderator"
echo 'a long password' | "$S" user add clerk --role reporter --org 650102 --db "$DB" > /dev/null 2>&1

run "$S" report add --db "$DB" --target 47 --org 650102 --date 2026-06-30 --value 2
expect 0 "supervise run" "$S" supervise run --db "$DB" --json
check "the June period, two cells, two notices" \
    "assert d['period'] == '2026-06' and d['cells'] == 2 and d['issued'] == 2, d"
expect 0 "notice list --json" "$S" notice list --db "$DB" --json
check "a red notice for target 47 at 650102 with the figures" "
n = [x for x in d['notices'] if x['target']['id'] == 47 and x['org']['code'] == '650102']
assert len(n) == 1, d
n = n[0]
assert n['grade'] == 'red' and n['status'] == 'issued' and n['cause'] == 'lagging', n
assert n['figures']['actual'] == 2 and n['figures']['value'] == 100, n
assert 30 < n['figures']['expected'] < 40 and n['as_of'] == '2026-06-30', n
assert n['number'].startswith('督办〔2026〕') and n['deadline'] == '2026-07-15', n"
ID=$(python3 -c "
import json; d = json.load(open('$T/out'))
print([x['id'] for x in d['notices'] if x['org']['code'] == '650102'][0])")
COUNT=$(sql "SELECT count(*) FROM notice")
expect 0 "a second run" "$S" supervise run --db "$DB" --json
check "changes nothing" "assert (d['issued'], d['raised'], d['escalated'], d['marked']) == (0, 0, 0, 0), d"
same "and adds no notice" "$(sql "SELECT count(*) FROM notice")" "$COUNT"
same "nor any history" "$(sql "SELECT count(*) FROM notice_event")" "$COUNT"

# the store keeps one open notice per target and unit, as core does
expect 1 "a second open notice for the cell is refused" \
    "$S" notice issue --db "$DB" --target 47 --org 650102 --text "再发一单"
errhas "one open notice per target and unit"
same "nothing added" "$(sql "SELECT count(*) FROM notice")" "$COUNT"

# with no answer and the date past the deadline: escalated, and addressed to 6501 too
expect 0 "supervise run past the deadline" env SHISHI_TODAY=2026-07-20 "$S" supervise run --db "$DB" --json
check "both escalated" "assert d['escalated'] == 2, d"
expect 0 "notice show --json" "$S" notice show "$ID" --db "$DB" --json
check "red still, once escalated, addressed to 650102 and 6501, a new deadline" "
assert d['grade'] == 'red' and d['escalations'] == 1, d
assert [o['code'] for o in d['addressed']] == ['650102', '6501'], d['addressed']
assert d['deadline'] == '2026-07-25', d['deadline']
assert [h['kind'] for h in d['history']] == ['issued', 'escalated'], d['history']"
expect 0 "the same day again" env SHISHI_TODAY=2026-07-20 "$S" supervise run --db "$DB" --json
check "escalates nothing more" "assert d['escalated'] == 0, d"

# close and return from the CLI: only an answered notice
expect 1 "an unanswered notice is not closed" "$S" notice close "$ID" --db "$DB"
errhas "only an answered notice"
expect 1 "nor returned" "$S" notice return "$ID" --comment "请补充" --db "$DB"
expect 2 "return needs a comment" "$S" notice return "$ID" --db "$DB"
expect 3 "an unknown notice" "$S" notice close 99999 --db "$DB"
expect 1 "a bad id" "$S" notice show abc --db "$DB"

# by hand, then the days to answer
expect 0 "a notice by hand" "$S" notice issue --db "$DB" --target 1 --org 6502 --text "请报送进度" --grade blue --json
check "blue, manual, deadline in 3 days" "
assert d['grade'] == 'blue' and d['cause'] == 'manual' and d['deadline'] == '2026-07-13', d
assert d['issued_by'].startswith('supervisor:'), d"
expect 1 "an unknown grade" "$S" notice issue --db "$DB" --target 2 --org 6502 --text x --grade green
expect 3 "an unknown unit" "$S" notice issue --db "$DB" --target 2 --org 999999 --text x
expect 0 "the default days" "$S" notice days --db "$DB" --json
check "3, 10, 5" "assert d == {'blue': 3, 'yellow': 10, 'red': 5}, d"
expect 1 "a day count out of range" "$S" notice days --db "$DB" --red 0
expect 0 "set the red days" "$S" notice days --db "$DB" --red 7 --json
check "red 7, the others kept" "assert d == {'blue': 3, 'yellow': 10, 'red': 7}, d"
expect 0 "a red notice by hand" "$S" notice issue --db "$DB" --target 3 --org 6502 --text "x" --grade red --json
check "answers in 7 days" "assert d['deadline'] == '2026-07-17', d"

expect 0 "notice list --status issued --org 6501" "$S" notice list --db "$DB" --status issued --org 6501 --json
check "the two of 6501's subtree" "assert len(d['notices']) == 2, d"
expect 1 "an unknown status" "$S" notice list --db "$DB" --status open

expect 0 "audit verify" "$S" audit verify --db "$DB"
same "every notice in the audit log" \
    "$(sql "SELECT count(*) FROM audit_log WHERE tbl = 'notice' AND action = 'insert'")" \
    "$(sql "SELECT count(*) FROM notice")"
finish notice
