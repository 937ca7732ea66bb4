// openapi.test.mjs - docs/openapi.json, the served document and the live
// routes agree (the document is generated from the route table:
// `shishi serve --openapi > docs/openapi.json`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, getJson, request, shishi } from './server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { assert.equal(await srv.stop(), 0); });

const EXAMPLE = { id: '1', code: '65', no: '1' };

test('docs/openapi.json is what the binary generates and serves', async () => {
  const file = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  const served = (await getJson(srv.base, '/api/v1/openapi.json')).json;
  assert.deepEqual(served, file);
  assert.deepEqual(JSON.parse(shishi('serve', '--openapi')), file);
  assert.equal(file.openapi.slice(0, 2), '3.');
});

test('every documented path answers, with the documented fields', async () => {
  const doc = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  const schemas = doc.components.schemas;
  for (const [p, item] of Object.entries(doc.paths)) {
    // routes that need a session are checked by session.test.mjs
    if (!item.get || item.get.security) continue;
    const url = p.replace(/\{(\w+)\}/g, (_, k) => EXAMPLE[k]);
    const r = await getJson(srv.base, url);
    assert.equal(r.status, 200, url);
    const ref = item.get.responses['200'].content['application/json'].schema.$ref;
    if (!ref) continue;
    const s = schemas[ref.split('/').pop()];
    for (const k of Object.keys(s.properties)) assert.ok(k in r.json, `${url} has ${k}`);
    for (const code of Object.keys(item.get.responses)) assert.match(code, /^(200|400|404|405)$/);
  }
});

test('no API route outside the document', async () => {
  const doc = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'));
  for (const p of ['/api/v1/plans', '/api/v1/target/1', '/api/v2/plan', '/api/v1/orgs']) {
    assert.ok(!(p in doc.paths));
    assert.equal((await request(srv.base, p)).status, 404, p);
  }
});
