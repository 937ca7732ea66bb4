#!/usr/bin/env python3
"""seeds.py - write the hand-made seed inputs of the fuzz corpora.

    python3 fuzz/seeds.py [LEDGER.xlsx]

Writes fuzz/corpus/NAME/seed-* for the multipart, urlencoded, cookie, sheet
and plan_json targets: small, well-formed inputs of each shape the parsers
meet (and a few refused ones), so that the fuzzer starts from the grammar
instead of from nothing. LEDGER.xlsx, when given, is a ledger sheet the
program itself wrote (GET /api/v1/ledger.xlsx of a default database with
a share at 650102): it goes in as it is, re-zipped stored, and as its two
XML parts for the sheet target's XML path (see fuzz/sheet_fuzz.c). The
fuzzer's own finds (fz-*) are kept beside these; see fuzz/README.md.
"""
import io
import os
import sys
import zipfile

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(TOP, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def multipart():
    b = "----WebKitFormBoundaryq8Tz"
    ct = "multipart/form-data; boundary=" + b + "\n"
    put("multipart", "form", ct + "--" + b + "\r\n"
        'Content-Disposition: form-data; name="csrf"\r\n\r\n0123abcd\r\n'
        "--" + b + "\r\n"
        'Content-Disposition: form-data; name="period"\r\n\r\n2026-06\r\n'
        "--" + b + "--\r\n")
    put("multipart", "file", ct + "--" + b + "\r\n"
        'Content-Disposition: form-data; name="csrf"\r\n\r\nabc\r\n'
        "--" + b + "\r\n"
        'Content-Disposition: form-data; name="file"; filename="C:\\\\Users\\\\clerk\\\\台账.xlsx"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        "PK\x03\x04 not really a zip\r\n"
        "--" + b + "--\r\nepilogue is ignored\r\n")
    put("multipart", "quoted-boundary", 'multipart/form-data; charset=utf-8; boundary="a b"\n'
        "preamble\r\n--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--")
    put("multipart", "no-headers", ct + "--" + b + "\r\n\r\nbody\r\n--" + b + "--\r\n")
    put("multipart", "evidence", ct + "--" + b + "\r\n"
        'Content-Disposition: form-data; name="evidence"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0\x00\x10JFIF\r\n"
        "--" + b + "--\r\n")
    put("multipart", "unclosed", ct + "--" + b + "\r\n"
        'Content-Disposition: form-data; name="a"\r\n\r\nno close delimiter')
    put("multipart", "body-only", "--b\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\nv\r\n--b--\r\n")


def urlencoded():
    put("urlencoded", "login", "name=clerk&password=s3cret%21&csrf=00ff&next=%2Fconsole")
    put("urlencoded", "report", "csrf=ab&target=12&date=2026-06-30&value=3.5"
        "&note=%E6%B5%8B%E8%AF%95+%E5%A4%87%E6%B3%A8&correction=1")
    put("urlencoded", "odd", "a&&b=&=c&+%20+=x&k=v=w&")
    put("urlencoded", "bad-escape", "a=%zz&b=%4")
    put("urlencoded", "nul-name", "a%00b=1")
    put("urlencoded", "repeat", "ids=1&ids=2&ids=3&ids=4")


def cookie():
    put("cookie", "session", "ss_session=4f1c2a9be0d7c3a5f1e2d3c4b5a69788; lang=en; care=1")
    put("cookie", "login", "ss_login=\"q9Zx-1\"; lang=ug")
    put("cookie", "odd", " ;a; =b ;c= ; d=\t1\t;;e=\"\";f=\"x")
    put("cookie", "duplicate", "lang=zh; lang=en; ss_session=a; ss_session=b")
    put("cookie", "accept-encoding", "gzip;q=0, deflate, br, *;q=0.5")
    put("cookie", "if-none-match", "W/\"0123456789abcdef\", \"x\", *")


def zipped(parts, stored=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


SST = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">'
       "<si><t>指标</t></si><si><t>本期值</t></si>"
       '<si><r><t>新增</t></r><r><t xml:space="preserve"> 就业</t></r><rPh><t>シュウ</t></rPh></si>'
       "<si><t>填报期 period</t></si><si><t>2026-06</t></si></sst>")
SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="G1" t="s"><v>1</v></c>'
         '<c r="K1" t="s"><v>3</v></c><c r="L1" t="s"><v>4</v></c></row>'
         '<row r="2"><c r="A2"><v>1</v></c><c r="C2" t="s"><v>2</v></c><c r="G2"><v>12.5</v></c>'
         '<c r="H2" t="b"><v>1</v></c><c r="J2" t="inlineStr"><is><t>备注</t></is></c></row>'
         '<row r="4"><c><v>3</v></c><c t="str"><v>=A2*2</v></c></row>'
         "</sheetData></worksheet>")


def sheet(ledger):
    parts = {"[Content_Types].xml": "<Types/>", "xl/sharedStrings.xml": SST,
             "xl/worksheets/sheet1.xml": SHEET}
    put("sheet", "deflated.xlsx", zipped(parts))
    put("sheet", "stored.xlsx", zipped(parts, stored=True))
    put("sheet", "numbers-only.xlsx", zipped({"xl/worksheets/sheet1.xml": SHEET.replace(' t="s"', "")}))
    put("sheet", "no-sheet.xlsx", zipped({"xl/workbook.xml": "<workbook/>"}))
    put("sheet", "parts.xml", SST + SHEET)
    put("sheet", "sheet-only.xml", SHEET.replace(' t="s"', ""))
    put("sheet", "bad-order.xml", SHEET.replace('r="4"', 'r="1"'))
    put("sheet", "entity.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<worksheet><sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>')
    csv = ("指标,项目,指标名,单位,分解值,上期值,本期值,分子,分母,备注,填报期 period,2026-06\r\n"
           "1,一,新增就业,人,50,12,20,,,\"多行\n备注，含逗号\"\r\n"
           "4,二,落实率,%,90,,,45,50,\r\n")
    put("sheet", "ledger-utf8.csv", csv)
    put("sheet", "ledger-bom.csv", "\ufeff" + csv)
    put("sheet", "ledger-gb18030.csv", csv.encode("gb18030"))
    put("sheet", "utf16.csv", "\ufeff指标,值\r\n".encode("utf-16-le"))
    put("sheet", "quotes.csv", 'a,"b ""c""",d\n"unterminated\n')
    put("sheet", "short-gb.csv", "说".encode("gb18030"))
    if ledger:
        with open(ledger, "rb") as f:
            book = f.read()
        put("sheet", "ledger.xlsx", book)
        with zipfile.ZipFile(io.BytesIO(book)) as z:
            sst = z.read("xl/sharedStrings.xml")
            sh = z.read("xl/worksheets/sheet1.xml")
            put("sheet", "ledger-stored.xlsx", zipped(
                {"xl/sharedStrings.xml": sst, "xl/worksheets/sheet1.xml": sh}, stored=True))
            put("sheet", "ledger-parts.xml", sst + sh)


def plan_json():
    target = ('{"text":"新增城镇就业47万人以上","metric":"城镇新增就业","value":470000,'
              '"unit":"人","op":">="%s}')
    put("plan_json", "tracked", '{"plan":{"title":"测试计划","year":2026,"top_org":"65",'
        '"period_start":"2026-01-01","period_end":"2026-12-31","yellow_pp":10,"red_pp":30},'
        '"projects":[{"no":1,"title":"就业","lead_dept":"人社厅","targets":[' +
        target % ',"kind":"count","dept":"人社厅"' + "," +
        target % ',"parent":0,"profile":[0,0,0,0.1,0.3,0.5,0.7,0.9,1,1,1,1]' + "]}," +
        '{"no":2,"title":"保障","targets":[{"text":"落实率90%以上","value":90,"unit":"%",'
        '"op":">=","kind":"rate"},{"text":"较上年增加5%","value":5.25,"unit":"%"}]}]}')
    put("plan_json", "import", '\ufeff {"plan":{"title":"","year":null,"published":"2026-02-09"},'
        '"projects":[{"no":3,"title":"","targets":[{"text":"新建公厕5座","value":5,"unit":"座"}]}]}')
    put("plan_json", "not-a-plan", '[{"plan":1}]')
    put("plan_json", "keys", '{"title":"x","targets":[],"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}')
    put("plan_json", "bad-values", '{"plan":{"title":"t","year":2026,"yellow_pp":0.0000001,'
        '"red_pp":100},"projects":[{"no":1,"title":"p","targets":[{"text":"t","value":1e300,'
        '"op":"<=","kind":"milestone"},{"text":"u","value":-1}]}]}')
    put("plan_json", "duplicate", '{"plan":{"title":"t","year":2026},"plan":{},"projects":[]}')
    put("plan_json", "deep", "[" * 40 + "]" * 40)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOC = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<w:document ' + W + '><w:body>'
       '<w:p><w:r><w:t>自治区2026年十件民生实事</w:t></w:r></w:p>'
       '<w:p><w:r><w:t>一、</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">新建幼儿园</w:t></w:r>'
       '<w:r><w:t>12所</w:t></w:r><w:r><w:tab/><w:t>改造管网30公里</w:t></w:r><w:r><w:br/></w:r></w:p>'
       '<w:p><w:del><w:r><w:delText>删去的100人</w:delText></w:r></w:del>'
       '<w:r><w:instrText> PAGE </w:instrText></w:r></w:p>'
       '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p>'
       '<w:p><w:r><w:t>第二段</w:t></w:r></w:p></w:tc></w:tr>'
       '<w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内表</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>'
       '<w:p><w:r><w:t>新疆维吾尔自治区人民政府</w:t></w:r></w:p><w:p><w:r><w:t>2026年2月9日</w:t></w:r></w:p>'
       '<w:sectPr/></w:body></w:document>')


def docx():
    put("docx", "document.xml", DOC)
    put("docx", "docx", zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": DOC}))
    put("docx", "docx-stored", zipped({"word/document.xml": DOC}, stored=True))
    put("docx", "not-word", zipped({"xl/workbook.xml": "<workbook/>"}))
    put("docx", "bad-xml", "<w:document " + W + "><w:body><w:p><w:t>未闭合")
    put("docx", "entity", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document ' + W + '><w:body><w:p><w:r>'
        '<w:t>&b;&b;&b;</w:t></w:r></w:p></w:body></w:document>')
    put("docx", "text", "一、新建幼儿园12所。\n")
    put("docx", "pk-short", "PK\x03\x04")


if __name__ == "__main__":
    docx()
    multipart()
    urlencoded()
    cookie()
    sheet(sys.argv[1] if len(sys.argv) > 1 else None)
    plan_json()
