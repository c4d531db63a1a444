import BrookProtocol
import BrookStorage
import NIOCore

/// Fetch (1), versions 0–17: reads record batches up to the high watermark (or the last stable
/// offset for read_committed), honouring max_bytes/partition_max_bytes, and long-polls up to
/// max_wait_ms until min_bytes have arrived. Brook is sessionless (KIP-227 session id 0), so every
/// fetch is a full fetch; incremental requests for an unknown session get FETCH_SESSION_ID_NOT_FOUND.
/// From v13 topics are named by id (`FetchTopicIds`); v14–17 add nothing a single node answers.
/// v4+ records go from the files with sendfile (`FetchResponseWriter`); v0–3 get them
/// down-converted to magic 0/1 in memory (`LegacyFetchConversion`), and below v10 zstd is refused
/// (`FetchVersionRules`). A fetch from a follower broker (replica id ≥ 0, v4+) is served as a
/// leader serves replication (`FetchHandler+Replicas`).
enum FetchHandler {
    static let handler = ApiHandler.makeFramed(FetchRequest.self, versions: 0...17) { incoming, context in
        var byName = incoming
        let topicIds = context.header.apiVersion >= 13
            ? FetchTopicIds(resolving: &byName, topics: context.broker.topics.allTopics) : nil
        let request = { var r = byName; r.topics = byName.distinctTopics; return r }()
        let loop = context.eventLoop
        let version = context.header.apiVersion
        let correlationId = context.header.correlationId
        @Sendable func frame(_ result: FetchResult) -> OutboundFrame? {
            // v0–3 records are converted bytes, already in the response.
            version >= 4 ? FetchResponseWriter.frame(result, version: version, correlationId: correlationId)
                : .message(result.response, version: version, correlationId: correlationId, headerVersion: 0)
        }
        if request.sessionId != 0 || request.sessionEpoch > 0 {
            var response = FetchResponse()
            response.errorCode = ErrorCode.fetchSessionIdNotFound.rawValue
            return loop.makeSucceededFuture(frame(FetchResult(response: response, files: [], satisfied: true)))
        }
        let broker = context.broker
        let attempt: @Sendable () -> EventLoopFuture<FetchResult> = {
            let read = readAll(request, version: version, broker: broker, loop: loop)
            return topicIds.map { ids in read.map { ids.complete($0) } } ?? read
        }
        return attempt().flatMap { first -> EventLoopFuture<FetchResult> in
            if first.satisfied || request.maxWaitMs <= 0 {
                return loop.makeSucceededFuture(first)
            }
            first.closeFiles()
            let watched = request.topics.flatMap { topic in
                topic.partitions.compactMap { p in
                    broker.topics.topic(named: topic.topic)?.partition(p.partition).map {
                        DelayedFetch.Watched(partition: $0, topic: topic.topic, index: p.partition)
                    }
                }
            }
            let stopSignals = [broker.stopping] + (context.connection.map { [$0] } ?? [])
            let delayed = DelayedFetch(loop: loop, partitions: watched, initial: first,
                                       maxWait: .milliseconds(Int64(request.maxWaitMs)), stopSignals: stopSignals,
                                       fromReplica: request.followerReplicaId(version: version) != nil,
                                       attempt: attempt)
            return delayed.futureResult
        }.map(frame)
    }

    /// The response being assembled while partitions are read one after another.
    struct Accumulator: Sendable {
        var bytes = 0
        var failed = false
        var topics: [FetchResponse.FetchableTopicResponse] = []
        var files: [FetchResult.FilePart] = []
        /// A follower's fetch: each partition's log end at its read.
        var replicaLogEnds: [String: [Int32: Int64]] = [:]

        /// `recordBytes`: size of records held in `data` (converted ones), counted against the limits.
        func adding(_ topic: String, _ data: FetchResponse.PartitionData, slice: LogSlice? = nil, recordBytes: Int = 0,
                    failed: Bool) -> Accumulator {
            var copy = self
            copy.bytes += recordBytes
            if copy.topics.last?.topic != topic { copy.topics.append(.init(topic: topic, partitions: [])) }
            let t = copy.topics.count - 1
            copy.topics[t].partitions.append(data)
            if let slice {
                copy.files.append(.init(topicIndex: t, partitionIndex: copy.topics[t].partitions.count - 1, slice: slice))
                copy.bytes += slice.length
            }
            copy.failed = copy.failed || failed
            return copy
        }

        /// `p` answered with `code` alone (no records, unknown offsets).
        func refusing(_ p: FetchRequest.FetchPartition, of topic: String, _ code: ErrorCode) -> Accumulator {
            adding(topic, .init(partitionIndex: p.partition, errorCode: code.rawValue, highWatermark: -1,
                                lastStableOffset: -1, logStartOffset: -1, abortedTransactions: nil, records: ByteBuffer()),
                   failed: true)
        }
    }

    /// One pass over every requested partition, in request order so the byte budget is shared as Kafka does.
    static func readAll(_ request: FetchRequest, version: Int16, broker: Broker, loop: EventLoop) -> EventLoopFuture<FetchResult> {
        let readCommitted = request.isolationLevel == 1
        let rules = FetchVersionRules(version: version, resolver: broker.topics.resolver)
        let maxDecompressedSize = broker.config.socketRequestMaxBytes
        let follower = request.followerReplicaId(version: version)
        let followerReads = FollowerReads(request: request, version: version, broker: broker)
        var state = loop.makeSucceededFuture(Accumulator())
        for topicRequest in request.topics {
            let topic = broker.topics.topic(named: topicRequest.topic)
            for partitionRequest in topicRequest.partitions {
                state = state.flatMap { acc in
                    if let follower {
                        return readForReplica(follower, partitionRequest, topicName: topicRequest.topic, topic: topic,
                                              request: request, acc: acc, throttles: broker.replicaFetchers.throttles,
                                              now: broker.clock(), loop: loop)
                    }
                    guard let rules else {
                        return readOne(partitionRequest, topicName: topicRequest.topic, topic: topic, request: request,
                                       readCommitted: readCommitted, followerReads: followerReads, acc: acc, loop: loop)
                    }
                    return readOld(partitionRequest, topicName: topicRequest.topic, topic: topic, request: request,
                                   rules: rules, maxDecompressedSize: maxDecompressedSize, acc: acc, loop: loop)
                }
            }
        }
        return state.map { acc in
            var response = FetchResponse()
            response.throttleTimeMs = 0
            response.errorCode = 0
            response.sessionId = 0
            response.responses = acc.topics
            return FetchResult(response: response, files: acc.files,
                               satisfied: acc.failed || acc.bytes >= Int(request.minBytes),
                               replicaLogEnds: acc.replicaLogEnds)
        }
    }

    private static func readOne(_ p: FetchRequest.FetchPartition, topicName: String, topic: Topic?, request: FetchRequest,
                                readCommitted: Bool, followerReads: FollowerReads, acc: Accumulator,
                                loop: EventLoop) -> EventLoopFuture<Accumulator> {
        func error(_ code: ErrorCode) -> EventLoopFuture<Accumulator> {
            loop.makeSucceededFuture(acc.refusing(p, of: topicName, code))
        }
        let partition: Partition
        switch servingPartition(p, of: topic) {
        case .success(let found): partition = found
        case .failure(let code): return error(code)
        }
        let remaining = max(0, Int(request.maxBytes) - acc.bytes)
        let limit = min(Int(max(0, p.partitionMaxBytes)), remaining)
        return partition.read(from: p.fetchOffset, maxBytes: limit, readCommitted: readCommitted, minOneBatch: acc.bytes == 0,
                              servesFromFollower: followerReads.servesFromFollower,
                              selectReadReplica: followerReads.selector(fetchOffset: p.fetchOffset))
            .hop(to: loop).map { result in
                if let preferred = result.preferredReadReplica {
                    // Answered at once with no records: the consumer fetches from `preferred` next.
                    return acc.adding(topicName, .init(
                        partitionIndex: p.partition, errorCode: 0, highWatermark: result.offsets.highWatermark,
                        lastStableOffset: result.offsets.lastStableOffset, logStartOffset: result.offsets.logStartOffset,
                        abortedTransactions: nil, preferredReadReplica: preferred, records: ByteBuffer()), failed: true)
                }
                let code = result.error.map { ErrorMapping.code(for: $0) } ?? .none
                return acc.adding(topicName, .init(
                    partitionIndex: p.partition, errorCode: code.rawValue, highWatermark: result.offsets.highWatermark,
                    lastStableOffset: result.offsets.lastStableOffset, logStartOffset: result.offsets.logStartOffset,
                    abortedTransactions: readCommitted ? result.abortedTxns.map {
                        .init(producerId: $0.producerId, firstOffset: $0.firstOffset)
                    } : nil, preferredReadReplica: -1,
                    records: result.slice == nil ? ByteBuffer() : nil),
                    slice: result.slice, failed: result.error != nil)
            }
    }

    /// The partition `p` names, or the error Kafka answers: unknown partition, or a current leader
    /// epoch newer (UNKNOWN_LEADER_EPOCH) or older (FENCED_LEADER_EPOCH) than the partition's.
    static func servingPartition(_ p: FetchRequest.FetchPartition, of topic: Topic?) -> Result<Partition, ErrorCode> {
        guard let partition = topic?.partition(p.partition) else {
            return .failure(Topic.absentPartitionError(topic, p.partition))
        }
        if p.currentLeaderEpoch > partition.leaderEpoch { return .failure(.unknownLeaderEpoch) }
        if p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch { return .failure(.fencedLeaderEpoch) }
        return .success(partition)
    }
}
