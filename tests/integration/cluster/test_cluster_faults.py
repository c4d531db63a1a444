"""Fault tests on etcd + 3 brokers under an acks=all idempotent load (issue 12, item 5): kill -9 of
a partition leader, repeatedly; a leader paused (SIGSTOP) past its lease and resumed; a follower
paused past replica.lag.time.max.ms; the leader cut off from etcd but not from clients; etcd killed
for longer than a lease and restarted. After each: no acknowledged record lost, no duplicates,
offsets never change for an already-read record, ISR back to full."""

from __future__ import annotations

import contextlib
import time
from typing import Iterator

import pytest

from cluster_fixture import BrookCluster, brook_supports_cluster
from workload import Workload, create_topic, final_check

pytestmark = pytest.mark.skipif(not brook_supports_cluster(),
                                reason="brook serve has no --node-id/--metadata yet")

PARTITIONS = 3
TOPIC_CONFIGS = {"min.insync.replicas": "2"}


@contextlib.contextmanager
def under_load(cluster: BrookCluster, topic: str, tmp_path, partitions: int = PARTITIONS) -> Iterator[Workload]:
    """A replicated topic (RF 3, min.insync.replicas 2) with the workload running and 300 records
    acknowledged; afterwards the workload stops and the whole history is checked."""
    create_topic(cluster.bootstrap, topic, partitions, replication_factor=3, configs=TOPIC_CONFIGS)
    load = Workload(cluster.bootstrap, topic, partitions)
    try:
        load.start()
        load.wait_for_acks(300)
        yield load
    finally:
        load.stop()
    result = final_check(load, tmp_path)
    assert not load.fatal_errors
    assert result.counts["duplicated_expected"] == 0, result.summary()


@pytest.mark.timeout(300)
def test_kill_9_the_leader_repeatedly(brook_cluster, topic, tmp_path):
    cluster = brook_cluster(size=3)
    with under_load(cluster, topic, tmp_path) as load:
        for _ in range(3):
            leader = cluster.leader_of(topic, 0)
            cluster.kill(leader)
            load.wait_for_more_acks(300, timeout=60)     # the survivors carry on
            cluster.restart(leader)
            cluster.wait_for_full_isr(topic)
        load.wait_for_more_live_reads(300, timeout=60)


@pytest.mark.timeout(300)
def test_paused_leader_resumes_without_accepting_stale_writes(brook_cluster, topic, tmp_path):
    cluster = brook_cluster(size=3)
    with under_load(cluster, topic, tmp_path) as load:
        leader = cluster.leader_of(topic, 0)
        with cluster.paused(leader):
            # Paused until its etcd lease expired and another broker leads partition 0 and takes
            # writes; the stale leader must not acknowledge anything once it runs again.
            cluster.leader_of(topic, 0, exclude={leader}, timeout=60)
            load.wait_for_more_acks(300, timeout=60)
        load.wait_for_more_acks(300, timeout=60)
        cluster.wait_for_full_isr(topic)


@pytest.mark.timeout(300)
def test_etcd_restart_under_load(brook_cluster, topic, tmp_path):
    """etcd goes away for longer than a lease and comes back: leaders fence themselves meanwhile (no
    broker may act on a lease it cannot renew), then the cluster recovers by itself."""
    cluster = brook_cluster(size=3)
    with under_load(cluster, topic, tmp_path) as load:
        cluster.etcd.kill()
        time.sleep(4)   # the outage itself: twice the 2 s lease, so every lease has run out
        cluster.etcd.restart()
        load.wait_for_more_acks(300, timeout=60)
        cluster.wait_for_full_isr(topic)


@pytest.mark.timeout(300)
def test_paused_follower_leaves_and_rejoins_the_isr(brook_cluster, topic, tmp_path):
    """A follower that stops fetching (SIGSTOP) past replica.lag.time.max.ms is dropped from the ISR,
    so acks=all carries on with the others; resumed, it catches up and rejoins."""
    cluster = brook_cluster(size=3, settings={"replica.lag.time.max.ms": 2000})
    with under_load(cluster, topic, tmp_path, partitions=1) as load:
        leader = cluster.leader_of(topic, 0)
        follower = next(node for node in cluster.brokers if node != leader)
        with cluster.paused(follower):
            cluster.wait_for(lambda: follower not in cluster.partitions(topic)[0]["isr"],
                             f"broker {follower} out of the ISR", timeout=60)
            load.wait_for_more_acks(300, timeout=60)
        cluster.wait_for_full_isr(topic)
        load.wait_for_more_acks(300, timeout=60)


@pytest.mark.timeout(300)
def test_leader_cut_off_from_etcd_but_not_from_clients(brook_cluster, topic, tmp_path):
    """The leader of partition 0 loses etcd (its proxy black-holes) while clients still reach it: it
    must stop acknowledging once its lease can no longer be renewed, another broker takes over, and
    once healed it rejoins as a follower."""
    cluster = brook_cluster(size=3, etcd_proxies=True)
    with under_load(cluster, topic, tmp_path) as load:
        leader = cluster.leader_of(topic, 0)
        cluster.etcd_proxies[leader].cut()
        cluster.leader_of(topic, 0, exclude={leader}, timeout=60)
        load.wait_for_more_acks(300, timeout=60)
        cluster.etcd_proxies[leader].heal()
        cluster.wait_for_full_isr(topic)
        load.wait_for_more_acks(300, timeout=60)
