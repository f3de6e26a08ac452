#!/bin/sh
# bench/plan_audit.sh - the plan of every statement that the unit and API tests prepare, as SQLite
# chose it (EXPLAIN QUERY PLAN, logged by the store when CASEBRIDGE_PLAN_LOG names a file):
#   - the indexes that no statement uses: each costs every write of its table and may serve nothing
#     (or only a UNIQUE constraint, a trigger or a filter the tests do not pass: judge each);
#   - the statements that scan a table or a whole index, which grow with the region (tables that stay
#     small, such as the areas and units, are left out: SMALL).
# Without statistics (ANALYZE is not run) SQLite plans by fixed rules, so a plan seen on the tests'
# small databases is the plan at a million matters. Output: bench/out/plan_audit.txt.
set -eu
OUT=${OUT:-bench/out}
SMALL=${SMALL:-"areas units users user_roles holidays meta schema_migrations sessions tlog_heads query_codes open_counts"}
BUILD=build/release
mkdir -p "$OUT"
LOG=$(pwd)/$OUT/plans.log
make -s --no-print-directory MODE=release BUILD=$BUILD $BUILD/casebridge test-bins
rm -f "$LOG"
export CASEBRIDGE_PLAN_LOG="$LOG"
for t in $BUILD/tests/test_*; do
	"$t" >/dev/null 2>&1 || echo "plan_audit: $t failed (its plans are still logged)" >&2
done
CASEBRIDGE_BIN=$(pwd)/$BUILD/casebridge node --test --test-concurrency=1 tests/api/*.test.mjs >/dev/null 2>&1 ||
	echo "plan_audit: the API tests failed (their plans are still logged)" >&2
unset CASEBRIDGE_PLAN_LOG
D=$(mktemp -d)
$BUILD/casebridge init --data-dir "$D" >/dev/null 2>&1
sqlite3 "$D/casebridge.db" "SELECT tbl_name || ' ' || name FROM sqlite_master WHERE type='index'
	AND name NOT LIKE 'sqlite_autoindex%' ORDER BY 1" >"$OUT/indexes.txt"
rm -rf "$D"
awk -v small="$SMALL" '
	BEGIN { n = split(small, s, " "); for (i = 1; i <= n; i++) skip[s[i]] = 1 }
	FILENAME ~ /indexes.txt$/ { table[$2] = $1; order[++ni] = $2; next }
	/^SQL / { sql = substr($0, 5); next }
	{
		line = $0
		while (match(line, /INDEX [A-Za-z0-9_]+/)) {
			used[substr(line, RSTART + 6, RLENGTH - 6)] = 1
			line = substr(line, RSTART + RLENGTH)
		}
		if (match($0, /SCAN [A-Za-z0-9_]+/)) {
			t = substr($0, RSTART + 5, RLENGTH - 5)
			if (t == "CONSTANT" || $0 ~ /SCAN \(/) next
			key = t " | " sql
			if (!(key in seen)) { seen[key] = 1; scan[++ns] = key; what[ns] = $0 }
		}
	}
	END {
		nu = 0
		for (i = 1; i <= ni; i++) if (!(order[i] in used)) nu++
		printf "indexes that no statement of the tests used: %d of %d\n", nu, ni
		printf "(an index may still serve a UNIQUE constraint, a trigger or a filter the tests do not pass: judge each)\n"
		for (i = 1; i <= ni; i++) if (!(order[i] in used)) printf "  %s.%s\n", table[order[i]], order[i]
		printf "\nstatements that scan a table or a whole index (tables left out: %s)\n", small
		for (i = 1; i <= ns; i++) {
			split(scan[i], kv, " [|] ")
			if (kv[1] in skip) continue
			w = what[i]; sub(/^ +/, "", w)
			printf "  %s\n      %s\n", w, substr(kv[2], 1, 220)
		}
	}' "$OUT/indexes.txt" "$LOG" | tee "$OUT/plan_audit.txt"
