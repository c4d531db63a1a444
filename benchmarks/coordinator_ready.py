#!/usr/bin/env python3
"""How soon a client started together with brook reaches its coordinator.

For each run: spawn brook (release build by default) on a fresh data dir, start a confluent-kafka
(librdkafka) client as soon as the "accepting connections" line appears, and time from the spawn to

  committed   Consumer.committed() of one partition (FindCoordinator + OffsetFetch)
  group       first assignment of a subscribing group consumer (the topic created first)
  txn         Producer.init_transactions() (FindCoordinator + InitProducerId)

then restart brook on the same data dir and time it again ("existing"). Prints every run in ms.

  BROOK_BIN=.build/release/brook .venv/bin/python benchmarks/coordinator_ready.py [--runs 8] [--cases committed,group,txn]
"""
import argparse
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_brook(binary: str, data_dir: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir,
                             "--set", "group.initial.rebalance.delay.ms=0"],
                            stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if "accepting connections" in line:
            threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
            return proc
    proc.kill()
    raise SystemExit("brook did not start")


def committed(bootstrap: str) -> None:
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "g"})
    c.committed([TopicPartition("t", 0)], timeout=30)
    c.close()


def group(bootstrap: str) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    try:
        admin.create_topics([NewTopic("t", 1, 1)])["t"].result(10)
    except Exception:
        pass  # exists after the first run
    assigned = threading.Event()
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "g", "auto.offset.reset": "earliest"})
    c.subscribe(["t"], on_assign=lambda _c, _tps: assigned.set())
    deadline = time.monotonic() + 30
    while not assigned.is_set() and time.monotonic() < deadline:
        c.poll(0.01)
    c.close()


def txn(bootstrap: str) -> None:
    Producer({"bootstrap.servers": bootstrap, "transactional.id": "tx"}).init_transactions(30)


def timed(binary: str, data_dir: str, case) -> float:
    port = free_port()
    t0 = time.monotonic()
    proc = start_brook(binary, data_dir, port)
    try:
        case(f"127.0.0.1:{port}")
        return (time.monotonic() - t0) * 1000
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--cases", default="committed,group,txn")
    args = parser.parse_args()
    binary = os.environ.get("BROOK_BIN", ".build/release/brook")
    cases = {"committed": committed, "group": group, "txn": txn}
    for name in args.cases.split(","):
        fresh, existing = [], []
        for _ in range(args.runs):
            data_dir = tempfile.mkdtemp(prefix="brook-coord-")
            try:
                fresh.append(timed(binary, data_dir, cases[name]))
                existing.append(timed(binary, data_dir, cases[name]))
            finally:
                shutil.rmtree(data_dir, ignore_errors=True)
        print(f"{name}: fresh {[round(x) for x in fresh]} ms; existing {[round(x) for x in existing]} ms")


if __name__ == "__main__":
    main()
