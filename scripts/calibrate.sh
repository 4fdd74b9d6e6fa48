#!/usr/bin/env bash
# scripts/calibrate.sh [BIN [FILE]]: the model's per-order overhead of the real servers,
# measured here. Each server runs pinned to core 1 (taskset -c 1) with trivial orders
# (cook_ms=0, work_us=0) under a short closed loop from bin/loadgen pinned to core 0,
# once with keep-alive and once with a connection per order; its CPU time (utime +
# stime from /proc/PID/stat) over the orders served is its CPU per order, and the
# difference of the two runs its CPU per connection. About 8 s in all. Writes FILE
# (default build/calibration), which bin/simulate and the dashboard's model read.
set -u
cd "$(dirname "$0")/.."
bin=${1:-bin}
out=${2:-build/calibration}
seconds=${CALIBRATE_SECONDS:-2}
tck=$(getconf CLK_TCK)
for tool in taskset awk; do
	command -v "$tool" >/dev/null || { echo "calibrate: $tool is missing (apt-get install util-linux gawk)" >&2; exit 1; }
done
for b in blocking evented loadgen; do
	[ -x "$bin/$b" ] || { echo "calibrate: $bin/$b not built (run make)" >&2; exit 1; }
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure MODEL KEEPALIVE: prints "us_per_order"
measure() {
	local model=$1 keep=$2 fifo pid line port t0 t1 json n
	fifo=$(mktemp -u); mkfifo "$fifo"
	taskset -c 1 "$bin/$model" --port 0 --quiet --cook-ms 0 --scoreboard "calibrate-$$-$model" >"$fifo" &
	pid=$!
	read -r line <"$fifo"
	rm -f "$fifo"
	port=${line##*:}
	t0=$(cpu_ticks "$pid")
	json=$(taskset -c 0 "$bin/loadgen" "http://127.0.0.1:$port/order?cook_ms=0&work_us=0" -c 4 \
		-d "${seconds}s" --keepalive "$keep" --drain 0 --json 2>/dev/null)
	t1=$(cpu_ticks "$pid")
	kill "$pid"; wait "$pid" 2>/dev/null
	n=$(printf '%s' "$json" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
	if [ -z "$n" ] || [ "$n" -lt 1000 ]; then
		echo "calibrate: $model (keep-alive $keep) served ${n:-no} orders: too few to measure" >&2
		exit 1
	fi
	awk -v d=$((t1 - t0)) -v tck="$tck" -v n="$n" 'BEGIN { printf "%.3f", d / tck * 1e6 / n }'
	printf ' (%s orders)\n' "$n" >&2
}

machine=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
declare -A order conn
for model in blocking evented; do
	order[$model]=$(measure "$model" yes)
	per_conn_order=$(measure "$model" no)
	conn[$model]=$(awk -v a="$per_conn_order" -v b="${order[$model]}" 'BEGIN { d = a - b; if (d < 0) d = 0; printf "%.3f", d }')
	echo "calibrate: $model: ${order[$model]} us per order, ${conn[$model]} us more per connection" >&2
done
mkdir -p "$(dirname "$out")"
{
	echo "# lunchrush calibration (scripts/calibrate.sh): the real servers' own CPU per order"
	echo "# measured on this machine: server on core 1, loadgen on core 0, cook_ms=0, work_us=0"
	echo "machine = ${machine:-unknown} ($(nproc) cores)"
	echo "date = $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "blocking_order_us = ${order[blocking]}"
	echo "blocking_conn_us = ${conn[blocking]}"
	echo "evented_order_us = ${order[evented]}"
	echo "evented_conn_us = ${conn[evented]}"
} >"$out"
echo "calibrate: wrote $out"
