#!/bin/sh
# failover.test.sh - shishi through a failover (make check-ha): no
# acknowledged approval is lost, and the server keeps serving.
#
#   - a primary and its synchronous standby (tests/pg/ha.sh); `shishi
#     init` and `shishi serve` on the multi-host URL
#     (target_session_attrs=read-write);
#   - a client (failover-client.mjs) submits and approves reports through
#     the API, one after another, noting each approval answered 200;
#   - after some of them the primary's processes are all killed at once
#     (kill -9), mid-stream; the standby is promoted (pg_ctl promote);
#   - the same serve process reconnects and the client's approvals go on
#     being acknowledged; then every acknowledged approval is an approved
#     report on the new primary, /api/v1/plan shows their sum, and
#     `shishi audit verify` passes there.
SUITE=failover
. "$(dirname "$0")/halib.sh"
acks() { sed -n 's/^ack //p' "$T/acks" | wc -l | tr -d ' '; }
# wait_acks N SECS: until N acknowledged approvals, or fail the test
wait_acks() {
    k=0
    while [ "$(acks)" -lt "$1" ]; do
        k=$((k + 1))
        if [ "$k" -gt $(($2 * 10)) ] || ! kill -0 "$cpid" 2> /dev/null; then
            no "$1 approvals acknowledged within $2 s (there are $(acks))"
            tail -n 20 "$T/client.err"
            tail -n 20 "$T/serve.log"
            finish failover
            exit 1
        fi
        sleep 0.1
    done
}

SHISHI_TODAY=2026-12-31
SHISHI_AUDIT_KEY=$T/audit.key
SHISHI_PWHASH_FAST=1
export SHISHI_TODAY SHISHI_AUDIT_KEY SHISHI_PWHASH_FAST
must "a primary starts" ha primary "$P"
up=$(cat "$T/out")
must "a standby streams from it, synchronous" ha standby "$P" "$SB"
us=$(cat "$T/out")
must "a database for shishi" psql -d "$up" -c "CREATE DATABASE shishi"
db=$(ha url shishi "$P" "$SB")
must "shishi init on the multi-host URL" "$S" init --db "$db"
T1=$("$S" status --db "$db" --json | node -e '
  let s = ""; process.stdin.on("data", (d) => s += d).on("end", () =>
    console.log(JSON.parse(s).projects.flatMap((p) => p.targets).find((t) => t.kind === "count").id))')
echo 'a long password' | "$S" user add reporter --role reporter --org 650102 --db "$db" > /dev/null &&
    echo 'a long password' | "$S" user add reviewer --role reviewer --org 6501 --db "$db" > /dev/null &&
    ok "accounts" || no "accounts"
"$S" serve --db "$db" --listen 127.0.0.1:0 2> "$T/serve.log" &
spid=$!
ha_track "$spid"
k=0
until port=$(sed -n 's/.*listening on .*(port \([0-9]*\).*/\1/p' "$T/serve.log") && [ -n "$port" ]; do
    k=$((k + 1))
    [ "$k" -lt 300 ] || { no "serve starts"; cat "$T/serve.log"; finish failover; exit 1; }
    sleep 0.1
done
ok "serve listens on $port"
: > "$T/acks"
node "$here/failover-client.mjs" "http://127.0.0.1:$port" "$T1" 650102 "$T/stop" \
    >> "$T/acks" 2> "$T/client.err" &
cpid=$!
ha_track "$cpid"
wait_acks 30 120
must "the primary killed mid-stream (kill -9, every process)" ha kill "$P"
before=$(acks)
must "the standby promoted" ha promote "$SB"
wait_acks $((before + 20)) 120
ok "approvals acknowledged again after the promotion ($before before, $(acks) now)"
: > "$T/stop"
wait "$cpid"
cpid=""
sed -n 's/^ack //p' "$T/acks" | LC_ALL=C sort > "$T/acked"
n=$(wc -l < "$T/acked" | tr -d ' ')
psql -d "$(ha url shishi "$SB")" -c "SELECT id FROM report WHERE status = 'approved'" |
    LC_ALL=C sort > "$T/present"
missing=$(LC_ALL=C comm -23 "$T/acked" "$T/present" | wc -l | tr -d ' ')
same "every acknowledged approval is on the new primary" "$missing" 0
[ "$missing" = 0 ] || LC_ALL=C comm -23 "$T/acked" "$T/present" | head -n 20
# the server's figures follow the new primary: the last approved value stands
last=$(psql -d "$(ha url shishi "$SB")" -c \
    "SELECT value FROM report WHERE status = 'approved' AND target_id = $T1 ORDER BY as_of DESC LIMIT 1")
shown=$(curl -s "http://127.0.0.1:$port/api/v1/orgs/650102" | node -e '
  let s = ""; process.stdin.on("data", (d) => s += d).on("end", () =>
    console.log(JSON.parse(s).targets.find((t) => t.id === '"$T1"').actual))')
same "serve shows the last approved value from the new primary" "$shown" "$(printf '%g' "$last")"
expect 0 "audit verify passes on the new primary" "$S" audit verify --db "$db"
kill "$spid" 2> /dev/null
wait "$spid"
src=$?
spid=""
same "serve exits cleanly" "$src" 0
echo "# failover: $n approvals acknowledged, $before before the kill, $missing lost"
finish failover
