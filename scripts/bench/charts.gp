# charts.gp: the four charts of make bench, one line per server (peers included), the
# error bars spanning the min and max of the runs of a cell. scripts/bench/charts.sh
# writes the data files and passes, with -e:
#   datadir, outdir          where data/<workload>-<server>.dat and the PNGs live
#   order                    every server label, in display order (fixes its colour)
#   workloads                the closed-loop workloads, one panel each ("trivial cook50 ...")
#   servers_<workload>       the servers that have data for that workload
#   title_<workload>         the panel title
#   open_servers, open_title the open-loop sweep
#   cook_<workload>          its kitchen wait in ms (0: none): the ideal line N / cook and the
#                            floor of the p99 at the cook time are drawn where it is above 0
#   caps_<workload>          the thread counts N of blocking-N in that panel: each flattens at N / cook
#   xmin, xmax               the connections of this run (QUICK has fewer: its own axes)
#   mode                     full, quick or smoke, named in the titles when not full
# Closed data columns: 1 conns, 2 req/s, 3 min, 4 max, 5 p99 ms, 6 min, 7 max, 8 RSS MiB,
# 9 the Little's-law mean in ms where the p99 is not observable in a run (else NaN).
# Open data columns: 1 asked req/s, 2 achieved, 3 p50 ms, 4 p99 ms, 5 min, 6 max, 7 uncorrected p99.

set terminal pngcairo size 1400,1000 font ",10" noenhanced
set datafile separator whitespace
set key top left box opaque
set grid
set logscale x 10
set xrange [xmin / 1.5 : xmax * 1.5]
set xlabel "concurrent connections (closed loop)"
run = (mode eq "full") ? "" : sprintf("%s run (reduced matrix, on its own axes): ", mode eq "quick" ? "QUICK" : mode)

n = words(workloads)
rows = (n + 1) / 2
cols = (n > 1) ? 2 : 1

# One colour and point type per server in every chart, from its place in `order`; peers dashed.
col(s) = words(substr(" " . order . " ", 1, strstrt(" " . order . " ", " " . s . " "))) + 1
dash(s) = (s eq "nginx" || s eq "node") ? 2 : 1
# ten hues told apart at a glance (and in grey: the point types differ too), in the order of
# `order`: blocking-4 blue, -8 sky, -64 green, -unl olive, evented-1 red, -2 orange,
# -h2 pink, nginx black, node purple
palette = "#0072b2 #56b4e9 #009e73 #999933 #d55e00 #e69f00 #cc79a7 #000000 #7b4173 #636363"
rgb(s) = word(palette, col(s) <= words(palette) ? col(s) : words(palette))
file(w, s) = sprintf("%s/%s-%s.dat", datadir, w, s)
srv(w) = value("servers_" . w)
ttl(w) = value("title_" . w)
cook(w) = value("cook_" . w)
caps(w) = value("caps_" . w)

# One multiplot per metric: panel per workload.
set output outdir . "/throughput.png"
set multiplot layout rows, cols title run . "Throughput against concurrency (median req/s; bars: min..max of the runs)\ngrey: the ideal N / cook time, and the ceiling N threads / cook time of blocking-N"
set logscale y 10
set ylabel "requests/s"
do for [i = 1:n] {
	w = word(workloads, i)
	set title ttl(w)
	c = cook(w) / 1000.0
	# a "for [t in ...]" over no words is an error in gnuplot: the ceilings only when there are some
	if (c > 0 && words(caps(w)) > 0) {
		plot for [s in srv(w)] file(w, s) using 1:2:3:4 with yerrorlines lw 2 lc rgb rgb(s) pt col(s) dt dash(s) title s, \
		     x / c with lines lw 1 lc rgb "#555555" dt 3 title sprintf("ideal N / %g ms", cook(w)), \
		     for [t in caps(w)] (real(t) / c) with lines lw 1 lc rgb "#999999" dt 4 title sprintf("%s threads / %g ms", t, cook(w))
	} else { if (c > 0) {
		plot for [s in srv(w)] file(w, s) using 1:2:3:4 with yerrorlines lw 2 lc rgb rgb(s) pt col(s) dt dash(s) title s, \
		     x / c with lines lw 1 lc rgb "#555555" dt 3 title sprintf("ideal N / %g ms", cook(w))
	} else {
		plot for [s in srv(w)] file(w, s) using 1:2:3:4 with yerrorlines lw 2 lc rgb rgb(s) pt col(s) dt dash(s) title s
	} }
}
unset multiplot

set output outdir . "/p99.png"
set multiplot layout rows, cols title run . "p99 latency against concurrency (median ms, log axis; bars: min..max of the runs)\nopen circles: mean time per order by Little's law, where an order outlasts the run and its p99 cannot be seen; grey: the cook time, the floor"
set ylabel "p99 latency, ms"
do for [i = 1:n] {
	w = word(workloads, i)
	set title ttl(w)
	if (cook(w) > 0) {
		plot for [s in srv(w)] file(w, s) using 1:5:6:7 with yerrorlines lw 2 lc rgb rgb(s) pt col(s) dt dash(s) title s, \
		     for [s in srv(w)] file(w, s) using 1:9 with points pt 6 ps 2 lc rgb rgb(s) notitle, \
		     cook(w) with lines lw 1 lc rgb "#555555" dt 3 title sprintf("cook time %g ms", cook(w))
	} else {
		plot for [s in srv(w)] file(w, s) using 1:5:6:7 with yerrorlines lw 2 lc rgb rgb(s) pt col(s) dt dash(s) title s, \
		     for [s in srv(w)] file(w, s) using 1:9 with points pt 6 ps 2 lc rgb rgb(s) notitle
	}
}
unset multiplot

set output outdir . "/rss.png"
set multiplot layout rows, cols title run . "Server peak resident memory (VmHWM) against concurrency (median MiB, log axis; nginx: its worker)"
set ylabel "peak RSS, MiB"
do for [i = 1:n] {
	w = word(workloads, i)
	set title ttl(w)
	plot for [s in srv(w)] file(w, s) using 1:8 with linespoints lw 2 lc rgb rgb(s) pt col(s) dt dash(s) title s
}
unset multiplot

unset output
set terminal pngcairo size 1100,700 font ",10" noenhanced
set output outdir . "/openloop.png"
set title run . open_title . "\nlabels: the rate achieved where it differs from the asked one by more than 10 %"
set xrange [*:*]
set autoscale x
set xlabel "arrival rate, orders/s (open loop, Poisson)"
set ylabel "latency from scheduled arrival, ms"
set key top left
if (words(open_servers) == 0) {
	set label 1 "no open-loop runs" at graph 0.5, graph 0.5 center
	set xrange [1:10]
	plot NaN notitle
} else {
off(a, x) = (x == x && a > 0 && abs(x / a - 1) > 0.10) # NaN != NaN: no label without a figure
plot for [s in open_servers] sprintf("%s/open-%s.dat", datadir, s) using 1:4:5:6 with yerrorlines lw 2 lc rgb rgb(s) pt col(s) title s . " p99", \
     for [s in open_servers] sprintf("%s/open-%s.dat", datadir, s) using 1:3 with linespoints lw 1 lc rgb rgb(s) pt col(s) dt 2 title s . " p50", \
     for [s in open_servers] sprintf("%s/open-%s.dat", datadir, s) using 1:4:(off($1, $2) ? sprintf("got %.0f/s", $2) : "") \
         with labels offset char 0.8, char 0.8 left font ",8" tc rgb rgb(s) notitle
}
unset output
