#!/bin/sh
# lint.sh - make check's lint tier: scripts/lint.sh (clang-format, the
# layer rule of the include graph, the ss_ prefix of exported symbols,
# banned calls, cppcheck) over the tree make check has just built.
set -eu
cd "$(dirname "$0")/../.."
sh scripts/lint.sh
