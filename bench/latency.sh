#!/bin/sh
# bench/latency.sh BIN DATA_DIR [N] - one request at a time (no concurrency): the time of each read
# endpoint of the benchmark, as the median of N curl requests. Used for the before/after table in
# docs/benchmarks.md, where a server too slow for wrk still gets a figure.
set -eu
BIN=$1; DATA=$2; N=${3:-5}
PORT=18300
while ss -Hltn "sport = :$PORT" | grep -q .; do PORT=$((PORT + 1)); done
"$BIN" serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" --log-level warn >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do kill -0 $PID; sleep 0.02; done
login() {
	curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/session" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"casebridge-demo\"}" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'
}
REGION=$(login nmg.committee); LEAGUE=$(login xlgl.committee); UNIT=$(login hmq.police.handler)
MAX=$(sqlite3 "$DATA/casebridge.db" "SELECT max(id) FROM matters")
median() { sort -n | awk '{v[NR]=$1; c[NR]=$2} END{print v[int((NR+1)/2)], c[int((NR+1)/2)]}'; }
t() { # label token path (one untimed request first: the page cache, not the first touch, is measured)
	curl -s -o /dev/null -H "Authorization: Bearer $2" "http://127.0.0.1:$PORT$3"
	i=0
	while [ $i -lt "$N" ]; do
		curl -s -o /dev/null -w '%{time_total} %{http_code}\n' -H "Authorization: Bearer $2" "http://127.0.0.1:$PORT$3"
		i=$((i + 1))
	done | median | awk -v l="$1" '{printf "%-44s %8.1f ms  (HTTP %s)\n", l, $1 * 1000, $2}'
}
t "matter page" "$REGION" "/api/v1/matters/$((MAX / 2 + 17))"
t "workbench (county police)" "$UNIT" "/api/v1/workbench"
t "search party=王伟 (league committee)" "$LEAGUE" "/api/v1/matters?party=%E7%8E%8B%E4%BC%9F"
t "supervision, region by league" "$REGION" "/api/v1/supervision"
t "supervision, league by county" "$REGION" "/api/v1/supervision?area=152500"
t "supervision, county by unit" "$REGION" "/api/v1/supervision?area=152502"
t "supervision list, overdue in a league" "$REGION" "/api/v1/supervision/list?area=152500&metric=overdue"
t "enforcement supervision, region" "$REGION" "/api/v1/enforcement/supervision"
t "enforcement supervision, league committee" "$LEAGUE" "/api/v1/enforcement/supervision"
t "enforcement metrics, region, all time" "$REGION" "/api/v1/enforcement/metrics"
t "enforcement metrics, region, one year" "$REGION" "/api/v1/enforcement/metrics?from=2026-01-01&to=2026-12-31"
t "enforcement metrics, league committee" "$LEAGUE" "/api/v1/enforcement/metrics"
