#!/bin/sh
# replica.test.sh - serve --db-replica (make check-ha): the figures come
# from a hot standby, writes go to the primary, and an approval is in the
# figures by the time it is acknowledged; /api/v1/plan says how far the
# standby had replayed (replica_as_of).
SUITE=replica
. "$(dirname "$0")/halib.sh"
SHISHI_TODAY=2026-12-31
SHISHI_AUDIT_KEY=$T/audit.key
SHISHI_PWHASH_FAST=1
export SHISHI_TODAY SHISHI_AUDIT_KEY SHISHI_PWHASH_FAST
must "a primary starts" ha primary "$P"
up=$(cat "$T/out")
must "a standby streams from it" ha standby "$P" "$SB"
must "a database for shishi" psql -d "$up" -c "CREATE DATABASE shishi"
db=$(ha url shishi "$P")
rep=$(ha url shishi "$SB" | sed 's/target_session_attrs=read-write/target_session_attrs=any/')
must "shishi init on the primary" "$S" init --db "$db"
echo 'a long password' | "$S" user add reporter --role reporter --org 650102 --db "$db" > /dev/null &&
    echo 'a long password' | "$S" user add reviewer --role reviewer --org 6501 --db "$db" > /dev/null &&
    ok "accounts" || no "accounts"
"$S" serve --db "$db" --db-replica "$rep" --listen 127.0.0.1:0 2> "$T/serve.log" &
spid=$!
ha_track "$spid"
k=0
until port=$(sed -n 's/.*listening on .*(port \([0-9]*\).*/\1/p' "$T/serve.log") && [ -n "$port" ]; do
    k=$((k + 1))
    [ "$k" -lt 300 ] || { no "serve starts"; cat "$T/serve.log"; finish replica; exit 1; }
    sleep 0.1
done
ok "serve listens with a replica"
node - "http://127.0.0.1:$port" > "$T/run.out" 2> "$T/run.err" <<'JS'
const base = process.argv[2];
const http = await import('node:http');
const j = (p, { method = 'GET', headers = {}, body } = {}) => new Promise((resolve, reject) => {
  const req = http.request(base + p, { method, headers, agent: false }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      let json = null;
      try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch {}
      resolve({ status: res.statusCode, headers: res.headers, json });
    });
  });
  req.on('error', reject);
  if (body !== undefined) req.write(body);
  req.end();
});
const signIn = async (user) => {
  const r = await j('/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, password: 'a long password' }) });
  if (r.status !== 200) throw new Error('sign-in of ' + user + ': ' + r.status);
  const c = (r.headers['set-cookie'] || []).find((x) => x.startsWith('ss_session=')).split(';')[0];
  return (p, obj) => j(p, { method: 'POST', headers: { Cookie: c, 'X-CSRF-Token': r.json.csrf, 'Content-Type': 'application/json' },
                             body: obj === undefined ? undefined : JSON.stringify(obj) });
};
const plan = (await j('/api/v1/plan')).json;
const T = plan.targets.find((t) => t.kind === 'count').id;
console.log('as_of0 ' + plan.replica_as_of);
const rep = await signIn('reporter'), rev = await signIn('reviewer');
let lag = 0;
for (let n = 0; n < 10; n++) {
  const date = `2026-0${1 + Math.floor(n / 2)}-${String(10 + n).padStart(2, '0')}`;
  const r = await rep('/api/v1/reports', { target: T, org: '650102', date, value: 10 + n });
  if (r.status !== 201) throw new Error('submit ' + r.status);
  const ok = await rev(`/api/v1/reports/${r.json.id}/approve`);
  if (ok.status !== 200) throw new Error('approve ' + ok.status);
  const got = (await j('/api/v1/orgs/650102')).json.targets.find((t) => t.id === T).actual;
  if (got !== 10 + n) lag++;
}
const after = (await j('/api/v1/plan')).json;
console.log('lag ' + lag);
console.log('as_of1 ' + after.replica_as_of);
JS
[ $? -eq 0 ] && ok "reports approved through serve" || { no "reports approved through serve"; cat "$T/run.err"; }
same "each approval is in the figures read from the standby when acknowledged" \
    "$(sed -n 's/^lag //p' "$T/run.out")" 0
as1=$(sed -n 's/^as_of1 //p' "$T/run.out")
case $as1 in
20[0-9][0-9]-[01][0-9]-[0-3][0-9]T*Z) ok "replica_as_of is the standby's last replayed commit ($as1)" ;;
*) no "replica_as_of is a time: '$as1'" ;;
esac
same "the approvals are on the standby" \
    "$(psql -d "$(ha url shishi "$SB" | sed 's/read-write/any/')" -c "SELECT count(*) FROM report WHERE status = 'approved'")" 10
kill "$spid" 2> /dev/null
wait "$spid"
src=$?
spid=""
same "serve exits cleanly" "$src" 0
finish replica
