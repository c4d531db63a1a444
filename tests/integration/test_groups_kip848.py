"""The new consumer group protocol (KIP-848) with librdkafka's group.protocol=consumer: the broker
assigns partitions (uniform or range), members move partitions by revoking first, commits and
AdminClient describe work."""

from __future__ import annotations

from collections import Counter

import pytest
from confluent_kafka.admin import AdminClient

from test_groups import GroupMember, committed_offsets, create_topic, produce_spread, wait_until

SETTINGS = {"group.consumer.heartbeat.interval.ms": 500}
CONSUMER_PROTOCOL = {"group.protocol": "consumer", "session.timeout.ms": None, "heartbeat.interval.ms": None}


@pytest.mark.timeout(180)
def test_consumer_protocol_group_shares_partitions_and_takes_over(brook_factory, topic):
    brook = brook_factory(settings=SETTINGS)
    create_topic(brook.bootstrap, topic, 6)
    group = f"{topic}-848"
    members = [GroupMember(f"m{i}", brook.bootstrap, group, topic, **CONSUMER_PROTOCOL).start() for i in range(3)]
    try:
        wait_until(lambda: sorted(len(m.owned()) for m in members) == [2, 2, 2], 60,
                   "the broker's uniform assignor to give each member two partitions")
        assert set().union(*(m.owned() for m in members)) == set(range(6))

        admin = AdminClient({"bootstrap.servers": brook.bootstrap, "socket.timeout.ms": 10000})
        description = admin.describe_consumer_groups([group], request_timeout=15)[group].result(timeout=20)
        assert str(description.state).endswith("STABLE")
        assert len(description.members) == 3
        assert sorted(len(m.assignment.topic_partitions) for m in description.members) == [2, 2, 2]
        listed = {g.group_id for g in admin.list_consumer_groups(request_timeout=15).result(timeout=20).valid}
        assert group in listed

        produce_spread(brook.bootstrap, topic, 6, 20, "first")
        wait_until(lambda: sum(m.count() for m in members) == 120, 60, "the first 120 records")

        leaver = members.pop()
        leaver.close()
        wait_until(lambda: sorted(len(m.owned()) for m in members) == [3, 3], 60,
                   "the two remaining members to own three partitions each")

        produce_spread(brook.bootstrap, topic, 6, 20, "second")
        wait_until(lambda: sum(m.count() for m in members) + leaver.count() == 240, 60, "all 240 records")
        everything = [r for m in members + [leaver] for r in m.records]
        positions = Counter((p, o) for p, o, _ in everything)
        assert all(n == 1 for n in positions.values()), "no record twice"
        assert set(positions) == {(p, o) for p in range(6) for o in range(40)}
    finally:
        for m in members:
            m.close()
    assert committed_offsets(brook.bootstrap, group, topic, 6) == {p: 40 for p in range(6)}


@pytest.mark.timeout(120)
def test_consumer_protocol_with_the_range_assignor(brook_factory, topic):
    brook = brook_factory(settings=SETTINGS)
    create_topic(brook.bootstrap, topic, 4)
    group = f"{topic}-range"
    config = {**CONSUMER_PROTOCOL, "group.remote.assignor": "range"}
    members = [GroupMember(f"r{i}", brook.bootstrap, group, topic, **config).start() for i in range(2)]
    try:
        wait_until(lambda: sorted(len(m.owned()) for m in members) == [2, 2], 60, "two partitions each")
        assert sorted(sorted(m.owned()) for m in members) == [[0, 1], [2, 3]], "contiguous ranges"
        admin = AdminClient({"bootstrap.servers": brook.bootstrap, "socket.timeout.ms": 10000})
        description = admin.describe_consumer_groups([group], request_timeout=15)[group].result(timeout=20)
        assert description.partition_assignor == "range"
    finally:
        for m in members:
            m.close()


@pytest.mark.timeout(180)
def test_consumer_protocol_members_rejoin_after_a_broker_restart(brook_factory, topic):
    """Membership of consumer-protocol groups is persisted (Kafka's KIP-848 records in
    __consumer_offsets): after a restart the member carries on with the same member id and its
    partitions, and nothing is lost or read twice."""
    brook = brook_factory(settings=SETTINGS)
    create_topic(brook.bootstrap, topic, 2)
    group = f"{topic}-restart"
    produce_spread(brook.bootstrap, topic, 2, 10, "before")
    member = GroupMember("survivor", brook.bootstrap, group, topic, **CONSUMER_PROTOCOL).start()

    def member_ids():
        admin = AdminClient({"bootstrap.servers": brook.bootstrap, "socket.timeout.ms": 10000})
        description = admin.describe_consumer_groups([group], request_timeout=15)[group].result(timeout=20)
        return [m.member_id for m in description.members]

    try:
        wait_until(lambda: member.count() == 20, 60, "the records before the restart")
        before = member_ids()
        assert len(before) == 1
        brook.restart(keep_port=True)
        assert member_ids() == before, "the member was restored, not dropped"
        produce_spread(brook.bootstrap, topic, 2, 10, "after")
        wait_until(lambda: member.count() >= 40, 90, "the records after the restart")
        assert member_ids() == before
        offsets = sorted((p, o) for p, o, _ in member.records)
        assert offsets == [(p, o) for p in range(2) for o in range(20)], "nothing lost, nothing twice"
    finally:
        member.close()
    assert committed_offsets(brook.bootstrap, group, topic, 2) == {0: 20, 1: 20}
