// testdb.mjs - a database for a node test to pass as --db, on the backend
// the run asks for (tests/run-all.sh, PG_SUITES): the file DIR/NAME.db, or
// with SHISHI_TEST_BACKEND=pg the URL of a fresh database on the test
// cluster, a new one each call (tests/pg/newdb.sh NAME).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const BACKEND = process.env.SHISHI_TEST_BACKEND || 'sqlite';

export function testDb(name, dir) {
  if (BACKEND === 'pg') {
    return execFileSync('sh', [path.join(here, 'newdb.sh'), name],
                        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }
  return path.join(dir, `${name}.db`);
}
