// ledger.test.mjs - the ledger (台账) round trip through the API: the
// period's workbook downloaded (the project's own writer), uploaded back;
// a hand-crafted filled workbook with two bad rows reports both (row and
// column) and keeps the good rows as drafts; a CSV in GB18030 is accepted
// (also when its bytes happen to be valid UTF-8), or read as the encoding
// the user chose; a malformed workbook is refused cleanly. Issue 9: two
// uploads of the same sheet leave one draft per (target, unit, date); the
// sheet carries its period; the download is named after its unit and
// period; a sheet bomb (one long shared string in every cell) is refused
// without the server's memory growing, and a viewer's upload is refused
// before it is read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, shishi, getJson, raw } from './server.mjs';
import { userAdd, signIn } from './wfclient.mjs';
import { zip, xlsx } from './xlsx.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
let srv, clerk, viewer, reviewer, T = [];

before(async () => {
  srv = await startServer();
  const plan = (await getJson(srv.base, '/api/v1/plan')).json;
  T = plan.targets.filter((t) => t.kind === 'count').slice(0, 4).map((t) => t.id);
  for (const id of T)
    shishi('assign', '--db', srv.db, '--target', String(id), '--org', '650102', '--value', '50');
  userAdd(srv.db, 'clerk', 'reporter', '650102');
  userAdd(srv.db, 'viewer', 'viewer', '65');
  userAdd(srv.db, 'reviewer', 'reviewer', '6501');
  clerk = await signIn(srv.base, 'clerk');
  viewer = await signIn(srv.base, 'viewer');
  reviewer = await signIn(srv.base, 'reviewer');
});
after(async () => { assert.equal(await srv.stop(), 0, srv.log().slice(-3000)); });

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEAD = ['id', '项目', '指标', '单位', '任务', '上次', '本期', '分子', '分母', '说明'];

test('the period ledger downloads as xlsx and uploads back unchanged (nothing filled)', async () => {
  const r = await clerk.get('/api/v1/ledger.xlsx?period=2026-06');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], XLSX);
  assert.equal(r.buf.subarray(0, 2).toString(), 'PK');
  const up = await clerk.upload('/api/v1/ledger?period=2026-06', 'file', 'ledger.xlsx', XLSX, r.buf);
  assert.equal(up.status, 200, String(up.buf));
  assert.equal(up.json.format, 'xlsx');
  assert.equal(up.json.stored, 0);
  assert.equal(up.json.skipped, T.length);
  assert.equal(up.json.error_count, 0);
  assert.equal((await getJson(srv.base, '/api/v1/ledger.xlsx')).status, 401);
});

test('a filled workbook with two bad rows: both reported by row and column, good rows kept as drafts',
     async () => {
  const sheet = xlsx([
    HEAD,
    [T[0], 'p', 'm', 'u', 50, null, 12, null, null, '五月'],
    [T[1], 'p', 'm', 'u', 50, null, 'twelve', null, null, null],   // row 3: G not a number
    [T[2], 'p', 'm', 'u', 50, null, -4, null, null, null],          // row 4: G negative
    [T[3], 'p', 'm', 'u', 50, null, 7, null, null, null],
  ]);
  const up = await clerk.upload('/api/v1/ledger?period=2026-06', 'file', 'filled.xlsx', XLSX, sheet);
  assert.equal(up.status, 422, String(up.buf));
  assert.equal(up.json.status, 'draft');
  assert.equal(up.json.stored, 2);
  assert.deepEqual(up.json.errors.map((e) => [e.row, e.column, e.field]),
                   [[3, 'G', 'value'], [4, 'G', 'value']]);
  for (const e of up.json.errors) assert.ok(e.message.length > 5);
  const mine = await clerk.get('/api/v1/me/assignments?period=2026-06');
  const pend = Object.fromEntries(mine.json.assignments.map((a) => [a.target, a.pending]));
  assert.equal(pend[T[0]].status, 'draft');
  assert.equal(pend[T[0]].value, 12);
  assert.equal(pend[T[3]].value, 7);
  assert.equal(pend[T[1]], null, 'a refused row is not half applied');
  // drafts do not count, and can be submitted
  const sub = await clerk.post(`/api/v1/reports/${up.json.ids[0]}/submit`);
  assert.equal(sub.status, 200);
  assert.equal(sub.json.status, 'submitted');
});

test('a CSV in GB18030 (as Chinese Excel saves it) is accepted', async () => {
  const gb = (s) => Buffer.from(s, 'latin1');
  const csv = Buffer.concat([
    Buffer.from('id,p,m,u,a,l,v,n,d,note\r\n'),
    Buffer.from(`${T[1]},p,m,u,50,,15,,,`), gb('\xd0\xde\xc2\xb7'), Buffer.from('\r\n')]);
  const up = await clerk.upload('/api/v1/ledger?period=2026-06', 'file', 'l.csv', 'text/csv', csv);
  assert.equal(up.status, 200, String(up.buf));
  assert.equal(up.json.format, 'csv (GB18030)');
  assert.equal(up.json.stored, 1);
  const mine = await clerk.get('/api/v1/me/assignments?period=2026-06');
  assert.equal(mine.json.assignments.find((a) => a.target === T[1]).pending.note, '修路');
});

test('a period that has not started is refused', async () => {
  const up = await clerk.upload('/api/v1/ledger?period=2026-09', 'file', 'l.csv', 'text/csv',
                                Buffer.from('id\n'));
  assert.equal(up.status, 400);
  assert.equal(up.json.error.field, 'period');
});

test('malformed workbooks are refused cleanly', async () => {
  for (const bad of [Buffer.from('PK\x03\x04 this is not a zip'),
                     zip({ 'xl/other.xml': '<x/>' }),
                     zip({ 'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData></worksheet>' }),
                     zip({ 'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row' })]) {
    const up = await clerk.upload('/api/v1/ledger?period=2026-06', 'file', 'bad.xlsx', XLSX, bad);
    assert.equal(up.status, 400, String(up.buf));
    assert.equal(up.json.error.field, 'file');
  }
});

// ---- issue 9 ------------------------------------------------------------------

// The server's peak resident memory (VmHWM, kB), found by its database path.
function serverHwm() {
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd;
    try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.includes(srv.db) && cmd.includes('serve')) {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return Number(m[1]);
    }
  }
  throw new Error('server process not found');
}

// A 5000-row sheet whose every cell points at one 4000-byte shared string:
// about 200 MB of cell text from a file of a few hundred KB.
function bomb() {
  const cols = 'ABCDEFGHIJ';
  let rows = '';
  for (let r = 1; r <= 5000; r++) {
    rows += `<row r="${r}">`;
    for (const c of cols) rows += `<c r="${c}${r}" t="s"><v>0</v></c>`;
    rows += '</row>';
  }
  return zip({
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>${'x'.repeat(4000)}</t></si></sst>`,
    'xl/worksheets/sheet1.xml': '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
      rows + '</sheetData></worksheet>',
  }, { deflate: true });
}

test('a sheet bomb is refused: a viewer before it is read, a reporter by the text limit; ' +
     'the server stays small and answers', async (t) => {
  const b = bomb();
  assert.ok(b.length < 1000000, `the bomb is small on the wire (${b.length} bytes)`);
  const hwm0 = serverHwm();
  let up = await viewer.upload('/api/v1/ledger?period=2026-06', 'file', 'b.xlsx', XLSX, b);
  assert.equal(up.status, 403, String(up.buf));
  up = await clerk.upload('/api/v1/ledger?period=2026-06', 'file', 'b.xlsx', XLSX, b);
  assert.equal(up.status, 400, String(up.buf));
  assert.equal(up.json.error.field, 'file');
  assert.match(up.json.error.message, /MiB/);
  // a few at once
  const all = await Promise.all([1, 2, 3, 4].map(() =>
    clerk.upload('/api/v1/ledger?period=2026-06', 'file', 'b.xlsx', XLSX, b)));
  for (const r of all) assert.ok(r.status === 400 || r.status === 503, `${r.status} ${r.buf}`);
  assert.equal((await getJson(srv.base, '/api/v1/plan')).status, 200);
  const grown = (serverHwm() - hwm0) / 1024;
  t.diagnostic(`sheet bomb: peak memory grew by ${grown.toFixed(0)} MB`);
  assert.ok(grown < 120, `peak memory grew by ${grown.toFixed(0)} MB`);
});

test('the download is named after its unit and period (RFC 6266 filename*, ASCII fallback)',
     async () => {
  const r = await clerk.get('/api/v1/ledger.xlsx?period=2026-05');
  assert.equal(r.status, 200);
  const cd = r.headers['content-disposition'] || '';
  assert.match(cd, /^attachment;/);
  assert.match(cd, /filename="ledger-650102-2026-05\.xlsx"/);
  assert.ok(cd.includes("filename*=UTF-8''" + encodeURIComponent('台账-650102-2026-05.xlsx')), cd);
});

test('the sheet carries its period: May\'s ledger uploaded without ?period is stored in May; ' +
     'none at all, or a different ?period, is an error naming them', async () => {
  const x = await clerk.get('/api/v1/ledger.xlsx?period=2026-05');
  // fill G2 of the downloaded workbook's own rows by rebuilding it from JSON
  const mine = await clerk.get('/api/v1/me/assignments?period=2026-05');
  const rows = [HEAD.concat(['填报期 period', '2026-05'])];
  rows.push([mine.json.assignments[0].target, 'p', 'm', 'u', 50, null, 3, null, null, '五月']);
  let up = await clerk.upload('/api/v1/ledger', 'file', 'may.xlsx', XLSX, xlsx(rows));
  assert.equal(up.status, 200, String(up.buf));
  assert.equal(up.json.stored, 1);
  const may = await clerk.get('/api/v1/me/assignments?period=2026-05');
  const p = may.json.assignments.find((a) => a.target === rows[1][0]).pending;
  assert.ok(p && p.value === 3, JSON.stringify(p));
  // the workbook the server writes says its period too: a mismatch names both
  up = await clerk.upload('/api/v1/ledger?period=2026-04', 'file', 'x.xlsx', XLSX, x.buf);
  assert.equal(up.status, 400, String(up.buf));
  assert.equal(up.json.error.field, 'period');
  assert.match(up.json.error.message, /2026-04/);
  assert.match(up.json.error.message, /2026-05/);
  up = await clerk.upload('/api/v1/ledger', 'file', 'l.csv', 'text/csv',
                          Buffer.from(`id,p,m,u,a,l,v,n,d,note\r\n${T[0]},p,m,u,50,,4,,,\r\n`));
  assert.equal(up.status, 400, String(up.buf));
  assert.equal(up.json.error.field, 'period');
});

test('acceptance: two uploads of the same sheet leave one draft per (target, unit, date)',
     async () => {
  const sheet = xlsx([HEAD,
    [T[2], 'p', 'm', 'u', 50, null, 20, null, null, null],
    [T[3], 'p', 'm', 'u', 50, null, 21, null, null, null]]);
  const ids = [];
  for (let k = 0; k < 2; k++) {
    const up = await clerk.upload('/api/v1/ledger?period=2026-04', 'file', 'a.xlsx', XLSX, sheet);
    assert.equal(up.status, 200, String(up.buf));
    ids.push(...up.json.ids);
  }
  for (const id of new Set(ids)) await clerk.post(`/api/v1/reports/${id}/submit`);
  const inbox = await reviewer.get('/api/v1/inbox');
  const live = inbox.json.reports.filter((r) => r.org.code === '650102' && r.date === '2026-04-30');
  const keys = live.map((r) => `${r.target}@${r.date}`);
  assert.deepEqual(keys.sort(), [`${T[2]}@2026-04-30`, `${T[3]}@2026-04-30`]);
});

test('GB18030 whose bytes are also valid UTF-8 is read as GB18030, unless the user chooses',
     async () => {
  // 为什么说专业 in GB18030: every byte pair is also a valid UTF-8 sequence
  const gb = Buffer.from('ceaacab2c3b4cbb5d7a8d2b5', 'hex');
  const csv = (v) => Buffer.concat([Buffer.from(`id,p,m,u,a,l,v,n,d,note\r\n${T[1]},p,m,u,50,,${v},,,`),
                                    gb, Buffer.from('\r\n')]);
  let up = await clerk.upload('/api/v1/ledger?period=2026-03', 'file', 'l.csv', 'text/csv', csv(1));
  assert.equal(up.status, 200, String(up.buf));
  assert.equal(up.json.format, 'csv (GB18030)');
  let mine = await clerk.get('/api/v1/me/assignments?period=2026-03');
  assert.equal(mine.json.assignments.find((a) => a.target === T[1]).pending.note, '为什么说专业');
  up = await clerk.upload('/api/v1/ledger?period=2026-03&encoding=utf-8', 'file', 'l.csv',
                          'text/csv', csv(2));
  assert.equal(up.status, 200, String(up.buf));
  assert.equal(up.json.format, 'csv (UTF-8)');
  mine = await clerk.get('/api/v1/me/assignments?period=2026-03');
  assert.equal(mine.json.assignments.find((a) => a.target === T[1]).pending.note, gb.toString('utf8'));
  up = await clerk.upload('/api/v1/ledger?period=2026-03&encoding=latin1', 'file', 'l.csv',
                          'text/csv', csv(2));
  assert.equal(up.status, 400);
  assert.equal(up.json.error.field, 'encoding');
});

test('an upload is refused before its body is read unless a reporter sends it', async () => {
  // the headers of a 15 MB upload, and no body: the answer must not wait for it
  const head = (cookie) => 'POST /api/v1/ledger?period=2026-06 HTTP/1.1\r\nHost: x\r\n' +
    `Cookie: ${cookie}\r\nX-CSRF-Token: x\r\nContent-Length: 15000000\r\n` +
    'Content-Type: multipart/form-data; boundary=b\r\n\r\n';
  const until = (d) => /\r\n\r\n[\s\S]*\}\n/.test(d);
  let r = await raw(srv.port, [head(viewer.cookie)], { until });
  assert.match(r.data, /^HTTP\/1\.1 403 /);
  assert.match(r.data, /"code":"forbidden"/);
  r = await raw(srv.port, [head('ss_session=' + '0'.repeat(64))], { until });
  assert.match(r.data, /^HTTP\/1\.1 401 /);
  r = await raw(srv.port, [head(reviewer.cookie).replace('/api/v1/ledger?period=2026-06',
                                                         '/api/v1/reports/1/evidence')], { until });
  assert.match(r.data, /^HTTP\/1\.1 403 /);
});

test('month end in two requests: the ledger uploaded for review (?status=submitted), then ' +
     'approved as one batch; an unknown status is refused before anything is stored', async () => {
  const csv = Buffer.from(`id,p,m,u,a,l,v,n,d,note\r\n${T[0]},p,m,u,50,,31,,,\r\n${T[1]},p,m,u,50,,32,,,\r\n`);
  let up = await clerk.upload('/api/v1/ledger?period=2026-02&status=final', 'file', 'l.csv',
                              'text/csv', csv);
  assert.equal(up.status, 400, String(up.buf));
  assert.equal(up.json.error.field, 'status');
  let inbox = await reviewer.get('/api/v1/inbox');
  assert.equal(inbox.json.reports.filter((r) => r.date === '2026-02-28').length, 0);
  up = await clerk.upload('/api/v1/ledger?period=2026-02&status=submitted', 'file', 'l.csv',
                          'text/csv', csv);
  assert.equal(up.status, 200, String(up.buf));
  assert.equal(up.json.status, 'submitted');
  assert.equal(up.json.ids.length, 2);
  inbox = await reviewer.get('/api/v1/inbox');
  const waiting = inbox.json.reports.filter((r) => r.date === '2026-02-28');
  assert.deepEqual(waiting.map((r) => r.id).sort(), [...up.json.ids].sort());
  assert.ok(waiting.every((r) => r.status === 'submitted'), JSON.stringify(waiting));
  const ok = await reviewer.post('/api/v1/reports/approve', { ids: up.json.ids });
  assert.equal(ok.status, 200, String(ok.buf));
  assert.equal(ok.json.approved, 2);
  const mine = await clerk.get('/api/v1/me/assignments?period=2026-02');
  for (const [t, v] of [[T[0], 31], [T[1], 32]]) {
    const a = mine.json.assignments.find((x) => x.target === t);
    assert.deepEqual([a.last, a.last_date], [v, '2026-02-28'], JSON.stringify(a));
  }
});
