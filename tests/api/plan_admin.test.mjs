// plan_admin.test.mjs - /console/plan: an admin sets lead departments and
// schedules from the console, on the current plan and on a draft. Forms
// carry the CSRF token and a write without it changes nothing; only an
// admin whose org unit holds the plan's issuer may write; a bad schedule is
// refused next to its field, in the page's language, naming the field and
// the month; a saved schedule is in the audit log and the running server's
// figures follow it on the next request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, getJson, shishi, sql as sqlOn } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
process.env.SHISHI_PWHASH_FAST = '1';
let srv;
const as = {};
const JOBS = 1; // 城镇新增就业: linear in the default plan

before(async () => {
  srv = await startServer();
  for (const [n, role, org] of [['admin', 'admin', '65'], ['cityadmin', 'admin', '6501'],
                                ['reviewer', 'reviewer', '65'], ['reporter', 'reporter', '650102']]) {
    userAdd(srv.db, n, role, org);
    as[n] = await signIn(srv.base, n);
  }
});
after(async () => { assert.equal(await srv.stop(), 0); });

const page = (u, q = '') => send(srv.base, `/console/plan${q}`, { headers: { Cookie: u.cookie } });
function post(u, fields, { csrf = true, q = '' } = {}) {
  const body = new URLSearchParams({ ...(csrf ? { csrf: u.csrf } : {}), ...fields }).toString();
  return send(srv.base, `/console/plan${q}`, {
    method: 'POST', body,
    headers: { Cookie: u.cookie, 'Content-Type': 'application/x-www-form-urlencoded' } });
}
const sql = (q) => sqlOn(srv.db, q);
const due = async (id) =>
  (await getJson(srv.base, `/api/v1/targets/${id}?date=2026-06-30`)).json.target.expected;
const planJson = (...a) => JSON.parse(shishi('plan', 'show', '--json', '--db', srv.db, ...a));

test('signed out: to the sign-in page; not an admin, or an admin below the issuer: 403', async () => {
  const r = await send(srv.base, '/console/plan');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/login');
  for (const n of ['reviewer', 'reporter', 'cityadmin']) {
    assert.equal((await page(as[n])).status, 403, n);
    const w = await post(as[n], { plan: '1', action: 'schedule', target: String(JOBS),
                                  schedule: '0,0,0,0,0,0,0,0,0,0,0,100' });
    assert.equal(w.status, 403, n);
  }
  assert.equal(planJson().projects[0].targets[0].profile, undefined);
});

test('the page: a form per project and per target, each with the CSRF token', async () => {
  const r = await page(as.admin);
  assert.equal(r.status, 200);
  const html = r.buf.toString();
  assert.match(html, /<h1>计划设置<\/h1>/);
  assert.match(html, /牵头单位/);
  assert.match(html, /时序进度/);
  const forms = html.match(/<form [^>]*action="\/console\/plan"[^]*?<\/form>/g);
  assert.equal(forms.length, 10 + 51);
  for (const f of forms) assert.ok(f.includes(`name="csrf" value="${as.admin.csrf}"`), f);
  // the road target's schedule is shown as percentages
  const road = planJson().projects[9].targets.find((t) => t.id === 47);
  const pct = road.profile.map((x) => String(Math.round(x * 1e6) / 1e4)).join(',');
  assert.ok(html.includes(`id="s-47" maxlength="256" autocomplete="off" spellcheck="false" ` +
                          `placeholder="留空：全年均匀" value="${pct}"`), pct);
  for (const label of html.match(/<label for="[^"]+">/g)) {
    const id = /for="([^"]+)"/.exec(label)[1];
    assert.ok(html.includes(`id="${id}"`), `label ${id} has its field`);
  }
  const en = (await page(as.admin, '?lang=en')).buf.toString();
  assert.match(en, /<h1>Plan settings<\/h1>/);
  assert.match(en, /Lead departments/);
  assert.match(en, /<span lang="zh-CN">/);
});

test('a write without the CSRF token is refused and changes nothing', async () => {
  const before = sql('SELECT count(*) FROM audit_log');
  const r = await post(as.admin, { plan: '1', action: 'schedule', target: String(JOBS),
                                   schedule: '0,0,0,0,0,0,0,0,0,0,0,100' }, { csrf: false });
  assert.equal(r.status, 403);
  const r2 = await post({ ...as.admin, csrf: 'f'.repeat(64) },
                        { plan: '1', action: 'lead', no: '1', lead: 'x' });
  assert.equal(r2.status, 403);
  assert.equal(sql('SELECT count(*) FROM audit_log'), before);
  assert.equal(planJson().projects[0].targets[0].profile, undefined);
});

test('a schedule saved on the current plan: audited, and the figures follow it', async () => {
  const was = await due(JOBS);
  assert.ok(Math.abs(was - 49.6) < 0.5, String(was)); // linear: half the year
  const r = await post(as.admin, { plan: '1', action: 'schedule', target: String(JOBS),
                                   schedule: '0, 0, 5, 10, 15, 20, 40, 60, 80, 90, 95, 100' });
  assert.equal(r.status, 303, String(r.buf));
  assert.equal(r.headers.location, `/console/plan?plan=1&saved=schedule&target=${JOBS}#t${JOBS}`);
  assert.equal(await due(JOBS), 20); // the end of June: 20% due
  assert.deepEqual(planJson().projects[0].targets[0].profile,
                   [0, 0, 0.05, 0.1, 0.15, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1]);
  assert.equal(sql(`SELECT actor FROM audit_log WHERE tbl = 'target' AND row_id = ${JOBS}` +
                   ` AND action = 'update' ORDER BY id DESC LIMIT 1`), 'admin');
  const back = await page(as.admin, `?plan=1&saved=schedule&target=${JOBS}`);
  assert.match(back.buf.toString(), /class="notice" role="status">已保存指标 #1 的时序进度。/);
  // empty: even again
  assert.equal((await post(as.admin, { plan: '1', action: 'schedule', target: String(JOBS),
                                       schedule: '' })).status, 303);
  assert.equal(await due(JOBS), was);
});

test('a bad schedule: refused next to its field, in the page\'s language, nothing saved', async () => {
  const before = sql('SELECT count(*) FROM audit_log');
  const typed = '0,0,10,20,30,25,50,60,70,80,90,100';
  const r = await post(as.admin, { plan: '1', action: 'schedule', target: String(JOBS),
                                   schedule: typed });
  assert.equal(r.status, 400);
  const html = r.buf.toString();
  assert.match(html, /id="err-t1">时序进度：6月为25，小于上月的30；累计比例不能下降。<\/p>/);
  assert.match(html, new RegExp(`id="s-1"[^>]*value="${typed}"[^>]*aria-invalid="true"` +
                                ` aria-describedby="err-t1"`));
  const en = (await post(as.admin, { plan: '1', action: 'schedule', target: String(JOBS),
                                     schedule: '0,0,10' }, { q: '?lang=en' })).buf.toString();
  assert.match(en, /Schedule: 3 values; it needs 12/);
  const word = (await post(as.admin, { plan: '1', action: 'schedule', target: String(JOBS),
                                       schedule: '0,0,十,20,30,40,50,60,70,80,90,100' },
                           { q: '?lang=zh' })).buf.toString();
  assert.match(word, /时序进度：3月的“十”不是数字。/);
  const long = await post(as.admin, { plan: '1', action: 'schedule', target: String(JOBS),
                                      schedule: '1,'.repeat(200) });
  assert.equal(long.status, 400);
  const other = await post(as.admin, { plan: '1', action: 'schedule', target: '999999',
                                       schedule: '' });
  assert.equal(other.status, 404);
  assert.equal(sql('SELECT count(*) FROM audit_log'), before);
  assert.equal(planJson().projects[0].targets[0].profile, undefined);
});

test('a lead department on the current plan, escaped on the page', async () => {
  const r = await post(as.admin, { plan: '1', action: 'lead', no: '3', lead: '卫生<健康>委' });
  assert.equal(r.status, 303, String(r.buf));
  assert.equal(r.headers.location, '/console/plan?plan=1&saved=lead&no=3#p3');
  assert.equal(planJson().projects[2].lead_dept, '卫生<健康>委');
  const html = (await page(as.admin)).buf.toString();
  assert.match(html, /id="lead-3"[^>]*value="卫生&lt;健康&gt;委"/);
  assert.ok(!html.includes('卫生<健康>委'));
  const api = await getJson(srv.base, '/api/v1/plan');
  assert.equal(api.json.projects[2].lead_dept, '卫生<健康>委');
  assert.equal((await post(as.admin, { plan: '1', action: 'lead', no: '42', lead: 'x' })).status,
               404);
  const long = await post(as.admin, { plan: '1', action: 'lead', no: '3', lead: '长'.repeat(100) });
  assert.equal(long.status, 400);
  assert.match(long.buf.toString(), /id="err-p3">牵头单位：最多200字节的文字。/);
});

test('a draft: its page and its writes; the current plan is untouched', async () => {
  const out = JSON.parse(shishi('import', process.env.SHARED + '/seeds/' +
                                'xinjiang-2026-ten-livelihood-projects.txt',
                                '--db', srv.db, '--json'));
  const draft = out.plan_id;
  const cur = (await page(as.admin)).buf.toString();
  assert.match(cur, new RegExp(`href="/console/plan\\?plan=${draft}"`));
  const r = await page(as.admin, `?plan=${draft}`);
  assert.equal(r.status, 200);
  assert.match(r.buf.toString(), /草案（尚未启用）/);
  const t = planJson('--id', String(draft)).projects[9].targets[0];
  assert.equal((await post(as.admin, { plan: String(draft), action: 'schedule', target: String(t.id),
                                       schedule: '0,0,0,10,20,30,40,50,60,70,80,100' })).status, 303);
  assert.equal((await post(as.admin, { plan: String(draft), action: 'lead', no: '1',
                                       lead: '人社厅' })).status, 303);
  const d = planJson('--id', String(draft));
  assert.equal(d.projects[0].lead_dept, '人社厅');
  assert.equal(d.projects[9].targets[0].profile[3], 0.1);
  assert.notEqual(planJson().projects[0].lead_dept, '人社厅');
  // a target of another plan is not this plan's
  assert.equal((await post(as.admin, { plan: String(draft), action: 'schedule', target: String(JOBS),
                                       schedule: '' })).status, 404);
  // once archived, a plan no longer changes
  shishi('plan', 'activate', '--id', String(draft), '--force', '--db', srv.db);
  assert.equal((await page(as.admin, '?plan=1')).status, 409);
  assert.equal((await post(as.admin, { plan: '1', action: 'lead', no: '1', lead: 'x' })).status, 409);
  assert.equal((await page(as.admin, '?plan=x')).status, 400);
  assert.equal((await page(as.admin, '?plan=99')).status, 404);
});

test('the console links admins, and only admins, to the plan settings', async () => {
  assert.match((await send(srv.base, '/console', { headers: { Cookie: as.admin.cookie } }))
    .buf.toString(), /href="\/console\/plan"/);
  assert.doesNotMatch((await send(srv.base, '/console', { headers: { Cookie: as.reporter.cookie } }))
    .buf.toString(), /href="\/console\/plan"/);
});
