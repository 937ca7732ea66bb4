#!/bin/sh
# completeness.sh - `shishi completeness` and `shishi score` (issue 12): with
# target 47 given to 6501, 650102 and 650103, June's reports are on time
# (handed in by 5 July), late, or missing (none by then; before it,
# pending), rolled up the tree, each with its last report date; the
# score's formula holds for the numbers it prints. On either backend
# (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb c) || exit 1
export SHISHI_TODAY=2026-07-10

"$S" init --db "$DB" > /dev/null || { echo "not ok - init"; exit 1; }
run "$S" assign --db "$DB" --target 47 --org 6501 --value 500
run "$S" assign --db "$DB" --target 47 --org 650102 --value 100
run "$S" assign --db "$DB" --target 47 --org 650103 --value 50
# 6501 reports June; the moment it was handed in is set to 3 July (a
# report is stamped with the clock, so the test moves its audit entry)
run "$S" report add --db "$DB" --target 47 --org 6501 --date 2026-06-15 --value 10
ID=$(sql "SELECT id FROM report WHERE org_id = (SELECT id FROM org_unit WHERE code = '6501')")
sqldo "UPDATE audit_log SET at = '2026-07-03T02:00:00.000Z' WHERE tbl = 'report' AND row_id = $ID"
# 650102 reports June, handed in now: after 5 July, late
run "$S" report add --db "$DB" --target 47 --org 650102 --date 2026-06-30 --value 2
# 650103 reported May but not June: missing, its last report 31 May
run "$S" report add --db "$DB" --target 47 --org 650103 --date 2026-05-31 --value 1

expect 0 "completeness of June at 6501" "$S" completeness --db "$DB" --period 2026-06 --org 6501 --json
check "the deadline is 5 July" "assert d['deadline'] == '2026-07-05' and d['period'] == '2026-06', d"
check "totals: 3 due, 1 on time, 1 late, 1 missing" "
t = d['totals']
assert (t['expected'], t['reported'], t['on_time'], t['late'], t['missing'], t['pending']) == (3, 2, 1, 1, 1, 0), t
assert abs(t['reporting_rate'] - 200 / 3) < 0.01 and abs(t['on_time_rate'] - 100 / 3) < 0.01, t"
check "the units: 6501 on time, 650102 late, 650103 missing" "
u = {x['org']['code']: x['state'] for x in d['units']}
assert u == {'6501': 'on_time', '650102': 'late', '650103': 'missing'}, u"
check "the missing unit shows its last report, not 'never'" "
a = [x for x in d['assignments'] if x['org']['code'] == '650103'][0]
assert a['state'] == 'missing' and a['last_report'] == '2026-05-31' and a['report'] is None, a"
check "the counted report and when it was handed in" "
a = [x for x in d['assignments'] if x['org']['code'] == '6501'][0]
assert a['report_date'] == '2026-06-15' and a['handed_in'].startswith('2026-07-03'), a"
check "children rolled up: 650102 late, 650103 missing" "
c = {x['org']['code']: (x['expected'], x['late'], x['missing']) for x in d['children']}
assert c == {'650102': (1, 1, 0), '650103': (1, 0, 1)}, c"
check "by department: the target's" "
assert [(x['dept'], x['expected']) for x in d['departments']] == [('自治区交通运输厅', 3)], d['departments']"

# the deadline day itself is on time, the day after late
sqldo "UPDATE audit_log SET at = '2026-07-05T23:59:59.000Z' WHERE tbl = 'report' AND row_id = $ID"
run "$S" completeness --db "$DB" --period 2026-06 --org 6501 --json
check "handed in on 5 July: on time" "assert [x['state'] for x in d['units'] if x['org']['code'] == '6501'] == ['on_time'], d['units']"
sqldo "UPDATE audit_log SET at = '2026-07-06T00:00:00.000Z' WHERE tbl = 'report' AND row_id = $ID"
run "$S" completeness --db "$DB" --period 2026-06 --org 6501 --json
check "handed in on 6 July: late" "assert [x['state'] for x in d['units'] if x['org']['code'] == '6501'] == ['late'], d['units']"
sqldo "UPDATE audit_log SET at = '2026-07-03T02:00:00.000Z' WHERE tbl = 'report' AND row_id = $ID"

expect 0 "rolled up to the region" "$S" completeness --db "$DB" --period 2026-06 --org 65 --json
check "65 holds 6501's three" "
t = d['totals']; c = [x for x in d['children'] if x['org']['code'] == '6501'][0]
assert t['expected'] == 3 and c['expected'] == 3 and c['on_time'] == 1 and c['missing'] == 1, (t, c)"

SHISHI_TODAY=2026-07-04 expect 0 "before the deadline" "$S" completeness --db "$DB" --period 2026-06 --org 6501 --json
check "nothing is missing before the deadline: 650103 is pending" "
u = {x['org']['code']: x['state'] for x in d['units']}
assert u['650103'] == 'pending' and d['totals']['missing'] == 0, u"

expect 0 "May: only 650103 reported" "$S" completeness --db "$DB" --period 2026-05 --org 6501 --json
check "May's counts" "
u = {x['org']['code']: x['state'] for x in d['units']}
assert u == {'6501': 'missing', '650102': 'missing', '650103': 'late'}, u"

# without --period: the latest month whose deadline has passed
SHISHI_TODAY=2026-07-10 expect 0 "on 10 July" "$S" completeness --db "$DB" --org 6501 --json
check "on 10 July the period chased is June" "assert d['period'] == '2026-06', d['period']"
SHISHI_TODAY=2026-07-03 expect 0 "on 3 July" "$S" completeness --db "$DB" --org 6501 --json
check "on 3 July it is May (June is due on the 5th)" "assert d['period'] == '2026-05', d['period']"
SHISHI_TODAY=2027-03-01 expect 0 "after the plan" "$S" completeness --db "$DB" --org 6501 --json
check "after the plan it is the plan's last month" "assert d['period'] == '2026-12', d['period']"
SHISHI_TODAY=2026-01-03 expect 0 "in the plan's first days" "$S" completeness --db "$DB" --org 6501 --json
check "before any deadline it is the plan's first month" "assert d['period'] == '2026-01', d['period']"

expect 0 "the table" "$S" completeness --db "$DB" --period 2026-06 --org 6501
outhas -F "2026-07-05"
outhas -F "650103"
expect 1 "a malformed period" "$S" completeness --db "$DB" --period 2026-13 --org 6501
errhas -F -- "--period"
expect 1 "a period outside the plan" "$S" completeness --db "$DB" --period 2025-06
errhas -F "outside the plan"
expect 3 "an unknown unit" "$S" completeness --db "$DB" --period 2026-06 --org 999999

# the score: its formula over the components it prints
expect 0 "scores of June at 6501" "$S" score --db "$DB" --period 2026-06 --org 6501 --json
check "the ranking holds the counties with a task, ranked" "
r = d['ranking']; codes = [x['org']['code'] for x in r]
assert '650102' in codes and '650103' in codes, codes
s = [x['score'] for x in r]
assert s == sorted(s, reverse=True) and r[0]['rank'] == 1, r"
check "the score is the weighted mean of the parts counted" "
w = d['weights']
for x in d['ranking'] + [d['self']]:
    c = x['components']
    parts = [(w[k], c[k]['value']) for k in c if c[k]['value'] is not None]
    want = sum(a * b for a, b in parts) / sum(a for a, b in parts)
    assert abs(x['score'] - want) < 1e-6, (x, want)"
check "on-time part from completeness; notices left out until wired" "
s = d['self']['components']
assert abs(s['on_time']['value'] - 100 / 3) < 0.01 and s['on_time']['counted'] == 3, s
assert s['notices']['value'] is None and s['returned']['value'] == 100, s"
expect 0 "weights given" "$S" score --db "$DB" --period 2026-06 --org 6501 --weights 0,100,0,0 --json
check "with only the on-time weight the score is the on-time rate" "
assert abs(d['self']['score'] - 100 / 3) < 0.01, d['self']"
expect 1 "bad weights" "$S" score --db "$DB" --period 2026-06 --weights 1,2,3
errhas -F -- "--weights"
expect 0 "the ranking as xlsx" "$S" score --db "$DB" --period 2026-06 --org 6501 --xlsx "$T/score.xlsx"
same "the workbook is a zip" "$(head -c 2 "$T/score.xlsx")" "PK"
expect 0 "the score table" "$S" score --db "$DB" --period 2026-06 --org 6501
outhas -F "650102"

finish
