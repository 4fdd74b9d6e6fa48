# shellcheck shell=bash
# report.sh: writes summary.csv, ratios.csv, bars.csv and report.md from runs.csv
# (sourced by scripts/bench.sh; every figure comes from runs.csv, none is typed in).

bench_summarize() {
	awk -F, -f "$BENCH_DIR/summary.awk" "$RUNS_CSV" >"$OUT/summary.csv"
	awk -F, -f "$BENCH_DIR/ratios.awk" "$RUNS_CSV" >"$OUT/ratios.csv"
	awk -F, -f "$BENCH_DIR/bars.awk" "$OUT/summary.csv" "$OUT/ratios.csv" >"$OUT/bars.csv"
}

bench_machine() { # the machine section, Markdown
	local cpu mem
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "- CPU: ${cpu:-unknown}, $(getconf _NPROCESSORS_ONLN) cores online ($(getconf _NPROCESSORS_CONF) configured); memory $mem"
	echo "- Kernel: $(uname -sr) ($(uname -m)); OS: $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
	echo "- Limits: open files $(ulimit -Sn) (hard $(ulimit -Hn)); net.core.somaxconn $(cat /proc/sys/net/core/somaxconn 2>/dev/null);" \
		"ephemeral ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null); tcp_tw_reuse $(cat /proc/sys/net/ipv4/tcp_tw_reuse 2>/dev/null)"
	echo "- Pinning: server side (server, bin/kitchen, nginx, Node.js) on core $SERVER_CORE; client (bin/loadgen, wrk, this script) on core $CLIENT_CORE; loopback 127.0.0.1"
	echo "- Tree: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)');" \
		"$(${CC:-cc} --version 2>/dev/null | head -n 1)"
	echo "- Peers: nginx $( (bench_nginx_bin >/dev/null && $(bench_nginx_bin) -v 2>&1 | sed 's|.*/||') || echo 'not installed');" \
		"Node.js $( (bench_node_bin >/dev/null && $(bench_node_bin) --version) || echo 'not installed');" \
		"$(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }' || true); $(gnuplot --version 2>/dev/null || echo 'gnuplot not installed')"
}

bench_table() { # what workload [peer metric] -> Markdown on stdout
	local file=$OUT/summary.csv
	[ "$1" = ratio ] && file=$OUT/ratios.csv
	awk -F, -v what="$1" -v workload="${2:-}" -v peer="${3:-}" -v metric="${4:-}" -v order="$SERVER_ORDER" \
		-f "$BENCH_DIR/tables.awk" "$file"
}

# Why a target was missed, from the evidence of its cells: which core was saturated, errors.
# Targets are named by what they measure ($2), never by their id ($1, for scripts only).
bench_closing_note() {
	awk -F, 'NR > 1 && $5 == "MISSED" {
		n++
		printf "- **%s**: measured %s against %s. Evidence: %s.", $2, $4, $3, $6
		why = ""
		if ($6 ~ /client core busy (9[5-9]|100)(\.[0-9])? %/) why = why " In these runs the client core was saturated (95 % busy or more): the client, not the server, may have set the pace."
		if ($6 ~ /server CPU (9[5-9]|1[0-9][0-9])(\.[0-9])? %/) why = why " A server in these runs used its whole core."
		rest = $6; other = 0
		while (match(rest, /server CPU [0-9.]+ % \(server core busy [0-9.]+ %\)/)) {
			part = substr(rest, RSTART, RLENGTH); rest = substr(rest, RSTART + RLENGTH)
			split(part, w, " "); if (w[8] - w[3] > other) other = w[8] - w[3]
		}
		if (other > 20) why = why sprintf(" Other processes took up to %.0f %% of the server core during these runs (core busy minus the server'"'"'s own CPU; in kitchen50 the kitchen is one of them).", other)
		if ($6 ~ /[1-9][0-9]* errors/) why = why " Errors were counted (see the detail table for their kinds)."
		if ($1 ~ /^B5\./ && $4 + 0 < 0.95) why = why " Below N / 0.05 s: each order costs more than its 50 ms wait (HTTP work, thread hand-offs and the timer slack of a 2-core machine add to it)."
		if ($1 ~ /^B5\./ && $4 + 0 > 1.05) why = why " Above N / 0.05 s: more than N orders were in the kitchen at once, so the server does not bound concurrency to N."
		print why == "" ? " No single saturated resource stands out; see the spread of the runs, the drift of this machine and results/README.md." : why
	}
	NR > 1 && $5 == "NOT MEASURED" { nm = nm (nm == "" ? " " : "; ") $2 }
	NR > 1 && $7 == "no" && $1 !~ /^B5\./ { shaky = shaky (shaky == "" ? " " : "; ") $2 }
	NR > 1 && $5 == "MET" { met++ }
	END {
		if (!n) printf "No target was missed (%d met).", met
		if (nm != "") printf " Not measured in this run:%s (their cells are not in this matrix, or a peer was skipped).", nm
		print ""
		if (shaky != "") printf "\nNot robust:%s. Their runs fall on both sides of the target: the drift of the machine and any other load during the run (see the other-load line at the top, and *core busy* against *server CPU* in the evidence) weigh more than the gap being measured. Rerun `make bench` on a quiet machine before reading these verdicts.\n", shaky
	}' "$OUT/bars.csv"
}

# How much of the server core other processes took during the runs (core busy minus the
# server's own share; kitchen50 left out, where the kitchen shares the core on purpose).
bench_other_load() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["workload"] != "kitchen50" && $c["server_core_busy_pct"] != "" {
			x = $c["server_core_busy_pct"] - $c["server_util_pct"]; if (x < 0) x = 0
			n++; v[n] = x; if (x > 20) big++ }
		END {
			if (!n) exit
			for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
			printf "Other load on the server core (core busy minus the server'"'"'s own CPU): median %.0f %% of the core; more than 20 %% in %d of %d runs%s.\n",
				v[int((n + 1) / 2)], big, n, (big > n / 10) ? " — this machine was not quiet: read the ratios with that in mind" : "" }' "$RUNS_CSV"
}

# The summary a newcomer reads first: how many targets were met, the ones missed with
# their figures, and the question each group of targets answers. From bars.csv only.
bench_summary() {
	awk -F, 'NR > 1 && $1 !~ /^B5\./ {
		total++
		if ($5 == "MET") met++
		else if ($5 == "MISSED") missed = missed sprintf("\n- missed: %s: %s against %s", $2, $4, $3)
		else nm++
		if ($7 == "no") shaky++
	}
	END {
		printf "- %d of %d targets met%s%s.", met, total, nm ? sprintf(", %d not measured in this run", nm) : "",
			shaky ? sprintf("; %d verdict%s not robust (runs on both sides of the target)", shaky, shaky == 1 ? " is" : "s are") : ""
		print missed
	}' "$OUT/bars.csv"
	echo "- What the targets ask: is the event-driven server as fast and as cheap as nginx on a trivial order, twice"
	echo "  Node.js on a 50 ms kitchen wait with 5,000 customers, and at the Little's-law bound at 1,000; does the"
	echo "  thread-driven server with N threads serve exactly N orders per 50 ms; and does bin/loadgen keep up with wrk."
	echo "- Below: the machine, each target with its evidence, the charts, then every table. How to read them:"
	echo "  [results/README.md](../README.md)."
}

bench_report() {
	local md=$OUT/report.md g peer
	{
		echo "# lunchrush benchmark: ${BENCH_STARTED%%T*} on $(hostname)"
		echo
		echo "Mode **$MODE** (\`$BENCH_COMMAND\`): $REPS run(s) per cell, each ${DURATION_S} s measured after a ${WARMUP_S} s warm-up;"
		echo "$(($(wc -l <"$RUNS_CSV") - 1)) runs from $BENCH_STARTED to ${BENCH_ENDED:-$(date -u +%Y-%m-%dT%H:%M:%SZ)} ($BENCH_ELAPSED);"
		echo "${RESTARTS:-0} server restart(s) between runs (a server still serving the orders of the previous run's customers after 1 s is restarted, so every run starts without a backlog)."
		bench_other_load
		echo "Raw runs: [runs.csv](runs.csv); per cell: [summary.csv](summary.csv); alternating ratios: [ratios.csv](ratios.csv);"
		echo "bars: [bars.csv](bars.csv). How to read all of it: [results/README.md](../README.md)."
		echo
		echo "## Summary"
		echo
		bench_summary
		echo
		echo "## Machine"
		echo
		# the machine that measured: kept beside the runs, so a report rebuilt elsewhere or
		# later (BENCH_REPORT_ONLY=1) still describes it, not the machine that rebuilt it
		if [ -s "$LOGDIR/machine.md" ] && [ -n "${BENCH_REPORT_ONLY:-}" ] && [ "$BENCH_REPORT_ONLY" != 0 ]; then
			cat "$LOGDIR/machine.md"
		else
			bench_machine | tee "$LOGDIR/machine.md"
		fi
		echo
		echo "## Targets (measured, never typed in)"
		echo
		echo "| what is measured | target | measured (median of alternating runs) | status |"
		echo "|---|---|---|---|"
		awk -F, 'NR > 1 { printf "| %s | %s | %s | **%s**%s |\n", $2, $3, $4, $5, ($7 == "no" ? " (runs on both sides)" : "") }' "$OUT/bars.csv"
		echo
		echo "*(runs on both sides)*: the lowest and highest run fall on opposite sides of the target, so the"
		echo "verdict of the median is not robust on this machine at this time (see the closing note)."
		echo
		echo "Evidence behind each target (medians of the cells involved):"
		echo
		awk -F, 'NR > 1 { printf "- %s: %s\n", $2, $6 }' "$OUT/bars.csv"
		echo
		if [ -s "$OUT/fair.md" ]; then
			cat "$OUT/fair.md"
			echo
		fi
		echo "## Charts"
		echo
		if [ -n "$CHARTS_SKIPPED" ]; then
			echo "$CHARTS_SKIPPED"
		else
			for g in throughput p99 rss openloop; do echo "![$g]($g.png)"; echo; done
		fi
		echo "## Throughput (median req/s, ± half the min–max range of the runs), closed loop, bin/loadgen"
		for g in "${BENCH_GROUPS[@]}"; do
			echo; echo "### ${WORKLOAD_WHAT[$g]}"; echo
			bench_table pivot "$g"
		done
		echo
		echo "## Ratios against the peers (median of alternating runs, min..max)"
		for g in "${BENCH_GROUPS[@]}"; do
			for peer in nginx node; do
				grep -q "^peer,closed,$g,loadgen,[0-9]*,[0-9.]*,[^,]*,$peer," "$OUT/ratios.csv" || continue
				echo; echo "### ${WORKLOAD_WHAT[$g]}: req/s against $peer (above 1: faster than $peer)"; echo
				bench_table ratio "$g" "$peer" throughput
				echo; echo "### ${WORKLOAD_WHAT[$g]}: server CPU per request against $peer (below 1: cheaper than $peer)"; echo
				bench_table ratio "$g" "$peer" cpu_per_req
				echo; echo "### ${WORKLOAD_WHAT[$g]}: p99 against $peer (below 1: shorter tail than $peer)"; echo
				bench_table ratio "$g" "$peer" p99
			done
		done
		echo
		echo "## Ratios against the theory (median req/s / bound)"
		echo
		echo "Little's law for a kitchen wait: X ≤ min(N, slots) / 0.05 s (slots = threads of blocking-8 and -64);"
		echo "the core for CPU work: X ≤ $SERVER_CORES_N core / 200 µs. No bound is given for the trivial order."
		for g in "${BENCH_GROUPS[@]}"; do
			[ "$g" = trivial ] && continue
			echo; echo "### ${WORKLOAD_WHAT[$g]}"; echo
			bench_table ofbound "$g"
		done
		echo
		echo "## Every closed-loop cell"
		echo
		echo "Medians of the runs of each cell. *Little mean ms* is N / throughput, the mean time an order takes by"
		echo "Little's law; † marks latency figures that describe the fastest orders only: drawn from under half of the"
		echo "window's orders (the others were still waiting when it closed), or with a p99 below that mean (orders"
		echo "take longer than the window; those done in it were first in line). *server CPU %* is the server's own share"
		echo "of its core; *core busy %* counts every process on that core (the kitchen too, in kitchen50)."
		for g in "${BENCH_GROUPS[@]}"; do
			echo; echo "### ${WORKLOAD_WHAT[$g]}"; echo
			bench_table detail "$g"
		done
		echo
		echo "## Open loop: latency against arrival rate (${WORKLOAD_WHAT[$SWEEP_WORKLOAD]}, Poisson arrivals, seed $OPEN_SEED, up to $OPEN_MAX_CONNS connections)"
		echo
		echo "Latency is measured from each order's scheduled arrival (no coordinated omission); the uncorrected p99 from the actual send is beside it."
		echo
		bench_table open
		echo
		echo "## Client cross-check: bin/loadgen and wrk, alternating on the same servers (one thread each)"
		echo
		bench_table xcheck
		echo
		awk -F, 'NR > 1 && $1 == "client" && $9 == "throughput" { printf "- %s %s c=%s: loadgen / wrk req/s = %s (%s..%s, n=%s)\n", $3, $7, $5, $10, $11, $12, $13 }' "$OUT/ratios.csv"
		echo
		echo "## Skipped"
		echo
		if [ ${#SKIPPED_LINES[@]} -eq 0 ]; then echo "Nothing was skipped."; else printf -- '- %s\n' "${SKIPPED_LINES[@]}"; fi
		echo
		echo "## Closing note"
		echo
		echo "Targets missed and why, from the evidence above:"
		echo
		bench_closing_note
		echo
		echo "Every comparison above is a ratio of runs taken alternately in one sitting: loopback throughput on"
		echo "this class of machine drifts by 25-40 % over minutes, so figures from different runs of \`make bench\`"
		echo "are not comparable, ratios within one are."
	} >"$md"
}
