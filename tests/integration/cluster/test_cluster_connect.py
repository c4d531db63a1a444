"""Connect on a cluster (issue 14): every broker runs a worker of one group, connectors and tasks
are dealt over them, any worker's REST API sees the same connectors, and the work of a killed
broker moves to the others."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from cluster_fixture import brook_supports_cluster
from cluster_steps import wait_for

pytestmark = pytest.mark.skipif(not brook_supports_cluster(), reason="brook serve has no --node-id/--metadata")


def rest(url, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read().decode()
            return answer.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, (json.loads(text) if text else None)
    except OSError as error:
        return 0, str(error)


def task_workers(url, names):
    """connector → the worker running its task, when every task is RUNNING."""
    out = {}
    for name in names:
        status, body = rest(url, "GET", f"/connectors/{name}/status")
        if status != 200 or [t["state"] for t in body["tasks"]] != ["RUNNING"]:
            return None
        out[name] = body["tasks"][0]["worker_id"]
    return out


def test_work_spreads_over_the_brokers_and_moves_when_one_dies(brook_cluster, topic, tmp_path):
    worker = tmp_path / "worker.properties"
    # The broker's smallest allowed session (group.min.session.timeout.ms): failover in seconds.
    worker.write_text("session.timeout.ms=6000\nheartbeat.interval.ms=1000\noffset.flush.interval.ms=500\n")
    cluster = brook_cluster(size=3, connect=True, connect_config=str(worker))
    urls = {node: broker.connect_url for node, broker in cluster.brokers.items()}
    names = [f"src{i}" for i in range(6)]
    for i, name in enumerate(names):
        source = tmp_path / f"{name}.txt"
        source.write_text(f"{name}-first\n")
        status, body = rest(urls[1 + i % 3], "POST", "/connectors", {"name": name, "config": {
            "connector.class": "FileStreamSource", "file": str(source), "topic": f"{topic}-{name}"}})
        assert status == 201, body
    placement = wait_for("all six tasks running", lambda: task_workers(urls[2], names), 90)
    assert len(set(placement.values())) == 3, f"six tasks over three workers: {placement}"
    for url in urls.values():
        assert sorted(rest(url, "GET", "/connectors")[1]) == sorted(names)
    victim_url = urls[1].removeprefix("http://")
    moved = [name for name, worker_id in placement.items() if worker_id == victim_url]
    cluster.kill(1)
    survivors = {urls[2].removeprefix("http://"), urls[3].removeprefix("http://")}

    def moved_elsewhere():
        # Every task running, on the two survivors only, both of them used (a survivor that rejoins
        # a generation late gets its share in the next one).
        now = task_workers(urls[2], names)
        return now if now and set(now.values()) == survivors else None
    wait_for("the dead worker's tasks running on the two survivors", moved_elsewhere, 90)
    assert moved, placement
    # Both survivors stop cleanly. Their source tasks may wait out their flush timeout on acks the
    # other, also stopping, broker no longer gives: a longer budget than the fixture's 10 s.
    for node in (2, 3):
        started = time.monotonic()
        assert cluster.brokers[node].stop(timeout=40) == 0
        print(f"node {node} stopped in {time.monotonic() - started:.1f} s")
