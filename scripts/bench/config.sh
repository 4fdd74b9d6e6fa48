# shellcheck shell=bash
# config.sh: the benchmark matrix of issue 7, as plain tables (sourced by scripts/bench.sh).
# Three sizes: the full matrix (< 30 min on 2 cores), QUICK=1 (about 2 min) and
# BENCH_SMOKE=1 (one cell per kind, for scripts/bench-smoke.sh). Durations can be
# overridden with BENCH_DURATION, BENCH_WARMUP (seconds) and BENCH_REPS.

# Cores: the server side (our server, the kitchen, nginx, Node.js) on one, the client
# (bin/loadgen or wrk, and this script) on the other, so they never share a core.
SERVER_CORE=${BENCH_SERVER_CORE:-1}
CLIENT_CORE=${BENCH_CLIENT_CORE:-0}
SERVER_CORES_N=1          # cores the server side may use: the CPU bound of cpu200 is this / work
CLIENT_TIMEOUT_S=10       # bin/loadgen --timeout and wrk --timeout
OPEN_MAX_CONNS=5000       # bin/loadgen --max-conns in the open-loop sweep
OPEN_SEED=1               # the same Poisson schedule for every server

# Server configurations: label -> arguments (after the binary). "nginx" and "node" are peers.
declare -A SERVER_BIN=(
	[blocking-4]=blocking [blocking-8]=blocking [blocking-64]=blocking [blocking-unl]=blocking
	[evented-1]=evented [evented-2]=evented [evented-h2]=evented
	[nginx]=nginx [node]=node
)
declare -A SERVER_ARGS=(
	[blocking-4]="--threads 4" [blocking-8]="--threads 8" [blocking-64]="--threads 64"
	[blocking-unl]="--threads 0"
	[evented-1]="--loops 1" [evented-2]="--loops 2" [evented-h2]="--loops 1 --helpers 2"
)
# Servers that can hold only so many orders at once (Little's law: X <= N / cook).
declare -A SERVER_SLOTS=([blocking-4]=4 [blocking-8]=8 [blocking-64]=64)
declare -A SERVER_WHAT=(
	[blocking-4]="bin/blocking --threads 4 (the default)"
	[blocking-8]="bin/blocking --threads 8" [blocking-64]="bin/blocking --threads 64"
	[blocking-unl]="bin/blocking --threads 0 (a thread per connection, no bound)"
	[evented-1]="bin/evented --loops 1 (the default)" [evented-2]="bin/evented --loops 2"
	[evented-h2]="bin/evented --loops 1 --helpers 2"
	[nginx]="nginx, 1 worker, return 200, access_log off"
	[node]="Node.js http, setTimeout(cook_ms)"
)

# Workloads: label -> "cook_ms work_us kitchen(0|1)".
declare -A WORKLOAD=([trivial]="0 0 0" [cook50]="50 0 0" [cpu200]="0 200 0" [kitchen50]="50 0 1")
declare -A WORKLOAD_WHAT=(
	[trivial]="trivial order (cook_ms=0, work_us=0)"
	[cook50]="kitchen wait 50 ms, built-in timer (cook_ms=50)"
	[cpu200]="CPU work 200 us on the server (work_us=200)"
	[kitchen50]="kitchen wait 50 ms through bin/kitchen (--kitchen, cook_ms=50)"
)

bench_config() { # sets the matrix for the mode: smoke, quick or full
	case $1 in
	smoke)
		DURATION_S=1 WARMUP_S=0.3 REPS=1
		BENCH_GROUPS=(trivial cook50 cpu200 kitchen50)
		declare -gA GROUP_SERVERS=([trivial]="blocking-8 evented-1 nginx node"
			[cook50]="evented-1 node" [cpu200]="evented-h2" [kitchen50]="blocking-8")
		declare -gA GROUP_CONCS=([trivial]="10" [cook50]="10" [cpu200]="10" [kitchen50]="10")
		declare -gA GROUP_XCHECK=([trivial]="10:nginx")
		SWEEP_WORKLOAD=cook50 SWEEP_SERVERS="blocking-4 evented-1 node" SWEEP_RATES="100"
		;;
	quick)
		DURATION_S=1 WARMUP_S=0.3 REPS=3
		BENCH_GROUPS=(trivial cook50)
		declare -gA GROUP_SERVERS=([trivial]="blocking-8 evented-1 nginx"
			[cook50]="blocking-8 evented-1 node")
		declare -gA GROUP_CONCS=([trivial]="100 1000" [cook50]="1000 5000")
		declare -gA GROUP_XCHECK=([trivial]="100:nginx 100:evented-1")
		SWEEP_WORKLOAD=cook50 SWEEP_SERVERS="blocking-4 evented-1"
		SWEEP_RATES="50 200 1000 10000 30000"
		;;
	*)
		DURATION_S=2 WARMUP_S=0.5 REPS=3
		BENCH_GROUPS=(trivial cook50 cpu200 kitchen50)
		local ours="blocking-8 blocking-64 blocking-unl evented-1 evented-2 evented-h2"
		declare -gA GROUP_SERVERS=([trivial]="$ours nginx node" [cook50]="$ours node"
			[cpu200]="$ours" [kitchen50]="$ours")
		local all="1 10 100 1000 5000"
		declare -gA GROUP_CONCS=([trivial]="$all" [cook50]="$all" [cpu200]="$all" [kitchen50]="$all")
		declare -gA GROUP_XCHECK=([trivial]="100:nginx 100:evented-1 100:blocking-64 100:node"
			[cook50]="1000:evented-1 1000:node 5000:evented-1 5000:node")
		SWEEP_WORKLOAD=cook50 SWEEP_SERVERS="blocking-4 evented-1 node"
		SWEEP_RATES="25 50 100 200 500 1000 2000 5000 10000 20000 30000 40000"
		;;
	esac
	DURATION_S=${BENCH_DURATION:-$DURATION_S}
	WARMUP_S=${BENCH_WARMUP:-$WARMUP_S}
	REPS=${BENCH_REPS:-$REPS}
}
