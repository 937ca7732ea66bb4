# halib.sh - what the tests of a primary and its standby share (make
# check-ha): a scratch directory, the shell harness (tests/cli/lib.sh),
# ha.sh and psql, `must`, and a cleanup that stops what the test started.
# A test sets SUITE (its name in the harness's summary) and sources this:
#
#   SUITE=failover
#   . "$(dirname "$0")/halib.sh"
#
# Then $P and $SB are the primary's and the standby's data directories
# (stopped at exit if started), and `ha_track PID` has a process the test
# started (a writer, a server) killed at exit unless it is gone by then.
made_tmp=""
if [ -z "${SHISHI_TMP:-}" ]; then
    SHISHI_TMP=$(mktemp -d)
    export SHISHI_TMP
    made_tmp=$SHISHI_TMP
fi
chmod 711 "$SHISHI_TMP"
. "$(dirname "$0")/../cli/lib.sh"
here=$(dirname "$0")
ha() { sh "$here/ha.sh" "$@"; }
PG_BIN=${SHISHI_PG_BIN:-/usr/lib/postgresql/15/bin}
psql() { "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
P=$T/primary
SB=$T/standby
ha_pids=""
ha_track() { ha_pids="$ha_pids $1"; }
ha_cleanup() {
    live=""
    for p in $ha_pids; do
        kill "$p" 2> /dev/null && live=1
    done
    [ -n "$live" ] && sleep 0.3
    ha stop "$P"
    ha stop "$SB"
    [ -n "$made_tmp" ] && rm -rf "$made_tmp"
}
trap ha_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# must WHAT CMD...: a step without which the rest means nothing
must() {
    what=$1
    shift
    if "$@" > "$T/out" 2> "$T/err"; then
        ok "$what"
    else
        no "$what"
        cat "$T/err" "$T/out"
        finish "$SUITE"
        exit 1
    fi
}
