// check-engines.js [LOCKFILE] - does this Node satisfy every locked package?
//
// Reads the "engines.node" range of every package in package-lock.json and
// checks it against the running Node (or $SHISHI_NODE_VERSION, so a test can
// ask "would Debian 12's Node 18.20.4 do?"). Prints one line per package
// that wants more and exits 1; prints nothing and exits 0 when all fit.
// npm only warns about such packages at install time, and the failure then
// shows up much later, deep in a browser test; this makes it the first line.
//
// Written in the plain JavaScript every Node since 8 runs, since its job is
// to speak up on an old one. The range grammar is npm's (node-semver):
// "a || b", comparator sets separated by spaces, >= > <= < =, ^ and ~,
// x/X/* wildcards and partial versions, and "A - B" hyphen ranges.
'use strict';
var fs = require('fs');

function parse(v) {
    var m = /^v?(\d+|[xX*])?(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?/.exec(String(v).trim());
    var out = [];
    for (var i = 1; i <= 3; i++) {
        if (!m || m[i] === undefined || /[xX*]/.test(m[i])) break;
        out.push(parseInt(m[i], 10));
    }
    return out; // the given parts only: "18" -> [18], "18.2.x" -> [18, 2]
}

function cmp(a, b) {
    for (var i = 0; i < 3; i++) {
        var d = (a[i] || 0) - (b[i] || 0);
        if (d) return d < 0 ? -1 : 1;
    }
    return 0;
}

function pad(p) { return [p[0] || 0, p[1] || 0, p[2] || 0]; }

// The smallest version above every version that matches the partial p.
function next(p) {
    if (p.length === 0) return [Infinity, 0, 0];
    var n = pad(p);
    n[p.length - 1]++;
    for (var i = p.length; i < 3; i++) n[i] = 0;
    return n;
}

// One comparator, as a list of [op, version] pairs that must all hold.
function comparator(c) {
    var m = /^(>=|<=|>|<|=|\^|~>?|)\s*(.*)$/.exec(c);
    var op = m[1], p = parse(m[2]);
    if (p.length === 0) return op === '<' || op === '>' ? [['<', [0, 0, 0]]] : [];
    if (op === '^') {
        var i = 0;
        while (i < p.length - 1 && p[i] === 0) i++;
        return [['>=', pad(p)], ['<', next(p.slice(0, i + 1))]];
    }
    if (op === '~' || op === '~>') return [['>=', pad(p)], ['<', next(p.slice(0, p.length > 1 ? 2 : 1))]];
    if (op === '' || op === '=') return [['>=', pad(p)], ['<', next(p)]];
    if (op === '>') return [['>=', next(p)]];
    if (op === '<=') return [['<', next(p)]];
    return [[op, pad(p)]];
}

function satisfies(version, range) {
    var v = pad(parse(version));
    return String(range).split('||').some(function (set) {
        set = set.trim().replace(/^(\S+)\s+-\s+(\S+)$/, '>=$1 <=$2');
        set = set.replace(/(>=|<=|>|<|=|\^|~>?)\s+/g, '$1');
        var parts = set ? set.split(/\s+/) : [];
        return parts.every(function (c) {
            return comparator(c).every(function (t) {
                var d = cmp(v, t[1]);
                return t[0] === '>=' ? d >= 0 : t[0] === '<' ? d < 0 : d <= 0;
            });
        });
    });
}

function main() {
    var file = process.argv[2] || 'package-lock.json';
    var node = process.env.SHISHI_NODE_VERSION || process.version;
    var lock;
    try {
        lock = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
        console.log('deps: cannot read ' + file + ': ' + e.message);
        return 1;
    }
    var bad = [];
    var pkgs = lock.packages || {};
    Object.keys(pkgs).forEach(function (path) {
        var p = pkgs[path], want = p.engines && p.engines.node;
        if (!path || (p.os && p.os.indexOf('linux') < 0)) return; // the project, or not for Linux
        if (typeof want === 'string' && !satisfies(node, want))
            bad.push(path.replace(/^.*node_modules\//, '') + ' ' + (p.version || '') +
                     ' needs node ' + want);
    });
    if (bad.length === 0) return 0;
    console.log('deps: node ' + node.replace(/^v/, '') + ' is too old for ' + file + ':');
    bad.sort().forEach(function (b) { console.log('  ' + b); });
    console.log('deps: install a Node that satisfies these (Debian 12 ships 18.20.4), ' +
                'or pin versions in package.json whose "engines" allow it.');
    return 1;
}

if (require.main === module) process.exit(main());
module.exports = { satisfies: satisfies };
