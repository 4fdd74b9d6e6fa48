# measure.sh: one run of the bench (sourced by scripts/bench.sh): warm the server, read its
# /proc counters, drive it with bin/loadgen or wrk pinned to the client core, read the
# counters again, and append one row to runs.csv. The columns are documented in
# results/README.md; RUNS_HEADER is their order.

RUNS_HEADER="run_id,started_utc,kind,workload,server,client,connections,rate_rps,rep,duration_s,requests,errors,error_kinds,throughput_rps,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,mean_ms,unc_p99_ms,rss_peak_kib,threads_max,server_cpu_s,server_util_pct,cpu_us_per_req,ctxsw_vol,ctxsw_invol,client_cpu_s,bound_rps,bound_kind,server_pid"

CLK_TCK=$(getconf CLK_TCK)
RUN_ID=0

# utime+stime of a whole process (all threads, live and exited), in clock ticks.
proc_cpu_ticks() {
	local s
	s=$(<"/proc/$1/stat") 2>/dev/null || { echo 0; return; }
	s=${s##*) } # after "(comm) ": field 3 onwards
	local -a f=($s)
	echo $((f[11] + f[12]))
}

# Voluntary and involuntary context switches summed over the live threads ("V I").
proc_ctxsw() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^voluntary_ctxt_switches/ {v += $2} /^nonvoluntary_ctxt_switches/ {n += $2} END {print v + 0, n + 0}'
}

proc_status() { # pid field -> value (first word)
	local k v
	while IFS=: read -r k v; do
		[ "$k" = "$2" ] && { set -- $v; echo "$1"; return; }
	done <"/proc/$1/status" 2>/dev/null
}

# Children CPU time (user+sys seconds) from a file written by the `times` builtin, whose
# second line is "0m0.012s 0m0.004s". `times` must run in this shell, not in $(...): a
# subshell starts with no children time of its own.
children_cpu_s() { # file
	tail -n 1 "$1" | awk '{ t = 0; for (k = 1; k <= 2; k++) { split($k, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] } printf "%.3f\n", t }'
}

# Samples the thread count of a process every 0.2 s into a file until killed.
thread_sampler() { # pid file
	while kill -0 "$1" 2>/dev/null; do
		proc_status "$1" Threads >>"$2"
		sleep 0.2
	done
}

# The throughput bound where one exists: Little's law for a kitchen wait
# (X <= min(N, slots) / cook), the core count for CPU work (X <= cores / work).
bench_bound() { # server workload connections -> "rps kind" or ""
	local server=$1 conc=$3 cook work slots
	read -r cook work _ <<<"${WORKLOAD[$2]}"
	if ((cook > 0)); then
		slots=${SERVER_SLOTS[$server]:-$conc}
		((slots > conc)) && slots=$conc
		awk -v n="$slots" -v c="$cook" 'BEGIN { printf "%.1f little\n", n * 1000 / c }'
	elif ((work > 0)); then
		awk -v n="$SERVER_CORES_N" -v w="$work" -v c="$conc" \
			'BEGIN { b = n * 1e6 / w; if (c * 1e6 / w < b) b = c * 1e6 / w; printf "%.1f cpu\n", b }'
	fi
}

csv_num() { # value -> value when numeric, else empty
	[[ $1 =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]] && echo "$1"
}

# One run. kind: closed | xcheck | open. client: loadgen | wrk. Appends to $RUNS_CSV.
bench_run() { # kind workload server client connections rate rep
	local kind=$1 workload=$2 server=$3 client=$4 conc=$5 rate=$6 rep=$7
	local port=${SRV_PORT[$server]} pid=${SRV_MPID[$server]} cook work
	read -r cook work _ <<<"${WORKLOAD[$workload]}"
	local url="http://127.0.0.1:$port/order?cook_ms=$cook&work_us=$work"
	local tag="$TMPROOT/run-$((RUN_ID + 1))" # scratch; the client's output is kept in logs/
	local -a cmd=(taskset -c "$CLIENT_CORE" timeout -k 5 $((${DURATION_S%.*} + 40)))
	local warm=$WARMUP_S
	case $client in
	wrk)
		# wrk has no warm-up: a short untimed bin/loadgen run at the same concurrency first.
		taskset -c "$CLIENT_CORE" "$BIN/loadgen" "$url" -c "$conc" -d "${WARMUP_S}s" \
			--timeout "${CLIENT_TIMEOUT_S}s" >/dev/null 2>&1
		warm=0
		cmd+=(wrk -t1 -c"$conc" -d"${DURATION_S%.*}s" --timeout "${CLIENT_TIMEOUT_S}s"
			-s "$BENCH_DIR/wrk_report.lua" "$url")
		;;
	*)
		cmd+=("$BIN/loadgen" "$url" -d "${DURATION_S}s" --warmup "${WARMUP_S}s"
			--timeout "${CLIENT_TIMEOUT_S}s" --json)
		if [ "$kind" = open ]; then
			cmd+=(-R "$rate" --arrivals poisson --seed "$OPEN_SEED" --max-conns "$conc")
		else
			cmd+=(-c "$conc")
		fi
		;;
	esac
	RUN_ID=$((RUN_ID + 1))
	local started
	started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

	echo 5 >"/proc/$pid/clear_refs" 2>/dev/null # reset VmHWM: the peak of this run only
	: >"$tag.threads"
	thread_sampler "$pid" "$tag.threads" &
	local sampler=$!
	times >"$tag.times0"
	"${cmd[@]}" >"$tag.json" 2>"$tag.err" &
	local cpid=$! rc
	# The server's counters are read once the client's warm-up is over, so CPU time and
	# context switches cover the measured window (plus the closing of the connections).
	[ "$warm" != 0 ] && sleep "$warm"
	local t0 w0 s0 t1 w1 s1
	t0=$(proc_cpu_ticks "$pid"); read -r w0 s0 <<<"$(proc_ctxsw "$pid")"
	local e0=$EPOCHREALTIME
	wait "$cpid"; rc=$?
	local e1=$EPOCHREALTIME
	t1=$(proc_cpu_ticks "$pid"); read -r w1 s1 <<<"$(proc_ctxsw "$pid")"
	local hwm threads_now
	hwm=$(proc_status "$pid" VmHWM); threads_now=$(proc_status "$pid" Threads)
	times >"$tag.times1"
	kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
	echo "${threads_now:-0}" >>"$tag.threads"

	bench_row "$kind" "$workload" "$server" "$client" "$conc" "$rate" "$rep" "$rc" "$tag" \
		"$started" "$((t1 - t0))" "$((w1 - w0))" "$((s1 - s0))" "${hwm:-}" "$(children_cpu_s "$tag.times0")" "$(children_cpu_s "$tag.times1")" \
		"$e0" "$e1" "$pid" >>"$RUNS_CSV"
	LAST_ROW=$(tail -n 1 "$RUNS_CSV")
	{ printf '%s\t' "$RUN_ID"; grep '^{' "$tag.json" | tail -n 1 || echo; } >>"$LOGDIR/client-json.tsv"
	[ -s "$tag.err" ] && sed "s/^/run $RUN_ID: /" "$tag.err" >>"$LOGDIR/client.err"
	rm -f "$tag".*
}

# Turns the client's JSON and the /proc deltas into one CSV row (stdout).
bench_row() {
	local kind=$1 workload=$2 server=$3 client=$4 conc=$5 rate=$6 rep=$7 rc=$8 tag=$9
	shift 9
	local started=$1 dticks=$2 dvol=$3 dinvol=$4 hwm=$5 ccpu0=$6 ccpu1=$7 e0=$8 e1=$9 pid=${10}
	local -A J=()
	local k v
	while IFS=$'\t' read -r k v; do J[$k]=$v; done < <(grep '^{' "$tag.json" | tail -n 1 | awk -f "$BENCH_DIR/json_flat.awk")
	local requests=${J[requests]:-} errors=0 kinds=""
	for k in "${!J[@]}"; do
		[[ $k == errors.* ]] || continue
		v=${J[$k]}
		[[ $v =~ ^[0-9]+$ ]] || continue
		((v > 0)) || continue
		errors=$((errors + v)); kinds+="${k#errors.}=$v;"
	done
	if [ -z "$requests" ]; then
		requests=0 errors=$((errors + 1))
		kinds+="client_exit=$rc;"
		bench_log "run $RUN_ID: $client gave no JSON (exit $rc): $(tail -n 2 "$tag.err" | tr '\n' ' ')"
	fi
	local thr=${J[throughput_rps]:-0} dur=${J[duration_s]:-$DURATION_S}
	local threads bound bkind
	threads=$(sort -n "$tag.threads" | tail -n 1)
	read -r bound bkind <<<"$(bench_bound "$server" "$workload" "$conc")"
	awk -v t="$dticks" -v hz="$CLK_TCK" -v req="$requests" -v e0="$e0" -v e1="$e1" \
		-v c0="$ccpu0" -v c1="$ccpu1" 'BEGIN {
		cpu = t / hz; win = e1 - e0
		printf "%.3f,%.1f,%s,%.3f\n", cpu, (win > 0 ? 100 * cpu / win : 0),
			(req > 0 ? sprintf("%.3f", cpu * 1e6 / req) : ""), c1 - c0 }' >"$tag.derived"
	local cpu util cpureq ccpu
	IFS=, read -r cpu util cpureq ccpu <"$tag.derived"
	local rowrate=$rate
	[ "$kind" = open ] || rowrate=0
	printf '%s\n' "$RUN_ID,$started,$kind,$workload,$server,$client,$conc,$rowrate,$rep,$(csv_num "$dur"),$requests,$errors,${kinds%;},$(csv_num "$thr"),$(csv_num "${J[latency_ms.p50]:-}"),$(csv_num "${J[latency_ms.p90]:-}"),$(csv_num "${J[latency_ms.p99]:-}"),$(csv_num "${J[latency_ms.p999]:-}"),$(csv_num "${J[latency_ms.max]:-}"),$(csv_num "${J[latency_ms.mean]:-}"),$(csv_num "${J[uncorrected_latency_ms.p99]:-}"),$hwm,${threads:-},$cpu,$util,$cpureq,$dvol,$dinvol,$ccpu,${bound:-},${bkind:-},$pid"
}
