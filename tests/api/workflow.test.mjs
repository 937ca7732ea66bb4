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
                                ['reporter', 'reporter', '650102'], ['viewer', 'viewer', '65'],
                                ['admin2', 'admin', '65']])
    userAdd(srv.db, n, role, org);
  for (const n of ['admin', 'reviewer', 'reporter', 'viewer', 'admin2'])
    as[n] = await signIn(srv.base, n);
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
  const flagged = r.json.id;
  r = await as.reviewer.post(`/api/v1/reports/${flagged}/return`, {});
  assert.equal(r.status, 400, 'a return needs a comment');
  r = await as.reviewer.post(`/api/v1/reports/${flagged}/return`, { comment: '请核实' });
  assert.equal(r.status, 200);
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
const nextDate = () => { day++; return `2026-03-${String(1 + (day % 28)).padStart(2, '0')}`; };

// A fresh report at org made by a second admin (submitted or draft), each
// on a day of its own in January and February (one live report per date;
// nobody approves their own report); its id.
let freshDay = 0;
async function fresh(org, status = 'submitted') {
  const d = new Date(Date.UTC(2026, 0, 1 + freshDay++)).toISOString().slice(0, 10);
  const r = await as.admin2.post('/api/v1/reports', { target: T, org, date: d, value: 0, status });
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
  assert.match(html, /退回意见：请核实/, 'the return comment is shown to the clerk');
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
    body: form({ csrf: as.reporter.csrf, period: '2026-06', [`v_${T}`]: '345', action: 'submit' }) });
  assert.equal(r.status, 303);
  // the returned report was corrected in place: its earlier version and
  // the comment stay visible to the clerk and the reviewer
  html = (await as.reporter.get('/console/report?period=2026-06')).buf.toString('utf8');
  assert.match(html, /此前退回的版本：.*301.*退回意见：请核实/s);
  // the reviewer sees it (flagged, with its history) and approves by form
  r = await as.reviewer.get('/console/inbox');
  assert.equal(r.status, 200);
  html = r.buf.toString('utf8');
  assert.match(html, /累计值超过任务值的3倍/);
  assert.match(html, /此前退回的版本：.*301.*请核实/s);
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

// ---- issue 9 ------------------------------------------------------------------

test('approval checks again what submission checked: 150 then 10 is refused at approval; ' +
     'several at once, each on its own; never one\'s own; no share is flagged', async () => {
  const plan = (await getJson(srv.base, '/api/v1/plan')).json;
  const [T2, T3] = plan.targets.filter((t) => t.kind === 'count' && t.id !== T).map((t) => t.id);
  let r = await as.admin.post('/api/v1/assignments', { target: T2, org: '650102', value: 100 });
  assert.equal(r.status, 200, String(r.buf));
  r = await as.reporter.post('/api/v1/reports', { target: T2, date: '2026-04-10', value: 150 });
  assert.equal(r.status, 201, String(r.buf));
  const high = r.json.id;
  r = await as.reporter.post('/api/v1/reports', { target: T2, date: '2026-04-20', value: 10 });
  assert.equal(r.status, 201, String(r.buf));
  const low = r.json.id;
  // the same date again is no second report: a submitted one is not replaced
  r = await as.reporter.post('/api/v1/reports', { target: T2, date: '2026-04-20', value: 11 });
  assert.equal(r.status, 409, String(r.buf));
  assert.equal(r.json.error.field, 'report');
  assert.doesNotMatch(r.json.error.message, /--[a-z]/);
  r = await as.reporter.post('/api/v1/reports', { target: T2, date: '2026-04-20', value: 10,
                                                  status: 'draft' });
  assert.equal(r.status, 201, String(r.buf));
  assert.deepEqual([r.json.id, r.json.outcome, r.json.status], [low, 'unchanged', 'submitted']);
  // a draft is replaced in place
  r = await as.reporter.post('/api/v1/reports', { target: T2, date: '2026-04-22', value: 20,
                                                  status: 'draft' });
  const draft = r.json.id;
  r = await as.reporter.post('/api/v1/reports', { target: T2, date: '2026-04-22', value: 21,
                                                  status: 'draft' });
  assert.deepEqual([r.json.id, r.json.outcome, r.json.status], [draft, 'replaced', 'draft']);
  r = await as.reviewer.post('/api/v1/reports/approve', { ids: [low, high, 999999] });
  assert.equal(r.status, 422, String(r.buf));
  assert.equal(r.json.approved, 1);
  assert.equal(r.json.failed, 2);
  const by = Object.fromEntries(r.json.results.map((x) => [x.id, x]));
  assert.equal(by[high].status, 'approved');
  assert.equal(by[999999].error.code, 'not_found');
  assert.equal(by[low].error.code, 'bad_input');
  assert.equal(by[low].error.field, 'value');
  assert.match(by[low].error.message, /10 is lower than 150 approved as of 2026-04-10/);
  assert.equal((await as.reviewer.post(`/api/v1/reports/${low}/approve`)).status, 400);
  // the inbox says share, last approved value and increase
  const inbox = (await as.reviewer.get('/api/v1/inbox')).json.reports;
  const x = inbox.find((y) => y.id === low);
  assert.equal(x.share, 100);
  assert.equal(x.last, 150);
  assert.equal(x.last_date, '2026-04-10');
  assert.equal(x.increase, -140);
  assert.deepEqual(x.history, []);
  // an admin's own report waits for someone else
  r = await as.admin.post('/api/v1/reports', { target: T2, org: '650102', date: '2026-04-25',
                                               value: 160 });
  assert.equal(r.status, 201, String(r.buf));
  const own = r.json.id;
  r = await as.admin.post(`/api/v1/reports/${own}/approve`);
  assert.equal(r.status, 403, String(r.buf));
  assert.equal(r.json.error.field, 'report');
  r = await as.admin.post('/api/v1/reports/approve', { ids: [own] });
  assert.equal(r.status, 422);
  assert.equal(r.json.results[0].error.code, 'forbidden');
  assert.equal((await as.reviewer.post(`/api/v1/reports/${own}/approve`)).status, 200);
  // a target the unit has no share of: accepted, flagged for the reviewer
  r = await as.reporter.post('/api/v1/reports', { target: T3, date: '2026-04-30', value: 3 });
  assert.equal(r.status, 201, String(r.buf));
  assert.ok(r.json.flags.includes('no_share'), JSON.stringify(r.json));
  const flagged = (await as.reviewer.get('/api/v1/inbox')).json.reports.find((y) => y.id === r.json.id);
  assert.ok(flagged.flags.includes('no_share'));
  assert.equal(flagged.share, null);
  const h = (await as.reviewer.get('/console/inbox')).buf.toString('utf8');
  assert.match(h, /该单位没有此指标的任务/);
  // bad batches are refused whole, naming the field
  for (const body of [{}, { ids: [] }, { ids: ['x'] }, { ids: [0] }]) {
    r = await as.reviewer.post('/api/v1/reports/approve', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, 'ids');
  }
});
