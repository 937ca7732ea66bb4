#!/bin/sh
# supervise-notify.sh - issue 12's delivery check end to end: a lagging
# figure becomes a notice (`supervise run`), the notice becomes a message
# in the outbox in the same transaction, and `notify send` delivers it to
# the addressed unit's DingTalk robot (a receiver on loopback, sinks.mjs):
# the POST is signed (timestamp and sign recomputed here) and its text
# names the target and the notice's number. A second run and a second
# send deliver nothing more; the escalation addresses the parent unit's
# robot too.
. "$(dirname "$0")/lib.sh"
DB=$(testdb supnotify) || exit 1
export SHISHI_TODAY=2026-07-10 SHISHI_PWHASH_FAST=1
sinks_start supervise-notify
posts() { ls "$SINK" | grep -c '^post-'; }

"$S" init --db "$DB" > /dev/null || { no "init"; exit 1; }
run "$S" assign --db "$DB" --target 47 --org 6501 --value 500
run "$S" assign --db "$DB" --target 47 --org 650102 --value 100
SECRET=SECsupervise0123
expect 0 "a signed DingTalk robot for 650102" "$S" channel add --db "$DB" --org 650102 \
    --kind dingtalk --url "http://127.0.0.1:$HP/robot/send?access_token=a1" --secret "$SECRET"
expect 0 "a robot for 6501" "$S" channel add --db "$DB" --org 6501 \
    --kind dingtalk --url "http://127.0.0.1:$HP/robot/send?access_token=b2"
run "$S" report add --db "$DB" --target 47 --org 650102 --date 2026-06-30 --value 2
TARGET=$(sql "SELECT text FROM target WHERE id = 47")

expect 0 "supervise run" "$S" supervise run --db "$DB"
same "the notices' messages wait in the outbox, and 6501's reminder (no June report)" \
    "$(sql "SELECT count(*) FROM outbox WHERE status = 'pending'")/$(sql "SELECT count(*) FROM outbox WHERE event_key = 'remind:2026-06:overdue:6501'")" 3/1
expect 0 "notify send" "$S" notify send --db "$DB"
same "three POSTs: 650102's notice to its robot, 6501's own notice and reminder to its" "$(posts)" 3
f=$(grep -l "access_token=a1" "$SINK"/post-*.json | head -1)
if [ -n "$f" ] && python3 - "$f" "$SECRET" "$TARGET" > "$T/py" 2>&1 <<'PY'
import base64, hashlib, hmac, json, sys, time, urllib.parse
p = json.load(open(sys.argv[1])); secret, target = sys.argv[2], sys.argv[3]
q = urllib.parse.parse_qs(urllib.parse.urlsplit(p['url']).query)
ts = q['timestamp'][0]
assert abs(int(ts) - time.time() * 1000) < 3600 * 1000, ts
want = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()).decode()
assert q['sign'] == [want], (q['sign'], want)
b = json.loads(p['body'])
text = b['markdown']['text'] if b['msgtype'] == 'markdown' else b['text']['content']
assert target in text, (target, text)
assert '督办〔2026〕' in text and 'red' in text, text
PY
then ok "the POST to 650102: valid timestamp and sign, the text names target 47 and the notice"
else no "the POST to 650102"; cat "$T/py"; fi

expect 0 "supervise run again" "$S" supervise run --db "$DB"
expect 0 "notify send again" "$S" notify send --db "$DB"
same "nothing more is sent" "$(posts)" 3

# no answer, past the deadline: escalated, and addressed to 6501 as well
SHISHI_TODAY=2026-07-20 expect 0 "supervise run past the deadline" "$S" supervise run --db "$DB"
expect 0 "notify send" "$S" notify send --db "$DB"
same "the escalation goes to 650102's robot and to 6501's" \
    "$(grep -l "逾期升级" "$SINK"/post-*.json | xargs grep -l "$TARGET" | xargs grep -ho "access_token=[a-z0-9]*" | sort -u | tr '\n' ' ')" \
    "access_token=a1 access_token=b2 "
expect 0 "audit verify" "$S" audit verify --db "$DB"
finish supervise-notify
