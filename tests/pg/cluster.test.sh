#!/bin/sh
# cluster.test.sh - the tests' throwaway PostgreSQL clusters
# (tests/pg/cluster.sh, newdb.sh), as make check uses them:
#
#   - three clusters start at once (as `make check`s on one machine
#     would), two on their sockets alone, both on port 5432, one with TCP
#     on a loopback port; each prints a URL psql reaches, PostgreSQL 15,
#     fsync off, the socket in its own directory, no TCP but where asked;
#   - newdb on one NAME twice gives two databases, each reachable, apart;
#   - a second start in a running cluster's directory, and stop of a
#     directory start did not make, are refused and change nothing;
#   - stop ends the server and removes its directory;
#   - with PostgreSQL missing (SHISHI_PG_BIN naming an empty directory),
#     start fails naming what to install, and newdb likewise.
#
# A cluster's server runs as postgres when we are root: the scratch
# directory is opened for it to pass (0711), as tests/run-all.sh does.
if [ -z "${SHISHI_TMP:-}" ]; then
    SHISHI_TMP=$(mktemp -d)
    export SHISHI_TMP
    trap 'rm -rf "$SHISHI_TMP"' EXIT
fi
chmod 711 "$SHISHI_TMP"
. "$(dirname "$0")/../cli/lib.sh"
here=$(dirname "$0")
PG_BIN=${SHISHI_PG_BIN:-/usr/lib/postgresql/15/bin}
psql() { "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

if [ ! -x "$PG_BIN/initdb" ]; then
    no "PostgreSQL 15 is missing: no $PG_BIN/initdb (apt-get install -y postgresql-15 postgresql-client-15)"
    finish cluster
    exit 1
fi

a=$T/a
a2=$T/a2
b=$T/b
sh "$here/cluster.sh" start "$a" > "$T/a.url" 2> "$T/a.err" &
pa=$!
sh "$here/cluster.sh" start "$a2" > "$T/a2.url" 2> "$T/a2.err" &
pa2=$!
sh "$here/cluster.sh" start "$b" --tcp > "$T/b.url" 2> "$T/b.err" &
pb=$!
wait $pa && ok "cluster a started" || { no "cluster a started"; cat "$T/a.err"; }
wait $pa2 && ok "cluster a2 started" || { no "cluster a2 started"; cat "$T/a2.err"; }
wait $pb && ok "cluster b (TCP) started" || { no "cluster b started"; cat "$T/b.err"; }
ua=$(cat "$T/a.url")
ua2=$(cat "$T/a2.url")
ub=$(cat "$T/b.url")
same "start prints the URL it keeps" "$ua" "$(sh "$here/cluster.sh" url "$a")"
case $ua in
"postgresql:///postgres?host=$a&port="*"&user=postgres") ok "a: a socket URL in its directory ($ua)" ;;
*) no "a: a socket URL in its directory: $ua" ;;
esac
case $ub in
"postgresql://127.0.0.1:"*"/postgres?user=postgres&passfile=$b/pgpass") ok "b: a loopback URL ($ub)" ;;
*) no "b: a loopback URL: $ub" ;;
esac

same "a2: its own socket on the same port" "$(psql -d "$ua2" -c 'SHOW unix_socket_directories'):$(cat "$a2/port")" "$a2:$(cat "$a/port")"
run psql -d "$ua" -c 'CREATE TABLE only_in_a ()'
same "a2: a cluster apart from a" "$(psql -d "$ua2" -c "SELECT to_regclass('only_in_a') IS NULL")" t
same "a: PostgreSQL 15" "$(psql -d "$ua" -c 'SHOW server_version_num' | cut -c1-2)" 15
same "a: fsync off" "$(psql -d "$ua" -c 'SHOW fsync')" off
same "a: no TCP" "$(psql -d "$ua" -c 'SHOW listen_addresses')" ""
same "a: its socket in its directory" "$(psql -d "$ua" -c 'SHOW unix_socket_directories')" "$a"
same "a: UTF-8" "$(psql -d "$ua" -c 'SHOW server_encoding')" UTF8
same "b: on 127.0.0.1" "$(psql -d "$ub" -c 'SELECT inet_server_addr()')" 127.0.0.1
same "b: the port of its URL" "$(psql -d "$ub" -c 'SELECT inet_server_port()')" "$(cat "$b/port")"
same "b: its socket in its directory" "$(psql -d "$ub" -c 'SHOW unix_socket_directories')" "$b"
# TCP takes the password: without the passfile, no entry
expect 2 "b: TCP without the password is refused" \
    psql -d "postgresql://127.0.0.1:$(cat "$b/port")/postgres?user=postgres&passfile=/dev/null" -c 'SELECT 1'
errhas "password"

# newdb: fresh databases on a's cluster
d1=$(SHISHI_TEST_PG=$ua sh "$here/newdb.sh" Some-Test) || no "newdb Some-Test"
d2=$(SHISHI_TEST_PG=$ua sh "$here/newdb.sh" Some-Test) || no "newdb Some-Test again"
[ -n "$d1" ] && [ "$d1" != "$d2" ] && ok "newdb: one name twice, two databases" ||
    no "newdb: one name twice, two databases ($d1, $d2)"
n1=$(psql -d "$d1" -c 'SELECT current_database()')
n2=$(psql -d "$d2" -c 'SELECT current_database()')
case $n1 in some_test_*) ok "newdb: named after NAME ($n1)" ;; *) no "newdb: named after NAME: $n1" ;; esac
[ -n "$n2" ] && [ "$n1" != "$n2" ] && ok "newdb: each URL reaches its database" ||
    no "newdb: each URL reaches its database ($n1, $n2)"
run psql -d "$d1" -c "CREATE TABLE t (x text); INSERT INTO t VALUES ('实事')"
same "a query through psql" "$(psql -d "$d1" -c 'SELECT x FROM t')" 实事
same "the other database is apart" "$(psql -d "$d2" -c "SELECT to_regclass('t') IS NULL")" t
d3=$(SHISHI_TEST_PG=$ub sh "$here/newdb.sh" overtcp) || no "newdb on TCP"
same "newdb on the TCP cluster keeps its URL's host" "$(psql -d "$d3" -c 'SELECT inet_server_port()')" "$(cat "$b/port")"

# refusals that change nothing
expect 1 "start in a running cluster's directory is refused" sh "$here/cluster.sh" start "$a"
errhas "not empty"
same "the cluster still answers" "$(psql -d "$d1" -c 'SELECT count(*) FROM t')" 1
mkdir -p "$T/other" && echo keep > "$T/other/file"
expect 1 "stop of a directory start did not make is refused" sh "$here/cluster.sh" stop "$T/other"
errhas "no test cluster"
[ -f "$T/other/file" ] && ok "that directory is left as it was" || no "that directory is left as it was"

# stop: the servers end, their directories go
pida=$(head -n 1 "$a/data/postmaster.pid")
pidb=$(head -n 1 "$b/data/postmaster.pid")
pida2=$(head -n 1 "$a2/data/postmaster.pid")
run sh "$here/cluster.sh" stop "$a"
run sh "$here/cluster.sh" stop "$a2"
run sh "$here/cluster.sh" stop "$b"
[ ! -e "$a" ] && [ ! -e "$a2" ] && [ ! -e "$b" ] && ok "stop removes the directories" || no "stop removes the directories"
# a process that is gone, or a zombie nobody reaps, has no command line
alive=""
for p in $pida $pida2 $pidb; do
    [ -s "/proc/$p/cmdline" ] && alive="$alive $p"
done
same "stop ends the servers" "$alive" ""
expect 2 "a stopped cluster's URL is no more" psql -d "$ua" -c 'SELECT 1'
run sh "$here/cluster.sh" stop "$a"
ok "stop of a cluster already gone does nothing"

# PostgreSQL missing
mkdir -p "$T/nopg"
expect 1 "start without PostgreSQL fails" env SHISHI_PG_BIN="$T/nopg" sh "$here/cluster.sh" start "$T/c"
errhas -F "PostgreSQL 15 is missing: no $T/nopg/initdb (apt-get install -y postgresql-15"
[ ! -e "$T/c" ] && ok "and makes no directory" || no "and makes no directory"
expect 1 "newdb without PostgreSQL fails" env SHISHI_PG_BIN="$T/nopg" SHISHI_TEST_PG="$ua" sh "$here/newdb.sh" x
errhas -F "PostgreSQL 15 is missing: no $T/nopg/psql"
expect 1 "newdb without a cluster fails" env -u SHISHI_TEST_PG sh "$here/newdb.sh" x
errhas "SHISHI_TEST_PG is not set"
expect 2 "usage" sh "$here/cluster.sh" begin "$T/c"

finish cluster
