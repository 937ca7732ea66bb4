// bulletins.test.mjs - the published bulletins over HTTP, on either
// backend: /bulletins is public and cacheable; each file comes with its
// type, a Content-Disposition naming it, and its SHA-256 as a strong ETag
// (If-None-Match answers 304); the bytes are the ones published, and stay
// so after a later correction; unknown ids and suffixes are 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { startServer, shishi, request, getJson } from './server.mjs';

process.env.SHISHI_TODAY = '2026-07-10';
let srv, pub;
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

before(async () => {
  srv = await startServer();
  shishi('report', 'add', '--db', srv.db, '--target', '1', '--org', '65', '--date', '2026-06-30',
         '--value', '200000');
  pub = JSON.parse(shishi('bulletin', 'publish', '--db', srv.db, '--period', '2026-06', '--json'));
});
after(async () => {
  assert.equal(await srv.stop(), 0);
});

test('/bulletins is public and cacheable, and lists the published one', async () => {
  const r = await request(srv.base, '/bulletins');
  assert.equal(r.status, 200);
  assert.match(r.headers['cache-control'], /public/);
  const body = r.body.toString('utf8');
  assert.ok(body.includes(`href="/bulletins/${pub.id}.pdf"`), body);
  assert.ok(body.includes(`href="/bulletins/${pub.id}.xlsx"`), body);
  assert.ok(body.includes('2026-06'));
});

test('each file has its type, name and content hash as a strong ETag', async () => {
  for (const [ext, type, hash, disp] of [
    ['pdf', 'application/pdf', pub.pdf_sha256, /^inline; filename="bulletin-2026-06-65-zh-v1\.pdf"$/],
    ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', pub.xlsx_sha256,
     /^attachment; filename="bulletin-2026-06-65-zh-v1\.xlsx"$/]]) {
    const r = await request(srv.base, `/bulletins/${pub.id}.${ext}`,
                            { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(r.status, 200, ext);
    assert.equal(r.headers['content-type'], type);
    assert.match(r.headers['content-disposition'], disp);
    assert.equal(r.headers.etag, `"${hash}"`);
    assert.equal(r.headers['content-encoding'], undefined, 'sent as stored');
    assert.equal(sha(r.body), hash, `${ext} bytes are the published ones`);
    assert.match(r.headers['cache-control'], /public/);
    const again = await request(srv.base, `/bulletins/${pub.id}.${ext}`,
                                { headers: { 'If-None-Match': `"${hash}"` } });
    assert.equal(again.status, 304);
  }
  assert.equal((await request(srv.base, '/bulletins/1.pdf')).body.subarray(0, 5).toString(), '%PDF-');
});

test('the XLSX read back by shishi\'s sheet reader has the API\'s figures', async () => {
  const file = path.join(srv.dir, 'b.xlsx');
  shishi('bulletin', '--db', srv.db, '--period', '2026-06', '--format', 'xlsx', '--out', file);
  const rows = JSON.parse(shishi('bulletin', 'sheet', file, '--nth', '2'));
  const col = Object.fromEntries(rows[0].map((h, i) => [h, i]));
  assert.ok(rows.length > 2, 'project 1 has targets');
  let reported = 0;
  for (const r of rows.slice(1)) {
    const t = (await getJson(srv.base, `/api/v1/targets/${r[0]}?date=2026-06-30`)).json.target;
    assert.equal(t.project, 1);
    assert.equal(r[col['指标']], t.metric);
    assert.equal(Number(r[col['目标值']]), t.value);
    assert.equal(r[col['状态']], t.status_label);
    if (t.reporters) {
      assert.equal(Number(r[col['完成值']]), t.actual);
      reported++;
    }
    if (t.progress !== null) assert.ok(Math.abs(Number(r[col['完成进度']]) - t.progress) <= 0.051);
    if (t.expected !== null) assert.ok(Math.abs(Number(r[col['时序进度']]) - t.expected) <= 0.051);
  }
  assert.ok(reported >= 1, 'a reported target was compared');
});

test('a later correction leaves the published file as it was', async () => {
  shishi('report', 'add', '--db', srv.db, '--target', '1', '--org', '65', '--date', '2026-06-30',
         '--value', '100000', '--correction', '--note', 'miscounted');
  const r = await request(srv.base, `/bulletins/${pub.id}.pdf`);
  assert.equal(sha(r.body), pub.pdf_sha256);
});

test('unknown bulletins and suffixes are 404', async () => {
  for (const p of ['/bulletins/999.pdf', `/bulletins/${pub.id}.doc`, '/bulletins/x.pdf',
                   `/bulletins/${pub.id}`, '/bulletins/0.xlsx'])
    assert.equal((await request(srv.base, p)).status, 404, p);
});
