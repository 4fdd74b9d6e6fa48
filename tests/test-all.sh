#!/usr/bin/env bash
# What `make test` runs: the suite on the plain build, then under ASan+UBSan and TSan,
# then the lesson checks and the bench smoke test when they exist. Prints the total as
# "tests: N passed, N failed" and exits non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
total_passed=0
total_failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

stage() { # label, command...
	local label=$1; shift
	echo "==== $label"
	local t0=$SECONDS
	"$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	echo "==== $label: $((SECONDS - t0)) s"
	local line p f
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	p=$(printf '%s' "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/p'); p=${p:-0}
	f=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p'); f=${f:-0}
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
}

stage "plain build" $MAKE --no-print-directory test-suite
stage "ASan+UBSan" $MAKE --no-print-directory SAN=address,undefined test-suite
stage "TSan" $MAKE --no-print-directory SAN=thread test-suite
FUZZ_SECONDS=${FUZZ_SECONDS:-20} stage "fuzz (libFuzzer, ${FUZZ_SECONDS:-20}s)" scripts/fuzz.sh
[ -x lessons/check-all.sh ] && stage "lesson checks" lessons/check-all.sh
[ -x scripts/bench-smoke.sh ] && stage "bench smoke" scripts/bench-smoke.sh

echo "tests: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
