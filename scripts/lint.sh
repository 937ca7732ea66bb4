#!/bin/sh
# lint.sh - `make lint` (also run by `make check`, tests/lint/lint.sh, and
# by .ci/run): the checks a compiler does not make, each failing with the
# file, the line and what to do.
#
#   format   clang-format --dry-run -Werror over src, tests/unit, bench
#            and fuzz: the tree stays as `make format` leaves it
#   layers   the include graph, from every #include "..." in src/: base
#            <- store <- core <- web/cli, extract on base alone (and used
#            above it), a private header (*_int.h) only inside its layer
#   symbols  every symbol the objects in build/obj export (nm) carries the
#            ss_ prefix, static helpers being unprefixed by the style
#            guide; a layer's private helpers may carry its own name
#            instead: store_* in src/store (store_int.h), cli_*, cmd_* and
#            term_* in src/cli
#   banned   no sprintf, vsprintf, strcpy, strcat, atoi, atol, gets in
#            src, tests/unit, bench or fuzz (STYLE.md 5: snprintf, the
#            capped buffer, ss_parse_long)
#   cppcheck warnings and portability over src/ (its style checks argue
#            with STYLE.md's declarations at the top of a block)
#   tools    every command a test runs that a minimal Debian 12 lacks is
#            one scripts/deps.sh checks (its TOOLS): the commands the
#            JavaScript tests run by name, and, in the shell tests, the
#            commands of a list of such programs
#
# LINT="layers banned" runs only those. The symbol check reads build/obj:
# `make lint` builds it first.
set -u
cd "$(dirname "$0")/.."
checks=${LINT:-format layers symbols banned cppcheck tools}
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() { echo "lint: $*" >&2; }
need() { # TOOL PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    say "$1 is missing (apt-get install -y $2)"
    fails=$((fails + 1))
    return 1
}

# ---- format ----
lint_format() {
    need clang-format clang-format || return
    files=$(ls src/*/*.c src/*/*.h tests/unit/*.c tests/unit/*.h bench/*.c fuzz/*.c fuzz/*.h \
        2>/dev/null)
    # shellcheck disable=SC2086
    bad=$(clang-format --dry-run -Werror $files 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error:.*/\1/p' | sort -u)
    if [ -n "$bad" ]; then
        for f in $bad; do say "format: $f is not clang-formatted (make format, or clang-format -i $f)"; done
        fails=$((fails + 1))
    else
        echo "lint: format: $(echo "$files" | wc -w) files formatted"
    fi
}

# ---- layers ----
# What each layer may include. A new directory under src/ needs a line.
allowed() {
    case $1 in
    base) echo "base" ;;
    extract) echo "base extract" ;;
    store) echo "base store" ;;
    core) echo "base store extract core" ;;
    web) echo "base store extract core web" ;;
    cli) echo "base store extract core web cli" ;;
    *) echo "-" ;;
    esac
}

lint_layers() {
    n=0
    bad=0
    for dir in src/*/; do
        l=$(basename "$dir")
        if [ "$(allowed "$l")" = "-" ]; then
            say "layers: src/$l is no layer this check knows: add it to allowed() in scripts/lint.sh"
            bad=$((bad + 1))
        fi
    done
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' src/*/*.c src/*/*.h > "$tmp/layers"
    while IFS= read -r line; do
        file=${line%%:*}
        rest=${line#*:}
        lno=${rest%%:*}
        inc=$(echo "$rest" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
        from=$(echo "$file" | cut -d/ -f2)
        n=$((n + 1))
        case $inc in
        */*) to=${inc%%/*} ;;
        *)
            if [ -f "src/$from/$inc" ]; then
                to=$from
            elif [ "$inc" = embedded.h ]; then
                continue # generated data (build/gen), no code: any layer
            else
                say "layers: $file:$lno includes \"$inc\", which is in no layer (write \"layer/$inc\")"
                bad=$((bad + 1))
                continue
            fi
            ;;
        esac
        case " $(allowed "$from") " in
        *" $to "*) ;;
        *)
            say "layers: $file:$lno includes $inc: $from may include $(allowed "$from" | sed 's/ /, /g') only"
            bad=$((bad + 1))
            continue
            ;;
        esac
        case $inc in
        *_int.h)
            if [ "$to" != "$from" ]; then
                say "layers: $file:$lno includes $inc, private to src/$to"
                bad=$((bad + 1))
            fi
            ;;
        esac
    done < "$tmp/layers"
    if [ "$bad" -gt 0 ]; then
        fails=$((fails + 1))
    else
        echo "lint: layers: $n includes follow base <- store <- core <- web/cli, extract on base"
    fi
}

# ---- symbols ----
lint_symbols() {
    need nm binutils || return
    objs=$(ls build/obj/*/*.o 2>/dev/null)
    if [ -z "$objs" ]; then
        say "symbols: no objects in build/obj (make lint builds them; or run make first)"
        fails=$((fails + 1))
        return
    fi
    # shellcheck disable=SC2086
    nm -A -g --defined-only $objs | awk '{ sub(/:.*/, "", $1); print $3, $1 }' | sort > "$tmp/symbols"
    bad=0
    while read -r sym obj; do
        case $sym in
        ss_* | main) continue ;;
        # a layer's private helpers, declared in its *_int.h (which the
        # layer check keeps inside the layer): the store's store_*, and the
        # CLI's (the top layer, linked into nothing else)
        store_*) case $obj in build/obj/store/*) continue ;; esac ;;
        cli_* | cmd_* | term_*) case $obj in build/obj/cli/*) continue ;; esac ;;
        esac
        say "symbols: $obj exports $sym without the ss_ prefix (name it ss_..., or make it static)"
        bad=$((bad + 1))
    done < "$tmp/symbols"
    total=$(wc -l < "$tmp/symbols" | tr -d ' ')
    if [ "$bad" -gt 0 ]; then
        fails=$((fails + 1))
    else
        echo "lint: symbols: $total exported, all ss_ but main and the store's and CLI's own (store_*, cli_*, cmd_*, term_*)"
    fi
}

# ---- banned calls ----
lint_banned() {
    hits=$(grep -nE '(^|[^A-Za-z0-9_])(sprintf|vsprintf|strcpy|strcat|atoi|atol|gets)[[:space:]]*\(' \
        src/*/*.c src/*/*.h tests/unit/*.c tests/unit/*.h bench/*.c fuzz/*.c fuzz/*.h 2>/dev/null)
    if [ -n "$hits" ]; then
        echo "$hits" | while IFS= read -r h; do
            say "banned: $h (snprintf, ss_buf_*, ss_parse_long instead)"
        done
        fails=$((fails + 1))
    else
        echo "lint: banned: no sprintf, vsprintf, strcpy, strcat, atoi, atol, gets"
    fi
}

# ---- cppcheck ----
lint_cppcheck() {
    need cppcheck cppcheck || return
    if cppcheck --enable=warning,portability --std=c11 -q --error-exitcode=1 \
        --inline-suppr --suppress=missingIncludeSystem -Isrc -Ibuild/gen src; then
        echo "lint: cppcheck: nothing found"
    else
        fails=$((fails + 1))
    fi
}

# ---- tools ----
# Commands not in a minimal Debian 12 that a shell test might run.
NONBASE="unzip zip pdftotext pdffonts pdfinfo pdftoppm sqlite3 curl wget msgfmt opencc psql
jq xxd nc xmllint file bc python3 openssl chromium node npm"
lint_tools() {
    tools=" $(sed -n 's/^TOOLS="\(.*\)"$/\1/p' scripts/deps.sh) node npm sh chromium "
    if [ "$tools" = "  node npm sh chromium " ]; then
        say "tools: no TOOLS=\"...\" line in scripts/deps.sh"
        fails=$((fails + 1))
        return
    fi
    used=$(grep -rhoE "(execFileSync|execFile|spawnSync|spawn|execSync)\\(['\"][^'\"/]+['\"]" \
        tests --include='*.mjs' | sed -E "s/.*\\(['\"]//; s/['\"]$//" | sort -u)
    for c in $NONBASE; do
        if grep -qE "(^|[(|;&]|then|do|\\$\\()[[:space:]]*$c[[:space:]]" tests/*/*.sh tests/*.sh 2>/dev/null; then
            used="$used $c"
        fi
    done
    bad=0
    for c in $used; do
        case $tools in
        *" $c "*) ;;
        *)
            say "tools: the tests run $c, which scripts/deps.sh does not check (add it and its package to TOOLS and PKGS)"
            bad=1
            ;;
        esac
    done
    if [ "$bad" = 0 ]; then
        echo "lint: tools: the $(echo "$used" | tr ' ' '\n' | sort -u | grep -c .) commands the tests run are checked by scripts/deps.sh"
    else
        fails=$((fails + 1))
    fi
}

for c in $checks; do
    case $c in
    format | layers | symbols | banned | cppcheck | tools) "lint_$c" ;;
    *)
        say "no check called $c (format layers symbols banned cppcheck tools)"
        fails=$((fails + 1))
        ;;
    esac
done
if [ "$fails" -gt 0 ]; then
    say "$fails check(s) failed"
    exit 1
fi
echo "lint: all clean ($checks)"
