#!/bin/sh
# lint.sh - `make lint`: cppcheck over src/ (warnings and portability;
# its style checks argue with STYLE.md's declarations at the top of a
# block), failing on any finding. Not part of `make check`: the compilers'
# -Wall -Wextra -Werror and the sanitizers are the gate there.
set -eu
cd "$(dirname "$0")/.."
command -v cppcheck >/dev/null 2>&1 || { echo "lint: cppcheck is missing (apt-get install -y cppcheck)" >&2; exit 1; }
cppcheck --enable=warning,portability --std=c11 -q --error-exitcode=1 \
    --inline-suppr --suppress=missingIncludeSystem -Isrc -Ibuild/gen src
echo "lint: cppcheck found nothing"
