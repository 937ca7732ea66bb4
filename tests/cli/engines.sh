#!/bin/sh
# engines.sh - issue 17: every locked npm package runs on Debian 12's own
# Node (18.20.4), whatever Node this machine happens to have; and `make
# deps` (so `make check` and `make run`) stops at once, with a line naming
# the package, when the installed Node is older than a locked package wants.
. "$(dirname "$0")/lib.sh"
DEBIAN_NODE=18.20.4

# 1. The real lockfile against Debian 12's Node.
if SHISHI_NODE_VERSION=$DEBIAN_NODE node scripts/check-engines.js package-lock.json > "$T/eng.out"; then
    ok "package-lock.json runs on Debian 12's node $DEBIAN_NODE"
else
    no "package-lock.json wants a newer node than Debian 12's $DEBIAN_NODE:"; cat "$T/eng.out"
fi
grep -q '"playwright-core"' package.json && ok "playwright-core is locked" || no "playwright-core is not in package.json"

# 2. A lockfile with one package that wants Node 20 is refused, by name.
cat > "$T/lock.json" <<'EOF'
{"name": "x", "lockfileVersion": 3, "packages": {
  "": {"name": "x"},
  "node_modules/old-enough": {"version": "1.0.0", "engines": {"node": ">=14"}},
  "node_modules/wants-twenty": {"version": "2.3.4", "engines": {"node": ">=20"}},
  "node_modules/mac-only": {"version": "1.0.0", "os": ["darwin"], "engines": {"node": ">=99"}}
}}
EOF
SHISHI_NODE_VERSION=$DEBIAN_NODE node scripts/check-engines.js "$T/lock.json" > "$T/eng.out"; rc=$?
[ "$rc" -eq 1 ] && ok "a package wanting node 20 fails the check on 18" || no "exit $rc, wanted 1"
grep -q 'wants-twenty 2.3.4 needs node >=20' "$T/eng.out" && ok "the line names the package, its version and its range" \
    || { no "no line naming wants-twenty"; cat "$T/eng.out"; }
grep -q "node $DEBIAN_NODE is too old" "$T/eng.out" && ok "the line names the node version" || no "node version not named"
grep -q 'old-enough\|mac-only' "$T/eng.out" && no "packages that fit (or are not for Linux) are named" || ok "only the package that does not fit is named"
SHISHI_NODE_VERSION=20.1.0 node scripts/check-engines.js "$T/lock.json" > "$T/eng.out" && ok "the same lockfile passes on node 20" \
    || { no "fails on node 20"; cat "$T/eng.out"; }

# 3. npm's range grammar, case by case.
node -e '
const { satisfies } = require("./scripts/check-engines.js");
const cases = [
  ["18.20.4", ">=18", true], ["18.20.4", ">=20", false], ["18.20.4", ">= 20.16.0", false],
  ["18.20.4", "^18.19.0 || >=20.6.0", true], ["18.18.0", "^18.19.0 || >=20.6.0", false],
  ["20.7.0", "^18.19.0 || >=20.6.0", true], ["18.20.4", "6.* || 8.* || >= 10.*", true],
  ["9.1.0", "6.* || 8.* || >= 10.*", false], ["16.9.0", "^14.15.0 || ^16.10.0 || >=18.0.0", false],
  ["18.20.4", "*", true], ["18.20.4", "4.x || >=6.0.0", true], ["18.20.4", "14 - 18", true],
  ["19.0.0", "14 - 18", false], ["18.20.4", "~18.20.1", true], ["18.21.0", "~18.20.1", false],
  ["18.20.4", ">18.20", false], ["18.21.0", ">18.20", true], ["18.20.4", "<=18.20", true],
  ["18.20.4", "<18.20.4", false], ["18.20.4", "=18.20.4", true], ["v18.20.4", ">=18.17", true],
  ["0.2.9", "^0.2.3", true], ["0.3.0", "^0.2.3", false],
];
let bad = 0;
for (const [v, r, want] of cases)
  if (satisfies(v, r) !== want) { bad++; console.log("wrong: " + v + " in " + JSON.stringify(r) + " should be " + want); }
process.exit(bad ? 1 : 0);' && ok "range grammar: 23 cases" || no "range grammar"

# 4. deps.sh stops early, before npm ci or the build, naming what is too old.
SHISHI_NODE_VERSION=16.20.0 sh scripts/deps.sh > "$T/deps.out" 2>&1; rc=$?
[ "$rc" -ne 0 ] && ok "deps.sh fails on node 16" || no "deps.sh passed on node 16"
grep -q 'node 16.20.0 is too old' "$T/deps.out" && ok "deps.sh says node 16.20.0 is too old" \
    || { no "deps.sh did not say why"; cat "$T/deps.out"; }
grep -q 'npm ci' "$T/deps.out" && no "deps.sh went on to npm ci" || ok "deps.sh stopped before npm ci"

finish engines
