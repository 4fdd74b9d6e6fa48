# shellcheck shell=bash
# measure.sh: one run of the bench (sourced by scripts/bench.sh): read the server's /proc
# counters once the client's warm-up is over, drive it with bin/loadgen or wrk pinned to the
# client core, read them again, append one row to runs.csv. The columns are documented in
# results/README.md; RUNS_HEADER is their order. A fork and exec costs ~40 ms on the VMs
# we run on, so a run spawns few processes: builtins where they do, one awk per snapshot.

RUNS_HEADER="run_id,started_utc,kind,workload,server,client,connections,rate_rps,rep,duration_s,requests,errors,error_kinds,throughput_rps,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,mean_ms,unc_p99_ms,rss_peak_kib,threads_max,server_cpu_s,server_util_pct,cpu_us_per_req,ctxsw_vol,ctxsw_invol,client_cpu_s,bound_rps,bound_kind,server_pid,client_rps,served,latency_sample_pct,little_ms,server_core_busy_pct,client_core_busy_pct"

CLK_TCK=$(getconf CLK_TCK)
RUN_ID=0
NEVER_FD= # a FIFO nobody writes: `read -t S` on it sleeps S seconds without a fork

bench_sleep_init() { mkfifo "$TMPROOT/never" && exec {NEVER_FD}<>"$TMPROOT/never"; }
bench_sleep() { # seconds (fractions allowed)
	if [ -n "$NEVER_FD" ]; then read -r -t "$1" -u "$NEVER_FD" _; else sleep "$1"; fi
	return 0
}

# One snapshot of a process and the two cores, one awk: "TICKS VOL INVOL S_TOTAL S_IDLE
# C_TOTAL C_IDLE". TICKS: utime+stime of the whole process (live and exited threads);
# VOL/INVOL: context switches summed over its live threads (a thread may vanish between the
# glob and the read: getline skips it); the cores' jiffies from /proc/stat.
proc_snapshot() { # pid
	awk -v sc="cpu$SERVER_CORE" -v cc="cpu$CLIENT_CORE" -v pidstat="/proc/$1/stat" 'BEGIN {
		if ((getline l < pidstat) > 0) { sub(/.*\) /, "", l); split(l, f, " "); ticks = f[12] + f[13] }
		for (i = 1; i < ARGC; i++) {
			while ((getline l < ARGV[i]) > 0) {
				if (l ~ /^voluntary_ctxt_switches/) { split(l, f, /[ \t]+/); v += f[2] }
				else if (l ~ /^nonvoluntary_ctxt_switches/) { split(l, f, /[ \t]+/); n += f[2] }
			}
			close(ARGV[i])
		}
		while ((getline l < "/proc/stat") > 0) {
			split(l, f, " ")
			if (f[1] != sc && f[1] != cc) continue
			t = 0; for (k = 2; k in f; k++) t += f[k]
			tot[f[1]] = t; idle[f[1]] = f[5] + f[6]
			delete f
		}
		printf "%d %d %d %d %d %d %d\n", ticks, v, n, tot[sc], idle[sc], tot[cc], idle[cc]
	}' /proc/"$1"/task/*/status 2>/dev/null
}

proc_status() { # pid field -> REPLY (first word of the value), no fork
	local k v
	REPLY=
	while IFS=: read -r k v; do
		[ "$k" = "$2" ] && { read -r REPLY _ <<<"$v"; return; }
	done <"/proc/$1/status" 2>/dev/null
}

# Children CPU time (user+sys s) of this shell from the `times` builtin's second line
# ("0m0.012s 0m0.004s"), as "S.mmm" in REPLY. `times` must run in this shell, not in $(...):
# a subshell starts with no children time of its own.
children_cpu() {
	local line
	times >"$TMPROOT/times"
	{ read -r _; read -r line; } <"$TMPROOT/times"
	[[ $line =~ ^([0-9]+)m([0-9.]+)s\ ([0-9]+)m([0-9.]+)s ]] || { REPLY=0; return; }
	REPLY="${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]} ${BASH_REMATCH[4]}"
}

# Samples the thread count of a process every 0.2 s into a file until killed (a subshell,
# no exec: bench_sleep and proc_status are builtins only).
thread_sampler() { # pid file
	while kill -0 "$1" 2>/dev/null; do
		proc_status "$1" Threads
		echo "$REPLY" >>"$2"
		bench_sleep 0.2
	done
}

# The throughput bound where one exists, in BOUND and BOUND_KIND: Little's law for a
# kitchen wait (X <= min(N, slots) / cook), the server's cores for CPU work (X <= cores / work).
bench_bound() { # server workload connections
	local server=$1 conc=$3 cook work slots
	read -r cook work _ <<<"${WORKLOAD[$2]}"
	BOUND='' BOUND_KIND=''
	if ((cook > 0)); then
		slots=${SERVER_SLOTS[$server]:-$conc}
		((slots > conc)) && slots=$conc
		BOUND=$((slots * 1000 / cook)) BOUND_KIND=little
	elif ((work > 0)); then
		slots=$SERVER_CORES_N
		((slots > conc)) && slots=$conc
		BOUND=$((slots * 1000000 / work)) BOUND_KIND=cpu
	fi
}

# Connections still open on the server's port from an earlier run (ESTABLISHED or
# CLOSE_WAIT in /proc/net/tcp*): a blocking server keeps serving the orders of customers who
# have left until a cashier reaches them, which would eat into the next run.
bench_leftover_conns() { # port -> REPLY
	local hex
	printf -v hex '%04X' "$1"
	REPLY=$(awk -v p=":$hex" '$2 ~ p "$" && ($4 == "01" || $4 == "08") { n++ } END { print n + 0 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
}

# Before a run: wait up to BENCH_DRAIN_S (default 1 s) for the server to be rid of the
# connections of the previous run, else restart it (SIGTERM, SIGKILL after 1 s): every run
# then starts on a server with no backlog, as every other server gets.
bench_quiet() { # server workload
	local s=$1 i tries=$((${BENCH_DRAIN_S:-1} * 10))
	for ((i = 0; i < tries; i++)); do
		bench_leftover_conns "${SRV_PORT[$s]}"
		[ "$REPLY" -eq 0 ] && return 0
		bench_sleep 0.1
	done
	bench_log "$s still holds $REPLY connections of the previous run after ${BENCH_DRAIN_S:-1} s: restarting it"
	RESTARTS=$((${RESTARTS:-0} + 1))
	bench_server_stop "$s" 1
	bench_server_start "$s" "$2"
}

# One run. kind: closed | xcheck | open. client: loadgen | wrk. Appends to $RUNS_CSV and
# leaves the row in LAST_ROW.
bench_run() { # kind workload server client connections rate rep
	local kind=$1 workload=$2 server=$3 client=$4 conc=$5 rate=$6 rep=$7
	bench_quiet "$server" "$workload" || return 1
	local port=${SRV_PORT[$server]} pid=${SRV_MPID[$server]} cook work
	read -r cook work _ <<<"${WORKLOAD[$workload]}"
	local url="http://127.0.0.1:$port/order?cook_ms=$cook&work_us=$work"
	RUN_ID=$((RUN_ID + 1))
	local tag="$TMPROOT/run-$RUN_ID" # scratch; the client's output is kept in logs/
	local -a cmd=(taskset -c "$CLIENT_CORE" timeout -k 5 $((${DURATION_S%.*} + CLIENT_TIMEOUT_S + 30)))
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
	local started
	TZ=UTC printf -v started '%(%Y-%m-%dT%H:%M:%SZ)T' -1

	echo 5 >"/proc/$pid/clear_refs" 2>/dev/null # reset VmHWM: the peak of this run only
	: >"$tag.threads"
	thread_sampler "$pid" "$tag.threads" &
	local sampler=$!
	local cc0 cc1 snap0 snap1
	children_cpu; cc0=$REPLY
	"${cmd[@]}" >"$tag.json" 2>"$tag.err" &
	local cpid=$! rc
	# The server's counters are read once the client's warm-up is over, so CPU time and
	# context switches cover the measured window (plus the closing of the connections).
	[ "$warm" != 0 ] && bench_sleep "$warm"
	snap0=$(proc_snapshot "$pid")
	local e0=$EPOCHREALTIME
	wait "$cpid"; rc=$?
	local e1=$EPOCHREALTIME
	snap1=$(proc_snapshot "$pid")
	children_cpu; cc1=$REPLY
	local hwm threads_now
	proc_status "$pid" VmHWM; hwm=$REPLY
	proc_status "$pid" Threads; threads_now=$REPLY
	kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
	local threads=${threads_now:-0} t
	while read -r t; do [[ $t =~ ^[0-9]+$ ]] && ((t > threads)) && threads=$t; done <"$tag.threads"

	bench_bound "$server" "$workload" "$conc"
	LAST_ROW=$(bench_row "$kind" "$workload" "$server" "$client" "$conc" "$rate" "$rep" "$rc" "$tag" \
		"$started" "$snap0" "$snap1" "${hwm:-}" "$threads" "$cc0" "$cc1" "$e0" "$e1" "$pid")
	echo "$LAST_ROW" >>"$RUNS_CSV"
	local json=
	while IFS= read -r t; do [[ $t == "{"* ]] && json=$t; done <"$tag.json"
	printf '%s\t%s\n' "$RUN_ID" "$json" >>"$LOGDIR/client-json.tsv"
	if [ -s "$tag.err" ]; then
		# every message but bin/loadgen's "running ..." banner, which each run prints
		while IFS= read -r t; do [[ $t == "loadgen: running "* ]] || echo "run $RUN_ID: $t"; done <"$tag.err" >>"$LOGDIR/client.err"
	fi
}

# Turns the client's JSON and the /proc snapshots into one CSV row (stdout), in one awk.
#   throughput_rps: orders answered 200 per second of the window. In a closed loop with
#     bin/loadgen, each customer orders again the moment it is served, so the orders placed
#     in the window (loadgen's "arrived") count the services in it, those of orders placed
#     during the warm-up included; loadgen's own throughput (client_rps) counts only orders
#     placed and completed in the window and falls short when latency nears the window.
#     ("sent" would count the first orders of connections the server accepts late, too.)
#     Elsewhere: completed orders minus HTTP errors, per second.
#   served: services in the window (closed loop: orders placed; else: completed), the
#     denominator of CPU per request and context switches per request.
#   errors: errors_total when the client gives it (loadgen lists status_503 beside status),
#     else the sum of the kinds; a client that printed no JSON is one error, client_exit=RC.
bench_row() {
	local kind=$1 workload=$2 server=$3 client=$4 conc=$5 rate=$6 rep=$7 rc=$8 tag=$9
	shift 9
	local rowrate=$rate closed=0
	[ "$kind" = open ] || rowrate=0
	[ "$kind" != open ] && [ "$client" = loadgen ] && closed=1
	awk -f "$BENCH_DIR/json_flat.awk" "$tag.json" | awk -F'\t' -v id="$RUN_ID" -v started="$1" -v kind="$kind" \
		-v wl="$workload" -v srv="$server" -v cl="$client" -v n="$conc" -v rate="$rowrate" -v rep="$rep" \
		-v rc="$rc" -v snap0="$2" -v snap1="$3" -v hwm="$4" -v threads="$5" -v cc0="$6" -v cc1="$7" \
		-v e0="$8" -v e1="$9" -v pid="${10}" -v hz="$CLK_TCK" -v closed="$closed" -v defdur="$DURATION_S" \
		-v bound="$BOUND" -v bkind="$BOUND_KIND" '
		{ J[$1] = $2; if ($1 ~ /^errors\./ && $2 ~ /^[0-9]+$/ && $2 > 0) { esum += $2; kinds = kinds sprintf("%s=%s;", substr($1, 8), $2) } }
		function num(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ ? x : "" }
		END {
			req = J["requests"]; errs = ("errors_total" in J) ? J["errors_total"] + 0 : esum + 0
			if (req == "") { req = 0; errs++; kinds = kinds "client_exit=" rc ";" }
			sub(/;$/, "", kinds)
			dur = J["duration_s"] != "" ? J["duration_s"] : defdur
			sent = J["arrived"] != "" ? J["arrived"] : (J["sent"] != "" ? J["sent"] : req)
			st = J["errors.status"] + 0
			split(snap0, a, " "); split(snap1, b, " ")
			cpu = (b[1] - a[1]) / hz; win = e1 - e0
			ok = req > 0 ? (req - st) / req : 1; if (ok < 0) ok = 0
			if (closed) { served = sent; thr = dur > 0 ? sent / dur * ok : 0 }
			else { served = req; thr = dur > 0 ? (req - st) / dur : 0 }
			if (thr < 0) thr = 0
			split(cc0, c, " "); split(cc1, d, " ")
			ccpu = (d[1] * 60 + d[2] + d[3] * 60 + d[4]) - (c[1] * 60 + c[2] + c[3] * 60 + c[4])
			bs = (b[4] - a[4]) > 0 ? sprintf("%.1f", 100 * (1 - (b[5] - a[5]) / (b[4] - a[4]))) : ""
			bc = (b[6] - a[6]) > 0 ? sprintf("%.1f", 100 * (1 - (b[7] - a[7]) / (b[6] - a[6]))) : ""
			printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%.6f,%d,%d,%s,%.2f,", id, started, kind, wl, srv, cl, n, rate, rep, dur, req, errs, kinds, thr
			printf "%s,%s,%s,%s,%s,%s,%s,", num(J["latency_ms.p50"]), num(J["latency_ms.p90"]), num(J["latency_ms.p99"]),
				num(J["latency_ms.p999"]), num(J["latency_ms.max"]), num(J["latency_ms.mean"]), num(J["uncorrected_latency_ms.p99"])
			printf "%s,%s,%.3f,%.1f,%s,%d,%d,%.3f,%s,%s,%s,", hwm, threads, cpu, (win > 0 ? 100 * cpu / win : 0),
				(served > 0 ? sprintf("%.3f", cpu * 1e6 / served) : ""), b[2] - a[2], b[3] - a[3], ccpu, bound, bkind, pid
			printf "%s,%d,%s,%s,%s,%s\n", num(J["throughput_rps"]) == "" ? 0 : J["throughput_rps"], served,
				(sent > 0 ? sprintf("%.1f", 100 * req / sent) : ""),
				((closed && sent > 0 && dur > 0) ? sprintf("%.3f", 1000 * n * dur / sent) : ""), bs, bc
		}'
}
