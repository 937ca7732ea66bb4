#!/bin/sh
# remind.sh - reminders (催报) end to end, on either backend (PG_SUITES):
# `supervise run` a few days before June's deadline (5 July) queues one
# message to each unit with a share not yet reported; after the deadline
# one to each unit still missing and to its reviewer (the nearest unit
# above with one); `notify send` delivers them to a loopback SMTP sink
# (sinks.mjs), whose mails name the unit, the period and the target. A
# second run queues nothing. The plan's remind days (`supervise remind
# --days`) move the first reminder; bad days are refused naming the flag
# and the value, nothing stored. The plan's score weights (`score weights
# --set`): stored, used by `score`, refused when they do not sum to 100.
. "$(dirname "$0")/lib.sh"
DB=$(testdb remind) || exit 1
export SHISHI_PWHASH_FAST=1
sinks_start remind
export SHISHI_SMTP_URL="smtp://127.0.0.1:$SP"
rows() { sql "SELECT count(*) FROM outbox WHERE event_key LIKE '$1'"; }
mail_to() { # ADDRESS: the bodies of the mails to it, decoded, one file
    python3 - "$SINK" "$1" <<'PY'
import email, email.policy, glob, json, sys
for f in sorted(glob.glob(sys.argv[1] + '/mail-*.json')):
    m = json.load(open(f))
    if '<' + sys.argv[2] + '>' in m['to']:
        msg = email.message_from_string(m['data'], policy=email.policy.default)
        print('Subject: ' + msg['Subject'])
        print(msg.get_content())
PY
}

"$S" init --db "$DB" > /dev/null || { no "init"; exit 1; }
run "$S" assign --db "$DB" --target 47 --org 6501 --value 500
run "$S" assign --db "$DB" --target 47 --org 650102 --value 100
run "$S" assign --db "$DB" --target 47 --org 650103 --value 100
adduser() { echo "password-of-$1" | run "$S" user add "$1" --db "$DB" --role "$2" --org "$3" --email "$1@example.org"; }
adduser clerk reporter 650102
adduser clerk3 reporter 650103
adduser pref reviewer 6501
adduser region reviewer 65
# May is reported everywhere, so only June is chased
for o in 6501 650102 650103; do
    run "$S" report add --db "$DB" --target 47 --org "$o" --date 2026-05-31 --value 1
done
TARGET=$(sql "SELECT text FROM target WHERE id = 47")

# ---- before the deadline -------------------------------------------------------
SHISHI_TODAY=2026-07-01 expect 0 "supervise run on 1 July (4 days before)" "$S" supervise run --db "$DB" --json
check "no reminder yet: the plan's 3 days have not begun" "assert d['reminders'] == {'period': None, 'before': 0, 'overdue': 0}, d"
same "none queued" "$(rows 'remind:%')" 0
run "$S" report add --db "$DB" --target 47 --org 650103 --date 2026-06-30 --value 2
SHISHI_TODAY=2026-07-03 expect 0 "supervise run on 3 July" "$S" supervise run --db "$DB" --json
check "June reminded at the two units that have not reported" "assert d['reminders'] == {'period': '2026-06', 'before': 2, 'overdue': 0}, d"
same "650102's reminder to its reporter" \
    "$(sql "SELECT recipient FROM outbox WHERE event_key = 'remind:2026-06:before:650102'")" \
    "account:$(sql "SELECT id FROM account WHERE name = 'clerk'")"
same "6501's to its reviewer" "$(rows 'remind:2026-06:before:6501')" 1
same "650103 reported: no reminder" "$(rows 'remind:2026-06:%:650103')" 0
SHISHI_TODAY=2026-07-03 expect 0 "supervise run again" "$S" supervise run --db "$DB" --json
check "the second run reminds nobody anew" "assert d['reminders']['before'] == 0, d"
same "nothing more queued" "$(rows 'remind:%')" 2
expect 0 "notify send" "$S" notify send --db "$DB"
mail_to clerk@example.org > "$T/clerk"
has "$T/clerk" "the clerk's mail names" -F "催报"
has "$T/clerk" "the clerk's mail names" -F "2026-06"
has "$T/clerk" "the clerk's mail names" -F "2026-07-05"
has "$T/clerk" "the clerk's mail names" -F "$TARGET"
has "$T/clerk" "the clerk's mail names" -F "650102"

# ---- after the deadline ----------------------------------------------------------
run "$S" report add --db "$DB" --target 47 --org 6501 --date 2026-06-30 --value 3
SHISHI_TODAY=2026-07-10 expect 0 "supervise run on 10 July" "$S" supervise run --db "$DB" --json
check "one unit still missing June: reminded with its reviewer" "assert d['reminders'] == {'period': None, 'before': 0, 'overdue': 1}, d"
same "to 650102's reporter and to 6501's reviewer, not the region's" \
    "$(sql "SELECT count(*) FROM outbox o JOIN account a ON a.id = o.account_id WHERE o.event_key = 'remind:2026-06:overdue:650102' AND a.name IN ('clerk', 'pref')")/$(rows 'remind:2026-06:overdue:650102')" "2/2"
SHISHI_TODAY=2026-07-11 expect 0 "supervise run the day after" "$S" supervise run --db "$DB" --json
check "nothing anew" "assert d['reminders']['overdue'] == 0, d"
same "one row per recipient" "$(rows 'remind:2026-06:overdue:%')" 2
expect 0 "notify send" "$S" notify send --db "$DB"
mail_to pref@example.org > "$T/pref"
has "$T/pref" "the reviewer's mail says" -F "逾期"
has "$T/pref" "the reviewer's mail names the unit" -F "650102"
has "$T/pref" "the reviewer's mail names the period" -F "2026-06"
has "$T/pref" "the reviewer's mail names the target" -F "$TARGET"
same "the region's reviewer got no reminder" "$(mail_to region@example.org | grep -c 催报)" 0

# ---- the plan's remind days --------------------------------------------------------
expect 0 "remind days" "$S" supervise remind --db "$DB" --json
check "3 by default" "assert d == {'days': 3}, d"
expect 1 "40 days refused" env LANG=C "$S" supervise remind --db "$DB" --days 40
errhas -F "--days: '40' is not a number of days before the deadline from 0 to 28"
expect 0 "still 3" "$S" supervise remind --db "$DB" --json
check "unchanged" "assert d == {'days': 3}, d"
SHISHI_TODAY=2026-07-31 expect 0 "31 July, 5 days before July's deadline" "$S" supervise run --db "$DB" --json
check "not yet with 3 days" "assert d['reminders']['period'] is None, d"
expect 0 "remind 5 days before" "$S" supervise remind --db "$DB" --days 5
SHISHI_TODAY=2026-07-31 expect 0 "31 July again" "$S" supervise run --db "$DB" --json
check "July reminded now" "assert d['reminders']['period'] == '2026-07' and d['reminders']['before'] == 3, d"

# ---- the plan's score weights --------------------------------------------------------
expect 0 "score weights" "$S" score weights --db "$DB" --json
check "the defaults" "assert d == {'progress': 50, 'on_time': 25, 'notices': 15, 'returned': 10}, d"
expect 1 "weights that sum to 90 are refused" env LANG=C "$S" score weights --db "$DB" --set progress=40
errhas -F "--set: the weights sum to 90 (progress 40 + on_time 25 + notices 15 + returned 10), not 100"
expect 1 "a weight that is not a number" env LANG=C "$S" score weights --db "$DB" --set progress=4x,on_time=71
errhas -F "--set: progress: '4x' is not a whole number of points from 0 to 100"
expect 1 "a part that is not one" env LANG=C "$S" score weights --db "$DB" --set speed=10
errhas -F "'speed' is not a part of the score"
expect 0 "unchanged" "$S" score weights --db "$DB" --json
check "still the defaults" "assert d['progress'] == 50, d"
expect 0 "set two of them" "$S" score weights --db "$DB" --set progress=40,on_time=35 --json
check "the others kept" "assert d == {'progress': 40, 'on_time': 35, 'notices': 15, 'returned': 10}, d"
SHISHI_TODAY=2026-07-10 expect 0 "score uses them" "$S" score --db "$DB" --org 6501 --json
check "the ranking's weights are the plan's" "assert d['weights'] == {'progress': 40, 'on_time': 35, 'notices': 15, 'returned': 10}, d['weights']"
expect 0 "audit verify" "$S" audit verify --db "$DB"
finish remind
