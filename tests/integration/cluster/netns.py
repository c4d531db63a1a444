"""Real network partitions for the cluster fault tests: one Linux bridge per test, each broker in its
own network namespace joined to it by a veth pair (iproute2's `ip netns`, `ip link`).

    root namespace                         namespace brk-<owner>-<k>-<I>
    bridge bkb<owner>-<k>  10.213.N.1/24   eth0 10.213.N.1I/24, lo   <- brook serve --listen 10.213.N.1I:9092
      └─ port bkv<owner>-<k>-<I>  ══ veth ══ eth0
    etcd on 10.213.N.1, test clients (workload, checker, Brook CLI) in the root namespace

`cut(I)` sets the bridge end of broker I's veth down: the broker loses etcd, its peers and every
client at once, and TCP sees silence (no reset), as in a real partition. `heal(I)` sets it up again.
Brokers are started with `ip netns exec NS brook serve ...`, which execs brook in place, so the pid
the harness holds, its signals and PR_SET_PDEATHSIG are brook's own.

Names carry the creating process's pid (<owner>, base 36 to fit IFNAMSIZ) and a per-process network
number <k>, so `remove_leftovers()` can delete what a crashed run left behind (its pid no longer
exists) without touching a concurrent run's network. The subnet's third octet N is chosen under a
file lock among those no interface in the root namespace uses.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import pytest

from cluster_fixture import BrookCluster
from etcd_fixture import EtcdProcess

SUBNET_PREFIX = "10.213"
BROKER_PORT = 9092                  # every broker has its own namespace, so they can all use it
NETNS_PREFIX = "brk-"
BRIDGE_PREFIX = "bkb"
VETH_PREFIX = "bkv"
IFNAMSIZ = 16                       # including the terminating NUL
LOCK_PATH = Path("/run/lock/brook-netns.lock")
IP_TIMEOUT = 15
PID_MAX_LIMIT = 1 << 22             # the kernel's ceiling for pid_max on 64-bit
CAP_NET_ADMIN = 12
CAP_SYS_ADMIN = 21                  # `ip netns add/exec` mount a namespace file and /sys

_networks = itertools.count(1)


def unavailable_reason() -> str | None:
    """Why this machine cannot build namespaces (the tests then skip), or None when it can."""
    if shutil.which("ip") is None:
        return "no `ip` binary (iproute2): run scripts/install-deps.sh"
    if os.geteuid() != 0:
        return "network namespaces need root"
    effective = _effective_capabilities()
    for bit, name in ((CAP_NET_ADMIN, "CAP_NET_ADMIN"), (CAP_SYS_ADMIN, "CAP_SYS_ADMIN")):
        if not effective >> bit & 1:
            return f"no {name} (needed by ip netns)"
    return None


def _effective_capabilities() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapEff:"):
            return int(line.split()[1], 16)
    return 0


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Runs `ip ARGS`; with check, a failure raises with ip's own message."""
    proc = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=IP_TIMEOUT)
    if check and proc.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Exactly the names this module makes (owner: a pid in base 36, at most 5 digits up to 2^22), so that
# another interface that happens to share a prefix is not taken for a leftover.
_OWNED = re.compile(rf"^(?:{NETNS_PREFIX}([0-9a-z]{{1,5}})-\d+-\d+|{BRIDGE_PREFIX}([0-9a-z]{{1,5}})-\d+"
                    rf"|{VETH_PREFIX}([0-9a-z]{{1,5}})-\d+-\d+)$")


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if number == 0:
            return text


def _leftover(name: str) -> bool:
    """Whether `name` is one this module made for a process that no longer exists."""
    match = _OWNED.match(name)
    if match is None:
        return False
    owner = int(next(group for group in match.groups() if group is not None), 36)
    return owner <= PID_MAX_LIMIT and not _pid_alive(owner)


def remove_leftovers() -> list[str]:
    """Deletes namespaces, bridges and veths this module named for a process that no longer exists
    (a crashed or killed test run); returns what it deleted."""
    removed = []
    for line in ip("netns", "list").stdout.splitlines():
        name = line.split()[0] if line.strip() else ""
        if _leftover(name):
            ip("netns", "del", name, check=False)
            removed.append(name)
    for line in ip("-o", "link", "show").stdout.splitlines():
        # "7: bkv2hwhs-1-2@if6: <...>" -> bkv2hwhs-1-2
        name = line.split(":", 2)[1].strip().split("@", 1)[0]
        if _leftover(name):
            ip("link", "del", name, check=False)
            removed.append(name)
    return removed


@contextlib.contextmanager
def _allocation_lock() -> Iterator[None]:
    # Choosing a free subnet and claiming it (putting it on the bridge) must not interleave with
    # another run doing the same: the kernel would let two bridges have the same subnet.
    LOCK_PATH.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK_PATH, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _subnets_in_use() -> set[int]:
    used = set()
    for match in re.finditer(rf"inet {re.escape(SUBNET_PREFIX)}\.(\d+)\.", ip("-4", "-o", "addr", "show").stdout):
        used.add(int(match.group(1)))
    return used


class BridgedNamespaces:
    """A bridge in the root namespace plus one namespace per node, created by `add_node`. Always
    `close()` it (the pytest fixture does): namespaces, veths and the bridge are deleted."""

    def __init__(self) -> None:
        self.tag = f"{base36(os.getpid())}-{next(_networks)}"
        self.bridge = f"{BRIDGE_PREFIX}{self.tag}"
        self.nodes: dict[int, str] = {}          # node -> namespace name
        self.host_ends: dict[int, str] = {}      # node -> bridge-side veth name
        self.octet: int | None = None
        with _allocation_lock():
            remove_leftovers()
            used = _subnets_in_use()
            free = [n for n in range(1, 255) if n not in used]
            if not free:
                raise RuntimeError(f"no free {SUBNET_PREFIX}.N.0/24 subnet")
            self.octet = free[os.getpid() % len(free)]   # spread concurrent runs out
            self._check_name(self.bridge)
            ip("link", "add", self.bridge, "type", "bridge", "forward_delay", "0")
            try:
                ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
                ip("link", "set", self.bridge, "up")
            except BaseException:
                ip("link", "del", self.bridge, check=False)
                raise

    @staticmethod
    def _check_name(name: str) -> None:
        if len(name) >= IFNAMSIZ:
            raise ValueError(f"interface name {name!r} is longer than {IFNAMSIZ - 1} characters")

    @property
    def gateway(self) -> str:
        """The bridge's address in the root namespace (etcd listens there)."""
        return f"{SUBNET_PREFIX}.{self.octet}.1"

    def address(self, node: int) -> str:
        """Node I's address inside its namespace: .1I (.11, .12, ...)."""
        if not 1 <= node <= 99:
            raise ValueError(f"node {node} outside 1..99")
        return f"{SUBNET_PREFIX}.{self.octet}.{10 + node}"

    def add_node(self, node: int) -> str:
        """Creates node's namespace (lo up, eth0 with its address, on the bridge); returns its name."""
        namespace = f"{NETNS_PREFIX}{self.tag}-{node}"
        host_end = f"{VETH_PREFIX}{self.tag}-{node}"
        self._check_name(host_end)
        self.nodes[node] = namespace
        ip("netns", "add", namespace)
        self.host_ends[node] = host_end
        ip("link", "add", host_end, "type", "veth", "peer", "name", "eth0", "netns", namespace)
        ip("link", "set", host_end, "master", self.bridge)
        ip("link", "set", host_end, "up")
        ip("-n", namespace, "link", "set", "lo", "up")
        ip("-n", namespace, "addr", "add", f"{self.address(node)}/24", "dev", "eth0")
        ip("-n", namespace, "link", "set", "eth0", "up")
        return namespace

    def exec_prefix(self, node: int) -> list[str]:
        """The command prefix that runs a program in node's namespace (it execs in place)."""
        return ["ip", "netns", "exec", self.nodes[node]]

    def cut(self, node: int) -> None:
        """Partitions node from everything: the bridge end of its veth goes down."""
        ip("link", "set", self.host_ends[node], "down")

    def heal(self, node: int) -> None:
        ip("link", "set", self.host_ends[node], "up")

    def reachable(self, node: int, port: int = BROKER_PORT, timeout: float = 1.0) -> bool:
        """Whether a TCP connection from the root namespace to node's port opens within `timeout`
        (a partitioned node's SYNs go unanswered, so that takes the whole timeout)."""
        try:
            with socket.create_connection((self.address(node), port), timeout=timeout):
                return True
        except OSError:
            return False

    def close(self) -> None:
        """Deletes every veth, namespace and the bridge; safe to call more than once. Processes in a
        namespace should be stopped first (a deleted namespace lives on while a process is in it)."""
        problems = []
        for node in list(self.nodes):
            if node in self.host_ends:
                proc = ip("link", "del", self.host_ends.pop(node), check=False)
                if proc.returncode != 0 and "Cannot find device" not in proc.stderr:
                    problems.append(proc.stderr.strip())
            proc = ip("netns", "del", self.nodes.pop(node), check=False)
            if proc.returncode != 0 and "No such file" not in proc.stderr:
                problems.append(proc.stderr.strip())
        proc = ip("link", "del", self.bridge, check=False)
        if proc.returncode != 0 and "Cannot find device" not in proc.stderr:
            problems.append(proc.stderr.strip())
        if problems:
            raise RuntimeError("netns teardown: " + "; ".join(problems))


# -- pytest fixtures (a test module imports all three: pytest finds fixtures in its namespace) ------


@pytest.fixture
def netns_network() -> Iterator[BridgedNamespaces]:
    """A bridge for this test, deleted with every namespace and veth afterwards (also on failure);
    skips the test where namespaces cannot be made."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    network = BridgedNamespaces()
    try:
        yield network
    finally:
        network.close()


@pytest.fixture
def netns_etcd(netns_network, tmp_path_factory) -> Iterator[EtcdProcess]:
    """etcd listening on the bridge's address, where every namespace reaches it."""
    process = EtcdProcess(base_dir=tmp_path_factory.getbasetemp(), host=netns_network.gateway)
    try:
        process.start()
        yield process
    finally:
        process.stop()


@pytest.fixture
def netns_cluster(netns_network, netns_etcd, brook_factory) -> Iterator[Callable[..., BrookCluster]]:
    """make(size=3, settings=None, wait_registered=True) -> a started BrookCluster whose broker I runs
    in namespace I on its own address; `cluster.network` is the BridgedNamespaces to cut and heal.

    Teardown order (pytest's reverse of setup): this heals every link, so brook_factory can then stop
    each broker gracefully and check it exited 0; then etcd stops; then the network is deleted."""
    made: list[BrookCluster] = []

    def make(size: int = 3, settings: dict[str, object] | None = None,
             wait_registered: bool = True) -> BrookCluster:
        if made:
            raise RuntimeError("one cluster per netns_network")
        for node in range(1, size + 1):
            netns_network.add_node(node)
        cluster = BrookCluster(netns_etcd, brook_factory, size=size, settings=settings,
                               broker_options=lambda node: {"host": netns_network.address(node),
                                                            "port": BROKER_PORT,
                                                            "command_prefix": netns_network.exec_prefix(node)})
        cluster.network = netns_network
        made.append(cluster)
        return cluster.start(wait_registered)

    yield make
    for node in list(netns_network.host_ends):
        netns_network.heal(node)
