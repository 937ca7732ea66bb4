// completeness.test.mjs - GET /api/v1/completeness and the supervision
// console's downloads (issue 12): staff only and scoped (a reviewer of
// another prefecture cannot read 6501's; a reporter reads none; no
// session is 401); a draft is not handed in, and the moment a report
// counts from is its submission, not the draft's; a returned report no
// longer counts, and the score counts it as returned.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, shishi, sql, request } from './server.mjs';
import { userAdd, signIn } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-07-10';
process.env.SHISHI_PWHASH_FAST = '1';
let srv, as = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const Q = '/api/v1/completeness?period=2026-06';

before(async () => {
  srv = await startServer();
  shishi('assign', '--db', srv.db, '--target', '47', '--org', '6501', '--value', '500');
  shishi('assign', '--db', srv.db, '--target', '47', '--org', '650102', '--value', '100');
  shishi('assign', '--db', srv.db, '--target', '47', '--org', '650103', '--value', '50');
  shishi('report', 'add', '--db', srv.db, '--target', '47', '--org', '650102', '--date',
         '2026-06-30', '--value', '2');
  for (const [n, role, org] of [['admin', 'admin', '65'], ['rev6501', 'reviewer', '6501'],
                                ['rev6502', 'reviewer', '6502'], ['clerk', 'reporter', '650103'],
                                ['viewer', 'viewer', '65']])
    userAdd(srv.db, n, role, org);
  for (const n of ['admin', 'rev6501', 'rev6502', 'clerk', 'viewer'])
    as[n] = await signIn(srv.base, n);
  await sleep(30);
});
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

const units = (j) => Object.fromEntries(j.units.map((u) => [u.org.code, u.state]));

test('no session is 401', async () => {
  const r = await request(srv.base, Q + '&org=6501');
  assert.equal(r.status, 401);
});

test('scope: a reviewer of 6502 cannot read 6501, a reporter and a viewer read none', async () => {
  for (const [who, org] of [['rev6502', '6501'], ['rev6502', '65'], ['clerk', '650103'],
                            ['viewer', '65']]) {
    const r = await as[who].get(`${Q}&org=${org}`);
    assert.equal(r.status, 403, `${who} at ${org}: ${r.buf}`);
    assert.equal(r.json.error.code, 'forbidden');
    assert.equal(r.json.error.field, 'org');
    assert.ok(!String(r.buf).includes('650103'), 'a refusal shows nothing of the unit');
  }
  const own = await as.rev6502.get(Q);
  assert.equal(own.status, 200, String(own.buf));
  assert.equal(own.json.org.code, '6502', 'default: the user\'s own unit');
  assert.equal(own.json.totals.expected, 0);
});

test('a reviewer of 6501 and the admin read it: 6501 and 650103 missing, 650102 late', async () => {
  for (const who of ['rev6501', 'admin']) {
    const r = await as[who].get(`${Q}&org=6501`);
    assert.equal(r.status, 200, String(r.buf));
    assert.equal(r.json.deadline, '2026-07-05');
    assert.deepEqual(units(r.json), { 6501: 'missing', 650102: 'late', 650103: 'missing' });
    assert.equal(r.json.totals.expected, 3);
    assert.equal(r.json.totals.missing, 2);
  }
  const top = await as.admin.get(`${Q}&org=65`);
  assert.equal(top.status, 200);
  assert.equal(top.json.children.find((c) => c.org.code === '6501').expected, 3);
});

test('bad input: a period that is no month is 400, an unknown unit 404', async () => {
  const bad = await as.admin.get('/api/v1/completeness?period=2026-6&org=6501');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'period');
  const out = await as.admin.get('/api/v1/completeness?period=2025-06&org=6501');
  assert.equal(out.status, 400);
  const none = await as.admin.get(`${Q}&org=999999`);
  assert.equal(none.status, 404);
});

test('a draft is not handed in; a submission counts from its own moment, not the draft\'s',
     async () => {
  const d = await as.clerk.post('/api/v1/reports', { target: 47, org: '650103',
                                                     date: '2026-06-30', value: 5,
                                                     status: 'draft' });
  assert.equal(d.status, 201, String(d.buf));
  // the draft was saved, say, on 1 July, before the deadline
  const back = `UPDATE audit_log SET at = '2026-07-01T01:00:00.000Z' WHERE tbl = 'report' AND row_id = ${d.json.id}`;
  sql(srv.db, back);
  let r = await as.rev6501.get(`${Q}&org=6501`);
  assert.equal(units(r.json)['650103'], 'missing', 'a draft is not a report handed in');
  const s = await as.clerk.post(`/api/v1/reports/${d.json.id}/submit`);
  assert.equal(s.status, 200, String(s.buf));
  await sleep(20);
  r = await as.rev6501.get(`${Q}&org=6501`);
  assert.equal(units(r.json)['650103'], 'late', 'submitted now, after 5 July');
  const a = r.json.assignments.find((x) => x.org.code === '650103');
  assert.equal(a.report, d.json.id);
  assert.ok(!a.handed_in.startsWith('2026-07-01'), a.handed_in);
  // moved before the deadline, the same submission is on time
  sql(srv.db, back.replace("WHERE tbl", "WHERE at > '2026-07-02' AND tbl"));
  r = await as.rev6501.get(`${Q}&org=6501`);
  assert.equal(units(r.json)['650103'], 'on_time');

  // returned: no longer counts; the score counts it as returned
  const ret = await as.rev6501.post(`/api/v1/reports/${d.json.id}/return`, { comment: '请核实' });
  assert.equal(ret.status, 200, String(ret.buf));
  await sleep(20);
  r = await as.rev6501.get(`${Q}&org=6501`);
  assert.equal(units(r.json)['650103'], 'missing', 'a returned report is not standing');
  const sc = JSON.parse(shishi('score', '--db', srv.db, '--period', '2026-06', '--org', '6501',
                               '--json'));
  const c = sc.ranking.find((x) => x.org.code === '650103').components.returned;
  assert.deepEqual(c, { value: 0, counted: 1 }, 'its one report handed in was returned');
});

test('the CSV and the score workbook: staff in scope only', async () => {
  const csv = await as.rev6501.get('/console/completeness.csv?period=2026-06&org=6501');
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /^text\/csv/);
  assert.match(csv.headers['content-disposition'], /completeness-6501-2026-06\.csv/);
  const lines = csv.buf.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'org,org_name,target,metric,dept,state,report_date,handed_in,last_report');
  assert.equal(lines.length, 4, 'one line per assignment');
  assert.ok(lines.some((l) => l.startsWith('650102,') && l.includes(',late,')), lines.join('\n'));
  const x = await as.rev6501.get('/console/score.xlsx?period=2026-06&org=6501');
  assert.equal(x.status, 200);
  assert.equal(x.buf.subarray(0, 2).toString(), 'PK');
  for (const p of ['/console/completeness.csv', '/console/score.xlsx', '/console/supervision',
                   '/console/completeness', '/console/score'])
    assert.equal((await as.rev6502.get(`${p}?org=6501`)).status, 403, p);
});
