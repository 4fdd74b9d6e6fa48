# shellcheck shell=bash
# loadgen.sh: "the load generator's own cost" (issue 17; sourced by scripts/bench.sh, alone
# through make bench-loadgen).
#
# Two tables, against bin/evented --loops 1 on trivial orders, server and client pinned to
# different cores, the runs of one repetition taken in turn so that their ratios survive
# the machine's drift:
#   1. client CPU per request, closed loop against open loop at the same throughput: the
#      closed loop (-c 100 --think-ms 5) sets the throughput, the open loop is asked for it
#      with the defaults (at such rates a grid of 5 mean gaps, at most 250 us, read on the
#      grid: wake.h), with --arrival-slack-us 0 (each arrival sent at its time, short gaps
#      polled) and with --arrival-slack-us 0 --arrival-poll-us 0 (every gap slept: the
#      loop before either existed);
#   2. -R 50000 and -R 100000: the rate achieved against the rate asked, the p99 from the
#      schedule and from the send (the uncorrected latency), the client's own lag, the
#      connections it opened, whether it said it was saturated; defaults and on time.
# The client's CPU is its user + system time (bash's times of the child), divided by the
# requests it counted. Writes loadgen.csv (every run) and loadgen.md.

LG_BENCH_DURATION_S=${LG_BENCH_DURATION_S:-3}
LG_BENCH_REPS=${LG_BENCH_REPS:-3}
LG_BENCH_THINK_MS=5
LG_BENCH_CONNS=100
LG_BENCH_RATES=${LG_BENCH_RATES:-"50000 100000"}

# One run of bin/loadgen on the client core; appends a row to loadgen.csv:
# table,rep,variant,asked_rps,rps,p99_ms,unc_p99_ms,lag_p99_ms,conns_max,saturated,cpu_us_per_req
lg_bench_run() { # table rep variant asked_rps loadgen-args...
	local table=$1 rep=$2 variant=$3 asked=$4 out
	shift 4
	local url="http://127.0.0.1:${SRV_PORT[lg-evented]}/order?cook_ms=0&work_us=0"
	# bash's `times` around the run: the user and system time of this shell's finished
	# children (a command substitution's children count once it has ended), so the
	# difference is this run's
	local c0 c1
	lg_bench_child_cpu; c0=$LG_CHILD_CPU
	out=$(taskset -c "$CLIENT_CORE" "$BIN/loadgen" "$@" -d "${LG_BENCH_DURATION_S}s" --drain 0 --json "$url" 2>/dev/null)
	lg_bench_child_cpu; c1=$LG_CHILD_CPU
	awk -v t="$table" -v r="$rep" -v v="$variant" -v a="$asked" -v c0="$c0" -v c1="$c1" -v j="$out" 'BEGIN {
		n = num(j, "\"requests\":"); rps = num(j, "\"throughput_rps\":")
		p99 = num(sect(j, "\"latency_ms\":{"), "\"p99\":")
		unc = num(sect(j, "\"uncorrected_latency_ms\":{"), "\"p99\":")
		lag = num(sect(j, "\"client_lag_ms\":{"), "\"p99\":")
		conns = num(j, "\"conns_max\":")
		sat = index(j, "\"client_saturated\":true") ? "yes" : "no"
		if (a == 0) a = rps
		cpu = n > 0 ? (c1 - c0) * 1e6 / n : 0
		printf "%s,%d,%s,%.0f,%.0f,%.3f,%.3f,%.3f,%d,%s,%.2f\n", t, r, v, a, rps, p99, unc, lag, conns, sat, cpu }
	function sect(s, key,   i) { i = index(s, key); return i ? substr(s, i + length(key)) : "" }
	function num(s, key,   i) { i = index(s, key); return i ? substr(s, i + length(key)) + 0 : 0 }' >>"$OUT/loadgen.csv"
	bench_log "loadgen: $table rep $rep $variant: $(tail -n 1 "$OUT/loadgen.csv")"
}

# The user + system seconds of this shell's finished children (the second line of `times`)
# into LG_CHILD_CPU. `times` runs in this shell, not in a subshell (whose children would be
# none), and writes to a file read back at once.
lg_bench_child_cpu() {
	times >"$TMPROOT/times"
	LG_CHILD_CPU=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } printf "%.3f", t }' "$TMPROOT/times")
}

lg_bench_table1() { # rep
	local rep=$1 x
	lg_bench_run same "$rep" closed 0 -c "$LG_BENCH_CONNS" --think-ms "$LG_BENCH_THINK_MS"
	x=$(awk -F, -v r="$rep" '$1 == "same" && $2 == r && $3 == "closed" { print $5 }' "$OUT/loadgen.csv")
	[ -n "$x" ] && [ "$x" != 0 ] || return 0
	lg_bench_run same "$rep" open "$x" -R "$x"
	lg_bench_run same "$rep" open-ontime "$x" -R "$x" --arrival-slack-us 0
	lg_bench_run same "$rep" open-poll0 "$x" -R "$x" --arrival-slack-us 0 --arrival-poll-us 0
}

lg_bench_table2() { # rep
	local rep=$1 r
	for r in $LG_BENCH_RATES; do
		lg_bench_run rate "$rep" open "$r" -R "$r"
		lg_bench_run rate "$rep" open-ontime "$r" -R "$r" --arrival-slack-us 0
	done
}

# Start the server, take the repetitions (the two tables alternate within each), write
# loadgen.md through loadgen.awk.
bench_loadgen() {
	local rep
	[ "$MODE" = quick ] && LG_BENCH_REPS=2 LG_BENCH_DURATION_S=2
	bench_spawn_listener lg-evented "$BIN/evented" --port 0 --quiet --loops 1 || return 1
	echo "table,rep,variant,asked_rps,rps,p99_ms,unc_p99_ms,lag_p99_ms,conns_max,saturated,cpu_us_per_req" >"$OUT/loadgen.csv"
	# the same warm-up for every repetition: connections opened, caches warm
	for ((rep = 1; rep <= LG_BENCH_REPS; rep++)); do
		taskset -c "$CLIENT_CORE" "$BIN/loadgen" -c "$LG_BENCH_CONNS" -d 300ms --drain 0 \
			"http://127.0.0.1:${SRV_PORT[lg-evented]}/order?cook_ms=0&work_us=0" >/dev/null 2>&1
		lg_bench_table1 "$rep"
		lg_bench_table2 "$rep"
	done
	bench_server_stop lg-evented
	awk -F, -v reps="$LG_BENCH_REPS" -v dur="$LG_BENCH_DURATION_S" -f "$BENCH_DIR/loadgen.awk" "$OUT/loadgen.csv" >"$OUT/loadgen.md"
	bench_log "loadgen: $OUT/loadgen.md"
}
