// plan_admin.test.mjs - /console/plan in Chromium: zero axe violations
// (WCAG 2.1 AA) in Chinese, English, Uyghur and large text, also with a refused
// schedule shown; and an admin's whole path under the real CSP: console,
// plan settings, a schedule saved, a bad one refused next to its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { axe, browsers, signIn as formSignIn } from './browser.mjs';
import { startServer, SHISHI } from '../api/server.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
process.env.SHISHI_TODAY = '2026-06-30';
const chrome = browsers();
const browser = (opts) => chrome.launch(opts);
let srv;

const signIn = (page) => formSignIn(page, srv.base, '管理员', 'a good password');

async function save(page, form, value) {
  await page.fill(`${form} input[type=text]`, value);
  await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
}

before(async () => {
  srv = await startServer();
  const r = spawnSync(SHISHI, ['user', 'add', '管理员', '--role', 'admin', '--org', '65', '--db', srv.db],
                      { input: 'a good password\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
after(async () => {
  await chrome.closeAll();
  assert.equal(await srv.stop(), 0);
});

test('/console/plan: zero axe violations in every variant, with an error too', async () => {
  const ctx = await browser({ bypassCSP: true });
  const page = await ctx.newPage();
  await signIn(page);
  for (const variant of ['lang=zh', 'lang=en', 'lang=ug', 'care=1', 'care=0']) {
    await page.goto(srv.base + '/console/plan?' + variant);
    assert.deepEqual(await axe(page), [], `${variant} /console/plan`);
    await save(page, '#t1', '0,0,10,5');
    assert.ok(await page.$('#t1 [role=alert]'), 'the error is next to its field');
    assert.deepEqual(await axe(page), [], `${variant} /console/plan with an error`);
  }
  await page.close();
});

test('/console/translate: zero axe violations in every variant, into English and Uyghur, with ' +
     'an error too; a translation typed in shows on the page in that language', async () => {
  const ctx = await browser({ bypassCSP: true });
  const page = await ctx.newPage();
  await signIn(page);
  for (const variant of ['lang=zh', 'lang=en', 'lang=ug', 'care=1', 'care=0']) {
    for (const to of ['en', 'ug']) {
      await page.goto(srv.base + `/console/translate?to=${to}&${variant}`);
      assert.deepEqual(await axe(page), [], `${variant} /console/translate?to=${to}`);
    }
  }
  await page.goto(srv.base + '/console/translate?to=en&lang=zh&care=0');
  await page.fill('#t-target-1', 'New urban jobs');
  await page.fill('#t-target-2', 'A line\tbreak');
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  assert.ok(await page.$('#et-target-2[role=alert]'), 'the error is next to its field');
  assert.equal(await page.inputValue('#t-target-1'), 'New urban jobs', 'what was typed is kept');
  assert.deepEqual(await axe(page), [], '/console/translate with an error');
  await page.fill('#t-target-2', '');
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  assert.match(await page.textContent('[role=status]'), /已保存：1 条译文有变化/);
  await page.goto(srv.base + '/targets/1?lang=en');
  assert.equal(await page.textContent('h1 span'), 'New urban jobs');
  await page.close();
});

test('an admin sets a schedule and a lead department under the real CSP', async () => {
  const ctx = await browser();
  const page = await ctx.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await signIn(page);
  await page.goto(srv.base + '/console?lang=zh');
  await Promise.all([page.waitForNavigation(), page.click('a[href="/console/plan"]')]);
  await save(page, '#t1', '0,0,5,10,15,20,40,60,80,90,95,100');
  assert.match(page.url(), /saved=schedule&target=1#t1$/);
  assert.match(await page.textContent('[role=status]'), /已保存指标 #1 的时序进度/);
  assert.equal(await page.inputValue('#s-1'), '0,0,5,10,15,20,40,60,80,90,95,100');
  await save(page, '#t1', '0,0,10,20,30,25,50,60,70,80,90,100');
  assert.match(await page.textContent('#t1 [role=alert]'), /6月为25，小于上月的30/);
  assert.equal(await page.inputValue('#s-1'), '0,0,10,20,30,25,50,60,70,80,90,100',
               'what was typed is kept');
  await save(page, '#p2', '自治区民政厅养老服务处');
  assert.equal(await page.inputValue('#lead-2'), '自治区民政厅养老服务处');
  const api = await page.evaluate(async () => (await fetch('/api/v1/targets/1?date=2026-06-30')).json());
  assert.equal(api.target.expected, 20);
  assert.deepEqual(violations, []);
  await page.close();
});
