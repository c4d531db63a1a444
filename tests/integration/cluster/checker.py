"""Checks a `History` for the anomalies Jepsen's Kafka workload looks for.

Anomalies (any one makes the history invalid):
  lost             acknowledged (for a transaction's values: committed), but missing from a
                   complete final read that started after the ack (the commit)
  no_final_read    acknowledgements exist but no final read completed, so loss cannot be judged
  duplicated       one send of an idempotent producer stored at two positions (partition+offset)
  reordered        within a partition, a value of an idempotent producer at a higher offset than a
                   value the same producer sent later
  nonmonotonic     within one reader session and partition, an offset read again or going backwards
  skipped          within one reader session and partition, the offsets read jump over an offset
                   some read saw (Jepsen's poll-skip)
  inconsistent     the same partition+offset read with different values
  ack_mismatch     the value was read, but not at the partition+offset its acknowledgement gave, or
                   that position holds another value
  unexpected       a value read that no producer sent
  aborted_read     a read_committed session saw a value of an aborted transaction
  partial_txn      a final read that started after a transaction ended holds some but not all of
                   its values (committed, aborted or of unknown outcome: all or nothing)

Expected behaviour counted separately (reported, not invalid):
  duplicated_expected  a duplicate of a non-idempotent producer's value, or of a value the
                       application sent more than once (its own retry)
  reordered_expected   reordering among a non-idempotent producer's values (client retries)
  unacked_present      sent, never acknowledged or failed (e.g. in flight at the end), but stored
  failed_present       the client reported failure, yet the value is stored (an indefinite failure
                       such as a timeout may have been written)
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Hashable

from history import History, Op

ANOMALIES = ("lost", "no_final_read", "duplicated", "reordered", "nonmonotonic", "skipped",
             "inconsistent", "ack_mismatch", "unexpected", "aborted_read", "partial_txn")
EXPECTED = ("duplicated_expected", "reordered_expected", "unacked_present", "failed_present")
EXAMPLES_PER_KIND = 5

Position = tuple[int, int]   # (partition, offset)


@dataclass
class CheckResult:
    """Counts and the first examples of each anomaly and expected-behaviour kind, plus totals."""

    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in ANOMALIES + EXPECTED})
    examples: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in ANOMALIES + EXPECTED})
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not any(self.counts[k] for k in ANOMALIES)

    @property
    def anomalies(self) -> dict[str, int]:
        """The anomaly kinds that occurred, with their counts."""
        return {k: self.counts[k] for k in ANOMALIES if self.counts[k]}

    def add(self, kind: str, example: dict) -> None:
        self.counts[kind] += 1
        if len(self.examples[kind]) < EXAMPLES_PER_KIND:
            self.examples[kind].append(example)

    def summary(self) -> str:
        lines = ["history " + ("valid" if self.valid else "INVALID") + ": "
                 + ", ".join(f"{k}={v}" for k, v in self.stats.items())]
        for kind in ANOMALIES + EXPECTED:
            if not self.counts[kind]:
                continue
            tag = "anomaly" if kind in ANOMALIES else "expected"
            lines.append(f"  {kind} ({tag}): {self.counts[kind]}")
            lines.extend(f"    e.g. {example}" for example in self.examples[kind])
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {"valid": self.valid, "counts": dict(self.counts), "examples": dict(self.examples),
                "stats": dict(self.stats)}


def assert_valid(result: CheckResult) -> None:
    """Fails with every anomaly's count and first examples when the history is invalid."""
    if not result.valid:
        raise AssertionError(result.summary())


@dataclass
class _Sent:
    producer: str
    first_index: int
    sends: int = 0
    txn: str | None = None


@dataclass
class _Txn:
    values: list = field(default_factory=list)
    end: Op | None = None   # the commit / abort / txn_unknown op; None while open


def check(history: History) -> CheckResult:
    ops = history.ops
    result = CheckResult()

    sent: dict[Hashable, _Sent] = {}
    acks: list[Op] = []
    failed: set[Hashable] = set()
    acked: set[Hashable] = set()
    reads_by_session: dict[str, list[Op]] = defaultdict(list)
    ended: set[str] = set()
    txns: dict[str, _Txn] = defaultdict(_Txn)
    for op in ops:
        if op.kind == "send":
            entry = sent.setdefault(op.value, _Sent(op.process, op.index, txn=op.txn))
            entry.sends += 1
            if op.txn is not None:
                txns[op.txn].values.append(op.value)
        elif op.kind in ("commit", "abort", "txn_unknown"):
            txns[op.txn].end = op
        elif op.kind == "ack":
            acks.append(op)
            acked.add(op.value)
        elif op.kind == "fail":
            failed.add(op.value)
        elif op.kind == "read":
            reads_by_session[op.process].append(op)
        elif op.kind == "end":
            ended.add(op.process)

    values_at: dict[Position, set] = defaultdict(set)
    positions_of: dict[Hashable, set[Position]] = defaultdict(set)
    for session_reads in reads_by_session.values():
        for op in session_reads:
            values_at[(op.partition, op.offset)].add(op.value)
            positions_of[op.value].add((op.partition, op.offset))

    finals = sorted((s for s in history.sessions.values() if s.final and s.id in ended),
                    key=lambda s: s.start_index)
    final_values = {s.id: {op.value for op in reads_by_session.get(s.id, ())} for s in finals}
    _check_lost(finals, final_values, sent, acks, txns, result)
    _check_transactions(history, finals, final_values, sent, txns, reads_by_session, result)
    _check_positions(history, sent, values_at, positions_of, result)
    _check_sessions(reads_by_session, values_at, result)
    _check_acks(acks, values_at, positions_of, result)
    for value in positions_of:
        if value not in sent:
            result.add("unexpected", {"value": value, "read_at": sorted(positions_of[value])})
        elif value not in acked:
            kind = "failed_present" if value in failed else "unacked_present"
            result.add(kind, {"value": value, "read_at": sorted(positions_of[value])})

    result.stats = {
        "sends": sum(1 for op in ops if op.kind == "send"),
        "acked": len(acked),
        "failed": len(failed),
        "reads": sum(len(r) for r in reads_by_session.values()),
        "distinct_values_read": len(positions_of),
        "final_reads": len(finals),
    }
    if txns:
        outcomes = [t.end.kind if t.end else "open" for t in txns.values()]
        result.stats.update({f"txn_{k}": outcomes.count(k)
                             for k in ("commit", "abort", "txn_unknown", "open") if k in outcomes})
    return result


def _check_lost(finals: list, final_values: dict[str, set], sent: dict[Hashable, _Sent],
                acks: list[Op], txns: dict[str, _Txn], result: CheckResult) -> None:
    commits = [t.end for t in txns.values() if t.end is not None and t.end.kind == "commit"]
    if (acks or commits) and not finals:
        result.add("no_final_read", {"acked": len(acks), "committed_txns": len(commits)})
        return
    # A transaction's values are promised by its commit, not by their delivery reports.
    promises = [(ack.index, ack.value, {"acked_at": (ack.partition, ack.offset)}) for ack in acks
                if ack.value not in sent or sent[ack.value].txn is None]
    promises += [(commit.index, value, {"txn": commit.txn}) for commit in commits
                 for value in txns[commit.txn].values]
    lost: set[Hashable] = set()
    for index, value, detail in sorted(promises, key=lambda p: p[0]):
        if value in lost:
            continue
        for session in finals:
            if session.start_index > index and value not in final_values[session.id]:
                lost.add(value)
                result.add("lost", {"value": value, **detail, "missing_from": session.id})
                break


def _check_transactions(history: History, finals: list, final_values: dict[str, set],
                        sent: dict[Hashable, _Sent], txns: dict[str, _Txn],
                        reads_by_session: dict[str, list[Op]], result: CheckResult) -> None:
    for session_id, reads in reads_by_session.items():
        info = history.sessions.get(session_id)
        if info is not None and not info.read_committed:
            continue
        for op in reads:
            txn = sent[op.value].txn if op.value in sent else None
            end = txns[txn].end if txn is not None else None
            if end is not None and end.kind == "abort":
                result.add("aborted_read", {"value": op.value, "txn": txn, "session": session_id,
                                            "at": (op.partition, op.offset)})
    for txn, entry in txns.items():
        if entry.end is None:
            continue
        for session in finals:
            if session.start_index <= entry.end.index or not session.read_committed:
                continue
            present = [v for v in entry.values if v in final_values[session.id]]
            if 0 < len(present) < len(entry.values):
                missing = [v for v in entry.values if v not in final_values[session.id]]
                result.add("partial_txn", {"txn": txn, "outcome": entry.end.kind,
                                           "present": len(present), "of": len(entry.values),
                                           "missing": missing[:3], "session": session.id})
                break


def _check_positions(history: History, sent: dict[Hashable, _Sent], values_at: dict[Position, set],
                     positions_of: dict[Hashable, set[Position]], result: CheckResult) -> None:
    for position in sorted(values_at):
        values = values_at[position]
        if len(values) > 1:
            result.add("inconsistent", {"at": position, "values": sorted(values, key=repr)})

    def idempotent(value) -> bool:
        info = history.producers.get(sent[value].producer)
        return info is None or info.idempotent   # unregistered producers get the strict check

    for value, positions in positions_of.items():
        if len(positions) < 2 or value not in sent:
            continue
        expected = sent[value].sends > 1 or not idempotent(value)
        result.add("duplicated_expected" if expected else "duplicated",
                   {"value": value, "at": sorted(positions), "sends": sent[value].sends})

    # Reordering: walk each partition in offset order, tracking per producer the latest send seen so
    # far. Values with ambiguous placement (inconsistent positions, duplicates, resent values) are
    # left out: the other checks already report them.
    by_partition: dict[int, list[tuple[int, Hashable]]] = defaultdict(list)
    for (partition, offset), values in values_at.items():
        if len(values) == 1:
            (value,) = values
            if value in sent and sent[value].sends == 1 and len(positions_of[value]) == 1:
                by_partition[partition].append((offset, value))
    for partition, entries in sorted(by_partition.items()):
        latest: dict[str, tuple[int, int, Hashable]] = {}   # producer -> (send index, offset, value)
        for offset, value in sorted(entries):
            info = sent[value]
            seen = latest.get(info.producer)
            if seen is not None and info.first_index < seen[0]:
                kind = "reordered" if idempotent(value) else "reordered_expected"
                result.add(kind, {"partition": partition, "producer": info.producer,
                                  "sent_later": {"value": seen[2], "offset": seen[1]},
                                  "sent_earlier": {"value": value, "offset": offset}})
            else:
                latest[info.producer] = (info.first_index, offset, value)


def _check_sessions(reads_by_session: dict[str, list[Op]], values_at: dict[Position, set],
                    result: CheckResult) -> None:
    known_offsets: dict[int, list[int]] = defaultdict(list)
    for partition, offset in values_at:
        known_offsets[partition].append(offset)
    for offsets in known_offsets.values():
        offsets.sort()
    for session, reads in reads_by_session.items():
        last: dict[int, int] = {}
        for op in reads:
            previous = last.get(op.partition)
            if previous is not None and op.offset <= previous:
                result.add("nonmonotonic", {"session": session, "partition": op.partition,
                                            "previous_offset": previous, "offset": op.offset})
                continue   # keep the highest offset as the reference point
            if previous is not None and op.offset > previous + 1:
                offsets = known_offsets[op.partition]
                i = bisect.bisect_right(offsets, previous)
                if i < len(offsets) and offsets[i] < op.offset:
                    result.add("skipped", {"session": session, "partition": op.partition,
                                           "from_offset": previous, "to_offset": op.offset,
                                           "missed_offset": offsets[i]})
            last[op.partition] = op.offset


def _check_acks(acks: list[Op], values_at: dict[Position, set],
                positions_of: dict[Hashable, set[Position]], result: CheckResult) -> None:
    for ack in acks:
        position = (ack.partition, ack.offset)
        read_at = positions_of.get(ack.value, set())
        if position in read_at:
            continue
        others = values_at.get(position, set()) - {ack.value}
        if read_at or others:
            result.add("ack_mismatch", {"value": ack.value, "acked_at": position,
                                        "read_at": sorted(read_at),
                                        "value_read_at_acked_position": sorted(others, key=repr)})
