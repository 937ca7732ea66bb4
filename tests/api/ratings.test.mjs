// ratings.test.mjs - satisfaction ratings (满意度测评) on a running server:
// the acceptance check of issue 14 (five ratings of project 10 give n 5
// and their distribution, a sixth from the same client is refused), a
// bounded burst from one client while another goes through, the signed
// cookie (a browser that rated is refused, a forged or altered cookie is
// refused), closed surveys' one-time codes (used once, also when used at
// once), hostile comments inert in the console and absent from every
// public answer, the messages in three languages, and the authorization
// matrix of the new endpoints x every role x anonymous.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, getJson, SHISHI, sql } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>=HYPERLINK("http://x")"\'&';
let srv, proxied, as = {};
let nextIp = 1;
const freshIp = () => `198.51.100.${nextIp++}`;

// a rating through the API: body, from client address ip (a trusted
// proxy's X-Forwarded-For), with more headers
function rate(s, body, { ip, headers = {}, lang } = {}) {
  return send(s.base, '/api/v1/ratings' + (lang ? `?lang=${lang}` : ''), {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...(ip ? { 'X-Forwarded-For': ip } : {}),
               ...headers } });
}
const satisfaction = async (s, no, q = '') => (await getJson(s.base,
                                                             `/api/v1/projects/${no}/satisfaction${q}`)).json;
const cookieOf = (r) => (r.headers['set-cookie'] || []).find((c) => c.startsWith('ss_rated_'))
  ?.split(';')[0];

function survey(db, project, codes, audience = 'deputies') {
  const out = path.join(srv.dir, `codes-${project}-${audience}-${Date.now()}.csv`);
  const r = spawnSync(SHISHI, ['survey', 'create', '--db', db, '--project', String(project),
                               '--codes', String(codes), '--audience', audience, '--out', out],
                      { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return fs.readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
}

before(async () => {
  srv = await startServer();
  proxied = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  for (const [n, role, org] of [['admin', 'admin', '65'], ['sup', 'supervisor', '65'],
                                ['sup1', 'supervisor', '6501'], ['reviewer', 'reviewer', '6501'],
                                ['reporter', 'reporter', '650102'], ['viewer', 'viewer', '65']])
    userAdd(proxied.db, n, role, org);
  for (const n of ['admin', 'sup', 'sup1', 'reviewer', 'reporter', 'viewer'])
    as[n] = await signIn(proxied.base, n);
});
after(async () => {
  assert.equal(await srv.stop(), 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
  assert.equal(await proxied.stop(), 0, 'server exits cleanly:\n' + proxied.log().slice(-3000));
});

test('acceptance: five ratings of project 10 give n 5 and their distribution; a sixth is refused',
     async () => {
  const before = await satisfaction(srv, 10);
  assert.deepEqual([before.n, before.mean, before.distribution], [0, null, [0, 0, 0, 0, 0]]);
  for (const score of [5, 4, 4, 2, 5]) {
    const r = await rate(srv, { project: 10, score });
    assert.equal(r.status, 201, String(r.buf));
    assert.deepEqual(r.json, { status: 'accepted', project: 10, period: '2026', score,
                               source: 'open' });
  }
  const s = await satisfaction(srv, 10);
  assert.equal(s.n, 5);
  assert.deepEqual(s.distribution, [0, 1, 0, 2, 2]);
  assert.equal(s.mean, 4);
  assert.equal(s.period, '2026');
  assert.match(s.as_of, /^\d{4}-\d\d-\d\d$/);
  const sixth = await rate(srv, { project: 10, score: 1 });
  assert.equal(sixth.status, 429, String(sixth.buf));
  assert.equal(sixth.json.error.code, 'throttled');
  assert.match(sixth.json.error.message, /5 ratings of project 10 for 2026/);
  assert.equal((await satisfaction(srv, 10)).n, 5, 'only accepted ratings count');
  // another project from the same client is counted apart
  assert.equal((await rate(srv, { project: 3, score: 3 })).status, 201);
  assert.equal((await satisfaction(srv, 3)).n, 1);
});

test('bad input is refused, naming the field, and nothing is counted', async () => {
  const ip = freshIp();
  const cases = [[{ project: 10 }, 'score'], [{ project: 10, score: 6 }, 'score'],
                 [{ project: 10, score: 2.5 }, 'score'], [{ project: 10, score: '4' }, 'score'],
                 [{ score: 4 }, 'project'], [{ project: 10, score: 4, comment: 7 }, 'comment'],
                 [{ project: 10, score: 4, comment: '长'.repeat(501) }, 'comment'],
                 [{ project: 10, score: 4, period: '2025' }, 'period']];
  const n = (await satisfaction(proxied, 10)).n;
  for (const [body, field] of cases) {
    const r = await rate(proxied, body, { ip });
    assert.equal(r.status, 400, JSON.stringify(body) + ' ' + r.buf);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  // a project the body names that the plan does not have: 400 (web_err.h), naming it
  const none = await rate(proxied, { project: 99, score: 4 }, { ip });
  assert.deepEqual([none.status, none.json.error.field], [400, 'project']);
  assert.equal((await satisfaction(proxied, 10)).n, n);
  // a comment of exactly 500 characters is kept
  assert.equal((await rate(proxied, { project: 10, score: 4, comment: '长'.repeat(500) },
                           { ip })).status, 201);
  assert.equal((await getJson(proxied.base, '/api/v1/projects/99/satisfaction')).status, 404);
  // a past period may have had other projects: its counts are read (none here)
  const past = await satisfaction(proxied, 12, '?period=2025');
  assert.deepEqual([past.project, past.period, past.n, past.mean], [12, '2025', 0, null]);
  assert.equal((await getJson(proxied.base, '/api/v1/projects/129/satisfaction?period=2025')).status,
               404);
  assert.equal((await getJson(proxied.base, '/api/v1/projects/10/satisfaction?period=26')).status,
               400);
});

test('a bounded burst from one client: five counted, the rest 429, another client goes through',
     async () => {
  const a = freshIp(), b = freshIp();
  const n0 = (await satisfaction(proxied, 7)).n;
  const burst = Array.from({ length: 20 }, () => rate(proxied, { project: 7, score: 2 }, { ip: a }));
  const other = rate(proxied, { project: 7, score: 5 }, { ip: b });
  const got = await Promise.all(burst);
  assert.equal((await other).status, 201, 'the other client goes through');
  const codes = got.map((r) => r.status).sort();
  assert.deepEqual(codes, [...Array(5).fill(201), ...Array(15).fill(429)]);
  const s = await satisfaction(proxied, 7);
  assert.equal(s.n, n0 + 6);
  assert.equal(s.distribution[1], 5);
  // and after the burst, the other client's share is untouched by it
  assert.equal((await rate(proxied, { project: 7, score: 4 }, { ip: b })).status, 201);
});

test('the signed cookie: a browser that rated is refused; a forged or altered cookie is refused',
     async () => {
  const ip = freshIp();
  let r = await rate(proxied, { project: 2, score: 4 }, { ip });
  assert.equal(r.status, 201);
  const cookie = cookieOf(r);
  assert.match(cookie, /^ss_rated_2026=[0-9a-f]{32}\.[0-9a-f]{32}$/);
  assert.match(r.headers['set-cookie'].join(), /HttpOnly/);
  // the same browser (its cookie), from another address: 409, naming the project
  r = await rate(proxied, { project: 2, score: 1 }, { ip: freshIp(), headers: { Cookie: cookie } });
  assert.equal(r.status, 409, String(r.buf));
  assert.equal(r.json.error.field, 'project');
  // another project with it: accepted, and the new cookie lists both
  r = await rate(proxied, { project: 4, score: 3 }, { ip: freshIp(), headers: { Cookie: cookie } });
  assert.equal(r.status, 201);
  const both = cookieOf(r);
  for (const no of [2, 4])
    assert.equal((await rate(proxied, { project: no, score: 3 },
                             { ip: freshIp(), headers: { Cookie: both } })).status, 409, `${no}`);
  // altered: project 2's bit taken out of the map, the MAC kept
  const [name, value] = both.split('=');
  const [bits, mac] = value.split('.');
  // project n is bit (n - 1) % 8 of byte (n - 1) / 8, the bytes in order
  const cleared = (parseInt(bits.slice(0, 2), 16) & ~2).toString(16).padStart(2, '0') + bits.slice(2);
  assert.equal(bits.slice(0, 2), '0a', 'projects 2 and 4');
  const flip = (hex, i) => hex.slice(0, i) + ((parseInt(hex[i], 16) ^ 1).toString(16)) + hex.slice(i + 1);
  const n = (await satisfaction(proxied, 2)).n;
  for (const bad of [`${name}=${flip(bits, 0)}.${mac}`, `${name}=${cleared}.${mac}`,
                     `${name}=${bits}.${flip(mac, 31)}`, `${name}=${'0'.repeat(32)}.${'0'.repeat(32)}`,
                     `${name}=${bits.toUpperCase()}.${mac}`, `${name}=garbage`]) {
    r = await rate(proxied, { project: 2, score: 5 }, { ip: freshIp(), headers: { Cookie: bad } });
    assert.equal(r.status, 400, `${bad}: ${r.buf}`);
    assert.equal(r.json.error.field, 'cookie');
  }
  assert.equal((await satisfaction(proxied, 2)).n, n, 'nothing counted');
  // a cookie of another period does not count for this one (another name)
  r = await rate(proxied, { project: 5, score: 5 },
                 { ip: freshIp(), headers: { Cookie: `ss_rated_2025=${bits}.${mac}` } });
  assert.equal(r.status, 201);
});

test('the no-JS form: 303 back to the section, the cookie set; a refusal shows the form again',
     async () => {
  const ip = freshIp();
  const form = (body, headers = {}) => send(proxied.base, '/projects/6/rating', {
    method: 'POST', body: new URLSearchParams(body).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': ip,
               ...headers } });
  let r = await form({ score: '5', comment: HOSTILE });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/projects/6?rated=1#satisfaction');
  const cookie = cookieOf(r);
  assert.ok(cookie);
  r = await send(proxied.base, '/projects/6?rated=1', { headers: { Cookie: cookie } });
  const html = r.buf.toString('utf8');
  assert.match(html, /感谢您的评价，已经计入。/);
  assert.match(html, /本浏览器已经评价过这件实事（2026年度）。/, 'no form for a browser that rated');
  assert.ok(!html.includes('alert(1)') && !html.includes('HYPERLINK'), 'no comment on a public page');
  r = await form({ score: '4' }, { Cookie: cookie });
  assert.equal(r.status, 409);
  assert.match(r.buf.toString('utf8'), /role="alert"[^>]*>this browser rated project 6|本浏览器已评价过第6件实事/);
  r = await form({ score: '0', comment: HOSTILE }, {});
  assert.equal(r.status, 400);
  const again = r.buf.toString('utf8');
  assert.match(again, /<form class="stack" method="post" action="\/projects\/6\/rating">/);
  assert.ok(!again.includes('<script>alert(1)'), 'the comment shown again is escaped');
  assert.ok(again.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.equal((await send(proxied.base, '/projects/77/rating', { method: 'POST', body: 'score=3',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status, 404);
});

test('closed survey: codes work once, also when used at once; shown apart from the open rating',
     async () => {
  const codes = survey(proxied.db, 8, 12);
  assert.equal(codes.length, 12);
  assert.equal(new Set(codes).size, 12);
  for (const c of codes) assert.match(c, /^[0-9A-HJKMNP-TV-Z]{20}$/);
  // the database holds none of them
  for (const c of codes.slice(0, 3))
    assert.equal(sql(proxied.db, `SELECT count(*) FROM survey_code WHERE digest LIKE '%${c}%'`), '0');
  const open = await satisfaction(proxied, 8);
  let r = await rate(proxied, { code: codes[0], score: 4, comment: HOSTILE }, { ip: freshIp() });
  assert.equal(r.status, 201, String(r.buf));
  assert.deepEqual(r.json, { status: 'accepted', project: 8, period: '2026', score: 4,
                             source: 'deputies' });
  r = await rate(proxied, { code: codes[0], score: 1 }, { ip: freshIp() });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.field, 'code');
  // lower case and dashes read the same code; a code of another project is refused
  r = await rate(proxied, { code: codes[1].toLowerCase().replace(/(.{5})/g, '$1-'), score: 5 },
                 { ip: freshIp() });
  assert.equal(r.status, 201, String(r.buf));
  r = await rate(proxied, { code: codes[2], project: 3, score: 5 }, { ip: freshIp() });
  assert.equal(r.status, 400);
  r = await rate(proxied, { code: 'A'.repeat(20), score: 5 }, { ip: freshIp() });
  assert.deepEqual([r.status, r.json.error.field], [400, 'code'], 'a code no survey has');
  // eight uses of one code at once, from eight addresses: one counts
  const same = await Promise.all(Array.from({ length: 8 }, () =>
    rate(proxied, { code: codes[3], score: 2 }, { ip: freshIp() })));
  assert.deepEqual(same.map((x) => x.status).sort(), [201, ...Array(7).fill(409)]);
  const s = await satisfaction(proxied, 8);
  assert.deepEqual([s.n, s.distribution], [open.n, open.distribution], 'the open rating unchanged');
  assert.deepEqual(s.closed.deputies, { n: 3, mean: 3.67, distribution: [0, 1, 0, 1, 1],
                                        codes: 12, used: 3 });
  assert.deepEqual(s.closed.staff, { n: 0, mean: null, distribution: [0, 0, 0, 0, 0], codes: 0,
                                     used: 0 });
  assert.ok(!JSON.stringify(s).includes('alert'), 'no comment in the API');
  // the page: the form posts once, then says the code was used
  const page = await send(proxied.base, `/survey/${codes[4]}`);
  assert.equal(page.status, 200);
  assert.match(page.buf.toString('utf8'), new RegExp(`action="/survey/${codes[4]}"`));
  r = await send(proxied.base, `/survey/${codes[4]}`, { method: 'POST', body: 'score=5',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': freshIp() } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, `/survey/${codes[4]}?done=1`);
  assert.match((await send(proxied.base, r.headers.location)).buf.toString('utf8'),
               /感谢您的评价，已经计入。这个测评码已用过。/);
  assert.equal((await send(proxied.base, `/survey/${codes[4]}`, { method: 'POST', body: 'score=5',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status, 409);
  assert.equal((await send(proxied.base, '/survey/NOSUCHCODE')).status, 404);
  // the project page shows the deputies apart, with their sample
  const html = (await send(proxied.base, '/projects/8')).buf.toString('utf8');
  assert.match(html, /<h3 id="sat-deputies">人大代表测评<\/h3>/);
  assert.match(html, /共发放 12 个，已使用 4 个/);
  // the access log never holds a code (its lines come out within a quarter second)
  for (let i = 0; i < 100 && !/"POST \/survey\/-" 303/.test(proxied.log()); i++)
    await new Promise((res) => setTimeout(res, 50));
  assert.match(proxied.log(), /"POST \/survey\/-" 303/);
  assert.ok(!codes.some((c) => proxied.log().includes(c)), 'no code in the log');
});

test('unknown codes from one address are throttled; a working code is not held back', async () => {
  const ip = freshIp();
  const codes = survey(proxied.db, 9, 2, 'staff');
  for (let i = 0; i < 10; i++)
    assert.equal((await rate(proxied, { code: 'B'.repeat(20), score: 3 }, { ip })).status, 400);
  const r = await rate(proxied, { code: codes[0], score: 3 }, { ip });
  assert.equal(r.status, 429, 'the address is throttled after 10 misses');
  assert.equal((await rate(proxied, { code: codes[0], score: 3 }, { ip: freshIp() })).status, 201);
  // successes do not count: 12 good codes from one address would all pass
  const more = survey(proxied.db, 9, 11, 'staff');
  const ip2 = freshIp();
  for (const c of more) assert.equal((await rate(proxied, { code: c, score: 4 }, { ip: ip2 })).status, 201);
});

test('hostile comments are stored as written and inert in the console', async () => {
  await rate(proxied, { project: 1, score: 1, comment: HOSTILE }, { ip: freshIp() });
  const r = await as.admin.get('/console/ratings?project=1');
  assert.equal(r.status, 200);
  const html = r.buf.toString('utf8');
  assert.ok(!html.includes('<script>alert(1)') && !html.includes('<img src=x'), 'escaped');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;'));
  assert.ok(Number(sql(proxied.db, "SELECT count(*) FROM rating WHERE comment LIKE "
                       + "'%<script>alert(1)%'")) >= 1, 'stored as written');
  for (const p of ['/projects/1', '/api/v1/projects/1/satisfaction', '/about/method', '/'])
    assert.ok(!(await send(proxied.base, p)).buf.toString('utf8').includes('alert(1)'), p);
  const v = spawnSync(SHISHI, ['audit', 'verify', '--db', proxied.db], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test('three languages: the section, the refusals and the method page', async () => {
  const ip = freshIp();
  await rate(proxied, { project: 10, score: 5 }, { ip });
  const want = { zh: ['满意度测评', '很满意', '清除 Cookie 并更换网络的人可以再次评价'],
                 en: ['Satisfaction', 'Very satisfied', 'clears the cookie and changes network can rate again'],
                 ug: ['رازىمەنلىك باھالاش', 'ناھايىتى رازى', 'Cookie نى تازىلاپ'] };
  for (const [lang, words] of Object.entries(want)) {
    for (const p of [`/projects/10?lang=${lang}`, `/about/method?lang=${lang}`]) {
      const html = (await send(proxied.base, p)).buf.toString('utf8');
      for (const w of words.slice(p.startsWith('/about') ? 2 : 0))
        assert.ok(html.includes(w), `${p}: ${w}`);
    }
  }
  const msg = {};
  for (const lang of ['en', 'zh', 'ug']) {
    const r = await rate(proxied, { project: 10, score: 9 }, { ip, lang });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.field, 'score');
    msg[lang] = r.json.error.message;
  }
  assert.equal(msg.en, 'score must be a whole number from 1 (very dissatisfied) to 5 (very satisfied)');
  assert.equal(msg.zh, '评分必须是 1（很不满意）至 5（很满意）的整数');
  assert.match(msg.ug, /ناھايىتى نارازى/);
  for (let i = 0; i < 5; i++) await rate(proxied, { project: 10, score: 3 }, { ip });
  const t = await rate(proxied, { project: 10, score: 3 }, { ip, lang: 'zh' });
  assert.equal(t.status, 429);
  assert.equal(t.json.error.message,
               '第10件实事2026年度已有5份评价来自这个网络地址，这是一个地址最多可计入的份数：再评价不再计入');
});

// ---- the authorization matrix -------------------------------------------------

const ROLES = ['anonymous', 'admin', 'sup', 'sup1', 'reviewer', 'reporter', 'viewer'];
const get = (role, p) => role === 'anonymous' ? send(proxied.base, p) : as[role].get(p);
let project = 0;
const ENDPOINTS = {
  // anyone may rate, signed in or not, with no CSRF token: there is no session to ride
  'POST /api/v1/ratings': {
    call: (role) => rate(proxied, { project: (project++ % 10) + 1, score: 4 },
                         { ip: freshIp(), headers: role === 'anonymous' ? {} : { Cookie: as[role].cookie } }),
    allow: ROLES,
  },
  'POST /api/v1/ratings (a code)': {
    call: async (role) => rate(proxied, { code: survey(proxied.db, 5, 1)[0], score: 4 },
                               { ip: freshIp(), headers: role === 'anonymous' ? {} : { Cookie: as[role].cookie } }),
    allow: ROLES,
  },
  'GET /api/v1/projects/{no}/satisfaction': {
    call: (role) => get(role, '/api/v1/projects/10/satisfaction'), allow: ROLES,
  },
  'POST /projects/{no}/rating': {
    call: (role) => send(proxied.base, '/projects/9/rating', { method: 'POST', body: 'score=3',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': freshIp(),
                 ...(role === 'anonymous' ? {} : { Cookie: as[role].cookie }) } }),
    allow: ROLES,
  },
  'GET /survey/{code}': {
    call: (role) => get(role, `/survey/${survey(proxied.db, 5, 1)[0]}`), allow: ROLES,
  },
  // results with comments: an admin, or a supervisor of the issuing government
  'GET /console/ratings': {
    call: (role) => get(role, '/console/ratings'), allow: ['admin', 'sup'],
  },
};

test('authorization matrix: exactly the allowed cells succeed', async () => {
  const wrong = [];
  for (const [name, ep] of Object.entries(ENDPOINTS)) {
    for (const role of ROLES) {
      const r = await ep.call(role);
      const ok = r.status >= 200 && r.status < 300 || (r.status === 303 && name.startsWith('POST'));
      const want = ep.allow.includes(role);
      const refusal = role === 'anonymous' && name.startsWith('GET /console')
        ? r.status === 303 && r.headers.location === '/login' : r.status === 403;
      if (ok !== want || (!want && !refusal))
        wrong.push(`${name} as ${role}: ${r.status} ${String(r.buf).slice(0, 200)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the console lists each project with its open and closed results', async () => {
  const html = (await as.sup.get('/console/ratings')).buf.toString('utf8');
  assert.match(html, /<caption id="cap-ratings">各件实事的满意度<\/caption>/);
  assert.match(html, /href="\/console\/ratings\?project=8"/);
  assert.match((await as.sup.get('/console')).buf.toString('utf8'), /href="\/console\/ratings"/);
  assert.doesNotMatch((await as.reporter.get('/console')).buf.toString('utf8'),
                      /href="\/console\/ratings"/);
});
