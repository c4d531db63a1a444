#!/usr/bin/env bash
# 10,000 partitions on one node under `ulimit -n 20000` (soft and hard): creation time, open
# descriptors, memory, one acks=all record per partition, restart time, and that the broker still
# creates topics afterwards.
#
#   BROOK_BIN=.build/release/brook benchmarks/many_partitions.sh
#   PARTITIONS=2000 FD_LIMIT=4096 benchmarks/many_partitions.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${BROOK_BIN:-$PWD/.build/release/brook}
PYTHON=${PYTHON:-$PWD/.venv/bin/python}
PARTITIONS=${PARTITIONS:-10000}
FD_LIMIT=${FD_LIMIT:-20000}
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
ulimit -n "$FD_LIMIT"

now() { date +%s.%N; }
since() { "$PYTHON" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$1" "$(now)"; }
fds() { ls "/proc/$PID/fd" | wc -l; }
rss() { awk '/VmRSS/ {print $2 / 1024 " MiB"}' "/proc/$PID/status"; }

start() {
  "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$DIR/data" > "$DIR/log.$1" 2>&1 &
  PID=$!
  local t0; t0=$(now)
  until grep -q "accepting connections" "$DIR/log.$1"; do
    kill -0 "$PID" || { cat "$DIR/log.$1"; exit 1; }
    sleep 0.1
  done
  echo "start-up ($1): $(since "$t0")"
}

stop() {
  local t0; t0=$(now)
  kill "$PID"; wait "$PID" || true; PID=
  echo "shutdown: $(since "$t0")"
}

start first
until grep -q "coordinators loaded" "$DIR/log.first"; do sleep 0.1; done
echo "descriptors, idle: $(fds)"
t0=$(now)
"$BIN" topic create big -p "$PARTITIONS" -b "127.0.0.1:$PORT" -X request.timeout.ms=600000
echo "create $PARTITIONS partitions: $(since "$t0")"
echo "descriptors with them: $(fds), RSS $(rss)"
t0=$(now)
"$PYTHON" - "$PORT" "$PARTITIONS" <<'PY'
import sys
from confluent_kafka import Producer
port, partitions = sys.argv[1], int(sys.argv[2])
producer = Producer({"bootstrap.servers": f"127.0.0.1:{port}", "linger.ms": 50, "acks": "all"})
errors = []
for p in range(partitions):
    producer.produce("big", value=b"x" * 100, partition=p, on_delivery=lambda e, m: e and errors.append(e))
    producer.poll(0)
producer.flush(300)
print(f"one acks=all record to each of {partitions} partitions, errors: {len(errors)}")
PY
echo "produce: $(since "$t0"); descriptors $(fds), RSS $(rss)"
stop
start restart
echo "descriptors after restart: $(fds), RSS $(rss)"
"$BIN" topic create after -p 3 -b "127.0.0.1:$PORT" >/dev/null && echo "a new topic can still be created"
stop
