"""A compressed batch whose record count cannot fit in any section the broker would decompress
(7 bytes a record at least) is refused at produce with INVALID_RECORD, instead of being stored
unopened for ListOffsets, the cleaner or recompression to expand later."""

from __future__ import annotations

import struct
import subprocess

from kafka_wire import API_PRODUCE, Connection, crc32c, kstring
from confluent_kafka.admin import AdminClient, NewTopic

INVALID_RECORD = 87


def zstd_batch(section: bytes, record_count: int, timestamp: int = 1_700_000_000_000) -> bytes:
    """A RecordBatch v2 with `record_count` in its header and `section` zstd-compressed as its records."""
    body = subprocess.run(["zstd", "-q", "-c", "-19"], input=section, capture_output=True, check=True,
                          timeout=60).stdout
    after_crc = struct.pack(">hiqqqhii", 4, record_count - 1, timestamp, timestamp, -1, -1, -1, record_count) + body
    batch_length = 4 + 1 + 4 + len(after_crc)  # partitionLeaderEpoch, magic, crc, then the rest
    return struct.pack(">qiibI", 0, batch_length, -1, 2, crc32c(after_crc)) + after_crc


def produce_v7(conn: Connection, topic: str, records: bytes) -> int:
    body = kstring(None) + struct.pack(">hi", 1, 10_000) + struct.pack(">i", 1) + kstring(topic)
    body += struct.pack(">i", 1) + struct.pack(">i", 0) + struct.pack(">i", len(records)) + records
    r = conn.request(API_PRODUCE, 7, body)
    assert r.array_len() == 1 and r.string() == topic and r.array_len() == 1
    assert r.int32() == 0
    return r.int16()


def test_a_record_count_absurd_for_the_decompression_cap_is_refused(brook, topic):
    admin = AdminClient({"bootstrap.servers": brook.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(timeout=20)
    # 31 million records declared in a few KB of zstd: at 7 bytes each they need 217 MB, more than
    # socket.request.max.bytes (100 MiB), the most the broker will ever decompress for a produce.
    absurd = zstd_batch(bytes(8 * 1024 * 1024), 31_000_000)
    assert len(absurd) < 64 * 1024
    with Connection(brook.bootstrap) as conn:
        assert produce_v7(conn, topic, absurd) == INVALID_RECORD
        # A plausible count in the same kind of batch is still stored without being opened.
        assert produce_v7(conn, topic, zstd_batch(bytes(8 * 1024 * 1024), 1_000)) == 0
