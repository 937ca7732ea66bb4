#!/bin/sh
# bench/pg.sh - the core benchmark's national dataset on PostgreSQL
# (issue 11): loading it, an instance's cold start, engine p50/p99, and
# the same figures by one SQL query on PostgreSQL, as a ratio; then the
# month-end ingest through three instances (bench/ingest.sh).
#
#   sh bench/pg.sh            (after make bench's build; needs PostgreSQL 15)
#
# A throwaway cluster (tests/pg/cluster.sh: Unix socket, shared_buffers
# and the rest as it sets them; fsync turned on, as on a real server)
# holds one database, made as docs/deploy.md says (UTF8, C collation,
# template0), with jit off (see the README row). The dataset is the
# SQLite one, build/bench/national.db (bench_core --build makes it when
# make bench's core part has not), copied row for row by COPY
# (bench/pg_load.sh: ids, meta and the audit log included, the triggers
# off as pg_restore --disable-triggers; its audit key beside it). Then:
#   - the size of the database;
#   - with PG_VERIFY=1, `shishi audit verify` of the copied log on
#     PostgreSQL (3.9 M entries: 13 minutes on the shared machine, so not
#     by default);
#   - bench_core on it: the engine from the store (cold) and from the
#     start-up snapshot, p50/p99, and "(b) one SQL query": PostgreSQL's
#     text of the same reference query (ss_store_sql_rollup);
#   - bench/pg_serve.sh: `shishi serve` started cold and from the snapshot.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHISHI_BIN:-$top/build/shishi}
nat=${NATIONAL_DB:-$top/build/bench/national.db}
[ -f "$nat" ] || "$top/build/bench/bench_core" --build "$nat"
tmp=$(mktemp -d)
cleanup() {
    sh "$top/tests/pg/cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
chmod 711 "$tmp"
ms() { date +%s%3N; }
url=$(sh "$top/tests/pg/cluster.sh" start "$tmp/pg")
psql -X -q -v ON_ERROR_STOP=1 "$url" -c "ALTER SYSTEM SET fsync = on" -c "SELECT pg_reload_conf()" \
    -c "CREATE DATABASE national ENCODING 'UTF8' LOCALE 'C' TEMPLATE template0" \
    -c "ALTER DATABASE national SET jit = off" >/dev/null
db=$(printf '%s' "$url" | sed 's|/postgres?|/national?|')
cp "$nat.key" "$tmp/audit.key" # the key the copied log was signed with
SHISHI_AUDIT_KEY=$tmp/audit.key
export SHISHI_AUDIT_KEY
echo "# PostgreSQL $(psql -X -A -t "$url" -c 'SHOW server_version'), shared_buffers" \
    "$(psql -X -A -t "$url" -c 'SHOW shared_buffers'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(ms)
loaded=$(sh "$top/bench/pg_load.sh" "$nat" "$db" 2>"$tmp/load.log")
echo "pg: national dataset copied from SQLite by COPY: $loaded ($(( ($(ms) - t0) / 1000 )) s with the schema);" \
    "database $(psql -X -A -t "$db" -c "SELECT pg_database_size('national') / 1048576") MB" \
    "(SQLite file $(($(stat -c %s "$nat") / 1048576)) MB)"
if [ "${PG_VERIFY:-0}" = 1 ]; then
    t0=$(ms)
    if "$bin" audit verify --db "$db" >"$tmp/verify.txt" 2>&1; then v=passes; else v=FAILS; fi
    echo "pg: audit verify of the copied log: $v in $(( ($(ms) - t0) / 1000 )) s: $(tail -1 "$tmp/verify.txt")"
fi
"$top/build/bench/bench_core" "$db" | sed 's/^core:/core (PostgreSQL):/'
sh "$top/bench/pg_serve.sh" "$db"
sh "$top/bench/ingest.sh"
