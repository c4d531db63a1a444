"""Real network partitions (issue 12, item 5): each broker in its own network namespace on a bridge,
cut off by setting its veth down, so it loses etcd, its peers and every client at once (see netns.py).
Under the acks=all idempotent workload of test_cluster_faults.py: a partitioned leader is replaced
and rejoins as a follower; a partitioned follower leaves the ISR and comes back; a partitioned
controller is replaced and metadata changes carry on. After each, the checker finds nothing lost or
duplicated, no read offset changed, and the ISR is full again. Two quick tests check the namespace
fixture itself: a cut isolates exactly one node, and leftovers of a dead run are cleaned up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from confluent_kafka.admin import AdminClient

from cluster_fixture import BrookCluster, brook_supports_cluster, partition_metadata
from cluster_steps import brook, wait_for
from netns import (BRIDGE_PREFIX, BROKER_PORT, NETNS_PREFIX, base36, ip, netns_cluster,  # noqa: F401  (fixtures)
                   netns_etcd, netns_network, remove_leftovers, unavailable_reason)
from test_cluster_faults import under_load
from workload import Workload

pytestmark = pytest.mark.skipif(not brook_supports_cluster(), reason="brook serve has no --node-id/--metadata")

PARTITIONS = 3
ACKS_PER_STEP = 200
STEP_TIMEOUT = 30


def controller_of(cluster: BrookCluster) -> int | None:
    """The controller's node id as etcd holds it (the key lives under the controller's lease)."""
    raw = cluster.etcd.get("/brook/controller")
    return json.loads(raw)["brokerId"] if raw else None


def registered(cluster: BrookCluster, node: int) -> bool:
    """Whether node's registration (under its session lease) is in etcd."""
    return cluster.etcd.get(f"/brook/brokers/{node}") is not None


def isr_in_etcd(cluster: BrookCluster, topic: str, partition: int) -> list[int]:
    return json.loads(cluster.etcd.get(f"/brook/partitions/{topic}/{partition}"))["isr"]


def bootstrap_of(cluster: BrookCluster, nodes) -> str:
    return ",".join(cluster.brokers[node].bootstrap for node in sorted(nodes))


def acks_on(load: Workload, partition: int) -> int:
    return sum(1 for op in load.history.ops if op.kind == "ack" and op.partition == partition)


def view_of(cluster: BrookCluster, node: int, topic: str) -> dict[int, dict]:
    """{partition: {"leader", "replicas", "isr"}} as broker `node` itself answers Metadata (an answer
    from another broker, which a client may pick, raises LookupError so that callers retry)."""
    address = cluster.brokers[node].bootstrap
    metadata = AdminClient({"bootstrap.servers": address}).list_topics(topic, timeout=5)
    # librdkafka names a connection "<host:port>/<node id or 'bootstrap'>"; the id is -1 for a
    # bootstrap connection, so the address is what identifies the broker that answered.
    if not metadata.orig_broker_name.startswith(f"{address}/"):
        raise LookupError(f"asked {address}, {metadata.orig_broker_name} answered")
    meta = metadata.topics.get(topic)
    if meta is None or meta.error is not None:
        raise LookupError(f"{topic}: {meta.error if meta else 'absent'}")
    return {p: {"leader": m.leader, "replicas": sorted(m.replicas), "isr": sorted(m.isrs)}
            for p, m in meta.partitions.items()}


def wait_for_full_isr_everywhere(cluster: BrookCluster, topic: str, partitions: int) -> dict[int, dict]:
    """The ISR of every partition full in etcd and in each broker's own Metadata (a broker that was
    partitioned must have caught up with the cluster's view too); returns broker 1's view."""
    everyone = set(cluster.brokers)
    wait_for(f"{topic}: full ISR in etcd",
             lambda: all(set(isr_in_etcd(cluster, topic, p)) == everyone for p in range(partitions)),
             timeout=STEP_TIMEOUT)
    views = {}
    for node in cluster.brokers:
        views[node] = cluster.wait_for(
            lambda: (view := view_of(cluster, node, topic))
            and all(set(view[p]["isr"]) == everyone for p in range(partitions)) and view,
            f"{topic}: full ISR in broker {node}'s metadata", timeout=STEP_TIMEOUT)
    return views[1]


@pytest.mark.timeout(120)
def test_partitioned_leader_is_replaced_and_rejoins_as_follower(netns_cluster, topic, tmp_path):
    # No preferred-leader rebalance, so "rejoins as a follower" does not race the controller's check.
    cluster = netns_cluster(size=3, settings={"auto.leader.rebalance.enable": "false"})
    network = cluster.network
    with under_load(cluster, topic, tmp_path) as load:
        leader = cluster.leader_of(topic, 0)
        survivors = bootstrap_of(cluster, set(cluster.brokers) - {leader})
        network.cut(leader)
        assert not network.reachable(leader), "the partitioned broker still answers TCP"
        # Longer than the session timeout: its registration lease ran out in etcd.
        wait_for(f"broker {leader}'s registration expired", lambda: not registered(cluster, leader),
                 timeout=STEP_TIMEOUT)
        new_leader = cluster.wait_for(
            lambda: (p := partition_metadata(survivors, topic)[0]["leader"]) not in (leader, -1) and p,
            f"a leader for {topic}-0 other than {leader}", timeout=STEP_TIMEOUT)
        # The load carries on, on the failed-over partition too.
        before = acks_on(load, 0)
        wait_for(f"acks on {topic}-0 from its new leader",
                 lambda: acks_on(load, 0) >= before + ACKS_PER_STEP // PARTITIONS, timeout=STEP_TIMEOUT)
        load.wait_for_more_acks(ACKS_PER_STEP, timeout=STEP_TIMEOUT)
        network.heal(leader)
        wait_for(f"broker {leader} registered again", lambda: registered(cluster, leader), timeout=STEP_TIMEOUT)
        view = wait_for_full_isr_everywhere(cluster, topic, PARTITIONS)
        assert view[0]["leader"] == new_leader, view   # the old leader came back as a follower
        assert cluster.wait_for(lambda: view_of(cluster, leader, topic), f"broker {leader}'s view")[0]["leader"] == new_leader
        load.wait_for_more_acks(ACKS_PER_STEP, timeout=STEP_TIMEOUT)
        load.wait_for_more_live_reads(ACKS_PER_STEP, timeout=STEP_TIMEOUT)


@pytest.mark.timeout(120)
def test_partitioned_follower_leaves_the_isr_and_rejoins(netns_cluster, topic, tmp_path):
    """min.insync.replicas=2 of 3 keeps acks=all going while one follower is unreachable."""
    cluster = netns_cluster(size=3, settings={"replica.lag.time.max.ms": 2000})
    network = cluster.network
    with under_load(cluster, topic, tmp_path, partitions=1) as load:
        leader = cluster.leader_of(topic, 0)
        # A follower that is not also the controller, so only the ISR changes.
        controller = wait_for("a controller", lambda: controller_of(cluster))
        follower = next(node for node in sorted(cluster.brokers) if node not in (leader, controller))
        network.cut(follower)
        assert not network.reachable(follower), "the partitioned broker still answers TCP"
        wait_for(f"broker {follower} out of the ISR", lambda: follower not in isr_in_etcd(cluster, topic, 0),
                 timeout=STEP_TIMEOUT)
        load.wait_for_more_acks(ACKS_PER_STEP, timeout=STEP_TIMEOUT)
        assert cluster.leader_of(topic, 0) == leader
        network.heal(follower)
        wait_for_full_isr_everywhere(cluster, topic, 1)
        load.wait_for_more_acks(ACKS_PER_STEP, timeout=STEP_TIMEOUT)


@pytest.mark.timeout(120)
def test_partitioned_controller_is_replaced_and_metadata_changes_go_on(netns_cluster, topic, tmp_path):
    cluster = netns_cluster(size=3)
    network = cluster.network
    created = f"{topic}-created"
    with under_load(cluster, topic, tmp_path) as load:
        controller = wait_for("a controller", lambda: controller_of(cluster))
        others = set(cluster.brokers) - {controller}
        survivors = bootstrap_of(cluster, others)
        network.cut(controller)
        assert not network.reachable(controller), "the partitioned broker still answers TCP"
        new_controller = wait_for("another controller", lambda: (c := controller_of(cluster)) not in (None, controller) and c,
                                  timeout=STEP_TIMEOUT)
        assert new_controller in others
        wait_for("the survivors naming the new controller",
                 lambda: json.loads(brook(survivors, "cluster", "info", "--json"))["controller_id"] == new_controller,
                 timeout=STEP_TIMEOUT)
        # A metadata change while the old controller is away: only the two survivors are registered.
        brook(survivors, "topic", "create", created, "-p", "2", "-r", "2")
        placed = cluster.wait_for(
            lambda: (view := view_of(cluster, new_controller, created)) and len(view) == 2
            and all(p["leader"] in others and set(p["replicas"]) == others == set(p["isr"]) for p in view.values())
            and view,
            f"{created} led by the survivors", timeout=STEP_TIMEOUT)
        load.wait_for_more_acks(ACKS_PER_STEP, timeout=STEP_TIMEOUT)
        network.heal(controller)
        cluster.wait_for_brokers(set(cluster.brokers), timeout=STEP_TIMEOUT)
        wait_for_full_isr_everywhere(cluster, topic, PARTITIONS)
        # The healed broker learned of the topic created while it was cut off.
        cluster.wait_for(lambda: view_of(cluster, controller, created) == placed,
                         f"broker {controller} seeing {created} as the survivors placed it", timeout=STEP_TIMEOUT)
        assert controller_of(cluster) == new_controller   # no flapping back
        load.wait_for_more_acks(ACKS_PER_STEP, timeout=STEP_TIMEOUT)


# -- the namespace fixture itself -----------------------------------------------------------------

LISTENER = """
import socket, sys
server = socket.create_server((sys.argv[1], int(sys.argv[2])))
print("listening", flush=True)
while True:
    server.accept()[0].close()
"""
CONNECT = """
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
"""


@pytest.mark.timeout(60)
def test_a_cut_isolates_one_namespace_from_the_host_and_its_peers(netns_network):
    network = netns_network
    for node in (1, 2, 3):
        network.add_node(node)
    listeners = [subprocess.Popen([*network.exec_prefix(node), sys.executable, "-c", LISTENER, network.address(node),
                                   str(BROKER_PORT)], stdout=subprocess.PIPE, text=True) for node in (1, 2)]
    try:
        for listener in listeners:
            assert listener.stdout.readline().strip() == "listening"

        def connects(source: int, target: int) -> bool:
            return subprocess.run([*network.exec_prefix(source), sys.executable, "-c", CONNECT,
                                   network.address(target), str(BROKER_PORT)], timeout=30).returncode == 0

        assert network.reachable(1) and network.reachable(2) and connects(3, 1)
        network.cut(1)
        assert not network.reachable(1) and not connects(3, 1)
        assert network.reachable(2) and connects(3, 2)   # only node 1 is cut off
        network.heal(1)
        wait_for("node 1 reachable again", lambda: network.reachable(1), timeout=10)
        assert connects(3, 1)
    finally:
        for listener in listeners:
            listener.kill()
            listener.wait(10)


def test_leftovers_of_a_dead_run_are_removed_and_those_of_a_live_one_kept():
    """Names owned by a pid that no longer exists go; names of a running process (this one) stay."""
    if (reason := unavailable_reason()) is not None:
        pytest.skip(reason)
    child = subprocess.Popen(["true"])
    child.wait()
    dead, alive = base36(child.pid), base36(os.getpid())
    dead_bridge, dead_namespace = f"{BRIDGE_PREFIX}{dead}-1", f"{NETNS_PREFIX}{dead}-1-1"
    live_bridge = f"{BRIDGE_PREFIX}{alive}-9999"
    try:
        ip("link", "add", dead_bridge, "type", "bridge")
        ip("netns", "add", dead_namespace)
        ip("link", "add", live_bridge, "type", "bridge")
        removed = remove_leftovers()
        assert dead_bridge in removed and dead_namespace in removed
        assert live_bridge not in removed
        assert ip("link", "show", live_bridge, check=False).returncode == 0
        assert ip("link", "show", dead_bridge, check=False).returncode != 0
    finally:
        for name in (dead_bridge, live_bridge):
            ip("link", "del", name, check=False)
        ip("netns", "del", dead_namespace, check=False)
