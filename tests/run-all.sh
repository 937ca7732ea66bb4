#!/bin/sh
# run-all.sh - every test tier, in order; called by `make check`.
#
#   1. unit tests (cmocka, ASan + UBSan): build/asan/tests/test_*
#   2. script tests: every tests/<tier>/*.sh (but lib.sh, the harness they
#      source), run with SHISHI pointing at the sanitizer build of the
#      binary and SHARED at ../shared: the CLI, the extraction score, the
#      fuzz corpora's replays, lint
#   3. node tests (API and browser): every tests/<tier>/*.test.mjs
#   4. clang builds the tree warning-clean (gcc already did)
#
# Each unit binary, script and node file counts as one test. The last line
# is "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export SHISHI="$top/build/asan/shishi"
export SHARED="${SHARED:-$top/../shared}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export SHISHI_TMP=$(mktemp -d)
trap 'rm -rf "$SHISHI_TMP"' EXIT
pass=0; fail=0; failed=""

run() { # name command...
    name=$1; shift
    log="$SHISHI_TMP/$(echo "$name" | tr '/' '_').log"
    if "$@" > "$log" 2>&1; then
        pass=$((pass + 1)); echo "ok   $name"
        grep -E '^(F1|figure:|#)' "$log" | sed 's/^/       /' || true
    else
        fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name"
        tail -n 40 "$log" | sed 's/^/     | /'
    fi
}

for t in build/asan/tests/test_*; do
    [ -x "$t" ] && run "unit/$(basename "$t")" "$t"
done
for t in tests/*/*.sh; do
    case $t in */lib.sh) continue ;; esac # a harness the scripts source, not a test
    [ -f "$t" ] && run "$t" sh "$t"
done
for t in tests/*/*.test.mjs; do
    [ -f "$t" ] && run "$t" node --test "$t"
done
run "clang -Werror build" make --no-print-directory clang-check

echo
[ -z "$failed" ] || echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
