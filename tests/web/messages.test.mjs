// messages.test.mjs - the public's messages in Chromium on a phone, with
// no script of the site's own: a citizen sends a complaint from the
// target page's form (a photo attached), lands on their ticket page; the
// moderator publishes it from the console queue, the unit answers there,
// the citizen marks the answer not helpful, and the supervision page
// lists it. Every page on the way has zero axe violations (WCAG 2.1 AA and
// best practice) in Chinese, English and Uyghur; hostile text stays text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, SHISHI } from '../api/server.mjs';
import { browsers, axe, signIn } from './browser.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
process.env.SHISHI_TODAY = '2026-07-10';
const PASSWORD = 'a good password';
const HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> 垃圾没人清';
let srv;
const b = browsers();

function cli(...args) {
  const r = spawnSync(SHISHI, [...args, '--db', srv.db], { encoding: 'utf8',
                                                            input: `${PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(async () => {
  srv = await startServer();
  cli('user', 'add', 'mod', '--role', 'moderator', '--org', '65');
  cli('user', 'add', 'clerk', '--role', 'reporter', '--org', '650102');
  cli('user', 'add', 'du', '--role', 'supervisor', '--org', '65');
});
after(async () => {
  await b.closeAll();
  assert.equal(await srv.stop(), 0);
});

test('a complaint from the target page to its answer, on a phone, without script, axe-clean',
     async () => {
  const bad = [];
  const check = async (page, what) => {
    for (const v of await axe(page)) bad.push(`${what}: ${v}`);
    assert.equal(await page.evaluate(() => window.pwned), undefined, `${what}: nothing ran`);
  };
  const citizen = await (await b.launch({ javaScriptEnabled: true })).newPage();
  for (const lang of ['zh', 'en', 'ug']) {
    await citizen.goto(`${srv.base}/targets/47?org=650102&lang=${lang}`);
    await check(citizen, `target page ${lang}`);
  }
  await citizen.goto(`${srv.base}/targets/47?org=650102&lang=zh`);
  await citizen.check('input[name=kind][value=complaint]');
  await citizen.fill('#msg-text', HOSTILE);
  await citizen.fill('#msg-contact', '13800138000');
  const photo = path.join(srv.dir, 'p.jpg');
  fs.writeFileSync(photo, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
                                         Buffer.from('JFIF')]));
  await citizen.setInputFiles('#msg-photo', photo);
  await Promise.all([citizen.waitForNavigation(),
                     citizen.click('form.message-form button[type=submit]')]);
  assert.match(citizen.url(), /\/messages\/[0-9a-f]{32}$/);
  const ticketPage = citizen.url();
  assert.match(await citizen.content(), /已收到，待审核/);
  assert.ok(!(await citizen.content()).includes('13800138000'));
  for (const lang of ['zh', 'en', 'ug']) {
    await citizen.goto(`${ticketPage}?lang=${lang}`);
    await check(citizen, `ticket page ${lang}`);
  }

  // the moderator's queue: publish
  const mod = await (await b.launch()).newPage();
  await signIn(mod, srv.base, 'mod', PASSWORD);
  assert.ok((await mod.content()).includes('href="/console/messages"'), 'the console links it');
  for (const lang of ['zh', 'en', 'ug']) {
    await mod.goto(`${srv.base}/console/messages?lang=${lang}`);
    await check(mod, `queue ${lang}`);
  }
  await mod.goto(`${srv.base}/console/messages`);
  assert.ok((await mod.content()).includes('&lt;script&gt;window.pwned=1&lt;/script&gt;'));
  await Promise.all([mod.waitForNavigation(), mod.click('form.inline button[type=submit]')]);
  await check(mod, 'queue after publishing');

  // the unit answers
  const clerk = await (await b.launch()).newPage();
  await signIn(clerk, srv.base, 'clerk', PASSWORD);
  await clerk.goto(`${srv.base}/console/messages`);
  await check(clerk, 'the unit\'s queue');
  await clerk.fill('textarea[name=text]', '已安排清运 <b>明天</b>');
  await Promise.all([clerk.waitForNavigation(), clerk.click('form.inline button[type=submit]')]);

  // the citizen reads the answer and marks it
  await citizen.goto(`${ticketPage}?lang=zh`);
  assert.ok((await citizen.content()).includes('已安排清运 &lt;b&gt;明天&lt;/b&gt;'));
  await check(citizen, 'ticket page with the answer');
  await Promise.all([citizen.waitForNavigation(),
                     citizen.click('button[name=helpful][value="0"]')]);
  assert.match(await citizen.content(), /留言人认为没有帮助/);
  await citizen.goto(`${srv.base}/targets/47?org=650102`);
  const img = await citizen.$('img.msg-photo');
  assert.ok(img, 'the published photo is shown');
  await check(citizen, 'target page with the message');

  // the supervision office
  const du = await (await b.launch()).newPage();
  await signIn(du, srv.base, 'du', PASSWORD);
  for (const lang of ['zh', 'en', 'ug']) {
    await du.goto(`${srv.base}/console/supervision?lang=${lang}`);
    await check(du, `supervision ${lang}`);
  }
  assert.ok((await du.content()).includes('value="notice"'), 'the notice button');
  assert.deepEqual(bad, []);
});
