#!/bin/sh
# translate.sh - `shishi plan translate`: the template lists every id with
# the Chinese; a sheet (CSV or xlsx) of id and text is stored whole, in one
# audited transaction; one bad row (an unknown id, a project or org unit
# that does not exist, a duplicate, a line break, a text without an id)
# stores nothing and each is named with its row and column; an empty text
# removes a translation; Chinese is not a language to translate into. On
# either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
DB=$(testdb translate) || exit 1
q() { sql "$1"; }

expect 0 "init" "$S" init --db "$DB"
expect 0 "the template" "$S" plan translate --db "$DB" --lang en --template
head -n 1 "$T/out" | grep -q '^id,text,中文' && ok "the template's header" || no "template header: $(head -n 1 "$T/out")"
grep -q '^plan,,自治区2026年十件民生实事' "$T/out" && ok "the plan's title" || no "no plan row"
[ "$(grep -c '^project:' "$T/out")" = 10 ] && ok "10 projects" || no "projects: $(grep -c '^project:' "$T/out")"
[ "$(grep -c '^target:' "$T/out")" = 51 ] && ok "51 targets" || no "targets: $(grep -c '^target:' "$T/out")"
grep -q '^org:650102,,天山区' "$T/out" && ok "the org units under the issuer" || no "no 650102 row"

cat > "$T/en.csv" <<'CSV'
id,text,中文
plan,Ten livelihood projects of the region in 2026,自治区2026年十件民生实事
project:1,Care and help for workers finding jobs
target:1,New urban jobs
org:6501,Urumqi
CSV
expect 0 "a sheet of four" "$S" plan translate --db "$DB" --lang en "$T/en.csv"
grep -q '4 translations changed' "$T/out" && ok "four stored" || no "stored: $(cat "$T/out")"
[ "$(q "SELECT text FROM translation WHERE kind='org' AND ref='6501' AND lang='en'")" = Urumqi ] &&
    ok "org:6501 in English" || no "org:6501"
expect 0 "the same sheet again" "$S" plan translate --db "$DB" --lang en "$T/en.csv"
grep -q '0 translations changed' "$T/out" && ok "changes nothing" || no "again: $(cat "$T/out")"
expect 0 "the template shows them" "$S" plan translate --db "$DB" --lang en --template
grep -q '^target:1,New urban jobs,城镇新增就业' "$T/out" && ok "target:1 with its translation" || no "template target:1"

entries=$(q "SELECT count(*) FROM audit_log WHERE tbl='translation'")
before=$(q "SELECT count(*) FROM translation")
cat > "$T/bad.csv" <<'CSV'
id,text
target:2,Re-employment
project:99,No such project
bogus,What is this
org:999999,Nowhere
target:1,Twice
target:1,Twice again
,A text without an id
CSV
printf 'org:6502,"Line\nbreak"\n' >> "$T/bad.csv"
expect 1 "a sheet with bad rows is refused" env LANG=C "$S" plan translate --db "$DB" --lang en "$T/bad.csv"
for w in "row 3, column A: plan 1 has no project 99" \
         "row 4, column A: 'bogus' is not an id of the form plan, project:N, target:ID or org:CODE" \
         "row 5, column A: no org unit has the code '999999'" \
         "row 7, column A: target:1 is on row 6 too; keep one row" \
         "row 8, column A: the row has a text but no id" \
         "row 9, column B: the text holds a control character" \
         "rows with errors: 6; nothing was stored"; do
    grep -qF "$w" "$T/err" && ok "says: $w" || { no "does not say: $w"; cat "$T/err"; }
done
[ "$(q "SELECT count(*) FROM translation")" = "$before" ] && ok "nothing stored" || no "rows changed"
[ "$(q "SELECT count(*) FROM translation WHERE ref='2'")" = 0 ] && ok "not even the good row" || no "target:2 stored"
expect 1 "in Chinese" env LANG=zh_CN.UTF-8 "$S" plan translate --db "$DB" --lang en "$T/bad.csv"
grep -qF "第 5 行 A 列: 没有代码为“999999”的区划" "$T/err" && ok "the rows' errors in Chinese" || { no "zh errors"; cat "$T/err"; }

printf 'id,text\norg:6501,\ntarget:1,Newly employed in towns\n' > "$T/rm.csv"
expect 0 "an empty text removes, another replaces" "$S" plan translate --db "$DB" --lang en "$T/rm.csv"
[ "$(q "SELECT count(*) FROM translation WHERE kind='org'")" = 0 ] && ok "org:6501 removed" || no "org:6501 kept"
[ "$(q "SELECT text FROM translation WHERE kind='target' AND ref='1'")" = "Newly employed in towns" ] &&
    ok "target:1 replaced" || no "target:1 not replaced"
[ "$(q "SELECT count(*) FROM audit_log WHERE tbl='translation'")" -eq $((entries + 2)) ] &&
    ok "each change is in the audit log" || no "audit entries: $(q "SELECT count(*) FROM audit_log WHERE tbl='translation'")"
printf 'id,text\nproject:2,ياشانغانلارنى بېقىش\n' > "$T/ug.csv"
expect 0 "Uyghur" "$S" plan translate --db "$DB" --lang ug "$T/ug.csv"
expect 1 "Chinese is the content's own language" "$S" plan translate --db "$DB" --lang zh "$T/ug.csv"
grep -q -- "--lang: 'zh' is not a language content is translated into" "$T/err" && ok "says so" || no "zh: $(cat "$T/err")"
expect 2 "--lang is needed" "$S" plan translate --db "$DB" "$T/ug.csv"
expect 0 "audit verify" "$S" audit verify --db "$DB"
sqldo "$(droptrigger audit_translation_upd translation); UPDATE translation SET text = 'Forged' WHERE ref = '1'"
expect 1 "a translation changed behind shishi's back is found" "$S" audit verify --db "$DB"
grep -q 'translation' "$T/out" "$T/err" && ok "verify names the table" || no "verify: $(cat "$T/out" "$T/err")"
finish translate
