#!/bin/sh
# export.sh - `shishi export opendata|plan` (issue 13's open data): the
# zip holds the four CSVs and the published bulletins, each CSV's heading
# row is the dictionary's columns for it, the figures are the ones
# `shishi status` prints, the bytes are the same for the same day, and bad
# arguments are refused naming the option and changing nothing. On either
# backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb e) || exit 1
export SHISHI_TODAY=2026-07-10

"$S" init --db "$DB" > /dev/null || { echo "not ok - init"; exit 1; }
run "$S" assign --db "$DB" --target 47 --org 650102 --value 100
run "$S" report add --db "$DB" --target 47 --org 650102 --date 2026-06-30 --value 40

expect 0 "export opendata" "$S" export opendata --db "$DB" --out "$T/a.zip"
same "the zip is a zip" "$(head -c 2 "$T/a.zip")" "PK"
mkdir "$T/a" && (cd "$T/a" && unzip -q "$T/a.zip")
same "its files" "$(cd "$T/a" && ls | tr '\n' ' ')" "bulletins.csv dictionary.csv figures.csv plan.csv "
if python3 - "$T/a" << 'PY' 2> "$T/py"; then ok "each CSV's heading row is its dictionary's columns"; else no "dictionary"; cat "$T/py"; fi
import csv, sys, os
d = sys.argv[1]
def rows(f):
    with open(os.path.join(d, f), encoding='utf-8-sig', newline='') as fh:
        return list(csv.reader(fh))
cols = {}
for r in rows('dictionary.csv')[1:]:
    if r[0].endswith('.csv'):
        cols.setdefault(r[0], []).append(r[1])
    assert r[3] and r[4], r
assert sorted(cols) == ['bulletins.csv', 'dictionary.csv', 'figures.csv', 'plan.csv'], cols
for f, c in cols.items():
    assert rows(f)[0] == c, (f, rows(f)[0], c)
PY
expect 0 "status of target 47 at 650102 on 30 June" "$S" status --db "$DB" --org 650102 --date 2026-06-30 --json
json "print([t for p in d['projects'] for t in p['targets'] if t['id'] == 47][0]['actual'])" > "$T/want"
python3 -c "
import csv
r = [x for x in csv.DictReader(open('$T/a/figures.csv', encoding='utf-8-sig'))
     if x['org_code'] == '650102' and x['target_id'] == '47' and x['month'] == '2026-06'][0]
print(float(r['actual']))" > "$T/got" 2>&1
same "figures.csv has status's figure" "$(cat "$T/got")" "$(python3 -c "print(float($(cat "$T/want")))")"
expect 0 "export opendata again" "$S" export opendata --db "$DB" --out "$T/b.zip"
same "the same day, the same bytes" "$(cmp "$T/a.zip" "$T/b.zip" && echo same)" "same"
expect 0 "export opendata as of 31 May" "$S" export opendata --db "$DB" --date 2026-05-31 --out "$T/c.zip"
same "an earlier day holds fewer months" "$(unzip -p "$T/c.zip" figures.csv | grep -c ',2026-06,')" "0"

expect 0 "export plan" "$S" export plan --db "$DB" --out "$T/plan.csv"
same "plan.csv is the zip's" "$(cmp "$T/plan.csv" "$T/a/plan.csv" && echo same)" "same"

expect 1 "a day outside the plan is refused" "$S" export opendata --db "$DB" --date 2027-01-01 --out "$T/d.zip"
errhas "--date"
same "and nothing is written" "$(test -e "$T/d.zip" && echo written)" ""
expect 1 "a day that is not one is refused" "$S" export opendata --db "$DB" --date 2026-02-30 --out "$T/d.zip"
errhas "--date"
expect 2 "no --out is a usage error" "$S" export opendata --db "$DB"
expect 2 "an unknown part is a usage error" "$S" export figures --db "$DB" --out "$T/d.zip"
expect 4 "an unwritable file is an I/O error" "$S" export plan --db "$DB" --out "$T/no/such/dir/p.csv"
errhas "--out"
expect 0 "--help" "$S" export --help
outhas "opendata"
finish
