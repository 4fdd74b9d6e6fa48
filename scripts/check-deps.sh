#!/usr/bin/env bash
# check-deps.sh: no include cycles between a folder's own files (house style 2b).
# A module is a stem (x.c and x.h are module x); module x depends on module y when x.c
# or x.h includes "y.h" of the same folder. tsort finds any cycle. Checked: each server's
# folder and common/. make test runs it; prints "deps: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
for dir in ${CHECK_DEPS_DIRS:-servers/blocking servers/evented servers/kitchen common}; do
	edges=$(for f in "$dir"/*.[ch]; do
		from=$(basename "$f"); from=${from%.*}
		sed -n 's/^#include "\([^"]*\)\.h".*/\1/p' "$f" | while read -r to; do
			[ -f "$dir/$to.h" ] && [ "$to" != "$from" ] && echo "$from $to"
		done
		echo "$from $from" # every module is a node, even without edges
	done)
	if out=$(tsort <<<"$edges" 2>&1 >/dev/null) && [ -z "$out" ]; then
		echo "deps: $dir: no include cycle ($(wc -l <<<"$edges") edges and nodes)"
		passed=$((passed + 1))
	else
		echo "deps: $dir: include cycle:"
		sed 's/^/  /' <<<"$out"
		failed=$((failed + 1))
	fi
done
echo "deps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
