// supervision.test.mjs - the supervision office's pages in Chromium (issue
// 12): /console/supervision, its lists, /console/completeness and
// /console/score with zero axe violations (WCAG 2.1 AA) in Chinese,
// English, Uyghur and large text, on a 390 px phone without the page
// scrolling sideways; every number on the morning page is a link and the
// links lead to their lists; /about/method shows the score's formula.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, shishi } from '../api/server.mjs';
import { userAdd } from '../api/wfclient.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
process.env.SHISHI_TODAY = '2026-07-10';
const AXE = path.resolve('node_modules/axe-core/axe.min.js');
const TMP = process.env.SHISHI_TMP || os.tmpdir();
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PAGES = ['/console/supervision', '/console/supervision/list?org=6501&colour=red',
               '/console/completeness?period=2026-06', '/console/score?period=2026-06',
               '/about/method'];
let srv, ctx, axeCtx;
const dirs = [];

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return res.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

before(async () => {
  srv = await startServer();
  for (const [org, v] of [['6501', '500'], ['650102', '100'], ['650103', '50']])
    shishi('assign', '--db', srv.db, '--target', '47', '--org', org, '--value', v);
  shishi('report', 'add', '--db', srv.db, '--target', '47', '--org', '650102', '--date',
         '2026-06-30', '--value', '2');
  userAdd(srv.db, 'office', 'reviewer', '6501');
  ctx = await signedIn({});
  axeCtx = await signedIn({ bypassCSP: true }); // axe is an inline script
});

// A browser signed in as the office's reviewer.
async function signedIn(opts) {
  const dir = fs.mkdtempSync(path.join(TMP, 'chromium-'));
  dirs.push(dir);
  const c = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS, locale: 'zh-CN',
    viewport: { width: 390, height: 844 }, ...opts,
  });
  const page = await c.newPage();
  await page.goto(srv.base + '/login');
  await page.fill('#user', 'office');
  await page.fill('#password', 'a long password');
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  assert.match(page.url(), /\/console$/);
  await page.close();
  return c;
}
after(async () => {
  for (const c of [ctx, axeCtx]) await c?.close().catch(() => {});
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  assert.equal(await srv.stop(), 0);
});

test('zero axe violations in every language and in large text, no sideways scroll', async () => {
  const page = await axeCtx.newPage();
  for (const variant of ['lang=zh', 'lang=en', 'lang=ug', 'care=1', 'care=0']) {
    await page.goto(srv.base + '/?' + variant);
    for (const p of PAGES) {
      const r = await page.goto(srv.base + p);
      assert.equal(r.status(), 200, `${variant} ${p}`);
      assert.deepEqual(await axe(page), [], `${variant} ${p}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(wide, false, `${variant} ${p}: the page does not scroll sideways`);
    }
  }
  await page.goto(srv.base + '/?lang=zh');
  await page.close();
});

test('the morning page: every number is a link, and a place\'s red count leads to its list',
     async () => {
  const page = await ctx.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await page.goto(srv.base + '/console/supervision');
  for (const id of ['lights', 'missing', 'notices', 'changes'])
    assert.ok(await page.$(`section[aria-labelledby="${id}"]`), id);
  const bare = await page.evaluate(() => [...document.querySelectorAll('main td, main dd')]
    .filter((c) => /^\d+$/.test(c.textContent.trim()) && !c.querySelector('a'))
    .map((c) => c.outerHTML));
  assert.deepEqual(bare, [], 'no number without its list');
  const missing = await page.textContent('section[aria-labelledby="missing"]');
  assert.match(missing, /2026-06/);
  assert.match(missing, /天山区|沙依巴克区|乌鲁木齐市/);
  const link = await page.$('#cap-by-place ~ tbody tr:has-text("天山区") td a');
  assert.ok(link, 'the red count of 天山区');
  const n = Number(await link.textContent());
  assert.ok(n >= 1, '650102 is red: 2 against about 35% due');
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.match(page.url(), /\/console\/supervision\/list\?org=650102/);
  assert.equal((await page.$$('#cap-list ~ tbody tr')).length, n, 'the list holds what the count said');
  assert.match(await page.textContent('main'), /新改建农村公路/);
  await page.goto(srv.base + '/console/completeness?period=2026-06&org=6501');
  assert.match(await page.textContent('#cap-missing ~ tbody'), /沙依巴克区/);
  assert.deepEqual(violations, []);
  await page.close();
});

test('/about/method shows the score\'s formula', async () => {
  const page = await ctx.newPage();
  await page.goto(srv.base + '/about/method');
  const h = await page.textContent('#score');
  assert.match(h, /考核/);
  const text = await page.textContent('main');
  assert.match(text, /×50/);
  assert.match(text, /按时率/);
  await page.close();
});
