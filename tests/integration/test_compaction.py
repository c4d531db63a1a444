"""A compacted topic ends with exactly the latest value per live key, read by a real consumer."""

from __future__ import annotations

import os
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

KEYS = 50
VERSIONS = 40
DELETED = range(0, KEYS, 5)  # every fifth key gets a tombstone


def read_all(bootstrap: str, topic: str) -> list[tuple[int, bytes | None, bytes | None]]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"{topic}-reader", "enable.auto.commit": False,
                         "auto.offset.reset": "earliest"})
    try:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        consumer.assign([TopicPartition(topic, 0, low)])
        records = []
        deadline = time.time() + 20
        while time.time() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error():
                if records and records[-1][0] >= high - 1:
                    break
                continue
            records.append((message.offset(), message.key(), message.value()))
            if message.offset() >= high - 1:
                break
        return records
    finally:
        consumer.close()


def test_compacted_topic_keeps_latest_value_per_live_key(brook_factory, topic):
    brook = brook_factory(settings={"log.cleaner.backoff.ms": 200})
    admin = AdminClient({"bootstrap.servers": brook.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={
        "cleanup.policy": "compact", "segment.bytes": "4096", "min.cleanable.dirty.ratio": "0.01",
        "delete.retention.ms": "0"})])[topic].result(timeout=20)
    # Batches must fit in a segment (segment.bytes), as with Kafka.
    producer = Producer({"bootstrap.servers": brook.bootstrap, "linger.ms": 5, "compression.type": "lz4",
                         "batch.size": 2000})
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(err)
    for version in range(VERSIONS):
        for key in range(KEYS):
            producer.produce(topic, key=f"key-{key}".encode(), value=f"value-{key}-{version}".encode(),
                             on_delivery=delivered)
    for key in DELETED:
        producer.produce(topic, key=f"key-{key}".encode(), value=None, on_delivery=delivered)
    producer.flush(30)
    # Two large incompressible records of two extra keys roll the segment holding the tombstones.
    fillers = {f"filler-{i}".encode(): os.urandom(3000) for i in range(2)}
    for key, value in fillers.items():
        producer.produce(topic, key=key, value=value, on_delivery=delivered)
        producer.flush(30)
    assert producer.flush(30) == 0
    assert not failures

    expected = {f"key-{k}".encode(): f"value-{k}-{VERSIONS - 1}".encode() for k in range(KEYS) if k not in DELETED}
    expected.update(fillers)
    deadline = time.time() + 90
    records = []
    while time.time() < deadline:
        records = read_all(brook.bootstrap, topic)
        if len(records) == len(expected):
            break
        time.sleep(0.5)
    assert {key: value for _, key, value in records} == expected
    assert len(records) == len(expected), "one record per live key"
    offsets = [offset for offset, _, _ in records]
    assert offsets == sorted(offsets)
    assert offsets[-1] == KEYS * VERSIONS + len(DELETED) + 1  # offsets are preserved, not renumbered
