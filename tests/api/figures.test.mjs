// figures.test.mjs - issue 9's figures as the public pages and the API show
// them: a unit's own report with its children's sum beside it (never
// added), a rate as a level, and "no task here" where a unit has no share.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, shishi, request, getJson } from './server.mjs';
import { userAdd, signIn } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-12-31';
let srv;

async function page(p) {
  const r = await request(srv.base, p);
  assert.equal(r.status, 200, p);
  return r.body.toString('utf8');
}

function cli(...args) { return shishi(...args, '--db', srv.db); }

before(async () => {
  srv = await startServer();
  cli('report', 'add', '--target', '1', '--org', '650102', '--date', '2026-11-30', '--value', '30000');
  cli('report', 'add', '--target', '1', '--org', '650103', '--date', '2026-11-30', '--value', '10450');
  cli('report', 'add', '--target', '1', '--org', '6501', '--date', '2026-11-30', '--value', '50000');
  cli('report', 'add', '--target', '4', '--org', '65', '--date', '2026-12-31',
      '--numerator', '85', '--denominator', '100');
  cli('assign', '--target', '17', '--org', '6531', '--value', '60');
});
after(async () => { assert.equal(await srv.stop(), 0); });

test('an own report stands; its children\'s sum is the check beside it', async () => {
  const { json } = await getJson(srv.base, '/api/v1/targets/1?org=6501');
  assert.equal(json.target.actual, 50000);
  assert.equal(json.target.own, true);
  assert.deepEqual(json.target.children, { actual: 40450, reporters: 2, differs: true });
  const top = (await getJson(srv.base, '/api/v1/targets/1?org=65')).json.target;
  assert.equal(top.actual, 50000, 'the region counts 6501 once');
  const html = await page('/targets/1?org=6501');
  assert.match(html, /下级合计（核对）/);
  assert.match(html, /与本级填报不一致/);
  assert.doesNotMatch(html, /90,450/);
  const en = await page('/targets/1?org=6501&lang=en');
  assert.match(en, /differs from this unit's own report/);
});

test('a rate is a level: 85% against at least 90% at the end is not met', async () => {
  const { json } = await getJson(srv.base, '/api/v1/targets/4?org=65&date=2026-12-31');
  assert.equal(json.target.actual, 85);
  assert.equal(json.target.progress, null);
  assert.notEqual(json.target.status, 'on_track');
  assert.notEqual(json.target.status, 'done');
  const html = await page('/targets/4?date=2026-12-31');
  assert.match(html, /当前水平/);
  assert.match(html.replace(/<[^>]+>/g, ''), /当前水平85%/);
  assert.doesNotMatch(html, /94\.4/, 'never 85 as a share of 90');
});

test('a place with no share has no task there, and counts nowhere', async () => {
  const { json } = await getJson(srv.base, '/api/v1/targets/17?org=6501');
  assert.equal(json.target.status, 'no_task');
  assert.equal(json.target.org_value, null);
  const html = await page('/targets/17?org=6501');
  assert.match(html, /本级无任务/);
  assert.doesNotMatch(html, /计划<\/dt><dd>100/, 'the region\'s plan is not shown as the place\'s');
  const south = (await getJson(srv.base, '/api/v1/targets/17?org=6531')).json.target;
  assert.equal(south.org_value, 60);
  assert.equal(south.status, 'not_reported');
  // the org page's summary leaves the no-task targets out
  const org = await page('/orgs/6501');
  assert.doesNotMatch(org, /本级无任务 \d+ 项/);
});

test('an own report that differs from its children\'s approved sum is flagged to its reviewer', async () => {
  userAdd(srv.db, 'clerk6502', 'reporter', '6502');
  cli('report', 'add', '--target', '2', '--org', '650202', '--date', '2026-11-30', '--value', '120');
  const clerk = await signIn(srv.base, 'clerk6502');
  const r = await clerk.post('/api/v1/reports',
    { target: 2, org: '6502', date: '2026-11-30', value: 150 });
  assert.equal(r.status, 201, r.buf.toString());
  assert.ok(r.json.flags.includes('children_differ'), JSON.stringify(r.json));
  // the same figure as the children's: no flag
  cli('report', 'add', '--target', '3', '--org', '650202', '--date', '2026-11-30', '--value', '5');
  const same = await clerk.post('/api/v1/reports',
    { target: 3, org: '6502', date: '2026-11-30', value: 5 });
  assert.equal(same.status, 201, same.buf.toString());
  assert.ok(!same.json.flags.includes('children_differ'), JSON.stringify(same.json));
});
