#!/bin/sh
# core.sh - issue 2's acceptance checks and bad-input refusals, through the
# real binary ($SHISHI, the sanitizer build) on a temporary database, of
# either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb core) || exit 1
export SHISHI_TODAY=2026-11-29

expect 0 "init creates the default database" "$S" init --db "$DB"
expect 1 "init refuses a database that holds a plan" "$S" init --db "$DB"
expect 0 "status --json" "$S" status --db "$DB" --json
json "
t = json.load(open('$SHARED/truth/xinjiang-2026-ten-livelihood-projects.truth.json'))
assert len(d['projects']) == 10, len(d['projects'])
got = [(p['no'], x['value'], x['unit'], x['op']) for p in d['projects'] for x in p['targets']]
want = [(p['no'], x['value'], x['unit'], x['op']) for p in t['projects'] for x in p['targets']]
assert len(got) == 51, len(got)
assert got == want, [a for a in zip(got, want) if a[0] != a[1]]
for p in d['projects']:
    for x in p['targets']:
        for k in ('id','text','metric','value','unit','op','actual','expected','progress','status','as_of'):
            assert k in x, k
" && ok "10 projects, 51 targets equal to the truth file" || no "status --json against the truth"

# The 7,000 km rural road target, by its text.
ROAD=$(json "print([x['id'] for p in d['projects'] for x in p['targets'] if x['value'] == 7000 and x['unit'] == '公里'][0])")
expect 0 "report 10 km for 650102" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-11-01 --value 10
expect 0 "report 5 km for 650103" "$S" report add --db "$DB" --target "$ROAD" --org 650103 --date 2026-11-02 --value 5
same "two reports" "$(sql "SELECT count(*) FROM report WHERE target_id = $ROAD")" 2
same "reports entered as approved say who approved them and when" "$(sql "SELECT count(*) FROM report
    WHERE target_id = $ROAD AND status = 'approved' AND reviewed_by = created_by AND reviewed_at LIKE '%Z'")" 2
for org in 6501 65; do
    expect 0 "status --org $org" "$S" status --db "$DB" --json --org "$org"
    json "
x = [x for p in d['projects'] for x in p['targets'] if x['id'] == $ROAD][0]
assert x['actual'] == 15, x
assert x['expected'] is not None and x['status'], x
assert d['org']['code'] == '$org'
" && ok "actual 15 at $org, with expected and status" || no "roll-up at $org"
done
"$S" status --db "$DB" --org 65 > "$T/table" 2>&1 && grep -q "15/7000公里" "$T/table" \
    && ok "the table shows 15/7000公里" || no "status table"

# Bad input: refused with a reason, nothing stored changes.
"$S" status --db "$DB" --json > "$T/before"
RATE=$(json "print([x['id'] for p in d['projects'] for x in p['targets'] if x['kind'] == 'rate'][0])")
expect 3 "unknown target" "$S" report add --db "$DB" --target 9999 --org 650102 --date 2026-11-01 --value 1
grep -q "target" "$T/err" && ok "error names the target" || no "error names the target"
expect 3 "unknown org unit" "$S" report add --db "$DB" --target "$ROAD" --org 659999 --date 2026-11-01 --value 1
grep -q "659999" "$T/err" && ok "error names the org code" || no "error names the org"
expect 1 "negative count" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-11-03 --value -4
expect 1 "date outside the plan" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2025-12-31 --value 20
grep -q "outside the plan period" "$T/err" && ok "error says outside the plan" || no "outside message"
expect 1 "date in the future" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-12-01 --value 20
expect 1 "a date that is not in the calendar" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-02-30 --value 20
grep -q "'2026-02-30' is not a valid date: February 2026 has 28 days" "$T/err" \
    && ok "2026-02-30 is not a valid date (not 'not YYYY-MM-DD')" || { no "2026-02-30 message"; cat "$T/err"; }
expect 1 "a date in the wrong shape" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-2-3 --value 20
grep -q "'2026-2-3' is not a date YYYY-MM-DD" "$T/err" && ok "2026-2-3 is not YYYY-MM-DD" || { no "shape message"; cat "$T/err"; }
expect 1 "not a number" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-11-03 --value 1e
expect 1 "rate above 100%" "$S" report add --db "$DB" --target "$RATE" --org 650102 --date 2026-11-03 --value 101
expect 1 "numerator above denominator" "$S" report add --db "$DB" --target "$RATE" --org 650102 --date 2026-11-03 --numerator 11 --denominator 10
grep -q "numerator" "$T/err" && ok "error names the numerator" || no "numerator message"
expect 1 "cumulative value going down" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-11-03 --value 8
expect 1 "correction without a note" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-11-03 --value 8 --correction
expect 2 "unknown option" "$S" report add --db "$DB" --target "$ROAD" --bogus 1
"$S" status --db "$DB" --json > "$T/after"
cmp -s "$T/before" "$T/after" && ok "refusals left the figures as they were" || no "figures changed after refusals"
expect 0 "a correction with a note" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-11-03 --value 8 --correction --note "复核后更正"
expect 0 "status after the correction" "$S" status --db "$DB" --json --org 65
json "
x = [x for p in d['projects'] for x in p['targets'] if x['id'] == $ROAD][0]
assert x['actual'] == 13, x" && ok "the correction counts: 8 + 5" || no "correction roll-up"
expect 0 "a rate as numerator/denominator" "$S" report add --db "$DB" --target "$RATE" --org 650102 --date 2026-11-03 --numerator 9 --denominator 10
expect 3 "status for an unknown org" "$S" status --db "$DB" --org 123
# status --date: the same parser and the same period check as the API
expect 1 "status --date outside the plan" "$S" status --db "$DB" --date 2027-01-05
grep -q -- "--date: 2027-01-05 is outside the plan period 2026-01-01 to 2026-12-31" "$T/err" \
    && ok "status names the plan period" || { no "status outside message"; cat "$T/err"; }
[ ! -s "$T/out" ] && ok "nothing printed on stdout" || no "status printed figures for a date outside the plan"
expect 1 "status --date before the plan" "$S" status --db "$DB" --date 2025-12-31 --json
expect 1 "status --date 2026-02-30" "$S" status --db "$DB" --date 2026-02-30
grep -q -- "--date: '2026-02-30' is not a valid date: February 2026 has 28 days" "$T/err" \
    && ok "status: 2026-02-30 is not a valid date" || { no "status invalid date"; cat "$T/err"; }
expect 1 "status --date 2026-13-01" "$S" status --db "$DB" --date 2026-13-01
grep -q "there is no month 13" "$T/err" && ok "status: no month 13" || { no "month 13"; cat "$T/err"; }
expect 1 "status --date 26-1-1" "$S" status --db "$DB" --date 26-1-1
grep -q "is not a date YYYY-MM-DD" "$T/err" && ok "status: 26-1-1 is not YYYY-MM-DD" || { no "shape"; cat "$T/err"; }
expect 0 "status --date on the plan's last day" "$S" status --db "$DB" --date 2026-12-31 --json
json "assert d['as_of'] == '2026-12-31'" && ok "as of 2026-12-31" || no "last day"
SHISHI_TODAY=2027-03-01 "$S" status --db "$DB" --json > "$T/out" 2> "$T/err" \
    && json "assert d['as_of'] == '2026-12-31', d['as_of']" \
    && ok "status without --date after the plan: as of its last day, as the API" || no "today clamped"
if pg; then
    # a database the server lacks: shishi cannot connect (as it cannot read a file)
    expect 4 "status without a database" "$S" status --db "$(nodb)"
    errhas -F 'database "no_such_database" does not exist'
else
    expect 3 "status without a database" "$S" status --db "$(nodb)"
    [ ! -e "$(nodb)" ] && ok "status makes no database" || no "status made $(nodb)"
fi
expect 0 "plan show" "$S" plan show --db "$DB"
expect 0 "plan show --json" "$S" plan show --db "$DB" --json
json "assert sum(len(p['targets']) for p in d['projects']) == 51" && ok "plan show lists 51 targets" || no "plan show"
for c in init status plan report divisions; do
    expect 0 "$c --help" "$S" $c --help
done

finish
