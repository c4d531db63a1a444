"""The issue's user flow on etcd + 3 brokers, with the Brook CLI, kafka-python and kcat: create a
replicated topic, write and read through different brokers, kill -9 a partition's leader (clients
carry on, nothing acknowledged is lost, `brook topic describe` shows the leader moved and the ISR
shrunk), restart it (the ISR grows back)."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from brook_harness import brook_binary, free_port
from clients import consume_kafka_python, produce_kafka_python
from cluster_fixture import brook_supports_cluster
from cluster_steps import CLI_TIMEOUT, brook, describe, wait_for

pytestmark = pytest.mark.skipif(not brook_supports_cluster(), reason="brook serve has no --node-id/--metadata")

@pytest.mark.timeout(240)
def test_replicated_topic_survives_kill_9_of_its_leader(brook_cluster, topic, kcat):
    cluster = brook_cluster(size=3)
    one, two, three = (cluster.brokers[i].bootstrap for i in (1, 2, 3))
    out = brook(one, "topic", "create", topic, "-p", "6", "-r", "3", "-c", "min.insync.replicas=2")
    assert topic in out

    partitions = wait_for("every partition led", lambda: (d := describe(two, topic)) and all(
        p["leader"] in (1, 2, 3) for p in d.values()) and d)
    assert len(partitions) == 6
    for p in partitions.values():
        assert sorted(p["replicas"]) == [1, 2, 3]
        assert sorted(p["isr"]) == [1, 2, 3]
    info = json.loads(brook(three, "cluster", "info", "--json"))
    assert sorted(b["id"] for b in info["brokers"]) == [1, 2, 3]
    assert info["controller_id"] in (1, 2, 3)

    # kafka-python writes through one broker, kcat reads through another.
    first = [{"value": f"before-{i}".encode(), "partition": 0} for i in range(50)]
    assert [offset for _, offset in produce_kafka_python(one, topic, first)] == list(range(50))
    read = subprocess.run([kcat, "-C", "-b", three, "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q",
                           "-f", "%s\\n"], capture_output=True, text=True, timeout=CLI_TIMEOUT, check=True)
    assert read.stdout.split() == [f"before-{i}" for i in range(50)]

    leader = partitions[0]["leader"]
    survivor = next(cluster.brokers[i].bootstrap for i in (1, 2, 3) if i != leader)
    cluster.kill(leader)
    moved = wait_for("a new leader for partition 0", lambda: (p := describe(survivor, topic)[0])["leader"]
                     not in (leader, -1) and p)
    assert leader not in moved["isr"], moved

    # Clients carry on against the survivors; nothing acknowledged is lost.
    survivors = ",".join(cluster.brokers[i].bootstrap for i in (1, 2, 3) if i != leader)
    second = [{"value": f"after-{i}".encode(), "partition": 0} for i in range(50)]
    assert [offset for _, offset in produce_kafka_python(survivors, topic, second)] == list(range(50, 100))

    cluster.restart(leader)
    full = wait_for("the restarted broker back in the ISR", lambda: (p := describe(survivor, topic)[0])
                    and sorted(p["isr"]) == [1, 2, 3] and p, timeout=60)
    assert full["end_offset"] == 100
    records = consume_kafka_python(cluster.brokers[leader].bootstrap, topic, 0, 100)
    assert [r.value for r in records] == [m["value"] for m in first + second]
    assert [r.offset for r in records] == list(range(100))


@pytest.mark.timeout(120)
def test_a_broker_started_before_etcd_waits_for_it(etcd, tmp_path):
    """Brokers and etcd may come up in any order: a broker whose etcd is not up yet keeps trying
    (for up to 30 s) instead of exiting, and joins once etcd is there. (Started by hand rather than
    through the harness, whose start() blocks until the broker is ready.)"""
    etcd.kill()
    log = tmp_path / "broker.log"
    port = free_port("127.0.0.1")
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(brook_binary()), "serve", "--node-id", "1", "--listen", f"127.0.0.1:{port}",
                                 "--data-dir", str(tmp_path / "data"), "--metadata", f"etcd://{etcd.endpoint}",
                                 "--registry-listen", "none"],
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for("the broker waiting for etcd", lambda: b"waiting for etcd" in log.read_bytes())
        assert proc.poll() is None, log.read_text()
        etcd.restart()
        wait_for("the broker registered", lambda: b"registered" in log.read_bytes())
        info = json.loads(brook(f"127.0.0.1:{port}", "cluster", "info", "--json"))
        assert [b["id"] for b in info["brokers"]] == [1]
    finally:
        proc.terminate()
        assert proc.wait(30) == 0, log.read_text()
