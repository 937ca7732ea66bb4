#!/bin/sh
# run.sh - `make bench`: every benchmark, figures side by side with their
# references. Nothing here is a pass/fail test; README.md records the output.
set -eu
cd "$(dirname "$0")/.."
mkdir -p build/bench
echo "== core: live roll-up vs SQL at national scale"
build/bench/bench_core build/bench/national.db
for b in bench/extract.sh bench/http.sh; do
    if [ -f "$b" ]; then echo "== $b"; sh "$b"; fi
done
