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
"""

from __future__ import annotations

import threading
import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from checker import CheckResult, check
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
                 live_consumer: bool = True, name_prefix: str = "p",
                 producer_config: dict | None = None, consumer_config: dict | None = None):
        self.bootstrap = bootstrap
        self.topic = topic
        self.partitions = partitions
        self.history = history if history is not None else History()
        self.producer_names = [f"{name_prefix}{i}" for i in range(producers)]
        self.rate = rate_per_producer
        self.idempotent = idempotent
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
        deadline = time.monotonic() + timeout
        with self._acks_changed:
            while self._acks < count:
                if self.thread_errors:
                    raise AssertionError(f"workload thread failed: {self.thread_errors[0]!r}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"only {self._acks} of {count} acks within {timeout}s "
                                       f"(fatal errors: {self.fatal_errors})")
                self._acks_changed.wait(remaining)
            return self._acks

    def wait_for_more_acks(self, count: int, timeout: float = CLIENT_TIMEOUT) -> int:
        """Blocks until `count` more acknowledgements than now: progress after a fault."""
        return self.wait_for_acks(self.acks + count, timeout)

    @property
    def live_reads(self) -> int:
        with self._acks_changed:
            return self._live_reads

    def wait_for_more_live_reads(self, count: int, timeout: float = CLIENT_TIMEOUT) -> int:
        """Blocks until the live consumer has read `count` more records than now."""
        deadline = time.monotonic() + timeout
        with self._acks_changed:
            target = self._live_reads + count
            while self._live_reads < target:
                if self.thread_errors:
                    raise AssertionError(f"workload thread failed: {self.thread_errors[0]!r}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"the live consumer read {self._live_reads} of {target} "
                                       f"records within {timeout}s")
                self._acks_changed.wait(remaining)
            return self._live_reads

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

    def _produce(self, name: str) -> None:
        log = self.history.producer(name, idempotent=self.idempotent)
        config = self.producer_config()

        def on_error(err: KafkaError) -> None:
            if err.fatal():
                self.fatal_errors.append(f"{name}: {err}")

        config["error_cb"] = on_error

        def on_delivery(err, msg) -> None:
            value = msg.value().decode()
            if err is None:
                log.ack(value, msg.partition(), msg.offset())
                with self._acks_changed:
                    self._acks += 1
                    self._acks_changed.notify_all()
            else:
                log.fail(value, err, msg.partition())

        producer = Producer(config)
        interval = 1.0 / self.rate if self.rate > 0 else 0.0
        next_send = time.monotonic()
        seq = 0
        try:
            while not self._stop.is_set() and not self.fatal_errors:
                # Pace the load; poll() serves delivery reports meanwhile and may return early.
                wait = next_send - time.monotonic()
                if wait > 0:
                    producer.poll(wait)
                    continue
                value = f"{name}-{seq}"
                partition = seq % self.partitions
                try:
                    producer.produce(self.topic, value=value.encode(), partition=partition,
                                     on_delivery=on_delivery)
                except BufferError:
                    producer.poll(0.05)   # queue full (broker down): serve callbacks, retry
                    continue
                # Delivery callbacks run only inside poll()/flush() on this thread, so recording
                # the send after produce() still orders it before its ack.
                log.send(value, partition)
                seq += 1
                next_send = max(next_send + interval, time.monotonic() - 1.0)   # no burst after a stall
                producer.poll(0)
            remaining = producer.flush(self._flush_timeout)
            self.unflushed[name] = remaining
        finally:
            # Whatever is still queued is reported failed (purged) so the history is complete.
            producer.purge()
            producer.poll(0)
            producer.flush(1)

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

    def final_read(self, timeout: float = 60.0) -> ReaderSession:
        """Reads every partition from the earliest offset up to its end (high watermark, fetched
        first) as a final session; raises TimeoutError if some partition does not get there."""
        session = self.history.reader("final", final=True)
        consumer = Consumer(self.consumer_config(**{"enable.partition.eof": True}))
        try:
            ends = {}
            for p in range(self.partitions):
                _, high = consumer.get_watermark_offsets(TopicPartition(self.topic, p),
                                                         timeout=CLIENT_TIMEOUT, cached=False)
                ends[p] = high
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
