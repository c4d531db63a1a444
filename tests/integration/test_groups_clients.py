"""kafka-python and aiokafka consumer groups: join, consume, commit, and resume from the commits."""

from __future__ import annotations

import asyncio

import pytest

from test_groups import GROUP_SETTINGS, committed_offsets, create_topic, produce_spread


@pytest.mark.timeout(180)
def test_kafka_python_group_consumes_commits_and_resumes(brook_factory, topic):
    from kafka import KafkaConsumer

    brook = brook_factory(settings=GROUP_SETTINGS)
    create_topic(brook.bootstrap, topic, 3)
    group = f"{topic}-kp"
    produce_spread(brook.bootstrap, topic, 3, 20, "kp")

    def consumer() -> KafkaConsumer:
        return KafkaConsumer(topic, bootstrap_servers=brook.bootstrap, group_id=group, enable_auto_commit=False,
                             auto_offset_reset="earliest", session_timeout_ms=10000, heartbeat_interval_ms=500,
                             request_timeout_ms=15000, client_id="brook-it-kafka-python")

    seen = []
    c = consumer()
    try:
        for _ in range(120):
            for records in c.poll(timeout_ms=500).values():
                seen.extend((r.partition, r.offset) for r in records)
            if len(seen) >= 60:
                break
        c.commit()
        assert {p.partition for p in c.assignment()} == {0, 1, 2}
    finally:
        c.close(autocommit=False)
    assert sorted(seen) == [(p, o) for p in range(3) for o in range(20)]
    assert committed_offsets(brook.bootstrap, group, topic, 3) == {0: 20, 1: 20, 2: 20}

    produce_spread(brook.bootstrap, topic, 3, 5, "more")
    again = []
    c = consumer()
    try:
        for _ in range(120):
            for records in c.poll(timeout_ms=500).values():
                again.extend((r.partition, r.offset) for r in records)
            if len(again) >= 15:
                break
        c.commit()
    finally:
        c.close(autocommit=False)
    assert sorted(again) == [(p, o) for p in range(3) for o in range(20, 25)], "resumed from the commits"


@pytest.mark.timeout(180)
def test_aiokafka_group_of_two_splits_partitions_and_commits(brook_factory, topic):
    from aiokafka import AIOKafkaConsumer

    brook = brook_factory(settings=GROUP_SETTINGS)
    create_topic(brook.bootstrap, topic, 4)
    group = f"{topic}-aio"
    total = 100

    async def run():
        consumers = [AIOKafkaConsumer(topic, bootstrap_servers=brook.bootstrap, group_id=group,
                                      enable_auto_commit=False, auto_offset_reset="earliest",
                                      session_timeout_ms=10000, heartbeat_interval_ms=500,
                                      request_timeout_ms=15000, client_id=f"brook-it-aiokafka-{i}")
                     for i in range(2)]
        await asyncio.wait_for(asyncio.gather(*(c.start() for c in consumers)), 30)
        seen: dict[int, list[tuple[int, int]]] = {0: [], 1: []}
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 60

            async def drain(i: int, c: AIOKafkaConsumer):
                while loop.time() < deadline and sum(len(v) for v in seen.values()) < total:
                    batches = await c.getmany(timeout_ms=300)
                    for tp, records in batches.items():
                        seen[i].extend((r.partition, r.offset) for r in records)
                    if batches:
                        await c.commit()

            # Both must be in the group before there is anything to read (the topic is still empty).
            while loop.time() < deadline and not all(c.assignment() for c in consumers):
                await asyncio.gather(*(c.getmany(timeout_ms=200) for c in consumers))
            assignments = [{tp.partition for tp in c.assignment()} for c in consumers]
            await loop.run_in_executor(None, produce_spread, brook.bootstrap, topic, 4, 25, "aio")
            await asyncio.gather(*(drain(i, c) for i, c in enumerate(consumers)))
            return assignments, seen
        finally:
            await asyncio.wait_for(asyncio.gather(*(c.stop() for c in consumers)), 30)

    assignments, seen = asyncio.run(asyncio.wait_for(run(), 150))
    assert sorted(len(a) for a in assignments) == [2, 2]
    assert assignments[0] | assignments[1] == {0, 1, 2, 3}
    everything = seen[0] + seen[1]
    assert sorted(everything) == [(p, o) for p in range(4) for o in range(25)], "each record exactly once"
    for i in (0, 1):
        assert {p for p, _ in seen[i]} <= assignments[i]
    assert committed_offsets(brook.bootstrap, group, topic, 4) == {p: 25 for p in range(4)}
