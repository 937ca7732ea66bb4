// messages.test.mjs - the public's messages (意见建议, issue 14): the
// acceptance path on target 47 (an anonymous message with <script> and a
// phone number, listed only once published, escaped on the page, the
// unit's reply under it, the phone in no public answer and nowhere in
// the database in the clear), the writer's ticket and mark, the
// supervision office's attention and the notice made of it, the form
// without script (form token, honeypot, photo), abuse (throttles per
// client and per contact under a burst, duplicates, limits), the
// refusals in three languages, the CLI, and the authorization matrix of
// every staff endpoint x role x scope, and anonymous.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, getJson, request, sql, SHISHI } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-07-10';
process.env.SHISHI_PWHASH_FAST = '1';
const PHONE = '138-0013-8000';
const DIGITS = '13800138000';
let srv, as = {}, nextClient = 1;

// Every request names its client (the server trusts 127.0.0.1 as a
// proxy), so each test's throttle counts are its own.
const client = () => `203.0.113.${nextClient++}`;
function post(body, { ip = client(), headers = {} } = {}) {
  return send(srv.base, '/api/v1/messages', {
    method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip, ...headers } });
}
const get = (p, headers = {}) => send(srv.base, p, { headers });
function cli(args, env = {}) {
  const r = spawnSync(SHISHI, [...args, '--db', srv.db], { encoding: 'utf8',
                                                           env: { ...process.env, ...env } });
  assert.equal(r.status, 0, `shishi ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const listed = async (q) => (await getJson(srv.base, `/api/v1/messages?${q}`)).json;
const count = () => Number(sql(srv.db, 'SELECT count(*) FROM message'));

before(async () => {
  srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  for (const [n, role, org] of [['admin', 'admin', '65'], ['mod', 'moderator', '65'],
                                ['mod1', 'moderator', '6501'], ['sup', 'supervisor', '65'],
                                ['rev', 'reviewer', '65'], ['rep', 'reporter', '65'],
                                ['rep2', 'reporter', '650102'], ['viewer', 'viewer', '65']])
    userAdd(srv.db, n, role, org);
  for (const n of ['admin', 'mod', 'mod1', 'sup', 'rev', 'rep', 'rep2', 'viewer'])
    as[n] = await signIn(srv.base, n);
  cli(['user', 'set-email', 'rep', 'rep@example.org']);
});
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

let first;
test('acceptance: an anonymous message about target 47 with <script> and a phone is 201, listed ' +
     'only once published, escaped, the phone nowhere public', async () => {
  const text = '<script>alert(1)</script> 路灯坏了 =HYPERLINK("http://evil","x")';
  const r = await post({ about: { target: 47 }, kind: 'complaint', text, contact: PHONE });
  assert.equal(r.status, 201, String(r.buf));
  assert.deepEqual(Object.keys(r.json).sort(), ['id', 'status', 'ticket']);
  assert.equal(r.json.status, 'received');
  assert.match(r.json.ticket, /^[0-9a-f]{32}$/);
  first = r.json;
  assert.equal((await listed('target=47')).messages.length, 0, 'not listed until published');
  const page0 = (await get('/targets/47')).buf.toString();
  assert.ok(!page0.includes('路灯坏了'), 'not on the page before publishing');

  const pub = await as.mod.post(`/api/v1/messages/${first.id}/publish`);
  assert.equal(pub.status, 200, String(pub.buf));
  assert.equal(pub.json.status, 'published');
  assert.equal(pub.json.deadline, '2026-07-31', '15 working days from Friday 2026-07-10');
  // the responsible unit (65: no place given) is told, once, in the same transaction
  assert.equal(sql(srv.db, `SELECT count(*) FROM outbox WHERE event_key = ` +
                           `'message:${first.id}:published' AND address = 'rep@example.org'`), '1');
  assert.equal((await as.mod.post(`/api/v1/messages/${first.id}/publish`)).status, 409);
  const l = await listed('target=47');
  assert.equal(l.messages.length, 1);
  assert.equal(l.messages[0].text, text, 'JSON carries the text as data, escaped by JSON');
  assert.equal(l.messages[0].status, 'published');
  const page = (await get('/targets/47')).buf.toString();
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'escaped on the page');
  assert.ok(!page.includes('<script>alert'), 'never as markup');
  assert.ok(page.includes('=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)') ||
            page.includes('=HYPERLINK("http://evil","x")'), 'the formula reads as text');

  // the phone in no public answer
  const publicAnswers = [
    (await get('/api/v1/messages?target=47')).buf, (await get('/targets/47')).buf,
    (await get(`/api/v1/tickets/${first.ticket}`)).buf,
    (await get(`/messages/${first.ticket}`)).buf, (await get('/projects/10')).buf,
    (await get('/orgs/65')).buf, (await get('/api/v1/openapi.json')).buf];
  for (const b of publicAnswers) {
    const s = b.toString();
    assert.ok(!s.includes(DIGITS) && !s.includes(PHONE), 'no phone in a public answer');
  }
  // ... nor in the staff's answers, nor in the database in the clear
  const q = await as.mod.get('/api/v1/messages/queue');
  assert.ok(!q.buf.toString().includes(DIGITS));
  assert.equal(q.json.messages.find((m) => m.id === first.id).has_contact, true);
  const stored = sql(srv.db, `SELECT contact FROM message WHERE id = ${first.id}`);
  assert.match(stored, /^v1:/, 'sealed');
  assert.ok(!stored.includes(DIGITS));
  assert.equal(sql(srv.db, `SELECT count(*) FROM message WHERE contact LIKE '%${DIGITS}%' OR ` +
                           `contact_digest LIKE '%${DIGITS}%' OR text LIKE '%${DIGITS}%'`), '0');
  assert.equal(sql(srv.db, `SELECT count(*) FROM audit_log WHERE row_json LIKE '%${DIGITS}%'`), '0',
               'the audit log holds no contact');
  assert.equal(sql(srv.db, `SELECT count(*) FROM audit_log WHERE tbl = 'message' AND ` +
                           `row_json LIKE '%v1:%'`), '0', 'not even sealed');
  assert.equal(sql(srv.db, `SELECT count(*) FROM message WHERE ticket_hash = '${first.ticket}'`),
               '0', 'the ticket itself is not stored');
  assert.match(cli(['audit', 'verify']), /ok|verified/i);
});

test('acceptance: the responsible unit replies; the reply shows under the message on /targets/47',
     async () => {
  // sent from no place: the plan's top unit 65 answers; 650102's clerk may not
  let r = await as.rep2.post(`/api/v1/messages/${first.id}/reply`, { text: '不是我' });
  assert.equal(r.status, 403, String(r.buf));
  r = await as.rep.post(`/api/v1/messages/${first.id}/reply`,
                        { text: '已安排维修 <b>三天内</b>' });
  assert.equal(r.status, 200, String(r.buf));
  assert.equal(r.json.reply.text, '已安排维修 <b>三天内</b>');
  r = await as.rev.post(`/api/v1/messages/${first.id}/reply`, { text: '再答' });
  assert.equal(r.status, 409, 'answered once');
  const page = (await get('/targets/47')).buf.toString();
  const at = page.indexOf('路灯坏了');
  assert.ok(at > 0 && page.indexOf('已安排维修 &lt;b&gt;三天内&lt;/b&gt;', at) > at,
            'the reply under the message, escaped');
  const l = await listed('target=47');
  assert.equal(l.messages[0].reply.text, '已安排维修 <b>三天内</b>');
  assert.equal(l.messages[0].reply.account, undefined, 'no official account in public');
  assert.equal(l.messages[0].moderated_by, undefined);
  // the answered message is an entry of the target's feed (and its
  // project's), escaped, without the contact
  for (const f of ['/feeds/targets/47.atom', '/feeds/projects/10.atom']) {
    const feed = (await get(f)).buf.toString();
    assert.ok(feed.includes(`:message/${first.id}</id>`), `${f}: an entry for the answer`);
    assert.ok(feed.includes('已安排维修 &lt;b&gt;三天内&lt;/b&gt;'), `${f}: the answer, escaped`);
    assert.ok(!feed.includes('<b>') && !feed.includes('<script>'), `${f}: no markup of theirs`);
    assert.ok(!feed.includes(DIGITS) && !feed.includes(PHONE), `${f}: no phone`);
  }
});

test('the writer follows by ticket and marks a complaint\'s answer not helpful: the supervision ' +
     'page shows it and a supervisor makes it a notice', async () => {
  let r = await send(srv.base, `/api/v1/tickets/${first.ticket}/helpful`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ helpful: false }) });
  assert.equal(r.status, 200, String(r.buf));
  assert.equal(r.json.helpful, false);
  assert.equal(r.json.attention, true);
  r = await get(`/api/v1/tickets/${'0'.repeat(32)}`);
  assert.equal(r.status, 404);
  const sv = (await as.sup.get('/console/supervision')).buf.toString();
  assert.ok(sv.includes('h-sv-messages') && sv.includes('路灯坏了') &&
            sv.includes('&lt;script&gt;'), 'on the supervision page, escaped');
  // a moderator may not make a notice; the supervisor's form makes one
  const byMod = await send(srv.base, '/console/messages', {
    method: 'POST', headers: { Cookie: as.mod.cookie,
                               'Content-Type': 'application/x-www-form-urlencoded' },
    body: `csrf=${as.mod.csrf}&id=${first.id}&action=notice` });
  assert.equal(byMod.status, 403);
  const form = await send(srv.base, '/console/messages', {
    method: 'POST', headers: { Cookie: as.sup.cookie,
                               'Content-Type': 'application/x-www-form-urlencoded' },
    body: `csrf=${as.sup.csrf}&id=${first.id}&action=notice` });
  assert.equal(form.status, 303, String(form.buf));
  assert.match(form.headers.location, /^\/console\/notices\/\d+$/);
  const nid = Number(form.headers.location.split('/').pop());
  const n = await as.sup.get(`/api/v1/notices/${nid}`);
  assert.equal(n.status, 200);
  assert.match(n.json.action, /路灯坏了/);
  const again = (await as.sup.get('/console/supervision')).buf.toString();
  assert.ok(!again.includes('路灯坏了'), 'made a notice once: off the list');
});

test('unanswered past the deadline (working days) is on the supervision page', async () => {
  const r = await post({ about: { target: 47, org: '650102' }, kind: 'question',
                         text: '何时开工？逾期测试' });
  assert.equal(r.status, 201);
  // published five weeks ago (the CLI's clock): 15 working days have passed
  cli(['message', 'publish', String(r.json.id)], { SHISHI_TODAY: '2026-06-01' });
  const m = JSON.parse(cli(['message', 'list', '--json'])).messages.find((x) => x.id === r.json.id);
  assert.equal(m.deadline, '2026-06-22', 'Monday 2026-06-01 + 15 working days');
  assert.equal(m.attention, true);
  assert.ok((await as.sup.get('/console/supervision')).buf.toString().includes('逾期测试'));
  // sent from 650102: its clerk answers, not 65's
  let a = await as.rep.post(`/api/v1/messages/${r.json.id}/reply`, { text: 'x' });
  assert.equal(a.status, 403);
  a = await as.rep2.post(`/api/v1/messages/${r.json.id}/reply`, { text: '八月开工' });
  assert.equal(a.status, 200);
  assert.ok(!(await as.sup.get('/console/supervision')).buf.toString().includes('逾期测试'));
  // the list of the place and below holds it
  assert.ok((await listed('target=47&org=6501')).messages.some((x) => x.id === r.json.id));
  assert.ok(!(await listed('target=47&org=6502')).messages.some((x) => x.id === r.json.id));
});

test('hidden with a reason: the public sees the count by reason, never the text', async () => {
  const r = await post({ about: { project: 10 }, kind: 'suggestion', text: '广告：代办证件 隐藏测试' });
  assert.equal(r.status, 201);
  let h = await as.mod.post(`/api/v1/messages/${r.json.id}/hide`, { reason: 'nonsense' });
  assert.equal(h.status, 400);
  assert.equal(h.json.error.field, 'reason');
  h = await as.mod.post(`/api/v1/messages/${r.json.id}/hide`, { reason: 'advertising' });
  assert.equal(h.status, 200, String(h.buf));
  const l = await listed('project=10');
  assert.equal(l.messages.length, 0);
  assert.equal(l.hidden.advertising, 1);
  assert.equal(l.hidden_total, 1);
  const page = (await get('/projects/10')).buf.toString();
  assert.ok(!page.includes('隐藏测试') && page.includes('h-messages'));
  const mine = await get(`/api/v1/tickets/${r.json.ticket}`);
  assert.equal(mine.json.status, 'hidden');
  assert.equal(mine.json.hidden_reason, 'advertising');
  h = await as.mod.post(`/api/v1/messages/${r.json.id}/publish`);
  assert.equal(h.status, 409, 'a hidden message is not published');
});

test('a message about a place is listed on its page', async () => {
  const r = await post({ about: { org: '6501' }, kind: 'suggestion', text: '乌鲁木齐的建议' });
  assert.equal(r.status, 201, String(r.buf));
  assert.equal((await as.mod1.post(`/api/v1/messages/${r.json.id}/publish`)).status, 200);
  assert.equal((await listed('org=6501')).messages[0].text, '乌鲁木齐的建议');
  assert.ok((await get('/orgs/6501')).buf.toString().includes('乌鲁木齐的建议'));
});

test('bad input is refused naming the field, nothing stored', async () => {
  const before = count();
  for (const [body, field] of [
    [{ about: { target: 47 }, kind: 'rant', text: 'x' }, 'kind'],
    [{ about: { target: 999999 }, kind: 'question', text: 'x' }, 'about'],
    [{ about: {}, kind: 'question', text: 'x' }, 'about'],
    [{ about: { target: 47 }, kind: 'question', text: '   ' }, 'text'],
    [{ about: { target: 47 }, kind: 'question', text: 'x'.repeat(2001) }, 'text'],
    [{ about: { target: 47 }, kind: 'question', text: 'x', contact: '12ab' }, 'contact'],
    [{ about: { target: 47 }, kind: 'question', text: 'x', contact: 'a@b@c' }, 'contact'],
    [{ about: { target: 47 }, kind: 'question', text: 'x', contact: '123' }, 'contact'],
  ]) {
    const r = await post(body);
    assert.ok(r.status === 400 || r.status === 404, `${JSON.stringify(body)}: ${r.status}`);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  let r = await post('kind=question&text=x', { headers: { 'Content-Type':
                                                          'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415, 'a cross-site form cannot send JSON');
  r = await post({ about: { target: 47 }, kind: 'question', text: 'from elsewhere' },
                 { headers: { Origin: 'https://evil.example' } });
  assert.equal(r.status, 403);
  assert.equal(count(), before);
});

test('the refusals in three languages, same code and field', async () => {
  const body = { about: { target: 47 }, kind: 'rant', text: 'x' };
  const en = await post(body);
  const zh = await post(body, { headers: { 'Accept-Language': 'zh-CN' } });
  const ug = await post(body, { headers: { 'Accept-Language': 'ug' } });
  assert.equal(en.json.error.message, 'kind must be suggestion, complaint or question');
  for (const r of [zh, ug]) {
    assert.equal(r.status, 400);
    assert.equal(r.json.error.field, 'kind');
    assert.notEqual(r.json.error.message, en.json.error.message, 'translated');
  }
  assert.match(zh.json.error.message, /[\u4e00-\u9fff]/);
  assert.match(ug.json.error.message, /[\u0600-\u06ff]/);
  // every flow's refusals: the same code and field, the words of each language
  const m = await post({ about: { target: 48 }, kind: 'question', text: '三种语言' });
  const flows = [
    ['send a duplicate', (h) => post({ about: { target: 48 }, kind: 'question', text: '三种语言' },
                                     { headers: h })],
    ['publish out of role', (h) => send(srv.base, `/api/v1/messages/${m.json.id}/publish`, {
      method: 'POST', headers: { Cookie: as.viewer.cookie, 'X-CSRF-Token': as.viewer.csrf, ...h } })],
    ['hide for no reason', (h) => send(srv.base, `/api/v1/messages/${m.json.id}/hide`, {
      method: 'POST', body: JSON.stringify({ reason: 'x' }),
      headers: { Cookie: as.mod.cookie, 'X-CSRF-Token': as.mod.csrf,
                 'Content-Type': 'application/json', ...h } })],
    ['reply before publishing', (h) => send(srv.base, `/api/v1/messages/${m.json.id}/reply`, {
      method: 'POST', body: JSON.stringify({ text: '答' }),
      headers: { Cookie: as.rep.cookie, 'X-CSRF-Token': as.rep.csrf,
                 'Content-Type': 'application/json', ...h } })],
    ['rate before an answer', (h) => send(srv.base, `/api/v1/tickets/${m.json.ticket}/helpful`, {
      method: 'POST', body: JSON.stringify({ helpful: true }),
      headers: { 'Content-Type': 'application/json', ...h } })],
    ['an unknown ticket', (h) => send(srv.base, `/api/v1/tickets/${'f'.repeat(32)}`,
                                      { headers: h })],
  ];
  for (const [what, call] of flows) {
    const [e, z, u] = [await call({}), await call({ 'Accept-Language': 'zh-CN' }),
                       await call({ 'Accept-Language': 'ug' })];
    assert.ok(e.status >= 400, `${what}: ${e.status}`);
    for (const r of [z, u]) {
      assert.equal(r.status, e.status, what);
      assert.equal(r.json.error.code, e.json.error.code, what);
      assert.equal(r.json.error.field, e.json.error.field, what);
    }
    assert.match(e.json.error.message, /^[\x20-\x7e]+$/, `${what}: English`);
    assert.match(z.json.error.message, /[\u4e00-\u9fff]/, `${what}: Chinese`);
    assert.match(u.json.error.message, /[\u0600-\u06ff]/, `${what}: Uyghur`);
  }
  // the pages too: the form in the three languages
  for (const [lang, word] of [['zh', '我要留言'], ['en', 'Leave a message'], ['ug', 'ئۇچۇر']]) {
    const p = (await get(`/targets/47?lang=${lang}`)).buf.toString();
    assert.ok(p.includes(word), `${lang}: ${word}`);
  }
});

test('duplicates: the same text about the same thing within a day is refused', async () => {
  const body = { about: { target: 12 }, kind: 'suggestion', text: '重复内容测试' };
  assert.equal((await post(body)).status, 201);
  const again = await post(body);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.field, 'text');
  assert.equal((await post({ ...body, about: { target: 13 } })).status, 201, 'about another');
});

test('honeypot: filled in, the answer looks like a success and nothing is stored', async () => {
  const before = count();
  const r = await post({ about: { target: 47 }, kind: 'suggestion', text: 'buy now', website: 'x' });
  assert.equal(r.status, 201);
  assert.match(r.json.ticket, /^[0-9a-f]{32}$/);
  assert.equal(count(), before);
  assert.equal((await get(`/api/v1/tickets/${r.json.ticket}`)).status, 404);
});

test('throttles hold under a burst from one client while another goes through', async () => {
  const ip = client();
  const burst = await Promise.all(Array.from({ length: 14 }, (_, i) =>
    post({ about: { target: 20 }, kind: 'question', text: `连发 ${i}` }, { ip })));
  const ok = burst.filter((r) => r.status === 201).length;
  const refused = burst.filter((r) => r.status === 429);
  assert.equal(ok, 10, burst.map((r) => r.status).join(' '));
  assert.equal(refused.length, 4);
  assert.equal(refused[0].json.error.code, 'throttled');
  const other = await post({ about: { target: 20 }, kind: 'question', text: '另一个人' });
  assert.equal(other.status, 201, 'another client goes through');
  // per contact, from different clients
  const res = [];
  for (let i = 0; i < 6; i++)
    res.push((await post({ about: { target: 21 }, kind: 'question', text: `同一联系人 ${i}`,
                           contact: 'Someone@Example.org' })).status);
  assert.deepEqual(res, [201, 201, 201, 201, 201, 429]);
  const other2 = await post({ about: { target: 21 }, kind: 'question', text: '另一联系人',
                              contact: 'other@example.org' });
  assert.equal(other2.status, 201);
});

// A multipart form body of fields (and files: [name, filename, type, bytes]).
function multipart(fields, files = []) {
  const boundary = '----shishi' + Math.random().toString(16).slice(2);
  const parts = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n` +
                           `${v}\r\n`));
  for (const [k, fn, type, bytes] of files)
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"; ` +
                           `filename="${fn}"\r\nContent-Type: ${type}\r\n\r\n`),
               Buffer.from(bytes), Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF fake')]);

test('the form without script: form token, photo kept and shown only once published', async () => {
  const page = await get('/targets/47');
  const cookie = page.headers['set-cookie'].find((c) => c.startsWith('ss_form='));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const token = /ss_form=([0-9a-f]+)/.exec(cookie)[1];
  assert.ok(!page.buf.toString().includes(token), 'the page\'s bytes hold no token');
  assert.deepEqual((await get('/targets/47')).buf, page.buf, 'the same page for everyone');
  const fields = { about: 'target', target: '47', kind: 'complaint',
                   text: '表单留言 <img src=x onerror=alert(1)>', contact: '', website: '' };
  // without the cookie, or with one this site did not issue: refused, the text comes back
  let m = multipart(fields);
  let r;
  for (const c of [undefined, `ss_form=${'0'.repeat(48)}`]) {
    r = await send(srv.base, '/messages', { method: 'POST', body: m.body,
                                            headers: { 'Content-Type': m.type,
                                                       ...(c ? { Cookie: c } : {}) } });
    assert.equal(r.status, 403);
    assert.ok(r.buf.toString().includes('表单留言 &lt;img'), 'nothing typed is lost');
  }
  // a photo that is not one
  m = multipart(fields, [['photo', 'x.jpg', 'image/jpeg', '<html><script>1</script>']]);
  r = await send(srv.base, '/messages', { method: 'POST', body: m.body,
                                          headers: { 'Content-Type': m.type,
                                                     Cookie: `ss_form=${token}` } });
  assert.equal(r.status, 400);
  m = multipart(fields, [['photo', 'x.jpg', 'image/jpeg', JPEG]]);
  r = await send(srv.base, '/messages', { method: 'POST', body: m.body,
                                          headers: { 'Content-Type': m.type,
                                                     Cookie: `ss_form=${token}`,
                                                     'X-Forwarded-For': client() } });
  assert.equal(r.status, 303, String(r.buf));
  const ticket = /^\/messages\/([0-9a-f]{32})$/.exec(r.headers.location)[1];
  const mine = await get(`/api/v1/tickets/${ticket}`);
  assert.equal(mine.json.photo, null, 'no photo before publishing');
  assert.equal((await get(`/messages/photos/${mine.json.id}`)).status, 404);
  // the moderator sees it to moderate; a unit's clerk does not
  const staff = await as.mod.get(`/messages/photos/${mine.json.id}`);
  assert.equal(staff.status, 200);
  assert.equal(staff.headers['cache-control'], 'no-store');
  assert.equal((await as.rep.get(`/messages/photos/${mine.json.id}`)).status, 404);
  assert.equal((await as.mod.post(`/api/v1/messages/${mine.json.id}/publish`)).status, 200);
  const ph = await get(`/messages/photos/${mine.json.id}`);
  assert.equal(ph.status, 200);
  assert.equal(ph.headers['content-type'], 'image/jpeg');
  assert.equal(ph.headers['x-content-type-options'], 'nosniff');
  assert.deepEqual(ph.buf, JPEG);
  // the writer's page and the helpful form (no answer yet: no form)
  const wp = (await get(`/messages/${ticket}`)).buf.toString();
  assert.ok(wp.includes('表单留言 &lt;img src=x onerror=alert(1)&gt;'));
  // the honeypot in the form: a redirect as if stored, nothing stored
  const before = count();
  m = multipart({ ...fields, text: '机器人', website: 'http://spam' });
  r = await send(srv.base, '/messages', { method: 'POST', body: m.body,
                                          headers: { 'Content-Type': m.type,
                                                     Cookie: `ss_form=${token}` } });
  assert.equal(r.status, 303);
  assert.equal(count(), before);
});

test('the console queue: a moderator publishes and hides, a unit answers, all escaped', async () => {
  const r = await post({ about: { target: 47 }, kind: 'question', text: '<i>控制台</i>测试' });
  let page = (await as.mod.get('/console/messages')).buf.toString();
  assert.ok(page.includes('&lt;i&gt;控制台&lt;/i&gt;测试') && !page.includes('<i>控制台'));
  const f = await send(srv.base, '/console/messages', {
    method: 'POST', headers: { Cookie: as.mod.cookie,
                               'Content-Type': 'application/x-www-form-urlencoded' },
    body: `csrf=${as.mod.csrf}&id=${r.json.id}&action=publish` });
  assert.equal(f.status, 303);
  page = (await as.rep.get('/console/messages')).buf.toString();
  assert.ok(page.includes(`reply-${r.json.id}`), 'the unit has the answer form');
  const bad = await send(srv.base, '/console/messages', {
    method: 'POST', headers: { Cookie: as.rep.cookie,
                               'Content-Type': 'application/x-www-form-urlencoded' },
    body: `id=${r.json.id}&action=reply&text=x` });
  assert.equal(bad.status, 403, 'no CSRF token');
});

test('the staff CSV: formulas made text, markup as it is, never a contact', async () => {
  const f = '=HYPERLINK("http://evil.example","click") <b>bold</b>';
  const r = await post({ about: { target: 47 }, kind: 'complaint', text: f, contact: '13912345678' });
  assert.equal(r.status, 201);
  const csv = await as.mod.get('/console/messages.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /^text\/csv/);
  const s = csv.buf.toString();
  assert.ok(s.includes(`"'=HYPERLINK(""http://evil.example"",""click"") <b>bold</b>"`),
            'a formula is text');
  assert.ok(!s.includes(',=HYPERLINK'), 'never a bare formula cell');
  assert.ok(!s.includes('13912345678') && !s.includes('13800138000'), 'no contact');
  assert.ok(s.includes('<b>bold</b>'), 'CSV is data: markup stays as typed');
  // a unit's clerk sees only what it may answer: not the received one
  const rep = (await as.rep.get('/console/messages.csv')).buf.toString();
  assert.ok(!rep.includes('evil.example'), 'not the received one');
  assert.equal((await get('/console/messages.csv')).status, 303, 'signed-in only');
  // on the page and in JSON the formula is inert text too
  assert.equal((await as.mod.post(`/api/v1/messages/${r.json.id}/publish`)).status, 200);
  const l = await listed('target=47');
  assert.equal(l.messages.find((m) => m.id === r.json.id).text, f);
  const page = (await get('/targets/47')).buf.toString();
  assert.ok(page.includes('=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;) ' +
                          '&lt;b&gt;bold&lt;/b&gt;'));
});

test('the CLI: list, publish, hide, reply; never a contact', async () => {
  const r = await post({ about: { target: 30 }, kind: 'suggestion', text: 'CLI 测试',
                         contact: '0991-1234567' });
  let out = cli(['message', 'list', '--status', 'received']);
  assert.match(out, /CLI 测试/);
  assert.ok(!out.includes('1234567'));
  cli(['message', 'publish', String(r.json.id)]);
  cli(['message', 'reply', String(r.json.id), '--text', '已收到']);
  const j = JSON.parse(cli(['message', 'list', '--json']));
  const m = j.messages.find((x) => x.id === r.json.id);
  assert.equal(m.reply.text, '已收到');
  assert.match(m.moderated_by, /^moderator:/);
  assert.ok(!JSON.stringify(j).includes('1234567'));
  cli(['message', 'hide', String(r.json.id), '--reason', 'privacy']);
  const x = spawnSync(SHISHI, ['message', 'hide', String(r.json.id), '--reason', 'bad',
                               '--db', srv.db], { encoding: 'utf8' });
  assert.notEqual(x.status, 0);
  assert.match(x.stderr, /reason/);
});

test('authorization: every staff endpoint x role x scope, and anonymous', async () => {
  // one message in 6501's subtree (sent from 650102), one at 6502
  const mk = async (org, t) => (await post({ about: { target: 47, org }, kind: 'question',
                                             text: `权限 ${org} ${t}` })).json.id;
  const roles = ['admin', 'mod', 'mod1', 'sup', 'rev', 'rep', 'rep2', 'viewer'];
  // publish: admin, moderators and supervisors in scope
  const canPublish = { '650102': ['admin', 'mod', 'mod1', 'sup'], '6502': ['admin', 'mod', 'sup'] };
  for (const org of ['650102', '6502'])
    for (const who of roles) {
      const id = await mk(org, `p-${who}`);
      const r = await as[who].post(`/api/v1/messages/${id}/publish`);
      assert.equal(r.status, canPublish[org].includes(who) ? 200 : 403, `${who} publish @${org}`);
      const h = await as[who].post(`/api/v1/messages/${id}/hide`, { reason: 'abuse' });
      assert.equal(h.status, canPublish[org].includes(who) ? 200 : 403, `${who} hide @${org}`);
    }
  // reply: the unit's own reporter or reviewer (650102: rep2), or admin
  const canReply = { '650102': ['admin', 'rep2'], '65': ['admin', 'rev', 'rep'] };
  for (const org of ['650102', '65'])
    for (const who of roles) {
      const id = await mk(org, `r-${who}`);
      assert.equal((await as.admin.post(`/api/v1/messages/${id}/publish`)).status, 200);
      const r = await as[who].post(`/api/v1/messages/${id}/reply`, { text: '答复' });
      assert.equal(r.status, canReply[org].includes(who) ? 200 : 403, `${who} reply @${org}`);
    }
  // anonymous and without the CSRF token
  const id = await mk('650102', 'anon');
  for (const p of ['publish', 'hide', 'reply']) {
    const r = await send(srv.base, `/api/v1/messages/${id}/${p}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(r.status, 401, `anonymous ${p}`);
    const c = await as.admin.post(`/api/v1/messages/${id}/${p}`, { reason: 'abuse', text: 'x' },
                                  { csrf: false });
    assert.equal(c.status, 403, `${p} without CSRF`);
    assert.equal(c.json.error.code, 'csrf');
  }
  assert.equal((await get('/api/v1/messages/queue')).status, 401);
  assert.equal((await get('/console/messages')).status, 303, 'to the sign-in');
  // the queue: each sees what it may act on
  const q = async (who) => (await as[who].get('/api/v1/messages/queue?status=received')).json
    .messages.map((m) => m.id);
  assert.ok((await q('mod1')).includes(id), 'in mod1\'s subtree');
  assert.ok(!(await q('rep2')).includes(id), 'a unit sees no unmoderated message');
  assert.deepEqual(await q('viewer'), []);
});
