import BrookRecords
import NIOCore

extension PartitionLog {
    /// Snapshots kept per partition; older ones are deleted when a new one is written.
    static let retainedProducerSnapshots = 2

    /// Rebuilds the producer state: loads the newest valid `.snapshot` at or below the log end (deleting
    /// newer or unreadable ones) and replays the batches after it. Without a snapshot the whole log is read.
    public func loadProducerState() throws -> ProducerStateManager {
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
        try replayProducerState(into: &state)
        return state
    }

    /// Applies every batch from `state.mapEndOffset` to the log end.
    func replayProducerState(into state: inout ProducerStateManager) throws {
        var offset = max(state.mapEndOffset, logStartOffset)
        let end = logEndOffset
        while offset < end {
            let result = try read(from: offset, maxBytes: 1 << 20, upTo: end, minOneBatch: true)
            var records = result.records
            guard records.readableBytes > 0 else { break }
            while let header = RecordBatchHeader(peekingAt: records), header.totalSize <= records.readableBytes {
                if header.lastOffset >= offset {
                    state.record(header, firstOffset: header.baseOffset, lastOffset: header.lastOffset)
                    offset = header.lastOffset + 1
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
