# shellcheck shell=bash
# matrix.sh: the order of the runs (sourced by scripts/bench.sh). Every configuration of
# a workload runs at once, idle but for the one under load, so the runs of one concurrency
# alternate: server A rep 1, server B rep 1, ..., server A rep 2. Ratios are then taken
# between neighbours in time, which is what survives the 25-40 % drift of this machine.

declare -A CELL_NO=()
CELL_NEXT=0
RUNS_PLANNED=0
RUNS_DONE=0
BENCH_T0=$EPOCHREALTIME

# The plan's size: runs and cells, for the progress line.
bench_plan_count() {
	local g n_srv n_conc n_x
	CELLS_PLANNED=0
	for g in "${BENCH_GROUPS[@]}"; do
		n_srv=$(wc -w <<<"${GROUP_SERVERS[$g]}"); n_conc=$(wc -w <<<"${GROUP_CONCS[$g]}")
		n_x=$(wc -w <<<"${GROUP_XCHECK[$g]:-}")
		CELLS_PLANNED=$((CELLS_PLANNED + n_srv * n_conc + 2 * n_x))
	done
	CELLS_PLANNED=$((CELLS_PLANNED + $(wc -w <<<"$SWEEP_SERVERS") * $(wc -w <<<"$SWEEP_RATES")))
	RUNS_PLANNED=$((CELLS_PLANNED * REPS))
}

bench_unplan() { # cells that will not run (a peer skipped, a sweep stopped past saturation)
	CELLS_PLANNED=$((CELLS_PLANNED - $1))
	RUNS_PLANNED=$((RUNS_PLANNED - $1 * REPS))
}

# "cell i of n (run r of R) ...: about T left", the estimate from the runs done so far
# (before the first: duration + warm-up + 0.6 s of overhead per run). Builtins only.
bench_progress() { # cell-key rep what
	local key=$1 rep=$2 what=$3 per left now=${EPOCHREALTIME/./} t0=${BENCH_T0/./}
	[ -z "${CELL_NO[$key]:-}" ] && CELL_NO[$key]=$((++CELL_NEXT))
	if ((RUNS_DONE > 0)); then
		per=$(((10#$now - 10#$t0) / RUNS_DONE)) # microseconds per run so far
	else
		per=$((${DURATION_S%.*} * 1000000 + 1000000))
	fi
	left=$(((per * (RUNS_PLANNED - RUNS_DONE) + 500000) / 1000000))
	if ((left >= 60)); then printf -v left '%dm%02ds' $((left / 60)) $((left % 60)); else left="${left}s"; fi
	printf 'bench: cell %d of %d (run %d of %d) %s: about %s left\n' \
		"${CELL_NO[$key]}" "$CELLS_PLANNED" "$rep" "$REPS" "$what" "$left" >&2
}

bench_one() { # kind workload server client conc rate rep
	bench_progress "$1/$2/$3/$4/$5/$6" "$7" "$1 $2 $3 ($4) c=$5${6:+ R=$6}"
	if ! kill -0 "${SRV_MPID[$3]}" 2>/dev/null; then
		bench_log "$3 has died: restarting it (the row of this run will show it)"
		RESTARTS=$((${RESTARTS:-0} + 1))
		bench_server_stop "$3"
		bench_server_start "$3" "$2" || { RUNS_DONE=$((RUNS_DONE + 1)); return 1; }
	fi
	bench_run "$@"
	RUNS_DONE=$((RUNS_DONE + 1))
	local -a f
	IFS=, read -r -a f <<<"$LAST_ROW"
	printf 'bench:   %s req/s, p99 %s ms, errors %s, server CPU %s%% (core busy %s%%), client core busy %s%%\n' \
		"${f[13]}" "${f[16]:-?}" "${f[11]}" "${f[24]}" "${f[36]:-?}" "${f[37]:-?}" >&2
}

# One workload: start its servers, run every concurrency alternating the servers, then
# the wrk cross-check (bin/loadgen and wrk alternating on the same target), then stop.
bench_group() { # workload
	local g=$1 s conc rep x up=()
	local n_conc n_x
	n_conc=$(wc -w <<<"${GROUP_CONCS[$g]}")
	if [ "${WORKLOAD[$g]##* }" = 1 ] && ! bench_kitchen_start; then
		bench_log "skipping workload $g: bin/kitchen did not start"
		bench_unplan $(($(wc -w <<<"${GROUP_SERVERS[$g]}") * n_conc + 2 * $(wc -w <<<"${GROUP_XCHECK[$g]:-}")))
		return 0
	fi
	for s in ${GROUP_SERVERS[$g]}; do
		if bench_server_start "$s" "$g"; then
			up+=("$s")
		else
			n_x=$(tr ' ' '\n' <<<"${GROUP_XCHECK[$g]:-}" | grep -c ":$s\$")
			bench_unplan $((n_conc + 2 * n_x))
		fi
	done
	bench_log "workload $g: ${up[*]} listening (server core $SERVER_CORE, client core $CLIENT_CORE)"
	for conc in ${GROUP_CONCS[$g]}; do
		for ((rep = 1; rep <= REPS; rep++)); do
			for s in "${up[@]}"; do
				bench_one closed "$g" "$s" loadgen "$conc" "" "$rep"
			done
		done
	done
	if [ -n "${GROUP_XCHECK[$g]:-}" ] && [ -n "${PEER_SKIP[wrk]:-}" ]; then
		bench_unplan $((2 * $(wc -w <<<"${GROUP_XCHECK[$g]}")))
	elif [ -n "${GROUP_XCHECK[$g]:-}" ]; then
		for ((rep = 1; rep <= REPS; rep++)); do
			for x in ${GROUP_XCHECK[$g]}; do
				[ -n "${SRV_PORT[${x#*:}]:-}" ] || continue
				bench_one xcheck "$g" "${x#*:}" loadgen "${x%%:*}" "" "$rep"
				bench_one xcheck "$g" "${x#*:}" wrk "${x%%:*}" "" "$rep"
			done
		done
	fi
	for s in "${up[@]}"; do bench_server_stop "$s"; done
	[ -n "${SRV_PID[kitchen]:-}" ] && bench_server_stop kitchen
	return 0
}

# Median of the throughput and p99 of one sweep point (from runs.csv), "thr p99".
bench_point_median() { # server rate
	awk -F, -v s="$1" -v r="$2" '$3 == "open" && $5 == s && $8 == r { n++; t[n] = $14; p[n] = $17 }
		function med(a, n,    i, j, x) {
			for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		END { if (n) print med(t, n), med(p, n); else print "0 0" }' "$RUNS_CSV"
}

# Open loop: rates rising past saturation, the servers alternating at each rate. A server
# leaves the sweep one rate after its first saturated point (achieved < 75 % of the asked
# rate, or p99 above ten times its p99 at the lowest rate). 75 %: in a 1 s run the orders
# still in the kitchen at the end and the Poisson noise alone can cost 10 %.
bench_sweep() {
	local g=$SWEEP_WORKLOAD s rate rep up=() left=() thr p99
	local -A base=() past=()
	local n_rates
	n_rates=$(wc -w <<<"$SWEEP_RATES")
	[ "${WORKLOAD[$g]##* }" = 1 ] && bench_kitchen_start
	for s in $SWEEP_SERVERS; do
		if bench_server_start "$s" "$g"; then up+=("$s"); else bench_unplan "$n_rates"; fi
	done
	bench_log "open-loop sweep ($g): ${up[*]} listening"
	for rate in $SWEEP_RATES; do
		n_rates=$((n_rates - 1))
		for ((rep = 1; rep <= REPS; rep++)); do
			for s in "${up[@]}"; do
				bench_one open "$g" "$s" loadgen "$OPEN_MAX_CONNS" "$rate" "$rep"
			done
		done
		left=()
		for s in "${up[@]}"; do
			read -r thr p99 <<<"$(bench_point_median "$s" "$rate")"
			[ -z "${base[$s]:-}" ] && base[$s]=$p99
			if [ -n "${past[$s]:-}" ]; then
				bench_log "$s leaves the sweep: saturated at ${past[$s]}/s"
				bench_unplan "$n_rates"
				bench_server_stop "$s"
				continue
			fi
			if awk -v t="$thr" -v r="$rate" -v p="$p99" -v b="${base[$s]}" 'BEGIN { exit !(t < 0.75 * r || p > 10 * b) }'; then
				past[$s]=$rate
			fi
			left+=("$s")
		done
		up=("${left[@]}")
		[ ${#up[@]} -eq 0 ] && break
	done
	for s in "${up[@]}"; do bench_server_stop "$s"; done
	[ -n "${SRV_PID[kitchen]:-}" ] && bench_server_stop kitchen
	return 0
}
