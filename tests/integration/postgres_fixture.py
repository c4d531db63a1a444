"""A real PostgreSQL server for a test (Debian's `postgresql`, which scripts/install-deps.sh
installs): initdb into a temporary directory, `postgres` on a free loopback port, stopped by pid.
Run as the `postgres` user when the tests run as root (postgres refuses root)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from brook_harness import free_port

USER = "brook"


def bin_directory() -> Path | None:
    root = Path("/usr/lib/postgresql")
    found = []
    for child in root.iterdir() if root.exists() else []:
        try:
            version = float(child.name)
        except ValueError:
            continue
        if (child / "bin" / "initdb").exists() and (child / "bin" / "postgres").exists():
            found.append((version, child / "bin"))
    return max(found)[1] if found else None


class PostgresServer:
    def __init__(self) -> None:
        binaries = bin_directory()
        if binaries is None:
            raise RuntimeError("PostgreSQL binaries not found under /usr/lib/postgresql: run scripts/install-deps.sh")
        self.bin = binaries
        self.port = free_port("127.0.0.1")
        self.directory = Path(tempfile.mkdtemp(prefix="brook-pg-"))
        self.proc: subprocess.Popen | None = None
        if os.getuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run([str(self.bin / "initdb"), "-D", str(self.directory / "data"), "-U", USER, "--auth=trust",
                   "-E", "UTF8", "--no-sync", "--locale=C"])
        self.proc = subprocess.Popen(
            self._as_postgres([str(self.bin / "postgres"), "-D", str(self.directory / "data"), "-p", str(self.port),
                               "-k", str(self.directory), "-h", "127.0.0.1", "-c", "fsync=off"]),
            stdout=subprocess.DEVNULL, stderr=(self.directory / "postgres.log").open("wb"), env=self._env())
        deadline = time.monotonic() + 30
        while subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-t", "1"],
                             capture_output=True).returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"postgres did not start on port {self.port}")
            time.sleep(0.05)   # pg_isready is the readiness probe; bounded by the deadline

    @property
    def url(self) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/postgres"

    def query(self, sql: str) -> list[list[str]]:
        """Rows of `sql` as text (psql's unaligned output)."""
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres",
                              "-At", "-F", "\t", "-c", sql], capture_output=True, text=True, timeout=30, env=self._env())
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        return [line.split("\t") for line in out.stdout.splitlines()]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _as_postgres(self, command: list[str]) -> list[str]:
        if os.getuid() == 0:
            return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", *command]
        return command

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(self._as_postgres(command), capture_output=True, text=True, timeout=120, env=self._env())
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr}")

    @staticmethod
    def _env() -> dict[str, str]:
        return {k: v for k, v in os.environ.items() if not k.startswith("PG")}
