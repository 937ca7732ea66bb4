#!/bin/sh
# newdb.sh - a fresh database on the test cluster, for one test.
#
#   sh tests/pg/newdb.sh NAME
#
# CREATE DATABASE on the cluster whose maintenance database $SHISHI_TEST_PG
# names (tests/run-all.sh starts it and sets that), and print the new
# database's conninfo URL: SHISHI_TEST_PG with its database replaced. The
# database is called after NAME (lower case letters, digits and _ kept,
# anything else made _, a t before a leading digit) with a random suffix, so two calls with one NAME
# still get two databases. Nobody drops it: it goes with the cluster at the
# end of the run.
set -u
pg_me="newdb.sh"
. "$(dirname "$0")/pglib.sh"

[ $# -eq 1 ] && [ -n "$1" ] || {
    echo "usage: newdb.sh NAME" >&2
    exit 2
}
[ -n "${SHISHI_TEST_PG:-}" ] ||
    pg_die "SHISHI_TEST_PG is not set: it names the test cluster's maintenance database (tests/run-all.sh starts the cluster and sets it; sh tests/pg/cluster.sh start DIR prints one)"
case $SHISHI_TEST_PG in
postgresql://*/* | postgres://*/*) ;;
*) pg_die "SHISHI_TEST_PG is no conninfo URL with a database (postgresql://…/DB…): $SHISHI_TEST_PG" ;;
esac
pg_need psql

base=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_' '_' | cut -c1-40)
case $base in [0-9]*) base="t$base" ;; esac # an identifier starts with a letter or _
name="${base}_$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')"
pg_psql "$SHISHI_TEST_PG" -c "CREATE DATABASE $name" ||
    pg_die "could not create database $name on $SHISHI_TEST_PG"
# the database is the URL's path: from the / after the host list to ? or the end
printf '%s\n' "$SHISHI_TEST_PG" | sed "s|^\(postgres[a-z]*://[^/]*/\)[^?]*|\1$name|"
