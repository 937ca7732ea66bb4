// ledger.test.mjs - the ledger (台账) round trip through the API: the
// period's workbook downloaded (the project's own writer), uploaded back;
// a hand-crafted filled workbook with two bad rows reports both (row and
// column) and keeps the good rows as drafts; a CSV in GB18030 is accepted;
// a malformed workbook is refused cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, shishi, getJson } from './server.mjs';
import { userAdd, signIn } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
let srv, clerk, T = [];

before(async () => {
  srv = await startServer();
  const plan = (await getJson(srv.base, '/api/v1/plan')).json;
  T = plan.targets.filter((t) => t.kind === 'count').slice(0, 4).map((t) => t.id);
  for (const id of T)
    shishi('assign', '--db', srv.db, '--target', String(id), '--org', '650102', '--value', '50');
  userAdd(srv.db, 'clerk', 'reporter', '650102');
  clerk = await signIn(srv.base, 'clerk');
});
after(async () => { assert.equal(await srv.stop(), 0, srv.log().slice(-3000)); });

// ---- a minimal xlsx writer: a zip of stored (uncompressed) parts ----------
const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xFF] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function zip(files) {
  const locals = [], centrals = [];
  let off = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8'), nm = Buffer.from(name);
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18); lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(nm.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6);
    ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(data.length, 20);
    ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(nm.length, 28);
    ch.writeUInt32LE(off, 42);
    locals.push(lh, nm, data);
    centrals.push(ch, nm);
    off += 30 + nm.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
// rows: arrays of cells (numbers, strings, or null); strings go to shared strings
function xlsx(rows) {
  const strings = [];
  const cols = 'ABCDEFGHIJ';
  const xmlRows = rows.map((row, i) => `<row r="${i + 1}">` + row.map((v, k) => {
    if (v === null || v === undefined) return '';
    const ref = `${cols[k]}${i + 1}`;
    if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
    strings.push(v);
    return `<c r="${ref}" t="s"><v>${strings.length - 1}</v></c>`;
  }).join('') + '</row>').join('');
  return zip({
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'xl/sharedStrings.xml': '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      strings.map((s) => `<si><t>${esc(s)}</t></si>`).join('') + '</sst>',
    'xl/worksheets/sheet1.xml': '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
      xmlRows + '</sheetData></worksheet>',
  });
}
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
