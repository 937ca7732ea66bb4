#!/bin/sh
# extract.sh - how long `shishi extract` takes on the seed announcement.
#
# Builds a small driver (written below, -O2, no sanitizers) that reads the
# seed once and runs ss_extract + the JSON writer N times in one process, so
# the figure is the extractor's own cost, not process start-up. The clock is
# the process's CPU time: on a shared machine the wall clock mostly measures
# the neighbours. Also times the whole command once for reference.
#   sh bench/extract.sh [ITERATIONS]      (default 500)
# Prints "figure: extract <ms> ms per extraction (<n> iterations)".
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
iters=${1:-500}
shared=${SHARED:-$top/../shared}
seed="$shared/seeds/xinjiang-2026-ten-livelihood-projects.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/bench_extract.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/limits.h"
#include "base/util.h"
#include "extract/extract.h"

int main(int argc, char **argv);

int main(int argc, char **argv)
{
    char *text;
    size_t len, targets = 0;
    long i, n = argc > 2 ? strtol(argv[2], NULL, 10) : 500;
    struct timespec t0, t1;
    double ms;

    if (argc < 2 || ss_read_file(argv[1], SS_MAX_TEXT_FILE, &text, &len) != 0) {
        fprintf(stderr, "bench_extract: cannot read the seed\n");
        return 1;
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (i = 0; i < n; i++) {
        struct ss_xplan *p;
        struct ss_err err;
        struct ss_buf b;
        struct ss_json j;
        size_t k;
        if (ss_extract(text, len, &p, &err) != 0)
            return 1;
        ss_buf_init(&b, SS_MAX_OUTPUT);
        ss_json_init(&j, &b, 1);
        ss_xplan_json(p, &j);
        for (k = 0; k < p->nprojects; k++)
            targets += p->projects[k].ntargets;
        ss_buf_cleanup(&b);
        ss_xplan_free(p);
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / (double)n;
    printf("figure: extract %.3f ms per extraction (%ld iterations, %zu bytes, %zu targets)\n", ms, n,
           len, targets / (size_t)n);
    free(text);
    return 0;
}
C
${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -O2 -Isrc \
    $(pkg-config --cflags libutf8proc opencc) -o "$tmp/bench_extract" "$tmp/bench_extract.c" \
    src/base/buf.c src/base/date.c src/base/err.c src/base/escape.c src/base/json.c src/base/util.c \
    src/extract/*.c $(pkg-config --libs libutf8proc opencc) -lm -lpthread
"$tmp/bench_extract" "$seed" "$iters"
if [ -x build/shishi ]; then
    start=$(date +%s%N)
    build/shishi extract "$seed" > /dev/null
    end=$(date +%s%N)
    echo "# whole command (process start, read, extract, print): $(( (end - start) / 1000000 )) ms"
fi
