"""One client must not exhaust the broker: file descriptors, memory, parked fetches, slow or idle sockets.

Raw sockets on loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import time

import kafka_wire
from clients import produce_confluent
from kafka_wire import Reader, frame, kstring, request_header_v1, wait_closed

API_METADATA_VERSION = 4  # has allow_auto_topic_creation, non-flexible
FETCH_VERSION = 4


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def settled_fd_count(brook) -> int:
    """The broker's descriptors once the internal topics (opened in the background) are open."""
    deadline = time.monotonic() + 60
    while "coordinators loaded" not in brook.output():
        assert time.monotonic() < deadline, "coordinators did not load"
        time.sleep(0.05)
    return fd_count(brook.pid)


def fetch_request(correlation_id: int, topic: str, partitions: list[int], offset: int, *,
                  max_wait_ms: int = 0, min_bytes: int = 1, max_bytes: int = 64 * 1024 * 1024) -> bytes:
    """Fetch v4: one topic, the given partition list (repeats allowed), all at `offset`."""
    body = struct.pack(">iiiib", -1, max_wait_ms, min_bytes, max_bytes, 0)
    body += struct.pack(">i", 1) + kstring(topic) + struct.pack(">i", len(partitions))
    body += b"".join(struct.pack(">iqi", p, offset, 1024 * 1024) for p in partitions)
    return frame(request_header_v1(kafka_wire.API_FETCH, FETCH_VERSION, correlation_id) + body)


def padded_fetch_request(correlation_id: int, topic: str, offset: int, *, max_wait_ms: int = 0) -> bytes:
    """A Fetch v4 with a 30 KB client id: a few hundred of them fill any socket buffer."""
    body = fetch_request(correlation_id, topic, [0], offset, max_wait_ms=max_wait_ms)[4:]
    header_end = len(request_header_v1(kafka_wire.API_FETCH, FETCH_VERSION, correlation_id))
    return frame(request_header_v1(kafka_wire.API_FETCH, FETCH_VERSION, correlation_id, "c" * 30_000)
                 + body[header_end:])


def parse_fetch_v4(payload: bytes) -> list[tuple[str, int, int, bytes]]:
    """(topic, partition, error code, records) for every partition entry of a Fetch v4 response body."""
    r = Reader(payload)
    r.int32()  # throttle
    out = []
    for _ in range(r.array_len()):
        name = r.string()
        for _ in range(r.array_len()):
            partition, error = r.int32(), r.int16()
            r.int64(), r.int64()  # high watermark, last stable offset
            for _ in range(max(r.array_len(), 0)):
                r.int64(), r.int64()
            out.append((name, partition, error, r.bytes_() or b""))
    return out


def metadata_request(correlation_id: int, topics: list[str]) -> bytes:
    body = struct.pack(">i", len(topics)) + b"".join(kstring(t) for t in topics) + struct.pack(">b", 0)
    return frame(request_header_v1(kafka_wire.API_METADATA, API_METADATA_VERSION, correlation_id) + body)


def wait_readable(sock: socket.socket, timeout: float) -> bool:
    return bool(select.select([sock], [], [], timeout)[0])


def send_until_blocked(sock: socket.socket, frames: list[bytes], stall_seconds: float,
                       limit_seconds: float = 60.0) -> tuple[int, int]:
    """Sends the frames without reading; when the socket stays unwritable for `stall_seconds` (or all
    is sent) returns how many frames went out whole and how many bytes went out."""
    sock.setblocking(False)
    data = memoryview(b"".join(frames))
    ends = []
    total = 0
    for f in frames:
        total += len(f)
        ends.append(total)
    sent = 0
    deadline = time.monotonic() + limit_seconds
    while sent < len(data) and time.monotonic() < deadline:
        if not select.select([], [sock], [], stall_seconds)[1]:
            break
        try:
            sent += sock.send(data[sent:sent + (1 << 20)])
        except BlockingIOError:
            continue
    return sum(1 for end in ends if end <= sent), sent


class FrameStream:
    """Reads response frames from a non-blocking socket while finishing a pending send."""

    def __init__(self, sock: socket.socket, pending: bytes):
        self.sock = sock
        self.pending = memoryview(pending)
        self.inbox = bytearray()

    def next_frame(self, deadline: float) -> bytes:
        while True:
            if len(self.inbox) >= 4:
                (size,) = struct.unpack_from(">i", self.inbox)
                if len(self.inbox) >= 4 + size:
                    out = bytes(self.inbox[4:4 + size])
                    del self.inbox[:4 + size]
                    return out
            remaining = deadline - time.monotonic()
            assert remaining > 0, "timed out waiting for a response"
            writers = [self.sock] if self.pending else []
            readable, writable, _ = select.select([self.sock], writers, [], remaining)
            if writable:
                try:
                    n = self.sock.send(self.pending[:1 << 20])
                    self.pending = self.pending[n:]
                except BlockingIOError:
                    pass
            if readable:
                chunk = self.sock.recv(1 << 20)
                assert chunk, "connection closed before every response arrived"
                self.inbox += chunk


def responses_in_order(sock: socket.socket, frames: list[bytes], sent_bytes: int, seconds: float):
    """Sends what `send_until_blocked` could not while reading the answers; yields each response
    payload, checking the correlation ids (1, 2, ...) come back in request order."""
    stream = FrameStream(sock, b"".join(frames)[sent_bytes:])
    deadline = time.monotonic() + seconds
    for i in range(len(frames)):
        payload = stream.next_frame(deadline)
        assert struct.unpack_from(">i", payload)[0] == i + 1
        yield payload


def test_fetch_naming_one_partition_many_times_is_answered_once(brook, topic):
    produce_confluent(brook.bootstrap, topic, [{"value": b"x" * 100}])
    before = settled_fd_count(brook)
    sock = kafka_wire.connect(brook.bootstrap, timeout=30)
    try:
        sock.sendall(fetch_request(1, topic, [0] * 25_000, 0))
        assert wait_readable(sock, 30), "no Fetch response"
        # The response is built in full before its first byte is sent: this is the peak.
        during = fd_count(brook.pid)
        payload = kafka_wire.recv_frame(sock)
    finally:
        sock.close()
    assert struct.unpack_from(">i", payload)[0] == 1
    entries = parse_fetch_v4(payload[4:])
    # As Kafka (a request's partitions form a map): one answer per distinct partition.
    assert [(t, p, e) for t, p, e, _ in entries] == [(topic, 0, 0)]
    assert kafka_wire.parse_batches(entries[0][3])[0].record_count == 1
    assert during - before < 50, f"{during - before} descriptors opened for one Fetch"
    assert brook.is_running()


def test_pipelined_fetches_never_read_do_not_hold_a_descriptor_each(brook, topic):
    produce_confluent(brook.bootstrap, topic, [{"value": os.urandom(4000)}])
    before = settled_fd_count(brook)
    count = 3000
    frames = [fetch_request(i + 1, topic, [0], 0) for i in range(count)]
    sock = kafka_wire.connect(brook.bootstrap, timeout=30)
    try:
        sent_frames, sent_bytes = send_until_blocked(sock, frames, stall_seconds=2.0)
        # Watch the broker's descriptors while it holds the responses nobody reads.
        peak = before
        watch_until = time.monotonic() + 2.0
        while time.monotonic() < watch_until:
            peak = max(peak, fd_count(brook.pid))
            time.sleep(0.05)
        assert peak - before < 100, f"{peak - before} descriptors held for {sent_frames} unread Fetches"
        # Now read: every response arrives, in request order.
        for _ in responses_in_order(sock, frames, sent_bytes, 60):
            pass
    finally:
        sock.close()
    assert brook.is_running()


def test_connection_is_not_read_while_its_requests_are_owed(brook_factory, topic):
    """Kafka mutes a channel whose requests are being handled: with `queued.max.requests` requests
    parked, the broker stops reading the socket, so a client pipelining more blocks in send; once
    the parked requests are answered the rest are read, and every response comes in order."""
    brook = brook_factory(settings={"queued.max.requests": 10})
    produce_confluent(brook.bootstrap, topic, [{"value": b"first"}])
    count = 600
    frames = [padded_fetch_request(i + 1, topic, 1, max_wait_ms=60_000) for i in range(count)]
    rss_before = brook.rss_kib()
    sock = kafka_wire.connect(brook.bootstrap, timeout=30)
    try:
        sent_frames, sent_bytes = send_until_blocked(sock, frames, stall_seconds=2.0)
        rss_blocked = brook.rss_kib()
        assert sent_frames < count - 100, f"the broker read {sent_frames} requests while 10 were parked"
        assert rss_blocked - rss_before < 64 * 1024, f"RSS grew {rss_blocked - rss_before} KiB"
        # An append answers the parked fetches; reading resumes and the rest are answered at once.
        produce_confluent(brook.bootstrap, topic, [{"value": b"second"}])
        for payload in responses_in_order(sock, frames, sent_bytes, 90):
            [(_, _, error, records)] = [e for e in parse_fetch_v4(payload[4:])]
            assert error == 0 and kafka_wire.parse_batches(records)[0].base_offset == 1
    finally:
        sock.close()
    assert brook.is_running()


def test_unread_responses_stop_the_broker_reading(brook_factory, topic):
    """Backpressure on writes: while a client leaves its (large) responses unread, the broker stops
    reading its socket, so the client's sends block; once it reads, every response comes in order."""
    brook = brook_factory(settings={"queued.max.requests": 100_000})  # only the unread responses mute
    produce_confluent(brook.bootstrap, topic, [{"value": os.urandom(200_000)}])
    count = 600
    frames = [padded_fetch_request(i + 1, topic, 0) for i in range(count)]
    sock = kafka_wire.connect(brook.bootstrap, timeout=30)
    try:
        sent_frames, sent_bytes = send_until_blocked(sock, frames, stall_seconds=2.0)
        assert sent_frames < count - 100, \
            f"the broker read {sent_frames} requests of a client that reads none of its responses"
        for _ in responses_in_order(sock, frames, sent_bytes, 90):
            pass
    finally:
        sock.close()
    assert brook.is_running()


def test_pipelined_requests_never_read_are_all_answered_in_order(brook):
    count = 5000
    frames = [frame(request_header_v1(kafka_wire.API_VERSIONS, 0, i + 1)) for i in range(count)]
    sock = kafka_wire.connect(brook.bootstrap, timeout=30)
    try:
        sent_frames, sent_bytes = send_until_blocked(sock, frames, stall_seconds=1.0)
        for _ in responses_in_order(sock, frames, sent_bytes, 90):
            pass
    finally:
        sock.close()


def test_slow_loris_request_is_cut_off(brook_factory):
    brook = brook_factory(settings={"socket.request.read.timeout.ms": 1000})
    sock = kafka_wire.connect(brook.bootstrap)
    try:
        request = request_header_v1(kafka_wire.API_METADATA, 1, 1) + struct.pack(">i", 0)
        data = frame(request)
        started = time.monotonic()
        closed = False
        # One byte every 200 ms: the frame would take seconds; the broker must not wait that long.
        for byte in data:
            try:
                sock.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if wait_closed(sock, 0.2):
                closed = True
                break
        assert closed, f"a {len(data)}-byte request trickled in over {time.monotonic() - started:.1f}s"
        assert time.monotonic() - started < 5
    finally:
        sock.close()
    with kafka_wire.Connection(brook.bootstrap) as conn:  # complete requests are still served
        assert kafka_wire.API_PRODUCE in conn.api_versions()


def test_idle_connection_is_closed_and_busy_one_is_not(brook_factory):
    brook = brook_factory(settings={"connections.max.idle.ms": 1000})
    idle = kafka_wire.connect(brook.bootstrap)
    busy = kafka_wire.Connection(brook.bootstrap)
    try:
        started = time.monotonic()
        # The busy connection makes a request every 250 ms for 2.5 s, longer than the idle limit.
        while time.monotonic() - started < 2.5:
            assert kafka_wire.API_PRODUCE in busy.api_versions()
            time.sleep(0.25)
        assert wait_closed(idle, 5), "idle connection still open"
        assert time.monotonic() - started < 8
        assert kafka_wire.API_PRODUCE in busy.api_versions()
    finally:
        idle.close()
        busy.close()


def wait_request_read(sock: socket.socket, timeout: float) -> bool:
    """Until the broker has read everything sent on `sock` (its side's receive queue in /proc/net/tcp
    is empty): a request still in the kernel when SIGTERM arrives is never read, and the close resets."""
    client_port = sock.getsockname()[1]
    server_port = sock.getpeername()[1]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/net/tcp") as table:
            for line in table.readlines()[1:]:
                fields = line.split()
                local_port = int(fields[1].split(":")[1], 16)
                remote_port = int(fields[2].split(":")[1], 16)
                rx_queue = int(fields[4].split(":")[1], 16)
                if local_port == server_port and remote_port == client_port and rx_queue == 0:
                    return True
        time.sleep(0.01)
    return False


def test_sigterm_answers_parked_long_poll_fetch_at_once(brook, topic):
    produce_confluent(brook.bootstrap, topic, [{"value": b"v"}])
    sock = kafka_wire.connect(brook.bootstrap, timeout=30)
    try:
        with kafka_wire.Connection(brook.bootstrap) as conn:
            assert kafka_wire.API_FETCH in conn.api_versions()
        # Waits at the end of the log for up to 2^31-1 ms.
        sock.sendall(fetch_request(7, topic, [0], 1, max_wait_ms=2**31 - 1))
        assert wait_request_read(sock, 10), "the broker did not read the fetch"
        started = time.monotonic()
        assert brook.stop(timeout=8) == 0
        assert time.monotonic() - started < 8
        payload = kafka_wire.recv_frame(sock)
        assert struct.unpack_from(">i", payload)[0] == 7
        entries = parse_fetch_v4(payload[4:])
        assert [(t, p, e, r) for t, p, e, r in entries] == [(topic, 0, 0, b"")]
        assert wait_closed(sock, 5)
    finally:
        sock.close()
