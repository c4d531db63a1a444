"""Raw-socket abuse: the broker drops the offending connection and keeps serving everyone else."""

from __future__ import annotations

import errno
import random
import socket
import struct
import subprocess

import kafka_wire
from kafka_wire import frame, request_header_v1, wait_closed


def assert_still_serving(brook, kcat=None) -> None:
    assert brook.is_running(), f"broker died:\n{brook.output_tail()}"
    with kafka_wire.Connection(brook.bootstrap) as conn:
        assert kafka_wire.API_PRODUCE in conn.api_versions()
    if kcat:
        proc = subprocess.run([kcat, "-m", "10", "-b", brook.bootstrap, "-L"], capture_output=True,
                              timeout=30)
        assert proc.returncode == 0 and f"at {brook.bootstrap}".encode() in proc.stdout, proc


def test_oversized_frame_closes_connection(brook, kcat):
    sock = kafka_wire.connect(brook.bootstrap)
    try:
        # 200 MiB > socket.request.max.bytes (100 MiB): refused from the length prefix alone,
        # before anything is allocated or read
        sock.sendall(struct.pack(">i", 200 * 1024 * 1024) + request_header_v1(18, 0, 1))
        assert wait_closed(sock, 10), "connection still open after an oversized frame"
    finally:
        sock.close()
    assert_still_serving(brook, kcat)


def test_negative_frame_size_closes_connection(brook):
    for size in (-1, -2**31):
        sock = kafka_wire.connect(brook.bootstrap)
        try:
            sock.sendall(struct.pack(">i", size) + b"\x00" * 16)
            assert wait_closed(sock, 10), f"connection still open after frame size {size}"
        finally:
            sock.close()
    assert_still_serving(brook)


def garbage_frames(rng: random.Random, count: int) -> list[bytes]:
    frames = []
    for i in range(count):
        if i % 3 == 0:  # pure noise
            body = rng.randbytes(rng.randint(0, 3000))
        else:  # a plausible header (real and unknown api keys and versions), then noise
            header = struct.pack(">hhi", rng.choice([rng.randint(0, 80), rng.randint(-5, 32767)]),
                                 rng.randint(-2, 20), rng.randint(-2**31, 2**31 - 1))
            header += struct.pack(">h", rng.choice([-1, 0, 5, 300, 32767])) + rng.randbytes(5)
            body = header + rng.randbytes(rng.randint(0, 2000))
        frames.append(frame(body))
    return frames


def test_random_garbage_frames(brook, kcat):
    rng = random.Random(20240601)  # fixed seed: failures are reproducible
    frames = garbage_frames(rng, 150)
    # each frame on its own connection, 15 connections at a time
    for start in range(0, len(frames), 15):
        socks = []
        for f in frames[start:start + 15]:
            s = kafka_wire.connect(brook.bootstrap)
            try:
                s.sendall(f)
            except (BrokenPipeError, ConnectionResetError):
                pass
            socks.append(s)
        for i, s in enumerate(socks):
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            # the broker answers or drops the connection; either way it must let go once we're done
            assert wait_closed(s, 10), f"garbage frame #{start + i} left the connection hanging"
            s.close()
        assert brook.is_running(), f"broker died on garbage frames {start}..:\n{brook.output_tail()}"

    # several frames pipelined on one connection, then raw noise without framing
    s = kafka_wire.connect(brook.bootstrap)
    try:
        s.sendall(b"".join(garbage_frames(rng, 20)) + rng.randbytes(5000))
        s.shutdown(socket.SHUT_WR)
        assert wait_closed(s, 10)
    except (BrokenPipeError, ConnectionResetError):
        pass
    except OSError as e:
        # ENOTCONN: the broker dropped the connection before our half-close, which is the point.
        if e.errno != errno.ENOTCONN:
            raise
    finally:
        s.close()
    assert_still_serving(brook, kcat)


def test_truncated_frame_then_eof(brook):
    s = kafka_wire.connect(brook.bootstrap)
    try:
        request = request_header_v1(kafka_wire.API_METADATA, 1, 7) + struct.pack(">i", -1)
        s.sendall(struct.pack(">i", len(request) + 50) + request)  # promises 50 more bytes
        s.shutdown(socket.SHUT_WR)
        assert wait_closed(s, 10), "truncated frame + EOF left the connection open"
    finally:
        s.close()
    assert_still_serving(brook)


def test_request_truncated_inside_a_complete_frame(brook):
    # the frame is whole but its content ends early: client id length 300, only 4 bytes follow
    body = struct.pack(">hhi", kafka_wire.API_METADATA, 1, 9) + struct.pack(">h", 300) + b"abcd"
    s = kafka_wire.connect(brook.bootstrap)
    try:
        s.sendall(frame(body))
        # Kafka closes the connection on an unparseable request; a correct error response would
        # also do, but the connection must not hang.
        s.shutdown(socket.SHUT_WR)
        assert wait_closed(s, 10)
    finally:
        s.close()
    # the same for a Metadata v1 body cut off in the topics array
    body = request_header_v1(kafka_wire.API_METADATA, 1, 10) + struct.pack(">i", 3) + \
        kafka_wire.kstring("only-one")
    s = kafka_wire.connect(brook.bootstrap)
    try:
        s.sendall(frame(body))
        s.shutdown(socket.SHUT_WR)
        assert wait_closed(s, 10)
    finally:
        s.close()
    assert_still_serving(brook)


def test_stalled_partial_request_does_not_block_other_clients(brook, kcat):
    stalled = kafka_wire.connect(brook.bootstrap)
    try:
        stalled.sendall(struct.pack(">i", 1000) + b"\x00\x12\x00\x00")  # 4 of 1000 bytes, then idle
        assert_still_serving(brook, kcat)
    finally:
        stalled.close()
    assert_still_serving(brook)
