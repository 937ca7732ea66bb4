#!/bin/sh
# ha.test.sh - failover with no acknowledged write lost (make check-ha):
#
#   - a primary and its synchronous standby (tests/pg/ha.sh): the primary
#     counts it sync, with synchronous_commit on; the multi-host URL
#     (target_session_attrs=read-write) reaches the primary;
#   - one client writes rows, one transaction each, noting each row once
#     its commit is acknowledged; after some hundreds the primary's
#     processes are all killed at once (kill -9), mid-stream;
#   - while no server takes writes the multi-host URL finds none; the
#     standby is promoted (pg_ctl promote);
#   - on the new primary every acknowledged row is there, and at most one
#     more (the commit in flight when the primary died, done but not yet
#     acknowledged); the multi-host URL now reaches it and writes there.
#
# The writer is psql reading one INSERT and one \echo after another: it
# prints "ack N" only when the INSERT of row N has returned. Run alone,
# `sh tests/pg/ha.test.sh` makes its own scratch directory.
SUITE=ha
. "$(dirname "$0")/halib.sh"

must "a primary starts" ha primary "$P"
up=$(cat "$T/out")
must "a standby streams from it, synchronous" ha standby "$P" "$SB"
us=$(cat "$T/out")
same "the primary counts the standby sync" \
    "$(psql -d "$up" -c "SELECT application_name, state, sync_state FROM pg_stat_replication")" \
    "standby1|streaming|sync"
same "synchronous_commit on the primary" "$(psql -d "$up" -c 'SHOW synchronous_commit')" on
same "the standby is in recovery" "$(psql -d "$us" -c 'SELECT pg_is_in_recovery()')" t
multi=$(ha url postgres "$P" "$SB")
same "the multi-host URL reaches the primary" "$(psql -d "$multi" -c 'SELECT inet_server_port()')" \
    "$(ha port "$P")"
must "a table on the primary" psql -d "$up" -c "CREATE TABLE t (id int PRIMARY KEY, note text NOT NULL)"

# the writer: one row per transaction, "ack N" once row N's commit returned
: > "$T/acks"
(
    i=0
    while :; do
        i=$((i + 1))
        printf "INSERT INTO t VALUES (%d, 'row %d');\n\\\\echo ack %d\n" "$i" "$i" "$i" || exit 0
    done
) | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$up" >> "$T/acks" 2> "$T/writer.err" &
wpid=$!
ha_track "$wpid"
want=300
tries=0
while [ "$(wc -l < "$T/acks")" -lt "$want" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 1200 ] || ! kill -0 "$wpid" 2> /dev/null; then
        no "the writer reached $want acknowledged rows (it has $(wc -l < "$T/acks"))"
        cat "$T/writer.err"
        finish ha
        exit 1
    fi
    sleep 0.1
done
must "the primary killed mid-stream (kill -9, every process)" ha kill "$P"
wait "$wpid"
wrc=$?
wpid=""
[ "$wrc" -ne 0 ] && ok "the writer lost its server (psql exit $wrc: $(head -n 1 "$T/writer.err"))" ||
    no "the writer lost its server (psql exit $wrc)"
sed -n 's/^ack //p' "$T/acks" | LC_ALL=C sort > "$T/acked"
n=$(wc -l < "$T/acked" | tr -d ' ')
[ "$n" -ge "$want" ] && ok "$n rows acknowledged before the kill" || no "$n rows acknowledged, fewer than $want"

expect 2 "no server takes writes before the promotion" psql -d "$multi" -c 'SELECT 1'
must "the standby promoted" ha promote "$SB"
same "the new primary takes writes" "$(psql -d "$us" -c 'SELECT pg_is_in_recovery()')" f

psql -d "$us" -c 'SELECT id FROM t' | LC_ALL=C sort > "$T/present"
missing=$(LC_ALL=C comm -23 "$T/acked" "$T/present" | wc -l | tr -d ' ')
same "every acknowledged row is on the new primary" "$missing" 0
[ "$missing" = 0 ] || LC_ALL=C comm -23 "$T/acked" "$T/present" | head -n 20
extra=$(LC_ALL=C comm -13 "$T/acked" "$T/present")
case $extra in
"" | "$((n + 1))") ok "nothing else but the commit in flight (${extra:-none})" ;;
*) no "rows never written or acknowledged: $(echo "$extra" | head -n 5 | tr '\n' ' ')" ;;
esac
same "every row as written" "$(psql -d "$us" -c "SELECT count(*) FROM t WHERE note <> 'row ' || id")" 0

same "the multi-host URL now reaches the new primary" \
    "$(psql -d "$multi" -c 'SELECT inet_server_port()')" "$(ha port "$SB")"
expect 0 "a write through it commits, with no standby to wait for" \
    timeout 60 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$multi" -c "INSERT INTO t VALUES (0, 'row 0')"
same "and is there" "$(psql -d "$multi" -c 'SELECT note FROM t WHERE id = 0')" "row 0"

must "the servers stopped" sh -c "sh '$here/ha.sh' stop '$P' && sh '$here/ha.sh' stop '$SB'"
[ ! -e "$P" ] && [ ! -e "$SB" ] && ok "their directories removed" || no "their directories removed"
echo "# ha: $n acknowledged rows, $missing lost across the failover"
finish ha
