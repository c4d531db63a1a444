"""Old clients' API versions against a real brook, in raw frames: sarama 1.22 commits with
OffsetCommit v1 and reads with OffsetFetch v1 (its commits used to be lost: brook closed the
connection), Burrow and sarama ask ListOffsets v0 for -1/-2, old librdkafka fallbacks use v0."""

from __future__ import annotations

import time

from clients import produce_confluent
from kafka_wire import Connection
from old_wire import (create_topic_v0, find_coordinator_v0, list_offsets_v0, offset_commit_v0,
                      offset_commit_v1, offset_fetch)


def test_offset_commit_v1_survives_a_crash_and_is_read_by_fetch_v0_and_v1(brook, topic):
    with Connection(brook.bootstrap) as conn:
        assert create_topic_v0(conn, topic, partitions=3) == 0
        error, _, host, port = find_coordinator_v0(conn, "sarama-group")
        assert error == 0 and port > 0 and host
        assert offset_commit_v1(conn, "sarama-group", topic, {0: 17, 1: 0, 2: 123_456},
                                metadata="sarama") == {0: 0, 1: 0, 2: 0}
        assert offset_commit_v0(conn, "v0-group", topic, {1: 5}) == {1: 0}

    # Acknowledged commits are durable: they survive SIGKILL, not just a clean stop.
    brook.kill()
    brook.start()

    with Connection(brook.bootstrap) as conn:
        # The coordinator replays __consumer_offsets after start-up; until then it answers the
        # retriable COORDINATOR_LOAD_IN_PROGRESS (14) per partition, and clients retry, as here.
        deadline = time.monotonic() + 10
        while {e for _, _, e in offset_fetch(conn, 1, "sarama-group", topic, [0]).values()} == {14}:
            assert time.monotonic() < deadline, "coordinator still loading after 10 s"
            time.sleep(0.05)
        for version in (0, 1):
            got = offset_fetch(conn, version, "sarama-group", topic, [0, 1, 2])
            assert got == {0: (17, "sarama", 0), 1: (0, "sarama", 0), 2: (123_456, "sarama", 0)}, version
            assert offset_fetch(conn, version, "v0-group", topic, [1, 2]) == {1: (5, "", 0), 2: (-1, "", 0)}


def test_list_offsets_v0_latest_earliest(brook, topic):
    produce_confluent(brook.bootstrap, topic, [{"value": f"v{i}".encode()} for i in range(5)])
    with Connection(brook.bootstrap) as conn:
        assert list_offsets_v0(conn, topic, 0, -1, 1) == (0, [5])
        assert list_offsets_v0(conn, topic, 0, -2, 1) == (0, [0])
        # Newest first: the log end, then the one segment's base.
        assert list_offsets_v0(conn, topic, 0, -1, 10) == (0, [5, 0])
        assert list_offsets_v0(conn, topic, 0, -3, 1) == (35, [])  # UNSUPPORTED_VERSION
        assert list_offsets_v0(conn, "no-such-topic-v0", 0, -1, 1)[0] == 3



def test_kafka_python_api_version_0_10_offsets_and_commits(brook, topic):
    """kafka-python with api_version=(0, 10): beginning/end offsets with ListOffsets v0, the
    coordinator with FindCoordinator v0, commits with OffsetCommit v2, reads with OffsetFetch v1
    (versions seen in its debug log)."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    produce_confluent(brook.bootstrap, topic, [{"value": f"v{i}".encode()} for i in range(7)])
    tp = TopicPartition(topic, 0)
    c = KafkaConsumer(bootstrap_servers=brook.bootstrap, group_id="kp-010", api_version=(0, 10),
                      enable_auto_commit=False, request_timeout_ms=10_000)
    try:
        c.assign([tp])
        assert c.beginning_offsets([tp], timeout_ms=10_000) == {tp: 0}
        assert c.end_offsets([tp], timeout_ms=10_000) == {tp: 7}
        c.commit({tp: OffsetAndMetadata(4, "", -1)})
        assert c.committed(tp) == 4
    finally:
        c.close()
    with Connection(brook.bootstrap) as conn:
        assert offset_fetch(conn, 0, "kp-010", topic, [0]) == {0: (4, "", 0)}
