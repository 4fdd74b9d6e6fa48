# shellcheck shell=bash
# fair.sh: "each restaurant against the best of its kind" (sourced by scripts/bench.sh).
#
# Every lunchrush mode runs beside the servers of its own model, trivial orders, at 1, 10,
# 100 and 1,000 connections, through wrk -t1 and bin/loadgen, server and client pinned to
# different cores, all servers started at once and taken in turn, so the runs of one
# repetition sit next to each other in time and their ratios survive the machine's drift.
#   the thread model: ref-threads (scripts/bench/ref_threads.c, the model and nothing
#     else), Apache httpd prefork / worker / event, Go net/http (GOMAXPROCS=1);
#   the event model: ref-epoll (scripts/bench/ref_epoll.c), nginx (1 worker), Node.js.
# Writes fair.csv (every run) and fair.md (the table and the targets of the fair race).

FAIR_CONCS_ASKED=${FAIR_CONCS:-}
FAIR_CONCS=${FAIR_CONCS:-"1 10 100 1000"}
FAIR_CLIENTS=${FAIR_CLIENTS:-"wrk loadgen"}
FAIR_DURATION_S=${FAIR_DURATION_S:-2} # whole seconds: wrk takes no fractions
FAIR_WARMUP_S=${FAIR_WARMUP_S:-0.3}
FAIR_REPS=${FAIR_REPS:-3}
FAIR_THREAD="ref-threads blocking-unl blocking-hold blocking apache-prefork apache-worker apache-event go"
FAIR_EVENT="ref-epoll evented-1 nginx node"
declare -A FAIR_WHAT=(
	[ref-threads]="reference: blocking accept, a thread per connection, blocking read and write"
	[blocking-unl]="bin/blocking --threads 0 (a thread per connection)"
	[blocking-hold]="bin/blocking --threads 1100 --hold-connection (a cashier per customer)"
	[blocking]="bin/blocking, default mode (waiting room, line, 4 cashiers: a thread per request)"
	[apache-prefork]="Apache httpd 2.4 prefork MPM (a process per connection), static file"
	[apache-worker]="Apache httpd 2.4 worker MPM (a thread per connection), static file"
	[apache-event]="Apache httpd 2.4 event MPM (listener thread and a worker pool), static file"
	[go]="Go net/http, GOMAXPROCS=1 (a goroutine per connection on netpoll)"
	[ref-epoll]="reference: one thread, epoll, non-blocking reads and writes"
	[evented-1]="bin/evented --loops 1"
	[nginx]="nginx, 1 worker, return 200, access_log off"
	[node]="Node.js http module"
)
declare -A FAIR_MODEL=()
for s in $FAIR_THREAD; do FAIR_MODEL[$s]=threads; done
for s in $FAIR_EVENT; do FAIR_MODEL[$s]=events; done
FAIR_UP=()

# Apache in the foreground with its own prefix under the run's temp folder; measured as
# the whole process tree (the master and its children, all pinned to the server core).
fair_start_apache() { # label mpm
	local label=$1 mpm=$2 port prefix sizing user=root group=root pid i
	port=$(bench_free_port) || return 1
	prefix="$TMPROOT/apache-$mpm"
	mkdir -p "$prefix/www"
	printf '%s\n' "${NGINX_BODY/nginx/apache}" >"$prefix/www/order"
	cp "$prefix/www/order" "$prefix/www/index.html"
	if [ "$(id -u)" -eq 0 ] && id www-data >/dev/null 2>&1; then user=www-data group=www-data; fi
	chmod 755 "$TMPROOT" "$prefix" "$prefix/www"; chmod 644 "$prefix/www/"*
	case $mpm in
	prefork) sizing="StartServers 1100
MinSpareServers 1100
MaxSpareServers 1100
ServerLimit 1100
MaxRequestWorkers 1100" ;;
	*) sizing="StartServers 18
ServerLimit 18
ThreadsPerChild 64
MinSpareThreads 64
MaxSpareThreads 1152
MaxRequestWorkers 1152" ;;
	esac
	awk -v mpm="$mpm" -v port="$port" -v prefix="$prefix" -v user="$user" -v group="$group" -v sizing="$sizing" '
		{ gsub(/@MPM@/, mpm); gsub(/@PORT@/, port); gsub(/@PREFIX@/, prefix); gsub(/@USER@/, user)
		  gsub(/@GROUP@/, group); sub(/@SIZING@/, sizing); print }' "$BENCH_DIR/apache.conf.in" >"$prefix/httpd.conf"
	# its own session: at shutdown the prefork MPM signals its whole process group, which
	# would otherwise be this script's
	setsid taskset -c "$SERVER_CORE" apache2 -f "$prefix/httpd.conf" -DFOREGROUND >>"$LOGDIR/$label.err" 2>&1 &
	pid=$!
	STARTED_PIDS+=("$pid")
	echo "$pid $label apache2 -f $prefix/httpd.conf" >>"$LOGDIR/pids"
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		bench_can_connect "$port" && break
		bench_sleep 0.05
	done
	if ! kill -0 "$pid" 2>/dev/null || ! bench_can_connect "$port"; then
		cat "$prefix/error.log" >>"$LOGDIR/$label.err" 2>/dev/null
		bench_stop_pid "$pid"
		return 1
	fi
	SRV_PID[$label]=$pid SRV_MPID[$label]=$pid SRV_PORT[$label]=$port
}

fair_start() { # label
	local label=$1
	case $label in
	ref-threads | ref-epoll) bench_spawn_listener "$label" "$TMPROOT/bin/${label/-/_}" 0 ;;
	blocking-unl) bench_spawn_listener "$label" "$BIN/blocking" --port 0 --quiet --threads 0 ;;
	blocking-hold) bench_spawn_listener "$label" "$BIN/blocking" --port 0 --quiet --threads 1100 --hold-connection ;;
	blocking) bench_spawn_listener "$label" "$BIN/blocking" --port 0 --quiet ;;
	evented-1) bench_spawn_listener "$label" "$BIN/evented" --port 0 --quiet --loops 1 ;;
	apache-*) [ -z "${PEER_SKIP[apache]:-}" ] && fair_start_apache "$label" "${label#apache-}" ;;
	go) [ -z "${PEER_SKIP[go]:-}" ] && GOMAXPROCS=1 bench_spawn_listener go "$TMPROOT/bin/go-server" --port 0 ;;
	nginx) [ -z "${PEER_SKIP[nginx]:-}" ] && bench_start_nginx ;;
	node) [ -z "${PEER_SKIP[node]:-}" ] && bench_spawn_listener node "$(bench_node_bin)" "$BENCH_DIR/node_server.js" --port 0 ;;
	esac
}

# utime+stime ticks of pid and every process below it (Apache's children, nginx's worker).
fair_tree_ticks() { # pid
	local all=" $1 " p kids frontier=$1
	while [ -n "$frontier" ]; do
		kids=$(ps -o pid= --ppid "${frontier// /,}" 2>/dev/null | tr -s ' \n' '  ')
		frontier=${kids# }; frontier=${frontier% }
		all+="$frontier "
	done
	for p in $all; do cat "/proc/$p/stat" 2>/dev/null; done |
		awk '{ sub(/.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}

# wrk's "1.23ms" / "456.00us" / "1.50s" -> milliseconds
fair_wrk_ms() {
	awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'
}

fair_run() { # label client conc rep
	local label=$1 client=$2 conc=$3 rep=$4 port=${SRV_PORT[$1]} out t0 t1 rps p50 p99 n hz
	local url="http://127.0.0.1:$port/order?cook_ms=0&work_us=0"
	# the same warm-up for every run: connections opened and the server's caches warm
	taskset -c "$CLIENT_CORE" "$BIN/loadgen" -c "$conc" -d "${FAIR_WARMUP_S}s" --drain 0 "$url" >/dev/null 2>&1
	t0=$(fair_tree_ticks "${SRV_PID[$label]}")
	if [ "$client" = wrk ]; then
		out=$(taskset -c "$CLIENT_CORE" wrk -t1 -c"$conc" -d"${FAIR_DURATION_S}s" --timeout 10s --latency "$url" 2>&1)
		rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
		n=$(awk '/requests in/ { print $1 }' <<<"$out")
		p50=$(fair_wrk_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
		p99=$(fair_wrk_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
	else
		out=$(taskset -c "$CLIENT_CORE" "$BIN/loadgen" -c "$conc" -d "${FAIR_DURATION_S}s" --drain 0 --json "$url" 2>/dev/null)
		rps=$(sed -n 's/.*"throughput_rps":\([0-9.]*\).*/\1/p' <<<"$out")
		n=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' <<<"$out")
		p50=$(sed -n 's/.*"latency_ms":{[^}]*"p50":\([0-9.]*\).*/\1/p' <<<"$out")
		p99=$(sed -n 's/.*"latency_ms":{[^}]*"p99":\([0-9.]*\).*/\1/p' <<<"$out")
	fi
	t1=$(fair_tree_ticks "${SRV_PID[$label]}")
	hz=$(getconf CLK_TCK)
	awk -v c="$conc" -v cl="$client" -v s="$label" -v m="${FAIR_MODEL[$label]}" -v r="$rep" -v rps="${rps:-0}" \
		-v p50="${p50:-0}" -v p99="${p99:-0}" -v n="${n:-0}" -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN {
		cpu = n > 0 ? d * 1e6 / hz / n : 0
		printf "%d,%s,%s,%s,%d,%.0f,%.3f,%.3f,%.2f\n", c, cl, s, m, r, rps, p50, p99, cpu }' >>"$OUT/fair.csv"
	bench_log "fair: c=$conc $client $label: ${rps:-?} req/s, p50 ${p50:-?} ms, p99 ${p99:-?} ms"
}

# Build the references and the Go peer, start everything, run the matrix, stop, report.
bench_fair() {
	local s conc rep client
	[ "$MODE" = quick ] && [ -z "$FAIR_CONCS_ASKED" ] && FAIR_CONCS="1 100" FAIR_REPS=2
	bench_need_peer apache "command -v apache2" apache2
	bench_need_peer go "command -v go" golang-go
	for s in ref_threads ref_epoll; do
		cc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -o "$TMPROOT/bin/$s" "$BENCH_DIR/$s.c" || return 1
	done
	if [ -z "${PEER_SKIP[go]:-}" ] && ! GOCACHE="$TMPROOT/gocache" GOFLAGS=-mod=mod go build -o "$TMPROOT/bin/go-server" \
		"$ROOT/peers/go/server.go" 2>>"$LOGDIR/go.err"; then
		PEER_SKIP[go]="the Go peer did not build (see logs/go.err)"
	fi
	echo "conc,client,server,model,rep,rps,p50_ms,p99_ms,cpu_us_per_req" >"$OUT/fair.csv"
	FAIR_UP=()
	for s in $FAIR_THREAD $FAIR_EVENT; do
		if fair_start "$s"; then FAIR_UP+=("$s"); else bench_log "fair: $s did not start: its cells are left out"; fi
	done
	for conc in $FAIR_CONCS; do
		for ((rep = 1; rep <= FAIR_REPS; rep++)); do
			for client in $FAIR_CLIENTS; do
				for s in "${FAIR_UP[@]}"; do fair_run "$s" "$client" "$conc" "$rep"; done
			done
		done
	done
	for s in "${FAIR_UP[@]}"; do bench_server_stop "$s"; done
	awk -F, -f "$BENCH_DIR/fair.awk" "$OUT/fair.csv" >"$OUT/fair.md"
	{ for s in "${FAIR_UP[@]}"; do printf -- '- `%s`: %s\n' "$s" "${FAIR_WHAT[$s]}"; done; } >>"$OUT/fair.md"
	bench_log "fair: $OUT/fair.md"
}
