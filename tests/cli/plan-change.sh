#!/bin/sh
# plan-change.sh - issue 9: a plan after it is loaded. Re-importing the
# year's plan and activating it keeps the ids of matching targets with their
# reports and shares, says what was carried and what was dropped, refuses to
# drop reports or shares unless --force, and is audited; schedules and lead
# departments change from the command line on a draft and on the active
# plan, a bad schedule naming its month, and status follows a new schedule.
# On either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
SEED=$SHARED/seeds/xinjiang-2026-ten-livelihood-projects.txt
DB=$(testdb plan-change) || exit 1
export SHISHI_TODAY=2026-11-29
# fig ID [DATE]: "actual expected" of target ID at 65 as of DATE
fig() {
    "$S" status --db "$DB" --json --org 65 ${2:+--date $2} | python3 -c "
import json, sys; d = json.load(sys.stdin)
x = [x for p in d['projects'] for x in p['targets'] if x['id'] == $1]
print(' '.join(str(x[0][k]) for k in ('actual', 'expected')) if x else 'absent')"
}

expect 0 "init" "$S" init --db "$DB"
expect 0 "plan project --help" "$S" plan project --help
outhas "usage: shishi plan project set N --lead-dept NAME"

# --- schedules and lead departments on the active plan -------------------
JOBS=1   # 城镇新增就业 47万人, linear in the default plan
before=$(fig $JOBS 2026-06-30)
expect 0 "a schedule on the active plan's target" "$S" plan target set $JOBS --schedule 0,0,10,20,30,40,50,60,70,80,90,100 --db "$DB"
outhas "schedule"
outhas "linear -> 0,0,10,20,30,40,50,60,70,80,90,100"
outhas "active plan"
after=$(fig $JOBS 2026-06-30)
[ "${after#* }" = "40" ] && [ "$before" != "$after" ] \
    && ok "status follows the new schedule: due 40% at the end of June (was ${before#* })" \
    || no "status after the schedule change: $before -> $after"
[ "$(sql "SELECT count(*) FROM audit_log WHERE tbl = 'target' AND row_id = $JOBS AND action = 'update' AND $(jsonfield row_json profile) LIKE '0,0,0.1,%'")" = 1 ] \
    && ok "the schedule change is in the audit log" || no "audit of the schedule change"
expect 0 "plan show prints the schedule" "$S" plan show --db "$DB"
outhas "schedule (% due by month end): 0,0,10,20,30,40,50,60,70,80,90,100"
"$S" status --db "$DB" --json > "$T/before.json"
n_audit=$(sql "SELECT count(*) FROM audit_log")
expect 1 "a schedule of 11 values" "$S" plan target set $JOBS --schedule 0,0,10,20,30,40,50,60,70,80,100 --db "$DB"
errhas "--schedule: 11 values given; a schedule has 12"
expect 1 "a schedule with a word in it" "$S" plan target set $JOBS --schedule 0,0,ten,20,30,40,50,60,70,80,90,100 --db "$DB"
errhas "month 3 (March): 'ten' is not a number"
expect 1 "a schedule that goes down" "$S" plan target set $JOBS --schedule 0,0,10,20,30,25,50,60,70,80,90,100 --db "$DB"
errhas "month 6 (June) is 25, less than month 5's 30"
expect 1 "a schedule that ends short of 100" "$S" plan target set $JOBS --schedule 0,0,10,20,30,40,50,60,70,80,90,95 --db "$DB"
errhas "month 12 (December) is 95"
expect 1 "a schedule above 100" "$S" plan target set $JOBS --schedule 0,0,10,20,30,40,50,60,70,80,190,100 --db "$DB"
errhas "month 11 (November) is 190"
expect 1 "--value on the active plan" "$S" plan target set $JOBS --value 1 --schedule linear --db "$DB"
errhas "--value: only a draft plan can be edited"
errhas "only --schedule changes"
"$S" status --db "$DB" --json > "$T/after.json"
cmp -s "$T/before.json" "$T/after.json" && [ "$(sql "SELECT count(*) FROM audit_log")" = "$n_audit" ] \
    && ok "the refusals changed no figure and wrote nothing" || no "refusals changed something"
expect 0 "--schedule linear" "$S" plan target set $JOBS --schedule linear --db "$DB"
outhas "-> linear"
[ "$(fig $JOBS 2026-06-30)" = "$before" ] && ok "linear again: the figures of before" || no "linear again"

expect 0 "a lead department on the active plan" "$S" plan project set 3 --lead-dept 自治区卫生健康委 --db "$DB"
outhas "lead department"
outhas "自治区卫生健康委"
expect 0 "status --json" "$S" status --db "$DB" --json
check "status shows project 3's lead department" "
assert [p['lead_dept'] for p in d['projects'] if p['no'] == 3] == ['自治区卫生健康委'], d['projects'][2]"
[ "$(sql "SELECT count(*) FROM audit_log WHERE tbl = 'project' AND action = 'update'")" -ge 1 ] \
    && ok "the lead department change is in the audit log" || no "audit of the lead change"
expect 3 "a project the plan lacks" "$S" plan project set 42 --lead-dept x --db "$DB"
errhas "no project 42"
expect 2 "--plan and --draft together" "$S" plan project set 3 --lead-dept x --plan 1 --draft --db "$DB"
expect 3 "--draft without a draft" "$S" plan project set 3 --lead-dept x --draft --db "$DB"
expect 2 "without --lead-dept" "$S" plan project set 3 --db "$DB"

# --- re-import the year's plan; reports and shares on it -------------------
ROAD=47  # 新改建农村公路 7000 公里
MED=39   # 优抚对象巡回医疗服务: its extracted text and metric differ, so nothing matches it
expect 0 "a report on the road target" "$S" report add --db "$DB" --target $ROAD --org 650102 --date 2026-11-01 --value 120
expect 0 "a share of the road target" "$S" assign --db "$DB" --target $ROAD --org 6501 --value 3000
expect 0 "a share of the medical tours target" "$S" assign --db "$DB" --target $MED --org 6501 --value 1
road_before=$(fig $ROAD)
expect 0 "extract the seed" sh -c "'$S' extract '$SEED' > '$T/seed.json'"
expect 0 "import it" "$S" import "$T/seed.json" --db "$DB" --json
DRAFT=$(python3 -c "import json; print(json.load(open('$T/out'))['plan_id'])")
expect 0 "a lead department on the draft" "$S" plan project set 2 --lead-dept 自治区民政厅 --draft --db "$DB"
outhas "(draft)"
DRAFT_ROAD=$(sql "SELECT id FROM target WHERE plan_id = $DRAFT AND value = 7000")
expect 0 "a schedule on the draft" "$S" plan target set "$DRAFT_ROAD" --schedule 0,0,0,5,20,35,50,65,80,95,100,100 --db "$DB"

"$S" status --db "$DB" --json > "$T/before.json"
"$S" plan show --id "$DRAFT" --json --db "$DB" > "$T/draft-before.json"
n_audit=$(sql "SELECT count(*) FROM audit_log")
expect 1 "activation that would drop a share is refused" "$S" plan activate --db "$DB"
errhas "would no longer count"
errhas "--force"
errhas "#$MED project 8"
errhas "0 reports and 1 share would be dropped"
"$S" status --db "$DB" --json > "$T/after.json"
"$S" plan show --id "$DRAFT" --json --db "$DB" > "$T/draft-after.json"
cmp -s "$T/before.json" "$T/after.json" && cmp -s "$T/draft-before.json" "$T/draft-after.json" \
    && [ "$(sql "SELECT count(*) FROM audit_log")" = "$n_audit" ] \
    && [ "$(sql "SELECT state FROM plan WHERE id = $DRAFT")" = draft ] \
    && ok "the refusal changed nothing" || no "the refused activation changed something"
expect 1 "refused with --json too" "$S" plan activate --db "$DB" --json
check "--json says what would be dropped" "
assert d['activated'] is False and d['replaced'] == 1, d
assert [(x['id'], x['reports'], x['shares']) for x in d['dropped'] if x['shares'] or x['reports']] == [($MED, 0, 1)], d['dropped']"

expect 0 "activation with --force" "$S" plan activate --force --json --db "$DB"
check "what was carried and what was dropped" "
assert d['activated'] and d['forced'] and d['plan_id'] == $DRAFT and d['replaced'] == 1, d
c = {x['id']: x for x in d['carried']}
assert c[$ROAD]['draft_id'] == $DRAFT_ROAD and c[$ROAD]['reports'] == 1 and c[$ROAD]['shares'] == 1, c[$ROAD]
assert c[$ROAD]['matched_by'] in ('text+metric', 'text'), c[$ROAD]
assert d['reports_carried'] == 1 and d['shares_carried'] == 1, d
assert d['reports_dropped'] == 0 and d['shares_dropped'] == 1, d
assert [x['id'] for x in d['dropped']] == [$MED], d['dropped']
assert len(d['carried']) + len(d['new']) == d['targets'] == 51, d
assert all(x['id'] < $DRAFT_ROAD for x in d['carried'])"
[ "$(fig $ROAD | cut -d' ' -f1)" = "${road_before%% *}" ] \
    && ok "target #$ROAD keeps its id and its reported 120 km" || no "road after activation: $(fig $ROAD)"
[ "$(fig $MED)" = absent ] && ok "the dropped target is no longer in the current plan" || no "#$MED still current"
expect 0 "status after the activation" "$S" status --db "$DB" --json
check "status tracks the new plan; the draft's schedule and lead department came with it" "
assert d['plan']['id'] == $DRAFT, d['plan']
assert [p['lead_dept'] for p in d['projects'] if p['no'] == 2] == ['自治区民政厅']"
expect 0 "plan show" "$S" plan show --json --db "$DB"
check "#$ROAD has the draft's schedule" "
x = [x for p in d['projects'] for x in p['targets'] if x['id'] == $ROAD][0]
assert x['profile'][3] == 0.05 and x['profile'][9] == 0.95, x"
expect 0 "the archived plan" "$S" plan show --id 1 --json --db "$DB"
check "the archived plan is whole: 51 targets, #$MED among them" "
assert d['plan']['state'] == 'archived'
ids = [x['id'] for p in d['projects'] for x in p['targets']]
assert len(ids) == 51 and $MED in ids and $ROAD not in ids, ids"
[ "$(sql "SELECT count(*) FROM assignment WHERE target_id = $MED")" = 1 ] \
    && ok "the dropped share stays with the archived plan" || no "the dropped share was deleted"
[ "$(sql "SELECT count(*) FROM target WHERE id = $DRAFT_ROAD")" = 0 ] \
    && ok "the draft's own road row is gone" || no "duplicate road row"
[ "$(sql "SELECT $(jsonfield row_json forced) FROM audit_log WHERE action = 'plan_activate'")" = "$(pg && echo true || echo 1)" ] \
    && ok "the activation is an audit event" || no "no plan_activate event"
expect 0 "audit verify" "$S" audit verify --db "$DB"
expect 1 "the same draft is not activated twice" "$S" plan activate --id "$DRAFT" --db "$DB"
errhas "already active"
expect 1 "an archived plan is not activated again" "$S" plan activate --id 1 --db "$DB"
errhas "archived"

# a second re-import: everything matches now, nothing to force
expect 0 "plan show --json of the current plan" sh -c "'$S' plan show --json --db '$DB' > '$T/current.json'"
expect 0 "import it back" "$S" import "$T/current.json" --db "$DB"
expect 0 "activate without --force" "$S" plan activate --db "$DB"
outhas "carried over: 51 targets keep their ids, with 1 report and 1 share"
[ "$(fig $ROAD | cut -d' ' -f1)" = "${road_before%% *}" ] && ok "#$ROAD still has its 120 km" || no "second activation"

finish
