"""Preferred-leader election on etcd + 3 brokers: after kill -9 of a partition's leader and its
restart, leadership stays where failover moved it until `brook topic elect-leaders` (ElectLeaders
to the controller) or the controller's periodic rebalance check (`auto.leader.rebalance.enable`,
`leader.imbalance.check.interval.seconds`) moves it back to the preferred replica; librdkafka's
ElectLeaders sees Kafka's per-partition answers."""

from __future__ import annotations

import json

import pytest
from confluent_kafka import ElectionType, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient

from cluster_fixture import brook_supports_cluster
from cluster_steps import brook, describe, wait_for

pytestmark = pytest.mark.skipif(not brook_supports_cluster(), reason="brook serve has no --node-id/--metadata")


def leadership_moved_away(cluster, topic: str) -> tuple[int, str]:
    """Creates `topic` (3 partitions, RF 3), kills -9 the preferred leader of partition 0, waits for
    a new leader, restarts the broker and waits for the full ISR. Returns (preferred, a survivor's
    address). (Right after the create a partition may still be listed without replicas, as
    LEADER_NOT_AVAILABLE, until the broker's view has its record.)"""
    one = cluster.brokers[1].bootstrap
    brook(one, "topic", "create", topic, "-p", "3", "-r", "3")
    partitions = wait_for("every partition led by its preferred replica", lambda: (d := describe(one, topic))
                          and len(d) == 3 and all(p["replicas"] and p["leader"] == p["replicas"][0] for p in d.values()) and d)
    preferred = partitions[0]["replicas"][0]
    survivor = next(cluster.brokers[i].bootstrap for i in (1, 2, 3) if i != preferred)

    cluster.kill(preferred)
    wait_for("a new leader for partition 0",
             lambda: describe(survivor, topic)[0]["leader"] not in (preferred, -1))
    cluster.restart(preferred)
    cluster.wait_for_full_isr(topic)
    # The controller decides on its own view: wait until its Metadata shows the full ISR too (a
    # broker's view is updated after its controller's state, in the same step).
    controller = json.loads(brook(one, "cluster", "info", "--json"))["controller_id"]
    wait_for("the controller seeing the full ISR",
             lambda: sorted(describe(cluster.brokers[controller].bootstrap, topic)[0]["isr"]) == [1, 2, 3])
    return preferred, survivor


@pytest.mark.timeout(240)
def test_elect_leaders_moves_leadership_back_to_the_preferred_replica(brook_cluster, topic):
    cluster = brook_cluster(size=3)
    preferred, survivor = leadership_moved_away(cluster, topic)
    assert describe(survivor, topic)[0]["leader"] != preferred, "leadership stays until asked to move"

    out = brook(survivor, "topic", "elect-leaders", "--type", "preferred", topic)
    assert f"elected preferred leaders for {topic}-0" in out, out
    assert f"{topic}-1" in out and f"{topic}-2" in out, out   # reported as needing no election
    back = wait_for("the preferred replica leading partition 0 again",
                    lambda: (p := describe(survivor, topic)[0])["leader"] == preferred and p)
    assert sorted(back["isr"]) == [1, 2, 3]

    # Asked again: nothing to do, which is not an error.
    again = brook(survivor, "topic", "elect-leaders", f"{topic}:0")
    assert f"no election needed for {topic}-0" in again, again

    # librdkafka's ElectLeaders goes to the controller and reads Kafka's per-partition answers.
    admin = AdminClient({"bootstrap.servers": cluster.bootstrap})
    future = admin.elect_leaders(ElectionType.PREFERRED, [TopicPartition(topic, 0), TopicPartition(topic, 9)])
    results = future.result(timeout=30)
    codes = {(tp.topic, tp.partition): (error.code() if error else None) for tp, error in results.items()}
    assert codes == {(topic, 0): KafkaError.ELECTION_NOT_NEEDED, (topic, 9): KafkaError.UNKNOWN_TOPIC_OR_PART}, codes


@pytest.mark.timeout(240)
def test_the_controller_rebalances_leaders_by_itself(brook_cluster, topic):
    cluster = brook_cluster(size=3, settings={"leader.imbalance.check.interval.seconds": 2})
    preferred, survivor = leadership_moved_away(cluster, topic)
    wait_for("the preferred replica leading partition 0 again without being asked",
             lambda: describe(survivor, topic)[0]["leader"] == preferred, timeout=30)
