"""Helpers for `test_old_clients.py`: a broker behind the recording proxy of
`scripts/capture-frames.py`, readers for the record sets inside captured Produce requests and Fetch
responses (to prove which message format really travelled), and group produce/consume routines for
kafka-python and librdkafka pinned to old protocol versions."""

from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from brook_harness import REPO_ROOT

CLIENT_TIMEOUT = 30.0


def _load_capture_frames():
    name = "capture_frames"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / "capture-frames.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


capture_frames = _load_capture_frames()


# --- a broker behind the recording proxy ---------------------------------------------------------

class ProxiedBrook:
    """A brook whose advertised address is the proxy, so every connection is recorded; the proxy
    keeps its port across broker restarts (clients see one stable address).

    With BROOK_CAPTURE_DIR set, the frames are also written to $BROOK_CAPTURE_DIR/<name>/ (the
    golden layout), which is how Tests/Fixtures/golden/old-clients is refreshed."""

    def __init__(self, brook_factory, name: str, settings: dict | None = None):
        capture_root = os.environ.get("BROOK_CAPTURE_DIR")
        out_dir = None
        if capture_root:
            out_dir = Path(capture_root) / name
            if out_dir.exists():
                for old in out_dir.iterdir():
                    old.unlink()
        self.proxy = capture_frames.CaptureProxy(out_dir=out_dir)
        merged = {"advertised.listeners": f"PLAINTEXT://{self.proxy.address}"}
        merged.update(settings or {})
        self.broker = brook_factory(settings=merged, name=name)
        self.proxy.set_target(self.broker.host, self.broker.port)

    @property
    def bootstrap(self) -> str:
        return self.proxy.address

    def restart(self) -> None:
        self.broker.restart()
        self.proxy.set_target(self.broker.host, self.broker.port)

    def close(self) -> None:
        self.proxy.close()

    def exchanges(self):
        return self.proxy.exchanges

    def versions_used(self) -> dict[str, set[int]]:
        used: dict[str, set[int]] = {}
        for exchange in self.exchanges():
            used.setdefault(exchange.api, set()).add(exchange.version)
        return used


# --- record sets inside captured frames ----------------------------------------------------------

class _Reader:
    def __init__(self, data: bytes, position: int = 0):
        self.data = data
        self.position = position

    def take(self, n: int) -> bytes:
        if n < 0 or self.position + n > len(self.data):
            raise ValueError(f"truncated: need {n} bytes at {self.position} of {len(self.data)}")
        chunk = self.data[self.position:self.position + n]
        self.position += n
        return chunk

    def int8(self) -> int:
        return struct.unpack(">b", self.take(1))[0]

    def int16(self) -> int:
        return struct.unpack(">h", self.take(2))[0]

    def int32(self) -> int:
        return struct.unpack(">i", self.take(4))[0]

    def int64(self) -> int:
        return struct.unpack(">q", self.take(8))[0]

    def string(self) -> str | None:
        n = self.int16()
        return None if n < 0 else self.take(n).decode()

    def nullable_bytes(self) -> bytes | None:
        n = self.int32()
        return None if n < 0 else self.take(n)


def _skip_request_header(frame: bytes) -> _Reader:
    # size, api key, api version, correlation id, client id (request header v1: every old version)
    reader = _Reader(frame, 12)
    reader.string()
    return reader


def produce_record_sets(frame: bytes, version: int) -> list[tuple[str, int, bytes]]:
    """(topic, partition, records) of a non-flexible Produce request (v0–8)."""
    reader = _skip_request_header(frame)
    if version >= 3:
        reader.string()  # transactional_id
    reader.int16()  # acks
    reader.int32()  # timeout
    out = []
    for _ in range(reader.int32()):
        topic = reader.string()
        for _ in range(reader.int32()):
            partition = reader.int32()
            records = reader.nullable_bytes()
            out.append((topic, partition, records or b""))
    return out


def fetch_record_sets(frame: bytes, version: int) -> list[tuple[str, int, int, bytes]]:
    """(topic, partition, error code, records) of a non-flexible Fetch response (v0–11)."""
    reader = _Reader(frame, 8)  # size, correlation id
    if version >= 1:
        reader.int32()  # throttle_time_ms
    if version >= 7:
        reader.int16()  # error_code
        reader.int32()  # session_id
    out = []
    for _ in range(reader.int32()):
        topic = reader.string()
        for _ in range(reader.int32()):
            partition = reader.int32()
            error = reader.int16()
            reader.int64()  # high watermark
            if version >= 4:
                reader.int64()  # last stable offset
                if version >= 5:
                    reader.int64()  # log start offset
                aborted = reader.int32()
                for _ in range(max(aborted, 0)):
                    reader.int64()
                    reader.int64()
            if version >= 11:
                reader.int32()  # preferred read replica
            records = reader.nullable_bytes()
            out.append((topic, partition, error, records or b""))
    return out


@dataclass(frozen=True)
class Entry:
    """One top-level entry of a record set: a legacy message (magic 0/1, possibly a compressed
    wrapper) or a record batch (magic 2)."""
    offset: int
    magic: int
    codec: int  # 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd


def record_set_entries(records: bytes) -> list[Entry]:
    """Top-level entries; a partial entry at the end (Fetch may cut one) is ignored. Both layouts
    put the magic byte at offset 16: offset(8) size(4) crc(4) magic for legacy messages, base
    offset(8) length(4) leader epoch(4) magic for batches."""
    entries = []
    position = 0
    while position + 17 <= len(records):
        offset, size = struct.unpack_from(">qi", records, position)
        if size < 0 or position + 12 + size > len(records):
            break
        magic = records[position + 16]
        if magic == 2:
            (attributes,) = struct.unpack_from(">h", records, position + 21)
        else:
            attributes = records[position + 17]
        entries.append(Entry(offset, magic, attributes & 0x07))
        position += 12 + size
    return entries


def produced_entries(proxied: ProxiedBrook, topic: str) -> list[tuple[int, Entry]]:
    """(produce version, entry) for every record-set entry the clients sent to `topic`."""
    out = []
    for exchange in proxied.exchanges():
        if exchange.api != "Produce" or exchange.version > 8:  # v9+ is flexible: not read here
            continue
        for name, _, records in produce_record_sets(exchange.request, exchange.version):
            if name == topic:
                out.extend((exchange.version, entry) for entry in record_set_entries(records))
    return out


def fetched_entries(proxied: ProxiedBrook, topic: str) -> list[tuple[int, Entry]]:
    """(fetch version, entry) for every record-set entry the broker returned from `topic`."""
    out = []
    for exchange in proxied.exchanges():
        if exchange.api != "Fetch" or exchange.response is None or exchange.version > 11:
            continue
        for name, _, _, records in fetch_record_sets(exchange.response, exchange.version):
            if name == topic:
                out.extend((exchange.version, entry) for entry in record_set_entries(records))
    return out


# --- clients -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Consumed:
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp: int


def messages_for(codec: str | None, count: int, base_timestamp: int) -> list[dict]:
    label = codec or "none"
    # Repetitive values so the compressed wrappers really are compressed.
    return [{"key": f"key-{label}-{i}".encode(),
             "value": (f"value-{label}-{i}-" + "abcdefgh" * 20).encode(),
             "timestamp": base_timestamp + i}
            for i in range(count)]


def produce_kafka_python(bootstrap: str, topic: str, messages: list[dict], api_version: tuple,
                         codec: str | None) -> list[int]:
    """Offsets, in send order. Below (0, 11) kafka-python turns idempotence off by itself."""
    from kafka import KafkaProducer

    p = KafkaProducer(bootstrap_servers=bootstrap, api_version=api_version, acks="all",
                      compression_type=codec, linger_ms=20, request_timeout_ms=15000,
                      max_block_ms=15000, retries=2, client_id="brook-it-old-kafka-python")
    try:
        futures = [p.send(topic, key=m["key"], value=m["value"], partition=0,
                          timestamp_ms=m["timestamp"]) for m in messages]
        p.flush(timeout=CLIENT_TIMEOUT)
        return [f.get(timeout=CLIENT_TIMEOUT).offset for f in futures]
    finally:
        p.close(timeout=5)


def consume_group_kafka_python(bootstrap: str, topic: str, group: str, api_version: tuple,
                               count: int) -> tuple[list[Consumed], int | None]:
    """Joins `group`, reads `count` records, commits the offset after the last one and returns
    (records, what committed() reads back)."""
    from kafka import KafkaConsumer, OffsetAndMetadata
    from kafka import TopicPartition as KTopicPartition

    c = KafkaConsumer(topic, bootstrap_servers=bootstrap, api_version=api_version, group_id=group,
                      enable_auto_commit=False, auto_offset_reset="earliest",
                      session_timeout_ms=10000, heartbeat_interval_ms=3000,
                      request_timeout_ms=15000, client_id="brook-it-old-kafka-python")
    out: list[Consumed] = []
    try:
        deadline = time.monotonic() + CLIENT_TIMEOUT
        while len(out) < count and time.monotonic() < deadline:
            for records in c.poll(timeout_ms=500).values():
                out.extend(Consumed(r.offset, r.key, r.value, r.timestamp) for r in records)
        assert len(out) >= count, f"kafka-python {api_version} read {len(out)} of {count} records"
        out = out[:count]
        tp = KTopicPartition(topic, 0)
        c.commit({tp: OffsetAndMetadata(out[-1].offset + 1, "", -1)})
        committed = c.committed(tp)
    finally:
        c.close(autocommit=False)
    return out, committed


def rdkafka_settings(fallback: str) -> dict:
    return {"api.version.request": False, "broker.version.fallback": fallback}


def produce_confluent(bootstrap: str, topic: str, messages: list[dict], fallback: str,
                      codec: str | None) -> list[int]:
    from clients import produce_confluent as produce

    config = rdkafka_settings(fallback)
    config["compression.codec"] = codec or "none"
    config["client.id"] = "brook-it-old-librdkafka"
    deliveries = produce(bootstrap, topic, [dict(m, partition=0) for m in messages], **config)
    by_key = {d.key: d.offset for d in deliveries}
    return [by_key[m["key"]] for m in messages]


def consume_group_confluent(bootstrap: str, topic: str, group: str, fallback: str,
                            count: int) -> tuple[list[Consumed], int | None]:
    from confluent_kafka import Consumer, KafkaError, TopicPartition

    config = {"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
              "auto.offset.reset": "earliest", "session.timeout.ms": 10000,
              "socket.timeout.ms": 10000, "client.id": "brook-it-old-librdkafka"}
    config.update(rdkafka_settings(fallback))
    c = Consumer(config)
    out: list[Consumed] = []
    try:
        c.subscribe([topic])
        deadline = time.monotonic() + CLIENT_TIMEOUT
        while len(out) < count and time.monotonic() < deadline:
            msg = c.poll(0.5)
            if msg is None:
                continue
            if msg.error() is not None:
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise AssertionError(f"librdkafka {fallback} consumer error: {msg.error()}")
            _, ts = msg.timestamp()
            out.append(Consumed(msg.offset(), msg.key(), msg.value(), ts))
        assert len(out) >= count, f"librdkafka {fallback} read {len(out)} of {count} records"
        out = out[:count]
        c.commit(offsets=[TopicPartition(topic, 0, out[-1].offset + 1)], asynchronous=False)
        committed = c.committed([TopicPartition(topic, 0)], timeout=10)[0].offset
    finally:
        c.close()
    return out, committed


def kcat_produce(kcat: str, bootstrap: str, topic: str, messages: list[dict], fallback: str,
                 codec: str | None) -> None:
    lines = b"".join(m["key"] + b"=" + m["value"] + b"\n" for m in messages)
    args = [kcat, "-b", bootstrap, "-P", "-t", topic, "-p", "0", "-K", "=",
            "-X", "api.version.request=false", "-X", f"broker.version.fallback={fallback}",
            "-X", "acks=all"]
    if codec:
        args += ["-z", codec]
    result = subprocess.run(args, input=lines, capture_output=True, timeout=CLIENT_TIMEOUT)
    assert result.returncode == 0, f"kcat produce ({codec}) failed: {result.stderr.decode()}"


def kcat_consume_group(kcat: str, bootstrap: str, topic: str, group: str, fallback: str,
                       count: int) -> list[Consumed]:
    """A balanced-group kcat reading `count` records; librdkafka commits what kcat consumed when
    it closes (auto commit)."""
    args = [kcat, "-b", bootstrap, "-G", group, "-c", str(count), "-f", "%o %k %s\\n",
            "-X", "api.version.request=false", "-X", f"broker.version.fallback={fallback}",
            "-X", "auto.offset.reset=earliest", topic]
    result = subprocess.run(args, capture_output=True, timeout=CLIENT_TIMEOUT)
    assert result.returncode == 0, f"kcat group consume failed: {result.stderr.decode()}"
    out = []
    for line in result.stdout.decode().splitlines():
        offset, key, value = line.split(" ", 2)
        out.append(Consumed(int(offset), key.encode(), value.encode(), -1))
    return out
