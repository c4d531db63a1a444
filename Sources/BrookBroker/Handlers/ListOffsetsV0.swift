import BrookProtocol
import NIOCore

/// ListOffsets v0 (Burrow, sarama 1.22, librdkafka with `broker.version.fallback` 0.9/0.10): a list
/// of offsets per partition (`old_style_offsets`), as Kafka 3.9's `handleListOffsetRequestV0` answers.
/// Timestamps below -2 are UNSUPPORTED_VERSION; -1/-2 and real timestamps follow `LegacyOffsets`.
enum ListOffsetsV0 {
    static func respond(to request: ListOffsetsRequest, context: RequestContext) -> EventLoopFuture<ListOffsetsResponse> {
        let broker = context.broker
        let loop = context.eventLoop
        let fromConsumer = request.replicaId == -1
        let topicFutures = request.topics.map { topicRequest in
            let topic = broker.topics.topic(named: topicRequest.name)
            let partitionFutures = topicRequest.partitions.map { p -> EventLoopFuture<ListOffsetsResponse.ListOffsetsPartitionResponse> in
                @Sendable func answer(_ code: ErrorCode, _ offsets: [Int64] = []) -> ListOffsetsResponse.ListOffsetsPartitionResponse {
                    .init(partitionIndex: p.partitionIndex, errorCode: code.rawValue, oldStyleOffsets: offsets)
                }
                guard p.timestamp >= LegacyOffsets.earliest else {
                    return loop.makeSucceededFuture(answer(.unsupportedVersion))
                }
                guard let partition = topic?.partition(p.partitionIndex) else {
                    return loop.makeSucceededFuture(answer(Topic.absentPartitionError(topic, p.partitionIndex)))
                }
                return partition.legacyOffsets(before: p.timestamp, maxNumOffsets: p.maxNumOffsets, fromConsumer: fromConsumer)
                    .hop(to: loop)
                    .map { offsets in offsets.map { answer(.none, $0) } ?? answer(.unknownServerError) }
                    .recover { answer(ErrorMapping.code(for: $0)) }
            }
            let name = topicRequest.name
            return EventLoopFuture.whenAllSucceed(partitionFutures, on: loop).map {
                ListOffsetsResponse.ListOffsetsTopicResponse(name: name, partitions: $0)
            }
        }
        return EventLoopFuture.whenAllSucceed(topicFutures, on: loop).map { ListOffsetsResponse(topics: $0) }
    }
}

extension Partition {
    /// `LegacyOffsets` over this partition's segments, read on its event loop. A consumer's offsets
    /// are capped to the high watermark; a replica's (replica id >= 0) are not.
    func legacyOffsets(before timestamp: Int64, maxNumOffsets: Int32, fromConsumer: Bool) -> EventLoopFuture<[Int64]?> {
        eventLoop.submit {
            try self.log.health.checkOnline()
            let offsets = self.currentOffsets
            return LegacyOffsets.offsets(
                before: timestamp, maxNumOffsets: maxNumOffsets, segments: try self.log.segmentTimes(),
                logStartOffset: offsets.logStartOffset, logEndOffset: offsets.logEndOffset,
                highWatermark: fromConsumer ? offsets.highWatermark : nil, now: self.clock())
        }
    }
}
