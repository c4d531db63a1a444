import BrookCoordination
import BrookProtocol
import NIOCore

/// FindCoordinator (10), versions 0–6: a group's (transactional id's) coordinator is the leader of
/// its `__consumer_offsets` (`__transaction_state`) partition in the broker's `ClusterView` (a single
/// node leads them all). v4+ batches keys, each with its own error; before v4 the one key's error is
/// the top-level one. v5 only allows the TRANSACTION_ABORTABLE error; v6 adds key type 2 (share
/// groups, KIP-932), which Brook does not coordinate: Kafka 3.9 answers COORDINATOR_NOT_AVAILABLE for
/// it at v6 and INVALID_REQUEST below v6.
///
/// Right after start-up the internal topics are still opening in the background. Kafka answers
/// COORDINATOR_NOT_AVAILABLE at once while it creates such a topic, but librdkafka retries that only
/// after about a second, which would cost every client arriving in the first tens of milliseconds a
/// second. So a request for a coordinator that has not loaded yet waits for it, for at most
/// `Broker.findCoordinatorWait`, and then gets what is known: the leader once the topic is open
/// (a shard still replaying answers COORDINATOR_LOAD_IN_PROGRESS), COORDINATOR_NOT_AVAILABLE before
/// (retriable; also the answer when the topic could not be opened).
enum FindCoordinatorHandler {
    static let groupKeyType: Int8 = 0
    static let transactionKeyType: Int8 = 1
    static let shareKeyType: Int8 = 2

    static let handler = ApiHandler.make(FindCoordinatorRequest.self, versions: 0...6) { request, context in
        let broker = context.broker
        let topic: String?
        let loading: CoordinatorLoading?
        switch request.keyType {
        case groupKeyType: (topic, loading) = (OffsetsTopic.name, broker.groups.loading)
        case transactionKeyType: (topic, loading) = (TransactionStateTopic.name, broker.transactions.loading)
        default: (topic, loading) = (nil, nil)
        }
        let loaded = loading?.whenLoaded(within: broker.findCoordinatorWait, on: context.eventLoop)
            ?? context.eventLoop.makeSucceededVoidFuture()
        let version = context.header.apiVersion
        return loaded.map { () -> (any KafkaMessage)? in response(to: request, version: version, broker: broker, topic: topic) }
    }

    private static func response(to request: FindCoordinatorRequest, version: Int16, broker: Broker,
                                 topic: String?) -> FindCoordinatorResponse {
        let view = broker.clusterView
        let internalTopic = topic.flatMap { broker.topics.topic(named: $0) }
        func lookup(_ key: String) -> (error: ErrorCode, nodeId: Int32, host: String, port: Int32) {
            if request.keyType == shareKeyType {
                return (version >= 6 ? .coordinatorNotAvailable : .invalidRequest, -1, "", -1)
            }
            guard topic != nil else { return (.invalidRequest, -1, "", -1) }
            guard let internalTopic else { return (.coordinatorNotAvailable, -1, "", -1) }
            let partition = GroupPartitioner.partition(for: key, partitions: internalTopic.partitionCount)
            guard let leader = view.leader(topic: internalTopic.name, partition: partition) else {
                return (.coordinatorNotAvailable, -1, "", -1)
            }
            return (.none, leader.nodeId, leader.host, leader.port)
        }
        var response = FindCoordinatorResponse()
        if version >= 4 {
            response.coordinators = request.coordinatorKeys.map { key in
                let found = lookup(key)
                return .init(key: key, nodeId: found.nodeId, host: found.host, port: found.port,
                             errorCode: found.error.rawValue, errorMessage: found.error == .none ? nil : "\(found.error)")
            }
        } else {
            let found = lookup(request.key)
            response.errorCode = found.error.rawValue
            response.errorMessage = found.error == .none ? nil : "\(found.error)"
            response.nodeId = found.nodeId
            response.host = found.host
            response.port = found.port
        }
        return response
    }
}
