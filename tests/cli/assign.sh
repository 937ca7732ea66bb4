#!/bin/sh
# assign.sh - `shishi assign`: shares of a target checked against the
# whole (short is a warning, over is refused unless forced with a reason),
# bad input refused, and every share in the audit log. On either backend
# (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb a) || exit 1
export SHISHI_TODAY=2026-06-30

"$S" init --db "$DB" > /dev/null || { echo "not ok - init"; exit 1; }
"$S" plan show --db "$DB" --json > "$T/plan.json"
TID=$(python3 -c "
import json; d = json.load(open('$T/plan.json'))
print([x['id'] for p in d['projects'] for x in p['targets'] if x['kind'] == 'count' and x['value'] >= 100][0])")
V=$(python3 -c "
import json; d = json.load(open('$T/plan.json'))
print([x['value'] for p in d['projects'] for x in p['targets'] if x['id'] == $TID][0])")
HALF=$(python3 -c "print($V / 2)")
MORE=$(python3 -c "print($V / 2 + 1)")

expect 0 "half of the whole to 6501: kept with a warning" "$S" assign --db "$DB" --target "$TID" --org 6501 --value "$HALF"
grep -q "short of the whole" "$T/err" && ok "the warning says short" || no "the warning says short"
expect 1 "over the whole is refused" "$S" assign --db "$DB" --target "$TID" --org 6502 --value "$MORE"
grep -q "over the whole" "$T/err" && ok "the refusal says over" || no "the refusal says over"
expect 1 "forced without a reason is refused" "$S" assign --db "$DB" --target "$TID" --org 6502 --value "$MORE" --force
expect 0 "forced with a reason" "$S" assign --db "$DB" --target "$TID" --org 6502 --value "$MORE" --force --reason "增补任务"
expect 0 "a county's share of its prefecture's" "$S" assign --db "$DB" --target "$TID" --org 650102 --value 1 --json
python3 -c "
import json; d = json.load(open('$T/out'))
assert d['whole'] == $HALF and d['sum'] == 1, d" && ok "json whole and sum" || no "json whole and sum"
expect 2 "--org or --dept is required" "$S" assign --db "$DB" --target "$TID" --value 1
expect 3 "unknown org" "$S" assign --db "$DB" --target "$TID" --org 999999 --value 1
expect 3 "unknown target" "$S" assign --db "$DB" --target 99999 --org 6501 --value 1
expect 1 "negative share" "$S" assign --db "$DB" --target "$TID" --org 6501 --value -1
expect 0 "a department's share" "$S" assign --db "$DB" --target "$TID" --dept "人社厅" --value 1
# shares fit their target's kind and unit (issue 9)
RATE=$(python3 -c "
import json; d = json.load(open('$T/plan.json'))
print([x['id'] for p in d['projects'] for x in p['targets'] if x['kind'] == 'rate'][0])")
KM=$(python3 -c "
import json; d = json.load(open('$T/plan.json'))
print([x['id'] for p in d['projects'] for x in p['targets'] if x['kind'] == 'count' and x['unit'] == '公里'][0])")
expect 1 "a rate share of 150% is refused" "$S" assign --db "$DB" --target "$RATE" --org 6501 --value 150
grep -q "percentage from 0 to 100" "$T/err" && ok "the refusal names the range" || { no "the refusal names the range"; cat "$T/err"; }
expect 0 "a rate share of 95%" "$S" assign --db "$DB" --target "$RATE" --org 6501 --value 95
expect 1 "half a person is refused" "$S" assign --db "$DB" --target "$TID" --org 650103 --value 0.5
grep -q "whole number" "$T/err" && ok "the refusal says whole number" || { no "the refusal says whole number"; cat "$T/err"; }
expect 0 "12.5 km is a share" "$S" assign --db "$DB" --target "$KM" --org 6501 --value 12.5
expect 0 "audit verify after the shares" "$S" audit verify --db "$DB"

finish
