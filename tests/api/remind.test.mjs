// remind.test.mjs - the messages of single events that are not a notice's
// own (core/remind.h), and an answer's files, on a running server, on both
// backends: a report a reviewer returns is queued to the account that
// handed it in, once per return, with the comment; an answered notice to
// the supervisors whose scope holds the unit, not to others; an answer's
// files are listed in GET /api/v1/notices/{id} and `notice show`, linked
// from the console page and downloaded by those who see the notice only
// (another unit's clerk: 404, as for no file; no session: refused), never
// on the public target page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, shishi, sql, SHISHI } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-07-10';
process.env.SHISHI_PWHASH_FAST = '1';
let srv;
const as = {};
const id = {};
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

before(async () => {
  srv = await startServer();
  shishi('assign', '--db', srv.db, '--target', '47', '--org', '6501', '--value', '500');
  shishi('assign', '--db', srv.db, '--target', '47', '--org', '650102', '--value', '100');
  for (const [n, role, org] of [['reporter', 'reporter', '650102'], ['reviewer', 'reviewer', '6501'],
                                ['sup', 'supervisor', '65'], ['sup1', 'supervisor', '6501'],
                                ['sup2', 'supervisor', '6502'], ['other', 'reporter', '650202']]) {
    userAdd(srv.db, n, role, org);
    shishi('user', 'set-email', n, `${n}@example.org`, '--db', srv.db);
    id[n] = Number(sql(srv.db, `SELECT id FROM account WHERE name = '${n}'`));
    as[n] = await signIn(srv.base, n);
  }
});
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

// The outbox's rows of event keys like `pattern`: [{key, account, text}].
function rows(pattern) {
  const q = `SELECT event_key || '|' || coalesce(account_id, 0) || '|' || replace(text, '\n', ' ')
             FROM outbox WHERE event_key LIKE '${pattern}' ORDER BY id`;
  const out = srv.db.startsWith('postgresql:')
    ? spawnSync('psql', ['-X', '-q', '-A', '-t', srv.db, '-c', q], { encoding: 'utf8' }).stdout
    : spawnSync('sqlite3', [srv.db, q], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map((l) => {
    const [key, account, ...text] = l.split('|');
    return { key, account: Number(account), text: text.join('|') };
  });
}

test('a returned report is a message to its reporter, once per return', async () => {
  let r = await as.reporter.post('/api/v1/reports',
                                 { target: 47, org: '650102', date: '2026-06-30', value: 5 });
  assert.equal(r.status, 201, String(r.buf));
  const rep = r.json.id;
  r = await as.reviewer.post(`/api/v1/reports/${rep}/return`, { comment: '请附施工照片' });
  assert.equal(r.status, 200, String(r.buf));
  let m = rows(`report:${rep}:returned:%`);
  assert.deepEqual(m.map((x) => [x.key, x.account]), [[`report:${rep}:returned:1`, id.reporter]]);
  assert.match(m[0].text, /请附施工照片/, 'the comment');
  assert.match(m[0].text, /指标 47/, 'the target');
  assert.match(m[0].text, /2026-06-30/, 'the date');
  r = await as.reporter.post(`/api/v1/reports/${rep}/submit`);
  assert.equal(r.status, 200, String(r.buf));
  r = await as.reviewer.post(`/api/v1/reports/${rep}/return`, { comment: '照片不清楚' });
  assert.equal(r.status, 200, String(r.buf));
  m = rows(`report:${rep}:returned:%`);
  assert.deepEqual(m.map((x) => x.key), [`report:${rep}:returned:1`, `report:${rep}:returned:2`],
                   'the second return is its own event');
  assert.match(m[1].text, /照片不清楚/);
  r = await as.reviewer.post(`/api/v1/reports/${rep}/return`, { comment: '再退一次' });
  assert.equal(r.status, 409, 'a returned report is not returned again');
  assert.equal(rows(`report:${rep}:returned:%`).length, 2, 'a refused return queues nothing');
});

let notice;
test('an answered notice is a message to the supervisors of its scope', async () => {
  let r = await as.sup1.post('/api/v1/notices', { target: 47, org: '650102', text: '请说明进度' });
  assert.equal(r.status, 201, String(r.buf));
  notice = r.json.id;
  r = await as.reporter.post(`/api/v1/notices/${notice}/answer`,
                             { text: '已增派施工队伍', measures: '分段施工' });
  assert.equal(r.status, 200, String(r.buf));
  const m = rows(`notice:${notice}:%:answered`);
  const to = new Set(m.map((x) => x.account));
  assert.ok(to.has(id.sup) && to.has(id.sup1), `the region's and the prefecture's supervisors: ${[...to]}`);
  assert.ok(!to.has(id.sup2), "not another prefecture's supervisor");
  assert.ok(m.every((x) => /已增派施工队伍/.test(x.text)), 'the answer is in the message');
});

test("an answer's files: listed, linked, downloaded within scope only", async () => {
  let r = await as.sup1.post('/api/v1/notices', { target: 48, org: '650102', text: '请说明' });
  assert.equal(r.status, 201, String(r.buf));
  const n = r.json.id;
  assert.deepEqual(r.json.evidence, [], 'none yet');
  r = await as.reporter.upload(`/api/v1/notices/${n}/evidence`, 'file', '整改照片.pdf',
                               'application/pdf', PDF);
  assert.equal(r.status, 201, String(r.buf));
  r = await as.reporter.get(`/api/v1/notices/${n}`);
  assert.equal(r.status, 200);
  const [f] = r.json.evidence;
  assert.equal(r.json.evidence.length, 1);
  assert.equal(f.name, '整改照片.pdf');
  assert.equal(f.mime, 'application/pdf');
  assert.equal(f.size, PDF.length);
  assert.match(f.sha256, /^[0-9a-f]{64}$/);
  assert.equal(f.href, `/console/notices/${n}/evidence?file=${f.id}`);

  for (const u of ['reporter', 'sup', 'sup1']) {
    r = await as[u].get(f.href);
    assert.equal(r.status, 200, `${u}: ${r.buf}`);
    assert.equal(r.headers['content-type'], 'application/pdf');
    assert.ok(r.buf.equals(PDF), `${u} gets the bytes`);
    assert.match(r.headers['content-disposition'], /^attachment; filename="evidence-\d+\.pdf"; filename\*=UTF-8''%E6/);
  }
  for (const u of ['other', 'sup2']) {
    r = await as[u].get(f.href);
    assert.equal(r.status, 404, `${u} outside the scope: as for no file`);
    assert.ok(!r.buf.equals(PDF));
  }
  r = await send(srv.base, f.href);
  assert.ok(r.status === 401 || r.status === 303, `no session: ${r.status}`);
  assert.ok(!r.buf.includes('%PDF'));
  assert.equal((await as.reporter.get(`/console/notices/${n}/evidence?file=${f.id + 999}`)).status, 404);
  r = await as.reporter.get(`/console/notices/${n}/evidence`);
  assert.equal(r.status, 400, 'no file named: bad input');

  r = await as.reporter.get(`/console/notices/${n}`);
  assert.ok(r.buf.toString('utf8').includes(`href="/console/notices/${n}/evidence?file=${f.id}"`),
            'the console page links the file');
  assert.ok(r.buf.toString('utf8').includes('整改照片.pdf'));
  const pub = (await send(srv.base, '/targets/48?org=650102')).buf.toString('utf8');
  assert.ok(!pub.includes('/evidence?file='), 'the public page links no file');
  const list = (await as.reporter.get('/api/v1/notices')).json.notices.find((x) => x.id === n);
  assert.equal(list.evidence, undefined, 'the list carries no files');

  const show = spawnSync(SHISHI, ['notice', 'show', String(n), '--db', srv.db], { encoding: 'utf8' });
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`evidence ${f.id}: 整改照片.pdf \\(application/pdf, ${PDF.length} bytes`));
  const js = JSON.parse(spawnSync(SHISHI, ['notice', 'show', String(n), '--json', '--db', srv.db],
                                  { encoding: 'utf8' }).stdout);
  assert.equal(js.evidence[0].sha256, f.sha256);
});

test("the plan's score weights: /about/method shows them, the ranking and its workbook use them",
     async () => {
  let r = spawnSync(SHISHI, ['score', 'weights', '--set', 'progress=20,on_time=30,notices=40,returned=10',
                             '--db', srv.db], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const html = (await send(srv.base, '/about/method')).buf.toString('utf8');
  assert.match(html, /进度得分×20 \+ 按时率×30 \+ 督办按时办复率×40 \+ 未被退回率×10/);
  r = await as.sup.get('/console/score?org=6501&period=2026-06');
  assert.equal(r.status, 200, String(r.buf).slice(0, 500));
  assert.match(r.buf.toString('utf8'), /进度×20 \+ 按时填报×30 \+ 督办按时办复×40 \+ 未被退回×10/,
               'the weights on the ranking page');
  const cli = JSON.parse(spawnSync(SHISHI, ['score', '--org', '6501', '--period', '2026-06', '--json',
                                            '--db', srv.db], { encoding: 'utf8' }).stdout);
  assert.deepEqual(cli.weights, { progress: 20, on_time: 30, notices: 40, returned: 10 });
  r = await as.sup.get('/console/score.xlsx?org=6501&period=2026-06');
  assert.equal(r.status, 200);
  assert.equal(r.buf.subarray(0, 2).toString(), 'PK', 'the workbook');
  r = spawnSync(SHISHI, ['score', 'weights', '--set', 'progress=50', '--db', srv.db], { encoding: 'utf8' });
  assert.equal(r.status, 1, 'a sum of 130 is refused');
  assert.match(r.stderr, /sum to 130/);
  assert.match((await send(srv.base, '/about/method')).buf.toString('utf8'), /进度得分×20 /, 'unchanged');
});
