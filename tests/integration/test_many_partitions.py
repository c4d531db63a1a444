"""Many partitions under a low open-file limit: a partition costs one descriptor (its active
segment's .log), a create that runs out of descriptors half-way leaves nothing behind, and the
broker restarts and keeps working afterwards (issue 10, item 10).

The broker runs with `ulimit -n` lowered (soft and hard, so raising the soft limit to the hard one
at start-up cannot lift it). At three descriptors per partition, as before, the first topic would
not fit. The full 10,000-partition figure is in docs/performance.md."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from brook_harness import BrookProcess, brook_binary
from clients import wait_for_topic

FD_LIMIT = 1024
# The internal topics (50 + 50 partitions) and the process's own files leave ~870 descriptors.
PARTITIONS = 700
# Cannot fit in what is left once PARTITIONS are open.
TOO_MANY = 400


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def limited_binary(tmp_path: Path) -> Path:
    wrapper = tmp_path / "brook-limited"
    wrapper.write_text(f'#!/bin/sh\nulimit -n {FD_LIMIT} || exit 97\nexec "{brook_binary()}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


def create(admin: AdminClient, name: str, partitions: int) -> None:
    futures = admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)],
                                  request_timeout=60)
    futures[name].result(timeout=60)


def partition_folders(data_dir: Path, topic: str) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir() if p.name.startswith(topic + "-"))


@pytest.mark.timeout(180)
def test_many_partitions_under_a_low_fd_limit(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    broker = BrookProcess(limited_binary(tmp_path), data_dir, name="brook-limited").start()
    try:
        admin = AdminClient({"bootstrap.servers": broker.bootstrap, "socket.timeout.ms": 60000})
        wait_for_topic(broker.bootstrap, "__consumer_offsets", timeout=30)
        create(admin, "big", PARTITIONS)
        wait_for_topic(broker.bootstrap, "big", PARTITIONS)
        with_big = open_fds(broker.pid)
        assert with_big <= PARTITIONS + 100 + 80, with_big  # one per partition, the internal topics, the rest

        # Runs out of descriptors half-way: the request fails and undoes what it made.
        with pytest.raises(KafkaException) as failed:
            create(admin, "toomany", TOO_MANY)
        assert "KAFKA_STORAGE_ERROR" in str(failed.value) or "storage" in str(failed.value).lower(), failed.value
        assert partition_folders(data_dir, "toomany") == []
        assert not (data_dir / "__brook_topics" / "toomany.properties").exists()
        assert open_fds(broker.pid) <= with_big + 5

        # Not wedged: a topic that fits is still created.
        create(admin, "after", 10)
        wait_for_topic(broker.bootstrap, "after", 10)

        broker.restart()
        admin = AdminClient({"bootstrap.servers": broker.bootstrap, "socket.timeout.ms": 60000})
        wait_for_topic(broker.bootstrap, "big", PARTITIONS)
        wait_for_topic(broker.bootstrap, "after", 10)
        topics = admin.list_topics(timeout=30).topics
        assert "toomany" not in topics
        assert not [p for p in data_dir.iterdir() if p.name.endswith("-stray")]
        create(admin, "after-restart", 5)
        wait_for_topic(broker.bootstrap, "after-restart", 5)
    finally:
        broker.stop(check=True)
