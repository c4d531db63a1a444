"""Damaged checkpoint files do not stop start-up (issue 10, item 4): the broker logs a warning naming
each file, recovers with safe defaults, and every acknowledged record is still there."""

from __future__ import annotations

import pytest

from clients import consume_confluent, produce_confluent

DAMAGE = {
    "empty": b"",
    "garbage": b"\x00\xff not a checkpoint \x01",
    "truncated": b"0\n40\n",
}


@pytest.mark.timeout(180)
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_start_up_survives_damaged_checkpoints(brook, topic, damage):
    messages = [{"key": f"k{i}".encode(), "value": f"value {i}".encode()} for i in range(300)]
    deliveries = produce_confluent(brook.bootstrap, topic, messages, acks="all")
    assert [d.offset for d in deliveries] == list(range(300))
    brook.kill()  # unclean: start-up must recover, and it reads the checkpoints to know from where

    data = brook.data_dir
    damaged = [data / "recovery-point-offset-checkpoint", data / "log-start-offset-checkpoint",
               data / "cleaner-offset-checkpoint", data / f"{topic}-0" / "leader-epoch-checkpoint"]
    for path in damaged:
        path.write_bytes(DAMAGE[damage])

    brook.start()
    got = consume_confluent(brook.bootstrap, topic, 0, 300)
    assert [(r.offset, r.key, r.value) for r in got] == \
        [(i, m["key"], m["value"]) for i, m in enumerate(messages)]
    output = brook.output()
    for path in damaged:
        assert str(path) in output, f"no warning names {path}"

    more = produce_confluent(brook.bootstrap, topic, [{"value": b"after"}], acks="all")
    assert more[0].offset == 300
