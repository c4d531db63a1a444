"""The etcd fixture the cluster tests stand on: it starts on free loopback ports, answers put/get
through the JSON gateway, keeps its data across kill -9 + restart, stops answering while paused,
and stops leaving no process and no directory behind."""

from __future__ import annotations

import os
import signal
import urllib.error

import pytest

from etcd_fixture import EtcdProcess


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_starts_answers_and_stops_without_leftovers(tmp_path):
    process = EtcdProcess(base_dir=tmp_path)
    try:
        process.start()
        assert process.client_port != 2379
        assert process.healthy()
        revision = int(process.put("/brook/test/key", "hello")["header"]["revision"])
        assert revision >= 2
        assert process.get("/brook/test/key") == b"hello"
        assert process.get("/brook/test/absent") is None
        pid, directory = process.pid, process.directory
        assert directory.is_dir()
    finally:
        process.stop()
    assert process.proc.returncode == -signal.SIGTERM, process.log_tail()   # etcd re-raises SIGTERM after its clean shutdown (not -9: no forced kill)
    assert gone(pid)
    assert not directory.exists()
    assert list(tmp_path.iterdir()) == []
    process.stop()   # idempotent


def test_data_survives_kill_9_and_restart_on_the_same_ports(etcd):
    etcd.put("/brook/cluster_id", "c-1")
    first_pid, port = etcd.pid, etcd.client_port
    etcd.kill()
    assert gone(first_pid)
    assert not etcd.healthy(timeout=0.5)
    etcd.restart()
    assert etcd.pid != first_pid and etcd.client_port == port
    assert etcd.get("/brook/cluster_id") == b"c-1"


def test_paused_etcd_answers_nothing_until_resumed(etcd):
    etcd.put("/brook/k", "v")
    etcd.pause()
    try:
        with pytest.raises((urllib.error.URLError, TimeoutError, OSError)):
            etcd.get("/brook/k", timeout=0.5)
    finally:
        etcd.resume()
    assert etcd.get("/brook/k", timeout=5) == b"v"


def test_stop_ends_a_paused_etcd(tmp_path):
    process = EtcdProcess(base_dir=tmp_path)
    try:
        process.start()
        process.pause()
    finally:
        process.stop(grace=5)
    assert process.proc.returncode == -signal.SIGTERM, process.log_tail()
    assert not process.directory.exists()


def test_prefix_read_returns_only_keys_under_the_prefix(etcd):
    etcd.put("/brook/brokers/1", '{"id":1}')
    etcd.put("/brook/brokers/2", '{"id":2}')
    etcd.put("/brook/brokersX", "outside")
    etcd.put("/other", "outside")
    assert etcd.get_prefix("/brook/brokers/") == {b"/brook/brokers/1": b'{"id":1}',
                                                 b"/brook/brokers/2": b'{"id":2}'}
