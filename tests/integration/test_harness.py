"""Unit tests of the broker harness itself, against a stand-in script instead of brook.

They pin the harness behaviour the real tests depend on: ready-line detection, failing fast with
the captured output, bounded start-up, graceful-stop checking, kill -9 and restart."""

from __future__ import annotations

import signal
import sys
import textwrap
import time

import pytest

from brook_harness import READY_MARKER, BrookError, BrookProcess

FAKE = textwrap.dedent(f"""\
    #!{sys.executable}
    import os, signal, sys, time
    args = sys.argv[1:]
    mode = os.environ.get("FAKE_MODE", "ok")
    assert args[0] == "serve", args
    listen = args[args.index("--listen") + 1]
    data_dir = args[args.index("--data-dir") + 1]
    sys.stdout.write("stdout noise\\n"); sys.stdout.flush()
    if mode == "crash":
        sys.stderr.write("fatal: cannot open data directory " + data_dir + "\\n"); sys.exit(3)
    if mode == "silent":
        time.sleep(60); sys.exit(0)
    stopping = []
    def on_term(signum, frame):
        stopping.append(signum)
    if mode != "ignore-term":
        signal.signal(signal.SIGTERM, on_term)
    else:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open(os.path.join(data_dir, "starts"), "a") as f:
        f.write(listen + " " + " ".join(args) + "\\n")
    sys.stderr.write("info: listening on " + listen + ", {READY_MARKER}\\n"); sys.stderr.flush()
    deadline = time.monotonic() + 60
    while not stopping and time.monotonic() < deadline:
        time.sleep(0.01)
    sys.stderr.write("info: shut down\\n")
    sys.exit(1 if mode == "bad-exit" else 0)
""")


@pytest.fixture
def fake_bin(tmp_path):
    path = tmp_path / "fake-brook"
    path.write_text(FAKE)
    path.chmod(0o755)
    return path


def make(fake_bin, tmp_path, mode="ok", **kwargs):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    env = {"FAKE_MODE": mode, "PATH": "/usr/bin:/bin"}
    return BrookProcess(fake_bin, data, env=env, **kwargs)


def test_start_waits_for_ready_line_and_stop_is_graceful(fake_bin, tmp_path):
    b = make(fake_bin, tmp_path, settings={"num.partitions": 3}).start()
    try:
        assert b.is_running()
        assert b.bootstrap == f"127.0.0.1:{b.port}"
        started = (tmp_path / "data" / "starts").read_text()
        assert f"--listen 127.0.0.1:{b.port}" in started
        assert "--set num.partitions=3" in started
        assert b.startup_seconds is not None and b.startup_seconds < 10
        assert b.rss_kib() and b.rss_kib() > 0
    finally:
        assert b.stop() == 0
    assert "shut down" in b.output()
    assert "[stdout] stdout noise" in b.output()


def test_exit_before_ready_fails_with_output(fake_bin, tmp_path):
    b = make(fake_bin, tmp_path, mode="crash")
    with pytest.raises(BrookError, match=r"(?s)exited with code 3.*cannot open data directory"):
        b.start()
    assert not b.is_running()
    assert b.stop() == 3  # already reported; not raised twice


def test_start_timeout_is_bounded(fake_bin, tmp_path):
    b = make(fake_bin, tmp_path, mode="silent", start_timeout=1.0)
    t0 = time.monotonic()
    with pytest.raises(BrookError, match="printed no 'accepting connections' line"):
        b.start()
    assert time.monotonic() - t0 < 15
    assert not b.is_running()


def test_non_zero_exit_on_sigterm_is_reported(fake_bin, tmp_path):
    b = make(fake_bin, tmp_path, mode="bad-exit").start()
    with pytest.raises(BrookError, match="exited with code 1 after SIGTERM"):
        b.stop()


def test_ignored_sigterm_is_killed_and_reported(fake_bin, tmp_path):
    b = make(fake_bin, tmp_path, mode="ignore-term").start()
    t0 = time.monotonic()
    with pytest.raises(BrookError, match="did not exit within 1.0s"):
        b.stop(timeout=1.0)
    assert time.monotonic() - t0 < 10
    assert b.proc.returncode == -signal.SIGKILL


def test_kill_and_restart_on_same_data_dir(fake_bin, tmp_path):
    b = make(fake_bin, tmp_path).start()
    first_pid = b.pid
    assert b.kill() == -signal.SIGKILL
    assert not b.exited_unexpectedly
    b.restart()
    assert b.pid != first_pid and b.is_running()
    b.restart(keep_port=True)
    port = b.port
    assert b.stop() == 0
    starts = (tmp_path / "data" / "starts").read_text().splitlines()
    assert len(starts) == 3
    assert starts[2].startswith(f"127.0.0.1:{port} ")
    assert b.generation == 3


def test_unexpected_death_is_detected(fake_bin, tmp_path):
    b = make(fake_bin, tmp_path).start()
    b.proc.send_signal(signal.SIGKILL)  # not through the harness: looks like a crash
    b.proc.wait(10)
    assert b.exited_unexpectedly
    with pytest.raises(BrookError, match="had already exited"):
        b.stop()


def test_factory_fixture_starts_and_leaves_teardown_to_stop(brook_factory, fake_bin, monkeypatch):
    monkeypatch.setenv("BROOK_BIN", str(fake_bin))
    monkeypatch.setenv("FAKE_MODE", "ok")
    a = brook_factory(settings={"auto.create.topics.enable": "false"})
    b = brook_factory(data_dir=a.data_dir, start=False)
    assert a.is_running() and not b.is_running()
    assert a.data_dir.is_dir()
    killed = brook_factory()
    killed.kill()
    # teardown: `a` gets SIGTERM and must exit 0; `killed` is left alone; `b` never started
