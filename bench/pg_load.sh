#!/bin/sh
# bench/pg_load.sh - the core benchmark's national dataset, copied from its
# SQLite database into a PostgreSQL one in bulk, as a restore would.
#
#   sh bench/pg_load.sh SQLITE_DB URL
#
# URL names an empty database (createdb). `shishi migrate` makes the
# schema there (PostgreSQL's own migration texts, schema_migration filled);
# then every table the SQLite database has rows in, but the engine's
# start-up snapshot (a cache: the first start writes one) and the record
# of migrations (each backend's own), is sent with COPY: the sqlite3 shell
# writes CSV, psql's \copy reads it from its standard input. The rows go
# in as they are, ids included, audit log included (its entries, their
# chain and signatures, written by the SQLite build), with the triggers
# off (session_replication_role = replica, as pg_restore
# --disable-triggers): nothing is audited twice and no change counter
# moves; meta is SQLite's (the counters and bench_dataset). The indexes
# that are not constraints are dropped before a table's COPY and made
# again after it, as pg_restore does. Then each identity column's
# sequence is moved past its table's largest id, and ANALYZE.
# Reals go as SQLite writes them (15 significant digits, as in the audit
# log's row images); NULL as \N, so an empty text stays empty.
#
# Needs the sqlite3 shell and psql; run as a PostgreSQL superuser (the
# triggers are turned off per session). Prints one line per table (rows,
# seconds) on stderr and the total on stdout.
set -eu
[ $# -eq 2 ] || { echo "usage: pg_load.sh SQLITE_DB URL" >&2; exit 2; }
src=$1
url=$2
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHISHI_BIN:-$top/build/shishi}
SKIP=" engine_snapshot schema_migration sqlite_sequence "
ms() { date +%s%3N; }
q() { psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }

t0=$(ms)
"$bin" migrate --db "$url" >/dev/null
q -c "DELETE FROM meta"
total=0
for t in $(sqlite3 "$src" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"); do
    case $SKIP in *" $t "*) continue ;; esac
    n=$(sqlite3 "$src" "SELECT count(*) FROM \"$t\"")
    [ "$n" -gt 0 ] || continue
    s=$(ms)
    cols=$(sqlite3 "$src" "SELECT group_concat(name, ',') FROM pragma_table_info('$t')")
    # the table's plain indexes, to make again after the COPY
    idx=$(psql -X -A -t -v ON_ERROR_STOP=1 "$url" -c "SELECT indexdef || ';' FROM pg_indexes i
        WHERE tablename = '$t' AND NOT EXISTS (SELECT 1 FROM pg_constraint c
        WHERE c.conname = i.indexname)")
    drop=$(psql -X -A -t -v ON_ERROR_STOP=1 "$url" -c "SELECT 'DROP INDEX ' || indexname || ';'
        FROM pg_indexes i WHERE tablename = '$t' AND NOT EXISTS (SELECT 1 FROM pg_constraint c
        WHERE c.conname = i.indexname)")
    printf '.mode csv\n.nullvalue %s\nSELECT %s FROM "%s" ORDER BY 1;\n' "'\\N'" "$cols" "$t" |
        sqlite3 "$src" |
        q -c "SET session_replication_role = replica" -c "$drop" \
            -c "\\copy $t($cols) FROM STDIN WITH (FORMAT csv, NULL '\\N')" -c "$idx"
    total=$((total + n))
    echo "pg_load: $t: $n rows in $(( ($(ms) - s) ))" ms >&2
done
q -c "DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT table_name FROM information_schema.columns
           WHERE table_schema = 'public' AND column_name = 'id' AND is_identity = 'YES' LOOP
    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), coalesce(max(id), 0) + 1, false) FROM %I',
                   r.table_name, r.table_name);
  END LOOP; END \$\$" -c "ANALYZE"
echo "$total rows in $(( ($(ms) - t0) / 1000 )) s"
