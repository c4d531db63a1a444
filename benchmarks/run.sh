#!/usr/bin/env bash
# Benchmark a release build of brook with benchmarks/loadgen (librdkafka) and print a markdown
# table: throughput, end-to-end latency, start-up time and memory.
#
#   benchmarks/run.sh              build everything, run all scenarios
#   BROOK_BIN=path benchmarks/run.sh   use an existing binary (no swift build)
#   SCALE=0.1 benchmarks/run.sh    scale message counts (quick smoke run)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCALE=${SCALE:-1}
STEP_LIMIT=${STEP_LIMIT:-600}   # seconds per loadgen run
# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh

scaled() { python3 -c "import sys; print(max(1, int(float(sys.argv[1]) * float(sys.argv[2]))))" "$1" "$SCALE"; }

build_loadgen
ensure_brook_bin

WORK=$(mktemp -d "${TMPDIR:-/tmp}/brook-bench.XXXXXX")
LOG=$WORK/brook.log
cleanup() {
    stop_brook
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_brook "$WORK/data" "$LOG"
sleep 1  # let start-up allocations settle before measuring idle memory
RSS_IDLE=$(rss_mib)

ROWS=()
FAILED=0
RSS_AFTER=?

# run_step NAME loadgen-args... ; appends a table row
run_step() {
    local name=$1; shift
    say "$name: loadgen $*"
    local result
    result=$(loadgen_result "$@" -T "$STEP_LIMIT")
    if [[ -z $result ]]; then
        FAILED=1
        ROWS+=("| $name | FAILED | | | | |")
        return 0
    fi
    get() { result_field "$result" "$1"; }
    if [[ $(get mode) == latency ]]; then
        ROWS+=("| $name | $(get achieved_rate) | | $(get p50_ms) | $(get p99_ms) | $(get p999_ms) |")
    else
        ROWS+=("| $name | $(get msgs_per_sec) | $(get mb_per_sec) | | | |")
    fi
}

N1M=$(scaled 1000000)
N300K=$(scaled 300000)
LAT_S=${LAT_SECONDS:-10}

run_step "produce ${N1M} × 100 B, acks=1" produce -t bench-acks1 -n "$N1M" -s 100 -a 1
RSS_AFTER=$(rss_mib)
run_step "produce ${N1M} × 100 B, acks=all" produce -t bench-acksall -n "$N1M" -s 100 -a all
run_step "produce ${N300K} × 1 KiB, acks=1" produce -t bench-1k -n "$N300K" -s 1024 -a 1
run_step "consume ${N1M} × 100 B" consume -t bench-acks1 -n "$N1M"
run_step "latency 2k msg/s, acks=all, ${LAT_S} s" latency -t bench-lat2k -r 2000 -d "$LAT_S" -s 100 -a all
run_step "latency 20k msg/s, acks=all, ${LAT_S} s" latency -t bench-lat20k -r 20000 -d "$LAT_S" -s 100 -a all
RSS_END=$(rss_mib)

if ! kill -0 "$BROOK_PID" 2>/dev/null; then
    FAILED=1
    say "brook died during the benchmark; log tail:"; tail -50 "$LOG" >&2
fi
stop_brook

cat <<EOF2

### Brook benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), loadgen on librdkafka $(pkg-config --modversion rdkafka))

| Scenario | msg/s | MB/s | p50 ms | p99 ms | p99.9 ms |
|---|---:|---:|---:|---:|---:|
$(printf '%s\n' "${ROWS[@]}")

| Process | Value |
|---|---:|
| start-up (spawn → "accepting connections") | ${STARTUP_MS} ms |
| RSS idle | ${RSS_IDLE} MiB |
| RSS after the first ${N1M}-message produce | ${RSS_AFTER} MiB |
| RSS at the end | ${RSS_END} MiB |
EOF2

exit "$FAILED"
