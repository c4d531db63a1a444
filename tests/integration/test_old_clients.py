"""Clients pinned to old protocol versions work as against Kafka 3.x: kafka-python with
`api_version=(0, 10)` (Produce v2, message format 1) and `(0, 9)` (Produce v1, format 0), librdkafka
and kcat with `api.version.request=false` and `broker.version.fallback` 0.9.0.0 / 0.10.0.0.

Each produces keyed records with every codec it can use, reads them back in order in a consumer
group, commits in the middle of a compressed wrapper, and after a broker restart a new member resumes
from the committed offset. A recording proxy (`scripts/capture-frames.py`) sits in front of the
broker, so each test also checks what really travelled: the API versions the client used, the
message format and codec of every produced entry, and that Fetch v0–3 answers were down-converted to
the format of their version (v0/v1: magic 0, v2/v3: magic 1), as Kafka does with
`message.downconversion.enable=true`.

librdkafka (and kcat) with `broker.version.fallback` >= 0.10.0 still send ApiVersions although
`api.version.request=false` (the fallback turns the feature back on), so against a broker that
answers it they use current versions; those rows check only that they work.

The last tests check the recording proxy itself against a stand-in broker.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest

from old_clients import (ProxiedBrook, consume_group_confluent, consume_group_kafka_python,
                         fetch_record_sets, fetched_entries, kcat_consume_group, kcat_produce,
                         messages_for, produce_confluent, produce_kafka_python, produced_entries)

PER_CODEC = 5
# Commit inside the second (gzip) wrapper, so the resumed member fetches from the middle of a
# compressed entry.
COMMIT_AFTER = 7
CODECS = (None, "gzip", "snappy", "lz4")
CODEC_IDS = {None: 0, "none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
BASE_TIMESTAMP = 1_700_000_000_000

# Versions each client pins (from its own tables: kafka-python's BROKER_API_VERSIONS, librdkafka's
# feature map for the fallback version). A used API outside its entry fails the test.
KAFKA_PYTHON_0_10 = {"ApiVersions": {0}, "Metadata": {1}, "Produce": {2}, "Fetch": {2},
                     "ListOffsets": {0}, "FindCoordinator": {0}, "JoinGroup": {0},
                     "SyncGroup": {0}, "Heartbeat": {0}, "LeaveGroup": {0}, "OffsetCommit": {2},
                     "OffsetFetch": {1}}
KAFKA_PYTHON_0_9 = {"Metadata": {0}, "Produce": {1}, "Fetch": {1}, "ListOffsets": {0},
                    "FindCoordinator": {0}, "JoinGroup": {0}, "SyncGroup": {0}, "Heartbeat": {0},
                    "LeaveGroup": {0}, "OffsetCommit": {2}, "OffsetFetch": {1}}
LIBRDKAFKA_0_9 = {"Metadata": {0}, "Produce": {1}, "Fetch": {1}, "ListOffsets": {0},
                  "FindCoordinator": {0}, "JoinGroup": {0}, "SyncGroup": {0}, "Heartbeat": {0},
                  "LeaveGroup": {0}, "OffsetCommit": {2}, "OffsetFetch": {1}}
OLD_REQUIRED = {"Produce", "Fetch", "ListOffsets", "JoinGroup", "SyncGroup", "OffsetCommit",
                "OffsetFetch"}


@dataclass(frozen=True)
class Setting:
    """One client pinned to one old protocol level."""
    name: str
    client: str  # "kafka-python" or "librdkafka"
    level: object  # kafka-python api_version tuple or librdkafka broker.version.fallback
    produce_magic: int
    versions: dict[str, set[int]] | None  # None: the client negotiates current versions
    required: set[str] = field(default_factory=lambda: set(OLD_REQUIRED))
    codecs: tuple = CODECS

    def __str__(self) -> str:
        return self.name


SETTINGS = [
    Setting("kafkapython-0.10", "kafka-python", (0, 10), 1, KAFKA_PYTHON_0_10),
    # kafka-python writes format-0 lz4 (the pre-KIP-57 frame checksum) through the xxhash
    # package, which scripts/install-deps.sh installs.
    Setting("kafkapython-0.9", "kafka-python", (0, 9), 0, KAFKA_PYTHON_0_9),
    Setting("librdkafka-0.9.0.0", "librdkafka", "0.9.0.0", 0, LIBRDKAFKA_0_9),
    Setting("librdkafka-0.10.0.0", "librdkafka", "0.10.0.0", 2, None, {"ApiVersions", "Produce", "Fetch"}),
]


def expected_fetch_magic(fetch_version: int) -> int:
    # Kafka down-converts to the newest format a Fetch version can carry.
    return 0 if fetch_version <= 1 else 1 if fetch_version <= 3 else 2


def check_wire(proxied: ProxiedBrook, topic: str, produce_magic: int, codecs,
               versions: dict[str, set[int]] | None, required: set[str]) -> None:
    used = proxied.versions_used()
    missing = required - used.keys()
    assert not missing, f"the client never sent {sorted(missing)}; it used {used}"
    if versions is None:
        # Negotiated current versions: record batches v2 both ways (checked in other suites).
        assert min(used["Produce"]) >= 3 and min(used["Fetch"]) >= 4, f"used {used}"
        return
    unexpected = {api: sorted(v) for api, v in used.items() if not v <= versions.get(api, set())}
    assert not unexpected, f"versions outside the client's pinned ones: {unexpected}"

    produced = produced_entries(proxied, topic)
    assert produced, "no Produce request carried records for the topic"
    assert {e.magic for _, e in produced} == {produce_magic}, f"produced formats: {produced}"
    assert {e.codec for _, e in produced} == {CODEC_IDS[c] for c in codecs}

    fetched = fetched_entries(proxied, topic)
    assert fetched, "no Fetch response carried records for the topic"
    wrong = [(v, e) for v, e in fetched if e.magic != expected_fetch_magic(v)]
    assert not wrong, f"Fetch answered in the wrong format (version, entry): {wrong[:5]}"
    # Conversion keeps the producer's codec (compression.type=producer).
    assert {e.codec for _, e in fetched} == {CODEC_IDS[c] for c in codecs}


def produce(setting: Setting, bootstrap: str, topic: str, messages: list[dict], codec) -> list[int]:
    if setting.client == "kafka-python":
        return produce_kafka_python(bootstrap, topic, messages, setting.level, codec)
    return produce_confluent(bootstrap, topic, messages, setting.level, codec)


def consume_group(setting: Setting, bootstrap: str, topic: str, group: str, count: int):
    if setting.client == "kafka-python":
        return consume_group_kafka_python(bootstrap, topic, group, setting.level, count)
    return consume_group_confluent(bootstrap, topic, group, setting.level, count)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("setting", SETTINGS, ids=str)
def test_old_client_round_trip_in_a_group_across_a_restart(brook_factory, topic, setting):
    proxied = ProxiedBrook(brook_factory, setting.name)
    try:
        sent: list[dict] = []
        for index, codec in enumerate(setting.codecs):
            messages = messages_for(codec, PER_CODEC, BASE_TIMESTAMP + 1000 * index)
            offsets = produce(setting, proxied.bootstrap, topic, messages, codec)
            assert offsets == list(range(len(sent), len(sent) + PER_CODEC)), \
                f"{codec}: offsets {offsets} after {len(sent)} records"
            sent.extend(messages)

        group = f"old-{uuid.uuid4().hex[:8]}"
        first, committed = consume_group(setting, proxied.bootstrap, topic, group, COMMIT_AFTER)
        assert committed == COMMIT_AFTER

        proxied.restart()
        rest, committed = consume_group(setting, proxied.bootstrap, topic, group,
                                        len(sent) - COMMIT_AFTER)
        assert committed == len(sent)
        assert rest[0].offset == COMMIT_AFTER, "the new member did not resume at the commit"

        got = first + rest
        assert [(r.offset, r.key, r.value) for r in got] == \
            [(i, m["key"], m["value"]) for i, m in enumerate(sent)]
        if setting.produce_magic >= 1 and setting.client == "kafka-python":
            # Format 1 carries CreateTime through conversion to v2 and back.
            assert [r.timestamp for r in got] == [m["timestamp"] for m in sent]

        check_wire(proxied, topic, setting.produce_magic, setting.codecs, setting.versions,
                   setting.required)
    finally:
        proxied.close()


def produce_current(bootstrap: str, topic: str, messages: list[dict], codec) -> None:
    """A current librdkafka producer (idempotent, so batches carry producer ids; record headers,
    which format 0/1 cannot carry, are dropped by down-conversion as Kafka does)."""
    from clients import produce_confluent as produce_v2

    produce_v2(bootstrap, topic, [dict(m, partition=0, headers=[("h", b"x")]) for m in messages],
               **{"compression.codec": codec or "none", "enable.idempotence": True})


OLD_SETTINGS = [s for s in SETTINGS if s.versions is not None]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("setting", OLD_SETTINGS, ids=str)
def test_old_consumers_read_batches_a_current_producer_wrote(brook_factory, topic, setting):
    proxied = ProxiedBrook(brook_factory, f"{setting.name}-reads-v2")
    try:
        sent: list[dict] = []
        for index, codec in enumerate(setting.codecs):
            messages = messages_for(codec, PER_CODEC, BASE_TIMESTAMP + 1000 * index)
            produce_current(proxied.bootstrap, topic, messages, codec)
            sent.extend(messages)

        got, committed = consume_group(setting, proxied.bootstrap, topic,
                                       f"old-{uuid.uuid4().hex[:8]}", len(sent))
        assert committed == len(sent)
        assert [(r.offset, r.key, r.value) for r in got] == \
            [(i, m["key"], m["value"]) for i, m in enumerate(sent)]
        if setting.client == "kafka-python" and max(setting.versions["Fetch"]) >= 2:
            assert [r.timestamp for r in got] == [m["timestamp"] for m in sent]

        fetched = fetched_entries(proxied, topic)
        assert fetched and all(e.magic == expected_fetch_magic(v) for v, e in fetched), fetched[:5]
        assert {e.codec for _, e in fetched} == {CODEC_IDS[c] for c in setting.codecs}
    finally:
        proxied.close()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("setting", [s for s in OLD_SETTINGS if s.name != "kafkapython-0.9"], ids=str)
def test_zstd_data_reaches_old_consumers_as_unsupported_compression_type(brook_factory, topic,
                                                                         setting):
    """Kafka answers Fetch below v10 for a zstd batch with UNSUPPORTED_COMPRESSION_TYPE (76) rather
    than converting it; each client surfaces that error."""
    proxied = ProxiedBrook(brook_factory, f"{setting.name}-zstd")
    try:
        produce_current(proxied.bootstrap, topic, messages_for("zstd", 3, BASE_TIMESTAMP), "zstd")
        with pytest.raises(Exception) as failure:
            consume_group(setting, proxied.bootstrap, topic, f"old-{uuid.uuid4().hex[:8]}", 3)
        message = str(failure.value)
        assert "76" in message or "UNSUPPORTED_COMPRESSION_TYPE" in message or \
            "UnsupportedCompressionType" in type(failure.value).__name__, message

        answers = [(e.version, error) for e in proxied.exchanges()
                   if e.api == "Fetch" and e.response is not None
                   for _, _, error, _ in fetch_record_sets(e.response, e.version)]
        assert answers and {error for _, error in answers} == {76}, answers
    finally:
        proxied.close()


@pytest.mark.needs_kcat
@pytest.mark.timeout(240)
@pytest.mark.parametrize("fallback", ["0.9.0.0", "0.10.0.0"])
def test_kcat_with_a_fallback_version(brook_factory, topic, kcat, fallback):
    proxied = ProxiedBrook(brook_factory, f"kcat-{fallback}")
    try:
        sent: list[dict] = []
        for codec in CODECS:
            messages = messages_for(codec, PER_CODEC, BASE_TIMESTAMP)
            kcat_produce(kcat, proxied.bootstrap, topic, messages, fallback, codec)
            sent.extend(messages)

        group = f"old-kcat-{uuid.uuid4().hex[:8]}"
        first = kcat_consume_group(kcat, proxied.bootstrap, topic, group, fallback, COMMIT_AFTER)
        proxied.restart()
        rest = kcat_consume_group(kcat, proxied.bootstrap, topic, group, fallback,
                                  len(sent) - COMMIT_AFTER)
        assert rest[0].offset == COMMIT_AFTER, "kcat did not resume at its committed offset"
        assert [(r.offset, r.key, r.value) for r in first + rest] == \
            [(i, m["key"], m["value"]) for i, m in enumerate(sent)]

        if fallback == "0.9.0.0":
            check_wire(proxied, topic, 0, CODECS, LIBRDKAFKA_0_9, set(OLD_REQUIRED))
        else:
            check_wire(proxied, topic, 2, CODECS, None, {"ApiVersions", "Produce", "Fetch"})
    finally:
        proxied.close()


# --- the recording proxy itself (a stand-in broker, no brook needed) ------------------------------

class _StandInBroker:
    """Accepts one connection at a time, records the raw bytes it receives and answers every
    request with an odd correlation id (even ones get no answer, like Produce with acks=0)."""

    def __init__(self):
        import socket
        import threading

        self.received = bytearray()
        self.answered: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        import struct

        try:
            conn, _ = self.server.accept()
        except OSError:
            return
        with conn:
            buffer = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                self.received += chunk
                buffer += chunk
                while len(buffer) >= 4:
                    (size,) = struct.unpack(">i", buffer[:4])
                    if size < 0:
                        buffer = b""  # hostile prefix: only recorded
                        break
                    if len(buffer) < 4 + size:
                        break
                    frame, buffer = buffer[:4 + size], buffer[4 + size:]
                    (correlation,) = struct.unpack(">i", frame[8:12])
                    if correlation % 2:
                        answer = struct.pack(">ii", 8, correlation) + frame[12:16]
                        self.answered.append(answer)
                        conn.sendall(answer)

    def close(self) -> None:
        self.server.close()


def _request(key: int, version: int, correlation: int, body: bytes = b"") -> bytes:
    import struct

    payload = struct.pack(">hhih", key, version, correlation, 4) + b"test" + body
    return struct.pack(">i", len(payload)) + payload


def _read_exactly(sock, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        assert chunk, f"connection closed after {len(data)} of {n} bytes"
        data += chunk
    return data


def test_capture_proxy_records_requests_and_matches_responses_by_correlation_id(tmp_path):
    import json
    import socket

    from old_clients import capture_frames

    broker = _StandInBroker()
    proxy = capture_frames.CaptureProxy(target=("127.0.0.1", broker.port), out_dir=tmp_path)
    try:
        requests = [_request(0, 2, 1, b"first"), _request(0, 2, 2, b"no-answer"),
                    _request(1, 3, 3, b"third")]
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as client:
            for request in requests:
                client.sendall(request)
            answers = [_read_exactly(client, 12), _read_exactly(client, 12)]
        assert answers == broker.answered
        assert bytes(broker.received) == b"".join(requests)

        lines = [json.loads(line) for line in (tmp_path / "index.jsonl").read_text().splitlines()]
        assert [(l["conn"], l["seq"], l["api"], l["key"], l["version"]) for l in lines] == \
            [(1, 1, "Produce", 0, 2), (1, 2, "Produce", 0, 2), (1, 3, "Fetch", 1, 3)]
        assert (tmp_path / "c001-0001-Produce-v2-req.bin").read_bytes() == requests[0]
        assert (tmp_path / "c001-0001-Produce-v2-resp.bin").read_bytes() == answers[0]
        assert (tmp_path / "c001-0002-Produce-v2-req.bin").read_bytes() == requests[1]
        assert not (tmp_path / "c001-0002-Produce-v2-resp.bin").exists()
        assert (tmp_path / "c001-0003-Fetch-v3-resp.bin").read_bytes() == answers[1]
    finally:
        proxy.close()
        broker.close()


def test_capture_proxy_forwards_a_hostile_frame_size_unparsed(tmp_path):
    import socket

    from old_clients import capture_frames

    broker = _StandInBroker()
    proxy = capture_frames.CaptureProxy(target=("127.0.0.1", broker.port), out_dir=tmp_path)
    try:
        hostile = b"\xff\xff\xff\xfe" + b"garbage" * 10
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as client:
            client.sendall(hostile)
            client.shutdown(socket.SHUT_WR)
            assert client.recv(1) == b""  # the proxy closes once the broker side ends
        broker.thread.join(10)
        assert bytes(broker.received) == hostile
        assert proxy.exchanges == []
        assert not (tmp_path / "index.jsonl").exists()
    finally:
        proxy.close()
        broker.close()
