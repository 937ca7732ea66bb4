#!/bin/sh
# bench/pg.sh - the core benchmark's national dataset on PostgreSQL
# (issue 11): cold start of an instance's engine, engine p50/p99, and the
# same figures by one SQL query on PostgreSQL, as a ratio; then the
# month-end ingest through three instances (bench/ingest.sh).
#
#   sh bench/pg.sh            (after make bench's build; needs PostgreSQL 15)
#
# A throwaway cluster (tests/pg/cluster.sh, Unix socket, fsync turned on
# as on a real server) holds the national dataset, built once per run by
# bench_core through the store (the same rows as build/bench/national.db).
# bench_core prints its rows as for SQLite; "(b) one SQL query" is then
# PostgreSQL's plan of the same recursive query.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
cleanup() {
    sh "$top/tests/pg/cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
chmod 711 "$tmp"
url=$(sh "$top/tests/pg/cluster.sh" start "$tmp/pg")
psql -X -q -v ON_ERROR_STOP=1 "$url" -c "ALTER SYSTEM SET fsync = on" -c "SELECT pg_reload_conf()" \
    -c "CREATE DATABASE national" >/dev/null
db=$(printf '%s' "$url" | sed 's|/postgres?|/national?|')
SHISHI_AUDIT_KEY=$tmp/audit.key
export SHISHI_AUDIT_KEY
echo "# PostgreSQL $(psql -X -A -t "$url" -c 'SHOW server_version'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$top/build/bench/bench_core" "$db" | sed 's/^core:/core (PostgreSQL):/'
sh "$top/bench/ingest.sh"
