#!/usr/bin/env bash
# acks=all latency while another producer floods a different topic: the tail that page-cache
# write-back puts behind a group-commit fsync. For each flood rate and each latency rate, a
# background loadgen writes 1 KiB records with acks=1 to topic `flood` (paced, or as fast as it can
# with rate 0) and, once it has run for FLOOD_LEAD_S seconds, loadgen measures end-to-end latency of
# 100 B records with acks=all at 2k and 20k msg/s on another topic. Prints a markdown table.
#
#   benchmarks/flood_latency.sh                       release build, flood rates "0 50000"
#   BROOK_BIN=path FLOOD_RATES="0 100000" LAT_SECONDS=20 benchmarks/flood_latency.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
LAT_S=${LAT_SECONDS:-10}
FLOOD_RATES=${FLOOD_RATES:-"0 50000"}
LAT_RATES=${LAT_RATES:-"2000 20000"}
FLOOD_LEAD_S=${FLOOD_LEAD_S:-3}
# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh

build_loadgen
ensure_brook_bin

WORK=$(mktemp -d "${TMPDIR:-/tmp}/brook-flood.XXXXXX")
FLOOD_PID=
cleanup() {
    [[ -n $FLOOD_PID ]] && kill -TERM "$FLOOD_PID" 2>/dev/null && wait "$FLOOD_PID" 2>/dev/null
    stop_brook
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_brook "$WORK/data" "$WORK/brook.log"
ROWS=()
FAILED=0
for flood in $FLOOD_RATES; do
    for rate in $LAT_RATES; do
        # enough flood records to outlast the measurement; loadgen's time limit ends it otherwise
        flood_s=$((FLOOD_LEAD_S + LAT_S + 4))
        flood_args=(produce -t flood -s 1024 -a 1 -T "$flood_s")
        if ((flood > 0)); then
            flood_args+=(-r "$flood" -n $((flood * flood_s)))
        else
            flood_args+=(-n 100000000)
        fi
        say "flood $([[ $flood == 0 ]] && echo unpaced || echo "$flood/s"), latency at $rate msg/s"
        "$LOADGEN" "${flood_args[@]}" -b "$BOOTSTRAP" -q >"$WORK/flood.out" 2>&1 &
        FLOOD_PID=$!
        sleep "$FLOOD_LEAD_S"   # a load to run beside, not a synchronisation: let dirty pages pile up
        result=$(loadgen_result latency -t "lat-$flood-$rate" -r "$rate" -d "$LAT_S" -s 100 -a all -T $((LAT_S + 60)))
        wait "$FLOOD_PID" 2>/dev/null || true   # exit 3 (its time limit) is the normal end
        FLOOD_PID=
        label=$([[ $flood == 0 ]] && echo "unpaced" || echo "$flood/s")
        if [[ -z $result ]]; then
            FAILED=1
            ROWS+=("| $label | $rate | FAILED | | | |")
            continue
        fi
        ROWS+=("| $label | $rate | $(result_field "$result" achieved_rate) | $(result_field "$result" p50_ms) | $(result_field "$result" p99_ms) | $(result_field "$result" p999_ms) |")
    done
done
if ! kill -0 "$BROOK_PID" 2>/dev/null; then
    FAILED=1
    say "brook died during the benchmark; log tail:"; tail -50 "$WORK/brook.log" >&2
fi
stop_brook

cat <<EOF2

### acks=all latency beside a 1 KiB acks=1 flood ($(date -u +%Y-%m-%d), $(nproc) cores, librdkafka $(pkg-config --modversion rdkafka))

| Flood (1 KiB, acks=1) | Target msg/s (100 B, acks=all) | Achieved | p50 ms | p99 ms | p99.9 ms |
|---|---:|---:|---:|---:|---:|
$(printf '%s\n' "${ROWS[@]}")
EOF2
exit "$FAILED"
