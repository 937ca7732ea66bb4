#!/bin/sh
# bench/http.sh - HTTP throughput of `shishi serve` against nginx serving
# the same bytes as static files, and the cost of a cache miss.
#
#   sh bench/http.sh            (after make; needs wrk and nginx-light)
#
# Three servers run on loopback, each with 2 workers: shishi serve (its
# thread pool, access log to a file), nginx (open_file_cache, sendfile,
# gzip_static, no access log) serving the same bytes as static files, and
# bench/bare_mhd.c, libmicrohttpd alone answering the same bytes from
# memory. wrk runs with 2 threads and 50 connections on the same machine,
# so client and servers share its cores. After a 1 s warm-up of each, every
# round runs each server once for HTTP_SECS (1) second, in an order that
# rotates from round to round; the ratio is the median of HTTP_ROUNDS (11)
# rounds' ratios, with their range beside it. The rows marked gzip send
# Accept-Encoding: gzip, as browsers do (shishi's cached gzip bytes; nginx
# gzip_static with the same bytes). The load average printed first says how
# busy the machine was (the figures move with it).
#
# A cache miss is the first GET after a report changed the figures; the
# server logs what it cost, part by part ("cache miss /: refresh …,
# render …, gzip …, total …"): the engine refresh that pulled the report
# in, the HTML/JSON render, the gzip of the new blob (at the fast level:
# the best one is redone after the answer went out) and their sum. Province
# scale: the default region (123 org units, 51 targets), reports from many
# units. Loopback only, bounded run time (about 2 minutes).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${SHISHI_BIN:-$top/build/shishi}
bare=$top/build/bench/bare_mhd
[ -x "$bare" ] || { echo "bench/http.sh: build/bench/bare_mhd is missing (make bench builds it)" >&2; exit 1; }
for c in wrk nginx curl; do
    command -v $c >/dev/null 2>&1 || [ -x /usr/sbin/$c ] || {
        echo "bench/http.sh: $c is missing (apt-get install -y wrk nginx-light curl)" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
tmp=$(mktemp -d)
chmod 755 "$tmp"
spid=""
bpid=""
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null || true
    [ -n "$bpid" ] && kill "$bpid" 2>/dev/null || true
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
# the gzip bytes shishi sends once the best level replaced the fast one
for u in / /api/v1/plan; do curl -s -H 'Accept-Encoding: gzip' "$S$u" -o /dev/null; done
sleep 0.5
curl -s -H 'Accept-Encoding: gzip' "$S/" > "$tmp/www/index.html.gz"
curl -s -H 'Accept-Encoding: gzip' "$S/api/v1/plan" > "$tmp/www/api/v1/plan.gz"
nport=$((port + 1))
[ "$nport" -gt 65000 ] && nport=18081
bport=$((nport + 1))
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
    gzip_static on;
    client_body_temp_path $tmp/nginx-body;
    proxy_temp_path $tmp/nginx-proxy;
    fastcgi_temp_path $tmp/nginx-fcgi;
    uwsgi_temp_path $tmp/nginx-uwsgi;
    scgi_temp_path $tmp/nginx-scgi;
    server {
        listen 127.0.0.1:$nport;
        root $tmp/www;
        location = / { default_type "text/html; charset=utf-8"; rewrite ^ /index.html break; }
        location = /api/v1/plan { default_type "application/json; charset=utf-8"; }
    }
}
NGX
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" 2>/dev/null || "$NGINX" -c "$tmp/nginx.conf" -p "$tmp"
N=http://127.0.0.1:$nport
"$bare" $bport "/=$tmp/www/index.html:text/html; charset=utf-8" \
    "/api/v1/plan=$tmp/www/api/v1/plan:application/json; charset=utf-8" &
bpid=$!
B=http://127.0.0.1:$bport
sleep 0.3
curl -sf "$N/" -o /dev/null || { echo "nginx did not serve"; cat "$tmp/nginx-error.log"; exit 1; }
curl -sf "$B/" -o /dev/null || { echo "bare_mhd did not serve"; exit 1; }
for u in / /api/v1/plan; do # the same bytes from all three
    a=$(curl -s "$S$u" | cksum); b=$(curl -s "$N$u" | cksum); c=$(curl -s "$B$u" | cksum)
    [ "$a" = "$b" ] && [ "$a" = "$c" ] || { echo "the servers do not send the same bytes for $u"; exit 1; }
    a=$(curl -s -H 'Accept-Encoding: gzip' "$S$u" | cksum)
    b=$(curl -s -H 'Accept-Encoding: gzip' "$N$u" | cksum)
    [ "$a" = "$b" ] || { echo "shishi and nginx do not send the same gzip bytes for $u"; exit 1; }
done

rate() { # URL SECONDS [wrk options] -> requests/s
    u=$1 d=$2
    shift 2
    wrk -t2 -c50 -d"$d"s "$@" "$u" | awk '/Requests\/sec/ { print $2 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }'; }

# Each round runs every server once, in an order that rotates from round to
# round, so drift in the machine's load does not favour whoever goes first.
# $1 path, $2 label, then wrk options; servers in $servers (S N [B]).
measure() {
    p=$1 label=$2
    shift 2
    for v in $servers; do eval "rate \"\$$v\$p\" 1 \"\$@\"" >/dev/null; done # warm-up
    : > "$tmp/sn"
    : > "$tmp/bn"
    for r in $(seq 1 $rounds); do
        order=$servers
        k=0
        while [ $k -lt $(( r % $(echo $servers | wc -w) )) ]; do
            order="$(echo $order | cut -d' ' -f2-) $(echo $order | cut -d' ' -f1)"
            k=$((k + 1))
        done
        rs="" rn="" rb="-"
        for v in $order; do
            x=$(eval "rate \"\$$v\$p\" $secs \"\$@\"")
            case $v in S) rs=$x ;; N) rn=$x ;; B) rb=$x ;; esac
        done
        q=$(awk -v a="$rs" -v b="$rn" 'BEGIN { printf "%.2f", a / b }')
        echo "$q" >> "$tmp/sn"
        qb=-
        if [ "$rb" != - ]; then
            qb=$(awk -v a="$rb" -v b="$rn" 'BEGIN { printf "%.2f", a / b }')
            echo "$qb" >> "$tmp/bn"
        fi
        [ "$rb" != - ] && rb=$(printf '%.0f' "$rb")
        printf '%-18s %5s %10.0f %10.0f %10s %8sx %8sx\n' "$label" "$r" "$rs" "$rn" "$rb" "$q" "$qb"
    done
    if [ -s "$tmp/bn" ]; then
        printf '%-18s %5s %32s %8sx %8sx   (range %s, bare %s)\n' "$label" median "" \
            "$(median < "$tmp/sn")" "$(median < "$tmp/bn")" "$(range < "$tmp/sn")" \
            "$(range < "$tmp/bn")"
    else
        printf '%-18s %5s %32s %8sx %9s   (range %s)\n' "$label" median "" \
            "$(median < "$tmp/sn")" "" "$(range < "$tmp/sn")"
    fi
}

rounds=${HTTP_ROUNDS:-11}
secs=${HTTP_SECS:-1}
echo "HTTP throughput, requests/s, loopback, wrk -t2 -c50, $rounds rounds of $secs s per server, the order rotating ($(nproc) CPUs, load average$(uptime | sed 's/.*load average//'))"
echo "  shishi: serve --threads 2, from its cache, access log on; nginx: 2 workers, open_file_cache, sendfile,"
echo "  the same bytes as static files (gzip_static for the gzip rows); bare: libmicrohttpd alone answering"
echo "  the same bytes from memory (bench/bare_mhd.c), the floor for any server built on it"
printf '%-18s %5s %10s %10s %10s %9s %9s\n' path round shishi nginx bare shishi/ng bare/ng
servers="S N B"
for p in / /api/v1/plan; do
    measure "$p" "$p"
done
servers="S N"
for p in / /api/v1/plan; do
    measure "$p" "$p (gzip)" -H 'Accept-Encoding: gzip'
done
echo "(/ is $(wc -c < "$tmp/www/index.html") bytes, $(wc -c < "$tmp/www/index.html.gz") gzipped;" \
    "/api/v1/plan $(wc -c < "$tmp/www/api/v1/plan") bytes, $(wc -c < "$tmp/www/api/v1/plan.gz") gzipped)"

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
