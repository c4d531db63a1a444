#!/usr/bin/env bash
# Broker CPU per message at a fixed rate: runs loadgen's latency mode (100 B records, one producer and
# one consumer) against a fresh brook and divides the broker's user and system CPU time over the
# measured run (from /proc/<pid>/stat, after a 1 s warm-up run) by the messages sent. Compare builds
# by passing several binaries; each is run RUNS times, alternating, so load from elsewhere on the
# machine affects every build alike.
#
#   benchmarks/cpu_per_message.sh                              release build, 20k msg/s, acks=all
#   RATE=1000 ACKS=1 RUNS=3 benchmarks/cpu_per_message.sh old/brook .build/release/brook
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RATE=${RATE:-20000}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-6}
ACKS=${ACKS:-all}
RUNS=${RUNS:-2}
# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh

build_loadgen
if (($# == 0)); then
    ensure_brook_bin
    set -- "$BROOK_BIN"
fi
CLK_TCK=$(getconf CLK_TCK)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/brook-cpu.XXXXXX")
trap 'stop_brook; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

cpu_ticks() { awk '{ print $14, $15 }' "/proc/$BROOK_PID/stat"; }

echo "| Build | Run | Messages | User µs/msg | System µs/msg | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for run in $(seq "$RUNS"); do
    for bin in "$@"; do
        BROOK_BIN=$bin
        rm -rf "$WORK/data"
        start_brook "$WORK/data" "$WORK/brook.log"
        loadgen_result latency -t lat -r 1000 -d 1 -s 100 -a "$ACKS" >/dev/null
        read -r u0 s0 < <(cpu_ticks)
        result=$(loadgen_result latency -t lat -r "$RATE" -d "$SECONDS_PER_RUN" -s 100 -a "$ACKS" -T 120)
        read -r u1 s1 < <(cpu_ticks)
        stop_brook
        n=$(result_field "$result" messages)
        if [[ -z $n || $n == 0 ]]; then echo "| $bin | $run | FAILED | | | | |"; continue; fi
        # loadgen sends one warm-up second beyond the measured messages: count it too.
        sent=$((n + RATE))
        awk -v b="$bin" -v r="$run" -v n="$sent" -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v hz="$CLK_TCK" \
            -v p50="$(result_field "$result" p50_ms)" -v p99="$(result_field "$result" p99_ms)" \
            'BEGIN { printf "| %s | %d | %d | %.1f | %.1f | %s | %s |\n", b, r, n, u * 1e6 / hz / n, s * 1e6 / hz / n, p50, p99 }'
    done
done
