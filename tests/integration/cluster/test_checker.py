"""The Jepsen-style checker on synthetic histories: a clean history passes, every anomaly kind is
detected (with its count and an example), expected at-least-once effects are counted separately,
transactions are all-or-nothing and aborted values stay invisible to read_committed readers, and
the history survives a dump/load round trip. No broker needed."""

from __future__ import annotations

import pytest

from checker import ANOMALIES, assert_valid, check
from history import History


def produce(history: History, producer, values_at: list[tuple[str, int, int]]) -> None:
    """Sends and acknowledges each (value, partition, offset) in order."""
    for value, partition, offset in values_at:
        producer.send(value, partition)
        producer.ack(value, partition, offset)


def final_read(history: History, records: list[tuple[int, int, str]], name="final"):
    """A complete final read of (partition, offset, value) records, in the given order."""
    session = history.reader(name, final=True)
    ends: dict[int, int] = {}
    for partition, offset, value in records:
        session.read(partition, offset, value)
        ends[partition] = max(ends.get(partition, 0), offset + 1)
    session.end(ends)
    return session


def clean_history() -> History:
    h = History()
    a = h.producer("a")
    b = h.producer("b")
    produce(h, a, [("a-0", 0, 0), ("a-1", 1, 0), ("a-2", 0, 1)])
    produce(h, b, [("b-0", 0, 2), ("b-1", 1, 1)])
    live = h.reader("live")
    live.read(0, 0, "a-0")
    live.read(1, 0, "a-1")
    live.read(0, 1, "a-2")
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-2"), (0, 2, "b-0"), (1, 0, "a-1"), (1, 1, "b-1")])
    return h


def only(result, kind: str, count: int = 1) -> dict:
    """Asserts that `kind` is the one anomaly, `count` times, and returns its first example."""
    assert result.anomalies == {kind: count}, result.summary()
    assert not result.valid
    with pytest.raises(AssertionError, match=kind):
        assert_valid(result)
    return result.examples[kind][0]


def test_clean_history_is_valid():
    result = check(clean_history())
    assert_valid(result)
    assert result.valid
    assert result.stats["acked"] == 5
    assert result.stats["final_reads"] == 1
    assert all(result.counts[k] == 0 for k in result.counts), result.summary()


def test_empty_history_is_valid():
    result = check(History())
    assert_valid(result)
    assert result.stats["sends"] == 0


def test_acked_write_missing_from_final_read_is_lost():
    h = History()
    a = h.producer("a")
    produce(h, a, [("a-0", 0, 0), ("a-1", 0, 1), ("a-2", 0, 2)])
    final_read(h, [(0, 0, "a-0"), (0, 2, "a-2")])
    example = only(check(h), "lost")
    assert example["value"] == "a-1"
    assert example["acked_at"] == (0, 1)


def test_write_acked_after_the_final_read_started_is_not_lost():
    h = History()
    a = h.producer("a")
    produce(h, a, [("a-0", 0, 0)])
    session = h.reader("final", final=True)
    session.read(0, 0, "a-0")
    produce(h, a, [("a-1", 0, 1)])
    session.end({0: 1})
    assert_valid(check(h))


def test_every_later_final_read_must_still_hold_acked_writes():
    h = History()
    a = h.producer("a")
    produce(h, a, [("a-0", 0, 0), ("a-1", 0, 1)])
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-1")], name="after-phase-1")
    final_read(h, [(0, 0, "a-0")], name="after-phase-2")
    example = only(check(h), "lost")
    assert example["value"] == "a-1"
    assert example["missing_from"].startswith("after-phase-2")


def test_acks_without_a_completed_final_read_are_flagged():
    h = History()
    a = h.producer("a")
    produce(h, a, [("a-0", 0, 0)])
    unfinished = h.reader("final", final=True)
    unfinished.read(0, 0, "a-0")   # never ended: the read may have been cut short
    only(check(h), "no_final_read")


def test_unacked_but_present_writes_are_fine():
    h = History()
    a = h.producer("a")
    produce(h, a, [("a-0", 0, 0)])
    a.send("a-1", 0)                      # in flight when the test stopped
    a.send("a-2", 0)
    a.fail("a-2", "Local: Message timed out", 0)   # indefinite failure, yet written
    a.send("a-3", 0)
    a.fail("a-3", "Local: Message timed out", 0)   # and this one really was not written
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-1"), (0, 2, "a-2")])
    result = check(h)
    assert_valid(result)
    assert result.counts["unacked_present"] == 1
    assert result.counts["failed_present"] == 1
    assert result.examples["failed_present"][0]["value"] == "a-2"


def test_idempotent_producer_value_at_two_offsets_is_duplicated():
    h = History()
    a = h.producer("a", idempotent=True)
    produce(h, a, [("a-0", 0, 0), ("a-1", 0, 1)])
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-1"), (0, 2, "a-1")])
    example = only(check(h), "duplicated")
    assert example["value"] == "a-1"
    assert example["at"] == [(0, 1), (0, 2)]


def test_duplicate_from_a_retry_without_idempotence_is_counted_separately():
    h = History()
    a = h.producer("a", idempotent=False)
    produce(h, a, [("a-0", 0, 0), ("a-1", 0, 1)])
    # the response for a-1's first attempt was lost; the client's retry wrote it again
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-1"), (0, 2, "a-1")])
    result = check(h)
    assert_valid(result)
    assert result.counts["duplicated_expected"] == 1
    assert result.counts["duplicated"] == 0


def test_duplicate_from_an_application_resend_is_counted_separately():
    h = History()
    a = h.producer("a", idempotent=True)
    a.send("a-0", 0)
    a.fail("a-0", "Local: Message timed out", 0)
    a.send("a-0", 0)                # the application tries again: two sends, two records allowed
    a.ack("a-0", 0, 1)
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-0")])
    result = check(h)
    assert_valid(result)
    assert result.counts["duplicated_expected"] == 1


def test_values_of_one_producer_out_of_send_order_are_reordered():
    h = History()
    a = h.producer("a")
    b = h.producer("b")
    for value in ("a-0", "b-0", "a-1", "a-2"):
        (a if value.startswith("a") else b).send(value, 0)
    a.ack("a-0", 0, 0)
    a.ack("a-2", 0, 1)
    b.ack("b-0", 0, 2)
    a.ack("a-1", 0, 3)
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-2"), (0, 2, "b-0"), (0, 3, "a-1")])
    example = only(check(h), "reordered")
    assert example["producer"] == "a"
    assert example["sent_earlier"] == {"value": "a-1", "offset": 3}
    assert example["sent_later"] == {"value": "a-2", "offset": 1}


def test_interleaved_producers_and_partitions_are_not_reordered():
    h = History()
    a = h.producer("a")
    b = h.producer("b")
    b.send("b-0", 0)
    a.send("a-0", 1)
    a.send("a-1", 0)
    b.send("b-1", 1)
    for producer, value, p, o in ((b, "b-0", 0, 0), (a, "a-1", 0, 1), (b, "b-1", 1, 0), (a, "a-0", 1, 1)):
        producer.ack(value, p, o)
    final_read(h, [(0, 0, "b-0"), (0, 1, "a-1"), (1, 0, "b-1"), (1, 1, "a-0")])
    assert_valid(check(h))


def test_reordering_without_idempotence_is_counted_separately():
    h = History()
    a = h.producer("a", idempotent=False)
    a.send("a-0", 0)
    a.send("a-1", 0)
    a.ack("a-1", 0, 0)
    a.ack("a-0", 0, 1)
    final_read(h, [(0, 0, "a-1"), (0, 1, "a-0")])
    result = check(h)
    assert_valid(result)
    assert result.counts["reordered_expected"] == 1


def test_offsets_going_backwards_within_a_session_are_nonmonotonic():
    h = clean_history()
    live = h.reader("live")
    live.read(0, 0, "a-0")
    live.read(0, 1, "a-2")
    live.read(0, 0, "a-0")           # the same record again, without a seek: position went back
    example = only(check(h), "nonmonotonic")
    assert example == {"session": live.id, "partition": 0, "previous_offset": 1, "offset": 0}


def test_a_new_session_may_start_over():
    h = clean_history()
    for _ in range(2):
        again = h.reader("live")     # e.g. after a restart or a seek to the beginning
        again.read(0, 0, "a-0")
        again.read(0, 1, "a-2")
    assert_valid(check(h))


def test_a_session_jumping_over_a_record_others_saw_has_skipped():
    h = clean_history()
    live = h.reader("live")
    live.read(0, 0, "a-0")
    live.read(0, 2, "b-0")           # offset 1 holds a-2 (the final read saw it)
    example = only(check(h), "skipped")
    assert example["missed_offset"] == 1


def test_gaps_nobody_read_are_not_skips():
    # Offsets can be absent for good reasons (transaction markers, compaction): only a gap over an
    # offset some read saw is a skip.
    h = History()
    a = h.producer("a")
    produce(h, a, [("a-0", 0, 0), ("a-1", 0, 5)])
    live = h.reader("live")
    live.read(0, 0, "a-0")
    live.read(0, 5, "a-1")
    final_read(h, [(0, 0, "a-0"), (0, 5, "a-1")])
    assert_valid(check(h))


def test_one_offset_read_with_two_values_is_inconsistent():
    h = History()
    a = h.producer("a")
    produce(h, a, [("a-0", 0, 0)])
    a.send("a-1", 0)                          # not acknowledged: a stale leader took it
    early = h.reader("early")
    early.read(0, 0, "a-0")
    early.read(0, 1, "a-1")
    a.send("a-2", 0)
    a.ack("a-2", 0, 1)                        # the same offset, now with another record
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-2")])
    result = check(h)
    assert result.anomalies == {"inconsistent": 1}, result.summary()
    assert result.examples["inconsistent"][0] == {"at": (0, 1), "values": ["a-1", "a-2"]}
    with pytest.raises(AssertionError, match="inconsistent"):
        assert_valid(result)


def test_value_read_elsewhere_than_its_ack_said_is_an_ack_mismatch():
    h = History()
    a = h.producer("a")
    produce(h, a, [("a-0", 0, 0)])
    a.send("a-1", 0)
    a.ack("a-1", 0, 7)                        # the broker answered a wrong base offset
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-1")])
    example = only(check(h), "ack_mismatch")
    assert example["acked_at"] == (0, 7)
    assert example["read_at"] == [(0, 1)]


def test_acked_position_holding_another_value_is_an_ack_mismatch_and_a_loss():
    h = History()
    a = h.producer("a")
    produce(h, a, [("a-0", 0, 0), ("a-1", 0, 1)])
    a.send("a-2", 0)
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-2")])   # a-1 overwritten by an unacknowledged write
    result = check(h)
    assert result.anomalies == {"lost": 1, "ack_mismatch": 1}, result.summary()
    assert result.examples["ack_mismatch"][0]["value_read_at_acked_position"] == ["a-2"]


def test_a_value_nobody_sent_is_unexpected():
    h = clean_history()
    final_read(h, [(0, 0, "a-0"), (0, 1, "a-2"), (0, 2, "b-0"), (1, 0, "a-1"), (1, 1, "b-1"),
                   (1, 2, "ghost")])
    example = only(check(h), "unexpected")
    assert example["value"] == "ghost"


def transaction(producer, txn: str, values_at: list[tuple[str, int, int]], outcome: str) -> None:
    """Sends and acknowledges each value inside `txn`, then ends it with `outcome`."""
    for value, partition, offset in values_at:
        producer.send(value, partition, txn=txn)
    for value, partition, offset in values_at:
        producer.ack(value, partition, offset)
    if outcome == "commit":
        producer.commit(txn)
    elif outcome == "abort":
        producer.abort(txn)
    else:
        producer.txn_unknown(txn, "fatal error during commit")


def test_committed_and_aborted_transactions_read_correctly_are_valid():
    h = History()
    t = h.producer("t")
    transaction(t, "t/0", [("t-0", 0, 0), ("t-1", 1, 0)], "commit")
    transaction(t, "t/1", [("t-2", 0, 2), ("t-3", 1, 2)], "abort")      # offsets 1: markers
    transaction(t, "t/2", [("t-4", 0, 4)], "unknown")                   # it did commit
    transaction(t, "t/3", [("t-5", 0, 6)], "unknown")                   # it did not
    final_read(h, [(0, 0, "t-0"), (0, 4, "t-4"), (1, 0, "t-1")])
    result = check(h)
    assert_valid(result)
    assert result.stats["txn_commit"] == 1 and result.stats["txn_abort"] == 1
    assert result.stats["txn_txn_unknown"] == 2


def test_committed_value_missing_from_the_final_read_is_lost_even_if_partly_there():
    h = History()
    t = h.producer("t")
    transaction(t, "t/0", [("t-0", 0, 0), ("t-1", 1, 0)], "commit")
    final_read(h, [(0, 0, "t-0")])
    result = check(h)
    assert result.anomalies == {"lost": 1, "partial_txn": 1}, result.summary()
    assert result.examples["lost"][0] == {"value": "t-1", "txn": "t/0", "missing_from": "final#1"}


def test_acked_values_of_an_aborted_transaction_are_not_lost():
    h = History()
    t = h.producer("t")
    transaction(t, "t/0", [("t-0", 0, 0)], "abort")
    final_read(h, [])
    assert_valid(check(h))


def test_read_committed_session_seeing_an_aborted_value_is_an_aborted_read():
    h = History()
    t = h.producer("t")
    transaction(t, "t/0", [("t-0", 0, 0)], "abort")
    dirty = h.reader("dirty", read_committed=False)   # read_uncommitted may see it
    dirty.read(0, 0, "t-0")
    live = h.reader("live")
    live.read(0, 0, "t-0")
    final_read(h, [])
    example = only(check(h), "aborted_read")
    assert example["session"] == live.id and example["txn"] == "t/0"


def test_transaction_of_unknown_outcome_must_be_all_or_nothing():
    h = History()
    t = h.producer("t")
    transaction(t, "t/0", [("t-0", 0, 0), ("t-1", 1, 0), ("t-2", 2, 0)], "unknown")
    final_read(h, [(0, 0, "t-0"), (2, 0, "t-2")])
    example = only(check(h), "partial_txn")
    assert example["present"] == 2 and example["of"] == 3 and example["missing"] == ["t-1"]


def test_examples_are_bounded_but_counts_are_complete():
    h = History()
    a = h.producer("a")
    produce(h, a, [(f"a-{i}", 0, i) for i in range(20)])
    final_read(h, [])
    result = check(h)
    assert result.counts["lost"] == 20
    assert len(result.examples["lost"]) == 5
    message = result.summary()
    assert "lost (anomaly): 20" in message and "a-0" in message


def test_every_anomaly_kind_has_a_test():
    # A new kind in the checker must come with a test above that makes it fire.
    tested = {"lost", "no_final_read", "duplicated", "reordered", "nonmonotonic", "skipped",
              "inconsistent", "ack_mismatch", "unexpected", "aborted_read", "partial_txn"}
    assert set(ANOMALIES) == tested


def test_history_round_trips_through_a_file(tmp_path):
    h = clean_history()
    b = h.producer("bytes", idempotent=False)
    b.send(b"\x00\xffraw", 2)
    b.ack(b"\x00\xffraw", 2, 0)
    transaction(h.producer("t"), "t/0", [("t-0", 3, 0)], "abort")
    raw = h.reader("bytes-read")
    raw.read(2, 0, b"\x00\xffraw")
    raw.end()
    path = tmp_path / "history.jsonl"
    h.dump(path)
    loaded = History.load(path)
    assert loaded.ops == h.ops
    assert loaded.producers == h.producers
    assert loaded.sessions == h.sessions
    assert check(loaded).as_dict() == check(h).as_dict()
