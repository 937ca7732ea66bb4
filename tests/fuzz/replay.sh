#!/bin/sh
# replay.sh - replay the committed extractor fuzz corpus (fuzz/corpus/extract)
# through fuzz/extract_fuzz.c, built with gcc + ASan/UBSan and a plain main
# (fuzz/replay_main.c), so no libFuzzer is needed. Non-zero on any crash,
# sanitizer report or leak.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=${SHISHI_TMP:-$(mktemp -d)}/extract_replay
CC=${CC:-gcc}
# the base files the extractor uses (not all of src/base: some need other libraries)
base="src/base/buf.c src/base/err.c src/base/escape.c src/base/json.c src/base/util.c"
$CC -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Isrc \
    $(pkg-config --cflags libutf8proc) -g -O1 \
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -o "$out" fuzz/replay_main.c fuzz/extract_fuzz.c $base src/extract/*.c \
    $(pkg-config --libs libutf8proc) -lm
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
n=$(ls fuzz/corpus/extract | wc -l)
[ "$n" -gt 0 ] || { echo "empty corpus"; exit 1; }
"$out" fuzz/corpus/extract/*
echo "# fuzz corpus: $n inputs replayed clean"
