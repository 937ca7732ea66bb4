#!/bin/sh
# figures.sh - issue 9's figures on the default plan, through the CLI:
# a unit's own report is its whole figure (never added to its children's),
# a rate is a level judged at its date, and a place with no share has no
# task there. On either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb f) || exit 1
export SHISHI_TODAY=2026-12-31
# target ORG FIELD: a field of target $TGT in `status --org ORG --json`
field() {
    python3 -c "
import json, sys
d = json.load(open('$T/out'))
t = [x for p in d['projects'] for x in p['targets'] if x['id'] == $TGT][0]
v = t
for k in '$1'.split('.'):
    v = v[k] if v is not None else None
print(json.dumps(v))"
}

"$S" init --db "$DB" > /dev/null || { echo "not ok - init"; exit 1; }

# 1. Counties of 6501 report 40,450 in all; 6501 reports 50,000 itself.
TGT=1
run "$S" report add --db "$DB" --target 1 --org 650102 --date 2026-11-30 --value 30000
run "$S" report add --db "$DB" --target 1 --org 650103 --date 2026-11-30 --value 10450
run "$S" report add --db "$DB" --target 1 --org 650104 --date 2026-11-30 --value 0
run "$S" status --db "$DB" --org 6501 --json
same "6501 before its own report: the counties' sum" "$(field actual)" 40450
run "$S" report add --db "$DB" --target 1 --org 6501 --date 2026-11-30 --value 50000
run "$S" report add --db "$DB" --target 1 --org 6502 --date 2026-11-30 --value 700
run "$S" status --db "$DB" --org 6501 --json
same "6501's own report stands (not 90,450)" "$(field actual)" 50000
same "its counties' sum is beside it" "$(field children.actual)" 40450
same "the two are flagged as differing" "$(field children.differs)" true
run "$S" status --db "$DB" --json
same "65 counts 6501 once (50,000 + 700)" "$(field actual)" 50700
run "$S" status --db "$DB" --org 650102 --json
same "a county keeps its own figure" "$(field actual)" 30000
# a department's region-wide report at 65 is 65's figure, no one else's
run "$S" report add --db "$DB" --target 1 --org 65 --date 2026-12-31 --value 480000
run "$S" status --db "$DB" --json
same "65's own report stands" "$(field actual)" 480000
run "$S" status --db "$DB" --org 6501 --json
same "6501 is untouched by 65's report" "$(field actual)" 50000
run "$S" status --db "$DB" --org 6502 --json
same "6502 is untouched by 65's report" "$(field actual)" 700

# 2. Target 4 (>= 90%), 85% at 65 on 31 December: not met.
TGT=4
run "$S" report add --db "$DB" --target 4 --org 65 --date 2026-11-30 --numerator 85 --denominator 100
run "$S" report add --db "$DB" --target 4 --org 65 --date 2026-12-31 --numerator 85 --denominator 100
run "$S" status --db "$DB" --date 2026-12-31 --json
st=$(field status)
[ "$st" != '"on_track"' ] && [ "$st" != '"done"' ] && ok "85% against >= 90% at the end is not on track ($st)" \
    || no "85% against >= 90% at the end is $st"
same "a rate has no share-of-target progress" "$(field progress)" null
same "the level is shown" "$(field actual)" 85
run "$S" status --db "$DB" --date 2026-12-30 --json
same "the day before, at the same level: lagging" "$(field status)" '"lagging"'

# 3. A target assigned only in the south: the north has no task.
TGT=17
run "$S" assign --db "$DB" --target 17 --org 6531 --value 60
run "$S" status --db "$DB" --org 6501 --json
same "6501 without a share of 17: no task here" "$(field status)" '"no_task"'
same "and no plan of the region's shown" "$(field org_value)" null
run "$S" status --db "$DB" --org 6531 --json
same "6531 has its share" "$(field org_value)" 60
same "6531 is not reported" "$(field status)" '"not_reported"'
run "$S" status --db "$DB" --org 6501
grep -q '本级无任务' "$T/out" && ok "the table says no task here" || no "the table says no task here"

finish figures
