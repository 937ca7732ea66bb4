// translate.test.mjs - translations of plan content on the pages: what an
// admin enters (`shishi plan translate`, or the console's form) is shown on
// the pages in that language at the next request, cached pages included;
// where there is none, the Chinese, marked lang="zh-CN". The form: only an
// admin whose unit holds the plan's issuer; every field checked before
// anything is stored, the refused one shown again next to its field; each
// change audited under the admin's name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, request, shishi, sql } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-09-30';
process.env.SHISHI_PWHASH_FAST = '1';
let srv;
const as = {};

before(async () => {
  srv = await startServer();
  for (const [n, role, org] of [['admin', 'admin', '65'], ['padmin', 'admin', '6501'],
                                ['clerk', 'reporter', '650102']]) {
    userAdd(srv.db, n, role, org);
    as[n] = await signIn(srv.base, n);
  }
});
after(async () => { assert.equal(await srv.stop(), 0, srv.log().slice(-3000)); });

const page = async (p, lang, cookie = '') =>
  (await request(srv.base, p, { headers: { Cookie: `lang=${lang}${cookie ? '; ' + cookie : ''}` } })).body.toString('utf8');

function postForm(u, fields, lang = 'zh') {
  return send(srv.base, '/console/translate', { method: 'POST', body: new URLSearchParams(fields).toString(),
    headers: { Cookie: `${u.cookie}; lang=${lang}`, 'Content-Type': 'application/x-www-form-urlencoded' } });
}

test('a sheet from the CLI shows on the pages at the next request, the Chinese elsewhere', async () => {
  // the cached home page first, in English and Uyghur: all Chinese content
  assert.match(await page('/', 'en'), /<h1><span lang="zh-CN">自治区2026年十件民生实事<\/span><\/h1>/);
  assert.match(await page('/', 'ug'), /<h1><span lang="zh-CN" dir="ltr">自治区2026年十件民生实事<\/span><\/h1>/);
  const csv = path.join(srv.dir, 'en.csv');
  fs.writeFileSync(csv, 'id,text\nplan,Ten livelihood projects of the region in 2026\n' +
                        'project:1,Care and help for workers\ntarget:1,New urban jobs\norg:6501,Urumqi\n');
  shishi('plan', 'translate', '--db', srv.db, '--lang', 'en', csv);
  const en = await page('/', 'en');
  assert.match(en, /<h1><span>Ten livelihood projects of the region in 2026<\/span><\/h1>/, 'the cache moved on');
  assert.match(en, /<title>Ten livelihood projects of the region in 2026 · /);
  assert.match(en, /<span>Care and help for workers<\/span>/);
  assert.match(en, /<a href="\/targets\/1"><span>New urban jobs<\/span><\/a>/);
  assert.match(en, /<a href="\/orgs\/6501"><span>Urumqi<\/span><\/a>/);
  assert.match(en, /<span lang="zh-CN">实施暖心护老行动<\/span>/, 'untranslated projects stay Chinese');
  // other languages are not touched: Uyghur and Chinese pages keep the Chinese
  assert.doesNotMatch(await page('/', 'ug'), /Urumqi|New urban jobs/);
  assert.match(await page('/', 'zh'), /<h1><span>自治区2026年十件民生实事<\/span><\/h1>/);
  // the target's and the place's own pages, titles and breadcrumbs
  const t = await page('/targets/1', 'en');
  assert.match(t, /<title>New urban jobs · /);
  assert.match(t, /<span lang="zh-CN">全年实现城镇新增就业47万人以上<\/span>/, 'the source clause stays a quotation');
  assert.match(await page('/orgs/6501', 'en'), /<h1><span>Urumqi<\/span>/);
});

test('the console form: an admin of the issuer translates; the page shows it', async () => {
  let h = (await send(srv.base, '/console/translate?to=ug', { headers: { Cookie: as.admin.cookie } })).buf.toString();
  assert.match(h, /<html lang="zh-CN"/);
  assert.match(h, /<input type="text" id="t-plan" name="t:plan" lang="ug" dir="rtl"/);
  assert.match(h, /<label for="t-org-650102">650102 <span lang="zh-CN">天山区<\/span><\/label>/);
  assert.match(h, /name="t:target:1"/);
  const r = await postForm(as.admin, [['csrf', as.admin.csrf], ['plan', '1'], ['to', 'ug'],
                                      ['t:target:2', 'تىزىملاتقان ئىشسىزلارنى قايتا ئىشقا ئورۇنلاشتۇرۇش'],
                                      ['t:org:65', 'شىنجاڭ ئۇيغۇر ئاپتونوم رايونى'], ['t:plan', '']]);
  assert.equal(r.status, 303, r.buf.toString());
  assert.equal(r.headers.location, '/console/translate?plan=1&to=ug&saved=2');
  h = (await send(srv.base, r.headers.location, { headers: { Cookie: as.admin.cookie } })).buf.toString();
  assert.match(h, /已保存：2 条译文有变化。/);
  assert.match(h, /name="t:org:65" lang="ug" dir="rtl" maxlength="600" autocomplete="off" value="شىنجاڭ/);
  const ug = await page('/targets/2', 'ug');
  assert.match(ug, /<title>تىزىملاتقان ئىشسىزلارنى قايتا ئىشقا ئورۇنلاشتۇرۇش · /);
  assert.match(await page('/orgs/65', 'ug'), /<h1><span>شىنجاڭ ئۇيغۇر ئاپتونوم رايونى<\/span>/);
  // audited under the admin's name, and the log still verifies
  const who = sql(srv.db, "SELECT DISTINCT actor FROM audit_log WHERE tbl = 'translation' " +
                         "AND row_json LIKE '%شىنجاڭ%'");
  assert.equal(who, 'admin');
  shishi('audit', 'verify', '--db', srv.db);
});

test('a refused field stores nothing and comes back next to its field, in the page\'s language', async () => {
  const r = await postForm(as.admin, [['csrf', as.admin.csrf], ['plan', '1'], ['to', 'en'],
                                      ['t:target:3', 'Jobs for people who find it hard'],
                                      ['t:target:4', 'Two\nlines']], 'en');
  assert.equal(r.status, 400);
  const h = r.buf.toString();
  assert.match(h, /aria-invalid="true" aria-describedby="et-target-4"/);
  assert.match(h, /<p class="form-error" role="alert" id="et-target-4">the text holds a control character/);
  assert.match(h, /value="Jobs for people who find it hard"/, 'what was typed is kept');
  assert.doesNotMatch(await page('/targets/3', 'en'), /Jobs for people who find it hard/, 'nothing stored');
  const zh = await postForm(as.admin, [['csrf', as.admin.csrf], ['plan', '1'], ['to', 'en'],
                                       ['t:target:4', 'Two\nlines']]);
  assert.match(zh.buf.toString(), /译文第 4 字节处有控制字符（换行？）/);
});

test('who may translate: an admin of the issuer; others are refused before any field is read', async () => {
  let r = await postForm(as.clerk, [['csrf', as.clerk.csrf], ['plan', '1'], ['t:plan', 'x']]);
  assert.equal(r.status, 403);
  assert.match(r.buf.toString(), /只有管理员可以修改计划。/);
  r = await postForm(as.padmin, [['csrf', as.padmin.csrf], ['plan', '1'], ['t:org:6501', 'x']]);
  assert.equal(r.status, 403, 'an admin below the issuer');
  r = await postForm(as.admin, [['plan', '1'], ['t:plan', 'x']]);
  assert.equal(r.status, 403, 'no CSRF token');
  r = await postForm(as.admin, [['csrf', as.admin.csrf], ['plan', '1'], ['to', 'en'], ['t:org:9901', 'x']]);
  assert.equal(r.status, 400, 'an org unit that does not exist');
  assert.doesNotMatch(await page('/', 'en'), />x</);
});
