#!/usr/bin/env bash
# scripts/fidelity.sh [BIN [OUT]]: the model against the measurement on the nine presets.
# Each preset runs headless for FIDELITY_SECONDS (10) with --json: servers.* is measured,
# model.* is the model of the same scenario and seed (calibrated when build/calibration
# exists: run scripts/calibrate.sh first). Compared as issue 13 asks: throughput within
# 5 %, mean latency 10 %, p99 25 %, mean line length 15 %, or within an absolute floor
# where the figure is near zero (1/s, 2 ms, 2 customers). The mean line is the mean of
# the line read at the end of each second: the headless table's column, the model's
# line_sampled_mean. Prints a markdown table, also written to OUT (default
# results/fidelity-YYYY-MM-DD.md). Not part of make test (about two minutes).
set -u
cd "$(dirname "$0")/.."
bin=${1:-bin}
out=${2:-results/fidelity-$(date -u +%Y-%m-%d).md}
seconds=${FIDELITY_SECONDS:-10}
presets=${FIDELITY_PRESETS:-1 2 3 4 5 6 7 8 9}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for b in dashboard blocking evented loadgen simulate; do
	[ -x "$bin/$b" ] || { echo "fidelity: $bin/$b not built (run make)" >&2; exit 1; }
done

# mean of the line column of one side in the headless table (side 2 blocking, 3 evented)
table_line_mean() {
	awk -F'|' -v side="$2" 'NR > 2 && NF >= 4 && $1 ~ /[0-9]/ {
		split($side, f, " "); if (f[3] ~ /^[0-9]+$/) { s += f[3]; n++ } }
		END { printf "%.3f", n ? s / n : 0 }' "$1"
}

# gap of model m against measured v with relative tolerance tol and absolute floor
verdict() {
	awk -v v="$1" -v m="$2" -v tol="$3" -v floor="$4" 'BEGIN {
		d = m - v; if (d < 0) d = -d
		ok = (d <= tol * (v < 0 ? -v : v)) || d <= floor
		printf "%s", ok ? "ok" : "GAP" }'
}

fmt_pct() { awk -v v="$1" -v m="$2" 'BEGIN { if (v == 0) printf "-"; else printf "%+.0f%%", 100 * (m - v) / v }'; }

{
	echo "# Model against measurement, the nine presets ($seconds s each, $(date -u +%Y-%m-%d))"
	echo
	grep -v '^#' build/calibration 2>/dev/null | sed 's/^/    /' || echo "    uncalibrated (no build/calibration)"
	echo
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine slows the real servers, not the model)"
	echo
	echo "| preset | side | served/s measured / model | mean ms | p99 ms | mean line | verdict |"
	echo "|---|---|---|---|---|---|---|"
} >"$tmp/report.md"

fails=0
for n in $presets; do
	"$bin/dashboard" --headless --preset "$n" --duration "${seconds}s" --json >"$tmp/p$n.json" 2>"$tmp/p$n.table"
	awk -f scripts/bench/json_flat.awk "$tmp/p$n.json" >"$tmp/p$n.flat"
	name=$(awk -F'\t' '$1 == "scenario" { print $2 }' "$tmp/p$n.flat")
	col=2
	for side in blocking evented; do
		get() { awk -F'\t' -v k="$1" '$1 == k { print $2; exit }' "$tmp/p$n.flat"; }
		tv=$(get "servers.$side.throughput_rps"); tm=$(get "model.$side.throughput_rps")
		mv=$(get "servers.$side.latency_ms.mean"); mm=$(get "model.$side.latency_ms.mean")
		pv=$(get "servers.$side.latency_ms.p99"); pm=$(get "model.$side.latency_ms.p99")
		lv=$(table_line_mean "$tmp/p$n.table" "$col"); lm=$(get "model.$side.model.line_sampled_mean")
		col=3
		if [ -z "$tv" ] || [ -z "$tm" ]; then
			echo "| $n $name | $side | no figures | | | | GAP |" >>"$tmp/report.md"
			fails=$((fails + 1)); continue
		fi
		v1=$(verdict "$tv" "$tm" 0.05 1); v2=$(verdict "$mv" "$mm" 0.10 2)
		v3=$(verdict "$pv" "$pm" 0.25 2); v4=$(verdict "$lv" "$lm" 0.15 2)
		all=ok; gaps=
		for v in "throughput:$v1" "mean:$v2" "p99:$v3" "line:$v4"; do
			[ "${v#*:}" = ok ] || { all=GAP; gaps="$gaps ${v%%:*}"; }
		done
		[ "$all" = ok ] || fails=$((fails + 1))
		printf '| %s %s | %s | %.1f / %.1f (%s) | %.1f / %.1f (%s) | %.1f / %.1f (%s) | %.1f / %.1f | %s%s |\n' \
			"$n" "$name" "$side" "$tv" "$tm" "$(fmt_pct "$tv" "$tm")" "$mv" "$mm" "$(fmt_pct "$mv" "$mm")" \
			"$pv" "$pm" "$(fmt_pct "$pv" "$pm")" "$lv" "$lm" "$all" "${gaps:+:$gaps}" >>"$tmp/report.md"
	done
	echo "fidelity: preset $n ($name) done" >&2
done
echo >>"$tmp/report.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$tmp/report.md"
echo >>"$tmp/report.md"
echo "$fails of $(( $(echo $presets | wc -w) * 2 )) rows outside the tolerances." >>"$tmp/report.md"
mkdir -p "$(dirname "$out")"
cp "$tmp/report.md" "$out"
cat "$out"
