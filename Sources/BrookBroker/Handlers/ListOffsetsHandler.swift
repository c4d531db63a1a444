import BrookProtocol
import NIOCore

/// ListOffsets (2), versions 1–7: earliest (-2), latest (-1, the last stable offset for
/// read_committed), max timestamp (-3) and the first offset at or after a timestamp.
enum ListOffsetsHandler {
    static let latest: Int64 = -1
    static let earliest: Int64 = -2
    static let maxTimestamp: Int64 = -3

    static let handler = ApiHandler.make(ListOffsetsRequest.self, versions: 1...7) { request, context in
        let broker = context.broker
        let loop = context.eventLoop
        let readCommitted = request.isolationLevel == 1
        var topicFutures: [EventLoopFuture<ListOffsetsResponse.ListOffsetsTopicResponse>] = []
        for topicRequest in request.topics {
            let topic = broker.topics.topic(named: topicRequest.name)
            let partitionFutures = topicRequest.partitions.map { p -> EventLoopFuture<ListOffsetsResponse.ListOffsetsPartitionResponse> in
                @Sendable func answer(_ code: ErrorCode, offset: Int64 = -1, timestamp: Int64 = -1, epoch: Int32 = -1)
                    -> ListOffsetsResponse.ListOffsetsPartitionResponse {
                    .init(partitionIndex: p.partitionIndex, errorCode: code.rawValue, timestamp: timestamp, offset: offset,
                          leaderEpoch: epoch)
                }
                guard let topic, let partition = topic.partition(p.partitionIndex) else {
                    return loop.makeSucceededFuture(answer(.unknownTopicOrPartition))
                }
                if p.currentLeaderEpoch > partition.leaderEpoch {
                    return loop.makeSucceededFuture(answer(.unknownLeaderEpoch))
                }
                if p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch {
                    return loop.makeSucceededFuture(answer(.fencedLeaderEpoch))
                }
                let epoch = partition.leaderEpoch
                switch p.timestamp {
                case latest, earliest:
                    return partition.offsets().hop(to: loop).map { offsets in
                        let offset = p.timestamp == earliest ? offsets.logStartOffset
                            : (readCommitted ? offsets.lastStableOffset : offsets.highWatermark)
                        return answer(.none, offset: offset, timestamp: -1, epoch: epoch)
                    }
                case maxTimestamp:
                    return partition.offsetOfMaxTimestamp().hop(to: loop).map { found in
                        guard let found else { return answer(.none, epoch: epoch) }
                        return answer(.none, offset: found.offset, timestamp: found.timestamp, epoch: epoch)
                    }.recover { answer(ErrorMapping.code(for: $0)) }
                case ..<0:
                    // Other sentinels (-4 earliest local, -5 latest tiered): no record found here.
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
