"""Multi-partition topics: auto-created with num.partitions=3, or through CreateTopics."""

from __future__ import annotations

import zlib

import pytest
from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from clients import consume_confluent, produce_confluent, wait_for_topic

PARTITIONS = 3


def keyed_messages(n: int = 90) -> list[dict]:
    return [{"key": f"user-{i % 17}".encode(), "value": f"event {i}".encode()} for i in range(n)]


def check_partitioned_round_trip(bootstrap: str, topic: str) -> None:
    messages = keyed_messages()
    deliveries = produce_confluent(bootstrap, topic, messages)
    assert all(d.error is None for d in deliveries)

    # librdkafka's consistent_random partitioner: CRC-32 of the key modulo the partition count
    # that the broker's metadata reported. A wrong count shows up here.
    for d in deliveries:
        assert d.partition == zlib.crc32(d.key) % PARTITIONS, d

    per_partition: dict[int, list[tuple[bytes, bytes]]] = {p: [] for p in range(PARTITIONS)}
    for m in messages:  # one producer, acks=all, in-order per partition
        per_partition[zlib.crc32(m["key"]) % PARTITIONS].append((m["key"], m["value"]))
    for d in deliveries:
        assert d.offset == per_partition[d.partition].index((d.key, d.value))

    for p, want in per_partition.items():
        assert want, "test data should hit every partition"
        got = consume_confluent(bootstrap, topic, p, len(want))
        assert [(r.key, r.value) for r in got] == want
        assert [r.offset for r in got] == list(range(len(want)))
        assert {r.partition for r in got} == {p}


def test_auto_created_topic_uses_num_partitions(brook_factory, topic):
    brook = brook_factory(settings={"num.partitions": PARTITIONS})
    produce_confluent(brook.bootstrap, topic, [{"key": b"warm-up", "value": b"creates the topic"}])
    md = wait_for_topic(brook.bootstrap, topic, partitions=PARTITIONS)
    assert sorted(md.partitions) == list(range(PARTITIONS))
    # the warm-up record went somewhere; the round trip below uses a second topic name
    check_partitioned_round_trip(brook.bootstrap, topic + "-2")


def admin(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})


def test_create_topics_then_partitioned_round_trip(brook, topic):
    # Keep the client referenced until its future resolves: a collected handle fails it with _DESTROY.
    client = admin(brook.bootstrap)
    futures = client.create_topics(
        [NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)], request_timeout=15)
    futures[topic].result(timeout=20)
    md = wait_for_topic(brook.bootstrap, topic, partitions=PARTITIONS)
    assert all(p.leader >= 0 for p in md.partitions.values())
    check_partitioned_round_trip(brook.bootstrap, topic)


def test_create_existing_topic_fails_with_topic_already_exists(brook, topic):
    client = admin(brook.bootstrap)
    client.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)],
                         request_timeout=15)[topic].result(timeout=20)
    again = client.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)],
                                 request_timeout=15)[topic]
    with pytest.raises(KafkaException) as excinfo:
        again.result(timeout=20)
    assert excinfo.value.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS
    assert len(wait_for_topic(brook.bootstrap, topic, partitions=1).partitions) == 1
