# summary.awk: runs.csv -> summary.csv, one row per cell (kind, workload, server, client,
# connections, rate) with the median of its runs and the spread of throughput and p99
# (min and max). Usage: awk -F, -f summary.awk runs.csv. Columns: results/README.md.
BEGIN {
	OFS = ","
	print "kind,workload,server,client,connections,rate_rps,runs,throughput_rps,throughput_min,throughput_max,spread_pct,p50_ms,p90_ms,p99_ms,p99_min_ms,p99_max_ms,p999_ms,max_ms,unc_p99_ms,errors,errors_pct,rss_peak_kib,threads_max,server_cpu_s,server_util_pct,cpu_us_per_req,ctxsw_per_req,client_cpu_s,bound_rps,bound_kind,of_bound,client_rps,latency_sample_pct,little_ms,server_core_busy_pct,client_core_busy_pct"
}

NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }

{
	key = $col["kind"] SUBSEP $col["workload"] SUBSEP $col["server"] SUBSEP $col["client"] SUBSEP $col["connections"] SUBSEP $col["rate_rps"]
	if (!(key in runs)) order[++nkeys] = key
	r = ++runs[key]
	add(key, "thr", $col["throughput_rps"])
	add(key, "p50", $col["p50_ms"]); add(key, "p90", $col["p90_ms"]); add(key, "p99", $col["p99_ms"])
	add(key, "p999", $col["p999_ms"]); add(key, "max", $col["max_ms"]); add(key, "unc", $col["unc_p99_ms"])
	add(key, "err", $col["errors"]); add(key, "rss", $col["rss_peak_kib"]); add(key, "thr_n", $col["threads_max"])
	add(key, "cpu", $col["server_cpu_s"]); add(key, "util", $col["server_util_pct"])
	add(key, "cpureq", $col["cpu_us_per_req"]); add(key, "ccpu", $col["client_cpu_s"])
	add(key, "crps", $col["client_rps"]); add(key, "sample", $col["latency_sample_pct"]); add(key, "little", $col["little_ms"])
	add(key, "busy_s", $col["server_core_busy_pct"]); add(key, "busy_c", $col["client_core_busy_pct"])
	req = $col["requests"] + 0
	if ($col["served"] + 0 > 0) add(key, "csw", ($col["ctxsw_vol"] + $col["ctxsw_invol"]) / $col["served"])
	if (req + $col["errors"] > 0) add(key, "errpct", 100 * $col["errors"] / (req + $col["errors"]))
	bound[key] = $col["bound_rps"]; bkind[key] = $col["bound_kind"]
}

function add(key, what, v) {
	if (v == "") return
	n = ++cnt[key, what]
	val[key, what, n] = v + 0
}

# Median (mean of the middle two for an even count) of the values of one column; "" if none.
function med(key, what,    n, i, j, x, a) {
	n = cnt[key, what]
	if (!n) return ""
	for (i = 1; i <= n; i++) a[i] = val[key, what, i]
	for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function lo(key, what,    n, i, m) {
	n = cnt[key, what]; if (!n) return ""
	m = val[key, what, 1]; for (i = 2; i <= n; i++) if (val[key, what, i] < m) m = val[key, what, i]
	return m
}

function hi(key, what,    n, i, m) {
	n = cnt[key, what]; if (!n) return ""
	m = val[key, what, 1]; for (i = 2; i <= n; i++) if (val[key, what, i] > m) m = val[key, what, i]
	return m
}

function f(x, fmt) { return x == "" ? "" : sprintf(fmt, x) }

function sum(key, what,    n, i, s) {
	n = cnt[key, what]; s = 0
	for (i = 1; i <= n; i++) s += val[key, what, i]
	return s
}

END {
	for (k = 1; k <= nkeys; k++) {
		key = order[k]
		split(key, id, SUBSEP)
		t = med(key, "thr")
		spread = (t > 0) ? 100 * (hi(key, "thr") - lo(key, "thr")) / t : ""
		ofb = (bound[key] != "" && bound[key] > 0) ? t / bound[key] : ""
		print id[1], id[2], id[3], id[4], id[5], id[6], runs[key], f(t, "%.1f"), f(lo(key, "thr"), "%.1f"),
			f(hi(key, "thr"), "%.1f"), f(spread, "%.1f"), f(med(key, "p50"), "%.3f"), f(med(key, "p90"), "%.3f"),
			f(med(key, "p99"), "%.3f"), f(lo(key, "p99"), "%.3f"), f(hi(key, "p99"), "%.3f"),
			f(med(key, "p999"), "%.3f"), f(med(key, "max"), "%.3f"), f(med(key, "unc"), "%.3f"),
			f(med(key, "err"), "%d"), f(med(key, "errpct"), "%.2f"), f(med(key, "rss"), "%d"),
			f(med(key, "thr_n"), "%d"), f(med(key, "cpu"), "%.3f"), f(med(key, "util"), "%.1f"),
			f(med(key, "cpureq"), "%.3f"), f(med(key, "csw"), "%.4f"), f(med(key, "ccpu"), "%.3f"),
			bound[key], bkind[key], f(ofb, "%.4f"), f(med(key, "crps"), "%.1f"), f(med(key, "sample"), "%.1f"),
			f(med(key, "little"), "%.3f"), f(med(key, "busy_s"), "%.1f"), f(med(key, "busy_c"), "%.1f")
	}
}
