// dates.test.mjs - the API and `shishi status` read a date the same way
// (one parser, base/date.h): the same words for a date outside the plan,
// for one that is not in the calendar (2026-02-30) and for one in the
// wrong shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, getJson, SHISHI } from './server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { assert.equal(await srv.stop(), 0); });

function statusError(date) {
  const r = spawnSync(SHISHI, ['status', '--db', srv.db, '--date', date], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const m = /^shishi status: --date: (.*)\n$/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return m[1];
}

for (const [date, words] of [
  ['2027-01-05', /^2027-01-05 is outside the plan period 2026-01-01 to 2026-12-31$/],
  ['2025-12-31', /outside the plan period/],
  ['2026-02-30', /^'2026-02-30' is not a valid date: February 2026 has 28 days$/],
  ['2026-04-31', /April 2026 has 30 days/],
  ['2026-2-9', /^'2026-2-9' is not a date YYYY-MM-DD$/],
]) {
  test(`date=${date}: 400 from the API, exit 1 from status, the same message`, async () => {
    for (const p of ['/api/v1/targets/1', '/api/v1/orgs/65']) {
      const r = await getJson(srv.base, `${p}?date=${date}`);
      assert.equal(r.status, 400, p);
      assert.equal(r.json.error.code, 'bad_parameter');
      assert.match(r.json.error.message, words);
      assert.equal(r.json.error.message, statusError(date));
    }
  });
}

test('a date inside the plan is answered by both', async () => {
  const r = await getJson(srv.base, '/api/v1/targets/1?date=2026-02-28');
  assert.equal(r.status, 200);
  assert.equal(r.json.as_of, '2026-02-28');
  const s = spawnSync(SHISHI, ['status', '--db', srv.db, '--date', '2026-02-28', '--json'],
                      { encoding: 'utf8' });
  assert.equal(s.status, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).as_of, '2026-02-28');
});
