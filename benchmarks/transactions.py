#!/usr/bin/env python3
"""Transactions benchmark: committed transactions per second with 100 records each.

Starts its own brook (release build by default) on a free port with a temporary data dir, drives it
with confluent-kafka (librdkafka), prints a markdown table, and always stops brook.

  BROOK_BIN=.build/release/brook .venv/bin/python benchmarks/transactions.py [--seconds 10]

Each transaction: begin, 100 × 100 B records to one partition, commit (which waits for the commit
markers to be written). The cost of idempotence on plain produce throughput is measured with
loadgen; see benchmarks/README.md.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_brook(binary: str, data_dir: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if "accepting connections" in line:
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc
    proc.kill()
    raise SystemExit("brook did not start")


def transactions(bootstrap: str, topic: str, seconds: float, records: int) -> tuple[float, float]:
    p = Producer({"bootstrap.servers": bootstrap, "transactional.id": "bench-txn", "linger.ms": 0})
    p.init_transactions(30)
    payload = b"x" * 100
    n = 0
    latencies = []
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        t0 = time.monotonic()
        p.begin_transaction()
        for _ in range(records):
            p.produce(topic, payload, partition=0)
        p.commit_transaction(30)
        latencies.append(time.monotonic() - t0)
        n += 1
    elapsed = time.monotonic() - start
    latencies.sort()
    return n / elapsed, latencies[len(latencies) // 2] * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--records", type=int, default=100)
    args = ap.parse_args()
    binary = os.environ.get("BROOK_BIN", os.path.join(os.path.dirname(__file__), "..", ".build", "release", "brook"))
    with tempfile.TemporaryDirectory(prefix="brook-txn-bench-") as data:
        port = free_port()
        proc = start_brook(binary, data, port)
        try:
            bootstrap = f"127.0.0.1:{port}"
            admin = AdminClient({"bootstrap.servers": bootstrap})
            topic = "bench-txn"
            admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(20)
            del admin
            rate, p50 = transactions(bootstrap, topic, args.seconds, args.records)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    print("| Transaction scenario | Value |\n|---|---:|")
    print(f"| transactions of {args.records} × 100 B, one producer, committed one after another | {rate:.0f} txn/s "
          f"({rate * args.records:.0f} records/s) |")
    print(f"| begin → commit returned, median | {p50:.2f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
