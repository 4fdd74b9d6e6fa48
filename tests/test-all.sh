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

jobs=-j$(nproc 2>/dev/null || echo 2)
# The sanitizer builds leave out a few integration files that test limits, timing, peers,
# namespaces and the dashboard's terminal rather than memory or threads, to keep make test
# within 10 minutes on two cores; the plain build runs them all. TSan also leaves out the
# single-threaded load generator's hostile servers, the single-threaded simulator's
# long theory checks, the kitchen's round trips (10 s of timers) and the hostile clients
# (11 s, mostly timeouts): ASan runs those, and TSan still runs every server under
# concurrent load in test_blocking, test_evented, test_server_http and test_same_answers.
# ASan leaves the blocking-only and evented-only files to TSan (every server still runs
# under ASan in test_server_*, test_same_answers and the fuzz harnesses) and the
# dashboard's file runs to the plain build (recordings are parsed under ASan in the unit
# tests and the replay fuzz harness). Neither sanitizer runs
# the load generator's long coordinated-omission file (its code runs under ASan in
# test_loadgen_hostile). make fuzz gives each harness 60 s; make test 1 s. The tmux lesson
# UI, the preset menu, attach, the summary on a terminal and the Little's-law relations are
# the plain build's too: they test timing and terminals.
SAN_SKIP="test_dashboard test_server_limits test_loadgen_safety test_loadgen_multihost test_dashboard_peers test_dashboard_lesson_ui test_loadgen_summary test_server_littles_law test_dashboard_attach test_dashboard_presets"
stage "include cycles" scripts/check-deps.sh
# the hostile servers of the load generator run in the ASan+UBSan build, where a lie that
# corrupts memory is also caught: once is enough for 16 s of test
SKIP="test_loadgen_hostile" stage "plain build" $MAKE --no-print-directory "$jobs" test-suite
SKIP="$SAN_SKIP test_loadgen test_dashboard_files test_blocking test_evented" stage "ASan+UBSan" $MAKE --no-print-directory "$jobs" SAN=address,undefined test-suite
SKIP="$SAN_SKIP test_loadgen test_loadgen_hostile test_simulate_model test_dashboard_files test_server_kitchen test_server_hostile" stage "TSan" $MAKE --no-print-directory "$jobs" SAN=thread test-suite
FUZZ_SECONDS=${FUZZ_SECONDS:-1} stage "fuzz (libFuzzer, ${FUZZ_SECONDS:-1}s a harness)" scripts/fuzz.sh
[ -x lessons/check-all.sh ] && stage "lesson checks" lessons/check-all.sh
[ -x scripts/bench-smoke.sh ] && stage "bench smoke" scripts/bench-smoke.sh

echo "tests: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
