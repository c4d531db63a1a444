#!/usr/bin/env python3
"""Benchmarks the desired-state source (issue 14): one CSV file of N rows (default 1,000,000) is
declared into a compacted topic with `brook connect run --once`; then 1% of the rows change (a third
edited, a third deleted, a third replaced by new keys) and a second pass runs. Prints each pass's
wall time, the runner's peak RSS (GNU time) and what it emitted, which must equal the changes.

    BROOK_BIN=.build/release/brook benchmarks/desired_state.py [N]
"""

from __future__ import annotations

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_csv(path: Path, rows: int, changed: set[int], deleted: set[int], added: int) -> None:
    with path.open("w") as f:
        f.write("id,name,qty,note\n")
        for i in range(rows):
            if i in deleted:
                continue
            qty = i % 97 + (1000 if i in changed else 0)
            f.write(f"{i},item-{i},{qty},some text for row {i}\n")
        for j in range(added):
            k = rows + j
            f.write(f"{k},item-{k},1,a new row\n")


def timed_pass(binary: str, bootstrap: str, config: Path) -> tuple[float, float, str]:
    started = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-v", binary, "connect", "run", str(config), "--once", "-b", bootstrap],
                            capture_output=True, text=True, timeout=3600)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"pass failed: {result.stderr}")
    rss = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
    return elapsed, rss, result.stdout.strip()


def main() -> None:
    binary = os.environ.get("BROOK_BIN", "brook")
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    work = Path(tempfile.mkdtemp(prefix="brook-desired-state-"))
    port = free_port()
    broker = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(work / "data"),
                               "--registry-listen", "none", "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        bootstrap = f"127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while subprocess.run([binary, "cluster", "info", "-b", bootstrap], capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                sys.exit("broker did not start")
            time.sleep(0.2)
        (work / "in").mkdir()
        config = work / "bench.properties"
        config.write_text("name=bench\nconnector.class=DesiredStateSource\ninput=csv\npath=in/*.csv\n"
                          "key.columns=id\ntopic=bench\n")
        csv = work / "in" / "rows.csv"
        write_csv(csv, rows, set(), set(), 0)
        first = timed_pass(binary, bootstrap, config)
        step = 100  # 1%: every 100th row changes, cycling edit / delete / new key
        picked = list(range(0, rows, step))
        changed, deleted = set(picked[0::3]), set(picked[1::3])
        added = len(picked[2::3])
        for i in picked[2::3]:
            deleted.add(i)
        write_csv(csv, rows, changed, deleted, added)
        second = timed_pass(binary, bootstrap, config)
        expected_upserts = len(changed) + added
        print(f"| Pass | Wall time | Peak RSS (runner) | Emitted |\n|---|---:|---:|---|")
        print(f"| first, {rows:,} rows | {first[0]:.1f} s | {first[1]:.0f} MiB | {first[2]} |")
        print(f"| second, 1% changed | {second[0]:.1f} s | {second[1]:.0f} MiB | {second[2]} |")
        print(f"expected: {expected_upserts} upsert(s), {len(deleted)} delete(s)")
    finally:
        broker.send_signal(signal.SIGTERM)
        try:
            broker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            broker.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
