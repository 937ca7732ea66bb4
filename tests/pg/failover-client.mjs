// failover-client.mjs - the stream of approvals of the failover test
// (tests/pg/failover.test.sh): a reporter submits reports of its county
// (a new date and a higher cumulative value each time) and a reviewer
// approves them, through one `shishi serve`, one after another. It prints
// "ack ID" once the approval of report ID was answered 200, and keeps
// going through failures (the server's database failing over: 5xx,
// refused or reset connections), signing in again when a session is lost,
// until STOP_FILE exists.
//
//   node failover-client.mjs BASE TARGET ORG STOP_FILE
import http from 'node:http';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const [base, target, org, stopFile] = process.argv.slice(2);

function send(p, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve) => {
    const req = http.request(base + p, { method, headers, agent: false, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let json;
        try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, json });
      });
    });
    req.on('error', (e) => resolve({ status: 0, error: e.code || String(e) }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function signIn(name) {
  for (;;) {
    const r = await send('/api/v1/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: name, password: 'a long password' }) });
    const c = (r.headers?.['set-cookie'] || []).find((x) => x.startsWith('ss_session='));
    if (r.status === 200 && c) return { cookie: c.split(';')[0], csrf: r.json.csrf };
    console.error(`sign-in of ${name}: ${r.status || r.error}`);
    if (fs.existsSync(stopFile)) process.exit(0);
    await sleep(200);
  }
}

const post = (s, p, obj) => send(p, {
  method: 'POST', body: obj === undefined ? undefined : JSON.stringify(obj),
  headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' } });

let reporter = await signIn('reporter');
let reviewer = await signIn('reviewer');
const day0 = Date.UTC(2026, 0, 1);
let n = 0, id = null;
while (!fs.existsSync(stopFile) && n < 360) {
  if (id === null) {
    const date = new Date(day0 + n * 86400e3).toISOString().slice(0, 10);
    const r = await post(reporter, '/api/v1/reports', { target: Number(target), org, date, value: 100 + n });
    if (r.status === 201) { id = r.json.id; }
    else if (r.status === 409) { n++; continue; } // submitted before the failure: a new date
    else {
      console.error(`submit: ${r.status || r.error} ${r.json?.error?.message || ''}`);
      if (r.status === 401) reporter = await signIn('reporter');
      await sleep(100);
      continue;
    }
  }
  const ok = await post(reviewer, `/api/v1/reports/${id}/approve`);
  if (ok.status === 200) {
    console.log(`ack ${id}`);
    id = null;
    n++;
  } else if (ok.status === 409) {
    // approved by the attempt whose answer was lost: not acknowledged, so not counted
    id = null;
    n++;
  } else {
    console.error(`approve ${id}: ${ok.status || ok.error} ${ok.json?.error?.message || ''}`);
    if (ok.status === 401) reviewer = await signIn('reviewer');
    await sleep(100);
  }
}
