// workflow.test.mjs - the reporting workflow in Chromium, by keyboard
// alone: a county reporter (650102) signs in at /login, opens the console
// and the report form, types a value and a note and submits with Enter; the
// figure stays off the public page until the prefecture's reviewer (6501)
// signs in, opens the inbox and approves with the keyboard, and then the
// public /targets/{id} page shows it. The console pages (/login, /console,
// /console/report and /console/inbox, the last two with data in them) pass
// axe (WCAG 2.1 A/AA) with zero violations in Chinese, English, Uyghur and large
// text, at phone and desktop widths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, browsers } from './browser.mjs';
import { startServer, shishi, getJson } from '../api/server.mjs';
import { userAdd } from '../api/wfclient.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
process.env.SHISHI_PWHASH_FAST = '1';
const PASSWORD = 'a long password'; // what userAdd gives every account
// zh, en, en+care, ug+care, ug, zh
const VARIANTS = ['', 'lang=en', 'care=1', 'lang=ug', 'care=0', 'lang=zh'];
const WIDTHS = [390, 1280];
const VALUE = 42;

const chrome = browsers();
let srv, T, ctx;

before(async () => {
  srv = await startServer();
  const plan = (await getJson(srv.base, '/api/v1/plan')).json;
  T = plan.targets.find((t) => t.kind === 'count' && t.value >= 1000).id;
  shishi('assign', '--db', srv.db, '--target', String(T), '--org', '6501', '--value', '500');
  shishi('assign', '--db', srv.db, '--target', String(T), '--org', '650102', '--value', '100');
  userAdd(srv.db, '天山区填报员', 'reporter', '650102');
  userAdd(srv.db, '乌鲁木齐审核员', 'reviewer', '6501');
  ctx = await chrome.launch();
});
after(async () => {
  await chrome.closeAll();
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

// Every console page, in every variant and width: zero violations.
async function axeAll(page, paths) {
  for (const variant of VARIANTS) {
    if (variant) await page.goto(srv.base + '/?' + variant);
    for (const w of WIDTHS) {
      await page.setViewportSize({ width: w, height: 900 });
      for (const p of paths) {
        const r = await page.goto(srv.base + p);
        assert.equal(r.status(), 200, p);
        const v = await axe(page);
        assert.deepEqual(v, [], `${variant || 'zh'} ${w}px ${p}:\n${v.join('\n')}`);
      }
    }
  }
  await page.setViewportSize({ width: 390, height: 844 });
}

const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? a.outerHTML.slice(0, 120) : '';
});

// Press Tab until the element matching sel has the focus; fail if it never
// does within max presses (it is not reachable by keyboard).
async function tabTo(page, sel, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, sel)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${sel} not reached by Tab; focus is on ${await focused(page)}`);
}

async function pressEnterAndWait(page) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

async function keyboardSignIn(page, user) {
  await page.goto(srv.base + '/login');
  await tabTo(page, '#user');
  await page.keyboard.type(user);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await page.keyboard.type(PASSWORD);
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, '/console', 'signed in: on the console');
}

async function keyboardSignOut(page) {
  await page.goto(srv.base + '/console');
  await tabTo(page, 'form[action="/logout"] button');
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, '/');
  await page.goto(srv.base + '/console');
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out');
}

// The "完成" (actual) figure on the public target page.
async function publicActual(page, query = '') {
  await page.goto(srv.base + `/targets/${T}${query}`);
  return page.evaluate(() => [...document.querySelectorAll('dl.figs div')]
    .find((d) => d.querySelector('dt').textContent === '完成')?.querySelector('dd').textContent);
}

test('keyboard only: report, review, and the public figure moves; axe on every console page',
     async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 400/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));

  assert.equal(await publicActual(page), '0', 'nothing reported yet');
  await axeAll(page, ['/login']);

  // the county reporter
  await keyboardSignIn(page, '天山区填报员');
  await axeAll(page, ['/console', '/console/report']);
  await page.goto(srv.base + '/console');
  await tabTo(page, 'a[href="/console/report"]');
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, '/console/report');
  // a typo first: Enter in the field submits; the row comes back with why
  await tabTo(page, `#v_${T}`);
  await page.keyboard.type('4二');
  const [bad] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(bad.status(), 400);
  assert.match(await page.textContent('[role=alert]'), /请填写数字/);
  assert.equal(await page.inputValue(`#v_${T}`), '4二', 'what was typed is kept');
  const v = await axe(page);
  assert.deepEqual(v, [], `/console/report with an error:\n${v.join('\n')}`);
  await tabTo(page, `#v_${T}`);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(String(VALUE));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), `note_${T}`,
               'the note follows the value');
  await page.keyboard.type('六月累计，含高校毕业生');
  await tabTo(page, 'button[value=submit]');
  await pressEnterAndWait(page);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/console/report');
  assert.equal(url.searchParams.get('saved'), '1', 'one row saved');
  assert.match(await page.textContent('[role=status]'), /已保存并提交 1 条/);
  assert.equal(await page.inputValue(`#v_${T}`), String(VALUE), 'the form shows what waits');
  assert.match(await page.textContent('main'), /本期已提交，待上级审核/, 'the row says it waits');
  assert.equal(await publicActual(page), '0', 'a submitted report does not count');
  await keyboardSignOut(page);

  // the prefecture's reviewer
  await keyboardSignIn(page, '乌鲁木齐审核员');
  await axeAll(page, ['/console', '/console/inbox']);
  await page.goto(srv.base + '/console');
  await tabTo(page, 'a[href="/console/inbox"]');
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).pathname, '/console/inbox');
  const items = await page.$$('article.inbox-item');
  assert.equal(items.length, 1, 'one report waits');
  const item = await items[0].textContent();
  assert.match(item, /天山区/);
  assert.match(item, new RegExp(`${VALUE} 人`));
  assert.match(item, /六月累计/);
  assert.match(item, /天山区填报员/);
  await tabTo(page, 'article.inbox-item button[value=approve]');
  await pressEnterAndWait(page);
  assert.equal(new URL(page.url()).searchParams.get('done'), 'approved');
  assert.match(await page.textContent('[role=status]'), /已审核通过/);
  assert.equal(await page.$('article.inbox-item'), null, 'the inbox is empty');
  await axeAll(page, ['/console/inbox']);
  await keyboardSignOut(page);

  // the public pages now count it, at the county and all the way up
  assert.equal(await publicActual(page, '?org=650102'), String(VALUE));
  assert.equal(await publicActual(page, '?org=6501'), String(VALUE));
  assert.equal(await publicActual(page), String(VALUE));
  assert.deepEqual(errors, [], 'no CSP violation or script error');
  await page.close();
});

// Issue 9: the console's new pieces pass axe too, with data in them: the
// period picker, the drafts to tick, a corrected report's returned
// versions, the ledger form and a refused upload's row list (reporter); the
// share, last value, increase, history, ticks and a batch's failures
// (reviewer). Filled over the API, checked in Chromium under the real CSP.
test('the console with drafts, history, upload errors and batch results: zero axe violations',
     async () => {
  const { signIn } = await import('../api/wfclient.mjs');
  const { xlsx } = await import('../api/xlsx.mjs');
  const plan = (await getJson(srv.base, '/api/v1/plan')).json;
  const [A, B, C] = plan.targets.filter((t) => t.kind === 'count' && t.id !== T).map((t) => t.id);
  for (const id of [A, B, C])
    shishi('assign', '--db', srv.db, '--target', String(id), '--org', '650102', '--value', '100');
  const clerk = await signIn(srv.base, '天山区填报员');
  const rev = await signIn(srv.base, '乌鲁木齐审核员');
  // A: returned, then corrected (history); B: a draft; C: 150 then 10
  let r = await clerk.post('/api/v1/reports', { target: A, date: '2026-06-30', value: 30 });
  assert.equal(r.status, 201, String(r.buf));
  assert.equal((await rev.post(`/api/v1/reports/${r.json.id}/return`, { comment: '缺少佐证材料' })).status, 200);
  assert.equal((await clerk.post('/api/v1/reports', { target: A, date: '2026-06-30', value: 31 })).status, 201);
  assert.equal((await clerk.post('/api/v1/reports',
    { target: B, date: '2026-06-30', value: 5, status: 'draft' })).status, 201);
  const high = (await clerk.post('/api/v1/reports', { target: C, date: '2026-06-10', value: 150 })).json.id;
  const low = (await clerk.post('/api/v1/reports', { target: C, date: '2026-06-20', value: 10 })).json.id;
  const page = await ctx.newPage();
  const check = async (label) => {
    const v = await axe(page);
    assert.deepEqual(v, [], `${label}:\n${v.join('\n')}`);
  };
  for (const variant of ['lang=zh', 'lang=en', 'lang=ug']) {
    await page.goto(srv.base + '/?' + variant);
    await keyboardSignIn(page, '天山区填报员');
    await page.goto(srv.base + '/console/report');
    assert.ok(await page.$('select#period'));
    assert.ok(await page.$('form[action="/console/submit"] input[type=checkbox][name=id]'));
    assert.ok(await page.$('.history li'));
    await check(`${variant} /console/report with drafts and history`);
    // a ledger with a bad row: the page lists it
    const bad = xlsx([['id', 'p', 'm', 'u', 'a', 'l', 'v', 'n', 'd', 'note', '填报期 period', '2026-06'],
                      [A, 'p', 'm', 'u', 100, null, 'x', null, null, null]]);
    await page.setInputFiles('#file', { name: '台账.xlsx', mimeType: 'application/octet-stream', buffer: bad });
    const [resp] = await Promise.all([page.waitForNavigation(),
      page.click('form[action="/console/ledger"] button[value=draft]')]);
    assert.equal(resp.status(), 422);
    assert.match(await page.textContent('[role=alert]'), /G/);
    await check(`${variant} /console/report after a refused upload`);
    await keyboardSignOut(page);
    await keyboardSignIn(page, '乌鲁木齐审核员');
    await page.goto(srv.base + '/console/inbox');
    assert.ok(await page.$('input[type=checkbox][form="approve-many"]'));
    await check(`${variant} /console/inbox with history and ticks`);
    if (variant === 'lang=zh') {
      await page.check(`#p${high}`);
      await page.check(`#p${low}`);
      const [res] = await Promise.all([page.waitForNavigation(),
        page.click('form#approve-many button')]);
      assert.equal(res.status(), 422);
      assert.match(await page.textContent('div[role=alert]'), /已审核通过 1 条；1 条未通过/);
      await check('zh /console/inbox after a batch with a failure');
    }
    await keyboardSignOut(page);
  }
  await page.close();
});
