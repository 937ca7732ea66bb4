// console.test.mjs - the clerk's and the reviewer's console over plain HTTP
// forms (no script), on 1 December: the period defaults to November (due
// 5 December) with a picker; links follow the role; a ledger is uploaded
// from the console (its period from the sheet, a mismatch named), drafts
// are submitted at once, a lower value needs the correction box and a note;
// the reviewer sees share, last approved value and increase, and approves
// several at once with each failure said. Errors are Chinese on Chinese
// pages, English with lang=en, Uyghur with lang=ug, and name the form's
// fields, never a flag.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, shishi, getJson } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';
import { xlsx } from './xlsx.mjs';

process.env.SHISHI_TODAY = '2026-12-01';
process.env.SHISHI_PWHASH_FAST = '1';
let srv, T = [];
const as = {};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEAD = ['id', '项目', '指标', '单位', '任务', '上次', '本期', '分子', '分母', '说明'];

before(async () => {
  srv = await startServer();
  const plan = (await getJson(srv.base, '/api/v1/plan')).json;
  T = plan.targets.filter((t) => t.kind === 'count' && t.value >= 100).slice(0, 3).map((t) => t.id);
  for (const id of T) {
    shishi('assign', '--db', srv.db, '--target', String(id), '--org', '6501', '--value', '500');
    shishi('assign', '--db', srv.db, '--target', String(id), '--org', '650102', '--value', '100');
  }
  for (const [n, role, org] of [['clerk', 'reporter', '650102'], ['reviewer', 'reviewer', '6501'],
                                ['viewer', 'viewer', '65'], ['admin', 'admin', '65']]) {
    userAdd(srv.db, n, role, org);
    as[n] = await signIn(srv.base, n);
  }
});
after(async () => { assert.equal(await srv.stop(), 0, srv.log().slice(-3000)); });

const cookie = (u, lang) => u.cookie + (lang ? `; lang=${lang}` : '');
const html = (r) => r.buf.toString('utf8');
const page = async (u, p, lang) => html(await send(srv.base, p, { headers: { Cookie: cookie(u, lang) } }));

// A urlencoded form post; fields is an array of [name, value] (names may repeat).
function postForm(u, p, fields, lang) {
  return send(srv.base, p, { method: 'POST', body: new URLSearchParams(fields).toString(),
    headers: { Cookie: cookie(u, lang), 'Content-Type': 'application/x-www-form-urlencoded' } });
}

// A multipart form post with plain fields and one file in "file".
function postFile(u, p, fields, filename, type, bytes, lang, field = 'file') {
  const b = '----console' + Math.random().toString(16).slice(2);
  const parts = fields.map(([k, v]) =>
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${field}"; ` +
                         `filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
             Buffer.from(bytes), Buffer.from(`\r\n--${b}--\r\n`));
  return send(srv.base, p, { method: 'POST', body: Buffer.concat(parts), headers: {
    Cookie: cookie(u, lang), 'Content-Type': `multipart/form-data; boundary=${b}` } });
}

// The text of the page's alerts (what the user is told went wrong).
const alerts = (h) => [...h.matchAll(/<(p|div) [^>]*role="alert">([\s\S]*?)<\/\1>/g)]
  .map((m) => m[2].replace(/<[^>]*>/g, '')).join(' ');

test('on 1 December the period is November (due 5 December), with a picker of the months',
     async () => {
  const h = await page(as.clerk, '/console/report');
  assert.match(h, /填报期 2026-11 · 截止 2026-12-05/);
  assert.match(h, /<option value="2026-11" selected>2026-11（截止 2026-12-05）<\/option>/);
  assert.match(h, /<option value="2026-12">/);
  assert.match(h, /<option value="2026-01">/);
  assert.doesNotMatch(h, /<option value="2027-01">/);
  assert.match(h, /<select id="period" name="period">/);
  assert.match(h, /href="\/api\/v1\/ledger\.xlsx\?period=2026-11"/);
  const oct = await page(as.clerk, '/console/report?period=2026-10');
  assert.match(oct, /填报期 2026-10 · 截止 2026-11-05/);
  const api = await as.clerk.get('/api/v1/me/assignments');
  assert.equal(api.json.period, '2026-11');
  assert.equal(api.json.deadline, '2026-12-05');
});

test('the console shows each role its own links: a reporter sees no reviewer links', async () => {
  const links = async (u) => [...(await page(u, '/console')).matchAll(/href="(\/console\/[a-z]+)"/g)]
    .map((m) => m[1]);
  assert.deepEqual(await links(as.clerk), ['/console/report', '/console/notices', '/console/messages']);
  assert.deepEqual(await links(as.reviewer), ['/console/inbox', '/console/supervision', '/console/notices',
                                              '/console/messages']);
  assert.deepEqual(await links(as.viewer), []);
  assert.deepEqual(await links(as.admin),
                   ['/console/report', '/console/inbox', '/console/supervision', '/console/ratings',
                    '/console/notices', '/console/messages', '/console/cycle', '/console/users',
                    '/console/plan', '/console/translate']);
});

let drafts = [];

test('a ledger uploaded from the console: stored for the sheet\'s period; again, nothing ' +
     'changes; a mismatch, a viewer, a broken file are refused in words', async () => {
  const sheet = (period, v) => xlsx([HEAD.concat(['填报期 period', period]),
    [T[0], 'p', 'm', 'u', 100, null, v, null, null, '十一月'],
    [T[1], 'p', 'm', 'u', 100, null, v + 1, null, null, null]]);
  const form = [['csrf', as.clerk.csrf], ['period', '2026-11'], ['action', 'draft'], ['encoding', '']];
  let r = await postFile(as.clerk, '/console/ledger', form, '台账.xlsx', XLSX, sheet('2026-11', 12));
  assert.equal(r.status, 303, html(r));
  assert.match(r.headers.location, /period=2026-11&uploaded=2&unchanged=0&as=draft/);
  let h = await page(as.clerk, r.headers.location);
  assert.match(h, /台账已上传：2 条存为草稿，0 条与已有填报相同/);
  drafts = [...h.matchAll(/<input type="checkbox" name="id" checked id="s(\d+)"/g)].map((m) => m[1]);
  assert.equal(drafts.length, 2, 'both drafts are listed to submit at once');
  r = await postFile(as.clerk, '/console/ledger', form, '台账.xlsx', XLSX, sheet('2026-11', 12));
  assert.equal(r.status, 303);
  assert.match(r.headers.location, /uploaded=0&unchanged=2/);
  // the sheet says October, the page November
  r = await postFile(as.clerk, '/console/ledger', form, '台账.xlsx', XLSX, sheet('2026-10', 12));
  assert.equal(r.status, 400);
  assert.match(alerts(html(r)), /填报期：这是 2026-10 的台账，而所选填报期是 2026-11/);
  r = await postFile(as.clerk, '/console/ledger', form, 'l.xlsx', XLSX, sheet('2026-10', 12), 'en');
  assert.match(alerts(html(r)), /Period: the sheet is the ledger of 2026-10, but the period chosen is 2026-11/);
  r = await postFile(as.clerk, '/console/ledger', form, 'x.xlsx', XLSX, Buffer.from('PK\x03\x04 no'));
  assert.equal(r.status, 400);
  assert.match(alerts(html(r)), /台账文件：文件不是有效的/);
  r = await postFile(as.viewer, '/console/ledger', [['csrf', as.viewer.csrf]], 'l.xlsx', XLSX,
                     sheet('2026-11', 12));
  assert.equal(r.status, 403);
  assert.match(html(r), /只有填报员可以上传文件/);
});

test('the ticked drafts are submitted at once', async () => {
  const r = await postForm(as.clerk, '/console/submit',
                           [['csrf', as.clerk.csrf], ['period', '2026-11'], ...drafts.map((id) => ['id', id])]);
  assert.equal(r.status, 303, html(r));
  assert.match(r.headers.location, /submitted=2/);
  assert.match(await page(as.clerk, r.headers.location), /已提交审核 2 条草稿/);
  const inbox = await as.reviewer.get('/api/v1/inbox');
  assert.deepEqual(inbox.json.reports.map((x) => String(x.id)).sort(), [...drafts].sort());
});

test('the reviewer sees share, last approved value and increase, and approves several at once',
     async () => {
  const h = await page(as.reviewer, '/console/inbox');
  assert.match(h, /<dt>任务值<\/dt><dd>100<\/dd>/);
  assert.match(h, /<dt>上次审核值<\/dt><dd>无<\/dd>/);
  assert.match(h, /<dt>本次增加<\/dt><dd>\+12<\/dd>/);
  for (const id of drafts)
    assert.match(h, new RegExp(`type="checkbox" form="approve-many" name="id" id="p${id}"`));
  const r = await postForm(as.reviewer, '/console/inbox',
    [['csrf', as.reviewer.csrf], ['action', 'approve_many'], ...drafts.map((id) => ['id', id])]);
  assert.equal(r.status, 303, html(r));
  assert.match(r.headers.location, /done=approved&n=2/);
  assert.match(await page(as.reviewer, r.headers.location), /已审核通过 2 条/);
});

test('a lower value needs the correction box and a note; the errors name the form\'s fields',
     async () => {
  const row = (v, extra = []) => [['csrf', as.clerk.csrf], ['period', '2026-11'], ['action', 'submit'],
                                   [`v_${T[0]}`, String(v)], ...extra];
  let r = await postForm(as.clerk, '/console/report', row(5));
  assert.equal(r.status, 400);
  let a = alerts(html(r));
  assert.match(a, /本期累计值：5 低于截至 2026-11-30 已审核的 12；累计值只增不减（如确需更正，请勾选“更正”并在“说明”中写明原因）/);
  assert.doesNotMatch(a, /--[a-z]/);
  assert.match(html(r), new RegExp(`name="v_${T[0]}" value="5"`), 'what was typed is kept');
  r = await postForm(as.clerk, '/console/report', row(5), 'en');
  a = alerts(html(r));
  assert.match(a, /Cumulative value now: 5 is lower than 12 approved as of 2026-11-30; cumulative values only grow \(to correct an error, tick “Correction” and say why in “Note”\)/);
  assert.doesNotMatch(a, /--[a-z]/);
  // in Uyghur: the form's labels in Uyghur, no flag
  r = await postForm(as.clerk, '/console/report', row(5), 'ug');
  a = alerts(html(r));
  assert.match(a, /بۇ مەزگىلدىكى جۇغلانما قىممەت: 5 2026-11-30 غىچە تەستىقلانغان 12 دىن تۆۋەن/);
  assert.match(a, /«تۈزىتىش»/);
  assert.doesNotMatch(a, /--[a-z]/);
  // with no cookie, a Chinese browser (Accept-Language) gets the Chinese page and message
  r = await send(srv.base, '/console/report', { method: 'POST', body: new URLSearchParams(row(5)).toString(),
    headers: { Cookie: as.clerk.cookie, 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8',
               'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.match(alerts(html(r)), /本期累计值：5 低于截至 2026-11-30 已审核的 12/);
  r = await postForm(as.clerk, '/console/report', row(5, [[`corr_${T[0]}`, '1']]));
  assert.equal(r.status, 400);
  assert.match(alerts(html(r)), /说明：更正须在“说明”中写明原因/);
  r = await postForm(as.clerk, '/console/report',
                     row(5, [[`corr_${T[0]}`, '1'], [`note_${T[0]}`, '复核后更正：重复统计7人']]));
  assert.equal(r.status, 303, html(r));
  // the report is kept, the evidence that is not a photo or PDF is refused, in words
  r = await postFile(as.clerk, '/console/report',
                     [['csrf', as.clerk.csrf], ['period', '2026-11'], ['action', 'submit'],
                      [`v_${T[1]}`, '14']], 'a.txt', 'text/plain', Buffer.from('not a photo'),
                     undefined, `ev_${T[1]}`);
  assert.equal(r.status, 400, html(r));
  assert.match(alerts(html(r)), /佐证材料：佐证材料须为照片（JPEG、PNG、WebP）或 PDF/);
  const h = await page(as.reviewer, '/console/inbox');
  assert.match(h, /更正：数值可低于此前，原因见说明/);
  assert.match(h, /<dt>上次审核值<\/dt><dd>12（截至 2026-11-30）<\/dd>/);
  assert.match(h, /<dt>本次增加<\/dt><dd>-7<\/dd>/);
});

test('several approved at once, each on its own: the one that would make the figure fall is ' +
     'refused and says why', async () => {
  let r = await as.clerk.post('/api/v1/reports', { target: T[2], date: '2026-11-20', value: 150 });
  assert.equal(r.status, 201, String(r.buf));
  const high = r.json.id;
  r = await as.clerk.post('/api/v1/reports', { target: T[2], date: '2026-11-29', value: 10 });
  assert.equal(r.status, 201, String(r.buf));
  const low = r.json.id;
  const ids = (await as.reviewer.get('/api/v1/inbox')).json.reports.map((x) => String(x.id));
  assert.ok(ids.includes(String(high)) && ids.includes(String(low)));
  r = await postForm(as.reviewer, '/console/inbox',
                     [['csrf', as.reviewer.csrf], ['action', 'approve_many'], ...ids.map((id) => ['id', id])]);
  assert.equal(r.status, 422, html(r));
  const a = alerts(html(r));
  assert.match(a, new RegExp(`已审核通过 ${ids.length - 1} 条；1 条未通过`));
  assert.match(a, new RegExp(`第 ${low} 号：第 ${low} 号填报不能审核通过：10 低于截至 2026-11-20 已审核的 150；累计值只增不减（请退回，由填报人按更正填报并写明原因）`));
  assert.doesNotMatch(a, /--[a-z]/);
  const left = (await as.reviewer.get('/api/v1/inbox')).json.reports.map((x) => x.id);
  assert.deepEqual(left, [low], 'the others were approved, the refused one waits');
});
