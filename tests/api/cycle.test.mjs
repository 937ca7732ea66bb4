// cycle.test.mjs - the yearly cycle through the API on a running server
// (issue 15): proposals inside and outside their window, the sealed
// contact, the form's honeypot, triage and its merge rule, the deputies'
// secret ballot (a double vote refused, 50 deputies at once all counted,
// one deputy on two connections at once counted once, nothing that links
// a ballot to its deputy in the schema, the audit log or the server's
// log), receipts, the result before and after the window closes, and the
// authorization matrix of the new endpoints x role x scope + anonymous.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, SHISHI, sql, BACKEND } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-11-10';
process.env.SHISHI_PWHASH_FAST = '1';
const Y = 2027;
let srv, as = {};
const deputies = [];

function cli(...args) {
  const r = spawnSync(SHISHI, [...args, '--db', srv.db], { encoding: 'utf8' });
  assert.equal(r.status, 0, `shishi ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const json = (obj) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' },
                         body: JSON.stringify(obj) });
const propose = (obj) => send(srv.base, '/api/v1/proposals', json(obj));
let seq = 0;
// the throttle (tested on its own below) would stop a test's many proposals
const unthrottle = () => sql(srv.db, "DELETE FROM throttle_hit WHERE scope = 'proposal.ip'");
async function newProposal(extra = {}) {
  if (seq % 20 === 0) unthrottle();
  const r = await propose({ title: `建议${++seq}`, text: `新建社区食堂${seq}个`, org: '650102',
                            ...extra });
  assert.equal(r.status, 201, String(r.buf));
  return r.json.id;
}
const proposals = async () => (await send(srv.base, `/api/v1/proposals?year=${Y}`)).json.proposals;

before(async () => {
  srv = await startServer();
  for (const [n, role, org] of [['admin', 'admin', '65'], ['sup', 'supervisor', '65'],
                                ['sup1', 'supervisor', '6501'], ['reviewer', 'reviewer', '6501'],
                                ['reporter', 'reporter', '650102'], ['viewer', 'viewer', '65'],
                                ['dep1', 'deputy', '6501']])
    userAdd(srv.db, n, role, org);
  for (let i = 0; i < 50; i++) userAdd(srv.db, `d${i}`, 'deputy', '65');
  for (const n of ['admin', 'sup', 'sup1', 'reviewer', 'reporter', 'viewer', 'dep1'])
    as[n] = await signIn(srv.base, n);
  for (let i = 0; i < 50; i++) deputies.push(await signIn(srv.base, `d${i}`));
});
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

test('a proposal outside any window is 403 naming the window; inside it is taken', async () => {
  let r = await propose({ title: '早了', text: '新建公园', org: '650102' });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.field, 'window');
  cli('cycle', 'open', '--year', String(Y), '--from', '2026-11-20', '--to', '2026-11-30');
  r = await propose({ title: '早了', text: '新建公园', org: '650102' });
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /2026-11-20/, 'the message names the window');
  cli('cycle', 'open', '--year', String(Y), '--from', '2026-11-01', '--to', '2026-11-10');
  r = await propose({ title: '社区食堂', text: '每个社区建一个老年食堂', org: '650102',
                      where: '天山区', for_whom: '老年人', contact: '13800138000' });
  assert.equal(r.status, 201, String(r.buf));
  assert.equal(r.json.year, Y);
  const id = r.json.id;
  const stored = sql(srv.db, `SELECT contact FROM proposal WHERE id = ${id}`);
  assert.match(stored, /^v1:/, 'the contact is sealed');
  assert.ok(!stored.includes('13800138000'));
  const list = await send(srv.base, `/api/v1/proposals?year=${Y}`);
  assert.equal(list.status, 200);
  assert.ok(!list.buf.toString().includes('13800138000'), 'the contact is never shown');
  const p = list.json.proposals.find((x) => x.id === id);
  assert.equal(p.status, 'new');
  assert.equal(p.where, '天山区');
  const audit = sql(srv.db, `SELECT count(*) FROM audit_log WHERE row_json LIKE '%13800138000%'`);
  assert.equal(audit, '0');
});

test('bad proposals are 400 naming the field, and store nothing', async () => {
  const before = sql(srv.db, 'SELECT count(*) FROM proposal');
  for (const [body, field] of [[{ text: 'x', org: '650102' }, 'title'],
                               [{ title: 'x', org: '650102' }, 'text'],
                               [{ title: 'x', text: 'y', org: '99' }, 'org'],
                               [{ title: 'x'.repeat(201), text: 'y', org: '65' }, 'title'],
                               [{ title: 'x', text: 'y'.repeat(4001), org: '65' }, 'text'],
                               [{ title: 'x', text: 'y', org: '65', contact: 'z'.repeat(201) },
                                'contact'],
                               [{ title: 7, text: 'y', org: '65' }, 'title']]) {
    const r = await propose(body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, field);
  }
  assert.equal(sql(srv.db, 'SELECT count(*) FROM proposal'), before);
});

test('the no-script form: taken with a redirect, a honeypot post stores nothing', async () => {
  const form = (o) => send(srv.base, '/proposals', {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(o).toString() });
  const before = Number(sql(srv.db, 'SELECT count(*) FROM proposal'));
  let r = await form({ title: '路灯', text: '修好小区路灯', org: '650102', website: 'http://x' });
  assert.equal(r.status, 303);
  assert.equal(Number(sql(srv.db, 'SELECT count(*) FROM proposal')), before);
  r = await form({ title: '路灯', text: '修好小区路灯', org: '650102', website: '' });
  assert.equal(r.status, 303);
  assert.match(r.headers.location, /^\/proposals\?sent=\d+$/);
  assert.equal(Number(sql(srv.db, 'SELECT count(*) FROM proposal')), before + 1);
  r = await form({ title: '', text: '修好小区路灯', org: '650102' });
  assert.equal(r.status, 400);
  assert.match(r.buf.toString(), /修好小区路灯/, 'the form comes back with what was typed');
  const page = await send(srv.base, '/proposals');
  assert.equal(page.status, 200);
  assert.match(page.buf.toString(), /路灯/);
});

test('merge resolves to the root, refuses itself and declined ones; outcomes are public',
     async () => {
  const [a, b, c, d] = [await newProposal(), await newProposal(), await newProposal(),
                        await newProposal()];
  let r = await as.admin.post(`/api/v1/proposals/${a}/merge`, { into: b });
  assert.equal(r.status, 200, String(r.buf));
  assert.equal(r.json.merged_into, b);
  r = await as.admin.post(`/api/v1/proposals/${c}/merge`, { into: a });
  assert.equal(r.status, 200);
  assert.equal(r.json.merged_into, b, 'merging into a merged one joins its own');
  r = await as.admin.post(`/api/v1/proposals/${b}/merge`, { into: a });
  assert.equal(r.status, 400, 'b into a is b into itself');
  r = await as.admin.post(`/api/v1/proposals/${d}/decline`, { reason: '不属于政府职责' });
  assert.equal(r.status, 200);
  r = await as.admin.post(`/api/v1/proposals/${b}/merge`, { into: d });
  assert.equal(r.status, 409, 'not into a declined one');
  r = await as.admin.post(`/api/v1/proposals/${d}/decline`, { reason: '再次' });
  assert.equal(r.status, 409, 'decided once');
  r = await as.admin.post(`/api/v1/proposals/${b}/decline`, {});
  assert.equal(r.status, 400);
  const list = await proposals();
  const by = Object.fromEntries(list.map((p) => [p.id, p]));
  assert.equal(by[a].status, 'merged');
  assert.equal(by[a].merged_into, b);
  assert.equal(by[c].merged_into, b);
  assert.equal(by[d].status, 'declined');
  assert.equal(by[d].reason, '不属于政府职责');
});

// ---- the authorization matrix ----------------------------------------------------
// role -> may triage (admin, supervisor of 65) / may vote (deputies of 65)
const TRIAGE = new Set(['admin', 'sup']);
const ROLES = ['admin', 'sup', 'sup1', 'reviewer', 'reporter', 'viewer', 'dep1', 'd0', 'anon'];
const client = (who) => (who === 'anon' ? null : who === 'd0' ? deputies[0] : as[who]);

test('authorization matrix: triage x role x scope + anonymous', async () => {
  for (const ep of ['promote', 'merge', 'decline']) {
    for (const who of ROLES) {
      const id = await newProposal();
      const into = ep === 'merge' ? await newProposal() : 0;
      const body = ep === 'promote' ? { cost: 1000, department: '民政厅', note: '可行' }
        : ep === 'merge' ? { into } : { reason: '重复' };
      const c = client(who);
      const r = c ? await c.post(`/api/v1/proposals/${id}/${ep}`, body)
        : await send(srv.base, `/api/v1/proposals/${id}/${ep}`, json(body));
      const want = who === 'anon' ? 401 : TRIAGE.has(who) ? (ep === 'promote' ? 201 : 200) : 403;
      assert.equal(r.status, want, `${ep} by ${who}: ${r.buf}`);
      const p = (await proposals()).find((x) => x.id === id);
      assert.equal(p.status, TRIAGE.has(who) ? { promote: 'promoted', merge: 'merged',
                                                 decline: 'declined' }[ep] : 'new',
                   `${ep} by ${who} changed exactly what it may`);
    }
  }
  // CSRF: a signed-in admin without the token
  const id = await newProposal();
  const r = await as.admin.post(`/api/v1/proposals/${id}/decline`, { reason: 'x' }, { csrf: false });
  assert.equal(r.status, 403);
});

let candidates;
test('promote: 201 with the candidate; until the vote begins', async () => {
  candidates = [];
  for (let i = 0; i < 12; i++) {
    const id = await newProposal({ title: `候选${i}`, text: `新建社区食堂${i + 1}00个` });
    const r = await as.sup.post(`/api/v1/proposals/${id}/promote`,
                                { cost: 1e6 * (i + 1), department: '民政厅', note: '论证可行' });
    assert.equal(r.status, 201, String(r.buf));
    assert.ok(r.json.candidate > 0);
    candidates.push(r.json.candidate);
  }
  const r = await as.admin.post(`/api/v1/proposals/${await newProposal()}/promote`,
                                { cost: -1, department: '民政厅' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'cost');
});

test('the throttle: proposals from one address beyond the hour\'s allowance are 429', async () => {
  unthrottle();
  let r;
  for (let i = 0; i < 200; i++) {
    r = await propose({ title: 't', text: 'x', org: '65' });
    if (r.status !== 201) break;
  }
  assert.equal(r.status, 429, String(r.buf));
  unthrottle();
});

let receipts = [];
test('ballots: outside the window 403; then 50 deputies at once are all counted', async () => {
  const spare = await newProposal();
  // the candidates are all there: move the windows so that today votes
  cli('cycle', 'open', '--year', String(Y), '--from', '2026-11-01', '--to', '2026-11-05');
  let r = await deputies[0].post(`/api/v1/cycles/${Y}/ballots`, { choices: [candidates[0]] });
  assert.equal(r.status, 403, 'no vote is set');
  cli('cycle', 'vote', '--year', String(Y), '--from', '2026-11-11', '--to', '2026-11-20',
      '--seats', '10');
  r = await deputies[0].post(`/api/v1/cycles/${Y}/ballots`, { choices: [candidates[0]] });
  assert.equal(r.status, 403, 'not open yet');
  assert.equal(r.json.error.field, 'window');
  cli('cycle', 'vote', '--year', String(Y), '--from', '2026-11-06', '--to', '2026-11-20',
      '--seats', '10');
  r = await as.admin.post(`/api/v1/proposals/${spare}/promote`, { cost: 1, department: '民政厅' });
  assert.equal(r.status, 409, 'the candidates are fixed once the vote has begun');
  r = await propose({ title: 't', text: 'x', org: '65' });
  assert.equal(r.status, 403, 'proposals are closed');
  // deputy i chooses candidates 0..(i % 10): candidate k gets 50 - 5k votes
  const all = await Promise.all(deputies.map((d, i) =>
    d.post(`/api/v1/cycles/${Y}/ballots`, { choices: candidates.slice(0, (i % 10) + 1) })));
  for (const x of all) assert.equal(x.status, 201, String(x.buf));
  receipts = all.map((x) => x.json.receipt);
  assert.equal(new Set(receipts).size, 50, 'every receipt differs');
  assert.equal(sql(srv.db, `SELECT count(*) FROM ballot WHERE year = ${Y}`), '50');
  assert.equal(sql(srv.db, `SELECT count(*) FROM cycle_voter WHERE year = ${Y}`), '50');
});

test('a second ballot is 409, and two at once from one deputy count once', async () => {
  let r = await deputies[0].post(`/api/v1/cycles/${Y}/ballots`, { choices: [candidates[1]] });
  assert.equal(r.status, 409);
  userAdd(srv.db, 'twice', 'deputy', '65');
  const s1 = await signIn(srv.base, 'twice'), s2 = await signIn(srv.base, 'twice');
  const both = await Promise.all([s1, s2, s1, s2].map((s) =>
    s.post(`/api/v1/cycles/${Y}/ballots`, { choices: [candidates[11]] })));
  assert.deepEqual(both.map((x) => x.status).sort(), [201, 409, 409, 409]);
  assert.equal(sql(srv.db, `SELECT count(*) FROM ballot WHERE year = ${Y}`), '51');
  assert.equal(sql(srv.db, `SELECT count(*) FROM cycle_voter WHERE year = ${Y}`), '51');
});

test('bad ballots are 400 or 403 and store nothing', async () => {
  userAdd(srv.db, 'late', 'deputy', '65');
  const late = await signIn(srv.base, 'late');
  const cases = [[{ choices: candidates.slice(0, 11) }, 400],
                 [{ choices: [candidates[0], candidates[0]] }, 400],
                 [{ choices: [999999] }, 400], [{ choices: [] }, 400], [{ choices: 'x' }, 400],
                 [{}, 400]];
  for (const [body, want] of cases) {
    const r = await late.post(`/api/v1/cycles/${Y}/ballots`, body);
    assert.equal(r.status, want, JSON.stringify(body) + String(r.buf));
  }
  for (const who of ROLES.filter((x) => x !== 'd0')) {
    const c = client(who);
    const r = c ? await c.post(`/api/v1/cycles/${Y}/ballots`, { choices: [candidates[0]] })
      : await send(srv.base, `/api/v1/cycles/${Y}/ballots`, json({ choices: [candidates[0]] }));
    assert.equal(r.status, who === 'anon' ? 401 : 403, `ballot by ${who}: ${r.buf}`);
  }
  assert.equal(sql(srv.db, `SELECT count(*) FROM ballot WHERE year = ${Y}`), '51');
  // the late deputy votes after all: 52 deputies, 52 ballots
  const r = await late.post(`/api/v1/cycles/${Y}/ballots`, { choices: [candidates[11]] });
  assert.equal(r.status, 201);
});

test('a receipt finds its ballot (for anyone holding it); the log never holds it', async () => {
  const r = await send(srv.base, `/api/v1/cycles/${Y}/receipts/${receipts[3]}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.choices, candidates.slice(0, 4));
  const bad = await send(srv.base, `/api/v1/cycles/${Y}/receipts/${'0'.repeat(32)}`);
  assert.equal(bad.status, 404);
  const junk = await send(srv.base, `/api/v1/cycles/${Y}/receipts/xyz`);
  assert.equal(junk.status, 404);
  await new Promise((res) => setTimeout(res, 400)); // the access log flushes every 250 ms
  for (const x of receipts) assert.ok(!srv.log().includes(x), 'no receipt in the log');
  assert.match(srv.log(), /receipts\/-/);
});

test('the ballot page: a deputy chooses up to the seats on a form, gets the receipt once, ' +
     'checks it on the receipt page; a second ballot and other roles are refused', async () => {
  userAdd(srv.db, 'onpage', 'deputy', '65');
  const d = await signIn(srv.base, 'onpage');
  const count = () => Number(sql(srv.db, `SELECT count(*) FROM ballot WHERE year = ${Y}`));
  const form = (fields, { csrf = d.csrf } = {}) => {
    const q = new URLSearchParams({ year: String(Y), ...(csrf ? { csrf } : {}) });
    for (const c of fields) q.append('choice', String(c));
    return send(srv.base, '/console/ballot', {
      method: 'POST', body: q.toString(),
      headers: { Cookie: d.cookie, 'Content-Type': 'application/x-www-form-urlencoded' } });
  };
  let r = await d.get('/console/ballot');
  assert.equal(r.status, 200, String(r.buf));
  let h = r.buf.toString();
  assert.match(h, /<form method="post" action="\/console\/ballot">/);
  assert.equal((h.match(/type="checkbox" id="c\d+" name="choice"/g) || []).length,
               Number(sql(srv.db, `SELECT count(*) FROM candidate WHERE year = ${Y}`)));
  assert.match(h, /最多选 10 个/);
  assert.match(h, /候选0/);
  assert.match(h, /民政厅/, 'the lead department triage set');
  const before = count();
  r = await form(candidates.slice(0, 11));
  assert.equal(r.status, 400, 'more than the seats');
  assert.match(r.buf.toString(), /role="alert"/);
  r = await form([candidates[0]], { csrf: '' });
  assert.equal(r.status, 403, 'no CSRF token');
  r = await form([999999]);
  assert.equal(r.status, 400, 'not a candidate');
  assert.equal(count(), before, 'nothing stored by the refused ones');
  r = await form([candidates[10], candidates[11]]);
  assert.equal(r.status, 201, String(r.buf));
  assert.equal(r.headers['cache-control'], 'no-store');
  const code = /<code class="receipt">([0-9a-f]{32})<\/code>/.exec(r.buf.toString())[1];
  assert.equal(count(), before + 1);
  r = await send(srv.base, `/cycles/${Y}/receipt?code=${code}`);
  assert.equal(r.status, 200);
  h = r.buf.toString();
  assert.match(h, /这张选票已计入/);
  assert.match(h, /候选10</);
  assert.match(h, /候选11</);
  assert.doesNotMatch(h, /候选3</);
  r = await send(srv.base, `/cycles/${Y}/receipt?code=${'0'.repeat(32)}`);
  assert.equal(r.status, 404);
  r = await d.get('/console/ballot');
  h = r.buf.toString();
  assert.match(h, /您已投票/);
  assert.doesNotMatch(h, /name="choice"/, 'no second form');
  r = await form([candidates[1]]);
  assert.equal(r.status, 409, 'a second ballot');
  assert.equal(count(), before + 1);
  for (const who of ['reviewer', 'viewer', 'admin', 'dep1']) {
    r = await as[who].get('/console/ballot');
    assert.equal(r.status, 403, `${who} has no ballot here`);
  }
  r = await send(srv.base, '/console/ballot');
  assert.equal(r.status, 303, 'anonymous: to the sign-in');
  assert.match(r.headers.location, /^\/login/);
  await new Promise((res) => setTimeout(res, 400)); // the access log flushes every 250 ms
  assert.ok(!srv.log().includes(code), 'the receipt is in no log line');
});

test('the result is 403 until the vote closes; then counts, turnout, passes', async () => {
  let r = await send(srv.base, `/api/v1/cycles/${Y}/result`);
  assert.equal(r.status, 403);
  assert.equal(r.json.error.field, 'window');
  assert.match(r.json.error.message, /2026-11-20/);
  cli('cycle', 'vote', '--year', String(Y), '--from', '2026-11-06', '--to', '2026-11-09',
      '--seats', '10');
  r = await send(srv.base, `/api/v1/cycles/${Y}/result`);
  assert.equal(r.status, 200, String(r.buf));
  const res = r.json;
  assert.equal(res.deputies, 53); // d0..d49, twice, late, onpage (dep1 is 6501's)
  assert.equal(res.ballots, 53);
  assert.equal(res.voters, 53);
  assert.equal(res.turnout, 1);
  const votes = Object.fromEntries(res.candidates.map((c) => [c.id, c]));
  for (let k = 0; k < 10; k++) assert.equal(votes[candidates[k]].votes, 50 - 5 * k);
  assert.equal(votes[candidates[11]].votes, 3);
  assert.equal(votes[candidates[10]].votes, 1);
  // more than half of 53 deputies: 27 or more -> candidates 0..4 (50 45 40 35 30)
  assert.deepEqual(res.candidates.filter((c) => c.passed).map((c) => c.id),
                   candidates.slice(0, 5));
  assert.equal(res.ties, null);
  const sum = res.candidates.reduce((s, c) => s + c.votes, 0);
  // the ballots' choices add up to the votes
  assert.equal(sum, deputies.reduce((s, _, i) => s + (i % 10) + 1, 0) + 4);
  const page = await send(srv.base, `/cycles/${Y}/result`);
  assert.equal(page.status, 200);
});

test('secrecy: no column, audit entry or log line links a ballot to its deputy', async () => {
  const cols = BACKEND === 'pg'
    ? sql(srv.db, "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM " +
                  "information_schema.columns WHERE table_name = 'ballot'")
    : sql(srv.db, "SELECT group_concat(name, ',') FROM (SELECT name FROM " +
                  "pragma_table_info('ballot') ORDER BY name)");
  assert.equal(cols, 'choices,id,year', 'a ballot holds no voter and no time');
  if (BACKEND === 'sqlite')
    assert.match(sql(srv.db, "SELECT sql FROM sqlite_master WHERE name = 'ballot'"),
                 /WITHOUT ROWID/, 'no hidden row counter orders ballots');
  assert.equal(sql(srv.db, "SELECT count(*) FROM audit_log WHERE tbl = 'ballot'"), '0');
  assert.equal(sql(srv.db, "SELECT count(*) FROM audit_log WHERE tbl = 'cycle_voter'"), '53');
  const ids = sql(srv.db, `SELECT count(*) FROM audit_log a, ballot b WHERE a.row_json LIKE ` +
                          `'%' || b.id || '%'`);
  assert.equal(ids, '0', 'no ballot key in the audit log');
  const choices = sql(srv.db, `SELECT count(*) FROM audit_log WHERE row_json LIKE '%choices%'`);
  assert.equal(choices, '0');
  // the seal: rewritten in key order, count and digest in the audited cycle row
  const out = cli('cycle', 'seal', '--year', String(Y));
  assert.match(out, /53 ballots sealed/);
  assert.equal(sql(srv.db, `SELECT sealed_ballots FROM cycle WHERE year = ${Y}`), '53');
  assert.match(sql(srv.db, `SELECT row_json FROM audit_log WHERE tbl = 'cycle' ORDER BY id DESC ` +
                           `LIMIT 1`), /sealed_digest/);
  const r = await send(srv.base, `/api/v1/cycles/${Y}/result`);
  assert.equal(r.json.sealed.ballots, 53);
  assert.equal(r.json.ballots, 53);
  // the receipts still find their ballots after the seal
  const again = await send(srv.base, `/api/v1/cycles/${Y}/receipts/${receipts[9]}`);
  assert.deepEqual(again.json.choices, candidates.slice(0, 10));
  const verify = spawnSync(SHISHI, ['audit', 'verify', '--db', srv.db], { encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
});

test('reads: the proposals, result and receipts are public; bad years are 400', async () => {
  for (const p of [`/api/v1/proposals?year=${Y}`, `/api/v1/cycles/${Y}/result`,
                   `/api/v1/cycles/${Y}/receipts/${receipts[0]}`])
    assert.equal((await send(srv.base, p)).status, 200, p);
  for (const p of ['/api/v1/proposals?year=abc', '/api/v1/cycles/abc/result',
                   '/api/v1/cycles/0/receipts/x'])
    assert.equal((await send(srv.base, p)).status, 400, p);
  for (const p of ['/api/v1/cycles/2031/result', '/api/v1/cycles/99/result'])
    assert.equal((await send(srv.base, p)).status, 404, p);
});
