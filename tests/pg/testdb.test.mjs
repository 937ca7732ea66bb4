// testdb.test.mjs - the node tests' databases on either backend
// (tests/pg/testdb.mjs). make check runs it once per backend
// (tests/run-all.sh, PG_SUITES): on SQLite NAME's file in the given
// directory; with SHISHI_TEST_BACKEND=pg the URL of a fresh database on the
// run's cluster, a new one each call, which psql reaches.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BACKEND, testDb } from './testdb.mjs';

const PSQL = path.join(process.env.SHISHI_PG_BIN || '/usr/lib/postgresql/15/bin', 'psql');
const psql = (url, sql) =>
  execFileSync(PSQL, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql],
               { encoding: 'utf8' }).trim();

test(`testDb on ${BACKEND}`, () => {
  const dir = fs.mkdtempSync(path.join(process.env.SHISHI_TMP || os.tmpdir(), 'testdb-'));
  try {
    const a = testDb('one', dir);
    const b = testDb('one', dir);
    if (BACKEND === 'pg') {
      assert.match(a, /^postgresql:\/\//);
      assert.notEqual(a, b, 'one name twice, two databases');
      const na = psql(a, 'SELECT current_database()');
      const nb = psql(b, 'SELECT current_database()');
      assert.notEqual(na, nb);
      assert.ok(a.includes(na) && b.includes(nb), 'each URL names its database');
      assert.equal(psql(a, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), '0');
    } else {
      assert.equal(BACKEND, 'sqlite');
      assert.equal(a, path.join(dir, 'one.db'));
      assert.ok(!fs.existsSync(a), 'not there yet');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
