"""Per-record errors in Produce (v8+ record_errors): a batch with some invalid records names
them, so librdkafka fails exactly those with the rule's error and the others of the batch with
_INVALID_DIFFERENT_RECORD, as against Kafka."""

from __future__ import annotations

import time

from confluent_kafka import KafkaError, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from clients import consume_confluent, discard_producer, producer_config


def create(bootstrap: str, topic: str, config: dict) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config=config)])[topic].result(timeout=20)


def produce_one_batch(bootstrap: str, topic: str, messages: list[dict], **config) -> list:
    """Produces `messages` in one batch; returns each delivery error in order. The batch is sent when
    it holds all of them (batch.num.messages) or at the flush: a linger alone let librdkafka send a
    first message by itself on a loaded machine."""
    errors: dict[int, KafkaError | None] = {}
    p = Producer(producer_config(bootstrap, **{"linger.ms": 5000, "batch.num.messages": len(messages),
                                               "compression.type": "lz4", "retries": 0, **config}))
    try:
        for i, m in enumerate(messages):
            p.produce(topic, partition=0, on_delivery=lambda err, msg, i=i: errors.__setitem__(i, err), **m)
        assert p.flush(30) == 0
    finally:
        discard_producer(p)
    return [errors[i] for i in range(len(messages))]


def test_keyless_records_on_a_compacted_topic_are_named(brook, topic):
    create(brook.bootstrap, topic, {"cleanup.policy": "compact"})
    messages = [{"key": b"k0", "value": b"a"}, {"value": b"no key 1"}, {"key": b"k2", "value": b"c"},
                {"value": b"no key 3"}]
    errors = produce_one_batch(brook.bootstrap, topic, messages)
    codes = [e.code() if e else None for e in errors]
    assert codes == [KafkaError._INVALID_DIFFERENT_RECORD, KafkaError.INVALID_RECORD,
                     KafkaError._INVALID_DIFFERENT_RECORD, KafkaError.INVALID_RECORD], errors

    # Nothing of the refused batch was stored; a valid batch goes through.
    assert produce_one_batch(brook.bootstrap, topic, [{"key": b"k", "value": b"ok"}]) == [None]
    [r] = consume_confluent(brook.bootstrap, topic, 0, 1)
    assert (r.offset, r.key, r.value) == (0, b"k", b"ok")


def test_out_of_range_timestamps_are_named(brook, topic):
    # librdkafka reports named records with INVALID_RECORD when there are several of them (with one,
    # it fails the whole batch with the partition's error, INVALID_TIMESTAMP here).
    create(brook.bootstrap, topic, {"message.timestamp.before.max.ms": "3600000"})
    now = int(time.time() * 1000)
    messages = [{"value": b"now", "timestamp": now}, {"value": b"two hours old", "timestamp": now - 7_200_000},
                {"value": b"three hours old", "timestamp": now - 10_800_000}, {"value": b"now too", "timestamp": now}]
    errors = produce_one_batch(brook.bootstrap, topic, messages)
    codes = [e.code() if e else None for e in errors]
    assert codes == [KafkaError._INVALID_DIFFERENT_RECORD, KafkaError.INVALID_RECORD, KafkaError.INVALID_RECORD,
                     KafkaError._INVALID_DIFFERENT_RECORD], errors

    [error] = produce_one_batch(brook.bootstrap, topic, [{"value": b"old", "timestamp": now - 7_200_000}])
    assert error.code() == KafkaError.INVALID_TIMESTAMP, error
