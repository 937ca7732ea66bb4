// login.test.mjs - sign-in throttling against the real server and the
// account commands: parallel wrong passwords cannot beat the count, one
// client trying many names is throttled as a client (behind a trusted
// proxy, by the address X-Forwarded-For gives), throttled attempts write
// nothing, look-alike names are refused, and `shishi user disable|enable|
// reset-password|unlock` work on a running server. Each test signs in
// from its own loopback address (127.0.0.x), so client throttles stay apart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { startServer, SHISHI } from './server.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
let srv;

function user(...args) {
  const o = typeof args[args.length - 1] === 'object' ? args.pop() : {};
  return spawnSync(SHISHI, ['user', ...args, '--db', srv.db], { input: o.input, env: o.env, encoding: 'utf8' });
}
function addUser(name, password = 'a long password', role = 'viewer', org = '65', env = undefined) {
  const r = user('add', name, '--role', role, '--org', org, { input: password + '\n', env });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

function send(p, { method = 'GET', headers = {}, body, from = '127.0.0.1', base = srv.base } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + p, { method, headers, agent: false, localAddress: from }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
const login = (name, password, opts = {}) =>
  send('/api/v1/session', { method: 'POST', ...opts,
                            headers: { 'Content-Type': 'application/json', ...(opts.headers || {}) },
                            body: JSON.stringify({ user: name, password }) });
const tokenOf = (r) => /ss_session=([0-9a-f]{64})/.exec(String(r.headers['set-cookie']))?.[1];
const auditEntries = () => {
  const v = spawnSync(SHISHI, ['audit', 'verify', '--json', '--db', srv.db], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  return JSON.parse(v.stdout).entries;
};

before(async () => {
  // sixteen threads: before, as many attempts as threads that got one
  // read the count at once (6 or 7 checks of 20 where 5 are allowed);
  // now eight password checks may run at once and the count still holds
  srv = await startServer({ args: ['--threads', '16', '--trusted-proxy', '127.0.0.9'] });
});
after(async () => { assert.equal(await srv.stop(), 0, srv.log().slice(-2000)); });

test('parallel wrong passwords get exactly five checks, then the name is throttled', async () => {
  // the production cost (tens of milliseconds a check) is what leaves
  // parallel attempts time to pass a count none of them has added to yet
  const env = { ...process.env };
  delete env.SHISHI_PWHASH_FAST;
  addUser('raced', 'the right one', 'viewer', '65', env);
  let checked = 0;
  const seen = {};
  for (let round = 0; round < 10 && !seen[429]; round++) {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      login('raced', `guess ${round}-${i}`, { from: '127.0.0.2' })));
    for (const r of rs) {
      seen[r.status] = (seen[r.status] || 0) + 1;
      assert.ok([401, 429, 503].includes(r.status), `status ${r.status}`);
      if (r.status === 401) checked++;
      if (r.status === 503) assert.equal(r.json.error.code, 'busy');
    }
  }
  assert.equal(checked, 5, `wrong passwords that were checked (${JSON.stringify(seen)})`);
  const t = await login('raced', 'the right one', { from: '127.0.0.3' });
  assert.equal(t.status, 429);
  assert.equal(t.json.error.code, 'throttled');
  assert.match(t.json.error.message, /for this name/);
});

test('one client trying many names is throttled as a client, and writes nothing more', async () => {
  addUser('bystander', 'the right one');
  for (let i = 0; i < 20; i++) {
    const r = await login(`nobody-${i}`, 'wrong password', { from: '127.0.0.4' });
    assert.equal(r.status, 401, `attempt ${i}`);
  }
  const before = auditEntries();
  for (let i = 0; i < 10; i++) {
    const r = await login(`someone-${i}`, 'wrong password', { from: '127.0.0.4' });
    assert.equal(r.status, 429);
    assert.match(r.json.error.message, /from this address/);
  }
  assert.equal((await login('bystander', 'the right one', { from: '127.0.0.4' })).status, 429);
  assert.equal(auditEntries(), before, 'throttled attempts added no audit entry');
  // another client is not affected
  assert.equal((await login('bystander', 'the right one', { from: '127.0.0.5' })).status, 200);
  // the HTML form says which throttle it is
  const page = await send('/login', { from: '127.0.0.4' });
  const pre = /ss_login=([0-9a-f]{64})/.exec(String(page.headers['set-cookie']))[1];
  const form = await send('/login', {
    method: 'POST', from: '127.0.0.4',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `ss_login=${pre}` },
    body: new URLSearchParams({ csrf: pre, user: 'bystander', password: 'the right one' }).toString() });
  assert.equal(form.status, 429);
  assert.match(form.text, /从您的网络登录失败次数过多/);
});

test('behind a trusted proxy the client is the address X-Forwarded-For gives', async () => {
  addUser('proxied', 'the right one');
  const via = (client) => ({ from: '127.0.0.9', headers: { 'X-Forwarded-For': client } });
  for (let i = 0; i < 20; i++)
    assert.equal((await login(`who-${i}`, 'wrong password', via('203.0.113.50'))).status, 401);
  assert.equal((await login('proxied', 'the right one', via('203.0.113.50'))).status, 429);
  // the proxy's other clients sign in
  assert.equal((await login('proxied', 'the right one', via('203.0.113.51'))).status, 200);
  // a client that is not a trusted proxy cannot choose its address
  for (let i = 0; i < 20; i++)
    assert.equal((await login(`who-${i}`, 'wrong password', { from: '127.0.0.6', headers: { 'X-Forwarded-For': `198.51.100.${i}` } })).status, 401);
  assert.equal((await login('proxied', 'the right one', { from: '127.0.0.6', headers: { 'X-Forwarded-For': '198.51.100.99' } })).status, 429);
});

test('user add: look-alike names are refused naming the character; NFKC is stored', () => {
  const cases = [
    ['ali\u200bce', /NAME: U\+200B ZERO WIDTH SPACE at character 4 is not allowed/],
    ['\u202eecila', /U\+202E RIGHT-TO-LEFT OVERRIDE at character 1/],
    ['adm\u0456n', /U\+0456 at character 4 is a Cyrillic letter/],
    ['clerk\u2066', /U\+2066 LEFT-TO-RIGHT ISOLATE at character 6/],
  ];
  for (const [name, says] of cases) {
    const r = user('add', name, '--role', 'viewer', '--org', '65', { input: 'a long password\n' });
    assert.equal(r.status, 1, name);
    assert.match(r.stderr, says);
  }
  const full = addUser('\uff53\uff54\uff41\uff46\uff46'); // fullwidth "staff"
  assert.match(full.stdout, /^added staff\s/);
  const alike = user('add', 'Staff', '--role', 'viewer', '--org', '65', { input: 'a long password\n' });
  assert.equal(alike.status, 1);
  assert.match(alike.stderr, /reads like the existing account 'staff'/);
  const list = JSON.parse(spawnSync(SHISHI, ['user', 'list', '--json', '--db', srv.db], { encoding: 'utf8' }).stdout);
  assert.ok(list.users.some((u) => u.name === 'staff'));
  assert.ok(!list.users.some((u) => /[\u200b\u202e\u2066]|adm\u0456n/.test(u.name)));
});

test('user add without --org names the missing option', () => {
  const r = user('add', 'orgless', '--role', 'viewer', { input: 'a long password\n' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^shishi user add: --org is missing/);
  const n = user('add', '--role', 'viewer', '--org', '65', { input: 'a long password\n' });
  assert.equal(n.status, 2);
  assert.match(n.stderr, /NAME is missing/);
});

test('user disable, enable, reset-password and unlock on a running server', async () => {
  addUser('clerk-a', 'first password');
  const from = '127.0.0.7';
  const s1 = await login('clerk-a', 'first password', { from });
  assert.equal(s1.status, 200);
  const cookie = { Cookie: `ss_session=${tokenOf(s1)}` };
  assert.equal((await send('/api/v1/session', { headers: cookie, from })).status, 200);

  let r = user('disable', 'clerk-a');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /clerk-a disabled/);
  assert.equal((await send('/api/v1/session', { headers: cookie, from })).status, 401, 'its session ended');
  assert.equal((await login('clerk-a', 'first password', { from })).status, 401, 'cannot sign in');
  const list = JSON.parse(spawnSync(SHISHI, ['user', 'list', '--json', '--db', srv.db], { encoding: 'utf8' }).stdout);
  assert.equal(list.users.find((u) => u.name === 'clerk-a').disabled, true);
  r = user('enable', 'clerk-a');
  assert.equal(r.status, 0, r.stderr);
  const s2 = await login('clerk-a', 'first password', { from });
  assert.equal(s2.status, 200);

  r = user('reset-password', 'clerk-a', { input: 'short\n' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /password: a password is 8 to 128 bytes/);
  r = user('reset-password', 'clerk-a', { input: 'second password\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await send('/api/v1/session', { headers: { Cookie: `ss_session=${tokenOf(s2)}` }, from })).status, 401);
  assert.equal((await login('clerk-a', 'first password', { from })).status, 401);
  assert.equal((await login('clerk-a', 'second password', { from })).status, 200);

  for (let i = 0; i < 5; i++) assert.equal((await login('clerk-a', `nope ${i}`, { from: '127.0.0.8' })).status, 401);
  assert.equal((await login('clerk-a', 'second password', { from })).status, 429);
  r = user('unlock', 'clerk-a');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await login('clerk-a', 'second password', { from })).status, 200);

  for (const cmd of ['disable', 'enable', 'unlock']) {
    r = user(cmd, 'no-such-clerk');
    assert.equal(r.status, 3, cmd);
    assert.match(r.stderr, /NAME: no account is called 'no-such-clerk'/);
  }
  const v = spawnSync(SHISHI, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
});
