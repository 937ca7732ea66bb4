// follow.test.mjs - following in a browser on a phone, without JavaScript
// needed: the "关注" box of a target page (its feed link and the email
// form), the page the form answers with, the confirmation page and its
// button, the unsubscribe page and its button, each in the three
// languages and large text, axe finding nothing and the page fitting a
// 360 px screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, browsers } from './browser.mjs';
import { startServer, shishi, sql } from '../api/server.mjs';

const PHONE = { width: 360, height: 740 };
const chrome = browsers({ viewport: PHONE });
const QS = ['lang=zh&care=0', 'lang=en&care=0', 'lang=ug&care=0', 'lang=zh&care=1'];
let srv;

before(async () => {
  srv = await startServer({ args: ['--notify-every', '0', '--base-url', 'https://e.example.org'] });
});
after(async () => {
  await chrome.closeAll();
  assert.equal(await srv.stop(), 0);
});

async function fine(page, what) {
  assert.deepEqual(await axe(page), [], what);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= PHONE.width, `${what} fits the phone (${wide} px)`);
}

// The latest outbox message's link of kind (confirm, unsubscribe): its path
// (sql() reads one line: the link's own, cut out; the browser tier runs on
// SQLite, whose instr this is).
const linkOf = (kind) => {
  const at = `/subscriptions/${kind}/`;
  const cut = sql(srv.db, `SELECT substr(text, instr(text, '${at}'), ${at.length + 32}) ` +
                          `FROM outbox WHERE text LIKE '%${at}%' ORDER BY id DESC LIMIT 1`);
  assert.match(cut, new RegExp(`^${at}[0-9a-f]{32}$`));
  return cut;
};

test('the follow box, the confirmation and unsubscribe pages pass axe in every language',
     async () => {
  const ctx = await chrome.launch();
  const page = await ctx.newPage();
  for (const [i, q] of QS.entries()) {
    await page.goto(`${srv.base}/targets/47?${q}`);
    await fine(page, `/targets/47?${q}`);
    assert.equal(await page.$eval('section.follow a', (a) => a.getAttribute('href')),
                 '/feeds/targets/47.atom');
    await page.fill('#follow-email', `web${i}@example.org`);
    await page.click('section.follow button');
    await page.waitForLoadState();
    assert.equal(new URL(page.url()).pathname, '/subscriptions');
    await fine(page, `the form's answer (${q})`);
    const confirm = linkOf('confirm');
    await page.goto(`${srv.base}${confirm}?${q}`);
    await fine(page, `the confirmation page (${q})`);
    await page.click('main form button');
    await page.waitForLoadState();
    await fine(page, `confirmed (${q})`);
  }
  assert.equal(sql(srv.db, "SELECT count(*) FROM subscription WHERE status = 'confirmed'"), '4');
  // a digest, for its unsubscribe link
  shishi('report', 'add', '--db', srv.db, '--target', '47', '--org', '650102', '--date',
         '2026-06-30', '--value', '2');
  shishi('notify', 'digest', '--db', srv.db, '--base-url', 'https://e.example.org');
  const unsub = linkOf('unsubscribe');
  for (const q of QS) {
    await page.goto(`${srv.base}${unsub}?${q}`);
    await fine(page, `the unsubscribe page (${q})`);
  }
  await page.click('main form button');
  await page.waitForLoadState();
  await fine(page, 'unsubscribed');
  assert.equal(sql(srv.db, "SELECT count(*) FROM subscription WHERE status = 'ended'"), '1');
  await page.close();
});
