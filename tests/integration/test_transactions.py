"""Transactions (KIP-98) with confluent-kafka: commit/abort seen correctly by read_committed and
read_uncommitted consumers, zombie fencing by transactional.id, and consume-transform-produce with
send_offsets_to_transaction writing each input exactly once."""

from __future__ import annotations

import time
import uuid

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition

from clients import consume_confluent, consumer_config, produce_confluent, producer_config

TIMEOUT = 30


def txn_producer(bootstrap: str, txn_id: str) -> Producer:
    p = Producer(producer_config(bootstrap, **{"transactional.id": txn_id, "transaction.timeout.ms": 60000}))
    p.init_transactions(TIMEOUT)
    return p


def read_all(bootstrap: str, topic: str, isolation: str, expect: int, settle: float = 1.5) -> list[bytes]:
    """Values on partition 0 as a consumer with `isolation` sees them: waits for `expect` records,
    then keeps polling `settle` seconds so extra (wrongly visible) records would show up too."""
    c = Consumer(consumer_config(bootstrap, **{"isolation.level": isolation}))
    out: list[bytes] = []
    try:
        c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        deadline = time.monotonic() + TIMEOUT
        settle_until = None
        while time.monotonic() < deadline:
            if len(out) >= expect and settle_until is None:
                settle_until = time.monotonic() + settle
            if settle_until is not None and time.monotonic() >= settle_until:
                break
            msg = c.poll(0.2)
            if msg is None or msg.error() is not None:
                continue
            out.append(msg.value())
    finally:
        c.close()
    return out


def send(p: Producer, topic: str, values: list[bytes]) -> None:
    for v in values:
        p.produce(topic, value=v, partition=0)


def test_commit_and_abort_seen_by_each_isolation_level(brook, topic):
    produce_confluent(brook.bootstrap, topic, [{"value": b"plain-0", "partition": 0}])
    p = txn_producer(brook.bootstrap, f"txn-{uuid.uuid4().hex[:8]}")
    p.begin_transaction()
    send(p, topic, [b"committed-0", b"committed-1"])
    p.commit_transaction(TIMEOUT)
    p.begin_transaction()
    send(p, topic, [b"aborted-0", b"aborted-1", b"aborted-2"])
    p.flush(TIMEOUT)
    p.abort_transaction(TIMEOUT)
    p.begin_transaction()
    send(p, topic, [b"committed-2"])
    p.commit_transaction(TIMEOUT)

    committed = [b"plain-0", b"committed-0", b"committed-1", b"committed-2"]
    assert read_all(brook.bootstrap, topic, "read_committed", len(committed)) == committed
    everything = [b"plain-0", b"committed-0", b"committed-1", b"aborted-0", b"aborted-1", b"aborted-2", b"committed-2"]
    assert read_all(brook.bootstrap, topic, "read_uncommitted", len(everything)) == everything


def test_open_transaction_holds_back_read_committed(brook, topic):
    p = txn_producer(brook.bootstrap, f"txn-{uuid.uuid4().hex[:8]}")
    p.begin_transaction()
    send(p, topic, [b"open-0"])
    p.flush(TIMEOUT)
    assert read_all(brook.bootstrap, topic, "read_uncommitted", 1) == [b"open-0"]
    assert read_all(brook.bootstrap, topic, "read_committed", 0, settle=2) == []
    p.commit_transaction(TIMEOUT)
    assert read_all(brook.bootstrap, topic, "read_committed", 1) == [b"open-0"]


def test_second_producer_with_same_transactional_id_fences_the_first(brook, topic):
    txn_id = f"txn-{uuid.uuid4().hex[:8]}"
    first = txn_producer(brook.bootstrap, txn_id)
    first.begin_transaction()
    send(first, topic, [b"zombie-0"])
    first.flush(TIMEOUT)
    second = txn_producer(brook.bootstrap, txn_id)  # aborts the zombie's open transaction
    second.begin_transaction()
    send(second, topic, [b"fresh-0"])
    second.commit_transaction(TIMEOUT)
    with pytest.raises(KafkaException) as raised:  # the zombie's transaction is still open on its side
        send(first, topic, [b"zombie-1"])
        first.commit_transaction(TIMEOUT)
    assert raised.value.args[0].fatal() or raised.value.args[0].txn_requires_abort() or \
        "fenced" in str(raised.value).lower()
    assert read_all(brook.bootstrap, topic, "read_committed", 1) == [b"fresh-0"]


def test_consume_transform_produce_writes_each_input_once(brook, topic):
    source, sink, group = topic + "-in", topic + "-out", f"ctp-{uuid.uuid4().hex[:8]}"
    inputs = [f"in-{i}".encode() for i in range(30)]
    produce_confluent(brook.bootstrap, source, [{"value": v, "partition": 0} for v in inputs])
    produce_confluent(brook.bootstrap, sink, [{"value": b"warm-up", "partition": 0}])

    consumer = Consumer(consumer_config(brook.bootstrap, **{
        "group.id": group, "isolation.level": "read_committed", "enable.auto.commit": False}))
    consumer.subscribe([source])
    producer = txn_producer(brook.bootstrap, f"ctp-{uuid.uuid4().hex[:8]}")
    seen = 0
    deadline = time.monotonic() + TIMEOUT
    try:
        while seen < len(inputs) and time.monotonic() < deadline:
            batch = [m for m in consumer.consume(10, 1.0) if m.error() is None]
            if not batch:
                continue
            producer.begin_transaction()
            for m in batch:
                producer.produce(sink, value=m.value().replace(b"in-", b"out-"), partition=0)
            producer.send_offsets_to_transaction(consumer.position(consumer.assignment()),
                                                 consumer.consumer_group_metadata(), TIMEOUT)
            producer.commit_transaction(TIMEOUT)
            seen += len(batch)
    finally:
        consumer.close()
    assert seen == len(inputs)

    outputs = read_all(brook.bootstrap, sink, "read_committed", len(inputs) + 1)
    assert outputs == [b"warm-up"] + [v.replace(b"in-", b"out-") for v in inputs]
    check = Consumer(consumer_config(brook.bootstrap, **{"group.id": group}))
    try:
        committed = check.committed([TopicPartition(source, 0)], timeout=TIMEOUT)
    finally:
        check.close()
    assert committed[0].offset == len(inputs)


def test_aborted_records_stay_hidden_after_restart_and_kill_9(brook, topic):
    """The aborted ranges are on disk (`.txnindex`): read_committed still drops them after a graceful
    restart and after kill -9 (recovery rebuilds the index of the scanned tail from the abort marker)."""
    p = txn_producer(brook.bootstrap, f"txn-{uuid.uuid4().hex[:8]}")
    p.begin_transaction()
    send(p, topic, [b"committed-0"])
    p.commit_transaction(TIMEOUT)
    p.begin_transaction()
    send(p, topic, [b"aborted-0", b"aborted-1"])
    p.flush(TIMEOUT)
    p.abort_transaction(TIMEOUT)
    p.begin_transaction()
    send(p, topic, [b"committed-1"])
    p.commit_transaction(TIMEOUT)
    committed = [b"committed-0", b"committed-1"]
    assert read_all(brook.bootstrap, topic, "read_committed", len(committed)) == committed

    brook.restart()
    assert read_all(brook.bootstrap, topic, "read_committed", len(committed)) == committed

    brook.kill()
    brook.restart()
    assert read_all(brook.bootstrap, topic, "read_committed", len(committed)) == committed
    everything = [b"committed-0", b"aborted-0", b"aborted-1", b"committed-1"]
    assert read_all(brook.bootstrap, topic, "read_uncommitted", len(everything)) == everything
