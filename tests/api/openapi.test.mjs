// openapi.test.mjs - docs/openapi.json, the served document and the live
// routes agree (the document is generated from the route table:
// `shishi serve --openapi > docs/openapi.json`): every documented
// operation, called for real, answers with its documented success status
// and media type (a binary .xlsx download included), and its documented
// errors come back as JSON; and @redocly/cli's recommended rules find
// nothing to report in it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { startServer, getJson, request, shishi } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
process.env.SHISHI_PWHASH_FAST = '1';
let srv, T;
const as = {};
before(async () => {
  srv = await startServer();
  T = (await getJson(srv.base, '/api/v1/plan')).json.targets
    .find((t) => t.kind === 'count' && t.value >= 1000).id;
  shishi('assign', '--db', srv.db, '--target', String(T), '--org', '6501', '--value', '500');
  shishi('assign', '--db', srv.db, '--target', String(T), '--org', '650102', '--value', '100');
  for (const [n, role, org] of [['admin', 'admin', '65'], ['reviewer', 'reviewer', '6501'],
                                ['reporter', 'reporter', '650102']]) {
    userAdd(srv.db, n, role, org);
    as[n] = await signIn(srv.base, n);
  }
  // the yearly cycle: 2026's vote closed (a ballot and its receipt), 2028's
  // open, 2027's proposals open
  const cyc = (args, today = '2026-06-30') => {
    const r = spawnSync(process.env.SHISHI || 'build/asan/shishi', ['cycle', ...args, '--db', srv.db],
                        { encoding: 'utf8', env: { ...process.env, SHISHI_TODAY: today } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  for (const y of ['2026', '2028']) {
    cyc(['open', '--year', y, '--from', '2026-06-01', '--to', '2026-06-02']);
    const id = /proposal (\d+)/.exec(cyc(['propose', '--title', 't', '--text', '新建公园1个',
                                           '--org', '65'], '2026-06-01'))[1];
    cand[y] = Number(/candidate (\d+)/.exec(cyc(['promote', id, '--cost', '1',
                                                 '--department', '民政厅']))[1]);
    cyc(['vote', '--year', y, '--from', '2026-06-03', '--to', '2026-07-31', '--seats', '1']);
  }
  userAdd(srv.db, 'deputy', 'deputy', '65');
  userAdd(srv.db, 'deputy2', 'deputy', '65');
  as.deputy = await signIn(srv.base, 'deputy');
  as.deputy2 = await signIn(srv.base, 'deputy2');
  const b = await as.deputy.post('/api/v1/cycles/2026/ballots', { choices: [cand['2026']] });
  assert.equal(b.status, 201, String(b.buf));
  EXAMPLE.receipt = b.json.receipt;
  cyc(['vote', '--year', '2026', '--from', '2026-06-03', '--to', '2026-06-29', '--seats', '1']);
  cyc(['open', '--year', '2027', '--from', '2026-06-30', '--to', '2026-07-31']);
  EXAMPLE.ticket = (await message()).ticket;
});
const cand = {};
after(async () => { assert.equal(await srv.stop(), 0); });

const EXAMPLE = { id: '1', code: '65', no: '1', year: '2026' };

test('docs/openapi.json is what the binary generates and serves', async () => {
  const file = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  const served = (await getJson(srv.base, '/api/v1/openapi.json')).json;
  assert.deepEqual(served, file);
  assert.deepEqual(JSON.parse(shishi('serve', '--openapi')), file);
  assert.equal(file.openapi.slice(0, 2), '3.');
});

test('every documented path answers, with the documented fields', async () => {
  const doc = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  const schemas = doc.components.schemas;
  for (const [p, item] of Object.entries(doc.paths)) {
    // routes that need a session are checked by session.test.mjs
    if (!item.get || item.get.security.length) continue;
    const url = p.replace(/\{(\w+)\}/g, (_, k) => EXAMPLE[k]);
    const json = item.get.responses['200'].content['application/json'];
    if (!json) { // a download (plan.csv, opendata.zip): the media type is checked below
      assert.equal((await request(srv.base, url)).status, 200, url);
      continue;
    }
    const r = await getJson(srv.base, url);
    assert.equal(r.status, 200, url);
    const ref = json.schema.$ref;
    if (!ref) continue;
    const s = schemas[ref.split('/').pop()];
    for (const k of Object.keys(s.properties)) assert.ok(k in r.json, `${url} has ${k}`);
    for (const code of Object.keys(item.get.responses)) assert.match(code, /^(200|400|404|405)$/);
  }
});

test('no API route outside the document', async () => {
  const doc = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  for (const p of ['/api/v1/plans', '/api/v1/target/1', '/api/v2/plan', '/api/v1/orgs']) {
    assert.ok(!(p in doc.paths));
    assert.equal((await request(srv.base, p)).status, 404, p);
  }
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function report(date, status = 'submitted') {
  const r = await as.reporter.post('/api/v1/reports', { target: T, org: '650102', date, value: 10,
                                                        status });
  assert.equal(r.status, 201, String(r.buf));
  return r.json.id;
}

// One real call per documented operation that should succeed. A new route
// must add its call here, or the test below fails.
const CALLS = {
  'get /api/v1/plan': () => send(srv.base, '/api/v1/plan'),
  'get /api/v1/targets/{id}': () => send(srv.base, `/api/v1/targets/${T}?org=6501`),
  'get /api/v1/orgs/{code}': () => send(srv.base, '/api/v1/orgs/6501'),
  'get /api/v1/openapi.json': () => send(srv.base, '/api/v1/openapi.json'),
  'get /api/v1/session': () => as.reporter.get('/api/v1/session'),
  'post /api/v1/session': () => send(srv.base, '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'reporter', password: 'a long password' }) }),
  'delete /api/v1/session': async () => {
    const u = await signIn(srv.base, 'reporter');
    return send(srv.base, '/api/v1/session', { method: 'DELETE',
      headers: { Cookie: u.cookie, 'X-CSRF-Token': u.csrf } });
  },
  'get /api/v1/inbox': () => as.reviewer.get('/api/v1/inbox'),
  'get /api/v1/me/assignments': () => as.reporter.get('/api/v1/me/assignments?period=2026-06'),
  'get /api/v1/completeness': () => as.reviewer.get('/api/v1/completeness?period=2026-06&org=6501'),
  'get /api/v1/plan.csv': () => send(srv.base, '/api/v1/plan.csv'),
  'get /api/v1/opendata.zip': () => send(srv.base, '/api/v1/opendata.zip'),
  'get /api/v1/ledger.xlsx': () => as.reporter.get('/api/v1/ledger.xlsx?period=2026-06'),
  'post /api/v1/ledger': async () => {
    const x = await as.reporter.get('/api/v1/ledger.xlsx?period=2026-06');
    return as.reporter.upload('/api/v1/ledger?period=2026-06', 'file', 'l.xlsx', XLSX, x.buf);
  },
  'post /api/v1/reports': () => as.reporter.post('/api/v1/reports',
    { target: T, org: '650102', date: '2026-02-28', value: 5 }),
  'post /api/v1/reports/{id}/approve': async () =>
    as.reviewer.post(`/api/v1/reports/${await report('2026-03-31')}/approve`),
  'post /api/v1/reports/approve': async () =>
    as.reviewer.post('/api/v1/reports/approve', { ids: [await report('2026-03-20')] }),
  'post /api/v1/reports/{id}/return': async () =>
    as.reviewer.post(`/api/v1/reports/${await report('2026-04-30')}/return`, { comment: '请补充' }),
  'post /api/v1/reports/{id}/submit': async () =>
    as.reporter.post(`/api/v1/reports/${await report('2026-05-31', 'draft')}/submit`),
  'post /api/v1/reports/{id}/evidence': async () =>
    as.reporter.upload(`/api/v1/reports/${await report('2026-01-31')}/evidence`, 'file',
                       'proof.pdf', 'application/pdf', PDF),
  'post /api/v1/assignments': () => as.admin.post('/api/v1/assignments',
    { target: T, org: '650103', value: 10 }),
  'get /api/v1/notices': () => as.reporter.get('/api/v1/notices'),
  'post /api/v1/notices': () => as.admin.post('/api/v1/notices',
    { target: T, org: '650102', text: '请说明进度' }),
  'get /api/v1/notices/{id}': async () => as.admin.get(`/api/v1/notices/${await notice('650103')}`),
  'post /api/v1/notices/{id}/answer': async () =>
    as.admin.post(`/api/v1/notices/${await notice('650104')}/answer`, { text: '已整改' }),
  'post /api/v1/notices/{id}/evidence': async () =>
    as.admin.upload(`/api/v1/notices/${await notice('650107')}/evidence`, 'file', 'p.pdf',
                    'application/pdf', PDF),
  'post /api/v1/notices/{id}/close': async () =>
    as.admin.post(`/api/v1/notices/${await notice('650105', true)}/close`),
  'post /api/v1/notices/{id}/return': async () =>
    as.admin.post(`/api/v1/notices/${await notice('650106', true)}/return`, { comment: '请补充' }),
  'post /api/v1/ratings': () => as.admin.post('/api/v1/ratings', { project: 10, score: 4 }),
  'get /api/v1/projects/{no}/satisfaction': () => as.admin.get('/api/v1/projects/10/satisfaction'),
  'post /api/v1/subscriptions': () => send(srv.base, '/api/v1/subscriptions', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'openapi@example.org', about: { target: T } }) }),
};

// the yearly cycle (set up in before)
const postProposal = () => send(srv.base, '/api/v1/proposals', {
  method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ title: '公园', text: '新建公园2个', org: '650102' }) });
async function proposal() {
  const r = await postProposal();
  assert.equal(r.status, 201, String(r.buf));
  return r.json.id;
}
Object.assign(CALLS, {
  'get /api/v1/proposals': () => send(srv.base, '/api/v1/proposals?year=2027'),
  'post /api/v1/proposals': () => postProposal(),
  'post /api/v1/proposals/{id}/promote': async () => as.admin.post(
    `/api/v1/proposals/${await proposal()}/promote`, { cost: 5, department: '民政厅' }),
  'post /api/v1/proposals/{id}/merge': async () => as.admin.post(
    `/api/v1/proposals/${await proposal()}/merge`, { into: await proposal() }),
  'post /api/v1/proposals/{id}/decline': async () => as.admin.post(
    `/api/v1/proposals/${await proposal()}/decline`, { reason: '重复' }),
  'post /api/v1/cycles/{year}/ballots': () => as.deputy2.post('/api/v1/cycles/2028/ballots',
    { choices: [cand['2028']] }),
  'get /api/v1/cycles/{year}/receipts/{receipt}': () =>
    send(srv.base, `/api/v1/cycles/2026/receipts/${EXAMPLE.receipt}`),
  'get /api/v1/cycles/{year}/result': () => send(srv.base, '/api/v1/cycles/2026/result'),
});
// the public's messages
Object.assign(CALLS, {
  'get /api/v1/messages': () => send(srv.base, `/api/v1/messages?target=${T}`),
  'post /api/v1/messages': () => send(srv.base, '/api/v1/messages', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ about: { project: 1 }, kind: 'suggestion', text: '建议' }) }),
  'get /api/v1/messages/queue': () => as.admin.get('/api/v1/messages/queue'),
  'get /api/v1/tickets/{ticket}': () =>
    send(srv.base, `/api/v1/tickets/${EXAMPLE.ticket}`),
  'post /api/v1/tickets/{ticket}/helpful': async () =>
    send(srv.base, `/api/v1/tickets/${(await published(true)).ticket}/helpful`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ helpful: true }) }),
  'post /api/v1/messages/{id}/publish': async () =>
    as.admin.post(`/api/v1/messages/${(await message()).id}/publish`),
  'post /api/v1/messages/{id}/hide': async () =>
    as.admin.post(`/api/v1/messages/${(await message()).id}/hide`, { reason: 'abuse' }),
  'post /api/v1/messages/{id}/reply': async () =>
    as.admin.post(`/api/v1/messages/${(await published()).id}/reply`, { text: '已办' }),
});

// A message from the public about target T (text made unique), as sent.
let messages = 0;
async function message() {
  const r = await send(srv.base, '/api/v1/messages', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ about: { target: T }, kind: 'question', text: `问题 ${++messages}` }) });
  assert.equal(r.status, 201, String(r.buf));
  return r.json;
}
// ... published, and answered when asked.
async function published(answered = false) {
  const m = await message();
  assert.equal((await as.admin.post(`/api/v1/messages/${m.id}/publish`)).status, 200);
  if (answered)
    assert.equal((await as.admin.post(`/api/v1/messages/${m.id}/reply`, { text: '答' })).status,
                 200);
  return m;
}

// A notice at org issued (and answered, when asked) by the admin; its id.
async function notice(org, answered = false) {
  let r = await as.admin.post('/api/v1/notices', { target: T, org, text: '请说明进度' });
  assert.equal(r.status, 201, String(r.buf));
  if (answered) {
    r = await as.admin.post(`/api/v1/notices/${r.json.id}/answer`, { text: '已落实' });
    assert.equal(r.status, 200, String(r.buf));
  }
  return r.json.id;
}

const mediaOf = (h) => (h['content-type'] || '').split(';')[0].trim();

test('every documented operation answers with its documented status and media type',
     async () => {
  const doc = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  const seen = new Set();
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const key = `${method} ${p}`;
      assert.ok(CALLS[key], `${key} has a call in CALLS`);
      seen.add(key);
      const ok = Object.keys(op.responses).filter((c) => /^2/.test(c));
      assert.equal(ok.length, 1, key);
      const r = await CALLS[key]();
      assert.equal(String(r.status), ok[0], `${key}: ${r.buf}`);
      const content = op.responses[ok[0]].content;
      if (!content) {
        assert.equal(r.buf.length, 0, `${key}: no content documented, none sent`);
        continue;
      }
      const types = Object.keys(content);
      assert.equal(types.length, 1, key);
      assert.equal(mediaOf(r.headers), types[0], `${key}: Content-Type`);
      const schema = content[types[0]].schema;
      if (types[0] === 'application/json') {
        assert.notEqual(r.json, undefined, `${key}: the body is JSON`);
      } else {
        assert.deepEqual(schema, { type: 'string', format: 'binary' }, key);
        if (types[0] === XLSX) assert.equal(r.buf.subarray(0, 2).toString(), 'PK', key);
      }
    }
  }
  assert.deepEqual(Object.keys(CALLS).filter((k) => !seen.has(k)), [], 'no stale calls');
  const xlsx = doc.paths['/api/v1/ledger.xlsx'].get.responses['200'].content;
  assert.deepEqual(Object.keys(xlsx), [XLSX]);
});

test('query parameters are documented on write routes too', () => {
  const doc = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  const names = (op) => op.parameters.filter((x) => x.in === 'query').map((x) => x.name);
  assert.deepEqual(names(doc.paths['/api/v1/ledger'].post), ['period', 'encoding', 'status']);
  assert.deepEqual(names(doc.paths['/api/v1/ledger.xlsx'].get), ['period']);
  assert.ok('400' in doc.paths['/api/v1/ledger'].post.responses);
});

// Keys repeated inside one JSON object (JSON.parse keeps the last silently).
function duplicateKeys(text) {
  const stack = [];
  const dups = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const str = text.slice(i + 1, j);
      let k = j + 1;
      while (/\s/.test(text[k])) k++;
      if (text[k] === ':' && stack.length && stack.at(-1)) {
        const keys = stack.at(-1);
        if (keys.has(str)) dups.push(str); else keys.add(str);
      }
      i = j;
    } else if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
  }
  return dups;
}

test('no key is repeated in the document; only JSON bodies can get 415', () => {
  const text = fs.readFileSync('docs/openapi.json', 'utf8');
  assert.deepEqual(duplicateKeys(text), []);
  const doc = JSON.parse(text);
  for (const [p, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) {
      const json = op.requestBody && 'application/json' in op.requestBody.content;
      assert.equal('415' in op.responses, Boolean(json), `${method} ${p}`);
    }
});

test('request bodies: JSON ones name a schema, uploads name the form field read', async () => {
  const doc = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  const uploads = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op.requestBody) continue;
      const content = op.requestBody.content;
      const [type] = Object.keys(content);
      if (type === 'application/json') {
        const name = content[type].schema.$ref.split('/').pop();
        assert.ok(doc.components.schemas[name], `${method} ${p}: ${name}`);
        continue;
      }
      assert.equal(type, 'multipart/form-data', `${method} ${p}`);
      const { required, properties } = content[type].schema;
      assert.deepEqual(properties[required[0]], { type: 'string', format: 'binary' });
      uploads.push([p, required[0]]);
    }
  }
  assert.deepEqual(uploads.map(([p]) => p).sort(),
                   ['/api/v1/ledger', '/api/v1/notices/{id}/evidence',
                    '/api/v1/reports/{id}/evidence']);
  // an upload under another field name is refused with that name in the error
  for (const [p, field] of uploads) {
    const url = p.endsWith('ledger') ? `${p}?period=2026-06`
      : p.startsWith('/api/v1/notices') ? p.replace('{id}', String(await notice('650109')))
      : p.replace('{id}', String(await report('2026-06-15', 'draft')));
    const u = p.startsWith('/api/v1/notices') ? as.admin : as.reporter;
    const r = await u.upload(url, 'other', 'x.pdf', 'application/pdf', PDF);
    assert.equal(r.status, 400, `${p}: ${r.buf}`);
    assert.equal(r.json.error.field ?? field, field);
    assert.match(r.json.error.message, new RegExp(`"${field}"`));
  }
});

test('documented errors are JSON: 401 without a session, 404 for an unknown id', async () => {
  const doc = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const url = p.replace(/\{(\w+)\}/g, (_, k) => (k === 'code' ? '99' : '999999'));
      const errs = [];
      if (op.security.length)
        errs.push(['401', () => send(srv.base, url, { method: method.toUpperCase() })]);
      if (p.includes('{') && method === 'get') // with a session where the route needs one
        errs.push(['404', () => (op.security.length ? as.admin.get(url) : send(srv.base, url))]);
      for (const [code, call] of errs) {
        if (!(code in op.responses)) continue;
        const r = await call();
        assert.equal(String(r.status), code, `${method} ${url}`);
        const types = Object.keys(op.responses[code].content);
        assert.deepEqual(types, ['application/json'], `${method} ${p} ${code}`);
        assert.equal(mediaOf(r.headers), 'application/json', `${method} ${url} ${code}`);
        assert.equal(typeof r.json.error.code, 'string', `${method} ${url} ${code}`);
      }
    }
  }
});

// The linter's verdict, as JSON (totals and problems). Offline: no
// telemetry, no update check.
function redoclyLint(file) {
  const r = spawnSync('node_modules/.bin/redocly',
                      ['lint', '--extends=recommended', '--format=json', file],
                      { encoding: 'utf8', timeout: 120000,
                        env: { ...process.env, REDOCLY_TELEMETRY: 'off',
                               REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
  assert.equal(r.error, undefined, `redocly did not run: ${r.error}`);
  const at = r.stdout.indexOf('{');
  assert.ok(at >= 0, `no JSON from redocly lint (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return { status: r.status, ...JSON.parse(r.stdout.slice(at)) };
}

test('@redocly/cli lint (recommended rules) reports no error and no warning', () => {
  const out = redoclyLint('docs/openapi.json');
  const list = out.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ` +
                                       p.location.map((l) => l.pointer).join(' '));
  assert.equal(out.totals.errors, 0, list.join('\n'));
  assert.equal(out.totals.warnings, 0, list.join('\n'));
  assert.equal(out.status, 0);
});

test('every operation has a distinct operationId and says its security', () => {
  const doc = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  const ids = new Map();
  assert.ok(doc.servers.length >= 1 && doc.servers.every((s) => s.url), 'servers');
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const key = `${method} ${p}`;
      assert.match(op.operationId ?? '', /^[a-z]+[A-Z][A-Za-z0-9]*$/, key);
      assert.ok(!ids.has(op.operationId), `${key} and ${ids.get(op.operationId)}`);
      ids.set(op.operationId, key);
      assert.ok(Array.isArray(op.security), `${key} has security`);
      // public operations say so with []; the others name the session
      // cookie, and writes the CSRF header too
      const names = op.security.flatMap((x) => Object.keys(x));
      if (names.length) assert.ok(names.includes('session'), key);
      if (names.length && method !== 'get') assert.ok(names.includes('csrf'), key);
    }
  }
  assert.equal(doc.paths['/api/v1/plan'].get.operationId, 'getPlan');
  assert.equal(doc.paths['/api/v1/reports/{id}/approve'].post.operationId,
               'postReportsByIdApprove');
  assert.deepEqual(doc.paths['/api/v1/plan'].get.security, []);
});
