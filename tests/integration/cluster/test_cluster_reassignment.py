"""Partition reassignment (KIP-455) on etcd + 4 brokers with kafka-python's admin client: a partition
with data moves from its two replicas to the two other brokers; the new replicas copy every record
(their logs end up byte-identical to the old leader's), the old replicas' folders are deleted, the
partition is readable and writable from its new leader; a reassignment in flight is listed and can
be cancelled."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from clients import consume_kafka_python, produce_kafka_python
from cluster_fixture import brook_supports_cluster, partition_metadata
from cluster_steps import (brook, consume_and_commit, group_coordinator, resume_from_commit,
                           wait_for)

pytestmark = pytest.mark.skipif(not brook_supports_cluster(), reason="brook serve has no --node-id/--metadata")


def quietly(call):
    """call(), or None when the client failed (e.g. it still knows the dead controller)."""
    from kafka.errors import KafkaError
    try:
        return call()
    except KafkaError:
        return None


def log_bytes(data_dir: Path, topic: str, partition: int) -> bytes:
    """Every segment's records of one replica, in offset order."""
    folder = data_dir / f"{topic}-{partition}"
    return b"".join(path.read_bytes() for path in sorted(folder.glob("*.log")))


def admin_client(bootstrap: str):
    from kafka.admin import KafkaAdminClient
    return KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000, client_id="brook-it-reassign")


@pytest.mark.timeout(240)
def test_reassignment_moves_a_partition_with_its_data_to_other_brokers(brook_cluster, topic):
    from kafka import TopicPartition
    from kafka.admin import NewTopic

    cluster = brook_cluster(size=4)
    admin = admin_client(cluster.bootstrap)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=2)])
        before = wait_for("partition 0 led", lambda: (p := cluster.partitions(topic).get(0)) and p["leader"] > 0 and p, timeout=60)
        old = sorted(before["replicas"])
        target = sorted(set(cluster.brokers) - set(old))
        records = [{"value": f"r-{i}".encode() * 20, "partition": 0} for i in range(300)]
        assert [offset for _, offset in produce_kafka_python(cluster.bootstrap, topic, records)] == list(range(300))
        cluster.wait_for_full_isr(topic)
        leader_log = log_bytes(cluster.brokers[before["leader"]].data_dir, topic, 0)
        assert len(leader_log) > 300 * 40

        tp = TopicPartition(topic, 0)
        assert admin.alter_partition_reassignments({tp: target}) == {tp: None}
        wait_for("the reassignment to complete", lambda: admin.list_partition_reassignments() == {}
                 and sorted(cluster.partitions(topic)[0]["replicas"]) == target, timeout=60)
        after = cluster.wait_for_full_isr(topic)[0]
        assert sorted(after["isr"]) == target and after["leader"] in target, after

        # Each new replica holds every record, exactly as the old leader stored them.
        for node in target:
            assert log_bytes(cluster.brokers[node].data_dir, topic, 0) == leader_log, f"broker {node}"
        # The old replicas stopped and deleted theirs (renamed for deletion at once).
        for node in old:
            wait_for(f"broker {node}'s replica deleted",
                     lambda n=node: not (cluster.brokers[n].data_dir / f"{topic}-0").exists(), timeout=30)

        # Readable and writable through the new leader.
        assert [r.value for r in consume_kafka_python(cluster.bootstrap, topic, 0, 300)] == [m["value"] for m in records]
        more = [{"value": b"after", "partition": 0}]
        assert [offset for _, offset in produce_kafka_python(cluster.bootstrap, topic, more)] == [300]
    finally:
        admin.close()


@pytest.mark.timeout(180)
def test_reassignment_in_flight_is_listed_and_cancelled_and_bad_targets_are_refused(brook_cluster, topic):
    from kafka import TopicPartition
    from kafka.admin import NewTopic
    from kafka.errors import InvalidReplicationAssignmentError, NoReassignmentInProgressError

    # A long session: a paused broker stays registered (a valid target) while it cannot copy anything.
    cluster = brook_cluster(size=3, settings={"broker.session.timeout.ms": 20000})
    admin = admin_client(cluster.bootstrap)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
        before = wait_for("partition 0 led", lambda: (p := cluster.partitions(topic).get(0)) and p["leader"] > 0 and p, timeout=60)
        [current] = before["replicas"]
        tp = TopicPartition(topic, 0)
        assert admin.alter_partition_reassignments({tp: [current, 99]}) == {tp: InvalidReplicationAssignmentError}
        assert admin.alter_partition_reassignments({tp: None}) == {tp: NoReassignmentInProgressError}
        assert admin.list_partition_reassignments() == {}

        # Neither the replica nor the controller (the admin client talks to it meanwhile).
        controller = admin.describe_cluster()["controller_id"]
        spare = next(n for n in sorted(cluster.brokers) if n not in (current, controller))
        awake = ",".join(b.bootstrap for n, b in cluster.brokers.items() if n != spare)
        with cluster.paused(spare):
            assert admin.alter_partition_reassignments({tp: [current, spare]}) == {tp: None}
            listed = admin.list_partition_reassignments()
            assert listed == {tp: {"replicas": [current, spare], "adding_replicas": [spare], "removing_replicas": []}}
            assert json.loads(brook(awake, "topic", "reassignments", "--json")) == [
                {"topic": topic, "partition": 0, "replicas": [current, spare], "adding": [spare], "removing": []}]
            assert sorted(partition_metadata(awake, topic)[0]["replicas"]) == sorted([current, spare])
            assert admin.alter_partition_reassignments({tp: None}) == {tp: None}
            assert admin.list_partition_reassignments() == {}
            wait_for("the replica set reverted", lambda: partition_metadata(awake, topic)[0]["replicas"] == [current], timeout=60)
        # Back from its pause, the spare applies the start and the cancel: its replica is deleted again.
        spare_dir = cluster.brokers[spare].data_dir / f"{topic}-0"
        wait_for("the spare's replica gone", lambda: not spare_dir.exists(), timeout=30)
    finally:
        admin.close()


@pytest.mark.timeout(180)
def test_brook_cli_moves_a_partition_and_waits_for_it(brook_cluster, topic):
    cluster = brook_cluster(size=3)
    brook(cluster.bootstrap, "topic", "create", topic, "-p", "1", "-r", "1")
    before = wait_for("partition 0 led", lambda: (p := cluster.partitions(topic).get(0)) and p["leader"] > 0 and p, timeout=60)
    [old] = before["replicas"]
    new = next(n for n in sorted(cluster.brokers) if n != old)
    records = [{"value": f"v-{i}".encode(), "partition": 0} for i in range(100)]
    produce_kafka_python(cluster.bootstrap, topic, records)

    out = brook(cluster.bootstrap, "topic", "reassign", topic, "--partition", "0", "--replicas", str(new), "--wait",
                timeout=120)
    assert f"reassigned {topic}-0" in out
    assert brook(cluster.bootstrap, "topic", "reassignments").splitlines()[1:] == []
    wait_for("the new leader", lambda: cluster.partitions(topic)[0]["leader"] == new, timeout=60)
    assert cluster.partitions(topic)[0]["replicas"] == [new]
    assert [r.value for r in consume_kafka_python(cluster.bootstrap, topic, 0, 100)] == [m["value"] for m in records]
    wait_for("the old replica deleted", lambda: not (cluster.brokers[old].data_dir / f"{topic}-0").exists(), timeout=30)


@pytest.mark.timeout(240)
def test_a_new_controller_resumes_a_reassignment_in_flight(brook_cluster, topic):
    """The reassignment is stored in etcd: the controller that started it dies, the next one
    completes it once the new replica caught up."""
    from kafka.admin import NewTopic

    cluster = brook_cluster(size=4, settings={"broker.session.timeout.ms": 6000})
    admin = admin_client(cluster.bootstrap)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=4, replication_factor=1)])
        layout = wait_for("every partition led", lambda: (m := cluster.partitions(topic)) and len(m) == 4
                          and all(p["leader"] > 0 for p in m.values()) and m, timeout=60)
        controller = admin.describe_cluster()["controller_id"]
        # A partition whose replica is not on the controller, and a spare broker that is neither.
        index, current = next((i, p["replicas"][0]) for i, p in sorted(layout.items()) if p["replicas"][0] != controller)
        spare = next(n for n in sorted(cluster.brokers) if n not in (current, controller))
        records = [{"value": f"x-{i}".encode() * 10, "partition": index} for i in range(200)]
        produce_kafka_python(cluster.bootstrap, topic, records)
    finally:
        admin.close()

    # Fresh CLI processes from here: kafka-python may pick the paused broker for its requests and
    # keeps asking the dead controller.
    survivors = ",".join(b.bootstrap for n, b in cluster.brokers.items() if n not in (spare, controller))
    with cluster.paused(spare):
        brook(survivors, "topic", "reassign", topic, "--partition", str(index), "--replicas", f"{current},{spare}")
        cluster.kill(controller)
        wait_for("a new controller", lambda: json.loads(brook(survivors, "cluster", "info", "--json"))["controller_id"]
                 not in (controller, -1), timeout=60)
        listed = json.loads(brook(survivors, "topic", "reassignments", "--json"))
        assert listed == [{"topic": topic, "partition": index, "replicas": [current, spare], "adding": [spare],
                           "removing": []}]
    wait_for("the reassignment completed", lambda: json.loads(brook(survivors, "topic", "reassignments", "--json")) == [], timeout=60)
    meta = wait_for("the new replica in sync",
                    lambda: (p := partition_metadata(survivors, topic)[index]) and sorted(p["isr"]) == sorted([current, spare]) and p, timeout=60)
    assert meta["replicas"] == [current, spare]
    assert log_bytes(cluster.brokers[spare].data_dir, topic, index) == \
        log_bytes(cluster.brokers[current].data_dir, topic, index)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("side", ["follower", "leader"])
def test_a_replication_throttle_holds_a_move_back_until_it_is_lifted(brook_cluster, topic, side):
    """`<side>.replication.throttled.rate` (a runtime broker setting) caps the traffic of the replicas
    a topic names in `<side>.replication.throttled.replicas`: a new replica that is not in sync
    copies at that rate, so the move stays in flight; lifting the rate lets it complete."""
    from kafka import TopicPartition
    from kafka.admin import AlterConfigOp, ConfigResource, ConfigResourceType, NewTopic

    # Small fetches: one batch per fetch, so the first fetch alone cannot copy everything.
    cluster = brook_cluster(size=3, settings={"replica.fetch.max.bytes": 1024})
    admin = admin_client(cluster.bootstrap)
    rate = f"{side}.replication.throttled.rate"
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1,
                                      topic_configs={f"{side}.replication.throttled.replicas": "*"})])
        before = wait_for("partition 0 led", lambda: (p := cluster.partitions(topic).get(0)) and p["leader"] > 0 and p, timeout=60)
        [current] = before["replicas"]
        spare = next(n for n in sorted(cluster.brokers) if n != current)
        records = [{"value": bytes([65 + i % 26]) * 500, "partition": 0} for i in range(400)]
        produce_kafka_python(cluster.bootstrap, topic, records, batch_size=4096)
        # The broker whose side is throttled: the new replica's (follower) or the leader's.
        throttled = str(spare if side == "follower" else current)
        admin.alter_configs([ConfigResource(ConfigResourceType.BROKER, throttled, configs={rate: "1000"})])

        tp = TopicPartition(topic, 0)
        assert admin.alter_partition_reassignments({tp: [current, spare]}) == {tp: None}
        # Unthrottled, 50 small fetches take well under a second; throttled to 1 KB/s they take minutes.
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            assert tp in admin.list_partition_reassignments(), "the throttled move completed"
            time.sleep(0.3)   # observing that nothing completes: poll, bounded
        copied = log_bytes(cluster.brokers[spare].data_dir, topic, 0)
        assert 0 < len(copied) < len(log_bytes(cluster.brokers[current].data_dir, topic, 0))

        admin.alter_configs([ConfigResource(ConfigResourceType.BROKER, throttled,
                                            configs={rate: (AlterConfigOp.DELETE, None)})])
        wait_for("the move completed once the throttle is lifted", lambda: admin.list_partition_reassignments() == {}, timeout=60)
        assert log_bytes(cluster.brokers[spare].data_dir, topic, 0) == log_bytes(cluster.brokers[current].data_dir, topic, 0)
    finally:
        admin.close()


@pytest.mark.timeout(240)
def test_moving_the_offsets_topic_off_a_broker_moves_its_group_coordinator(brook_cluster, topic):
    """Every `__consumer_offsets` partition is moved off the group's coordinator: the shards there
    resign, their new leaders load them, and the group's committed offset is read back."""
    from kafka import TopicPartition
    from workload import create_topic

    cluster = brook_cluster(size=3)
    create_topic(cluster.bootstrap, topic, 1, replication_factor=3)
    values = [f"v{i}".encode() for i in range(100)]
    produce_kafka_python(cluster.bootstrap, topic, [{"value": v, "partition": 0} for v in values])
    group = f"{topic}-group"
    consume_and_commit(cluster.bootstrap, group, topic, values, upto=40)

    coordinator = group_coordinator(cluster.bootstrap, group)
    offsets = partition_metadata(cluster.bootstrap, "__consumer_offsets")
    targets = {TopicPartition("__consumer_offsets", p): [r for r in m["replicas"] if r != coordinator]
               for p, m in offsets.items() if coordinator in m["replicas"]}
    assert targets
    admin = admin_client(cluster.bootstrap)
    try:
        assert admin.alter_partition_reassignments(targets) == {tp: None for tp in targets}
        wait_for("every move completed", lambda: admin.list_partition_reassignments() == {}, timeout=60)
    finally:
        admin.close()
    # Answers NOT_COORDINATOR while the shards move: the fixture's wait counts that as not yet.
    cluster.wait_for(lambda: group_coordinator(cluster.bootstrap, group) != coordinator, "a new group coordinator",
                     timeout=60)
    data = cluster.brokers[coordinator].data_dir
    wait_for("the old coordinator's offsets replicas deleted",
             lambda: not any(p.name.startswith("__consumer_offsets-") and not p.name.endswith("-delete")
                             for p in data.iterdir()), timeout=30)

    resume_from_commit(cluster, group, topic, values, committed=40)
