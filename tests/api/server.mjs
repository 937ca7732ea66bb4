// server.mjs - start `shishi serve` on a fresh database for a test file,
// and small raw-HTTP helpers. Shared by tests/api and tests/web.
//
// The binary is $SHISHI (the sanitizer build under make check), temp files
// go under $SHISHI_TMP. The server listens on port 0 and reports the port
// it got on stderr; stop() sends SIGTERM and returns the exit code, so a
// test can also check that the server shuts down cleanly (no leaks).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SHISHI = process.env.SHISHI || path.resolve('build/asan/shishi');
const TMP = process.env.SHISHI_TMP || os.tmpdir();

const running = new Set();
process.on('exit', () => { for (const p of running) try { p.kill('SIGKILL'); } catch {} });

export function shishi(...args) {
  return execFileSync(SHISHI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// The backend under test: SHISHI_TEST_BACKEND=pg runs every server of the
// file on a fresh PostgreSQL database of the server $SHISHI_TEST_PG names
// (make check starts one), else on an SQLite file. A PostgreSQL database
// has no file beside it for the audit key: one key file per test process,
// named to every shishi it starts by SHISHI_AUDIT_KEY.
export const BACKEND = process.env.SHISHI_TEST_BACKEND === 'pg' ? 'pg' : 'sqlite';
let dbSeq = 0;
if (BACKEND === 'pg') {
  if (!process.env.SHISHI_TEST_PG) throw new Error('SHISHI_TEST_BACKEND=pg needs SHISHI_TEST_PG');
  process.env.SHISHI_AUDIT_KEY = path.join(TMP, `pg-${process.pid}.key`);
}

// A new, empty database of the backend under test, in dir: its --db.
export function newDb(dir) {
  if (BACKEND === 'sqlite') return path.join(dir, 'shishi.db');
  const name = `t_${process.pid}_${++dbSeq}_${Date.now() % 100000}`;
  execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', process.env.SHISHI_TEST_PG, '-c',
                        `CREATE DATABASE ${name}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const u = new URL(process.env.SHISHI_TEST_PG);
  u.pathname = '/' + name;
  return u.toString();
}

// The first column of the first row of query on db (a test's look inside
// the database), as text; '' for none. sqlite3 on a file, psql on a URL.
export function sql(db, query) {
  const out = db.startsWith('postgresql:')
    ? execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', db, '-c', query],
                   { encoding: 'utf8' })
    : execFileSync('sqlite3', [db, query], { encoding: 'utf8' });
  return out.split('\n')[0].split('|')[0].trim();
}

// args: more `shishi serve` options (['--per-ip', '4']); db: serve this
// database (another server's srv.db) instead of a new one.
export async function startServer({ args = [], db: shared = null } = {}) {
  const dir = fs.mkdtempSync(path.join(TMP, 'serve-'));
  const db = shared || newDb(dir);
  if (!shared) shishi('init', '--db', db);
  // a PostgreSQL database has no file to keep evidence beside: a directory of the test's
  const env = BACKEND === 'pg' && !process.env.SHISHI_EVIDENCE_DIR
    ? { ...process.env, SHISHI_EVIDENCE_DIR: path.join(dir, 'evidence') } : process.env;
  const proc = spawn(SHISHI, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...args],
                     { stdio: ['ignore', 'ignore', 'pipe'], env });
  running.add(proc);
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + log)), 20000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /listening on .*\(port (\d+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${log}`)); });
  });
  proc.stderr.removeAllListeners('data');
  proc.stderr.on('data', (d) => { log += d; });
  // 'close', not 'exit': by then everything the server wrote to stderr is in log
  const exited = new Promise((resolve) => proc.on('close', (code, sig) => resolve(code ?? sig)));
  return {
    db, dir, port, base: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
      const code = await exited;
      clearTimeout(t);
      running.delete(proc);
      fs.rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

// GET (or another method) with full control over headers; no decompression.
export function request(base, p, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + p, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                    body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function getJson(base, p) {
  const r = await request(base, p);
  return { ...r, json: JSON.parse(r.body.toString('utf8')) };
}

// Send raw bytes on one socket; collect what comes back until `until`
// returns true for the data so far, the peer closes, or the timeout.
export function raw(port, chunks, { until = () => false, timeout = 3000 } = {}) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    const done = () => { clearTimeout(t); s.destroy(); resolve({ data, closed }); };
    const t = setTimeout(done, timeout);
    s.on('error', reject);
    s.on('data', (d) => { data += d.toString('latin1'); if (until(data)) done(); });
    s.on('end', () => { closed = true; done(); });
    s.on('connect', async () => {
      for (const c of chunks) {
        if (typeof c === 'function') await c(() => data); else s.write(c);
      }
    });
  });
}
