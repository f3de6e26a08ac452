#!/bin/sh
# run.sh BUILD_DIR - runs the test suites (unit: cmocka binaries; api: node's test runner against the
# real server; e2e: playwright in chromium) and ends with one line "N passed, N failed".
# SUITES="unit api e2e" selects; default all that exist.
set -u
BUILD=${1:-build/asan}
SUITES=${SUITES:-"unit api e2e"}
export CASEBRIDGE_BIN="$(pwd)/$BUILD/casebridge"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0; fail=0; failed_names=""
log=$(mktemp)

for s in $SUITES; do
	case $s in
	unit)
		for t in "$BUILD"/tests/test_*; do
			[ -x "$t" ] || continue
			"$t" >"$log" 2>&1; code=$?
			cat "$log"
			p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n1)
			f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n1)
			p=${p:-0}; f=${f:-0}
			if [ "$code" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
			pass=$((pass + p)); fail=$((fail + f))
			[ "$f" -eq 0 ] || failed_names="$failed_names $(basename "$t")"
		done
		;;
	api|e2e)
		[ -d "tests/$s" ] || continue
		files=$(ls tests/$s/*.test.mjs 2>/dev/null)
		[ -n "$files" ] || continue
		if [ "$s" = e2e ] && [ ! -d web/dist ]; then
			echo "e2e: web/dist missing (make web)"; fail=$((fail + 1)); failed_names="$failed_names e2e"; continue
		fi
		# shellcheck disable=SC2086
		node --test --test-concurrency=1 --test-reporter=tap $files >"$log" 2>&1
		cat "$log"
		p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$log" | tail -n1)
		f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$log" | tail -n1)
		p=${p:-0}; f=${f:-1}
		pass=$((pass + p)); fail=$((fail + f))
		[ "$f" -eq 0 ] || failed_names="$failed_names $s"
		;;
	esac
done
rm -f "$log"
echo
[ -z "$failed_names" ] || echo "failing suites:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
