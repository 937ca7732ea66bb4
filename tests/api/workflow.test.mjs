// workflow.test.mjs - the reporting workflow through the API on a running
// server: the acceptance path of issue 5 (a county's report counts only
// once the prefecture approves it; out of scope is 403 JSON; no CSRF token
// is 403), and the authorization matrix: every state-changing endpoint x
// every role x in scope and out of scope, where exactly the allowed cells
// succeed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, shishi, getJson } from './server.mjs';
import { userAdd, signIn } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
process.env.SHISHI_PWHASH_FAST = '1';
let srv, T, as = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  srv = await startServer();
  const plan = (await getJson(srv.base, '/api/v1/plan')).json;
  T = plan.targets.find((t) => t.kind === 'count' && t.value >= 1000).id;
  shishi('assign', '--db', srv.db, '--target', String(T), '--org', '6501', '--value', '500');
  shishi('assign', '--db', srv.db, '--target', String(T), '--org', '650102', '--value', '100');
  for (const [n, role, org] of [['admin', 'admin', '65'], ['reviewer', 'reviewer', '6501'],
                                ['reporter', 'reporter', '650102'], ['viewer', 'viewer', '65']])
    userAdd(srv.db, n, role, org);
  for (const n of ['admin', 'reviewer', 'reporter', 'viewer']) as[n] = await signIn(srv.base, n);
});
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

async function actual(path) {
  await sleep(20);
  const r = await getJson(srv.base, path);
  assert.equal(r.status, 200);
  return r.json.targets.find((t) => t.id === T).actual;
}

test('acceptance: submitted does not count; the prefecture approves and 650102, 6501, 65 move',
     async () => {
  const before = [await actual('/api/v1/orgs/650102'), await actual('/api/v1/orgs/6501'),
                  await actual('/api/v1/plan')];
  const r = await as.reporter.post('/api/v1/reports',
                                   { target: T, org: '650102', date: '2026-05-31', value: 40,
                                     note: '五月累计' });
  assert.equal(r.status, 201, String(r.buf));
  assert.equal(r.json.status, 'submitted');
  assert.ok(Number.isInteger(r.json.id));
  assert.deepEqual(r.json.flags, []);
  assert.deepEqual([await actual('/api/v1/orgs/650102'), await actual('/api/v1/orgs/6501'),
                    await actual('/api/v1/plan')], before, 'a submitted report does not count');

  const inbox = await as.reviewer.get('/api/v1/inbox');
  assert.equal(inbox.status, 200);
  assert.ok(inbox.json.reports.some((x) => x.id === r.json.id && x.org.code === '650102'));

  const ok = await as.reviewer.post(`/api/v1/reports/${r.json.id}/approve`);
  assert.equal(ok.status, 200, String(ok.buf));
  assert.equal(ok.json.status, 'approved');
  assert.equal(await actual('/api/v1/orgs/650102'), before[0] + 40);
  assert.equal(await actual('/api/v1/orgs/6501'), before[1] + 40);
  assert.equal(await actual('/api/v1/plan'), before[2] + 40);
  const again = await as.reviewer.post(`/api/v1/reports/${r.json.id}/approve`);
  assert.equal(again.status, 409, 'no approving twice');
});

test('acceptance: out of scope is 403 JSON; no CSRF token is 403; bad input names the field',
     async () => {
  let r = await as.reporter.post('/api/v1/reports',
                                 { target: T, org: '650103', date: '2026-05-31', value: 5 });
  assert.equal(r.status, 403);
  assert.match(r.headers['content-type'], /^application\/json/);
  assert.equal(r.json.error.code, 'forbidden');
  r = await as.reporter.post('/api/v1/reports',
                             { target: T, org: '650102', date: '2026-05-31', value: 5 },
                             { csrf: false });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'csrf');
  r = await as.reporter.post('/api/v1/reports',
                             { target: T, org: '650102', date: '2026-05-31', value: -3 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'value');
  r = await as.reporter.post('/api/v1/reports',
                             { target: T, org: '650102', date: '2026-12-31', value: 50 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'date');
  r = await as.reporter.post('/api/v1/reports', { target: 'x', org: '650102', value: 1 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'target');
  // a jump over 3x the share is flagged, not refused
  r = await as.reporter.post('/api/v1/reports',
                             { target: T, org: '650102', date: '2026-06-30', value: 301 });
  assert.equal(r.status, 201);
  assert.deepEqual(r.json.flags, ['over_3x_share']);
  r = await as.reviewer.post(`/api/v1/reports/${r.json.id}/return`, {});
  assert.equal(r.status, 400, 'a return needs a comment');
});

test('me/assignments and the inbox need a session', async () => {
  const r = await as.reporter.get('/api/v1/me/assignments?period=2026-05');
  assert.equal(r.status, 200);
  assert.equal(r.json.period, '2026-05');
  assert.equal(r.json.deadline, '2026-06-05');
  const a = r.json.assignments.find((x) => x.target === T);
  assert.equal(a.value, 100);
  assert.equal(a.last, 40);
  const anon = await getJson(srv.base, '/api/v1/inbox');
  assert.equal(anon.status, 401);
  assert.equal((await as.viewer.get('/api/v1/inbox')).status, 403);
});

// ---- the authorization matrix -------------------------------------------------

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
let day = 0;
const nextDate = () => { day++; return `2026-06-${String(1 + (day % 28)).padStart(2, '0')}`; };

// A fresh report at org made by the admin (submitted or draft); its id.
async function fresh(org, status = 'submitted') {
  const r = await as.admin.post('/api/v1/reports',
                                { target: T, org, date: '2026-01-31', value: 0, status });
  assert.equal(r.status, 201, String(r.buf));
  return r.json.id;
}

// endpoint -> { in: org in scope, out: org out of scope, call(user, org), allowed[role] }
const ENDPOINTS = {
  'POST /api/v1/reports': {
    call: (u, org) => u.post('/api/v1/reports', { target: T, org, date: nextDate(), value: 40 }),
    in: '650102', out: '650103',
    allow: { admin: [1, 1], reviewer: [0, 0], reporter: [1, 0], viewer: [0, 0] },
  },
  'POST /api/v1/reports/{id}/approve': {
    call: async (u, org) => u.post(`/api/v1/reports/${await fresh(org)}/approve`),
    in: '650102', out: '650202',
    allow: { admin: [1, 1], reviewer: [1, 0], reporter: [0, 0], viewer: [0, 0] },
  },
  'POST /api/v1/reports/{id}/return': {
    call: async (u, org) => u.post(`/api/v1/reports/${await fresh(org)}/return`,
                                   { comment: '请补充材料' }),
    in: '650102', out: '650202',
    allow: { admin: [1, 1], reviewer: [1, 0], reporter: [0, 0], viewer: [0, 0] },
  },
  'POST /api/v1/reports/{id}/submit': {
    call: async (u, org) => u.post(`/api/v1/reports/${await fresh(org, 'draft')}/submit`),
    in: '650102', out: '650103',
    allow: { admin: [1, 1], reviewer: [0, 0], reporter: [1, 0], viewer: [0, 0] },
  },
  'POST /api/v1/reports/{id}/evidence': {
    call: async (u, org) => u.upload(`/api/v1/reports/${await fresh(org)}/evidence`, 'file',
                                     'proof.pdf', 'application/pdf', PDF),
    in: '650102', out: '650103',
    allow: { admin: [1, 1], reviewer: [0, 0], reporter: [1, 0], viewer: [0, 0] },
  },
  'POST /api/v1/assignments': {
    call: (u, org) => u.post('/api/v1/assignments', { target: T, org, value: 1 }),
    in: '650103', out: '650202',
    allow: { admin: [1, 1], reviewer: [1, 0], reporter: [0, 0], viewer: [0, 0] },
  },
  'POST /api/v1/ledger': { // the ledger is always the user's own unit: no out of scope
    call: (u) => u.upload('/api/v1/ledger?period=2026-06', 'file', 'l.csv', 'text/csv',
                          Buffer.from('id,p,m,u,a,l,v,n,d,note\n')),
    in: null, out: null,
    allow: { admin: [1, 1], reviewer: [0, 0], reporter: [1, 1], viewer: [0, 0] },
  },
};

test('authorization matrix: exactly the allowed cells succeed', async () => {
  const wrong = [];
  for (const [name, ep] of Object.entries(ENDPOINTS)) {
    for (const role of ['admin', 'reviewer', 'reporter', 'viewer']) {
      for (const [k, org] of [[0, ep.in], [1, ep.out]]) {
        const r = await ep.call(as[role], org);
        const ok = r.status >= 200 && r.status < 300;
        const want = ep.allow[role][k] === 1;
        if (ok !== want || (!want && r.status !== 403))
          wrong.push(`${name} as ${role} ${k ? 'out of' : 'in'} scope: ${r.status} ${r.buf}`);
        if (!want && r.status === 403)
          assert.ok(r.json && r.json.error, `${name} ${role}: 403 carries a JSON error`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('every state-changing endpoint refuses a write without the CSRF token', async () => {
  const id = await fresh('650102');
  for (const p of ['/api/v1/reports', `/api/v1/reports/${id}/approve`,
                   `/api/v1/reports/${id}/return`, `/api/v1/reports/${id}/submit`,
                   '/api/v1/assignments', '/api/v1/ledger']) {
    const r = await as.admin.post(p, { target: T, org: '650102', value: 1, comment: 'x' },
                                  { csrf: false });
    assert.equal(r.status, 403, p);
    assert.equal(r.json.error.code, 'csrf', p);
  }
});

test('console pages: the reporter form and the reviewer inbox, no inline script, CSRF in forms',
     async () => {
  const { send } = await import('./wfclient.mjs');
  let r = await as.reporter.get('/console/report?period=2026-06');
  assert.equal(r.status, 200);
  let html = r.buf.toString('utf8');
  assert.match(html, /<form class="stack" method="post" enctype="multipart\/form-data"/);
  assert.ok(html.includes(`name="csrf" value="${as.reporter.csrf}"`));
  assert.match(html, new RegExp(`name="v_${T}"`));
  assert.match(html, /accept="image\/jpeg,image\/png,image\/webp,application\/pdf"/);
  assert.doesNotMatch(html, /<script(?! src)|style="/);
  // a form post: a bad number is shown again with what was typed
  const form = (o) => new URLSearchParams(o).toString();
  const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
  r = await send(srv.base, '/console/report', { method: 'POST',
    headers: { ...FORM, Cookie: as.reporter.cookie },
    body: form({ csrf: as.reporter.csrf, period: '2026-06', [`v_${T}`]: 'abc', action: 'submit' }) });
  assert.equal(r.status, 400);
  assert.match(r.buf.toString('utf8'), /value="abc"/);
  r = await send(srv.base, '/console/report', { method: 'POST',
    headers: { ...FORM, Cookie: as.reporter.cookie },
    body: form({ csrf: as.reporter.csrf, period: '2026-06', [`v_${T}`]: '45', action: 'submit' }) });
  assert.equal(r.status, 303);
  // the reviewer sees it (and the flagged one) and approves by form
  r = await as.reviewer.get('/console/inbox');
  assert.equal(r.status, 200);
  html = r.buf.toString('utf8');
  assert.match(html, /累计值超过任务值的3倍/);
  assert.doesNotMatch(html, /<script(?! src)|style="/);
  const id = /name="id" value="(\d+)"/.exec(html)[1];
  r = await send(srv.base, '/console/inbox', { method: 'POST',
    headers: { ...FORM, Cookie: as.reviewer.cookie },
    body: form({ csrf: as.reviewer.csrf, id, action: 'return', comment: '请附照片' }) });
  assert.equal(r.status, 303);
  r = await send(srv.base, '/console/inbox', { method: 'POST',
    headers: { ...FORM, Cookie: as.reviewer.cookie }, body: form({ id, action: 'approve' }) });
  assert.equal(r.status, 403, 'no CSRF token in the form');
});
