#!/usr/bin/env bash
# Starts etcd and N local brokers (a cluster to try on one machine), in the foreground; Ctrl-C stops
# them all (brokers first, each with a controlled shutdown, then etcd).
#
#   scripts/cluster-up.sh [N=3] [DIR=./brook-cluster]
#
# Broker i listens on 127.0.0.1:(9091+i) with data in DIR/broker-i and serves the Schema Registry on
# 127.0.0.1:(8080+100*i+1) (8181, 8281, ...: every broker serves the same registry); etcd serves 127.0.0.1:2379 with
# data in DIR/etcd (ports: BROOK_FIRST_PORT, ETCD_CLIENT_PORT, ETCD_PEER_PORT). Needs `etcd`
# (Debian: etcd-server) and a built brook (BROOK_BIN, default .build/release/brook or .build/debug/brook).
set -euo pipefail

count=${1:-3}
dir=${2:-./brook-cluster}
first_port=${BROOK_FIRST_PORT:-9092}
etcd_client=${ETCD_CLIENT_PORT:-2379}
etcd_peer=${ETCD_PEER_PORT:-2380}
here=$(cd "$(dirname "$0")/.." && pwd)
brook=${BROOK_BIN:-}
if [[ -z "$brook" ]]; then
    for candidate in "$here/.build/release/brook" "$here/.build/debug/brook"; do
        [[ -x "$candidate" ]] && { brook=$candidate; break; }
    done
fi
[[ -x "${brook:-}" ]] || { echo "no brook binary: run 'swift build' or set BROOK_BIN" >&2; exit 1; }
command -v etcd > /dev/null || { echo "etcd not found: apt-get install etcd-server" >&2; exit 1; }
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive number, got '$count'" >&2; exit 1; }

mkdir -p "$dir"
pids=()
etcd_pid=
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
    if [[ -n "$etcd_pid" ]]; then
        kill -TERM "$etcd_pid" 2> /dev/null || true
        wait "$etcd_pid" 2> /dev/null || true
    fi
}
trap stop INT TERM EXIT

etcd --name brook-etcd --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "brook-etcd=http://127.0.0.1:$etcd_peer" > "$dir/etcd.log" 2>&1 &
etcd_pid=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$etcd_client/health" > /dev/null 2>&1 && break
    kill -0 "$etcd_pid" 2> /dev/null || { echo "etcd failed to start; see $dir/etcd.log" >&2; exit 1; }
    sleep 0.1
done

bootstrap=()
for i in $(seq 1 "$count"); do
    port=$((first_port + i - 1))
    "$brook" serve --node-id "$i" --listen "127.0.0.1:$port" --data-dir "$dir/broker-$i" \
        --metadata "etcd://127.0.0.1:$etcd_client" --registry-listen "127.0.0.1:$((8080 + 100 * i + 1))" \
        > "$dir/broker-$i.log" 2>&1 &
    pids+=($!)
    bootstrap+=("127.0.0.1:$port")
done
list=$(IFS=,; echo "${bootstrap[*]}")
echo "etcd on 127.0.0.1:$etcd_client, $count brokers on $list (logs in $dir); Schema Registry on http://127.0.0.1:8181 (and 8281, ...)"
echo "try:  $brook topic create orders -p 6 -r $(( count < 3 ? count : 3 )) --brokers $list"
echo "      $brook topic describe orders --brokers $list"
echo "Ctrl-C stops the cluster."
wait -n "${pids[@]}" || true
echo "a broker exited; see $dir/broker-*.log" >&2
