// plan_new.test.mjs - /console/plans/new: an admin pastes or uploads an
// announcement (text, HTML or .docx), reviews the extracted draft beside
// its source (each target's clause marked, the numbers no target took
// listed), corrects it with forms that need no JavaScript, and activates
// it. Only an admin whose unit holds the issuer may; every write needs the
// CSRF token and is audited under the admin's name; what is activated is
// the plan the CLI path (shishi import + plan target ... + plan activate)
// gives from the same text with the same corrections.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, shishi, newDb, sql as sqlOn } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';
import { docx } from './docx.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
process.env.SHISHI_PWHASH_FAST = '1';
const SEED_FILE = path.join(process.env.SHARED || '../shared', 'seeds',
                            'xinjiang-2026-ten-livelihood-projects.txt');
const SEED = fs.readFileSync(SEED_FILE, 'utf8');
let srv;
const as = {};

before(async () => {
  srv = await startServer();
  for (const [n, role, org] of [['admin', 'admin', '65'], ['cityadmin', 'admin', '6501'],
                                ['reporter', 'reporter', '650102']]) {
    userAdd(srv.db, n, role, org);
    as[n] = await signIn(srv.base, n);
  }
});
after(async () => { assert.equal(await srv.stop(), 0); });

const sql = (q) => sqlOn(srv.db, q);
const page = (u, q = '') => send(srv.base, `/console/plans/new${q}`, { headers: { Cookie: u.cookie } });
function post(u, fields, { csrf = true } = {}) {
  const body = new URLSearchParams({ ...(csrf ? { csrf: u.csrf } : {}), ...fields }).toString();
  return send(srv.base, '/console/plans/new', {
    method: 'POST', body,
    headers: { Cookie: u.cookie, 'Content-Type': 'application/x-www-form-urlencoded' } });
}
function upload(u, fields, file, name, type) {
  const b = '----shishi' + Math.random().toString(16).slice(2);
  const parts = Object.entries({ csrf: u.csrf, ...fields }).map(([k, v]) =>
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; ` +
                         `filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
             Buffer.from(file), Buffer.from(`\r\n--${b}--\r\n`));
  return send(srv.base, '/console/plans/new', {
    method: 'POST', body: Buffer.concat(parts),
    headers: { Cookie: u.cookie, 'Content-Type': `multipart/form-data; boundary=${b}` } });
}
const plans = () => Number(sql('SELECT count(*) FROM plan'));
const planJson = (db, ...a) => JSON.parse(shishi('plan', 'show', '--json', '--db', db, ...a));
const draftOf = (loc) => Number(/plan=(\d+)/.exec(loc)[1]);
const entity = (s) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'");

async function importSeed(u = as.admin) {
  const r = await post(u, { action: 'import', text: SEED });
  assert.equal(r.status, 303, r.buf.toString());
  return draftOf(r.headers.location);
}

test('signed out, not an admin, or an admin below the issuer: refused, nothing stored', async () => {
  const r = await send(srv.base, '/console/plans/new');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/login');
  const n = plans();
  assert.equal((await page(as.reporter)).status, 403);
  assert.equal((await post(as.reporter, { action: 'import', text: SEED })).status, 403);
  // 6501's admin may not import the region's plan (issuer 新疆维吾尔自治区人民政府 -> 65)
  const c = await post(as.cityadmin, { action: 'import', text: SEED });
  assert.equal(c.status, 403, c.buf.toString());
  assert.equal(plans(), n);
  // a write without the CSRF token
  assert.equal((await post(as.admin, { action: 'import', text: SEED }, { csrf: false })).status, 403);
  assert.equal(plans(), n);
});

test('the start page: a form for text or a file, with the CSRF token; the console links it', async () => {
  const r = await page(as.admin);
  assert.equal(r.status, 200);
  const html = r.buf.toString();
  assert.match(html, /enctype="multipart\/form-data"/);
  assert.ok(html.includes(`name="csrf" value="${as.admin.csrf}"`));
  assert.match(html, /<textarea name="text"/);
  assert.match(html, /<input type="file" name="file"/);
  const con = (await send(srv.base, '/console', { headers: { Cookie: as.admin.cookie } })).buf.toString();
  assert.match(con, /href="\/console\/plans\/new"/);
});

test('text with no target, a bad year, or nothing: refused in the page, nothing stored', async () => {
  const n = plans();
  let r = await post(as.admin, { action: 'import', text: '今天天气很好。' });
  assert.equal(r.status, 400);
  assert.match(r.buf.toString(), /没有在这段文字中找到任何指标/);
  assert.match(r.buf.toString(), /今天天气很好/); // the text comes back to be corrected
  r = await post(as.admin, { action: 'import', text: '' });
  assert.equal(r.status, 400);
  r = await post(as.admin, { action: 'import', text: SEED, year: '20x6' });
  assert.equal(r.status, 400);
  r = await post(as.admin, { action: 'import', text: '一、新建幼儿园12所。' });
  assert.equal(r.status, 400);
  assert.match(r.buf.toString(), /原文没有写明年度/);
  assert.equal(plans(), n);
});

test('a pasted announcement: a draft beside its source, every clause marked, numbers listed', async () => {
  const id = await importSeed();
  const d = planJson(srv.db, '--id', String(id));
  assert.equal(d.plan.state, 'draft');
  assert.equal(d.projects.length, 10);
  const targets = d.projects.flatMap((p) => p.targets);
  assert.equal(targets.length, 51);
  assert.equal(sql(`SELECT created_by FROM plan_source WHERE plan_id = ${id}`), 'admin');
  const r = await page(as.admin, `?plan=${id}`);
  assert.equal(r.status, 200);
  const html = r.buf.toString();
  // the source is there, escaped, and each target's clause is marked and linked both ways
  assert.match(html, /<div class="source" lang="zh-CN"/);
  for (const t of targets) {
    assert.ok(html.includes(`id="t-${t.id}"`), `target ${t.id}`);
    assert.ok(html.includes(`href="#src-`), 'a link to the source');
  }
  const marks = [...html.matchAll(/<a class="clause" id="src-(\d+)" href="#t-(\d+)"><mark>([^<]*)<\/mark>/g)];
  assert.ok(marks.length >= 40, `${marks.length} marks`);
  for (const m of marks) {
    const t = targets.find((x) => x.id === Number(m[1]));
    assert.ok(t, m[1]);
    assert.equal(entity(m[3]), t.text);
  }
  // every form posts back here with the CSRF token and the draft
  const forms = html.match(/<form [^>]*method="post"[^]*?<\/form>/g);
  assert.ok(forms.length > 51 * 3);
  for (const f of forms) {
    assert.ok(f.includes(`name="csrf" value="${as.admin.csrf}"`), f.slice(0, 200));
    assert.ok(f.includes(`name="plan" value="${id}"`), f.slice(0, 200));
  }
  for (const label of html.match(/<label for="[^"]+">/g)) {
    const fid = /for="([^"]+)"/.exec(label)[1];
    assert.ok(html.includes(`id="${fid}"`), `label ${fid} has its field`);
  }
  // numbers no target took are listed, each with an add form; none of them is a target's
  const nums = html.match(/<form class="number"[^]*?<\/form>/g) || [];
  assert.ok(nums.length > 0, 'numbers listed');
  for (const f of nums) {
    const s = Number(/name="start" value="(\d+)"/.exec(f)[1]);
    const e = Number(/name="end" value="(\d+)"/.exec(f)[1]);
    assert.ok(e > s);
  }
  // in English the page's words change, the plan's content stays Chinese
  const en = (await page(as.admin, `?plan=${id}&lang=en`)).buf.toString();
  assert.match(en, /<h1>Review the draft plan<\/h1>/);
  assert.match(en, /<span lang="zh-CN">/);
});

test('HTML is read as text, and what it holds is escaped', async () => {
  const html = '<html><body><h1>自治区2026年民生实事</h1><p>一、新建幼儿园12所&lt;script&gt;。</p>' +
    '<p>二、改造管网30公里。</p><p>新疆维吾尔自治区人民政府</p></body></html>';
  const r = await post(as.admin, { action: 'import', text: html });
  assert.equal(r.status, 303, r.buf.toString());
  const id = draftOf(r.headers.location);
  const pg = (await page(as.admin, `?plan=${id}`)).buf.toString();
  assert.ok(!pg.includes('<script>'), 'no markup from the text');
  assert.ok(pg.includes('&lt;script&gt;'));
  const d = planJson(srv.db, '--id', String(id));
  assert.deepEqual(d.projects.map((p) => p.targets.map((t) => t.value)), [[12], [30]]);
});

test('a .docx upload gives the same draft as the pasted text', async () => {
  const lines = SEED.split('\n');
  const r = await upload(as.admin, { action: 'import' }, docx(lines), '民生实事.docx',
                         'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  assert.equal(r.status, 303, r.buf.toString());
  const id = draftOf(r.headers.location);
  assert.equal(sql(`SELECT name FROM plan_source WHERE plan_id = ${id}`), '民生实事.docx');
  const strip = (j) => j.projects.map((p) => [p.no, p.title, p.targets.map((t) =>
    [t.text, t.metric, t.value, t.unit, t.op, t.kind, t.parent ?? null])]);
  const pasted = await importSeed();
  assert.deepEqual(strip(planJson(srv.db, '--id', String(id))),
                   strip(planJson(srv.db, '--id', String(pasted))));
  // a zip that is not a Word document is refused, saying why
  const bad = await upload(as.admin, { action: 'import' }, docx([]).subarray(0, 40), 'x.docx',
                           'application/octet-stream');
  assert.equal(bad.status, 400);
  assert.match(bad.buf.toString(), /form-error/);
});

// The corrections the test makes, the same through the page and the CLI.
async function correctOnPage(id, u = as.admin) {
  const ok = (r) => {
    assert.equal(r.status, 303, r.buf.toString());
    assert.match(r.headers.location, new RegExp(`^/console/plans/new\\?plan=${id}&done=`));
  };
  const d = planJson(srv.db, '--id', String(id));
  const [a, b, c] = d.projects[0].targets;
  const last = d.projects[9].targets.at(-1);
  let r = await post(u, { plan: String(id), action: 'set', target: String(a.id),
                                 value: '480000', unit: '人', op: '>=', kind: 'count',
                                 metric: a.metric, parent: '0' });
  ok(r);
  r = await post(u, { plan: String(id), action: 'set', target: String(c.id), parent: String(b.id),
                             metric: c.metric, value: String(c.value), unit: c.unit, op: c.op, kind: c.kind });
  ok(r);
  r = await post(u, { plan: String(id), action: 'split', target: String(last.id), values: '1，2' });
  ok(r);
  r = await post(u, { plan: String(id), action: 'drop', target: String(d.projects[5].targets[0].id) });
  ok(r);
  return { a, b, c, last };
}

test('each edit: refused without CSRF, applied with it, audited under the admin', async () => {
  const id = await importSeed();
  const before = planJson(srv.db, '--id', String(id));
  const t = before.projects[0].targets[0];
  let r = await post(as.admin, { plan: String(id), action: 'set', target: String(t.id), value: '1' },
                     { csrf: false });
  assert.equal(r.status, 403);
  assert.equal(planJson(srv.db, '--id', String(id)).projects[0].targets[0].value, t.value);
  const audits = Number(sql("SELECT count(*) FROM audit_log WHERE actor = 'admin'"));
  const { a, c, b } = await correctOnPage(id);
  const after = planJson(srv.db, '--id', String(id));
  const a2 = after.projects[0].targets.find((x) => x.id === a.id);
  assert.equal(a2.value, 480000);
  const c2 = after.projects[0].targets.find((x) => x.id === c.id);
  assert.equal(after.projects[0].targets[c2.parent].id, b.id);
  assert.equal(after.projects[9].targets.length, before.projects[9].targets.length + 1);
  assert.equal(after.projects[5].targets.length, before.projects[5].targets.length - 1);
  assert.ok(Number(sql("SELECT count(*) FROM audit_log WHERE actor = 'admin'")) >= audits + 4);
  // a refused edit says why on the page and changes nothing
  r = await post(as.admin, { plan: String(id), action: 'set', target: String(a.id), value: '-3' });
  assert.equal(r.status, 400);
  assert.match(r.buf.toString(), /role="alert"/);
  r = await post(as.admin, { plan: String(id), action: 'set', target: String(b.id), parent: String(c.id) });
  assert.equal(r.status, 409, 'a total comes before its parts');
  r = await post(as.admin, { plan: String(id), action: 'set', target: '1', value: '3' });
  assert.equal(r.status, 400, 'a target of another plan');
  assert.deepEqual(planJson(srv.db, '--id', String(id)), after);
  // merge two of one project
  const [m1, m2] = after.projects[2].targets.filter((x) => x.unit === after.projects[2].targets[0].unit);
  if (m2) {
    r = await post(as.admin, { plan: String(id), action: 'merge', target: String(m1.id), with: String(m2.id) });
    assert.equal(r.status, 303, r.buf.toString());
    const merged = planJson(srv.db, '--id', String(id)).projects[2].targets.find((x) => x.id === m1.id);
    assert.equal(merged.value, m1.value + m2.value);
  }
});

test('a number no target took is one click from being a target', async () => {
  const text = SEED.replace('全年实现城镇新增就业47万人以上', '全年实现城镇新增就业47万人以上，每户安装1个报警器');
  const r = await post(as.admin, { action: 'import', text });
  assert.equal(r.status, 303);
  const id = draftOf(r.headers.location);
  const d = planJson(srv.db, '--id', String(id));
  const html = (await page(as.admin, `?plan=${id}`)).buf.toString();
  const forms = html.match(/<form class="number"[^]*?<\/form>/g) || [];
  // a per-unit specification: not a target to the extractor, a number to the reader
  assert.ok(!d.projects[0].targets.some((t) => t.text.includes('报警器')));
  const f = forms.find((x) => x.includes('每户安装<strong>1个</strong>报警器'));
  assert.ok(f, 'the number is listed');
  const start = /name="start" value="(\d+)"/.exec(f)[1], end = /name="end" value="(\d+)"/.exec(f)[1];
  const a = await post(as.admin, { plan: String(id), action: 'add', start, end, project: '1' });
  assert.equal(a.status, 303, a.buf.toString());
  const t = planJson(srv.db, '--id', String(id)).projects[0].targets.at(-1);
  assert.equal(t.value, 1);
  assert.equal(t.unit, '个');
  assert.equal(t.text, '每户安装1个报警器');
  // now a target's, it is no longer listed
  const again = (await page(as.admin, `?plan=${id}`)).buf.toString();
  assert.ok(!again.includes('每户安装<strong>1个</strong>报警器'));
  // by its text, too, and offsets that are not a passage of the source are refused
  const b = await post(as.admin, { plan: String(id), action: 'add', project: '2', text: '新增托位2000个' });
  assert.equal(b.status, 303, b.buf.toString());
  const t2 = planJson(srv.db, '--id', String(id)).projects[1].targets.at(-1);
  assert.deepEqual([t2.text, t2.value, t2.unit], ['新增托位2000个', 2000, '个']);
  const bad = await post(as.admin, { plan: String(id), action: 'add', project: '1', start: '5', end: '99999999' });
  assert.equal(bad.status, 400);
});

test('activate on the page gives the plan the CLI path gives', async () => {
  // the CLI path on a database of its own: import, the same corrections, activate
  const dir = fs.mkdtempSync(path.join(process.env.SHISHI_TMP || '/tmp', 'cli-'));
  const db = newDb(dir);
  shishi('init', '--db', db);
  shishi('import', SEED_FILE, '--db', db);
  const cd = planJson(db, '--draft');
  const [a, b, c] = cd.projects[0].targets;
  const last = cd.projects[9].targets.at(-1);
  shishi('plan', 'target', 'set', String(a.id), '--value', '480000', '--db', db);
  shishi('plan', 'target', 'set', String(c.id), '--parent', String(b.id), '--db', db);
  shishi('plan', 'target', 'split', String(last.id), '--values', '1,2', '--metrics',
         `${last.metric},${last.metric}`, '--db', db);
  shishi('plan', 'target', 'drop', String(cd.projects[5].targets[0].id), '--db', db);
  shishi('plan', 'activate', '--db', db);

  // the page, on a server whose database is made the same way
  const web = await startServer();
  try {
    userAdd(web.db, 'admin', 'admin', '65');
    const adm = await signIn(web.base, 'admin');
    const save = srv;
    srv = web;
    as.web = adm;
    const id = await importSeed(adm);
    await correctOnPage(id, adm);
    const r = await post(adm, { plan: String(id), action: 'activate' });
    assert.equal(r.status, 303, r.buf.toString());
    srv = save;
    const strip = (j) => ({ plan: { title: j.plan.title, year: j.plan.year, top_org: j.plan.top_org,
                                    state: j.plan.state },
                            projects: j.projects })
    assert.deepEqual(strip(planJson(web.db)), strip(planJson(db)));
    assert.equal(planJson(web.db).plan.state, 'active');
    const st = (d) => JSON.parse(shishi('status', '--json', '--db', d));
    assert.deepEqual(st(web.db), st(db));
  } finally {
    assert.equal(await web.stop(), 0);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
