// plan_new.test.mjs - /console/plans/new in Chromium: the import form and
// the review of the extracted draft have zero axe violations (WCAG 2.1 AA)
// in Chinese, English and Uyghur and in large text, also with a refused
// edit shown; and an admin's whole path under the real CSP, without any
// JavaScript of the site's: paste, review (a clause marked in the source
// and linked to its target), a missed number added as a target in one
// click, a value corrected, activate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { axe, browsers, signIn as formSignIn } from './browser.mjs';
import { startServer, SHISHI } from '../api/server.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
process.env.SHISHI_TODAY = '2026-06-30';
const SEED = fs.readFileSync(path.join(process.env.SHARED || '../shared', 'seeds',
                                       'xinjiang-2026-ten-livelihood-projects.txt'), 'utf8');
const chrome = browsers();
let srv;

const signIn = (page) => formSignIn(page, srv.base, '管理员', 'a good password');
const click = (page, sel) => Promise.all([page.waitForNavigation(), page.click(sel)]);

async function paste(page, text) {
  await page.goto(srv.base + '/console/plans/new');
  await page.fill('#text', text);
  await click(page, 'form.stack button[type=submit]');
  const m = /plan=(\d+)/.exec(page.url());
  assert.ok(m, page.url());
  return Number(m[1]);
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

test('/console/plans/new: zero axe violations in every variant, with an error too', async () => {
  const ctx = await chrome.launch({ bypassCSP: true });
  const page = await ctx.newPage();
  await signIn(page);
  const id = await paste(page, SEED);
  for (const variant of ['lang=zh', 'lang=en', 'lang=ug', 'care=1']) {
    await page.goto(srv.base + '/console/plans/new?' + variant);
    assert.deepEqual(await axe(page), [], `${variant} the import form`);
    await page.goto(srv.base + `/console/plans/new?plan=${id}&${variant}`);
    assert.deepEqual(await axe(page), [], `${variant} the review`);
    if (variant === 'lang=en' || variant === 'care=0') continue;
    // a refused edit: the page again, with the reason in an alert
    const form = 'article.target form.edit';
    await page.fill(`${form} input[name=value]`, '-1');
    await click(page, `${form} button[type=submit]`);
    assert.ok(await page.$('[role=alert]'), 'the refusal is shown');
    assert.deepEqual(await axe(page), [], `${variant} the review with an error`);
  }
  // a text without targets, refused on the form
  await page.goto(srv.base + '/console/plans/new?lang=ug');
  await page.fill('#text', 'بۇ بىر سىناق.');
  await click(page, 'form.stack button[type=submit]');
  assert.ok(await page.$('[role=alert]'));
  assert.deepEqual(await axe(page), [], 'the import form with an error');
  await page.close();
});

test('an admin reviews, adds a missed number, corrects and activates under the real CSP', async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await signIn(page);
  await page.goto(srv.base + '/console?lang=zh');
  await click(page, 'a[href="/console/plans/new"]');
  const text = SEED.replace('全年实现城镇新增就业47万人以上', '全年实现城镇新增就业47万人以上，每户安装1个报警器');
  await page.fill('#text', text);
  await click(page, 'form.stack button[type=submit]');
  assert.match(await page.textContent('[role=status]'), /已提取草案/);
  // a clause in the source links to its target's form, and back
  const first = await page.$('a.clause');
  const href = await first.getAttribute('href');
  await first.click();
  assert.ok(page.url().endsWith(href));
  assert.ok(await page.$(`${href} a[href="#${await first.getAttribute('id')}"]`), 'linked back');
  // the missed number, one click away
  const li = page.locator('ul.numbers li', { hasText: '每户安装1个报警器' });
  await Promise.all([page.waitForNavigation(), li.locator('button').click()]);
  assert.match(page.url(), /done=add#t-\d+$/);
  const added = page.url().split('#')[1];
  assert.match(await page.textContent(`#${added} h4`), /每户安装1个报警器/);
  assert.equal(await page.inputValue(`#${added} input[name=value]`), '1');
  // correct its unit and save
  await page.fill(`#${added} input[name=unit]`, '个报警器');
  await click(page, `#${added} form.edit button[type=submit]`);
  assert.equal(await page.inputValue(`#${added} input[name=unit]`), '个报警器');
  // activate
  await click(page, 'section[aria-labelledby=act-h] button[type=submit]');
  assert.match(page.url(), /\/console\/plan\?saved=activate$/);
  // the current plan's settings list it now, under its metric (the clause)
  assert.match(await page.textContent('main'), /每户安装1个报警器 \(1 个报警器\)/);
  assert.deepEqual(violations, []);
  await page.close();
});
