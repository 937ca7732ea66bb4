// cache.test.mjs - the cached responses (/ per language, chosen by cookie or
// Accept-Language, and text size; /api/v1/plan) cannot be poisoned: after a write, whatever the first
// request carries (query parameters, cookies, headers), the page cached for
// everyone is the canonical one. Each cached variant is checked the same
// way: a write changes the figures, a poisoning request comes first, then
// the plain request must have none of its bytes and be the same page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, shishi } from './server.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly on SIGTERM:\n' + srv.log().slice(-3000));
});

const MARK = 'zqpoison';
// query parameters some page reads (org, date, q, period, saved, as, done)
// and one nobody reads; values that would show up in links or forms
const POISON = `q=${MARK}q&org=650102&date=2026-03-31&period=2026-02&saved=1&as=${MARK}a` +
               `&done=${MARK}d&utm_source=${MARK}u`;
const HEADERS = {
  Cookie: `ss_session=${'ab'.repeat(32)}; ${MARK}=${MARK}c`,
  'Accept-Language': `${MARK}, x-${MARK};q=0.9`, // no language of ours: it selects nothing
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-For': '203.0.113.7',
  Referer: `http://127.0.0.1/${MARK}r`,
};

// the cached variants: the path the plain client asks for, the cookies or
// Accept-Language that select the variant, the query parameters a poisoner
// uses to select it, and the page's language
const VARIANTS = [
  { path: '/', cookie: '', select: '', lang: 'zh-CN' },
  { path: '/', cookie: 'lang=en', select: 'lang=en&', lang: 'en' },
  { path: '/', cookie: 'care=1', select: 'care=1&', lang: 'zh-CN' },
  { path: '/', cookie: 'lang=en; care=1', select: 'lang=en&care=1&', lang: 'en' },
  { path: '/', cookie: 'lang=ug', select: 'lang=ug&', lang: 'ug' },
  { path: '/', cookie: 'lang=ug; care=1', select: 'lang=ug&care=1&', lang: 'ug' },
  { path: '/', accept: 'ug-CN, zh;q=0.5', select: 'lang=ug&', lang: 'ug' },
  { path: '/', accept: 'en-GB', cookie: 'care=1', select: 'lang=en&care=1&', lang: 'en' },
  { path: '/api/v1/plan', cookie: '', select: '' },
];

let day = 1;
function write() { // an approved report: the figures change, every cached slot is stale
  const date = `2026-01-${String(day).padStart(2, '0')}`;
  shishi('report', 'add', '--db', srv.db, '--target', '1', '--org', '6501', '--date', date,
         '--value', String(1000 + day));
  day++;
}

for (const v of VARIANTS) {
  const name = `${v.path} ${v.cookie || '(no cookie)'}${v.accept ? ' Accept-Language: ' + v.accept : ''}`;
  for (const method of ['GET', 'HEAD']) {
    test(`${name}: a ${method} with a poisoning query after a write does not become the cache`,
         async () => {
      write();
      const headers = { ...HEADERS };
      if (v.cookie) headers.Cookie += '; ' + v.cookie;
      const poisoned = await request(srv.base, `${v.path}?${v.select}${POISON}`,
                                     { method, headers });
      assert.equal(poisoned.status, 200);
      const own = {};
      if (v.cookie) own.Cookie = v.cookie;
      if (v.accept) own['Accept-Language'] = v.accept;
      const plain = await request(srv.base, v.path, { headers: own });
      assert.equal(plain.status, 200);
      const body = plain.body.toString('utf8');
      assert.ok(!body.includes(MARK), `${name} carries the poisoner's bytes:\n` +
                body.split('\n').filter((l) => l.includes(MARK)).join('\n').slice(0, 600));
      for (const s of ['org=650102', 'date=2026-03-31', 'period=2026-02', 'saved=1'])
        assert.ok(!body.includes(s), `${name} has ${s} from the poisoning request`);
      // the cached page ignores what it is not keyed by: the poisoner got it too
      if (method === 'GET') {
        assert.equal(poisoned.headers.etag, plain.headers.etag, `${name}: one page for both`);
        assert.equal(poisoned.body.toString('utf8'), body);
      }
      // and the variant is the one asked for
      if (v.path === '/') {
        assert.match(body, new RegExp(`<html lang="${v.lang}" dir="${v.lang === 'ug' ? 'rtl' : 'ltr'}"`));
        assert.equal(/<html[^>]* class="care"/.test(body), (v.cookie || '').includes('care=1'));
      } else {
        assert.equal(JSON.parse(body).targets.length, 51);
      }
    });
  }
}

test('the page a poisoner asked for still sets the language it chose', async () => {
  write();
  const r = await request(srv.base, `/?lang=en&${POISON}`);
  assert.match(String(r.headers['set-cookie']), /lang=en/);
  assert.match(r.body.toString('utf8'), /<html lang="en"/);
  assert.ok(!r.body.toString('utf8').includes(MARK));
});

test('every language and text size has a slot of its own: each is the page asked for', async () => {
  write();
  const seen = new Map();
  for (const lang of ['zh', 'en', 'ug'])
    for (const care of ['0', '1']) {
      const r = await request(srv.base, '/', { headers: { Cookie: `lang=${lang}; care=${care}` } });
      const body = r.body.toString('utf8');
      assert.match(body, new RegExp(`<html lang="${lang === 'zh' ? 'zh-CN' : lang}"`), `${lang} ${care}`);
      assert.equal(/class="care"/.test(body), care === '1', `${lang} ${care}`);
      seen.set(r.headers.etag, `${lang} ${care}`);
    }
  assert.equal(seen.size, 6, 'six pages, six ETags');
  // the plan's JSON is one for all, whatever the language
  const a = await request(srv.base, '/api/v1/plan', { headers: { 'Accept-Language': 'ug' } });
  const b = await request(srv.base, '/api/v1/plan');
  assert.equal(a.headers.etag, b.headers.etag);
});

test('pages that are not cached still keep their query in their links', async () => {
  const r = await request(srv.base, '/targets/1?org=6501');
  assert.match(r.body.toString('utf8'), /href="\/targets\/1\?org=6501&amp;lang=en"/);
});
