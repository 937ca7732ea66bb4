// session.test.mjs - accounts and sessions against the real binary:
// `shishi user add` with the password on stdin, sign-in over the JSON API
// and the HTML form, the session cookie's attributes, CSRF on writes,
// sign-out, wrong passwords, throttling, and the body limits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import http from 'node:http';
import { startServer, raw, SHISHI } from './server.mjs';

process.env.SHISHI_PWHASH_FAST = '1'; // cheap argon2id under the sanitizers
let srv;

function userAdd(name, password, ...args) {
  return spawnSync(SHISHI, ['user', 'add', name, '--db', srv.db, ...args],
                   { input: password + '\n', encoding: 'utf8' });
}

function send(p, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(srv.base + p, { method, headers, agent: false }, (res) => {
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

const JSONH = { 'Content-Type': 'application/json' };
const login = (user, password, headers = {}) =>
  send('/api/v1/session', { method: 'POST', headers: { ...JSONH, ...headers },
                            body: JSON.stringify({ user, password }) });
const cookieOf = (r, name) => (r.headers['set-cookie'] || []).find((c) => c.startsWith(name + '='));
const tokenOf = (r) => /ss_session=([0-9a-f]*)/.exec(cookieOf(r, 'ss_session') || '')?.[1];

before(async () => {
  srv = await startServer();
  const r = userAdd('county-clerk', 'correct horse battery', '--role', 'reporter', '--org', '650102');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /county-clerk\s+reporter\s+650102/);
  assert.ok(!r.stdout.includes('correct horse'), 'the password is never echoed');
});
after(async () => { assert.equal(await srv.stop(), 0); });

test('user add refuses short and missing passwords; user list shows accounts', () => {
  let r = userAdd('short', 'abc', '--role', 'viewer', '--org', '65');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /8 to 128 bytes/);
  r = userAdd('empty', '', '--role', 'viewer', '--org', '65');
  assert.equal(r.status, 1);
  r = userAdd('nobody', 'long enough', '--role', 'boss', '--org', '65');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--role/);
  r = userAdd('county-clerk', 'long enough', '--role', 'viewer', '--org', '65');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /exists/);
  const list = JSON.parse(execFileSync(SHISHI, ['user', 'list', '--json', '--db', srv.db],
                                       { encoding: 'utf8' }));
  assert.deepEqual(list.users.map((u) => [u.name, u.role, u.org]),
                   [['county-clerk', 'reporter', '650102']]);
  assert.ok(!JSON.stringify(list).includes('argon2'), 'no hash in the listing');
});

test('sign in, session cookie, GET session, CSRF on writes, sign out', async () => {
  const r = await login('county-clerk', 'correct horse battery');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.user, { name: 'county-clerk', role: 'reporter', org: '650102', dept: '' });
  assert.match(r.json.csrf, /^[0-9a-f]{64}$/);
  const c = cookieOf(r, 'ss_session');
  assert.match(c, /; HttpOnly/);
  assert.match(c, /; SameSite=Strict/);
  assert.match(c, /; Path=\//);
  assert.match(c, /; Max-Age=28800/);
  assert.doesNotMatch(c, /Secure/);
  assert.equal(r.headers['cache-control'], 'no-store');
  const token = tokenOf(r);
  assert.match(token, /^[0-9a-f]{64}$/);
  const cookie = { Cookie: `ss_session=${token}` };

  const me = await send('/api/v1/session', { headers: cookie });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.name, 'county-clerk');
  assert.equal(me.json.csrf, r.json.csrf);
  assert.equal((await send('/api/v1/session')).status, 401);
  assert.equal((await send('/api/v1/session', { headers: { Cookie: 'ss_session=' + '0'.repeat(64) } })).status, 401);

  // writes need the CSRF token
  let d = await send('/api/v1/session', { method: 'DELETE', headers: cookie });
  assert.equal(d.status, 403);
  assert.equal(d.json.error.code, 'csrf');
  d = await send('/api/v1/session', { method: 'DELETE', headers: { ...cookie, 'X-CSRF-Token': '0'.repeat(64) } });
  assert.equal(d.status, 403);
  assert.equal(d.json.error.code, 'csrf');
  d = await send('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': r.json.csrf } });
  assert.equal(d.status, 401);
  d = await send('/api/v1/session', { method: 'DELETE', headers: { ...cookie, 'X-CSRF-Token': r.json.csrf } });
  assert.equal(d.status, 204);
  assert.match(cookieOf(d, 'ss_session'), /^ss_session=; .*Max-Age=0/);
  assert.equal((await send('/api/v1/session', { headers: cookie })).status, 401);
});

test('Secure cookie behind a trusted HTTPS proxy; anyone else\'s X-Forwarded-Proto is not believed', async () => {
  const xfp = { 'X-Forwarded-Proto': 'https' };
  let r = await login('county-clerk', 'correct horse battery', xfp);
  assert.equal(r.status, 200);
  assert.doesNotMatch(cookieOf(r, 'ss_session'), /; Secure/, 'no --trusted-proxy: the header is the client\'s own');
  const plain = srv;
  srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1'], db: plain.db });
  try {
    r = await login('county-clerk', 'correct horse battery', xfp);
    assert.equal(r.status, 200);
    assert.match(cookieOf(r, 'ss_session'), /; Secure/);
    r = await login('county-clerk', 'correct horse battery');
    assert.doesNotMatch(cookieOf(r, 'ss_session'), /; Secure/, 'the proxy says plain http');
  } finally {
    assert.equal(await srv.stop(), 0);
    srv = plain;
  }
});

test('wrong password and unknown user: 401 with the same JSON error', async () => {
  const a = await login('county-clerk', 'wrong password');
  const b = await login('no-such-user', 'wrong password');
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  assert.equal(a.json.error.code, 'bad_credentials');
  assert.deepEqual(a.json, b.json);
  assert.equal(cookieOf(a, 'ss_session'), undefined);
});

test('five failures throttle the name: 429, even with the right password', async () => {
  const r = userAdd('target-of-guessing', 'the right one', '--role', 'viewer', '--org', '65');
  assert.equal(r.status, 0, r.stderr);
  for (let i = 0; i < 5; i++) assert.equal((await login('target-of-guessing', 'guess ' + i)).status, 401);
  const t = await login('target-of-guessing', 'the right one');
  assert.equal(t.status, 429);
  assert.equal(t.json.error.code, 'throttled');
  assert.match(t.json.error.message, /wait/);
  assert.equal((await login('county-clerk', 'correct horse battery')).status, 200, 'others still sign in');
  // every attempt is in the audit log, and the chain holds
  const v = spawnSync(SHISHI, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
});

test('bodies: type, size and depth limits; methods; cross-site writes', async () => {
  let r = await send('/api/v1/session', { method: 'POST', body: 'user=a&password=b',
                                          headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415);
  r = await send('/api/v1/session', { method: 'POST', headers: JSONH, body: '{"user":' });
  assert.equal(r.status, 400);
  r = await send('/api/v1/session', { method: 'POST', headers: JSONH, body: '['.repeat(40) + ']'.repeat(40) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'bad_json');
  // over the limit: refused from the Content-Length, and when chunked, as soon as it passes
  const big = await raw(srv.port, ['POST /api/v1/session HTTP/1.1\r\nHost: x\r\n' +
                                   'Content-Type: application/json\r\nContent-Length: 1100000\r\n\r\n{"user":'],
                        { until: (d) => d.includes('\r\n\r\n') });
  assert.match(big.data, /^HTTP\/1\.1 413/);
  const chunk = 'x'.repeat(65536);
  const chunked = await raw(srv.port, ['POST /api/v1/session HTTP/1.1\r\nHost: x\r\n' +
                                       'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
                                       ...Array(16).fill(`10000\r\n${chunk}\r\n`), // exactly 1 MiB
                                       'a\r\n0123456789\r\n'], // one byte too many
                            { until: (d) => d.includes('\r\n\r\n') });
  // libmicrohttpd may close mid-upload before the 413 is read: either way, refused
  assert.ok(/^HTTP\/1\.1 413/.test(chunked.data) || (chunked.closed && chunked.data === ''),
            chunked.data);
  r = await send('/api/v1/session', { method: 'PUT', headers: JSONH, body: '{}' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.allow, 'GET, HEAD, POST, DELETE');
  r = await login('county-clerk', 'correct horse battery', { Origin: 'https://evil.example' });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'cross_origin');
  r = await login('county-clerk', 'correct horse battery', { Origin: srv.base });
  assert.equal(r.status, 200);
});

test('HTML: /login form with its pre-session token, /console, /logout', async () => {
  const page = await send('/login');
  assert.equal(page.status, 200);
  const pre = /ss_login=([0-9a-f]{64})/.exec(cookieOf(page, 'ss_login'))[1];
  assert.match(cookieOf(page, 'ss_login'), /SameSite=Strict; HttpOnly/);
  assert.ok(page.text.includes(`name="csrf" value="${pre}"`));
  assert.match(page.text, /<label for="user">/);
  assert.match(page.text, /<label for="password">/);
  const form = (o) => new URLSearchParams(o).toString();
  const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

  // without the pre-session cookie (another site's form): refused
  let r = await send('/login', { method: 'POST', headers: FORM,
                                 body: form({ csrf: pre, user: 'county-clerk', password: 'correct horse battery' }) });
  assert.equal(r.status, 403);
  assert.equal(cookieOf(r, 'ss_session'), undefined);
  // wrong password: the form again, 401, with the error announced
  r = await send('/login', { method: 'POST', headers: { ...FORM, Cookie: `ss_login=${pre}` },
                             body: form({ csrf: pre, user: 'county-clerk', password: 'nope nope' }) });
  assert.equal(r.status, 401);
  assert.match(r.text, /role="alert"/);
  r = await send('/login', { method: 'POST', headers: { ...FORM, Cookie: `ss_login=${pre}` },
                             body: form({ csrf: pre, user: 'county-clerk', password: 'correct horse battery' }) });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/console');
  const token = tokenOf(r);
  assert.match(token, /^[0-9a-f]{64}$/);

  assert.equal((await send('/console')).status, 303, 'signed out: to /login');
  const con = await send('/console', { headers: { Cookie: `ss_session=${token}` } });
  assert.equal(con.status, 200);
  assert.equal(con.headers['cache-control'], 'no-store');
  assert.match(con.text, /county-clerk/);
  assert.match(con.text, /href="\/console\/report"/);
  assert.doesNotMatch(con.text, /href="\/console\/inbox"/, "a reporter sees no reviewer links");
  const csrf = /name="csrf" value="([0-9a-f]{64})"/.exec(con.text)[1];
  assert.equal((await send('/login', { headers: { Cookie: `ss_session=${token}` } })).headers.location, '/console');

  r = await send('/logout', { method: 'POST', headers: { ...FORM, Cookie: `ss_session=${token}` },
                              body: form({ csrf: '0'.repeat(64) }) });
  assert.equal(r.status, 403);
  r = await send('/logout', { method: 'POST', headers: { ...FORM, Cookie: `ss_session=${token}` },
                              body: form({ csrf }) });
  assert.equal(r.status, 303);
  assert.equal((await send('/console', { headers: { Cookie: `ss_session=${token}` } })).status, 303);
});

test('multipart bodies reach the handler parsed (and malformed ones are 400)', async () => {
  const b = '----shishi';
  const body = `--${b}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nx\r\n--${b}--\r\n`;
  // /logout parses the csrf field from multipart as from a form: wrong token, 403 not 400
  const pg = await send('/login', { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${b}` }, body });
  assert.equal(pg.status, 403);
  const bad = await send('/login', { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${b}` },
                                     body: `--${b}\r\nno headers end` });
  assert.equal(bad.status, 400);
});
