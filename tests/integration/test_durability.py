"""Acknowledged records survive a graceful restart and a kill -9."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from confluent_kafka import Producer

from clients import consume_confluent, discard_producer, produce_confluent, producer_config


def values(n: int, tag: str) -> list[dict]:
    return [{"key": f"{tag}-{i}".encode(), "value": f"{tag} value {i} ".encode() * 3}
            for i in range(n)]


@pytest.mark.timeout(180)
def test_graceful_restart_keeps_everything(brook, topic):
    messages = values(1000, "graceful")
    deliveries = produce_confluent(brook.bootstrap, topic, messages, acks="all")
    assert [d.offset for d in deliveries] == list(range(1000))
    assert all(d.error is None for d in deliveries)

    brook.restart()  # SIGTERM, must exit 0 within 10 s, then start on the same data dir

    got = consume_confluent(brook.bootstrap, topic, 0, 1000)
    assert [(r.offset, r.key, r.value) for r in got] == \
        [(i, m["key"], m["value"]) for i, m in enumerate(messages)]

    # the log continues where it left off
    more = produce_confluent(brook.bootstrap, topic, values(5, "after"))
    assert [d.offset for d in more] == list(range(1000, 1005))


@pytest.mark.timeout(180)
def test_kill_9_right_after_last_ack_loses_nothing(brook, topic):
    n = 2000
    messages = values(n, "acked")
    acked: dict[int, bytes] = {}
    errors = []
    killed = threading.Event()
    pid = brook.pid  # this incarnation only

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err)
            return
        acked[msg.offset()] = msg.value()
        if len(acked) == n and not killed.is_set():
            os.kill(pid, signal.SIGKILL)  # no flush, no shutdown hook: only fsync'd data
            killed.set()

    p = Producer(producer_config(brook.bootstrap, acks="all", **{"linger.ms": 2}))
    try:
        for m in messages:
            while True:
                try:
                    p.produce(topic, on_delivery=on_delivery, **m)
                    break
                except BufferError:
                    p.poll(0.1)
        assert p.flush(60) == 0
    finally:
        discard_producer(p)
    assert not errors, f"{len(errors)} deliveries failed, first: {errors[0]}"
    assert killed.is_set()
    brook.kill()  # reap it through the harness (it is already dead)

    brook.restart()
    assert sorted(acked) == list(range(n))
    got = consume_confluent(brook.bootstrap, topic, 0, n)
    assert {r.offset: r.value for r in got} == acked


@pytest.mark.timeout(180)
def test_kill_9_mid_stream_keeps_every_acked_record(brook, topic):
    """Kill while produce requests are in flight: unacknowledged records may or may not be there,
    acknowledged ones must be, at the offsets the broker reported."""
    acked: dict[int, bytes] = {}
    failed = []
    killed = threading.Event()
    pid = brook.pid

    def on_delivery(err, msg):
        if err is not None:
            failed.append(err)
        else:
            acked[msg.offset()] = msg.value()
            if len(acked) >= 1500 and not killed.is_set():
                killed.set()
                os.kill(pid, signal.SIGKILL)

    p = Producer(producer_config(brook.bootstrap, acks="all",
                                 **{"linger.ms": 1, "message.timeout.ms": 5000,
                                    "retries": 0}))
    try:
        for i in range(20000):
            if killed.is_set():
                break
            while True:
                try:
                    p.produce(topic, key=b"k", value=f"mid {i}".encode(), on_delivery=on_delivery)
                    break
                except BufferError:
                    p.poll(0.05)
            p.poll(0)
        assert p.flush(30) == 0  # in-flight requests fail after message.timeout.ms
    finally:
        discard_producer(p)
    assert killed.is_set(), (f"only {len(acked)} records acknowledged before the producer "
                             f"stopped; errors: {failed[:3]}")
    brook.kill()

    brook.restart()
    high = max(acked) + 1
    got = consume_confluent(brook.bootstrap, topic, 0, high)
    stored = {r.offset: r.value for r in got}
    missing = [o for o in acked if stored.get(o) != acked[o]]
    assert not missing, f"{len(missing)} acknowledged records lost or changed, e.g. {missing[:5]}"


@pytest.mark.timeout(180)
def test_kill_9_with_a_flipped_byte_in_an_old_segment_keeps_later_segments(brook_factory, topic):
    """The recovery point is checkpointed periodically, so after a kill -9 the segments below it are
    trusted: a bad byte in an old sealed segment no longer truncates it and deletes every later one."""
    brook = brook_factory(settings={"log.flush.offset.checkpoint.interval.ms": 100,
                                    "log.segment.bytes": 16384})
    n = 600
    messages = values(n, "seg")
    deliveries = produce_confluent(brook.bootstrap, topic, messages, acks="all", **{"batch.size": 4000})
    assert sorted(d.offset for d in deliveries) == list(range(n))

    # The periodic checkpoint (not a shutdown) records the recovery point.
    checkpoint = brook.data_dir / "recovery-point-offset-checkpoint"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if checkpoint.exists() and f"{topic} 0 {n}" in checkpoint.read_text().splitlines():
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"no recovery point {n} for {topic} checkpointed within 30 s")
    brook.kill()

    segments = sorted((brook.data_dir / f"{topic}-0").glob("*.log"))
    assert len(segments) >= 3, segments
    first = bytearray(segments[0].read_bytes())
    first[len(first) // 2] ^= 0xFF
    segments[0].write_bytes(bytes(first))

    brook.restart()
    later = int(segments[1].name[:-4])
    got = consume_confluent(brook.bootstrap, topic, 0, n - later, offset=later)
    assert [(r.offset, r.value) for r in got] == [(o, messages[o]["value"]) for o in range(later, n)]
    assert all(segment.exists() for segment in segments)
