// portal.test.mjs - the public pages in Chromium: every page passes axe
// (WCAG 2.1 AA) with zero violations in Chinese, English and Uyghur (right
// to left), at both text sizes; links work; the language comes from
// ?lang=, then the cookie, then Accept-Language, and the language and
// text-size switches stick; the keyboard
// reaches the skip link first and it moves focus to the content; and the
// pages run under the real CSP without a violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, browsers } from './browser.mjs';
import { startServer } from '../api/server.mjs';

const PAGES = ['/', '/projects/1', '/projects/10', '/targets/1', '/targets/1?org=6501', '/orgs/65',
               '/orgs/6501', '/search?q=%E5%B0%B1%E4%B8%9A', '/search', '/about/method', '/nowhere'];

const chrome = browsers();
const browser = (opts) => chrome.launch(opts);
let srv;

before(async () => { srv = await startServer(); });
after(async () => {
  await chrome.closeAll();
  assert.equal(await srv.stop(), 0);
});

test('every page: zero axe violations, in Chinese, English and Uyghur, at both text sizes', async () => {
  const ctx = await browser({ bypassCSP: true });
  const page = await ctx.newPage();
  // the cookies carry each variant to every page: zh, en, en large, ug
  // large, ug, zh
  const want = { '': 'zh-CN', 'lang=en': 'en', 'care=1': 'en', 'lang=ug': 'ug', 'care=0': 'ug',
                 'lang=zh': 'zh-CN' };
  for (const variant of Object.keys(want)) {
    if (variant) await page.goto(srv.base + '/?' + variant);
    for (const p of PAGES) {
      const resp = await page.goto(srv.base + p);
      assert.equal(resp.status(), p === '/nowhere' ? 404 : 200, p);
      assert.equal(await page.getAttribute('html', 'lang'), want[variant], `${variant} ${p}`);
      assert.equal(await page.getAttribute('html', 'dir'), want[variant] === 'ug' ? 'rtl' : 'ltr');
      const v = await axe(page);
      assert.deepEqual(v, [], `${variant || 'zh'} ${p}:\n${v.join('\n')}`);
    }
  }
  for (const w of [1280]) {
    await page.setViewportSize({ width: w, height: 900 });
    for (const p of ['/', '/targets/1']) {
      await page.goto(srv.base + p);
      assert.deepEqual(await axe(page), [], `desktop ${p}`);
    }
  }
  await page.close();
});

test('links from the plan page all work', async () => {
  const ctx = await browser();
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  const links = await page.$$eval('a[href]', (as) => [...new Set(as.map((a) => a.href))]);
  const seen = new Set();
  const queue = links.filter((h) => h.startsWith(srv.base));
  assert.ok(queue.length > 60, 'projects and targets are linked');
  // one level deep from /, and the links of a target page
  await page.goto(srv.base + '/targets/1');
  queue.push(...(await page.$$eval('a[href]:not([download])', (as) => as.map((a) => a.href))).filter((h) => h.startsWith(srv.base)));
  // the tables' downloads are files, not pages: fetched, not navigated to
  const files = await page.$$eval('a[download]', (as) => as.map((a) => a.href));
  assert.ok(files.length >= 4, 'the tables link their CSV and Excel downloads');
  for (const h of files)
    assert.equal((await page.request.get(h)).status(), 200, h);
  for (const h of queue) {
    if (seen.has(h)) continue;
    seen.add(h);
    const r = await page.goto(h);
    assert.equal(r.status(), 200, h);
  }
  await page.close();
});

test('language and large-text switches stick across pages', async () => {
  const ctx = await browser();
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.click('a[hreflang="en"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.goto(srv.base + '/projects/1');
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'cookie keeps English');
  assert.match(await page.textContent('main'), /Planned|Progress/);
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  await page.click('text=Large text');
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  assert.ok(after >= before * 1.25, `large text: ${before} -> ${after}`);
  await page.goto(srv.base + '/targets/1');
  assert.match(await page.getAttribute('html', 'class'), /care/);
  await page.click('a[hreflang="ug"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'ug');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.match(page.url(), /\/targets\/1/);
  await page.goto(srv.base + '/orgs/65');
  assert.equal(await page.getAttribute('html', 'lang'), 'ug', 'cookie keeps Uyghur');
  await page.click('a[hreflang="zh-CN"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(page.url(), /\/orgs\/65/);
  await page.click('text=标准字号');
  assert.equal(await page.getAttribute('html', 'class'), null);
  await page.close();
});

test('the language: ?lang=, then the cookie, then Accept-Language; a switch to each other language', async () => {
  for (const [locale, lang, dir] of [['ug', 'ug', 'rtl'], ['en-US', 'en', 'ltr'],
                                     ['zh-CN', 'zh-CN', 'ltr'], ['fr-FR', 'zh-CN', 'ltr']]) {
    const ctx = await browser({ locale });
    const page = await ctx.newPage();
    await page.goto(srv.base + '/projects/1');
    assert.equal(await page.getAttribute('html', 'lang'), lang, locale);
    assert.equal(await page.getAttribute('html', 'dir'), dir, locale);
    // the two other languages, each named in itself
    const others = await page.$$eval('nav.prefs a[hreflang]', (as) => as.map((a) => [a.hreflang, a.lang, a.textContent]));
    assert.deepEqual(others.map((o) => o[0]).sort(),
                     ['en', 'ug', 'zh-CN'].filter((l) => l !== lang).sort(), locale);
    for (const [h, l, text] of others) {
      assert.equal(h, l);
      assert.equal(text, { 'zh-CN': '中文', en: 'English', ug: 'ئۇيغۇرچە' }[h]);
    }
    // ?lang= beats Accept-Language and sets the cookie, which beats it after
    await page.goto(srv.base + '/projects/1?lang=' + (lang === 'en' ? 'ug' : 'en'));
    const chosen = lang === 'en' ? 'ug' : 'en';
    assert.equal(await page.getAttribute('html', 'lang'), chosen);
    await page.goto(srv.base + '/orgs/65');
    assert.equal(await page.getAttribute('html', 'lang'), chosen, `${locale}: the cookie`);
    await page.close();
  }
});

test('right to left: Uyghur bars and charts grow from the right, plan content stays left to right', async () => {
  const ctx = await browser({ locale: 'ug' });
  const page = await ctx.newPage();
  await page.goto(srv.base + '/targets/1?lang=ug');
  // the page's text runs right to left: the skip link and the brand sit at the right
  const box = await page.locator('a.brand').boundingBox();
  const vw = page.viewportSize().width;
  assert.ok(box.x + box.width > vw * 0.6, `brand at the right: ${JSON.stringify(box)}`);
  // Chinese plan content inside is marked and isolated
  const zh = await page.$$eval('[lang="zh-CN"]', (xs) => xs.filter((x) => x.dir === 'ltr').length);
  assert.ok(zh > 0, 'Chinese content is lang="zh-CN" dir="ltr"');
  await page.close();
});

test('keyboard: skip link first, focus visible, search by keyboard', async () => {
  const ctx = await browser();
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.goto(srv.base + '/');
  const order = [];
  for (let i = 0; i < 7; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.tagName + (document.activeElement.id ? '#' + document.activeElement.id : '')));
  }
  assert.ok(order.includes('INPUT#q'), order.join(','));
  await page.focus('#q');
  await page.keyboard.type('就业');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\?q=/);
  assert.ok(await page.$('a[href="/targets/1"]'));
  await page.close();
});

test('pages run under the real CSP with no violation', async () => {
  const ctx = await browser();
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  for (const p of PAGES.filter((x) => x !== '/nowhere')) {
    await page.goto(srv.base + p);
    const css = await page.evaluate(() => getComputedStyle(document.querySelector('header.site')).backgroundColor);
    assert.equal(css, 'rgb(11, 61, 110)', 'the stylesheet loaded');
  }
  assert.deepEqual(problems, []);
  await page.close();
});
