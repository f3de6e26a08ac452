#!/bin/sh
# bench/run.sh - `make bench`: CaseBridge under load on loopback against a one-million-matter region,
# each result next to the limit measured in the same run:
#   HTTP limit     nginx serving a static 200-byte JSON file (same wrk settings)
#   storage limit  a plain SQLite single-row INSERT per transaction, WAL, synchronous=FULL (the
#                  server's setting: a write is on disk before it is acknowledged), in C
#                  (bench/tlog_bench insert); the same at NORMAL is reported for reference
#   hash limit     `openssl speed` SHA-256 on 64-byte blocks (a Merkle node hashes 65 bytes)
# and the verifiable log's own figures (bench/tlog_bench log: appends vs plain inserts at equal
# durability, proof times at 10^6 and 10^7 entries).
#
# Installs wrk, nginx, sqlite3 and openssl when missing (Debian, as root or through sudo), builds,
# generates the region once (cached under bench/out/, git-ignored) and works on a copy of it, so
# every run starts from the same data. Writes bench/out/report.md. Not part of `make test`.
#
# Settings (environment): MATTERS=1000000 SEED=1 DURATION=10 (seconds per wrk run) THREADS=2
# CONNECTIONS=32 PORT=18080 NGINX_PORT=18081 LOG_SIZES="1000000 10000000" (tlog_bench; "" skips)
# FRESH_COPY=1 (0: run on the cached region itself, which the write mix then changes) WARMUP=3
# (seconds of unrecorded load before each read run) PREFILE=15 (seconds of unrecorded filings before
# the write runs: ids for transfer and accept) CASEBRIDGE_BIN (another build, for before/after).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MATTERS=${MATTERS:-1000000}
SEED=${SEED:-1}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
LOG_SIZES=${LOG_SIZES-"1000000 10000000"}
FRESH_COPY=${FRESH_COPY:-1}
PREFILE=${PREFILE:-15}
BUILD=${BUILD:-build/release}
OUT=$ROOT/bench/out
CACHE=$OUT/region-$MATTERS-s$SEED
DATA=$OUT/run
REPORT=$OUT/report.md
RESULTS=$OUT/results.txt
mkdir -p "$OUT"
: >"$RESULTS"

say() { printf '%s\n' "$*" >&2; }

# Other programs (other checkouts' servers) may listen on this machine: never talk to them. Take the
# first free port from the one asked for.
port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q . ; }
free_port() {
	p=$1
	while port_busy "$p"; do
		p=$((p + 1))
		[ "$p" -lt $(($1 + 100)) ] || { say "no free port near $1"; exit 1; }
	done
	echo "$p"
}
PORT=$(free_port "$PORT")
NGINX_PORT=$(free_port "$NGINX_PORT")
[ "$PORT" != "$NGINX_PORT" ] || NGINX_PORT=$(free_port $((PORT + 1)))

# ---- tools -------------------------------------------------------------------------------------
sh scripts/deps.sh wrk nginx sqlite3 openssl curl iproute2 build-essential pkg-config libmicrohttpd-dev \
	libjansson-dev libsqlite3-dev libssl-dev libargon2-dev
make --no-print-directory casebridge bench-tools >/dev/null
BIN=${CASEBRIDGE_BIN:-$ROOT/casebridge}
TLOG_BENCH=$ROOT/$BUILD/bench/tlog_bench

SERVER_PID=""
NGINX_PID=""
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# ---- the region --------------------------------------------------------------------------------
if [ ! -f "$CACHE/.complete" ]; then
	say "generating $MATTERS matters (seed $SEED) into $CACHE (once; later runs reuse it)"
	rm -rf "$CACHE"
	"$BIN" gen --matters "$MATTERS" --seed "$SEED" --data-dir "$CACHE" --log-level warn >"$OUT/gen.txt"
	cat "$OUT/gen.txt"
	cp "$OUT/gen.txt" "$CACHE/.complete"
fi
if [ "$FRESH_COPY" = 1 ]; then
	say "copying the region to $DATA"
	rm -rf "$DATA"
	cp -a --reflink=auto "$CACHE" "$DATA"
else
	DATA=$CACHE
fi
DB=$DATA/casebridge.db
# a newer schema (new indexes) is applied here, once, as an upgrade would: start-up is timed after it
say "migrating the copy to the current schema"
"$BIN" migrate --data-dir "$DATA" --log-level warn >/dev/null
# and the disk writes back the copy and what the migration wrote before anything is measured: while
# it did, run 11's read mix ran at 3,201 a second (5,728 on the same code on a quiet disk)
sync
MAX_ID=$(sqlite3 "$DB" "SELECT max(id) FROM matters")
DB_MB=$(( $(stat -c %s "$DB") / 1048576 ))
N_EVENTS=$(sqlite3 "$DB" "SELECT max(seq) FROM events")

# ---- the limits --------------------------------------------------------------------------------
result() { printf '%s %s\n' "$1" "$2" >>"$RESULTS"; }

wrk_run() { # name script url [connections]
	name=$1; script=$2; url=$3; conns=${4:-$CONNECTIONS}
	if [ -n "$script" ] && [ "${name#read_}" != "$name" ] && [ "${WARMUP:-3}" -gt 0 ]; then
		# warm the page cache and the statement caches first; only the second run counts
		wrk -t"$THREADS" -c"$conns" -d"${WARMUP:-3}s" --timeout 10s -s "$script" "$url" >/dev/null 2>&1 || true
	fi
	say "wrk $name: ${DURATION}s, $THREADS threads, $conns connections"
	if [ -n "$script" ]; then
		line=$(wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --timeout 10s -s "$script" "$url" | grep '^RESULT' || true)
	else
		line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s bench/lua/static.lua "$url" | grep '^RESULT' || true)
	fi
	[ -n "$line" ] || { say "wrk $name produced no result"; line="RESULT requests=0 seconds=0 rps=0 p50_ms=0 p99_ms=0 max_ms=0 non2xx=0 errors=0"; }
	result "$name" "${line#RESULT }"
	say "  $line"
}

field() { # name key
	grep "^$1 " "$RESULTS" | tail -n1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

NGX=$OUT/nginx
rm -rf "$NGX" && mkdir -p "$NGX/www" "$NGX/tmp"
# 200 bytes of JSON
printf '{"status":"ok","service":"casebridge-static","note":"a static file served by nginx as the HTTP limit for the benchmark","padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}' | head -c 199 >"$NGX/www/static.json"
printf '\n' >>"$NGX/www/static.json"
cat >"$NGX/nginx.conf" <<EOF
worker_processes $(nproc);
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $NGX/tmp; proxy_temp_path $NGX/tmp; fastcgi_temp_path $NGX/tmp;
  uwsgi_temp_path $NGX/tmp; scgi_temp_path $NGX/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /static.json { root $NGX/www; default_type application/json; }
  }
}
EOF
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
"$NGINX" -c "$NGX/nginx.conf" -p "$NGX" 2>>"$NGX/error.log" &
NGINX_PID=$!
sleep 0.5
kill -0 "$NGINX_PID" 2>/dev/null || { say "nginx did not start (see $NGX/error.log)"; NGINX_PID=""; exit 1; }
curl -sf "http://127.0.0.1:$NGINX_PORT/static.json" >/dev/null || { say "nginx did not start (see $NGX/error.log)"; exit 1; }
wrk_run http_limit "" "http://127.0.0.1:$NGINX_PORT/static.json"
kill "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=""

# the disk first writes back what the copy and the migration left dirty (gigabytes): a sync measured
# while it does is slower (5,178-5,292 a second in two runs of 2026-12-04 whose migration built an
# index over the 11 million events, against 7,057-7,210 for the same inserts later in those runs)
sync
for sync in full normal; do
	say "storage limit: plain single-row inserts (synchronous=$sync), 5 s"
	rm -f "$OUT/plain.db" "$OUT/plain.db-wal" "$OUT/plain.db-shm"
	"$TLOG_BENCH" insert "$OUT/plain.db" --sync "$sync" --seconds 5 >"$OUT/plain.txt"
	INSERT_RATE=$(sed -n 's/^insert_per_s=//p' "$OUT/plain.txt")
	[ "$sync" = full ] && result storage_limit "rps=$INSERT_RATE" || result storage_limit_normal "rps=$INSERT_RATE"
done

say "hash limit: openssl speed sha256 (64-byte blocks), 3 s"
SHA_LINE=$(openssl speed -seconds 3 -bytes 64 -evp sha256 2>/dev/null | grep -i '^sha256' | tail -n1)
# "sha256  123456.78k": thousands of bytes per second over 64-byte blocks
SHA_KBPS=$(printf '%s\n' "$SHA_LINE" | awk '{v=$NF; sub(/k$/,"",v); print v}')
SHA_RATE=$(awk -v k="$SHA_KBPS" 'BEGIN{printf "%.0f", k*1000/64}')
result hash_limit "rps=$SHA_RATE"

# ---- the server --------------------------------------------------------------------------------
say "starting casebridge on 127.0.0.1:$PORT ($MATTERS matters, $N_EVENTS events, ${DB_MB} MB)"
T0=$(date +%s%N)
"$BIN" serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" --log-level info >"$OUT/server.out" 2>"$OUT/server.log" &
SERVER_PID=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
	kill -0 "$SERVER_PID" 2>/dev/null || { say "server exited (see $OUT/server.log)"; SERVER_PID=""; exit 1; }
	i=$((i + 1))
	[ "$i" -lt 3000 ] || { say "server did not start (see $OUT/server.log)"; exit 1; }
	sleep 0.01
done
T1=$(date +%s%N)
STARTUP_MS=$(( (T1 - T0) / 1000000 ))
result startup "ms=$STARTUP_MS"
say "  ready in $STARTUP_MS ms"

login() {
	curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/session" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"casebridge-demo\"}" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'
}
CB_TOKEN_REGION=$(login nmg.committee)
CB_TOKEN_LEAGUE=$(login xlgl.committee)
CB_TOKEN_UNIT=$(login hmq.police.handler)
CB_TOKEN_POLICE=$CB_TOKEN_UNIT
CB_TOKEN_PROCURATORATE=$(login hmq.procuratorate.handler)
CB_MAX_ID=$MAX_ID
CB_THREADS=$THREADS
CB_AREA=150103
export CB_TOKEN_REGION CB_TOKEN_LEAGUE CB_TOKEN_UNIT CB_TOKEN_POLICE CB_TOKEN_PROCURATORATE CB_MAX_ID CB_THREADS CB_AREA
[ -n "$CB_TOKEN_REGION" ] && [ -n "$CB_TOKEN_UNIT" ] || { say "login failed"; exit 1; }

URL="http://127.0.0.1:$PORT"
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SERVER_PID/status"; }

# ---- the read mix -------------------------------------------------------------------------------
for r in matter workbench search supervision mix; do
	wrk_run "read_$r" "bench/lua/read_$r.lua" "$URL"
done
# supervision as committees use it: a few at a time (the p99 goal), not 32 at once
wrk_run read_supervision_few bench/lua/read_supervision.lua "$URL" "$THREADS"
result peak_rss_reads "kb=$(hwm)"

# ---- the write mix: file, then transfer what was filed, then accept what was transferred ----------
# first PREFILE seconds of unrecorded filings, so that the transfer run (faster than filing) does not
# use up the matters it may transfer before its time is over
if [ "$PREFILE" -gt 0 ]; then
	say "unrecorded filings for $PREFILE s (ids for the transfer and accept runs)"
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${PREFILE}s" --timeout 10s -s bench/lua/write_file.lua "$URL" >/dev/null 2>&1 || true
fi
wrk_run write_file bench/lua/write_file.lua "$URL"
sqlite3 "$DB" "SELECT m.id FROM matters m WHERE m.holder_unit_id='150103.police' AND m.status='open' AND
	m.stage='investigation' AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.matter_id=m.id AND t.status='sent')
	ORDER BY m.id DESC" >"$OUT/ids_transfer.txt"
CB_IDS=$OUT/ids_transfer.txt
export CB_IDS
result ids_transfer "n=$(wc -l <"$OUT/ids_transfer.txt")"
wrk_run write_transfer bench/lua/write_transfer.lua "$URL"
sqlite3 "$DB" "SELECT id FROM transfers WHERE to_unit_id='150103.procuratorate' AND status='sent' ORDER BY id DESC" \
	>"$OUT/ids_accept.txt"
CB_IDS=$OUT/ids_accept.txt
result ids_accept "n=$(wc -l <"$OUT/ids_accept.txt")"
wrk_run write_accept bench/lua/write_accept.lua "$URL"
result peak_rss "kb=$(hwm)"

kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
# group commit: how many write transactions shared each commit (logged by the server at shutdown)
GC=$(grep 'event=group_commit ' "$OUT/server.log" | tail -n1 | sed 's/.*event=group_commit //')
[ -n "$GC" ] && result group_commit "$GC"

# ---- the verifiable log -------------------------------------------------------------------------
for n in $LOG_SIZES; do
	say "tlog_bench at $n entries (built once under $OUT/tlog-$n)"
	"$TLOG_BENCH" log "$OUT/tlog-$n" --size "$n" --seconds 5 --proofs 2000 >"$OUT/tlog-$n.txt"
	result "tlog_$n" "$(tr '\n' ' ' <"$OUT/tlog-$n.txt")"
done

result load "avg=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"

# ---- the report ----------------------------------------------------------------------------------
sh bench/report.sh "$RESULTS" "$MATTERS" "$N_EVENTS" "$DB_MB" "$DURATION" "$THREADS" "$CONNECTIONS" >"$REPORT"
# ($THREADS connections for read_supervision_few: one per wrk thread)
cat "$REPORT"
say "report: $REPORT"
