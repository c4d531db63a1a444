"""The fault-test template on one real brook: an acks=all idempotent load over 3 partitions with a
live consumer, brook killed with SIGKILL in the middle and restarted on the same port and data, then
a final read of every partition; the same with brook paused (SIGSTOP) past the clients' request
timeout; transactional producers across a kill -9. The checker must find no lost, duplicated,
reordered or inconsistent record, no aborted value and no transaction visible in part. The cluster fault tests reuse this shape with etcd and 3 brokers."""

from __future__ import annotations

import time

import pytest

from checker import check
from faults import paused
from history import History
from workload import Workload, create_topic, final_check

PARTITIONS = 3


@pytest.mark.timeout(240)
def test_kill_9_and_restart_mid_load_loses_no_acked_record(brook, topic, tmp_path):
    create_topic(brook.bootstrap, topic, PARTITIONS)
    load = Workload(brook.bootstrap, topic, PARTITIONS, producers=2, rate_per_producer=300)
    try:
        load.start()
        load.wait_for_acks(400)
        brook.kill()                       # SIGKILL with batches in flight
        acks_at_kill = load.acks
        brook.restart(keep_port=True)      # same bootstrap address, same data directory
        restarted_at = len(load.history)
        load.wait_for_more_acks(1000, timeout=90)
        load.wait_for_more_live_reads(500, timeout=60)
    finally:
        load.stop()
    result = final_check(load, tmp_path)
    assert not load.fatal_errors
    assert load.unflushed == {name: 0 for name in load.producer_names}
    assert result.stats["acked"] >= acks_at_kill + 1000
    sends = result.stats["sends"]
    # Every send ended acknowledged once the producers flushed: nothing was given up on.
    assert result.stats["acked"] == sends, result.summary()
    assert result.counts["duplicated_expected"] == 0, result.summary()
    # Negative control: the same real history with one record taken out of the final read must
    # report exactly that record as lost.
    dropped = next(op for op in load.history if op.kind == "read" and op.process.startswith("final"))
    tampered = History()
    tampered.producers, tampered.sessions = load.history.producers, load.history.sessions
    tampered._ops = [op for op in load.history if op is not dropped]
    assert check(tampered).anomalies == {"lost": 1}
    assert check(tampered).examples["lost"][0]["value"] == dropped.value

    # The live consumer kept reading after the restart.
    assert any(op.kind == "read" and op.process.startswith("live") and op.index > restarted_at
               for op in load.history)


@pytest.mark.timeout(240)
def test_pause_past_the_request_timeout_mid_load_loses_and_duplicates_nothing(brook, topic, tmp_path):
    """SIGSTOP brook for longer than the clients' request timeout: the producers time their requests
    out and retry on new connections while the originals still sit in brook's socket buffers, so
    after SIGCONT brook may see every batch twice. Idempotence must store each once."""
    create_topic(brook.bootstrap, topic, PARTITIONS)
    load = Workload(brook.bootstrap, topic, PARTITIONS, producers=2, rate_per_producer=300,
                    producer_config={"socket.timeout.ms": 2000},
                    consumer_config={"socket.timeout.ms": 2000})
    try:
        load.start()
        load.wait_for_acks(400)
        with paused(brook.pid):
            time.sleep(4)   # the fault's length (twice the request timeout), not a synchronisation
        load.wait_for_more_acks(1000, timeout=90)
        load.wait_for_more_live_reads(500, timeout=60)
    finally:
        load.stop()
    result = final_check(load, tmp_path)
    assert not load.fatal_errors
    assert result.stats["acked"] == result.stats["sends"], result.summary()
    assert result.counts["duplicated_expected"] == 0, result.summary()


def run_transactions(brook, topic, tmp_path, kill: bool):
    create_topic(brook.bootstrap, topic, PARTITIONS)
    load = Workload(brook.bootstrap, topic, PARTITIONS, producers=2, rate_per_producer=300,
                    transactional=True, txn_size=10, abort_every=4)
    try:
        load.start()
        load.wait_for_acks(300)
        if kill:
            brook.kill()
            brook.restart(keep_port=True)
        load.wait_for_more_acks(600, timeout=120)
        load.wait_for_more_live_reads(300, timeout=60)
    finally:
        load.stop(flush_timeout=60)
    result = final_check(load, tmp_path)
    assert result.stats.get("txn_commit", 0) >= 20, result.summary()
    # Only aborted transactions lost values on the way (abort purges what was still queued).
    ops = load.history.ops
    txn_of = {op.value: op.txn for op in ops if op.kind == "send"}
    committed = {op.txn for op in ops if op.kind == "commit"}
    assert not [op for op in ops if op.kind == "fail" and txn_of[op.value] in committed]
    assert result.stats.get("txn_abort", 0) >= 5, result.summary()
    assert result.counts["duplicated_expected"] == 0, result.summary()


@pytest.mark.timeout(300)
def test_transactions_stay_all_or_nothing(brook, topic, tmp_path):
    """Transactional producers, every 4th transaction aborted: every committed value is read back,
    no aborted value is visible to read_committed readers, no transaction is visible in part."""
    run_transactions(brook, topic, tmp_path, kill=False)


@pytest.mark.timeout(300)
def test_transactions_across_a_kill_9_stay_all_or_nothing(brook, topic, tmp_path):
    """The same with brook killed with SIGKILL mid-load and restarted on the same data.

    Once (in about 25 runs) this found a committed transaction visible only in part: its batch was
    acknowledged at the offsets of an aborted pre-crash batch with the same sequence numbers. The
    likely cause: the pre-crash batch's retry was refused while the restarted broker asked the transaction
    coordinator (KIP-890 verification) until the client gave up, aborted and reused the sequences.
    Brook now appends batches of a transaction already open in the partition without asking the
    coordinator, as Kafka does (TransactionsEndToEndTests.testBatchesOfAnOpenTransactionNeedNoLoadedCoordinator)."""
    run_transactions(brook, topic, tmp_path, kill=True)
