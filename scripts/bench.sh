#!/usr/bin/env bash
# scripts/bench.sh: what `make bench` runs (issue 7). Our servers in every configuration of
# the matrix, nginx and Node.js as peers, wrk as a second client, all in one sitting with the
# servers alternating run by run; then raw CSV, report.md and gnuplot charts under
# results/<date>-<hostname>/ (BENCH_OUT overrides). How to read them: results/README.md.
#
# Environment: QUICK=1 (about 2 min), BENCH_SMOKE=1 (one cell per kind, for the smoke test),
# BENCH_OUT=DIR, BENCH_DURATION / BENCH_WARMUP (s), BENCH_REPS, BIN (default bin).
# BENCH_FAIR_ONLY=1 (make bench-fair) runs only the table "each restaurant against the best of
# its kind" (fair.csv, fair.md; FAIR_REPS, FAIR_CONCS, FAIR_DURATION_S to change its size).
# BENCH_REPORT_ONLY=1 redoes summary, ratios, bars, charts and report.md from the runs.csv
# and logs/meta.env already in the output folder, without running anything.
# BENCH_LOADGEN_ONLY=1 (make bench-loadgen) runs only the load generator's own cost
# (loadgen.csv, loadgen.md; LG_BENCH_REPS, LG_BENCH_DURATION_S, LG_BENCH_RATES).
set -u -o pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BENCH_DIR=$ROOT/scripts/bench
BIN=${BIN:-bin}

# shellcheck source=bench/config.sh
. "$BENCH_DIR/config.sh"
. "$BENCH_DIR/procs.sh"
. "$BENCH_DIR/measure.sh"
. "$BENCH_DIR/matrix.sh"
. "$BENCH_DIR/report.sh"
. "$BENCH_DIR/charts.sh"
. "$BENCH_DIR/fair.sh"
. "$BENCH_DIR/loadgen.sh"

if [ -n "${BENCH_SMOKE:-}" ] && [ "${BENCH_SMOKE}" != 0 ]; then
	MODE=smoke BENCH_COMMAND="BENCH_SMOKE=1 scripts/bench.sh"
elif [ -n "${QUICK:-}" ] && [ "${QUICK}" != 0 ]; then
	MODE=quick BENCH_COMMAND="make bench QUICK=1"
else
	MODE=full BENCH_COMMAND="make bench"
fi
bench_config "$MODE"

OUT=${BENCH_OUT:-results/$(date +%Y-%m-%d)-$(hostname)}
SERVER_ORDER="blocking-4 blocking-8 blocking-64 blocking-unl evented-1 evented-2 evented-h2 nginx node"
CHARTS_SKIPPED=""
SKIPPED_LINES=()

# The outputs of a finished run (runs.csv, and logs/meta.env for what the report states
# about the run itself) -> summary.csv, ratios.csv, bars.csv, charts, report.md.
bench_outputs() {
	bench_summarize
	bench_charts
	bench_report
	bench_log "report: $OUT/report.md"
	awk -F, 'NR > 1 { printf "bench: %-8s %-12s %s\n", $1, $5, $4 }' "$OUT/bars.csv" >&2
}

if [ -n "${BENCH_REPORT_ONLY:-}" ] && [ "$BENCH_REPORT_ONLY" != 0 ]; then
	OUT=$(cd "$OUT" && pwd) || exit 1
	LOGDIR=$OUT/logs RUNS_CSV=$OUT/runs.csv
	[ -s "$RUNS_CSV" ] && [ -s "$LOGDIR/meta.env" ] || { bench_log "no runs.csv and logs/meta.env in $OUT"; exit 1; }
	. "$LOGDIR/meta.env"
	bench_config "$MODE"
	. "$LOGDIR/meta.env" # the durations the run used, over the mode's defaults
	bench_outputs
	exit 0
fi

# Peers and tools: install what is missing through scripts/deps.sh when we can, else say
# what is skipped. Our own binaries and taskset are required.
bench_need_peer() { # name check-command package
	local name=$1 check=$2 pkg=$3
	$check >/dev/null 2>&1 && return 0
	scripts/deps.sh "$pkg" >/dev/null 2>&1
	$check >/dev/null 2>&1 && return 0
	PEER_SKIP[$name]="$name is not installed and could not be installed (apt-get install $pkg)"
	SKIPPED_LINES+=("peer ${PEER_SKIP[$name]}: its cells are left out")
	bench_log "skipping peer ${PEER_SKIP[$name]}"
	return 1
}
bench_need_peer nginx bench_nginx_bin nginx-light
bench_need_peer node bench_node_bin nodejs
bench_need_peer wrk "command -v wrk" wrk
command -v gnuplot >/dev/null 2>&1 || scripts/deps.sh gnuplot-nox >/dev/null 2>&1
for tool in taskset timeout ps; do
	command -v "$tool" >/dev/null 2>&1 || { bench_log "$tool is required (util-linux, coreutils, procps)"; exit 1; }
done
for prog in blocking evented kitchen loadgen; do
	[ -x "$BIN/$prog" ] || { bench_log "$BIN/$prog is missing: run make first"; exit 1; }
done

# 5,000 connections need 5,000+ descriptors on each side: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10100 ]; then
	SKIPPED_LINES+=("open files limited to $(ulimit -n): cells over $((($(ulimit -n) - 100) / 2)) connections will show connect errors (raise the hard limit of ulimit -n)")
	bench_log "${SKIPPED_LINES[-1]}"
fi

mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)
LOGDIR=$OUT/logs
rm -rf "$LOGDIR"; mkdir -p "$LOGDIR"
exec 2> >(tee "$LOGDIR/bench.log" >&2) # the progress and every message, kept with the results
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/lunchrush-bench.XXXXXX")
bench_sleep_init
# Our binaries are copied aside, so a rebuild during the run cannot mix two versions in it.
mkdir -p "$TMPROOT/bin"
for prog in blocking evented kitchen loadgen; do cp "$BIN/$prog" "$TMPROOT/bin/" || exit 1; done
BIN=$TMPROOT/bin
RUNS_CSV=$OUT/runs.csv
echo "$RUNS_HEADER" >"$RUNS_CSV"
# nginx's fixed body: 95 characters and a newline, as long as the answer of our servers
# (ORDER_BODY_LEN in common/order.h).
NGINX_BODY="nginx order 0: line 0.000 ms, counter 0.000 ms, kitchen 0.000 ms..............................."

bench_cleanup() {
	bench_stop_all
	rm -rf "$TMPROOT"
}
trap bench_cleanup EXIT
trap 'bench_log "interrupted: stopping the servers"; exit 130' INT TERM

# This script and the clients it starts run on the client core; servers are pinned apart.
taskset -pc "$CLIENT_CORE" $$ >/dev/null 2>&1

BENCH_STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
if [ -n "${BENCH_FAIR_ONLY:-}" ] && [ "$BENCH_FAIR_ONLY" != 0 ]; then
	bench_fair || exit 1
	sed -n '/^## The targets/,/targets, /p' "$OUT/fair.md" >&2
	exit 0
fi
if [ -n "${BENCH_LOADGEN_ONLY:-}" ] && [ "$BENCH_LOADGEN_ONLY" != 0 ]; then
	bench_loadgen || exit 1
	sed -n '/^### Targets/,/targets, /p' "$OUT/loadgen.md" >&2
	exit 0
fi
bench_plan_count
bench_log "$MODE matrix: $CELLS_PLANNED cells x $REPS runs of ${DURATION_S} s (+${WARMUP_S} s warm-up) into $OUT"
for g in "${BENCH_GROUPS[@]}"; do bench_group "$g"; done
bench_sweep
[ "$MODE" = smoke ] || bench_fair
[ "$MODE" = smoke ] || bench_loadgen
secs=$(awk -v t0="$BENCH_T0" -v t1="$EPOCHREALTIME" 'BEGIN { printf "%d", t1 - t0 }')
BENCH_ELAPSED="$((secs / 60)) min $((secs % 60)) s"
RESTARTS=${RESTARTS:-0}
BENCH_ENDED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
declare -p MODE BENCH_COMMAND DURATION_S WARMUP_S REPS BENCH_STARTED BENCH_ENDED BENCH_ELAPSED RESTARTS \
	SKIPPED_LINES >"$LOGDIR/meta.env"
bench_log "done in $BENCH_ELAPSED"
bench_outputs
exit 0
