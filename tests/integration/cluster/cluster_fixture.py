"""etcd plus N `brook serve` brokers sharing it, for the cluster fault tests.

Each broker is a `BrookProcess` (tests/integration/brook_harness.py) with its own free loopback port
and data directory, started with the issue's CLI contract:
    brook serve --node-id N --listen 127.0.0.1:PORT --data-dir DIR --metadata etcd://HOST:PORT
    [--set broker.rack=R]
Brokers keep their port across kill()/restart() so the bootstrap list stays valid. The
`brook_cluster` fixture builds on `brook_factory` (graceful stop by pid with exit-code check, output
printed on failure) and the `etcd` fixture; brokers stop before etcd does.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from typing import Callable, Iterator

import pytest
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from brook_harness import BrookProcess, brook_binary
from etcd_fixture import EtcdProcess
from faults import paused
from tcp_proxy import TcpProxy

CLUSTER_FLAGS = ("--node-id", "--metadata")


def brook_supports_cluster(binary=None) -> bool:
    """Whether `brook serve --help` lists the cluster flags (false until the CLI gains them)."""
    try:
        out = subprocess.run([str(binary or brook_binary()), "serve", "--help"], capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return all(flag in out.stdout + out.stderr for flag in CLUSTER_FLAGS)


def partition_metadata(bootstrap: str, topic: str, timeout: float = 10.0) -> dict[int, dict]:
    """{partition: {"leader", "replicas", "isr"}} as a client's Metadata request sees it."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    meta = admin.list_topics(topic, timeout=timeout).topics.get(topic)
    if meta is None or meta.error is not None:
        raise LookupError(f"{topic}: {meta.error if meta else 'absent'}")
    return {p: {"leader": m.leader, "replicas": list(m.replicas), "isr": list(m.isrs)}
            for p, m in meta.partitions.items()}


class BrookCluster:
    """Brokers 1..size registered in one etcd; node ids are 1-based like the issue's example."""

    def __init__(self, etcd: EtcdProcess, make_broker: Callable[..., BrookProcess], size: int = 3,
                 settings: dict[str, object] | None = None, racks: list[str] | None = None,
                 etcd_proxies: bool = False, broker_options: Callable[[int], dict] | None = None,
                 registry: bool = False, connect: bool = False, connect_config: str | None = None):
        """`broker_options(node_id)` gives extra keyword arguments for that broker's BrookProcess
        (e.g. host, port and command_prefix to run it in a network namespace)."""
        if racks is not None and len(racks) != size:
            raise ValueError(f"{len(racks)} racks for {size} brokers")
        self.etcd = etcd
        self.brokers: dict[int, BrookProcess] = {}
        # With etcd_proxies each broker reaches etcd through its own TcpProxy, which a test can cut.
        self.etcd_proxies: dict[int, TcpProxy] = {}
        etcd_host, etcd_port = etcd.endpoint.rsplit(":", 1)
        for node_id in range(1, size + 1):
            broker_settings = dict(settings or {})
            if racks is not None:
                broker_settings["broker.rack"] = racks[node_id - 1]
            endpoint = etcd.endpoint
            if etcd_proxies:
                self.etcd_proxies[node_id] = TcpProxy(etcd_host, int(etcd_port))
                endpoint = self.etcd_proxies[node_id].endpoint
            self.brokers[node_id] = make_broker(
                settings=broker_settings, start=False, name=f"brook-node{node_id}", registry=registry, connect=connect,
                extra_args=["--node-id", str(node_id), "--metadata", f"etcd://{endpoint}"]
                + (["--connect-config", connect_config] if connect_config else []),
                **(broker_options(node_id) if broker_options else {}))

    @property
    def bootstrap(self) -> str:
        """Every broker's address, for bootstrap.servers."""
        return ",".join(broker.bootstrap for broker in self.brokers.values())

    def start(self, wait_registered: bool = True) -> "BrookCluster":
        """Starts every broker; with `wait_registered`, returns once each lists all as registered."""
        for broker in self.brokers.values():
            broker.start()
            broker.fixed_port = broker.port   # a restarted broker comes back on the same address
        if wait_registered:
            self.wait_for_brokers(set(self.brokers))
        return self

    def wait_for_brokers(self, node_ids: set[int], timeout: float = 30.0) -> None:
        """Blocks until every broker's Metadata lists exactly `node_ids` as registered (a broker
        listens before its registration reaches etcd; placement counts registered brokers only)."""
        deadline = time.monotonic() + timeout
        seen: dict[int, set[int]] = {}
        while True:
            for node_id in node_ids:
                with contextlib.suppress(KafkaException):
                    admin = AdminClient({"bootstrap.servers": self.brokers[node_id].bootstrap})
                    metadata = admin.list_topics(timeout=5)
                    # Recorded for the broker that answered (the client may ask another one).
                    seen[metadata.orig_broker_id] = set(metadata.brokers)
            if all(seen.get(node_id) == node_ids for node_id in node_ids):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"brokers {sorted(node_ids)} not all registered after {timeout}s: {seen}")
            time.sleep(0.1)   # registration has no push to clients: poll it, bounded by the deadline

    def running(self) -> list[int]:
        return [node_id for node_id, broker in self.brokers.items() if broker.is_running()]

    def kill(self, node_id: int) -> None:
        """kill -9 one broker."""
        self.brokers[node_id].kill()

    def restart(self, node_id: int) -> BrookProcess:
        """Starts a killed or stopped broker again (a running one is stopped gracefully first)."""
        return self.brokers[node_id].restart(keep_port=True)

    @contextlib.contextmanager
    def paused(self, node_id: int) -> Iterator[None]:
        """SIGSTOP one broker for the block (its lease may expire meanwhile), then SIGCONT."""
        with paused(self.brokers[node_id].pid):
            yield

    def partitions(self, topic: str, timeout: float = 10.0) -> dict[int, dict]:
        return partition_metadata(self.bootstrap, topic, timeout)

    def leader_of(self, topic: str, partition: int, timeout: float = 30.0,
                  exclude: set[int] | frozenset[int] = frozenset()) -> int:
        """The node id leading `partition`, waiting (bounded) while it has no running leader or
        its leader is in `exclude` (e.g. the broker just paused or killed: a failover)."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(KafkaException, LookupError):
                leader = self.partitions(topic).get(partition, {}).get("leader", -1)
                if leader in self.brokers and leader not in exclude and self.brokers[leader].is_running():
                    return leader
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}-{partition} has no running leader outside {set(exclude)} "
                                   f"after {timeout}s")
            time.sleep(0.1)   # metadata has no push: poll it, bounded by the deadline

    def wait_for_full_isr(self, topic: str, timeout: float = 60.0) -> dict[int, dict]:
        """Blocks until every partition's ISR holds all its replicas (after a broker came back)."""
        deadline = time.monotonic() + timeout
        last: object = None
        while True:
            with contextlib.suppress(KafkaException, LookupError):
                last = self.partitions(topic)
                if last and all(sorted(m["isr"]) == sorted(m["replicas"]) for m in last.values()):
                    return last
            if time.monotonic() > deadline:
                raise TimeoutError(f"ISR of {topic} not full after {timeout}s: {last}")
            time.sleep(0.2)   # metadata has no push: poll it, bounded by the deadline

    def wait_for(self, check: Callable[[], object], what: str, timeout: float = 30.0) -> object:
        """Polls `check` (errors from a broker being unreachable count as not yet) until it is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(KafkaException, LookupError, KeyError):
                result = check()
                if result:
                    return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what}: not reached after {timeout}s")
            time.sleep(0.1)   # cluster state has no push to clients: poll it, bounded by the deadline

    def node_of(self, host_port: str) -> int:
        for node_id, broker in self.brokers.items():
            if broker.bootstrap == host_port:
                return node_id
        raise KeyError(host_port)


@pytest.fixture
def brook_cluster(etcd, brook_factory):
    """make(size=3, settings=None, racks=None, start=True, etcd_proxies=False, wait_registered=True, registry=False,
    connect=False, connect_config=None) -> BrookCluster on
    this test's etcd (with etcd_proxies, each broker reaches etcd through a TcpProxy it can be cut off by).

    `etcd` is requested before `brook_factory`, so teardown stops the brokers before etcd."""
    made: list[BrookCluster] = []

    def make(size: int = 3, settings=None, racks=None, start: bool = True, etcd_proxies: bool = False,
             wait_registered: bool = True, registry: bool = False, connect: bool = False,
             connect_config: str | None = None) -> BrookCluster:
        cluster = BrookCluster(etcd, brook_factory, size=size, settings=settings, racks=racks, etcd_proxies=etcd_proxies,
                               registry=registry, connect=connect, connect_config=connect_config)
        made.append(cluster)
        return cluster.start(wait_registered) if start else cluster

    yield make
    # A broker cut off from etcd is healed and stopped here (brook_factory's teardown, which checks
    # exit codes, runs after this and skips it), so its proxy can be closed once it has exited.
    for cluster in made:
        if not cluster.etcd_proxies:
            continue
        for proxy in cluster.etcd_proxies.values():
            proxy.heal()
        try:
            for broker in cluster.brokers.values():
                if broker.is_running():
                    broker.stop()
        finally:
            for proxy in cluster.etcd_proxies.values():
                proxy.close()
