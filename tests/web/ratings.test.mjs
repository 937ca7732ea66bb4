// ratings.test.mjs - satisfaction ratings in Chromium on a phone: a
// citizen rates a project by tapping a level and sending the form (no
// script), the project page then shows the distribution (a chart with
// the same numbers in a table) and no form for that browser; a deputy
// rates through a survey link; every page involved (the project page
// with and without results, the survey page, the console's results and
// comments, /about/method) has zero axe violations (WCAG 2.1 AA) in the
// three languages and in large text, and fits a 360 px screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { axe, browsers, signIn } from './browser.mjs';
import { startServer, SHISHI } from '../api/server.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
const PHONE = { width: 360, height: 740 };
const chrome = browsers({ viewport: PHONE });
const QUERIES = ['lang=zh&care=0', 'lang=en&care=0', 'lang=ug&care=0', 'lang=zh&care=1'];
let srv, codes;

function cli(...args) {
  const r = spawnSync(SHISHI, [...args, '--db', srv.db], { encoding: 'utf8',
                                                            input: 'a good password\n' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(async () => {
  srv = await startServer();
  cli('user', 'add', 'du', '--role', 'supervisor', '--org', '65');
  const out = path.join(srv.dir, 'codes.csv');
  cli('survey', 'create', '--project', '10', '--codes', '5', '--out', out);
  codes = fs.readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
});
after(async () => {
  await chrome.closeAll();
  assert.equal(await srv.stop(), 0);
});

async function check(page, p) {
  const bad = [];
  for (const q of QUERIES) {
    const url = `${srv.base}${p}${p.includes('?') ? '&' : '?'}${q}`;
    await page.goto(url);
    for (const v of await axe(page)) bad.push(`${p}?${q}: ${v}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > PHONE.width) bad.push(`${p}?${q}: scrolls sideways (${wide} px)`);
  }
  return bad;
}

test('the project page without ratings passes axe and shows the form', async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  assert.deepEqual(await check(page, '/projects/9'), []);
  await page.goto(`${srv.base}/projects/9`);
  assert.equal(await page.$$eval('#satisfaction input[type=radio]', (x) => x.length), 5);
  assert.equal(await page.$$eval('#satisfaction svg', (x) => x.length), 0, 'no chart of nothing');
  await page.close();
});

test('a citizen rates by tapping; the page shows the result and no second form', async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  await page.goto(`${srv.base}/projects/10`);
  await page.check('#score-4');
  await page.fill('#comment', '<b>水管修好了</b>');
  await Promise.all([page.waitForNavigation(), page.click('#satisfaction button[type=submit]')]);
  assert.match(page.url(), /\/projects\/10\?rated=1#satisfaction$/);
  assert.match(await page.textContent('#satisfaction [role=status]'), /感谢您的评价/);
  assert.equal(await page.$$eval('#satisfaction form', (x) => x.length), 0, 'no second form');
  const cells = await page.$$eval('#cap-sat-pub ~ tbody tr', (x) => x.map((r) => r.textContent));
  assert.ok(cells.some((t) => t.startsWith('4 满意') && t.includes('1')), cells.join('|'));
  assert.equal(await page.$$eval('svg[aria-labelledby="sat-pub-t sat-pub-d"]', (x) => x.length), 1);
  assert.ok(!(await page.content()).includes('水管修好了'), 'the comment is not public');
  await page.close();
});

test('a deputy rates through the survey link; both results show apart, pages pass axe',
     async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  assert.deepEqual(await check(page, `/survey/${codes[0]}`), []);
  await page.goto(`${srv.base}/survey/${codes[0]}`);
  await page.check('#score-5');
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  assert.match(await page.textContent('[role=status]'), /感谢您的评价/);
  assert.deepEqual(await check(page, `/survey/${codes[0]}`), [], 'the used code page');
  assert.deepEqual(await check(page, '/projects/10'), []);
  await page.goto(`${srv.base}/projects/10`);
  assert.match(await page.textContent('#sat-deputies'), /人大代表测评/);
  assert.deepEqual(await check(page, '/survey/NOSUCHCODE0000000000'), []);
  assert.deepEqual(await check(page, '/about/method'), []);
  assert.equal(await page.$$eval('#satisfaction', (x) => x.length), 1);
  await page.close();
});

test("the console's results and comments pass axe; the comment is escaped", async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  await signIn(page, srv.base, 'du', 'a good password');
  assert.deepEqual(await check(page, '/console/ratings'), []);
  await page.goto(`${srv.base}/console/ratings?project=10`);
  assert.equal(await page.textContent('td.comment'), '<b>水管修好了</b>', 'shown as text');
  assert.equal(await page.$$eval('td.comment b', (x) => x.length), 0, 'never as markup');
  await page.close();
});
