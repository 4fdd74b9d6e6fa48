#!/usr/bin/env bash
# Runs every lesson's --check (bin/dashboard --lesson N --check) and sums the claims.
# Binaries come from $LUNCHRUSH_BIN (default bin). Each lesson prints one PASS/FAIL line
# per claim and ends with "lesson N: P passed, F failed (claims)"; this script ends with
# one line "lessons: N passed, N failed" where N counts claims, and exits non-zero when
# any claim failed or a lesson could not run. Claims skipped because their step's
# require was not met (lesson 8 needs a free core) are counted on a line of their own.
# Before the lessons it checks every lesson reference in the code's comments
# (lessons/check-refs.sh): a wrong one counts as a failed claim.
#   lessons/check-all.sh          each step for its check_run (make test: about 3.5 min
#                                 for the fourteen on a loaded two-core machine)
#   lessons/check-all.sh --live   each step for its run, the student's window (about 8
#                                 min; not in make test): every claim must hold in both
set -u
cd "$(dirname "$0")/.."
bin=${LUNCHRUSH_BIN:-bin}
live=()
case "${1:-}" in
--live) live=(--live) ;;
"") ;;
*) echo "check-all.sh: unknown option '$1'"; echo "try 'lessons/check-all.sh --live' or no option"; exit 2 ;;
esac
passed=0
failed=0
skipped=0
failed_lessons=()

if [ ! -x "$bin/dashboard" ]; then
	echo "lessons: $bin/dashboard is missing (make $bin/dashboard)"
	echo "lessons: 0 passed, 1 failed"
	exit 1
fi

if ! lessons/check-refs.sh; then
	failed=$((failed + 1))
	failed_lessons+=("refs")
fi

for file in lessons/[0-9][0-9]-*.md; do
	n=$(basename "$file" | sed 's/^0*\([0-9][0-9]*\)-.*/\1/')
	start=$(date +%s)
	out=$("$bin/dashboard" --lesson "$n" --check "${live[@]}" --bin "$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^lesson [0-9]+: [0-9]+ passed, [0-9]+ failed' | tail -1)
	p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9][0-9]*\) passed.*/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
	s=$(printf '%s\n' "$out" | sed -n 's/^lesson [0-9]*: \([0-9][0-9]*\) skipped.*/\1/p' | tail -1)
	p=${p:-0}
	f=${f:-0}
	skipped=$((skipped + ${s:-0}))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or refused to run without saying which claim
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -gt 0 ] && failed_lessons+=("$n")
	echo "   (lesson $n: $(( $(date +%s) - start )) s)"
done

[ ${#failed_lessons[@]} -gt 0 ] && echo "failed lessons: ${failed_lessons[*]}"
[ "$skipped" -gt 0 ] && echo "lessons: $skipped claims skipped (a step's require or needs was not met: the machine was busy, or this build lacks what the step needs)"
echo "lessons: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
