#!/usr/bin/env bash
# Runs test binaries and sums what cmocka reports: tests/run.sh UNIT... -- INTEGRATION...
# Unit tests run once. Integration tests named test_server_* run once against each server
# model (LUNCHRUSH_SERVER=blocking, then evented); the others run once. SKIP="name ..."
# leaves those files out (the sanitizer builds skip the slow, timing-only ones).
# Prints "N passed, N failed" last; exits non-zero when anything failed.
set -u
bin=${LUNCHRUSH_BIN:-bin}
export LUNCHRUSH_BIN=$bin
passed=0
failed=0
failed_names=()

run_one() { # label, command...
	local label=$1; shift
	local out rc
	echo "== $label"
	local t0=$SECONDS
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out"
	local p f
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or exited non-zero without a cmocka summary
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -gt 0 ] && failed_names+=("$label")
	echo "== $label: $((SECONDS - t0)) s"
	return 0
}

mode=unit
skipped_files=()
for t in "$@"; do
	if [ "$t" = "--" ]; then mode=integration; continue; fi
	name=$(basename "$t")
	if [[ " ${SKIP:-} " == *" $name "* ]]; then
		skipped_files+=("$name")
		continue
	fi
	if [ "$mode" = integration ] && [[ "$name" == test_server_* ]]; then
		for model in blocking evented; do
			if [ -x "$bin/$model" ]; then
				LUNCHRUSH_SERVER=$model run_one "$name ($model)" "$t"
			fi
		done
	else
		run_one "$name" "$t"
	fi
done

tag=${SAN:+ (SAN=$SAN)}
if [ ${#skipped_files[@]} -gt 0 ]; then
	echo "not run in this build$tag (tests/test-all.sh says which build runs them): ${skipped_files[*]}"
fi
if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed$tag: ${failed_names[*]}"
fi
echo "suite$tag: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
