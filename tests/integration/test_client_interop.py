"""The Swift client (through the `brook` CLI, which is built on BrookClient) against librdkafka:
records written by one are read identically by the other, and keyed records land on the same
partition as librdkafka's murmur2_random partitioner (the Java client's) puts them."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import threading
import time

import pytest
from confluent_kafka import Consumer

from brook_harness import brook_binary
from clients import consume_confluent, produce_confluent, wait_for_topic
from test_kcat import run_kcat

CLI_TIMEOUT = 60
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


def brook_cli(bootstrap: str, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(brook_binary()), *args, "-b", bootstrap], input=input, capture_output=True,
                          timeout=CLI_TIMEOUT)
    assert proc.returncode == 0, (f"brook {' '.join(args)} exited {proc.returncode}\n"
                                  f"stderr:\n{proc.stderr.decode(errors='replace')}")
    return proc


def brook_consume_json(bootstrap: str, topic: str, *extra: str) -> list[dict]:
    out = brook_cli(bootstrap, "consume", topic, "-e", "--json", *extra).stdout.decode()
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("codec", CODECS)
def test_swift_produces_kcat_and_confluent_read(brook, topic, kcat, codec):
    lines = [f"key-{i}:value {i} ✓" for i in range(50)]
    brook_cli(brook.bootstrap, "produce", topic, "-K", ":", "-H", "origin=swift", "-z", codec,
              input="".join(line + "\n" for line in lines).encode())

    kcat_lines = run_kcat(kcat, "-b", brook.bootstrap, "-C", "-t", topic, "-e", "-q",
                          "-f", "%k=%s|%h\n").stdout.decode().splitlines()
    assert kcat_lines == [f"key-{i}=value {i} ✓|origin=swift" for i in range(50)]

    records = consume_confluent(brook.bootstrap, topic, 0, 50)
    assert [(r.key, r.value, r.headers) for r in records] == [
        (f"key-{i}".encode(), f"value {i} ✓".encode(), (("origin", b"swift"),)) for i in range(50)]


def test_kcat_produces_swift_reads(brook, topic, kcat):
    data = "".join(f"k{i}:v{i}\n" for i in range(30)).encode()
    run_kcat(kcat, "-b", brook.bootstrap, "-P", "-t", topic, "-K:", "-H", "via=kcat", "-z", "lz4", input=data)
    records = brook_consume_json(brook.bootstrap, topic)
    assert [(r["key"], r["value"]) for r in records] == [(f"k{i}", f"v{i}") for i in range(30)]
    assert all(r["headers"] == [{"key": "via", "value": "kcat"}] for r in records)
    assert [r["offset"] for r in records] == list(range(30))


@pytest.mark.parametrize("codec", ["none", "snappy", "zstd"])
def test_confluent_produces_swift_reads(brook, topic, codec):
    messages = [{"key": f"c{i}".encode(), "value": bytes([i % 256]) * (i + 1),
                 "headers": [("n", str(i).encode())], "timestamp": 1_700_000_000_000 + i} for i in range(40)]
    produce_confluent(brook.bootstrap, topic, messages, **{"compression.type": codec})
    records = brook_consume_json(brook.bootstrap, topic)
    assert len(records) == 40
    for i, r in enumerate(records):
        assert r["key"] == f"c{i}"
        assert r["timestamp"] == 1_700_000_000_000 + i
        assert r["headers"] == [{"key": "n", "value": str(i)}]
        raw = bytes([i % 256]) * (i + 1)
        if r.get("value_encoding") == "base64":
            assert base64.b64decode(r["value"]) == raw
        else:
            assert r["value"].encode() == raw


def test_same_key_same_partition_as_librdkafka_murmur2(brook_factory, topic):
    partitions = 6
    brook = brook_factory(settings={"num.partitions": partitions})
    keys = [f"customer-{i}" for i in range(200)] + ["", "a", "ab", "abc", "ünïcødé", "x" * 300]

    deliveries = produce_confluent(brook.bootstrap, topic + "-rdkafka",
                                   [{"key": k.encode(), "value": b"v"} for k in keys],
                                   partitioner="murmur2_random")
    librdkafka = {d.key.decode(): d.partition for d in deliveries}
    assert len(set(librdkafka.values())) == partitions, "the keys should spread over every partition"

    swift_topic = topic + "-swift"
    brook_cli(brook.bootstrap, "produce", swift_topic, "-K", "\t",
              input="".join(f"{k}\tv\n" for k in keys).encode())
    wait_for_topic(brook.bootstrap, swift_topic, partitions=partitions)
    swift = {r["key"]: r["partition"] for r in brook_consume_json(brook.bootstrap, swift_topic)}
    assert swift == librdkafka


def test_swift_and_librdkafka_share_a_consumer_group(brook_factory, topic):
    """A `brook consume -g` member and a confluent-kafka member of one group split four partitions
    (both offer the range assignor) and between them read every record."""
    brook = brook_factory(settings={"num.partitions": 4})
    produce_confluent(brook.bootstrap, topic, [{"key": f"k{i}".encode(), "value": f"v{i}".encode()} for i in range(40)])
    wait_for_topic(brook.bootstrap, topic, partitions=4)
    group = f"mixed-{topic}"

    swift = subprocess.Popen([str(brook_binary()), "consume", topic, "-g", group, "-o", "start",
                              "-f", "%p %o\\n", "-b", brook.bootstrap, "-X", "heartbeat.interval.ms=500"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    swift_lines: list[str] = []
    reader = threading.Thread(target=lambda: swift_lines.extend(l.decode().strip() for l in swift.stdout), daemon=True)
    reader.start()
    rdkafka = Consumer({"bootstrap.servers": brook.bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                        "partition.assignment.strategy": "range", "session.timeout.ms": 10000,
                        "heartbeat.interval.ms": 500})
    seen_rdkafka: set[tuple[int, int]] = set()
    try:
        rdkafka.subscribe([topic])
        deadline = time.monotonic() + 60
        settled = False
        while time.monotonic() < deadline:
            msg = rdkafka.poll(0.2)
            if msg is not None and msg.error() is None:
                seen_rdkafka.add((msg.partition(), msg.offset()))
            described = subprocess.run([str(brook_binary()), "group", "describe", group, "--json", "-b", brook.bootstrap],
                                       capture_output=True, timeout=CLI_TIMEOUT)
            if described.returncode != 0:
                continue
            members = json.loads(described.stdout)["members"]
            seen_swift = {tuple(map(int, line.split())) for line in list(swift_lines) if line}
            if (len(members) == 2 and sorted(len(m["partitions"]) for m in members) == [2, 2]
                    and len(seen_swift | seen_rdkafka) == 40 and seen_swift and seen_rdkafka):
                settled = True
                break
        assert settled, (f"group did not settle: rdkafka read {len(seen_rdkafka)}, swift read "
                         f"{len(swift_lines)}; members: {described.stdout[:500]!r}")
    finally:
        rdkafka.close()
        swift.send_signal(signal.SIGTERM)
        try:
            swift.wait(timeout=20)
        finally:
            if swift.poll() is None:
                swift.kill()
    assert swift.returncode == 0, swift.stderr.read().decode(errors="replace")
