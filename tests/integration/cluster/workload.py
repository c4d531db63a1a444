"""An acks=all idempotent producer/consumer load that records everything into a `History`.

The fault tests run it against brook (one node or a cluster: `bootstrap` is any bootstrap.servers
string), inject faults while it runs, then stop it, do a final read and check:

    load = Workload(bootstrap, topic, partitions=3)
    load.start()
    load.wait_for_acks(500)
    ... kill / pause / cut off a broker ...
    load.wait_for_more_acks(500)          # progress after the fault
    load.stop()                           # producers flush (bounded), the live consumer stops
    load.final_read()                     # every partition from the earliest offset, read_committed
    assert_valid(load.check())

Each producer thread sends "<name>-<seq>" values round-robin over the partitions (explicit partition
numbers, so ordering per producer and partition is checkable) at a bounded rate; delivery reports
become ack/fail operations. A live consumer (assign, no group, read_committed) records what it sees
while the faults happen, so offsets that change under a reader show up as inconsistent/nonmonotonic.

With transactional=True each producer (transactional.id "<topic>-<name>") sends transactions of
`txn_size` values and aborts every `abort_every`-th; the checker then also requires committed
values in the final read, aborted ones invisible, and every transaction all-or-nothing.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from checker import CheckResult, assert_valid, check
from history import History, ReaderSession

CLIENT_TIMEOUT = 30.0


def create_topic(bootstrap: str, topic: str, partitions: int, replication_factor: int = 1,
                 configs: dict[str, str] | None = None, timeout: float = CLIENT_TIMEOUT) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, num_partitions=partitions,
                                            replication_factor=replication_factor,
                                            config=dict(configs or {}))], request_timeout=timeout)
    futures[topic].result(timeout)


class Workload:
    """Producer threads and a live consumer against one topic, recording into `history`."""

    def __init__(self, bootstrap: str, topic: str, partitions: int, *, history: History | None = None,
                 producers: int = 2, rate_per_producer: float = 200.0, idempotent: bool = True,
                 live_consumer: bool = True, name_prefix: str = "p", transactional: bool = False,
                 txn_size: int = 10, abort_every: int = 4,
                 producer_config: dict | None = None, consumer_config: dict | None = None):
        self.bootstrap = bootstrap
        self.topic = topic
        self.partitions = partitions
        self.history = history if history is not None else History()
        self.producer_names = [f"{name_prefix}{i}" for i in range(producers)]
        self.rate = rate_per_producer
        self.idempotent = idempotent or transactional
        self.transactional = transactional
        self.txn_size = txn_size
        self.abort_every = abort_every
        self.live_consumer = live_consumer
        self.producer_overrides = dict(producer_config or {})
        self.consumer_overrides = dict(consumer_config or {})
        self.fatal_errors: list[str] = []        # producer-wide fatal errors (error_cb)
        self.consumer_errors: list[str] = []     # the live consumer's errors (first 100), for diagnosis
        self.thread_errors: list[BaseException] = []
        self._stop = threading.Event()
        self._acks = 0
        self._live_reads = 0
        self._acks_changed = threading.Condition()   # also signals live reads
        self._threads: list[threading.Thread] = []
        self._flush_timeout = CLIENT_TIMEOUT
        self.unflushed: dict[str, int] = {}      # producer -> messages still queued after its flush

    # -- client configuration ---------------------------------------------------------------------

    def producer_config(self) -> dict:
        config = {
            "bootstrap.servers": self.bootstrap,
            "acks": "all",
            "enable.idempotence": self.idempotent,
            "linger.ms": 5,
            "message.timeout.ms": 60000,     # outlive a broker restart or a leader change
            "socket.timeout.ms": 10000,
            "reconnect.backoff.ms": 50,
            "reconnect.backoff.max.ms": 500,
            "retry.backoff.ms": 100,
            "topic.metadata.refresh.interval.ms": 1000,
        }
        config.update(self.producer_overrides)
        return config

    def consumer_config(self, **extra) -> dict:
        config = {
            "bootstrap.servers": self.bootstrap,
            "group.id": f"checker-{uuid.uuid4().hex[:8]}",   # required by the client; assign() uses no group
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "isolation.level": "read_committed",
            "reconnect.backoff.ms": 50,
            "reconnect.backoff.max.ms": 500,
            "topic.metadata.refresh.interval.ms": 1000,
        }
        config.update(self.consumer_overrides)
        config.update(extra)
        return config

    # -- running ----------------------------------------------------------------------------------

    @property
    def acks(self) -> int:
        with self._acks_changed:
            return self._acks

    def start(self) -> "Workload":
        for name in self.producer_names:
            self._spawn(self._produce, name, name=f"producer-{name}")
        if self.live_consumer:
            self._spawn(self._consume_live, name="live-consumer")
        return self

    def _spawn(self, target, *args, name: str) -> None:
        def run():
            try:
                target(*args)
            except BaseException as exc:   # surfaced by stop()
                self.thread_errors.append(exc)
                self._stop.set()
                with self._acks_changed:
                    self._acks_changed.notify_all()

        thread = threading.Thread(target=run, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def wait_for_acks(self, count: int, timeout: float = CLIENT_TIMEOUT) -> int:
        """Blocks until at least `count` acknowledgements in total; returns the count reached."""
        self._wait_until(lambda: self._acks >= count, timeout,
                         lambda: f"only {self._acks} of {count} acks within {timeout}s "
                                 f"(fatal errors: {self.fatal_errors})")
        return self.acks

    def wait_for_more_acks(self, count: int, timeout: float = CLIENT_TIMEOUT) -> int:
        """Blocks until `count` more acknowledgements than now: progress after a fault."""
        return self.wait_for_acks(self.acks + count, timeout)

    @property
    def live_reads(self) -> int:
        with self._acks_changed:
            return self._live_reads

    def wait_for_more_live_reads(self, count: int, timeout: float = CLIENT_TIMEOUT) -> int:
        """Blocks until the live consumer has read `count` more records than now."""
        target = self.live_reads + count
        self._wait_until(lambda: self._live_reads >= target, timeout,
                         lambda: f"the live consumer read {self._live_reads} of {target} records within {timeout}s")
        return self.live_reads

    def _wait_until(self, reached, timeout: float, describe) -> None:
        """Waits on the progress condition until `reached()` (both read under it); a failed workload
        thread or the end of `timeout` raises, the latter with `describe()`."""
        deadline = time.monotonic() + timeout
        with self._acks_changed:
            while not reached():
                if self.thread_errors:
                    raise AssertionError(f"workload thread failed: {self.thread_errors[0]!r}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(describe())
                self._acks_changed.wait(remaining)

    def stop(self, flush_timeout: float = CLIENT_TIMEOUT) -> None:
        """Stops sending; each producer flushes for up to `flush_timeout`, then every thread ends."""
        self._flush_timeout = flush_timeout
        self._stop.set()
        for thread in self._threads:
            thread.join(flush_timeout + 15)
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            raise AssertionError(f"workload threads still running: {alive}")
        if self.thread_errors:
            raise AssertionError(f"workload thread failed: {self.thread_errors[0]!r}") from self.thread_errors[0]

    # -- producers --------------------------------------------------------------------------------

    def _callbacks(self, name: str, log) -> dict:
        """error_cb and on_delivery for one producer, recording into `log`."""
        def on_error(err: KafkaError) -> None:
            if err.fatal():
                self.fatal_errors.append(f"{name}: {err}")

        def on_delivery(err, msg) -> None:
            value = msg.value().decode()
            if err is None:
                log.ack(value, msg.partition(), msg.offset())
                with self._acks_changed:
                    self._acks += 1
                    self._acks_changed.notify_all()
            else:
                log.fail(value, err, msg.partition())

        return {"error_cb": on_error, "on_delivery": on_delivery}

    def _send_paced(self, producer: Producer, log, value: str, partition: int, next_send: float,
                    on_delivery, txn: str | None = None) -> float:
        """Waits for the next send slot, produces `value` (retrying while the queue is full) and
        records the send; returns the following slot. Raises _Stopped if the workload stops while
        the queue is full."""
        # Pace the load; poll() serves delivery reports meanwhile and may return early.
        while (wait := next_send - time.monotonic()) > 0:
            producer.poll(wait)
        while True:
            try:
                producer.produce(self.topic, value=value.encode(), partition=partition,
                                 on_delivery=on_delivery)
                break
            except BufferError:
                if self._stop.is_set():
                    raise _Stopped() from None
                producer.poll(0.05)   # queue full (broker down): serve callbacks, retry
        # Delivery callbacks run only inside poll()/flush() on this thread, so recording the send
        # after produce() still orders it before its ack.
        log.send(value, partition, txn=txn)
        producer.poll(0)
        interval = 1.0 / self.rate if self.rate > 0 else 0.0
        return max(next_send + interval, time.monotonic() - 1.0)   # no burst after a stall

    def _produce(self, name: str) -> None:
        if self.transactional:
            return self._produce_transactions(name)
        log = self.history.producer(name, idempotent=self.idempotent)
        callbacks = self._callbacks(name, log)
        producer = Producer({**self.producer_config(), "error_cb": callbacks["error_cb"]})
        next_send = time.monotonic()
        seq = 0
        try:
            with contextlib.suppress(_Stopped):
                while not self._stop.is_set() and not self.fatal_errors:
                    next_send = self._send_paced(producer, log, f"{name}-{seq}",
                                                 seq % self.partitions, next_send,
                                                 callbacks["on_delivery"])
                    seq += 1
            self.unflushed[name] = producer.flush(self._flush_timeout)
        finally:
            _discard(producer)

    def _produce_transactions(self, name: str) -> None:
        """Transactions of `txn_size` values; every `abort_every`-th is aborted. A transaction
        whose end the client cannot tell (a fatal error) is recorded as txn_unknown and a new
        producer with the same transactional.id takes over (fencing the old one)."""
        log = self.history.producer(name, idempotent=True)
        callbacks = self._callbacks(name, log)
        config = {**self.producer_config(), "error_cb": callbacks["error_cb"],
                  "transactional.id": f"{self.topic}-{name}", "transaction.timeout.ms": 60000}
        producer: Producer | None = None
        next_send = time.monotonic()
        seq = txn_number = 0
        try:
            while not self._stop.is_set():
                if producer is None:
                    producer = Producer(config)
                    _retry_retriable(lambda: producer.init_transactions(CLIENT_TIMEOUT), CLIENT_TIMEOUT * 2)
                txn = f"{name}/t{txn_number}"
                txn_number += 1
                producer.begin_transaction()
                abort = self.abort_every > 0 and txn_number % self.abort_every == 0
                try:
                    for _ in range(self.txn_size):
                        next_send = self._send_paced(producer, log, f"{name}-{seq}",
                                                     seq % self.partitions, next_send,
                                                     callbacks["on_delivery"], txn=txn)
                        seq += 1
                        if self._stop.is_set():
                            break
                except _Stopped:
                    pass           # commit what was sent
                except KafkaException:
                    abort = True   # the transaction is in an error state; end it as the client says
                outcome, error = self._end_transaction(producer, abort)
                if outcome == "commit":
                    log.commit(txn)
                elif outcome == "abort":
                    log.abort(txn)
                else:
                    log.txn_unknown(txn, error)
                    _discard(producer)
                    producer = None
            self.unflushed[name] = producer.flush(self._flush_timeout) if producer else 0
        finally:
            if producer is not None:
                _discard(producer)

    def _end_transaction(self, producer: Producer, abort: bool) -> tuple[str, KafkaError | None]:
        deadline = time.monotonic() + CLIENT_TIMEOUT * 2
        while True:
            try:
                if abort:
                    producer.abort_transaction(CLIENT_TIMEOUT)
                    return "abort", None
                producer.commit_transaction(CLIENT_TIMEOUT)
                return "commit", None
            except KafkaException as exc:
                err = exc.args[0]
                if err.retriable() and time.monotonic() < deadline:
                    continue
                if err.txn_requires_abort() and not abort:
                    abort = True
                    continue
                return "unknown", err

    # -- readers ----------------------------------------------------------------------------------

    def _consume_live(self) -> None:
        session = self.history.reader("live")
        consumer = Consumer(self.consumer_config())
        try:
            consumer.assign([TopicPartition(self.topic, p, OFFSET_BEGINNING)
                             for p in range(self.partitions)])
            while not self._stop.is_set():
                msg = consumer.poll(0.1)
                if msg is None:
                    continue
                if msg.error() is not None:
                    if len(self.consumer_errors) < 100:
                        self.consumer_errors.append(str(msg.error()))
                    continue
                session.read(msg.partition(), msg.offset(), msg.value().decode())
                with self._acks_changed:
                    self._live_reads += 1
                    self._acks_changed.notify_all()
            session.end()
        finally:
            consumer.close()

    def _high_watermark(self, consumer: Consumer, partition: int) -> int:
        """The partition's high watermark from its leader. A fresh consumer may not know the topic's
        partitions yet (librdkafka then answers _UNKNOWN_PARTITION) or may ask a leader that just
        moved: both are retried until CLIENT_TIMEOUT."""
        deadline = time.monotonic() + CLIENT_TIMEOUT
        while True:
            try:
                return consumer.get_watermark_offsets(TopicPartition(self.topic, partition),
                                                      timeout=CLIENT_TIMEOUT, cached=False)[1]
            except KafkaException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)   # metadata arrives without a signal to wait on: retry, bounded

    def final_read(self, timeout: float = 60.0) -> ReaderSession:
        """Reads every partition from the earliest offset up to its end (high watermark, fetched
        first) as a final session; raises TimeoutError if some partition does not get there."""
        session = self.history.reader("final", final=True)
        consumer = Consumer(self.consumer_config(**{"enable.partition.eof": True}))
        try:
            ends = {p: self._high_watermark(consumer, p) for p in range(self.partitions)}
            positions = {p: 0 for p in ends}
            consumer.assign([TopicPartition(self.topic, p, OFFSET_BEGINNING) for p in ends])
            deadline = time.monotonic() + timeout
            while any(positions[p] < ends[p] for p in ends):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"final read incomplete after {timeout}s: positions "
                                       f"{positions}, ends {ends}")
                msg = consumer.poll(0.2)
                if msg is None:
                    continue
                if msg.error() is not None:
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        positions[msg.partition()] = max(positions[msg.partition()], msg.offset())
                    elif msg.error().fatal():
                        raise KafkaException(msg.error())
                    continue
                session.read(msg.partition(), msg.offset(), msg.value().decode())
                positions[msg.partition()] = max(positions[msg.partition()], msg.offset() + 1)
            session.end(ends)
            return session
        finally:
            consumer.close()

    def check(self) -> CheckResult:
        return check(self.history)


def final_check(load: Workload, tmp_path) -> CheckResult:
    """Reads every partition to the end, checks the whole history and asserts it valid; an invalid
    history is kept as tmp_path/history.jsonl (`History.load` replays it)."""
    load.final_read()
    result = load.check()
    if not result.valid:
        load.history.dump(tmp_path / "history.jsonl")
    assert_valid(result)
    return result


class _Stopped(Exception):
    """The workload stopped while a producer waited for queue space."""


def _discard(producer: Producer) -> None:
    # Whatever is still queued is reported failed (purged) so the history is complete. A producer
    # in a fatal state raises its error from poll()/flush() again: it is being thrown away.
    producer.purge()
    with contextlib.suppress(KafkaException):
        producer.poll(0)
    with contextlib.suppress(KafkaException):
        producer.flush(1)


def _retry_retriable(call, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except KafkaException as exc:
            if not exc.args[0].retriable() or time.monotonic() > deadline:
                raise
