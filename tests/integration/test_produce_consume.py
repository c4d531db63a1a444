"""confluent-kafka producers with every codec; three different consumers read the same records."""

from __future__ import annotations

import time

import pytest

import kafka_wire
from clients import (Record, consume_aiokafka, consume_confluent, consume_kafka_python,
                     produce_aiokafka, produce_confluent, produce_kafka_python)

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


def sample_messages(n: int = 60, tag: str = "") -> list[dict]:
    base_ts = int(time.time() * 1000) - 3_600_000  # an hour ago: clearly the producer's CreateTime
    out = []
    for i in range(n):
        m: dict = {"timestamp": base_ts + i * 7}
        kind = i % 6
        if kind == 0:
            m["key"], m["value"] = f"key-{i}".encode(), f"{tag} plain value {i}".encode()
        elif kind == 1:
            m["key"], m["value"] = None, f"{tag} null key {i}".encode()
        elif kind == 2:
            m["key"], m["value"] = f"key-{i}".encode(), (f"{tag} compressible {i} " * 300).encode()
            m["headers"] = [("trace-id", f"t{i}".encode()), ("empty", b""), ("dup", b"1"),
                            ("dup", b"2")]
        elif kind == 3:
            m["key"], m["value"] = bytes(range(256)), bytes(reversed(range(256))) * 4
            m["headers"] = [("bin", bytes([0, 255, 10, 13])), ("ünïcode-kéy", "väl".encode())]
        elif kind == 4:
            m["key"], m["value"] = f"key-{i}".encode(), b"\x00"  # 1 byte: clients differ on b""
        else:
            m["key"], m["value"] = f"tombstone-{i}".encode(), None
        out.append(m)
    return out


def expected_records(messages: list[dict], partition: int = 0) -> list[Record]:
    return [Record(partition, i, m.get("key"), m.get("value"), tuple(m.get("headers") or ()),
                   m["timestamp"]) for i, m in enumerate(messages)]


@pytest.mark.parametrize("codec", CODECS)
def test_confluent_produce_then_three_consumers_agree(brook, topic, codec):
    messages = sample_messages(tag=codec)
    # One batch: librdkafka sends a batch uncompressed when compressing does not shrink it, which a
    # lone small message (split off by a scheduling stall longer than a short linger) would trigger.
    # flush() sends at once, so the long linger costs nothing.
    deliveries = produce_confluent(brook.bootstrap, topic, messages, **{"compression.type": codec, "linger.ms": 2000,
                                                                       "batch.num.messages": len(messages)})

    assert [d.error for d in deliveries] == [None] * len(messages)
    assert [d.offset for d in deliveries] == list(range(len(messages)))  # increasing, gap-free
    assert {d.partition for d in deliveries} == {0}

    want = expected_records(messages)
    by_confluent = consume_confluent(brook.bootstrap, topic, 0, len(messages))
    by_kafka_python = consume_kafka_python(brook.bootstrap, topic, 0, len(messages))
    by_aiokafka = consume_aiokafka(brook.bootstrap, topic, 0, len(messages))
    assert by_confluent == want
    assert by_kafka_python == want
    assert by_aiokafka == want

    batches = kafka_wire.fetch_all_batches(brook.bootstrap, topic, 0)
    assert all(b.magic == 2 and b.crc_ok for b in batches)
    assert {b.compression for b in batches} == {codec}  # stored exactly as the producer sent it


@pytest.mark.parametrize("producer", ["kafka-python", "aiokafka"])
def test_other_producers_read_back_by_confluent(brook, topic, producer):
    messages = sample_messages(30, tag=producer)
    produce = produce_kafka_python if producer == "kafka-python" else produce_aiokafka
    acked = produce(brook.bootstrap, topic, messages, compression_type="gzip")
    assert acked == [(0, i) for i in range(len(messages))]
    assert consume_confluent(brook.bootstrap, topic, 0, len(messages)) == expected_records(messages)


def test_consume_from_middle_offset(brook, topic):
    messages = sample_messages(20)
    produce_confluent(brook.bootstrap, topic, messages)
    got = consume_confluent(brook.bootstrap, topic, 0, 5, offset=15)
    assert got == expected_records(messages)[15:]
