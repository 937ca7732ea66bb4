#!/bin/sh
# import.sh - issue 3: `shishi import` makes a draft plan from the seed
# announcement; `plan target set|add|split|merge|drop` correct it (and refuse
# bad input, unknown ids and plans that are not drafts, changing nothing);
# `plan activate` makes it the plan that status tracks and reports roll up in.
# On either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
SEED=$SHARED/seeds/xinjiang-2026-ten-livelihood-projects.txt
DB=$(testdb import) || exit 1
export SHISHI_TODAY=2026-11-29
# the seed's draft, by id: later imports make newer drafts
draft() { "$S" plan show --id "$PLAN" --json --db "$DB" > "$T/out" 2> "$T/err"; }
# py EXPR: print EXPR evaluated over the draft d (targets in t, flattened)
py() { draft; python3 -c "
import json; d = json.load(open('$T/out'))
t = [dict(x, project=p['no']) for p in d['projects'] for x in p['targets']]
print($1)"; }
# pyx CODE: run CODE (which prints) over the same d and t
pyx() { draft; python3 -c "
import json; d = json.load(open('$T/out'))
t = [dict(x, project=p['no']) for p in d['projects'] for x in p['targets']]
$1"; }

expect 0 "init" "$S" init --db "$DB"
"$S" status --db "$DB" --json > "$T/default.json"
ACTIVE_T=$(python3 -c "import json; d=json.load(open('$T/default.json')); print(d['projects'][0]['targets'][0]['id'])")

# --- import ---------------------------------------------------------------
for c in "import" "plan target" "plan target set" "plan target add" "plan target split" \
         "plan target merge" "plan target drop"; do
    expect 0 "$c --help" "$S" $c --help
    outhas "usage: shishi $c"
done
expect 4 "import of a missing file" "$S" import "$T/missing.txt" --db "$DB"
printf 'GIF89a\001\000\000\000binary\000data' > "$T/garbage.bin"
expect 1 "import of binary garbage" "$S" import "$T/garbage.bin" --db "$DB"
errhas "binary"
printf '今天天气很好，没有任何承诺。\n' > "$T/empty.txt"
expect 1 "import of a text with no targets" "$S" import "$T/empty.txt" --db "$DB"
errhas "nothing to review"
printf '一、修路\n全年新建农村公路100公里。\n二、建校\n新建学校5所。\n' > "$T/noyear.txt"
expect 1 "import of a text without a year" "$S" import "$T/noyear.txt" --db "$DB"
errhas "--year"
expect 3 "import with an unknown --top-org" "$S" import "$T/noyear.txt" --year 2026 --top-org 659999 --db "$DB"
errhas "659999"
expect 1 "import with a bad --year" "$S" import "$T/noyear.txt" --year 20x6 --db "$DB"
errhas "--year"
expect 3 "no draft was stored by the refusals" "$S" plan show --draft --db "$DB"

expect 0 "import the seed announcement" "$S" import "$SEED" --db "$DB" --json
check "import --json: plan id, 10 projects, 51 targets, warnings, top org 65" "
assert d['projects'] == 10, d
assert d['targets'] == 51, d
assert isinstance(d['warnings'], list), d
assert d['plan_id'] > 1 and d['top_org'] == '65', d"
PLAN=$(python3 -c "import json; print(json.load(open('$T/out'))['plan_id'])")
expect 0 "plan show --draft --json" "$S" plan show --draft --json --db "$DB"
check "the draft: state draft, 10 projects, 51 targets, top org guessed from the issuer" "
assert d['plan']['id'] == $PLAN and d['plan']['state'] == 'draft', d['plan']
assert d['plan']['year'] == 2026 and d['plan']['top_org'] == '65', d['plan']
assert d['plan']['period_start'] == '2026-01-01' and d['plan']['period_end'] == '2026-12-31'
assert len(d['projects']) == 10
assert sum(len(p['targets']) for p in d['projects']) == 51
assert any('parent' in x for p in d['projects'] for x in p['targets'])"
expect 0 "status still tracks the default plan" "$S" status --db "$DB" --json
check "status plan is plan 1" "assert d['plan']['id'] == 1, d['plan']"
expect 0 "import text output" "$S" import "$T/noyear.txt" --year 2027 --top-org 6501 --db "$DB"
outhas "draft plan"
outhas "plan show --draft"
outhas "plan activate"
OTHER=$(sed -n 's/^imported draft plan \([0-9]*\) .*/\1/p' "$T/out")
expect 0 "import from stdin" sh -c "'$S' import - --year 2027 --json --db '$DB' < '$T/noyear.txt'"
check "stdin import: 2 projects, 2 targets" "assert d['projects'] == 2 and d['targets'] == 2, d"
expect 0 "plan show --draft shows the newest draft" "$S" plan show --draft --json --db "$DB"
check "newest draft is the stdin import" "assert d['plan']['year'] == 2027 and d['plan']['id'] > $OTHER"

# --- import of plan JSON (what extract prints) ----------------------------
expect 0 "extract the seed to JSON" sh -c "'$S' extract '$SEED' > '$T/seed.json'"
expect 0 "import the extracted JSON" "$S" import "$T/seed.json" --db "$DB" --json
check "read as plan JSON: 10 projects, 51 targets" "
assert d['input'] == 'json', d
assert d['projects'] == 10 and d['targets'] == 51, d
assert d['year'] == 2026 and d['top_org'] == '65', d"
JPLAN=$(python3 -c "import json; print(json.load(open('$T/out'))['plan_id'])")
expect 0 "plan show --draft --json after the JSON import" "$S" plan show --draft --json --db "$DB"
check "the draft has the ten project titles of the extraction, not 'text'" "
x = json.load(open('$T/seed.json'))
assert d['plan']['id'] == $JPLAN and d['plan']['state'] == 'draft', d['plan']
titles = [p['title'] for p in d['projects']]
assert titles == [p['title'] for p in x['projects']], titles
assert len(titles) == 10 and 'text' not in titles, titles
got = [(p['no'], t['text'], t['value'], t['unit'], t['op'], t.get('parent')) for p in d['projects'] for t in p['targets']]
want = [(p['no'], t['text'], t['value'], t['unit'], t['op'], t.get('parent')) for p in x['projects'] for t in p['targets']]
assert got == want"
check "the draft equals the one imported from the text" "
import subprocess
a = json.loads(subprocess.check_output(['$S', 'plan', 'show', '--id', '$PLAN', '--json', '--db', '$DB']))
strip = lambda d: [(p['no'], p['title'], [(t['text'], t['metric'], t['value'], t['unit'], t['op'], t['kind'], t.get('parent')) for t in p['targets']]) for p in d['projects']]
assert strip(a) == strip(d)
assert a['plan']['title'] == d['plan']['title'] and a['plan']['issuer'] == d['plan']['issuer']"
# a plan show --json reads back, kinds and schedules included
expect 0 "plan show --json of the default plan" sh -c "'$S' plan show --id 1 --json --db '$DB' > '$T/p1.json'"
expect 0 "import plan show's JSON" "$S" import "$T/p1.json" --db "$DB" --json
RPLAN=$(python3 -c "import json; print(json.load(open('$T/out'))['plan_id'])")
expect 0 "show the re-imported plan" "$S" plan show --id "$RPLAN" --json --db "$DB"
check "the round trip keeps projects, targets, kinds, departments and schedules" "
a = json.load(open('$T/p1.json'))
strip = lambda d: [(p['no'], p['title'], p['lead_dept'], [(t['text'], t['metric'], t['value'], t['unit'], t['op'], t['kind'], t.get('parent'), t.get('dept'), t.get('profile')) for t in p['targets']]) for p in d['projects']]
assert strip(a) == strip(d)
assert any(t.get('profile') for p in d['projects'] for t in p['targets'])
assert d['plan']['state'] == 'draft'"
printf '\357\273\277' > "$T/bom.json"; cat "$T/seed.json" >> "$T/bom.json"
expect 0 "JSON with a UTF-8 byte order mark" "$S" import "$T/bom.json" --db "$DB" --json
check "BOM: read as JSON" "assert d['input'] == 'json' and d['targets'] == 51, d"
NDRAFTS=$(sql "SELECT count(*) FROM plan")
printf '[1, 2]\n' > "$T/list.json"
expect 1 "import of a JSON list" "$S" import "$T/list.json" --db "$DB"
errhas "list.json: the JSON is a list, not an object"
printf '{"title": "x", "targets": []}\n' > "$T/other.json"
expect 1 "import of a JSON that is not a plan" "$S" import "$T/other.json" --db "$DB"
errhas 'no "plan" object and no "projects" list (its keys are "title", "targets")'
errhas "docs/plan-schema.md"
printf '{"plan": {"title": "x", "year": 2026}, "projects": {}}\n' > "$T/bad-projects.json"
expect 1 "projects that are not a list" "$S" import "$T/bad-projects.json" --db "$DB"
errhas "'projects' must be a list"
python3 -c "
import json; x = json.load(open('$T/seed.json')); x['projects'][3]['targets'][1]['value'] = 'many'
json.dump(x, open('$T/bad-value.json', 'w'), ensure_ascii=False)"
expect 1 "a target whose value is not a number" "$S" import "$T/bad-value.json" --db "$DB"
errhas "bad-value.json: projects\[3\].targets\[1\]: 'value' must be a number"
python3 -c "
import json; x = json.load(open('$T/seed.json')); x['projects'][0]['targets'][0]['op'] = '>'
json.dump(x, open('$T/bad-op.json', 'w'), ensure_ascii=False)"
expect 1 "a target with an unknown op" "$S" import "$T/bad-op.json" --db "$DB"
errhas "projects\[0\].targets\[0\]: 'op' must be one of"
printf '{"plan": {"title": "x"' > "$T/broken.json"
expect 1 "broken JSON" "$S" import "$T/broken.json" --db "$DB"
errhas "broken.json: line 1"
python3 -c "
import json; x = json.load(open('$T/seed.json')); x['plan']['year'] = None
json.dump(x, open('$T/noyear.json', 'w'), ensure_ascii=False)"
expect 1 "JSON without a year" "$S" import "$T/noyear.json" --db "$DB"
errhas "--year"
NOW=$(sql "SELECT count(*) FROM plan")
[ -n "$NOW" ] && [ "$NOW" = "$NDRAFTS" ] && ok "the refused JSON stored nothing ($NOW plans)" || no "refused JSON stored a plan ($NDRAFTS -> $NOW)"
expect 0 "JSON without a year, with --year" "$S" import "$T/noyear.json" --year 2026 --db "$DB" --json
check "the year is --year's" "assert d['year'] == 2026 and d['input'] == 'json', d"
# the example in docs/plan-schema.md is a plan import reads
python3 -c "
import re; s = open('$(dirname "$0")/../../docs/plan-schema.md', encoding='utf-8').read()
open('$T/doc.json', 'w').write(re.search(r'## Shape\s+\x60\x60\x60json\n(.*?)\x60\x60\x60', s, re.S).group(1))"
expect 0 "import the example of docs/plan-schema.md" "$S" import "$T/doc.json" --db "$DB" --json
check "the example: 2 projects, 3 targets, read as JSON" "assert (d['input'], d['projects'], d['targets']) == ('json', 2, 3), d"
printf '[2026-02-09] 一、修路\n全年新建农村公路100公里。\n' > "$T/bracket.txt"
expect 0 "a text starting with [ is still an announcement" "$S" import "$T/bracket.txt" --year 2026 --db "$DB" --json
check "read as text" "assert d['input'] == 'text' and d['targets'] == 1, d"

# --- set ------------------------------------------------------------------
T1=$(py "[x['id'] for x in t if x['project'] == 1][0]")
T1V=$(py "[x['value'] for x in t if x['id'] == $T1][0]")
expect 0 "set value, unit and metric" "$S" plan target set "$T1" --value 480000 --metric 城镇新增就业人数 --db "$DB"
outhas "480000"
outhas "城镇新增就业人数"
[ "$(py "[(x['value'], x['metric']) for x in t if x['id'] == $T1][0]")" = "(480000, '城镇新增就业人数')" ] \
    && ok "set is stored" || no "set is stored"
expect 0 "set op and kind" "$S" plan target set "$T1" --op '<=' --kind amount --db "$DB"
[ "$(py "[(x['op'], x['kind']) for x in t if x['id'] == $T1][0]")" = "('<=', 'amount')" ] \
    && ok "op and kind stored" || no "op and kind stored"
"$S" plan target set "$T1" --op '>=' --kind count --value "$T1V" --db "$DB" > /dev/null

# --- refusals change nothing ----------------------------------------------
draft; cp "$T/out" "$T/before.json"
expect 1 "set a negative value" "$S" plan target set "$T1" --value -4 --db "$DB"
errhas "--value"
errhas "'-4'"
expect 1 "set a value that is not a number" "$S" plan target set "$T1" --value 12abc --db "$DB"
errhas "12abc"
expect 1 "set an infinite value" "$S" plan target set "$T1" --value inf --db "$DB"
expect 1 "set an unknown op" "$S" plan target set "$T1" --op '>' --db "$DB"
errhas "--op"
expect 1 "set an unknown kind" "$S" plan target set "$T1" --kind ratio --db "$DB"
errhas "--kind"
expect 1 "set an empty text" "$S" plan target set "$T1" --text "" --db "$DB"
errhas "--text"
LONG=$(python3 -c "print('长' * 400)")
expect 1 "set a text longer than the limit" "$S" plan target set "$T1" --text "$LONG" --db "$DB"
errhas "--text"
expect 1 "set a metric that is not UTF-8" "$S" plan target set "$T1" --metric "$(printf 'a\377b')" --db "$DB"
errhas "UTF-8"
expect 3 "set an unknown target" "$S" plan target set 999999 --value 1 --db "$DB"
errhas "999999"
expect 1 "set a target id that is not a number" "$S" plan target set x1 --value 1 --db "$DB"
expect 2 "set without a change" "$S" plan target set "$T1" --db "$DB"
expect 2 "set with an unknown option" "$S" plan target set "$T1" --colour red --db "$DB"
expect 1 "set a target of the active plan" "$S" plan target set "$ACTIVE_T" --value 1 --db "$DB"
errhas "only a draft plan can be edited"
expect 1 "drop a target of the active plan" "$S" plan target drop "$ACTIVE_T" --db "$DB"
errhas "only a draft plan can be edited"
expect 1 "add to the active plan" "$S" plan target add --plan 1 --project 1 --text 新增一项100个 --value 100 --db "$DB"
errhas "only a draft plan can be edited"
expect 3 "add to a project the plan lacks" "$S" plan target add --plan "$PLAN" --project 42 --text 新增一项100个 --value 100 --db "$DB"
expect 1 "add with a bad value" "$S" plan target add --plan "$PLAN" --project 1 --text 新增一项 --value -1 --db "$DB"
errhas "--value"
expect 2 "add without --text" "$S" plan target add --plan "$PLAN" --project 1 --value 1 --db "$DB"
expect 1 "split with fewer metrics than values" "$S" plan target split "$T1" --values 1,2,3 --metrics a,b --db "$DB"
errhas "--metrics"
expect 1 "split with a bad value" "$S" plan target split "$T1" --values 1,x --metrics a,b --db "$DB"
errhas "'x'"
expect 1 "split into one part" "$S" plan target split "$T1" --values 1 --metrics a --db "$DB"
P2=$(py "[x['id'] for x in t if x['project'] == 2][0]")
expect 1 "merge targets of different projects" "$S" plan target merge "$T1" "$P2" --db "$DB"
errhas "different projects"
expect 1 "merge a target with itself" "$S" plan target merge "$T1" "$T1" --db "$DB"
expect 3 "merge with an unknown target" "$S" plan target merge "$T1" 999999 --db "$DB"
expect 3 "drop an unknown target" "$S" plan target drop 999999 --db "$DB"
draft
cmp -s "$T/before.json" "$T/out" && ok "the refusals left the draft unchanged" \
    || { no "the refusals changed the draft"; diff "$T/before.json" "$T/out" | head; }
"$S" status --db "$DB" --json > "$T/after-default.json"
python3 -c "
import json; a = json.load(open('$T/default.json')); b = json.load(open('$T/after-default.json'))
assert a['projects'] == b['projects']" && ok "the active plan is unchanged" || no "the active plan changed"

# --- add, split, merge, drop ----------------------------------------------
N0=$(py "len(t)")
expect 0 "add a target" "$S" plan target add --plan "$PLAN" --project 1 --text 新建零工驿站10个 --value 10 --unit 个 --op '>=' --metric 零工驿站 --db "$DB"
outhas "added target"
NEW=$(py "[x['id'] for x in t if x['metric'] == '零工驿站' and x['value'] == 10][0]")
[ "$(py "[x['id'] for x in t if x['project'] == 1][-1]")" = "$NEW" ] && ok "added last in project 1" || no "added last"
[ "$(py "len(t)")" -eq $((N0 + 1)) ] && ok "one more target" || no "one more target"

# split the 7,000 km road target into two parts
ROAD=$(py "[x['id'] for x in t if x['value'] == 7000 and x['unit'] == '公里'][0]")
RP=$(py "[x['project'] for x in t if x['id'] == $ROAD][0]")
expect 0 "split a target" "$S" plan target split "$ROAD" --values 4000,3000 --metrics 新建农村公路,改建农村公路 --db "$DB"
outhas "3000"
check_split=$(pyx "
ids = [x['id'] for x in t if x['project'] == $RP]
i = ids.index($ROAD)
a, b = [x for x in t if x['id'] in ids[i:i + 2]]
print(a['id'] == $ROAD and (a['value'], a['metric'], b['value'], b['metric']) == (4000, '新建农村公路', 3000, '改建农村公路') and a['unit'] == b['unit'] == '公里' and a['text'] == b['text'] and a['op'] == b['op'])")
[ "$check_split" = True ] && ok "split: first part in place, second right after it" || no "split layout ($check_split)"
[ "$(py "len(t)")" -eq $((N0 + 2)) ] && ok "split made one more target" || no "split count"

# merge two targets of project 1 that count in the same unit
set -- $(py "' '.join(str(x['id']) for x in t if x['project'] == 1 and x['unit'] == '个')")
MA=$1; MB=$2
SUM=$(py "sum(x['value'] for x in t if x['id'] in ($MA, $MB))")
TXT=$(py "'；'.join(x['text'] for x in t if x['id'] in ($MA, $MB))")
expect 0 "merge two targets" "$S" plan target merge "$MA" "$MB" --db "$DB"
outhas "dropped"
[ "$(py "[x['value'] for x in t if x['id'] == $MA][0]")" = "$SUM" ] && ok "merge adds the values" || no "merge values"
[ "$(py "[x['text'] for x in t if x['id'] == $MA][0]")" = "$TXT" ] && ok "merge joins the texts with ；" || no "merge texts"
[ "$(py "len([x for x in t if x['id'] == $MB])")" = 0 ] && ok "merge drops the second" || no "merge drop"

# drop a total that has parts: its parts lose their parent
set -- $(pyx "
ps = [p for p in d['projects'] if any('parent' in x for x in p['targets'])][0]
par = [x for x in ps['targets'] if 'parent' in x][0]['parent']
print(ps['targets'][par]['id'], ps['no'])")
TOT=$1; TP=$2
KIDS=$(py "len([x for p in d['projects'] if p['no'] == $TP for x in p['targets'] if 'parent' in x and p['targets'][x['parent']]['id'] == $TOT])")
WITHP=$(py "len([x for x in t if x['project'] == $TP and 'parent' in x])")
expect 0 "drop a total with parts" "$S" plan target drop "$TOT" --db "$DB"
outhas "without a parent"
[ "$(py "len([x for x in t if x['id'] == $TOT])")" = 0 ] && ok "the total is gone" || no "drop"
[ "$KIDS" -gt 0 ] && [ "$(py "len([x for x in t if x['project'] == $TP and 'parent' in x])")" -eq $((WITHP - KIDS)) ] \
    && ok "its $KIDS parts have no parent now" || no "orphans"
NT=$(py "len(t)")
[ "$NT" -eq "$N0" ] && ok "draft now holds $NT targets" || no "final count $NT"

# --- activate and track ---------------------------------------------------
expect 0 "activate the draft" "$S" plan activate --id "$PLAN" --db "$DB" --json
check "the default plan is replaced and archived; matched targets keep its ids" "
assert d['activated'] and d['plan_id'] == $PLAN and d['replaced'] == 1, d
assert len(d['carried']) + len(d['new']) == $NT, d
assert all(c['id'] != c['draft_id'] for c in d['carried'])"
# the road target, split in the draft, took over the default plan's road id if it matched
ROAD=$(python3 -c "
import json; d = json.load(open('$T/out'))
print(([c['id'] for c in d['carried'] if c['draft_id'] == $ROAD] + [$ROAD])[0])")
expect 1 "an activated plan can no longer be edited" "$S" plan target set "$ROAD" --value 1 --db "$DB"
errhas "only a draft plan can be edited"
expect 0 "status --json" "$S" status --db "$DB" --json
check "status tracks the imported plan: 10 projects, $NT targets" "
assert d['plan']['id'] == $PLAN, d['plan']
assert len(d['projects']) == 10
assert sum(len(p['targets']) for p in d['projects']) == $NT
x = [x for p in d['projects'] for x in p['targets'] if x['id'] == $ROAD][0]
for k in ('actual', 'expected', 'progress', 'status'):
    assert k in x, k"
expect 0 "report on the imported road target" "$S" report add --db "$DB" --target "$ROAD" --org 650102 --date 2026-11-01 --value 25
expect 0 "status --org 65" "$S" status --db "$DB" --json --org 65
check "the report rolls up to 65" "
x = [x for p in d['projects'] for x in p['targets'] if x['id'] == $ROAD][0]
assert x['actual'] == 25, x
assert d['org']['code'] == '65'"

finish
