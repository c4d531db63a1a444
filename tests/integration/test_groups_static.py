"""Static membership (KIP-345) with librdkafka: a member restarting with the same group.instance.id
within the session timeout takes its old place without a rebalance; a duplicate is fenced."""

from __future__ import annotations

import pytest
from confluent_kafka.admin import AdminClient

from test_groups import GROUP_SETTINGS, GroupMember, create_topic, produce_spread, wait_until


def describe(bootstrap: str, group: str):
    admin = AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})
    return admin.describe_consumer_groups([group], request_timeout=15)[group].result(timeout=20)


@pytest.mark.timeout(180)
def test_static_member_restart_does_not_rebalance(brook_factory, topic):
    brook = brook_factory(settings=GROUP_SETTINGS)
    create_topic(brook.bootstrap, topic, 4)
    group = f"{topic}-static"
    static = {"group.instance.id": None, "session.timeout.ms": 15000}

    a = GroupMember("a", brook.bootstrap, group, topic, **{**static, "group.instance.id": "instance-a"}).start()
    b = GroupMember("b", brook.bootstrap, group, topic, **{**static, "group.instance.id": "instance-b"}).start()
    members = [a, b]
    try:
        wait_until(lambda: [len(m.owned()) for m in members] == [2, 2], 60, "both static members to own two partitions")
        owned_by_a = a.owned()
        b_assignments = b.assignments_seen
        before = describe(brook.bootstrap, group)
        assert sorted(m.group_instance_id for m in before.members) == ["instance-a", "instance-b"]

        # Static members do not send LeaveGroup on close; the restart must come within the session timeout.
        members.remove(a)
        a.close()
        again = GroupMember("a-again", brook.bootstrap, group, topic, **{**static, "group.instance.id": "instance-a"}).start()
        members.append(again)
        wait_until(lambda: again.owned() == owned_by_a, 30, "the restarted member to get its old partitions back")

        produce_spread(brook.bootstrap, topic, 4, 10, "static")
        wait_until(lambda: again.count() + b.count() == 40, 60, "every record after the restart")
        assert b.assignments_seen == b_assignments, "the other member saw no rebalance"
        assert b.owned() == set(range(4)) - owned_by_a
        after = describe(brook.bootstrap, group)
        assert str(after.state).endswith("STABLE")
        assert sorted(m.group_instance_id for m in after.members) == ["instance-a", "instance-b"]
        new_id = next(m.member_id for m in after.members if m.group_instance_id == "instance-a")
        old_id = next(m.member_id for m in before.members if m.group_instance_id == "instance-a")
        assert new_id != old_id, "the restarted instance got a new member id"
    finally:
        for m in members:
            m.close()


@pytest.mark.timeout(180)
def test_duplicate_instance_id_fences_the_older_member(brook_factory, topic):
    brook = brook_factory(settings=GROUP_SETTINGS)
    create_topic(brook.bootstrap, topic, 2)
    group = f"{topic}-fence"
    config = {"group.instance.id": "twin", "session.timeout.ms": 15000}
    first = GroupMember("first", brook.bootstrap, group, topic, **config).start()
    second = None
    try:
        wait_until(lambda: len(first.owned()) == 2, 60, "the first twin to own both partitions")
        second = GroupMember("second", brook.bootstrap, group, topic, **config).start()
        wait_until(lambda: len(second.owned()) == 2, 30, "the second twin to take over")

        def fenced() -> bool:
            with first.lock:
                return any("fenced" in e.lower() or "FENCED_INSTANCE_ID" in e for e in first.errors)
        wait_until(fenced, 30, "the first twin to be fenced")
    finally:
        first.close()
        if second is not None:
            second.close()
