// notices.test.mjs - the supervision notices' pages in Chromium on a
// phone: the notice list, a notice with the clerk's answer form and with
// the supervisor's close and return forms and the answer's file to
// download, and the public target page
// with its notice lines, each with zero axe violations (WCAG 2.1 AA), in
// Chinese and English; the clerk answers by a click (the forms need no
// script).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, SHISHI } from '../api/server.mjs';
import { send } from '../api/wfclient.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
process.env.SHISHI_TODAY = '2026-07-10';
const AXE = path.resolve('node_modules/axe-core/axe.min.js');
const TMP = process.env.SHISHI_TMP || os.tmpdir();
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let srv, id;
const open = [];

function cli(...args) {
  const r = spawnSync(SHISHI, [...args, '--db', srv.db], { encoding: 'utf8',
                                                            input: 'a good password\n' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// axe is injected as a script: the page's CSP is bypassed for that (the
// forms need no script of their own)
async function browser() {
  const dir = fs.mkdtempSync(path.join(TMP, 'chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS, locale: 'zh-CN',
    viewport: { width: 360, height: 780 }, bypassCSP: true,
  });
  open.push({ ctx, dir });
  return ctx;
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return res.violations.map((v) => `${v.id}: ${v.help} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function signIn(page, user) {
  await page.goto(srv.base + '/login');
  await page.fill('#user', user);
  await page.fill('#password', 'a good password');
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
}

before(async () => {
  srv = await startServer();
  cli('user', 'add', 'clerk', '--role', 'reporter', '--org', '650102');
  cli('user', 'add', 'du', '--role', 'supervisor', '--org', '65');
  id = JSON.parse(cli('notice', 'issue', '--target', '47', '--org', '650102', '--text',
                      '请说明进度滞后的原因', '--grade', 'red', '--json')).id;
});
after(async () => {
  for (const { ctx, dir } of open) {
    await ctx.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(await srv.stop(), 0);
});

test('the clerk answers on a phone; every notice page has zero axe violations', async () => {
  const ctx = await browser();
  const page = await ctx.newPage();
  const bad = [];
  await signIn(page, 'clerk');
  for (const lang of ['?lang=en', '?lang=zh']) {
    for (const p of ['/console/notices', `/console/notices/${id}`]) {
      await page.goto(srv.base + p + lang);
      for (const v of await axe(page)) bad.push(`${p}${lang}: ${v}`);
    }
  }
  await page.goto(`${srv.base}/console/notices/${id}`);
  await page.fill('#text', '已增派施工队伍');
  await page.fill('#measures', '分段同时施工');
  await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
  assert.match(await page.content(), /已提交答复/);
  for (const v of await axe(page)) bad.push(`answered: ${v}`);
  // a file of the answer, through the API: the pages list it as a link
  const login = await send(srv.base, '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'clerk', password: 'a good password' }) });
  const cookie = /ss_session=[0-9a-f]*/.exec(login.headers['set-cookie'].join(';'))[0];
  const boundary = '----shishiweb';
  const up = await send(srv.base, `/api/v1/notices/${id}/evidence`, {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': login.json.csrf,
               'Content-Type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
                  'filename="photo.pdf"\r\nContent-Type: application/pdf\r\n\r\n'),
      Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
      Buffer.from(`\r\n--${boundary}--\r\n`)]) });
  assert.equal(up.status, 201, String(up.buf));
  const sup = await (await browser()).newPage();
  await signIn(sup, 'du');
  await sup.goto(`${srv.base}/console/notices/${id}`);
  assert.match(await sup.content(), /value="close"/);
  assert.match(await sup.content(), /<a href="\/console\/notices\/\d+\/evidence\?file=\d+" download(="")?>photo\.pdf<\/a>/);
  for (const v of await axe(sup)) bad.push(`supervisor: ${v}`);
  await sup.goto(`${srv.base}/targets/47?org=650102`);
  assert.match(await sup.content(), /督办〔2026〕1号/);
  for (const v of await axe(sup)) bad.push(`target page: ${v}`);
  assert.deepEqual(bad, []);
});
