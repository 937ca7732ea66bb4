#!/bin/sh
# docx.sh - issue 16: an announcement circulated as a Word file. `shishi
# extract FILE.docx` reads word/document.xml (paragraphs as lines, a table
# row as one line of tab-separated cells) and prints the plan the same text
# gives; `shishi import FILE.docx` stores that draft with its source; a zip
# that is no Word document, or a damaged one, is refused saying why, and
# nothing is stored. The documents are written here, by python's zipfile.
# On either backend (tests/run-all.sh, PG_SUITES).
. "$(dirname "$0")/lib.sh"
SEED=$SHARED/seeds/xinjiang-2026-ten-livelihood-projects.txt
DB=$(testdb docx) || exit 1

# mkdocx OUT: the seed as a .docx, a paragraph per line split into runs;
# mkdocx OUT table: a small announcement whose items are a table's rows
mkdocx() {
    python3 - "$SEED" "$1" "${2:-}" <<'PY'
import html, sys, zipfile
seed, out, shape = sys.argv[1], sys.argv[2], sys.argv[3]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
def p(t):
    runs = [t[:2], t[2:]] if len(t) > 4 else [t]
    return '<w:p>' + ''.join('<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % html.escape(r) for r in runs) + '</w:p>'
if shape == 'table':
    cell = lambda t: '<w:tc>' + p(t) + '</w:tc>'
    rows = [['序号', '项目', '目标'], ['1', '新建幼儿园', '新建幼儿园12所'], ['2', '改造管网', '改造供水管网30公里']]
    body = p('某市2026年民生实事') + '<w:tbl>' + ''.join('<w:tr>' + ''.join(cell(c) for c in r) + '</w:tr>' for r in rows) + '</w:tbl>'
else:
    body = ''.join(p(l) for l in open(seed, encoding='utf-8').read().split('\n'))
doc = '<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body>%s</w:body></w:document>' % (W, body)
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<Types/>')
    z.writestr('word/document.xml', doc)
PY
}

mkdocx "$T/seed.docx"
expect 0 "extract reads the .docx" "$S" extract --compact "$T/seed.docx"
cp "$T/out" "$T/docx.json"
expect 0 "extract reads the text" "$S" extract --compact "$SEED"
same "the .docx gives the plan the text gives" "$(cat "$T/docx.json")" "$(cat "$T/out")"

mkdocx "$T/table.docx" table
expect 0 "a table's rows" "$S" extract --compact "$T/table.docx"
check "the rows' targets, each from its own cell" \
    "sorted(t['value'] for p in d['projects'] for t in p['targets']) == [12, 30]"

expect 0 "init" "$S" init --db "$DB"
expect 0 "import the .docx" "$S" import --json --db "$DB" "$T/seed.docx"
PLAN=$(python3 -c "import json; print(json.load(open('$T/out'))['plan_id'])")
same "its source is kept under the file's name" "$(sql "SELECT name FROM plan_source WHERE plan_id = $PLAN")" "seed.docx"
same "the source is the document's text" \
    "$(sql "SELECT CASE WHEN text LIKE '%全年实现城镇新增就业47万人以上%' THEN 'yes' END FROM plan_source WHERE plan_id = $PLAN")" "yes"
PLANS=$(sql "SELECT count(*) FROM plan")

python3 -c "
import zipfile
with zipfile.ZipFile('$T/book.docx', 'w') as z: z.writestr('xl/workbook.xml', '<workbook/>')"
expect 1 "a zip that is no Word document is refused" "$S" import --db "$DB" "$T/book.docx"
errhas -F "not a Word document (it has no word/document.xml)"
head -c 200 "$T/seed.docx" > "$T/cut.docx"
expect 1 "a damaged .docx is refused" "$S" extract "$T/cut.docx"
errhas -F "is not a valid .docx document"
python3 -c "
import zipfile
with zipfile.ZipFile('$T/bad.docx', 'w') as z: z.writestr('word/document.xml', '<w:document><w:p>')"
expect 1 "XML that is not well-formed is refused, naming the part" "$S" extract "$T/bad.docx"
errhas -F "word/document.xml is not well-formed XML"
same "nothing was stored" "$(sql "SELECT count(*) FROM plan")" "$PLANS"
finish docx
