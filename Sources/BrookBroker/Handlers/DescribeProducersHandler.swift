import BrookProtocol
import NIOCore

/// DescribeProducers (61), version 0 (KIP-664): the idempotent and transactional producers each
/// asked-for partition knows, with their epoch, last sequence and open transaction.
enum DescribeProducersHandler {
    static let handler = ApiHandler.make(DescribeProducersRequest.self, versions: 0...0) { request, context in
        let loop = context.eventLoop
        typealias PartitionResponse = DescribeProducersResponse.PartitionResponse
        var topicFutures: [EventLoopFuture<DescribeProducersResponse.TopicResponse>] = []
        for topicRequest in request.topics {
            let topic = context.broker.topics.topic(named: topicRequest.name)
            let partitionFutures = topicRequest.partitionIndexes.map { index -> EventLoopFuture<PartitionResponse> in
                guard let partition = topic?.partition(index) else {
                    let code = Topic.absentPartitionError(topic, index)
                    return loop.makeSucceededFuture(PartitionResponse(
                        partitionIndex: index, errorCode: code.rawValue,
                        errorMessage: code == .notLeaderOrFollower ? "This broker is not a replica of this partition."
                            : "This server does not host this topic-partition."))
                }
                return partition.producerEntries().hop(to: loop).map { entries in
                    PartitionResponse(partitionIndex: index, errorCode: 0, errorMessage: nil, activeProducers:
                        entries.sorted { $0.producerId < $1.producerId }.map { entry in
                            .init(producerId: entry.producerId, producerEpoch: Int32(entry.producerEpoch),
                                  lastSequence: entry.lastSequence, lastTimestamp: entry.lastTimestamp,
                                  coordinatorEpoch: entry.coordinatorEpoch,
                                  currentTxnStartOffset: entry.currentTxnFirstOffset ?? -1)
                        })
                }
            }
            let name = topicRequest.name
            topicFutures.append(EventLoopFuture.whenAllSucceed(partitionFutures, on: loop).map {
                .init(name: name, partitions: $0)
            })
        }
        return EventLoopFuture.whenAllSucceed(topicFutures, on: loop).map { topics -> (any KafkaMessage)? in
            DescribeProducersResponse(throttleTimeMs: 0, topics: topics)
        }
    }
}
