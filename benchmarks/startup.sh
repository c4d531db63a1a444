#!/usr/bin/env bash
# Start-up time of brook: spawn → "accepting connections" log line (polled every 2 ms, as run.sh
# does), RUNS times on a fresh data dir and RUNS times on an existing one (the dir of a previous
# clean run, holding the internal topics and a small user topic). Prints one line per case with
# every run and the range, in ms, and how long after the listener the coordinators had loaded
# `__consumer_offsets` and `__transaction_state` (from brook's log).
#
#   benchmarks/startup.sh                      release build (swift build -c release), 7 runs each
#   BROOK_BIN=path RUNS=10 benchmarks/startup.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${RUNS:-7}
if [[ -z ${BROOK_BIN:-} ]]; then
    swift build -c release >&2
    BROOK_BIN=$PWD/.build/release/brook
fi
[[ -x $BROOK_BIN ]] || { echo "no brook binary at $BROOK_BIN" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/brook-startup.XXXXXX")
PID=
cleanup() {
    [[ -n $PID ]] && kill -KILL "$PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# start DATA_DIR: sets MS (ms until "accepting connections"), PID and PORT; leaves brook running
start() {
    local port log=$WORK/brook.log
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    : >"$log"
    local t0; t0=$(date +%s%N)
    "$BROOK_BIN" serve --listen "127.0.0.1:$port" --data-dir "$1" >"$log" 2>&1 </dev/null &
    PID=$!
    until grep -q "accepting connections" "$log"; do
        kill -0 "$PID" 2>/dev/null || { echo "brook exited:" >&2; cat "$log" >&2; exit 1; }
        sleep 0.002
    done
    MS=$((($(date +%s%N) - t0) / 1000000))
    PORT=$port
}

# stop: SIGTERM, wait for a clean exit
stop() {
    kill -TERM "$PID"
    wait "$PID" 2>/dev/null || true
    PID=
}

# A settled broker: the coordinators have loaded their internal topics (opened in the background
# after the listener is up). Appends to LOADED the ms the broker logged for that. A brook that
# opens them before listening logs no such line: after one 2 s wait, it is not waited for again.
LOGS_LOADED=1
settle() {
    local log=$WORK/brook.log
    if ((LOGS_LOADED)); then
        for _ in $(seq 100); do
            if grep -q "coordinators loaded" "$log"; then
                LOADED+=("$(sed -n 's/.*ms=\([0-9]*\).*coordinators loaded.*/\1/p' "$log" | head -1)")
                sleep 0.2
                return 0
            fi
            sleep 0.02
        done
        LOGS_LOADED=0
    fi
    sleep 0.2
}

summary() {
    local name=$1; shift
    local sorted; sorted=$(printf '%s\n' "$@" | sort -n)
    echo "$name: $* ms (range $(head -1 <<<"$sorted")–$(tail -1 <<<"$sorted") ms)"
}

LOADED=()
FRESH=()
for i in $(seq "$RUNS"); do
    start "$WORK/fresh-$i"
    FRESH+=("$MS")
    settle "$WORK/fresh-$i"
    stop
    rm -rf "$WORK/fresh-$i"
done

FRESH_LOADED=("${LOADED[@]}")

EXISTING_DIR=$WORK/existing
start "$EXISTING_DIR"
settle "$EXISTING_DIR"
# A user topic with a few records, so the existing dir holds more than the internal topics.
if command -v kcat >/dev/null; then
    seq 1000 | kcat -P -b "127.0.0.1:$PORT" -t startup-bench -q 2>/dev/null || true
fi
stop
LOADED=()
EXISTING=()
for _ in $(seq "$RUNS"); do
    start "$EXISTING_DIR"
    EXISTING+=("$MS")
    settle "$EXISTING_DIR"
    stop
done

summary "start-up, fresh data dir" "${FRESH[@]}"
summary "start-up, existing data dir" "${EXISTING[@]}"
if ((${#FRESH_LOADED[@]} > 0)); then
    summary "coordinators loaded after the listener, fresh data dir" "${FRESH_LOADED[@]}"
    summary "coordinators loaded after the listener, existing data dir" "${LOADED[@]}"
fi
