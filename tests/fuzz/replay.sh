#!/bin/sh
# replay.sh - replay every committed fuzz corpus (fuzz/corpus/NAME/)
# through its target (fuzz/NAME_fuzz.c), built with $CC, ASan + UBSan and
# a plain main (fuzz/replay_main.c) instead of libFuzzer's engine, so a gcc
# machine replays them too: build/asan/fuzz/NAME_fuzz, which make check
# builds (make replays; this script asks make for them as well). Non-zero
# on any crash, sanitizer report, leak or broken property; the failing
# input is the last "replay: FILE" line of the log.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=${SHISHI_TMP:-$(mktemp -d)}
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
make --no-print-directory -s replays
total=0
for src in fuzz/*_fuzz.c; do
    name=$(basename "$src" _fuzz.c)
    dir=fuzz/corpus/$name
    n=$(ls "$dir" 2>/dev/null | wc -l | tr -d ' ')
    [ "$n" -gt 0 ] || { echo "$name: no corpus in $dir"; exit 1; }
    "build/asan/fuzz/${name}_fuzz" "$dir" 2> "$tmp/replay-$name.err" > /dev/null || {
        echo "$name: the replay of $dir failed:"
        tail -n 30 "$tmp/replay-$name.err"
        exit 1
    }
    rm -f "$tmp/replay-$name.err"
    echo "# fuzz corpus: $name, $n inputs replayed clean"
    total=$((total + n))
done
echo "# fuzz corpora: $total inputs in all"
