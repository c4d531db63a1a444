"""Steps the cluster tests share: the Brook CLI against a cluster, a bounded wait on cluster state,
and a consumer group that commits before its coordinator moves and resumes after."""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import time

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

from brook_harness import brook_binary

CLI_TIMEOUT = 60


def brook(bootstrap: str, *args: str, timeout: float = CLI_TIMEOUT) -> str:
    """Runs `brook ARGS --brokers BOOTSTRAP`, asserts it succeeded, returns its stdout."""
    proc = subprocess.run([str(brook_binary()), *args, "--brokers", bootstrap], capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"brook {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}"
    return proc.stdout


def describe(bootstrap: str, topic: str) -> dict[int, dict]:
    """{partition: {"leader", "replicas", "isr", "start_offset", "end_offset"}} from `brook topic describe`."""
    [described] = json.loads(brook(bootstrap, "topic", "describe", topic, "--json"))
    return {p["partition"]: p for p in described["partitions"]}


def wait_for(what: str, check, timeout: float = 30.0):
    """Polls `check` until it returns something truthy (returned), failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)   # cluster state has no push to clients: poll it, bounded by the deadline
    raise TimeoutError(f"{what} not reached in {timeout}s (last: {last})")


def group_coordinator(bootstrap: str, group: str) -> int:
    """The node id DescribeGroups names as the group's coordinator.

    Raises LookupError when no answer comes within a few seconds: right after a coordinator dies a
    broker may still name it (FindCoordinator), and librdkafka then waits on the dead broker, so
    callers polling for the new coordinator treat that as "not yet".
    """
    admin = AdminClient({"bootstrap.servers": bootstrap})
    [description] = admin.describe_consumer_groups([group], request_timeout=5).values()
    try:
        return description.result(timeout=8).coordinator.id
    except concurrent.futures.TimeoutError as error:
        raise LookupError(f"no DescribeGroups answer for {group}") from error


def group_consumer(bootstrap: str, group: str, topic: str) -> Consumer:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
                         "auto.offset.reset": "earliest", "session.timeout.ms": 6000})
    consumer.subscribe([topic])
    return consumer


def poll_values(consumer: Consumer, count: int, polls: int = 300) -> list[bytes]:
    """Up to `count` record values (at most `polls` polls of 0.2 s)."""
    values: list[bytes] = []
    for _ in range(polls):
        msg = consumer.poll(0.2)
        if msg is not None and msg.error() is None:
            values.append(msg.value())
        if len(values) >= count:
            break
    return values


def consume_and_commit(bootstrap: str, group: str, topic: str, values: list[bytes], upto: int) -> None:
    """A member of `group` reads partition 0's first `upto` values and commits offset `upto`."""
    consumer = group_consumer(bootstrap, group, topic)
    try:
        assert poll_values(consumer, upto)[:upto] == values[:upto]
        consumer.commit(offsets=[TopicPartition(topic, 0, upto)], asynchronous=False)
    finally:
        consumer.close()


def resume_from_commit(cluster, group: str, topic: str, values: list[bytes], committed: int) -> None:
    """A new member of `group` reads the commit back (from whichever broker coordinates now) and
    carries on from it to the end of `values`."""
    consumer = group_consumer(cluster.bootstrap, group, topic)
    try:
        cluster.wait_for(
            lambda: [tp.offset for tp in consumer.committed([TopicPartition(topic, 0)], timeout=5)] == [committed],
            "the commit read back from the new coordinator", timeout=60)
        assert poll_values(consumer, len(values) - committed) == values[committed:]
    finally:
        consumer.close()
