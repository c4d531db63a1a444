"""Consumer groups with librdkafka (confluent-kafka): partitions are shared out, rebalanced when a
member leaves, and committed positions survive a broker restart."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from confluent_kafka import Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from clients import CLIENT_TIMEOUT, produce_confluent

GROUP_SETTINGS = {"group.initial.rebalance.delay.ms": 1000}


def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})
    futures = admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)],
                                  operation_timeout=10)
    futures[topic].result(timeout=15)


def produce_spread(bootstrap: str, topic: str, partitions: int, per_partition: int, tag: str) -> None:
    messages = [{"key": f"{tag}-{i}".encode(), "value": f"{tag}-{i}".encode(), "partition": i % partitions}
                for i in range(partitions * per_partition)]
    produce_confluent(bootstrap, topic, messages)


def wait_until(condition, timeout: float, what: str, poll: float = 0.1):
    """Polls a condition set by client threads (their callbacks are the events) until a deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class GroupMember:
    """One confluent-kafka consumer in a group, polled by its own thread. Every record is committed
    synchronously before the next poll, so a partition's next owner starts exactly where it left."""

    def __init__(self, name: str, bootstrap: str, group: str, topic: str, **config):
        self.name = name
        self.topic = topic
        self.records: list[tuple[int, int, bytes]] = []  # (partition, offset, value)
        self.assignment: set[int] = set()
        self.assignments_seen = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self._stop = threading.Event()
        settings = {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "client.id": name,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": 10000,
            "heartbeat.interval.ms": 500,
            "socket.timeout.ms": 10000,
        }
        settings.update(config)
        settings = {k: v for k, v in settings.items() if v is not None}  # None drops a default
        self.consumer = Consumer(settings)
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> "GroupMember":
        self.consumer.subscribe([self.topic], on_assign=self._on_assign, on_revoke=self._on_revoke,
                                on_lost=self._on_revoke)
        self.thread.start()
        return self

    # The callbacks only record; confluent-kafka then (incrementally) assigns or unassigns itself.
    def _on_assign(self, consumer, partitions):
        with self.lock:
            self.assignment |= {p.partition for p in partitions}
            self.assignments_seen += 1

    def _on_revoke(self, consumer, partitions):
        with self.lock:
            self.assignment -= {p.partition for p in partitions}

    def _run(self):
        while not self._stop.is_set():
            msg = self.consumer.poll(0.2)
            if msg is None:
                continue
            err = msg.error()
            if err is not None:
                if err.code() != KafkaError._PARTITION_EOF:
                    with self.lock:
                        self.errors.append(str(err))
                continue
            try:
                self.consumer.commit(message=msg, asynchronous=False)
            except Exception as exc:  # a commit refused mid-rebalance: the record will come again
                with self.lock:
                    self.errors.append(f"commit: {exc}")
                continue
            with self.lock:
                self.records.append((msg.partition(), msg.offset(), msg.value()))

    def owned(self) -> set[int]:
        with self.lock:
            return set(self.assignment)

    def count(self) -> int:
        with self.lock:
            return len(self.records)

    def close(self, timeout: float = 30.0) -> None:
        """Stops polling and closes the consumer (LeaveGroup)."""
        self._stop.set()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"{self.name} did not stop"
        self.consumer.close()


def committed_offsets(bootstrap: str, group: str, topic: str, partitions: int) -> dict[int, int]:
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
                  "socket.timeout.ms": 10000})
    try:
        got = c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=CLIENT_TIMEOUT)
        return {tp.partition: tp.offset for tp in got}
    finally:
        c.close()


@pytest.mark.timeout(180)
def test_three_consumers_share_six_partitions_and_take_over_when_one_leaves(brook_factory, topic):
    brook = brook_factory(settings=GROUP_SETTINGS)
    create_topic(brook.bootstrap, topic, 6)
    group = f"{topic}-group"
    members = [GroupMember(f"member-{i}", brook.bootstrap, group, topic).start() for i in range(3)]
    try:
        wait_until(lambda: [len(m.owned()) for m in members] == [2, 2, 2], 60,
                   "each of three members to own two partitions")
        assert set().union(*(m.owned() for m in members)) == set(range(6))

        produce_spread(brook.bootstrap, topic, 6, 50, "first")
        wait_until(lambda: sum(m.count() for m in members) == 300, 60, "the first 300 records")
        for m in members:
            assert {p for p, _, _ in m.records} == m.owned(), f"{m.name} read only its own partitions"

        leaver = members.pop()
        leaver.close()
        wait_until(lambda: sorted(len(m.owned()) for m in members) == [3, 3], 60,
                   "the two remaining members to own three partitions each")
        assert set().union(*(m.owned() for m in members)) == set(range(6))

        produce_spread(brook.bootstrap, topic, 6, 50, "second")
        wait_until(lambda: sum(m.count() for m in members) + leaver.count() == 600, 60, "all 600 records")

        everything = [r for m in members + [leaver] for r in m.records]
        positions = Counter((p, o) for p, o, _ in everything)
        assert all(n == 1 for n in positions.values()), \
            f"records seen twice: {[k for k, n in positions.items() if n > 1][:10]}"
        assert set(positions) == {(p, o) for p in range(6) for o in range(100)}, "every record exactly once"
        assert not [e for m in members + [leaver] for e in m.errors if "commit" in e]
    finally:
        for m in members:
            m.close()

    assert committed_offsets(brook.bootstrap, group, topic, 6) == {p: 100 for p in range(6)}


@pytest.mark.timeout(180)
def test_committed_offsets_survive_a_broker_restart(brook_factory, topic):
    brook = brook_factory(settings=GROUP_SETTINGS)
    create_topic(brook.bootstrap, topic, 3)
    group = f"{topic}-group"
    produce_spread(brook.bootstrap, topic, 3, 40, "before")

    first = GroupMember("first", brook.bootstrap, group, topic).start()
    try:
        wait_until(lambda: first.count() == 120, 60, "the first member to read everything")
    finally:
        first.close()
    before = committed_offsets(brook.bootstrap, group, topic, 3)
    assert before == {0: 40, 1: 40, 2: 40}

    brook.restart()

    assert committed_offsets(brook.bootstrap, group, topic, 3) == before
    produce_spread(brook.bootstrap, topic, 3, 10, "after")
    second = GroupMember("second", brook.bootstrap, group, topic).start()
    try:
        wait_until(lambda: second.count() >= 30, 60, "the new records after the restart")
        # Each partition is read in order from where it starts: a start before 40 would show up first.
        first_offsets = {p: min(o for q, o, _ in second.records if q == p) for p in range(3)}
        assert first_offsets == {0: 40, 1: 40, 2: 40}, "resumed from the committed positions"
        assert sorted(o for _, o, _ in second.records) == sorted(list(range(40, 50)) * 3)
    finally:
        second.close()
