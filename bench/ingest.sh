#!/bin/sh
# bench/ingest.sh - month-end load on PostgreSQL through several instances
# (issue 11): reports submitted and approved per second over the API, and,
# as the reference, the same number of report rows written straight into
# the same table with COPY.
#
#   sh bench/ingest.sh        (after make; needs node and PostgreSQL 15)
#
# A throwaway cluster (tests/pg/cluster.sh, on its Unix socket; fsync on,
# as a real server) holds one database; `shishi init`, then INGEST_N (3)
# `shishi serve` on it, each on its own loopback port, and bench/ingest.mjs
# with INGEST_CLIENTS (200) concurrent clients for INGEST_SECS (20)
# seconds, twice, each time on a new database: month ledgers (each client
# a county clerk uploading the month's ledger for review, a reviewer
# approving its reports in one request), then single reports (each client
# submits a report of its county through one instance and a reviewer
# approves it through the next; see ingest.mjs). Every write is an
# authenticated, CSRF-checked, audited, durable transaction.
# The reference: COPY of as many rows as the larger run stored (approved
# reports with their seq) into
# the report table of the same database, the audit triggers firing, in one
# transaction: rows/s. Goal: >= 2,000 reports/s through three instances.
# The instances, the clients and PostgreSQL share this machine's cores;
# the CPU time the instances and PostgreSQL spent per report over the load
# (ingest.mjs reads it from /proc at its start and end, so the accounts
# and sign-ins before it are not in it) is printed too, which says what
# the load costs when the cores are shared.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHISHI_BIN:-$top/build/shishi}
n=${INGEST_N:-3}
clients=${INGEST_CLIENTS:-200}
secs=${INGEST_SECS:-20}
tmp=$(mktemp -d)
chmod 711 "$tmp" # the cluster runs as postgres when we are root
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    sleep 0.3
    sh "$top/tests/pg/cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
SHISHI_TODAY=2026-12-31
export SHISHI_TODAY
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
url=$(sh "$top/tests/pg/cluster.sh" start "$tmp/pg")
psql -q -v ON_ERROR_STOP=1 "$url" -c "ALTER SYSTEM SET fsync = on" -c "SELECT pg_reload_conf()" \
    -c "CREATE DATABASE ingest" -c "CREATE DATABASE ingest_sheet" >/dev/null
SHISHI_AUDIT_KEY=$tmp/audit.key
export SHISHI_AUDIT_KEY
# phase MODE DBNAME: a new database, N instances on it, ingest.mjs in MODE
# (single: a report and its approval a round; sheet: a county's month
# ledger uploaded for review and approved in one request), its lines;
# the instances stopped after
phase() {
    db=$(printf '%s' "$url" | sed "s|/postgres?|/$2?|")
    "$bin" init --db "$db" >/dev/null
    bases=""
    i=0
    while [ "$i" -lt "$n" ]; do
        "$bin" serve --db "$db" --listen 127.0.0.1:0 --per-ip 512 2>"$tmp/serve$1$i.log" &
        pids="$pids $!"
        i=$((i + 1))
    done
    for i in $(seq 0 $((n - 1))); do
        k=0
        until port=$(sed -n 's/.*listening on .*(port \([0-9]*\).*/\1/p' "$tmp/serve$1$i.log") &&
            [ -n "$port" ]; do
            k=$((k + 1))
            [ "$k" -lt 200 ] || { echo "bench/ingest.sh: instance $i did not start" >&2; cat "$tmp/serve$1$i.log" >&2; exit 1; }
            sleep 0.1
        done
        bases="$bases http://127.0.0.1:$port"
    done
    # the CPU the instances and the cluster spend over the load (not the
    # accounts and sign-ins before it): ingest.mjs reads it from /proc
    INGEST_SERVE_PIDS="$pids" INGEST_PG_PID=$(head -1 "$tmp/pg/data/postmaster.pid") \
        INGEST_HZ=$(getconf CLK_TCK) SHISHI_BIN=$bin NODE_PATH=$top/node_modules \
        node "$top/bench/ingest.mjs" "$db" "$secs" "$clients" "$1" $bases | tee "$tmp/api.$1.txt"
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    pids=""
    sleep 0.3
}
phase sheet ingest_sheet
sheet=$(sed -n 's/^ingest: \([0-9]*\) reports.*/\1/p' "$tmp/api.sheet.txt")
phase single ingest
api=$(sed -n 's/^ingest: \([0-9]*\) reports.*/\1/p' "$tmp/api.single.txt")
done_n=$(cat "$tmp/api.single.txt" "$tmp/api.sheet.txt" | sed -n 's/.*(\([0-9]*\) in .*/\1/p' | sort -n | tail -1)
# the reference: the same number of rows by COPY, the triggers firing
rows=${done_n:-10000}
[ "$rows" -gt 0 ] || rows=10000
psql -At "$db" -c "SELECT id FROM target" >"$tmp/targets"
psql -At "$db" -c "SELECT id FROM org_unit WHERE length(code) = 6" >"$tmp/orgs"
node -e "
  const fs = require('fs'), rd = (f) => fs.readFileSync(f, 'utf8').trim().split('\n');
  const t = rd('$tmp/targets'), o = rd('$tmp/orgs'), n = $rows, out = [];
  for (let i = 0; i < n; i++)
    out.push([t[i % t.length], o[Math.floor(i / t.length) % o.length],
              '2026-12-' + String(1 + Math.floor(i / (t.length * o.length)) % 28).padStart(2, '0'),
              1000 + i, 'approved', 10000000 + i, 'bench'].join(','));
  fs.writeFileSync('$tmp/rows.csv', out.join('\n') + '\n');"
t0=$(date +%s%N)
psql -q -v ON_ERROR_STOP=1 "$db" >/dev/null <<EOF
BEGIN;
SELECT set_config('shishi.actor', 'bench', true);
\copy report(target_id, org_id, as_of, value, status, seq, created_by) FROM '$tmp/rows.csv' WITH (FORMAT csv)
COMMIT;
EOF
t1=$(date +%s%N)
ref=$(awk -v n="$rows" -v ns=$((t1 - t0)) 'BEGIN { printf "%d", n / (ns / 1e9) }')
echo "reference: COPY of $rows report rows into the same table: $ref rows/s"
awk -v a="${api:-0}" -v s="${sheet:-0}" -v r="$ref" 'BEGIN {
    printf "ingest ratio: API, a report a round, %d reports/s = %.3f x COPY; month ledgers, %d reports/s = %.3f x COPY (goal >= 2000 reports/s)\n", a, a / r, s, s / r }'
