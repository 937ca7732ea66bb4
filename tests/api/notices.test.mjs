// notices.test.mjs - supervision notices (督办单) through the API and the
// console on a running server: the acceptance path of issue 12 (a lagging
// county gets a red notice from `shishi supervise run`, answers it through
// the API, the supervisor closes it, the audit log verifies; an unanswered
// notice past its deadline is escalated to the unit above), the public
// target page's lines (no official's name), the console's forms, and the
// authorization matrix: every notice endpoint x every role x in scope and
// out of scope, where exactly the allowed cells succeed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { startServer, shishi, getJson, SHISHI, newDb } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-07-10';
process.env.SHISHI_PWHASH_FAST = '1';
let srv, plan, as = {};

function cli(...args) {
  const r = spawnSync(SHISHI, [...args, '--db', srv.db], { encoding: 'utf8' });
  assert.equal(r.status, 0, `shishi ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const notices = () => JSON.parse(cli('notice', 'list', '--json')).notices;

before(async () => {
  srv = await startServer();
  plan = (await getJson(srv.base, '/api/v1/plan')).json;
  shishi('assign', '--db', srv.db, '--target', '47', '--org', '6501', '--value', '500');
  shishi('assign', '--db', srv.db, '--target', '47', '--org', '650102', '--value', '100');
  for (const [n, role, org] of [['admin', 'admin', '65'], ['sup', 'supervisor', '65'],
                                ['sup1', 'supervisor', '6501'], ['reviewer', 'reviewer', '6501'],
                                ['reporter', 'reporter', '650102'], ['viewer', 'viewer', '6501']])
    userAdd(srv.db, n, role, org);
  for (const n of ['admin', 'sup', 'sup1', 'reviewer', 'reporter', 'viewer'])
    as[n] = await signIn(srv.base, n);
});
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

let red;
test('acceptance: 2 of 100 km at 650102 by June against about 35% due is a red notice, once',
     async () => {
  shishi('report', 'add', '--db', srv.db, '--target', '47', '--org', '650102',
         '--date', '2026-06-30', '--value', '2');
  const run = JSON.parse(cli('supervise', 'run', '--json'));
  assert.equal(run.period, '2026-06');
  red = notices().find((n) => n.target.id === 47 && n.org.code === '650102');
  assert.ok(red, 'a notice for target 47 at 650102');
  assert.equal(red.grade, 'red');
  assert.equal(red.status, 'issued');
  assert.equal(red.figures.actual, 2);
  assert.equal(red.figures.value, 100);
  assert.ok(red.figures.expected > 30 && red.figures.expected < 40, String(red.figures.expected));
  assert.equal(red.as_of, '2026-06-30');
  assert.match(red.number, /^督办〔2026〕\d+号$/);
  const count = notices().length;
  const again = JSON.parse(cli('supervise', 'run', '--json'));
  assert.deepEqual([again.issued, again.raised, again.escalated, again.marked], [0, 0, 0, 0]);
  assert.equal(notices().length, count, 'a second run adds none');
});

test('acceptance: the reporter answers through the API, the supervisor closes, audit verifies',
     async () => {
  let r = await as.reporter.get(`/api/v1/notices/${red.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.history[0].kind, 'issued');
  r = await as.reporter.post(`/api/v1/notices/${red.id}/answer`,
                             { text: '已增派施工队伍', measures: '分段同时施工', due: '2026-08-31' });
  assert.equal(r.status, 200, String(r.buf));
  assert.equal(r.json.status, 'answered');
  assert.equal(r.json.answer.text, '已增派施工队伍');
  assert.equal(r.json.answer.due, '2026-08-31');
  r = await as.reporter.post(`/api/v1/notices/${red.id}/answer`, { text: '再答一次' });
  assert.equal(r.status, 409, 'answered once');
  r = await as.sup.post(`/api/v1/notices/${red.id}/close`);
  assert.equal(r.status, 200, String(r.buf));
  assert.equal(r.json.status, 'closed');
  assert.deepEqual(r.json.history.map((h) => h.kind), ['issued', 'answered', 'closed']);
  const v = spawnSync(SHISHI, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stdout + v.stderr);
  for (const t of ['notice', 'notice_event'])
    assert.ok(Number(spawnSync(SHISHI, ['audit', 'verify', '--json', '--db', srv.db],
                               { encoding: 'utf8' }).status) === 0, t);
});

test('the public target page says issued, answered and closed, with dates and no name',
     async () => {
  const r = await send(srv.base, '/targets/47?org=650102');
  assert.equal(r.status, 200);
  const html = r.buf.toString('utf8');
  assert.ok(html.includes(red.number), 'the number');
  assert.ok(html.includes('2026-07-10'), 'the day it was issued');
  assert.ok(html.includes('已增派施工队伍'), "the answer's summary");
  assert.doesNotMatch(html, /reporter|sup\b|supervisor:/, "no official's name");
});

test('unanswered past its deadline: escalated a grade up and addressed to the unit above',
     async () => {
  const open = notices().find((n) => n.target.id === 47 && n.org.code === '6501');
  assert.ok(open && open.status === 'issued');
  const run = JSON.parse(cli('supervise', 'run', '--json', '--date', '2026-07-25'));
  assert.ok(run.escalated >= 1);
  const up = notices().find((n) => n.id === open.id);
  assert.equal(up.escalations, 1);
  assert.deepEqual(up.addressed.map((o) => o.code), ['6501', '65']);
  assert.ok(up.deadline > '2026-07-25');
  const closed = notices().find((n) => n.id === red.id);
  assert.equal(closed.status, 'closed', 'a closed notice is not escalated');
  const again = JSON.parse(cli('supervise', 'run', '--json', '--date', '2026-07-25'));
  assert.equal(again.escalated, 0, 'escalated once per deadline');
});

// ---- the authorization matrix -------------------------------------------------

// Targets for fresh notices, one cell each (one open notice per target and unit).
const spare = () => plan.targets.map((t) => t.id).filter((id) => id !== 47);
const used = {};
const nextTarget = (org) => { used[org] = (used[org] || 0) + 1; return spare()[used[org] - 1]; };
// A fresh notice at org issued by the admin, answered too when asked; its id.
async function fresh(org, answered = false) {
  const target = nextTarget(org);
  let r = await as.admin.post('/api/v1/notices', { target, org, text: '请说明进度' });
  assert.equal(r.status, 201, String(r.buf));
  if (answered) {
    r = await as.admin.post(`/api/v1/notices/${r.json.id}/answer`, { text: '已落实' });
    assert.equal(r.status, 200, String(r.buf));
  }
  return r.json.id;
}

const ROLES = ['admin', 'sup1', 'reviewer', 'reporter', 'viewer'];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
// endpoint -> { in, out, call(user, org), allow[role]: [in, out] }
const ENDPOINTS = {
  'GET /api/v1/notices/{id}': {
    call: async (u, org) => u.get(`/api/v1/notices/${await fresh(org)}`),
    in: '650102', out: '650202',
    allow: { admin: [1, 1], sup1: [1, 0], reviewer: [1, 0], reporter: [1, 0], viewer: [1, 0] },
  },
  'POST /api/v1/notices': {
    call: (u, org) => u.post('/api/v1/notices', { target: nextTarget(org), org, text: '请说明' }),
    in: '650102', out: '650202',
    allow: { admin: [1, 1], sup1: [1, 0], reviewer: [0, 0], reporter: [0, 0], viewer: [0, 0] },
  },
  'POST /api/v1/notices/{id}/answer': {
    call: async (u, org) => u.post(`/api/v1/notices/${await fresh(org)}/answer`,
                                   { text: '已整改' }),
    in: '650102', out: '650103',
    allow: { admin: [1, 1], sup1: [0, 0], reviewer: [0, 0], reporter: [1, 0], viewer: [0, 0] },
  },
  'POST /api/v1/notices/{id}/answer (a unit with a reviewer)': {
    call: async (u, org) => u.post(`/api/v1/notices/${await fresh(org)}/answer`,
                                   { text: '已整改' }),
    in: '6501', out: '6502',
    allow: { admin: [1, 1], sup1: [0, 0], reviewer: [1, 0], reporter: [0, 0], viewer: [0, 0] },
  },
  'POST /api/v1/notices/{id}/evidence': {
    call: async (u, org) => u.upload(`/api/v1/notices/${await fresh(org)}/evidence`, 'file',
                                     '整改.pdf', 'application/pdf', PDF),
    in: '650102', out: '650103',
    allow: { admin: [1, 1], sup1: [0, 0], reviewer: [0, 0], reporter: [1, 0], viewer: [0, 0] },
  },
  'POST /api/v1/notices/{id}/close': {
    call: async (u, org) => u.post(`/api/v1/notices/${await fresh(org, true)}/close`),
    in: '650102', out: '650202',
    allow: { admin: [1, 1], sup1: [1, 0], reviewer: [0, 0], reporter: [0, 0], viewer: [0, 0] },
  },
  'POST /api/v1/notices/{id}/return': {
    call: async (u, org) => u.post(`/api/v1/notices/${await fresh(org, true)}/return`,
                                   { comment: '措施不具体' }),
    in: '650102', out: '650202',
    allow: { admin: [1, 1], sup1: [1, 0], reviewer: [0, 0], reporter: [0, 0], viewer: [0, 0] },
  },
};

test('authorization matrix: exactly the allowed cells succeed', async () => {
  const wrong = [];
  for (const [name, ep] of Object.entries(ENDPOINTS)) {
    for (const role of ROLES) {
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

test('the list shows each role the notices of the units it sees; anonymous is 401', async () => {
  assert.equal((await getJson(srv.base, '/api/v1/notices')).status, 401);
  const orgs = async (u) => new Set((await as[u].get('/api/v1/notices')).json.notices
    .flatMap((n) => n.addressed.map((o) => o.code)));
  const rep = await orgs('reporter');
  assert.deepEqual([...rep].filter((c) => c !== '650102'), [], [...rep].join());
  assert.ok((await orgs('admin')).has('650202'));
  assert.ok(!(await orgs('sup1')).has('650202'));
  const r = await as.admin.get('/api/v1/notices?status=closed');
  assert.ok(r.json.notices.every((n) => n.status === 'closed') && r.json.notices.length > 0);
  assert.equal((await as.admin.get('/api/v1/notices?status=open')).status, 400);
});

test('state: an unanswered notice is not closed, a returned one is issued again', async () => {
  const id = await fresh('650102');
  let r = await as.sup1.post(`/api/v1/notices/${id}/close`);
  assert.equal(r.status, 409);
  r = await as.reporter.post(`/api/v1/notices/${id}/answer`, { text: '' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'text');
  r = await as.reporter.post(`/api/v1/notices/${id}/answer`, { text: 'x', due: '2026-13-01' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'due');
  r = await as.reporter.post(`/api/v1/notices/${id}/answer`, { text: '已整改' });
  assert.equal(r.status, 200);
  r = await as.sup1.post(`/api/v1/notices/${id}/return`, { comment: '' });
  assert.equal(r.status, 400);
  r = await as.sup1.post(`/api/v1/notices/${id}/return`, { comment: '请补充证明材料' });
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'issued');
  assert.equal(r.json.comment, '请补充证明材料');
  r = await as.admin.post('/api/v1/notices', { target: 47, org: '6501', text: '再发一单' });
  assert.equal(r.status, 409, 'one open notice per target and unit');
});

test("the answer's evidence: a photo or PDF while the notice is open, kept by content",
     async () => {
  const id = await fresh('650102');
  let r = await as.reporter.upload(`/api/v1/notices/${id}/evidence`, 'file', 'a.txt',
                                   'text/plain', Buffer.from('not a photo'));
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'file');
  r = await as.reporter.upload(`/api/v1/notices/${id}/evidence`, 'file', '整改.pdf',
                               'application/pdf', PDF);
  assert.equal(r.status, 201, String(r.buf));
  assert.deepEqual(r.json, { notice: id, files: 1 });
  r = await as.reporter.post(`/api/v1/notices/${id}/answer`, { text: '已整改' });
  assert.equal(r.status, 200);
  r = await as.sup1.post(`/api/v1/notices/${id}/close`);
  assert.equal(r.status, 200);
  r = await as.reporter.upload(`/api/v1/notices/${id}/evidence`, 'file', 'late.pdf',
                               'application/pdf', PDF);
  assert.equal(r.status, 409, 'closed: no more files');
});

test("the public page shows a long answer's summary, cut at a character", async () => {
  const target = nextTarget('650104');
  let r = await as.admin.post('/api/v1/notices', { target, org: '650104', text: '请说明' });
  assert.equal(r.status, 201);
  const long = '已完成路基工程。'.repeat(40) + '尾句不在摘要里';
  r = await as.admin.post(`/api/v1/notices/${r.json.id}/answer`, { text: long });
  assert.equal(r.status, 200);
  const html = (await send(srv.base, `/targets/${target}?org=650104`)).buf.toString('utf8');
  assert.ok(html.includes('已完成路基工程。已完成'), 'the beginning');
  assert.ok(!html.includes('尾句不在摘要里'), 'not the whole answer');
  assert.ok(html.includes('…'), 'an ellipsis where it is cut');
});

test('every notice write refuses a request without the CSRF token', async () => {
  const id = await fresh('650102');
  for (const p of ['/api/v1/notices', `/api/v1/notices/${id}/answer`,
                   `/api/v1/notices/${id}/close`, `/api/v1/notices/${id}/return`]) {
    const r = await as.admin.post(p, { target: 1, org: '650102', text: 'x', comment: 'x' },
                                  { csrf: false });
    assert.equal(r.status, 403, p);
    assert.equal(r.json.error.code, 'csrf', p);
  }
});

test('console: the clerk answers by a plain form, the supervisor sees close and return',
     async () => {
  const id = await fresh('650102');
  let r = await as.reporter.get('/console/notices');
  assert.equal(r.status, 200);
  assert.ok(r.buf.toString('utf8').includes(`/console/notices/${id}`));
  r = await as.reporter.get(`/console/notices/${id}`);
  let html = r.buf.toString('utf8');
  assert.equal(r.status, 200);
  assert.ok(html.includes(`name="csrf" value="${as.reporter.csrf}"`));
  assert.match(html, /<textarea id="text" name="text"/);
  assert.doesNotMatch(html, /<script(?! src)|style="/);
  const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const form = (o) => new URLSearchParams(o).toString();
  r = await send(srv.base, `/console/notices/${id}`, { method: 'POST',
    headers: { ...FORM, Cookie: as.reporter.cookie },
    body: form({ csrf: as.reporter.csrf, action: 'answer', text: '', measures: '加快' }) });
  assert.equal(r.status, 400);
  assert.match(r.buf.toString('utf8'), /加快/, 'what was typed is shown again');
  r = await send(srv.base, `/console/notices/${id}`, { method: 'POST',
    headers: { ...FORM, Cookie: as.reporter.cookie },
    body: form({ csrf: as.reporter.csrf, action: 'answer', text: '已整改到位' }) });
  assert.equal(r.status, 303);
  r = await as.sup1.get(`/console/notices/${id}`);
  html = r.buf.toString('utf8');
  assert.match(html, /value="close"/);
  assert.match(html, /value="return"/);
  r = await as.viewer.get(`/console/notices/${id}`);
  assert.doesNotMatch(r.buf.toString('utf8'), /value="close"|name="text"/);
});

test('serve --supervise-hour runs the check once a day by itself', async () => {
  const dir = fs.mkdtempSync(path.join(process.env.SHISHI_TMP || os.tmpdir(), 'daily-'));
  const db = newDb(dir);
  shishi('init', '--db', db);
  shishi('assign', '--db', db, '--target', '47', '--org', '650102', '--value', '100');
  shishi('report', 'add', '--db', db, '--target', '47', '--org', '650102',
         '--date', '2026-06-30', '--value', '2');
  const daily = await startServer({ db, args: ['--supervise-hour', '0'] });
  try {
    let n = 0;
    for (let i = 0; i < 200 && !/supervision run of 2026-07-10/.test(daily.log()); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(daily.log(), /supervision run of 2026-07-10: 1 issued/);
    const list = JSON.parse(spawnSync(SHISHI, ['notice', 'list', '--json', '--db', db],
                                      { encoding: 'utf8' }).stdout).notices;
    n = list.filter((x) => x.target.id === 47 && x.org.code === '650102' && x.grade === 'red')
      .length;
    assert.equal(n, 1);
    assert.equal(list[0].issued_by, 'supervise');
  } finally {
    assert.equal(await daily.stop(), 0, daily.log());
  }
  const r = spawnSync(SHISHI, ['serve', '--supervise-hour', '24', '--db', db], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--supervise-hour must be an hour/);
});
