#!/bin/sh
# notify.sh - delivery end to end: channels (`channel add|list|test`),
# accounts' email (`user add --email`, `user set-email`), and the outbox
# (`notify send|list`, the sender thread of `serve`) against receivers of
# the test's own on loopback (sinks.mjs: an SMTP sink and a robot's
# webhook). Checks what arrives: the DingTalk sign recomputed by Python
# from the secret and the timestamp, the email read back by Python's
# email package (encoded Subject, base64 body); that a refusing robot and
# a receiver that is down count as failures, retried after the back-off
# (the clock moved with --now and SHISHI_NOW, never waited for) and
# delivered once the receiver is back, and never twice. On either backend
# (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb notify) || exit 1
q() { sql "$1"; }
SINK=$T/sink
mkdir -p "$SINK"
sink_pid=
start_sink() { # [SMTP_PORT HTTP_PORT]
    rm -f "$SINK/ports"
    node "$(dirname "$0")/sinks.mjs" "$SINK" "${1:-0}" "${2:-0}" &
    sink_pid=$!
    i=0
    while [ ! -f "$SINK/ports" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    read -r SP HP < "$SINK/ports" || { no "the receivers did not start"; finish; exit 1; }
}
stop_sink() { [ -n "$sink_pid" ] && kill "$sink_pid" 2> /dev/null && wait "$sink_pid" 2> /dev/null; sink_pid=; }
serve_pid=
trap 'stop_sink; [ -n "$serve_pid" ] && kill "$serve_pid" 2> /dev/null' EXIT
posts() { ls "$SINK" | grep -c '^post-'; }
posts_to() { cat "$SINK"/post-*.json | grep -c "\"url\":\"$1"; } # POSTs to a path
mails() { ls "$SINK" | grep -c '^mail-'; }

start_sink
NOW=$(date +%s)
export SHISHI_NOW=$NOW
expect 0 "init" "$S" init --db "$DB"

# ---- accounts' email -------------------------------------------------------
echo 'clerk-password-1' | expect 0 "a reporter with an email address" \
    "$S" user add clerk --db "$DB" --role reporter --org 650102 --email clerk@example.org
echo 'checker-password-1' | expect 0 "a reviewer without one" \
    "$S" user add checker --db "$DB" --role reviewer --org 650102
expect 0 "set-email" "$S" user set-email checker checker@example.org --db "$DB"
echo 'viewer-password-1' | expect 1 "a bad address is refused before anything is stored" \
    env LANG=C "$S" user add viewer --db "$DB" --role viewer --org 650102 --email 'x@y>z'
errhas -F "--email: 'x@y>z' is not an email address shishi writes to: it holds '>'"
same "no account made" "$(q "SELECT count(*) FROM account WHERE name = 'viewer'")" 0
expect 1 "set-email refuses a bad one" "$S" user set-email checker 'no at sign' --db "$DB"
expect 0 "user list --json" "$S" user list --db "$DB" --json
check "the addresses" "e = {u['name']: u['email'] for u in d['users']}; assert e == {'clerk': 'clerk@example.org', 'checker': 'checker@example.org'}, e"

# ---- channels --------------------------------------------------------------
SECRET=SECf00dfeed0123456789
expect 0 "a DingTalk robot, signed" "$S" channel add --db "$DB" --org 650102 --kind dingtalk \
    --url "http://127.0.0.1:$HP/robot/send?access_token=t0k" --secret "$SECRET"
outhas -F "(signed)"
echo "$SECRET" > "$T/secret"
expect 0 "a WeCom robot" "$S" channel add --db "$DB" \
    --org 650102 --kind wecom --url "http://127.0.0.1:$HP/cgi-bin/webhook/send?key=k"
expect 0 "an email channel" "$S" channel add --db "$DB" --org 650102 --kind email --to office@example.org
expect 0 "a robot that refuses" "$S" channel add --db "$DB" --org 6501 --kind dingtalk \
    --url "http://127.0.0.1:$HP/refuse/send?access_token=x" --secret - < "$T/secret"
outhas -F "(signed)"
n=$(q "SELECT count(*) FROM channel")
expect 1 "an unknown kind" env LANG=C "$S" channel add --db "$DB" --org 650102 --kind fax --to a@b.cn
errhas -F "--kind: 'fax' is not a kind of channel"
expect 1 "a URL that is not http(s)" env LANG=C "$S" channel add --db "$DB" --org 650102 --kind wecom --url file:///etc/passwd
errhas -F "--url: 'file:///etc/passwd' is not a webhook URL"
expect 1 "a secret for WeCom" env LANG=C "$S" channel add --db "$DB" --org 650102 --kind wecom --url http://x.cn/ --secret s
errhas -F "--secret: only a DingTalk robot signs with a secret"
expect 3 "an unknown unit" "$S" channel add --db "$DB" --org 999999 --kind email --to a@b.cn
expect 2 "neither --to nor --url" "$S" channel add --db "$DB" --org 650102 --kind email
same "nothing stored by the refusals" "$(q "SELECT count(*) FROM channel")" "$n"
case "$(q "SELECT secret FROM channel WHERE id = 1")" in
v1:*"$SECRET"*) no "the secret is stored in the clear" ;;
v1:*) ok "the secret is stored sealed" ;;
*) no "the secret is not sealed: $(q "SELECT secret FROM channel WHERE id = 1")" ;;
esac
expect 0 "channel list --json" "$S" channel list --db "$DB" --json
check "four channels, no secret shown" "c = d['channels']; assert [x['kind'] for x in c] == ['dingtalk', 'wecom', 'email', 'dingtalk'], c; assert c[0]['signed'] and not c[1]['signed']; assert 'SECf00d' not in json.dumps(d)"
expect 0 "channel list --org" "$S" channel list --db "$DB" --org 6501
same "one channel at 6501" "$(lines)" 1

# ---- DingTalk: content and sign ---------------------------------------------
expect 0 "channel test 1 (DingTalk)" "$S" channel test 1 --db "$DB"
outhas "sent a test message to channel 1"
same "one POST" "$(posts)" 1
if python3 - "$SINK/post-1.json" "$SECRET" > "$T/py" 2>&1 <<'PY'
import base64, hashlib, hmac, json, sys, time, urllib.parse
p = json.load(open(sys.argv[1])); secret = sys.argv[2]
u = urllib.parse.urlsplit(p['url'])
assert u.path == '/robot/send', u.path
q = urllib.parse.parse_qs(u.query)
assert q['access_token'] == ['t0k'], q
ts = q['timestamp'][0]
assert abs(int(ts) - time.time() * 1000) < 3600 * 1000, ts   # DingTalk's hour
want = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()).decode()
assert q['sign'] == [want], (q['sign'], want)
assert '%2B' in p['url'] or '%2F' in p['url'] or '%3D' in p['url'], 'the sign is URL-encoded'
assert p['headers']['content-type'].startswith('application/json'), p['headers']
b = json.loads(p['body'])
assert b['msgtype'] == 'markdown' and 'channel 1' in b['markdown']['title'], b
assert '650102' in b['markdown']['text'], b
PY
then ok "the POST: timestamp, a valid sign, markdown naming the unit"; else no "the DingTalk POST"; cat "$T/py"; fi

expect 4 "a robot that answers errcode 310000 is a failure" env LANG=C "$S" channel test 4 --db "$DB"
errhas -F "errcode 310000, sign not match"
errhas -F "tried again from"
same "it waits for its retry" "$(q "SELECT status || ' ' || attempts FROM outbox WHERE channel_id = 4")" "pending 1"

# ---- email -------------------------------------------------------------------
expect 1 "an email channel needs an SMTP server" env -u SHISHI_SMTP_URL "$S" channel test 3 --db "$DB"
expect 0 "channel test 3 (email)" "$S" channel test 3 --db "$DB" --smtp "smtp://127.0.0.1:$SP" --from duban@example.org
same "one mail" "$(mails)" 1
if python3 - "$SINK/mail-1.json" > "$T/py" 2>&1 <<'PY'
import email, email.policy, json, sys
m = json.load(open(sys.argv[1]))
assert m['from'] == '<duban@example.org>' and m['to'] == ['<office@example.org>'], m
msg = email.message_from_string(m['data'], policy=email.policy.default)
assert msg['To'] == 'office@example.org' and msg['From'] == 'duban@example.org', (msg['To'], msg['From'])
assert 'channel 3' in msg['Subject'], msg['Subject']
assert msg['Date'] and msg['Message-ID'].startswith('<shishi.'), msg['Message-ID']
assert msg.get_content_type() == 'text/plain' and msg.get_content_charset() == 'utf-8'
assert '650102' in msg.get_content(), msg.get_content()
PY
then ok "the email: headers, charset, body"; else no "the email"; cat "$T/py"; fi

# a reporter's and a reviewer's email through a unit-level event is
# test_outbox.c's; here the email of an account: set and shown
same "the reporter's address is stored" "$(q "SELECT email FROM account WHERE name = 'clerk'")" clerk@example.org

# ---- a receiver that is down ---------------------------------------------------
stop_sink
expect 4 "the WeCom robot is down" env LANG=C "$S" channel test 2 --db "$DB"
errhas -F "the robot:"
msg=$(q "SELECT id FROM outbox WHERE channel_id = 2")
same "queued, one attempt" "$(q "SELECT status || ' ' || attempts FROM outbox WHERE id = $msg")" "pending 1"
start_sink "$SP" "$HP"
expect 0 "notify send before the back-off ran out" "$S" notify send --db "$DB" --now $((NOW + 59))
outhas "^0 sent"
same "nothing arrived yet" "$(posts_to /cgi-bin/)" 0
expect 0 "notify send after it" "$S" notify send --db "$DB" --now $((NOW + 60)) --json
check "the WeCom message and the refused one: one sent, one to retry" "assert (d['sent'], d['retry'], d['failed']) == (1, 1, 0), d"
same "the message arrived at the WeCom robot" "$(posts_to /cgi-bin/webhook/send?key=k)" 1
python3 -c "
import json, glob
for f in glob.glob('$SINK/post-*.json'):
    p = json.load(open(f))
    if p['url'].startswith('/cgi-bin/'):
        b = json.loads(p['body']); assert b['msgtype'] == 'markdown' and 'channel 2' in b['markdown']['content'], b
" && ok "a WeCom markdown message" || no "the WeCom body"
same "sent" "$(q "SELECT status || ' ' || attempts FROM outbox WHERE id = $msg")" "sent 2"
expect 0 "notify send much later" "$S" notify send --db "$DB" --now $((NOW + 100000)) --json
check "nothing sent twice" "assert d['sent'] == 0, d"
same "still one POST to each robot that took it, and one mail" \
    "$(posts_to /robot/) $(posts_to /cgi-bin/) $(mails)" "1 1 1"
expect 0 "notify list --json" "$S" notify list --db "$DB" --json
check "each message's state" "s = sorted((m['recipient'], m['status']) for m in d['messages']); assert s == [('channel:1', 'sent'), ('channel:2', 'sent'), ('channel:3', 'sent'), ('channel:4', 'pending')], s"
expect 1 "notify list --status bogus" "$S" notify list --db "$DB" --status bogus

# ---- the sender thread of serve ----------------------------------------------
# channel 4's retry falls due in the serve's clock (SHISHI_NOW past it): it
# refuses again, so the thread's attempt shows in the row
before=$(q "SELECT attempts FROM outbox WHERE channel_id = 4")
SHISHI_NOW=$((NOW + 200000)) "$S" serve --db "$DB" --listen 127.0.0.1:0 --notify-every 1 2> "$T/serve.err" &
serve_pid=$!
i=0
while [ "$(q "SELECT attempts FROM outbox WHERE channel_id = 4")" = "$before" ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
same "serve's thread tried channel 4 again" "$(q "SELECT attempts FROM outbox WHERE channel_id = 4")" $((before + 1))
kill "$serve_pid" && wait "$serve_pid"
same "serve stops cleanly" "$?" 0
serve_pid=
grep -q "outbox: 0 sent, 1 to retry" "$T/serve.err" && ok "serve logs the attempt" || { no "serve's log"; cat "$T/serve.err"; }

expect 0 "the audit log verifies (channels and email are audited)" "$S" audit verify --db "$DB"
same "channels in the log" "$(q "SELECT count(*) FROM audit_log WHERE tbl = 'channel'")" 4
finish notify
