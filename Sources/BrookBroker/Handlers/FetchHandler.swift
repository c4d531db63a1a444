import BrookProtocol
import NIOCore

/// Fetch (1), versions 4–12: reads record batches up to the high watermark (or the last stable
/// offset for read_committed), honouring max_bytes/partition_max_bytes, and long-polls up to
/// max_wait_ms until min_bytes have arrived. Brook is sessionless (KIP-227 session id 0), so every
/// fetch is a full fetch; incremental requests for an unknown session get FETCH_SESSION_ID_NOT_FOUND.
enum FetchHandler {
    static let handler = ApiHandler.make(FetchRequest.self, versions: 4...12) { request, context in
        let loop = context.eventLoop
        if request.sessionId != 0 || request.sessionEpoch > 0 {
            var response = FetchResponse()
            response.errorCode = ErrorCode.fetchSessionIdNotFound.rawValue
            return loop.makeSucceededFuture(response)
        }
        let broker = context.broker
        let attempt: @Sendable () -> EventLoopFuture<(satisfied: Bool, response: FetchResponse)> = {
            readAll(request, broker: broker, loop: loop)
        }
        return attempt().flatMap { first in
            if first.satisfied || request.maxWaitMs <= 0 {
                return loop.makeSucceededFuture(first.response)
            }
            let watched = request.topics.flatMap { topic in
                topic.partitions.compactMap { broker.topics.topic(named: topic.topic)?.partition($0.partition) }
            }
            let delayed = DelayedFetch(loop: loop, partitions: watched, maxWait: .milliseconds(Int64(request.maxWaitMs)),
                                       attempt: attempt)
            return delayed.futureResult
        }.map { $0 }
    }

    /// One pass over every requested partition, in request order so the byte budget is shared as Kafka does.
    static func readAll(_ request: FetchRequest, broker: Broker, loop: EventLoop)
        -> EventLoopFuture<(satisfied: Bool, response: FetchResponse)> {
        let readCommitted = request.isolationLevel == 1
        var state = loop.makeSucceededFuture((bytes: 0, failed: false, topics: [FetchResponse.FetchableTopicResponse]()))
        for topicRequest in request.topics {
            let topic = broker.topics.topic(named: topicRequest.topic)
            for partitionRequest in topicRequest.partitions {
                state = state.flatMap { acc in
                    var acc = acc
                    func append(_ data: FetchResponse.PartitionData) {
                        if acc.topics.last?.topic != topicRequest.topic {
                            acc.topics.append(.init(topic: topicRequest.topic, partitions: []))
                        }
                        acc.topics[acc.topics.count - 1].partitions.append(data)
                    }
                    func error(_ code: ErrorCode) -> EventLoopFuture<(bytes: Int, failed: Bool, topics: [FetchResponse.FetchableTopicResponse])> {
                        append(.init(partitionIndex: partitionRequest.partition, errorCode: code.rawValue, highWatermark: -1,
                                     lastStableOffset: -1, logStartOffset: -1, abortedTransactions: nil, records: ByteBuffer()))
                        acc.failed = true
                        return loop.makeSucceededFuture(acc)
                    }
                    guard let topic, let partition = topic.partition(partitionRequest.partition) else {
                        return error(.unknownTopicOrPartition)
                    }
                    if partitionRequest.currentLeaderEpoch > partition.leaderEpoch { return error(.unknownLeaderEpoch) }
                    if partitionRequest.currentLeaderEpoch >= 0 && partitionRequest.currentLeaderEpoch < partition.leaderEpoch {
                        return error(.fencedLeaderEpoch)
                    }
                    let remaining = max(0, Int(request.maxBytes) - acc.bytes)
                    let limit = min(Int(max(0, partitionRequest.partitionMaxBytes)), remaining)
                    return partition.read(from: partitionRequest.fetchOffset, maxBytes: limit, readCommitted: readCommitted,
                                          minOneBatch: acc.bytes == 0).hop(to: loop).map { result in
                        let code = result.error.map { ErrorMapping.code(for: $0) } ?? .none
                        append(.init(partitionIndex: partitionRequest.partition, errorCode: code.rawValue,
                                     highWatermark: result.offsets.highWatermark,
                                     lastStableOffset: result.offsets.lastStableOffset,
                                     logStartOffset: result.offsets.logStartOffset,
                                     abortedTransactions: readCommitted ? [] : nil, preferredReadReplica: -1,
                                     records: result.records))
                        acc.bytes += result.records.readableBytes
                        if result.error != nil { acc.failed = true }
                        return acc
                    }
                }
            }
        }
        return state.map { acc in
            var response = FetchResponse()
            response.throttleTimeMs = 0
            response.errorCode = 0
            response.sessionId = 0
            response.responses = acc.topics
            return (acc.failed || acc.bytes >= Int(request.minBytes), response)
        }
    }
}
