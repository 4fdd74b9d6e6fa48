#!/usr/bin/env bash
# bench-smoke.sh: the fast test of `make bench` (issue 7), run by `make test`. It runs
# scripts/bench.sh with BENCH_SMOKE=1 (one cell per kind: each server kind and peer in closed
# loop, the wrk cross-check, every workload, one open-loop rate) into a temp folder, then
# checks that every output appears, the CSVs parse, the charts are PNGs, the report names
# every bar and nothing was left running. Skipped (with a message) only without gnuplot.
# Ends with "bench: N passed, N failed" and exits non-zero when a check failed.
set -u
cd "$(dirname "$0")/.." || exit 1
BIN=${BENCH_BIN:-bin}
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
check() { # description command... : passes when the command succeeds
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	echo "bench: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

if ! command -v gnuplot >/dev/null 2>&1 && ! scripts/deps.sh gnuplot-nox >/dev/null 2>&1; then
	echo "bench smoke: skipped: gnuplot cannot be installed (apt-get install gnuplot-nox)"
	finish
fi
for prog in blocking evented kitchen loadgen; do
	[ -x "$BIN/$prog" ] || make --no-print-directory "$BIN/$prog" >/dev/null 2>&1
done

out=$(mktemp -d "${TMPDIR:-/tmp}/lunchrush-bench-smoke.XXXXXX")
trap 'rm -rf "$out"' EXIT
log=$out/bench.log
t0=$SECONDS
BIN=$BIN BENCH_SMOKE=1 BENCH_OUT=$out/res timeout -k 5 100 scripts/bench.sh >"$log" 2>&1
rc=$?
secs=$((SECONDS - t0))
res=$out/res
check "scripts/bench.sh BENCH_SMOKE=1 exits 0 (exit $rc after $secs s)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || sed 's/^/    /' "$log" | tail -n 20
check "the smoke run takes under 60 s ($secs s)" [ "$secs" -lt 60 ]
check "progress is shown as 'cell i of n ... left'" grep -qE '^bench: cell [0-9]+ of [0-9]+ .*about .* left$' "$log"

for f in runs.csv summary.csv ratios.csv bars.csv report.md throughput.png p99.png rss.png openloop.png; do
	check "$f is written and not empty" [ -s "$res/$f" ]
done

# Every row has the header's column count; the numeric columns are numbers (or empty
# where the column allows it). Prints the first offence.
csv_check() { # file "required numeric columns" "optional numeric columns"
	awk -F, -v req="$2" -v opt="$3" '
		NR == 1 { n = NF; for (i = 1; i <= NF; i++) c[$i] = i
			nr = split(req, r, " "); no = split(opt, o, " ")
			for (i = 1; i <= nr; i++) if (!(r[i] in c)) { print "no column " r[i]; bad = 1; exit }
			for (i = 1; i <= no; i++) if (!(o[i] in c)) { print "no column " o[i]; bad = 1; exit }
			next }
		NF != n { print "row " NR " has " NF " columns, the header " n; bad = 1; exit }
		{ for (i = 1; i <= nr; i++) if ($c[r[i]] !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) { print "row " NR " " r[i] "=\"" $c[r[i]] "\""; bad = 1; exit }
		  for (i = 1; i <= no; i++) if ($c[o[i]] != "" && $c[o[i]] !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) { print "row " NR " " o[i] "=\"" $c[o[i]] "\""; bad = 1; exit } }
		END { if (NR < 2 && !bad) { print "no rows"; bad = 1 } exit bad }' "$1"
}
check "runs.csv parses (columns, numeric fields)" csv_check "$res/runs.csv" \
	"run_id connections rate_rps rep requests errors throughput_rps rss_peak_kib threads_max server_cpu_s server_util_pct ctxsw_vol ctxsw_invol client_cpu_s server_pid client_rps served" \
	"duration_s p50_ms p90_ms p99_ms p999_ms max_ms mean_ms unc_p99_ms cpu_us_per_req bound_rps latency_sample_pct little_ms server_core_busy_pct client_core_busy_pct"
check "summary.csv parses" csv_check "$res/summary.csv" "connections rate_rps runs" \
	"throughput_rps p50_ms p99_ms p999_ms max_ms errors rss_peak_kib threads_max cpu_us_per_req bound_rps of_bound"
check "ratios.csv parses" csv_check "$res/ratios.csv" "connections median min max n" ""

has_rows() { # awk condition on runs.csv columns by name
	awk -F, -v cond="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ split(cond, kv, "="); if ($c[kv[1]] == kv[2]) found = 1 } END { exit !found }' "$res/runs.csv"
}
for k in kind=closed kind=open workload=trivial workload=cook50 workload=cpu200 \
	workload=kitchen50 server=blocking-8 server=evented-1 server=evented-h2 server=blocking-4; do
	check "runs.csv has runs with $k" has_rows "$k"
done
command -v wrk >/dev/null && check "runs.csv has the cross-check with wrk" has_rows client=wrk
{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 && check "runs.csv has the nginx peer" has_rows server=nginx
{ command -v node || command -v nodejs; } >/dev/null 2>&1 && check "runs.csv has the Node.js peer" has_rows server=node

# Every run was served: requests completed, errors under 1 %, /proc figures read.
served() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["requests"] + 0 <= 0 || $c["errors"] > 0.01 * $c["requests"] || $c["rss_peak_kib"] + 0 <= 0 || $c["threads_max"] + 0 < 1 {
			print "run " $c["run_id"] " (" $c["server"] ", " $c["workload"] ", " $c["client"] "): requests " $c["requests"] ", errors " $c["errors"] " " $c["error_kinds"] ", rss " $c["rss_peak_kib"] ", threads " $c["threads_max"]; bad = 1 }
		END { exit bad }' "$res/runs.csv"
}
check "every run completed requests with under 1 % errors, RSS and threads read" served

png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
for f in throughput p99 rss openloop; do
	check "$f.png is a PNG (magic bytes)" png "$res/$f.png"
done

# bars.csv keeps a short id per target for scripts; report.md names each by what it
# measures (its bar text), with no tracker id a newcomer would have to look up.
bar_reported() { # id: its row in bars.csv has a status and report.md a row with its words
	local text
	text=$(awk -F, -v id="$1" '$1 == id && $5 ~ /^(MET|MISSED|NOT MEASURED)$/ { print $2 }' "$res/bars.csv")
	[ -n "$text" ] && grep -qF "| $text |" "$res/report.md"
}
for bar in B1a B1b B1a-wrk B1b-wrk B2 B3 B3-p99 B3-wrk B3-wrk-p99 B3-wrk-cpu B4 B5; do
	check "report.md states target $bar by what it measures, with a status" bar_reported "$bar"
done
check "report.md names no tracker id (issue N, B1..B5)" bash -c "! grep -qE 'issue [0-9]|\\bB[1-5]([.a-z-]|\\b)' '$res/report.md'"
for sec in "## Summary" "## Machine" "## Targets" "## Charts" "## Every closed-loop cell" "## Open loop" "## Client cross-check" "## Closing note"; do
	check "report.md has '$sec'" grep -q "^$sec" "$res/report.md"
done
check "report.md names the CPU model" grep -qE '^- CPU: .+, [0-9]+ cores online' "$res/report.md"

check "logs/bench.log keeps the progress" grep -qE '^bench: cell [0-9]+ of [0-9]+ ' "$res/logs/bench.log"
report_again() { # BENCH_REPORT_ONLY=1 rebuilds the same bars from runs.csv and logs/meta.env
	cp "$res/bars.csv" "$out/bars.before" &&
		BENCH_REPORT_ONLY=1 BENCH_OUT=$res scripts/bench.sh >"$out/again.log" 2>&1 &&
		cmp -s "$out/bars.before" "$res/bars.csv" && [ -s "$res/report.md" ]
}
check "BENCH_REPORT_ONLY=1 rebuilds the same bars from runs.csv" report_again

# logs/pids: "PID LABEL COMMAND" per start (nginx: "PID nginx master PREFIX"). A PID still
# alive with that command line is one the bench forgot to stop.
left_running() {
	local pid label rest cmd bad=0
	while read -r pid label rest; do
		kill -0 "$pid" 2>/dev/null || continue
		cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
		case $label in
		nginx) [[ $cmd == *"${rest#master }"* ]] ;;
		*) [ "${cmd% }" = "$rest" ] ;;
		esac && { echo "still running: $pid $label $rest"; bad=1; }
	done <"$res/logs/pids"
	return $bad
}
check "every process the bench started was stopped" left_running

finish
