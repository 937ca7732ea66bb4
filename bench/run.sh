#!/bin/sh
# run.sh - `make bench`: every benchmark, figures side by side with their
# references. Nothing here is a pass/fail test; README.md records the output.
#
#   BENCH="http rw" make bench     only some parts: core extract http rw
set -eu
cd "$(dirname "$0")/.."
mkdir -p build/bench
parts=${BENCH:-core extract http rw}
for p in $parts; do
    case $p in
    core)
        echo "== core: live roll-up vs SQL at national scale"
        build/bench/bench_core build/bench/national.db ;;
    extract | http | rw)
        echo "== bench/$p.sh"
        sh "bench/$p.sh" ;;
    *)
        echo "bench/run.sh: unknown part '$p' (core, extract, http, rw)" >&2
        exit 2 ;;
    esac
done
