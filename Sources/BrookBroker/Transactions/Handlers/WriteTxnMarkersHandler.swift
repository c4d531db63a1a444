import BrookProtocol
import NIOCore

/// WriteTxnMarkers (27), versions 0–1: the inter-broker request a coordinator sends to partition
/// leaders (Brook's coordinators send it for partitions led by another broker). A thin shell over
/// `Partition.appendMarker`, the path a coordinator uses for the partitions it leads.
enum WriteTxnMarkersHandler {
    static let handler = ApiHandler.make(WriteTxnMarkersRequest.self, versions: 0...1) { request, context in
        let broker = context.broker
        let loop = context.eventLoop
        typealias TopicResult = WriteTxnMarkersResponse.WritableTxnMarkerTopicResult
        let markers = request.markers.map { marker -> EventLoopFuture<WriteTxnMarkersResponse.WritableTxnMarkerResult> in
            let topics = marker.topics.map { topic -> EventLoopFuture<TopicResult> in
                let partitions = topic.partitionIndexes.map { index in
                    let known = broker.topics.topic(named: topic.name)
                    guard let partition = known?.partition(index) else {
                        return loop.makeSucceededFuture(WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult(
                            partitionIndex: index, errorCode: Topic.absentPartitionError(known, index).rawValue))
                    }
                    let written = partition.appendMarker(producerId: marker.producerId, producerEpoch: marker.producerEpoch,
                                                         commit: marker.transactionResult,
                                                         coordinatorEpoch: marker.coordinatorEpoch).map { _ in }
                    // A marker on `__consumer_offsets` settles the group's transactional offset commits.
                    return TransactionMarkerWriter.settlingGroupOffsets(written, topic.name, index, producerId: marker.producerId,
                                                                        commit: marker.transactionResult, groups: broker.groups)
                        .hop(to: loop)
                        .map { _ in .init(partitionIndex: index, errorCode: 0) }
                        .recover { .init(partitionIndex: index, errorCode: ErrorMapping.code(for: $0).rawValue) }
                }
                return EventLoopFuture.whenAllSucceed(partitions, on: loop).map { .init(name: topic.name, partitions: $0) }
            }
            return EventLoopFuture.whenAllSucceed(topics, on: loop).map { .init(producerId: marker.producerId, topics: $0) }
        }
        return EventLoopFuture.whenAllSucceed(markers, on: loop).map { markers -> (any KafkaMessage)? in
            WriteTxnMarkersResponse(markers: markers)
        }
    }
}
