#!/usr/bin/env bash
# memcheck.sh: every program for a few seconds under valgrind's memcheck, with a short
# real load, hostile bits included (issue 8): scripts/memcheck.sh [BIN_DIR]
#
# Each run is `valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite
# --error-exitcode=99`: an invalid access, a use of uninitialised memory or a definite
# leak makes the program exit 99 and the run fail. The programs under valgrind are
# bin/blocking (a crew, and --threads 0), bin/evented (--loops 2 --helpers 1, and
# --kitchen), bin/kitchen, bin/loadgen (closed loop with every output, open loop) and
# bin/dashboard --headless; whatever drives them runs plain. Logs go to build/memcheck/.
# Ends with "memcheck: N passed, N failed"; exits non-zero when a run failed.
set -u
cd "$(dirname "$0")/.."
bin=${1:-bin}
out=build/memcheck
mkdir -p "$out"
rm -f "$out"/*
passed=0
failed=0
declare -A live # background processes started here and not yet reaped: killed on exit

cleanup() {
	for p in "${!live[@]}"; do kill -KILL "$p" 2>/dev/null; done
	return 0
}
trap cleanup EXIT

if ! command -v valgrind >/dev/null 2>&1; then
	echo "memcheck: valgrind is not installed (apt-get install valgrind); skipped"
	echo "memcheck: 0 passed, 0 failed"
	exit 0
fi
for p in blocking evented kitchen loadgen dashboard; do
	if [ ! -x "$bin/$p" ]; then
		echo "memcheck: $bin/$p is not built (make first)"
		echo "memcheck: 0 passed, 1 failed"
		exit 1
	fi
done

VG=(valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99
	--show-leak-kinds=definite --num-callers=20)

# start LABEL CMD...: run CMD in the background, stdout and stderr to $out/LABEL.*;
# sets started_pid.
start() {
	local label=$1; shift
	"$@" >"$out/$label.out" 2>"$out/$label.err" &
	started_pid=$!
	live[$started_pid]=1
}

# wait_port LABEL: the port of the "listening on HOST:PORT" line of LABEL's stdout
# (waiting up to 60 s for it: valgrind starts slowly); sets port.
wait_port() {
	local label=$1 line
	port=
	for _ in $(seq 1 600); do
		line=$(head -n 1 "$out/$label.out" 2>/dev/null)
		if [[ $line == "listening on "* ]]; then
			port=${line##*:}
			return 0
		fi
		sleep 0.1
	done
	echo "memcheck: $label printed no listening line; its stderr:"
	tail -5 "$out/$label.err"
	return 1
}

# finish PID TIMEOUT_S: SIGTERM, then wait up to TIMEOUT_S; sets rc (137 if killed).
finish() {
	local pid=$1 limit=$2
	kill -TERM "$pid" 2>/dev/null
	wait_exit "$pid" "$limit"
}

# wait_exit PID TIMEOUT_S: sets rc to its exit status (SIGKILL after TIMEOUT_S).
wait_exit() {
	local pid=$1 limit=$2
	for _ in $(seq 1 $((limit * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	unset "live[$pid]"
}

# verdict LABEL: pass on exit 0, otherwise show why.
verdict() {
	local label=$1
	if [ "$rc" -eq 0 ]; then
		echo "memcheck: $label: clean"
		passed=$((passed + 1))
		return
	fi
	failed=$((failed + 1))
	if [ "$rc" -eq 99 ]; then
		echo "memcheck: $label: VALGRIND ERRORS (log $out/$label.err):"
		grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall param|Mismatched|.*definitely lost| +(at|by) 0x)' \
			"$out/$label.err" | head -30
	else
		echo "memcheck: $label: exit status $rc (log $out/$label.err):"
		tail -8 "$out/$label.err"
	fi
}

# A partner that would not start: nothing more can be checked.
give_up() {
	echo "memcheck: cannot go on without $1"
	echo "memcheck: $passed passed, $((failed + 1)) failed"
	exit 1
}

# A few hostile customers, by hand through bash's /dev/tcp: garbage, a head cut off
# mid-way, three pipelined orders left unread.
hostile() {
	local port=$1
	{ exec 3<>"/dev/tcp/127.0.0.1/$port" && printf '\x16\x03\x01 garbage\0\r\n\r\n' >&3 && exec 3>&-; } 2>/dev/null
	{ exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /order?cook_ms=1 HTTP/1.1\r\nHo' >&3 && exec 3>&-; } 2>/dev/null
	{ exec 3<>"/dev/tcp/127.0.0.1/$port" &&
		printf 'GET /order?cook_ms=5 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n' >&3 &&
		exec 3>&-; } 2>/dev/null
}

# The load every server gets: keep-alive orders with CPU work, one connection per
# order, slow talkers, customers who give up mid-order, and the hostile ones.
# Their summaries go to $out/LABEL.load.
load_server() {
	local port=$1 log=$2 url="http://127.0.0.1:$1"
	{
		"$bin/loadgen" -c 8 -d 1500ms "$url/order?cook_ms=1&work_us=200"
		"$bin/loadgen" -c 4 -d 700ms --keepalive no "$url/order?cook_ms=0"
		"$bin/loadgen" -c 2 -d 700ms --trickle-ms 5 "$url/order?cook_ms=0"
		"$bin/loadgen" -c 4 -d 700ms --timeout 50ms "$url/order?cook_ms=300"
	} >"$log" 2>&1
	hostile "$port"
	return 0
}

# memcheck_server LABEL PROGRAM FLAGS...: the server under valgrind, loaded, stopped.
memcheck_server() {
	local label=$1 prog=$2; shift 2
	start "$label" "${VG[@]}" "$bin/$prog" --port 0 --quiet --scoreboard "memcheck-$$-$label" "$@"
	local pid=$started_pid
	if wait_port "$label"; then
		load_server "$port" "$out/$label.load"
		finish "$pid" 30
	else
		wait_exit "$pid" 0
		rc=1
	fi
	verdict "$label"
}

t0=$SECONDS

# a plain kitchen and a plain evented server for the runs that need a partner
start kitchen-plain "$bin/kitchen" --port 0 --quiet
kitchen_pid=$started_pid
wait_port kitchen-plain || give_up kitchen-plain
kport=$port

memcheck_server blocking blocking --threads 4 --kitchen "127.0.0.1:$kport"
memcheck_server blocking-threads0 blocking --threads 0 --send-timeout-ms 500
memcheck_server evented evented --loops 2 --helpers 1
memcheck_server evented-kitchen evented --kitchen "127.0.0.1:$kport"
finish "$kitchen_pid" 10

# bin/kitchen under valgrind, driven through a plain evented server
start kitchen "${VG[@]}" "$bin/kitchen" --port 0 --quiet
kpid=$started_pid
if wait_port kitchen; then
	kport=$port
	start evented-plain "$bin/evented" --port 0 --quiet --scoreboard "memcheck-$$-front" --kitchen "127.0.0.1:$kport"
	epid=$started_pid
	if wait_port evented-plain; then
		"$bin/loadgen" -c 16 -d 1500ms "http://127.0.0.1:$port/order?cook_ms=2" >/dev/null
		"$bin/loadgen" -c 4 -d 500ms --timeout 50ms "http://127.0.0.1:$port/order?cook_ms=300" >/dev/null
	fi
	{ exec 3<>"/dev/tcp/127.0.0.1/$kport" && printf 'COOK x 1\nCOOK 99999999 2\n%080d\n' 0 >&3 && exec 3>&-; } 2>/dev/null
	finish "$epid" 10
	finish "$kpid" 30
else
	rc=1
fi
verdict kitchen

# bin/loadgen under valgrind against a plain evented server
start evented-target "$bin/evented" --port 0 --quiet --scoreboard "memcheck-$$-target"
tpid=$started_pid
wait_port evented-target || give_up evented-target
url="http://127.0.0.1:$port/order?cook_ms=1"
start loadgen-closed "${VG[@]}" "$bin/loadgen" -c 8 -d 2s --json --series "$out/series.csv" \
	--percentiles "$out/percentiles.txt" --scoreboard "memcheck-$$-lg" "$url"
wait_exit "$started_pid" 60
verdict loadgen-closed
start loadgen-open "${VG[@]}" "$bin/loadgen" -R 300 -d 2s --max-conns 20 --keepalive no "$url"
wait_exit "$started_pid" 60
verdict loadgen-open
finish "$tpid" 10

# bin/dashboard headless under valgrind (its servers and load generators run plain)
start dashboard "${VG[@]}" "$bin/dashboard" --headless --duration 3s --json --bin "$bin"
wait_exit "$started_pid" 90
verdict dashboard

echo "memcheck: $((SECONDS - t0)) s in all"
echo "memcheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
