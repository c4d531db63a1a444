"""Fault tests on etcd + 3 brokers under an acks=all idempotent load (issue 12, item 5): kill -9 of
a partition leader, repeatedly; a leader paused (SIGSTOP) and resumed. After each: no acknowledged
record lost, no duplicates, offsets never change for an already-read record, ISR back to full.

Also: etcd killed for longer than a lease and restarted; a follower paused past replica.lag.time.max.ms.
Skipped when `brook serve` lacks the cluster flags (--node-id, --metadata)."""

from __future__ import annotations

import time

import pytest

from cluster_fixture import brook_supports_cluster
from workload import Workload, create_topic, final_check

pytestmark = pytest.mark.skipif(not brook_supports_cluster(),
                                reason="brook serve has no --node-id/--metadata yet")

PARTITIONS = 3
TOPIC_CONFIGS = {"min.insync.replicas": "2"}


def finish(load: Workload, tmp_path) -> None:
    result = final_check(load, tmp_path)
    assert not load.fatal_errors
    assert result.counts["duplicated_expected"] == 0, result.summary()


@pytest.mark.timeout(300)
def test_kill_9_the_leader_repeatedly(brook_cluster, topic, tmp_path):
    cluster = brook_cluster(size=3)
    create_topic(cluster.bootstrap, topic, PARTITIONS, replication_factor=3, configs=TOPIC_CONFIGS)
    load = Workload(cluster.bootstrap, topic, PARTITIONS)
    try:
        load.start()
        load.wait_for_acks(300)
        for _ in range(3):
            leader = cluster.leader_of(topic, 0)
            cluster.kill(leader)
            load.wait_for_more_acks(300, timeout=60)     # the survivors carry on
            cluster.restart(leader)
            cluster.wait_for_full_isr(topic)
        load.wait_for_more_live_reads(300, timeout=60)
    finally:
        load.stop()
    finish(load, tmp_path)


@pytest.mark.timeout(300)
def test_paused_leader_resumes_without_accepting_stale_writes(brook_cluster, topic, tmp_path):
    cluster = brook_cluster(size=3)
    create_topic(cluster.bootstrap, topic, PARTITIONS, replication_factor=3, configs=TOPIC_CONFIGS)
    load = Workload(cluster.bootstrap, topic, PARTITIONS)
    try:
        load.start()
        load.wait_for_acks(300)
        leader = cluster.leader_of(topic, 0)
        with cluster.paused(leader):
            # Paused until its etcd lease expired and another broker leads partition 0 and takes
            # writes; the stale leader must not acknowledge anything once it runs again.
            cluster.leader_of(topic, 0, exclude={leader}, timeout=60)
            load.wait_for_more_acks(300, timeout=60)
        load.wait_for_more_acks(300, timeout=60)
        cluster.wait_for_full_isr(topic)
    finally:
        load.stop()
    finish(load, tmp_path)


@pytest.mark.timeout(300)
def test_etcd_restart_under_load(brook_cluster, topic, tmp_path):
    """etcd goes away for longer than a lease and comes back: leaders fence themselves meanwhile (no
    broker may act on a lease it cannot renew), then the cluster recovers by itself."""
    cluster = brook_cluster(size=3)
    create_topic(cluster.bootstrap, topic, PARTITIONS, replication_factor=3, configs=TOPIC_CONFIGS)
    load = Workload(cluster.bootstrap, topic, PARTITIONS)
    try:
        load.start()
        load.wait_for_acks(300)
        cluster.etcd.kill()
        time.sleep(4)   # the outage itself: twice the 2 s lease, so every lease has run out
        cluster.etcd.restart()
        load.wait_for_more_acks(300, timeout=60)
        cluster.wait_for_full_isr(topic)
    finally:
        load.stop()
    finish(load, tmp_path)


@pytest.mark.timeout(300)
def test_paused_follower_leaves_and_rejoins_the_isr(brook_cluster, topic, tmp_path):
    """A follower that stops fetching (SIGSTOP) past replica.lag.time.max.ms is dropped from the ISR,
    so acks=all carries on with the others; resumed, it catches up and rejoins."""
    cluster = brook_cluster(size=3, settings={"replica.lag.time.max.ms": 2000})
    create_topic(cluster.bootstrap, topic, 1, replication_factor=3, configs=TOPIC_CONFIGS)
    load = Workload(cluster.bootstrap, topic, 1)
    try:
        load.start()
        load.wait_for_acks(300)
        leader = cluster.leader_of(topic, 0)
        follower = next(node for node in cluster.brokers if node != leader)
        with cluster.paused(follower):
            cluster.wait_for(lambda: follower not in cluster.partitions(topic)[0]["isr"],
                             f"broker {follower} out of the ISR", timeout=60)
            load.wait_for_more_acks(300, timeout=60)
        cluster.wait_for_full_isr(topic)
        load.wait_for_more_acks(300, timeout=60)
    finally:
        load.stop()
    finish(load, tmp_path)


@pytest.mark.timeout(300)
def test_leader_cut_off_from_etcd_but_not_from_clients(brook_cluster, topic, tmp_path):
    """The leader of partition 0 loses etcd (its proxy black-holes) while clients still reach it: it
    must stop acknowledging once its lease can no longer be renewed, another broker takes over, and
    once healed it rejoins as a follower."""
    cluster = brook_cluster(size=3, etcd_proxies=True)
    create_topic(cluster.bootstrap, topic, PARTITIONS, replication_factor=3, configs=TOPIC_CONFIGS)
    load = Workload(cluster.bootstrap, topic, PARTITIONS)
    try:
        load.start()
        load.wait_for_acks(300)
        leader = cluster.leader_of(topic, 0)
        cluster.etcd_proxies[leader].cut()
        cluster.leader_of(topic, 0, exclude={leader}, timeout=60)
        load.wait_for_more_acks(300, timeout=60)
        cluster.etcd_proxies[leader].heal()
        cluster.wait_for_full_isr(topic)
        load.wait_for_more_acks(300, timeout=60)
    finally:
        load.stop()
    finish(load, tmp_path)
