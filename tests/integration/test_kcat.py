"""kcat (Debian's build, librdkafka 2.0.2) against brook."""

from __future__ import annotations

import re
import subprocess

import pytest

import kafka_wire
from clients import wait_for_topic

KCAT_TIMEOUT = 30


def run_kcat(kcat: str, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([kcat, "-m", "10", *args], input=input, capture_output=True,
                          timeout=KCAT_TIMEOUT)
    assert proc.returncode == 0, (f"kcat {' '.join(args)} exited {proc.returncode}\n"
                                  f"stderr:\n{proc.stderr.decode(errors='replace')}")
    return proc


def kcat_produce(kcat, bootstrap, topic, lines: list[str], *extra: str) -> None:
    data = "".join(line + "\n" for line in lines).encode()
    proc = run_kcat(kcat, "-b", bootstrap, "-P", "-t", topic, "-K:", *extra, input=data)
    assert b"failed" not in proc.stderr.lower(), proc.stderr.decode(errors="replace")


def kcat_consume(kcat, bootstrap, topic, *extra: str) -> list[str]:
    proc = run_kcat(kcat, "-b", bootstrap, "-C", "-t", topic, "-e", "-q", "-f", r"%k=%s\n", *extra)
    return proc.stdout.decode().splitlines()


def metadata(kcat, bootstrap) -> tuple[dict[int, str], dict[str, dict[int, int]]]:
    """`kcat -L` text -> ({broker id: "host:port"}, {topic: {partition: leader}})."""
    text = run_kcat(kcat, "-b", bootstrap, "-L").stdout.decode()
    brokers = {int(i): addr for i, addr in re.findall(r"^\s*broker (-?\d+) at (\S+)", text, re.M)}
    topics: dict[str, dict[int, int]] = {}
    current = None
    for line in text.splitlines():
        if m := re.match(r'\s*topic "([^"]+)" with (\d+) partitions', line):
            current = topics.setdefault(m.group(1), {})
        elif (m := re.match(r"\s*partition (\d+), leader (-?\d+)", line)) and current is not None:
            current[int(m.group(1))] = int(m.group(2))
    return brokers, topics


def test_metadata_lists_broker_then_topic(brook, kcat, topic):
    brokers, topics = metadata(kcat, brook.bootstrap)
    assert list(brokers.values()) == [brook.bootstrap]  # advertised address defaults to --listen
    assert topic not in topics

    kcat_produce(kcat, brook.bootstrap, topic, ["k:v"])
    brokers, topics = metadata(kcat, brook.bootstrap)
    assert topic in topics, topics
    assert topics[topic] == {0: next(iter(brokers))}  # num.partitions defaults to 1; we lead it


def test_produce_keys_and_read_back_in_order(brook, kcat, topic):
    lines = [f"key{i}:value {i} with spaces" for i in range(50)] + ["dup:a", "dup:b", "k=x:v=y"]
    kcat_produce(kcat, brook.bootstrap, topic, lines)
    got = kcat_consume(kcat, brook.bootstrap, topic, "-o", "beginning")
    expected = [line.replace(":", "=", 1) for line in lines]
    assert got == expected


def test_relative_offset_from_end(brook, kcat, topic):
    kcat_produce(kcat, brook.bootstrap, topic, [f"k{i}:v{i}" for i in range(5)])
    assert kcat_consume(kcat, brook.bootstrap, topic, "-o", "-2") == ["k3=v3", "k4=v4"]


def test_broker_advertises_produce_min_version_zero(brook):
    # librdkafka before 2.11.1 (kcat on Debian 12 has 2.0.2) turns compression on only when the
    # broker's advertised Produce range starts at 0 (its feature table lists Produce 0..). Brook
    # serves v0-2 (magic 0/1 message sets, up-converted) as Kafka 3.x does.
    with kafka_wire.Connection(brook.bootstrap) as conn:
        versions = conn.api_versions()
    lo, hi = versions[kafka_wire.API_PRODUCE]
    assert lo == 0, f"Produce advertised as {lo}..{hi}"
    assert hi >= 3, "record batch v2 needs Produce >= 3"
    assert versions[kafka_wire.API_FETCH][1] >= 4, "record batch v2 needs Fetch >= 4"


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
def test_compressed_produce(brook, kcat, topic, codec):
    # Compressible values so every codec really compresses; -z is silently dropped by
    # librdkafka (sent uncompressed) when it thinks the broker lacks the feature, so check the
    # stored batches' compression bits, not only the round trip.
    lines = [f"key{i}:{codec}-{i}-" + "abcdefgh" * 40 for i in range(200)]
    kcat_produce(kcat, brook.bootstrap, topic, lines, "-z", codec)
    got = kcat_consume(kcat, brook.bootstrap, topic, "-o", "beginning")
    assert got == [line.replace(":", "=", 1) for line in lines]

    batches = kafka_wire.fetch_all_batches(brook.bootstrap, topic, 0)
    assert batches, "no batches fetched"
    assert {b.compression for b in batches} == {codec}
    assert all(b.magic == 2 and b.crc_ok for b in batches)
    assert sum(b.record_count for b in batches) == len(lines)


def test_topic_visible_to_librdkafka_admin_after_kcat_produce(brook, kcat, topic):
    kcat_produce(kcat, brook.bootstrap, topic, ["a:1"])
    md = wait_for_topic(brook.bootstrap, topic, partitions=1)
    assert md.partitions[0].leader >= 0
