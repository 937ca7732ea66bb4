// follow.test.mjs - following a commitment (issue 14, 关注) on a running
// server: the Atom feeds (well-formed XML checked by fast-xml-parser's
// validator and every character held to XML 1.0's Char production; the
// elements RFC 4287 requires; ids stable across requests and across two
// instances on one database; a place's feed covering its subtree; the
// latest N; ETag, Last-Modified, 304 and gzip), the acceptance check (an
// approved report on target 47 is an entry of /feeds/targets/47.atom),
// hostile plan text inert in the feed and in the email, status changes,
// and email subscriptions through the loopback SMTP sink: double opt-in
// (a GET of the link confirms nothing), at most one digest a day (the
// clock moved with --now, never waited for), List-Unsubscribe headers and
// the one-click POST, the address in no feed, page or answer and only
// sealed in the database; the authorization matrix of the new endpoints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import zlib from 'node:zlib';
import { XMLValidator, XMLParser } from 'fast-xml-parser';
import { startServer, shishi, SHISHI, sql, request, BACKEND } from './server.mjs';
import { userAdd, signIn, send } from './wfclient.mjs';

process.env.SHISHI_PWHASH_FAST = '1';
const TMP = process.env.SHISHI_TMP || os.tmpdir();
const BASE = 'https://shishi.example.org';
const EMAIL = 'follower.x7q@example.net';
let srv, sinkDir, sink, smtpPort;
const DAY = 86400;
const T0 = Math.floor(Date.now() / 1000 / DAY) * DAY + 9 * 3600; // today 09:00 UTC

function cli(...args) {
  const r = spawnSync(SHISHI, [...args, '--db', srv.db], { encoding: 'utf8' });
  assert.equal(r.status, 0, `shishi ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const report = (target, org, date, value) =>
  cli('report', 'add', '--target', String(target), '--org', org, '--date', date,
      '--value', String(value));
const digest = (t) => JSON.parse(cli('notify', 'digest', '--json', '--base-url', BASE,
                                     '--now', String(t)));
const sendMail = () => cli('notify', 'send', '--smtp', `smtp://127.0.0.1:${smtpPort}`);

// Every mail the sink got: {to, headers (lower-case names), body (decoded)}.
function mails() {
  return fs.readdirSync(sinkDir).filter((f) => /^mail-\d+\.json$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)[0]) - Number(b.match(/\d+/)[0]))
    .map((f) => {
      const m = JSON.parse(fs.readFileSync(path.join(sinkDir, f), 'utf8'));
      const [head, ...rest] = m.data.split('\r\n\r\n');
      const headers = {};
      for (const line of head.split('\r\n')) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      const body = Buffer.from(rest.join('\r\n\r\n').replace(/\s+/g, ''), 'base64')
        .toString('utf8');
      return { to: m.to, headers, body, data: m.data };
    });
}

// A feed checked: well-formed, XML 1.0 characters only, Atom's required
// elements; returns {feed, entries} parsed.
function atom(buf) {
  const text = buf.toString('utf8');
  const ok = XMLValidator.validate(text);
  assert.equal(ok, true, `well-formed XML: ${JSON.stringify(ok)}\n${text.slice(0, 600)}`);
  // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/u,
                      'only XML 1.0 characters');
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'entry' || n === 'link' })
    .parse(text);
  const feed = doc.feed;
  assert.ok(feed, 'a feed element');
  assert.equal(feed['@_xmlns'], 'http://www.w3.org/2005/Atom');
  const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
  assert.match(String(feed.id), /^tag:shishi\.example\.org,2026:feed\//, 'a tag: id');
  assert.ok(String(feed.title).length > 0, 'a title');
  assert.match(String(feed.updated), rfc3339);
  assert.ok(feed.author && String(feed.author.name).length > 0, 'the feed has an author');
  const self = feed.link.find((l) => l['@_rel'] === 'self');
  assert.ok(self && self['@_href'].startsWith(BASE + '/feeds/'), 'a self link');
  assert.ok(feed.link.find((l) => l['@_rel'] === 'alternate'), 'an alternate link');
  const entries = feed.entry || [];
  for (const e of entries) {
    assert.match(String(e.id), /^tag:shishi\.example\.org,2026:[a-z-]+\/\d+$/);
    assert.ok(String(e.title).length > 0, 'an entry title');
    assert.match(String(e.updated), rfc3339);
    assert.ok(e.link.find((l) => l['@_rel'] === 'alternate' && l['@_href'].startsWith(BASE)));
  }
  return { feed, entries, text };
}

async function getFeed(p, headers = {}) {
  const r = await request(srv.base, p, { headers });
  return r;
}

before(async () => {
  sinkDir = fs.mkdtempSync(path.join(TMP, 'follow-sink-'));
  sink = spawn(process.execPath, [path.resolve('tests/cli/sinks.mjs'), sinkDir],
               { stdio: 'ignore' });
  for (let i = 0; i < 100 && !fs.existsSync(path.join(sinkDir, 'ports')); i++)
    await new Promise((r) => setTimeout(r, 50));
  smtpPort = Number(fs.readFileSync(path.join(sinkDir, 'ports'), 'utf8').split(' ')[0]);
  // the proxy's X-Forwarded-For names each request's client, so the tests
  // can be many clients (and the per-client throttle is tested as such)
  srv = await startServer({ args: ['--notify-every', '0', '--base-url', BASE,
                                   '--trusted-proxy', '127.0.0.1'] });
  shishi('assign', '--db', srv.db, '--target', '47', '--org', '650102', '--value', '100');
});
after(async () => {
  sink.kill('SIGTERM');
  const code = await srv.stop();
  assert.equal(code, 0, 'server exits cleanly:\n' + srv.log().slice(-3000));
});

let reportId;
test('acceptance: after an approved report on target 47, its feed is valid Atom with an entry',
     async () => {
  report(47, '650102', '2026-06-30', 2);
  reportId = Number(sql(srv.db, 'SELECT max(id) FROM report'));
  const r = await getFeed('/feeds/targets/47.atom');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^application\/atom\+xml/);
  const { entries } = atom(r.body);
  const e = entries.find((x) => x.id === `tag:shishi.example.org,2026:report/${reportId}`);
  assert.ok(e, 'an entry for the report');
  assert.match(String(e.title), /天山区/);
  assert.ok(e.link[0]['@_href'].endsWith('/targets/47?org=650102'));
  // a report that repeats the figure says nothing new
  report(47, '650102', '2026-07-01', 2);
  const again = atom((await getFeed('/feeds/targets/47.atom')).body).entries;
  assert.equal(again.filter((x) => /report\//.test(x.id)).length, 1, 'no entry for a repeat');
});

test('ids are stable across requests and across two instances on one database', async () => {
  const a = atom((await getFeed('/feeds/targets/47.atom')).body);
  const b = atom((await getFeed('/feeds/targets/47.atom')).body);
  assert.deepEqual(b.entries.map((e) => e.id), a.entries.map((e) => e.id));
  assert.equal(b.text, a.text, 'the same bytes');
  const other = await startServer({ db: srv.db, args: ['--notify-every', '0', '--base-url', BASE] });
  try {
    const c = atom((await request(other.base, '/feeds/targets/47.atom')).body);
    assert.deepEqual(c.entries.map((e) => e.id), a.entries.map((e) => e.id));
    assert.equal(c.feed.id, a.feed.id);
  } finally {
    assert.equal(await other.stop(), 0);
  }
});

test('a place feed covers its subtree; a project feed its targets; unknown ones are 404',
     async () => {
  const id = `tag:shishi.example.org,2026:report/${reportId}`;
  const has = async (p) => atom((await getFeed(p)).body).entries.some((e) => e.id === id);
  assert.ok(await has('/feeds/orgs/65.atom'), 'the region');
  assert.ok(await has('/feeds/orgs/6501.atom'), 'the prefecture above');
  assert.ok(await has('/feeds/orgs/650102.atom'), 'the county itself');
  assert.ok(!(await has('/feeds/orgs/6502.atom')), 'not another prefecture');
  const plan = JSON.parse((await request(srv.base, '/api/v1/plan')).body.toString('utf8'));
  const t47 = plan.targets.find((t) => t.id === 47);
  assert.ok(await has(`/feeds/projects/${t47.project}.atom`), "the target's project");
  const otherProject = plan.projects.find((p) => p.no !== t47.project).no;
  assert.ok(!(await has(`/feeds/projects/${otherProject}.atom`)), 'not another project');
  for (const p of ['/feeds/targets/999999.atom', '/feeds/orgs/9.atom', '/feeds/targets/47.rss',
                   '/feeds/projects/99.atom', '/feeds/targets/.atom'])
    assert.equal((await getFeed(p)).status, 404, p);
});

test('ETag, Last-Modified, 304 and gzip as on other pages', async () => {
  const r = await getFeed('/feeds/orgs/65.atom');
  assert.ok(r.headers.etag, 'an ETag');
  assert.ok(r.headers['last-modified'], 'a Last-Modified');
  let n = await getFeed('/feeds/orgs/65.atom', { 'If-None-Match': r.headers.etag });
  assert.equal(n.status, 304);
  n = await getFeed('/feeds/orgs/65.atom', { 'If-Modified-Since': r.headers['last-modified'] });
  assert.equal(n.status, 304, 'not modified since its own Last-Modified');
  n = await getFeed('/feeds/orgs/65.atom',
                    { 'If-Modified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' });
  assert.equal(n.status, 200, 'modified since 2024');
  // enough entries for gzip to pay
  for (let d = 1; d <= 20; d++)
    report(47, '650102', `2026-03-${String(d).padStart(2, '0')}`, d * 0.01 + 0.001 * d);
  const z = await getFeed('/feeds/orgs/65.atom', { 'Accept-Encoding': 'gzip' });
  assert.equal(z.status, 200);
  assert.equal(z.headers['content-encoding'], 'gzip');
  atom(zlib.gunzipSync(z.body));
});

test('a feed holds the latest 50 entries, newest first', async () => {
  for (let d = 1; d <= 31; d++)
    report(47, '650103', `2026-01-${String(d).padStart(2, '0')}`, d);
  const { entries } = atom((await getFeed('/feeds/targets/47.atom')).body);
  assert.equal(entries.length, 50);
  const times = entries.map((e) => String(e.updated));
  assert.deepEqual([...times].sort().reverse(), times, 'newest first');
  const newest = Number(sql(srv.db, 'SELECT max(id) FROM report'));
  assert.ok(entries.some((e) => e.id.endsWith(`:report/${newest}`)),
            `the newest (${newest}) is in: ${entries.map((e) => e.id + ' ' + e.updated).join(', ')}`);
});

test('each page names its feed in the head and links it visibly', async () => {
  for (const [page, feed] of [['/targets/47', '/feeds/targets/47.atom'],
                              ['/projects/1', '/feeds/projects/1.atom'],
                              ['/orgs/6501', '/feeds/orgs/6501.atom']]) {
    const html = (await request(srv.base, page)).body.toString('utf8');
    assert.match(html, new RegExp(`<link rel="alternate" type="application/atom\\+xml" ` +
                                  `title="[^"]*" href="${feed.replace(/[.]/g, '\\.')}">`), page);
    assert.ok(html.includes(`<a href="${feed}" type="application/atom+xml">`), page);
    assert.ok(html.includes('action="/subscriptions"'), `${page}: the email form`);
  }
});

test('hostile plan text is inert in the feed', async () => {
  const evil = '<script>alert(1)</script>]]>&amp;\u0001\uffff="=HYPERLINK(\'x\')';
  const q = evil.replace(/'/g, "''");
  if (BACKEND === 'pg')
    // (as an actor, which PostgreSQL's audit triggers ask for)
    sql(srv.db, "SET shishi.actor = 'test'; UPDATE target SET text = " +
                `'${q.replace('\u0001', '').replace('\uffff', '')}' || chr(1) || chr(65535) ` +
                'WHERE id = 47');
  else
    assert.equal(spawnSync('sqlite3', [srv.db, `UPDATE target SET text = '${q}' WHERE id = 47`])
      .status, 0);
  // a metric that tries to end the Subject header of the emails (see the digest test)
  const metric = "'新改建<b>农村公路</b>' || chr(13) || chr(10) || 'Bcc: evil@example.org'";
  if (BACKEND === 'pg')
    sql(srv.db, `SET shishi.actor = 'test'; UPDATE target SET metric = ${metric} WHERE id = 47`);
  else
    assert.equal(spawnSync('sqlite3', [srv.db, 'UPDATE target SET metric = ' +
                                       metric.replace(/chr\(/g, 'char(') + ' WHERE id = 47'])
      .status, 0);
  // the server reloads the plan on its next request
  await request(srv.base, '/api/v1/plan');
  const { text, entries } = atom((await getFeed('/feeds/targets/47.atom')).body);
  assert.ok(!text.includes('<script>'), 'no markup');
  assert.ok(text.includes('&lt;script&gt;alert(1)&lt;/script&gt;]]&gt;&amp;amp;'), 'escaped');
  assert.ok(String(entries[0].content['#text'] ?? entries[0].content).includes('<script>'),
            'reads back as the text it was');
});

// ---- subscriptions -------------------------------------------------------------

let client = 0;
const fresh = () => `10.9.${Math.floor(++client / 250)}.${client % 250 + 1}`;
const subscribe = (body, ip = fresh()) => send(srv.base, '/api/v1/subscriptions', {
  method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip },
  body: JSON.stringify(body) });
const tokenOf = (body, kind) => new RegExp(`/subscriptions/${kind}/([0-9a-f]{32})`).exec(body)[1];

let unsubToken;
test('double opt-in: a confirmation link by email, a GET confirms nothing, the POST does',
     async () => {
  const before = mails().length;
  let r = await subscribe({ email: EMAIL, about: { target: 47 } });
  assert.equal(r.status, 202, String(r.buf));
  assert.equal(r.json.status, 'pending');
  sendMail();
  const m = mails().slice(before);
  assert.equal(m.length, 1, 'one confirmation');
  assert.deepEqual(m[0].to, [`<${EMAIL}>`]);
  const token = tokenOf(m[0].body, 'confirm');
  assert.ok(m[0].body.includes(`${BASE}/subscriptions/confirm/${token}`));
  // the link's page: a button, no confirmation
  r = await send(srv.base, `/subscriptions/confirm/${token}`);
  assert.equal(r.status, 200);
  assert.match(r.buf.toString('utf8'), /<form method="post" action="\/subscriptions\/confirm\//);
  assert.equal(sql(srv.db, "SELECT count(*) FROM subscription WHERE status = 'confirmed'"), '0',
               'a GET confirms nothing');
  assert.equal(digest(T0).queued, 0, 'no digest before confirming');
  // stored times are whole seconds, and a digest starts with its
  // subscription's second: the earlier tests' reports are let fall into an
  // older second, so that what the first digest holds does not depend on
  // how fast this machine is (a pause, not a check of time)
  await new Promise((done) => setTimeout(done, 1100));
  r = await send(srv.base, `/subscriptions/confirm/${token}`, { method: 'POST' });
  assert.equal(r.status, 200, String(r.buf));
  assert.equal(sql(srv.db, "SELECT count(*) FROM subscription WHERE status = 'confirmed'"), '1');
  r = await send(srv.base, `/subscriptions/confirm/${token}`, { method: 'POST' });
  assert.equal(r.status, 404, 'a confirmation link works once');
  // subscribing again while confirmed sends nothing, and answers the same
  const n = mails().length;
  r = await subscribe({ email: EMAIL, about: { target: 47 } });
  assert.equal(r.status, 202);
  sendMail();
  assert.equal(mails().length, n, 'no second confirmation');
});

test('at most one digest a day, with the unsubscribe headers, hostile text inert',
     async () => {
  digest(T0); // statuses as of today: the baseline (2 of 100 km: seriously lagging)
  report(47, '650102', '2026-11-30', 95);
  let d = digest(T0 + DAY);
  assert.equal(d.queued, 1, JSON.stringify(d));
  assert.equal(digest(T0 + DAY).queued, 0, 'the same day again: none');
  assert.equal(digest(T0 + DAY + 3600).queued, 0, 'later that day: none');
  const before = mails().length;
  sendMail();
  const m = mails().slice(before);
  assert.equal(m.length, 1);
  assert.deepEqual(m[0].to, [`<${EMAIL}>`]);
  const lu = m[0].headers['list-unsubscribe'];
  assert.match(lu, /^<https:\/\/shishi\.example\.org\/subscriptions\/unsubscribe\/[0-9a-f]{32}>$/);
  assert.equal(m[0].headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  unsubToken = tokenOf(lu, 'unsubscribe');
  assert.ok(m[0].body.includes(`/subscriptions/unsubscribe/${unsubToken}`), 'also in the text');
  assert.ok(m[0].body.includes('天山区'), 'the new report');
  assert.match(m[0].headers['content-type'], /^text\/plain/, 'plain text: markup is inert');
  const head = m[0].data.split('\r\n\r\n')[0];
  assert.doesNotMatch(head, /<b>|<script>/, 'nothing hostile in a header');
  assert.doesNotMatch(head, /^Bcc:/im, 'a line break in the metric starts no header');
  assert.deepEqual(m[0].to, [`<${EMAIL}>`], 'and adds no recipient');
  assert.ok(m[0].body.includes('新改建<b>农村公路</b>'), 'plain text, as it was: inert');
  // nothing new: no digest the next day either
  assert.equal(digest(T0 + 2 * DAY).queued, 0, 'nothing new, no mail');
  report(47, '650102', '2026-12-01', 97);
  assert.equal(digest(T0 + 3 * DAY).queued, 1, 'news on another day: one more');
  sendMail();
  const last = mails().at(-1);
  assert.ok(last.body.includes('2026-12-01'), 'the news');
  assert.ok(!last.body.includes('2026-11-30'), 'only what came since the last digest');
});

test('a status change is an entry of the feed', async () => {
  const { entries } = atom((await getFeed('/feeds/targets/47.atom')).body);
  const s = entries.filter((e) => /:status\/\d+$/.test(e.id));
  assert.ok(s.length >= 1, 'a status entry: ' + entries.map((e) => e.title).join(' | '));
  assert.match(String(s[0].title), /→/);
  const count = sql(srv.db, 'SELECT count(*) FROM status_change');
  digest(T0 + 3 * DAY);
  assert.equal(sql(srv.db, 'SELECT count(*) FROM status_change'), count,
               'recording again on the same data writes nothing');
});

test('one-click unsubscribe: a POST without a session ends it and erases the address',
     async () => {
  let r = await send(srv.base, `/subscriptions/unsubscribe/${unsubToken}`);
  assert.equal(r.status, 200, 'a page with a button');
  assert.equal(sql(srv.db, "SELECT count(*) FROM subscription WHERE status = 'ended'"), '0');
  r = await send(srv.base, `/subscriptions/unsubscribe/${unsubToken}`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click' });
  assert.equal(r.status, 200, String(r.buf));
  assert.equal(sql(srv.db, "SELECT count(*) FROM subscription WHERE status = 'ended'"), '1');
  assert.equal(sql(srv.db, "SELECT email FROM subscription WHERE status = 'ended'"), '');
  report(47, '650102', '2026-12-02', 99);
  assert.equal(digest(T0 + 5 * DAY).queued, 0, 'no digest after unsubscribing');
  r = await send(srv.base, `/subscriptions/unsubscribe/${'0'.repeat(32)}`, { method: 'POST' });
  assert.equal(r.status, 404);
});

test('privacy: the address is in no feed, page or answer, and only sealed in the database',
     async () => {
  await subscribe({ email: 'second.x7q@example.net', about: { org: '6501' } });
  const seen = [];
  for (const p of ['/feeds/targets/47.atom', '/feeds/orgs/65.atom', '/feeds/orgs/6501.atom',
                   '/targets/47', '/orgs/6501', '/api/v1/plan', '/api/v1/targets/47'])
    seen.push((await request(srv.base, p)).body.toString('utf8'));
  seen.push(cli('notify', 'list', '--json'));
  for (const s of seen) {
    assert.ok(!s.includes('x7q@example.net'), 'no address');
    assert.ok(!s.includes('x7q'), 'not even its name');
  }
  assert.equal(sql(srv.db, "SELECT count(*) FROM subscription WHERE email LIKE '%x7q%' " +
                           "OR email_digest LIKE '%x7q%'"), '0');
  assert.equal(sql(srv.db, "SELECT count(*) FROM outbox WHERE address LIKE '%x7q%' " +
                           "OR text LIKE '%x7q%' OR recipient LIKE '%x7q%'"), '0');
  assert.equal(sql(srv.db, "SELECT count(*) FROM outbox WHERE recipient LIKE 'subscription:%' " +
                           "AND (sealed <> 1 OR address NOT LIKE 'v1:%')"), '0', 'sealed');
  if (BACKEND === 'sqlite') {
    spawnSync('sqlite3', [srv.db, 'PRAGMA wal_checkpoint(TRUNCATE)']);
    for (const f of [srv.db, srv.db + '-wal'])
      if (fs.existsSync(f)) assert.ok(!fs.readFileSync(f).includes('x7q'), `not in ${f}`);
  }
});

test('bad subscriptions are refused, naming the field', async () => {
  for (const [body, status, field] of [
    [{ email: 'not an address', about: { target: 47 } }, 400, 'email'],
    // a missing thing the body (not the URL) names is bad input (web_err.c)
    [{ email: 'a@example.org', about: { target: 999999 } }, 400, 'about'],
    [{ email: 'a@example.org', about: { org: '9' } }, 400, 'about'],
    [{ email: 'a@example.org', about: { target: 47, org: '65' } }, 400, 'about'],
    [{ email: 'a@example.org', about: { planet: 3 } }, 400, 'about'],
    [{ email: 'a@example.org' }, 400, 'about'],
    [{ about: { target: 47 } }, 400, 'email']]) {
    const r = await subscribe(body);
    assert.equal(r.status, status, JSON.stringify(body) + String(r.buf));
    assert.equal(r.json.error.field, field);
  }
});

test('throttled per address and per client: a burst stops, others go through', async () => {
  let codes = [];
  for (let i = 0; i < 5; i++)
    codes.push((await subscribe({ email: 'burst.x7q@example.net', about: { target: 47 } })).status);
  assert.deepEqual(codes, [202, 202, 202, 429, 429], 'three confirmations a day to one address');
  assert.equal((await subscribe({ email: 'other.burst@example.net', about: { target: 47 } }))
    .status, 202, 'another address goes through');
  codes = [];
  for (let i = 0; i < 12; i++)
    codes.push((await subscribe({ email: `c${i}.burst@example.net`, about: { target: 47 } },
                                '10.8.0.1')).status);
  assert.deepEqual(codes, [...Array(10).fill(202), 429, 429], 'ten an hour from one client');
  assert.equal((await subscribe({ email: 'c99.burst@example.net', about: { target: 47 } },
                                '10.8.0.2')).status, 202, 'another client goes through');
});

// ---- the authorization matrix ----------------------------------------------------

test('authorization: every new endpoint is public, the same for every role and anonymous',
     async () => {
  const roles = [['admin', 'admin', '65'], ['reviewer', 'reviewer', '6501'],
                 ['reporter', 'reporter', '650102'], ['viewer', 'viewer', '6501'],
                 ['sup', 'supervisor', '65']];
  const who = [{ name: 'anonymous', headers: {} }];
  for (const [n, role, org] of roles) {
    userAdd(srv.db, n, role, org);
    const s = await signIn(srv.base, n);
    who.push({ name: n, headers: { Cookie: s.cookie } });
  }
  let i = 0;
  for (const w of who) {
    i += 1;
    for (const p of ['/feeds/targets/47.atom', '/feeds/projects/1.atom', '/feeds/orgs/6501.atom'])
      assert.equal((await request(srv.base, p, { headers: w.headers })).status, 200, `${w.name} ${p}`);
    // anonymous writes: no session, no CSRF token asked for
    const r = await send(srv.base, '/api/v1/subscriptions', {
      method: 'POST', headers: { ...w.headers, 'Content-Type': 'application/json',
                                 'X-Forwarded-For': fresh() },
      body: JSON.stringify({ email: `m${i}@example.org`, about: { project: 1 } }) });
    assert.equal(r.status, 202, `${w.name}: ${r.buf}`);
    const form = await send(srv.base, '/subscriptions', {
      method: 'POST', headers: { ...w.headers, 'Content-Type': 'application/x-www-form-urlencoded',
                                 'X-Forwarded-For': fresh() },
      body: `email=f${i}%40example.org&kind=org&ref=6501` });
    assert.equal(form.status, 200, `${w.name} form: ${form.buf}`);
    for (const k of ['confirm', 'unsubscribe']) {
      const bad = `/subscriptions/${k}/${'f'.repeat(32)}`;
      assert.equal((await send(srv.base, bad, { headers: w.headers })).status, 404, `${w.name} GET ${k}`);
      assert.equal((await send(srv.base, bad, { method: 'POST', headers: w.headers })).status, 404,
                   `${w.name} POST ${k}`);
    }
    for (const m of ['PUT', 'DELETE'])
      assert.equal((await send(srv.base, '/api/v1/subscriptions', { method: m, headers: w.headers }))
        .status, 405, `${w.name} ${m}`);
  }
});
