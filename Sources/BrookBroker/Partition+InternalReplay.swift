import BrookRecords
import Logging
import NIOCore

extension Partition {
    /// A coordinator shard's start-up replay of its internal-topic partition (`__consumer_offsets`,
    /// `__transaction_state`), read in chunks of `chunkBytes` up to `end`. Each batch goes to `apply`
    /// with the offset its chunk was read from (records below it were applied with the chunk before);
    /// `apply` returns how many records it took, and the total is the result. Replay stops early once
    /// `isLoading` turns false (shutdown may close the log), and at a chunk that cannot be read or
    /// decoded, which is logged with `logName`: a shard then starts with what it has.
    func replayInternalLog(
        from start: Int64, upTo end: Int64, chunkBytes: Int, logName: String, logger: Logger,
        isLoading: @escaping @Sendable () -> Bool,
        apply: @escaping @Sendable (_ batch: RecordBatch, _ chunkStart: Int64) -> Int
    ) -> EventLoopFuture<Int> {
        guard start < end else { return eventLoop.makeSucceededFuture(0) }
        // The shard shares the partition's event loop, so it may read the log directly.
        return eventLoop.submit { () -> ByteBuffer? in
            guard isLoading() else { return nil }
            return try self.log.read(from: start, maxBytes: chunkBytes, upTo: end, minOneBatch: true).records
        }.flatMap { chunk -> EventLoopFuture<Int> in
            guard let chunk else { return self.eventLoop.makeSucceededFuture(0) }
            let batches: [RecordBatch]
            do {
                batches = try RecordBatch.decodeAll(chunk, maxDecompressedSize: 64 * 1024 * 1024)
            } catch {
                logger.error("undecodable batch in \(logName)", metadata: [
                    "brook.partition": "\(self.topicPartition)", "offset": "\(start)", "error": "\(error)"])
                return self.eventLoop.makeSucceededFuture(0)
            }
            var next = start
            var applied = 0
            for batch in batches {
                next = max(next, batch.header.lastOffset.saturatingAdd(1))
                applied += apply(batch, start)
            }
            let appliedHere = applied
            guard next > start else { return self.eventLoop.makeSucceededFuture(appliedHere) }
            return self.replayInternalLog(from: next, upTo: end, chunkBytes: chunkBytes, logName: logName,
                                          logger: logger, isLoading: isLoading, apply: apply).map { appliedHere + $0 }
        }.flatMapError { error in
            logger.error("stopped loading \(logName)", metadata: [
                "brook.partition": "\(self.topicPartition)", "error": "\(error)"])
            return self.eventLoop.makeSucceededFuture(0)
        }
    }
}
