#!/bin/sh
# ha.sh - a PostgreSQL 15 primary and its synchronous streaming standby,
# for the failover test (tests/pg/ha.test.sh, make check-ha), on loopback
# TCP ports (streaming replication and multi-host URLs need them). Each
# server lives whole in its own directory, as cluster.sh's do (pglib.sh:
# what DIR holds, who the server runs as); unlike them these keep fsync
# on, as a real pair would.
#
#   sh tests/pg/ha.sh primary DIR
#       initdb and start a primary on a free loopback port, waiting for
#       the standby called standby1 on every commit:
#         synchronous_standby_names = 'FIRST 1 (standby1)'
#         synchronous_commit = on
#       (a commit returns once standby1 has the WAL on disk); print its URL
#         postgresql://127.0.0.1:PORT/postgres?user=postgres&passfile=DIR/pgpass
#       Until a standby streams, a commit on it waits.
#   sh tests/pg/ha.sh standby PRIMARY_DIR DIR
#       pg_basebackup -R of the primary of PRIMARY_DIR into DIR, streaming
#       as standby1 through a replication slot of that name, started on a
#       free loopback port; returns once the primary counts it as its
#       synchronous standby (pg_stat_replication.sync_state = sync), and
#       prints its URL. It has synchronous_standby_names = '': promoted, it
#       commits alone until a new standby is set up for it.
#   sh tests/pg/ha.sh kill DIR
#       the loss of the machine: kill -9 the server of DIR and every
#       process of it at once (the postmaster stopped first, so that it
#       starts no other); returns once they are gone. Its directory stays
#       for stop.
#   sh tests/pg/ha.sh promote DIR
#       pg_ctl promote the standby of DIR; returns once it takes writes.
#   sh tests/pg/ha.sh url DB DIR...
#       the multi-host URL of database DB on the servers of the DIRs, in
#       that order, asking for the one that takes writes:
#         postgresql://127.0.0.1:P1,127.0.0.1:P2/DB?target_session_attrs=read-write&…
#   sh tests/pg/ha.sh port DIR
#       the port of DIR's server.
#   sh tests/pg/ha.sh stop DIR
#       stop DIR's server if it runs, remove DIR (cluster.sh stop).
#
# Exit 0, or 1 with the reason on stderr, or 2 for a usage error.
set -u
pg_me="ha.sh"
. "$(dirname "$0")/pglib.sh"

STANDBY=standby1 # its application_name and slot, the primary's synchronous standby

usage() {
    echo "usage: ha.sh primary DIR | standby PRIMARY_DIR DIR | kill DIR | promote DIR | url DB DIR... | port DIR | stop DIR" >&2
    exit 2
}

# a server's directory given on the command line: made by us, its port known
ha_dir() {
    pg_dir=$1
    [ -f "$pg_dir/.shishi-pg" ] && [ -f "$pg_dir/port" ] || pg_die "$pg_dir holds no server of ha.sh"
}

# ha_sql DIR SQL: the result of SQL on DIR's server, unaligned (through its socket)
ha_sql() {
    "$PG_BIN/psql" -X -q -A -t -d "postgresql:///postgres?host=$1&port=$(cat "$1/port")&user=$PG_SUPER" \
        -c "$2"
}

ha_primary() {
    pg_need initdb pg_ctl postgres psql
    pg_mkdir "$1"
    pg_initdb on
    pg_start_tcp "wal_level = replica" "max_wal_senders = 10" "max_replication_slots = 10" \
        "synchronous_commit = on" "synchronous_standby_names = 'FIRST 1 ($STANDBY)'" ||
        pg_die "the primary in $pg_dir did not start (its log: $pg_dir/log)"
    pg_url_tcp postgres | tee "$pg_dir/url"
}

ha_standby() {
    pg_need pg_basebackup pg_ctl postgres psql
    ha_dir "$1"
    primary=$pg_dir
    pport=$(cat "$primary/port")
    pg_mkdir "$2"
    # the standby's own copy of the password (the same: it copies the primary)
    cp "$primary/pgpass" "$pg_dir/pgpass"
    chmod 600 "$pg_dir/pgpass"
    [ "$(id -u)" = 0 ] && chown "$PG_USER:" "$pg_dir/pgpass"
    # -R writes primary_conninfo (this conninfo) and standby.signal; -C -S
    # makes the slot, so the primary keeps the WAL the standby still needs
    if ! pg_as "$PG_BIN/pg_basebackup" -D "$pg_dir/data" -R -X stream -C -S "$STANDBY" -N \
        -d "host=127.0.0.1 port=$pport user=$PG_SUPER passfile=$pg_dir/pgpass application_name=$STANDBY" \
        > "$pg_dir/basebackup.log" 2>&1; then
        cat "$pg_dir/basebackup.log" >&2
        pg_die "pg_basebackup of the primary in $primary failed"
    fi
    rm -f "$pg_dir/data/postmaster.opts"
    pg_fsync=on
    pg_start_tcp "synchronous_commit = on" "synchronous_standby_names = ''" ||
        pg_die "the standby in $pg_dir did not start (its log: $pg_dir/log)"
    tries=0
    while [ "$(ha_sql "$primary" "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$STANDBY'")" != sync ]; do
        tries=$((tries + 1))
        [ "$tries" -lt 600 ] || pg_die "the standby in $pg_dir did not become the primary's synchronous standby (its log: $pg_dir/log)"
        sleep 0.1
    done
    pg_url_tcp postgres | tee "$pg_dir/url"
}

# ha_children PID: the processes whose parent is PID (from /proc: ps may
# not be installed)
ha_children() {
    parent=$1
    for stat in /proc/[0-9]*/stat; do
        read -r line 2> /dev/null < "$stat" || continue
        # "pid (comm) state ppid ...": comm may hold spaces, its last ')' ends it
        # shellcheck disable=SC2086
        set -- ${line##*) }
        if [ "${2:-}" = "$parent" ]; then
            p=${stat#/proc/}
            echo "${p%/stat}"
        fi
    done
}

ha_kill() {
    ha_dir "$1"
    pid=$(head -n 1 "$pg_dir/data/postmaster.pid" 2> /dev/null)
    [ -n "$pid" ] && pg_ours "$pid" || pg_die "no server runs in $pg_dir"
    kill -STOP "$pid"
    kids=$(ha_children "$pid")
    # shellcheck disable=SC2086
    kill -KILL "$pid" $kids 2> /dev/null
    # gone, or a zombie: no command line either way
    tries=0
    for p in $pid $kids; do
        while [ -s "/proc/$p/cmdline" ]; do
            tries=$((tries + 1))
            [ "$tries" -lt 300 ] || pg_die "process $p of the server in $pg_dir outlived kill -9"
            sleep 0.1
        done
    done
}

ha_promote() {
    ha_dir "$1"
    pg_as "$PG_BIN/pg_ctl" -D "$pg_dir/data" -w -t 120 promote > /dev/null ||
        pg_die "pg_ctl promote failed in $pg_dir (its log: $pg_dir/log)"
    [ "$(ha_sql "$pg_dir" "SELECT pg_is_in_recovery()")" = f ] ||
        pg_die "the server in $pg_dir is still a standby after promote"
}

ha_url() {
    db=$1
    shift
    hosts=""
    for d in "$@"; do
        ha_dir "$d"
        hosts="$hosts${hosts:+,}127.0.0.1:$(cat "$d/port")"
    done
    ha_dir "$1"
    echo "postgresql://$hosts/$db?user=$PG_SUPER&passfile=$pg_dir/pgpass&target_session_attrs=read-write&connect_timeout=5"
}

[ $# -ge 2 ] || usage
cmd=$1
shift
case $cmd in
primary) [ $# -eq 1 ] || usage; ha_primary "$1" ;;
standby) [ $# -eq 2 ] || usage; ha_standby "$1" "$2" ;;
kill) [ $# -eq 1 ] || usage; ha_kill "$1" ;;
promote) [ $# -eq 1 ] || usage; ha_promote "$1" ;;
url) [ $# -ge 2 ] || usage; ha_url "$@" ;;
port) [ $# -eq 1 ] || usage; ha_dir "$1"; cat "$pg_dir/port" ;;
stop) [ $# -eq 1 ] || usage; pg_remove "$1" ;;
*) usage ;;
esac
