"""Helpers for test_go_clients.py: build the Go driver (tests/integration/go/brookgo) offline,
run its steps as time-bounded processes (the recording proxy is scripts/capture-frames.py).

The driver is built in GOPATH mode against the Debian Go packages under /usr/share/gocode (sarama
1.22, kafka-go 0.2, confluent-kafka-go 0.11 over the system librdkafka), with the module proxy
off, so a build never touches the network. The binary is cached in the temp directory under a
hash of the sources and the Go version, so only the first session after an edit compiles."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from brook_harness import _die_with_parent

GO_SOURCE_DIR = Path(__file__).resolve().parent / "go" / "brookgo"
BUILD_TIMEOUT = float(os.environ.get("BROOK_GO_BUILD_TIMEOUT", "600"))
STEP_TIMEOUT = 60.0


class GoBuildError(AssertionError):
    """The Go driver could not be built; carries the compiler's output."""


def go_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "GO111MODULE": "off",                      # GOPATH mode: the Debian packages are a GOPATH
        "GOPATH": os.environ.get("BROOK_GOPATH", "/usr/share/gocode"),
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOTOOLCHAIN": "local",
        # DataDog/zstd (under sarama) calls a function newer zstd.h marks deprecated.
        "CGO_CFLAGS": "-O2 -g -Wno-deprecated-declarations",
    })
    if not os.access(os.path.expanduser("~"), os.W_OK):
        env["GOCACHE"] = str(Path(tempfile.gettempdir()) / "brook-go-build-cache")
    return env


def build_brookgo() -> Path:
    """Path of a built driver for the current sources; builds it if no cached copy exists."""
    go = shutil.which("go")
    if go is None:
        raise GoBuildError("`go` not found: run scripts/install-deps.sh (Debian golang-go and the Go Kafka clients)")
    env = go_environment()
    version = subprocess.run([go, "version"], capture_output=True, text=True, env=env, timeout=60).stdout
    digest = hashlib.sha256(version.encode())
    # An upgraded Debian package changes its directory's mtime; that is enough to rebuild.
    for gopath in env["GOPATH"].split(os.pathsep):
        for package in sorted(Path(gopath, "src").glob("*/*/*")):
            digest.update(f"{package}:{package.stat().st_mtime_ns}\0".encode())
    for source in sorted(GO_SOURCE_DIR.glob("*.go")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    cache = Path(tempfile.gettempdir()) / f"brookgo-{digest.hexdigest()[:20]}"
    binary = cache / "brookgo"
    if binary.exists():
        return binary
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"brookgo.{os.getpid()}.partial"
    try:
        done = subprocess.run([go, "build", "-o", str(partial), "."], cwd=GO_SOURCE_DIR, env=env,
                              capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise GoBuildError(f"go build took longer than {BUILD_TIMEOUT}s") from exc
    if done.returncode != 0:
        raise GoBuildError(f"go build failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    os.replace(partial, binary)  # atomic: a concurrent session sees no half-written binary
    return binary


def _parse_events(stdout: str) -> list[dict]:
    events = []
    for line in stdout.splitlines():
        line = line.strip()
        if line:
            events.append(json.loads(line))
    return events


class GoStepError(AssertionError):
    """A driver step failed; the message has the client's own error text."""


class GoDriver:
    """Runs one client configuration's steps: `brookgo CLIENT ACTION --bootstrap ... [args]`."""

    def __init__(self, binary: Path, client: str, bootstrap, extra: list[str] | None = None):
        self.binary = binary
        self.client = client
        self._bootstrap = bootstrap  # a callable, so a restarted broker's new address is used
        self.extra = list(extra or [])

    def command(self, action: str, *args) -> list[str]:
        return [str(self.binary), self.client, action, "--bootstrap", self._bootstrap(),
                *self.extra, *[str(a) for a in args]]

    def run(self, action: str, *args, timeout: float = STEP_TIMEOUT, check: bool = True) -> list[dict]:
        """One step to completion; returns its events. The process is killed at the deadline."""
        cmd = self.command(action, *args)
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, preexec_fn=_die_with_parent)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise GoStepError(f"{' '.join(cmd[1:3])} did not finish within {timeout}s\n"
                              f"stdout:\n{out}\nstderr:\n{err}")
        if check and proc.returncode != 0:
            raise GoStepError(f"{' '.join(cmd[1:3])} {' '.join(map(str, args))} failed (exit "
                              f"{proc.returncode}):\n{err.strip()}\nstdout:\n{out}")
        return _parse_events(out)

    def start(self, action: str, *args, name: str) -> "GoProcess":
        return GoProcess(self.command(action, *args), name)


class GoProcess:
    """A long-running step (a group member): its events are collected as they arrive; stop()
    sends SIGTERM and expects a clean exit (commit, leave the group)."""

    def __init__(self, cmd: list[str], name: str):
        self.name = name
        self.events: list[dict] = []
        self.stderr: list[str] = []
        self.changed = threading.Condition()
        env = dict(os.environ, BROOKGO_MEMBER=name)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env,
                                     preexec_fn=_die_with_parent)
        self._threads = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for t in self._threads:
            t.start()

    def _read_stdout(self) -> None:
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                event = json.loads(line)
            except ValueError:
                event = {"event": "garbage", "line": line}
            with self.changed:
                self.events.append(event)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))

    def snapshot(self, kind: str | None = None) -> list[dict]:
        with self.changed:
            return [e for e in self.events if kind is None or e["event"] == kind]

    def records(self) -> list[dict]:
        return self.snapshot("record")

    def assignment(self) -> set[int] | None:
        assigned = self.snapshot("assigned")
        return set(assigned[-1]["partitions"] or []) if assigned else None

    def wait_for(self, condition, timeout: float, what: str) -> None:
        """Waits for the process's own output to make condition() true (wakes on each event)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not condition():
                if self.proc.poll() is not None and not self._threads[0].is_alive():
                    raise AssertionError(f"{self.name} exited ({self.proc.returncode}) while waiting for "
                                         f"{what}\n{self.diagnostics()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{self.diagnostics()}")
                self.changed.wait(min(left, 0.5))

    def diagnostics(self) -> str:
        tail = "\n".join(self.stderr[-40:])
        others = [e for e in self.snapshot() if e["event"] not in ("record",)]
        return f"--- {self.name} events (records omitted): {others[-20:]}\n--- {self.name} stderr:\n{tail}"

    def stop(self, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                for t in self._threads:
                    t.join(5)
                raise AssertionError(f"{self.name} did not exit within {timeout}s of SIGTERM\n{self.diagnostics()}")
        for t in self._threads:
            t.join(5)
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
