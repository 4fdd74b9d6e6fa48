# fair.awk: fair.csv -> fair.md, the table "each restaurant against the best of its kind"
# and the targets of the fair race. A ratio is taken between runs of the same repetition
# (neighbours in time), then the median over repetitions; so are the figures.
# Columns: conc,client,server,model,rep,rps,p50_ms,p99_ms,cpu_us_per_req
function median(list,    n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	if (n == 0) return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# median over repetitions of field f of server a divided by the same of server b
function ratio(c, cl, a, b, f,    r, list) {
	list = ""
	for (r = 1; r <= reps; r++)
		if ((c, cl, a, r) in v && (c, cl, b, r) in v && val[c, cl, b, r, f] > 0)
			list = list " " val[c, cl, a, r, f] / val[c, cl, b, r, f]
	return median(list)
}
function fig(c, cl, s, f,    r, list) {
	list = ""
	for (r = 1; r <= reps; r++) if ((c, cl, s, r) in v) list = list " " val[c, cl, s, r, f]
	return median(list)
}
# one target row: what, conc, client, servers a/b, field, bar, at least (1) or at most (0)
function target(what, c, cl, a, b, f, bar, atleast,    x, ok) {
	x = ratio(c, cl, a, b, f)
	if (x == "") { printf "| %s | %s | c=%d | not run (%s or %s missing) | %s %.2f | - |\n", what, cl, c, a, b, atleast ? ">=" : "<=", bar; return }
	ok = atleast ? x >= bar : x <= bar
	printf "| %s | %s | c=%d | %.3f | %s %.2f | %s |\n", what, cl, c, x, atleast ? ">=" : "<=", bar, ok ? "met" : "**missed**"
	targets++; if (!ok) missed++
}
NR == 1 { next }
{
	key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $5
	v[key] = 1
	val[key, 6] = $6; val[key, 7] = $7; val[key, 8] = $8; val[key, 9] = $9
	if ($5 > reps) reps = $5
	if (!($1 in seen_c)) { seen_c[$1] = 1; concs[++nc] = $1 }
	if (!($2 in seen_cl)) { seen_cl[$2] = 1; clients[++ncl] = $2 }
	if (!($3 in seen_s)) { seen_s[$3] = 1; servers[++ns] = $3; model[$3] = $4 }
}
END {
	print "## Each restaurant against the best of its kind"
	print ""
	print "Trivial orders (cook_ms=0, work_us=0), server and client pinned to different cores; every"
	print "figure is the median of " reps " repetitions, every ratio the median of the ratios taken"
	print "within one repetition (runs next to each other in time). The reference of each model is"
	print "the bench's minimal server of that model (scripts/bench/ref_threads.c, ref_epoll.c)."
	print ""
	for (ci = 1; ci <= ncl; ci++) for (k = 1; k <= nc; k++) {
		c = concs[k]; cl = clients[ci]
		printf "### %s, %d connection%s\n\n", cl, c, c == 1 ? "" : "s"
		print "| server | model | req/s | vs its model's reference | p50 ms | p99 ms | server CPU us/req |"
		print "|---|---|---:|---:|---:|---:|---:|"
		for (i = 1; i <= ns; i++) {
			s = servers[i]; ref = model[s] == "threads" ? "ref-threads" : "ref-epoll"
			x = fig(c, cl, s, 6); if (x == "") continue
			rr = ratio(c, cl, s, ref, 6)
			printf "| %s | %s | %.0f | %s | %.3f | %.3f | %.2f |\n", s, model[s], x, rr == "" ? "-" : sprintf("%.3f", rr),
				fig(c, cl, s, 7), fig(c, cl, s, 8), fig(c, cl, s, 9)
		}
		print ""
	}
	print "## The targets of the fair race"
	print ""
	print "| target | client | connections | measured (ratio) | bar | |"
	print "|---|---|---|---:|---|---|"
	for (ci = 1; ci <= ncl; ci++) {
		cl = clients[ci]
		split("1 10 100", low, " ")
		for (k = 1; k <= 3; k++) {
			c = low[k]
			target("--threads 0 req/s vs ref-threads", c, cl, "blocking-unl", "ref-threads", 6, 0.85, 1)
			target("--threads 0 CPU/req vs ref-threads", c, cl, "blocking-unl", "ref-threads", 9, 1.2, 0)
			target("--hold-connection req/s vs ref-threads", c, cl, "blocking-hold", "ref-threads", 6, 0.85, 1)
			target("--hold-connection CPU/req vs ref-threads", c, cl, "blocking-hold", "ref-threads", 9, 1.2, 0)
		}
		target("default mode req/s vs ref-threads", 100, cl, "blocking", "ref-threads", 6, 0.6, 1)
		target("default mode req/s vs Apache event MPM", 100, cl, "blocking", "apache-event", 6, 1.0, 1)
		target("evented --loops 1 req/s vs nginx", 100, cl, "evented-1", "nginx", 6, 0.95, 1)
		target("evented --loops 1 req/s vs ref-epoll", 100, cl, "evented-1", "ref-epoll", 6, 0.9, 1)
		target("evented --loops 1 CPU/req vs nginx", 100, cl, "evented-1", "nginx", 9, 1.0, 0)
		target("c=1 median round trip: --threads 0 vs ref-threads", 1, cl, "blocking-unl", "ref-threads", 7, 1.25, 0)
		target("c=1 median round trip: --hold-connection vs ref-threads", 1, cl, "blocking-hold", "ref-threads", 7, 1.25, 0)
		target("c=1 median round trip: default mode vs ref-threads", 1, cl, "blocking", "ref-threads", 7, 1.25, 0)
		target("c=1 median round trip: evented vs ref-epoll", 1, cl, "evented-1", "ref-epoll", 7, 1.25, 0)
	}
	print ""
	printf "%d targets, %d met, %d missed.\n\n", targets, targets - missed, missed
	print "The servers:"
	print ""
}
