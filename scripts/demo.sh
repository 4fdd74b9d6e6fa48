#!/usr/bin/env bash
# make demo: the dashboard on the built-in "lunch rush" scenario.
# Usage: scripts/demo.sh BIN_DIR [dashboard flags...]
# On a terminal: the live dashboard (q quits). Otherwise (CI, a pipe, a file): 20 s
# headless, a per-second table and the side-by-side summary.
set -u
bin=${1:-bin}
shift || true
dash="$bin/dashboard"
for prog in dashboard blocking evented loadgen; do
	if [ ! -x "$bin/$prog" ]; then
		echo "demo: $bin/$prog is missing: run make first" >&2
		exit 1
	fi
done
if [ -t 1 ] && [ -t 0 ]; then
	exec "$dash" "$@"
fi
echo "demo: stdout is not a terminal: 20 s of the lunch rush, headless" >&2
exec "$dash" --headless --duration 20s "$@"
