// users.test.mjs - /console/users: an admin disables, enables, unlocks and
// resets the password of accounts in its own subtree, through forms with
// the session's CSRF token; accounts elsewhere (and its own) are out of
// reach, and other roles are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { startServer, SHISHI } from './server.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
let srv;
const PW = 'a long password';

function send(p, { method = 'GET', headers = {}, body, from = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(srv.base + p, { method, headers, agent: false, localAddress: from }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                    text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
async function signIn(name, password = PW, from = '127.0.0.1') {
  const r = await send('/api/v1/session', { method: 'POST', from, headers: { 'Content-Type': 'application/json' },
                                            body: JSON.stringify({ user: name, password }) });
  const token = /ss_session=([0-9a-f]{64})/.exec(String(r.headers['set-cookie']))?.[1];
  return { status: r.status, cookie: token ? `ss_session=${token}` : undefined,
           csrf: r.text.startsWith('{') ? JSON.parse(r.text).csrf : undefined };
}
const page = (who) => send('/console/users', { headers: { Cookie: who.cookie } });
const act = (who, fields, csrf = who.csrf) =>
  send('/console/users', { method: 'POST',
                           headers: { Cookie: who.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
                           body: new URLSearchParams({ csrf, ...fields }).toString() });
const alive = async (who) => (await send('/api/v1/session', { headers: { Cookie: who.cookie } })).status === 200;

before(async () => {
  srv = await startServer();
  for (const [n, role, org] of [['pref-admin', 'admin', '6501'], ['county-rep', 'reporter', '650102'],
                                ['region-rev', 'reviewer', '65'], ['top-admin', 'admin', '65'],
                                ['other-pref', 'reporter', '6502']]) {
    const r = spawnSync(SHISHI, ['user', 'add', n, '--role', role, '--org', org, '--db', srv.db],
                        { input: PW + '\n', encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
});
after(async () => { assert.equal(await srv.stop(), 0, srv.log().slice(-2000)); });

test('an admin sees the accounts of its subtree, with a form per action', async () => {
  const admin = await signIn('pref-admin');
  const con = await send('/console', { headers: { Cookie: admin.cookie } });
  assert.match(con.text, /href="\/console\/users"/);
  const r = await page(admin);
  assert.equal(r.status, 200);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.match(r.text, /county-rep/);
  assert.match(r.text, /pref-admin（本人）/);
  assert.doesNotMatch(r.text, /region-rev|top-admin|other-pref/, 'nothing outside its subtree');
  assert.ok(r.text.includes(`name="csrf" value="${admin.csrf}"`));
  assert.match(r.text, /name="action" value="disable"/);
  assert.match(r.text, /name="action" value="reset"/);
  // its own row has no forms
  const own = r.text.split('\n').find((l) => l.includes('pref-admin（本人）'));
  assert.doesNotMatch(own, /<form/);
  // the top admin sees everyone
  const top = await page(await signIn('top-admin'));
  for (const n of ['pref-admin', 'county-rep', 'region-rev', 'other-pref']) assert.match(top.text, new RegExp(n));
});

test('other roles and strangers are refused', async () => {
  const rep = await signIn('county-rep');
  const con = await send('/console', { headers: { Cookie: rep.cookie } });
  assert.doesNotMatch(con.text, /\/console\/users/);
  assert.equal((await page(rep)).status, 403);
  assert.equal((await act(rep, { user: 'other-pref', action: 'disable' })).status, 403);
  assert.equal((await send('/console/users')).status, 303, 'signed out: to /login');
});

test('disable, enable, reset the password and unlock, each ending sessions where it should', async () => {
  const admin = await signIn('pref-admin');
  let rep = await signIn('county-rep');
  assert.ok(await alive(rep));
  // without the CSRF token: refused, nothing changes
  let r = await act(admin, { user: 'county-rep', action: 'disable' }, '0'.repeat(64));
  assert.equal(r.status, 403);
  assert.ok(await alive(rep));
  r = await act(admin, { user: 'county-rep', action: 'disable' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/console/users?done=disabled');
  assert.equal(await alive(rep), false, 'its session ended');
  assert.equal((await signIn('county-rep')).status, 401);
  r = await send(r.headers.location, { headers: { Cookie: admin.cookie } });
  assert.match(r.text, /role="status">账号已停用/);
  assert.match(r.text.split('\n').find((l) => l.includes('county-rep')), /已停用.*value="enable"/);
  r = await act(admin, { user: 'county-rep', action: 'enable' });
  assert.equal(r.status, 303);
  rep = await signIn('county-rep');
  assert.equal(rep.status, 200);

  r = await act(admin, { user: 'county-rep', action: 'reset', password: 'short' });
  assert.equal(r.status, 422);
  assert.match(r.text, /role="alert"/);
  assert.ok(await alive(rep));
  r = await act(admin, { user: 'county-rep', action: 'reset', password: 'a brand new password' });
  assert.equal(r.status, 303);
  assert.equal(await alive(rep), false);
  assert.equal((await signIn('county-rep')).status, 401);
  assert.equal((await signIn('county-rep', 'a brand new password')).status, 200);

  for (let i = 0; i < 5; i++) assert.equal((await signIn('county-rep', `guess ${i}`, '127.0.0.2')).status, 401);
  assert.equal((await signIn('county-rep', 'a brand new password')).status, 429);
  r = await page(admin);
  assert.match(r.text.split('\n').find((l) => l.includes('county-rep')), /登录已锁定.*value="unlock"/);
  r = await act(admin, { user: 'county-rep', action: 'unlock' });
  assert.equal(r.status, 303);
  assert.equal((await signIn('county-rep', 'a brand new password')).status, 200);
  const v = spawnSync(SHISHI, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
});

test('accounts outside the subtree, and its own, are out of reach', async () => {
  const admin = await signIn('pref-admin');
  for (const name of ['region-rev', 'top-admin', 'other-pref', 'no-such-user']) {
    const r = await act(admin, { user: name, action: 'disable' });
    assert.equal(r.status, 404, name);
  }
  assert.equal((await signIn('region-rev')).status, 200, 'untouched');
  const self = await act(admin, { user: 'pref-admin', action: 'disable' });
  assert.equal(self.status, 403);
  assert.ok(await alive(admin));
  const bad = await act(admin, { user: 'county-rep', action: 'promote' });
  assert.equal(bad.status, 400);
});
