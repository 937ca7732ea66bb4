# lib.sh - the shell tests' shared harness, sourced by every tests/cli/*.sh
# as `. "$(dirname "$0")/lib.sh"` (tests/run-all.sh does not run it as a
# test). A script makes assertions, each printing "ok - WHAT" or
# "not ok - WHAT" and going on, and ends with `finish`.
#
#   S, SHARED        the binary under test ($SHISHI, else build/shishi) and
#                    the shared docs and seeds ($SHARED, else ../shared)
#   T                this script's scratch directory, $SHISHI_TMP/NAME (a
#                    fresh one under mktemp -d without SHISHI_TMP), emptied
#   ok WHAT / no WHAT             a passed / a failed assertion
#   expect CODE WHAT CMD...       CMD exits with CODE (its stdout and
#                                 stderr kept in $T/out and $T/err, shown
#                                 when it does not)
#   run CMD...                    CMD succeeds (the same files); a failure
#                                 is a failed assertion, silence is none
#   check WHAT PYTHON             PYTHON holds, with d the JSON in $T/out
#   same WHAT GOT WANT            GOT is the string WANT
#   outhas [-F] PATTERN           $T/out has PATTERN (a grep regex; -F: a
#   errhas [-F] PATTERN           fixed string); likewise $T/err
#   json PYTHON                   run PYTHON with d the JSON in $T/out
#   lines                         the number of lines in $T/out
#   sql QUERY                     the first column of QUERY's first row
#                                 in the database $DB (python's sqlite3;
#                                 psql when $DB is a postgresql:// URL),
#                                 an empty line for none or NULL
#   sqldo SQL                     run SQL (statements separated by ;) on
#                                 $DB, as someone with the database but
#                                 not shishi would: the sqlite3 shell, or
#                                 psql (all in one transaction there)
#   droptrigger NAME TABLE        the statement that drops trigger NAME of
#                                 TABLE on the backend under test
#   testdb NAME                   a database for --db: the file $T/NAME.db,
#                                 or with SHISHI_TEST_BACKEND=pg the URL of
#                                 a fresh database on the test cluster
#                                 (tests/pg/newdb.sh; tests/run-all.sh,
#                                 PG_SUITES): DB=$(testdb NAME) || exit 1
#   SHISHI_AUDIT_KEY              with SHISHI_TEST_BACKEND=pg, exported as
#                                 $T/pg.key: a PostgreSQL database has no
#                                 file beside it for its audit key, so the
#                                 script's databases share this one
#   jsonfield COLUMN KEY          the SQL that reads KEY of the JSON text in
#                                 COLUMN, as text, on the backend under
#                                 test (json_extract; ->> on PostgreSQL):
#                                 a JSON true reads 1 on SQLite, true there
#   pg                            true when SHISHI_TEST_BACKEND is pg
#   nodb                          a --db naming a database that does not
#                                 exist: the file $T/none.db (not made), or
#                                 a database the test cluster lacks; shishi
#                                 says so with exit 3 on SQLite, 4 (cannot
#                                 connect) on PostgreSQL
#   finish [NAME]                 "# NAME: N failed"; its status is the
#                                 script's: 0 when nothing failed
set -u
S=${SHISHI:-build/shishi}
SHARED=${SHARED:-../shared}
T=${SHISHI_TMP:-$(mktemp -d)}/$(basename "$0" .sh)
rm -rf "$T" && mkdir -p "$T" || exit 1
fails=0
pg() { [ "${SHISHI_TEST_BACKEND:-sqlite}" = pg ]; }
if pg; then
    SHISHI_AUDIT_KEY=$T/pg.key
    export SHISHI_AUDIT_KEY
fi

ok() { echo "ok - $*"; }
no() {
    echo "not ok - $*"
    fails=$((fails + 1))
}

expect() {
    want=$1
    what=$2
    shift 2
    "$@" > "$T/out" 2> "$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then
        ok "$what"
    else
        no "$what (exit $got, wanted $want)"
        cat "$T/out" "$T/err"
    fi
}

run() {
    "$@" > "$T/out" 2> "$T/err" || {
        no "exit $?: $*"
        cat "$T/err"
    }
}

check() {
    what=$1
    shift
    if python3 -c "import json; d = json.load(open('$T/out')); $1" 2> "$T/py"; then
        ok "$what"
    else
        no "$what"
        cat "$T/py"
    fi
}

same() { # WHAT GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else no "$1 (got $2, wanted $3)"; fi
}

has() { # FILE SAYS [-F] PATTERN
    file=$1
    says=$2
    shift 2
    flags=-q
    if [ "$1" = -F ]; then
        flags=-qF
        shift
    fi
    if grep $flags -- "$1" "$file"; then
        ok "$says '$1'"
    else
        no "$says '$1'"
        cat "$file"
    fi
}
outhas() { has "$T/out" "output says" "$@"; }
errhas() { has "$T/err" "error says" "$@"; }

json() { python3 -c "import json,sys; d=json.load(open('$T/out')); $1"; }

lines() { wc -l < "$T/out" | tr -d ' '; }

sql() {
    case $DB in
    postgresql://* | postgres://*)
        "${SHISHI_PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
            -d "$DB" -c "$1" | head -n 1
        ;;
    *) # no row, or NULL: an empty line, as psql prints
        python3 -c "import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()
print('' if r is None or r[0] is None else r[0])" "$DB" "$1" ;;
    esac
}

pgurl() { case $1 in postgresql://* | postgres://*) true ;; *) false ;; esac; }

sqldo() {
    if pgurl "$DB"; then
        "${SHISHI_PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "$1" > /dev/null
    else
        sqlite3 "$DB" "$1"
    fi
}

droptrigger() {
    if pg; then echo "DROP TRIGGER $1 ON $2"; else echo "DROP TRIGGER $1"; fi
}

jsonfield() {
    if pg; then echo "($1::jsonb ->> '$2')"; else echo "json_extract($1, '\$.$2')"; fi
}

testdb() {
    if [ "${SHISHI_TEST_BACKEND:-sqlite}" = pg ]; then
        sh "$(dirname "$0")/../pg/newdb.sh" "$1"
    else
        echo "$T/$1.db"
    fi
}

nodb() {
    if pg; then
        echo "${SHISHI_TEST_PG:-}" | sed 's|^\(postgres[a-z]*://[^/]*/\)[^?]*|\1no_such_database|'
    else
        echo "$T/none.db"
    fi
}

finish() {
    echo "# ${1:+$1: }$fails failed"
    [ "$fails" -eq 0 ]
}

# The loopback receivers of the outbox's tests (sinks.mjs) in $T/sink:
# SINK, SP (the SMTP port), HP (the webhook's), sink_pid, stopped at the
# script's exit. NAME: the suite's, for finish when they do not start.
sinks_start() { # NAME
    SINK=$T/sink
    mkdir -p "$SINK"
    node "$(dirname "$0")/sinks.mjs" "$SINK" 0 0 &
    sink_pid=$!
    trap 'kill "$sink_pid" 2> /dev/null' EXIT
    i=0
    while [ ! -f "$SINK/ports" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    read -r SP HP < "$SINK/ports" || { no "the receivers did not start"; finish "$1"; exit 1; }
}
