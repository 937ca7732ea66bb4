#!/bin/sh
# bulletin.sh - how long a province's bulletin takes: the default plan
# (51 targets) and region (123 units), every target reported at every
# prefecture with a spread of figures (so the lagging list is long), then
# `shishi bulletin` as PDF and as XLSX, each the whole command (start,
# engine load, layout, fonts, charts, writing), the best of N runs.
#   sh bench/bulletin.sh [RUNS]      (default 5)
# Prints "figure: bulletin pdf <ms> ms (CPU <ms> ms), xlsx ... (<n> pages, ...)".
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
runs=${1:-5}
S=build/shishi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/b.db
export SHISHI_TODAY=2026-07-10
$S init --db "$db" >/dev/null
prefs=$($S divisions list --db "$db" --parent 65 | cut -f1)
n=0
for t in $(seq 1 51); do
    for p in $prefs; do
        # a level between 0 and 99 % of a notional 1,000: some on track,
        # some lagging; rates stay within 100
        v=$(( (t * 37 + n * 11) % 100 ))
        $S report add --db "$db" --target "$t" --org "$p" --date 2026-06-30 --value "$v" \
            --numerator "$v" --denominator 100 >/dev/null 2>&1 ||
            $S report add --db "$db" --target "$t" --org "$p" --date 2026-06-30 --value "$v" \
                >/dev/null 2>&1 || true
        n=$((n + 1))
    done
done
reports=$($S status --db "$db" --json | python3 -c "import json,sys; print(sum(1 for p in json.load(sys.stdin)['projects'] for t in p['targets'] if t['reporters']))")
# FORMAT: the best wall time and the best CPU time (user + system) in ms
# of $runs renders; on a shared machine the CPU time is the command's own
best() {
    python3 - "$runs" "$S" "$db" "$1" "$tmp/b.$1" <<'PY'
import os, subprocess, sys, time
runs, s, db, fmt, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
wall = cpu = None
for _ in range(runs):
    t = time.monotonic()
    p = subprocess.Popen([s, 'bulletin', '--db', db, '--period', '2026-06', '--format', fmt,
                          '--out', out])
    _, status, ru = os.wait4(p.pid, 0)
    assert status == 0
    w, c = (time.monotonic() - t) * 1000, (ru.ru_utime + ru.ru_stime) * 1000
    wall = w if wall is None else min(wall, w)
    cpu = c if cpu is None else min(cpu, c)
print('%d ms (CPU %d ms)' % (wall, cpu))
PY
}
pdf=$(best pdf)
xlsx=$(best xlsx)
pages=$(pdfinfo "$tmp/b.pdf" | sed -n 's/^Pages: *//p')
echo "figure: bulletin pdf $pdf, xlsx $xlsx ($pages pages; $reports targets reported, at each of the $(echo $prefs | wc -w) units below the region)"
