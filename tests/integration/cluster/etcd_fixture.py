"""A private single-member etcd for the cluster tests, and a pytest fixture around it.

`/usr/bin/etcd` (Debian etcd-server, installed by scripts/install-deps.sh) runs on two free loopback
ports (client and peer, never the default 2379) with a temporary data directory. It is ready once
`/health` answers healthy. `stop()` ends it by pid (SIGTERM, SIGKILL after a bound) and removes the
directory; `kill()`, `restart()`, `pause()` and `resume()` are the faults the cluster tests inject.
The JSON gateway helpers (`put`, `get`) are for tests and diagnostics, not a client library.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from brook_harness import free_port

ETCD_BINARY = os.environ.get("BROOK_ETCD_BIN", "/usr/bin/etcd")
DEFAULT_START_TIMEOUT = 15.0
DEFAULT_STOP_TIMEOUT = 5.0


class EtcdError(AssertionError):
    """etcd failed to start or stop; carries its log tail."""


class EtcdProcess:
    """One etcd member. Ports and the data directory stay the same across kill()/restart()."""

    def __init__(self, binary: str = ETCD_BINARY, start_timeout: float = DEFAULT_START_TIMEOUT,
                 base_dir: Path | str | None = None, name: str = "etcd", host: str = "127.0.0.1"):
        self.binary = binary
        self.host = host   # the client address (peers stay on loopback); netns tests use a bridge's
        self.start_timeout = start_timeout
        self.name = name
        self.client_port = free_port(host)
        self.peer_port = free_port()
        while self.peer_port == self.client_port:
            self.peer_port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="brook-etcd-", dir=base_dir))
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    # -- introspection ----------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """`<host>:<client port>`, the form `brook serve --metadata etcd://...` takes."""
        return f"{self.host}:{self.client_port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    @property
    def pid(self) -> int:
        assert self.proc is not None, "never started"
        return self.proc.pid

    @property
    def log_path(self) -> Path:
        return self.directory / "etcd.log"

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, size: int = 3000) -> str:
        try:
            data = self.log_path.read_bytes()
        except OSError:
            return ""
        return data[-size:].decode("utf-8", "replace")

    # -- lifecycle --------------------------------------------------------------------------------

    def command(self) -> list[str]:
        client = f"http://{self.endpoint}"
        peer = f"http://127.0.0.1:{self.peer_port}"
        return [self.binary, "--name", self.name, "--data-dir", str(self.directory / "data"),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", f"{self.name}={peer}", "--initial-cluster-state", "new",
                "--logger", "zap", "--log-outputs", "stderr"]

    def start(self) -> "EtcdProcess":
        if self.is_running():
            raise RuntimeError(f"{self.name} is already running (pid {self.pid})")
        if not Path(self.binary).exists():
            raise EtcdError(f"{self.binary} not found: run scripts/install-deps.sh (it installs etcd-server)")
        self.starts += 1
        # A developer's ETCD_* variables must not reconfigure the test's etcd.
        env = {k: v for k, v in os.environ.items() if not k.startswith("ETCD")}
        with open(self.log_path, "ab") as log:
            log.write(f"----- start #{self.starts}: {' '.join(self.command())}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=log, env=env, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise EtcdError(f"{self.name} exited with code {self.proc.returncode} while starting\n"
                                f"{self.log_tail()}")
            if self.healthy(timeout=0.5):
                return self
            time.sleep(0.05)   # polling a readiness probe, bounded by the deadline
        self._signal_and_wait(signal.SIGKILL, 0)
        raise EtcdError(f"{self.name} did not answer /health on port {self.client_port} within "
                        f"{self.start_timeout}s\n{self.log_tail()}")

    def healthy(self, timeout: float = 1.0) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=timeout) as response:
                return json.loads(response.read()).get("health") == "true"
        except (OSError, ValueError):
            return False

    def kill(self) -> None:
        """SIGKILL (a crash); the data directory stays for restart()."""
        self._signal_and_wait(signal.SIGKILL, 0)

    def restart(self) -> "EtcdProcess":
        """Starts again on the same ports and data after kill() or a graceful terminate()."""
        if self.is_running():
            self.terminate()
        return self.start()

    def pause(self) -> None:
        """SIGSTOP: etcd keeps its sockets open but answers nothing (a hung member)."""
        if self.is_running():
            os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.is_running():
            os.kill(self.pid, signal.SIGCONT)

    def terminate(self, grace: float = DEFAULT_STOP_TIMEOUT) -> int | None:
        """SIGTERM, SIGKILL after `grace` seconds; keeps the data directory."""
        return self._signal_and_wait(signal.SIGTERM, grace)

    def stop(self, grace: float = DEFAULT_STOP_TIMEOUT) -> int | None:
        """terminate(), then removes the data directory. Safe to call more than once."""
        try:
            return self.terminate(grace)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _signal_and_wait(self, sig: int, grace: float) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)   # a paused etcd would not act on SIGTERM
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(DEFAULT_STOP_TIMEOUT)
        return self.proc.returncode

    # -- JSON gateway (etcd 3.4 serves /v3/...; keys and values are base64) -----------------------

    def call(self, path: str, body: dict, timeout: float = 5.0) -> dict:
        request = urllib.request.Request(f"{self.url}{path}", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def put(self, key: str | bytes, value: str | bytes, timeout: float = 5.0) -> dict:
        return self.call("/v3/kv/put", {"key": _b64(key), "value": _b64(value)}, timeout)

    def get(self, key: str | bytes, timeout: float = 5.0) -> bytes | None:
        answer = self.call("/v3/kv/range", {"key": _b64(key)}, timeout)
        kvs = answer.get("kvs") or []
        return base64.b64decode(kvs[0].get("value", "")) if kvs else None

    def get_prefix(self, prefix: str | bytes, timeout: float = 5.0) -> dict[bytes, bytes]:
        """Every key under `prefix` with its value (for dumping cluster metadata in a failure)."""
        raw = prefix.encode() if isinstance(prefix, str) else prefix
        end = _prefix_end(raw)
        answer = self.call("/v3/kv/range", {"key": _b64(raw), "range_end": _b64(end)}, timeout)
        return {base64.b64decode(kv["key"]): base64.b64decode(kv.get("value", ""))
                for kv in answer.get("kvs") or []}


def _b64(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.b64encode(raw).decode("ascii")


def _prefix_end(prefix: bytes) -> bytes:
    """The smallest key greater than every key starting with `prefix` (etcd's range_end rule)."""
    trimmed = bytearray(prefix)
    while trimmed:
        if trimmed[-1] < 0xFF:
            trimmed[-1] += 1
            return bytes(trimmed)
        trimmed.pop()
    return b"\x00"   # the whole keyspace


def _die_with_parent() -> None:
    # If the test runner dies hard, take etcd down too (Linux only; best effort).
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


@pytest.fixture
def etcd(tmp_path_factory):
    """A started etcd, stopped by pid and its directory removed after the test (also on failure)."""
    process = EtcdProcess(base_dir=tmp_path_factory.getbasetemp())
    try:
        process.start()
        yield process
    finally:
        process.stop()
