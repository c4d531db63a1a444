"""Process faults for the fault tests, always undone: a paused process is resumed on the way out
of the `with` block even when the test body fails, so fixtures can still stop it by pid."""

from __future__ import annotations

import contextlib
import os
import signal
from typing import Iterator


@contextlib.contextmanager
def paused(pid: int) -> Iterator[None]:
    """SIGSTOP for the duration of the block, then SIGCONT (a GC pause, a hung VM, a stalled disk)."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)
