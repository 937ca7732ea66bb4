// cycle.test.mjs - the yearly cycle's pages on a phone, in the three
// languages and large text: /proposals (its form typed into and sent with
// no script, the honeypot out of view and out of the tab order), the
// result page, /plans/2026 once 2027 is current, the console's triage
// page, and a deputy's ballot, its receipt and the receipt check: axe
// finds nothing and each fits a 360 px screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { axe, browsers, signIn } from './browser.mjs';
import { startServer, SHISHI } from '../api/server.mjs';
import { userAdd, signIn as apiSignIn, send } from '../api/wfclient.mjs';

process.env.SHISHI_TODAY = '2026-11-10';
process.env.SHISHI_PWHASH_FAST = '1';
const PHONE = { width: 360, height: 740 };
const chrome = browsers({ viewport: PHONE });
const QS = ['lang=zh&care=0', 'lang=en&care=0', 'lang=ug&care=0', 'lang=zh&care=1'];
let srv;

function cli(...args) {
  const r = spawnSync(SHISHI, [...args, '--db', srv.db], { encoding: 'utf8' });
  assert.equal(r.status, 0, `shishi ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  srv = await startServer();
  userAdd(srv.db, 'office', 'supervisor', '65');
  cli('cycle', 'open', '--year', '2027', '--from', '2026-11-01', '--to', '2026-11-10');
});
after(async () => {
  await chrome.closeAll();
  assert.equal(await srv.stop(), 0);
});

async function check(page, p) {
  for (const q of QS) {
    await page.goto(`${srv.base}${p}${p.includes('?') ? '&' : '?'}${q}`);
    assert.deepEqual(await axe(page), [], `${p}?${q}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= PHONE.width, `${p}?${q} fits the phone (${wide} px)`);
  }
}

test('/proposals: the form is sent without script, and the page passes axe', async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  await check(page, '/proposals');
  await page.goto(`${srv.base}/proposals`);
  assert.equal(await page.$eval('#website', (x) => x.tabIndex), -1, 'the honeypot is no tab stop');
  await page.fill('#title', '社区食堂');
  await page.fill('#text', '新建社区老年食堂20个');
  await page.fill('#org', '650102');
  await page.fill('#contact', '13800138000');
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  assert.match(page.url(), /\/proposals\?sent=\d+/);
  assert.match(await page.textContent('main'), /社区食堂/);
  assert.ok(!(await page.content()).includes('13800138000'));
  await check(page, '/proposals?sent=1');
  // a refused post comes back as the form, with what was typed
  await page.goto(`${srv.base}/proposals`);
  await page.fill('#title', 'x'.repeat(10));
  await page.fill('#text', '修路');
  await page.fill('#org', '99');
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  assert.equal(await page.inputValue('#text'), '修路');
  assert.deepEqual(await axe(page), [], 'the refused form');
  await page.close();
});

test('the console triage page, the result page and /plans/2026 pass axe', async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  await signIn(page, srv.base, 'office', 'a long password');
  await check(page, '/console/cycle?year=2027');
  const id = Number(/sent=(\d+)/.exec(
    (await send(srv.base, '/proposals', { method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ title: '书房', text: '新建城市书房30个', org: '65' })
        .toString() })).headers.location)[1]);
  await page.goto(`${srv.base}/console/cycle?year=2027`);
  await page.fill(`#cost-${id}`, '5000000');
  await page.fill(`#department-${id}`, '文化和旅游厅');
  await Promise.all([page.waitForNavigation(),
                     page.click(`form:has(#cost-${id}) button[type=submit]`)]);
  assert.match(page.url(), /done=1/);
  assert.match(await page.textContent('main'), /候选项目 \d+/);
  // the vote, by one deputy, then closed
  cli('cycle', 'open', '--year', '2027', '--from', '2026-11-01', '--to', '2026-11-05');
  cli('cycle', 'vote', '--year', '2027', '--from', '2026-11-06', '--to', '2026-11-10',
      '--seats', '1');
  userAdd(srv.db, 'dep', 'deputy', '65');
  const cand = JSON.parse(cli('cycle', 'show', '--year', '2027', '--json')).candidates[0].id;
  // the deputy votes on the ballot page, with no script, and checks the receipt
  const dctx = await chrome.launch();
  const dp = await dctx.newPage();
  await signIn(dp, srv.base, 'dep', 'a long password');
  await check(dp, '/console/ballot?year=2027');
  await dp.goto(`${srv.base}/console/ballot?year=2027`);
  await dp.check(`input[name=choice][value="${cand}"]`);
  await Promise.all([dp.waitForNavigation(), dp.click('main form button[type=submit]')]);
  const code = await dp.textContent('code.receipt');
  assert.match(code, /^[0-9a-f]{32}$/);
  assert.deepEqual(await axe(dp), [], 'the receipt page');
  assert.ok((await dp.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width);
  await check(dp, `/cycles/2027/receipt?code=${code}`);
  assert.match(await dp.textContent('main'), /书房/);
  await dp.close();
  const d = await apiSignIn(srv.base, 'dep');
  assert.equal((await d.post('/api/v1/cycles/2027/ballots', { choices: [cand] })).status, 409,
               'voted once, on the page');
  cli('cycle', 'vote', '--year', '2027', '--from', '2026-11-06', '--to', '2026-11-09',
      '--seats', '1');
  await check(page, '/cycles/2027/result');
  assert.match(await page.textContent('main'), /书房/);
  // 2027 becomes current; 2026 stays browsable
  cli('cycle', 'adopt', '--year', '2027');
  cli('plan', 'activate');
  await check(page, '/plans/2026');
  assert.match(await page.textContent('h1'), /2026/);
  await page.close();
});
