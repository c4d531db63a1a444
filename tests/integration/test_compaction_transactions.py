"""Compaction of a topic written by transactional and idempotent producers: aborted data goes,
its abort marker and `.txnindex` entry follow, an active producer's last batch stays as an empty
header, and every client still reads the latest committed value per key to the end of the log."""

from __future__ import annotations

import os
import subprocess
import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from clients import consume_aiokafka, consume_confluent, consume_kafka_python, produce_confluent, producer_config
from kafka_wire import fetch_all_batches

TIMEOUT = 30


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def transaction(producer: Producer, topic: str, records: dict[str, str], commit: bool) -> None:
    producer.begin_transaction()
    for key, value in records.items():
        producer.produce(topic, key=key.encode(), value=value.encode(), partition=0)
    if commit:
        producer.commit_transaction(TIMEOUT)
    else:
        producer.flush(TIMEOUT)
        producer.abort_transaction(TIMEOUT)


def control_batches(bootstrap: str, topic: str) -> int:
    return sum(1 for b in fetch_all_batches(bootstrap, topic) if b.attributes & 0x20)


def txn_index_bytes(folder) -> int:
    return sum(path.stat().st_size for path in folder.glob("*.txnindex"))


def roll_segment(bootstrap: str, topic: str, key: str) -> None:
    produce_confluent(bootstrap, topic, [{"key": key.encode(), "value": os.urandom(3000), "partition": 0}])


def test_compacted_transactional_topic_read_by_every_client(brook_factory, topic, kcat):
    brook = brook_factory(settings={"log.cleaner.backoff.ms": 200})
    admin = AdminClient({"bootstrap.servers": brook.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={
        "cleanup.policy": "compact", "segment.bytes": "4096", "min.cleanable.dirty.ratio": "0.01",
        "delete.retention.ms": "0"})])[topic].result(timeout=20)

    txn = Producer(producer_config(brook.bootstrap, **{"transactional.id": f"{topic}-txn"}))
    txn.init_transactions(TIMEOUT)
    transaction(txn, topic, {f"t-{i}": "c1" for i in range(10)}, commit=True)
    transaction(txn, topic, {f"t-{i}": "aborted" for i in range(5)}, commit=False)
    transaction(txn, topic, {f"t-{i}": "c3" for i in range(5, 10)}, commit=True)
    txn.flush(TIMEOUT)
    # An idempotent producer whose every record is then overwritten: its last batch must stay.
    produce_confluent(brook.bootstrap, topic, [{"key": f"i-{i}".encode(), "value": b"idem", "partition": 0}
                                               for i in range(5)], **{"enable.idempotence": True})
    produce_confluent(brook.bootstrap, topic, [{"key": f"i-{i}".encode(), "value": b"plain", "partition": 0}
                                               for i in range(5)])
    assert control_batches(brook.bootstrap, topic) == 3
    folder = brook.data_dir / f"{topic}-0"
    assert txn_index_bytes(folder) > 0
    roll_segment(brook.bootstrap, topic, "filler-0")
    roll_segment(brook.bootstrap, topic, "filler-1")

    # Pass 1: the aborted and the shadowed data go; the idempotent producer's batch stays, emptied.
    wait_until(lambda: any(b.record_count == 0 and not b.attributes & 0x20
                           for b in fetch_all_batches(brook.bootstrap, topic)), 60, "an emptied producer batch")
    # New dirty data brings pass 2 (the abort marker, with no data left, gets its horizon and loses its
    # index entry) and pass 3 (past the horizon of delete.retention.ms=0, the marker goes). The commit
    # markers stay: their transactions still have live records.
    roll_segment(brook.bootstrap, topic, "filler-2")
    roll_segment(brook.bootstrap, topic, "filler-3")
    wait_until(lambda: control_batches(brook.bootstrap, topic) == 2, 60, "the abort marker to be removed")
    assert txn_index_bytes(folder) == 0

    expected = {f"t-{i}".encode(): b"c1" for i in range(5)}
    expected.update({f"t-{i}".encode(): b"c3" for i in range(5, 10)})
    expected.update({f"i-{i}".encode(): b"plain" for i in range(5)})
    count = len(expected) + 4  # and the four fillers
    for isolation in ("read_committed", "read_uncommitted"):
        records = consume_confluent(brook.bootstrap, topic, 0, count, **{"isolation.level": isolation})
        assert {r.key: r.value for r in records if not r.key.startswith(b"filler")} == expected, isolation
        assert len(records) == count, isolation
    for records in (consume_kafka_python(brook.bootstrap, topic, 0, count),
                    consume_aiokafka(brook.bootstrap, topic, 0, count)):
        assert {r.key: r.value for r in records if not r.key.startswith(b"filler")} == expected
        assert len(records) == count
    # kcat stops at the end of the partition (-e): it must get past the empty batch and the markers.
    out = subprocess.run([kcat, "-b", brook.bootstrap, "-C", "-t", topic, "-e", "-q", "-f", "%k\n",
                          "-o", "beginning"], capture_output=True, timeout=TIMEOUT, check=True).stdout
    assert sorted(out.split()) == sorted(list(expected) + [f"filler-{i}".encode() for i in range(4)])
