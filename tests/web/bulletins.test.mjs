// bulletins.test.mjs - /bulletins on a phone, in the three languages and
// large text, with a bulletin published and with none: axe finds nothing,
// the table of published bulletins links each PDF and XLSX, and the page
// fits a 360 px screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, browsers } from './browser.mjs';
import { startServer, shishi } from '../api/server.mjs';

process.env.SHISHI_TODAY = '2026-07-10';
const PHONE = { width: 360, height: 740 };
const chrome = browsers({ viewport: PHONE });
let srv;

before(async () => {
  srv = await startServer();
});
after(async () => {
  await chrome.closeAll();
  assert.equal(await srv.stop(), 0);
});

async function check(page, expectRows) {
  for (const q of ['lang=zh&care=0', 'lang=en&care=0', 'lang=ug&care=0', 'lang=zh&care=1']) {
    await page.goto(`${srv.base}/bulletins?${q}`);
    assert.deepEqual(await axe(page), [], `/bulletins?${q}`);
    const rows = await page.$$eval('table tbody tr', (x) => x.length);
    assert.equal(rows, expectRows, `/bulletins?${q} rows`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= PHONE.width, `/bulletins?${q} fits the phone (${wide} px)`);
  }
}

test('/bulletins with none published passes axe', async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  await check(page, 0);
  await page.close();
});

test('/bulletins lists a published bulletin and passes axe', async () => {
  shishi('report', 'add', '--db', srv.db, '--target', '1', '--org', '65', '--date', '2026-06-30',
         '--value', '200000');
  const pub = JSON.parse(shishi('bulletin', 'publish', '--db', srv.db, '--period', '2026-06',
                                '--json'));
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  await check(page, 1);
  await page.goto(`${srv.base}/bulletins`);
  const links = await page.$$eval('table a', (x) => x.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, [`/bulletins/${pub.id}.pdf`, `/bulletins/${pub.id}.xlsx`]);
  await page.close();
});
