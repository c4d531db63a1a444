import BrookProtocol
import NIOCore

/// DeleteRecords (21), versions 0–2: moves partitions' log start offsets forward (-1: to the high
/// watermark); the answer carries the new low watermark.
enum DeleteRecordsHandler {
    typealias PartitionResult = DeleteRecordsResponse.DeleteRecordsPartitionResult

    static let handler = ApiHandler.make(DeleteRecordsRequest.self, versions: 0...2) { request, context in
        let broker = context.broker
        let loop = context.eventLoop
        let topicFutures = request.topics.map { requested in
            let topic = broker.topics.topic(named: requested.name)
            let compactOnly = topic.map {
                !broker.topics.resolver.cleanupPolicy($0.configs).contains("delete")
            } ?? false
            let partitionFutures = requested.partitions.map { p -> EventLoopFuture<PartitionResult> in
                guard let partition = topic?.partition(p.partitionIndex) else {
                    let code = Topic.absentPartitionError(topic, p.partitionIndex)
                    return loop.makeSucceededFuture(.init(partitionIndex: p.partitionIndex, lowWatermark: -1,
                                                          errorCode: code.rawValue))
                }
                if compactOnly {
                    return loop.makeSucceededFuture(.init(partitionIndex: p.partitionIndex, lowWatermark: -1,
                                                          errorCode: ErrorCode.policyViolation.rawValue))
                }
                let delay = topic.map { broker.topics.resolver.int64("file.delete.delay.ms", $0.configs) ?? 60_000 } ?? 60_000
                return partition.deleteRecords(before: p.offset, fileDeleteDelayMs: delay).hop(to: loop).map {
                    PartitionResult(partitionIndex: p.partitionIndex, lowWatermark: $0, errorCode: 0)
                }.recover {
                    PartitionResult(partitionIndex: p.partitionIndex, lowWatermark: -1,
                                    errorCode: ErrorMapping.code(for: $0).rawValue)
                }
            }
            return EventLoopFuture.whenAllSucceed(partitionFutures, on: loop).map {
                DeleteRecordsResponse.DeleteRecordsTopicResult(name: requested.name, partitions: $0)
            }
        }
        return EventLoopFuture.whenAllSucceed(topicFutures, on: loop).map {
            DeleteRecordsResponse(throttleTimeMs: 0, topics: $0)
        }
    }
}
