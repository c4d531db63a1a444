#!/usr/bin/env python3
"""Benchmarks the Connect runtime inside `brook serve` (issue 14): a file of N lines (default
1,000,000, ~60 bytes each) goes FileStreamSource → topic → FileStreamSink, both created through the
REST API, with the worker's default JsonConverter. Prints the records/s from the source's start to
the last line in the sink's file, and the broker's peak RSS.

    BROOK_BIN=.build/release/brook benchmarks/connect_filestream.py [N]
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 201, answer.read()


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    binary = os.environ.get("BROOK_BIN", "brook")
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    work = Path(tempfile.mkdtemp(prefix="brook-connect-bench-"))
    port, rest = free_port(), free_port()
    source, sink = work / "in.txt", work / "out.txt"
    with source.open("w") as f:
        for i in range(rows):
            f.write(f"{i:08d} a line of text that a log shipper might read, about sixty\n")
    broker = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(work / "data"),
                               "--registry-listen", "none", "--connect-listen", f"127.0.0.1:{rest}", "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{rest}/", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("brook did not start")
                time.sleep(0.2)
        base = f"http://127.0.0.1:{rest}/connectors"
        post(base, {"name": "sink", "config": {"connector.class": "FileStreamSink", "file": str(sink), "topics": "lines"}})
        started = time.monotonic()
        post(base, {"name": "source", "config": {"connector.class": "FileStreamSource", "file": str(source), "topic": "lines"}})
        while count_lines(sink) < rows:
            if time.monotonic() - started > 1800:
                sys.exit(f"only {count_lines(sink)} of {rows} lines arrived")
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        print(f"{rows:,} lines FileStreamSource → topic → FileStreamSink: {elapsed:.1f} s, "
              f"{rows / elapsed:,.0f} records/s, broker peak RSS {peak_rss_mib(broker.pid):.0f} MiB")
    finally:
        broker.send_signal(signal.SIGTERM)
        try:
            broker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            broker.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
