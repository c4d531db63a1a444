#!/usr/bin/env bash
# Benchmark a release build of brook with benchmarks/loadgen (librdkafka) and print a markdown
# table: throughput, end-to-end latency, start-up time and memory.
#
#   benchmarks/run.sh              build everything, run all scenarios
#   BROOK_BIN=path benchmarks/run.sh   use an existing binary (no swift build)
#   SCALE=0.1 benchmarks/run.sh    scale message counts (quick smoke run)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
SCALE=${SCALE:-1}
STEP_LIMIT=${STEP_LIMIT:-600}   # seconds per loadgen run
LOADGEN=$ROOT/benchmarks/bin/loadgen

say() { printf '==> %s\n' "$*" >&2; }
scaled() { python3 -c "import sys; print(max(1, int(float(sys.argv[1]) * float(sys.argv[2]))))" "$1" "$SCALE"; }

say "building loadgen"
mkdir -p benchmarks/bin
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$LOADGEN" benchmarks/loadgen.c $(pkg-config --cflags --libs rdkafka) -lpthread

if [[ -z ${BROOK_BIN:-} ]]; then
    say "swift build -c release"
    swift build -c release >&2
    BROOK_BIN=$ROOT/.build/release/brook
fi
[[ -x $BROOK_BIN ]] || { echo "no brook binary at $BROOK_BIN" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/brook-bench.XXXXXX")
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BOOTSTRAP=127.0.0.1:$PORT
LOG=$WORK/brook.log
BROOK_PID=

stop_brook() {
    [[ -n $BROOK_PID ]] || return 0
    if kill -0 "$BROOK_PID" 2>/dev/null; then
        kill -TERM "$BROOK_PID" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$BROOK_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$BROOK_PID" 2>/dev/null; then
            say "brook ignored SIGTERM for 10 s; killing it"
            kill -KILL "$BROOK_PID" 2>/dev/null || true
        fi
    fi
    wait "$BROOK_PID" 2>/dev/null || true
    BROOK_PID=
}
cleanup() {
    stop_brook
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_mib() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$BROOK_PID/status" 2>/dev/null || echo "?"
}

say "starting $BROOK_BIN on $BOOTSTRAP (data in $WORK/data)"
mkdir -p "$WORK/data"
t0=$(date +%s%N)
"$BROOK_BIN" serve --listen "$BOOTSTRAP" --data-dir "$WORK/data" >"$LOG" 2>&1 </dev/null &
BROOK_PID=$!
deadline=$((SECONDS + 60))
until grep -q "accepting connections" "$LOG"; do
    if ! kill -0 "$BROOK_PID" 2>/dev/null; then
        echo "brook exited before it was ready:" >&2; cat "$LOG" >&2; exit 1
    fi
    if ((SECONDS > deadline)); then
        echo "brook not ready after 60 s:" >&2; cat "$LOG" >&2; exit 1
    fi
    sleep 0.002
done
STARTUP_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
sleep 1  # let start-up allocations settle before measuring idle memory
RSS_IDLE=$(rss_mib)

ROWS=()
FAILED=0
RSS_AFTER=?

# run_step NAME loadgen-args... ; appends a table row
run_step() {
    local name=$1; shift
    say "$name: loadgen $*"
    local out rc=0
    out=$("$LOADGEN" "$@" -b "$BOOTSTRAP" -T "$STEP_LIMIT" -q) || rc=$?
    local result
    result=$(grep '^RESULT' <<<"$out" | tail -1 || true)
    if ((rc != 0)) || [[ -z $result ]]; then
        FAILED=1
        ROWS+=("| $name | FAILED (exit $rc) | | | | |")
        return 0
    fi
    get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$result"; }
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
