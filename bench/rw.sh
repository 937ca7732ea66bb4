#!/bin/sh
# bench/rw.sh - cached reads while clients write: does a read from the cache
# wait for writes?
#
#   sh bench/rw.sh            (after make; needs wrk and curl)
#
# shishi serve --threads 2 on loopback, the default region (123 org units,
# 51 targets), 20 reporters of 20 counties and one reviewer of the region,
# each signed in through the API (session cookie and CSRF token). A round
# measures the same read twice, in an order that alternates from round to
# round: wrk -t2 -c50 reading / from the cache (no gzip) for RW_SECS (5)
# seconds alone, and the same while a second wrk, with 20 connections (the
# 20 writers), writes through the API for the whole of the read and a
# second either side: each connection submits a report of its county (a
# new cumulative value of a count target as of a new date) and the
# reviewer approves the submitted ones, half the writes each, so the
# figures change (every approval is refreshed into the engine and stales
# the cached page, which the next read re-renders). Each write is an
# authenticated, CSRF-checked, audited transaction; the store's commit
# mode is whatever the build has. Printed per round and as medians of
# RW_ROUNDS (5) rounds: read requests/s and read p99 alone and under the
# writes, the writes' requests/s and p99, the write answers that were not
# 2xx, and the cached page's re-renders during the round. Goal: read p99
# under 10 ms while the writes go on. Both wrk and the server share the
# machine's cores, as in bench/http.sh; the load average printed first says
# how busy the machine was.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHISHI_BIN:-$top/build/shishi}
for c in wrk curl; do
    command -v $c >/dev/null 2>&1 || {
        echo "bench/rw.sh: $c is missing (apt-get install -y wrk curl)" >&2; exit 1; }
done
rounds=${RW_ROUNDS:-5}
secs=${RW_SECS:-5}
tmp=$(mktemp -d)
spid=""
wpid=""
cleanup() {
    [ -n "$wpid" ] && kill "$wpid" 2>/dev/null || true
    [ -n "$spid" ] && kill "$spid" 2>/dev/null || true
    sleep 0.2
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
# a fixed today: every 2026 date is a valid report date, on any day the bench runs
SHISHI_TODAY=2026-12-31
export SHISHI_TODAY
db=$tmp/rw.db
"$bin" init --db "$db" >/dev/null
orgs=$("$bin" divisions list --db "$db" --parent 6501; "$bin" divisions list --db "$db" --parent 6502
       "$bin" divisions list --db "$db" --parent 6540)
orgs=$(echo "$orgs" | awk -F'\t' '$3 == "county" { print $1 }' | head -n 20)
[ "$(echo "$orgs" | wc -l)" -eq 20 ] || { echo "bench/rw.sh: fewer than 20 counties"; exit 1; }
for o in $orgs; do
    echo 'a long password' | "$bin" user add "w$o" --role reporter --org "$o" --db "$db" >/dev/null
done
echo 'a long password' | "$bin" user add reviewer --role reviewer --org 65 --db "$db" >/dev/null
echo 'a long password' | "$bin" user add admin --role admin --org 65 --db "$db" >/dev/null

"$bin" serve --db "$db" --listen 127.0.0.1:0 --threads 2 2> "$tmp/serve.log" &
spid=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's/.*(port \([0-9]*\),.*/\1/p' "$tmp/serve.log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "shishi serve did not start"; cat "$tmp/serve.log"; exit 1; }
S=http://127.0.0.1:$port

# sign in: "COOKIE CSRF" for a user
signin() {
    curl -s -D "$tmp/h" -H 'Content-Type: application/json' \
        -d "{\"user\":\"$1\",\"password\":\"a long password\"}" "$S/api/v1/session" > "$tmp/b"
    c=$(sed -n 's/^[Ss]et-[Cc]ookie: \(ss_session=[0-9a-f]*\).*/\1/p' "$tmp/h" | head -n 1)
    t=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$tmp/b")
    [ -n "$c" ] && [ -n "$t" ] || { echo "bench/rw.sh: cannot sign in $1: $(cat "$tmp/b")" >&2; return 1; }
    echo "$c $t"
}
# count targets the writers report on (ids from the plan), each county a share
targets=$(curl -s "$S/api/v1/plan" | tr '{' '\n' |
          sed -n 's/^"id":\([0-9]*\),.*"kind":"count".*/\1/p' | head -n 20 | tr '\n' ' ')
nt=$(echo $targets | wc -w)
[ "$nt" -ge 10 ] || { echo "bench/rw.sh: too few count targets in the plan"; exit 1; }
who=$(signin admin)
set -- $who
: > "$tmp/assign.curl"
for o in $orgs; do
    for t in $targets; do
        [ -s "$tmp/assign.curl" ] && echo next >> "$tmp/assign.curl"
        printf 'url = "%s/api/v1/assignments"\nheader = "Cookie: %s"\nheader = "X-CSRF-Token: %s"\nheader = "Content-Type: application/json"\ndata = "{\\"target\\":%s,\\"org\\":\\"%s\\",\\"value\\":100000}"\noutput = /dev/null\n' \
            "$S" "$1" "$2" "$t" "$o" >> "$tmp/assign.curl"
    done
done
curl -s -K "$tmp/assign.curl"

# the writers' script: reporters in turn submit a report; every other write
# approves the oldest submitted one. Report k of a county is target k mod
# nt as of day k / nt of the year, value k + 1: per (target, county) dates
# and values both grow, whatever order concurrent writes commit in.
{
    echo "local targets = { $(echo $targets | sed 's/ /, /g') }"
    echo "local reporters = {"
    for o in $orgs; do
        who=$(signin "w$o")
        set -- $who
        echo "  { org = \"$o\", cookie = \"$1\", csrf = \"$2\" },"
    done
    echo "}"
    who=$(signin reviewer)
    set -- $who
    echo "local reviewer = { cookie = \"$1\", csrf = \"$2\" }"
    cat <<'LUA'
local threads, nthreads = {}, 0
function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end
function init(args)
  round = tonumber(args[1]) or 0  -- each round its own reports
  per_round = tonumber(args[2]) or 1000 -- reports per county and round, at most
  nthr = tonumber(args[3]) or 2
  pending, turn, made = {}, 0, {}
end
local function post(who, path, body)
  return wrk.format("POST", path, { ["Cookie"] = who.cookie, ["X-CSRF-Token"] = who.csrf,
                                    ["Content-Type"] = "application/json" }, body)
end
function request()
  turn = turn + 1
  if turn % 2 == 0 and #pending > 0 then
    return post(reviewer, "/api/v1/reports/" .. table.remove(pending, 1) .. "/approve", "")
  end
  -- this thread's reporters: tid, tid + nthr, ...
  local n = math.floor(#reporters / nthr)
  local i = tid + 1 + nthr * (math.floor(turn / 2) % n)
  local rep = reporters[i]
  local k = (made[i] or 0) % per_round
  made[i] = k + 1
  k = round * per_round + k
  local t = targets[(k % #targets) + 1]
  local day = math.floor(k / #targets)
  local date = os.date("!%Y-%m-%d", 1767225600 + 86400 * (day % 365)) -- from 2026-01-01
  return post(rep, "/api/v1/reports", string.format(
    '{"target":%d,"org":"%s","date":"%s","value":%d}', t, rep.org, date, k + 1))
end
function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":(%d+)')
    if id then table.insert(pending, id) end
  end
end
LUA
} > "$tmp/writes.lua"
# (target, date) pairs of a county, shared out among the rounds
per_round=$((365 * nt / (rounds + 1)))

curl -sf "$S/" -o /dev/null || { echo "shishi did not serve /"; exit 1; }
# wrk's summary: requests/s, p99 in ms, non-2xx answers
summary() {
    awk '
    function ms(v) {
        if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000
        return v
    }
    /Requests\/sec/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.2f %d\n", rps, p99, bad }' "$1"
}
reads() { wrk -t2 -c50 -d"$secs"s --latency "$S/" > "$1"; }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%s", v[int((NR + 1) / 2)] }'; }

reads "$tmp/warm" # warm-up
echo "Cached reads of / while 20 clients write (wrk -t2 -c50 reading, wrk -t2 -c20 writing), $rounds rounds of $secs s," \
    "the order alternating ($(nproc) CPUs, load average$(uptime | sed 's/.*load average//'))"
mode=$(strings -a "$bin" 2>/dev/null | grep -o 'synchronous=[A-Z]*' | head -n 1 || true)
echo "  writes: half report submissions by 20 county reporters, half approvals by the region's reviewer;" \
    "store commits with ${mode:-an unknown synchronous setting}"
printf '%-6s %12s %12s %12s %12s %10s %11s %8s %7s %10s\n' round "alone r/s" "alone p99" "writes r/s" \
    "writes p99" "writes/s" "write p99" "non-2xx" misses re-renders
: > "$tmp/all"
for r in $(seq 1 "$rounds"); do
    alone() { reads "$tmp/alone"; }
    under() {
        m0=$(grep -ac 'cache miss /:' "$tmp/serve.log" || true)
        r0=$(grep -ac 'cache re-render /:' "$tmp/serve.log" || true)
        wrk -t2 -c20 -d$((secs + 2))s --latency -s "$tmp/writes.lua" "$S" -- "$r" "$per_round" 2 > "$tmp/w" &
        wpid=$!
        sleep 1
        reads "$tmp/under"
        wait "$wpid"
        wpid=""
        miss=$(( $(grep -ac 'cache miss /:' "$tmp/serve.log" || true) - m0 ))
        rend=$(( $(grep -ac 'cache re-render /:' "$tmp/serve.log" || true) - r0 ))
    }
    if [ $((r % 2)) -eq 1 ]; then alone; under; else under; alone; fi
    set -- $(summary "$tmp/alone") $(summary "$tmp/under") $(summary "$tmp/w")
    printf '%-6s %12s %9s ms %12s %9s ms %10s %8s ms %8s %7s %10s\n' "$r" "$1" "$2" "$4" "$5" "$7" "$8" "$9" \
        "$miss" "$rend"
    echo "$1 $2 $4 $5 $7 $8 $9 $miss $rend" >> "$tmp/all"
done
col() { awk -v k="$1" '{ print $k }' "$tmp/all" | median; }
printf '%-6s %12s %9s ms %12s %9s ms %10s %8s ms %8s %7s %10s\n' median "$(col 1)" "$(col 2)" "$(col 3)" \
    "$(col 4)" "$(col 5)" "$(col 6)" "$(col 7)" "$(col 8)" "$(col 9)"
echo "read p99 under writes: $(col 4) ms (goal < 10 ms); reads/s under writes $(awk -v a="$(col 3)" -v b="$(col 1)" \
    'BEGIN { printf "%.2f", a / b }')x the reads/s alone"
