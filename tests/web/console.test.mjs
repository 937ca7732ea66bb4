// console.test.mjs - the sign-in page and the console in Chromium: zero
// axe violations (WCAG 2.1 AA) in Chinese, English, Uyghur and large text, also
// with an error shown; and the whole flow by keyboard-free clicks under
// the real CSP: sign in, land on /console, sign out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { axe, browsers, signIn as formSignIn } from './browser.mjs';
import { startServer, SHISHI } from '../api/server.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
const chrome = browsers();
const browser = (opts) => chrome.launch(opts);
let srv;

const signIn = (page, user, password) => formSignIn(page, srv.base, user, password);

before(async () => {
  srv = await startServer();
  const r = spawnSync(SHISHI, ['user', 'add', '审核员', '--role', 'reviewer', '--org', '6501', '--db', srv.db],
                      { input: 'a good password\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
after(async () => {
  await chrome.closeAll();
  assert.equal(await srv.stop(), 0);
});

test('login and console pages: zero axe violations in every variant', async () => {
  const ctx = await browser({ bypassCSP: true });
  const page = await ctx.newPage();
  for (const variant of ['', 'lang=en', 'care=1', 'lang=ug', 'care=0', 'lang=zh']) {
    if (variant) await page.goto(srv.base + '/?' + variant);
    await page.goto(srv.base + '/login');
    assert.deepEqual(await axe(page), [], `${variant || 'zh'} /login`);
    await signIn(page, '审核员', 'wrong password');
    assert.ok(await page.$('[role=alert]'), 'the error is shown');
    assert.deepEqual(await axe(page), [], `${variant || 'zh'} /login with an error`);
    await signIn(page, '审核员', 'a good password');
    assert.match(page.url(), /\/console$/);
    assert.deepEqual(await axe(page), [], `${variant || 'zh'} /console`);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
  }
  await page.close();
});

test('sign in, console, sign out under the real CSP', async () => {
  const ctx = await browser();
  const page = await ctx.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await page.goto(srv.base + '/console');
  assert.match(page.url(), /\/login$/, 'signed out: sent to the sign-in page');
  await signIn(page, '审核员', 'a good password');
  assert.match(page.url(), /\/console$/);
  const main = await page.textContent('main');
  assert.match(main, /审核员/);
  assert.match(main, /乌鲁木齐市|6501/);
  assert.ok(await page.$('a[href="/console/inbox"]'));
  assert.equal(await page.$('a[href="/console/report"]'), null, 'a reviewer has no assignments');
  const cookies = await ctx.cookies();
  const s = cookies.find((c) => c.name === 'ss_session');
  assert.ok(s.httpOnly);
  assert.equal(s.sameSite, 'Strict');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
  assert.equal(new URL(page.url()).pathname, '/');
  await page.goto(srv.base + '/console');
  assert.match(page.url(), /\/login$/);
  assert.deepEqual(violations, []);
  await page.close();
});
