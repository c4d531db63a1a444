"""A TCP proxy in front of brook that loses chosen Produce responses, to force client retries.

Requests are forwarded untouched; a Produce response picked by `should_drop` is swallowed and
both sockets are closed, so the client sees a disconnect after the broker appended the batch and
must resend it. `on_drop` runs before the sockets close (e.g. to restart the broker)."""

from __future__ import annotations

import socket
import struct
import threading
from typing import Callable


class ResponseDropper:
    def __init__(self, upstream_port: Callable[[], int], drops: int,
                 on_drop: Callable[[], None] | None = None):
        self.upstream_port = upstream_port
        self.drops_left = drops
        self.dropped = 0
        self.on_drop = on_drop
        self.lock = threading.Lock()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.closed = True
        self.listener.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port()), timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            produce_ids: set[int] = set()
            threading.Thread(target=self._requests, args=(client, server, produce_ids), daemon=True).start()
            threading.Thread(target=self._responses, args=(server, client, produce_ids), daemon=True).start()

    @staticmethod
    def _frames(sock: socket.socket):
        buf = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while len(buf) >= 4:
                size = struct.unpack(">i", buf[:4])[0]
                if len(buf) < 4 + size:
                    break
                yield buf[:4 + size]
                buf = buf[4 + size:]

    def _requests(self, client, server, produce_ids) -> None:
        for frame in self._frames(client):
            api_key, _, correlation = struct.unpack(">hhi", frame[4:12])
            if api_key == 0:
                produce_ids.add(correlation)
            try:
                server.sendall(frame)
            except OSError:
                break
        self._close(client, server)

    def _responses(self, server, client, produce_ids) -> None:
        for frame in self._frames(server):
            correlation = struct.unpack(">i", frame[4:8])[0]
            if correlation in produce_ids:
                with self.lock:
                    drop = self.drops_left > 0
                    if drop:
                        self.drops_left -= 1
                        self.dropped += 1
                if drop:
                    if self.on_drop is not None:
                        self.on_drop()
                    break
            try:
                client.sendall(frame)
            except OSError:
                break
        self._close(client, server)

    @staticmethod
    def _close(*socks) -> None:
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
