// l10n.test.mjs - the API's messages in the reader's language: English by
// default, else ?lang= or Accept-Language (never the pages' cookie); the
// error's code, field and JSON shape the same in every language; the
// API's voice (JSON field names) in every language, never the form's
// labels or the CLI's flags; the server's own refusals (405, 404, another
// site's Origin) too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, shishi, getJson } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-12-01';
process.env.SHISHI_PWHASH_FAST = '1';
let srv, clerk, target;

before(async () => {
  srv = await startServer();
  const plan = (await getJson(srv.base, '/api/v1/plan')).json;
  target = plan.targets.find((t) => t.kind === 'count' && t.value >= 100).id;
  shishi('assign', '--db', srv.db, '--target', String(target), '--org', '650102', '--value', '100');
  shishi('report', 'add', '--db', srv.db, '--target', String(target), '--org', '650102',
         '--date', '2026-11-30', '--value', '12');
  userAdd(srv.db, 'clerk', 'reporter', '650102');
  clerk = await signIn(srv.base, 'clerk');
});
after(async () => { assert.equal(await srv.stop(), 0, srv.log().slice(-3000)); });

const error = async (p, headers = {}) => {
  const r = await request(srv.base, p, { headers });
  return { status: r.status, vary: r.headers.vary, ...JSON.parse(r.body.toString('utf8')).error };
};

test('a bad parameter: English by default, else ?lang= or Accept-Language; code the same', async () => {
  const en = await error('/api/v1/targets/x');
  assert.deepEqual(en, { status: 400, vary: 'Accept-Encoding, Accept-Language', code: 'bad_parameter',
                         message: 'The target id must be a positive integer.', field: 'id' });
  assert.equal((await error('/api/v1/targets/x', { 'Accept-Language': 'zh-CN,zh;q=0.9' })).message,
               '指标编号必须是正整数。');
  assert.equal((await error('/api/v1/targets/x?lang=ug')).message,
               'كۆرسەتكۈچ نومۇرى مۇسبەت پۈتۈن سان بولۇشى كېرەك.');
  assert.equal((await error('/api/v1/targets/x?lang=en', { 'Accept-Language': 'zh' })).message,
               'The target id must be a positive integer.', '?lang= beats Accept-Language');
  // the pages' cookie does not choose the API's language
  assert.equal((await error('/api/v1/targets/x', { Cookie: 'lang=zh' })).message,
               'The target id must be a positive integer.');
  // a date refused by base/date.c, in Chinese
  const d = await error('/api/v1/targets/1?date=2026-13-01', { 'Accept-Language': 'zh' });
  assert.equal(d.code, 'bad_parameter');
  assert.match(d.message, /^“2026-13-01”不是有效日期：/);
});

test('a refused report: the API\'s voice (JSON fields) in each language, same code and field', async () => {
  const post = (lang) => send(srv.base, '/api/v1/reports' + (lang ? '?lang=' + lang : ''), {
    method: 'POST', body: JSON.stringify({ target, org: '650102', date: '2026-12-01', value: 5 }),
    headers: { Cookie: clerk.cookie, 'X-CSRF-Token': clerk.csrf, 'Content-Type': 'application/json' } });
  const got = {};
  for (const lang of [undefined, 'zh', 'ug']) {
    const r = await post(lang);
    assert.equal(r.status, 400, String(r.buf));
    assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'field', 'message']);
    assert.equal(r.json.error.code, 'bad_input');
    assert.equal(r.json.error.field, 'value');
    got[lang || 'en'] = r.json.error.message;
  }
  assert.equal(got.en, '5 is lower than 12 approved as of 2026-11-30; cumulative values only grow ' +
                       '(send "correction": true with a "note" to correct an error)');
  assert.equal(got.zh, '5 低于截至 2026-11-30 已审核的 12；累计值只增不减' +
                       '（如需更正错误，请发送 "correction": true 并在 "note" 中写明原因）');
  assert.match(got.ug, /"correction": true/);
  for (const m of Object.values(got)) {
    assert.doesNotMatch(m, /--[a-z]/, 'no CLI flag');
    assert.doesNotMatch(m, /“更正”|“Correction”/, 'no form label');
  }
});

test('the server\'s own refusals speak the reader\'s language too', async () => {
  let r = await request(srv.base, '/api/v1/nowhere', { headers: { 'Accept-Language': 'ug' } });
  assert.equal(r.status, 404);
  assert.equal(JSON.parse(r.body).error.message, 'بۇنداق API يولى يوق.');
  r = await request(srv.base, '/api/v1/plan', { method: 'DELETE', headers: { 'Accept-Language': 'zh' } });
  assert.equal(r.status, 405);
  assert.deepEqual(JSON.parse(r.body).error, { code: 'method_not_allowed', message: '这里只允许 GET, HEAD。' });
  r = await request(srv.base, '/api/v1/plan', { method: 'DELETE' });
  assert.equal(JSON.parse(r.body).error.message, 'Only GET, HEAD are allowed here.');
  r = await send(srv.base, '/api/v1/reports', { method: 'POST', body: '{}', headers: {
    Origin: 'http://evil.example', 'Accept-Language': 'zh', 'Content-Type': 'application/json' } });
  assert.equal(r.status, 403);
  assert.deepEqual(r.json.error, { code: 'cross_origin', message: '拒绝来自其他网站页面的请求。' });
  // a page's refusal is in the page's language: the sign-in expects a session
  r = await request(srv.base, '/api/v1/session', { headers: { 'Accept-Language': 'zh' } });
  assert.equal(r.status, 401);
  assert.equal(JSON.parse(r.body).error.message, '尚未登录。');
});
