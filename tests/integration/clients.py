"""Produce and read back with confluent-kafka, kafka-python and aiokafka, normalising what each
client returns so the tests can compare them field by field. Every call is bounded in time."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition

CLIENT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Record:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...]
    timestamp: int

    def content(self) -> tuple:
        return (self.key, self.value, self.headers)


@dataclass(frozen=True)
class Delivery:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    error: KafkaError | None


def _headers(raw) -> tuple:
    return tuple((k, v) for k, v in (raw or ()))


# --- confluent-kafka (librdkafka) ---------------------------------------------------------------

def producer_config(bootstrap: str, **overrides) -> dict:
    config = {
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "linger.ms": 5,
        "message.timeout.ms": 20000,
        "socket.timeout.ms": 10000,
        "partitioner": "consistent_random",  # librdkafka's default, spelled out: crc32(key) % n
    }
    config.update(overrides)
    return config


def produce_confluent(bootstrap: str, topic: str, messages: list[dict], flush_timeout=CLIENT_TIMEOUT,
                      check: bool = True, **config) -> list[Delivery]:
    """messages: dicts of produce() kwargs (key, value, headers, timestamp, partition).
    Returns delivery reports in callback order; fails if any is still outstanding at the deadline
    and, with check=True, if any delivery failed."""
    deliveries: list[Delivery] = []

    def on_delivery(err, msg):
        deliveries.append(Delivery(msg.partition(), msg.offset(), msg.key(), msg.value(), err))

    p = Producer(producer_config(bootstrap, **config))
    try:
        for m in messages:
            while True:
                try:
                    p.produce(topic, on_delivery=on_delivery, **m)
                    break
                except BufferError:
                    p.poll(0.1)
            p.poll(0)
        remaining = p.flush(flush_timeout)
    finally:
        discard_producer(p)
    assert remaining == 0, f"{remaining} messages not delivered within {flush_timeout}s"
    if check:
        failed = [d for d in deliveries if d.error is not None]
        assert not failed, f"{len(failed)} of {len(deliveries)} deliveries failed, first: {failed[0].error}"
    return deliveries


def discard_producer(p: Producer) -> None:
    """Drop anything still queued so a failed test leaves no producer retrying in the background."""
    try:
        p.purge()
        p.flush(0)
    except Exception:
        pass


def consumer_config(bootstrap: str, **overrides) -> dict:
    config = {
        "bootstrap.servers": bootstrap,
        # confluent-kafka requires a group.id; these round trips never join it (assign only, no
        # commits) so every client reads the same partition from offset 0.
        "group.id": "brook-it-assign-only",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "socket.timeout.ms": 10000,
        "session.timeout.ms": 10000,
    }
    config.update(overrides)
    return config


def consume_confluent(bootstrap: str, topic: str, partition: int, count: int,
                      offset: int = OFFSET_BEGINNING, timeout: float = CLIENT_TIMEOUT,
                      **config) -> list[Record]:
    c = Consumer(consumer_config(bootstrap, **config))
    out: list[Record] = []
    unrelated_errors = []
    try:
        c.assign([TopicPartition(topic, partition, offset)])
        deadline = time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            msg = c.poll(0.5)
            if msg is None:
                continue
            err = msg.error()
            if err is not None:
                if err.code() == KafkaError._PARTITION_EOF:
                    continue
                if err.fatal() or msg.topic() == topic:
                    raise AssertionError(f"consumer error on {topic}/{partition}: {err}")
                unrelated_errors.append(err)  # e.g. coordinator lookups for the unused group
                continue
            _, ts = msg.timestamp()
            out.append(Record(msg.partition(), msg.offset(), msg.key(), msg.value(),
                              _headers(msg.headers()), ts))
    finally:
        c.close()
    assert len(out) >= count, (f"confluent consumer got {len(out)} of {count} records from "
                               f"{topic}/{partition} in {timeout}s; other errors: {unrelated_errors}")
    return out


# --- kafka-python -------------------------------------------------------------------------------

def consume_kafka_python(bootstrap: str, topic: str, partition: int, count: int,
                         timeout: float = CLIENT_TIMEOUT) -> list[Record]:
    from kafka import KafkaConsumer
    from kafka import TopicPartition as KTopicPartition

    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                      auto_offset_reset="earliest", request_timeout_ms=15000,
                      client_id="brook-it-kafka-python")
    out: list[Record] = []
    try:
        tp = KTopicPartition(topic, partition)
        c.assign([tp])
        c.seek_to_beginning(tp)
        deadline = time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            for records in c.poll(timeout_ms=500).values():
                for r in records:
                    out.append(Record(r.partition, r.offset, r.key, r.value, _headers(r.headers),
                                      r.timestamp))
    finally:
        c.close(autocommit=False)
    assert len(out) >= count, f"kafka-python got {len(out)} of {count} records in {timeout}s"
    return out


def produce_kafka_python(bootstrap: str, topic: str, messages: list[dict],
                         timeout: float = CLIENT_TIMEOUT, **config) -> list[tuple[int, int]]:
    from kafka import KafkaProducer

    # kafka-python 3 is idempotent by default (InitProducerId); that default is what is tested.
    p = KafkaProducer(bootstrap_servers=bootstrap, acks="all",
                      request_timeout_ms=15000,
                      max_block_ms=15000, client_id="brook-it-kafka-python", **config)
    try:
        futures = [p.send(topic, key=m.get("key"), value=m.get("value"),
                          headers=list(m.get("headers") or []) or None,
                          timestamp_ms=m.get("timestamp"), partition=m.get("partition"))
                   for m in messages]
        p.flush(timeout=timeout)
        results = [f.get(timeout=timeout) for f in futures]
    finally:
        p.close(timeout=10)
    return [(r.partition, r.offset) for r in results]


# --- aiokafka -----------------------------------------------------------------------------------

def consume_aiokafka(bootstrap: str, topic: str, partition: int, count: int,
                     timeout: float = CLIENT_TIMEOUT) -> list[Record]:
    from aiokafka import AIOKafkaConsumer
    from aiokafka.structs import TopicPartition as ATopicPartition

    async def run() -> list[Record]:
        c = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", request_timeout_ms=15000,
                             client_id="brook-it-aiokafka")
        out: list[Record] = []
        await asyncio.wait_for(c.start(), 20)
        try:
            tp = ATopicPartition(topic, partition)
            c.assign([tp])
            await asyncio.wait_for(c.seek_to_beginning(tp), 10)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while len(out) < count and loop.time() < deadline:
                batches = await c.getmany(tp, timeout_ms=500)
                for r in batches.get(tp, []):
                    out.append(Record(r.partition, r.offset, r.key, r.value, _headers(r.headers),
                                      r.timestamp))
        finally:
            await asyncio.wait_for(c.stop(), 10)
        return out

    out = asyncio.run(asyncio.wait_for(run(), timeout + 40))
    assert len(out) >= count, f"aiokafka got {len(out)} of {count} records in {timeout}s"
    return out


def produce_aiokafka(bootstrap: str, topic: str, messages: list[dict],
                     timeout: float = CLIENT_TIMEOUT, **config) -> list[tuple[int, int]]:
    from aiokafka import AIOKafkaProducer

    async def run():
        p = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False,
                             request_timeout_ms=15000, client_id="brook-it-aiokafka", **config)
        await asyncio.wait_for(p.start(), 20)
        try:
            out = []
            for m in messages:
                md = await p.send_and_wait(topic, key=m.get("key"), value=m.get("value"),
                                           headers=list(m.get("headers") or []) or None,
                                           timestamp_ms=m.get("timestamp"),
                                           partition=m.get("partition"))
                out.append((md.partition, md.offset))
            return out
        finally:
            await asyncio.wait_for(p.stop(), 10)

    return asyncio.run(asyncio.wait_for(run(), timeout + 40))


def wait_for_topic(bootstrap: str, topic: str, partitions: int | None = None,
                   timeout: float = 15.0):
    """Metadata until `topic` exists (with `partitions` partitions); returns the TopicMetadata."""
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        md = admin.list_topics(topic=topic, timeout=10)
        last = md.topics.get(topic)
        if last is not None and last.error is None and \
                (partitions is None or len(last.partitions) == partitions):
            return last
        time.sleep(0.2)  # polling metadata with a deadline; there is no event to wait for
    raise AssertionError(f"topic {topic} not visible with {partitions} partitions: {last}")
