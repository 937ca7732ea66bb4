// limits.test.mjs - who may connect and for how long: the request deadline
// (a slow client is cut off, others are served meanwhile), connections per
// client address (--per-ip, with room for other addresses), and trusted
// proxies (--trusted-proxy: not counted per address, their X-Forwarded-For
// names the client in the log). Other loopback addresses (127.0.0.2 ...)
// stand for other clients.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { startServer, shishi, SHISHI } from './server.mjs';

const servers = [];
after(async () => {
  for (const s of servers) assert.equal(await s.stop(), 0, 'clean exit:\n' + s.log().slice(-2000));
});
async function serve(...args) {
  const s = await startServer({ args });
  servers.push(s);
  return s;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A connection from `from` (a loopback address) that tells what happened.
function connect(port, from = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: from });
    const c = { s, data: '', closed: false };
    s.on('data', (d) => { c.data += d.toString('latin1'); });
    s.on('close', () => { c.closed = true; });
    s.on('error', () => { c.closed = true; });
    s.on('connect', () => resolve(c));
    s.on('error', reject);
  });
}
// Wait until cond() or about `ms`; the answer is cond()'s.
async function until(cond, ms = 5000) {
  for (let t = 0; t < ms && !cond(); t += 20) await sleep(20);
  return cond();
}
// One GET on a fresh connection from `from`; the status line, or null if
// the server hung up without answering.
async function get(port, path, { from = '127.0.0.1', headers = '' } = {}) {
  const c = await connect(port, from);
  c.s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`);
  await until(() => c.closed || /\r\n\r\n/.test(c.data));
  c.s.destroy();
  return /^HTTP\/1\.1 \d+/.exec(c.data)?.[0] ?? null;
}

test('a request that trickles in is cut off at its deadline; others are served meanwhile', async () => {
  const srv = await serve('--request-timeout', '2');
  const slow = await connect(srv.port);
  slow.s.write('GET / HTTP/1.1\r\nHost: x\r\n');
  // one header line every half second: each byte restarts libmicrohttpd's
  // idle timeout, so before, this held the connection for as long as it went on
  let sent = 0;
  for (; sent < 40 && !slow.closed; sent++) {
    slow.s.write(`X-Slow-${sent}: 1\r\n`);
    await sleep(500);
    if (sent === 1) assert.equal(await get(srv.port, '/api/v1/plan'), 'HTTP/1.1 200', 'served meanwhile');
  }
  assert.ok(slow.closed, 'the slow request was cut off');
  assert.ok(sent < 40, `cut off before it finished (after ${sent} lines)`);
  assert.equal(slow.data, '', 'nothing was answered to the incomplete request');
  // the deadline is for one request: a keep-alive connection serves one
  // request after another, each within it
  const ka = await connect(srv.port);
  for (let i = 0; i < 3; i++) {
    const before = ka.data.length;
    ka.s.write('GET /api/v1/plan HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.ok(await until(() => /\r\n\r\n/.test(ka.data.slice(before))), `request ${i} answered`);
    await sleep(1200); // two of these pass the deadline, which restarts per request
  }
  assert.equal(ka.closed, false);
  ka.s.destroy();
});

test('--per-ip bounds connections from one address and leaves room for the others', async () => {
  const srv = await serve('--per-ip', '3');
  const held = [];
  for (let i = 0; i < 3; i++) held.push(await connect(srv.port)); // idle connections
  await sleep(200);
  assert.ok(held.every((c) => !c.closed), 'three are allowed');
  const fourth = await connect(srv.port);
  assert.ok(await until(() => fourth.closed), 'a fourth from the same address is closed');
  assert.equal(fourth.data, '');
  // another client still gets in
  assert.equal(await get(srv.port, '/api/v1/plan', { from: '127.0.0.2' }), 'HTTP/1.1 200');
  // one of the three leaves: there is room again
  held.pop().s.destroy();
  let status = null;
  for (let i = 0; i < 50 && status === null; i++) {
    status = await get(srv.port, '/api/v1/plan');
    if (status === null) await sleep(50);
  }
  assert.equal(status, 'HTTP/1.1 200');
  for (const c of held) c.s.destroy();
});

test('a trusted proxy is not counted per address, and its X-Forwarded-For names the client', async () => {
  const srv = await serve('--per-ip', '2', '--trusted-proxy', '127.0.0.1', '--trusted-proxy', '10.9.0.0/16');
  // the proxy carries many clients: more than --per-ip connections
  const conns = [];
  for (let i = 0; i < 5; i++) conns.push(await connect(srv.port, '127.0.0.1'));
  await sleep(200);
  assert.ok(conns.every((c) => !c.closed), 'the proxy holds five');
  assert.equal(await get(srv.port, '/api/v1/plan'), 'HTTP/1.1 200');
  for (const c of conns) c.s.destroy();
  // anyone else is counted
  const others = [await connect(srv.port, '127.0.0.3'), await connect(srv.port, '127.0.0.3')];
  const third = await connect(srv.port, '127.0.0.3');
  assert.ok(await until(() => third.closed), 'an untrusted address keeps its limit');
  for (const c of others) c.s.destroy();

  const tag = `xff-${process.pid}`;
  const cases = [
    // [from, X-Forwarded-For, the client the log must name]
    ['127.0.0.1', '203.0.113.7', '203.0.113.7'],
    ['127.0.0.1', '198.51.100.1, 10.9.3.4', '198.51.100.1'], // a second trusted hop
    ['127.0.0.1', '198.51.100.2, 203.0.113.8', '203.0.113.8'], // the nearest untrusted one
    ['127.0.0.1', 'bogus, 203.0.113.9:4711', '203.0.113.9'],
    ['127.0.0.1', '[2001:db8::5]:80', '2001:db8::5'],
    ['127.0.0.4', '203.0.113.10', '127.0.0.4'], // not a trusted proxy: not believed
    ['127.0.0.1', 'not-an-address', '127.0.0.1'],
  ];
  for (const [i, [from, xff]] of cases.entries())
    assert.equal(await get(srv.port, `/no-such-${tag}-${i}`, { from, headers: `X-Forwarded-For: ${xff}\r\n` }),
                 'HTTP/1.1 404');
  await until(() => cases.every((_, i) => srv.log().includes(`/no-such-${tag}-${i}"`)));
  for (const [i, [, xff, client]] of cases.entries())
    assert.ok(srv.log().includes(`${client} "GET /no-such-${tag}-${i}"`), `${xff} -> ${client}:\n` + srv.log().slice(-1500));
});

test('serve refuses limits that make no sense, naming the option', () => {
  const db = `${process.env.SHISHI_TMP || '/tmp'}/limits-${process.pid}.db`;
  shishi('init', '--db', db);
  const run = (...a) => spawnSync(SHISHI, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...a],
                                  { encoding: 'utf8', timeout: 15000 });
  let r = run('--per-ip', '1000');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--per-ip must be a whole number from 1 to 512/);
  r = run('--per-ip', '0');
  assert.equal(r.status, 2);
  r = run('--request-timeout', 'soon');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--request-timeout/);
  r = run('--trusted-proxy', '10.0.0.300');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--trusted-proxy: '10\.0\.0\.300' is not an IP address/);
  r = run('--trusted-proxy', '10.0.0.0/33');
  assert.equal(r.status, 1);
  const help = spawnSync(SHISHI, ['serve', '--help'], { encoding: 'utf8' });
  for (const o of ['--per-ip', '--request-timeout', '--trusted-proxy']) assert.match(help.stdout, new RegExp(o));
});

// Two servers on one database (as several processes behind one database
// will be): the throttle's count is the database's, so failures through
// one server are counted by the other, and neither can be used to get
// more tries than the limit.
test('servers sharing a database share the throttle: failures through one count on the other',
     async () => {
  process.env.SHISHI_PWHASH_FAST = '1';
  const a = await serve();
  const add = spawnSync(SHISHI, ['user', 'add', 'shared-name', '--role', 'viewer', '--org', '65',
                                 '--db', a.db], { input: 'the right one\n', encoding: 'utf8' });
  assert.equal(add.status, 0, add.stderr);
  // a second server on a's database
  const { spawn } = await import('node:child_process');
  const proc = spawn(SHISHI, ['serve', '--db', a.db, '--listen', '127.0.0.1:0'],
                     { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /listening on .*\(port (\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (code) => reject(new Error(`second server exited ${code}:\n${log}`)));
  });
  const exited = new Promise((resolve) => proc.on('close', (code) => resolve(code)));
  const login = async (p, password) => {
    const body = JSON.stringify({ user: 'shared-name', password });
    const r = await fetch(`http://127.0.0.1:${p}/api/v1/session`, {
      method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    return { status: r.status, json: await r.json() };
  };
  try {
    // the failures alternate between the servers
    for (let i = 0; i < 5; i++)
      assert.equal((await login(i % 2 ? port : a.port, 'guess ' + i)).status, 401);
    for (const p of [a.port, port]) {
      const t = await login(p, 'the right one');
      assert.equal(t.status, 429, `port ${p}`);
      assert.equal(t.json.error.code, 'throttled');
      assert.match(t.json.error.message, /for this name: wait 15 minutes/);
    }
  } finally {
    proc.kill('SIGTERM');
    assert.equal(await exited, 0, 'the second server exits cleanly:\n' + log.slice(-2000));
  }
});
