"""Start, stop, restart and kill a `brook serve` process for integration tests.

Contract relied on (see the CLI contract in the project docs):
  brook serve --listen HOST:PORT --data-dir DIR [--set key=value]...
  prints one stderr line containing READY_MARKER when it accepts connections,
  exits 0 after SIGTERM/SIGINT.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

READY_MARKER = "accepting connections"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_START_TIMEOUT = float(os.environ.get("BROOK_START_TIMEOUT", "30"))
DEFAULT_STOP_TIMEOUT = float(os.environ.get("BROOK_STOP_TIMEOUT", "10"))


class BrookError(AssertionError):
    """A start/stop failure; carries the captured output in its message."""


def brook_binary() -> Path:
    raw = os.environ.get("BROOK_BIN")
    path = Path(raw) if raw else REPO_ROOT / ".build" / "debug" / "brook"
    return path if path.is_absolute() else (Path.cwd() / path)


def free_port(host: str = "127.0.0.1") -> int:
    """A port the kernel just handed out; there is a small window before brook binds it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    # If the test runner dies hard, take the broker down too (Linux only; best effort).
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class _OutputPump:
    """Drains one pipe on a thread so the child can never block on a full pipe."""

    def __init__(self, stream, sink: list[str], lock: threading.Lock, prefix: str,
                 on_line=None):
        self._stream = stream
        self._sink = sink
        self._lock = lock
        self._prefix = prefix
        self._on_line = on_line
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"pump{prefix}")
        self._thread.start()

    def _run(self) -> None:
        try:
            for raw in iter(self._stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                with self._lock:
                    self._sink.append(self._prefix + line)
                if self._on_line:
                    self._on_line(line)
        except (OSError, ValueError):
            pass
        finally:
            self.done.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


class BrookProcess:
    def __init__(self, binary: Path | str, data_dir: Path | str, *, host: str = "127.0.0.1",
                 port: int | None = None, settings: dict[str, object] | None = None,
                 extra_args: list[str] | None = None, env: dict[str, str] | None = None,
                 start_timeout: float = DEFAULT_START_TIMEOUT, name: str = "brook",
                 command_prefix: list[str] | None = None, registry: bool = False, connect: bool = False):
        self.binary = Path(binary)
        self.data_dir = Path(data_dir)
        self.host = host
        self.fixed_port = port
        self.port: int | None = None
        self.settings = dict(settings or {})
        self.extra_args = list(extra_args or [])
        # The Schema Registry is on by default on 8081; tests turn it on, on a free port, when they use it.
        self.registry = registry
        self.registry_port: int | None = None
        # Likewise the Connect REST API (8083 by default).
        self.connect = connect
        self.connect_port: int | None = None
        self.env = env
        self.start_timeout = start_timeout
        self.name = name
        # Runs brook under a wrapper that execs it in place, e.g. `ip netns exec NS` (so the pid,
        # PR_SET_PDEATHSIG and signals still reach brook itself).
        self.command_prefix = list(command_prefix or [])
        self.proc: subprocess.Popen | None = None
        self.startup_seconds: float | None = None
        self.generation = 0
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._pumps: list[_OutputPump] = []
        self._exit_expected = False

    # -- introspection ----------------------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        if self.port is None:
            raise RuntimeError("brook was never started")
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def exited_unexpectedly(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None and not self._exit_expected

    def output(self) -> str:
        with self._lock:
            return "\n".join(self._lines)

    def output_tail(self, lines: int = 200) -> str:
        with self._lock:
            return "\n".join(self._lines[-lines:])

    @property
    def registry_url(self) -> str:
        if self.registry_port is None:
            raise RuntimeError(f"{self.name} runs no Schema Registry (start it with registry=True)")
        return f"http://{self.host}:{self.registry_port}"

    @property
    def connect_url(self) -> str:
        if self.connect_port is None:
            raise RuntimeError(f"{self.name} runs no Connect REST API (start it with connect=True)")
        return f"http://{self.host}:{self.connect_port}"

    def command(self) -> list[str]:
        args = [*self.command_prefix, str(self.binary), "serve", "--listen", f"{self.host}:{self.port}",
                "--data-dir", str(self.data_dir),
                "--registry-listen", f"{self.host}:{self.registry_port}" if self.registry else "none",
                "--connect-listen", f"{self.host}:{self.connect_port}" if self.connect else "none"]
        for key, value in self.settings.items():
            args += ["--set", f"{key}={value}"]
        return args + self.extra_args

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> "BrookProcess":
        if self.is_running():
            raise RuntimeError(f"{self.name} is already running (pid {self.pid})")
        if not self.binary.exists():
            raise BrookError(f"brook binary not found at {self.binary} (set BROOK_BIN or run swift build)")
        self.generation += 1
        self.port = self.fixed_port or free_port(self.host)
        if self.registry and self.registry_port is None:
            self.registry_port = free_port(self.host)   # kept across restarts, like the Kafka port
        if self.connect and self.connect_port is None:
            self.connect_port = free_port(self.host)
        self._ready = threading.Event()
        self._exit_expected = False
        with self._lock:
            self._lines.append(f"----- {self.name} start #{self.generation}: {' '.join(self.command())}")
        ready = self._ready

        def on_stderr(line: str) -> None:
            if READY_MARKER in line:
                ready.set()

        started = time.monotonic()
        self.proc = subprocess.Popen(
            self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=self.env, cwd=str(self.data_dir.parent),
            preexec_fn=_die_with_parent)
        self._pumps = [
            _OutputPump(self.proc.stderr, self._lines, self._lock, "", on_stderr),
            _OutputPump(self.proc.stdout, self._lines, self._lock, "[stdout] "),
        ]
        deadline = started + self.start_timeout
        while not ready.wait(0.02):
            if self.proc.poll() is not None:
                self._join_pumps(2.0)
                self._exit_expected = True
                raise BrookError(
                    f"{self.name} exited with code {self.proc.returncode} before it was ready\n"
                    f"{self.output_tail()}")
            if time.monotonic() > deadline:
                self._exit_expected = True
                self.proc.kill()
                self.proc.wait(DEFAULT_STOP_TIMEOUT)
                self._join_pumps(2.0)
                raise BrookError(
                    f"{self.name} printed no '{READY_MARKER}' line within {self.start_timeout}s\n"
                    f"{self.output_tail()}")
        if self.registry:
            self._await_port(self.registry_port, "Schema Registry", deadline)
        if self.connect:
            self._await_port(self.connect_port, "Connect REST API", deadline)
        self.startup_seconds = time.monotonic() - started
        return self

    def _await_port(self, port: int, service: str, deadline: float) -> None:
        """The HTTP services come up beside the Kafka listener, a moment after the ready line."""
        while True:
            try:
                socket.create_connection((self.host, port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise BrookError(f"{self.name}'s {service} is not listening on {port}\n"
                                     f"{self.output_tail()}")
                time.sleep(0.02)   # the port has no readiness event to wait on; bounded by the deadline

    def _join_pumps(self, timeout: float) -> None:
        for pump in self._pumps:
            pump.join(timeout)

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT, check: bool = True,
             sig: int = signal.SIGTERM) -> int | None:
        """Graceful stop. With check=True, anything but a prompt exit 0 raises BrookError."""
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            self._join_pumps(2.0)
            if check and not self._exit_expected:
                self._exit_expected = True
                raise BrookError(f"{self.name} had already exited with code {self.proc.returncode}\n"
                                 f"{self.output_tail()}")
            return self.proc.returncode
        self._exit_expected = True
        self.proc.send_signal(sig)
        forced = False
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            forced = True
            self.proc.kill()
            self.proc.wait(DEFAULT_STOP_TIMEOUT)
        self._join_pumps(5.0)
        rc = self.proc.returncode
        if check and (forced or rc != 0):
            what = f"did not exit within {timeout}s of {signal.Signals(sig).name}; killed" if forced \
                else f"exited with code {rc} after {signal.Signals(sig).name}"
            raise BrookError(f"{self.name} {what}\n{self.output_tail()}")
        return rc

    def kill(self) -> int:
        """kill -9: no chance to flush or clean up."""
        assert self.proc is not None, "never started"
        self._exit_expected = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(DEFAULT_STOP_TIMEOUT)
        self._join_pumps(5.0)
        return self.proc.returncode

    def restart(self, keep_port: bool = False) -> "BrookProcess":
        """Graceful stop (if running) and start again on the same data directory.

        A fresh port is used unless keep_port: clients must bootstrap again either way, and a new
        port avoids depending on SO_REUSEADDR details."""
        if self.is_running():
            self.stop(check=True)
        if keep_port and self.port is not None:
            self.fixed_port = self.port
        elif not keep_port:
            self.fixed_port = None
        return self.start()

    def rss_kib(self) -> int | None:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None
