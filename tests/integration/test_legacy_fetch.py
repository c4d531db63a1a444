"""Fetch v0-v3 on the wire: a real brook down-converts what confluent-kafka produced (RecordBatch
v2, every codec) to magic 0 (v0-v1) and magic 1 (v2-v3); zstd is refused below Fetch v10;
message.downconversion.enable=false refuses v0-v3; Fetch v4+ still returns the stored batches."""

from __future__ import annotations

import threading

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from clients import produce_confluent, wait_for_topic
import legacy_wire
from kafka_wire import Connection, parse_batches
from legacy_fetch_wire import decode_message_set, fetch_legacy, lz4_frame_checksum_ok

BASE_TS = 1_700_000_000_000
UNSUPPORTED_VERSION = 35
UNSUPPORTED_COMPRESSION_TYPE = 76
CODECS = ["none", "gzip", "snappy", "lz4"]


def create_topic(bootstrap: str, name: str, config: dict | None = None) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})
    futures = admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1, config=config or {})])
    futures[name].result(timeout=20)
    wait_for_topic(bootstrap, name, 1)


def produce_batch(bootstrap: str, topic: str, codec: str, messages: list[dict]) -> None:
    # One batch per call: sent when it holds them all (batch.num.messages) or at the flush.
    produce_confluent(bootstrap, topic, messages, **{"compression.type": codec, "linger.ms": 2000,
                                                     "batch.num.messages": len(messages)})


def messages_for(codec: str, first: int) -> list[dict]:
    out = []
    for i in range(first, first + 3):
        key = None if i % 3 == 0 else f"k{i}".encode()
        value = None if i % 5 == 4 else f"{codec}-{i}".encode() * 20
        out.append({"key": key, "value": value, "timestamp": BASE_TS + i,
                    "headers": [("dropped", b"header")]})
    return out


def test_every_codec_is_down_converted(brook, topic):
    create_topic(brook.bootstrap, topic)
    expected = []
    for n, codec in enumerate(CODECS):
        msgs = messages_for(codec, n * 3)
        produce_batch(brook.bootstrap, topic, codec, msgs)
        expected += [(n * 3 + j, m["key"], m["value"], codec) for j, m in enumerate(msgs)]

    with Connection(brook.bootstrap) as conn:
        assert conn.api_versions()[1][0] == 0, "Fetch is advertised from v0"
        for version in range(4):
            part = fetch_legacy(conn, topic, 0, version)
            assert part.error_code == 0
            assert part.high_watermark == 12
            got = decode_message_set(part.records)
            magic = 0 if version <= 1 else 1
            assert [(m.offset, m.key, m.value, m.codec) for m in got] == expected, f"v{version}"
            assert {m.magic for m in got} == {magic}
            if magic == 1:
                assert [m.timestamp for m in got] == [BASE_TS + i for i in range(12)]
                assert not any(m.log_append_time for m in got)
            else:
                assert all(m.timestamp is None for m in got)
            # From the middle of the uncompressed batch: earlier records are left out.
            assert [m.offset for m in decode_message_set(fetch_legacy(conn, topic, 1, version).records)][:1] == [1]
            # Up to the high watermark: nothing, no error.
            tail = fetch_legacy(conn, topic, 12, version)
            assert (tail.error_code, tail.records) == (0, b"")

        # The lz4 wrapper carries Kafka's frame checksum per magic: the spec's for magic 1 only.
        for version, spec_checksum in [(0, False), (2, True)]:
            records = fetch_legacy(conn, topic, 9, version).records
            value_at = 12 + 4 + 2 + (8 if version >= 2 else 0) + 4 + 4
            assert lz4_frame_checksum_ok(records[value_at:]) is spec_checksum

        # Fetch v4+ returns the stored v2 batches untouched.
        # (librdkafka may split a call's messages over batches on a loaded machine: codecs in runs.)
        stored = [b.compression for b in parse_batches(conn.fetch(topic, 0, 0, version=4).records)]
        assert [c for i, c in enumerate(stored) if i == 0 or stored[i - 1] != c] == CODECS


def test_limits_keep_the_first_message_whole(brook, topic):
    create_topic(brook.bootstrap, topic)
    big = b"x" * 1000
    with Connection(brook.bootstrap) as conn:
        # One stored batch of four, sent as one raw request: librdkafka's linger may split a batch
        # on a loaded machine, and the limits below are about cutting inside one stored batch.
        produced = legacy_wire.produce(conn, 2, topic, legacy_wire.message_set(1, [(None, big, BASE_TS)] * 4))
        assert (produced["error"], produced["base_offset"]) == (0, 0)
        assert [b.record_count for b in parse_batches(conn.fetch(topic, 0, 0, version=4).records)] == [4]
        for version in range(4):
            one = decode_message_set(fetch_legacy(conn, topic, 0, version, partition_max_bytes=1).records)
            assert [(m.offset, m.value) for m in one] == [(0, big)], f"v{version}"
            two = fetch_legacy(conn, topic, 0, version, partition_max_bytes=2100)
            assert [m.offset for m in decode_message_set(two.records)] == [0, 1]
            assert len(two.records) <= 2100
        capped = fetch_legacy(conn, topic, 1, 3, response_max_bytes=10)
        assert [m.offset for m in decode_message_set(capped.records)] == [1]


def test_zstd_is_refused_below_fetch_v10(brook, topic):
    create_topic(brook.bootstrap, topic)
    # Compressible values: librdkafka sends a batch uncompressed when compression does not shrink it.
    before, after = b"before" * 100, b"zstd" * 100
    produce_batch(brook.bootstrap, topic, "gzip", [{"value": before}])
    produce_batch(brook.bootstrap, topic, "zstd", [{"value": after}])
    with Connection(brook.bootstrap) as conn:
        for version in range(4):
            head = fetch_legacy(conn, topic, 0, version)
            assert head.error_code == 0
            assert [m.value for m in decode_message_set(head.records)] == [before], f"v{version}"
            assert fetch_legacy(conn, topic, 1, version).error_code == UNSUPPORTED_COMPRESSION_TYPE
        for version in range(4, 10):
            assert [b.compression for b in parse_batches(conn.fetch(topic, 0, 0, version).records)] == ["gzip"]
            assert conn.fetch(topic, 0, 1, version).error_code == UNSUPPORTED_COMPRESSION_TYPE, f"v{version}"
        assert [b.compression for b in parse_batches(conn.fetch(topic, 0, 1, 10).records)] == ["zstd"]


def test_downconversion_disabled_refuses_old_fetches(brook, topic):
    create_topic(brook.bootstrap, topic, {"message.downconversion.enable": "false"})
    produce_batch(brook.bootstrap, topic, "none", [{"value": b"v"}])
    with Connection(brook.bootstrap) as conn:
        for version in range(4):
            part = fetch_legacy(conn, topic, 0, version)
            assert (part.error_code, part.records) == (UNSUPPORTED_VERSION, b""), f"v{version}"
        assert conn.fetch(topic, 0, 0, 4).error_code == 0


@pytest.mark.parametrize("version", [0, 3])
def test_long_poll_answers_when_min_bytes_arrive(brook, topic, version):
    create_topic(brook.bootstrap, topic)
    with Connection(brook.bootstrap) as conn:
        result = {}
        thread = threading.Thread(target=lambda: result.update(
            part=fetch_legacy(conn, topic, 0, version, max_wait_ms=8000)))
        thread.start()
        produce_batch(brook.bootstrap, topic, "snappy", [{"value": b"late" * 100}])
        thread.join(20)
        assert not thread.is_alive()
        got = decode_message_set(result["part"].records)
        assert [(m.value, m.codec) for m in got] == [(b"late" * 100, "snappy")]
