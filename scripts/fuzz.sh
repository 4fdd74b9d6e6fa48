#!/usr/bin/env bash
# Builds the libFuzzer harnesses in tests/fuzz/ with clang and runs each for
# FUZZ_SECONDS (default 60) over a copy of its seed corpus (and its dictionary,
# tests/fuzz/TARGET.dict, when there is one), as many at once as there are cores.
# `make fuzz` runs it; make test runs it with FUZZ_SECONDS=1. Ends with "fuzz: N
# passed, N failed"; a crash leaves its input in build/fuzz/ and fails.
set -u
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
out=build/fuzz
mkdir -p "$out"
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is not installed (apt-get install clang libclang-rt-14-dev); skipped"
	echo "fuzz: 0 passed, 0 failed"
	exit 0
fi
flags=(-std=c11 -g -O1 -D_GNU_SOURCE -Icommon -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
jobs=$(nproc 2>/dev/null || echo 1)

# Build one harness into $out/NAME (status in $out/NAME.built: 0 or the compiler's).
build_one() { # harness
	local harness=$1 name srcs libs
	name=$(basename "$harness" .c)
	# only the modules a harness needs: a line "fuzz-sources: FILE..." in the harness names
	# them (and "fuzz-libs: -lX..." its libraries); the request glue and the order otherwise
	srcs=$(sed -n 's/.*fuzz-sources:[[:space:]]*\([^*]*\).*/\1/p' "$harness" | head -1)
	libs=$(sed -n 's/.*fuzz-libs:[[:space:]]*\([^*]*\).*/\1/p' "$harness" | head -1)
	[ -n "$srcs" ] || srcs="common/request.c common/order.c"
	[ -n "$libs" ] || libs="-lhttp_parser"
	# shellcheck disable=SC2086 # word splitting of the two lists is wanted
	clang "${flags[@]}" -o "$out/$name" "$harness" $srcs $libs 2>"$out/$name.build.log"
	echo $? >"$out/$name.built"
}

# Run one built harness for $seconds over a copy of its corpus; its verdict goes to
# $out/NAME.verdict (a line for the summary below).
run_one() { # harness
	local name target corpus dict=()
	name=$(basename "$1" .c)
	target=${name#fuzz_}
	corpus="$out/corpus-$target"
	mkdir -p "$corpus"
	cp tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null
	[ -f "tests/fuzz/$target.dict" ] && dict=(-dict="$PWD/tests/fuzz/$target.dict")
	if (cd "$out" && "./$name" -max_total_time="$seconds" -max_len=9000 -timeout=5 -rss_limit_mb=1024 \
		-print_final_stats=1 "${dict[@]}" "corpus-$target" >"$name.log" 2>&1); then
		echo ok >"$out/$name.verdict"
	else
		echo crash >"$out/$name.verdict"
	fi
}

# The harnesses are independent: build them, then run them, as many at once as there
# are cores (each is one process on one core).
harnesses=(tests/fuzz/fuzz_*.c)
for h in "${harnesses[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	build_one "$h" &
done
wait
for h in "${harnesses[@]}"; do
	name=$(basename "$h" .c)
	[ "$(cat "$out/$name.built" 2>/dev/null)" = 0 ] || continue
	echo "fuzz: $name for ${seconds}s"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	run_one "$h" &
done
wait
passed=0
failed=0
for h in "${harnesses[@]}"; do
	name=$(basename "$h" .c)
	if [ "$(cat "$out/$name.built" 2>/dev/null)" != 0 ]; then
		echo "fuzz: $name does not build:"; cat "$out/$name.build.log"
		failed=$((failed + 1))
	elif [ "$(cat "$out/$name.verdict" 2>/dev/null)" = ok ]; then
		echo "fuzz: $name: $(grep -E 'stat::number_of_executed_units|Done' "$out/$name.log" | tail -2 | tr '\n' ' ')"
		passed=$((passed + 1))
	else
		echo "fuzz: $name FOUND A CRASH; input and log in $out/"
		tail -40 "$out/$name.log"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
