#!/bin/sh
# bench/pg_serve.sh - cold start of a `shishi serve` instance on a
# database (bench/pg.sh gives it the national dataset on PostgreSQL).
#
#   sh bench/pg_serve.sh URL      (SHISHI_AUDIT_KEY: the database's key)
#
# Each start is timed from the exec of the process to "listening" in its
# log (the migration step, the audit key's check, the engine built:
# ss_web_new loads the engine before the listener starts, so this is
# "ready") and to the first /api/v1/plan answered with a 200 (the page
# cache's first plan built), with the process's resident memory then and
# its peak. First without the engine's start-up snapshot (deleted: every
# approved report read from the database, then a snapshot written), then
# SERVE_WARM (3) times from the snapshot that start left. The log is
# polled every 10 ms, so the figures are up to 10 ms late. Also the
# connections the instance holds open to the database then (nothing else
# connects to it during the bench), and the CPU time spent so far by the
# instance and by those connections' PostgreSQL backends (from /proc:
# the cores may be shared, and the wall clock then waits for others).
set -eu
[ $# -eq 1 ] || { echo "usage: pg_serve.sh URL" >&2; exit 2; }
db=$1
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHISHI_BIN:-$top/build/shishi}
warm=${SERVE_WARM:-3}
tmp=$(mktemp -d)
pid=""
cleanup() {
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ns() { date +%s%N; }
tck=$(getconf CLK_TCK)
# cpu PID...: the user and system CPU time of the processes, in ms
cpu() {
    for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
        awk -v t="$tck" '{ sub(/^.*\) /, ""); s += $12 + $13 } END { printf "%d", s * 1000 / t }'
}

# start NAME: one instance started, timed and stopped
start() {
    log=$tmp/serve.log
    : >"$log"
    t0=$(ns)
    "$bin" serve --db "$db" --listen 127.0.0.1:0 2>"$log" &
    pid=$!
    k=0
    until port=$(sed -n 's/.*listening on .*(port \([0-9]*\).*/\1/p' "$log") && [ -n "$port" ]; do
        k=$((k + 1))
        if [ "$k" -gt 6000 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "bench/pg_serve.sh: the instance did not start" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.01
    done
    t1=$(ns)
    until curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/plan"; do sleep 0.01; done
    t2=$(ns)
    rss=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$pid/status")
    hwm=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$pid/status")
    backends=$(psql -X -A -t "$db" -c "SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()")
    conns=$(echo $backends | wc -w)
    cpu_me=$(cpu "$pid")
    cpu_pg=$(cpu $backends)
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
    awk -v what="$1" -v a=$(((t1 - t0) / 1000000)) -v b=$(((t2 - t0) / 1000000)) \
        -v rss="$rss" -v hwm="$hwm" -v conns="$conns" -v cm="$cpu_me" -v cp="$cpu_pg" 'BEGIN { printf "serve: %s: ready (listening) after %d ms, " \
        "first /api/v1/plan answered after %d ms (goal <= 2000 ms); CPU: the instance %d ms, its PostgreSQL " \
        "backends %d ms; resident %.0f MB, peak %.0f MB; %d connections to the database\n",
        what, a, b, cm, cp, rss / 1024, hwm / 1024, conns }'
}

psql -X -q -v ON_ERROR_STOP=1 "$db" -c "DELETE FROM engine_snapshot"
start "cold, no start-up snapshot (every report read, then the snapshot written)"
i=1
while [ "$i" -le "$warm" ]; do
    start "from the start-up snapshot ($i of $warm)"
    i=$((i + 1))
done
