// exports.test.mjs - every table's CSV and XLSX download (issue 13's
// exports): the file has the page's columns, headings, rows and language,
// and the API's figures; the workbook is read back by shishi's own sheet
// reader; text that a spreadsheet would run as a formula is defused in both
// (an apostrophe first, XLSX cells strings, never formulas) and markup is
// inert; the console's downloads answer exactly as their pages do for
// every role and scope; and the open-data zip unpacks into the files its
// dictionary describes, with the API's figures and the bulletins as
// published. Runs on both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, shishi, request } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-07-10';
process.env.SHISHI_PWHASH_FAST = '1';
const FORMULA = "=cmd|' /C calc'!A0";
const MARKUP = '<script>alert(1)</script>';
const T = 47; // a count target of the default plan
let srv, as = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  srv = await startServer();
  const db = ['--db', srv.db];
  shishi('assign', ...db, '--target', String(T), '--org', '6501', '--value', '500');
  shishi('assign', ...db, '--target', String(T), '--org', '650102', '--value', '100');
  shishi('assign', ...db, '--target', String(T), '--org', '650103', '--value', '50');
  shishi('report', 'add', ...db, '--target', String(T), '--org', '650102', '--date', '2026-05-31',
         '--value', '20');
  shishi('report', 'add', ...db, '--target', String(T), '--org', '650102', '--date', '2026-06-30',
         '--value', '40');
  // hostile text where a translation puts it: a target's title, a place's name
  const tr = path.join(srv.dir, 'tr.csv');
  fs.writeFileSync(tr, `id,text\ntarget:${T},${FORMULA}\norg:650102,${MARKUP}\n`);
  shishi('plan', 'translate', ...db, '--lang', 'en', tr);
  for (const [n, role, org] of [['admin', 'admin', '65'], ['rev6501', 'reviewer', '6501'],
                                ['rev6502', 'reviewer', '6502'], ['clerk', 'reporter', '650103']])
    userAdd(srv.db, n, role, org);
  for (const n of ['admin', 'rev6501', 'rev6502', 'clerk']) as[n] = await signIn(srv.base, n);
  as.anon = { get: (p) => send(srv.base, p) };
  await sleep(30);
});
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

// ---- readers ------------------------------------------------------------------------------

// RFC 4180: quoted cells with "" inside, CRLF between records; the BOM first.
function csvRows(buf) {
  const s = buf.toString('utf8');
  assert.ok(s.startsWith('\uFEFF'), 'a BOM, so Excel reads UTF-8');
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && s[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  assert.equal(cell + row.join(''), '', 'the last record ends with CRLF');
  return rows;
}

// A workbook's first sheet by shishi's own reader (base/sheet.c), and its XML.
function xlsxRows(buf) {
  const f = path.join(srv.dir, `x-${crypto.randomUUID()}.xlsx`);
  fs.writeFileSync(f, buf);
  const rows = JSON.parse(shishi('bulletin', 'sheet', f));
  const xml = execFileSync('unzip', ['-p', f, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
  fs.rmSync(f);
  return { rows, xml };
}

const unhtml = (s) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim();

// The page's table labelled cap-ID: heads, rows of cell texts, the download links.
function pageTable(html, id) {
  const at = html.indexOf(`aria-labelledby="cap-${id}"`);
  assert.ok(at >= 0, `the page has table ${id}`);
  const table = html.slice(at, html.indexOf('</table>', at));
  const heads = [...table.slice(0, table.indexOf('</thead>')).matchAll(/<th scope="col">(.*?)<\/th>/g)]
    .map((m) => unhtml(m[1]));
  const body = table.slice(table.indexOf('<tbody>'));
  const rows = [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => unhtml(c[1])));
  const after = html.slice(html.indexOf('</table>', at), html.indexOf('</table>', at) + 1200);
  const links = [...after.slice(0, after.indexOf('</p>')).matchAll(/href="([^"]*)"/g)]
    .map((m) => m[1].replace(/&amp;/g, '&'));
  return { heads, rows, links };
}

const num = (s) => (s === '' || s === '—' ? null : Number(String(s).replace(/[,%]/g, '')));
function near(a, b, tol, what) {
  if (a === null || b === null || b === undefined) {
    assert.equal(a, b ?? null, what);
    return;
  }
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} against ${b}`);
}

// The page's table and its two downloads: the same heads, the same first
// column, the same texts in every text column; returns them.
async function downloads(who, page, id) {
  const p = await who.get(page);
  assert.equal(p.status, 200, page);
  const t = pageTable(p.buf.toString('utf8'), id);
  assert.equal(t.links.length, 2, `${page} ${id}: a CSV and an Excel link`);
  const [csvUrl, xlsxUrl] = t.links;
  assert.match(csvUrl, /\.csv\?/);
  assert.match(xlsxUrl, /\.xlsx\?/);
  const c = await who.get(csvUrl);
  assert.equal(c.status, 200, csvUrl);
  assert.match(c.headers['content-type'], /^text\/csv; charset=utf-8/);
  assert.match(c.headers['content-disposition'], /attachment; filename="[^"]+\.csv"/);
  assert.equal(c.headers['x-content-type-options'], 'nosniff');
  const x = await who.get(xlsxUrl);
  assert.equal(x.status, 200, xlsxUrl);
  assert.match(x.headers['content-type'], /spreadsheetml\.sheet/);
  const csv = csvRows(c.buf);
  const { rows: sheet, xml } = xlsxRows(x.buf);
  assert.deepEqual(csv[0], t.heads, `${csvUrl}: the page's headings`);
  assert.deepEqual(sheet[0], t.heads, `${xlsxUrl}: the page's headings`);
  assert.equal(csv.length - 1, t.rows.length, `${csvUrl}: the page's rows`);
  assert.equal(sheet.length - 1, t.rows.length, `${xlsxUrl}: the page's rows`);
  assert.ok(xml.includes('<pane ') && xml.includes('state="frozen"'), 'the heads are frozen');
  assert.ok(xml.includes('<autoFilter '), 'the heads have a filter');
  assert.ok(!xml.includes('<f>') && !xml.includes('<f '), 'no formula in any cell');
  return { page: t, csv: csv.slice(1), sheet: sheet.slice(1), xml };
}

// ---- the public pages ---------------------------------------------------------------------

test("a target's breakdown: the page's columns in its language, the API's figures", async () => {
  const api = (await send(srv.base, `/api/v1/targets/${T}?org=6501`)).json;
  for (const [lang, status] of [['zh', '状态'], ['en', 'Status'], ['ug', null]]) {
    const d = await downloads(as.anon, `/targets/${T}?org=6501&lang=${lang}`, 'break');
    if (status) assert.equal(d.page.heads[1], status, `${lang}: the heads are the page's language`);
    assert.equal(d.page.rows.length, api.breakdown.length);
    d.csv.forEach((row, i) => {
      const f = api.breakdown[i].figures;
      assert.equal(row[1], d.page.rows[i][1], `${lang} row ${i}: status in words`);
      // progress and due as the page rounds them (one decimal), reached as a number
      near(num(row[2]), f.progress === null ? null : Math.round(f.progress * 10) / 10, 0.051,
           `${lang} row ${i} progress`);
      near(num(row[3]), f.expected === null ? null : Math.round(f.expected * 10) / 10, 0.051,
           `${lang} row ${i} due`);
      near(num(row[4]), f.actual, 1e-9, `${lang} row ${i} reached`);
      const x = d.sheet[i];
      near(num(x[2]), f.progress, 0.006, `${lang} row ${i} progress in the workbook`);
      near(num(x[4]), f.actual, 1e-9, `${lang} row ${i} reached in the workbook`);
      assert.equal(x[5], row[5], `${lang} row ${i}: planned, the same text`);
    });
  }
  const zh = await downloads(as.anon, `/targets/${T}?org=6501&lang=zh`, 'break');
  const r650102 = zh.csv.find((r) => r[0] === '天山区');
  assert.ok(r650102, zh.csv.map((r) => r[0]).join());
  assert.equal(num(r650102[4]), 40, 'the latest approved value');
  const t = api.target;
  assert.equal(r650102[5], `${{ '>=': '不少于 ', '<=': '不超过 ' }[t.op] || ''}100 ${t.unit}`,
               'planned with its words and unit');
});

test('a place\'s targets, its ranking and a target\'s months: the page\'s tables', async () => {
  const api = (await send(srv.base, '/api/v1/orgs/6501')).json;
  const d = await downloads(as.anon, '/orgs/6501?lang=zh', 'tg');
  assert.equal(d.csv.length, api.targets.length);
  d.csv.forEach((row, i) => {
    const f = api.targets[i];
    assert.equal(row[0], f.metric);
    // a level nobody reported has no figure ("—", an empty cell), a running total its sum
    const level = ['rate', 'change'].includes(f.kind);
    near(num(d.sheet[i][4]), level && !f.reporters ? null : f.actual, 1e-9, `target ${f.id} reached`);
    near(num(d.sheet[i][3]), api.targets[i].expected, 0.006, `target ${api.targets[i].id} due`);
  });
  const k = await downloads(as.anon, '/orgs/6501?lang=en', 'kids');
  assert.deepEqual(k.csv.map((r) => r[0]), k.page.rows.map((r) => r[0]), 'the ranks');
  assert.deepEqual(k.csv.map((r) => r[2]), k.page.rows.map((r) => r[2]), 'the counts');
  const s = await downloads(as.anon, `/targets/${T}?org=650102`, 'series');
  const series = (await send(srv.base, `/api/v1/targets/${T}?org=650102`)).json.series;
  assert.deepEqual(s.csv.map((r) => r[0]), series.map((p) => p.as_of ?? p.date), 'the days');
  assert.equal(num(s.csv.find((r) => r[0] === '2026-06-30')[3]), 40);
});

test('unknown tables, formats, targets and places are 404, as the pages are', async () => {
  for (const p of ['/export/nothing.csv?org=65', '/export/org-targets.pdf?org=65',
                   '/export/org-targets?org=65', '/export/org-targets.csv?org=99',
                   '/export/target-breakdown.csv?target=99999&org=65',
                   '/export/target-breakdown.csv?target=abc', '/export/score.csv?org=65',
                   '/console/export/org-targets.csv?org=65'])
    assert.equal((await request(srv.base, p)).status, 404, p);
});

test('hostile text: defused in the CSV and the workbook, escaped on the page', async () => {
  const d = await downloads(as.anon, '/orgs/6501?lang=en', 'tg');
  const i = d.csv.findIndex((r) => r[0].includes('cmd|'));
  assert.ok(i >= 0, 'the translated title is in the table');
  assert.equal(d.page.rows[i][0], FORMULA, 'the page shows the text as it is');
  assert.equal(d.csv[i][0], `'${FORMULA}`, 'CSV: an apostrophe first');
  assert.equal(d.sheet[i][0], `'${FORMULA}`, 'XLSX: an apostrophe first, a string');
  const b = await downloads(as.anon, `/targets/${T}?org=6501&lang=en`, 'break');
  const row = b.csv.find((r) => r[0] === MARKUP);
  assert.ok(row, 'the place\'s name as text in the CSV');
  assert.ok(b.sheet.some((r) => r[0] === MARKUP), 'and in the workbook');
  assert.ok(b.xml.includes('&lt;script&gt;') || !b.xml.includes('<script>'), 'escaped in the XML');
  const page = (await send(srv.base, `/targets/${T}?org=6501&lang=en`)).buf.toString('utf8');
  assert.ok(!page.includes(MARKUP) && page.includes('&lt;script&gt;'), 'escaped on the page');
  // a number column never gets the apostrophe: -5 stays a number
  assert.ok(d.csv.every((r) => !String(r[2]).startsWith("'")));
});

// ---- the console --------------------------------------------------------------------------

const CONSOLE = [
  ['/console/completeness', 'units', 'completeness-units'],
  ['/console/completeness', 'missing', 'completeness-missing'],
  ['/console/completeness', 'depts', 'completeness-depts'],
  ['/console/score', 'ranking', 'score'],
];

test('the console\'s downloads answer as their pages do, for every role and scope', async () => {
  for (const who of ['anon', 'clerk', 'rev6501', 'rev6502', 'admin'])
    for (const org of ['6501', '6502', '65'])
      for (const [page, , name] of CONSOLE) {
        const q = `?org=${org}&period=2026-06`;
        const p = await as[who].get(page + q);
        for (const ext of ['csv', 'xlsx']) {
          const x = await as[who].get(`/console/export/${name}.${ext}${q}`);
          assert.equal(x.status, p.status, `${who} ${name}.${ext} at ${org}: as ${page}`);
          if (p.status !== 200)
            assert.ok(!x.buf.toString('utf8').includes('天山区'), 'a refusal shows nothing');
        }
      }
  assert.equal((await as.rev6502.get('/console/export/score.csv?org=6501')).status, 403);
  assert.equal((await as.anon.get('/console/export/notices.csv')).status,
               (await as.anon.get('/console/notices')).status);
});

test('completeness and scores: the page\'s tables, the API\'s counts', async () => {
  const api = (await as.rev6501.get('/api/v1/completeness?period=2026-06&org=6501')).json;
  const q = '?org=6501&period=2026-06';
  const u = await downloads(as.rev6501, '/console/completeness' + q, 'units');
  assert.equal(u.csv.length, api.children.length);
  u.csv.forEach((row, i) => {
    const c = api.children[i];
    assert.deepEqual(row.slice(1, 6).map(Number), [c.expected, c.reported, c.on_time, c.late,
                                                   c.missing], `unit ${c.org.code}`);
    assert.deepEqual(u.sheet[i].slice(1, 6).map(Number), row.slice(1, 6).map(Number));
  });
  const m = await downloads(as.rev6501, '/console/completeness' + q, 'missing');
  assert.equal(m.csv.length, api.assignments.filter((a) => ['missing', 'pending'].includes(a.state))
    .length);
  const dp = await downloads(as.rev6501, '/console/completeness' + q, 'depts');
  assert.equal(dp.csv.length, api.departments.length);
  const s = await downloads(as.rev6501, '/console/score' + q, 'ranking');
  const score = JSON.parse(shishi('score', '--db', srv.db, '--period', '2026-06', '--org', '6501',
                                  '--json'));
  assert.equal(s.csv.length, score.ranking.length);
  s.csv.forEach((row, i) => {
    const r = score.ranking[i];
    near(num(row[2]), r.score === null ? null : Math.round(r.score * 10) / 10, 0.051, 'score');
    near(num(s.sheet[i][2]), r.score, 1e-6, 'score in the workbook');
  });
});

// ---- open data ----------------------------------------------------------------------------

test('plan.csv: every target of the plan, as the API has it', async () => {
  const r = await request(srv.base, '/api/v1/plan.csv');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/csv/);
  const rows = csvRows(r.body);
  const head = rows[0];
  const plan = (await send(srv.base, '/api/v1/plan')).json;
  const targets = plan.targets.map((t) => ({ p: plan.projects.find((x) => x.no === t.project), t }));
  assert.equal(rows.length - 1, targets.length);
  for (const [i, { p, t }] of targets.entries()) {
    const row = Object.fromEntries(head.map((h, k) => [h, rows[i + 1][k]]));
    assert.equal(Number(row.target_id), t.id);
    assert.equal(Number(row.project_no), p.no);
    assert.equal(row.project, p.title);
    assert.equal(row.metric, t.metric);
    assert.equal(Number(row.value), t.value);
    assert.equal(row.unit, t.unit);
    assert.equal(row.comparator, { '>=': 'ge', '<=': 'le', '=': 'eq' }[t.op]);
    assert.equal(row.kind, t.kind);
    assert.equal(row.text, t.text);
    assert.equal(row.lead_department, p.lead_dept);
  }
});

test('the open-data zip: each file as its dictionary says, the API\'s figures, the bulletins', async () => {
  const pub = JSON.parse(shishi('bulletin', 'publish', '--db', srv.db, '--period', '2026-06',
                                '--json'));
  const r = await request(srv.base, '/api/v1/opendata.zip');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/zip');
  const dir = path.join(srv.dir, 'od');
  fs.mkdirSync(dir);
  const zip = path.join(srv.dir, 'od.zip');
  fs.writeFileSync(zip, r.body);
  execFileSync('unzip', ['-q', '-o', zip, '-d', dir]);
  const read = (f) => csvRows(fs.readFileSync(path.join(dir, f)));
  const dict = read('dictionary.csv');
  assert.deepEqual(dict[0], ['file', 'column', 'type', 'description_zh', 'description_en']);
  const files = {};
  for (const [file, column, type, zh, en] of dict.slice(1)) {
    assert.ok(zh && en, `${file} ${column}: described in Chinese and English`);
    if (!file.endsWith('.csv')) continue;
    (files[file] ||= []).push({ column, type });
  }
  assert.deepEqual(Object.keys(files).sort(),
                   ['bulletins.csv', 'dictionary.csv', 'figures.csv', 'plan.csv']);
  for (const [file, cols] of Object.entries(files)) {
    const rows = read(file);
    assert.deepEqual(rows[0], cols.map((c) => c.column), `${file}: the dictionary's columns`);
    for (const row of rows.slice(1)) {
      assert.equal(row.length, cols.length, `${file}: every row has every column`);
      row.forEach((v, k) => {
        if (v === '') return;
        const t = cols[k].type;
        if (t === 'integer') assert.match(v, /^-?\d+$/, `${file} ${cols[k].column}`);
        if (t === 'number') assert.ok(Number.isFinite(Number(v)), `${file} ${cols[k].column}: ${v}`);
        if (t === 'date') assert.match(v, /^\d{4}-\d\d-\d\d/, `${file} ${cols[k].column}`);
        if (t === 'month') assert.match(v, /^\d{4}-\d\d$/, `${file} ${cols[k].column}`);
      });
    }
  }
  // plan.csv is /api/v1/plan.csv
  assert.deepEqual(fs.readFileSync(path.join(dir, 'plan.csv')),
                   (await request(srv.base, '/api/v1/plan.csv')).body);
  // figures: the API's, at a month's end
  const fig = read('figures.csv');
  const h = fig[0];
  const at = (org, month) => Object.fromEntries(h.map((k, i) => [k, fig.find((row) =>
    row[0] === org && row[3] === String(T) && row[4] === month)?.[i]]));
  for (const [org, month, day] of [['650102', '2026-06', '2026-06-30'],
                                   ['6501', '2026-05', '2026-05-31'],
                                   ['650102', '2026-07', '2026-07-10']]) {
    const f = (await send(srv.base, `/api/v1/targets/${T}?org=${org}&date=${day}`)).json.target;
    const row = at(org, month);
    assert.equal(row.as_of, day, `${org} ${month}`);
    assert.equal(row.status, f.status, `${org} ${month} status`);
    near(num(row.actual), f.actual, 1e-9, `${org} ${month} actual`);
    near(num(row.org_value), f.org_value, 1e-9, `${org} ${month} org_value`);
    near(num(row.progress), f.progress, 0.006, `${org} ${month} progress`);
    near(num(row.expected), f.expected, 0.006, `${org} ${month} expected`);
    assert.equal(Number(row.reporters), f.reporters, `${org} ${month} reporters`);
  }
  // bulletins: as published, byte for byte
  const bl = read('bulletins.csv');
  assert.equal(bl.length, 2, 'the one bulletin published');
  const b = Object.fromEntries(bl[0].map((k, i) => [k, bl[1][i]]));
  assert.equal(Number(b.id), pub.id);
  assert.equal(b.audit_head, pub.head);
  for (const [file, sha] of [[b.pdf, b.pdf_sha256], [b.xlsx, b.xlsx_sha256]]) {
    const bytes = fs.readFileSync(path.join(dir, file));
    assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), sha, file);
  }
  assert.equal(b.pdf_sha256, pub.pdf_sha256);
  // the CLI writes the same bytes
  const out = path.join(srv.dir, 'cli.zip');
  shishi('export', 'opendata', '--db', srv.db, '--out', out);
  assert.ok(fs.readFileSync(out).equals(r.body), 'shishi export opendata: the same zip');
});
