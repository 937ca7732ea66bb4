#!/bin/sh
# bench/http.sh - HTTP throughput of `shishi serve` against nginx serving
# the same bytes as static files, and the cost of a cache miss.
#
#   sh bench/http.sh            (after make; needs wrk and nginx-light)
#
# Both servers run on loopback with 2 workers (nginx: open_file_cache, no
# access log; shishi: its thread pool, access log to a file). wrk runs
# with 2 threads and 50 connections on the same machine: after a 1 s
# warm-up of each, 3 rounds of 3 s per URL alternate between the two
# servers, so a change in the machine's load hits both; the ratio is the
# median of the rounds'. The load average printed first says how busy the
# machine was (the figures move with it).
#
# A cache miss is the first GET after a report changed the figures; the
# server logs what it cost, part by part ("cache miss /: refresh …,
# render …, gzip …, total …"): the engine refresh that pulled the report
# in, the HTML/JSON render, the gzip of the new blob (at the fast level:
# the best one is redone after the answer went out) and their sum. Province
# scale: the default region (123 org units, 51 targets), reports from many
# units. Loopback only, bounded run time (about 50 s).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHISHI_BIN:-$top/build/shishi}
for c in wrk nginx curl; do
    command -v $c >/dev/null 2>&1 || [ -x /usr/sbin/$c ] || {
        echo "bench/http.sh: $c is missing (apt-get install -y wrk nginx-light curl)" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
tmp=$(mktemp -d)
chmod 755 "$tmp"
spid=""
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null || true
    [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
    sleep 0.2
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$bin" init --db "$tmp/b.db" >/dev/null
# reports from prefectures and counties for a spread of targets
n=0
for t in 1 2 3 5 7 11 12 14 20 25 30 35 40; do
    for o in 6501 6502 6504 6505 6523 6527 6528 6529 6530 6531 6532 6540 6542 6543; do
        "$bin" report add --db "$tmp/b.db" --target $t --org $o --date 2026-06-30 \
            --value $(( (t * 37 + n * 11) % 900 + 100 )) >/dev/null 2>&1 && n=$((n + 1))
    done
done

"$bin" serve --db "$tmp/b.db" --listen 127.0.0.1:0 --threads 2 2> "$tmp/serve.log" &
spid=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's/.*(port \([0-9]*\),.*/\1/p' "$tmp/serve.log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "shishi serve did not start"; cat "$tmp/serve.log"; exit 1; }
S=http://127.0.0.1:$port

mkdir -p "$tmp/www/api/v1"
curl -s "$S/" > "$tmp/www/index.html"
curl -s "$S/api/v1/plan" > "$tmp/www/api/v1/plan"
nport=$((port + 1))
[ "$nport" -gt 65000 ] && nport=18081
cat > "$tmp/nginx.conf" <<NGX
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
daemon on;
events { worker_connections 1024; }
http {
    access_log off;
    open_file_cache max=100 inactive=60s;
    open_file_cache_valid 60s;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $tmp/nginx-body;
    proxy_temp_path $tmp/nginx-proxy;
    fastcgi_temp_path $tmp/nginx-fcgi;
    uwsgi_temp_path $tmp/nginx-uwsgi;
    scgi_temp_path $tmp/nginx-scgi;
    server {
        listen 127.0.0.1:$nport;
        root $tmp/www;
        location = / { default_type "text/html; charset=utf-8"; rewrite ^ /index.html break; }
        location = /api/v1/plan { default_type "application/json"; }
    }
}
NGX
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" 2>/dev/null || "$NGINX" -c "$tmp/nginx.conf" -p "$tmp"
N=http://127.0.0.1:$nport
sleep 0.3
curl -sf "$N/" -o /dev/null || { echo "nginx did not serve"; cat "$tmp/nginx-error.log"; exit 1; }

rate() { # URL SECONDS -> requests/s
    wrk -t2 -c50 -d"$2"s "$1" | awk '/Requests\/sec/ { print $2 }'
}
rounds=3
echo "HTTP throughput, loopback, 2 workers each, wrk -t2 -c50, $rounds rounds of 3 s per server and URL, servers alternating ($(nproc) CPUs, load average$(uptime | sed 's/.*load average//'))"
printf '%-16s %6s %12s %12s %8s\n' path round shishi nginx ratio
for p in / /api/v1/plan; do
    rate "$S$p" 1 >/dev/null # warm-up: connections, pools, caches, for both
    rate "$N$p" 1 >/dev/null
    : > "$tmp/ratios"
    for r in $(seq 1 $rounds); do
        a=$(rate "$S$p" 3)
        b=$(rate "$N$p" 3)
        q=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
        echo "$q" >> "$tmp/ratios"
        printf '%-16s %6s %12s %12s %7sx\n' "$p" "$r" "$a" "$b" "$q"
    done
    printf '%-16s %6s %12s %12s %7sx\n' "$p" median "" "" "$(sort -n "$tmp/ratios" | sed -n "$(( (rounds + 1) / 2 ))p")"
done
size=$(wc -c < "$tmp/www/index.html")
echo "(/ is $size bytes, /api/v1/plan $(wc -c < "$tmp/www/api/v1/plan") bytes, uncompressed)"

# cache miss: a report changes the figures, the next GET / re-renders (and
# refreshes the engine), the GET /api/v1/plan after it only re-renders
runs=5
before=$(grep -ac 'cache miss' "$tmp/serve.log" || true)
for i in $(seq 1 $runs); do
    "$bin" report add --db "$tmp/b.db" --target 1 --org 6501 --date 2026-07-0$i \
        --value $((5000 + i)) >/dev/null
    curl -s "$S/" -o /dev/null
    curl -s -H 'Accept-Encoding: gzip' "$S/api/v1/plan" -o /dev/null
done
grep -a 'cache miss' "$tmp/serve.log" | tail -n +$((before + 1)) > "$tmp/miss.log"
echo "cache miss after a report, server-side, mean (max) of $runs, ms:"
printf '%-16s %14s %14s %14s %14s\n' path refresh render gzip total
for p in / /api/v1/plan; do
    sed -n "s|.*cache miss $p: refresh \([0-9.]*\) ms, render \([0-9.]*\) ms, gzip \([0-9.]*\) ms (level \([0-9]*\).*total \([0-9.]*\) ms.*|\1 \2 \3 \5 \4|p" \
        "$tmp/miss.log" | awk -v p="$p" '
        { for (k = 1; k <= 4; k++) { s[k] += $k; if ($k > m[k]) m[k] = $k } n++; lvl = $5 }
        END {
            if (!n) { printf "%-16s (no cache miss logged)\n", p; exit }
            printf "%-16s", p
            for (k = 1; k <= 4; k++) printf " %6.3f (%5.3f)", s[k] / n, m[k]
            printf "   gzip level %s\n", lvl
        }'
done
