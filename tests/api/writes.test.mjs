// writes.test.mjs - writes and reads at the same time. A read from the
// cache is answered while writes wait for the database (they run on their
// own threads, not on the ones that serve reads); many writers and readers
// at once: every acknowledged write is stored once, every read is a whole
// page, and an approval is in the figures by the time it is acknowledged;
// a write in flight when the server stops is answered before it exits.
// No assertion here is about time: only about order and content.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { startServer, request, getJson, shishi, sql, BACKEND } from './server.mjs';
import { userAdd, signIn } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
process.env.SHISHI_PWHASH_FAST = '1';
const COUNTIES = ['650102', '650103', '650104', '650105', '650106', '650107', '650109', '650121'];
let srv, targets, reviewer;
const writers = {};

before(async () => {
  srv = await startServer();
  const plan = (await getJson(srv.base, '/api/v1/plan')).json;
  targets = plan.targets.filter((t) => t.kind === 'count' && t.value >= 1000).slice(0, 6)
    .map((t) => t.id);
  for (const o of COUNTIES) {
    for (const t of targets)
      shishi('assign', '--db', srv.db, '--target', String(t), '--org', o, '--value', '100000');
    userAdd(srv.db, `w${o}`, 'reporter', o);
  }
  userAdd(srv.db, 'reviewer', 'reviewer', '6501');
  for (const o of COUNTIES) writers[o] = await signIn(srv.base, `w${o}`);
  reviewer = await signIn(srv.base, 'reviewer');
});
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly on SIGTERM:\n' + srv.log().slice(-3000));
});

// Another process takes the database's write lock and keeps it until
// release(): every write of the server waits for it (busy timeout, or on
// PostgreSQL lock_timeout, for the writers' advisory lock, or, for a
// report transaction, which does not take that one, the audit seal's lock
// at its commit), reads do not.
const PG_WRITERS_LOCK = '126892282964073'; // STORE_PG_WRITERS_LOCK (store_int.h)
const PG_SEAL_LOCK = '32484424438802785'; // SEAL_LOCK (store_audit.c)
function holdWriteLock(db) {
  const p = BACKEND === 'pg'
    ? spawn('sh', ['-c', `(echo "SELECT pg_advisory_lock(${PG_WRITERS_LOCK}), pg_advisory_lock(${PG_SEAL_LOCK});"; echo "\\warn locked"; ` +
                         'cat; echo "SELECT pg_advisory_unlock_all();") | psql -X -q -A -t "$0" 2>&1', db],
            { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn('python3', ['-c', `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute('BEGIN IMMEDIATE')
print('locked', flush=True)
sys.stdin.read()
c.execute('COMMIT')
`, db], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    p.on('error', reject);
    p.on('exit', (code) => { if (!out.includes('locked')) reject(new Error(`lock holder exited ${code}`)); });
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('locked'))
        resolve(() => new Promise((r) => { p.on('close', r); p.stdin.end(); }));
    });
  });
}

const isPage = (r) => r.status === 200 && /^<!doctype html>/.test(r.body.toString('utf8')) &&
  r.body.toString('utf8').endsWith('</html>\n');

test('a cached read is answered while writes wait for the database', async () => {
  assert.ok(isPage(await request(srv.base, '/')), 'the cached / is warm');
  const release = await holdWriteLock(srv.db);
  const order = [];
  // more writes than the server has threads, on as many connections
  const writes = COUNTIES.flatMap((o, i) => [0, 1].map((k) =>
    writers[o].post('/api/v1/reports', { target: targets[k], org: o, date: '2026-01-02',
                                         value: 10 + i }).then((r) => { order.push('write'); return r; })));
  await new Promise((r) => setTimeout(r, 300)); // let them reach the server and wait there
  const page = await request(srv.base, '/');
  order.push('read');
  const plan = await getJson(srv.base, '/api/v1/plan');
  order.push('read');
  await release();
  const done = await Promise.all(writes);
  assert.ok(isPage(page));
  assert.equal(plan.json.targets.length, 51);
  assert.deepEqual(order.slice(0, 2), ['read', 'read'],
                   `the reads came after writes that waited for the lock: ${order.join(' ')}`);
  for (const r of done) assert.equal(r.status, 201, String(r.buf));
});

test('many writers and readers: each acknowledged write stored once, every read whole, ' +
     'approvals visible when acknowledged', async () => {
  const N = 12; // reports per county
  const acked = []; // {id, target, org, date, value}
  const approved = [];
  const queue = [];
  let writing = true;
  const problems = [];

  const writer = async (o, w) => {
    for (let k = 0; k < N; k++) {
      // per (target, unit) the dates and values both grow
      const target = targets[k % targets.length];
      const date = `2026-02-${String(1 + Math.floor(k / targets.length) * 3 + (w % 3)).padStart(2, '0')}`;
      const value = 100 * (k + 1) + w;
      const r = await writers[o].post('/api/v1/reports', { target, org: o, date, value });
      if (r.status !== 201) { problems.push(`write ${o} ${k}: ${r.status} ${r.buf}`); continue; }
      const rep = { id: r.json.id, target, org: o, date, value };
      acked.push(rep);
      queue.push(rep);
    }
  };
  const approver = async () => {
    while (writing || queue.length) {
      const rep = queue.shift();
      if (!rep) { await new Promise((r) => setTimeout(r, 5)); continue; }
      const r = await reviewer.post(`/api/v1/reports/${rep.id}/approve`);
      if (r.status !== 200) { problems.push(`approve ${rep.id}: ${r.status} ${r.buf}`); continue; }
      approved.push(rep);
      // acknowledged means counted: the next read of the cached plan and of
      // the unit already has it (values grow, so at least this one)
      const plan = (await getJson(srv.base, '/api/v1/plan')).json;
      const top = plan.targets.find((t) => t.id === rep.target).actual;
      const unit = (await getJson(srv.base, `/api/v1/targets/${rep.target}?org=${rep.org}`)).json;
      if (!(top >= rep.value)) problems.push(`plan after approving ${rep.id}: ${top} < ${rep.value}`);
      if (!(unit.target.actual >= rep.value))
        problems.push(`unit after approving ${rep.id}: ${unit.target.actual} < ${rep.value}`);
    }
  };
  let reads = 0;
  const reader = async (k) => {
    const paths = ['/', '/api/v1/plan', '/?lang=en', '/targets/1?org=6501'];
    while (writing) {
      const p = paths[(k + reads) % paths.length];
      const r = await request(srv.base, p);
      reads++;
      if (p.startsWith('/api/')) {
        let ok = r.status === 200;
        try { ok = ok && JSON.parse(r.body.toString('utf8')).targets.length === 51; } catch { ok = false; }
        if (!ok) problems.push(`read ${p}: ${r.status} ${r.body.toString('utf8').slice(0, 200)}`);
      } else if (!isPage(r)) {
        problems.push(`read ${p}: ${r.status} ${r.body.toString('utf8').slice(-200)}`);
      }
    }
  };
  const readers = [0, 1, 2, 3].map(reader);
  const approving = approver();
  await Promise.all(COUNTIES.map((o, w) => writer(o, w)));
  writing = false;
  await approving;
  await Promise.all(readers);
  assert.deepEqual(problems, []);
  assert.equal(acked.length, COUNTIES.length * N);
  assert.ok(reads > 0);

  // stored once each, as sent; approved ones approved
  const rows = BACKEND === 'pg'
    ? JSON.parse(sql(srv.db, "SELECT replace(coalesce(json_agg(json_build_array(r.id, r.target_id, " +
                             "o.code, r.as_of, r.value, r.status))::text, '[]'), chr(10), '') FROM report r " +
                             "JOIN org_unit o ON o.id = r.org_id WHERE r.as_of LIKE '2026-02-%'"))
    : JSON.parse(execFileSync('python3', ['-c', `
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
q = "SELECT r.id, r.target_id, o.code, r.as_of, r.value, r.status FROM report r " \\
    "JOIN org_unit o ON o.id = r.org_id WHERE r.as_of LIKE '2026-02-%'"
print(json.dumps(c.execute(q).fetchall()))
`, srv.db], { encoding: 'utf8' }));
  assert.equal(rows.length, acked.length, 'one row per acknowledged write, no more');
  const byId = new Map(rows.map((r) => [r[0], r]));
  for (const a of acked) {
    const row = byId.get(a.id);
    assert.ok(row, `report ${a.id} is stored`);
    assert.deepEqual(row.slice(1, 5), [a.target, a.org, a.date, a.value]);
  }
  for (const a of approved) assert.equal(byId.get(a.id)[5], 'approved');
  assert.equal(approved.length, acked.length);
});

test('a write in flight when the server is stopped is still answered, then the server exits',
     async () => {
  const s = await startServer();
  try {
    userAdd(s.db, 'w650102', 'reporter', '650102');
    const w = await signIn(s.base, 'w650102');
    const release = await holdWriteLock(s.db);
    const write = w.post('/api/v1/reports', { target: targets[0], org: '650102',
                                              date: '2026-01-03', value: 5 });
    await new Promise((r) => setTimeout(r, 300)); // it waits for the lock in the server
    const stopped = s.stop(); // SIGTERM
    await new Promise((r) => setTimeout(r, 300));
    await release();
    const r = await write;
    assert.equal(r.status, 201, String(r.buf));
    assert.equal(await stopped, 0, 'server exits cleanly:\n' + s.log().slice(-3000));
  } finally {
    await s.stop();
  }
});
