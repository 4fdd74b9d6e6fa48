#!/usr/bin/env bash
# Builds the libFuzzer harnesses in tests/fuzz/ with clang and runs each for
# FUZZ_SECONDS (default 60) over a copy of its seed corpus (and its dictionary,
# tests/fuzz/TARGET.dict, when there is one). `make fuzz` runs it; make test runs it
# with FUZZ_SECONDS=15. Ends with "fuzz: N passed, N failed"; a crash leaves its
# input in build/fuzz/ and fails.
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
passed=0
failed=0
for harness in tests/fuzz/fuzz_*.c; do
	name=$(basename "$harness" .c)
	target=${name#fuzz_}
	bin="$out/$name"
	# only the modules a harness needs: a line "fuzz-sources: FILE..." in the harness names
	# them (and "fuzz-libs: -lX..." its libraries); the request glue and the order otherwise
	srcs=$(sed -n 's/.*fuzz-sources:[[:space:]]*\([^*]*\).*/\1/p' "$harness" | head -1)
	libs=$(sed -n 's/.*fuzz-libs:[[:space:]]*\([^*]*\).*/\1/p' "$harness" | head -1)
	[ -n "$srcs" ] || srcs="common/request.c common/order.c"
	[ -n "$libs" ] || libs="-lhttp_parser"
	# shellcheck disable=SC2086 # word splitting of the two lists is wanted
	if ! clang "${flags[@]}" -o "$bin" "$harness" $srcs $libs 2>"$out/$name.build.log"; then
		echo "fuzz: $name does not build:"; cat "$out/$name.build.log"
		failed=$((failed + 1)); continue
	fi
	corpus="$out/corpus-$target"
	mkdir -p "$corpus"
	cp tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null
	dict=()
	[ -f "tests/fuzz/$target.dict" ] && dict=(-dict="$PWD/tests/fuzz/$target.dict")
	echo "fuzz: $name for ${seconds}s"
	if (cd "$out" && "./$name" -max_total_time="$seconds" -max_len=9000 -timeout=5 -rss_limit_mb=1024 \
		-print_final_stats=1 "${dict[@]}" "corpus-$target" >"$name.log" 2>&1); then
		grep -E 'stat::number_of_executed_units|Done' "$out/$name.log" | tail -2
		passed=$((passed + 1))
	else
		echo "fuzz: $name FOUND A CRASH; input and log in $out/"
		tail -40 "$out/$name.log"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
