"""Test-side writer of legacy message sets (magic 0 and 1, the protocol guide's "Message sets")
and of Produce v0-2 requests, for sending what old clients send over a raw socket."""

from __future__ import annotations

import gzip
import struct
import zlib

import lz4.frame
import snappy

import kafka_wire

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "snappy-xerial": 2, "lz4": 3, "zstd": 4}
XERIAL_MAGIC = b"\x82SNAPPY\x00"


def message(magic: int, key: bytes | None, value: bytes | None, timestamp: int = 0, attributes: int = 0) -> bytes:
    """crc, magic, attributes, [timestamp], key, value."""
    body = struct.pack(">bb", magic, attributes)
    if magic == 1:
        body += struct.pack(">q", timestamp)
    for field in (key, value):
        body += struct.pack(">i", -1) if field is None else struct.pack(">i", len(field)) + field
    return struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF) + body


def entry(offset: int, msg: bytes) -> bytes:
    return struct.pack(">qi", offset, len(msg)) + msg


def message_set(magic: int, records: list[tuple[bytes | None, bytes | None, int]], attributes: int = 0) -> bytes:
    """Uncompressed set of (key, value, timestamp), offsets 0, 1, 2... as producers write them."""
    return b"".join(entry(i, message(magic, k, v, ts, attributes)) for i, (k, v, ts) in enumerate(records))


def _xxh32_short(data: bytes) -> int:
    """XXH32, seed 0, for inputs under 16 bytes (xxHash specification)."""
    p1, p2, p3, p4, p5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
    mask = 0xFFFFFFFF

    def rotl(x, r):
        return ((x << r) | (x >> (32 - r))) & mask
    assert len(data) < 16
    h = (p5 + len(data)) & mask
    i = 0
    while len(data) - i >= 4:
        (lane,) = struct.unpack("<I", data[i:i + 4])
        h = (rotl((h + lane * p3) & mask, 17) * p4) & mask
        i += 4
    for b in data[i:]:
        h = (rotl((h + b * p5) & mask, 11) * p1) & mask
    h ^= h >> 15
    h = (h * p2) & mask
    h ^= h >> 13
    h = (h * p3) & mask
    h ^= h >> 16
    return h


def compress(codec: str, data: bytes, kafka3160: bool = False) -> bytes:
    if codec == "gzip":
        return gzip.compress(data)
    if codec == "snappy":
        return snappy.compress(data)
    if codec == "snappy-xerial":
        # snappy-java's stream (the Java client): magic, version 1, compatible 1, [length, block].
        block = snappy.compress(data)
        return XERIAL_MAGIC + struct.pack(">ii", 1, 1) + struct.pack(">i", len(block)) + block
    if codec == "lz4":
        frame = bytearray(lz4.frame.compress(data, block_size=lz4.frame.BLOCKSIZE_MAX64KB, block_linked=False,
                                             content_checksum=False, store_size=False))
        assert frame[4] & 0x09 == 0, "descriptor with optional fields"
        if kafka3160:
            # Pre-0.10 clients hashed the frame magic too (KAFKA-3160).
            frame[6] = (_xxh32_short(bytes(frame[0:6])) >> 8) & 0xFF
        return bytes(frame)
    raise ValueError(codec)


def wrapped_set(magic: int, codec: str, records: list[tuple[bytes | None, bytes | None, int]],
                kafka3160: bool = False) -> bytes:
    """One wrapper message holding `records` compressed; a magic 1 wrapper's offset is its last
    inner (relative) offset, as the Java client writes it."""
    inner = message_set(magic, records)
    value = compress(codec, inner, kafka3160)
    timestamp = max(ts for _, _, ts in records) if magic == 1 else 0
    return entry(len(records) - 1 if magic == 1 else 0,
                 message(magic, None, value, timestamp, attributes=CODECS[codec]))


def produce_request(version: int, topic: str, records: bytes, acks: int = -1, timeout_ms: int = 10000,
                    partition: int = 0) -> bytes:
    """Produce v0-3 body: [v3: transactional_id], acks, timeout, [topic, [partition, records]]."""
    assert 0 <= version <= 3
    return ((kafka_wire.kstring(None) if version == 3 else b"") + struct.pack(">hi", acks, timeout_ms) + struct.pack(">i", 1) + kafka_wire.kstring(topic)
            + struct.pack(">i", 1) + struct.pack(">i", partition) + struct.pack(">i", len(records)) + records)


def produce(conn: kafka_wire.Connection, version: int, topic: str, records: bytes) -> dict:
    """Sends Produce v0-3 and returns the one partition's {error, base_offset, log_append_time}."""
    r = conn.request(kafka_wire.API_PRODUCE, version, produce_request(version, topic, records))
    assert r.array_len() == 1
    assert r.string() == topic
    assert r.array_len() == 1
    out = {"partition": r.int32(), "error": r.int16(), "base_offset": r.int64()}
    if version >= 2:
        out["log_append_time"] = r.int64()
    if version >= 1:
        out["throttle_time_ms"] = r.int32()
    assert r.pos == len(r.data), "trailing bytes in the response"
    return out
