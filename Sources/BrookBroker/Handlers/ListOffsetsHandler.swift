import BrookProtocol
import NIOCore

/// ListOffsets (2), versions 0–10. v0 answers a list of offsets (`ListOffsetsV0`). From v1: earliest
/// (-2), latest (-1, the last stable offset for read_committed), max timestamp (-3, v7+), earliest
/// local (-4, v8+: the log start offset, as Kafka answers without tiered storage), latest tiered
/// (-5, v9+: offset -1 and epoch -1, nothing is tiered) and the first offset at or after a timestamp.
/// v10 adds a timeout for tiered-storage lookups, which never wait here.
enum ListOffsetsHandler {
    static let latest: Int64 = -1
    static let earliest: Int64 = -2
    static let maxTimestamp: Int64 = -3
    static let earliestLocal: Int64 = -4
    static let latestTiered: Int64 = -5

    /// The first version each sentinel timestamp is valid in (Kafka 3.9 `handleListOffsetRequestV1AndAbove`);
    /// any other negative timestamp, or a sentinel below its version, is UNSUPPORTED_VERSION.
    static let sentinelMinVersion: [Int64: Int16] = [earliest: 1, latest: 1, maxTimestamp: 7, earliestLocal: 8, latestTiered: 9]

    static let handler = ApiHandler.make(ListOffsetsRequest.self, versions: 0...10) { request, context in
        let version = context.header.apiVersion
        if version == 0 {
            return ListOffsetsV0.respond(to: request, context: context).map { $0 }
        }
        let broker = context.broker
        let loop = context.eventLoop
        let readCommitted = request.isolationLevel == 1
        // Kafka answers INVALID_REQUEST on every copy of a partition named twice.
        var seen: [String: Set<Int32>] = [:]
        var duplicated: [String: Set<Int32>] = [:]
        for topic in request.topics {
            for p in topic.partitions where !seen[topic.name, default: []].insert(p.partitionIndex).inserted {
                duplicated[topic.name, default: []].insert(p.partitionIndex)
            }
        }
        var topicFutures: [EventLoopFuture<ListOffsetsResponse.ListOffsetsTopicResponse>] = []
        for topicRequest in request.topics {
            let topic = broker.topics.topic(named: topicRequest.name)
            let partitionFutures = topicRequest.partitions.map { p -> EventLoopFuture<ListOffsetsResponse.ListOffsetsPartitionResponse> in
                @Sendable func answer(_ code: ErrorCode, offset: Int64 = -1, timestamp: Int64 = -1, epoch: Int32 = -1)
                    -> ListOffsetsResponse.ListOffsetsPartitionResponse {
                    .init(partitionIndex: p.partitionIndex, errorCode: code.rawValue, timestamp: timestamp, offset: offset,
                          leaderEpoch: epoch)
                }
                if duplicated[topicRequest.name]?.contains(p.partitionIndex) == true {
                    return loop.makeSucceededFuture(answer(.invalidRequest))
                }
                if p.timestamp < 0, (sentinelMinVersion[p.timestamp] ?? .max) > version {
                    return loop.makeSucceededFuture(answer(.unsupportedVersion))
                }
                guard let partition = topic?.partition(p.partitionIndex) else {
                    return loop.makeSucceededFuture(answer(Topic.absentPartitionError(topic, p.partitionIndex)))
                }
                if p.currentLeaderEpoch > partition.leaderEpoch {
                    return loop.makeSucceededFuture(answer(.unknownLeaderEpoch))
                }
                if p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch {
                    return loop.makeSucceededFuture(answer(.fencedLeaderEpoch))
                }
                let epoch = partition.leaderEpoch
                switch p.timestamp {
                case latest, earliest, earliestLocal:
                    return partition.offsets().hop(to: loop).map { offsets in
                        let offset = p.timestamp != latest ? offsets.logStartOffset
                            : (readCommitted ? offsets.lastStableOffset : offsets.highWatermark)
                        return answer(.none, offset: offset, timestamp: -1, epoch: epoch)
                    }
                case maxTimestamp:
                    return partition.offsetOfMaxTimestamp().hop(to: loop).map { found in
                        guard let found else { return answer(.none, epoch: epoch) }
                        return answer(.none, offset: found.offset, timestamp: found.timestamp, epoch: epoch)
                    }.recover { answer(ErrorMapping.code(for: $0)) }
                case ..<0:
                    // Latest tiered (-5): nothing is tiered, so Kafka's answer without remote storage.
                    return loop.makeSucceededFuture(answer(.none))
                default:
                    return partition.offsetForTimestamp(p.timestamp).hop(to: loop).map { found in
                        guard let found else { return answer(.none) }
                        return answer(.none, offset: found.offset, timestamp: found.timestamp, epoch: epoch)
                    }.recover { answer(ErrorMapping.code(for: $0)) }
                }
            }
            let name = topicRequest.name
            topicFutures.append(EventLoopFuture.whenAllSucceed(partitionFutures, on: loop).map {
                .init(name: name, partitions: $0)
            })
        }
        return EventLoopFuture.whenAllSucceed(topicFutures, on: loop).map {
            ListOffsetsResponse(throttleTimeMs: 0, topics: $0)
        }
    }
}
