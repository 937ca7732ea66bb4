// cycle_whole.test.mjs - the whole cycle in one test, and the issue's
// acceptance from a fresh database (issue 15): the office opens the 2027
// window; 20 proposals come in anonymously; staff merge and decline some
// and promote 12; 30 deputies vote through the API (a second ballot is
// 409); the result gives counts, turnout and the passed list once the vote
// has closed; `cycle adopt` makes the passed candidates 2027's draft plan
// (`plan show --draft --json`), with the targets the extractor reads in
// their texts; `plan activate` makes it current; reports count against it
// and `status` shows them; and /plans/2026 still shows 2026's plan and
// figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, SHISHI, getJson } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-11-10';
process.env.SHISHI_PWHASH_FAST = '1';
let srv;

function cli(args, today = '2026-11-10') {
  const r = spawnSync(SHISHI, [...args, '--db', srv.db], {
    encoding: 'utf8', env: { ...process.env, SHISHI_TODAY: today } });
  assert.equal(r.status, 0, `shishi ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => { srv = await startServer(); });
after(async () => {
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

const THINGS = ['社区老年食堂', '公共充电桩', '城市书房', '口袋公园', '婴幼儿托位', '社区卫生室',
                '农村公路', '老旧小区', '校园足球场', '便民市场', '公共厕所', '无障碍设施',
                '社区图书室', '健身步道', '急救站', '停车泊位', '雨污管网', '路灯', '公交站亭',
                '文化广场'];

test('open → 20 proposals → merge and promote 12 → 30 deputies vote → result → draft plan → ' +
     'activate → reports → status; /plans/2026 still shows 2026', async () => {
  assert.equal((await getJson(srv.base, '/api/v1/plan')).json.plan.year, 2026);
  const plan2026 = JSON.parse(cli(['plan', 'show', '--json']));
  cli(['cycle', 'open', '--year', '2027', '--from', '2026-11-01', '--to', '2026-11-10']);
  // 20 proposals, anonymously
  const ids = [];
  for (let i = 0; i < 20; i++) {
    const r = await send(srv.base, '/api/v1/proposals', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: `新建${THINGS[i]}`, org: i % 2 ? '6501' : '650102',
                             text: `全区新建${THINGS[i]}${(i + 1) * 10}个以上` }) });
    assert.equal(r.status, 201, String(r.buf));
    ids.push(r.json.id);
  }
  // triage: 4 duplicates merged, 4 declined, 12 promoted
  for (let i = 0; i < 4; i++) cli(['cycle', 'merge', String(ids[16 + i]), '--into', String(ids[i])]);
  for (let i = 12; i < 16; i++)
    cli(['cycle', 'decline', String(ids[i]), '--reason', '已纳入部门年度计划']);
  const cand = [];
  for (let i = 0; i < 12; i++) {
    const out = cli(['cycle', 'promote', String(ids[i]), '--cost', String(1e7 * (i + 1)),
                     '--department', i % 2 ? '住房城乡建设厅' : '民政厅', '--note', '论证可行']);
    cand.push(Number(/candidate (\d+)/.exec(out)[1]));
  }
  const show = JSON.parse(cli(['cycle', 'show', '--year', '2027', '--json']));
  assert.deepEqual(show.proposals, { total: 20, new: 0, merged: 4, promoted: 12, declined: 4 });
  assert.equal(show.candidates.length, 12);
  // the vote: 30 deputies, 10 seats
  cli(['cycle', 'open', '--year', '2027', '--from', '2026-11-01', '--to', '2026-11-05']);
  cli(['cycle', 'vote', '--year', '2027', '--from', '2026-11-06', '--to', '2026-11-10',
       '--seats', '10']);
  const deps = [];
  for (let i = 0; i < 30; i++) userAdd(srv.db, `rd${i}`, 'deputy', '65');
  for (let i = 0; i < 30; i++) deps.push(await signIn(srv.base, `rd${i}`));
  // everyone chooses candidates 0..5; 6 gets 20 votes, 7 gets 16 (more than
  // half of 30), 8 gets 15 (not more than half), 9..11 get 5
  const pick = (i) => [...cand.slice(0, 6), ...(i < 20 ? [cand[6]] : []),
                       ...(i < 16 ? [cand[7]] : []), ...(i < 15 ? [cand[8]] : []),
                       ...(i >= 25 ? cand.slice(9) : [])];
  const ballots = await Promise.all(deps.map((d, i) =>
    d.post('/api/v1/cycles/2027/ballots', { choices: pick(i) })));
  for (const b of ballots) assert.equal(b.status, 201, String(b.buf));
  const again = await deps[7].post('/api/v1/cycles/2027/ballots', { choices: [cand[0]] });
  assert.equal(again.status, 409);
  const early = await send(srv.base, '/api/v1/cycles/2027/result');
  assert.equal(early.status, 403);
  cli(['cycle', 'vote', '--year', '2027', '--from', '2026-11-06', '--to', '2026-11-09',
       '--seats', '10']);
  const res = (await getJson(srv.base, '/api/v1/cycles/2027/result')).json;
  assert.equal(res.deputies, 30);
  assert.equal(res.ballots, 30);
  assert.equal(res.turnout, 1);
  const votes = new Map(res.candidates.map((c) => [c.id, c]));
  const expect = [30, 30, 30, 30, 30, 30, 20, 16, 15, 5, 5, 5];
  cand.forEach((id, k) => assert.equal(votes.get(id).votes, expect[k], `candidate ${k}`));
  const passed = res.candidates.filter((c) => c.passed).map((c) => c.id);
  const want = cand.filter((_, k) => expect[k] > 15); // more than half of 30
  assert.deepEqual([...passed].sort((a, b) => a - b), [...want].sort((a, b) => a - b));
  assert.equal(passed.length, 8);
  assert.equal(res.ties, null);
  // result → draft plan
  const adopted = JSON.parse(cli(['cycle', 'adopt', '--year', '2027', '--json']));
  assert.equal(adopted.projects, passed.length);
  assert.ok(adopted.targets >= passed.length, 'the extractor read a target in each text');
  const draft = JSON.parse(cli(['plan', 'show', '--draft', '--json']));
  assert.equal(draft.plan.year, 2027);
  assert.deepEqual(draft.projects.map((p) => p.title),
                   res.candidates.filter((c) => c.passed).map((c) => c.title));
  assert.ok(draft.projects.every((p) => ['民政厅', '住房城乡建设厅'].includes(p.lead_dept)),
            JSON.stringify(draft.projects.map((p) => p.lead_dept)));
  const again2 = spawnSync(SHISHI, ['cycle', 'adopt', '--year', '2027', '--db', srv.db],
                           { encoding: 'utf8' });
  assert.equal(again2.status, 1, 'adopted once');
  // before activation 2026 is current, and /plans/2026 is it
  let p26 = await send(srv.base, '/plans/2026');
  assert.equal(p26.status, 200);
  // two ratings of 2026's project 10, shown with 2026 once it is past
  for (const score of [5, 3]) {
    const rr = await send(srv.base, '/api/v1/ratings', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ project: 10, score }) });
    assert.equal(rr.status, 201, String(rr.buf));
  }
  // activate → 2027 is current; 2026 stays browsable with its figures
  cli(['report', 'add', '--target', String(plan2026.projects[0].targets[0].id), '--org', '65',
       '--date', '2026-10-31', '--value', '123456']);
  cli(['plan', 'activate']);
  assert.equal((await getJson(srv.base, '/api/v1/plan')).json.plan.year, 2027);
  const cur = JSON.parse(cli(['plan', 'show', '--json']));
  assert.equal(cur.plan.year, 2027);
  p26 = await send(srv.base, '/plans/2026');
  assert.equal(p26.status, 200);
  const html = p26.buf.toString();
  assert.ok(html.includes(plan2026.plan.title), '/plans/2026 shows 2026');
  assert.match(html, /123,456|123456/, "2026's figures");
  assert.match(html, /2 份，平均 4\.0 分（满分 5 分）/, "2026's satisfaction");
  assert.ok(html.includes('/api/v1/projects/10/satisfaction?period=2026'));
  assert.equal((await send(srv.base, '/plans/2027')).status, 200);
  assert.equal((await send(srv.base, '/plans/2019')).status, 404);
  // reports on 2027's plan, and its status
  const t = cur.projects[0].targets[0];
  cli(['report', 'add', '--target', String(t.id), '--org', '65', '--date', '2027-03-31',
       '--value', String(Math.round(t.value / 2))], '2027-04-01');
  const status = JSON.parse(cli(['status', '--json', '--date', '2027-03-31'], '2027-04-01'));
  assert.equal(status.plan.year, 2027);
  const st = status.projects[0].targets.find((x) => x.id === t.id);
  assert.ok(st, JSON.stringify(status.projects[0]).slice(0, 400));
  assert.match(JSON.stringify(st), new RegExp(`"actual":${Math.round(t.value / 2)}\\b`));
  // the server keeps 2026's engine between visits and brings it up to date
  // on each: 2027's approvals move the store's counters, and 2026's page
  // stays 2026's, with its figures
  for (let k = 0; k < 2; k++) {
    const again = (await send(srv.base, '/plans/2026')).buf.toString();
    assert.ok(again.includes(plan2026.plan.title), 'still 2026 on visit ' + k);
    assert.ok(!again.includes(cur.plan.title), 'not 2027 on visit ' + k);
    assert.match(again, /123,456|123456/, "2026's figures on visit " + k);
  }
});
