#!/bin/sh
# cycle.sh - the yearly cycle from the command line (issue 15): `user add
# --role deputy`, `shishi cycle open|vote|show|proposals|promote|merge|
# decline|seal|adopt`, bad input refused with nothing changed, the
# result's pass rule and a tie at the cut reported and not broken, the
# adopted draft plan, and every change in a verified audit log. Ballots
# are cast through the API (tests/api/cycle*.test.mjs); here they are put
# into the table as someone with the database would, to give the count a
# known tie. On either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb c) || exit 1
export SHISHI_TODAY=2026-11-10 SHISHI_PWHASH_FAST=1

"$S" init --db "$DB" > /dev/null || { echo "not ok - init"; exit 1; }
for i in 1 2 3 4 5; do
    echo 'a long password' | "$S" user add "dep$i" --role deputy --org 65 --db "$DB" \
        > /dev/null 2> "$T/err" || { no "user add --role deputy"; cat "$T/err"; }
done
same "deputies are accounts of their congress" \
    "$(sql "SELECT count(*) FROM account WHERE role = 'deputy' AND org_id = (SELECT id FROM org_unit WHERE code = '65')")" 5

expect 1 "a window that ends before it begins" \
    "$S" cycle open --db "$DB" --year 2027 --from 2026-11-10 --to 2026-11-01
errhas -F -- "--to"
expect 1 "a date that is not one" "$S" cycle open --db "$DB" --year 2027 --from 2026-11-31 --to 2026-12-01
errhas "November 2026 has 30 days"
expect 1 "a year that is not one" "$S" cycle open --db "$DB" --year 27 --from 2026-11-01 --to 2026-11-02
same "nothing stored" "$(sql "SELECT count(*) FROM cycle")" 0
expect 0 "cycle open" "$S" cycle open --db "$DB" --year 2027 --from 2026-11-01 --to 2026-11-10
expect 1 "a vote without seats" "$S" cycle vote --db "$DB" --year 2027 --from 2026-11-11 --to 2026-11-12
errhas -F -- "--seats"
expect 1 "a vote inside the proposal window" \
    "$S" cycle vote --db "$DB" --year 2027 --from 2026-11-05 --to 2026-11-12 --seats 2
errhas "it ends 2026-11-10"
expect 1 "a pass share of 1" \
    "$S" cycle vote --db "$DB" --year 2027 --from 2026-11-11 --to 2026-11-12 --seats 2 --pass 1

# proposals come in through the API (tests/api); by letter, the office enters them
for t in 甲 乙 丙 丁 戊; do
    run "$S" cycle propose --db "$DB" --title "$t" --text "新建${t}食堂10个" --org 65
done
expect 1 "a proposal about an unknown place" "$S" cycle propose --db "$DB" --title x --text y --org 99
errhas "org"
SHISHI_TODAY=2026-10-01 expect 1 "a proposal before the window" \
    "$S" cycle propose --db "$DB" --title x --text y --org 65
errhas "2026-11-01 to 2026-11-10"
P1=$(sql "SELECT id FROM proposal WHERE title = '甲'")
P2=$(sql "SELECT id FROM proposal WHERE title = '乙'")
P3=$(sql "SELECT id FROM proposal WHERE title = '丙'")
P4=$(sql "SELECT id FROM proposal WHERE title = '丁'")
P5=$(sql "SELECT id FROM proposal WHERE title = '戊'")
expect 1 "promote without a department" "$S" cycle promote "$P1" --db "$DB" --cost 100
errhas "department"
expect 1 "promote at a negative cost" "$S" cycle promote "$P1" --db "$DB" --cost -5 --department 民政厅
expect 3 "promote an unknown proposal" "$S" cycle promote 9999 --db "$DB" --cost 5 --department 民政厅
for p in "$P1" "$P2" "$P3"; do
    expect 0 "promote $p" "$S" cycle promote "$p" --db "$DB" --cost 1000000 --department 民政厅 --note 可行
done
expect 0 "merge" "$S" cycle merge "$P4" --db "$DB" --into "$P1"
expect 1 "merge into itself" "$S" cycle merge "$P5" --db "$DB" --into "$P5"
expect 0 "decline" "$S" cycle decline "$P5" --db "$DB" --reason 已有专项资金
expect 1 "decline twice" "$S" cycle decline "$P5" --db "$DB" --reason 再次
expect 0 "cycle proposals --json" "$S" cycle proposals --db "$DB" --year 2027 --json
check "every outcome" "
by = {p['title']: p for p in d['proposals']}
assert by['甲']['status'] == 'promoted' and by['甲']['candidate'], by['甲']
assert by['丁']['status'] == 'merged' and by['丁']['merged_into'] == $P1, by['丁']
assert by['戊']['status'] == 'declined' and by['戊']['reason'] == '已有专项资金', by['戊']"

expect 0 "cycle vote" "$S" cycle vote --db "$DB" --year 2027 --from 2026-11-11 --to 2026-11-20 --seats 2
expect 1 "a proposal window that reaches into the vote" \
    "$S" cycle open --db "$DB" --year 2027 --from 2026-11-01 --to 2026-11-11
errhas "it begins 2026-11-11"
C1=$(sql "SELECT id FROM candidate WHERE proposal_id = $P1")
C2=$(sql "SELECT id FROM candidate WHERE proposal_id = $P2")
C3=$(sql "SELECT id FROM candidate WHERE proposal_id = $P3")
# five ballots, put in as the API would: C1 4 votes, C2 and C3 3 each (more
# than half of 5): two seats, C1 passes, C2 and C3 tie for the last one
for b in "a $C1,$C2" "b $C1,$C3" "c $C1,$C2" "d $C1,$C3" "e $C2,$C3"; do
    sqldo "INSERT INTO ballot(id, year, choices) VALUES ('${b% *}', 2027, '${b#* }')"
done
expect 1 "no result before the vote closes" "$S" cycle adopt --db "$DB" --year 2027
errhas "published once the vote"
SHISHI_TODAY=2026-11-21 expect 0 "cycle show --json after the vote" "$S" cycle show --db "$DB" --year 2027 --json
check "the counts, the pass and the tie" "
r = d['result']
assert r['deputies'] == 5 and r['ballots'] == 5 and r['turnout'] == 1, r
v = {c['id']: c for c in r['candidates']}
assert v[$C1]['votes'] == 4 and v[$C1]['passed'], v
assert v[$C2]['votes'] == 3 and v[$C3]['votes'] == 3, v
assert not v[$C2]['passed'] and not v[$C3]['passed'], 'a tie is not broken'
assert r['ties'] == {'votes': 3, 'seats': 1, 'candidates': sorted([$C2, $C3])}, r['ties']
assert d['proposals'] == {'total': 5, 'new': 0, 'merged': 1, 'promoted': 3, 'declined': 1}, d"
SHISHI_TODAY=2026-11-21 expect 0 "cycle show" "$S" cycle show --db "$DB" --year 2027
outhas "tie at the cut: 3 votes for 1 seat"
expect 1 "seal before the close" "$S" cycle seal --db "$DB" --year 2027
SHISHI_TODAY=2026-11-21 expect 0 "cycle seal" "$S" cycle seal --db "$DB" --year 2027
outhas "5 ballots sealed"
same "the seal is in the cycle row" "$(sql "SELECT sealed_ballots FROM cycle WHERE year = 2027")" 5
SHISHI_TODAY=2026-11-21 expect 1 "seal twice" "$S" cycle seal --db "$DB" --year 2027
SHISHI_TODAY=2026-11-21 expect 0 "cycle adopt" "$S" cycle adopt --db "$DB" --year 2027 --json
check "one project (the tie stays out), its targets read from the text" \
    "assert d['projects'] == 1 and d['targets'] == 1, d"
expect 0 "plan show --draft --json" "$S" plan show --db "$DB" --draft --json
check "2027's draft: the candidate's title and lead department" "
assert d['plan']['year'] == 2027 and d['plan']['state'] == 'draft', d['plan']
assert [p['title'] for p in d['projects']] == ['甲'] and d['projects'][0]['lead_dept'] == '民政厅', d
t = d['projects'][0]['targets'][0]
assert t['value'] == 10 and t['unit'] == '个', t"
SHISHI_TODAY=2026-11-21 expect 1 "adopt twice" "$S" cycle adopt --db "$DB" --year 2027
expect 0 "audit verify" "$S" audit verify --db "$DB"
same "the ballot table is not audited" "$(sql "SELECT count(*) FROM audit_log WHERE tbl = 'ballot'")" 0
finish cycle
