"""A deliberately tiny Kafka wire client for tests that must look below the client libraries.

It speaks only what the tests need: request header v1, ApiVersions v0 and non-flexible Fetch
(v4-v11), and it parses RecordBatch v2 headers. Everything else (hostile frames) is raw bytes.
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass

API_PRODUCE = 0
API_FETCH = 1
API_METADATA = 3
API_VERSIONS = 18

COMPRESSION_CODECS = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}


# --- CRC-32C (Castagnoli), used to check stored batches are intact -------------------------------

def _crc32c_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc = _CRC32C[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# --- encoding / decoding primitives --------------------------------------------------------------

def kstring(s: str | None) -> bytes:
    if s is None:
        return struct.pack(">h", -1)
    raw = s.encode()
    return struct.pack(">h", len(raw)) + raw


def request_header_v1(api_key: int, api_version: int, correlation_id: int,
                      client_id: str | None = "brook-it") -> bytes:
    return struct.pack(">hhi", api_key, api_version, correlation_id) + kstring(client_id)


def frame(payload: bytes) -> bytes:
    return struct.pack(">i", len(payload)) + payload


class Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError(f"short read: need {n} bytes at {self.pos}, have {len(self.data)}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def int8(self) -> int:
        return struct.unpack(">b", self.take(1))[0]

    def int16(self) -> int:
        return struct.unpack(">h", self.take(2))[0]

    def int32(self) -> int:
        return struct.unpack(">i", self.take(4))[0]

    def uint32(self) -> int:
        return struct.unpack(">I", self.take(4))[0]

    def int64(self) -> int:
        return struct.unpack(">q", self.take(8))[0]

    def string(self) -> str | None:
        n = self.int16()
        return None if n < 0 else self.take(n).decode()

    def bytes_(self) -> bytes | None:
        n = self.int32()
        return None if n < 0 else self.take(n)

    def array_len(self) -> int:
        return self.int32()


# --- connection ----------------------------------------------------------------------------------

def split_hostport(bootstrap: str) -> tuple[str, int]:
    host, _, port = bootstrap.rpartition(":")
    return host, int(port)


def connect(bootstrap: str, timeout: float = 10.0) -> socket.socket:
    sock = socket.create_connection(split_hostport(bootstrap), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return bytes(buf)


def recv_frame(sock: socket.socket) -> bytes:
    (size,) = struct.unpack(">i", recv_exact(sock, 4))
    if size < 4 or size > 256 * 1024 * 1024:
        raise ValueError(f"implausible response size {size}")
    return recv_exact(sock, size)


class Connection:
    """One blocking connection; every call is bounded by the socket timeout."""

    def __init__(self, bootstrap: str, timeout: float = 10.0):
        self.sock = connect(bootstrap, timeout)
        self.correlation_id = 0

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def request(self, api_key: int, api_version: int, body: bytes) -> Reader:
        self.correlation_id += 1
        cid = self.correlation_id
        self.sock.sendall(frame(request_header_v1(api_key, api_version, cid) + body))
        resp = Reader(recv_frame(self.sock))
        got = resp.int32()  # response header v0 (non-flexible APIs only, and ApiVersions)
        if got != cid:
            raise ValueError(f"correlation id mismatch: sent {cid}, got {got}")
        return resp

    def api_versions(self) -> dict[int, tuple[int, int]]:
        r = self.request(API_VERSIONS, 0, b"")
        error = r.int16()
        if error != 0:
            raise ValueError(f"ApiVersions v0 error code {error}")
        out = {}
        for _ in range(r.array_len()):
            key, lo, hi = r.int16(), r.int16(), r.int16()
            out[key] = (lo, hi)
        return out

    def fetch(self, topic: str, partition: int, offset: int, version: int,
              max_bytes: int = 8 * 1024 * 1024, max_wait_ms: int = 200) -> "FetchPartition":
        if not 4 <= version <= 11:
            raise ValueError("only non-flexible Fetch v4..v11 is implemented here")
        body = struct.pack(">iiii", -1, max_wait_ms, 1, max_bytes) + struct.pack(">b", 0)
        if version >= 7:
            body += struct.pack(">ii", 0, -1)  # session id, epoch: sessionless full fetch
        body += struct.pack(">i", 1) + kstring(topic) + struct.pack(">i", 1)
        body += struct.pack(">i", partition)
        if version >= 9:
            body += struct.pack(">i", -1)  # current leader epoch: unknown
        body += struct.pack(">q", offset)
        if version >= 5:
            body += struct.pack(">q", -1)  # log start offset (followers only)
        body += struct.pack(">i", max_bytes)
        if version >= 7:
            body += struct.pack(">i", 0)  # forgotten topics
        if version >= 11:
            body += kstring("")  # rack id
        r = self.request(API_FETCH, version, body)
        r.int32()  # throttle
        if version >= 7:
            top_error = r.int16()
            r.int32()  # session id
            if top_error:
                raise ValueError(f"Fetch top-level error {top_error}")
        for _ in range(r.array_len()):
            name = r.string()
            for _ in range(r.array_len()):
                p = FetchPartition(topic=name, partition=r.int32(), error_code=r.int16(),
                                   high_watermark=r.int64())
                r.int64()  # last stable offset
                if version >= 5:
                    p.log_start_offset = r.int64()
                n_aborted = r.array_len()
                for _ in range(max(n_aborted, 0)):
                    r.int64(), r.int64()
                if version >= 11:
                    r.int32()  # preferred read replica
                p.records = r.bytes_() or b""
                if name == topic and p.partition == partition:
                    return p
        raise ValueError(f"Fetch response has no entry for {topic}/{partition}")


@dataclass
class FetchPartition:
    topic: str
    partition: int
    error_code: int
    high_watermark: int
    log_start_offset: int = -1
    records: bytes = b""

    def batches(self) -> list["BatchHeader"]:
        return parse_batches(self.records)


@dataclass
class BatchHeader:
    base_offset: int
    batch_length: int
    magic: int
    crc: int
    crc_ok: bool
    attributes: int
    last_offset_delta: int
    first_timestamp: int
    max_timestamp: int
    record_count: int

    @property
    def compression(self) -> str:
        return COMPRESSION_CODECS.get(self.attributes & 0x7, f"unknown({self.attributes & 0x7})")


def parse_batches(records: bytes) -> list[BatchHeader]:
    """Complete v2 batches in a Fetch `records` blob (a trailing partial batch is allowed and skipped)."""
    out = []
    pos = 0
    while len(records) - pos >= 12:
        base_offset, batch_length = struct.unpack_from(">qi", records, pos)
        end = pos + 12 + batch_length
        if end > len(records):
            break  # partial batch at the end of a fetch: legal
        r = Reader(records[pos + 12:end])
        r.int32()  # partition leader epoch
        magic = r.int8()
        crc = r.uint32()
        covered = records[pos + 12 + 9:end]
        attributes = r.int16()
        last_offset_delta = r.int32()
        first_ts, max_ts = r.int64(), r.int64()
        r.int64(), r.int16(), r.int32()  # producer id, epoch, base sequence
        count = r.int32()
        out.append(BatchHeader(base_offset, batch_length, magic, crc, crc32c(covered) == crc,
                               attributes, last_offset_delta, first_ts, max_ts, count))
        pos = end
    return out


def pick_fetch_version(versions: dict[int, tuple[int, int]]) -> int:
    lo, hi = versions[API_FETCH]
    for v in range(min(hi, 11), 3, -1):
        if v >= lo:
            return v
    raise ValueError(f"broker advertises Fetch {lo}..{hi}; this helper needs one of 4..11")


def fetch_all_batches(bootstrap: str, topic: str, partition: int = 0,
                      timeout: float = 20.0) -> list[BatchHeader]:
    """All batches from offset 0 to the high watermark, following batch boundaries."""
    deadline = time.monotonic() + timeout
    with Connection(bootstrap) as conn:
        version = pick_fetch_version(conn.api_versions())
        batches: list[BatchHeader] = []
        offset = 0
        while time.monotonic() < deadline:
            p = conn.fetch(topic, partition, offset, version)
            if p.error_code:
                raise ValueError(f"Fetch {topic}/{partition}@{offset} error code {p.error_code}")
            got = [b for b in p.batches() if b.base_offset + b.last_offset_delta >= offset]
            batches.extend(got)
            if got:
                offset = got[-1].base_offset + got[-1].last_offset_delta + 1
            if offset >= p.high_watermark:
                return batches
        raise TimeoutError(f"did not reach the high watermark of {topic}/{partition} in {timeout}s")


def wait_closed(sock: socket.socket, timeout: float) -> bool:
    """Read and discard until the peer closes (True) or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        sock.settimeout(remaining)
        try:
            if not sock.recv(65536):
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
