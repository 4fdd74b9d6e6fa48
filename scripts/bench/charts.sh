# shellcheck shell=bash
# charts.sh: gnuplot PNGs from summary.csv (sourced by scripts/bench.sh). Writes one data
# file per workload and server under data/, then runs charts.gp. Without gnuplot the charts
# are skipped with a line saying so (CHARTS_SKIPPED), everything else is still written.

bench_charts() {
	CHARTS_SKIPPED=""
	if ! command -v gnuplot >/dev/null 2>&1; then
		CHARTS_SKIPPED="Charts skipped: gnuplot is not installed and could not be installed (apt-get install gnuplot-nox)."
		bench_log "$CHARTS_SKIPPED"
		return 0
	fi
	local data=$OUT/data g s list args=()
	rm -rf "$data"; mkdir -p "$data"
	# closed loop, bin/loadgen: conns req/s min max p99 min max rss_mib little_ms. p99 and its
	# range are NaN where they describe the fastest orders only (the † of the tables: under
	# half the window's orders done, or p99 below the Little's-law mean); then the Little's-law
	# mean is drawn instead, as an open symbol.
	awk -F, -v dir="$data" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["kind"] == "closed" && $c["client"] == "loadgen" {
			f = dir "/" $c["workload"] "-" $c["server"] ".dat"
			lm = $c["little_ms"]; p = $c["p99_ms"]
			skew = ($c["latency_sample_pct"] != "" && $c["latency_sample_pct"] + 0 < 50) || (lm != "" && p != "" && p + 0 < 0.9 * lm)
			printf "%s %s %s %s %s %s %s %s %s\n", $c["connections"], v($c["throughput_rps"]), v($c["throughput_min"]),
				v($c["throughput_max"]), skew ? "NaN" : v(p), skew ? "NaN" : v($c["p99_min_ms"]), skew ? "NaN" : v($c["p99_max_ms"]),
				($c["rss_peak_kib"] == "" ? "NaN" : $c["rss_peak_kib"] / 1024), skew ? v(lm) : "NaN" >> f
		}
		$c["kind"] == "open" {
			f = dir "/open-" $c["server"] ".dat"
			printf "%s %s %s %s %s %s %s\n", $c["rate_rps"], v($c["throughput_rps"]), v($c["p50_ms"]), v($c["p99_ms"]),
				v($c["p99_min_ms"]), v($c["p99_max_ms"]), v($c["unc_p99_ms"]) >> f
		}
		function v(x) { return x == "" ? "NaN" : x }' "$OUT/summary.csv"
	for f in "$data"/*.dat; do [ -e "$f" ] && sort -n -o "$f" "$f"; done
	local workloads="" caps cook xr
	for g in "${BENCH_GROUPS[@]}"; do
		list="" caps=""
		for s in $SERVER_ORDER; do
			[ -e "$data/$g-$s.dat" ] || continue
			list+="$s "
			[[ $s =~ ^blocking-([0-9]+)$ ]] && caps+="${BASH_REMATCH[1]} "
		done
		[ -n "$list" ] || continue
		workloads+="$g "
		read -r cook _ <<<"${WORKLOAD[$g]}"
		args+=(-e "servers_$g='${list% }'; title_$g='${WORKLOAD_WHAT[$g]}'; cook_$g=${cook:-0}; caps_$g='${caps% }'")
	done
	# the connections of this run's closed-loop cells: QUICK and smoke runs get their own axes
	xr=$(find "$data" -name '*.dat' ! -name 'open-*' -exec cat {} + | awk 'NR == 1 || $1 < lo { lo = $1 } $1 > hi { hi = $1 } END { print (lo ? lo : 1), (hi ? hi : 10) }')
	args+=(-e "xmin=${xr% *}; xmax=${xr#* }; mode='${MODE:-full}'")
	list=""
	for s in $SERVER_ORDER; do [ -e "$data/open-$s.dat" ] && list+="$s "; done
	args+=(-e "open_servers='${list% }'; open_title='Open loop: p99 (solid) and p50 (dashed) against arrival rate, ${WORKLOAD_WHAT[$SWEEP_WORKLOAD]}'")
	if [ -z "$workloads" ]; then
		CHARTS_SKIPPED="Charts skipped: no closed-loop runs to draw."
		return 0
	fi
	if ! gnuplot -e "datadir='$data'; outdir='$OUT'; workloads='${workloads% }'; order='$SERVER_ORDER'" "${args[@]}" \
		"$BENCH_DIR/charts.gp" 2>"$LOGDIR/gnuplot.err"; then
		bench_log "gnuplot failed: $(tail -n 3 "$LOGDIR/gnuplot.err" | tr '\n' ' ')"
		CHARTS_SKIPPED="Charts failed: gnuplot reported an error (logs/gnuplot.err)."
	fi
}
