#!/usr/bin/env python3
"""Log cleaner benchmark: cleaner throughput (MB/s read) and produce latency while it runs.

Starts brook (BROOK_BIN, default .build/release/brook, else .build/debug/brook) on a temporary data dir,
fills a compacted topic (RECORDS records of VALUE_BYTES over KEYS keys, 8 MiB segments), and meanwhile
probes acks=all produce latency on a separate topic, one message every 5 ms. Reports the cleaner's own
timings (from its `compacted segments` log lines) and the probe's p50/p99 before the bulk load and while
the cleaner was running.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

RECORDS = int(os.environ.get("RECORDS", "400000"))
KEYS = int(os.environ.get("KEYS", "20000"))
VALUE_BYTES = int(os.environ.get("VALUE_BYTES", "200"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binary() -> str:
    if os.environ.get("BROOK_BIN"):
        return os.environ["BROOK_BIN"]
    release = os.path.join(ROOT, ".build/release/brook")
    return release if os.path.exists(release) else os.path.join(ROOT, ".build/debug/brook")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Probe(threading.Thread):
    """acks=all, one in-flight message every 5 ms; records (send time, latency)."""

    def __init__(self, bootstrap: str, topic: str):
        super().__init__(daemon=True)
        self.producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 0})
        self.topic = topic
        self.samples: list[tuple[float, float]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            sent = time.monotonic()
            done = threading.Event()
            self.producer.produce(self.topic, b"p", on_delivery=lambda err, msg: done.set())
            while not done.is_set():
                self.producer.poll(0.001)
            self.samples.append((sent, (time.monotonic() - sent) * 1000))
            time.sleep(0.005)

    def window(self, start: float, end: float) -> list[float]:
        return sorted(lat for at, lat in self.samples if start <= at <= end)


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def main() -> int:
    data = tempfile.mkdtemp(prefix="brook-cleaner-bench-")
    port = free_port()
    log_path = os.path.join(data, "brook.out")
    out = open(log_path, "w")
    brook = subprocess.Popen([binary(), "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data + "/d",
                              "--set", "log.cleaner.backoff.ms=500"], stdout=out, stderr=subprocess.STDOUT)
    try:
        bootstrap = f"127.0.0.1:{port}"
        time.sleep(1.5)
        admin = AdminClient({"bootstrap.servers": bootstrap})
        for name, config in (("bench-compact", {"cleanup.policy": "compact", "segment.bytes": str(8 << 20),
                                                "min.cleanable.dirty.ratio": "0.01"}),
                             ("bench-probe", {})):
            admin.create_topics([NewTopic(name, 1, 1, config=config)])[name].result(timeout=20)
        probe = Probe(bootstrap, "bench-probe")
        probe.start()
        time.sleep(3)
        baseline_end = time.monotonic()
        producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "batch.size": 1 << 20,
                             "queue.buffering.max.messages": 1_000_000})
        value = os.urandom(VALUE_BYTES // 2).hex().encode()
        for i in range(RECORDS):
            while True:
                try:
                    producer.produce("bench-compact", key=b"key-%d" % (i % KEYS), value=value)
                    break
                except BufferError:
                    producer.poll(0.01)
        producer.flush(120)
        loaded = time.monotonic()
        time.sleep(15)
        probe.stopping.set()
        probe.join()
    finally:
        brook.terminate()
        brook.wait(timeout=30)
        out.close()
    text = open(log_path).read()
    passes = [(int(m.group(1)), float(m.group(2))) for m in
              re.finditer(r"brook\.bytesRead=(\d+).*?brook\.seconds=([0-9.e-]+)", text)]
    read = sum(b for b, _ in passes)
    seconds = sum(s for _, s in passes)
    base = probe.window(0, baseline_end)
    loading = probe.window(baseline_end, loaded)
    during = probe.window(loaded, loaded + 15)
    print(f"binary: {binary()}")
    print(f"load: {RECORDS} records x {VALUE_BYTES} B over {KEYS} keys")
    print(f"cleaner passes: {len(passes)}, read {read / 1e6:.1f} MB in {seconds:.2f} s "
          f"= {read / 1e6 / seconds if seconds else float('nan'):.1f} MB/s")
    print(f"probe acks=all p50/p99 ms: idle {percentile(base, 0.5):.2f}/{percentile(base, 0.99):.2f} "
          f"(n={len(base)}); bulk load {percentile(loading, 0.5):.2f}/{percentile(loading, 0.99):.2f} "
          f"(n={len(loading)}); after the load, cleaner running {percentile(during, 0.5):.2f}/"
          f"{percentile(during, 0.99):.2f} (n={len(during)})")
    shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
