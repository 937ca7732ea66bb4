#!/bin/sh
# bulletin.sh - the month's bulletin: the PDF holds every project title,
# 截至 and a chosen target's figures, embeds every font, has a page per
# project and a first page with something on it; the XLSX, read back with
# shishi's own sheet reader, has the figures `status --json` (the API's
# figure JSON) gives; the same figures give the same bytes; a published
# bulletin never changes after a later report, behind shishi's back
# neither, and the audit head printed on its cover anchors `audit verify`
# (a wrong one fails). On either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
export SHISHI_TODAY=2026-07-10
if pg; then
    SHISHI_AUDIT_KEY=$T/pg.key
    export SHISHI_AUDIT_KEY
fi
DB=$(testdb b) || exit 1
run "$S" init --db "$DB"
run "$S" report add --db "$DB" --target 1 --org 65 --date 2026-06-30 --value 200000
run "$S" report add --db "$DB" --target 47 --org 650102 --date 2026-06-30 --value 2
run "$S" plan show --db "$DB" --json
cp "$T/out" "$T/plan.json"
run "$S" status --db "$DB" --date 2026-06-30 --json
cp "$T/out" "$T/status.json"

# ---- the PDF ----
expect 0 "bulletin renders a PDF" "$S" bulletin --db "$DB" --period 2026-06 --format pdf \
    --out "$T/b.pdf"
pdftotext "$T/b.pdf" "$T/b.txt"
python3 - "$T/plan.json" "$T/b.txt" <<'EOF' && ok "the PDF names every project" || no "the PDF names every project"
import json, sys
plan = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
titles = [p['title'] for p in plan['projects']]
missing = [t for t in titles if t not in text]
assert len(titles) == 10 and not missing, missing
EOF
grep -q "截至 2026-06-30" "$T/b.txt" && ok "the PDF says 截至 the period's end" ||
    no "the PDF says 截至 the period's end"
# target 1's figures, as the status JSON has them and the page prints
# them: actual grouped by thousands, progress and time with one decimal
python3 - "$T/status.json" "$T/b.txt" <<'EOF' && ok "the PDF has target 1's figures" || no "the PDF has target 1's figures"
import json, sys
d = json.load(open(sys.argv[1]))
t = [t for p in d['projects'] for t in p['targets'] if t['id'] == 1][0]
text = open(sys.argv[2]).read()
import math
want = ['{:,}'.format(round(t['actual'])), '{:,}'.format(round(t['value'])), t['metric']]
assert t['actual'] > 0
missing = [w for w in want if w not in text]
# the page rounds the exact share to one decimal, the JSON to two: either
# neighbour of the JSON's
for v in (t['progress'], t['expected']):
    if not any('%.1f%%' % (f(v * 10) / 10) in text for f in (math.floor, math.ceil)):
        missing.append(v)
assert not missing, missing
EOF
pdffonts "$T/b.pdf" > "$T/fonts"
python3 - "$T/fonts" <<'EOF' && ok "every font of the PDF is embedded" || no "every font of the PDF is embedded"
import sys
lines = open(sys.argv[1]).read().splitlines()
head = lines[0]
col = head.index(' emb ') + 1
rows = lines[2:]
assert rows, 'no fonts at all'
bad = [r for r in rows if r[col:col + 3] != 'yes']
assert not bad, bad
EOF
pages=$(pdfinfo "$T/b.pdf" | sed -n 's/^Pages: *//p')
# a cover, a page (at least) per project, the lagging list, the other sections
[ "${pages:-0}" -ge 13 ] && ok "the PDF has a page per project ($pages)" ||
    no "the PDF has a page per project ($pages)"
for n in 1 2 3 4 5 6 7 8 9 10; do
    title=$(python3 -c "import json; p=json.load(open('$T/plan.json'))['projects']; print([x['title'] for x in p if x['no']==$n][0])")
    found=0
    p=2
    while [ $p -le "$pages" ]; do
        if pdftotext -f $p -l $p "$T/b.pdf" - | grep -qF "$n. $title"; then found=$p; break; fi
        p=$((p + 1))
    done
    [ $found -gt 1 ] || no "project $n has a page of its own"
done
ok "every project's heading is on a page after the cover"
# the first page drawn: a grey map at 20 dpi, counted for non-white pixels
pdftoppm -gray -r 20 -f 1 -l 1 "$T/b.pdf" "$T/p1"
python3 - "$T"/p1*.pgm <<'EOF' && ok "the first page is not blank" || no "the first page is not blank"
import sys
data = open(sys.argv[1], 'rb').read()
# P5 width height maxval, then the bytes
parts = data.split(maxsplit=4)
assert parts[0] == b'P5'
w, h = int(parts[1]), int(parts[2])
px = parts[4][:w * h]
dark = sum(1 for b in px if b < 200)
assert dark > w * h // 200, (dark, w * h)
EOF
expect 0 "the same figures render again" "$S" bulletin --db "$DB" --period 2026-06 \
    --out "$T/b2.pdf"
cmp -s "$T/b.pdf" "$T/b2.pdf" && ok "the same figures give the same PDF bytes" ||
    no "the same figures give the same PDF bytes"
expect 0 "English" "$S" bulletin --db "$DB" --period 2026-06 --lang en --out "$T/en.pdf"
pdftotext "$T/en.pdf" - | grep -q "As of 2026-06-30" && ok "the English bulletin says As of" ||
    no "the English bulletin says As of"
expect 0 "Uyghur" "$S" bulletin --db "$DB" --period 2026-06 --lang ug --out "$T/ug.pdf"
pdffonts "$T/ug.pdf" | grep -q "NotoNaskhArabic" && ok "the Uyghur bulletin embeds an Arabic-script font" ||
    no "the Uyghur bulletin embeds an Arabic-script font"
expect 1 "a bad period is refused" "$S" bulletin --db "$DB" --period 2026-13 --out "$T/x.pdf"
errhas -- "--period"
expect 1 "a period outside the plan is refused" "$S" bulletin --db "$DB" --period 2025-06 \
    --out "$T/x.pdf"
expect 3 "an unknown place is refused" "$S" bulletin --db "$DB" --period 2026-06 --org 99 \
    --out "$T/x.pdf"
expect 1 "an unknown language is refused" "$S" bulletin --db "$DB" --period 2026-06 --lang fr \
    --out "$T/x.pdf"

# ---- the XLSX, read back by shishi's sheet reader ----
expect 0 "bulletin renders an XLSX" "$S" bulletin --db "$DB" --period 2026-06 --format xlsx \
    --out "$T/b.xlsx"
# sheet 1 is the cover's summary, sheets 2 to 11 the projects
expect 0 "the project 1 sheet reads back" "$S" bulletin sheet "$T/b.xlsx" --nth 2
python3 - "$T/status.json" "$T/out" <<'EOF' && ok "the XLSX's figures are the API's" || no "the XLSX's figures are the API's"
import json, sys
d = json.load(open(sys.argv[1]))
rows = json.load(open(sys.argv[2]))
targets = {t['id']: t for p in d['projects'] if p['no'] == 1 for t in p['targets']}
head = rows[0]
col = {name: i for i, name in enumerate(head)}
assert len(rows) - 1 == len(targets), (len(rows), len(targets))
checked = 0
for r in rows[1:]:
    t = targets[int(r[0])]
    assert r[col['指标']] == t['metric'], r
    assert float(r[col['目标值']]) == t['value'], r
    if t['actual'] is not None and t['reporters']:
        assert float(r[col['完成值']]) == t['actual'], r
        checked += 1
    if t['progress'] is not None:
        assert abs(float(r[col['完成进度']]) - t['progress']) <= 0.051, r
    if t['expected'] is not None:
        assert abs(float(r[col['时序进度']]) - t['expected']) <= 0.051, r
    assert r[col['状态']] == t['status_label'], r
assert checked >= 1
EOF
expect 0 "the XLSX again" "$S" bulletin --db "$DB" --period 2026-06 --format xlsx \
    --out "$T/b2.xlsx"
cmp -s "$T/b.xlsx" "$T/b2.xlsx" && ok "the same figures give the same XLSX bytes" ||
    no "the same figures give the same XLSX bytes"

# ---- publishing ----
expect 0 "bulletin publish" "$S" bulletin publish --db "$DB" --period 2026-06 --json
cp "$T/out" "$T/pub.json"
id=$(json "print(d['id'])")
same "the first publish is version 1" "$(json "print(d['version'])")" 1
same "its page count is pdfinfo's" "$(json "print(d['pages'])")" "$pages"
expect 0 "bulletin get" "$S" bulletin get "$id" --db "$DB" --out "$T/pub.pdf"
sum1=$(sha256sum "$T/pub.pdf" | cut -d' ' -f1)
same "the stored PDF has its recorded hash" "$sum1" "$(python3 -c "import json; print(json.load(open('$T/pub.json'))['pdf_sha256'])")"
head=$(pdftotext -f 1 -l 1 "$T/pub.pdf" - | grep -o '[0-9][0-9]*:[0-9a-f]\{64\}' | head -1)
same "the cover prints the head the publish recorded" "$head" \
    "$(python3 -c "import json; print(json.load(open('$T/pub.json'))['head'])")"
expect 0 "audit verify --anchor with the printed head" "$S" audit verify --db "$DB" --anchor "$head"
outhas "anchored: entry"
# a later report, and a correction: the published bytes stay
run "$S" report add --db "$DB" --target 1 --org 65 --date 2026-06-30 --value 150000 --correction \
    --note "miscounted"
run "$S" report add --db "$DB" --target 47 --org 650102 --date 2026-07-05 --value 5
expect 0 "bulletin get after the correction" "$S" bulletin get "$id" --db "$DB" --out "$T/pub2.pdf"
same "the published PDF is unchanged after a later correction" \
    "$(sha256sum "$T/pub2.pdf" | cut -d' ' -f1)" "$sum1"
expect 0 "audit verify --anchor still passes after later writes" "$S" audit verify --db "$DB" \
    --anchor "$head"
bad=$(echo "$head" | sed 's/.$//')$(echo "$head" | grep -q '0$' && echo 1 || echo 0)
expect 1 "a wrong head fails audit verify --anchor" "$S" audit verify --db "$DB" --anchor "$bad"
errhas "does not have the anchored hash"
expect 0 "a second publish" "$S" bulletin publish --db "$DB" --period 2026-06 --json
same "a second publish is version 2" "$(json "print(d['version'])")" 2
[ "$(json "print(d['pdf_sha256'])")" != "$sum1" ] && ok "the new version has the corrected figures" ||
    no "the new version has the corrected figures"
expect 0 "the first version still" "$S" bulletin get "$id" --db "$DB" --out "$T/pub3.pdf"
same "the second publish leaves the first unchanged" "$(sha256sum "$T/pub3.pdf" | cut -d' ' -f1)" "$sum1"
expect 0 "bulletin list" "$S" bulletin list --db "$DB" --json
check "list has both versions" "len(d) == 2 and d[0]['version'] == 2 and d[1]['version'] == 1"
# behind shishi's back: the table refuses to change
if sqldo "UPDATE bulletin SET pdf_sha256 = 'x' WHERE id = $id" 2>/dev/null; then
    no "an UPDATE of a published bulletin is refused"
else
    ok "an UPDATE of a published bulletin is refused"
fi
if sqldo "DELETE FROM bulletin WHERE id = $id" 2>/dev/null; then
    no "a DELETE of a published bulletin is refused"
else
    ok "a DELETE of a published bulletin is refused"
fi
expect 0 "the log verifies with the bulletins in it" "$S" audit verify --db "$DB"
same "the publish is in the audit log" \
    "$(sql "SELECT count(*) FROM audit_log WHERE tbl = 'bulletin' AND action = 'insert'")" 2
finish bulletin
