# ratios.awk: runs.csv -> ratios.csv. A ratio is taken between two runs of the same
# repetition that ran next to each other in time (the bench alternates servers within a
# repetition, and bin/loadgen with wrk in the cross-check), then its median over the
# repetitions is reported with its min and max. Usage: awk -F, -f ratios.awk runs.csv
#   type=peer:   subject server / reference peer (nginx, node), same client and cell
#   type=client: bin/loadgen / wrk on the same server and cell (kind xcheck)
# metric: throughput (req/s), cpu_per_req (server CPU us per request), p99 (ms).
BEGIN {
	OFS = ","
	print "type,kind,workload,client,connections,rate_rps,subject,reference,metric,median,min,max,n"
	npeer = split("nginx node", peers, " ")
	split("throughput cpu_per_req p99", metrics, " ")
}

NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }

{
	kind = $col["kind"]; wl = $col["workload"]; cl = $col["client"]; s = $col["server"]
	c = $col["connections"]; r = $col["rate_rps"]; rep = $col["rep"]
	cell = kind SUBSEP wl SUBSEP c SUBSEP r
	k = cell SUBSEP cl SUBSEP rep
	v["throughput", k, s] = $col["throughput_rps"]
	v["cpu_per_req", k, s] = $col["cpu_us_per_req"]
	v["p99", k, s] = $col["p99_ms"]
	if (!((k, s) in seen)) { seen[k, s] = 1; srv[k] = srv[k] " " s }
	if (!(k in kseen)) { kseen[k] = 1; keys[++nk] = k }
}

function collect(group, x) {
	if (x == "") return
	if (!(group in gn)) gorder[++ng] = group
	gv[group, ++gn[group]] = x
}

function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "" : a / b }

END {
	for (i = 1; i <= nk; i++) {
		k = keys[i]; split(k, id, SUBSEP) # kind wl conn rate client rep
		ns = split(srv[k], list, " ")
		for (p = 1; p <= npeer; p++) {
			P = peers[p]
			if (!(("throughput", k, P) in v)) continue
			for (j = 1; j <= ns; j++) {
				S = list[j]
				if (S == P) continue
				for (m = 1; m <= 3; m++) {
					M = metrics[m]
					collect("peer" SUBSEP id[1] SUBSEP id[2] SUBSEP id[5] SUBSEP id[3] SUBSEP id[4] SUBSEP S SUBSEP P SUBSEP M,
						ratio(v[M, k, S], v[M, k, P]))
				}
			}
		}
		if (id[1] != "xcheck" || id[5] != "loadgen") continue
		kw = id[1] SUBSEP id[2] SUBSEP id[3] SUBSEP id[4] SUBSEP "wrk" SUBSEP id[6]
		for (j = 1; j <= ns; j++) {
			S = list[j]
			if (!(("throughput", kw, S) in v)) continue
			for (m = 1; m <= 3; m += 2) {
				M = metrics[m]
				collect("client" SUBSEP id[1] SUBSEP id[2] SUBSEP "loadgen/wrk" SUBSEP id[3] SUBSEP id[4] SUBSEP S SUBSEP S SUBSEP M,
					ratio(v[M, k, S], v[M, kw, S]))
			}
		}
	}
	for (g = 1; g <= ng; g++) {
		group = gorder[g]; n = gn[group]
		for (a = 1; a <= n; a++) x[a] = gv[group, a]
		for (a = 2; a <= n; a++) { t = x[a]; for (b = a - 1; b >= 1 && x[b] > t; b--) x[b + 1] = x[b]; x[b + 1] = t }
		medv = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
		split(group, id, SUBSEP)
		print id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8], id[9],
			sprintf("%.4f", medv), sprintf("%.4f", x[1]), sprintf("%.4f", x[n]), n
	}
}
