# Shared by the shell benchmarks: build loadgen and brook, start and stop one brook on a free port.
# Source it from a script that has cd'ed to the repository root; it sets ROOT, LOADGEN, BROOK_BIN.

ROOT=$PWD
LOADGEN=$ROOT/benchmarks/bin/loadgen
BROOK_PID=

say() { printf '==> %s\n' "$*" >&2; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

build_loadgen() {
    say "building loadgen"
    mkdir -p benchmarks/bin
    # shellcheck disable=SC2046
    cc -O2 -Wall -Wextra -o "$LOADGEN" benchmarks/loadgen.c $(pkg-config --cflags --libs rdkafka) -lpthread
}

# A release build unless BROOK_BIN names a binary already.
ensure_brook_bin() {
    if [[ -z ${BROOK_BIN:-} ]]; then
        say "swift build -c release"
        swift build -c release >&2
        BROOK_BIN=$ROOT/.build/release/brook
    fi
    [[ -x $BROOK_BIN ]] || { echo "no brook binary at $BROOK_BIN" >&2; exit 1; }
}

# start_brook DATA_DIR LOG [serve args...]: sets BROOK_PID, BOOTSTRAP and STARTUP_MS (spawn → the
# "accepting connections" line, polled every 2 ms); exits the script if brook does not come up in 60 s.
start_brook() {
    local data_dir=$1 log=$2; shift 2
    BOOTSTRAP=127.0.0.1:$(free_port)
    say "starting $BROOK_BIN on $BOOTSTRAP (data in $data_dir)"
    mkdir -p "$data_dir"
    local t0; t0=$(date +%s%N)
    "$BROOK_BIN" serve --listen "$BOOTSTRAP" --data-dir "$data_dir" "$@" >"$log" 2>&1 </dev/null &
    BROOK_PID=$!
    local deadline=$((SECONDS + 60))
    until grep -q "accepting connections" "$log"; do
        if ! kill -0 "$BROOK_PID" 2>/dev/null; then
            echo "brook exited before it was ready:" >&2; cat "$log" >&2; exit 1
        fi
        if ((SECONDS > deadline)); then
            echo "brook not ready after 60 s:" >&2; cat "$log" >&2; exit 1
        fi
        sleep 0.002
    done
    STARTUP_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}

# SIGTERM, then SIGKILL if brook has not exited after 10 s.
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

rss_mib() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$BROOK_PID/status" 2>/dev/null || echo "?"
}

# loadgen_result ARGS...: runs loadgen against BOOTSTRAP and prints its RESULT line (empty on failure).
loadgen_result() {
    local out rc=0
    out=$("$LOADGEN" "$@" -b "$BOOTSTRAP" -q) || rc=$?
    ((rc == 0)) && grep '^RESULT' <<<"$out" | tail -1
    return 0
}

# result_field RESULT NAME: one key=value field of a RESULT line.
result_field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
