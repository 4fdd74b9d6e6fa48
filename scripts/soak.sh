#!/usr/bin/env bash
# make soak: both servers at once, each for SOAK_SECONDS (default 600) under open-loop load at 80 % of
# the blocking server's capacity (64 cashiers, cook 10 ms: 6,400 orders/s, so 5,120/s),
# sampling resident memory every 10 s. Passes when the last minute's peak is within
# 10 % of the peak of the first minute after warm-up. Not part of make test.
set -u
cd "$(dirname "$0")/.."
bin=${1:-bin}
seconds=${SOAK_SECONDS:-600}
rate=${SOAK_RATE:-5120}
ulimit -n "$(ulimit -Hn)" 2>/dev/null
failed=0
passed=0

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

soak_one() { # model, flags...
	local model=$1; shift
	local fifo; fifo=$(mktemp -u); mkfifo "$fifo"
	"$bin/$model" --port 0 --quiet --cook-ms 10 "$@" >"$fifo" &
	local pid=$!
	local line; read -r line <"$fifo"
	local port=${line##*:}
	echo "soak: $model (pid $pid) on port $port, $rate orders/s for ${seconds}s"
	"$bin/loadgen" "http://127.0.0.1:$port/order" -R "$rate" -d "${seconds}s" --max-conns 2000 --json >"/tmp/soak-$model.json" &
	local lg=$!
	local samples=() t=0
	while kill -0 "$lg" 2>/dev/null; do
		sleep 10; t=$((t + 10))
		local r; r=$(rss_kb "$pid")
		samples+=("$r")
		printf '  %s t=%4ds rss=%s kB\n' "$model" "$t" "$r"
	done
	wait "$lg"
	kill "$pid"; wait "$pid" 2>/dev/null
	rm -f "$fifo"
	local n=${#samples[@]}
	if [ "$n" -lt 12 ]; then echo "soak: $model: too few samples ($n)"; return 1; fi
	local early=0 late=0 i
	for ((i = 1; i < 7; i++)); do [ "${samples[i]}" -gt "$early" ] && early=${samples[i]}; done
	for ((i = n - 6; i < n; i++)); do [ "${samples[i]}" -gt "$late" ] && late=${samples[i]}; done
	echo "soak: $model: first-minute peak ${early} kB, last-minute peak ${late} kB"
	if [ "$late" -gt $((early * 110 / 100)) ]; then
		echo "soak: $model: resident memory grew more than 10 %"; return 1; fi
	return 0
}

# Both at once, each in its own subshell: ten minutes, not twenty.
soak_one blocking --threads 64 & blocking_job=$!
soak_one evented & evented_job=$!
for job in $blocking_job $evented_job; do
	if wait "$job"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "soak: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
