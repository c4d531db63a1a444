"""Process faults for the fault tests, always undone: a paused process is resumed on the way out
of the `with` block even when the test body fails, so fixtures can still stop it by pid."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Iterator


def process_state(pid: int) -> str | None:
    """The one-letter state from /proc/<pid>/stat ("T" when stopped), None once the pid is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _await_state(pid: int, stopped: bool, timeout: float) -> None:
    # Signal delivery is asynchronous: the fault is in effect only once the kernel says so.
    deadline = time.monotonic() + timeout
    while True:
        state = process_state(pid)
        if state is None or (state == "T") == stopped:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"pid {pid} still in state {state!r} {timeout}s after the signal")
        time.sleep(0.005)


@contextlib.contextmanager
def paused(pid: int, timeout: float = 5.0) -> Iterator[None]:
    """SIGSTOP for the duration of the block, then SIGCONT (a GC pause, a hung VM, a stalled disk).
    The block starts once the process is stopped and the context exits once it runs again."""
    os.kill(pid, signal.SIGSTOP)
    try:
        _await_state(pid, True, timeout)
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)
        _await_state(pid, False, timeout)
