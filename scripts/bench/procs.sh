# shellcheck shell=bash
# procs.sh: the server side of the bench (sourced by scripts/bench.sh). Starts our servers,
# the kitchen, nginx and Node.js pinned to the server core, waits for each to listen (its
# "listening on HOST:PORT" line, or a successful connect for nginx), remembers its PID
# and stops it by that PID. Nothing here is ever found or killed by name.

declare -A SRV_PID=()   # label -> PID we started (nginx: the master)
declare -A SRV_MPID=()  # label -> PID we measure (nginx: its one worker)
declare -A SRV_PORT=()  # label -> TCP port on 127.0.0.1
declare -A PEER_SKIP=() # peer -> why it is skipped (once per run)
STARTED_PIDS=()         # everything we started, stopped on exit

bench_log() { printf 'bench: %s\n' "$*" >&2; }

# Wait for the first stdout line of a child: "listening on HOST:PORT"; print the port.
# The file is polled (50 ms) only until the line is complete or the child has died.
bench_wait_listening() { # file pid timeout_s
	local file=$1 pid=$2 tries=$(($3 * 20)) line
	while ((tries-- > 0)); do
		if IFS= read -r line 2>/dev/null <"$file" && [[ $line == "listening on "* ]]; then
			echo "${line##*:}"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		bench_sleep 0.05
	done
	return 1
}

# Stop one process by PID: SIGTERM, up to GRACE_S (default 7 s: servers bound their drain
# to ~5 s) to exit, then SIGKILL. Returns 1 when it had to be killed.
bench_stop_pid() { # pid [grace_s]
	local pid=$1 i n=$((${2:-7} * 20)) rc=0
	kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	for ((i = 0; i < n; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		bench_sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		[ "${2:-7}" -ge 7 ] && bench_log "pid $pid did not stop on SIGTERM in ${2:-7} s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
		rc=1
	fi
	wait "$pid" 2>/dev/null
	return $rc
}

bench_stop_all() {
	local pid
	for pid in "${STARTED_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && bench_stop_pid "$pid"
	done
	STARTED_PIDS=()
}

# Start a program that prints "listening on HOST:PORT", pinned to the server core. Each
# start has its own stdout file, so an earlier instance's line is never read by mistake.
SPAWN_NO=0
bench_spawn_listener() { # label command...
	local label=$1; shift
	SPAWN_NO=$((SPAWN_NO + 1))
	local out="$LOGDIR/$label.$SPAWN_NO.out" err="$LOGDIR/$label.err"
	rm -f "$out"
	taskset -c "$SERVER_CORE" "$@" >"$out" 2>>"$err" &
	local pid=$! port
	STARTED_PIDS+=("$pid")
	echo "$pid $label $*" >>"$LOGDIR/pids"
	if ! port=$(bench_wait_listening "$out" "$pid" 10); then
		bench_log "$label did not start ($*): $(tail -n 2 "$err" | tr '\n' ' ')"
		bench_stop_pid "$pid"
		return 1
	fi
	SRV_PID[$label]=$pid SRV_MPID[$label]=$pid SRV_PORT[$label]=$port
}

# A port nobody listens on or talks from (checked in /proc/net/tcp*), under the ephemeral range.
bench_free_port() {
	local p hex i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 12000))
		printf -v hex '%04X' "$p"
		grep -q ":$hex " /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

bench_can_connect() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

bench_nginx_bin() {
	local b
	for b in "$(command -v nginx 2>/dev/null)" /usr/sbin/nginx; do
		[ -n "$b" ] && [ -x "$b" ] && { echo "$b"; return 0; }
	done
	return 1
}

# nginx with its own prefix (config, pid, logs, temp paths) in the run's temp folder, so
# the system's nginx and other helpers' instances are never touched. Measured: its worker.
bench_start_nginx() {
	local ngx prefix port try pid worker i
	ngx=$(bench_nginx_bin) || return 1
	for ((try = 0; try < 5; try++)); do
		port=$(bench_free_port) || return 1
		prefix="$TMPROOT/nginx-$port"
		mkdir -p "$prefix"
		sed -e "s|@PORT@|$port|g" -e "s|@PREFIX@|$prefix|g" -e "s|@BODY@|$NGINX_BODY|g" \
			"$BENCH_DIR/nginx.conf.in" >"$prefix/nginx.conf"
		taskset -c "$SERVER_CORE" "$ngx" -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" \
			>>"$LOGDIR/nginx.err" 2>&1 &
		pid=$!
		STARTED_PIDS+=("$pid")
		echo "$pid nginx master $prefix" >>"$LOGDIR/pids"
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			bench_can_connect "$port" && break
			bench_sleep 0.05
		done
		if kill -0 "$pid" 2>/dev/null && bench_can_connect "$port"; then
			for ((i = 0; i < 100; i++)); do
				worker=$(ps -o pid= --ppid "$pid" | head -n 1 | tr -d ' ')
				[ -n "$worker" ] && break
				bench_sleep 0.05
			done
			[ -z "$worker" ] && { bench_stop_pid "$pid"; return 1; }
			SRV_PID[nginx]=$pid SRV_MPID[nginx]=$worker SRV_PORT[nginx]=$port
			return 0
		fi
		cat "$prefix/error.log" >>"$LOGDIR/nginx.err" 2>/dev/null
		bench_stop_pid "$pid" # most likely the port was taken meanwhile: another one
	done
	return 1
}

bench_node_bin() {
	local b
	for b in node nodejs; do command -v "$b" 2>/dev/null && return 0; done
	return 1
}

# Start one server configuration (or peer) for a workload; the kitchen must be up for
# kitchen workloads. Returns 1 (with a line saying why) when it cannot run.
bench_server_start() { # label workload
	local label=$1 workload=$2 bin=${SERVER_BIN[$1]} node
	local -a extra=()
	[ "${WORKLOAD[$workload]##* }" = 1 ] && extra=(--kitchen "127.0.0.1:$KITCHEN_PORT")
	case $bin in
	nginx)
		[ -n "${PEER_SKIP[nginx]:-}" ] && return 1
		bench_start_nginx && return 0
		PEER_SKIP[nginx]="nginx did not start (see logs/nginx.err)"
		bench_log "skipping peer nginx: ${PEER_SKIP[nginx]}"
		return 1
		;;
	node)
		[ -n "${PEER_SKIP[node]:-}" ] && return 1
		node=$(bench_node_bin) && bench_spawn_listener node "$node" "$ROOT/peers/node/server.js" \
			--port 0 && return 0
		PEER_SKIP[node]="Node.js did not start (see logs/node.err)"
		bench_log "skipping peer node: ${PEER_SKIP[node]}"
		return 1
		;;
	*)
		# shellcheck disable=SC2086 # SERVER_ARGS holds several words on purpose
		bench_spawn_listener "$label" "$BIN/$bin" --host 127.0.0.1 --port 0 --quiet \
			${SERVER_ARGS[$label]} "${extra[@]}"
		;;
	esac
}

# Stop a server. With a grace time (a restart between runs), a server still serving the
# orders of customers long gone is killed after it; its scoreboard, which only a clean exit
# removes, is then removed here by its default name (MODEL-PORT).
bench_server_stop() { # label [grace_s]
	local pid=${SRV_PID[$1]:-} bin=${SERVER_BIN[$1]:-} port=${SRV_PORT[$1]:-}
	if [ -n "$pid" ] && ! bench_stop_pid "$pid" "${2:-7}"; then
		case $bin in blocking | evented) rm -f "/dev/shm/lunchrush.$bin-$port" ;; esac
	fi
	unset 'SRV_PID[$1]' 'SRV_MPID[$1]' 'SRV_PORT[$1]'
}

bench_kitchen_start() {
	bench_spawn_listener kitchen "$BIN/kitchen" --host 127.0.0.1 --port 0 --quiet || return 1
	KITCHEN_PORT=${SRV_PORT[kitchen]}
}
