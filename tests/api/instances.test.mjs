// instances.test.mjs - two `shishi serve` on one database (issue 11): a
// report submitted through instance A and approved through instance B is
// in A's and B's /api/v1/plan within a second; a session opened on one
// works on the other; the throttle counts attempts made on either. Runs
// on SQLite (two processes on one file) and, under SHISHI_TEST_BACKEND=pg,
// on PostgreSQL (where B hears A's commits by LISTEN/NOTIFY).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, shishi, getJson } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

let a, b, T;

before(async () => {
  a = await startServer();
  b = await startServer({ db: a.db });
  const plan = (await getJson(a.base, '/api/v1/plan')).json;
  T = plan.targets.find((t) => t.kind === 'count' && t.value >= 1000).id;
  shishi('assign', '--db', a.db, '--target', String(T), '--org', '6501', '--value', '500');
  shishi('assign', '--db', a.db, '--target', String(T), '--org', '650102', '--value', '100');
  userAdd(a.db, 'reviewer', 'reviewer', '6501');
  userAdd(a.db, 'reporter', 'reporter', '650102');
});
after(async () => {
  const cb = await b.stop();
  const ca = await a.stop();
  assert.equal(cb, 0, 'B exits cleanly:\n' + b.log().slice(-3000));
  assert.equal(ca, 0, 'A exits cleanly:\n' + a.log().slice(-3000));
});

const actual = async (srv) =>
  (await getJson(srv.base, '/api/v1/plan')).json.targets.find((t) => t.id === T).actual;

// Poll srv until the plan's figure for T is want; the time it took (ms).
async function until(srv, want, limit = 1000) {
  const t0 = Date.now();
  for (;;) {
    const got = await actual(srv);
    if (got === want) return Date.now() - t0;
    assert.ok(Date.now() - t0 < limit, `after ${limit} ms ${srv.base} still shows ${got}, not ${want}`);
    await sleep(10);
  }
}

test('approved through one instance, in the other\'s /api/v1/plan within a second', async () => {
  const reporter = await signIn(a.base, 'reporter');
  const reviewer = await signIn(b.base, 'reviewer');
  const before = await actual(a);
  assert.equal(await actual(b), before);
  for (const [i, value] of [[0, 40], [1, 55]]) {
    const r = await reporter.post('/api/v1/reports',
                                  { target: T, org: '650102', date: `2026-0${5 + i}-28`, value });
    assert.equal(r.status, 201, String(r.buf));
    // B's figures are warm (read just now), so a stale cache would show
    await actual(b);
    const ok = await reviewer.post(`/api/v1/reports/${r.json.id}/approve`);
    assert.equal(ok.status, 200, String(ok.buf));
    // B approved: B shows it at once, A within a second, without a restart
    assert.equal(await actual(b), before + value);
    const ms = await until(a, before + value);
    assert.ok(ms < 1000, `A took ${ms} ms`);
  }
});

test('a session opened on one instance is good on the other; signing out ends it on both',
     async () => {
  const reporter = await signIn(a.base, 'reporter');
  const cookie = { headers: { Cookie: reporter.cookie } };
  assert.equal((await send(b.base, '/api/v1/session', cookie)).status, 200);
  const out = await send(a.base, '/api/v1/session', {
    method: 'DELETE', headers: { Cookie: reporter.cookie, 'X-CSRF-Token': reporter.csrf } });
  assert.equal(out.status, 204);
  assert.equal((await send(b.base, '/api/v1/session', cookie)).status, 401);
});

test('failed sign-ins count on both instances together', async () => {
  userAdd(a.db, 'victim', 'reporter', '650103');
  const bad = (srv) => send(srv.base, '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'victim', password: 'wrong password!' }) });
  const seen = [];
  for (let i = 0; i < 12; i++) seen.push((await bad(i % 2 ? b : a)).status);
  assert.ok(seen.includes(429), `never throttled across instances: ${seen.join(' ')}`);
  const first = seen.indexOf(429);
  assert.ok(first <= 10, `throttled only after ${first} attempts`);
  assert.deepEqual(seen.slice(first).filter((s) => s !== 429), [], 'and stays so on both');
});
