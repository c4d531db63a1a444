"""Follower fetching (KIP-392) on etcd + 3 brokers in three racks with
`replica.selector.class=...RackAwareReplicaSelector`: a librdkafka consumer with `client.rack` set to
a follower's rack is sent to that follower by the leader and reads everything from it."""

from __future__ import annotations

import json

import pytest
from confluent_kafka import Consumer, TopicPartition

from cluster_fixture import brook_supports_cluster
from workload import create_topic
from clients import produce_kafka_python

pytestmark = pytest.mark.skipif(not brook_supports_cluster(), reason="brook serve has no --node-id/--metadata")

RACK_AWARE = "org.apache.kafka.common.replica.RackAwareReplicaSelector"


@pytest.mark.timeout(180)
def test_consumer_reads_from_the_follower_in_its_rack(brook_cluster, topic):
    cluster = brook_cluster(size=3, racks=["r1", "r2", "r3"], settings={"replica.selector.class": RACK_AWARE})
    create_topic(cluster.bootstrap, topic, 1, replication_factor=3)
    leader = cluster.leader_of(topic, 0)
    values = [f"v{i}".encode() for i in range(200)]
    produce_kafka_python(cluster.bootstrap, topic, [{"value": v, "partition": 0} for v in values])
    cluster.wait_for_full_isr(topic)
    follower = next(node for node in (1, 2, 3) if node != leader)

    fetching_from: list[int] = []

    def on_stats(raw: str) -> None:
        for p in json.loads(raw).get("topics", {}).get(topic, {}).get("partitions", {}).values():
            if p.get("partition") == 0:
                fetching_from.append(p.get("broker"))

    consumer = Consumer({"bootstrap.servers": cluster.bootstrap, "group.id": "kip392", "client.rack": f"r{follower}",
                         "enable.auto.commit": False, "statistics.interval.ms": 200, "stats_cb": on_stats,
                         "topic.metadata.refresh.interval.ms": 1000})
    try:
        consumer.assign([TopicPartition(topic, 0, 0)])
        got = []
        deadline_polls = 300
        while len(got) < len(values) and deadline_polls > 0:
            deadline_polls -= 1
            msg = consumer.poll(0.2)
            if msg is not None and msg.error() is None:
                got.append(msg.value())
        assert got == values
        # Keep polling until a statistics report names the broker the partition is fetched from.
        for _ in range(20):
            consumer.poll(0.2)
            if follower in fetching_from:
                break
    finally:
        consumer.close()
    assert follower in fetching_from, f"fetched from {set(fetching_from)}, leader {leader}, follower {follower}"
