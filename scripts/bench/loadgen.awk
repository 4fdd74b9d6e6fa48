# loadgen.awk: loadgen.csv -> loadgen.md (see loadgen.sh). Figures are medians over the
# repetitions; a ratio is the median of the ratios taken within one repetition.
# Input columns: table,rep,variant,asked_rps,rps,p99_ms,unc_p99_ms,lag_p99_ms,conns_max,
# saturated,cpu_us_per_req. Variables: reps, dur (seconds per run).

function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	if (n == 0) return 0
	for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(k, v) { L[k] = (k in L) ? L[k] " " v : v }

NR > 1 {
	k = $1 SUBSEP $3 SUBSEP ($1 == "rate" ? $4 : "")
	if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
	add(k SUBSEP "rps", $5); add(k SUBSEP "p99", $6); add(k SUBSEP "unc", $7)
	add(k SUBSEP "lag", $8); add(k SUBSEP "conns", $9); add(k SUBSEP "cpu", $11)
	add(k SUBSEP "got", $4 > 0 ? $5 / $4 : 0)
	if ($10 == "yes") sat[k]++
	cpu[$1, $2, $3, $4] = $11
	if ($1 == "same" && $3 == "closed") closed_cpu[$2] = $11
	rows[NR] = $0
}

END {
	for (i = 2; i <= NR; i++) {
		split(rows[i], f, ",")
		if (f[1] == "same" && f[3] != "closed" && closed_cpu[f[2]] > 0)
			add("same" SUBSEP f[3] SUBSEP "" SUBSEP "ratio", f[11] / closed_cpu[f[2]])
	}
	print "## The load generator's own cost"
	print ""
	printf "bin/loadgen against bin/evented --loops 1, trivial orders (cook_ms=0, work_us=0), server and\n"
	printf "client pinned to different cores; %d repetitions of %s s runs, taken in turn; medians.\n", reps, dur
	printf "Client CPU is the load generator's user + system time over the requests it counted.\n\n"
	print "### Client CPU per request: closed loop against open loop at the same throughput"
	print ""
	print "| client | req/s | client CPU us/req | vs the closed loop | p99 ms | uncorrected p99 ms | client lag p99 ms |"
	print "|---|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= nk; i++) {
		split(order[i], p, SUBSEP)
		if (p[1] != "same") continue
		k = order[i]
		ratio = p[2] == "closed" ? "1.000" : sprintf("%.3f", median(L[k SUBSEP "ratio"]))
		printf "| %s | %.0f | %.2f | %s | %.3f | %s | %s |\n", what(p[2]), median(L[k SUBSEP "rps"]),
			median(L[k SUBSEP "cpu"]), ratio, median(L[k SUBSEP "p99"]),
			p[2] == "closed" ? "-" : sprintf("%.3f", median(L[k SUBSEP "unc"])),
			p[2] == "closed" ? "-" : sprintf("%.3f", median(L[k SUBSEP "lag"]))
		if (p[2] == "open") target_cpu = median(L[k SUBSEP "ratio"])
	}
	print ""
	print "### The open loop at high rates"
	print ""
	print "| asked req/s | client | achieved req/s | achieved / asked | p99 ms | uncorrected p99 ms | client lag p99 ms | connections | called saturated | client CPU us/req |"
	print "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= nk; i++) {
		split(order[i], p, SUBSEP)
		if (p[1] != "rate") continue
		k = order[i]
		got = median(L[k SUBSEP "got"]); p99 = median(L[k SUBSEP "p99"])
		printf "| %d | %s | %.0f | %.4f | %.3f | %.3f | %.3f | %.0f | %d of %d | %.2f |\n", p[3], what(p[2]),
			median(L[k SUBSEP "rps"]), got, p99, median(L[k SUBSEP "unc"]), median(L[k SUBSEP "lag"]),
			median(L[k SUBSEP "conns"]), sat[k] + 0, reps, median(L[k SUBSEP "cpu"])
		if (p[2] == "open") { rate_got[p[3]] = got; rate_p99[p[3]] = p99; rates[++nr] = p[3] }
	}
	print ""
	print "### Targets (issue 17)"
	print ""
	print "| target | measured | bar | |"
	print "|---|---:|---|---|"
	met = 0; total = 0
	total++; ok = target_cpu > 0 && target_cpu <= 1.5; met += ok
	printf "| open-loop client CPU/req vs the closed loop's, same throughput | %.3f | <= 1.50 | %s |\n", target_cpu, ok ? "met" : "**missed**"
	for (i = 1; i <= nr; i++) {
		r = rates[i]
		total++; ok = rate_got[r] >= 0.99; met += ok
		printf "| -R %d: achieved / asked | %.4f | >= 0.99 | %s |\n", r, rate_got[r], ok ? "met" : "**missed**"
		total++; ok = rate_p99[r] < 5.0; met += ok
		printf "| -R %d: p99 from the schedule | %.3f ms | < 5 ms | %s |\n", r, rate_p99[r], ok ? "met" : "**missed**"
	}
	printf "\n%d targets, %d met, %d missed.\n\n", total, met, total - met
	print "The clients:"
	print ""
	print "- `closed`: -c 100 --think-ms 5 (its throughput is the one the open loops are asked for)"
	print "- `open`: -R at that throughput, the defaults: at such rates arrivals are taken on a grid of 5 mean"
	print "  gaps (at most 250 us; none where waking for each arrival costs under 5 % of a core), each sent"
	print "  up to the grid late (counted in its latency and in the client lag); the loop sleeps from cell"
	print "  to cell and reads the responses there, each timed by the kernel's receive stamp"
	print "- `open, on time`: --arrival-slack-us 0: each arrival sent at its time; a gap shorter than a"
	print "  wake-up costs (measured at start) polled through, a longer one slept"
	print "- `open, on time, poll 0`: also --arrival-poll-us 0: every gap slept (the open loop before both)"
}

function what(v) {
	if (v == "open-ontime") return "open, on time"
	if (v == "open-poll0") return "open, on time, poll 0"
	return v
}
