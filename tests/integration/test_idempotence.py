"""Idempotent producers (KIP-98): retried batches are written once, also across a broker restart."""

from __future__ import annotations

import threading

import pytest

from clients import consume_confluent, produce_confluent, produce_kafka_python
from response_dropper import ResponseDropper


def messages(n: int, tag: str) -> list[dict]:
    return [{"key": f"{tag}-{i}".encode(), "value": f"{tag} {i}".encode(), "partition": 0} for i in range(n)]


def start_behind_proxy(brook_factory, drops: int, on_drop=None):
    """A broker that advertises the proxy, so every client connection goes through it."""
    holder = {}
    proxy = ResponseDropper(lambda: holder["brook"].port, drops, on_drop=on_drop)
    brook = brook_factory(settings={"advertised.listeners": f"PLAINTEXT://127.0.0.1:{proxy.port}"})
    holder["brook"] = brook
    return brook, proxy


def produce_through_a_broker_bounce(brook_factory, topic, bounce, tag):
    """Loses one Produce response and, while the connection is held, bounces the broker from the
    test's main thread (brook children die with the thread that started them), then lets the
    client retry against the new process."""
    dropped, bounced = threading.Event(), threading.Event()

    def hold_connection():
        dropped.set()
        bounced.wait(60)

    brook, proxy = start_behind_proxy(brook_factory, drops=1, on_drop=hold_connection)
    sent = messages(50, tag)
    outcome = {}

    def run():
        try:
            outcome["deliveries"] = produce_confluent(f"127.0.0.1:{proxy.port}", topic, sent, **{
                "enable.idempotence": True, "linger.ms": 50, "retry.backoff.ms": 100})
        except BaseException as exc:  # reported by the main thread
            outcome["error"] = exc

    producer = threading.Thread(target=run)
    producer.start()
    try:
        assert dropped.wait(30), "no produce response was dropped"
        bounce(brook)
    finally:
        bounced.set()
        producer.join(60)
    # The broker advertises the proxy, so the reading consumer goes through it too: close it last.
    try:
        if "error" in outcome:
            raise outcome["error"]
        assert sorted(d.offset for d in outcome["deliveries"]) == list(range(len(sent)))
        assert_exactly_once(f"127.0.0.1:{proxy.port}", topic, sent)
    finally:
        proxy.close()


def assert_exactly_once(bootstrap: str, topic: str, sent: list[dict]) -> None:
    got = consume_confluent(bootstrap, topic, 0, len(sent))
    assert [r.value for r in got] == [m["value"] for m in sent]
    assert [r.offset for r in got] == list(range(len(sent)))


@pytest.mark.timeout(120)
def test_confluent_idempotent_retries_write_each_record_once(brook_factory, topic):
    brook, proxy = start_behind_proxy(brook_factory, drops=3)
    try:
        sent = messages(300, "retry")
        deliveries = produce_confluent(f"127.0.0.1:{proxy.port}", topic, sent, **{
            "enable.idempotence": True, "linger.ms": 20, "batch.num.messages": 40,
            "retry.backoff.ms": 50})
        assert proxy.dropped == 3, "the proxy should have lost three produce responses"
        assert sorted(d.offset for d in deliveries) == list(range(300))
        assert_exactly_once(f"127.0.0.1:{proxy.port}", topic, sent)
    finally:
        proxy.close()


@pytest.mark.timeout(180)
def test_confluent_idempotent_retry_across_a_broker_restart(brook_factory, topic):
    # The restarted broker recognises the retry from its shutdown snapshot.
    produce_through_a_broker_bounce(brook_factory, topic, lambda b: b.restart(keep_port=True), "restart")


@pytest.mark.timeout(180)
def test_confluent_idempotent_retry_after_kill_9(brook_factory, topic):
    # No shutdown snapshot this time: the producer state comes from rereading the log.
    def crash_and_start(b):
        b.kill()
        b.fixed_port = b.port
        b.start()

    produce_through_a_broker_bounce(brook_factory, topic, crash_and_start, "kill")


@pytest.mark.timeout(120)
def test_kafka_python_default_producer_is_idempotent_and_works(brook, topic):
    sent = messages(20, "kp")
    results = produce_kafka_python(brook.bootstrap, topic, sent)
    assert [offset for _, offset in results] == list(range(20))
    assert_exactly_once(brook.bootstrap, topic, sent)
