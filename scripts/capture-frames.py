#!/usr/bin/env python3
"""A recording TCP proxy for the Kafka protocol.

Listens on a loopback port, forwards every connection to a broker, and writes each request and
response frame (4-byte size prefix included) as `c<conn>-<seq>-<Api>-v<version>-req.bin` /
`-resp.bin`, plus one `index.jsonl` line per request, in the layout of the golden folders
(`Tests/Fixtures/golden/README.md`). Responses are matched to requests by correlation id, because
a request may have no response at all (Produce with acks=0).

Start the broker with `advertised.listeners` pointing at the proxy, or clients will bypass it after
their first Metadata answer:

    scripts/capture-frames.py --port 29094 --target 127.0.0.1:9092 --out /tmp/frames
    brook serve --listen 127.0.0.1:9092 --set advertised.listeners=PLAINTEXT://127.0.0.1:29094

Also importable (tests load it with importlib): `CaptureProxy(out_dir=None)` keeps every exchange
in memory, and `set_target` can move it to a restarted broker while the advertised address stays.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import socket
import struct
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

# Api key -> name, spelled like the Swift `ApiKey` cases with a capital first letter, so the golden
# loaders can map a file name back to its key.
API_NAMES = {
    0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 4: "LeaderAndIsr", 5: "StopReplica",
    6: "UpdateMetadata", 7: "ControlledShutdown", 8: "OffsetCommit", 9: "OffsetFetch",
    10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup", 14: "SyncGroup",
    15: "DescribeGroups", 16: "ListGroups", 17: "SaslHandshake", 18: "ApiVersions",
    19: "CreateTopics", 20: "DeleteTopics", 21: "DeleteRecords", 22: "InitProducerId",
    23: "OffsetForLeaderEpoch", 24: "AddPartitionsToTxn", 25: "AddOffsetsToTxn", 26: "EndTxn",
    27: "WriteTxnMarkers", 28: "TxnOffsetCommit", 29: "DescribeAcls", 30: "CreateAcls",
    31: "DeleteAcls", 32: "DescribeConfigs", 33: "AlterConfigs", 34: "AlterReplicaLogDirs",
    35: "DescribeLogDirs", 36: "SaslAuthenticate", 37: "CreatePartitions",
    38: "CreateDelegationToken", 39: "RenewDelegationToken", 40: "ExpireDelegationToken",
    41: "DescribeDelegationToken", 42: "DeleteGroups", 43: "ElectLeaders",
    44: "IncrementalAlterConfigs", 45: "AlterPartitionReassignments",
    46: "ListPartitionReassignments", 47: "OffsetDelete", 48: "DescribeClientQuotas",
    49: "AlterClientQuotas", 50: "DescribeUserScramCredentials", 51: "AlterUserScramCredentials",
    60: "DescribeCluster", 61: "DescribeProducers", 65: "DescribeTransactions",
    66: "ListTransactions", 67: "AllocateProducerIds", 68: "ConsumerGroupHeartbeat",
    69: "ConsumerGroupDescribe", 71: "GetTelemetrySubscriptions", 72: "PushTelemetry",
    74: "ListClientMetricsResources", 75: "DescribeTopicPartitions",
}

# Frames above this are not parsed (the connection is then forwarded unrecorded): the proxy must
# not allocate whatever a hostile or broken peer declares.
MAX_FRAME = 256 << 20


def api_name(key: int) -> str:
    return API_NAMES.get(key, f"Api{key}")


@dataclass
class Exchange:
    """One request and, once it arrives, its response (both whole frames, size prefix included)."""
    conn: int
    seq: int
    key: int
    version: int
    correlation_id: int
    request: bytes
    response: bytes | None = None
    # The broker closed the connection while this request waited for its answer (the client had
    # not hung up, and a response was due: not a Produce with acks=0).
    closed_unanswered: bool = False

    @property
    def api(self) -> str:
        return api_name(self.key)

    @property
    def client_id(self) -> str:
        """The request header's client id ("" when null or unreadable)."""
        if len(self.request) < 14:
            return ""
        (n,) = struct.unpack_from(">h", self.request, 12)
        if n <= 0 or n > len(self.request) - 14:
            return ""
        return self.request[14:14 + n].decode("utf-8", "replace")

    @property
    def expects_response(self) -> bool:
        """False only for Produce with acks=0 (v0-2: acks first; v3+: after transactional_id)."""
        if self.key != 0:
            return True
        try:
            (n,) = struct.unpack_from(">h", self.request, 12)
            at = 14 + max(n, 0)
            if self.version >= 3:
                (tn,) = struct.unpack_from(">h", self.request, at)
                at += 2 + max(tn, 0)
            return struct.unpack_from(">h", self.request, at)[0] != 0
        except struct.error:
            return True

    @property
    def file_stem(self) -> str:
        return f"c{self.conn:03d}-{self.seq:04d}-{self.api}-v{self.version}"


class Recorder:
    """Keeps exchanges in memory and, with an output folder, writes them out as they happen."""

    def __init__(self, out_dir: Path | None):
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._connections = 0
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)

    def next_connection(self) -> int:
        with self._lock:
            self._connections += 1
            return self._connections

    def request(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)
            if self.out_dir is None:
                return
            (self.out_dir / f"{exchange.file_stem}-req.bin").write_bytes(exchange.request)
            line = {"conn": exchange.conn, "seq": exchange.seq, "api": exchange.api,
                    "key": exchange.key, "version": exchange.version, "file": exchange.file_stem}
            with (self.out_dir / "index.jsonl").open("a") as index:
                index.write(json.dumps(line) + "\n")

    def response(self, exchange: Exchange, frame: bytes) -> None:
        with self._lock:
            exchange.response = frame
            if self.out_dir is not None:
                (self.out_dir / f"{exchange.file_stem}-resp.bin").write_bytes(frame)

    def snapshot(self) -> list[Exchange]:
        with self._lock:
            return list(self.exchanges)


def _read_exact(sock: socket.socket, n: int) -> bytes | None:
    chunks = []
    while n > 0:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _read_frame(sock: socket.socket) -> tuple[bytes | None, bool]:
    """(frame, parsable): frame is None at end of stream; parsable is False for a size outside
    0...MAX_FRAME, in which case frame holds only the 4 size bytes."""
    prefix = _read_exact(sock, 4)
    if prefix is None:
        return None, True
    (size,) = struct.unpack(">i", prefix)
    if size < 0 or size > MAX_FRAME:
        return prefix, False
    body = _read_exact(sock, size)
    if body is None:
        return None, True
    return prefix + body, True


class _Connection:
    """One proxied client connection: a thread per direction."""

    def __init__(self, proxy: "CaptureProxy", client: socket.socket, upstream: socket.socket):
        self.proxy = proxy
        self.client = client
        self.upstream = upstream
        self.number = proxy.recorder.next_connection()
        self.pending: dict[int, Exchange] = {}
        self.lock = threading.Lock()
        self.seq = 0
        self.client_left = threading.Event()
        self.threads = [
            threading.Thread(target=self._requests, daemon=True, name=f"capture-c{self.number}-req"),
            threading.Thread(target=self._responses, daemon=True, name=f"capture-c{self.number}-resp"),
        ]
        for thread in self.threads:
            thread.start()

    def _raw(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            chunk = source.recv(1 << 16)
            if not chunk:
                return
            sink.sendall(chunk)

    def _requests(self) -> None:
        try:
            while True:
                frame, parsable = _read_frame(self.client)
                if frame is None:
                    self.client_left.set()  # what is pending now was abandoned, not refused
                    return
                if not parsable or len(frame) < 12:
                    self.upstream.sendall(frame)
                    self._raw(self.client, self.upstream)
                    return
                key, version, correlation_id = struct.unpack(">hhi", frame[4:12])
                with self.lock:
                    self.seq += 1
                    exchange = Exchange(self.number, self.seq, key, version, correlation_id, frame)
                    self.pending[correlation_id] = exchange
                self.proxy.recorder.request(exchange)
                self.upstream.sendall(frame)
        except OSError:
            pass
        finally:
            self._shutdown(self.upstream)

    def _responses(self) -> None:
        try:
            while True:
                frame, parsable = _read_frame(self.upstream)
                if frame is None:
                    self._broker_closed()
                    return
                if not parsable or len(frame) < 8:
                    self.client.sendall(frame)
                    self._raw(self.upstream, self.client)
                    return
                (correlation_id,) = struct.unpack(">i", frame[4:8])
                with self.lock:
                    exchange = self.pending.pop(correlation_id, None)
                if exchange is not None:
                    self.proxy.recorder.response(exchange, frame)
                self.client.sendall(frame)
        except OSError:
            pass
        finally:
            self._shutdown(self.client)

    def _broker_closed(self) -> None:
        """The broker ended the connection: mark what it left unanswered, unless the client hung up
        first or the proxy itself is closing."""
        if self.client_left.is_set() or self.proxy.closing:
            return
        with self.lock:
            for exchange in self.pending.values():
                if exchange.response is None and exchange.expects_response:
                    exchange.closed_unanswered = True

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            self._shutdown(sock)
        for thread in self.threads:
            thread.join(5)
        for sock in (self.client, self.upstream):
            sock.close()


class CaptureProxy:
    """Listens on host:port (0 picks a free port) and forwards to the current target."""

    def __init__(self, target: tuple[str, int] | None = None, out_dir: Path | None = None,
                 host: str = "127.0.0.1", port: int = 0):
        self.recorder = Recorder(out_dir)
        self._target = target
        self._target_lock = threading.Lock()
        self._connections: list[_Connection] = []
        self._listener = socket.create_server((host, port))
        self.host, self.port = self._listener.getsockname()[:2]
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="capture-accept")
        self._thread.start()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def exchanges(self) -> list[Exchange]:
        return self.recorder.snapshot()

    @property
    def closing(self) -> bool:
        return self._closed.is_set()

    def versions(self, client_id_prefix: str = "") -> dict[str, list[int]]:
        """API name -> versions sent by clients whose client id starts with the prefix."""
        seen: dict[str, set[int]] = {}
        for exchange in self.exchanges:
            if exchange.client_id.startswith(client_id_prefix):
                seen.setdefault(exchange.api, set()).add(exchange.version)
        return {api: sorted(versions) for api, versions in sorted(seen.items())}

    def closed_unanswered(self) -> list[str]:
        """The requests the broker closed a connection on without answering."""
        return [f"{e.api} v{e.version} (client {e.client_id!r})" for e in self.exchanges if e.closed_unanswered]

    def set_target(self, host: str, port: int) -> None:
        """Later connections go to host:port; open ones stay where they are."""
        with self._target_lock:
            self._target = (host, port)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._target_lock:
                target = self._target
            try:
                if target is None:
                    raise OSError("no target yet")
                upstream = socket.create_connection(target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._connections.append(_Connection(self, client, upstream))

    def close(self) -> None:
        self._closed.set()
        # close() alone does not wake a thread blocked in accept() on Linux; shutdown() does.
        for step in (lambda: self._listener.shutdown(socket.SHUT_RDWR), self._listener.close):
            try:
                step()
            except OSError:
                pass
        self._thread.join(5)
        for connection in self._connections:
            connection.close()

    def __enter__(self) -> "CaptureProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="broker HOST:PORT to forward to")
    parser.add_argument("--out", required=True, type=Path, help="folder for the frames")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="listen port (0: any free port)")
    args = parser.parse_args(argv)
    proxy = CaptureProxy(_host_port(args.target), args.out, args.host, args.port)
    print(f"listening on {proxy.address}, forwarding to {args.target}, writing {args.out}",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        proxy.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
