#!/bin/sh
# bench/writes.sh BIN REGION [OUT]: the three write runs of bench/run.sh (new matter, transfer,
# accept) alone, on a fresh copy of a generated region, each on its own server start so that each
# run's group-commit counters (the server logs them when it stops) are its own. Before them an
# unrecorded filing run (PREFILE seconds) files the matters that transfer and accept then use, so
# that those runs do not run out of ids. Per run one line: requests/s, p50 and p99 ms, the server's
# CPU per request (user + system, from /proc), the writer held per transaction, transactions per
# COMMIT and per WAL sync, WAL frames per transaction, checkpoint time under the writer lock, peak
# memory. For before/after: run it with two binaries in turn, a few times (the machine is shared).
#
#   casebridge gen --matters 100000 --seed 1 --data-dir R    # the region, once (2-3 minutes)
#   sh bench/writes.sh ./casebridge R
#
# Settings (environment): DURATION=10 PREFILE=20 (seconds) THREADS=2 CONNECTIONS=32 PORT=18180.
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
REGION=$2
cd "$(dirname "$0")/.."
OUT=${3:-bench/out/writes}
DURATION=${DURATION:-10}
PREFILE=${PREFILE:-20}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18180}
while ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .; do PORT=$((PORT + 1)); done
DATA=$OUT/data
rm -rf "$OUT" && mkdir -p "$OUT"
cp -a --reflink=auto "$REGION" "$DATA"
"$BIN" migrate --data-dir "$DATA" --log-level warn >/dev/null
DB=$DATA/casebridge.db
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; true' EXIT INT TERM

login() {
	curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/session" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"casebridge-demo\"}" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SPID/stat"; }

run() { # name script seconds
	"$BIN" serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" --log-level info >/dev/null 2>"$OUT/$1.log" &
	SPID=$!
	until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.02; done
	CB_TOKEN_POLICE=$(login hmq.police.handler)
	CB_TOKEN_PROCURATORATE=$(login hmq.procuratorate.handler)
	CB_THREADS=$THREADS CB_AREA=150103
	export CB_TOKEN_POLICE CB_TOKEN_PROCURATORATE CB_THREADS CB_AREA
	t0=$(cpu_ticks)
	w=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3s" --timeout 10s -s "bench/lua/$2" "http://127.0.0.1:$PORT" | grep '^RESULT' || true)
	t1=$(cpu_ticks)
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SPID/status")
	kill "$SPID"
	wait "$SPID" 2>/dev/null || true
	SPID=""
	gc=$(grep 'event=group_commit ' "$OUT/$1.log" | tail -n1 | sed 's/.*event=group_commit //')
	echo "$w $gc cpu_ticks=$((t1 - t0)) hwm_kb=$hwm" | awk -v name="$1" -v hz="$(getconf CLK_TCK)" '{
		for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2) v[kv[1]] = kv[2]
		n = v["requests"]; t = v["transactions"]
		if (n == 0 || t == 0) { printf "%-9s no result\n", name; exit }
		printf "%-9s %7.0f/s  p50 %6.2f  p99 %7.2f ms  cpu %.3f ms/req  held %.3f ms/tx  %.1f tx/commit  %.1f tx/sync  %.1f frames/tx  checkpoints %d ms  peak %d MB  non-2xx %d\n",
			name, v["rps"], v["p50_ms"], v["p99_ms"], 1000 * v["cpu_ticks"] / hz / n, v["held_ms"] / t,
			t / v["batches"], (v["syncs"] > 0 ? t / v["syncs"] : 0), v["frames"] / t, v["checkpoint_ms"],
			v["hwm_kb"] / 1024, v["non2xx"] + v["errors"]
	}' | tee -a "$OUT/results.txt"
}

run prefile write_file.lua "$PREFILE" >/dev/null
run file write_file.lua "$DURATION"
sqlite3 "$DB" "SELECT m.id FROM matters m WHERE m.holder_unit_id='150103.police' AND m.status='open' AND
	m.stage='investigation' AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.matter_id=m.id AND t.status='sent')
	ORDER BY m.id DESC" >"$OUT/ids_transfer.txt"
CB_IDS=$OUT/ids_transfer.txt
export CB_IDS
run transfer write_transfer.lua "$DURATION"
sqlite3 "$DB" "SELECT id FROM transfers WHERE to_unit_id='150103.procuratorate' AND status='sent' ORDER BY id DESC" \
	>"$OUT/ids_accept.txt"
CB_IDS=$OUT/ids_accept.txt
run accept write_accept.lua "$DURATION"
echo "ids: $(wc -l <"$OUT/ids_transfer.txt") to transfer, $(wc -l <"$OUT/ids_accept.txt") to accept (a run that used them all is a lower bound)"
