"""Raw Fetch v0-v3 frames and a small decoder of legacy message sets (magic 0 and 1), for testing
down-conversion without trusting any client library. Layouts: Kafka protocol guide, "Message
sets"; Fetch request/response v0-v3 from Kafka's FetchRequest.json / FetchResponse.json."""

from __future__ import annotations

import gzip
import struct
import zlib
from dataclasses import dataclass

import lz4.frame
from kafka.codec import snappy_decode

from kafka_wire import Connection, Reader, kstring

API_FETCH = 1
CODECS = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}


@dataclass
class LegacyMessage:
    offset: int
    magic: int
    codec: str            # the wrapper's codec, "none" when the message was not wrapped
    timestamp: int | None
    log_append_time: bool
    key: bytes | None
    value: bytes | None


@dataclass
class LegacyPartition:
    error_code: int
    high_watermark: int
    records: bytes


def fetch_legacy(conn: Connection, topic: str, offset: int, version: int, partition: int = 0,
                 partition_max_bytes: int = 1 << 20, response_max_bytes: int = 1 << 20,
                 max_wait_ms: int = 0, min_bytes: int = 1) -> LegacyPartition:
    """One Fetch v0-v3 for one partition (v3 adds the response-level max_bytes)."""
    assert 0 <= version <= 3
    body = struct.pack(">iii", -1, max_wait_ms, min_bytes)
    if version == 3:
        body += struct.pack(">i", response_max_bytes)
    body += struct.pack(">i", 1) + kstring(topic) + struct.pack(">i", 1)
    body += struct.pack(">iqi", partition, offset, partition_max_bytes)
    r = conn.request(API_FETCH, version, body)
    if version >= 1:
        r.int32()  # throttle time
    found = None
    for _ in range(r.array_len()):
        name = r.string()
        for _ in range(r.array_len()):
            index, error, hw = r.int32(), r.int16(), r.int64()
            records = r.bytes_() or b""
            if name == topic and index == partition:
                found = LegacyPartition(error, hw, records)
    assert r.pos == len(r.data), "trailing bytes in the Fetch response"
    if found is None:
        raise ValueError(f"no entry for {topic}/{partition}")
    return found


def _xxh32(data: bytes) -> int:
    """XXH32, seed 0, for the few bytes of an LZ4 frame descriptor."""
    p1, p2, p3, p4, p5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
    m = 0xFFFFFFFF

    def rotl(x, r):
        return ((x << r) | (x >> (32 - r))) & m

    assert len(data) < 16
    h = (p5 + len(data)) & m
    i = 0
    while i + 4 <= len(data):
        h = (rotl((h + struct.unpack("<I", data[i:i + 4])[0] * p3) & m, 17) * p4) & m
        i += 4
    for b in data[i:]:
        h = (rotl((h + b * p5) & m, 11) * p1) & m
    h ^= h >> 15
    h = (h * p2) & m
    h ^= h >> 13
    h = (h * p3) & m
    h ^= h >> 16
    return h


def lz4_frame_checksum_ok(frame: bytes) -> bool:
    """Whether the frame's header checksum is the LZ4 spec's (over FLG and BD only)."""
    return frame[6] == (_xxh32(frame[4:6]) >> 8) & 0xFF


def _decompress(codec: int, magic: int, data: bytes) -> bytes:
    if codec == 1:
        return gzip.decompress(data)
    if codec == 2:
        return snappy_decode(data)  # raw or xerial-framed
    if codec == 3:
        if magic == 0:
            # Kafka hashes the frame magic too for magic 0 (KAFKA-3160); fix it as clients do.
            data = data[:6] + bytes([(_xxh32(data[4:6]) >> 8) & 0xFF]) + data[7:]
        return lz4.frame.decompress(data)
    raise ValueError(f"codec {codec} in a legacy wrapper")


def decode_message_set(data: bytes, nested: bool = False) -> list[LegacyMessage]:
    """Messages of a legacy message set, CRC-checked, wrappers unpacked; a trailing partial
    message (cut by the fetch size) is ignored as clients do."""
    out: list[LegacyMessage] = []
    pos = 0
    while len(data) - pos >= 12:
        offset, size = struct.unpack_from(">qi", data, pos)
        if size < 14:
            raise ValueError(f"message size {size}")
        if len(data) - pos - 12 < size:
            if nested:
                raise ValueError("partial message inside a wrapper")
            break
        r = Reader(data[pos + 12:pos + 12 + size])
        pos += 12 + size
        crc = r.uint32()
        if zlib.crc32(r.data[4:]) & 0xFFFFFFFF != crc:
            raise ValueError(f"bad CRC at offset {offset}")
        magic, attributes = r.int8(), r.int8()
        if magic not in (0, 1):
            raise ValueError(f"magic {magic}")
        timestamp = r.int64() if magic == 1 else None
        key, value = r.bytes_(), r.bytes_()
        if r.pos != len(r.data):
            raise ValueError("trailing bytes in a message")
        codec = attributes & 0x07
        log_append = magic == 1 and bool(attributes & 0x08)
        if codec == 0:
            out.append(LegacyMessage(offset, magic, "none", timestamp, log_append, key, value))
            continue
        if nested or value is None:
            raise ValueError("nested or empty wrapper")
        inner = decode_message_set(_decompress(codec, magic, value), nested=True)
        if not inner:
            raise ValueError("empty wrapper")
        shift = offset - inner[-1].offset if magic == 1 else 0  # magic 1: relative inner offsets
        for m in inner:
            if m.magic != magic:
                raise ValueError("inner magic differs from the wrapper's")
            m.offset += shift
            m.codec = CODECS[codec]
            out.append(m)
    return out
