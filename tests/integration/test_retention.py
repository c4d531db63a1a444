"""Retention by time moves the log start offset; keyless records are refused on compacted topics."""

from __future__ import annotations

import time

from confluent_kafka import KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic, OffsetSpec


def test_time_retention_deletes_old_segments_and_moves_start(brook_factory, topic):
    brook = brook_factory(settings={"log.retention.check.interval.ms": 200})
    admin = AdminClient({"bootstrap.servers": brook.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={"segment.bytes": "300", "retention.ms": "60000"})])[topic] \
        .result(timeout=20)
    producer = Producer({"bootstrap.servers": brook.bootstrap, "linger.ms": 0})
    old = int(time.time() * 1000) - 3_600_000
    for i in range(10):
        producer.produce(topic, value=b"x" * 100, key=b"k", timestamp=old + i)
        producer.flush(10)
    producer.produce(topic, value=b"f" * 200, key=b"k")  # too big to share the last old segment
    assert producer.flush(10) == 0
    tp = TopicPartition(topic, 0)
    deadline = time.time() + 30
    start = 0
    while time.time() < deadline:
        start = admin.list_offsets({tp: OffsetSpec.earliest()})[tp].result(timeout=10).offset
        if start >= 10:
            break
        time.sleep(0.2)
    assert start == 10
    assert admin.list_offsets({tp: OffsetSpec.latest()})[tp].result(timeout=10).offset == 11


def test_keyless_records_rejected_on_compacted_topic(brook, topic):
    admin = AdminClient({"bootstrap.servers": brook.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={"cleanup.policy": "compact"})])[topic].result(timeout=20)
    producer = Producer({"bootstrap.servers": brook.bootstrap, "linger.ms": 0, "retries": 0})
    errors = []
    producer.produce(topic, value=b"no key", on_delivery=lambda err, msg: errors.append(err))
    producer.flush(10)
    producer.produce(topic, value=b"keyed", key=b"k", on_delivery=lambda err, msg: errors.append(err))
    producer.flush(10)
    codes = sorted(e.code() if e else 0 for e in errors)
    assert codes == sorted([0, KafkaError.INVALID_RECORD])


def test_acks_all_needs_min_insync_replicas_on_a_single_node(brook, topic):
    admin = AdminClient({"bootstrap.servers": brook.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={"min.insync.replicas": "2"})])[topic].result(timeout=20)
    errors = []
    for acks in ("all", "1"):
        producer = Producer({"bootstrap.servers": brook.bootstrap, "acks": acks, "retries": 0,
                             "message.timeout.ms": 5000})
        producer.produce(topic, value=b"x", on_delivery=lambda err, msg: errors.append(err))
        producer.flush(10)
    assert [e.code() if e else 0 for e in errors] == [KafkaError.NOT_ENOUGH_REPLICAS, 0]
