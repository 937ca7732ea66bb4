#!/bin/sh
# run-all.sh - every test tier, in order; called by `make check`.
#
#   0. a throwaway PostgreSQL 15 cluster under $SHISHI_TMP/pg
#      (tests/pg/cluster.sh), its maintenance database's conninfo URL
#      exported as SHISHI_TEST_PG; stopped and removed at the end, also when
#      a test fails or the run is interrupted
#   1. unit tests (cmocka, ASan + UBSan): build/asan/tests/test_*; their
#      fixtures make PostgreSQL databases with tests/unit/pgtest.h
#   2. script tests: every tests/<tier>/*.sh (but lib.sh, the harness they
#      source, and tests/pg's helpers: there only *.test.sh are tests, and
#      ha.test.sh, failover.test.sh and replica.test.sh are make check-ha's), run with SHISHI pointing at the
#      sanitizer build of the binary and SHARED at ../shared: the CLI, the
#      extraction score, the fuzz corpora's replays, lint, the cluster
#   3. node tests (API and browser): every tests/<tier>/*.test.mjs
#   4. the suites of PG_SUITES again, on PostgreSQL
#   5. clang builds the tree warning-clean (gcc already did)
#
# Each unit binary, script and node file counts as one test, and a suite
# of PG_SUITES once on each backend. Each line names the backend its test
# ran with: [sqlite], [pg], [sqlite+pg] for a unit binary whose fixtures
# made PostgreSQL databases too (pgtest.h says so in its output), [-] for
# none. The last line is "N passed, N failed".

# PG_SUITES: the script and node suites that run a second time, on
# PostgreSQL. Every suite runs first as always, with SHISHI_TEST_BACKEND=
# sqlite; a suite listed here runs again with SHISHI_TEST_BACKEND=pg, and
# then takes its databases from the cluster instead of files: in a shell
# suite `testdb NAME` (tests/cli/lib.sh), in a node one testDb(NAME)
# (tests/pg/testdb.mjs), both of which call tests/pg/newdb.sh NAME for a
# fresh database on $SHISHI_TEST_PG and give its URL for --db. Add a suite
# here once it takes its databases that way and the backend passes it.
# Unit tests need no entry: their fixtures run on both backends at once.
# serve's daily supervision run is on by default (7 o'clock): off in the
# tests, whose servers would otherwise issue notices by the clock; a test
# of the run asks for it with --supervise-hour
export SHISHI_SUPERVISE_HOUR=off
PG_SUITES="tests/pg/testdb.test.sh tests/pg/testdb.test.mjs $(ls tests/api/*.test.mjs | tr '\n' ' ')"
# the CLI suites that touch a database (catalogue.sh and engines.sh do not)
PG_SUITES="$PG_SUITES tests/cli/assign.sh tests/cli/audit.sh tests/cli/core.sh tests/cli/divisions.sh
    tests/cli/notify.sh
    tests/cli/figures.sh tests/cli/import.sh tests/cli/l10n.sh tests/cli/migrate.sh
    tests/cli/plan-change.sh tests/cli/translate.sh tests/cli/completeness.sh
    tests/cli/bulletin.sh tests/cli/notice.sh tests/cli/supervise-notify.sh tests/cli/docx.sh
    tests/cli/remind.sh tests/cli/supervise-race.sh tests/cli/export.sh tests/cli/survey.sh tests/cli/cycle.sh"

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export SHISHI="$top/build/asan/shishi"
export SHARED="${SHARED:-$top/../shared}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export SHISHI_TMP=$(mktemp -d)
# the cluster's server runs as another user when we are root (postgres):
# it must pass through $SHISHI_TMP to its directory (it may not list it)
chmod 711 "$SHISHI_TMP"
pg_dir="$SHISHI_TMP/pg"
cleanup() {
    sh tests/pg/cluster.sh stop "$pg_dir" || echo "run-all: could not stop the cluster in $pg_dir"
    rm -rf "$SHISHI_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
pass=0; fail=0; failed=""

run() { # backend name command...   (backend "unit": sqlite, or sqlite+pg when pgtest.h made databases)
    backend=$1; name=$2; shift 2
    log="$SHISHI_TMP/$(echo "$name" | tr '/' '_').$backend.log"
    # a unit binary's fixtures choose for themselves (SHISHI_TEST_PG)
    case $backend in sqlite | pg) be=$backend ;; *) be=sqlite ;; esac
    env SHISHI_TEST_BACKEND="$be" "$@" > "$log" 2>&1
    rc=$?
    if [ "$backend" = unit ]; then
        backend=sqlite
        grep -q '^pgtest: database ' "$log" && backend=sqlite+pg
    fi
    if [ "$rc" -eq 0 ]; then
        pass=$((pass + 1)); echo "ok   [$backend] $name"
        grep -E '^(F1|figure:|#)' "$log" | sed 's/^/       /' || true
    else
        fail=$((fail + 1)); failed="$failed $name[$backend]"; echo "FAIL [$backend] $name"
        tail -n 40 "$log" | sed 's/^/     | /'
    fi
}

run pg "cluster: PostgreSQL 15 in \$SHISHI_TMP/pg" sh tests/pg/cluster.sh start "$pg_dir"
if [ -f "$pg_dir/url" ]; then
    SHISHI_TEST_PG=$(cat "$pg_dir/url")
    export SHISHI_TEST_PG
fi

for t in build/asan/tests/test_*; do
    [ -x "$t" ] && run unit "unit/$(basename "$t")" "$t"
done
for t in tests/*/*.sh; do
    case $t in
    */lib.sh) continue ;;             # the harness the scripts source
    tests/pg/ha.test.sh | tests/pg/failover.test.sh | tests/pg/replica.test.sh) continue ;; # make check-ha
    tests/pg/*.test.sh) ;;
    tests/pg/*) continue ;;           # the cluster's helpers
    esac
    [ -f "$t" ] && run sqlite "$t" sh "$t"
done
for t in tests/*/*.test.mjs; do
    [ -f "$t" ] && run sqlite "$t" node --test "$t"
done
for t in $PG_SUITES; do
    case $t in
    *.sh) run pg "$t" sh "$t" ;;
    *.mjs) run pg "$t" node --test "$t" ;;
    *) run pg "$t" "$t" ;;
    esac
done
run - "clang -Werror build" make --no-print-directory clang-check

echo
[ -z "$failed" ] || echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
