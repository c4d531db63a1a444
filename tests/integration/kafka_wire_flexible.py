"""Flexible-version (KIP-482) encoding for the few requests no Python client sends, such as
DescribeTopicPartitions, which `kafka-topics.sh --describe` (Kafka 3.7+) uses. Request header v2,
compact strings/arrays (length + 1 as an unsigned varint) and empty tagged-field sections."""

from __future__ import annotations

import struct

from kafka_wire import Connection, Reader, frame, kstring, recv_frame

API_DESCRIBE_TOPIC_PARTITIONS = 75


def uvarint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def compact_string(s: str | None) -> bytes:
    if s is None:
        return uvarint(0)
    raw = s.encode()
    return uvarint(len(raw) + 1) + raw


NO_TAGS = uvarint(0)


class FlexibleReader(Reader):
    """Reader plus the compact and varint forms of flexible versions."""

    def fixed(self, fmt: str):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def uvarint(self) -> int:
        shift = result = 0
        while True:
            byte = self.take(1)[0]
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7

    def compact_string(self) -> str | None:
        n = self.uvarint()
        return None if n == 0 else self.take(n - 1).decode()

    def compact_int32_array(self) -> list[int] | None:
        n = self.uvarint()
        return None if n == 0 else [self.fixed(">i") for _ in range(n - 1)]

    def skip_tags(self) -> None:
        for _ in range(self.uvarint()):
            self.uvarint()
            self.take(self.uvarint())


def flexible_request(conn: Connection, api_key: int, version: int, body: bytes) -> FlexibleReader:
    """Sends with request header v2 and returns a reader past response header v1."""
    conn.correlation_id += 1
    header = struct.pack(">hhi", api_key, version, conn.correlation_id) + kstring("brook-it") + NO_TAGS
    conn.sock.sendall(frame(header + body))
    reader = FlexibleReader(recv_frame(conn.sock))
    assert reader.fixed(">i") == conn.correlation_id
    reader.skip_tags()
    return reader


def describe_topic_partitions(conn: Connection, topics: list[str], limit: int = 2000,
                              cursor: tuple[str, int] | None = None) -> dict:
    """DescribeTopicPartitions v0, as Kafka's admin client sends it; the response as plain dicts."""
    body = uvarint(len(topics) + 1) + b"".join(compact_string(t) + NO_TAGS for t in topics)
    body += struct.pack(">i", limit)
    if cursor is None:
        body += struct.pack(">b", -1)
    else:
        body += struct.pack(">b", 1) + compact_string(cursor[0]) + struct.pack(">i", cursor[1]) + NO_TAGS
    r = flexible_request(conn, API_DESCRIBE_TOPIC_PARTITIONS, 0, body + NO_TAGS)
    out = {"throttle_time_ms": r.fixed(">i"), "topics": []}
    for _ in range(r.uvarint() - 1):
        topic = {"error_code": r.fixed(">h"), "name": r.compact_string(), "topic_id": r.take(16).hex(),
                 "is_internal": r.fixed(">?"), "partitions": []}
        for _ in range(r.uvarint() - 1):
            topic["partitions"].append({
                "error_code": r.fixed(">h"), "partition": r.fixed(">i"), "leader": r.fixed(">i"),
                "leader_epoch": r.fixed(">i"), "replicas": r.compact_int32_array(),
                "isr": r.compact_int32_array(), "eligible_leader_replicas": r.compact_int32_array(),
                "last_known_elr": r.compact_int32_array(), "offline": r.compact_int32_array()})
            r.skip_tags()
        topic["authorized_operations"] = r.fixed(">i")
        r.skip_tags()
        out["topics"].append(topic)
    if r.fixed(">b") >= 0:
        out["next_cursor"] = (r.compact_string(), r.fixed(">i"))
        r.skip_tags()
    else:
        out["next_cursor"] = None
    r.skip_tags()
    assert r.pos == len(r.data), "trailing bytes in the response"
    return out
