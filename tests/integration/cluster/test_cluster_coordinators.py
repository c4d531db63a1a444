"""Group and transaction coordinators on etcd + 3 brokers: they live on the leaders of their internal
partitions and move with them. Transactions stay all-or-nothing for read_committed readers while
the brokers die one after another (markers for partitions led elsewhere go over the network), and a
consumer group's committed offsets survive a kill -9 of its coordinator."""

from __future__ import annotations

import pytest

from cluster_fixture import brook_supports_cluster
from cluster_steps import consume_and_commit, group_coordinator, resume_from_commit
from clients import produce_kafka_python
from workload import Workload, create_topic, final_check

pytestmark = pytest.mark.skipif(not brook_supports_cluster(), reason="brook serve has no --node-id/--metadata")

PARTITIONS = 3


@pytest.mark.timeout(300)
def test_transactions_across_leader_failover_stay_all_or_nothing(brook_cluster, topic, tmp_path):
    cluster = brook_cluster(size=3)
    create_topic(cluster.bootstrap, topic, PARTITIONS, replication_factor=3, configs={"min.insync.replicas": "2"})
    load = Workload(cluster.bootstrap, topic, PARTITIONS, producers=2, rate_per_producer=300,
                    transactional=True, txn_size=10, abort_every=4)
    try:
        load.start()
        load.wait_for_acks(300)
        for partition in (0, 1):
            leader = cluster.leader_of(topic, partition)
            cluster.kill(leader)
            load.wait_for_more_acks(300, timeout=120)
            cluster.restart(leader)
            cluster.wait_for_full_isr(topic)
        load.wait_for_more_live_reads(300, timeout=60)
    finally:
        load.stop(flush_timeout=60)
    result = final_check(load, tmp_path)
    assert result.stats.get("txn_commit", 0) >= 20, result.summary()
    assert result.stats.get("txn_abort", 0) >= 5, result.summary()
    ops = load.history.ops
    txn_of = {op.value: op.txn for op in ops if op.kind == "send"}
    committed = {op.txn for op in ops if op.kind == "commit"}
    assert not [op for op in ops if op.kind == "fail" and txn_of[op.value] in committed]
    assert result.counts["duplicated_expected"] == 0, result.summary()


@pytest.mark.timeout(240)
@pytest.mark.parametrize("size", [3, 4])
def test_group_commits_survive_a_kill_9_of_the_coordinator(brook_cluster, topic, size):
    """With 4 brokers each holds only some partitions of `__consumer_offsets` (replication factor 3)."""
    cluster = brook_cluster(size=size)
    create_topic(cluster.bootstrap, topic, 1, replication_factor=3, configs={"min.insync.replicas": "2"})
    values = [f"v{i}".encode() for i in range(100)]
    produce_kafka_python(cluster.bootstrap, topic, [{"value": v, "partition": 0} for v in values])
    group = f"{topic}-group"
    consume_and_commit(cluster.bootstrap, group, topic, values, upto=40)

    coordinator = group_coordinator(cluster.bootstrap, group)
    cluster.kill(coordinator)
    cluster.wait_for(lambda: group_coordinator(cluster.bootstrap, group) != coordinator,
                     "a new group coordinator", timeout=60)

    resume_from_commit(cluster, group, topic, values, committed=40)
