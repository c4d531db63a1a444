import BrookRecords
import NIOCore

extension PartitionLog {
    /// Snapshots kept per partition; older ones are deleted when a new one is written.
    static let retainedProducerSnapshots = 2

    /// Rebuilds the producer state: loads the newest valid `.snapshot` at or below the log end (deleting
    /// newer or unreadable ones) and replays the batches after it. Without a snapshot the whole log is read.
    /// With `limit`, snapshots above it are passed over (kept) so the replay covers `[limit, end)`;
    /// `onAbort` then sees every aborted transaction whose marker the replay meets.
    public func loadProducerState(snapshotAtOrBelow limit: Int64? = nil,
                                  onAbort: ((AbortedTxn) -> Void)? = nil) throws -> ProducerStateManager {
        try checkOpen()
        let end = logEndOffset
        var snapshots = try Self.producerSnapshotOffsets(directory: directory)
        var state = ProducerStateManager(mapEndOffset: logStartOffset)
        while let newest = snapshots.popLast() {
            let path = directory + "/" + ProducerStateSnapshot.fileName(offset: newest)
            if newest > end {
                try FileSystem.remove(path)
                continue
            }
            if let limit, newest > limit { continue }
            do {
                guard let bytes = try FileSystem.readAll(path) else { continue }
                let entries = try ProducerStateSnapshot.decode(bytes)
                state = ProducerStateManager(mapEndOffset: max(newest, logStartOffset),
                                             producers: Dictionary(uniqueKeysWithValues: entries.map { ($0.producerId, $0) }))
                break
            } catch {
                logger.warning("ignoring unreadable producer snapshot", metadata: ["brook.file": "\(path)", "error": "\(error)"])
                try FileSystem.remove(path)
            }
        }
        try replayProducerState(into: &state, onAbort: onAbort)
        return state
    }

    /// Applies every batch from `state.mapEndOffset` to the log end, reporting abort markers to `onAbort`.
    ///
    /// An aborted transaction's first offset is the producer's open-transaction first offset before its
    /// marker. If the state does not know it (the producer was missing from the snapshot), the earliest
    /// transactional batch of that producer met since the replay started is used instead: the replay
    /// start is the last point whose state is known. A marker with neither hides nothing and is skipped,
    /// as `Partition.appendMarker` does for a transaction without data.
    func replayProducerState(into state: inout ProducerStateManager,
                             onAbort: ((AbortedTxn) -> Void)? = nil) throws {
        var earliestSinceReplay: [Int64: Int64] = [:]
        var offset = max(state.mapEndOffset, logStartOffset)
        let end = logEndOffset
        while offset < end {
            let result = try read(from: offset, maxBytes: 1 << 20, upTo: end, minOneBatch: true)
            var records = result.records
            guard records.readableBytes > 0 else { break }
            while let header = RecordBatchHeader(peekingAt: records), header.totalSize <= records.readableBytes {
                if header.lastOffset >= offset {
                    let openFirst = state.producers[header.producerId]?.currentTxnFirstOffset
                    state.record(header, firstOffset: header.baseOffset, lastOffset: header.lastOffset)
                    if let onAbort, header.isTransactional, header.hasProducerId {
                        if header.isControl {
                            let first = openFirst ?? earliestSinceReplay[header.producerId]
                            earliestSinceReplay[header.producerId] = nil
                            let bytes = records.getSlice(at: records.readerIndex, length: header.totalSize)!
                            if let txn = Self.abortedTxn(marker: header, bytes: bytes, openFirst: first, stateAfter: state) {
                                onAbort(txn)
                            }
                        } else if earliestSinceReplay[header.producerId] == nil {
                            earliestSinceReplay[header.producerId] = header.baseOffset
                        }
                    }
                    offset = header.lastOffset.saturatingAdd(1)
                }
                records.moveReaderIndex(forwardBy: header.totalSize)
            }
        }
    }

    /// Writes `state` as the snapshot at its map end offset in the log's `directory` and prunes older
    /// snapshots. Touches only files, so it may run on a blocking thread pool.
    public static func writeProducerSnapshot(_ state: ProducerStateManager, directory: String) throws {
        let offset = state.mapEndOffset
        let bytes = ProducerStateSnapshot.encode(Array(state.producers.values))
        try FileSystem.writeAtomically(directory + "/" + ProducerStateSnapshot.fileName(offset: offset), bytes)
        let offsets = try producerSnapshotOffsets(directory: directory)
        for old in offsets.dropLast(Self.retainedProducerSnapshots) {
            try FileSystem.remove(directory + "/" + ProducerStateSnapshot.fileName(offset: old))
        }
    }

    /// Offsets of the `.snapshot` files present, ascending.
    static func producerSnapshotOffsets(directory: String) throws -> [Int64] {
        try FileSystem.list(directory).compactMap(ProducerStateSnapshot.offset(fromFileName:)).sorted()
    }
}
