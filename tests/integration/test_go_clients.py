"""Go clients as old deployments run them: sarama 1.22 (its default config, which speaks Kafka
0.8.2's versions, then Version 0.10.0.0 and 2.1.0), kafka-go 0.2 and confluent-kafka-go 0.11.
Each creates a topic, produces keyed records with every codec it has, consumes them with two
members of one group exactly once and in order per partition, commits, and a new member resumes
from the commits; the group is listed and described and the topic deleted. Where the Go client
cannot do a step at that config (sarama refuses CreateTopics/DeleteTopics below 0.10.1.0 and all
group membership below 0.9.0.0; kafka-go 0.2 and confluent-kafka-go 0.11 cannot list groups),
librdkafka's AdminClient does it, and at sarama's default the two members split the partitions
themselves and keep offsets with the OffsetManager, as applications of that era did. The
Burrow-style checks read offsets with ListOffsets v0 and commit with sarama's OffsetManager
(OffsetCommit v1) across a broker restart.

The Go programs are in tests/integration/go/brookgo (built offline, see go_clients.py). Traffic
goes through the recording proxy of scripts/capture-frames.py, so each test also checks that the
client really used the old versions it is meant to cover and that brook never closed a connection
without answering; BROOK_GO_API_VERSIONS=path writes the table of versions every client used, and
BROOK_CAPTURE_DIR=dir writes every frame (the golden layout, Tests/Fixtures/golden/old-clients)."""

from __future__ import annotations

import os
import socket
import struct
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from clients import produce_confluent
from go_clients import GoBuildError, GoDriver, GoProcess, build_brookgo
from old_clients import ProxiedBrook, capture_frames

GROUP_SETTINGS = {"group.initial.rebalance.delay.ms": 1000}
PARTITIONS = 4
KEYS = 16          # enough keys that every partition gets records in every round
PER_CODEC = 24
SECOND_ROUND = 32
GO_CLIENT_ID = "brookgo"  # every client id the Go driver sets starts so (librdkafka's Python admin does not)


@dataclass(frozen=True)
class GoClient:
    """One client configuration and what it is known to send (from the client's sources)."""
    id: str
    client: str                                   # brookgo's client name
    args: tuple[str, ...] = ()
    codecs: tuple[str, ...] = ("none", "gzip", "snappy", "lz4")
    # codec -> text of the error Kafka 3.x gives this client for it
    refused_codecs: dict[str, str] = field(default_factory=dict)
    own_topic_admin: bool = True                  # creates and deletes topics itself
    group_membership: bool = True                 # else partitions assigned by the application
    own_group_listing: bool = False               # ListGroups/DescribeGroups in the Go API
    expected_versions: dict[str, set[int]] = field(default_factory=dict)


GO_CLIENTS = [
    # sarama 1.22's default Config.Version is 0.8.2.0. sarama then refuses (before sending) the
    # group membership and listing APIs (< 0.9.0.0), CreateTopics/DeleteTopics (< 0.10.1.0) and
    # lz4 (< 0.10.0.0). Applications assigned partitions themselves and stored offsets with the
    # OffsetManager; topics are created and deleted with librdkafka's AdminClient here.
    GoClient("sarama-default", "sarama", codecs=("none", "gzip", "snappy"), own_topic_admin=False,
             group_membership=False,
             expected_versions={"Produce": {0}, "Fetch": {0}, "Metadata": {0}, "ListOffsets": {0},
                                "OffsetCommit": {1}, "OffsetFetch": {1}, "FindCoordinator": {0}}),
    GoClient("sarama-0.10.0.0", "sarama", ("--version", "0.10.0.0"), own_topic_admin=False,
             own_group_listing=True,
             expected_versions={"Produce": {2}, "Fetch": {2}, "Metadata": {1}, "ListOffsets": {0},
                                "OffsetCommit": {1}, "OffsetFetch": {1}, "FindCoordinator": {0},
                                "JoinGroup": {0}, "SyncGroup": {0}, "Heartbeat": {0},
                                "LeaveGroup": {0}, "ListGroups": {0}, "DescribeGroups": {0}}),
    # 2.1.0 is sarama's own ConsumerGroup (it needs >= 0.10.2.0). sarama 1.22 sends zstd in
    # Produce v3, which Kafka refuses (zstd needs Produce >= 7).
    GoClient("sarama-2.1.0", "sarama", ("--version", "2.1.0"), own_group_listing=True,
             refused_codecs={"zstd": "does not support the compression type"},
             expected_versions={"Produce": {3}, "Fetch": {4}, "Metadata": {5}, "ListOffsets": {1},
                                "OffsetCommit": {1}, "OffsetFetch": {1}, "FindCoordinator": {0},
                                "JoinGroup": {1}, "SyncGroup": {0}, "Heartbeat": {0}, "LeaveGroup": {0},
                                "ListGroups": {0}, "DescribeGroups": {0}, "CreateTopics": {2},
                                "DeleteTopics": {1}}),
    # kafka-go 0.2.1 never sends its LeaveGroup v0: Reader.Close cancels the context it then
    # dials the coordinator with, so closed members stay in the group until their session expires.
    # Its first Heartbeat (v0) comes after 3 s, which a fast run may end before: not required.
    GoClient("kafka-go", "kafkago",
             expected_versions={"Produce": {2}, "Fetch": {2}, "ListOffsets": {1}, "Metadata": {1},
                                "FindCoordinator": {0}, "JoinGroup": {1}, "SyncGroup": {0},
                                "OffsetCommit": {2}, "OffsetFetch": {1},
                                "CreateTopics": {0}, "DeleteTopics": {1}}),
    GoClient("confluent-kafka-go", "confluent", codecs=("none", "gzip", "snappy", "lz4", "zstd"),
             expected_versions={"ApiVersions": {3}}),
]

_API_TABLE: dict[str, dict[str, list[int]]] = {}


@pytest.fixture(scope="session")
def brookgo():
    try:
        return build_brookgo()
    except GoBuildError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _api_version_table():
    yield
    path = os.environ.get("BROOK_GO_API_VERSIONS")
    if path and _API_TABLE:
        apis = sorted({api for versions in _API_TABLE.values() for api in versions})
        lines = ["| API | " + " | ".join(_API_TABLE) + " |",
                 "|---|" + "---|" * len(_API_TABLE)]
        for api in apis:
            cells = [",".join(map(str, v.get(api, []))) or "-" for v in _API_TABLE.values()]
            lines.append(f"| {api} | " + " | ".join(cells) + " |")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")


@pytest.fixture
def recorded_brook(request, brook_factory):
    """(brook, proxy): brook advertises the recording proxy, so all traffic passes it (and a
    restart keeps the address). On a failure the versions seen and the requests brook closed the
    connection on are printed."""
    label = request.node.callspec.id if hasattr(request.node, "callspec") else request.node.name
    burrow = "burrow" in request.node.originalname
    proxied = ProxiedBrook(brook_factory, f"{label}-burrow" if burrow else label, GROUP_SETTINGS)
    recorder = proxied.proxy
    yield proxied, recorder
    _API_TABLE[f"{request.node.originalname}[{label}]"] = recorder.versions(GO_CLIENT_ID)
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        sys.stderr.write(f"\n===== API versions the Go client sent: {recorder.versions(GO_CLIENT_ID)}\n"
                         f"===== requests brook closed the connection on, unanswered: "
                         f"{recorder.closed_unanswered()}\n")
    proxied.close()


def admin_for(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})


def wait_all(members: list[GoProcess], condition, timeout: float, what: str) -> None:
    """Waits until condition() holds; wakes on every member's output (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not condition():
        for m in members:
            if m.proc.poll() is not None:
                raise AssertionError(f"{m.name} exited ({m.proc.returncode}) while waiting for {what}\n"
                                     + "\n".join(x.diagnostics() for x in members))
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}\n"
                                 + "\n".join(x.diagnostics() for x in members))
        with members[0].changed:
            members[0].changed.wait(0.1)


def stable_split(members: list[GoProcess]) -> bool:
    """Every member holds a non-empty share and together they hold each partition once."""
    shares = [m.assignment() for m in members]
    if any(not s for s in shares):
        return False
    return sorted(p for s in shares for p in s) == list(range(PARTITIONS))


def check_delivery(produced: list[tuple[str, str]], received: list[dict], where: str) -> None:
    """Exactly once, every record, and per partition in production order (keys keep a partition)."""
    values = Counter(r["value"] for r in received)
    dupes = {v: n for v, n in values.items() if n > 1}
    assert not dupes, f"{where}: records delivered more than once: {sorted(dupes)[:10]}"
    got = {(r["key"], r["value"]) for r in received}
    assert got == set(produced), (f"{where}: missing {sorted(set(produced) - got)[:10]}, "
                                  f"unexpected {sorted(got - set(produced))[:10]}")
    rank = {value: i for i, (_, value) in enumerate(produced)}
    by_partition = defaultdict(list)
    for r in received:
        by_partition[r["partition"]].append(r)
    key_partitions = defaultdict(set)
    for p, rs in by_partition.items():
        order = [rank[r["value"]] for r in sorted(rs, key=lambda r: r["offset"])]
        assert order == sorted(order), f"{where}: partition {p} is out of production order"
        arrival = [r["offset"] for r in rs]
        assert arrival == sorted(arrival), f"{where}: partition {p} arrived out of offset order"
        for r in rs:
            key_partitions[r["key"]].add(p)
    split = {k: ps for k, ps in key_partitions.items() if len(ps) > 1}
    assert not split, f"{where}: keys found in several partitions: {split}"


def check_versions(recorder, client: GoClient) -> None:
    """The client really sent the old versions this configuration is meant to cover."""
    seen = recorder.versions(GO_CLIENT_ID)
    for api, versions in client.expected_versions.items():
        assert versions <= set(seen.get(api, [])), \
            f"{client.id} was expected to send {api} v{sorted(versions)}, sent {seen.get(api)} (all: {seen})"


@pytest.mark.timeout(240)
@pytest.mark.parametrize("client", GO_CLIENTS, ids=[c.id for c in GO_CLIENTS])
def test_go_client_group_round_trip(recorded_brook, brookgo, topic, client):
    brook, recorder = recorded_brook
    go = GoDriver(brookgo, client.client, lambda: recorder.address, list(client.args))
    group = f"{topic}-group"
    admin = admin_for(recorder.address)

    if client.own_topic_admin:
        go.run("create-topic", "--topic", topic, "--partitions", PARTITIONS)
    else:
        admin.create_topics([NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)])[topic].result(timeout=20)
    assert len(admin.list_topics(topic, timeout=10).topics[topic].partitions) == PARTITIONS

    def member(name: str, partitions: list[int]) -> GoProcess:
        if client.group_membership:
            return go.start("group-consume", "--topic", topic, "--group", group, name=name)
        return go.start("assign-consume", "--topic", topic, "--group", group,
                        "--assign", ",".join(map(str, partitions)), name=name)

    half = PARTITIONS // 2
    members = [member(f"{client.id}-m1", list(range(half))),
               member(f"{client.id}-m2", list(range(half, PARTITIONS)))]
    try:
        wait_all(members, lambda: stable_split(members), 60, "both members to share the partitions")

        produced: list[tuple[str, str]] = []
        for codec in client.codecs:
            prefix = f"r1-{codec}"
            go.run("produce", "--topic", topic, "--codec", codec, "--count", PER_CODEC,
                   "--prefix", prefix, "--keys", KEYS)
            produced += [(f"k{i % KEYS}", f"{prefix}-{i:06d}") for i in range(PER_CODEC)]
        for codec, error in client.refused_codecs.items():
            with pytest.raises(AssertionError, match=error):
                go.run("produce", "--topic", topic, "--codec", codec, "--count", 1, "--prefix", "refused")

        def received():
            return [r for m in members for r in m.records()]
        wait_all(members, lambda: len(received()) >= len(produced), 60,
                 f"{len(produced)} records across the group")
        check_delivery(produced, received(), "two-member group")
        for m in members:
            foreign = {r["partition"] for r in m.records()} - m.assignment()
            assert not foreign, f"{m.name} got records of partitions it was not assigned: {foreign}"
            assert not m.snapshot("error"), f"{m.name} reported errors: {m.snapshot('error')}"
        assert len({r["partition"] for r in received()}) == PARTITIONS

        check_group_listing(go, client, admin, group, topic, members)
    finally:
        codes = [m.stop() for m in members]
    assert codes == [0, 0], "\n".join(m.diagnostics() for m in members)
    assert all(m.snapshot("closed") for m in members)

    # Every partition's commit is the end of what the group read.
    ends = defaultdict(int)
    for r in [r for m in members for r in m.records()]:
        ends[r["partition"]] = max(ends[r["partition"]], r["offset"] + 1)
    committed = admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result(timeout=20)
    assert {tp.partition: tp.offset for tp in committed.topic_partitions} == dict(ends)

    # A new member of the same group resumes at the commits: it sees only the second round.
    second = [(f"k{i % KEYS}", f"r2-{i:06d}") for i in range(SECOND_ROUND)]
    go.run("produce", "--topic", topic, "--codec", "none", "--count", SECOND_ROUND, "--prefix", "r2", "--keys", KEYS)
    resumed = member(f"{client.id}-m3", list(range(PARTITIONS)))
    try:
        resumed.wait_for(lambda: len(resumed.records()) >= SECOND_ROUND, 60, "the second round")
        got = resumed.records()
        assert not [r for r in got if r["value"].startswith("r1-")], "records re-delivered after the commit"
        check_delivery(second, got, "resumed member")
        first = {}
        for r in got:
            first.setdefault(r["partition"], r["offset"])
        assert first == {p: ends[p] for p in first}, "the new member did not start at the commits"
        assert set(first) == set(range(PARTITIONS)), "precondition: the second round covers every partition"
    finally:
        assert resumed.stop() == 0, resumed.diagnostics()

    if client.own_topic_admin:
        go.run("delete-topics", "--topics", topic)
    else:
        admin.delete_topics([topic])[topic].result(timeout=20)
    assert topic not in admin.list_topics(timeout=10).topics

    check_versions(recorder, client)
    assert not recorder.closed_unanswered(), "brook closed connections without answering"


def check_group_listing(go: GoDriver, client: GoClient, admin: AdminClient, group: str, topic: str,
                        members: list[GoProcess]) -> None:
    """List and describe the live group: with the client's own API (sarama), else with librdkafka.
    A group that only stores offsets (no membership) is listed as Empty, as Kafka does."""
    shares = sorted(sorted(m.assignment()) for m in members)
    if not client.group_membership:
        listed = admin.list_consumer_groups(request_timeout=15).result(timeout=20)
        assert group in {g.group_id for g in listed.valid}
        description = admin.describe_consumer_groups([group], request_timeout=15)[group].result(timeout=20)
        assert str(description.state).endswith("EMPTY")
        assert not description.members
        return
    if client.own_group_listing:
        listed = {e["group"]: e["protocol_type"] for e in go.run("list-groups")}
        assert listed.get(group) == "consumer", listed
        [description] = go.run("describe-group", "--group", group, "--topic", topic)
        assert description["state"] == "Stable"
        assert description["protocol_type"] == "consumer"
        assert description["protocol"] == "range"
        assert sorted(sorted(m["partitions"]) for m in description["members"]) == shares
        return
    listed = admin.list_consumer_groups(request_timeout=15).result(timeout=20)
    assert group in {g.group_id for g in listed.valid}
    description = admin.describe_consumer_groups([group], request_timeout=15)[group].result(timeout=20)
    assert str(description.state).endswith("STABLE")
    assert sorted(sorted(tp.partition for tp in m.assignment.topic_partitions)
                  for m in description.members) == shares


BURROW_CLIENTS = [c for c in GO_CLIENTS if c.id in ("sarama-default", "sarama-0.10.0.0")]
BURROW_VERSIONS = {"ListOffsets": {0}, "OffsetCommit": {1}, "OffsetFetch": {1}}


@pytest.mark.timeout(180)
@pytest.mark.parametrize("client", BURROW_CLIENTS, ids=[c.id for c in BURROW_CLIENTS])
def test_sarama_burrow_offsets_and_offset_commit_v1_survive_restart(recorded_brook, brookgo, topic, client):
    brook, recorder = recorded_brook
    go = GoDriver(brookgo, client.client, lambda: recorder.address, list(client.args))
    admin = admin_for(recorder.address)
    admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])[topic].result(timeout=20)
    # The data comes from librdkafka (current versions), so only the reads use old versions.
    produce_confluent(recorder.address, topic,
                      [{"key": b"a", "value": b"%d" % i, "partition": 0} for i in range(10)] +
                      [{"key": b"b", "value": b"%d" % i, "partition": 1} for i in range(4)])

    def offsets(partition: int) -> tuple[int, int]:
        [e] = go.run("offsets", "--topic", topic, "--partition", partition)
        return e["oldest"], e["newest"]

    assert offsets(0) == (0, 10)
    assert offsets(1) == (0, 4)
    for future in admin.delete_records([TopicPartition(topic, 0, 3)]).values():
        future.result(timeout=20)
    assert offsets(0) == (3, 10), "the oldest offset is the log start offset after DeleteRecords"

    group = f"{topic}-burrow"
    [committed] = go.run("commit-offset", "--group", group, "--topic", topic, "--partition", 0, "--offset", 7)
    assert committed["offset"] == 7
    [fetched] = go.run("fetch-offset", "--group", group, "--topic", topic, "--partition", 0)
    assert (fetched["offset"], fetched["metadata"]) == (7, "brookgo")

    brook.restart()
    [fetched] = go.run("fetch-offset", "--group", group, "--topic", topic, "--partition", 0)
    assert (fetched["offset"], fetched["metadata"]) == (7, "brookgo"), "the OffsetCommit v1 was lost"
    listed = admin.list_consumer_group_offsets(
        [ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0)])])[group].result(timeout=20)
    assert [(tp.partition, tp.offset) for tp in listed.topic_partitions] == [(0, 7)]
    assert offsets(0) == (3, 10)

    seen = recorder.versions(GO_CLIENT_ID)
    for api, versions in BURROW_VERSIONS.items():
        assert set(seen.get(api, [])) == versions, f"{api}: expected v{versions}, sent {seen.get(api)}"
    assert not recorder.closed_unanswered(), "brook closed connections without answering"


def _request(key: int, version: int, correlation: int, client_id: bytes) -> bytes:
    body = struct.pack(">hhih", key, version, correlation, len(client_id)) + client_id + b"payload"
    return struct.pack(">i", len(body)) + body


def test_capture_proxy_notes_versions_and_requests_closed_unanswered():
    """The recording proxy's bookkeeping the Go tests rely on, against a stand-in broker that answers ApiVersions and closes the
    connection on ListOffsets, as a broker rejecting an old version by disconnecting would."""
    upstream = socket.create_server(("127.0.0.1", 0))

    def broker():
        conn, _ = upstream.accept()
        with conn:
            buf = b""
            while True:
                while len(buf) < 4 or len(buf) < 4 + struct.unpack(">i", buf[:4])[0]:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    buf += chunk
                size = struct.unpack(">i", buf[:4])[0]
                frame, buf = buf[:4 + size], buf[4 + size:]
                key, _, correlation = struct.unpack(">hhi", frame[4:12])
                if key == 2:
                    return  # hang up without answering
                conn.sendall(struct.pack(">ii", 4, correlation))

    threading.Thread(target=broker, daemon=True).start()
    recorder = capture_frames.CaptureProxy(target=("127.0.0.1", upstream.getsockname()[1]))
    try:
        with socket.create_connection(("127.0.0.1", recorder.port), timeout=10) as client:
            client.sendall(_request(18, 3, 1, b"brookgo-x"))
            assert client.recv(8) == struct.pack(">ii", 4, 1)
            client.sendall(_request(18, 0, 2, b"other"))
            assert client.recv(8) == struct.pack(">ii", 4, 2)
            client.sendall(_request(2, 0, 3, b"brookgo-x"))
            assert client.recv(8) == b""  # the stand-in hung up, and the proxy passed that on
        assert recorder.versions("brookgo") == {"ApiVersions": [3], "ListOffsets": [0]}
        assert recorder.versions() == {"ApiVersions": [0, 3], "ListOffsets": [0]}
        # The proxy notes the unanswered request before it passes the close on to the client.
        assert recorder.closed_unanswered() == ["ListOffsets v0 (client 'brookgo-x')"]
    finally:
        recorder.close()
        upstream.close()
