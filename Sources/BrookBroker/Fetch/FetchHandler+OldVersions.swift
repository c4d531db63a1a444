import BrookProtocol
import BrookStorage
import NIOCore

extension FetchHandler {
    /// `readOne` for Fetch v0–9. The topic's configs may refuse the partition (`FetchVersionRules`);
    /// v0–3 records are down-converted in memory; v4–9 records still go by sendfile, cut before the
    /// first zstd batch (only batch headers are read), or refused when the slice starts with one.
    static func readOld(_ p: FetchRequest.FetchPartition, topicName: String, topic: Topic?, request: FetchRequest,
                        rules: FetchVersionRules, maxDecompressedSize: Int, acc: Accumulator,
                        loop: EventLoop) -> EventLoopFuture<Accumulator> {
        func error(_ code: ErrorCode) -> EventLoopFuture<Accumulator> {
            loop.makeSucceededFuture(acc.adding(topicName, .init(
                partitionIndex: p.partition, errorCode: code.rawValue, highWatermark: -1, lastStableOffset: -1,
                logStartOffset: -1, abortedTransactions: nil, records: ByteBuffer()), failed: true))
        }
        guard let topic, let partition = topic.partition(p.partition) else { return error(.unknownTopicOrPartition) }
        if p.currentLeaderEpoch > partition.leaderEpoch { return error(.unknownLeaderEpoch) }
        if p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch { return error(.fencedLeaderEpoch) }
        if let refused = rules.configError(topicOverrides: topic.configs) { return error(refused) }
        // v0–3 have no isolation level: always read_uncommitted.
        let readCommitted = rules.downconvertMagic == nil && request.isolationLevel == 1
        let remaining = max(0, Int(request.maxBytes) - acc.bytes)
        let limit = min(Int(max(0, p.partitionMaxBytes)), remaining)
        let first = acc.bytes == 0
        return partition.read(from: p.fetchOffset, maxBytes: limit, readCommitted: readCommitted, minOneBatch: first)
            .hop(to: loop).flatMap { result -> EventLoopFuture<Accumulator> in
                let readCode = rules.clientCode(result.error.map { ErrorMapping.code(for: $0) } ?? .none)
                @Sendable func data(_ code: ErrorCode, records: ByteBuffer?) -> FetchResponse.PartitionData {
                    .init(partitionIndex: p.partition, errorCode: code.rawValue, highWatermark: result.offsets.highWatermark,
                          lastStableOffset: result.offsets.lastStableOffset, logStartOffset: result.offsets.logStartOffset,
                          abortedTransactions: readCommitted ? result.abortedTxns.map {
                              .init(producerId: $0.producerId, firstOffset: $0.firstOffset)
                          } : nil, preferredReadReplica: -1, records: records)
                }
                guard let slice = result.slice else {
                    return loop.makeSucceededFuture(acc.adding(topicName, data(readCode, records: ByteBuffer()),
                                                               failed: result.error != nil))
                }
                if let magic = rules.downconvertMagic {
                    return LegacyFetchConversion.run(on: loop) {
                        LegacyFetchConversion.convert(slice, magic: magic, fetchOffset: p.fetchOffset, limit: limit,
                                                      alwaysTakeFirst: first, maxDecompressedSize: maxDecompressedSize)
                    }.map { outcome in
                        acc.adding(topicName, data(rules.clientCode(outcome.error), records: outcome.records),
                                   recordBytes: outcome.records.readableBytes, failed: outcome.error != .none)
                    }
                }
                return LegacyFetchConversion.run(on: loop) { LegacyFetchConversion.cutBeforeZstd(slice) }.map { cut in
                    guard let cut else { return acc.adding(topicName, data(.unsupportedCompressionType, records: ByteBuffer()), failed: true) }
                    return acc.adding(topicName, data(readCode, records: nil), slice: cut, failed: result.error != nil)
                }
            }
    }
}
