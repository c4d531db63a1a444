"""Raw frames for the oldest API versions old clients still send (sarama 1.22, Burrow,
librdkafka with broker.version.fallback 0.9/0.10, kafka-python api_version=(0, 10)).

Layouts are Kafka's protocol definitions for these versions; all are non-flexible, so the
response header is v0 (kafka_wire.Connection.request reads it)."""

from __future__ import annotations

import struct

from kafka_wire import Connection, Reader, kstring

API_LIST_OFFSETS = 2
API_OFFSET_COMMIT = 8
API_OFFSET_FETCH = 9
API_FIND_COORDINATOR = 10
API_CREATE_TOPICS = 19


def _array(items: list[bytes]) -> bytes:
    return struct.pack(">i", len(items)) + b"".join(items)


def create_topic_v0(conn: Connection, name: str, partitions: int, timeout_ms: int = 10_000) -> int:
    """CreateTopics v0 with one topic; returns its error code."""
    topic = kstring(name) + struct.pack(">ih", partitions, 1) + _array([]) + _array([])
    r = conn.request(API_CREATE_TOPICS, 0, _array([topic]) + struct.pack(">i", timeout_ms))
    assert r.array_len() == 1
    assert r.string() == name
    return r.int16()


def find_coordinator_v0(conn: Connection, group: str) -> tuple[int, int, str, int]:
    """(error, node id, host, port)."""
    r = conn.request(API_FIND_COORDINATOR, 0, kstring(group))
    return r.int16(), r.int32(), r.string(), r.int32()


def offset_commit_v1(conn: Connection, group: str, topic: str, offsets: dict[int, int],
                     generation: int = -1, member: str = "", commit_timestamp: int = -1,
                     metadata: str | None = "") -> dict[int, int]:
    """OffsetCommit v1 (sarama 1.22's version); returns {partition: error code}."""
    partitions = [struct.pack(">iqq", p, o, commit_timestamp) + kstring(metadata) for p, o in offsets.items()]
    body = kstring(group) + struct.pack(">i", generation) + kstring(member) + \
        _array([kstring(topic) + _array(partitions)])
    return _commit_errors(conn.request(API_OFFSET_COMMIT, 1, body))


def offset_commit_v0(conn: Connection, group: str, topic: str, offsets: dict[int, int],
                     metadata: str | None = "") -> dict[int, int]:
    partitions = [struct.pack(">iq", p, o) + kstring(metadata) for p, o in offsets.items()]
    body = kstring(group) + _array([kstring(topic) + _array(partitions)])
    return _commit_errors(conn.request(API_OFFSET_COMMIT, 0, body))


def _commit_errors(r: Reader) -> dict[int, int]:
    out = {}
    for _ in range(r.array_len()):
        r.string()
        for _ in range(r.array_len()):
            p = r.int32()
            out[p] = r.int16()
    return out


def offset_fetch(conn: Connection, version: int, group: str, topic: str,
                 partitions: list[int]) -> dict[int, tuple[int, str | None, int]]:
    """OffsetFetch v0 or v1 (same layout); returns {partition: (offset, metadata, error)}."""
    assert version in (0, 1)
    body = kstring(group) + _array([kstring(topic) + _array([struct.pack(">i", p) for p in partitions])])
    r = conn.request(API_OFFSET_FETCH, version, body)
    out = {}
    for _ in range(r.array_len()):
        r.string()
        for _ in range(r.array_len()):
            p = r.int32()
            out[p] = (r.int64(), r.string(), r.int16())
    return out


def list_offsets_v0(conn: Connection, topic: str, partition: int, timestamp: int,
                    max_num_offsets: int, replica_id: int = -1) -> tuple[int, list[int]]:
    """ListOffsets v0 (Burrow, sarama 1.22); returns (error, old_style_offsets)."""
    part = struct.pack(">iqi", partition, timestamp, max_num_offsets)
    body = struct.pack(">i", replica_id) + _array([kstring(topic) + _array([part])])
    r = conn.request(API_LIST_OFFSETS, 0, body)
    assert r.array_len() == 1
    r.string()
    assert r.array_len() == 1
    assert r.int32() == partition
    error = r.int16()
    return error, [r.int64() for _ in range(r.array_len())]
