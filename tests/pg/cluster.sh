#!/bin/sh
# cluster.sh - a throwaway PostgreSQL 15 cluster for the tests.
#
#   sh tests/pg/cluster.sh start DIR [--tcp]
#       initdb and pg_ctl start in DIR (made for it: see pglib.sh for what
#       DIR holds and who the server runs as), and print the conninfo URL
#       of its maintenance database, also kept in DIR/url:
#         postgresql:///postgres?host=DIR&port=5432&user=postgres
#       The server listens on its Unix socket in DIR only: several clusters
#       on one machine (several `make check` at once) each have their own
#       socket directory, so the port number, which only names the socket
#       file, needs no choosing. With --tcp it listens on a free loopback
#       port as well and the URL goes there, with the passfile holding the
#       password:
#         postgresql://127.0.0.1:PORT/postgres?user=postgres&passfile=DIR/pgpass
#       fsync is off: quick, and what a test needs; a cluster so set loses
#       data on a power failure, not when its processes are killed.
#   sh tests/pg/cluster.sh stop DIR
#       stop the server (immediately) and remove DIR; nothing to do when
#       DIR is gone. Refuses a directory start did not make.
#   sh tests/pg/cluster.sh url DIR
#       print the URL again.
#
# Exit 0, or 1 with the reason on stderr (PostgreSQL missing, DIR not
# empty or closed to the server's user, the server not starting: its
# log's last lines), or 2 for a usage error.
set -u
pg_me="cluster.sh"
. "$(dirname "$0")/pglib.sh"

usage() {
    echo "usage: cluster.sh start DIR [--tcp] | stop DIR | url DIR" >&2
    exit 2
}
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
tcp=no
[ $# -ge 3 ] && [ "$3" = --tcp ] && tcp=yes

case $cmd in
start)
    [ $# -le 3 ] || usage
    pg_need initdb pg_ctl postgres psql
    pg_mkdir "$dir"
    pg_initdb off
    if [ "$tcp" = yes ]; then
        pg_start_tcp || pg_die "the server in $pg_dir did not start (its log: $pg_dir/log)"
        pg_url_tcp postgres > "$pg_dir/url"
    else
        pg_conf 5432 no
        pg_start || pg_die "the server in $pg_dir did not start (its log: $pg_dir/log)"
        pg_url_local postgres > "$pg_dir/url"
    fi
    cat "$pg_dir/url"
    ;;
stop)
    [ $# -eq 2 ] || usage
    pg_remove "$dir"
    ;;
url)
    [ $# -eq 2 ] || usage
    [ -f "$dir/url" ] || pg_die "$dir holds no running test cluster (no $dir/url)"
    cat "$dir/url"
    ;;
*) usage ;;
esac
