"""The cluster harness against a real etcd and a stand-in broker script (no brook cluster needed
yet): each broker gets its node id, its own port and data directory and the etcd endpoint; kill,
restart on the same address, pause/resume; brokers stop gracefully before etcd; detection of a
brook binary that lacks the cluster flags; partition metadata (leader, replicas, ISR) read from one
real brook."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from brook_harness import READY_MARKER
from cluster_fixture import brook_supports_cluster, partition_metadata
from workload import create_topic
from faults import process_state

FAKE = textwrap.dedent(f"""\
    #!{sys.executable}
    import os, signal, sys, time
    args = sys.argv[1:]
    if args[:2] == ["serve", "--help"]:
        print(os.environ.get("FAKE_HELP", "--listen --data-dir --node-id --metadata"))
        sys.exit(0)
    data_dir = args[args.index("--data-dir") + 1]
    with open(os.path.join(data_dir, "starts"), "a") as f:
        f.write(" ".join(args) + "\\n")
    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    sys.stderr.write("{READY_MARKER}\\n"); sys.stderr.flush()
    deadline = time.monotonic() + 120
    while not stopping and time.monotonic() < deadline:
        time.sleep(0.01)
    sys.exit(0)
""")


@pytest.fixture
def fake_brook(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "fake-brook"
    path.write_text(FAKE)
    path.chmod(0o755)
    monkeypatch.setenv("BROOK_BIN", str(path))
    return path


def flag(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def starts(broker) -> list[list[str]]:
    return [line.split() for line in (broker.data_dir / "starts").read_text().splitlines()]


def test_brokers_start_with_node_ids_ports_dirs_and_the_etcd_endpoint(fake_brook, etcd, brook_cluster):
    cluster = brook_cluster(size=3, settings={"replica.lag.time.max.ms": 5000},
                            racks=["a", "b", "c"], wait_registered=False)   # a fake brook registers nowhere
    assert cluster.running() == [1, 2, 3]
    ports = {broker.port for broker in cluster.brokers.values()}
    dirs = {broker.data_dir for broker in cluster.brokers.values()}
    assert len(ports) == 3 and len(dirs) == 3
    assert cluster.bootstrap == ",".join(f"127.0.0.1:{b.port}" for b in cluster.brokers.values())
    for node_id, broker in cluster.brokers.items():
        (args,) = starts(broker)
        assert flag(args, "--node-id") == str(node_id)
        assert flag(args, "--metadata") == f"etcd://127.0.0.1:{etcd.client_port}"
        assert flag(args, "--listen") == broker.bootstrap
        sets = [args[i + 1] for i, a in enumerate(args) if a == "--set"]
        assert sets == ["replica.lag.time.max.ms=5000", f"broker.rack={'abc'[node_id - 1]}"]
        assert cluster.node_of(broker.bootstrap) == node_id


def test_kill_restart_and_pause_one_broker(fake_brook, brook_cluster):
    cluster = brook_cluster(wait_registered=False)
    port, pid = cluster.brokers[2].port, cluster.brokers[2].pid
    cluster.kill(2)
    assert cluster.running() == [1, 3]
    cluster.restart(2)
    assert cluster.running() == [1, 2, 3]
    assert cluster.brokers[2].port == port and cluster.brokers[2].pid != pid
    assert [flag(args, "--listen") for args in starts(cluster.brokers[2])] == [f"127.0.0.1:{port}"] * 2
    with cluster.paused(3):
        assert process_state(cluster.brokers[3].pid) == "T"   # stopped
    assert process_state(cluster.brokers[3].pid) not in ("T", None)


def test_cluster_flags_are_detected_in_the_binary(fake_brook, monkeypatch):
    assert brook_supports_cluster(fake_brook)
    monkeypatch.setenv("FAKE_HELP", "--listen --data-dir")
    assert not brook_supports_cluster(fake_brook)
    assert not brook_supports_cluster(fake_brook.parent / "missing")


def test_partition_metadata_of_a_single_real_broker(brook, topic):
    create_topic(brook.bootstrap, topic, 3)
    meta = partition_metadata(brook.bootstrap, topic)
    assert sorted(meta) == [0, 1, 2]
    leaders = {m["leader"] for m in meta.values()}
    assert len(leaders) == 1 and leaders.pop() >= 0
    for m in meta.values():
        assert m["replicas"] == m["isr"] == [m["leader"]]
