"""confluent-kafka AdminClient against groups: list, describe, list/alter offsets, delete."""

from __future__ import annotations

import pytest
from confluent_kafka import ConsumerGroupTopicPartitions, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

from test_groups import GROUP_SETTINGS, GroupMember, committed_offsets, create_topic, produce_spread, wait_until


def admin_for(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})


@pytest.mark.timeout(180)
def test_admin_client_lists_describes_alters_and_deletes_groups(brook_factory, topic):
    brook = brook_factory(settings=GROUP_SETTINGS)
    create_topic(brook.bootstrap, topic, 2)
    group = f"{topic}-admin"
    produce_spread(brook.bootstrap, topic, 2, 10, "admin")
    admin = admin_for(brook.bootstrap)

    member = GroupMember("admin-member", brook.bootstrap, group, topic).start()
    try:
        wait_until(lambda: member.count() == 20, 60, "the member to read everything")

        listed = admin.list_consumer_groups(request_timeout=15).result(timeout=20)
        assert not listed.errors
        listing = {g.group_id: g for g in listed.valid}
        assert group in listing
        assert not listing[group].is_simple_consumer_group
        assert str(listing[group].state).endswith("STABLE")

        description = admin.describe_consumer_groups([group], request_timeout=15)[group].result(timeout=20)
        assert description.group_id == group
        assert str(description.state).endswith("STABLE")
        assert description.partition_assignor in ("range", "roundrobin", "cooperative-sticky")
        assert len(description.members) == 1
        assigned = {(tp.topic, tp.partition) for tp in description.members[0].assignment.topic_partitions}
        assert assigned == {(topic, 0), (topic, 1)}
        assert description.members[0].client_id == "admin-member"
        assert description.members[0].host == "/127.0.0.1"  # Kafka's form of the member's address

        # Offsets cannot be altered while the group has members (UNKNOWN_MEMBER_ID per partition).
        refused = admin.alter_consumer_group_offsets(
            [ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0, 3)])])[group]
        try:
            errors = [tp.error for tp in refused.result(timeout=20).topic_partitions]
        except KafkaException as exc:
            errors = [exc.args[0]]
        assert errors and all(e is not None for e in errors), errors
    finally:
        member.close()

    offsets = admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result(timeout=20)
    assert {(tp.topic, tp.partition, tp.offset) for tp in offsets.topic_partitions} == {(topic, 0, 10), (topic, 1, 10)}

    altered = admin.alter_consumer_group_offsets(
        [ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0, 3), TopicPartition(topic, 1, 7)])])
    result = altered[group].result(timeout=20)
    assert all(tp.error is None for tp in result.topic_partitions)
    assert committed_offsets(brook.bootstrap, group, topic, 2) == {0: 3, 1: 7}

    empty = admin.describe_consumer_groups([group], request_timeout=15)[group].result(timeout=20)
    assert str(empty.state).endswith("EMPTY")
    assert empty.members == []

    admin.delete_consumer_groups([group], request_timeout=15)[group].result(timeout=20)
    assert group not in {g.group_id for g in admin.list_consumer_groups(request_timeout=15).result(timeout=20).valid}
    assert committed_offsets(brook.bootstrap, group, topic, 2) == {0: -1001, 1: -1001}
    with pytest.raises(KafkaException) as missing:
        admin.delete_consumer_groups([group], request_timeout=15)[group].result(timeout=20)
    assert "GROUP_ID_NOT_FOUND" in str(missing.value) or "not found" in str(missing.value).lower()


@pytest.mark.timeout(120)
def test_offsets_committed_without_a_group_make_a_simple_group(brook_factory, topic):
    brook = brook_factory(settings=GROUP_SETTINGS)
    create_topic(brook.bootstrap, topic, 1)
    admin = admin_for(brook.bootstrap)
    group = f"{topic}-simple"
    admin.alter_consumer_group_offsets(
        [ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0, 5)])])[group].result(timeout=20)
    listed = {g.group_id: g for g in admin.list_consumer_groups(request_timeout=15).result(timeout=20).valid}
    assert listed[group].is_simple_consumer_group
    assert str(listed[group].state).endswith("EMPTY")
    assert committed_offsets(brook.bootstrap, group, topic, 1) == {0: 5}
