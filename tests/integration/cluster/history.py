"""A history of what a Kafka workload did and saw, for the checker in `checker.py`.

Operations are appended in the order the test observed them (one global index, thread-safe):
  send   a producer handed a value to its client (one produce() call; a retry by the application is
         a second send of the same value, a retry inside the client is not)
  ack    the delivery report said the value is stored at partition+offset
  fail   the delivery report (or a fatal producer error) said the value was not acknowledged
  read   a reader session saw value at partition+offset
  end    a reader session finished; for a final read, with the end offset of every partition it read
  commit / abort / txn_unknown
         a transactional producer's transaction (the `txn` its sends carry) was committed, aborted,
         or ended with an outcome the client could not tell (a fatal error during commit)

A reader session is one uninterrupted consumer position per partition (a consumer that seeks back,
is reassigned or is recreated starts a new session). A final read is a session that reads every
partition from the earliest offset to its end after the producers stopped; everything acknowledged
before it started must be in it.

Values are compared as given (str or bytes); `workload.py` uses "<producer>-<seq>" strings.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Hashable, Iterator


@dataclass(frozen=True)
class Op:
    """One observed event. Fields not meaningful for a kind are None."""

    index: int
    kind: str                       # "send" | "ack" | "fail" | "read" | "end" | "commit" | "abort" | "txn_unknown"
    process: str                    # producer name or reader session id
    value: Hashable | None = None
    partition: int | None = None
    offset: int | None = None
    error: str | None = None
    end_offsets: dict[int, int] | None = None
    txn: str | None = None          # the transaction a send belongs to / a commit or abort ends
    time: float = 0.0               # time.monotonic() when recorded; for humans only


@dataclass(frozen=True)
class ProducerInfo:
    """How a producer was configured: idempotence changes which duplicates are anomalies."""

    name: str
    idempotent: bool


@dataclass(frozen=True)
class SessionInfo:
    """A reader session: `final` sessions are the full reads the lost-write check relies on;
    read_committed sessions must never see an aborted transaction's values."""

    id: str
    reader: str
    final: bool
    start_index: int
    read_committed: bool = True


class History:
    """An append-only, thread-safe list of `Op`s plus the producers and reader sessions behind them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ops: list[Op] = []
        self.producers: dict[str, ProducerInfo] = {}
        self.sessions: dict[str, SessionInfo] = {}
        self._session_numbers = itertools.count(1)

    # -- recording --------------------------------------------------------------------------------

    def _append(self, **fields) -> Op:
        with self._lock:
            op = Op(index=len(self._ops), time=time.monotonic(), **fields)
            self._ops.append(op)
            return op

    def producer(self, name: str, idempotent: bool = True) -> "ProducerLog":
        with self._lock:
            if name in self.producers:
                raise ValueError(f"producer {name!r} already registered")
            self.producers[name] = ProducerInfo(name, idempotent)
        return ProducerLog(self, name)

    def reader(self, name: str, final: bool = False, read_committed: bool = True) -> "ReaderSession":
        with self._lock:
            session_id = f"{name}#{next(self._session_numbers)}"
            self.sessions[session_id] = SessionInfo(session_id, name, final, len(self._ops),
                                                    read_committed)
        return ReaderSession(self, session_id)

    # -- reading ----------------------------------------------------------------------------------

    @property
    def ops(self) -> list[Op]:
        with self._lock:
            return list(self._ops)

    def __len__(self) -> int:
        with self._lock:
            return len(self._ops)

    def __iter__(self) -> Iterator[Op]:
        return iter(self.ops)

    # -- persistence (a failing test can leave its history behind for a closer look) --------------

    def dump(self, path: Path | str) -> None:
        """Writes JSON lines: producers, sessions, then ops. bytes values are written as latin-1 text
        with a marker so that `load` restores them exactly."""
        with self._lock, open(path, "w", encoding="utf-8") as out:
            for info in self.producers.values():
                out.write(json.dumps({"producer": asdict(info)}) + "\n")
            for info in self.sessions.values():
                out.write(json.dumps({"session": asdict(info)}) + "\n")
            for op in self._ops:
                row = asdict(op)
                if isinstance(op.value, bytes):
                    row["value"] = {"bytes": op.value.decode("latin-1")}
                out.write(json.dumps(row) + "\n")

    @classmethod
    def load(cls, path: Path | str) -> "History":
        history = cls()
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if "producer" in row:
                    info = ProducerInfo(**row["producer"])
                    history.producers[info.name] = info
                elif "session" in row:
                    info = SessionInfo(**row["session"])
                    history.sessions[info.id] = info
                else:
                    if isinstance(row["value"], dict):
                        row["value"] = row["value"]["bytes"].encode("latin-1")
                    if row["end_offsets"] is not None:
                        row["end_offsets"] = {int(p): o for p, o in row["end_offsets"].items()}
                    history._ops.append(Op(**row))
        return history


@dataclass
class ProducerLog:
    """Records one producer's sends and their outcomes into a `History`."""

    history: History
    name: str

    def send(self, value: Hashable, partition: int | None = None, txn: str | None = None) -> Op:
        return self.history._append(kind="send", process=self.name, value=value, partition=partition,
                                    txn=txn)

    def ack(self, value: Hashable, partition: int, offset: int) -> Op:
        return self.history._append(kind="ack", process=self.name, value=value, partition=partition,
                                    offset=offset)

    def fail(self, value: Hashable, error: object, partition: int | None = None) -> Op:
        return self.history._append(kind="fail", process=self.name, value=value, partition=partition,
                                    error=str(error))

    def commit(self, txn: str) -> Op:
        return self.history._append(kind="commit", process=self.name, txn=txn)

    def abort(self, txn: str) -> Op:
        return self.history._append(kind="abort", process=self.name, txn=txn)

    def txn_unknown(self, txn: str, error: object) -> Op:
        """The transaction ended without a known outcome: its values must be all visible or none."""
        return self.history._append(kind="txn_unknown", process=self.name, txn=txn, error=str(error))


@dataclass
class ReaderSession:
    """Records one reader session's records in the order it received them."""

    history: History
    id: str
    finished: bool = field(default=False)

    def read(self, partition: int, offset: int, value: Hashable) -> Op:
        return self.history._append(kind="read", process=self.id, value=value, partition=partition,
                                    offset=offset)

    def end(self, end_offsets: dict[int, int] | None = None) -> Op:
        """Closes the session. A final read passes the end offset it read each partition up to;
        a final session never ended does not count as a complete read."""
        self.finished = True
        return self.history._append(kind="end", process=self.id,
                                    end_offsets=dict(end_offsets) if end_offsets is not None else None)
