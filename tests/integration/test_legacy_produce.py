"""Produce v0-2 with legacy message sets (magic 0 and 1), as clients before Kafka 0.11 send them,
over a raw socket to a real brook; read back with confluent-kafka (Fetch v4+, RecordBatch v2)."""

from __future__ import annotations

import time

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

import kafka_wire
import legacy_wire
from clients import consume_confluent

CODECS = ["none", "gzip", "snappy", "snappy-xerial", "lz4"]
ERR_CORRUPT_MESSAGE = 2
ERR_INVALID_TIMESTAMP = 32
ERR_UNSUPPORTED_COMPRESSION_TYPE = 76
ERR_INVALID_RECORD = 87


def create_topic(bootstrap: str, topic: str, config: dict | None = None) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})
    admin.create_topics([NewTopic(topic, 1, 1, config=config or {})])[topic].result(timeout=20)


def records_for(version: int, magic: int, codec: str, now: int) -> list[tuple]:
    tag = f"v{version}-m{magic}-{codec}"
    return [(f"key-{tag}".encode(), f"value-{tag}-".encode() * 20, now - 1000),
            (None, f"keyless-{tag}".encode(), now - 10),
            (f"tombstone-{tag}".encode(), None, now)]


@pytest.mark.parametrize("version", [0, 1, 2])
def test_legacy_sets_of_every_codec_read_back_by_a_new_client(brook, topic, version):
    create_topic(brook.bootstrap, topic)
    now = int(time.time() * 1000)
    expected = []
    with kafka_wire.Connection(brook.bootstrap) as conn:
        for magic in (0, 1):
            for codec in CODECS:
                records = records_for(version, magic, codec, now)
                payload = (legacy_wire.message_set(magic, records) if codec == "none"
                           else legacy_wire.wrapped_set(magic, codec, records))
                result = legacy_wire.produce(conn, version, topic, payload)
                assert result["error"] == 0, (magic, codec, result)
                assert result["base_offset"] == len(expected), (magic, codec, result)
                if version >= 2:
                    assert result["log_append_time"] == -1  # CreateTime topic
                expected += [(k, v, -1 if magic == 0 else ts) for k, v, ts in records]
    got = consume_confluent(brook.bootstrap, topic, 0, len(expected))
    assert [r.offset for r in got] == list(range(len(expected)))
    assert [(r.key, r.value) for r in got] == [(k, v) for k, v, _ in expected]
    assert [r.timestamp for r in got] == [ts for _, _, ts in expected]
    assert all(r.headers == () for r in got)

    # Stored as RecordBatch v2, one batch per request, keeping the wrapper's codec
    # (compression.type=producer); xerial snappy is stored as snappy.
    batches = kafka_wire.fetch_all_batches(brook.bootstrap, topic, 0)
    assert all(b.magic == 2 and b.crc_ok for b in batches)
    assert [b.compression for b in batches] == [c.replace("-xerial", "") for c in CODECS] * 2
    assert [b.record_count for b in batches] == [3] * len(batches)


def test_magic0_lz4_with_kafka3160_header_checksum(brook, topic):
    create_topic(brook.bootstrap, topic)
    records = [(b"k", b"pre-0.10 lz4", 0), (None, b"second", 0)]
    with kafka_wire.Connection(brook.bootstrap) as conn:
        result = legacy_wire.produce(conn, 0, topic, legacy_wire.wrapped_set(0, "lz4", records, kafka3160=True))
        assert result["error"] == 0
        # Kafka checks the header checksum from magic 1 on, so the same framing is corrupt there.
        broken_v1 = legacy_wire.wrapped_set(1, "lz4", records, kafka3160=True)
        assert legacy_wire.produce(conn, 1, topic, broken_v1)["error"] == ERR_CORRUPT_MESSAGE
    got = consume_confluent(brook.bootstrap, topic, 0, 2)
    assert [(r.key, r.value, r.timestamp) for r in got] == [(b"k", b"pre-0.10 lz4", -1), (None, b"second", -1)]


def test_log_append_time_topic_stamps_converted_records(brook, topic):
    create_topic(brook.bootstrap, topic, {"message.timestamp.type": "LogAppendTime"})
    before = int(time.time() * 1000)
    with kafka_wire.Connection(brook.bootstrap) as conn:
        result = legacy_wire.produce(conn, 2, topic, legacy_wire.wrapped_set(1, "gzip", [(b"k", b"v", 5), (b"k2", b"v2", 6)]))
    assert result["error"] == 0
    assert result["log_append_time"] >= before
    got = consume_confluent(brook.bootstrap, topic, 0, 2)
    assert [r.timestamp for r in got] == [result["log_append_time"]] * 2


def test_refusals(brook, topic):
    create_topic(brook.bootstrap, topic)
    good = legacy_wire.message_set(1, [(b"k", b"v", 1)])
    with kafka_wire.Connection(brook.bootstrap) as conn:
        # Produce v3+ carries record batches v2 only.
        assert legacy_wire.produce(conn, 3, topic, good)["error"] == ERR_INVALID_RECORD
        corrupt = bytearray(good)
        corrupt[-1] ^= 0xFF
        assert legacy_wire.produce(conn, 1, topic, bytes(corrupt))["error"] == ERR_CORRUPT_MESSAGE
        assert legacy_wire.produce(conn, 1, topic, good[:-2])["error"] == ERR_CORRUPT_MESSAGE
        zstd = legacy_wire.entry(0, legacy_wire.message(1, None, b"\x28\xb5\x2f\xfd", 1, attributes=4))
        assert legacy_wire.produce(conn, 2, topic, zstd)["error"] == ERR_UNSUPPORTED_COMPRESSION_TYPE
        nested = legacy_wire.entry(0, legacy_wire.message(
            0, None, legacy_wire.compress("gzip", legacy_wire.wrapped_set(0, "gzip", [(None, b"x", 0)])), attributes=1))
        assert legacy_wire.produce(conn, 0, topic, nested)["error"] == ERR_INVALID_RECORD
        mixed = legacy_wire.message_set(0, [(None, b"a", 0)]) + good
        assert legacy_wire.produce(conn, 0, topic, mixed)["error"] == ERR_INVALID_RECORD
        result = legacy_wire.produce(conn, 0, topic, good)
        assert result == {"partition": 0, "error": 0, "base_offset": 0}, "refusals must not use offsets"
