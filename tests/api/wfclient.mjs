// wfclient.mjs - small helpers for the workflow API tests: accounts made
// with `shishi user add`, signing in, JSON and multipart requests carrying
// the session cookie and the CSRF token.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import assert from 'node:assert/strict';
import { SHISHI } from './server.mjs';

export function send(base, p, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + p, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        let json;
        try { json = JSON.parse(buf.toString('utf8')); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, buf, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function userAdd(db, name, role, org) {
  const r = spawnSync(SHISHI, ['user', 'add', name, '--role', role, '--org', org, '--db', db],
                      { input: 'a long password\n', encoding: 'utf8',
                        env: { ...process.env, SHISHI_PWHASH_FAST: '1' } });
  assert.equal(r.status, 0, r.stderr);
}

export async function signIn(base, name) {
  const r = await send(base, '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: name, password: 'a long password' }) });
  assert.equal(r.status, 200, `sign-in of ${name}: ${r.buf}`);
  const c = (r.headers['set-cookie'] || []).find((x) => x.startsWith('ss_session='));
  const token = /ss_session=([0-9a-f]*)/.exec(c)[1];
  const cookie = `ss_session=${token}`;
  return {
    name, csrf: r.json.csrf, cookie,
    get: (p) => send(base, p, { headers: { Cookie: cookie } }),
    post: (p, obj, { csrf = true } = {}) => send(base, p, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json',
                 ...(csrf ? { 'X-CSRF-Token': r.json.csrf } : {}) },
      body: obj === undefined ? undefined : JSON.stringify(obj) }),
    upload: (p, field, filename, type, bytes) => {
      const boundary = '----shishi' + Math.random().toString(16).slice(2);
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; ` +
                    `filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
        Buffer.from(bytes),
        Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return send(base, p, { method: 'POST', body, headers: {
        Cookie: cookie, 'X-CSRF-Token': r.json.csrf,
        'Content-Type': `multipart/form-data; boundary=${boundary}` } });
    },
  };
}
