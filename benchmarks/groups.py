#!/usr/bin/env python3
"""Consumer-group benchmark: rebalance time and offset commits per second.

Starts its own brook (release build by default) on a free port with a temporary data dir, drives it
with confluent-kafka (librdkafka), prints a markdown table, and always stops brook.

  BROOK_BIN=.build/release/brook .venv/bin/python benchmarks/groups.py [--members 5] [--partitions 12]

Rebalance: members join one by one (classic protocol, range assignor); the figure is the time from
the last member's subscribe() to every member holding its final assignment. librdkafka's
heartbeat.interval.ms is set to 100 ms, since existing members learn of a rebalance on a heartbeat.
Commits: synchronous commits of one offset, one after another (each is durable before the answer),
then asynchronous commits with many in flight.
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

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_brook(binary: str, data_dir: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir,
                             "--set", "group.initial.rebalance.delay.ms=0"],
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


def consumer(bootstrap: str, group: str, **extra) -> Consumer:
    conf = {"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
            "heartbeat.interval.ms": 100, "session.timeout.ms": 6000,
            "partition.assignment.strategy": "range", "auto.offset.reset": "earliest"}
    conf.update(extra)
    return Consumer(conf)


def rebalance(bootstrap: str, topic: str, members: int, partitions: int) -> float:
    lock = threading.Lock()
    assignments: dict[int, set] = {}
    stop = threading.Event()
    consumers = []

    def run(index: int, c: Consumer):
        def on_assign(_c, tps):
            with lock:
                assignments[index] = {tp.partition for tp in tps}

        def on_revoke(_c, _tps):
            with lock:
                assignments[index] = set()

        c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
        while not stop.is_set():
            c.poll(0.05)

    def settled(count: int) -> bool:
        with lock:
            if len(assignments) < count:
                return False
            owned = [p for i in range(count) for p in assignments.get(i, set())]
            return sorted(owned) == list(range(partitions)) and all(assignments[i] for i in range(count))

    threads = []
    last_start = 0.0
    for i in range(members):
        c = consumer(bootstrap, "bench-rebalance")
        consumers.append(c)
        last_start = time.monotonic()
        t = threading.Thread(target=run, args=(i, c), daemon=True)
        t.start()
        threads.append(t)
        deadline = time.monotonic() + 30
        while not settled(i + 1):
            if time.monotonic() > deadline:
                raise SystemExit(f"group did not settle with {i + 1} members")
            time.sleep(0.001)
    elapsed = time.monotonic() - last_start
    stop.set()
    for t in threads:
        t.join(5)
    for c in consumers:
        c.close()
    return elapsed


def commits(bootstrap: str, topic: str, seconds: float) -> tuple[float, float]:
    c = consumer(bootstrap, "bench-commits")
    c.assign([TopicPartition(topic, 0, 0)])
    n = 0
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        n += 1
        c.commit(offsets=[TopicPartition(topic, 0, n)], asynchronous=False)
    sync_rate = n / (time.monotonic() - start)

    done = 0
    done_lock = threading.Lock()

    def on_commit(err, _parts):
        nonlocal done
        if err is None:
            with done_lock:
                done += 1

    c2 = consumer(bootstrap, "bench-commits-async", on_commit=on_commit)
    c2.assign([TopicPartition(topic, 0, 0)])
    total = 20000
    start = time.monotonic()
    for i in range(total):
        c2.commit(offsets=[TopicPartition(topic, 0, i + 1)], asynchronous=True)
        if i % 500 == 0:
            c2.poll(0)
    while done < total and time.monotonic() - start < 60:
        c2.poll(0.01)
    async_rate = done / (time.monotonic() - start)
    c.close()
    c2.close()
    return sync_rate, async_rate


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=5)
    ap.add_argument("--partitions", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=5)
    args = ap.parse_args()
    binary = os.environ.get("BROOK_BIN", os.path.join(os.path.dirname(__file__), "..", ".build", "release", "brook"))
    with tempfile.TemporaryDirectory(prefix="brook-groups-bench-") as data:
        port = free_port()
        proc = start_brook(binary, data, port)
        try:
            bootstrap = f"127.0.0.1:{port}"
            admin = AdminClient({"bootstrap.servers": bootstrap})
            topic = "bench-groups"
            admin.create_topics([NewTopic(topic, num_partitions=args.partitions, replication_factor=1)])[topic].result(20)
            del admin  # release the client before brook stops, so it doesn't log reconnect failures
            rebalance_s = rebalance(bootstrap, topic, args.members, args.partitions)
            sync_rate, async_rate = commits(bootstrap, topic, args.seconds)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(f"| Group scenario | Value |\n|---|---:|")
    print(f"| rebalance: last of {args.members} members subscribes → all hold their {args.partitions}-partition "
          f"assignment | {rebalance_s * 1000:.0f} ms |")
    print(f"| synchronous offset commits, one client | {sync_rate:.0f} commits/s |")
    print(f"| asynchronous offset commits, one client | {async_rate:.0f} commits/s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
