#!/usr/bin/env python3
"""Benchmarks the built-in Schema Registry (issue 13): registering N schemas, GET /schemas/ids/{id}
throughput and latency under concurrent load (wrk, from Debian's `wrk` package), the broker's
memory per N schemas, and start-up time with N schemas in `_schemas`. Prints a markdown table.

    BROOK_BIN=.build/release/brook benchmarks/schema_registry.py [N=10000]
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Broker:
    def __init__(self, binary: str, data_dir: str):
        self.binary, self.data_dir = binary, data_dir
        self.kafka, self.registry = free_port(), free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        """Starts brook; returns seconds until the registry answers /subjects."""
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", f"127.0.0.1:{self.kafka}", "--data-dir", self.data_dir,
             "--registry-listen", f"127.0.0.1:{self.registry}", "--log-level", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = started + 120
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.registry, timeout=5)
                connection.request("GET", "/subjects")
                if connection.getresponse().status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.01)   # polling a port that has no readiness event, bounded by the deadline
        raise RuntimeError("the registry did not come up")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(60)


def register_all(port: int, count: int) -> list[int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    ids = []
    for n in range(count):
        schema = json.dumps({"type": "record", "name": f"R{n}", "namespace": "bench",
                             "fields": [{"name": "id", "type": "long"}, {"name": f"f{n}", "type": "string"}]})
        connection.request("POST", f"/subjects/bench-{n}-value/versions", body=json.dumps({"schema": schema}),
                           headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
        response = connection.getresponse()
        body = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"registration {n} failed: {response.status} {body}")
        ids.append(body["id"])
    return ids


def wrk_get(port: int, path: str, seconds: int = 10) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of GET path with 2 threads and 16 connections."""
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout

    def millis(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rate, millis("50%"), millis("99%")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    binary = os.environ.get("BROOK_BIN") or str(ROOT / ".build/release/brook")
    if not shutil.which("wrk"):
        sys.exit("wrk not found (apt-get install wrk)")
    work = tempfile.mkdtemp(prefix="brook-registry-bench.")
    broker = Broker(binary, os.path.join(work, "data"))
    rows = []
    try:
        broker.start()
        before = rss_mib(broker.proc.pid)
        started = time.monotonic()
        ids = register_all(broker.registry, count)
        elapsed = time.monotonic() - started
        after = rss_mib(broker.proc.pid)
        rows.append((f"register {count} schemas (one subject each, sequential, one connection)",
                     f"{count / elapsed:,.0f} /s", f"{elapsed:.1f} s total"))
        rows.append((f"broker RSS growth for {count} schemas", f"{after - before:,.1f} MiB", f"{before:,.0f} → {after:,.0f} MiB"))
        rate, p50, p99 = wrk_get(broker.registry, f"/schemas/ids/{ids[len(ids) // 2]}")
        rows.append(("GET /schemas/ids/{id}, wrk 2 threads × 16 connections, 10 s", f"{rate:,.0f} req/s",
                     f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"))
        broker.stop()
        restart = broker.start()
        connection = http.client.HTTPConnection("127.0.0.1", broker.registry, timeout=60)
        connection.request("GET", f"/schemas/ids/{ids[-1]}")
        assert connection.getresponse().status == 200, "the last schema is missing after the restart"
        rows.append((f"start-up with {count} schemas in _schemas (until /subjects answers)", "", f"{restart:.2f} s"))
    finally:
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("| Scenario | Rate | Figure |")
    print("|---|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
