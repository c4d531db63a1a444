#!/usr/bin/env bash
# Benchmarks a 3-broker cluster on etcd (issue 12): produce throughput and end-to-end p99 at RF=3
# acks=all against RF=1 on the same brokers, the time from kill -9 of a leader to the first
# successful acks=all produce on its partition, and how long a restarted broker takes to rejoin the
# ISR after LAG_MB of lag. Prints a markdown table.
#
#   benchmarks/cluster.sh                 release build, all scenarios
#   BROOK_BIN=path benchmarks/cluster.sh  an existing binary
#   SCALE=0.1 LAG_MB=100 benchmarks/cluster.sh   a quick run
#   ETCD_ARGS="--heartbeat-interval 50 --election-timeout 500" SESSION_TIMEOUT_MS=1000 benchmarks/cluster.sh
#                                         a shorter lease (etcd's minimum TTL is 1.5 x its election timeout)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCALE=${SCALE:-1}
LAG_MB=${LAG_MB:-1024}
LAT_S=${LAT_SECONDS:-10}
# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh
scaled() { python3 -c "import sys; print(max(1, int(float(sys.argv[1]) * float(sys.argv[2]))))" "$1" "$SCALE"; }
command -v etcd > /dev/null || { echo "etcd not found (apt-get install etcd-server)" >&2; exit 1; }

build_loadgen
ensure_brook_bin
PY=${PYTHON:-$ROOT/.venv/bin/python}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/brook-cluster-bench.XXXXXX")
ETCD_PID=
declare -A PIDS PORTS
cleanup() {
    for node in "${!PIDS[@]}"; do kill -TERM "${PIDS[$node]}" 2> /dev/null || true; done
    for node in "${!PIDS[@]}"; do wait "${PIDS[$node]}" 2> /dev/null || true; done
    [[ -n $ETCD_PID ]] && { kill -TERM "$ETCD_PID" 2> /dev/null || true; wait "$ETCD_PID" 2> /dev/null || true; }
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ETCD_CLIENT=$(free_port)
ETCD_PEER=$(free_port)
say "starting etcd on 127.0.0.1:$ETCD_CLIENT"
etcd --name bench --data-dir "$WORK/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT" --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-cluster "bench=http://127.0.0.1:$ETCD_PEER" \
    ${ETCD_ARGS:-} > "$WORK/etcd.log" 2>&1 &
ETCD_PID=$!
until curl -sf "http://127.0.0.1:$ETCD_CLIENT/health" > /dev/null; do sleep 0.05; done

start_node() {
    local node=$1
    [[ -n ${PORTS[$node]:-} ]] || PORTS[$node]=$(free_port)
    "$BROOK_BIN" serve --node-id "$node" --listen "127.0.0.1:${PORTS[$node]}" --data-dir "$WORK/d$node" \
        --metadata "etcd://127.0.0.1:$ETCD_CLIENT" --set "broker.session.timeout.ms=${SESSION_TIMEOUT_MS:-1500}" \
        >> "$WORK/b$node.log" 2>&1 < /dev/null &
    PIDS[$node]=$!
    until grep -q "accepting connections" "$WORK/b$node.log"; do sleep 0.01; done
}
for node in 1 2 3; do start_node "$node"; done
BOOTSTRAP=127.0.0.1:${PORTS[1]},127.0.0.1:${PORTS[2]},127.0.0.1:${PORTS[3]}
cli() { "$BROOK_BIN" "$@" --brokers "$BOOTSTRAP"; }
# Registrations reach every broker within a lease refresh; placement needs all three.
for _ in $(seq 100); do
    [[ $(cli cluster info --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["brokers"]))') == 3 ]] && break
    sleep 0.1
done
cli topic create rf1 -p 1 -r 1 > /dev/null
cli topic create rf3 -p 1 -r 3 -c min.insync.replicas=2 > /dev/null
leader_of() { cli topic describe "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["partitions"][0]["leader"])'; }
isr_of() { cli topic describe "$1" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]["partitions"][0]["isr"]))'; }

ROWS=()
row_throughput() {
    local name=$1 topic=$2; shift 2
    local result; result=$("$LOADGEN" produce -t "$topic" -b "$BOOTSTRAP" -q "$@" | grep '^RESULT' | tail -1)
    ROWS+=("| $name | $(result_field "$result" msgs_per_sec) | $(result_field "$result" mb_per_sec) | | |")
}
row_latency() {
    local name=$1 topic=$2; shift 2
    local result; result=$("$LOADGEN" latency -t "$topic" -b "$BOOTSTRAP" -q "$@" | grep '^RESULT' | tail -1)
    ROWS+=("| $name | $(result_field "$result" achieved_rate) | | $(result_field "$result" p50_ms) | $(result_field "$result" p99_ms) |")
}
N=$(scaled 1000000)
for topic in rf1 rf3; do
    say "$topic: produce $N x 100 B acks=all, then latency at 2k msg/s"
    row_throughput "produce $N × 100 B, acks=all, $topic" "$topic" -n "$N" -s 100 -a all
    row_latency "end-to-end latency, 2k msg/s, acks=all, $topic, ${LAT_S} s" "$topic" -r 2000 -d "$LAT_S" -s 100 -a all
done

# Failover: kill -9 the leader of rf3-0, time until an acks=all produce to it succeeds again.
victim=$(leader_of rf3)
say "failover: kill -9 broker $victim (leader of rf3-0)"
FAILOVER_MS=$("$PY" - "$BOOTSTRAP" "${PIDS[$victim]}" <<'PYEOF'
import os, signal, sys, time
from confluent_kafka import Producer
bootstrap, pid = sys.argv[1], int(sys.argv[2])
p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True, "linger.ms": 0,
              "message.timeout.ms": 60000, "retry.backoff.ms": 20, "reconnect.backoff.ms": 20,
              "reconnect.backoff.max.ms": 100, "topic.metadata.refresh.interval.ms": 100})
done = []
def delivered(err, msg):
    done.append(err)
p.produce("rf3", b"warm-up", partition=0, on_delivery=delivered)
p.flush(30)
killed = time.monotonic()
os.kill(pid, signal.SIGKILL)
while True:
    done.clear()
    p.produce("rf3", b"after", partition=0, on_delivery=delivered)
    p.flush(60)
    if done and done[0] is None:
        break
print(int((time.monotonic() - killed) * 1000))
PYEOF
)
wait "${PIDS[$victim]}" 2> /dev/null || true
unset "PIDS[$victim]"
ROWS+=("| kill -9 of the leader → first acks=all produce acknowledged (broker.session.timeout.ms=${SESSION_TIMEOUT_MS:-1500}${ETCD_ARGS:+, etcd $ETCD_ARGS}) | | | $FAILOVER_MS ms | |")

# Rejoin: the killed broker is behind by LAG_MB of 1 KiB records; time from its restart to a full ISR.
lag_count=$((LAG_MB * 1024))
say "producing $LAG_MB MB while broker $victim is down"
"$LOADGEN" produce -t rf3 -b "$BOOTSTRAP" -q -n "$lag_count" -s 1024 -a all > /dev/null
t0=$(date +%s%N)
start_node "$victim"
until [[ $(isr_of rf3) == 3 ]]; do sleep 0.05; done
REJOIN_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
ROWS+=("| restart → back in the ISR after $LAG_MB MB of lag | | | $REJOIN_MS ms | |")

echo
echo "| Scenario | msg/s | MB/s | p50 / time | p99 ms |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
