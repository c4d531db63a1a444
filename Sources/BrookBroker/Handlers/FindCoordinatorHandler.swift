import BrookProtocol
import NIOCore

/// FindCoordinator (10), versions 0–4: this node coordinates every group and every transactional id
/// (it leads every `__consumer_offsets` and `__transaction_state` partition). v4+ batches keys, each
/// with its own error; before v4 the one key's error is the top-level one. Until the key's internal
/// topic is open (in the background after start-up) the answer is COORDINATOR_NOT_AVAILABLE, which
/// clients retry, as Kafka answers while it creates the topic.
enum FindCoordinatorHandler {
    static let groupKeyType: Int8 = 0
    static let transactionKeyType: Int8 = 1

    static let handler = ApiHandler.make(FindCoordinatorRequest.self, versions: 0...4) { request, context in
        let broker = context.broker
        let advertised = broker.config.advertised
        let topic: String?
        switch request.keyType {
        case groupKeyType: topic = OffsetsTopic.name
        case transactionKeyType: topic = TransactionStateTopic.name
        default: topic = nil
        }
        let ready = topic.map { broker.topics.topic(named: $0) != nil } ?? false
        func lookup(_ key: String) -> (error: ErrorCode, nodeId: Int32, host: String, port: Int32) {
            guard topic != nil else { return (.invalidRequest, -1, "", -1) }
            guard ready else { return (.coordinatorNotAvailable, -1, "", -1) }
            return (.none, broker.identity.nodeId, advertised.host, Int32(advertised.port))
        }
        var response = FindCoordinatorResponse()
        if context.header.apiVersion >= 4 {
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
        return context.eventLoop.makeSucceededFuture(response)
    }
}
