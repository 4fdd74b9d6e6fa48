# tables.awk: Markdown tables of report.md from summary.csv (and ratios.csv for ratios).
# Usage: awk -F, -v what=pivot|ofbound|detail|open|xcheck|ratio -v workload=W
#            -v order="server labels in display order" [-v peer=P -v metric=M] -f tables.awk FILE
#   pivot   median req/s (spread %) by server and concurrency, closed loop
#   ofbound throughput / bound by server and concurrency
#   detail  every closed-loop cell of a workload with every measured figure
#   open    the open-loop sweep;  xcheck  bin/loadgen against wrk
#   ratio   (ratios.csv) subject / peer for one metric by server and concurrency
BEGIN { no = split(order, ord, " ") }

FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }

function v(name) { return $col[name] }
function seen_conc(c) { if (!(c in cs)) { cs[c] = 1; conc[++nc] = c } }
function seen_srv(s) { if (!(s in ss)) { ss[s] = 1; srv[++nsv] = s } }

what == "pivot" || what == "ofbound" {
	if (v("kind") != "closed" || v("workload") != workload || v("client") != "loadgen") next
	seen_conc(v("connections")); seen_srv(v("server"))
	if (what == "pivot")
		cell[v("server"), v("connections")] = sprintf("%s (±%.0f %%)", fmtn(v("throughput_rps")), v("spread_pct") / 2)
	else if (v("of_bound") != "")
		cell[v("server"), v("connections")] = sprintf("%.3f", v("of_bound"))
	next
}

what == "ratio" {
	if (v("type") != "peer" || v("kind") != "closed" || v("workload") != workload || v("reference") != peer || v("metric") != metric) next
	seen_conc(v("connections")); seen_srv(v("subject"))
	cell[v("subject"), v("connections")] = sprintf("%.2f (%.2f..%.2f)", v("median"), v("min"), v("max"))
	next
}

what == "detail" {
	if (v("kind") != "closed" || v("workload") != workload) next
	rows[++nr] = sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
		v("server"), v("connections"), fmtn(v("throughput_rps")) " (" fmtn(v("throughput_min")) "–" fmtn(v("throughput_max")) ")",
		v("p50_ms") sample(), v("p99_ms") sample(), v("p999_ms") sample(), v("max_ms") sample(), v("little_ms"), errs(),
		kib(v("rss_peak_kib")), v("threads_max"), v("server_util_pct") " / " v("server_core_busy_pct"), v("client_core_busy_pct"),
		v("cpu_us_per_req"), v("ctxsw_per_req"), bound())
	rk[nr] = rank(v("server")) * 100000 + v("connections")
	next
}

what == "open" {
	if (v("kind") != "open") next
	rows[++nr] = sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
		v("server"), v("rate_rps"), fmtn(v("throughput_rps")), v("p50_ms"), v("p99_ms") " (" v("p99_min_ms") "–" v("p99_max_ms") ")",
		v("p999_ms"), v("max_ms"), v("unc_p99_ms"), errs(), kib(v("rss_peak_kib")), v("threads_max"), v("cpu_us_per_req"))
	rk[nr] = rank(v("server")) * 1000000 + v("rate_rps")
	next
}

what == "xcheck" {
	if (v("kind") != "xcheck") next
	key = v("workload") SUBSEP v("server") SUBSEP v("connections")
	if (!(key in xk)) { xk[key] = 1; xs[++nx] = key }
	xt[key, v("client")] = fmtn(v("throughput_rps")); xp[key, v("client")] = v("p99_ms")
	next
}

function rank(s,    i) { for (i = 1; i <= no; i++) if (ord[i] == s) return i; return no + 1 }
# Latency percentiles that describe the fastest orders only, marked with a dagger: drawn
# from under half of the window's orders (the rest still waiting at its end), or a p99
# below the mean time per order by Little's law (orders take longer than the window, and
# those that finished in it were the first in line).
function sample() {
	if (v("latency_sample_pct") != "" && v("latency_sample_pct") + 0 < 50) return " †"
	if (v("little_ms") != "" && v("p99_ms") != "" && v("p99_ms") + 0 < 0.9 * v("little_ms")) return " †"
	return ""
}
function fmtn(x) { return x == "" ? "" : sprintf("%.0f", x) }
function kib(x) { return x == "" ? "" : sprintf("%.1f", x / 1024) }
function errs() { return v("errors") + 0 > 0 ? v("errors") " (" v("errors_pct") " %)" : "0" }
function bound() { return v("bound_rps") == "" ? "–" : sprintf("%s (%s) %.3f", fmtn(v("bound_rps")), v("bound_kind"), v("of_bound")) }

# Insertion sort of index array idx[1..n] by key array k.
function sort_by(k, n, idx,    i, j, x) {
	for (i = 1; i <= n; i++) idx[i] = i
	for (i = 2; i <= n; i++) { x = idx[i]; for (j = i - 1; j >= 1 && k[idx[j]] > k[x]; j--) idx[j + 1] = idx[j]; idx[j + 1] = x }
}

function print_grid(    i, j, line, cix, six, ck, sk) {
	if (!nsv) { print "(no runs)"; return }
	for (i = 1; i <= nc; i++) ck[i] = conc[i] + 0
	sort_by(ck, nc, cix)
	for (i = 1; i <= nsv; i++) sk[i] = rank(srv[i])
	sort_by(sk, nsv, six)
	line = "| server |"; for (i = 1; i <= nc; i++) line = line " c=" conc[cix[i]] " |"
	print line
	line = "|---|"; for (i = 1; i <= nc; i++) line = line "---:|"
	print line
	for (j = 1; j <= nsv; j++) {
		line = "| " srv[six[j]] " |"
		for (i = 1; i <= nc; i++) line = line " " ((srv[six[j]], conc[cix[i]]) in cell ? cell[srv[six[j]], conc[cix[i]]] : "–") " |"
		print line
	}
}

END {
	if (what == "pivot" || what == "ofbound" || what == "ratio") { print_grid(); exit }
	if (what == "detail") {
		print "| server | conns | req/s (min–max) | p50 ms | p99 ms | p99.9 ms | max ms | Little mean ms | errors | peak RSS MiB | threads | server CPU % / core busy % | client core busy % | CPU µs/req | ctxsw/req | bound req/s (kind) share |"
		print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	} else if (what == "open") {
		print "| server | asked req/s | achieved req/s | p50 ms | p99 ms (min–max) | p99.9 ms | max ms | uncorrected p99 ms | errors | peak RSS MiB | threads | CPU µs/req |"
		print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	} else if (what == "xcheck") {
		print "| workload | server | conns | bin/loadgen req/s | wrk req/s | p99 ms loadgen | p99 ms wrk |"
		print "|---|---|---:|---:|---:|---:|---:|"
		for (i = 1; i <= nx; i++) {
			split(xs[i], id, SUBSEP)
			printf "| %s | %s | %s | %s | %s | %s | %s |\n", id[1], id[2], id[3], xt[xs[i], "loadgen"], xt[xs[i], "wrk"], xp[xs[i], "loadgen"], xp[xs[i], "wrk"]
		}
		if (!nx) print "| (no cross-check runs) | | | | | | |"
		exit
	}
	sort_by(rk, nr, ix)
	for (i = 1; i <= nr; i++) print rows[ix[i]]
	if (!nr) print "| (no runs) |"
}
