// evidence.test.mjs - where evidence files are kept: beside the SQLite
// database by default (<db>.evidence/<sha256>), or in the directory
// $SHISHI_EVIDENCE_DIR names, which is how servers sharing a PostgreSQL
// database (no file to keep them beside) share their evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, shishi, getJson, sql, BACKEND } from './server.mjs';
import { userAdd, signIn } from './wfclient.mjs';

process.env.SHISHI_TODAY = '2026-06-30';
process.env.SHISHI_PWHASH_FAST = '1';
const TMP = process.env.SHISHI_TMP || os.tmpdir();
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const SHA = crypto.createHash('sha256').update(PDF).digest('hex');

// A server (with env added to the process's), a reporter's report on it
// and the upload of PDF to it; the server and the answer.
async function upload(env) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let srv;
  try {
    srv = await startServer();
  } finally {
    for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
  }
  try {
    const plan = (await getJson(srv.base, '/api/v1/plan')).json;
    const T = plan.targets.find((t) => t.kind === 'count' && t.value >= 1000).id;
    shishi('assign', '--db', srv.db, '--target', String(T), '--org', '650102', '--value', '100');
    userAdd(srv.db, 'reporter', 'reporter', '650102');
    const rep = await signIn(srv.base, 'reporter');
    const r = await rep.post('/api/v1/reports',
                             { target: T, org: '650102', date: '2026-05-31', value: 1,
                               status: 'draft' });
    assert.equal(r.status, 201, String(r.buf));
    const up = await rep.upload(`/api/v1/reports/${r.json.id}/evidence`, 'file', 'proof.pdf',
                                'application/pdf', PDF);
    return { srv, up };
  } catch (e) {
    await srv.stop();
    throw e;
  }
}

// Run check(srv, up) on an upload, and stop the server whatever happens.
async function withUpload(env, check) {
  const { srv, up } = await upload(env);
  try {
    await check(srv, up);
  } finally {
    const log = srv.log();
    assert.equal(await srv.stop(), 0, 'server exits cleanly:\n' + log.slice(-3000));
  }
}

test('by default an evidence file is kept beside the database, named by its SHA-256',
     { skip: BACKEND === 'pg' && 'a PostgreSQL database has no file to keep evidence beside' },
     () => withUpload({}, (srv, up) => {
  assert.equal(up.status, 201, String(up.buf));
  assert.deepEqual(fs.readFileSync(path.join(`${srv.db}.evidence`, SHA)), PDF);
}));

test('SHISHI_EVIDENCE_DIR names the directory: the file goes there, not beside the database',
     async () => {
  const dir = fs.mkdtempSync(path.join(TMP, 'evidence-'));
  const ev = path.join(dir, 'shared');
  try {
    await withUpload({ SHISHI_EVIDENCE_DIR: ev }, (srv, up) => {
      assert.equal(up.status, 201, String(up.buf));
      assert.deepEqual(fs.readFileSync(path.join(ev, SHA)), PDF);
      assert.ok(!fs.existsSync(`${srv.db}.evidence`), 'nothing beside the database');
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an evidence directory that cannot be made refuses the upload and records nothing',
     async () => {
  const dir = fs.mkdtempSync(path.join(TMP, 'evidence-'));
  try {
    await withUpload({ SHISHI_EVIDENCE_DIR: path.join(dir, 'no', 'such') }, (srv, up) => {
      assert.equal(up.status, 500, String(up.buf));
      assert.equal(sql(srv.db, 'SELECT count(*) FROM evidence'), '0');
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
